using System.Globalization;

namespace Mingcha.Domain.Calendar;

/// <summary>
/// Thrown when a working-day computation needs a year the calendar does not hold.
/// Rule CAL-3: this is an error shown to the Office, never a silent guess.
/// </summary>
public sealed class CalendarYearMissingException : Exception
{
    /// <summary>Creates the exception for the first year that is missing.</summary>
    public CalendarYearMissingException(int year)
        : base(string.Format(
            CultureInfo.InvariantCulture,
            "工作日历缺少 {0} 年的数据，无法计算期限（CAL-3）。 The working-day calendar has no data for {0} (CAL-3).",
            year))
    {
        Year = year;
    }

    /// <summary>The first year the computation needed and the calendar does not hold.</summary>
    public int Year { get; }
}
