using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Scoring;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Scoring;

namespace Mingcha.IntegrationTests.Scoring;

/// <summary>
/// EV-2, decision 028: a concentrated sitting's one-time ballot codes over HTTP, as the Office and the representatives use
/// them: the Office issues one slip per representative present; a code admits exactly one anonymous ballot (also when two
/// phones hand in the same code at once); a ballot without a code, with a forged one or with a used one is refused with a
/// message and stores nothing; sittings without codes (as before migration 0038) keep taking one ballot per phone; only the
/// Office issues or counts codes, and sees them in clear once. SQLite and, with MINGCHA_TEST_POSTGRES, PostgreSQL.
/// </summary>
public sealed partial class SittingCodeTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    private sealed record SittingDto(Guid Id, string Token, bool RequireCodes, int CodesIssued, int CodesUsed);
    private sealed record IssuedCode(string Code, string Link);
    private sealed record Issued(Guid SittingId, string? Group, List<IssuedCode> Codes);
    private sealed record GroupCount(string? Group, int Issued, int Used);
    private sealed record Counts(bool RequireCodes, int Issued, int Used, List<GroupCount> Groups);

    private sealed record World(HttpClient Office, Guid Campaign, Guid Unit, Guid Section, Guid OtherSection, SittingDto Sitting);

    /// <summary>An open campaign of one category with two sections, and a new sitting (which requires codes unless told otherwise).</summary>
    private async Task<World> SittingAsync(bool? requireCodes = null)
    {
        var s = await SittingKit.OpenAsync(app, "sc", "测评码", "社会各界代表集中测评", requireCodes);
        return new World(s.Office, s.Campaign, s.Unit, s.Section, s.OtherSection, await s.Sitting.ReadAsync<SittingDto>(HttpStatusCode.Created));
    }

    private static async Task<List<string>> IssueAsync(World w, int count, string? group = null) =>
        (await (await w.Office.PostJsonAsync($"/api/v1/scoring/sittings/{w.Sitting.Id}/codes", new { count, group })).ReadAsync<Issued>(HttpStatusCode.Created))
            .Codes.Select(c => c.Code).ToList();

    private HttpClient Phone() => SittingKit.Phone(app, "198.51.100");
    private static object Ballot(World w, string? code, string? key = null) => SittingKit.Ballot(w.Section, w.OtherSection, code, key, "Excellent", "Good");
    private Task<int> EvaluationsAsync(World w) => SittingKit.EvaluationsAsync(app, w.Sitting.Id);
    private Task<int> BallotsAsync(World w) => SittingKit.BallotsAsync(app, w.Sitting.Id);
    private static Task<string> HtmlAsync(HttpResponseMessage response) => SittingKit.HtmlAsync(response);

    [Fact]
    [Trait("Rule", "EV-2")]
    public async Task Code_AdmitsOneBallot_ASecondUseIsRefusedAndStoresNothing()
    {
        var w = await SittingAsync();
        Assert.True(w.Sitting.RequireCodes); // the default of a new sitting
        var codes = await IssueAsync(w, 2, "人大代表");

        await (await Phone().PostJsonAsync($"/api/v1/scoring/sit/{w.Sitting.Token}", Ballot(w, codes[0]))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, await EvaluationsAsync(w));

        // The same slip again, from another phone with another key: refused, nothing stored.
        var again = await (await Phone().PostJsonAsync($"/api/v1/scoring/sit/{w.Sitting.Token}", Ballot(w, codes[0]))).ExpectRuleAsync(HttpStatusCode.Conflict, "EV-2");
        Assert.Contains("已使用", again.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, await EvaluationsAsync(w));
        Assert.Equal(1, await BallotsAsync(w));

        // The second slip, typed by hand in lower case without dashes, is the second representative's ballot.
        await (await Phone().PostJsonAsync($"/api/v1/scoring/sit/{w.Sitting.Token}", Ballot(w, codes[1].Replace("-", "", StringComparison.Ordinal).ToLowerInvariant())))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(4, await EvaluationsAsync(w));

        var counts = await w.Office.GetAsync<Counts>($"/api/v1/scoring/sittings/{w.Sitting.Id}/codes");
        Assert.Equal((2, 2), (counts.Issued, counts.Used));
        Assert.Equal([new GroupCount("人大代表", 2, 2)], counts.Groups);
    }

    [Fact]
    [Trait("Rule", "EV-2")]
    public async Task Ballot_WithoutACode_OnACodeSitting_IsRefusedWithAMessage_InTheApiAndOnThePage_NothingStored()
    {
        var w = await SittingAsync();
        await IssueAsync(w, 3);

        var problem = await (await Phone().PostJsonAsync($"/api/v1/scoring/sit/{w.Sitting.Token}", Ballot(w, null))).ExpectRuleAsync(HttpStatusCode.Forbidden, "EV-2");
        Assert.Contains("测评码", problem.GetProperty("title").GetString(), StringComparison.Ordinal);

        // The phone's page: the code field is there; handing in without it is refused in the page, with 403.
        var phone = Phone();
        var page = $"/Scoring/Sit/{w.Sitting.Token}";
        Assert.Contains("name=\"Code\"", await phone.GetStringAsync(page), StringComparison.Ordinal);
        var refused = await phone.PostFormAsync(page, null, new() { [$"Grades[{w.Section}]"] = "Good" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var html = await HtmlAsync(refused);
        Assert.Contains("本次集中测评凭测评码投票", html, StringComparison.Ordinal);
        Assert.Contains("(EV-2)", html, StringComparison.Ordinal);

        Assert.Equal(0, await EvaluationsAsync(w));
        Assert.Equal(0, await BallotsAsync(w));
        Assert.Equal(0, (await w.Office.GetAsync<Counts>($"/api/v1/scoring/sittings/{w.Sitting.Id}/codes")).Used);
    }

    [Fact]
    [Trait("Rule", "EV-2")]
    public async Task Ballot_WithAForgedOrUnknownCode_IsRefused_NothingStored()
    {
        var w = await SittingAsync();
        await IssueAsync(w, 2);
        var elsewhere = await SittingAsync();
        var otherSittingsCode = (await IssueAsync(elsewhere, 1))[0];

        foreach (var forged in new[] { SittingCodeRules.NewCode(), otherSittingsCode, "1234", "ABCD-EFGH-JKM0", new string('A', 40) })
        {
            var problem = await (await Phone().PostJsonAsync($"/api/v1/scoring/sit/{w.Sitting.Token}", Ballot(w, forged))).ExpectRuleAsync(HttpStatusCode.Forbidden, "EV-2");
            Assert.Contains("测评码无效", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(0, await EvaluationsAsync(w));
        Assert.Equal(0, await BallotsAsync(w));
        // The other sitting's code was not used up by the attempt either.
        Assert.Equal(0, (await w.Office.GetAsync<Counts>($"/api/v1/scoring/sittings/{elsewhere.Sitting.Id}/codes")).Used);
    }

    [Fact]
    [Trait("Rule", "EV-2")]
    public async Task TwoConcurrentBallots_WithTheSameCode_StoreOneBallot()
    {
        var w = await SittingAsync();
        var codes = await IssueAsync(w, 4);

        foreach (var code in codes)
        {
            var (first, second) = (Phone(), Phone());
            var answers = await Task.WhenAll(
                first.PostJsonAsync($"/api/v1/scoring/sit/{w.Sitting.Token}", Ballot(w, code)),
                second.PostJsonAsync($"/api/v1/scoring/sit/{w.Sitting.Token}", Ballot(w, code)));
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
            await answers.Single(a => a.StatusCode == HttpStatusCode.Conflict).ExpectRuleAsync(HttpStatusCode.Conflict, "EV-2");
        }
        Assert.Equal(codes.Count, await BallotsAsync(w));
        Assert.Equal(codes.Count * 2, await EvaluationsAsync(w));
        var counts = await w.Office.GetAsync<Counts>($"/api/v1/scoring/sittings/{w.Sitting.Id}/codes");
        Assert.Equal((4, 4), (counts.Issued, counts.Used));
    }

    [Fact]
    [Trait("Rule", "EV-2")]
    public async Task SittingCreatedBeforeCodes_StillTakesOneCookieBallotPerPhone()
    {
        var w = await SittingAsync(requireCodes: false);
        // A sitting as it was before migration 0038: inserted without the new column, whose default decides.
        var old = Guid.NewGuid();
        var token = Guid.NewGuid().ToString("N");
        await app.WithDbAsync(db => db.Database.ExecuteSqlAsync(
            $"""INSERT INTO "EvaluationSittings" ("Id", "CampaignId", "Title", "HeldOn", "Token", "ClosedAt", "Ballots", "CreatedBy", "CreatedAt") VALUES ({old}, {w.Campaign}, {"迁移前的集中测评"}, {new DateOnly(2026, 11, 16)}, {token}, NULL, 0, {"office"}, {DateTime.SpecifyKind(new DateTime(2026, 11, 1), DateTimeKind.Utc)})"""));
        Assert.False(await app.WithDbAsync(db => db.Sittings.Where(s => s.Id == old).Select(s => s.RequireCodes).SingleAsync()));

        foreach (var t in new[] { token, w.Sitting.Token })
        {
            await (await Phone().PostJsonAsync($"/api/v1/scoring/sit/{t}", Ballot(w, null, "phone-one-" + t[..8]))).ExpectAsync(HttpStatusCode.OK);
            await (await Phone().PostJsonAsync($"/api/v1/scoring/sit/{t}", Ballot(w, null, "phone-two-" + t[..8]))).ExpectAsync(HttpStatusCode.OK);
            // One ballot per phone, as before.
            await (await Phone().PostJsonAsync($"/api/v1/scoring/sit/{t}", Ballot(w, null, "phone-one-" + t[..8]))).ExpectRuleAsync(HttpStatusCode.Conflict, "EV-2");
            // The phone's page hands in by its cookie, without a code.
            var phone = Phone();
            var handedIn = await phone.PostFormAsync($"/Scoring/Sit/{t}", null, new() { [$"Grades[{w.Section}]"] = "Fair" });
            Assert.Equal(HttpStatusCode.Redirect, handedIn.StatusCode);
            Assert.Contains("本机已提交测评票", await phone.GetStringAsync($"/Scoring/Sit/{t}"), StringComparison.Ordinal);
        }
        Assert.Equal(3, await app.WithDbAsync(db => db.SittingBallots.CountAsync(b => b.SittingId == old)));
        Assert.Equal(3, await BallotsAsync(w));
    }

    private sealed record ListedSitting(Guid Id, int Ballots);

    /// <summary>
    /// The sitting's ballot count, as the Office reads it in the sittings' list, equals the ballots stored when many phones
    /// hand in at the same moment: the count is added by the database (<c>"Ballots" + 1</c>), not written back from a value
    /// each request read before the others committed (which lost ballots).
    /// </summary>
    [Fact]
    [Trait("Rule", "EV-2")]
    public async Task ManyBallotsAtOnce_TheSittingsCountEqualsTheBallotsStored()
    {
        var w = await SittingAsync(requireCodes: false);
        var codeSitting = await SittingAsync();
        var codes = await IssueAsync(codeSitting, 8);
        const int phones = 12;
        var answers = await Task.WhenAll(
            Enumerable.Range(0, phones).Select(_ => Phone().PostJsonAsync($"/api/v1/scoring/sit/{w.Sitting.Token}", Ballot(w, null)))
                .Concat(codes.Select(code => Phone().PostJsonAsync($"/api/v1/scoring/sit/{codeSitting.Sitting.Token}", Ballot(codeSitting, code)))));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));

        foreach (var (world, expected) in new[] { (w, phones), (codeSitting, codes.Count) })
        {
            Assert.Equal(expected, await BallotsAsync(world));
            var listed = await world.Office.GetAsync<List<ListedSitting>>($"/api/v1/scoring/campaigns/{world.Campaign}/sittings");
            Assert.Equal(expected, listed.Single(s => s.Id == world.Sitting.Id).Ballots);
        }
    }

    [Fact]
    [Trait("Rule", "EV-2")]
    public async Task SignedInRepresentative_VotesByAccount_WithoutACode_Once()
    {
        var w = await SittingAsync();
        var rep = await app.ClientAsAsync(Roles.EvaluationRep);
        await (await rep.PostJsonAsync($"/api/v1/scoring/sit/{w.Sitting.Token}", Ballot(w, null))).ExpectAsync(HttpStatusCode.OK);
        await (await rep.PostJsonAsync($"/api/v1/scoring/sit/{w.Sitting.Token}", Ballot(w, null))).ExpectRuleAsync(HttpStatusCode.Conflict, "EV-2");
        Assert.Equal(1, await BallotsAsync(w));
    }

    [Fact]
    [Trait("Rule", "EV-2")]
    public async Task Page_WithTheSlipsQrLink_HandsInOnce_AndTheSameSlipOnAnotherPhoneIsRefusedInThePage()
    {
        var w = await SittingAsync();
        var code = (await IssueAsync(w, 1, "政协委员"))[0];
        var page = $"/Scoring/Sit/{w.Sitting.Token}?code={code}";

        var phone = Phone();
        Assert.Contains($"value=\"{code}\"", await phone.GetStringAsync(page), StringComparison.Ordinal);
        var handedIn = await phone.PostFormAsync(page, null, new() { ["Code"] = code, [$"Grades[{w.Section}]"] = "Excellent" });
        Assert.Equal(HttpStatusCode.Redirect, handedIn.StatusCode);
        Assert.Contains("本机已提交测评票", await phone.GetStringAsync($"/Scoring/Sit/{w.Sitting.Token}"), StringComparison.Ordinal);

        var other = Phone();
        var refused = await other.PostFormAsync(page, null, new() { ["Code"] = code, [$"Grades[{w.Section}]"] = "Bad" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("该测评码已使用", await HtmlAsync(refused), StringComparison.Ordinal);
        Assert.Equal(1, await EvaluationsAsync(w));
    }

    [Fact]
    [Trait("Rule", "EV-2")]
    [Trait("Rule", "SEC-3")]
    public async Task Office_IssuesSlipsOnThePage_ShownOnce_StoredOnlyAsHashes_IssueAndUseAudited()
    {
        var w = await SittingAsync();
        var page = $"/Scoring/SittingCodes/{w.Sitting.Id}";
        var issued = await w.Office.PostFormAsync(page, null, new() { ["Count"] = "3", ["Group"] = "服务对象" });
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var html = await HtmlAsync(issued);
        var codes = SlipCode().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(3, codes.Count);
        Assert.Equal(3, SvgTag().Count(html)); // a QR code per slip
        Assert.Contains($"/Scoring/Sit/{w.Sitting.Token}?code={codes[0]}", html, StringComparison.Ordinal);

        // Only hashes are stored; the page shows counts from now on, never a code again.
        var stored = await app.WithDbAsync(db => db.SittingCodes.Where(c => c.SittingId == w.Sitting.Id).Select(c => c.CodeHash).ToListAsync());
        Assert.Equal(3, stored.Count);
        Assert.All(codes, c => Assert.DoesNotContain(stored, h => h.Contains(c.Replace("-", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase)));
        var again = WebUtility.HtmlDecode(await w.Office.GetStringAsync(page));
        Assert.All(codes, c => Assert.DoesNotContain(c, again, StringComparison.Ordinal));
        Assert.Contains("服务对象", again, StringComparison.Ordinal);

        await (await Phone().PostJsonAsync($"/api/v1/scoring/sit/{w.Sitting.Token}", Ballot(w, codes[1]))).ExpectAsync(HttpStatusCode.OK);
        var campaignPage = WebUtility.HtmlDecode(await w.Office.GetStringAsync($"/Scoring/Campaign/{w.Campaign}"));
        Assert.Contains("测评码已发放 3 个，已使用 1 个", campaignPage, StringComparison.Ordinal);
        var listed = await w.Office.GetAsync<List<SittingDto>>($"/api/v1/scoring/campaigns/{w.Campaign}/sittings");
        Assert.Equal((3, 1), listed.Where(s => s.Id == w.Sitting.Id).Select(s => (s.CodesIssued, s.CodesUsed)).Single());

        var audit = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking()
            .Where(a => a.Action == "sitting.codes.issue" && a.EntityKey == w.Sitting.Id.ToString() || a.Action == "sitting.code.use" && a.After == $"sitting {w.Sitting.Id}")
            .Select(a => new { a.Action, a.After, a.UserId }).ToListAsync());
        Assert.Single(audit, a => a.Action == "sitting.codes.issue" && a.After == "codes 3 group 服务对象" && a.UserId != null);
        Assert.Single(audit, a => a.Action == "sitting.code.use");
        Assert.All(audit, a => Assert.All(codes, c => Assert.DoesNotContain(c, a.After ?? "", StringComparison.Ordinal)));
    }

    [Fact]
    [Trait("Rule", "EV-2")]
    [Trait("Rule", "SEC-1")]
    [Trait("Rule", "SEC-2")]
    public async Task OnlyTheOffice_IssuesOrCountsCodes_AnotherRoleOrUnitCannot()
    {
        var w = await SittingAsync();
        var codesApi = $"/api/v1/scoring/sittings/{w.Sitting.Id}/codes";
        var page = $"/Scoring/SittingCodes/{w.Sitting.Id}";
        var others = new List<HttpClient>
        {
            await app.ClientAsAsync(Roles.UnitLiaison, w.Unit), // the evaluated unit itself
            await app.ClientAsAsync(Roles.Leader),
            await app.ClientAsAsync(Roles.MonitoringPoint),
            await app.ClientAsAsync(Roles.EvaluationRep),
            await app.ClientAsAsync(Roles.Supervisor),
            await app.ClientAsAsync(Roles.SystemAdmin),
        };
        foreach (var client in others)
        {
            await (await client.PostJsonAsync(codesApi, new { count = 5 })).ExpectAsync(HttpStatusCode.Forbidden);
            await (await client.GetAsync(codesApi)).ExpectAsync(HttpStatusCode.Forbidden);
            var view = await client.GetAsync(page);
            Assert.NotEqual(HttpStatusCode.OK, view.StatusCode);
            Assert.Contains("/Account/Denied", view.Headers.Location?.ToString() ?? "", StringComparison.Ordinal);
        }
        var anonymous = app.NewClient();
        await (await anonymous.PostJsonAsync(codesApi, new { count = 5 })).ExpectAsync(HttpStatusCode.Unauthorized);
        Assert.NotEqual(HttpStatusCode.OK, (await anonymous.GetAsync(page)).StatusCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.SittingCodes.CountAsync(c => c.SittingId == w.Sitting.Id)));

        // The Office: a bad count is refused naming it; a closed sitting issues no codes.
        await (await w.Office.PostJsonAsync(codesApi, new { count = 0 })).ExpectFieldErrorAsync("count");
        await (await w.Office.PostJsonAsync(codesApi, new { count = SittingCodeRules.MaxPerIssue + 1 })).ExpectFieldErrorAsync("count");
        await (await w.Office.PostAsync($"/api/v1/scoring/sittings/{w.Sitting.Id}/close", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await w.Office.PostJsonAsync(codesApi, new { count = 2 })).ExpectRuleAsync(HttpStatusCode.Conflict, "EV-2");
        Assert.Equal(0, await app.WithDbAsync(db => db.SittingCodes.CountAsync(c => c.SittingId == w.Sitting.Id)));
    }

    [GeneratedRegex("<svg")]
    private static partial Regex SvgTag();

    [GeneratedRegex("class=\"slip-code\">([A-Z0-9-]+)<")]
    private static partial Regex SlipCode();
}
