using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.IntegrationTests.Ratings;

/// <summary>
/// 评价明细 (SAT-1, SAT-7, SEC-2, SEC-4): the period's ratings one by one on <c>/Ratings/List</c>, filtered, paged and
/// exported, on an app of its own (the counts are this class's ratings alone). Unit A's window: 49 满意, 2 基本满意 and one
/// real-name 不满意 with a comment, appealed and excluded; unit B's window: one 满意.
/// </summary>
public sealed partial class RatingListTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private sealed record Stored(Guid Id);
    private sealed record FollowUpRow(Guid Id, Guid RatingId);
    private sealed record Row(Guid Id, int CommonLevel, bool Excluded, string RaterPhone);
    private sealed record Setup(Guid UnitA, Guid WindowA, Guid UnitB, Guid Bad);

    private static readonly PerApp<Setup> Once = new();

    private Task<Setup> SetupAsync() => Once.GetAsync(app, async () =>
    {
        var units = await app.WithDbAsync(db => db.Units.AsNoTracking().OrderBy(u => u.Code).Select(u => u.Id).Take(2).ToListAsync());
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var (windowA, windowB) = await app.WithDbAsync(async db =>
        {
            var a = new Section(units[0], "lst-a1", "明细测试甲窗口", SectionKind.Window, now);
            var b = new Section(units[1], "lst-b1", "明细测试乙窗口", SectionKind.Window, now);
            db.Sections.AddRange(a, b);
            await db.SaveChangesAsync();
            return (a.Id, b.Id);
        });
        // Two devices at window A: one device's burst is 30 ratings (DeviceBurst).
        var (deviceA, _) = await app.TokenClientAsync(units[0], "ratings:write");
        var (deviceA2, _) = await app.TokenClientAsync(units[0], "ratings:write");
        var (deviceB, _) = await app.TokenClientAsync(units[1], "ratings:write");
        async Task<Guid> RateAsync(HttpClient device, Guid section, int level, string? phone = null, string? comment = null) =>
            (await (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = section, caseNumber = "LST" + Guid.NewGuid().ToString("N")[..12], level, phone, comment }))
                .ReadAsync<Stored>(HttpStatusCode.Created)).Id;
        for (var i = 0; i < 49; i++) await RateAsync(i < 25 ? deviceA : deviceA2, windowA, 1);
        for (var i = 0; i < 2; i++) await RateAsync(deviceA2, windowA, 2);
        var bad = await RateAsync(deviceA, windowA, 3, "13912345678", "等了一个小时没人理");
        await RateAsync(deviceB, windowB, 1);

        // SAT-7: the bad rating appealed by unit A and excluded by the Office: kept, and marked.
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, units[0]);
        var fu = await RatingsTests.WaitForAsync(async () => (await liaison.GetFromJsonAsync<List<FollowUpRow>>("/api/v1/follow-ups"))!.FirstOrDefault(f => f.RatingId == bad));
        await (await liaison.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/steps", new { step = "CallBack", note = "已回访本人", reached = true })).ExpectAsync(HttpStatusCode.OK);
        await (await liaison.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/appeal", new { reason = "评价人误按，经回访确认" })).ExpectAsync(HttpStatusCode.OK);
        await (await (await app.ClientAsAsync(Roles.OfficeStaff)).PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/appeal-decision", new { upheld = true, note = "录音证实误按" }))
            .ExpectAsync(HttpStatusCode.OK);
        return new Setup(units[0], windowA, units[1], bad);
    });

    private static int RowsOf(string html) => RatingRow().Count(html);

    [Fact]
    [Trait("Rule", "SAT-1")]
    [Trait("Rule", "SAT-7")]
    public async Task List_ShowsThePeriodsRatingsOneByOne_FilteredAndPaged_AndExportsThemAll()
    {
        var s = await SetupAsync();
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var period = $"from=2026-11-16&to=2026-11-16&unit={s.UnitA}";

        var first = WebUtility.HtmlDecode(await office.GetStringAsync($"/Ratings/List?{period}"));
        Assert.Contains("2026-11-16 至 2026-11-16，共 52 条评价。", first, StringComparison.Ordinal);
        Assert.Equal(50, RowsOf(first));
        Assert.Contains("第 1 / 2 页", first, StringComparison.Ordinal);
        var next = Regex.Match(first, "href=\"([^\"]+)\" rel=\"next\"").Groups[1].Value;
        Assert.Contains("p=2", next, StringComparison.Ordinal);
        var second = await office.GetStringAsync(next);
        Assert.Equal(2, RowsOf(second));
        Assert.Contains("明细测试甲窗口", first, StringComparison.Ordinal);
        Assert.DoesNotContain("明细测试乙窗口", first + second, StringComparison.Ordinal);

        // The unsatisfied one: its comment, the phone masked (SEC-4), excluded after the appeal and kept (SAT-7).
        var bad = WebUtility.HtmlDecode(await office.GetStringAsync($"/Ratings/List?{period}&level=3"));
        Assert.Equal(1, RowsOf(bad));
        var row = Regex.Match(bad, $"<tr data-rating=\"{s.Bad}\" class=\"bad\">(.*?)</tr>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("等了一个小时没人理", row, StringComparison.Ordinal);
        Assert.Contains("139****5678", row, StringComparison.Ordinal);
        Assert.DoesNotContain("13912345678", bad, StringComparison.Ordinal);
        Assert.Contains("已剔除", row, StringComparison.Ordinal);
        // Its follow-up case a click away, for the Office; the leader, who does not work follow-ups, has no link.
        var followUp = Regex.Match(row, "href=\"/Ratings/FollowUps\\?id=([0-9a-f-]+)&all=true\" class=\"follow-up\"").Groups[1].Value;
        Assert.Equal(await app.WithDbAsync(db => db.FollowUpCases.Where(f => f.RatingId == s.Bad).Select(f => f.Id).SingleAsync()), Guid.Parse(followUp));
        Assert.Contains($"data-case=\"{followUp}\"", await office.GetStringAsync($"/Ratings/FollowUps?id={followUp}&all=true"), StringComparison.Ordinal);
        var leader = await app.ClientAsAsync(Roles.Leader);
        var leaders = await leader.GetStringAsync($"/Ratings/List?{period}&level=3");
        Assert.Equal(1, RowsOf(leaders));
        Assert.DoesNotContain("class=\"follow-up\"", leaders, StringComparison.Ordinal);
        Assert.Equal(2, RowsOf(await office.GetStringAsync($"/Ratings/List?{period}&level=2")));
        Assert.Contains("没有符合条件的评价。", await office.GetStringAsync($"/Ratings/List?{period}&channel=QrCode"), StringComparison.Ordinal);
        // What the public wrote: the one rating with a comment, on the page and in its export's link.
        var commented = await office.GetStringAsync($"/Ratings/List?{period}&commented=true");
        Assert.Equal(1, RowsOf(commented));
        Assert.Contains($"data-rating=\"{s.Bad}\"", commented, StringComparison.Ordinal);
        Assert.Contains("commented=true&amp;handler=Xlsx", commented, StringComparison.Ordinal);
        // The API filters the same way.
        var api = await office.GetAsync<List<Row>>($"/api/v1/ratings?unitId={s.UnitA}&level=3");
        Assert.Equal((s.Bad, true, "139****5678"), (api.Single().Id, api.Single().Excluded, api.Single().RaterPhone));

        // Bad input: a message on the page (400), nothing else.
        var backwards = await office.GetAsync($"/Ratings/List?from=2026-11-17&to=2026-11-16&unit={s.UnitA}");
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Contains("结束日期早于开始日期", WebUtility.HtmlDecode(await backwards.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        await (await office.GetAsync($"/api/v1/ratings?level=4")).ExpectFieldErrorAsync("level");
        var backwardsExport = await office.GetAsync($"/Ratings/List?from=2026-11-17&to=2026-11-16&unit={s.UnitA}&handler=Xlsx");
        Assert.Equal(HttpStatusCode.BadRequest, backwardsExport.StatusCode);
        Assert.Equal("text/html", backwardsExport.Content.Headers.ContentType!.MediaType);
        Assert.Contains("结束日期早于开始日期", WebUtility.HtmlDecode(await backwardsExport.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        // Days at the calendar's ends (0001-01-01, 9999-12-31) are outside the supported years: a 400, not an overflow.
        foreach (var far in new[] { "from=0001-01-01&to=2026-11-16", "from=2026-11-16&to=9999-12-31" })
        {
            var outside = await office.GetAsync($"/Ratings/List?{far}");
            Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
            Assert.Contains("日期须在", WebUtility.HtmlDecode(await outside.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }
        var notANumber = await office.GetAsync($"/Ratings/List?{period}&p=abc");
        Assert.Equal(HttpStatusCode.BadRequest, notANumber.StatusCode);

        // The export: every rating of the filter, oldest first, as a real reader shows them.
        var export = WebUtility.HtmlDecode(Regex.Match(first, "href=\"([^\"]+)\" id=\"export\"").Groups[1].Value);
        var response = await office.GetAsync(export);
        await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("ratings-2026-11-16-2026-11-16.xlsx", response.Content.Headers.ContentDisposition!.FileNameStar);
        var csv = (await SatisfactionReportTests.XlsxToCsvAsync(await response.Content.ReadAsByteArrayAsync())).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("\"评价时间\",\"单位\",\"窗口\",\"工作人员\",\"服务事项\",\"渠道\",\"评价\",\"差评\"", csv[0], StringComparison.Ordinal);
        Assert.Equal(52, csv.Count(l => l.Contains("明细测试甲窗口", StringComparison.Ordinal)));
        var badLine = Assert.Single(csv, l => l.Contains("不满意", StringComparison.Ordinal));
        Assert.Contains("\"明细测试甲窗口\",,,\"评价器\",\"不满意\",\"是\",\"是\",\"139****5678\",\"等了一个小时没人理\",", badLine, StringComparison.Ordinal);
        Assert.Contains("共 52 条评价", csv[^1], StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "SEC-2")]
    public async Task List_IsTheUnitsOwn_ForALiaison()
    {
        var s = await SetupAsync();
        var liaisonB = await app.ClientAsAsync(Roles.UnitLiaison, s.UnitB);
        var own = await liaisonB.GetStringAsync("/Ratings/List?from=2026-11-16&to=2026-11-16");
        Assert.Equal(1, RowsOf(own));
        Assert.Contains("明细测试乙窗口", own, StringComparison.Ordinal);
        Assert.DoesNotContain("明细测试甲窗口", own, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await liaisonB.GetAsync($"/Ratings/List?unit={s.UnitA}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await liaisonB.GetAsync($"/Ratings/List?unit={s.UnitA}&handler=Xlsx")).StatusCode);
        await (await liaisonB.GetAsync($"/api/v1/ratings?unitId={s.UnitA}")).ExpectRuleAsync(HttpStatusCode.Forbidden, "SEC-2");
        // Its own export holds its own rating alone.
        var csv = await SatisfactionReportTests.XlsxToCsvAsync(await liaisonB.GetByteArrayAsync("/Ratings/List?from=2026-11-16&to=2026-11-16&handler=Xlsx"));
        Assert.Contains("明细测试乙窗口", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("明细测试甲窗口", csv, StringComparison.Ordinal);
    }

    /// <summary>
    /// A workbook of more than a thousand rows finds what became of its rows by its filter again (a page, by its rows' ids):
    /// 1,010 imported cases of one service item, each rated 满意 at the window but one, rated 不满意, appealed and excluded.
    /// Both workbooks mark the excluded rating, name the item of every rating (its case's) and list every case's rating.
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-7")]
    [Trait("Rule", "SAT-8")]
    public async Task Workbooks_OfMoreThanAThousandRows_MarkTheExcludedRating_AndNameEveryRatingsItem()
    {
        await using var own = new MingchaApp();
        var unit = await own.WithDbAsync(db => db.Units.AsNoTracking().OrderBy(u => u.Code).Select(u => u.Id).FirstAsync());
        var window = await own.WithDbAsync(async db =>
        {
            var w = new Section(unit, "wb-w1", "千件测试窗口", SectionKind.Window, own.Clock.GetUtcNow().UtcDateTime);
            db.Sections.Add(w);
            db.ServiceItems.Add(new ServiceItem("wb-item", "千件测试事项", unit, 20, 10));
            await db.SaveChangesAsync();
            return w.Id;
        });
        const int n = Mingcha.Web.Features.Ratings.RatingList.ByIds + 10;
        var cases = Enumerable.Range(0, n).Select(i => $"WB{i:D5}").ToList();
        var office = await own.ClientAsAsync(Roles.OfficeStaff);
        var csv = "办件编号,窗口编码,事项编码,办结时间\n" + string.Concat(cases.Select(c => $"{c},wb-w1,wb-item,2026-11-16 09:00\n"));
        await (await office.PostAsync("/api/v1/service-records/import", new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"))).ExpectAsync(HttpStatusCode.OK);
        // A device takes 30 ratings at once (the flood guard): enough devices for them all, one rating each at a time.
        var devices = new List<HttpClient>();
        for (var i = 0; i < n / 25 + 1; i++) devices.Add((await own.TokenClientAsync(unit, "ratings:write")).Item1);
        await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            await (await devices[i / 25].PostAsJsonAsync("/api/v1/ratings", new { sectionId = window, caseNumber = cases[i], level = i == 0 ? 3 : 1 }, ct))
                .ExpectAsync(HttpStatusCode.Created));
        var bad = await own.WithDbAsync(db => db.Ratings.Where(r => r.CaseNumber == cases[0]).Select(r => r.Id).SingleAsync());
        var liaison = await own.ClientAsAsync(Roles.UnitLiaison, unit);
        var fu = await RatingsTests.WaitForAsync(async () => (await liaison.GetFromJsonAsync<List<FollowUpRow>>("/api/v1/follow-ups"))!.FirstOrDefault(f => f.RatingId == bad));
        await (await liaison.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/steps", new { step = "CallBack", note = "已回访本人", reached = true })).ExpectAsync(HttpStatusCode.OK);
        await (await liaison.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/appeal", new { reason = "评价人误按" })).ExpectAsync(HttpStatusCode.OK);
        await (await office.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/appeal-decision", new { upheld = true, note = "录音证实误按" })).ExpectAsync(HttpStatusCode.OK);

        var period = $"from=2026-11-16&to=2026-11-16&unit={unit}&section={window}";
        var ratings = (await SatisfactionReportTests.XlsxToCsvAsync(await office.GetByteArrayAsync($"/Ratings/List?{period}&handler=Xlsx")))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains("千件测试窗口", StringComparison.Ordinal)).ToList();
        Assert.Equal(n, ratings.Count);
        Assert.All(ratings, l => Assert.Contains("\"千件测试事项\",\"评价器\"", l, StringComparison.Ordinal));
        Assert.Contains("\"不满意\",\"是\",,,,\"WB00000\",\"是\"", Assert.Single(ratings, l => l.Contains("不满意", StringComparison.Ordinal)), StringComparison.Ordinal);
        var records = (await SatisfactionReportTests.XlsxToCsvAsync(await office.GetByteArrayAsync($"/Ratings/Records?{period}&handler=Xlsx")))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("\"WB", StringComparison.Ordinal)).ToList();
        Assert.Equal(n, records.Count);
        Assert.Equal(n - 1, records.Count(l => l.Contains("\"评价器：满意\"", StringComparison.Ordinal)));
        Assert.EndsWith("\"评价器：不满意\",\"是\",\"是\"", Assert.Single(records, l => l.StartsWith("\"WB00000\"", StringComparison.Ordinal)).TrimEnd('\r'), StringComparison.Ordinal);
    }

    [GeneratedRegex("<tr data-rating=\"")]
    private static partial Regex RatingRow();
}
