using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Satisfaction;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Ratings;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Ratings;

/// <summary>
/// SAT-5: the year's "excellent post" badges (held, revoked with the finding's link), candidates ranked by the ratings,
/// awards. The Office (the API's policy, <see cref="RatingPolicies.Office"/>) records an award here as through
/// <c>POST /api/v1/incentives/{year}/awards</c>, by the same service: a listed candidate of a ranking, or a grievance
/// award (委屈奖) to a staff member with its reason. A refusal (already awarded, not eligible, no reason) is a message
/// beside the form and stores nothing. The page is the Office's only: unit-bound accounts do not open it.
/// </summary>
[Authorize(Policy = RatingPolicies.Office)]
public sealed class IncentivesModel(MingchaDb db, Incentives incentives, LocalClock clock, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public static readonly string[] Selections = ["BestWindowUnit", "BestServicePost", "BestServiceModel"];

    public int Year { get; private set; }
    public int BadgesHeld { get; private set; }
    public IReadOnlyList<Incentives.BadgeDto> Revoked { get; private set; } = [];
    public IReadOnlyDictionary<string, IReadOnlyList<RankedCandidate>> Rankings { get; private set; } = new Dictionary<string, IReadOnlyList<RankedCandidate>>();
    public IReadOnlyList<Incentives.AwardDto> Awards { get; private set; } = [];
    /// <summary>The active staff the grievance award may name, by unit.</summary>
    public IReadOnlyList<StaffChoice> Staff { get; private set; } = [];
    public sealed record StaffChoice(Guid Id, string Name, string Code, string UnitName);

    /// <summary>The grievance form's entries, kept when it is refused.</summary>
    [BindProperty] public Guid? GrievanceStaffId { get; set; }
    [BindProperty] public string? GrievanceReason { get; set; }

    public async Task OnGetAsync(int? year, CancellationToken ct)
    {
        Year = Problems.IsYear(year) ? year.Value : clock.Today.Year;
        var badges = db.Set<StaffBadge>().AsNoTracking().Where(b => b.Year == Year);
        BadgesHeld = await badges.CountAsync(b => b.RevokedAt == null, ct);
        Revoked = await incentives.RevokedAsync(Year, ct);
        var rankings = new Dictionary<string, IReadOnlyList<RankedCandidate>>();
        foreach (var kind in Selections)
            rankings[kind] = (await incentives.RankAsync(kind, Year, ct)).Take(10).ToList();
        Rankings = rankings;
        Awards = await incentives.AwardsAsync(Year, ct);
        Staff = await (from s in db.Staff.AsNoTracking().Where(s => s.Active)
                       join u in db.Units.AsNoTracking() on s.UnitId equals u.Id
                       orderby u.Name, s.Name, s.Code
                       select new StaffChoice(s.Id, s.Name, s.Code, u.Name)).Take(5000).ToListAsync(ct);
    }

    /// <summary>Whether a yearly selection of <paramref name="kind"/> was already given to <paramref name="subject"/> this year.</summary>
    public bool Awarded(string kind, Guid subject) => Awards.Any(a => a.Kind == kind && a.SubjectId == subject);

    /// <summary>SAT-5: a yearly selection to a listed candidate (best window unit, best service post, best service model).</summary>
    public async Task<IActionResult> OnPostAwardAsync(int year, string? kind, Guid? subjectId, CancellationToken ct)
    {
        var ok = await TryAsync("award", async () =>
        {
            if (kind is null || !Selections.Contains(kind)) throw new FieldException("kind", Text["评选类别无效。"]);
            if (subjectId is not { } id) throw new FieldException("subjectId", Text["请选择获奖对象。"]);
            await incentives.AwardAsync(year, new Incentives.AwardInput(kind, id, null), User, ct);
        });
        if (ok) return Done(Text["奖项已记录。"], new { year });
        await OnGetAsync(year, ct);
        return Page();
    }

    /// <summary>SAT-5: a grievance award (委屈奖) to a staff member, with the wrong suffered as its reason (required).</summary>
    public async Task<IActionResult> OnPostGrievanceAsync(int year, CancellationToken ct)
    {
        var ok = await TryAsync("grievance", async () =>
        {
            if (GrievanceStaffId is not { } staff) throw new FieldException("subjectId", Text["请选择获奖的工作人员。"]);
            if (GrievanceReason is { Length: > 2000 }) throw new FieldException("reason", Text["事由最多 2000 字。"]);
            await incentives.AwardAsync(year, new Incentives.AwardInput(Incentives.Grievance, staff, GrievanceReason), User, ct);
        });
        if (ok) return Done(Text["委屈奖已记录。"], new { year });
        await OnGetAsync(year, ct);
        return Page();
    }
}
