using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;

namespace Mingcha.IntegrationTests.Infrastructure;

/// <summary>
/// The real application in-process over HTTP, on a real database (SQLite file or PostgreSQL), with the demo
/// city loaded, background jobs off (tests run them explicitly) and a settable clock.
/// </summary>
public class MingchaApp : WebApplicationFactory<Program>
{
    public TestDatabase Database { get; } = new();
    public TestClock Clock { get; } = new(new DateTimeOffset(2026, 11, 16, 2, 0, 0, TimeSpan.Zero)); // Monday 10:00 in Beijing
    protected virtual bool LoadDemo => true;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Mingcha:DatabaseProvider", Database.Provider);
        builder.UseSetting("Mingcha:ConnectionString", Database.ConnectionString);
        builder.UseSetting("Mingcha:DataFolder", Database.DataFolder);
        builder.UseSetting("Mingcha:LoadDemoData", LoadDemo ? "true" : "false");
        builder.UseSetting("Mingcha:RunJobs", "false");
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
        });
    }

    public HttpClient NewClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public async Task<T> WithDbAsync<T>(Func<MingchaDb, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<MingchaDb>());
    }

    public async Task WithScopeAsync(Func<IServiceProvider, Task> work)
    {
        await using var scope = Services.CreateAsyncScope();
        await work(scope.ServiceProvider);
    }

    /// <summary>A test account; for roles that require two-factor, TOTP is enrolled and its key returned.</summary>
    public sealed record TestUser(string UserName, string Password, string? TotpKey, string Role, Guid? UnitId);

    public async Task<TestUser> CreateUserAsync(string role, Guid? unitId = null, string? userName = null)
    {
        userName ??= $"{role.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..6]}";
        string? key = null;
        string password = "";
        await WithScopeAsync(async sp =>
        {
            var accounts = sp.GetRequiredService<AccountService>();
            (var user, password) = await accounts.CreateAsync(userName, userName, unitId, null, [role]);
            if (Roles.RequireTwoFactor.Contains(role))
            {
                var users = sp.GetRequiredService<UserManager<MingchaUser>>();
                await users.ResetAuthenticatorKeyAsync(user);
                key = await users.GetAuthenticatorKeyAsync(user);
                await users.SetTwoFactorEnabledAsync(user, true);
            }
        });
        return new TestUser(userName, password, key, role, unitId);
    }

    /// <summary>A client signed in as a fresh user of <paramref name="role"/>.</summary>
    public async Task<HttpClient> ClientAsAsync(string role, Guid? unitId = null)
    {
        var user = await CreateUserAsync(role, unitId);
        var client = NewClient();
        var response = await LoginAsync(client, user);
        response.EnsureSuccessStatusCode();
        return client;
    }

    public static Task<HttpResponseMessage> LoginAsync(HttpClient client, TestUser user) =>
        client.PostAsJsonAsync("/api/v1/auth/login", new
        {
            userName = user.UserName,
            password = user.Password,
            // Identity checks TOTP codes against the real clock, not the injected TimeProvider.
            code = user.TotpKey is null ? null : Totp.Code(user.TotpKey, DateTimeOffset.UtcNow),
        });

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) Database.Dispose();
    }
}
