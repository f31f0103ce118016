using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Inspections;

namespace Mingcha.IntegrationTests.Inspections;

/// <summary>
/// INS-4 with ORG-3 and RCT-1: a spot check costs the unit points, so only an approved supervisor of the team that inspects
/// the unit in an open round records one, dated in the round and not in the future; the Office records any. The Office
/// administrator links an approved supervisor to the account they sign in with.
/// </summary>
public sealed class SpotCheckAccessTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    private sealed record Setting(HttpClient Office, InspectionKit Kit, Guid Unit, Guid Round, HttpClient Supervisor, MingchaApp.TestUser SupervisorUser);

    private static object Check(Guid unit, Guid? roundId, string checkedOn, int missing = 1) => new
    {
        unitId = unit, roundId, title = "明查核查", checkedOn,
        items = Enumerable.Range(1, missing).Select(i => new { name = $"核查项{i}", present = false }).ToArray(),
    };

    /// <summary>An open round of 2026 whose team (one approved supervisor, linked to a signed-in account) inspects a section of the unit.</summary>
    private async Task<Setting> SetUpAsync(string unitName)
    {
        app.Clock.Set(MingchaApp.Start); // Monday 16 November 2026
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new InspectionKit(app, office);
        var unit = await kit.UnitAsync(unitName);
        var section = await kit.SectionAsync(unit, "综合窗口");
        var (user, client) = await app.SignedInAsync(Roles.Supervisor);
        var supervisor = await kit.ApprovedSupervisorAsync();
        await (await office.PutJsonAsync($"/api/v1/supervisors/{supervisor}/account", new { userName = user.UserName })).ExpectAsync(HttpStatusCode.NoContent);
        var team = await kit.TeamAsync(supervisor);
        var round = await kit.RoundAsync(2026, kind: "Open", teamId: team);
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/targets", new { sectionIds = new[] { section }, reason = "明查对象（测试）" })).ExpectAsync(HttpStatusCode.OK);
        return new Setting(office, kit, unit, round, client, user);
    }

    private Task<int> StoredAsync(Guid unit) => app.WithDbAsync(async db =>
        await db.SpotChecks.CountAsync(c => c.UnitId == unit) + await db.OpenDeductions.CountAsync(d => d.UnitId == unit)
        + await db.DeductionLedger.CountAsync(l => l.UnitId == unit));

    [Fact]
    [Trait("Rule", "INS-4")]
    [Trait("Rule", "ORG-3")]
    [Trait("Rule", "RCT-1")]
    public async Task SpotCheck_ByAnyoneButTheUnitsTeamsApprovedSupervisor_OrOutsideTheRound_IsRefusedAndStoresNothing()
    {
        var s = await SetUpAsync("抽查权限局");

        // A supervisor-role account that is no approved supervisor's: 403 ORG-3, even naming the round.
        var stranger = await app.ClientAsAsync(Roles.Supervisor);
        await (await stranger.PostJsonAsync("/api/v1/inspections/spot-checks", Check(s.Unit, s.Round, "2026-11-10", 200))).ExpectRuleAsync(HttpStatusCode.Forbidden, "ORG-3");
        // The review's case: any unit, 2020, 200 missing items, no round: refused.
        await (await stranger.PostJsonAsync("/api/v1/inspections/spot-checks", Check(s.Unit, null, "2020-03-01", 200))).ExpectFieldErrorAsync("checkedOn");
        await (await s.Supervisor.PostJsonAsync("/api/v1/inspections/spot-checks", Check(s.Unit, null, "2026-11-10"))).ExpectFieldErrorAsync("roundId");
        // Not in the future, not outside the round (1 March to 20 December).
        await (await s.Supervisor.PostJsonAsync("/api/v1/inspections/spot-checks", Check(s.Unit, s.Round, "2026-11-20"))).ExpectFieldErrorAsync("checkedOn");
        await (await s.Supervisor.PostJsonAsync("/api/v1/inspections/spot-checks", Check(s.Unit, s.Round, "2026-02-27"))).ExpectFieldErrorAsync("checkedOn");
        // A unit the team does not inspect in the round.
        var other = await s.Kit.UnitAsync("非本组对象局");
        await (await s.Supervisor.PostJsonAsync("/api/v1/inspections/spot-checks", Check(other, s.Round, "2026-11-10"))).ExpectRuleAsync(HttpStatusCode.Forbidden, "ORG-3");
        // An approved, linked supervisor of another team.
        var (otherUser, otherClient) = await app.SignedInAsync(Roles.Supervisor);
        var otherSupervisor = await s.Kit.ApprovedSupervisorAsync();
        await (await s.Office.PutJsonAsync($"/api/v1/supervisors/{otherSupervisor}/account", new { userName = otherUser.UserName })).ExpectAsync(HttpStatusCode.NoContent);
        await s.Kit.TeamAsync(otherSupervisor);
        await (await otherClient.PostJsonAsync("/api/v1/inspections/spot-checks", Check(s.Unit, s.Round, "2026-11-10"))).ExpectRuleAsync(HttpStatusCode.Forbidden, "ORG-3");
        // The Office without a round: this year only.
        await (await s.Office.PostJsonAsync("/api/v1/inspections/spot-checks", Check(s.Unit, null, "2025-06-01"))).ExpectFieldErrorAsync("checkedOn");
        Assert.Equal(0, await StoredAsync(s.Unit));
        Assert.Equal(0, await StoredAsync(other));

        // The team's approved supervisor, in the round: recorded, 2 points on the ledger.
        var result = await (await s.Supervisor.PostJsonAsync("/api/v1/inspections/spot-checks", Check(s.Unit, s.Round, "2026-11-10", 2))).ReadAsync<JsonElement>(HttpStatusCode.Created);
        Assert.Equal(2, result.GetProperty("deductions").GetInt32());
        var lines = await s.Office.GetAsync<List<JsonElement>>($"/api/v1/rectification/ledger/{s.Unit}/2026");
        Assert.Equal(2, lines.Count(l => l.GetProperty("basis").GetString() == "INS-4"));
        Assert.Equal(s.Round, await app.WithDbAsync(db => db.SpotChecks.Where(c => c.UnitId == s.Unit).Select(c => c.RoundId).SingleAsync()));
    }

    [Fact]
    [Trait("Rule", "ORG-3")]
    public async Task LinkingASupervisorsAccount_TakesAnApprovedSupervisorAndASupervisorAccount_OnTheApiAndThePeoplePage()
    {
        app.Clock.Set(MingchaApp.Start);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new InspectionKit(app, office);
        var unit = await kit.UnitAsync("推荐单位局");
        var tag = Guid.NewGuid().ToString("N")[..8];
        var recommended = (await (await office.PostJsonAsync("/api/v1/supervisors", new { code = $"rec-{tag}", name = "待批准" })).ReadAsync<InspectionKit.IdDto>(HttpStatusCode.Created)).Id;
        var approved = await kit.ApprovedSupervisorAsync();
        var account = await app.CreateUserAsync(Roles.Supervisor);

        await (await office.PutJsonAsync($"/api/v1/supervisors/{recommended}/account", new { userName = account.UserName })).ExpectRuleAsync(HttpStatusCode.Conflict, "ORG-3");
        await (await office.PutJsonAsync($"/api/v1/supervisors/{approved}/account", new { userName = "no-such-account" })).ExpectFieldErrorAsync("userName");
        var leader = await app.CreateUserAsync(Roles.Leader);
        await (await office.PutJsonAsync($"/api/v1/supervisors/{approved}/account", new { userName = leader.UserName })).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "ORG-3");
        var unitBound = await app.CreateUserAsync(Roles.Supervisor, unit);
        await (await office.PutJsonAsync($"/api/v1/supervisors/{approved}/account", new { userName = unitBound.UserName })).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "SEC-2");
        var staff = await app.ClientAsAsync(Roles.OfficeStaff);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PutJsonAsync($"/api/v1/supervisors/{approved}/account", new { userName = account.UserName })).StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Supervisors.AnyAsync(x => x.UserId != null && (x.Id == approved || x.Id == recommended))));

        // The Office administrator links it on the people page; the page shows the account; the change is audited.
        var linked = await office.PostFormAsync("/Org/People", "LinkAccount", new() { ["supervisorId"] = approved.ToString(), ["userName"] = account.UserName });
        Assert.True(linked.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther, $"{linked.StatusCode}");
        Assert.Equal(account.Id, await app.WithDbAsync(db => db.Supervisors.Where(x => x.Id == approved).Select(x => x.UserId).SingleAsync()));
        Assert.Contains(account.UserName, await office.GetStringAsync("/Org/People"), StringComparison.Ordinal);
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.EntityKey == approved.ToString() && a.Action == "update")));
        Assert.Equal(account.UserName, (await office.GetAsync<List<JsonElement>>("/api/v1/supervisors")).Single(x => x.GetProperty("id").GetGuid() == approved).GetProperty("userName").GetString());
        // An account is one supervisor's only.
        var second = await kit.ApprovedSupervisorAsync();
        await (await office.PutJsonAsync($"/api/v1/supervisors/{second}/account", new { userName = account.UserName })).ExpectRuleAsync(HttpStatusCode.Conflict, "ORG-3");
        // Staff may read the page but not link.
        var denied = await staff.PostFormAsync("/Org/People", "LinkAccount", new() { ["supervisorId"] = second.ToString(), ["userName"] = account.UserName });
        Assert.True(denied.StatusCode == HttpStatusCode.Forbidden || (denied.StatusCode == HttpStatusCode.Redirect && denied.Headers.Location!.ToString().Contains("Denied", StringComparison.Ordinal)),
            $"{denied.StatusCode} {denied.Headers.Location}");
        Assert.False(await app.WithDbAsync(db => db.Supervisors.AnyAsync(x => x.Id == second && x.UserId != null)));
        // A body without the user name is refused by name, not taken as an unlink; an empty name unlinks.
        await (await office.PutJsonAsync($"/api/v1/supervisors/{approved}/account", new { name = account.UserName })).ExpectFieldErrorAsync("userName");
        Assert.Equal(account.Id, await app.WithDbAsync(db => db.Supervisors.Where(x => x.Id == approved).Select(x => x.UserId).SingleAsync()));
        await (await office.PutJsonAsync($"/api/v1/supervisors/{approved}/account", new { userName = "" })).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Null(await app.WithDbAsync(db => db.Supervisors.Where(x => x.Id == approved).Select(x => x.UserId).SingleAsync()));
    }
}
