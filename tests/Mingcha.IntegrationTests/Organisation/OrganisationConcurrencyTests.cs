using System.Net;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests.Organisation;

/// <summary>
/// ORG-3: an account is at most one supervisor's, whatever the timing: two links of one account to two supervisors made at
/// the same moment (two officers, two app instances) leave it linked to one; the other request gets the same 409 (ORG-3)
/// as the check gives, and stores nothing. The <see cref="ReadGate"/> holds each request at its check ("is the account another supervisor's?") until the
/// other has made it too, so the race happens every time, on SQLite and on PostgreSQL.
/// </summary>
public sealed class OrganisationConcurrencyTests(RacingApp app) : IClassFixture<RacingApp>
{
    private sealed record IdDto(Guid Id);

    private static async Task<Guid> ApprovedSupervisorAsync(HttpClient office)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var id = (await (await office.PostJsonAsync("/api/v1/supervisors", new { code = $"sup-{tag}", name = "监督员" + tag[..2] })).ReadAsync<IdDto>(HttpStatusCode.Created)).Id;
        await (await office.PostAsync($"/api/v1/supervisors/{id}/approve", null)).ExpectAsync(HttpStatusCode.NoContent);
        return id;
    }

    [Fact]
    [Trait("Rule", "ORG-3")]
    public async Task OneAccountLinkedToTwoSupervisorsAtOnce_IsLinkedToOne_TheOtherGets409()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var colleague = await app.ClientAsAsync(Roles.OfficeAdmin);
        var account = await app.CreateUserAsync(Roles.Supervisor);
        var first = await ApprovedSupervisorAsync(office);
        var second = await ApprovedSupervisorAsync(office);

        app.Gate.Hold(2, "FROM \"Supervisors\"", "\"UserId\" =");
        var links = await Task.WhenAll(
            office.PutJsonAsync($"/api/v1/supervisors/{first}/account", new { userName = account.UserName }),
            colleague.PutJsonAsync($"/api/v1/supervisors/{second}/account", new { userName = account.UserName }));

        Assert.True(app.Gate.Met, "both requests checked the account before either saved");
        Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.Conflict], links.Select(l => l.StatusCode).Order());
        await links.Single(l => l.StatusCode == HttpStatusCode.Conflict).ExpectRuleAsync(HttpStatusCode.Conflict, "ORG-3");
        var linked = await app.WithDbAsync(db => db.Supervisors.AsNoTracking().Where(s => s.UserId == account.Id).Select(s => s.Id).ToListAsync());
        Assert.Equal(links[0].StatusCode == HttpStatusCode.NoContent ? first : second, Assert.Single(linked));
    }
}
