using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests.Ratings;

/// <summary>
/// SAT-1 durability: the server runs as a separate process from the built dll; a load driver posts ratings and
/// records every 201; the process is killed with SIGKILL mid-load; after a restart on the same data folder every
/// acknowledged rating is stored, and no case is stored twice. Runs on SQLite (the embedded database whose
/// fsync discipline the writer relies on).
/// </summary>
public sealed class CrashTests : IDisposable
{
    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), "mingcha-crash", Guid.NewGuid().ToString("N"));

    [OncePerRunFact]
    [Trait("Rule", "SAT-1")]
    public async Task RatingWriter_WhenServerKilledMidLoad_KeepsEveryAcknowledgedRatingOnce()
    {
        Directory.CreateDirectory(_dataFolder);
        var port = FreePort();
        var server = Start(port);
        try
        {
            await WaitHealthyAsync(port);
            var (token, section) = IssueToken();
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

            var acknowledged = new ConcurrentBag<string>();
            var sent = 0;
            using var stop = new CancellationTokenSource();
            var drivers = Enumerable.Range(0, 16).Select(d => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var caseNo = $"CRASH-{d}-{i}";
                    Interlocked.Increment(ref sent);
                    try
                    {
                        var r = await http.PostAsJsonAsync("/api/v1/ratings", new { sectionId = section, caseNumber = caseNo, level = 1 + i % 3 });
                        if (r.StatusCode == HttpStatusCode.Created) acknowledged.Add(caseNo);
                    }
                    catch (HttpRequestException) { return; }
                    catch (TaskCanceledException) { return; }
                }
            })).ToArray();

            // Kill mid-load: once a few hundred ratings were acknowledged (however slow the machine), or after a minute.
            var loading = Stopwatch.StartNew();
            while (acknowledged.Count < 300 && loading.Elapsed < TimeSpan.FromSeconds(60) && !drivers.All(d => d.IsCompleted)) await Task.Delay(50);
            server.Kill(); // SIGKILL: no shutdown, no flush
            await server.WaitForExitAsync();
            await stop.CancelAsync();
            await Task.WhenAll(drivers);
            Assert.True(acknowledged.Count > 50, $"only {acknowledged.Count} ratings acknowledged before the kill");

            server.Dispose();
            server = Start(port);
            await WaitHealthyAsync(port);

            await using var db = new SqliteConnection($"Data Source={Path.Combine(_dataFolder, "mingcha.db")}");
            await db.OpenAsync();
            var stored = new Dictionary<string, long>(StringComparer.Ordinal);
            await using (var cmd = db.CreateCommand())
            {
                cmd.CommandText = "SELECT \"CaseNumber\", COUNT(*) FROM \"Ratings\" WHERE \"CaseNumber\" LIKE 'CRASH-%' GROUP BY \"CaseNumber\"";
                await using var reader = await cmd.ExecuteReaderAsync();
                while (await reader.ReadAsync()) stored[reader.GetString(0)] = reader.GetInt64(1);
            }
            var lost = acknowledged.Where(c => !stored.ContainsKey(c)).ToList();
            Assert.Empty(lost);
            Assert.All(stored, kv => Assert.Equal(1, kv.Value));

            // A device that never got its answer retries: refused as a duplicate, still stored once.
            var again = await http.PostAsJsonAsync("/api/v1/ratings", new { sectionId = section, caseNumber = acknowledged.First(), level = 1 });
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        }
        finally
        {
            if (!server.HasExited) server.Kill();
            server.Dispose();
        }
    }

    private Process Start(int port)
    {
        var dll = WebDll();
        var psi = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                dll, "--urls", $"http://127.0.0.1:{port}", "--Mingcha:DataFolder=" + _dataFolder, "--Mingcha:RunJobs=false",
                "--Mingcha:Ratings:DevicePermitsPerMinute=10000000", "--Mingcha:Ratings:DeviceBurst=10000000",
                "--Logging:LogLevel:Default=Warning",
            },
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, e) => Keep(e.Data);
        p.ErrorDataReceived += (_, e) => Keep(e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static string WebDll()
    {
        // tests/Mingcha.IntegrationTests/bin/{Configuration}/net10.0 → src/Mingcha.Web/bin/{Configuration}/net10.0
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = here.Parent!.Name;
        var root = here.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(root, "src", "Mingcha.Web", "bin", configuration, "net10.0", "Mingcha.Web.dll");
        Assert.True(File.Exists(dll), $"built server not found at {dll}");
        return dll;
    }

    private (string Token, string Section) IssueToken()
    {
        using var db = new SqliteConnection($"Data Source={Path.Combine(_dataFolder, "mingcha.db")}");
        db.Open();
        string section, unit;
        using (var q = db.CreateCommand())
        {
            q.CommandText = "SELECT \"Id\", \"UnitId\" FROM \"Sections\" WHERE \"Kind\" = 'Window' ORDER BY \"Code\" LIMIT 1";
            using var r = q.ExecuteReader();
            r.Read();
            section = r.GetString(0);
            unit = r.GetString(1);
        }
        var id = Guid.NewGuid();
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        using var cmd = db.CreateCommand();
        cmd.CommandText = "INSERT INTO \"ApiTokens\" (\"Id\",\"Name\",\"SecretHash\",\"Scopes\",\"UnitId\",\"CreatedBy\",\"CreatedAt\",\"LastUsedAt\") VALUES ($id,'crash device',$hash,'ratings:write',$unit,'test',$now,$now)";
        cmd.Parameters.AddWithValue("$id", id.ToString().ToUpperInvariant());
        cmd.Parameters.AddWithValue("$hash", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret))));
        cmd.Parameters.AddWithValue("$unit", unit);
        cmd.Parameters.AddWithValue("$now", DateTime.UtcNow);
        cmd.ExecuteNonQuery();
        return ($"mct_{id:N}_{secret}", section);
    }

    // The server's last output lines, shown when it does not come up.
    private readonly ConcurrentQueue<string> _output = new();

    private void Keep(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > 40) _output.TryDequeue(out _);
    }

    private async Task WaitHealthyAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        // A start takes seconds on an idle machine; allow three minutes for one shared with builds and other suites.
        var waiting = System.Diagnostics.Stopwatch.StartNew();
        while (waiting.Elapsed < TimeSpan.FromMinutes(3))
        {
            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{port}/health")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100); // ask again soon: each start waited for up to half a second after it was healthy
        }
        throw new TimeoutException("the server did not become healthy; its last output:\n" + string.Join('\n', _output));
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        try { Directory.Delete(_dataFolder, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
