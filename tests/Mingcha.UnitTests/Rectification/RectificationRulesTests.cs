using Mingcha.Domain.Calendar;
using Mingcha.Domain.Rectification;
using static Mingcha.UnitTests.Calendar.OfficialCalendar;

namespace Mingcha.UnitTests.Rectification;

public class ObjectionWindowTests
{
    [Theory]
    [Trait("Rule", "RCT-3")]
    [Trait("Rule", "CAL-2")]
    // An ordinary week: Monday → Wednesday.
    [InlineData("2026-11-16", "2026-11-18")]
    // Over a weekend: received Friday → Tuesday.
    [InlineData("2026-11-20", "2026-11-24")]
    // Received on a Saturday: the day does not count → Tuesday.
    [InlineData("2026-11-21", "2026-11-24")]
    // National Day 2026 (Oct 1–7 off): received 30 September → 8 and 9 October.
    [InlineData("2026-09-30", "2026-10-09")]
    [InlineData("2026-09-29", "2026-10-08")]
    // Mid-Autumn 2026 (25–27 September off) → Monday 28 and Tuesday 29.
    [InlineData("2026-09-24", "2026-09-29")]
    // Spring Festival 2026 (15–23 February off, Saturday 14 February a make-up working day) → 14 and 24 February.
    [InlineData("2026-02-13", "2026-02-24")]
    // Received during the Spring Festival → the first two working days after it.
    [InlineData("2026-02-18", "2026-02-25")]
    public void ObjectionDeadline_IsTheEndOfTheSecondWorkingDayAfterReceipt(string received, string lastDay)
    {
        Assert.Equal(D(lastDay), RectificationRules.ObjectionDeadline(Official, D(received)).LastDay);
    }

    [Fact]
    [Trait("Rule", "RCT-3")]
    public void ObjectionInTime_OnTheThirdWorkingDay_IsFalse()
    {
        var received = D("2026-11-16");
        Assert.True(RectificationRules.ObjectionInTime(Official, received, D("2026-11-16")));
        Assert.True(RectificationRules.ObjectionInTime(Official, received, D("2026-11-18")));
        Assert.False(RectificationRules.ObjectionInTime(Official, received, D("2026-11-19")));
        Assert.False(RectificationRules.ObjectionInTime(Official, received, D("2026-11-15")));
    }

    [Fact]
    [Trait("Rule", "RCT-3")]
    public void ObjectionInTime_OverNationalDay_StaysOpenThroughTheHoliday()
    {
        var received = D("2026-09-30");
        foreach (var day in new[] { "2026-10-01", "2026-10-04", "2026-10-07", "2026-10-08", "2026-10-09" })
            Assert.True(RectificationRules.ObjectionInTime(Official, received, D(day)), day);
        Assert.False(RectificationRules.ObjectionInTime(Official, received, D("2026-10-10"))); // the make-up Saturday is the 3rd working day
    }

    [Fact]
    [Trait("Rule", "RCT-3")]
    public void ObjectionDaysLeft_CountsDownInWorkingDays()
    {
        var received = D("2026-11-20"); // Friday
        // Counting today: on the Friday of receipt the unit may still object that day, Monday and Tuesday.
        Assert.Equal(3, RectificationRules.ObjectionDaysLeft(Official, received, D("2026-11-20")));
        Assert.Equal(2, RectificationRules.ObjectionDaysLeft(Official, received, D("2026-11-22"))); // Sunday
        Assert.Equal(1, RectificationRules.ObjectionDaysLeft(Official, received, D("2026-11-24")));
        Assert.True(RectificationRules.ObjectionDaysLeft(Official, received, D("2026-11-25")) <= 0);
    }

    [Fact]
    [Trait("Rule", "CAL-3")]
    [Trait("Rule", "RCT-3")]
    public void ObjectionDeadline_WhenTheNextYearIsMissing_IsAnErrorNotAGuess()
    {
        var e = Assert.Throws<CalendarYearMissingException>(() => RectificationRules.ObjectionDeadline(OfYears(2026), D("2026-12-31")));
        Assert.Equal(2027, e.Year);
    }

