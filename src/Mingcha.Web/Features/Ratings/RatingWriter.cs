using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Satisfaction;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;

namespace Mingcha.Web.Features.Ratings;

/// <summary>A rating checked and ready to store.</summary>
public sealed record RatingSubmission(Guid Id, string? CaseNumber, Guid UnitId, Guid SectionId, Guid? StaffId, Guid? ServiceItemId,
    RatingChannel Channel, RatingScale Scale, int Level, int CommonLevel, bool IsBad, string? RaterPhone, string? Comment,
    DateTime RatedAt, DateTime ReceivedAt, Guid? DeviceId);

public enum RatingWriteStatus
{
    Stored,
    /// <summary>The case was already rated on this channel (SAT-8).</summary>
    Duplicate,
    /// <summary>The case belongs to another unit than the device's.</summary>
    CaseOfOtherUnit,
}

/// <summary>The outcome of a write; <see cref="Rating"/> is the stored row (with the case's staff and item filled in).</summary>
public sealed record RatingWriteResult(RatingWriteStatus Status, RatingSubmission Rating);

/// <summary>The queue of pending ratings is full: the caller answers 503 with Retry-After (backpressure).</summary>
public sealed class RatingQueueFullException() : Exception("评价队列已满，请稍后重试。 The rating queue is full; retry shortly.");

/// <summary>
/// Durable, fast rating ingestion by group commit (decision 008). Requests enqueue their rating and await its task;
/// one writer per instance takes everything queued (up to <see cref="RatingOptions.MaxBatch"/>), inserts it in one
/// transaction with one multi-row INSERT ... ON CONFLICT DO NOTHING RETURNING (the unique index on case number and
/// channel refuses doubles, across batches, instances and restarts), appends one audit line sealing the batch's
/// content (SEC-3), queues the NOTIFY for other instances (PostgreSQL), commits, and only then completes the tasks.
/// An answer to a device therefore always means "on disk" (synchronous=FULL on SQLite). The queue is bounded:
/// when full, <see cref="Enqueue"/> throws <see cref="RatingQueueFullException"/>.
/// </summary>
public sealed partial class RatingWriter : BackgroundService
{
    private sealed record Pending(RatingSubmission Rating, TaskCompletionSource<RatingWriteResult> Done);

    private readonly Channel<Pending> _queue;
    private readonly IServiceScopeFactory _scopes;
    private readonly RatingBroadcaster _broadcaster;
    private readonly RatingOptions _options;
    private readonly ILogger<RatingWriter> _logger;
    private readonly TimeProvider _time;

    public RatingWriter(IServiceScopeFactory scopes, RatingBroadcaster broadcaster, IOptions<RatingOptions> options, ILogger<RatingWriter> logger, TimeProvider time)
    {
        _scopes = scopes; _broadcaster = broadcaster; _options = options.Value; _logger = logger; _time = time;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(_options.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    /// <summary>Raised after each committed batch with the stored ratings (follow-up opener, flag detector).</summary>
    public event Action<IReadOnlyList<RatingSubmission>>? Committed;

    /// <summary>Queues a rating; the task completes once it is committed (or refused as a duplicate).</summary>
    public Task<RatingWriteResult> Enqueue(RatingSubmission rating)
    {
        var pending = new Pending(rating, new TaskCompletionSource<RatingWriteResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending)) throw new RatingQueueFullException();
        return pending.Done.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(_options.MaxBatch);
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < _options.MaxBatch && reader.TryRead(out var p)) batch.Add(p);
                await WriteWithRetryAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        // Shutting down: whatever is still queued was never acknowledged; the devices will retry.
        while (reader.TryRead(out var left)) left.Done.TrySetException(new RatingQueueFullException());
    }

