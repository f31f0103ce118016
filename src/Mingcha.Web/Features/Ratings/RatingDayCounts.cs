using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Satisfaction;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Jobs;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Ratings;

/// <summary>Ratings of one key counted: what every period figure of SAT-4 (rates, coefficients, rankings) is made from.</summary>
public sealed record RatingCount(Guid UnitId, Guid SectionId, Guid? StaffId, RatingScale Scale, int Level, int CommonLevel, bool Excluded, int Count);

/// <summary>
/// Cases (SAT-8) finished at one unit's window by one staff member (null: none named) counted: how many, how many rated on
/// any channel, by the public on their own (the window's device or the QR page: 好差评's 主动评价) and with a bad rating.
/// </summary>
public sealed record CaseCount(Guid UnitId, Guid SectionId, Guid? StaffId, int Cases, int Rated, int RatedByPublic, int WithBad) : ICaseFigures;

/// <summary>Cases counted with their ratings, whatever they are counted by (SAT-8).</summary>
public interface ICaseFigures
{
    int Cases { get; }
    int Rated { get; }
    int RatedByPublic { get; }
    int WithBad { get; }
}

/// <summary>
/// The cases or ratings of one service item to list (SAT-8): the item <see cref="Id"/>, or (null) those naming none
/// (未注明事项); <c>item=…</c> in a query string, <see cref="None"/> for the latter.
/// </summary>
public sealed record ServiceItemChoice(Guid? Id)
{
    public const string None = "none";

    /// <summary>The choice a query's <paramref name="text"/> names (null: every item); anything else is a 400 naming the field.</summary>
    public static ServiceItemChoice? Parse(string? text) => text switch
    {
        null or "" => null,
        None => new ServiceItemChoice((Guid?)null),
        _ when Guid.TryParse(text, out var id) => new ServiceItemChoice(id),
        _ => throw new FieldException("item", $"服务事项须为事项的 ID，或 {None}（未注明事项）。 The service item must be an item's id, or {None} (cases naming none)."),
    };

    /// <summary>The choice in a query string.</summary>
    public override string ToString() => Id?.ToString() ?? None;

    /// <summary>The records of this item alone.</summary>
    public IQueryable<T> Of<T>(IQueryable<T> q) where T : IServiceItemRecord =>
        Id is { } id ? q.Where(r => r.ServiceItemId == id) : q.Where(r => r.ServiceItemId == null);
}

/// <summary>Ratings of one office day and level counted: what a trend is made from.</summary>
public sealed record DayCount(DateOnly Day, RatingScale Scale, int Level, int CommonLevel, bool Excluded, int Count);

/// <summary>A unit's ratings of one service item (null: none named) and level counted: a unit's report by item.</summary>
public sealed record ItemCount(Guid UnitId, Guid? ServiceItemId, RatingScale Scale, int Level, int CommonLevel, bool Excluded, int Count);

/// <summary>A unit's cases of one service item (null: none named) counted, with their ratings (as <see cref="CaseCount"/>).</summary>
public sealed record ItemCases(Guid UnitId, Guid? ServiceItemId, int Cases, int Rated, int RatedByPublic, int WithBad) : ICaseFigures, IServiceItemRecord;

/// <summary>Cases finished on one office day counted, with their ratings (as <see cref="CaseCount"/>): a trend's 评价率.</summary>
public sealed record CaseDayCount(DateOnly Day, int Cases, int Rated, int RatedByPublic, int WithBad) : ICaseFigures;

/// <summary>
/// SAT-3, SAT-4: the ratings that count in a period, counted by unit, section, staff member, level and exclusion (decision
/// 043). Days up to yesterday come from <see cref="RatingDayCount"/> (a few rows a day instead of every rating: a year of
/// a million ratings in tens of milliseconds instead of seconds); today, and any counted day that changed since it was
/// counted, come from the ratings themselves, so a figure is always what the ratings say now:
/// <list type="bullet">
/// <item>a rating stored for a counted day after its counting (a device's late upload, a journal replayed after a crash)
/// is found by its <see cref="Rating.ReceivedAt"/>, looked for from <see cref="Margin"/> before the counting began;</item>
/// <item>an exclusion decided since (SAT-7, SAT-9) by its <see cref="RatingExclusion.DecidedAt"/>, the same way;</item>
/// <item>a clock set back before the counting, or a counting under way from scratch, makes the whole period read from
/// the ratings.</item>
/// </list>
/// The hourly job <see cref="RatingDayCountJob"/> counts the days that ended and recounts the days that changed; the
/// <c>count-ratings</c> command does the same by hand (after a restore, say).
/// </summary>
public sealed partial class RatingDayCounts(MingchaDb db, LocalClock clock, ILogger<RatingDayCounts> logger)
{
    /// <summary>
    /// How long before a counting began a rating's arrival is still looked at: longer than any rating waits between its
    /// answer and its row (milliseconds behind the journal, decision 017) and any step of the clock a time service makes.
    /// </summary>
    public static readonly TimeSpan Margin = TimeSpan.FromMinutes(15);

