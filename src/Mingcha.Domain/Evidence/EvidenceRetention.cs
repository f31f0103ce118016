namespace Mingcha.Domain.Evidence;

/// <summary>A hold that keeps evidence beyond its normal retention (an open rectification, objection or complaint).</summary>
/// <param name="PlacedAt">When the hold was placed (UTC).</param>
/// <param name="LiftedAt">When it was lifted (UTC), or null while it applies.</param>
public sealed record RetentionHold(DateTime PlacedAt, DateTime? LiftedAt)
{
    public bool IsActive => LiftedAt is null;
}

/// <summary>
/// Rule EVD-1 (and INS-7 "kept 2 years"): a stored file can be changed or deleted by nobody until its
/// retention ends: two years from capture, longer while a hold applies. When a hold is lifted the retention
/// ends no earlier than the lift.
/// </summary>
public static class EvidenceRetention
{
    /// <summary>Years evidence is kept from its capture.</summary>
    public const int Years = 2;

    /// <summary>
    /// The moment the two years count from: the capture as stated, but never before the upload began. The capture time is
    /// typed in, or read from a camera whose clock may have been reset (to 2000-01-01); it must not make a file purgeable
    /// the day it arrives. Counting from the later of the two is never shorter than two years from the true capture.
    /// </summary>
    public static DateTime CountsFrom(DateTime capturedAtUtc, DateTime uploadStartedAtUtc) =>
        capturedAtUtc > uploadStartedAtUtc ? capturedAtUtc : uploadStartedAtUtc;

    /// <summary>The end of the two years from capture, ignoring holds.</summary>
    public static DateTime BaseRetainUntil(DateTime capturedAtUtc) => capturedAtUtc.AddYears(Years);

    /// <summary>
    /// When retention ends, or null while a hold applies (then it does not end at all until lifted).
    /// </summary>
    public static DateTime? RetainUntil(DateTime capturedAtUtc, IEnumerable<RetentionHold> holds)
    {
        ArgumentNullException.ThrowIfNull(holds);
        var until = BaseRetainUntil(capturedAtUtc);
        foreach (var hold in holds)
        {
            if (hold.LiftedAt is not { } lifted) return null;
            if (lifted > until) until = lifted;
        }
        return until;
    }

    /// <summary>Whether the file may be purged at <paramref name="nowUtc"/>: its retention ended and no hold applies.</summary>
    public static bool MayPurge(DateTime capturedAtUtc, IEnumerable<RetentionHold> holds, DateTime nowUtc) =>
        RetainUntil(capturedAtUtc, holds) is { } until && nowUtc >= until;
}

/// <summary>
/// Rule INS-7 ("handed to the Office the same day") as recorded by EVD-2: an upload is late when it began on a
/// later local day (office time zone) than the capture.
/// </summary>
public static class SameDayRule
{
    /// <summary>True when the upload started on a later office-local calendar day than the capture.</summary>
    public static bool IsLate(DateTime capturedAtUtc, DateTime uploadStartedAtUtc, TimeZoneInfo officeZone)
    {
        ArgumentNullException.ThrowIfNull(officeZone);
        return LocalDay(uploadStartedAtUtc, officeZone) > LocalDay(capturedAtUtc, officeZone);
    }

    /// <summary>The office-local calendar day of an instant.</summary>
    public static DateOnly LocalDay(DateTime utc, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone));
}

/// <summary>
/// Rule INS-11: a covert visit lasts at least 40 minutes at each unit, measured by the recorded video's duration
/// (read from the file itself, not from what the inspector states).
/// </summary>
public static class VisitDurationRule
{
    public static readonly TimeSpan Minimum = TimeSpan.FromMinutes(40);

    /// <summary>True when the recording is at least 40 minutes; false when shorter or when its duration is unknown.</summary>
    public static bool IsLongEnough(long? durationMs) => durationMs is { } ms && ms >= (long)Minimum.TotalMilliseconds;
}
