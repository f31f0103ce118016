using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Evidence;

namespace Mingcha.Web.Pages.Evidence;

/// <summary>One case: its evidence with a player, the holds, the access log (EVD-3); the office releases and holds here.</summary>
// EVD-3, SEC-1: evidence is the Office's, the visit team's and (once released) the unit's; no other role opens these pages.
[Microsoft.AspNetCore.Authorization.Authorize(Roles = "OfficeAdmin,OfficeStaff,Supervisor,AgencyInspector,UnitLiaison")]
public sealed class CaseModel(MingchaDb db, EvidenceAccessService access, EvidenceCases cases) : PageModel
{
    public EvidenceApi.CaseDetail Detail { get; private set; } = null!;
    public IReadOnlyList<EvidenceApi.AccessLine>? AccessLog { get; private set; }
    public string? Message { get; private set; }

    [BindProperty] public EvidenceHoldReason HoldReason { get; set; } = EvidenceHoldReason.OpenRectification;
    [BindProperty] public string? HoldNote { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct);

    public async Task<IActionResult> OnPostReleaseAsync(Guid id, CancellationToken ct) =>
        await ActAsync(id, () => cases.ReleaseByHandAsync(id, User, ct), ct);

    public async Task<IActionResult> OnPostHoldAsync(Guid id, CancellationToken ct) =>
        await ActAsync(id, () => cases.PlaceHoldAsync(id, HoldReason, HoldNote, User, ct), ct);

    public async Task<IActionResult> OnPostLiftAsync(Guid id, Guid holdId, CancellationToken ct) =>
        await ActAsync(id, () => cases.LiftHoldAsync(id, holdId, User, ct), ct);

    private async Task<IActionResult> ActAsync(Guid id, Func<Task> action, CancellationToken ct)
    {
        if (!EvidenceAccessService.IsOffice(User)) return Forbid();
        try
        {
            await action();
            return RedirectToPage(new { id });
        }
        catch (DomainRuleException e)
        {
            Message = e.Message;
            return await LoadAsync(id, ct);
        }
        catch (Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException e)
        {
            // Another officer released the case or lifted the hold at the same moment (decision 037): nothing of this post
            // was stored; the page shows the case as it now is, with the API's words for it.
            db.ChangeTracker.Clear();
            Message = Infrastructure.ProblemExceptionHandler.Describe(e)?.Title;
            return await LoadAsync(id, ct);
        }
    }

    private async Task<IActionResult> LoadAsync(Guid id, CancellationToken ct)
    {
        try
        {
            Detail = await EvidenceApi.DetailAsync(id, User, access, db, ct);
        }
        catch (NotFoundException) { return NotFound(); }
        catch (DomainRuleException) { return Forbid(); }
        try { AccessLog = await EvidenceApi.AccessLogAsync(id, User, access, db, ct); }
        catch (DomainRuleException) { AccessLog = null; }
        return Page();
    }

    public static string Duration(long? ms) => ms is { } v ? TimeSpan.FromMilliseconds(v).ToString(v >= 3_600_000 ? @"h\:mm\:ss" : @"m\:ss", System.Globalization.CultureInfo.InvariantCulture) : "—";

    public static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):F2} GB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):F1} MB",
        _ => $"{bytes / 1024.0:F0} KB",
    };

    public static string HoldName(EvidenceHoldReason r) => r switch
    {
        EvidenceHoldReason.OpenRectification => "整改未完成",
        EvidenceHoldReason.Objection => "异议复核中",
        EvidenceHoldReason.Complaint => "投诉处理中",
        _ => "其他",
    };
}
