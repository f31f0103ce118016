using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Calendar;
using Mingcha.Domain.Rectification;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Calendar;
using Mingcha.Web.Features.Jobs;

namespace Mingcha.Web.Features.Rectification;

/// <summary>
/// RCT-4: each night, notices still waiting for the unit after their rung's last day climb the ladder (second supervision,
/// then listed supervision) with a new deadline and a notice to the unit; past the top rung they are recorded once as
/// still not rectified after supervision (S4). The job is claimed through the database (decision 003), and each rung is
/// unique per notice, so two instances never escalate anything twice.
/// </summary>
public sealed class RectificationEscalator(MingchaDb db, CalendarService calendar, TimeProvider time, IOptions<RectificationOptions> options)
{
    public const string System = "system:escalation";
    private const int Batch = 2000;

    public sealed record Result(int Escalated, int Exhausted, int Scanned);

    public async Task<Result> RunAsync(DateOnly today, CancellationToken ct)
    {
        var ladder = options.Value.Ladder;
        var errors = RectificationRules.ValidateLadder(ladder);
        if (errors.Count > 0) throw new InvalidOperationException("RCT-4 ladder misconfigured: " + string.Join("; ", errors));
        var cal = await calendar.GetAsync(ct);
        int escalated = 0, exhausted = 0, scanned = 0;
        var now = time.GetUtcNow().UtcDateTime;
        // Only notices due today: the (Status, LastDay) index keeps the scan to those, however many are open.
        var due = await db.RectificationNotices.AsNoTracking()
            .Where(n => (n.Status == NoticeStatus.Issued || n.Status == NoticeStatus.Returned) && n.LastDay < today && !n.LadderExhausted)
            .Select(n => n.Id).ToListAsync(ct);
        foreach (var chunk in due.Chunk(Batch))
        {
            var ids = chunk.ToList();
            var batch = await db.RectificationNotices.Where(n => ids.Contains(n.Id)).ToListAsync(ct);
            scanned += batch.Count;
            var messages = new List<(RectificationNotice Notice, string Title)>();
            foreach (var n in batch)
            {
                switch (RectificationRules.Decide(n.Status, n.Stage, n.LastDay, n.LadderExhausted, today, ladder))
                {
                    case EscalationDecision.Escalate:
                        var step = RectificationRules.NextStep(n.Stage, ladder)!;
                        DateOnly last;
                        try { last = WorkingDayDeadline.Compute(cal, today, step.WorkingDays).LastDay; }
                        catch (CalendarYearMissingException) { continue; } // CAL-3: the office is reminded to load the year; retried next night
                        n.Escalate(step.Stage, last);
                        db.NoticeEscalations.Add(new NoticeEscalation(n.Id, EscalationKind.Escalated, step.Stage, last, today,
                            n.Returns > 0 && n.Status == NoticeStatus.Returned ? "整改不到位 incomplete" : "逾期未整改 overdue", System, now));
                        messages.Add((n, step.Stage == EscalationStage.Listed
                            ? $"整改通知书 {n.DocumentNumber ?? n.Title} 逾期未整改，已挂牌督办，期限至 {last:yyyy-MM-dd}。 Listed supervision until {last:yyyy-MM-dd}."
                            : $"整改通知书 {n.DocumentNumber ?? n.Title} 逾期未整改，已二次督办，期限至 {last:yyyy-MM-dd}。 Second supervision until {last:yyyy-MM-dd}."));
                        escalated++;
                        break;
                    case EscalationDecision.ExhaustedLadder:
                        n.MarkLadderExhausted();
                        db.NoticeEscalations.Add(new NoticeEscalation(n.Id, EscalationKind.LadderExhausted, n.Stage, null, today, "督办后仍未整改到位 still not rectified after supervision", System, now));
                        messages.Add((n, $"整改通知书 {n.DocumentNumber ?? n.Title} 经督办仍未整改到位，已记录。 Still not rectified after supervision: recorded."));
                        exhausted++;
                        break;
                }
            }
            // In-app to the unit's liaisons (addressed by role within the unit, SEC-2), and an e-mail to each who has an address.
            var units = messages.Select(m => m.Notice.UnitId).Distinct().ToList();
            var roleId = db.Roles.Where(r => r.Name == Mingcha.Domain.Security.Roles.UnitLiaison).Select(r => r.Id);
            var mailTo = (await db.Users.AsNoTracking()
                .Where(u => u.UnitId != null && units.Contains(u.UnitId.Value) && u.Email != null && db.UserRoles.Any(ur => ur.UserId == u.Id && roleId.Contains(ur.RoleId)))
                .Select(u => new { u.Id, UnitId = u.UnitId!.Value, u.Email }).ToListAsync(ct)).ToLookup(u => u.UnitId);
            foreach (var (n, title) in messages)
            {
                var key = $"notice.escalated:{n.Id}:{n.Stage}:{n.LadderExhausted}";
                db.Notifications.Add(new Notification(null, Mingcha.Domain.Security.Roles.UnitLiaison, n.UnitId, "notice.escalated", title, null,
                    $"/Rectification/Notice/{n.Id}", key, now));
                foreach (var person in mailTo[n.UnitId])
                    db.OutboundMessages.Add(new OutboundMessage("email", person.Email!, title, title + $"\n\n/Rectification/Notice/{n.Id}", $"email:{key}:{person.Id}", now));
            }
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException)
            {
                // Another instance reached these rungs first (unique per notice and rung): its escalations stand, ours are dropped.
                escalated = exhausted = 0;
            }
            db.ChangeTracker.Clear();
        }
        return new Result(escalated, exhausted, scanned);
    }
}

