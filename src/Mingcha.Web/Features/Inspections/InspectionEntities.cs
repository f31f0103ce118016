using Mingcha.Web.Data;

namespace Mingcha.Web.Features.Inspections;

/// <summary>明查 or 暗访 (glossary: OpenInspection, CovertVisit).</summary>
public enum InspectionKind
{
    /// <summary>明查: announced; the unit knows.</summary>
    Open,
    /// <summary>暗访: secret until its findings are sent (INS-9).</summary>
    Covert,
}

/// <summary>常态化 / 专题 (INS-10: run side by side).</summary>
public enum CampaignKind
{
    Routine,
    Thematic,
}

/// <summary>A round's written plan moves Draft → Planned → Running → Closed (INS-9: decided before it starts).</summary>
public enum RoundStatus
{
    /// <summary>起草中: editable.</summary>
    Draft,
    /// <summary>已定稿: the plan was decided; targets may still be drawn.</summary>
    Planned,
    /// <summary>实施中</summary>
    Running,
    /// <summary>已结束</summary>
    Closed,
}

/// <summary>How a section came to be a target of a round.</summary>
public enum TargetSource
{
    /// <summary>随机抽取 (INS-5)</summary>
    Drawn,
    /// <summary>必查: problems found last time (INS-4)</summary>
    Mandatory,
    /// <summary>指定: chosen by the Office (open inspections, thematic rounds)</summary>
    Chosen,
}

/// <summary>
/// A visit's report moves Planned → InProgress → Submitted → Accepted / Returned / Rejected (INS-19);
/// a returned report goes back to InProgress and is submitted again.
/// </summary>
public enum VisitStatus
{
    Planned,
    InProgress,
    Submitted,
    /// <summary>Counts toward targets and scores (INS-19).</summary>
    Accepted,
    /// <summary>Returned with questions; the inspector answers and resubmits.</summary>
    Returned,
    /// <summary>Counts toward no target and no score (INS-19).</summary>
    Rejected,
}

/// <summary>Which part of the catalogue an item belongs to (INS-18, INS-14, INS-15, INS-3/4/6/8).</summary>
public enum DeductionGroup
{
    /// <summary>S1 annex: the 20 numbered items.</summary>
    Annex,
    /// <summary>INS-14: the eight efficiency systems.</summary>
    EfficiencySystem,
    /// <summary>INS-15: civility (forbidden expressions, no polite expressions).</summary>
    Civility,
    /// <summary>INS-6, INS-8: obstruction, delay, tipping off, refusing to sign.</summary>
    Conduct,
    /// <summary>INS-3, INS-4: self-inspection reports and spot checks of open inspections.</summary>
    OpenInspection,
}

/// <summary>Recorded → Confirmed / Dropped: the Office confirms each finding before anything is sent (RCT-1).</summary>
public enum FindingStatus
{
    Recorded,
    Confirmed,
    Dropped,
}

/// <summary>The inspected unit's answer to the record (INS-8).</summary>
public enum UnitConfirmation
{
    /// <summary>Not asked yet.</summary>
    Pending,
    /// <summary>The leader on duty signed (signature kept as evidence).</summary>
    SignedByUnit,
    /// <summary>Refused to sign: itself a violation; the result stands.</summary>
    Refused,
}

