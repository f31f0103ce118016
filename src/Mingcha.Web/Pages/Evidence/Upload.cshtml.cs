using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Mingcha.Web.Features.Evidence;

namespace Mingcha.Web.Pages.Evidence;

/// <summary>Hands evidence in with tus-js-client: resumable, with progress, on a phone or a laptop (EVD-4).</summary>
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
