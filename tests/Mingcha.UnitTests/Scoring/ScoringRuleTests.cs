using FsCheck;
using FsCheck.Fluent;
using Mingcha.Domain.Rectification;
using Mingcha.Domain.Scoring;

namespace Mingcha.UnitTests.Scoring;

/// <summary>S4's formula (EV-1..EV-8) with cases computed by hand.</summary>
public sealed class ScoringRuleTests
{
    private static GradeCounts Counts(params Grade[] grades)
    {
        var c = new GradeCounts();
        foreach (var g in grades) c.Add(g, 1);
        return c;
    }

    /// <summary>
    /// Instant 优+较差 = 135/180 = 0.75; Monthly 较差+较差 = 0.5; Inspection 优 = 1; Concentrated 优 优 一般 差 = 270/360 = 0.75.
    /// Composite 0.15 + 0.10 + 0.10 + 0.375 = 0.725.
    /// </summary>
    private static Dictionary<EvaluationMethod, GradeCounts> Example() => new()
    {
        [EvaluationMethod.Instant] = Counts(Grade.Excellent, Grade.Poor),
        [EvaluationMethod.Monthly] = Counts(Grade.Poor, Grade.Poor),
        [EvaluationMethod.Inspection] = Counts(Grade.Excellent),
        [EvaluationMethod.Concentrated] = Counts(Grade.Excellent, Grade.Excellent, Grade.Fair, Grade.Bad),
    };

    [Fact]
    [Trait("Rule", "EV-1")]
    public void DefaultRules_WhenNewCampaign_AreS4sNumbers()
    {
        var r = CampaignRules.Default;
        Assert.Equal((90m, 75m, 60m, 45m, 30m), (r.Scale.Excellent, r.Scale.Good, r.Scale.Fair, r.Scale.Poor, r.Scale.Bad));
        Assert.Equal((20m, 20m, 10m, 50m), (r.Weights.Instant, r.Weights.Monthly, r.Weights.Inspection, r.Weights.Concentrated));
        Assert.Equal(EmptyMethodPolicy.Rescale, r.Policy);
        Assert.Equal((20m, 3m, 5m, 10m), (r.Rectification.Start, r.Rectification.LateOrIncomplete, r.Rectification.AfterSupervision, r.Rectification.Refused));
        Assert.Equal((6, 3, 70m), (r.Results.SatisfiedTop, r.Results.BottomCount, r.Results.Threshold));
        Assert.Empty(r.Problems());
        Assert.Equal(80m, r.SatisfactionPoints);
    }

    [Fact]
    [Trait("Rule", "EV-2")]
    public void GradeCounts_WhenEachFormIsFiled_CountsOneEvaluationPerForm()
    {
        var c = Counts(Grade.Good, Grade.Good, Grade.Bad);
        Assert.Equal(3, c.Total);
        Assert.Equal(2, c[Grade.Good]);
        Assert.Equal(1, c[Grade.Bad]);
    }

    [Fact]
    [Trait("Rule", "EV-3")]
    public void GradeScale_WhenNotFallingFromExcellentToBad_IsRefusedNamingEv3()
    {
        var bad = GradeScale.Default with { Good = 95m };
        Assert.Contains(bad.Problems(), p => p.RuleId == "EV-3");
        Assert.Contains((GradeScale.Default with { Bad = -1m }).Problems(), p => p.RuleId == "EV-3");
        Assert.Empty(GradeScale.Default.Problems());
    }

    [Theory]
    [Trait("Rule", "EV-3")]
    [InlineData(100, Grade.Excellent)]
    [InlineData(90, Grade.Excellent)]
    [InlineData(89.99, Grade.Good)]
    [InlineData(75, Grade.Good)]
    [InlineData(60, Grade.Fair)]
    [InlineData(45, Grade.Poor)]
    [InlineData(44.5, Grade.Bad)]
    [InlineData(0, Grade.Bad)]
    public void GradeOf_WhenAVisitHasAnOverallScore_TakesTheBestGradeItReaches(double score, Grade expected) =>
        Assert.Equal(expected, GradeScale.Default.GradeOf((decimal)score));

