using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Evidence;
using Mingcha.Web.Data;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Evidence;

/// <summary>
/// Takes a fully received upload into the vault (EVD-1, EVD-2): checks the type from the bytes, reads duration
/// and creation time, stores the file once under its SHA-256, and appends the sealed evidence record.
/// </summary>
public sealed class EvidenceIntake(MingchaDb db, IEvidenceStore store, MediaProbe probe, TimeProvider time, IOptions<MingchaOptions> options)
{
    /// <summary>Any constant: the PostgreSQL advisory lock that serialises appends to the evidence chain.</summary>
    internal const long EvidenceChainLockKey = 727_274_003;

    public async Task<EvidenceItem> CompleteAsync(EvidenceUpload upload, string stagedPath, string sha256, CancellationToken ct)
    {
        var head = new byte[MediaSniffer.HeadLength];
        int headLength;
        await using (var f = new FileStream(stagedPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1))
            headLength = await f.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        var sniff = MediaSniffer.Sniff(head.AsSpan(0, headLength));
        var metadata = TusProtocol.ParseMetadata(upload.Metadata) ?? new Dictionary<string, string>();
        var now = time.GetUtcNow().UtcDateTime;

        if (!sniff.Allowed)
            await RefuseAsync(upload, stagedPath, "EVD-1", sniff.Refusal, StatusCodes.Status415UnsupportedMediaType, now, ct);
        if (metadata.TryGetValue("sha256", out var claimed) && claimed.Length > 0 && !string.Equals(claimed.Trim(), sha256, StringComparison.OrdinalIgnoreCase))
            await RefuseAsync(upload, stagedPath, "EVD-1", $"文件的 SHA-256 与客户端声明的不一致。 The file's SHA-256 {sha256} differs from the client's {claimed}.", 460, now, ct);

        var facts = sniff.Kind is EvidenceMediaKind.Video or EvidenceMediaKind.Audio
            ? await probe.ProbeAsync(stagedPath, ct)
            : new MediaFacts(null, null);

        var existing = await RecordedAsync(upload.CaseId, sha256, ct);
        if (existing is not null)
        {
            File.Delete(stagedPath); // the same file handed in twice for the same case: one record (EVD-1)
            await MarkCompleteAsync(upload, existing.Id, now, ct);
            return existing;
        }

        await store.PutAsync(sha256, stagedPath, upload.Length, ct);
        if (!await db.EvidenceBlobs.AnyAsync(b => b.Sha256 == sha256, ct))
        {
            db.EvidenceBlobs.Add(new EvidenceBlob(sha256, upload.Length, sniff.MediaType!, store.Backend, now));
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException) { db.ChangeTracker.Clear(); } // another upload of the same content recorded it first
        }

