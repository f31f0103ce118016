using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Mingcha.Web.Data;
using Mingcha.Web.Infrastructure;
using Mingcha.Web.Features.Organisation.Import;

namespace Mingcha.Web.Features.Rectification;

/// <summary>
/// EV-11: the deduction ledger per unit and year: lines pointing at the finding, missing report or decision behind them;
/// reversals as negative lines; an XLSX export; the Office's decisions (INS-3 missing reports, INS-6 discretionary points).
/// </summary>
public sealed class Ledger(MingchaDb db, TimeProvider time, LocalClock clock)
{
    public sealed record UnitYear(Guid UnitId, string UnitName, int Year, decimal PointsLost, int Lines, int Reversals);
    public sealed record Decision(
        [property: Required] Guid? UnitId,
        Guid? SectionId,
        [property: Required, Range(Problems.FirstYear, Problems.LastYear)] int? Year,
        [property: Required, Range(0.01, 100)] decimal? Points,
        [property: Required] LedgerSource? Source,
        [property: Required, StringLength(2000, MinimumLength = 1)] string Description);

    internal static IQueryable<NoticeReads.LedgerLineDto> Project(IQueryable<DeductionLedgerLine> q) =>
        q.Select(l => new NoticeReads.LedgerLineDto(l.Id, l.Year, l.UnitId, l.SectionId, l.Points, l.Source, l.Basis, l.Description, l.FindingId, l.NoticeId,
            l.OutcomeId, l.ReversesId, l.At, l.OpenDeductionId));

    private static void EnsureMaySee(RectificationViewer viewer, Guid unitId)
    {
        if (!viewer.MaySee(unitId)) throw new DomainRuleException("SEC-2", "只能查看本单位的扣分台账。 A unit sees only its own ledger.", 404);
    }

