using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Mingcha.Domain.Security;
using Mingcha.Web.Features.Evidence;

namespace Mingcha.Web.Pages.Evidence;

/// <summary>The auditor's check (EVD-5): re-hash every stored file, re-compute the evidence chain, check the audit log.</summary>
[Authorize(Roles = Roles.Auditor + "," + Roles.OfficeAdmin)]
public sealed class VerifyModel(EvidenceVerifier verifier) : PageModel
{
    public EvidenceVerificationReport? Report { get; private set; }

    public void OnGet() { }

    public async Task OnPostAsync(CancellationToken ct) => Report = await verifier.VerifyAsync(ct);
}