    /// <summary>The survey answers counted in each period asked for (scoped: the yearly assessment asks for every unit's year in turn).</summary>
    private readonly Dictionary<(DateTime, DateTime), List<Guid>> _surveyed = [];

    /// <summary>Ratings at these units (null: all) and sections (null: all) that count in the office days [from, to].</summary>
    public async Task<List<RatingCount>> CountAsync(DateOnly from, DateOnly to, IReadOnlyCollection<Guid>? units, IReadOnlyCollection<Guid>? sections,
        CancellationToken ct)
    {
        var (rows, live) = await ReadCountedAsync<RatingDayCount, RatingCount>(from, to, q => Filter(q, units, sections), (counted, c) => counted
            .GroupBy(x => new { x.UnitId, x.SectionId, x.StaffId, x.Scale, x.Level, x.CommonLevel, x.Excluded })
            .Select(g => new RatingCount(g.Key.UnitId, g.Key.SectionId, g.Key.StaffId, g.Key.Scale, g.Key.Level, g.Key.CommonLevel, g.Key.Excluded, g.Sum(x => x.Count)))
            .ToListAsync(c), ct);
        foreach (var (f, t) in live)
        {
            var (s, e) = RatingPeriods.UtcBounds(clock, f, t);
            rows.AddRange(await Grouped(Filter(db.Ratings.AsNoTracking(), units, sections)
                .Where(r => r.Channel != RatingChannel.Phone && r.RatedAt >= s && r.RatedAt < e), ct));
        }
        // SAT-3: a phone survey's answers count in the period of the service they rate, never in the days' counts.
        var surveyed = await SurveyedAsync(from, to, ct);
        if (surveyed.Count > 0)
            rows.AddRange(await Grouped(Filter(db.Ratings.AsNoTracking(), units, sections).Where(r => r.Channel == RatingChannel.Phone && surveyed.Contains(r.Id)), ct));
        return rows.GroupBy(r => r with { Count = 0 }).Select(g => g.Key with { Count = g.Sum(r => r.Count) }).ToList();
    }

    /// <summary>
    /// The cases at these units (null: all) and sections (null: all) finished in the office days [from, to], by unit and
    /// window and staff member, with their ratings as they stand: counted days from <see cref="ServiceRecordDayCount"/>, the
    /// rest (today, a day with a case pushed late or a case rated since it was counted) from the cases.
    /// </summary>
    public async Task<List<CaseCount>> CountCasesAsync(DateOnly from, DateOnly to, IReadOnlyCollection<Guid>? units, IReadOnlyCollection<Guid>? sections,
        CancellationToken ct)
    {
        var (rows, live) = await ReadCountedAsync<ServiceRecordDayCount, CaseCount>(from, to, q => Filter(q, units, sections), (counted, c) => counted
            .GroupBy(x => new { x.UnitId, x.SectionId, x.StaffId })
            .Select(g => new CaseCount(g.Key.UnitId, g.Key.SectionId, g.Key.StaffId, g.Sum(x => x.Cases), g.Sum(x => x.Rated), g.Sum(x => x.RatedByPublic), g.Sum(x => x.WithBad)))
            .ToListAsync(c), ct);
        foreach (var (f, t) in live)
        {
            var (s, e) = RatingPeriods.UtcBounds(clock, f, t);
            rows.AddRange(await GroupedCasesAsync(Filter(db.ServiceRecords.AsNoTracking(), units, sections).Where(r => r.FinishedAt >= s && r.FinishedAt < e), ct));
        }
        return rows.GroupBy(r => (r.UnitId, r.SectionId, r.StaffId))
            .Select(g => new CaseCount(g.Key.UnitId, g.Key.SectionId, g.Key.StaffId, g.Sum(r => r.Cases), g.Sum(r => r.Rated), g.Sum(r => r.RatedByPublic), g.Sum(r => r.WithBad)))
            .ToList();
    }

