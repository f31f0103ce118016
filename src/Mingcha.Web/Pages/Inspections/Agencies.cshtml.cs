using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Inspections;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Inspections;

/// <summary>ORG-4: the third-party agencies, with their inspectors and latest assessment.</summary>
[Authorize(Policy = InspectionPolicies.PeopleRead)]
public sealed class AgenciesModel(MingchaDb db, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public sealed record Line(Guid Id, string Name, DateOnly ContractStart, DateOnly ContractEnd, int Inspectors, decimal? LastScore, AgencyDecision? LastDecision);
    public IReadOnlyList<Line> Lines { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Lines = await db.Agencies.AsNoTracking().OrderBy(a => a.Name)
            .Select(a => new Line(a.Id, a.Name, a.ContractStart, a.ContractEnd, db.AgencyInspectors.Count(i => i.AgencyId == a.Id && i.Active),
                db.AgencyAssessments.Where(x => x.AgencyId == a.Id).OrderByDescending(x => x.Year).Select(x => (decimal?)x.Score).FirstOrDefault(),
                db.AgencyAssessments.Where(x => x.AgencyId == a.Id).OrderByDescending(x => x.Year).Select(x => (AgencyDecision?)x.Decision).FirstOrDefault()))
            .ToListAsync(ct);
        Demo = await db.Agencies.AnyAsync(a => a.IsDemo, ct);
    }
}
