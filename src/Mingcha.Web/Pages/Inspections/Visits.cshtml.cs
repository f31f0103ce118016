using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Localization;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Inspections;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Inspections;

/// <summary>
/// The visits the signed-in person may know of (INS-9, SEC-2, INS-13): all for the Office and leaders, their team's or
/// agency's for inspectors, and for a unit's liaison the unit's open inspections and the covert visits whose findings
/// were sent, with their confirmed findings.
/// </summary>
[Authorize(Policy = InspectionPolicies.VisitRead)]
public sealed class VisitsModel(Visits visits, MingchaDb db, LocalClock clock, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public IReadOnlyList<Visits.VisitLine> VisitList { get; private set; } = [];
    public IReadOnlyList<Visits.FindingLine> Findings { get; private set; } = [];
    public int Year { get; private set; }

    public async Task OnGetAsync(int? year, CancellationToken ct)
    {
        Year = Problems.IsYear(year) ? year.Value : clock.Today.Year;
        var viewer = await InspectionViewer.ForAsync(User, db, ct);
        VisitList = await visits.ListAsync(viewer, Year, null, null, null, ct);
        Findings = await visits.FindingsAsync(viewer, null, Year, ct);
    }
}
