using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.IntegrationTests.Rectification;
using Mingcha.Web.Features.Jobs;
using Mingcha.Web.Features.Rectification;

namespace Mingcha.IntegrationTests.Jobs;

/// <summary>Decision 003: an occurrence whose run died with its instance is run again, not lost; a class of its own, as the job's schedule is the app's.</summary>
public sealed class JobSchedulerTakeOverTests(RectificationApp app) : IClassFixture<RectificationApp>
{
    [Fact]
    [Trait("Rule", "RCT-4")]
    public async Task NightlyEscalation_WhoseRunDiedWithItsInstance_IsRunAgainOnceTheLeaseLapses()
    {
        var (office, kit) = await RectificationKit.AtStartAsync(app);
        var c = await kit.CaseAsync(findings: 1);
        await kit.ConfirmAsync(c.Findings[0]);
        var notice = await kit.IssueAsync(c.UnitId, c.Findings, days: 3); // last day Thursday 11-19
        var scheduler = app.Services.GetRequiredService<JobScheduler>();
        await scheduler.RunDueJobsAsync(CancellationToken.None); // registers the jobs
        // The due occurrence (the first night after the start; the run at Friday 01:00 in Beijing catches up on it).
        var occurrence = await app.WithDbAsync(db => db.ScheduledJobs.Where(j => j.Name == EscalationJob.JobName).Select(j => j.NextRunAt).SingleAsync());
        var friday = new DateTime(2026, 11, 19, 17, 0, 0, DateTimeKind.Utc); // Friday 01:00 in Beijing: the notice is overdue
        Assert.True(occurrence <= friday);

        // Another instance claimed that run at 01:00:30, wrote its JobRun, and died before finishing it.
        const string dead = "gone-host:4242:deadbeef";
        var startedAt = friday.AddSeconds(30);
        await app.WithDbAsync(async db =>
        {
            db.JobRuns.Add(new JobRun(EscalationJob.JobName, occurrence, dead, startedAt));
            await db.SaveChangesAsync();
            return await db.ScheduledJobs.Where(j => j.Name == EscalationJob.JobName)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseOwner, dead).SetProperty(j => j.LeaseUntil, startedAt.AddMinutes(10)));
        });

        app.Clock.Set(new DateTimeOffset(friday.AddMinutes(5))); // its lease still holds: nobody runs the night
        await scheduler.RunDueJobsAsync(CancellationToken.None);
        office = await app.ClientAsAsync(Roles.OfficeAdmin); // signed in again: days have passed on the clock
        Assert.Equal("Notice", (await RectificationKit.NoticeAsync(office, notice.Id)).GetProperty("notice").GetProperty("stage").GetString());

        app.Clock.Set(new DateTimeOffset(friday.AddMinutes(15))); // the lease lapsed, never renewed
        await scheduler.RunDueJobsAsync(CancellationToken.None);

        office = await app.ClientAsAsync(Roles.OfficeAdmin);
        Assert.Equal("SecondSupervision", (await RectificationKit.NoticeAsync(office, notice.Id)).GetProperty("notice").GetProperty("stage").GetString());
        var runs = await app.WithDbAsync(db => db.JobRuns.AsNoTracking().Where(r => r.JobName == EscalationJob.JobName && r.ScheduledFor == occurrence).ToListAsync());
        var run = Assert.Single(runs);
        Assert.Equal(scheduler.Instance, run.Instance);
        Assert.Equal(friday.AddMinutes(15), run.StartedAt);
        Assert.NotNull(run.FinishedAt);
        Assert.StartsWith("1 escalated", run.Result, StringComparison.Ordinal);
        var job = await app.WithDbAsync(db => db.ScheduledJobs.AsNoTracking().SingleAsync(j => j.Name == EscalationJob.JobName));
        Assert.Equal((friday.AddDays(1), (string?)null, run.Result), (job.NextRunAt, job.LeaseOwner, job.LastResult)); // the next night
    }
}