    /// <summary>The same cases as <see cref="CountCasesAsync"/>, by the office day they were finished alone (for a trend).</summary>
    public async Task<List<CaseDayCount>> CountCasesByDayAsync(DateOnly from, DateOnly to, IReadOnlyCollection<Guid>? units, CancellationToken ct)
    {
        var (rows, live) = await ReadCountedAsync<ServiceRecordDayCount, CaseDayCount>(from, to, q => Filter(q, units, null), (counted, c) => counted
            .GroupBy(x => x.Day)
            .Select(g => new CaseDayCount(g.Key, g.Sum(x => x.Cases), g.Sum(x => x.Rated), g.Sum(x => x.RatedByPublic), g.Sum(x => x.WithBad)))
            .ToListAsync(c), ct);
        foreach (var (f, t) in live)
            for (var day = f; day <= t; day = day.AddDays(1))
            {
                var (s, e) = Bounds(day);
                var figures = ServiceRecordList.Figures.Of(await GroupedCasesAsync(
                    Filter(db.ServiceRecords.AsNoTracking(), units, null).Where(r => r.FinishedAt >= s && r.FinishedAt < e), ct));
                if (figures.Cases > 0) rows.Add(new CaseDayCount(day, figures.Cases, figures.Rated, figures.RatedByPublic, figures.WithBad));
            }
        return rows;
    }

    /// <summary>Cases counted by unit, window, staff member and service item, with their ratings.</summary>
    private sealed record FineCases(Guid UnitId, Guid SectionId, Guid? StaffId, Guid? ServiceItemId, int Cases, int Rated, int RatedByPublic, int WithBad)
        : ICaseFigures, IServiceItemRecord;

    /// <summary>
    /// The cases counted by unit, window, staff member and service item in one query, each case's ratings found by the
    /// (case number, channel) index: rated on any channel, by the public on their own (device or QR page), with a bad
    /// rating (excluded or not: the case was rated so). The counts by window (<see cref="ByWindow(List{FineCases})"/>) and by item
    /// (<see cref="ByItem{T}(IEnumerable{T})"/>) are sums of these rows: a counted day looks the ratings up once for both.
    /// </summary>
    private Task<List<FineCases>> FineCasesAsync(IQueryable<ServiceRecord> cases, CancellationToken ct) => cases
        .Select(r => new
        {
            r.UnitId,
            r.SectionId,
            r.StaffId,
            r.ServiceItemId,
            Rated = db.Ratings.Any(x => x.CaseNumber == r.CaseNumber),
            ByPublic = db.Ratings.Any(x => x.CaseNumber == r.CaseNumber && (x.Channel == RatingChannel.Device || x.Channel == RatingChannel.QrCode)),
            Bad = db.Ratings.Any(x => x.CaseNumber == r.CaseNumber && x.IsBad),
        })
        .GroupBy(x => new { x.UnitId, x.SectionId, x.StaffId, x.ServiceItemId })
        .Select(g => new FineCases(g.Key.UnitId, g.Key.SectionId, g.Key.StaffId, g.Key.ServiceItemId, g.Count(), g.Count(x => x.Rated), g.Count(x => x.ByPublic), g.Count(x => x.Bad)))
        .ToListAsync(ct);

    /// <summary>These cases counted by unit, window and staff member from the cases themselves (a narrow list's figures).</summary>
    public async Task<List<CaseCount>> GroupedCasesAsync(IQueryable<ServiceRecord> cases, CancellationToken ct) => ByWindow(await FineCasesAsync(cases, ct));

    private static List<CaseCount> ByWindow(List<FineCases> rows) => rows.GroupBy(r => (r.UnitId, r.SectionId, r.StaffId))
        .Select(g => new CaseCount(g.Key.UnitId, g.Key.SectionId, g.Key.StaffId, g.Sum(r => r.Cases), g.Sum(r => r.Rated), g.Sum(r => r.RatedByPublic), g.Sum(r => r.WithBad)))
        .ToList();

    private static List<ItemCases> ByItem<T>(IEnumerable<T> rows) where T : ICaseFigures, IServiceItemRecord => rows.GroupBy(r => (r.UnitId, r.ServiceItemId))
        .Select(g => new ItemCases(g.Key.UnitId, g.Key.ServiceItemId, g.Sum(r => r.Cases), g.Sum(r => r.Rated), g.Sum(r => r.RatedByPublic), g.Sum(r => r.WithBad)))
        .ToList();

