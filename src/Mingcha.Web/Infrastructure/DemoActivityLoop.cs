using Mingcha.Web.Features.Complaints;
using Mingcha.Web.Features.Inspections;
using Mingcha.Web.Features.Ratings;
using Mingcha.Web.Features.Rectification;
using Mingcha.Web.Features.Scoring;

namespace Mingcha.Web.Infrastructure;

/// <summary>
/// The demo at work (<see cref="MingchaOptions.DemoActivity"/>): at start the halls' ratings since the last start
/// (<see cref="DemoRatings"/>) and the last quarter's phone survey (<see cref="DemoRatings.LoadPhoneSurveyAsync"/>, once), the complaints desk's six complaints (<see cref="DemoComplaints"/>, once), the year's
/// evaluation campaign with its monthly forms (<see cref="DemoCampaign"/>, once), one open-inspection visit carried out to a
/// confirmed finding (<see cref="DemoOpenVisit"/>, once) and the rectification desk's problems and notice
/// (<see cref="DemoRectification"/>, once) and this year's badges (<see cref="DemoBadges"/>), then a case and its rating every 2 to 8 seconds while the demo halls are open.
/// Only when the demo city is loaded and jobs run.
/// </summary>
public sealed partial class DemoActivityLoop(DemoRatings ratings, DemoComplaints complaints, DemoCampaign campaign, DemoOpenVisit visit, DemoRectification rectification, DemoBadges badges, TimeProvider time, ILogger<DemoActivityLoop> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken); // after the start-up's own work
            // The halls first, so the control centre has its days at once; then what is made once (a notice's PDF takes seconds).
            // Each on its own: one failing (logged) leaves the others to be made.
            foreach (var load in new Func<CancellationToken, Task>[] { ratings.BackfillAsync, ratings.LoadPhoneSurveyAsync, complaints.LoadAsync, campaign.LoadAsync, visit.LoadAsync, rectification.LoadAsync, badges.LoadAsync })
            {
                try { await load(stoppingToken); }
                catch (Exception e) when (e is not OperationCanceledException) { LogFailed(logger, e); }
            }
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(2000, 8000)), time, stoppingToken);
                try { await ratings.RateOneAsync(stoppingToken); }
                catch (Exception e) when (e is not OperationCanceledException) { LogFailed(logger, e); }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The demo's activity failed")]
    private static partial void LogFailed(ILogger logger, Exception e);
}
