using Mingcha.Domain.Calendar;
using static Mingcha.UnitTests.Calendar.OfficialCalendar;

namespace Mingcha.UnitTests.Calendar;

public class WorkingDayDeadlineTests
{
    private static readonly TimeZoneInfo Beijing =
        TimeZoneInfo.CreateCustomTimeZone("Test/Beijing", TimeSpan.FromHours(8), "Beijing", "Beijing");

    // UTC-3, summer time UTC-2 from 1 November 00:00 (clocks skip midnight) to 20 February
    // 01:00 (clocks go back to 00:00, so midnight happens twice).
    private static readonly TimeZoneInfo SouthernDst = TimeZoneInfo.CreateCustomTimeZone(
        "Test/SouthernDst",
        TimeSpan.FromHours(-3),
        "Southern",
        "Southern",
        "Southern summer",
        [
            TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(
                new DateTime(2000, 1, 1),
                new DateTime(2099, 12, 31),
                TimeSpan.FromHours(1),
                TimeZoneInfo.TransitionTime.CreateFixedDateRule(new DateTime(1, 1, 1, 0, 0, 0), 11, 1),
                TimeZoneInfo.TransitionTime.CreateFixedDateRule(new DateTime(1, 1, 1, 1, 0, 0), 2, 20)),
        ]);

    [Fact]
    [Trait("Rule", "CAL-2")]
    public void Compute_WhenAcrossNationalDay_KeepsEventCountAndLastDay()
    {
        var deadline = WorkingDayDeadline.Compute(Official, D("2026-09-30"), 3);

        Assert.Equal(new WorkingDayDeadline(D("2026-09-30"), 3, D("2026-10-10")), deadline);
    }

    [Fact]
    [Trait("Rule", "CAL-2")]
    public void EndsAtUtc_WhenBeijing_IsMidnightAfterLastDayMinusEightHours()
    {
        // Ends at the end of Sat 2026-10-10, i.e. 2026-10-11 00:00 in Beijing = 2026-10-10 16:00 UTC.
        var deadline = new WorkingDayDeadline(D("2026-09-30"), 3, D("2026-10-10"));

        var end = deadline.EndsAtUtc(Beijing);

        Assert.Equal(new DateTime(2026, 10, 10, 16, 0, 0, DateTimeKind.Utc), end);
        Assert.Equal(DateTimeKind.Utc, end.Kind);
    }

    [Fact]
    [Trait("Rule", "CAL-2")]
    public void EndsAtUtc_WhenClocksSkipMidnight_IsTheMomentTheDayStarts()
    {
        // SouthernDst jumps from 00:00 to 01:00 (UTC-2) on 1 November: the day after a deadline
        // ending 31 October starts at 01:00 local = 03:00 UTC.
        var deadline = new WorkingDayDeadline(D("2026-10-30"), 1, D("2026-10-31"));

        Assert.Equal(new DateTime(2026, 11, 1, 3, 0, 0, DateTimeKind.Utc), deadline.EndsAtUtc(SouthernDst));
    }

    [Fact]
    [Trait("Rule", "CAL-2")]
    public void EndsAtUtc_WhenMidnightHappensTwice_IsTheFirstMidnight()
    {
        // SouthernDst goes back from 01:00 (UTC-2) to 00:00 (UTC-3) on 20 February, so
        // 20 February 00:00 happens first at 02:00 UTC.
        var deadline = new WorkingDayDeadline(D("2026-02-18"), 1, D("2026-02-19"));

        Assert.Equal(new DateTime(2026, 2, 20, 2, 0, 0, DateTimeKind.Utc), deadline.EndsAtUtc(SouthernDst));
    }

    [Fact]
    [Trait("Rule", "CAL-2")]
    public void Constructor_WhenNegativeCountOrEndBeforeEvent_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkingDayDeadline(D("2026-03-09"), 1, D("2026-03-06")));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkingDayDeadline(D("2026-03-09"), -1, D("2026-03-09")));
    }

    [Fact]
    [Trait("Rule", "CAL-3")]
    public void Compute_WhenYearMissing_ThrowsNamingIt()
    {
        Assert.Equal(2027, Assert.Throws<CalendarYearMissingException>(
            () => WorkingDayDeadline.Compute(Official, D("2026-12-31"), 1)).Year);
    }
}
