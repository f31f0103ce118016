using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Mingcha.Web.Features.Ratings;

namespace Mingcha.Web.Pages.Ratings;

/// <summary>SAT-9 review: ratings flagged as possible manipulation, with the rule that fired; confirm (the rating is excluded, kept and marked) or clear.</summary>
[Authorize(Policy = RatingPolicies.Office)]
public sealed class FlagsModel(FollowUps followUps, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public IReadOnlyList<FollowUps.FlagDto> Flags { get; private set; } = [];
    public bool ShowAll { get; private set; }

    public async Task OnGetAsync(bool? all, CancellationToken ct)
    {
        ShowAll = all == true;
        Flags = await followUps.ListFlagsAsync(!ShowAll, ct);
    }

    /// <summary>
    /// Confirms or clears a flag. A refusal (the flag was reviewed meanwhile, by another user or an earlier click) is a
    /// message on the page, with the flags as they are now; never a raw problem document.
    /// </summary>
    public async Task<IActionResult> OnPostReviewAsync(Guid id, bool confirmed, bool? all, CancellationToken ct)
    {
        if (await TryAsync("review:" + id, () => followUps.ReviewFlagAsync(User, id, new FollowUps.FlagReviewInput(confirmed), ct)))
            return Done(confirmed ? Text["已确认为刷评，该评价不计入满意率。"] : Text["已排除嫌疑。"], new { all });
        Response.StatusCode = StatusCodes.Status409Conflict;
        await OnGetAsync(all, ct);
        return Page();
    }
}
