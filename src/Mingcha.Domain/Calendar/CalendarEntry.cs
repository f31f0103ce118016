namespace Mingcha.Domain.Calendar;

/// <summary>What an official calendar entry changes about an ordinary week (Rule CAL-1).</summary>
public enum CalendarDayKind
{
    /// <summary>A public holiday: off, even on a weekday.</summary>
    Holiday,

    /// <summary>A make-up working day (调休上班): on, even on a Saturday or Sunday.</summary>
    MakeupWorkday,
}

/// <summary>One day of the State Council's yearly holiday notice (Rule CAL-1).</summary>
/// <param name="Date">The calendar day.</param>
/// <param name="Kind">Holiday or make-up working day.</param>
/// <param name="Name">The festival it belongs to, e.g. 春节.</param>
public sealed record CalendarEntry(DateOnly Date, CalendarDayKind Kind, string Name);
