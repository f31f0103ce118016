using Mingcha.Domain.Evidence;
using Mingcha.Web.Data;

namespace Mingcha.Web.Features.Evidence;

/// <summary>
/// A body of evidence (案卷) and the owner of its files: a covert visit, an open inspection, a complaint, a
/// rectification. Other modules open one per piece of work (<see cref="ReferenceType"/>/<see cref="ReferenceId"/>
/// point back at it) and release it to the target unit when their findings are sent (EVD-3).
/// </summary>
public sealed class EvidenceCase : IAudited, IVersioned
{
    private EvidenceCase() { Title = ""; CreatedBy = ""; }
    public EvidenceCase(EvidenceCaseKind kind, string title, Guid? targetUnitId, Guid? teamId, string? referenceType, Guid? referenceId, string createdBy, DateTime nowUtc)
    {
        Id = Guid.CreateVersion7();
        Kind = kind; Title = title; TargetUnitId = targetUnitId; TeamId = teamId;
        ReferenceType = referenceType; ReferenceId = referenceId; CreatedBy = createdBy; CreatedAt = nowUtc;
    }
    public Guid Id { get; private set; }
    public EvidenceCaseKind Kind { get; private set; }
    public string Title { get; private set; }
    /// <summary>The unit inspected or complained of; its liaisons see the evidence once released.</summary>
    public Guid? TargetUnitId { get; private set; }
    /// <summary>The team whose members (supervisors with accounts) see and add evidence.</summary>
    public Guid? TeamId { get; private set; }
    /// <summary>What the case documents in another module, e.g. "CovertVisit".</summary>
    public string? ReferenceType { get; private set; }
    public Guid? ReferenceId { get; private set; }
    public string CreatedBy { get; private set; }
    public DateTime CreatedAt { get; private set; }
    /// <summary>When the findings were sent to the unit (EVD-3); null until then.</summary>
    public DateTime? ReleasedAt { get; private set; }
    public string? ReleasedBy { get; private set; }
    /// <summary>
    /// EVD-3, SEC-3: raised by one on every save (<see cref="IVersioned"/>), a concurrency token (migration 0048): two releases
    /// made from the same reading (two officers at once) store one; the second gets 409, not the database's refusal (0033).
    /// </summary>
    public int Version { get; private set; }

    public EvidenceCaseFacts Facts => new(Kind, TargetUnitId, ReleasedAt is not null);

    /// <summary>
    /// A complaint reassigned to another unit (CMP-7): from now on that unit's liaisons, not the first unit's, are the
    /// case's unit (as released or not). Only a complaint's case moves with its matter; an inspection's never does.
    /// </summary>
    public void Retarget(Guid unitId)
    {
        if (Kind != EvidenceCaseKind.Complaint)
            throw new DomainRuleException("EVD-3", "只有投诉案卷随改派转到新的承办单位。 Only a complaint's case follows its reassignment.", 422);
        TargetUnitId = unitId;
    }

    /// <summary>The reference of a visit's case (INS-9): a covert visit's case opens to the unit only with its findings.</summary>
    public const string VisitReference = "Visit";

    /// <summary>EVD-3, INS-9: a covert visit's case is released when the visit's findings are sent, never by hand before.</summary>
    public static bool ReleasedWithFindings(EvidenceCaseKind kind, string? referenceType) =>
        kind == EvidenceCaseKind.CovertVisit && referenceType == VisitReference;

    /// <summary>EVD-3: from now on the target unit's liaisons may see the evidence. Cannot be undone.</summary>
    public void ReleaseToUnit(string by, DateTime nowUtc)
    {
        if (ReleasedAt is not null)
            throw new DomainRuleException("EVD-3", "该案卷已向被查单位公开。 The case was already released to the unit.");
        if (TargetUnitId is null)
            throw new DomainRuleException("EVD-3", "案卷没有被查单位，无法公开。 The case has no target unit to release it to.", 422);
        ReleasedAt = nowUtc; ReleasedBy = by;
    }
}

