using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Calendar;
using Mingcha.Web.Features.Jobs;
using Mingcha.Web.Features.Ratings;
using Mingcha.Web.Infrastructure;

namespace Mingcha.IntegrationTests.Jobs;

/// <summary>A job whose first runs fail (as if the database were away for a moment), then do the real job's work.</summary>
internal sealed class FlakyJob(IRecurringJob inner, int failures) : IRecurringJob
{
    public List<DateTime> Occurrences { get; } = [];
    public string Name => inner.Name;
    public DateTime NextRun(DateTime afterUtc, TimeZoneInfo zone) => inner.NextRun(afterUtc, zone);

    public Task<string> RunAsync(IServiceProvider services, DateTime occurrenceUtc, CancellationToken ct)
    {
        Occurrences.Add(occurrenceUtc);
        return Occurrences.Count <= failures
            ? throw new InvalidOperationException("数据库暂不可用 the database is away")
            : inner.RunAsync(services, occurrenceUtc, ct);
    }
}

/// <summary>Decision 003: a run that fails is run again later, not recorded as done; a class of its own, as the job's schedule is the app's.</summary>
public sealed class JobSchedulerRetryTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    [Fact]
    [Trait("Rule", "SAT-3")]
    public async Task QuartersPhoneSurvey_WhoseRunFails_IsRunAgainLater_AndTheQuarterIsDrawn()
    {
        var job = new FlakyJob(app.Services.GetServices<IRecurringJob>().OfType<PhoneSurveyJob>().Single(), failures: 2);
        var options = app.Services.GetRequiredService<IOptions<MingchaOptions>>();
        var scheduler = new JobScheduler(app.Services.GetRequiredService<IServiceScopeFactory>(), [job], app.Clock, options,
            app.Services.GetRequiredService<ILogger<JobScheduler>>());
        Task<ScheduledJob> StateAsync() => app.WithDbAsync(db => db.ScheduledJobs.AsNoTracking().SingleAsync(j => j.Name == job.Name));
        Task<int> DrawsAsync() => app.WithDbAsync(db => db.Set<SurveyDrawRecord>().CountAsync(d => d.Year == 2026 && d.Quarter == 4));

        Assert.Equal(0, await scheduler.RunDueJobsAsync(CancellationToken.None)); // registers the job
        await app.CaseWithPhoneAsync(app.Clock.GetUtcNow().UtcDateTime); // someone to draw in 2026 Q4
        var occurrence = (await StateAsync()).NextRunAt; // 1 January 2027, 01:00 in Beijing
        Assert.Equal(new DateTime(2026, 12, 31, 17, 0, 0, DateTimeKind.Utc), occurrence);

        // The first run fails: the occurrence stays due, nothing is drawn, and the run is not finished.
        app.Clock.Set(new DateTimeOffset(occurrence));
        Assert.Equal(0, await scheduler.RunDueJobsAsync(CancellationToken.None));
        var state = await StateAsync();
        Assert.Equal(occurrence, state.NextRunAt);
        Assert.Null(state.LeaseOwner);
        Assert.StartsWith("attempt 1 failed: 数据库暂不可用", state.LastResult, StringComparison.Ordinal);
        Assert.Equal(0, await DrawsAsync());

        // Not again at once: after 5 minutes (then 10).
        app.Clock.Advance(TimeSpan.FromMinutes(4));
        await scheduler.RunDueJobsAsync(CancellationToken.None);
        Assert.Single(job.Occurrences);
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        await scheduler.RunDueJobsAsync(CancellationToken.None); // the second attempt fails too
        Assert.StartsWith("attempt 2 failed", (await StateAsync()).LastResult, StringComparison.Ordinal);
        app.Clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(1, await scheduler.RunDueJobsAsync(CancellationToken.None));

        Assert.Equal([occurrence, occurrence, occurrence], job.Occurrences); // the same quarter each time
        Assert.Equal(1, await DrawsAsync());
        var run = await app.WithDbAsync(db => db.JobRuns.AsNoTracking().SingleAsync(r => r.JobName == job.Name && r.ScheduledFor == occurrence));
        Assert.NotNull(run.FinishedAt);
        Assert.StartsWith("drew ", run.Result, StringComparison.Ordinal);
        state = await StateAsync();
        Assert.Equal(new DateTime(2027, 3, 31, 17, 0, 0, DateTimeKind.Utc), state.NextRunAt); // then the next quarter
        Assert.Equal(run.Result, state.LastResult);
    }
}

