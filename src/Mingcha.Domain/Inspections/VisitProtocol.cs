using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Mingcha.Domain.Inspections;

/// <summary>Methods of a visit: S1 art. 4.2 (stake-out, simulated service, case tracking) and S0 (on-site observation,
/// service experience, follow-up tracking, questionnaire). INS-5.</summary>
public enum VisitMethod
{
    /// <summary>蹲点查岗 (S1)</summary>
    StakeOut,
    /// <summary>模拟办事 (S1)</summary>
    SimulatedService,
    /// <summary>办件跟踪 (S1)</summary>
    CaseTracking,
    /// <summary>现场观察 (S0)</summary>
    OnSiteObservation,
    /// <summary>体验服务 (S0)</summary>
    ServiceExperience,
    /// <summary>跟踪回访 (S0)</summary>
    FollowUpTracking,
    /// <summary>问卷调查 (S0)</summary>
    Questionnaire,
}

/// <summary>What a protocol step must carry as evidence before the visit can be submitted (INS-11).</summary>
public enum StepEvidence
{
    /// <summary>At least one video.</summary>
    Video,
    /// <summary>A video or a photo.</summary>
    VideoOrPhoto,
    /// <summary>A video or an audio recording.</summary>
    VideoOrAudio,
    /// <summary>1 to 3 questionnaires or interviews of members of the public (step 6).</summary>
    Survey,
    /// <summary>The overall score (step 7).</summary>
    Score,
    /// <summary>The archive, assembled from the visit's data (step 8).</summary>
    Archive,
}

public sealed record ProtocolStepDefinition(int Number, string Name, string EnglishName, StepEvidence Evidence);

/// <summary>Where a step's start and end times come from (INS-20).</summary>
public enum StepTimeSource
{
    /// <summary>From the recording (the video's creation time and duration).</summary>
    Recording,
    /// <summary>The inspector's device clock.</summary>
    Device,
}

/// <summary>The kind of a file handed in for a step, as far as the rules care.</summary>
public enum EvidenceKind { Video, Photo, Audio, Other }

/// <summary>A file attached to a step: its kind, its recorded duration (ffprobe), capture time, and where it was captured.</summary>
public sealed record StepFile(Guid Id, EvidenceKind Kind, long? DurationMs, DateTime CapturedAt, string? Location);

/// <summary>One step as recorded: its times (UTC), the file evidence, and the device clock at each save against the server's.</summary>
public sealed record StepRecord(int Number, DateTime? StartedAt, DateTime? EndedAt, IReadOnlyList<StepFile> Files, int SurveyCount = 0, bool HasScore = false);

/// <summary>A save of the visit made from the device: the device's clock and the server's clock at that moment.</summary>
public sealed record ClockReading(DateTime DeviceClock, DateTime ServerClock);

/// <summary>One problem the rules found in a visit record; <see cref="Blocking"/> ones refuse the submission.</summary>
public sealed record ProtocolIssue(string Rule, int? Step, string Code, string Message, bool Blocking);

/// <summary>The analysis of a visit record (INS-11, INS-19, INS-20).</summary>
public sealed record ProtocolAnalysis(IReadOnlyList<ProtocolIssue> Issues, long RecordedVideoSeconds, int StepsCompleted, IReadOnlyList<int> RequiredSteps)
{
    public bool CanSubmit => Issues.All(i => !i.Blocking);
    public IEnumerable<ProtocolIssue> Flags => Issues.Where(i => !i.Blocking);
}

/// <summary>
/// The eight-step covert-visit protocol (INS-11, S0) and the checks made from its data: each step's required
/// evidence, the 40-minute rule from the videos' recorded durations, step order (INS-20), a device clock that jumps
/// (INS-20), proof of visit and same-day submission (INS-19).
/// </summary>
public static class VisitProtocol
{
    /// <summary>INS-11: at least 40 minutes of recorded video per unit.</summary>
    public const int MinimumVideoSeconds = 40 * 60;

    /// <summary>INS-20: a device clock whose offset from the server's changes by more than this between saves jumped.</summary>
    public static readonly TimeSpan ClockJumpTolerance = TimeSpan.FromMinutes(2);

    public static readonly IReadOnlyList<ProtocolStepDefinition> Steps =
    [
        new(1, "拍摄单位全称标牌", "Film the sign with the unit's full name", StepEvidence.Video),
        new(2, "拍摄服务大厅布局", "Film the layout of the service hall", StepEvidence.VideoOrPhoto),
        new(3, "连续拍摄窗口人员表现", "Film the window staff's behaviour continuously", StepEvidence.Video),
        new(4, "体验服务", "Service experience with a persona and prepared questions", StepEvidence.VideoOrAudio),
        new(5, "跟踪拍摄关键人员办事全过程", "Follow key people and film their whole service process", StepEvidence.Video),
        new(6, "随机调查 1 至 3 名群众", "Survey 1 to 3 members of the public", StepEvidence.Survey),
        new(7, "对单位整体表现评分", "Score the unit's overall performance", StepEvidence.Score),
        new(8, "建立电子档案", "File the electronic archive", StepEvidence.Archive),
    ];

