using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Documents;
using Mingcha.Domain.Rectification;
using Mingcha.Bench.Rectification;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Features.Calendar;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Features.Rectification;
using Mingcha.Web.Infrastructure;
using Mingcha.Web.Infrastructure.Documents;

// Usage: Mingcha.Bench.Rectification DATA_DIR [open-notices] [due-notices]
//   Creates a SQLite database in DATA_DIR (migrated, official calendar loaded), 1,000 units and the given number of open
//   notices (default 100,000) of which [due] (default 1,000) are past their last day, then times one run of the nightly
//   escalation (RectificationEscalator, as EscalationJob runs it) and a second run the same night (nothing left to do).
//   Then renders a rectification notice (as Notices.IssueAsync lays it out) to DOCX and to PDF, five rounds each.
var dir = Path.GetFullPath(args.Length > 0 ? args[0] : "bench-data");
var open = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
var due = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1_000;
if (Directory.Exists(dir)) Directory.Delete(dir, true);
Directory.CreateDirectory(dir);

ServiceProvider Build(string folder)
{
    var services = new ServiceCollection();
    var o = new MingchaOptions { DataFolder = folder, DatabaseProvider = "Sqlite" };
    services.AddSingleton(TimeProvider.System);
    services.AddSingleton(Options.Create(o));
    services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
    services.AddMingchaDatabase(o);
    services.AddScoped<IAuditActor>(_ => new SystemActor("bench"));
    services.AddScoped<SchemaMigrator>();
    services.AddSingleton<CalendarService>();
    services.AddScoped<CalendarAdmin>();
    services.AddSingleton(Options.Create(new RectificationOptions()));
    services.AddScoped<RectificationEscalator>();
    services.AddScoped<LegacyEscalator>();
    return services.BuildServiceProvider();
}
var options = new MingchaOptions { DataFolder = dir, DatabaseProvider = "Sqlite" };

var today = new DateOnly(2026, 11, 18);
await using (var provider = Build(Path.Combine(dir, "seed")))
await using (var scope = provider.CreateAsyncScope())
{
    var sp = scope.ServiceProvider;
    await sp.GetRequiredService<SchemaMigrator>().MigrateAsync();
    await sp.GetRequiredService<CalendarAdmin>().SeedOfficialAsync();
    var db = sp.GetRequiredService<MingchaDb>();
    db.SuppressRowAudit = true;
    var now = DateTime.UtcNow;
    var units = Enumerable.Range(1, 1000).Select(i => new Unit($"bench-{i:D4}", $"测试单位{i}", now)).ToList();
    db.Units.AddRange(units);
    await db.SaveChangesAsync();
    db.ChangeTracker.Clear();
    var watch = Stopwatch.StartNew();
    for (var start = 0; start < open; start += 10_000)
    {
        for (var i = start; i < Math.Min(open, start + 10_000); i++)
        {
            var isDue = i % Math.Max(1, open / Math.Max(1, due)) == 0 && i / Math.Max(1, open / Math.Max(1, due)) < due;
            var lastDay = isDue ? today.AddDays(-1) : today.AddDays(10 + i % 30);
            db.RectificationNotices.Add(new RectificationNotice(units[i % units.Count].Id, 2026, $"通知书 {i}", "整改", 10, today.AddDays(-14), lastDay, today.AddDays(-12), "bench", now));
        }
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
    }
    Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "seeded {0:N0} open notices ({1:N0} due) in {2:F1} s", open,
        await db.RectificationNotices.CountAsync(n => n.LastDay < today), watch.Elapsed.TotalSeconds));
    await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);");
}
Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

// A/B in one run on two copies of the seeded database: before (rows through EF's change tracker, batches of 2,000) and
// after (decision 013: multi-row INSERTs without the change tracker, batches of 5,000).
foreach (var variant in new[] { "before", "after" })
{
    var folder = Path.Combine(dir, variant);
    Directory.CreateDirectory(folder);
    File.Copy(Path.Combine(dir, "seed", "mingcha.db"), Path.Combine(folder, "mingcha.db"));
    await using var provider = Build(folder);
    for (var run = 1; run <= 2; run++)
    {
        await using var scope = provider.CreateAsyncScope();
        var watch = Stopwatch.StartNew();
        int escalated, scanned;
        if (variant == "before")
        {
            var r = await scope.ServiceProvider.GetRequiredService<LegacyEscalator>().RunAsync(today, CancellationToken.None);
            (escalated, scanned) = (r.Escalated, r.Scanned);
        }
        else
        {
            var r = await scope.ServiceProvider.GetRequiredService<RectificationEscalator>().RunAsync(today, CancellationToken.None);
            (escalated, scanned) = (r.Escalated, r.Scanned);
        }
        var elapsed = watch.Elapsed.TotalSeconds;
        var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
        var rows = await db.NoticeEscalations.CountAsync();
        var notes = await db.Notifications.CountAsync();
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-6} escalation run {1}: {2:N0} escalated, {3:N0} scanned of {4:N0} open, {5:F2} s ({6:N0} escalation rows, {7:N0} notifications in all)",
            variant, run, escalated, scanned, open, elapsed, rows, notes));
    }
}
Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
await using var rendering = Build(Path.Combine(dir, "seed"));

