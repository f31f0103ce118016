using Mingcha.Domain.Inspections;

namespace Mingcha.UnitTests.Inspections;

public sealed class VisitProtocolTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly DateTime T0 = new(2026, 11, 16, 1, 0, 0, DateTimeKind.Utc); // 09:00 in Shanghai
    private static readonly DateOnly Day = new(2026, 11, 16);

    private static StepFile Video(int minutes, int offsetMinutes = 0, string? location = "31.23,121.47") =>
        new(Guid.NewGuid(), EvidenceKind.Video, minutes * 60_000L, T0.AddMinutes(offsetMinutes), location);

    /// <summary>A complete eight-step record: five filmed steps of <paramref name="minutesPerVideo"/> minutes each, one after another.</summary>
    private static List<StepRecord> Complete(int minutesPerVideo = 6)
    {
        var steps = new List<StepRecord>();
        var every = Math.Max(7, minutesPerVideo + 1);
        for (var n = 1; n <= 8; n++)
        {
            var start = T0.AddMinutes((n - 1) * every);
            IReadOnlyList<StepFile> files = n <= 5 ? [Video(minutesPerVideo, (n - 1) * every)] : [];
            steps.Add(new StepRecord(n, start, start.AddMinutes(every - 1), files, SurveyCount: 2, HasScore: true));
        }
        return steps;
    }

    private static ProtocolAnalysis Analyse(List<StepRecord> steps, IReadOnlyList<ClockReading>? clock = null, DateOnly? submitted = null) =>
        VisitProtocol.Analyse(VisitProtocol.FullProtocol, steps, clock ?? [], Day, submitted ?? Day, Shanghai);

    [Fact]
    [Trait("Rule", "INS-11")]
    public void Analyse_WhenEveryStepHasItsEvidenceAndFortyMinutesOfVideo_CanSubmit()
    {
        var a = Analyse(Complete(minutesPerVideo: 8));
        Assert.True(a.CanSubmit, string.Join("; ", a.Issues.Select(i => i.Message)));
        Assert.Equal(8, a.StepsCompleted);
        Assert.Equal(40 * 60, a.RecordedVideoSeconds);
        Assert.Empty(a.Issues);
    }

    [Fact]
    [Trait("Rule", "INS-11")]
    public void Analyse_WhenTheVideosLastLessThanFortyMinutes_RefusesNamingTheRule()
    {
        var a = Analyse(Complete(minutesPerVideo: 7)); // 35 minutes
        Assert.False(a.CanSubmit);
        var issue = Assert.Single(a.Issues, i => i.Blocking);
        Assert.Equal("INS-11", issue.Rule);
        Assert.Equal("under-40-minutes", issue.Code);
        Assert.Equal(35 * 60, a.RecordedVideoSeconds);
    }

    /// <summary>S0 "以视频摄录时间为准": two inspectors filming the same 20 minutes make a 20-minute visit, not a 40-minute one.</summary>
    [Fact]
    [Trait("Rule", "INS-11")]
    public void RecordedVideoSeconds_CountsTimeFilmedByTwoAtOnceOnce()
    {
        var together = new List<StepRecord> { new(3, T0, T0.AddMinutes(20), [Video(20)]), new(4, T0, T0.AddMinutes(20), [Video(20)]) };
        Assert.Equal(20 * 60, VisitProtocol.RecordedVideoSeconds(together));
        var overlapping = new List<StepRecord> { new(3, T0, T0.AddMinutes(25), [Video(25), Video(25, offsetMinutes: 10)]) }; // 0–25 and 10–35
        Assert.Equal(35 * 60, VisitProtocol.RecordedVideoSeconds(overlapping));
        var apart = new List<StepRecord> { new(3, T0, T0.AddMinutes(20), [Video(20)]), new(4, T0.AddMinutes(20), T0.AddMinutes(40), [Video(20, offsetMinutes: 20)]) };
        Assert.Equal(40 * 60, VisitProtocol.RecordedVideoSeconds(apart));
        var twoCameras = Analyse(Complete(minutesPerVideo: 8).Select(s => s with { Files = s.Number <= 5 ? [Video(20), Video(20)] : [] }).ToList());
        Assert.Contains(twoCameras.Issues, i => i.Code == "under-40-minutes");
    }

    [Fact]
    [Trait("Rule", "INS-11")]
    public void RecordedVideoSeconds_CountsAFileUsedByTwoStepsOnce()
    {
        var shared = Video(30);
        var steps = new List<StepRecord> { new(3, T0, T0.AddMinutes(30), [shared]), new(5, T0, T0.AddMinutes(30), [shared]) };
        Assert.Equal(30 * 60, VisitProtocol.RecordedVideoSeconds(steps));
    }

    [Fact]
    [Trait("Rule", "INS-11")]
    public void Analyse_WhenARequiredStepLacksItsEvidence_RefusesNamingTheStep()
    {
        var steps = Complete(minutesPerVideo: 10);
        steps[0] = steps[0] with { Files = [new StepFile(Guid.NewGuid(), EvidenceKind.Photo, null, T0, "x")] }; // a photo is not a film of the sign
        steps[5] = steps[5] with { SurveyCount = 0 };
        var a = Analyse(steps);
        Assert.False(a.CanSubmit);
        Assert.Equal([1, 6], a.Issues.Where(i => i.Code == "missing-evidence").Select(i => i.Step!.Value));
        Assert.All(a.Issues.Where(i => i.Blocking), i => Assert.Equal("INS-11", i.Rule));
    }

    [Fact]
    [Trait("Rule", "INS-11")]
    public void HasRequiredEvidence_SurveyNeedsOneToThreeRespondents()
    {
        Assert.False(VisitProtocol.HasRequiredEvidence(new StepRecord(6, T0, T0, [], SurveyCount: 0)));
        Assert.True(VisitProtocol.HasRequiredEvidence(new StepRecord(6, T0, T0, [], SurveyCount: 1)));
        Assert.True(VisitProtocol.HasRequiredEvidence(new StepRecord(6, T0, T0, [], SurveyCount: 3)));
        Assert.False(VisitProtocol.HasRequiredEvidence(new StepRecord(6, T0, T0, [], SurveyCount: 4)));
        Assert.True(VisitProtocol.HasRequiredEvidence(new StepRecord(4, T0, T0, [new StepFile(Guid.NewGuid(), EvidenceKind.Audio, 1000, T0, null)])));
        Assert.False(VisitProtocol.HasRequiredEvidence(new StepRecord(7, T0, T0, [], HasScore: false)));
    }

    [Fact]
    [Trait("Rule", "INS-5")]
    public void RequiredSteps_FollowTheMethods()
    {
        Assert.Equal([1, 2, 3, 7, 8], VisitProtocol.RequiredSteps([VisitMethod.StakeOut]));
        Assert.Equal([1, 2, 3, 4, 7, 8], VisitProtocol.RequiredSteps([VisitMethod.SimulatedService]));
        Assert.Equal([1, 2, 3, 5, 7, 8], VisitProtocol.RequiredSteps([VisitMethod.CaseTracking]));
        Assert.Equal([1, 2, 3, 6, 7, 8], VisitProtocol.RequiredSteps([VisitMethod.Questionnaire]));
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], VisitProtocol.RequiredSteps(VisitProtocol.FullProtocol));
    }

    [Fact]
    [Trait("Rule", "INS-5")]
    public void Analyse_StakeOutNeedsNoServiceExperienceOrSurvey()
    {
        var steps = Complete(minutesPerVideo: 10).Where(s => s.Number is not (4 or 5 or 6)).Select(s => s with { SurveyCount = 0 }).ToList();
        steps[0] = steps[0] with { Files = [Video(20)] };
        steps[1] = steps[1] with { Files = [Video(20, 20)] }; // one after the other: 40 minutes filmed
        var a = VisitProtocol.Analyse([VisitMethod.StakeOut], steps, [], Day, Day, Shanghai);
        Assert.True(a.CanSubmit, string.Join("; ", a.Issues.Select(i => i.Message)));
    }

    /// <summary>S0: a third-party agency's covert visit follows all eight steps, whatever methods it names.</summary>
    [Fact]
    [Trait("Rule", "INS-11")]
    public void Analyse_AnAgencysStakeOut_StillNeedsAllEightSteps()
    {
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], VisitProtocol.RequiredSteps([VisitMethod.StakeOut], byAgency: true));
        var steps = Complete(minutesPerVideo: 10).Where(s => s.Number is not (4 or 5 or 6)).Select(s => s with { SurveyCount = 0 }).ToList();
        steps[0] = steps[0] with { Files = [Video(20)] };
        steps[1] = steps[1] with { Files = [Video(20, 20)] }; // one after the other: 40 minutes filmed
        var team = VisitProtocol.Analyse([VisitMethod.StakeOut], steps, [], Day, Day, Shanghai);
        var agency = VisitProtocol.Analyse([VisitMethod.StakeOut], steps, [], Day, Day, Shanghai, byAgency: true);
        Assert.True(team.CanSubmit);
        Assert.False(agency.CanSubmit);
        Assert.Equal([4, 5, 6], agency.Issues.Where(i => i.Blocking && i.Rule == "INS-11").Select(i => i.Step!.Value).Order());
    }

    [Fact]
    [Trait("Rule", "INS-20")]
    public void OutOfOrder_FlagsAStepThatStartsBeforeAnEarlierOneOrEndsBeforeItStarts()
    {
        var steps = Complete();
        Assert.Empty(VisitProtocol.OutOfOrder(steps));
        steps[2] = steps[2] with { StartedAt = T0.AddMinutes(-5), EndedAt = T0 }; // step 3 before step 1
        steps[4] = steps[4] with { EndedAt = steps[4].StartedAt!.Value.AddMinutes(-1) };
        Assert.Equal([3, 5], VisitProtocol.OutOfOrder(steps));
        var a = Analyse(steps.Select(s => s with { Files = s.Number <= 5 ? [Video(9)] : [] }).ToList());
        Assert.Contains(a.Issues, i => i.Rule == "INS-20" && i.Code == "out-of-order" && !i.Blocking);
    }

    [Fact]
    [Trait("Rule", "INS-20")]
    public void ClockJumps_FlagsADeviceClockWhoseOffsetChangesOrThatGoesBack()
    {
        var steady = new List<ClockReading>
        {
            new(T0.AddSeconds(-30), T0), new(T0.AddMinutes(10).AddSeconds(-31), T0.AddMinutes(10)), new(T0.AddMinutes(20).AddSeconds(-29), T0.AddMinutes(20)),
        };
        Assert.Empty(VisitProtocol.ClockJumps(steady));
        var forward = new List<ClockReading> { new(T0, T0), new(T0.AddMinutes(40), T0.AddMinutes(10)) }; // the phone jumped 30 minutes ahead
        Assert.Equal([1], VisitProtocol.ClockJumps(forward));
        var back = new List<ClockReading> { new(T0, T0), new(T0.AddMinutes(-1), T0.AddSeconds(10)) };
        Assert.Equal([1], VisitProtocol.ClockJumps(back));
        var a = Analyse(Complete(8), forward);
        Assert.Contains(a.Issues, i => i.Rule == "INS-20" && i.Code == "clock-jump" && !i.Blocking);
        Assert.True(a.CanSubmit);
    }

    [Fact]
    [Trait("Rule", "INS-19")]
    public void Analyse_FlagsProofOfVisitWithoutPlaceOrFromAnotherDay_AndALateSubmission()
    {
        var steps = Complete(8);
        steps[0] = steps[0] with { Files = [new StepFile(Guid.NewGuid(), EvidenceKind.Video, 8 * 60_000L, T0.AddDays(-1), null)] };
        var a = Analyse(steps, submitted: Day.AddDays(1));
        Assert.Contains(a.Issues, i => i.Rule == "INS-19" && i.Code == "proof-no-place");
        Assert.Contains(a.Issues, i => i.Rule == "INS-19" && i.Code == "proof-other-day");
        Assert.Contains(a.Issues, i => i.Rule == "INS-19" && i.Code == "late-submission");
        Assert.True(a.CanSubmit); // the Office decides on these (INS-19)
    }

    [Fact]
    [Trait("Rule", "INS-19")]
    public void Analyse_SameDayInTheOfficesTimeZone_IsNotLate()
    {
        // 23:30 in Shanghai is 15:30 UTC the same day; 00:30 the next local day is 16:30 UTC.
        var a = Analyse(Complete(8), submitted: Day);
        Assert.DoesNotContain(a.Issues, i => i.Code == "late-submission");
    }
}

