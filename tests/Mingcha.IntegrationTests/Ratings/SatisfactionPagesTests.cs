using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.IntegrationTests.Ratings;

/// <summary>The office's pages of the satisfaction module: flags review (SAT-9), incentives (SAT-5), secondments (ORG-7).</summary>
public sealed partial class SatisfactionPagesTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private sealed record Created(Guid Id);

    [Fact]
    [Trait("Rule", "SAT-9")]
    public async Task FlagsPage_WhenTheOfficeConfirmsABurst_ExcludesTheRatingAndTheUnitCannotOpenIt()
    {
        var w = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window && s.ParentSectionId != null).OrderBy(s => s.Code).Skip(8).FirstAsync());
        AccountsApi.CreateTokenResponse? t = null;
        await app.WithScopeAsync(async sp => t = await AccountsApi.CreateTokenAsync(
            new AccountsApi.CreateTokenRequest("burst device", ["ratings:write"], w.UnitId, null), "test", sp.GetRequiredService<MingchaDb>(), TimeProvider.System, default));
        var device = app.NewClient();
        device.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", t!.Token);
        for (var i = 0; i < 10; i++) // ten top ratings from one device within two minutes: the device-burst rule fires
            Assert.Equal(HttpStatusCode.Created, (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, level = 1 })).StatusCode);
        var flag = await RatingsTests.WaitForAsync(() => app.WithDbAsync(db =>
            db.RatingFlags.Where(f => db.Ratings.Any(r => r.Id == f.RatingId && r.DeviceId == t.Id)).FirstOrDefaultAsync()));

        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var page = await office.GetStringAsync("/Ratings/Flags");
        Assert.Contains($"data-flag=\"{flag.Id}\"", page, StringComparison.Ordinal);
        var token = Antiforgery().Match(page).Groups[1].Value;
        var posted = await office.PostAsync("/Ratings/Flags?handler=Review", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["id"] = flag.Id.ToString(), ["confirmed"] = "true", ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.True(await app.WithDbAsync(db => db.RatingExclusions.AnyAsync(x => x.RatingId == flag.RatingId)));
        Assert.DoesNotContain($"data-flag=\"{flag.Id}\"", await office.GetStringAsync("/Ratings/Flags"), StringComparison.Ordinal);

        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, w.UnitId);
        Assert.NotEqual(HttpStatusCode.OK, (await liaison.GetAsync("/Ratings/Flags")).StatusCode);
    }

    [Fact]
    [Trait("Rule", "SAT-5")]
    [Trait("Rule", "ORG-7")]
    public async Task IncentivesAndSecondmentsPages_WhenOpenedByTheOffice_ShowTheYearsBadgesAndTheSecondments()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        Assert.Equal(HttpStatusCode.OK, (await office.PostAsync("/api/v1/incentives/2026/badges", null)).StatusCode);
        var incentives = await office.GetStringAsync("/Ratings/Incentives?year=2026");
        Assert.Matches(@"id=""badges-held"">[^<]*[1-9]", incentives);
        Assert.Contains("data-ranking-title=\"BestServiceModel\"", incentives, StringComparison.Ordinal);

        var outlet = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window).OrderBy(s => s.Code).FirstAsync());
        var staff = await app.WithDbAsync(db => db.Staff.OrderBy(s => s.Code).Select(s => s.Id).FirstAsync());
        var created = await office.PostAsJsonAsync("/api/v1/secondments", new { staffId = staff, outletSectionId = outlet.Id, title = "第一副所长", start = "2026-11-01", end = "2027-10-31", targets = new[] { "服务行为规范" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<Created>())!.Id;
        var secondments = await office.GetStringAsync("/Ratings/Secondments");
        Assert.Contains($"data-secondment=\"{id}\"", secondments, StringComparison.Ordinal);
        Assert.Contains("0 / 1", secondments, StringComparison.Ordinal); // no target met yet

        var leader = await app.ClientAsAsync(Roles.Leader);
        Assert.NotEqual(HttpStatusCode.OK, (await leader.GetAsync("/Ratings/Secondments")).StatusCode);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();
}
