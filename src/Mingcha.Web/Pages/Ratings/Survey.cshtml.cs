using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Ratings;

namespace Mingcha.Web.Pages.Ratings;

/// <summary>SAT-3 calling list of a quarter's phone survey: numbers masked, revealed on click (logged, SEC-4).</summary>
[Authorize(Policy = RatingPolicies.Office)]
public sealed class SurveyModel(MingchaDb db, PhoneSurveys surveys) : PageModel
{
    public PhoneSurveys.DrawDto? Draw { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid? id, CancellationToken ct)
    {
        var drawId = id ?? await db.Set<SurveyDrawRecord>().OrderByDescending(d => d.DrawnAt).Select(d => (Guid?)d.Id).FirstOrDefaultAsync(ct);
        if (drawId is { } d)
        {
            try { Draw = await surveys.GetAsync(d, ct); }
            catch (NotFoundException) { return NotFound(); }
        }
        return Page();
    }
}
