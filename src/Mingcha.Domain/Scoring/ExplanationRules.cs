namespace Mingcha.Domain.Scoring;

/// <summary>Where a bottom-three section's written explanation stands as stored (EV-8): the unit filed it, the Office sent it back or accepted it.</summary>
public enum ExplanationState
{
    Filed = 0,
    SentBack = 1,
    Accepted = 2,
}

/// <summary>What a reader sees of a written explanation (EV-8): nothing filed yet (awaiting, or overdue past the last day), filed (in time or late), sent back, accepted.</summary>
public enum ExplanationStatus
{
    Awaiting = 0,
    Overdue = 1,
    Filed = 2,
    Late = 3,
    SentBack = 4,
    Accepted = 5,
}

/// <summary>
/// EV-8, CAL-2: a section in the bottom three with 70 or more explains itself in writing by the last day the Calendar gave
/// on publication. A filing after the end of that day is accepted but marked late (the deadline ends at the end of its
/// last day, CAL-2). The Office accepts it or sends it back with a reason; the unit then files again.
/// </summary>
public static class ExplanationRules
{
    /// <summary>The longest explanation (characters).</summary>
    public const int MaxText = 10_000;
    /// <summary>The longest reason for sending one back.</summary>
    public const int MaxReason = 2_000;

    /// <summary>CAL-2: filed on a day after the last day is late; on the last day itself it is in time.</summary>
    public static bool IsLate(DateOnly filedOn, DateOnly lastDay) => filedOn > lastDay;

    /// <summary>
    /// The status shown: without a filing, awaiting until the last day ends and overdue after it; a filing awaiting review is
    /// filed or late by when it was first filed; sent back and accepted as such.
    /// </summary>
    public static ExplanationStatus StatusOf(ExplanationState? state, bool late, DateOnly? lastDay, DateOnly today) => state switch
    {
        null => lastDay is { } d && today > d ? ExplanationStatus.Overdue : ExplanationStatus.Awaiting,
        ExplanationState.Filed => late ? ExplanationStatus.Late : ExplanationStatus.Filed,
        ExplanationState.SentBack => ExplanationStatus.SentBack,
        ExplanationState.Accepted => ExplanationStatus.Accepted,
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    /// <summary>Whether the unit may file now: nothing filed yet, or sent back. Otherwise the reason refusing it.</summary>
    public static string? RefusalToFile(ExplanationState? state) => state switch
    {
        null or ExplanationState.SentBack => null,
        ExplanationState.Filed => "书面说明已提交，待效能办审核。 The explanation was filed and awaits the Office's review.",
        _ => "书面说明已被认可，不能再次提交。 The explanation was accepted; it cannot be filed again.",
    };

    /// <summary>Whether the Office may review now: only a filing awaiting review. Otherwise the reason refusing it.</summary>
    public static string? RefusalToReview(ExplanationState? state) => state switch
    {
        ExplanationState.Filed => null,
        null or ExplanationState.SentBack => "没有待审核的书面说明。 No explanation awaits review.",
        _ => "书面说明已被认可。 The explanation was already accepted.",
    };
}
