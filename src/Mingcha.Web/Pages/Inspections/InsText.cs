using Microsoft.Extensions.Localization;
using Mingcha.Domain.Inspections;
using Mingcha.Web.Features.Inspections;

namespace Mingcha.Web.Pages.Inspections;

/// <summary>Display names of the inspection module's states and kinds.</summary>
public static class InsText
{
    public static string Kind(IStringLocalizer l, InspectionKind k) => k == InspectionKind.Covert ? l["暗访"] : l["明查"];

    /// <summary>What a step of the eight-step protocol must hold (INS-11), in the domain's words, translated.</summary>
    public static string Evidence(IStringLocalizer l, StepEvidence e) => l[VisitProtocol.EvidenceName(e)];

    public static string Campaign(IStringLocalizer l, CampaignKind c) => c == CampaignKind.Routine ? l["常态化"] : l["专题"];

    public static string Status(IStringLocalizer l, RoundStatus s) => s switch
    {
        RoundStatus.Draft => l["起草中"],
        RoundStatus.Planned => l["已定稿"],
        RoundStatus.Running => l["实施中"],
        _ => l["已结束"],
    };

    public static string Status(IStringLocalizer l, VisitStatus s) => s switch
    {
        VisitStatus.Planned => l["待实施"],
        VisitStatus.InProgress => l["实施中"],
        VisitStatus.Submitted => l["已提交"],
        VisitStatus.Accepted => l["已采纳"],
        VisitStatus.Returned => l["已退回"],
        _ => l["不予采纳"],
    };

    public static string Target(IStringLocalizer l, TargetKind k) => k switch
    {
        TargetKind.Window => l["窗口单位"],
        TargetKind.Hall => l["服务大厅"],
        TargetKind.Outlet => l["乡镇（街道）网点"],
        _ => l["其他科室"],
    };

    public static string Source(IStringLocalizer l, TargetSource s) => s switch
    {
        TargetSource.Drawn => l["随机抽取"],
        TargetSource.Mandatory => l["必查（上次发现问题）"],
        _ => l["指定"],
    };

    public static string Group(IStringLocalizer l, DeductionGroup g) => g switch
    {
        DeductionGroup.Annex => l["扣分项附件"],
        DeductionGroup.EfficiencySystem => l["效能八项制度"],
        DeductionGroup.Civility => l["文明用语"],
        DeductionGroup.Conduct => l["阻拦与拒签"],
        _ => l["明查与自查"],
    };

    public static string Breach(IStringLocalizer l, BreachKind b) => b switch
    {
        BreachKind.Confidentiality => l["违反保密规定"],
        BreachKind.Falsification => l["弄虚作假"],
        BreachKind.Favouritism => l["徇私舞弊"],
        BreachKind.PrivateGain => l["谋取私利"],
        BreachKind.Banquet => l["接受宴请"],
        BreachKind.Gift => l["接受礼品馈赠"],
        BreachKind.UndeclaredConflict => l["未申报利益冲突"],
        _ => l["其他"],
    };

    public static string Shortfall(IStringLocalizer l, AgencyShortfall s) => s switch
    {
        AgencyShortfall.Depth => l["查访深度不够"],
        AgencyShortfall.Duration => l["查访时间不达标"],
        AgencyShortfall.Spread => l["查访频率不均匀"],
        AgencyShortfall.ReportQuality => l["报告质量"],
        _ => l["其他"],
    };

    public static string Decision(IStringLocalizer l, AgencyDecision d) => d switch
    {
        AgencyDecision.Continue => l["续用"],
        AgencyDecision.Exit => l["退出（解除合同）"],
        _ => l["待决定"],
    };
}
