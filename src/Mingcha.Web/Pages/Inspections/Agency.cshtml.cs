using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Security;
using Mingcha.Web.Features.Inspections;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Inspections;

/// <summary>ORG-4, INS-13: one agency: tender and contracts, inspectors and training, written opinions, yearly assessment and exit.</summary>
[Authorize(Policy = InspectionPolicies.PeopleRead)]
public sealed class AgencyModel(Agencies agencies, LocalClock clock, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty] public string? TenderReference { get; set; }
    [BindProperty] public DateOnly? TenderOn { get; set; }
    [BindProperty] public string? ExpertReview { get; set; }
    [BindProperty] public DateOnly? StartsOn { get; set; }
    [BindProperty] public DateOnly? EndsOn { get; set; }
    [BindProperty] public string? InspectorName { get; set; }
    [BindProperty] public Guid InspectorId { get; set; }
    [BindProperty] public DateOnly? HeldOn { get; set; }
    [BindProperty] public string? Topic { get; set; }
    [BindProperty] public decimal? Hours { get; set; }
    [BindProperty] public AgencyShortfall Subject { get; set; }
    [BindProperty] public string? OpinionText { get; set; }
    [BindProperty] public int AssessYear { get; set; }
    [BindProperty] public AgencyDecision Decision { get; set; } = AgencyDecision.Continue;
    [BindProperty] public string? DecisionNote { get; set; }

    public Agencies.AgencyDetail? Detail { get; private set; }
    public bool CanManage => Has(Roles.OfficeAdmin, Roles.OfficeStaff);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : NotFound();

    public Task<IActionResult> OnPostContractAsync(CancellationToken ct) => RunAsync("contract", () => agencies.AddContractAsync(Id,
        new Agencies.AddContract(TenderReference?.Trim() ?? "", TenderOn, ExpertReview?.Trim() ?? "", StartsOn, EndsOn), User, ct), Text["合同已登记。"], ct);

    public Task<IActionResult> OnPostInspectorAsync(CancellationToken ct) => RunAsync("inspector", () => agencies.AddInspectorAsync(Id,
        new Agencies.AddInspector(InspectorName?.Trim() ?? "", null), ct), Text["暗访员已登记。"], ct);

    public Task<IActionResult> OnPostTrainingAsync(CancellationToken ct) => RunAsync("training", () => agencies.AddTrainingAsync(Id, InspectorId,
        new Agencies.AddTraining(HeldOn, Topic?.Trim() ?? "", Hours, true), User, ct), Text["培训记录已登记。"], ct);

    public Task<IActionResult> OnPostOpinionAsync(CancellationToken ct) => RunAsync("opinion", () => agencies.IssueOpinionAsync(Id,
        new Agencies.IssueOpinion(clock.Today.Year, Subject, OpinionText?.Trim() ?? ""), User, ct), Text["书面整改意见已下达。"], ct);

    public Task<IActionResult> OnPostAssessAsync(CancellationToken ct) => RunAsync("assess", () => agencies.AssessAsync(Id, AssessYear, User, ct), Text["年度考核已计算。"], ct);

    public Task<IActionResult> OnPostDecideAsync(CancellationToken ct) => RunAsync("decide", () => agencies.DecideAsync(Id, AssessYear,
        new Agencies.Decide(Decision, DecisionNote?.Trim() ?? ""), User, ct), Text["考核决定已记录。"], ct);

    private async Task<IActionResult> RunAsync(string form, Func<Task> command, string done, CancellationToken ct)
    {
        if (!CanManage) return Forbid();
        if (await TryAsync(form, command)) return Done(done, new { Id });
        return await LoadAsync(ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        if (AssessYear == 0) AssessYear = clock.Today.Year;
        try { Detail = await agencies.GetAsync(Id, ct); }
        catch (NotFoundException) { return false; }
        return true;
    }
}
