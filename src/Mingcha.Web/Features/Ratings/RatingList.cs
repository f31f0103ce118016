using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Identifiers;
using Mingcha.Domain.Satisfaction;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Organisation.Import;
using Mingcha.Web.Infrastructure;
using static Mingcha.Web.Features.Ratings.RatingsApi;

namespace Mingcha.Web.Features.Ratings;

/// <summary>
/// The ratings themselves (评价明细, SAT-1): filtered by period, unit, window, level and channel, for the API's list, the
/// page <c>/Ratings/List</c> and its workbook. Each with what became of it: excluded after an appeal (SAT-7, kept and
/// marked), the manipulation rules that flagged it (SAT-9), the unit, window and person named as they were then (ORG-1).
/// A unit's liaison sees their own unit's only (SEC-2); a rater's phone is masked, and a complainant's is left out for a
/// unit the Office did not grant contact (SEC-4).
/// </summary>
public sealed class RatingList(MingchaDb db, LocalClock clock)
{
    /// <summary>
    /// What to list. <see cref="From"/> and <see cref="To"/> are instants, or the office's times when given without a zone;
    /// <see cref="To"/> is excluded. A service <see cref="Item"/> is the rating's own, or its case's when it names none (as
    /// the satisfaction report counts it, SAT-8).
    /// </summary>
    public sealed record Filter(Guid? UnitId = null, Guid? SectionId = null, DateTime? From = null, DateTime? To = null, bool? Bad = null,
        RatingChannel? Channel = null, string? CaseNumber = null, int? CommonLevel = null, bool? WithComment = null, ServiceItemChoice? Item = null);

    /// <summary>One page of the list, the newest rating first, and how many match in all.</summary>
    public sealed record Page(IReadOnlyList<RatingDto> Rows, int Total, int Number, int Size)
    {
        public int Pages => Math.Max(1, (Total + Size - 1) / Size);
    }

    /// <summary>The most rows a workbook holds: beyond it the user narrows the period or the unit.</summary>
    public const int MaxExport = 100_000;

    /// <summary>The API's list: the latest received first (a device's late upload at the top), at most 1,000.</summary>
    public async Task<List<RatingDto>> LatestAsync(ClaimsPrincipal user, Filter f, int? take, CancellationToken ct) =>
        await ToDtosAsync(user, Query(user, f).OrderByDescending(r => r.ReceivedAt).ThenByDescending(r => r.Id).Take(Math.Clamp(take ?? 100, 1, 1000)), ct);

    /// <summary>Page <paramref name="number"/> (from 1) of <paramref name="size"/> ratings, the latest given first.</summary>
    public async Task<Page> PageAsync(ClaimsPrincipal user, Filter f, int number, int size, CancellationToken ct)
    {
        var q = Query(user, f);
        var total = await q.CountAsync(ct);
        number = Math.Clamp(number, 1, Math.Max(1, (total + size - 1) / size));
        var rows = await ToDtosAsync(user, q.OrderByDescending(r => r.RatedAt).ThenByDescending(r => r.Id).Skip((number - 1) * size).Take(size), ct);
        return new Page(rows, total, number, size);
    }

