using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.IntegrationTests.Ratings;

public sealed class PhoneSurveyTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private sealed record Call(Guid Id, int Order, string CaseNumber, Guid SectionId, string Phone, bool? Reached, Guid? RatingId, bool Replacement = false);
    private sealed record Draw(Guid Id, int Year, int Quarter, string Algorithm, string Seed, string InputHash, int InputCount, List<Call> Calls);
    private sealed record Verify(bool Reproduced, string InputHash);
    private sealed record UnitRate(int Counted, decimal? Rate);

    /// <summary>A service-records client for the unit of the first window, and that window.</summary>
    private async Task<(HttpClient System, Section Window)> RecordsClientAsync()
    {
        var window = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window).OrderBy(s => s.Code).FirstAsync());
        var (system, _) = await app.TokenClientAsync(window.UnitId, "service-records:write");
        return (system, window);
    }

    private static async Task RecordAsync(HttpClient system, Section window, string caseNumber, string phone, DateTime finishedAt) =>
        Assert.Equal(HttpStatusCode.Created, (await system.PostAsJsonAsync("/api/v1/service-records",
            new { caseNumber, sectionId = window.Id, citizenPhone = phone, finishedAt })).StatusCode);

    [Fact]
    [Trait("Rule", "SAT-3")]
    public async Task Replacements_ForPeopleNotReached_ContinueTheSameDrawUntilTheCandidatesAreUsedUp()
    {
        var (system, window) = await RecordsClientAsync();
        var inQ3 = new DateTime(2025, 8, 1, 2, 0, 0, DateTimeKind.Utc);
        var keys = Enumerable.Range(0, 5).Select(i => $"Q3R-{i:00}").ToList();
        for (var i = 0; i < keys.Count; i++) await RecordAsync(system, window, keys[i], $"1371111{i:0000}", inQ3.AddDays(i));

        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var draw = (await (await office.PostAsJsonAsync("/api/v1/surveys", new { year = 2025, quarter = 3, count = 3, seed = "q3-replace" })).Content.ReadFromJsonAsync<Draw>())!;
        Assert.Equal(3, draw.Calls.Count);
        // Nothing is short while the drawn are still to be called.
        var early = await office.PostAsync($"/api/v1/surveys/{draw.Id}/replacements", null);
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("SAT-3", await early.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, (await office.PostAsJsonAsync($"/api/v1/survey-calls/{draw.Calls[0].Id}/answer", new { reached = true, level = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await office.PostAsJsonAsync($"/api/v1/survey-calls/{draw.Calls[1].Id}/answer", new { reached = false })).StatusCode);
        // Asked for 3: one answered, one still to call, so one is short: the next candidate of the same seed and list.
        var replaced = await office.PostAsync($"/api/v1/surveys/{draw.Id}/replacements", null);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var after = (await replaced.Content.ReadFromJsonAsync<Draw>())!;
        Assert.Equal(4, after.Calls.Count);
        var expected = Mingcha.Domain.Satisfaction.SurveyDraw.Draw(keys, 4, "q3-replace").Drawn;
        Assert.Equal(expected, after.Calls.Select(c => c.CaseNumber));
        Assert.Equal([false, false, false, true], after.Calls.Select(c => c.Replacement));
        Assert.Equal(4, after.Calls[3].Order);
        Assert.True((await office.GetFromJsonAsync<Verify>($"/api/v1/surveys/{draw.Id}/verify"))!.Reproduced); // the list with its replacement is still the draw
        Assert.Equal(HttpStatusCode.Conflict, (await office.PostAsync($"/api/v1/surveys/{draw.Id}/replacements", null)).StatusCode); // not short again yet

        // The replacement and the third are not reached either: two short, but only one candidate is left.
        Assert.Equal(HttpStatusCode.OK, (await office.PostAsJsonAsync($"/api/v1/survey-calls/{after.Calls[2].Id}/answer", new { reached = false })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await office.PostAsJsonAsync($"/api/v1/survey-calls/{after.Calls[3].Id}/answer", new { reached = false })).StatusCode);
        var last = (await (await office.PostAsync($"/api/v1/surveys/{draw.Id}/replacements", null)).Content.ReadFromJsonAsync<Draw>())!;
        Assert.Equal(keys.Order(StringComparer.Ordinal), last.Calls.Select(c => c.CaseNumber).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await office.PostAsJsonAsync($"/api/v1/survey-calls/{last.Calls[4].Id}/answer", new { reached = false })).StatusCode);
        var usedUp = await office.PostAsync($"/api/v1/surveys/{draw.Id}/replacements", null);
        Assert.Equal(HttpStatusCode.Conflict, usedUp.StatusCode);
        Assert.Contains("已全部抽取", await usedUp.Content.ReadAsStringAsync());
        Assert.True((await office.GetFromJsonAsync<Verify>($"/api/v1/surveys/{draw.Id}/verify"))!.Reproduced);
        // A person replaced may still be reached; the answer counts.
        Assert.Equal(HttpStatusCode.OK, (await office.PostAsJsonAsync($"/api/v1/survey-calls/{draw.Calls[1].Id}/answer", new { reached = true, level = 2 })).StatusCode);

        // The page shows the replacements and asks for them with a button; its refusal is a message, not an error page.
        var page = await (await office.GetAsync($"/Ratings/Survey/{draw.Id}")).Content.ReadAsStringAsync();
        Assert.Contains("补抽", page);
        Assert.Contains("已答复 2 人，目标 3 人", page);
        var form = await office.PostFormAsync($"/Ratings/Survey/{draw.Id}", "Replace", []);
        Assert.Equal(HttpStatusCode.BadRequest, form.StatusCode);
        Assert.Contains("已全部抽取", await form.Content.ReadAsStringAsync());
    }

    [Fact]
    [Trait("Rule", "SAT-3")]
    [Trait("Rule", "SAT-4")]
    public async Task FourthQuartersAnswers_GivenInTheNextYear_CountInTheYearOfTheService()
    {
        var (system, window) = await RecordsClientAsync();
        await RecordAsync(system, window, "Q4Y-01", "13622220001", new DateTime(2025, 12, 29, 2, 0, 0, DateTimeKind.Utc));
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        async Task<UnitRate> RateOfAsync(int year, string from = "01-01", string to = "12-31") =>
            (await office.GetFromJsonAsync<UnitRate>($"/api/v1/satisfaction/units/{window.UnitId}?from={year}-{from}&to={year}-{to}"))!;
        var before2025 = await RateOfAsync(2025);
        var before2026 = await RateOfAsync(2026);

        var draw = (await (await office.PostAsJsonAsync("/api/v1/surveys", new { year = 2025, quarter = 4, count = 1, seed = "q4-year" })).Content.ReadFromJsonAsync<Draw>())!;
        // The call is made now (the test clock is in November 2026, as a January call is in the year after the quarter).
        var call = (await (await office.PostAsJsonAsync($"/api/v1/survey-calls/{draw.Calls.Single().Id}/answer", new { reached = true, level = 3 })).Content.ReadFromJsonAsync<Call>())!;
        var rating = await app.WithDbAsync(db => db.Ratings.SingleAsync(r => r.Id == call.RatingId));
        Assert.Equal(2026, rating.RatedAt.Year); // the rating keeps the time it was given

        Assert.Equal(before2025.Counted + 1, (await RateOfAsync(2025)).Counted);
        var ofQ4 = await RateOfAsync(2025, "10-01", "12-31");
        Assert.Equal(1, ofQ4.Counted);
        Assert.Equal(0m, ofQ4.Rate); // 不满意
        Assert.Equal(before2026.Counted, (await RateOfAsync(2026)).Counted);
        // The yearly selections (SAT-5) read the year the same way.
        var ranked = await office.GetFromJsonAsync<List<System.Text.Json.JsonElement>>("/api/v1/incentives/2025/rankings/BestServicePost");
        Assert.Equal(before2025.Counted + 1, ranked!.Single(c => c.GetProperty("candidate").GetProperty("id").GetGuid() == window.Id).GetProperty("candidate").GetProperty("ratings").GetInt32());
    }

    private sealed record Summary(Guid Id, int Year, int Quarter, int Requested, int InputCount, string DrawnBy, int Calls, int Answered, int NotReached, int NotCalled);
    private sealed record CallAbout(Guid Id, string CaseNumber, DateTime FinishedAt, string? ServiceItem, string? UnitNameNow, string? SectionNameNow, int? Level, string? Answer, string? Comment);
    private sealed record DrawAbout(Guid Id, string DrawnBy, List<CallAbout> Calls);
    private sealed record Outcome(int Answers, int Satisfied, int Basic, int Unsatisfied, int Excluded, decimal? Rate);
    private sealed record DrawOutcome(Outcome Outcome);

    /// <summary>
    /// SAT-3 on the calling list's page: the office draws an ended quarter the job has not drawn (a form), every draw is
    /// listed with how far its calls have come, each call says what it is about (the case's unit, window, service item and
    /// when it was finished) and, once answered, the answer; the draw is checked from the page, and a check that does not
    /// reproduce the list says so. A second draw of the quarter, a quarter not chosen or not a quarter: a message, nothing
    /// stored. The numbers stay masked (SEC-4); a unit's liaison gets neither page nor list (SEC-2).
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-3")]
    [Trait("Rule", "SEC-4")]
    [Trait("Rule", "SEC-2")]
    public async Task SurveyPage_DrawsAnEndedQuarter_ListsEveryDraw_SaysWhatEachCallIsAbout_AndChecksTheDraw()
    {
        var (system, window) = await RecordsClientAsync();
        var item = await app.WithDbAsync(async db =>
        {
            var i = new ServiceItem("q1-item", "事项：养老保险待遇申领", window.UnitId, 20, 10);
            db.ServiceItems.Add(i);
            await db.SaveChangesAsync();
            db.SectionServiceItems.Add(new SectionServiceItem(window.Id, i.Id, false));
            await db.SaveChangesAsync();
            return i.Id;
        });
        var finished = new DateTime(2025, 2, 20, 2, 30, 0, DateTimeKind.Utc); // 10:30 in Beijing, the first quarter of 2025
        Assert.Equal(HttpStatusCode.Created, (await system.PostAsJsonAsync("/api/v1/service-records",
            new { caseNumber = "Q1P-00", sectionId = window.Id, serviceItemId = item, citizenPhone = "13755550000", finishedAt = finished })).StatusCode);
        for (var i = 1; i < 3; i++) await RecordAsync(system, window, $"Q1P-{i:00}", $"1375555{i:0000}", finished.AddDays(i));
        var (unitName, windowName) = await app.WithDbAsync(async db => (await db.Units.Where(u => u.Id == window.UnitId).Select(u => u.Name).SingleAsync(), window.Name));

        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        const string page = "/Ratings/Survey";
        // The form offers the quarters ended and not drawn: 2025 Q1, not the fourth quarter of 2026 (it runs until 31 December).
        var before = await office.GetStringAsync(page);
        Assert.Contains("<option value=\"2025-1\">2025 年第 1 季度</option>", before, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"2026-4\"", before, StringComparison.Ordinal);
        var draws = await app.WithDbAsync(db => db.Set<Mingcha.Web.Features.Ratings.SurveyDrawRecord>().CountAsync());
        foreach (var (quarter, says) in new[] { ("", "请选择季度"), ("2025", "请选择季度"), ("2025-9", "季度为 1 到 4"), ("2026-4", "季度结束后才能抽取"), ("2024-4", "没有留有电话号码的办件，无人可抽") })
        {
            var refused = await office.PostFormAsync(page, "Draw", new() { ["quarter"] = quarter, ["count"] = "3" });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains(says, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(draws, await app.WithDbAsync(db => db.Set<Mingcha.Web.Features.Ratings.SurveyDrawRecord>().CountAsync()));
        Assert.Contains("<option value=\"2024-4\">", await office.GetStringAsync(page), StringComparison.Ordinal); // the empty quarter is still offered

        var drawn = await office.PostFormAsync(page, "Draw", new() { ["quarter"] = "2025-1", ["count"] = "3", ["seed"] = "page-2025Q1" });
        Assert.Equal(HttpStatusCode.Redirect, drawn.StatusCode);
        var at = drawn.Headers.Location!.OriginalString;
        var id = Guid.Parse(at[(at.LastIndexOf('/') + 1)..]);
        var shown = WebUtility.HtmlDecode(await office.GetStringAsync(at));
        Assert.Contains("已抽取 2025 年第 1 季度的电话回访样本：3 人。", shown, StringComparison.Ordinal);
        Assert.Contains("<h2 id=\"draw-title\">2025 年第 1 季度回访名单</h2>", shown, StringComparison.Ordinal);
        Assert.Matches($"<tr data-draw=\"{id}\" class=\"highlight\">", shown);
        Assert.DoesNotContain("<option value=\"2025-1\">", shown, StringComparison.Ordinal); // drawn: no longer offered
        Assert.Equal(Mingcha.Domain.Satisfaction.SurveyDraw.Draw(["Q1P-00", "Q1P-01", "Q1P-02"], 3, "page-2025Q1").Drawn,
            Regex.Matches(shown, "<tr data-call=\"[^\"]+\">\\s*<td>\\d+ *</td>\\s*<td>([^<]+)</td>").Select(m => m.Groups[1].Value));
        // What each call is about: the case's unit and window, its item, when it was finished (office time); the number masked.
        var row = Regex.Match(shown, "<tr data-call=\"[^\"]+\">(?:(?!</tr>).)*Q1P-00(?:(?!</tr>).)*</tr>", RegexOptions.Singleline).Value;
        Assert.Contains($"<span class=\"unit\">{unitName}</span> · <span class=\"section\">{windowName}</span>", row, StringComparison.Ordinal);
        Assert.Contains("<td class=\"call-item\">事项：养老保险待遇申领</td>", row, StringComparison.Ordinal);
        Assert.Contains("2025-02-20 10:30", row, StringComparison.Ordinal);
        Assert.Contains("137****0000", row, StringComparison.Ordinal);
        Assert.DoesNotMatch("1375555\\d{4}", shown);

        // A second draw of the quarter (the API's way, the form no longer offers it): refused, as a message.
        var twice = await office.PostFormAsync(page, "Draw", new() { ["quarter"] = "2025-1" });
        Assert.Equal(HttpStatusCode.BadRequest, twice.StatusCode);
        Assert.Contains("本季度已抽取过电话回访样本。 (SAT-3)", WebUtility.HtmlDecode(await twice.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        // The check from the page: the same list again.
        var check = WebUtility.HtmlDecode(await office.GetStringAsync($"{page}/{id}?handler=Verify"));
        Assert.Contains("复核一致", check, StringComparison.Ordinal);

        // An answer on the page: the row shows it, the list of draws counts it.
        var call = await app.WithDbAsync(db => db.Set<Mingcha.Web.Features.Ratings.SurveyCall>().SingleAsync(c => c.DrawId == id && c.CaseNumber == "Q1P-00"));
        Assert.Equal(HttpStatusCode.Redirect, (await office.PostFormAsync($"{page}/{id}", "Answer",
            new() { ["callId"] = call.Id.ToString(), ["reached"] = "true", ["level"] = "3", ["comment"] = "等了一个小时" })).StatusCode);
        shown = WebUtility.HtmlDecode(await office.GetStringAsync($"{page}/{id}"));
        row = Regex.Match(shown, $"<tr data-call=\"{call.Id}\">.*?</tr>", RegexOptions.Singleline).Value;
        Assert.Contains("<div class=\"call-answer\">不满意 · 等了一个小时</div>", row, StringComparison.Ordinal);
        Assert.Contains("已回访", row, StringComparison.Ordinal);
        Assert.Contains("<p id=\"survey-outcome\">回访结果：满意 0 人，基本满意 0 人，不满意 1 人；满意率 0.00%。</p>", shown, StringComparison.Ordinal);
        var line = Regex.Match(shown, $"<tr data-draw=\"{id}\"[^>]*>.*?</tr>", RegexOptions.Singleline).Value;
        Assert.Equal(["2025 年第 1 季度", "3", "3", "1", "0", "2"], Regex.Matches(line, "<td>(.*?)</td>", RegexOptions.Singleline)
            .Select(m => Regex.Replace(m.Groups[1].Value, "<[^>]+>", "").Trim()).Where((_, k) => k is 0 or >= 3));

        // The API: every draw, and what each call is about.
        var list = (await office.GetFromJsonAsync<List<Summary>>("/api/v1/surveys"))!;
        var mine = list.Single(d => d.Id == id);
        Assert.Equal((2025, 1, 3, 3, 3, 1, 0, 2), (mine.Year, mine.Quarter, mine.Requested, mine.InputCount, mine.Calls, mine.Answered, mine.NotReached, mine.NotCalled));
        Assert.Equal(list.OrderByDescending(d => d.Year).ThenByDescending(d => d.Quarter).Select(d => d.Id), list.Select(d => d.Id));
        var about = (await office.GetFromJsonAsync<DrawAbout>($"/api/v1/surveys/{id}"))!;
        Assert.Equal(mine.DrawnBy, about.DrawnBy);
        Assert.NotEqual("", about.DrawnBy);
        var first = about.Calls.Single(c => c.CaseNumber == "Q1P-00");
        Assert.Equal((finished, "事项：养老保险待遇申领", unitName, windowName, 3, "不满意", "等了一个小时"),
            (first.FinishedAt, first.ServiceItem, first.UnitNameNow, first.SectionNameNow, first.Level!.Value, first.Answer, first.Comment));
        Assert.All(about.Calls.Where(c => c.CaseNumber != "Q1P-00"), c => Assert.Null(c.Answer));

        // A second answer, 满意; the first one excluded after an appeal (SAT-7): the outcome counts the one that stands.
        var second = about.Calls.First(c => c.CaseNumber != "Q1P-00");
        Assert.Equal(HttpStatusCode.OK, (await office.PostAsJsonAsync($"/api/v1/survey-calls/{second.Id}/answer", new { reached = true, level = 1 })).StatusCode);
        var outcome = (await office.GetFromJsonAsync<DrawOutcome>($"/api/v1/surveys/{id}"))!.Outcome;
        Assert.Equal(new Outcome(2, 1, 0, 1, 0, 0.5m), outcome);
        var appealed = (await office.GetFromJsonAsync<DrawAbout>($"/api/v1/surveys/{id}"))!.Calls.Single(c => c.CaseNumber == "Q1P-00");
        await app.WithDbAsync(async db =>
        {
            var ratingId = await db.Set<Mingcha.Web.Features.Ratings.SurveyCall>().Where(c => c.Id == appealed.Id).Select(c => c.RatingId!.Value).SingleAsync();
            db.RatingExclusions.Add(new Mingcha.Web.Features.Ratings.RatingExclusion(ratingId, "申诉成立：误按", "office", app.Clock.GetUtcNow().UtcDateTime));
            return await db.SaveChangesAsync();
        });
        Assert.Equal(new Outcome(2, 1, 0, 0, 1, 1m), (await office.GetFromJsonAsync<DrawOutcome>($"/api/v1/surveys/{id}"))!.Outcome);
        Assert.Contains("满意 1 人，基本满意 0 人，不满意 0 人；满意率 100.00%（另有 1 条经申诉剔除）。",
            WebUtility.HtmlDecode(await office.GetStringAsync($"{page}/{id}")), StringComparison.Ordinal);

        // A check that does not reproduce the list says so: two calls' places swapped behind the application's back.
        var (a, b) = (about.Calls[1].Id, about.Calls[2].Id);
        await app.WithDbAsync(async db =>
        {
            var calls = db.Set<Mingcha.Web.Features.Ratings.SurveyCall>();
            await calls.Where(c => c.Id == a).ExecuteUpdateAsync(u => u.SetProperty(c => c.Order, -2));
            await calls.Where(c => c.Id == b).ExecuteUpdateAsync(u => u.SetProperty(c => c.Order, 2));
            return await calls.Where(c => c.Id == a).ExecuteUpdateAsync(u => u.SetProperty(c => c.Order, 3));
        });
        Assert.Contains("复核不一致", WebUtility.HtmlDecode(await office.GetStringAsync($"{page}/{id}?handler=Verify")), StringComparison.Ordinal);

        // The workbook, opened by a real reader (LibreOffice, as CSV): every person in order, what the call was about and what
        // was heard, the numbers masked; the note with the draw and its outcome.
        var xlsx = await office.GetAsync($"{page}/{id}?handler=Xlsx");
        Assert.Equal("phone-survey-2025Q1.xlsx", xlsx.Content.Headers.ContentDisposition!.FileNameStar);
        var csv = (await SatisfactionReportTests.XlsxToCsvAsync(await xlsx.Content.ReadAsByteArrayAsync())).Replace("\"", "", StringComparison.Ordinal)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries); // text cells quoted: compared without the quotes
        Assert.StartsWith("序号,办件编号,办理单位,窗口,工作人员,服务事项,办结时间,电话,回访时间,回访情况,评价,群众意见,补抽", csv[0], StringComparison.Ordinal);
        var sheetRow = csv.Single(l => l.Contains(",Q1P-00,", StringComparison.Ordinal));
        Assert.Contains($",{unitName},{windowName},,事项：养老保险待遇申领,2025-02-20 10:30,137****0000,", sheetRow, StringComparison.Ordinal);
        Assert.Contains(",已回访,不满意,等了一个小时", sheetRow, StringComparison.Ordinal);
        Assert.Equal(4, csv.Count(l => Regex.IsMatch(l, @"^\d+,Q1P-0\d,") || l.StartsWith("序号", StringComparison.Ordinal)));
        Assert.DoesNotContain(csv, l => Regex.IsMatch(l, @"1375555\d{4}"));
        Assert.Contains(csv, l => l.Contains("2025 年第 1 季度电话回访（SAT-3）：候选 3 人", StringComparison.Ordinal) && l.Contains("满意率 100.00%", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await office.GetAsync($"{page}/{Guid.NewGuid()}?handler=Xlsx")).StatusCode);

        // In English.
        Assert.Contains("Calling list of 2025 Q1", WebUtility.HtmlDecode(await office.GetStringAsync($"{page}/{id}?culture=en&ui-culture=en")), StringComparison.Ordinal);
        // SEC-2: a unit's liaison, even of the window's unit, gets neither the page nor the list.
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, window.UnitId);
        Assert.Equal(HttpStatusCode.Forbidden, (await liaison.GetAsync("/api/v1/surveys")).StatusCode);
        var denied = await liaison.GetAsync($"{page}/{id}");
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.Contains("/Account/Denied", denied.Headers.Location!.OriginalString, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// SAT-3: a quarter is drawn at its end. One not yet ended (or to come) is refused, 422, and nothing is stored: drawn
    /// early it would miss its last service records and, drawn once, block the draw at its end.
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-3")]
    public async Task Draw_OfAQuarterNotYetEnded_IsRefused_AndNothingIsStored()
    {
        var (system, window) = await RecordsClientAsync();
        await RecordAsync(system, window, "EARLY-01", "13633330001", app.Clock.GetUtcNow().UtcDateTime.AddDays(-1));
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        // Today is Monday 16 November 2026 (office time): the fourth quarter runs until 31 December; 2027 has not begun.
        foreach (var (year, quarter) in new[] { (2026, 4), (2027, 1), (2100, 4) })
        {
            var early = await office.PostAsJsonAsync("/api/v1/surveys", new { year, quarter, count = 1, seed = "early" });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, early.StatusCode);
            Assert.Contains("\"SAT-3\"", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.False(await app.WithDbAsync(db => db.Set<Mingcha.Web.Features.Ratings.SurveyDrawRecord>().AnyAsync(d => (d.Year == 2026 && d.Quarter == 4) || d.Year > 2026)));
        Assert.False(await app.WithDbAsync(db => db.Set<Mingcha.Web.Features.Ratings.SurveyCall>().AnyAsync(c => c.CaseNumber == "EARLY-01")));
    }

    /// <summary>
    /// SAT-3: the answer's phone rating is stored before the call is. When the call's save failed after it, the answer given
    /// again links the rating already stored for the case (one per case and channel, SAT-8) instead of a 409 for ever.
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-3")]
    [Trait("Rule", "SAT-8")]
    public async Task Answer_WhenThePhoneRatingWasStoredButNotTheCall_LinksThatRatingOnRetry()
    {
        var (system, window) = await RecordsClientAsync();
        await RecordAsync(system, window, "RETRY-01", "13644440001", new DateTime(2025, 5, 6, 2, 0, 0, DateTimeKind.Utc));
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var drawn = await office.PostAsJsonAsync("/api/v1/surveys", new { year = 2025, quarter = 2, count = 1, seed = "retry" });
        Assert.Equal(HttpStatusCode.Created, drawn.StatusCode);
        var call = (await drawn.Content.ReadFromJsonAsync<Draw>())!.Calls.Single();
        Assert.Equal("RETRY-01", call.CaseNumber);

        // The first attempt stored the phone rating, then failed to save the call: simulated by storing the rating alone.
        Guid stored = default;
        await app.WithScopeAsync(async sp => stored = (await sp.GetRequiredService<Mingcha.Web.Features.Ratings.RatingIntake>().SubmitAsync(
            new Mingcha.Web.Features.Ratings.RatingInput(call.SectionId, null, "RETRY-01", null, 2, null, null, "13644440001", null),
            Mingcha.Domain.Satisfaction.RatingChannel.Phone, null, null, default)).Rating.Id);
        Assert.Null(await app.WithDbAsync(db => db.Set<Mingcha.Web.Features.Ratings.SurveyCall>().Where(c => c.Id == call.Id).Select(c => c.RatingId).SingleAsync()));

        var retried = await office.PostAsJsonAsync($"/api/v1/survey-calls/{call.Id}/answer", new { reached = true, level = 2 });
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(stored, (await retried.Content.ReadFromJsonAsync<Call>())!.RatingId);
        Assert.Equal(1, await app.WithDbAsync(db => db.Ratings.CountAsync(r => r.CaseNumber == "RETRY-01" && r.Channel == Mingcha.Domain.Satisfaction.RatingChannel.Phone)));
        // Once linked, the answer stands.
        Assert.Equal(HttpStatusCode.Conflict, (await office.PostAsJsonAsync($"/api/v1/survey-calls/{call.Id}/answer", new { reached = true, level = 1 })).StatusCode);
    }

    [Fact]
    [Trait("Rule", "SAT-3")]
    [Trait("Rule", "SEC-4")]
    public async Task QuarterDraw_WhenDrawnWithSeed_IsReproducibleMaskedAndAnswersBecomePhoneRatings()
    {
        var window = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window).OrderBy(s => s.Code).FirstAsync());
        AccountsApi.CreateTokenResponse? token = null;
        await app.WithScopeAsync(async sp => token = await AccountsApi.CreateTokenAsync(new AccountsApi.CreateTokenRequest("system", ["service-records:write"], window.UnitId, null),
            "test", sp.GetRequiredService<Mingcha.Web.Data.MingchaDb>(), TimeProvider.System, default));
        var system = app.NewClient();
        system.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!.Token);
        // SAT-3: a quarter is drawn once it has ended: the third quarter (today is 16 November 2026).
        var inQ3 = app.Clock.GetUtcNow().UtcDateTime.AddDays(-60);
        for (var i = 0; i < 8; i++)
        {
            var r = await system.PostAsJsonAsync("/api/v1/service-records", new { caseNumber = $"SV-{i:000}", sectionId = window.Id, citizenPhone = i == 7 ? null : $"1390000{i:0000}", finishedAt = inQ3.AddDays(-i) });
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        }
        // One person's other cases (S2 draws 100 people, not cases): not candidates beside SV-000.
        foreach (var extra in new[] { "SV-900", "SV-901" })
            Assert.Equal(HttpStatusCode.Created, (await system.PostAsJsonAsync("/api/v1/service-records", new { caseNumber = extra, sectionId = window.Id, citizenPhone = "139-0000-0000", finishedAt = inQ3.AddDays(-1) })).StatusCode);

        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var created = await office.PostAsJsonAsync("/api/v1/surveys", new { year = 2026, quarter = 3, count = 3, seed = "2026Q3-office" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var draw = (await created.Content.ReadFromJsonAsync<Draw>())!;
        Assert.Equal(7, draw.InputCount); // only records with a phone number, one per phone
        Assert.Equal("sha256-rank-v1", draw.Algorithm);
        Assert.Equal(3, draw.Calls.Count);
        var expected = Mingcha.Domain.Satisfaction.SurveyDraw.Draw(Enumerable.Range(0, 7).Select(i => $"SV-{i:000}"), 3, "2026Q3-office");
        Assert.Equal(expected.Drawn, draw.Calls.Select(c => c.CaseNumber));
        Assert.All(draw.Calls, c => Assert.Matches(@"^139\*\*\*\*\d{4}$", c.Phone));
        Assert.True((await office.GetFromJsonAsync<Verify>($"/api/v1/surveys/{draw.Id}/verify"))!.Reproduced);
        Assert.Equal(HttpStatusCode.Conflict, (await office.PostAsJsonAsync("/api/v1/surveys", new { year = 2026, quarter = 3 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await office.PostAsJsonAsync("/api/v1/surveys", new { year = 2026, quarter = 5 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync(Roles.UnitLiaison, window.UnitId)).GetAsync($"/api/v1/surveys/{draw.Id}")).StatusCode);

        var listPage = await (await office.GetAsync($"/Ratings/Survey/{draw.Id}")).Content.ReadAsStringAsync();
        Assert.Contains(draw.Calls[0].Phone, listPage); // SEC-4: the calling list shows masked numbers only
        Assert.DoesNotMatch(@"1390000\d{4}", listPage);

        var first = draw.Calls[0];
        var reveal = await office.PostAsync($"/api/v1/survey-calls/{first.Id}/reveal-phone", null);
        Assert.Contains("1390000", await reveal.Content.ReadAsStringAsync());
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "personal-data.reveal" && a.EntityKey == first.Id.ToString())));

        var answered = await office.PostAsJsonAsync($"/api/v1/survey-calls/{first.Id}/answer", new { reached = true, level = 2 });
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var call = (await answered.Content.ReadFromJsonAsync<Call>())!;
        Assert.NotNull(call.RatingId);
        var rating = await app.WithDbAsync(db => db.Ratings.SingleAsync(r => r.Id == call.RatingId));
        Assert.Equal(Mingcha.Domain.Satisfaction.RatingChannel.Phone, rating.Channel);
        Assert.Equal(first.CaseNumber, rating.CaseNumber);
        Assert.Equal(HttpStatusCode.Conflict, (await office.PostAsJsonAsync($"/api/v1/survey-calls/{first.Id}/answer", new { reached = true, level = 1 })).StatusCode);
        // Not reached: recorded, and the person may be called again; once reached, the answer stands.
        var second = draw.Calls[1];
        var missed = await office.PostAsJsonAsync($"/api/v1/survey-calls/{second.Id}/answer", new { reached = false });
        Assert.Equal(HttpStatusCode.OK, missed.StatusCode);
        Assert.False((await missed.Content.ReadFromJsonAsync<Call>())!.Reached);
        app.Clock.Advance(TimeSpan.FromMinutes(20)); // called again a little later
        Assert.Equal(HttpStatusCode.OK, (await office.PostAsJsonAsync($"/api/v1/survey-calls/{second.Id}/answer", new { reached = false })).StatusCode);
        app.Clock.Advance(TimeSpan.FromMinutes(20));
        var reached = await office.PostAsJsonAsync($"/api/v1/survey-calls/{second.Id}/answer", new { reached = true, level = 1 });
        Assert.Equal(HttpStatusCode.OK, reached.StatusCode);
        var secondRating = (await reached.Content.ReadFromJsonAsync<Call>())!.RatingId;
        Assert.NotNull(secondRating);
        Assert.Equal(second.CaseNumber, await app.WithDbAsync(db => db.Ratings.Where(r => r.Id == secondRating).Select(r => r.CaseNumber).SingleAsync()));
        Assert.Equal(HttpStatusCode.Conflict, (await office.PostAsJsonAsync($"/api/v1/survey-calls/{second.Id}/answer", new { reached = false })).StatusCode);
        // Each attempt stays in the audit trail, with its time.
        Assert.Equal(3, await app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.EntityType == "SurveyCall" && a.EntityKey == second.Id.ToString() && a.Action == "update")));
    }
}
