using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Evidence;
using Mingcha.Domain.Inspections;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Evidence;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Inspections;

/// <summary>
/// Reads of visits and findings through the secrecy rule (INS-9, SEC-2, INS-13), the assignment of inspectors
/// (ORG-5 conflicts), sending the findings (which ends a covert visit's secrecy and releases its evidence, EVD-3),
/// and recording a tip-off (INS-6).
/// </summary>
public sealed class Visits(MingchaDb db, TimeProvider time, EvidenceCases evidence, LocalClock clock)
{
    public sealed record VisitLine(Guid Id, Guid RoundId, InspectionKind Kind, Guid UnitId, string UnitName, Guid SectionId, string SectionName, SectionKind SectionKind,
        VisitStatus Status, DateOnly? PlannedOn, DateOnly? VisitedOn, Guid? TeamId, Guid? AgencyId, DateTime? FindingsSentAt, int Findings);
    public sealed record InspectorLine(InspectorKind Kind, Guid InspectorId, string? UserId);
    public sealed record VisitDetail(VisitLine Visit, string RoundTitle, int StepsCompleted, int? RecordedSeconds, DateTime? StartedAt, DateTime? SubmittedAt,
        DateTime? DecidedAt, string? DecisionNote, Guid? EvidenceCaseId, bool Joint, IReadOnlyList<InspectorLine> Inspectors, string? JointParticipants = null,
        DateOnly? RoundStartsOn = null, DateOnly? RoundEndsOn = null);
    public sealed record FindingLine(Guid Id, Guid VisitId, Guid UnitId, Guid SectionId, Guid? StaffId, string ItemCode, string ItemName, decimal Points,
        DeductionGroup Group, string Description, int? ProtocolStep, FindingStatus Status, UnitConfirmation Confirmation, Guid? PreviousFindingId, DateTime RecordedAt,
        string? SectionCodeThen = null, string? SectionNameThen = null, string? SectionNameNow = null, string? UnitNameThen = null, string? UnitNameNow = null,
        Guid? SectionUnitIdNow = null, string? SectionUnitNameNow = null, string? StaffNameThen = null, string? StaffNameNow = null);

    public sealed record AssignInspectors([property: Required] IReadOnlyList<Guid> SupervisorIds, [property: Required] IReadOnlyList<Guid> AgencyInspectorIds);
    public sealed record JointVisit([property: Required, StringLength(Visit.MaxJointParticipants, MinimumLength = 1)] string Participants);
    public sealed record TipOff([property: Required] Guid? SectionId, [property: Required, StringLength(2000, MinimumLength = 1)] string Description, [property: Range(0, 100)] decimal? Points);

    public async Task<List<VisitLine>> ListAsync(InspectionViewer viewer, int? year, Guid? roundId, Guid? unitId, VisitStatus? status, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var q = viewer.VisibleVisits(db.Visits.AsNoTracking());
        if (year is { } y) q = q.Where(v => v.Year == y);
        if (roundId is { } r) q = q.Where(v => v.RoundId == r);
        if (unitId is { } u) q = q.Where(v => v.UnitId == u);
        if (status is { } st) q = q.Where(v => v.Status == st);
        var lines = await Project(q, ordered: true).Take(1000).ToListAsync(ct);
        return IsUnitOnly(viewer) ? await RedactAsync(viewer, lines, ct) : lines;
    }

