using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Ratings;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Ratings;

/// <summary>ORG-7: officials seconded to outlets, this month's on-site check (one week a month, working days) and the outlet's targets.</summary>
[Authorize(Policy = RatingPolicies.Office)]
public sealed class SecondmentsModel(MingchaDb db, Secondments secondments, LocalClock clock) : PageModel
{
    public sealed record Row(Guid Id, string Staff, string Outlet, string Title, DateOnly Start, DateOnly End, SecondmentState State, int Extensions,
        int TargetsMet, int TargetsTotal, Secondments.PresenceDto? Presence);

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public DateOnly Today { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Today = clock.Today;
        var list = await db.Set<Secondment>().AsNoTracking()
            .Join(db.Staff, s => s.StaffId, p => p.Id, (s, p) => new { s, Staff = p.Name })
            .Join(db.Sections, x => x.s.OutletSectionId, o => o.Id, (x, o) => new { x.s, x.Staff, Outlet = o.Name })
            .OrderBy(x => x.s.State).ThenBy(x => x.s.End).ToListAsync(ct);
        var ids = list.Select(x => x.s.Id).ToList();
        var targets = await db.Set<SecondmentTarget>().AsNoTracking().Where(t => ids.Contains(t.SecondmentId)).ToListAsync(ct);
        var rows = new List<Row>();
        foreach (var x in list)
        {
            Secondments.PresenceDto? presence = null;
            if (x.s.State == SecondmentState.Active)
            {
                try { presence = await secondments.PresenceAsync(x.s.Id, Today.Year, Today.Month, ct); }
                catch (Domain.Calendar.CalendarYearMissingException) { } // CAL-3: shown as unknown
            }
            var mine = targets.Where(t => t.SecondmentId == x.s.Id).ToList();
            rows.Add(new Row(x.s.Id, x.Staff, x.Outlet, x.s.Title, x.s.Start, x.s.End, x.s.State, x.s.Extensions, mine.Count(t => t.MetOn != null), mine.Count, presence));
        }
        Rows = rows;
    }
}
