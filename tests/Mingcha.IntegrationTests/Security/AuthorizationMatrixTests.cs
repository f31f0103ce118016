using System.Globalization;
using System.Net;
using System.Text;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests.Security;

/// <summary>SEC-1 and SEC-2 over HTTP: who may call which /api/v1 endpoint.</summary>
public sealed class AuthorizationMatrixTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    [Fact]
    [Trait("Rule", "SEC-1")]
    public void Catalog_WhenComparedWithRouteTable_ListsEveryApiEndpointExactlyOnce()
    {
        var mapped = ApiCatalog.MappedEndpoints(app.Services);
        var listed = ApiCatalog.Endpoints.Select(e => e.Key).ToList();

        var unlisted = mapped.Except(listed, StringComparer.Ordinal).ToList();
        var stale = listed.Except(mapped, StringComparer.Ordinal).ToList();
        var twice = listed.GroupBy(k => k, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(unlisted.Count == 0 && stale.Count == 0 && twice.Count == 0,
            "The authorization matrix (ApiCatalog.Endpoints) must list every /api/v1 endpoint once, with who may call it.\n"
            + (unlisted.Count > 0 ? "Mapped but not in the matrix:\n  " + string.Join("\n  ", unlisted) + "\n" : "")
            + (stale.Count > 0 ? "In the matrix but no longer mapped:\n  " + string.Join("\n  ", stale) + "\n" : "")
            + (twice.Count > 0 ? "Listed twice:\n  " + string.Join("\n  ", twice) : ""));
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    [Trait("Rule", "SEC-2")]
    public async Task EveryEndpoint_WhenCalledByEachRoleAndAnonymously_AllowsExactlyTheMatrix()
    {
        var seed = await ApiSeed.CreateAsync(app);
        var principals = new List<(string? Role, HttpClient Client)> { (null, ApiCatalog.ClientWithCookies(app, null)) };
        foreach (var role in Roles.All)
        {
            // The liaison is bound to the seeded unit, so reading that unit's staff is within SEC-2.
            var cookie = await ApiCatalog.SessionCookieAsync(app, role, Roles.IsUnitBound(role) ? seed.UnitId : null);
            principals.Add((role, ApiCatalog.ClientWithCookies(app, cookie)));
        }

        var wrong = new StringBuilder();
        var n = 0;
        foreach (var endpoint in ApiCatalog.Endpoints)
        {
            foreach (var (role, client) in principals)
            {
                var call = endpoint.Call(seed, ++n);
                // Headers only: the control centre's stream (server-sent events) never ends; disposing the response closes it.
                using var response = await client.SendAsync(call.ToRequest(), HttpCompletionOption.ResponseHeadersRead);
                var status = (int)response.StatusCode;
                var who = role ?? "anonymous";
                var allowed = endpoint.Access.Allows(role);
                var ok = status < 500 && (allowed
                    ? status is not (401 or 403)
                    : status == (role is null ? 401 : 403));
                if (!ok)
                    wrong.AppendLine(CultureInfo.InvariantCulture, $"  {endpoint.Key,-50} as {who,-16} expected {(allowed ? "allowed" : role is null ? "401" : "403"),-8} got {status} {Excerpt(await response.Content.ReadAsStringAsync())}");
            }
        }
        Assert.True(wrong.Length == 0, "Authorization matrix mismatches:\n" + wrong);
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task SeparationOfDuties_WhenEachAdministratorTriesAnothersJob_IsRefused()
    {
        var target = await app.CreateUserAsync(Roles.Leader);
        var system = await app.ClientAsAsync(Roles.SystemAdmin);
        var security = await app.ClientAsAsync(Roles.SecurityAdmin);
        var auditor = await app.ClientAsAsync(Roles.Auditor);

        // 系统管理员: accounts, yes; the audit log and role grants, no.
        await (await system.PostJsonAsync("/api/v1/accounts", new { userName = $"sep-{Guid.NewGuid():N}"[..20], displayName = "分立" })).ExpectAsync(HttpStatusCode.Created);
        await (await system.GetAsync("/api/v1/audit")).ExpectAsync(HttpStatusCode.Forbidden);
        await (await system.GetAsync("/api/v1/audit/verify")).ExpectAsync(HttpStatusCode.Forbidden);
        await (await system.PutJsonAsync($"/api/v1/accounts/{target.Id}/roles", new { roles = new[] { Roles.OfficeStaff } })).ExpectAsync(HttpStatusCode.Forbidden);

        // 安全管理员: role grants, yes; accounts and tokens, no.
        await (await security.PutJsonAsync($"/api/v1/accounts/{target.Id}/roles", new { roles = new[] { Roles.OfficeStaff } })).ExpectAsync(HttpStatusCode.NoContent);
        await (await security.PostJsonAsync("/api/v1/accounts", new { userName = "sep-by-security", displayName = "分立" })).ExpectAsync(HttpStatusCode.Forbidden);
        await (await security.PostJsonAsync("/api/v1/tokens", new { name = "sep", scopes = new[] { "org:read" } })).ExpectAsync(HttpStatusCode.Forbidden);
        await (await security.GetAsync("/api/v1/audit")).ExpectAsync(HttpStatusCode.Forbidden);

        // 安全审计员: the audit log, and nothing else of substance.
        await (await auditor.GetAsync("/api/v1/audit")).ExpectAsync(HttpStatusCode.OK);
        await (await auditor.GetAsync("/api/v1/audit/verify")).ExpectAsync(HttpStatusCode.OK);
        await (await auditor.GetAsync("/api/v1/accounts")).ExpectAsync(HttpStatusCode.Forbidden);
        await (await auditor.GetAsync("/api/v1/units")).ExpectAsync(HttpStatusCode.Forbidden);
        await (await auditor.PutJsonAsync($"/api/v1/accounts/{target.Id}/roles", new { roles = new[] { Roles.Leader } })).ExpectAsync(HttpStatusCode.Forbidden);
        await (await auditor.PostJsonAsync("/api/v1/categories", new { code = "sep", name = "分立" })).ExpectAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    [Trait("Rule", "SEC-2")]
    public async Task UnitStaff_WhenLiaisonAsksForAnotherUnit_Answers404AndShowsOwnUnitOnly()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var tag = Guid.NewGuid().ToString("N")[..6];
        var unitA = (await (await office.PostJsonAsync("/api/v1/units", new { code = $"sec2-a-{tag}", name = "甲局" })).ReadAsync<IdDto>(HttpStatusCode.Created)).Id;
        var unitB = (await (await office.PostJsonAsync("/api/v1/units", new { code = $"sec2-b-{tag}", name = "乙局" })).ReadAsync<IdDto>(HttpStatusCode.Created)).Id;
        await (await office.PostJsonAsync("/api/v1/staff", new { unitId = unitA, code = "A-001", name = "甲局张三", employment = "InService" })).ExpectAsync(HttpStatusCode.Created);
        await (await office.PostJsonAsync("/api/v1/staff", new { unitId = unitB, code = "B-001", name = "乙局李四", employment = "InService" })).ExpectAsync(HttpStatusCode.Created);

        var liaisonA = await app.ClientAsAsync(Roles.UnitLiaison, unitA);

        var own = await liaisonA.GetAsync<List<StaffDto>>($"/api/v1/units/{unitA}/staff");
        Assert.Equal(["甲局张三"], own.Select(s => s.Name));

        var other = await liaisonA.GetAsync($"/api/v1/units/{unitB}/staff");
        await other.ExpectAsync(HttpStatusCode.NotFound);
        Assert.DoesNotContain("乙局李四", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The office sees both.
        Assert.Single(await office.GetAsync<List<StaffDto>>($"/api/v1/units/{unitB}/staff"));
    }

    private static string Excerpt(string body) => body.Length <= 160 ? body : body[..160] + "…";

    private sealed record IdDto(Guid Id);
    private sealed record StaffDto(Guid Id, string Name);
}
