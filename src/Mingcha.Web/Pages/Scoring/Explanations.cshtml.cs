using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Security;
using Mingcha.Web.Features.Scoring;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Scoring;

/// <summary>
/// EV-8: the written explanations owed by bottom-three sections of published campaigns: a unit's liaison sees their own
/// sections to explain (SEC-2), the Office and leaders every unit's, each with its last day and where it stands.
/// </summary>
[Authorize(Roles = "OfficeAdmin,OfficeStaff,Leader,UnitLiaison")]
public sealed class ExplanationsModel(ResultExplanations explanations, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    [BindProperty(SupportsGet = true)] public int? Year { get; set; }
    public IReadOnlyList<ResultExplanations.ToExplain> List { get; private set; } = [];
    public bool IsUnit => !Has(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Leader);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!Problems.IsYear(Year)) Year = null;
        List = await explanations.ListAsync(null, Year, User, ct);
        return Page();
    }
}
