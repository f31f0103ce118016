using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Jobs;

namespace Mingcha.IntegrationTests.Jobs;

/// <summary>Two app instances on one database and one clock, as behind a load balancer (a SQLite file or a PostgreSQL database).</summary>
public sealed class TwoInstances : IDisposable
{
    public TwoInstances()
    {
        First = new BareMingchaApp();
        _ = First.Services; // the first instance migrates and seeds the database
        Second = MingchaApp.SharingDatabaseWith(First);
        _ = Second.Services;
    }

    public MingchaApp First { get; }
    public MingchaApp Second { get; }

    public void Dispose()
    {
        Second.Dispose();
        First.Dispose();
    }
}

/// <summary>Scheduled jobs claimed through the database (decision 003) and the calendar cache, across two instances.</summary>
public sealed class TwoInstanceTests(TwoInstances apps) : IClassFixture<TwoInstances>
{
    private Task<int> ReminderRunsAsync() =>
        apps.First.WithDbAsync(db => db.JobRuns.CountAsync(r => r.JobName == DeadlineReminderJob.JobName));

    [Fact]
    [Trait("Rule", "CAL-3")]
    public async Task DeadlineReminders_WhenBothInstancesPollAtOnceAgainAndAgain_RunOncePerOccurrence()
    {
        var schedulers = new[] { apps.First, apps.Second }.Select(a => a.Services.GetRequiredService<JobScheduler>()).ToArray();
        Assert.NotEqual(schedulers[0].Instance, schedulers[1].Instance);
        await PollAsync(schedulers); // registers the job: first run at the next 08:00 in Beijing (00:00 UTC)
        var firstOccurrence = apps.First.Clock.GetUtcNow().UtcDateTime.Date.AddDays(1);
        var occurrences = Enumerable.Range(0, 3).Select(i => firstOccurrence.AddDays(i)).ToList();

        var ran = new List<int>();
        foreach (var occurrence in occurrences.Take(2))
        {
            apps.First.Clock.Set(new DateTimeOffset(occurrence.AddMinutes(5)));
            await PollAsync(schedulers);
            ran.Add(await ReminderRunsAsync());
        }
        // The office loads next year's calendar; the third morning has nothing to remind of.
        apps.First.Clock.Set(new DateTimeOffset(occurrences[2].AddMinutes(-30)));
        var admin = await apps.Second.ClientAsAsync(Roles.OfficeAdmin);
        await (await admin.PostAsync("/api/v1/calendar/import", new StringContent("date,type,name\n2027-01-01,holiday,元旦\n", Encoding.UTF8, "text/csv"))).ExpectAsync(HttpStatusCode.OK);
        apps.First.Clock.Set(new DateTimeOffset(occurrences[2].AddMinutes(5)));
        await PollAsync(schedulers);
        ran.Add(await ReminderRunsAsync());

        // Other modules' jobs (e.g. the evidence upload sweep) run in the same polls: count this job's runs only.
        Assert.Equal([1, 2, 3], ran);
        var runs = await apps.First.WithDbAsync(db => db.JobRuns.AsNoTracking().Where(r => r.JobName == DeadlineReminderJob.JobName).OrderBy(r => r.ScheduledFor).ToListAsync());
        Assert.Equal(occurrences, runs.Select(r => r.ScheduledFor));
        Assert.All(runs, r => Assert.NotNull(r.FinishedAt));
        Assert.Equal(["1 reminders", "1 reminders", "0 reminders"], runs.Select(r => r.Result));
        var job = await apps.First.WithDbAsync(db => db.ScheduledJobs.AsNoTracking().SingleAsync(j => j.Name == DeadlineReminderJob.JobName));
        Assert.Equal((occurrences[2].AddDays(1), (string?)null), (job.NextRunAt, job.LeaseOwner));

        // CAL-3 seen ahead: in November the office administrators are told 2027 is missing, once a day, never twice.
        var reminders = await apps.First.WithDbAsync(db => db.Notifications.AsNoTracking().Where(n => n.Kind == "calendar.missing-year").OrderBy(n => n.CreatedAt).ToListAsync());
        Assert.Equal(2, reminders.Count);
        Assert.All(reminders, n =>
        {
            Assert.Equal(Roles.OfficeAdmin, n.Role);
            Assert.Contains("2027", n.Title, StringComparison.Ordinal);
            Assert.Contains("CAL-3", n.Body, StringComparison.Ordinal);
        });
        Assert.Equal(2, reminders.Select(n => n.DedupKey).Distinct().Count());
    }

