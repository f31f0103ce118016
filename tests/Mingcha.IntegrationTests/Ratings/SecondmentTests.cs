using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.IntegrationTests.Ratings;

public sealed class SecondmentTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private sealed record Created(Guid Id, DateOnly End);
    private sealed record Presence(int OnSiteWorkingDays, bool Met);
    private sealed record Ended(string State, DateOnly End, int Extensions, int TargetsMet, int TargetsTotal);

    [Fact]
    [Trait("Rule", "ORG-7")]
    public async Task Secondment_WhenTargetsMissedAtTermEnd_IsExtendedNotClosed_AndPresenceNeedsAWeekOnSite()
    {
        var outlet = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.TownshipOutlet).OrderBy(s => s.Code).FirstAsync());
        var staff = await app.WithDbAsync(db => db.Staff.OrderBy(s => s.Code).Select(s => s.Id).FirstAsync());
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var r = await office.PostAsJsonAsync("/api/v1/secondments", new
        {
            staffId = staff, outletSectionId = outlet.Id, title = "第一副所长", start = "2026-01-01", end = "2026-12-31",
            targets = new[] { "环境设施规范", "服务行为规范" },
        });
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var id = (await r.Content.ReadFromJsonAsync<Created>())!.Id;

        // November 2026: Mon 2 to Thu 5 on site (4 working days), Sat 7 on site (not a working day), then Mon 9.
        foreach (var d in new[] { 2, 3, 4, 5, 7 })
            Assert.Equal(HttpStatusCode.NoContent, (await office.PostAsJsonAsync($"/api/v1/secondments/{id}/logs", new { day = $"2026-11-{d:00}", onSite = true, text = "驻所办公" })).StatusCode);
        var p = await office.GetFromJsonAsync<Presence>($"/api/v1/secondments/{id}/presence?year=2026&month=11");
        Assert.Equal(4, p!.OnSiteWorkingDays);
        Assert.False(p.Met);
        await office.PostAsJsonAsync($"/api/v1/secondments/{id}/logs", new { day = "2026-11-09", onSite = true, text = "驻所办公" });
        Assert.True((await office.GetFromJsonAsync<Presence>($"/api/v1/secondments/{id}/presence?year=2026&month=11"))!.Met);
        Assert.Equal(HttpStatusCode.Conflict, (await office.PostAsJsonAsync($"/api/v1/secondments/{id}/logs", new { day = "2026-11-09", onSite = true, text = "重复" })).StatusCode);
        // Days to come are not logged, nor targets met ahead of time (today is 16 November 2026).
        Assert.Equal(HttpStatusCode.BadRequest, (await office.PostAsJsonAsync($"/api/v1/secondments/{id}/logs", new { day = "2026-11-17", onSite = true, text = "预填" })).StatusCode);
        var ahead = await app.WithDbAsync(db => db.Set<Mingcha.Web.Features.Ratings.SecondmentTarget>().Where(t => t.SecondmentId == id).OrderBy(t => t.Name).FirstAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await office.PostAsync($"/api/v1/secondment-targets/{ahead.Id}/met?day=2026-11-20", null)).StatusCode);

        var target = await app.WithDbAsync(db => db.Set<Mingcha.Web.Features.Ratings.SecondmentTarget>().Where(t => t.SecondmentId == id).OrderBy(t => t.Name).FirstAsync());
        Assert.Equal(HttpStatusCode.NoContent, (await office.PostAsync($"/api/v1/secondment-targets/{target.Id}/met?day=2026-11-13", null)).StatusCode);
        // Before the term's last day there is nothing to conclude.
        var early = await office.PostAsync($"/api/v1/secondments/{id}/end-term", null);
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("ORG-7", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // On the last day, one target of two met: extended by one more year, to the year's end, not closed.
        async Task<Ended> EndTermOnAsync(DateOnly day)
        {
            app.Clock.Set(new DateTimeOffset(day.Year, day.Month, day.Day, 2, 0, 0, TimeSpan.Zero)); // 10:00 in Beijing
            var client = await app.ClientAsAsync(Roles.OfficeStaff); // sessions do not outlive the clock's jumps
            var response = await client.PostAsync($"/api/v1/secondments/{id}/end-term", null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<Ended>())!;
        }
        var ended = await EndTermOnAsync(new DateOnly(2026, 12, 31));
        Assert.Equal(("Active", new DateOnly(2027, 12, 31), 1, 1, 2), (ended.State, ended.End, ended.Extensions, ended.TargetsMet, ended.TargetsTotal));
        // Missed again: one more year, of the same length as the first (not the two years the term has run by then).
        ended = await EndTermOnAsync(new DateOnly(2027, 12, 31));
        Assert.Equal(("Active", new DateOnly(2028, 12, 31), 2), (ended.State, ended.End, ended.Extensions));
        // Every target met: closed.
        var other = await app.WithDbAsync(db => db.Set<Mingcha.Web.Features.Ratings.SecondmentTarget>().Where(t => t.SecondmentId == id && t.MetOn == null).SingleAsync());
        Assert.Equal(HttpStatusCode.NoContent, (await (await app.ClientAsAsync(Roles.OfficeStaff)).PostAsync($"/api/v1/secondment-targets/{other.Id}/met?day=2027-12-31", null)).StatusCode);
        ended = await EndTermOnAsync(new DateOnly(2029, 1, 4));
        Assert.Equal(("Closed", new DateOnly(2028, 12, 31), 2, 2), (ended.State, ended.End, ended.Extensions, ended.TargetsMet));
        Assert.Equal(HttpStatusCode.Conflict, (await (await app.ClientAsAsync(Roles.OfficeStaff)).PostAsync($"/api/v1/secondment-targets/{other.Id}/met?day=2028-12-30", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync(Roles.UnitLiaison, outlet.UnitId)).PostAsync($"/api/v1/secondments/{id}/end-term", null)).StatusCode);
    }

    /// <summary>
    /// ORG-7: the outlet's targets decide the end of the term (达不到目标不予撤回), so a secondment has at least one: without
    /// any (none given, or only blank ones) it is refused, 400 naming targets, and nothing is stored; else it would close at
    /// its first term with nothing checked.
    /// </summary>
    [Fact]
    [Trait("Rule", "ORG-7")]
    public async Task Secondment_WithoutATarget_IsRefused_AndNothingIsStored()
    {
        var outlet = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.TownshipOutlet).OrderBy(s => s.Code).FirstAsync());
        var staff = await app.WithDbAsync(db => db.Staff.OrderBy(s => s.Code).Skip(1).Select(s => s.Id).FirstAsync());
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var before = await app.WithDbAsync(db => db.Set<Mingcha.Web.Features.Ratings.Secondment>().CountAsync(x => x.StaffId == staff));
        foreach (var targets in new[] { null, Array.Empty<string>(), new[] { " ", "" } })
        {
            var r = await office.PostAsJsonAsync("/api/v1/secondments", new { staffId = staff, outletSectionId = outlet.Id, title = "第一副所长", start = "2026-03-01", end = "2027-02-28", targets });
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Contains("\"targets\"", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(before, await app.WithDbAsync(db => db.Set<Mingcha.Web.Features.Ratings.Secondment>().CountAsync(x => x.StaffId == staff)));
    }
}
