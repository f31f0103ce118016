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

        // Files: every blob not purged must be in the store with exactly its hash and size.
        var blobs = await db.EvidenceBlobs.AsNoTracking().Where(b => b.PurgedAt == null).OrderBy(b => b.Sha256)
            .Select(b => new { b.Sha256, b.Size }).ToListAsync(ct);
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
        var (purgeProblems, pending) = await PurgesAsync(ct);
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
    /// A purged file is gone by right only if the purge went through <see cref="EvidencePurge"/>: its audit line records the
    /// purge (SEC-3), and every record using the file was past its retention then, with no hold (EVD-1). A file deleted by
    /// hand and marked purged in the database is neither: it is reported.
    /// </summary>
    private async Task<(List<EvidenceProblem> Problems, List<string> Pending)> PurgesAsync(CancellationToken ct)
    {
        var problems = new List<EvidenceProblem>();
        var pending = new List<string>();
        var purged = await db.EvidenceBlobs.AsNoTracking().Where(b => b.PurgedAt != null).Select(b => new { b.Sha256, PurgedAt = b.PurgedAt!.Value }).ToListAsync(ct);
        foreach (var blob in purged)
        {
            var audited = await db.AuditEntries.AsNoTracking().AnyAsync(a => a.EntityType == nameof(EvidenceBlob) && a.EntityKey == blob.Sha256 && a.Action != "create"
                && a.After != null && a.After.Contains("PurgedAt"), ct);
            if (!audited)
                problems.Add(new("file", blob.Sha256, "文件标记为已清除，但审计日志中没有清除决定。 Marked purged, but no purge decision is in the audit log."));
            var items = await db.EvidenceItems.AsNoTracking().Where(i => i.Sha256 == blob.Sha256).Select(i => new { i.CaseId, i.CapturedAt, i.UploadStartedAt }).ToListAsync(ct);
            var caseIds = items.Select(i => i.CaseId).Distinct().ToList();
            var holds = await db.EvidenceHolds.AsNoTracking().Where(h => caseIds.Contains(h.CaseId) && h.PlacedAt <= blob.PurgedAt).ToListAsync(ct);
            // A hold lifted after the purge was still on at the purge.
            if (items.Any(i => !EvidenceRetention.MayPurge(EvidenceRetention.CountsFrom(i.CapturedAt, i.UploadStartedAt),
                    holds.Where(h => h.CaseId == i.CaseId).Select(h => new RetentionHold(h.PlacedAt, h.LiftedAt is { } l && l <= blob.PurgedAt ? l : null)), blob.PurgedAt)))
                problems.Add(new("file", blob.Sha256, $"文件于 {blob.PurgedAt:yyyy-MM-dd} 清除，当时保存期未满或处于保全中。 Purged on {blob.PurgedAt:yyyy-MM-dd} before its retention ended, or under a hold."));
            if (await store.ExistsAsync(blob.Sha256, ct)) pending.Add(blob.Sha256);
        }
        return (problems, pending);
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