    [Fact]
    [Trait("Rule", "CAL-1")]
    public async Task CalendarCorrection_WhenMadeOnOneInstance_ReachesTheOtherWithinItsCacheTime()
    {
        var onFirst = await apps.First.ClientAsAsync(Roles.OfficeStaff);
        var admin = await apps.Second.ClientAsAsync(Roles.OfficeAdmin);
        const string deadline = "/api/v1/calendar/deadline?from=2026-12-14&days=3";
        Assert.Equal(new DateOnly(2026, 12, 17), (await onFirst.GetAsync<DeadlineDto>(deadline)).LastDay); // cached on the first instance now

        apps.First.Clock.Advance(TimeSpan.FromSeconds(1));
        await (await admin.PutJsonAsync("/api/v1/calendar/days/2026-12-16", new { kind = "holiday", name = "临时调整" })).ExpectAsync(HttpStatusCode.NoContent);
        try
        {
            Assert.Equal(new DateOnly(2026, 12, 18), (await admin.GetAsync<DeadlineDto>(deadline)).LastDay); // at once where it was made

            apps.First.Clock.Advance(TimeSpan.FromSeconds(31)); // the first instance re-checks the calendar's stamp every 30 s
            Assert.Equal(new DateOnly(2026, 12, 18), (await onFirst.GetAsync<DeadlineDto>(deadline)).LastDay);
        }
        finally
        {
            await (await admin.PutJsonAsync("/api/v1/calendar/days/2026-12-16", new { kind = "normal" })).ExpectAsync(HttpStatusCode.NoContent);
        }
    }

    /// <summary>
    /// CAL-1: a short file imported for a loaded year corrects its days; the other instance sees the change at its next
    /// re-check as it sees a correction by hand (the import once left the year's stamp as it was, so the other instance kept
    /// the old calendar until it restarted).
    /// </summary>
    [Fact]
    [Trait("Rule", "CAL-1")]
    public async Task CalendarCorrectionImported_OnOneInstance_ReachesTheOtherWithinItsCacheTime()
    {
        var onFirst = await apps.First.ClientAsAsync(Roles.OfficeStaff);
        var admin = await apps.Second.ClientAsAsync(Roles.OfficeAdmin);
        const string deadline = "/api/v1/calendar/deadline?from=2026-12-21&days=3";
        Assert.Equal(new DateOnly(2026, 12, 24), (await onFirst.GetAsync<DeadlineDto>(deadline)).LastDay);

        apps.First.Clock.Advance(TimeSpan.FromSeconds(1));
        await (await admin.PostAsync("/api/v1/calendar/import", new StringContent("date,type,name\n2026-12-23,holiday,临时调整\n", Encoding.UTF8, "text/csv")))
            .ExpectAsync(HttpStatusCode.OK);
        try
        {
            Assert.Equal(new DateOnly(2026, 12, 25), (await admin.GetAsync<DeadlineDto>(deadline)).LastDay);
            apps.First.Clock.Advance(TimeSpan.FromSeconds(31));
            Assert.Equal(new DateOnly(2026, 12, 25), (await onFirst.GetAsync<DeadlineDto>(deadline)).LastDay);
        }
        finally
        {
            await (await admin.PutJsonAsync("/api/v1/calendar/days/2026-12-23", new { kind = "normal" })).ExpectAsync(HttpStatusCode.NoContent);
        }
    }

    [Fact]
    [Trait("Rule", "CAL-1")]
    public async Task CalendarCorrection_WhenMadeOnAnInstanceWhoseClockIsBehind_StillReachesTheOthers()
    {
        var clock = apps.First.Clock;
        var onFirst = await apps.First.ClientAsAsync(Roles.OfficeStaff);
        var admin = await apps.Second.ClientAsAsync(Roles.OfficeAdmin);
        const string deadline = "/api/v1/calendar/deadline?from=2026-12-07&days=3";
        Assert.Equal(new DateOnly(2026, 12, 10), (await onFirst.GetAsync<DeadlineDto>(deadline)).LastDay);
        try
        {
            // A correction of 2025 stamped by an instance whose clock runs ahead; the first instance picks it up.
            clock.Advance(TimeSpan.FromSeconds(1));
            await (await admin.PutJsonAsync("/api/v1/calendar/days/2025-12-31", new { kind = "holiday", name = "岁末" })).ExpectAsync(HttpStatusCode.NoContent);
            clock.Advance(TimeSpan.FromSeconds(31));
            Assert.Equal(new DateOnly(2026, 12, 10), (await onFirst.GetAsync<DeadlineDto>(deadline)).LastDay);

            // Then a correction of 2026 from an instance whose clock is 10 seconds behind that one.
            clock.Advance(TimeSpan.FromSeconds(-42));
            await (await admin.PutJsonAsync("/api/v1/calendar/days/2026-12-09", new { kind = "holiday", name = "临时调整" })).ExpectAsync(HttpStatusCode.NoContent);
            clock.Advance(TimeSpan.FromSeconds(80)); // past the first instance's next re-check

            Assert.Equal(new DateOnly(2026, 12, 11), (await onFirst.GetAsync<DeadlineDto>(deadline)).LastDay);
        }
        finally
        {
            await (await admin.PutJsonAsync("/api/v1/calendar/days/2026-12-09", new { kind = "normal" })).ExpectAsync(HttpStatusCode.NoContent);
            await (await admin.PutJsonAsync("/api/v1/calendar/days/2025-12-31", new { kind = "normal" })).ExpectAsync(HttpStatusCode.NoContent);
        }
    }

    /// <summary>Both instances poll for due jobs ten times each, all at once; returns how many runs they made in total.</summary>
    private static async Task<int> PollAsync(JobScheduler[] schedulers)
    {
        var polls = Enumerable.Range(0, 20).Select(i => Task.Run(() => schedulers[i % 2].RunDueJobsAsync(CancellationToken.None)));
        return (await Task.WhenAll(polls)).Sum();
    }

    private sealed record DeadlineDto(DateOnly LastDay);
}
