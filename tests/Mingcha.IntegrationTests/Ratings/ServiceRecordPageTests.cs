using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Satisfaction;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Features.Ratings;

namespace Mingcha.IntegrationTests.Ratings;

/// <summary>
/// 办件与评价 (SAT-8, SEC-2, SEC-4): the period's cases on <c>/Ratings/Records</c> with the ratings each received, the
/// rating rates, the filters and the workbook, and the Office's import of a CSV file on the page (all rows or none). On an
/// app of its own. Unit A's window finished five cases on Monday 2026-11-16 (one rated 满意 at the device, one 不满意 at the
/// device, one answered in a phone survey, two unrated) and one on the Friday before; unit B's window one on Monday.
/// </summary>
public sealed partial class ServiceRecordPageTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private sealed record Setup(Guid UnitA, Guid UnitB, string WindowACode, string[] Cases, string FridayCase, string CaseB);

    private static readonly PerApp<Setup> Once = new();

    private Task<Setup> SetupAsync() => Once.GetAsync(app, async () =>
    {
        var units = await app.WithDbAsync(db => db.Units.AsNoTracking().OrderBy(u => u.Code).Select(u => u.Id).Take(2).ToListAsync());
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var (windowA, windowB) = await app.WithDbAsync(async db =>
        {
            var a = new Section(units[0], "rec-a1", "办件测试甲窗口", SectionKind.Window, now);
            var b = new Section(units[1], "rec-b1", "办件测试乙窗口", SectionKind.Window, now);
            db.Sections.AddRange(a, b);
            await db.SaveChangesAsync();
            return (a, b);
        });
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var cases = Enumerable.Range(1, 5).Select(i => $"REC{i}-" + Guid.NewGuid().ToString("N")[..8]).ToArray();
        async Task PushAsync(string caseNumber, Guid section, string finishedAt, string? phone = null) =>
            await (await office.PostAsJsonAsync("/api/v1/service-records", new { caseNumber, sectionId = section, citizenPhone = phone, finishedAt }))
                .ExpectAsync(HttpStatusCode.Created);
        for (var i = 0; i < cases.Length; i++)
            await PushAsync(cases[i], windowA.Id, $"2026-11-16T08:{10 + i * 5}:00+08:00", i == 1 ? "13912345678" : null);
        var friday = "RECF-" + Guid.NewGuid().ToString("N")[..8];
        await PushAsync(friday, windowA.Id, "2026-11-13T15:00:00+08:00");
        var caseB = "RECB-" + Guid.NewGuid().ToString("N")[..8];
        await PushAsync(caseB, windowB.Id, "2026-11-16T09:00:00+08:00");

        var (device, _) = await app.TokenClientAsync(units[0], "ratings:write");
        await (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = windowA.Id, caseNumber = cases[0], level = 1 })).ExpectAsync(HttpStatusCode.Created);
        await (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = windowA.Id, caseNumber = cases[1], level = 3, comment = "材料没有一次说清" }))
            .ExpectAsync(HttpStatusCode.Created);
        // SAT-3: the answer of a phone survey's call, as PhoneSurveys records it (a rating of channel "phone").
        await app.WithScopeAsync(sp => sp.GetRequiredService<Mingcha.Web.Features.Ratings.RatingIntake>().SubmitAsync(
            new RatingInput(windowA.Id, null, cases[2], null, 2, null, null, null, null), RatingChannel.Phone, null, null, default));
        return new Setup(units[0], units[1], windowA.Code, cases, friday, caseB);
    });

    private static List<string> CasesOf(string html) => CaseRow().Matches(html).Select(m => m.Groups[1].Value).ToList();

    private static string Figure(string html, string id) => Regex.Match(html, $"id=\"{id}\">([^<]*)<").Groups[1].Value.Trim();

    [Fact]
    [Trait("Rule", "SAT-8")]
    [Trait("Rule", "SEC-4")]
    public async Task Records_ListThePeriodsCases_WithTheirRatings_AndTheRatingRates()
    {
        var s = await SetupAsync();
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var period = $"from=2026-11-16&to=2026-11-16&unit={s.UnitA}";

        var page = WebUtility.HtmlDecode(await office.GetStringAsync($"/Ratings/Records?{period}"));
        // The latest finished first; Friday's case is outside the period, unit B's outside the unit.
        Assert.Equal(s.Cases.Reverse(), CasesOf(page));
        Assert.Equal(("5", "3", "2", "1"), (Figure(page, "cases-count"), Figure(page, "rated-count"), Figure(page, "public-count"), Figure(page, "bad-count")));
        // 评价率 counts the phone survey's answer; 主动评价率 only what the public gave on their own.
        Assert.Contains("评价率 60.00%", page, StringComparison.Ordinal);
        Assert.Contains("主动评价率 40.00%", page, StringComparison.Ordinal);
        var badRow = Row(page, s.Cases[1]);
        Assert.Contains("评价器：不满意", badRow, StringComparison.Ordinal);
        Assert.Contains("139****5678", badRow, StringComparison.Ordinal); // SEC-4: masked
        Assert.DoesNotContain("13912345678", page, StringComparison.Ordinal);
        Assert.Contains("电话回访：基本满意", Row(page, s.Cases[2]), StringComparison.Ordinal);
        // Each rating opens in 评价明细, with what the rater wrote.
        var ratingLink = Regex.Match(badRow, "<a class=\"case-rating bad\"[^>]*href=\"([^\"]+)\"").Groups[1].Value;
        Assert.Equal($"/Ratings/List?from=2026-11-16&to=2026-11-16&unit={s.UnitA}&case={s.Cases[1]}", ratingLink);
        var rating = WebUtility.HtmlDecode(await office.GetStringAsync(ratingLink));
        Assert.Single(Regex.Matches(rating, "<tr data-rating=\""));
        Assert.Contains("材料没有一次说清", rating, StringComparison.Ordinal);
        Assert.Contains("未评价", Row(page, s.Cases[4]), StringComparison.Ordinal);

        // The filters: by what the raters did, by number, by period; the figures stay the period's.
        Assert.Equal([s.Cases[4], s.Cases[3]], CasesOf(await office.GetStringAsync($"/Ratings/Records?{period}&state=Unrated")));
        Assert.Equal([s.Cases[2], s.Cases[1], s.Cases[0]], CasesOf(await office.GetStringAsync($"/Ratings/Records?{period}&state=Rated")));
        var bad = WebUtility.HtmlDecode(await office.GetStringAsync($"/Ratings/Records?{period}&state=Bad"));
        Assert.Equal([s.Cases[1]], CasesOf(bad));
        Assert.Equal("5", Figure(bad, "cases-count"));
        Assert.Equal([s.Cases[2]], CasesOf(await office.GetStringAsync($"/Ratings/Records?{period}&case={s.Cases[2]}")));
        // A case by its number whatever the period (the receipt gives the number, not always the date); a look-up has no figures.
        var byNumber = WebUtility.HtmlDecode(await office.GetStringAsync($"/Ratings/Records?{period}&case={s.FridayCase}"));
        Assert.Equal([s.FridayCase], CasesOf(byNumber));
        Assert.DoesNotContain("id=\"figures\"", byNumber, StringComparison.Ordinal);
        Assert.Contains("按办件编号查找（不限日期）：1 件。", byNumber, StringComparison.Ordinal);
        var oneCase = (await SatisfactionReportTests.XlsxToCsvAsync(await office.GetByteArrayAsync($"/Ratings/Records?{period}&case={s.FridayCase}&handler=Xlsx")))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, oneCase.Length);
        Assert.StartsWith($"\"{s.FridayCase}\"", oneCase[1], StringComparison.Ordinal);
        Assert.Contains($"办件编号 {s.FridayCase} 的办件，共 1 件", oneCase[2], StringComparison.Ordinal);
        Assert.Empty(CasesOf(await office.GetStringAsync($"/Ratings/Records?{period}&case={s.FridayCase}&state=Rated")));
        Assert.Equal([.. s.Cases.Reverse(), s.FridayCase], CasesOf(await office.GetStringAsync($"/Ratings/Records?from=2026-11-13&to=2026-11-16&unit={s.UnitA}")));
        var all = CasesOf(await office.GetStringAsync("/Ratings/Records?from=2026-11-16&to=2026-11-16"));
        Assert.Contains(s.CaseB, all);
        Assert.Contains(s.Cases[0], all);

        // The workbook: every case of the filter, the earliest finished first, read by LibreOffice Calc.
        var xlsx = await office.GetAsync($"/Ratings/Records?{period}&handler=Xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        Assert.Equal("cases-2026-11-16-2026-11-16.xlsx", xlsx.Content.Headers.ContentDisposition!.FileNameStar);
        var csv = (await SatisfactionReportTests.XlsxToCsvAsync(await xlsx.Content.ReadAsByteArrayAsync())).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("\"办件编号\",\"单位\",\"窗口\",\"工作人员\",\"服务事项\",\"联系电话\",\"受理时间\",\"办结时间\",\"评价\",\"差评\",\"已剔除\"", csv[0]);
        Assert.Equal(s.Cases, csv.Skip(1).Take(5).Select(l => l.Split(',')[0].Trim('"')).ToArray());
        Assert.Contains("\"139****5678\"", csv[2], StringComparison.Ordinal);
        Assert.Contains("\"评价器：不满意\",\"是\"", csv[2], StringComparison.Ordinal);
        Assert.Contains("\"电话回访：基本满意\"", csv[3], StringComparison.Ordinal);
        Assert.Contains("共 5 件", csv[^1], StringComparison.Ordinal);
        Assert.Equal(7, csv.Length);

        // Bad input: a message on the page and a 400, never a 500.
        var backwards = await office.GetAsync($"/Ratings/Records?from=2026-11-17&to=2026-11-16&unit={s.UnitA}");
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Contains("结束日期早于开始日期。", WebUtility.HtmlDecode(await backwards.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await office.GetAsync($"/Ratings/Records?from=2026-11-17&to=2026-11-16&handler=Xlsx")).StatusCode);
        var outside = await office.GetAsync("/Ratings/Records?from=2026-11-16&to=9999-12-31&handler=Xlsx");
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
        Assert.Contains("日期须在", WebUtility.HtmlDecode(await outside.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        var nonsense = await office.GetAsync($"/Ratings/Records?{period}&state=Maybe");
        Assert.Equal(HttpStatusCode.BadRequest, nonsense.StatusCode);
        Assert.Contains("state", await nonsense.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private sealed record ApiFigures(int Cases, int Rated, int RatedByPublic, int WithBad, decimal? RatedRate, decimal? PublicRate);
    private sealed record ApiRating(RatingChannel Channel, string LevelName, bool IsBad);
    private sealed record ApiRow(string CaseNumber, string Phone, List<ApiRating> Ratings);
    private sealed record ApiPage(List<ApiRow> Rows, int Total, int Number, int Size, ApiFigures? Figures);

    [Fact]
    [Trait("Rule", "SAT-8")]
    [Trait("Rule", "SEC-2")]
    public async Task RecordsApi_AnswersAsThePage()
    {
        var s = await SetupAsync();
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var period = $"from=2026-11-16&to=2026-11-16&unitId={s.UnitA}";
        var page = (await office.GetFromJsonAsync<ApiPage>($"/api/v1/service-records?{period}", Api.Json))!;
        Assert.Equal(new ApiFigures(5, 3, 2, 1, 0.6m, 0.4m), page.Figures);
        Assert.Equal((5, 1, 100), (page.Total, page.Number, page.Size));
        Assert.Equal(s.Cases.Reverse(), page.Rows.Select(r => r.CaseNumber));
        var bad = page.Rows.Single(r => r.CaseNumber == s.Cases[1]);
        Assert.Equal(("139****5678", RatingChannel.Device, "不满意", true), (bad.Phone, bad.Ratings.Single().Channel, bad.Ratings.Single().LevelName, bad.Ratings.Single().IsBad));

        var unrated = (await office.GetFromJsonAsync<ApiPage>($"/api/v1/service-records?{period}&state=Unrated&size=1&page=2", Api.Json))!;
        Assert.Equal((2, 2, 1), (unrated.Total, unrated.Number, unrated.Size));
        Assert.Equal([s.Cases[3]], unrated.Rows.Select(r => r.CaseNumber));
        Assert.Equal(5, unrated.Figures!.Cases);

        var lookUp = (await office.GetFromJsonAsync<ApiPage>($"/api/v1/service-records?{period}&caseNumber={s.FridayCase}", Api.Json))!;
        Assert.Equal([s.FridayCase], lookUp.Rows.Select(r => r.CaseNumber));
        Assert.Equal(1, lookUp.Total);
        Assert.Null(lookUp.Figures);
        await (await office.GetAsync($"/api/v1/service-records?from=2026-11-17&to=2026-11-16")).ExpectFieldErrorAsync("to");
        await (await office.GetAsync($"/api/v1/service-records?from=2026-11-16&to=9999-12-31")).ExpectFieldErrorAsync("to");
        Assert.Equal(HttpStatusCode.BadRequest, (await office.GetAsync($"/api/v1/service-records?{period}&state=Maybe")).StatusCode);
        // SEC-2: a liaison's own unit only; another unit's cases are a 403, its window's none of theirs.
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, s.UnitB);
        Assert.Equal(HttpStatusCode.Forbidden, (await liaison.GetAsync($"/api/v1/service-records?{period}")).StatusCode);
        var own = (await liaison.GetFromJsonAsync<ApiPage>("/api/v1/service-records?from=2026-11-16&to=2026-11-16", Api.Json))!;
        Assert.Equal([s.CaseB], own.Rows.Select(r => r.CaseNumber));
        var windowA = await app.WithDbAsync(db => db.Sections.Where(x => x.Code == s.WindowACode).Select(x => x.Id).SingleAsync());
        Assert.Empty((await liaison.GetFromJsonAsync<ApiPage>($"/api/v1/service-records?from=2026-11-16&to=2026-11-16&sectionId={windowA}", Api.Json))!.Rows);
    }

    [Fact]
    [Trait("Rule", "SEC-2")]
    [Trait("Rule", "SAT-8")]
    public async Task Records_AreTheUnitsOwn_ForALiaison_WhoImportsTheirOwnWindowsCasesOnly()
    {
        var s = await SetupAsync();
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, s.UnitB);
        var own = await liaison.GetStringAsync("/Ratings/Records?from=2026-11-16&to=2026-11-16");
        Assert.Equal([s.CaseB], CasesOf(own));
        Assert.Empty(CasesOf(await liaison.GetStringAsync($"/Ratings/Records?case={s.Cases[0]}"))); // another unit's case, by its number
        Assert.Equal(HttpStatusCode.NotFound, (await liaison.GetAsync($"/Ratings/Records?unit={s.UnitA}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await liaison.GetAsync($"/Ratings/Records?unit={s.UnitA}&handler=Xlsx")).StatusCode);
        var csv = await SatisfactionReportTests.XlsxToCsvAsync(await liaison.GetByteArrayAsync("/Ratings/Records?from=2026-11-13&to=2026-11-16&handler=Xlsx"));
        Assert.Contains(s.CaseB, csv, StringComparison.Ordinal);
        Assert.DoesNotContain(s.Cases[0], csv, StringComparison.Ordinal);
        Assert.DoesNotContain(s.FridayCase, csv, StringComparison.Ordinal);

        // The unit imports its own windows' cases (on a day the other tests of the class do not read); a row naming another
        // unit's window refuses the file (SEC-2), and nothing of it is stored.
        Assert.Contains("只能导入本单位窗口的办件。", WebUtility.HtmlDecode(own), StringComparison.Ordinal);
        var number = "RECL-" + Guid.NewGuid().ToString("N")[..8];
        var foreign = await UploadAsync(liaison, Pages.AntiforgeryToken(own),
            $"办件编号,窗口编码,办结时间\n{number},rec-b1,2026-11-11 09:30\n{number}X,{s.WindowACode},2026-11-11 09:35\n");
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.Contains($"窗口“{s.WindowACode}”不属于本单位（SEC-2）。", WebUtility.HtmlDecode(await foreign.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.ServiceRecords.CountAsync(r => r.CaseNumber.StartsWith(number))));
        var stored = await UploadAsync(liaison, Pages.AntiforgeryToken(own), $"办件编号,窗口编码,办结时间\n{number},rec-b1,2026-11-11 09:30\n");
        Assert.Equal(HttpStatusCode.Redirect, stored.StatusCode);
        Assert.Equal(s.UnitB, await app.WithDbAsync(db => db.ServiceRecords.Where(r => r.CaseNumber == number).Select(r => r.UnitId).SingleAsync()));
        // The API alike.
        using var apiFile = new StringContent($"办件编号,窗口编码,办结时间\n{number}Y,{s.WindowACode},2026-11-11 09:40\n", Encoding.UTF8, "text/csv");
        var apiRefused = await liaison.PostAsync("/api/v1/service-records/import", apiFile);
        Assert.Equal(HttpStatusCode.BadRequest, apiRefused.StatusCode);
        Assert.Contains("SEC-2", await apiRefused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A leader reads every unit's cases, and imports none (SEC-1: refused before anything is read).
        var leaderClient = await app.ClientAsAsync(Roles.Leader);
        var leader = await leaderClient.GetStringAsync($"/Ratings/Records?from=2026-11-16&to=2026-11-16&unit={s.UnitA}");
        Assert.Equal(5, CasesOf(leader).Count);
        Assert.DoesNotContain("id=\"import\"", leader, StringComparison.Ordinal);
        var posted = await UploadAsync(leaderClient, Pages.AntiforgeryToken(leader), $"办件编号,窗口编码,办结时间\n{number}Z,rec-b1,2026-11-11 09:30\n");
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Contains("/Account/Denied", posted.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.ServiceRecords.CountAsync(r => r.CaseNumber == number + "Z")));
    }

    [Fact]
    [Trait("Rule", "SAT-8")]
    public async Task Import_OnThePage_StoresAllRowsOrNone_NamingEveryBadRow()
    {
        var s = await SetupAsync();
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var page = await office.GetStringAsync("/Ratings/Records");
        Assert.Contains("id=\"import-form\"", page, StringComparison.Ordinal);
        var token = Pages.AntiforgeryToken(page);
        string[] numbers = ["RECI-" + Guid.NewGuid().ToString("N")[..8], "RECI-" + Guid.NewGuid().ToString("N")[..8]];

        var refused = await UploadAsync(office, token, "办件编号,窗口编码,联系电话,办结时间\n"
            + $"{numbers[0]},{s.WindowACode},,2026-11-11 09:40\n{numbers[1]},NO-SUCH-WINDOW,12345,2026-11-11 09:45\n");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var report = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        var errors = Regex.Matches(report, "<tr><td>cases\\.csv</td><td>(\\d+)</td><td>([^<]*)</td>").Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
        Assert.Equal([("3", "窗口编码"), ("3", "联系电话")], errors);
        Assert.Contains("发现 2 个错误，未写入任何数据。", report, StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.ServiceRecords.CountAsync(r => numbers.Contains(r.CaseNumber))));

        // On a day the other tests of the class do not read (they share the app).
        var good = $"办件编号,窗口编码,办结时间\n{numbers[0]},{s.WindowACode},2026-11-11 09:40\n{numbers[1]},{s.WindowACode},2026-11-11 09:45\n";
        var stored = await UploadAsync(office, token, good);
        Assert.Equal(HttpStatusCode.Redirect, stored.StatusCode);
        Assert.Contains("已导入 2 件办件；0 件此前已导入，未改动。", WebUtility.HtmlDecode(await office.GetStringAsync(stored.Headers.Location!.OriginalString)), StringComparison.Ordinal);
        Assert.Equal(2, await app.WithDbAsync(db => db.ServiceRecords.CountAsync(r => numbers.Contains(r.CaseNumber))));
        // The same file again changes nothing.
        var again = await UploadAsync(office, token, good);
        Assert.Contains("已导入 0 件办件；2 件此前已导入，未改动。", WebUtility.HtmlDecode(await office.GetStringAsync(again.Headers.Location!.OriginalString)), StringComparison.Ordinal);

        // A file over 20 MB: refused with a message, nothing read into the database.
        var big = "办件编号,窗口编码,办结时间\n" + string.Concat(Enumerable.Repeat($"RECBIG-0000000000,{s.WindowACode},2026-11-11 09:40\n", 21 * 1024 * 1024 / 40));
        var tooBig = await UploadAsync(office, token, big);
        Assert.True(tooBig.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, $"{tooBig.StatusCode}");
        var tooBigText = Regex.Replace(WebUtility.HtmlDecode(await tooBig.Content.ReadAsStringAsync()), "<[^>]+>", " ");
        Assert.True(tooBigText.Contains("文件超过 20 MB。", StringComparison.Ordinal), $"{tooBig.StatusCode} {tooBigText[^Math.Min(3000, tooBigText.Length)..]}");
        Assert.Equal(0, await app.WithDbAsync(db => db.ServiceRecords.CountAsync(r => r.CaseNumber.StartsWith("RECBIG"))));

        // No file: a message beside the form.
        using var empty = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" } };
        var none = await office.PostAsync("/Ratings/Records?handler=Import", empty);
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.Contains("请选择要导入的 CSV 或 .xlsx 文件。", WebUtility.HtmlDecode(await none.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> UploadAsync(HttpClient client, string token, string csv)
    {
        var form = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" } };
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "cases.csv");
        return client.PostAsync("/Ratings/Records?handler=Import", form);
    }

    private static string Row(string html, string caseNumber) =>
        Regex.Match(html, $"<tr data-case=\"{Regex.Escape(caseNumber)}\".*?</tr>", RegexOptions.Singleline).Value;

    [GeneratedRegex("<tr data-case=\"([^\"]+)\"")]
    private static partial Regex CaseRow();
}