        var (captured, source) = CaptureTime(metadata, facts, upload.CreatedAt);
        var draft = new EvidenceRecord(0, Guid.CreateVersion7(), upload.CaseId, sha256, upload.Length, sniff.MediaType!, upload.FileName,
            captured, source, ParseTime(metadata, "deviceClock"), Limit(metadata.GetValueOrDefault("location"), 200),
            upload.CreatedBy, upload.CreatedByName, upload.CreatedAt, now,
            SameDayRule.IsLate(captured, upload.CreatedAt, options.Value.TimeZoneInfo), facts.DurationMs, facts.CreatedAt, "", "");
        var item = await AppendAsync(draft, upload.Id, ct);
        await MarkCompleteAsync(upload, item.Id, now, ct);
        return item;
    }

    /// <summary>Media types of files the application makes itself (official documents), which the sniffer does not take from uploads.</summary>
    public static readonly IReadOnlySet<string> GeneratedMediaTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/pdf",
    };

    /// <summary>
    /// Takes a file the server generated (an issued official document's DOCX or PDF) into the vault as immutable
    /// evidence of <paramref name="caseId"/>: stored under its SHA-256, sealed into the evidence chain with capture
    /// source "generated" and no upload (UploadId empty). Joins the caller's transaction if there is one, so a
    /// registration and its files commit or roll back together.
    /// </summary>
    public async Task<EvidenceItem> StoreGeneratedAsync(Guid caseId, string fileName, string contentType, byte[] bytes, string byUserId, string byName, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (!GeneratedMediaTypes.Contains(contentType))
            throw new ArgumentException($"Generated evidence must be DOCX or PDF, not {contentType}.", nameof(contentType));
        if (bytes.Length == 0) throw new ArgumentException("An empty file.", nameof(bytes));
        var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        var now = time.GetUtcNow().UtcDateTime;
        var existing = await RecordedAsync(caseId, sha256, ct);
        if (existing is not null) return existing;

        if (!await store.ExistsAsync(sha256, ct))
        {
            var folder = Path.Combine(options.Value.ResolvedDataFolder, "evidence", "generated");
            Directory.CreateDirectory(folder);
            var staged = Path.Combine(folder, Guid.NewGuid().ToString("N"));
            await File.WriteAllBytesAsync(staged, bytes, ct);
            try { await store.PutAsync(sha256, staged, bytes.Length, ct); }
            finally { if (File.Exists(staged)) File.Delete(staged); }
        }
        if (!await db.EvidenceBlobs.AnyAsync(b => b.Sha256 == sha256, ct) && !db.EvidenceBlobs.Local.Any(b => b.Sha256 == sha256))
            db.EvidenceBlobs.Add(new EvidenceBlob(sha256, bytes.Length, contentType, store.Backend, now));

        var draft = new EvidenceRecord(0, Guid.CreateVersion7(), caseId, sha256, bytes.Length, contentType, fileName,
            now, "generated", null, null, byUserId, byName, now, now, false, null, null, "", "");
        return await AppendAsync(draft, Guid.Empty, ct);
    }

    /// <summary>
    /// Takes a file already checked and hashed by the caller (staged on disk, its type read from its bytes) into the vault as
    /// evidence of <paramref name="caseId"/>, uploaded by someone without an account (e.g. the public with a complaint): stored
    /// under its SHA-256 (the staged file is consumed), sealed into the evidence chain with capture source "upload". Joins the
    /// caller's transaction, so the record commits or rolls back with what it documents.
    /// </summary>
    public async Task<EvidenceItem> StoreCheckedAsync(Guid caseId, string stagedPath, long size, string sha256, string mediaType, string fileName,
        string byUserId, string byName, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var existing = await RecordedAsync(caseId, sha256, ct);
        if (existing is not null)
        {
            File.Delete(stagedPath); // the same file twice in one hand-in: one record (EVD-1)
            return existing;
        }
        await store.PutAsync(sha256, stagedPath, size, ct);
        if (!await db.EvidenceBlobs.AnyAsync(b => b.Sha256 == sha256, ct) && !db.EvidenceBlobs.Local.Any(b => b.Sha256 == sha256))
            db.EvidenceBlobs.Add(new EvidenceBlob(sha256, size, mediaType, store.Backend, now));
        var draft = new EvidenceRecord(0, Guid.CreateVersion7(), caseId, sha256, size, mediaType, fileName,
            now, "upload", null, null, byUserId, byName, now, now, false, null, null, "", "");
        return await AppendAsync(draft, Guid.Empty, ct);
    }

    /// <summary>
    /// The case's record of this file, if it has one whose content is kept (EVD-1: one record per file and case). Should two
    /// ever exist (two hand-ins racing), the first sealed one is the record, every time. A record whose file was purged at
    /// the end of its retention is not: the same bytes handed in again are a new record, stored again, with a retention
    /// of its own (its content is purged in its turn).
    /// </summary>
    private async Task<EvidenceItem?> RecordedAsync(Guid caseId, string sha256, CancellationToken ct)
    {
        var records = await db.EvidenceItems.AsNoTracking().Where(i => i.CaseId == caseId && i.Sha256 == sha256).OrderBy(i => i.Seq).ToListAsync(ct);
        if (records.Count == 0) return null;
        var lastPurge = EvidenceContentPurges.Last(await EvidenceContentPurges.TimesAsync(db, sha256, ct));
        return records.FirstOrDefault(i => lastPurge is null || i.UploadedAt >= lastPurge);
    }

    /// <summary>Seals the record onto the end of the evidence chain, in one transaction with its audit line (EVD-5).</summary>
    private async Task<EvidenceItem> AppendAsync(EvidenceRecord draft, Guid uploadId, CancellationToken ct)
    {
        // SQLite: BEGIN IMMEDIATE serialises writers. A caller's transaction (already holding the write lock) is joined.
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        try
        {
            if (db.IsPostgres)
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({EvidenceChainLockKey})", ct);
            var last = await db.EvidenceItems.AsNoTracking().OrderByDescending(i => i.Seq).FirstOrDefaultAsync(ct);
            var item = new EvidenceItem(EvidenceChain.Seal(draft, last?.ToRecord()), uploadId);
            db.EvidenceItems.Add(item);
            await db.SaveChangesAsync(ct);
            if (own is not null) await own.CommitAsync(ct);
            return item;
        }
        finally
        {
            if (own is not null) await own.DisposeAsync();
        }
    }

    private async Task MarkCompleteAsync(EvidenceUpload upload, Guid itemId, DateTime now, CancellationToken ct)
    {
        var tracked = await db.EvidenceUploads.FirstAsync(u => u.Id == upload.Id, ct);
        tracked.Complete(itemId, now);
        upload.Complete(itemId, now);
        await db.SaveChangesAsync(ct);
    }

    private async Task RefuseAsync(EvidenceUpload upload, string stagedPath, string rule, string message, int status, DateTime now, CancellationToken ct)
    {
        File.Delete(stagedPath); // nothing half-stored remains that could look like evidence
        var tracked = await db.EvidenceUploads.FirstAsync(u => u.Id == upload.Id, ct);
        tracked.Fail(message, now);
        upload.Fail(message, now);
        await db.SaveChangesAsync(ct);
        throw new DomainRuleException(rule, message, status);
    }

    /// <summary>EVD-2: the device's statement first, then the time the file carries, else (unknown) the upload's start.</summary>
    private static (DateTime At, string Source) CaptureTime(IReadOnlyDictionary<string, string> metadata, MediaFacts facts, DateTime uploadStarted)
    {
        if (ParseTime(metadata, "capturedAt") is { } stated) return (stated, "device");
        if (facts.CreatedAt is { } media) return (media, "media");
        return (uploadStarted, "upload");
    }

    public static DateTime? ParseTime(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out var v)
        && DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
        && t.Year is >= 2000 and <= 2200
            ? t.UtcDateTime
            : null;

    private static string? Limit(string? s, int max) => s is null ? null : s.Length <= max ? s : s[..max];
}