    public static ProtocolStepDefinition Step(int number) =>
        number is >= 1 and <= 8 ? Steps[number - 1] : throw new ArgumentOutOfRangeException(nameof(number), "The protocol has steps 1 to 8.");

    /// <summary>
    /// INS-5, INS-11: the steps a visit must complete for its methods. Proof of visit (1), the hall (2), the staff (3),
    /// the score (7) and the archive (8) always; service experience (4) for simulated service and service experience;
    /// following a case (5) for case tracking and follow-up; the survey (6) for a questionnaire. The full eight-step
    /// protocol is the covert visit that uses simulated service, case tracking and a questionnaire (S0). A visit by a
    /// third-party agency takes all eight steps whatever its methods: S0 "第三方机构开展暗访时……严格按照……8个步骤进行".
    /// </summary>
    public static IReadOnlyList<int> RequiredSteps(IReadOnlyCollection<VisitMethod> methods, bool byAgency = false)
    {
        ArgumentNullException.ThrowIfNull(methods);
        if (byAgency) return [1, 2, 3, 4, 5, 6, 7, 8];
        var steps = new SortedSet<int> { 1, 2, 3, 7, 8 };
        foreach (var m in methods)
        {
            switch (m)
            {
                case VisitMethod.SimulatedService or VisitMethod.ServiceExperience: steps.Add(4); break;
                case VisitMethod.CaseTracking or VisitMethod.FollowUpTracking: steps.Add(5); break;
                case VisitMethod.Questionnaire: steps.Add(6); break;
            }
        }
        return [.. steps];
    }

    public static readonly IReadOnlyList<VisitMethod> FullProtocol = [VisitMethod.OnSiteObservation, VisitMethod.ServiceExperience, VisitMethod.FollowUpTracking, VisitMethod.Questionnaire];

    /// <summary>Whether a step holds what it must (INS-11).</summary>
    public static bool HasRequiredEvidence(StepRecord step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return Step(step.Number).Evidence switch
        {
            StepEvidence.Video => step.Files.Any(f => f.Kind == EvidenceKind.Video),
            StepEvidence.VideoOrPhoto => step.Files.Any(f => f.Kind is EvidenceKind.Video or EvidenceKind.Photo),
            StepEvidence.VideoOrAudio => step.Files.Any(f => f.Kind is EvidenceKind.Video or EvidenceKind.Audio),
            StepEvidence.Survey => step.SurveyCount is >= 1 and <= 3,
            StepEvidence.Score => step.HasScore,
            StepEvidence.Archive => true,
            _ => false,
        };
    }

    /// <summary>
    /// INS-11: the time the visit's video covers, in whole seconds (S0 "每家查访时间不得少于40分钟（以视频摄录时间为准）": the
    /// length of the visit as filmed). Each file counted once, from its capture time for its duration; where files overlap
    /// (two inspectors filming at once) the time they share counts once, so two 20-minute films made together are 20 minutes.
    /// </summary>
    public static long RecordedVideoSeconds(IEnumerable<StepRecord> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var spans = steps.SelectMany(s => s.Files).Where(f => f.Kind == EvidenceKind.Video && f.DurationMs is > 0).DistinctBy(f => f.Id)
            .Select(f => (Start: f.CapturedAt.Ticks, End: f.CapturedAt.Ticks + f.DurationMs!.Value * TimeSpan.TicksPerMillisecond))
            .OrderBy(x => x.Start).ToList();
        long covered = 0;
        for (var i = 0; i < spans.Count;)
        {
            var (start, end) = spans[i++];
            while (i < spans.Count && spans[i].Start <= end) end = Math.Max(end, spans[i++].End);
            covered += end - start;
        }
        return covered / TimeSpan.TicksPerSecond;
    }

    /// <summary>
    /// INS-20: the steps in protocol order must not start before an earlier step started, and no step ends before it
    /// starts. Steps 6 to 8 (survey, score, archive) may overlap the filming; only their own order is checked.
    /// Returns the steps found out of order.
    /// </summary>
    public static IReadOnlyList<int> OutOfOrder(IEnumerable<StepRecord> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var bad = new List<int>();
        DateTime? lastStart = null;
        foreach (var s in steps.Where(s => s.StartedAt is not null).OrderBy(s => s.Number))
        {
            if (s.EndedAt is { } end && end < s.StartedAt!.Value) bad.Add(s.Number);
            else if (lastStart is { } ls && s.StartedAt!.Value < ls) bad.Add(s.Number);
            if (lastStart is null || s.StartedAt!.Value > lastStart) lastStart = s.StartedAt;
        }
        return bad;
    }

