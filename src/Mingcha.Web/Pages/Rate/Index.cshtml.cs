using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Satisfaction;
using Mingcha.Web.Features.Ratings;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Rate;

/// <summary>
/// The public rating page a window's QR code opens (SAT-1): no account, antiforgery on the form (Razor Pages validate it),
/// rate-limited per client address, everything the rater types stored as text and shown encoded.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(RatingRateLimits.Public)]
public sealed class IndexModel(SectionDirectory sections, Features.Ratings.RatingIntake intake, Data.MingchaDb db, TimeProvider time,
    RatingLinkSigner signer, IStringLocalizer<SharedResource> l) : PageModel
{
    public SectionInfo? Window { get; private set; }
    public RatingScale Scale { get; private set; } = RatingScale.ThreeLevel;
    public string? Error { get; private set; }
    public bool Thanks { get; private set; }

    [BindProperty] public int Level { get; set; }
    [BindProperty] public string? CaseNumber { get; set; }
    /// <summary>The signature of a receipt's link (SAT-8, decision 032), carried from the link into the form.</summary>
    [BindProperty] public string? Sig { get; set; }
    [BindProperty] public string? Phone { get; set; }
    [BindProperty] public string? Comment { get; set; }

    /// <summary>The window was closed (撤销, decision 045): its QR code may still hang somewhere; the page says so (410), with no form.</summary>
    public bool Closed { get; private set; }

    private PageResult ClosedPage()
    {
        Closed = true;
        Response.StatusCode = StatusCodes.Status410Gone;
        return Page();
    }

    // SAT-1: the scale is the window's setting (RatingPoint, decision 032); a `scale` in the query is not read.
    public async Task<IActionResult> OnGetAsync(string code, string? caseNumber, string? sig, CancellationToken ct)
    {
        Window = await sections.FindAsync(null, code, ct);
        if (Window is null) return NotFound();
        if (!Window.Active) return ClosedPage();
        Scale = (await RatingPoints.ForAsync(db, Window.Id, ct)).Scale;
        CaseNumber = caseNumber;
        Sig = sig;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string code, CancellationToken ct)
    {
        Window = await sections.FindAsync(null, code, ct);
        if (Window is null) return NotFound();
        if (!Window.Active) return ClosedPage();
        var settings = await RatingPoints.ForAsync(db, Window.Id, ct);
        Scale = settings.Scale;
        if (SignatureRefusal(settings.SignedCaseOnly) is { } refusal)
        {
            Error = refusal;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        if (!await CaseOfThisWindowAsync(ct))
        {
            Error = l["办件编号不是本窗口近期办结的办件，请核对；也可以不填办件编号直接评价。"];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        try
        {
            await intake.SubmitAsync(new RatingInput(Window.Id, null, CaseNumber, Scale, Level, null, null, Phone, Comment), RatingChannel.QrCode, null, null, ct);
            Thanks = true;
        }
        catch (FieldException e) { Error = e.Message; Response.StatusCode = 400; }
        catch (DomainRuleException e) { Error = e.RuleId == "SAT-8" ? l["该办件已评价过，感谢您的参与。"] : e.Message; Response.StatusCode = e.StatusCode; }
        catch (RatingQueueFullException) { Error = l["系统繁忙，请稍后再试。"]; Response.StatusCode = 503; Response.Headers.RetryAfter = "1"; }
        return Page();
    }

    /// <summary>
    /// SAT-8 (decision 032): a case number that comes with a signature must carry that number's signature (a tampered one,
    /// or another case's, is refused whatever the setting); a window that takes case numbers only by signed link refuses a
    /// bare one. No case number: nothing to check.
    /// </summary>
    private string? SignatureRefusal(bool signedOnly)
    {
        var number = string.IsNullOrWhiteSpace(CaseNumber) ? null : CaseNumber.Trim();
        if (number is null) return null;
        if (!string.IsNullOrWhiteSpace(Sig))
            return signer.Verify(number, Sig) ? null : l["评价链接无效或已被改动，请扫描办件回执上的二维码；也可以不填办件编号直接评价。"].Value;
        return signedOnly ? l["本窗口只接受办件回执上评价链接中的办件编号，请扫描回执上的二维码；也可以不填办件编号直接评价。"].Value : null;
    }

    /// <summary>
    /// SAT-1, SAT-8: anyone may open the page, so a case number on it (typed, or carried by a receipt's link) must name a
    /// case this window served, finished within the days a rating may still come in (<see cref="Domain.Satisfaction.RatingIntake.MaxDelay"/>):
    /// else a visitor could pin a rating on another window's case, its staff member and its citizen (whose own rating
    /// would then be refused, and whose phone would make the follow-up real-name). The window is the QR's section, the
    /// hall above it or a window below it (a business system may record either). No case number: nothing to check.
    /// </summary>
    private async Task<bool> CaseOfThisWindowAsync(CancellationToken ct)
    {
        var number = string.IsNullOrWhiteSpace(CaseNumber) ? null : CaseNumber.Trim();
        if (number is null || number.Length > 64) return true; // none, or one the intake refuses by name (too long)
        var record = await db.ServiceRecords.AsNoTracking().Where(r => r.CaseNumber == number).Select(r => new { r.SectionId, r.FinishedAt }).FirstOrDefaultAsync(ct);
        if (record is null || record.FinishedAt < time.GetUtcNow().UtcDateTime - Domain.Satisfaction.RatingIntake.MaxDelay) return false;
        var windowId = Window!.Id;
        return record.SectionId == windowId || await db.Sections.AsNoTracking().AnyAsync(s =>
            (s.Id == record.SectionId && s.ParentSectionId == windowId) || (s.Id == windowId && s.ParentSectionId == record.SectionId), ct);
    }

    public string LevelName(int level) => UiText.IsChinese ? RatingScaleMapping.NameZh(Scale, level) : RatingScaleMapping.NameEn(Scale, level);
}
