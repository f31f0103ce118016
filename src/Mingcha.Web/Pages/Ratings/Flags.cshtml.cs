using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Mingcha.Web.Features.Ratings;

namespace Mingcha.Web.Pages.Ratings;

/// <summary>SAT-9 review: ratings flagged as possible manipulation, with the rule that fired; confirm (the rating is excluded, kept and marked) or clear.</summary>
[Authorize(Policy = RatingPolicies.Office)]
public sealed class FlagsModel(FollowUps followUps) : PageModel
{
    public IReadOnlyList<FollowUps.FlagDto> Flags { get; private set; } = [];
    public bool ShowAll { get; private set; }

    public async Task OnGetAsync(bool? all, CancellationToken ct)
    {
        ShowAll = all == true;
        Flags = await followUps.ListFlagsAsync(!ShowAll, ct);
    }

    public async Task<IActionResult> OnPostReviewAsync(Guid id, bool confirmed, CancellationToken ct)
    {
        try { await followUps.ReviewFlagAsync(User, id, new FollowUps.FlagReviewInput(confirmed), ct); }
        catch (NotFoundException) { return NotFound(); }
        return RedirectToPage();
    }
}
