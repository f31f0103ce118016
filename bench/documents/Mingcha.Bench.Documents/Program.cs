using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Documents;
using Mingcha.Web.Infrastructure.Documents;

// Usage: Mingcha.Bench.Documents PHOTO_DIR [--quick [--out DIR]] | PHOTO_DIR [BenchmarkDotNet arguments]
var photos = args.Length > 0 && Directory.Exists(args[0]) ? args[0] : throw new ArgumentException("First argument: a folder of JPEG photos (run.sh makes them).");
Environment.SetEnvironmentVariable("MINGCHA_BENCH_PHOTOS", Path.GetFullPath(photos));
var rest = args[1..];

if (rest.Contains("--samples"))
{
    // Short documents to look at: a text-only notice (版记 at the foot of its last page) and one with a table and photo.
    var dir = rest.SkipWhile(a => a != "--samples").Skip(1).First();
    Directory.CreateDirectory(dir);
    using var printer = RoundReport.Printer();
    foreach (var (name, paragraphs, extra) in new[] { ("notice-text", 12, false), ("notice-mixed", 5, true) })
    {
        var content = RoundReport.Notice(photos, paragraphs, extra);
        var request = new RenderRequest(content, "示效办〔2026〕13号", Draft: name == "notice-mixed");
        await File.WriteAllBytesAsync(Path.Combine(dir, name + ".docx"), DocxRenderer.Render(request));
        await File.WriteAllBytesAsync(Path.Combine(dir, name + ".pdf"), await printer.PrintAsync(HtmlRenderer.Render(request), CancellationToken.None));
    }
    return 0;
}

if (rest.Contains("--quick"))
{
    var report = RoundReport.Create(photos);
    var request = new RenderRequest(report, "示效办〔2026〕12号", Draft: false);
    using var printer = RoundReport.Printer();
    var outDir = rest.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault();

    byte[] docx = DocxRenderer.Render(request); // warm-up: JIT
    byte[] pdf = await printer.PrintAsync(HtmlRenderer.Render(request), CancellationToken.None);
    var docxTimes = new List<double>();
    var pdfTimes = new List<double>();
    for (var round = 1; round <= 5; round++)
    {
        var watch = Stopwatch.StartNew();
        docx = DocxRenderer.Render(request);
        docxTimes.Add(watch.Elapsed.TotalMilliseconds);
        watch.Restart();
        pdf = await printer.PrintAsync(HtmlRenderer.Render(request), CancellationToken.None);
        pdfTimes.Add(watch.Elapsed.TotalMilliseconds);
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "round {0}: DOCX {1:F1} ms ({2:N0} bytes), PDF {3:F0} ms ({4:N0} bytes)",
            round, docxTimes[^1], docx.Length, pdfTimes[^1], pdf.Length));
    }
    Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "median: DOCX {0:F1} ms, PDF {1:F0} ms (min {2:F1} / {3:F0}, max {4:F1} / {5:F0})",
        Median(docxTimes), Median(pdfTimes), docxTimes.Min(), pdfTimes.Min(), docxTimes.Max(), pdfTimes.Max()));

    // A rectification notice (issue 5's targets: DOCX < 200 ms, PDF < 2 s): text, a small table, one photo, 3 pages.
    var notice = new RenderRequest(RoundReport.Notice(photos), "示效办〔2026〕13号", Draft: false);
    DocxRenderer.Render(notice);
    var noticeDocx = new List<double>();
    var noticePdf = new List<double>();
    for (var round = 1; round <= 5; round++)
    {
        var watch = Stopwatch.StartNew();
        DocxRenderer.Render(notice);
        noticeDocx.Add(watch.Elapsed.TotalMilliseconds);
        watch.Restart();
        await printer.PrintAsync(HtmlRenderer.Render(notice), CancellationToken.None);
        noticePdf.Add(watch.Elapsed.TotalMilliseconds);
    }
    Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "notice median: DOCX {0:F1} ms, PDF {1:F0} ms (min {2:F1} / {3:F0}, max {4:F1} / {5:F0})",
        Median(noticeDocx), Median(noticePdf), noticeDocx.Min(), noticePdf.Min(), noticeDocx.Max(), noticePdf.Max()));
    if (outDir is not null)
    {
        Directory.CreateDirectory(outDir);
        await File.WriteAllBytesAsync(Path.Combine(outDir, "round-report.docx"), docx);
        await File.WriteAllBytesAsync(Path.Combine(outDir, "round-report.pdf"), pdf);
        await File.WriteAllTextAsync(Path.Combine(outDir, "round-report.html"), HtmlRenderer.Render(request));
    }
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(RenderBenchmark).Assembly).Run(rest);
return 0;

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

