using Microsoft.EntityFrameworkCore;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.Web.Features.Inspections;

/// <summary>
/// Demo inspections for the demo city: the year's plan with S0's targets (230 visits, twice a year for each window
/// unit and hall, half of the township outlets) and one covert round of the quarter the demo is loaded in, decided and
/// running, with its targets among the human resources bureau's township outlets, to be carried out by the demo agency
/// (what the agency's inspectors do next, and what the leaders' overview counts); an open-inspection round of the same
/// quarter, running, of three departments' approval windows for the first supervisors' team, made through
/// <see cref="Rounds"/> as the Office would (targets chosen, conflicts checked, ORG-5); and one problem seen on a hall's
/// video (decision 021). Loaded with the demo organisation only.
/// </summary>
public sealed class InspectionDemoData(MingchaDb db, TimeProvider time, Calendar.CalendarService calendar, Rounds rounds)
{
    /// <summary>The windows the demo's open inspection visits: departments none of the first team's supervisors was recommended by (ORG-5).</summary>
    private static readonly string[] OpenTargets = ["L03-JTJ-S03", "L07-GSJ-S03", "M06-CJJ-S03"];

    public async Task LoadAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var today = calendar.LocalDate(now);
        var year = today.Year;
        var quarter = (today.Month + 2) / 3;
        var quarterStarts = new DateOnly(year, quarter * 3 - 2, 1);
        if (await db.InspectionYearPlans.AnyAsync(p => p.Year == year, ct)) return;
        var hr = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Code == DemoData.HrUnitCode, ct);
        var agency = await DemoData.FirstAgency(db).AsNoTracking().FirstOrDefaultAsync(ct);
        if (hr is null || agency is null) return;

        db.InspectionYearPlans.Add(new InspectionYearPlan(year, $"{year} 年度明查暗访工作计划", 230, 2, 2, 50m, "system", now)
        {
            IsDemo = true,
            Notes = "常态化暗访与专题暗访同步进行（S0）。",
        });

        var round = new InspectionRound(year, InspectionKind.Covert, CampaignKind.Routine, $"{year} 年第{"一二三四"[quarter - 1]}季度乡镇（街道）人社服务站常态化暗访",
            "人力资源和社会保障局所属乡镇（街道）服务站", "工作纪律、在岗状态、服务态度、工作效率及效能八项制度落实情况",
            quarterStarts, quarterStarts.AddMonths(3).AddDays(-1), "system", now) { IsDemo = true };
        round.SetPlannedTargets(4);
        round.AssignAgency(agency.Id);
        round.Decide("system", now);
        round.Start(now);
        db.InspectionRounds.Add(round);

        // The demo's targets are chosen, not drawn: a real round draws them (INS-5) through the API or the round page.
        var outlets = await db.Sections.AsNoTracking()
            .Where(s => s.UnitId == hr.Id && (s.Kind == SectionKind.TownshipOutlet || s.Kind == SectionKind.StreetOutlet))
            .OrderBy(s => s.Code).Select(s => new { s.Id, s.UnitId, s.Name }).ToListAsync(ct);
        foreach (var outlet in outlets.Where((_, i) => i % 5 == 1).Take(4))
        {
            var target = new RoundTarget(round.Id, outlet.Id, outlet.UnitId, TargetSource.Chosen, null, null, agency.Id, now, "演示数据：人工指定的服务网点");
            db.RoundTargets.Add(target);
            var visit = new Visit(round.Id, year, InspectionKind.Covert, outlet.Id, outlet.UnitId, target.Id, null, agency.Id, null, "system", now) { IsDemo = true };
            var @case = new Evidence.EvidenceCase(Mingcha.Domain.Evidence.EvidenceCaseKind.CovertVisit, $"{round.Title} · {outlet.Name}", outlet.UnitId, null, Evidence.EvidenceCase.VisitReference, visit.Id, "system", now);
            db.EvidenceCases.Add(@case);
            visit.AttachEvidenceCase(@case.Id);
            db.Visits.Add(visit);
        }

        // A problem the Office saw on the hall's video (decision 021), waiting on the rectification desk to go on a notice.
        if (outlets.FirstOrDefault() is { } watched)
        {
            var problem = new Rectification.ChannelProblem(watched.UnitId, watched.Id, Rectification.ProblemChannel.VideoMonitoring,
                DateOnly.FromDateTime(now).AddDays(-1), "电子视频监察发现：上午 9:40 至 10:25 窗口无人值守，未放置离岗告示牌。", "system", now);
            var watchedCase = new Evidence.EvidenceCase(Mingcha.Domain.Evidence.EvidenceCaseKind.Monitoring, $"电子视频监察 · {watched.Name}", watched.UnitId, null,
                nameof(Rectification.ChannelProblem), problem.Id, "system", now);
            db.EvidenceCases.Add(watchedCase);
            problem.AttachCase(watchedCase.Id);
            db.ChannelProblems.Add(problem);
        }

        db.SuppressRowAudit = true;
        db.Audit(new AuditEvent("demo.load", "Inspections", round.Id.ToString(), null, "year plan, one covert round and one video e-supervision problem (demo)"));
        await db.SaveChangesAsync(ct);
        db.SuppressRowAudit = false;
        await OpenRoundAsync(year, quarter, quarterStarts, ct);
    }

    private async Task OpenRoundAsync(int year, int quarter, DateOnly starts, CancellationToken ct)
    {
        var team = await DemoData.FirstTeam(db).Select(t => (Guid?)t.Id).FirstOrDefaultAsync(ct);
        var windows = await db.Sections.AsNoTracking().Where(s => OpenTargets.Contains(s.Code) && s.Active).Select(s => s.Id).ToListAsync(ct);
        if (team is null || windows.Count == 0) return;
        var office = Infrastructure.ActingAs.User("system");
        var id = await rounds.CreateAsync(new Rounds.CreateRound(year, InspectionKind.Open, CampaignKind.Routine, $"{year} 年第{"一二三四"[quarter - 1]}季度窗口单位明查",
            "行政执法类、综合管理类部门行政审批科（窗口）", "工作纪律、一次性告知、服务态度、效能八项制度落实情况", windows.Count, starts, starts.AddMonths(3).AddDays(-1),
            null, [team.Value]), office, ct);
        await rounds.ChooseAsync(id, new Rounds.ChooseTargets(windows, team), ct);
        await rounds.DecideAsync(id, office, ct);
        await rounds.StartAsync(id, ct);
        await rounds.CreateVisitsAsync(id, office, ct);
        var round = await db.InspectionRounds.FirstAsync(r => r.Id == id, ct);
        round.IsDemo = true;
        foreach (var visit in await db.Visits.Where(v => v.RoundId == id).ToListAsync(ct)) visit.IsDemo = true;
        await db.SaveChangesAsync(ct);
    }
}

/// <summary>Registers the inspections module.</summary>
public static class InspectionsRegistration
{
    public static IServiceCollection AddInspections(this IServiceCollection services)
    {
        services.AddScoped<InspectionSetup>();
        services.AddScoped<InspectionDemoData>();
        services.AddSingleton<DemoOpenVisit>();
        services.AddScoped<YearPlans>();
        services.AddScoped<Rounds>();
        services.AddScoped<Draws>();
        services.AddScoped<Visits>();
        services.AddScoped<Catalogue>();
        services.AddScoped<Agencies>();
        services.AddScoped<Discipline>();
        services.Configure<Microsoft.AspNetCore.Authorization.AuthorizationOptions>(InspectionPolicies.Add);
        return services;
    }
}