    /// <summary>
    /// INS-20: the device clock jumped when its offset from the server's clock changed by more than the tolerance
    /// between two saves (someone set the phone's clock to make a visit look longer or earlier), or when the device's
    /// clock went backwards. Returns the indexes of the readings where a jump was seen.
    /// </summary>
    public static IReadOnlyList<int> ClockJumps(IReadOnlyList<ClockReading> readings)
    {
        ArgumentNullException.ThrowIfNull(readings);
        var jumps = new List<int>();
        for (var i = 1; i < readings.Count; i++)
        {
            var prev = readings[i - 1];
            var cur = readings[i];
            var drift = (cur.ServerClock - cur.DeviceClock) - (prev.ServerClock - prev.DeviceClock);
            if (drift.Duration() > ClockJumpTolerance || cur.DeviceClock < prev.DeviceClock) jumps.Add(i);
        }
        return jumps;
    }

    /// <summary>
    /// All checks at once (INS-11, INS-19, INS-20). Blocking: a required step without its evidence, less than 40
    /// minutes of video. Flags for the Office's quality check: steps out of order, a clock jump, no place on the opening
    /// shot, the opening shot not taken on the visit day, a submission after the visit day.
    /// </summary>
    public static ProtocolAnalysis Analyse(IReadOnlyCollection<VisitMethod> methods, IReadOnlyList<StepRecord> steps, IReadOnlyList<ClockReading> clock,
        DateOnly? visitDay, DateOnly? submittedOn, TimeZoneInfo zone, bool byAgency = false)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(zone);
        var required = RequiredSteps(methods, byAgency);
        var issues = new List<ProtocolIssue>();
        var byNumber = steps.GroupBy(s => s.Number).ToDictionary(g => g.Key, g => g.Last());
        var completed = 0;
        foreach (var n in Enumerable.Range(1, 8))
        {
            var has = byNumber.TryGetValue(n, out var s) && HasRequiredEvidence(s) && (s.StartedAt is not null || Step(n).Evidence is StepEvidence.Score or StepEvidence.Archive or StepEvidence.Survey);
            if (has) completed++;
            if (!has && required.Contains(n))
            {
                var def = Step(n);
                issues.Add(new("INS-11", n, "missing-evidence",
                    $"第 {n} 步“{def.Name}”缺少规定的{EvidenceName(def.Evidence)}。 Step {n} ({def.EnglishName}) lacks its required {def.Evidence}.", true));
            }
        }
        var seconds = RecordedVideoSeconds(steps);
        if (seconds < MinimumVideoSeconds)
            issues.Add(new("INS-11", null, "under-40-minutes",
                $"录像总时长 {seconds / 60} 分 {seconds % 60} 秒，不足 40 分钟。 The videos last {seconds} s, under the 40 minutes (2400 s) the protocol requires.", true));
        foreach (var n in OutOfOrder(steps))
            issues.Add(new("INS-20", n, "out-of-order", $"第 {n} 步的时间与步骤顺序不符。 Step {n}'s times are out of the protocol's order.", false));
        if (ClockJumps(clock).Count > 0)
            issues.Add(new("INS-20", null, "clock-jump", "设备时钟出现跳变，步骤时间须核实。 The device clock jumped; the step times need checking.", false));
        if (byNumber.TryGetValue(1, out var first))
        {
            var opening = first.Files.Where(f => f.Kind == EvidenceKind.Video).OrderBy(f => f.CapturedAt).FirstOrDefault();
            if (opening is not null && string.IsNullOrWhiteSpace(opening.Location))
                issues.Add(new("INS-19", 1, "proof-no-place", "开场标牌视频没有拍摄地点。 The opening shot of the sign has no place.", false));
            if (opening is not null && visitDay is { } vd && DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(opening.CapturedAt, zone)) != vd)
                issues.Add(new("INS-19", 1, "proof-other-day", "开场标牌视频不是检查当日拍摄的。 The opening shot of the sign was not taken on the day of the visit.", false));
        }
        if (visitDay is { } day && submittedOn is { } sub && sub != day)
            issues.Add(new("INS-19", null, "late-submission", $"报告未在检查当日（{day:yyyy-MM-dd}）提交。 The report was not submitted on the day of the visit.", false));
        return new ProtocolAnalysis(issues, seconds, completed, required);
    }

    /// <summary>What a step must hold, in words (the pages show it translated, the checks name it).</summary>
    public static string EvidenceName(StepEvidence e) => e switch
    {
        StepEvidence.Video => "视频",
        StepEvidence.VideoOrPhoto => "视频或照片",
        StepEvidence.VideoOrAudio => "视频或录音",
        StepEvidence.Survey => "1 至 3 份群众问卷",
        StepEvidence.Score => "整体评分",
        _ => "归档材料（自动汇总）",
    };
}

