using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Inspections;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Inspections;

/// <summary>INS-10: the year's plan and its targets, and the plan view of progress against them.</summary>
public sealed class YearPlans(MingchaDb db, TimeProvider time)
{
    public sealed record PlanDto(Guid Id, int Year, string Title, int TotalVisitsTarget, int VisitsPerWindowUnit, int VisitsPerHall, decimal OutletSharePercent, string? Notes, bool IsDemo);
    public sealed record SavePlan([property: Required, StringLength(200, MinimumLength = 1)] string Title, [property: Required, Range(0, 100000)] int? TotalVisitsTarget,
        [property: Required, Range(0, 100)] int? VisitsPerWindowUnit, [property: Required, Range(0, 100)] int? VisitsPerHall,
        [property: Required, Range(0, 100)] decimal? OutletSharePercent, [property: StringLength(4000)] string? Notes);
    public sealed record ProgressDto(PlanDto Plan, ProgressReport Progress, int RoundsRunning, int VisitsRejected);

    public Task<List<PlanDto>> ListAsync(CancellationToken ct) =>
        db.InspectionYearPlans.AsNoTracking().OrderByDescending(p => p.Year)
            .Select(p => new PlanDto(p.Id, p.Year, p.Title, p.TotalVisitsTarget, p.VisitsPerWindowUnit, p.VisitsPerHall, p.OutletSharePercent, p.Notes, p.IsDemo))
            .ToListAsync(ct);

    public async Task<PlanDto> GetAsync(int year, CancellationToken ct) =>
        await db.InspectionYearPlans.AsNoTracking().Where(p => p.Year == year)
            .Select(p => new PlanDto(p.Id, p.Year, p.Title, p.TotalVisitsTarget, p.VisitsPerWindowUnit, p.VisitsPerHall, p.OutletSharePercent, p.Notes, p.IsDemo))
            .FirstOrDefaultAsync(ct) ?? throw new NotFoundException($"{year} 年没有年度计划。 No plan for {year}.");

    /// <summary>Creates or updates the year's plan (INS-10).</summary>
    public async Task<(PlanDto Plan, bool Created)> SaveAsync(int year, SavePlan r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        Problems.RequireYear(year);
        var plan = await db.InspectionYearPlans.FirstOrDefaultAsync(p => p.Year == year, ct);
        var created = plan is null;
        if (plan is null)
        {
            plan = new InspectionYearPlan(year, r.Title.Trim(), r.TotalVisitsTarget!.Value, r.VisitsPerWindowUnit!.Value, r.VisitsPerHall!.Value, r.OutletSharePercent!.Value,
                by.UserId() ?? "", time.GetUtcNow().UtcDateTime);
            db.InspectionYearPlans.Add(plan);
        }
        else
        {
            plan.Retitle(r.Title.Trim());
            plan.SetTargets(r.TotalVisitsTarget!.Value, r.VisitsPerWindowUnit!.Value, r.VisitsPerHall!.Value, r.OutletSharePercent!.Value);
        }
        plan.Notes = r.Notes;
        await db.SaveChangesAsync(ct);
        return (await GetAsync(year, ct), created);
    }

    public static TargetKind KindOf(SectionKind kind) => kind switch
    {
        SectionKind.Window => TargetKind.Window,
        SectionKind.ServiceHall => TargetKind.Hall,
        SectionKind.TownshipOutlet or SectionKind.StreetOutlet => TargetKind.Outlet,
        _ => TargetKind.Other,
    };

    /// <summary>
    /// INS-10 plan view: the year's accepted visits (INS-19: rejected ones never count) against every target, by kind
    /// of section and by month, with the findings (not dropped) of those visits by month and the open-inspection
    /// coverage of units (INS-4). Reads a few narrow projections served by the indexes of 0006.
    /// </summary>
    public async Task<ProgressDto> ProgressAsync(int year, CancellationToken ct)
    {
        var plan = await GetAsync(year, ct);
        // Aggregates stay in the database: only the year's accepted visits (a few thousand narrow rows) come back.
        var visits = await (from v in db.Visits.AsNoTracking()
                            where v.Year == year && v.Status == VisitStatus.Accepted
                            join s in db.Sections.AsNoTracking() on v.SectionId equals s.Id
                            select new { v.SectionId, SectionKind = s.Kind, v.VisitedOn, v.Kind, v.UnitId })
            .ToListAsync(ct);
        var sectionsByKind = (await db.Sections.AsNoTracking().Where(s => s.Active).GroupBy(s => s.Kind)
                .Select(g => new { Kind = g.Key, Count = g.Count() }).ToListAsync(ct))
            .GroupBy(x => KindOf(x.Kind)).ToDictionary(g => g.Key, g => g.Sum(x => x.Count));

        // Findings (not dropped) of accepted visits by day: counted per visit from the (Year, VisitId, Status) index, then
        // joined to the visits, so only one row per day comes back.
        var perVisit = db.Findings.AsNoTracking().Where(f => f.Year == year && f.Status != FindingStatus.Dropped)
            .GroupBy(f => f.VisitId).Select(g => new { VisitId = g.Key, Count = g.Count() });
        var findingsByDay = await (from x in perVisit
                                   join v in db.Visits.AsNoTracking() on x.VisitId equals v.Id
                                   where v.Status == VisitStatus.Accepted && v.VisitedOn != null
                                   group x.Count by v.VisitedOn into g
                                   select new { Day = g.Key, Count = g.Sum() }).ToListAsync(ct);
        var findingsByMonth = findingsByDay.GroupBy(d => d.Day!.Value.Month).ToDictionary(g => g.Key, g => g.Sum(d => d.Count));

        var counted = visits.Select(v => new CountedVisit(v.SectionId, KindOf(v.SectionKind), v.VisitedOn?.Month ?? 0, v.Kind == InspectionKind.Covert)).ToList();
        var units = await db.Units.AsNoTracking().CountAsync(u => u.Active, ct);
        var openUnits = visits.Where(v => v.Kind == InspectionKind.Open).Select(v => v.UnitId).Distinct().Count();
        var report = PlanProgress.Compute(new YearTargets(plan.TotalVisitsTarget, plan.VisitsPerWindowUnit, plan.VisitsPerHall, plan.OutletSharePercent),
            sectionsByKind, counted, findingsByMonth, units, openUnits);
        var running = await db.InspectionRounds.AsNoTracking().CountAsync(r => r.Year == year && r.Status == RoundStatus.Running, ct);
        var rejected = await db.Visits.AsNoTracking().CountAsync(v => v.Year == year && v.Status == VisitStatus.Rejected, ct);
        return new ProgressDto(plan, report, running, rejected);
    }
}
