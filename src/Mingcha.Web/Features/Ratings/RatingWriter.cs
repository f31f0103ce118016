using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
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

/// <summary>
/// The queue of pending ratings is full, or the instance stops before the rating was written: 503 with Retry-After
/// (backpressure; nothing was stored, the device retries).
/// </summary>
public sealed class RatingQueueFullException() : UnavailableException("评价队列已满，请稍后重试。 The rating queue is full; retry shortly.", 1);

/// <summary>
/// Durable, fast rating ingestion by group commit (decision 008). Requests enqueue their rating and await its task;
/// one writer per instance takes everything queued (up to <see cref="RatingOptions.MaxBatch"/>).
/// <para>
/// On PostgreSQL it inserts the batch in one transaction with one multi-row INSERT ... ON CONFLICT DO NOTHING RETURNING
/// (the unique index on case number and channel refuses doubles, across batches, instances and restarts), appends one
/// audit line sealing the batch's content (SEC-3), queues the NOTIFY for other instances, commits, and only then
/// completes the tasks.
/// </para>
/// <para>
/// On SQLite (decision 017) it checks the batch (cases, one rating per case and channel), writes the stored ratings to
/// the <see cref="RatingJournal"/> with one write and one fsync, and then completes the tasks; the applier thread puts
/// the journaled ratings into the tables behind it, many batches to a transaction, with the same audit line.
/// </para>
/// Either way an answer to a device means "on disk". The queue is bounded: when full, <see cref="Enqueue"/> throws
/// <see cref="RatingQueueFullException"/>.
/// </summary>
public sealed partial class RatingWriter : BackgroundService
{
    private sealed record Pending(RatingSubmission Rating, TaskCompletionSource<RatingWriteResult> Done);

    private readonly ConcurrentQueue<Pending> _queue = new();
    private int _count;
    private readonly ManualResetEventSlim _signal = new(false, 0);
    private Thread? _writerThread;
    private int _wakeAt = int.MaxValue;
    private readonly IServiceScopeFactory _scopes;
    private readonly RatingBroadcaster _broadcaster;
    private readonly RatingOptions _options;
    private readonly ILogger<RatingWriter> _logger;
    private readonly TimeProvider _time;

    public RatingWriter(IServiceScopeFactory scopes, RatingBroadcaster broadcaster, IOptions<RatingOptions> options, ILogger<RatingWriter> logger, TimeProvider time)
    {
        _scopes = scopes; _broadcaster = broadcaster; _options = options.Value; _logger = logger; _time = time;
    }

    /// <summary>Raised after each committed batch with the stored ratings (follow-up opener, flag detector).</summary>
    public event Action<IReadOnlyList<RatingSubmission>>? Committed;

    /// <summary>Queues a rating; the task completes once it is committed (or refused as a duplicate).</summary>
    public Task<RatingWriteResult> Enqueue(RatingSubmission rating)
    {
        var count = Interlocked.Increment(ref _count);
        if (count > _options.QueueCapacity)
        {
            Interlocked.Decrement(ref _count);
            throw new RatingQueueFullException();
        }
        var pending = new Pending(rating, new TaskCompletionSource<RatingWriteResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        _queue.Enqueue(pending);
        // The writer sleeps until the queue holds _wakeAt ratings (at least one when idle, a group when gathering).
        if (count >= Volatile.Read(ref _wakeAt)) _signal.Set();
        return pending.Done.Task;
    }

    /// <summary>Sleeps until <paramref name="target"/> ratings are queued, the timeout passes, or the service stops.</summary>
    private void WaitFor(int target, int timeoutMs, CancellationToken ct)
    {
        _signal.Reset();
        Interlocked.Exchange(ref _wakeAt, target); // full fence: either Enqueue sees the target or we see its count
        if (Volatile.Read(ref _count) < target && !ct.IsCancellationRequested) _signal.Wait(timeoutMs, CancellationToken.None); // the stop token sets the signal
        Volatile.Write(ref _wakeAt, int.MaxValue);
    }

    /// <summary>
    /// The writer runs on a thread of its own: a commit blocks in fsync, and on a thread-pool thread that would take a
    /// worker away from the requests for every commit (on two cores, half of them).
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _writerThread = new Thread(() =>
        {
            try { Run(stoppingToken); done.TrySetResult(); }
            catch (Exception e) { done.TrySetException(e); }
        }) { IsBackground = true, Name = "rating-writer" };
        _writerThread.Start();
        return done.Task;
    }

