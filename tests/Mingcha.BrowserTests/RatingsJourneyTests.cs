using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Mingcha.BrowserTests.Infrastructure;
using Mingcha.BrowserTests.Pages;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.BrowserTests;

public sealed class RatingsJourneyTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    [Trait("Rule", "SAT-2")]
    public async Task ControlCentre_WhenRatingsArePosted_UpdatesLiveWithoutReload()
    {
        Guid sectionId, unitId;
        AccountsApi.CreateTokenResponse token;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
            var w = await db.Sections.Where(s => s.Kind == SectionKind.Window && s.ParentSectionId != null).OrderBy(s => s.Code).FirstAsync();
            (sectionId, unitId) = (w.Id, w.UnitId);
            token = await AccountsApi.CreateTokenAsync(new AccountsApi.CreateTokenRequest("device", ["ratings:write"], unitId, null), "test", db, TimeProvider.System, default);
        }
        var account = await app.CreateAccountAsync(Roles.Leader);
        var page = await app.NewPageAsync();
        await new LoginPage(page).SignInAsync(account.UserName, account.Password);
        var control = new ControlCentrePage(page);
        await control.OpenAsync();
        var before = int.Parse(await control.TotalCount.TextContentAsync() ?? "0", System.Globalization.CultureInfo.InvariantCulture);

        using var device = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        device.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        foreach (var level in new[] { 1, 2, 3 })
            (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId, caseNumber = "BR-" + Guid.NewGuid().ToString("N")[..10], level })).EnsureSuccessStatusCode();

        await Assertions.Expect(control.TotalCount).ToHaveTextAsync((before + 3).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(control.BadWall).ToHaveCountAsync(1);
        await Assertions.Expect(control.WindowRow(sectionId)).ToHaveClassAsync("flagged");
    }
}
