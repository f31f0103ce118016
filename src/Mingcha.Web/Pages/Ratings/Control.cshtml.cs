using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Satisfaction;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Ratings;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Ratings;

/// <summary>
/// The live control centre (SAT-2): today's counts and rates per unit and window, a wall of the latest bad ratings,
/// charts, all kept live by the server-sent events of /api/v1/ratings/live. A unit liaison sees their own unit only.
/// </summary>
[Authorize(Policy = RatingPolicies.Read)]
public sealed class ControlModel(MingchaDb db, LocalClock clock, Features.Calendar.CalendarService calendar, IOptions<RatingOptions> ratingOptions) : PageModel
{
    /// <summary>How many days before today a window's device ratings make it a window expected to be rated today.</summary>
    public const int QuietLookBackDays = 7;

    /// <summary>
    /// How many of today's cases (SAT-8) a window finishes with no rating before it is named too, whatever its device did
    /// before (a new window, a device never plugged in): about one case in eight goes unrated at a window that asks.
    /// </summary>
    public const int QuietCases = 5;
    public sealed record SectionName(Guid Id, Guid UnitId, string Name);
    public sealed record UnitName(Guid Id, string Name);
    /// <summary>A bad rating on the wall, its window named as it was when rated (ORG-1; live events name it by today's list).</summary>
    public sealed record BadLine(Guid Id, Guid SectionId, DateTime RatedAt, int Level, string Scale, string? SectionName = null);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string InitialJson { get; private set; } = "{}";

    /// <summary>
    /// When the last rating before today was given (office time is shown), if today has none yet: a control centre opened
    /// before the halls open, at a weekend or on a holiday says why it is empty.
    /// </summary>
    public DateTime? LastRatedAt { get; private set; }

    /// <summary>
    /// SAT-2: windows whose devices rated on one of the last <see cref="QuietLookBackDays"/> days, or that finished
    /// <see cref="QuietCases"/> cases today, but have no rating yet today, once the halls have been open an hour on a
    /// working day (a device unplugged or broken, or a window that stopped asking for ratings); live ratings take a window
    /// off the list. Empty outside those hours.
    /// </summary>
    public IReadOnlyList<SectionName> Quiet { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var counts = await RatingsApi.TodayAsync(db, User, clock, ct);
        var sections = db.Sections.AsNoTracking();
        var units = db.Units.AsNoTracking();
        var ratings = db.Ratings.AsNoTracking();
        var cases = db.ServiceRecords.AsNoTracking();
        if (!User.SeesAllUnits())
        {
            var own = User.UnitId() ?? Guid.Empty;
            sections = sections.Where(s => s.UnitId == own);
            units = units.Where(u => u.Id == own);
            ratings = ratings.Where(r => r.UnitId == own);
            cases = cases.Where(c => c.UnitId == own);
        }
        var (from, to) = RatingsApi.DayBoundsUtc(clock, clock.Today);
        // Received at most the clock skew the intake allows before it was rated (SAT-8): bounding the arrival too lets the
        // database read the arrival index from today only, rather than back through every rating until 30 bad ones of
        // today are found (the whole table on a morning without one: 300 ms over a year of a million ratings).
        var received = from - Mingcha.Domain.Satisfaction.RatingIntake.MaxClockSkew;
        var bad = await ratings.Where(r => r.IsBad && r.RatedAt >= from && r.ReceivedAt >= received).OrderByDescending(r => r.ReceivedAt).Take(30)
            .Select(r => new BadLine(r.Id, r.SectionId, r.RatedAt, r.Level, r.Scale.ToString(), null)).ToListAsync(ct);
        if (counts.Count == 0) // today's counts (the same unit's ratings) are empty
            LastRatedAt = await ratings.Where(r => r.RatedAt < from).OrderByDescending(r => r.RatedAt).Select(r => (DateTime?)r.RatedAt).FirstOrDefaultAsync(ct);
        if (await HallsOpenAnHourAsync(ct))
        {
            var (since, _) = RatingsApi.DayBoundsUtc(clock, clock.Today.AddDays(-QuietLookBackDays));
            var ratedToday = counts.Select(c => c.SectionId).ToHashSet();
            var recent = await ratings.Where(r => r.Channel == RatingChannel.Device && r.RatedAt >= since && r.RatedAt < from)
                .Select(r => r.SectionId).Distinct().ToListAsync(ct);
            var busy = await cases.Where(c => c.FinishedAt >= from && c.FinishedAt < to).GroupBy(c => c.SectionId)
                .Where(g => g.Count() >= QuietCases).Select(g => g.Key).ToListAsync(ct);
            var quiet = recent.Union(busy).Where(id => !ratedToday.Contains(id)).ToList();
            if (quiet.Count > 0)
                Quiet = await sections.Where(x => quiet.Contains(x.Id) && x.Active).OrderBy(x => x.Code).Select(x => new SectionName(x.Id, x.UnitId, x.Name)).ToListAsync(ct);
        }
        var org = await Features.Organisation.OrgAsOf.LoadAsync(db, bad.Select(b => b.SectionId), [], [], ct);
        bad = bad.Select(b => b with { SectionName = org.SectionAt(b.SectionId, b.RatedAt)?.Name }).ToList();
        InitialJson = JsonSerializer.Serialize(new
        {
            counts,
            sections = await sections.Select(s => new SectionName(s.Id, s.UnitId, s.Name)).ToListAsync(ct),
            units = await units.Select(u => new UnitName(u.Id, u.ShortName ?? u.Name)).ToListAsync(ct),
            bad,
        }, Json);
    }

    /// <summary>A working day (CAL-1; weekdays for a year the calendar lacks), an hour or more after the halls open and before they close.</summary>
    private async Task<bool> HallsOpenAnHourAsync(CancellationToken ct)
    {
        var hours = ratingOptions.Value.Manipulation;
        var now = TimeOnly.FromDateTime(clock.ToLocal(clock.UtcNow));
        if (now < hours.Opens.AddHours(1) || now >= hours.Closes) return false;
        return Features.Calendar.DemoDays.IsWorkingDay(await calendar.GetAsync(ct), clock.Today);
    }
}
