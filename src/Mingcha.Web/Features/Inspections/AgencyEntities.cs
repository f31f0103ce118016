using Mingcha.Web.Data;

namespace Mingcha.Web.Features.Inspections;

/// <summary>Who an inspector is: a supervisor of the Office (ORG-3) or an agency's inspector (ORG-4).</summary>
public enum InspectorKind
{
    Supervisor,
    AgencyInspector,
}

/// <summary>
/// ORG-4: an agency's contract, won by public tender with expert review. A new contract each period; an exit ends
/// the current one.
/// </summary>
public sealed class AgencyContract : IAudited
{
    private AgencyContract() { TenderReference = ""; ExpertReview = ""; CreatedBy = ""; }
    public AgencyContract(Guid agencyId, string tenderReference, DateOnly tenderOn, string expertReview, DateOnly startsOn, DateOnly endsOn, string createdBy, DateTime nowUtc)
    {
        if (endsOn < startsOn)
            throw new DomainRuleException("ORG-4", "合同结束日期早于开始日期。 The contract ends before it starts.", 400);
        if (string.IsNullOrWhiteSpace(tenderReference) || string.IsNullOrWhiteSpace(expertReview))
            throw new DomainRuleException("ORG-4", "第三方机构须经公开招标和专家评审选定。 An agency is chosen by public tender with expert review.", 400);
        Id = Guid.CreateVersion7(); AgencyId = agencyId; TenderReference = tenderReference; TenderOn = tenderOn; ExpertReview = expertReview;
        StartsOn = startsOn; EndsOn = endsOn; CreatedBy = createdBy; CreatedAt = nowUtc;
    }
    public Guid Id { get; private set; }
    public Guid AgencyId { get; private set; }
    /// <summary>招标编号</summary>
    public string TenderReference { get; private set; }
    public DateOnly TenderOn { get; private set; }
    /// <summary>专家评审意见</summary>
    public string ExpertReview { get; private set; }
    public DateOnly StartsOn { get; private set; }
    public DateOnly EndsOn { get; private set; }
    /// <summary>Set when the contract is ended early by an exit decision (ORG-4).</summary>
    public DateOnly? TerminatedOn { get; private set; }
    public string? TerminationReason { get; private set; }
    public string CreatedBy { get; private set; }
    public DateTime CreatedAt { get; private set; }

    public bool IsInForce(DateOnly day) => day >= StartsOn && day <= EndsOn && (TerminatedOn is null || day < TerminatedOn);

    public void Terminate(DateOnly on, string reason)
    {
        if (TerminatedOn is not null)
            throw new DomainRuleException("ORG-4", "合同已解除。 The contract was already ended.");
        TerminatedOn = on; TerminationReason = reason;
    }
}

/// <summary>An agency's inspector (ORG-4), with the account they sign in with (role AgencyInspector).</summary>
public sealed class AgencyInspector : IAudited
{
    private AgencyInspector() { Name = ""; }
    public AgencyInspector(Guid agencyId, string name, string? userId, DateTime nowUtc)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
            throw new DomainRuleException("ORG-4", "暗访员姓名必填，最长 100 字。 An inspector needs a name of at most 100 characters.", 400);
        Id = Guid.CreateVersion7(); AgencyId = agencyId; Name = name.Trim(); UserId = userId; CreatedAt = nowUtc;
    }
    public Guid Id { get; private set; }
    public Guid AgencyId { get; private set; }
    public string Name { get; private set; }
    public string? UserId { get; private set; }
    public bool Active { get; private set; } = true;
    public DateTime CreatedAt { get; private set; }
    public bool IsDemo { get; internal set; }

    public void LinkAccount(string? userId) => UserId = userId;
    public void Deactivate() => Active = false;
}

/// <summary>ORG-4: inspectors are trained on the services, required materials and time limits.</summary>
public sealed class AgencyTraining : IAudited
{
    private AgencyTraining() { Topic = ""; RecordedBy = ""; }
    public AgencyTraining(Guid agencyId, Guid inspectorId, DateOnly heldOn, string topic, decimal hours, bool passed, string recordedBy, DateTime nowUtc)
    {
        if (string.IsNullOrWhiteSpace(topic) || topic.Length > 300)
            throw new DomainRuleException("ORG-4", "培训内容必填，最长 300 字。 A training record needs a topic of at most 300 characters.", 400);
        if (hours is <= 0 or > 1000)
            throw new DomainRuleException("ORG-4", "培训学时须大于 0。 Training hours must be positive.", 400);
        Id = Guid.CreateVersion7(); AgencyId = agencyId; InspectorId = inspectorId; HeldOn = heldOn; Topic = topic.Trim(); Hours = hours; Passed = passed;
        RecordedBy = recordedBy; RecordedAt = nowUtc;
    }
    public Guid Id { get; private set; }
    public Guid AgencyId { get; private set; }
    public Guid InspectorId { get; private set; }
    public DateOnly HeldOn { get; private set; }
    public string Topic { get; private set; }
    public decimal Hours { get; private set; }
    public bool Passed { get; private set; }
    public string RecordedBy { get; private set; }
    public DateTime RecordedAt { get; private set; }
}

