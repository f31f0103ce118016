using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Satisfaction;
using Mingcha.Web.Data;

namespace Mingcha.Web.Features.Ratings;

/// <summary>
/// SAT-3, SAT-4: which ratings a period's satisfaction counts. A rating counts in the period it was given, except a phone
/// survey's answer: it counts in the period of the service it rates. The quarter's survey is drawn at the quarter's end
/// (S2 "每季度末") and its calls run into the next days, so the fourth quarter's answers would otherwise fall into the next
/// year's coefficient. Only survey calls give ratings of channel "phone", and their service records lie in the quarter drawn.
/// </summary>
public static class RatingPeriods
{
    /// <summary>
    /// The UTC instants where the office days [from, to] start and end, after checking the period: the end not before the
    /// start (400 naming "to"), both days within the calendar's supported range (a day's bounds overflow at its ends: a
    /// 400 naming the field, not a 500).
    /// </summary>
    public static (DateTime Start, DateTime End) UtcBounds(Infrastructure.LocalClock clock, DateOnly from, DateOnly to)
    {
        if (to < from) throw new FieldException("to", "结束日期早于开始日期。 The period ends before it starts.");
        Infrastructure.Problems.RequireDay(from, "from");
        Infrastructure.Problems.RequireDay(to, "to");
        return (RatingsApi.DayBoundsUtc(clock, from).From, RatingsApi.DayBoundsUtc(clock, to).To);
    }

    /// <summary>
    /// The period a report of [from, to] is compared with (上期). A period from the first of a month spanning k months is
    /// compared with the k months before: whole months with whole months (a month, a quarter, a year), a month, quarter or
    /// year to date with the same days then (上月同期: 1 to 6 December with 1 to 6 November). Any other period with as many
    /// days just before. Null when it would begin before the supported days.
    /// </summary>
    public static (DateOnly From, DateOnly To)? Previous(DateOnly from, DateOnly to)
    {
        (DateOnly From, DateOnly To) previous;
        if (from.Day == 1)
        {
            var months = (to.Year - from.Year) * 12 + to.Month - from.Month + 1;
            var wholeMonths = to.AddDays(1).Day == 1;
            previous = (from.AddMonths(-months), wholeMonths ? from.AddDays(-1) : to.AddMonths(-months));
        }
        else previous = (from.AddDays(-(to.DayNumber - from.DayNumber + 1)), from.AddDays(-1));
        return previous.From.Year < Infrastructure.Problems.FirstYear ? null : previous;
    }

    /// <summary>The phone survey's answers whose service lies in [start, end): read once per period by callers that loop.</summary>
    public static Task<List<Guid>> SurveyedAsync(MingchaDb db, DateTime start, DateTime end, CancellationToken ct) =>
        db.Set<SurveyCall>().AsNoTracking()
            .Where(c => c.RatingId != null && db.ServiceRecords.Any(s => s.CaseNumber == c.CaseNumber && s.FinishedAt >= start && s.FinishedAt < end))
            .Select(c => c.RatingId!.Value).ToListAsync(ct);
}
