using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Satisfaction;
using Mingcha.Web.Data;
using Mingcha.Web.Infrastructure;

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
    /// <summary>The confirmed finding behind the revocation, if a finding.</summary>
    public Guid? FindingId { get; private set; }
    /// <summary>The substantiated complaint behind the revocation, if a complaint.</summary>
    public Guid? ComplaintId { get; private set; }
    /// <summary>Where the violation behind the revocation is read: the finding's or the complaint's history.</summary>
    public string? FindingLink { get; private set; }

    public bool Revoke(Guid findingId, string link, string reason, DateTime nowUtc) => Revoke(findingId, null, link, reason, nowUtc);

    /// <summary>SAT-5: revoked for a substantiated complaint against the staff member.</summary>
    public bool RevokeForComplaint(Guid complaintId, string link, string reason, DateTime nowUtc) => Revoke(null, complaintId, link, reason, nowUtc);

    private bool Revoke(Guid? findingId, Guid? complaintId, string link, string reason, DateTime nowUtc)
    {
        if (RevokedAt is not null) return false;
        RevokedAt = nowUtc;
        RevokedInstead(findingId, complaintId, link, reason);
        return true;
    }

    /// <summary>
    /// The finding behind the revocation was withdrawn (an upheld objection, RCT-3), but another confirmed violation stands
    /// (a finding, or a substantiated complaint): the badge stays revoked for that one.
    /// </summary>
    public void RevokedInstead(Guid? findingId, Guid? complaintId, string link, string reason)
    {
        FindingId = findingId; ComplaintId = complaintId; FindingLink = link; RevokedReason = reason;
    }

    /// <summary>The finding behind the revocation was withdrawn and no other confirmed violation stands: the badge is held again (the audit trail keeps the revocation).</summary>
    public void Reinstate()
    {
        RevokedAt = null; FindingId = null; ComplaintId = null; FindingLink = null; RevokedReason = null;
    }
}

/// <summary>
/// SAT-5: keeps the "excellent post" badges in step with the findings and substantiated complaints against staff. A finding naming a staff member,
/// once the Office confirms it (RCT-1), revokes that year's badge with the link to the finding; when the notice carrying
/// it is withdrawn after an upheld objection (RCT-3), the badge is held again unless another confirmed finding of the
/// year against the same person stands. The callers save, in the same transaction as the confirmation or the withdrawal.
/// </summary>
public static class BadgeFindings
{
    /// <summary>Where a finding's history is read (the Office's and the unit's view of it).</summary>
    public static string Link(Guid findingId) => $"/api/v1/rectification/findings/{findingId}/history";