/// <summary>What a written rectification opinion to an agency is about (INS-13, S0 工作监督).</summary>
public enum AgencyShortfall
{
    /// <summary>查访深度不够</summary>
    Depth,
    /// <summary>查访时间不达标 (INS-11)</summary>
    Duration,
    /// <summary>查访频率不均匀</summary>
    Spread,
    /// <summary>报告质量 (INS-19)</summary>
    ReportQuality,
    Other,
}

/// <summary>INS-13: a written rectification opinion (书面整改意见) to an agency, and its answer.</summary>
public sealed class AgencyOpinion : IAudited
{
    private AgencyOpinion() { Text = ""; IssuedBy = ""; }
    public AgencyOpinion(Guid agencyId, int year, AgencyShortfall subject, string text, string issuedBy, DateTime nowUtc)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 4000)
            throw new DomainRuleException("INS-13", "整改意见必填，最长 4000 字。 An opinion needs a text of at most 4000 characters.", 400);
        Id = Guid.CreateVersion7(); AgencyId = agencyId; Year = year; Subject = subject; Text = text.Trim(); IssuedBy = issuedBy; IssuedAt = nowUtc;
    }
    public Guid Id { get; private set; }
    public Guid AgencyId { get; private set; }
    public int Year { get; private set; }
    public AgencyShortfall Subject { get; private set; }
    public string Text { get; private set; }
    public string IssuedBy { get; private set; }
    public DateTime IssuedAt { get; private set; }
    public string? Response { get; private set; }
    public DateTime? RespondedAt { get; private set; }

    public void Answer(string response, DateTime nowUtc)
    {
        if (Response is not null)
            throw new DomainRuleException("INS-13", "该整改意见已答复。 The opinion was already answered.");
        if (string.IsNullOrWhiteSpace(response) || response.Length > 4000)
            throw new DomainRuleException("INS-13", "答复必填，最长 4000 字。 An answer of at most 4000 characters is required.", 400);
        Response = response.Trim(); RespondedAt = nowUtc;
    }
}

/// <summary>ORG-4: keep the agency or end its contract after the yearly assessment.</summary>
public enum AgencyDecision
{
    Pending,
    /// <summary>续用</summary>
    Continue,
    /// <summary>退出: the contract is ended.</summary>
    Exit,
}

/// <summary>
/// ORG-4, INS-13: an agency's yearly assessment, computed from its visits (depth, duration, spread over time,
/// rejections) and its opinions, then the Office's decision to continue or exit. The figures are kept as computed.
/// </summary>
public sealed class AgencyAssessment : IAudited, IVersioned
{
    private AgencyAssessment() { ComputedBy = ""; }
    public AgencyAssessment(Guid agencyId, int year, string computedBy, DateTime nowUtc)
    { Id = Guid.CreateVersion7(); AgencyId = agencyId; Year = year; ComputedBy = computedBy; ComputedAt = nowUtc; Decision = AgencyDecision.Pending; }
    public Guid Id { get; private set; }
    public Guid AgencyId { get; private set; }
    public int Year { get; private set; }
    public int Visits { get; private set; }
    public int Accepted { get; private set; }
    public int Returned { get; private set; }
    public int Rejected { get; private set; }
    /// <summary>Findings per protocol step completed, over accepted visits (depth).</summary>
    public decimal Depth { get; private set; }
    /// <summary>Average protocol steps completed per visit (0..8).</summary>
    public decimal AverageSteps { get; private set; }
    /// <summary>Visits with a recording under 40 minutes or none (INS-11).</summary>
    public int ShortVisits { get; private set; }
    /// <summary>Months of the year with at least one visit (spread).</summary>
    public int MonthsCovered { get; private set; }
    /// <summary>The largest share of the year's visits in one month, percent (spread: lower is more even).</summary>
    public decimal PeakMonthShare { get; private set; }
    public int Opinions { get; private set; }
    /// <summary>0..100, computed by AgencyScoring (Mingcha.Domain).</summary>
    public decimal Score { get; private set; }
    public AgencyDecision Decision { get; private set; }
    public string? DecisionNote { get; private set; }
    public string? DecidedBy { get; private set; }
    public DateTime? DecidedAt { get; private set; }
    public string ComputedBy { get; private set; }
    public DateTime ComputedAt { get; private set; }
    /// <summary>
    /// ORG-4, INS-13, SEC-3: raised by one on every save (<see cref="IVersioned"/>), a concurrency token (migration 0050,
    /// decision 039): two decisions made from the same reading (续用 and 退出 at once, or a double click), or a
    /// recomputation racing a decision, cannot both be stored; the second gets 409 and stores nothing.
    /// </summary>
    public int Version { get; private set; }

