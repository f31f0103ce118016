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
