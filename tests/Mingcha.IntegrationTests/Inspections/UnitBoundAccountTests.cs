using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests.Inspections;

/// <summary>
/// INS-9 with SEC-2: an account bound to a unit never learns of a planned covert visit to that unit: it holds no role that
/// sees every unit, a liaison is no inspector, and such an account is neither an agency's inspector nor put on a visit of
/// its own unit. The combinations that do not reveal visits stay possible.
/// </summary>
public sealed class UnitBoundAccountTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    private sealed record AccountDto(string Id, IReadOnlyList<string> Roles);

    private async Task<(HttpClient Office, InspectionKit Kit, Guid Unit)> UnitAsync(string name)
    {
        app.Clock.Set(MingchaApp.Start);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new InspectionKit(app, office);
        return (office, kit, await kit.UnitAsync(name));
    }

    private static async Task<IReadOnlyList<string>> RolesOfAsync(HttpClient security, string id) =>
        (await security.GetAsync<List<AccountDto>>("/api/v1/accounts")).Single(a => a.Id == id).Roles;

    [Theory]
    [Trait("Rule", "SEC-2")]
    [Trait("Rule", "INS-9")]
    [InlineData(Roles.Leader, null)]
    [InlineData(Roles.OfficeStaff, null)]
    [InlineData(Roles.OfficeAdmin, null)]
    [InlineData(Roles.UnitLiaison, Roles.Supervisor)]
    [InlineData(Roles.UnitLiaison, Roles.AgencyInspector)]
    public async Task SetRoles_ThatWouldShowAUnitsAccountPlannedCovertVisits_Refuses422_AndKeepsTheRoles(string role, string? with)
    {
        string[] roles = with is null ? [role] : [role, with];
        var (_, _, unit) = await UnitAsync("单位账户局");
        var account = await app.CreateUserAsync(Roles.UnitLiaison, unit);
        var security = await app.ClientAsAsync(Roles.SecurityAdmin);

        await (await security.PutJsonAsync($"/api/v1/accounts/{account.Id}/roles", new { roles })).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "SEC-2");
        Assert.Equal([Roles.UnitLiaison], await RolesOfAsync(security, account.Id));
    }

    [Fact]
    [Trait("Rule", "SEC-2")]
    [Trait("Rule", "INS-9")]
    public async Task SetRoles_TheCombinationsThatRevealNoVisit_StillWork()
    {
        var (_, _, unit) = await UnitAsync("合规组合局");
        var security = await app.ClientAsAsync(Roles.SecurityAdmin);
        var liaison = await app.CreateUserAsync(Roles.UnitLiaison, unit);
        await (await security.PutJsonAsync($"/api/v1/accounts/{liaison.Id}/roles", new { roles = new[] { Roles.UnitLiaison, Roles.MonitoringPoint } })).ExpectAsync(HttpStatusCode.NoContent);
        var unbound = await app.CreateUserAsync(Roles.Supervisor);
        await (await security.PutJsonAsync($"/api/v1/accounts/{unbound.Id}/roles", new { roles = new[] { Roles.Leader, Roles.Supervisor } })).ExpectAsync(HttpStatusCode.NoContent);
        await (await security.PutJsonAsync($"/api/v1/accounts/{unbound.Id}/roles", new { roles = new[] { Roles.OfficeStaff } })).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal([Roles.MonitoringPoint, Roles.UnitLiaison], (await RolesOfAsync(security, liaison.Id)).Order(StringComparer.Ordinal));
        Assert.Equal([Roles.OfficeStaff], await RolesOfAsync(security, unbound.Id));
    }

    [Fact]
    [Trait("Rule", "INS-9")]
    [Trait("Rule", "SEC-2")]
    public async Task AUnitsAccount_IsNoAgencysInspector_AndIsNotPutOnAVisitOfItsUnit()
    {
        var (office, kit, unit) = await UnitAsync("被查单位局");
        var agency = (await (await office.PostJsonAsync("/api/v1/agencies", new { name = "测评公司" + Guid.NewGuid().ToString("N")[..4], contractStart = "2026-01-01", contractEnd = "2027-12-31" }))
            .ReadAsync<InspectionKit.IdDto>(HttpStatusCode.Created)).Id;
        var bound = await app.CreateUserAsync(Roles.AgencyInspector, unit);
        await (await office.PostJsonAsync($"/api/v1/inspections/agencies/{agency}/inspectors", new { name = "单位的人", userId = bound.Id })).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "INS-9");
        Assert.False(await app.WithDbAsync(db => db.AgencyInspectors.AnyAsync(i => i.UserId == bound.Id)));
        var free = await app.CreateUserAsync(Roles.AgencyInspector);
        await (await office.PostJsonAsync($"/api/v1/inspections/agencies/{agency}/inspectors", new { name = "暗访员", userId = free.Id })).ExpectAsync(HttpStatusCode.Created);

        // A supervisor whose account was bound to the unit before the rule (linked directly): not put on the unit's visit.
        var insider = await kit.ApprovedSupervisorAsync((await app.CreateUserAsync(Roles.Supervisor, unit)).Id);
        var outsider = await kit.ApprovedSupervisorAsync((await app.CreateUserAsync(Roles.Supervisor)).Id);
        var team = await kit.TeamAsync(outsider, insider);
        var round = await kit.RoundAsync(2026, teamId: team);
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/targets", new { sectionIds = await kit.SectionsAsync(unit, 1), reason = "人工指定（测试）" })).ExpectAsync(HttpStatusCode.OK);
        var visit = Assert.Single(await kit.VisitsOfAsync(round));
        await (await office.PutJsonAsync($"/api/v1/inspections/visits/{visit}/inspectors", new { supervisorIds = new[] { outsider, insider }, agencyInspectorIds = Array.Empty<Guid>() }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "INS-9");
        Assert.False(await app.WithDbAsync(db => db.Visits.Where(v => v.Id == visit).SelectMany(v => v.Inspectors).AnyAsync()));
        await (await office.PutJsonAsync($"/api/v1/inspections/visits/{visit}/inspectors", new { supervisorIds = new[] { outsider }, agencyInspectorIds = Array.Empty<Guid>() }))
            .ExpectAsync(HttpStatusCode.NoContent);
    }
}
