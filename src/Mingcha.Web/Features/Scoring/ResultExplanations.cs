using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Calendar;
using Mingcha.Domain.Scoring;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Calendar;
using Mingcha.Web.Features.Jobs;
using Mingcha.Web.Features.Rectification;

namespace Mingcha.Web.Features.Scoring;

/// <summary>
/// EV-8: what a section's unit owes after publication, by the last day set then (CAL-2): the written explanation (书面说明) of a
/// bottom-three section with 70 or more, and the rectification report (整改报告) of a section below 70 ("督促限期整改"). The
/// section's unit (its liaison) files it, or files it late, marked so; the Office accepts it or sends it back with a reason,
/// and the unit files again. Every step is kept (append-only) and audited. Another unit's section answers 404 (SEC-2).
/// </summary>
public sealed class ResultExplanations(MingchaDb db, TimeProvider time, CalendarService calendar)
{
    public sealed record FileRequest([property: Required, StringLength(ExplanationRules.MaxText, MinimumLength = 1)] string Text);

    public sealed record SendBackRequest([property: Required, StringLength(ExplanationRules.MaxReason, MinimumLength = 1)] string Reason);

    public sealed record StepDto(ExplanationState Kind, string Text, bool Late, string By, DateTime At);

    /// <summary>Where a section's filing stands, with its history; <c>Consequence</c> says what is owed (Explain: a written explanation; RectifyAndAccount: a rectification report).</summary>
    public sealed record ExplanationDto(Guid CampaignId, Guid SectionId, Guid UnitId, DateOnly? LastDay, ExplanationStatus Status, ExplanationState? State, bool Late,
        int WorkingDaysLate, string? Text, DateOnly? FiledOn, int Filings, string? Reason, IReadOnlyList<StepDto> Steps, ResultConsequence Consequence);

    public sealed record ToExplain(Guid CampaignId, string CampaignName, int Year, Guid SectionId, string SectionName, Guid UnitId, string UnitName, int Rank, decimal Total,
        DateOnly? LastDay, ExplanationStatus Status, bool Late, ResultConsequence Consequence);

    /// <summary>What is owed, as the pages and reminders name it.</summary>
    public static string What(ResultConsequence c) => c == ResultConsequence.RectifyAndAccount ? "整改报告" : "书面说明";

    private static NotFoundException NoResult() => new("该科室没有测评结果。 No result for that section.");

    /// <summary>The section's final result in a published campaign, seen by this user (SEC-2 first: another unit's is missing), owing an explanation (EV-8).</summary>
    private async Task<(EvaluationCampaign Campaign, ScoreResult Result)> OwedAsync(Guid campaignId, Guid sectionId, ClaimsPrincipal user, CancellationToken ct)
    {
        var c = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(x => x.Id == campaignId, ct) ?? throw new NotFoundException("测评活动不存在。 No such campaign.");
        if (c.ComputationId is not { } compId) throw NoResult();
        var r = await db.ScoreResults.AsNoTracking().FirstOrDefaultAsync(x => x.ComputationId == compId && x.SectionId == sectionId, ct) ?? throw NoResult();
        if (!RectificationViewer.Of(user).MaySee(r.UnitId)) throw NoResult();
        if (!Consequences.IsFollowedUp(r.Consequence))
            throw new DomainRuleException("EV-8", "只有列后三名（书面说明）或低于 70 分（整改报告）的科室需要提交（EV-8）。 Only a bottom-three section (written explanation) or one below 70 (rectification report) files one (EV-8).", 409);
        if (c.Status != CampaignStatus.Published || r.DueOn is null)
            throw new DomainRuleException("EV-8", "测评结果公布后才需要书面说明（EV-8）。 The explanation is owed once the results are published (EV-8).", 409);
        return (c, r);
    }

    /// <summary>EV-8: the explanation of a section and its history.</summary>
    public async Task<ExplanationDto> GetAsync(Guid campaignId, Guid sectionId, ClaimsPrincipal user, CancellationToken ct)
    {
        var (c, r) = await OwedAsync(campaignId, sectionId, user, ct);
        var e = await db.Set<ResultExplanation>().AsNoTracking().FirstOrDefaultAsync(x => x.CampaignId == c.Id && x.SectionId == sectionId, ct);
        return await DtoAsync(c.Id, r, e, ct);
    }