/// <summary>
/// The year's inspection plan and its targets (INS-10, S0): about 230 visits, each bureau window unit and each
/// district service hall visited twice, at least 50% of street and township outlets sampled.
/// </summary>
public sealed class InspectionYearPlan : IAudited
{
    private InspectionYearPlan() { Title = ""; CreatedBy = ""; }
    public InspectionYearPlan(int year, string title, int totalVisits, int visitsPerWindowUnit, int visitsPerHall, decimal outletSharePercent, string createdBy, DateTime nowUtc)
    {
        Id = Guid.CreateVersion7(); Year = year; Title = title; CreatedBy = createdBy; CreatedAt = nowUtc;
        SetTargets(totalVisits, visitsPerWindowUnit, visitsPerHall, outletSharePercent);
    }
    public Guid Id { get; private set; }
    public int Year { get; private set; }
    public string Title { get; private set; }
    /// <summary>Visits in the year (S0: 平均全年查访230家次).</summary>
    public int TotalVisitsTarget { get; private set; }
    /// <summary>Visits per bureau window unit per year (S0: 2).</summary>
    public int VisitsPerWindowUnit { get; private set; }
    /// <summary>Visits per district service hall per year (S0: 2).</summary>
    public int VisitsPerHall { get; private set; }
    /// <summary>Share of street and township outlets sampled, in percent (S0: not below 50).</summary>
    public decimal OutletSharePercent { get; private set; }
    public string? Notes { get; set; }
    public string CreatedBy { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public bool IsDemo { get; internal set; }

    /// <summary>INS-10: targets are positive counts and a share between 0 and 100.</summary>
    public void SetTargets(int totalVisits, int visitsPerWindowUnit, int visitsPerHall, decimal outletSharePercent)
    {
        if (totalVisits < 0 || visitsPerWindowUnit < 0 || visitsPerHall < 0)
            throw new DomainRuleException("INS-10", "年度目标不能为负数。 Targets cannot be negative.", 400);
        if (outletSharePercent is < 0 or > 100)
            throw new DomainRuleException("INS-10", "乡镇（街道）网点抽查比例须在 0 到 100 之间。 The outlet share is a percentage from 0 to 100.", 400);
        TotalVisitsTarget = totalVisits; VisitsPerWindowUnit = visitsPerWindowUnit; VisitsPerHall = visitsPerHall; OutletSharePercent = outletSharePercent;
    }

    public void Retitle(string title) => Title = title;
}

/// <summary>
/// A round of open inspections or covert visits with its written plan (INS-9): scope, focus, targets, people
/// (teams or an agency) and dates. It is decided (Planned) before it starts; a covert round is secret from the
/// target units until its findings are sent.
/// </summary>
public sealed class InspectionRound : IAudited, IVersioned
{
    private InspectionRound() { Title = ""; Scope = ""; Focus = ""; CreatedBy = ""; }
    public InspectionRound(int year, InspectionKind kind, CampaignKind campaign, string title, string scope, string focus,
        DateOnly startsOn, DateOnly endsOn, string createdBy, DateTime nowUtc)
    {
        if (endsOn < startsOn)
            throw new DomainRuleException("INS-9", "结束日期早于开始日期。 The round ends before it starts.", 400);
        if (startsOn.Year != year)
            throw new DomainRuleException("INS-9", "轮次开始日期须在计划年度内。 The round must start within its year.", 400);
        Id = Guid.CreateVersion7(); Year = year; Kind = kind; Campaign = campaign; Title = title; Scope = scope; Focus = focus;
        StartsOn = startsOn; EndsOn = endsOn; Status = RoundStatus.Draft; CreatedBy = createdBy; CreatedAt = nowUtc;
    }
    public Guid Id { get; private set; }
    public int Year { get; private set; }
    public InspectionKind Kind { get; private set; }
    public CampaignKind Campaign { get; private set; }
    public string Title { get; private set; }
    /// <summary>检查范围</summary>
    public string Scope { get; private set; }
    /// <summary>检查重点</summary>
    public string Focus { get; private set; }
    /// <summary>How many targets the plan asks for (drawn or chosen).</summary>
    public int PlannedTargets { get; private set; }
    public DateOnly StartsOn { get; private set; }
    public DateOnly EndsOn { get; private set; }
    /// <summary>The agency that carries out the round (ORG-4), if any; otherwise the round's teams.</summary>
    public Guid? AgencyId { get; private set; }
    public RoundStatus Status { get; private set; }
    public string CreatedBy { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? PlannedAt { get; private set; }
    public string? PlannedBy { get; private set; }
    public DateTime? StartedAt { get; private set; }
    public DateTime? ClosedAt { get; private set; }
    public bool IsDemo { get; internal set; }
    /// <summary>
    /// INS-9, SEC-3: raised by one on every save (<see cref="IVersioned"/>), a concurrency token (migration 0048): two
    /// decisions, starts or closes of the plan made from the same reading (a double click, two officers) cannot both be
    /// stored; the second gets 409 and writes no second audit line.
    /// </summary>
    public int Version { get; private set; }
    public List<RoundTeam> Teams { get; } = [];

    /// <summary>INS-9: the plan is edited only while a draft.</summary>
    public void EditPlan(string title, string scope, string focus, int plannedTargets, DateOnly startsOn, DateOnly endsOn)
    {
        EnsureDraft();
        if (endsOn < startsOn)
            throw new DomainRuleException("INS-9", "结束日期早于开始日期。 The round ends before it starts.", 400);
        if (startsOn.Year != Year)
            throw new DomainRuleException("INS-9", "轮次开始日期须在计划年度内。 The round must start within its year.", 400);
        if (plannedTargets < 0)
            throw new DomainRuleException("INS-9", "计划对象数不能为负数。 The planned number of targets cannot be negative.", 400);
        Title = title; Scope = scope; Focus = focus; PlannedTargets = plannedTargets; StartsOn = startsOn; EndsOn = endsOn;
    }

    public void SetPlannedTargets(int count)
    {
        EnsureDraft();
        if (count < 0) throw new DomainRuleException("INS-9", "计划对象数不能为负数。 The planned number of targets cannot be negative.", 400);
        PlannedTargets = count;
    }

    /// <summary>ORG-4: assigns the round to an agency (or back to the teams with null).</summary>
    public void AssignAgency(Guid? agencyId)
    {
        if (Status is RoundStatus.Running or RoundStatus.Closed)
            throw new DomainRuleException("INS-9", "轮次已开始，不能更换实施机构。 The round has started; its agency cannot change.");
        AgencyId = agencyId;
    }

    public void SetTeams(IEnumerable<Guid> teamIds)
    {
        if (Status is RoundStatus.Running or RoundStatus.Closed)
            throw new DomainRuleException("INS-9", "轮次已开始，不能更换督查组。 The round has started; its teams cannot change.");
        Teams.Clear();
        Teams.AddRange(teamIds.Distinct().Select(t => new RoundTeam(Id, t)));
    }

    /// <summary>INS-9: the written plan is decided before the round starts: scope, focus, people and dates are all set.</summary>
    public void Decide(string by, DateTime nowUtc)
    {
        EnsureDraft();
        if (string.IsNullOrWhiteSpace(Scope) || string.IsNullOrWhiteSpace(Focus))
            throw new DomainRuleException("INS-9", "方案须写明检查范围和重点。 The plan must state its scope and focus.", 422);
        if (AgencyId is null && Teams.Count == 0)
            throw new DomainRuleException("INS-9", "方案须确定实施人员（督查组或第三方机构）。 The plan must name its people (teams or an agency).", 422);
        Status = RoundStatus.Planned; PlannedAt = nowUtc; PlannedBy = by;
    }

    /// <summary>INS-9: only a decided plan starts.</summary>
    public void Start(DateTime nowUtc)
    {
        if (Status != RoundStatus.Planned)
            throw new DomainRuleException("INS-9", "只有已定稿的方案才能开始实施。 Only a decided plan can start.");
        Status = RoundStatus.Running; StartedAt = nowUtc;
    }

    public void Close(DateTime nowUtc)
    {
        if (Status != RoundStatus.Running)
            throw new DomainRuleException("INS-9", "只有实施中的轮次才能结束。 Only a running round can be closed.");
        Status = RoundStatus.Closed; ClosedAt = nowUtc;
    }

    /// <summary>Targets may be drawn or chosen while the plan is a draft or decided, not after the round started.</summary>
    public void EnsureTargetsOpen()
    {
        if (Status is RoundStatus.Running or RoundStatus.Closed)
            throw new DomainRuleException("INS-9", "轮次已开始，检查对象不能再变。 The round has started; its targets are fixed.");
    }

    private void EnsureDraft()
    {
        if (Status != RoundStatus.Draft)
            throw new DomainRuleException("INS-9", "方案已定稿，不能再修改。 The plan was decided and can no longer change.");
    }
}

/// <summary>A team named in a round's plan (INS-9, ORG-3).</summary>
public sealed class RoundTeam
{
    private RoundTeam() { }
    public RoundTeam(Guid roundId, Guid teamId) { RoundId = roundId; TeamId = teamId; }
    public Guid RoundId { get; private set; }
    public Guid TeamId { get; private set; }
}

/// <summary>One section a round will inspect or visit: drawn (INS-5), mandatory (INS-4) or chosen.</summary>
public sealed class RoundTarget : IAudited
{
    private RoundTarget() { }
    public RoundTarget(Guid roundId, Guid sectionId, Guid unitId, TargetSource source, Guid? drawId, Guid? teamId, Guid? agencyId, DateTime nowUtc,
        string? reason = null)
    {
        Id = Guid.CreateVersion7(); RoundId = roundId; SectionId = sectionId; UnitId = unitId; Source = source; DrawId = drawId;
        TeamId = teamId; AgencyId = agencyId; CreatedAt = nowUtc; Reason = reason;
    }
    public Guid Id { get; private set; }
    public Guid RoundId { get; private set; }
    public Guid SectionId { get; private set; }
    /// <summary>The section's unit when targeted: the secrecy filter (INS-9) works on it.</summary>
    public Guid UnitId { get; private set; }
    public TargetSource Source { get; private set; }
    public Guid? DrawId { get; private set; }
    public Guid? TeamId { get; private set; }
    public Guid? AgencyId { get; private set; }
    public DateTime CreatedAt { get; private set; }
    /// <summary>Why a target was chosen by hand (INS-5: required in a covert round, whose targets are otherwise drawn).</summary>
    public string? Reason { get; private set; }