    /// <summary>
    /// A unit's view of its visits: no team or agency, and as findings only those it may see (confirmed by the Office, of
    /// its own unit, on a visit whose findings were sent: RCT-1, INS-9): not the count of findings still being recorded,
    /// confirmed or dropped, nor another unit's.
    /// </summary>
    private async Task<List<VisitLine>> RedactAsync(InspectionViewer viewer, List<VisitLine> lines, CancellationToken ct)
    {
        var sent = lines.Where(l => l.FindingsSentAt is not null).Select(l => l.Id).ToList();
        var unit = viewer.LiaisonUnitId;
        var counts = sent.Count == 0 ? [] : await db.Findings.AsNoTracking()
            .Where(f => sent.Contains(f.VisitId) && f.UnitId == unit && f.Status == FindingStatus.Confirmed)
            .GroupBy(f => f.VisitId).Select(g => new { g.Key, N = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.N, ct);
        return lines.Select(l => Redact(l) with { Findings = counts.GetValueOrDefault(l.Id) }).ToList();
    }

    /// <summary>A unit's liaison (and nothing more): who inspected is not the unit's business.</summary>
    private static bool IsUnitOnly(InspectionViewer viewer) =>
        viewer.LiaisonUnitId.HasValue && !viewer.SeesAll && viewer.TeamIds.Count == 0 && viewer.AgencyId is null;

    private static VisitLine Redact(VisitLine line) => line with { TeamId = null, AgencyId = null };

    /// <summary>A visit the viewer may know of; 404 otherwise, so its existence stays secret (INS-9).</summary>
    public async Task<VisitDetail> GetAsync(InspectionViewer viewer, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var line = await Project(viewer.VisibleVisits(db.Visits.AsNoTracking()).Where(v => v.Id == id)).FirstOrDefaultAsync(ct) ?? throw NotFound();
        var v = await db.Visits.AsNoTracking().Include(x => x.Inspectors).FirstAsync(x => x.Id == id, ct);
        var round = await db.InspectionRounds.AsNoTracking().Where(r => r.Id == v.RoundId).Select(r => new { r.Title, r.StartsOn, r.EndsOn }).FirstAsync(ct);
        var unitOnly = IsUnitOnly(viewer);
        var inspectors = unitOnly ? [] : v.Inspectors.Select(i => new InspectorLine(i.Kind, i.InspectorId, viewer.IsOffice ? i.UserId : null)).ToList();
        return new VisitDetail(unitOnly ? (await RedactAsync(viewer, [line], ct))[0] : line, round.Title, v.StepsCompleted, v.RecordedSeconds, v.StartedAt, v.SubmittedAt, v.DecidedAt,
            unitOnly ? null : v.DecisionNote, v.EvidenceCaseId, !unitOnly && v.Joint, inspectors, unitOnly ? null : v.JointParticipants,
            round.StartsOn, round.EndsOn);
    }

    /// <summary>
    /// Findings the viewer may see: the Office and leaders all; inspectors those of their visits; a unit liaison the
    /// confirmed findings of their own unit's visits whose findings were sent (INS-9, SEC-2, RCT-1).
    /// </summary>
    public async Task<List<FindingLine>> FindingsAsync(InspectionViewer viewer, Guid? visitId, int? year, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var visits = viewer.VisibleVisits(db.Visits.AsNoTracking());
        var liaison = IsUnitOnly(viewer);
        if (liaison) visits = visits.Where(v => v.FindingsSentAt != null);
        if (visitId is { } vid)
        {
            if (!await visits.AnyAsync(v => v.Id == vid, ct)) throw NotFound();
            visits = visits.Where(v => v.Id == vid);
        }
        var q = db.Findings.AsNoTracking().Where(f => visits.Any(v => v.Id == f.VisitId));
        if (liaison) q = q.Where(f => f.Status == FindingStatus.Confirmed && f.UnitId == viewer.LiaisonUnitId);
        if (year is { } y) q = q.Where(f => f.Year == y);
        var lines = await q.OrderBy(f => f.RecordedAt).Take(5000)
            .Select(f => new FindingLine(f.Id, f.VisitId, f.UnitId, f.SectionId, f.StaffId, f.ItemCode, f.ItemName, f.Points, f.Group, f.Description,
                f.ProtocolStep, f.Status, f.Confirmation, f.PreviousFindingId, f.RecordedAt, null, null, null, null, null, null, null, null, null))
            .ToListAsync(ct);
        return await AsTheyWereAsync(db, lines, ct);
    }

    /// <summary>
    /// ORG-1: each finding's section, unit and person as they were when it was recorded, with today's names and the unit
    /// the section belongs to today (after a move). One query per kind for the whole list (<see cref="OrgAsOf"/>).
    /// </summary>
    public static async Task<List<FindingLine>> AsTheyWereAsync(MingchaDb db, List<FindingLine> lines, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count == 0) return lines;
        var org = await OrgAsOf.LoadAsync(db, lines.Select(l => l.SectionId), lines.Select(l => l.UnitId), lines.Select(l => l.StaffId).OfType<Guid>(), ct);
        return lines.Select(l =>
        {
            var section = org.SectionAt(l.SectionId, l.RecordedAt);
            var sectionUnitNow = org.SectionUnitNow(l.SectionId);
            return l with
            {
                SectionCodeThen = section?.Code, SectionNameThen = section?.Name, SectionNameNow = org.SectionNow(l.SectionId)?.Name,
                UnitNameThen = org.UnitAt(l.UnitId, l.RecordedAt)?.Name, UnitNameNow = org.UnitNow(l.UnitId)?.Name,
                SectionUnitIdNow = sectionUnitNow?.Id, SectionUnitNameNow = sectionUnitNow?.Name,
                StaffNameThen = org.StaffAt(l.StaffId, l.RecordedAt)?.Name, StaffNameNow = org.StaffNow(l.StaffId)?.Name,
            };
        }).ToList();
    }