/// <summary>
/// An inspector (e.g. an agency's covert inspector) given access to one case (EVD-3). Taken off the visit, or their agency
/// out of contract, the access is withdrawn: recorded on the row, which is kept (SEC-3).
/// </summary>
public sealed class EvidenceCaseInspector : IAudited
{
    private EvidenceCaseInspector() { UserId = ""; AssignedBy = ""; }
    public EvidenceCaseInspector(Guid caseId, string userId, string assignedBy, DateTime nowUtc)
    { CaseId = caseId; UserId = userId; AssignedBy = assignedBy; AssignedAt = nowUtc; }
    public Guid CaseId { get; private set; }
    public string UserId { get; private set; }
    public string AssignedBy { get; private set; }
    public DateTime AssignedAt { get; private set; }
    public DateTime? WithdrawnAt { get; private set; }
    public string? WithdrawnBy { get; private set; }

    public void Withdraw(string by, DateTime nowUtc) { if (WithdrawnAt is null) { WithdrawnAt = nowUtc; WithdrawnBy = by; } }

    /// <summary>Given again after a withdrawal.</summary>
    public void Reinstate(string by, DateTime nowUtc) { WithdrawnAt = null; WithdrawnBy = null; AssignedBy = by; AssignedAt = nowUtc; }
}

/// <summary>Why evidence is kept beyond two years (EVD-1).</summary>
public enum EvidenceHoldReason
{
    /// <summary>整改未完成</summary>
    OpenRectification,
    /// <summary>异议复核中</summary>
    Objection,
    /// <summary>投诉处理中</summary>
    Complaint,
    /// <summary>其他（如移送纪检）</summary>
    Other,
}

/// <summary>A hold on a case: while it applies, none of the case's evidence reaches the end of its retention (EVD-1).</summary>
public sealed class EvidenceHold : IAudited, IVersioned
{
    private EvidenceHold() { PlacedBy = ""; }
    public EvidenceHold(Guid caseId, EvidenceHoldReason reason, string? note, string placedBy, DateTime nowUtc)
    { Id = Guid.CreateVersion7(); CaseId = caseId; Reason = reason; Note = note; PlacedBy = placedBy; PlacedAt = nowUtc; }
    public Guid Id { get; private set; }
    public Guid CaseId { get; private set; }
    public EvidenceHoldReason Reason { get; private set; }
    public string? Note { get; private set; }
    public DateTime PlacedAt { get; private set; }
    public string PlacedBy { get; private set; }
    public DateTime? LiftedAt { get; private set; }
    public string? LiftedBy { get; private set; }
    /// <summary>EVD-1, SEC-3: raised by every save (<see cref="IVersioned"/>, migration 0048): a hold lifted twice at once is lifted once; the second gets 409.</summary>
    public int Version { get; private set; }

    public RetentionHold AsRetentionHold() => new(PlacedAt, LiftedAt);

    public void Lift(string by, DateTime nowUtc)
    {
        if (LiftedAt is not null)
            throw new DomainRuleException("EVD-1", "该保全已解除。 The hold was already lifted.");
        LiftedAt = nowUtc; LiftedBy = by;
    }
}

/// <summary>
/// A stored file, once per content (EVD-1): its SHA-256 is its name in the store. Only an office purge decision
/// after retention changes it, and then only to record the purge.
/// </summary>
public sealed class EvidenceBlob : IAudited
{
    private EvidenceBlob() { Sha256 = ""; MediaType = ""; Backend = ""; }
    public EvidenceBlob(string sha256, long size, string mediaType, string backend, DateTime nowUtc)
    { Sha256 = sha256; Size = size; MediaType = mediaType; Backend = backend; StoredAt = nowUtc; }
    public string Sha256 { get; private set; }
    public long Size { get; private set; }
    public string MediaType { get; private set; }
    public string Backend { get; private set; }
    public DateTime StoredAt { get; private set; }
    public DateTime? PurgedAt { get; private set; }
    public string? PurgedBy { get; private set; }
    /// <summary>The office decision (document number and reason) that allowed the purge.</summary>
    public string? PurgeDecision { get; private set; }

