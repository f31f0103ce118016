namespace Mingcha.Web.Features.Jobs;

/// <summary>
/// A recurring background job. Instances claim a due job with one conditional UPDATE, so with several
/// app instances on one database a job runs once per occurrence (decision 003).
/// </summary>
public sealed class ScheduledJob
{
    private ScheduledJob() { Name = ""; }
    public ScheduledJob(string name, DateTime nextRunAt) { Name = name; NextRunAt = nextRunAt; }
    public string Name { get; private set; }
    public DateTime NextRunAt { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseUntil { get; set; }
    public DateTime? LastRunAt { get; set; }
    public string? LastResult { get; set; }
}

/// <summary>One run of a job. Unique per (job, occurrence): the database itself refuses a second run of the same occurrence.</summary>
public sealed class JobRun
{
    private JobRun() { JobName = ""; Instance = ""; }
    public JobRun(string jobName, DateTime scheduledFor, string instance, DateTime startedAt)
    { Id = Guid.CreateVersion7(); JobName = jobName; ScheduledFor = scheduledFor; Instance = instance; StartedAt = startedAt; }
    public Guid Id { get; private set; }
    public string JobName { get; private set; }
    public DateTime ScheduledFor { get; private set; }
    public string Instance { get; private set; }
    public DateTime StartedAt { get; private set; }
    public DateTime? FinishedAt { get; set; }
    public string? Result { get; set; }
}

/// <summary>An in-app notification (reminders, notices). E-mail and SMS channels come with the rectification module.</summary>
public sealed class Notification
{
    private Notification() { Kind = ""; Title = ""; DedupKey = ""; }
    public Notification(string? userId, string? role, Guid? unitId, string kind, string title, string? body, string? link, string dedupKey, DateTime nowUtc)
    {
        Id = Guid.CreateVersion7(); UserId = userId; Role = role; UnitId = unitId; Kind = kind; Title = title; Body = body; Link = link; DedupKey = dedupKey; CreatedAt = nowUtc;
    }
    public Guid Id { get; private set; }
    /// <summary>Addressed to one user, or to everyone with <see cref="Role"/> (optionally within <see cref="UnitId"/>).</summary>
    public string? UserId { get; private set; }
    public string? Role { get; private set; }
    public Guid? UnitId { get; private set; }
    public string Kind { get; private set; }
    public string Title { get; private set; }
    public string? Body { get; private set; }
    public string? Link { get; private set; }
    /// <summary>Unique: the same reminder for the same thing on the same day is sent once.</summary>
    public string DedupKey { get; private set; }
    public DateTime CreatedAt { get; private set; }
}
