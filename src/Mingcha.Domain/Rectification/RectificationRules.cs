using Mingcha.Domain.Calendar;

namespace Mingcha.Domain.Rectification;

/// <summary>Where a notice stands (RCT-2, RCT-3, RCT-4).</summary>
public enum NoticeStatus
{
    /// <summary>下发: with the unit, to rectify (and, for 2 working days, to object to).</summary>
    Issued,
    /// <summary>异议审查中: the unit objected in time; the Office reviews.</summary>
    Objected,
    /// <summary>已反馈: the unit answered; the Office verifies.</summary>
    Answered,
    /// <summary>退回: the Office found the answer incomplete and sent it back.</summary>
    Returned,
    /// <summary>核查备案: verified and filed. Closed.</summary>
    Filed,
    /// <summary>收回: the objection was upheld; the notice and its points are withdrawn. Closed.</summary>
    Withdrawn,
    /// <summary>拒不整改: refusal without a proper reason, recorded as such (RCT-4). Closed.</summary>
    Refused,
}

/// <summary>The escalation ladder's rungs (RCT-4, S4).</summary>
public enum EscalationStage
{
    /// <summary>The notice's own deadline.</summary>
    Notice = 0,
    /// <summary>二次督办</summary>
    SecondSupervision = 1,
    /// <summary>挂牌督办</summary>
    Listed = 2,
}

/// <summary>One rung after the notice: how many working days the unit gets once escalated to it.</summary>
public sealed record LadderStep(EscalationStage Stage, int WorkingDays);

/// <summary>What the nightly escalation decides for one open notice.</summary>
public enum EscalationDecision
{
    /// <summary>Nothing to do (closed, under objection review, answered and waiting for the Office, or not yet due).</summary>
    None,
    /// <summary>Overdue at this rung: move to the next rung with a new deadline.</summary>
    Escalate,
    /// <summary>Overdue at the last rung: recorded as still not rectified after listed supervision (S4: −5), once.</summary>
    ExhaustedLadder,
}

/// <summary>
/// The pure rules of rectification: the objection window (RCT-3, CAL-2), the escalation ladder (RCT-4) and the
/// outcome categories of S4 used by the rectification score (EV-6).
/// </summary>
public static class RectificationRules
{
    /// <summary>RCT-3 (S1 art. 9): an objection within 2 working days of receiving the notice.</summary>
    public const int ObjectionWorkingDays = 2;

    /// <summary>S1 art. 8 leaves the time to the notice; the default the Office's form proposes.</summary>
    public const int DefaultNoticeWorkingDays = 10;

    /// <summary>RCT-4 defaults (S1 art. 8, S4 "二次督办或挂牌督办"): second supervision 5 working days, then listed supervision 10.</summary>
    public static readonly IReadOnlyList<LadderStep> DefaultLadder =
    [
        new(EscalationStage.SecondSupervision, 5),
        new(EscalationStage.Listed, 10),
    ];

    /// <summary>Reminders go out this many working days before the last day of each rung (and on the last day, 0).</summary>
    public static readonly IReadOnlyList<int> DefaultReminderDays = [2, 0];

    /// <summary>RCT-3: the last day an objection is accepted: the end of the 2nd working day after the day of receipt (CAL-2).</summary>
    /// <exception cref="CalendarYearMissingException">CAL-3.</exception>
    public static WorkingDayDeadline ObjectionDeadline(WorkingCalendar calendar, DateOnly receivedOn) =>
        WorkingDayDeadline.Compute(calendar, receivedOn, ObjectionWorkingDays);

    /// <summary>RCT-3: whether an objection filed on <paramref name="today"/> is in time.</summary>
    public static bool ObjectionInTime(WorkingCalendar calendar, DateOnly receivedOn, DateOnly today) =>
        today >= receivedOn && today <= ObjectionDeadline(calendar, receivedOn).LastDay;

    /// <summary>RCT-3 countdown: working days left to object, counting today; 0 or less once the window closed.</summary>
    public static int ObjectionDaysLeft(WorkingCalendar calendar, DateOnly receivedOn, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return calendar.WorkingDaysLeft(today, ObjectionDeadline(calendar, receivedOn).LastDay);
    }

    /// <summary>Whether a status still needs the unit to act (open for escalation and reminders).</summary>
    public static bool AwaitsUnit(NoticeStatus status) => status is NoticeStatus.Issued or NoticeStatus.Returned;

    public static bool IsClosed(NoticeStatus status) => status is NoticeStatus.Filed or NoticeStatus.Withdrawn or NoticeStatus.Refused;

