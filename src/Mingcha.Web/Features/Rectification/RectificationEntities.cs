using Mingcha.Domain.Rectification;
using Mingcha.Web.Data;

namespace Mingcha.Web.Features.Rectification;

/// <summary>
/// 整改通知书 (RCT-2): confirmed findings of one unit, the action required and a deadline in working days. Received by the
/// unit when issued (delivered in the system); objectionable for 2 working days (RCT-3); answered, verified and filed, or
/// escalated (RCT-4). Audited; never deleted.
/// </summary>
public sealed class RectificationNotice : IAudited, IVersioned
{
    private RectificationNotice() { Title = ""; RequiredAction = ""; IssuedBy = ""; }
    public RectificationNotice(Guid unitId, int year, string title, string requiredAction, int workingDays, DateOnly receivedOn, DateOnly lastDay,
        DateOnly objectionLastDay, string issuedBy, DateTime nowUtc)
    {
        Id = Guid.CreateVersion7(); UnitId = unitId; Year = year; Title = title; RequiredAction = requiredAction; WorkingDays = workingDays;
        ReceivedOn = receivedOn; LastDay = lastDay; ObjectionLastDay = objectionLastDay; IssuedBy = issuedBy; IssuedAt = nowUtc;
        Status = NoticeStatus.Issued; Stage = EscalationStage.Notice;
    }
    public Guid Id { get; private set; }
    public Guid UnitId { get; private set; }
    public int Year { get; private set; }
    public string Title { get; private set; }
    public string RequiredAction { get; private set; }
    /// <summary>Working days the notice gives (CAL-2).</summary>
    public int WorkingDays { get; private set; }
    public DateOnly ReceivedOn { get; private set; }
    /// <summary>The last day of the current rung: the notice's deadline, or the escalated one (RCT-4).</summary>
    public DateOnly LastDay { get; private set; }
    public DateOnly ObjectionLastDay { get; private set; }
    /// <summary>
    /// RCT-3: the unit's objection was decided (rejected: the unit must execute), which ends the objection window whatever
    /// the date; the window's last day alone cannot say so on the day of receipt (decision 029).
    /// </summary>
    public bool ObjectionDecided { get; private set; }
    public NoticeStatus Status { get; private set; }
    public EscalationStage Stage { get; private set; }
    /// <summary>Overdue past the last rung (S4: still not rectified after listed supervision).</summary>
    public bool LadderExhausted { get; private set; }
    public int Returns { get; private set; }
    /// <summary>EV-6: answers sent back as incomplete while under second or listed supervision ("经二次督办或挂牌督办后，仍整改不到位").</summary>
    public int SupervisedReturns { get; private set; }
    /// <summary>
    /// EV-6, RCT-4: an answer was given after the last day of the rung the notice stood on (migration 0032). The nightly
    /// escalation usually moves such a notice up first; an answer in the hours before it runs, or on days it could not
    /// (a year missing from the calendar), was otherwise scored as on time.
    /// </summary>
    public bool AnsweredLate { get; private set; }
    /// <summary>The official document (公文) of the notice: number, DOCX, PDF (decision 009).</summary>
    public Guid? DocumentId { get; private set; }
    public string? DocumentNumber { get; private set; }
    /// <summary>The evidence case of the notice: its documents, and the unit's evidence for objections and answers.</summary>
    public Guid? EvidenceCaseId { get; private set; }
    public string IssuedBy { get; private set; }
    public DateTime IssuedAt { get; private set; }
    public DateTime? ClosedAt { get; private set; }
    public string? ClosedBy { get; private set; }
    public string? CloseNote { get; private set; }
    /// <summary>
    /// RCT-2, RCT-3, SEC-3: raised by one on every save (<see cref="IVersioned"/>; the nightly escalation raises it too), a
    /// concurrency token: two Office decisions made from the same reading (an objection upheld and rejected at once, an
    /// answer accepted and sent back at once) cannot both be stored; the second gets 409 and stores nothing (decision 029).
    /// </summary>
    public int Version { get; private set; }
    public List<NoticeFinding> Findings { get; } = [];

