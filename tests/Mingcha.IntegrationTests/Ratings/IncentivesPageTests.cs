using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.IntegrationTests.Rectification;
using Mingcha.Web.Features.Ratings;

namespace Mingcha.IntegrationTests.Ratings;

/// <summary>
/// SAT-5 on the incentives page (/Ratings/Incentives): the Office records a yearly selection with the button of a listed
/// candidate and a grievance award (委屈奖) to a staff member found by name or code, with its reason, as the API does; a
/// refusal (already awarded, not eligible, no reason, a person the search would not offer) is a message on the page and
/// stores nothing; a unit's account does not open the page nor record an award through it. SQLite and, with
/// MINGCHA_TEST_POSTGRES, PostgreSQL.
/// </summary>
public sealed partial class IncentivesPageTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private sealed record IdDto(Guid Id);
    private const string Page = "/Ratings/Incentives";

    /// <summary>A unit of its own with a window, an accepted covert visit there, a staff member of the window and enough ratings of them this year to be a candidate.</summary>
    private async Task<(RectificationKit Kit, RectificationKit.Case Case, Guid Staff, HttpClient Office, int Year)> SetupAsync()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new RectificationKit(app, office);
        var c = await kit.CaseAsync(findings: 0);
        var staff = (await (await office.PostJsonAsync("/api/v1/staff", new
        {
            unitId = c.UnitId, sectionId = c.SectionId, code = "IP" + Guid.NewGuid().ToString("N")[..8], name = "激励页工作人员", employment = "InService",
        })).ReadAsync<IdDto>(HttpStatusCode.Created)).Id;
        var (device, _) = await app.TokenClientAsync(c.UnitId, "ratings:write", "service-records:write");
        var caseNo = "IPG-" + Guid.NewGuid().ToString("N")[..8];
        (await device.PostAsJsonAsync("/api/v1/service-records", new { caseNumber = caseNo, sectionId = c.SectionId, staffId = staff, finishedAt = app.Clock.GetUtcNow().UtcDateTime })).EnsureSuccessStatusCode();
        (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = c.SectionId, caseNumber = caseNo, level = 1 })).EnsureSuccessStatusCode();
        // Enough ratings of the person for the selection (IncentiveRules.MinRatings), from a second device (a device's burst is 30).
        (device, _) = await app.TokenClientAsync(c.UnitId, "ratings:write");
        for (var i = 0; i < Mingcha.Domain.Satisfaction.IncentiveRules.MinRatings; i++)
            (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = c.SectionId, staffId = staff, level = 1 })).EnsureSuccessStatusCode();
        return (kit, c, staff, office, app.Clock.GetUtcNow().Year);
    }

    private Task<int> AwardsAsync(int year, string kind, Guid subject) =>
        app.WithDbAsync(db => db.Set<IncentiveAward>().CountAsync(a => a.Year == year && a.Kind == kind && a.SubjectId == subject));

    private static async Task<string> HtmlAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    /// <summary>The candidates of a ranking on the page that have the award button.</summary>
    private static List<Guid> WithButton(string html, string kind)
    {
        var start = html.IndexOf($"data-ranking=\"{kind}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no ranking {kind} on the page");
        var table = html[start..html.IndexOf("</table>", start, StringComparison.Ordinal)];
        return CandidateRow().Matches(table).Where(m => m.Groups[2].Value.Contains("handler=Award", StringComparison.Ordinal))
            .Select(m => Guid.Parse(m.Groups[1].Value)).ToList();
    }

    [GeneratedRegex("<tr data-candidate=\"([0-9a-f-]{36})\">(.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex CandidateRow();

    [Fact]
    [Trait("Rule", "SAT-5")]
    public async Task Office_AwardsAListedCandidate_WithItsButton_ASecondTimeIsAMessage_StoredOnce()
    {
        var (_, _, staff, office, year) = await SetupAsync();
        var page = $"{Page}?year={year}";
        // The staff member rated this year is a candidate for the best service model (the ranking lists the first ten).
        var candidates = WithButton(await office.GetStringAsync(page), "BestServiceModel");
        Assert.NotEmpty(candidates);
        var chosen = candidates.Contains(staff) ? staff : candidates[0];
        // The person's satisfaction rate as the report writes it (every rating 满意: 100%), not a rounded coefficient.
        Assert.Contains("<td>100.00%</td>", Regex.Match(await office.GetStringAsync(page), $"<table class=\"table\" data-ranking=\"BestServiceModel\">.*?<tr data-candidate=\"{staff}\">(.*?)</tr>",
            RegexOptions.Singleline).Groups[1].Value, StringComparison.Ordinal);
        var fields = new Dictionary<string, string> { ["year"] = year.ToString(System.Globalization.CultureInfo.InvariantCulture), ["kind"] = "BestServiceModel", ["subjectId"] = chosen.ToString() };

        var awarded = await office.PostFormAsync(page, "Award", new(fields));
        Assert.Equal(HttpStatusCode.Redirect, awarded.StatusCode);
        var after = await office.GetStringAsync(awarded.Headers.Location!.OriginalString);
        Assert.Contains("奖项已记录", after, StringComparison.Ordinal);
        Assert.DoesNotContain(chosen, WithButton(after, "BestServiceModel")); // the row says 已获奖 instead
        Assert.Matches($"<tr data-award=\"[^\"]+\"><td>最佳服务标兵</td>", after);
        Assert.Equal(1, await AwardsAsync(year, "BestServiceModel", chosen));

        // The same award posted again (a second tab, a double click): the service's 409, as a message; nothing stored.
        var again = await office.PostFormAsync(page, "Award", new(fields));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var html = await HtmlAsync(again);
        Assert.Contains("该对象本年度已获此奖项", html, StringComparison.Ordinal);
        Assert.Contains("(SAT-5)", html, StringComparison.Ordinal);
        Assert.Equal(1, await AwardsAsync(year, "BestServiceModel", chosen));

        // A kind that is no selection, or no subject: a message, nothing stored.
        var unknown = await office.PostFormAsync(page, "Award", new() { ["year"] = fields["year"], ["kind"] = "Grievance", ["subjectId"] = chosen.ToString() });
        Assert.Contains("评选类别无效", await HtmlAsync(unknown), StringComparison.Ordinal);
        var none = await office.PostFormAsync(page, "Award", new() { ["year"] = fields["year"], ["kind"] = "BestServicePost" });
        Assert.Contains("请选择获奖对象", await HtmlAsync(none), StringComparison.Ordinal);
        // Malformed fields (a hand-made post): a message naming them, never a 500.
        var malformed = await office.PostFormAsync(page, "Award", new() { ["year"] = "明年", ["kind"] = "BestServiceModel", ["subjectId"] = "not-a-guid" });
        Assert.Equal(HttpStatusCode.OK, malformed.StatusCode);
        Assert.Contains("输入格式有误", await HtmlAsync(malformed), StringComparison.Ordinal);
        Assert.Equal(1, await AwardsAsync(year, "BestServiceModel", chosen));
    }

    [Fact]
    [Trait("Rule", "SAT-5")]
    [Trait("Rule", "RCT-1")]
    public async Task Office_AwardingANotEligibleStaffMember_IsAMessageOnThePage_NothingStored()
    {
        var (kit, c, staff, office, year) = await SetupAsync();
        var finding = await kit.Inspections.FindingAsync(c.VisitId, "S07", staffId: staff);
        await kit.ConfirmAsync(finding);
        var page = $"{Page}?year={year}";
        Assert.DoesNotContain(staff, WithButton(await office.GetStringAsync(page), "BestServiceModel"));

        var refused = await office.PostFormAsync(page, "Award", new() { ["year"] = year.ToString(System.Globalization.CultureInfo.InvariantCulture), ["kind"] = "BestServiceModel", ["subjectId"] = staff.ToString() });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var html = await HtmlAsync(refused);
        Assert.Contains("不能评选", html, StringComparison.Ordinal);
        Assert.Contains("(SAT-5)", html, StringComparison.Ordinal);
        Assert.Equal(0, await AwardsAsync(year, "BestServiceModel", staff));
    }

    private sealed record Badge(Guid StaffId, bool Held, string? FindingLink);

    /// <summary>
    /// SAT-5: every active staff member starts the year with the badge, handed out by the daily job (on 1 January the whole
    /// year's, later those who joined since) or on the page; a person with a confirmed finding of the year gets it revoked at
    /// once, with the link. The page counts the badges by unit (held, revoked, not handed out) and hands out this year's
    /// only. An app of its own: the counts are the whole city's.
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-5")]
    [Trait("Rule", "RCT-1")]
    public async Task Badges_HandedOutByTheDailyJob_OrOnThePage_CountedByUnit_RevokedForAConfirmedFinding()
    {
        await using var own = new MingchaApp();
        var office = await own.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new RectificationKit(own, office);
        var c = await kit.CaseAsync(findings: 0);
        async Task<Guid> StaffAsync(string name) => (await (await office.PostJsonAsync("/api/v1/staff", new
        {
            unitId = c.UnitId, sectionId = c.SectionId, code = "BG" + Guid.NewGuid().ToString("N")[..8], name, employment = "InService",
        })).ReadAsync<IdDto>(HttpStatusCode.Created)).Id;
        var (fined, kept) = (await StaffAsync("摘牌人员"), await StaffAsync("持牌人员"));
        var finding = await kit.Inspections.FindingAsync(c.VisitId, "S07", staffId: fined);
        await kit.ConfirmAsync(finding);
        var active = await own.WithDbAsync(db => db.Staff.CountAsync(s => s.Active));
        var unitStaff = await own.WithDbAsync(db => db.Staff.CountAsync(s => s.Active && s.UnitId == c.UnitId));

        // Before any hand-out: nobody holds one, the page says how many have none and offers to hand them out.
        const string page = Page + "?year=2026";
        var html = WebUtility.HtmlDecode(await office.GetStringAsync(page));
        Assert.Contains($"持有标牌人数：0，{active} 名在职人员尚未发放", html, StringComparison.Ordinal);
        Assert.Contains($"现在发放（{active} 人）", html, StringComparison.Ordinal);

        // The job: daily at 00:30 in Beijing (Monday 16 November 2026 → Tuesday 17 November 00:30); the year of its occurrence.
        var job = Assert.Single(own.Services.GetServices<Mingcha.Web.Features.Jobs.IRecurringJob>().OfType<BadgeHandOutJob>());
        var zone = own.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Mingcha.Web.Infrastructure.MingchaOptions>>().Value.TimeZoneInfo;
        var occurrence = job.NextRun(own.Clock.GetUtcNow().UtcDateTime, zone);
        Assert.Equal(new DateTime(2026, 11, 16, 16, 30, 0, DateTimeKind.Utc), occurrence);
        Assert.Equal(occurrence.AddDays(1), job.NextRun(occurrence, zone));
        var result = "";
        await own.WithScopeAsync(async sp => result = await job.RunAsync(sp, occurrence, default));
        Assert.Equal($"handed out {active} badges of 2026", result);
        Assert.True((await office.GetAsync<Badge>($"/api/v1/incentives/2026/badges/{kept}")).Held);
        var revoked = await office.GetAsync<Badge>($"/api/v1/incentives/2026/badges/{fined}");
        Assert.False(revoked.Held);
        Assert.Contains(finding.ToString(), revoked.FindingLink, StringComparison.Ordinal);

        html = WebUtility.HtmlDecode(await office.GetStringAsync(page));
        Assert.Contains($"持有标牌人数：{active - 1}，已摘牌 1 人</p>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"badges-form\"", html, StringComparison.Ordinal);
        var row = Regex.Match(html, $"<tr data-unit=\"{c.UnitId}\">(.*?)</tr>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Equal([unitStaff.ToString(System.Globalization.CultureInfo.InvariantCulture), (unitStaff - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), "1", "0"],
            Regex.Matches(row, "<td[^>]*>(.*?)</td>").Skip(1).Select(m => m.Groups[1].Value));
        Assert.Contains("<td class=\"revoked-count\">1</td>", row, StringComparison.Ordinal);
        Assert.Contains("摘牌人员", Regex.Match(html, "<table class=\"table\" id=\"badges-revoked\">.*?</table>", RegexOptions.Singleline).Value, StringComparison.Ordinal);

        // Someone joins: without a badge until the next run, or the page's button; the job again then has nobody to give one.
        var newcomer = await StaffAsync("新入职人员");
        html = WebUtility.HtmlDecode(await office.GetStringAsync(page));
        Assert.Contains("1 名在职人员尚未发放", html, StringComparison.Ordinal);
        var given = await office.PostFormAsync(page, "Badges", new() { ["year"] = "2026" });
        Assert.Equal(HttpStatusCode.Redirect, given.StatusCode);
        Assert.Contains("已发放 1 块优秀岗位标牌。", WebUtility.HtmlDecode(await office.GetStringAsync(given.Headers.Location!.OriginalString)), StringComparison.Ordinal);
        Assert.True((await office.GetAsync<Badge>($"/api/v1/incentives/2026/badges/{newcomer}")).Held);
        await own.WithScopeAsync(async sp => result = await job.RunAsync(sp, occurrence.AddDays(1), default));
        Assert.Equal("handed out 0 badges of 2026", result);

        // Someone no longer active (set here directly: the registry keeps the flag every list reads): not counted as holding the unit's badge.
        await own.WithDbAsync(async db =>
        {
            var person = await db.Staff.SingleAsync(s => s.Id == kept);
            person.Active = false;
            return await db.SaveChangesAsync();
        });
        row = Regex.Match(WebUtility.HtmlDecode(await office.GetStringAsync(page)), $"<tr data-unit=\"{c.UnitId}\">(.*?)</tr>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Equal([unitStaff.ToString(System.Globalization.CultureInfo.InvariantCulture), (unitStaff - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), "1", "0"],
            Regex.Matches(row, "<td[^>]*>(.*?)</td>").Skip(1).Select(m => m.Groups[1].Value)); // the newcomer in, the leaver out

        // Another year is not handed out on the page: a message, nothing stored.
        var other = await office.PostFormAsync(Page + "?year=2025", "Badges", new() { ["year"] = "2025" });
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Contains("只能发放本年度的优秀岗位标牌。", await HtmlAsync(other), StringComparison.Ordinal);
        Assert.False(await own.WithDbAsync(db => db.Set<StaffBadge>().AnyAsync(b => b.Year == 2025)));
    }

    /// <summary>The page after a search of the grievance award's staff by <paramref name="query"/>.</summary>
    private static async Task<string> SearchAsync(HttpClient client, int year, string query) =>
        WebUtility.HtmlDecode(await client.GetStringAsync($"{Page}?year={year}&StaffQuery={Uri.EscapeDataString(query)}"));

    [Fact]
    [Trait("Rule", "SAT-5")]
    public async Task Office_RecordsAGrievanceAward_FindingTheStaffMemberByNameOrCode_NoReasonOrTheSameAgainIsAMessage()
    {
        var (_, _, staff, office, year) = await SetupAsync();
        var page = $"{Page}?year={year}";
        var y = year.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // The page lists nobody until asked (an organisation's whole staff is no list to choose from); a search by part of
        // the name or of the code (any case) finds the person.
        var opened = WebUtility.HtmlDecode(await office.GetStringAsync(page));
        Assert.Contains("id=\"staff-search\"", opened, StringComparison.Ordinal);
        Assert.DoesNotContain($"<option value=\"{staff}\"", opened, StringComparison.Ordinal);
        var code = await app.WithDbAsync(db => db.Staff.Where(s => s.Id == staff).Select(s => s.Code).SingleAsync());
        Assert.Contains($"<option value=\"{staff}\">激励页工作人员（{code}）</option>", await SearchAsync(office, year, "激励页"), StringComparison.Ordinal);
        Assert.Contains($"<option value=\"{staff}\">", await SearchAsync(office, year, code.ToLowerInvariant()), StringComparison.Ordinal);
        var nobody = await SearchAsync(office, year, "查无此人" + Guid.NewGuid().ToString("N")[..6]);
        Assert.Contains("未找到匹配的在职工作人员", nobody, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"GrievanceStaffId\"", nobody, StringComparison.Ordinal);

        // No reason: the rule's message beside the form, the person still picked; nothing stored.
        var blank = await office.PostFormAsync(page, "Grievance", new() { ["year"] = y, ["GrievanceStaffId"] = staff.ToString(), ["GrievanceReason"] = "   " });
        Assert.Equal(HttpStatusCode.OK, blank.StatusCode);
        var html = await HtmlAsync(blank);
        Assert.Contains("委屈奖须写明受委屈的经过", html, StringComparison.Ordinal);
        Assert.Contains($"<option value=\"{staff}\" selected=\"selected\">", html, StringComparison.Ordinal);
        Assert.Contains("请选择获奖的工作人员", await HtmlAsync(await office.PostFormAsync(page, "Grievance", new() { ["year"] = y, ["GrievanceReason"] = "无人" })), StringComparison.Ordinal);
        Assert.Equal(0, await AwardsAsync(year, "Grievance", staff));

        const string reason = "被无理取闹的办事群众当众辱骂，仍耐心解释并按规定办结";
        var recorded = await office.PostFormAsync(page, "Grievance", new() { ["year"] = y, ["GrievanceStaffId"] = staff.ToString(), ["GrievanceReason"] = reason });
        Assert.Equal(HttpStatusCode.Redirect, recorded.StatusCode);
        var after = WebUtility.HtmlDecode(await office.GetStringAsync(recorded.Headers.Location!.OriginalString));
        Assert.Contains("委屈奖已记录", after, StringComparison.Ordinal);
        Assert.Matches($"<tr data-award=\"[^\"]+\"><td>委屈奖</td><td class=\"award-subject\">激励页工作人员</td><td>{reason}</td>", after);

        // The same wrong again, written with other spacing: refused with the message, nothing stored.
        var again = await office.PostFormAsync(page, "Grievance", new() { ["year"] = y, ["GrievanceStaffId"] = staff.ToString(), ["GrievanceReason"] = "  被无理取闹的办事群众当众辱骂，仍耐心解释并按规定办结 " });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("该对象本年度已获此奖项", await HtmlAsync(again), StringComparison.Ordinal);
        // Another wrong of the same year is another award.
        var other = await office.PostFormAsync(page, "Grievance", new() { ["year"] = y, ["GrievanceStaffId"] = staff.ToString(), ["GrievanceReason"] = "再次被无理指责，仍按规定办理" });
        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
        Assert.Equal(2, await AwardsAsync(year, "Grievance", staff));
    }

    [Fact]
    [Trait("Rule", "SAT-5")]
    [Trait("Rule", "SEC-2")]
    public async Task Grievance_ForAPersonTheSearchDoesNotOffer_IsAMessage_NothingStored()
    {
        var (_, _, staff, office, year) = await SetupAsync();
        var y = year.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var code = await app.WithDbAsync(db => db.Staff.Where(s => s.Id == staff).Select(s => s.Code).SingleAsync());
        // The person has left: the search no longer finds them, and a post naming them (an old tab, a hand-made post) is refused.
        await app.WithDbAsync(db => db.Staff.Where(s => s.Id == staff).ExecuteUpdateAsync(x => x.SetProperty(s => s.Active, false)));
        Assert.DoesNotContain($"<option value=\"{staff}\"", await SearchAsync(office, year, code), StringComparison.Ordinal);
        foreach (var subject in new[] { staff, Guid.NewGuid() })
        {
            var refused = await office.PostFormAsync($"{Page}?year={year}", "Grievance", new() { ["year"] = y, ["GrievanceStaffId"] = subject.ToString(), ["GrievanceReason"] = "离职后补记" });
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("该工作人员不在可选范围内", await HtmlAsync(refused), StringComparison.Ordinal);
            Assert.Equal(0, await AwardsAsync(year, "Grievance", subject));
        }
    }

    [Fact]
    [Trait("Rule", "SAT-5")]
    [Trait("Rule", "SEC-2")]
    public async Task UnitAccount_DoesNotOpenThePage_NorRecordsAnAwardThroughIt()
    {
        var (_, c, staff, _, year) = await SetupAsync();
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, c.UnitId);
        var opened = await liaison.GetAsync($"{Page}?year={year}");
        Assert.NotEqual(HttpStatusCode.OK, opened.StatusCode);
        Assert.DoesNotContain("grievance-award", await opened.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var searched = await liaison.GetAsync($"{Page}?year={year}&StaffQuery={Uri.EscapeDataString("激励页")}"); // not even their own unit's staff
        Assert.NotEqual(HttpStatusCode.OK, searched.StatusCode);
        Assert.DoesNotContain(staff.ToString(), await searched.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var posted = await liaison.PostAsync($"{Page}?handler=Grievance", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["year"] = year.ToString(System.Globalization.CultureInfo.InvariantCulture), ["GrievanceStaffId"] = staff.ToString(), ["GrievanceReason"] = "越权记录",
        }));
        Assert.NotEqual(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal(0, await AwardsAsync(year, "Grievance", staff));
    }
}
