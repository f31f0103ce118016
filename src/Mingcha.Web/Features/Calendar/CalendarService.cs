using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Calendar;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Calendar;

/// <summary>
/// The deadline service every module uses (CAL-1 to CAL-3): "the end of the N-th working day after an event"
/// and "working days left", from the official calendar held in the database. The built calendar is cached
/// and reloaded when any instance imports or corrects a year.
/// </summary>
public sealed class CalendarService(IServiceScopeFactory scopes, TimeProvider time, IOptions<MingchaOptions> options) : IDisposable
{
    private static readonly TimeSpan RecheckEvery = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Snapshot? _snapshot;

    /// <summary>The built calendar, and the (year, updated-at) list it was built from.</summary>
    private sealed record Snapshot(WorkingCalendar Calendar, string Stamp, DateTime CheckedAt);

    public TimeZoneInfo TimeZone { get; } = options.Value.TimeZoneInfo;

    /// <summary>The office-local date of an instant.</summary>
    public DateOnly LocalDate(DateTime utc) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), TimeZone));

    public DateOnly Today => LocalDate(time.GetUtcNow().UtcDateTime);

    /// <summary>
    /// The day a daily job's run judges by: its occurrence's day, or today when that is later. After days the app was down
    /// the scheduler runs the oldest missed occurrence once, then moves to the next one after now: a run that judged by the
    /// missed day (a Sunday, say) would skip what falls due on the real day, and the next run would come a day late for it.
    /// </summary>
    public DateOnly RunDate(DateTime occurrenceUtc)
    {
        var occurred = LocalDate(occurrenceUtc);
        var today = Today;
        return occurred > today ? occurred : today;
    }

    /// <summary>CAL-2: the deadline of <paramref name="workingDays"/> working days after the event. Throws <see cref="CalendarYearMissingException"/> (CAL-3).</summary>
    public async Task<WorkingDayDeadline> DeadlineAsync(DateTime eventUtc, int workingDays, CancellationToken ct = default) =>
        WorkingDayDeadline.Compute(await GetAsync(ct), LocalDate(eventUtc), workingDays);

    public async Task<WorkingDayDeadline> DeadlineAsync(DateOnly eventDate, int workingDays, CancellationToken ct = default) =>
        WorkingDayDeadline.Compute(await GetAsync(ct), eventDate, workingDays);

    /// <summary>Working days left until the end of <paramref name="lastDay"/>, counting today; negative when overdue.</summary>
    public async Task<int> WorkingDaysLeftAsync(DateOnly lastDay, CancellationToken ct = default) =>
        (await GetAsync(ct)).WorkingDaysLeft(Today, lastDay);

    public async Task<WorkingCalendar> GetAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var snap = _snapshot;
        if (snap is not null && now - snap.CheckedAt < RecheckEvery) return snap.Calendar;

        await _gate.WaitAsync(ct);
        try
        {
            snap = _snapshot;
            if (snap is not null && now - snap.CheckedAt < RecheckEvery) return snap.Calendar;
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
            // Every year's stamp, not only the latest: a change stamped by an instance whose clock is behind
            // another's can be older than the newest stamp and must still be seen.
            var years = await db.CalendarYears.AsNoTracking().OrderBy(y => y.Year).Select(y => new { y.Year, y.UpdatedAt }).ToListAsync(ct);
            var stamp = string.Join(";", years.Select(y => $"{y.Year}:{y.UpdatedAt.Ticks}"));
            if (snap is not null && snap.Stamp == stamp)
            {
                _snapshot = snap with { CheckedAt = now };
                return snap.Calendar;
            }
            var covered = years.Select(y => y.Year).ToHashSet();
            // The years and the days are two reads: a year's notice committed between them brings days of a year not in
            // the list just read. They wait for the next read (the year's new stamp is seen then), instead of making the
            // calendar refuse them (a 500 for every request at that moment).
            var days = await db.CalendarDays.AsNoTracking().ToListAsync(ct);
            var calendar = new WorkingCalendar(covered, days.Where(d => covered.Contains(d.Date.Year)).Select(d => new CalendarEntry(d.Date, d.Kind, d.Name)));
            _snapshot = new Snapshot(calendar, stamp, now);
            return calendar;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forget the cached calendar (after an import or correction in this instance).</summary>
    public void Invalidate() => _snapshot = null;

    public void Dispose() => _gate.Dispose();
}

/// <summary>Imports and corrections of the calendar by the office (CAL-1). Every change is audited.</summary>
public sealed class CalendarAdmin(MingchaDb db, CalendarService calendar, TimeProvider time)
{
    public const string OfficialResource = "Mingcha.Web.Features.Calendar.Data.cn-official-2024-2026.csv";

    public sealed record ImportResult(IReadOnlyList<int> Years, int Days, IReadOnlyList<CsvLineError> Errors)
    {
        public bool Ok => Errors.Count == 0;
    }

