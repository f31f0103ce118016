using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;

namespace Mingcha.Web.Features.Inspections;

/// <summary>
/// INS-17: after a round, a report per team (or for the whole round) generated from the data — the plan and its
/// targets, the visits and their outcome, findings by kind and by unit, photos — then edited by the team and exported
/// as an official document (GB/T 9704) in DOCX and PDF.
/// The body is plain text: "# " starts a heading, "## " a sub-heading, a line of cells between "|" a table row (the
/// first row is the header), "![caption](evidence:{id})" a photo from the vault, anything else a paragraph.
/// </summary>
public sealed partial class RoundReports(MingchaDb db, TimeProvider time)
{
    /// <summary>Whom the report covers: one team's visits (TeamId required) or the whole round (the Office's summary).</summary>
    public enum ReportScope { Team, Round }
    public sealed record Generate([property: Required] ReportScope? Scope, Guid? TeamId);
    public sealed record Edit([property: Required, StringLength(200, MinimumLength = 1)] string Title, [property: Required, StringLength(100000, MinimumLength = 1)] string Body);
    public sealed record ReportView(Guid Id, Guid RoundId, Guid? TeamId, string Title, string Body, int Version, DateTime CreatedAt, DateTime? EditedAt, Guid? DocumentId);
    public sealed record ReportLine(Guid Id, Guid RoundId, Guid? TeamId, string Title, int Version, DateTime CreatedAt);

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private async Task<InspectionRound> RoundAsync(Guid roundId, InspectionViewer viewer, CancellationToken ct) =>
        await viewer.VisibleRounds(db, db.InspectionRounds.AsNoTracking()).FirstOrDefaultAsync(r => r.Id == roundId, ct)
            ?? throw new NotFoundException("检查轮次不存在。 No such round.");

    private static bool MayWrite(InspectionViewer viewer, Guid? teamId, Guid? roundAgency) =>
        viewer.IsOffice || (teamId is { } t && viewer.TeamIds.Contains(t)) || (teamId is null && roundAgency is { } a && viewer.AgencyId == a);

    /// <summary>
    /// INS-9, INS-17: the Office and leaders read every report; an inspector only the reports their team (or agency) may
    /// write. Another team's report of the same round, or the round's own, names targets and findings that are not theirs.
    /// </summary>
    private static bool MayRead(InspectionViewer viewer, Guid? teamId, Guid? roundAgency) => viewer.SeesAll || MayWrite(viewer, teamId, roundAgency);

    /// <summary>Generates the report of <paramref name="roundId"/> for a team (its visits only) or for the round.</summary>
    public async Task<ReportView> GenerateAsync(Guid roundId, Generate r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var viewer = await InspectionViewer.ForAsync(by, db, ct);
        var round = await RoundAsync(roundId, viewer, ct);
        if (r.Scope == ReportScope.Team && r.TeamId is null) throw new FieldException("teamId", "请指定督查组。 Name the team.");
        if (r.Scope == ReportScope.Round) r = r with { TeamId = null };
        if (r.TeamId is { } team && !await db.RoundTeams.AnyAsync(t => t.RoundId == roundId && t.TeamId == team, ct))
            throw new FieldException("teamId", "该督查组不在本轮检查中。 The team is not part of the round.");
        if (!MayWrite(viewer, r.TeamId, round.AgencyId))
            throw new DomainRuleException("INS-17", "只有本组或效能办可以撰写报告。 Only the team or the Office writes its report.", 403);
        var body = await ComposeAsync(round, r.TeamId, ct);
        var teamName = r.TeamId is { } tid ? await db.Teams.AsNoTracking().Where(t => t.Id == tid).Select(t => t.Name).FirstOrDefaultAsync(ct) : null;
        var title = $"关于{round.Title}情况的报告{(teamName is null ? "" : $"（{teamName}）")}";
        if (title.Length > 200) title = title[..200];
        var report = new RoundReport(roundId, r.TeamId, title, body, by.UserId() ?? "", Now);
        db.RoundReports.Add(report);
        await db.SaveChangesAsync(ct);
        return ToView(report);
    }

