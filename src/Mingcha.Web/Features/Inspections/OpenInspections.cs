using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Inspections;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Calendar;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Jobs;

namespace Mingcha.Web.Features.Inspections;

/// <summary>
/// Open inspections (INS-2..INS-4, S3): quarterly self-inspection reports by the units (a quarter without one costs
/// 3 points, item P01, checked daily after the quarter ends), supervisors' spot checks item by item (a missing item
/// or one without evidence costs 1 point, item P02), and reports of listening sessions, document reviews and forums.
/// </summary>
public sealed class OpenInspections(MingchaDb db, TimeProvider time, CalendarService calendar, InspectionSetup setup)
{
    public sealed record SubmitSelfInspection(Guid? UnitId, [property: Range(2000, 2200)] int Year, [property: Range(1, 4)] int Quarter,
        [property: Required, StringLength(8000, MinimumLength = 1)] string Summary, Guid? EvidenceCaseId);
    public sealed record SelfInspectionLine(Guid Id, Guid UnitId, int Year, int Quarter, string Summary, Guid? EvidenceCaseId, DateTime SubmittedAt);
    public sealed record SpotItem([property: Required, StringLength(300, MinimumLength = 1)] string Name, bool Present, Guid? EvidenceItemId, [property: StringLength(2000)] string? Note);
    public sealed record RecordSpotCheck([property: Required] Guid? UnitId, Guid? RoundId, Guid? VisitId, [property: Required, StringLength(200, MinimumLength = 1)] string Title,
        [property: Required] DateOnly? CheckedOn, Guid? EvidenceCaseId, [property: Required, MinLength(1)] IReadOnlyList<SpotItem> Items);
    public sealed record SpotCheckResult(Guid Id, int Items, int Deductions, decimal Points);
    public sealed record RecordSession([property: Required] Guid? UnitId, Guid? RoundId, [property: Required] OpenReportKind? Kind,
        [property: Required, StringLength(200, MinimumLength = 1)] string Title, [property: Required] DateOnly? HeldOn,
        [property: Required, StringLength(8000, MinimumLength = 1)] string Summary, [property: Range(0, 100000)] int? Participants);
    public sealed record SessionLine(Guid Id, Guid UnitId, Guid? RoundId, OpenReportKind Kind, string Title, DateOnly HeldOn, string Summary, int? Participants);
    /// <summary>A deduction; <c>Reversed</c> when the Office reversed its ledger line (it no longer counts, EV-11).</summary>
    public sealed record DeductionLine(Guid Id, Guid UnitId, int Year, string ItemCode, string ItemName, decimal Points, string Reason, string SourceType, Guid? SourceId, DateTime RecordedAt,
        bool Reversed);

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private static bool IsOffice(ClaimsPrincipal u) => u.IsInRole(Roles.OfficeAdmin) || u.IsInRole(Roles.OfficeStaff);

    /// <summary>The unit the caller may act for: a liaison only their own (SEC-2); the Office any.</summary>
    private static Guid UnitFor(ClaimsPrincipal user, Guid? asked)
    {
        if (IsOffice(user))
            return asked ?? throw new FieldException("unitId", "请指定单位。 Name the unit.");
        var own = user.UnitId() ?? throw new DomainRuleException("SEC-2", "账号未绑定单位。 The account is bound to no unit.", 403);
        if (asked is { } a && a != own) throw new DomainRuleException("SEC-2", "只能为本单位报送。 You report for your own unit only.", 403);
        return own;
    }

