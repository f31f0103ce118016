using System.Collections.Frozen;
using System.Globalization;

namespace Mingcha.Domain.Calendar;

/// <summary>
/// The official working-day calendar over a set of covered years (Rule CAL-1) and deadline
/// arithmetic on it (Rule CAL-2). Any computation that needs a year outside the covered set
/// throws <see cref="CalendarYearMissingException"/> (Rule CAL-3). Immutable and thread-safe.
/// </summary>
/// <remarks>
/// Everything is precomputed once over the span from 1 January of the first covered year to
/// 31 December of the last, so that each query is O(1): deadlines are computed for every open
/// finding and complaint on each list page, and must not loop over days.
/// </remarks>
public sealed class WorkingCalendar
{
    private readonly int[] _years;
    private readonly int _firstYear;
    private readonly int _lastYear;

    // Day number (DateOnly.DayNumber) of 1 January of _firstYear: index 0 of the day arrays.
    private readonly int _startDayNumber;

    // Per year of the span: whether the calendar holds it. Gap years stay false.
    private readonly bool[] _covered;

    // Per year of the span: the first year >= it that is not covered (_lastYear + 1 if none).
    // Lets a range of years be checked for a gap in O(1) (Rule CAL-3).
    private readonly int[] _firstMissingFrom;

    // _workingBefore[i] = number of working days with day index < i; length = days + 1.
    private readonly int[] _workingBefore;

    // _workingDays[k] = day index of the (k+1)-th working day of the span.
    private readonly int[] _workingDays;

    private readonly FrozenDictionary<DateOnly, CalendarEntry> _entries;
    private readonly CalendarEntry[] _orderedEntries;

    /// <summary>Builds the calendar.</summary>
    /// <param name="coveredYears">The years whose official notice has been loaded. Need not be contiguous.</param>
    /// <param name="entries">Holidays and make-up working days; each must fall in a covered year, one per date.</param>
    /// <exception cref="ArgumentException">An entry lies outside the covered years, or two entries share a date.</exception>
    public WorkingCalendar(IEnumerable<int> coveredYears, IEnumerable<CalendarEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(coveredYears);
        ArgumentNullException.ThrowIfNull(entries);

        _years = coveredYears.Distinct().Order().ToArray();
        foreach (var y in _years)
        {
            // DateOnly ends at 9999-12-31; the last year must leave room for "the year after" checks.
            ArgumentOutOfRangeException.ThrowIfLessThan(y, 1, nameof(coveredYears));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(y, 9998, nameof(coveredYears));
        }

        var byDate = new Dictionary<DateOnly, CalendarEntry>();
        foreach (var e in entries)
        {
            if (e is null)
            {
                throw new ArgumentException("Calendar entries must not be null.", nameof(entries));
            }

            if (Array.BinarySearch(_years, e.Date.Year) < 0)
            {
                throw new ArgumentException(
                    string.Format(CultureInfo.InvariantCulture, "Entry {0:yyyy-MM-dd} lies outside the covered years.", e.Date),
                    nameof(entries));
            }

            if (!byDate.TryAdd(e.Date, e))
            {
                throw new ArgumentException(
                    string.Format(CultureInfo.InvariantCulture, "Two entries for {0:yyyy-MM-dd}.", e.Date),
                    nameof(entries));
            }
        }

        _entries = byDate.ToFrozenDictionary();
        _orderedEntries = byDate.Values.OrderBy(e => e.Date).ToArray();

        if (_years.Length == 0)
        {
            _covered = [];
            _firstMissingFrom = [];
            _workingBefore = [0];
            _workingDays = [];
            return;
        }

        _firstYear = _years[0];
        _lastYear = _years[^1];
        var spanYears = _lastYear - _firstYear + 1;

        _covered = new bool[spanYears];
        foreach (var y in _years)
        {
            _covered[y - _firstYear] = true;
        }

        _firstMissingFrom = new int[spanYears];
        var next = _lastYear + 1;
        for (var i = spanYears - 1; i >= 0; i--)
        {
            if (!_covered[i])
            {
                next = _firstYear + i;
            }

            _firstMissingFrom[i] = next;
        }

        var start = new DateOnly(_firstYear, 1, 1);
        _startDayNumber = start.DayNumber;
        var days = new DateOnly(_lastYear, 12, 31).DayNumber - _startDayNumber + 1;

        _workingBefore = new int[days + 1];
        var working = new List<int>(days * 5 / 7 + 16);
        var dayOfWeek = start.DayOfWeek;
        var date = start;
        for (var i = 0; i < days; i++)
        {
            bool isWorking;
            if (!_covered[date.Year - _firstYear])
            {
                // A gap year has no working days here; any query touching it throws first (Rule CAL-3).
                isWorking = false;
            }
            else if (_entries.TryGetValue(date, out var entry))
            {
                isWorking = entry.Kind == CalendarDayKind.MakeupWorkday;
            }
            else
            {
                isWorking = dayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
            }

            if (isWorking)
            {
                working.Add(i);
            }

            _workingBefore[i + 1] = _workingBefore[i] + (isWorking ? 1 : 0);
            dayOfWeek = dayOfWeek == DayOfWeek.Saturday ? DayOfWeek.Sunday : dayOfWeek + 1;
            date = date.AddDays(1);
        }

        _workingDays = working.ToArray();
    }

    /// <summary>The covered years, ascending.</summary>
    public IReadOnlyList<int> Years => Array.AsReadOnly(_years);

