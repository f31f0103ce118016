using System.Security.Claims;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Satisfaction;
using Mingcha.Web.Features.Jobs;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Ratings;

/// <summary>
/// SAT-3 on its own: at the end of each quarter (01:00 office time on the first day of the next) the quarter's phone
/// survey is drawn — <see cref="RatingOptions.SurveySize"/> service records with phone numbers (default 100), by the
/// recorded, reproducible draw of <see cref="PhoneSurveys.DrawAsync(PhoneSurveys.DrawInput, System.Security.Claims.ClaimsPrincipal, CancellationToken)"/> with a fresh seed. A quarter the office has
/// already drawn by hand is left alone; a quarter with no service record to draw is left undrawn (its records may be
/// imported later, and the office draws it on <c>/Ratings/Survey</c>). Runs once across instances (JobScheduler, decision 003).
/// </summary>
public sealed class PhoneSurveyJob(IOptions<RatingOptions> options) : IRecurringJob
{
    public const string JobName = "phone-survey-draw";
    public string Name => JobName;

    public DateTime NextRun(DateTime afterUtc, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(afterUtc, DateTimeKind.Utc), zone);
        var quarterStart = new DateTime(local.Year, (local.Month - 1) / 3 * 3 + 1, 1, 1, 0, 0);
        var candidate = quarterStart > local ? quarterStart : quarterStart.AddMonths(3);
        return TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(candidate, DateTimeKind.Unspecified), zone);
    }

    public async Task<string> RunAsync(IServiceProvider services, DateTime occurrenceUtc, CancellationToken ct)
    {
        var local = services.GetRequiredService<LocalClock>().ToLocal(occurrenceUtc);
        var (year, quarter) = SurveyDraw.LastEnded(DateOnly.FromDateTime(local)); // the quarter that ended before this occurrence
        var surveys = services.GetRequiredService<PhoneSurveys>();
        var job = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "job:" + JobName)], "job"));
        try
        {
            var draw = await surveys.DrawAsync(new PhoneSurveys.DrawInput(year, quarter, Math.Clamp(options.Value.SurveySize, 1, 10_000), null), job, ct);
            return $"drew {draw.Calls.Count} of {draw.InputCount} for {year} Q{quarter}";
        }
        catch (DomainRuleException e) when (e.RuleId == "SAT-3" && e.StatusCode == 409) // not a quarter not yet ended (422): that is an error
        {
            return $"{year} Q{quarter} already drawn";
        }
        catch (NothingToDrawException) // not a failure: the quarter stays open to a draw on the calling list's page once its records are in
        {
            return $"{year} Q{quarter}: no service record with a phone number, nothing drawn";
        }
    }
}
