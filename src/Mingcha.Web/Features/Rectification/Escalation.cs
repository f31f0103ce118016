using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Calendar;
using Mingcha.Domain.Rectification;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
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
    private const int Batch = 5000;

    public sealed record Result(int Escalated, int Exhausted, int Scanned);

    public async Task<Result> RunAsync(DateOnly today, CancellationToken ct)
    {
        var ladder = options.Value.Ladder;
        var errors = RectificationRules.ValidateLadder(ladder);
        if (errors.Count > 0) throw new InvalidOperationException("RCT-4 ladder misconfigured: " + string.Join("; ", errors));
        var cal = await calendar.GetAsync(ct);
        int escalated = 0, exhausted = 0;
        var now = time.GetUtcNow().UtcDateTime;
        // Only notices due today: the (Status, LastDay) index keeps the scan to those, however many are open. Not one the unit
        // may still object to (RCT-3: a notice of one working day is due before its objection window closes): it is not
        // overdue while it may yet be withdrawn; it climbs the night after the window closed, if still unanswered.
        var due = await db.RectificationNotices.AsNoTracking()
            .Where(n => (n.Status == NoticeStatus.Issued || n.Status == NoticeStatus.Returned) && n.LastDay < today && !n.LadderExhausted
                && n.ObjectionLastDay < today)
            .Select(n => new DueNotice(n.Id, n.UnitId, n.Status, n.Stage, n.LastDay, n.Returns, n.DocumentNumber ?? n.Title))
            .ToListAsync(ct);
        due.Sort((a, b) => a.Id.CompareTo(b.Id)); // the rows' indexes (by notice) are then written in order, batch after batch
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

        // SQLite's page cache is 2 MB a connection by default; a big night's indexes need more while the batches run.
        // The connection stays open for the whole run, so the setting applies to every batch and is put back at the end.
        var bigNight = !db.IsPostgres && due.Count > Batch;
        await db.Database.OpenConnectionAsync(ct);
        if (bigNight) await db.Database.ExecuteSqlRawAsync("PRAGMA cache_size=-65536;", ct);
        try
        {
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
                    var applied = new HashSet<Guid>();
                    foreach (var group in plan.GroupBy(p => (p.Decision, p.Notice.Stage, To: p.Step?.Stage, p.LastDay)))
                    {
                        var ids = group.Select(p => p.Notice.Id).ToList();
                        var from = group.Key.Stage;
                        // One parameter for the whole list (json_each / an array), not one per id: SQLite binds parameters by name in linear time.
                        // RCT-4: still waiting for the unit and still overdue, as the scan found it: a notice answered (or refused,
                        // withdrawn, objected to) since the scan is left as it now is. The version moves with the row (decision 029).
                        var q = db.RectificationNotices.Where(n => EF.Parameter(ids).Contains(n.Id) && n.Stage == from && !n.LadderExhausted
                            && (n.Status == NoticeStatus.Issued || n.Status == NoticeStatus.Returned) && n.LastDay < today && n.ObjectionLastDay < today);
                        if (group.Key.Decision == EscalationDecision.Escalate)
                        {
                            var to = group.Key.To!.Value;
                            var last = group.Key.LastDay!.Value;
                            await q.ExecuteUpdateAsync(x => x.SetProperty(n => n.Stage, to).SetProperty(n => n.LastDay, last).SetProperty(n => n.Version, n => n.Version + 1), ct);
                            // The rows this transaction moved (it sees its own writes; no other writer sets this rung tonight but a twin run, which the unique rows refuse).
                            applied.UnionWith(await db.RectificationNotices.AsNoTracking()
                                .Where(n => EF.Parameter(ids).Contains(n.Id) && n.Stage == to && n.LastDay == last).Select(n => n.Id).ToListAsync(ct));
                        }
                        else
                        {
                            await q.ExecuteUpdateAsync(x => x.SetProperty(n => n.LadderExhausted, true).SetProperty(n => n.Version, n => n.Version + 1), ct);
                            applied.UnionWith(await db.RectificationNotices.AsNoTracking()
                                .Where(n => EF.Parameter(ids).Contains(n.Id) && n.Stage == from && n.LadderExhausted).Select(n => n.Id).ToListAsync(ct));
                        }
                    }
                    // Only those escalated get their rows, messages and a place in the audit line.
                    plan.RemoveAll(p => !applied.Contains(p.Notice.Id));
                    if (plan.Count == 0) { await tx.CommitAsync(ct); continue; }

                    var units = plan.Select(p => p.Notice.UnitId).Distinct().ToList();
                    var roleId = db.Roles.Where(r => r.Name == Mingcha.Domain.Security.Roles.UnitLiaison).Select(r => r.Id);
                    var mailTo = (await db.Users.AsNoTracking()
                        .Where(u => u.UnitId != null && EF.Parameter(units).Contains(u.UnitId.Value) && u.Email != null && db.UserRoles.Any(ur => ur.UserId == u.Id && roleId.Contains(ur.RoleId)))
                        .Select(u => new { u.Id, UnitId = u.UnitId!.Value, u.Email }).ToListAsync(ct)).ToLookup(u => u.UnitId);
                    // The rows go in through BulkInsert, without the change tracker (decision 013); the audit line below names them.
                    var escalations = new List<NoticeEscalation>(plan.Count);
                    var notifications = new List<Notification>(plan.Count);
                    var mails = new List<OutboundMessage>();
                    foreach (var (n, decision, step, last) in plan)
                    {
                        string title, key;
                        if (decision == EscalationDecision.Escalate)
                        {
                            escalations.Add(new NoticeEscalation(n.Id, EscalationKind.Escalated, step!.Stage, last, today,
                                n.Status == NoticeStatus.Returned ? "整改不到位 incomplete" : "逾期未整改 overdue", System, now));
                            title = step.Stage == EscalationStage.Listed
                                ? $"整改通知书 {n.Name} 逾期未整改，已挂牌督办，期限至 {last:yyyy-MM-dd}。 Listed supervision until {last:yyyy-MM-dd}."
                                : $"整改通知书 {n.Name} 逾期未整改，已二次督办，期限至 {last:yyyy-MM-dd}。 Second supervision until {last:yyyy-MM-dd}.";
                            key = $"notice.escalated:{n.Id}:{step.Stage}";
                            escalated++;
                        }
                        else
                        {
                            escalations.Add(new NoticeEscalation(n.Id, EscalationKind.LadderExhausted, n.Stage, null, today, "督办后仍未整改到位 still not rectified after supervision", System, now));
                            title = $"整改通知书 {n.Name} 经督办仍未整改到位，已记录。 Still not rectified after supervision: recorded.";
                            key = $"notice.exhausted:{n.Id}";
                            exhausted++;
                        }
                        // In-app to the unit's liaisons (addressed by role within the unit, SEC-2), an e-mail to each with an address.
                        notifications.Add(new Notification(null, Mingcha.Domain.Security.Roles.UnitLiaison, n.UnitId, "notice.escalated", Cut(title, 300), null,
                            $"/Rectification/Notice/{n.Id}", key, now));
                        foreach (var person in mailTo[n.UnitId])
                            mails.Add(new OutboundMessage("email", person.Email!, Cut(title, 300), title + $"\n\n/Rectification/Notice/{n.Id}", $"email:{key}:{person.Id}", now));
                    }
                    await BulkInsert.InsertAsync(db, escalations, ct);
                    await BulkInsert.InsertAsync(db, notifications, ct);
                    await BulkInsert.InsertAsync(db, mails, ct);
                    db.Audit(new AuditEvent("notice.escalate", nameof(RectificationNotice), today.ToString("yyyy-MM-dd", global::System.Globalization.CultureInfo.InvariantCulture), null,
                        string.Join(";", plan.Select(p => $"{p.Notice.Id}:{(p.Step is { } st ? $"{st.Stage}:{p.LastDay:yyyy-MM-dd}" : "exhausted")}"))));
                    await db.SaveChangesAsync(ct);
                    await tx.CommitAsync(ct);
                }
                catch (Exception e) when (e is DbUpdateException || DbErrors.IsUniqueViolation(e))
                {
                    // Another instance reached these rungs first (unique per notice and rung): its escalations stand, ours roll back.
                    await tx.RollbackAsync(ct);
                    escalated -= plan.Count(p => p.Decision == EscalationDecision.Escalate);
                    exhausted -= plan.Count(p => p.Decision == EscalationDecision.ExhaustedLadder);
                }
                finally
                {
                    db.ChangeTracker.Clear();
                }
            }
        }
        finally
        {
            if (bigNight) await db.Database.ExecuteSqlRawAsync("PRAGMA cache_size=-2000;", CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
        return new Result(escalated, exhausted, due.Count);
    }

    private sealed record DueNotice(Guid Id, Guid UnitId, NoticeStatus Status, EscalationStage Stage, DateOnly LastDay, int Returns, string Name);

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];
}

