using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Documents;
using Mingcha.Web.Infrastructure.Documents;

using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests.Documents;

/// <summary>
/// The warm PDF renderer (decision 013): one headless Chromium reused by every print, started again when it died, ended on
/// shutdown; each PDF still holds the notice's Chinese text.
/// </summary>
public sealed class WarmPdfPrinterTests
{
    private static string Html() => HtmlRenderer.Render(new RenderRequest(DocumentKit.Notice("关于窗口服务问题的整改通知书"), "示效办〔2026〕7号", Draft: false));

    private static ChromiumPdfPrinter Printer() =>
        new(Options.Create(new DocumentRenderingOptions()), NullLogger<ChromiumPdfPrinter>.Instance);

    private static async Task AssertChineseNoticeAsync(byte[] bytes)
    {
        var text = DocumentKit.Squeeze(await DocumentKit.PdfToTextAsync(await DocumentKit.SavePdfAsync(bytes)));
        Assert.Contains("关于窗口服务问题的整改通知书", text, StringComparison.Ordinal);
        Assert.Contains("示效办〔2026〕7号", text, StringComparison.Ordinal);
        Assert.Contains(DocumentKit.Squeeze(DocumentKit.BodyText), text, StringComparison.Ordinal);
    }

    [OncePerRunFact]
    [Trait("Rule", "RCT-2")]
    public async Task Print_WhenRepeated_ReusesOneBrowserAndEachPdfHoldsTheChineseText()
    {
        using var printer = Printer();
        Assert.False(printer.IsWarm);
        var first = await printer.PrintAsync(Html(), CancellationToken.None);
        var pid = printer.BrowserProcessId;
        Assert.NotNull(pid);
        var second = await printer.PrintAsync(Html(), CancellationToken.None);
        Assert.Equal(pid, printer.BrowserProcessId);
        await AssertChineseNoticeAsync(first);
        await AssertChineseNoticeAsync(second);
    }

    [OncePerRunFact]
    [Trait("Rule", "RCT-2")]
    public async Task Print_WhenTheBrowserDied_StartsANewOneAndPrints()
    {
        using var printer = Printer();
        await printer.PrintAsync(Html(), CancellationToken.None);
        var pid = printer.BrowserProcessId!.Value;
        using (var dead = Process.GetProcessById(pid))
        {
            dead.Kill(entireProcessTree: true);
            await dead.WaitForExitAsync();
        }
        var again = await printer.PrintAsync(Html(), CancellationToken.None);
        Assert.NotEqual(pid, printer.BrowserProcessId);
        await AssertChineseNoticeAsync(again);
    }

    [OncePerRunFact]
    [Trait("Rule", "RCT-2")]
    public async Task Dispose_WhenTheBrowserIsWarm_EndsIt()
    {
        var printer = Printer();
        await printer.PrintAsync(Html(), CancellationToken.None);
        using var browser = Process.GetProcessById(printer.BrowserProcessId!.Value);
        printer.Dispose();
        Assert.True(browser.WaitForExit(10_000));
        Assert.False(printer.IsWarm);
    }

    [OncePerRunFact]
    [Trait("Rule", "RCT-2")]
    public async Task Print_WhenManyAtOnce_PrintsEachInItsOwnTab()
    {
        using var printer = Printer();
        var pdfs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => printer.PrintAsync(Html(), CancellationToken.None)));
        foreach (var pdf in pdfs) await AssertChineseNoticeAsync(pdf);
    }
}
