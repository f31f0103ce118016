using Mingcha.Domain.Complaints;
using Mingcha.Domain.Identifiers;
using Mingcha.Web.Data;

namespace Mingcha.Web.Features.Complaints;

/// <summary>
/// 效能投诉 (CMP-1..CMP-11): from intake on any channel to the Office's close. Audited; never deleted; every step is a
/// <see cref="ComplaintEvent"/> in its history. The complainant's name, phone and ID number are personal data (SEC-4).
/// </summary>
public sealed class Complaint : IAudited, IVersioned
{
    private Complaint() { Number = ""; QueryCodeHash = ""; Matter = ""; MatterKey = ""; Reasons = ""; ComplainantKey = ""; CreatedBy = ""; }

    public Complaint(string number, string queryCodeHash, ComplaintChannel channel, ComplaintType type, Guid unitId, Guid? sectionId, string? staffNamed,
        string matter, string reasons, string? evidenceNote, string? name, string? phone, string? idNumber, bool anonymous, bool hasInterest,
        string? externalTicket, DateTime receivedAt, DateOnly receivedOn, string createdBy, DateTime nowUtc)
    {
        Id = Guid.CreateVersion7(); Number = number; QueryCodeHash = queryCodeHash; Channel = channel; Type = type; UnitId = unitId; FirstUnitId = unitId;
        SectionId = sectionId; StaffNamed = staffNamed; Matter = matter; MatterKey = ComplaintRules.MatterKey(matter); Reasons = reasons; EvidenceNote = evidenceNote;
        Anonymous = anonymous; HasInterest = hasInterest;
        ComplainantName = anonymous ? null : name; ComplainantPhone = anonymous ? null : phone; ComplainantIdNumber = anonymous ? null : idNumber;
        ComplainantKey = anonymous ? "" : ComplaintRules.ComplainantKey(phone, idNumber, name);
        Kind = ComplaintRules.KindOf(anonymous, hasInterest);
        ExternalTicket = externalTicket; ReceivedAt = receivedAt; ReceivedOn = receivedOn; CreatedBy = createdBy; CreatedAt = nowUtc;
        Status = ComplaintStatus.Received;
    }

    public Guid Id { get; private set; }
    /// <summary>投诉编号, shown to the complainant with the query code.</summary>
    public string Number { get; private set; }
    /// <summary>SHA-256 of the query code (CMP-11); the code itself is shown once, at intake.</summary>
    public string QueryCodeHash { get; private set; }
    public ComplaintChannel Channel { get; private set; }
    public ComplaintKind Kind { get; private set; }
    public ComplaintType Type { get; private set; }
    public ComplaintStatus Status { get; private set; }
    /// <summary>The unit complained of and handling it now (changes on reassignment).</summary>
    public Guid UnitId { get; private set; }
    /// <summary>The unit first named (history keeps every assignment).</summary>
    public Guid FirstUnitId { get; private set; }
    public Guid? SectionId { get; private set; }
    /// <summary>The staff complained of, as the complainant names them.</summary>
    public string? StaffNamed { get; private set; }
    /// <summary>事项: the matter, short.</summary>
    public string Matter { get; private set; }
    /// <summary>The matter as a comparable key (duplicates CMP-6, repeats CMP-9).</summary>
    public string MatterKey { get; private set; }
    /// <summary>理由: what happened and why it is a complaint.</summary>
    public string Reasons { get; private set; }
    /// <summary>What evidence the complainant offers (CMP-2); items go into the evidence case.</summary>
    public string? EvidenceNote { get; private set; }
    public Guid? EvidenceCaseId { get; private set; }
    public bool Anonymous { get; private set; }
    public bool HasInterest { get; private set; }
    [Personal(PersonalKind.Name)] public string? ComplainantName { get; private set; }
    [Personal(PersonalKind.Phone)] public string? ComplainantPhone { get; private set; }
    [Personal(PersonalKind.IdNumber)] public string? ComplainantIdNumber { get; private set; }
    /// <summary>One-way key of the complainant for duplicates (no personal data in clear).</summary>
    public string ComplainantKey { get; private set; }
    /// <summary>The 12345 ticket number (unique: a re-sent ticket is the same complaint).</summary>
    public string? ExternalTicket { get; private set; }
    /// <summary>When the complaint was actually received (CMP-3), not when it was typed in.</summary>
    public DateTime ReceivedAt { get; private set; }
    public DateOnly ReceivedOn { get; private set; }
    public string CreatedBy { get; private set; }
    public DateTime CreatedAt { get; private set; }

