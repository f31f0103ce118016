using Mingcha.Domain.Calendar;
using Mingcha.Domain.Complaints;
using Mingcha.UnitTests.Calendar;
using static Mingcha.UnitTests.Calendar.OfficialCalendar;

namespace Mingcha.UnitTests.Complaints;

public sealed class ComplaintRulesTests
{
    private static readonly WorkingCalendar Cal = Official;

    [Fact]
    [Trait("Rule", "CMP-7")]
    [Trait("Rule", "CAL-2")]
    public void AnswerLastDay_WhenReceivedBeforeTheSpringFestival_SkipsTheHolidayAndCountsTheMakeUpSaturdays()
    {
        // Tue 2026-02-10: 11, 12, 13, Sat 14 (make-up), [15–23 holiday], 24, 25, 26, 27, Sat 28 (make-up), Mon 2 March.
        Assert.Equal(D("2026-03-02"), ComplaintRules.AnswerLastDay(Cal, D("2026-02-10")));
    }

    [Fact]
    [Trait("Rule", "CMP-7")]
    [Trait("Rule", "CAL-2")]
    public void AnswerLastDay_WhenReceivedOnAHoliday_CountsFromTheFirstWorkingDayAfter()
    {
        // Received on the first day of the festival (Sunday 15 Feb): 24, 25, 26, 27, 28 (make-up), 2, 3, 4, 5, 6 March.
        Assert.Equal(D("2026-03-06"), ComplaintRules.AnswerLastDay(Cal, D("2026-02-15")));
    }

    [Fact]
    [Trait("Rule", "CMP-7")]
    [Trait("Rule", "CAL-2")]
    public void TransferLastDay_WhenAssignedTheFridayBeforeTheFestival_IsTheFirstDaysAfterIt()
    {
        // Fri 13 Feb: Sat 14 (make-up), 24, 25.
        Assert.Equal(D("2026-02-25"), ComplaintRules.TransferLastDay(Cal, D("2026-02-13")));
    }

    [Fact]
    [Trait("Rule", "CMP-7")]
    [Trait("Rule", "CAL-2")]
    public void ExtendedLastDay_WhenTheDeadlineFallsBeforeTheFestival_AddsWorkingDaysAcrossIt()
    {
        // Last day Thu 12 Feb + 5: 13, 14 (make-up), 24, 25, 26.
        Assert.Equal(D("2026-02-26"), ComplaintRules.ExtendedLastDay(Cal, D("2026-02-12"), 5));
    }

    [Theory]
    [Trait("Rule", "CMP-7")]
    [InlineData(1, false, true)]
    [InlineData(5, false, true)]
    [InlineData(6, false, false)]
    [InlineData(0, false, false)]
    [InlineData(3, true, false)]
    public void ExtensionRefusal_AllowsOneExtensionOfAtMost5WorkingDays(int days, bool already, bool allowed)
    {
        Assert.Equal(allowed, ComplaintRules.ExtensionRefusal(days, already) is null);
    }

    [Fact]
    [Trait("Rule", "CAL-3")]
    [Trait("Rule", "CMP-7")]
    public void AnswerLastDay_WhenTheCalendarLacksTheYear_Throws()
    {
        Assert.Throws<CalendarYearMissingException>(() => ComplaintRules.AnswerLastDay(OfYears(2026), D("2026-12-28")));
    }

    [Theory]
    [Trait("Rule", "CMP-5")]
    [InlineData(false, true, ComplaintKind.Complaint)]
    [InlineData(true, true, ComplaintKind.Suggestion)]
    [InlineData(false, false, ComplaintKind.Suggestion)]
    [InlineData(true, false, ComplaintKind.Suggestion)]
    public void KindOf_AnonymousOrWithoutInterest_IsASuggestion(bool anonymous, bool interest, ComplaintKind expected)
    {
        Assert.Equal(expected, ComplaintRules.KindOf(anonymous, interest));
    }

    [Fact]
    [Trait("Rule", "CMP-6")]
    [Trait("Rule", "CMP-9")]
    public void MatterKey_IgnoresSpacesPunctuationWidthAndCase()
    {
        Assert.Equal(ComplaintRules.MatterKey("社保卡申领 ABC"), ComplaintRules.MatterKey(" 社保卡 申领！ａｂｃ"));
        Assert.NotEqual(ComplaintRules.MatterKey("社保卡申领"), ComplaintRules.MatterKey("社保卡补领"));
        Assert.Equal("", ComplaintRules.MatterKey("  ！！ "));
    }