    /// <summary>All holidays and make-up working days, by date.</summary>
    public IReadOnlyList<CalendarEntry> Entries => Array.AsReadOnly(_orderedEntries);

    /// <summary>Whether the calendar holds the official notice of <paramref name="year"/>.</summary>
    public bool IsCovered(int year) =>
        _years.Length > 0 && year >= _firstYear && year <= _lastYear && _covered[year - _firstYear];

    /// <summary>
    /// Rule CAL-1: Monday to Friday are working days unless a holiday; Saturday and Sunday are off
    /// unless a make-up working day.
    /// </summary>
    /// <exception cref="CalendarYearMissingException">The year of <paramref name="date"/> is not covered (Rule CAL-3).</exception>
    public bool IsWorkingDay(DateOnly date)
    {
        var i = IndexOf(date);
        return _workingBefore[i + 1] != _workingBefore[i];
    }

    /// <summary>The holiday or make-up entry for <paramref name="date"/>, or null for an ordinary day or an uncovered year.</summary>
    public CalendarEntry? EntryFor(DateOnly date) => _entries.GetValueOrDefault(date);

    /// <summary>
    /// Rule CAL-2: the last day of a deadline of <paramref name="n"/> working days from an event:
    /// the n-th working day after the event's day. The event's day never counts, working day or not.
    /// <paramref name="n"/> = 0 gives the event's day.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative.</exception>
    /// <exception cref="CalendarYearMissingException">
    /// The event's year, or a year between it and the result, is not covered; names the first such year (Rule CAL-3).
    /// </exception>
    public DateOnly AddWorkingDays(DateOnly eventDate, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);

        // Checked even for n = 0 so that an event in an unknown year is always reported (Rule CAL-3).
        var index = IndexOf(eventDate);
        if (n == 0)
        {
            return eventDate;
        }

        // _workingBefore[index + 1] working days lie on or before the event's day; the one
        // n places later (0-based: that count + n - 1) is the last day of the deadline.
        var target = (long)_workingBefore[index + 1] + n - 1;
        var firstMissing = _firstMissingFrom[eventDate.Year - _firstYear];
        if (target >= _workingDays.Length)
        {
            throw new CalendarYearMissingException(firstMissing);
        }

        var result = DateOnly.FromDayNumber(_startDayNumber + _workingDays[target]);

        // Gap years hold no working days, so a result past a gap lands beyond it: refuse it (Rule CAL-3).
        if (result.Year >= firstMissing)
        {
            throw new CalendarYearMissingException(firstMissing);
        }

        return result;
    }

    /// <summary>The number of working days d with <paramref name="fromExclusive"/> &lt; d &lt;= <paramref name="toInclusive"/>; 0 if the range is empty.</summary>
    /// <exception cref="CalendarYearMissingException">A year in the range is not covered (Rule CAL-3).</exception>
    public int CountWorkingDays(DateOnly fromExclusive, DateOnly toInclusive) =>
        toInclusive <= fromExclusive ? 0 : CountRange(fromExclusive.DayNumber + 1, toInclusive.DayNumber);

    /// <summary>
    /// Working days left before a deadline ends: on or before <paramref name="lastDay"/>, the working
    /// days from <paramref name="today"/> to <paramref name="lastDay"/> inclusive (1 on a last day that is a
    /// working day); after it, minus the working days in (<paramref name="lastDay"/>, <paramref name="today"/>].
    /// </summary>
    /// <exception cref="CalendarYearMissingException">A year in the range is not covered (Rule CAL-3).</exception>
    public int WorkingDaysLeft(DateOnly today, DateOnly lastDay) =>
        today <= lastDay
            ? CountRange(today.DayNumber, lastDay.DayNumber)
            : -CountRange(lastDay.DayNumber + 1, today.DayNumber);

    /// <summary>
    /// <see cref="WorkingDaysLeft"/>, or null when a year on the way is not covered (CAL-3). For reminders: without the
    /// year no "due soon" can be counted, but a last day already past is overdue all the same.
    /// </summary>
    public int? WorkingDaysLeftIfKnown(DateOnly today, DateOnly lastDay)
    {
        try { return WorkingDaysLeft(today, lastDay); }
        catch (CalendarYearMissingException) { return null; }
    }

    // Working days in [firstDayNumber, lastDayNumber], both inclusive, first <= last.
    private int CountRange(int firstDayNumber, int lastDayNumber)
    {
        var firstYear = DateOnly.FromDayNumber(firstDayNumber).Year;
        var lastYear = DateOnly.FromDayNumber(lastDayNumber).Year;
        EnsureCovered(firstYear, lastYear);
        return _workingBefore[lastDayNumber - _startDayNumber + 1] - _workingBefore[firstDayNumber - _startDayNumber];
    }

    private void EnsureCovered(int fromYear, int toYear)
    {
        if (!IsCovered(fromYear))
        {
            throw new CalendarYearMissingException(fromYear);
        }

        var firstMissing = _firstMissingFrom[fromYear - _firstYear];
        if (toYear >= firstMissing)
        {
            throw new CalendarYearMissingException(firstMissing);
        }
    }

    private int IndexOf(DateOnly date)
    {
        if (!IsCovered(date.Year))
        {
            throw new CalendarYearMissingException(date.Year);
        }

        return date.DayNumber - _startDayNumber;
    }
}
