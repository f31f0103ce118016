using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Mingcha.Web.Features.Scoring;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Published;

/// <summary>EV-10: every published campaign's rules, schedule and results, for everyone (no account).</summary>
[AllowAnonymous]
public sealed class ScoringModel(CampaignResults results, Campaigns campaigns) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid? Id { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? CategoryId { get; set; }
    public IReadOnlyList<(Guid Id, string Name)> Categories { get; private set; } = [];
    public IReadOnlyList<Campaigns.CampaignDto> List { get; private set; } = [];
    public Campaigns.CampaignDto? Campaign { get; private set; }
    public CampaignResults.Ranking? Ranking { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        List = await results.PublishedAsync(ct);
        if (Id is { } id)
        {
            try
            {
                Categories = await results.CategoriesAsync(id, null, ct);
                CategoryId ??= Categories.Count > 0 ? Categories[0].Id : null;
                Ranking = await results.RankingAsync(id, CategoryId ?? Guid.Empty, null, ct);
            }
            catch (NotFoundException) { return NotFound(); }
            Campaign = await campaigns.GetAsync(id, ct);
        }
        return Page();
    }
}