public sealed class QuestionDrawTests
{
    private static readonly Guid ItemA = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid ItemB = Guid.Parse("00000000-0000-0000-0000-00000000000b");
    private static readonly Guid ItemC = Guid.Parse("00000000-0000-0000-0000-00000000000c");

    private static List<BankQuestionRef> Bank()
    {
        var list = new List<BankQuestionRef>();
        var n = 0;
        foreach (var item in new[] { ItemA, ItemB, ItemC })
            for (var depth = 1; depth <= 3; depth++)
                for (var k = 0; k < 2; k++)
                    list.Add(new BankQuestionRef(new Guid(++n, 0, 0, [0, 0, 0, 0, 0, 0, 0, 0]), item, depth, ""));
        return list;
    }

    private static readonly Guid[] Personas = [Guid.Parse("10000000-0000-0000-0000-000000000001"), Guid.Parse("10000000-0000-0000-0000-000000000002"), Guid.Parse("10000000-0000-0000-0000-000000000003")];

    [Fact]
    [Trait("Rule", "INS-12")]
    public void Run_WithTheSameSeed_IsReproducibleWhateverTheInputOrder()
    {
        var bank = Bank();
        var a = QuestionDraw.Run(42, Personas, [ItemA, ItemB, ItemC], bank, items: 2);
        var b = QuestionDraw.Run(42, Personas.Reverse().ToArray(), [ItemC, ItemA, ItemB], Enumerable.Reverse(bank).ToList(), items: 2);
        Assert.Equal(a.PersonaId, b.PersonaId);
        Assert.Equal(a.QuestionIds, b.QuestionIds);
        Assert.Equal(6, a.QuestionIds.Count);
        var seeds = Enumerable.Range(1, 40).Select(s => string.Join(",", QuestionDraw.Run((ulong)s, Personas, [ItemA, ItemB, ItemC], bank, items: 2).QuestionIds)).Distinct().Count();
        Assert.True(seeds > 10, "different seeds draw different questions");
    }