    /// <summary>
    /// Every rating of the filter as an .xlsx workbook, in the order given (at most <see cref="MaxExport"/>: more is a 400
    /// naming the period).
    /// </summary>
    public async Task<(byte[] Bytes, string Name)> XlsxAsync(ClaimsPrincipal user, Filter f, string period, Func<RatingChannel, string> channelName,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(channelName);
        var q = Query(user, f);
        var total = await q.CountAsync(ct);
        if (total > MaxExport)
            throw new FieldException("from", $"这一期间有 {total} 条评价，一次最多导出 {MaxExport} 条：请缩短期间或选择单位。 "
                + $"The period holds {total} ratings; an export holds at most {MaxExport}: shorten the period or choose a unit.");
        var rows = await ToDtosAsync(user, q.OrderBy(r => r.RatedAt).ThenBy(r => r.Id), ct);
        using var ms = new MemoryStream();
        using (var w = new OrgWorkbookWriter(ms, ["评价明细"]))
        {
            w.BeginSheet("评价明细", ["评价时间", "单位", "窗口", "工作人员", "服务事项", "渠道", "评价", "差评", "实名", "评价人电话", "留言", "办件编号", "已剔除", "刷评标记", "接收时间"],
                [18, 24, 24, 12, 24, 12, 10, 6, 6, 14, 30, 20, 8, 16, 18]);
            foreach (var r in rows)
                w.WriteValues([clock.Format(r.RatedAt, "yyyy-MM-dd HH:mm:ss"), r.UnitNameThen ?? r.UnitNameNow, r.SectionNameThen ?? r.SectionNameNow,
                    r.StaffNameThen ?? r.StaffNameNow, r.ServiceItem, channelName(r.Channel), r.LevelName, r.IsBad ? "是" : null, r.RealName ? "是" : null,
                    r.RaterPhone is { Length: > 0 } p ? p : null, r.Comment, r.CaseNumber, r.Excluded ? "是" : null,
                    r.Flags.Count > 0 ? string.Join("、", r.Flags) : null, clock.Format(r.ReceivedAt, "yyyy-MM-dd HH:mm:ss")]);
            w.WriteNote([$"{period}，共 {rows.Count} 条评价，按评价时间排列；单位、窗口和工作人员为评价当时的名称；评价人电话已隐去中间四位（SEC-4）；"
                + "服务事项为评价自带的或其办件的（SAT-8）；"
                + "已剔除的评价经申诉审核后保留并标注，不计入满意率（SAT-7）；刷评标记为触发的规则（SAT-9）。"]);
        }
        return (ms.ToArray(), $"ratings-{period.Replace(" 至 ", "-", StringComparison.Ordinal)}.xlsx");
    }

    /// <summary>The ratings of the filter that <paramref name="user"/> may see (SEC-2: another unit's asked for by a liaison is a 403).</summary>
    private IQueryable<Rating> Query(ClaimsPrincipal user, Filter f)
    {
        var q = db.Ratings.AsNoTracking().ScopedTo(user, f.UnitId, f.SectionId, "只能查看本单位的评价。 You can see your own unit's ratings only.");
        // "from=2026-11-16" is the office's day, not the server's (OfficeTime).
        if (OfficeTime.ToUtc(f.From, clock.Zone, "from") is { } fu) q = q.Where(r => r.RatedAt >= fu);
        if (OfficeTime.ToUtc(f.To, clock.Zone, "to") is { } tu) q = q.Where(r => r.RatedAt < tu);
        if (f.Bad is { } b) q = q.Where(r => r.IsBad == b);
        if (f.Channel is { } c) q = q.Where(r => r.Channel == c);
        if (f.CommonLevel is { } level)
        {
            if (level is < 1 or > 3) throw new FieldException("level", "等级为 1（满意）、2（基本满意）或 3（不满意）。 The level is 1, 2 or 3.");
            q = q.Where(r => r.CommonLevel == level);
        }
        if (f.CaseNumber is { Length: > 0 }) q = q.Where(r => r.CaseNumber == f.CaseNumber);
        if (f.WithComment is { } commented) q = commented ? q.Where(r => r.Comment != null && r.Comment != "") : q.Where(r => r.Comment == null || r.Comment == "");
        // The case is found by its unique number (a rating names at most one).
        if (f.Item is { Id: { } item })
            q = q.Where(r => r.ServiceItemId == item || (r.ServiceItemId == null && db.ServiceRecords.Any(c => c.CaseNumber == r.CaseNumber && c.ServiceItemId == item)));
        else if (f.Item is not null)
            q = q.Where(r => r.ServiceItemId == null && !db.ServiceRecords.Any(c => c.CaseNumber == r.CaseNumber && c.ServiceItemId != null));
        return q;
    }

