using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Jobs;

/// <summary>Where a recurring job stands (decision 003, amendment "What the system administrator sees").</summary>
public enum JobState
{
    /// <summary>Its last run finished well, and the next is not yet due.</summary>
    Ok,
    /// <summary>Known to this instance but not yet in the schedule: no instance that runs jobs has started since it was added.</summary>
    NotScheduled,
    /// <summary>An instance holds its lease and runs it now.</summary>
    Running,
    /// <summary>The due occurrence failed and waits for its next attempt (5 minutes, doubling, at most an hour).</summary>
    Retrying,
    /// <summary>The last occurrence was given up after failing until the next one came: its work was not done.</summary>
    Failed,
    /// <summary>Due for longer than the grace time and no instance runs it (none runs jobs, or they all stopped).</summary>
    Overdue,
}

/// <summary>One run of a job, as listed.</summary>
public sealed record JobRunView(DateTime ScheduledFor, DateTime StartedAt, DateTime? FinishedAt, string Instance, string? Result, bool Failed);

/// <summary>One job as the system administrator sees it.</summary>
public sealed record JobView(string Name, JobState State, DateTime? NextRunAt, DateTime? LastRunAt, string? LastResult,
    int FailedAttempts, DateTime? RetryAt, string? LeaseOwner, IReadOnlyList<JobRunView> Runs);

/// <summary>
/// Reads the schedule and the latest runs of every recurring job, for the system administrator's page and API and for
/// the health check: a job that fails or that no instance runs shows here, not only in one instance's log.
/// </summary>
public sealed class JobStatusReader(MingchaDb db, IEnumerable<IRecurringJob> jobs, TimeProvider time, IOptions<MingchaOptions> options)
{
    /// <summary>Runs listed per job (the newest first).</summary>
    public const int RunsShown = 10;

    /// <summary>How long a given-up occurrence keeps the health check degraded (the page shows it until a run succeeds).</summary>
    public static readonly TimeSpan FailedReported = TimeSpan.FromDays(7);

    /// <summary>How long past due a job may wait for a poll before it counts as overdue: 15 minutes, or three polls if longer.</summary>
    public TimeSpan Grace => TimeSpan.FromTicks(Math.Max(TimeSpan.FromMinutes(15).Ticks, 3 * options.Value.JobPollInterval.Ticks));

    public async Task<IReadOnlyList<JobView>> ListAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var scheduled = await db.ScheduledJobs.AsNoTracking().ToDictionaryAsync(j => j.Name, StringComparer.Ordinal, ct);
        var names = jobs.Select(j => j.Name).Concat(scheduled.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var list = new List<JobView>(names.Count);
        foreach (var name in names)
        {
            // One indexed read per job, (JobName, ScheduledFor) being unique: a minutely job has half a million runs a year.
            var runs = (await db.JobRuns.AsNoTracking().Where(r => r.JobName == name).OrderByDescending(r => r.ScheduledFor).Take(RunsShown).ToListAsync(ct))
                .ConvertAll(r => new JobRunView(r.ScheduledFor, r.StartedAt, r.FinishedAt, r.Instance, r.Result, JobScheduler.Attempts(r.Result) > 0));
            list.Add(scheduled.TryGetValue(name, out var job) ? View(job, runs, now) : new JobView(name, JobState.NotScheduled, null, null, null, 0, null, null, runs));
        }
        return list;
    }

    private JobView View(ScheduledJob job, IReadOnlyList<JobRunView> runs, DateTime now)
    {
        var leased = job.LeaseOwner is not null && job.LeaseUntil > now;
        var due = runs.FirstOrDefault(r => r.ScheduledFor == job.NextRunAt && r.FinishedAt is null);
        var attempts = due is null ? 0 : JobScheduler.Attempts(due.Result);
        var lastFinished = runs.FirstOrDefault(r => r.FinishedAt is not null);
        var state = leased ? JobState.Running
            : attempts > 0 ? JobState.Retrying
            : job.NextRunAt < now - Grace ? JobState.Overdue
            : lastFinished is { Failed: true } ? JobState.Failed
            : JobState.Ok;
        // A retry waits out the lease let go until its next attempt (JobScheduler.RetryLaterAsync).
        var retryAt = state == JobState.Retrying ? job.LeaseUntil : null;
        return new JobView(job.Name, state, job.NextRunAt, job.LastRunAt, job.LastResult, attempts, retryAt, leased ? job.LeaseOwner : null, runs);
    }

    /// <summary>Whether the job's state needs someone to look (the health check's "degraded").</summary>
    public static bool NeedsAttention(JobView job, DateTime now) => job.State switch
    {
        JobState.Retrying or JobState.Overdue => true,
        JobState.Failed => job.Runs.FirstOrDefault(r => r.FinishedAt is not null)?.FinishedAt is { } at && now - at < FailedReported,
        _ => false,
    };
}

/// <summary>
/// "jobs" in <c>/health</c>: degraded (still HTTP 200, so a load balancer keeps the instance) while a job's occurrence
/// fails and waits for another attempt, is overdue, or was given up in the last 7 days; the description names them.
/// </summary>
public sealed class JobsHealthCheck(IServiceScopeFactory scopes, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var jobs = await scope.ServiceProvider.GetRequiredService<JobStatusReader>().ListAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var attention = jobs.Where(j => JobStatusReader.NeedsAttention(j, now)).Select(j => $"{j.Name}: {j.State}").ToList();
        return attention.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Degraded(string.Join("; ", attention));
    }
}

public static class JobsApi
{
    /// <summary><c>GET /api/v1/jobs</c>: the recurring jobs, their schedule and latest runs (system administrator, SEC-1).</summary>
    public static void MapJobs(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/jobs", async (JobStatusReader reader, CancellationToken ct) => await reader.ListAsync(ct))
            .WithTags("Jobs").RequireAuthorization(Policies.SystemOperate);
}
