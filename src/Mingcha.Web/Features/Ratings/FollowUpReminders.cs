using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Satisfaction;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Jobs;

namespace Mingcha.Web.Features.Ratings;

/// <summary>
/// SAT-7 through the daily reminder job: the unit's liaison is reminded of a follow-up step due today; a step past its
/// working-day deadline is reminded to the liaison and to the office every day until it is done. A case waiting for the
/// office's decision on an appeal, or closed, has nothing due.
/// </summary>
public sealed class FollowUpReminders : IReminderSource
{
    public async IAsyncEnumerable<Reminder> DueAsync(MingchaDb db, DateOnly today, [EnumeratorCancellation] CancellationToken ct)
    {
        var open = await db.FollowUpCases.AsNoTracking()
            .Where(f => f.State == FollowUpState.Open && f.NextStep != null)
            .Select(f => new { f.Id, f.UnitId, f.NextStep, f.CallBackDue, f.VerifyDue, f.FixDue, f.InformDue })
            .ToListAsync(ct);
        foreach (var f in open)
        {
            var due = f.NextStep switch
            {
                FollowUpStep.CallBack => f.CallBackDue,
                FollowUpStep.Verify => f.VerifyDue,
                FollowUpStep.Fix => f.FixDue,
                FollowUpStep.Inform => f.InformDue,
                _ => null,
            };
            if (due is not { } d || d > today) continue;
            var (zh, en) = Step(f.NextStep!.Value);
            var link = $"/Ratings/FollowUps?id={f.Id}";
            if (d == today)
            {
                yield return new Reminder(null, Roles.UnitLiaison, f.UnitId, "followup.due",
                    $"差评整改“{zh}”今日到期。 The follow-up step \"{en}\" of a bad rating is due today.",
                    $"期限 {d:yyyy-MM-dd}（SAT-7）。 Due {d:yyyy-MM-dd} (SAT-7).", link, $"followup.due:{f.Id}:{f.NextStep}:{today:yyyy-MM-dd}");
                continue;
            }
            var title = $"差评整改“{zh}”已逾期（期限 {d:yyyy-MM-dd}）。 The follow-up step \"{en}\" is overdue (due {d:yyyy-MM-dd}).";
            yield return new Reminder(null, Roles.UnitLiaison, f.UnitId, "followup.overdue", title, "SAT-7", link, $"followup.overdue:{f.Id}:{f.NextStep}:{today:yyyy-MM-dd}");
            yield return new Reminder(null, Roles.OfficeStaff, null, "followup.overdue", title, "SAT-7", link, $"followup.overdue.office:{f.Id}:{f.NextStep}:{today:yyyy-MM-dd}");
        }
    }

    private static (string Zh, string En) Step(FollowUpStep step) => step switch
    {
        FollowUpStep.CallBack => ("回访", "call back"),
        FollowUpStep.Verify => ("核实", "verify"),
        FollowUpStep.Fix => ("整改", "fix"),
        _ => ("反馈评价人", "tell the rater"),
    };
}
