using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Rectification;
using Mingcha.Domain.Security;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Rectification;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Rectification;

/// <summary>
/// One notice: its findings, document, deadlines with working days left, objection window countdown (RCT-3), history.
/// The unit's liaison objects or answers with evidence taken from the phone; the Office reviews, verifies, records refusal.
/// </summary>
[Authorize(Roles = "OfficeAdmin,OfficeStaff,Leader,UnitLiaison")]
[RequestSizeLimit(NoticeEvidence.MaxBytes + 1_000_000)]
public sealed class NoticeModel(Notices notices, NoticeReads reads, NoticeEvidence evidence, Features.Calendar.CalendarService calendar, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public NoticeReads.NoticeDetail Detail { get; private set; } = null!;
    public bool IsOffice => Has(Roles.OfficeAdmin, Roles.OfficeStaff);
    public bool IsOwnUnit => Has(Roles.UnitLiaison) && User.UnitId() == Detail.Notice.UnitId;
    /// <summary>The evidence vault is the Office's and the inspected unit's (EVD-3): a leader reads the notice without its links into the vault.</summary>
    public bool OpensEvidence => IsOffice || IsOwnUnit;

    [BindProperty] public string? Grounds { get; set; }
    [BindProperty] public string? Actions { get; set; }
    [BindProperty] public string? Measures { get; set; }
    [BindProperty] public string? Reason { get; set; }
    [BindProperty] public bool Upheld { get; set; }
    [BindProperty] public bool Accepted { get; set; }
    [BindProperty] public List<IFormFile> Files { get; set; } = [];

    public bool ObjectionOpen => Detail.Notice.Status == NoticeStatus.Issued && !Detail.Notice.ObjectionDecided && Detail.Notice.ObjectionDaysLeft is > 0;
    public bool AwaitsAnswer => RectificationRules.AwaitsUnit(Detail.Notice.Status);
    /// <summary>RCT-4 with RCT-3: the refusal form only where a refusal may be recorded today (not while the unit may still object, nor on an answer awaiting checking).</summary>
    public bool RefusalOpen => IsOffice && RectificationRules.MayRecordRefusal(Detail.Notice.Status, Detail.Notice.ObjectionLastDay, Detail.Notice.ObjectionDecided, calendar.Today);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        try { Detail = await reads.GetAsync(User, id, ct); }
        catch (DomainRuleException) { return NotFound(); }
        return Page();
    }

    private async Task<IActionResult> AfterAsync(Guid id, bool ok, string done, CancellationToken ct)
    {
        if (ok) return Done(done, new { id });
        return await OnGetAsync(id, ct);
    }

    private async Task<List<Guid>> UploadAsync(Guid id, CancellationToken ct)
    {
        var ids = new List<Guid>();
        foreach (var f in Files.Where(f => f.Length > 0).Take(10)) ids.Add(await evidence.StoreAsync(id, f, User, ct));
        return ids;
    }

    // EVD-1: the state, the window and the text are checked before any file is stored: evidence is never deleted, so a file
    // taken for an objection or answer that is then refused would stay as an orphan.
    [HandlerRoles(Roles.UnitLiaison)]
    public async Task<IActionResult> OnPostObjectAsync(Guid id, CancellationToken ct) =>
        await AfterAsync(id, await TryAsync("objection", async () =>
        {
            await notices.EnsureMayObjectAsync(id, User, ct);
            Problems.Validate(new Notices.FileObjection(Grounds ?? "", []));
            await notices.ObjectAsync(id, new Notices.FileObjection(Grounds ?? "", await UploadAsync(id, ct)), User, ct);
        }), Text["异议已提交，等待效能办复核。"], ct);

    [HandlerRoles(Roles.UnitLiaison)]

    public async Task<IActionResult> OnPostAnswerAsync(Guid id, CancellationToken ct) =>
        await AfterAsync(id, await TryAsync("answer", async () =>
        {
            await notices.EnsureMayAnswerAsync(id, User, ct);
            Problems.Validate(new Notices.Answer(Actions ?? "", Measures ?? "", []));
            await notices.AnswerAsync(id, new Notices.Answer(Actions ?? "", Measures ?? "", await UploadAsync(id, ct)), User, ct);
        }), Text["整改情况已反馈，等待效能办核查。"], ct);

    /// <summary>Whether the named form is on the page now; a message for a form no longer shown goes above the notice.</summary>
    public bool FormShown(string form) => form switch
    {
        "objection" => IsOwnUnit && ObjectionOpen,
        "answer" => IsOwnUnit && AwaitsAnswer,
        "review" => IsOffice && Detail.Notice.Status == NoticeStatus.Objected,
        "verify" => IsOffice && Detail.Notice.Status == NoticeStatus.Answered,
        "refusal" => RefusalOpen,
        _ => false,
    };

    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]

    public async Task<IActionResult> OnPostReviewAsync(Guid id, CancellationToken ct) =>
        await AfterAsync(id, await TryAsync("review", () => notices.ReviewAsync(id, new Notices.ReviewObjection(Upheld, Reason ?? ""), User, ct)), Text["异议复核结果已记录。"], ct);

    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]

    public async Task<IActionResult> OnPostVerifyAsync(Guid id, CancellationToken ct) =>
        await AfterAsync(id, await TryAsync("verify", () => notices.VerifyAsync(id, new Notices.Verify(Accepted, Reason), User, ct)), Text["核查结果已记录。"], ct);

    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]

    public async Task<IActionResult> OnPostRefusalAsync(Guid id, CancellationToken ct) =>
        await AfterAsync(id, await TryAsync("refusal", () => notices.RefusalAsync(id, new Notices.Refusal(Reason ?? ""), User, ct)), Text["已认定为拒不整改。"], ct);
}
