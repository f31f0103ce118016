using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Scoring;
using Mingcha.Web.Features.Scoring;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Scoring;

/// <summary>EV-2: a monitoring point's instant or monthly form on a phone.</summary>
[Authorize(Roles = "OfficeAdmin,OfficeStaff,MonitoringPoint")]
public sealed class FormModel(Campaigns campaigns, Evaluations evaluations, TimeProvider time, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    [BindProperty(SupportsGet = true)] public Guid? CampaignId { get; set; }
    public IReadOnlyList<Campaigns.CampaignDto> Open { get; private set; } = [];
    public IReadOnlyList<Campaigns.CampaignSectionDto> Sections { get; private set; } = [];
    [BindProperty] public Guid? SectionId { get; set; }
    [BindProperty] public EvaluationMethod Method { get; set; } = EvaluationMethod.Instant;
    [BindProperty] public Grade? Grade { get; set; }
    [BindProperty] public DateOnly? On { get; set; }
    [BindProperty] public string? Note { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Open = (await campaigns.ListAsync(time.GetUtcNow().Year, ct)).Where(c => c.Status == CampaignStatus.Open).ToList();
        CampaignId ??= Open.Count > 0 ? Open[0].Id : null;
        if (CampaignId is { } id) Sections = await campaigns.SectionsAsync(id, User, ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await TryAsync("form", () => evaluations.FileAsync(CampaignId ?? Guid.Empty, new Evaluations.FileEvaluation(SectionId, Method, Grade, On, Note), User, ct)))
            return Done(Text["测评表已提交。"], new { CampaignId });
        await OnGetAsync(ct);
        return Page();
    }
}
