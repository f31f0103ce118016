using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Features.Calendar;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Features.Rectification;
using Mingcha.Web.Features.Scoring;
using Mingcha.Web.Infrastructure;

// Usage: Mingcha.Bench.Scoring DATA_DIR [sections] [evaluations]
//   Creates a SQLite database in DATA_DIR (migrated), 10 categories, 1,000 units, [sections] sections (default 10,000) in an
//   open campaign and [evaluations] evaluations (default 1,000,000) spread over the four methods and five grades; then, in
//   the same run and alternately, times the one aggregate query (GROUP BY section, method, grade, read to the end) and the
//   full computation (Computations.ComputeAsync: visits, sections, aggregate, notices, S4's formula, ranking, storing the
//   results): one warm-up run of each (printed as run 0, not counted), then RUNS (default 5) of each. REUSE=1 keeps the
//   database an earlier run seeded (same sizes). Finally marks the campaign published and writes the public ranking page's path to
//   DATA_DIR/ranking-path.txt for run.sh to time over HTTP.
var dir = Path.GetFullPath(args.Length > 0 ? args[0] : "bench-data");
var sectionCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000;
var evaluationCount = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1_000_000;
// REUSE=1 keeps a database seeded by an earlier run (same sizes) and only times; its campaign must still be open.
var reuse = Environment.GetEnvironmentVariable("REUSE") == "1" && File.Exists(Path.Combine(dir, "mingcha.db"));
if (!reuse && Directory.Exists(dir)) Directory.Delete(dir, true);
Directory.CreateDirectory(dir);

var services = new ServiceCollection();
var options = new MingchaOptions { DataFolder = dir, DatabaseProvider = "Sqlite" };
services.AddSingleton(TimeProvider.System);
services.AddSingleton(Options.Create(options));
services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning).AddFilter("Mingcha.Web.Features.Scoring.Computations", Environment.GetEnvironmentVariable("TIMINGS") == "1" ? LogLevel.Debug : LogLevel.Warning).AddSimpleConsole(o => o.SingleLine = true));
services.AddMingchaDatabase(options);
services.AddScoped<IAuditActor>(_ => new SystemActor("bench"));
services.AddScoped<SchemaMigrator>();
services.AddSingleton<LocalClock>();
services.AddScoped<IDeductionLedgerQuery, DeductionLedgerQuery>();
services.AddScoped<Evaluations>();
services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
services.AddSingleton<Mingcha.Web.Features.Scoring.SittingFloodGuard>(); // Evaluations takes it (ballots from a sitting's link)
services.AddScoped<Computations>();
await using var provider = services.BuildServiceProvider();
var office = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "bench"), new Claim(ClaimTypes.Role, Roles.OfficeAdmin)], "bench"));