    internal void RecordPurge(string by, string decision, DateTime nowUtc)
    { PurgedAt = nowUtc; PurgedBy = by; PurgeDecision = decision; }
}

/// <summary>
/// EVD-1: a purge of a file's content after the first. The same bytes handed in again after their file was purged are
/// stored again under the same SHA-256 (the blob row, its first purge included, never changes), and their records have a
/// retention of their own; when it has ended, the office purges the content again, recorded here. Append-only.
/// </summary>
public sealed class EvidenceBlobPurge : IAudited
{
    private EvidenceBlobPurge() { Sha256 = ""; PurgedBy = ""; PurgeDecision = ""; }
    public EvidenceBlobPurge(string sha256, string purgedBy, string decision, DateTime nowUtc)
    { Id = Guid.CreateVersion7(); Sha256 = sha256; PurgedBy = purgedBy; PurgeDecision = decision; PurgedAt = nowUtc; }
    public Guid Id { get; private set; }
    public string Sha256 { get; private set; }
    public DateTime PurgedAt { get; private set; }
    public string PurgedBy { get; private set; }
    /// <summary>The office decision (document number and reason) that allowed the purge.</summary>
    public string PurgeDecision { get; private set; }
}

/// <summary>
/// One piece of evidence handed in (EVD-2): the file's hash, its capture and upload facts, sealed into the
/// evidence chain (EVD-5). Append-only: the database refuses UPDATE and DELETE on this table.
/// </summary>
public sealed class EvidenceItem : IAudited
{
    private EvidenceItem() { Sha256 = ""; MediaType = ""; FileName = ""; CaptureSource = ""; UploadedBy = ""; UploaderName = ""; PrevHash = ""; Hash = ""; }
    public EvidenceItem(EvidenceRecord r, Guid uploadId)
    {
        Seq = r.Seq; Id = r.Id; CaseId = r.CaseId; Sha256 = r.Sha256; Size = r.Size; MediaType = r.MediaType; FileName = r.FileName;
        CapturedAt = r.CapturedAt; CaptureSource = r.CaptureSource; DeviceClock = r.DeviceClock; Location = r.Location;
        UploadedBy = r.UploadedBy; UploaderName = r.UploaderName; UploadStartedAt = r.UploadStartedAt; UploadedAt = r.UploadedAt;
        LateUpload = r.LateUpload; DurationMs = r.DurationMs; MediaCreatedAt = r.MediaCreatedAt; PrevHash = r.PrevHash; Hash = r.Hash;
        UploadId = uploadId;
    }
    public Guid Id { get; private set; }
    public long Seq { get; private set; }
    public Guid CaseId { get; private set; }
    public string Sha256 { get; private set; }
    public long Size { get; private set; }
    public string MediaType { get; private set; }
    public string FileName { get; private set; }
    public DateTime CapturedAt { get; private set; }
    /// <summary>"device" (stated by the recording device), "media" (read from the file) or "upload" (unknown: the upload time).</summary>
    public string CaptureSource { get; private set; }
    /// <summary>The uploading device's clock when the upload began, to compare with the server's.</summary>
    public DateTime? DeviceClock { get; private set; }
    public string? Location { get; private set; }
    public string UploadedBy { get; private set; }
    public string UploaderName { get; private set; }
    public DateTime UploadStartedAt { get; private set; }
    public DateTime UploadedAt { get; private set; }
    /// <summary>INS-7: handed in on a later day than captured.</summary>
    public bool LateUpload { get; private set; }
    public long? DurationMs { get; private set; }
    public DateTime? MediaCreatedAt { get; private set; }
    public Guid UploadId { get; private set; }
    public string PrevHash { get; private set; }
    public string Hash { get; private set; }

    public EvidenceRecord ToRecord() => new(Seq, Id, CaseId, Sha256, Size, MediaType, FileName, CapturedAt, CaptureSource, DeviceClock,
        Location, UploadedBy, UploaderName, UploadStartedAt, UploadedAt, LateUpload, DurationMs, MediaCreatedAt, PrevHash, Hash);
}

