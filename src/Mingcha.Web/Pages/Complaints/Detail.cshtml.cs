using Mingcha.Domain.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Complaints;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Complaints;
using C = Mingcha.Web.Features.Complaints.Complaints;

namespace Mingcha.Web.Pages.Complaints;

/// <summary>One complaint with its history (CMP-1) and the acts of the Office (CMP-6..CMP-10) or of the unit (CMP-7); masked personal data (SEC-4).</summary>
[Authorize(Policy = ComplaintPolicies.Read)]
public sealed class DetailModel(MingchaDb db, ComplaintReads reads, C complaints, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public ComplaintReads.Detail? Item { get; private set; }
    public ComplaintViewer Viewer { get; private set; } = ComplaintViewer.Public;
    public IReadOnlyList<FileModel.UnitOption> Units { get; private set; } = [];
    public C.Revealed? Revealed { get; private set; }
    /// <summary>The rounds not yet closed, for making the complaint a clue (CMP-10); the Office's only.</summary>
    public IReadOnlyList<(Guid Id, string Label)> Rounds { get; private set; } = [];
    /// <summary>The unit's staff, for naming whom a substantiated complaint is against (SAT-5), and that person's name once named.</summary>
    public IReadOnlyList<(Guid Id, string Label)> Staff { get; private set; } = [];
    public string? StaffName { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await ShowAsync(id, ct);

    private async Task<IActionResult> ShowAsync(Guid id, CancellationToken ct)
    {
        Viewer = ComplaintViewer.Of(User);
        try { Item = await reads.GetAsync(Viewer, id, ct); }
        catch (NotFoundException) { return NotFound(); }
        if (Item.StaffId is { } named)
            StaffName = await db.Staff.AsNoTracking().Where(s => s.Id == named).Select(s => s.Name).FirstOrDefaultAsync(ct);
        if (Viewer.IsOffice)
        {
            if (Item.Kind == ComplaintKind.Complaint && Item.Status is ComplaintStatus.Answered or ComplaintStatus.UnderReview)
                Staff = (await db.Staff.AsNoTracking().Where(s => s.UnitId == Item.UnitId && s.Active).OrderBy(s => s.Code).Take(2000)
                    .Select(s => new { s.Id, s.Code, s.Name }).ToListAsync(ct)).Select(s => (s.Id, $"{s.Name}（{s.Code}）")).ToList();
            Units = await db.Units.AsNoTracking().Where(u => u.Active).OrderBy(u => u.Code).Select(u => new FileModel.UnitOption(u.Id, u.Name)).Take(2000).ToListAsync(ct);
            if (Item.ClueRoundId is null)
                Rounds = (await db.InspectionRounds.AsNoTracking().Where(r => r.Status != Features.Inspections.RoundStatus.Closed)
                        .OrderByDescending(r => r.Year).ThenBy(r => r.StartsOn).Take(200).Select(r => new { r.Id, r.Year, r.Title, r.Kind }).ToListAsync(ct))
                    .Select(r => (r.Id, $"{r.Year} {r.Title}（{(r.Kind == Features.Inspections.InspectionKind.Covert ? Text["暗访"] : Text["明查"])}）")).ToList();
        }
        return Page();
    }

    private async Task<IActionResult> ActAsync(Guid id, string form, Func<ComplaintViewer, Task> act, string done, CancellationToken ct)
    {
        var viewer = ComplaintViewer.Of(User);
        if (await TryAsync(form, () => act(viewer))) return Done(done, new { id });
        return await ShowAsync(id, ct);
    }

    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]

    public Task<IActionResult> OnPostAssignAsync(Guid id, Guid? unitId, string? note, CancellationToken ct) =>
        ActAsync(id, "assign", v => complaints.AssignAsync(id, new C.Assign(unitId, string.IsNullOrWhiteSpace(note) ? null : note.Trim()), v, ct), Text["已交办。"], ct);
    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]
    public Task<IActionResult> OnPostRefuseAsync(Guid id, NotAcceptedReason reason, string? note, CancellationToken ct) =>
        ActAsync(id, "refuse", v => complaints.RefuseAsync(id, new C.Refuse(reason, Required(note)), v, ct), Text["已不予受理并告知投诉人。"], ct);
    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]
    public Task<IActionResult> OnPostExtensionDecisionAsync(Guid id, bool approved, CancellationToken ct) =>
        ActAsync(id, "extension", v => complaints.DecideExtensionAsync(id, new C.Decision(approved, null), v, ct), Text["已审批延期申请。"], ct);
    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]
    public Task<IActionResult> OnPostReviewAsync(Guid id, bool accept, bool? substantiated, string? note, Guid? staffId, CancellationToken ct) =>
        ActAsync(id, "review", v => complaints.ReviewAsync(id, new C.Review(accept, substantiated, null, note, accept ? staffId : null), v, ct), Text["已审核。"], ct);
    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]
    public Task<IActionResult> OnPostUrgeAsync(Guid id, string? note, CancellationToken ct) =>
        ActAsync(id, "urge", v => complaints.UrgeAsync(id, new C.Remark(Required(note)), v, ct), Text["已催办。"], ct);
    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]
    public Task<IActionResult> OnPostAccountabilityAsync(Guid id, string? note, CancellationToken ct) =>
        ActAsync(id, "accountability", v => complaints.AccountabilityAsync(id, new C.Remark(Required(note)), v, ct), Text["已记录追责情况。"], ct);
    /// <summary>CMP-11: a new query code for the complainant, shown here once.</summary>
    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]
    public async Task<IActionResult> OnPostQueryCodeAsync(Guid id, CancellationToken ct)
    {
        C.QueryCode? issued = null;
        var viewer = ComplaintViewer.Of(User);
        if (await TryAsync("query-code", async () => issued = await complaints.ReissueQueryCodeAsync(id, viewer, ct)))
            return Done(issued!.Texted ? Text["新查询码：{0}（仅显示这一次，已短信告知投诉人）。", issued.Code] : Text["新查询码：{0}（仅显示这一次）。", issued.Code], new { id });
        return await ShowAsync(id, ct);
    }

    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]

    public Task<IActionResult> OnPostGrantAsync(Guid id, CancellationToken ct) =>
        ActAsync(id, "grant", v => complaints.GrantContactAsync(id, v, ct), Text["已授权承办单位查看联系方式。"], ct);
    [HandlerRoles(Roles.UnitLiaison)]
    public Task<IActionResult> OnPostAnswerAsync(Guid id, string? answer, CancellationToken ct) =>
        ActAsync(id, "answer", v => complaints.AnswerAsync(id, new C.Text(Required(answer)), v, ct), Text["已答复。"], ct);
    [HandlerRoles(Roles.UnitLiaison)]
    public Task<IActionResult> OnPostReturnAsync(Guid id, string? note, CancellationToken ct) =>
        ActAsync(id, "return", v => complaints.ReturnAsync(id, new C.Remark(Required(note)), v, ct), Text["已退回效能办。"], ct);
    [HandlerRoles(Roles.UnitLiaison)]
    public Task<IActionResult> OnPostExtensionAsync(Guid id, int days, string? reason, CancellationToken ct) =>
        ActAsync(id, "extension-request", v => complaints.RequestExtensionAsync(id, new C.ExtensionRequest(days, Required(reason)), v, ct), Text["已提交延期申请。"], ct);

    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]

    public Task<IActionResult> OnPostClueAsync(Guid id, Guid? roundId, CancellationToken ct) =>
        ActAsync(id, "clue", v => complaints.ClueAsync(id, new C.Clue(roundId ?? throw new FieldException("roundId", Text["请选择检查轮次。"]), null), v, ct),
            Text["已作为线索列入检查对象。"], ct);
    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]
    public Task<IActionResult> OnPostEvidenceCaseAsync(Guid id, CancellationToken ct) =>
        ActAsync(id, "evidence-case", _ => complaints.EvidenceCaseAsync(id, User, ct), Text["已建立证据案卷，可上传证据文件。"], ct);

    /// <summary>SEC-4: the full details, shown once on this page and logged.</summary>
    public async Task<IActionResult> OnPostRevealAsync(Guid id, CancellationToken ct)
    {
        C.Revealed? shown = null;
        if (!await TryAsync("reveal", async () => shown = await complaints.RevealAsync(id, ComplaintViewer.Of(User), ct))) return await ShowAsync(id, ct);
        var page = await ShowAsync(id, ct);
        Revealed = shown;
        return page;
    }

    // Not cut to a length: an over-long text is refused, named, by the handler (Problems.ValidateLengths), not shortened unseen.
    private string Required(string? s) => string.IsNullOrWhiteSpace(s) ? throw new FieldException("text", Text["请填写内容。"]) : s.Trim();
}
