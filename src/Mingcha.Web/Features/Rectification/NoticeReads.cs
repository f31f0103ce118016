using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Calendar;
using Mingcha.Domain.Rectification;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Calendar;
using Mingcha.Web.Features.Inspections;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.Web.Features.Rectification;

/// <summary>Reads of notices for the Office, leaders (overview) and liaisons (their own unit only, SEC-2), with working-day countdowns.</summary>
public sealed class NoticeReads(MingchaDb db, CalendarService calendar)
{
    public sealed record NoticeLine(Guid Id, Guid UnitId, string UnitName, int Year, string Title, string? DocumentNumber, NoticeStatus Status, EscalationStage Stage,
        bool LadderExhausted, DateOnly ReceivedOn, DateOnly LastDay, DateOnly ObjectionLastDay, DateTime IssuedAt, int? WorkingDaysLeft, int? ObjectionDaysLeft, bool Overdue,
        bool ObjectionDecided = false);
    /// <summary>A finding on a notice; ORG-1: its section as it was when the finding was recorded (<c>...Then</c>) and today.</summary>
    public sealed record FindingOnNotice(Guid Id, Guid VisitId, Guid SectionId, string ItemCode, string ItemName, decimal Points, string Description,
        DateTime? RecordedAt = null, string? SectionCodeThen = null, string? SectionNameThen = null, string? SectionNameNow = null);
    public sealed record ObjectionLine(Guid Id, string Grounds, IReadOnlyList<Guid> EvidenceItemIds, DateTime FiledAt, bool? Upheld, string? DecisionReason, DateTime? DecidedAt);
    public sealed record ResponseLine(Guid Id, string Actions, string Measures, IReadOnlyList<Guid> EvidenceItemIds, DateTime FiledAt, bool? Accepted, string? VerificationNote, DateTime? VerifiedAt);
    public sealed record EscalationLine(EscalationKind Kind, EscalationStage Stage, DateOnly? LastDay, DateOnly Day, string Reason, DateTime At);
    public sealed record LedgerLineDto(Guid Id, int Year, Guid UnitId, Guid? SectionId, decimal Points, LedgerSource Source, string Basis, string Description,
        Guid? FindingId, Guid? NoticeId, Guid? OutcomeId, Guid? ReversesId, DateTime At, Guid? OpenDeductionId);
    public sealed record NoticeDetail(NoticeLine Notice, string RequiredAction, int WorkingDays, Guid? DocumentId, Guid? EvidenceCaseId, string? CloseNote, DateTime? ClosedAt,
        int Returns, RectificationResult Result, IReadOnlyList<FindingOnNotice> Findings, IReadOnlyList<ObjectionLine> Objections, IReadOnlyList<ResponseLine> Responses,
        IReadOnlyList<EscalationLine> Escalations, IReadOnlyList<LedgerLineDto> Ledger, IReadOnlyList<ProblemOnNotice> Problems,
        string? UnitCodeThen = null, string? UnitNameThen = null);
    /// <summary>A problem found through another channel (EV-6, decision 021) listed on the notice.</summary>
    /// <summary>ORG-1: <c>SectionName</c> is today's; <c>SectionNameThen</c> the name when the problem was recorded.</summary>
    public sealed record ProblemOnNotice(Guid Id, Guid SectionId, string SectionName, ProblemChannel Channel, string ChannelName, DateOnly FoundOn, string Description,
        Guid? EvidenceCaseId, string? SectionNameThen = null);
    public sealed record OverviewLine(Guid UnitId, string UnitName, int Open, int Overdue, int SecondSupervision, int Listed, int Objected, int Answered, int Closed);

    private IQueryable<RectificationNotice> Visible(RectificationViewer viewer)
    {
        var q = db.RectificationNotices.AsNoTracking();
        if (viewer.SeesAll) return q;
        var unit = viewer.UnitId ?? Guid.Empty;
        return q.Where(n => n.UnitId == unit);
    }