/// <summary>What someone did with evidence.</summary>
public enum EvidenceAccessAction
{
    View,
    Download,
    Package,
}

/// <summary>
/// The access log and chain of custody (EVD-3): who, when, from where, why, what. Append-only (the database
/// refuses UPDATE and DELETE), and each line is also in the hash-chained audit log.
/// </summary>
public sealed class EvidenceAccess : IAudited
{
    private EvidenceAccess() { UserId = ""; UserName = ""; Purpose = ""; }
    public EvidenceAccess(Guid caseId, Guid? itemId, EvidenceAccessAction action, string purpose, string userId, string userName, string? ip, DateTime nowUtc, DateTime validUntil)
    {
        Id = Guid.CreateVersion7(); CaseId = caseId; ItemId = itemId; Action = action; Purpose = purpose;
        UserId = userId; UserName = userName; Ip = ip; At = nowUtc; ValidUntil = validUntil;
    }
    public Guid Id { get; private set; }
    public Guid CaseId { get; private set; }
    public Guid? ItemId { get; private set; }
    public EvidenceAccessAction Action { get; private set; }
    public string Purpose { get; private set; }
    public string UserId { get; private set; }
    public string UserName { get; private set; }
    public string? Ip { get; private set; }
    public DateTime At { get; private set; }
    /// <summary>Until when the stated purpose covers this viewer's requests for the content (a video player asks many times).</summary>
    public DateTime ValidUntil { get; private set; }

    /// <summary>The short reference printed in download names and manifests.</summary>
    public string Reference => Id.ToString("N")[^10..];
}

/// <summary>
/// A tus upload in progress (EVD-4): who started it, for which case, how long it will be, until when it may be
/// resumed. The bytes received so far are the staged file on disk, not a column.
/// </summary>
public sealed class EvidenceUpload
{
    /// <summary>Column sizes: the Upload-Metadata header as received, and what is taken from it (EVD-4).</summary>
    public const int MaxMetadataLength = 4000;
    public const int MaxFileNameLength = 255;
    public const int MaxLocationLength = 200;

    private EvidenceUpload() { CreatedBy = ""; CreatedByName = ""; FileName = ""; Metadata = ""; }
    public EvidenceUpload(Guid caseId, long length, string fileName, string metadata, string createdBy, string createdByName, DateTime nowUtc, DateTime expiresAt)
    {
        Id = Guid.CreateVersion7(); CaseId = caseId; Length = length; FileName = fileName; Metadata = metadata;
        CreatedBy = createdBy; CreatedByName = createdByName; CreatedAt = nowUtc; ExpiresAt = expiresAt;
    }
    public Guid Id { get; private set; }
    public Guid CaseId { get; private set; }
    public long Length { get; private set; }
    public string FileName { get; private set; }
    /// <summary>The Upload-Metadata header as received.</summary>
    public string Metadata { get; private set; }
    public string CreatedBy { get; private set; }
    public string CreatedByName { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime ExpiresAt { get; private set; }
    public DateTime? CompletedAt { get; private set; }
    public Guid? ItemId { get; private set; }
    public DateTime? FailedAt { get; private set; }
    public string? Failure { get; private set; }
    /// <summary>When the hourly sweep took the staged bytes of this unfinished upload away (tus expiration); set once.</summary>
    public DateTime? ExpiredAt { get; private set; }

    public bool IsExpired(DateTime nowUtc) => CompletedAt is null && (ExpiredAt is not null || nowUtc >= ExpiresAt);

    /// <summary>The sweep recorded the expiry; from now on the upload answers 410 Gone, whatever the clock says.</summary>
    public void Expire(DateTime nowUtc)
    {
        if (CompletedAt is not null || FailedAt is not null || ExpiredAt is not null) return;
        ExpiredAt = nowUtc;
    }

    public void Complete(Guid itemId, DateTime nowUtc) { CompletedAt = nowUtc; ItemId = itemId; }

    public void Fail(string reason, DateTime nowUtc) { FailedAt = nowUtc; Failure = reason.Length > 500 ? reason[..500] : reason; }
}