    [Fact]
    [Trait("Rule", "CMP-6")]
    public void ComplainantKey_IsTheSameForOnePhoneWrittenTwoWays_EmptyWhenAnonymous_AndHidesThePhone()
    {
        var a = ComplaintRules.ComplainantKey("138-1234-5678", null, "张三");
        Assert.Equal(a, ComplaintRules.ComplainantKey("13812345678", null, "李四"));
        Assert.DoesNotContain("5678", a, StringComparison.Ordinal);
        Assert.NotEqual(a, ComplaintRules.ComplainantKey("13812345679", null, null));
        Assert.Equal("", ComplaintRules.ComplainantKey(null, " ", null));
    }

    [Fact]
    [Trait("Rule", "CMP-9")]
    public void Repeat_WhenTheSameMatterIsTheThirdTime_IsSameMatter()
    {
        var k = ComplaintRules.MatterKey("营业执照办理");
        var others = new[] { new PriorComplaint(Guid.NewGuid(), k, D("2026-03-02")), new PriorComplaint(Guid.NewGuid(), k, D("2026-06-01")) };
        Assert.Equal(RepeatReason.SameMatter, ComplaintRules.Repeat(k, D("2026-11-16"), others));
        Assert.Null(ComplaintRules.Repeat(k, D("2026-11-16"), others[..1]));
    }

    [Fact]
    [Trait("Rule", "CMP-9")]
    public void Repeat_WhenTwoComplaintsFallWithin30Days_IsWithinMonth_Day31IsNot()
    {
        var other = new PriorComplaint(Guid.NewGuid(), "发票", D("2026-10-18"));
        Assert.Equal(RepeatReason.WithinMonth, ComplaintRules.Repeat("退税", D("2026-11-16"), [other])); // 30th day counting both
        Assert.Null(ComplaintRules.Repeat("退税", D("2026-11-17"), [other]));
        // The other one received later (assigned first): the month holds both all the same.
        Assert.Equal(RepeatReason.WithinMonth, ComplaintRules.Repeat("退税", D("2026-09-19"), [other]));
        Assert.Null(ComplaintRules.Repeat("退税", D("2026-09-18"), [other]));
        Assert.Equal([other.Id], ComplaintRules.RepeatGrounds(RepeatReason.WithinMonth, "退税", D("2026-10-01"), [other]).Select(o => o.Id));
    }

    [Fact]
    [Trait("Rule", "CMP-7")]
    public void ExtensionRefusal_AfterTheLastDay_RefusesWithTheDay_OnItIsAllowed()
    {
        Assert.Null(ComplaintRules.ExtensionRefusal(5, false, D("2026-11-30"), D("2026-11-30")));
        Assert.Contains("2026-11-30", ComplaintRules.ExtensionRefusal(5, false, D("2026-11-30"), D("2026-12-01")), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "CMP-9")]
    public void RepeatGrounds_AreTheEarlierComplaintsThatMadeTheRepeat_NotTheOthers()
    {
        var k = ComplaintRules.MatterKey("营业执照办理");
        var sameA = new PriorComplaint(Guid.NewGuid(), k, D("2026-03-02"));
        var sameB = new PriorComplaint(Guid.NewGuid(), k, D("2026-06-01"));
        var otherRecent = new PriorComplaint(Guid.NewGuid(), "发票", D("2026-11-10"));
        var otherOld = new PriorComplaint(Guid.NewGuid(), "发票", D("2026-10-17"));
        PriorComplaint[] all = [sameA, sameB, otherRecent, otherOld];
        Assert.Equal([sameA.Id, sameB.Id], ComplaintRules.RepeatGrounds(RepeatReason.SameMatter, k, D("2026-11-16"), all).Select(o => o.Id));
        Assert.Equal([otherRecent.Id], ComplaintRules.RepeatGrounds(RepeatReason.WithinMonth, "退税", D("2026-11-16"), all).Select(o => o.Id));
        Assert.Empty(ComplaintRules.RepeatGrounds(RepeatReason.SameMatter, "", D("2026-11-16"), [new PriorComplaint(Guid.NewGuid(), "", D("2026-11-01"))]));
    }

    [Fact]
    [Trait("Rule", "CMP-8")]
    public void Triggers_NameEachAccountabilityCase()
    {
        var today = D("2026-12-01");
        Assert.Equal([AccountabilityTrigger.SatOn], ComplaintRules.Triggers(new ComplaintFacts(ComplaintStatus.Assigned, D("2026-11-30"), false, false, null, false), today));
        Assert.Empty(ComplaintRules.Triggers(new ComplaintFacts(ComplaintStatus.Assigned, D("2026-12-01"), false, false, null, false), today));
        Assert.Equal([AccountabilityTrigger.AnsweredLate, AccountabilityTrigger.ComplainantDissatisfied],
            ComplaintRules.Triggers(new ComplaintFacts(ComplaintStatus.UnderReview, D("2026-11-30"), true, true, true, false), today));
        Assert.Equal([AccountabilityTrigger.AccountabilityNotImposed], ComplaintRules.Triggers(new ComplaintFacts(ComplaintStatus.Closed, null, false, false, true, false), today));
        Assert.Empty(ComplaintRules.Triggers(new ComplaintFacts(ComplaintStatus.Closed, null, false, false, true, true), today));
        // CMP-5: a suggestion shows none, however late.
        Assert.Empty(ComplaintRules.Triggers(new ComplaintFacts(ComplaintStatus.Assigned, D("2026-11-30"), true, true, null, false, Suggestion: true), today));
    }