    /// <summary>
    /// RCT-4 with RCT-3: whether the Office may record a refusal on <paramref name="today"/> (office-local). Not on a closed
    /// notice; not while the unit may still object (issued, to the end of the objection window) or its objection awaits
    /// review; not while its answer awaits checking (answered: the answer is verified first, and sent back if incomplete).
    /// </summary>
    /// <remarks>
    /// A rejected objection (<paramref name="objectionDecided"/>) ends the window at once: the unit had its objection and
    /// "must execute" (RCT-3), so a refusal may be recorded the same day, also on the day of receipt.
    /// </remarks>
    public static bool MayRecordRefusal(NoticeStatus status, DateOnly objectionLastDay, bool objectionDecided, DateOnly today) =>
        !IsClosed(status) && status is not (NoticeStatus.Objected or NoticeStatus.Answered)
        && !InObjectionWindow(status, objectionLastDay, objectionDecided, today);

    /// <summary>
    /// RCT-3: whether the unit may still object on <paramref name="today"/>: the notice is issued, its objection was not yet
    /// decided, and today is on or before the window's last day.
    /// </summary>
    public static bool InObjectionWindow(NoticeStatus status, DateOnly objectionLastDay, bool objectionDecided, DateOnly today) =>
        status == NoticeStatus.Issued && !objectionDecided && today <= objectionLastDay;

    /// <summary>
    /// RCT-4: a notice waiting for the unit whose current rung ended before <paramref name="today"/> escalates to the next rung;
    /// past the last rung it is recorded once as exhausted. Answered notices wait for the Office, objected ones for the review.
    /// </summary>
    public static EscalationDecision Decide(NoticeStatus status, EscalationStage stage, DateOnly lastDay, bool exhausted, DateOnly today, IReadOnlyList<LadderStep> ladder)
    {
        ArgumentNullException.ThrowIfNull(ladder);
        if (!AwaitsUnit(status) || today <= lastDay) return EscalationDecision.None;
        var next = NextStep(stage, ladder);
        if (next is not null) return EscalationDecision.Escalate;
        return exhausted ? EscalationDecision.None : EscalationDecision.ExhaustedLadder;
    }

    /// <summary>The rung after <paramref name="stage"/>, or null at the top of the ladder.</summary>
    public static LadderStep? NextStep(EscalationStage stage, IReadOnlyList<LadderStep> ladder)
    {
        ArgumentNullException.ThrowIfNull(ladder);
        return ladder.Where(s => s.Stage > stage).OrderBy(s => s.Stage).FirstOrDefault();
    }

    /// <summary>Checks a configured ladder: rungs in rising order, each at least 1 working day.</summary>
    public static IReadOnlyList<string> ValidateLadder(IReadOnlyList<LadderStep> ladder)
    {
        ArgumentNullException.ThrowIfNull(ladder);
        var errors = new List<string>();
        for (var i = 0; i < ladder.Count; i++)
        {
            if (ladder[i].Stage == EscalationStage.Notice) errors.Add($"step {i + 1}: the notice itself is not a rung");
            if (ladder[i].WorkingDays is < 1 or > 250) errors.Add($"step {i + 1}: working days must be 1 to 250");
            if (i > 0 && ladder[i].Stage <= ladder[i - 1].Stage) errors.Add($"step {i + 1}: rungs must rise");
        }
        return errors;
    }

    /// <summary>Whether a reminder is due on <paramref name="today"/> for a rung ending on <paramref name="lastDay"/>.</summary>
    public static bool ReminderDue(WorkingCalendar calendar, DateOnly lastDay, DateOnly today, IReadOnlyList<int> daysBefore)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(daysBefore);
        if (today > lastDay || !calendar.IsWorkingDay(today)) return false;
        // Working days left counting today: 1 on the last day itself, so "0 days before" is left == 1.
        var left = calendar.WorkingDaysLeft(today, lastDay);
        return daysBefore.Any(d => left == d + 1);
    }
}

/// <summary>S4's categories of a rectified (or not) problem, for the rectification score (EV-6).</summary>
public enum RectificationResult
{
    /// <summary>Rectified on time: costs nothing.</summary>
    OnTime,
    /// <summary>未按时间节点整改或整改不到位: −3.</summary>
    LateOrIncomplete,
    /// <summary>经二次督办或挂牌督办后仍整改不到位: −5.</summary>
    AfterSupervision,
    /// <summary>拒不整改且无正当理由: −10.</summary>
    Refused,
    /// <summary>Withdrawn after an upheld objection: not a problem at all.</summary>
    Withdrawn,
    /// <summary>Still open.</summary>
    Open,
}

