// SAT-2: time from sending a rating's POST to its event on control-centre streams, while VIEWERS streams are open
// and RATE ratings/s are posted. Every stream is read to the end of the run; WATCHED of them are parsed for timing.
// Environment: BASE (http://127.0.0.1:5193), COOKIE (a signed-in leader's cookies), TOKENS (file), SECTIONS (ids,
// comma-separated), SECONDS (20), VIEWERS (500), RATE (1000), WATCHED (5), POSTERS (64 connections).
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

var env = (string name, string fallback) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : fallback;
var baseUrl = new Uri(env("BASE", "http://127.0.0.1:5193"));
var cookie = env("COOKIE", "");
var tokens = File.ReadAllLines(env("TOKENS", "tokens")).Where(l => l.Length > 0).ToArray();
var sections = env("SECTIONS", "").Split(',', StringSplitOptions.RemoveEmptyEntries);
var seconds = double.Parse(env("SECONDS", "20"), CultureInfo.InvariantCulture);
var viewers = int.Parse(env("VIEWERS", "500"), CultureInfo.InvariantCulture);
var rate = int.Parse(env("RATE", "1000"), CultureInfo.InvariantCulture);
var watched = Math.Min(viewers, int.Parse(env("WATCHED", "5"), CultureInfo.InvariantCulture));
var posters = int.Parse(env("POSTERS", "64"), CultureInfo.InvariantCulture);

using var stop = new CancellationTokenSource();
var clock = Stopwatch.StartNew();
double Now() => clock.Elapsed.TotalMilliseconds;

// Viewers: one connection each.
var viewerHandler = new SocketsHttpHandler { MaxConnectionsPerServer = viewers + 10, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
using var viewerClient = new HttpClient(viewerHandler) { BaseAddress = baseUrl, Timeout = Timeout.InfiniteTimeSpan };
var arrivals = Enumerable.Range(0, watched).Select(_ => new ConcurrentDictionary<Guid, double>()).ToArray();
var opened = 0;
long drained = 0;
var viewerTasks = Enumerable.Range(0, viewers).Select(async i =>
{
    using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/ratings/live");
    request.Headers.Add("Cookie", cookie);
    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
    using var response = await viewerClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
    if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"viewer {i}: {(int)response.StatusCode}");
    Interlocked.Increment(ref opened);
    await using var stream = await response.Content.ReadAsStreamAsync(stop.Token);
    var buffer = new byte[64 * 1024];
    var pending = new StringBuilder();
    try
    {
        while (true)
        {
            var n = await stream.ReadAsync(buffer, stop.Token);
            if (n == 0) break;
            Interlocked.Add(ref drained, n);
            if (i >= watched) continue;
            var at = Now();
            pending.Append(Encoding.UTF8.GetString(buffer, 0, n));
            var text = pending.ToString();
            var last = text.LastIndexOf('\n');
            if (last < 0) continue;
            foreach (var line in text[..last].Split('\n'))
                if (line.StartsWith("data: ", StringComparison.Ordinal))
                    arrivals[i].TryAdd(JsonDocument.Parse(line.AsMemory(6)).RootElement.GetProperty("id").GetGuid(), at);
            pending.Clear().Append(text[(last + 1)..]);
        }
    }
    catch (OperationCanceledException) { }
}).ToList();
while (Volatile.Read(ref opened) < viewers && !viewerTasks.Any(t => t.IsFaulted)) await Task.Delay(50);
if (viewerTasks.FirstOrDefault(t => t.IsFaulted) is { } failed) await failed;
Console.WriteLine($"{viewers} viewers connected");

// Posters: ratings scheduled every 1/RATE s, sent by POSTERS connections; the send time is kept by rating id.
var postHandler = new SocketsHttpHandler { MaxConnectionsPerServer = posters };
using var postClient = new HttpClient(postHandler) { BaseAddress = baseUrl };
var sent = new ConcurrentDictionary<Guid, double>();
long next = -1, ok = 0, refused = 0, late = 0;
var runMs = seconds * 1000;
var start = Now();
var prefix = "L" + DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture) + "-";
var posterTasks = Enumerable.Range(0, posters).Select(async p =>
{
    while (true)
    {
        var k = Interlocked.Increment(ref next);
        var due = start + k * 1000.0 / rate;
        if (due - start >= runMs) return;
        var wait = due - Now();
        if (wait > 1) await Task.Delay(TimeSpan.FromMilliseconds(wait));
        else if (wait < -50) Interlocked.Increment(ref late);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ratings")
        {
            Content = new StringContent($$"""{"sectionId":"{{sections[k % sections.Length]}}","caseNumber":"{{prefix}}{{k}}","level":{{(k % 50 == 0 ? 3 : k % 10 == 0 ? 2 : 1)}}}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[k % tokens.Length]);
        var t0 = Now();
        using var response = await postClient.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.Created)
        {
            var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
            sent[id] = t0;
            Interlocked.Increment(ref ok);
        }
        else Interlocked.Increment(ref refused);
    }
}).ToList();
await Task.WhenAll(posterTasks);
var elapsed = (Now() - start) / 1000;
await Task.Delay(2000); // the last events
stop.Cancel();
try { await Task.WhenAll(viewerTasks); } catch (OperationCanceledException) { } catch (HttpRequestException) { } catch (IOException) { }

var latencies = new List<double>();
var missing = 0;
foreach (var (id, t0) in sent)
    foreach (var a in arrivals)
    {
        if (a.TryGetValue(id, out var at)) latencies.Add(at - t0);
        else missing++;
    }
latencies.Sort();
double P(double q) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"viewers {viewers} (watched {watched}), target {rate}/s, achieved {ok / elapsed:F0}/s stored ({ok} in {elapsed:F1} s, {refused} refused, {late} sent >50 ms late), stream bytes {drained}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"POST->event latency over {latencies.Count} events ({missing} not seen): p50 {P(0.50):F0} ms, p95 {P(0.95):F0} ms, p99 {P(0.99):F0} ms, max {(latencies.Count > 0 ? latencies[^1] : double.NaN):F0} ms"));
