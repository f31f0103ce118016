using Mingcha.Domain.Satisfaction;

namespace Mingcha.UnitTests.Satisfaction;

public class RatingScaleTests
{
    [Theory]
    [Trait("Rule", "SAT-1")]
    [InlineData(RatingScale.ThreeLevel, 0, false)]
    [InlineData(RatingScale.ThreeLevel, 3, true)]
    [InlineData(RatingScale.ThreeLevel, 4, false)]
    [InlineData(RatingScale.FiveLevel, 5, true)]
    [InlineData(RatingScale.FiveLevel, 6, false)]
    public void IsValidLevel_WhenLevelOnOrOffTheScale_Answers(RatingScale scale, int level, bool valid) =>
        Assert.Equal(valid, RatingScaleMapping.IsValidLevel(scale, level));

    [Theory]
    [Trait("Rule", "SAT-1")]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    [InlineData(5, 3)]
    public void ToThreeLevel_WhenDefaultMapping_MapsFiveLevels(int five, int three) =>
        Assert.Equal(three, RatingScaleMapping.Default.ToThreeLevel(RatingScale.FiveLevel, five));

    /// <summary>An undefined scale number is neither scale: counting it one way and judging it bad another would let an 不满意 escape SAT-7.</summary>
    [Fact]
    [Trait("Rule", "SAT-7")]
    public void Mapping_WhenScaleIsUndefined_Throws()
    {
        var undefined = (RatingScale)3;
        Assert.Throws<ArgumentOutOfRangeException>(() => RatingScaleMapping.Levels(undefined));
        Assert.Throws<ArgumentOutOfRangeException>(() => RatingScaleMapping.IsBad(undefined, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => RatingScaleMapping.Default.ToThreeLevel(undefined, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => RatingScaleMapping.Default.Score(undefined, 3));
    }

    [Fact]
    [Trait("Rule", "SAT-1")]
    public void Mapping_WhenItWouldMakeABadRatingGood_IsRefused() =>
        Assert.Throws<ArgumentException>(() => new RatingScaleMapping([1, 1, 2, 2, 3], [100m, 60m, 0m], [100m, 80m, 60m, 20m, 0m]));

    [Fact]
    [Trait("Rule", "SAT-1")]
    public void Mapping_WhenScoresRiseAsLevelsFall_IsRefused() =>
        Assert.Throws<ArgumentException>(() => new RatingScaleMapping([1, 1, 2, 3, 3], [100m, 60m, 70m], [100m, 80m, 60m, 20m, 0m]));

    [Fact]
    [Trait("Rule", "SAT-1")]
    public void Mapping_WhenConfiguredOtherwise_UsesTheConfiguredScores()
    {
        var m = new RatingScaleMapping([1, 2, 2, 3, 3], [100m, 50m, 0m], [100m, 75m, 50m, 25m, 0m]);
        Assert.Equal(2, m.ToThreeLevel(RatingScale.FiveLevel, 2));
        Assert.Equal(50m, m.Score(RatingScale.ThreeLevel, 2));
    }

    [Theory]
    [Trait("Rule", "SAT-7")]
    [InlineData(RatingScale.ThreeLevel, 2, false)]
    [InlineData(RatingScale.ThreeLevel, 3, true)]
    [InlineData(RatingScale.FiveLevel, 3, false)]
    [InlineData(RatingScale.FiveLevel, 4, true)]
    [InlineData(RatingScale.FiveLevel, 5, true)]
    public void IsBad_WhenTwoLowestOfFiveOrUnsatisfiedOfThree_IsBad(RatingScale scale, int level, bool bad)
    {
        Assert.Equal(bad, RatingScaleMapping.IsBad(scale, level));
        Assert.Equal(bad, FollowUpRules.OpensCase(scale, level));
    }

    [Theory]
    [Trait("Rule", "SAT-7")]
    [InlineData(4)]
    [InlineData(5)]
    public void ToThreeLevel_WhenFiveLevelIsBad_StaysBad(int level) =>
        Assert.True(RatingScaleMapping.IsBad(RatingScale.ThreeLevel, RatingScaleMapping.Default.ToThreeLevel(RatingScale.FiveLevel, level)));
}

public class RatingIntakeTests
{
    private static readonly DateTime Now = new(2026, 11, 16, 2, 0, 0, DateTimeKind.Utc);

    [Fact]
    [Trait("Rule", "SAT-8")]
    public void Check_WhenLevelOutsideScale_Refuses() =>
        Assert.Equal(RatingRefusal.LevelOutsideScale, RatingIntake.Check(RatingScale.ThreeLevel, 4, null, Now));

    [Fact]
    [Trait("Rule", "SAT-8")]
    public void Check_WhenTimeFarInFuture_Refuses() =>
        Assert.Equal(RatingRefusal.TimeInFuture, RatingIntake.Check(RatingScale.ThreeLevel, 1, Now.AddHours(1), Now));

    [Fact]
    [Trait("Rule", "SAT-8")]
    public void Check_WhenClockSlightlyAhead_Accepts() =>
        Assert.Equal(RatingRefusal.None, RatingIntake.Check(RatingScale.FiveLevel, 5, Now.AddMinutes(2), Now));

    [Fact]
    [Trait("Rule", "SAT-1")]
    public void Check_WhenWeeksOld_Refuses() =>
        Assert.Equal(RatingRefusal.TimeTooOld, RatingIntake.Check(RatingScale.ThreeLevel, 1, Now.AddDays(-8), Now));
}

public class ManipulationRulesTests
{
    private static readonly Guid Device = Guid.NewGuid();
    private static readonly Guid Window = Guid.NewGuid();
    private static readonly DateTime Ten = new(2026, 11, 16, 10, 0, 0); // a Monday
    private static bool Weekdays(DateOnly d) => d.DayOfWeek is not DayOfWeek.Saturday and not DayOfWeek.Sunday;

    private static RatingFact Top(DateTime at, Guid? device = null, Guid? window = null, string? phone = null, string? caseNo = null, bool top = true) =>
        new(Guid.NewGuid(), device ?? Device, window ?? Window, top, at, phone, caseNo);

    [Fact]
    [Trait("Rule", "SAT-9")]
    public void Detect_WhenTenTopRatingsFromOneDeviceInTwoMinutes_FlagsDeviceBurst()
    {
        var ratings = Enumerable.Range(0, 10).Select(i => Top(Ten.AddSeconds(i * 10))).ToList();
        var flags = ManipulationRules.Detect(ratings, [], new ManipulationThresholds(), Weekdays);
        Assert.Contains(flags, f => f.Rule == ManipulationRule.DeviceBurst && f.RatingId == ratings[^1].Id);
        // The whole burst, its first ratings too, once each: confirming it takes every one of them out of the rate.
        Assert.Equal(ratings.Select(r => r.Id).Order(), flags.Where(f => f.Rule == ManipulationRule.DeviceBurst).Select(f => f.RatingId).Order());
        // Nine are not yet a burst.
        Assert.Empty(ManipulationRules.Detect(ratings[..9], [], new ManipulationThresholds(), Weekdays));
    }

    [Fact]
    [Trait("Rule", "SAT-9")]
    public void Detect_WhenTopRatingsSpreadOverTheMorning_FlagsNothing()
    {
        var ratings = Enumerable.Range(0, 30).Select(i => Top(Ten.AddMinutes(i * 5))).ToList();
        Assert.Empty(ManipulationRules.Detect(ratings, [], new ManipulationThresholds(), Weekdays));
    }

    [Fact]
    [Trait("Rule", "SAT-9")]
    public void Detect_WhenBurstAtOneWindowFromManyDevices_FlagsWindowBurst()
    {
        var ratings = Enumerable.Range(0, 15).Select(i => Top(Ten.AddSeconds(i), device: Guid.NewGuid())).ToList();
        var flags = ManipulationRules.Detect(ratings, [], new ManipulationThresholds(), Weekdays);
        Assert.Contains(flags, f => f.Rule == ManipulationRule.WindowBurst);
        Assert.DoesNotContain(flags, f => f.Rule == ManipulationRule.DeviceBurst);
    }

    [Fact]
    [Trait("Rule", "SAT-9")]
    public void Detect_WhenBadRatingsBurst_DoesNotFlagBurst()
    {
        var ratings = Enumerable.Range(0, 20).Select(i => Top(Ten.AddSeconds(i), top: false)).ToList();
        Assert.Empty(ManipulationRules.Detect(ratings, [], new ManipulationThresholds(), Weekdays));
    }

    [Theory]
    [Trait("Rule", "SAT-9")]
    [InlineData(2026, 11, 16, 22, 0, true)]
    [InlineData(2026, 11, 16, 7, 30, true)]
    [InlineData(2026, 11, 16, 18, 20, false)]
    [InlineData(2026, 11, 15, 10, 0, true)] // Sunday
    public void Detect_WhenOutsideOpeningHours_Flags(int y, int m, int d, int h, int min, bool flagged)
    {
        var r = Top(new DateTime(y, m, d, h, min, 0), top: false);
        var flags = ManipulationRules.Detect([r], [], new ManipulationThresholds(), Weekdays);
        Assert.Equal(flagged, flags.Any(f => f.Rule == ManipulationRule.OutsideOpeningHours));
    }

    [Fact]
    [Trait("Rule", "SAT-9")]
    public void Detect_WhenTheRatingWasNotGivenAtTheWindow_NeverFlagsOpeningHoursOrBursts()
    {
        // A phone-survey answer the Office records at 22:00, and twenty top answers recorded for one window in a minute.
        var evening = Top(new DateTime(2026, 11, 16, 22, 0, 0), device: null, top: false) with { DeviceId = null, AtWindow = false };
        var answers = Enumerable.Range(0, 20).Select(i => Top(Ten.AddSeconds(i)) with { DeviceId = null, AtWindow = false }).ToList();
        Assert.Empty(ManipulationRules.Detect([evening, .. answers], [], new ManipulationThresholds(), Weekdays));
        // The same at the window is flagged.
        var flags = ManipulationRules.Detect([evening with { AtWindow = true }, .. answers.Select(a => a with { AtWindow = true })], [], new ManipulationThresholds(), Weekdays);
        Assert.Contains(flags, f => f.Rule == ManipulationRule.OutsideOpeningHours);
        Assert.Contains(flags, f => f.Rule == ManipulationRule.WindowBurst);
    }

    [Theory]
    [Trait("Rule", "SAT-9")]
    [InlineData("DeviceBurstCount")]
    [InlineData("WindowBurstCount")]
    [InlineData("BurstWindow")]
    [InlineData("PhoneCasesPerDay")]
    [InlineData("Opens")]
    [InlineData("AfterClosingGrace")]
    public void Thresholds_WhenOutOfRange_AreRefusedNamingTheSetting(string setting)
    {
        var t = setting switch
        {
            "DeviceBurstCount" => new ManipulationThresholds { DeviceBurstCount = 1 },
            "WindowBurstCount" => new ManipulationThresholds { WindowBurstCount = 0 },
            "BurstWindow" => new ManipulationThresholds { BurstWindow = TimeSpan.Zero },
            "PhoneCasesPerDay" => new ManipulationThresholds { PhoneCasesPerDay = 0 },
            "Opens" => new ManipulationThresholds { Opens = new TimeOnly(19, 0) },
            _ => new ManipulationThresholds { AfterClosingGrace = TimeSpan.FromMinutes(-1) },
        };
        var e = Assert.Throws<ArgumentException>(t.Validate);
        Assert.Contains("Mingcha:Ratings:Manipulation:" + setting, e.Message, StringComparison.Ordinal);
        new ManipulationThresholds().Validate(); // the defaults pass
    }

    [Fact]
    [Trait("Rule", "SAT-9")]
    public void Detect_WhenOnePhoneRatesSixCasesInADay_FlagsPhone()
    {
        var ratings = Enumerable.Range(0, 6).Select(i => Top(Ten.AddHours(i % 6 * 0.5), device: Guid.NewGuid(), window: Guid.NewGuid(), phone: "13812341234", caseNo: $"C{i}", top: false)).ToList();
        var flags = ManipulationRules.Detect(ratings, [], new ManipulationThresholds(), Weekdays);
        Assert.Contains(flags, f => f.Rule == ManipulationRule.PhoneManyCases);
        Assert.Empty(ManipulationRules.Detect(ratings.Take(5).ToList(), [], new ManipulationThresholds(), Weekdays));
    }
}

public class SatisfactionCoefficientTests
{
    [Fact]
    [Trait("Rule", "SAT-4")]
    public void Compute_WhenRatingsMixed_IsMeanScoreOverHundred()
    {
        var rate = SatisfactionCoefficient.Compute([new(100m, false), new(60m, false), new(0m, false), new(100m, false)]);
        Assert.Equal(4, rate.Counted);
        Assert.Equal(0.65m, rate.Rate);
        Assert.Equal(58.5m, rate.Apply(90m));
    }

    [Fact]
    [Trait("Rule", "SAT-7")]
    public void Compute_WhenRatingExcludedAfterAppeal_LeavesItOut()
    {
        var rate = SatisfactionCoefficient.Compute([new(100m, false), new(0m, true)]);
        Assert.Equal(1m, rate.Rate);
        Assert.Equal(1, rate.Excluded);
    }

    [Fact]
    [Trait("Rule", "SAT-4")]
    public void Compute_WhenNoRatings_CoefficientIsOneAndRateNull()
    {
        var rate = SatisfactionCoefficient.Compute([]);
        Assert.Null(rate.Rate);
        Assert.Equal(80m, rate.Apply(80m));
    }

    [Fact]
    [Trait("Rule", "SAT-4")]
    public void ComputeCounted_FromADatabasesGroupedCounts_EqualsTheRatingsOneByOne()
    {
        // 3 满意, 1 基本满意, 2 不满意 of which 1 excluded: (300 + 60 + 0) / 5.
        var counted = SatisfactionCoefficient.ComputeCounted([(new(100m, false), 3), (new(60m, false), 1), (new(0m, false), 1), (new(0m, true), 1), (new(60m, false), 0)]);
        var single = SatisfactionCoefficient.Compute([new(100m, false), new(100m, false), new(100m, false), new(60m, false), new(0m, false), new(0m, true)]);
        Assert.Equal(single, counted);
        Assert.Equal((5, 1, 0.72m), (counted.Counted, counted.Excluded, counted.Rate));
        Assert.Throws<ArgumentOutOfRangeException>(() => SatisfactionCoefficient.ComputeCounted([(new(100m, false), -1)]));
    }
}

public class SurveyDrawTests
{
    private static readonly string[] Cases = Enumerable.Range(1, 500).Select(i => $"BJ2026{i:00000}").ToArray();

    [Fact]
    [Trait("Rule", "SAT-3")]
    public void Draw_WhenSameSeedAndInput_GivesSameResultWhateverTheOrder()
    {
        var a = SurveyDraw.Draw(Cases, 100, "seed-1");
        var b = SurveyDraw.Draw(Cases.Reverse(), 100, "seed-1");
        Assert.Equal(100, a.Drawn.Count);
        Assert.Equal(a.Drawn, b.Drawn);
        Assert.Equal(a.InputHash, b.InputHash);
        Assert.Equal(500, a.InputCount);
        Assert.Equal(SurveyDraw.Algorithm, a.Algorithm);
    }

    [Fact]
    [Trait("Rule", "SAT-3")]
    public void Draw_WhenSeedDiffers_GivesAnotherSample()
    {
        var a = SurveyDraw.Draw(Cases, 100, "seed-1");
        var b = SurveyDraw.Draw(Cases, 100, "seed-2");
        Assert.NotEqual(a.Drawn, b.Drawn);
        Assert.Equal(100, a.Drawn.Distinct().Count());
    }

    [Fact]
    [Trait("Rule", "SAT-3")]
    public void Draw_WhenFewerCandidatesThanCount_DrawsAll()
    {
        var r = SurveyDraw.Draw(Cases.Take(7), 100, "s");
        Assert.Equal(7, r.Drawn.Count);
    }

    [Fact]
    [Trait("Rule", "SAT-3")]
    public void Draw_WhenAskedForMore_KeepsTheFirstDrawnAndAddsTheNextRanks()
    {
        var first = SurveyDraw.Draw(Cases, 100, "seed-1").Drawn;
        var more = SurveyDraw.Draw(Cases, 110, "seed-1").Drawn;
        Assert.Equal(first, more.Take(100));
        Assert.Empty(more.Skip(100).Intersect(first));
        Assert.Equal(10, more.Skip(100).Distinct().Count());
    }

    [Theory]
    [Trait("Rule", "SAT-3")]
    [InlineData(100, 90, 0, 10)] // ten called and not reached: ten replacements
    [InlineData(100, 90, 10, 0)] // ten not called yet: they may still answer
    [InlineData(100, 90, 4, 6)]
    [InlineData(100, 101, 0, 0)] // a replaced person reached after all: more answers, never a negative shortfall
    [InlineData(3, 0, 0, 3)]
    public void ShortOf_IsTheNumberAskedLessAnsweredAndNotYetCalled(int requested, int answered, int notCalled, int expected) =>
        Assert.Equal(expected, SurveyDraw.ShortOf(requested, answered, notCalled));

    [Fact]
    [Trait("Rule", "SAT-3")]
    public void Quarter_WhenFourth_IsOctoberToDecember()
    {
        Assert.Equal((new DateOnly(2026, 10, 1), new DateOnly(2026, 12, 31)), SurveyDraw.Quarter(2026, 4));
    }

    [Theory]
    [Trait("Rule", "SAT-3")]
    [InlineData(2026, 1, 1, 2025, 4)]
    [InlineData(2026, 3, 31, 2025, 4)]
    [InlineData(2026, 4, 1, 2026, 1)]
    [InlineData(2026, 9, 30, 2026, 2)]
    [InlineData(2026, 10, 1, 2026, 3)]
    [InlineData(2026, 12, 31, 2026, 3)]
    public void LastEnded_IsTheQuarterBeforeTheDays(int y, int m, int d, int year, int quarter)
    {
        Assert.Equal((year, quarter), SurveyDraw.LastEnded(new DateOnly(y, m, d)));
    }
}

public class FollowUpAndIncentiveTests
{
    [Fact]
    [Trait("Rule", "SAT-7")]
    public void CallBackEffort_ByDefault_IsThreeCallsAnHourApart()
    {
        var e = CallBackEffort.Default;
        var at = new DateTime(2026, 11, 16, 2, 0, 0, DateTimeKind.Utc);
        Assert.False(e.TooSoon(null, at));
        Assert.True(e.TooSoon(at, at.AddMinutes(59)));
        Assert.False(e.TooSoon(at, at.AddHours(1)));
        Assert.False(e.Spent(2));
        Assert.True(e.Spent(3));
    }

    [Fact]
    [Trait("Rule", "SAT-7")]
    public void Next_WhenInformDone_CaseIsComplete()
    {
        Assert.Equal(FollowUpStep.Verify, FollowUpRules.Next(FollowUpStep.CallBack));
        Assert.Null(FollowUpRules.Next(FollowUpStep.Inform));
        Assert.True(FollowUpRules.MustCallBack(realName: true));
        Assert.False(FollowUpRules.MustCallBack(realName: false));
    }

    [Fact]
    [Trait("Rule", "SAT-5")]
    public void Rank_WhenCandidatesHaveData_RanksEligibleByRateWithTies()
    {
        var a = new SelectionCandidate(Guid.NewGuid(), "A", 0.9m, 100, 2, 0);
        var b = new SelectionCandidate(Guid.NewGuid(), "B", 0.95m, 100, 1, 0);
        var c = new SelectionCandidate(Guid.NewGuid(), "C", 0.9m, 100, 2, 0);
        var d = new SelectionCandidate(Guid.NewGuid(), "D", 0.99m, 100, 0, 1);
        var e = new SelectionCandidate(Guid.NewGuid(), "E", 1m, 3, 0, 0);
        var ranked = IncentiveRules.Rank([a, b, c, d, e]);
        Assert.Equal(["B", "A", "C"], ranked.Take(3).Select(r => r.Candidate.Name));
        Assert.Equal([1, 2, 2], ranked.Take(3).Select(r => r.Rank));
        Assert.False(ranked.Single(r => r.Candidate.Name == "D").Eligible);
        Assert.False(ranked.Single(r => r.Candidate.Name == "E").Eligible);
    }

    [Fact]
    [Trait("Rule", "SAT-5")]
    [Trait("Rule", "INS-6")]
    public void Rank_WhenACandidateLostTheYearsEligibility_PutsItAfterTheEligibleWithThatReason()
    {
        var best = new SelectionCandidate(Guid.NewGuid(), "阻挠检查局", 1m, 500, 0, 0, "经查实阻挠检查（INS-6）");
        var good = new SelectionCandidate(Guid.NewGuid(), "窗口局", 0.9m, 100, 2, 0);
        var ranked = IncentiveRules.Rank([best, good]);
        Assert.Equal(["窗口局", "阻挠检查局"], ranked.Select(r => r.Candidate.Name));
        Assert.True(ranked[0].Eligible);
        Assert.False(ranked[1].Eligible);
        Assert.Equal("经查实阻挠检查（INS-6）", ranked[1].Reason);
    }

    [Theory]
    [Trait("Rule", "ORG-7")]
    [InlineData(4, false)]
    [InlineData(5, true)]
    public void PresenceMet_WhenOnSiteDays_NeedsAWeek(int days, bool met) => Assert.Equal(met, SecondmentRules.PresenceMet(days));

    [Theory]
    [Trait("Rule", "ORG-7")]
    [InlineData("2026-01-01", "2026-12-31", 0, "2027-12-31")] // a calendar year: the next calendar year
    [InlineData("2026-01-01", "2027-12-31", 1, "2028-12-31")] // once extended: one more year, not two
    [InlineData("2027-03-01", "2028-02-29", 0, "2029-02-28")] // whole months across a leap day
    [InlineData("2026-03-15", "2027-03-14", 0, "2028-03-14")]
    [InlineData("2026-07-01", "2026-09-30", 0, "2026-12-31")] // a quarter
    [InlineData("2026-01-10", "2026-02-18", 0, "2026-03-30")] // not whole months: the same 40 days again
    public void ExtendedEnd_AddsOneMoreTermOfTheFirstTermsLength(string start, string end, int extensions, string expected) =>
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            SecondmentRules.ExtendedEnd(DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture), extensions));

    [Fact]
    [Trait("Rule", "ORG-7")]
    public void MayClose_WhenTargetsMissed_IsFalse()
    {
        Assert.False(SecondmentRules.MayClose(5, 6));
        Assert.True(SecondmentRules.MayClose(6, 6));
    }
}
