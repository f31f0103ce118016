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
/// in one ballot. Signed-in representatives hand in as themselves; others anonymously, the phone keeping its ballot key.
/// </summary>
[AllowAnonymous]
public sealed class SitModel(Evaluations evaluations, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    private const string KeyCookie = "mingcha.ballot";
    [BindProperty(SupportsGet = true)] public string Token { get; set; } = "";
    public Evaluations.SittingSheet Sheet { get; private set; } = null!;
    public bool HandedIn { get; private set; }
    [BindProperty] public Dictionary<Guid, Grade> Grades { get; set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        try { Sheet = await evaluations.SheetAsync(await evaluations.SittingByTokenAsync(Token, ct), ct); }
        catch (NotFoundException) { return NotFound(); }
        HandedIn = Request.Cookies.ContainsKey(KeyCookie + "." + Sheet.SittingId.ToString("N")[..12]);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var key = Request.Cookies[KeyCookie] is { Length: >= 16 } k ? k : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        Response.Cookies.Append(KeyCookie, key, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Expires = DateTimeOffset.UtcNow.AddDays(30), IsEssential = true });
        var ballot = new Evaluations.Ballot(key, Grades.Select(g => new Evaluations.SectionGrade(g.Key, g.Value)).ToList());
        Guid sittingId = default;
        if (await TryAsync("ballot", async () =>
            {
                var s = await evaluations.SittingByTokenAsync(Token, ct);
                sittingId = s.Id;
                try { await evaluations.SubmitBallotAsync(Token, ballot, User, HttpContext.Connection.RemoteIpAddress?.ToString(), ct); }
                catch (DomainRuleException e) when (e.StatusCode == StatusCodes.Status429TooManyRequests)
                {
                    // A flood through the link: the page says so (EV-2) and answers 429, as the API does.
                    Response.StatusCode = StatusCodes.Status429TooManyRequests;
                    throw;
                }
            }))
        {
            Response.Cookies.Append(KeyCookie + "." + sittingId.ToString("N")[..12], "1", new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Expires = DateTimeOffset.UtcNow.AddDays(30), IsEssential = true });
            return Done(Text["测评票已提交，谢谢！"], new { Token });
        }
        return await OnGetAsync(ct);
    }
}
