using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Rectification;
using Mingcha.Domain.Scoring;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Calendar;
using Mingcha.Web.Features.Inspections;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Features.Rectification;

namespace Mingcha.Web.Features.Scoring;

/// <summary>
/// EV-8, EV-10, EV-12: rankings read from the stored results, each figure's explanation, and the consequences of the results
/// through the rectification module (a praise circular; accountability resting on the section's result, decision 021).
/// </summary>
public sealed class CampaignResults(MingchaDb db, CalendarService calendar, Outcomes outcomes)
{
    public sealed record ResultRow(Guid SectionId, string SectionCode, string SectionName, Guid UnitId, string UnitName, Guid CategoryId, string CategoryName,
        int Rank, decimal Total, decimal Composite, bool Rescaled, decimal Rectification, int Problems, ResultConsequence Consequence, DateOnly? DueOn);

    public sealed record Ranking(Guid CampaignId, string CampaignName, int Year, CampaignStatus Status, Guid? ComputationId, int? ComputationNumber, DateTime? ComputedAt,
        bool Final, IReadOnlyList<ResultRow> Rows);

    public sealed record GradeLine(Grade Grade, decimal Score, long Count);
    public sealed record MethodLine(EvaluationMethod Method, long Count, IReadOnlyList<GradeLine> Grades, decimal? Satisfaction, decimal Weight, decimal AppliedWeight, decimal Contribution);
    /// <summary>
    /// One problem (EV-6): the notice and the finding on it (the finding null for computations before migration 0021,
    /// counted per notice) or the problem found through another channel (decision 021: <see cref="Channel"/> set,
    /// <see cref="FindingId"/> the problem's id), or the substantiated complaint (decision 020).
    /// </summary>
    public sealed record ProblemLine(ProblemSource Source, Guid? NoticeId, string? Title, string? DocumentNumber, Guid? FindingId, string? Finding,
        Guid? ComplaintId, string? ComplaintNumber, RectificationResult Result, decimal Cost, ProblemChannel? Channel = null);
    public sealed record Explanation(Guid CampaignId, Guid ComputationId, ResultRow Result, Campaigns.RulesDto Rules, EmptyMethodPolicy Policy, bool Rescaled,
        IReadOnlyList<MethodLine> Methods, decimal Composite, decimal SatisfactionPoints, decimal CompositePoints, decimal RectificationStart, decimal Deducted,
        decimal RectificationScore, IReadOnlyList<ProblemLine> Problems, decimal Total, string Formula);

    public sealed record Accountability(
        [property: Required] OutcomeMeasure? Measure,
        Guid? StaffId,
        [property: StringLength(100)] string? PersonName,
        [property: Required, StringLength(20000, MinimumLength = 1)] string Text);

    private static bool SeesAll(ClaimsPrincipal user) => RectificationViewer.Of(user).SeesAll;

    private async Task<EvaluationCampaign> CampaignAsync(Guid id, CancellationToken ct) =>
        await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new NotFoundException("测评活动不存在。 No such campaign.");

    /// <summary>EV-8: the stored results of the campaign's latest computation, by category and rank. A liaison sees their unit only (SEC-2).</summary>
    public async Task<Ranking> RankingAsync(Guid campaignId, Guid? categoryId, ClaimsPrincipal? user, CancellationToken ct)
    {
        var c = await CampaignAsync(campaignId, ct);
        if (user is null && c.Status != CampaignStatus.Published) throw new NotFoundException("测评活动不存在。 No such campaign.");
        if (c.ComputationId is not { } compId) return new Ranking(c.Id, c.Name, c.Year, c.Status, null, null, null, false, []);
        var comp = await db.ScoreComputations.AsNoTracking().FirstAsync(x => x.Id == compId, ct);
        var q = db.ScoreResults.AsNoTracking().Where(r => r.ComputationId == compId);
        if (categoryId is { } k) q = q.Where(r => r.CategoryId == k);
        if (user is not null && !SeesAll(user)) { var own = RectificationViewer.Of(user).UnitId ?? Guid.Empty; q = q.Where(r => r.UnitId == own); }
        var rows = await RowsAsync(q, comp.At, ct);
        rows = rows.OrderBy(r => r.CategoryName, StringComparer.Ordinal).ThenBy(r => r.Rank == Mingcha.Domain.Scoring.Ranking.Unranked).ThenBy(r => r.Rank).ThenBy(r => r.SectionCode, StringComparer.Ordinal).ToList();
        return new Ranking(c.Id, c.Name, c.Year, c.Status, compId, comp.Number, comp.At, comp.Final, rows);
    }

