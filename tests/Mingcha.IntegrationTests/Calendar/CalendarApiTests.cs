using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Mingcha.Domain.Calendar;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Calendar;

namespace Mingcha.IntegrationTests.Calendar;

/// <summary>The working-day calendar over HTTP (CAL-1 to CAL-3), on the official 2024–2026 data the app ships with.</summary>
public sealed class CalendarApiTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    /// <summary>A plausible 2027 (the State Council publishes the real one late in 2026): New Year, Spring Festival 5–13 Feb, and the rest.</summary>
    private const string Year2027 = """
        date,type,name
        2027-01-01,holiday,元旦
        2027-01-02,holiday,元旦
        2027-01-03,holiday,元旦
        2027-01-31,makeup_workday,春节
        2027-02-05,holiday,春节
        2027-02-06,holiday,春节
        2027-02-07,holiday,春节
        2027-02-08,holiday,春节
        2027-02-09,holiday,春节
        2027-02-10,holiday,春节
        2027-02-11,holiday,春节
        2027-02-12,holiday,春节
        2027-02-13,holiday,春节
        2027-02-20,makeup_workday,春节
        2027-04-03,holiday,清明节
        2027-04-04,holiday,清明节
        2027-04-05,holiday,清明节
        2027-04-25,makeup_workday,劳动节
        2027-05-01,holiday,劳动节
        2027-05-02,holiday,劳动节
        2027-05-03,holiday,劳动节
        2027-05-04,holiday,劳动节
        2027-05-05,holiday,劳动节
        2027-05-08,makeup_workday,劳动节
        2027-06-09,holiday,端午节
        2027-09-15,holiday,中秋节
        2027-09-26,makeup_workday,国庆节
        2027-10-01,holiday,国庆节
        2027-10-02,holiday,国庆节
        2027-10-03,holiday,国庆节
        2027-10-04,holiday,国庆节
        2027-10-05,holiday,国庆节
        2027-10-06,holiday,国庆节
        2027-10-07,holiday,国庆节
        2027-10-09,makeup_workday,国庆节
        """;

    [Fact]
    [Trait("Rule", "CAL-1")]
    public async Task Year2026_WhenRead_ListsTheOfficialHolidaysAndMakeUpDays()
    {
        var client = await app.ClientAsAsync(Roles.OfficeStaff);

        var year = await client.GetAsync<YearDto>("/api/v1/calendar/2026");

        Assert.Equal(33, year.Days.Count(d => d.Kind == "holiday"));
        Assert.Equal(6, year.Days.Count(d => d.Kind == "makeup_workday"));
        Assert.Contains(new DayDto(new DateOnly(2026, 2, 17), "holiday", "春节"), year.Days);   // 正月初一
        Assert.Contains(new DayDto(new DateOnly(2026, 2, 14), "makeup_workday", "春节"), year.Days); // a Saturday at work
        Assert.Contains(new DayDto(new DateOnly(2026, 10, 1), "holiday", "国庆节"), year.Days);
        Assert.Contains(new DayDto(new DateOnly(2026, 10, 10), "makeup_workday", "国庆节"), year.Days);
        Assert.DoesNotContain(year.Days, d => d.Date == new DateOnly(2026, 2, 24)); // back at work on the Tuesday

        // Exactly the bundled transcription of the State Council notice, nothing lost or added on the way.
        Assert.Equal(BundledOfficialDays(2026), year.Days.Select(d => $"{d.Date:yyyy-MM-dd},{d.Kind},{d.Name}"));
        Assert.Equal([2024, 2025, 2026], (await client.GetAsync<List<YearSummaryDto>>("/api/v1/calendar/years")).Select(y => y.Year).Where(y => y <= 2026));
    }

    [Theory]
    [Trait("Rule", "CAL-1")]
    [Trait("Rule", "CAL-2")]
    [InlineData("2026-02-12", 5, "2026-02-26")]  // Fri 13, Sat 14 (make-up), holiday 15–23, Tue 24, Wed 25, Thu 26
    [InlineData("2026-02-12", 10, "2026-03-04")] // ... Fri 27, Sat 28 (make-up), Mon 2, Tue 3, Wed 4 March
    [InlineData("2026-09-18", 1, "2026-09-20")]  // Sat 19 off, Sun 20 a make-up working day
    [InlineData("2026-09-24", 3, "2026-09-30")]  // Mid-Autumn 25–27, Mon 28, Tue 29, Wed 30
    [InlineData("2026-09-29", 5, "2026-10-12")]  // Wed 30, National Day 1–7, Thu 8, Fri 9, Sat 10 (make-up), Mon 12
    public async Task Deadline_WhenCountedAcrossOfficialHolidays_EndsOnTheHandCheckedDay(string from, int days, string lastDay)
    {
        var client = await app.ClientAsAsync(Roles.Supervisor);

        var deadline = await client.GetAsync<DeadlineDto>($"/api/v1/calendar/deadline?from={from}&days={days}");

        Assert.Equal(DateOnly.Parse(lastDay, System.Globalization.CultureInfo.InvariantCulture), deadline.LastDay);
        // It ends at the end of that day in Beijing.
        Assert.Equal(deadline.LastDay.ToDateTime(new TimeOnly(16, 0), DateTimeKind.Utc), deadline.EndsAtUtc);
    }

    [Fact]
    [Trait("Rule", "CAL-3")]
    [Trait("Rule", "CAL-1")]
    public async Task Deadline_WhenItReachesAYearNotLoaded_Is422Cal3UntilTheOfficeImportsThatYear()
    {
        var staff = await app.ClientAsAsync(Roles.OfficeStaff);
        var admin = await app.ClientAsAsync(Roles.OfficeAdmin);
        const string intoNextYear = "/api/v1/calendar/deadline?from=2026-12-20&days=20";

        var refused = await (await staff.GetAsync(intoNextYear)).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "CAL-3");
        Assert.Contains("2027", refused.GetProperty("title").GetString(), StringComparison.Ordinal);

        // Uploaded as the import page does: a CSV file in a form.
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(Year2027));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "国办发明电〔2026〕关于2027年部分节假日安排的通知.csv");
        var imported = await (await admin.PostAsync("/api/v1/calendar/import", form)).ReadAsync<ImportResultDto>();
        Assert.Equal([2027], imported.Years);
        Assert.Equal(35, imported.Days);

        // Dec 21–25, 28–31 (9), New Year's Day off, Jan 4–8, 11–15 (19), Mon 18 January.
        Assert.Equal(new DateOnly(2027, 1, 18), (await staff.GetAsync<DeadlineDto>(intoNextYear)).LastDay);
        // The imported Spring Festival counts: Thu 4 Feb, holiday 5–13, Sun 14 off, Mon 15, Tue 16.
        Assert.Equal(new DateOnly(2027, 2, 16), (await staff.GetAsync<DeadlineDto>("/api/v1/calendar/deadline?from=2027-02-04&days=2")).LastDay);
        var year = await staff.GetAsync<YearDto>("/api/v1/calendar/2027");
        Assert.Contains("2027", year.Source, StringComparison.Ordinal);
        Assert.Equal(35, year.Days.Count);
    }

    /// <summary>A notice of the official shape for <paramref name="year"/>: 元旦, 劳动节 and 国庆节 with two make-up Saturdays.</summary>
    private static string Notice(int year, params string[] extra)
    {
        var b = new StringBuilder("date,type,name\n");
        foreach (var line in extra) b.Append(line).Append('\n');
        b.Append(System.Globalization.CultureInfo.InvariantCulture, $"{year}-01-01,holiday,元旦\n");
        for (var d = 1; d <= 5; d++) b.Append(System.Globalization.CultureInfo.InvariantCulture, $"{year}-05-0{d},holiday,劳动节\n");
        for (var d = 1; d <= 7; d++) b.Append(System.Globalization.CultureInfo.InvariantCulture, $"{year}-10-0{d},holiday,国庆节\n");
        foreach (var sat in Enumerable.Range(1, 60).Select(i => new DateOnly(year, 9, 1).AddDays(i)).Where(x => x.DayOfWeek == DayOfWeek.Saturday).Take(2))
            b.Append(System.Globalization.CultureInfo.InvariantCulture, $"{sat:yyyy-MM-dd},makeup_workday,国庆节\n");
        return b.ToString();
    }

    /// <summary>
    /// CAL-1, CAL-3: a State Council notice also sets days at the end of the year before (the 2023 notice: 2022-12-31). Those
    /// days are corrections of that year, which keeps all its other days; a year not loaded is not marked loaded by them.
    /// </summary>
    [Fact]
    [Trait("Rule", "CAL-1")]
    [Trait("Rule", "CAL-3")]
    public async Task Import_OfANoticeReachingIntoTheYearBefore_KeepsThatYearsDays_AndLoadsNoYearByAStrayDay()
    {
        var admin = await app.ClientAsAsync(Roles.OfficeAdmin);
        async Task<ImportResultDto> ImportAsync(string csv) =>
            await (await admin.PostAsync("/api/v1/calendar/import", new StringContent(csv, Encoding.UTF8, "text/csv"))).ReadAsync<ImportResultDto>();

        Assert.Equal([2034], (await ImportAsync(Notice(2034))).Years);
        var before = await admin.GetAsync<YearDto>("/api/v1/calendar/2034");
        // The 2035 notice moves 元旦's rest to Sunday 2034-12-31 as well.
        Assert.Equal([2035], (await ImportAsync(Notice(2035, "2034-12-31,holiday,元旦"))).Years);
        var after = await admin.GetAsync<YearDto>("/api/v1/calendar/2034");
        Assert.Equal(before.Days.Count + 1, after.Days.Count);
        Assert.Equal(7, after.Days.Count(d => d.Date.Month == 10 && d.Date.Day <= 7)); // 国庆节 still there

        // 2034's notice imported again (a corrected copy) replaces the days it sets, not the one the 2035 notice set.
        Assert.Equal([2034], (await ImportAsync(Notice(2034))).Years);
        var again = await admin.GetAsync<YearDto>("/api/v1/calendar/2034");
        Assert.Equal(after.Days, again.Days);
        Assert.Contains(again.Days, d => d.Date == new DateOnly(2034, 12, 31));

        // The 2037 notice with a day of 2036, which is not loaded: refused naming the line, and nothing changes (CAL-3:
        // 2036 comes from its own notice first).
        var refused = await admin.PostAsync("/api/v1/calendar/import", new StringContent(Notice(2037, "2036-12-31,holiday,元旦"), Encoding.UTF8, "text/csv"));
        Assert.Contains("2036", (await refused.ExpectFieldErrorAsync("line 2")).ToString(), StringComparison.Ordinal);
        var years = (await admin.GetAsync<List<YearSummaryDto>>("/api/v1/calendar/years")).Select(y => y.Year).ToList();
        Assert.DoesNotContain(2036, years);
        Assert.DoesNotContain(2037, years);
        await (await admin.GetAsync("/api/v1/calendar/2036")).ExpectRuleAsync(HttpStatusCode.NotFound, "CAL-3");
        await (await admin.GetAsync("/api/v1/calendar/deadline?from=2026-12-20&days=3")).ExpectAsync(HttpStatusCode.OK); // the calendar still reads
    }

    [Fact]
    [Trait("Rule", "CAL-1")]
    public async Task Import_WhenALineIsBad_Refuses400NamingTheLineAndChangesNothing()
    {
        var admin = await app.ClientAsAsync(Roles.OfficeAdmin);
        var before = await admin.GetAsync<YearDto>("/api/v1/calendar/2026");
        const string csv = """
            date,type,name
            2026-12-24,holiday,平安夜
            2028-01-01,holiday,元旦
            2028-02-30,holiday,春节
            2028-01-05,makeup_workday,春节
            """;

        var response = await admin.PostAsync("/api/v1/calendar/import", new StringContent(csv, Encoding.UTF8, "text/csv"));

        var problem = await response.ExpectFieldErrorAsync("line 4"); // 30 February
        Assert.True(Api.NamesField(problem, "line 5"), $"a make-up day on a Wednesday is named too: {problem}");
        Assert.False(Api.NamesField(problem, "line 2"));
        Assert.Equal(before.Days, (await admin.GetAsync<YearDto>("/api/v1/calendar/2026")).Days);
        await (await admin.GetAsync("/api/v1/calendar/2028")).ExpectRuleAsync(HttpStatusCode.NotFound, "CAL-3");
    }

    /// <summary>
    /// CAL-1: a date outside 2000 to 2100 is refused naming its line (a year 9999 once stored made every deadline after it a
    /// 500); and a file of a few rows for a year already loaded corrects those days and keeps the year's others (it once
    /// replaced the whole year with its one row).
    /// </summary>
    [Fact]
    [Trait("Rule", "CAL-1")]
    [Trait("Rule", "CAL-3")]
    public async Task Import_OfAYearOutOfRangeIsRefused_AndAShortFileForALoadedYearCorrectsOnlyItsDays()
    {
        var admin = await app.ClientAsAsync(Roles.OfficeAdmin);
        var far = await admin.PostAsync("/api/v1/calendar/import", new StringContent("date,type,name\n9999-12-31,holiday,末日\n", Encoding.UTF8, "text/csv"));
        await far.ExpectFieldErrorAsync("line 2");
        await (await admin.GetAsync("/api/v1/calendar/9999")).ExpectAsync(HttpStatusCode.NotFound);
        await (await admin.GetAsync("/api/v1/calendar/deadline?from=2026-11-16&days=5")).ExpectAsync(HttpStatusCode.OK);

        var before = (await admin.GetAsync<YearDto>("/api/v1/calendar/2025")).Days;
        Assert.True(before.Count >= 10);
        await (await admin.PostAsync("/api/v1/calendar/import", new StringContent("date,type,name\n2025-12-31,holiday,跨年调整\n", Encoding.UTF8, "text/csv"))).ExpectAsync(HttpStatusCode.OK);
        var after = (await admin.GetAsync<YearDto>("/api/v1/calendar/2025")).Days;
        Assert.Equal(before.Count + 1, after.Count);
        Assert.All(before, d => Assert.Contains(after, a => a.Date == d.Date));
    }

    [Fact]
    [Trait("Rule", "CAL-1")]
    public async Task Import_WhenAHolidayNameIsTooLongToStore_Refuses400NamingTheLine()
    {
        var admin = await app.ClientAsAsync(Roles.OfficeAdmin);
        var csv = $"date,type,name\n2029-01-01,holiday,{new string('节', 101)}\n";

        var response = await admin.PostAsync("/api/v1/calendar/import", new StringContent(csv, Encoding.UTF8, "text/csv"));

        await response.ExpectFieldErrorAsync("line 2");
        await (await admin.GetAsync("/api/v1/calendar/2029")).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    [Trait("Rule", "CAL-1")]
    public async Task Import_WhenANameHoldsANulCharacter_Refuses400NamingTheLine()
    {
        var admin = await app.ClientAsAsync(Roles.OfficeAdmin);

        var response = await admin.PostAsync("/api/v1/calendar/import", new StringContent("date,type,name\n2029-01-01,holiday,元\0旦\n", Encoding.UTF8, "text/csv"));

        await response.ExpectFieldErrorAsync("line 2");
        await (await admin.GetAsync("/api/v1/calendar/2029")).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    [Trait("Rule", "CAL-1")]
    public async Task Import_WhenTheSourceNameIsVeryLong_ImportsAndKeepsItsBeginning()
    {
        var admin = await app.ClientAsAsync(Roles.OfficeAdmin);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/calendar/import") { Content = new StringContent("date,type,name\n2032-01-01,holiday,元旦\n", Encoding.UTF8, "text/csv") };
        request.Headers.Add("X-Source", "国务院办公厅通知" + new string('长', 1000));

        await (await admin.SendAsync(request)).ExpectAsync(HttpStatusCode.OK);

        var year = await admin.GetAsync<YearDto>("/api/v1/calendar/2032");
        Assert.StartsWith("国务院办公厅通知长长", year.Source, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "CAL-1")]
    [Trait("Rule", "CAL-2")]
    public async Task CorrectDay_WhenTheOfficeChangesADay_MovesDeadlinesAtOnce()
    {
        var admin = await app.ClientAsAsync(Roles.OfficeAdmin);
        var staff = await app.ClientAsAsync(Roles.OfficeStaff);
        const string threeDays = "/api/v1/calendar/deadline?from=2026-12-21&days=3";
        const string twoDays = "/api/v1/calendar/deadline?from=2026-12-24&days=2";
        Assert.Equal(new DateOnly(2026, 12, 24), (await staff.GetAsync<DeadlineDto>(threeDays)).LastDay);
        Assert.Equal(new DateOnly(2026, 12, 28), (await staff.GetAsync<DeadlineDto>(twoDays)).LastDay);
        try
        {
            // The app clock does not move: the 30-second cache must not hide the correction.
            await (await admin.PutJsonAsync("/api/v1/calendar/days/2026-12-23", new { kind = "holiday", name = "临时调整" })).ExpectAsync(HttpStatusCode.NoContent);
            Assert.Equal(new DateOnly(2026, 12, 25), (await staff.GetAsync<DeadlineDto>(threeDays)).LastDay);

            await (await admin.PutJsonAsync("/api/v1/calendar/days/2026-12-26", new { kind = "makeup_workday", name = "临时调整" })).ExpectAsync(HttpStatusCode.NoContent);
            Assert.Equal(new DateOnly(2026, 12, 26), (await staff.GetAsync<DeadlineDto>(twoDays)).LastDay); // Fri 25, Sat 26 at work
            Assert.Contains(new DayDto(new DateOnly(2026, 12, 23), "holiday", "临时调整"), (await staff.GetAsync<YearDto>("/api/v1/calendar/2026")).Days);
        }
        finally
        {
            await (await admin.PutJsonAsync("/api/v1/calendar/days/2026-12-23", new { kind = "normal" })).ExpectAsync(HttpStatusCode.NoContent);
            await (await admin.PutJsonAsync("/api/v1/calendar/days/2026-12-26", new { kind = "normal" })).ExpectAsync(HttpStatusCode.NoContent);
        }
        Assert.Equal(new DateOnly(2026, 12, 24), (await staff.GetAsync<DeadlineDto>(threeDays)).LastDay);
        Assert.Equal(new DateOnly(2026, 12, 28), (await staff.GetAsync<DeadlineDto>(twoDays)).LastDay);
    }

    [Fact]
    [Trait("Rule", "CAL-1")]
    public async Task CorrectDay_WhenMakeUpDayFallsOnAWeekday_Refuses422()
    {
        var admin = await app.ClientAsAsync(Roles.OfficeAdmin);

        await (await admin.PutJsonAsync("/api/v1/calendar/days/2026-12-23", new { kind = "makeup_workday", name = "调休" })).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "CAL-1");

        Assert.DoesNotContain((await admin.GetAsync<YearDto>("/api/v1/calendar/2026")).Days, d => d.Date == new DateOnly(2026, 12, 23));
    }

    [Theory]
    [Trait("Rule", "CAL-3")]
    [InlineData("/api/v1/calendar/days/2031-01-06", """{"kind":"holiday","name":"x"}""", 422, "CAL-3")]
    [InlineData("/api/v1/calendar/days/2026-13-01", """{"kind":"holiday","name":"x"}""", 400, "date")]
    [InlineData("/api/v1/calendar/days/2026-12-23", """{"kind":"day-off","name":"x"}""", 400, "kind")]
    public async Task CorrectDay_WhenDateOrKindIsWrong_RefusesNamingWhy(string path, string body, int status, string ruleOrField)
    {
        var admin = await app.ClientAsAsync(Roles.OfficeAdmin);

        var response = await admin.PutAsync(path, Api.JsonBody(body));

        if (status == 422) await response.ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, ruleOrField);
        else await response.ExpectFieldErrorAsync(ruleOrField);
    }

    [Fact]
    [Trait("Rule", "CAL-1")]
    public async Task CorrectDay_WhenNameIsTooLongToStore_Refuses400NamingIt()
    {
        var admin = await app.ClientAsAsync(Roles.OfficeAdmin);

        var response = await admin.PutJsonAsync("/api/v1/calendar/days/2026-12-22", new { kind = "holiday", name = new string('节', 101) });

        await response.ExpectFieldErrorAsync("name");
        Assert.DoesNotContain((await admin.GetAsync<YearDto>("/api/v1/calendar/2026")).Days, d => d.Date == new DateOnly(2026, 12, 22));
    }

    [Theory]
    [Trait("Rule", "CAL-2")]
    [InlineData("from=2026-02-30&days=5", "from")]
    [InlineData("from=16/11/2026&days=5", "from")]
    [InlineData("from=2026-11-16&days=-1", "days")]
    [InlineData("from=2026-11-16", "days")]
    public async Task Deadline_WhenParametersAreInvalid_Refuses400NamingTheParameter(string query, string field)
    {
        var client = await app.ClientAsAsync(Roles.OfficeStaff);

        await (await client.GetAsync($"/api/v1/calendar/deadline?{query}")).ExpectFieldErrorAsync(field);
    }

    [Theory]
    [Trait("Rule", "CAL-1")]
    [Trait("Rule", "SEC-1")]
    [InlineData(Roles.OfficeStaff)]
    [InlineData(Roles.Leader)]
    [InlineData(Roles.SystemAdmin)]
    public async Task ImportAndCorrect_WhenNotOfficeAdministrator_AreForbiddenAndChangeNothing(string role)
    {
        var client = await app.ClientAsAsync(role);

        await (await client.PostAsync("/api/v1/calendar/import", new StringContent("date,type,name\n2030-10-01,holiday,国庆节\n", Encoding.UTF8, "text/csv"))).ExpectAsync(HttpStatusCode.Forbidden);
        await (await client.PutJsonAsync("/api/v1/calendar/days/2026-12-22", new { kind = "holiday", name = "x" })).ExpectAsync(HttpStatusCode.Forbidden);

        var staff = await app.ClientAsAsync(Roles.OfficeStaff);
        Assert.DoesNotContain((await staff.GetAsync<YearDto>("/api/v1/calendar/2026")).Days, d => d.Date == new DateOnly(2026, 12, 22));
        await (await staff.GetAsync("/api/v1/calendar/2030")).ExpectAsync(HttpStatusCode.NotFound);
    }

    private static List<string> BundledOfficialDays(int year)
    {
        using var stream = typeof(CalendarAdmin).Assembly.GetManifestResourceStream(CalendarAdmin.OfficialResource)!;
        using var reader = new StreamReader(stream);
        var parsed = OfficialCalendarCsv.Parse(reader);
        return parsed.Entries.Where(e => e.Date.Year == year).OrderBy(e => e.Date)
            .Select(e => $"{e.Date:yyyy-MM-dd},{CalendarApi.KindCode(e.Kind)},{e.Name}").ToList();
    }

    private sealed record DayDto(DateOnly Date, string Kind, string Name);
    private sealed record YearDto(int Year, string Source, DateTime UpdatedAt, List<DayDto> Days);
    private sealed record YearSummaryDto(int Year, string Source);
    private sealed record DeadlineDto(DateOnly EventDate, int WorkingDays, DateOnly LastDay, DateTime EndsAtUtc, int WorkingDaysLeft);
    private sealed record ImportResultDto(List<int> Years, int Days);
}