    /// <summary>Per unit totals of a year: all units for the Office and leaders; a liaison's own unit only.</summary>
    public async Task<List<UnitYear>> SummaryAsync(ClaimsPrincipal user, int year, CancellationToken ct)
    {
        var viewer = RectificationViewer.Of(user);
        var q = db.DeductionLedger.AsNoTracking().Where(l => l.Year == year);
        if (!viewer.SeesAll) { var u = viewer.UnitId ?? Guid.Empty; q = q.Where(l => l.UnitId == u); }
        // Summed in decimal here: SQLite keeps decimals as text and cannot sum them exactly.
        var rows = (await q.Select(l => new { l.UnitId, l.Points, Reversal = l.ReversesId != null }).ToListAsync(ct))
            .GroupBy(l => l.UnitId).Select(g => new { UnitId = g.Key, Lines = g.Count(), Reversals = g.Count(x => x.Reversal), Points = g.Sum(x => x.Points) }).ToList();
        var ids = rows.Select(r => r.UnitId).ToList();
        var names = await db.Units.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Name, ct);
        return rows.Select(r => new UnitYear(r.UnitId, names.GetValueOrDefault(r.UnitId, ""), year, r.Points, r.Lines, r.Reversals))
            .OrderByDescending(r => r.PointsLost).ThenBy(r => r.UnitName, StringComparer.Ordinal).ToList();
    }
    public async Task<List<NoticeReads.LedgerLineDto>> LinesAsync(ClaimsPrincipal user, Guid unitId, int year, CancellationToken ct)
    {
        EnsureMaySee(RectificationViewer.Of(user), unitId);
        return await Project(db.DeductionLedger.AsNoTracking().Where(l => l.UnitId == unitId && l.Year == year).OrderBy(l => l.At).ThenBy(l => l.Id)).Take(20000).ToListAsync(ct);
    }

    /// <summary>INS-3 / INS-6: a deduction the Office decides (a quarter without a report, obstruction at its discretion).</summary>
    public async Task<Guid> DecideAsync(Decision r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        Problems.Validate(r); // pages call this too: a missing, out-of-range or over-long value is a message there, as in the API
        var viewer = RectificationViewer.Of(by);
        viewer.RequireOffice("EV-11", "记录扣分决定");
        if (r.Source == LedgerSource.Finding)
            throw new FieldException("source", "问题扣分随整改通知书记入台账。 Findings' points enter the ledger with their notice.");
        if (r.Source == LedgerSource.SpotCheck)
            throw new FieldException("source", "明查核查扣分随核查记录记入台账（INS-4）。 Spot-check points enter the ledger with the spot check (INS-4).");
        var unitId = r.UnitId!.Value;
        if (!await db.Units.AnyAsync(u => u.Id == unitId, ct)) throw new FieldException("unitId", "单位不存在。 No such unit.");
        if (r.SectionId is { } s && !await db.Sections.AnyAsync(x => x.Id == s && x.UnitId == unitId, ct))
            throw new FieldException("sectionId", "科室不属于该单位。 The section is not the unit's.");
        var line = new DeductionLedgerLine(r.Year!.Value, unitId, r.SectionId, r.Points!.Value, r.Source!.Value, r.Source == LedgerSource.MissingReport ? "INS-3" : "INS-6",
            r.Description.Trim(), null, null, null, null, viewer.UserId, time.GetUtcNow().UtcDateTime);
        db.DeductionLedger.Add(line);
        await db.SaveChangesAsync(ct);
        return line.Id;
    }

    /// <summary>EV-11: a decision line withdrawn by the Office is reversed by a negative line, never deleted.</summary>
    public async Task<Guid> ReverseAsync(Guid lineId, string reason, ClaimsPrincipal by, CancellationToken ct)
    {
        var viewer = RectificationViewer.Of(by);
        viewer.RequireOffice("EV-11", "冲销台账");
        if (string.IsNullOrWhiteSpace(reason)) throw new FieldException("text", "请写明冲销理由。 Give the reason for the reversal.");
        var line = await db.DeductionLedger.AsNoTracking().FirstOrDefaultAsync(l => l.Id == lineId, ct) ?? throw new NotFoundException("台账行不存在。 No such ledger line.");
        if (line.Source == LedgerSource.Finding)
            throw new DomainRuleException("RCT-3", "问题扣分只能通过异议成立收回通知书冲销。 A finding's points are reversed only by an upheld objection.", 409);
        if (line.ReversesId is not null || await db.DeductionLedger.AnyAsync(l => l.ReversesId == lineId, ct))
            throw new DomainRuleException("EV-11", "该行已冲销或本身是冲销行。 The line is already reversed, or is a reversal.", 409);
        var reversal = new DeductionLedgerLine(line.Year, line.UnitId, line.SectionId, -line.Points, line.Source, line.Basis, Notices.Limit("冲销：" + reason, 2000),
            line.FindingId, line.NoticeId, line.OutcomeId, line.Id, viewer.UserId, time.GetUtcNow().UtcDateTime);
        db.DeductionLedger.Add(reversal);
        await db.SaveChangesAsync(ct);
        return reversal.Id;
    }

    /// <summary>EV-11: the ledger of a unit and year as an XLSX workbook (text cells; totals in the last row).</summary>
    public async Task<(byte[] Bytes, string FileName)> ExportAsync(ClaimsPrincipal user, Guid unitId, int year, CancellationToken ct)
    {
        var lines = await LinesAsync(user, unitId, year, ct);
        var unitName = await db.Units.AsNoTracking().Where(u => u.Id == unitId).Select(u => u.Name).FirstOrDefaultAsync(ct) ?? "";
        using var ms = new MemoryStream();
        using (var w = new OrgWorkbookWriter(ms, ["扣分台账"]))
        {
            w.BeginSheet("扣分台账", [$"时间 ({clock.Zone.Id})", "年度", "单位", "扣分", "来源", "依据", "说明", "问题", "通知书", "冲销行"], [20, 8, 24, 8, 14, 10, 60, 38, 38, 38]);
            foreach (var l in lines)
                w.WriteRow([clock.Format(l.At, "yyyy-MM-dd HH:mm:ss"), year.ToString(CultureInfo.InvariantCulture), unitName,
                    l.Points.ToString("0.##", CultureInfo.InvariantCulture), l.Source.ToString(), l.Basis, l.Description, l.FindingId?.ToString(), l.NoticeId?.ToString(), l.ReversesId?.ToString()]);
            w.WriteNote(["合计 Total", null, unitName, lines.Sum(l => l.Points).ToString("0.##", CultureInfo.InvariantCulture)]);
        }
        return (ms.ToArray(), $"ledger-{year}-{unitId:N}.xlsx");
    }
}

/// <summary>
/// The ledger as the scoring module (issue 8) reads it: points lost by unit in a year (by the year each line is for: a
/// quarter charged in January, or a December finding confirmed in January, counts in its own year), and by unit or
/// section in a period of writing; and each notice's S4 result, with its findings, for the rectification score (EV-6: each finding is a problem).
/// </summary>
public interface IDeductionLedgerQuery
{
    Task<IReadOnlyList<PointsLost>> PointsLostInYearAsync(int year, Guid? unitId, CancellationToken ct);
    Task<IReadOnlyList<PointsLost>> PointsLostAsync(DateTime fromUtc, DateTime toUtc, Guid? unitId, CancellationToken ct);
    Task<IReadOnlyList<PointsLost>> PointsLostBySectionAsync(DateTime fromUtc, DateTime toUtc, Guid? unitId, CancellationToken ct);
    Task<IReadOnlyList<NoticeResult>> RectificationResultsAsync(DateOnly first, DateOnly last, Guid? unitId, CancellationToken ct);
}

