using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Satisfaction;
using Mingcha.Web.Data;

namespace Mingcha.Web.Features.Ratings;

/// <summary>SAT-5: a staff member's "excellent post" badge (优秀岗位牌) for a year, revoked when a violation against them is confirmed.</summary>
public sealed class StaffBadge : IAudited
{
    private StaffBadge() { }
    public StaffBadge(Guid staffId, int year, DateTime nowUtc) { Id = Guid.CreateVersion7(); StaffId = staffId; Year = year; AwardedAt = nowUtc; }
    public Guid Id { get; private set; }
    public Guid StaffId { get; private set; }
    public int Year { get; private set; }
    public DateTime AwardedAt { get; private set; }
    public DateTime? RevokedAt { get; private set; }
    public string? RevokedReason { get; private set; }
    /// <summary>The confirmed finding behind the revocation (its id and link).</summary>
    public Guid? FindingId { get; private set; }
    public string? FindingLink { get; private set; }

    public bool Revoke(Guid findingId, string link, string reason, DateTime nowUtc)
    {
        if (RevokedAt is not null) return false;
        RevokedAt = nowUtc; FindingId = findingId; FindingLink = link; RevokedReason = reason;
        return true;
    }
}

/// <summary>SAT-5: a yearly award: best window unit, best service post, best service model, or the grievance award with its reason.</summary>
public sealed class IncentiveAward : IAudited
{
    private IncentiveAward() { Kind = ""; Reason = ""; AwardedBy = ""; }
    public IncentiveAward(int year, string kind, Guid subjectId, string reason, string awardedBy, DateTime nowUtc)
    { Id = Guid.CreateVersion7(); Year = year; Kind = kind; SubjectId = subjectId; Reason = reason; AwardedBy = awardedBy; AwardedAt = nowUtc; }
    public Guid Id { get; private set; }
    public int Year { get; private set; }
    public string Kind { get; private set; }
    public Guid SubjectId { get; private set; }
    public string Reason { get; private set; }
    public string AwardedBy { get; private set; }
    public DateTime AwardedAt { get; private set; }
}

/// <summary>SAT-5 incentives. <see cref="RevokeForConfirmedViolationAsync"/> is the hook the rectification module calls.</summary>
public sealed class Incentives(MingchaDb db, RatingIntake intake, Infrastructure.LocalClock clock, TimeProvider time)
{
    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(StringComparer.Ordinal) { "BestWindowUnit", "BestServicePost", "BestServiceModel", "Grievance" };

    public sealed record BadgeDto(Guid StaffId, int Year, bool Held, DateTime? RevokedAt, string? RevokedReason, string? FindingLink);
    public sealed record AwardInput([property: Required] string Kind, Guid SubjectId, [property: StringLength(2000)] string? Reason);

    /// <summary>SAT-5: every active staff member starts the year with the badge (idempotent).</summary>
    public async Task<int> StartYearAsync(int year, CancellationToken ct)
    {
        var have = await db.Set<StaffBadge>().Where(b => b.Year == year).Select(b => b.StaffId).ToListAsync(ct);
        var staff = await db.Staff.Where(s => s.Active && !have.Contains(s.Id)).Select(s => s.Id).ToListAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        db.SuppressRowAudit = true; // one summary line, not thousands (as bulk imports do, decision 004)
        db.Set<StaffBadge>().AddRange(staff.Select(id => new StaffBadge(id, year, now)));
        db.Audit(new Audit.AuditEvent("badges.start-year", nameof(StaffBadge), year.ToString(System.Globalization.CultureInfo.InvariantCulture), null, $"{{\"count\":{staff.Count}}}"));
        await db.SaveChangesAsync(ct);
        db.SuppressRowAudit = false;
        return staff.Count;
    }

    /// <summary>
    /// SAT-5 hook for the rectification module: a violation against <paramref name="staffId"/> was confirmed; the badge of
    /// the finding's year is revoked, with the link to the finding. Returns false when there was no badge left to revoke.
    /// </summary>
    public async Task<bool> RevokeForConfirmedViolationAsync(Guid staffId, int year, Guid findingId, string findingLink, string reason, CancellationToken ct)
    {
        var badge = await db.Set<StaffBadge>().FirstOrDefaultAsync(b => b.StaffId == staffId && b.Year == year, ct);
        if (badge is null || !badge.Revoke(findingId, findingLink, reason, time.GetUtcNow().UtcDateTime)) return false;
        await db.SaveChangesAsync(ct);
        return true;
    }

