using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages;

/// <summary>
/// What a browser shows when a page request goes wrong (<see cref="PageRequests"/>): a link that no longer leads anywhere,
/// a record the user may not see, a form sent after its page expired, a refusal or a failure. Reached by re-execution
/// with the status already set, for any method (a failed form post re-executes as a post), so it takes no antiforgery
/// token. A refusal the application explained (a missing record, a broken rule) shows its own message; anything else
/// only the general one, never its details.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    /// <summary>The answer's status; 0 when the page was opened directly (nothing went wrong to report).</summary>
    public int Status { get; private set; }

    /// <summary>The refusal's own message in the page's language, when the application explained it.</summary>
    public string? Detail { get; private set; }

    public void OnGet() => Describe();

    public void OnPost() => Describe();

    private void Describe()
    {
        Status = Response.StatusCode is >= 400 and < 600 ? Response.StatusCode : 0;
        if (HttpContext.Features.Get<IExceptionHandlerFeature>()?.Error is { } error)
            Detail = ProblemExceptionHandler.Describe(error)?.Title is { } title ? UiText.Pick(title) : null;
    }
}
