using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
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
    /// <summary>Monday 2026-11-16 10:00 in Beijing.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 16, 2, 0, 0, TimeSpan.Zero);

    /// <summary>Header a test sets to choose the client address the app sees (TestServer has no socket to take it from).</summary>
    public const string RemoteIpHeader = "X-Test-Remote-Ip";

    private readonly bool _ownsDatabase;
    private TestDatabase? _database;
    private readonly Lock _databaseLock = new();

    public MingchaApp() : this(null, new TestClock(Start), ownsDatabase: true)
    {
    }

    /// <param name="database">
    /// The database to run on; null for one of its own, made at first use: a copy of a prepared template
    /// (<see cref="TestDatabase.Prepared"/>, with or without the demo city as <see cref="LoadDemo"/> says) while the clock
    /// still reads <see cref="Start"/>, else an empty one that the app migrates and seeds at its own start.
    /// </param>
    protected MingchaApp(TestDatabase? database, TestClock clock, bool ownsDatabase)
    {
        if (database is null && !ownsDatabase) throw new ArgumentException("An app that does not own its database must be given it.", nameof(database));
        _database = database;
        Clock = clock;
        _ownsDatabase = ownsDatabase;
    }

    /// <summary>
    /// A second app instance on the same database and clock, as two servers behind a load balancer: it does not
    /// load the demo city and leaves the database in place when disposed (its first instance owns it).
    /// Start the first instance before this one.
    /// </summary>
    public static MingchaApp SharingDatabaseWith(MingchaApp first) => new(first.Database, first.Clock, ownsDatabase: false);

    public TestDatabase Database
    {
        get
        {
            lock (_databaseLock)
                return _database ??= Clock.GetUtcNow() == Start ? TestDatabase.Prepared(LoadDemo) : new TestDatabase();
        }
    }
    public TestClock Clock { get; }
    protected virtual bool LoadDemo => _ownsDatabase;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Mingcha:DatabaseProvider", Database.Provider);
        builder.UseSetting("Mingcha:ConnectionString", Database.ConnectionString);
        builder.UseSetting("Mingcha:DataFolder", Database.DataFolder);
        builder.UseSetting("Mingcha:LoadDemoData", LoadDemo ? "true" : "false");
        builder.UseSetting("Mingcha:RunJobs", "false");
        builder.UseSetting("Mingcha:StrictQueries", "true"); // an unordered Take fails the test (MingchaOptions.StrictQueries)
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            services.AddTransient<IStartupFilter, RemoteIpStartupFilter>();
            // Tests sign in hundreds of times: the production work factor (100,000 PBKDF2 rounds) would dominate the run.
            services.Configure<PasswordHasherOptions>(o => o.IterationCount = 1_000);
        });
    }

    public HttpClient NewClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>An API token of <paramref name="scopes"/> bound to <paramref name="unitId"/> (a rating device, a business system), and a client that sends it.</summary>
    public async Task<(HttpClient Client, AccountsApi.CreateTokenResponse Token)> TokenClientAsync(Guid? unitId, params string[] scopes)
    {
        AccountsApi.CreateTokenResponse? token = null;
        await WithScopeAsync(async sp => token = await AccountsApi.CreateTokenAsync(
            new AccountsApi.CreateTokenRequest("test " + Guid.NewGuid().ToString("N")[..6], scopes, unitId, null), "test", sp.GetRequiredService<MingchaDb>(), TimeProvider.System, default));
        var client = NewClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token!.Token);
        return (client, token);
    }

    /// <summary>A case of the first window finished at <paramref name="finishedAt"/> with a phone number, so that its quarter has someone to draw (SAT-3).</summary>
    public async Task CaseWithPhoneAsync(DateTime finishedAt)
    {
        var window = await WithDbAsync(db => db.Sections.Where(s => s.Kind == Mingcha.Web.Features.Organisation.SectionKind.Window).OrderBy(s => s.Code)
            .Select(s => s.Id).FirstAsync());
        var office = await ClientAsAsync(Roles.OfficeStaff);
        Assert.Equal(HttpStatusCode.Created, (await office.PostAsJsonAsync("/api/v1/service-records",
            new { caseNumber = $"PH-{Guid.NewGuid():N}"[..20], sectionId = window, citizenPhone = "13700001234", finishedAt })).StatusCode);
    }

    /// <summary>Reads or writes the app's database as a request would: after the ratings acknowledged so far are in the tables (decision 017).</summary>
    public async Task<T> WithDbAsync<T>(Func<MingchaDb, Task<T>> work)
    {
        await Services.GetRequiredService<Mingcha.Web.Features.Ratings.RatingWriter>().CaughtUpAsync();
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<MingchaDb>());
    }

    public async Task WithScopeAsync(Func<IServiceProvider, Task> work)
    {
        await Services.GetRequiredService<Mingcha.Web.Features.Ratings.RatingWriter>().CaughtUpAsync();
        await using var scope = Services.CreateAsyncScope();
        await work(scope.ServiceProvider);
    }

    /// <summary>A test account; for roles that require two-factor, TOTP is enrolled and its key returned.</summary>
    public sealed record TestUser(string Id, string UserName, string Password, string? TotpKey, string Role, Guid? UnitId);

    /// <summary>Creates an account directly through the app's account service (not the API under test).</summary>
    /// <param name="enrolTwoFactor">For roles that require it, set up TOTP as the user would at first sign-in.</param>
    public async Task<TestUser> CreateUserAsync(string role, Guid? unitId = null, string? userName = null, bool enrolTwoFactor = true)
    {
        userName ??= $"{role.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..8]}";
        string? key = null;
        string password = "";
        string id = "";
        await WithScopeAsync(async sp =>
        {
            var accounts = sp.GetRequiredService<AccountService>();
            (var user, password) = await accounts.CreateAsync(userName, userName, unitId, null, [role]);
            id = user.Id;
            if (enrolTwoFactor && Roles.RequireTwoFactor.Contains(role))
            {
                var users = sp.GetRequiredService<UserManager<MingchaUser>>();
                await users.ResetAuthenticatorKeyAsync(user);
                key = await users.GetAuthenticatorKeyAsync(user);
                await users.SetTwoFactorEnabledAsync(user, true);
            }
        });
        return new TestUser(id, userName, password, key, role, unitId);
    }

    /// <summary>INS-8: registers the account as a leader of its unit (who may sign inspection records as the leader on duty).</summary>
    public Task DesignateUnitLeaderAsync(string userId) =>
        WithScopeAsync(sp => sp.GetRequiredService<AccountService>().SetUnitLeaderAsync(userId, true, "test"));

    /// <summary>A client signed in as a fresh user of <paramref name="role"/>.</summary>
    public async Task<HttpClient> ClientAsAsync(string role, Guid? unitId = null) => (await SignedInAsync(role, unitId)).Client;

    /// <summary>A fresh user of <paramref name="role"/> and a client signed in as them.</summary>
    public async Task<(TestUser User, HttpClient Client)> SignedInAsync(string role, Guid? unitId = null)
    {
        var user = await CreateUserAsync(role, unitId);
        var client = NewClient();
        var response = await LoginAsync(client, user);
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"Login as {role} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (user, client);
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
        if (disposing && _ownsDatabase) _database?.Dispose();
    }

    /// <summary>
    /// Gives each request the client address Kestrel would: loopback, or the one a test names in <see cref="RemoteIpHeader"/>.
    /// TestServer leaves RemoteIpAddress null because there is no socket.
    /// </summary>
    private sealed class RemoteIpStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext ctx, RequestDelegate nextMiddleware) =>
            {
                ctx.Connection.RemoteIpAddress = IPAddress.TryParse(ctx.Request.Headers[RemoteIpHeader].ToString(), out var ip) ? ip : IPAddress.Loopback;
                return nextMiddleware(ctx);
            });
            next(app);
        };
    }
}

/// <summary>The app on an empty organisation (no demo city): starts in well under a second, for tests that make their own data.</summary>
public sealed class BareMingchaApp : MingchaApp
{
    protected override bool LoadDemo => false;
}
