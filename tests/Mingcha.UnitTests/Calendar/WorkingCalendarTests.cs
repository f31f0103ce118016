using Mingcha.Domain.Calendar;
using static Mingcha.UnitTests.Calendar.OfficialCalendar;

namespace Mingcha.UnitTests.Calendar;

// Expected dates are worked out by hand from cn-official-2024-2026.csv and the real weekdays:
// 2026-01-01 is a Thursday. Spring Festival 2026: Sat 02-14 make-up, Sun 02-15 .. Mon 02-23
// holiday, Sat 02-28 make-up. National Day 2026: Sun 09-20 make-up, Fri 09-25 .. Sun 09-27
// Mid-Autumn holiday, Thu 10-01 .. Wed 10-07 holiday, Sat 10-10 make-up. New Year 2026: Thu 01-01
// .. Sat 01-03 holiday, Sun 01-04 make-up.
public class WorkingCalendarTests
{
    [Theory]
    [Trait("Rule", "CAL-1")]
    [InlineData("2026-02-14", true)]  // Saturday, Spring Festival make-up day
    [InlineData("2026-02-16", false)] // Monday, Spring Festival holiday
    [InlineData("2026-02-21", false)] // Saturday inside the holiday
    [InlineData("2026-02-28", true)]  // Saturday, make-up day
    [InlineData("2026-03-07", false)] // ordinary Saturday
    [InlineData("2026-03-08", false)] // ordinary Sunday
    [InlineData("2026-03-09", true)]  // ordinary Monday
    [InlineData("2026-10-09", true)]  // ordinary Friday after National Day
    [InlineData("2026-10-10", true)]  // Saturday, National Day make-up day
    [InlineData("2026-10-11", false)] // ordinary Sunday
    public void IsWorkingDay_WhenOfficialCalendar_FollowsWeekdaysHolidaysAndMakeupDays(string date, bool expected)
    {
        Assert.Equal(expected, Official.IsWorkingDay(D(date)));
    }

    [Fact]
    [Trait("Rule", "CAL-1")]
    public void CountWorkingDays_WhenWhole2026_Is248()
    {
        // 2026 has 261 weekdays (52 weeks + Thursday 01-01); 19 holidays fall on weekdays
        // (01-01, 01-02; 02-16..02-20, 02-23; 04-06; 05-01, 05-04, 05-05; 06-19; 09-25;
        // 10-01, 10-02, 10-05, 10-06, 10-07) and 6 make-up days fall on weekends
        // (01-04, 02-14, 02-28, 05-09, 09-20, 10-10): 261 - 19 + 6 = 248.
        Assert.Equal(248, Official.CountWorkingDays(D("2025-12-31"), D("2026-12-31")));
    }

    [Fact]
    [Trait("Rule", "CAL-1")]
    public void EntryFor_WhenMakeupDay_ReturnsItsKindAndName()
    {
        var entry = Official.EntryFor(D("2026-10-10"));

        Assert.Equal(new CalendarEntry(D("2026-10-10"), CalendarDayKind.MakeupWorkday, "国庆节"), entry);
        Assert.Null(Official.EntryFor(D("2026-10-09")));
    }

    [Theory]
    [Trait("Rule", "CAL-2")]
    [InlineData("2026-02-13", 1, "2026-02-14")]  // Fri → the make-up Saturday
    [InlineData("2026-02-13", 2, "2026-02-24")]  // then the whole holiday is skipped to Tue
    [InlineData("2026-02-13", 5, "2026-02-27")]  // 14, 24, 25, 26, 27
    [InlineData("2026-02-13", 6, "2026-02-28")]  // the second make-up Saturday counts
    [InlineData("2026-02-13", 7, "2026-03-02")]  // Sun 03-01 is off
    [InlineData("2026-02-12", 10, "2026-03-04")] // 13, 14, 24, 25, 26, 27, 28, 03-02, 03-03, 03-04
    public void AddWorkingDays_WhenAcrossSpringFestival2026_SkipsHolidayAndCountsMakeupWeekends(string eventDate, int n, string expected)
    {
        Assert.Equal(D(expected), Official.AddWorkingDays(D(eventDate), n));
    }