public static class RectificationScoring
{
    /// <summary>S4 / EV-6: points a problem in each category costs in the rectification score.</summary>
    public static decimal Cost(RectificationResult result) => result switch
    {
        RectificationResult.LateOrIncomplete => 3m,
        RectificationResult.AfterSupervision => 5m,
        RectificationResult.Refused => 10m,
        _ => 0m,
    };

    /// <summary>
    /// S4's category of a notice (EV-6):
    /// <list type="bullet">
    /// <item>拒不整改且无正当理由 (refused): 10;</item>
    /// <item>经二次督办或挂牌督办后，仍整改不到位 (still not rectified after the second or the listed supervision: its
    /// deadline passed, so the notice went on to the listed rung, or the ladder ran out; or an answer given under second or
    /// listed supervision was sent back as incomplete): 5, filed later or not;</item>
    /// <item>未按时间节点整改或整改不到位 (the notice's own deadline missed, or an answer the Office sent back as
    /// incomplete): 3, from that moment, filed later or not;</item>
    /// <item>filed at the notice's own deadline: nothing; still within it: open.</item>
    /// </list>
    /// </summary>
    /// <param name="answeredLate">An answer came after the last day of the rung the notice stood on: late at the notice's own
    /// rung (3), still not done within a supervision's (5).</param>
    public static RectificationResult Classify(NoticeStatus status, EscalationStage stage, bool exhausted, int returns, int supervisedReturns = 0, bool answeredLate = false)
    {
        if (status == NoticeStatus.Refused) return RectificationResult.Refused;
        if (status == NoticeStatus.Withdrawn) return RectificationResult.Withdrawn;
        if (exhausted || stage >= EscalationStage.Listed || supervisedReturns > 0 || answeredLate && stage >= EscalationStage.SecondSupervision)
            return RectificationResult.AfterSupervision;
        if (stage > EscalationStage.Notice || returns > 0 || answeredLate) return RectificationResult.LateOrIncomplete;
        return status == NoticeStatus.Filed ? RectificationResult.OnTime : RectificationResult.Open;
    }

    /// <summary>
    /// S4's category of a substantiated efficiency complaint (EV-6: "通过受理效能投诉…发现的…问题"; decision 020). The unit
    /// rectifies by handling it (CMP-7): answered within its working days and accepted by the Office, nothing; answered late,
    /// or sent back once by the Office to be done again (未按时间节点整改或整改不到位), 3; sent back a second time or more
    /// (经二次督办后仍整改不到位), 5. A complaint has no refusal: a unit that will not handle it is sent back and held
    /// accountable (CMP-8).
    /// </summary>
    public static RectificationResult ClassifyComplaint(bool answeredLate, int sentBack) =>
        sentBack >= 2 ? RectificationResult.AfterSupervision
        : answeredLate || sentBack == 1 ? RectificationResult.LateOrIncomplete
        : RectificationResult.OnTime;

    /// <summary>EV-6: 20 at the start, never below 0.</summary>
    public static decimal Score(IEnumerable<RectificationResult> results) =>
        Math.Max(0m, 20m - results.Sum(Cost));
}

/// <summary>One line of a unit's deduction ledger as the pure sum sees it (EV-11).</summary>
public sealed record LedgerEntry(Guid Id, Guid UnitId, Guid? SectionId, int Year, decimal Points, Guid? ReversesId);

/// <summary>EV-11: sums and reversal rules of the append-only deduction ledger.</summary>
public static class DeductionLedger
{
    /// <summary>Points lost: the sum of all lines, reversals (negative) included.</summary>
    public static decimal PointsLost(IEnumerable<LedgerEntry> lines) => lines.Sum(l => l.Points);

    /// <summary>The lines that a reversal may still reverse: positive lines not yet reversed.</summary>
    public static IReadOnlyList<LedgerEntry> Reversible(IReadOnlyCollection<LedgerEntry> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var reversed = lines.Where(l => l.ReversesId is not null).Select(l => l.ReversesId!.Value).ToHashSet();
        return lines.Where(l => l.ReversesId is null && l.Points > 0 && !reversed.Contains(l.Id)).ToList();
    }

    /// <summary>The amount of the reversing line: the original, negated.</summary>
    public static decimal ReversalOf(LedgerEntry line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.ReversesId is not null) throw new InvalidOperationException("A reversal is never reversed.");
        return -line.Points;
    }
}
