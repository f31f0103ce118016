using Mingcha.Web.Data;

namespace Mingcha.Web.Features.Inspections;

/// <summary>INS-3: a unit's quarterly self-inspection report.</summary>
public sealed class SelfInspectionReport : IAudited
{
    private SelfInspectionReport() { Summary = ""; SubmittedBy = ""; }
    public SelfInspectionReport(Guid unitId, int year, int quarter, string summary, Guid? evidenceCaseId, string by, DateTime nowUtc)
    {
        if (quarter is < 1 or > 4) throw new FieldException("quarter", "季度须为 1 至 4。 The quarter is 1 to 4.");
        Id = Guid.CreateVersion7(); UnitId = unitId; Year = year; Quarter = quarter; Summary = summary; EvidenceCaseId = evidenceCaseId; SubmittedBy = by; SubmittedAt = nowUtc;
    }
    public Guid Id { get; private set; }
    public Guid UnitId { get; private set; }
    public int Year { get; private set; }
    public int Quarter { get; private set; }
    public string Summary { get; private set; }
    public Guid? EvidenceCaseId { get; private set; }
    public string SubmittedBy { get; private set; }
    public DateTime SubmittedAt { get; private set; }
}

/// <summary>
/// A line of a unit's deduction ledger that comes from an open inspection rather than a visit's finding (EV-11):
/// a quarter without a self-inspection report (INS-3, item P01) or a spot-check item missing or without evidence
/// (INS-4, item P02). Keeps a snapshot of the item like a finding does (INS-18).
/// </summary>
public sealed class OpenDeduction : IAudited
{
    private OpenDeduction() { ItemCode = ""; ItemName = ""; Reason = ""; SourceType = ""; RecordedBy = ""; }
    public OpenDeduction(Guid unitId, int year, DeductionItem item, string reason, string sourceType, Guid? sourceId, string sourceKey, string by, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.Year != year)
            throw new DomainRuleException("INS-18", $"扣分项属于 {item.Year} 年的目录，不适用于 {year} 年。 The item belongs to the {item.Year} catalogue, not {year}.", 422);
        Id = Guid.CreateVersion7(); UnitId = unitId; Year = year; DeductionItemId = item.Id; ItemCode = item.Code; ItemName = item.Name; Points = item.Points;
        Reason = reason; SourceType = sourceType; SourceId = sourceId; SourceKey = sourceKey; RecordedBy = by; RecordedAt = nowUtc;
    }
    public Guid Id { get; private set; }
    public Guid UnitId { get; private set; }
    public int Year { get; private set; }
    public Guid DeductionItemId { get; private set; }
    public string ItemCode { get; private set; }
    public string ItemName { get; private set; }
    public decimal Points { get; private set; }
    public string Reason { get; private set; }
    /// <summary>"SelfInspection" (INS-3) or "SpotCheck" (INS-4).</summary>
    public string SourceType { get; private set; }
    public Guid? SourceId { get; private set; }
    /// <summary>Unique: the same quarter or spot-check item is never charged twice.</summary>
    public string? SourceKey { get; private set; }
    public string RecordedBy { get; private set; }
    public DateTime RecordedAt { get; private set; }
}

/// <summary>INS-4: a supervisor's spot check of a unit, item by item.</summary>
public sealed class SpotCheck : IAudited
{
    private SpotCheck() { Title = ""; CheckedBy = ""; }
    public SpotCheck(Guid unitId, Guid? roundId, Guid? visitId, string title, DateOnly checkedOn, Guid? evidenceCaseId, string by, DateTime nowUtc)
    {
        Id = Guid.CreateVersion7(); UnitId = unitId; RoundId = roundId; VisitId = visitId; Title = title; CheckedOn = checkedOn; EvidenceCaseId = evidenceCaseId; CheckedBy = by; RecordedAt = nowUtc;
    }
    public Guid Id { get; private set; }
    public Guid UnitId { get; private set; }
    public Guid? RoundId { get; private set; }
    public Guid? VisitId { get; private set; }
    public string Title { get; private set; }
    public DateOnly CheckedOn { get; private set; }
    public Guid? EvidenceCaseId { get; private set; }
    public string CheckedBy { get; private set; }
    public DateTime RecordedAt { get; private set; }
    public List<SpotCheckItem> Items { get; } = [];
}

