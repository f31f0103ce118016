using Mingcha.Domain.Scoring;
using Mingcha.Web.Features.Scoring;

namespace Mingcha.Web.Pages.Scoring;

/// <summary>The Chinese names of the scoring enums (the page localises them through the resx).</summary>
public static class ScoringNames
{
    public static string Method(EvaluationMethod m) => m switch
    {
        EvaluationMethod.Instant => "即时测评",
        EvaluationMethod.Monthly => "综合测评",
        EvaluationMethod.Inspection => "明察暗访测评",
        _ => "集中测评",
    };

    public static string Grade(Grade g) => g switch
    {
        Mingcha.Domain.Scoring.Grade.Excellent => "优",
        Mingcha.Domain.Scoring.Grade.Good => "良",
        Mingcha.Domain.Scoring.Grade.Fair => "一般",
        Mingcha.Domain.Scoring.Grade.Poor => "较差",
        _ => "差",
    };

    public static string Status(CampaignStatus s) => s switch
    {
        CampaignStatus.Draft => "草稿",
        CampaignStatus.Open => "进行中",
        CampaignStatus.Closed => "已结束",
        _ => "已公布",
    };

    public static string Consequence(ResultConsequence c) => c switch
    {
        ResultConsequence.Satisfied => "满意科室",
        ResultConsequence.Explain => "书面说明",
        ResultConsequence.RectifyAndAccount => "限期整改并问责",
        ResultConsequence.NotEvaluated => "未测评，不排名",
        _ => "—",
    };

    /// <summary>A section's place, or a dash when it is not ranked (no evaluation, decision 023).</summary>
    public static string Rank(int rank) => rank == Mingcha.Domain.Scoring.Ranking.Unranked ? "—" : rank.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string Explanation(ExplanationStatus s) => s switch
    {
        ExplanationStatus.Awaiting => "待说明",
        ExplanationStatus.Overdue => "逾期未说明",
        ExplanationStatus.Filed => "已提交",
        ExplanationStatus.Late => "逾期提交",
        ExplanationStatus.SentBack => "已退回",
        _ => "已认可",
    };

    public static string Step(ExplanationState s) => s switch
    {
        ExplanationState.Filed => "提交",
        ExplanationState.SentBack => "退回",
        _ => "认可",
    };

    public static string Policy(EmptyMethodPolicy p) => p == EmptyMethodPolicy.Rescale ? "无测评的方式不计，其余权重按比例折算为100%" : "无测评的方式按0计";

    /// <summary>Scores are exact; pages show two decimals.</summary>
    public static string Show(decimal d) => Math.Round(d, 2, MidpointRounding.AwayFromZero).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
    public static string Percent(decimal? d) => d is { } v ? Show(v * 100m) + "%" : "—";
}