    /// <summary>INS-3: a unit's self-inspection report for a quarter; one per quarter.</summary>
    public async Task<Guid> SubmitSelfInspectionAsync(SubmitSelfInspection r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        Infrastructure.Problems.Validate(r); // the page calls here without the API's checks: a year 0 was a 500
        var unit = UnitFor(by, r.UnitId);
        if (!await db.Units.AnyAsync(u => u.Id == unit, ct)) throw new FieldException("unitId", "单位不存在。 No such unit.");
        if (OpenInspectionRules.QuarterEnd(r.Year, r.Quarter).AddMonths(-3) >= calendar.Today)
            throw new DomainRuleException("INS-3", "该季度尚未开始。 The quarter has not begun.", 422);
        if (await db.SelfInspectionReports.AnyAsync(x => x.UnitId == unit && x.Year == r.Year && x.Quarter == r.Quarter, ct))
            throw new DomainRuleException("INS-3", "本季度的自查报告已报送。 The quarter's self-inspection report was already submitted.");
        var report = new SelfInspectionReport(unit, r.Year, r.Quarter, r.Summary.Trim(), r.EvidenceCaseId, by.UserId() ?? "", Now);
        db.SelfInspectionReports.Add(report);
        await db.SaveChangesAsync(ct);
        return report.Id;
    }

    public async Task<List<SelfInspectionLine>> SelfInspectionsAsync(int year, Guid? unitId, ClaimsPrincipal by, CancellationToken ct)
    {
        var q = db.SelfInspectionReports.AsNoTracking().Where(x => x.Year == year);
        if (!IsOffice(by) && !by.IsInRole(Roles.Leader)) q = q.Where(x => x.UnitId == (by.UnitId() ?? Guid.Empty));
        if (unitId is { } u) q = q.Where(x => x.UnitId == u);
        return await q.OrderBy(x => x.UnitId).ThenBy(x => x.Quarter).Take(5000)
            .Select(x => new SelfInspectionLine(x.Id, x.UnitId, x.Year, x.Quarter, x.Summary, x.EvidenceCaseId, x.SubmittedAt)).ToListAsync(ct);
    }

    /// <summary>
    /// INS-3: for every quarter that has ended (this year and last), every active unit that existed when the quarter began
    /// and has no report for it loses 3 points (item P01 of that year's catalogue), once.
    /// </summary>
    public async Task<int> ChargeMissingSelfInspectionsAsync(DateOnly today, CancellationToken ct)
    {
        var charged = 0;
        var units = await db.Units.AsNoTracking().Where(u => u.Active).Select(u => new { u.Id, u.CreatedAt }).ToListAsync(ct);
        foreach (var (year, quarter) in OpenInspectionRules.EndedQuarters(today, today.Year - 1))
        {
            var begins = OpenInspectionRules.QuarterEnd(year, quarter).AddMonths(-3).AddDays(1);
            var beginsUtc = TimeZoneInfo.ConvertTimeToUtc(begins.ToDateTime(TimeOnly.MinValue), calendar.TimeZone);
            var eligible = units.Where(u => u.CreatedAt <= beginsUtc).Select(u => u.Id).ToList();
            if (eligible.Count == 0) continue;
            var reported = await db.SelfInspectionReports.AsNoTracking().Where(x => x.Year == year && x.Quarter == quarter).Select(x => x.UnitId).ToListAsync(ct);
            var prefix = $"P01:{year}Q{quarter}:";
            var done = await db.OpenDeductions.AsNoTracking().Where(d => d.SourceKey!.StartsWith(prefix)).Select(d => d.UnitId).ToListAsync(ct);
            var missing = eligible.Except(reported).Except(done).ToList();
            if (missing.Count == 0) continue;
            await setup.EnsureCatalogueAsync(year, "system", ct);
            var item = await db.DeductionItems.FirstOrDefaultAsync(i => i.Year == year && i.Code == "P01" && i.Active, ct);
            if (item is null) continue;
            foreach (var unit in missing)
            {
                Post(new OpenDeduction(unit, year, item, $"{year} 年第 {quarter} 季度未报送效能自查报告。", "SelfInspection", null, prefix + unit, "system", Now));
                charged++;
            }
            await db.SaveChangesAsync(ct);
        }
        return charged;
    }

    /// <summary>
    /// EV-11: an open-inspection deduction is recorded and posted to the deduction ledger in the same save, so scoring
    /// and the ledger pages see it (decision 018). The line points at the deduction, which points at its quarter or check.
    /// </summary>
    private void Post(OpenDeduction d)
    {
        db.OpenDeductions.Add(d);
        db.DeductionLedger.Add(LedgerLine(d, Now));
    }

