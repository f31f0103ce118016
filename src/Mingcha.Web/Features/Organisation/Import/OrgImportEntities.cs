namespace Mingcha.Web.Features.Organisation.Import;

public enum OrgImportStatus
{
    /// <summary>Uploaded, stored and checked; may be committed.</summary>
    Previewed,
    /// <summary>Written to the registry in one transaction.</summary>
    Committed,
    /// <summary>Refused (file problems at upload, or row errors at commit); nothing was written.</summary>
    Failed,
}

/// <summary>
/// One organisation import: the kept files with their SHA-256, who uploaded and who committed it, the counts,
/// and its state. With the files under {DataFolder}/imports/{Id}/ this makes the one summary line in the audit
/// log reproducible (decision 004).
/// </summary>
public sealed class OrgImport
{
    private OrgImport() { FilesJson = "[]"; }

    public OrgImport(Guid id, DateTime nowUtc, string? userId, string? userName, string filesJson)
    {
        Id = id; CreatedAt = nowUtc; CreatedById = userId; CreatedByName = userName; FilesJson = filesJson;
        Status = OrgImportStatus.Previewed;
    }

    public Guid Id { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public string? CreatedById { get; private set; }
    public string? CreatedByName { get; private set; }
    public OrgImportStatus Status { get; private set; }
    /// <summary>JSON array of <see cref="ImportFileInfo"/>: name, size, SHA-256.</summary>
    public string FilesJson { get; private set; }
    /// <summary>JSON array of per-sheet counts (create, update, unchanged) of the last preview or the commit.</summary>
    public string? CountsJson { get; private set; }
    public int ErrorCount { get; private set; }
    public DateTime? FinishedAt { get; private set; }
    public string? FinishedByName { get; private set; }

    public void RecordCheck(string countsJson, int errorCount)
    {
        CountsJson = countsJson;
        ErrorCount = errorCount;
    }

    /// <summary>An import whose files cannot be imported at all is finished at once.</summary>
    public void Fail(DateTime nowUtc, string? userName, int errorCount)
    {
        Status = OrgImportStatus.Failed;
        ErrorCount = errorCount;
        FinishedAt = nowUtc;
        FinishedByName = userName;
    }
}