/// <summary>The nightly escalation run (01:00 office time).</summary>
public sealed class EscalationJob() : DailyJob(new TimeOnly(1, 0))
{
    public const string JobName = "rectification-escalation";
    public override string Name => JobName;

    public override async Task<string> RunAsync(IServiceProvider services, DateTime occurrenceUtc, CancellationToken ct)
    {
        var calendar = services.GetRequiredService<CalendarService>();
        // Today, not the occurrence's day: after nights the app was down, one catch-up run judges by the real date.
        var today = calendar.Today;
        var occurred = calendar.LocalDate(occurrenceUtc);
        var r = await services.GetRequiredService<RectificationEscalator>().RunAsync(occurred > today ? occurred : today, ct);
        return $"{r.Escalated} escalated, {r.Exhausted} past the ladder";
    }
}

/// <summary>Reminders before each rung's last day (RCT-4), and of the objection window's last day (RCT-3), to the unit's liaisons.</summary>
public sealed class NoticeReminders(CalendarService calendar, IOptions<RectificationOptions> options) : IReminderSource
{
    public async IAsyncEnumerable<Reminder> DueAsync(MingchaDb db, DateOnly today, [global::System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var cal = await calendar.GetAsync(ct);
        var days = options.Value.ReminderDays;
        var horizon = today.AddDays(60);
        var open = await db.RectificationNotices.AsNoTracking()
            .Where(n => (n.Status == NoticeStatus.Issued || n.Status == NoticeStatus.Returned) && n.LastDay >= today && n.LastDay <= horizon)
            .Select(n => new { n.Id, n.UnitId, n.Title, n.DocumentNumber, n.LastDay, n.Stage }).ToListAsync(ct);
        foreach (var n in open)
        {
            bool due;
            try { due = RectificationRules.ReminderDue(cal, n.LastDay, today, days); }
            catch (CalendarYearMissingException) { continue; }
            if (!due) continue;
            yield return new Reminder(null, Mingcha.Domain.Security.Roles.UnitLiaison, n.UnitId, "notice.reminder",
                $"整改期限提醒：{n.DocumentNumber ?? n.Title} 须于 {n.LastDay:yyyy-MM-dd} 前反馈。 Deadline reminder: answer by {n.LastDay:yyyy-MM-dd}.",
                null, $"/Rectification/Notice/{n.Id}", $"notice.reminder:{n.Id}:{n.Stage}:{today:yyyy-MM-dd}");
        }
    }
}
