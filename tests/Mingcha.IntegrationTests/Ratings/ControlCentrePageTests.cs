using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.IntegrationTests.Ratings;

/// <summary>
/// The control centre's page before the day's first rating, and the windows not rated yet today (SAT-2), on an app of its
/// own: other tests rate windows today.
/// </summary>
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

    [Fact]
    [Trait("Rule", "SAT-2")]
    public async Task ControlCentre_NamesTheWindowsRatedLastWeekButNotYetToday_UntilTheirFirstRating()
    {
        // Two windows of another unit than the test above, rated by their devices last Thursday; one is rated today too.
        var windows = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window && s.ParentSectionId != null).OrderBy(s => s.Code).Take(2).ToListAsync());
        var (device, _) = await app.TokenClientAsync(windows[0].UnitId, "ratings:write");
        Assert.Equal(windows[0].UnitId, windows[1].UnitId);
        foreach (var w in windows)
            Assert.Equal(HttpStatusCode.Created, (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, level = 1, ratedAt = "2026-11-12T10:30:00+08:00" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = windows[1].Id, level = 2 })).StatusCode);

        // Monday 10:00, the halls open at 08:00: the first window is named, the second (rated today) is not.
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, windows[0].UnitId);
        var page = await liaison.GetStringAsync("/Ratings/Control");
        Assert.Contains($"<li data-section=\"{windows[0].Id}\">{windows[0].Name}</li>", page, StringComparison.Ordinal);
        Assert.DoesNotContain($"<li data-section=\"{windows[1].Id}\">", page, StringComparison.Ordinal);
        // Another unit's liaison is not told of them (SEC-2).
        var other = await app.WithDbAsync(db => db.Units.Where(u => u.Id != windows[0].UnitId).OrderBy(u => u.Code).Select(u => u.Id).FirstAsync());
        Assert.DoesNotContain("id=\"quiet\"", await (await app.ClientAsAsync(Roles.UnitLiaison, other)).GetStringAsync("/Ratings/Control"), StringComparison.Ordinal);

        // Before the halls have been open an hour (08:30), or on a Saturday, no list: a window not rated yet is no news.
        var monday = app.Clock.GetUtcNow();
        try
        {
            app.Clock.Set(new DateTimeOffset(2026, 11, 16, 8, 30, 0, TimeSpan.FromHours(8)));
            Assert.DoesNotContain("id=\"quiet\"", await (await app.ClientAsAsync(Roles.UnitLiaison, windows[0].UnitId)).GetStringAsync("/Ratings/Control"), StringComparison.Ordinal);
            app.Clock.Set(new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.FromHours(8)));
            Assert.DoesNotContain("id=\"quiet\"", await (await app.ClientAsAsync(Roles.UnitLiaison, windows[0].UnitId)).GetStringAsync("/Ratings/Control"), StringComparison.Ordinal);
        }
        finally { app.Clock.Set(monday); }

        // Its first rating today takes it off the list.
        Assert.Equal(HttpStatusCode.Created, (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = windows[0].Id, level = 1 })).StatusCode);
        Assert.DoesNotContain("id=\"quiet\"", await (await app.ClientAsAsync(Roles.UnitLiaison, windows[0].UnitId)).GetStringAsync("/Ratings/Control"), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "SAT-2")]
    [Trait("Rule", "SAT-8")]
    public async Task ControlCentre_NamesAWindowWithTodaysCasesAndNoRating_FromItsFifthCase()
    {
        // A new window (no device ratings before) of a unit the tests above do not use.
        var window = await NewWindowAsync(2, "cc-busy", "控制中心办件窗口");
        var unit = window.UnitId;
        var (system, _) = await app.TokenClientAsync(unit, "service-records:write");
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, unit);
        var listed = $"<li data-section=\"{window.Id}\">{window.Name}</li>";
        for (var i = 1; i <= Mingcha.Web.Pages.Ratings.ControlModel.QuietCases; i++)
        {
            // Monday from 08:10, cases finished and pushed; nobody rates them.
            Assert.DoesNotContain(listed, await liaison.GetStringAsync("/Ratings/Control"), StringComparison.Ordinal);
            await (await system.PostAsJsonAsync("/api/v1/service-records", new
            {
                caseNumber = $"CC-BUSY-{i}", sectionId = window.Id, finishedAt = new DateTimeOffset(2026, 11, 16, 8, 10 * i, 0, TimeSpan.FromHours(8)),
            })).ExpectAsync(HttpStatusCode.Created);
        }
        // Its fifth case of the day: named, for its unit and for the Office; another unit's liaison is not told (SEC-2).
        Assert.Contains(listed, await liaison.GetStringAsync("/Ratings/Control"), StringComparison.Ordinal);
        Assert.Contains(listed, await (await app.ClientAsAsync(Roles.OfficeStaff)).GetStringAsync("/Ratings/Control"), StringComparison.Ordinal);
        var other = await app.WithDbAsync(db => db.Units.Where(u => u.Id != unit).OrderBy(u => u.Code).Select(u => u.Id).FirstAsync());
        Assert.DoesNotContain(listed, await (await app.ClientAsAsync(Roles.UnitLiaison, other)).GetStringAsync("/Ratings/Control"), StringComparison.Ordinal);

        // A rating of one of its cases takes it off.
        var (device, _) = await app.TokenClientAsync(unit, "ratings:write");
        Assert.Equal(HttpStatusCode.Created, (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = window.Id, caseNumber = "CC-BUSY-5", level = 1 })).StatusCode);
        Assert.DoesNotContain(listed, await liaison.GetStringAsync("/Ratings/Control"), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "SAT-2")]
    public async Task ControlCentre_BadWall_HasTodaysBadRatings_ThoseSentLateToo_AndNotYesterdays()
    {
        var created = await NewWindowAsync(3, "cc-wall", "控制中心差评窗口");
        var (window, unit) = (created.Id, created.UnitId);
        var (device, _) = await app.TokenClientAsync(unit, "ratings:write");
        async Task<Guid> BadAsync(string? ratedAt) =>
            (await (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = window, level = 3, ratedAt })).ReadAsync<Stored>(HttpStatusCode.Created)).Id;
        var now = await BadAsync(null);
        var morning = await BadAsync("2026-11-16T08:05:00+08:00"); // buffered by the device, sent at 10:00
        var yesterday = await BadAsync("2026-11-15T16:00:00+08:00"); // Sunday's, sent today
        var control = await (await app.ClientAsAsync(Roles.UnitLiaison, unit)).GetStringAsync("/Ratings/Control");
        var start = control.IndexOf('>', control.IndexOf("id=\"control-initial\"", StringComparison.Ordinal)) + 1;
        var initial = System.Text.Json.JsonDocument.Parse(WebUtility.HtmlDecode(control[start..control.IndexOf("</script>", start, StringComparison.Ordinal)])).RootElement;
        var wall = initial.GetProperty("bad").EnumerateArray().Select(b => b.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(now, wall);
        Assert.Contains(morning, wall);
        Assert.DoesNotContain(yesterday, wall);
    }

    private sealed record Stored(Guid Id);

    /// <summary>A window of its own at the unit <paramref name="unitIndex"/> places down the units by code.</summary>
    private Task<Section> NewWindowAsync(int unitIndex, string code, string name) => app.WithDbAsync(async db =>
    {
        var unit = await db.Units.OrderBy(u => u.Code).Select(u => u.Id).Skip(unitIndex).FirstAsync();
        var w = new Section(unit, code, name, SectionKind.Window, app.Clock.GetUtcNow().UtcDateTime);
        db.Sections.Add(w);
        await db.SaveChangesAsync();
        return w;
    });
}