    private static string Reason(Inspections.Finding f) =>
        Cut($"违规问题经效能办确认（{f.ItemCode} {f.ItemName}）：{f.Description}", 2000);

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];

    /// <summary>Where a complaint's history is read (the Office's view of it).</summary>
    public static string ComplaintLink(Guid complaintId) => $"/api/v1/complaints/{complaintId}";

    private static string Reason(Complaints.Complaint c) =>
        Cut($"效能投诉经效能办审核属实（{c.Number}）：{c.Matter}", 2000);

    /// <summary>
    /// SAT-5: a complaint closed as substantiated against a staff member revokes that person's badge of the year the complaint
    /// was received, if still held. The caller saves, in the same transaction as the close.
    /// </summary>
    public static async Task RevokeForComplaintAsync(MingchaDb db, Complaints.Complaint complaint, DateTime nowUtc, CancellationToken ct)
    {
        // Closed again after the complainant's unsatisfied rating (CMP-11), it may no longer stand against the person its
        // first close named: their badge, revoked for it, goes to another standing violation of the year or is held again.
        var revokedForIt = await db.Set<StaffBadge>().Where(b => b.ComplaintId == complaint.Id).ToListAsync(ct);
        foreach (var b in revokedForIt.Where(b => complaint.Substantiated != true || complaint.StaffId != b.StaffId))
            await FallBackAsync(db, b, [], complaint.Id, ct);
        if (complaint.StaffId is not { } staff || complaint.Substantiated != true) return;
        var badge = await db.Set<StaffBadge>().FirstOrDefaultAsync(b => b.StaffId == staff && b.Year == complaint.ReceivedOn.Year, ct);
        badge?.RevokeForComplaint(complaint.Id, ComplaintLink(complaint.Id), Reason(complaint), nowUtc);
    }

    /// <summary>The substantiated complaints received in a year and closed against a staff member.</summary>
    private static IQueryable<Complaints.Complaint> StandingComplaints(MingchaDb db, int year)
    {
        var from = new DateOnly(year, 1, 1);
        var to = new DateOnly(year + 1, 1, 1);
        return db.Complaints.Where(c => c.StaffId != null && c.Substantiated == true && c.ReceivedOn >= from && c.ReceivedOn < to);
    }

    /// <summary>A finding was confirmed: revokes the badge of its year for the staff member it names, if the badge is still held.</summary>
    public static async Task RevokeForAsync(MingchaDb db, Inspections.Finding finding, DateTime nowUtc, CancellationToken ct)
    {
        if (finding.StaffId is not { } staff || finding.Status != Inspections.FindingStatus.Confirmed) return;
        var badge = await db.Set<StaffBadge>().FirstOrDefaultAsync(b => b.StaffId == staff && b.Year == finding.Year, ct);
        badge?.Revoke(finding.Id, Link(finding.Id), Reason(finding), nowUtc);
    }

    /// <summary>The confirmed findings of a year against staff that still stand: not on a withdrawn notice, nor among <paramref name="withdrawn"/>.</summary>
    private static IQueryable<Inspections.Finding> Standing(MingchaDb db, int year, IReadOnlyCollection<Guid> withdrawn) =>
        db.Findings.Where(f => f.Year == year && f.StaffId != null && f.Status == Inspections.FindingStatus.Confirmed && !withdrawn.Contains(f.Id)
            && !Rectification.Notices.WithdrawnFindings(db).Contains(f.Id));

    /// <summary>
    /// Findings were withdrawn (an upheld objection): each badge revoked for one of them is pointed at another standing
    /// confirmed finding of the year against the same person, or held again when there is none.
    /// </summary>
    public static async Task ReconsiderAsync(MingchaDb db, IReadOnlyCollection<Guid> withdrawnFindings, CancellationToken ct)
    {
        if (withdrawnFindings.Count == 0) return;
        var badges = await db.Set<StaffBadge>().Where(b => b.FindingId != null && withdrawnFindings.Contains(b.FindingId.Value)).ToListAsync(ct);
        foreach (var badge in badges) await FallBackAsync(db, badge, withdrawnFindings, null, ct);
    }

    /// <summary>
    /// The violation behind a revoked badge no longer stands: the badge is kept revoked for another of the year against the
    /// same person (a confirmed finding first, then a substantiated complaint), or held again when there is none.
    /// </summary>
    private static async Task FallBackAsync(MingchaDb db, StaffBadge badge, IReadOnlyCollection<Guid> withdrawnFindings, Guid? withdrawnComplaint, CancellationToken ct)
    {
        var other = await Standing(db, badge.Year, withdrawnFindings).Where(f => f.StaffId == badge.StaffId)
            .OrderBy(f => f.ReviewedAt).ThenBy(f => f.Id).FirstOrDefaultAsync(ct);
        if (other is not null) { badge.RevokedInstead(other.Id, null, Link(other.Id), Reason(other)); return; }
        var complaint = await StandingComplaints(db, badge.Year).Where(c => c.StaffId == badge.StaffId && c.Id != withdrawnComplaint)
            .OrderBy(c => c.ClosedAt).ThenBy(c => c.Id).FirstOrDefaultAsync(ct);
        if (complaint is null) badge.Reinstate();
        else badge.RevokedInstead(null, complaint.Id, ComplaintLink(complaint.Id), Reason(complaint));
    }

    /// <summary>
    /// SAT-5: the staff with a violation of the year that stands (a confirmed finding not withdrawn, a substantiated
    /// complaint): held back from the best service model whether or not the year's badges were handed out to them.
    /// With <paramref name="only"/>, that person alone is looked at (an award names one).
    /// </summary>
    public static async Task<HashSet<Guid>> StaffWithStandingViolationsAsync(MingchaDb db, int year, CancellationToken ct, Guid? only = null)
    {
        var findings = Standing(db, year, []);
        var complaints = StandingComplaints(db, year);
        if (only is { } id) { findings = findings.Where(f => f.StaffId == id); complaints = complaints.Where(c => c.StaffId == id); }
        var staff = await findings.Select(f => f.StaffId!.Value).Distinct().ToListAsync(ct);
        staff.AddRange(await complaints.Select(c => c.StaffId!.Value).Distinct().ToListAsync(ct));
        return [.. staff];
    }

    /// <summary>A year's badges were just handed out: those of staff with a standing confirmed finding of that year are revoked at once.</summary>
    public static async Task RevokeStandingAsync(MingchaDb db, int year, IReadOnlyList<StaffBadge> badges, DateTime nowUtc, CancellationToken ct)
    {
        if (badges.Count == 0) return;
        var findings = await Standing(db, year, []).OrderBy(f => f.ReviewedAt).ThenBy(f => f.Id).ToListAsync(ct);
        var byStaff = badges.ToDictionary(b => b.StaffId);
        foreach (var f in findings)
            if (byStaff.TryGetValue(f.StaffId!.Value, out var badge)) badge.Revoke(f.Id, Link(f.Id), Reason(f), nowUtc);
        var complaints = await StandingComplaints(db, year).OrderBy(c => c.ClosedAt).ThenBy(c => c.Id).ToListAsync(ct);
        foreach (var c in complaints)
            if (byStaff.TryGetValue(c.StaffId!.Value, out var badge)) badge.RevokeForComplaint(c.Id, ComplaintLink(c.Id), Reason(c), nowUtc);
    }
}

