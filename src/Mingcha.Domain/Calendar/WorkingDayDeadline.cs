namespace Mingcha.Domain.Calendar;

/// <summary>
/// A deadline of <see cref="WorkingDays"/> working days from an event, ending at the end of
/// <see cref="LastDay"/> (Rule CAL-2).
/// </summary>
/// <param name="EventDate">The day of the event; it does not count.</param>
/// <param name="WorkingDays">The number of working days allowed, 0 or more.</param>
/// <param name="LastDay">The last day of the deadline, on or after <paramref name="EventDate"/>.</param>
public sealed record WorkingDayDeadline(DateOnly EventDate, int WorkingDays, DateOnly LastDay)
{
    /// <summary>The number of working days allowed, 0 or more.</summary>
    public int WorkingDays { get; init; } = WorkingDays >= 0
        ? WorkingDays
        : throw new ArgumentOutOfRangeException(nameof(WorkingDays), WorkingDays, "A deadline cannot have a negative number of working days.");

    /// <summary>The last day of the deadline, on or after the event's day.</summary>
    public DateOnly LastDay { get; init; } = LastDay >= EventDate
        ? LastDay
        : throw new ArgumentOutOfRangeException(nameof(LastDay), LastDay, "A deadline cannot end before its event.");

    /// <summary>Rule CAL-2: computes the deadline on the official calendar.</summary>
    /// <exception cref="CalendarYearMissingException">The calendar lacks a year the deadline needs (Rule CAL-3).</exception>
    public static WorkingDayDeadline Compute(WorkingCalendar calendar, DateOnly eventDate, int n)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return new WorkingDayDeadline(eventDate, n, calendar.AddWorkingDays(eventDate, n));
    }

    /// <summary>
    /// The instant the deadline ends: the start of the day after <see cref="LastDay"/> in
    /// <paramref name="timeZone"/>, as UTC (Kind Utc).
    /// </summary>
    public DateTime EndsAtUtc(TimeZoneInfo timeZone)
    {
        ArgumentNullException.ThrowIfNull(timeZone);
        var localMidnight = LastDay.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);

        if (timeZone.IsInvalidTime(localMidnight))
        {
            // Clocks jump over midnight: the day starts at the jump, i.e. midnight at the offset before it.
            var offsetBefore = timeZone.GetUtcOffset(localMidnight.AddDays(-1));
            return DateTime.SpecifyKind(localMidnight - offsetBefore, DateTimeKind.Utc);
        }

        if (timeZone.IsAmbiguousTime(localMidnight))
        {
            // Midnight happens twice: the day starts at the first one, under the larger (earlier) offset.
            var offset = timeZone.GetAmbiguousTimeOffsets(localMidnight).Max();
            return DateTime.SpecifyKind(localMidnight - offset, DateTimeKind.Utc);
        }

        return TimeZoneInfo.ConvertTimeToUtc(localMidnight, timeZone);
    }

    /// <summary>Working days left on <paramref name="today"/>; negative once overdue (see <see cref="WorkingCalendar.WorkingDaysLeft"/>).</summary>
    public int WorkingDaysLeft(WorkingCalendar calendar, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return calendar.WorkingDaysLeft(today, LastDay);
    }
}