    public void AttachDocument(Guid documentId, string number, Guid caseId) { DocumentId = documentId; DocumentNumber = number; EvidenceCaseId = caseId; }
    public void AttachCase(Guid caseId) => EvidenceCaseId = caseId;

    /// <summary>RCT-3: an objection moves the notice to review; only while the window is open and the unit has not answered.</summary>
    public void FileObjection(DateOnly today)
    {
        CheckMayObject(today);
        Status = NoticeStatus.Objected;
    }

    /// <summary>RCT-3: refuses (DomainRuleException) unless the unit may object on <paramref name="today"/>; changes nothing.</summary>
    public void CheckMayObject(DateOnly today)
    {
        if (Status != NoticeStatus.Issued)
            throw new DomainRuleException("RCT-3", "该通知书当前不能提出异议。 The notice takes no objection in its current state.");
        if (ObjectionDecided)
            throw new DomainRuleException("RCT-3", "异议已复核不成立，应当执行整改，不能再次提出异议。 The objection was rejected: the unit must execute the notice and cannot object again.");
        if (today > ObjectionLastDay)
            throw new DomainRuleException("RCT-3", $"异议期已过：须在收到通知书后 2 个工作日内（{ObjectionLastDay:yyyy-MM-dd} 前）提出。 The objection window closed on {ObjectionLastDay:yyyy-MM-dd} (2 working days after receipt).", 422);
    }

    /// <summary>RCT-3 upheld: the notice is withdrawn (its points are reversed by the caller).</summary>
    public void Withdraw(string by, string reason, DateTime nowUtc)
    {
        if (Status != NoticeStatus.Objected) throw new DomainRuleException("RCT-3", "只有异议审查中的通知书可以收回。 Only a notice under objection review is withdrawn.");
        Status = NoticeStatus.Withdrawn; ClosedAt = nowUtc; ClosedBy = by; CloseNote = reason;
    }

    /// <summary>RCT-3 rejected: the unit must execute; the rectification period runs again from the decision.</summary>
    public void ObjectionRejected(DateOnly newLastDay)
    {
        if (Status != NoticeStatus.Objected) throw new DomainRuleException("RCT-3", "该通知书不在异议审查中。 The notice is not under objection review.");
        Status = NoticeStatus.Issued; ObjectionLastDay = ReceivedOn; ObjectionDecided = true; if (newLastDay > LastDay) LastDay = newLastDay;
    }

    /// <summary>RCT-2: the unit's answer, on <paramref name="today"/> (office-local): after the last day it is a late answer.</summary>
    public void Answer(DateOnly today)
    {
        CheckMayAnswer();
        Status = NoticeStatus.Answered;
        if (today > LastDay) AnsweredLate = true;
    }

    /// <summary>RCT-2: refuses (DomainRuleException) unless the notice takes the unit's answer now; changes nothing.</summary>
    public void CheckMayAnswer()
    {
        if (!RectificationRules.AwaitsUnit(Status))
            throw new DomainRuleException("RCT-2", Status == NoticeStatus.Objected
                ? "异议审查期间不能反馈整改情况。 The notice is under objection review."
                : "该通知书当前不接受整改反馈。 The notice takes no answer in its current state.");
    }

    /// <summary>RCT-2: the Office verifies the answer and files the notice.</summary>
    public void File(string by, string? note, DateTime nowUtc)
    {
        if (Status != NoticeStatus.Answered) throw new DomainRuleException("RCT-2", "只有已反馈的通知书可以核查备案。 Only an answered notice is filed.");
        Status = NoticeStatus.Filed; ClosedAt = nowUtc; ClosedBy = by; CloseNote = note;
    }

    /// <summary>RCT-2 / RCT-4: the answer is incomplete; back to the unit (counts as not rectified fully, S4).</summary>
    public void SendBack()
    {
        if (Status != NoticeStatus.Answered) throw new DomainRuleException("RCT-2", "只有已反馈的通知书可以退回。 Only an answered notice is sent back.");
        Status = NoticeStatus.Returned; Returns++;
        if (Stage >= EscalationStage.SecondSupervision) SupervisedReturns++;
    }

