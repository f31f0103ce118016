using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Inspections;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Inspections;

/// <summary>INS-10: the year's plan, its progress by kind of section and by month, and the year's rounds (INS-9).</summary>
[Authorize(Policy = InspectionPolicies.PlanRead)]
public sealed class IndexModel(YearPlans plans, Rounds rounds, MingchaDb db, LocalClock clock, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public sealed class PlanInput
    {
        public string? Title { get; set; }
        public int? TotalVisitsTarget { get; set; }
        public int? VisitsPerWindowUnit { get; set; }
        public int? VisitsPerHall { get; set; }
        public decimal? OutletSharePercent { get; set; }
        public string? Notes { get; set; }
    }

    public sealed class RoundInput
    {
        public Features.Inspections.InspectionKind Kind { get; set; } = Features.Inspections.InspectionKind.Covert;
        public CampaignKind Campaign { get; set; } = CampaignKind.Routine;
        public string? Title { get; set; }
        public string? Scope { get; set; }
        public string? Focus { get; set; }
        public int? PlannedTargets { get; set; }
        public DateOnly? StartsOn { get; set; }
        public DateOnly? EndsOn { get; set; }
        public Guid? AgencyId { get; set; }
        public Guid? TeamId { get; set; }
    }

    [BindProperty(SupportsGet = true)] public int Year { get; set; }
    [BindProperty] public PlanInput Plan { get; set; } = new();
    [BindProperty] public RoundInput NewRound { get; set; } = new();

    public YearPlans.ProgressDto? Progress { get; private set; }
    public IReadOnlyList<Rounds.RoundLine> RoundList { get; private set; } = [];
    public IReadOnlyList<(Guid Id, string Name)> Agencies { get; private set; } = [];
    public IReadOnlyList<(Guid Id, string Name)> Teams { get; private set; } = [];
    public bool CanManage => Has(Roles.OfficeAdmin, Roles.OfficeStaff);

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostPlanAsync(CancellationToken ct)
    {
        if (!CanManage) return Forbid();
        if (await TryAsync("plan", () => plans.SaveAsync(Year, new YearPlans.SavePlan(Plan.Title?.Trim() ?? "", Plan.TotalVisitsTarget, Plan.VisitsPerWindowUnit,
                Plan.VisitsPerHall, Plan.OutletSharePercent, Blank(Plan.Notes)), User, ct)))
            return Done(Text["年度计划已保存。"], new { Year });
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRoundAsync(CancellationToken ct)
    {
        if (!CanManage) return Forbid();
        Guid id = default;
        if (await TryAsync("round", async () => id = await rounds.CreateAsync(new Rounds.CreateRound(Year, NewRound.Kind, NewRound.Campaign, NewRound.Title?.Trim() ?? "",
                NewRound.Scope, NewRound.Focus, NewRound.PlannedTargets, NewRound.StartsOn ?? throw new FieldException("startsOn", Text["请填写开始日期。"]),
                NewRound.EndsOn ?? throw new FieldException("endsOn", Text["请填写结束日期。"]), NewRound.AgencyId,
                NewRound.TeamId is { } t ? [t] : []), User, ct)))
        {
            Message = Text["轮次方案已起草。"];
            return RedirectToPage("Round", new { id });
        }
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        if (!Problems.IsYear(Year)) Year = clock.Today.Year;
        try
        {
            Progress = await plans.ProgressAsync(Year, ct);
            Plan = new PlanInput
            {
                Title = Progress.Plan.Title, TotalVisitsTarget = Progress.Plan.TotalVisitsTarget, VisitsPerWindowUnit = Progress.Plan.VisitsPerWindowUnit,
                VisitsPerHall = Progress.Plan.VisitsPerHall, OutletSharePercent = Progress.Plan.OutletSharePercent, Notes = Progress.Plan.Notes,
            };
            Demo = Progress.Plan.IsDemo;
        }
        catch (NotFoundException)
        {
            Progress = null;
            Plan.Title ??= string.Create(CultureInfo.InvariantCulture, $"{Year} 年度明查暗访工作计划");
            Plan.TotalVisitsTarget ??= 230; Plan.VisitsPerWindowUnit ??= 2; Plan.VisitsPerHall ??= 2; Plan.OutletSharePercent ??= 50;
        }
        RoundList = await rounds.ListAsync(await InspectionViewer.ForAsync(User, db, ct), Year, ct);
        Agencies = (await db.Agencies.AsNoTracking().OrderBy(a => a.Name).Select(a => new { a.Id, a.Name }).ToListAsync(ct)).Select(a => (a.Id, a.Name)).ToList();
        Teams = (await db.Teams.AsNoTracking().OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(ct)).Select(t => (t.Id, t.Name)).ToList();
    }
}
