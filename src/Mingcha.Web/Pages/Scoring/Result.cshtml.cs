using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Scoring;
using Mingcha.Domain.Security;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Scoring;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Scoring;

/// <summary>EV-12: a section's total opened up: counts by method and grade, weights and policy, problems and deductions; each count drills down to its evaluations.</summary>
[Authorize(Roles = "OfficeAdmin,OfficeStaff,Leader,UnitLiaison")]
public sealed class ResultModel(CampaignResults results, Evaluations evaluations, ResultExplanations explanations, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    [BindProperty(SupportsGet = true)] public Guid CampaignId { get; set; }
    [BindProperty(SupportsGet = true)] public Guid SectionId { get; set; }
    [BindProperty(SupportsGet = true)] public EvaluationMethod? Method { get; set; }
    [BindProperty(SupportsGet = true)] public Grade? Grade { get; set; }
    public CampaignResults.Explanation Why { get; private set; } = null!;
    public IReadOnlyList<Evaluations.EvaluationLine> Lines { get; private set; } = [];
    public bool IsOffice => Has(Roles.OfficeAdmin, Roles.OfficeStaff);
    /// <summary>EV-8: the written explanation a published bottom-three section owes, with its history; null for any other result.</summary>
    public ResultExplanations.ExplanationDto? Explanation { get; private set; }
    /// <summary>The section's own unit (its liaison) files the explanation.</summary>
    public bool MayFile => Explanation is { State: null or ExplanationState.SentBack } && Has(Roles.UnitLiaison) && User.UnitId() == Why.Result.UnitId;
    public bool MayReview => Explanation is { State: ExplanationState.Filed } && IsOffice;
    [BindProperty] public string? ExplanationText { get; set; }
    [BindProperty] public string? Reason { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        try { Why = await results.ExplainAsync(CampaignId, SectionId, User, ct); }
        catch (NotFoundException) { return NotFound(); }
        catch (DomainRuleException) { return NotFound(); }
        if (Method is not null) Lines = await evaluations.ListAsync(CampaignId, SectionId, Method, Grade, ct);
        if (Consequences.IsFollowedUp(Why.Result.Consequence) && Why.Result.DueOn is not null)
        {
            try { Explanation = await explanations.GetAsync(CampaignId, SectionId, User, ct); }
            catch (DomainRuleException) { Explanation = null; }
        }
        return Page();
    }

    private async Task<IActionResult> Act(Func<Task> command, string done)
    {
        if (await TryAsync("explanation", command)) return Done(Text[done], new { CampaignId, SectionId });
        var form = (ErrorForm, Error);
        var page = await OnGetAsync(HttpContext.RequestAborted);
        (ErrorForm, Error) = form;
        return page;
    }

    [HandlerRoles(Roles.UnitLiaison)]
    public Task<IActionResult> OnPostExplainAsync(CancellationToken ct) =>
        Act(() => explanations.FileAsync(CampaignId, SectionId, new ResultExplanations.FileRequest(ExplanationText ?? ""), User, ct), "已提交，待效能办审核。");

    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]
    public Task<IActionResult> OnPostAcceptAsync(CancellationToken ct) =>
        Act(() => explanations.AcceptAsync(CampaignId, SectionId, User, ct), "已认可。");

    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]
    public Task<IActionResult> OnPostSendBackAsync(CancellationToken ct) =>
        Act(() => explanations.SendBackAsync(CampaignId, SectionId, new ResultExplanations.SendBackRequest(Reason ?? ""), User, ct), "已退回。");
}
