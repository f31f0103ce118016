using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Calendar;

namespace Mingcha.Web.Features.Jobs;

/// <summary>A reminder to deliver; <see cref="DedupKey"/> makes a re-run of the same day send nothing twice.</summary>
public sealed record Reminder(string? UserId, string? Role, Guid? UnitId, string Kind, string Title, string? Body, string? Link, string DedupKey);

/// <summary>Something with deadlines to remind people of. Each module registers its own (notices, complaints, follow-ups...).</summary>
public interface IReminderSource
{
    IAsyncEnumerable<Reminder> DueAsync(MingchaDb db, DateOnly today, CancellationToken ct);
}

/// <summary>The daily deadline-reminder job, 08:00 office time: collects every source's reminders into in-app notifications.</summary>
public sealed class DeadlineReminderJob() : DailyJob(new TimeOnly(8, 0))
{
    public const string JobName = "deadline-reminders";
    public override string Name => JobName;

    public override async Task<string> RunAsync(IServiceProvider services, DateTime occurrenceUtc, CancellationToken ct)
    {
        var db = services.GetRequiredService<MingchaDb>();
        var calendar = services.GetRequiredService<CalendarService>();
        var time = services.GetRequiredService<TimeProvider>();
        var today = calendar.RunDate(occurrenceUtc); // a catch-up run reminds of what is due on the real day
        var created = 0;
        foreach (var source in services.GetServices<IReminderSource>())
        {
            await foreach (var r in source.DueAsync(db, today, ct))
            {
                if (await db.Notifications.AnyAsync(n => n.DedupKey == r.DedupKey, ct)) continue;
                db.Notifications.Add(new Notification(r.UserId, r.Role, r.UnitId, r.Kind, r.Title, r.Body, r.Link, r.DedupKey, time.GetUtcNow().UtcDateTime));
                created++;
            }
        }
        await db.SaveChangesAsync(ct);
        return $"{created} reminders";
    }
}

/// <summary>
/// CAL-3 seen ahead: from November on, remind the office administrators to load next year's official
/// calendar (the State Council publishes it late in the year), so no deadline ever fails for want of it.
/// </summary>
public sealed class CalendarCoverageReminder : IReminderSource
{
    public async IAsyncEnumerable<Reminder> DueAsync(MingchaDb db, DateOnly today, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var years = await db.CalendarYears.AsNoTracking().Select(y => y.Year).ToListAsync(ct);
        var wanted = today.Month >= 11 ? new[] { today.Year, today.Year + 1 } : [today.Year];
        foreach (var year in wanted.Where(y => !years.Contains(y)))
        {
            yield return new Reminder(null, Roles.OfficeAdmin, null, "calendar.missing-year",
                $"工作日历缺少 {year} 年，请导入国务院办公厅发布的节假日安排。 The calendar lacks {year}: import the official holiday notice.",
                "在该年数据导入前，落在该年的期限将无法计算（CAL-3）。 Deadlines falling in that year cannot be computed until it is loaded (CAL-3).",
                "/Calendar", $"calendar.missing-year:{year}:{today:yyyy-MM-dd}");
        }
    }
}
