using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Evidence;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;

namespace Mingcha.Web.Features.Evidence;

/// <summary>One thing that no longer matches: a stored file, an evidence record, or the audit log.</summary>
public sealed record EvidenceProblem(string Kind, string Subject, string Message);

public sealed record EvidenceVerificationReport(
    int FilesChecked,
    long BytesHashed,
    double HashSeconds,
    int RecordsChecked,
    long AuditEntriesChecked,
    IReadOnlyList<EvidenceProblem> Problems,
    DateTime CheckedAt)
{
    public bool IsIntact => Problems.Count == 0;

    /// <summary>
    /// Files whose purge is recorded (and checked) but which are still in the store: a deletion that failed after the
    /// purge was committed. Not a change of evidence; a later purge call finishes it.
    /// </summary>
    public IReadOnlyList<string> PendingDeletions { get; init; } = [];
    public double MegabytesPerSecond => HashSeconds > 0 ? BytesHashed / 1_048_576.0 / HashSeconds : 0;
}

/// <summary>
/// Rule EVD-5: re-hashes every stored file, re-computes the evidence chain and checks the audit chain, and lists
/// every file or record that no longer matches (not only the first).
/// </summary>
public sealed class EvidenceVerifier(MingchaDb db, IEvidenceStore store, AuditVerifier audit, TimeProvider time)
{
    private const int PageSize = 2000;

    public async Task<EvidenceVerificationReport> VerifyAsync(CancellationToken ct = default)
    {
        var problems = new List<EvidenceProblem>();

        // Purges first: a purged file handed in again since (its later records keep it) is checked like any other.
        var (purgeProblems, pending, storedAgain) = await PurgesAsync(ct);

        // Files: every blob not purged, or stored again after its purge, must be in the store with exactly its hash and size.
        var blobs = (await db.EvidenceBlobs.AsNoTracking().OrderBy(b => b.Sha256)
            .Select(b => new { b.Sha256, b.Size, Purged = b.PurgedAt != null }).ToListAsync(ct))
            .Where(b => !b.Purged || storedAgain.Contains(b.Sha256)).ToList();
        long bytes = 0;
        var watch = Stopwatch.StartNew();
        foreach (var blob in blobs)
        {
            var actual = await store.HashAsync(blob.Sha256, ct);
            if (actual is null)
                problems.Add(new("file", blob.Sha256, "存储中找不到该文件。 The file is missing from the store."));
            else
            {
                bytes += actual.Value.Size;
                if (actual.Value.Sha256 != blob.Sha256)
                    problems.Add(new("file", blob.Sha256, $"文件内容已被改动：现在的 SHA-256 为 {actual.Value.Sha256}。 The file changed: its SHA-256 is now {actual.Value.Sha256}."));
                else if (actual.Value.Size != blob.Size)
                    problems.Add(new("file", blob.Sha256, $"文件大小不符：{actual.Value.Size} ≠ {blob.Size}。 The size differs."));
            }
        }
        watch.Stop();
        problems.AddRange(purgeProblems);

        // Records: the evidence chain, read in pages so memory stays flat.
        var records = 0;
        var breaks = await Task.Run(() => EvidenceChain.Verify(ReadChain(() => records++, ct)), ct);
        problems.AddRange(breaks.Select(b => new EvidenceProblem("record", $"#{b.Seq} {b.Id}", b.Problem)));
        var orphans = await db.EvidenceItems.AsNoTracking().Where(i => !db.EvidenceBlobs.Any(b => b.Sha256 == i.Sha256))
            .Select(i => new { i.Seq, i.Id }).ToListAsync(ct);
        problems.AddRange(orphans.Select(o => new EvidenceProblem("record", $"#{o.Seq} {o.Id}", "记录指向的文件不在登记中。 The record points at no stored file.")));

        // The audit log (SEC-3) that also holds every evidence record and every access.
        var auditReport = await audit.VerifyAsync(ct);
        problems.AddRange(auditReport.Breaks.Select(b => new EvidenceProblem("audit", $"#{b.Seq}", b.Message)));
        if (auditReport.Stopped)
            problems.Add(new("audit", $"#{auditReport.Breaks[^1].Seq}", "审计日志在此之后未再校验（顺序被打乱或问题过多）。 The audit log was not checked past this point (reordered, or too many breaks)."));

        return new EvidenceVerificationReport(blobs.Count, bytes, watch.Elapsed.TotalSeconds, records, auditReport.Checked, problems, time.GetUtcNow().UtcDateTime)
        {
            PendingDeletions = pending,
        };
    }