    /// <summary>The categories of a campaign's stored results (for the ranking's category picker), in name order.</summary>
    public async Task<List<(Guid Id, string Name)>> CategoriesAsync(Guid campaignId, ClaimsPrincipal? user, CancellationToken ct)
    {
        var c = await CampaignAsync(campaignId, ct);
        if (user is null && c.Status != CampaignStatus.Published) throw new NotFoundException("测评活动不存在。 No such campaign.");
        var ids = c.ComputationId is { } compId
            ? await db.ScoreResults.AsNoTracking().Where(r => r.ComputationId == compId).Select(r => r.CategoryId).Distinct().ToListAsync(ct)
            : await db.CampaignSections.AsNoTracking().Where(s => s.CampaignId == campaignId).Select(s => s.CategoryId).Distinct().ToListAsync(ct);
        var names = await db.Categories.AsNoTracking().Where(k => ids.Contains(k.Id)).Select(k => new { k.Id, k.Name }).ToListAsync(ct);
        // Named as the ranking names them: as they were when the results were computed (ORG-1).
        var computedAt = c.ComputationId is { } at ? await db.ScoreComputations.AsNoTracking().Where(x => x.Id == at).Select(x => (DateTime?)x.At).FirstOrDefaultAsync(ct) : null;
        var org = computedAt is null ? OrgAsOf.Empty : await OrgAsOf.LoadAsync(db, [], [], [], ct, ids);
        return names.Select(k => (k.Id, Name: computedAt is { } t ? org.CategoryAt(k.Id, t)?.Name ?? k.Name : k.Name))
            .OrderBy(k => k.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>EV-12: what a section's total was computed from: counts by method and grade, weights and policy, problems and deductions.</summary>
    public async Task<Explanation> ExplainAsync(Guid campaignId, Guid sectionId, ClaimsPrincipal? user, CancellationToken ct)
    {
        var c = await CampaignAsync(campaignId, ct);
        if (user is null && c.Status != CampaignStatus.Published) throw new NotFoundException("测评活动不存在。 No such campaign.");
        if (c.ComputationId is not { } compId) throw new DomainRuleException("EV-7", "尚未计算。 Nothing was computed yet.", 409);
        var stored = await db.ScoreResults.AsNoTracking().FirstOrDefaultAsync(r => r.ComputationId == compId && r.SectionId == sectionId, ct)
            ?? throw new NotFoundException("该科室没有测评结果。 No result for that section.");
        if (user is not null && !SeesAll(user) && RectificationViewer.Of(user).UnitId != stored.UnitId)
            throw new NotFoundException("该科室没有测评结果。 No result for that section.");
        var computedAt = await db.ScoreComputations.AsNoTracking().Where(x => x.Id == compId).Select(x => x.At).FirstAsync(ct);
        var row = (await RowsAsync(db.ScoreResults.AsNoTracking().Where(r => r.ComputationId == compId && r.SectionId == sectionId), computedAt, ct)).Single();
        var rules = c.Rules;
        var counts = Computations.ParseCounts(stored.Counts);
        var composite = ScoringFormula.CompositeOf(counts, rules);
        var methods = composite.Parts.Select(p => new MethodLine(p.Method, p.Count,
            GradeScale.Grades.Select(g => new GradeLine(g, rules.Scale.Score(g), counts[p.Method][g])).ToList(), p.Satisfaction, p.Weight, p.AppliedWeight, p.Contribution)).ToList();
        var problems = await (from p in db.ScoreProblems.AsNoTracking().Where(p => p.ComputationId == compId && p.SectionId == sectionId)
                              join n in db.RectificationNotices on p.NoticeId equals n.Id into ns
                              from n in ns.DefaultIfEmpty()
                              join f in db.Findings on p.FindingId equals f.Id into fs
                              from f in fs.DefaultIfEmpty()
                              join cp in db.ChannelProblems on p.FindingId equals cp.Id into cps
                              from cp in cps.DefaultIfEmpty()
                              join k in db.Complaints on p.NoticeId equals k.Id into ks
                              from k in ks.DefaultIfEmpty()
                              orderby p.Source, p.NoticeId, p.FindingId
                              select new { p.Source, p.NoticeId, Title = n == null ? null : n.Title, Number = n == null ? null : n.DocumentNumber, p.FindingId,
                                  Finding = f != null ? f.ItemName + "：" + f.Description : cp == null ? null : cp.Description, Channel = cp == null ? (ProblemChannel?)null : cp.Channel,
                                  ComplaintNumber = k == null ? null : k.Number, Matter = k == null ? null : k.Matter, p.Result }).ToListAsync(ct);
        var formula = string.Create(CultureInfo.InvariantCulture,
            $"{composite.Value:0.######} × {rules.SatisfactionPoints:0.##} + {stored.Rectification:0.##} = {stored.Total:0.######}");
        return new Explanation(c.Id, compId, row, Campaigns.RulesDto.Of(rules), rules.Policy, composite.Rescaled, methods, composite.Value, rules.SatisfactionPoints,
            composite.Value * rules.SatisfactionPoints, rules.Rectification.Start, stored.Deducted, stored.Rectification,
            problems.Select(p => p.Source == ProblemSource.Complaint
                ? new ProblemLine(p.Source, null, null, null, null, p.Matter, p.NoticeId, p.ComplaintNumber, p.Result, rules.Rectification.Cost(p.Result))
                : new ProblemLine(p.Source, p.NoticeId, p.Title, p.Number, p.FindingId == Guid.Empty ? null : p.FindingId,
                    p.Channel is { } channel ? ChannelProblem.NameOf(channel) + "：" + p.Finding : p.Finding, null, null, p.Result,
                    rules.Rectification.Cost(p.Result), p.Channel)).ToList(), stored.Total, formula);
    }

    /// <summary>
    /// The results' rows with the sections, units and categories named as they were when the results were computed
    /// (ORG-1, <see cref="OrgAsOf"/>): a published ranking keeps its names when a section is renamed or a unit changes
    /// category name later. Today's names where no history is kept.
    /// </summary>
    private async Task<List<ResultRow>> RowsAsync(IQueryable<ScoreResult> results, DateTime computedAt, CancellationToken ct)
    {
        var rows = await (from r in results
                          join s in db.Sections on r.SectionId equals s.Id
                          join u in db.Units on r.UnitId equals u.Id
                          join cat in db.Categories on r.CategoryId equals cat.Id
                          select new ResultRow(r.SectionId, s.Code, s.Name, r.UnitId, u.Name, r.CategoryId, cat.Name, r.Rank, r.Total, r.Composite, r.Rescaled,
                              r.Rectification, r.Problems, r.Consequence, r.DueOn)).ToListAsync(ct);
        var org = await OrgAsOf.LoadAsync(db, rows.Select(r => r.SectionId), rows.Select(r => r.UnitId), [], ct, rows.Select(r => r.CategoryId));
        return rows.Select(r =>
        {
            var section = org.SectionAt(r.SectionId, computedAt);
            return r with
            {
                SectionCode = section?.Code ?? r.SectionCode, SectionName = section?.Name ?? r.SectionName,
                UnitName = org.UnitAt(r.UnitId, computedAt)?.Name ?? r.UnitName, CategoryName = org.CategoryAt(r.CategoryId, computedAt)?.Name ?? r.CategoryName,
            };
        }).ToList();
    }

    /// <summary>
    /// EV-8 on publication: sections to explain or to rectify get their last day from the Calendar (CAL-2); the satisfied
    /// sections are praised in a circular (RCT-5, an official document). Returns the circular's outcome.
    /// </summary>
    internal async Task<Guid?> ApplyConsequencesAsync(EvaluationCampaign c, ClaimsPrincipal by, CancellationToken ct)
    {
        var compId = c.ComputationId ?? throw new DomainRuleException("EV-7", "尚未计算。 Nothing was computed yet.", 409);
        var due = (await calendar.DeadlineAsync(calendar.Today, c.ResponseWorkingDays, ct)).LastDay;
        var pending = await db.ScoreResults.Where(r => r.ComputationId == compId
            && Consequences.FollowedUp.Contains(r.Consequence)).ToListAsync(ct);
        foreach (var r in pending) r.Due(due);
        var satisfied = await (from r in db.ScoreResults.AsNoTracking().Where(r => r.ComputationId == compId && r.Consequence == ResultConsequence.Satisfied)
                               join s in db.Sections on r.SectionId equals s.Id
                               join u in db.Units on r.UnitId equals u.Id
                               join k in db.Categories on r.CategoryId equals k.Id
                               select new { Category = k.Name, r.Rank, Unit = u.Name, Section = s.Name, r.UnitId }).ToListAsync(ct);
        if (satisfied.Count == 0) return null;
        var lines = satisfied.OrderBy(x => x.Category, StringComparer.Ordinal).ThenBy(x => x.Rank)
            .GroupBy(x => x.Category).Select(g => $"{g.Key}：" + string.Join("、", g.Select(x => $"{x.Unit}{x.Section}"))).ToList();
        var text = $"根据{c.Year}年度{c.Name}测评结果，下列科室评为满意科室，予以通报表扬，其主要负责人年度考核定为优秀。" + string.Join("；", lines) + "。";
        return await outcomes.RecordAsync(new Outcomes.RecordOutcome(OutcomeKind.Circular, OutcomeMeasure.Praise, c.Year, null, null, null,
            $"关于{c.Name}满意科室的通报", text, null, []), by, ct);
    }

    /// <summary>
    /// EV-8: a section below the threshold: accountability of its head, recorded as an outcome of the rectification module,
    /// resting on the campaign's final result for the section, with the section's confirmed findings and problems of other
    /// channels of the year (decision 021; before it, RCT-5 refused a section without findings).
    /// </summary>
    public async Task<Guid> HoldAccountableAsync(Guid campaignId, Guid sectionId, Accountability r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        RectificationViewer.Of(by).RequireOffice("EV-8", "提出问责");
        var c = await CampaignAsync(campaignId, ct);
        if (c.Status is not (CampaignStatus.Closed or CampaignStatus.Published) || c.ComputationId is not { } compId)
            throw new DomainRuleException("EV-8", "测评结果确定后才能问责。 Accountability follows the final results.", 409);
        var result = await db.ScoreResults.AsNoTracking().FirstOrDefaultAsync(x => x.ComputationId == compId && x.SectionId == sectionId, ct)
            ?? throw new NotFoundException("该科室没有测评结果。 No result for that section.");
        if (result.Consequence != ResultConsequence.RectifyAndAccount)
            throw new DomainRuleException("EV-8", $"只有得分低于 {c.Threshold:0.##} 分的科室问责其主要负责人。 Only a section below {c.Threshold:0.##} holds its head accountable.", 422);
        // Besides the result itself, the section's confirmed findings and the problems of other channels its unit was told
        // of, of the year, that an outcome may rest on: none withdrawn after an upheld objection, none on a notice the unit
        // may still object to or whose objection waits (RCT-3), none of a covert visit whose findings were not sent (INS-9).
        // The result alone suffices (decision 021): a pending finding is left out, it does not block the accountability.
        var withdrawnFindings = Notices.WithdrawnFindings(db);
        var open = Notices.OpenToObjection(db, calendar.Today);
        var findings = await db.Findings.AsNoTracking().Where(f => f.SectionId == sectionId && f.Year == c.Year && f.Status == FindingStatus.Confirmed
                && !withdrawnFindings.Contains(f.Id)
                && !db.NoticeFindings.Any(nf => nf.FindingId == f.Id && open.Any(n => n.Id == nf.NoticeId))
                && db.Visits.Any(v => v.Id == f.VisitId && v.FindingsSentAt != null))
            .OrderBy(f => f.Id).Select(f => f.Id).Take(500).ToListAsync(ct);
        var problems = await db.ChannelProblems.AsNoTracking().Where(p => p.SectionId == sectionId && p.Year == c.Year && p.NoticeId != null
                && !db.RectificationNotices.Any(n => n.Id == p.NoticeId && n.Status == NoticeStatus.Withdrawn)
                && !open.Any(n => n.Id == p.NoticeId))
            .OrderBy(p => p.Id).Select(p => p.Id).Take(500).ToListAsync(ct);
        var section = await db.Sections.AsNoTracking().FirstAsync(s => s.Id == sectionId, ct);
        return await outcomes.RecordAsync(new Outcomes.RecordOutcome(OutcomeKind.PersonAccountability, r.Measure, c.Year, result.UnitId, r.StaffId, r.PersonName,
            $"{c.Name}：{section.Name}得分低于{c.Threshold:0.##}分问责", r.Text, null, findings, problems), new Outcomes.ResultBasis(c.Id, sectionId), by, ct);
    }

    /// <summary>EV-10: the campaigns whose results were published, for the public page.</summary>
    public async Task<List<Campaigns.CampaignDto>> PublishedAsync(CancellationToken ct) =>
        (await db.Campaigns.AsNoTracking().Where(c => c.Status == CampaignStatus.Published).OrderByDescending(c => c.PublishedAt).Take(100).ToListAsync(ct))
            .Select(c => Campaigns.Dto(c, 0, 0)).ToList();

    /// <summary>Who may read a campaign's results besides the Office and leaders: a unit's liaison (own unit only).</summary>
    public static bool MayRead(ClaimsPrincipal user) =>
        user.IsInRole(Roles.OfficeAdmin) || user.IsInRole(Roles.OfficeStaff) || user.IsInRole(Roles.Leader) || user.IsInRole(Roles.UnitLiaison);
}
