using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Mingcha.Web.Features.Complaints;

namespace Mingcha.Web.Pages.Complaints;

/// <summary>The complainant follows the complaint with the query code and rates the answer (CMP-11). No account.</summary>
[AllowAnonymous]
public sealed class TrackModel(ComplaintReads reads, Features.Complaints.Complaints complaints, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    [BindProperty(SupportsGet = true)] public string? Code { get; set; }
    public ComplaintReads.PublicView? View { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(Code)) return Page();
        await TryAsync("track", async () => View = await reads.TrackAsync(Code.Trim(), ct));
        if (View is null) Response.StatusCode = 404;
        return Page();
    }

    public async Task<IActionResult> OnPostRateAsync(int level, string? comment, CancellationToken ct)
    {
        var code = (Code ?? "").Trim();
        if (await TryAsync("rate", () => complaints.RateAsync(code, new Features.Complaints.Complaints.PublicRating(level, comment is { Length: > 500 } ? comment[..500] : comment), ct)))
            return Done(Text["感谢您的评价！"], new { code });
        await TryAsync("track", async () => View = await reads.TrackAsync(code, ct));
        return Page();
    }
}
