using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Mingcha.Web.Features.Inspections;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Inspections;

/// <summary>
/// The eight-step covert-visit protocol on the inspector's phone (INS-11, INS-20): one step at a time, each saved to
/// the JSON API as it goes (queued on the device while the connection is lost), evidence handed in with tus.
/// Below it, the report's review (INS-19): the Office accepts, returns it with a question or rejects it, and sends the
/// accepted visit's confirmed findings to the unit (INS-9, RCT-1); the Office asks and the inspector answers here.
/// The visit's existence stays hidden from anyone who may not know of it (404, INS-9).
/// </summary>
[Authorize(Policy = VisitPolicies.Work)]
public sealed class VisitModel(VisitProtocolFlow flow, Visits visits, Mingcha.Web.Data.MingchaDb db, IAuthorizationService authorization, IStringLocalizer<SharedResource> l)
    : MingchaPageModel(l)
{
    public VisitProtocolFlow.ProtocolView Protocol { get; private set; } = null!;
    public Visits.VisitDetail? Detail { get; private set; }

    /// <summary>The report's findings (INS-5) with where they stand (RCT-1), once it is handed in.</summary>
    public IReadOnlyList<Visits.FindingLine> Findings { get; private set; } = [];

    /// <summary>The inspected section's address, when the organisation records one.</summary>
    public string? SectionAddress { get; private set; }

    /// <summary>The Office (inspection management) decides reports and sends findings.</summary>
    public bool MayManage { get; private set; }

    [BindProperty] public string? Note { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        try
        {
            Protocol = await flow.ViewAsync(id, User, ct);
            MayManage = (await authorization.AuthorizeAsync(User, InspectionPolicies.Manage)).Succeeded;
            // Whoever works the visit (ViewAsync let them in) sees where and in which round; the Office's review uses the rest.
            var viewer = await InspectionViewer.ForAsync(User, db, ct);
            Detail = await visits.GetAsync(viewer, id, ct);
            if (Protocol.Status is not (VisitStatus.Planned or VisitStatus.InProgress)) Findings = await visits.FindingsAsync(viewer, id, null, ct);
            SectionAddress = await db.Sections.AsNoTracking().Where(s => s.Id == Protocol.SectionId).Select(s => s.Address).FirstOrDefaultAsync(ct);
            return Page();
        }
        catch (NotFoundException) { return NotFound(); }
        catch (DomainRuleException e) when (e.StatusCode == 403) { return Forbid(); }
    }

    public async Task<IActionResult> OnPostDecideAsync(Guid id, VisitStatus outcome, CancellationToken ct)
    {
        if (!(await authorization.AuthorizeAsync(User, InspectionPolicies.Manage)).Succeeded) return Forbid();
        return await AfterAsync(id, await TryAsync("decide", () => flow.DecideAsync(id, new VisitProtocolFlow.Decision(outcome, Blank(Note)), User, ct)),
            Text["审核结果已记录。"], ct);
    }

    public async Task<IActionResult> OnPostSendFindingsAsync(Guid id, CancellationToken ct)
    {
        if (!(await authorization.AuthorizeAsync(User, InspectionPolicies.Manage)).Succeeded) return Forbid();
        return await AfterAsync(id, await TryAsync("send", () => visits.SendFindingsAsync(id, User, ct)), Text["问题已送达被查单位。"], ct);
    }

    /// <summary>INS-13: the Office records that its people went along (a joint visit).</summary>
    public async Task<IActionResult> OnPostJointAsync(Guid id, CancellationToken ct)
    {
        if (!(await authorization.AuthorizeAsync(User, InspectionPolicies.Manage)).Succeeded) return Forbid();
        return await AfterAsync(id, await TryAsync("joint", () => visits.MarkJointAsync(id, new Visits.JointVisit(Note ?? ""), User, ct)), Text["已记录为联合暗访。"], ct);
    }

    public async Task<IActionResult> OnPostMessageAsync(Guid id, CancellationToken ct) =>
        await AfterAsync(id, await TryAsync("message", () => flow.PostMessageAsync(id,
            new VisitProtocolFlow.Message(Blank(Note) ?? throw new FieldException("text", Text["请填写内容。"])), User, ct)), Text["已发送。"], ct);

    private async Task<IActionResult> AfterAsync(Guid id, bool ok, string done, CancellationToken ct)
    {
        if (ok) return Done(done, new { id });
        var page = await OnGetAsync(id, ct);
        if (page is PageResult) Response.StatusCode = StatusCodes.Status400BadRequest;
        return page;
    }
}
