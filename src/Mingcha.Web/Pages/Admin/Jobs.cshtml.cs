using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Localization;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Jobs;

namespace Mingcha.Web.Pages.Admin;

/// <summary>
/// The recurring jobs (decision 003): when each runs next, how its last runs went, and whether one fails, waits for
/// another attempt or is overdue. The system administrator's (SEC-1, 三员分立): it shows no business data.
/// </summary>
[Authorize(Policy = Policies.SystemOperate)]
public sealed class JobsModel(JobStatusReader reader, TimeProvider time, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public IReadOnlyList<JobView> Jobs { get; private set; } = [];
    public DateTime Now { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Now = time.GetUtcNow().UtcDateTime;
        Jobs = await reader.ListAsync(ct);
    }

    public bool NeedsAttention(JobView job) => JobStatusReader.NeedsAttention(job, Now);

    /// <summary>What the job does, in the page's language; an unknown name (a job of a newer version) as it is.</summary>
    public string Title(string name) => name switch
    {
        "rectification-escalation" => Text["整改逾期升级（每日 01:00）"],
        "rectification-outbox" => Text["整改通知短信和邮件发送（每分钟）"],
        "deadline-reminders" => Text["期限提醒（每日 08:00）"],
        "self-inspection-quarters" => Text["季度自查未报扣分（每日 01:30）"],
        "phone-survey-draw" => Text["季度电话回访抽样（每季度首日 01:00）"],
        "badge-hand-out" => Text["发放本年度优秀岗位标牌（每日 00:30）"],
        "evidence-expired-uploads" => Text["清理过期未完成的证据上传（每小时）"],
        "rating-day-counts" => Text["满意度评价按日计数（每小时）"],
        _ => name,
    };

    public string StateText(JobState state) => state switch
    {
        JobState.Ok => Text["正常"],
        JobState.NotScheduled => Text["尚未排程"],
        JobState.Running => Text["运行中"],
        JobState.Retrying => Text["失败，等待重试"],
        JobState.Failed => Text["上次未完成（已放弃）"],
        JobState.Overdue => Text["逾期未运行"],
        _ => state.ToString(),
    };
}
