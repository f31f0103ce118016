using System.Globalization;
using System.Security.Claims;
using Mingcha.Domain.Documents;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Jobs;
using Mingcha.Web.Features.Documents;
using Mingcha.Web.Features.Rectification;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Ratings;

/// <summary>
/// The Office's circular on a period's service satisfaction (SAT-4, SAT-7): the report's figures for every unit rated,
/// ranked, and how the bad ratings' follow-ups stand, issued as an official document (通报, GB/T 9704; decision 009) to
/// every unit in the ranking, who then read it in their register of documents; each unit's liaison is told its rank.
/// </summary>
public sealed class SatisfactionCirculars(SatisfactionReport report, OfficialDocuments documents, MingchaDb db, TimeProvider time)
{
    /// <summary>The Office's own text for the last part; without it the usual requirements.</summary>
    public const int NoteMaxLength = 2000;

    public async Task<IssuedDocument> IssueAsync(DateOnly from, DateOnly to, string? note, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(by);
        RectificationViewer.Of(by).RequireOffice("SAT-4", "印发满意度通报");
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (note is { Length: > NoteMaxLength }) throw new FieldException("note", $"工作要求不超过 {NoteMaxLength} 字。 The requirements take at most {NoteMaxLength} characters.");
        var r = await report.BuildAsync(by, from, to, null, ct);
        // The units rated in the period (their ratings counted or excluded); the report also lists units with cases alone.
        var units = r.Units.Where(u => u.Rated).ToList();
        if (units.Count == 0) throw new FieldException("from", "这一期间没有评价，无可通报。 No ratings in this period: nothing to report.");

        var period = PeriodName(from, to);
        var t = r.Total;
        var overdue = units.Where(u => u.FollowUpsOverdue > 0).ToList();
        // SAT-8: the period's cases and how many were rated; units with cases and not one rating named.
        var unrated = r.Units.Where(u => u.Cases is { Cases: > 0, Rated: 0 }).ToList();
        var cases = t.Cases is { Cases: > 0 } c
            ? $"期间办结办件{c.Cases}件，评价率{SatisfactionReport.Percent(c.RatedRate)}，其中主动评价率{SatisfactionReport.Percent(c.PublicRate)}。"
                + (unrated.Count == 0 ? "" : $"{string.Join("、", unrated.Select(u => $"{u.Name}（办件{u.Cases!.Cases}件）"))}有办件而无一评价，请核查评价器使用和主动邀评情况。")
            : "";
        var body = new List<DocumentBlock>
        {
            new ParagraphBlock($"现将{period}各单位政务服务窗口服务满意度评价情况通报如下。"),
            new HeadingBlock(1, "总体情况"),
            new ParagraphBlock($"{period}，{units.Count}个单位共收到服务评价{t.Ratings}条，其中满意{t.Satisfied}条、基本满意{t.Basic}条、不满意{t.Unsatisfied}条，"
                + $"满意率{SatisfactionReport.Percent(t.Rate)}，满意率系数{SatisfactionReport.Coefficient(t.Coefficient)}"
                + (t.CoefficientChange is { } change && r.PreviousFrom is { } pf && r.PreviousTo is { } pt
                    ? $"，较{PeriodName(pf, pt)}{(change > 0 ? "上升" : change < 0 ? "下降" : "持平")}{(change == 0 ? "" : SatisfactionReport.Coefficient(Math.Abs(change)))}。" : "。")
                + (t.Excluded > 0 ? $"另有{t.Excluded}条评价经申诉审核认定为误评或恶意评价，予以保留并标注，不计入统计。" : "") + cases),
            new HeadingBlock(1, "各单位排名"),
            new ParagraphBlock("按满意率系数（各等级分值的平均值除以100）从高到低排列。"),
            new TableBlock(["排名", "单位", "评价数", "不满意", "满意率", "满意率系数", "排名较上期"],
                units.Select(u => (IReadOnlyList<string>)[u.Rank?.ToString(CultureInfo.InvariantCulture) ?? "—", u.Name, N(u.Ratings), N(u.Unsatisfied),
                    SatisfactionReport.Percent(u.Rate), SatisfactionReport.Coefficient(u.Coefficient), Move(u.RankChange) ?? "—"]).ToList(),
                "各单位服务满意度排名"),
            new HeadingBlock(1, "差评回访整改情况"),
            new ParagraphBlock($"{period}共开启差评回访整改{t.FollowUps}件，已办结{t.FollowUpsClosed}件"
                + (overdue.Count == 0 ? "，无逾期未办。" : $"，逾期未办{t.FollowUpsOverdue}件，涉及{string.Join("、", overdue.Select(u => $"{u.Name}（{u.FollowUpsOverdue}件）"))}。")),
            new HeadingBlock(1, "工作要求"),
            new ParagraphBlock(note ?? "请各单位对照排名查找服务中的不足，对不满意评价逐件回访核实、整改到位并向评价人反馈；"
                + "逾期未办的差评回访整改件，请于3个工作日内办结并将结果报效能办。"),
        };
        // Each ranked unit's liaison reads its place on the home page, with a link to the unit's report for the period. The
        // reminders are added to the context before the document is issued: the registering transaction (its one
        // SaveChanges) stores them with the document, or neither.
        var now = time.GetUtcNow().UtcDateTime;
        var days = $"from={UiText.Date(from)}&to={UiText.Date(to)}";
        var batch = Guid.CreateVersion7().ToString("N");
        foreach (var u in units)
        {
            var place = u.Rank is { } rank ? $"本单位排名第 {rank}（共 {units.Count} 个{(Move(u.RankChange) is { } m ? "，较上期" + m : "")}），满意率系数 {SatisfactionReport.Coefficient(u.Coefficient)}" : "本单位没有计入统计的评价";
            var placeEn = u.Rank is { } rankEn ? $"your unit ranks {rankEn} of {units.Count}{MoveEn(u.RankChange)}, satisfaction coefficient {SatisfactionReport.Coefficient(u.Coefficient)}" : "no counted rating for your unit";
            db.Notifications.Add(new Notification(null, Roles.UnitLiaison, u.Id, "satisfaction.circular",
                $"满意度通报（{period}）：{place}。 Satisfaction circular of {UiText.Date(from)} to {UiText.Date(to)}: {placeEn}.",
                null, $"/Ratings/Report?{days}", $"satisfaction.circular:{batch}:{u.Id}", now));
        }
        var content = documents.Draft(DocumentKind.Circular, $"关于{period}政务服务满意度评价情况的通报", ["市直各单位"], body);
        return await documents.IssueAsync(content, new DocumentIssue("SatisfactionCircular", null, units.Select(u => u.Id).ToList()), by, ct);
    }

