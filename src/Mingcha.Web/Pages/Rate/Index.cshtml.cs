using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
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
public sealed class IndexModel(SectionDirectory sections, Features.Ratings.RatingIntake intake, IStringLocalizer<SharedResource> l) : PageModel
{
    public SectionInfo? Window { get; private set; }
    public RatingScale Scale { get; private set; } = RatingScale.ThreeLevel;
    public string? Error { get; private set; }
    public bool Thanks { get; private set; }

    [BindProperty] public int Level { get; set; }
    [BindProperty] public string? CaseNumber { get; set; }
    [BindProperty] public string? Phone { get; set; }
    [BindProperty] public string? Comment { get; set; }

    public async Task<IActionResult> OnGetAsync(string code, int? scale, string? caseNumber, CancellationToken ct)
    {
        Window = await sections.FindAsync(null, code, ct);
        if (Window is null || !Window.Active) return NotFound();
        Scale = scale == 5 ? RatingScale.FiveLevel : RatingScale.ThreeLevel;
        CaseNumber = caseNumber;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string code, int? scale, CancellationToken ct)
    {
        Window = await sections.FindAsync(null, code, ct);
        if (Window is null || !Window.Active) return NotFound();
        Scale = scale == 5 ? RatingScale.FiveLevel : RatingScale.ThreeLevel;
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

    public string LevelName(int level) => UiText.IsChinese ? RatingScaleMapping.NameZh(Scale, level) : RatingScaleMapping.NameEn(Scale, level);
}
