using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.IntegrationTests.Ratings;

/// <summary>
/// Input at or past the ends of what the satisfaction module stores or computes: a 400 naming the field, never a 500
/// (a day's bounds past the calendar's end, a year DateOnly cannot hold, a text longer than its column on PostgreSQL).
/// </summary>
public sealed class RatingsOutOfRangeTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private sealed record Created(Guid Id);

    private static async Task AssertFieldAsync(HttpResponseMessage r, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains($"\"{field}\"", await r.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase); // the endpoint's own validation names it "Seed"
    }

    [Fact]
    [Trait("Rule", "SAT-4")]
    public async Task SatisfactionRate_WithADayOutsideTheYears2000To2100_IsA400()
    {
        var window = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window).OrderBy(s => s.Code).FirstAsync());
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        await AssertFieldAsync(await office.GetAsync($"/api/v1/satisfaction/units/{window.UnitId}?from=2026-01-01&to=9999-12-31"), "to");
        await AssertFieldAsync(await office.GetAsync($"/api/v1/satisfaction/units/{window.UnitId}?from=0001-01-01&to=2026-01-01"), "from");
        await AssertFieldAsync(await office.GetAsync($"/api/v1/satisfaction/sections/{window.Id}?from=2026-01-01&to=2101-01-01"), "to");
        // The edges themselves are fine.
        Assert.Equal(HttpStatusCode.OK, (await office.GetAsync($"/api/v1/satisfaction/units/{window.UnitId}?from=2000-01-01&to=2100-12-31")).StatusCode);
    }

    [Fact]
    [Trait("Rule", "SAT-3")]
    public async Task SurveyDraw_WithASeedOver200Characters_IsA400_AndNothingIsDrawn()
    {
        await app.CaseWithPhoneAsync(new DateTime(2025, 2, 3, 2, 0, 0, DateTimeKind.Utc)); // someone to draw in 2025 Q1
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        await AssertFieldAsync(await office.PostAsJsonAsync("/api/v1/surveys", new { year = 2025, quarter = 1, count = 1, seed = new string('s', 201) }), "seed");
        Assert.False(await app.WithDbAsync(db => db.Set<Mingcha.Web.Features.Ratings.SurveyDrawRecord>().AnyAsync(d => d.Year == 2025 && d.Quarter == 1)));
        Assert.Equal(HttpStatusCode.Created, (await office.PostAsJsonAsync("/api/v1/surveys", new { year = 2025, quarter = 1, count = 1, seed = new string('s', 200) })).StatusCode);
    }

    [Fact]
    [Trait("Rule", "ORG-7")]
    public async Task Secondment_WithATargetOver300Characters_OrDatesOrAPresenceYearOutOfRange_IsA400()
    {
        var outlet = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.TownshipOutlet).OrderBy(s => s.Code).FirstAsync());
        var staff = await app.WithDbAsync(db => db.Staff.OrderBy(s => s.Code).Select(s => s.Id).FirstAsync());
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        object Input(string start, string end, params string[] targets) => new { staffId = staff, outletSectionId = outlet.Id, title = "第一副所长", start, end, targets };
        var before = await app.WithDbAsync(db => db.Set<Mingcha.Web.Features.Ratings.Secondment>().CountAsync());

        await AssertFieldAsync(await office.PostAsJsonAsync("/api/v1/secondments", Input("2026-01-01", "2026-12-31", "服务行为规范", new string('标', 301))), "targets");
        await AssertFieldAsync(await office.PostAsJsonAsync("/api/v1/secondments", Input("0001-01-01", "2026-12-31", "服务行为规范")), "start");
        await AssertFieldAsync(await office.PostAsJsonAsync("/api/v1/secondments", Input("2026-01-01", "9999-12-31", "服务行为规范")), "end");
        Assert.Equal(before, await app.WithDbAsync(db => db.Set<Mingcha.Web.Features.Ratings.Secondment>().CountAsync()));

        var created = await office.PostAsJsonAsync("/api/v1/secondments", Input("2026-01-01", "2026-12-31", new string('标', 300)));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<Created>())!.Id;
        await AssertFieldAsync(await office.GetAsync($"/api/v1/secondments/{id}/presence?year=10000&month=1"), "year");
        await AssertFieldAsync(await office.GetAsync($"/api/v1/secondments/{id}/presence?year=0&month=1"), "year");
        Assert.Equal(HttpStatusCode.OK, (await office.GetAsync($"/api/v1/secondments/{id}/presence?year=2026&month=12")).StatusCode);
    }
}