    private async Task<ExplanationDto> DtoAsync(Guid campaignId, ScoreResult r, ResultExplanation? e, CancellationToken ct)
    {
        var steps = e is null ? [] : await db.Set<ExplanationStep>().AsNoTracking().Where(s => s.ExplanationId == e.Id).OrderBy(s => s.At).ThenBy(s => s.Id)
            .Select(s => new StepDto(s.Kind, s.Text, s.Late, s.By, s.At)).ToListAsync(ct);
        var status = ExplanationRules.StatusOf(e?.State, e?.Late ?? false, r.DueOn, calendar.Today);
        return new ExplanationDto(campaignId, r.SectionId, r.UnitId, r.DueOn, status, e?.State, e?.Late ?? false, e?.WorkingDaysLate ?? 0, e?.Text, e?.FiledOn,
            e?.Filings ?? 0, e?.Reason, steps, r.Consequence);
    }

    /// <summary>EV-8: the unit files (or, after being sent back, files again) its written explanation; after the last day it is marked late (CAL-2).</summary>
    public async Task<ExplanationDto> FileAsync(Guid campaignId, Guid sectionId, FileRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var viewer = RectificationViewer.Of(user);
        var (c, r) = await OwedAsync(campaignId, sectionId, user, ct);
        if (viewer.UnitId != r.UnitId)
            throw new DomainRuleException("EV-8", "书面说明由科室所在单位提交。 The section's unit files its explanation.", 403);
        var text = request.Text?.Trim();
        if (string.IsNullOrEmpty(text)) throw new FieldException("text", "请填写书面说明。 Write the explanation.");
        if (text.Length > ExplanationRules.MaxText) throw new FieldException("text", $"书面说明最多 {ExplanationRules.MaxText} 字。 At most {ExplanationRules.MaxText} characters.");
        var today = calendar.Today;
        var now = time.GetUtcNow().UtcDateTime;
        var e = await db.Set<ResultExplanation>().FirstOrDefaultAsync(x => x.CampaignId == c.Id && x.SectionId == sectionId, ct);
        if (e is null)
        {
            var lastDay = r.DueOn!.Value;
            var daysLate = 0;
            if (ExplanationRules.IsLate(today, lastDay)) daysLate = (await calendar.GetAsync(ct)).CountWorkingDays(lastDay, today);
            e = ResultExplanation.First(c.Id, sectionId, r.UnitId, lastDay, text, today, daysLate, viewer.UserName, now);
            db.Add(e);
        }
        else e.FileAgain(text, today, viewer.UserName, now);
        db.Add(new ExplanationStep(e.Id, ExplanationState.Filed, text, ExplanationRules.IsLate(today, e.LastDay), viewer.UserName, now));
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException)
        {
            // Two filings at once: the unique (campaign, section) decides.
            throw new DomainRuleException("EV-8", "书面说明已提交，待效能办审核。 The explanation was filed and awaits the Office's review.", 409);
        }
        return await DtoAsync(c.Id, r, e, ct);
    }

    /// <summary>EV-8: the Office accepts the explanation filed.</summary>
    public Task<ExplanationDto> AcceptAsync(Guid campaignId, Guid sectionId, ClaimsPrincipal user, CancellationToken ct) =>
        ReviewAsync(campaignId, sectionId, user, null, ct);

    /// <summary>EV-8: the Office sends the explanation back with a reason; the unit files again.</summary>
    public Task<ExplanationDto> SendBackAsync(Guid campaignId, Guid sectionId, SendBackRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reason = request.Reason?.Trim();
        if (string.IsNullOrEmpty(reason)) throw new FieldException("reason", "请写明退回理由。 Give the reason for sending it back.");
        if (reason.Length > ExplanationRules.MaxReason) throw new FieldException("reason", $"退回理由最多 {ExplanationRules.MaxReason} 字。 At most {ExplanationRules.MaxReason} characters.");
        return ReviewAsync(campaignId, sectionId, user, reason, ct);
    }

    private async Task<ExplanationDto> ReviewAsync(Guid campaignId, Guid sectionId, ClaimsPrincipal user, string? sendBackReason, CancellationToken ct)
    {
        var viewer = RectificationViewer.Of(user);
        viewer.RequireOffice("EV-8", "审核书面说明");
        var (c, r) = await OwedAsync(campaignId, sectionId, user, ct);
        var e = await db.Set<ResultExplanation>().FirstOrDefaultAsync(x => x.CampaignId == c.Id && x.SectionId == sectionId, ct)
            ?? throw new DomainRuleException("EV-8", ExplanationRules.RefusalToReview(null)!, 409);
        var now = time.GetUtcNow().UtcDateTime;
        if (sendBackReason is null)
        {
            e.Accept(viewer.UserName, now);
            db.Add(new ExplanationStep(e.Id, ExplanationState.Accepted, "", e.Late, viewer.UserName, now));
        }
        else
        {
            e.SendBack(sendBackReason, viewer.UserName, now);
            db.Add(new ExplanationStep(e.Id, ExplanationState.SentBack, sendBackReason, e.Late, viewer.UserName, now));
        }
        await db.SaveChangesAsync(ct);
        return await DtoAsync(c.Id, r, e, ct);
    }

    /// <summary>
    /// EV-8: the sections owing an explanation in published campaigns (optionally one campaign), with where each stands; a
    /// liaison sees their own unit's only (SEC-2), the Office and leaders every unit's.
    /// </summary>
    public async Task<List<ToExplain>> ListAsync(Guid? campaignId, int? year, ClaimsPrincipal user, CancellationToken ct)
    {
        var viewer = RectificationViewer.Of(user);
        var campaigns = db.Campaigns.AsNoTracking().Where(c => c.Status == CampaignStatus.Published && c.ComputationId != null);
        if (campaignId is { } cid) campaigns = campaigns.Where(c => c.Id == cid);
        if (year is { } y) campaigns = campaigns.Where(c => c.Year == y);
        var results = from c in campaigns
                      join r in db.ScoreResults.AsNoTracking() on c.ComputationId equals r.ComputationId
                      where Consequences.FollowedUp.Contains(r.Consequence)
                      select new { c, r };
        if (!viewer.SeesAll)
        {
            var own = viewer.UnitId ?? Guid.Empty;
            results = results.Where(x => x.r.UnitId == own);
        }
        var rows = await (from x in results
                          join s in db.Sections on x.r.SectionId equals s.Id
                          join u in db.Units on x.r.UnitId equals u.Id
                          join e in db.Set<ResultExplanation>() on new { CampaignId = x.c.Id, x.r.SectionId } equals new { e.CampaignId, e.SectionId } into es
                          from e in es.DefaultIfEmpty()
                          select new
                          {
                              CampaignId = x.c.Id, CampaignName = x.c.Name, x.c.Year, x.r.SectionId, SectionName = s.Name, x.r.UnitId, UnitName = u.Name, x.r.Rank, x.r.Total,
                              x.r.DueOn, State = e == null ? (ExplanationState?)null : e.State, Late = e != null && e.Late, x.r.Consequence,
                          }).OrderBy(x => x.DueOn).ThenBy(x => x.CampaignId).ThenBy(x => x.SectionId).Take(5000).ToListAsync(ct);
        var today = calendar.Today;
        return rows.Select(x => new ToExplain(x.CampaignId, x.CampaignName, x.Year, x.SectionId, x.SectionName, x.UnitId, x.UnitName, x.Rank, x.Total, x.DueOn,
                ExplanationRules.StatusOf(x.State, x.Late, x.DueOn, today), x.Late, x.Consequence))
            .OrderBy(x => x.LastDay).ThenBy(x => x.CampaignName, StringComparer.Ordinal).ThenBy(x => x.UnitName, StringComparer.Ordinal).ThenBy(x => x.SectionName, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The status of every section owing an explanation in one campaign (for the ranking's column), as the user may see them.</summary>
    public async Task<Dictionary<Guid, ExplanationStatus>> StatusesAsync(Guid campaignId, ClaimsPrincipal user, CancellationToken ct) =>
        (await ListAsync(campaignId, null, user, ct)).ToDictionary(x => x.SectionId, x => x.Status);

    /// <summary>EV-9: per unit, the explanations and rectification reports owed by the year's published campaigns and how many were filed (awaiting review or accepted) and accepted.</summary>
    public async Task<Dictionary<Guid, (int Owed, int Filed, int Accepted)>> ForYearAsync(int year, CancellationToken ct)
    {
        var rows = await (from c in db.Campaigns.AsNoTracking().Where(c => c.Year == year && c.Status == CampaignStatus.Published && c.ComputationId != null)
                          join r in db.ScoreResults.AsNoTracking() on c.ComputationId equals r.ComputationId
                          where Consequences.FollowedUp.Contains(r.Consequence)
                          join e in db.Set<ResultExplanation>() on new { CampaignId = c.Id, r.SectionId } equals new { e.CampaignId, e.SectionId } into es
                          from e in es.DefaultIfEmpty()
                          select new { r.UnitId, State = e == null ? (ExplanationState?)null : e.State }).ToListAsync(ct);
        return rows.GroupBy(x => x.UnitId).ToDictionary(g => g.Key, g => (g.Count(),
            g.Count(x => x.State is ExplanationState.Filed or ExplanationState.Accepted), g.Count(x => x.State == ExplanationState.Accepted)));
    }
}

/// <summary>Reminders (EV-8, CAL-2): to the unit 2 working days before the last day of an explanation or rectification report; to the Office once it is overdue and nothing was filed.</summary>
public sealed class ExplanationReminders(CalendarService calendar) : IReminderSource
{
    public const int DaysBefore = 2;

    public async IAsyncEnumerable<Reminder> DueAsync(MingchaDb db, DateOnly today, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var cal = await calendar.GetAsync(ct);
        var horizon = today.AddDays(30);
        var owed = await (from c in db.Campaigns.AsNoTracking().Where(c => c.Status == CampaignStatus.Published && c.ComputationId != null)
                          join r in db.ScoreResults.AsNoTracking() on c.ComputationId equals r.ComputationId
                          where Consequences.FollowedUp.Contains(r.Consequence) && r.DueOn != null && r.DueOn <= horizon
                          join s in db.Sections on r.SectionId equals s.Id
                          join e in db.Set<ResultExplanation>() on new { CampaignId = c.Id, r.SectionId } equals new { e.CampaignId, e.SectionId } into es
                          from e in es.DefaultIfEmpty()
                          where e == null || e.State == ExplanationState.SentBack
                          select new { CampaignId = c.Id, Campaign = c.Name, r.SectionId, Section = s.Name, r.UnitId, r.DueOn, Filed = e != null, r.Consequence })
            .OrderBy(x => x.DueOn).ThenBy(x => x.CampaignId).ThenBy(x => x.SectionId).Take(5000).ToListAsync(ct);
        foreach (var x in owed)
        {
            var lastDay = x.DueOn!.Value;
            var left = cal.WorkingDaysLeftIfKnown(today, lastDay); // null without the year: overdue still counts (CAL-3)
            var link = $"/Scoring/Result/{x.CampaignId}/{x.SectionId}";
            var (what, en) = x.Consequence == ResultConsequence.RectifyAndAccount ? ("整改报告", "rectification report") : ("书面说明", "written explanation");
            if (left is >= 1 and <= DaysBefore)
                yield return new Reminder(null, Roles.UnitLiaison, x.UnitId, "explanation.reminder",
                    $"{what}期限提醒：{x.Campaign} {x.Section} 须于 {lastDay:yyyy-MM-dd} 前提交{what}（剩 {left} 个工作日，EV-8）。 File the {en} of {x.Section} by {lastDay:yyyy-MM-dd} (EV-8).",
                    null, link, $"explanation.reminder:{x.CampaignId}:{x.SectionId}:{today:yyyy-MM-dd}");
            else if (today > lastDay && !x.Filed)
                yield return new Reminder(null, Roles.OfficeStaff, null, "explanation.overdue",
                    $"{what}逾期未交：{x.Campaign} {x.Section}（期限 {lastDay:yyyy-MM-dd}），请催办（EV-8）。 The {en} of {x.Section} is overdue (EV-8).",
                    null, link, $"explanation.overdue:{x.CampaignId}:{x.SectionId}:{today:yyyy-MM-dd}");
        }
    }
}