    [Fact]
    [Trait("Rule", "EV-4")]
    public void MethodSatisfaction_WhenGraded_IsSumOfScoresOverCountTimes90()
    {
        Assert.Equal(0.75m, ScoringFormula.MethodSatisfaction(Counts(Grade.Excellent, Grade.Poor), GradeScale.Default));
        Assert.Equal(0.75m, ScoringFormula.MethodSatisfaction(Counts(Grade.Excellent, Grade.Excellent, Grade.Fair, Grade.Bad), GradeScale.Default));
        Assert.Equal(1m, ScoringFormula.MethodSatisfaction(Counts(Grade.Excellent), GradeScale.Default));
        // 75 / 90 = 5/6: exact to the decimal's precision, never rounded to display digits.
        Assert.Equal(75m / 90m, ScoringFormula.MethodSatisfaction(Counts(Grade.Good), GradeScale.Default));
        Assert.Null(ScoringFormula.MethodSatisfaction(new GradeCounts(), GradeScale.Default));
    }

    [Fact]
    [Trait("Rule", "EV-5")]
    public void Composite_WhenEveryMethodHasEvaluations_IsTheWeightedSum()
    {
        var c = ScoringFormula.CompositeOf(Example(), CampaignRules.Default);
        Assert.Equal(0.725m, c.Value);
        Assert.False(c.Rescaled);
        Assert.Equal([0.15m, 0.10m, 0.10m, 0.375m], c.Parts.Select(p => p.Contribution));
    }

    [Fact]
    [Trait("Rule", "EV-5")]
    public void Composite_WhenAMethodIsEmptyUnderRescale_ScalesTheOtherWeightsAndIsMarked()
    {
        var m = Example();
        m.Remove(EvaluationMethod.Monthly);
        // (0.75×20 + 1×10 + 0.75×50) / 80 = 62.5 / 80 = 0.78125
        var c = ScoringFormula.CompositeOf(m, CampaignRules.Default);
        Assert.Equal(0.78125m, c.Value);
        Assert.True(c.Rescaled);
        Assert.Equal(EmptyMethodPolicy.Rescale, c.Policy);
        Assert.Equal(0m, c.Parts.Single(p => p.Method == EvaluationMethod.Monthly).AppliedWeight);
        Assert.Equal(62.5m, c.Parts.Single(p => p.Method == EvaluationMethod.Concentrated).AppliedWeight);
        Assert.Equal(100m, c.Parts.Sum(p => p.AppliedWeight));
    }

    [Fact]
    [Trait("Rule", "EV-5")]
    public void Composite_WhenAMethodIsEmptyUnderCountAsZero_CountsItAsZero()
    {
        var m = Example();
        m[EvaluationMethod.Monthly] = new GradeCounts();
        var c = ScoringFormula.CompositeOf(m, CampaignRules.Default with { Policy = EmptyMethodPolicy.CountAsZero });
        Assert.Equal(0.625m, c.Value);
        Assert.False(c.Rescaled);
        Assert.Equal(EmptyMethodPolicy.CountAsZero, c.Policy);
        Assert.Equal(20m, c.Parts.Single(p => p.Method == EvaluationMethod.Monthly).AppliedWeight);
    }

    [Fact]
    [Trait("Rule", "EV-5")]
    public void Composite_WhenNothingWasEvaluated_IsZeroUnderBothPolicies()
    {
        var none = new Dictionary<EvaluationMethod, GradeCounts>();
        Assert.Equal(0m, ScoringFormula.CompositeOf(none, CampaignRules.Default).Value);
        Assert.Equal(0m, ScoringFormula.CompositeOf(none, CampaignRules.Default with { Policy = EmptyMethodPolicy.CountAsZero }).Value);
    }

