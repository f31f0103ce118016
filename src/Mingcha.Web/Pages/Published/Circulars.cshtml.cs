using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Mingcha.Web.Features.Rectification;

namespace Mingcha.Web.Pages.Published;

/// <summary>RCT-5, EV-10: circulars the Office published, for everyone.</summary>
[AllowAnonymous]
public sealed class CircularsModel(Outcomes outcomes) : PageModel
{
    public IReadOnlyList<Outcomes.PublicCircular> List { get; private set; } = [];
    public async Task OnGetAsync(CancellationToken ct) => List = await outcomes.PublishedAsync(ct);
}