    /// <summary>
    /// Puts inspectors on a visit (ORG-3, ORG-4): supervisors of the visit's team, or inspectors of its agency; never
    /// one who declared a conflict with the unit (ORG-5). Those with accounts get access to the visit's evidence case.
    /// </summary>
    public async Task AssignAsync(Guid id, AssignInspectors r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var visit = await db.Visits.Include(v => v.Inspectors).FirstOrDefaultAsync(v => v.Id == id, ct) ?? throw NotFound();
        if (visit.Status != VisitStatus.Planned)
            throw new DomainRuleException("INS-9", "检查已开始，不能更换人员。 The visit has started; its people cannot change.");
        var supIds = r.SupervisorIds.Distinct().ToList();
        var agIds = r.AgencyInspectorIds.Distinct().ToList();
        if (supIds.Count + agIds.Count == 0) throw new FieldException("supervisorIds", "至少指定一名检查人员。 Name at least one inspector.");
        var supervisors = await db.Supervisors.AsNoTracking().Where(s => supIds.Contains(s.Id)).Select(s => new { s.Id, s.UserId, s.Status }).ToListAsync(ct);
        if (supervisors.Count != supIds.Count) throw new FieldException("supervisorIds", "监督员不存在。 No such supervisor.");
        if (supervisors.Any(s => s.Status != SupervisorStatus.Approved))
            throw new DomainRuleException("ORG-3", "只有经效能办批准的监督员才能参加检查。 Only approved supervisors inspect.", 422);
        if (supIds.Count > 0 && visit.TeamId is { } team)
        {
            var members = await db.TeamMembers.AsNoTracking().Where(m => m.TeamId == team).Select(m => m.SupervisorId).ToListAsync(ct);
            if (supIds.Any(s => !members.Contains(s)))
                throw new DomainRuleException("ORG-3", "监督员不是该检查督查组的成员。 A supervisor is not a member of the visit's team.", 422);
        }
        var agents = await db.AgencyInspectors.AsNoTracking().Where(i => agIds.Contains(i.Id)).Select(i => new { i.Id, i.UserId, i.AgencyId, i.Active }).ToListAsync(ct);
        if (agents.Count != agIds.Count) throw new FieldException("agencyInspectorIds", "暗访员不存在。 No such agency inspector.");
        if (agents.Any(a => !a.Active || a.AgencyId != visit.AgencyId))
            throw new DomainRuleException("INS-13", "暗访员须属于承担该检查的第三方机构。 An agency inspector must belong to the visit's agency.", 422);
        // INS-9, SEC-2: nobody whose account is bound to the visited unit learns of the visit by being put on it.
        var accounts = supervisors.Select(s => s.UserId).Concat(agents.Select(a => a.UserId)).OfType<string>().ToList();
        if (accounts.Count > 0 && await db.Users.AnyAsync(u => accounts.Contains(u.Id) && u.UnitId == visit.UnitId, ct))
            throw new DomainRuleException("INS-9", "检查人员的账户绑定了被检查单位，不能参加对本单位的检查。 An inspector's account is bound to the inspected unit.", 422);
        var people = supIds.Select(s => new InspectorRef(InspectorKind.Supervisor, s)).Concat(agIds.Select(a => new InspectorRef(InspectorKind.AgencyInspector, a))).ToList();
        var day = visit.PlannedOn ?? clock.Today; // the office's day, not UTC's (01:00 in Beijing is the day before in UTC)
        await Conflicts.EnsureNoneAsync(db, people, visit.UnitId, visit.SectionId, day, ct);

        visit.Inspectors.Clear();
        foreach (var s in supervisors) visit.Inspectors.Add(new VisitInspector(visit.Id, InspectorKind.Supervisor, s.Id, s.UserId));
        foreach (var a in agents) visit.Inspectors.Add(new VisitInspector(visit.Id, InspectorKind.AgencyInspector, a.Id, a.UserId));
        db.Audit(new Audit.AuditEvent("visit.inspectors", nameof(Visit), visit.Id.ToString(), null,
            string.Join(",", people.Select(p => $"{p.Kind}:{p.Id}"))));
        // EVD-3: whoever is no longer on the visit loses its evidence case; the new people get it.
        var onVisit = supervisors.Select(s => s.UserId).Concat(agents.Select(a => a.UserId)).OfType<string>().ToList();
        if (visit.EvidenceCaseId is { } withdrawFrom) await evidence.WithdrawInspectorsAsync(withdrawFrom, null, onVisit, by, ct);
        await db.SaveChangesAsync(ct);
        if (visit.EvidenceCaseId is { } caseId)
            foreach (var userId in onVisit)
                await evidence.AssignInspectorAsync(caseId, userId, by, ct);
    }

