using System.Diagnostics;
using System.Security.Claims;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Documents;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Documents;
using Mingcha.Web.Features.Identity;

namespace Mingcha.IntegrationTests.Documents;

/// <summary>The app without the demo city, with a circular prefix of its own and, optionally, another Chromium path.</summary>
public class DocumentsApp : MingchaApp
{
    public const string CircularPrefix = "示效通";

    public DocumentsApp() : this(null) { }

    protected DocumentsApp(string? chromiumPath) : base(null, new TestClock(Start), ownsDatabase: true) => ChromiumPath = chromiumPath;

    public string? ChromiumPath { get; }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<IssuedDocument>>> _shared = new(StringComparer.Ordinal);

    /// <summary>A document issued once for the tests of this app that only read its files (the first to ask issues it).</summary>
    public Task<IssuedDocument> SharedAsync(string key, Func<Task<IssuedDocument>> issue) =>
        _shared.GetOrAdd(key, _ => new Lazy<Task<IssuedDocument>>(issue)).Value;

    protected override bool LoadDemo => false;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Mingcha:Documents:Prefixes:office:Circular", CircularPrefix);
        if (ChromiumPath is not null) builder.UseSetting("Mingcha:Documents:ChromiumPath", ChromiumPath);
    }
}

/// <summary>The same, with Chromium configured at a path where there is none.</summary>
public sealed class NoChromiumApp() : DocumentsApp("/nonexistent/chromium");

/// <summary>Sample documents, pictures, and the external readers (LibreOffice, poppler) the tests check the files with.</summary>
public static class DocumentKit
{
    public const string BodyText = "经查，该中心窗口工作人员在办理社会保障卡申领业务时未执行首问负责制，群众反映强烈。";

    public static OfficialDocumentContent Notice(string title, int paragraphs = 6, bool withImage = true, string? signer = null) => new(
        DocumentKind.Notice,
        "示范市机关效能建设领导小组办公室",
        "示范市机关效能建设领导小组办公室文件",
        signer,
        title,
        ["示范市人力资源和社会保障局"],
        [
            new HeadingBlock(1, "基本情况"),
            .. Enumerable.Range(1, paragraphs).Select(i => (DocumentBlock)new ParagraphBlock($"{BodyText}（第{i}段）")),
            new HeadingBlock(2, "存在问题"),
            new HeadingBlock(3, "服务态度"),
            new HeadingBlock(4, "首问负责"),
            new TableBlock(["序号", "问题", "扣分"], [["1", "未执行首问负责制", "2"], ["2", "工作时间玩手机", "1"]], "扣分情况表"),
            .. withImage ? new DocumentBlock[] { new ImageBlock(Png(320, 240), "窗口现场照片") } : [],
            new HeadingBlock(1, "整改要求"),
            new ParagraphBlock("请于收到本通知书之日起10个工作日内完成整改，并将整改情况书面报送市效能办。"),
        ],
        ["问题清单", "整改情况报告模板"],
        new DateOnly(2026, 11, 22),
        "联系人：李明，电话：0591-12345678",
        ["市纪委监委", "市政府办公室"],
        "示范市机关效能建设领导小组办公室",
        new DateOnly(2026, 11, 22));

    /// <summary>A real PNG (RGB gradient) of the given size.</summary>
    public static byte[] Png(int width, int height) =>
        Mingcha.Web.Infrastructure.PngImage.Encode(width, height, (x, y) => ((byte)(x * 255 / width), (byte)(y * 255 / height), (byte)160));

    /// <summary>Issues a document in-process, as another module would, by a user of the given role.</summary>
    public static async Task<IssuedDocument> IssueAsync(MingchaApp app, OfficialDocumentContent content, IReadOnlyList<Guid> units, string referenceType = "Test", string? userId = null)
    {
        IssuedDocument? issued = null;
        await app.WithScopeAsync(async sp =>
        {
            var documents = sp.GetRequiredService<OfficialDocuments>();
            var by = new ClaimsPrincipal(new ClaimsIdentity(
                [new Claim(ClaimTypes.NameIdentifier, userId ?? "test-office"), new Claim(ClaimTypes.Name, "效能办测试"), new Claim(ClaimTypes.Role, Roles.OfficeAdmin)], "test"));
            issued = await documents.IssueAsync(content, new DocumentIssue(referenceType, Guid.NewGuid(), units), by, CancellationToken.None);
        });
        return issued!;
    }

    /// <summary>Runs a command-line tool; a missing tool fails the test with what to do, never skips it.</summary>
    public static async Task<string> RunAsync(string tool, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        var path = Which(tool) ?? throw new Xunit.Sdk.XunitException(
            $"{tool} is not installed: run ./test.sh, which installs the Debian packages the document tests need (libreoffice-writer-nogui, poppler-utils, chromium, fonts-noto-cjk).");
        var psi = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        try { await p.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { p.Kill(entireProcessTree: true); throw new Xunit.Sdk.XunitException($"{tool} did not finish in time."); }
        Assert.True(p.ExitCode == 0, $"{tool} {string.Join(' ', args)} exited {p.ExitCode}: {await stderr}");
        return await stdout;
    }

    public static string? Which(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':').Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    /// <summary>Converts a DOCX to PDF with LibreOffice (a real reader of the format) and returns the PDF's path.</summary>
    public static async Task<string> SofficeToPdfAsync(byte[] docx)
    {
        var dir = Directory.CreateTempSubdirectory("mingcha-soffice-").FullName;
        var input = Path.Combine(dir, "document.docx");
        await File.WriteAllBytesAsync(input, docx);
        await RunAsync("soffice", ["-env:UserInstallation=file://" + Path.Combine(dir, "profile"), "--headless", "--norestore", "--convert-to", "pdf", "--outdir", dir, input]);
        var pdf = Path.Combine(dir, "document.pdf");
        Assert.True(File.Exists(pdf), "LibreOffice did not convert the DOCX to PDF: it could not read it.");
        return pdf;
    }

    public static async Task<string> PdfToTextAsync(string pdf) => await RunAsync("pdftotext", ["-layout", pdf, "-"]);

    public static async Task<string> PdfInfoAsync(string pdf) => await RunAsync("pdfinfo", [pdf]);

    public static async Task<string> SavePdfAsync(byte[] pdf)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("mingcha-pdf-test-").FullName, "document.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        return path;
    }

    /// <summary>pdftotext puts spaces between some CJK glyphs; compare without white space.</summary>
    public static string Squeeze(string text) => new(text.Where(c => !char.IsWhiteSpace(c)).ToArray());
}
