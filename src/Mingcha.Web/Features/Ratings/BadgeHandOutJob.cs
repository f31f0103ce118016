using Mingcha.Web.Features.Jobs;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Ratings;

/// <summary>
/// SAT-5 on its own: every day at 00:30 office time, every active staff member without the year's 优秀岗位牌 is given it
/// (<see cref="Incentives.StartYearAsync"/>): on 1 January the whole year's, on other days those who joined since. A person
/// with a violation of the year that stands gets it revoked at once, with the link. Badges already handed out, held or
/// revoked, are left as they are. Runs once across instances (JobScheduler, decision 003).
/// </summary>
public sealed class BadgeHandOutJob() : DailyJob(new TimeOnly(0, 30))
{
    public const string JobName = "badge-hand-out";
    public override string Name => JobName;

    public override async Task<string> RunAsync(IServiceProvider services, DateTime occurrenceUtc, CancellationToken ct)
    {
        var year = services.GetRequiredService<LocalClock>().ToLocal(occurrenceUtc).Year;
        var given = await services.GetRequiredService<Incentives>().StartYearAsync(year, ct);
        return $"handed out {given} badges of {year}";
    }
}