    /// <summary>
    /// INS-9, EVD-3: the findings of an accepted visit are sent to the unit. From now on the unit's liaisons may see the
    /// visit and its confirmed findings, and the evidence case is released. Only confirmed findings are sent (RCT-1): none
    /// may still wait for the Office's confirmation.
    /// </summary>
    public async Task SendFindingsAsync(Guid id, ClaimsPrincipal by, CancellationToken ct)
    {
        var visit = await db.Visits.FirstOrDefaultAsync(v => v.Id == id, ct) ?? throw NotFound();
        if (await db.Findings.AnyAsync(f => f.VisitId == id && f.Status == FindingStatus.Recorded, ct))
            throw new DomainRuleException("RCT-1", "尚有问题未经效能办确认，不能送达。 Some findings still await the Office's confirmation.", 409);
        visit.MarkFindingsSent(by.UserId() ?? "", time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        if (visit.EvidenceCaseId is { } caseId)
        {
            var released = await db.EvidenceCases.AsNoTracking().Where(c => c.Id == caseId).Select(c => c.ReleasedAt).FirstOrDefaultAsync(ct);
            if (released is null) await evidence.ReleaseAsync(caseId, by, ct);
        }
    }

    /// <summary>
    /// INS-13: the Office records that its people joined the visit (a joint visit) and who they were; the change is audited.
    /// A unit's liaison is never told who inspected (nor that the Office went along).
    /// </summary>
    public async Task MarkJointAsync(Guid visitId, JointVisit r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var viewer = await InspectionViewer.ForAsync(by, db, ct);
        if (!viewer.IsOffice) throw new DomainRuleException("INS-13", "联合暗访由效能办记录。 The Office records joint visits.", 403);
        var visit = await viewer.VisibleVisits(db.Visits).FirstOrDefaultAsync(v => v.Id == visitId, ct) ?? throw NotFound();
        visit.MarkJoint(r.Participants);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// INS-6: a unit tipped off another (or obstructed by leaking the visit): recorded as a finding of item D03 against
    /// the section of the unit that leaked, on the visit where it came to light; the points are the Office's to set.
    /// </summary>
    public async Task<Guid> RecordTipOffAsync(Guid visitId, TipOff r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var visit = await db.Visits.AsNoTracking().FirstOrDefaultAsync(v => v.Id == visitId, ct) ?? throw NotFound();
        var section = await db.Sections.AsNoTracking().Where(s => s.Id == r.SectionId).Select(s => new { s.Id, s.UnitId }).FirstOrDefaultAsync(ct)
            ?? throw new FieldException("sectionId", "科室不存在。 No such section.");
        var item = await db.DeductionItems.FirstOrDefaultAsync(i => i.Year == visit.Year && i.Code == DefaultDeductionCatalogue.TippingOffCode && i.Active, ct)
            ?? throw new DomainRuleException("INS-18", $"{visit.Year} 年扣分目录中没有“通风报信”项（{DefaultDeductionCatalogue.TippingOffCode}）。 The {visit.Year} catalogue has no tipping-off item.", 422);
        var finding = new Finding(visit.Id, visit.RoundId, visit.Year, section.UnitId, section.Id, null, item, r.Points, r.Description, null, null,
            by.UserId() ?? "", time.GetUtcNow().UtcDateTime);
        db.Findings.Add(finding);
        await db.SaveChangesAsync(ct);
        return finding.Id;
    }

    private IQueryable<VisitLine> Project(IQueryable<Visit> q, bool ordered = false) =>
        from v in q
        join s in db.Sections.AsNoTracking() on v.SectionId equals s.Id
        join u in db.Units.AsNoTracking() on v.UnitId equals u.Id
        orderby ordered ? v.VisitedOn : null descending, s.Code
        select new VisitLine(v.Id, v.RoundId, v.Kind, u.Id, u.Name, s.Id, s.Name, s.Kind, v.Status, v.PlannedOn, v.VisitedOn, v.TeamId, v.AgencyId,
            v.FindingsSentAt, db.Findings.Count(f => f.VisitId == v.Id));

    public static NotFoundException NotFound() => new("检查记录不存在。 No such visit.");
}
