using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Mingcha.Domain.Satisfaction;

/// <summary>The result of a draw: enough to repeat it and check it.</summary>
/// <param name="Algorithm">Name and version of the algorithm.</param>
/// <param name="Seed">The seed.</param>
/// <param name="InputHash">SHA-256 of the sorted input list (one candidate per line).</param>
/// <param name="InputCount">How many candidates there were.</param>
/// <param name="Drawn">The drawn candidates, in draw order.</param>
public sealed record SurveyDrawResult(string Algorithm, string Seed, string InputHash, int InputCount, IReadOnlyList<string> Drawn);

/// <summary>
/// Rule SAT-3: the quarter's random draw of service records for the phone survey, reproducible by anyone who has
/// the seed and the input list. Algorithm "sha256-rank-v1": each candidate's rank is SHA-256(seed + "\n" + key)
/// read as hex; the <c>count</c> lowest ranks are drawn. The result does not depend on the order of the input,
/// and a candidate added or removed changes the draw by at most that candidate.
/// </summary>
public static class SurveyDraw
{
    public const string Algorithm = "sha256-rank-v1";

    /// <summary>A fresh seed from a cryptographic random source (recorded with the draw).</summary>
    public static string NewSeed() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <param name="candidateKeys">The case numbers of the period's service records with a phone number.</param>
    /// <param name="count">How many to draw (S2: 100).</param>
    /// <param name="seed">The seed.</param>
    public static SurveyDrawResult Draw(IEnumerable<string> candidateKeys, int count, string seed)
    {
        ArgumentNullException.ThrowIfNull(candidateKeys);
        ArgumentException.ThrowIfNullOrEmpty(seed);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var sorted = candidateKeys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var inputHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", sorted))));
        var drawn = sorted
            .Select(k => (Key: k, Rank: Rank(seed, k)))
            .OrderBy(x => x.Rank, StringComparer.Ordinal)
            .Take(count)
            .Select(x => x.Key)
            .ToList();
        return new SurveyDrawResult(Algorithm, seed, inputHash, sorted.Count, drawn);
    }

    /// <summary>
    /// How many people a draw is short of the number asked for (S2: the evaluations of 100 people): those asked for, less
    /// the answered calls and the calls not made yet (they may still answer). Never below zero.
    /// </summary>
    public static int ShortOf(int requested, int answered, int notCalledYet)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(requested);
        ArgumentOutOfRangeException.ThrowIfNegative(answered);
        ArgumentOutOfRangeException.ThrowIfNegative(notCalledYet);
        return Math.Max(0, requested - answered - notCalledYet);
    }

    /// <summary>The rank of one candidate (lower is drawn first).</summary>
    public static string Rank(string seed, string key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed + "\n" + key)));

    /// <summary>The quarter (1..4) of a date and its first and last day: the survey's period.</summary>
    public static (DateOnly From, DateOnly To) Quarter(int year, int quarter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quarter, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quarter, 4);
        var from = new DateOnly(year, (quarter - 1) * 3 + 1, 1);
        return (from, from.AddMonths(3).AddDays(-1));
    }

    /// <summary>The quarter before the one <paramref name="day"/> is in: the last one ended on that day (office time), whose survey is due.</summary>
    public static (int Year, int Quarter) LastEnded(DateOnly day) =>
        day.Month <= 3 ? (day.Year - 1, 4) : (day.Year, (day.Month - 1) / 3);

    /// <summary>A readable name of a quarter, e.g. 2026Q4.</summary>
    public static string QuarterName(int year, int quarter) => string.Create(CultureInfo.InvariantCulture, $"{year}Q{quarter}");
}
