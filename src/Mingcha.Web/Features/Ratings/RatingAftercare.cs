using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Calendar;
using Mingcha.Domain.Satisfaction;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Features.Calendar;

namespace Mingcha.Web.Features.Ratings;

/// <summary>
/// After ratings are committed: opens a follow-up case for every bad one (SAT-7) with working-day deadlines from the
/// Calendar module, and runs the SAT-9 manipulation rules. Off the ingestion path, so a device's answer never waits
/// for it; at start-up it opens the cases of bad ratings stored just before a crash (the rating is durable, the case follows).
/// </summary>
public sealed partial class RatingAftercare : BackgroundService
{
    private readonly Channel<IReadOnlyList<RatingSubmission>> _work = Channel.CreateUnbounded<IReadOnlyList<RatingSubmission>>(new() { SingleReader = true });
    private readonly IServiceScopeFactory _scopes;
    private readonly CalendarService _calendar;
    private readonly RatingOptions _options;
    private readonly ILogger<RatingAftercare> _logger;
    private readonly TimeProvider _time;
    private readonly ManipulationThresholds _thresholds;
    // SAT-9 history kept in memory: the last top ratings per device and per window, and each phone's cases of the day.
    private readonly Dictionary<Guid, Queue<RatingFact>> _recentByKey = [];
    private readonly Dictionary<string, List<RatingFact>> _phoneDay = new(StringComparer.Ordinal);
    private DateOnly _phoneDayDate;

    public RatingAftercare(RatingWriter writer, IServiceScopeFactory scopes, CalendarService calendar, IOptions<RatingOptions> options, ILogger<RatingAftercare> logger, TimeProvider time)
    {
        _time = time; _scopes = scopes; _calendar = calendar; _options = options.Value; _logger = logger;
        _thresholds = _options.Manipulation;
        _thresholds.Validate(); // a bad setting stops the start with its name, as a bad scale mapping does
        writer.Committed += batch => _work.Writer.TryWrite(batch);
    }

    /// <summary>How often a pass also looks for bad ratings left without a case (besides start-up and the daily reminder job).</summary>
    private static readonly long MissingScanEveryMs = (long)TimeSpan.FromHours(1).TotalMilliseconds;

