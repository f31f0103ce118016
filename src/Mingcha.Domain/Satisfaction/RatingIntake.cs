namespace Mingcha.Domain.Satisfaction;

/// <summary>Why a rating is refused at intake (Rules SAT-1, SAT-8).</summary>
public enum RatingRefusal
{
    /// <summary>Accepted.</summary>
    None,

    /// <summary>The level does not exist on the scale.</summary>
    LevelOutsideScale,

    /// <summary>The rating claims a time too far in the future (a wrong clock or a forgery).</summary>
    TimeInFuture,

    /// <summary>The rating claims a time too long ago to be a rating "at once" (SAT-1).</summary>
    TimeTooOld,
}

/// <summary>Intake checks of one rating, before it is stored (Rules SAT-1, SAT-8).</summary>
public static class RatingIntake
{
    /// <summary>How far ahead of the server a device clock may be.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>How late a device may deliver a rating it kept while offline.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(7);

    /// <summary>Checks scale, level and time; <paramref name="ratedAtUtc"/> null means "now".</summary>
    public static RatingRefusal Check(RatingScale scale, int level, DateTime? ratedAtUtc, DateTime nowUtc)
    {
        if (!RatingScaleMapping.IsValidLevel(scale, level)) return RatingRefusal.LevelOutsideScale;
        if (ratedAtUtc is { } at)
        {
            if (at > nowUtc + MaxClockSkew) return RatingRefusal.TimeInFuture;
            if (at < nowUtc - MaxDelay) return RatingRefusal.TimeTooOld;
        }
        return RatingRefusal.None;
    }
}
