using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Mingcha.BrowserTests.Infrastructure;
using Mingcha.BrowserTests.Pages;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.BrowserTests;

public sealed class RatingsJourneyTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    [Trait("Rule", "SAT-2")]
    public async Task ControlCentre_WhenRatingsArePosted_UpdatesLiveWithoutReload()
    {
        var (sectionId, unitId, device) = await WindowDeviceAsync(0);
        var account = await app.CreateAccountAsync(Roles.Leader);
        var page = await app.NewPageAsync();
        await new LoginPage(page).SignInAsync(account.UserName, account.Password);
        var control = new ControlCentrePage(page);
        await control.OpenAsync();
        var before = int.Parse(await control.TotalCount.TextContentAsync() ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        // Other tests of the class may have rated today already (their order is not fixed): the wall grows by one.
        var badBefore = await control.BadWall.CountAsync();
        if (badBefore == 0) await Assertions.Expect(control.BadWallEmpty).ToBeVisibleAsync();
        if (before == 0)
        {
            await Assertions.Expect(control.WindowsEmpty).ToBeVisibleAsync();
            await Assertions.Expect(control.UnitsChart).ToBeHiddenAsync(); // no empty axes before the day's first rating
        }

        foreach (var level in new[] { 1, 2, 3 })
            (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId, caseNumber = "BR-" + Guid.NewGuid().ToString("N")[..10], level })).EnsureSuccessStatusCode();

        await Assertions.Expect(control.TotalCount).ToHaveTextAsync((before + 3).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(control.BadWall).ToHaveCountAsync(badBefore + 1);
        await Assertions.Expect(control.BadWallEmpty).ToBeHiddenAsync();
        await Assertions.Expect(control.WindowsEmpty).ToBeHiddenAsync();
        await Assertions.Expect(control.WindowRow(sectionId)).ToHaveClassAsync("flagged");
        await Assertions.Expect(control.UnitsChart.Locator("canvas")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task LeadersOverview_WhenTheSatisfactionBarIsClicked_OpensThatUnitsReportForTheYear()
    {
        var (sectionId, unitId, device) = await WindowDeviceAsync(2);
        (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId, caseNumber = "OV-" + Guid.NewGuid().ToString("N")[..10], level = 1 })).EnsureSuccessStatusCode();

        var account = await app.CreateAccountAsync(Roles.Leader);
        var page = await app.NewPageAsync();
        await new LoginPage(page).SignInAsync(account.UserName, account.Password);
        await page.GotoAsync("/Scoring/Overview?year=" + DateTime.UtcNow.AddHours(8).Year.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var chart = page.Locator("#chart-satisfaction canvas");
        await Assertions.Expect(chart).ToBeVisibleAsync();
        // The first unit's bar, halfway along its length, where a leader would click it. The bars grow in over a second
        // (ECharts' animation): a click before the bar reaches that point hits nothing, and is made again. A click that hit
        // is known by the report's request leaving at once, however long the (loaded) server takes to answer it.
        var first = await page.EvaluateAsync<string>("() => JSON.parse(document.getElementById('overview-data').textContent).satisfaction[0].unitName");
        var report = new System.Text.RegularExpressions.Regex(@"/Ratings/Report\?from=\d{4}-01-01&to=\d{4}-12-31&unit=");
        for (var attempt = 1; ; attempt++)
        {
            var at = await page.EvaluateAsync<float[]>("""
                () => {
                  const el = document.getElementById('chart-satisfaction');
                  const c = echarts.getInstanceByDom(el);
                  const value = c.getOption().series[0].data[0];
                  const [x, y] = c.convertToPixel({ seriesIndex: 0 }, [value / 2, 0]);
                  const r = el.getBoundingClientRect();
                  return [r.left + x, r.top + y];
                }
                """);
            try
            {
                await page.RunAndWaitForRequestAsync(() => page.Mouse.ClickAsync(at[0], at[1]), report, new() { Timeout = 3000 });
                break;
            }
            catch (TimeoutException) when (attempt < 5) { }
        }
        await page.WaitForURLAsync(report);
        await Assertions.Expect(page.Locator("#unit-name")).ToHaveTextAsync(first);
    }

    [Fact]
    [Trait("Rule", "SAT-7")]
    public async Task FollowUps_WhenTheLiaisonOpensThemOnAPhone_ShowTheBadRatingWithItsNextStepAndDeadline()
    {
        var (sectionId, unitId, device) = await WindowDeviceAsync(1);
        var posted = await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId, level = 3, phone = "13600003333", comment = "等候太久" });
        posted.EnsureSuccessStatusCode();
        var ratingId = (await posted.Content.ReadFromJsonAsync<IdOnly>())!.Id;
        Guid followUpId = Guid.Empty;
        for (var i = 0; i < 100 && followUpId == Guid.Empty; i++)
        {
            await using var scope = app.Services.CreateAsyncScope();
            followUpId = await scope.ServiceProvider.GetRequiredService<MingchaDb>().FollowUpCases.Where(f => f.RatingId == ratingId).Select(f => f.Id).FirstOrDefaultAsync();
            if (followUpId == Guid.Empty) await Task.Delay(100);
        }
        Assert.NotEqual(Guid.Empty, followUpId);

        var account = await app.CreateAccountAsync(Roles.UnitLiaison, unitId);
        var page = await app.NewPageAsync(phone: true);
        await new LoginPage(page).SignInAsync(account.UserName, account.Password);
        var followUps = new FollowUpsPage(page);
        await followUps.OpenAsync();
        var row = followUps.Row(followUpId);
        await Assertions.Expect(row).ToContainTextAsync("136****3333"); // SEC-4: masked
        await Assertions.Expect(row).ToContainTextAsync("回访");
        await Assertions.Expect(row).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"\d{4}-\d{2}-\d{2}")); // the working-day deadline
        Assert.True(await followUps.OverflowAsync() <= 0, "the follow-up list scrolls sideways on a phone");
    }

    [Fact]
    [Trait("Rule", "SAT-4")]
    public async Task SatisfactionReport_FromTheMenuToAUnitsWindowsAndItsWorkbook_AlsoOnAPhone()
    {
        var (sectionId, unitId, device) = await WindowDeviceAsync(3, "service-records:write");
        // One case finished a minute ago (SAT-8), rated 满意; a 不满意 without a case.
        var caseNumber = "RR-" + Guid.NewGuid().ToString("N")[..10];
        var finishedAt = DateTime.UtcNow.AddMinutes(-1);
        (await device.PostAsJsonAsync("/api/v1/service-records", new { caseNumber, sectionId, finishedAt })).EnsureSuccessStatusCode();
        (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId, caseNumber, level = 1 })).EnsureSuccessStatusCode();
        (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId, caseNumber = "RR-" + Guid.NewGuid().ToString("N")[..10], level = 3 })).EnsureSuccessStatusCode();

        var account = await app.CreateAccountAsync(Roles.Leader);
        var page = await app.NewPageAsync();
        await new LoginPage(page).SignInAsync(account.UserName, account.Password);
        await page.GetByRole(AriaRole.Link, new() { Name = "满意度统计", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "本月", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#presets a[aria-current=true]")).ToHaveTextAsync("本月");
        await page.Locator($"tr[data-unit='{unitId}'] a.unit-report").ClickAsync();
        var window = page.Locator($"#sections tr[data-section='{sectionId}']");
        await Assertions.Expect(window).ToBeVisibleAsync();
        await Assertions.Expect(window.Locator("td").Nth(4)).Not.ToHaveTextAsync("0"); // the bad rating just given
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#export").ClickAsync());
        Assert.Matches(@"^satisfaction-.+\.xlsx$", download.SuggestedFilename);

        // The week's trend, day by day: drawn by ECharts, the same figures in the table under it.
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        await page.GotoAsync($"/Ratings/Report?from={today.AddDays(-6):yyyy-MM-dd}&to={today:yyyy-MM-dd}&unit={unitId}");
        await Assertions.Expect(page.Locator("#trend-chart canvas")).ToBeVisibleAsync();
        await page.Locator("#trend summary").ClickAsync();
        await Assertions.Expect(page.Locator("#trend tbody tr")).ToHaveCountAsync(7);
        await Assertions.Expect(page.Locator("#trend tbody tr").Last.Locator("td").First).ToHaveTextAsync($"{today:yyyy-MM-dd}");
        // The case's day has its cases and their 评价率 (the case just rated; other tests' cases of the unit may be there):
        // in the table, and drawn as the chart's third series, a line.
        var caseDay = page.Locator("#trend tbody tr").Filter(new() { Has = page.Locator("td", new() { HasTextString = $"{finishedAt.AddHours(8):yyyy-MM-dd}" }) });
        await Assertions.Expect(caseDay.Locator("td.rated-rate")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+\.\d\d%$"));
        Assert.Equal("评价率|line", await page.EvaluateAsync<string>(
            "() => { const s = echarts.getInstanceByDom(document.getElementById('trend-chart')).getOption().series[2]; return s.name + '|' + s.type; }"));
        // By service item: the case names none, so the last line's 办件数 opens the unit's cases naming no item, the case among them.
        await page.Locator($"#items tr[data-item='{Guid.Empty}'] a.line-cases").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/Ratings/Records\\?.*unit={unitId}&item=none"));
        await Assertions.Expect(page.Locator($"#cases tr[data-case='{caseNumber}']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#item-choice")).ToHaveValueAsync("none");

        // The all-units report on a narrow screen: the total row is a card too, its cells named.
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync("/Ratings/Report");
        await Assertions.Expect(page.Locator("#units tfoot th")).ToHaveAttributeAsync("data-label", "单位");
        await Assertions.Expect(page.Locator("#units tfoot td[data-label='评价数']")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth") <= 0, "the all-units report scrolls sideways on a phone");

        // A liaison on a phone: their unit's report, every row a card, nothing scrolling sideways.
        var liaison = await app.CreateAccountAsync(Roles.UnitLiaison, unitId);
        var phone = await app.NewPageAsync(phone: true);
        await new LoginPage(phone).SignInAsync(liaison.UserName, liaison.Password);
        await phone.GotoAsync("/Ratings/Report");
        await Assertions.Expect(phone.Locator($"#sections tr[data-section='{sectionId}'] td[data-label='不满意']")).ToBeVisibleAsync();
        Assert.True(await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth") <= 0, "the report scrolls sideways on a phone");
    }

    [Fact]
    [Trait("Rule", "SAT-1")]
    public async Task RatingsList_FromAWindowsUnsatisfiedFigureInTheReport_ShowsWhatTheRaterWrote_OnAPhone()
    {
        var (sectionId, unitId, device) = await WindowDeviceAsync(5);
        (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId, caseNumber = "RL-" + Guid.NewGuid().ToString("N")[..10], level = 1 })).EnsureSuccessStatusCode();
        (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId, caseNumber = "RL-" + Guid.NewGuid().ToString("N")[..10], level = 3, comment = "叫号后窗口无人" }))
            .EnsureSuccessStatusCode();

        // A liaison on a phone: the unit's report, the window's 不满意 figure, the rating itself with its comment.
        var liaison = await app.CreateAccountAsync(Roles.UnitLiaison, unitId);
        var phone = await app.NewPageAsync(phone: true);
        await new LoginPage(phone).SignInAsync(liaison.UserName, liaison.Password);
        await phone.GotoAsync("/Ratings/Report");
        await phone.Locator($"#sections tr[data-section='{sectionId}'] a.window-unsatisfied").ClickAsync();
        await Assertions.Expect(phone).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/Ratings/List\\?.*section={sectionId}&level=3"));
        var rows = phone.Locator("#ratings tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToContainTextAsync("叫号后窗口无人");
        await Assertions.Expect(rows.First.Locator("td[data-label='评价']")).ToHaveTextAsync("不满意");
        Assert.True(await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth") <= 0, "the ratings list scrolls sideways on a phone");

        // All the window's ratings, and the workbook of them.
        await phone.Locator("#level-choice").SelectOptionAsync("");
        await phone.Locator("#filter button[type=submit]").ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        var download = await phone.RunAndWaitForDownloadAsync(() => phone.Locator("#export").ClickAsync());
        Assert.Matches(@"^ratings-.+\.xlsx$", download.SuggestedFilename);
    }

    [Fact]
    [Trait("Rule", "SAT-8")]
    public async Task CasesPage_TheOfficeImportsCases_FindsTheUnratedOne_AndSeesItsRatingOnceGiven()
    {
        var (sectionId, _, device) = await WindowDeviceAsync(7);
        string code;
        await using (var scope = app.Services.CreateAsyncScope())
            code = await scope.ServiceProvider.GetRequiredService<MingchaDb>().Sections.Where(s => s.Id == sectionId).Select(s => s.Code).SingleAsync();
        var finished = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddMinutes(-5), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        var caseNumber = "BI-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        var dir = Directory.CreateTempSubdirectory("mingcha-cases-").FullName;
        var bad = Path.Combine(dir, "bad.csv");
        var good = Path.Combine(dir, "good.csv");
        await File.WriteAllTextAsync(bad, $"办件编号,窗口编码,办结时间\n{caseNumber},{code},\n");
        await File.WriteAllTextAsync(good, $"办件编号,窗口编码,办结时间\n{caseNumber},{code},{finished}\n");

        var office = await app.CreateAccountAsync(Roles.OfficeStaff);
        var page = await app.NewPageAsync();
        await new LoginPage(page).SignInAsync(office.UserName, office.Password);
        await page.GotoAsync("/Ratings/Records");
        // A file with a bad row: the row named, nothing stored.
        await page.Locator("#import summary").ClickAsync();
        await page.Locator("#import-file").SetInputFilesAsync(bad);
        await page.Locator("#import-form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#import-errors tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#import-errors tbody tr td").Nth(2)).ToHaveTextAsync("办结时间");
        // The corrected file: stored, and said so.
        await page.Locator("#import-file").SetInputFilesAsync(good);
        await page.Locator("#import-form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#message")).ToHaveTextAsync("已导入 1 件办件；0 件此前已导入，未改动。");
        Directory.Delete(dir, true);

        // The case among the unrated, found by its number; rated at the device, it shows its rating.
        await page.Locator("#case-choice").FillAsync(caseNumber);
        await page.Locator("#state-choice").SelectOptionAsync("Unrated");
        await page.Locator("#filter button[type=submit]").ClickAsync();
        var row = page.Locator($"#cases tr[data-case='{caseNumber}']");
        await Assertions.Expect(row.Locator(".unrated")).ToHaveTextAsync("未评价");
        (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId, caseNumber, level = 2 })).EnsureSuccessStatusCode();
        await page.Locator("#state-choice").SelectOptionAsync("Rated");
        await page.Locator("#filter button[type=submit]").ClickAsync();
        await Assertions.Expect(row.Locator(".case-rating")).ToHaveTextAsync("评价器：基本满意");
        await Assertions.Expect(page.Locator("#summary")).ToContainTextAsync("按办件编号查找（不限日期）：1 件。");
        // Without the number: the month's figures again.
        await page.Locator("#case-choice").FillAsync("");
        await page.Locator("#filter button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#rated-rate")).ToContainTextAsync("评价率");
    }

    /// <summary>
    /// SAT-3 and SEC-4 in a browser: the office draws the last ended quarter on the calling list's page, reveals one
    /// person's number with a click (the page asks the server, which logs it), records their answer, and sees it on the
    /// call's row and in the list of draws.
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-3")]
    [Trait("Rule", "SEC-4")]
    public async Task PhoneSurvey_TheOfficeDrawsTheLastQuarter_RevealsANumberOnClick_AndRecordsTheAnswer()
    {
        var (sectionId, _, system) = await WindowDeviceAsync(9, "service-records:write");
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        var (year, quarter) = Mingcha.Domain.Satisfaction.SurveyDraw.LastEnded(today);
        var finished = new DateTime(year, quarter * 3 - 1, 12, 2, 0, 0, DateTimeKind.Utc); // the quarter's middle month, 10:00 in Beijing
        var tag = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        for (var i = 0; i < 2; i++)
            (await system.PostAsJsonAsync("/api/v1/service-records", new { caseNumber = $"PS-{tag}-{i}", sectionId, citizenPhone = $"1390123456{i}", finishedAt = finished.AddDays(i) }))
                .EnsureSuccessStatusCode();

        var office = await app.CreateAccountAsync(Roles.OfficeStaff);
        var page = await app.NewPageAsync();
        await new LoginPage(page).SignInAsync(office.UserName, office.Password);
        await page.GotoAsync("/Ratings/Survey");
        await page.Locator("#draw-quarter").SelectOptionAsync($"{year}-{quarter}");
        await page.Locator("#draw-count").FillAsync("2");
        await page.Locator("#draw-seed").FillAsync("browser-" + tag);
        await page.Locator("#draw-form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#message")).ToHaveTextAsync($"已抽取 {year} 年第 {quarter} 季度的电话回访样本：2 人。");
        await Assertions.Expect(page.Locator("#draw-title")).ToHaveTextAsync($"{year} 年第 {quarter} 季度回访名单");
        var rows = page.Locator("#calls tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);

        // The number, masked until the click; the click shows it and the server logs it.
        var row = rows.First;
        var phone = row.Locator(".phone");
        await Assertions.Expect(phone).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^139\*{4}456\d$"));
        var callId = Guid.Parse((await row.GetAttributeAsync("data-call"))!);
        await row.Locator("button.reveal").ClickAsync();
        await Assertions.Expect(phone).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^1390123456\d$"));
        await Assertions.Expect(row.Locator("button.reveal")).ToHaveCountAsync(0);
        await using (var scope = app.Services.CreateAsyncScope())
            Assert.True(await scope.ServiceProvider.GetRequiredService<MingchaDb>().AuditEntries.AnyAsync(a => a.Action == "personal-data.reveal" && a.EntityKey == callId.ToString()));

        // The answer: unsatisfied, with what they said; the row and the list of draws show it.
        await row.Locator("select[name=level]").SelectOptionAsync("3");
        await row.Locator("input[name=comment]").FillAsync("材料要求前后不一");
        await row.Locator("button[name=reached][value=true]").ClickAsync();
        await Assertions.Expect(page.Locator("#message")).ToHaveTextAsync("已记录回访评价。");
        row = page.Locator($"#calls tr[data-call='{callId}']");
        await Assertions.Expect(row.Locator(".call-answer")).ToHaveTextAsync("不满意 · 材料要求前后不一");
        await Assertions.Expect(row.Locator(".call-state")).ToContainTextAsync("已回访");
        await Assertions.Expect(row.Locator("form.answer-form")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#draws tr.highlight td").Nth(5)).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("#survey-progress")).ToHaveTextAsync("已答复 1 人，目标 2 人；未接通 0 人。");
    }

    private sealed record IdOnly(Guid Id);

    /// <summary>The demo city's <paramref name="nth"/> window (in code order) and a rating device of its unit, as a client that sends its token.</summary>
    /// <summary>The <paramref name="nth"/> window of a hall and a device token of its unit (ratings:write, and <paramref name="more"/>).</summary>
    private async Task<(Guid SectionId, Guid UnitId, HttpClient Device)> WindowDeviceAsync(int nth, params string[] more)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
        var w = await db.Sections.Where(s => s.Kind == SectionKind.Window && s.ParentSectionId != null).OrderBy(s => s.Code).Skip(nth).FirstAsync();
        var token = await AccountsApi.CreateTokenAsync(new AccountsApi.CreateTokenRequest("device", ["ratings:write", .. more], w.UnitId, null), "test", db, TimeProvider.System, default);
        var device = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        device.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        return (w.Id, w.UnitId, device);
    }
}