    public async Task<List<NoticeLine>> ListAsync(ClaimsPrincipal user, Guid? unitId, int? year, NoticeStatus? status, CancellationToken ct)
    {
        var viewer = RectificationViewer.Of(user);
        var q = Visible(viewer);
        if (unitId is { } u) q = q.Where(n => n.UnitId == u);
        if (year is { } y) q = q.Where(n => n.Year == y);
        if (status is { } s) q = q.Where(n => n.Status == s);
        var rows = await q.OrderByDescending(n => n.IssuedAt).ThenByDescending(n => n.Id).Take(2000)
            .Join(db.Units, n => n.UnitId, un => un.Id, (n, un) => new { n, un.Name }).ToListAsync(ct);
        var cal = await calendar.GetAsync(ct);
        return rows.Select(r => Line(r.n, r.Name, cal)).ToList();
    }

    private NoticeLine Line(RectificationNotice n, string unitName, WorkingCalendar cal)
    {
        var today = calendar.Today;
        int? left = null, objectionLeft = null;
        if (!RectificationRules.IsClosed(n.Status))
        {
            try { left = cal.WorkingDaysLeft(today, n.LastDay); } catch (CalendarYearMissingException) { }
            if (n.Status == NoticeStatus.Issued && !n.ObjectionDecided)
                try { objectionLeft = Math.Max(0, cal.WorkingDaysLeft(today, n.ObjectionLastDay)); } catch (CalendarYearMissingException) { }
        }
        var overdue = RectificationRules.AwaitsUnit(n.Status) && today > n.LastDay;
        return new NoticeLine(n.Id, n.UnitId, unitName, n.Year, n.Title, n.DocumentNumber, n.Status, n.Stage, n.LadderExhausted, n.ReceivedOn, n.LastDay,
            n.ObjectionLastDay, n.IssuedAt, left, objectionLeft, overdue, n.ObjectionDecided);
    }