    [Theory]
    [Trait("Rule", "SEC-4")]
    [InlineData(ComplaintStatus.Received, false)]
    [InlineData(ComplaintStatus.Assigned, true)]
    [InlineData(ComplaintStatus.ReturnedToOffice, false)]
    [InlineData(ComplaintStatus.Answered, true)]
    [InlineData(ComplaintStatus.Closed, true)]
    [InlineData(ComplaintStatus.NotAccepted, false)]
    [InlineData(ComplaintStatus.UnderReview, true)]
    public void WithUnit_OnlyWhenAUnitHandlesIt_MayItsContactBeGranted(ComplaintStatus status, bool withUnit)
    {
        Assert.Equal(withUnit, ComplaintRules.WithUnit(status));
    }

    [Fact]
    [Trait("Rule", "CMP-11")]
    public void QueryCode_IsTwelveUnambiguousCharacters_StoredOnlyAsAHash()
    {
        var code = ComplaintRules.NewQueryCode();
        Assert.Matches("^[A-HJ-NP-Z2-9]{12}$", code);
        Assert.NotEqual(code, ComplaintRules.NewQueryCode());
        Assert.Equal(ComplaintRules.QueryCodeHash(code), ComplaintRules.QueryCodeHash(" " + code.ToLowerInvariant() + " "));
        Assert.DoesNotContain(code, ComplaintRules.QueryCodeHash(code), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    [Trait("Rule", "CMP-11")]
    [Trait("Rule", "CMP-6")]
    public void QueryCodeFor_ASubmission_IsTheSameForItsResend_AndDiffersWithTheKeyOrTheContent()
    {
        var key = ComplaintRules.NewSubmissionKey();
        Assert.Matches("^[0-9a-f]{32}$", key);
        var content = ComplaintRules.SubmissionHash(["Web", "BuckPassing", "不动产登记", "钱七", "13712345678", null]);
        var code = ComplaintRules.QueryCodeFor(key, content);
        Assert.Matches("^[A-HJ-NP-Z2-9]{12}$", code);
        Assert.Equal(code, ComplaintRules.QueryCodeFor(key, ComplaintRules.SubmissionHash(["Web", "BuckPassing", "不动产登记", "钱七", "13712345678", null])));
        Assert.NotEqual(code, ComplaintRules.QueryCodeFor(ComplaintRules.NewSubmissionKey(), content));
        Assert.NotEqual(content, ComplaintRules.SubmissionHash(["Web", "BuckPassing", "不动产登记", "钱七", "13712345678", ""])); // null is not empty
        Assert.NotEqual(content, ComplaintRules.SubmissionHash(["Web", "BuckPassing", "不动产登记钱七", "", "13712345678", null])); // parts stay apart
        Assert.DoesNotContain(key, ComplaintRules.SubmissionKeyHash(key), StringComparison.Ordinal);
    }

    [Theory]
    [Trait("Rule", "CMP-3")]
    [InlineData("6f9619ff-8b86-d011-b42d-00cf4fc964ff", true)]
    [InlineData("0123456789abcdef", true)]
    [InlineData("short", false)]
    [InlineData("has space in the key!", false)]
    public void SubmissionKeyRefusal_TakesSixteenTo128PlainCharacters(string key, bool taken)
    {
        Assert.Equal(taken, ComplaintRules.SubmissionKeyRefusal(key) is null);
        Assert.NotNull(ComplaintRules.SubmissionKeyRefusal(new string('a', 129)));
    }

    [Fact]
    [Trait("Rule", "CMP-4")]
    public void Types_AreTheEightOfS1Article6()
    {
        Assert.Equal(8, Enum.GetValues<ComplaintType>().Length);
        Assert.Equal("吃拿卡要报", ComplaintRules.TypeName(ComplaintType.AbuseOfPost));
    }

    [Fact]
    [Trait("Rule", "CMP-1")]
    public void IsClosed_OnlyClosedAndNotAccepted()
    {
        Assert.Equal([ComplaintStatus.Closed, ComplaintStatus.NotAccepted], Enum.GetValues<ComplaintStatus>().Where(ComplaintRules.IsClosed));
    }
}
