using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Identity;

namespace Mingcha.IntegrationTests.Security;

/// <summary>
/// Decision 039. Two changes of one account made at the same moment (two administrators, a double click): the designation
/// of a unit's leader (INS-8) is stored once, and two grants of roles that each pass the separation of duties (SEC-1, 三员分立)
/// never leave the account with both. The <see cref="ReadGate"/> holds each request, once it has read the account (or its
/// designations), until the other has read it too, so the race happens every time, on SQLite and on PostgreSQL.
/// </summary>
public sealed class AccountConcurrencyTests(RacingApp app) : IClassFixture<RacingApp>
{
    private sealed record Created(Guid Id);

    private static async Task<Guid> UnitAsync(HttpClient office)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        return (await (await office.PostJsonAsync("/api/v1/units", new { code = $"ac-{tag}", name = "账户并发局" + tag, year = 2026 })).ReadAsync<Created>(HttpStatusCode.Created)).Id;
    }

    /// <summary>A liaison's account of a new unit, and two system administrators signed in to change it.</summary>
    private async Task<(MingchaApp.TestUser Account, HttpClient Admin, HttpClient Colleague)> LiaisonAndTwoAdministratorsAsync()
    {
        var unit = await UnitAsync(await app.ClientAsAsync(Roles.OfficeAdmin));
        return (await app.CreateUserAsync(Roles.UnitLiaison, unit), await app.ClientAsAsync(Roles.SystemAdmin), await app.ClientAsAsync(Roles.SystemAdmin));
    }

    [Fact]
    [Trait("Rule", "INS-8")]
    [Trait("Rule", "SEC-3")]
    public async Task OneAccountDesignatedItsUnitsLeaderTwiceAtOnce_HasOneDesignation_TheOtherGets409()
    {
        var (account, admin, colleague) = await LiaisonAndTwoAdministratorsAsync();

        app.Gate.Hold(2, "FROM \"UnitLeaders\"");
        var designations = await Task.WhenAll(
            admin.PutJsonAsync($"/api/v1/accounts/{account.Id}/unit-leader", new { leader = true }),
            colleague.PutJsonAsync($"/api/v1/accounts/{account.Id}/unit-leader", new { leader = true }));

        Assert.True(app.Gate.Met, "both requests read the account's designations before either saved");
        Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.Conflict], designations.Select(d => d.StatusCode).Order());
        await designations.Single(d => d.StatusCode == HttpStatusCode.Conflict).ExpectProblemAsync(HttpStatusCode.Conflict);
        var open = await app.WithDbAsync(db => db.UnitLeaders.AsNoTracking().Where(l => l.UserId == account.Id && l.WithdrawnAt == null).Select(l => l.Id).ToListAsync());
        var designation = Assert.Single(open);
        Assert.Equal(1, await app.WithDbAsync(db => db.UnitLeaders.AsNoTracking().CountAsync(l => l.UserId == account.Id)));
        var audited = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.EntityType == nameof(UnitLeader) && a.Action == "create").Select(a => a.EntityKey).ToListAsync());
        Assert.Equal(1, audited.Count(k => k == designation.ToString()));

        // Withdrawn and designated again later: a new designation, the old one kept (SEC-3).
        await (await admin.PutJsonAsync($"/api/v1/accounts/{account.Id}/unit-leader", new { leader = false })).ExpectAsync(HttpStatusCode.NoContent);
        await (await admin.PutJsonAsync($"/api/v1/accounts/{account.Id}/unit-leader", new { leader = true })).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal((2, 1), await app.WithDbAsync(async db => (await db.UnitLeaders.CountAsync(l => l.UserId == account.Id),
            await db.UnitLeaders.CountAsync(l => l.UserId == account.Id && l.WithdrawnAt == null))));
    }

    [Fact]
    [Trait("Rule", "INS-8")]
    [Trait("Rule", "SEC-3")]
    public async Task OneDesignationWithdrawnTwiceAtOnce_IsWithdrawnOnce_TheOtherGets409()
    {
        var (account, admin, colleague) = await LiaisonAndTwoAdministratorsAsync();
        await (await admin.PutJsonAsync($"/api/v1/accounts/{account.Id}/unit-leader", new { leader = true })).ExpectAsync(HttpStatusCode.NoContent);
        var designation = await app.WithDbAsync(db => db.UnitLeaders.AsNoTracking().Where(l => l.UserId == account.Id).Select(l => l.Id).SingleAsync());

        app.Gate.Hold(2, "FROM \"UnitLeaders\"");
        var withdrawals = await Task.WhenAll(
            admin.PutJsonAsync($"/api/v1/accounts/{account.Id}/unit-leader", new { leader = false }),
            colleague.PutJsonAsync($"/api/v1/accounts/{account.Id}/unit-leader", new { leader = false }));

        Assert.True(app.Gate.Met, "both requests read the designation in force before either saved");
        Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.Conflict], withdrawals.Select(d => d.StatusCode).Order());
        await withdrawals.Single(d => d.StatusCode == HttpStatusCode.Conflict).ExpectProblemAsync(HttpStatusCode.Conflict);
        Assert.NotNull(await app.WithDbAsync(db => db.UnitLeaders.AsNoTracking().Where(l => l.Id == designation).Select(l => l.WithdrawnAt).SingleAsync()));
        // One withdrawal in the audit trail (SEC-3), not a second one overwriting the first's time and name.
        Assert.Equal(1, await app.WithDbAsync(db => db.AuditEntries.AsNoTracking()
            .CountAsync(a => a.EntityType == nameof(UnitLeader) && a.EntityKey == designation.ToString() && a.Action == "update")));
        // Withdrawing again later is no change: answered, nothing stored.
        await (await admin.PutJsonAsync($"/api/v1/accounts/{account.Id}/unit-leader", new { leader = false })).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal(1, await app.WithDbAsync(db => db.AuditEntries.AsNoTracking()
            .CountAsync(a => a.EntityType == nameof(UnitLeader) && a.EntityKey == designation.ToString() && a.Action == "update")));
    }

    /// <summary>
    /// Each grant alone is allowed; together they would make one account both system administrator and auditor. The
    /// grants replace the account's roles, so whichever is stored second would also take the first one's role away, had it
    /// read the first's result.
    /// </summary>
    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task TwoGrantsOfSeparatedRolesAtOnce_LeaveTheAccountWithOne_TheOtherGets409()
    {
        var admin = await app.ClientAsAsync(Roles.SecurityAdmin);
        var colleague = await app.ClientAsAsync(Roles.SecurityAdmin);
        var userName = "roles-" + Guid.NewGuid().ToString("N")[..8];
        var id = "";
        await app.WithScopeAsync(async sp => id = (await sp.GetRequiredService<AccountService>().CreateAsync(userName, userName, null, null, [])).User.Id);

        app.Gate.Hold(2, "FROM \"AspNetUsers\"", "\"Id\" =");
        var grants = await Task.WhenAll(
            admin.PutJsonAsync($"/api/v1/accounts/{id}/roles", new { roles = new[] { Roles.SystemAdmin } }),
            colleague.PutJsonAsync($"/api/v1/accounts/{id}/roles", new { roles = new[] { Roles.Auditor } }));

        Assert.True(app.Gate.Met, "both requests read the account before either saved");
        Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.Conflict], grants.Select(g => g.StatusCode).Order());
        // Refused by Identity's ConcurrencyStamp (the account changed since it was read), not by a check of this request.
        var refused = await grants.Single(g => g.StatusCode == HttpStatusCode.Conflict).ExpectProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("changed by another request", refused.GetProperty("title").GetString(), StringComparison.Ordinal);
        var stored = await app.WithDbAsync(db => (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == id select r.Name!).ToListAsync());
        Assert.Equal(grants[0].StatusCode == HttpStatusCode.NoContent ? Roles.SystemAdmin : Roles.Auditor, Assert.Single(stored));
        Assert.Equal(1, await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().CountAsync(a => a.Action == "account.roles" && a.EntityKey == userName)));
    }
}