    /// <summary>
    /// Group commit. Each round takes everything queued (up to <see cref="RatingOptions.MaxBatch"/>) into one
    /// transaction. Before a round the writer may wait (at most <see cref="RatingOptions.GatherWait"/>) for the callers
    /// it just answered to send their next rating, so that a commit carries a full group rather than a straggler:
    /// with <see cref="RatingOptions.CommitGroups"/> 1, all active callers; with 2, half of them — then one half's
    /// requests are parsed and checked while the other half's commit waits in fsync, and CPU and disk overlap.
    /// </summary>
    private void Run(CancellationToken ct)
    {
        using var wake = ct.Register(() => _signal.Set());
        var batch = new List<Pending>(Math.Min(_options.MaxBatch, 4096));
        var groups = Math.Max(1, _options.CommitGroups);
        var gatherMs = (int)Math.Ceiling(_options.GatherWait.TotalMilliseconds);
        var target = 0;
        while (!ct.IsCancellationRequested)
        {
            if (Volatile.Read(ref _count) == 0)
            {
                WaitFor(1, 1000, ct);
                target = 0;
                continue;
            }
            if (gatherMs > 0 && target > Volatile.Read(ref _count)) WaitFor(Math.Min(target, _options.MaxBatch), gatherMs, ct);
            batch.Clear();
            while (batch.Count < _options.MaxBatch && _queue.TryDequeue(out var p)) batch.Add(p);
            Interlocked.Add(ref _count, -batch.Count);
            if (batch.Count == 0) continue;
            WriteWithRetry(batch, ct);
            // Those just answered and those that queued meanwhile are the callers in play; a commit waits for its share.
            var active = batch.Count + Volatile.Read(ref _count);
            target = (active + groups - 1) / groups;
        }
        // Shutting down: whatever is still queued was never acknowledged; the devices will retry. The applier empties its
        // queue and ends.
        while (_queue.TryDequeue(out var left)) left.Done.TrySetException(new RatingQueueFullException());
        _writerStopped = true;
        _applyWake.Release();
    }

    private int _disposed;

    public override void Dispose()
    {
        // Disposed twice: as itself and as the hosted service (both registrations hand out this one instance).
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _stopping.Cancel();
        base.Dispose(); // cancels the writer's stop token, which wakes it
        // The threads use the signal and the token source until they end; they end within a wait of theirs.
        var writerDone = _writerThread?.Join(TimeSpan.FromSeconds(5)) ?? true;
        _writerStopped = true;
        try { _applyWake.Release(); } catch (ObjectDisposedException) { }
        var applierDone = _applier?.Join(TimeSpan.FromSeconds(10)) ?? true;
        var checkpointerDone = _checkpointer?.Join(TimeSpan.FromSeconds(5)) ?? true;
        if (applierDone) { _journal?.Dispose(); _applyWake.Dispose(); }
        if (writerDone) _signal.Dispose();
        if (checkpointerDone) _stopping.Dispose();
    }

