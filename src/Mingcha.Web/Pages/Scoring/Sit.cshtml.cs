using System.Security.Cryptography;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Scoring;
using Mingcha.Web.Features.Scoring;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Scoring;

/// <summary>
/// EV-2: a representative's phone in a concentrated sitting, through the sitting's link or QR code: grade the sections, hand
/// in one ballot. Signed-in representatives hand in as themselves; others anonymously, with the one-time code of their slip
/// when the sitting requires codes (decision 028: the slip's QR code carries it as <c>?code=</c>, or it is typed), else
/// the phone keeping its ballot key.
/// </summary>
[AllowAnonymous]
public sealed class SitModel(Evaluations evaluations, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    private const string KeyCookie = "mingcha.ballot";
    [BindProperty(SupportsGet = true)] public string Token { get; set; } = "";
    public Evaluations.SittingSheet Sheet { get; private set; } = null!;
    public bool HandedIn { get; private set; }
    [BindProperty] public Dictionary<Guid, Grade> Grades { get; set; } = [];
    /// <summary>The slip's one-time code (decision 028), from the QR code's link or typed.</summary>
    [BindProperty(SupportsGet = true)] public string? Code { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        try { Sheet = await evaluations.SheetAsync(await evaluations.SittingByTokenAsync(Token, ct), ct); }
        catch (NotFoundException) { return NotFound(); }
        // A phone that handed in shows so, unless it comes with a slip's code (one phone may serve two representatives' slips).
        HandedIn = string.IsNullOrWhiteSpace(Code) && Request.Cookies.ContainsKey(KeyCookie + "." + Sheet.SittingId.ToString("N")[..12]);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var key = Request.Cookies[KeyCookie] is { Length: >= 16 } k ? k : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        Response.Cookies.Append(KeyCookie, key, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Expires = DateTimeOffset.UtcNow.AddDays(30), IsEssential = true });
        var ballot = new Evaluations.Ballot(key, Grades.Select(g => new Evaluations.SectionGrade(g.Key, g.Value)).ToList(), Code);
        Guid sittingId = default;
        if (await TryAsync("ballot", async () =>
            {
                var s = await evaluations.SittingByTokenAsync(Token, ct);
                sittingId = s.Id;
                try { await evaluations.SubmitBallotAsync(Token, ballot, User, HttpContext.Connection.RemoteIpAddress?.ToString(), ct); }
                catch (DomainRuleException e) when (e.StatusCode is StatusCodes.Status429TooManyRequests or StatusCodes.Status403Forbidden or StatusCodes.Status409Conflict)
                {
                    // A flood through the link (429), a ballot without a valid code (403) or with a used one (409): the page
                    // says so (EV-2) with the API's status.
                    Response.StatusCode = e.StatusCode;
                    throw;
                }
            }))
        {
            Response.Cookies.Append(KeyCookie + "." + sittingId.ToString("N")[..12], "1", new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Expires = DateTimeOffset.UtcNow.AddDays(30), IsEssential = true });
            return Done(Text["测评票已提交，谢谢！"], new { Token, Code = (string?)null });
        }
        return await OnGetAsync(ct);
    }
}