    /// <summary>
    /// A unit's ratings that count in [from, to] (as <see cref="CountAsync"/>) and its cases finished then, by service item
    /// (SAT-8: the rating's own, or its case's when the device named none; null: neither names one): counted days from
    /// <see cref="ItemDayCount"/> and <see cref="ItemCaseDayCount"/>, the rest from the ratings and the cases.
    /// </summary>
    public async Task<(List<ItemCount> Ratings, List<ItemCases> Cases)> CountByItemAsync(DateOnly from, DateOnly to, Guid unitId, CancellationToken ct)
    {
        var (ratings, live) = await ReadCountedAsync<ItemDayCount, ItemCount>(from, to, q => q.Where(c => c.UnitId == unitId), (counted, c) => counted
            .GroupBy(x => new { x.ServiceItemId, x.Scale, x.Level, x.CommonLevel, x.Excluded })
            .Select(g => new ItemCount(unitId, g.Key.ServiceItemId, g.Key.Scale, g.Key.Level, g.Key.CommonLevel, g.Key.Excluded, g.Sum(x => x.Count)))
            .ToListAsync(c), ct);
        foreach (var (f, t) in live)
        {
            var (s, e) = RatingPeriods.UtcBounds(clock, f, t);
            ratings.AddRange(ByItem(await FineRatingsAsync(db.Ratings.AsNoTracking().Where(r => r.UnitId == unitId && r.Channel != RatingChannel.Phone && r.RatedAt >= s && r.RatedAt < e), ct)));
        }
        var surveyed = await SurveyedAsync(from, to, ct);
        if (surveyed.Count > 0)
            ratings.AddRange(ByItem(await FineRatingsAsync(db.Ratings.AsNoTracking().Where(r => r.UnitId == unitId && r.Channel == RatingChannel.Phone && surveyed.Contains(r.Id)), ct)));

        return (ratings.GroupBy(r => r with { Count = 0 }).Select(g => g.Key with { Count = g.Sum(r => r.Count) }).ToList(),
            await CountCasesByItemAsync(from, to, [unitId], null, ct));
    }

    /// <summary>
    /// The cases at these units (null: all) finished in the office days [from, to] by unit and service item (the case's
    /// own; null: none named), of <paramref name="item"/> alone when given, with their ratings as they stand: counted days
    /// from <see cref="ItemCaseDayCount"/>, the rest from the cases (as <see cref="CountCasesAsync"/>).
    /// </summary>
    public async Task<List<ItemCases>> CountCasesByItemAsync(DateOnly from, DateOnly to, IReadOnlyCollection<Guid>? units, ServiceItemChoice? item,
        CancellationToken ct)
    {
        var (cases, live) = await ReadCountedAsync<ItemCaseDayCount, ItemCases>(from, to, q => OfItem(q, units, item), (counted, c) => counted
            .GroupBy(x => new { x.UnitId, x.ServiceItemId })
            .Select(g => new ItemCases(g.Key.UnitId, g.Key.ServiceItemId, g.Sum(x => x.Cases), g.Sum(x => x.Rated), g.Sum(x => x.RatedByPublic), g.Sum(x => x.WithBad)))
            .ToListAsync(c), ct);
        foreach (var (f, t) in live)
        {
            var (s, e) = RatingPeriods.UtcBounds(clock, f, t);
            cases.AddRange(ByItem(await FineCasesAsync(OfItem(db.ServiceRecords.AsNoTracking(), units, item).Where(r => r.FinishedAt >= s && r.FinishedAt < e), ct)));
        }
        return ByItem(cases);
    }

    private static IQueryable<T> OfItem<T>(IQueryable<T> q, IReadOnlyCollection<Guid>? units, ServiceItemChoice? item) where T : IServiceItemRecord
    {
        if (units is not null) q = q.Where(r => units.Contains(r.UnitId));
        return item is null ? q : item.Of(q);
    }

    /// <summary>Ratings counted by unit, window, staff member, service item (the rating's own, or its case's) and level.</summary>
    private sealed record FineRatings(RatingCount Window, Guid? ServiceItemId);

    /// <summary>
    /// The ratings counted by every key of <see cref="RatingCount"/> and the service item in one query, each joined to its
    /// case for the item a device does not know; a counted day's counts by window and by item are sums of these rows.
    /// </summary>
    private async Task<List<FineRatings>> FineRatingsAsync(IQueryable<Rating> ratings, CancellationToken ct) => (await (
            from r in ratings
            join c in db.ServiceRecords on r.CaseNumber equals c.CaseNumber into cases
            from c in cases.DefaultIfEmpty()
            select new { r.UnitId, r.SectionId, r.StaffId, Item = r.ServiceItemId ?? c.ServiceItemId, r.Scale, r.Level, r.CommonLevel, Excluded = db.RatingExclusions.Any(x => x.RatingId == r.Id) })
        .GroupBy(x => new { x.UnitId, x.SectionId, x.StaffId, x.Item, x.Scale, x.Level, x.CommonLevel, x.Excluded })
        .Select(g => new { g.Key, Count = g.Count() })
        .ToListAsync(ct))
        .Select(x => new FineRatings(new RatingCount(x.Key.UnitId, x.Key.SectionId, x.Key.StaffId, x.Key.Scale, x.Key.Level, x.Key.CommonLevel, x.Key.Excluded, x.Count), x.Key.Item))
        .ToList();

    private static List<RatingCount> ByWindow(List<FineRatings> rows) => rows.GroupBy(r => r.Window with { Count = 0 })
        .Select(g => g.Key with { Count = g.Sum(r => r.Window.Count) }).ToList();

