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
public sealed class SecondInstance(MingchaApp first) : MingchaApp
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Mingcha:ConnectionString", first.Database.ConnectionString);
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

    private sealed record IdOnly(Guid Id);
}
