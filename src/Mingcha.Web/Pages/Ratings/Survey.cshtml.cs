using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Satisfaction;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Ratings;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Ratings;

/// <summary>
/// SAT-3 calling list of a quarter's phone survey: numbers masked, revealed on click (logged, SEC-4); each call's outcome
/// recorded here — reached, with the citizen's rating (stored as a rating of channel "phone"), or not reached (call again).
/// </summary>
[Authorize(Policy = RatingPolicies.Office)]
public sealed class SurveyModel(MingchaDb db, PhoneSurveys surveys, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public PhoneSurveys.DrawDto? Draw { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid? id, CancellationToken ct) => await ShowAsync(id, ct);

    private async Task<IActionResult> ShowAsync(Guid? id, CancellationToken ct)
    {
        var drawId = id ?? await db.Set<SurveyDrawRecord>().OrderByDescending(d => d.DrawnAt).Select(d => (Guid?)d.Id).FirstOrDefaultAsync(ct);
        if (drawId is { } d)
        {
            try { Draw = await surveys.GetAsync(d, ct); }
            catch (NotFoundException) { return NotFound(); }
        }
        return Page();
    }

    /// <summary>SAT-3: draws the next candidates of the same draw in place of the people not reached.</summary>
    public async Task<IActionResult> OnPostReplaceAsync(Guid id, CancellationToken ct)
    {
        var before = await db.Set<SurveyCall>().CountAsync(c => c.DrawId == id, ct);
        var after = 0;
        if (await TryAsync("replace", async () => after = (await surveys.ReplaceUnreachedAsync(id, ct)).Calls.Count))
            return Done(Text["已补抽 {0} 人，请继续回访。", after - before], new { id });
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return await ShowAsync(id, ct);
    }

    /// <summary>Records one call: reached with the citizen's level (and comment), or not reached.</summary>
    public async Task<IActionResult> OnPostAnswerAsync(Guid id, Guid callId, bool reached, int? level, RatingScale? scale, string? comment, CancellationToken ct)
    {
        if (await TryAsync($"answer:{callId}", () => surveys.AnswerAsync(callId, new PhoneSurveys.AnswerInput(reached, reached ? level : null, scale, Blank(comment)), ct)))
            return Done(reached ? Text["已记录回访评价。"] : Text["已记录未接通，可再次回访。"], new { id });
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return await ShowAsync(id, ct);
    }
}