    /// <summary>RCT-4: escalated to the next rung with its new deadline.</summary>
    public void Escalate(EscalationStage stage, DateOnly lastDay)
    {
        if (stage <= Stage) throw new DomainRuleException("RCT-4", "督办只能逐级升级。 Escalation only rises.");
        Stage = stage; LastDay = lastDay;
    }

    public void MarkLadderExhausted() => LadderExhausted = true;

    /// <summary>
    /// RCT-4: refusal without a proper reason, recorded as such, on <paramref name="today"/> (office-local); only where
    /// <see cref="RectificationRules.MayRecordRefusal"/> allows it.
    /// </summary>
    public void RecordRefusal(string by, string reason, DateTime nowUtc, DateOnly today)
    {
        if (RectificationRules.IsClosed(Status)) throw new DomainRuleException("RCT-4", "通知书已办结。 The notice is closed.");
        // RCT-3: an objection filed in time is reviewed first; a refusal recorded meanwhile would leave it undecidable.
        if (Status == NoticeStatus.Objected)
            throw new DomainRuleException("RCT-3", "单位的异议待复核，复核后再认定是否拒不整改。 The unit's objection awaits review; decide it first.");
        // RCT-3: inside the 2 working days the unit may still object; a refusal then would refuse its objection unheard.
        if (RectificationRules.InObjectionWindow(Status, ObjectionLastDay, ObjectionDecided, today))
            throw new DomainRuleException("RCT-3",
                $"单位仍可在异议期内（{ObjectionLastDay:yyyy-MM-dd} 前）提出异议，异议期满后才能认定拒不整改。 The unit may still object until {ObjectionLastDay:yyyy-MM-dd}; a refusal can be recorded only after the objection window.");
        // RCT-2, RCT-4: an answer awaits checking; it is verified first (and sent back if incomplete), not taken for a refusal.
        if (Status == NoticeStatus.Answered)
            throw new DomainRuleException("RCT-4", "单位已反馈整改情况，请先核查其反馈（不到位的予以退回），不能直接认定拒不整改。 The unit has answered: verify its answer first (send it back if incomplete); it is not a refusal.");
        Status = NoticeStatus.Refused; ClosedAt = nowUtc; ClosedBy = by; CloseNote = reason;
    }
}

/// <summary>A confirmed finding listed on a notice.</summary>
public sealed class NoticeFinding
{
    private NoticeFinding() { }
    public NoticeFinding(Guid noticeId, Guid findingId) { NoticeId = noticeId; FindingId = findingId; }
    public Guid NoticeId { get; private set; }
    public Guid FindingId { get; private set; }
}

/// <summary>
/// RCT-2: the one notice a finding is claimed for. Its key is the finding, so the database lets one notice at a time
/// take a finding, even when two are issued at the same instant (decision 019). Written first, before the notice's case
/// and document, and taken back if the issue fails; a claim whose notice never came is stale after ten minutes.
/// </summary>
public sealed class FindingClaim
{
    private FindingClaim() { }
    public FindingClaim(Guid findingId, Guid noticeId, DateTime nowUtc) { FindingId = findingId; NoticeId = noticeId; ClaimedAt = nowUtc; }
    public Guid FindingId { get; private set; }
    public Guid NoticeId { get; private set; }
    public DateTime ClaimedAt { get; private set; }
}

/// <summary>RCT-3: the unit's objection with its evidence, and the Office's decision with reasons.</summary>
public sealed class NoticeObjection : IAudited, IVersioned
{
    private NoticeObjection() { Grounds = ""; FiledBy = ""; EvidenceItemIds = ""; }
    public NoticeObjection(Guid noticeId, string grounds, IEnumerable<Guid> evidence, string filedBy, DateTime nowUtc)
    {
        Id = Guid.CreateVersion7(); NoticeId = noticeId; Grounds = grounds; EvidenceItemIds = string.Join(",", evidence); FiledBy = filedBy; FiledAt = nowUtc;
    }
    public Guid Id { get; private set; }
    public Guid NoticeId { get; private set; }
    public string Grounds { get; private set; }
    /// <summary>Comma-separated evidence item ids (the notice's evidence case).</summary>
    public string EvidenceItemIds { get; private set; }
    public string FiledBy { get; private set; }
    public DateTime FiledAt { get; private set; }
    public bool? Upheld { get; private set; }
    public string? DecisionReason { get; private set; }
    public string? DecidedBy { get; private set; }
    public DateTime? DecidedAt { get; private set; }
    /// <summary>Raised by every save (<see cref="IVersioned"/>): one decision of an objection is stored (decision 029).</summary>
    public int Version { get; private set; }

