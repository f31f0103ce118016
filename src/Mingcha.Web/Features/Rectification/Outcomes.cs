using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Mingcha.Web.Data;
using Mingcha.Web.Infrastructure;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Features.Inspections;

namespace Mingcha.Web.Features.Rectification;

/// <summary>
/// RCT-5: circulars (an official document, publishable), interviews with minutes, referrals with the evidence package,
/// accountability of persons and units (INS-6: loss of excellence eligibility). Each outcome links to its findings, the
/// problems found through other channels behind it, or (EV-8) the campaign result (decision 021).
/// </summary>
public sealed class Outcomes(MingchaDb db, TimeProvider time, IRectificationDocuments documents, RectificationNotifier notifier, Infrastructure.LocalClock clock)
{
    public sealed record RecordOutcome(
        [property: Required] OutcomeKind? Kind,
        OutcomeMeasure? Measure,
        [property: Required, Range(Problems.FirstYear, Problems.LastYear)] int? Year,
        Guid? UnitId,
        Guid? StaffId,
        [property: StringLength(100)] string? PersonName,
        [property: Required, StringLength(200, MinimumLength = 1)] string Title,
        [property: Required, StringLength(20000, MinimumLength = 1)] string Text,
        DateOnly? HeldOn,
        IReadOnlyList<Guid>? FindingIds,
        IReadOnlyList<Guid>? ProblemIds = null);

    /// <summary>EV-8 (decision 021): the final result of a campaign for a section, behind an accountability of its head.</summary>
    public sealed record ResultBasis(Guid CampaignId, Guid SectionId);

    public sealed record OutcomeLine(Guid Id, OutcomeKind Kind, OutcomeMeasure Measure, int Year, Guid? UnitId, string? UnitName, Guid? StaffId, string? PersonName,
        string Title, string Text, DateOnly? HeldOn, Guid? DocumentId, string? DocumentNumber, IReadOnlyList<Guid> EvidenceCaseIds, DateTime? PublishedAt, DateTime At,
        IReadOnlyList<Guid> FindingIds, IReadOnlyList<Guid> ProblemIds, Guid? ResultCampaignId, Guid? ResultSectionId);

    public sealed record PublicCircular(Guid Id, string Title, string? DocumentNumber, OutcomeMeasure Measure, string Text, DateTime PublishedAt);

    private static readonly OutcomeMeasure[] PersonMeasures = [OutcomeMeasure.Criticism, OutcomeMeasure.WrittenWarning, OutcomeMeasure.RemovalFromPost, OutcomeMeasure.Demotion, OutcomeMeasure.Dismissal];
    private static readonly OutcomeMeasure[] UnitMeasures = [OutcomeMeasure.WarningUnit, OutcomeMeasure.ExcellenceIneligible];

    public Task<Guid> RecordAsync(RecordOutcome r, ClaimsPrincipal by, CancellationToken ct) => RecordAsync(r, null, by, ct);