    public async Task<NoticeDetail> GetAsync(ClaimsPrincipal user, Guid id, CancellationToken ct)
    {
        var viewer = RectificationViewer.Of(user);
        var n = await Visible(viewer).FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw RectificationViewer.NoticeNotFound();
        var unitName = await db.Units.AsNoTracking().Where(u => u.Id == n.UnitId).Select(u => u.Name).FirstAsync(ct);
        var cal = await calendar.GetAsync(ct);
        var findings = await db.NoticeFindings.AsNoTracking().Where(nf => nf.NoticeId == id)
            .Join(db.Findings, nf => nf.FindingId, f => f.Id, (nf, f) => new FindingOnNotice(f.Id, f.VisitId, f.SectionId, f.ItemCode, f.ItemName, f.Points, f.Description,
                f.RecordedAt, null, null, null))
            .ToListAsync(ct);
        var objections = (await db.NoticeObjections.AsNoTracking().Where(o => o.NoticeId == id).OrderBy(o => o.FiledAt).ToListAsync(ct))
            .Select(o => new ObjectionLine(o.Id, o.Grounds, Ids(o.EvidenceItemIds), o.FiledAt, o.Upheld, o.DecisionReason, o.DecidedAt)).ToList();
        var responses = (await db.NoticeResponses.AsNoTracking().Where(o => o.NoticeId == id).OrderBy(o => o.FiledAt).ToListAsync(ct))
            .Select(o => new ResponseLine(o.Id, o.Actions, o.Measures, Ids(o.EvidenceItemIds), o.FiledAt, o.Accepted, o.VerificationNote, o.VerifiedAt)).ToList();
        var escalations = await db.NoticeEscalations.AsNoTracking().Where(e => e.NoticeId == id).OrderBy(e => e.At)
            .Select(e => new EscalationLine(e.Kind, e.Stage, e.LastDay, e.Day, e.Reason, e.At)).ToListAsync(ct);
        var ledger = await Ledger.Project(db.DeductionLedger.AsNoTracking().Where(l => l.NoticeId == id).OrderBy(l => l.At)).ToListAsync(ct);
        var problemRows = await db.ChannelProblems.AsNoTracking().Where(p => p.NoticeId == id)
                .Join(db.Sections, p => p.SectionId, s => s.Id, (p, s) => new { p, s.Name }).ToListAsync(ct);
        var recorded = problemRows.ToDictionary(x => x.p.Id, x => x.p.RecordedAt);
        var problems = problemRows.OrderBy(x => x.p.FoundOn).ThenBy(x => x.p.Id)
            .Select(x => new ProblemOnNotice(x.p.Id, x.p.SectionId, x.Name, x.p.Channel, ChannelProblem.NameOf(x.p.Channel), x.p.FoundOn, x.p.Description,
                x.p.EvidenceCaseId)).ToList();
        // ORG-1: the unit as it was when the notice was issued, the sections as they were when each finding or problem was
        // recorded; one query per kind for the whole notice.
        var org = await OrgAsOf.LoadAsync(db, findings.Select(f => f.SectionId).Concat(problems.Select(p => p.SectionId)), [n.UnitId], [], ct);
        findings = findings.Select(f =>
        {
            var then = org.SectionAt(f.SectionId, f.RecordedAt ?? n.IssuedAt);
            return f with { SectionCodeThen = then?.Code, SectionNameThen = then?.Name, SectionNameNow = org.SectionNow(f.SectionId)?.Name };
        }).ToList();
        problems = problems.Select(p => p with { SectionNameThen = org.SectionAt(p.SectionId, recorded.GetValueOrDefault(p.Id, n.IssuedAt))?.Name }).ToList();
        var unitThen = org.UnitAt(n.UnitId, n.IssuedAt);
        return new NoticeDetail(Line(n, unitName, cal), n.RequiredAction, n.WorkingDays, n.DocumentId, n.EvidenceCaseId, n.CloseNote, n.ClosedAt, n.Returns,
            RectificationScoring.Classify(n.Status, n.Stage, n.LadderExhausted, n.Returns, n.SupervisedReturns, n.AnsweredLate), findings, objections, responses, escalations, ledger, problems,
            unitThen?.Code, unitThen?.Name);
    }

    internal static List<Guid> Ids(string csv) =>
        csv.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => Guid.TryParse(s, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).ToList();