    public void SetFigures(int visits, int accepted, int returned, int rejected, decimal depth, decimal averageSteps, int shortVisits,
        int monthsCovered, decimal peakMonthShare, int opinions, decimal score, string by, DateTime nowUtc)
    {
        if (Decision != AgencyDecision.Pending)
            throw new DomainRuleException("ORG-4", "年度考核已作出决定，数据不再变动。 The assessment was decided; its figures are final.");
        Visits = visits; Accepted = accepted; Returned = returned; Rejected = rejected; Depth = depth; AverageSteps = averageSteps;
        ShortVisits = shortVisits; MonthsCovered = monthsCovered; PeakMonthShare = peakMonthShare; Opinions = opinions; Score = score;
        ComputedBy = by; ComputedAt = nowUtc;
    }

    /// <summary>ORG-4: the exit decision (or continuation), with its reason.</summary>
    public void Decide(AgencyDecision decision, string note, string by, DateTime nowUtc)
    {
        if (Decision != AgencyDecision.Pending)
            throw new DomainRuleException("ORG-4", "年度考核已作出决定。 The assessment was already decided.");
        if (decision == AgencyDecision.Pending)
            throw new DomainRuleException("ORG-4", "决定只能是续用或退出。 The decision is continue or exit.", 400);
        if (string.IsNullOrWhiteSpace(note))
            throw new DomainRuleException("ORG-4", "决定须写明理由。 The decision needs its reason.", 400);
        Decision = decision; DecisionNote = note.Trim(); DecidedBy = by; DecidedAt = nowUtc;
    }
}

/// <summary>ORG-5: the rules inspectors sign (S3's "十不准"), versioned; a new version needs new signatures.</summary>
public sealed class DisciplineRules : IAudited
{
    private DisciplineRules() { Title = ""; Text = ""; CreatedBy = ""; }
    public DisciplineRules(int version, string title, string text, DateOnly effectiveFrom, string createdBy, DateTime nowUtc)
    {
        if (string.IsNullOrWhiteSpace(title) || string.IsNullOrWhiteSpace(text))
            throw new DomainRuleException("ORG-5", "纪律规定须有标题和条文。 The rules need a title and text.", 400);
        Id = Guid.CreateVersion7(); Version = version; Title = title.Trim(); Text = text.Trim(); EffectiveFrom = effectiveFrom; CreatedBy = createdBy; CreatedAt = nowUtc;
    }
    public Guid Id { get; private set; }
    public int Version { get; private set; }
    public string Title { get; private set; }
    /// <summary>The rules, one per line.</summary>
    public string Text { get; private set; }
    public DateOnly EffectiveFrom { get; private set; }
    public string CreatedBy { get; private set; }
    public DateTime CreatedAt { get; private set; }
}

/// <summary>ORG-5: an inspector signed a version of the rules.</summary>
public sealed class DisciplinePledge : IAudited
{
    private DisciplinePledge() { RecordedBy = ""; }
    public DisciplinePledge(Guid rulesId, InspectorKind kind, Guid inspectorId, Guid? signatureEvidenceItemId, string recordedBy, DateTime nowUtc)
    {
        Id = Guid.CreateVersion7(); RulesId = rulesId; InspectorKind = kind; InspectorId = inspectorId; SignatureEvidenceItemId = signatureEvidenceItemId;
        RecordedBy = recordedBy; SignedAt = nowUtc;
    }
    public Guid Id { get; private set; }
    public Guid RulesId { get; private set; }
    public InspectorKind InspectorKind { get; private set; }
    public Guid InspectorId { get; private set; }
    public Guid? SignatureEvidenceItemId { get; private set; }
    public string RecordedBy { get; private set; }
    public DateTime SignedAt { get; private set; }
}

