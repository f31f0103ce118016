namespace Mingcha.Domain.Inspections;

/// <summary>One visit of an agency in the assessed year, as the assessment sees it.</summary>
/// <param name="Outcome">"Accepted", "Returned", "Rejected" or anything else for not yet decided.</param>
/// <param name="Month">1..12, the month visited (0 when not visited yet).</param>
public sealed record AgencyVisitFacts(string Outcome, int StepsCompleted, int? RecordedSeconds, int Month, int Findings);

public sealed record AgencyFigures(int Visits, int Accepted, int Returned, int Rejected, decimal Depth, decimal AverageSteps, int ShortVisits,
    int MonthsCovered, decimal PeakMonthShare, int Opinions, decimal Score, bool ExitAdvised);

/// <summary>
/// Rules ORG-4 and INS-13: an agency's yearly assessment from its visits. S0 names the shortfalls: depth (查访深度),
/// duration (查访时间, INS-11: 40 minutes by the video), spread over time (查访频率不均匀); INS-19 adds rejected
/// reports. The score starts at 100 and loses: up to 40 for the share of decided reports rejected, up to 30 for the
/// share of visits under 40 minutes, up to 20 for missing protocol steps, up to 10 for a peak month above a quarter
/// of the year's visits, and 2 per written rectification opinion (at most 10). An agency that carried out no visit scores 0.
/// Below 60 an exit is advised; the Office decides.
/// </summary>
public static class AgencyScoring
{
    public const int MinimumSeconds = 40 * 60;
    public const decimal ExitBelow = 60m;

    public static AgencyFigures Compute(IReadOnlyList<AgencyVisitFacts> visits, int opinions)
    {
        ArgumentNullException.ThrowIfNull(visits);
        var done = visits.Where(v => v.Month is >= 1 and <= 12).ToList();
        var accepted = visits.Count(v => v.Outcome == "Accepted");
        var returned = visits.Count(v => v.Outcome == "Returned");
        var rejected = visits.Count(v => v.Outcome == "Rejected");
        var acceptedVisits = visits.Where(v => v.Outcome == "Accepted").ToList();
        var steps = acceptedVisits.Sum(v => v.StepsCompleted);
        var depth = steps == 0 ? 0m : Math.Round((decimal)acceptedVisits.Sum(v => v.Findings) / steps, 4);
        var averageSteps = done.Count == 0 ? 0m : Math.Round((decimal)done.Sum(v => v.StepsCompleted) / done.Count, 2);
        var shortVisits = done.Count(v => v.RecordedSeconds is null || v.RecordedSeconds < MinimumSeconds);
        var byMonth = done.GroupBy(v => v.Month).Select(g => g.Count()).ToList();
        var peak = done.Count == 0 ? 0m : Math.Round(100m * byMonth.Max() / done.Count, 2);

        var score = 100m;
        var decided = accepted + returned + rejected;
        if (decided > 0) score -= 40m * rejected / decided;
        if (done.Count == 0) score = 0m; // no visit carried out: nothing to credit
        else
        {
            score -= 30m * shortVisits / done.Count;
            score -= 20m * (8m - Math.Min(8m, averageSteps)) / 8m;
            if (peak > 25m) score -= 10m * (peak - 25m) / 75m;
        }
        score -= Math.Min(10m, 2m * opinions);
        score = Math.Round(Math.Clamp(score, 0m, 100m), 2);
        return new AgencyFigures(visits.Count, accepted, returned, rejected, depth, averageSteps, shortVisits, byMonth.Count, peak, opinions, score, score < ExitBelow);
    }
}
