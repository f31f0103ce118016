using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Documents;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.IntegrationTests.Rectification;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Features.Ratings;

namespace Mingcha.IntegrationTests.Ratings;

/// <summary>
/// The satisfaction report for a period (SAT-4, SAT-7, SEC-2), on an app of its own: the counts are those of this class's
/// ratings alone. Unit A: a hall with two windows and two staff; unit B: one window.
/// </summary>
public sealed class SatisfactionReportTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private sealed record CaseFigures(int Cases, int Rated, int RatedByPublic, int WithBad, decimal? RatedRate, decimal? PublicRate);
    private sealed record Line(Guid Id, string Code, string Name, int Ratings, int Satisfied, int Basic, int Unsatisfied, int Excluded,
        decimal? Rate, decimal? Coefficient, int FollowUps, int FollowUpsClosed, int FollowUpsOverdue, int? Rank, int Depth, bool Groups, CaseFigures? Cases);
    private sealed record Report(DateOnly From, DateOnly To, Line? Unit, Line Total, List<Line> Units, List<Line> Sections, List<Line> Staff);
    private sealed record Stored(Guid Id);
    private sealed record FollowUpRow(Guid Id, Guid RatingId);
    private sealed record Setup(Guid UnitA, Guid Hall, Guid Window1, Guid Window2, Guid Staff1, Guid Staff2, Guid UnitB, Guid WindowB, Guid UnitC);

    private static readonly PerApp<Setup> Once = new();

    /// <summary>
    /// Rated on Monday 16 November 2026 (the test clock): window 1 满意 ×2 (staff 1), 基本满意 and 不满意 (staff 2); window 2
    /// 满意 and 不满意, the latter appealed and excluded; unit B's window 满意. Each bad rating opens a follow-up.
    /// </summary>
    private Task<Setup> SetupAsync() => Once.GetAsync(app, async () =>
    {
        var units = await app.WithDbAsync(db => db.Units.AsNoTracking().OrderBy(u => u.Code).Select(u => u.Id).Take(3).ToListAsync());
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var s = await app.WithDbAsync(async db =>
        {
            var hall = new Section(units[0], "rpt-hall", "报表测试大厅", SectionKind.ServiceHall, now);
            var windowB = new Section(units[1], "rpt-b1", "乙单位报表窗口", SectionKind.Window, now);
            var windowC = new Section(units[2], "rpt-c1", "丙单位报表窗口", SectionKind.Window, now);
            db.Sections.AddRange(hall, windowB, windowC);
            await db.SaveChangesAsync();
            var w1 = new Section(units[0], "rpt-w1", "报表测试 1 号窗口", SectionKind.Window, now, hall.Id);
            var w2 = new Section(units[0], "rpt-w2", "报表测试 2 号窗口", SectionKind.Window, now, hall.Id);
            db.Sections.AddRange(w1, w2);
            await db.SaveChangesAsync();
            var staff1 = new Staff(units[0], "rpt-s1", "报表甲", EmploymentType.InService, now, w1.Id);
            var staff2 = new Staff(units[0], "rpt-s2", "报表乙", EmploymentType.InService, now, w1.Id);
            var staff3 = new Staff(units[0], "rpt-s3", "报表丙", EmploymentType.InService, now, w1.Id);
            db.Staff.AddRange(staff1, staff2, staff3);
            await db.SaveChangesAsync();
            return new Setup(units[0], hall.Id, w1.Id, w2.Id, staff1.Id, staff2.Id, units[1], windowB.Id, units[2]);
        });
        // Unit C's window finished a case on Monday and nobody rated it.
        var windowC = await app.WithDbAsync(db => db.Sections.Where(x => x.Code == "rpt-c1").Select(x => x.Id).SingleAsync());
        var (systemC, _) = await app.TokenClientAsync(s.UnitC, "service-records:write");
        await (await systemC.PostAsJsonAsync("/api/v1/service-records",
            new { caseNumber = "RPC-C1", sectionId = windowC, finishedAt = new DateTime(2026, 11, 16, 1, 0, 0, DateTimeKind.Utc) })).ExpectAsync(HttpStatusCode.Created);

        var (deviceA, _) = await app.TokenClientAsync(s.UnitA, "ratings:write");
        var (deviceB, _) = await app.TokenClientAsync(s.UnitB, "ratings:write");
        // SAT-8: window 1 finished two cases on Monday morning, staff 1's and staff 3's; its first rating is of staff 1's,
        // staff 3's was not rated (staff 3 has no rating at all).
        var (systemA, _) = await app.TokenClientAsync(s.UnitA, "service-records:write");
        foreach (var (number, staff) in new[] { ("RPC-1", "rpt-s1"), ("RPC-2", "rpt-s3") })
            await (await systemA.PostAsJsonAsync("/api/v1/service-records",
                new { caseNumber = number, sectionId = s.Window1, staffCode = staff, finishedAt = new DateTime(2026, 11, 16, 1, 0, 0, DateTimeKind.Utc) })).ExpectAsync(HttpStatusCode.Created);
        await RateAsync(deviceA, s.Window1, 1, s.Staff1, "RPC-1");
        foreach (var (window, level, staff) in new (Guid, int, Guid?)[] { (s.Window1, 1, s.Staff1), (s.Window1, 2, s.Staff2), (s.Window1, 3, s.Staff2), (s.Window2, 1, null) })
            await RateAsync(deviceA, window, level, staff);
        var mistaken = await RateAsync(deviceA, s.Window2, 3, null);
        await RateAsync(deviceB, s.WindowB, 1, null);

        // SAT-7: the unit appeals the mistaken bad rating, the Office upholds it: kept, excluded, the case closed.
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, s.UnitA);
        var fu = await RatingsTests.WaitForAsync(async () => (await liaison.GetFromJsonAsync<List<FollowUpRow>>("/api/v1/follow-ups"))!.FirstOrDefault(f => f.RatingId == mistaken));
        await RatingsTests.WaitForAsync(async () => (await liaison.GetFromJsonAsync<List<FollowUpRow>>("/api/v1/follow-ups"))!.Count >= 2 ? fu : null);
        await (await liaison.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/appeal", new { reason = "评价人误按，经回访确认" })).ExpectAsync(HttpStatusCode.OK);
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        await (await office.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/appeal-decision", new { upheld = true, note = "录音证实误按" })).ExpectAsync(HttpStatusCode.OK);
        return s;
    });

    private static async Task<Guid> RateAsync(HttpClient device, Guid section, int level, Guid? staff, string? caseNumber = null)
    {
        var r = await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = section, caseNumber = caseNumber ?? "RP" + Guid.NewGuid().ToString("N")[..12], level, staffId = staff });
        return (await r.ReadAsync<Stored>(HttpStatusCode.Created)).Id;
    }

    [Fact]
    [Trait("Rule", "SAT-4")]
    public async Task Report_ForAUnit_CountsItsWindowsAndStaff_TheHallWithItsWindows()
    {
        var s = await SetupAsync();
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var r = await office.GetAsync<Report>($"/api/v1/satisfaction/report?from=2026-11-01&to=2026-11-30&unitId={s.UnitA}");

        // Window 1: 满意 100, 100, 基本满意 60, 不满意 0 → 260 / 400.
        var w1 = r.Sections.Single(l => l.Id == s.Window1);
        Assert.Equal((4, 2, 1, 1, 0), (w1.Ratings, w1.Satisfied, w1.Basic, w1.Unsatisfied, w1.Excluded));
        Assert.Equal(0.75m, w1.Rate);
        Assert.Equal(0.65m, w1.Coefficient);
        Assert.Equal((1, 0), (w1.FollowUps, w1.FollowUpsClosed));
        // Window 2: the excluded bad rating is kept and counted apart (SAT-7), never in the rate.
        var w2 = r.Sections.Single(l => l.Id == s.Window2);
        Assert.Equal((1, 1, 0, 1), (w2.Ratings, w2.Satisfied, w2.Unsatisfied, w2.Excluded));
        Assert.Equal(1m, w2.Coefficient);
        Assert.Equal((1, 1), (w2.FollowUps, w2.FollowUpsClosed));
        // The hall sums its windows and lists them right after it, one level in.
        var hallAt = r.Sections.FindIndex(l => l.Id == s.Hall);
        var hall = r.Sections[hallAt];
        Assert.True(hall.Groups);
        Assert.Equal((5, 1, 2), (hall.Ratings, hall.Excluded, hall.FollowUps));
        Assert.Equal(0.72m, hall.Coefficient); // (260 + 100) / 500
        Assert.Equal((2, 1), (hall.Cases!.Cases, hall.Cases.Rated)); // window 1's two cases
        Assert.Equal([s.Window1, s.Window2], r.Sections.Skip(hallAt + 1).Take(2).Select(l => l.Id));
        Assert.All(r.Sections.Skip(hallAt + 1).Take(2), l => Assert.Equal(1, l.Depth));
        // The unit is the same as the API's SAT-4 coefficient for it.
        Assert.Equal(0.72m, r.Unit!.Coefficient);
        var sat4 = await office.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/satisfaction/units/{s.UnitA}?from=2026-11-01&to=2026-11-30&includeChildren=false");
        Assert.Equal(r.Unit.Coefficient, sat4.GetProperty("coefficient").GetDecimal());
        // Staff: the one with the bad rating first.
        // Staff 3, named by a case and by no rating, is listed after them with no figures of ratings.
        var staff3 = await app.WithDbAsync(db => db.Staff.Where(x => x.Code == "rpt-s3").Select(x => x.Id).SingleAsync());
        Assert.Equal([s.Staff2, s.Staff1, staff3], r.Staff.Select(l => l.Id));
        Assert.Equal((2, 1, 0.3m), (r.Staff[0].Ratings, r.Staff[0].Unsatisfied, r.Staff[0].Coefficient));
        // SAT-8: each staff member's cases: staff 1's rated, staff 3's not, staff 2 named by no case.
        Assert.Equal(new (int, decimal?)[] { (0, null), (1, 1m), (1, 0m) }, r.Staff.Select(l => (l.Cases!.Cases, l.Cases.RatedRate)));
        Assert.Equal((0, null), (r.Staff[2].Ratings, r.Staff[2].Coefficient));
    }

    [Fact]
    [Trait("Rule", "SAT-4")]
    public async Task Report_ForAllUnits_RanksThemByCoefficient_AndAPeriodWithoutRatingsIsEmpty()
    {
        var s = await SetupAsync();
        var leader = await app.ClientAsAsync(Roles.Leader);
        var r = await leader.GetAsync<Report>("/api/v1/satisfaction/report?from=2026-11-16&to=2026-11-16");
        // Unit C, with a case and no rating, is listed after the ranked ones, unranked (SAT-8: its 评价率 is 0%).
        Assert.Equal([s.UnitB, s.UnitA, s.UnitC], r.Units.Select(l => l.Id));
        Assert.Equal(new int?[] { 1, 2, null }, r.Units.Select(l => l.Rank));
        Assert.Equal(0, r.Units[2].Ratings);
        Assert.Equal((6, 1), (r.Total.Ratings, r.Total.Excluded));

        // The leaders' overview shows the year's figures of the same report, each unit leading to its report for the year.
        var overview = await leader.GetAsync<System.Text.Json.JsonElement>("/api/v1/scoring/overview/2026");
        var a = overview.GetProperty("satisfaction").EnumerateArray().Single(u => u.GetProperty("unitId").GetGuid() == s.UnitA);
        Assert.Equal((5, 0.72m), (a.GetProperty("counted").GetInt32(), a.GetProperty("rate").GetDecimal()));
        Assert.Equal($"/Ratings/Report?from=2026-01-01&to=2026-12-31&unit={s.UnitA}", a.GetProperty("link").GetString());
        // With its cases' 评价率 (two cases, one rated); unit B's ratings came without cases (none); unit C, with a case
        // and no rating, is not among the rates.
        Assert.Equal(0.5m, a.GetProperty("ratedRate").GetDecimal());
        var b = overview.GetProperty("satisfaction").EnumerateArray().Single(u => u.GetProperty("unitId").GetGuid() == s.UnitB);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, b.GetProperty("ratedRate").ValueKind);
        Assert.DoesNotContain(overview.GetProperty("satisfaction").EnumerateArray(), u => u.GetProperty("unitId").GetGuid() == s.UnitC);
        var overviewPage = System.Net.WebUtility.HtmlDecode(await leader.GetStringAsync("/Scoring/Overview?year=2026"));
        Assert.Matches($"<li><a href=\"/Ratings/Report\\?from=2026-01-01&to=2026-12-31&unit={s.UnitA}\">[^<]+</a> 72(.00)?% \\(5\\) · <span class=\"rated-rate\">评价率 50(.00)?%</span></li>", overviewPage);

        var before = await leader.GetAsync<Report>("/api/v1/satisfaction/report?from=2026-10-01&to=2026-10-31");
        Assert.Empty(before.Units);
        Assert.Equal(0, before.Total.Ratings);
        Assert.Null(before.Total.Rate);
        Assert.Contains("这一期间没有评价。", await leader.GetStringAsync("/Ratings/Report?from=2026-10-01&to=2026-10-31"), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "SAT-4")]
    public async Task ReportPage_ShowsTheFigures_AndItsWorkbookOpensInLibreOfficeWithNumbers()
    {
        var s = await SetupAsync();
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var page = await office.GetStringAsync("/Ratings/Report");
        Assert.Contains("value=\"2026-11-01\"", page, StringComparison.Ordinal); // this month by default
        var row = Regex.Match(page, $"<tr data-unit=\"{s.UnitA}\">(.*?)</tr>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains(">80.00%<", row, StringComparison.Ordinal); // (3 满意 + 1 基本满意) ÷ 5
        Assert.Contains(">0.7200<", row, StringComparison.Ordinal);
        // SAT-8: its cases (two, one rated: 50.00% on any channel and by the public), opening them in 办件与评价.
        Assert.Matches("<td class=\"cases\"><a href=\"[^\"]+\" class=\"line-cases\">2</a></td>\\s*<td class=\"rated-rate\">50.00%</td><td class=\"public-rate\">50.00%</td>", row);
        Assert.Equal($"/Ratings/Records?from=2026-11-01&to=2026-11-16&unit={s.UnitA}",
            System.Net.WebUtility.HtmlDecode(Regex.Match(row, "href=\"([^\"]+)\" class=\"line-cases\"").Groups[1].Value));
        // The period's total: A's two cases and C's one, one of them rated.
        Assert.Contains("<strong id=\"total-rated-rate\">33.33%</strong>", page, StringComparison.Ordinal);
        // The trend, day by day, has them on the 16th, the day they were finished; a day without cases has no rate.
        Assert.Matches("<tr><td>2026-11-16</td>(<td>[^<]*</td>){4}\\s*<td class=\"cases\">3</td>\\s*<td class=\"rated-rate\">33.33%</td><td class=\"public-rate\">33.33%</td>\\s*</tr>", page);
        Assert.Matches("<tr><td>2026-11-15</td>(<td>[^<]*</td>){4}\\s*<td class=\"cases\">0</td>\\s*<td class=\"rated-rate\">—</td>", page);
        // Unit C's row: its one case, a 评价率 of 0% marked.
        var rowC = Regex.Match(page, $"<tr data-unit=\"{s.UnitC}\">(.*?)</tr>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("class=\"line-cases\">1</a>", rowC, StringComparison.Ordinal);
        Assert.Contains("<td class=\"rated-rate overdue\">0.00%</td>", rowC, StringComparison.Ordinal);
        // Unit B's window rated a case the Office never received: no cases, no rate (not 0%).
        var rowB = Regex.Match(page, $"<tr data-unit=\"{s.UnitB}\">(.*?)</tr>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("<td class=\"cases\">0</td>", rowB, StringComparison.Ordinal);
        Assert.Contains("<td class=\"public-rate\">—</td>", rowB, StringComparison.Ordinal);

        // Any unit may be picked, one nobody rated included; it lists its windows, each unrated.
        Assert.Contains($"<option value=\"{s.UnitA}\">", page, StringComparison.Ordinal);
        var quiet = await app.WithDbAsync(db => db.Sections.Where(x => x.Kind == SectionKind.Window && x.Active && x.UnitId != s.UnitA && x.UnitId != s.UnitB)
            .Select(x => new { x.Id, x.UnitId }).FirstAsync());
        var quietPage = await office.GetStringAsync($"/Ratings/Report?unit={quiet.UnitId}");
        Assert.Contains($"<option value=\"{quiet.UnitId}\" selected=\"selected\">", quietPage, StringComparison.Ordinal);
        Assert.Contains($"<tr data-section=\"{quiet.Id}\" class=\"muted\">", quietPage, StringComparison.Ordinal);

        var unitPage = await office.GetStringAsync($"/Ratings/Report?from=2026-11-01&to=2026-11-30&unit={s.UnitA}");
        Assert.Contains("报表测试 1 号窗口", unitPage, StringComparison.Ordinal);
        Assert.Contains("报表乙", unitPage, StringComparison.Ordinal);
        // A window's figures open its ratings one by one (评价明细): all four, or its one 不满意.
        var windowRatings = System.Net.WebUtility.HtmlDecode(Regex.Match(unitPage, $"<tr data-section=\"{s.Window1}\".*?href=\"([^\"]+)\" class=\"window-ratings\"", RegexOptions.Singleline).Groups[1].Value);
        Assert.Equal($"/Ratings/List?from=2026-11-01&to=2026-11-30&unit={s.UnitA}&section={s.Window1}", windowRatings);
        Assert.Equal(4, Regex.Count(await office.GetStringAsync(windowRatings), "<tr data-rating=\""));
        var windowBad = System.Net.WebUtility.HtmlDecode(Regex.Match(unitPage, $"<tr data-section=\"{s.Window1}\".*?href=\"([^\"]+)\" class=\"window-unsatisfied\"", RegexOptions.Singleline).Groups[1].Value);
        Assert.Equal(1, Regex.Count(await office.GetStringAsync(windowBad), "<tr data-rating=\""));
        // The window's two cases open in 办件与评价 (the window's own), one of them rated.
        var windowCases = System.Net.WebUtility.HtmlDecode(Regex.Match(unitPage, $"<tr data-section=\"{s.Window1}\".*?href=\"([^\"]+)\" class=\"line-cases\"", RegexOptions.Singleline).Groups[1].Value);
        Assert.Equal($"/Ratings/Records?from=2026-11-01&to=2026-11-30&unit={s.UnitA}&section={s.Window1}", windowCases);
        var casesPage = await office.GetStringAsync(windowCases);
        Assert.Contains("RPC-1", casesPage, StringComparison.Ordinal);
        Assert.Contains("RPC-2", casesPage, StringComparison.Ordinal);
        // Staff 3's one case (from their line) opens in 办件与评价 as theirs alone: not rated, its 评价率 0%; the list
        // without them has the window's two.
        var staff3 = await app.WithDbAsync(db => db.Staff.Where(x => x.Code == "rpt-s3").Select(x => x.Id).SingleAsync());
        var staffCases = System.Net.WebUtility.HtmlDecode(Regex.Match(unitPage, $"<tr data-staff=\"{staff3}\".*?href=\"([^\"]+)\" class=\"line-cases\"", RegexOptions.Singleline).Groups[1].Value);
        Assert.Equal($"/Ratings/Records?from=2026-11-01&to=2026-11-30&unit={s.UnitA}&staff={staff3}", staffCases);
        var staffPage = await office.GetStringAsync(staffCases);
        Assert.Contains("经办人：报表丙", staffPage, StringComparison.Ordinal);
        Assert.Contains("RPC-2", staffPage, StringComparison.Ordinal);
        Assert.DoesNotContain("RPC-1", staffPage, StringComparison.Ordinal);
        Assert.Contains("<strong id=\"cases-count\">1</strong>", staffPage, StringComparison.Ordinal);
        Assert.Contains("评价率 0.00%", staffPage, StringComparison.Ordinal);
        var allStaff = System.Net.WebUtility.HtmlDecode(Regex.Match(staffPage, "href=\"([^\"]+)\" id=\"all-staff\"").Groups[1].Value);
        Assert.DoesNotContain("staff=", allStaff, StringComparison.Ordinal);
        Assert.Contains("RPC-1", await office.GetStringAsync(allStaff), StringComparison.Ordinal);
        // The unit's cases with their ratings (办件与评价) for the same period.
        Assert.Equal($"/Ratings/Records?from=2026-11-01&to=2026-11-30&unit={s.UnitA}",
            System.Net.WebUtility.HtmlDecode(Regex.Match(unitPage, "href=\"([^\"]+)\" id=\"records-link\"").Groups[1].Value));
        // The hall's row sums its windows: its figures do not link (the hall's own ratings would be none of them).
        var hallRow = Regex.Match(unitPage, $"<tr data-section=\"{s.Hall}\"[^>]*>(.*?)</tr>", RegexOptions.Singleline);
        Assert.True(hallRow.Success);
        Assert.DoesNotContain("window-ratings", hallRow.Groups[1].Value, StringComparison.Ordinal);
        var export = Regex.Match(unitPage, "href=\"([^\"]+)\" id=\"export\"").Groups[1].Value;
        Assert.Contains("handler=Xlsx", export, StringComparison.Ordinal);
        var response = await office.GetAsync(System.Net.WebUtility.HtmlDecode(export));
        await response.ExpectAsync(HttpStatusCode.OK);
        var xlsx = await response.Content.ReadAsByteArrayAsync();

        // Counts are numbers (Excel sums them), the rate a percentage.
        using (var doc = SpreadsheetDocument.Open(new MemoryStream(xlsx), false))
        {
            var sheet = doc.WorkbookPart!.WorksheetParts.First().Worksheet;
            var w1 = sheet.Descendants<Row>().First(r => r.InnerText.Contains("报表测试 1 号窗口", StringComparison.Ordinal));
            var cells = w1.Elements<Cell>().ToList();
            Assert.Null(cells[2].DataType); // a number, not text
            Assert.Equal("4", cells[2].CellValue!.Text);
            // The staff sheet: staff 3's one case, none rated (办件数 then 评价率 as a number formatted as a percentage).
            var staffSheet = doc.WorkbookPart.Workbook.Descendants<Sheet>().Single(x => x.Name == "工作人员");
            var staffRows = ((WorksheetPart)doc.WorkbookPart.GetPartById(staffSheet.Id!)).Worksheet.Descendants<Row>().ToList();
            static string Column(Cell c) => new(c.CellReference!.Value!.TakeWhile(char.IsLetter).ToArray());
            var header = staffRows[0].Elements<Cell>().ToDictionary(c => c.InnerText, Column);
            var third = staffRows.Single(r => r.InnerText.Contains("报表丙", StringComparison.Ordinal)).Elements<Cell>().ToDictionary(Column);
            Assert.Equal("1", third[header["办件数"]].CellValue!.Text);
            Assert.Equal("0", third[header["评价率"]].CellValue!.Text);
            // The trend's sheet: the unit's two cases on the 16th, one rated.
            var trendSheet = doc.WorkbookPart.Workbook.Descendants<Sheet>().Single(x => x.Name == "趋势");
            var trendRows = ((WorksheetPart)doc.WorkbookPart.GetPartById(trendSheet.Id!)).Worksheet.Descendants<Row>().ToList();
            var trendHeader = trendRows[0].Elements<Cell>().ToDictionary(c => c.InnerText, Column);
            var sixteenth = trendRows.Single(r => r.InnerText.Contains("2026-11-16", StringComparison.Ordinal)).Elements<Cell>().ToDictionary(Column);
            Assert.Equal(("2", "0.5"), (sixteenth[trendHeader["办件数"]].CellValue!.Text, sixteenth[trendHeader["评价率"]].CellValue!.Text));
        }
        // A real reader opens it: LibreOffice Calc's CSV of the first sheet shows the window's line as a person reads it.
        var csv = await XlsxToCsvAsync(xlsx);
        Assert.Contains("报表测试 1 号窗口\",4,2,1,1,75.00%,0.6500,0,1,0,0,2,50.00%,50.00%", csv, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "SAT-4")]
    public async Task Circular_IssuedByTheOffice_IsAnOfficialDocumentOfTheRankingThatTheRankedUnitsRead()
    {
        var s = await SetupAsync();
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var liaisonB = await app.ClientAsAsync(Roles.UnitLiaison, s.UnitB);
        const string path = "/api/v1/satisfaction/report/document?from=2026-11-01&to=2026-11-30";
        Assert.Equal(HttpStatusCode.Forbidden, (await liaisonB.PostAsJsonAsync(path, new { })).StatusCode);
        var empty = await office.PostAsJsonAsync("/api/v1/satisfaction/report/document?from=2026-10-01&to=2026-10-31", new { });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("\"from\"", await empty.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.Kind == "satisfaction.circular")));

        var issued = await (await office.PostAsJsonAsync(path, new { note = "请各单位于12月10日前报送差评整改情况。" })).ReadAsync<System.Text.Json.JsonElement>(HttpStatusCode.Created);
        Assert.Equal("关于2026年11月政务服务满意度评价情况的通报", issued.GetProperty("title").GetString());
        var id = issued.GetProperty("id").GetGuid();
        var docx = await (await office.GetAsync($"/api/v1/documents/{id}/docx")).Content.ReadAsByteArrayAsync();
        using (var word = DocumentFormat.OpenXml.Packaging.WordprocessingDocument.Open(new MemoryStream(docx), false))
        {
            var table = word.MainDocumentPart!.Document.Body!.Descendants<DocumentFormat.OpenXml.Wordprocessing.TableRow>().Select(r => r.InnerText).ToList();
            var unitNames = await app.WithDbAsync(db => db.Units.Where(u => u.Id == s.UnitA || u.Id == s.UnitB).ToDictionaryAsync(u => u.Id, u => u.Name));
            Assert.Contains(table, r => r.StartsWith("1" + unitNames[s.UnitB], StringComparison.Ordinal));
            Assert.Contains(table, r => r.StartsWith("2" + unitNames[s.UnitA], StringComparison.Ordinal) && r.EndsWith("0.7200—", StringComparison.Ordinal)); // not ranked in October
            // The unit's name gets room; the rank little (the columns follow their texts, as in the PDF).
            var columns = word.MainDocumentPart.Document.Body.Descendants<DocumentFormat.OpenXml.Wordprocessing.GridColumn>()
                .Select(c => int.Parse(c.Width!.Value!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.True(columns[1] > 2 * columns[0], $"unit {columns[1]} twips, rank {columns[0]}");
        }
        // A real reader opens it and reads the figures and the Office's requirements.
        var text = DocumentKit.Squeeze(await DocumentKit.PdfToTextAsync(await DocumentKit.SofficeToPdfAsync(docx)));
        Assert.Contains("2个单位共收到服务评价6条，其中满意4条、基本满意1条、不满意1条，满意率83.33%", text, StringComparison.Ordinal);
        Assert.Contains("0.7667。另有1条评价经申诉审核认定为误评或恶意评价", text, StringComparison.Ordinal); // the page's number may fall in between
        Assert.Contains("共开启差评回访整改2件，已办结1件，无逾期未办。", text, StringComparison.Ordinal);
        // SAT-8: the month's cases (A's two, one rated, and C's one) and the unit with cases and no rating named; C is not ranked.
        Assert.Contains("期间办结办件3件，评价率33.33%，其中主动评价率33.33%。", text, StringComparison.Ordinal);
        var nameC = await app.WithDbAsync(db => db.Units.Where(u => u.Id == s.UnitC).Select(u => u.Name).SingleAsync());
        Assert.Contains($"{nameC}（办件1件）有办件而无一评价", text, StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.Kind == "satisfaction.circular" && n.UnitId == s.UnitC)));
        Assert.Contains("请各单位于12月10日前报送差评整改情况。", text, StringComparison.Ordinal);
        // The ranked units are its addressees: B's liaison reads it, and the home page tells them their place.
        Assert.Equal(HttpStatusCode.OK, (await liaisonB.GetAsync($"/api/v1/documents/{id}")).StatusCode);
        var home = await liaisonB.GetStringAsync("/");
        Assert.Contains("满意度通报（2026年11月）：本单位排名第 1（共 2 个），满意率系数 1.0000。", home, StringComparison.Ordinal);
        Assert.DoesNotContain("Satisfaction circular", home, StringComparison.Ordinal);
        Assert.Contains("Satisfaction circular of 2026-11-01 to 2026-11-30: your unit ranks 1 of 2, satisfaction coefficient 1.0000.",
            await liaisonB.GetStringAsync("/?culture=en&ui-culture=en"), StringComparison.Ordinal);

        // The page: the Office issues from the report; the message names the number.
        var page = await office.GetStringAsync("/Ratings/Report?from=2026-11-01&to=2026-11-30");
        Assert.Contains("id=\"issue\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"issue\"", await liaisonB.GetStringAsync("/Ratings/Report"), StringComparison.Ordinal);
    }

    [Theory]
    [Trait("Rule", "SAT-4")]
    [InlineData("2026-11-01", "2026-11-30", "2026年11月")]
    [InlineData("2026-10-01", "2026-12-31", "2026年第四季度")]
    [InlineData("2026-01-01", "2026-12-31", "2026年度")]
    [InlineData("2026-11-02", "2026-11-15", "2026年11月2日至2026年11月15日")]
    [InlineData("2026-11-01", "2026-12-31", "2026年11月1日至2026年12月31日")]
    public void Circular_NamesItsPeriodAsTheOfficeWould(string from, string to, string name) =>
        Assert.Equal(name, Mingcha.Web.Features.Ratings.SatisfactionCirculars.PeriodName(DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    [Trait("Rule", "SEC-2")]
    public async Task Liaison_SeesOwnUnitOnly_AnotherUnitsReportIsNotThere()
    {
        var s = await SetupAsync();
        var liaisonB = await app.ClientAsAsync(Roles.UnitLiaison, s.UnitB);
        var own = await liaisonB.GetAsync<Report>("/api/v1/satisfaction/report?from=2026-11-01&to=2026-11-30");
        Assert.Equal(s.UnitB, own.Unit!.Id);
        Assert.Empty(own.Units);
        Assert.DoesNotContain(own.Sections, l => l.Id == s.Window1 || l.Id == s.Hall);
        Assert.DoesNotContain(own.Staff, l => l.Id == s.Staff1 || l.Id == s.Staff2);

        Assert.Equal(HttpStatusCode.NotFound, (await liaisonB.GetAsync($"/api/v1/satisfaction/report?from=2026-11-01&to=2026-11-30&unitId={s.UnitA}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await liaisonB.GetAsync($"/Ratings/Report?unit={s.UnitA}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await liaisonB.GetAsync($"/Ratings/Report?unit={s.UnitA}&handler=Xlsx")).StatusCode);
        // Another unit's staff member's cases are not there either (page and workbook), nor in the API's list.
        Assert.Equal(HttpStatusCode.NotFound, (await liaisonB.GetAsync($"/Ratings/Records?staff={s.Staff1}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await liaisonB.GetAsync($"/Ratings/Records?staff={s.Staff1}&handler=Xlsx")).StatusCode);
        var apiCases = await liaisonB.GetAsync<System.Text.Json.JsonElement>($"/api/v1/service-records?from=2026-11-01&to=2026-11-30&staffId={s.Staff1}");
        Assert.Equal(0, apiCases.GetProperty("total").GetInt32());
        var page = await liaisonB.GetStringAsync("/Ratings/Report");
        Assert.Contains("乙单位报表窗口", page, StringComparison.Ordinal);
        Assert.DoesNotContain("报表测试", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"all-units\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"unit-choice\"", page, StringComparison.Ordinal);
    }

    [Theory]
    [Trait("Rule", "SAT-4")]
    [InlineData("from=2026-11-30&to=2026-11-01", "to")]
    [InlineData("from=2024-01-01&to=2026-11-30", "to")]
    [InlineData("from=0001-01-01&to=0001-01-01", "from")]
    public async Task Report_WithABadPeriod_IsRefusedAndNamesTheField(string query, string field)
    {
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var api = await office.GetAsync("/api/v1/satisfaction/report?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        Assert.Contains($"\"{field}\"", await api.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var page = await office.GetAsync("/Ratings/Report?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains("role=\"alert\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "SAT-7")]
    public async Task Report_CountsAFollowUpPastItsStepDeadlineAsOverdue()
    {
        var s = await SetupAsync();
        var path = $"/api/v1/satisfaction/report?from=2026-11-01&to=2026-11-30&unitId={s.UnitA}";
        Assert.Equal(0, (await (await app.ClientAsAsync(Roles.OfficeStaff)).GetAsync<Report>(path)).Unit!.FollowUpsOverdue);
        // The call back is due the next working day (Tuesday 17th); on Wednesday the open case is overdue, the closed one not.
        var before = app.Clock.GetUtcNow();
        try
        {
            app.Clock.Advance(TimeSpan.FromDays(2));
            var r = await (await app.ClientAsAsync(Roles.OfficeStaff)).GetAsync<Report>(path); // signed in again: two days end a session
            Assert.Equal(1, r.Sections.Single(l => l.Id == s.Window1).FollowUpsOverdue);
            Assert.Equal(0, r.Sections.Single(l => l.Id == s.Window2).FollowUpsOverdue);
            Assert.Equal(1, r.Unit!.FollowUpsOverdue);
        }
        finally
        {
            app.Clock.Set(before);
        }
    }

    /// <summary>
    /// SAT-8 by service item: a window offering two items finishes four cases on Monday (甲: one rated 满意, one 不满意; 乙:
    /// one rated 满意, one not) and its device rates once without a case (基本满意). The devices name no item: each rating
    /// counts under its case's. 甲 (the unsatisfied) comes first, then 乙, the ratings without a case last. On Tuesday
    /// Monday is counted (decision 043) and reads the same; a case pushed late gives its Monday rating its item at once.
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-8")]
    public async Task UnitReport_ByServiceItem_CountsEachRatingUnderItsCasesItem_TheMostUnsatisfiedFirst()
    {
        await using var own = new MingchaApp();
        var (unit, window, itemA, itemB, system, device, nine) = await SeedItemsAsync(own);
        await RateAsync(device, window, 1, null, "ITM-6"); // its case is pushed on Tuesday

        var office = await own.ClientAsAsync(Roles.OfficeStaff);
        var r = await office.GetAsync<ItemReport>($"/api/v1/satisfaction/report?from=2026-11-16&to=2026-11-16&unitId={unit}");
        Assert.Equal([itemA, itemB, Guid.Empty], r.Items.Select(l => l.Id));
        Assert.Equal(("事项甲：社保关系转移", 2, 1, 1, 2, 1m), (r.Items[0].Name, r.Items[0].Ratings, r.Items[0].Satisfied, r.Items[0].Unsatisfied, r.Items[0].Cases.Cases, r.Items[0].Cases.RatedRate!.Value));
        Assert.Equal(("事项乙：失业登记", 1, 0, 2, 0.5m), (r.Items[1].Name, r.Items[1].Ratings, r.Items[1].Unsatisfied, r.Items[1].Cases.Cases, r.Items[1].Cases.RatedRate!.Value));
        Assert.Equal(("未注明事项", 2, 1, 0), (r.Items[2].Name, r.Items[2].Ratings, r.Items[2].Basic, r.Items[2].Cases.Cases));
        // The items' ratings are the unit's: nothing counted twice, nothing left out.
        Assert.Equal(r.Unit!.Ratings, r.Items.Sum(l => l.Ratings));
        // All units' report has no items.
        Assert.Empty((await office.GetAsync<ItemReport>("/api/v1/satisfaction/report?from=2026-11-16&to=2026-11-16")).Items);

        // The page: the table in that order; in English the line without an item is named so.
        var page = WebUtility.HtmlDecode(await office.GetStringAsync($"/Ratings/Report?from=2026-11-16&to=2026-11-16&unit={unit}"));
        var table = Regex.Match(page, "<table class=\"table\" id=\"items\">(.*?)</table>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Equal([itemA.ToString(), itemB.ToString(), Guid.Empty.ToString()], Regex.Matches(table, "data-item=\"([^\"]+)\"").Select(m => m.Groups[1].Value));
        var lineA = Regex.Match(table, $"<tr data-item=\"{itemA}\">.*?</tr>", RegexOptions.Singleline).Value;
        Assert.Equal(["事项甲：社保关系转移", "2", "1", "0", "1", "50.00%"], Regex.Matches(lineA, "<td[^>]*>(.*?)</td>", RegexOptions.Singleline)
            .Select(m => Regex.Replace(m.Groups[1].Value, "<[^>]+>", "").Trim()).Take(6));
        Assert.Contains("<td class=\"rated-rate\">50.00%</td>", Regex.Match(table, $"<tr data-item=\"{itemB}\">.*?</tr>", RegexOptions.Singleline).Value, StringComparison.Ordinal);
        var english = WebUtility.HtmlDecode(await office.GetStringAsync($"/Ratings/Report?from=2026-11-16&to=2026-11-16&unit={unit}&culture=en&ui-culture=en"));
        Assert.Contains($"<tr data-item=\"{Guid.Empty}\"><td>No service item named</td>", english, StringComparison.Ordinal);

        // The workbook's sheet of items, its counts numbers.
        var xlsx = await (await office.GetAsync($"/Ratings/Report?from=2026-11-16&to=2026-11-16&unit={unit}&handler=Xlsx")).Content.ReadAsByteArrayAsync();
        using (var doc = SpreadsheetDocument.Open(new MemoryStream(xlsx), false))
        {
            var sheet = doc.WorkbookPart!.Workbook.Descendants<Sheet>().Single(x => x.Name == "办事事项");
            var rows = ((WorksheetPart)doc.WorkbookPart.GetPartById(sheet.Id!)).Worksheet.Descendants<Row>().ToList();
            var first = rows[1].Elements<Cell>().ToList();
            Assert.Equal(("itm-a", "2"), (first[0].InnerText, first[2].CellValue!.Text));
            Assert.Null(first[2].DataType); // a number
            Assert.Contains(rows, x => x.InnerText.Contains("未注明事项", StringComparison.Ordinal));
        }

        // Tuesday: Monday is counted by item too, and reads the same from the counted rows.
        own.Clock.Set(new DateTimeOffset(2026, 11, 17, 10, 0, 0, TimeSpan.FromHours(8)));
        office = await own.ClientAsAsync(Roles.OfficeStaff);
        await own.WithScopeResultAsync(sp => sp.GetRequiredService<RatingDayCounts>().RefreshAsync(CancellationToken.None));
        var monday = new DateOnly(2026, 11, 16);
        Assert.Equal(5, await own.WithDbAsync(db => db.Set<ItemDayCount>().Where(c => c.Day == monday && c.UnitId == unit).SumAsync(c => c.Count)));
        Assert.Equal(4, await own.WithDbAsync(db => db.Set<ItemCaseDayCount>().Where(c => c.Day == monday && c.UnitId == unit).SumAsync(c => c.Cases)));
        async Task<List<(Guid, int, int)>> ItemsAsync() => (await office.GetAsync<ItemReport>($"/api/v1/satisfaction/report?from=2026-11-16&to=2026-11-16&unitId={unit}"))
            .Items.Select(l => (l.Id, l.Ratings, l.Cases.Cases)).ToList();
        Assert.Equal([(itemA, 2, 2), (itemB, 1, 2), (Guid.Empty, 2, 0)], await ItemsAsync());
        // ITM-6's case (甲, finished on the Friday before) is pushed late: its Monday rating is 甲's at once, before any
        // counting, and after the next; the case counts on its Friday.
        await (await system.PostAsJsonAsync("/api/v1/service-records", new { caseNumber = "ITM-6", sectionId = window, serviceItemId = itemA, finishedAt = nine.AddDays(-3) }))
            .ExpectAsync(HttpStatusCode.Created);
        List<(Guid, int, int)> late = [(itemA, 3, 2), (itemB, 1, 2), (Guid.Empty, 1, 0)];
        Assert.Equal(late, await ItemsAsync());
        // The next counting recounts the case's Friday and the rating's Monday.
        Assert.StartsWith("counted 2 day(s)", await own.WithScopeResultAsync(sp => sp.GetRequiredService<RatingDayCounts>().RefreshAsync(CancellationToken.None)));
        Assert.Equal(late, await ItemsAsync());
    }

    private sealed record ItemSetup(Guid Unit, Guid Window, Guid ItemA, Guid ItemB, HttpClient System, HttpClient Device, DateTime Nine);

    /// <summary>
    /// On Monday a window offering two items finishes four cases: 甲 ITM-1 (满意) and ITM-2 (不满意), 乙 ITM-3 (unrated) and
    /// ITM-4 (满意); its device rates once more without a case (基本满意).
    /// </summary>
    private static async Task<ItemSetup> SeedItemsAsync(MingchaApp own)
    {
        var unit = await own.WithDbAsync(db => db.Units.AsNoTracking().OrderBy(u => u.Code).Select(u => u.Id).FirstAsync());
        var (window, itemA, itemB) = await own.WithDbAsync(async db =>
        {
            var now = own.Clock.GetUtcNow().UtcDateTime;
            var w = new Section(unit, "itm-w1", "事项测试窗口", SectionKind.Window, now);
            var a = new ServiceItem("itm-a", "事项甲：社保关系转移", unit, 20, 10);
            var b = new ServiceItem("itm-b", "事项乙：失业登记", unit, 20, 5);
            db.Sections.Add(w);
            db.ServiceItems.AddRange(a, b);
            await db.SaveChangesAsync();
            db.SectionServiceItems.AddRange(new SectionServiceItem(w.Id, a.Id, false), new SectionServiceItem(w.Id, b.Id, false));
            await db.SaveChangesAsync();
            return (w.Id, a.Id, b.Id);
        });
        var (system, _) = await own.TokenClientAsync(unit, "service-records:write");
        var (device, _) = await own.TokenClientAsync(unit, "ratings:write");
        var nine = new DateTime(2026, 11, 16, 1, 0, 0, DateTimeKind.Utc);
        foreach (var (number, item, level) in new (string, Guid, int?)[] { ("ITM-1", itemA, 1), ("ITM-2", itemA, 3), ("ITM-3", itemB, null), ("ITM-4", itemB, 1) })
        {
            await (await system.PostAsJsonAsync("/api/v1/service-records", new { caseNumber = number, sectionId = window, serviceItemId = item, finishedAt = nine }))
                .ExpectAsync(HttpStatusCode.Created);
            if (level is { } l) await RateAsync(device, window, l, null, number);
        }
        await RateAsync(device, window, 2, null);
        return new ItemSetup(unit, window, itemA, itemB, system, device, nine);
    }

    /// <summary>
    /// SAT-8: an item line's 办件数 in one unit's report opens that item's cases in 办件与评价, whose figures are the line's:
    /// read live on the day, from the days counted by item afterwards, and from the cases themselves within one window;
    /// the line without an item opens the cases naming none. The API answers the same; a liaison sees their own unit's
    /// cases of an item only (SEC-2); an item that is neither an id nor "none" is a 400 naming the field.
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-8")]
    [Trait("Rule", "SEC-2")]
    public async Task ItemLine_OpensTheItemsCases_WithTheLinesFigures_LiveAndCounted()
    {
        await using var own = new MingchaApp();
        var (unit, window, itemA, itemB, system, device, nine) = await SeedItemsAsync(own);
        await (await system.PostAsJsonAsync("/api/v1/service-records", new { caseNumber = "ITM-5", sectionId = window, finishedAt = nine }))
            .ExpectAsync(HttpStatusCode.Created); // no item named
        var office = await own.ClientAsAsync(Roles.OfficeStaff);
        var period = "from=2026-11-16&to=2026-11-16";

        // The report's line of 甲 links its 办件数 to 甲's cases of the unit and period.
        var report = WebUtility.HtmlDecode(await office.GetStringAsync($"/Ratings/Report?{period}&unit={unit}"));
        string LinkOf(Guid line) => Regex.Match(Regex.Match(report, $"<tr data-item=\"{line}\">.*?</tr>", RegexOptions.Singleline).Value,
            "<a href=\"([^\"]+)\" class=\"line-cases\">").Groups[1].Value;
        Assert.Equal($"/Ratings/Records?{period}&unit={unit}&item={itemA}", LinkOf(itemA));
        Assert.Equal($"/Ratings/Records?{period}&unit={unit}&item=none", LinkOf(Guid.Empty));

        async Task<(string Cases, string Figures, string Chosen)> PageAsync(string query)
        {
            var html = WebUtility.HtmlDecode(await office.GetStringAsync(query));
            var cases = string.Join(" ", Regex.Matches(html, "<tr data-case=\"([^\"]+)\"").Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal));
            var figures = string.Join(" ", new[] { "cases-count", "rated-count", "public-count", "bad-count" }
                .Select(id => Regex.Match(html, $"<strong id=\"{id}\">(\\d+)</strong>").Groups[1].Value))
                + " " + Regex.Match(html, "<span class=\"muted\" id=\"rated-rate\">[^<]*? ([\\d.]+%|—)</span>").Groups[1].Value;
            var chosen = Regex.Match(html, "<select name=\"item\" id=\"item-choice\">.*?<option value=\"([^\"]*)\" selected=\"selected\"", RegexOptions.Singleline).Groups[1].Value;
            return (cases, figures, chosen);
        }
        var a = await PageAsync(LinkOf(itemA));
        Assert.Equal(("ITM-1 ITM-2", "2 2 2 1 100.00%", itemA.ToString()), a);
        Assert.Equal(("ITM-3 ITM-4", "2 1 1 0 50.00%", itemB.ToString()), await PageAsync($"/Ratings/Records?{period}&unit={unit}&item={itemB}"));
        Assert.Equal(("ITM-5", "1 0 0 0 0.00%", "none"), await PageAsync(LinkOf(Guid.Empty)));
        // Within one window (not counted by item): from the cases, the same; with a state, the list narrows, the figures stay.
        Assert.Equal(("ITM-3 ITM-4", "2 1 1 0 50.00%", itemB.ToString()), await PageAsync($"/Ratings/Records?{period}&unit={unit}&section={window}&item={itemB}"));
        Assert.Equal(("ITM-3", "2 1 1 0 50.00%", itemB.ToString()), await PageAsync($"/Ratings/Records?{period}&unit={unit}&item={itemB}&state=Unrated"));
        // The page's own links keep the item: the workbook holds 甲's cases alone.
        var xlsx = await (await office.GetAsync($"/Ratings/Records?{period}&unit={unit}&item={itemA}&handler=Xlsx")).Content.ReadAsByteArrayAsync();
        var csv = await XlsxToCsvAsync(xlsx);
        Assert.Contains("ITM-1", csv, StringComparison.Ordinal);
        Assert.Contains("ITM-2", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("ITM-3", csv, StringComparison.Ordinal);
        Assert.Contains("共 2 件", csv, StringComparison.Ordinal);

        // 甲's 不满意 opens 甲's unsatisfied ratings in 评价明细 (a device names no item: its case's counts); the ratings naming
        // no item whose case names none either are the last line's; the API the same.
        var unsatisfied = Regex.Match(Regex.Match(report, $"<tr data-item=\"{itemA}\">.*?</tr>", RegexOptions.Singleline).Value,
            "<a href=\"([^\"]+)\" class=\"item-unsatisfied\">1</a>").Groups[1].Value;
        Assert.Equal($"/Ratings/List?{period}&unit={unit}&item={itemA}&level=3", unsatisfied);
        // Each row names the item rated (its case's), the one naming none an empty cell.
        async Task<(string Items, string Chosen)> RatingsPageAsync(string query)
        {
            var html = WebUtility.HtmlDecode(await office.GetStringAsync(query));
            return (string.Join("|", Regex.Matches(html, "<td class=\"item\">([^<]*)</td>").Select(m => m.Groups[1].Value)),
                Regex.Match(html, "<select name=\"item\" id=\"item-choice\">.*?<option value=\"([^\"]*)\" selected=\"selected\"", RegexOptions.Singleline).Groups[1].Value);
        }
        Assert.Equal(("事项甲：社保关系转移", itemA.ToString()), await RatingsPageAsync(unsatisfied));
        Assert.Equal(("事项甲：社保关系转移|事项甲：社保关系转移", itemA.ToString()), await RatingsPageAsync($"/Ratings/List?{period}&unit={unit}&item={itemA}"));
        Assert.Equal(("", "none"), await RatingsPageAsync($"/Ratings/List?{period}&unit={unit}&item=none"));
        Assert.Equal([("ITM-4", "事项乙：失业登记")], (await office.GetAsync<List<RatingRow>>($"/api/v1/ratings?unitId={unit}&item={itemB}")).Select(x => (x.CaseNumber, x.ServiceItem)));
        var ratingsCsv = await XlsxToCsvAsync(await (await office.GetAsync($"/Ratings/List?{period}&unit={unit}&item={itemB}&handler=Xlsx")).Content.ReadAsByteArrayAsync());
        Assert.Contains("\"事项测试窗口\",,\"事项乙：失业登记\",\"评价器\"", ratingsCsv, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await office.GetAsync($"/Ratings/List?{period}&unit={unit}&item=some")).StatusCode);
        await (await office.GetAsync($"/api/v1/ratings?item=some")).ExpectFieldErrorAsync("item");

        // The API, all units (the Office): 乙's cases and figures.
        var api = await office.GetAsync<CasePage>($"/api/v1/service-records?{period}&item={itemB}");
        Assert.Equal((2, 2, 1), (api.Total, api.Figures!.Cases, api.Figures.Rated));
        await (await office.GetAsync($"/api/v1/service-records?{period}&item=some")).ExpectFieldErrorAsync("item");
        var nonsense = await office.GetAsync($"/Ratings/Records?{period}&unit={unit}&item=some");
        Assert.Equal(HttpStatusCode.BadRequest, nonsense.StatusCode);
        Assert.Contains("服务事项须为事项的 ID", WebUtility.HtmlDecode(await nonsense.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        // SEC-2: another unit's liaison asking for 甲's cases sees none of them (their own unit's cases of 甲: none); with
        // the unit named, a 403 and a 404.
        var otherUnit = await own.WithDbAsync(db => db.Units.AsNoTracking().Where(u => u.Id != unit).OrderBy(u => u.Code).Select(u => u.Id).FirstAsync());
        var liaison = await own.ClientAsAsync(Roles.UnitLiaison, otherUnit);
        var theirs = await liaison.GetAsync<CasePage>($"/api/v1/service-records?{period}&item={itemA}");
        Assert.Equal((0, 0), (theirs.Total, theirs.Figures!.Cases));
        Assert.Equal(HttpStatusCode.Forbidden, (await liaison.GetAsync($"/api/v1/service-records?{period}&unitId={unit}&item={itemA}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await liaison.GetAsync($"/Ratings/Records?{period}&unit={unit}&item={itemA}")).StatusCode);

        // Tuesday: Monday counted by item; the same figures from the counted rows, for the unit and for all units.
        own.Clock.Set(new DateTimeOffset(2026, 11, 17, 10, 0, 0, TimeSpan.FromHours(8)));
        office = await own.ClientAsAsync(Roles.OfficeStaff);
        await own.WithScopeResultAsync(sp => sp.GetRequiredService<RatingDayCounts>().RefreshAsync(CancellationToken.None));
        Assert.Equal(5, await own.WithDbAsync(db => db.Set<ItemCaseDayCount>().Where(c => c.Day == new DateOnly(2026, 11, 16) && c.UnitId == unit).SumAsync(c => c.Cases)));
        Assert.Equal(a, await PageAsync(LinkOf(itemA)));
        Assert.Equal(("ITM-5", "1 0 0 0 0.00%", "none"), await PageAsync(LinkOf(Guid.Empty)));
        var counted = await office.GetAsync<CasePage>($"/api/v1/service-records?{period}&item={itemB}");
        Assert.Equal((2, 2, 1, 1), (counted.Total, counted.Figures!.Cases, counted.Figures.Rated, counted.Figures.RatedByPublic));
        // A late rating (不满意) of a counted case moves its item's figures at once.
        await RateAsync(device, window, 3, null, "ITM-3");
        Assert.Equal(("ITM-3 ITM-4", "2 2 2 1 100.00%", itemB.ToString()), await PageAsync($"/Ratings/Records?{period}&unit={unit}&item={itemB}"));
    }

    private sealed record CasePage(int Total, CaseFigures? Figures);
    private sealed record RatingRow(string? CaseNumber, string? ServiceItem);

    private sealed record ItemLine(Guid Id, string Name, int Ratings, int Satisfied, int Basic, int Unsatisfied, CaseFigures Cases);
    private sealed record ItemReport(Line? Unit, List<ItemLine> Items);

    internal static async Task<string> XlsxToCsvAsync(byte[] xlsx)
    {
        var dir = Directory.CreateTempSubdirectory("mingcha-calc-").FullName;
        try
        {
            var input = Path.Combine(dir, "report.xlsx");
            await File.WriteAllBytesAsync(input, xlsx);
            // 44 comma, 34 quote, 76 UTF-8, 1 first line; ",,,,,,,,false,true" would quote; the defaults keep formatted text.
            await DocumentKit.RunAsync("soffice", ["-env:UserInstallation=file://" + Path.Combine(dir, "profile"), "--headless", "--norestore",
                "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", dir, input]);
            var csv = Path.Combine(dir, "report.csv");
            Assert.True(File.Exists(csv), "LibreOffice Calc did not convert the XLSX: it could not read it.");
            return await File.ReadAllTextAsync(csv);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