    public DateOnly? AssignedOn { get; private set; }
    public DateOnly? LastDay { get; private set; }
    public DateOnly? TransferLastDay { get; private set; }
    public int Assignments { get; private set; }
    public bool ExtensionRequested { get; private set; }
    public int? ExtensionDays { get; private set; }
    public string? ExtensionReason { get; private set; }
    public bool Extended { get; private set; }
    public string? Answer { get; private set; }
    public DateTime? AnsweredAt { get; private set; }
    public bool AnsweredLate { get; private set; }
    public int SentBack { get; private set; }
    public int Urges { get; private set; }
    public NotAcceptedReason? NotAcceptedReason { get; private set; }
    public string? CloseNote { get; private set; }
    public DateTime? ClosedAt { get; private set; }
    public bool? Substantiated { get; private set; }
    /// <summary>SAT-5: the staff member a substantiated complaint is against, named by the Office at the close (one of the unit's staff).</summary>
    public Guid? StaffId { get; private set; }
    public string? Accountability { get; private set; }
    /// <summary>SEC-4: the Office let the unit see a real-name complainant's contact details.</summary>
    public bool ContactGranted { get; private set; }
    /// <summary>CMP-11: the complainant's rating of the answer (1 satisfied, 2 basically, 3 unsatisfied).</summary>
    public int? RatingLevel { get; private set; }
    public Guid? RatingId { get; private set; }
    public bool Dissatisfied { get; private set; }
    public Guid? RepeatFlagId { get; private set; }
    /// <summary>CMP-10: the inspection round it became a clue for, and the target section.</summary>
    public Guid? ClueRoundId { get; private set; }
    public Guid? ClueSectionId { get; private set; }
    /// <summary>
    /// CMP-7, SEC-3: raised by one on every save (<see cref="IVersioned"/>), a concurrency token: two state changes made from
    /// the same reading (a double click on 提交答复, a close racing a send-back) cannot both be stored; the second gets 409.
    /// </summary>
    public int Version { get; private set; }
    /// <summary>
    /// CMP-3, CMP-6: the SHA-256 of the one-time submission key it was filed with (the public form's hidden key, an API's
    /// Idempotency-Key), unique: the same submission sent again is answered with this complaint, not stored twice.
    /// </summary>
    public string? SubmissionKeyHash { get; private set; }
    /// <summary>The hash of what was submitted with that key: a replay must be the same submission (else 422).</summary>
    public string? SubmissionHash { get; private set; }

    /// <summary>CMP-3: the submission key and content it was filed with (see <see cref="SubmissionKeyHash"/>).</summary>
    public void RecordSubmission(string keyHash, string submissionHash) { SubmissionKeyHash = keyHash; SubmissionHash = submissionHash; }

    public void AttachCase(Guid caseId) => EvidenceCaseId = caseId;

    /// <summary>CMP-11: a new query code replaces the old one, which no longer finds the complaint.</summary>
    public void ReissueQueryCode(string queryCodeHash) => QueryCodeHash = queryCodeHash;
    public void MarkRepeat(Guid flagId) => RepeatFlagId = flagId;

    private static void Require(bool ok, string rule, string message, int status = 409)
    {
        if (!ok) throw new DomainRuleException(rule, message, status);
    }

    /// <summary>CMP-7: the Office assigns to a unit (or reassigns after a return); the deadline starts (decision 011).</summary>
    public void Assign(Guid unitId, DateOnly assignedOn, DateOnly lastDay, DateOnly transferLastDay)
    {
        Require(Status is ComplaintStatus.Received or ComplaintStatus.ReturnedToOffice, "CMP-7",
            "只有已登记或被退回的投诉可以交办。 Only a received or returned complaint is assigned.");
        // Assigned to a unit other than the one complained of (or reassigned to another): the window named was the first
        // unit's, so the matter is no longer that window's (it would be charged for another unit's answer, EV-6). The
        // Office's contact grant was given to that unit, not to the next one (SEC-4): it ends here.
        if (unitId != UnitId) { SectionId = null; ContactGranted = false; }
        // The one extension is the unit's that handles it: what the unit that returned it asked for (or got) is not the next one's.
        if (Assignments > 0) { ExtensionRequested = false; ExtensionDays = null; ExtensionReason = null; Extended = false; }
        UnitId = unitId; AssignedOn = assignedOn; LastDay = lastDay; TransferLastDay = transferLastDay; Assignments++;
        Status = ComplaintStatus.Assigned;
    }