    /// <summary>
    /// RCT-5: records an outcome resting on confirmed findings, on problems found through other channels that a notice
    /// told the unit of (decision 021), or, for EV-8's accountability, on a campaign's final result (<paramref name="result"/>).
    /// </summary>
    public async Task<Guid> RecordAsync(RecordOutcome r, ResultBasis? result, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        Problems.ValidateLengths(r); // pages call this too: an over-long text is a message there, as in the API
        var viewer = RectificationViewer.Of(by);
        viewer.RequireOffice("RCT-5", "记录处理结果");
        var kind = r.Kind!.Value;
        var measure = r.Measure ?? OutcomeMeasure.None;
        var ok = kind switch
        {
            OutcomeKind.Circular => measure is OutcomeMeasure.Praise or OutcomeMeasure.Criticism,
            OutcomeKind.PersonAccountability => PersonMeasures.Contains(measure),
            OutcomeKind.UnitAccountability => UnitMeasures.Contains(measure),
            _ => measure == OutcomeMeasure.None,
        };
        if (!ok) throw new FieldException("measure", "处理方式与类别不符。 The measure does not fit the kind of outcome.");
        if (kind != OutcomeKind.Circular && r.UnitId is null) throw new FieldException("unitId", "须指明单位。 Name the unit.");
        if (kind == OutcomeKind.PersonAccountability && r.StaffId is null && string.IsNullOrWhiteSpace(r.PersonName))
            throw new FieldException("personName", "须指明被问责人员。 Name the person held accountable.");
        if (r.UnitId is { } u && !await db.Units.AnyAsync(x => x.Id == u, ct)) throw new FieldException("unitId", "单位不存在。 No such unit.");
        if (r.StaffId is { } st && !await db.Staff.AnyAsync(x => x.Id == st && x.UnitId == r.UnitId, ct)) throw new FieldException("staffId", "人员不属于该单位。 The person is not the unit's.");

        var ids = (r.FindingIds ?? []).Distinct().ToList();
        var problemIds = (r.ProblemIds ?? []).Distinct().ToList();
        // RCT-5: every outcome rests on findings or problems (a circular of praise may rest on none; EV-8's accountability on the result).
        if (ids.Count == 0 && problemIds.Count == 0 && result is null && !(kind == OutcomeKind.Circular && measure == OutcomeMeasure.Praise))
            throw new DomainRuleException("RCT-5", "处理结果须关联其依据的问题。 An outcome links to the findings behind it.", 422);
        if (ids.Count > 500) throw new FieldException("findingIds", "最多关联 500 个问题。 At most 500 findings.");
        if (problemIds.Count > 500) throw new FieldException("problemIds", "最多关联 500 个问题。 At most 500 problems.");
        var problems = await ProblemsBehindAsync(problemIds, kind == OutcomeKind.Circular ? null : r.UnitId, ct);
        var findings = await db.Findings.AsNoTracking().Where(f => ids.Contains(f.Id)).Select(f => new { f.Id, f.UnitId, f.Status, f.VisitId, f.ItemCode, f.ItemName, f.Description }).ToListAsync(ct);
        if (findings.Count != ids.Count) throw new FieldException("findingIds", "问题不存在。 A finding does not exist.");
        if (findings.Any(f => f.Status != FindingStatus.Confirmed))
            throw new DomainRuleException("RCT-5", "只能依据经确认的问题（RCT-1）。 Outcomes rest on confirmed findings only (RCT-1).", 422);
        // RCT-3: a finding whose notice was withdrawn after an upheld objection no longer stands.
        if (await Notices.WithdrawnFindings(db).AnyAsync(id => ids.Contains(id), ct))
            throw new DomainRuleException("RCT-5", "所关联的问题已因异议成立而撤销（RCT-3）。 A finding was withdrawn after an upheld objection (RCT-3).", 422);
        if (r.UnitId is { } unit && kind != OutcomeKind.Circular && findings.Any(f => f.UnitId != unit))
            throw new DomainRuleException("RCT-5", "所关联的问题须属于该单位。 The findings must be the unit's.", 422);
        // RCT-3: what a notice lists may be withdrawn while the unit may still object, or while its objection waits: no
        // circular, referral or accountability on it until then (an upheld objection withdraws the notice and its points).
        var problemNotices = problems.Select(p => p.NoticeId).ToList();
        var open = Notices.OpenToObjection(db, clock.Today);
        if (await db.NoticeFindings.AnyAsync(nf => ids.Contains(nf.FindingId) && open.Any(n => n.Id == nf.NoticeId), ct)
            || await open.AnyAsync(n => problemNotices.Contains(n.Id), ct))
            throw new DomainRuleException("RCT-3", "整改通知书尚在异议期内或异议待复核，暂不能据此作出处理。 A notice behind this is still open to objection, or its objection waits for review.", 422);
        var visitIds = findings.Select(f => f.VisitId).Distinct().ToList();
        // INS-9: nothing about a covert visit leaves the Office before its findings were sent.
        if (await db.Visits.AnyAsync(v => visitIds.Contains(v.Id) && v.FindingsSentAt == null, ct))
            throw new DomainRuleException("INS-9", "检查结果尚未送达被查单位，不能据此作出处理。 The visit's findings were not sent to the unit yet.", 422);

        var now = time.GetUtcNow().UtcDateTime;
        var title = r.Title.Trim();
        var outcome = new RectificationOutcome(kind, measure, r.Year!.Value, r.UnitId, r.StaffId, string.IsNullOrWhiteSpace(r.PersonName) ? null : r.PersonName.Trim(),
            title, r.Text.Trim(), r.HeldOn, viewer.UserId, now);
        foreach (var f in ids) outcome.Findings.Add(new OutcomeFinding(outcome.Id, f));
        foreach (var p in problems) outcome.Problems.Add(new OutcomeProblem(outcome.Id, p.Id));
        if (result is { } basis) outcome.RestOnResult(basis.CampaignId, basis.SectionId);
        if (kind == OutcomeKind.Referral)
        {
            // The evidence package: the evidence cases of the findings' visits, and of the problems and their notices (EVD: the vault's
            // package is downloaded per case).
            var noticeIds = problems.Select(p => p.NoticeId).ToList();
            var casesOf = await db.Visits.AsNoTracking().Where(v => visitIds.Contains(v.Id) && v.EvidenceCaseId != null).Select(v => v.EvidenceCaseId!.Value).ToListAsync(ct);
            casesOf.AddRange(await db.RectificationNotices.AsNoTracking().Where(n => noticeIds.Contains(n.Id) && n.EvidenceCaseId != null).Select(n => n.EvidenceCaseId!.Value).ToListAsync(ct));
            casesOf.AddRange(problems.Select(p => p.EvidenceCaseId).OfType<Guid>());
            outcome.AttachEvidence(casesOf.Distinct());
            foreach (var c in casesOf.Distinct())
                if (!await db.EvidenceHolds.AnyAsync(h => h.CaseId == c && h.LiftedAt == null, ct))
                    db.EvidenceHolds.Add(new Mingcha.Web.Features.Evidence.EvidenceHold(c, Mingcha.Web.Features.Evidence.EvidenceHoldReason.Other, "移送纪检监察 " + title, viewer.UserId, now));
        }
        if (kind == OutcomeKind.Circular)
        {
            var paragraphs = new List<string> { r.Text.Trim() };
            paragraphs.AddRange(findings.Select(f => $"{f.ItemCode} {f.ItemName}：{f.Description}")
                .Concat(problems.Select(p => $"{ChannelProblem.NameOf(p.Channel)}（{p.FoundOn:yyyy年M月d日}）：{p.Description}"))
                .Select((line, i) => $"{i + 1}. {line}"));
            var units = findings.Select(f => f.UnitId).Concat(problems.Select(p => p.UnitId)).Concat(r.UnitId is { } cu ? [cu] : []).Distinct().ToList();
            var doc = await documents.IssueCircularAsync(new CircularDocument(outcome.Id, measure == OutcomeMeasure.Praise, title, paragraphs, units), by, ct);
            if (doc is not null) outcome.AttachDocument(doc.Id, doc.Number);
        }
        db.RectificationOutcomes.Add(outcome);
        db.Audit(new AuditEvent("outcome.record", nameof(RectificationOutcome), outcome.Id.ToString(), null,
            $"{kind} {measure} findings {ids.Count} problems {problems.Count}{(result is { } rb ? $" result {rb.CampaignId}/{rb.SectionId}" : "")}"));
        await db.SaveChangesAsync(ct);
        if (r.UnitId is { } notifyUnit)
            await notifier.NotifyUnitAsync(notifyUnit, "outcome." + kind.ToString().ToLowerInvariant(), $"效能处理结果：{title}", null,
                "/Rectification/Mine", $"outcome:{outcome.Id}", ct);
        return outcome.Id;
    }