    [Theory]
    [Trait("Rule", "CAL-2")]
    [InlineData("2026-09-18", 1, "2026-09-20")]  // Fri → Sun 09-20 is a make-up day, Sat 09-19 is not
    [InlineData("2026-09-18", 5, "2026-09-24")]  // 20, 21, 22, 23, 24
    [InlineData("2026-09-18", 6, "2026-09-28")]  // Mid-Autumn 25..27 skipped
    [InlineData("2026-09-18", 9, "2026-10-08")]  // 28, 29, 30, then 10-01..10-07 skipped
    [InlineData("2026-09-30", 1, "2026-10-08")]
    [InlineData("2026-09-30", 3, "2026-10-10")]  // 08, 09, Sat 10-10 make-up
    [InlineData("2026-09-30", 4, "2026-10-12")]  // Sun 10-11 is off
    public void AddWorkingDays_WhenAcrossNationalDay2026_SkipsHolidayAndCountsMakeupDays(string eventDate, int n, string expected)
    {
        Assert.Equal(D(expected), Official.AddWorkingDays(D(eventDate), n));
    }

    [Theory]
    [Trait("Rule", "CAL-2")]
    [InlineData("2026-03-06", 1, "2026-03-09")] // ordinary Friday → Monday
    [InlineData("2026-03-06", 5, "2026-03-13")] // a full week later, Friday
    public void AddWorkingDays_WhenEventOnFriday_SkipsTheWeekend(string eventDate, int n, string expected)
    {
        Assert.Equal(D(expected), Official.AddWorkingDays(D(eventDate), n));
    }

    [Theory]
    [Trait("Rule", "CAL-2")]
    [InlineData("2026-02-17", 1, "2026-02-24")] // Tuesday, a holiday
    [InlineData("2026-03-07", 1, "2026-03-09")] // ordinary Saturday
    [InlineData("2026-02-14", 1, "2026-02-24")] // make-up Saturday: a working day, still not counted
    public void AddWorkingDays_WhenEventDayIsOffOrWorking_NeverCountsTheEventDay(string eventDate, int n, string expected)
    {
        Assert.Equal(D(expected), Official.AddWorkingDays(D(eventDate), n));
    }

    [Theory]
    [Trait("Rule", "CAL-2")]
    [InlineData("2025-12-30", 1, "2025-12-31")]
    [InlineData("2025-12-30", 2, "2026-01-04")] // New Year 01-01..01-03 skipped, Sun 01-04 make-up
    [InlineData("2025-12-31", 1, "2026-01-04")]
    [InlineData("2025-12-31", 2, "2026-01-05")]
    [InlineData("2025-12-26", 5, "2026-01-05")] // Fri → 12-29, 12-30, 12-31, 01-04, 01-05
    public void AddWorkingDays_WhenAcrossNewYear2026_ContinuesIntoNextYear(string eventDate, int n, string expected)
    {
        Assert.Equal(D(expected), Official.AddWorkingDays(D(eventDate), n));
    }

    [Theory]
    [Trait("Rule", "CAL-2")]
    [InlineData("2026-02-17")] // holiday
    [InlineData("2026-03-09")] // working day
    public void AddWorkingDays_WhenZero_ReturnsEventDate(string eventDate)
    {
        Assert.Equal(D(eventDate), Official.AddWorkingDays(D(eventDate), 0));
    }

