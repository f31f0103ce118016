using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Satisfaction;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Features.Organisation.Import;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Ratings;

/// <summary>
/// The satisfaction report for a period (SAT-1, SAT-4, SAT-7): what the Office publishes each month or quarter. Every unit
/// with ratings, ranked by its satisfaction coefficient; one unit's windows (every active one, a window nobody rated
/// included) and staff. A rating counts in the period as for the coefficient (<see cref="RatingDayCounts"/>); an excluded
/// rating is kept and counted apart, never in the other figures. A unit liaison sees their own unit only (SEC-2).
/// </summary>
public sealed class SatisfactionReport(MingchaDb db, LocalClock clock, RatingIntake intake, RatingDayCounts counts)
{
    /// <summary>The longest period one report reads.</summary>
    public const int MaxDays = 731;

    private static void RequireLength(DateOnly from, DateOnly to)
    {
        if (to.DayNumber - from.DayNumber + 1 > MaxDays) throw new FieldException("to", "统计期间不能超过两年。 A report covers at most two years.");
    }

    /// <summary>A rate as the report shows it: 97.86%, or "—" with no rating.</summary>
    public static string Percent(decimal? rate) => rate is { } r ? (r * 100m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + "%" : "—";

    /// <summary>A coefficient as the report shows it (the .xlsx cells' format too): 0.9434, or "—" with no rating.</summary>
    public static string Coefficient(decimal? coefficient) => coefficient is { } c ? c.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture) : "—";

    /// <summary>A change of the coefficient: +0.0123, -0.0045, 0.0000, or "—" without both periods' figures.</summary>
    public static string Change(decimal? change) => change switch
    {
        null => "—",
        > 0 => "+" + Coefficient(change),
        _ => Coefficient(change),
    };

    /// <summary>
    /// One row. <paramref name="Ratings"/> and the three levels count the ratings that count (not excluded), on the common
    /// three-level scale; <paramref name="Rate"/> is (satisfied + basically satisfied) ÷ ratings; <paramref name="Coefficient"/>
    /// is SAT-4's mean score ÷ 100 (null with no rating); the follow-ups are those opened in the period (SAT-7), with how
    /// many are closed and how many are open past a step's deadline today.
    /// </summary>
    public sealed record Line(Guid Id, string Code, string Name, int Ratings, int Satisfied, int Basic, int Unsatisfied, int Excluded,
        decimal? Rate, decimal? Coefficient, int FollowUps = 0, int FollowUpsClosed = 0, int FollowUpsOverdue = 0)
    {
        public int? Rank { get; init; }

        /// <summary>A window under a hall is 1, under nothing 0.</summary>
        public int Depth { get; init; }

        /// <summary>The line sums sections under it as well as its own ratings (a hall with its windows).</summary>
        public bool Groups { get; init; }

        /// <summary>A unit's rank among the units rated in the previous period (<see cref="Report.PreviousFrom"/>), if it had one.</summary>
        public int? PreviousRank { get; init; }

        /// <summary>The coefficient of the previous period, null with no rating then.</summary>
        public decimal? PreviousCoefficient { get; init; }

        /// <summary>The coefficient less the previous period's: positive when it rose.</summary>
        public decimal? CoefficientChange => Coefficient is { } c && PreviousCoefficient is { } p ? c - p : null;

        /// <summary>Places moved up since the previous period (negative: down).</summary>
        public int? RankChange => Rank is { } r && PreviousRank is { } p ? p - r : null;

        /// <summary>
        /// SAT-8: the cases finished here in the period and how many were rated (评价率: on any channel; 主动评价率: by the
        /// public on their own, at the device or the QR page); a staff member's, the cases naming them.
        /// </summary>
        public ServiceRecordList.Figures? Cases { get; init; }

        /// <summary>Rated in the period (its ratings counted or excluded): a line listed for its cases alone is not.</summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public bool Rated => Ratings + Excluded > 0;
    }