    private static List<ItemCount> ByItem(List<FineRatings> rows) => rows
        .GroupBy(r => new ItemCount(r.Window.UnitId, r.ServiceItemId, r.Window.Scale, r.Window.Level, r.Window.CommonLevel, r.Window.Excluded, 0))
        .Select(g => g.Key with { Count = g.Sum(r => r.Window.Count) }).ToList();

    /// <summary>
    /// The same ratings as <see cref="CountAsync"/>, by office day and level alone (for a trend): a phone survey's answer on
    /// the day of the service it rates.
    /// </summary>
    public async Task<List<DayCount>> CountByDayAsync(DateOnly from, DateOnly to, IReadOnlyCollection<Guid>? units, CancellationToken ct)
    {
        var (rows, live) = await ReadCountedAsync<RatingDayCount, DayCount>(from, to, q => Filter(q, units, null), (counted, c) => counted
            .GroupBy(x => new { x.Day, x.Scale, x.Level, x.CommonLevel, x.Excluded })
            .Select(g => new DayCount(g.Key.Day, g.Key.Scale, g.Key.Level, g.Key.CommonLevel, g.Key.Excluded, g.Sum(x => x.Count)))
            .ToListAsync(c), ct);
        foreach (var (f, t) in live)
            for (var day = f; day <= t; day = day.AddDays(1))
            {
                var (s, e) = Bounds(day);
                var d = day;
                rows.AddRange(await Filter(db.Ratings.AsNoTracking(), units, null)
                    .Where(r => r.Channel != RatingChannel.Phone && r.RatedAt >= s && r.RatedAt < e)
                    .GroupBy(r => new { r.Scale, r.Level, r.CommonLevel, Excluded = db.RatingExclusions.Any(x => x.RatingId == r.Id) })
                    .Select(g => new DayCount(d, g.Key.Scale, g.Key.Level, g.Key.CommonLevel, g.Key.Excluded, g.Count()))
                    .ToListAsync(ct));
            }
        var surveyed = await SurveyedAsync(from, to, ct);
        if (surveyed.Count > 0)
        {
            var answers = await Filter(db.Ratings.AsNoTracking(), units, null).Where(r => r.Channel == RatingChannel.Phone && surveyed.Contains(r.Id))
                .Join(db.Set<SurveyCall>(), r => r.Id, c => c.RatingId, (r, c) => new { r, c.CaseNumber })
                .Join(db.ServiceRecords, x => x.CaseNumber, s => s.CaseNumber, (x, s) => new
                {
                    x.r.Scale, x.r.Level, x.r.CommonLevel, Excluded = db.RatingExclusions.Any(e => e.RatingId == x.r.Id), s.FinishedAt,
                })
                .ToListAsync(ct);
            rows.AddRange(answers.Select(a => new DayCount(DateOnly.FromDateTime(clock.ToLocal(a.FinishedAt)), a.Scale, a.Level, a.CommonLevel, a.Excluded, 1)));
        }
        return rows.GroupBy(r => r with { Count = 0 }).Select(g => g.Key with { Count = g.Sum(r => r.Count) }).ToList();
    }

    /// <summary>
    /// Reads the counted days of [from, to] that may be read (ended, counted, unchanged since) with <paramref name="read"/>,
    /// from the ratings' counts or the cases'; returns its rows and the spans of days to read from the ratings or the cases
    /// instead.
    /// </summary>
    private async Task<(List<T> Rows, List<(DateOnly From, DateOnly To)> Live)> ReadCountedAsync<TCounted, T>(DateOnly from, DateOnly to,
        Func<IQueryable<TCounted>, IQueryable<TCounted>> scope, Func<IQueryable<TCounted>, CancellationToken, Task<List<T>>> read,
        CancellationToken ct) where TCounted : class, IDayCounted
    {
        RatingPeriods.UtcBounds(clock, from, to); // the period checked: 400 naming the field
        var state = await StateAsync(ct);
        if (Through(state, to) is { } through && through >= from)
        {
            var changed = await ChangedDaysOnceAsync(state, from, through, ct);
            var counted = scope(db.Set<TCounted>().AsNoTracking().Where(c => c.Day >= from && c.Day <= through));
            if (changed.Count > 0) counted = counted.Where(c => !changed.Contains(c.Day));
            var rows = await read(counted, ct);
            // A counting from scratch began, or one ended, while the rows were read: they may be of neither.
            if (await StateAsync(ct) == state)
            {
                var live = Spans(changed.Order());
                if (through < to) live.Add((through.AddDays(1), to));
                return (rows, live);
            }
        }
        return ([], [(from, to)]);
    }

