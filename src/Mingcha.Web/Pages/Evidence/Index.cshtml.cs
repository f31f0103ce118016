using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Evidence;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Evidence;

namespace Mingcha.Web.Pages.Evidence;

/// <summary>The evidence cases the user may see (EVD-3); the office opens new ones here.</summary>
// EVD-3, SEC-1: evidence is the Office's, the visit team's and (once released) the unit's; no other role opens these pages.
[Microsoft.AspNetCore.Authorization.Authorize(Roles = "OfficeAdmin,OfficeStaff,Supervisor,AgencyInspector,UnitLiaison")]
public sealed class IndexModel(MingchaDb db, EvidenceAccessService access, EvidenceCases cases) : PageModel
{
    public IReadOnlyList<EvidenceApi.CaseLine> Cases { get; private set; } = [];
    public bool IsOffice { get; private set; }
    public List<SelectListItem> Units { get; private set; } = [];
    public List<SelectListItem> Teams { get; private set; } = [];

    [BindProperty] public EvidenceCaseKind Kind { get; set; } = EvidenceCaseKind.CovertVisit;
    [BindProperty] public string Title { get; set; } = "";
    [BindProperty] public Guid? TargetUnitId { get; set; }
    [BindProperty] public Guid? TeamId { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!EvidenceAccessService.IsOffice(User)) return Forbid();
        try
        {
            var c = await cases.OpenAsync(new EvidenceCases.OpenCase(Kind, Title, TargetUnitId, TeamId), User, ct);
            return RedirectToPage("Case", new { id = c.Id });
        }
        catch (DomainRuleException e)
        {
            ModelState.AddModelError(nameof(Title), e.Message);
            await LoadAsync(ct);
            return Page();
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        IsOffice = EvidenceAccessService.IsOffice(User);
        Cases = await EvidenceApi.ListCasesAsync(access.VisibleCases(User), db, EvidenceAccessService.UnitView(User), ct);
        if (!IsOffice) return;
        Units = await db.Units.AsNoTracking().Where(u => u.Active).OrderBy(u => u.Code)
            .Select(u => new SelectListItem(u.Name, u.Id.ToString())).ToListAsync(ct);
        Teams = await db.Teams.AsNoTracking().OrderBy(t => t.Name).Select(t => new SelectListItem(t.Name, t.Id.ToString())).ToListAsync(ct);
    }

    public static string KindName(EvidenceCaseKind kind) => kind switch
    {
        EvidenceCaseKind.CovertVisit => "暗访",
        EvidenceCaseKind.OpenInspection => "明查",
        EvidenceCaseKind.Complaint => "投诉",
        EvidenceCaseKind.Rectification => "整改",
        EvidenceCaseKind.Monitoring => "监测",
        _ => "其他",
    };
}
