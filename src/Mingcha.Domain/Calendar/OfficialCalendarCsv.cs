using System.Globalization;
using System.Text;

namespace Mingcha.Domain.Calendar;

/// <summary>A problem on one line of a calendar CSV file (1-based line number).</summary>
public sealed record CsvLineError(int Line, string Message);

/// <summary>
/// The outcome of reading a calendar CSV: the good rows, the distinct years they fall in
/// (ascending), and one error per bad line. Callers should refuse the import when
/// <see cref="Errors"/> is not empty.
/// </summary>
public sealed record CalendarCsvResult(
    IReadOnlyList<CalendarEntry> Entries,
    IReadOnlyList<int> Years,
    IReadOnlyList<CsvLineError> Errors)
{
    /// <summary>True when no line had an error.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>The line of the file each good row came from, for errors found after parsing.</summary>
    public IReadOnlyDictionary<DateOnly, int> Lines { get; init; } = new Dictionary<DateOnly, int>();
}

/// <summary>
/// Reads the Office's calendar file, transcribed from the State Council's yearly notice
/// (Rule CAL-1). Format: header <c>date,type,name</c>, then one row per day, date as
/// yyyy-MM-dd, type <c>holiday</c> or <c>makeup_workday</c>.
/// </summary>
public static class OfficialCalendarCsv
{
    /// <summary>The required first line.</summary>
    public const string Header = "date,type,name";

    /// <summary>The longest name a day may carry (festival names are short; the calendar stores no more).</summary>
    public const int MaxNameLength = 100;

    /// <summary>Parses the whole file. Never throws on bad content: each bad line becomes a <see cref="CsvLineError"/>.</summary>
    public static CalendarCsvResult Parse(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);

        var entries = new List<CalendarEntry>();
        var errors = new List<CsvLineError>();
        var firstLineOfDate = new Dictionary<DateOnly, int>();

        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            string? problem;
            CalendarEntry? entry;
            if (lineNumber == 1)
            {
                // Excel and Notepad save UTF-8 with a BOM; a reader not told to strip it leaves it here.
                line = line.TrimStart('\uFEFF');
                if (string.Equals(line.Trim(), Header, StringComparison.Ordinal))
                {
                    continue;
                }

                // Without the header we cannot be sure what the columns mean: report it once for
                // line 1, and keep line 1 as data only if it reads cleanly as a row.
                errors.Add(new CsvLineError(1, MissingHeaderMessage()));
                if (string.IsNullOrWhiteSpace(line) || ParseRow(line, out entry) is not null)
                {
                    continue;
                }
            }
            else if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            else if ((problem = ParseRow(line, out entry)) is not null)
            {
                errors.Add(new CsvLineError(lineNumber, problem));
                continue;
            }

            if (firstLineOfDate.TryGetValue(entry!.Date, out var earlier))
            {
                errors.Add(new CsvLineError(lineNumber, Format(
                    "日期 {0:yyyy-MM-dd} 重复，已在第 {1} 行出现。 Duplicate date {0:yyyy-MM-dd}, already on line {1}.",
                    entry.Date,
                    earlier)));
                continue;
            }

            firstLineOfDate.Add(entry.Date, lineNumber);
            entries.Add(entry);
        }

        if (lineNumber == 0)
        {
            errors.Add(new CsvLineError(1, "文件为空，缺少表头 date,type,name。 Empty file: missing header date,type,name."));
        }

        var years = entries.Select(e => e.Date.Year).Distinct().Order().ToArray();
        return new CalendarCsvResult(entries.AsReadOnly(), Array.AsReadOnly(years), errors.AsReadOnly()) { Lines = firstLineOfDate };
    }

    // Returns null and the entry when the row is good, else the error message.
    private static string? ParseRow(string line, out CalendarEntry? entry)
    {
        entry = null;
        var fields = SplitCsvLine(line);
        if (fields is null)
        {
            return "引号不成对。 Unbalanced quotes.";
        }

        if (fields.Count != 3)
        {
            return Format(
                "应有 3 列（date,type,name），实有 {0} 列。 Expected 3 columns (date,type,name), found {0}.",
                fields.Count);
        }

        var dateText = fields[0].Trim();
        var typeText = fields[1].Trim();
        var name = fields[2].Trim();

        if (!DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return Format(
                "日期“{0}”无效，应为 yyyy-MM-dd 格式的真实日期。 Invalid date \"{0}\": expected a real date as yyyy-MM-dd.",
                dateText);
        }

        CalendarDayKind kind;
        switch (typeText)
        {
            case "holiday":
                kind = CalendarDayKind.Holiday;
                break;
            case "makeup_workday":
                kind = CalendarDayKind.MakeupWorkday;
                break;
            default:
                return Format(
                    "类型“{0}”未知，应为 holiday 或 makeup_workday。 Unknown type \"{0}\": expected holiday or makeup_workday.",
                    typeText);
        }

        // A holiday on a weekend is normal (it is listed because it is part of the festival), but a
        // make-up working day exists only to turn a weekend day into a working day (Rule CAL-1):
        // on a weekday it is a transcription error.
        if (kind == CalendarDayKind.MakeupWorkday && date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
        {
            return Format(
                "{0:yyyy-MM-dd} 是{1}，调休上班日只能是周六或周日。 {0:yyyy-MM-dd} is a {2}; a make-up working day must be a Saturday or Sunday.",
                date,
                WeekdayZh(date.DayOfWeek),
                date.DayOfWeek);
        }

        if (name.Length == 0)
        {
            return "名称为空，应填写节日名称（如 春节）。 Empty name: give the festival, e.g. 春节.";
        }

        if (name.Any(char.IsControl))
        {
            return "名称含有控制字符。 The name contains a control character.";
        }

        if (name.Length > MaxNameLength)
        {
            return Format(
                "名称过长（{0} 字），最多 {1} 字。 Name too long ({0} characters): at most {1}.",
                name.Length,
                MaxNameLength);
        }

        entry = new CalendarEntry(date, kind, name);
        return null;
    }

    // RFC 4180 fields on one line; null when a quote is not closed.
    private static List<string>? SplitCsvLine(string line)
    {
        var fields = new List<string>(3);
        var current = new StringBuilder();
        var inQuotes = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (inQuotes)
            {
                if (c != '"')
                {
                    current.Append(c);
                }
                else if (i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else
                {
                    inQuotes = false;
                }
            }
            else if (c == '"')
            {
                inQuotes = true;
            }
            else if (c == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        if (inQuotes)
        {
            return null;
        }

        fields.Add(current.ToString());
        return fields;
    }

    private static string MissingHeaderMessage() =>
        "缺少表头，第 1 行应为 date,type,name。 Missing header: line 1 must be date,type,name.";

    private static string WeekdayZh(DayOfWeek d) => d switch
    {
        DayOfWeek.Monday => "周一",
        DayOfWeek.Tuesday => "周二",
        DayOfWeek.Wednesday => "周三",
        DayOfWeek.Thursday => "周四",
        DayOfWeek.Friday => "周五",
        DayOfWeek.Saturday => "周六",
        _ => "周日",
    };

    private static string Format(string format, params object[] args) =>
        string.Format(CultureInfo.InvariantCulture, format, args);
}