    private static Rectification.DeductionLedgerLine LedgerLine(OpenDeduction d, DateTime nowUtc)
    {
        var spotCheck = d.SourceType == "SpotCheck";
        return new Rectification.DeductionLedgerLine(d.Year, d.UnitId, null, d.Points,
            spotCheck ? Rectification.LedgerSource.SpotCheck : Rectification.LedgerSource.MissingReport, spotCheck ? "INS-4" : "INS-3",
            $"{d.ItemCode} {d.ItemName}：{d.Reason}", null, null, null, null, d.RecordedBy, nowUtc, d.Id);
    }

    /// <summary>
    /// EV-11: posts the open-inspection deductions the ledger does not hold yet — those recorded before migration 0018
    /// (decision 018). The daily self-inspection job runs it; it finds nothing to do once they are all posted.
    /// </summary>
    public async Task<int> PostUnpostedAsync(CancellationToken ct)
    {
        var unposted = await db.OpenDeductions.Where(d => !db.DeductionLedger.Any(l => l.OpenDeductionId == d.Id))
            .OrderBy(d => d.RecordedAt).ThenBy(d => d.Id).Take(5000).ToListAsync(ct);
        foreach (var d in unposted) db.DeductionLedger.Add(LedgerLine(d, Now));
        await db.SaveChangesAsync(ct);
        return unposted.Count;
    }