    [Fact]
    [Trait("Rule", "RCT-3")]
    [Trait("Rule", "RCT-4")]
    public void MayRecordRefusal_WhenTheObjectionWasRejectedOnTheDayOfReceipt_IsTrueThatDay()
    {
        var receipt = D("2026-11-16");

        // Undecided: the window holds to its last day, whatever the status says of an objection.
        Assert.False(RectificationRules.MayRecordRefusal(NoticeStatus.Issued, D("2026-11-18"), objectionDecided: false, receipt));
        Assert.True(RectificationRules.InObjectionWindow(NoticeStatus.Issued, D("2026-11-18"), objectionDecided: false, receipt));
        // Rejected the same day (the window's last day set back to the day of receipt): closed at once.
        Assert.True(RectificationRules.MayRecordRefusal(NoticeStatus.Issued, receipt, objectionDecided: true, receipt));
        Assert.False(RectificationRules.InObjectionWindow(NoticeStatus.Issued, receipt, objectionDecided: true, receipt));
        // Under review or answered: no refusal either way.
        Assert.False(RectificationRules.MayRecordRefusal(NoticeStatus.Objected, receipt, objectionDecided: false, D("2026-11-20")));
        Assert.False(RectificationRules.MayRecordRefusal(NoticeStatus.Answered, receipt, objectionDecided: true, D("2026-11-20")));
    }
}

public class EscalationLadderTests
{
    private static readonly IReadOnlyList<LadderStep> Ladder = RectificationRules.DefaultLadder;

    [Fact]
    [Trait("Rule", "RCT-4")]
    public void Defaults_FollowS1AndS4_SecondThenListedSupervision()
    {
        Assert.Equal([EscalationStage.SecondSupervision, EscalationStage.Listed], Ladder.Select(s => s.Stage));
        Assert.Empty(RectificationRules.ValidateLadder(Ladder));
    }

    [Theory]
    [Trait("Rule", "RCT-4")]
    [InlineData(NoticeStatus.Issued, EscalationStage.Notice, "2026-11-20", false, "2026-11-20", EscalationDecision.None)]
    [InlineData(NoticeStatus.Issued, EscalationStage.Notice, "2026-11-20", false, "2026-11-21", EscalationDecision.Escalate)]
    [InlineData(NoticeStatus.Returned, EscalationStage.SecondSupervision, "2026-11-20", false, "2026-11-23", EscalationDecision.Escalate)]
    [InlineData(NoticeStatus.Issued, EscalationStage.Listed, "2026-11-20", false, "2026-11-23", EscalationDecision.ExhaustedLadder)]
    [InlineData(NoticeStatus.Issued, EscalationStage.Listed, "2026-11-20", true, "2026-11-23", EscalationDecision.None)]
    [InlineData(NoticeStatus.Answered, EscalationStage.Notice, "2026-11-20", false, "2026-12-23", EscalationDecision.None)]
    [InlineData(NoticeStatus.Objected, EscalationStage.Notice, "2026-11-20", false, "2026-12-23", EscalationDecision.None)]
    [InlineData(NoticeStatus.Filed, EscalationStage.Notice, "2026-11-20", false, "2026-12-23", EscalationDecision.None)]
    [InlineData(NoticeStatus.Withdrawn, EscalationStage.Notice, "2026-11-20", false, "2026-12-23", EscalationDecision.None)]
    [InlineData(NoticeStatus.Refused, EscalationStage.Notice, "2026-11-20", false, "2026-12-23", EscalationDecision.None)]
    public void Decide_EscalatesOnlyWhatStillWaitsForTheUnitPastItsDay(NoticeStatus status, EscalationStage stage, string lastDay, bool exhausted, string today, EscalationDecision expected)
    {
        Assert.Equal(expected, RectificationRules.Decide(status, stage, D(lastDay), exhausted, D(today), Ladder));
    }

    /// <summary>A fake clock walks day by day from the notice over the National Day holiday; the ladder climbs once per rung.</summary>
    [Fact]
    [Trait("Rule", "RCT-4")]
    [Trait("Rule", "CAL-1")]
    public void Ladder_WithAFakeClockOverNationalDay_ClimbsOncePerRungOnWorkingDayDeadlines()
    {
        var issued = D("2026-09-25"); // Friday, during Mid-Autumn
        var stage = EscalationStage.Notice;
        var lastDay = WorkingDayDeadline.Compute(Official, issued, 3).LastDay; // 28, 29, 30 September
        Assert.Equal(D("2026-09-30"), lastDay);
        var exhausted = false;
        var events = new List<string>();
        for (var today = issued; today <= D("2026-11-30"); today = today.AddDays(1))
        {
            switch (RectificationRules.Decide(NoticeStatus.Issued, stage, lastDay, exhausted, today, Ladder))
            {
                case EscalationDecision.Escalate:
                    var step = RectificationRules.NextStep(stage, Ladder)!;
                    stage = step.Stage;
                    lastDay = WorkingDayDeadline.Compute(Official, today, step.WorkingDays).LastDay;
                    events.Add($"{today:MM-dd} {stage} until {lastDay:MM-dd}");
                    break;
                case EscalationDecision.ExhaustedLadder:
                    exhausted = true;
                    events.Add($"{today:MM-dd} exhausted");
                    break;
            }
        }
        // 1 October (holiday) → second supervision: 8, 9, 10 (make-up Saturday), 12, 13 October.
        // 14 October → listed supervision, 10 working days: 15 … 28 October. 29 October → exhausted, once.
        Assert.Equal(["10-01 SecondSupervision until 10-13", "10-14 Listed until 10-28", "10-29 exhausted"], events);
    }