/// <summary>One item of a spot check: present or missing, and the evidence behind it (INS-4).</summary>
public sealed class SpotCheckItem
{
    private SpotCheckItem() { Name = ""; }
    public SpotCheckItem(Guid spotCheckId, int number, string name, bool present, Guid? evidenceItemId, string? note)
    { Id = Guid.CreateVersion7(); SpotCheckId = spotCheckId; Number = number; Name = name; Present = present; EvidenceItemId = evidenceItemId; Note = note; }
    public Guid Id { get; private set; }
    public Guid SpotCheckId { get; private set; }
    public int Number { get; private set; }
    public string Name { get; private set; }
    public bool Present { get; private set; }
    public Guid? EvidenceItemId { get; private set; }
    public string? Note { get; private set; }
}

public enum OpenReportKind
{
    /// <summary>听取汇报</summary>
    ListeningSession,
    /// <summary>查阅资料</summary>
    DocumentReview,
    /// <summary>座谈会</summary>
    Forum,
}

/// <summary>S3: a report of a listening session, a document review or a forum held during an open inspection.</summary>
public sealed class OpenSessionReport : IAudited
{
    private OpenSessionReport() { Title = ""; Summary = ""; RecordedBy = ""; }
    public OpenSessionReport(Guid unitId, Guid? roundId, OpenReportKind kind, string title, DateOnly heldOn, string summary, int? participants, string by, DateTime nowUtc)
    {
        Id = Guid.CreateVersion7(); UnitId = unitId; RoundId = roundId; Kind = kind; Title = title; HeldOn = heldOn; Summary = summary; Participants = participants; RecordedBy = by; RecordedAt = nowUtc;
    }
    public Guid Id { get; private set; }
    public Guid UnitId { get; private set; }
    public Guid? RoundId { get; private set; }
    public OpenReportKind Kind { get; private set; }
    public string Title { get; private set; }
    public DateOnly HeldOn { get; private set; }
    public string Summary { get; private set; }
    public int? Participants { get; private set; }
    public string RecordedBy { get; private set; }
    public DateTime RecordedAt { get; private set; }
}

/// <summary>INS-17: a team's report on a round, generated from the data and then edited.</summary>
public sealed class RoundReport : IAudited
{
    private RoundReport() { Title = ""; Body = ""; CreatedBy = ""; }
    public RoundReport(Guid roundId, Guid? teamId, string title, string body, string by, DateTime nowUtc)
    { Id = Guid.CreateVersion7(); RoundId = roundId; TeamId = teamId; Title = title; Body = body; CreatedBy = by; CreatedAt = nowUtc; Version = 1; }
    public Guid Id { get; private set; }
    public Guid RoundId { get; private set; }
    public Guid? TeamId { get; private set; }
    public string Title { get; private set; }
    /// <summary>Plain text: paragraphs separated by blank lines; a line starting with "一、" etc. is a heading.</summary>
    public string Body { get; private set; }
    public int Version { get; private set; }
    public string CreatedBy { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public string? EditedBy { get; private set; }
    public DateTime? EditedAt { get; private set; }
    /// <summary>The official document (Documents module) the report was last issued as.</summary>
    public Guid? DocumentId { get; private set; }

    public void MarkIssued(Guid documentId) => DocumentId = documentId;

    public void Edit(string title, string body, string by, DateTime nowUtc)
    {
        Title = title; Body = body; EditedBy = by; EditedAt = nowUtc; Version++;
    }
}
