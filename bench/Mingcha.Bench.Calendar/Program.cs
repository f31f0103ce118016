using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Running;
using Mingcha.Bench.Calendar;

if (args.Contains("--quick"))
{
    // Plain Stopwatch timing: a few seconds, no BenchmarkDotNet machinery, for a quick check
    // that deadlines stay O(1) per call.
    var (calendar, dates, counts) = Workload.Create(AddWorkingDaysBenchmark.Calls);
    Workload.Run(calendar, dates, counts); // warm-up: JIT and tiering

    var best = TimeSpan.MaxValue;
    for (var round = 1; round <= 5; round++)
    {
        var watch = Stopwatch.StartNew();
        var checksum = Workload.Run(calendar, dates, counts);
        watch.Stop();
        best = watch.Elapsed < best ? watch.Elapsed : best;
        Console.WriteLine(string.Format(
            CultureInfo.InvariantCulture,
            "round {0}: {1:N0} AddWorkingDays calls in {2:F1} ms ({3:F1} ns/call, checksum {4})",
            round,
            dates.Length,
            watch.Elapsed.TotalMilliseconds,
            watch.Elapsed.TotalMilliseconds * 1_000_000 / dates.Length,
            checksum));
    }

    Console.WriteLine(string.Format(
        CultureInfo.InvariantCulture,
        "best: {0:N0} calls in {1:F1} ms",
        dates.Length,
        best.TotalMilliseconds));
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(AddWorkingDaysBenchmark).Assembly).Run(args);
return 0;