/// <summary>A question of the bank (INS-12): for a service item (ORG-6), at a depth (1 = basic … deeper).</summary>
public sealed record BankQuestionRef(Guid Id, Guid ServiceItemId, int Depth, string SortKey);

/// <summary>What a visit drew from the bank: a persona and questions per service item, each deeper than the last.</summary>
public sealed record QuestionDrawResult(Guid? PersonaId, IReadOnlyList<Guid> QuestionIds, ulong Seed);

/// <summary>
/// INS-12: the service-experience step (4) draws a persona and graded questions for the service items the section
/// offers. Reproducible: the same seed, personas and bank give the same draw (SplitMix64, inputs sorted by id).
/// For each service item (at most <c>items</c>, drawn), one question of each depth in ascending order, so each
/// question goes deeper than the last.
/// </summary>
public static class QuestionDraw
{
    public static QuestionDrawResult Run(ulong seed, IReadOnlyCollection<Guid> personas, IReadOnlyCollection<Guid> sectionServiceItems,
        IReadOnlyCollection<BankQuestionRef> bank, int items = 3, int maxDepth = 3)
    {
        ArgumentNullException.ThrowIfNull(personas);
        ArgumentNullException.ThrowIfNull(sectionServiceItems);
        ArgumentNullException.ThrowIfNull(bank);
        var rng = new SplitMix64(seed);
        var ps = personas.Order().ToList();
        Guid? persona = ps.Count == 0 ? null : ps[rng.NextBelow(ps.Count)];
        var offered = sectionServiceItems.Distinct().Where(i => bank.Any(q => q.ServiceItemId == i)).Order().ToList();
        // Partial Fisher-Yates over the service items that have questions.
        var take = Math.Min(items, offered.Count);
        for (var i = 0; i < take; i++)
        {
            var j = i + rng.NextBelow(offered.Count - i);
            (offered[i], offered[j]) = (offered[j], offered[i]);
        }
        var questions = new List<Guid>();
        foreach (var item in offered.Take(take))
        {
            for (var depth = 1; depth <= maxDepth; depth++)
            {
                var pool = bank.Where(q => q.ServiceItemId == item && q.Depth == depth).OrderBy(q => q.Id).ToList();
                if (pool.Count == 0) continue;
                questions.Add(pool[rng.NextBelow(pool.Count)].Id);
            }
        }
        return new QuestionDrawResult(persona, questions, seed);
    }

    /// <summary>The seed of a visit's draw: from the visit's id, so anyone can re-run it.</summary>
    public static ulong SeedFor(Guid visitId) =>
        BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes("question-draw:" + visitId.ToString("D", CultureInfo.InvariantCulture))), 0);
}

/// <summary>INS-3, INS-4: points of open inspections.</summary>
public static class OpenInspectionRules
{
    /// <summary>INS-3: a quarter without a self-inspection report costs 3 points.</summary>
    public const decimal MissingSelfInspectionPoints = 3m;
    /// <summary>INS-4: each missing item, or item without evidence, costs 1 point.</summary>
    public const decimal SpotCheckItemPoints = 1m;

    /// <summary>The quarter (1..4) of a day.</summary>
    public static int QuarterOf(DateOnly day) => (day.Month - 1) / 3 + 1;

    /// <summary>The last day of a quarter.</summary>
    public static DateOnly QuarterEnd(int year, int quarter) =>
        quarter is >= 1 and <= 4 ? new DateOnly(year, quarter * 3, 1).AddMonths(1).AddDays(-1) : throw new ArgumentOutOfRangeException(nameof(quarter));

    /// <summary>The quarters that have ended by <paramref name="today"/> (the day after the quarter's last day), latest last.</summary>
    public static IEnumerable<(int Year, int Quarter)> EndedQuarters(DateOnly today, int fromYear)
    {
        for (var y = fromYear; y <= today.Year; y++)
            for (var q = 1; q <= 4; q++)
                if (QuarterEnd(y, q) < today) yield return (y, q);
    }

    /// <summary>INS-4: the item costs a point when it is missing or has no supporting evidence.</summary>
    public static bool SpotCheckItemCosts(bool present, int evidenceCount) => !present || evidenceCount == 0;
}