    /// <summary>Leaders' overview: open, overdue and escalated cases by unit.</summary>
    public async Task<List<OverviewLine>> OverviewAsync(int? year, CancellationToken ct)
    {
        var today = calendar.Today;
        var q = db.RectificationNotices.AsNoTracking();
        if (year is { } y) q = q.Where(n => n.Year == y);
        var rows = await q.GroupBy(n => n.UnitId).Select(g => new
        {
            UnitId = g.Key,
            Open = g.Count(n => n.Status == NoticeStatus.Issued || n.Status == NoticeStatus.Returned || n.Status == NoticeStatus.Objected || n.Status == NoticeStatus.Answered),
            Overdue = g.Count(n => (n.Status == NoticeStatus.Issued || n.Status == NoticeStatus.Returned) && n.LastDay < today),
            Second = g.Count(n => n.Stage == EscalationStage.SecondSupervision && (n.Status == NoticeStatus.Issued || n.Status == NoticeStatus.Returned || n.Status == NoticeStatus.Answered)),
            Listed = g.Count(n => n.Stage == EscalationStage.Listed && (n.Status == NoticeStatus.Issued || n.Status == NoticeStatus.Returned || n.Status == NoticeStatus.Answered)),
            Objected = g.Count(n => n.Status == NoticeStatus.Objected),
            Answered = g.Count(n => n.Status == NoticeStatus.Answered),
            Closed = g.Count(n => n.Status == NoticeStatus.Filed || n.Status == NoticeStatus.Withdrawn || n.Status == NoticeStatus.Refused),
        }).ToListAsync(ct);
        var ids = rows.Select(r => r.UnitId).ToList();
        var names = await db.Units.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Name, ct);
        return rows.Select(r => new OverviewLine(r.UnitId, names.GetValueOrDefault(r.UnitId, ""), r.Open, r.Overdue, r.Second, r.Listed, r.Objected, r.Answered, r.Closed))
            .OrderByDescending(r => r.Overdue).ThenByDescending(r => r.Listed).ThenByDescending(r => r.Open).ThenBy(r => r.UnitName, StringComparer.Ordinal).ToList();
    }

    public sealed record Candidate(Guid Id, Guid VisitId, Guid UnitId, Guid SectionId, string ItemCode, string ItemName, decimal Points, string Description,
        FindingStatus Status, DateTime RecordedAt, bool VisitAccepted);

    /// <summary>The Office's work list: findings of a unit (or all) awaiting confirmation (RCT-1) or confirmed and on no notice yet (RCT-2).</summary>
    public async Task<List<Candidate>> CandidatesAsync(Guid? unitId, CancellationToken ct)
    {
        var q = db.Findings.AsNoTracking().Where(f => f.Status != FindingStatus.Dropped && !db.NoticeFindings.Any(nf => nf.FindingId == f.Id));
        if (unitId is { } u) q = q.Where(f => f.UnitId == u);
        return await q.OrderBy(f => f.RecordedAt).Take(1000)
            .Select(f => new Candidate(f.Id, f.VisitId, f.UnitId, f.SectionId, f.ItemCode, f.ItemName, f.Points, f.Description, f.Status, f.RecordedAt,
                db.Visits.Any(v => v.Id == f.VisitId && v.Status == VisitStatus.Accepted)))
            .ToListAsync(ct);
    }

    public sealed record HistoryEvent(DateTime At, string Kind, string Text, Guid? NoticeId, Guid? OutcomeId);
    public sealed record FindingHistory(Guid FindingId, Guid UnitId, string ItemCode, string ItemName, decimal Points, string Description, FindingStatus Status,
        IReadOnlyList<HistoryEvent> Events);

    /// <summary>
    /// RCT-5: a finding's whole history: recorded, confirmed or dropped, the notices that listed it, objections, answers,
    /// escalations, ledger lines and outcomes. Visible through the secrecy rule (INS-9, SEC-2): a unit sees its own findings
    /// once their visit's findings were sent, and only confirmed ones; anything else is "not found".
    /// </summary>
    public async Task<FindingHistory> HistoryAsync(ClaimsPrincipal user, Guid findingId, CancellationToken ct)
    {
        var viewer = await InspectionViewer.ForAsync(user, db, ct);
        var visible = viewer.VisibleVisits(db.Visits.AsNoTracking());
        // A supervisor or agency inspector reads the findings of the visits they may see (their team's, their agency's); the rest are a unit's users.
        var unitOnly = !viewer.SeesAll && viewer.TeamIds.Count == 0 && viewer.AgencyId is null;
        if (unitOnly) visible = visible.Where(v => v.FindingsSentAt != null);
        var f = await db.Findings.AsNoTracking().Where(x => x.Id == findingId && visible.Any(v => v.Id == x.VisitId)).FirstOrDefaultAsync(ct);
        if (f is null || (unitOnly && (f.Status != FindingStatus.Confirmed || f.UnitId != viewer.LiaisonUnitId))) throw Notices.FindingNotFound();
        var events = new List<HistoryEvent> { new(f.RecordedAt, "recorded", $"记录问题 {f.ItemCode} {f.ItemName}", null, null) };
        if (f.ReviewedAt is { } reviewed)
            events.Add(new HistoryEvent(reviewed, f.Status == FindingStatus.Dropped ? "dropped" : "confirmed",
                f.Status == FindingStatus.Dropped ? $"不予认定：{(unitOnly ? "" : f.DropReason)}" : "效能办确认（RCT-1）", null, null));
        if (f.ConfirmationAt is { } signed) events.Add(new HistoryEvent(signed, "unit-confirmation", $"被查单位确认：{f.Confirmation}", null, null));
        var noticeIds = await db.NoticeFindings.AsNoTracking().Where(nf => nf.FindingId == findingId).Select(nf => nf.NoticeId).ToListAsync(ct);
        var notices = await db.RectificationNotices.AsNoTracking().Where(n => noticeIds.Contains(n.Id)).ToListAsync(ct);
        foreach (var n in notices)
        {
            events.Add(new HistoryEvent(n.IssuedAt, "notice", $"下发整改通知书 {n.DocumentNumber ?? n.Title}，期限 {n.LastDay:yyyy-MM-dd}", n.Id, null));
            if (n.ClosedAt is { } closed) events.Add(new HistoryEvent(closed, "notice-" + n.Status.ToString().ToLowerInvariant(), $"通知书 {n.Status}：{n.CloseNote}", n.Id, null));
        }
        events.AddRange(await db.NoticeObjections.AsNoTracking().Where(o => noticeIds.Contains(o.NoticeId))
            .Select(o => new HistoryEvent(o.FiledAt, "objection", "提出异议：" + o.Grounds, o.NoticeId, null)).ToListAsync(ct));
        events.AddRange((await db.NoticeObjections.AsNoTracking().Where(o => noticeIds.Contains(o.NoticeId) && o.DecidedAt != null).ToListAsync(ct))
            .Select(o => new HistoryEvent(o.DecidedAt!.Value, o.Upheld == true ? "objection-upheld" : "objection-rejected", (o.Upheld == true ? "异议成立：" : "异议不成立：") + o.DecisionReason, o.NoticeId, null)));
        events.AddRange(await db.NoticeResponses.AsNoTracking().Where(o => noticeIds.Contains(o.NoticeId))
            .Select(o => new HistoryEvent(o.FiledAt, "answer", "反馈整改：" + o.Actions, o.NoticeId, null)).ToListAsync(ct));
        events.AddRange((await db.NoticeResponses.AsNoTracking().Where(o => noticeIds.Contains(o.NoticeId) && o.VerifiedAt != null).ToListAsync(ct))
            .Select(o => new HistoryEvent(o.VerifiedAt!.Value, o.Accepted == true ? "verified" : "sent-back", (o.Accepted == true ? "核查通过" : "退回：") + o.VerificationNote, o.NoticeId, null)));
        events.AddRange(await db.NoticeEscalations.AsNoTracking().Where(e => noticeIds.Contains(e.NoticeId))
            .Select(e => new HistoryEvent(e.At, "escalation-" + e.Kind.ToString().ToLowerInvariant(), e.Stage + "：" + e.Reason, e.NoticeId, null)).ToListAsync(ct));
        events.AddRange((await db.DeductionLedger.AsNoTracking().Where(l => l.FindingId == findingId).ToListAsync(ct))
            .Select(l => new HistoryEvent(l.At, l.ReversesId is null ? "ledger" : "ledger-reversal", $"扣分台账 {l.Points:0.##} 分（{l.Basis}）", l.NoticeId, l.OutcomeId)));
        var outcomeIds = await db.OutcomeFindings.AsNoTracking().Where(o => o.FindingId == findingId).Select(o => o.OutcomeId).ToListAsync(ct);
        events.AddRange(await db.RectificationOutcomes.AsNoTracking().Where(o => outcomeIds.Contains(o.Id) && (!unitOnly || o.UnitId == viewer.LiaisonUnitId))
            .Select(o => new HistoryEvent(o.At, "outcome-" + o.Kind.ToString().ToLowerInvariant(), o.Measure + "：" + o.Title, null, o.Id)).ToListAsync(ct));
        return new FindingHistory(f.Id, f.UnitId, f.ItemCode, f.ItemName, f.Points, f.Description, f.Status, events.OrderBy(e => e.At).ToList());
    }
}
