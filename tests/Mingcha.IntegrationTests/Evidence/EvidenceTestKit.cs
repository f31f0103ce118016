using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests.Evidence;

/// <summary>
/// Which store the evidence tests run against: the local folder, or S3 when MINGCHA_TEST_S3 holds the URL of an
/// S3-compatible server (test.sh starts s3rver on loopback and runs the evidence tests a second time).
/// </summary>
public static class EvidenceBackend
{
    public static string? S3Url => Environment.GetEnvironmentVariable("MINGCHA_TEST_S3") is { Length: > 0 } s ? s : null;
    public static bool IsS3 => S3Url is not null;

    /// <summary>Settings for the app (in-process or a separate process) to use the chosen store.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Settings(string bucket) => S3Url is { } url
        ? [
            new("Mingcha:Evidence:Storage", "S3"),
            new("Mingcha:Evidence:S3:ServiceUrl", url),
            new("Mingcha:Evidence:S3:Bucket", bucket),
            new("Mingcha:Evidence:S3:AccessKey", "S3RVER"),
            new("Mingcha:Evidence:S3:SecretKey", "S3RVER"),
            new("Mingcha:Evidence:S3:PartSize", (5 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ]
        : [new("Mingcha:Evidence:Storage", "Local")];
}

/// <summary>The app on a real loopback port (Kestrel), so that Node's tus-js-client can reach it.</summary>
public sealed class EvidenceApp : MingchaApp
{
    public string Bucket { get; } = "ev-" + Guid.NewGuid().ToString("N")[..12];
    public int Port { get; } = TestPorts.Free();
    public Uri BaseUri => new($"http://127.0.0.1:{Port}");

    public EvidenceApp()
    {
        UseKestrel(o => o.Listen(IPAddress.Loopback, Port));
        StartServer();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        foreach (var (k, v) in EvidenceBackend.Settings(Bucket)) builder.UseSetting(k, v);
    }

    /// <summary>The demo's human-resources unit (A) and another unit (B).</summary>
    public async Task<(Guid UnitA, Guid UnitB)> UnitsAsync() => await WithDbAsync(async db =>
    {
        var a = await db.Units.FirstAsync(u => u.Code == Mingcha.Web.Features.Organisation.DemoData.HrUnitCode);
        var b = await db.Units.FirstAsync(u => u.Code != Mingcha.Web.Features.Organisation.DemoData.HrUnitCode);
        return (a.Id, b.Id);
    });

    /// <summary>Opens an evidence case through the API as <paramref name="office"/>; returns its id.</summary>
    public static async Task<Guid> OpenCaseAsync(HttpClient office, string kind, Guid? unit, Guid? team = null, string title = "暗访 人社局综合大厅")
    {
        var r = await office.PostAsJsonAsync("/api/v1/evidence/cases", new { kind, title, targetUnitId = unit, teamId = team });
        return (await Json.ReadAsync(r)).GetProperty("id").GetGuid();
    }

    /// <summary>A fresh Office user and a case of <paramref name="kind"/> on unit A.</summary>
    public async Task<(SignedIn Office, Guid CaseId)> OfficeWithCaseAsync(string kind = "CovertVisit")
    {
        var office = await SignInAsync(Mingcha.Domain.Security.Roles.OfficeStaff);
        var (a, _) = await UnitsAsync();
        return (office, await OpenCaseAsync(office.Client, kind, a));
    }

    /// <summary>A real HTTP client signed in as a fresh user; also returns the cookie (for Node) and the user's id.</summary>
    public async Task<SignedIn> SignInAsync(string role, Guid? unitId = null)
    {
        var user = await CreateUserAsync(role, unitId);
        var cookies = new CookieContainer();
#pragma warning disable CA2000 // the client owns the handler
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = BaseUri };
#pragma warning restore CA2000
        (await LoginAsync(client, user)).EnsureSuccessStatusCode();
        var cookie = cookies.GetCookies(BaseUri).Select(c => $"{c.Name}={c.Value}").Aggregate((a, b) => a + "; " + b);
        var id = await WithDbAsync(async db => (await db.Users.FirstAsync(u => u.UserName == user.UserName)).Id);
        return new SignedIn(client, cookie, id, user.UserName, user);
    }

    /// <summary>Signs the same user in again (after the test clock jumped past the session's idle timeout).</summary>
    public static async Task SignInAgainAsync(SignedIn who) => (await LoginAsync(who.Client, who.User)).EnsureSuccessStatusCode();
}

public sealed record SignedIn(HttpClient Client, string Cookie, string UserId, string UserName, MingchaApp.TestUser User);

public static class TestPorts
{
    public static int Free()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

/// <summary>Test files: a real video made by ffmpeg, large files that sniff as MP4, an executable renamed .mp4.</summary>
public static class TestMedia
{
    private static readonly Lazy<string> Folder = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), "mingcha-it-media", Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        return dir;
    });

    /// <summary>A 5-second H.264 test video with a creation time in its metadata.</summary>
    public static string Video(int seconds = 5, string creationTime = "2026-11-16T01:30:00Z")
    {
        var path = Path.Combine(Folder.Value, $"testsrc-{seconds}s-{Guid.NewGuid().ToString("N")[..6]}.mp4");
        Run("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", $"testsrc=duration={seconds}:size=320x240:rate=25",
            "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", "-metadata", $"creation_time={creationTime}", "-y", path);
        return path;
    }

    /// <summary>A file of random bytes behind an MP4 'ftyp' box, so the type check passes; ffprobe cannot read it.</summary>
    public static string FakeMp4(long size)
    {
        var path = Path.Combine(Folder.Value, $"fake-{size}-{Guid.NewGuid().ToString("N")[..6]}.mp4");
        using var f = File.Create(path);
        byte[] header = [0, 0, 0, 0x18, .. "ftypisom"u8, 0, 0, 2, 0, .. "isomiso2"u8];
        f.Write(header);
        var buffer = new byte[1 << 20];
        for (long left = size - header.Length; left > 0; left -= buffer.Length)
        {
            RandomNumberGenerator.Fill(buffer);
            f.Write(buffer, 0, (int)Math.Min(buffer.Length, left));
        }
        return path;
    }

    public static string Executable()
    {
        var path = Path.Combine(Folder.Value, $"setup-{Guid.NewGuid().ToString("N")[..6]}.mp4");
        var bytes = new byte[4096];
        RandomNumberGenerator.Fill(bytes);
        bytes[0] = (byte)'M'; bytes[1] = (byte)'Z';
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public static string Sha256Of(string path)
    {
        using var f = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(f));
    }

    private static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {err}");
    }
}