    private async Task WriteWithRetryAsync(List<Pending> batch, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var results = await WriteBatchAsync(batch, ct);
                for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(results[i]);
                var stored = results.Where(r => r.Status == RatingWriteStatus.Stored).Select(r => r.Rating).ToList();
                if (stored.Count > 0)
                {
                    _broadcaster.Publish(stored.Select(RatingEvent.From).ToList());
                    try { Committed?.Invoke(stored); }
                    catch (Exception e) when (e is not OutOfMemoryException) { LogListenerFailed(_logger, e); }
                }
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException && attempt < 3)
            {
                LogRetry(_logger, e, batch.Count, attempt);
                await Task.Delay(50 * attempt, ct);
            }
            catch (Exception e)
            {
                LogFailed(_logger, e, batch.Count);
                foreach (var p in batch) p.Done.TrySetException(e);
                return;
            }
        }
    }

    private async Task<RatingWriteResult[]> WriteBatchAsync(List<Pending> batch, CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
        var pg = db.IsPostgres;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var conn = db.Database.GetDbConnection();
        var dbTx = tx.GetDbTransaction();

        // The cases rated: fill in staff and service item from the pushed service record, refuse another unit's case.
        var subs = batch.Select(p => p.Rating).ToArray();
        var results = new RatingWriteResult?[subs.Length];
        var cases = subs.Where(s => s.CaseNumber is not null).Select(s => s.CaseNumber!).Distinct(StringComparer.Ordinal).ToList();
        if (cases.Count > 0)
        {
            var known = await LookupCasesAsync(conn, dbTx, pg, cases, ct);
            for (var i = 0; i < subs.Length; i++)
            {
                if (subs[i].CaseNumber is not { } c || !known.TryGetValue(c, out var rec)) continue;
                if (rec.UnitId != subs[i].UnitId) { results[i] = new(RatingWriteStatus.CaseOfOtherUnit, subs[i]); continue; }
                subs[i] = subs[i] with { SectionId = rec.SectionId, StaffId = subs[i].StaffId ?? rec.StaffId, ServiceItemId = subs[i].ServiceItemId ?? rec.ServiceItemId };
            }
        }

        var toInsert = Enumerable.Range(0, subs.Length).Where(i => results[i] is null).ToList();
        var inserted = new HashSet<Guid>();
        foreach (var chunk in toInsert.Chunk(pg ? 2000 : 1000))
        {
            await using var cmd = conn.CreateCommand();
            cmd.Transaction = dbTx;
            var sql = new StringBuilder("INSERT INTO \"Ratings\" (\"Id\",\"CaseNumber\",\"UnitId\",\"SectionId\",\"StaffId\",\"ServiceItemId\",\"Channel\",\"Scale\",\"Level\",\"CommonLevel\",\"IsBad\",\"RealName\",\"RaterPhone\",\"Comment\",\"RatedAt\",\"ReceivedAt\",\"DeviceId\") VALUES ");
            var n = 0;
            foreach (var i in chunk)
            {
                var s = subs[i];
                if (n > 0) sql.Append(',');
                sql.Append('(');
                object?[] values = [Id(s.Id, pg), s.CaseNumber, Id(s.UnitId, pg), Id(s.SectionId, pg), Id(s.StaffId, pg), Id(s.ServiceItemId, pg),
                    s.Channel.ToString(), s.Scale.ToString(), s.Level, s.CommonLevel, s.IsBad, s.RaterPhone is not null, s.RaterPhone, s.Comment,
                    s.RatedAt, s.ReceivedAt, Id(s.DeviceId, pg)];
                for (var v = 0; v < values.Length; v++)
                {
                    var name = string.Create(CultureInfo.InvariantCulture, $"@p{n}_{v}");
                    if (v > 0) sql.Append(',');
                    sql.Append(name);
                    var prm = cmd.CreateParameter();
                    prm.ParameterName = name;
                    prm.Value = values[v] ?? DBNull.Value;
                    cmd.Parameters.Add(prm);
                }
                sql.Append(')');
                n++;
            }
            sql.Append(" ON CONFLICT (\"CaseNumber\",\"Channel\") DO NOTHING RETURNING \"Id\"");
            cmd.CommandText = sql.ToString();
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                inserted.Add(pg ? reader.GetGuid(0) : Guid.Parse(reader.GetString(0)));
        }

        foreach (var i in toInsert)
            results[i] = new(inserted.Contains(subs[i].Id) ? RatingWriteStatus.Stored : RatingWriteStatus.Duplicate, subs[i]);
        var stored = results.Where(r => r!.Status == RatingWriteStatus.Stored).Select(r => r!.Rating).ToList();

        if (stored.Count > 0)
        {
            // SEC-3: one audit line per batch seals the stored ratings' content (decision 008).
            db.Audit(new AuditEvent("ratings.store", nameof(Rating), $"{stored[0].Id}..{stored[^1].Id}", null,
                JsonSerializer.Serialize(new { count = stored.Count, sha256 = BatchHash(stored) })));
            await db.SaveChangesAsync(ct);
            if (pg) await NotifyAsync(conn, dbTx, stored, ct);
        }
        await tx.CommitAsync(ct);
        return results.Select(r => r!).ToArray();
    }

    private static object? Id(Guid? id, bool pg) => id is not { } g ? null : pg ? g : g.ToString().ToUpperInvariant();

    private sealed record CaseRow(Guid UnitId, Guid SectionId, Guid? StaffId, Guid? ServiceItemId);

    private static async Task<Dictionary<string, CaseRow>> LookupCasesAsync(DbConnection conn, DbTransaction tx, bool pg, List<string> cases, CancellationToken ct)
    {
        var map = new Dictionary<string, CaseRow>(StringComparer.Ordinal);
        foreach (var chunk in cases.Chunk(500))
        {
            await using var cmd = conn.CreateCommand();
            cmd.Transaction = tx;
            var names = new List<string>();
            for (var i = 0; i < chunk.Length; i++)
            {
                var p = cmd.CreateParameter();
                p.ParameterName = string.Create(CultureInfo.InvariantCulture, $"@c{i}");
                p.Value = chunk[i];
                cmd.Parameters.Add(p);
                names.Add(p.ParameterName);
            }
            cmd.CommandText = $"SELECT \"CaseNumber\",\"UnitId\",\"SectionId\",\"StaffId\",\"ServiceItemId\" FROM \"ServiceRecords\" WHERE \"CaseNumber\" IN ({string.Join(',', names)})";
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                map[r.GetString(0)] = new CaseRow(G(r, 1, pg)!.Value, G(r, 2, pg)!.Value, G(r, 3, pg), G(r, 4, pg));
        }
        return map;
    }

    private static Guid? G(DbDataReader r, int i, bool pg) => r.IsDBNull(i) ? null : pg ? r.GetGuid(i) : Guid.Parse(r.GetString(i));

    /// <summary>SHA-256 over the stored ratings' canonical lines; anyone can recompute it from the Ratings table.</summary>
    public static string BatchHash(IEnumerable<RatingSubmission> stored)
    {
        var sb = new StringBuilder();
        foreach (var s in stored)
            sb.Append(CultureInfo.InvariantCulture, $"{s.Id}|{s.CaseNumber}|{s.UnitId}|{s.SectionId}|{s.Channel}|{s.Scale}|{s.Level}|{s.RatedAt:O}\n");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    private async Task NotifyAsync(DbConnection conn, DbTransaction tx, List<RatingSubmission> stored, CancellationToken ct)
    {
        // NOTIFY is transactional: other instances hear it only if the batch commits. Payloads stay under 8000 bytes.
        foreach (var chunk in stored.Select(RatingEvent.From).Chunk(25))
        {
            await using var cmd = conn.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "SELECT pg_notify(@ch, @payload)";
            var ch = cmd.CreateParameter(); ch.ParameterName = "@ch"; ch.Value = RatingBroadcaster.PgChannel; cmd.Parameters.Add(ch);
            var pl = cmd.CreateParameter(); pl.ParameterName = "@payload"; pl.Value = _broadcaster.SerializeForPeers(chunk); cmd.Parameters.Add(pl);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rating batch of {Count} failed (attempt {Attempt}); retrying")]
    private static partial void LogRetry(ILogger logger, Exception e, int count, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rating batch of {Count} failed; the requests get an error and nothing was acknowledged")]
    private static partial void LogFailed(ILogger logger, Exception e, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "A listener of committed ratings failed")]
    private static partial void LogListenerFailed(ILogger logger, Exception e);
}