public sealed record PointsLost(Guid UnitId, Guid? SectionId, decimal Points, int Lines);
/// <summary>A notice's S4 result and its problems: each finding on it, with the section it was found in (S4 "每起", EV-6).</summary>
public sealed record NoticeResult(Guid NoticeId, Guid UnitId, IReadOnlyList<NoticeProblem> Problems, Mingcha.Domain.Rectification.RectificationResult Result)
{
    public IReadOnlyList<Guid> SectionIds => Problems.Select(p => p.SectionId).Distinct().ToList();
}

/// <summary>One problem of a notice (EV-6): a finding, or a problem found through another channel (decision 021), and its section.</summary>
public sealed record NoticeProblem(Guid FindingId, Guid SectionId);

public sealed class DeductionLedgerQuery(MingchaDb db) : IDeductionLedgerQuery
{
    private async Task<List<DeductionLedgerLine>> InAsync(DateTime fromUtc, DateTime toUtc, Guid? unitId, CancellationToken ct)
    {
        var q = db.DeductionLedger.AsNoTracking().Where(l => l.At >= fromUtc && l.At < toUtc);
        if (unitId is { } u) q = q.Where(l => l.UnitId == u);
        return await q.ToListAsync(ct);
    }

    public async Task<IReadOnlyList<PointsLost>> PointsLostAsync(DateTime fromUtc, DateTime toUtc, Guid? unitId, CancellationToken ct) =>
        ByUnit(await InAsync(fromUtc, toUtc, unitId, ct));

    public async Task<IReadOnlyList<PointsLost>> PointsLostInYearAsync(int year, Guid? unitId, CancellationToken ct)
    {
        var q = db.DeductionLedger.AsNoTracking().Where(l => l.Year == year);
        if (unitId is { } u) q = q.Where(l => l.UnitId == u);
        return ByUnit(await q.ToListAsync(ct));
    }

    // Summed in decimal here: SQLite keeps decimals as text and cannot sum them exactly.
    private static List<PointsLost> ByUnit(List<DeductionLedgerLine> lines) =>
        lines.GroupBy(l => l.UnitId).Select(g => new PointsLost(g.Key, null, g.Sum(l => l.Points), g.Count())).OrderBy(p => p.UnitId).ToList();

    public async Task<IReadOnlyList<PointsLost>> PointsLostBySectionAsync(DateTime fromUtc, DateTime toUtc, Guid? unitId, CancellationToken ct) =>
        (await InAsync(fromUtc, toUtc, unitId, ct)).GroupBy(l => (l.UnitId, l.SectionId))
            .Select(g => new PointsLost(g.Key.UnitId, g.Key.SectionId, g.Sum(l => l.Points), g.Count())).OrderBy(p => p.UnitId).ThenBy(p => p.SectionId).ToList();

    /// <summary>
    /// The notices received from <paramref name="first"/> to <paramref name="last"/> (both included; a notice's year is the
    /// year of that day), each with its S4 result and its problems: a campaign's period (EV-1, decision 024), so that a
    /// quarter's campaign counts the quarter's notices, not the whole year's.
    /// </summary>
    public async Task<IReadOnlyList<NoticeResult>> RectificationResultsAsync(DateOnly first, DateOnly last, Guid? unitId, CancellationToken ct)
    {
        var q = db.RectificationNotices.AsNoTracking().Where(n => n.ReceivedOn >= first && n.ReceivedOn <= last);
        if (unitId is { } u) q = q.Where(n => n.UnitId == u);
        var notices = await q.Select(n => new { n.Id, n.UnitId, n.Status, n.Stage, n.LadderExhausted, n.Returns, n.SupervisedReturns, n.AnsweredLate }).ToListAsync(ct);
        var ids = notices.Select(n => n.Id).ToList();
        var problems = (await db.NoticeFindings.AsNoTracking().Where(nf => ids.Contains(nf.NoticeId))
            .Join(db.Findings, nf => nf.FindingId, f => f.Id, (nf, f) => new { nf.NoticeId, nf.FindingId, f.SectionId }).ToListAsync(ct))
            // EV-6 (decision 021): a problem found through another channel counts as a finding of its notice does.
            .Concat(await db.ChannelProblems.AsNoTracking().Where(p => p.NoticeId != null && ids.Contains(p.NoticeId.Value))
                .Select(p => new { NoticeId = p.NoticeId!.Value, FindingId = p.Id, p.SectionId }).ToListAsync(ct))
            .GroupBy(x => x.NoticeId).ToDictionary(g => g.Key, g => (IReadOnlyList<NoticeProblem>)g.Select(x => new NoticeProblem(x.FindingId, x.SectionId)).OrderBy(x => x.FindingId).ToList());
        return notices.Select(n => new NoticeResult(n.Id, n.UnitId, problems.GetValueOrDefault(n.Id, []),
            Mingcha.Domain.Rectification.RectificationScoring.Classify(n.Status, n.Stage, n.LadderExhausted, n.Returns, n.SupervisedReturns, n.AnsweredLate))).ToList();
    }
}
