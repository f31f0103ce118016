using Mingcha.Domain.Calendar;

namespace Mingcha.Web.Features.Calendar;

/// <summary>
/// A year the working-day calendar holds (CAL-1), with where its data came from. Calendar rows are
/// configuration: imports and corrections are audited as events by <see cref="CalendarAdmin"/>.
/// </summary>
public sealed class CalendarYear
{
    /// <summary>The longest <see cref="Source"/> the database keeps.</summary>
    public const int MaxSourceLength = 300;

    private CalendarYear() { Source = ""; }
    public CalendarYear(int year, string source, DateTime nowUtc) { Year = year; Source = source; LoadedAt = nowUtc; UpdatedAt = nowUtc; }
    public int Year { get; private set; }
    public string Source { get; private set; }
    public DateTime LoadedAt { get; private set; }
    /// <summary>Changes on every import or correction, so other app instances reload their cached calendar.</summary>
    public DateTime UpdatedAt { get; private set; }
    public void Touch(string source, DateTime nowUtc) { Source = source; UpdatedAt = nowUtc; }
}

/// <summary>A day that differs from the plain weekday/weekend rule: a public holiday or a make-up working day (CAL-1).</summary>
public sealed class CalendarDay
{
    private CalendarDay() { Name = ""; }
    public CalendarDay(DateOnly date, CalendarDayKind kind, string name) { Date = date; Kind = kind; Name = name; }
    public DateOnly Date { get; private set; }
    public CalendarDayKind Kind { get; private set; }
    public string Name { get; private set; }
    public void Correct(CalendarDayKind kind, string name) { Kind = kind; Name = name; }
}
