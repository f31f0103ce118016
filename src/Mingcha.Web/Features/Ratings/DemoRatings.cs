using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Identifiers;
using Mingcha.Domain.Satisfaction;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Calendar;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Ratings;

/// <summary>
/// The demo city's halls at work, so that the satisfaction pages of a fresh demo are not empty: the 16 windows of the
/// demo human-resources bureau's three halls finish cases (service records, SAT-8) and their citizens rate seven in eight
/// of them at the window's rating device (SAT-1), on working days within the SAT-9 opening hours. The first start fills the last
/// <see cref="BackfillWorkingDays"/> working days up to now, a later start the gap since the last demo case; while a
/// hall is open, <see cref="Infrastructure.DemoActivityLoop"/> adds a case and its rating every few seconds, so the control
/// centre (SAT-2) moves. Every rating goes through the <see cref="RatingWriter"/> as a device's does: it is journaled,
/// broadcast, its bad ratings open follow-up cases (SAT-7) and the SAT-9 rules see it. The follow-up cases of earlier
/// days are worked to the end as a unit would (call back, verify, fix, inform, at the times they were done), today's
/// stay open for the user to try. One caller of each demo day rates six cases: the SAT-9 phone rule flags it.
/// The east hall's devices use the national five-level scale, the other halls' the three-level one (SAT-1).
/// The other demo units' windows (行政审批科, one each) work too, more slowly (a case every 20 to 40 minutes) and each in
/// its own way (<see cref="Profiles"/>): fewer or more of their visitors rate, more or fewer of them content, and one
/// unit's device does not work (cases, no rating), so that the report ranks the units, its 评价率 differ and the
/// circular names a unit with cases and no rating (SAT-4, SAT-8).
/// Only with the demo city loaded (its human-resources bureau, <see cref="DemoData.HrUnitCode"/>, marked demo).
/// </summary>
public sealed partial class DemoRatings(IServiceScopeFactory scopes, RatingWriter writer, RatingIntake intake, CalendarService calendar,
    IOptions<RatingOptions> ratingOptions, IOptions<MingchaOptions> options, TimeProvider time, ILogger<DemoRatings> logger) : IDisposable
{
    /// <summary>Working days filled at the first start, today included.</summary>
    public const int BackfillWorkingDays = 5;

    /// <summary>The name the demo's rating devices' tokens start with.</summary>
    public const string DevicePrefix = "演示评价器 ";

    /// <summary>Minutes between two cases at one of the human-resources halls' windows: a case every 4 to 12 minutes.</summary>
    private const int MinGap = 4, MaxGap = 12;

    /// <summary>
    /// How another demo unit's window works, by its place among them (by code), in turn: how many of eight cases its
    /// visitors rate, and how much worse than the halls' its ratings are (added to the halls' draw, in thousandths).
    /// </summary>
    private static readonly (int RatedOfEight, int Worse)[] Profiles =
        [(7, 0), (6, 30), (5, 60), (7, 15), (4, 90), (6, 45), (3, 20), (7, 120), (5, 10)];

    /// <summary>The place among the other units' windows of the one whose device does not work: its cases are pushed, never rated.</summary>
    private const int BrokenDevice = 5;

    /// <summary>Minutes between two cases at another demo unit's window.</summary>
    private const int OtherMinGap = 20, OtherMaxGap = 40;

    private static readonly string[] BadComments =
        ["等候时间太长", "工作人员态度生硬", "材料要求没有一次性告知", "系统故障，白跑一趟", "窗口人员离岗，无人办理", "办理进度没人说明"];

    private readonly TimeZoneInfo _zone = options.Value.TimeZoneInfo;
    private readonly ManipulationThresholds _hours = ratingOptions.Value.Manipulation;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Window[]? _windows;
    private int _sequence;

    public void Dispose() => _gate.Dispose();

    /// <summary>
    /// One demo case: its record, pushed when its rating is given (its <c>CreatedAt</c>), and the rating; about one case
    /// in eight goes unrated (<see cref="Rated"/> false: only its record is stored), as at a real window.
    /// </summary>
    private sealed record DemoCase(ServiceRecord Record, RatingSubmission Rating, bool Rated);

    /// <summary>
    /// A demo window as the simulation uses it: its cases every <paramref name="MinGap"/> to <paramref name="MaxGap"/>
    /// minutes, <paramref name="RatedOfEight"/> of eight rated, <paramref name="Worse"/> thousandths worse than the halls'.
    /// </summary>
    private sealed record Window(Guid Id, Guid UnitId, string Code, Guid DeviceId, RatingScale Scale, Guid[] Staff, Guid[] Items,
        int MinGap = MinGap, int MaxGap = MaxGap, int RatedOfEight = 7, int Worse = 0);

    /// <summary>
    /// Fills the demo windows' cases and ratings from the last demo case (or the start of the backfill's first day)
    /// up to now, within opening hours; works the earlier days' follow-up cases. Nothing without the demo city.
    /// </summary>
    /// <returns>The cases stored.</returns>
    public async Task<int> BackfillAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (await WindowsAsync(ct) is not { Length: > 0 } windows) return 0;
            var now = time.GetUtcNow().UtcDateTime;
            var today = LocalDate(now);
            var firstDay = DemoDays.WorkingDaysBefore(await calendar.GetAsync(ct), today.AddDays(1), BackfillWorkingDays); // today counts
            var from = ToUtc(firstDay, _hours.Opens);
            // The last case stored, rated or not: each was pushed when it was (or would have been) rated.
            var sections = windows.Select(w => w.Id).ToList();
            DateTime? last;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
                last = await db.ServiceRecords.AsNoTracking().Where(r => sections.Contains(r.SectionId)).MaxAsync(r => (DateTime?)r.CreatedAt, ct);
            }
            if (last > from) from = last.Value.AddSeconds(1);

            var lastWorkingDay = today;
            while (!await IsWorkingDayAsync(lastWorkingDay, ct)) lastWorkingDay = lastWorkingDay.AddDays(-1);
            var cases = new List<DemoCase>();
            for (var day = LocalDate(from); day <= today; day = day.AddDays(1))
            {
                if (!await IsWorkingDayAsync(day, ct)) continue;
                var opens = ToUtc(day, _hours.Opens);
                var closes = ToUtc(day, _hours.Closes);
                var end = closes < now ? closes : now;
                var dayCases = new List<DemoCase>();
                for (var i = 0; i < windows.Length; i++)
                {
                    // Each window's day from a seed of its own: a later start makes the same cases up to its last rating and
                    // stores those after it (the case numbers differ; the cases before it are not stored again).
                    var random = new Random(day.DayNumber * 64 + i);
                    var w = windows[i];
                    for (var at = opens.AddMinutes(random.Next(0, w.MaxGap)); at < end; at = at.AddMinutes(random.Next(w.MinGap, w.MaxGap + 1)).AddSeconds(random.Next(60)))
                    {
                        var c = NewCase(w, at, random);
                        if (c.Rating.RatedAt <= end) dayCases.Add(c);
                    }
                }
                dayCases.Sort((a, b) => a.Rating.RatedAt.CompareTo(b.Rating.RatedAt));
                if (day == lastWorkingDay) PlantRepeatCaller(dayCases, windows[0].UnitId, day, from);
                cases.AddRange(dayCases.Where(c => c.Rating.RatedAt >= from));
            }
            await StoreAsync(cases, ct);
            await WorkEarlierFollowUpsAsync(windows, ToUtc(today, TimeOnly.MinValue), ct);
            return cases.Count;
        }
        finally { _gate.Release(); }
    }

    /// <summary>One case finished and rated at a random demo window now, when the halls are open (always rated: the control centre moves).</summary>
    /// <returns>Whether a rating was stored.</returns>
    public async Task<bool> RateOneAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (await WindowsAsync(ct) is not { Length: > 0 } windows) return false;
            var now = time.GetUtcNow().UtcDateTime;
            if (!await IsOpenAsync(now, ct)) return false;
            var window = Busy(windows.Where(w => w.RatedOfEight > 0).ToArray(), Random.Shared.NextDouble()); // a window whose device works
            await StoreAsync([NewCase(window, now.AddSeconds(-Random.Shared.Next(90, 150)), Random.Shared) with { Rated = true }], ct);
            return true;
        }
        finally { _gate.Release(); }
    }

    /// <summary>A window picked by how busy it is (the halls' more often than another unit's): <paramref name="at"/> in [0, 1).</summary>
    private static Window Busy(Window[] windows, double at)
    {
        var weights = windows.Select(w => 1.0 / (w.MinGap + w.MaxGap)).ToArray();
        var point = at * weights.Sum();
        for (var i = 0; i < windows.Length; i++)
            if ((point -= weights[i]) < 0) return windows[i];
        return windows[^1];
    }

    /// <summary>Whether the demo halls are open at <paramref name="utc"/>: a working day, between opening and closing.</summary>
    public async Task<bool> IsOpenAsync(DateTime utc, CancellationToken ct)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), _zone);
        var t = TimeOnly.FromDateTime(local);
        return t >= _hours.Opens && t < _hours.Closes && await IsWorkingDayAsync(DateOnly.FromDateTime(local), ct);
    }

    private DemoCase NewCase(Window w, DateTime finishedAt, Random random)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(finishedAt, _zone);
        var seq = Interlocked.Increment(ref _sequence);
        var caseNumber = $"RS{local:yyyyMMddHHmmss}{w.Code[^3..]}{Guid.NewGuid().ToString("N")[..4].ToUpperInvariant()}"; // unique at every start
        var staff = w.Staff.Length > 0 ? w.Staff[random.Next(w.Staff.Length)] : (Guid?)null;
        var item = w.Items.Length > 0 ? w.Items[random.Next(w.Items.Length)] : (Guid?)null;
        // Fictional mobile numbers: 137, the day of the year, five digits (well-formed for the checks, reachable by nobody).
        var phone = random.Next(10) < 8 ? $"137{local.DayOfYear:000}{(seq * 7919 + random.Next(100_000)) % 100_000:00000}" : null;
        var level = Level(w.Scale, Math.Min(999, random.Next(1000) + w.Worse));
        var bad = RatingScaleMapping.IsBad(w.Scale, level);
        var ratedAt = finishedAt.AddSeconds(random.Next(5, 90));
        var record = new ServiceRecord(caseNumber, w.UnitId, w.Id, staff, item, phone, finishedAt.AddMinutes(-random.Next(3, 25)), finishedAt, null, ratedAt);
        var rating = new RatingSubmission(RecordIds.NewVersion7(), caseNumber, w.UnitId, w.Id, staff, item, RatingChannel.Device, w.Scale, level,
            intake.Mapping.ToThreeLevel(w.Scale, level), bad, phone is not null && random.Next(3) == 0 ? phone : null,
            bad ? BadComments[random.Next(BadComments.Length)] : null, ratedAt, ratedAt, w.DeviceId);
        return new DemoCase(record, rating, random.Next(8) < w.RatedOfEight);
    }

    /// <summary>About 90% satisfied, 2.5% unsatisfied, as a well-run hall.</summary>
    private static int Level(RatingScale scale, int permille) => scale == RatingScale.FiveLevel
        ? permille switch { < 720 => 1, < 920 => 2, < 980 => 3, < 993 => 4, _ => 5 }
        : permille switch { < 900 => 1, < 975 => 2, _ => 3 };

    /// <summary>
    /// SAT-9's phone rule at work: one number gives six of the day's cases at the unit's windows (more than the five
    /// allowed) as its own. Only when all six are stored now: a start that finds some of them stored already (without the
    /// number) plants none.
    /// </summary>
    private static void PlantRepeatCaller(List<DemoCase> cases, Guid unitId, DateOnly day, DateTime storedFrom)
    {
        var at = cases.Select((c, k) => (c, k)).Where(x => x.c.Record.UnitId == unitId).Select(x => x.k).ToList();
        if (at.Count < 60 || cases[at[10]].Rating.RatedAt < storedFrom) return;
        var phone = $"137{day.DayOfYear:000}99999";
        for (var i = 0; i < 6; i++)
        {
            var k = at[10 + i * 7];
            cases[k] = cases[k] with { Rating = cases[k].Rating with { RaterPhone = phone }, Rated = true };
        }
    }

    private async Task StoreAsync(List<DemoCase> cases, CancellationToken ct)
    {
        if (cases.Count == 0) return;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
            if (cases.Count == 1)
            {
                // One finished case, as a business system pushes it (SAT-8, decision 008): a copy of its record, no audit line.
                db.ServiceRecords.Add(cases[0].Record);
                await db.SaveChangesAsync(ct);
            }
            else
            {
                // The days filled at a start, as an import of the business systems' records: one transaction, one audit line.
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                db.Audit(new Audit.AuditEvent("demo.cases", nameof(ServiceRecord), $"{cases[0].Record.CaseNumber}..{cases[^1].Record.CaseNumber}", null,
                    $"{cases.Count} demo cases"));
                await db.SaveChangesAsync(ct);
                await BulkInsert.InsertAsync(db, cases.Select(c => c.Record).ToList(), ct);
                await tx.CommitAsync(ct);
            }
        }
        // Through the writer, as a device's ratings: journaled, committed, broadcast, followed up. At most a writer's batch in flight.
        foreach (var chunk in cases.Where(c => c.Rated).Chunk(ratingOptions.Value.MaxBatch))
            await Task.WhenAll(chunk.Select(c => writer.Enqueue(c.Rating)));
        var today = LocalDate(time.GetUtcNow().UtcDateTime);
        if (cases.Any(c => c.Rated && LocalDate(c.Rating.RatedAt) < today)) await CountAgainAsync(ct);
    }

    /// <summary>
    /// Earlier days' ratings stored now keep the time they were given as their arrival, which the days' counting
    /// (decision 043) would not see as late: once they are in the tables it is given up, as after a journal's replay
    /// (a counting under way, the start's, ends given up), and the days are counted again from scratch.
    /// </summary>
    private async Task CountAgainAsync(CancellationToken ct)
    {
        await writer.CaughtUpAsync(ct);
        await using var scope = scopes.CreateAsyncScope();
        await RatingDayCounts.ForgetAsync(scope.ServiceProvider.GetRequiredService<MingchaDb>(), ct);
        await scope.ServiceProvider.GetRequiredService<RatingDayCounts>().RefreshAsync(ct);
    }

    /// <summary>
    /// SAT-7 as a unit works it: the open follow-up cases of the demo devices' ratings before <paramref name="beforeUtc"/> are
    /// called back (reached), verified, fixed and the rater told, each within its working-day deadline, at the times
    /// they were done. Waits for the aftercare to open the cases (it runs a moment after the commit).
    /// </summary>
    private Task WorkEarlierFollowUpsAsync(Window[] windows, DateTime beforeUtc, CancellationToken ct)
    {
        // The demo devices' ratings only: a rating someone gave a demo window through the API is theirs to follow up.
        var devices = windows.Select(w => (Guid?)w.DeviceId).ToList();
        return WorkEarlierFollowUpsAsync(r => devices.Contains(r.DeviceId), beforeUtc, ct);
    }

    /// <summary>As <see cref="WorkEarlierFollowUpsAsync(Window[], DateTime, CancellationToken)"/>, for the ratings <paramref name="demoRatings"/> takes.</summary>
    private async Task WorkEarlierFollowUpsAsync(Expression<Func<Rating, bool>> demoRatings, DateTime beforeUtc, CancellationToken ct)
    {
        await writer.CaughtUpAsync(ct); // the acknowledged ratings in the tables (decision 017)
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
        var demo = db.Ratings.Where(demoRatings).Where(r => r.IsBad && r.RatedAt < beforeUtc);
        var bad = await demo.CountAsync(r => !db.FollowUpCases.Any(f => f.RatingId == r.Id && f.State != FollowUpState.Open), ct);
        if (bad == 0) return;
        List<FollowUpCase> open = [];
        for (var wait = 0; wait < 100; wait++)
        {
            open = await db.FollowUpCases.Where(f => f.State == FollowUpState.Open && demo.Any(r => r.Id == f.RatingId))
                .OrderBy(f => f.OpenedAt).ToListAsync(ct);
            if (open.Count >= bad) break;
            db.ChangeTracker.Clear();
            await Task.Delay(100, ct);
        }
        var effort = ratingOptions.Value.CallBackEffort;
        foreach (var f in open)
        {
            var at = f.OpenedAt;
            foreach (var (step, note, hours) in new (FollowUpStep, string, int)[]
            {
                (FollowUpStep.CallBack, "已电话回访评价人，了解不满意的原因。", 2),
                (FollowUpStep.Verify, "调阅窗口录像和办件记录，情况属实。", 4),
                (FollowUpStep.Fix, "已对窗口人员批评教育，补办完成，调整高峰时段人手。", 24),
                (FollowUpStep.Inform, "已将整改情况告知评价人，评价人表示认可。", 20),
            })
            {
                if (f.NextStep != step) continue;
                var due = f.Due(step);
                var done = at.AddHours(hours);
                if (due is { } d && LocalDate(done) > d) done = ToUtc(d, new TimeOnly(16, 0));
                if (done < at) done = at.AddMinutes(30);
                if (done > time.GetUtcNow().UtcDateTime) break;
                f.CompleteStep(step, note, step == FollowUpStep.CallBack ? true : null, done, effort);
                at = done;
            }
        }
        await db.SaveChangesAsync(ct);
    }

    private async Task<Window[]> WindowsAsync(CancellationToken ct)
    {
        if (_windows is { } known) return known;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
        var hr = await db.Units.AsNoTracking().Where(u => u.Code == DemoData.HrUnitCode && u.IsDemo && u.Active).Select(u => (Guid?)u.Id).FirstOrDefaultAsync(ct);
        if (hr is not { } unit) return _windows = [];
        var halls = await db.Sections.AsNoTracking().Where(s => s.UnitId == unit && s.IsDemo && s.Kind == Organisation.SectionKind.ServiceHall)
            .OrderBy(s => s.Code).Select(s => new { s.Id, s.Code }).ToListAsync(ct);
        var hallIds = halls.Select(h => (Guid?)h.Id).ToList();
        var windows = await db.Sections.AsNoTracking().Where(s => s.IsDemo && s.Active && s.Kind == Organisation.SectionKind.Window && hallIds.Contains(s.ParentSectionId))
            .OrderBy(s => s.Code).Select(s => new { s.Id, s.UnitId, s.Code, s.Name, s.ParentSectionId }).ToListAsync(ct);
        var hallWindows = windows.Count;
        // The other demo units' windows, each of its own unit, after the halls'.
        windows.AddRange(await db.Sections.AsNoTracking()
            .Where(s => s.IsDemo && s.Active && s.Kind == Organisation.SectionKind.Window && s.UnitId != unit && s.ParentSectionId == null
                && db.Units.Any(u => u.Id == s.UnitId && u.IsDemo && u.Active))
            .OrderBy(s => s.Code).Select(s => new { s.Id, s.UnitId, s.Code, s.Name, s.ParentSectionId }).ToListAsync(ct));
        var ids = windows.Select(w => (Guid?)w.Id).ToList();
        var staff = await db.Staff.AsNoTracking().Where(s => ids.Contains(s.SectionId) && s.Active).OrderBy(s => s.Code)
            .Select(s => new { s.Id, s.SectionId }).ToListAsync(ct);
        var wids = windows.Select(w => w.Id).ToList();
        var items = await db.SectionServiceItems.AsNoTracking().Where(i => wids.Contains(i.SectionId)).OrderBy(i => i.Id)
            .Select(i => new { i.SectionId, i.ServiceItemId }).ToListAsync(ct);
        var tokens = await db.ApiTokens.Where(t => t.CreatedBy == "demo" && t.Name.StartsWith(DevicePrefix) && t.RevokedAt == null)
            .ToListAsync(ct);
        var list = new List<Window>();
        foreach (var w in windows)
        {
            var other = list.Count - hallWindows; // its place among the other units' windows (negative: a hall's)
            // The east hall (the second) rates on the national five-level scale, as a hall that joined the 好差评 system.
            var scale = halls.Count > 1 && w.ParentSectionId == halls[1].Id ? RatingScale.FiveLevel : RatingScale.ThreeLevel;
            var token = tokens.FirstOrDefault(t => t.Name == DevicePrefix + w.Code);
            if (token is null)
            {
                var made = await AccountsApi.CreateTokenAsync(new AccountsApi.CreateTokenRequest(DevicePrefix + w.Code, ["ratings:write"], w.UnitId, null, scale),
                    "demo", db, time, ct);
                var point = await db.Set<RatingPoint>().FirstOrDefaultAsync(p => p.SectionId == w.Id, ct);
                if (point is null) db.Add(point = new RatingPoint(w.Id));
                point.Set(scale, false, "demo", time.GetUtcNow().UtcDateTime);
                await db.SaveChangesAsync(ct);
                token = await db.ApiTokens.AsNoTracking().FirstAsync(t => t.Id == made.Id, ct);
            }
            var window = new Window(w.Id, w.UnitId, w.Code, token.Id, token.RatingScale ?? scale,
                staff.Where(s => s.SectionId == w.Id).Select(s => s.Id).ToArray(),
                items.Where(i => i.SectionId == w.Id).Select(i => i.ServiceItemId).ToArray());
            if (other >= 0)
            {
                var (rated, worse) = other == BrokenDevice ? (0, 0) : Profiles[other % Profiles.Length];
                window = window with { MinGap = OtherMinGap, MaxGap = OtherMaxGap, RatedOfEight = rated, Worse = worse };
            }
            list.Add(window);
        }
        LogReady(logger, list.Count);
        return _windows = list.ToArray();
    }

    private async Task<bool> IsWorkingDayAsync(DateOnly day, CancellationToken ct) => DemoDays.IsWorkingDay(await calendar.GetAsync(ct), day);

    private DateOnly LocalDate(DateTime utc) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), _zone));

    private DateTime ToUtc(DateOnly day, TimeOnly at) => TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(at, DateTimeKind.Unspecified), _zone);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo ratings: {Windows} windows of the demo city rated")]
    private static partial void LogReady(ILogger logger, int windows);
}