    [Theory]
    [Trait("Rule", "EV-5")]
    [InlineData(20, 20, 10, 49)]
    [InlineData(20, 20, 10, 51)]
    [InlineData(-10, 30, 30, 50)]
    public void Weights_WhenNotSummingTo100OrNegative_AreRefusedNamingEv5(int a, int b, int c, int d) =>
        Assert.Contains(new MethodWeights(a, b, c, d).Problems(), p => p.RuleId == "EV-5");

    [Fact]
    [Trait("Rule", "EV-6")]
    public void Rectification_WhenProblemsCostMoreThan20_StopsAtZero()
    {
        var r = ScoringFormula.RectificationOf([RectificationResult.Refused, RectificationResult.Refused, RectificationResult.LateOrIncomplete], RectificationCosts.Default);
        Assert.Equal(0m, r.Value);
        Assert.Equal(23m, r.Deducted);
    }

    [Fact]
    [Trait("Rule", "EV-6")]
    public void Rectification_WhenEachCategoryOccurs_DeductsThreeFiveTenAndNothingForOnTimeOrWithdrawn()
    {
        var r = ScoringFormula.RectificationOf([RectificationResult.OnTime, RectificationResult.Withdrawn, RectificationResult.LateOrIncomplete,
            RectificationResult.AfterSupervision, RectificationResult.Open], RectificationCosts.Default);
        Assert.Equal(12m, r.Value);
        Assert.Equal(5, r.Problems);
        Assert.Equal(10m, ScoringFormula.RectificationOf([RectificationResult.Refused], RectificationCosts.Default).Value);
        Assert.Equal(20m, ScoringFormula.RectificationOf([], RectificationCosts.Default).Value);
    }

    [Fact]
    [Trait("Rule", "EV-7")]
    public void Total_WhenComputed_IsCompositeTimes80PlusRectification()
    {
        // 0.725 × 80 = 58; 20 − 3 − 5 = 12; total 70 exactly.
        var s = ScoringFormula.Score(Example(), [RectificationResult.LateOrIncomplete, RectificationResult.AfterSupervision], CampaignRules.Default);
        Assert.Equal(70m, s.Total);
        Assert.Equal(12m, s.Rectification.Value);
        // The same section with Monthly empty: rescaled 0.78125 × 80 = 62.5 + 12 = 74.5; counted as zero 0.625 × 80 = 50 + 12 = 62.
        var m = Example();
        m.Remove(EvaluationMethod.Monthly);
        Assert.Equal(74.5m, ScoringFormula.Score(m, [RectificationResult.LateOrIncomplete, RectificationResult.AfterSupervision], CampaignRules.Default).Total);
        Assert.Equal(62m, ScoringFormula.Score(m, [RectificationResult.LateOrIncomplete, RectificationResult.AfterSupervision], CampaignRules.Default with { Policy = EmptyMethodPolicy.CountAsZero }).Total);
    }

