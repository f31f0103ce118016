using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Satisfaction;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Ratings;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Ratings;

/// <summary>SAT-5: the year's "excellent post" badges (held, revoked with the finding's link), candidates ranked by the ratings, awards.</summary>
[Authorize(Policy = RatingPolicies.Office)]
public sealed class IncentivesModel(MingchaDb db, Incentives incentives, LocalClock clock) : PageModel
{

    public int Year { get; private set; }
    public int BadgesHeld { get; private set; }
    public IReadOnlyList<Incentives.BadgeDto> Revoked { get; private set; } = [];
    public IReadOnlyDictionary<string, IReadOnlyList<RankedCandidate>> Rankings { get; private set; } = new Dictionary<string, IReadOnlyList<RankedCandidate>>();
    public IReadOnlyList<Incentives.AwardDto> Awards { get; private set; } = [];

    public async Task OnGetAsync(int? year, CancellationToken ct)
    {
        Year = Problems.IsYear(year) ? year.Value : clock.Today.Year;
        var badges = db.Set<StaffBadge>().AsNoTracking().Where(b => b.Year == Year);
        BadgesHeld = await badges.CountAsync(b => b.RevokedAt == null, ct);
        Revoked = await incentives.RevokedAsync(Year, ct);
        var rankings = new Dictionary<string, IReadOnlyList<RankedCandidate>>();
        foreach (var kind in new[] { "BestWindowUnit", "BestServicePost", "BestServiceModel" })
            rankings[kind] = (await incentives.RankAsync(kind, Year, ct)).Take(10).ToList();
        Rankings = rankings;
        Awards = await incentives.AwardsAsync(Year, ct);
    }
}
