using Mingcha.Domain.Calendar;
using static Mingcha.UnitTests.Calendar.OfficialCalendar;

namespace Mingcha.UnitTests.Calendar;

public class OfficialCalendarCsvTests
{
    private static CalendarCsvResult Parse(string text) => OfficialCalendarCsv.Parse(new StringReader(text));

    [Fact]
    [Trait("Rule", "CAL-1")]
    public void Parse_WhenShippedOfficialFile_ReadsEveryRowWithoutErrors()
    {
        var result = Csv;

        Assert.Empty(result.Errors);
        Assert.Equal([2024, 2025, 2026], result.Years);
        Assert.Equal(File.ReadAllLines(CsvPath).Count(l => l.Length > 0) - 1, result.Entries.Count);
        Assert.Equal(110, result.Entries.Count);
        Assert.Contains(new CalendarEntry(D("2026-02-28"), CalendarDayKind.MakeupWorkday, "春节"), result.Entries);
        Assert.Contains(new CalendarEntry(D("2025-10-08"), CalendarDayKind.Holiday, "国庆节、中秋节"), result.Entries);
    }

    [Fact]
    [Trait("Rule", "CAL-1")]
    public void Parse_WhenUtf8Bom_ReadsHeader()
    {
        var result = Parse("\uFEFFdate,type,name\r\n2026-10-10,makeup_workday,国庆节\r\n");

        Assert.Empty(result.Errors);
        Assert.Equal([new CalendarEntry(D("2026-10-10"), CalendarDayKind.MakeupWorkday, "国庆节")], result.Entries);
        Assert.Equal([2026], result.Years);
    }

    [Fact]
    [Trait("Rule", "CAL-1")]
    public void Parse_WhenUtf8BomFileReadAsBytes_ReadsHeader()
    {
        var bytes = System.Text.Encoding.UTF8.GetPreamble()
            .Concat(System.Text.Encoding.UTF8.GetBytes("date,type,name\n2026-10-01,holiday,国庆节\n")).ToArray();
        using var reader = new StreamReader(new MemoryStream(bytes), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: false);

        var result = OfficialCalendarCsv.Parse(reader);

        Assert.Empty(result.Errors);
        Assert.Single(result.Entries);
    }

    [Theory]
    [Trait("Rule", "CAL-1")]
    [InlineData("2026-02-30,holiday,春节", "日期")]           // no such day
    [InlineData("2026/10/01,holiday,国庆节", "日期")]          // wrong format
    [InlineData("2026-10-01,workday,国庆节", "类型")]          // unknown type
    [InlineData("2026-10-09,makeup_workday,国庆节", "周五")]   // make-up on a Friday
    [InlineData("2026-10-01,holiday", "3 列")]               // missing column
    [InlineData("2026-10-01,holiday,", "名称")]              // empty name
    public void Parse_WhenBadRow_ReportsThatLineInChinese(string row, string expectedWord)
    {
        var result = Parse("date,type,name\n2026-10-02,holiday,国庆节\n" + row + "\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal(3, error.Line);
        Assert.Contains(expectedWord, error.Message, StringComparison.Ordinal);
        Assert.Equal([D("2026-10-02")], result.Entries.Select(e => e.Date));
    }

    [Fact]
    [Trait("Rule", "CAL-1")]
    public void Parse_WhenHolidayOnWeekend_Accepts()
    {
        // Sat 2026-10-03 is part of the National Day holiday: listing it is normal.
        var result = Parse("date,type,name\n2026-10-03,holiday,国庆节\n");

        Assert.Empty(result.Errors);
        Assert.Equal(CalendarDayKind.Holiday, Assert.Single(result.Entries).Kind);
    }

    [Fact]
    [Trait("Rule", "CAL-1")]
    public void Parse_WhenDuplicateDate_ReportsLaterLineAndKeepsFirst()
    {
        var result = Parse("date,type,name\n2026-10-01,holiday,国庆节\n2026-10-02,holiday,国庆节\n2026-10-01,holiday,国庆节\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal(4, error.Line);
        Assert.Contains("重复", error.Message, StringComparison.Ordinal);
        Assert.Contains("第 2 行", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, result.Entries.Count);
    }

    [Fact]
    [Trait("Rule", "CAL-1")]
    public void Parse_WhenHeaderMissing_ReportsLineOneAndStillReadsData()
    {
        var result = Parse("2026-10-01,holiday,国庆节\n2026-10-02,holiday,国庆节\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal(1, error.Line);
        Assert.Contains("表头", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, result.Entries.Count);
    }

    [Theory]
    [Trait("Rule", "CAL-1")]
    [InlineData("")]
    [InlineData("日期,类型,名称\n")]
    [InlineData("date;type;name\n")]
    public void Parse_WhenNoValidHeader_ReportsLineOne(string text)
    {
        var result = Parse(text);

        Assert.Equal(1, Assert.Single(result.Errors).Line);
        Assert.Empty(result.Entries);
    }

    [Fact]
    [Trait("Rule", "CAL-1")]
    public void Parse_WhenSeveralBadLines_ReportsOneErrorPerBadLine()
    {
        var text = "date,type,name\n" +
                   "2026-10-01,holiday,国庆节\n" +  // 2 ok
                   "2026-13-01,holiday,国庆节\n" +  // 3 bad date
                   "\n" +                          // 4 blank, skipped
                   "2026-10-05,vacation,国庆节\n" + // 5 unknown type
                   "2026-10-10,makeup_workday,\"国庆节\"\n" + // 6 ok, quoted
                   "2026-10-12,makeup_workday,国庆节\n";     // 7 Monday make-up

        var result = Parse(text);

        Assert.Equal([3, 5, 7], result.Errors.Select(e => e.Line));
        Assert.Equal([D("2026-10-01"), D("2026-10-10")], result.Entries.Select(e => e.Date));
        Assert.False(result.IsValid);
    }
}
