using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Identifiers;
using Mingcha.Domain.Satisfaction;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Features.Organisation.Import;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Ratings;

/// <summary>Which of a period's cases to list, by what their raters did.</summary>
public enum CaseRatingState
{
    /// <summary>Rated on at least one channel.</summary>
    Rated,

    /// <summary>Rated on none.</summary>
    Unrated,

    /// <summary>With a bad rating (SAT-7).</summary>
    Bad,
}

/// <summary>
/// 办件与评价 (SAT-8): the finished cases of a period with the ratings each received, and the period's rating rate: how
/// many cases were rated at all, and how many by the public on their own (the window's device or the QR page, the
/// 主动评价 of 好差评 practice; a phone survey's call is the Office asking). For the page <c>/Ratings/Records</c> and its
/// workbook. A unit's liaison sees their own unit's cases only (SEC-2); the citizen's phone is masked (SEC-4).
/// </summary>
public sealed class ServiceRecordList(MingchaDb db, LocalClock clock, RatingDayCounts counts)
{
    /// <summary>
    /// What to list: cases finished in the office days <see cref="From"/> to <see cref="To"/> (by <see cref="StaffId"/> when
    /// given: the satisfaction report's staff line leads here); with a <see cref="CaseNumber"/>, that case whenever it was
    /// finished; of one service <see cref="Item"/> (the report's item line leads here) when given.
    /// </summary>
    public sealed record Filter(Guid? UnitId, Guid? SectionId, DateOnly From, DateOnly To, string? CaseNumber = null, CaseRatingState? State = null,
        Guid? StaffId = null, ServiceItemChoice? Item = null);

    /// <summary>One rating a case received.</summary>
    public sealed record CaseRating(Guid Id, RatingChannel Channel, string LevelName, string LevelNameEn, bool IsBad, bool Excluded, DateTime RatedAt);

    /// <summary>One case, its unit, window and staff member as named when it was finished (ORG-1), and its ratings.</summary>
    public sealed record Row(Guid Id, string CaseNumber, Guid UnitId, Guid SectionId, OrgNames Names, string? ServiceItem, string Phone,
        DateTime? AcceptedAt, DateTime FinishedAt, IReadOnlyList<CaseRating> Ratings);

    /// <summary>
    /// The period's figures for the filter's unit and window (whatever the state filter): cases, cases rated on any channel,
    /// cases rated by the public on their own (device or QR page), cases with a bad rating.
    /// </summary>
    public sealed record Figures(int Cases, int Rated, int RatedByPublic, int WithBad)
    {
        /// <summary>评价率: rated cases of all cases, a fraction (null without cases).</summary>
        public decimal? RatedRate => Rate(Rated);

        /// <summary>主动评价率: cases the public rated on their own, of all cases, a fraction.</summary>
        public decimal? PublicRate => Rate(RatedByPublic);

        private decimal? Rate(int n) => Cases == 0 ? null : Math.Round((decimal)n / Cases, 4, MidpointRounding.AwayFromZero);

        /// <summary>The figures of these windows (or items) together.</summary>
        public static Figures Of(IEnumerable<ICaseFigures> counts) => counts.Aggregate(new Figures(0, 0, 0, 0),
            (f, c) => new Figures(f.Cases + c.Cases, f.Rated + c.Rated, f.RatedByPublic + c.RatedByPublic, f.WithBad + c.WithBad));
    }

    /// <summary>One page of cases, the latest finished first, with how many match and the period's figures (none for a case looked up by number).</summary>
    public sealed record Page(IReadOnlyList<Row> Rows, int Total, int Number, int Size, Figures? Figures)
    {
        public int Pages => Math.Max(1, (Total + Size - 1) / Size);
    }

    /// <summary>The most rows a workbook holds: beyond it the user narrows the period or the unit.</summary>
    public const int MaxExport = 100_000;

