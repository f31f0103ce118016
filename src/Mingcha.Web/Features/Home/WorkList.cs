using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Complaints;
using Mingcha.Domain.Rectification;
using Mingcha.Domain.Satisfaction;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Calendar;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Inspections;
using Mingcha.Web.Features.Ratings;
using Mingcha.Web.Features.Scoring;
using Mingcha.Domain.Scoring;

namespace Mingcha.Web.Features.Home;

/// <summary>One line of a user's work list: how many records wait for them, how many of those are past their deadline, and where they are.</summary>
public sealed record WorkItem(string Key, string Title, int Count, int Overdue, string Link)
{
    /// <summary>A line that lists only late records (its count is all overdue).</summary>
    public bool IsOverdueList => Key.EndsWith(".overdue", StringComparison.Ordinal);
}

/// <summary>
/// The home page's 待办: what waits for the signed-in user, counted, each with a link to the list where it is done.
/// The Office sees what waits for the Office: complaints to accept, reassign and review, findings to confirm and to put
/// on a notice, objections to review, answers to verify, visit reports to accept, appeals and manipulation flags to
/// review, written explanations to review, and what is late. A unit's liaison sees what waits for their own unit only
/// (SEC-2): complaints to answer, notices to answer, bad-rating follow-ups, written explanations owed (EV-8), the
/// quarter's self-inspection report in its last month (INS-3). A supervisor or agency inspector sees their team's or
/// agency's visits to carry out and reports returned to them (INS-19). A leader sees what is late across units. Counts
/// follow the same rules as the lists they link to; "overdue" is past the last working day on the office's date (CAL-2).
/// </summary>
public sealed class WorkList(MingchaDb db, CalendarService calendar, ResultExplanations explanations, IStringLocalizer<SharedResource> l)
{
    /// <summary>The user's work lines (only those with something waiting), or null for a role that has no work list.</summary>
    public async Task<IReadOnlyList<WorkItem>?> ForAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var today = calendar.Today;
        var items = new List<WorkItem>();
        var office = user.IsInRole(Roles.OfficeAdmin) || user.IsInRole(Roles.OfficeStaff);
        if (office)
        {
            await AddComplaintsAsync(items, "complaints.received", l["待受理交办的投诉"], ComplaintStatus.Received, null, today, ct);
            await AddComplaintsAsync(items, "complaints.returned", l["单位退回、待改派的投诉"], ComplaintStatus.ReturnedToOffice, null, today, ct);
            await AddComplaintsAsync(items, "complaints.answered", l["待审核的投诉答复"], ComplaintStatus.Answered, null, today, ct);
            await AddComplaintsAsync(items, "complaints.review", l["投诉人不满意、待复核的投诉"], ComplaintStatus.UnderReview, null, today, ct);
            await AddOverdueComplaintsAsync(items, today, ct);

            var findings = await db.Findings.CountAsync(f => f.Status == FindingStatus.Recorded, ct);
            Add(items, "findings.recorded", l["待确认的问题（RCT-1）"], findings, 0, "/Rectification");
            // What the rectification page lists to put on a notice: confirmed findings and other channels' problems on none yet.
            var toIssue = await db.Findings.CountAsync(f => f.Status == FindingStatus.Confirmed && !db.NoticeFindings.Any(nf => nf.FindingId == f.Id), ct)
                + await db.ChannelProblems.CountAsync(p => p.NoticeId == null, ct);
            Add(items, "findings.to-issue", l["待下发整改通知书的问题（RCT-2）"], toIssue, 0, "/Rectification");
            await AddNoticesAsync(items, "notices.objected", l["待复核的异议（RCT-3）"], [NoticeStatus.Objected], null, today, "/Rectification", ct);
            await AddNoticesAsync(items, "notices.answered", l["待核查的整改反馈（RCT-2）"], [NoticeStatus.Answered], null, today, "/Rectification", ct);
            await AddOverdueNoticesAsync(items, today, ct);

            var reports = await db.Visits.CountAsync(v => v.Status == VisitStatus.Submitted, ct);
            Add(items, "visits.submitted", l["待验收的检查报告（INS-19）"], reports, 0, "/Inspections/Visits");

            var appeals = await db.FollowUpCases.CountAsync(f => f.State == FollowUpState.Appealed, ct);
            Add(items, "followups.appealed", l["待复核的差评申诉（SAT-7）"], appeals, 0, "/Ratings/FollowUps");
            await AddFollowUpsAsync(items, null, today, ct);
            var flags = await db.RatingFlags.CountAsync(f => f.ReviewedAt == null, ct);
            Add(items, "flags.open", l["待复核的刷评标记（SAT-9）"], flags, 0, "/Ratings/Flags");
            // Filed in time or late, both await the Office's review (ExplanationRules.StatusOf).
            var filed = await db.Set<ResultExplanation>().CountAsync(x => x.State == ExplanationState.Filed, ct);
            Add(items, "explanations.filed", l["待审核的书面说明和整改报告（EV-8）"], filed, 0, "/Scoring/Explanations");
        }
        else if (user.IsInRole(Roles.UnitLiaison) && user.UnitId() is { } unit)
        {
            await AddComplaintsAsync(items, "complaints.assigned", l["本单位待办理的投诉"], ComplaintStatus.Assigned, unit, today, ct);
            await AddNoticesAsync(items, "notices.open", l["本单位待整改反馈的通知书"], [NoticeStatus.Issued, NoticeStatus.Returned], unit, today, "/Rectification/Mine", ct);
            await AddFollowUpsAsync(items, unit, today, ct);
            // EV-8: what the unit still owes in writing: not filed yet (overdue after its last day) or sent back to file again.
            var owed = (await explanations.ListAsync(null, null, user, ct))
                .Where(x => x.Status is ExplanationStatus.Awaiting or ExplanationStatus.Overdue or ExplanationStatus.SentBack).ToList();
            Add(items, "explanations.owed", l["本单位待提交的书面说明和整改报告（EV-8）"], owed.Count,
                owed.Count(x => x.Status == ExplanationStatus.Overdue || x.Status == ExplanationStatus.SentBack && x.LastDay < today), "/Scoring/Explanations");
            await AddSelfInspectionAsync(items, unit, today, ct);
        }
        else if (user.IsInRole(Roles.Supervisor) || user.IsInRole(Roles.AgencyInspector))
        {
            // The visits the inspector may know of (their team's or agency's, as on the visits page): to carry out, and
            // reports the Office returned with questions (INS-19). A visit not carried out when its round has ended is late.
            var visits = (await InspectionViewer.ForAsync(user, db, ct)).VisibleVisits(db.Visits.AsNoTracking());
            var toDo = visits.Where(v => v.Status == VisitStatus.Planned || v.Status == VisitStatus.InProgress);
            var count = await toDo.CountAsync(ct);
            var late = count > 0 ? await toDo.CountAsync(v => db.InspectionRounds.Any(r => r.Id == v.RoundId && r.EndsOn < today), ct) : 0;
            Add(items, "visits.to-do", l["待开展的检查"], count, late, "/Inspections/Visits");
            var returned = await visits.CountAsync(v => v.Status == VisitStatus.Returned, ct);
            Add(items, "visits.returned", l["效能办退回、待补正的检查报告（INS-19）"], returned, 0, "/Inspections/Visits");
        }
        else if (user.IsInRole(Roles.Leader))
        {
            await AddOverdueComplaintsAsync(items, today, ct);
            await AddOverdueNoticesAsync(items, today, ct);
        }
        else return null;
        return items;
    }

    /// <summary>
    /// INS-3: the quarter's self-inspection report, from the quarter's last month until the unit reports it (a quarter
    /// that ends without one costs 3 points).
    /// </summary>
    private async Task AddSelfInspectionAsync(List<WorkItem> items, Guid unit, DateOnly today, CancellationToken ct)
    {
        if (today.Month % 3 != 0) return;
        var quarter = today.Month / 3;
        if (await db.SelfInspectionReports.AnyAsync(x => x.UnitId == unit && x.Year == today.Year && x.Quarter == quarter, ct)) return;
        Add(items, "self-inspection.due", l["本季度效能自查报告待报送（INS-3）"], 1, 0, "/Inspections/SelfInspection");
    }

    private static void Add(List<WorkItem> items, string key, string title, int count, int overdue, string link)
    {
        if (count > 0) items.Add(new WorkItem(key, title, count, overdue, link));
    }

    private async Task AddComplaintsAsync(List<WorkItem> items, string key, string title, ComplaintStatus status, Guid? unit, DateOnly today, CancellationToken ct)
    {
        var q = db.Complaints.Where(c => c.Status == status);
        if (unit is { } u) q = q.Where(c => c.UnitId == u);
        var count = await q.CountAsync(ct);
        // Only a complaint with its unit runs against a deadline the unit can miss (CMP-1).
        var overdue = status == ComplaintStatus.Assigned && count > 0 ? await q.CountAsync(c => c.LastDay < today, ct) : 0;
        Add(items, key, title, count, overdue, $"/Complaints?Status={status}");
    }

    private async Task AddOverdueComplaintsAsync(List<WorkItem> items, DateOnly today, CancellationToken ct)
    {
        var overdue = await db.Complaints.CountAsync(c => c.Status == ComplaintStatus.Assigned && c.LastDay < today, ct);
        Add(items, "complaints.overdue", l["逾期未答复的投诉"], overdue, overdue, "/Complaints?Overdue=true");
    }

    private async Task AddNoticesAsync(List<WorkItem> items, string key, string title, NoticeStatus[] statuses, Guid? unit, DateOnly today, string link, CancellationToken ct)
    {
        var q = db.RectificationNotices.Where(n => statuses.Contains(n.Status));
        if (unit is { } u) q = q.Where(n => n.UnitId == u);
        var count = await q.CountAsync(ct);
        var overdue = count > 0 && statuses.All(RectificationRules.AwaitsUnit) ? await q.CountAsync(n => n.LastDay < today, ct) : 0;
        Add(items, key, title, count, overdue, link);
    }

    private async Task AddOverdueNoticesAsync(List<WorkItem> items, DateOnly today, CancellationToken ct)
    {
        // The statuses of RectificationRules.AwaitsUnit, spelt out for the query.
        var overdue = await db.RectificationNotices.CountAsync(n => (n.Status == NoticeStatus.Issued || n.Status == NoticeStatus.Returned) && n.LastDay < today, ct);
        Add(items, "notices.overdue", l["逾期未整改的通知书（RCT-4）"], overdue, overdue, "/Rectification");
    }

    /// <summary>SAT-7: open follow-up cases, and those whose next step is past its working-day deadline.</summary>
    private async Task AddFollowUpsAsync(List<WorkItem> items, Guid? unit, DateOnly today, CancellationToken ct)
    {
        var q = db.FollowUpCases.Where(f => f.State == FollowUpState.Open);
        if (unit is { } u) q = q.Where(f => f.UnitId == u);
        var late = q.Where(f =>
            (f.NextStep == FollowUpStep.CallBack && f.CallBackDue < today)
            || (f.NextStep == FollowUpStep.Verify && f.VerifyDue < today)
            || (f.NextStep == FollowUpStep.Fix && f.FixDue < today)
            || (f.NextStep == FollowUpStep.Inform && f.InformDue < today));
        if (unit is null)
        {
            // The Office follows the units' follow-ups; what it must act on is what is late.
            var overdue = await late.CountAsync(ct);
            Add(items, "followups.overdue", l["逾期的差评回访整改（SAT-7）"], overdue, overdue, "/Ratings/FollowUps");
            return;
        }
        var count = await q.CountAsync(ct);
        Add(items, "followups.open", l["本单位待办的差评回访整改（SAT-7）"], count, count > 0 ? await late.CountAsync(ct) : 0, "/Ratings/FollowUps");
    }
}
