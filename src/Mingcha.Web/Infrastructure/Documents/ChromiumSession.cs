using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mingcha.Web.Infrastructure.Documents;

/// <summary>The warm Chromium stopped, or never answered on its DevTools socket.</summary>
public sealed class ChromiumGoneException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// One headless Chromium process and its DevTools WebSocket (the browser endpoint, with flattened sessions so that every
/// tab talks over the same socket). Only what printing needs: open a tab, load a file, print it, close the tab.
/// </summary>
internal sealed class ChromiumSession : IDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _profile;
    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement>> _calls = new();
    private readonly ConcurrentBag<(string Target, string Session)> _idleTabs = [];
    private long _nextId;
    private volatile bool _gone;
    private int _disposed;

    private ChromiumSession(Process process, DirectoryInfo profile, ClientWebSocket socket)
    {
        _process = process;
        _profile = profile;
        _socket = socket;
    }

    public int ProcessId => _process.Id;

    public bool IsAlive => !_gone && !_process.HasExited && _socket.State == WebSocketState.Open;

    public static async Task<ChromiumSession> StartAsync(string chromium, TimeSpan startLimit, CancellationToken ct)
    {
        var profile = Directory.CreateTempSubdirectory("mingcha-chromium-");
        var psi = new ProcessStartInfo(chromium) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-quic",
            "--mute-audio", "--hide-scrollbars", "--run-all-compositor-stages-before-draw",
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
            "--user-data-dir=" + Path.Combine(profile.FullName, "profile"),
            "about:blank",
        }) psi.ArgumentList.Add(a);
        Process? process = null;
        ClientWebSocket? socket = null;
        try
        {
            process = Process.Start(psi) ?? throw new ChromiumGoneException("Chromium did not start.");
            _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            // Chromium names its DevTools endpoint on stderr: "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID".
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(startLimit);
            string? endpoint = null;
            var said = new StringBuilder();
            while (endpoint is null)
            {
                string? line;
                try { line = await process.StandardError.ReadLineAsync(limit.Token); }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested) { throw new ChromiumGoneException("Chromium did not open DevTools in time: " + said); }
                if (line is null) throw new ChromiumGoneException("Chromium exited at start: " + said);
                const string Marker = "DevTools listening on ";
                var at = line.IndexOf(Marker, StringComparison.Ordinal);
                if (at >= 0) endpoint = line[(at + Marker.Length)..].Trim();
                else if (said.Length < 2000) said.AppendLine(line);
            }
            _ = DrainAsync(process.StandardError);
            socket = new ClientWebSocket();
            socket.Options.KeepAliveInterval = TimeSpan.Zero;
            await socket.ConnectAsync(new Uri(endpoint), limit.Token);
            var session = new ChromiumSession(process, profile, socket);
            _ = session.ReceiveLoopAsync();
            process = null;
            socket = null;
            return session;
        }
        catch (Exception e) when (e is WebSocketException or IOException or System.ComponentModel.Win32Exception or UriFormatException)
        {
            throw new ChromiumGoneException("Chromium did not start: " + e.Message, e);
        }
        finally
        {
            socket?.Dispose();
            if (process is not null)
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                process.Dispose();
                try { profile.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
    }

    private static async Task DrainAsync(StreamReader reader)
    {
        try { while (await reader.ReadLineAsync() is not null) { } }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
    }

    /// <summary>
    /// Loads <paramref name="url"/> (a file: URL) in an idle tab (a new one if none is idle), waits until it is loaded,
    /// prints it, and keeps the tab for the next print: its renderer, with the fonts it loaded, stays warm.
    /// </summary>
    public async Task<byte[]> PrintAsync(string url, CancellationToken ct)
    {
        if (!_idleTabs.TryTake(out var tab))
        {
            var target = (await CallAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" }, null, ct)).GetProperty("targetId").GetString()!;
            var attached = (await CallAsync("Target.attachToTarget", new JsonObject { ["targetId"] = target, ["flatten"] = true }, null, ct))
                .GetProperty("sessionId").GetString()!;
            tab = (target, attached);
        }
        var reusable = false;
        try
        {
            var session = tab.Session;
            var nav = await CallAsync("Page.navigate", new JsonObject { ["url"] = url }, session, ct);
            if (nav.TryGetProperty("errorText", out var error) && error.GetString() is { Length: > 0 } text)
                throw new ChromiumGoneException("Chromium could not load the document: " + text);
            // Loaded (its load event and fonts), asked of the page itself: no race with the page the tab showed before.
            for (var tries = 0; ; tries++)
            {
                var at = await CallAsync("Runtime.evaluate", new JsonObject
                {
                    ["expression"] = "new Promise(r => { const done = () => document.fonts.ready.then(() => r(location.href)); "
                        + "if (document.readyState === 'complete') done(); else addEventListener('load', done); })",
                    ["awaitPromise"] = true,
                    ["returnByValue"] = true,
                }, session, ct);
                if (at.TryGetProperty("result", out var value) && value.TryGetProperty("value", out var href) && href.GetString() == url) break;
                if (tries >= 100) throw new ChromiumGoneException("Chromium did not load the document.");
                await Task.Delay(20, ct);
            }
            // As `--print-to-pdf --no-pdf-header-footer` printed it: the page size and margins of the document's @page rules.
            var pdf = await CallAsync("Page.printToPDF", new JsonObject
            {
                ["displayHeaderFooter"] = false,
                ["preferCSSPageSize"] = true,
                ["printBackground"] = false,
                ["generateTaggedPDF"] = true,
            }, session, ct);
            var bytes = Convert.FromBase64String(pdf.GetProperty("data").GetString()!);
            // The file it showed is deleted after the print: leave the tab blank.
            await CallAsync("Page.navigate", new JsonObject { ["url"] = "about:blank" }, session, ct);
            reusable = true;
            return bytes;
        }
        finally
        {
            if (reusable) _idleTabs.Add(tab);
            else if (IsAlive)
            {
                try { await CallAsync("Target.closeTarget", new JsonObject { ["targetId"] = tab.Target }, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None); }
                catch (ChromiumGoneException) { }
                catch (TimeoutException) { }
            }
        }
    }

    private async Task<JsonElement> CallAsync(string method, JsonObject parameters, string? session, CancellationToken ct)
    {
        if (!IsAlive) throw new ChromiumGoneException("Chromium is not running.");
        var id = Interlocked.Increment(ref _nextId);
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        if (session is not null) message["sessionId"] = session;
        var tcs = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _calls[id] = tcs;
        try
        {
            var bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
            await _sendLock.WaitAsync(ct);
            try { await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, ct); }
            finally { _sendLock.Release(); }
            if (_gone) throw new ChromiumGoneException("Chromium stopped.");
            return await tcs.Task.WaitAsync(ct);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or IOException)
        {
            _gone = true;
            throw new ChromiumGoneException("Chromium's DevTools socket failed: " + e.Message, e);
        }
        finally
        {
            _calls.TryRemove(id, out _);
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (!_closing.IsCancellationRequested)
            {
                var r = await _socket.ReceiveAsync(buffer, _closing.Token);
                if (r.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, r.Count);
                if (!r.EndOfMessage) continue;
                Dispatch(message.GetBuffer().AsSpan(0, (int)message.Length));
                message.SetLength(0);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException or JsonException)
        {
            // the browser went away, or we are closing it
        }
        finally
        {
            _gone = true;
            foreach (var call in _calls.Values) call.TrySetException(new ChromiumGoneException("Chromium stopped."));
        }
    }

    private void Dispatch(ReadOnlySpan<byte> json)
    {
        using var doc = JsonDocument.Parse(json.ToArray());
        var root = doc.RootElement;
        if (root.TryGetProperty("id", out var idElement) && idElement.TryGetInt64(out var id))
        {
            if (!_calls.TryGetValue(id, out var call)) return;
            if (root.TryGetProperty("error", out var error))
                call.TrySetException(new ChromiumGoneException("Chromium refused " + error.GetRawText()));
            else call.TrySetResult(root.TryGetProperty("result", out var result) ? result.Clone() : default);
        }
        // events are not listened to: printing asks the page itself when it is loaded
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _gone = true;
        _closing.Cancel();
        try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } catch (System.ComponentModel.Win32Exception) { }
        try { _process.WaitForExit(5000); } catch (InvalidOperationException) { }
        _socket.Dispose();
        _process.Dispose();
        _sendLock.Dispose();
        _closing.Dispose();
        try { _profile.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