/// <summary>SAT-5: a yearly award: best window unit, best service post, best service model, or the grievance award with its reason.</summary>
public sealed class IncentiveAward : IAudited
{
    private IncentiveAward() { Kind = ""; Reason = ""; AwardedBy = ""; }
    public IncentiveAward(int year, string kind, Guid subjectId, string reason, string awardedBy, DateTime nowUtc)
    {
        Id = Guid.CreateVersion7(); Year = year; Kind = kind; SubjectId = subjectId; Reason = reason; AwardedBy = awardedBy; AwardedAt = nowUtc;
        ReasonKey = kind == Incentives.Grievance ? KeyOf(reason) : null;
    }
    public Guid Id { get; private set; }
    public int Year { get; private set; }
    public string Kind { get; private set; }
    public Guid SubjectId { get; private set; }
    public string Reason { get; private set; }
    public string AwardedBy { get; private set; }
    public DateTime AwardedAt { get; private set; }
    /// <summary>
    /// The standing award of the same kind, subject and year when this one is a double stored before migration 0042
    /// (decision 032): kept, as every award is, and left out of the year's awards.
    /// </summary>
    public Guid? SupersededById { get; private set; }
    /// <summary>
    /// A grievance award's reason as a key (migration 0047, decision 035): the SHA-256 (hex) of the reason normalised by
    /// <see cref="Normalise"/>. The unique index on (year, person, key) of the standing awards holds one award per wrong
    /// when the same one is posted twice at once. Null for the other kinds and for awards stored before 0047.
    /// </summary>
    public string? ReasonKey { get; private set; }

    /// <summary>The same wrong written the same way: Unicode NFC, trimmed, each run of white space one space.</summary>
    public static string Normalise(string reason) =>
        string.Join(' ', (reason ?? "").Normalize(System.Text.NormalizationForm.FormC).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    public static string KeyOf(string reason) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Normalise(reason))));
}