    private void WriteWithRetry(List<Pending> batch, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var results = WriteBatch(batch, ct);
                Answer(batch, results);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException && attempt < 3)
            {
                LogRetry(_logger, e, batch.Count, attempt);
                if (ct.WaitHandle.WaitOne(50 * attempt)) throw new OperationCanceledException(ct);
            }
            catch (Exception e)
            {
                LogFailed(_logger, e, batch.Count);
                foreach (var p in batch) p.Done.TrySetException(e);
                return;
            }
        }
    }

    /// <summary>Answers a committed batch's callers, then tells the control centre and the listeners.</summary>
    private void Answer(List<Pending> batch, RatingWriteResult[] results)
    {
        for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(results[i]);
        if (_journal is not null) return; // SQLite: the applier tells the control centre and the listeners once the tables have them
        List<RatingSubmission>? stored = null;
        foreach (var r in results)
            if (r.Status == RatingWriteStatus.Stored) (stored ??= new(results.Length)).Add(r.Rating);
        if (stored is not null) Publish(stored);
    }

    private void Publish(List<RatingSubmission> stored)
    {
        // Neither may fail the batch: it is committed, and its callers have their answers.
        try { _broadcaster.Publish(stored.ConvertAll(RatingEvent.From)); }
        catch (Exception e) when (e is not OutOfMemoryException) { LogListenerFailed(_logger, e); }
        try { Committed?.Invoke(stored); }
        catch (Exception e) when (e is not OutOfMemoryException) { LogListenerFailed(_logger, e); }
    }

    // The writer's own context and connection, kept open across batches (no scope, context, connection or PRAGMAs per
    // batch); dropped after a failed batch and made again for the next. On SQLite its statements are prepared once.
    private AsyncServiceScope? _scope;
    private MingchaDb? _db;
    private SqliteStatements? _sqlite;

    private MingchaDb Context()
    {
        if (_db is not null) return _db;
        _scope = _scopes.CreateAsyncScope();
        _db = _scope.Value.ServiceProvider.GetRequiredService<MingchaDb>();
        _db.Database.OpenConnection();
        return _db;
    }

    private readonly Lock _contextGate = new();

    /// <summary>
    /// Drops the writer's context. The writer thread (after a failed batch) and <see cref="StopAsync"/> may both call it:
    /// each takes the fields under a lock, so only one disposes them.
    /// </summary>
    private void DropContext()
    {
        AsyncServiceScope? scope;
        MingchaDb? db;
        SqliteStatements? sqlite;
        lock (_contextGate)
        {
            (scope, db, sqlite) = (_scope, _db, _sqlite);
            (_scope, _db, _sqlite) = (null, null, null);
        }
        sqlite?.Dispose();
        db?.Database.CloseConnection();
        scope?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) == 0) await _stopping.CancelAsync();
        await base.StopAsync(cancellationToken);
        // The host's stop may end before the writer thread does: let it finish its batch before its context goes.
        if (_writerThread is { } writer) await Task.Run(() => writer.Join(TimeSpan.FromSeconds(5)), CancellationToken.None);
        DropContext();
        // The writer has ended; the applier empties its queue into the tables (what it cannot stays in the journal).
        if (_applier is { } applier) await Task.Run(() => applier.Join(TimeSpan.FromSeconds(10)), CancellationToken.None);
    }

    private const string InsertColumns = "INSERT INTO \"Ratings\" (\"Id\",\"CaseNumber\",\"UnitId\",\"SectionId\",\"StaffId\",\"ServiceItemId\",\"Channel\",\"Scale\",\"Level\",\"CommonLevel\",\"IsBad\",\"RealName\",\"RaterPhone\",\"Comment\",\"RatedAt\",\"ReceivedAt\",\"DeviceId\") VALUES ";
    private const int ColumnCount = 17;

    /// <summary>PostgreSQL: a rating's values in the order of <see cref="InsertColumns"/> (SQLite binds them in <c>SqliteStatements.TryInsert</c>).</summary>
    private static object?[] Values(RatingSubmission s) =>
        [s.Id, s.CaseNumber, s.UnitId, s.SectionId, s.StaffId, s.ServiceItemId,
            s.Channel.ToString(), s.Scale.ToString(), s.Level, s.CommonLevel, s.IsBad, s.RaterPhone is not null, s.RaterPhone, s.Comment,
            s.RatedAt, s.ReceivedAt, s.DeviceId];

    private RatingWriteResult[] WriteBatch(List<Pending> batch, CancellationToken ct)
    {
        var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        var db = Context();
        try
        {
            // SQLite: synchronous (its async API is synchronous underneath) with statements prepared once; PostgreSQL:
            // the asynchronous path, waited for on this dedicated thread.
            return db.IsPostgres ? WriteBatchPostgresAsync(db, batch, t0, ct).GetAwaiter().GetResult() : WriteBatchSqlite(db, batch, t0);
        }
        catch
        {
            DropContext();
            throw;
        }
        finally
        {
            _db?.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// The writer's SQLite statements, prepared once on its connection and reused for every batch. The two that run once
    /// per rating (the case lookup and the INSERT) bind and read by position on SQLite's C API (decision 015: binding 17
    /// parameters by name through Microsoft.Data.Sqlite was most of the writer's own time); the audit line, once per
    /// batch, goes through Microsoft.Data.Sqlite.
    /// </summary>
    private sealed class SqliteStatements : IDisposable
    {
        public SqliteStatements(SqliteConnection conn)
        {
            Connection = conn;
            Begin = SqliteRaw.Prepare(conn, "BEGIN IMMEDIATE");
            Commit = SqliteRaw.Prepare(conn, "COMMIT");
            Rollback = SqliteRaw.Prepare(conn, "ROLLBACK");
            Insert = SqliteRaw.Prepare(conn, InsertColumns + "(" + string.Join(',', Enumerable.Repeat("?", ColumnCount)) + ") ON CONFLICT DO NOTHING");
            Rated = SqliteRaw.Prepare(conn, "SELECT 1 FROM \"Ratings\" WHERE \"CaseNumber\" = ? AND \"Channel\" = ?");
            Lookup = SqliteRaw.Prepare(conn, "SELECT \"UnitId\",\"SectionId\",\"StaffId\",\"ServiceItemId\" FROM \"ServiceRecords\" WHERE \"CaseNumber\" = ?");
            AuditTail = Prepare(conn, "SELECT \"Seq\",\"Hash\" FROM \"AuditEntries\" ORDER BY \"Seq\" DESC LIMIT 1", 0, "");
            AuditInsert = Prepare(conn, "INSERT INTO \"AuditEntries\" (\"Seq\",\"At\",\"UserId\",\"UserName\",\"Ip\",\"Action\",\"EntityType\",\"EntityKey\",\"Before\",\"After\",\"PrevHash\",\"Hash\") "
                + "VALUES (@a0,@a1,@a2,@a3,@a4,@a5,@a6,@a7,@a8,@a9,@a10,@a11)", 12, "@a");
        }

        public SqliteConnection Connection { get; }
        public SQLitePCL.sqlite3_stmt Begin { get; }
        public SQLitePCL.sqlite3_stmt Commit { get; }
        public SQLitePCL.sqlite3_stmt Rollback { get; }
        public SQLitePCL.sqlite3_stmt Insert { get; }
        public SQLitePCL.sqlite3_stmt Lookup { get; }
        public SQLitePCL.sqlite3_stmt Rated { get; }
        public SqliteCommand AuditTail { get; }
        public SqliteCommand AuditInsert { get; }

        /// <summary>
        /// BEGIN IMMEDIATE: the write lock, so the audit chain's tail is ours. While another connection writes (the
        /// aftercare, an import), it tries again every millisecond for up to 30 s. SQLite's own busy handler (this
        /// connection's busy_timeout is 0) sleeps 1, 2, 5, 10, 15, 20, 25 ms and more between tries, so a 5 ms write
        /// elsewhere held every device's answer for 8 ms and more (79 ms at worst in bench/ratings); and
        /// Microsoft.Data.Sqlite's BeginTransaction retries a busy BEGIN after 150 ms.
        /// </summary>
        public void BeginImmediate()
        {
            var started = Environment.TickCount64;
            while (true)
            {
                var rc = SQLitePCL.raw.sqlite3_step(Begin);
                SQLitePCL.raw.sqlite3_reset(Begin);
                if (rc == SQLitePCL.raw.SQLITE_DONE) return;
                if (rc != SQLitePCL.raw.SQLITE_BUSY || Environment.TickCount64 - started > 30_000) SqliteException.ThrowExceptionForRC(rc, Connection.Handle);
                Thread.Sleep(1);
            }
        }

        /// <summary>Rolls back the open transaction, if there is one (after a failure within a batch).</summary>
        public void RollbackIfOpen()
        {
            if (SQLitePCL.raw.sqlite3_get_autocommit(Connection.Handle) == 0) SqliteRaw.Execute(Connection, Rollback);
        }

        /// <summary>The pushed service record of a case, or null.</summary>
        public CaseRow? FindCase(string caseNumber)
        {
            SqliteRaw.BindText(Lookup, 1, caseNumber);
            try
            {
                if (!SqliteRaw.Step(Connection, Lookup)) return null;
                return new CaseRow(SqliteRaw.ReadGuid(Lookup, 0), SqliteRaw.ReadGuid(Lookup, 1), SqliteRaw.ReadNullableGuid(Lookup, 2), SqliteRaw.ReadNullableGuid(Lookup, 3));
            }
            finally
            {
                SQLitePCL.raw.sqlite3_reset(Lookup);
            }
        }

        /// <summary>Whether the table holds a rating of this case on this channel (the unique index's lookup).</summary>
        public bool IsRated(string caseNumber, RatingChannel channel)
        {
            SqliteRaw.BindText(Rated, 1, caseNumber);
            SqliteRaw.BindText(Rated, 2, channel.ToString());
            try { return SqliteRaw.Step(Connection, Rated); }
            finally { SQLitePCL.raw.sqlite3_reset(Rated); }
        }

        /// <summary>Inserts a rating; false when its id or its case on its channel is already stored (ON CONFLICT DO NOTHING).</summary>
        public bool TryInsert(RatingSubmission s)
        {
            // The columns of InsertColumns, in order, as Microsoft.Data.Sqlite would store them (SqliteRawTests).
            SqliteRaw.BindGuid(Insert, 1, s.Id);
            SqliteRaw.BindText(Insert, 2, s.CaseNumber);
            SqliteRaw.BindGuid(Insert, 3, s.UnitId);
            SqliteRaw.BindGuid(Insert, 4, s.SectionId);
            SqliteRaw.BindGuid(Insert, 5, s.StaffId);
            SqliteRaw.BindGuid(Insert, 6, s.ServiceItemId);
            SqliteRaw.BindText(Insert, 7, s.Channel.ToString());
            SqliteRaw.BindText(Insert, 8, s.Scale.ToString());
            SqliteRaw.BindInt64(Insert, 9, s.Level);
            SqliteRaw.BindInt64(Insert, 10, s.CommonLevel);
            SqliteRaw.BindInt64(Insert, 11, s.IsBad ? 1 : 0);
            SqliteRaw.BindInt64(Insert, 12, s.RaterPhone is not null ? 1 : 0);
            SqliteRaw.BindText(Insert, 13, s.RaterPhone);
            SqliteRaw.BindText(Insert, 14, s.Comment);
            SqliteRaw.BindDateTime(Insert, 15, s.RatedAt);
            SqliteRaw.BindDateTime(Insert, 16, s.ReceivedAt);
            SqliteRaw.BindGuid(Insert, 17, s.DeviceId);
            SqliteRaw.Execute(Connection, Insert);
            return SQLitePCL.raw.sqlite3_changes(Connection.Handle) == 1;
        }

        private static SqliteCommand Prepare(SqliteConnection conn, string sql, int parameters, string prefix)
        {
            var cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            for (var i = 0; i < parameters; i++) cmd.Parameters.Add(new SqliteParameter(prefix + i.ToString(CultureInfo.InvariantCulture), DBNull.Value));
            cmd.Prepare();
            return cmd;
        }

        public static void Bind(SqliteCommand cmd, object?[] values)
        {
            for (var i = 0; i < values.Length; i++) cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        public void Dispose()
        {
            Begin.Dispose(); Commit.Dispose(); Rollback.Dispose(); Insert.Dispose(); Lookup.Dispose(); Rated.Dispose(); AuditTail.Dispose(); AuditInsert.Dispose();
        }
    }

    private RatingWriteResult[] WriteBatchSqlite(MingchaDb db, List<Pending> batch, long t0)
    {
        var st = _sqlite ??= new SqliteStatements((SqliteConnection)db.Database.GetDbConnection());
        return JournalBatch(st, batch, t0);
    }

    // SQLite (decision 017): the writer journals and answers; the applier puts the journaled ratings into the tables.
    private RatingJournal? _journal;
    private Thread? _applier;
    private volatile bool _writerStopped;
    private long _journaledSeq;
    private long _appliedSeq;
    private TaskCompletionSource _appliedSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<(long Seq, List<RatingSubmission> Ratings)> _toApply = new();
    private readonly SemaphoreSlim _applyWake = new(0, int.MaxValue);
    private int _toApplyCount;

    /// <summary>
    /// Cases journaled and not yet in the table, by channel: the one-rating-per-case check (SAT-8) looks here first, then
    /// in the table; a key leaves only after its rating's commit, so a rating is always found in one of the two.
    /// </summary>
    private readonly ConcurrentDictionary<(string Case, RatingChannel Channel), byte> _unapplied = new();

    /// <summary>
    /// Completes once every rating acknowledged before the call is in the tables (at once on PostgreSQL, where the answer
    /// comes after the commit). The pipeline awaits it before any request but a device's rating, so that a page or a query
    /// made after an answer always finds the rating (decision 017).
    /// </summary>
    public Task CaughtUpAsync(CancellationToken ct = default)
    {
        if (_journal is null) return Task.CompletedTask;
        var target = Volatile.Read(ref _journaledSeq);
        return Volatile.Read(ref _appliedSeq) >= target ? Task.CompletedTask : WaitAppliedAsync(target, ct);
    }

    private async Task WaitAppliedAsync(long target, CancellationToken ct)
    {
        while (true)
        {
            var next = Volatile.Read(ref _appliedSignal).Task;
            if (Volatile.Read(ref _appliedSeq) >= target) return;
            await next.WaitAsync(ct);
        }
    }

    /// <summary>
    /// Opens the journal (SQLite) before the server takes requests, and inserts what an earlier run journaled but had not
    /// put into the tables when it stopped (a crash): ratings already stored are skipped by id.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var scope = _scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
            if (!db.IsPostgres) OpenJournal(db.Database.GetConnectionString()!, scope.ServiceProvider.GetRequiredService<IAuditActor>());
        }
        await base.StartAsync(cancellationToken);
    }

    private void OpenJournal(string connectionString, IAuditActor actor)
    {
        _journal = RatingJournal.OpenFirstFree(JournalFolder(connectionString), _options.JournalSize, out var held);
        try
        {
            Recover(_journal, held, connectionString, actor, _time, _logger);
        }
        catch
        {
            _journal.Dispose();
            _journal = null;
            throw;
        }
        _applier = new Thread(() => OwnThread(() => ApplyLoop(connectionString), "applier")) { IsBackground = true, Name = "rating-applier" };
        _applier.Start();
    }

    private static string JournalFolder(string connectionString) =>
        Path.GetDirectoryName(Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource))!;

    /// <summary>Inserts what a journal held at its opening (those not in the table yet), then empties it.</summary>
    private static int Recover(RatingJournal journal, List<RatingSubmission> held, string connectionString, IAuditActor actor, TimeProvider time, ILogger logger)
    {
        var inserted = 0;
        if (held.Count > 0)
        {
            using var conn = OpenApplierConnection(connectionString);
            // Ratings stored now keep the time they arrived, which may lie before the last counting of the days
            // (RatingDayCounts): the days are counted again from scratch, and read from the ratings until then. First,
            // so that a crash in between still finds the counts given up.
            using (var forget = conn.CreateCommand())
            {
                forget.CommandText = RatingDayCounts.ForgetSql;
                forget.ExecuteNonQuery();
            }
            using var st = new SqliteStatements(conn);
            inserted = Apply(st, actor, held, recovering: true, time, logger).Count;
            LogRecovered(logger, held.Count, inserted);
        }
        journal.Reset();
        return inserted;
    }

    /// <summary>
    /// SQLite: inserts the ratings of every journal of the database's folder that no running instance holds (left by an
    /// instance that was killed), as that instance's next start would; the backup calls it before its copy. Returns how
    /// many were not yet in the table.
    /// </summary>
    public static int RecoverUnheldJournals(string connectionString, IAuditActor actor, TimeProvider time, ILogger logger)
    {
        var folder = JournalFolder(connectionString);
        var inserted = 0;
        foreach (var path in Directory.EnumerateFiles(folder, "ratings*.journal"))
        {
            RatingJournal journal;
            List<RatingSubmission> held;
            try { journal = RatingJournal.Open(path, new FileInfo(path).Length, out held); }
            catch (IOException) { continue; } // held by a running instance, which answers for it
            using (journal) inserted += Recover(journal, held, connectionString, actor, time, logger);
        }
        return inserted;
    }

    private static SqliteConnection OpenApplierConnection(string connectionString)
    {
        var conn = new SqliteConnection(connectionString);
        conn.Open();
        using var pragma = conn.CreateCommand();
        // Checkpoints (copying the WAL into the database file, with an fsync of its own) would otherwise run inside
        // every thousandth page's commit and stall it; the checkpointer thread does them on its own connection.
        pragma.CommandText = "PRAGMA synchronous=FULL; PRAGMA wal_autocheckpoint=0; PRAGMA busy_timeout=0"; // busy: SqliteStatements.BeginImmediate
        pragma.ExecuteNonQuery();
        return conn;
    }

    /// <summary>
    /// The writer's part on SQLite: the case lookups and the one-rating-per-case check (SAT-8), then one write and fsync
    /// of the batch's stored ratings to the journal; the answer follows, and the applier takes them into the tables.
    /// </summary>
    private RatingWriteResult[] JournalBatch(SqliteStatements st, List<Pending> batch, long t0)
    {
        var results = new RatingWriteResult[batch.Count];
        var stored = new List<RatingSubmission>(batch.Count);
        HashSet<(string, RatingChannel)>? inBatch = null;
        for (var i = 0; i < batch.Count; i++)
        {
            var s = batch[i].Rating;
            if (s.CaseNumber is { } c)
            {
                // The case rated: fill in staff and service item from the pushed service record, refuse another unit's case.
                if (st.FindCase(c) is { } rec)
                {
                    if (rec.UnitId != s.UnitId) { results[i] = new(RatingWriteStatus.CaseOfOtherUnit, s); continue; }
                    s = s with { SectionId = rec.SectionId, StaffId = s.StaffId ?? rec.StaffId, ServiceItemId = s.ServiceItemId ?? rec.ServiceItemId };
                }
                if (_unapplied.ContainsKey((c, s.Channel)) || !(inBatch ??= []).Add((c, s.Channel)) || st.IsRated(c, s.Channel))
                {
                    results[i] = new(RatingWriteStatus.Duplicate, s);
                    continue;
                }
            }
            results[i] = new(RatingWriteStatus.Stored, s);
            stored.Add(s);
        }
        var t1 = System.Diagnostics.Stopwatch.GetTimestamp();
        if (stored.Count == 0) return results;

        var journal = _journal!;
        // The journal starts again from its beginning once the tables hold all it has (one header write); a batch that
        // does not fit waits for the applier first (it only happens when the tables fall far behind).
        var caughtUp = Volatile.Read(ref _appliedSeq) == _journaledSeq;
        if (!journal.IsEmpty && caughtUp && journal.Offset > journal.Size / 4) journal.Reset();
        if (!journal.TryAppend(stored))
        {
            while (Volatile.Read(ref _appliedSeq) != _journaledSeq)
            {
                if (_applier is not { IsAlive: true }) throw new InvalidOperationException("The rating applier stopped; the journal cannot be emptied.");
                Thread.Sleep(1);
            }
            journal.Reset();
            journal.Append(stored);
        }
        var t2 = System.Diagnostics.Stopwatch.GetTimestamp();

        foreach (var r in stored)
            if (r.CaseNumber is { } c) _unapplied[(c, r.Channel)] = 0;
        var seq = _journaledSeq + 1;
        Volatile.Write(ref _journaledSeq, seq);
        _toApply.Enqueue((seq, stored));
        Interlocked.Add(ref _toApplyCount, stored.Count);
        _applyWake.Release();
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            double checks = Ms(t0, t1), journaled = Ms(t1, t2);
            LogJournalTiming(_logger, batch.Count, checks, journaled);
        }
        return results;
    }

    /// <summary>
    /// The applier: takes the journaled ratings into the tables, everything waiting (after <see cref="RatingOptions.ApplyGather"/>)
    /// in one transaction with one sealing audit line (SEC-3), then tells the control centre and the listeners. A failed
    /// transaction is tried again; the ratings are safe in the journal meanwhile. At a stop it empties its queue first.
    /// </summary>
    private void ApplyLoop(string connectionString)
    {
        SqliteConnection? conn = null;
        SqliteStatements? st = null;
        AsyncServiceScope? scope = null;
        IAuditActor? actor = null;
        var gatherMs = (int)Math.Ceiling(_options.ApplyGather.TotalMilliseconds);
        var items = new List<(long Seq, List<RatingSubmission> Ratings)>();
        try
        {
            while (true)
            {
                if (_toApply.IsEmpty)
                {
                    if (_writerStopped) return;
                    _applyWake.Wait(250);
                    continue;
                }
                if (gatherMs > 0 && !_writerStopped && Volatile.Read(ref _toApplyCount) < _options.MaxBatch) Thread.Sleep(gatherMs);
                items.Clear();
                var ratings = new List<RatingSubmission>();
                while (ratings.Count < 10_000 && _toApply.TryDequeue(out var item)) { items.Add(item); ratings.AddRange(item.Ratings); }
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        if (st is null)
                        {
                            scope = _scopes.CreateAsyncScope();
                            actor = scope.Value.ServiceProvider.GetRequiredService<IAuditActor>();
                            conn = OpenApplierConnection(connectionString);
                            st = new SqliteStatements(conn);
                            StartCheckpointer(connectionString);
                        }
                        Apply(st, actor!, ratings, recovering: false, _time, _logger);
                        break;
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        LogApplyRetry(_logger, e, ratings.Count, attempt);
                        st?.Dispose(); st = null;
                        conn?.Dispose(); conn = null;
                        scope?.DisposeAsync().AsTask().GetAwaiter().GetResult(); scope = null;
                        if (_writerStopped && attempt >= 3) return; // they stay in the journal; the next start inserts them
                        Thread.Sleep(Math.Min(1000, 50 * attempt));
                    }
                }
                foreach (var r in ratings)
                    if (r.CaseNumber is { } c) _unapplied.TryRemove((c, r.Channel), out _);
                Interlocked.Add(ref _toApplyCount, -ratings.Count);
                Volatile.Write(ref _appliedSeq, items[^1].Seq);
                Interlocked.Exchange(ref _appliedSignal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                Publish(ratings);
            }
        }
        finally
        {
            st?.Dispose();
            conn?.Dispose();
            scope?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Inserts journaled ratings in one transaction with one audit line sealing those inserted; returns them.</summary>
    private static List<RatingSubmission> Apply(SqliteStatements st, IAuditActor actor, List<RatingSubmission> ratings, bool recovering, TimeProvider time, ILogger logger)
    {
        var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        st.BeginImmediate();
        try
        {
            // One prepared single-row statement per rating, bound by position. A rating already in the table (the
            // journal's copy of a rating committed before a crash) changes no row.
            var stored = new List<RatingSubmission>(ratings.Count);
            foreach (var r in ratings)
                if (st.TryInsert(r)) stored.Add(r);
            if (stored.Count < ratings.Count && !recovering) LogUnexpectedConflict(logger, ratings.Count - stored.Count);

            // SEC-3: one audit line per transaction seals the stored ratings' content (decision 008): the same chained line
            // as MingchaDb.SaveChangesAsync appends (AuditChain.CreateNext); BEGIN IMMEDIATE serialises appends to the chain.
            var t1 = System.Diagnostics.Stopwatch.GetTimestamp();
            if (stored.Count > 0)
            {
                AuditRecord? last = null;
                using (var r = st.AuditTail.ExecuteReader())
                    if (r.Read()) last = new AuditRecord(r.GetInt64(0), default, null, null, null, "", null, null, null, null, "", r.GetString(1));
                var record = AuditChain.CreateNext(last, time.GetUtcNow().UtcDateTime, actor.UserId, actor.UserName, actor.Ip,
                    recovering ? "ratings.recover" : "ratings.store", nameof(Rating), BatchKey(stored), null, BatchAfter(stored));
                SqliteStatements.Bind(st.AuditInsert, [record.Seq, record.At, record.UserId, record.UserName, record.Ip, record.Action, record.EntityType,
                    record.EntityKey, record.Before, record.After, record.PrevHash, record.Hash]);
                st.AuditInsert.ExecuteNonQuery();
            }
            var t2 = System.Diagnostics.Stopwatch.GetTimestamp();
            SqliteRaw.Execute(st.Connection, st.Commit);
            if (logger.IsEnabled(LogLevel.Debug))
            {
                double insert = Ms(t0, t1), audit = Ms(t1, t2), commit = Ms(t2, System.Diagnostics.Stopwatch.GetTimestamp());
                LogApplyTiming(logger, ratings.Count, insert, audit, commit);
            }
            return stored;
        }
        catch
        {
            try { st.RollbackIfOpen(); } catch (SqliteException) { }
            throw;
        }
    }

    private Thread? _checkpointer;
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>
    /// Copies the WAL into the database file every <see cref="RatingOptions.CheckpointInterval"/> with a PASSIVE
    /// checkpoint (it never blocks the writer); once it caught up, the next commit starts the WAL from its beginning
    /// again, so the file stays the same size and commits write over pages already allocated.
    /// </summary>
    private void StartCheckpointer(string connectionString)
    {
        if (_checkpointer is not null) return;
        var interval = (int)Math.Max(10, _options.CheckpointInterval.TotalMilliseconds);
        var ct = _stopping.Token;
        _checkpointer = new Thread(() => OwnThread(() =>
        {
            while (!ct.IsCancellationRequested && !ct.WaitHandle.WaitOne(interval))
            {
                try
                {
                    using var conn = new SqliteConnection(connectionString);
                    conn.Open();
                    using var cmd = conn.CreateCommand();
                    cmd.CommandText = "PRAGMA busy_timeout=5000; PRAGMA wal_checkpoint(PASSIVE);";
                    while (!ct.IsCancellationRequested)
                    {
                        cmd.ExecuteNonQuery();
                        if (ct.WaitHandle.WaitOne(interval)) return;
                    }
                }
                catch (SqliteException e) { LogCheckpointFailed(_logger, e); }
            }
        }, "checkpointer")) { IsBackground = true, Name = "rating-checkpnt" };
        _checkpointer.Start();
    }

    /// <summary>
    /// Runs a thread of the writer's own. An exception escaping a thread ends the whole process (the requests in flight,
    /// the other instance's tests, everything); this one is logged instead. What the applier had not taken into the
    /// tables stays in the journal, and the next start inserts it.
    /// </summary>
    private void OwnThread(Action body, string name)
    {
        try { body(); }
        catch (ObjectDisposedException) when (Volatile.Read(ref _disposed) == 1) { } // shutting down
        catch (Exception e) when (e is not OutOfMemoryException) { LogThreadEnded(_logger, e, name); }
    }

    private static string BatchKey(List<RatingSubmission> stored) => $"{stored[0].Id}..{stored[^1].Id}";

    private static string BatchAfter(List<RatingSubmission> stored) => BulkSeal.After(stored, CanonicalLine);

    private async Task<RatingWriteResult[]> WriteBatchPostgresAsync(MingchaDb db, List<Pending> batch, long t0, CancellationToken ct)
    {
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
            var known = await LookupCasesAsync(conn, dbTx, cases, ct);
            for (var i = 0; i < subs.Length; i++)
            {
                if (subs[i].CaseNumber is not { } c || !known.TryGetValue(c, out var rec)) continue;
                if (rec.UnitId != subs[i].UnitId) { results[i] = new(RatingWriteStatus.CaseOfOtherUnit, subs[i]); continue; }
                subs[i] = subs[i] with { SectionId = rec.SectionId, StaffId = subs[i].StaffId ?? rec.StaffId, ServiceItemId = subs[i].ServiceItemId ?? rec.ServiceItemId };
            }
        }

        // One multi-row statement per 2,000 (one round trip; parameters are positional there).
        var t2 = System.Diagnostics.Stopwatch.GetTimestamp();
        var toInsert = Enumerable.Range(0, subs.Length).Where(i => results[i] is null).ToList();
        var inserted = new HashSet<Guid>();
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
                var values = Values(subs[i]);
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

        foreach (var i in toInsert)
            results[i] = new(inserted.Contains(subs[i].Id) ? RatingWriteStatus.Stored : RatingWriteStatus.Duplicate, subs[i]);
        var stored = results.Where(r => r!.Status == RatingWriteStatus.Stored).Select(r => r!.Rating).ToList();

        // SEC-3: one audit line per batch seals the stored ratings' content (decision 008); NOTIFY for the other instances.
        var t3 = System.Diagnostics.Stopwatch.GetTimestamp();
        if (stored.Count > 0)
        {
            db.Audit(new AuditEvent("ratings.store", nameof(Rating), BatchKey(stored), null, BatchAfter(stored)));
            await db.SaveChangesAsync(ct);
            await NotifyAsync(conn, dbTx, stored, ct);
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

    private sealed record CaseRow(Guid UnitId, Guid SectionId, Guid? StaffId, Guid? ServiceItemId);

    private static async Task<Dictionary<string, CaseRow>> LookupCasesAsync(DbConnection conn, DbTransaction tx, List<string> cases, CancellationToken ct)
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
                map[r.GetString(0)] = new CaseRow(r.GetGuid(1), r.GetGuid(2), r.IsDBNull(3) ? null : r.GetGuid(3), r.IsDBNull(4) ? null : r.GetGuid(4));
        }
        return map;
    }

    /// <summary>SHA-256 over the stored ratings' canonical lines; anyone can recompute it from the Ratings table.</summary>
    public static string BatchHash(IEnumerable<RatingSubmission> stored) => BulkSeal.Hash(stored, CanonicalLine);

    private static string CanonicalLine(RatingSubmission s) =>
        string.Create(CultureInfo.InvariantCulture, $"{s.Id}|{s.CaseNumber}|{s.UnitId}|{s.SectionId}|{s.Channel}|{s.Scale}|{s.Level}|{s.RatedAt:O}");

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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rating batch {Count}: checks {Checks:F2} ms, journal {Journal:F2} ms")]
    private static partial void LogJournalTiming(ILogger logger, int count, double checks, double journal);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ratings applied {Count}: insert {Insert:F2} ms, audit {Audit:F2} ms, commit {Commit:F2} ms")]
    private static partial void LogApplyTiming(ILogger logger, int count, double insert, double audit, double commit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Taking {Count} journaled ratings into the tables failed (attempt {Attempt}); retrying")]
    private static partial void LogApplyRetry(ILogger logger, Exception e, int count, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} journaled ratings were already in the table; the one-rating-per-case check missed them")]
    private static partial void LogUnexpectedConflict(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The rating journal held {Held} ratings at start-up; {Inserted} of them were not yet in the table and are now")]
    private static partial void LogRecovered(ILogger logger, int held, int inserted);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rating batch of {Count} failed (attempt {Attempt}); retrying")]
    private static partial void LogRetry(ILogger logger, Exception e, int count, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rating batch of {Count} failed; the requests get an error and nothing was acknowledged")]
    private static partial void LogFailed(ILogger logger, Exception e, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkpointing the ratings' WAL failed; retrying")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The rating {Thread} thread ended on an error; ratings already acknowledged stay in the journal until the next start")]
    private static partial void LogThreadEnded(ILogger logger, Exception e, string thread);

    [LoggerMessage(Level = LogLevel.Error, Message = "A listener of committed ratings failed")]
    private static partial void LogListenerFailed(ILogger logger, Exception e);
}
