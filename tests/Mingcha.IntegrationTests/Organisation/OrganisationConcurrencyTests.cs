using System.Net;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Identifiers;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.IntegrationTests.Organisation;

/// <summary>
/// ORG-3: an account is at most one supervisor's, whatever the timing: two links of one account to two supervisors made at
/// the same moment (two officers, two app instances) leave it linked to one; the other request gets the same 409 (ORG-3)
/// as the check gives, and stores nothing. The <see cref="ReadGate"/> holds each request at its check ("is the account another supervisor's?") until the
/// other has made it too, so the race happens every time, on SQLite and on PostgreSQL.
/// ORG-1: one unit per unified social credit code, likewise for two units created at once with one code (decision 039).
/// ORG-3: a supervisor approved by two officers at once is approved once (one audit line), the other gets 409 (decision 039).
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
    /// <summary>A valid unified social credit code no other test uses.</summary>
    private static string NewCreditCode()
    {
        var first17 = "12100000" + Random.Shared.NextInt64(100_000_000, 1_000_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return first17 + CreditCode.ComputeCheckCharacter(first17);
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task TwoUnitsCreatedAtOnceWithOneCreditCode_OneIsStored_TheOtherGets409()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var colleague = await app.ClientAsAsync(Roles.OfficeStaff);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var creditCode = NewCreditCode();

        app.Gate.Hold(2, "FROM \"Units\"", "\"CreditCode\" =");
        var created = await Task.WhenAll(
            office.PostJsonAsync("/api/v1/units", new { code = $"cc-a-{tag}", name = "信用代码甲" + tag, creditCode, year = 2026 }),
            colleague.PostJsonAsync("/api/v1/units", new { code = $"cc-b-{tag}", name = "信用代码乙" + tag, creditCode, year = 2026 }));

        Assert.True(app.Gate.Met, "both requests checked the credit code before either saved");
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], created.Select(c => c.StatusCode).Order());
        await created.Single(c => c.StatusCode == HttpStatusCode.Conflict).ExpectRuleAsync(HttpStatusCode.Conflict, "ORG-1");
        var holders = await app.WithDbAsync(db => db.Units.AsNoTracking().Where(u => u.CreditCode == creditCode).Select(u => u.Code).ToListAsync());
        Assert.Equal(created[0].StatusCode == HttpStatusCode.Created ? $"cc-a-{tag}" : $"cc-b-{tag}", Assert.Single(holders));
        // Asked again, later: the check's usual answer.
        await (await office.PostJsonAsync("/api/v1/units", new { code = $"cc-c-{tag}", name = "信用代码丙" + tag, creditCode, year = 2026 })).ExpectFieldErrorAsync("creditCode");
    }

    [Fact]
    [Trait("Rule", "ORG-3")]
    [Trait("Rule", "SEC-3")]
    public async Task TwoApprovalsOfOneSupervisorAtOnce_OneIsStored_TheOtherGets409_OneAuditLine()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var colleague = await app.ClientAsAsync(Roles.OfficeAdmin);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var id = (await (await office.PostJsonAsync("/api/v1/supervisors", new { code = $"sup-{tag}", name = "监督员" + tag[..2] })).ReadAsync<IdDto>(HttpStatusCode.Created)).Id;
        var key = id.ToString();
        Task<int> ApprovalsAsync() => app.WithDbAsync(db => db.AuditEntries.AsNoTracking()
            .CountAsync(a => a.Action == "update" && a.EntityType == "Supervisor" && a.EntityKey == key && a.After!.Contains("ApprovedAt")));

        app.Gate.Hold(2, "FROM \"Supervisors\"", "\"Id\" =");
        var approvals = await Task.WhenAll(
            office.PostAsync($"/api/v1/supervisors/{id}/approve", null),
            colleague.PostAsync($"/api/v1/supervisors/{id}/approve", null));

        Assert.True(app.Gate.Met, "both requests read the recommended supervisor before either saved");
        Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.Conflict], approvals.Select(a => a.StatusCode).Order());
        await approvals.Single(a => a.StatusCode == HttpStatusCode.Conflict).ExpectProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(1, await ApprovalsAsync());
        Assert.Equal(SupervisorStatus.Approved, await app.WithDbAsync(db => db.Supervisors.AsNoTracking().Where(s => s.Id == id).Select(s => s.Status).SingleAsync()));
    }
}
