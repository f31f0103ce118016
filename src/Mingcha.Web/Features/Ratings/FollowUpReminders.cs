using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Satisfaction;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Calendar;
using Mingcha.Web.Features.Jobs;
using Microsoft.Extensions.Options;

namespace Mingcha.Web.Features.Ratings;

/// <summary>
/// SAT-7 through the daily reminder job: the unit's liaison is reminded of a follow-up step due today; a step past its
/// working-day deadline is reminded to the liaison and to the office every day until it is done. A case waiting for the
/// office's decision on an appeal, or closed, has nothing due.
/// </summary>
public sealed class FollowUpReminders(CalendarService calendar, IOptions<RatingOptions> options, RatingAftercare aftercare) : IReminderSource
{
    public async IAsyncEnumerable<Reminder> DueAsync(MingchaDb db, DateOnly today, [EnumeratorCancellation] CancellationToken ct)
    {
        // SAT-7: every bad rating has its case; one the aftercare could not open (a failure, a crash) is opened now.
        await aftercare.TryOpenMissingCasesAsync(ct);
        // CAL-3: deadlines left out because the calendar lacked their year are filled in once it holds it; the cases
        // still without one are the Office's to see to (import the year), every day until they have them.
        var stillMissing = await FollowUpDeadlines.FillMissingAsync(db, calendar, options.Value, ct);
        if (stillMissing > 0)
            yield return new Reminder(null, Roles.OfficeAdmin, null, "followup.calendar-missing",
                $"{stillMissing} 件差评回访案件缺少办理期限：工作日历缺少其年份，请导入。 {stillMissing} follow-up cases lack deadlines: the calendar lacks their year; import it.",
                "导入后期限自动补齐（CAL-3, SAT-7）。 Their deadlines are filled in once the year is imported (CAL-3, SAT-7).",
                "/Calendar", $"followup.calendar-missing:{today:yyyy-MM-dd}");

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

/// <summary>SAT-7 deadlines in working days (CAL-2), each step on its own, and CAL-3's missing years filled in later.</summary>
public static class FollowUpDeadlines
{
    /// <summary>The last day <paramref name="workingDays"/> working days after the rating, or null when the calendar lacks that year (CAL-3).</summary>
    public static async Task<DateOnly?> TryAsync(CalendarService calendar, DateTime ratedAtUtc, int workingDays, CancellationToken ct)
    {
        try { return (await calendar.DeadlineAsync(ratedAtUtc, workingDays, ct)).LastDay; }
        catch (Domain.Calendar.CalendarYearMissingException) { return null; }
    }

    /// <summary>Fills in what the calendar now allows for the open cases missing deadlines; returns how many still miss one.</summary>
    public static async Task<int> FillMissingAsync(MingchaDb db, CalendarService calendar, RatingOptions o, CancellationToken ct)
    {
        var cases = await db.FollowUpCases.Where(f => f.CalendarMissing && f.State != FollowUpState.Closed)
            .Join(db.Ratings, f => f.RatingId, r => r.Id, (f, r) => new { Case = f, r.RatedAt }).ToListAsync(ct);
        if (cases.Count == 0) return 0;
        foreach (var x in cases)
            x.Case.FillDeadlines(
                await TryAsync(calendar, x.RatedAt, o.CallBackDays, ct), await TryAsync(calendar, x.RatedAt, o.VerifyDays, ct),
                await TryAsync(calendar, x.RatedAt, o.FixDays, ct), await TryAsync(calendar, x.RatedAt, o.InformDays, ct));
        await db.SaveChangesAsync(ct); // each filled case is an audited change
        return cases.Count(x => x.Case.CalendarMissing);
    }
}