Guid campaignId, firstCategory;
if (reuse)
{
    await using var scope = provider.CreateAsyncScope();
    var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
    await db.Database.ExecuteSqlRawAsync("""UPDATE "EvaluationCampaigns" SET "Status" = 'Open', "PublishedAt" = NULL""");
    campaignId = (await db.Campaigns.AsNoTracking().SingleAsync()).Id;
    firstCategory = (await db.Categories.AsNoTracking().OrderBy(c => c.Name).FirstAsync()).Id;
    Console.WriteLine("reusing the seeded database");
}
else
await using (var scope = provider.CreateAsyncScope())
{
    var sp = scope.ServiceProvider;
    await sp.GetRequiredService<SchemaMigrator>().MigrateAsync();
    var db = sp.GetRequiredService<MingchaDb>();
    db.SuppressRowAudit = true;
    var now = DateTime.UtcNow;
    var watch = Stopwatch.StartNew();
    var categories = Enumerable.Range(1, 10).Select(i => new Category($"bench-cat-{i:D2}", $"类别{i:D2}", now)).ToList();
    db.Categories.AddRange(categories);
    var units = Enumerable.Range(1, 1000).Select(i => new Unit($"bench-{i:D4}", $"测试单位{i}", now)).ToList();
    db.Units.AddRange(units);
    await db.SaveChangesAsync();
    for (var i = 0; i < units.Count; i++) db.UnitCategories.Add(new UnitCategory(units[i].Id, 2026, categories[i % categories.Count].Id));
    var sections = Enumerable.Range(0, sectionCount).Select(i => new Section(units[i % units.Count].Id, $"bench-s-{i:D6}", $"科室{i}", SectionKind.InternalSection, now)).ToList();
    db.Sections.AddRange(sections);
    var campaign = new EvaluationCampaign(2026, "基准测评", new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31), "bench", now);
    db.Campaigns.Add(campaign);
    await db.SaveChangesAsync();
    var categoryOf = units.Select((u, i) => (u.Id, categories[i % categories.Count].Id)).ToDictionary(x => x.Item1, x => x.Item2);
    foreach (var s in sections) db.CampaignSections.Add(new CampaignSection(campaign.Id, s.Id, s.UnitId, categoryOf[s.UnitId]));
    campaign.Open(sections.Count, now);
    await db.SaveChangesAsync();
    db.ChangeTracker.Clear();
    campaignId = campaign.Id;
    firstCategory = categories.OrderBy(c => c.Name, StringComparer.Ordinal).First().Id;

    // A million rows through one prepared statement in one transaction (EF's change tracker would dominate the set-up).
    var connection = (SqliteConnection)db.Database.GetDbConnection();
    await connection.OpenAsync();
    await using (var tx = (SqliteTransaction)await connection.BeginTransactionAsync())
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """INSERT INTO "Evaluations" ("Id","CampaignId","SectionId","Method","Grade","Source","On","By","At") VALUES ($id,$c,$s,$m,$g,'Import',$on,'bench',$at)""";
        var pId = cmd.Parameters.Add("$id", SqliteType.Text);
        cmd.Parameters.AddWithValue("$c", campaignId.ToString().ToUpperInvariant());
        var pS = cmd.Parameters.Add("$s", SqliteType.Text);
        var pM = cmd.Parameters.Add("$m", SqliteType.Integer);
        var pG = cmd.Parameters.Add("$g", SqliteType.Integer);
        var pOn = cmd.Parameters.Add("$on", SqliteType.Text);
        cmd.Parameters.AddWithValue("$at", now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        await cmd.PrepareAsync();
        var ids = sections.Select(s => s.Id.ToString().ToUpperInvariant()).ToArray();
        var random = new Random(20261202);
        for (var i = 0; i < evaluationCount; i++)
        {
            pId.Value = Guid.CreateVersion7().ToString().ToUpperInvariant();
            pS.Value = ids[random.Next(ids.Length)];
            pM.Value = random.Next(4);
            pG.Value = Math.Min(random.Next(5), random.Next(5)); // more good grades than bad
            pOn.Value = new DateOnly(2026, 1, 1).AddDays(random.Next(330)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            await cmd.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
    }
    await using (var analyze = connection.CreateCommand()) { analyze.CommandText = "ANALYZE"; await analyze.ExecuteNonQueryAsync(); }
    Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "seeded {0:N0} sections, {1:N0} evaluations in {2:F1} s", sectionCount, evaluationCount, watch.Elapsed.TotalSeconds));
}

// Run 0 warms up (the JIT compiles the computation's code on its first call, ~0.5 s, once per process) and is printed
// but not counted; then RUNS (default 5) alternating timed runs, and the medians.
var runs = int.TryParse(Environment.GetEnvironmentVariable("RUNS"), CultureInfo.InvariantCulture, out var r) && r > 0 ? r : 5;
var aggregate = new List<double>();
var full = new List<double>();
for (var run = 0; run <= runs; run++)
{
    await using (var scope = provider.CreateAsyncScope())
    {
        var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await connection.OpenAsync();
        var watch = Stopwatch.StartNew();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = """SELECT "SectionId", "Method", "Grade", COUNT(*) FROM "Evaluations" WHERE "CampaignId" = $c GROUP BY "SectionId", "Method", "Grade" """;
        cmd.Parameters.AddWithValue("$c", campaignId.ToString().ToUpperInvariant());
        long rows = 0, total = 0;
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) { rows++; total += reader.GetInt64(3); }
        if (run > 0) aggregate.Add(watch.Elapsed.TotalMilliseconds);
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "run {0}: aggregate query alone {1:F0} ms ({2:N0} groups, {3:N0} evaluations)", run, watch.Elapsed.TotalMilliseconds, rows, total));
    }
    await using (var scope = provider.CreateAsyncScope())
    {
        var watch = Stopwatch.StartNew();
        var result = await scope.ServiceProvider.GetRequiredService<Computations>().ComputeAsync(campaignId, office, false, CancellationToken.None);
        if (run > 0) full.Add(watch.Elapsed.TotalMilliseconds);
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "run {0}: full computation {1:F0} ms ({2:N0} sections, {3:N0} evaluations)", run, watch.Elapsed.TotalMilliseconds, result.Sections, result.Evaluations));
    }
}
double Median(List<double> xs) { var s = xs.Order().ToList(); return s[s.Count / 2]; }
Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "median of runs 1 to {3}: aggregate {0:F0} ms, full computation {1:F0} ms, ratio {2:F2}", Median(aggregate), Median(full), Median(full) / Median(aggregate), runs));

await using (var scope = provider.CreateAsyncScope())
{
    var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
    // The public page shows published campaigns only: mark this one published without the circular (no Chromium here).
    await db.Database.ExecuteSqlRawAsync("""UPDATE "EvaluationCampaigns" SET "Status" = 'Published', "PublishedAt" = '2026-12-02 00:00:00' WHERE "Id" = {0}""", campaignId.ToString().ToUpperInvariant());
}
await File.WriteAllTextAsync(Path.Combine(dir, "ranking-path.txt"), $"/Public/Scoring/{campaignId}?categoryId={firstCategory}");