    /// <summary>
    /// A section without a single evaluation has no satisfaction under either policy (decision 023). Its composite is 0, so
    /// ranked it would be last, below 70 and held to account on no evidence at all; it is left out of the ranking instead,
    /// and the others are ranked among themselves: the bottom three are the three lowest that were evaluated.
    /// </summary>
    [Theory]
    [Trait("Rule", "EV-5")]
    [Trait("Rule", "EV-8")]
    [InlineData(EmptyMethodPolicy.Rescale)]
    [InlineData(EmptyMethodPolicy.CountAsZero)]
    public void Rank_WhenASectionHasNoEvaluationAtAll_ItIsNotRankedAndCarriesNoConsequence(EmptyMethodPolicy policy)
    {
        var rules = CampaignRules.Default with { Policy = policy };
        var none = ScoringFormula.Score(new Dictionary<EvaluationMethod, GradeCounts>
        {
            [EvaluationMethod.Instant] = new GradeCounts(), [EvaluationMethod.Concentrated] = new GradeCounts(),
        }, [], rules);
        Assert.False(none.Composite.Evaluated);
        Assert.Equal(20m, none.Total); // the rectification score alone: it would have been "below 70"
        var some = ScoringFormula.Score(new Dictionary<EvaluationMethod, GradeCounts> { [EvaluationMethod.Monthly] = Counts(Grade.Good) }, [], rules);
        Assert.True(some.Composite.Evaluated);

        var cat = Guid.NewGuid();
        var sections = new List<(string, Guid, decimal, bool)> { ("none", cat, none.Total, none.Composite.Evaluated) };
        for (var i = 0; i < 9; i++) sections.Add(("s" + i, cat, 95m - i, true));
        var placed = Ranking.Rank(sections, ResultRules.Default).ToDictionary(p => p.Key);

        Assert.Equal(Ranking.Unranked, placed["none"].Rank);
        Assert.Equal(ResultConsequence.NotEvaluated, placed["none"].Consequence);
        Assert.False(Consequences.IsFollowedUp(placed["none"].Consequence));
        // Nine evaluated sections: 1 to 6 satisfied, 7 to 9 the bottom three, as if the unevaluated one were not there.
        Assert.Equal(Enumerable.Range(1, 9), Enumerable.Range(0, 9).Select(i => placed["s" + i].Rank));
        Assert.All(Enumerable.Range(0, 6), i => Assert.Equal(ResultConsequence.Satisfied, placed["s" + i].Consequence));
        Assert.All(Enumerable.Range(6, 3), i => Assert.Equal(ResultConsequence.Explain, placed["s" + i].Consequence));
    }

    private static IReadOnlyList<Placed<string>> RankOf(params decimal[] totals)
    {
        var cat = Guid.NewGuid();
        return Ranking.Rank(totals.Select((t, i) => ("s" + i, cat, t)), ResultRules.Default);
    }

    [Fact]
    [Trait("Rule", "EV-8")]
    public void Rank_WhenTotalsAreEqual_ShareARankAndSkipTheNext()
    {
        var r = RankOf(99m, 95m, 95m, 90m).ToDictionary(p => p.Key, p => p.Rank);
        Assert.Equal(1, r["s0"]);
        Assert.Equal(2, r["s1"]);
        Assert.Equal(2, r["s2"]);
        Assert.Equal(4, r["s3"]);
    }

    /// <summary>
    /// Two sections whose totals are the same fraction reached through different grades: X 优 良 一般 优 and Y 优 优 差 优 both
    /// have the composite 14/15 (0.2 + 0.2 × 75/90 + 0.1 × 60/90 + 0.5 against 0.2 + 0.2 + 0.1 × 30/90 + 0.5). Decimal
    /// division may cut the sixths and thirds differently in the 28th digit; they are still equal totals and share a rank.
    /// </summary>
    [Fact]
    [Trait("Rule", "EV-8")]
    public void Rank_WhenTotalsAreTheSameFractionReachedByOtherGrades_ShareARank()
    {
        var x = ScoringFormula.Score(new Dictionary<EvaluationMethod, GradeCounts>
        {
            [EvaluationMethod.Instant] = Counts(Grade.Excellent), [EvaluationMethod.Monthly] = Counts(Grade.Good),
            [EvaluationMethod.Inspection] = Counts(Grade.Fair), [EvaluationMethod.Concentrated] = Counts(Grade.Excellent),
        }, [], CampaignRules.Default).Total;
        var y = ScoringFormula.Score(new Dictionary<EvaluationMethod, GradeCounts>
        {
            [EvaluationMethod.Instant] = Counts(Grade.Excellent), [EvaluationMethod.Monthly] = Counts(Grade.Excellent),
            [EvaluationMethod.Inspection] = Counts(Grade.Bad), [EvaluationMethod.Concentrated] = Counts(Grade.Excellent),
        }, [], CampaignRules.Default).Total;
        Assert.Equal(94.6666666666666667m, Math.Round(x, 16));
        Assert.NotEqual(x, y); // the premise: decimal cut the two differently in the last digit
        Assert.Equal(Math.Round(x, 16), Math.Round(y, 16));

        var cat = Guid.NewGuid();
        var placed = Ranking.Rank(new[] { ("x", cat, x), ("y", cat, y), ("z", cat, 90m) }, ResultRules.Default).ToDictionary(p => p.Key, p => p.Rank);
        Assert.Equal(1, placed["x"]);
        Assert.Equal(1, placed["y"]);
        Assert.Equal(3, placed["z"]);
        // Different fractions stay apart however close they are in practice (a hundredth of a point here).
        Assert.Equal([1, 2], RankOf(80.01m, 80m).Select(p => p.Rank));
    }

