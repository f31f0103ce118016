using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Inspections;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Inspections;

/// <summary>ORG-5: the inspectors' rules and signatures, declared conflicts of interest, recorded breaches and referrals.</summary>
[Authorize(Policy = InspectionPolicies.PeopleRead)]
public sealed class DisciplineModel(Discipline discipline, MingchaDb db, LocalClock clock, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    [BindProperty] public string? Inspector { get; set; }
    [BindProperty] public Guid? UnitId { get; set; }
    [BindProperty] public string? Reason { get; set; }
    [BindProperty] public BreachKind Breach { get; set; }
    [BindProperty] public string? Description { get; set; }
    [BindProperty] public DateOnly? OccurredOn { get; set; }
    [BindProperty] public Guid BreachId { get; set; }
    [BindProperty] public string? ReferredTo { get; set; }

    public Discipline.Overview? View { get; private set; }
    public IReadOnlyList<(Guid Id, string Name)> Units { get; private set; } = [];
    public bool CanManage => Has(Roles.OfficeAdmin, Roles.OfficeStaff);

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public Task<IActionResult> OnPostSignAsync(CancellationToken ct) => RunAsync("sign", () =>
    {
        var (kind, id) = Parse(Inspector);
        return discipline.SignAsync(new Discipline.Sign(kind, id, null), User, ct);
    }, Text["已记录签署。"], ct);

    public Task<IActionResult> OnPostConflictAsync(CancellationToken ct) => RunAsync("conflict", () =>
    {
        var (kind, id) = Parse(Inspector);
        return discipline.DeclareAsync(new Discipline.DeclareConflict(kind, id, UnitId, null, Reason?.Trim() ?? "", clock.Today), User, ct);
    }, Text["利益冲突申报已登记，抽取和指派时自动回避。"], ct);

    public Task<IActionResult> OnPostBreachAsync(CancellationToken ct) => RunAsync("breach", () =>
    {
        var (kind, id) = Parse(Inspector);
        return discipline.RecordBreachAsync(new Discipline.RecordBreach(kind, id, Breach, Description?.Trim() ?? "", OccurredOn ?? clock.Today, null), User, ct);
    }, Text["违纪行为已记录。"], ct);

    public Task<IActionResult> OnPostReferAsync(CancellationToken ct) =>
        RunAsync("refer", () => discipline.ReferAsync(BreachId, new Discipline.Refer(ReferredTo?.Trim() ?? ""), ct), Text["已记录移送。"], ct);

    private static (InspectorKind, Guid) Parse(string? value)
    {
        var parts = (value ?? "").Split(':');
        if (parts.Length != 2 || !Enum.TryParse<InspectorKind>(parts[0], out var kind) || !Guid.TryParse(parts[1], out var id))
            throw new FieldException("inspector", "请选择检查人员。 Choose an inspector.");
        return (kind, id);
    }

    private async Task<IActionResult> RunAsync(string form, Func<Task> command, string done, CancellationToken ct)
    {
        if (!CanManage) return Forbid();
        if (await TryAsync(form, command)) return Done(done);
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        View = await discipline.OverviewAsync(ct);
        Units = await ActiveUnitsAsync(db, ct);
    }
}