    /// <summary>Page <paramref name="number"/> (from 1) of <paramref name="size"/> cases, the latest finished first.</summary>
    public async Task<Page> PageAsync(ClaimsPrincipal user, Filter f, int number, int size, CancellationToken ct)
    {
        var q = WithState(Scope(user, f), f.State);
        Figures? figures = null;
        int total;
        if (f.CaseNumber is { Length: > 0 })
            total = await q.CountAsync(ct); // a look-up: no period, no figures
        else
        {
            // The figures count every state of the period already: no second count.
            var all = figures = await FiguresAsync(user, f, ct);
            total = f.State switch
            {
                CaseRatingState.Rated => all.Rated,
                CaseRatingState.Unrated => all.Cases - all.Rated,
                CaseRatingState.Bad => all.WithBad,
                _ => all.Cases,
            };
        }
        number = Math.Clamp(number, 1, Math.Max(1, (total + size - 1) / size));
        var rows = await RowsAsync(q.OrderByDescending(r => r.FinishedAt).ThenByDescending(r => r.Id).Skip((number - 1) * size).Take(size), ct);
        return new Page(rows, total, number, size, figures);
    }

    /// <summary>Every case of the filter as an .xlsx workbook, the earliest finished first (at most <see cref="MaxExport"/>).</summary>
    public async Task<(byte[] Bytes, string Name)> XlsxAsync(ClaimsPrincipal user, Filter f, string period, Func<RatingChannel, string> channelName, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(channelName);
        var q = WithState(Scope(user, f), f.State);
        var total = await q.CountAsync(ct);
        if (total > MaxExport)
            throw new FieldException("from", $"这一期间有 {total} 件办件，一次最多导出 {MaxExport} 件：请缩短期间或选择单位。 "
                + $"The period holds {total} cases; an export holds at most {MaxExport}: shorten the period or choose a unit.");
        var rows = await RowsAsync(q.OrderBy(r => r.FinishedAt).ThenBy(r => r.Id), ct);
        using var ms = new MemoryStream();
        using (var w = new OrgWorkbookWriter(ms, ["办件与评价"]))
        {
            w.BeginSheet("办件与评价", ["办件编号", "单位", "窗口", "工作人员", "服务事项", "联系电话", "受理时间", "办结时间", "评价", "差评", "已剔除"],
                [22, 24, 24, 12, 24, 14, 18, 18, 30, 6, 8]);
            foreach (var r in rows)
                w.WriteValues([r.CaseNumber, r.Names.UnitNameThen ?? r.Names.UnitNameNow, r.Names.SectionNameThen ?? r.Names.SectionNameNow,
                    r.Names.StaffNameThen ?? r.Names.StaffNameNow, r.ServiceItem, r.Phone is { Length: > 0 } p ? p : null,
                    r.AcceptedAt is { } a ? clock.Format(a, "yyyy-MM-dd HH:mm") : null, clock.Format(r.FinishedAt, "yyyy-MM-dd HH:mm"),
                    r.Ratings.Count == 0 ? null : string.Join("；", r.Ratings.Select(x => $"{channelName(x.Channel)}：{x.LevelName}")),
                    r.Ratings.Any(x => x.IsBad) ? "是" : null, r.Ratings.Any(x => x.Excluded) ? "是" : null]);
            w.WriteNote([$"{(f.CaseNumber is { Length: > 0 } number ? $"办件编号 {number} 的办件" : $"{period}办结的办件")}，共 {rows.Count} 件，按办结时间排列；单位、窗口和工作人员为办结当时的名称；联系电话已隐去中间四位（SEC-4）；"
                + "评价列出每个渠道的评价（SAT-8：每件每个渠道一次）；已剔除的评价经申诉审核后保留并标注（SAT-7）。"]);
        }
        return (ms.ToArray(), $"cases-{period.Replace(" 至 ", "-", StringComparison.Ordinal)}.xlsx");
    }

    /// <summary>
    /// The cases of the filter's unit and window that <paramref name="user"/> may see (SEC-2): the one of the filter's number
    /// (whatever the period: the number is on the citizen's receipt, its date may not be at hand), else the period's.
    /// </summary>
    private IQueryable<ServiceRecord> Scope(ClaimsPrincipal user, Filter f)
    {
        var q = db.ServiceRecords.AsNoTracking().ScopedTo(user, f.UnitId, f.SectionId, "只能查看本单位的办件。 You can see your own unit's cases only.");
        if (f.CaseNumber is { Length: > 0 } number) return q.Where(r => r.CaseNumber == number);
        if (f.StaffId is { } staff) q = q.Where(r => r.StaffId == staff);
        if (f.Item is { } item) q = item.Of(q);
        var (from, to) = RatingPeriods.UtcBounds(clock, f.From, f.To);
        return q.Where(r => r.FinishedAt >= from && r.FinishedAt < to);
    }