    [Fact]
    [Trait("Rule", "INS-12")]
    public void Run_EachServiceItemsQuestionsGoDeeper_AndOnlyForItemsTheSectionOffers()
    {
        var bank = Bank();
        var draw = QuestionDraw.Run(7, Personas, [ItemB, Guid.NewGuid()], bank, items: 3);
        var drawn = draw.QuestionIds.Select(id => bank.Single(q => q.Id == id)).ToList();
        Assert.All(drawn, q => Assert.Equal(ItemB, q.ServiceItemId));
        Assert.Equal([1, 2, 3], drawn.Select(q => q.Depth));
        Assert.Contains(draw.PersonaId!.Value, Personas);
    }

    [Fact]
    [Trait("Rule", "INS-12")]
    public void Run_WithAnEmptyBank_DrawsNothing_AndTheSeedComesFromTheVisit()
    {
        var draw = QuestionDraw.Run(1, [], [ItemA], []);
        Assert.Null(draw.PersonaId);
        Assert.Empty(draw.QuestionIds);
        var visit = Guid.NewGuid();
        Assert.Equal(QuestionDraw.SeedFor(visit), QuestionDraw.SeedFor(visit));
        Assert.NotEqual(QuestionDraw.SeedFor(visit), QuestionDraw.SeedFor(Guid.NewGuid()));
    }
}

