using Mingcha.Domain.Inspections;

namespace Mingcha.UnitTests.Inspections;

public sealed class TargetDrawTests
{
    private static Guid G(int i) => new($"00000000-0000-0000-0000-{i:000000000000}");
    private static List<Guid> Ids(int from, int count) => Enumerable.Range(from, count).Select(G).ToList();

    [Fact]
    [Trait("Rule", "INS-5")]
    public void SplitMix64_WhenSeeded1234567_GivesThePublishedSequence()
    {
        // Reference values of SplitMix64 (Rosetta Code "Pseudo-random numbers/Splitmix64", seed 1234567).
        var rng = new SplitMix64(1234567);
        Assert.Equal(6457827717110365317UL, rng.Next());
        Assert.Equal(3203168211198807973UL, rng.Next());
        Assert.Equal(9817491932198370423UL, rng.Next());
        Assert.Equal(4593380528125082431UL, rng.Next());
        Assert.Equal(16408922859458223821UL, rng.Next());
    }

    [Fact]
    [Trait("Rule", "INS-5")]
    public void Run_WhenSameSeedAndInput_GivesTheSameTargetsInTheSameOrder()
    {
        var a = TargetDraw.Run(new DrawInput(42, 10, [], [], Ids(1, 100)));
        var b = TargetDraw.Run(new DrawInput(42, 10, [], [], Ids(1, 100).AsEnumerable().Reverse().ToList()));
        Assert.Equal(a.Drawn, b.Drawn);
        Assert.Equal(a.InputHash, b.InputHash);
        Assert.Equal(10, a.Drawn.Distinct().Count());
    }

    [Fact]
    [Trait("Rule", "INS-5")]
    public void Run_WhenSeedDiffers_DrawsOtherTargets()
    {
        var a = TargetDraw.Run(new DrawInput(1, 10, [], [], Ids(1, 1000)));
        var b = TargetDraw.Run(new DrawInput(2, 10, [], [], Ids(1, 1000)));
        Assert.NotEqual(a.Drawn, b.Drawn);
    }

    [Fact]
    [Trait("Rule", "INS-5")]
    public void Replay_WhenGivenTheRecordedInputAndSeed_ReproducesTheDraw()
    {
        var first = TargetDraw.Run(new DrawInput(987654321, 7, [G(5)], Ids(10, 20), Ids(100, 50)));
        var again = TargetDraw.Replay(first.InputList, 987654321, 7);
        Assert.Equal(first.Drawn, again.Drawn);
        Assert.Equal(first.InputHash, TargetDraw.Hash(first.InputList));
    }

    [Fact]
    [Trait("Rule", "INS-5")]
    public void Run_WhenFewerEligibleThanAsked_IsRefusedNamingINS5()
    {
        var ex = Assert.Throws<DrawRefusedException>(() => TargetDraw.Run(new DrawInput(1, 11, [], Ids(1, 4), Ids(10, 6))));
        Assert.Equal("INS-5", ex.RuleId);
        Assert.Contains("10", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "INS-4")]
    public void Run_WhenUnitsHadProblemsLastTime_TakesThemFirst()
    {
        var mandatory = new[] { G(900), G(901) };
        var result = TargetDraw.Run(new DrawInput(7, 5, mandatory, [], Ids(1, 50)));
        Assert.Equal(mandatory, result.Drawn.Take(2));
        Assert.Equal(5, result.Drawn.Count);
    }

    [Fact]
    [Trait("Rule", "INS-4")]
    public void Run_WhenMoreMandatoryThanAsked_IsRefusedNamingINS4()
    {
        var ex = Assert.Throws<DrawRefusedException>(() => TargetDraw.Run(new DrawInput(7, 1, [G(1), G(2)], [], Ids(10, 50))));
        Assert.Equal("INS-4", ex.RuleId);
    }

    [Fact]
    [Trait("Rule", "INS-4")]
    public void Run_WhenPreferredSectionsAreEnough_DrawsOnlyFromThem()
    {
        // Full coverage of open inspections: units not yet inspected this year are preferred.
        var preferred = Ids(1, 8);
        var result = TargetDraw.Run(new DrawInput(3, 8, [], preferred, Ids(100, 500)));
        Assert.Equal(preferred.Order(), result.Drawn.Order());
    }