    public void Assign(Guid? teamId, Guid? agencyId) { TeamId = teamId; AgencyId = agencyId; }
}

/// <summary>
/// A reproducible random draw of a round's targets (INS-5): the seed, the ordered input list, its hash, the
/// algorithm and version, the rules applied and the result. An auditor re-runs it and compares.
/// </summary>
public sealed class RoundDraw : IAudited
{
    private RoundDraw() { Algorithm = ""; InputHash = ""; InputList = ""; Excluded = ""; Mandatory = ""; Result = ""; CreatedBy = ""; }
    public RoundDraw(Guid roundId, string algorithm, ulong seed, int requested, string inputHash, string inputList,
        string excluded, string mandatory, string result, string createdBy, DateTime nowUtc)
    {
        Id = Guid.CreateVersion7(); RoundId = roundId; Algorithm = algorithm; Seed = unchecked((long)seed); Requested = requested;
        InputHash = inputHash; InputList = inputList; Excluded = excluded; Mandatory = mandatory; Result = result; CreatedBy = createdBy; CreatedAt = nowUtc;
    }
    public Guid Id { get; private set; }
    public Guid RoundId { get; private set; }
    /// <summary>Name and version, e.g. "mingcha-draw/1 (SplitMix64 + partial Fisher–Yates)".</summary>
    public string Algorithm { get; private set; }
    /// <summary>The 64-bit seed, stored as its two's-complement long.</summary>
    public long Seed { get; private set; }
    public int Requested { get; private set; }
    /// <summary>SHA-256 of the ordered eligible list (hex).</summary>
    public string InputHash { get; private set; }
    /// <summary>The ordered eligible section ids, one per line (after exclusions).</summary>
    public string InputList { get; private set; }
    /// <summary>Sections excluded and why ("id rule" per line).</summary>
    public string Excluded { get; private set; }
    /// <summary>Sections taken first as mandatory re-checks (INS-4), one per line.</summary>
    public string Mandatory { get; private set; }
    /// <summary>The drawn section ids in draw order, one per line.</summary>
    public string Result { get; private set; }
    public string CreatedBy { get; private set; }
    public DateTime CreatedAt { get; private set; }
}

/// <summary>
/// One open inspection or covert visit of one section within a round, by a team or an agency. The eight-step flow,
/// its steps and its report review are built on it (INS-11, INS-19, INS-20).
/// </summary>
public sealed class Visit : IAudited, IVersioned
{
    private Visit() { CreatedBy = ""; }
    public Visit(Guid roundId, int year, InspectionKind kind, Guid sectionId, Guid unitId, Guid? targetId, Guid? teamId, Guid? agencyId,
        DateOnly? plannedOn, string createdBy, DateTime nowUtc)
    {
        Id = Guid.CreateVersion7(); RoundId = roundId; Year = year; Kind = kind; SectionId = sectionId; UnitId = unitId; TargetId = targetId;
        TeamId = teamId; AgencyId = agencyId; PlannedOn = plannedOn; Status = VisitStatus.Planned; CreatedBy = createdBy; CreatedAt = nowUtc;
    }
    public Guid Id { get; private set; }
    public Guid RoundId { get; private set; }
    public int Year { get; private set; }
    public InspectionKind Kind { get; private set; }
    public Guid SectionId { get; private set; }
    /// <summary>The section's unit at the time of the visit (ORG-1 history; INS-9 secrecy filter).</summary>
    public Guid UnitId { get; private set; }
    public Guid? TargetId { get; private set; }
    public Guid? TeamId { get; private set; }
    public Guid? AgencyId { get; private set; }
    public DateOnly? PlannedOn { get; private set; }
    /// <summary>The local day the visit took place (INS-19: submitted the same day); counts by month in the plan view.</summary>
    public DateOnly? VisitedOn { get; private set; }
    public VisitStatus Status { get; private set; }
    public DateTime? StartedAt { get; private set; }
    public DateTime? SubmittedAt { get; private set; }
    public DateTime? DecidedAt { get; private set; }
    public string? DecidedBy { get; private set; }
    /// <summary>The Office's questions (Returned) or reason (Rejected), INS-19.</summary>
    public string? DecisionNote { get; private set; }
    /// <summary>Protocol steps completed (INS-11: 0..8); maintained by the visit flow; agency depth (INS-13).</summary>
    public int StepsCompleted { get; private set; }
    /// <summary>Recorded video duration in seconds (INS-11: at least 40 minutes); maintained by the visit flow.</summary>
    public int? RecordedSeconds { get; private set; }
    /// <summary>When the findings were sent to the unit: from then on the unit may see the visit (INS-9, EVD-3).</summary>
    public DateTime? FindingsSentAt { get; private set; }
    public string? FindingsSentBy { get; private set; }
    /// <summary>The evidence case (EvidenceCases) that holds the visit's files.</summary>
    public Guid? EvidenceCaseId { get; private set; }
    /// <summary>A joint visit: the Office's own people went along (INS-13).</summary>
    public bool Joint { get; private set; }
    /// <summary>INS-13: who of the Office went along, as the Office recorded it.</summary>
    public string? JointParticipants { get; private set; }
    public string CreatedBy { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public bool IsDemo { get; internal set; }
    /// <summary>
    /// INS-19, INS-9, SEC-3: raised by one on every save (<see cref="IVersioned"/>), a concurrency token (migration 0048):
    /// two changes of the visit made from the same reading (the Office accepting while a colleague returns the report, a
    /// double click on 提交 or 送达) cannot both be stored; the second gets 409 and stores nothing.
    /// </summary>
    public int Version { get; private set; }
    public List<VisitInspector> Inspectors { get; } = [];

    /// <summary>Whether the visit's existence may be shown to users of its unit (INS-9, SEC-2).</summary>
    public bool IsSecret => Kind == InspectionKind.Covert && FindingsSentAt is null;

    /// <summary>Counts toward targets and scores only once accepted (INS-19).</summary>
    public bool Counts => Status == VisitStatus.Accepted;

    public void AttachEvidenceCase(Guid caseId)
    {
        if (EvidenceCaseId is not null && EvidenceCaseId != caseId)
            throw new DomainRuleException("EVD-3", "暗访已有证据案卷。 The visit already has an evidence case.");
        EvidenceCaseId = caseId;
    }

    public void Assign(Guid? teamId, Guid? agencyId)
    {
        if (Status != VisitStatus.Planned)
            throw new DomainRuleException("INS-9", "暗访已开始，不能更换实施人员。 The visit has started; its people cannot change.");
        TeamId = teamId; AgencyId = agencyId;
    }

    /// <summary>Longest list of the Office's people on a joint visit.</summary>
    public const int MaxJointParticipants = 500;

    /// <summary>
    /// INS-13: the Office's people went along (联合暗访); recorded, or corrected, at any time before the report is rejected.
    /// A rejected visit counts for nothing (INS-19), so joining it is not recorded.
    /// </summary>
    public void MarkJoint(string participants)
    {
        var who = participants?.Trim() ?? "";
        if (who.Length == 0) throw new FieldException("participants", "请填写参加联合暗访的效能办人员。 Name the Office's people who went along.");
        if (who.Length > MaxJointParticipants) throw new FieldException("participants", $"最多 {MaxJointParticipants} 字。 At most {MaxJointParticipants} characters.");
        if (Status == VisitStatus.Rejected)
            throw new DomainRuleException("INS-13", "不予采纳的检查不能记为联合暗访。 A rejected visit cannot be recorded as joint.", 409);
        Joint = true;
        JointParticipants = who;
    }

    public void Start(DateOnly localDay, DateTime nowUtc)
    {
        if (Status != VisitStatus.Planned)
            throw new DomainRuleException("INS-11", "只有计划中的检查可以开始。 Only a planned visit can start.");
        Status = VisitStatus.InProgress; StartedAt = nowUtc; VisitedOn = localDay;
    }

    /// <summary>Progress figures the visit flow keeps up to date (INS-11, INS-20).</summary>
    public void RecordProgress(int stepsCompleted, int? recordedSeconds)
    {
        if (stepsCompleted is < 0 or > 8)
            throw new DomainRuleException("INS-11", "八步法步骤数须在 0 到 8 之间。 Steps completed must be 0 to 8.", 400);
        StepsCompleted = stepsCompleted; RecordedSeconds = recordedSeconds;
    }

    public void Submit(DateTime nowUtc)
    {
        if (Status is not (VisitStatus.InProgress or VisitStatus.Returned))
            throw new DomainRuleException("INS-19", "只有进行中或退回的检查可以提交。 Only a visit in progress or returned can be submitted.");
        Status = VisitStatus.Submitted; SubmittedAt = nowUtc;
    }

    /// <summary>INS-19: the Office accepts, returns with questions or rejects with a reason.</summary>
    public void Decide(VisitStatus decision, string? note, string by, DateTime nowUtc)
    {
        if (Status != VisitStatus.Submitted)
            throw new DomainRuleException("INS-19", "只有已提交的报告可以审核。 Only a submitted report can be reviewed.");
        if (decision is not (VisitStatus.Accepted or VisitStatus.Returned or VisitStatus.Rejected))
            throw new DomainRuleException("INS-19", "审核结果只能是采纳、退回或不予采纳。 The decision is accept, return or reject.", 400);
        if (decision != VisitStatus.Accepted && string.IsNullOrWhiteSpace(note))
            throw new DomainRuleException("INS-19", "退回或不予采纳须写明问题或理由。 A return or rejection needs its questions or reason.", 400);
        Status = decision; DecisionNote = note; DecidedBy = by; DecidedAt = nowUtc;
    }

    /// <summary>INS-9, EVD-3: the findings were sent; the unit may now see the visit. Cannot be undone.</summary>
    public void MarkFindingsSent(string by, DateTime nowUtc)
    {
        if (FindingsSentAt is not null)
            throw new DomainRuleException("INS-9", "检查结果已送达被查单位。 The findings were already sent.");
        if (Status != VisitStatus.Accepted)
            throw new DomainRuleException("INS-19", "报告采纳后才能向被查单位送达结果。 Findings are sent only after the report is accepted.");
        FindingsSentAt = nowUtc; FindingsSentBy = by;
    }
}

/// <summary>A person who carries out a visit: a supervisor (ORG-3) or an agency inspector (ORG-4), with their account.</summary>
public sealed class VisitInspector
{
    private VisitInspector() { }
    public VisitInspector(Guid visitId, InspectorKind kind, Guid inspectorId, string? userId)
    { VisitId = visitId; Kind = kind; InspectorId = inspectorId; UserId = userId; }
    public Guid VisitId { get; private set; }
    public InspectorKind Kind { get; private set; }
    /// <summary>Supervisor.Id or AgencyInspector.Id.</summary>
    public Guid InspectorId { get; private set; }
    public string? UserId { get; private set; }
}

/// <summary>A year's deduction catalogue (INS-18): the Office edits it per year; findings keep their own copy of item and points.</summary>
public sealed class DeductionCatalogue : IAudited
{
    private DeductionCatalogue() { Name = ""; CreatedBy = ""; }
    public DeductionCatalogue(int year, string name, int? copiedFromYear, string createdBy, DateTime nowUtc)
    { Id = Guid.CreateVersion7(); Year = year; Name = name; CopiedFromYear = copiedFromYear; CreatedBy = createdBy; CreatedAt = nowUtc; }
    public Guid Id { get; private set; }
    public int Year { get; private set; }
    public string Name { get; private set; }
    public int? CopiedFromYear { get; private set; }
    public string CreatedBy { get; private set; }
    public DateTime CreatedAt { get; private set; }
}

/// <summary>One catalogued violation and its points (INS-18). Items are retired, never deleted.</summary>
public sealed class DeductionItem : IAudited
{
    private DeductionItem() { Code = ""; Name = ""; }
    public DeductionItem(Guid catalogueId, int year, string code, string name, decimal points, DeductionGroup group, bool discretionary, int sortOrder, string? basis)
    {
        Id = Guid.CreateVersion7(); CatalogueId = catalogueId; Year = year; Code = code; Group = group; SortOrder = sortOrder; Name = "";
        Update(name, points, discretionary, basis);
    }
    public Guid Id { get; private set; }
    public Guid CatalogueId { get; private set; }
    public int Year { get; private set; }
    public string Code { get; private set; }
    public string Name { get; private set; }
    /// <summary>Points deducted per finding; for a discretionary item (INS-6), the default the Office may change per finding.</summary>
    public decimal Points { get; private set; }
    public DeductionGroup Group { get; private set; }
    /// <summary>INS-6: "酌情扣分": the Office sets the points per finding.</summary>
    public bool Discretionary { get; private set; }
    public int SortOrder { get; private set; }
    /// <summary>Where the item comes from (e.g. "S1 附件第 6 项").</summary>
    public string? Basis { get; private set; }
    public bool Active { get; private set; } = true;