    private sealed record ProblemBehind(Guid Id, Guid UnitId, ProblemChannel Channel, DateOnly FoundOn, string Description, Guid NoticeId, Guid? EvidenceCaseId);

    /// <summary>
    /// RCT-5 (decision 021): problems found through other channels behind an outcome must exist, have reached their unit on
    /// a notice (as a finding must have been sent, INS-9), not on one withdrawn after an upheld objection (RCT-3), and be the
    /// named unit's.
    /// </summary>
    private async Task<List<ProblemBehind>> ProblemsBehindAsync(List<Guid> ids, Guid? unitId, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        var rows = await (from p in db.ChannelProblems.AsNoTracking().Where(p => ids.Contains(p.Id))
                          join n in db.RectificationNotices on p.NoticeId equals n.Id into ns
                          from n in ns.DefaultIfEmpty()
                          select new { p.Id, p.UnitId, p.Channel, p.FoundOn, p.Description, p.NoticeId, p.EvidenceCaseId, Withdrawn = n != null && n.Status == Mingcha.Domain.Rectification.NoticeStatus.Withdrawn }).ToListAsync(ct);
        if (rows.Count != ids.Count) throw new FieldException("problemIds", "问题不存在。 A problem does not exist.");
        if (rows.Any(p => p.NoticeId is null))
            throw new DomainRuleException("RCT-5", "问题尚未列入整改通知书告知被查单位，不能据此作出处理。 A problem has not reached its unit on a notice yet.", 422);
        if (rows.Any(p => p.Withdrawn))
            throw new DomainRuleException("RCT-5", "所关联的问题已因异议成立而撤销（RCT-3）。 A problem was withdrawn after an upheld objection (RCT-3).", 422);
        if (unitId is { } unit && rows.Any(p => p.UnitId != unit))
            throw new DomainRuleException("RCT-5", "所关联的问题须属于该单位。 The findings must be the unit's.", 422);
        return rows.Select(p => new ProblemBehind(p.Id, p.UnitId, p.Channel, p.FoundOn, p.Description, p.NoticeId!.Value, p.EvidenceCaseId)).ToList();
    }