/// <summary>Decision 003: the day a catch-up run judges by.</summary>
public sealed class JobRunDateTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    /// <summary>
    /// RCT-4, CAL-2: the app was down from Sunday 29 November 07:00 to Monday 30 November 09:00 (Beijing). The reminders'
    /// catch-up run is Sunday's 08:00 occurrence, run on Monday: it judges by Monday, so what falls due on Monday is reminded
    /// of that day; an occurrence ahead of the clock (an instance whose clock is behind) judges by its own day.
    /// </summary>
    [Fact]
    [Trait("Rule", "RCT-4")]
    [Trait("Rule", "CAL-2")]
    public void CatchUpRun_AfterAnOutage_JudgesByTheRealDay()
    {
        var monday = new TestClock(new DateTimeOffset(2026, 11, 30, 1, 0, 0, TimeSpan.Zero)); // 09:00 in Beijing
        using var calendar = new CalendarService(app.Services.GetRequiredService<IServiceScopeFactory>(), monday,
            app.Services.GetRequiredService<IOptions<MingchaOptions>>());
        var sundayOccurrence = new DateTime(2026, 11, 29, 0, 0, 0, DateTimeKind.Utc); // 08:00 in Beijing
        Assert.Equal(new DateOnly(2026, 11, 29), calendar.LocalDate(sundayOccurrence));
        Assert.Equal(new DateOnly(2026, 11, 30), calendar.RunDate(sundayOccurrence));
        Assert.Equal(new DateOnly(2026, 12, 1), calendar.RunDate(new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc)));
    }
}

/// <summary>Decision 003: a failed run is given up only when the next occurrence comes (its own app: the schedule is the app's).</summary>
public sealed class JobSchedulerGiveUpTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    /// <summary>
    /// A run that still fails when the job's next occurrence comes is given up and recorded as failed; the schedule moves
    /// to that next occurrence, due at once, not past it.
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-3")]
    public async Task QuartersPhoneSurvey_FailingUntilTheNextQuarterEnds_IsGivenUp_AndTheNextQuarterStillRuns()
    {
        var job = new FlakyJob(app.Services.GetServices<IRecurringJob>().OfType<PhoneSurveyJob>().Single(), failures: int.MaxValue);
        var scheduler = new JobScheduler(app.Services.GetRequiredService<IServiceScopeFactory>(), [job], app.Clock,
            app.Services.GetRequiredService<IOptions<MingchaOptions>>(), app.Services.GetRequiredService<ILogger<JobScheduler>>());
        app.Clock.Set(new DateTimeOffset(2027, 6, 1, 0, 0, 0, TimeSpan.Zero));
        await scheduler.RunDueJobsAsync(CancellationToken.None); // registers: 2027 Q2 ends 30 June
        var q2 = new DateTime(2027, 6, 30, 17, 0, 0, DateTimeKind.Utc);
        var q3 = new DateTime(2027, 9, 30, 17, 0, 0, DateTimeKind.Utc);

        app.Clock.Set(new DateTimeOffset(q2));
        await scheduler.RunDueJobsAsync(CancellationToken.None);
        Assert.StartsWith("attempt 1 failed", (await app.WithDbAsync(db => db.ScheduledJobs.AsNoTracking().SingleAsync(j => j.Name == job.Name))).LastResult, StringComparison.Ordinal);

        app.Clock.Set(new DateTimeOffset(q3).AddMinutes(1)); // still failing when Q3's occurrence comes
        await scheduler.RunDueJobsAsync(CancellationToken.None);
        var given = await app.WithDbAsync(db => db.JobRuns.AsNoTracking().SingleAsync(r => r.JobName == job.Name && r.ScheduledFor == q2));
        Assert.NotNull(given.FinishedAt);
        Assert.StartsWith("attempt 2 failed", given.Result, StringComparison.Ordinal);
        Assert.Equal(q3, (await app.WithDbAsync(db => db.ScheduledJobs.AsNoTracking().SingleAsync(j => j.Name == job.Name))).NextRunAt);

        await scheduler.RunDueJobsAsync(CancellationToken.None); // Q3's own run (it fails too: retried later)
        Assert.Equal([q2, q2, q3], job.Occurrences);
    }

    [Fact]
    [Trait("Rule", "SAT-3")]
    public void RetryDelay_DoublesFromFiveMinutes_UpToAnHour() =>
        Assert.Equal([5.0, 10, 20, 40, 60, 60], Enumerable.Range(1, 6).Select(i => JobScheduler.RetryDelay(i).TotalMinutes).ToArray());
}
