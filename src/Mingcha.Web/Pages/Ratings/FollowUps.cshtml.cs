using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Satisfaction;
using Mingcha.Domain.Security;
using Mingcha.Web.Features.Ratings;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Ratings;

/// <summary>
/// SAT-7 follow-up cases of bad ratings: the office sees all, a unit's liaison their own unit's (SEC-2); numbers masked,
/// revealed on request and logged (SEC-4). The unit records each step in order and may appeal a mistaken or malicious
/// rating; the Office decides appeals. The same rules as the API (<see cref="FollowUps"/>) refuse what does not hold.
/// </summary>
[Authorize(Policy = RatingPolicies.FollowUp)]
public sealed class FollowUpsModel(FollowUps followUps, LocalClock clock, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public IReadOnlyList<FollowUps.FollowUpDto> Cases { get; private set; } = [];
    public DateOnly Today { get; private set; }
    public Guid? Highlight { get; private set; }
    public bool ShowAll { get; private set; }

    /// <summary>The Office decides appeals (SAT-7).</summary>
    public bool IsOffice => Has(Roles.OfficeAdmin, Roles.OfficeStaff);

    public async Task OnGetAsync(Guid? id, bool? all, CancellationToken ct) => await LoadAsync(id, all == true, ct);

    private async Task LoadAsync(Guid? id, bool all, CancellationToken ct)
    {
        Today = clock.Today;
        Highlight = id;
        ShowAll = all;
        // The Office's own queue holds the appeals to decide as well.
        var list = await followUps.ListAsync(User, all ? null : IsOffice ? [FollowUpState.Open, FollowUpState.Appealed] : [FollowUpState.Open], ct);
        Cases = list.OrderBy(c => c.State == FollowUpState.Appealed ? 0 : 1).ThenBy(c => c.NextDue ?? DateOnly.MaxValue).ThenBy(c => c.OpenedAt).ToList();
    }

    public Task<IActionResult> OnPostStepAsync(Guid id, FollowUpStep step, string? note, bool reached, CancellationToken ct) =>
        ActAsync(id, "step", () => followUps.CompleteStepAsync(User, id, new FollowUps.StepInput(step, Blank(note), reached), ct), Text["已记录。"], ct);

    public Task<IActionResult> OnPostFailedCallAsync(Guid id, string? note, CancellationToken ct) =>
        ActAsync(id, "failed-call", () => followUps.RecordFailedCallAsync(User, id, new FollowUps.FailedCallInput(Blank(note)), ct), Text["已记录未接通，请稍后再次回访。"], ct);

    public Task<IActionResult> OnPostAppealAsync(Guid id, string? reason, CancellationToken ct) =>
        ActAsync(id, "appeal", () => followUps.AppealAsync(User, id, new FollowUps.AppealInput(Blank(reason) ?? throw new FieldException("reason", Text["请填写申诉理由。"])), ct),
            Text["已提交申诉，等待效能办审核。"], ct);

    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]

    public Task<IActionResult> OnPostDecideAsync(Guid id, bool upheld, string? note, CancellationToken ct) =>
        ActAsync(id, "decide", () => followUps.DecideAppealAsync(User, id, new FollowUps.DecisionInput(upheld, Blank(note)), ct),
            upheld ? Text["申诉成立：评价已剔除（保留并标注）。"] : Text["申诉不成立：案件继续办理。"], ct);

    private async Task<IActionResult> ActAsync(Guid id, string form, Func<Task> command, string done, CancellationToken ct)
    {
        if (await TryAsync($"{form}:{id}", command)) return Done(done, new { id });
        await LoadAsync(id, ShowAll, ct);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
