using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using Mingcha.Domain.Calendar;

namespace Mingcha.Bench.Calendar;

/// <summary>1,000,000 deadline computations over random event dates in 2024-2026 (Rule CAL-2).</summary>
[MemoryDiagnoser]
[SuppressMessage("Performance", "CA1515:Consider making public types internal", Justification = "BenchmarkDotNet only runs public benchmark classes.")]
public class AddWorkingDaysBenchmark
{
    public const int Calls = 1_000_000;

    private WorkingCalendar _calendar = null!;
    private DateOnly[] _dates = [];
    private int[] _counts = [];

    [GlobalSetup]
    public void Setup() => (_calendar, _dates, _counts) = Workload.Create(Calls);

    [Benchmark(OperationsPerInvoke = Calls)]
    public int AddWorkingDays() => Workload.Run(_calendar, _dates, _counts);
}

/// <summary>The shared workload, so --quick and BenchmarkDotNet measure the same thing.</summary>
internal static class Workload
{
    public static (WorkingCalendar Calendar, DateOnly[] Dates, int[] Counts) Create(int calls)
    {
        using var reader = new StreamReader(Path.Combine(AppContext.BaseDirectory, "Data", "cn-official-2024-2026.csv"));
        var csv = OfficialCalendarCsv.Parse(reader);
        if (!csv.IsValid)
        {
            throw new InvalidDataException(string.Join(Environment.NewLine, csv.Errors));
        }

        var calendar = new WorkingCalendar(csv.Years, csv.Entries);

        // Fixed seed: every run measures the same inputs. Events up to 30 November 2026 with at most
        // 20 working days stay inside 2026, so no call throws.
        var random = new Random(20260309);
        var first = new DateOnly(2024, 1, 1).DayNumber;
        var last = new DateOnly(2026, 11, 30).DayNumber;
        var dates = new DateOnly[calls];
        var counts = new int[calls];
        for (var i = 0; i < calls; i++)
        {
            dates[i] = DateOnly.FromDayNumber(random.Next(first, last + 1));
            counts[i] = random.Next(1, 21);
        }

        return (calendar, dates, counts);
    }

    // Returns a value built from every result so the JIT cannot drop the calls.
    public static int Run(WorkingCalendar calendar, DateOnly[] dates, int[] counts)
    {
        var sum = 0;
        for (var i = 0; i < dates.Length; i++)
        {
            sum += calendar.AddWorkingDays(dates[i], counts[i]).DayNumber;
        }

        return sum;
    }
}
