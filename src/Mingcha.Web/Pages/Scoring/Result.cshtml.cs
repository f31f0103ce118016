using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Scoring;
using Mingcha.Domain.Security;
using Mingcha.Web.Features.Scoring;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Scoring;

/// <summary>EV-12: a section's total opened up: counts by method and grade, weights and policy, problems and deductions; each count drills down to its evaluations.</summary>
[Authorize(Roles = "OfficeAdmin,OfficeStaff,Leader,UnitLiaison")]
public sealed class ResultModel(CampaignResults results, Evaluations evaluations, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    [BindProperty(SupportsGet = true)] public Guid CampaignId { get; set; }
    [BindProperty(SupportsGet = true)] public Guid SectionId { get; set; }
    [BindProperty(SupportsGet = true)] public EvaluationMethod? Method { get; set; }
    [BindProperty(SupportsGet = true)] public Grade? Grade { get; set; }
    public CampaignResults.Explanation Why { get; private set; } = null!;
    public IReadOnlyList<Evaluations.EvaluationLine> Lines { get; private set; } = [];
    public bool IsOffice => Has(Roles.OfficeAdmin, Roles.OfficeStaff);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        try { Why = await results.ExplainAsync(CampaignId, SectionId, User, ct); }
        catch (NotFoundException) { return NotFound(); }
        catch (DomainRuleException) { return NotFound(); }
        if (Method is not null) Lines = await evaluations.ListAsync(CampaignId, SectionId, Method, Grade, ct);
        return Page();
    }
}