    /// <summary>
    /// <paramref name="PreviousFrom"/> to <paramref name="PreviousTo"/>: the period the units' lines and the total are
    /// compared with (<see cref="RatingPeriods.Previous"/>), null before the supported days.
    /// </summary>
    public sealed record Report(DateOnly From, DateOnly To, Line? Unit, Line Total, IReadOnlyList<Line> Units, IReadOnlyList<Line> Sections,
        IReadOnlyList<Line> Staff, Line? WithSubUnits, int SubUnits, DateOnly? PreviousFrom = null, DateOnly? PreviousTo = null)
    {
        /// <summary>The period day by day (up to <see cref="DailyTrendDays"/> days) or month by month: all units', or the unit's own.</summary>
        public IReadOnlyList<TrendPoint> Trend { get; init; } = [];

        /// <summary>
        /// One unit's report: its service items rated or with cases in the period (SAT-8), the most unsatisfied first; the
        /// ratings and cases naming no item last (<see cref="NoItem"/>). Empty for all units.
        /// </summary>
        public IReadOnlyList<Line> Items { get; init; } = [];
    }

    /// <summary>
    /// One point of a trend: the days [From, To] (a day, or a month cut to the period) and their figures, as a line's, with
    /// the cases finished on those days (办件数, 评价率, 主动评价率).
    /// </summary>
    public sealed record TrendPoint(DateOnly From, DateOnly To, int Ratings, int Unsatisfied, decimal? Rate, decimal? Coefficient)
    {
        public ServiceRecordList.Figures Cases { get; init; } = new(0, 0, 0, 0);
    }

