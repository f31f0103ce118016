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
            var complaints = await ComplaintCountsAsync(null, today, ct);
            AddComplaints(items, "complaints.received", l["待受理交办的投诉"], ComplaintStatus.Received, complaints);
            AddComplaints(items, "complaints.returned", l["单位退回、待改派的投诉"], ComplaintStatus.ReturnedToOffice, complaints);
            AddComplaints(items, "complaints.answered", l["待审核的投诉答复"], ComplaintStatus.Answered, complaints);
            AddComplaints(items, "complaints.review", l["投诉人不满意、待复核的投诉"], ComplaintStatus.UnderReview, complaints);
            AddOverdueComplaints(items, complaints);

            var findings = await db.Findings.CountAsync(f => f.Status == FindingStatus.Recorded, ct);
            Add(items, "findings.recorded", l["待确认的问题（RCT-1）"], findings, 0, "/Rectification");
            // What the rectification page lists to put on a notice: confirmed findings and other channels' problems on none yet.
            var toIssue = await db.Findings.CountAsync(f => f.Status == FindingStatus.Confirmed && !db.NoticeFindings.Any(nf => nf.FindingId == f.Id), ct)
                + await db.ChannelProblems.CountAsync(p => p.NoticeId == null, ct);
            Add(items, "findings.to-issue", l["待下发整改通知书的问题（RCT-2）"], toIssue, 0, "/Rectification");
            var notices = await NoticeCountsAsync(null, today, ct);
            AddNotices(items, "notices.objected", l["待复核的异议（RCT-3）"], [NoticeStatus.Objected], notices, "/Rectification");
            AddNotices(items, "notices.answered", l["待核查的整改反馈（RCT-2）"], [NoticeStatus.Answered], notices, "/Rectification");
            AddOverdueNotices(items, notices);

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
            AddComplaints(items, "complaints.assigned", l["本单位待办理的投诉"], ComplaintStatus.Assigned, await ComplaintCountsAsync(unit, today, ct));
            AddNotices(items, "notices.open", l["本单位待整改反馈的通知书"], [NoticeStatus.Issued, NoticeStatus.Returned], await NoticeCountsAsync(unit, today, ct), "/Rectification/Mine");
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
            AddOverdueComplaints(items, await ComplaintCountsAsync(null, today, ct));
            AddOverdueNotices(items, await NoticeCountsAsync(null, today, ct));
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

    /// <summary>A count of open records by status, and how many of them are past their last day.</summary>
    private sealed record StatusCount<TStatus>(TStatus Status, bool Late, int Count);

    // The statuses a work line counts: what waits on the Office or on a unit, never the closed (a history that only grows).
    private static readonly ComplaintStatus[] OpenComplaints =
        [ComplaintStatus.Received, ComplaintStatus.ReturnedToOffice, ComplaintStatus.Assigned, ComplaintStatus.Answered, ComplaintStatus.UnderReview];

    private static readonly NoticeStatus[] OpenNotices = [NoticeStatus.Issued, NoticeStatus.Returned, NoticeStatus.Objected, NoticeStatus.Answered];

    /// <summary>
    /// The open complaints (of <paramref name="unit"/>, or all), by status, in one query. Only a complaint with its unit
    /// runs against a deadline the unit can miss (CMP-1): late is an assigned one past its last day.
    /// </summary>
    private Task<List<StatusCount<ComplaintStatus>>> ComplaintCountsAsync(Guid? unit, DateOnly today, CancellationToken ct)
    {
        var q = db.Complaints.Where(c => OpenComplaints.Contains(c.Status));
        if (unit is { } u) q = q.Where(c => c.UnitId == u);
        return q.GroupBy(c => new { c.Status, Late = c.Status == ComplaintStatus.Assigned && c.LastDay < today })
            .Select(g => new StatusCount<ComplaintStatus>(g.Key.Status, g.Key.Late, g.Count())).ToListAsync(ct);
    }

    /// <summary>The open notices (of <paramref name="unit"/>, or all), by status, in one query; late is one the unit still owes past its last day.</summary>
    private Task<List<StatusCount<NoticeStatus>>> NoticeCountsAsync(Guid? unit, DateOnly today, CancellationToken ct)
    {
        var q = db.RectificationNotices.Where(n => OpenNotices.Contains(n.Status));
        if (unit is { } u) q = q.Where(n => n.UnitId == u);
        // The statuses of RectificationRules.AwaitsUnit, spelt out for the query.
        return q.GroupBy(n => new { n.Status, Late = (n.Status == NoticeStatus.Issued || n.Status == NoticeStatus.Returned) && n.LastDay < today })
            .Select(g => new StatusCount<NoticeStatus>(g.Key.Status, g.Key.Late, g.Count())).ToListAsync(ct);
    }

    private static void AddComplaints(List<WorkItem> items, string key, string title, ComplaintStatus status, List<StatusCount<ComplaintStatus>> counts)
    {
        var of = counts.Where(c => c.Status == status).ToList();
        Add(items, key, title, of.Sum(c => c.Count), of.Where(c => c.Late).Sum(c => c.Count), $"/Complaints?Status={status}");
    }

    private void AddOverdueComplaints(List<WorkItem> items, List<StatusCount<ComplaintStatus>> counts)
    {
        var overdue = counts.Where(c => c.Late).Sum(c => c.Count);
        Add(items, "complaints.overdue", l["逾期未答复的投诉"], overdue, overdue, "/Complaints?Overdue=true");
    }

    private static void AddNotices(List<WorkItem> items, string key, string title, NoticeStatus[] statuses, List<StatusCount<NoticeStatus>> counts, string link)
    {
        var of = counts.Where(c => statuses.Contains(c.Status)).ToList();
        Add(items, key, title, of.Sum(c => c.Count), of.Where(c => c.Late).Sum(c => c.Count), link);
    }

    private void AddOverdueNotices(List<WorkItem> items, List<StatusCount<NoticeStatus>> counts)
    {
        var overdue = counts.Where(c => c.Late).Sum(c => c.Count);
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
