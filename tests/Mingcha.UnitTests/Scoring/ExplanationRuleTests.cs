using Mingcha.Domain.Scoring;

namespace Mingcha.UnitTests.Scoring;

/// <summary>EV-8, CAL-2: the bottom three's written explanation: when it is late, what a reader sees, what may happen next.</summary>
public sealed class ExplanationRuleTests
{
    private static readonly DateOnly LastDay = new(2026, 12, 7);

    [Theory]
    [Trait("Rule", "EV-8")]
    [Trait("Rule", "CAL-2")]
    [InlineData("2026-12-04", false)]
    [InlineData("2026-12-07", false)] // the last day itself counts to its end (CAL-2)
    [InlineData("2026-12-08", true)]
    public void IsLate_WhenFiledAfterTheLastDay_IsTrue(string filedOn, bool late) =>
        Assert.Equal(late, ExplanationRules.IsLate(DateOnly.Parse(filedOn, System.Globalization.CultureInfo.InvariantCulture), LastDay));

    [Theory]
    [Trait("Rule", "EV-8")]
    [InlineData(null, false, "2026-12-07", ExplanationStatus.Awaiting)]
    [InlineData(null, false, "2026-12-08", ExplanationStatus.Overdue)]
    [InlineData(ExplanationState.Filed, false, "2026-12-08", ExplanationStatus.Filed)]
    [InlineData(ExplanationState.Filed, true, "2026-12-08", ExplanationStatus.Late)]
    [InlineData(ExplanationState.SentBack, false, "2026-12-20", ExplanationStatus.SentBack)]
    [InlineData(ExplanationState.Accepted, true, "2026-12-20", ExplanationStatus.Accepted)]
    public void StatusOf_GivesWhatTheReaderSees(ExplanationState? state, bool late, string today, ExplanationStatus expected) =>
        Assert.Equal(expected, ExplanationRules.StatusOf(state, late, LastDay, DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    [Trait("Rule", "EV-8")]
    public void StatusOf_WithoutALastDay_IsAwaiting() =>
        Assert.Equal(ExplanationStatus.Awaiting, ExplanationRules.StatusOf(null, false, null, new DateOnly(2030, 1, 1)));

    [Fact]
    [Trait("Rule", "EV-8")]
    public void File_IsAllowedFirstAndAfterSendingBack_ReviewOnlyOfAFiling()
    {
        Assert.Null(ExplanationRules.RefusalToFile(null));
        Assert.Null(ExplanationRules.RefusalToFile(ExplanationState.SentBack));
        Assert.NotNull(ExplanationRules.RefusalToFile(ExplanationState.Filed));
        Assert.NotNull(ExplanationRules.RefusalToFile(ExplanationState.Accepted));
        Assert.Null(ExplanationRules.RefusalToReview(ExplanationState.Filed));
        Assert.NotNull(ExplanationRules.RefusalToReview(null));
        Assert.NotNull(ExplanationRules.RefusalToReview(ExplanationState.SentBack));
        Assert.NotNull(ExplanationRules.RefusalToReview(ExplanationState.Accepted));
    }
}