    /// <summary>A trend point's days: "2026-11-16", a whole month "2026-11", a month cut by the period its first and last day.</summary>
    public static string TrendLabel(TrendPoint p, string between)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (p.From == p.To) return UiText.Date(p.From);
        return p.From.Day == 1 && p.To.AddDays(1).Day == 1
            ? p.From.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture)
            : UiText.Date(p.From) + between + UiText.Date(p.To);
    }

    /// <summary>The longest period whose trend goes day by day; longer ones go month by month.</summary>
    public const int DailyTrendDays = 62;

    private async Task<IReadOnlyList<TrendPoint>> TrendAsync(DateOnly from, DateOnly to, Guid? unitId, CancellationToken ct)
    {
        IReadOnlyCollection<Guid>? units = unitId is { } u ? [u] : null;
        var days = (await counts.CountByDayAsync(from, to, units, ct)).ToLookup(d => d.Day);
        var caseDays = (await counts.CountCasesByDayAsync(from, to, units, ct)).ToLookup(d => d.Day);
        var daily = to.DayNumber - from.DayNumber + 1 <= DailyTrendDays;
        var points = new List<TrendPoint>();
        for (var start = from; start <= to;)
        {
            var end = daily ? start : new[] { new DateOnly(start.Year, start.Month, 1).AddMonths(1).AddDays(-1), to }.Min();
            var rows = new List<RatingCount>();
            var cases = new List<CaseCount>();
            for (var d = start; d <= end; d = d.AddDays(1))
            {
                rows.AddRange(days[d].Select(x => new RatingCount(Guid.Empty, Guid.Empty, null, x.Scale, x.Level, x.CommonLevel, x.Excluded, x.Count)));
                cases.AddRange(caseDays[d].Select(x => new CaseCount(Guid.Empty, Guid.Empty, null, x.Cases, x.Rated, x.RatedByPublic, x.WithBad)));
            }
            var line = ToLine(Guid.Empty, "", "", Sum(rows));
            points.Add(new TrendPoint(start, end, line.Ratings, line.Unsatisfied, line.Rate, line.Coefficient) { Cases = ServiceRecordList.Figures.Of(cases) });
            start = end.AddDays(1);
        }
        return points;
    }

    private sealed record Tally(int Ratings, int Satisfied, int Basic, int Unsatisfied, SatisfactionRate Rate);

    /// <summary>
    /// The report for [from, to] (office days): all units, or one unit's windows and staff when <paramref name="unitId"/>
    /// is given. A liaison always gets their own unit; asking for another is a 404 (SEC-2: not told it exists).
    /// </summary>
    public async Task<Report> BuildAsync(ClaimsPrincipal user, DateOnly from, DateOnly to, Guid? unitId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!user.SeesAllUnits()) unitId ??= user.UnitId() ?? throw new DomainRuleException("SEC-2", "账户未绑定单位。 The account has no unit.", 403);
        if (unitId is { } asked && !RatingAccess.Sees(user, asked)) throw new NotFoundException("单位不存在。 No such unit.");
        var report = await ReadAsync(from, to, unitId, ct);
        return report with { Trend = await TrendAsync(from, to, unitId, ct) };
    }

    /// <summary>
    /// Every unit's line for the period, ranked, its figures and its cases alone (no follow-ups, no comparison): for callers
    /// that show all units to those allowed to see them (the leaders' overview). A unit with cases and no rating is listed
    /// unranked, as in the report.
    /// </summary>
    public async Task<IReadOnlyList<Line>> AllUnitsAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        RequireLength(from, to);
        var names = await db.Units.AsNoTracking().ToDictionaryAsync(u => u.Id, u => (u.Code, u.Name), ct);
        return Ranked(UnitLines(await counts.CountAsync(from, to, null, null, ct), names, [], await counts.CountCasesAsync(from, to, null, null, ct)));
    }

    private async Task<Report> ReadAsync(DateOnly from, DateOnly to, Guid? unitId, CancellationToken ct)
    {
        var (start, end) = RatingPeriods.UtcBounds(clock, from, to);
        RequireLength(from, to);
        var units = await db.Units.AsNoTracking().Select(u => new { u.Id, u.Code, u.Name, u.ParentUnitId }).ToListAsync(ct);
        var unitById = units.ToDictionary(u => u.Id);

        var scope = new HashSet<Guid>();
        if (unitId is { } one)
        {
            if (!unitById.ContainsKey(one)) throw new NotFoundException("单位不存在。 No such unit.");
            scope = UnitTree.WithDescendants(one, units.Select(u => (u.Id, u.ParentUnitId)));
        }

        var groups = await counts.CountAsync(from, to, unitId is null ? null : scope, null, ct);
        var caseCounts = await counts.CountCasesAsync(from, to, unitId is null ? null : scope, null, ct);

        var followUps = db.FollowUpCases.AsNoTracking().Where(f => f.OpenedAt >= start && f.OpenedAt < end);
        if (unitId is not null) followUps = followUps.Where(f => scope.Contains(f.UnitId)); // the unit's own, and its sub-units' for their total
        var today = clock.Today;
        var cases = (await followUps.ToListAsync(ct))
            .Select(f => (f.UnitId, f.SectionId, Closed: f.State == FollowUpState.Closed,
                Overdue: f.State != FollowUpState.Closed && f.NextStep is { } n && f.Due(n) is { } due && due < today))
            .ToList();

        // The previous period of the same kind, for the change in each unit's coefficient and rank.
        var previous = RatingPeriods.Previous(from, to);
        var before = previous is { } p ? await counts.CountAsync(p.From, p.To, unitId is null ? null : scope, null, ct) : [];

        if (unitId is not { } chosen)
        {
            var names = unitById.ToDictionary(u => u.Key, u => (u.Value.Code, u.Value.Name));
            var then = Ranked(UnitLines(before, names, [], null)).ToDictionary(l => l.Id);
            Line Compared(Line line) => then.TryGetValue(line.Id, out var was) ? line with { PreviousRank = was.Rank, PreviousCoefficient = was.Coefficient } : line;
            var lines = UnitLines(groups, names, cases, caseCounts);
            var total = Total(groups, cases) with
            {
                PreviousCoefficient = previous is null ? null : Sum(before).Rate.Rate, Cases = ServiceRecordList.Figures.Of(caseCounts),
            };
            return new Report(from, to, null, total, Ranked(lines).Select(Compared).ToList(), [], [], null, 0, previous?.From, previous?.To);
        }

        var own = groups.Where(g => g.UnitId == chosen).ToList();
        var ownCases = cases.Where(c => c.UnitId == chosen).ToList();
        var chosenUnit = unitById[chosen];
        var ownCaseCounts = caseCounts.Where(c => c.UnitId == chosen).ToList();
        var unitLine = ToLine(chosen, chosenUnit.Code, chosenUnit.Name, Sum(own), ownCases.Count, ownCases.Count(c => c.Closed), ownCases.Count(c => c.Overdue))
            with { PreviousCoefficient = previous is null ? null : Sum(before.Where(g => g.UnitId == chosen)).Rate.Rate, Cases = ServiceRecordList.Figures.Of(ownCaseCounts) };

        var sectionLines = await SectionLinesAsync(chosen, own, ownCases, ownCaseCounts, ct);

        // The staff named by the ratings or by the cases (a staff member whose cases nobody rated is listed too).
        var ratingsByStaff = own.Where(g => g.StaffId is not null).ToLookup(g => g.StaffId!.Value);
        var casesByStaff = ownCaseCounts.Where(c => c.StaffId is not null).ToLookup(c => c.StaffId!.Value);
        var staffIds = ratingsByStaff.Select(g => g.Key).Union(casesByStaff.Select(g => g.Key)).ToList();
        var staffNames = await db.Staff.AsNoTracking().Where(s => staffIds.Contains(s.Id)).Select(s => new { s.Id, s.Code, s.Name }).ToDictionaryAsync(s => s.Id, ct);
        var staffLines = staffIds
            .Select(id => ToLine(id, staffNames.GetValueOrDefault(id)?.Code ?? "", staffNames.GetValueOrDefault(id)?.Name ?? "", Sum(ratingsByStaff[id]))
                with { Cases = ServiceRecordList.Figures.Of(casesByStaff[id]) })
            .OrderByDescending(l => l.Unsatisfied).ThenBy(l => l.Coefficient ?? 1m).ThenBy(l => l.Code, StringComparer.Ordinal).ToList();

        // SAT-4: a county's coefficient counts its townships' ratings with its own.
        Line? withSubUnits = null;
        if (scope.Count > 1)
            withSubUnits = ToLine(chosen, chosenUnit.Code, chosenUnit.Name, Sum(groups), cases.Count, cases.Count(c => c.Closed), cases.Count(c => c.Overdue))
                with { Cases = ServiceRecordList.Figures.Of(caseCounts) };
        return new Report(from, to, unitLine, unitLine, [], sectionLines, staffLines, withSubUnits, scope.Count - 1, previous?.From, previous?.To)
            { Items = await ItemLinesAsync(from, to, chosen, ct) };
    }

    /// <summary>The name of the line of ratings and cases that name no service item (a device's rating without a case, say).</summary>
    public const string NoItem = "未注明事项";

    /// <summary>
    /// A unit's service items in the period: each item's ratings (its own, or its case's) and cases, the most unsatisfied
    /// first, then the most rated; the ratings and cases naming none last, under <see cref="NoItem"/> (its id empty).
    /// </summary>
    private async Task<List<Line>> ItemLinesAsync(DateOnly from, DateOnly to, Guid unitId, CancellationToken ct)
    {
        var (ratings, cases) = await counts.CountByItemAsync(from, to, unitId, ct);
        var byItem = ratings.ToLookup(r => r.ServiceItemId);
        var casesByItem = cases.ToDictionary(c => c.ServiceItemId ?? Guid.Empty);
        var ids = byItem.Select(g => g.Key).Union(cases.Select(c => c.ServiceItemId)).ToList();
        var named = ids.OfType<Guid>().ToList();
        var items = await db.ServiceItems.AsNoTracking().Where(i => named.Contains(i.Id)).Select(i => new { i.Id, i.Code, i.Name }).ToDictionaryAsync(i => i.Id, ct);
        return ids
            .Select(id =>
            {
                var item = id is { } i ? items.GetValueOrDefault(i) : null;
                var tally = Sum(byItem[id].Select(r => new RatingCount(unitId, Guid.Empty, null, r.Scale, r.Level, r.CommonLevel, r.Excluded, r.Count)));
                var finished = casesByItem.TryGetValue(id ?? Guid.Empty, out var c) ? new ServiceRecordList.Figures(c.Cases, c.Rated, c.RatedByPublic, c.WithBad) : new(0, 0, 0, 0);
                return ToLine(id ?? Guid.Empty, item?.Code ?? "", id is null ? NoItem : item?.Name ?? "", tally) with { Cases = finished };
            })
            .OrderBy(l => l.Id == Guid.Empty).ThenByDescending(l => l.Unsatisfied).ThenByDescending(l => l.Ratings).ThenBy(l => l.Code, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// One line a unit rated, with the follow-ups opened at it; with <paramref name="caseCounts"/>, its cases too, and a line
    /// for every unit with cases and no rating (a 评价率 of 0 is what the Office looks for).
    /// </summary>
    private List<Line> UnitLines(List<RatingCount> groups, Dictionary<Guid, (string Code, string Name)> units,
        List<(Guid UnitId, Guid SectionId, bool Closed, bool Overdue)> cases, List<CaseCount>? caseCounts)
    {
        var followUpsByUnit = cases.ToLookup(c => c.UnitId);
        var ratingsByUnit = groups.ToLookup(g => g.UnitId);
        var casesByUnit = (caseCounts ?? []).ToLookup(c => c.UnitId);
        return ratingsByUnit.Select(g => g.Key).Union(casesByUnit.Select(c => c.Key)).Select(id =>
        {
            var (code, name) = units.TryGetValue(id, out var u) ? u : ("", id.ToString());
            var mine = followUpsByUnit[id].ToList();
            return ToLine(id, code, name, Sum(ratingsByUnit[id]), mine.Count, mine.Count(c => c.Closed), mine.Count(c => c.Overdue))
                with { Cases = caseCounts is null ? null : ServiceRecordList.Figures.Of(casesByUnit[id]) };
        }).ToList();
    }

    /// <summary>
    /// A unit's windows: every section rated in the period, and every active window, hall and outlet (one nobody rated
    /// is a device or QR code to check). A section with sections under it (a hall and its windows) counts theirs with its
    /// own, and its windows follow it one level in.
    /// </summary>
    private async Task<List<Line>> SectionLinesAsync(Guid unitId, List<RatingCount> own, List<(Guid UnitId, Guid SectionId, bool Closed, bool Overdue)> cases,
        List<CaseCount> caseCounts, CancellationToken ct)
    {
        var sections = await db.Sections.AsNoTracking().Where(s => s.UnitId == unitId)
            .Select(s => new { s.Id, s.Code, s.Name, s.Active, s.Kind, s.ParentSectionId }).ToListAsync(ct);
        var bySection = own.ToLookup(g => g.SectionId);
        var casesBySection = cases.ToLookup(c => c.SectionId);
        var finishedBySection = caseCounts.ToLookup(c => c.SectionId);
        var listed = sections.Where(s => bySection.Contains(s.Id) || casesBySection.Contains(s.Id) || finishedBySection.Contains(s.Id)
                || (s.Active && s.Kind is SectionKind.Window or SectionKind.ServiceHall or SectionKind.TownshipOutlet or SectionKind.StreetOutlet))
            .Select(s => s.Id).ToHashSet();
        var children = sections.Where(s => listed.Contains(s.Id)).ToLookup(s => s.ParentSectionId is { } p && listed.Contains(p) ? p : (Guid?)null);
        var lines = new List<Line>();
        foreach (var top in children[null].OrderBy(s => s.Code, StringComparer.Ordinal)) Add(top.Id, 0);
        return lines;

        // Adds the section's line (itself and everything under it), then its children's; returns the ids it covers.
        List<Guid> Add(Guid id, int depth)
        {
            var s = sections.First(x => x.Id == id);
            var at = lines.Count;
            lines.Add(null!);
            var covered = new List<Guid> { id };
            foreach (var c in children[id].OrderBy(x => x.Code, StringComparer.Ordinal)) covered.AddRange(Add(c.Id, depth + 1));
            var mine = covered.SelectMany(x => casesBySection[x]).ToList();
            lines[at] = ToLine(s.Id, s.Code, s.Name, Sum(covered.SelectMany(x => bySection[x])), mine.Count, mine.Count(c => c.Closed), mine.Count(c => c.Overdue))
                with { Depth = depth, Groups = covered.Count > 1, Cases = ServiceRecordList.Figures.Of(covered.SelectMany(x => finishedBySection[x])) };
            return covered;
        }
    }

    /// <summary>
    /// The report as an .xlsx workbook, numbers as numbers: the units (ranked, with the total), or one unit's windows and
    /// staff. The same report gives the same bytes.
    /// </summary>
    public static (byte[] Bytes, string Name) ToXlsx(Report r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var period = $"{UiText.Date(r.From)} 至 {UiText.Date(r.To)}";
        const string note = "评价数及各等级只计未剔除的评价；满意率 = (满意 + 基本满意) ÷ 评价数；满意率系数 = 各等级分值的平均 ÷ 100（SAT-4）；"
            + "已剔除的评价经申诉审核后保留并标注，不计入（SAT-7）；差评回访为期间内开启的回访整改案件，逾期为今日仍超过步骤期限未办的；"
            + "办件数为期间内办结的办件（SAT-8），评价率 = 有评价的办件 ÷ 办件数，主动评价率只计办事群众在评价器或扫码页面的评价。";
        string[] figures = ["评价数", "满意", "基本满意", "不满意", "满意率", "满意率系数", "已剔除"];
        string[] followUps = ["差评回访", "已办结", "逾期未办"];
        string[] caseHeads = ["办件数", "评价率", "主动评价率"];
        double[] widths = [8, 8, 10, 8, 10, 12, 8];
        using var ms = new MemoryStream();
        string name;
        if (r.Unit is not { } unit)
        {
            name = $"satisfaction-{UiText.Date(r.From)}-{UiText.Date(r.To)}.xlsx";
            using var w = new OrgWorkbookWriter(ms, ["各单位", .. TrendSheet()]);
            w.BeginSheet("各单位", ["排名", "单位代码", "单位", .. figures, .. followUps, "上期排名", "上期系数", "系数变化", .. caseHeads],
                [6, 12, 30, .. widths, 10, 8, 10, 10, 10, 10, 8, 10, 12]);
            foreach (var l in r.Units)
                w.WriteValues([l.Rank, l.Code, l.Name, .. Figures(l), l.FollowUps, l.FollowUpsClosed, l.FollowUpsOverdue, l.PreviousRank, l.PreviousCoefficient, l.CoefficientChange,
                    .. CaseFigures(l.Cases)]);
            w.WriteValues([null, null, "合计", .. Figures(r.Total), r.Total.FollowUps, r.Total.FollowUpsClosed, r.Total.FollowUpsOverdue,
                null, r.Total.PreviousCoefficient, r.Total.CoefficientChange, .. CaseFigures(r.Total.Cases)]);
            var compared = r.PreviousFrom is { } pf && r.PreviousTo is { } pt ? $"上期为 {UiText.Date(pf)} 至 {UiText.Date(pt)}。" : "";
            w.WriteNote([$"{period}，有评价的单位 {r.Units.Count(u => u.Rated)} 个，按满意率系数排名（有办件而无评价的单位列在其后，不排名）。{compared}{note}"]);
            WriteTrend(w, "各单位合计");
        }
        else
        {
            name = $"satisfaction-{unit.Code}-{UiText.Date(r.From)}-{UiText.Date(r.To)}.xlsx";
            using var w = new OrgWorkbookWriter(ms, ["窗口", "工作人员", "办事事项", .. TrendSheet()]);
            w.BeginSheet("窗口", ["窗口代码", "窗口", .. figures, .. followUps, .. caseHeads], [14, 30, .. widths, 10, 8, 10, 8, 10, 12]);
            foreach (var l in r.Sections)
                w.WriteValues([l.Code, new string('　', 2 * l.Depth) + l.Name, .. Figures(l), l.FollowUps, l.FollowUpsClosed, l.FollowUpsOverdue, .. CaseFigures(l.Cases)]);
            w.WriteValues([unit.Code, unit.Name + "（合计）", .. Figures(unit), unit.FollowUps, unit.FollowUpsClosed, unit.FollowUpsOverdue, .. CaseFigures(unit.Cases)]);
            if (r.WithSubUnits is { } all)
                w.WriteValues([unit.Code, $"{unit.Name}（含下级单位 {r.SubUnits} 个）", .. Figures(all), all.FollowUps, all.FollowUpsClosed, all.FollowUpsOverdue, .. CaseFigures(all.Cases)]);
            w.WriteNote([$"{unit.Name}，{period}。服务大厅一行含其下各窗口（窗口缩进列在其后）。{note}"]);
            w.BeginSheet("工作人员", ["工号", "姓名", .. figures, .. caseHeads], [14, 16, .. widths, 8, 10, 12]);
            foreach (var l in r.Staff) w.WriteValues([l.Code, l.Name, .. Figures(l), .. CaseFigures(l.Cases)]);
            w.WriteNote([$"{unit.Name}，{period}，评价或办件记录了经办人的工作人员。"]);
            w.BeginSheet("办事事项", ["事项编码", "事项", .. figures, .. caseHeads], [16, 30, .. widths, 8, 10, 12]);
            foreach (var l in r.Items) w.WriteValues([l.Code, l.Name, .. Figures(l), .. CaseFigures(l.Cases)]);
            w.WriteNote([$"{unit.Name}，{period}，按办事事项：评价未注明事项的，按其办件的事项计；不满意多的在前。"]);
            WriteTrend(w, unit.Name);
        }
        return (ms.ToArray(), name);

        string[] TrendSheet() => r.Trend.Count > 0 ? ["趋势"] : [];

        void WriteTrend(OrgWorkbookWriter w, string whose)
        {
            if (r.Trend.Count == 0) return;
            w.BeginSheet("趋势", ["日期", "评价数", "不满意", "满意率", "满意率系数", .. caseHeads], [24, 8, 8, 10, 12, 8, 10, 12]);
            foreach (var p in r.Trend)
                w.WriteValues([TrendLabel(p, " 至 "), p.Ratings, p.Unsatisfied, p.Rate is { } rate ? new OrgWorkbookWriter.Percent(rate) : null, p.Coefficient,
                    .. CaseFigures(p.Cases)]);
            w.WriteNote([$"{whose}，{period}，{(r.Trend[0].From == r.Trend[0].To ? "逐日" : "逐月")}。"]);
        }

        static object?[] CaseFigures(ServiceRecordList.Figures? f) =>
            [f?.Cases, f?.RatedRate is { } rated ? new OrgWorkbookWriter.Percent(rated) : null,
                f?.PublicRate is { } byPublic ? new OrgWorkbookWriter.Percent(byPublic) : null];

        static object?[] Figures(Line l) =>
            [l.Ratings, l.Satisfied, l.Basic, l.Unsatisfied, l.Rate is { } rate ? new OrgWorkbookWriter.Percent(rate) : null, l.Coefficient, l.Excluded];
    }

    private Line Total(List<RatingCount> groups, List<(Guid UnitId, Guid SectionId, bool Closed, bool Overdue)> cases) =>
        ToLine(Guid.Empty, "", "", Sum(groups), cases.Count, cases.Count(c => c.Closed), cases.Count(c => c.Overdue));

    /// <summary>Ranked by the coefficient (SAT-4), then by how many ratings it rests on; a unit with none counted gets no rank.</summary>
    private static List<Line> Ranked(List<Line> lines)
    {
        var ordered = lines.OrderByDescending(l => l.Coefficient ?? -1m).ThenByDescending(l => l.Ratings).ThenBy(l => l.Code, StringComparer.Ordinal).ToList();
        var result = new List<Line>(ordered.Count);
        int rank = 0, position = 0;
        decimal? previous = null;
        foreach (var l in ordered)
        {
            position++;
            if (l.Coefficient is not { } c) { result.Add(l); continue; }
            if (previous != c) rank = position; // equal coefficients share a rank
            previous = c;
            result.Add(l with { Rank = rank });
        }
        return result;
    }

    private Tally Sum(IEnumerable<RatingCount> groups)
    {
        var list = groups as IReadOnlyCollection<RatingCount> ?? groups.ToList();
        int satisfied = 0, basic = 0, unsatisfied = 0;
        foreach (var g in list.Where(g => !g.Excluded))
        {
            switch (g.CommonLevel)
            {
                case 1: satisfied += g.Count; break;
                case 2: basic += g.Count; break;
                default: unsatisfied += g.Count; break;
            }
        }
        var rate = SatisfactionCoefficient.ComputeCounted(list.Select(g => (new ScoredRating(intake.Mapping.Score(g.Scale, g.Level), g.Excluded), g.Count)));
        return new Tally(rate.Counted, satisfied, basic, unsatisfied, rate);
    }

    private static Line ToLine(Guid id, string code, string name, Tally t, int followUps = 0, int closed = 0, int overdue = 0) =>
        new(id, code, name, t.Ratings, t.Satisfied, t.Basic, t.Unsatisfied, t.Rate.Excluded,
            t.Ratings == 0 ? null : (decimal)(t.Satisfied + t.Basic) / t.Ratings, t.Rate.Rate, followUps, closed, overdue);
}
