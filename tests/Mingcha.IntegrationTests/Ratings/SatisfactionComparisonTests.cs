using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Documents;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Features.Ratings;

namespace Mingcha.IntegrationTests.Ratings;

/// <summary>
/// SAT-4: the satisfaction report compares each unit with the previous period of the same kind (上期): its rank then and
/// the move, and the change of its coefficient, on the page, in the API, the .xlsx and the circular. On an app of its own:
/// the clock goes back to October to rate.
/// </summary>
public sealed class SatisfactionComparisonTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private sealed record Line(Guid Id, string Name, int Ratings, decimal? Coefficient, int? Rank, int? PreviousRank, decimal? PreviousCoefficient,
        decimal? CoefficientChange, int? RankChange);
    private sealed record Point(DateOnly From, DateOnly To, int Ratings, int Unsatisfied, decimal? Rate, decimal? Coefficient);
    private sealed record Report(DateOnly? PreviousFrom, DateOnly? PreviousTo, Line Total, List<Line> Units, Line? Unit, List<Point> Trend);

    [Theory]
    [Trait("Rule", "SAT-4")]
    [InlineData("2026-11-01", "2026-11-30", "2026-10-01", "2026-10-31")] // a month: the month before
    [InlineData("2026-10-01", "2026-12-31", "2026-07-01", "2026-09-30")] // a quarter: the quarter before
    [InlineData("2026-01-01", "2026-12-31", "2025-01-01", "2025-12-31")] // a year: the year before
    [InlineData("2026-02-01", "2026-02-28", "2026-01-01", "2026-01-31")] // February: January, whole
    [InlineData("2026-10-01", "2026-10-31", "2026-09-01", "2026-09-30")] // October: September, whole
    [InlineData("2026-12-01", "2026-12-06", "2026-11-01", "2026-11-06")] // this month to date: the same days of the last (上月同期)
    [InlineData("2026-03-01", "2026-03-31", "2026-02-01", "2026-02-28")] // March: February, whole
    [InlineData("2026-03-01", "2026-03-30", "2026-02-01", "2026-02-28")] // to the 30th of March: February to its end
    [InlineData("2026-01-01", "2026-12-06", "2025-01-01", "2025-12-06")] // the year to date: the same days of the year before
    [InlineData("2026-11-10", "2026-11-16", "2026-11-03", "2026-11-09")] // days: as many days just before
    public void PreviousPeriod_IsOfTheSameKind(string from, string to, string previousFrom, string previousTo) =>
        Assert.Equal((DateOnly.Parse(previousFrom, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(previousTo, System.Globalization.CultureInfo.InvariantCulture)),
            RatingPeriods.Previous(DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    [Trait("Rule", "SAT-4")]
    public void PreviousPeriod_BeforeTheSupportedDays_IsNone() =>
        Assert.Null(RatingPeriods.Previous(new DateOnly(2000, 1, 1), new DateOnly(2000, 12, 31)));

    /// <summary>
    /// October: unit A 满意 ×2 (1.0000, first), unit B 满意 and 不满意 (0.5000, second). November the other way round. The
    /// November report says A went down one place and 0.5, B up one and 0.5; the total stayed at 0.7500.
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-4")]
    public async Task Report_ComparesEachUnitWithThePreviousPeriod_OnThePageTheWorkbookAndTheCircular()
    {
        var units = await app.WithDbAsync(db => db.Units.AsNoTracking().OrderBy(u => u.Code).Take(2).ToListAsync());
        var (a, b) = (units[0], units[1]);
        var windows = await app.WithDbAsync(async db =>
        {
            var now = app.Clock.GetUtcNow().UtcDateTime;
            var wa = new Section(a.Id, "cmp-a1", "比较测试甲窗口", SectionKind.Window, now);
            var wb = new Section(b.Id, "cmp-b1", "比较测试乙窗口", SectionKind.Window, now);
            db.Sections.AddRange(wa, wb);
            await db.SaveChangesAsync();
            return (A: wa.Id, B: wb.Id);
        });
        var (deviceA, _) = await app.TokenClientAsync(a.Id, "ratings:write");
        var (deviceB, _) = await app.TokenClientAsync(b.Id, "ratings:write");
        async Task RateAsync(HttpClient device, Guid window, int level) => await (await device.PostAsJsonAsync("/api/v1/ratings",
            new { sectionId = window, caseNumber = "CMP" + Guid.NewGuid().ToString("N")[..12], level })).ExpectAsync(HttpStatusCode.Created);

        var monday = app.Clock.GetUtcNow();
        app.Clock.Set(new DateTimeOffset(2026, 10, 20, 2, 0, 0, TimeSpan.Zero));
        await RateAsync(deviceA, windows.A, 1);
        await RateAsync(deviceA, windows.A, 1);
        await RateAsync(deviceB, windows.B, 1);
        await RateAsync(deviceB, windows.B, 3);
        app.Clock.Set(monday);
        await RateAsync(deviceA, windows.A, 1);
        await RateAsync(deviceA, windows.A, 3);
        await RateAsync(deviceB, windows.B, 1);
        await RateAsync(deviceB, windows.B, 1);

        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var r = await office.GetAsync<Report>("/api/v1/satisfaction/report?from=2026-11-01&to=2026-11-30");
        Assert.Equal((new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 31)), (r.PreviousFrom!.Value, r.PreviousTo!.Value));
        var lineA = r.Units.Single(l => l.Id == a.Id);
        var lineB = r.Units.Single(l => l.Id == b.Id);
        Assert.Equal((2, 1, -1, 1.0m, -0.5m), (lineA.Rank!.Value, lineA.PreviousRank!.Value, lineA.RankChange!.Value, lineA.PreviousCoefficient!.Value, lineA.CoefficientChange!.Value));
        Assert.Equal((1, 2, 1, 0.5m, 0.5m), (lineB.Rank!.Value, lineB.PreviousRank!.Value, lineB.RankChange!.Value, lineB.PreviousCoefficient!.Value, lineB.CoefficientChange!.Value));
        Assert.Equal((0.75m, 0.75m, 0m), (r.Total.Coefficient!.Value, r.Total.PreviousCoefficient!.Value, r.Total.CoefficientChange!.Value));
        // One unit's report: its own coefficient then.
        var one = await office.GetAsync<Report>($"/api/v1/satisfaction/report?from=2026-11-01&to=2026-11-30&unitId={a.Id}");
        Assert.Equal((1.0m, -0.5m), (one.Unit!.PreviousCoefficient!.Value, one.Unit.CoefficientChange!.Value));

        // The trend: day by day for a month (the 16th's four ratings, the other days none), month by month for a year.
        Assert.Equal(30, r.Trend.Count);
        Assert.All(r.Trend, p => Assert.Equal(p.From, p.To));
        var sixteenth = r.Trend.Single(p => p.From == new DateOnly(2026, 11, 16));
        Assert.Equal((4, 1, 0.75m), (sixteenth.Ratings, sixteenth.Unsatisfied, sixteenth.Coefficient!.Value));
        Assert.Equal(4, r.Trend.Sum(p => p.Ratings));
        Assert.Null(r.Trend[0].Coefficient);
        var year = await office.GetAsync<Report>($"/api/v1/satisfaction/report?from=2026-01-01&to=2026-12-31&unitId={a.Id}");
        Assert.Equal(12, year.Trend.Count);
        Assert.Equal((new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 31), 2, 1.0m), (year.Trend[9].From, year.Trend[9].To, year.Trend[9].Ratings, year.Trend[9].Coefficient!.Value));
        Assert.Equal((2, 0.5m), (year.Trend[10].Ratings, year.Trend[10].Coefficient!.Value));
        var partial = await office.GetAsync<Report>("/api/v1/satisfaction/report?from=2026-08-15&to=2026-11-16");
        Assert.Equal((new DateOnly(2026, 8, 15), new DateOnly(2026, 8, 31)), (partial.Trend[0].From, partial.Trend[0].To));
        Assert.Equal((new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 16), 4), (partial.Trend[^1].From, partial.Trend[^1].To, partial.Trend[^1].Ratings));

        // The page: the previous period named, A down one place and 0.5 (in red), B up.
        var page = WebUtility.HtmlDecode(await office.GetStringAsync("/Ratings/Report?from=2026-11-01&to=2026-11-30"));
        Assert.Contains("上期 2026-10-01 – 2026-10-31", page, StringComparison.Ordinal);
        Assert.Matches($"<tr data-unit=\"{a.Id}\">[\\s\\S]*?<td class=\"change-down\">-0.5000</td><td>1（↓1）</td>", page);
        Assert.Matches($"<tr data-unit=\"{b.Id}\">[\\s\\S]*?<td class=\"change-up\">\\+0.5000</td><td>2（↑1）</td>", page);
        Assert.Contains("<small id=\"total-change\" class=\"\">较上期 0.0000</small>", page, StringComparison.Ordinal);
        Assert.Contains("<tr><td>2026-11-16</td><td>4</td><td>1</td><td>75.00%</td><td>0.7500</td>", page, StringComparison.Ordinal);
        Assert.Contains("<td>2026-10</td><td>2</td><td>0</td><td>100.00%</td><td>1.0000</td>",
            WebUtility.HtmlDecode(await office.GetStringAsync($"/Ratings/Report?from=2026-01-01&to=2026-12-31&unit={a.Id}")), StringComparison.Ordinal);
        var english = WebUtility.HtmlDecode(await office.GetStringAsync("/Ratings/Report?from=2026-11-01&to=2026-11-30&culture=en&ui-culture=en"));
        Assert.Contains("<td>1 (↓1)</td>", english, StringComparison.Ordinal);
        Assert.Contains("Previous period 2026-10-01 – 2026-10-31", english, StringComparison.Ordinal);

        // The workbook: the previous rank and coefficient and the change, as numbers.
        var xlsx = await (await office.GetAsync("/Ratings/Report?from=2026-11-01&to=2026-11-30&handler=Xlsx")).Content.ReadAsByteArrayAsync();
        using (var doc = SpreadsheetDocument.Open(new MemoryStream(xlsx), false))
        {
            var rows = doc.WorkbookPart!.WorksheetParts.First().Worksheet.Descendants<Row>().ToList();
            var strings = doc.WorkbookPart.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(i => i.InnerText).ToList() ?? [];
            string Text(Cell c) => c.DataType?.Value == CellValues.SharedString ? strings[int.Parse(c.CellValue!.Text, System.Globalization.CultureInfo.InvariantCulture)] : c.InnerText;
            var header = rows[0].Elements<Cell>().Select(Text).ToList();
            var rowA = rows.First(x => x.InnerText.Contains(a.Name, StringComparison.Ordinal) || x.Elements<Cell>().Any(c => Text(c) == a.Name)).Elements<Cell>().ToList();
            var value = (string column) => rowA[header.IndexOf(column)];
            Assert.Equal("1", value("上期排名").CellValue!.Text);
            Assert.Null(value("系数变化").DataType); // a number
            Assert.Equal(-0.5m, decimal.Parse(value("系数变化").CellValue!.Text, System.Globalization.CultureInfo.InvariantCulture));
            // The trend's sheet, a line a day.
            var sheets = doc.WorkbookPart.Workbook.Sheets!.Elements<Sheet>().Select(x => x.Name!.Value).ToList();
            Assert.Equal(["各单位", "趋势"], sheets);
            var trend = ((WorksheetPart)doc.WorkbookPart.GetPartById(doc.WorkbookPart.Workbook.Sheets!.Elements<Sheet>().Last().Id!.Value!)).Worksheet.Descendants<Row>().ToList();
            var day16 = trend.Single(x => x.Elements<Cell>().Any(c => Text(c) == "2026-11-16")).Elements<Cell>().ToList();
            Assert.Equal("4", day16[1].CellValue!.Text);
        }

        // The circular: the move of each unit, and the total against October; A's liaison is told its place and the move.
        var issued = await (await office.PostAsJsonAsync("/api/v1/satisfaction/report/document?from=2026-11-01&to=2026-11-30", new { }))
            .ReadAsync<JsonElement>(HttpStatusCode.Created);
        var docx = await (await office.GetAsync($"/api/v1/documents/{issued.GetProperty("id").GetGuid()}/docx")).Content.ReadAsByteArrayAsync();
        using (var word = WordprocessingDocument.Open(new MemoryStream(docx), false))
        {
            var table = word.MainDocumentPart!.Document.Body!.Descendants<DocumentFormat.OpenXml.Wordprocessing.TableRow>().Select(x => x.InnerText).ToList();
            Assert.Contains(table, x => x.StartsWith("1" + b.Name, StringComparison.Ordinal) && x.EndsWith("上升1位", StringComparison.Ordinal));
            Assert.Contains(table, x => x.StartsWith("2" + a.Name, StringComparison.Ordinal) && x.EndsWith("下降1位", StringComparison.Ordinal));
        }
        var text = DocumentKit.Squeeze(await DocumentKit.PdfToTextAsync(await DocumentKit.SofficeToPdfAsync(docx)));
        Assert.Contains("满意率系数0.7500，较2026年10月持平。", text, StringComparison.Ordinal);
        var liaisonA = await app.ClientAsAsync(Roles.UnitLiaison, a.Id);
        Assert.Contains("本单位排名第 2（共 2 个，较上期下降1位），满意率系数 0.5000。", await liaisonA.GetStringAsync("/"), StringComparison.Ordinal);
    }
}
