using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Mingcha.Domain.Rectification;
using Mingcha.Web.Features.Rectification;

namespace Mingcha.Web.Pages.Rectification;

/// <summary>A unit liaison's one page: the unit's open notices with deadlines and working days left, its history, outcomes and points lost (SEC-2: own unit only).</summary>
[Authorize(Roles = "UnitLiaison")]
public sealed class MineModel(NoticeReads reads, Outcomes outcomes, Ledger ledger, TimeProvider time) : PageModel
{
    public IReadOnlyList<NoticeReads.NoticeLine> Open { get; private set; } = [];
    public IReadOnlyList<NoticeReads.NoticeLine> Closed { get; private set; } = [];
    public IReadOnlyList<Outcomes.OutcomeLine> Outcomes { get; private set; } = [];
    public decimal PointsLost { get; private set; }
    public int Year { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var all = await reads.ListAsync(User, null, null, null, ct);
        Open = all.Where(n => !RectificationRules.IsClosed(n.Status)).OrderBy(n => n.LastDay).ToList();
        Closed = all.Where(n => RectificationRules.IsClosed(n.Status)).ToList();
        Outcomes = await outcomes.ListAsync(User, null, null, ct);
        Year = time.GetUtcNow().Year;
        PointsLost = (await ledger.SummaryAsync(User, Year, ct)).Sum(u => u.PointsLost);
    }
}
