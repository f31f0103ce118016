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

    /// <summary>
    /// EV-4..EV-8: computes and stores the campaign's results (final: closes it, EV-1), in one transaction that first claims
    /// the open campaign's row (<see cref="Evaluations.ClaimOpenAsync"/>): no evaluation is filed or imported between the
    /// counts and the stored results, so a final computation holds every evaluation the campaign will ever have, and an
    /// import that waited for it is refused. The row is claimed before the audit chain's lock, the order every writer of
    /// evaluations takes. It holds the write for the computation's length (0.7 s for 10,000 sections, bench/README.md).
    /// </summary>
    public async Task<ComputationDto> ComputeAsync(Guid campaignId, ClaimsPrincipal by, bool final, CancellationToken ct)
    {
        RectificationViewer.Of(by).RequireOffice("EV-7", "计算测评结果");
        var c = await db.Campaigns.FirstOrDefaultAsync(x => x.Id == campaignId, ct) ?? throw new NotFoundException("测评活动不存在。 No such campaign.");
        if (c.Status == CampaignStatus.Draft) throw new DomainRuleException("EV-1", "测评活动尚未开始。 The campaign has not opened.", 409);
        if (c.Status != CampaignStatus.Open)
            throw new DomainRuleException("EV-1", "测评活动已结束，结果已冻结；可以复核（reproduce）。 The campaign is closed: its results are frozen (reproduce them instead).", 409);

        var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await Evaluations.ClaimOpenAsync(db, campaignId, ct);
        // Visits accepted since the last computation become inspection evaluations first (EV-2).
        if (await evaluations.TakeVisitsAsync(c, ct) > 0) await db.SaveChangesAsync(ct);

        var t1 = System.Diagnostics.Stopwatch.GetTimestamp();
        var sections = await SectionsAsync(campaignId, ct);
        var t2 = System.Diagnostics.Stopwatch.GetTimestamp();
        var (counts, evaluated) = await CountsAsync(campaignId, sections, ct);
        var t3 = System.Diagnostics.Stopwatch.GetTimestamp();
        // EV-6 over the campaign's period (decision 024): a quarter's campaign counts the quarter's problems.
        var notices = await ledger.RectificationResultsAsync(c.PeriodFrom, c.PeriodTo, null, ct);
        var inCampaign = sections.Select(s => s.SectionId).ToHashSet();
        // EV-6, S4 "每起": each finding of a notice is a problem of its section, at the notice's S4 result; so is each
        // substantiated complaint naming the section (decision 020).
        var problems = notices.SelectMany(n => n.Problems.Where(p => inCampaign.Contains(p.SectionId))
                .Select(p => (Source: ProblemSource.Notice, n.NoticeId, p.FindingId, p.SectionId, n.Result)))
            .Concat((await Complaints.ComplaintProblems.InPeriodAsync(db, c.PeriodFrom, c.PeriodTo, ct)).Where(p => inCampaign.Contains(p.SectionId))
                .Select(p => (Source: ProblemSource.Complaint, NoticeId: p.ComplaintId, FindingId: Guid.Empty, p.SectionId, p.Result)))
            .ToList();
        var t4 = System.Diagnostics.Stopwatch.GetTimestamp();
        var computed = Compute(c.Rules, sections, counts, problems.Select(p => (p.SectionId, p.Result)));
        var t5 = System.Diagnostics.Stopwatch.GetTimestamp();

        var number = (await db.ScoreComputations.Where(x => x.CampaignId == campaignId).MaxAsync(x => (int?)x.Number, ct) ?? 0) + 1;
        var now = time.GetUtcNow().UtcDateTime;
        var comp = new ScoreComputation(campaignId, number, final, evaluated, sections.Count, by.UserId() ?? "", now);
        db.ScoreComputations.Add(comp);
        if (final) c.Close(comp.Id, now); else c.Computed(comp.Id);
        // The computation (audited) and the campaign's state through EF; its 10,000s of result rows, which are derived
        // figures the audited computation names, through BulkInsert without the change tracker, in the same transaction.
        var resultRows = computed.Select(r => new ScoreResult(comp.Id, r.Section.SectionId, r.Section.UnitId, r.Section.CategoryId, CountsText(r.Counts),
            r.Score.Composite.Value, r.Score.Composite.Rescaled, r.Score.Rectification.Value, r.Score.Rectification.Deducted, r.Score.Rectification.Problems,
            r.Score.Total, r.Rank, r.Consequence)).ToList();
        var t5b = System.Diagnostics.Stopwatch.GetTimestamp();
        await db.SaveChangesAsync(ct);
        var t6 = System.Diagnostics.Stopwatch.GetTimestamp();
        await BulkInsert.InsertAsync(db, resultRows, ct);
        await BulkInsert.InsertAsync(db, problems.Select(p => new ScoreProblem(comp.Id, p.Source, p.NoticeId, p.FindingId, p.SectionId, p.Result)).ToList(), ct);
        var t7 = System.Diagnostics.Stopwatch.GetTimestamp();
        await tx.CommitAsync(ct);
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
    /// The one aggregate query: evaluations counted by section, method and grade, read straight into each section's counts
    /// as the rows arrive (no list of ~180,000 groups kept alive until the formula ran). Sections outside the campaign
    /// (evaluations from before a section was removed) are counted in the total only, as before.
    /// SQLite: the plain <c>GROUP BY section, method, grade</c> read on SQLite's C API (decision 015), comparing each
    /// row's section id as bytes with the previous row's and parsing it only when it changes; with Microsoft.Data.Sqlite's
    /// reader the reading cost a third of the scan. PostgreSQL: one row per section and method with a count per grade
    /// (a pivot, 4.5 times fewer rows over the wire), read with a plain data reader. EF's LINQ grouping materialised the
    /// groups at about twice the cost of the scan (bench/README.md).
    /// </summary>
    internal async Task<(Dictionary<Guid, Dictionary<EvaluationMethod, GradeCounts>> Counts, long Evaluations)> CountsAsync(Guid campaignId,
        IReadOnlyList<SectionRow> sections, CancellationToken ct)
    {
        var counts = sections.ToDictionary(s => s.SectionId, _ => MethodWeights.Methods.ToDictionary(m => m, _ => new GradeCounts()));
        var entity = db.Model.FindEntityType(typeof(Evaluation))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        string Column(string property) => sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(table)!);
        var (section, method, grade, campaign) = (Column(nameof(Evaluation.SectionId)), Column(nameof(Evaluation.Method)), Column(nameof(Evaluation.Grade)), Column(nameof(Evaluation.CampaignId)));
        var from = sql.DelimitIdentifier(table.Name, table.Schema);
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened) await db.Database.OpenConnectionAsync(ct);
        try
        {
            if (connection is Microsoft.Data.Sqlite.SqliteConnection sqlite)
                return (counts, CountSqlite(sqlite, $"SELECT {section}, {method}, {grade}, COUNT(*) FROM {from} WHERE {campaign} = ? GROUP BY {section}, {method}, {grade}", campaignId, counts, ct));

            await using var command = connection.CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            var grades = Enum.GetValues<Grade>();
            var perGrade = string.Join(", ", grades.Select(g => string.Create(CultureInfo.InvariantCulture, $"COUNT(CASE WHEN {grade} = {(int)g} THEN 1 END)")));
            command.CommandText = $"SELECT {section}, {method}, {perGrade} FROM {from} WHERE {campaign} = {sql.GenerateParameterNamePlaceholder("c")} GROUP BY {section}, {method}";
            var mapping = (RelationalTypeMapping)entity.FindProperty(nameof(Evaluation.CampaignId))!.GetRelationalTypeMapping();
            command.Parameters.Add(mapping.CreateParameter(command, sql.GenerateParameterName("c"), campaignId, nullable: false));
            long evaluations = 0;
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

    private static long CountSqlite(Microsoft.Data.Sqlite.SqliteConnection connection, string query, Guid campaignId,
        Dictionary<Guid, Dictionary<EvaluationMethod, GradeCounts>> counts, CancellationToken ct)
    {
        using var statement = SqliteRaw.Prepare(connection, query);
        SqliteRaw.BindGuid(statement, 1, campaignId);
        Span<byte> previous = stackalloc byte[64];
        var previousLength = -1;
        Dictionary<EvaluationMethod, GradeCounts>? byMethod = null;
        long evaluations = 0, rows = 0;
        while (SqliteRaw.Step(connection, statement))
        {
            if ((++rows & 4095) == 0) ct.ThrowIfCancellationRequested();
            var g = SQLitePCL.raw.sqlite3_column_int(statement, 2);
            if (!Enum.IsDefined((Grade)g)) continue; // not a grade: not counted (as on PostgreSQL)
            // Rows come in section order: the id is parsed once per section, not once per row.
            var id = SQLitePCL.raw.sqlite3_column_blob(statement, 0);
            if (previousLength < 0 || !id.SequenceEqual(previous[..previousLength]))
            {
                counts.TryGetValue(SqliteRaw.ReadGuid(statement, 0), out byMethod);
                if (id.Length <= previous.Length) { id.CopyTo(previous); previousLength = id.Length; }
                else previousLength = -1;
            }
            var n = SQLitePCL.raw.sqlite3_column_int64(statement, 3);
            evaluations += n;
            GradeCounts? into = null;
            byMethod?.TryGetValue((EvaluationMethod)SQLitePCL.raw.sqlite3_column_int(statement, 1), out into);
            into?.Add((Grade)g, n);
        }
        return evaluations;
    }

    private const int ParallelFrom = 2_000;

    internal static List<Computed> Compute(CampaignRules rules, IReadOnlyList<SectionRow> sections, Dictionary<Guid, Dictionary<EvaluationMethod, GradeCounts>> counts,
        IEnumerable<(Guid SectionId, RectificationResult Result)> problems)
    {
        var bySection = problems.ToLookup(p => p.SectionId, p => p.Result);
        // S4's formula in exact decimals is ~5 µs a section; a large campaign's sections are scored on every core (the
        // formula is a pure function, each section's score lands in its own slot).
        var scores = new SectionScore[sections.Count];
        if (sections.Count >= ParallelFrom)
            Parallel.For(0, sections.Count, i => scores[i] = ScoringFormula.Score(counts[sections[i].SectionId], bySection[sections[i].SectionId], rules));
        else
            for (var i = 0; i < sections.Count; i++) scores[i] = ScoringFormula.Score(counts[sections[i].SectionId], bySection[sections[i].SectionId], rules);
        var placed = Ranking.Rank(sections.Select((s, i) => (i, s.CategoryId, scores[i].Total, scores[i].Composite.Evaluated)), rules.Results);
        var result = new Computed[sections.Count];
        foreach (var p in placed) result[p.Key] = new Computed(sections[p.Key], counts[sections[p.Key].SectionId], scores[p.Key], p.Rank, p.Consequence);
        return [.. result];
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