    /// <summary>INS-4: a spot check item by item; each missing item or item without evidence costs 1 point (item P02).</summary>
    public async Task<SpotCheckResult> RecordSpotCheckAsync(RecordSpotCheck r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var unit = r.UnitId!.Value;
        var checkedOn = r.CheckedOn!.Value;
        if (!await db.Units.AnyAsync(u => u.Id == unit, ct)) throw new FieldException("unitId", "单位不存在。 No such unit.");
        if (r.Items.Count > 200) throw new FieldException("items", "核查项目过多。 Too many items.");
        var today = calendar.Today;
        if (checkedOn > today) throw new FieldException("checkedOn", "核查日期不能晚于今天。 The check cannot be dated after today.");
        // INS-4: the check belongs to an open-inspection round (named, or through its visit of the unit); its date is in the round.
        Guid? roundId = r.RoundId;
        Guid? visitTeam = null;
        if (r.VisitId is { } visitId)
        {
            var visit = await db.Visits.AsNoTracking().Where(v => v.Id == visitId && v.UnitId == unit && v.Kind == InspectionKind.Open)
                .Select(v => new { v.RoundId, v.TeamId }).FirstOrDefaultAsync(ct)
                ?? throw new FieldException("visitId", "该单位没有这次明查。 No such open inspection of the unit.");
            if (roundId is { } named && named != visit.RoundId) throw new FieldException("roundId", "这次明查不属于该轮次。 The visit is not of that round.");
            roundId = visit.RoundId;
            visitTeam = visit.TeamId;
        }
        var round = roundId is { } rid
            ? await db.InspectionRounds.AsNoTracking().Where(x => x.Id == rid && x.Kind == InspectionKind.Open).Select(x => new { x.Id, x.StartsOn, x.EndsOn }).FirstOrDefaultAsync(ct)
                ?? throw new FieldException("roundId", "明查轮次不存在。 No such open-inspection round.")
            : null;
        if (round is not null && (checkedOn < round.StartsOn || checkedOn > round.EndsOn))
            throw new FieldException("checkedOn", $"核查日期不在明查轮次的期间（{round.StartsOn:yyyy-MM-dd} 至 {round.EndsOn:yyyy-MM-dd}）内。 The check is dated outside its round.");
        if (round is null && checkedOn.Year != today.Year)
            throw new FieldException("checkedOn", "未指定轮次的核查只能记在本年度。 A check without a round is dated in the current year.");
        // ORG-3, INS-4: a supervisor records checks as an approved supervisor, of a unit their team inspects in the round; the Office any.
        if (!IsOffice(by))
        {
            if (round is null) throw new FieldException("roundId", "请指定明查轮次或明查检查。 Name the open-inspection round or visit.");
            var userId = by.UserId() ?? "";
            var approved = await db.Supervisors.AsNoTracking().Where(s => s.UserId == userId && s.Status == Organisation.SupervisorStatus.Approved).Select(s => s.Id).ToListAsync(ct);
            if (approved.Count == 0)
                throw new DomainRuleException("ORG-3", "您的账户未关联已批准的效能监督员，不能记录核查。 Your account is not an approved supervisor's.", 403);
            var teams = await db.TeamMembers.AsNoTracking().Where(m => approved.Contains(m.SupervisorId)).Select(m => m.TeamId).ToListAsync(ct);
            bool covers;
            if (r.VisitId is not null) covers = visitTeam is { } vt && teams.Contains(vt);
            else
            {
                var roundTeams = await db.RoundTeams.AsNoTracking().Where(t => t.RoundId == round.Id).Select(t => t.TeamId).ToListAsync(ct);
                var targetTeams = await db.RoundTargets.AsNoTracking().Where(t => t.RoundId == round.Id && t.UnitId == unit).Select(t => t.TeamId).ToListAsync(ct);
                covers = targetTeams.Any(t => t is { } team ? teams.Contains(team) : roundTeams.Any(teams.Contains));
            }
            if (!covers)
                throw new DomainRuleException("ORG-3", "该单位不是您所在督查组在本轮次的检查对象。 The unit is not one your team inspects in this round.", 403);
        }
        // EVD-3: the check's case and its items' evidence are the checked unit's (a case of another unit, or of nobody,
        // would put another matter's files on this unit's record); with a case named, the items' files are in it.
        if (r.EvidenceCaseId is { } caseId && !await db.EvidenceCases.AnyAsync(c => c.Id == caseId && c.TargetUnitId == unit, ct))
            throw new FieldException("evidenceCaseId", "佐证案卷不存在或不属于该单位。 No such evidence case of the unit.");
        var evidenceIds = r.Items.Select(i => i.EvidenceItemId).OfType<Guid>().Distinct().ToList();
        if (evidenceIds.Count > 0)
        {
            var owned = await (from e in db.EvidenceItems
                               join c in db.EvidenceCases on e.CaseId equals c.Id
                               where evidenceIds.Contains(e.Id) && c.TargetUnitId == unit && (r.EvidenceCaseId == null || c.Id == r.EvidenceCaseId)
                               select e.Id).CountAsync(ct);
            if (owned != evidenceIds.Count)
                throw new FieldException("items", "佐证资料不存在，或不在该单位的佐证案卷中。 An evidence item does not exist or is not in the unit's evidence case.");
        }
        // ORG-5: a supervisor does not check a unit they declared a conflict with, or that recommended them.
        if (!IsOffice(by))
        {
            var userId = by.UserId() ?? "";
            var me = await db.Supervisors.AsNoTracking().Where(s => s.UserId == userId).Select(s => s.Id).ToListAsync(ct);
            await Conflicts.EnsureNoneAsync(db, me.Select(id => new InspectorRef(InspectorKind.Supervisor, id)).ToList(), unit, null, checkedOn, ct);
        }
        var year = checkedOn.Year;
        await setup.EnsureCatalogueAsync(year, by.UserId() ?? "", ct);
        var item = await db.DeductionItems.FirstOrDefaultAsync(i => i.Year == year && i.Code == "P02" && i.Active, ct)
            ?? throw new DomainRuleException("INS-18", $"{year} 年扣分目录中没有明查核查项（P02）。 The {year} catalogue has no item P02.", 422);
        var check = new SpotCheck(unit, roundId, r.VisitId, r.Title.Trim(), checkedOn, r.EvidenceCaseId, by.UserId() ?? "", Now);
        var n = 0;
        foreach (var i in r.Items) check.Items.Add(new SpotCheckItem(check.Id, ++n, i.Name.Trim(), i.Present, i.EvidenceItemId, i.Note));
        db.SpotChecks.Add(check);
        var deductions = 0;
        foreach (var i in check.Items.Where(i => OpenInspectionRules.SpotCheckItemCosts(i.Present, i.EvidenceItemId is null ? 0 : 1)))
        {
            var reason = i.Present ? $"核查项“{i.Name}”缺乏佐证资料。" : $"核查项“{i.Name}”缺项。";
            Post(new OpenDeduction(unit, year, item, reason, "SpotCheck", check.Id, $"P02:{check.Id}:{i.Number}", by.UserId() ?? "", Now));
            deductions++;
        }
        await db.SaveChangesAsync(ct);
        return new SpotCheckResult(check.Id, check.Items.Count, deductions, deductions * item.Points);
    }