    /// <summary>CMP-6: not accepted, with its reason (told to the complainant).</summary>
    public void NotAccept(NotAcceptedReason reason, string note, DateTime nowUtc)
    {
        Require(Status is ComplaintStatus.Received or ComplaintStatus.ReturnedToOffice, "CMP-6",
            "只有尚未交办的投诉可以不予受理。 Only a complaint not yet assigned can be refused.");
        NotAcceptedReason = reason; CloseNote = note; ClosedAt = nowUtc; Status = ComplaintStatus.NotAccepted;
    }

    /// <summary>CMP-7: the unit returns it as outside its remit, within 3 working days of assignment.</summary>
    public void ReturnToOffice(DateOnly today)
    {
        Require(Status == ComplaintStatus.Assigned, "CMP-7", "只有交办中的投诉可以退回。 Only an assigned complaint is returned.");
        Require(TransferLastDay is { } last && today <= last, "CMP-7",
            $"非本单位职责的投诉须在交办后 3 个工作日内（{TransferLastDay:yyyy-MM-dd} 前）退回效能办。 A complaint outside the unit's remit is returned within 3 working days of assignment (by {TransferLastDay:yyyy-MM-dd}).", 422);
        Status = ComplaintStatus.ReturnedToOffice; LastDay = null; TransferLastDay = null;
        // Not the unit's matter after all: it no longer counts toward the unit's repeated complaints (CMP-9).
        RepeatFlagId = null;
    }

    /// <summary>CMP-7: the unit asks for the one extension (at most 5 working days).</summary>
    public void RequestExtension(int days, string reason, DateOnly today)
    {
        Require(Status == ComplaintStatus.Assigned, "CMP-7", "只有交办中的投诉可以申请延期。 Only an assigned complaint is extended.");
        var refusal = ComplaintRules.ExtensionRefusal(days, ExtensionRequested, LastDay, today);
        Require(refusal is null, "CMP-7", refusal ?? "", 422);
        ExtensionRequested = true; ExtensionDays = days; ExtensionReason = reason;
    }

    /// <summary>CMP-7: the Office approves (new last day) or refuses the extension asked for.</summary>
    public void DecideExtension(bool approved, DateOnly? newLastDay)
    {
        Require(Status == ComplaintStatus.Assigned && ExtensionRequested && !Extended && ExtensionDays is not null, "CMP-7",
            "没有待审批的延期申请。 No extension awaits approval.");
        if (approved) { Extended = true; LastDay = newLastDay; }
        else ExtensionDays = null; // refused: the one request is spent (ExtensionRequested stays)
    }

    /// <summary>CMP-7: the unit answers the complainant and the Office.</summary>
    public void AnswerWith(string answer, DateOnly today, DateTime nowUtc)
    {
        Require(Status == ComplaintStatus.Assigned, "CMP-7", "只有交办中的投诉可以答复。 Only an assigned complaint is answered.");
        Answer = answer; AnsweredAt = nowUtc; Status = ComplaintStatus.Answered;
        if (LastDay is { } last && today > last) AnsweredLate = true; // CMP-8
    }

    /// <summary>CMP-7: the Office sends the answer back to be done again; a fresh period from today (decision 011).</summary>
    public void SendBackToUnit(DateOnly lastDay)
    {
        Require(Status is ComplaintStatus.Answered or ComplaintStatus.UnderReview, "CMP-7", "只有已答复的投诉可以退回重办。 Only an answered complaint is sent back.");
        Status = ComplaintStatus.Assigned; LastDay = lastDay; TransferLastDay = null; SentBack++;
    }

    /// <summary>CMP-1, CMP-7: the Office accepts the answer and closes the complaint; says whether it was substantiated.</summary>
    public void Close(bool? substantiated, string? accountability, string? note, DateTime nowUtc, Guid? staffId = null)
    {
        Require(Status is ComplaintStatus.Answered or ComplaintStatus.UnderReview, "CMP-7", "只有已答复的投诉可以审核办结。 Only an answered complaint is closed.");
        if (staffId is not null && substantiated != true)
            throw new FieldException("staffId", "只有属实的投诉才认定被投诉的工作人员（SAT-5）。 Name the staff member only of a substantiated complaint (SAT-5).");
        Substantiated = substantiated; StaffId = staffId; Accountability = string.IsNullOrWhiteSpace(accountability) ? Accountability : accountability;
        CloseNote = note; ClosedAt = nowUtc; Status = ComplaintStatus.Closed;
    }