    /// <summary>
    /// A purged file is gone by right only if each purge went through <see cref="EvidencePurge"/>: its audit line records the
    /// purge (SEC-3), and every record it took the content of (those made since the purge before) was past its retention
    /// then, with no hold (EVD-1). A file deleted by hand and marked purged in the database is neither: it is reported.
    /// Content handed in again after its last purge is kept for its new records: stored again, not a pending deletion.
    /// </summary>
    private async Task<(List<EvidenceProblem> Problems, List<string> Pending, HashSet<string> StoredAgain)> PurgesAsync(CancellationToken ct)
    {
        var problems = new List<EvidenceProblem>();
        var pending = new List<string>();
        var storedAgain = new HashSet<string>(StringComparer.Ordinal);
        var purged = await db.EvidenceBlobs.AsNoTracking().Where(b => b.PurgedAt != null).Select(b => new { b.Sha256, PurgedAt = b.PurgedAt!.Value }).ToListAsync(ct);
        var shas = purged.Select(b => b.Sha256).ToList();
        var later = await db.EvidenceBlobPurges.AsNoTracking().Where(p => shas.Contains(p.Sha256)).Select(p => new { p.Id, p.Sha256, p.PurgedAt }).ToListAsync(ct);
        foreach (var blob in purged)
        {
            var purges = new List<(DateTime At, Guid? Id)> { (blob.PurgedAt, null) };
            purges.AddRange(later.Where(p => p.Sha256 == blob.Sha256).Select(p => (p.PurgedAt, (Guid?)p.Id)));
            purges.Sort((a, b) => a.At.CompareTo(b.At));
            var items = await db.EvidenceItems.AsNoTracking().Where(i => i.Sha256 == blob.Sha256).Select(i => new { i.CaseId, i.CapturedAt, i.UploadStartedAt, i.UploadedAt }).ToListAsync(ct);
            var caseIds = items.Select(i => i.CaseId).Distinct().ToList();
            var allHolds = await db.EvidenceHolds.AsNoTracking().Where(h => caseIds.Contains(h.CaseId)).ToListAsync(ct);
            DateTime? previous = null;
            foreach (var (at, id) in purges)
            {
                var key = id?.ToString() ?? blob.Sha256;
                var audited = id is null
                    ? await db.AuditEntries.AsNoTracking().AnyAsync(a => a.EntityType == nameof(EvidenceBlob) && a.EntityKey == blob.Sha256 && a.Action != "create"
                        && a.After != null && a.After.Contains("PurgedAt"), ct)
                    : await db.AuditEntries.AsNoTracking().AnyAsync(a => a.EntityType == nameof(EvidenceBlobPurge) && a.EntityKey == key && a.Action == "create", ct);
                if (!audited)
                    problems.Add(new("file", blob.Sha256, "文件标记为已清除，但审计日志中没有清除决定。 Marked purged, but no purge decision is in the audit log."));
                var covered = items.Where(i => (previous is null || i.UploadedAt >= previous) && i.UploadedAt < at);
                var holds = allHolds.Where(h => h.PlacedAt <= at).ToList();
                // A hold lifted after the purge was still on at the purge.
                if (covered.Any(i => !EvidenceRetention.MayPurge(EvidenceRetention.CountsFrom(i.CapturedAt, i.UploadStartedAt),
                        holds.Where(h => h.CaseId == i.CaseId).Select(h => new RetentionHold(h.PlacedAt, h.LiftedAt is { } l && l <= at ? l : null)), at)))
                    problems.Add(new("file", blob.Sha256, $"文件于 {at:yyyy-MM-dd} 清除，当时保存期未满或处于保全中。 Purged on {at:yyyy-MM-dd} before its retention ended, or under a hold."));
                previous = at;
            }
            if (items.Any(i => i.UploadedAt >= previous)) storedAgain.Add(blob.Sha256);
            else if (await store.ExistsAsync(blob.Sha256, ct)) pending.Add(blob.Sha256);
        }
        return (problems, pending, storedAgain);
    }

    private IEnumerable<EvidenceRecord> ReadChain(Action counted, CancellationToken ct)
    {
        long after = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var page = db.EvidenceItems.AsNoTracking().Where(i => i.Seq > after).OrderBy(i => i.Seq).Take(PageSize).ToList();
            if (page.Count == 0) yield break;
            foreach (var item in page) { counted(); yield return item.ToRecord(); }
            after = page[^1].Seq;
        }
    }
}
