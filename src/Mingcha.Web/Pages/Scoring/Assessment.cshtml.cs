using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Security;
using Mingcha.Web.Features.Scoring;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Scoring;

/// <summary>EV-9, RCT-6, SAT-4: the yearly assessment table, one line (and report) per unit; XLSX and the official report.</summary>
[Authorize(Roles = "OfficeAdmin,OfficeStaff,Leader,UnitLiaison")]
public sealed class AssessmentModel(YearlyAssessment assessment, TimeProvider time, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    [BindProperty(SupportsGet = true)] public int? Year { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? UnitId { get; set; }
    public YearlyAssessment.YearTable Table { get; private set; } = new(0, []);
    public bool IsOffice => Has(Roles.OfficeAdmin, Roles.OfficeStaff);

    public async Task OnGetAsync(CancellationToken ct)
    {
        Year ??= time.GetUtcNow().Year;
        Table = await assessment.ForYearAsync(Year.Value, UnitId, User, ct);
    }

    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]

    public async Task<IActionResult> OnPostIssueAsync(CancellationToken ct)
    {
        Year ??= time.GetUtcNow().Year;
        Mingcha.Web.Features.Documents.IssuedDocument? doc = null;
        if (await TryAsync("issue", async () => doc = await assessment.IssueAsync(Year.Value, UnitId, User, ct)))
            return Done(Text["年度考评报告已印发：{0}", doc!.Number], new { Year, UnitId });
        await OnGetAsync(ct);
        return Page();
    }
}