    /// <summary>
    /// The days of [from, through] changed since <paramref name="state"/>'s counting, looked for once in a scope (a report
    /// reads the counts for its period, the previous one, its trend and its cases: four small reads each, otherwise) and
    /// again only if the counting moved meanwhile. A rating stored for an unchanged counted day while the scope reads is in none
    /// of its reads, as if it had come a moment later, rather than in some.
    /// </summary>
    private async Task<HashSet<DateOnly>> ChangedDaysOnceAsync(CountingState state, DateOnly from, DateOnly through, CancellationToken ct)
    {
        if (_changed is not { } known || known.State != state)
            _changed = known = (state, await ChangedDaysAsync(state.At!.Value - Margin, null, Bounds(state.Through!.Value).End, ct));
        return known.Days.Where(d => d >= from && d <= through).ToHashSet();
    }

    /// <summary>The counted days changed since the counting, for the counting they were looked for at (scoped).</summary>
    private (CountingState State, HashSet<DateOnly> Days)? _changed;

    /// <summary>The phone survey's answers that count in [from, to], read once per period in a scope.</summary>
    private async Task<List<Guid>> SurveyedAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        var (start, end) = RatingPeriods.UtcBounds(clock, from, to);
        if (!_surveyed.TryGetValue((start, end), out var surveyed)) _surveyed[(start, end)] = surveyed = await RatingPeriods.SurveyedAsync(db, start, end, ct);
        return surveyed;
    }

    /// <summary>
    /// Counts every day that ended since the last counting and recounts every counted day that changed since (from scratch
    /// the first time, or when the clock went back before the last counting). Each day is replaced in a transaction of its
    /// own, so a reader sees it whole, before or after. Returns what it did, for the job's record.
    /// </summary>
    public async Task<string> RefreshAsync(CancellationToken ct)
    {
        await Gate.WaitAsync(ct);
        try
        {
            var began = clock.UtcNow;
            began = began.AddTicks(-(began.Ticks % 10)); // as stored (PostgreSQL keeps microseconds): the mark below is compared
            var yesterday = clock.Today.AddDays(-1);
            var state = await StateAsync(ct);
            List<DateOnly> days;
            DateOnly? first = null;
            var scratch = state.At is not { } at || at > began || state.Through is null;
            if (scratch)
            {
                // Readers go to the ratings until the end: nothing counted through, and this counting's mark, which a
                // giving up (ForgetSql) or another counting from scratch replaces. The rows of an earlier counting are
                // replaced day by day, and those of days outside the ratings' go at the end: a second counting from
                // scratch at the same time (another instance's start) never finds a counted day emptied.
                await db.Set<RatingDayCountState>()
                    .ExecuteUpdateAsync(x => x.SetProperty(c => c.CountedThrough, (DateOnly?)null).SetProperty(c => c.CountedAt, began), ct);
                var oldestRating = await db.Ratings.Where(r => r.Channel != RatingChannel.Phone).MinAsync(r => (DateTime?)r.RatedAt, ct);
                var oldestCase = await db.ServiceRecords.MinAsync(r => (DateTime?)r.FinishedAt, ct);
                first = new[] { oldestRating, oldestCase }.Min() is { } f ? DateOnly.FromDateTime(clock.ToLocal(f)) : yesterday.AddDays(1);
                days = DaysBetween(first.Value, yesterday);
            }
            else
            {
                var through = state.Through!.Value;
                days = [.. await ChangedDaysAsync(state.At!.Value - Margin, null, Bounds(through).End, ct)];
                days.AddRange(DaysBetween(through.AddDays(1), yesterday));
            }
            var rows = 0;
            foreach (var day in days.Order()) rows += await RecountAsync(day, ct);
            if (first is { } from) await DropOutsideAsync(from, yesterday, ct);
            // Only if the counting was not given up meanwhile (ForgetSql: ratings stored with an arrival time before it
            // began, which it may have missed): then it stays given up, and the next counting starts from scratch.
            var (wasThrough, wasAt) = scratch ? (null, began) : (state.Through, state.At);
            var kept = await db.Set<RatingDayCountState>().Where(x => x.CountedThrough == wasThrough && x.CountedAt == wasAt)
                .ExecuteUpdateAsync(x => x.SetProperty(c => c.CountedThrough, yesterday).SetProperty(c => c.CountedAt, began), ct);
            var result = kept == 0
                ? $"given up meanwhile: {days.Count} day(s) counted, to be counted from scratch next time"
                : $"{(scratch ? "counted from scratch" : "counted")} {days.Count} day(s) into {rows} row(s), through {yesterday:yyyy-MM-dd}";
            LogRefreshed(logger, result);
            return result;
        }
        finally { Gate.Release(); }
    }

    /// <summary>One counting at a time in this process; across instances the job's lease (decision 003), and each day's lock.</summary>
    private static readonly SemaphoreSlim Gate = new(1, 1);

    private async Task<int> RecountAsync(DateOnly day, CancellationToken ct)
    {
        var (s, e) = Bounds(day);
        var ratings = await FineRatingsAsync(db.Ratings.AsNoTracking().Where(r => r.Channel != RatingChannel.Phone && r.RatedAt >= s && r.RatedAt < e), ct);
        var finished = await FineCasesAsync(db.ServiceRecords.AsNoTracking().Where(r => r.FinishedAt >= s && r.FinishedAt < e), ct);
        var (counts, items, cases, itemCases) = (ByWindow(ratings), ByItem(ratings), ByWindow(finished), ByItem(finished));
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The state's row locked first: a second counting elsewhere (the command while an instance's job runs) waits here
        // and then replaces the day whole, rather than adding its rows beside the first one's (PostgreSQL, read committed).
        await db.Database.ExecuteSqlRawAsync(LockSql, ct);
        await db.Set<RatingDayCount>().Where(c => c.Day == day).ExecuteDeleteAsync(ct);
        await db.Set<ServiceRecordDayCount>().Where(c => c.Day == day).ExecuteDeleteAsync(ct);
        await db.Set<ItemDayCount>().Where(c => c.Day == day).ExecuteDeleteAsync(ct);
        await db.Set<ItemCaseDayCount>().Where(c => c.Day == day).ExecuteDeleteAsync(ct);
        db.Set<RatingDayCount>().AddRange(counts.Select(c => new RatingDayCount(day, c)));
        db.Set<ServiceRecordDayCount>().AddRange(cases.Select(c => new ServiceRecordDayCount(day, c)));
        db.Set<ItemDayCount>().AddRange(items.Select(c => new ItemDayCount(day, c)));
        db.Set<ItemCaseDayCount>().AddRange(itemCases.Select(c => new ItemCaseDayCount(day, c)));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return counts.Count + cases.Count + items.Count + itemCases.Count;
    }

    /// <summary>Drops the counted rows of days outside [from, to] (before the first rating or case, or after a clock set back).</summary>
    private async Task DropOutsideAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlRawAsync(LockSql, ct);
        await db.Set<RatingDayCount>().Where(c => c.Day < from || c.Day > to).ExecuteDeleteAsync(ct);
        await db.Set<ServiceRecordDayCount>().Where(c => c.Day < from || c.Day > to).ExecuteDeleteAsync(ct);
        await db.Set<ItemDayCount>().Where(c => c.Day < from || c.Day > to).ExecuteDeleteAsync(ct);
        await db.Set<ItemCaseDayCount>().Where(c => c.Day < from || c.Day > to).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>The last day the counts may be read for: counted, in the period, and ended (today is always read live).</summary>
    private DateOnly? Through(CountingState state, DateOnly to)
    {
        if (state.Through is not { } through || state.At is not { } at || at > clock.UtcNow) return null;
        var yesterday = clock.Today.AddDays(-1);
        return new[] { through, to, yesterday }.Min();
    }

    /// <summary>
    /// The office days in [start, end) changed since <paramref name="since"/>: of ratings stored or excluded since and of
    /// ratings whose case was pushed since (by when they were rated), of cases pushed since and of cases rated since (by
    /// when they were finished).
    /// </summary>
    /// <remarks>
    /// Read by the time of arrival (the <c>ReceivedAt</c> index) and by the exclusions' table alone, the period checked here:
    /// with the period in the query, SQLite chose the <c>RatedAt</c> index and read the whole period (190 ms for a year
    /// of a million ratings, against a few for the hour since the last counting).
    /// </remarks>
    private async Task<HashSet<DateOnly>> ChangedDaysAsync(DateTime since, DateTime? start, DateTime end, CancellationToken ct)
    {
        var late = await db.Ratings.AsNoTracking().Where(r => r.ReceivedAt >= since).Select(r => new { r.RatedAt, r.Channel }).ToListAsync(ct);
        var excluded = await db.RatingExclusions.AsNoTracking().Where(x => x.DecidedAt >= since)
            .Join(db.Ratings, x => x.RatingId, r => r.Id, (x, r) => new { r.RatedAt, r.Channel }).ToListAsync(ct);
        // Each case pushed since with its ratings: a case pushed after its rating gives the rating its service item
        // (ItemDayCount), so the rating's day changed as well as the case's.
        var pushed = await (
                from c in db.ServiceRecords.AsNoTracking().Where(c => c.CreatedAt >= since)
                join r in db.Ratings on c.CaseNumber equals r.CaseNumber into ratings
                from r in ratings.DefaultIfEmpty()
                select new { c.FinishedAt, RatedAt = (DateTime?)r.RatedAt, Channel = (RatingChannel?)r.Channel })
            .ToListAsync(ct);
        var named = pushed.Where(p => p.RatedAt is not null && p.Channel != RatingChannel.Phone).Select(p => p.RatedAt!.Value);
        var rated = await db.Ratings.AsNoTracking().Where(r => r.ReceivedAt >= since)
            .Join(db.ServiceRecords, r => r.CaseNumber, c => c.CaseNumber, (r, c) => c.FinishedAt).ToListAsync(ct);
        return late.Concat(excluded).Where(r => r.Channel != RatingChannel.Phone).Select(r => r.RatedAt).Concat(named)
            .Concat(pushed.Select(p => p.FinishedAt)).Concat(rated)
            .Where(at => at < end && (start is not { } s || at >= s))
            .Select(at => DateOnly.FromDateTime(clock.ToLocal(at))).ToHashSet();
    }

    private Task<List<RatingCount>> Grouped(IQueryable<Rating> ratings, CancellationToken ct) => ratings
        .GroupBy(r => new { r.UnitId, r.SectionId, r.StaffId, r.Scale, r.Level, r.CommonLevel, Excluded = db.RatingExclusions.Any(x => x.RatingId == r.Id) })
        .Select(g => new RatingCount(g.Key.UnitId, g.Key.SectionId, g.Key.StaffId, g.Key.Scale, g.Key.Level, g.Key.CommonLevel, g.Key.Excluded, g.Count()))
        .ToListAsync(ct);

    private static IQueryable<T> Filter<T>(IQueryable<T> q, IReadOnlyCollection<Guid>? units, IReadOnlyCollection<Guid>? sections) where T : IUnitWindowRecord
    {
        if (units is not null) q = q.Where(r => units.Contains(r.UnitId));
        if (sections is not null) q = q.Where(r => sections.Contains(r.SectionId));
        return q;
    }

    /// <summary>Gives up every counting (the next one starts from scratch), for a store of ratings that arrived long ago.</summary>
    public const string ForgetSql = "UPDATE \"RatingDayCountState\" SET \"CountedThrough\" = NULL, \"CountedAt\" = NULL";

    /// <summary><see cref="ForgetSql"/> through the model's connection (the journal's replay runs it on its own).</summary>
    public static Task<int> ForgetAsync(MingchaDb db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Database.ExecuteSqlRawAsync(ForgetSql, ct);
    }

    private const string LockSql = "UPDATE \"RatingDayCountState\" SET \"CountedThrough\" = \"CountedThrough\"";

    private readonly record struct CountingState(DateOnly? Through, DateTime? At);

    private async Task<CountingState> StateAsync(CancellationToken ct) =>
        await db.Set<RatingDayCountState>().AsNoTracking().Select(x => new CountingState(x.CountedThrough, x.CountedAt)).SingleAsync(ct);

    private (DateTime Start, DateTime End) Bounds(DateOnly day) => RatingsApi.DayBoundsUtc(clock, day);


    private static List<DateOnly> DaysBetween(DateOnly from, DateOnly to) =>
        from > to ? [] : [.. Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(from.AddDays)];

    /// <summary>Consecutive days as spans.</summary>
    private static List<(DateOnly From, DateOnly To)> Spans(IEnumerable<DateOnly> ordered)
    {
        var spans = new List<(DateOnly From, DateOnly To)>();
        foreach (var d in ordered)
            if (spans.Count > 0 && spans[^1].To.AddDays(1) == d) spans[^1] = (spans[^1].From, d);
            else spans.Add((d, d));
        return spans;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rating day counts: {Result}")]
    private static partial void LogRefreshed(ILogger logger, string result);
}

