using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Satisfaction;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Ratings;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Infrastructure;
using Staff = Mingcha.Web.Features.Organisation.Staff;

namespace Mingcha.Web.Pages.Ratings;

/// <summary>
/// SAT-5: the year's "excellent post" badges (held, revoked with the finding's link), candidates ranked by the ratings,
/// awards. The Office (the API's policy, <see cref="RatingPolicies.Office"/>) records an award here as through
/// <c>POST /api/v1/incentives/{year}/awards</c>, by the same service: a listed candidate of a ranking, or a grievance
/// award (委屈奖) to a staff member with its reason, found by name or code (a search in the user's scope, a few results:
/// an organisation's whole staff in one list is of no use). A refusal (already awarded, not eligible, no reason, a person
/// the search would not offer) is a message beside the form and stores nothing. The page is the Office's only: unit-bound
/// accounts do not open it.
/// </summary>
[Authorize(Policy = RatingPolicies.Office)]
public sealed class IncentivesModel(MingchaDb db, Incentives incentives, LocalClock clock, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public static readonly string[] Selections = ["BestWindowUnit", "BestServicePost", "BestServiceModel"];

    public int Year { get; private set; }
    public int BadgesHeld { get; private set; }
    /// <summary>The year's badges by unit: active staff, held, revoked, not handed out yet.</summary>
    public IReadOnlyList<Incentives.UnitBadgesDto> UnitBadges { get; private set; } = [];
    /// <summary>Active staff without the year's badge (they joined after the hand-out, or the year has not been handed out).</summary>
    public int NotHandedOut => UnitBadges.Sum(u => u.NotHandedOut);
    /// <summary>Whether the year shown is this year: the only one whose badges the page hands out.</summary>
    public bool ThisYear => Year == clock.Today.Year;
    public IReadOnlyList<Incentives.BadgeDto> Revoked { get; private set; } = [];
    public IReadOnlyDictionary<string, IReadOnlyList<RankedCandidate>> Rankings { get; private set; } = new Dictionary<string, IReadOnlyList<RankedCandidate>>();
    public IReadOnlyList<Incentives.AwardDto> Awards { get; private set; } = [];
    /// <summary>How many people a staff search lists at most.</summary>
    public const int StaffResultsLimit = 20;

    /// <summary>The grievance award's staff search: part of a name or code.</summary>
    [BindProperty(SupportsGet = true)] public string? StaffQuery { get; set; }
    /// <summary>The active staff in the user's scope that match <see cref="StaffQuery"/> (and the one picked), by unit.</summary>
    public IReadOnlyList<StaffChoice> Staff { get; private set; } = [];
    /// <summary>Whether more people match than are listed.</summary>
    public bool MoreStaff { get; private set; }
    public sealed record StaffChoice(Guid Id, string Name, string Code, string UnitName);

    /// <summary>The grievance form's entries, kept when it is refused.</summary>
    [BindProperty] public Guid? GrievanceStaffId { get; set; }
    [BindProperty] public string? GrievanceReason { get; set; }

    public async Task OnGetAsync(int? year, CancellationToken ct)
    {
        Year = Problems.IsYear(year) ? year.Value : clock.Today.Year;
        UnitBadges = await incentives.ByUnitAsync(Year, ct);
        BadgesHeld = UnitBadges.Sum(u => u.Held);
        Revoked = await incentives.RevokedAsync(Year, ct);
        var rankings = new Dictionary<string, IReadOnlyList<RankedCandidate>>();
        foreach (var kind in Selections)
            rankings[kind] = (await incentives.RankAsync(kind, Year, ct)).Take(10).ToList();
        Rankings = rankings;
        Awards = await incentives.AwardsAsync(Year, ct);
        await FindStaffAsync(ct);
    }

    /// <summary>SEC-2: the active staff this user may name; the Office's roles see every unit, anyone else their own unit's.</summary>
    private IQueryable<Staff> StaffInScope()
    {
        var staff = db.Staff.AsNoTracking().Where(s => s.Active);
        if (User.SeesAllUnits()) return staff;
        var own = User.UnitId();
        return staff.Where(s => s.UnitId == own);
    }

    private async Task FindStaffAsync(CancellationToken ct)
    {
        var query = StaffQuery?.Trim() is { Length: > 0 } q ? q[..Math.Min(q.Length, 50)] : null;
        var found = new List<StaffChoice>();
        if (query is not null)
        {
            // Codes match in any case: the lambda becomes SQL upper(), never .NET's culture rules.
            var upper = query.ToUpperInvariant();
#pragma warning disable CA1304, CA1311, CA1862
            found = await Choices(StaffInScope().Where(s => s.Name.Contains(query) || s.Code.ToUpper().Contains(upper))).Take(StaffResultsLimit + 1).ToListAsync(ct);
#pragma warning restore CA1304, CA1311, CA1862
        }
        MoreStaff = found.Count > StaffResultsLimit;
        if (MoreStaff) found.RemoveAt(StaffResultsLimit);
        // The person picked in a form that was refused stays picked, whatever the search.
        if (GrievanceStaffId is { } picked && found.All(s => s.Id != picked))
            found.AddRange(await Choices(StaffInScope().Where(s => s.Id == picked)).ToListAsync(ct));
        Staff = found;
    }

    private IQueryable<StaffChoice> Choices(IQueryable<Staff> staff) =>
        from s in staff
        join u in db.Units.AsNoTracking() on s.UnitId equals u.Id
        orderby u.Name, s.Name, s.Code
        select new StaffChoice(s.Id, s.Name, s.Code, u.Name);

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

    /// <summary>
    /// SAT-5: this year's badges to every active staff member who has none (the daily job does the same at 00:30; here for a
    /// new installation's first day, or people added today). Another year is refused: a badge is held from the year's start.
    /// </summary>
    public async Task<IActionResult> OnPostBadgesAsync(int year, CancellationToken ct)
    {
        var given = 0;
        var ok = await TryAsync("badges", async () =>
        {
            if (year != clock.Today.Year) throw new FieldException("year", Text["只能发放本年度的优秀岗位标牌。"]);
            given = await incentives.StartYearAsync(year, ct);
        });
        if (ok) return Done(Text["已发放 {0} 块优秀岗位标牌。", given], new { year });
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
            // Only a person the search would offer (a hand-made post may name anyone).
            if (!await StaffInScope().AnyAsync(s => s.Id == staff, ct))
                throw new FieldException("subjectId", Text["该工作人员不在可选范围内：须为在职人员，且属于您可管理的单位。"]);
            await incentives.AwardAsync(year, new Incentives.AwardInput(Incentives.Grievance, staff, GrievanceReason), User, ct);
        });
        if (ok) return Done(Text["委屈奖已记录。"], new { year });
        await OnGetAsync(year, ct);
        return Page();
    }
}
