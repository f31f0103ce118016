using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Infrastructure;
using static Mingcha.Web.Features.Organisation.OrganisationApi;

namespace Mingcha.Web.Pages.Org;

/// <summary>
/// Supervisors (ORG-3), teams and third-party agencies (ORG-4). Who they are is kept from the inspected units
/// (INS-9 secrecy), so only the office roles and the leader open this page.
/// </summary>
[Authorize(Policy = Policies.OrgPeopleRead)]
public sealed class PeopleModel(MingchaDb db, LocalClock clock, TimeProvider time, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public sealed class SupervisorInput { public string? Code { get; set; } public string? Name { get; set; } public string? Phone { get; set; } public Guid? RecommendedByUnitId { get; set; } }
    public sealed class TeamInput { public string? Name { get; set; } public string? Task { get; set; } public List<Guid> Members { get; set; } = []; public Guid? LeaderId { get; set; } }
    public sealed class AgencyInput { public string? Name { get; set; } public string? CreditCode { get; set; } public DateOnly? ContractStart { get; set; } public DateOnly? ContractEnd { get; set; } }

    [BindProperty] public SupervisorInput NewSupervisor { get; set; } = new();
    [BindProperty] public TeamInput NewTeam { get; set; } = new();
    [BindProperty] public AgencyInput NewAgency { get; set; } = new();

    public IReadOnlyList<SupervisorDto> Supervisors { get; private set; } = [];
    public IReadOnlyList<TeamDto> Teams { get; private set; } = [];
    public IReadOnlyList<AgencyDto> Agencies { get; private set; } = [];
    public IReadOnlyList<UnitDto> Units { get; private set; } = [];
    public DateOnly Today { get; private set; }
    public bool CanManage => Has(Roles.OfficeAdmin, Roles.OfficeStaff);
    public bool CanApprove => Has(Roles.OfficeAdmin);

    public string SupervisorName(Guid? id) => Supervisors.FirstOrDefault(s => s.Id == id)?.Name ?? "";
    public string UnitName(Guid? id) => Units.FirstOrDefault(u => u.Id == id)?.Name ?? "";

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostApproveAsync(Guid supervisorId, CancellationToken ct)
    {
        if (!CanApprove) return Forbid();
        if (await TryAsync("approve", () => ApproveSupervisorAsync(supervisorId, db, time, ct))) return Done(Text["监督员已批准。"]);
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>ORG-3: the Office administrator links an approved supervisor to the account they sign in with (audited).</summary>
    public async Task<IActionResult> OnPostLinkAccountAsync(Guid supervisorId, string? userName, CancellationToken ct)
    {
        if (!CanApprove) return Forbid();
        if (await TryAsync("approve", () => LinkSupervisorAccountAsync(supervisorId, new LinkSupervisorAccount(userName ?? ""), db, ct)))
            return Done(string.IsNullOrWhiteSpace(userName) ? Text["监督员的账户关联已解除。"] : Text["监督员已关联账户。"]);
        await LoadAsync(ct);
        return Page();
    }

    public Task<IActionResult> OnPostSupervisorAsync(CancellationToken ct) =>
        RunAsync("supervisor", () => CreateSupervisorAsync(new CreateSupervisor(NewSupervisor.Code?.Trim() ?? "", NewSupervisor.Name?.Trim() ?? "",
            Blank(NewSupervisor.Phone), NewSupervisor.RecommendedByUnitId), db, ct), Text["监督员已登记，待效能办管理员批准。"], ct);

    public Task<IActionResult> OnPostTeamAsync(CancellationToken ct) =>
        RunAsync("team", () => CreateTeamAsync(new CreateTeam(NewTeam.Name?.Trim() ?? "", Blank(NewTeam.Task), NewTeam.Members,
            NewTeam.LeaderId ?? throw new FieldException("leaderId", Text["请选择组长。"])), db, time, ct), Text["督查组已组建。"], ct);

    public Task<IActionResult> OnPostAgencyAsync(CancellationToken ct) =>
        RunAsync("agency", () => CreateAgencyAsync(new CreateAgency(NewAgency.Name?.Trim() ?? "", Blank(NewAgency.CreditCode),
            NewAgency.ContractStart ?? throw new FieldException("contractStart", Text["请填写合同开始日期。"]),
            NewAgency.ContractEnd ?? throw new FieldException("contractEnd", Text["请填写合同结束日期。"])), db, ct), Text["第三方机构已登记。"], ct);

    private async Task<IActionResult> RunAsync(string form, Func<Task> command, string done, CancellationToken ct)
    {
        if (!CanManage) return Forbid();
        if (await TryAsync(form, command)) return Done(done);
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Today = clock.Today;
        Supervisors = await ListSupervisorsAsync(db, ct);
        Teams = await ListTeamsAsync(db, ct);
        Agencies = await ListAgenciesAsync(db, ct);
        Units = await ListUnitsAsync(db, Today.Year, null, null, ct);
        Demo = await db.Supervisors.AnyAsync(s => s.IsDemo, ct);
    }
}
