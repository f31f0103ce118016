using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.IntegrationTests.Ratings;

/// <summary>SAT-4 for a county with its townships, at any depth, on an app of its own (the units added here would join other tests' rankings).</summary>
public sealed class SatisfactionSubUnitTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private sealed record UnitRate(int Counted, decimal? Rate);
    private sealed record Line(Guid Id, int Ratings, decimal? Coefficient, int FollowUps);
    private sealed record Report(Line? Unit, Line? WithSubUnits, int SubUnits);

    [Fact]
    [Trait("Rule", "SAT-4")]
    public async Task CountysCoefficient_CountsItsTownshipsAndTheirsBelow_TheReportShowsBoth()
    {
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var (county, windows) = await app.WithDbAsync(async db =>
        {
            var c = new Unit("sub-county", "测试县", now);
            db.Units.Add(c);
            await db.SaveChangesAsync();
            var town = new Unit("sub-town", "测试镇", now, c.Id);
            db.Units.Add(town);
            await db.SaveChangesAsync();
            var village = new Unit("sub-village", "测试村服务站", now, town.Id);
            db.Units.Add(village);
            await db.SaveChangesAsync();
            var sections = new[] { (c.Id, "sub-w1"), (town.Id, "sub-w2"), (village.Id, "sub-w3") }
                .Select(x => new Section(x.Item1, x.Item2, x.Item2 + " 窗口", SectionKind.Window, now)).ToList();
            db.Sections.AddRange(sections);
            await db.SaveChangesAsync();
            return (c.Id, sections.Select(s => (s.UnitId, s.Id)).ToList());
        });
        // The county 满意 (100), the township 基本满意 (60), the village station 不满意 (0).
        foreach (var ((unit, section), level) in windows.Zip(new[] { 1, 2, 3 }))
        {
            var (device, _) = await app.TokenClientAsync(unit, "ratings:write");
            Assert.Equal(HttpStatusCode.Created, (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = section, level })).StatusCode);
        }

        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var own = await office.GetFromJsonAsync<UnitRate>($"/api/v1/satisfaction/units/{county}?from=2026-11-16&to=2026-11-16&includeChildren=false");
        Assert.Equal((1, 1m), (own!.Counted, own.Rate));
        var all = await office.GetFromJsonAsync<UnitRate>($"/api/v1/satisfaction/units/{county}?from=2026-11-16&to=2026-11-16");
        Assert.Equal((3, 0.5333m), (all!.Counted, Math.Round(all.Rate!.Value, 4))); // (100 + 60 + 0) / 300

        var report = await office.GetFromJsonAsync<Report>($"/api/v1/satisfaction/report?from=2026-11-16&to=2026-11-16&unitId={county}");
        Assert.Equal((1, 1m), (report!.Unit!.Ratings, report.Unit.Coefficient));
        Assert.Equal(2, report.SubUnits);
        Assert.Equal((3, 0.5333m), (report.WithSubUnits!.Ratings, Math.Round(report.WithSubUnits.Coefficient!.Value, 4)));
        // The village station's bad rating opened a follow-up (SAT-7): the county's own line has none, its total has it.
        var withCase = await RatingsTests.WaitForAsync(async () =>
        {
            var r = await office.GetFromJsonAsync<Report>($"/api/v1/satisfaction/report?from=2026-11-16&to=2026-11-16&unitId={county}");
            return r!.WithSubUnits!.FollowUps == 1 ? r : null;
        });
        Assert.Equal(0, withCase.Unit!.FollowUps);
    }
}