    /// <summary>Loads the bundled State Council calendar (2024–2026) into an empty database.</summary>
    public async Task SeedOfficialAsync(CancellationToken ct = default)
    {
        if (await db.CalendarYears.AnyAsync(ct)) return;
        await using var stream = typeof(CalendarAdmin).Assembly.GetManifestResourceStream(OfficialResource)
            ?? throw new InvalidOperationException("The official calendar resource is missing.");
        using var reader = new StreamReader(stream);
        var result = await ImportAsync(reader, "国务院办公厅节假日安排通知 2024–2026（内置） State Council notices, bundled", ct);
        if (!result.Ok) throw new InvalidOperationException("The bundled calendar does not parse: " + result.Errors[0].Message);
    }

    /// <summary>
    /// A year with fewer rows than this, beside a year with more, is not the notice's year: the State Council's notice for
    /// a year also sets days at the end of the year before (the 2023 notice: 2022-12-31, 元旦). A year's own notice has
    /// 30 or more rows (2024–2026: 33 to 39).
    /// </summary>
    public const int WholeYearMinimumDays = 10;

    /// <summary>The years a calendar may hold.</summary>
    public const int MinYear = Problems.FirstYear, MaxYear = Problems.LastYear;

    /// <summary>
    /// Imports whole years from a CSV of the official shape (date,type,name). All or nothing: any bad line
    /// and nothing changes. An imported year replaces that year's days. The few days a notice sets in another year (the
    /// end of the year before) are corrections of those days only: that year keeps its other days, and a year not yet
    /// loaded is not marked loaded by them (CAL-3).
    /// </summary>
    public async Task<ImportResult> ImportAsync(TextReader csv, string source, CancellationToken ct = default)
    {
        var parsed = OfficialCalendarCsv.Parse(csv);
        if (parsed.Errors.Count > 0 || parsed.Years.Count == 0)
        {
            var errors = parsed.Errors.Count > 0 ? parsed.Errors : [new CsvLineError(1, "文件中没有任何日期。 The file holds no dates.")];
            return new ImportResult(parsed.Years, 0, errors);
        }

        // CAL-1: the calendar covers the years 2000 to 2100 (a year 9999 would break every deadline computed afterwards).
        var outside = parsed.Entries.Where(e => e.Date.Year is < MinYear or > MaxYear)
            .Select(e => new CsvLineError(parsed.Lines.GetValueOrDefault(e.Date), $"{e.Date:yyyy-MM-dd} 不在 {MinYear} 至 {MaxYear} 年之间。 {e.Date:yyyy-MM-dd} is outside {MinYear} to {MaxYear}."))
            .ToList();
        if (outside.Count > 0) return new ImportResult(parsed.Years, 0, outside);

        var now = time.GetUtcNow().UtcDateTime;
        var loaded = (await db.CalendarYears.AsNoTracking().Select(y => y.Year).ToListAsync(ct)).ToHashSet();
        var counts = parsed.Entries.GroupBy(e => e.Date.Year).ToDictionary(g => g.Key, g => g.Count());
        var whole = counts.Where(kv => kv.Value >= WholeYearMinimumDays).Select(kv => kv.Key).ToHashSet();
        // A short file is a year's notice only for a year not loaded yet; for a loaded year its rows correct those days and
        // keep the others (before, one corrected day replaced the year and deleted its other holidays).
        if (whole.Count == 0 && counts.OrderByDescending(kv => kv.Value).ThenByDescending(kv => kv.Key).First().Key is var top && !loaded.Contains(top))
            whole.Add(top);
        // A notice's day in a year the calendar does not have cannot stand alone (CAL-3: a year is loaded whole, from its own
        // notice): refused, naming the line, and nothing changes.
        var orphans = parsed.Entries.Where(e => !whole.Contains(e.Date.Year) && !loaded.Contains(e.Date.Year))
            .Select(e => new CsvLineError(parsed.Lines.GetValueOrDefault(e.Date), $"{e.Date:yyyy-MM-dd} 属于尚未导入的 {e.Date.Year} 年，请先导入 {e.Date.Year} 年的通知。 "
                + $"{e.Date:yyyy-MM-dd} falls in {e.Date.Year}, which is not loaded: import {e.Date.Year}'s notice first."))
            .ToList();
        if (orphans.Count > 0) return new ImportResult(parsed.Years, 0, orphans);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var strayYear in parsed.Entries.Where(e => !whole.Contains(e.Date.Year)).Select(e => e.Date.Year).Distinct())
        {
            // Other instances reload a year when its stamp changes (CalendarService): a correction must change it.
            var y = await db.CalendarYears.FindAsync([strayYear], ct);
            y!.Touch(y.Source, now);
        }
        foreach (var stray in parsed.Entries.Where(e => !whole.Contains(e.Date.Year)).OrderBy(e => e.Date))
        {
            var day = await db.CalendarDays.FindAsync([stray.Date], ct);
            var before = day is null ? "normal" : $"{day.Kind} {day.Name}";
            if (day is null) db.CalendarDays.Add(new CalendarDay(stray.Date, stray.Kind, stray.Name));
            else day.Correct(stray.Kind, stray.Name);
            db.Audit(new AuditEvent("calendar.import-day", nameof(CalendarDay), stray.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                before, $"{stray.Kind} {stray.Name}; {source}"));
        }
        foreach (var year in parsed.Years.Where(whole.Contains))
        {
            var from = new DateOnly(year, 1, 1);
            var to = new DateOnly(year, 12, 31);
            var before = await db.CalendarDays.AsNoTracking().CountAsync(d => d.Date >= from && d.Date <= to, ct);
            var inFile = parsed.Entries.Where(e => e.Date.Year == year).Select(e => e.Date).ToHashSet();
            var keep = await SetByAnotherNoticeAsync(from, to, inFile, ct);
            await db.CalendarDays.Where(d => d.Date >= from && d.Date <= to && !keep.Contains(d.Date)).ExecuteDeleteAsync(ct);
            var days = parsed.Entries.Where(e => e.Date.Year == year).Select(e => new CalendarDay(e.Date, e.Kind, e.Name)).ToList();
            db.CalendarDays.AddRange(days);
            var y = await db.CalendarYears.FindAsync([year], ct);
            if (y is null) db.CalendarYears.Add(new CalendarYear(year, source, now));
            else y.Touch(source, now);
            db.Audit(new AuditEvent("calendar.import", nameof(CalendarYear), year.ToString(CultureInfo.InvariantCulture),
                y is null ? null : $"{before} days", $"{days.Count} days; {source}"));
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        calendar.Invalidate();
        return new ImportResult([.. parsed.Years.Where(whole.Contains)], parsed.Entries.Count, []);
    }

