using System.Net;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.IntegrationTests.Inspections;
using Mingcha.Web.Features.Inspections;

namespace Mingcha.IntegrationTests.Home;

/// <summary>
/// The home page's 待办 of inspectors and of a unit's self-inspection: a supervisor counts their team's visits to carry out
/// and the reports the Office returned to them, never another team's, and the unit never hears of a planned covert visit;
/// a unit's liaison is reminded of the quarter's self-inspection report in the quarter's last month until it is reported.
/// </summary>
public sealed class WorkListInspectionTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    [Fact]
    [Trait("Rule", "INS-19")]
    [Trait("Rule", "SEC-2")]
    public async Task Supervisor_CountsTheTeamsVisitsToCarryOutAndReturnedReports_AndNobodyElseSeesThem()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new InspectionKit(app, office);
        var unit = await kit.UnitAsync("待办检查局");
        var windows = await kit.SectionsAsync(unit, 3);
        await kit.EnsureCatalogueAsync(2026);

        var (user, supervisor) = await app.SignedInAsync(Roles.Supervisor);
        var member = await kit.ApprovedSupervisorAsync();
        await (await office.PutJsonAsync($"/api/v1/supervisors/{member}/account", new { userName = user.UserName })).ExpectAsync(HttpStatusCode.NoContent);
        var round = await kit.RoundAsync(2026, teamId: await kit.TeamAsync(member));
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/targets", new { sectionIds = windows, reason = "人工指定（测试）" })).ExpectAsync(HttpStatusCode.OK);
        var visits = await kit.VisitsOfAsync(round);
        Assert.Equal(3, visits.Count);

        // Another team's supervisor, and the unit inspected: neither hears of these visits (INS-9, SEC-2).
        var (otherUser, other) = await app.SignedInAsync(Roles.Supervisor);
        var otherMember = await kit.ApprovedSupervisorAsync();
        await (await office.PutJsonAsync($"/api/v1/supervisors/{otherMember}/account", new { userName = otherUser.UserName })).ExpectAsync(HttpStatusCode.NoContent);
        await kit.TeamAsync(otherMember);
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, unit);

        Assert.Equal(3, (await HomePage.WorkAsync(supervisor))["visits.to-do"]);
        Assert.False((await HomePage.WorkAsync(other)).ContainsKey("visits.to-do"));
        Assert.DoesNotContain("visits.", string.Join(' ', (await HomePage.WorkAsync(liaison)).Keys), StringComparison.Ordinal);

        // One carried out and submitted: two to go, and the Office has one to accept. Returned with a question: the supervisor's.
        await kit.DriveAsync(visits[0], VisitStatus.Submitted, new DateOnly(2026, 11, 12));
        var home = await HomePage.WorkAsync(supervisor);
        Assert.Equal(2, home["visits.to-do"]);
        Assert.False(home.ContainsKey("visits.returned"));
        Assert.Equal(1, (await HomePage.WorkAsync(office))["visits.submitted"]);
        Assert.Equal(HttpStatusCode.Redirect, (await office.PostFormAsync($"/Inspections/Visit/{visits[0]}", "Decide",
            new() { ["outcome"] = "Returned", ["Note"] = "第五步录像缺失，请说明。" })).StatusCode);
        home = await HomePage.WorkAsync(supervisor);
        Assert.Equal(1, home["visits.returned"]);
        Assert.False((await HomePage.WorkAsync(office)).ContainsKey("visits.submitted"));
        Assert.False((await HomePage.WorkAsync(other)).ContainsKey("visits.returned"));

        Assert.Equal(0, HomePage.Overdue(await supervisor.GetStringAsync("/"), "visits.to-do"));

        // After the round's last day (20 December), the two visits not carried out are late.
        var start = app.Clock.GetUtcNow();
        try
        {
            app.Clock.Set(new DateTimeOffset(2026, 12, 21, 9, 0, 0, TimeSpan.FromHours(8)));
            var later = app.NewClient(); // signed in again on the day (the sign-in of 16 November has expired)
            (await MingchaApp.LoginAsync(later, user)).EnsureSuccessStatusCode();
            var html = await later.GetStringAsync("/");
            Assert.Equal(2, HomePage.Overdue(html, "visits.to-do"));
        }
        finally { app.Clock.Set(start); }
    }

    [Fact]
    [Trait("Rule", "INS-3")]
    public async Task Liaison_IsRemindedOfTheQuartersSelfInspectionInItsLastMonth_UntilItIsReported()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var unit = await new InspectionKit(app, office).UnitAsync("自查提醒局");
        var start = app.Clock.GetUtcNow();
        try
        {
            // 16 November: the fourth quarter's last month has not begun.
            Assert.False((await HomePage.WorkAsync(await app.ClientAsAsync(Roles.UnitLiaison, unit))).ContainsKey("self-inspection.due"));
            app.Clock.Set(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.FromHours(8)));
            var liaison = await app.ClientAsAsync(Roles.UnitLiaison, unit); // signed in on the day (a sign-in of 16 November has expired)
            Assert.Equal(1, (await HomePage.WorkAsync(liaison))["self-inspection.due"]);
            Assert.False((await HomePage.WorkAsync(await app.ClientAsAsync(Roles.OfficeStaff))).ContainsKey("self-inspection.due")); // the unit's, not the Office's

            await (await liaison.PostJsonAsync("/api/v1/inspections/self-inspections", new { year = 2026, quarter = 4, summary = "本季度效能自查情况……" }))
                .ExpectAsync(HttpStatusCode.Created);
            Assert.False((await HomePage.WorkAsync(liaison)).ContainsKey("self-inspection.due"));
        }
        finally { app.Clock.Set(start); }
    }
}
