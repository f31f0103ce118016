using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Mingcha.Web.Features.Inspections;

namespace Mingcha.Web.Pages.Inspections;

/// <summary>
/// The eight-step covert-visit protocol on the inspector's phone (INS-11, INS-20): one step at a time, each saved to
/// the JSON API as it goes (queued on the device while the connection is lost), evidence handed in with tus.
/// The visit's existence stays hidden from anyone who may not know of it (404, INS-9).
/// </summary>
[Authorize(Policy = VisitPolicies.Work)]
public sealed class VisitModel(VisitProtocolFlow flow) : PageModel
{
    public VisitProtocolFlow.ProtocolView Protocol { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        try
        {
            Protocol = await flow.ViewAsync(id, User, ct);
            return Page();
        }
        catch (NotFoundException) { return NotFound(); }
        catch (DomainRuleException e) when (e.StatusCode == 403) { return Forbid(); }
    }
}
