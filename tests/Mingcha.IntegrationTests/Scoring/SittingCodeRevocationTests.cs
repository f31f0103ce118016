using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Scoring;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Scoring;

namespace Mingcha.IntegrationTests.Scoring;

/// <summary>
/// EV-2, decision 028 (amended by migration 0043): the Office revokes one unused ballot code by its slip's serial and prints
/// a replacement; a revoked code admits no ballot; a used one cannot be revoked; a sitting created without codes is switched
/// to codes before its first ballot (refused after); the 5,000-codes cap of a sitting holds when issues arrive at once.
/// SQLite and, with MINGCHA_TEST_POSTGRES, PostgreSQL.
/// </summary>
public sealed partial class SittingCodeRevocationTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    private sealed record SittingDto(Guid Id, string Token, bool RequireCodes, int Ballots);
    private sealed record IssuedCode(string Code, string Link, int Serial);
    private sealed record Issued(Guid SittingId, string? Group, List<IssuedCode> Codes);
    private sealed record Revoked(Guid SittingId, int Serial, string? Group, Issued? Replacement);
    private sealed record GroupCount(string? Group, int Issued, int Used, int Revoked);
    private sealed record Counts(bool RequireCodes, int Issued, int Used, int Revoked, List<GroupCount> Groups);

    private sealed record World(HttpClient Office, Guid Campaign, Guid Unit, Guid Section, Guid OtherSection, SittingDto Sitting)
    {
        public string Codes => $"/api/v1/scoring/sittings/{Sitting.Id}/codes";
        public string Revoke => $"/api/v1/scoring/sittings/{Sitting.Id}/codes/revoke";
        public string Switch => $"/api/v1/scoring/sittings/{Sitting.Id}/require-codes";
        public string Sit => $"/api/v1/scoring/sit/{Sitting.Token}";
        public string Page => $"/Scoring/SittingCodes/{Sitting.Id}";
    }

    private async Task<World> SittingAsync(bool? requireCodes = null)
    {
        var s = await SittingKit.OpenAsync(app, "rv", "作废码", "代表集中测评", requireCodes);
        return new World(s.Office, s.Campaign, s.Unit, s.Section, s.OtherSection, await s.Sitting.ReadAsync<SittingDto>(HttpStatusCode.Created));
    }

    private static async Task<List<IssuedCode>> IssueAsync(World w, int count, string? group = null) =>
        (await (await w.Office.PostJsonAsync(w.Codes, new { count, group })).ReadAsync<Issued>(HttpStatusCode.Created)).Codes;

    private HttpClient Phone() => SittingKit.Phone(app, "203.0.113");
    private static object Ballot(World w, string? code, string? key = null) => SittingKit.Ballot(w.Section, w.OtherSection, code, key, "Good", "Fair");
    private Task<int> EvaluationsAsync(World w) => SittingKit.EvaluationsAsync(app, w.Sitting.Id);
    private Task<int> BallotsAsync(World w) => SittingKit.BallotsAsync(app, w.Sitting.Id);
    private static Task<string> HtmlAsync(HttpResponseMessage response) => SittingKit.HtmlAsync(response);

    [Fact]
    [Trait("Rule", "EV-2")]
    [Trait("Rule", "SEC-3")]
    public async Task Office_RevokesAnUnusedCode_BySerial_ItAdmitsNoBallot_TheReplacementDoes_Audited()
    {
        var w = await SittingAsync();
        var codes = await IssueAsync(w, 3, "人大代表");
        Assert.Equal([1, 2, 3], codes.Select(c => c.Serial)); // printed on the slips

        var revoked = await (await w.Office.PostJsonAsync(w.Revoke, new { serial = 2, reissue = true })).ReadAsync<Revoked>();
        Assert.Equal((2, "人大代表"), (revoked.Serial, revoked.Group));
        var replacement = Assert.Single(revoked.Replacement!.Codes);
        Assert.Equal(4, replacement.Serial);
        Assert.Equal("人大代表", revoked.Replacement.Group);

        // The revoked slip admits no ballot: a ProblemDetails naming EV-2 and saying so; nothing stored, the code not used up.
        var refused = await (await Phone().PostJsonAsync(w.Sit, Ballot(w, codes[1].Code))).ExpectRuleAsync(HttpStatusCode.Forbidden, "EV-2");
        Assert.Contains("已作废", refused.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await EvaluationsAsync(w));
        Assert.Equal(0, await BallotsAsync(w));

        // The replacement and the other slips each admit one ballot.
        await (await Phone().PostJsonAsync(w.Sit, Ballot(w, replacement.Code))).ExpectAsync(HttpStatusCode.OK);
        await (await Phone().PostJsonAsync(w.Sit, Ballot(w, codes[0].Code))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, await BallotsAsync(w));

        var counts = await w.Office.GetAsync<Counts>(w.Codes);
        Assert.Equal((4, 2, 1), (counts.Issued, counts.Used, counts.Revoked));
        Assert.Equal([new GroupCount("人大代表", 4, 2, 1)], counts.Groups);

        // Revoking it again, or revoking a used code, is refused with a message; an unknown serial is named.
        var again = await (await w.Office.PostJsonAsync(w.Revoke, new { serial = 2 })).ExpectRuleAsync(HttpStatusCode.Conflict, "EV-2");
        Assert.Contains("已作废", again.GetProperty("title").GetString(), StringComparison.Ordinal);
        var used = await (await w.Office.PostJsonAsync(w.Revoke, new { serial = 1, reissue = true })).ExpectRuleAsync(HttpStatusCode.Conflict, "EV-2");
        Assert.Contains("已投票使用，不能作废", used.GetProperty("title").GetString(), StringComparison.Ordinal);
        await (await w.Office.PostJsonAsync(w.Revoke, new { serial = 99 })).ExpectFieldErrorAsync("serial");
        await (await w.Office.PostJsonAsync(w.Revoke, new { serial = 0 })).ExpectFieldErrorAsync("serial");
        await (await w.Office.PostJsonAsync(w.Revoke, new { reissue = true })).ExpectFieldErrorAsync("serial");
        Assert.Equal((4, 2, 1), await CountsAsync(w)); // the refusals changed nothing, issued no replacement

        // Without a replacement: only the revocation.
        var plain = await (await w.Office.PostJsonAsync(w.Revoke, new { serial = 3 })).ReadAsync<Revoked>();
        Assert.Null(plain.Replacement);
        Assert.Equal((4, 2, 2), await CountsAsync(w));

        var audit = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking()
            .Where(a => (a.Action == "sitting.code.revoke" || a.Action == "sitting.codes.issue") && a.After!.Contains(w.Sitting.Id.ToString()) || a.Action == "sitting.codes.issue" && a.EntityKey == w.Sitting.Id.ToString())
            .OrderBy(a => a.Seq).Select(a => new { a.Action, a.After, a.UserId }).ToListAsync());
        Assert.Equal([$"sitting {w.Sitting.Id} serial 2", $"sitting {w.Sitting.Id} serial 3"], audit.Where(a => a.Action == "sitting.code.revoke").Select(a => a.After));
        Assert.Contains(audit, a => a.Action == "sitting.codes.issue" && a.After == "codes 1 group 人大代表 replacing serial 2");
        Assert.All(audit, a => Assert.NotNull(a.UserId));
        Assert.All(audit, a => Assert.All(codes.Append(replacement), c => Assert.DoesNotContain(c.Code, a.After ?? "", StringComparison.Ordinal)));
    }

    private static async Task<(int, int, int)> CountsAsync(World w)
    {
        var c = await w.Office.GetAsync<Counts>(w.Codes);
        return (c.Issued, c.Used, c.Revoked);
    }

    [Fact]
    [Trait("Rule", "EV-2")]
    public async Task OnThePages_TheOfficeRevokesAndPrintsTheReplacement_ThePhoneShowsTheRevokedSlipsRefusal()
    {
        var w = await SittingAsync();
        var codes = await IssueAsync(w, 2, "政协委员");

        var done = await w.Office.PostFormAsync(w.Page, "Revoke", new() { ["Serial"] = "1", ["Reissue"] = "true" });
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var html = await HtmlAsync(done);
        Assert.Contains("编号 1 的测评码已作废", html, StringComparison.Ordinal);
        var slip = Assert.Single(SlipCode().Matches(html)).Groups[1].Value; // the replacement's slip, this once
        Assert.Contains("编号 3", html, StringComparison.Ordinal);
        Assert.Contains("政协委员", html, StringComparison.Ordinal);
        Assert.True(done.Headers.CacheControl?.NoStore);

        // A used code: the page says why it is not revoked.
        await (await Phone().PostJsonAsync(w.Sit, Ballot(w, codes[1].Code))).ExpectAsync(HttpStatusCode.OK);
        var refused = await HtmlAsync(await w.Office.PostFormAsync(w.Page, "Revoke", new() { ["Serial"] = "2", ["Reissue"] = "true" }));
        Assert.Contains("编号 2 的测评码已投票使用，不能作废", refused, StringComparison.Ordinal);
        Assert.Contains("(EV-2)", refused, StringComparison.Ordinal);

        // The phone with the revoked slip's QR link: refused on the page with a message, 403; the replacement hands in.
        var phone = Phone();
        var page = $"/Scoring/Sit/{w.Sitting.Token}?code={codes[0].Code}";
        var denied = await phone.PostFormAsync(page, null, new() { ["Code"] = codes[0].Code, [$"Grades[{w.Section}]"] = "Bad" });
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Contains("该测评码已作废", await HtmlAsync(denied), StringComparison.Ordinal);
        var ok = await Phone().PostFormAsync($"/Scoring/Sit/{w.Sitting.Token}?code={slip}", null, new() { ["Code"] = slip, [$"Grades[{w.Section}]"] = "Excellent" });
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.Equal((3, 2, 1), await CountsAsync(w));
    }

    [Fact]
    [Trait("Rule", "EV-2")]
    public async Task ABallotAndTheRevocationOfItsCode_AtOnce_OneWins()
    {
        var w = await SittingAsync();
        var codes = await IssueAsync(w, 6);
        foreach (var code in codes)
        {
            var answers = await Task.WhenAll(
                Phone().PostJsonAsync(w.Sit, Ballot(w, code.Code)),
                w.Office.PostJsonAsync(w.Revoke, new { serial = code.Serial }));
            var (ballot, revoke) = (answers[0].StatusCode, answers[1].StatusCode);
            Assert.True((ballot, revoke) is (HttpStatusCode.OK, HttpStatusCode.Conflict) or (HttpStatusCode.Forbidden, HttpStatusCode.OK), $"ballot {ballot}, revocation {revoke}");
        }
        var (issued, used, revoked) = await CountsAsync(w);
        Assert.Equal(6, issued);
        Assert.Equal(6, used + revoked);
        Assert.Equal(used, await BallotsAsync(w));
        Assert.Equal(used * 2, await EvaluationsAsync(w));
    }

    [Fact]
    [Trait("Rule", "EV-2")]
    public async Task SittingWithoutCodes_SwitchedBeforeItsFirstBallot_BehavesAsANewSittingWithCodes()
    {
        var w = await SittingAsync(requireCodes: false);
        var page = await HtmlAsync(await w.Office.GetAsync(w.Page));
        Assert.Contains("改为凭测评码投票", page, StringComparison.Ordinal);

        var done = await w.Office.PostFormAsync(w.Page, "RequireCodes", []);
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Contains("已改为凭测评码投票", await HtmlAsync(await w.Office.GetAsync(w.Page)), StringComparison.Ordinal);
        Assert.True((await w.Office.GetAsync<Counts>(w.Codes)).RequireCodes);
        await (await w.Office.PostAsync(w.Switch, null)).ExpectAsync(HttpStatusCode.NoContent); // again: nothing to change

        // As a new sitting with codes: no code, refused; a code, one ballot; the phone's page asks for the code.
        var problem = await (await Phone().PostJsonAsync(w.Sit, Ballot(w, null))).ExpectRuleAsync(HttpStatusCode.Forbidden, "EV-2");
        Assert.Contains("凭测评码投票", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Contains("name=\"Code\"", await Phone().GetStringAsync($"/Scoring/Sit/{w.Sitting.Token}"), StringComparison.Ordinal);
        var code = (await IssueAsync(w, 1))[0].Code;
        await (await Phone().PostJsonAsync(w.Sit, Ballot(w, code))).ExpectAsync(HttpStatusCode.OK);
        await (await Phone().PostJsonAsync(w.Sit, Ballot(w, code))).ExpectRuleAsync(HttpStatusCode.Conflict, "EV-2");
        Assert.Equal(1, await BallotsAsync(w));

        var audit = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking()
            .Where(a => a.Action == "sitting.require-codes" && a.EntityKey == w.Sitting.Id.ToString()).Select(a => new { a.After, a.UserId }).ToListAsync());
        Assert.Single(audit, a => a.After == "requireCodes true" && a.UserId != null);
    }

    [Fact]
    [Trait("Rule", "EV-2")]
    public async Task SittingWithoutCodes_AfterItsFirstBallot_IsNotSwitched_WithAMessage()
    {
        var w = await SittingAsync(requireCodes: false);
        await (await Phone().PostJsonAsync(w.Sit, Ballot(w, null))).ExpectAsync(HttpStatusCode.OK);

        var problem = await (await w.Office.PostAsync(w.Switch, null)).ExpectRuleAsync(HttpStatusCode.Conflict, "EV-2");
        Assert.Contains("已有测评票提交，不能再改为凭测评码投票", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        var page = await HtmlAsync(await w.Office.GetAsync(w.Page));
        Assert.Contains("已有测评票提交，不能再改为凭测评码投票", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"switch-to-codes\"", page, StringComparison.Ordinal);
        Assert.False((await w.Office.GetAsync<Counts>(w.Codes)).RequireCodes);
        // Still one ballot per phone without a code.
        await (await Phone().PostJsonAsync(w.Sit, Ballot(w, null))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, await BallotsAsync(w));

        // A paper ballot is a ballot too.
        var paper = await SittingAsync(requireCodes: false);
        await (await paper.Office.PostJsonAsync($"/api/v1/scoring/sittings/{paper.Sitting.Id}/paper", new { grades = new[] { new { sectionId = paper.Section, grade = "Good" } } }))
            .ExpectAsync(HttpStatusCode.OK);
        await (await paper.Office.PostAsync(paper.Switch, null)).ExpectRuleAsync(HttpStatusCode.Conflict, "EV-2");
    }

    [Fact]
    [Trait("Rule", "EV-2")]
    public async Task TheSwitchAndAFirstBallotWithoutACode_AtOnce_OneIsStored()
    {
        for (var i = 0; i < 4; i++)
        {
            var w = await SittingAsync(requireCodes: false);
            var answers = await Task.WhenAll(Phone().PostJsonAsync(w.Sit, Ballot(w, null)), w.Office.PostAsync(w.Switch, null));
            var (ballot, sw) = (answers[0].StatusCode, answers[1].StatusCode);
            Assert.True((ballot, sw) is (HttpStatusCode.OK, HttpStatusCode.Conflict) or (HttpStatusCode.Forbidden, HttpStatusCode.NoContent), $"ballot {ballot}, switch {sw}");
            var requireCodes = (await w.Office.GetAsync<Counts>(w.Codes)).RequireCodes;
            Assert.Equal(sw == HttpStatusCode.NoContent, requireCodes);
            Assert.Equal(ballot == HttpStatusCode.OK ? 1 : 0, await BallotsAsync(w));
        }
    }

    [Fact]
    [Trait("Rule", "EV-2")]
    [Trait("Rule", "SEC-1")]
    public async Task OnlyTheOffice_RevokesOrSwitches_AnotherRoleOrUnitCannot()
    {
        var w = await SittingAsync(requireCodes: false);
        await IssueAsync(w, 1);
        var others = new List<HttpClient>
        {
            await app.ClientAsAsync(Roles.UnitLiaison, w.Unit),
            await app.ClientAsAsync(Roles.Leader),
            await app.ClientAsAsync(Roles.MonitoringPoint),
            await app.ClientAsAsync(Roles.EvaluationRep),
            await app.ClientAsAsync(Roles.Supervisor),
            await app.ClientAsAsync(Roles.SystemAdmin),
        };
        foreach (var client in others)
        {
            await (await client.PostJsonAsync(w.Revoke, new { serial = 1, reissue = true })).ExpectAsync(HttpStatusCode.Forbidden);
            await (await client.PostAsync(w.Switch, null)).ExpectAsync(HttpStatusCode.Forbidden);
            var view = await client.GetAsync(w.Page);
            Assert.Contains("/Account/Denied", view.Headers.Location?.ToString() ?? "", StringComparison.Ordinal);
        }
        var anonymous = app.NewClient();
        await (await anonymous.PostJsonAsync(w.Revoke, new { serial = 1 })).ExpectAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.PostAsync(w.Switch, null)).ExpectAsync(HttpStatusCode.Unauthorized);
        Assert.Equal((1, 0, 0), await CountsAsync(w));
        Assert.False((await w.Office.GetAsync<Counts>(w.Codes)).RequireCodes);

        // The Office's staff may; a closed sitting revokes nothing.
        var staff = await app.ClientAsAsync(Roles.OfficeStaff);
        await (await staff.PostJsonAsync(w.Revoke, new { serial = 1 })).ExpectAsync(HttpStatusCode.OK);
        await (await w.Office.PostAsync($"/api/v1/scoring/sittings/{w.Sitting.Id}/close", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await staff.PostAsync(w.Switch, null)).ExpectRuleAsync(HttpStatusCode.Conflict, "EV-2");
        await (await w.Office.PostJsonAsync(w.Revoke, new { serial = 1 })).ExpectRuleAsync(HttpStatusCode.Conflict, "EV-2");
    }

    [Fact]
    [Trait("Rule", "EV-2")]
    public async Task ConcurrentIssues_NeverPassTheCapOfFiveThousandCodes()
    {
        var w = await SittingAsync();
        // 4,600 codes issued (as ten rooms of slips), then four issues of 200 at once: exactly two fit.
        for (var i = 0; i < 10; i++) await IssueAsync(w, 460);
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => w.Office.PostJsonAsync(w.Codes, new { count = 200 })));
        Assert.Equal(2, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        foreach (var refused in answers.Where(a => a.StatusCode != HttpStatusCode.Created))
        {
            var problem = await refused.ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "EV-2");
            Assert.Contains("最多发放 5000 个测评码", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal((5000, 0, 0), await CountsAsync(w));
        // Every slip has its own serial, 1 to 5,000.
        var serials = await app.WithDbAsync(db => db.SittingCodes.Where(c => c.SittingId == w.Sitting.Id).Select(c => c.Serial).ToListAsync());
        Assert.Equal(Enumerable.Range(1, 5000), serials.Order());
        await (await w.Office.PostJsonAsync(w.Codes, new { count = 1 })).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "EV-2");
    }

    [GeneratedRegex("class=\"slip-code\">([A-Z0-9-]+)<")]
    private static partial Regex SlipCode();
}
