using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace Mingcha.Web.Infrastructure.Documents;

/// <summary>Settings under <c>Mingcha:Documents</c>.</summary>
public sealed class DocumentRenderingOptions
{
    public const string Section = "Mingcha:Documents";

    /// <summary>Headless Chromium that prints the HTML rendition to PDF (Debian's package by default).</summary>
    public string ChromiumPath { get; set; } = "/usr/bin/chromium";

    /// <summary>How long one PDF may take before Chromium is killed.</summary>
    public TimeSpan PdfTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>How many PDFs the warm Chromium prints at once on this instance (one tab each).</summary>
    public int MaxConcurrentPrints { get; set; } = 2;

    /// <summary>The warm Chromium is closed after this long without a print (it takes 100-200 MB), and started again on the next.</summary>
    public TimeSpan BrowserIdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Prefixes of document numbers (机关代字) by issuer, then by kind or "Default": Prefixes:office:Default = 示效办.</summary>
    public Dictionary<string, Dictionary<string, string>> Prefixes { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// Prints HTML to PDF with one warm headless Chromium per instance, driven over the DevTools protocol (decision 013): started
/// on the first print (its own profile folder, no network, DevTools on a loopback port), reused by every print (one tab
/// each, at most <see cref="DocumentRenderingOptions.MaxConcurrentPrints"/> at once), started again if it died, closed after
/// <see cref="DocumentRenderingOptions.BrowserIdleTimeout"/> idle and on shutdown. A print past the time limit kills the
/// browser (the next print starts a new one). A missing browser is a 503 with a clear message, never a 500.
/// </summary>
public sealed partial class ChromiumPdfPrinter : IDisposable
{
    private readonly IOptions<DocumentRenderingOptions> _options;
    private readonly ILogger<ChromiumPdfPrinter> _log;
    private readonly SemaphoreSlim _slots;
    private readonly SemaphoreSlim _startLock = new(1, 1);
    private readonly Timer _idleTimer;
    private ChromiumSession? _browser;
    private int _printing;
    private long _lastUsedTicks = Environment.TickCount64;
    private bool _disposed;

    public ChromiumPdfPrinter(IOptions<DocumentRenderingOptions> options, ILogger<ChromiumPdfPrinter> log)
    {
        _options = options;
        _log = log;
        _slots = new SemaphoreSlim(Math.Max(1, options.Value.MaxConcurrentPrints));
        var idle = options.Value.BrowserIdleTimeout;
        var period = idle <= TimeSpan.Zero ? Timeout.InfiniteTimeSpan : TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, idle.Ticks / 4));
        _idleTimer = new Timer(_ => CloseIfIdle(), null, period, period);
    }

    public bool IsAvailable => File.Exists(_options.Value.ChromiumPath);

    /// <summary>Whether a warm browser is running (for tests and the bench).</summary>
    public bool IsWarm => _browser is { IsAlive: true };

    /// <summary>The warm browser's process id, if one runs (tests kill it to see it come back).</summary>
    internal int? BrowserProcessId => _browser is { IsAlive: true } b ? b.ProcessId : null;

    /// <summary>How many PDFs were asked of this printer (tests count the renders an issue costs).</summary>
    internal long PrintsAsked => Interlocked.Read(ref _printsAsked);
    private long _printsAsked;

    public async Task<byte[]> PrintAsync(string html, CancellationToken ct)
    {
        Interlocked.Increment(ref _printsAsked);
        var chromium = _options.Value.ChromiumPath;
        if (!File.Exists(chromium))
            throw new UnavailableException($"无法生成 PDF：未找到 Chromium（{chromium}），请安装 chromium 或设置 Mingcha:Documents:ChromiumPath。 "
                + $"PDF printing is unavailable: Chromium was not found at {chromium}; install Debian's chromium or set Mingcha:Documents:ChromiumPath.");
        ObjectDisposedException.ThrowIf(_disposed, this);
        var work = Directory.CreateTempSubdirectory("mingcha-pdf-");
        await _slots.WaitAsync(ct);
        Interlocked.Increment(ref _printing);
        try
        {
            var input = Path.Combine(work.FullName, "document.html");
            await File.WriteAllTextAsync(input, html, ct);
            var url = new Uri(input).AbsoluteUri;
            var limit = _options.Value.PdfTimeout;
            for (var attempt = 0; ; attempt++)
            {
                var browser = await BrowserAsync(ct);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(limit);
                try
                {
                    var pdf = await browser.PrintAsync(url, timeout.Token);
                    if (pdf.Length == 0) throw new UnavailableException("Chromium 未能生成 PDF。 Chromium printed an empty PDF.");
                    return pdf;
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    Discard(browser); // a hung browser is not reused
                    throw new UnavailableException($"生成 PDF 超时（{limit.TotalSeconds:0} 秒）。 Chromium did not print the PDF within {limit.TotalSeconds:0} s.");
                }
                catch (ChromiumGoneException e)
                {
                    Discard(browser);
                    if (attempt > 0)
                    {
                        NoPdf(_log, e.Message);
                        throw new UnavailableException("Chromium 未能生成 PDF。 Chromium stopped while printing the PDF.");
                    }
                    // It died between prints (or was killed): print once more with a fresh one.
                }
            }
        }
        finally
        {
            Interlocked.Exchange(ref _lastUsedTicks, Environment.TickCount64);
            Interlocked.Decrement(ref _printing);
            if (!_disposed) _slots.Release();
            try { work.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private async Task<ChromiumSession> BrowserAsync(CancellationToken ct)
    {
        if (_browser is { IsAlive: true } warm) return warm;
        await _startLock.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_browser is { IsAlive: true } started) return started;
            _browser?.Dispose();
            _browser = null;
            try
            {
                _browser = await ChromiumSession.StartAsync(_options.Value.ChromiumPath, TimeSpan.FromSeconds(60), ct);
            }
            catch (ChromiumGoneException e)
            {
                NoPdf(_log, e.Message);
                throw new UnavailableException("无法启动 Chromium。 Chromium did not start.");
            }
            return _browser;
        }
        finally
        {
            _startLock.Release();
        }
    }

    private void Discard(ChromiumSession browser)
    {
        Interlocked.CompareExchange(ref _browser, null, browser);
        browser.Dispose();
    }

    private void CloseIfIdle()
    {
        if (_disposed || _browser is null || Volatile.Read(ref _printing) > 0) return;
        var idle = _options.Value.BrowserIdleTimeout;
        if (Environment.TickCount64 - Interlocked.Read(ref _lastUsedTicks) < idle.TotalMilliseconds) return;
        try
        {
            if (!_startLock.Wait(0)) return;
            try
            {
                if (_disposed || Volatile.Read(ref _printing) > 0) return;
                _browser?.Dispose();
                _browser = null;
            }
            finally
            {
                _startLock.Release();
            }
        }
        catch (ObjectDisposedException)
        {
            // shutting down: Dispose ends the browser
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A timer callback's exception would end the process; the next print starts a fresh browser anyway.
            IdleCloseFailed(_log, e);
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _idleTimer.Dispose();
        _browser?.Dispose();
        _browser = null;
        _slots.Dispose();
        _startLock.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing the idle Chromium failed")]
    private static partial void IdleCloseFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Error, Message = "Chromium printed no PDF: {Error}")]
    private static partial void NoPdf(ILogger logger, string error);
}
