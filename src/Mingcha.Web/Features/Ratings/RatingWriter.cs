using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Audit;
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
        if (Volatile.Read(ref _gathered) is { } gathered && _queue.Reader.Count >= Volatile.Read(ref _gatherTarget)) gathered.TrySetResult();
        return pending.Done.Task;
    }

    private TaskCompletionSource? _gathered;
    private int _gatherTarget;

    /// <summary>
    /// Group commit's gathering step: the callers answered by the last commit usually send their next rating within a
    /// fraction of a millisecond; waiting for them (at most <see cref="RatingOptions.GatherWait"/>) puts them into this
    /// commit instead of the next, so one fsync stores the ratings of all waiting callers, not half of them.
    /// </summary>
    private async Task GatherAsync(int target, CancellationToken ct)
    {
        var wait = _options.GatherWait;
        if (wait <= TimeSpan.Zero || _queue.Reader.Count >= target) return;
        var gathered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _gatherTarget, target);
        Volatile.Write(ref _gathered, gathered);
        try
        {
            if (_queue.Reader.Count >= target) return;
            await Task.WhenAny(gathered.Task, Task.Delay(wait, ct));
        }
        finally
        {
            Volatile.Write(ref _gathered, null);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(_options.MaxBatch);
        var reader = _queue.Reader;
        try
        {
            var target = 0;
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                await GatherAsync(Math.Min(target, _options.MaxBatch), stoppingToken);
                batch.Clear();
                while (batch.Count < _options.MaxBatch && reader.TryRead(out var p)) batch.Add(p);
                await WriteWithRetryAsync(batch, stoppingToken);
                // Those just answered, and those that queued meanwhile, are the next commit's natural size.
                target = batch.Count + reader.Count;
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

    // The writer's own context and connection, kept open across batches (no scope, context, connection or PRAGMAs per
    // batch); dropped after a failed batch and made again for the next.
    private AsyncServiceScope? _scope;
    private MingchaDb? _db;
    private DbCommand? _insertOne;

    private async Task<MingchaDb> ContextAsync(CancellationToken ct)
    {
        if (_db is not null) return _db;
        _scope = _scopes.CreateAsyncScope();
        _db = _scope.Value.ServiceProvider.GetRequiredService<MingchaDb>();
        await _db.Database.OpenConnectionAsync(ct);
        return _db;
    }

    private async Task DropContextAsync()
    {
        if (_insertOne is not null) await _insertOne.DisposeAsync();
        _insertOne = null;
        if (_db is not null) await _db.Database.CloseConnectionAsync();
        if (_scope is { } scope) await scope.DisposeAsync();
        _scope = null;
        _db = null;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await DropContextAsync();
    }

    private const string InsertColumns = "INSERT INTO \"Ratings\" (\"Id\",\"CaseNumber\",\"UnitId\",\"SectionId\",\"StaffId\",\"ServiceItemId\",\"Channel\",\"Scale\",\"Level\",\"CommonLevel\",\"IsBad\",\"RealName\",\"RaterPhone\",\"Comment\",\"RatedAt\",\"ReceivedAt\",\"DeviceId\") VALUES ";
    private const int ColumnCount = 17;

    private static object?[] Values(RatingSubmission s, bool pg) =>
        [Id(s.Id, pg), s.CaseNumber, Id(s.UnitId, pg), Id(s.SectionId, pg), Id(s.StaffId, pg), Id(s.ServiceItemId, pg),
            s.Channel.ToString(), s.Scale.ToString(), s.Level, s.CommonLevel, s.IsBad, s.RaterPhone is not null, s.RaterPhone, s.Comment,
            s.RatedAt, s.ReceivedAt, Id(s.DeviceId, pg)];

    private async Task<RatingWriteResult[]> WriteBatchAsync(List<Pending> batch, CancellationToken ct)
    {
        var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        var db = await ContextAsync(ct);
        try
        {
            return await WriteBatchAsync(db, batch, t0, ct);
        }
        catch
        {
            await DropContextAsync();
            throw;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    private async Task<RatingWriteResult[]> WriteBatchAsync(MingchaDb db, List<Pending> batch, long t0, CancellationToken ct)
    {
        var pg = db.IsPostgres;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var t1 = System.Diagnostics.Stopwatch.GetTimestamp();
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

        var t2 = System.Diagnostics.Stopwatch.GetTimestamp();
        var toInsert = Enumerable.Range(0, subs.Length).Where(i => results[i] is null).ToList();
        var inserted = new HashSet<Guid>();
        if (pg)
        {
            // PostgreSQL: one multi-row statement per 2,000 (one round trip; parameters are positional there).
            foreach (var chunk in toInsert.Chunk(2000))
            {
                await using var cmd = conn.CreateCommand();
                cmd.Transaction = dbTx;
                var sql = new StringBuilder(InsertColumns);
                var n = 0;
                foreach (var i in chunk)
                {
                    if (n > 0) sql.Append(',');
                    sql.Append('(');
                    var values = Values(subs[i], pg);
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
                while (await reader.ReadAsync(ct)) inserted.Add(reader.GetGuid(0));
            }
        }
        else
        {
            // SQLite: one prepared single-row statement run per rating in the transaction (SQLite binds parameters by
            // name with a linear search, so a multi-row statement costs quadratic time); ON CONFLICT DO NOTHING changes 0 rows.
            var cmd = _insertOne;
            if (cmd is null)
            {
                cmd = conn.CreateCommand();
                var names = new string[ColumnCount];
                for (var v = 0; v < ColumnCount; v++)
                {
                    names[v] = string.Create(CultureInfo.InvariantCulture, $"@v{v}");
                    var prm = cmd.CreateParameter();
                    prm.ParameterName = names[v];
                    cmd.Parameters.Add(prm);
                }
                cmd.CommandText = InsertColumns + "(" + string.Join(',', names) + ") ON CONFLICT (\"CaseNumber\",\"Channel\") DO NOTHING";
                _insertOne = cmd;
            }
            cmd.Transaction = dbTx;
            foreach (var i in toInsert)
            {
                var values = Values(subs[i], pg);
                for (var v = 0; v < ColumnCount; v++) cmd.Parameters[v].Value = values[v] ?? DBNull.Value;
                if (await cmd.ExecuteNonQueryAsync(ct) == 1) inserted.Add(subs[i].Id);
            }
        }

        foreach (var i in toInsert)
            results[i] = new(inserted.Contains(subs[i].Id) ? RatingWriteStatus.Stored : RatingWriteStatus.Duplicate, subs[i]);
        var stored = results.Where(r => r!.Status == RatingWriteStatus.Stored).Select(r => r!.Rating).ToList();

        var t3 = System.Diagnostics.Stopwatch.GetTimestamp();
        if (stored.Count > 0)
        {
            // SEC-3: one audit line per batch seals the stored ratings' content (decision 008).
            var key = $"{stored[0].Id}..{stored[^1].Id}";
            var after = JsonSerializer.Serialize(new { count = stored.Count, sha256 = BatchHash(stored) });
            if (pg)
            {
                db.Audit(new AuditEvent("ratings.store", nameof(Rating), key, null, after));
                await db.SaveChangesAsync(ct);
                await NotifyAsync(conn, dbTx, stored, ct);
            }
            else
            {
                // SQLite: the same chained line as MingchaDb.SaveChangesAsync appends (AuditChain.CreateNext), written
                // directly; the transaction (BEGIN IMMEDIATE) already serialises appends to the chain.
                await AppendAuditSqliteAsync(conn, dbTx, key, after, ct);
            }
        }
        var t4 = System.Diagnostics.Stopwatch.GetTimestamp();
        await tx.CommitAsync(ct);
        var t5 = System.Diagnostics.Stopwatch.GetTimestamp();
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            double open = Ms(t0, t1), lookup = Ms(t1, t2), insert = Ms(t2, t3), audit = Ms(t3, t4), commit = Ms(t4, t5);
            LogTiming(_logger, subs.Length, open, lookup, insert, audit, commit);
        }
        return results.Select(r => r!).ToArray();
    }

    private async Task AppendAuditSqliteAsync(DbConnection conn, DbTransaction tx, string key, string after, CancellationToken ct)
    {
        var actor = _scope!.Value.ServiceProvider.GetRequiredService<IAuditActor>();
        AuditRecord? last = null;
        await using (var read = conn.CreateCommand())
        {
            read.Transaction = tx;
            read.CommandText = "SELECT \"Seq\",\"Hash\" FROM \"AuditEntries\" ORDER BY \"Seq\" DESC LIMIT 1";
            await using var r = await read.ExecuteReaderAsync(ct);
            if (await r.ReadAsync(ct)) last = new AuditRecord(r.GetInt64(0), default, null, null, null, "", null, null, null, null, "", r.GetString(1));
        }
        var record = AuditChain.CreateNext(last, _time.GetUtcNow().UtcDateTime, actor.UserId, actor.UserName, actor.Ip,
            "ratings.store", nameof(Rating), key, null, after);
        await using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO \"AuditEntries\" (\"Seq\",\"At\",\"UserId\",\"UserName\",\"Ip\",\"Action\",\"EntityType\",\"EntityKey\",\"Before\",\"After\",\"PrevHash\",\"Hash\") "
            + "VALUES (@seq,@at,@uid,@uname,@ip,@action,@type,@key,@before,@after,@prev,@hash)";
        object?[] values = [record.Seq, record.At, record.UserId, record.UserName, record.Ip, record.Action, record.EntityType, record.EntityKey,
            record.Before, record.After, record.PrevHash, record.Hash];
        string[] names = ["@seq", "@at", "@uid", "@uname", "@ip", "@action", "@type", "@key", "@before", "@after", "@prev", "@hash"];
        for (var i = 0; i < names.Length; i++)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = names[i];
            p.Value = values[i] ?? DBNull.Value;
            cmd.Parameters.Add(p);
        }
        await cmd.ExecuteNonQueryAsync(ct);
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

    private static double Ms(long a, long b) => System.Diagnostics.Stopwatch.GetElapsedTime(a, b).TotalMilliseconds;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rating batch {Count}: open {Open:F2} ms, cases {Cases:F2} ms, insert {Insert:F2} ms, audit {Audit:F2} ms, commit {Commit:F2} ms")]
    private static partial void LogTiming(ILogger logger, int count, double open, double cases, double insert, double audit, double commit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rating batch of {Count} failed (attempt {Attempt}); retrying")]
    private static partial void LogRetry(ILogger logger, Exception e, int count, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rating batch of {Count} failed; the requests get an error and nothing was acknowledged")]
    private static partial void LogFailed(ILogger logger, Exception e, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "A listener of committed ratings failed")]
    private static partial void LogListenerFailed(ILogger logger, Exception e);
}
