using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests.Evidence;

/// <summary>The built application as a separate process, so a test can SIGKILL it and start it again.</summary>
public sealed class AppProcess : IDisposable
{
    private readonly TestDatabase _db;
    private readonly string _bucket;
    private Process? _process;
    private readonly StringBuilder _log = new();

    public AppProcess(TestDatabase db, string bucket)
    {
        _db = db;
        _bucket = bucket;
    }

    public int Port { get; } = TestPorts.Free();
    public Uri BaseUri => new($"http://127.0.0.1:{Port}");
    public string Log { get { lock (_log) return _log.ToString(); } }

    /// <summary>The web project's own build output, of the same configuration as these tests.</summary>
    public static string WebDll
    {
        get
        {
            var config = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            return RepoRoot.Find("src", "Mingcha.Web", "bin", config, "net10.0", "Mingcha.Web.dll");
        }
    }

    private IEnumerable<string> Settings() =>
        new[]
        {
            $"--Mingcha:DatabaseProvider={_db.Provider}", $"--Mingcha:ConnectionString={_db.ConnectionString}",
            $"--Mingcha:DataFolder={_db.DataFolder}", "--Mingcha:LoadDemoData=false", "--Mingcha:RunJobs=false",
        }.Concat(EvidenceBackend.Settings(_bucket).Select(kv => $"--{kv.Key}={kv.Value}"));

    private static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(WebDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.ArgumentList.Add(WebDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    /// <summary>Runs an administrative command (same executable, verb first); returns its exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> CommandAsync(params string[] args)
    {
        using var p = Process.Start(StartInfo(args.Concat(Settings())))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout + await stderr);
    }

    public async Task StartAsync()
    {
        _process = new Process { StartInfo = StartInfo(Settings().Prepend($"--urls=http://127.0.0.1:{Port}")) };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(2) };
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until)
        {
            if (_process.HasExited) throw new InvalidOperationException("The app exited: " + Log);
            try
            {
                if ((await http.GetAsync("/health")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException("The app did not become healthy: " + Log);
    }

    /// <summary>SIGKILL: no shutdown, no flush; what was not on disk is gone.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false }) { _process.Kill(); _process.WaitForExit(); }
        _process?.Dispose();
        _process = null;
    }

    public void Dispose() => Kill();
}

/// <summary>Rules EVD-4 and EVD-5 against a server that is killed: an acknowledged offset survives, the upload resumes, the hash matches.</summary>
public sealed class EvidenceCrashTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly AppProcess _app;

    public EvidenceCrashTests() => _app = new AppProcess(_db, "crash-" + Guid.NewGuid().ToString("N")[..10]);

    [Fact]
    [Trait("Rule", "EVD-4")]
    [Trait("Rule", "EVD-5")]
    public async Task ServerKilledMidUpload_RestartsAndResumes_AndTheStoredHashMatches()
    {
        var (code, output) = await _app.CommandAsync("create-admin", "--user", "crash.staff", "--role", "OfficeStaff");
        Assert.True(code == 0, output);
        var password = output.Split("(shown once): ")[1].Trim().Split('\n')[0].Trim();

        await _app.StartAsync();
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = _app.BaseUri };
        (await http.PostAsJsonAsync("/api/v1/auth/login", new { userName = "crash.staff", password })).EnsureSuccessStatusCode();
        var cookie = string.Join("; ", cookies.GetCookies(_app.BaseUri).Select(c => $"{c.Name}={c.Value}"));
        var created = await http.PostAsJsonAsync("/api/v1/evidence/cases", new { kind = "CovertVisit", title = "崩溃测试" });
        var caseId = (await Json.ReadAsync(created)).GetProperty("id").GetGuid();

        var file = TestMedia.FakeMp4(16L << 20);
        var storage = Path.Combine(_db.DataFolder, "tus-urls.json");
        object Options(int delayMs) => new
        {
            endpoint = new Uri(_app.BaseUri, "/api/v1/evidence/uploads").ToString(),
            file,
            cookie,
            metadata = new Dictionary<string, string> { ["caseId"] = caseId.ToString(), ["filename"] = "crash.mp4" },
            chunkSize = 1 << 20,
            urlStorage = storage,
            delayMs,
            retryDelays = Array.Empty<int>(),
        };

        using (var first = new NodeTusClient(Options(200)))
        {
            await first.WaitForChunksAsync(5, TimeSpan.FromSeconds(60));
            _app.Kill(); // mid-upload: the next chunk is on its way
            first.Kill();
        }

        await _app.StartAsync();
        using var second = new NodeTusClient(Options(0));
        Assert.True(await second.WaitForExitAsync(TimeSpan.FromSeconds(120)) == 0, second.Stderr + string.Join("\n", second.Events) + _app.Log);
        var start = second.Find("start")!.Value;
        Assert.True(start.GetProperty("resumed").GetBoolean());
        Assert.True(start.GetProperty("resumeFrom").GetInt64() >= 5 << 20, start.ToString());

        var detail = await Json.ReadAsync(await http.GetAsync($"/api/v1/evidence/cases/{caseId}"));
        var item = detail.GetProperty("items").EnumerateArray().Single();
        var sha = TestMedia.Sha256Of(file);
        Assert.Equal(sha, item.GetProperty("sha256").GetString());

        // EVD-5 from the command line: intact, then a flipped byte makes it exit 1 naming the file.
        _app.Kill();
        var (ok, okOutput) = await _app.CommandAsync("verify-evidence");
        Assert.True(ok == 0, okOutput);
        if (!EvidenceBackend.IsS3)
        {
            var path = Path.Combine(_db.DataFolder, "evidence", "store", sha[..2], sha[2..4], sha);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            await using (var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
            {
                f.Seek(7 << 20, SeekOrigin.Begin);
                var b = f.ReadByte();
                f.Seek(-1, SeekOrigin.Current);
                f.WriteByte((byte)(b ^ 1));
            }
            var (bad, badOutput) = await _app.CommandAsync("verify-evidence");
            Assert.Equal(1, bad);
            Assert.Contains(sha, badOutput, StringComparison.Ordinal);
        }
    }

    public void Dispose()
    {
        _app.Dispose();
        _db.Dispose();
    }
}
