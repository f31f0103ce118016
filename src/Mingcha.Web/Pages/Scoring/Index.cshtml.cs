using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Security;
using Mingcha.Web.Features.Scoring;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Scoring;

/// <summary>EV-1: the evaluation campaigns; the Office sets up a new one with S4's defaults.</summary>
[Authorize(Roles = "OfficeAdmin,OfficeStaff,Leader,UnitLiaison,MonitoringPoint,EvaluationRep")]
public sealed class IndexModel(Campaigns campaigns, TimeProvider time, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    [BindProperty(SupportsGet = true)] public int? Year { get; set; }
    public IReadOnlyList<Campaigns.CampaignDto> List { get; private set; } = [];
    public bool IsOffice => Has(Roles.OfficeAdmin, Roles.OfficeStaff);

    [BindProperty] public string? Name { get; set; }
    [BindProperty] public DateOnly? From { get; set; }
    [BindProperty] public DateOnly? To { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Year ??= time.GetUtcNow().Year;
        List = await campaigns.ListAsync(Year, ct);
    }

    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        Year ??= time.GetUtcNow().Year;
        Campaigns.CampaignDto? created = null;
        if (await TryAsync("create", async () =>
            {
                Problems.RequireYear(Year); // before the year's default period is made from it (a year 10000 has none)
                created = await campaigns.CreateAsync(new Campaigns.CampaignRequest(Year, Name ?? "", From ?? new DateOnly(Year.Value, 1, 1),
                    To ?? new DateOnly(Year.Value, 12, 31), null, null), User, ct);
            }))
            return RedirectToPage("/Scoring/Campaign", new { id = created!.Id });
        await OnGetAsync(ct);
        return Page();
    }
}
