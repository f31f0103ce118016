using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Mingcha.Domain.Security;
using Mingcha.Web.Features.Identity;

namespace Mingcha.BrowserTests.Evidence;

/// <summary>
/// The app on a loopback port with a fresh SQLite database, for the evidence journey. Self-contained on purpose:
/// the shared browser-test host is another piece of work.
/// </summary>
public sealed class EvidenceBrowserApp : WebApplicationFactory<Program>
{
    public string DataFolder { get; } = Path.Combine(Path.GetTempPath(), "mingcha-bt-evidence", Guid.NewGuid().ToString("N"));
    public int Port { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public EvidenceBrowserApp()
    {
        Directory.CreateDirectory(DataFolder);
        using (var l = new TcpListener(IPAddress.Loopback, 0)) { l.Start(); Port = ((IPEndPoint)l.LocalEndpoint).Port; }
        UseKestrel(o => o.Listen(IPAddress.Loopback, Port));
        StartServer();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Mingcha:DatabaseProvider", "Sqlite");
        builder.UseSetting("Mingcha:DataFolder", DataFolder);
        builder.UseSetting("Mingcha:LoadDemoData", "true");
        builder.UseSetting("Mingcha:RunJobs", "false");
    }

    public async Task<(string User, string Password)> CreateUserAsync(string role)
    {
        var name = $"bt-{role.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..6]}";
        await using var scope = Services.CreateAsyncScope();
        var (_, password) = await scope.ServiceProvider.GetRequiredService<AccountService>().CreateAsync(name, "证据测试员", null, null, [role]);
        return (name, password);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(DataFolder, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}

/// <summary>Rules EVD-4 and EVD-3 in a real browser: upload a video with the progress bar, then watch it, logged.</summary>
public sealed class EvidenceUploadJourneyTests(EvidenceBrowserApp app) : IClassFixture<EvidenceBrowserApp>
{
    private static string Chromium => Environment.GetEnvironmentVariable("MINGCHA_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium";

    [Fact]
    [Trait("Rule", "EVD-4")]
    [Trait("Rule", "EVD-3")]
    public async Task Inspector_UploadsAVideoWithProgress_ThenItPlaysAndTheViewIsLogged()
    {
        var video = MakeVideo();
        var (user, password) = await app.CreateUserAsync(Roles.OfficeStaff);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--autoplay-policy=no-user-gesture-required"],
        });
        // A phone-sized screen: inspectors upload from the field.
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseUrl, ViewportSize = new ViewportSize { Width = 390, Height = 844 }, IsMobile = true });
        var login = await context.APIRequest.PostAsync("/api/v1/auth/login", new APIRequestContextOptions { DataObject = new { userName = user, password } });
        Assert.True(login.Ok, await login.TextAsync());
        var created = await context.APIRequest.PostAsync("/api/v1/evidence/cases", new APIRequestContextOptions { DataObject = new { kind = "CovertVisit", title = "浏览器测试暗访" } });
        var caseId = (await created.JsonAsync())!.Value.GetProperty("id").GetString();

        var page = await context.NewPageAsync();
        await page.GotoAsync($"/Evidence/Upload/{caseId}");
        await page.SetInputFilesAsync("#file", video);
        await page.ClickAsync("#start");
        await page.WaitForSelectorAsync("#result.ok", new PageWaitForSelectorOptions { Timeout = 60_000 });
        Assert.Equal(100, await page.EvalOnSelectorAsync<double>("#progress", "p => p.value"));
        Assert.Contains("100.0%", await page.TextContentAsync("#progress-text"), StringComparison.Ordinal);

        await page.ClickAsync("#result a");
        await page.WaitForSelectorAsync("form.evidence-access");
        Assert.Contains("0:03", await page.TextContentAsync("#evidence-items .duration"), StringComparison.Ordinal);
        await page.FillAsync("form.evidence-access input[name=purpose]", "核查窗口服务态度");
        await page.ClickAsync("form.evidence-access button[value=View]");
        await page.WaitForFunctionAsync("() => { const v = document.getElementById('player'); return v && v.readyState >= 2 && v.currentTime > 0.2; }",
            null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        Assert.True(await page.EvalOnSelectorAsync<double>("#player", "v => v.duration") is > 2.5 and < 3.5);

        await page.ReloadAsync();
        Assert.Contains("核查窗口服务态度", await page.TextContentAsync("#access-log"), StringComparison.Ordinal);
    }

    /// <summary>A 3-second VP9 test picture (WebM plays in every Chromium build, H.264 only in some).</summary>
    private static string MakeVideo()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mingcha-bt-{Guid.NewGuid().ToString("N")[..8]}.webm");
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=duration=3:size=320x240:rate=25",
                     "-c:v", "libvpx-vp9", "-deadline", "realtime", "-b:v", "300k", "-y", path })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
        return path;
    }
}
