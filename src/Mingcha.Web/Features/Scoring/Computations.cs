using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Mingcha.Domain.Rectification;
using Mingcha.Domain.Scoring;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Rectification;

namespace Mingcha.Web.Features.Scoring;

/// <summary>
/// EV-4..EV-8: a campaign's computation. One GROUP BY (section, method, grade) over the evaluations, the rectification
/// problems from the rectification module, then S4's formula in exact decimals in memory; the results are stored per
/// computation, so pages read them instead of computing (decision 012). A closed campaign is reproduced, never recomputed.
/// </summary>
public sealed partial class Computations(MingchaDb db, TimeProvider time, Evaluations evaluations, IDeductionLedgerQuery ledger, ILogger<Computations> logger)
{
    public sealed record ComputationDto(Guid Id, Guid CampaignId, int Number, bool Final, long Evaluations, int Sections, DateTime At);
    public sealed record Reproduction(Guid ComputationId, bool Reproduced, int Sections, IReadOnlyList<string> Differences);

    internal sealed record SectionRow(Guid SectionId, Guid UnitId, Guid CategoryId);
    internal sealed record Computed(SectionRow Section, Dictionary<EvaluationMethod, GradeCounts> Counts, SectionScore Score, int Rank, ResultConsequence Consequence);

    public async Task<ComputationDto> ComputeAsync(Guid campaignId, ClaimsPrincipal by, bool final, CancellationToken ct)
    {
        RectificationViewer.Of(by).RequireOffice("EV-7", "计算测评结果");
        var c = await db.Campaigns.FirstOrDefaultAsync(x => x.Id == campaignId, ct) ?? throw new NotFoundException("测评活动不存在。 No such campaign.");
        if (c.Status == CampaignStatus.Draft) throw new DomainRuleException("EV-1", "测评活动尚未开始。 The campaign has not opened.", 409);
        if (c.Status != CampaignStatus.Open)
            throw new DomainRuleException("EV-1", "测评活动已结束，结果已冻结；可以复核（reproduce）。 The campaign is closed: its results are frozen (reproduce them instead).", 409);

        var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        // Visits accepted since the last computation become inspection evaluations first (EV-2).
        if (await evaluations.TakeVisitsAsync(c, ct) > 0) await db.SaveChangesAsync(ct);

        var t1 = System.Diagnostics.Stopwatch.GetTimestamp();
        var sections = await SectionsAsync(campaignId, ct);
        var t2 = System.Diagnostics.Stopwatch.GetTimestamp();
        var (counts, evaluated) = await CountsAsync(campaignId, sections, ct);
        var t3 = System.Diagnostics.Stopwatch.GetTimestamp();
        var notices = await ledger.RectificationResultsAsync(c.Year, null, ct);
        var inCampaign = sections.Select(s => s.SectionId).ToHashSet();
        var problems = notices.SelectMany(n => n.SectionIds.Where(inCampaign.Contains).Select(s => (n.NoticeId, SectionId: s, n.Result))).ToList();
        var t4 = System.Diagnostics.Stopwatch.GetTimestamp();
        var computed = Compute(c.Rules, sections, counts, problems.Select(p => (p.SectionId, p.Result)));
        var t5 = System.Diagnostics.Stopwatch.GetTimestamp();

        var number = (await db.ScoreComputations.Where(x => x.CampaignId == campaignId).MaxAsync(x => (int?)x.Number, ct) ?? 0) + 1;
        var now = time.GetUtcNow().UtcDateTime;
        var comp = new ScoreComputation(campaignId, number, final, evaluated, sections.Count, by.UserId() ?? "", now);
        db.ScoreComputations.Add(comp);
        if (final) c.Close(comp.Id, now); else c.Computed(comp.Id);
        // The computation (audited) and the campaign's state through EF; its 10,000s of result rows, which are derived
        // figures the audited computation names, through BulkInsert without the change tracker, all in one transaction.
        var resultRows = computed.Select(r => new ScoreResult(comp.Id, r.Section.SectionId, r.Section.UnitId, r.Section.CategoryId, CountsText(r.Counts),
            r.Score.Composite.Value, r.Score.Composite.Rescaled, r.Score.Rectification.Value, r.Score.Rectification.Deducted, r.Score.Rectification.Problems,
            r.Score.Total, r.Rank, r.Consequence)).ToList();
        var t5b = System.Diagnostics.Stopwatch.GetTimestamp();
        long t6, t7;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.SaveChangesAsync(ct);
            t6 = System.Diagnostics.Stopwatch.GetTimestamp();
            await BulkInsert.InsertAsync(db, resultRows, ct);
            await BulkInsert.InsertAsync(db, problems.Select(p => new ScoreProblem(comp.Id, p.NoticeId, p.SectionId, p.Result)).ToList(), ct);
            t7 = System.Diagnostics.Stopwatch.GetTimestamp();
            await tx.CommitAsync(ct);
        }
        db.ChangeTracker.Clear();
        if (logger.IsEnabled(LogLevel.Debug)) LogTimings(sections.Count, evaluated, [t0, t1, t2, t3, t4, t5, t5b, t6, t7, System.Diagnostics.Stopwatch.GetTimestamp()]);
        return new ComputationDto(comp.Id, campaignId, number, final, comp.Evaluations, comp.Sections, now);
    }

    /// <summary>
    /// EV-1: a closed campaign's results computed again from its (frozen) evaluations and the problems its final computation
    /// counted; the same figures, exactly, or the differences.
    /// </summary>
    public async Task<Reproduction> ReproduceAsync(Guid campaignId, CancellationToken ct)
    {
        var c = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(x => x.Id == campaignId, ct) ?? throw new NotFoundException("测评活动不存在。 No such campaign.");
        var compId = c.ComputationId ?? throw new DomainRuleException("EV-7", "尚未计算。 Nothing was computed yet.", 409);
        var sections = await SectionsAsync(campaignId, ct);
        var (counts, _) = await CountsAsync(campaignId, sections, ct);
        var problems = await db.ScoreProblems.AsNoTracking().Where(p => p.ComputationId == compId).Select(p => new { p.SectionId, p.Result }).ToListAsync(ct);
        var again = Compute(c.Rules, sections, counts, problems.Select(p => (p.SectionId, p.Result))).ToDictionary(r => r.Section.SectionId);
        var stored = await db.ScoreResults.AsNoTracking().Where(r => r.ComputationId == compId).ToListAsync(ct);
        var differences = new List<string>();
        foreach (var s in stored)
        {
            if (!again.TryGetValue(s.SectionId, out var a)) { differences.Add($"{s.SectionId}: missing"); continue; }
            if (a.Score.Total != s.Total || a.Rank != s.Rank || a.Consequence != s.Consequence || CountsText(a.Counts) != s.Counts)
                differences.Add($"{s.SectionId}: total {s.Total} → {a.Score.Total}, rank {s.Rank} → {a.Rank}");
        }
        if (again.Count != stored.Count) differences.Add($"sections {stored.Count} → {again.Count}");
        return new Reproduction(compId, differences.Count == 0, stored.Count, differences.Take(100).ToList());
    }

    internal async Task<List<SectionRow>> SectionsAsync(Guid campaignId, CancellationToken ct) =>
        await db.CampaignSections.AsNoTracking().Where(s => s.CampaignId == campaignId)
            .Select(s => new SectionRow(s.SectionId, s.UnitId, s.CategoryId)).ToListAsync(ct);

    /// <summary>
    /// The one aggregate query: evaluations counted by section, method and grade, one row per section and method with a
    /// count per grade (a pivot; <c>COUNT(CASE ...)</c> reads the same on both providers), read with a plain data reader
    /// straight into each section's counts. EF's LINQ grouping materialised the groups at about twice the cost of the scan;
    /// one row per grade meant 4.5 times as many section ids to parse (text on SQLite) and to look up, which cost more
    /// than the pivot's counting (bench/README.md); and a list of the groups kept alive until the formula ran kept the
    /// collector busy.
    /// </summary>
    internal async Task<(Dictionary<Guid, Dictionary<EvaluationMethod, GradeCounts>> Counts, long Evaluations)> CountsAsync(Guid campaignId,
        IReadOnlyList<SectionRow> sections, CancellationToken ct)
    {
        // Straight into each section's counts as the rows arrive: no list of groups in between (a large campaign has
        // ~180,000 of them, all alive until the formula ran, which kept the collector busy). Sections outside the campaign
        // (evaluations from before a section was removed) are not counted.
        var counts = sections.ToDictionary(s => s.SectionId, _ => MethodWeights.Methods.ToDictionary(m => m, _ => new GradeCounts()));
        long evaluations = 0;
        var entity = db.Model.FindEntityType(typeof(Evaluation))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        string Column(string property) => sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(table)!);
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened) await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            var (section, method, grade) = (Column(nameof(Evaluation.SectionId)), Column(nameof(Evaluation.Method)), Column(nameof(Evaluation.Grade)));
            var grades = Enum.GetValues<Grade>();
            var perGrade = string.Join(", ", grades.Select(g => string.Create(CultureInfo.InvariantCulture, $"COUNT(CASE WHEN {grade} = {(int)g} THEN 1 END)")));
            command.CommandText = $"SELECT {section}, {method}, {perGrade} FROM {sql.DelimitIdentifier(table.Name, table.Schema)} " +
                $"WHERE {Column(nameof(Evaluation.CampaignId))} = {sql.GenerateParameterNamePlaceholder("c")} GROUP BY {section}, {method}";
            var mapping = (RelationalTypeMapping)entity.FindProperty(nameof(Evaluation.CampaignId))!.GetRelationalTypeMapping();
            command.Parameters.Add(mapping.CreateParameter(command, sql.GenerateParameterName("c"), campaignId, nullable: false));
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                counts.TryGetValue(reader.GetGuid(0), out var byMethod);
                GradeCounts? into = null;
                byMethod?.TryGetValue((EvaluationMethod)reader.GetInt32(1), out into);
                for (var i = 0; i < grades.Length; i++)
                    if (reader.GetInt64(2 + i) is var n and > 0)
                    {
                        evaluations += n;
                        into?.Add(grades[i], n);
                    }
            }
            return (counts, evaluations);
        }
        finally
        {
            if (opened) await db.Database.CloseConnectionAsync();
        }
    }

    internal static List<Computed> Compute(CampaignRules rules, IReadOnlyList<SectionRow> sections, Dictionary<Guid, Dictionary<EvaluationMethod, GradeCounts>> counts,
        IEnumerable<(Guid SectionId, RectificationResult Result)> problems)
    {
        var bySection = problems.ToLookup(p => p.SectionId, p => p.Result);
        var scores = sections.ToDictionary(s => s.SectionId, s => ScoringFormula.Score(counts[s.SectionId], bySection[s.SectionId], rules));
        var placed = Ranking.Rank(sections.Select(s => (s.SectionId, s.CategoryId, scores[s.SectionId].Total)), rules.Results).ToDictionary(p => p.Key);
        return sections.Select(s => new Computed(s, counts[s.SectionId], scores[s.SectionId], placed[s.SectionId].Rank, placed[s.SectionId].Consequence)).ToList();
    }

    /// <summary>"i0,i1,i2,i3,i4;m0,...": each method's count per grade, in the order of the methods and grades (EV-12).</summary>
    internal static string CountsText(IReadOnlyDictionary<EvaluationMethod, GradeCounts> counts)
    {
        var text = new System.Text.StringBuilder(64);
        for (var i = 0; i < MethodWeights.Methods.Count; i++)
        {
            if (i > 0) text.Append(';');
            var byGrade = counts[MethodWeights.Methods[i]];
            for (var j = 0; j < GradeScale.Grades.Count; j++)
            {
                if (j > 0) text.Append(',');
                text.Append(byGrade[GradeScale.Grades[j]]);
            }
        }
        return text.ToString();
    }

    internal static Dictionary<EvaluationMethod, GradeCounts> ParseCounts(string text)
    {
        var result = MethodWeights.Methods.ToDictionary(m => m, _ => new GradeCounts());
        var parts = text.Split(';');
        for (var i = 0; i < parts.Length && i < MethodWeights.Methods.Count; i++)
        {
            var n = parts[i].Split(',');
            for (var j = 0; j < n.Length && j < GradeScale.Grades.Count; j++)
                result[MethodWeights.Methods[i]].Add(GradeScale.Grades[j], long.Parse(n[j], CultureInfo.InvariantCulture));
        }
        return result;
    }

    public async Task<List<ComputationDto>> ListAsync(Guid campaignId, CancellationToken ct) =>
        await db.ScoreComputations.AsNoTracking().Where(x => x.CampaignId == campaignId).OrderByDescending(x => x.Number)
            .Select(x => new ComputationDto(x.Id, x.CampaignId, x.Number, x.Final, x.Evaluations, x.Sections, x.At)).Take(200).ToListAsync(ct);

    private void LogTimings(int sections, long evaluations, long[] t)
    {
        var ms = new double[t.Length - 1];
        for (var i = 0; i < ms.Length; i++) ms[i] = System.Diagnostics.Stopwatch.GetElapsedTime(t[i], t[i + 1]).TotalMilliseconds;
        LogTiming(logger, sections, evaluations, ms[0], ms[1], ms[2], ms[3], ms[4], ms[5], ms[6], ms[7], ms[8]);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Computation of {Sections} sections, {Evaluations} evaluations: visits {Visits:F0} ms, sections {Read:F0} ms, aggregate {Aggregate:F0} ms, problems {Problems:F0} ms, formula and ranking {Formula:F0} ms, result rows {Build:F0} ms, storing: computation {Save:F0} ms, results {Rows:F0} ms, commit {Commit:F0} ms")]
    private static partial void LogTiming(ILogger logger, int sections, long evaluations, double visits, double read, double aggregate, double problems, double formula, double build, double save, double rows, double commit);
}