/// <summary>ORG-5: an inspector's declared conflict of interest with a unit (or one section of it); enforced in draws and assignments.</summary>
public sealed class ConflictOfInterest : IAudited
{
    private ConflictOfInterest() { Reason = ""; RecordedBy = ""; }
    public ConflictOfInterest(InspectorKind kind, Guid inspectorId, Guid unitId, Guid? sectionId, string reason, DateOnly declaredOn, string recordedBy, DateTime nowUtc)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 500)
            throw new DomainRuleException("ORG-5", "须写明利益冲突的原因，最长 500 字。 A declared conflict needs a reason of at most 500 characters.", 400);
        Id = Guid.CreateVersion7(); InspectorKind = kind; InspectorId = inspectorId; UnitId = unitId; SectionId = sectionId; Reason = reason.Trim();
        DeclaredOn = declaredOn; RecordedBy = recordedBy; CreatedAt = nowUtc;
    }
    public Guid Id { get; private set; }
    public InspectorKind InspectorKind { get; private set; }
    public Guid InspectorId { get; private set; }
    public Guid UnitId { get; private set; }
    /// <summary>Null: the whole unit.</summary>
    public Guid? SectionId { get; private set; }
    public string Reason { get; private set; }
    public DateOnly DeclaredOn { get; private set; }
    public DateOnly? EndedOn { get; private set; }
    public string RecordedBy { get; private set; }
    public DateTime CreatedAt { get; private set; }

    public bool InForce(DateOnly day) => InForceDuring(day, day);

    /// <summary>In force on any day from <paramref name="first"/> to <paramref name="last"/> (a round's period).</summary>
    public bool InForceDuring(DateOnly first, DateOnly last) => last >= DeclaredOn && (EndedOn is null || first < EndedOn);

    public void End(DateOnly on)
    {
        if (EndedOn is not null) throw new DomainRuleException("ORG-5", "该利益冲突已解除。 The conflict was already ended.");
        if (on < DeclaredOn) throw new DomainRuleException("ORG-5", "解除日期早于申报日期。 It cannot end before it was declared.", 400);
        EndedOn = on;
    }
}

/// <summary>ORG-5 breaches (S0: confidentiality, falsification, favouritism, private gain; S3: banquets and gifts).</summary>
public enum BreachKind
{
    /// <summary>违反保密规定</summary>
    Confidentiality,
    /// <summary>弄虚作假</summary>
    Falsification,
    /// <summary>徇私舞弊</summary>
    Favouritism,
    /// <summary>谋取私利</summary>
    PrivateGain,
    /// <summary>接受宴请</summary>
    Banquet,
    /// <summary>接受礼品馈赠</summary>
    Gift,
    /// <summary>检查有利益冲突的单位</summary>
    UndeclaredConflict,
    Other,
}

/// <summary>ORG-5: a recorded breach of discipline by an inspector, and its referral.</summary>
public sealed class DisciplineBreach : IAudited
{
    private DisciplineBreach() { Description = ""; RecordedBy = ""; }
    public DisciplineBreach(InspectorKind kind, Guid inspectorId, BreachKind breach, string description, DateOnly occurredOn, Guid? visitId, string recordedBy, DateTime nowUtc)
    {
        if (string.IsNullOrWhiteSpace(description) || description.Length > 4000)
            throw new DomainRuleException("ORG-5", "须写明违纪事实，最长 4000 字。 A breach needs a description of at most 4000 characters.", 400);
        Id = Guid.CreateVersion7(); InspectorKind = kind; InspectorId = inspectorId; Breach = breach; Description = description.Trim();
        OccurredOn = occurredOn; VisitId = visitId; RecordedBy = recordedBy; RecordedAt = nowUtc;
    }
    public Guid Id { get; private set; }
    public InspectorKind InspectorKind { get; private set; }
    public Guid InspectorId { get; private set; }
    public BreachKind Breach { get; private set; }
    public string Description { get; private set; }
    public DateOnly OccurredOn { get; private set; }
    public Guid? VisitId { get; private set; }
    public string RecordedBy { get; private set; }
    public DateTime RecordedAt { get; private set; }
    /// <summary>Referred to discipline inspection (S0: 线索移送).</summary>
    public DateTime? ReferredAt { get; private set; }
    public string? ReferredTo { get; private set; }

    public void Refer(string to, DateTime nowUtc)
    {
        if (ReferredAt is not null) throw new DomainRuleException("ORG-5", "已移送。 Already referred.");
        if (string.IsNullOrWhiteSpace(to)) throw new DomainRuleException("ORG-5", "须写明移送机关。 Name where it was referred.", 400);
        ReferredTo = to.Trim(); ReferredAt = nowUtc;
    }
}
