using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.IntegrationTests.Ratings;

/// <summary>The control centre's page before the day's first rating (SAT-2), on an app of its own: other tests rate windows today.</summary>
public sealed class ControlCentrePageTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    [Fact]
    [Trait("Rule", "SAT-2")]
    public async Task ControlCentre_BeforeTodaysFirstRating_SaysWhenTheLastOneCameIn()
    {
        // A unit's own view, on a database of this class alone: no other test rates it today.
        var w = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window && s.ParentSectionId != null).OrderByDescending(s => s.Code).FirstAsync());
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, w.UnitId);
        Assert.DoesNotContain("id=\"last-rated\"", await liaison.GetStringAsync("/Ratings/Control"), StringComparison.Ordinal); // none at all yet

        // Friday afternoon's rating, sent by a device that was offline (the test clock reads Monday 10:00).
        var (device, _) = await app.TokenClientAsync(w.UnitId, "ratings:write");
        Assert.Equal(HttpStatusCode.Created, (await device.PostAsJsonAsync("/api/v1/ratings",
            new { sectionId = w.Id, level = 1, ratedAt = "2026-11-13T16:45:00+08:00" })).StatusCode);
        var page = await liaison.GetStringAsync("/Ratings/Control");
        Assert.Contains("最近一次评价：2026-11-13 16:45。", page, StringComparison.Ordinal);

        // Today's first rating: the page counts today again, and the note is not written.
        Assert.Equal(HttpStatusCode.Created, (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, level = 1 })).StatusCode);
        Assert.DoesNotContain("id=\"last-rated\"", await liaison.GetStringAsync("/Ratings/Control"), StringComparison.Ordinal);
    }
}
