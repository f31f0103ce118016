using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mingcha.Web;
using Mingcha.Web.Infrastructure.Documents;

namespace Mingcha.Bench.Rectification;

// The PDF printer as it was before decision 013 (commit 27f8e7d): one Chromium process per PDF. Kept only as the "before"
// of the A/B in one run.
/// <summary>
/// Prints HTML to PDF with headless Chromium as a child process: its own profile folder, no network, a time limit
/// (the whole process tree is killed past it). A missing browser is a 503 with a clear message, never a 500.
/// </summary>
public sealed partial class LegacyPdfPrinter(IOptions<DocumentRenderingOptions> options, ILogger<LegacyPdfPrinter> log) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.Value.MaxConcurrentPrints));

    public bool IsAvailable => File.Exists(options.Value.ChromiumPath);

    public async Task<byte[]> PrintAsync(string html, CancellationToken ct)
    {
        var chromium = options.Value.ChromiumPath;
        if (!File.Exists(chromium))
            throw new UnavailableException($"无法生成 PDF：未找到 Chromium（{chromium}），请安装 chromium 或设置 Mingcha:Documents:ChromiumPath。 "
                + $"PDF printing is unavailable: Chromium was not found at {chromium}; install Debian's chromium or set Mingcha:Documents:ChromiumPath.");
        var work = Directory.CreateTempSubdirectory("mingcha-pdf-");
        await _slots.WaitAsync(ct);
        try
        {
            var input = Path.Combine(work.FullName, "document.html");
            var output = Path.Combine(work.FullName, "document.pdf");
            await File.WriteAllTextAsync(input, html, ct);
            var psi = new ProcessStartInfo(chromium)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var a in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-quic",
                "--mute-audio", "--hide-scrollbars", "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw",
                "--user-data-dir=" + Path.Combine(work.FullName, "profile"),
                "--print-to-pdf=" + output,
                new Uri(input).AbsoluteUri,
            }) psi.ArgumentList.Add(a);

            using var process = Process.Start(psi) ?? throw new UnavailableException("无法启动 Chromium。 Chromium did not start.");
            var stderr = process.StandardError.ReadToEndAsync(ct);
            _ = process.StandardOutput.ReadToEndAsync(ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.Value.PdfTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                ct.ThrowIfCancellationRequested();
                throw new UnavailableException($"生成 PDF 超时（{options.Value.PdfTimeout.TotalSeconds:0} 秒）。 Chromium did not print the PDF within {options.Value.PdfTimeout.TotalSeconds:0} s.");
            }
            if (!File.Exists(output) || new FileInfo(output).Length == 0)
            {
                var err = await stderr;
                NoPdf(log, process.ExitCode, err.Length > 2000 ? err[..2000] : err);
                throw new UnavailableException($"Chromium 未能生成 PDF（退出码 {process.ExitCode}）。 Chromium exited with {process.ExitCode} and printed no PDF.");
            }
            return await File.ReadAllBytesAsync(output, ct);
        }
        finally
        {
            _slots.Release();
            try { work.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    public void Dispose() => _slots.Dispose();

    [LoggerMessage(Level = LogLevel.Error, Message = "Chromium exited {Code} without a PDF: {Error}")]
    private static partial void NoPdf(ILogger logger, int code, string error);
}