    [Fact]
    [Trait("Rule", "CAL-2")]
    public void AddWorkingDays_WhenNegative_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Official.AddWorkingDays(D("2026-03-09"), -1));
    }

    [Fact]
    [Trait("Rule", "CAL-2")]
    public void AddWorkingDays_WhenComparedWithDayByDayCount_AgreesForEveryDateOf2024To2026()
    {
        // A plain day-by-day walk is the rule as written; the O(1) lookup must agree with it everywhere.
        var cal = Official;
        for (var d = D("2024-01-01"); d <= D("2026-10-31"); d = d.AddDays(1))
        {
            var walk = d;
            for (var n = 1; n <= 40; n++)
            {
                do
                {
                    walk = walk.AddDays(1);
                }
                while (!cal.IsWorkingDay(walk));

                Assert.Equal(walk, cal.AddWorkingDays(d, n));
            }
        }
    }

    [Theory]
    [Trait("Rule", "CAL-3")]
    [InlineData("2026-12-31", 1)]
    [InlineData("2026-12-28", 4)] // Mon: 29, 30, 31 fit in 2026, the 4th needs 2027
    [InlineData("2026-03-02", 300)]
    [InlineData("2027-03-01", 1)] // event itself in 2027
    [InlineData("2027-03-01", 0)]
    public void AddWorkingDays_WhenResultNeeds2027_ThrowsNaming2027(string eventDate, int n)
    {
        var ex = Assert.Throws<CalendarYearMissingException>(() => Official.AddWorkingDays(D(eventDate), n));

        Assert.Equal(2027, ex.Year);
        Assert.Contains("2027", ex.Message, StringComparison.Ordinal);
        Assert.Contains("CAL-3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("工作日历缺少", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "CAL-3")]
    public void AddWorkingDays_WhenLastWorkingDayOf2026_StillFits()
    {
        Assert.Equal(D("2026-12-31"), Official.AddWorkingDays(D("2026-12-28"), 3));
    }

    [Fact]
    [Trait("Rule", "CAL-3")]
    public void AddWorkingDays_WhenEventBeforeFirstYear_ThrowsNamingThatYear()
    {
        var ex = Assert.Throws<CalendarYearMissingException>(() => Official.AddWorkingDays(D("2023-12-29"), 1));

        Assert.Equal(2023, ex.Year);
    }

    [Theory]
    [Trait("Rule", "CAL-3")]
    [InlineData("2024-12-31", 1)]  // the next working day is in 2025
    [InlineData("2024-12-27", 3)]  // Fri: 12-30, 12-31, then 2025
    [InlineData("2024-06-03", 300)] // ~145 left in 2024, so this would land in 2026 by skipping 2025
    public void AddWorkingDays_WhenGapYearInBetween_ThrowsNamingTheGapYear(string eventDate, int n)
    {
        var cal = OfYears(2024, 2026);

        var ex = Assert.Throws<CalendarYearMissingException>(() => cal.AddWorkingDays(D(eventDate), n));

        Assert.Equal(2025, ex.Year);
    }

    [Fact]
    [Trait("Rule", "CAL-3")]
    public void AddWorkingDays_WhenGapYearButResultBeforeIt_Computes()
    {
        var cal = OfYears(2024, 2026);

        Assert.Equal(D("2024-12-31"), cal.AddWorkingDays(D("2024-12-27"), 2));
        Assert.Equal(D("2026-02-24"), cal.AddWorkingDays(D("2026-02-13"), 2));
    }

    [Fact]
    [Trait("Rule", "CAL-3")]
    public void IsWorkingDay_WhenYearIsGap_Throws()
    {
        var cal = OfYears(2024, 2026);

        Assert.False(cal.IsCovered(2025));
        Assert.Equal([2024, 2026], cal.Years);
        Assert.Equal(2025, Assert.Throws<CalendarYearMissingException>(() => cal.IsWorkingDay(D("2025-03-03"))).Year);
    }

    [Fact]
    [Trait("Rule", "CAL-3")]
    public void CountWorkingDays_WhenRangeCrossesGapYear_ThrowsNamingTheGapYear()
    {
        var cal = OfYears(2024, 2026);

        var ex = Assert.Throws<CalendarYearMissingException>(() => cal.CountWorkingDays(D("2024-12-01"), D("2026-01-10")));

        Assert.Equal(2025, ex.Year);
    }

    [Fact]
    [Trait("Rule", "CAL-3")]
    public void AddWorkingDays_WhenCalendarEmpty_ThrowsNamingEventYear()
    {
        var cal = new WorkingCalendar([], []);

        Assert.Equal(2026, Assert.Throws<CalendarYearMissingException>(() => cal.AddWorkingDays(D("2026-03-02"), 1)).Year);
    }

    [Fact]
    [Trait("Rule", "CAL-1")]
    public void Constructor_WhenEntryOutsideCoveredYears_Throws()
    {
        var entries = new[] { new CalendarEntry(D("2025-10-01"), CalendarDayKind.Holiday, "国庆节") };

        Assert.Throws<ArgumentException>(() => new WorkingCalendar([2026], entries));
    }

    [Fact]
    [Trait("Rule", "CAL-1")]
    public void Constructor_WhenTwoEntriesShareADate_Throws()
    {
        var entries = new[]
        {
            new CalendarEntry(D("2026-10-01"), CalendarDayKind.Holiday, "国庆节"),
            new CalendarEntry(D("2026-10-01"), CalendarDayKind.MakeupWorkday, "国庆节"),
        };

        Assert.Throws<ArgumentException>(() => new WorkingCalendar([2026], entries));
    }

    [Fact]
    [Trait("Rule", "CAL-1")]
    public void IsWorkingDay_WhenYearCoveredWithoutEntries_UsesPlainWeekdays()
    {
        // A covered year with no notice rows (e.g. the Office has confirmed no changes yet) is
        // just Monday to Friday.
        var cal = new WorkingCalendar([2026], []);

        Assert.True(cal.IsWorkingDay(D("2026-10-01")));  // Thursday, no holiday loaded
        Assert.False(cal.IsWorkingDay(D("2026-10-10"))); // Saturday, no make-up loaded
    }

    [Theory]
    [Trait("Rule", "CAL-2")]
    [InlineData("2026-09-30", "2026-10-12", 4)] // 08, 09, 10 (Sat make-up), 12
    [InlineData("2025-12-31", "2026-01-05", 2)] // 01-04 (Sun make-up), 01-05
    [InlineData("2026-03-09", "2026-03-09", 0)] // empty range
    [InlineData("2026-03-13", "2026-03-09", 0)] // reversed range
    public void CountWorkingDays_WhenRange_CountsWorkingDaysAfterStartUpToEnd(string fromExclusive, string toInclusive, int expected)
    {
        Assert.Equal(expected, Official.CountWorkingDays(D(fromExclusive), D(toInclusive)));
    }

    // The deadline used below: event Fri 2026-02-13, 2 working days → last day Tue 2026-02-24.
    [Theory]
    [Trait("Rule", "CAL-2")]
    [InlineData("2026-02-13", 3)]  // Fri 13, Sat 14 (make-up), Tue 24
    [InlineData("2026-02-16", 1)]  // holiday: only the last day itself is left
    [InlineData("2026-02-24", 1)]  // on the last day itself
    [InlineData("2026-02-25", -1)] // one working day late
    [InlineData("2026-03-02", -5)] // 25, 26, 27, Sat 28 (make-up), Mon 03-02
    [InlineData("2026-03-01", -4)] // Sunday: 25, 26, 27, 28
    public void WorkingDaysLeft_WhenBeforeOnOrAfterLastDay_CountsDownThenGoesNegative(string today, int expected)
    {
        var deadline = WorkingDayDeadline.Compute(Official, D("2026-02-13"), 2);
        Assert.Equal(D("2026-02-24"), deadline.LastDay);

        Assert.Equal(expected, Official.WorkingDaysLeft(D(today), deadline.LastDay));
        Assert.Equal(expected, deadline.WorkingDaysLeft(Official, D(today)));
    }

    [Fact]
    [Trait("Rule", "CAL-2")]
    public void WorkingDaysLeft_WhenDayAfterLastIsWeekend_IsZeroThoughOverdue()
    {
        // Last day Fri 2026-03-06; on Sat 03-07 no working day has passed since, so 0 (not -1):
        // the deadline has ended, which callers see from today > LastDay.
        Assert.Equal(0, Official.WorkingDaysLeft(D("2026-03-07"), D("2026-03-06")));
    }

    [Fact]
    [Trait("Rule", "CAL-3")]
    public void WorkingDaysLeft_WhenTodayIn2027_Throws()
    {
        Assert.Equal(2027, Assert.Throws<CalendarYearMissingException>(
            () => Official.WorkingDaysLeft(D("2027-01-05"), D("2026-12-31"))).Year);
    }
}