public sealed class OpenInspectionRulesTests
{
    [Fact]
    [Trait("Rule", "INS-3")]
    public void EndedQuarters_AreThoseWhoseLastDayHasPassed()
    {
        Assert.Equal(new DateOnly(2026, 3, 31), OpenInspectionRules.QuarterEnd(2026, 1));
        Assert.Equal(new DateOnly(2026, 12, 31), OpenInspectionRules.QuarterEnd(2026, 4));
        Assert.Equal([(2026, 1), (2026, 2), (2026, 3)], OpenInspectionRules.EndedQuarters(new DateOnly(2026, 11, 16), 2026));
        Assert.Equal([(2026, 1)], OpenInspectionRules.EndedQuarters(new DateOnly(2026, 4, 1), 2026));
        Assert.Empty(OpenInspectionRules.EndedQuarters(new DateOnly(2026, 3, 31), 2026));
        Assert.Equal(3m, OpenInspectionRules.MissingSelfInspectionPoints);
    }

    [Fact]
    [Trait("Rule", "INS-4")]
    public void SpotCheckItem_CostsAPointWhenMissingOrWithoutEvidence()
    {
        Assert.True(OpenInspectionRules.SpotCheckItemCosts(present: false, evidenceCount: 1));
        Assert.True(OpenInspectionRules.SpotCheckItemCosts(present: true, evidenceCount: 0));
        Assert.False(OpenInspectionRules.SpotCheckItemCosts(present: true, evidenceCount: 2));
        Assert.Equal(1m, OpenInspectionRules.SpotCheckItemPoints);
    }