    [Fact]
    [Trait("Rule", "RCT-4")]
    public void ValidateLadder_RefusesFallingRungsAndZeroDays()
    {
        Assert.NotEmpty(RectificationRules.ValidateLadder([new(EscalationStage.Listed, 5), new(EscalationStage.SecondSupervision, 5)]));
        Assert.NotEmpty(RectificationRules.ValidateLadder([new(EscalationStage.SecondSupervision, 0)]));
        Assert.NotEmpty(RectificationRules.ValidateLadder([new(EscalationStage.Notice, 5)]));
        Assert.Empty(RectificationRules.ValidateLadder([new(EscalationStage.Listed, 15)])); // an office may go straight to listed supervision
        Assert.Equal(EscalationStage.Listed, RectificationRules.NextStep(EscalationStage.Notice, [new(EscalationStage.Listed, 15)])!.Stage);
    }

    [Theory]
    [Trait("Rule", "RCT-4")]
    // Deadline Monday 11-30; reminders 2 working days before (Thursday 11-26) and on the last day.
    [InlineData("2026-11-26", true)]
    [InlineData("2026-11-27", false)]
    [InlineData("2026-11-28", false)]
    [InlineData("2026-11-30", true)]
    [InlineData("2026-12-01", false)]
    public void ReminderDue_BeforeTheLastDayInWorkingDays(string today, bool due)
    {
        Assert.Equal(due, RectificationRules.ReminderDue(Official, D("2026-11-30"), D(today), RectificationRules.DefaultReminderDays));
    }
}

public class RectificationScoreTests
{
    [Theory]
    [Trait("Rule", "EV-6")]
    [Trait("Rule", "RCT-4")]
    [InlineData(NoticeStatus.Filed, EscalationStage.Notice, false, 0, RectificationResult.OnTime)]
    [InlineData(NoticeStatus.Filed, EscalationStage.Notice, false, 1, RectificationResult.LateOrIncomplete)]
    [InlineData(NoticeStatus.Filed, EscalationStage.SecondSupervision, false, 0, RectificationResult.LateOrIncomplete)]
    [InlineData(NoticeStatus.Issued, EscalationStage.Listed, true, 0, RectificationResult.AfterSupervision)]
    [InlineData(NoticeStatus.Refused, EscalationStage.Notice, false, 0, RectificationResult.Refused)]
    [InlineData(NoticeStatus.Withdrawn, EscalationStage.Notice, false, 0, RectificationResult.Withdrawn)]
    [InlineData(NoticeStatus.Issued, EscalationStage.Notice, false, 0, RectificationResult.Open)]
    // 经二次督办后仍整改不到位: the second supervision's deadline passed (now listed), filed later or still open: 5.
    [InlineData(NoticeStatus.Filed, EscalationStage.Listed, false, 0, RectificationResult.AfterSupervision)]
    [InlineData(NoticeStatus.Issued, EscalationStage.Listed, false, 0, RectificationResult.AfterSupervision)]
    // 整改不到位: an answer sent back costs 3 from then on, before it is filed too.
    [InlineData(NoticeStatus.Returned, EscalationStage.Notice, false, 1, RectificationResult.LateOrIncomplete)]
    [InlineData(NoticeStatus.Answered, EscalationStage.Notice, false, 1, RectificationResult.LateOrIncomplete)]
    [InlineData(NoticeStatus.Issued, EscalationStage.SecondSupervision, false, 0, RectificationResult.LateOrIncomplete)]
    public void Classify_FollowsS4(NoticeStatus status, EscalationStage stage, bool exhausted, int returns, RectificationResult expected) =>
        Assert.Equal(expected, RectificationScoring.Classify(status, stage, exhausted, returns));

