using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Mingcha.Web.Features.Ratings;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Ratings;

/// <summary>SAT-7 follow-up cases of bad ratings: the office sees all, a unit's liaison their own unit's (SEC-2); numbers masked (SEC-4).</summary>
[Authorize(Policy = RatingPolicies.FollowUp)]
public sealed class FollowUpsModel(FollowUps followUps, LocalClock clock) : PageModel
{
    public IReadOnlyList<FollowUps.FollowUpDto> Cases { get; private set; } = [];
    public DateOnly Today { get; private set; }
    public Guid? Highlight { get; private set; }

    public async Task OnGetAsync(Guid? id, bool? all, CancellationToken ct)
    {
        Today = clock.Today;
        Highlight = id;
        var list = await followUps.ListAsync(User, all == true ? null : "Open", ct);
        Cases = list.OrderBy(c => c.NextDue ?? DateOnly.MaxValue).ThenBy(c => c.OpenedAt).ToList();
    }
}