    public async Task PublishAsync(Guid id, ClaimsPrincipal by, CancellationToken ct)
    {
        RectificationViewer.Of(by).RequireOffice("RCT-5", "发布通报");
        var o = await db.RectificationOutcomes.FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("处理结果不存在。 No such outcome.");
        o.Publish(time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
    }

    public async Task<List<OutcomeLine>> ListAsync(ClaimsPrincipal user, int? year, Guid? unitId, CancellationToken ct)
    {
        var viewer = RectificationViewer.Of(user);
        var q = db.RectificationOutcomes.AsNoTracking();
        if (!viewer.SeesAll) { var own = viewer.UnitId ?? Guid.Empty; q = q.Where(o => o.UnitId == own); }
        if (year is { } y) q = q.Where(o => o.Year == y);
        if (unitId is { } u) q = q.Where(o => o.UnitId == u);
        var rows = await q.OrderByDescending(o => o.At).Take(1000).ToListAsync(ct);
        var ids = rows.Select(o => o.Id).ToList();
        var links = (await db.OutcomeFindings.AsNoTracking().Where(l => ids.Contains(l.OutcomeId)).ToListAsync(ct)).ToLookup(l => l.OutcomeId, l => l.FindingId);
        var problemLinks = (await db.OutcomeProblems.AsNoTracking().Where(l => ids.Contains(l.OutcomeId)).ToListAsync(ct)).ToLookup(l => l.OutcomeId, l => l.ProblemId);
        var unitIds = rows.Where(o => o.UnitId != null).Select(o => o.UnitId!.Value).Distinct().ToList();
        var names = await db.Units.AsNoTracking().Where(x => unitIds.Contains(x.Id)).ToDictionaryAsync(x => x.Id, x => x.Name, ct);
        return rows.Select(o => new OutcomeLine(o.Id, o.Kind, o.Measure, o.Year, o.UnitId, o.UnitId is { } x ? names.GetValueOrDefault(x) : null, o.StaffId,
            viewer.SeesAll ? o.PersonName : o.PersonName, o.Title, o.Text, o.HeldOn, o.DocumentId, o.DocumentNumber,
            NoticeReads.Ids(o.EvidenceCaseIds ?? ""), o.PublishedAt, o.At, links[o.Id].ToList(), problemLinks[o.Id].ToList(), o.ResultCampaignId, o.ResultSectionId)).ToList();
    }

    /// <summary>EV-10 / RCT-5: published circulars, for the public page (no personal data beyond what the circular says).</summary>
    public async Task<List<PublicCircular>> PublishedAsync(CancellationToken ct) =>
        await db.RectificationOutcomes.AsNoTracking().Where(o => o.Kind == OutcomeKind.Circular && o.PublishedAt != null)
            .OrderByDescending(o => o.PublishedAt).Take(200)
            .Select(o => new PublicCircular(o.Id, o.Title, o.DocumentNumber, o.Measure, o.Text, o.PublishedAt!.Value)).ToListAsync(ct);

    /// <summary>INS-6: units that lost the year's excellence eligibility.</summary>
    public async Task<List<Guid>> IneligibleUnitsAsync(int year, CancellationToken ct) =>
        await db.RectificationOutcomes.AsNoTracking().Where(o => o.Year == year && o.Kind == OutcomeKind.UnitAccountability && o.Measure == OutcomeMeasure.ExcellenceIneligible && o.UnitId != null)
            .Select(o => o.UnitId!.Value).Distinct().ToListAsync(ct);
}