    [Fact]
    [Trait("Rule", "INS-5")]
    public void Run_OverManySeeds_PicksEverySectionAboutEquallyOften()
    {
        // Fairness: 2,000 draws of 1 out of 10 give each section between 140 and 260 times (expected 200; p of failure < 1e-6).
        var counts = new int[11];
        for (ulong seed = 1; seed <= 2000; seed++)
        {
            var id = TargetDraw.Run(new DrawInput(seed, 1, [], [], Ids(1, 10))).Drawn[0];
            counts[int.Parse(id.ToString()[^12..], System.Globalization.CultureInfo.InvariantCulture)]++;
        }
        Assert.All(counts.Skip(1), c => Assert.InRange(c, 140, 260));
    }

    [Fact]
    [Trait("Rule", "INS-5")]
    public void NextBelow_WhenBoundIsOne_IsAlwaysZero()
    {
        var rng = new SplitMix64(99);
        Assert.All(Enumerable.Range(0, 100), _ => Assert.Equal(0, rng.NextBelow(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.NextBelow(0));
    }
}

public sealed class VisitSecrecyTests
{
    private static readonly Guid Unit = Guid.NewGuid();
    private static readonly Guid Team = Guid.NewGuid();
    private static readonly Guid Agency = Guid.NewGuid();
    private static readonly IReadOnlySet<Guid> NoTeams = new HashSet<Guid>();

    private static InspectionViewerFacts Liaison(Guid unit) => new(false, NoTeams, null, unit);

    [Fact]
    [Trait("Rule", "INS-9")]
    public void MayKnow_WhenCovertVisitNotYetSent_IsFalseForTheTargetUnit()
    {
        Assert.False(VisitSecrecy.MayKnow(Liaison(Unit), new VisitFacts(true, Unit, Team, null, false)));
    }

    [Fact]
    [Trait("Rule", "INS-9")]
    public void MayKnow_WhenFindingsSent_IsTrueForTheTargetUnitOnly()
    {
        var visit = new VisitFacts(true, Unit, Team, null, true);
        Assert.True(VisitSecrecy.MayKnow(Liaison(Unit), visit));
        Assert.False(VisitSecrecy.MayKnow(Liaison(Guid.NewGuid()), visit));
    }

    [Fact]
    [Trait("Rule", "SEC-2")]
    public void MayKnow_WhenOpenInspectionOfAnotherUnit_IsFalse()
    {
        Assert.True(VisitSecrecy.MayKnow(Liaison(Unit), new VisitFacts(false, Unit, Team, null, false)));
        Assert.False(VisitSecrecy.MayKnow(Liaison(Guid.NewGuid()), new VisitFacts(false, Unit, Team, null, false)));
    }

    [Fact]
    [Trait("Rule", "INS-13")]
    public void MayKnow_WhenAgencyInspector_SeesOnlyTheirAgencysVisits()
    {
        var inspector = new InspectionViewerFacts(false, NoTeams, Agency, null);
        Assert.True(VisitSecrecy.MayKnow(inspector, new VisitFacts(true, Unit, null, Agency, false)));
        Assert.False(VisitSecrecy.MayKnow(inspector, new VisitFacts(true, Unit, null, Guid.NewGuid(), false)));
        Assert.False(VisitSecrecy.MayKnow(inspector, new VisitFacts(true, Unit, Team, null, true)));
    }

    [Fact]
    [Trait("Rule", "INS-9")]
    public void MayKnow_WhenSupervisorOfAnotherTeam_IsFalse()
    {
        var supervisor = new InspectionViewerFacts(false, new HashSet<Guid> { Team }, null, null);
        Assert.True(VisitSecrecy.MayKnow(supervisor, new VisitFacts(true, Unit, Team, null, false)));
        Assert.False(VisitSecrecy.MayKnow(supervisor, new VisitFacts(true, Unit, Guid.NewGuid(), null, false)));
    }

    [Fact]
    [Trait("Rule", "INS-9")]
    public void MayKnow_WhenOffice_IsAlwaysTrue()
    {
        Assert.True(VisitSecrecy.MayKnow(new InspectionViewerFacts(true, NoTeams, null, null), new VisitFacts(true, Unit, Team, Agency, false)));
    }
}

public sealed class PlanProgressTests
{
    private static readonly YearTargets S0 = new(230, 2, 2, 50m);

    [Fact]
    [Trait("Rule", "INS-10")]
    public void Compute_WhenWindowsVisitedTwice_CountsThemAsMeetingTheTarget()
    {
        var w1 = Guid.NewGuid(); var w2 = Guid.NewGuid();
        var visits = new List<CountedVisit> { new(w1, TargetKind.Window, 3, true), new(w1, TargetKind.Window, 9, true), new(w2, TargetKind.Window, 3, true) };
        var report = PlanProgress.Compute(S0, new Dictionary<TargetKind, int> { [TargetKind.Window] = 2 }, visits, new Dictionary<int, int>(), 1, 0);
        var windows = report.ByKind.Single(k => k.Kind == TargetKind.Window);
        Assert.Equal(1, windows.SectionsMeetingTarget);
        Assert.Equal(2, windows.SectionsVisited);
        Assert.Equal(3, windows.Visits);
        Assert.False(windows.Met);
        Assert.Equal(2, report.ByMonth[2].Window);
        Assert.Equal(3, report.ByMonth[11].Cumulative);
    }

    [Fact]
    [Trait("Rule", "INS-10")]
    public void Compute_CountsCovertVisitsTowardsS0sTargets_OpenInspectionsApart()
    {
        var w = Guid.NewGuid();
        var visits = new List<CountedVisit> { new(w, TargetKind.Window, 3, true), new(w, TargetKind.Window, 9, false), new(Guid.NewGuid(), TargetKind.Window, 9, false) };
        var report = PlanProgress.Compute(S0, new Dictionary<TargetKind, int> { [TargetKind.Window] = 2 }, visits, new Dictionary<int, int>(), 2, 2);
        Assert.Equal(1, report.TotalVisits);
        Assert.Equal((1, 2), (report.CovertVisits, report.OpenVisits));
        var windows = report.ByKind.Single(k => k.Kind == TargetKind.Window);
        Assert.Equal((1, 0), (windows.SectionsVisited, windows.SectionsMeetingTarget)); // the open inspection is not a second visit
        Assert.Equal(0, report.ByMonth[8].Window);
        Assert.True(report.OpenCoverageMet);
    }

    [Fact]
    [Trait("Rule", "INS-10")]
    public void Compute_WhenHalfTheOutletsSampled_MeetsTheOutletShare()
    {
        var outlets = Enumerable.Range(0, 10).Select(_ => Guid.NewGuid()).ToList();
        var visits = outlets.Take(5).Select(o => new CountedVisit(o, TargetKind.Outlet, 6, true)).ToList();
        var report = PlanProgress.Compute(S0, new Dictionary<TargetKind, int> { [TargetKind.Outlet] = 10 }, visits, new Dictionary<int, int>(), 1, 1);
        var o = report.ByKind.Single(k => k.Kind == TargetKind.Outlet);
        Assert.True(o.Met);
        Assert.Equal(50m, o.SharePercent);
        var fewer = PlanProgress.Compute(S0, new Dictionary<TargetKind, int> { [TargetKind.Outlet] = 10 }, visits.Take(4).ToList(), new Dictionary<int, int>(), 1, 1);
        Assert.False(fewer.ByKind.Single(k => k.Kind == TargetKind.Outlet).Met);
    }

    [Fact]
    [Trait("Rule", "INS-10")]
    public void Compute_CumulativeTargetByMonth_IsAProRataShareOfTheYear()
    {
        var report = PlanProgress.Compute(S0, new Dictionary<TargetKind, int>(), [], new Dictionary<int, int> { [4] = 7 }, 0, 0);
        Assert.Equal(20, report.ByMonth[0].CumulativeTarget);  // ceil(230/12)
        Assert.Equal(115, report.ByMonth[5].CumulativeTarget);
        Assert.Equal(230, report.ByMonth[11].CumulativeTarget);
        Assert.Equal(7, report.ByMonth[3].Findings);
    }

    [Fact]
    [Trait("Rule", "INS-4")]
    public void Compute_WhenAUnitHasNoOpenInspection_CoverageIsNotMet()
    {
        Assert.False(PlanProgress.Compute(S0, new Dictionary<TargetKind, int>(), [], new Dictionary<int, int>(), 32, 31).OpenCoverageMet);
        Assert.True(PlanProgress.Compute(S0, new Dictionary<TargetKind, int>(), [], new Dictionary<int, int>(), 32, 32).OpenCoverageMet);
    }
}

public sealed class AgencyScoringTests
{
    private static AgencyVisitFacts Good(int month) => new("Accepted", 8, 45 * 60, month, 2);

    [Fact]
    [Trait("Rule", "ORG-4")]
    public void Compute_WhenEveryVisitIsCompleteAndSpread_ScoresNearFull()
    {
        var visits = Enumerable.Range(1, 12).Select(Good).ToList();
        var f = AgencyScoring.Compute(visits, 0);
        Assert.Equal(100m, f.Score);
        Assert.False(f.ExitAdvised);
        Assert.Equal(12, f.MonthsCovered);
        Assert.Equal(0.25m, f.Depth);
    }

    [Fact]
    [Trait("Rule", "INS-13")]
    public void Compute_WhenVisitsAreShortAndRejected_AdvisesExit()
    {
        var visits = Enumerable.Range(0, 10).Select(i => new AgencyVisitFacts(i < 5 ? "Rejected" : "Accepted", 4, 20 * 60, 11, 0)).ToList();
        var f = AgencyScoring.Compute(visits, 3);
        Assert.Equal(5, f.Rejected);
        Assert.Equal(10, f.ShortVisits);
        Assert.Equal(100m, f.PeakMonthShare);
        Assert.True(f.ExitAdvised);
        Assert.True(f.Score < 60m);
    }

    [Fact]
    [Trait("Rule", "INS-11")]
    public void Compute_WhenRecordingMissing_CountsTheVisitAsShort()
    {
        var f = AgencyScoring.Compute([new AgencyVisitFacts("Accepted", 8, null, 3, 1), Good(4)], 0);
        Assert.Equal(1, f.ShortVisits);
    }

    [Fact]
    [Trait("Rule", "ORG-4")]
    public void Compute_WhenNoVisitCarriedOut_ScoresZero()
    {
        Assert.Equal(0m, AgencyScoring.Compute([new AgencyVisitFacts("Planned", 0, null, 0, 0)], 0).Score);
    }
}

public sealed class DefaultCatalogueTests
{
    [Fact]
    [Trait("Rule", "INS-18")]
    public void Items_HoldTheTwentyAnnexItemsOfS1InOrder()
    {
        var annex = DefaultDeductionCatalogue.Items.Where(i => i.Group == "Annex").ToList();
        Assert.Equal(20, annex.Count);
        Assert.Equal("未成立效能考评工作领导小组", annex[0].Name);
        Assert.Equal("未在门厅等显眼位置设置效能提示牌", annex[5].Name);
        Assert.StartsWith("支部工作不规范", annex[19].Name, StringComparison.Ordinal);
        Assert.All(annex, i => Assert.Equal(1m, i.Points));
    }

    [Fact]
    [Trait("Rule", "INS-14")]
    public void Items_HoldTheEightEfficiencySystems()
    {
        Assert.Equal(8, DefaultDeductionCatalogue.Items.Count(i => i.Group == "EfficiencySystem"));
    }

    [Fact]
    [Trait("Rule", "INS-6")]
    public void Items_TippingOffIsDiscretionary()
    {
        var item = DefaultDeductionCatalogue.Items.Single(i => i.Code == DefaultDeductionCatalogue.TippingOffCode);
        Assert.True(item.Discretionary);
        Assert.Contains("通风报信", item.Name, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "INS-3")]
    public void Items_MissingSelfInspectionCostsThree()
    {
        Assert.Equal(3m, DefaultDeductionCatalogue.Items.Single(i => i.Code == "P01").Points);
        Assert.Equal(DefaultDeductionCatalogue.Items.Count, DefaultDeductionCatalogue.Items.Select(i => i.Code).Distinct().Count());
    }
}

public sealed class TargetDrawCanonicalOrderTests
{
    [Fact]
    [Trait("Rule", "INS-5")]
    public void Run_InputList_IsSortedByTheIdsLowerCaseTextOrdinally()
    {
        var ids = Enumerable.Range(0, 2000).Select(_ => Guid.NewGuid()).Append(new Guid("ffffffff-0000-0000-0000-000000000000"))
            .Append(new Guid("7fffffff-ffff-ffff-ffff-ffffffffffff")).Append(new Guid("80000000-0000-0000-0000-000000000000")).ToList();
        var result = TargetDraw.Run(new DrawInput(1, 1, [], [], ids));
        var listed = result.InputList.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[2..]).ToList();
        Assert.Equal(ids.Select(i => i.ToString("D")).Order(StringComparer.Ordinal), listed);
        Assert.All(result.InputList.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.StartsWith("O ", l, StringComparison.Ordinal));
    }
}