    public void Decide(bool upheld, string reason, string by, DateTime nowUtc)
    {
        if (Upheld is not null) throw new DomainRuleException("RCT-3", "该异议已审查。 The objection was already decided.");
        Upheld = upheld; DecisionReason = reason; DecidedBy = by; DecidedAt = nowUtc;
    }
}

/// <summary>RCT-2: the unit's answer (what it did, 举一反三 measures, evidence) and the Office's verification.</summary>
public sealed class NoticeResponse : IAudited, IVersioned
{
    private NoticeResponse() { Actions = ""; Measures = ""; FiledBy = ""; EvidenceItemIds = ""; }
    public NoticeResponse(Guid noticeId, string actions, string measures, IEnumerable<Guid> evidence, string filedBy, DateTime nowUtc)
    {
        Id = Guid.CreateVersion7(); NoticeId = noticeId; Actions = actions; Measures = measures; EvidenceItemIds = string.Join(",", evidence); FiledBy = filedBy; FiledAt = nowUtc;
    }
    public Guid Id { get; private set; }
    public Guid NoticeId { get; private set; }
    public string Actions { get; private set; }
    /// <summary>举一反三: what the unit did beyond the case.</summary>
    public string Measures { get; private set; }
    public string EvidenceItemIds { get; private set; }
    public string FiledBy { get; private set; }
    public DateTime FiledAt { get; private set; }
    public bool? Accepted { get; private set; }
    public string? VerificationNote { get; private set; }
    public string? VerifiedBy { get; private set; }
    public DateTime? VerifiedAt { get; private set; }
    /// <summary>Raised by every save (<see cref="IVersioned"/>): one verification of an answer is stored (decision 029).</summary>
    public int Version { get; private set; }

    public void Verify(bool accepted, string? note, string by, DateTime nowUtc)
    {
        if (Accepted is not null) throw new DomainRuleException("RCT-2", "该反馈已核查。 The answer was already verified.");
        Accepted = accepted; VerificationNote = note; VerifiedBy = by; VerifiedAt = nowUtc;
    }
}

/// <summary>What happened on the ladder: escalations, exhaustion and refusals (RCT-4).</summary>
public enum EscalationKind { Escalated, LadderExhausted, Refusal }

/// <summary>RCT-4: one step of a notice's escalation, by the nightly job or by the Office.</summary>
public sealed class NoticeEscalation : IAudited
{
    private NoticeEscalation() { Reason = ""; By = ""; }
    public NoticeEscalation(Guid noticeId, EscalationKind kind, EscalationStage stage, DateOnly? lastDay, DateOnly day, string reason, string by, DateTime nowUtc)
    {
        Id = Guid.CreateVersion7(); NoticeId = noticeId; Kind = kind; Stage = stage; LastDay = lastDay; Day = day; Reason = reason; By = by; At = nowUtc;
    }
    public Guid Id { get; private set; }
    public Guid NoticeId { get; private set; }
    public EscalationKind Kind { get; private set; }
    public EscalationStage Stage { get; private set; }
    public DateOnly? LastDay { get; private set; }
    /// <summary>The office-local day it happened (unique with the notice and kind: a re-run escalates nothing twice).</summary>
    public DateOnly Day { get; private set; }
    public string Reason { get; private set; }
    public string By { get; private set; }
    public DateTime At { get; private set; }
}

