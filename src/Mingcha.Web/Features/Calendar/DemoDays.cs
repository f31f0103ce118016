using Mingcha.Domain.Calendar;

namespace Mingcha.Web.Features.Calendar;

/// <summary>
/// The days the demo puts its made-up activity on: the official calendar's working days, and Monday to Friday in a year
/// the calendar does not hold yet. (Real deadlines refuse such a year, CAL-3; the demo only needs plausible days.)
/// </summary>
public static class DemoDays
{
    public static bool IsWorkingDay(WorkingCalendar calendar, DateOnly day)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return calendar.IsCovered(day.Year) ? calendar.IsWorkingDay(day) : day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
    }

    /// <summary>The <paramref name="n"/>-th working day before <paramref name="day"/> (which itself does not count).</summary>
    public static DateOnly WorkingDaysBefore(WorkingCalendar calendar, DateOnly day, int n)
    {
        for (var left = n; left > 0;)
        {
            day = day.AddDays(-1);
            if (IsWorkingDay(calendar, day)) left--;
        }
        return day;
    }
}