/// <summary>The nightly escalation run (01:00 office time).</summary>
public sealed class EscalationJob() : DailyJob(new TimeOnly(1, 0))
{
    public const string JobName = "rectification-escalation";
    public override string Name => JobName;

    public override async Task<string> RunAsync(IServiceProvider services, DateTime occurrenceUtc, CancellationToken ct)
    {
        var calendar = services.GetRequiredService<CalendarService>();
        // After nights the app was down, one catch-up run judges by the real date.
        var r = await services.GetRequiredService<RectificationEscalator>().RunAsync(calendar.RunDate(occurrenceUtc), ct);
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

        // RCT-3: the objection window closes; a unit that means to object is told before it does (not once it objected).
        var objectable = await db.RectificationNotices.AsNoTracking()
            .Where(n => n.Status == NoticeStatus.Issued && !n.ObjectionDecided && n.ObjectionLastDay >= today && n.ObjectionLastDay <= horizon
                && !db.NoticeObjections.Any(o => o.NoticeId == n.Id))
            .Select(n => new { n.Id, n.UnitId, n.Title, n.DocumentNumber, n.ObjectionLastDay }).ToListAsync(ct);
        foreach (var n in objectable)
        {
            bool due;
            try { due = RectificationRules.ReminderDue(cal, n.ObjectionLastDay, today, days); }
            catch (CalendarYearMissingException) { continue; }
            if (!due) continue;
            yield return new Reminder(null, Mingcha.Domain.Security.Roles.UnitLiaison, n.UnitId, "notice.objection-window",
                $"异议期限提醒：对 {n.DocumentNumber ?? n.Title} 如有异议，须于 {n.ObjectionLastDay:yyyy-MM-dd} 前提出。 Objections to the notice by {n.ObjectionLastDay:yyyy-MM-dd}.",
                "RCT-3", $"/Rectification/Notice/{n.Id}", $"notice.objection-window:{n.Id}:{today:yyyy-MM-dd}");
        }
    }
}
