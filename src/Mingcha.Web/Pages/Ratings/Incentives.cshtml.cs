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
    public sealed record RevokedBadge(string Staff, DateTime? RevokedAt, string? Reason, string? Link);
    public sealed record AwardRow(string Kind, string Subject, string Reason, DateTime AwardedAt);

    public int Year { get; private set; }
    public int BadgesHeld { get; private set; }
    public IReadOnlyList<RevokedBadge> Revoked { get; private set; } = [];
    public IReadOnlyDictionary<string, IReadOnlyList<RankedCandidate>> Rankings { get; private set; } = new Dictionary<string, IReadOnlyList<RankedCandidate>>();
    public IReadOnlyList<AwardRow> Awards { get; private set; } = [];

    public async Task OnGetAsync(int? year, CancellationToken ct)
    {
        Year = Problems.IsYear(year) ? year.Value : clock.Today.Year;
        var badges = db.Set<StaffBadge>().AsNoTracking().Where(b => b.Year == Year);
        BadgesHeld = await badges.CountAsync(b => b.RevokedAt == null, ct);
        Revoked = await badges.Where(b => b.RevokedAt != null)
            .Join(db.Staff, b => b.StaffId, s => s.Id, (b, s) => new RevokedBadge(s.Name, b.RevokedAt, b.RevokedReason, b.FindingLink)).ToListAsync(ct);
        var rankings = new Dictionary<string, IReadOnlyList<RankedCandidate>>();
        foreach (var kind in new[] { "BestWindowUnit", "BestServicePost", "BestServiceModel" })
            rankings[kind] = (await incentives.RankAsync(kind, Year, ct)).Take(10).ToList();
        Rankings = rankings;
        var awards = await db.Set<IncentiveAward>().AsNoTracking().Where(a => a.Year == Year).OrderBy(a => a.AwardedAt).ToListAsync(ct);
        var ids = awards.Select(a => a.SubjectId).ToList();
        var names = (await db.Units.Where(u => ids.Contains(u.Id)).Select(u => new { u.Id, u.Name }).ToListAsync(ct))
            .Concat(await db.Sections.Where(s => ids.Contains(s.Id)).Select(s => new { s.Id, s.Name }).ToListAsync(ct))
            .Concat(await db.Staff.Where(s => ids.Contains(s.Id)).Select(s => new { s.Id, s.Name }).ToListAsync(ct))
            .ToDictionary(x => x.Id, x => x.Name);
        Awards = awards.Select(a => new AwardRow(a.Kind, names.GetValueOrDefault(a.SubjectId, a.SubjectId.ToString()), a.Reason, a.AwardedAt)).ToList();
    }
}