    public async Task<Guid> RecordSessionAsync(RecordSession r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (!await db.Units.AnyAsync(u => u.Id == r.UnitId, ct)) throw new FieldException("unitId", "单位不存在。 No such unit.");
        if (r.RoundId is { } round && !await db.InspectionRounds.AnyAsync(x => x.Id == round, ct)) throw new FieldException("roundId", "轮次不存在。 No such round.");
        var s = new OpenSessionReport(r.UnitId!.Value, r.RoundId, r.Kind!.Value, r.Title.Trim(), r.HeldOn!.Value, r.Summary.Trim(), r.Participants, by.UserId() ?? "", Now);
        db.OpenSessionReports.Add(s);
        await db.SaveChangesAsync(ct);
        return s.Id;
    }

    public async Task<List<SessionLine>> SessionsAsync(Guid? unitId, Guid? roundId, CancellationToken ct)
    {
        var q = db.OpenSessionReports.AsNoTracking();
        if (unitId is { } u) q = q.Where(x => x.UnitId == u);
        if (roundId is { } r) q = q.Where(x => x.RoundId == r);
        return await q.OrderByDescending(x => x.HeldOn).ThenBy(x => x.Id).Take(1000)
            .Select(x => new SessionLine(x.Id, x.UnitId, x.RoundId, x.Kind, x.Title, x.HeldOn, x.Summary, x.Participants)).ToListAsync(ct);
    }

    /// <summary>EV-11: the open-inspection lines of the deduction ledger; a liaison sees their own unit's only.</summary>
    public async Task<List<DeductionLine>> DeductionsAsync(int year, Guid? unitId, ClaimsPrincipal by, CancellationToken ct)
    {
        var q = db.OpenDeductions.AsNoTracking().Where(d => d.Year == year);
        if (!IsOffice(by) && !by.IsInRole(Roles.Leader)) q = q.Where(d => d.UnitId == (by.UnitId() ?? Guid.Empty));
        if (unitId is { } u) q = q.Where(d => d.UnitId == u);
        var reversed = ReversedDeductions(db);
        return await q.OrderBy(d => d.RecordedAt).Take(5000)
            .Select(d => new DeductionLine(d.Id, d.UnitId, d.Year, d.ItemCode, d.ItemName, d.Points, d.Reason, d.SourceType, d.SourceId, d.RecordedAt,
                reversed.Contains(d.Id))).ToListAsync(ct);
    }

    /// <summary>RCT-3 / EV-11: the open-inspection deductions whose ledger line was reversed, as a subquery.</summary>
    internal static IQueryable<Guid> ReversedDeductions(MingchaDb db) =>
        db.DeductionLedger.Where(l => l.OpenDeductionId != null && db.DeductionLedger.Any(r => r.ReversesId == l.Id)).Select(l => l.OpenDeductionId!.Value);
}

/// <summary>INS-3: each morning, charge the quarters that ended without a self-inspection report.</summary>
public sealed class SelfInspectionJob() : DailyJob(new TimeOnly(1, 30))
{
    public const string JobName = "self-inspection-quarters";
    public override string Name => JobName;

    public override async Task<string> RunAsync(IServiceProvider services, DateTime occurrenceUtc, CancellationToken ct)
    {
        var calendar = services.GetRequiredService<CalendarService>();
        var open = services.GetRequiredService<OpenInspections>();
        var posted = await open.PostUnpostedAsync(ct);
        var charged = await open.ChargeMissingSelfInspectionsAsync(calendar.RunDate(occurrenceUtc), ct);
        return posted == 0 ? $"{charged} quarters charged" : $"{charged} quarters charged; {posted} earlier deductions posted to the ledger";
    }
}
