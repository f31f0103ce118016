using Mingcha.Domain.Rectification;
using Mingcha.Web.Features.Rectification;

namespace Mingcha.Web.Pages.Rectification;

/// <summary>Chinese names of the module's states (localized through the resx like every other text).</summary>
public static class Names
{
    public static string Status(NoticeStatus s) => s switch
    {
        NoticeStatus.Issued => "待整改",
        NoticeStatus.Objected => "异议审查中",
        NoticeStatus.Answered => "已反馈待核查",
        NoticeStatus.Returned => "已退回",
        NoticeStatus.Filed => "已核查备案",
        NoticeStatus.Withdrawn => "已收回",
        NoticeStatus.Refused => "拒不整改",
        _ => s.ToString(),
    };

    public static string Stage(EscalationStage s) => s switch
    {
        EscalationStage.SecondSupervision => "二次督办",
        EscalationStage.Listed => "挂牌督办",
        _ => "通知书期限",
    };

    public static string Kind(OutcomeKind k) => k switch
    {
        OutcomeKind.Circular => "通报",
        OutcomeKind.Interview => "约谈",
        OutcomeKind.Referral => "移送纪检监察",
        OutcomeKind.PersonAccountability => "人员问责",
        OutcomeKind.UnitAccountability => "单位问责",
        _ => k.ToString(),
    };

    public static string Measure(OutcomeMeasure m) => m switch
    {
        OutcomeMeasure.Praise => "通报表扬",
        OutcomeMeasure.Criticism => "批评教育 / 通报批评",
        OutcomeMeasure.WrittenWarning => "书面告诫",
        OutcomeMeasure.RemovalFromPost => "调离岗位",
        OutcomeMeasure.Demotion => "降职",
        OutcomeMeasure.Dismissal => "辞退",
        OutcomeMeasure.WarningUnit => "警示单位",
        OutcomeMeasure.ExcellenceIneligible => "取消年度评优资格",
        _ => "—",
    };
}
