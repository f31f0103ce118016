using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Mingcha.Domain.Inspections;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Features.Inspections;
using Mingcha.Web.Features.Organisation;

// Two figures of issue 4, on SQLite, through the application's own handlers (not the HTTP layer):
//   1. a draw of 1,000 targets over 100,000 eligible sections with exclusions (2,000 units, 50 sections each;
//      conflicts of interest on 40 units exclude 2,000 sections), the whole handler: load, rules, draw, record, save;
//      and the pure algorithm alone (TargetDraw.Run) on the same input;
//   2. the plan-progress view (YearPlans.ProgressAsync) over a year of 10,000 visits (9,000 accepted, 1,000 rejected)
//      and 100,000 findings.
//
//   dotnet run -c Release --project bench/inspections -- [folder]     (default bench/results/inspections.tmp)
//   add --reuse to time again over the database of the last run (no new data; the draws add rounds).
// Times are wall clock and, in brackets, the process's CPU time over the same span: on a shared machine the CPU time
// is the fairer figure (SQLite runs in-process, so on an idle machine the two agree).
var reuse = args.Contains("--reuse");
args = args.Where(a => a != "--reuse").ToArray();
var folder = args.Length > 0 ? args[0] : "bench/results/inspections.tmp";
Directory.CreateDirectory(folder);
var file = Path.Combine(folder, "bench.db");
reuse &= File.Exists(file);
if (!reuse) foreach (var f in Directory.GetFiles(folder, "bench.db*")) File.Delete(f);
var options = new DbContextOptionsBuilder<MingchaDb>().UseSqlite($"Data Source={file}").AddInterceptors(SqlitePragmas.Instance).Options;
var time = TimeProvider.System;
MingchaDb NewDb() => new(options, time, new SystemActor("bench"));
var office = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "bench")], "bench"));
const int Year = 2027;
var rng = new Random(20261122);

var sw = Stopwatch.StartNew();
var now = DateTime.UtcNow;
var unitIds = new List<Guid>();
var sectionIds = new List<Guid>();
Guid agencyId;
if (reuse)
{
    await using var db = NewDb();
    unitIds = await db.Units.OrderBy(u => u.Code).Select(u => u.Id).ToListAsync();
    sectionIds = await db.Sections.OrderBy(s => s.Code).Select(s => s.Id).ToListAsync();
    agencyId = await db.Agencies.Select(a => a.Id).FirstAsync();
}
else
{
await using (var db = NewDb())
    await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
await using (var db = NewDb())
{
    db.SuppressRowAudit = true;
    for (var u = 0; u < 2000; u++)
    {
        var unit = new Unit($"B{u:0000}", $"基准单位{u}", now);
        db.Units.Add(unit);
        unitIds.Add(unit.Id);
        for (var s = 0; s < 50; s++)
        {
            var kind = (s % 10) switch { 0 => SectionKind.ServiceHall, < 5 => SectionKind.Window, < 8 => SectionKind.TownshipOutlet, _ => SectionKind.InternalSection };
            var section = new Section(unit.Id, $"B{u:0000}-{s:00}", $"科室{s}", kind, now);
            db.Sections.Add(section);
            sectionIds.Add(section.Id);
        }
        if (u % 200 == 199) { await db.SaveChangesAsync(); db.ChangeTracker.Clear(); }
    }
    db.Audit(new AuditEvent("bench.load", "Bench", "sections", null, "2000 units, 100000 sections"));
    await db.SaveChangesAsync();
}
Console.WriteLine($"organisation: 2,000 units, {sectionIds.Count:N0} sections in {sw.Elapsed.TotalSeconds:0.0} s");

await using (var db = NewDb())
{
    var agency = new Agency("基准评估公司", new DateOnly(2026, 1, 1), new DateOnly(2028, 12, 31));
    db.Agencies.Add(agency);
    agencyId = agency.Id;
    var inspectors = Enumerable.Range(0, 20).Select(i => new AgencyInspector(agency.Id, $"暗访员{i}", null, now)).ToList();
    db.AgencyInspectors.AddRange(inspectors);
    for (var i = 0; i < 40; i++)
        db.ConflictsOfInterest.Add(new ConflictOfInterest(InspectorKind.AgencyInspector, inspectors[i % 20].Id, unitIds[i * 37], null, "亲属", new DateOnly(2026, 1, 1), "bench", now));
    await db.SaveChangesAsync();
    await new InspectionSetup(db, time).EnsureCatalogueAsync(Year, "bench", CancellationToken.None);
}
}

async Task<Guid> NewRoundAsync(string title)
{
    await using var db = NewDb();
    var round = new InspectionRound(Year, InspectionKind.Covert, CampaignKind.Routine, title, "全市", "纪律", new DateOnly(Year, 3, 1), new DateOnly(Year, 12, 31), "bench", now);
    round.AssignAgency(agencyId);
    db.InspectionRounds.Add(round);
    await db.SaveChangesAsync();
    return round.Id;
}

