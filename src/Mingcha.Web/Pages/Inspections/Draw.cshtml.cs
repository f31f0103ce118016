using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Mingcha.Web.Features.Inspections;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Inspections;

/// <summary>INS-5: a draw's record (algorithm, seed, input hash, exclusions, result) and its re-run by an auditor or the Office.</summary>
[Authorize(Policy = InspectionPolicies.DrawRead)]
public sealed class DrawModel(Draws draws, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    public Draws.DrawDetail? Detail { get; private set; }
    public Draws.Verification? Check { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        try { Detail = await draws.GetAsync(Id, ct); }
        catch (NotFoundException) { return NotFound(); }
        return Page();
    }

    public async Task<IActionResult> OnPostVerifyAsync(CancellationToken ct)
    {
        try
        {
            Detail = await draws.GetAsync(Id, ct);
            Check = await draws.VerifyAsync(Id, ct);
        }
        catch (NotFoundException) { return NotFound(); }
        return Page();
    }
}