/// <summary>Where a ledger line comes from (EV-11).</summary>
public enum LedgerSource
{
    /// <summary>A confirmed finding on an issued notice (INS-4, INS-5, INS-6 items).</summary>
    Finding,
    /// <summary>A quarter without a self-inspection report (INS-3).</summary>
    MissingReport,
    /// <summary>A decision of the Office (INS-6 discretionary points, other).</summary>
    Decision,
    /// <summary>A spot-check item missing or without evidence (INS-4), posted from its <c>OpenDeduction</c>.</summary>
    SpotCheck,
}

/// <summary>
/// EV-11: one line of a unit's deduction ledger. Append-only: a withdrawal writes a reversing line (negative points
/// pointing at the line it reverses); no line is ever changed or deleted.
/// </summary>
public sealed class DeductionLedgerLine : IAudited
{
    private DeductionLedgerLine() { Basis = ""; Description = ""; By = ""; }
    public DeductionLedgerLine(int year, Guid unitId, Guid? sectionId, decimal points, LedgerSource source, string basis, string description,
        Guid? findingId, Guid? noticeId, Guid? outcomeId, Guid? reversesId, string by, DateTime nowUtc, Guid? openDeductionId = null)
    {
        Id = Guid.CreateVersion7(); Year = year; UnitId = unitId; SectionId = sectionId; Points = points; Source = source; Basis = basis;
        Description = description; FindingId = findingId; NoticeId = noticeId; OutcomeId = outcomeId; ReversesId = reversesId; By = by; At = nowUtc;
        OpenDeductionId = openDeductionId;
    }
    public Guid Id { get; private set; }
    public int Year { get; private set; }
    public Guid UnitId { get; private set; }
    public Guid? SectionId { get; private set; }
    /// <summary>Points lost (positive), or a reversal (negative).</summary>
    public decimal Points { get; private set; }
    public LedgerSource Source { get; private set; }
    /// <summary>The rule behind the line: INS-3, INS-4, INS-5, INS-6, RCT-3 (reversal).</summary>
    public string Basis { get; private set; }
    public string Description { get; private set; }
    public Guid? FindingId { get; private set; }
    public Guid? NoticeId { get; private set; }
    public Guid? OutcomeId { get; private set; }
    public Guid? ReversesId { get; private set; }
    /// <summary>
    /// The open-inspection deduction behind the line (INS-3 quarter without a report, INS-4 spot-check item), which
    /// points in turn at the quarter or the spot check. Unique: each is posted once (migration 0018, decision 018).
    /// </summary>
    public Guid? OpenDeductionId { get; private set; }
    public string By { get; private set; }
    public DateTime At { get; private set; }
}

/// <summary>The outcomes of RCT-5.</summary>
public enum OutcomeKind
{
    /// <summary>通报 (praise or criticism), an official document, publishable.</summary>
    Circular,
    /// <summary>约谈 of unit leaders, with minutes.</summary>
    Interview,
    /// <summary>移送纪检监察 with the evidence package.</summary>
    Referral,
    /// <summary>Accountability of a person.</summary>
    PersonAccountability,
    /// <summary>Accountability of a unit.</summary>
    UnitAccountability,
}

/// <summary>The measure of an outcome: circular tone, or the accountability measure (S1 accountability art. 4, INS-6).</summary>
public enum OutcomeMeasure
{
    None,
    Praise,
    Criticism,
    WrittenWarning,
    RemovalFromPost,
    Demotion,
    Dismissal,
    WarningUnit,
    ExcellenceIneligible,
}

