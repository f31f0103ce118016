using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
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
public sealed class SurveyModel(MingchaDb db, PhoneSurveys surveys, IOptions<RatingOptions> options, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public PhoneSurveys.DrawDto? Draw { get; private set; }

    /// <summary>Every draw, the latest quarter first: the quarters' calling lists.</summary>
    public IReadOnlyList<PhoneSurveys.DrawSummaryDto> Draws { get; private set; } = [];

    /// <summary>The ended quarters not drawn yet, the latest first: what the draw form offers.</summary>
    public IReadOnlyList<(int Year, int Quarter)> Drawable { get; private set; } = [];

    /// <summary>The quarter's size by default (SAT-3: 100, <c>Mingcha:Ratings:SurveySize</c>).</summary>
    public int SurveySize => options.Value.SurveySize;

    public async Task<IActionResult> OnGetAsync(Guid? id, CancellationToken ct) => await ShowAsync(id, ct);

    /// <summary>Draws the sample again from its stored seed and candidates and says whether it is the list kept (anyone may check it).</summary>
    public async Task<IActionResult> OnGetVerifyAsync(Guid id, CancellationToken ct)
    {
        PhoneSurveys.VerifyDto verify;
        try { verify = await surveys.VerifyAsync(id, ct); }
        catch (NotFoundException) { return NotFound(); }
        Verified = verify.Reproduced;
        return await ShowAsync(id, ct);
    }

    /// <summary>The draw's calling list and outcome as a workbook (.xlsx), numbers masked.</summary>
    public async Task<IActionResult> OnGetXlsxAsync(Guid id, CancellationToken ct)
    {
        try
        {
            var (bytes, name) = await surveys.XlsxAsync(id, ct);
            return File(bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name);
        }
        catch (NotFoundException) { return NotFound(); }
    }

    /// <summary>After <see cref="OnGetVerifyAsync"/>: whether the draw was reproduced.</summary>
    public bool? Verified { get; private set; }

    private async Task<IActionResult> ShowAsync(Guid? id, CancellationToken ct)
    {
        Draws = await surveys.ListAsync(ct);
        Drawable = await surveys.DrawableAsync(ct);
        if ((id ?? (Draws.Count > 0 ? Draws[0].Id : null)) is { } d)
        {
            try { Draw = await surveys.GetAsync(d, ct); }
            catch (NotFoundException) { return NotFound(); }
        }
        return Page();
    }

    /// <summary>SAT-3: draws an ended quarter's sample by hand (the quarter's job draws it on its own otherwise).</summary>
    public async Task<IActionResult> OnPostDrawAsync(string? quarter, int? count, string? seed, CancellationToken ct)
    {
        PhoneSurveys.DrawDto? drawn = null;
        if (await TryAsync("draw", async () =>
            {
                if (quarter?.Split('-') is not [var y, var q] || !int.TryParse(y, out var year) || !int.TryParse(q, out var n))
                    throw new FieldException("quarter", "请选择季度。 Choose the quarter.");
                drawn = await surveys.DrawAsync(new PhoneSurveys.DrawInput(year, n, count, Blank(seed)), User, ct);
            }))
            return Done(Text["已抽取 {0} 年第 {1} 季度的电话回访样本：{2} 人。", drawn!.Year, drawn.Quarter, drawn.Calls.Count], new { id = drawn.Id });
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return await ShowAsync(null, ct);
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
