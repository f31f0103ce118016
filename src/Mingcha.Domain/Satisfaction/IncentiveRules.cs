namespace Mingcha.Domain.Satisfaction;

/// <summary>A candidate of a yearly selection with the data it is ranked by.</summary>
/// <param name="Id">Unit, section or staff member.</param>
/// <param name="Name">Name shown.</param>
/// <param name="Rate">Satisfaction rate of the year (0..1), null without ratings.</param>
/// <param name="Ratings">Ratings counted.</param>
/// <param name="BadRatings">Bad ratings not excluded.</param>
/// <param name="ConfirmedViolations">Confirmed violations of the year.</param>
/// <param name="LostEligibility">Why the candidate lost the year's excellence eligibility (INS-6, EV-8), if it did.</param>
public sealed record SelectionCandidate(Guid Id, string Name, decimal? Rate, int Ratings, int BadRatings, int ConfirmedViolations, string? LostEligibility = null);

/// <summary>A ranked candidate.</summary>
public sealed record RankedCandidate(int Rank, SelectionCandidate Candidate, bool Eligible, string? Reason);

/// <summary>Rule SAT-5: yearly selections ranked by the data, and the excellent-post badge.</summary>
public static class IncentiveRules
{
    /// <summary>Fewest ratings for a candidate to be ranked: a rate from a handful of ratings says little.</summary>
    public const int MinRatings = 30;

    /// <summary>
    /// Ranks candidates: eligible first (eligibility not lost, no confirmed violation, enough ratings), then by rate high to low, fewer
    /// bad ratings, more ratings. Equal keys share a rank (1, 2, 2, 4).
    /// </summary>
    public static IReadOnlyList<RankedCandidate> Rank(IEnumerable<SelectionCandidate> candidates, int minRatings = MinRatings)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var list = candidates.Select(c => (c, reason: c.LostEligibility is { Length: > 0 } lost ? lost
                : c.ConfirmedViolations > 0 ? "有经查实的违规。 Has a confirmed violation."
                : c.Ratings < minRatings || c.Rate is null ? $"评价少于 {minRatings} 个。 Fewer than {minRatings} ratings." : null))
            .OrderBy(x => x.reason is null ? 0 : 1)
            .ThenByDescending(x => x.c.Rate ?? -1m)
            .ThenBy(x => x.c.BadRatings)
            .ThenByDescending(x => x.c.Ratings)
            .ToList();
        var result = new List<RankedCandidate>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            var (c, reason) = list[i];
            var rank = i + 1;
            if (i > 0 && result[i - 1] is var prev && (prev.Reason is null) == (reason is null) && prev.Candidate.Rate == c.Rate
                && prev.Candidate.BadRatings == c.BadRatings && prev.Candidate.Ratings == c.Ratings)
                rank = prev.Rank;
            result.Add(new RankedCandidate(rank, c, reason is null, reason));
        }
        return result;
    }
}

/// <summary>Rule ORG-7: a secondment's month and its end.</summary>
public static class SecondmentRules
{
    /// <summary>S2: at least one week a month on site: five working days with a work log entry on site.</summary>
    public const int MinOnSiteDaysPerMonth = 5;

    /// <summary>Whether a month's on-site days satisfy the presence rule.</summary>
    public static bool PresenceMet(int onSiteWorkingDays) => onSiteWorkingDays >= MinOnSiteDaysPerMonth;

    /// <summary>
    /// S2 "达不到目标不予撤回": at the end of its term a secondment whose outlet missed any target is extended
    /// (by another term), never closed.
    /// </summary>
    public static bool MayClose(int targetsMet, int targetsTotal) => targetsTotal == 0 || targetsMet >= targetsTotal;

    /// <summary>
    /// The last day after one more term. A term runs from <paramref name="start"/> to its last day inclusive; after
    /// <paramref name="extensionsSoFar"/> extensions <paramref name="end"/> closes the (extensionsSoFar + 1)-th equal term.
    /// A term of whole months (1 January to 31 December, 1 March to 28 February) is extended by the same months, so
    /// the year's length and month ends hold; any other term by the same number of days.
    /// </summary>
    public static DateOnly ExtendedEnd(DateOnly start, DateOnly end, int extensionsSoFar)
    {
        if (end < start) throw new ArgumentException("The term ends before it starts.", nameof(end));
        ArgumentOutOfRangeException.ThrowIfNegative(extensionsSoFar);
        var terms = extensionsSoFar + 1;
        var next = end.AddDays(1);
        var totalMonths = (next.Year - start.Year) * 12 + next.Month - start.Month;
        if (totalMonths > 0 && totalMonths % terms == 0 && start.AddMonths(totalMonths) == next)
            return start.AddMonths(totalMonths / terms * (terms + 1)).AddDays(-1);
        var days = (end.DayNumber - start.DayNumber + 1) / terms;
        return end.AddDays(days);
    }
}