    private IQueryable<ServiceRecord> WithState(IQueryable<ServiceRecord> q, CaseRatingState? state) => state switch
    {
        CaseRatingState.Rated => q.Where(r => db.Ratings.Any(x => x.CaseNumber == r.CaseNumber)),
        CaseRatingState.Unrated => q.Where(r => !db.Ratings.Any(x => x.CaseNumber == r.CaseNumber)),
        CaseRatingState.Bad => q.Where(r => db.Ratings.Any(x => x.CaseNumber == r.CaseNumber && x.IsBad)),
        _ => q,
    };

    /// <summary>
    /// The period's figures for the filter's unit and window from the counted days (<see cref="RatingDayCounts.CountCasesAsync"/>:
    /// a month of all units' cases without reading each), once <see cref="Scope"/> has checked the unit (SEC-2); of a service
    /// item, from the days counted by item (<see cref="RatingDayCounts.CountCasesByItemAsync"/>), or, within one window or
    /// one staff member's cases (not counted by item), from those cases themselves.
    /// </summary>
    private async Task<Figures> FiguresAsync(ClaimsPrincipal user, Filter f, CancellationToken ct)
    {
        IReadOnlyCollection<Guid>? units = f.UnitId is { } u ? [u] : user.SeesAllUnits() ? null : [user.UnitId() ?? Guid.Empty];
        if (f.Item is { } item)
            return Figures.Of(f.SectionId is null && f.StaffId is null
                ? await counts.CountCasesByItemAsync(f.From, f.To, units, item, ct)
                : await counts.GroupedCasesAsync(Scope(user, f), ct));
        var counted = await counts.CountCasesAsync(f.From, f.To, units, f.SectionId is { } s ? [s] : null, ct);
        return Figures.Of(f.StaffId is { } staff ? counted.Where(c => c.StaffId == staff) : counted);
    }

    private async Task<List<Row>> RowsAsync(IQueryable<ServiceRecord> ordered, CancellationToken ct)
    {
        // The cases, then their ratings and the ratings' exclusions, then the names: plain queries, whatever the count. A
        // page's ratings are found by its case numbers (whatever it cost the filter to find the cases: a year with three
        // matches is scanned once, not three times), a workbook's by the filter again (100,000 numbers would be a parameter
        // of megabytes).
        var records = await ordered.ToListAsync(ct);
        var numbers = records.Select(r => r.CaseNumber).ToList();
        var ratingsOf = numbers.Count <= RatingList.ByIds ? db.Ratings.AsNoTracking().Where(x => numbers.Contains(x.CaseNumber!))
            : ordered.Join(db.Ratings, r => r.CaseNumber, x => x.CaseNumber, (r, x) => x);
        var ratings = await ratingsOf.ToListAsync(ct);
        var excluded = (await ratingsOf.Join(db.RatingExclusions, x => x.Id, e => e.RatingId, (x, e) => x.Id).ToListAsync(ct)).ToHashSet();
        var byCase = ratings.Where(x => x.CaseNumber is not null).OrderBy(x => x.RatedAt).ToLookup(x => x.CaseNumber!, StringComparer.Ordinal);
        var itemIds = records.Select(r => r.ServiceItemId).OfType<Guid>().Distinct().ToList();
        var items = itemIds.Count == 0 ? new Dictionary<Guid, string>()
            : await db.ServiceItems.AsNoTracking().Where(i => itemIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.Name, ct);
        var org = await OrgAsOf.LoadAsync(db, records.Select(r => r.SectionId), records.Select(r => r.UnitId), records.Select(r => r.StaffId).OfType<Guid>(), ct);
        return records.Select(r => new Row(r.Id, r.CaseNumber, r.UnitId, r.SectionId, org.NamesAt(r.FinishedAt, r.UnitId, r.SectionId, r.StaffId),
            r.ServiceItemId is { } i && items.TryGetValue(i, out var item) ? item : null, PersonalData.MaskPhone(r.CitizenPhone), r.AcceptedAt, r.FinishedAt,
            byCase[r.CaseNumber].Select(x => new CaseRating(x.Id, x.Channel, RatingScaleMapping.NameZh(x.Scale, x.Level), RatingScaleMapping.NameEn(x.Scale, x.Level),
                x.IsBad, excluded.Contains(x.Id), x.RatedAt)).ToList())).ToList();
    }
}