    [Fact]
    [Trait("Rule", "EV-8")]
    public void Consequence_WhenTheTotalIs70AsAFractionCutInItsLastDigit_IsNotBelow70()
    {
        Assert.Equal(ResultConsequence.None, Ranking.Consequence(69.99999999999999999999999999m, 10, 5, ResultRules.Default));
        Assert.Equal(ResultConsequence.RectifyAndAccount, Ranking.Consequence(69.9999999999m, 10, 5, ResultRules.Default));
    }

    [Fact]
    [Trait("Rule", "EV-8")]
    public void Rank_WhenTiedAtRankSix_BothAreSatisfiedSections()
    {
        var r = RankOf(99m, 98m, 97m, 96m, 95m, 90m, 90m, 85m, 84m, 83m).ToDictionary(p => p.Key);
        Assert.Equal(6, r["s5"].Rank);
        Assert.Equal(6, r["s6"].Rank);
        Assert.Equal(ResultConsequence.Satisfied, r["s5"].Consequence);
        Assert.Equal(ResultConsequence.Satisfied, r["s6"].Consequence);
        Assert.Equal(8, r["s7"].Rank);
        Assert.Equal(ResultConsequence.Explain, r["s7"].Consequence);
        Assert.Equal(ResultConsequence.Explain, r["s9"].Consequence);
    }

    [Fact]
    [Trait("Rule", "EV-8")]
    public void Rank_WhenTiedInTheBottomThree_AllTiedSectionsExplain()
    {
        var r = RankOf(99m, 98m, 97m, 96m, 95m, 94m, 93m, 92m, 80m, 75m, 75m, 75m).ToDictionary(p => p.Key);
        Assert.Equal(ResultConsequence.None, r["s7"].Consequence);
        // 80 has three sections below it: outside the bottom three.
        Assert.Equal(ResultConsequence.None, r["s8"].Consequence);
        Assert.All(new[] { "s9", "s10", "s11" }, k => Assert.Equal(ResultConsequence.Explain, r[k].Consequence));
        Assert.All(new[] { "s9", "s10", "s11" }, k => Assert.Equal(10, r[k].Rank));
    }

    [Fact]
    [Trait("Rule", "EV-8")]
    public void Rank_WhenABottomThreeSectionIsBelow70_RectifiesWithAccountabilityInsteadOfExplaining()
    {
        var r = RankOf(99m, 98m, 97m, 96m, 95m, 94m, 93m, 92m, 80m, 78m, 70m, 69.9999999m).ToDictionary(p => p.Key);
        Assert.Equal(ResultConsequence.Explain, r["s9"].Consequence);
        Assert.Equal(ResultConsequence.Explain, r["s10"].Consequence); // exactly 70 is "70 or more"
        Assert.Equal(ResultConsequence.RectifyAndAccount, r["s11"].Consequence);
    }

    [Fact]
    [Trait("Rule", "EV-8")]
    public void Rank_WhenTotalsDifferBeyondDisplayDigits_ComparesExactly()
    {
        var r = RankOf(88.123456789m, 88.123456788m).ToDictionary(p => p.Key);
        Assert.Equal(1, r["s0"].Rank);
        Assert.Equal(2, r["s1"].Rank);
    }

