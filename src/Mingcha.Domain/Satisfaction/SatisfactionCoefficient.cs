namespace Mingcha.Domain.Satisfaction;

/// <summary>One rating as it counts toward the satisfaction rate.</summary>
/// <param name="Score">Its level's score, 0..100 (<see cref="RatingScaleMapping.Score"/>).</param>
/// <param name="Excluded">Excluded after an upheld appeal (SAT-7): kept, but left out of scores.</param>
public readonly record struct ScoredRating(decimal Score, bool Excluded);

/// <summary>The satisfaction rate of a unit, county or township over a period.</summary>
/// <param name="Counted">Ratings counted.</param>
/// <param name="Excluded">Ratings left out after appeal.</param>
/// <param name="Rate">Mean score / 100, from 0 to 1; null when nothing was counted.</param>
public sealed record SatisfactionRate(int Counted, int Excluded, decimal? Rate)
{
    /// <summary>
    /// Rule SAT-4: the rate is a coefficient on the composite score. With no rating in the period the coefficient
    /// is 1 (no correction), and the result says so through <see cref="Rate"/> being null.
    /// </summary>
    public decimal Coefficient => Rate ?? 1m;

    /// <summary>Rule SAT-4: the corrected composite score. Exact; round only for display.</summary>
    public decimal Apply(decimal compositeScore) => compositeScore * Coefficient;
}

/// <summary>Rules SAT-4 and SAT-7: the rate counts every rating of the period except the excluded ones.</summary>
public static class SatisfactionCoefficient
{
    public static SatisfactionRate Compute(IEnumerable<ScoredRating> ratings)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        return ComputeCounted(ratings.Select(r => (r, 1)));
    }

    /// <summary>The same over counted ratings: each rating with how many times it was given (a database's grouped counts).</summary>
    public static SatisfactionRate ComputeCounted(IEnumerable<(ScoredRating Rating, int Count)> ratings)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        int counted = 0, excluded = 0;
        decimal sum = 0;
        foreach (var (r, n) in ratings)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(n);
            if (r.Excluded) { excluded += n; continue; }
            counted += n;
            sum += r.Score * n;
        }
        return new SatisfactionRate(counted, excluded, counted == 0 ? null : sum / (counted * 100m));
    }
}
