using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Calendar;
using Mingcha.Domain.Rectification;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Features.Calendar;
using Mingcha.Web.Features.Jobs;
using Mingcha.Web.Features.Rectification;

namespace Mingcha.Bench.Rectification;

/// <summary>
/// The escalator as it was before decision 013 (commit 27f8e7d): the same plan and set-based updates, but the escalation rows,
/// notifications and e-mails added through EF's change tracker. Kept here only as the "before" of the A/B in one run.
/// </summary>
public sealed class LegacyEscalator(MingchaDb db, CalendarService calendar, TimeProvider time, IOptions<RectificationOptions> options)
{
    private const string System = RectificationEscalator.System;
    private const int Batch = 2000;

    public sealed record Result(int Escalated, int Exhausted, int Scanned);

    public async Task<Result> RunAsync(DateOnly today, CancellationToken ct)
    {
        var ladder = options.Value.Ladder;
        var errors = RectificationRules.ValidateLadder(ladder);
        if (errors.Count > 0) throw new InvalidOperationException("RCT-4 ladder misconfigured: " + string.Join("; ", errors));
        var cal = await calendar.GetAsync(ct);
        int escalated = 0, exhausted = 0;
        var now = time.GetUtcNow().UtcDateTime;
        // Only notices due today: the (Status, LastDay) index keeps the scan to those, however many are open.
        var due = await db.RectificationNotices.AsNoTracking()
            .Where(n => (n.Status == NoticeStatus.Issued || n.Status == NoticeStatus.Returned) && n.LastDay < today && !n.LadderExhausted)
            .Select(n => new DueNotice(n.Id, n.UnitId, n.Status, n.Stage, n.LastDay, n.Returns, n.DocumentNumber ?? n.Title))
            .ToListAsync(ct);
        // One new last day per rung: every notice escalated tonight to a rung gets the same one.
        var lastDays = new Dictionary<EscalationStage, DateOnly?>();
        DateOnly? LastDayOf(LadderStep step)
        {
            if (!lastDays.TryGetValue(step.Stage, out var d))
            {
                try { d = WorkingDayDeadline.Compute(cal, today, step.WorkingDays).LastDay; }
                catch (CalendarYearMissingException) { d = null; } // CAL-3: the office is reminded to load the year; retried next night
                lastDays[step.Stage] = d;
            }
            return d;
        }

        foreach (var batch in due.Chunk(Batch))
        {
            var plan = new List<(DueNotice Notice, EscalationDecision Decision, LadderStep? Step, DateOnly? LastDay)>();
            foreach (var n in batch)
            {
                var decision = RectificationRules.Decide(n.Status, n.Stage, n.LastDay, false, today, ladder);
                if (decision == EscalationDecision.None) continue;
                var step = decision == EscalationDecision.Escalate ? RectificationRules.NextStep(n.Stage, ladder) : null;
                var last = step is null ? null : LastDayOf(step);
                if (step is not null && last is null) continue;
                plan.Add((n, decision, step, last));
            }
            if (plan.Count == 0) continue;

            // One transaction per batch: the rows, one set-based update per rung, and one audit line naming every notice
            // (decision 004's summary event: the rows it names are kept, so the summary is reproducible).
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            try
            {
                foreach (var group in plan.GroupBy(p => (p.Decision, p.Notice.Stage, To: p.Step?.Stage, p.LastDay)))
                {
                    var ids = group.Select(p => p.Notice.Id).ToList();
                    var from = group.Key.Stage;
                    var q = db.RectificationNotices.Where(n => ids.Contains(n.Id) && n.Stage == from && !n.LadderExhausted);
                    if (group.Key.Decision == EscalationDecision.Escalate)
                    {
                        var to = group.Key.To!.Value;
                        var last = group.Key.LastDay!.Value;
                        await q.ExecuteUpdateAsync(x => x.SetProperty(n => n.Stage, to).SetProperty(n => n.LastDay, last), ct);
                    }
                    else await q.ExecuteUpdateAsync(x => x.SetProperty(n => n.LadderExhausted, true), ct);
                }

                var units = plan.Select(p => p.Notice.UnitId).Distinct().ToList();
                var roleId = db.Roles.Where(r => r.Name == Mingcha.Domain.Security.Roles.UnitLiaison).Select(r => r.Id);
                var mailTo = (await db.Users.AsNoTracking()
                    .Where(u => u.UnitId != null && units.Contains(u.UnitId.Value) && u.Email != null && db.UserRoles.Any(ur => ur.UserId == u.Id && roleId.Contains(ur.RoleId)))
                    .Select(u => new { u.Id, UnitId = u.UnitId!.Value, u.Email }).ToListAsync(ct)).ToLookup(u => u.UnitId);
                db.SuppressRowAudit = true;
                foreach (var (n, decision, step, last) in plan)
                {
                    string title, key;
                    if (decision == EscalationDecision.Escalate)
                    {
                        db.NoticeEscalations.Add(new NoticeEscalation(n.Id, EscalationKind.Escalated, step!.Stage, last, today,
                            n.Status == NoticeStatus.Returned ? "整改不到位 incomplete" : "逾期未整改 overdue", System, now));
                        title = step.Stage == EscalationStage.Listed
                            ? $"整改通知书 {n.Name} 逾期未整改，已挂牌督办，期限至 {last:yyyy-MM-dd}。 Listed supervision until {last:yyyy-MM-dd}."
                            : $"整改通知书 {n.Name} 逾期未整改，已二次督办，期限至 {last:yyyy-MM-dd}。 Second supervision until {last:yyyy-MM-dd}.";
                        key = $"notice.escalated:{n.Id}:{step.Stage}";
                        escalated++;
                    }
                    else
                    {
                        db.NoticeEscalations.Add(new NoticeEscalation(n.Id, EscalationKind.LadderExhausted, n.Stage, null, today, "督办后仍未整改到位 still not rectified after supervision", System, now));
                        title = $"整改通知书 {n.Name} 经督办仍未整改到位，已记录。 Still not rectified after supervision: recorded.";
                        key = $"notice.exhausted:{n.Id}";
                        exhausted++;
                    }
                    // In-app to the unit's liaisons (addressed by role within the unit, SEC-2), an e-mail to each with an address.
                    db.Notifications.Add(new Notification(null, Mingcha.Domain.Security.Roles.UnitLiaison, n.UnitId, "notice.escalated", Cut(title, 300), null,
                        $"/Rectification/Notice/{n.Id}", key, now));
                    foreach (var person in mailTo[n.UnitId])
                        db.OutboundMessages.Add(new OutboundMessage("email", person.Email!, Cut(title, 300), title + $"\n\n/Rectification/Notice/{n.Id}", $"email:{key}:{person.Id}", now));
                }
                db.Audit(new AuditEvent("notice.escalate", nameof(RectificationNotice), today.ToString("yyyy-MM-dd", global::System.Globalization.CultureInfo.InvariantCulture), null,
                    string.Join(";", plan.Select(p => $"{p.Notice.Id}:{(p.Step is { } st ? $"{st.Stage}:{p.LastDay:yyyy-MM-dd}" : "exhausted")}"))));
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Another instance reached these rungs first (unique per notice and rung): its escalations stand, ours roll back.
                await tx.RollbackAsync(ct);
                escalated -= plan.Count(p => p.Decision == EscalationDecision.Escalate);
                exhausted -= plan.Count(p => p.Decision == EscalationDecision.ExhaustedLadder);
            }
            finally
            {
                db.SuppressRowAudit = false;
                db.ChangeTracker.Clear();
            }
        }
        return new Result(escalated, exhausted, due.Count);
    }

    private sealed record DueNotice(Guid Id, Guid UnitId, NoticeStatus Status, EscalationStage Stage, DateOnly LastDay, int Returns, string Name);

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];
}