    public void Update(string name, decimal points, bool discretionary, string? basis)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 300)
            throw new DomainRuleException("INS-18", "扣分项名称必填，最长 300 字。 An item needs a name of at most 300 characters.", 400);
        if (points < 0 || points > 100)
            throw new DomainRuleException("INS-18", "扣分分值须在 0 到 100 之间。 Points are between 0 and 100.", 400);
        Name = name.Trim(); Points = points; Discretionary = discretionary; Basis = basis;
    }

    public void Retire() => Active = false;
    public void Reinstate() => Active = true;
}

/// <summary>
/// One problem recorded on a visit (open inspection or covert visit): section, staff member if any, the deduction
/// item with a snapshot of its code, name and points (INS-18), evidence, the protocol step it came from, the
/// Office's confirmation (RCT-1), the unit's signature or refusal (INS-8), and the earlier finding a revisit found
/// persisting (INS-16).
/// </summary>
public sealed class Finding : IAudited
{
    private Finding() { ItemCode = ""; ItemName = ""; Description = ""; RecordedBy = ""; }
    public Finding(Guid visitId, Guid roundId, int year, Guid unitId, Guid sectionId, Guid? staffId, DeductionItem item, decimal? points,
        string description, int? protocolStep, Guid? previousFindingId, string recordedBy, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.Year != year)
            throw new DomainRuleException("INS-18", $"扣分项属于 {item.Year} 年的目录，不适用于 {year} 年的检查。 The item belongs to the {item.Year} catalogue, not {year}.", 422);
        if (!item.Active)
            throw new DomainRuleException("INS-18", "该扣分项已停用。 The item is retired.", 422);
        if (protocolStep is < 1 or > 8)
            throw new DomainRuleException("INS-11", "八步法步骤须在 1 到 8 之间。 The protocol step is 1 to 8.", 400);
        if (points is not null && !item.Discretionary && points != item.Points)
            throw new DomainRuleException("INS-18", "该扣分项分值固定，不能另定。 The item's points are fixed.", 422);
        if (points is < 0 or > 100)
            throw new DomainRuleException("INS-6", "酌情扣分须在 0 到 100 之间。 Discretionary points are between 0 and 100.", 400);
        if (string.IsNullOrWhiteSpace(description) || description.Length > 2000)
            throw new DomainRuleException("INS-5", "问题描述必填，最长 2000 字。 A finding needs a description of at most 2000 characters.", 400);
        Id = Guid.CreateVersion7(); VisitId = visitId; RoundId = roundId; Year = year; UnitId = unitId; SectionId = sectionId; StaffId = staffId;
        DeductionItemId = item.Id; ItemCode = item.Code; ItemName = item.Name; Points = points ?? item.Points; Group = item.Group;
        Description = description.Trim(); ProtocolStep = protocolStep; PreviousFindingId = previousFindingId;
        Status = FindingStatus.Recorded; Confirmation = UnitConfirmation.Pending; RecordedBy = recordedBy; RecordedAt = nowUtc;
    }
    public Guid Id { get; private set; }
    public Guid VisitId { get; private set; }
    public Guid RoundId { get; private set; }
    public int Year { get; private set; }
    public Guid UnitId { get; private set; }
    public Guid SectionId { get; private set; }
    public Guid? StaffId { get; private set; }
    public Guid DeductionItemId { get; private set; }
    /// <summary>INS-18 snapshot: the item's code when the finding was recorded.</summary>
    public string ItemCode { get; private set; }
    /// <summary>INS-18 snapshot: the item's name when the finding was recorded.</summary>
    public string ItemName { get; private set; }
    /// <summary>INS-18 snapshot: the points when recorded (or set by the Office for a discretionary item).</summary>
    public decimal Points { get; private set; }
    public DeductionGroup Group { get; private set; }
    public string Description { get; private set; }
    /// <summary>The eight-step protocol step (1..8) the finding came from (INS-11), if any.</summary>
    public int? ProtocolStep { get; private set; }
    /// <summary>INS-16: the earlier finding that a revisit found persisting.</summary>
    public Guid? PreviousFindingId { get; private set; }
    public FindingStatus Status { get; private set; }
    public string RecordedBy { get; private set; }
    public DateTime RecordedAt { get; private set; }
    public DateTime? ReviewedAt { get; private set; }
    public string? ReviewedBy { get; private set; }
    public string? DropReason { get; private set; }
    public UnitConfirmation Confirmation { get; private set; }
    /// <summary>INS-8: the evidence item holding the captured signature.</summary>
    public Guid? SignatureEvidenceItemId { get; private set; }
    /// <summary>INS-8: who signed or refused (the leader on duty), and what they said.</summary>
    public string? ConfirmationBy { get; private set; }
    public string? ConfirmationNote { get; private set; }
    public DateTime? ConfirmationAt { get; private set; }
    public List<FindingEvidence> Evidence { get; } = [];