/// <summary>RCT-5: an outcome linked to the findings behind it.</summary>
public sealed class RectificationOutcome : IAudited, IVersioned
{
    private RectificationOutcome() { Title = ""; Text = ""; By = ""; }
    public RectificationOutcome(OutcomeKind kind, OutcomeMeasure measure, int year, Guid? unitId, Guid? staffId, string? personName, string title, string text,
        DateOnly? heldOn, string by, DateTime nowUtc)
    {
        Id = Guid.CreateVersion7(); Kind = kind; Measure = measure; Year = year; UnitId = unitId; StaffId = staffId; PersonName = personName; Title = title;
        Text = text; HeldOn = heldOn; By = by; At = nowUtc;
    }
    public Guid Id { get; private set; }
    public OutcomeKind Kind { get; private set; }
    public OutcomeMeasure Measure { get; private set; }
    public int Year { get; private set; }
    public Guid? UnitId { get; private set; }
    public Guid? StaffId { get; private set; }
    public string? PersonName { get; private set; }
    public string Title { get; private set; }
    /// <summary>The circular's body, the interview's minutes, the referral's letter, the accountability decision.</summary>
    public string Text { get; private set; }
    public DateOnly? HeldOn { get; private set; }
    public Guid? DocumentId { get; private set; }
    public string? DocumentNumber { get; private set; }
    /// <summary>Referral: the evidence package's case ids, comma-separated.</summary>
    public string? EvidenceCaseIds { get; private set; }
    public DateTime? PublishedAt { get; private set; }
    public string By { get; private set; }
    public DateTime At { get; private set; }
    public List<OutcomeFinding> Findings { get; } = [];
    /// <summary>RCT-5: the problems found through other channels behind it (decision 021).</summary>
    public List<OutcomeProblem> Problems { get; } = [];
    /// <summary>
    /// EV-8: the evaluation campaign whose final result, for <see cref="ResultSectionId"/>, is behind an accountability of a
    /// section's head (decision 021). Scoring's ids, kept without a foreign key so the modules depend one way only.
    /// </summary>
    public Guid? ResultCampaignId { get; private set; }
    public Guid? ResultSectionId { get; private set; }
    /// <summary>
    /// RCT-5: raised on every save (<see cref="IVersioned"/>, migration 0049, decision 038): a circular published by two
    /// requests at once is published once; the second gets 409.
    /// </summary>
    public int Version { get; private set; }

    public void AttachDocument(Guid id, string number) { DocumentId = id; DocumentNumber = number; }
    public void RestOnResult(Guid campaignId, Guid sectionId) { ResultCampaignId = campaignId; ResultSectionId = sectionId; }
    public void AttachEvidence(IEnumerable<Guid> cases) => EvidenceCaseIds = string.Join(",", cases);

    /// <summary>RCT-5 / EV-10: a circular is published on the public page.</summary>
    public void Publish(DateTime nowUtc)
    {
        if (Kind != OutcomeKind.Circular) throw new DomainRuleException("RCT-5", "只有通报可以公开发布。 Only a circular is published.");
        if (PublishedAt is not null) throw new DomainRuleException("RCT-5", "该通报已发布。 The circular is already published.");
        PublishedAt = nowUtc;
    }
}

public sealed class OutcomeFinding
{
    private OutcomeFinding() { }
    public OutcomeFinding(Guid outcomeId, Guid findingId) { OutcomeId = outcomeId; FindingId = findingId; }
    public Guid OutcomeId { get; private set; }
    public Guid FindingId { get; private set; }
}

/// <summary>A problem found through another channel behind an outcome (RCT-5, decision 021).</summary>
public sealed class OutcomeProblem
{
    private OutcomeProblem() { }
    public OutcomeProblem(Guid outcomeId, Guid problemId) { OutcomeId = outcomeId; ProblemId = problemId; }
    public Guid OutcomeId { get; private set; }
    public Guid ProblemId { get; private set; }
}

/// <summary>An e-mail or SMS to deliver (the in-app notification is written at once); the sender retries failures.</summary>
public sealed class OutboundMessage
{
    private OutboundMessage() { Channel = ""; Recipient = ""; Subject = ""; Body = ""; DedupKey = ""; }
    public OutboundMessage(string channel, string recipient, string subject, string body, string dedupKey, DateTime nowUtc)
    {
        Id = Guid.CreateVersion7(); Channel = channel; Recipient = recipient; Subject = subject; Body = body; DedupKey = dedupKey; CreatedAt = nowUtc;
    }
    public Guid Id { get; private set; }
    /// <summary>"email" or "sms".</summary>
    public string Channel { get; private set; }
    public string Recipient { get; private set; }
    public string Subject { get; private set; }
    public string Body { get; private set; }
    public string DedupKey { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? SentAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
}
