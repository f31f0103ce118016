using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Audit;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Audit;

/// <summary>Reads and verifies the audit log (SEC-3). Only the auditor role may (三员分立).</summary>
public static class AuditApi
{
    public sealed record AuditLine(long Seq, DateTime At, string? UserName, string? Ip, string Action, string? EntityType, string? EntityKey, string? Before, string? After, string Hash);
    public sealed record AuditPage(IReadOnlyList<AuditLine> Items, long Total);

    public static void Map(IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/v1/audit").WithTags("Audit").RequireAuthorization(Policies.AuditRead);
        g.MapGet("/", async (MingchaDb db, string? entityType, string? entityKey, string? user, long? beforeSeq, int? take, CancellationToken ct) =>
            await QueryAsync(db, new AuditQuery(entityType, entityKey, user, beforeSeq, take ?? 100), ct));
        g.MapGet("/entity-types", async (MingchaDb db, CancellationToken ct) => await EntityTypesAsync(db, ct));
        g.MapGet("/verify", async (AuditVerifier verifier, CancellationToken ct) => await verifier.VerifyAsync(ct));
        g.MapPost("/{seq:long}/reveal", async (long seq, RevealRequest request, MingchaDb db, PersonalDataSealer sealer, CancellationToken ct) =>
            await RevealAsync(db, sealer, seq, request, ct));
    }

    public sealed record RevealRequest([property: System.ComponentModel.DataAnnotations.Required] string Field,
        [property: System.ComponentModel.DataAnnotations.Required] string Reason, bool Before = false);
    public sealed record RevealedValue(long Seq, string Field, string Masked, string Value);

    /// <summary>
    /// SEC-4: opens one sealed personal value of an audit line for the auditor, with a stated reason; the opening
    /// itself is appended to the log (who, which line, which field, why).
    /// </summary>
    public static async Task<RevealedValue> RevealAsync(MingchaDb db, PersonalDataSealer sealer, long seq, RevealRequest request, CancellationToken ct)
    {
        Problems.Validate(request);
        var reason = request.Reason.Trim();
        if (reason.Length is < 4 or > 500)
            throw new DomainRuleException("SEC-4", "查看完整个人信息须说明理由（4 至 500 字）。 Showing personal data in full needs a reason (4 to 500 characters).", 400);
        var line = await db.AuditEntries.AsNoTracking().FirstOrDefaultAsync(a => a.Seq == seq, ct)
            ?? throw new NotFoundException("审计记录不存在。 No such audit line.");
        var json = request.Before ? line.Before : line.After;
        SealedPersonalValue? value = null;
        // Lines of plain text (a calendar import's "33 days; source") hold no sealed value: the same 404 as any other field.
        if (json is not null && TryParse(json) is { } doc)
        {
            using var _ = doc;
            if (doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && doc.RootElement.TryGetProperty(request.Field, out var field)
                && field.ValueKind == System.Text.Json.JsonValueKind.Object
                && field.TryGetProperty("Masked", out var masked) && field.TryGetProperty("Sealed", out var sealedText)
                && sealedText.ValueKind == System.Text.Json.JsonValueKind.String)
                value = new SealedPersonalValue(masked.GetString() ?? "", sealedText.GetString());
        }
        if (value?.Sealed is null)
            throw new DomainRuleException("SEC-4", "该记录的此字段不是封存的个人信息。 This field of the line is not a sealed personal value.", 404);
        var clear = sealer.Open(value.Sealed)
            ?? throw new DomainRuleException("SEC-4", "无法解封：密钥不可用。 The value cannot be opened: its key is not available.", 409);
        db.Audit(new AuditEvent("reveal-personal", nameof(AuditEntry), seq.ToString(System.Globalization.CultureInfo.InvariantCulture), null,
            System.Text.Json.JsonSerializer.Serialize(new { request.Field, Side = request.Before ? "before" : "after", Reason = reason }, MingchaDb.AuditJson)));
        await db.SaveChangesAsync(ct);
        return new RevealedValue(seq, request.Field, value.Masked, clear);
    }

    private static System.Text.Json.JsonDocument? TryParse(string json)
    {
        try { return System.Text.Json.JsonDocument.Parse(json); }
        catch (System.Text.Json.JsonException) { return null; }
    }

    /// <summary>The kinds of record the log holds entries for, for the filter of the audit page.</summary>
    public static async Task<List<string>> EntityTypesAsync(MingchaDb db, CancellationToken ct) =>
        await db.AuditEntries.AsNoTracking().Where(a => a.EntityType != null).Select(a => a.EntityType!).Distinct().OrderBy(t => t).ToListAsync(ct);

    public sealed record AuditQuery(string? EntityType, string? EntityKey, string? User, long? BeforeSeq, int Take);

    public static async Task<AuditPage> QueryAsync(MingchaDb db, AuditQuery q, CancellationToken ct)
    {
        var query = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q.EntityType)) query = query.Where(a => a.EntityType == q.EntityType);
        if (!string.IsNullOrWhiteSpace(q.EntityKey)) query = query.Where(a => a.EntityKey == q.EntityKey);
        if (!string.IsNullOrWhiteSpace(q.User)) query = query.Where(a => a.UserName == q.User);
        var total = await query.LongCountAsync(ct);
        if (q.BeforeSeq is { } before) query = query.Where(a => a.Seq < before);
        var items = await query.OrderByDescending(a => a.Seq).Take(Math.Clamp(q.Take, 1, 500))
            .Select(a => new AuditLine(a.Seq, a.At, a.UserName, a.Ip, a.Action, a.EntityType, a.EntityKey, a.Before, a.After, a.Hash))
            .ToListAsync(ct);
        return new AuditPage(items, total);
    }
}

/// <summary>Walks the whole audit chain in order and reports the first broken link (SEC-3, EVD-5).</summary>
public sealed class AuditVerifier(MingchaDb db)
{
    private const int PageSize = 5000;

    /// <summary>Runs on a worker thread: the chain is read page by page, so memory does not grow with the log.</summary>
    public Task<AuditChainReport> VerifyAsync(CancellationToken ct = default) =>
        Task.Run(() => AuditChain.Verify(ReadInOrder(ct)), ct);

    private IEnumerable<AuditRecord> ReadInOrder(CancellationToken ct)
    {
        long after = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var batch = db.AuditEntries.AsNoTracking().Where(a => a.Seq > after).OrderBy(a => a.Seq).Take(PageSize).ToList();
            if (batch.Count == 0) yield break;
            foreach (var entry in batch) yield return entry.ToRecord();
            after = batch[^1].Seq;
        }
    }
}