    public void AddEvidence(Guid evidenceItemId)
    {
        if (Evidence.Any(e => e.EvidenceItemId == evidenceItemId)) return;
        Evidence.Add(new FindingEvidence(Id, evidenceItemId));
    }

    /// <summary>RCT-1: the Office confirms a finding against the rules before anything is sent.</summary>
    public void Confirm(string by, DateTime nowUtc)
    {
        if (Status != FindingStatus.Recorded)
            throw new DomainRuleException("RCT-1", "只有待确认的问题可以确认。 Only a recorded finding can be confirmed.");
        Status = FindingStatus.Confirmed; ReviewedBy = by; ReviewedAt = nowUtc;
    }

    /// <summary>RCT-1: the Office drops a finding that does not hold, with its reason.</summary>
    public void Drop(string reason, string by, DateTime nowUtc)
    {
        if (Status != FindingStatus.Recorded)
            throw new DomainRuleException("RCT-1", "只有待确认的问题可以不予认定。 Only a recorded finding can be dropped.");
        if (string.IsNullOrWhiteSpace(reason))
            throw new DomainRuleException("RCT-1", "不予认定须写明理由。 Dropping a finding needs a reason.", 400);
        Status = FindingStatus.Dropped; DropReason = reason; ReviewedBy = by; ReviewedAt = nowUtc;
    }