    private async Task<List<RatingDto>> ToDtosAsync(ClaimsPrincipal user, IQueryable<Rating> ordered, CancellationToken ct)
    {
        // The ratings, then what became of them (exclusions, flags, their cases' items): plain queries. One query with a
        // subquery and a joined collection per rating took 700 to 850 ms for a month's 82,000 ratings, plain ones 450 to 510.
        var ratings = await ordered.ToListAsync(ct);
        var found = Again(ordered, ratings.Select(r => r.Id).ToList());
        var excluded = (await found.Join(db.RatingExclusions, r => r.Id, x => x.RatingId, (r, x) => r.Id).ToListAsync(ct)).ToHashSet();
        var flags = (await found.Join(db.RatingFlags, r => r.Id, f => f.RatingId, (r, f) => new { r.Id, f.Rule }).ToListAsync(ct))
            .ToLookup(f => f.Id, f => f.Rule);
        var rows = ratings.Select(r => new { r, Excluded = excluded.Contains(r.Id), Flags = flags[r.Id].ToList() }).ToList();
        // SEC-4: a complainant's phone (a rating of a complaint's answer) is left out for a unit the Office did not grant contact.
        var withheld = await CallBackPhones.WithheldAsync(db, user, rows.Select(x => (x.r.Channel, x.r.CaseNumber)), ct);
        // ORG-1: the unit, window and person as they were named when the rating was given (read here, never on the POST path).
        var org = await Organisation.OrgAsOf.LoadAsync(db, rows.Select(x => x.r.SectionId), rows.Select(x => x.r.UnitId), rows.Select(x => x.r.StaffId).OfType<Guid>(), ct);
        // SAT-8: the service item rated, the rating's own or its case's (a device does not know it; the business system's case does).
        var caseItems = (await found.Where(r => r.ServiceItemId == null)
            .Join(db.ServiceRecords.Where(c => c.ServiceItemId != null), r => r.CaseNumber, c => c.CaseNumber, (r, c) => new { r.Id, c.ServiceItemId })
            .ToListAsync(ct)).ToDictionary(x => x.Id, x => x.ServiceItemId!.Value);
        var itemIds = rows.Select(x => x.r.ServiceItemId).OfType<Guid>().Concat(caseItems.Values).Distinct().ToList();
        var items = itemIds.Count == 0 ? [] : await db.ServiceItems.AsNoTracking().Where(i => itemIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.Name, ct);
        string? ItemOf(Rating r) => (r.ServiceItemId ?? (caseItems.TryGetValue(r.Id, out var c) ? c : null)) is { } id && items.TryGetValue(id, out var name) ? name : null;
        return rows.Select(x => (x.r, x.Excluded, x.Flags, Names: org.NamesAt(x.r.RatedAt, x.r.UnitId, x.r.SectionId, x.r.StaffId))).Select(x => new RatingDto(x.r.Id, x.r.CaseNumber, x.r.UnitId, x.r.SectionId, x.r.StaffId, x.r.ServiceItemId, x.r.Channel, x.r.Scale,
            x.r.Level, RatingScaleMapping.NameZh(x.r.Scale, x.r.Level), x.r.CommonLevel, x.r.IsBad, x.r.RealName,
            withheld(x.r.Channel, x.r.CaseNumber) ? "" : PersonalData.MaskPhone(x.r.RaterPhone),
            x.r.Comment, x.r.RatedAt, x.r.ReceivedAt, x.Excluded, x.Flags,
            x.Names.UnitNameThen, x.Names.UnitNameNow, x.Names.SectionNameThen, x.Names.SectionNameNow, x.Names.StaffNameThen, x.Names.StaffNameNow,
            ItemOf(x.r))).ToList();
    }

    /// <summary>The most ratings looked up again by their ids; more are found by their filter again.</summary>
    internal const int ByIds = 1_000;

    /// <summary>
    /// The ratings just read, to read what became of them: a page by its ids (whatever it cost the filter to find them: a
    /// year with three matches scans the year once, not four times), a workbook by its filter again (100,000 ids would be a
    /// parameter of megabytes).
    /// </summary>
    private IQueryable<Rating> Again(IQueryable<Rating> ordered, List<Guid> ids) =>
        ids.Count <= ByIds ? db.Ratings.AsNoTracking().Where(r => ids.Contains(r.Id)) : ordered;
}