    /// <summary>
    /// CMP-8: accountability (or the Office's reasoned decision that none is warranted) recorded after the close, for a
    /// complaint that shows a trigger: substantiated, answered late, or its complainant dissatisfied. Not for a suggestion (CMP-5).
    /// </summary>
    public void RecordAccountability(string text)
    {
        Require(Status == ComplaintStatus.Closed && Kind == ComplaintKind.Complaint && (Substantiated == true || AnsweredLate || Dissatisfied), "CMP-8",
            "只有已办结、且属实、逾期答复或投诉人不满意的投诉需要追责记录。 Accountability is recorded for a closed complaint that was substantiated, answered late or left its complainant dissatisfied.");
        Accountability = text;
    }

    /// <summary>CMP-11: the complainant's rating; unsatisfied sends it back to the Office for review (CMP-8).</summary>
    public void Rate(int level, Guid? ratingId)
    {
        Require(Status == ComplaintStatus.Closed, "CMP-11", "投诉办结后才能评价答复。 The answer is rated once the complaint is closed.");
        Require(RatingLevel is null, "CMP-11", "该投诉的答复已评价。 The answer was already rated.");
        if (level is < 1 or > 3) throw new FieldException("level", "评价须为满意、基本满意或不满意（1 至 3）。 The rating is 1 (satisfied) to 3 (unsatisfied).");
        RatingLevel = level; RatingId = ratingId;
        if (level >= 3) { Dissatisfied = true; Status = ComplaintStatus.UnderReview; ClosedAt = null; }
    }

    public void Urge() => Urges++;

    /// <summary>
    /// SEC-4: the Office lets the unit now handling the complaint see a real-name complainant's contact details. Only while
    /// the complaint is with that unit (<see cref="ComplaintRules.WithUnit"/>); a reassignment to another unit ends it (<see cref="Assign"/>).
    /// </summary>
    public void GrantContact()
    {
        Require(!Anonymous, "SEC-4", "匿名投诉没有联系方式可授权。 An anonymous complaint has no contact details to grant.", 422);
        Require(ComplaintRules.WithUnit(Status), "SEC-4",
            "投诉交办到承办单位后，才能授权该单位查看投诉人联系方式（SEC-4）。 Contact details are granted only to the unit the complaint is assigned to, once it is (SEC-4).");
        ContactGranted = true;
    }

    public void MarkClue(Guid roundId, Guid sectionId) { ClueRoundId = roundId; ClueSectionId = sectionId; }
}

/// <summary>One step of a complaint's history (CMP-1): append-only; what the complainant is told is marked as such.</summary>
public sealed class ComplaintEvent
{
    private ComplaintEvent() { Kind = ""; Text = ""; By = ""; }
    public ComplaintEvent(Guid complaintId, string kind, Guid? unitId, string text, bool toComplainant, string by, DateTime at)
    {
        Id = Guid.CreateVersion7(); ComplaintId = complaintId; Kind = kind; UnitId = unitId; Text = text; ToComplainant = toComplainant; By = by; At = at;
    }
    public Guid Id { get; private set; }
    public Guid ComplaintId { get; private set; }
    public string Kind { get; private set; }
    public Guid? UnitId { get; private set; }
    public string Text { get; private set; }
    /// <summary>Told to the complainant (shown on the public tracking page).</summary>
    public bool ToComplainant { get; private set; }
    public string By { get; private set; }
    public DateTime At { get; private set; }
}

