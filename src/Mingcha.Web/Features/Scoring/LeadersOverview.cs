using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Complaints;
using Mingcha.Domain.Rectification;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Calendar;
using Mingcha.Web.Features.Inspections;
using Mingcha.Web.Features.Ratings;
using Mingcha.Web.Features.Rectification;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Scoring;

/// <summary>
/// The leaders' overview of a year across modules: rounds and visits against targets, findings by deduction item, notices
/// open and overdue, satisfaction by unit, outcomes (sanctions), the evaluation campaigns. Covert work counts only once its
/// findings were sent (INS-9); complaints of the year by how they stand and how timely they were answered (CMP-7).
/// </summary>
public sealed class LeadersOverview(MingchaDb db, CalendarService calendar, SatisfactionReport report)
{
    public sealed record Figure(string Key, string Label, long Value, string? Link);
    /// <summary>An evaluation campaign of the year and how it stands (its status by name in the API).</summary>
    public sealed record CampaignFigure(Guid Id, string Name, CampaignStatus Status, string Link);
    /// <summary>A unit's year: its ratings counted and coefficient (SAT-4), and its cases' 评价率 (SAT-8; null without cases).</summary>
    public sealed record UnitRate(Guid UnitId, string UnitName, int Counted, decimal? Rate, string Link, decimal? RatedRate = null);
    public sealed record Overview(int Year, IReadOnlyList<Figure> Inspections, IReadOnlyList<Figure> FindingsByItem, IReadOnlyList<Figure> Notices,
        IReadOnlyList<UnitRate> Satisfaction, IReadOnlyList<Figure> Outcomes, IReadOnlyList<CampaignFigure> Campaigns, IReadOnlyList<Figure> Complaints);