    public async Task<BadgeDto> BadgeAsync(Guid staffId, int year, CancellationToken ct)
    {
        var b = await db.Set<StaffBadge>().AsNoTracking().FirstOrDefaultAsync(x => x.StaffId == staffId && x.Year == year, ct)
            ?? throw new NotFoundException("该年度没有岗位牌记录。 No badge record for that year.");
        return new BadgeDto(b.StaffId, b.Year, b.RevokedAt is null, b.RevokedAt, b.RevokedReason, b.FindingLink);
    }

    /// <summary>SAT-5: candidates ranked by the year's ratings: units (best window unit), windows (best service post), staff (best service model).</summary>
    public async Task<IReadOnlyList<RankedCandidate>> RankAsync(string kind, int year, CancellationToken ct)
    {
        if (year is < 2000 or > 2100) throw new FieldException("year", "年份无效。 Invalid year.");
        var start = RatingsApi.DayBoundsUtc(clock, new DateOnly(year, 1, 1)).From;
        var end = RatingsApi.DayBoundsUtc(clock, new DateOnly(year, 12, 31)).To;
        var q = db.Ratings.AsNoTracking().Where(r => r.RatedAt >= start && r.RatedAt < end && !db.RatingExclusions.Any(x => x.RatingId == r.Id));
        var rows = kind switch
        {
            "BestWindowUnit" => await q.GroupBy(r => new { Id = r.UnitId, r.Scale, r.Level }).Select(g => new { g.Key.Id, g.Key.Scale, g.Key.Level, N = g.Count() }).ToListAsync(ct),
            "BestServicePost" => await q.GroupBy(r => new { Id = r.SectionId, r.Scale, r.Level }).Select(g => new { g.Key.Id, g.Key.Scale, g.Key.Level, N = g.Count() }).ToListAsync(ct),
            "BestServiceModel" => await q.Where(r => r.StaffId != null).GroupBy(r => new { Id = r.StaffId!.Value, r.Scale, r.Level }).Select(g => new { g.Key.Id, g.Key.Scale, g.Key.Level, N = g.Count() }).ToListAsync(ct),
            _ => throw new FieldException("kind", "评选类别为 BestWindowUnit、BestServicePost 或 BestServiceModel。 Unknown selection."),
        };
        var revoked = kind == "BestServiceModel"
            ? (await db.Set<StaffBadge>().Where(b => b.Year == year && b.RevokedAt != null).Select(b => b.StaffId).ToListAsync(ct)).ToHashSet()
            : [];
        var names = kind switch
        {
            "BestWindowUnit" => await db.Units.AsNoTracking().ToDictionaryAsync(u => u.Id, u => u.Name, ct),
            "BestServicePost" => await db.Sections.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, ct),
            _ => await db.Staff.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, ct),
        };
        var candidates = rows.GroupBy(r => r.Id).Select(g =>
        {
            var rate = SatisfactionCoefficient.Compute(g.SelectMany(x => Enumerable.Repeat(new ScoredRating(intake.Mapping.Score(x.Scale, x.Level), false), x.N)));
            var bad = g.Where(x => RatingScaleMapping.IsBad(x.Scale, x.Level)).Sum(x => x.N);
            return new SelectionCandidate(g.Key, names.GetValueOrDefault(g.Key, ""), rate.Rate, rate.Counted, bad, revoked.Contains(g.Key) ? 1 : 0);
        });
        return IncentiveRules.Rank(candidates);
    }

    /// <summary>SAT-5: records an award; the grievance award (委屈奖) needs its reason.</summary>
    public async Task<IncentiveAward> AwardAsync(int year, AwardInput input, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!Kinds.Contains(input.Kind)) throw new FieldException("kind", "奖项类别无效。 Unknown award.");
        if (input.Kind == "Grievance" && string.IsNullOrWhiteSpace(input.Reason))
            throw new DomainRuleException("SAT-5", "委屈奖须写明受委屈的经过。 The grievance award needs its reason.", 422);
        if (input.Kind is "Grievance" or "BestServiceModel" && !await db.Staff.AnyAsync(s => s.Id == input.SubjectId, ct))
            throw new FieldException("subjectId", "工作人员不存在。 No such staff member.");
        var award = new IncentiveAward(year, input.Kind, input.SubjectId, input.Reason?.Trim() ?? "", user.Identity?.Name ?? "", time.GetUtcNow().UtcDateTime);
        db.Add(award);
        await db.SaveChangesAsync(ct);
        return award;
    }
}