/// <summary>CMP-9: a unit flagged for repeated complaints, asked for a special self-inspection report, tracked to filing.</summary>
public sealed class RepeatFlag : IAudited, IVersioned
{
    private RepeatFlag() { MatterKey = ""; }
    public RepeatFlag(Guid unitId, RepeatReason reason, string matterKey, DateOnly raisedOn, DateOnly reportLastDay, DateTime nowUtc)
    {
        Id = Guid.CreateVersion7(); UnitId = unitId; Reason = reason; MatterKey = matterKey; RaisedOn = raisedOn; ReportLastDay = reportLastDay; RaisedAt = nowUtc;
    }
    public Guid Id { get; private set; }
    public Guid UnitId { get; private set; }
    public RepeatReason Reason { get; private set; }
    public string MatterKey { get; private set; }
    public DateOnly RaisedOn { get; private set; }
    public DateTime RaisedAt { get; private set; }
    public DateOnly ReportLastDay { get; private set; }
    public string? Report { get; private set; }
    public DateTime? SubmittedAt { get; private set; }
    public DateTime? FiledAt { get; private set; }
    public string? FiledBy { get; private set; }
    /// <summary>
    /// Set when this flag was closed because another open flag of the same unit already asked for the report: a unit has
    /// one open flag at a time (a unique index), and <see cref="MergeInto"/> joins doubles that a race left behind.
    /// </summary>
    public Guid? MergedIntoId { get; private set; }
    /// <summary>
    /// CMP-9: raised on every save (<see cref="IVersioned"/>, migration 0049, decision 038): two acts of the Office on one
    /// flag made from the same reading (a double click on 无须报送, a filing and a return at once) cannot both be stored; the
    /// second gets 409 and stores nothing (no second notice to the unit).
    /// </summary>
    public int Version { get; private set; }

    /// <summary>Asks for a report not yet filed (a merged flag counts as closed, its complaints moved to the kept one).</summary>
    public bool Open => FiledAt is null;

    /// <summary>Closes this flag in favour of <paramref name="kept"/>, the unit's older open flag; the caller moves the complaints.</summary>
    public void MergeInto(RepeatFlag kept, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(kept);
        if (kept.Id == Id || kept.UnitId != UnitId || !kept.Open || !Open)
            throw new DomainRuleException("CMP-9", "只能将同一单位未备案的自查整改要求合并。 Only two open flags of one unit can be merged.");
        FiledAt = nowUtc; FiledBy = "system"; MergedIntoId = kept.Id;
    }

    public void Submit(string report, DateTime nowUtc)
    {
        if (FiledAt is not null) throw new DomainRuleException("CMP-9", "自查报告已备案。 The report is already filed.");
        if (SubmittedAt is not null) throw new DomainRuleException("CMP-9", "报告已报送，待效能办备案或退回修改。 The report is with the Office, to be filed or returned.");
        Report = report; SubmittedAt = nowUtc; ReturnNote = null;
    }

    /// <summary>Why the Office sent the last report back for revision (null once a new one is submitted).</summary>
    public string? ReturnNote { get; private set; }

    /// <summary>
    /// CMP-9: the Office sends a submitted report back for revision; the text stays for the unit to revise (and in the audit
    /// log). The unit has until <paramref name="revisionLastDay"/> if that is later than the report's last day.
    /// </summary>
    public void ReturnReport(string note, DateOnly revisionLastDay)
    {
        if (FiledAt is not null) throw new DomainRuleException("CMP-9", "该专项自查整改要求已办结。 The flag is already closed.");
        if (SubmittedAt is null) throw new DomainRuleException("CMP-9", "单位尚未提交专项自查整改报告。 The unit has not submitted its self-inspection report.", 422);
        if (string.IsNullOrWhiteSpace(note)) throw new FieldException("reason", "请写明退回修改的理由。 Give the reason for returning the report.");
        SubmittedAt = null; ReturnNote = note.Trim();
        if (revisionLastDay > ReportLastDay) ReportLastDay = revisionLastDay;
    }

    public void File(string by, DateTime nowUtc)
    {
        if (SubmittedAt is null) throw new DomainRuleException("CMP-9", "单位尚未提交专项自查整改报告。 The unit has not submitted its self-inspection report.", 422);
        if (FiledAt is not null) throw new DomainRuleException("CMP-9", "自查报告已备案。 The report is already filed.");
        FiledAt = nowUtc; FiledBy = by;
    }

    /// <summary>
    /// Set when the Office closed the flag without a report, judging that the repeats do not warrant one (decision 011: "多次"
    /// read as "more than once" flags generously, and the Office answers for the exceptions). The reason is kept.
    /// </summary>
    public string? WaivedReason { get; private set; }

    public void Waive(string by, string reason, DateTime nowUtc)
    {
        if (FiledAt is not null) throw new DomainRuleException("CMP-9", "该专项自查整改要求已办结。 The flag is already closed.");
        if (string.IsNullOrWhiteSpace(reason)) throw new FieldException("reason", "请写明无须报送专项自查整改报告的理由。 Give the reason the report is not needed.");
        FiledAt = nowUtc; FiledBy = by; WaivedReason = reason.Trim();
    }
}
