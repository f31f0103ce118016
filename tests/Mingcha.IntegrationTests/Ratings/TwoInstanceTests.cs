using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Features.Ratings;
using Microsoft.EntityFrameworkCore;

namespace Mingcha.IntegrationTests.Ratings;

/// <summary>A second app instance on the first one's database (PostgreSQL only: SQLite is one instance).</summary>
public sealed class SecondInstance(MingchaApp first, params (string Key, string Value)[] settings) : MingchaApp
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Mingcha:ConnectionString", first.Database.ConnectionString);
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
    }
}

public sealed class TwoInstanceTests
{
    [PostgresOnlyFact] // several instances need the shared PostgreSQL database
    [Trait("Rule", "SAT-2")]
    public async Task LiveStream_WhenRatingPostedToInstanceA_ReachesAViewerOnInstanceB()
    {
        using var a = new MingchaApp();
        _ = a.Services; // A migrates and loads the demo city first
        using var b = new SecondInstance(a);
        await b.Services.GetRequiredService<PostgresRatingListener>().Listening.Task.WaitAsync(TimeSpan.FromSeconds(20));

        var window = await a.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window).OrderBy(s => s.Code).FirstAsync());
        AccountsApi.CreateTokenResponse? token = null;
        await a.WithScopeAsync(async sp => token = await AccountsApi.CreateTokenAsync(new AccountsApi.CreateTokenRequest("device", ["ratings:write"], window.UnitId, null),
            "test", sp.GetRequiredService<Mingcha.Web.Data.MingchaDb>(), TimeProvider.System, default));
        var device = a.NewClient();
        device.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!.Token);

        var viewer = await b.ClientAsAsync(Roles.OfficeStaff);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var stream = await viewer.GetAsync("/api/v1/ratings/live", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(cts.Token));
        await reader.ReadLineAsync(cts.Token);

        var posted = await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = window.Id, caseNumber = "TWO-" + Guid.NewGuid().ToString("N")[..8], level = 2 });
        posted.EnsureSuccessStatusCode();
        var id = (await posted.Content.ReadFromJsonAsync<IdOnly>())!.Id;
        string? line;
        while ((line = await reader.ReadLineAsync(cts.Token)) is not null && !line.Contains(id.ToString(), StringComparison.Ordinal)) { }
        Assert.NotNull(line);
        Assert.NotSame(a.Services.GetRequiredService<RatingBroadcaster>(), b.Services.GetRequiredService<RatingBroadcaster>());
    }

    /// <summary>
    /// Decision 046: a window closed or moved through instance A is closed or moved for instance B's rating intake at
    /// once, not at B's next reading of its windows (here set to an hour, so only the database's notification can tell B).
    /// </summary>
    [PostgresOnlyFact]
    [Trait("Rule", "ORG-1")]
    [Trait("Rule", "SAT-8")]
    public async Task WindowClosedOrMovedOnInstanceA_InstanceBsIntakeFollowsAtOnce()
    {
        using var a = new MingchaApp();
        _ = a.Services;
        using var b = new SecondInstance(a, ("Mingcha:Ratings:DirectoryRefresh", "01:00:00"));
        await b.Services.GetRequiredService<PostgresRatingListener>().Listening.Task.WaitAsync(TimeSpan.FromSeconds(20));

        var office = await a.ClientAsAsync(Roles.OfficeAdmin);
        var (unitA, unitB, window) = await office.TwoUnitsAndAWindowAsync("two-" + Guid.NewGuid().ToString("N")[..6]);
        var (deviceA, tokenA) = await a.TokenClientAsync(unitA, "ratings:write");
        var (_, tokenB) = await a.TokenClientAsync(unitB, "ratings:write");
        HttpClient OnB(AccountsApi.CreateTokenResponse token)
        {
            var c = b.NewClient();
            c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
            return c;
        }
        var bDeviceA = OnB(tokenA);
        var bDeviceB = OnB(tokenB);
        Task<HttpResponseMessage> Rate(HttpClient device) => device.PostJsonAsync("/api/v1/ratings", new { sectionId = window, level = 1 });
        // B has read the window as the unit A's.
        Assert.Equal(HttpStatusCode.Created, (await Rate(bDeviceA)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Rate(bDeviceB)).StatusCode);

        var directoryB = b.Services.GetRequiredService<SectionDirectory>();
        await (await office.PatchJsonAsync($"/api/v1/sections/{window}", new { unitId = unitB })).ExpectAsync(HttpStatusCode.NoContent);
        Assert.True(await UntilAsync(async () => (await directoryB.FindAsync(window, null, default))?.UnitId == unitB));
        Assert.Equal(HttpStatusCode.Created, (await Rate(bDeviceB)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Rate(bDeviceA)).StatusCode);

        await (await office.PatchJsonAsync($"/api/v1/sections/{window}", new { active = false })).ExpectAsync(HttpStatusCode.NoContent);
        Assert.True(await UntilAsync(async () => (await directoryB.FindAsync(window, null, default))?.Active == false));
        Assert.Equal(HttpStatusCode.NotFound, (await Rate(bDeviceB)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Rate(deviceA)).StatusCode); // and on A, from the next request
    }

    /// <summary>Whether <paramref name="seen"/> comes true (the notification travels to B) within 30 s, the hour of B's own refresh far away.</summary>
    private static async Task<bool> UntilAsync(Func<Task<bool>> seen)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!await seen())
        {
            if (DateTime.UtcNow > until) return false;
            await Task.Delay(20);
        }
        return true;
    }

    private sealed record IdOnly(Guid Id);
}