    public async Task<Overview> ForYearAsync(int year, CancellationToken ct)
    {
        Problems.RequireYear(year);
        var rounds = await db.InspectionRounds.AsNoTracking().Where(r => r.Year == year && r.StartedAt != null)
            .GroupBy(r => r.Kind).Select(g => new { g.Key, Rounds = g.Count(), Targets = g.Sum(r => r.PlannedTargets) }).ToListAsync(ct);
        var visits = await db.Visits.AsNoTracking().Where(v => v.Year == year && v.Status == VisitStatus.Accepted && (v.Kind == InspectionKind.Open || v.FindingsSentAt != null))
            .GroupBy(v => v.Kind).Select(g => new { g.Key, N = g.Count() }).ToListAsync(ct);
        var inspections = new List<Figure>();
        foreach (var kind in new[] { InspectionKind.Open, InspectionKind.Covert })
        {
            var zh = kind == InspectionKind.Open ? "明查" : "暗访";
            var r = rounds.FirstOrDefault(x => x.Key == kind);
            inspections.Add(new($"{kind}.rounds", $"{zh}批次", r?.Rounds ?? 0, "/Inspections"));
            inspections.Add(new($"{kind}.targets", $"{zh}计划对象", r?.Targets ?? 0, "/Inspections"));
            inspections.Add(new($"{kind}.visits", $"{zh}已完成", visits.FirstOrDefault(x => x.Key == kind)?.N ?? 0, "/Inspections/Visits"));
        }

        var findings = await (from f in db.Findings.AsNoTracking().Where(f => f.Year == year && f.Status == FindingStatus.Confirmed)
                              join v in db.Visits on f.VisitId equals v.Id
                              where v.Kind == InspectionKind.Open || v.FindingsSentAt != null
                              group f by new { f.ItemCode, f.ItemName } into g
                              select new { g.Key.ItemCode, g.Key.ItemName, N = g.Count() }).ToListAsync(ct);
        var byItem = findings.OrderByDescending(x => x.N).ThenBy(x => x.ItemCode, StringComparer.Ordinal).Take(12)
            .Select(x => new Figure(x.ItemCode, $"{x.ItemCode} {x.ItemName}", x.N, "/Rectification")).ToList();

        var today = calendar.Today;
        var notices = await db.RectificationNotices.AsNoTracking().Where(n => n.Year == year).Select(n => new { n.Status, n.LastDay }).ToListAsync(ct);
        var open = notices.Where(n => RectificationRules.AwaitsUnit(n.Status) || n.Status is NoticeStatus.Answered or NoticeStatus.Objected).ToList();
        var noticeFigures = new List<Figure>
        {
            new("issued", "整改通知书", notices.Count, "/Rectification"),
            new("open", "未办结", open.Count, "/Rectification"),
            new("overdue", "已逾期", open.Count(n => n.LastDay < today && RectificationRules.AwaitsUnit(n.Status)), "/Rectification"),
            new("filed", "已核查备案", notices.Count(n => n.Status == NoticeStatus.Filed), "/Rectification"),
            new("refused", "拒不整改", notices.Count(n => n.Status == NoticeStatus.Refused), "/Rectification"),
        };

        // The year's satisfaction report (SAT-4), its 30 most rated units with their cases' 评价率 (a high coefficient from
        // few of the visitors says less); each leads to the unit's report for the year. A unit with cases and no rating
        // is the report's to name (its chart is of rates).
        var satisfaction = (await report.AllUnitsAsync(new DateOnly(year, 1, 1), new DateOnly(year, 12, 31), ct)).Where(l => l.Rated)
            .OrderByDescending(l => l.Ratings + l.Excluded).ThenBy(l => l.Id).Take(30)
            .Select(l => new UnitRate(l.Id, l.Name, l.Ratings, l.Coefficient, $"/Ratings/Report?from={year}-01-01&to={year}-12-31&unit={l.Id}",
                l.Cases?.RatedRate))
            .ToList();

        var outcomes = await db.RectificationOutcomes.AsNoTracking().Where(o => o.Year == year).GroupBy(o => new { o.Kind, o.Measure })
            .Select(g => new { g.Key.Kind, g.Key.Measure, N = g.Count() }).ToListAsync(ct);
        var outcomeFigures = outcomes.OrderBy(o => o.Kind).ThenBy(o => o.Measure)
            .Select(o => new Figure($"{o.Kind}.{o.Measure}", OutcomeLabel(o.Kind, o.Measure), o.N, "/Rectification/Outcomes")).ToList();

        var campaigns = await db.Campaigns.AsNoTracking().Where(c => c.Year == year).Select(c => new { c.Id, c.Name, c.Status }).ToListAsync(ct);
        var campaignFigures = campaigns.Select(c => new CampaignFigure(c.Id, c.Name, c.Status, $"/Scoring/Campaign/{c.Id}")).ToList();

        var complaints = await db.Complaints.AsNoTracking().Where(c => c.ReceivedOn >= new DateOnly(year, 1, 1) && c.ReceivedOn <= new DateOnly(year, 12, 31))
            .GroupBy(c => new { c.Status, c.Kind, c.AnsweredLate, Overdue = c.Status == ComplaintStatus.Assigned && c.LastDay < today })
            .Select(g => new { g.Key.Status, g.Key.Kind, g.Key.AnsweredLate, g.Key.Overdue, N = g.Count() }).ToListAsync(ct);
        long Count(Func<ComplaintStatus, bool> status, Func<bool, bool>? late = null) =>
            complaints.Where(c => status(c.Status) && (late is null || late(c.AnsweredLate))).Sum(c => (long)c.N);
        var answered = (Func<ComplaintStatus, bool>)(s => s is ComplaintStatus.Answered or ComplaintStatus.Closed or ComplaintStatus.UnderReview);
        var complaintFigures = new List<Figure>
        {
            new("received", "收到投诉", complaints.Sum(c => (long)c.N), "/Complaints"),
            new("suggestions", "按建议处理", complaints.Where(c => c.Kind == ComplaintKind.Suggestion).Sum(c => (long)c.N), "/Complaints"),
            new("notAccepted", "不予受理", Count(s => s == ComplaintStatus.NotAccepted), "/Complaints?status=NotAccepted"),
            new("answeredOnTime", "按期答复", Count(answered, late => !late), "/Complaints"),
            new("answeredLate", "逾期答复", Count(answered, late => late), "/Complaints"),
            new("overdue", "已逾期未答复", complaints.Where(c => c.Overdue).Sum(c => (long)c.N), "/Complaints?overdue=true"),
            new("underReview", "不满意复核", Count(s => s == ComplaintStatus.UnderReview), "/Complaints?status=UnderReview"),
            new("closed", "办结", Count(s => s == ComplaintStatus.Closed), "/Complaints?status=Closed"),
        };

        return new Overview(year, inspections, byItem, noticeFigures, satisfaction.OrderByDescending(s => s.Rate ?? -1m).ToList(), outcomeFigures, campaignFigures,
            complaintFigures);
    }

    private static string OutcomeLabel(OutcomeKind kind, OutcomeMeasure measure) => (kind, measure) switch
    {
        (OutcomeKind.Circular, OutcomeMeasure.Praise) => "通报表扬",
        (OutcomeKind.Circular, _) => "通报批评",
        (OutcomeKind.Interview, _) => "约谈",
        (OutcomeKind.Referral, _) => "移送纪检监察",
        (OutcomeKind.PersonAccountability, _) => "问责个人：" + measure,
        (OutcomeKind.UnitAccountability, _) => "问责单位：" + measure,
        _ => kind + " " + measure,
    };
}