/// <summary>DOCX and PDF of the 20-page report with 30 photos (BenchmarkDotNet, few iterations: a PDF takes seconds).</summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class RenderBenchmark
{
    private RenderRequest _request = null!;
    private ChromiumPdfPrinter _printer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _request = new RenderRequest(RoundReport.Create(Environment.GetEnvironmentVariable("MINGCHA_BENCH_PHOTOS")!), "示效办〔2026〕12号", Draft: false);
        _printer = RoundReport.Printer();
    }

    [GlobalCleanup]
    public void Cleanup() => _printer.Dispose();

    [Benchmark]
    public int Docx() => DocxRenderer.Render(_request).Length;

    [Benchmark]
    public async Task<int> Pdf() => (await _printer.PrintAsync(HtmlRenderer.Render(_request), CancellationToken.None)).Length;
}

/// <summary>A round report (INS-17) of about 20 pages: text, a results table and 30 evidence photos.</summary>
public static class RoundReport
{
    public static ChromiumPdfPrinter Printer() =>
        new(Options.Create(new DocumentRenderingOptions { PdfTimeout = TimeSpan.FromMinutes(5) }), NullLogger<ChromiumPdfPrinter>.Instance);

    public static OfficialDocumentContent Notice(string photoDir, int paragraphs = 5, bool extra = true)
    {
        var body = new List<DocumentBlock> { new HeadingBlock(1, "基本情况") };
        body.AddRange(Enumerable.Range(1, paragraphs).Select(i => new ParagraphBlock($"经查，该中心窗口工作人员在办理社会保障卡申领业务时未执行首问负责制，群众反映强烈，造成不良影响。（{i}）")));
        if (extra)
        {
            body.Add(new TableBlock(["序号", "问题", "扣分"], [["1", "未执行首问负责制", "2"], ["2", "工作时间玩手机", "1"]], "扣分情况表"));
            body.Add(new ImageBlock(File.ReadAllBytes(Directory.GetFiles(photoDir, "*.jpg").Order(StringComparer.Ordinal).First()), "窗口现场照片"));
        }
        body.Add(new HeadingBlock(1, "整改要求"));
        body.Add(new ParagraphBlock("请于收到本通知书之日起10个工作日内完成整改，并将整改情况书面报送市效能办。"));
        return Create(photoDir) with { Kind = DocumentKind.Notice, Signer = null, Title = "关于窗口服务问题的整改通知书", Addressees = ["示范市人力资源和社会保障局"], Body = body };
    }

    public static OfficialDocumentContent Create(string photoDir)
    {
        var photos = Directory.GetFiles(photoDir, "*.jpg").Order(StringComparer.Ordinal).Take(30).Select(File.ReadAllBytes).ToList();
        if (photos.Count < 30) throw new InvalidOperationException($"{photoDir} holds {photos.Count} JPEG photos; 30 are needed.");
        var text = "本轮暗访按照年度计划随机抽取被查窗口，暗访人员严格执行八步工作法，全程录音录像，当日上传证据，"
            + "对窗口工作人员的服务态度、首问负责、一次性告知、限时办结等制度执行情况逐项检查并当场记录。";
        var body = new List<DocumentBlock> { new HeadingBlock(1, "基本情况") };
        body.AddRange(Enumerable.Range(1, 8).Select(i => new ParagraphBlock($"{text}（{i}）")));
        body.Add(new HeadingBlock(1, "暗访结果"));
        body.Add(new TableBlock(["序号", "单位", "窗口", "问题", "扣分"],
            Enumerable.Range(1, 30).Select(i => (IReadOnlyList<string>)[i.ToString(CultureInfo.InvariantCulture), $"示范市第{i}局", "综合窗口", "未执行一次性告知制度", "2"]).ToList(),
            "暗访发现问题汇总表"));
        body.Add(new HeadingBlock(1, "现场照片"));
        for (var i = 0; i < photos.Count; i++)
        {
            if (i % 10 == 0) body.Add(new HeadingBlock(2, $"第{i / 10 + 1}组"));
            body.Add(new ImageBlock(photos[i], $"示范市第{i + 1}局综合窗口现场"));
        }
        body.Add(new HeadingBlock(1, "下一步工作"));
        body.AddRange(Enumerable.Range(1, 6).Select(i => new ParagraphBlock($"{text}（下一步{i}）")));
        return new OfficialDocumentContent(DocumentKind.Report, "示范市机关效能建设领导小组办公室", "示范市机关效能建设领导小组办公室文件", "李明",
            "关于2026年第四轮明查暗访情况的报告", ["市机关效能建设领导小组"], body, ["暗访问题清单"], new DateOnly(2026, 11, 22),
            "联系人：王芳，电话：0591-12345678", ["市纪委监委"], "示范市机关效能建设领导小组办公室", new DateOnly(2026, 11, 22));
    }
}