    /// <summary>
    /// The days of a year, not in its notice being imported again, that the next year's notice set (the end of December:
    /// 元旦's rest and make-up days). A year's notice replaces the days it sets, not those: the audit log says which day
    /// was last set by another year's notice ("calendar.import-day") rather than by an import of its own year or by hand.
    /// </summary>
    private async Task<List<DateOnly>> SetByAnotherNoticeAsync(DateOnly from, DateOnly to, HashSet<DateOnly> inFile, CancellationToken ct)
    {
        var others = (await db.CalendarDays.AsNoTracking().Where(d => d.Date >= from && d.Date <= to).Select(d => d.Date).ToListAsync(ct))
            .Where(d => !inFile.Contains(d)).ToList();
        if (others.Count == 0) return [];
        var keys = others.Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList();
        var lines = await db.AuditEntries.AsNoTracking()
            .Where(a => a.EntityType == nameof(CalendarDay) && a.EntityKey != null && keys.Contains(a.EntityKey))
            .Select(a => new { a.Seq, a.EntityKey, a.Action }).ToListAsync(ct);
        return lines.GroupBy(a => a.EntityKey!).Select(g => g.MaxBy(a => a.Seq)!)
            .Where(a => a.Action == "calendar.import-day")
            .Select(a => DateOnly.ParseExact(a.EntityKey!, "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList();
    }

    /// <summary>Corrects one day: a holiday, a make-up working day, or back to the plain weekday rule ("normal").</summary>
    public async Task CorrectDayAsync(DateOnly date, CalendarDayKind? kind, string? name, CancellationToken ct = default)
    {
        // The page calls here without the API's checks.
        if (name is { Length: > OfficialCalendarCsv.MaxNameLength })
            throw new FieldException("name", $"名称最长 {OfficialCalendarCsv.MaxNameLength} 字。 The name is at most {OfficialCalendarCsv.MaxNameLength} characters.");
        var year = await db.CalendarYears.FindAsync([date.Year], ct)
            ?? throw new DomainRuleException("CAL-3", $"日历中没有 {date.Year} 年，请先导入该年。 The calendar has no {date.Year}; import it first.", 422);
        if (kind == CalendarDayKind.MakeupWorkday && date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            throw new DomainRuleException("CAL-1", "调休上班日只能是周六或周日。 A make-up working day must be a Saturday or Sunday.", 422);
        var day = await db.CalendarDays.FindAsync([date], ct);
        var before = day is null ? "normal" : $"{day.Kind} {day.Name}";
        if (kind is null)
        {
            if (day is not null) db.CalendarDays.Remove(day);
        }
        else if (day is null) db.CalendarDays.Add(new CalendarDay(date, kind.Value, name ?? ""));
        else day.Correct(kind.Value, name ?? day.Name);
        year.Touch(year.Source, time.GetUtcNow().UtcDateTime);
        db.Audit(new AuditEvent("calendar.correct", nameof(CalendarDay), date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            before, kind is null ? "normal" : $"{kind} {name}"));
        await db.SaveChangesAsync(ct);
        calendar.Invalidate();
    }
}