    /// <summary>"2026年11月", "2026年第四季度", "2026年度", or the days: "2026年11月2日至2026年11月15日".</summary>
    public static string PeriodName(DateOnly from, DateOnly to)
    {
        if (from.Day == 1 && to == from.AddMonths(1).AddDays(-1)) return $"{from.Year}年{from.Month}月";
        if (from.Day == 1 && from.Month % 3 == 1 && to == from.AddMonths(3).AddDays(-1)) return $"{from.Year}年第{"一二三四"[(from.Month - 1) / 3]}季度";
        if (from.DayOfYear == 1 && to == from.AddYears(1).AddDays(-1)) return $"{from.Year}年度";
        return $"{from.Year}年{from.Month}月{from.Day}日至{to.Year}年{to.Month}月{to.Day}日";
    }

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>A move in the ranking since the previous period, as a circular words it: 上升2位, 下降1位, 持平; null when not ranked then.</summary>
    private static string? Move(int? change) => change switch
    {
        null => null,
        > 0 => $"上升{N(change.Value)}位",
        < 0 => $"下降{N(-change.Value)}位",
        _ => "持平",
    };

    private static string MoveEn(int? change) => change switch
    {
        null => "",
        > 0 => $" (up {N(change.Value)} on the previous period)",
        < 0 => $" (down {N(-change.Value)})",
        _ => " (unchanged)",
    };
}
