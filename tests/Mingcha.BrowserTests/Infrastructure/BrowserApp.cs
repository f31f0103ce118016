using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Identity;

namespace Mingcha.BrowserTests.Infrastructure;

/// <summary>
/// The real application listening on a loopback port (Kestrel), with the demo city on a fresh SQLite file,
/// and one headless Debian Chromium driven by Playwright. Never downloads a browser.
/// </summary>
public sealed class BrowserApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    private IPlaywright? _playwright;
    public TestDatabase Database { get; } = new();
    public IBrowser Browser { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Mingcha:DatabaseProvider", Database.Provider);
        builder.UseSetting("Mingcha:ConnectionString", Database.ConnectionString);
        builder.UseSetting("Mingcha:DataFolder", Database.DataFolder);
        builder.UseSetting("Mingcha:RunJobs", "false");
        builder.UseSetting("Mingcha:StrictQueries", "true"); // an unordered Take fails the test (MingchaOptions.StrictQueries)
    }

    public async Task InitializeAsync()
    {
        // Assertions wait as long as actions do (Playwright's own default is 5 s): CI machines are small and busy.
        Assertions.SetDefaultExpectTimeout(30_000);
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("MINGCHA_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    /// <summary>A fresh browser context; a phone-sized viewport when asked (inspectors work in the field).</summary>
    public async Task<IPage> NewPageAsync(bool phone = false)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            Locale = "zh-CN",
            ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1280, Height = 900 },
            IsMobile = phone,
        });
        context.SetDefaultTimeout(30_000); // generous: CI machines are small and busy
        return await context.NewPageAsync();
    }

    public sealed record Account(string UserName, string Password);

    /// <summary>An account with the given role and a known password; two-factor not yet enrolled.</summary>
    public async Task<Account> CreateAccountAsync(string role, Guid? unitId = null)
    {
        var name = $"{role.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..6]}";
        await using var scope = Services.CreateAsyncScope();
        var (_, password) = await scope.ServiceProvider.GetRequiredService<AccountService>().CreateAsync(name, name, unitId, null, [role]);
        return new Account(name, password);
    }

    /// <summary>INS-8: registers the account as a leader of its unit, who may sign an inspection record.</summary>
    public async Task DesignateUnitLeaderAsync(string userName)
    {
        await using var scope = Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Mingcha.Web.Features.Identity.MingchaUser>>().FindByNameAsync(userName)
            ?? throw new InvalidOperationException(userName);
        await scope.ServiceProvider.GetRequiredService<AccountService>().SetUnitLeaderAsync(user.Id, true, "browser-test");
    }

    public new async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        await base.DisposeAsync();
        Database.Dispose();
    }
}
