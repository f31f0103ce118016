using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Mingcha.Web.Data;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Jobs;

/// <summary>A recurring job. <see cref="NextRun"/> gives the next occurrence after a given one.</summary>
public interface IRecurringJob
{
    string Name { get; }
    DateTime NextRun(DateTime afterUtc, TimeZoneInfo zone);
    Task<string> RunAsync(IServiceProvider services, DateTime occurrenceUtc, CancellationToken ct);
}

/// <summary>
/// Claims due jobs through the database (decision 003): one conditional UPDATE takes a lease, renewed while the job
/// runs, and a unique (job, occurrence) row in JobRuns records the run. A finished run is never repeated; a run left
/// unfinished by a dead instance is taken over once its lease lapsed and run again (jobs are idempotent), and a run that
/// failed is run again later (<see cref="RetryLaterAsync"/>), so no occurrence is lost. Safe with any number of app
/// instances on one PostgreSQL.
/// </summary>
public sealed partial class JobScheduler(IServiceScopeFactory scopes, IEnumerable<IRecurringJob> jobs, TimeProvider time,
    IOptions<MingchaOptions> options, ILogger<JobScheduler> logger) : BackgroundService
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);
    public string Instance { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.JobPollInterval, time);
        do
        {
            try { await RunDueJobsAsync(stoppingToken); }
            catch (Exception ex) when (ex is not OperationCanceledException) { LogPollFailed(logger, ex); }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass: registers unknown jobs, then claims and runs every due one. Returns how many ran here.</summary>
    public async Task<int> RunDueJobsAsync(CancellationToken ct)
    {
        var ran = 0;
        var zone = options.Value.TimeZoneInfo;
        foreach (var job in jobs)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
            var now = time.GetUtcNow().UtcDateTime;
            if (!await db.ScheduledJobs.AnyAsync(j => j.Name == job.Name, ct))
            {
                db.ScheduledJobs.Add(new ScheduledJob(job.Name, job.NextRun(now, zone)));
                try { await db.SaveChangesAsync(ct); }
                catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e)) { db.ChangeTracker.Clear(); } // another instance registered it first
            }

            var leaseUntil = now + Lease;
            var claimed = await db.ScheduledJobs
                .Where(j => j.Name == job.Name && j.NextRunAt <= now && (j.LeaseUntil == null || j.LeaseUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseOwner, Instance).SetProperty(j => j.LeaseUntil, leaseUntil), ct);
            if (claimed == 0) continue;

            var state = await db.ScheduledJobs.AsNoTracking().FirstAsync(j => j.Name == job.Name, ct);
            var occurrence = state.NextRunAt;
            var (run, skip) = await TakeRunAsync(db, job.Name, occurrence, now, ct);
            if (run is null)
            {
                if (skip) await AdvanceAsync(db, job, occurrence, zone, "skipped: already run", ct);
                continue;
            }

            string result;
            var failed = false;
            using (var renewal = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                var renewing = RenewLeaseAsync(job.Name, renewal.Token);
                try { result = await job.RunAsync(scope.ServiceProvider, occurrence, ct); }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    result = "failed: " + ex.Message;
                    failed = true;
                    LogJobFailed(logger, ex, job.Name);
                }
                finally
                {
                    await renewal.CancelAsync();
                    await renewing;
                }
            }
            db.ChangeTracker.Clear();
            var finishedAt = time.GetUtcNow().UtcDateTime;
            var givenUp = false;
            if (failed)
            {
                var attempt = Attempts(run.Result) + 1;
                result = $"{AttemptPrefix}{attempt} {result}";
                if (await RetryLaterAsync(db, job, run, occurrence, zone, attempt, Cut(result), ct)) continue;
                givenUp = true;
            }
            result = Cut(result);
            // Finished only if the run is still ours: had another instance taken it over, its own finish counts.
            var finished = await db.JobRuns.Where(r => r.Id == run.Id && r.Instance == Instance && r.FinishedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.FinishedAt, finishedAt).SetProperty(r => r.Result, result), ct);
            if (finished == 0) continue;
            // Given up because the next occurrence came: that one is due now and is not skipped.
            await AdvanceAsync(db, job, occurrence, zone, result, ct, nextDue: givenUp);
            ran++;
        }
        return ran;
    }

    /// <summary>
    /// The run of this occurrence, for this instance to carry out; or null, with <c>skip</c> when the occurrence already
    /// ran to its end (the schedule moves on). An unfinished run found here belongs to an instance that died mid-run
    /// (or hung): we hold the job's lease, so its owner stopped renewing it (<see cref="RenewLeaseAsync"/>) for a whole
    /// lease. It is taken over and run again; every job's effects are idempotent (decision 003), so the occurrence is
    /// neither lost nor doubled.
    /// </summary>
    private async Task<(JobRun? Run, bool Skip)> TakeRunAsync(MingchaDb db, string jobName, DateTime occurrence, DateTime now, CancellationToken ct)
    {
        var existing = await db.JobRuns.AsNoTracking().FirstOrDefaultAsync(r => r.JobName == jobName && r.ScheduledFor == occurrence, ct);
        if (existing is null)
        {
            var run = new JobRun(jobName, occurrence, Instance, now);
            db.JobRuns.Add(run);
            try
            {
                await db.SaveChangesAsync(ct);
                return (run, false);
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
            {
                // Inserted by another instance in between (it held the lease before us): look at its run.
                db.ChangeTracker.Clear();
                existing = await db.JobRuns.AsNoTracking().FirstAsync(r => r.JobName == jobName && r.ScheduledFor == occurrence, ct);
            }
        }
        if (existing.FinishedAt is not null) return (null, true);

        var takenOver = await db.JobRuns
            .Where(r => r.Id == existing.Id && r.FinishedAt == null && r.Instance == existing.Instance && r.StartedAt == existing.StartedAt)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Instance, Instance).SetProperty(r => r.StartedAt, now), ct);
        if (takenOver == 0) return (null, false); // finished or taken in between: leave the schedule to whoever holds it
        if (Attempts(existing.Result) == 0) LogRunTakenOver(logger, jobName, occurrence, existing.Instance); // else a retry (RetryLaterAsync)
        return (await db.JobRuns.AsNoTracking().FirstAsync(r => r.Id == existing.Id, ct), false);
    }

    private const string AttemptPrefix = "attempt ";

    private static string Cut(string result) => result.Length > 1000 ? result[..1000] : result;

    /// <summary>How many attempts of a run failed so far ("attempt 2 failed: ..." on the unfinished run).</summary>
    internal static int Attempts(string? result) =>
        result is not null && result.StartsWith(AttemptPrefix, StringComparison.Ordinal)
        && int.TryParse(result.AsSpan(AttemptPrefix.Length, Math.Max(0, result.IndexOf(' ', AttemptPrefix.Length) - AttemptPrefix.Length)), out var n) ? n : 0;

    /// <summary>The wait before attempt <paramref name="failed"/> + 1 of a run: 5 minutes, doubled each time, at most an hour.</summary>
    public static TimeSpan RetryDelay(int failed) => TimeSpan.FromMinutes(Math.Min(60, 5 * Math.Pow(2, Math.Min(failed - 1, 10))));

    /// <summary>
    /// A failed run (a database gone for a moment, a file share away) stays unfinished and the occurrence stays due: the
    /// job's lease is let go until <see cref="RetryDelay"/> from now, and then any instance runs the same occurrence
    /// again (jobs are idempotent, decision 003). Only when the job's next occurrence has come is the failed one given up,
    /// recorded as failed, and the schedule moves on. Returns false when it is given up.
    /// </summary>
    private async Task<bool> RetryLaterAsync(MingchaDb db, IRecurringJob job, JobRun run, DateTime occurrence, TimeZoneInfo zone, int attempt, string result, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (job.NextRun(occurrence, zone) <= now) return false;
        var retryAt = now + RetryDelay(attempt);
        var ours = await db.JobRuns.Where(r => r.Id == run.Id && r.Instance == Instance && r.FinishedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Result, result), ct);
        if (ours == 0) return true; // taken over meanwhile: its new owner finishes or retries it
        await db.ScheduledJobs.Where(j => j.Name == job.Name && j.LeaseOwner == Instance)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.LastResult, result + $"; again after {retryAt:yyyy-MM-dd HH:mm} UTC")
                .SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseUntil, retryAt), ct);
        LogRetryLater(logger, job.Name, occurrence, attempt, retryAt);
        return true;
    }

    /// <summary>Keeps the job's lease while a run goes on (a third of the lease at a time), so that only a dead or hung instance's run is ever taken over.</summary>
    private async Task RenewLeaseAsync(string jobName, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(Lease / 3, time, ct);
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
                var until = time.GetUtcNow().UtcDateTime + Lease;
                await db.ScheduledJobs.Where(j => j.Name == jobName && j.LeaseOwner == Instance)
                    .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseUntil, until), ct);
            }
        }
        catch (OperationCanceledException) { }
        catch (Exception ex) { LogRenewFailed(logger, ex, jobName); } // the run goes on; at worst another instance takes it over
    }

    private async Task AdvanceAsync(MingchaDb db, IRecurringJob job, DateTime occurrence, TimeZoneInfo zone, string result, CancellationToken ct, bool nextDue = false)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var next = job.NextRun(nextDue || occurrence > now ? occurrence : now, zone);
        await db.ScheduledJobs.Where(j => j.Name == job.Name && j.LeaseOwner == Instance)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.NextRunAt, next)
                .SetProperty(j => j.LastRunAt, now)
                .SetProperty(j => j.LastResult, result)
                .SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseUntil, (DateTime?)null), ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job poll failed")]
    private static partial void LogPollFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: the run of {Occurrence:o} left unfinished by {Owner} is taken over")]
    private static partial void LogRunTakenOver(ILogger logger, string job, DateTime occurrence, string owner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: renewing the lease failed")]
    private static partial void LogRenewFailed(ILogger logger, Exception ex, string job);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: the run of {Occurrence:o} failed (attempt {Attempt}); it is run again after {RetryAt:o}")]
    private static partial void LogRetryLater(ILogger logger, string job, DateTime occurrence, int attempt, DateTime retryAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job} failed")]
    private static partial void LogJobFailed(ILogger logger, Exception ex, string job);
}

/// <summary>Runs once a day at a fixed local time.</summary>
public abstract class DailyJob(TimeOnly at) : IRecurringJob
{
    public abstract string Name { get; }

    public DateTime NextRun(DateTime afterUtc, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(afterUtc, DateTimeKind.Utc), zone);
        var candidate = local.Date + at.ToTimeSpan();
        if (candidate <= local) candidate = candidate.AddDays(1);
        return TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(candidate, DateTimeKind.Unspecified), zone);
    }

    public abstract Task<string> RunAsync(IServiceProvider services, DateTime occurrenceUtc, CancellationToken ct);
}