    /// <summary>INS-8: the unit's leader on duty signed the record; the signature is kept as evidence.</summary>
    public void RecordSignature(Guid signatureEvidenceItemId, string signedBy, DateTime nowUtc)
    {
        EnsureConfirmationOpen();
        Confirmation = UnitConfirmation.SignedByUnit; SignatureEvidenceItemId = signatureEvidenceItemId; ConfirmationBy = signedBy; ConfirmationAt = nowUtc;
    }

    /// <summary>INS-8: a refusal to sign is recorded (and is itself a violation); the result stands.</summary>
    public void RecordRefusal(string refusedBy, string? note, DateTime nowUtc)
    {
        EnsureConfirmationOpen();
        Confirmation = UnitConfirmation.Refused; ConfirmationBy = refusedBy; ConfirmationNote = note; ConfirmationAt = nowUtc;
    }

    private void EnsureConfirmationOpen()
    {
        if (Confirmation != UnitConfirmation.Pending)
            throw new DomainRuleException("INS-8", "被查单位已签字确认或已记录拒签。 The unit's confirmation is already recorded.");
    }
}

/// <summary>An evidence item (EVD) behind a finding.</summary>
public sealed class FindingEvidence
{
    private FindingEvidence() { }
    public FindingEvidence(Guid findingId, Guid evidenceItemId) { FindingId = findingId; EvidenceItemId = evidenceItemId; }
    public Guid FindingId { get; private set; }
    public Guid EvidenceItemId { get; private set; }
}