/// <summary>Runs tests/node/tus-upload.mjs (tus-js-client 4.3.1 from npm) and collects its events.</summary>
public sealed class NodeTusClient : IDisposable
{
    private readonly Process _process;
    private readonly List<JsonElement> _events = [];
    private readonly Lock _lock = new();
    private readonly StringBuilder _stderr = new();

    public static string NodeFolder
    {
        get
        {
            var dir = RepoRoot.Find("tests", "node");
            if (!Directory.Exists(Path.Combine(dir, "node_modules", "tus-js-client")))
            {
                // test.sh installs it; a bare `dotnet test` does it here (npm registry, pinned by package-lock.json).
                var psi = new ProcessStartInfo("npm", "ci --no-audit --no-fund") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
                using var npm = Process.Start(psi)!;
                npm.StandardOutput.ReadToEnd();
                npm.WaitForExit();
            }
            return dir;
        }
    }

    public NodeTusClient(object options)
    {
        var psi = new ProcessStartInfo("node") { WorkingDirectory = NodeFolder, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("tus-upload.mjs");
        psi.ArgumentList.Add(JsonSerializer.Serialize(options));
        _process = new Process { StartInfo = psi };
        _process.OutputDataReceived += (_, e) =>
        {
            if (string.IsNullOrWhiteSpace(e.Data)) return;
            try { lock (_lock) _events.Add(JsonDocument.Parse(e.Data).RootElement.Clone()); }
            catch (JsonException) { lock (_lock) _stderr.AppendLine(e.Data); }
        };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_lock) _stderr.AppendLine(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public IReadOnlyList<JsonElement> Events { get { lock (_lock) return [.. _events]; } }
    public string Stderr { get { lock (_lock) return _stderr.ToString(); } }
    public int Chunks => Events.Count(e => e.GetProperty("event").GetString() == "chunk");
    public JsonElement? Find(string name) => Events.Where(e => e.GetProperty("event").GetString() == name).Select(e => (JsonElement?)e).FirstOrDefault();

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // drains the output events
        return _process.ExitCode;
    }

    public async Task WaitForChunksAsync(int count, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (Chunks < count)
        {
            if (_process.HasExited || DateTime.UtcNow > until)
                throw new TimeoutException($"Only {Chunks} chunks; stderr: {Stderr}; events: {string.Join(" ", Events)}");
            await Task.Delay(20);
        }
    }

    /// <summary>SIGKILL: the client dies mid-request, as a closed browser tab or a dropped phone does.</summary>
    public void Kill() { if (!_process.HasExited) _process.Kill(entireProcessTree: true); _process.WaitForExit(); }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}

public static class RepoRoot
{
    public static string Find(params string[] relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Mingcha.sln"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("Mingcha.sln not found above " + AppContext.BaseDirectory);
        return Path.Combine([dir.FullName, .. relative]);
    }
}

/// <summary>The tus calls made by hand, to assert the protocol's exact statuses and headers.</summary>
public static class Tus
{
    public static HttpRequestMessage Request(HttpMethod method, string url)
    {
        var r = new HttpRequestMessage(method, url);
        r.Headers.Add("Tus-Resumable", "1.0.0");
        return r;
    }

