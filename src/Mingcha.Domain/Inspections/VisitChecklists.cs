namespace Mingcha.Domain.Inspections;

/// <summary>One line of a visit checklist and the deduction item (INS-18 code) a failure is recorded under.</summary>
public sealed record ChecklistLine(string Code, string Name, string EnglishName, string ItemCode, int Step);

/// <summary>
/// The checklists a covert visit works through: the eight efficiency systems (INS-14, S1) and civility (INS-15, S2).
/// S2 counts 54 polite and 15 forbidden expressions without listing them; the expressions below are the common
/// ones of window-service codes, for the Office to extend. A forbidden expression heard is recorded as a finding of
/// item C01; polite expressions not used, of item C02.
/// </summary>
public static class VisitChecklists
{
    public static readonly IReadOnlyList<ChecklistLine> EfficiencySystems =
    [
        new("S01", "岗位责任制：公示岗位职责、佩戴或摆放工作牌", "Post responsibility: duty plates posted", "S01", 2),
        new("S02", "首问负责制", "First-inquiry responsibility", "S02", 4),
        new("S03", "服务承诺制：公开服务内容、程序、时限、标准", "Service commitment published", "S03", 2),
        new("S04", "限时办结制：承诺时限不长于法定时限", "Time-limited handling", "S04", 5),
        new("S05", "AB岗工作制：A岗离岗一天以上B岗到位", "A/B post", "S05", 3),
        new("S06", "一次性告知制：一次告知所需全部材料", "One-time notification", "S06", 4),
        new("S07", "离岗告示制：离岗超过30分钟放置告示牌（时间、事由、返回时间、联系方式）", "Leave-post notice", "S07", 3),
        new("S08", "责任追究制", "Accountability", "S08", 3),
    ];

    public static readonly IReadOnlyList<string> PoliteExpressions = ["您好", "请坐", "请稍等", "请出示您的证件", "对不起，让您久等了", "请您慢走", "谢谢您的配合", "还有什么需要帮助的吗"];

    public static readonly IReadOnlyList<string> ForbiddenExpressions = ["不知道", "不归我管", "下班了，明天再来", "你问我，我问谁", "急什么", "墙上贴着，自己看", "没看我正忙着吗", "刚才不是跟你说了吗"];

    /// <summary>INS-15: the civility lines: polite expressions used (C02) and no forbidden expression heard (C01).</summary>
    public static readonly IReadOnlyList<ChecklistLine> Civility =
    [
        new("CIV-POLITE", "使用文明用语", "Polite expressions used", "C02", 3),
        new("CIV-FORBIDDEN", "未使用服务禁语", "No forbidden expression", "C01", 3),
    ];

    public static IEnumerable<ChecklistLine> All => EfficiencySystems.Concat(Civility);

    public static ChecklistLine? Find(string code) => All.FirstOrDefault(l => l.Code == code);
}