// A notice as Notices.IssueAsync lays it out (RectificationDocuments), 3 findings.
var content = new OfficialDocumentContent(DocumentKind.Notice, options.OfficeName, options.OfficeName + "文件", null, "关于测试单位整改明查暗访发现问题的通知",
    ["测试单位"],
    [
        new ParagraphBlock("经效能办依据有关规定确认，你单位存在以下问题，现通知你单位限期整改。"),
        new HeadingBlock(1, "存在问题"),
        new TableBlock(["序号", "扣分项", "问题描述", "扣分"], [["1", "S07 离岗告示制度", "工作时间窗口无人且未放置离岗告示牌", "1"], ["2", "A01 迟到早退", "上班时间迟到 20 分钟", "1"], ["3", "C01 服务忌语", "对办事群众使用服务忌语", "1"]], "问题清单"),
        new HeadingBlock(1, "整改要求"),
        new ParagraphBlock("立即整改，落实首问负责制、限时办结制和离岗告示制度，对相关责任人进行批评教育。"),
        new ParagraphBlock("请你单位于2026年12月2日前（10个工作日内）完成整改，并举一反三，将整改情况及证明材料报效能办核查备案。"),
        new HeadingBlock(1, "异议"),
        new ParagraphBlock("对本通知书认定事实确有异议并能提供相关证据的，可在收到本通知书后2个工作日内（2026年11月20日前）向效能办提出。异议不成立的，应当执行。"),
    ], ["问题清单"], today, null, [], options.OfficeName, today);
var request = new RenderRequest(content, "示效办〔2026〕12号", Draft: false);
using var printer = new ChromiumPdfPrinter(Options.Create(new DocumentRenderingOptions()),
    rendering.GetRequiredService<ILogger<ChromiumPdfPrinter>>());
using var legacy = new LegacyPdfPrinter(Options.Create(new DocumentRenderingOptions()),
    rendering.GetRequiredService<ILogger<LegacyPdfPrinter>>());
DocxRenderer.Render(request);
var html = HtmlRenderer.Render(request);
var coldWatch = Stopwatch.StartNew();
await printer.PrintAsync(html, CancellationToken.None); // the first print starts the warm browser
var first = coldWatch.Elapsed.TotalMilliseconds;
await legacy.PrintAsync(html, CancellationToken.None);
var docx = new List<double>();
var pdf = new List<double>();
var before = new List<double>();
for (var round = 0; round < 5; round++)
{
    var w = Stopwatch.StartNew();
    var bytes = DocxRenderer.Render(request);
    docx.Add(w.Elapsed.TotalMilliseconds);
    w.Restart();
    var oldBytes = await legacy.PrintAsync(HtmlRenderer.Render(request), CancellationToken.None);
    before.Add(w.Elapsed.TotalMilliseconds);
    w.Restart();
    var pdfBytes = await printer.PrintAsync(HtmlRenderer.Render(request), CancellationToken.None);
    pdf.Add(w.Elapsed.TotalMilliseconds);
    if (round == 0)
    {
        await File.WriteAllBytesAsync(Path.Combine(dir, "notice.docx"), bytes);
        await File.WriteAllBytesAsync(Path.Combine(dir, "notice.pdf"), pdfBytes);
        await File.WriteAllBytesAsync(Path.Combine(dir, "notice-before.pdf"), oldBytes);
    }
}
static double Median(List<double> xs) { var s = xs.Order().ToList(); return s[s.Count / 2]; }
Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "notice DOCX median {0:F1} ms (min {1:F1}, max {2:F1})", Median(docx), docx.Min(), docx.Max()));
Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "notice PDF before (one Chromium per PDF): median {0:F0} ms (min {1:F0}, max {2:F0})", Median(before), before.Min(), before.Max()));
Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "notice PDF after (warm Chromium over DevTools): median {0:F0} ms (min {1:F0}, max {2:F0}); first print with the browser's start {3:F0} ms",
    Median(pdf), pdf.Min(), pdf.Max(), first));
