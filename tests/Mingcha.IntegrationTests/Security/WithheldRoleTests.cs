using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mingcha.Web.Features.Identity;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests.Security;

/// <summary>
/// Decisions 034 and 036: an account that holds a combination SEC-1, SEC-2 or INS-9 forbids (stored before the rules were checked) does not
/// get the see-all or inspecting role, and the accounts list shows it with the reason. The combinations are written straight
/// into the database, as an old account would have them.
/// </summary>
public sealed class WithheldRoleTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    [Fact]
    [Trait("Rule", "SEC-2")]
    public async Task UnitAccountWithStoredOfficeRoles_GetsNoSeeAllPower_SeesOwnUnitOnly_AndIsListedWithTheReason()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var tag = Guid.NewGuid().ToString("N")[..6];
        var unitA = await UnitAsync(office, $"wh-a-{tag}", "甲局");
        var unitB = await UnitAsync(office, $"wh-b-{tag}", "乙局");
        await (await office.PostJsonAsync("/api/v1/staff", new { unitId = unitA, code = "A-001", name = "甲局张三", employment = "InService" })).ExpectAsync(HttpStatusCode.Created);
        await (await office.PostJsonAsync("/api/v1/staff", new { unitId = unitB, code = "B-001", name = "乙局李四", employment = "InService" })).ExpectAsync(HttpStatusCode.Created);
        var old = await app.CreateUserAsync(Roles.UnitLiaison, unitA);
        await StoreRolesAsync(old.Id, Roles.OfficeStaff, Roles.Leader);

        var client = app.NewClient();
        await (await MingchaApp.LoginAsync(client, old)).ExpectAsync(HttpStatusCode.NoContent);

        // The account acts as its unit's liaison only.
        Assert.Equal([Roles.UnitLiaison], (await client.GetAsync<JsonElement>("/api/v1/me")).GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        // No see-all power: the Office's and leaders' reads are refused, on the API and on the pages.
        await (await client.GetAsync("/api/v1/inspections/plans")).ExpectAsync(HttpStatusCode.Forbidden);
        await (await client.GetAsync("/api/v1/rectification/overview")).ExpectAsync(HttpStatusCode.Forbidden);
        var page = await client.GetAsync("/Inspections");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/Account/Denied", page.Headers.Location?.OriginalString ?? "", StringComparison.Ordinal);
        // Another unit's records stay out of sight; its own are there.
        var other = await client.GetAsync($"/api/v1/units/{unitB}/staff");
        await other.ExpectAsync(HttpStatusCode.NotFound);
        Assert.DoesNotContain("乙局李四", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(["甲局张三"], (await client.GetAsync<List<JsonElement>>($"/api/v1/units/{unitA}/staff")).Select(s => s.GetProperty("name").GetString()));

        // The administrators see the account with the roles not in effect and why.
        var system = await app.ClientAsAsync(Roles.SystemAdmin);
        var listed = (await system.GetAsync<List<JsonElement>>("/api/v1/accounts")).Single(a => a.GetProperty("id").GetString() == old.Id);
        var withheld = listed.GetProperty("withheld").EnumerateArray()
            .Select(w => (w.GetProperty("role").GetString(), w.GetProperty("rule").GetString(), w.GetProperty("reason").GetString())).ToList();
        Assert.Equal([(Roles.OfficeStaff, "SEC-2", "UnitAccountSeesAllUnits"), (Roles.Leader, "SEC-2", "UnitAccountSeesAllUnits")], withheld);
        var accountsPage = WebUtility.HtmlDecode(await system.GetStringAsync("/Admin/Accounts?q=" + old.UserName));
        Assert.Contains("data-withheld-role=\"OfficeStaff\"", accountsPage, StringComparison.Ordinal);
        Assert.Contains("绑定单位的账户只能看到本单位的记录，不能担任该角色。", accountsPage, StringComparison.Ordinal);

        // Once the security administrator sets allowed roles, nothing is listed any more.
        var security = await app.ClientAsAsync(Roles.SecurityAdmin);
        await (await security.PutJsonAsync($"/api/v1/accounts/{old.Id}/roles", new { roles = new[] { Roles.UnitLiaison } })).ExpectAsync(HttpStatusCode.NoContent);
        var fixedAccount = (await system.GetAsync<List<JsonElement>>("/api/v1/accounts")).Single(a => a.GetProperty("id").GetString() == old.Id);
        Assert.Empty(fixedAccount.GetProperty("withheld").EnumerateArray());
        Assert.DoesNotContain("data-withheld=", WebUtility.HtmlDecode(await system.GetStringAsync("/Admin/Accounts?q=" + old.UserName)), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "SEC-2")]
    [Trait("Rule", "INS-9")]
    public async Task LiaisonWithStoredInspectorRoles_CannotReadRoundsOrVisitsAsAnInspector_AndIsListedWithTheReason()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var unit = await UnitAsync(office, $"wh-i-{Guid.NewGuid().ToString("N")[..6]}", "丙局");
        var old = await app.CreateUserAsync(Roles.UnitLiaison, unit);
        await StoreRolesAsync(old.Id, Roles.AgencyInspector, Roles.Supervisor);

        var client = app.NewClient();
        await (await MingchaApp.LoginAsync(client, old)).ExpectAsync(HttpStatusCode.NoContent);

        Assert.Equal([Roles.UnitLiaison], (await client.GetAsync<JsonElement>("/api/v1/me")).GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        // Rounds are for inspectors and the Office; a liaison reads none (INS-9).
        await (await client.GetAsync("/api/v1/inspections/rounds?year=2026")).ExpectAsync(HttpStatusCode.Forbidden);

        var system = await app.ClientAsAsync(Roles.SystemAdmin);
        var listed = (await system.GetAsync<List<JsonElement>>("/api/v1/accounts")).Single(a => a.GetProperty("id").GetString() == old.Id);
        Assert.Equal([(Roles.Supervisor, "LiaisonInspects"), (Roles.AgencyInspector, "LiaisonInspects")],
            listed.GetProperty("withheld").EnumerateArray().Select(w => (w.GetProperty("role").GetString(), w.GetProperty("reason").GetString())));
        var page = WebUtility.HtmlDecode(await system.GetStringAsync("/Admin/Accounts?q=" + old.UserName));
        Assert.Contains("data-withheld-role=\"AgencyInspector\"", page, StringComparison.Ordinal);
        Assert.Contains("单位联络员不能同时担任监督员或第三方暗访员", page, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "SEC-2")]
    public async Task UnitAccountWithStoredOfficeRoles_OwnAccountPage_ListsTheRolesItActsAs_AndTheWithheldOnesWithTheReason()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var unit = await UnitAsync(office, $"wh-m-{Guid.NewGuid().ToString("N")[..6]}", "丁局");
        var old = await app.CreateUserAsync(Roles.UnitLiaison, unit);
        await StoreRolesAsync(old.Id, Roles.OfficeStaff);
        var client = app.NewClient();
        await (await MingchaApp.LoginAsync(client, old)).ExpectAsync(HttpStatusCode.NoContent);

        var page = WebUtility.HtmlDecode(await client.GetStringAsync("/Account/Manage"));
        // The roles line names what the account acts as: the liaison, not the Office's staff role it is not given.
        Assert.Equal("单位联络员", RolesLine(page));
        // The withheld role is listed apart, with the reason the accounts page gives the administrators.
        Assert.Contains("id=\"withheld-roles\"", page, StringComparison.Ordinal);
        Assert.Contains("data-withheld-role=\"OfficeStaff\" data-rule=\"SEC-2\"", page, StringComparison.Ordinal);
        Assert.Contains("效能办工作人员：绑定单位的账户只能看到本单位的记录，不能担任该角色。", page, StringComparison.Ordinal);

        // In English the same, from the shared text.
        var english = WebUtility.HtmlDecode(await client.GetStringAsync("/Account/Manage?culture=en&ui-culture=en"));
        Assert.Equal("Unit liaison", RolesLine(english));
        Assert.Contains("Office staff: ", english, StringComparison.Ordinal);

        // Once the security administrator sets allowed roles, the page lists them and nothing withheld.
        var security = await app.ClientAsAsync(Roles.SecurityAdmin);
        await (await security.PutJsonAsync($"/api/v1/accounts/{old.Id}/roles", new { roles = new[] { Roles.UnitLiaison } })).ExpectAsync(HttpStatusCode.NoContent);
        var fixedPage = WebUtility.HtmlDecode(await client.GetStringAsync("/Account/Manage"));
        Assert.Equal("单位联络员", RolesLine(fixedPage));
        Assert.DoesNotContain("data-withheld=", fixedPage, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task AccountWithTwoStoredAdministratorRoles_ActsAsTheSecurityAdministratorOnly_AndIsListedWithTheReason()
    {
        // An old system administrator's account that was also given the security administrator's and the auditor's roles.
        var old = await app.CreateUserAsync(Roles.SystemAdmin);
        await StoreRolesAsync(old.Id, Roles.SecurityAdmin, Roles.Auditor);
        var client = app.NewClient();
        await (await MingchaApp.LoginAsync(client, old)).ExpectAsync(HttpStatusCode.NoContent);

        // 三员分立: it acts as one administrator, the security administrator (decision 036's precedence).
        Assert.Equal([Roles.SecurityAdmin], (await client.GetAsync<JsonElement>("/api/v1/me")).GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        // Neither the system administrator's work (accounts, tokens) nor the auditor's (the audit log, its verification).
        await (await client.PostJsonAsync("/api/v1/accounts", new { userName = "x-" + Guid.NewGuid().ToString("N")[..6], displayName = "某人" })).ExpectAsync(HttpStatusCode.Forbidden);
        await (await client.GetAsync("/api/v1/tokens")).ExpectAsync(HttpStatusCode.Forbidden);
        await (await client.GetAsync("/api/v1/audit")).ExpectAsync(HttpStatusCode.Forbidden);
        await (await client.GetAsync("/api/v1/audit/verify")).ExpectAsync(HttpStatusCode.Forbidden);
        var auditPage = await client.GetAsync("/Audit");
        Assert.Equal(HttpStatusCode.Redirect, auditPage.StatusCode);
        Assert.Contains("/Account/Denied", auditPage.Headers.Location?.OriginalString ?? "", StringComparison.Ordinal);
        // The security administrator's own work goes on: it may set another account's roles (that person may then fix this one).
        var other = await app.CreateUserAsync(Roles.OfficeStaff);
        await (await client.PutJsonAsync($"/api/v1/accounts/{other.Id}/roles", new { roles = new[] { Roles.Leader } })).ExpectAsync(HttpStatusCode.NoContent);

        // The accounts list and page, and the account's own page, name the withheld roles and the rule.
        var system = await app.ClientAsAsync(Roles.SystemAdmin);
        var listed = (await system.GetAsync<List<JsonElement>>("/api/v1/accounts")).Single(a => a.GetProperty("id").GetString() == old.Id);
        Assert.Equal([(Roles.SystemAdmin, "SEC-1", "AdministratorsSeparated"), (Roles.Auditor, "SEC-1", "AdministratorsSeparated")],
            listed.GetProperty("withheld").EnumerateArray().Select(w => (w.GetProperty("role").GetString(), w.GetProperty("rule").GetString(), w.GetProperty("reason").GetString())));
        var accountsPage = WebUtility.HtmlDecode(await system.GetStringAsync("/Admin/Accounts?q=" + old.UserName));
        Assert.Contains("data-withheld-role=\"Auditor\" data-rule=\"SEC-1\"", accountsPage, StringComparison.Ordinal);
        Assert.Contains("安全审计员：三员分立", accountsPage, StringComparison.Ordinal);
        var own = WebUtility.HtmlDecode(await client.GetStringAsync("/Account/Manage"));
        Assert.Equal("安全管理员", RolesLine(own));
        Assert.Contains("系统管理员：三员分立", own, StringComparison.Ordinal);

        // Another security administrator sets it right; then nothing is withheld.
        var security = await app.ClientAsAsync(Roles.SecurityAdmin);
        await (await security.PutJsonAsync($"/api/v1/accounts/{old.Id}/roles", new { roles = new[] { Roles.SystemAdmin } })).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Empty((await system.GetAsync<List<JsonElement>>("/api/v1/accounts")).Single(a => a.GetProperty("id").GetString() == old.Id).GetProperty("withheld").EnumerateArray());
    }

    [Fact]
    [Trait("Rule", "SEC-2")]
    public async Task SignInCookieIssuedBeforeTheRoleChecks_IsSignedOutAtItsNextRequest_PageToLogin_Api401()
    {
        // A unit's account with a stored see-all role: a cookie from before decision 034 would still carry OfficeStaff.
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var unit = await UnitAsync(office, $"wh-c-{Guid.NewGuid().ToString("N")[..6]}", "戊局");
        var old = await app.CreateUserAsync(Roles.UnitLiaison, unit);
        await StoreRolesAsync(old.Id, Roles.OfficeStaff);

        // Sign in for real and take the cookie the app issued.
        var raw = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var login = await MingchaApp.LoginAsync(raw, old);
        await login.ExpectAsync(HttpStatusCode.NoContent);
        var issued = login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith(CookieName + "=", StringComparison.Ordinal))[(CookieName.Length + 1)..];

        // The same session as a pre-034 sign-in made it: the app's own ticket format (its Data Protection keys), the same
        // claims, properties and expiry, less the claims factory's mark. Its role claims include the stored OfficeStaff.
        var format = app.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme).TicketDataFormat;
        var ticket = format.Unprotect(issued) ?? throw new InvalidOperationException("The issued cookie does not unprotect.");
        Assert.NotNull(ticket.Principal.FindFirst(MingchaClaimsFactory.RolesChecked));
        var was = (ClaimsIdentity)ticket.Principal.Identity!;
        var before = new ClaimsIdentity(was.Claims.Where(c => c.Type != MingchaClaimsFactory.RolesChecked).Select(c => new Claim(c.Type, c.Value, c.ValueType, c.Issuer)),
            was.AuthenticationType, was.NameClaimType, was.RoleClaimType);
        before.AddClaim(new Claim(was.RoleClaimType, Roles.OfficeStaff));
        var oldCookie = format.Protect(new AuthenticationTicket(new ClaimsPrincipal(before), ticket.Properties, ticket.AuthenticationScheme));

        // The cookie as issued is a live session (the comparison that shows the rebuilt cookie is well formed but for the mark).
        Assert.Equal(HttpStatusCode.OK, (await SendWithCookieAsync(raw, "/api/v1/me", issued)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendWithCookieAsync(raw, "/Account/Manage", issued)).StatusCode);

        // The pre-034 cookie: the API answers 401, a page sends to the login page, and the response clears the cookie.
        var api = await SendWithCookieAsync(raw, "/api/v1/me", oldCookie);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Contains(api.Headers.TryGetValues("Set-Cookie", out var cleared) ? cleared : [], c => c.StartsWith(CookieName + "=;", StringComparison.Ordinal));
        await (await SendWithCookieAsync(raw, "/api/v1/rectification/overview", oldCookie)).ExpectAsync(HttpStatusCode.Unauthorized);
        var page = await SendWithCookieAsync(raw, "/Account/Manage", oldCookie);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/Account/Login", page.Headers.Location?.OriginalString.Replace("http://localhost", "", StringComparison.Ordinal) ?? "", StringComparison.Ordinal);
    }

    private const string CookieName = "mingcha.auth";

    private static Task<HttpResponseMessage> SendWithCookieAsync(HttpClient client, string path, string cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", $"{CookieName}={cookie}");
        return client.SendAsync(request);
    }

    /// <summary>The text of the account page's roles line (the dd with id "roles").</summary>
    private static string RolesLine(string page)
    {
        var start = page.IndexOf('>', page.IndexOf("id=\"roles\"", StringComparison.Ordinal)) + 1;
        return page[start..page.IndexOf("</dd>", start, StringComparison.Ordinal)].Trim();
    }

    private static async Task<Guid> UnitAsync(HttpClient office, string code, string name) =>
        (await (await office.PostJsonAsync("/api/v1/units", new { code, name })).ReadAsync<JsonElement>(HttpStatusCode.Created)).GetProperty("id").GetGuid();

    /// <summary>Adds roles to the account the way an old grant left them: straight into the role table, past every check.</summary>
    private Task<int> StoreRolesAsync(string userId, params string[] roles) => app.WithDbAsync(async db =>
    {
        foreach (var role in roles)
        {
            var roleId = await db.Roles.Where(r => r.Name == role).Select(r => r.Id).SingleAsync();
            db.UserRoles.Add(new IdentityUserRole<string> { UserId = userId, RoleId = roleId });
        }
        return await db.SaveChangesAsync();
    });
}