    private async Task<string> ComposeAsync(InspectionRound round, Guid? teamId, CancellationToken ct)
    {
        var visits = db.Visits.AsNoTracking().Where(v => v.RoundId == round.Id);
        if (teamId is { } t) visits = visits.Where(v => v.TeamId == t);
        var rows = await (from v in visits
                          join s in db.Sections.AsNoTracking() on v.SectionId equals s.Id
                          join u in db.Units.AsNoTracking() on v.UnitId equals u.Id
                          orderby u.Name, s.Name
                          select new { v.Id, v.Status, v.VisitedOn, v.RecordedSeconds, Unit = u.Name, Section = s.Name }).ToListAsync(ct);
        // INS-19: a rejected visit's report counts toward no target and no score, so its findings are not the round's.
        var ids = rows.Where(x => x.Status != VisitStatus.Rejected).Select(x => x.Id).ToList();
        var findings = await (from f in db.Findings.AsNoTracking()
                              join u in db.Units.AsNoTracking() on f.UnitId equals u.Id
                              where ids.Contains(f.VisitId) && f.Status != FindingStatus.Dropped
                              select new { f.Id, f.Group, f.ItemCode, f.ItemName, f.Points, f.Description, Unit = u.Name, f.Status }).ToListAsync(ct);
        var findingIds = findings.Select(f => f.Id).ToList();
        var photos = await (from fe in db.FindingEvidence.AsNoTracking()
                            join e in db.EvidenceItems.AsNoTracking() on fe.EvidenceItemId equals e.Id
                            where findingIds.Contains(fe.FindingId) && (e.MediaType == "image/jpeg" || e.MediaType == "image/png")
                            orderby e.Id
                            select new { e.Id, e.FileName, fe.FindingId }).Take(20).ToListAsync(ct);
        var targets = await db.RoundTargets.AsNoTracking().CountAsync(x => x.RoundId == round.Id, ct);
        var c = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        b.AppendLine(c, $"根据{round.Year}年度明查暗访工作计划，{round.StartsOn:yyyy年M月d日}至{round.EndsOn:yyyy年M月d日}开展了{round.Title}。现将有关情况报告如下。").AppendLine();
        b.AppendLine("# 基本情况").AppendLine();
        b.AppendLine(c, $"本轮检查范围：{round.Scope}。检查重点：{round.Focus}。计划检查对象 {round.PlannedTargets} 个，确定检查对象 {targets} 个，实施检查 {rows.Count(x => x.Status != VisitStatus.Planned)} 个，报告经效能办采纳 {rows.Count(x => x.Status == VisitStatus.Accepted)} 个。").AppendLine();
        b.AppendLine("| 单位 | 检查对象 | 检查日期 | 录像时长（分钟） | 状态 |");
        foreach (var v in rows)
            b.AppendLine(c, $"| {v.Unit} | {v.Section} | {v.VisitedOn?.ToString("yyyy-MM-dd", c) ?? "—"} | {(v.RecordedSeconds is { } sec ? (sec / 60).ToString(c) : "—")} | {StatusName(v.Status)} |");
        b.AppendLine();
        b.AppendLine("# 发现的问题").AppendLine();
        if (findings.Count == 0) b.AppendLine("本轮检查未发现问题。").AppendLine();
        else
        {
            var pending = findings.Count(f => f.Status != FindingStatus.Confirmed);
            b.AppendLine(c, $"共发现问题 {findings.Count} 个，扣分合计 {findings.Sum(f => f.Points).ToString("0.##", c)} 分{(pending > 0 ? $"（其中 {pending} 个尚待效能办确认，RCT-1）" : "")}。").AppendLine();
            b.AppendLine("## 按问题类别").AppendLine();
            b.AppendLine("| 类别 | 问题数 | 扣分 |");
            foreach (var g in findings.GroupBy(f => f.Group).OrderBy(g => g.Key))
                b.AppendLine(c, $"| {GroupName(g.Key)} | {g.Count()} | {g.Sum(f => f.Points).ToString("0.##", c)} |");
            b.AppendLine();
            b.AppendLine("## 按单位").AppendLine();
            b.AppendLine("| 单位 | 问题数 | 扣分 |");
            foreach (var g in findings.GroupBy(f => f.Unit).OrderBy(g => g.Key, StringComparer.Ordinal))
                b.AppendLine(c, $"| {g.Key} | {g.Count()} | {g.Sum(f => f.Points).ToString("0.##", c)} |");
            b.AppendLine();
            foreach (var f in findings)
                b.AppendLine(c, $"{f.Unit}：{f.Description}（{f.ItemCode} {f.ItemName}，扣 {f.Points.ToString("0.##", c)} 分）").AppendLine();
        }
        if (photos.Count > 0)
        {
            b.AppendLine("# 现场照片").AppendLine();
            foreach (var p in photos) b.AppendLine(c, $"![{p.FileName}](evidence:{p.Id})").AppendLine();
        }
        b.AppendLine("# 下一步工作建议").AppendLine();
        b.AppendLine("对发现的问题，建议按规定向被查单位送达整改通知，限期整改，并在下一轮检查中回访复查。").AppendLine();
        return b.ToString().TrimEnd();
    }

    private static string StatusName(VisitStatus s) => s switch
    {
        VisitStatus.Planned => "未实施",
        VisitStatus.InProgress => "实施中",
        VisitStatus.Submitted => "待审核",
        VisitStatus.Accepted => "已采纳",
        VisitStatus.Returned => "退回补充",
        VisitStatus.Rejected => "不予采纳",
        _ => s.ToString(),
    };

    private static string GroupName(DeductionGroup g) => g switch
    {
        DeductionGroup.Annex => "工作纪律与作风",
        DeductionGroup.EfficiencySystem => "效能八项制度",
        DeductionGroup.Civility => "文明服务",
        DeductionGroup.Conduct => "妨碍检查",
        DeductionGroup.OpenInspection => "明查",
        _ => g.ToString(),
    };

    public async Task<List<ReportLine>> ListAsync(Guid roundId, ClaimsPrincipal by, CancellationToken ct)
    {
        var viewer = await InspectionViewer.ForAsync(by, db, ct);
        var round = await RoundAsync(roundId, viewer, ct);
        var lines = await db.RoundReports.AsNoTracking().Where(r => r.RoundId == roundId).OrderBy(r => r.CreatedAt).ThenBy(r => r.Id)
            .Select(r => new ReportLine(r.Id, r.RoundId, r.TeamId, r.Title, r.Version, r.CreatedAt)).ToListAsync(ct);
        return lines.Where(l => MayRead(viewer, l.TeamId, round.AgencyId)).ToList();
    }

    private async Task<(RoundReport Report, InspectionRound Round, InspectionViewer Viewer)> LoadAsync(Guid id, ClaimsPrincipal by, bool tracked, CancellationToken ct)
    {
        var viewer = await InspectionViewer.ForAsync(by, db, ct);
        var q = tracked ? db.RoundReports : db.RoundReports.AsNoTracking();
        var report = await q.FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw new NotFoundException("报告不存在。 No such report.");
        var round = await viewer.VisibleRounds(db, db.InspectionRounds.AsNoTracking()).FirstOrDefaultAsync(r => r.Id == report.RoundId, ct);
        if (round is null || !MayRead(viewer, report.TeamId, round.AgencyId)) throw new NotFoundException("报告不存在。 No such report.");
        return (report, round, viewer);
    }

    public async Task<ReportView> GetAsync(Guid id, ClaimsPrincipal by, CancellationToken ct)
    {
        var (report, _, _) = await LoadAsync(id, by, false, ct);
        return ToView(report);
    }

    public async Task<ReportView> EditAsync(Guid id, Edit r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var (report, round, viewer) = await LoadAsync(id, by, true, ct);
        if (!MayWrite(viewer, report.TeamId, round.AgencyId))
            throw new DomainRuleException("INS-17", "只有本组或效能办可以修改报告。 Only the team or the Office edits its report.", 403);
        report.Edit(r.Title.Trim(), r.Body.Trim(), by.UserId() ?? "", Now);
        await db.SaveChangesAsync(ct);
        return ToView(report);
    }

    private static ReportView ToView(RoundReport r) =>
        new(r.Id, r.RoundId, r.TeamId, r.Title, r.Body, r.Version, r.CreatedAt, r.EditedAt, r.DocumentId);
}
