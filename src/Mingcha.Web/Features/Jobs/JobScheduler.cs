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
/// Claims due jobs through the database (decision 003): one conditional UPDATE takes a lease, and a unique
/// (job, occurrence) row in JobRuns refuses a second run of the same occurrence even if a lease expired
/// mid-run. Safe with any number of app instances on one PostgreSQL.
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
                catch (DbUpdateException) { db.ChangeTracker.Clear(); } // another instance registered it first
            }

            var leaseUntil = now + Lease;
            var claimed = await db.ScheduledJobs
                .Where(j => j.Name == job.Name && j.NextRunAt <= now && (j.LeaseUntil == null || j.LeaseUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseOwner, Instance).SetProperty(j => j.LeaseUntil, leaseUntil), ct);
            if (claimed == 0) continue;

            var state = await db.ScheduledJobs.AsNoTracking().FirstAsync(j => j.Name == job.Name, ct);
            var occurrence = state.NextRunAt;
            var run = new JobRun(job.Name, occurrence, Instance, now);
            db.JobRuns.Add(run);
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException)
            {
                // This occurrence already ran elsewhere: move on without running it again.
                db.ChangeTracker.Clear();
                await AdvanceAsync(db, job, occurrence, zone, "skipped: already run", ct);
                continue;
            }

            string result;
            try { result = await job.RunAsync(scope.ServiceProvider, occurrence, ct); }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                result = "failed: " + ex.Message;
                LogJobFailed(logger, ex, job.Name);
            }
            run.FinishedAt = time.GetUtcNow().UtcDateTime;
            run.Result = result.Length > 1000 ? result[..1000] : result;
            await db.SaveChangesAsync(ct);
            await AdvanceAsync(db, job, occurrence, zone, run.Result, ct);
            ran++;
        }
        return ran;
    }

    private async Task AdvanceAsync(MingchaDb db, IRecurringJob job, DateTime occurrence, TimeZoneInfo zone, string result, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var next = job.NextRun(occurrence > now ? occurrence : now, zone);
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