    [Fact]
    [Trait("Rule", "EV-8")]
    public void Rank_WhenCategoriesDiffer_RanksEachCategoryApart()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();
        var r = Ranking.Rank([("x", a, 90m), ("y", b, 80m), ("z", a, 85m)], ResultRules.Default).ToDictionary(p => p.Key);
        Assert.Equal(1, r["x"].Rank);
        Assert.Equal(1, r["y"].Rank);
        Assert.Equal(2, r["z"].Rank);
    }

    [Fact]
    [Trait("Rule", "EV-8")]
    public void Rank_WhenTheCategoryHasFewerThanSixSections_AllAtOrAbove70AreSatisfied()
    {
        var r = RankOf(90m, 80m, 72m, 60m);
        Assert.Equal(3, r.Count(p => p.Consequence == ResultConsequence.Satisfied));
        Assert.Equal(ResultConsequence.RectifyAndAccount, r.Single(p => p.Total == 60m).Consequence);
    }

    // Properties (FsCheck): random grade counts, random problems, both policies.
    private static readonly Gen<Grade> AnyGrade = Gen.Elements(GradeScale.Grades.ToArray());
    private static readonly Gen<Grade[]> Grades = Gen.ArrayOf(AnyGrade);
    private static readonly Gen<RectificationResult[]> Problems = Gen.ArrayOf(Gen.Elements(Enum.GetValues<RectificationResult>()));

    [Fact]
    [Trait("Rule", "EV-7")]
    public void Total_ForAnyEvaluationsAndProblems_IsWithin0And100()
    {
        var gen = from i in Grades from m in Grades from n in Grades from c in Grades from p in Problems from zero in Gen.Elements(true, false)
                  select (i, m, n, c, p, zero);
        Prop.ForAll(gen.ToArbitrary(), x =>
        {
            var byMethod = new Dictionary<EvaluationMethod, GradeCounts>
            {
                [EvaluationMethod.Instant] = Counts(x.i), [EvaluationMethod.Monthly] = Counts(x.m),
                [EvaluationMethod.Inspection] = Counts(x.n), [EvaluationMethod.Concentrated] = Counts(x.c),
            };
            var rules = CampaignRules.Default with { Policy = x.zero ? EmptyMethodPolicy.CountAsZero : EmptyMethodPolicy.Rescale };
            var t = ScoringFormula.Score(byMethod, x.p, rules).Total;
            return t >= 0m && t <= 100m;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    [Trait("Rule", "EV-4")]
    public void MethodSatisfaction_WhenABetterGradeIsAddedInsteadOfAWorseOne_NeverFalls()
    {
        var gen = from gs in Gen.ListOf(AnyGrade) from a in AnyGrade from b in AnyGrade select (gs, a, b);
        Prop.ForAll(gen.ToArbitrary(), x =>
        {
            var better = (Grade)Math.Min((int)x.a, (int)x.b);
            var worse = (Grade)Math.Max((int)x.a, (int)x.b);
            var withWorse = ScoringFormula.MethodSatisfaction(Counts([.. x.gs, worse]), GradeScale.Default)!.Value;
            var withBetter = ScoringFormula.MethodSatisfaction(Counts([.. x.gs, better]), GradeScale.Default)!.Value;
            return withBetter >= withWorse;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    [Trait("Rule", "EV-4")]
    public void MethodSatisfaction_WhenAGradeIsReplacedByABetterOne_NeverFalls()
    {
        var gen = from gs in Gen.NonEmptyListOf(AnyGrade) from i in Gen.Choose(0, 1000) select (gs, i);
        Prop.ForAll(gen.ToArbitrary(), x =>
        {
            var list = x.gs.ToList();
            var k = x.i % list.Count;
            var before = ScoringFormula.MethodSatisfaction(Counts([.. list]), GradeScale.Default)!.Value;
            list[k] = Grade.Excellent;
            return ScoringFormula.MethodSatisfaction(Counts([.. list]), GradeScale.Default)!.Value >= before;
        }).QuickCheckThrowOnFailure();
    }
}