    /// <summary>经二次督办或挂牌督办后，仍整改不到位: an answer sent back while under supervision costs 5, filed later or not.</summary>
    [Theory]
    [Trait("Rule", "EV-6")]
    [InlineData(NoticeStatus.Returned, EscalationStage.SecondSupervision, 1, 1, RectificationResult.AfterSupervision)]
    [InlineData(NoticeStatus.Filed, EscalationStage.SecondSupervision, 1, 1, RectificationResult.AfterSupervision)]
    [InlineData(NoticeStatus.Filed, EscalationStage.Notice, 2, 0, RectificationResult.LateOrIncomplete)] // twice incomplete within its own deadline: 3
    public void Classify_WhenSentBackUnderSupervision_CostsFive(NoticeStatus status, EscalationStage stage, int returns, int supervised, RectificationResult expected) =>
        Assert.Equal(expected, RectificationScoring.Classify(status, stage, false, returns, supervised));

    /// <summary>An answer given after the last day of the rung the notice stood on: 3 at its own rung, 5 under supervision.</summary>
    [Theory]
    [Trait("Rule", "EV-6")]
    [Trait("Rule", "RCT-4")]
    [InlineData(NoticeStatus.Filed, EscalationStage.Notice, false, RectificationResult.OnTime)]
    [InlineData(NoticeStatus.Filed, EscalationStage.Notice, true, RectificationResult.LateOrIncomplete)]
    [InlineData(NoticeStatus.Answered, EscalationStage.Notice, true, RectificationResult.LateOrIncomplete)]
    [InlineData(NoticeStatus.Filed, EscalationStage.SecondSupervision, true, RectificationResult.AfterSupervision)]
    public void Classify_WhenAnsweredAfterTheLastDay_IsLate(NoticeStatus status, EscalationStage stage, bool answeredLate, RectificationResult expected) =>
        Assert.Equal(expected, RectificationScoring.Classify(status, stage, false, 0, 0, answeredLate));

    [Theory]
    [Trait("Rule", "EV-6")]
    [Trait("Rule", "CMP-7")]
    [InlineData(false, 0, RectificationResult.OnTime)]
    [InlineData(true, 0, RectificationResult.LateOrIncomplete)]   // answered after the unit's working days: 未按时间节点
    [InlineData(false, 1, RectificationResult.LateOrIncomplete)]  // sent back once to be done again: 整改不到位
    [InlineData(true, 1, RectificationResult.LateOrIncomplete)]
    [InlineData(false, 2, RectificationResult.AfterSupervision)]  // sent back a second time: 经二次督办后仍整改不到位
    [InlineData(true, 3, RectificationResult.AfterSupervision)]
    public void ClassifyComplaint_FollowsS4(bool answeredLate, int sentBack, RectificationResult expected) =>
        Assert.Equal(expected, RectificationScoring.ClassifyComplaint(answeredLate, sentBack));

    [Fact]
    [Trait("Rule", "EV-6")]
    public void Score_StartsAt20_CostsThreeFiveTen_NeverBelowZero()
    {
        Assert.Equal(20m, RectificationScoring.Score([RectificationResult.OnTime, RectificationResult.Withdrawn]));
        Assert.Equal(2m, RectificationScoring.Score([RectificationResult.LateOrIncomplete, RectificationResult.AfterSupervision, RectificationResult.Refused]));
        Assert.Equal(0m, RectificationScoring.Score([RectificationResult.Refused, RectificationResult.Refused, RectificationResult.Refused]));
    }
}

public class DeductionLedgerTests
{
    [Fact]
    [Trait("Rule", "EV-11")]
    [Trait("Rule", "RCT-3")]
    public void Reversal_NegatesTheLine_AndEachLineIsReversedOnce()
    {
        var unit = Guid.NewGuid();
        var a = new LedgerEntry(Guid.NewGuid(), unit, null, 2026, 1m, null);
        var b = new LedgerEntry(Guid.NewGuid(), unit, null, 2026, 3m, null);
        var reversal = new LedgerEntry(Guid.NewGuid(), unit, null, 2026, DeductionLedger.ReversalOf(a), a.Id);
        var lines = new[] { a, b, reversal };
        Assert.Equal(-1m, reversal.Points);
        Assert.Equal(3m, DeductionLedger.PointsLost(lines));
        Assert.Equal([b], DeductionLedger.Reversible(lines));
        Assert.Throws<InvalidOperationException>(() => DeductionLedger.ReversalOf(reversal));
    }
}