    private long _lastMissingScan = Environment.TickCount64;
    private bool _scanMissing; // a pass failed to open its cases: the next one looks for every missing case

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await TryOpenMissingCasesAsync(stoppingToken);
        var reader = _work.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                var all = new List<RatingSubmission>();
                while (reader.TryRead(out var b)) all.AddRange(b);
                // A case that a failed pass did not open is opened by a later one (SAT-7: every bad rating has its case),
                // not only at the next start.
                if (_scanMissing || Environment.TickCount64 - _lastMissingScan > MissingScanEveryMs)
                    _scanMissing = !await TryOpenMissingCasesAsync(stoppingToken);
                try { await OpenCasesAsync(all.Where(r => r.IsBad).ToList(), stoppingToken); }
                catch (Exception e) when (e is not OperationCanceledException) { LogFailed(_logger, e); _scanMissing = true; }
                // The flags apart: a failure to open the cases does not cost the pass its SAT-9 check, nor the reverse.
                try { if (_options.DetectManipulation) await FlagAsync(all, stoppingToken); }
                catch (Exception e) when (e is not OperationCanceledException) { LogFailed(_logger, e); }
                // Coalesce: on SQLite every write takes the one write lock the rating writer needs too, so the
                // aftercare writes at most once per interval, however many batches were committed meanwhile.
                await Task.Delay(_options.AftercareInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary><see cref="OpenMissingCasesAsync"/>, a failure logged (the start, a later pass and the daily reminder job try again).</summary>
    /// <returns>Whether it succeeded.</returns>
    public async Task<bool> TryOpenMissingCasesAsync(CancellationToken ct)
    {
        try
        {
            await OpenMissingCasesAsync(ct);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(_logger, e);
            return false;
        }
        finally { Volatile.Write(ref _lastMissingScan, Environment.TickCount64); }
    }

    /// <summary>Bad ratings of the last 30 days without a case (a crash between commit and case, or a pass that failed): opens them.</summary>
    public async Task OpenMissingCasesAsync(CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
        var since = _time.GetUtcNow().UtcDateTime.AddDays(-30);
        var missing = await db.Ratings.AsNoTracking().Where(r => r.IsBad && r.ReceivedAt >= since && !db.FollowUpCases.Any(f => f.RatingId == r.Id)).OrderBy(r => r.ReceivedAt)
            .Select(r => new RatingSubmission(r.Id, r.CaseNumber, r.UnitId, r.SectionId, r.StaffId, r.ServiceItemId, r.Channel, r.Scale, r.Level, r.CommonLevel,
                r.IsBad, r.RaterPhone, r.Comment, r.RatedAt, r.ReceivedAt, r.DeviceId)).Take(10_000).ToListAsync(ct);
        await OpenCasesAsync(missing, ct);
    }

    private async Task OpenCasesAsync(List<RatingSubmission> bad, CancellationToken ct)
    {
        if (bad.Count == 0) return;
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
        // SAT-7: real-name when the rater gave a phone, or the case rated has one on its service record (CallBackPhones).
        var records = await CallBackPhones.OfCasesAsync(db, bad.Where(r => r.RaterPhone is null).Select(r => r.CaseNumber), ct);
        var cases = new List<FollowUpCase>();
        foreach (var r in bad)
        {
            // Each step's deadline on its own: a December rating's call-back falls in this year though its later steps
            // fall in a year the calendar may not hold yet (CAL-3: no guess; filled in once the year is imported).
            var d1 = await FollowUpDeadlines.TryAsync(_calendar, r.RatedAt, _options.CallBackDays, ct);
            var d2 = await FollowUpDeadlines.TryAsync(_calendar, r.RatedAt, _options.VerifyDays, ct);
            var d3 = await FollowUpDeadlines.TryAsync(_calendar, r.RatedAt, _options.FixDays, ct);
            var d4 = await FollowUpDeadlines.TryAsync(_calendar, r.RatedAt, _options.InformDays, ct);
            cases.Add(new FollowUpCase(r.Id, r.UnitId, r.SectionId, CallBackPhones.For(r.RaterPhone, r.CaseNumber, r.UnitId, records) is not null, r.ReceivedAt,
                d1, d2, d3, d4));
        }
        var ids = cases.Select(c => c.RatingId).ToList();
        var existing = (await db.FollowUpCases.Where(f => ids.Contains(f.RatingId)).Select(f => f.RatingId).ToListAsync(ct)).ToHashSet();
        var open = cases.Where(c => !existing.Contains(c.RatingId)).ToList();
        if (open.Count == 0) return;
        try
        {
            // One short transaction: the cases in bulk and one audit line sealing them (SEC-3), as the rating writer
            // seals its batches. Everything above (deadlines, the check) ran before it. On SQLite the rating writer
            // waits for this write lock; through the change tracker, with an audit line per case, 175 cases held it
            // for 40 to 70 ms on a busy machine (bench/ratings), and every device's answer with it.
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            db.Audit(new AuditEvent("followups.open", nameof(FollowUpCase), $"{open[0].Id}..{open[^1].Id}", null, BulkSeal.After(open, CanonicalLine)));
            await db.SaveChangesAsync(ct);
            await BulkInsert.InsertAsync(db, open, ct);
            await tx.CommitAsync(ct);
        }
        catch (Exception e) when (e is DbUpdateException or Microsoft.Data.Sqlite.SqliteException or Npgsql.PostgresException)
        {
            // Another instance opened some of them at the same moment (unique index on RatingId): open the rest one by one.
            db.ChangeTracker.Clear();
            foreach (var c in open)
            {
                await using var s2 = _scopes.CreateAsyncScope();
                var db2 = s2.ServiceProvider.GetRequiredService<MingchaDb>();
                if (await db2.FollowUpCases.AnyAsync(f => f.RatingId == c.RatingId, ct)) continue;
                db2.FollowUpCases.Add(new FollowUpCase(c.RatingId, c.UnitId, c.SectionId, c.RealName, c.OpenedAt, c.CallBackDue, c.VerifyDue, c.FixDue, c.InformDue));
                try { await db2.SaveChangesAsync(ct); } catch (DbUpdateException) { }
            }
        }
    }

    /// <summary>An opened case's canonical line for its opening's audit seal (case, rating, deadlines).</summary>
    private static string CanonicalLine(FollowUpCase c) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{c.Id}|{c.RatingId}|{c.UnitId}|{c.SectionId}|{c.RealName}|{c.OpenedAt:O}|{c.CallBackDue:O}|{c.VerifyDue:O}|{c.FixDue:O}|{c.InformDue:O}");

    private async Task FlagAsync(List<RatingSubmission> ratings, CancellationToken ct)
    {
        var calendar = await _calendar.GetAsync(ct);
        bool IsWorkingDay(DateOnly d)
        {
            try { return calendar.IsWorkingDay(d); }
            catch (CalendarYearMissingException) { return d.DayOfWeek is not DayOfWeek.Saturday and not DayOfWeek.Sunday; }
        }
        var facts = ratings.Select(r => new RatingFact(r.Id, r.DeviceId, r.SectionId, RatingScaleMapping.IsTop(r.Scale, r.Level),
            TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(r.RatedAt, DateTimeKind.Utc), _calendar.TimeZone), r.RaterPhone, r.CaseNumber,
            AtWindow: r.Channel is RatingChannel.Device or RatingChannel.QrCode)).ToList();
        var history = new List<RatingFact>();
        foreach (var key in facts.SelectMany(f => f.DeviceId is { } d ? new[] { d, f.SectionId } : [f.SectionId]).Distinct())
            if (_recentByKey.TryGetValue(key, out var q)) history.AddRange(q);
        var today = DateOnly.FromDateTime(facts.Max(f => f.RatedAtLocal));
        // Only forward: a late rating (a device that was offline) must not wipe today's history of every phone (SAT-9).
        if (today > _phoneDayDate) { _phoneDay.Clear(); _phoneDayDate = today; }
        foreach (var p in facts.Where(f => f.Phone is not null).Select(f => f.Phone!).Distinct())
            if (_phoneDay.TryGetValue(p, out var list)) history.AddRange(list);

        var flags = ManipulationRules.Detect(facts, history, _thresholds, IsWorkingDay);

        foreach (var f in facts)
        {
            if (f.IsTop)
                foreach (var key in f.DeviceId is { } d ? new[] { d, f.SectionId } : [f.SectionId])
                {
                    if (!_recentByKey.TryGetValue(key, out var q)) _recentByKey[key] = q = new Queue<RatingFact>();
                    q.Enqueue(f);
                    while (q.Count > Math.Max(_thresholds.DeviceBurstCount, _thresholds.WindowBurstCount)) q.Dequeue();
                }
            if (f.Phone is { } phone && DateOnly.FromDateTime(f.RatedAtLocal) == _phoneDayDate)
            {
                if (!_phoneDay.TryGetValue(phone, out var list)) _phoneDay[phone] = list = [];
                list.Add(f);
            }
        }
        if (_recentByKey.Count > 100_000) _recentByKey.Clear();
        if (flags.Count == 0) return;

        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
        var now = _time.GetUtcNow().UtcDateTime;
        // A burst flags its earlier ratings too (SAT-9), some of which an earlier pass flagged already: those stay as they are.
        var flagged = flags.Select(f => f.RatingId).Distinct().ToList();
        var existing = (await db.RatingFlags.AsNoTracking().Where(f => flagged.Contains(f.RatingId)).Select(f => new { f.RatingId, f.Rule }).ToListAsync(ct))
            .Select(f => (f.RatingId, f.Rule)).ToHashSet();
        db.RatingFlags.AddRange(flags.DistinctBy(f => (f.RatingId, f.Rule)).Where(f => !existing.Contains((f.RatingId, f.Rule.ToString())))
            .Select(f => new RatingFlag(f.RatingId, f.Rule, f.Reason, now)));
        await db.SaveChangesAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Opening follow-up cases or flagging ratings failed")]
    private static partial void LogFailed(ILogger logger, Exception e);
}
