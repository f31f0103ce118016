using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Mingcha.Web.Features.Evidence;

namespace Mingcha.Web.Pages.Evidence;

/// <summary>Hands evidence in with tus-js-client: resumable, with progress, on a phone or a laptop (EVD-4).</summary>
// EVD-3, SEC-1: evidence is the Office's, the visit team's and (once released) the unit's; no other role opens these pages.
[Microsoft.AspNetCore.Authorization.Authorize(Roles = "OfficeAdmin,OfficeStaff,Supervisor,AgencyInspector,UnitLiaison")]
public sealed class UploadModel(EvidenceAccessService access, IOptions<EvidenceOptions> options) : PageModel
{
    public EvidenceCase Case { get; private set; } = null!;
    public long MaxBytes => options.Value.MaxUploadBytes;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        try
        {
            Case = await access.RequireUploadAsync(id, User, ct);
            return Page();
        }
        catch (NotFoundException) { return NotFound(); }
        catch (DomainRuleException) { return Forbid(); }
    }
}
