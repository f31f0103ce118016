using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Documents;
using Mingcha.Web.Data;

namespace Mingcha.Web.Features.Documents;

/// <summary>
/// A line of the register of issued documents (发文登记). Never deleted (SEC-3; the database refuses it too); a
/// withdrawal is recorded on it and the number stays used. The DOCX and PDF are evidence of its case.
/// </summary>
public sealed class OfficialDocument : IAudited
{
    private OfficialDocument() { Issuer = ""; Prefix = ""; Number = ""; Title = ""; DocxSha256 = ""; PdfSha256 = ""; IssuedBy = ""; IssuedByName = ""; }

    internal OfficialDocument(Guid id, string issuer, DocumentNumber number, DocumentKind kind, string title, DateOnly documentDate,
        string? referenceType, Guid? referenceId, Guid caseId, (string Sha256, long Size, Guid ItemId) docx, (string Sha256, long Size, Guid ItemId) pdf,
        string issuedBy, string issuedByName, DateTime nowUtc, IEnumerable<Guid> addresseeUnitIds)
    {
        Id = id; Issuer = issuer; Prefix = number.Prefix; Year = number.Year; Serial = number.Serial; Number = number.ToString();
        Kind = kind; Title = title; DocumentDate = documentDate; ReferenceType = referenceType; ReferenceId = referenceId; CaseId = caseId;
        DocxSha256 = docx.Sha256; DocxSize = docx.Size; DocxItemId = docx.ItemId;
        PdfSha256 = pdf.Sha256; PdfSize = pdf.Size; PdfItemId = pdf.ItemId;
        IssuedBy = issuedBy; IssuedByName = issuedByName; IssuedAt = nowUtc;
        Addressees = addresseeUnitIds.Distinct().Select(u => new OfficialDocumentAddressee(id, u)).ToList();
    }

    public Guid Id { get; private set; }
    /// <summary>The issuer whose numbering this is ("office" for the efficiency office).</summary>
    public string Issuer { get; private set; }
    public string Prefix { get; private set; }
    public int Year { get; private set; }
    public int Serial { get; private set; }
    /// <summary>As printed: 示效办〔2026〕12号.</summary>
    public string Number { get; private set; }
    public DocumentKind Kind { get; private set; }
    public string Title { get; private set; }
    /// <summary>成文日期.</summary>
    public DateOnly DocumentDate { get; private set; }
    /// <summary>The business record the document belongs to, e.g. "RectificationNotice".</summary>
    public string? ReferenceType { get; private set; }
    public Guid? ReferenceId { get; private set; }
    /// <summary>The evidence case holding the DOCX and PDF.</summary>
    public Guid CaseId { get; private set; }
    public string DocxSha256 { get; private set; }
    public long DocxSize { get; private set; }
    public Guid DocxItemId { get; private set; }
    public string PdfSha256 { get; private set; }
    public long PdfSize { get; private set; }
    public Guid PdfItemId { get; private set; }
    public string IssuedBy { get; private set; }
    public string IssuedByName { get; private set; }
    public DateTime IssuedAt { get; private set; }
    public DateTime? WithdrawnAt { get; private set; }
    public string? WithdrawnBy { get; private set; }
    public string? WithdrawalReason { get; private set; }
    public List<OfficialDocumentAddressee> Addressees { get; private set; } = [];

    public bool Withdrawn => WithdrawnAt is not null;

    /// <summary>Withdraws the document (e.g. after an upheld objection, RCT-3). Its number stays used (RCT-2).</summary>
    public void Withdraw(string reason, string by, DateTime nowUtc)
    {
        if (WithdrawnAt is not null)
            throw new DomainRuleException("RCT-2", "该公文已撤回。 The document was already withdrawn.");
        reason = (reason ?? "").Trim();
        if (reason.Length is < 2 or > 500)
            throw new FieldException("reason", "撤回须注明理由（2 至 500 字）。 A withdrawal needs a reason of 2 to 500 characters.");
        WithdrawnAt = nowUtc; WithdrawnBy = by; WithdrawalReason = reason;
    }
}

/// <summary>A unit the document is addressed to (主送): its users may read the document (SEC-2).</summary>
public sealed class OfficialDocumentAddressee : IAudited
{
    private OfficialDocumentAddressee() { }
    public OfficialDocumentAddressee(Guid documentId, Guid unitId) { DocumentId = documentId; UnitId = unitId; }
    public Guid DocumentId { get; private set; }
    public Guid UnitId { get; private set; }
}

/// <summary>
/// The last serial given per issuer, prefix and year. Only ever incremented, by one, in the transaction that
/// registers the document (RCT-2: no gaps, no reuse); the database refuses to lower or delete it.
/// </summary>
public sealed class DocumentNumberSequence
{
    private DocumentNumberSequence() { Issuer = ""; Prefix = ""; }
    public string Issuer { get; private set; }
    public string Prefix { get; private set; }
    public int Year { get; private set; }
    public int LastSerial { get; private set; }
}

/// <summary>The documents tables (schema script 0005_documents.sql, which also adds the triggers).</summary>
public static class DocumentModel
{
    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<OfficialDocument>(e =>
        {
            e.Property(d => d.Id).ValueGeneratedNever();
            e.Property(d => d.Issuer).HasMaxLength(64);
            e.Property(d => d.Prefix).HasMaxLength(DocumentNumber.MaxPrefixLength);
            e.Property(d => d.Number).HasMaxLength(64);
            e.Property(d => d.Kind).HasConversion<string>().HasMaxLength(32);
            e.Property(d => d.Title).HasMaxLength(DocumentValidation.MaxTitle);
            e.Property(d => d.ReferenceType).HasMaxLength(64);
            e.Property(d => d.DocxSha256).HasMaxLength(64);
            e.Property(d => d.PdfSha256).HasMaxLength(64);
            e.Property(d => d.IssuedBy).HasMaxLength(450);
            e.Property(d => d.IssuedByName).HasMaxLength(256);
            e.Property(d => d.WithdrawnBy).HasMaxLength(450);
            e.Property(d => d.WithdrawalReason).HasMaxLength(500);
            // SEC-3: a withdrawal is recorded once. Every update of a document says WHERE "WithdrawnAt" is what was read, so the
            // second of two concurrent withdrawals changes no row (DbUpdateConcurrencyException, 409) instead of overwriting
            // the first; the database refuses a change of a recorded withdrawal as well (0036).
            e.Property(d => d.WithdrawnAt).IsConcurrencyToken();
            e.Ignore(d => d.Withdrawn);
            e.HasIndex(d => new { d.Issuer, d.Prefix, d.Year, d.Serial }).IsUnique();
            e.HasIndex(d => d.Number).IsUnique();
            e.HasIndex(d => d.IssuedAt);
            e.HasIndex(d => new { d.ReferenceType, d.ReferenceId });
            e.HasMany(d => d.Addressees).WithOne().HasForeignKey(a => a.DocumentId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Evidence.EvidenceCase>().WithMany().HasForeignKey(d => d.CaseId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<OfficialDocumentAddressee>(e =>
        {
            e.HasKey(a => new { a.DocumentId, a.UnitId });
            e.HasIndex(a => a.UnitId);
            e.HasOne<Organisation.Unit>().WithMany().HasForeignKey(a => a.UnitId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<DocumentNumberSequence>(e =>
        {
            e.HasKey(s => new { s.Issuer, s.Prefix, s.Year });
            e.Property(s => s.Issuer).HasMaxLength(64);
            e.Property(s => s.Prefix).HasMaxLength(DocumentNumber.MaxPrefixLength);
        });
    }
}
