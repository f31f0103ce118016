namespace Mingcha.Domain.Satisfaction;

/// <summary>The steps of a bad rating's follow-up, in order (Rule SAT-7).</summary>
public enum FollowUpStep
{
    /// <summary>Call the rater back (回访).</summary>
    CallBack,

    /// <summary>Verify what happened (核实).</summary>
    Verify,

    /// <summary>Fix it (整改).</summary>
    Fix,

    /// <summary>Tell the rater the outcome (反馈).</summary>
    Inform,
}

/// <summary>Working days allowed for each step, counted from the rating (CAL-2); the defaults are decision 008's.</summary>
public sealed record FollowUpDeadlines(int CallBack = 1, int Verify = 3, int Fix = 10, int Inform = 12)
{
    public int For(FollowUpStep step) => step switch
    {
        FollowUpStep.CallBack => CallBack,
        FollowUpStep.Verify => Verify,
        FollowUpStep.Fix => Fix,
        _ => Inform,
    };
}

/// <summary>
/// SAT-7: the effort a call back owes a real-name rater who does not answer before it may be closed as not reached:
/// <paramref name="Attempts"/> calls recorded as not reached, each at least <paramref name="Gap"/> after the one before.
/// </summary>
public sealed record CallBackEffort(int Attempts, TimeSpan Gap)
{
    /// <summary>Three calls an hour apart (decision 022).</summary>
    public static CallBackEffort Default { get; } = new(3, TimeSpan.FromHours(1));

    /// <summary>Whether a call made at <paramref name="now"/> comes too soon after the last one not reached.</summary>
    public bool TooSoon(DateTime? lastFailedAt, DateTime now) => lastFailedAt is { } last && now - last < Gap;

    /// <summary>Whether the calls not reached so far are enough to close the call back without reaching the rater.</summary>
    public bool Spent(int failedCalls) => failedCalls >= Attempts;
}

/// <summary>Rule SAT-7: what a follow-up case needs.</summary>
public static class FollowUpRules
{
    /// <summary>A bad rating opens a follow-up case; an anonymous bad rating without any way to reach the rater still does.</summary>
    public static bool OpensCase(RatingScale scale, int level) => RatingScaleMapping.IsBad(scale, level);

    /// <summary>
    /// Every real-name bad rating is called back: the call-back step cannot be skipped or closed without a call
    /// when the rater left a phone number. An anonymous rating's call-back can be closed as "no contact".
    /// </summary>
    public static bool MustCallBack(bool realName) => realName;

    /// <summary>The next step after <paramref name="done"/>, or null when the case is complete.</summary>
    public static FollowUpStep? Next(FollowUpStep done) => done == FollowUpStep.Inform ? null : done + 1;
}
