using Mingcha.Domain.Calendar;

namespace Mingcha.UnitTests.Calendar;

/// <summary>The official 2024-2026 calendar the application ships, loaded once for all tests.</summary>
internal static class OfficialCalendar
{
    public static readonly string CsvPath = Path.Combine(AppContext.BaseDirectory, "Data", "cn-official-2024-2026.csv");

    private static readonly Lazy<CalendarCsvResult> Parsed = new(() =>
    {
        using var reader = new StreamReader(CsvPath);
        return OfficialCalendarCsv.Parse(reader);
    });

    private static readonly Lazy<WorkingCalendar> Full = new(() => new WorkingCalendar(Csv.Years, Csv.Entries));

    public static CalendarCsvResult Csv => Parsed.Value;

    /// <summary>Covers 2024, 2025 and 2026.</summary>
    public static WorkingCalendar Official => Full.Value;

    /// <summary>The official data of the given years only, e.g. to leave a gap.</summary>
    public static WorkingCalendar OfYears(params int[] years) =>
        new(years, Csv.Entries.Where(e => years.Contains(e.Date.Year)));

    public static DateOnly D(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