// 1. Draws. First the part of the handler that reads the eligible sections, on its own.
var loadTimes = new List<double>();
for (var i = 0; i < 6; i++)
{
    await using var db = NewDb();
    sw.Restart();
    _ = await db.Sections.AsNoTracking().Where(s => s.Active).Select(s => new { s.Id, s.UnitId }).ToListAsync();
    loadTimes.Add(sw.Elapsed.TotalMilliseconds);
}
Console.WriteLine($"reading 100,000 (Id, UnitId) rows through EF's materialiser: {Describe(loadTimes.Skip(1).ToList())}");
loadTimes.Clear();
for (var i = 0; i < 6; i++)
{
    await using var db = NewDb();
    sw.Restart();
    await using var command = db.Sections.AsNoTracking().Where(s => s.Active).Select(s => new { s.Id, s.UnitId }).CreateDbCommand();
    await db.Database.OpenConnectionAsync();
    await using (var reader = await command.ExecuteReaderAsync())
        while (await reader.ReadAsync()) { _ = reader.GetGuid(0); _ = reader.GetGuid(1); }
    await db.Database.CloseConnectionAsync();
    loadTimes.Add(sw.Elapsed.TotalMilliseconds);
}
Console.WriteLine($"the same rows through a plain data reader (what the draw does): {Describe(loadTimes.Skip(1).ToList())}");
var drawTimes = new List<double>(); var drawCpu = new List<double>();
Draws.DrawSummary? last = null;
for (var i = 0; i < 6; i++)
{
    var roundId = await NewRoundAsync($"基准抽取{i}");
    await using var db = NewDb();
    sw.Restart(); var cpu0 = Cpu();
    last = await new Draws(db, time).DrawAsync(roundId, new Draws.DrawRequest(1000, (20261122 + i).ToString(CultureInfo.InvariantCulture), null, null, null, IncludeRechecks: false), office, CancellationToken.None);
    drawTimes.Add(sw.Elapsed.TotalMilliseconds); drawCpu.Add(Cpu() - cpu0);
}
Console.WriteLine($"draw handler (1,000 of {last!.Eligible:N0} eligible, {last.Excluded:N0} excluded): {Describe(drawTimes.Skip(1).ToList())} [CPU {Describe(drawCpu.Skip(1).ToList())}] (first, cold: {drawTimes[0]:0} ms)");
var input = sectionIds.Take(98_000).ToList();
var pure = new List<double>();
for (var i = 0; i < 11; i++)
{
    sw.Restart();
    TargetDraw.Run(new DrawInput((ulong)i, 1000, [], [], input));
    pure.Add(sw.Elapsed.TotalMilliseconds);
}
Console.WriteLine($"TargetDraw.Run alone (1,000 of 98,000): {Describe(pure.Skip(1).ToList())}");

// 2. Plan progress.
if (!reuse)
{
await using (var db = NewDb())
{
    db.InspectionYearPlans.Add(new InspectionYearPlan(Year, "基准计划", 10000, 2, 2, 50m, "bench", now));
    await db.SaveChangesAsync();
}
var progressRound = await NewRoundAsync("基准进度");
sw.Restart();
await using (var db = NewDb())
{
    db.SuppressRowAudit = true;
    var items = await db.DeductionItems.Where(i => i.Year == Year).ToListAsync();
    for (var v = 0; v < 10_000; v++)
    {
        var section = sectionIds[rng.Next(sectionIds.Count)];
        var unit = unitIds[sectionIds.IndexOf(section) / 50];
        var visit = new Visit(progressRound, Year, v % 5 == 0 ? InspectionKind.Open : InspectionKind.Covert, section, unit, null, null, agencyId, null, "bench", now);
        visit.Start(new DateOnly(Year, 1 + v % 12, 1 + v % 28), now);
        visit.RecordProgress(8, 2700);
        visit.Submit(now);
        visit.Decide(v % 10 == 9 ? VisitStatus.Rejected : VisitStatus.Accepted, v % 10 == 9 ? "不合格" : null, "bench", now);
        db.Visits.Add(visit);
        for (var k = 0; k < 10; k++)
            db.Findings.Add(new Finding(visit.Id, progressRound, Year, unit, section, null, items[(v + k) % items.Count], null, "基准问题", 3, null, "bench", now));
        if (v % 1000 == 999) { await db.SaveChangesAsync(); db.ChangeTracker.Clear(); }
    }
    db.Audit(new AuditEvent("bench.load", "Bench", "visits", null, "10000 visits, 100000 findings"));
    await db.SaveChangesAsync();
}
Console.WriteLine($"year data: 10,000 visits, 100,000 findings in {sw.Elapsed.TotalSeconds:0.0} s");
}
var progressTimes = new List<double>(); var progressCpu = new List<double>();
YearPlans.ProgressDto? progress = null;
for (var i = 0; i < 21; i++)
{
    await using var db = NewDb();
    sw.Restart(); var cpu0 = Cpu();
    progress = await new YearPlans(db, time).ProgressAsync(Year, CancellationToken.None);
    progressTimes.Add(sw.Elapsed.TotalMilliseconds); progressCpu.Add(Cpu() - cpu0);
}
Console.WriteLine($"plan progress ({progress!.Progress.TotalVisits:N0} accepted visits counted, {progress.Progress.ByMonth.Sum(m => m.Findings):N0} findings, {progress.VisitsRejected:N0} rejected): {Describe(progressTimes.Skip(1).ToList())} [CPU {Describe(progressCpu.Skip(1).ToList())}] (first, cold: {progressTimes[0]:0} ms)");

static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;

static string Describe(List<double> ms)
{
    ms.Sort();
    return string.Create(CultureInfo.InvariantCulture, $"median {ms[ms.Count / 2]:0.0} ms, min {ms[0]:0.0}, max {ms[^1]:0.0} over {ms.Count} runs");
}
