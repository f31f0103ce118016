namespace Mingcha.Domain.Inspections;

/// <summary>One entry of the default deduction catalogue.</summary>
/// <param name="Code">Stable code within a year's catalogue (A01..A20 annex, S01..S08 systems, C civility, D conduct, P open inspections).</param>
/// <param name="Group">Annex, EfficiencySystem, Civility, Conduct or OpenInspection.</param>
/// <param name="Discretionary">INS-6 "酌情扣分": the Office sets the points per finding; <paramref name="Points"/> is the default.</param>
public sealed record DefaultDeduction(string Code, string Name, decimal Points, string Group, bool Discretionary, string Basis);

/// <summary>
/// INS-18: the default catalogue a new year starts from: the 20 numbered items of S1's annex
/// (市直单位效能考评明察暗访扣分项), the eight efficiency systems of INS-14, civility (INS-15), and the conduct and
/// open-inspection items S1 prices in its articles. S1 art. 4: each case found on a spot check or covert visit
/// costs 1 point (发现一例扣1分); a quarter without a self-inspection report costs 3 (INS-3); obstruction, delay and
/// tipping off cost points at the Office's discretion (INS-6, art. 5); refusing to sign counts as a violation
/// (INS-8, art. 7).
/// </summary>
public static class DefaultDeductionCatalogue
{
    public static IReadOnlyList<DefaultDeduction> Items { get; } =
    [
        // S1 附件 (the annex), items 1..20, in the source's words.
        new("A01", "未成立效能考评工作领导小组", 1m, "Annex", false, "S1 附件第 1 项"),
        new("A02", "未明确效能考评工作办事机构", 1m, "Annex", false, "S1 附件第 2 项"),
        new("A03", "未报送效能工作分管领导和联络员", 1m, "Annex", false, "S1 附件第 3 项"),
        new("A04", "未召开党组（党委）会议研究效能考评工作", 1m, "Annex", false, "S1 附件第 4 项"),
        new("A05", "未组织干部职工传达学习《考评办法》并对效能考评做出部署安排", 1m, "Annex", false, "S1 附件第 5 项"),
        new("A06", "未在门厅等显眼位置设置效能提示牌", 1m, "Annex", false, "S1 附件第 6 项"),
        new("A07", "未向服务对象宣传效能投诉方式", 1m, "Annex", false, "S1 附件第 7 项"),
        new("A08", "未建立单位内部效能定期检查考评机制", 1m, "Annex", false, "S1 附件第 8 项"),
        new("A09", "未梳理完善效能工作相关制度", 1m, "Annex", false, "S1 附件第 9 项"),
        new("A10", "工作人员执行效能工作制度存在问题", 1m, "Annex", false, "S1 附件第 10 项"),
        new("A11", "未采取有效措施精文减会并完成相关目标任务", 1m, "Annex", false, "S1 附件第 11 项"),
        new("A12", "未采取有效措施整治检查多、考核多突出问题", 1m, "Annex", false, "S1 附件第 12 项"),
        new("A13", "未采取措施整治留痕多、材料多突出问题", 1m, "Annex", false, "S1 附件第 13 项"),
        new("A14", "工作中发现推诿扯皮、不愿担责问题", 1m, "Annex", false, "S1 附件第 14 项"),
        new("A15", "服务企业、群众存在“冷硬横推”问题", 1m, "Annex", false, "S1 附件第 15 项"),
        new("A16", "落实中央决策部署和上级要求存在表态多、调门高、行动少、落实差问题", 1m, "Annex", false, "S1 附件第 16 项"),
        new("A17", "党组（党委）落实机关党建工作责任不到位", 1m, "Annex", false, "S1 附件第 17 项"),
        new("A18", "专职党务干部配备不到位，存在应配未配现象", 1m, "Annex", false, "S1 附件第 18 项"),
        new("A19", "党员领导干部参加所在党支部或党小组组织生活制度落实不到位", 1m, "Annex", false, "S1 附件第 19 项"),
        new("A20", "支部工作不规范，在组织设置、党员管理、工作机制、组织生活、支委会建设等方面存在问题", 1m, "Annex", false, "S1 附件第 20 项"),

        // INS-14: the eight efficiency systems a covert visit tests (S1 效能八项制度), 1 point per case (S1 art. 4.2).
        new("S01", "未落实岗位责任制（未按要求公示岗位职责、佩戴或摆放工作牌）", 1m, "EfficiencySystem", false, "INS-14 岗位责任制"),
        new("S02", "未落实首问负责制", 1m, "EfficiencySystem", false, "INS-14 首问负责制"),
        new("S03", "未落实服务承诺制（未公开服务内容、程序、时限、标准）", 1m, "EfficiencySystem", false, "INS-14 服务承诺制"),
        new("S04", "未落实限时办结制（超过承诺时限办理）", 1m, "EfficiencySystem", false, "INS-14 限时办结制"),
        new("S05", "未落实AB岗工作制（A岗离岗一天以上B岗未到位）", 1m, "EfficiencySystem", false, "INS-14 AB岗工作制"),
        new("S06", "未落实一次性告知制（未一次告知所需全部材料）", 1m, "EfficiencySystem", false, "INS-14 一次性告知制"),
        new("S07", "未落实离岗告示制（离岗超过30分钟未放置告示牌）", 1m, "EfficiencySystem", false, "INS-14 离岗告示制"),
        new("S08", "未落实责任追究制", 1m, "EfficiencySystem", false, "INS-14 责任追究制"),

        // INS-15: civility (S2 文明用语与服务禁语).
        new("C01", "使用服务禁语", 1m, "Civility", false, "INS-15 服务禁语"),
        new("C02", "未使用文明用语、服务态度生硬", 1m, "Civility", false, "INS-15 文明用语"),

        // INS-6 (S1 art. 5) and INS-8 (S1 art. 7).
        new("D01", "人为阻拦检查", 1m, "Conduct", true, "INS-6 S1 第五条"),
        new("D02", "迟滞检查", 1m, "Conduct", true, "INS-6 S1 第五条"),
        new("D03", "相互通风报信", 1m, "Conduct", true, "INS-6 S1 第五条"),
        new("D04", "拒不配合检查或拒绝签字确认", 1m, "Conduct", false, "INS-8 S1 第七条"),

        // INS-3, INS-4 (S1 art. 4.1).
        new("P01", "未按季报送效能自查报告", 3m, "OpenInspection", false, "INS-3 S1 第四条"),
        new("P02", "明查核查有缺项或缺乏佐证资料", 1m, "OpenInspection", false, "INS-4 S1 第四条"),
    ];

    /// <summary>The code of the tipping-off item (INS-6), which the secrecy module records on a leak.</summary>
    public const string TippingOffCode = "D03";

    /// <summary>The code of the refusal-to-sign item (INS-8).</summary>
    public const string RefusalToSignCode = "D04";
}