/// <summary>Every hour: the days that ended are counted, the counted days that changed recounted (<see cref="RatingDayCounts"/>).</summary>
public sealed class RatingDayCountJob : IRecurringJob
{
    public string Name => "rating-day-counts";

    public DateTime NextRun(DateTime afterUtc, TimeZoneInfo zone) =>
        new DateTime(afterUtc.Ticks - (afterUtc.Ticks % TimeSpan.TicksPerHour), DateTimeKind.Utc).AddHours(1);

    public Task<string> RunAsync(IServiceProvider services, DateTime occurrenceUtc, CancellationToken ct) =>
        services.GetRequiredService<RatingDayCounts>().RefreshAsync(ct);
}

/// <summary>
/// At each start (with the jobs on), once the journal's ratings are in the tables: the counting the hourly job would do,
/// at once. After an installation, an upgrade that brought the counts, a journal replayed after a crash, or days the
/// server was down, the period figures read counted days within seconds rather than within the hour.
/// </summary>
public sealed partial class RatingDayCountCatchUp(IServiceScopeFactory scopes, RatingWriter writer, ILogger<RatingDayCountCatchUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // the start goes on
        try
        {
            await writer.CaughtUpAsync(stoppingToken);
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<RatingDayCounts>().RefreshAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, e); // the figures read the ratings until the hourly job counts
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting the rating days at start failed; the hourly job will count them")]
    private static partial void LogFailed(ILogger logger, Exception e);
}
