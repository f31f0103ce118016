using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests.Security;

/// <summary>Accounts, passwords, lock-out, two-factor and role grants over HTTP (SEC-1).</summary>
public sealed class AccountTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    [Theory]
    [Trait("Rule", "SEC-1")]
    [InlineData("Ab1!xyz")]        // four classes, 7 characters
    [InlineData("abcdefgh1234")]   // long enough, two classes
    [InlineData("ABCDEFGHIJKLMN")] // long enough, one class
    public async Task CreateAccount_WhenPasswordBreaksPolicy_Refuses422NamingSec1(string password)
    {
        var system = await app.ClientAsAsync(Roles.SystemAdmin);
        var userName = NewName("weak");

        var response = await system.PostJsonAsync("/api/v1/accounts", new { userName, displayName = "弱口令", password });

        await response.ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "SEC-1");
        Assert.DoesNotContain(await system.GetAsync<List<AccountDto>>("/api/v1/accounts"), a => a.UserName == userName);
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task CreateAccount_WhenPasswordHasTenCharactersOfThreeClasses_CreatesAccountThatSignsIn()
    {
        var system = await app.ClientAsAsync(Roles.SystemAdmin);
        var userName = NewName("good");

        var created = await (await system.PostJsonAsync("/api/v1/accounts", new { userName, displayName = "新用户", password = "abcdefgh1A" }))
            .ReadAsync<CreatedAccountDto>(HttpStatusCode.Created);

        Assert.Equal(userName, created.UserName);
        var client = app.NewClient();
        await (await client.PostJsonAsync("/api/v1/auth/login", new { userName, password = "abcdefgh1A" })).ExpectAsync(HttpStatusCode.NoContent);
        var me = await client.GetAsync<MeDto>("/api/v1/me");
        Assert.Equal(userName, me.UserName);
        Assert.Empty(me.Roles);
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task CreateAccount_WhenNoPasswordIsGiven_ReturnsAGeneratedOneThatMeetsPolicyOnce()
    {
        var system = await app.ClientAsAsync(Roles.SystemAdmin);
        var userName = NewName("gen");

        var created = await (await system.PostJsonAsync("/api/v1/accounts", new { userName, displayName = "生成口令" })).ReadAsync<CreatedAccountDto>(HttpStatusCode.Created);

        Assert.Empty(PasswordPolicy.Check(created.InitialPassword));
        var listed = await (await system.GetAsync("/api/v1/accounts")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(created.InitialPassword, listed, StringComparison.Ordinal);
        await (await app.NewClient().PostJsonAsync("/api/v1/auth/login", new { userName, password = created.InitialPassword })).ExpectAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task Login_WhenFiveWrongPasswordsInARow_LocksTheAccountFor15Minutes()
    {
        var user = await app.CreateUserAsync(Roles.Leader);
        var client = app.NewClient();
        var wrong = new { userName = user.UserName, password = "Wrong-password-1" };

        for (var i = 1; i <= 4; i++)
            await (await client.PostJsonAsync("/api/v1/auth/login", wrong)).ExpectRuleAsync(HttpStatusCode.Unauthorized, "SEC-1");
        await (await client.PostJsonAsync("/api/v1/auth/login", wrong)).ExpectRuleAsync(HttpStatusCode.Locked, "SEC-1");

        // The sixth attempt, with the right password, is refused as well.
        var sixth = await client.PostJsonAsync("/api/v1/auth/login", new { userName = user.UserName, password = user.Password });
        var problem = await sixth.ExpectRuleAsync(HttpStatusCode.Locked, "SEC-1");
        Assert.Equal("locked-out", problem.GetProperty("reason").GetString());
        await (await client.GetAsync("/api/v1/me")).ExpectAsync(HttpStatusCode.Unauthorized);

        // ASP.NET Core Identity times lock-outs with the system clock (UserManager takes no TimeProvider), so the
        // 15 minutes are read from the account rather than waited for.
        var lockoutEnd = await app.WithDbAsync(db => db.Users.AsNoTracking().Where(u => u.Id == user.Id).Select(u => u.LockoutEnd).SingleAsync());
        Assert.NotNull(lockoutEnd);
        Assert.InRange(lockoutEnd.Value - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));

        // A system administrator can lift it.
        var system = await app.ClientAsAsync(Roles.SystemAdmin);
        await (await system.PostAsync($"/api/v1/accounts/{user.Id}/unlock", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await MingchaApp.LoginAsync(client, user)).ExpectAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task Login_WhenTotpCodeIsMissingOrWrong_Refuses401AndSignsNobodyIn()
    {
        var user = await app.CreateUserAsync(Roles.OfficeAdmin);
        var client = app.NewClient();

        var withoutCode = await client.PostJsonAsync("/api/v1/auth/login", new { userName = user.UserName, password = user.Password });
        Assert.Equal("two-factor-required", (await withoutCode.ExpectRuleAsync(HttpStatusCode.Unauthorized, "SEC-1")).GetProperty("reason").GetString());

        var wrongCode = await client.PostJsonAsync("/api/v1/auth/login", new { userName = user.UserName, password = user.Password, code = WrongCode(user.TotpKey!) });
        Assert.Equal("invalid-code", (await wrongCode.ExpectRuleAsync(HttpStatusCode.Unauthorized, "SEC-1")).GetProperty("reason").GetString());

        await (await client.GetAsync("/api/v1/me")).ExpectAsync(HttpStatusCode.Unauthorized);
        await (await client.GetAsync("/api/v1/units")).ExpectAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task Api_WhenTwoFactorRoleHasNotEnrolled_Refuses403Sec1ButLeavesSignInAndMeOpen()
    {
        var user = await app.CreateUserAsync(Roles.SystemAdmin, enrolTwoFactor: false);
        var client = app.NewClient();
        await (await MingchaApp.LoginAsync(client, user)).ExpectAsync(HttpStatusCode.NoContent);

        await (await client.GetAsync("/api/v1/accounts")).ExpectRuleAsync(HttpStatusCode.Forbidden, "SEC-1");
        await (await client.PostJsonAsync("/api/v1/tokens", new { name = "x", scopes = new[] { "org:read" } })).ExpectRuleAsync(HttpStatusCode.Forbidden, "SEC-1");
        await (await client.GetAsync("/api/v1/calendar/years")).ExpectRuleAsync(HttpStatusCode.Forbidden, "SEC-1");

        // Who am I, and must I enrol? The client needs that answer to send the user to the set-up page.
        var me = await client.GetAsync<MeDto>("/api/v1/me");
        Assert.Equal(user.UserName, me.UserName);
        Assert.False(me.TwoFactorEnabled);
        await (await client.PostAsync("/api/v1/auth/logout", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await client.GetAsync("/api/v1/me")).ExpectAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task Api_WhenRoleNeedsNoSecondFactor_WorksWithPasswordAlone()
    {
        var client = await app.ClientAsAsync(Roles.Leader);

        await (await client.GetAsync("/api/v1/units")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task SetRoles_WhenSecurityAdminGrantsNewRole_NextSignInHasItAndOldSessionEnds()
    {
        var security = await app.ClientAsAsync(Roles.SecurityAdmin);
        var (user, oldSession) = await app.SignedInAsync(Roles.Leader);
        await (await oldSession.GetAsync("/api/v1/supervisors")).ExpectAsync(HttpStatusCode.OK);
        await (await oldSession.PostJsonAsync("/api/v1/categories", new { code = NewName("c"), name = "类别" })).ExpectAsync(HttpStatusCode.Forbidden);

        await (await security.PutJsonAsync($"/api/v1/accounts/{user.Id}/roles", new { roles = new[] { Roles.OfficeStaff } })).ExpectAsync(HttpStatusCode.NoContent);

        var newSession = app.NewClient();
        await (await MingchaApp.LoginAsync(newSession, user)).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal([Roles.OfficeStaff], (await newSession.GetAsync<MeDto>("/api/v1/me")).Roles);
        await (await newSession.PostJsonAsync("/api/v1/categories", new { code = NewName("c"), name = "类别" })).ExpectAsync(HttpStatusCode.Created);

        // Sessions are re-checked against the account every minute (app clock): the old one, with the old roles, ends.
        app.Clock.Advance(TimeSpan.FromSeconds(61));
        await (await oldSession.GetAsync("/api/v1/supervisors")).ExpectAsync(HttpStatusCode.Unauthorized);
        var audit = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Action == "account.roles" && a.EntityKey == user.UserName).ToListAsync());
        Assert.Contains(audit, a => a.Before == JsonSerializer.Serialize(new[] { Roles.Leader }) && a.After == JsonSerializer.Serialize(new[] { Roles.OfficeStaff }));
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task SetRoles_WhenSecurityAdminChangesOwnRoles_Refuses403()
    {
        var (me, security) = await app.SignedInAsync(Roles.SecurityAdmin);

        var response = await security.PutJsonAsync($"/api/v1/accounts/{me.Id}/roles", new { roles = new[] { Roles.SecurityAdmin, Roles.OfficeAdmin } });

        await response.ExpectRuleAsync(HttpStatusCode.Forbidden, "SEC-1");
        Assert.Equal([Roles.SecurityAdmin], (await security.GetAsync<MeDto>("/api/v1/me")).Roles);
    }

    [Theory]
    [Trait("Rule", "SEC-1")]
    [InlineData(Roles.Auditor, Roles.SystemAdmin)]
    [InlineData(Roles.SecurityAdmin, Roles.Auditor)]
    [InlineData(Roles.SystemAdmin, Roles.OfficeAdmin)]
    public async Task SetRoles_WhenCombiningSeparatedAdministratorRoles_Refuses422(string a, string b)
    {
        var security = await app.ClientAsAsync(Roles.SecurityAdmin);
        var target = await app.CreateUserAsync(Roles.Leader);

        var response = await security.PutJsonAsync($"/api/v1/accounts/{target.Id}/roles", new { roles = new[] { a, b } });

        await response.ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "SEC-1");
        Assert.Equal([Roles.Leader], (await security.GetAsync<List<AccountDto>>("/api/v1/accounts")).Single(x => x.Id == target.Id).Roles);
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    [Trait("Rule", "SEC-2")]
    public async Task SetRoles_WhenUnitLiaisonHasNoUnit_Refuses422()
    {
        var security = await app.ClientAsAsync(Roles.SecurityAdmin);
        var target = await app.CreateUserAsync(Roles.Leader);

        var response = await security.PutJsonAsync($"/api/v1/accounts/{target.Id}/roles", new { roles = new[] { Roles.UnitLiaison } });

        await response.ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "SEC-2");
        Assert.Equal([Roles.Leader], (await security.GetAsync<List<AccountDto>>("/api/v1/accounts")).Single(x => x.Id == target.Id).Roles);
    }

    /// <summary>SEC-2: a unit's liaison never also holds a role that sees every unit; the roles stay as they were.</summary>
    [Theory]
    [Trait("Rule", "SEC-2")]
    [InlineData(Roles.OfficeStaff)]
    [InlineData(Roles.OfficeAdmin)]
    [InlineData(Roles.Leader)]
    public async Task SetRoles_WhenALiaisonWouldAlsoSeeEveryUnit_Refuses422(string wide)
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var unit = (await (await office.PostJsonAsync("/api/v1/units", new { code = NewName("wide"), name = "联络员所在局" })).ReadAsync<JsonElement>(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var liaison = await app.CreateUserAsync(Roles.UnitLiaison, unit);
        var security = await app.ClientAsAsync(Roles.SecurityAdmin);

        var response = await security.PutJsonAsync($"/api/v1/accounts/{liaison.Id}/roles", new { roles = new[] { Roles.UnitLiaison, wide } });

        await response.ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "SEC-2");
        Assert.Equal([Roles.UnitLiaison], (await security.GetAsync<List<AccountDto>>("/api/v1/accounts")).Single(x => x.Id == liaison.Id).Roles);
    }

    /// <summary>
    /// SEC-1, SEC-3: the accounts page checks what the API checks: an over-long user name or name is named on the page and
    /// no account is created (one of 256 characters was stored, and its audit line then failed). The sign-in page answers
    /// an over-long user name as any wrong one.
    /// </summary>
    [Fact]
    [Trait("Rule", "SEC-1")]
    [Trait("Rule", "SEC-3")]
    public async Task Pages_WithOverLongNames_AnswerWithAMessage_AndCreateNothing()
    {
        var system = await app.ClientAsAsync(Roles.SystemAdmin);
        var longName = "u" + new string('x', 250);
        var created = await system.PostFormAsync("/Admin/Accounts", "Create", new() { ["NewAccount.UserName"] = longName, ["NewAccount.DisplayName"] = "长用户名" });
        Assert.NotEqual(HttpStatusCode.InternalServerError, created.StatusCode);
        Assert.Contains("64", await created.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var longDisplay = await system.PostFormAsync("/Admin/Accounts", "Create", new() { ["NewAccount.UserName"] = NewName("ld"), ["NewAccount.DisplayName"] = new string('名', 101) });
        Assert.NotEqual(HttpStatusCode.InternalServerError, longDisplay.StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.UserName == longName || u.DisplayName.Length > 100)));

        var anonymous = app.NewClient();
        var login = await anonymous.PostFormAsync("/Account/Login", null, new() { ["UserName"] = new string('a', 300), ["Password"] = "whatever-1A!" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("用户名或密码错误", System.Net.WebUtility.HtmlDecode(await login.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task SetRoles_WhenRoleIsUnknown_Refuses422()
    {
        var security = await app.ClientAsAsync(Roles.SecurityAdmin);
        var target = await app.CreateUserAsync(Roles.Leader);

        var response = await security.PutJsonAsync($"/api/v1/accounts/{target.Id}/roles", new { roles = new[] { "Superuser" } });

        await response.ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "SEC-1");
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task Lock_WhenSystemAdminLocksAccount_EndsItsSessionAndRefusesSignIn()
    {
        var system = await app.ClientAsAsync(Roles.SystemAdmin);
        var (user, session) = await app.SignedInAsync(Roles.Leader);

        await (await system.PostAsync($"/api/v1/accounts/{user.Id}/lock", null)).ExpectAsync(HttpStatusCode.NoContent);

        await (await MingchaApp.LoginAsync(app.NewClient(), user)).ExpectRuleAsync(HttpStatusCode.Locked, "SEC-1");
        app.Clock.Advance(TimeSpan.FromSeconds(61)); // the next re-check of the session against the account
        await (await session.GetAsync("/api/v1/units")).ExpectAsync(HttpStatusCode.Unauthorized);
    }

    /// <summary>
    /// INS-8: the system administrator registers a unit's account as one of its leaders (who sign inspection records as the
    /// leader on duty) and withdraws it; an account without a unit cannot be one; nobody else may; every change is audited.
    /// </summary>
    [Fact]
    [Trait("Rule", "INS-8")]
    [Trait("Rule", "SEC-1")]
    public async Task UnitLeader_WhenRegisteredBySystemAdmin_IsListedAndAudited_OthersAreRefused()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var unit = (await (await office.PostJsonAsync("/api/v1/units", new { code = NewName("ul"), name = "领导登记局" })).ReadAsync<JsonElement>(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var member = await app.CreateUserAsync(Roles.UnitLiaison, unit);
        var unbound = await app.CreateUserAsync(Roles.OfficeStaff);
        var system = await app.ClientAsAsync(Roles.SystemAdmin);
        async Task<bool> Listed(string id) => (await system.GetAsync<List<JsonElement>>("/api/v1/accounts")).Single(a => a.GetProperty("id").GetString() == id).GetProperty("unitLeader").GetBoolean();

        await (await system.PutJsonAsync($"/api/v1/accounts/{unbound.Id}/unit-leader", new { leader = true })).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "INS-8");
        await (await system.PutJsonAsync($"/api/v1/accounts/{member.Id}/unit-leader", new { })).ExpectProblemAsync(HttpStatusCode.BadRequest);
        await (await office.PutJsonAsync($"/api/v1/accounts/{member.Id}/unit-leader", new { leader = true })).ExpectAsync(HttpStatusCode.Forbidden);
        await (await (await app.ClientAsAsync(Roles.SecurityAdmin)).PutJsonAsync($"/api/v1/accounts/{member.Id}/unit-leader", new { leader = true })).ExpectAsync(HttpStatusCode.Forbidden);
        Assert.False(await Listed(member.Id));

        await (await system.PutJsonAsync($"/api/v1/accounts/{member.Id}/unit-leader", new { leader = true })).ExpectAsync(HttpStatusCode.NoContent);
        await (await system.PutJsonAsync($"/api/v1/accounts/{member.Id}/unit-leader", new { leader = true })).ExpectAsync(HttpStatusCode.NoContent); // again: unchanged
        Assert.True(await Listed(member.Id));
        Assert.Equal(unit, await app.WithDbAsync(db => db.UnitLeaders.Where(l => l.UserId == member.Id && l.WithdrawnAt == null).Select(l => l.UnitId).SingleAsync()));
        var page = WebUtility.HtmlDecode(await system.GetStringAsync("/Admin/Accounts?q=" + member.UserName));
        Assert.Contains("data-unit-leader", page, StringComparison.Ordinal);

        await (await system.PutJsonAsync($"/api/v1/accounts/{member.Id}/unit-leader", new { leader = false })).ExpectAsync(HttpStatusCode.NoContent);
        Assert.False(await Listed(member.Id));
        // SEC-3: the designation is kept, withdrawn, and both acts are in the audit trail.
        var designation = await app.WithDbAsync(db => db.UnitLeaders.AsNoTracking().SingleAsync(l => l.UserId == member.Id));
        Assert.NotNull(designation.WithdrawnAt);
        Assert.Equal(2, await app.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.EntityType == "UnitLeader" && e.EntityKey == designation.Id.ToString())));
    }

    /// <summary>A six-digit code that is none of the codes Identity accepts around now (it allows a few 30-second steps either way).</summary>
    private static string WrongCode(string key)
    {
        var valid = Enumerable.Range(-5, 11).Select(step => Totp.Code(key, DateTimeOffset.UtcNow.AddSeconds(30 * step))).ToHashSet();
        var candidate = 0;
        while (valid.Contains(candidate.ToString("D6", CultureInfo.InvariantCulture))) candidate++;
        return candidate.ToString("D6", CultureInfo.InvariantCulture);
    }

    private static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";

    private sealed record MeDto(string Id, string UserName, string DisplayName, Guid? UnitId, string[] Roles, bool TwoFactorEnabled);
    private sealed record AccountDto(string Id, string UserName, string[] Roles);
    private sealed record CreatedAccountDto(string Id, string UserName, string InitialPassword);
}
