using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Home;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Inspections;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.IntegrationTests.Inspections;

/// <summary>
/// The zh-CN pages of the module over HTTP, on the demo city (its year plan and covert round), and the demo's logins: one
/// per role, the inspectors' linked to the demo teams and agency.
/// </summary>
public sealed partial class InspectionPagesTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private sealed record DrawDto(Guid Id);

    [Fact]
    [Trait("Rule", "INS-10")]
    public async Task Pages_WhenTheOfficeOpensThem_ShowTheDemoPlanRoundCatalogueAgencyAndDiscipline()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var index = await PageAsync(office, "/Inspections?year=2026");
        Assert.Contains("年度目标完成情况", index, StringComparison.Ordinal);
        Assert.Contains("230", index, StringComparison.Ordinal);
        var roundId = await app.WithDbAsync(db => db.InspectionRounds.Where(r => r.IsDemo && r.Kind == InspectionKind.Covert).Select(r => r.Id).SingleAsync());
        Assert.Contains(RoundLink().Matches(index), m => m.Groups[1].Value == roundId.ToString());

        var round = await PageAsync(office, $"/Inspections/Round?id={roundId}");
        Assert.Contains("乡镇（街道）人社服务站常态化暗访", round, StringComparison.Ordinal);
        Assert.Contains("检查对象", round, StringComparison.Ordinal);
        // The demo's round is the quarter's it was loaded in (the test clock's 2026-11-16), running: the leaders' overview
        // counts it and its four targets, none carried out yet.
        var demoRound = await app.WithDbAsync(db => db.InspectionRounds.AsNoTracking().SingleAsync(r => r.Id == roundId));
        Assert.Equal(("2026 年第四季度乡镇（街道）人社服务站常态化暗访", new DateOnly(2026, 10, 1), new DateOnly(2026, 12, 31), RoundStatus.Running),
            (demoRound.Title, demoRound.StartsOn, demoRound.EndsOn, demoRound.Status));
        var overview = await (await app.ClientAsAsync(Roles.Leader)).GetAsync<JsonElement>("/api/v1/scoring/overview/2026");
        var figures = overview.GetProperty("inspections").EnumerateArray().ToDictionary(f => f.GetProperty("key").GetString()!, f => f.GetProperty("value").GetInt64());
        Assert.Equal((1, 4, 0), (figures["Covert.rounds"], figures["Covert.targets"], figures["Covert.visits"]));
        // And the quarter's open inspection of three departments' windows, for the first supervisors' team.
        Assert.Equal((1, 3, 0), (figures["Open.rounds"], figures["Open.targets"], figures["Open.visits"]));

        var catalogue = await PageAsync(office, "/Inspections/Catalogue?year=2026");
        Assert.Contains("未在门厅等显眼位置设置效能提示牌", catalogue, StringComparison.Ordinal);
        Assert.Contains("相互通风报信", catalogue, StringComparison.Ordinal);

        var agencyId = await app.WithDbAsync(db => db.Agencies.Where(a => a.IsDemo).Select(a => a.Id).FirstAsync());
        Assert.Contains("年度质效考核", await PageAsync(office, $"/Inspections/Agency?id={agencyId}"), StringComparison.Ordinal);
        Assert.Contains("示范市明鉴第三方评估有限公司", await PageAsync(office, "/Inspections/Agencies"), StringComparison.Ordinal);
        Assert.Contains("不准接受被查单位的宴请", await PageAsync(office, "/Inspections/Discipline"), StringComparison.Ordinal);
        Assert.Contains("检查记录", await PageAsync(office, "/Inspections/Visits"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await office.GetAsync($"/Inspections/Round?id={Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    [Trait("Rule", "INS-5")]
    public async Task DrawPage_WhenTheAuditorReRunsADraw_SaysItMatches()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new InspectionKit(app, office);
        var unit = await kit.UnitAsync("页面抽签局");
        await kit.SectionsAsync(unit, 5);
        var round = await kit.RoundAsync(2027, teamId: await kit.TeamAsync(await kit.ApprovedSupervisorAsync()));
        var draw = await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/draws", new { count = 2, seed = "99", unitIds = new[] { unit } })).ReadAsync<DrawDto>(HttpStatusCode.Created);

        var auditor = await app.ClientAsAsync(Roles.Auditor);
        var page = await PageAsync(auditor, $"/Inspections/Draw?id={draw.Id}");
        Assert.Contains("mingcha-draw/1", page, StringComparison.Ordinal);
        var token = Token().Match(page).Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token });
        var verified = WebUtility.HtmlDecode(await (await auditor.PostAsync($"/Inspections/Draw?id={draw.Id}&handler=Verify", form)).Content.ReadAsStringAsync());
        Assert.Contains("data-verified=\"True\"", verified, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "INS-9")]
    public async Task Pages_WhenTheDemoUnitsLiaisonLooks_ShowNoCovertVisitAndNoPlan()
    {
        var hr = await app.WithDbAsync(db => db.Units.Where(u => u.Code == DemoData.HrUnitCode).Select(u => u.Id).FirstAsync());
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, hr);
        var plan = await liaison.GetAsync("/Inspections");
        Assert.True(plan.StatusCode == HttpStatusCode.Forbidden || (plan.StatusCode == HttpStatusCode.Redirect && plan.Headers.Location!.ToString().Contains("Denied", StringComparison.Ordinal)),
            $"liaison got {(int)plan.StatusCode} for the plan page");
        var visits = await PageAsync(liaison, "/Inspections/Visits");
        Assert.DoesNotContain("data-visit=", visits, StringComparison.Ordinal);
        Assert.DoesNotContain("人社服务站", visits, StringComparison.Ordinal);
    }

    /// <summary>A page's HTML with the character references Razor writes for Chinese text decoded.</summary>
    private static async Task<string> PageAsync(HttpClient client, string path) => WebUtility.HtmlDecode(await client.GetStringAsync(path));

    /// <summary>The text of the element with <paramref name="id"/> (no nested element of its own kind), as a reader sees it: tags gone, spaces collapsed.</summary>
    private static string Text(string page, string id)
    {
        var m = Regex.Match(page, $"<(?<tag>[a-z0-9]+) id=\"{id}\"[^>]*>(?<body>.*?)</\\k<tag>>", RegexOptions.Singleline);
        Assert.True(m.Success, $"no element #{id}");
        return Regex.Replace(Regex.Replace(m.Groups["body"].Value, "<[^>]+>", " "), "\\s+", " ").Trim();
    }

    [GeneratedRegex("/Inspections/Round\\?id=([0-9a-f-]{36})")]
    private static partial Regex RoundLink();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    /// <summary>Signs in as the demo account <paramref name="userName"/>, its random password replaced by one the test knows.</summary>
    private async Task<HttpClient> DemoClientAsync(string userName, string role)
    {
        const string password = "Demo-Test-Pass-2026!";
        string id = "";
        await app.WithScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<MingchaUser>>();
            var user = await users.FindByNameAsync(userName) ?? throw new InvalidOperationException($"no demo account {userName}");
            id = user.Id;
            Assert.True((await users.RemovePasswordAsync(user)).Succeeded);
            Assert.True((await users.AddPasswordAsync(user, password)).Succeeded);
        });
        var client = app.NewClient();
        var login = await MingchaApp.LoginAsync(client, new MingchaApp.TestUser(id, userName, password, null, role, null));
        Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
        return client;
    }

    [Fact]
    [Trait("Rule", "ORG-3")]
    [Trait("Rule", "ORG-4")]
    public async Task DemoCity_HasALoginForEveryRole_AndTheInspectorsHaveTheRunningRoundsVisitsToCarryOut()
    {
        var demoRoles = await app.WithDbAsync(db => (from u in db.Users
                                                     join ur in db.UserRoles on u.Id equals ur.UserId
                                                     join r in db.Roles on ur.RoleId equals r.Id
                                                     where u.IsDemo || u.UserName == "admin"
                                                     select r.Name!).Distinct().ToListAsync());
        Assert.Equal(Roles.All.Order(StringComparer.Ordinal), demoRoles.Order(StringComparer.Ordinal));

        // ORG-3: the supervisor's login is the first team's leader's; ORG-4: the agency inspector's is the demo agency's.
        var (leaderUser, inspectorAgency, roundAgency) = await app.WithDbAsync(async db => (
            await db.Supervisors.Where(s => db.Teams.Any(t => t.IsDemo && t.Name == "第一督查组" && t.LeaderId == s.Id)).Select(s => s.UserId).SingleAsync(),
            await db.AgencyInspectors.Where(i => i.IsDemo && db.Users.Any(u => u.Id == i.UserId && u.UserName == "agency")).Select(i => i.AgencyId).SingleAsync(),
            await db.InspectionRounds.Where(r => r.IsDemo && r.Kind == InspectionKind.Covert).Select(r => r.AgencyId).SingleAsync()));
        Assert.Equal("inspector", await app.WithDbAsync(db => db.Users.Where(u => u.Id == leaderUser).Select(u => u.UserName).SingleAsync()));
        Assert.Equal(roundAgency, inspectorAgency);

        var agency = await DemoClientAsync("agency", Roles.AgencyInspector);
        Assert.Equal(4, (await HomePage.WorkAsync(agency))["visits.to-do"]);
        var visits = await agency.GetAsync<List<JsonElement>>("/api/v1/inspections/visits?year=2026");
        Assert.Equal(4, visits.Count);
        // The visit's page tells the inspector where to go and by when, in words (not the status's code).
        var first = visits[0];
        var page = await PageAsync(agency, $"/Inspections/Visit/{first.GetProperty("id").GetGuid()}");
        Assert.Equal($"{first.GetProperty("sectionName").GetString()} · 示范市人力资源和社会保障局", Text(page, "visit-target"));
        Assert.Equal("2026 年第四季度乡镇（街道）人社服务站常态化暗访 · 实施期间 2026-10-01 至 2026-12-31", Text(page, "visit-round"));
        Assert.Equal("待实施", Text(page, "visit-status"));
        // The supervisor's team has the open inspection's three windows to visit, and no covert visit of the agency's to see (INS-9).
        var inspector = await DemoClientAsync("inspector", Roles.Supervisor);
        Assert.Equal(3, (await HomePage.WorkAsync(inspector))["visits.to-do"]);
        var open = await inspector.GetAsync<List<JsonElement>>("/api/v1/inspections/visits?year=2026");
        Assert.Equal(["Open", "Open", "Open"], open.Select(v => v.GetProperty("kind").GetString()));
        Assert.DoesNotContain(open, v => visits.Any(c => c.GetProperty("id").GetGuid() == v.GetProperty("id").GetGuid()));
        var openPage = await PageAsync(inspector, $"/Inspections/Visit/{open[0].GetProperty("id").GetGuid()}");
        Assert.Contains("<h1>明查检查</h1>", openPage, StringComparison.Ordinal);
    }
}