/// <summary>SAT-5 incentives. The badges follow the findings through <see cref="BadgeFindings"/>, which the rectification module calls.</summary>
public sealed class Incentives(MingchaDb db, RatingIntake intake, TimeProvider time, Scoring.ExcellenceEligibility eligibility,
    RatingDayCounts counts)
{
    /// <summary>委屈奖: given for each wrong a staff member suffered, so possibly several times a year.</summary>
    public const string Grievance = "Grievance";

    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(StringComparer.Ordinal) { "BestWindowUnit", "BestServicePost", "BestServiceModel", "Grievance" };

    /// <summary>A badge; the person's name as it was when the badge was handed out (<c>staffNameThen</c>, ORG-1) and today's.</summary>
    public sealed record BadgeDto(Guid StaffId, int Year, bool Held, DateTime? RevokedAt, string? RevokedReason, string? FindingLink,
        DateTime? AwardedAt = null, string? StaffNameThen = null, string? StaffNameNow = null);
    /// <summary>An award; the subject (unit, window or person) named as it was when the award was made (ORG-1), and today.</summary>
    public sealed record AwardDto(Guid Id, int Year, string Kind, Guid SubjectId, string Reason, DateTime AwardedAt, string? SubjectNameThen, string? SubjectNameNow);
    public sealed record AwardInput([property: Required] string Kind, Guid SubjectId, [property: StringLength(2000)] string? Reason);

    /// <summary>SAT-5: every active staff member starts the year with the badge (idempotent).</summary>
    public async Task<int> StartYearAsync(int year, CancellationToken ct)
    {
        Infrastructure.Problems.RequireYear(year); // year 0 or 9999 has no first or last day to count standing findings in
        var have = await db.Set<StaffBadge>().Where(b => b.Year == year).Select(b => b.StaffId).ToListAsync(ct);
        var staff = await db.Staff.Where(s => s.Active && !have.Contains(s.Id)).Select(s => s.Id).ToListAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        db.SuppressRowAudit = true; // one summary line, not thousands (as bulk imports do, decision 004)
        var badges = staff.Select(id => new StaffBadge(id, year, now)).ToList();
        db.Set<StaffBadge>().AddRange(badges);
        await BadgeFindings.RevokeStandingAsync(db, year, badges, now, ct);
        db.Audit(new Audit.AuditEvent("badges.start-year", nameof(StaffBadge), year.ToString(System.Globalization.CultureInfo.InvariantCulture), null, $"{{\"count\":{staff.Count}}}"));
        await db.SaveChangesAsync(ct);
        db.SuppressRowAudit = false;
        return staff.Count;
    }

    /// <summary>
    /// One unit's badges of a year: its active staff, how many of them hold the badge, how many badges were revoked (of
    /// people in post or gone since), and how many active staff have none yet (joined since the badges were handed out).
    /// </summary>
    public sealed record UnitBadgesDto(Guid UnitId, string UnitName, int Staff, int Held, int Revoked, int NotHandedOut);

    /// <summary>SAT-5: the year's badges by unit (units with active staff or badges of the year), by unit code.</summary>
    public async Task<IReadOnlyList<UnitBadgesDto>> ByUnitAsync(int year, CancellationToken ct)
    {
        Problems.RequireYear(year);
        var badges = db.Set<StaffBadge>().Where(b => b.Year == year);
        var staff = (await db.Staff.AsNoTracking().Where(s => s.Active)
                .GroupBy(s => new { s.UnitId, HasBadge = badges.Any(b => b.StaffId == s.Id) })
                .Select(g => new { g.Key.UnitId, g.Key.HasBadge, Count = g.Count() }).ToListAsync(ct))
            .ToLookup(x => x.UnitId);
        // Held: by a person still in post (a badge goes with its holder when they leave); revoked: whoever, it happened.
        var held = (await badges.Join(db.Staff, b => b.StaffId, s => s.Id, (b, s) => new { s.UnitId, Held = b.RevokedAt == null, s.Active })
                .Where(x => !x.Held || x.Active)
                .GroupBy(x => new { x.UnitId, x.Held }).Select(g => new { g.Key.UnitId, g.Key.Held, Count = g.Count() }).ToListAsync(ct))
            .ToLookup(x => x.UnitId);
        var ids = staff.Select(g => g.Key).Concat(held.Select(g => g.Key)).Distinct().ToList();
        var units = await db.Units.AsNoTracking().Where(u => ids.Contains(u.Id)).OrderBy(u => u.Code).Select(u => new { u.Id, u.Name }).ToListAsync(ct);
        return units.Select(u => new UnitBadgesDto(u.Id, u.Name, staff[u.Id].Sum(x => x.Count), held[u.Id].Where(x => x.Held).Sum(x => x.Count),
            held[u.Id].Where(x => !x.Held).Sum(x => x.Count), staff[u.Id].Where(x => !x.HasBadge).Sum(x => x.Count))).ToList();
    }

    public async Task<BadgeDto> BadgeAsync(Guid staffId, int year, CancellationToken ct)
    {
        var b = await db.Set<StaffBadge>().AsNoTracking().FirstOrDefaultAsync(x => x.StaffId == staffId && x.Year == year, ct)
            ?? throw new NotFoundException("该年度没有岗位牌记录。 No badge record for that year.");
        return (await ToDtosAsync([b], ct))[0];
    }

    /// <summary>SAT-5: the year's revoked badges, in the order they were revoked.</summary>
    public async Task<IReadOnlyList<BadgeDto>> RevokedAsync(int year, CancellationToken ct)
    {
        Problems.RequireYear(year);
        var badges = await db.Set<StaffBadge>().AsNoTracking().Where(b => b.Year == year && b.RevokedAt != null).OrderBy(b => b.RevokedAt).ThenBy(b => b.Id)
            .Take(5000).ToListAsync(ct);
        return await ToDtosAsync(badges, ct);
    }

    /// <summary>ORG-1: each badge's holder as named when the badge was handed out (its <c>AwardedAt</c>); one query for all.</summary>
    private async Task<List<BadgeDto>> ToDtosAsync(List<StaffBadge> badges, CancellationToken ct)
    {
        var org = await Organisation.OrgAsOf.LoadAsync(db, [], [], badges.Select(b => b.StaffId), ct);
        return badges.Select(b => new BadgeDto(b.StaffId, b.Year, b.RevokedAt is null, b.RevokedAt, b.RevokedReason, b.FindingLink, b.AwardedAt,
            org.StaffAt(b.StaffId, b.AwardedAt)?.Name, org.StaffNow(b.StaffId)?.Name)).ToList();
    }

    /// <summary>
    /// SAT-5: the year's awards, oldest first, each subject named as it was when the award was made (ORG-1): a unit for the
    /// best window unit, a window (section) for the best service post, a person otherwise. One query per kind for all.
    /// </summary>
    public async Task<IReadOnlyList<AwardDto>> AwardsAsync(int year, CancellationToken ct)
    {
        Problems.RequireYear(year);
        var awards = await db.Set<IncentiveAward>().AsNoTracking().Where(a => a.Year == year && a.SupersededById == null).OrderBy(a => a.AwardedAt).ThenBy(a => a.Id).Take(5000).ToListAsync(ct);
        var org = await Organisation.OrgAsOf.LoadAsync(db, awards.Where(a => a.Kind == "BestServicePost").Select(a => a.SubjectId),
            awards.Where(a => a.Kind == "BestWindowUnit").Select(a => a.SubjectId), awards.Where(a => a.Kind is "BestServiceModel" or "Grievance").Select(a => a.SubjectId), ct);
        return awards.Select(a =>
        {
            var names = a.Kind switch
            {
                "BestWindowUnit" => org.NamesAt(a.AwardedAt, a.SubjectId),
                "BestServicePost" => org.NamesAt(a.AwardedAt, null, a.SubjectId),
                _ => org.NamesAt(a.AwardedAt, null, null, a.SubjectId),
            };
            return new AwardDto(a.Id, a.Year, a.Kind, a.SubjectId, a.Reason, a.AwardedAt, names.UnitNameThen ?? names.SectionNameThen ?? names.StaffNameThen,
                names.UnitNameNow ?? names.SectionNameNow ?? names.StaffNameNow);
        }).ToList();
    }

    private sealed record RankRow(Guid Id, RatingScale Scale, int Level, int N);

    /// <summary>SAT-5: candidates ranked by the year's ratings: units (best window unit), windows (best service post), staff (best service model).</summary>
    public async Task<IReadOnlyList<RankedCandidate>> RankAsync(string kind, int year, CancellationToken ct)
    {
        Problems.RequireYear(year);
        Func<RatingCount, Guid?> subject = kind switch
        {
            "BestWindowUnit" => r => r.UnitId,
            "BestServicePost" => r => r.SectionId,
            "BestServiceModel" => r => r.StaffId,
            _ => throw new FieldException("kind", "评选类别为 BestWindowUnit、BestServicePost 或 BestServiceModel。 Unknown selection."),
        };
        // SAT-3: a survey's answers count in the year of the service (RatingDayCounts); excluded ratings not at all.
        var rows = (await counts.CountAsync(new DateOnly(year, 1, 1), new DateOnly(year, 12, 31), null, null, ct))
            .Where(r => !r.Excluded && subject(r) is not null)
            .Select(r => new RankRow(subject(r)!.Value, r.Scale, r.Level, r.Count)).ToList();
        var revoked = kind == "BestServiceModel" ? await BadgeFindings.StaffWithStandingViolationsAsync(db, year, ct) : [];
        var names = kind switch
        {
            "BestWindowUnit" => await db.Units.AsNoTracking().ToDictionaryAsync(u => u.Id, u => u.Name, ct),
            "BestServicePost" => await db.Sections.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, ct),
            _ => await db.Staff.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, ct),
        };
        var lost = await LostEligibilityAsync(kind, year, ct);
        var candidates = rows.GroupBy(r => r.Id).Select(g =>
        {
            var rate = SatisfactionCoefficient.ComputeCounted(g.Select(x => (new ScoredRating(intake.Mapping.Score(x.Scale, x.Level), false), x.N)));
            var bad = g.Where(x => RatingScaleMapping.IsBad(x.Scale, x.Level)).Sum(x => x.N);
            return new SelectionCandidate(g.Key, names.GetValueOrDefault(g.Key, ""), rate.Rate, rate.Counted, bad, revoked.Contains(g.Key) ? 1 : 0,
                lost.GetValueOrDefault(g.Key)?.Reason);
        });
        return IncentiveRules.Rank(candidates);
    }

    /// <summary>
    /// INS-6 and EV-8 for the selections, by candidate: a unit that lost the year's eligibility (obstruction, accountability)
    /// or has a section in the bottom three or below 70 is no best window unit; a window (section) is no best service post
    /// when its unit lost eligibility under INS-6 or it is itself in the bottom three or below 70. Staff members are held
    /// back by their own confirmed violations (the revoked badge).
    /// </summary>
    private async Task<Dictionary<Guid, Scoring.EligibilityLoss>> LostEligibilityAsync(string kind, int year, CancellationToken ct)
    {
        if (kind is not ("BestWindowUnit" or "BestServicePost")) return [];
        var losses = await eligibility.ForYearAsync(year, null, ct);
        if (kind == "BestWindowUnit") return losses.GroupBy(l => l.UnitId).ToDictionary(g => g.Key, g => g.First());
        var byUnit = losses.Where(l => l.Rule == "INS-6").GroupBy(l => l.UnitId).ToDictionary(g => g.Key, g => g.First());
        var bySection = losses.Where(l => l.Rule == "EV-8" && l.SectionId is not null).GroupBy(l => l.SectionId!.Value).ToDictionary(g => g.Key, g => g.First());
        var units = byUnit.Keys.ToList();
        var result = new Dictionary<Guid, Scoring.EligibilityLoss>(bySection);
        foreach (var s in await db.Sections.AsNoTracking().Where(s => units.Contains(s.UnitId)).Select(s => new { s.Id, s.UnitId }).ToListAsync(ct))
            result.TryAdd(s.Id, byUnit[s.UnitId]);
        return result;
    }

    /// <summary>SAT-5: records an award; the grievance award (委屈奖) needs its reason.</summary>
    public async Task<IncentiveAward> AwardAsync(int year, AwardInput input, ClaimsPrincipal user, CancellationToken ct)
    {
        Infrastructure.Problems.RequireYear(year);
        if (!Kinds.Contains(input.Kind)) throw new FieldException("kind", "奖项类别无效。 Unknown award.");
        if (input.Kind == "Grievance" && string.IsNullOrWhiteSpace(input.Reason))
            throw new DomainRuleException("SAT-5", "委屈奖须写明受委屈的经过。 The grievance award needs its reason.", 422);
        if (input.Kind is "Grievance" or "BestServiceModel" && !await db.Staff.AnyAsync(s => s.Id == input.SubjectId, ct))
            throw new FieldException("subjectId", "工作人员不存在。 No such staff member.");
        if (input.Kind == "BestWindowUnit" && !await db.Units.AnyAsync(u => u.Id == input.SubjectId, ct))
            throw new FieldException("subjectId", "单位不存在。 No such unit.");
        if (input.Kind == "BestServicePost" && !await db.Sections.AnyAsync(s => s.Id == input.SubjectId, ct))
            throw new FieldException("subjectId", "窗口（科室）不存在。 No such window or section.");
        if ((await LostEligibilityAsync(input.Kind, year, ct)).GetValueOrDefault(input.SubjectId) is { } loss)
            throw new DomainRuleException(loss.Rule, "不能评选：" + loss.Reason, 422);
        if (input.Kind == "BestServiceModel" && (await BadgeFindings.StaffWithStandingViolationsAsync(db, year, ct, input.SubjectId)).Count > 0)
            throw new DomainRuleException("SAT-5", "不能评选：该工作人员本年度有经确认的违规问题或属实的效能投诉。 Not eligible: the staff member has a confirmed violation or substantiated complaint this year.", 422);
        // The yearly selections are given once a year to a subject (the unique index of 0045 holds it). The grievance award
        // is given for each wrong suffered, so a person may receive several in a year; only the same one posted twice (the
        // same reason, normalised) is refused: by this check, and at the same instant by the unique index of 0047 on the
        // reason's key. Awards stored before 0047 have no key: their reasons are compared as written.
        var reason = input.Reason?.Trim() ?? "";
        var key = IncentiveAward.KeyOf(reason);
        var standing = db.Set<IncentiveAward>().Where(a => a.Year == year && a.Kind == input.Kind && a.SubjectId == input.SubjectId && a.SupersededById == null);
        if (input.Kind == Grievance
                ? await standing.AnyAsync(a => a.ReasonKey == key || (a.ReasonKey == null && a.Reason == reason), ct)
                : await standing.AnyAsync(ct))
            throw Twice();
        var award = new IncentiveAward(year, input.Kind, input.SubjectId, reason, user.Identity?.Name ?? "", time.GetUtcNow().UtcDateTime);
        db.Add(award);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // Two requests at the same instant passed the check: the unique index (0045, or 0047 for a grievance) kept the first.
            throw Twice();
        }
        return award;

        static DomainRuleException Twice() => new("SAT-5", "该对象本年度已获此奖项（委屈奖：同一事由），不重复记录。 This award was already given to the same subject this year (a grievance award: for the same reason); it is not stored twice.");
    }
}