    [Fact]
    [Trait("Rule", "INS-14")]
    [Trait("Rule", "INS-15")]
    public void Checklists_CoverTheEightSystemsAndCivility_WithTheirCatalogueItems()
    {
        Assert.Equal(["S01", "S02", "S03", "S04", "S05", "S06", "S07", "S08"], VisitChecklists.EfficiencySystems.Select(l => l.ItemCode));
        Assert.Equal("C01", VisitChecklists.Find("CIV-FORBIDDEN")!.ItemCode);
        Assert.Contains("不归我管", VisitChecklists.ForbiddenExpressions);
        var codes = DefaultDeductionCatalogue.Items.Select(i => i.Code).ToHashSet();
        Assert.All(VisitChecklists.All, l => Assert.Contains(l.ItemCode, codes));
        Assert.Contains("P01", codes);
        Assert.Contains("P02", codes);
    }
}

public sealed class RoundReportBodyTests
{
    [Fact]
    [Trait("Rule", "INS-17")]
    public async Task Blocks_ReadHeadingsTablesPhotosAndParagraphs()
    {
        var photo = Guid.NewGuid();
        var body = $"开头段落。\n\n# 基本情况\n\n| 单位 | 问题数 |\n| 甲局 | 2 |\n| 乙局 |\n\n## 按单位\n\n![窗口现场]( evidence:x)\n![窗口现场](evidence:{photo})\n\n结尾。";
        var blocks = await RoundReportText.BlocksAsync(body, id => Task.FromResult<byte[]?>(id == photo ? [1, 2, 3] : null));
        Assert.IsType<Mingcha.Domain.Documents.ParagraphBlock>(blocks[0]);
        Assert.Equal(new Mingcha.Domain.Documents.HeadingBlock(1, "基本情况"), blocks[1]);
        var table = Assert.IsType<Mingcha.Domain.Documents.TableBlock>(blocks[2]);
        Assert.Equal(["单位", "问题数"], table.Header);
        Assert.Equal(["乙局", ""], table.Rows[1]); // short rows are padded to the header's width
        Assert.Equal(new Mingcha.Domain.Documents.HeadingBlock(2, "按单位"), blocks[3]);
        Assert.IsType<Mingcha.Domain.Documents.ParagraphBlock>(blocks[4]); // not a valid evidence reference: kept as text
        Assert.Equal("窗口现场", Assert.IsType<Mingcha.Domain.Documents.ImageBlock>(blocks[5]).Caption);
        Assert.Equal(new Mingcha.Domain.Documents.ParagraphBlock("结尾。"), blocks[6]);
    }
}