    public static async Task<HttpResponseMessage> CreateAsync(HttpClient client, Guid caseId, long length, string fileName = "visit.mp4", IDictionary<string, string>? extra = null)
    {
        var meta = new Dictionary<string, string> { ["caseId"] = caseId.ToString(), ["filename"] = fileName };
        if (extra is not null) foreach (var (k, v) in extra) meta[k] = v;
        using var r = Request(HttpMethod.Post, "/api/v1/evidence/uploads");
        r.Headers.Add("Upload-Length", length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        r.Headers.Add("Upload-Metadata", Mingcha.Domain.Evidence.TusProtocol.FormatMetadata(meta));
        return await client.SendAsync(r);
    }

    public static async Task<HttpResponseMessage> PatchAsync(HttpClient client, string url, long offset, ReadOnlyMemory<byte> data, string? checksum = null, string contentType = "application/offset+octet-stream")
    {
        using var r = Request(HttpMethod.Patch, url);
        r.Headers.Add("Upload-Offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (checksum is not null) r.Headers.Add("Upload-Checksum", checksum);
        r.Content = new ReadOnlyMemoryContent(data);
        r.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        return await client.SendAsync(r);
    }

    public static async Task<HttpResponseMessage> HeadAsync(HttpClient client, string url)
    {
        using var r = Request(HttpMethod.Head, url);
        return await client.SendAsync(r);
    }

    public static long Offset(HttpResponseMessage r) => long.Parse(r.Headers.GetValues("Upload-Offset").Single(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Uploads a whole file in one PATCH; returns the evidence id.</summary>
    public static async Task<Guid> UploadAsync(HttpClient client, Guid caseId, string path, IDictionary<string, string>? meta = null)
    {
        var bytes = await File.ReadAllBytesAsync(path);
        using var created = await CreateAsync(client, caseId, bytes.Length, Path.GetFileName(path), meta);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var patched = await PatchAsync(client, created.Headers.Location!.ToString(), 0, bytes);
        Assert.True(patched.StatusCode == HttpStatusCode.NoContent, await patched.Content.ReadAsStringAsync());
        return Guid.Parse(patched.Headers.GetValues("Mingcha-Evidence-Id").Single());
    }
}

public static class Json
{
    public static async Task<JsonElement> ReadAsync(HttpResponseMessage r)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"{(int)r.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static Task<HttpResponseMessage> PostAsync(HttpClient c, string url, object body) => c.PostAsJsonAsync(url, body);
}
