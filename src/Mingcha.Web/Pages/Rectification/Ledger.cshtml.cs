using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Rectification;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Rectification;

/// <summary>EV-11: the deduction ledger per unit and year, with its lines and the XLSX export; the Office records decisions.</summary>
[Authorize(Roles = "OfficeAdmin,OfficeStaff,Leader,UnitLiaison")]
public sealed class LedgerModel(Ledger ledger, MingchaDb db, TimeProvider time, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    [BindProperty(SupportsGet = true)] public int? Year { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? UnitId { get; set; }
    public IReadOnlyList<Ledger.UnitYear> Summary { get; private set; } = [];
    public IReadOnlyList<NoticeReads.LedgerLineDto> Lines { get; private set; } = [];
    public IReadOnlyList<(Guid Id, string Name)> Units { get; private set; } = [];
    public bool IsOffice => Has(Roles.OfficeAdmin, Roles.OfficeStaff);

    [BindProperty] public decimal Points { get; set; } = 1;
    [BindProperty] public LedgerSource Source { get; set; } = LedgerSource.Decision;
    [BindProperty] public string? Description { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Year ??= time.GetUtcNow().Year;
        if (User.IsInRole(Roles.UnitLiaison) && !Has(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Leader)) UnitId = User.UnitId();
        Summary = await ledger.SummaryAsync(User, Year.Value, ct);
        if (UnitId is { } u)
        {
            try { Lines = await ledger.LinesAsync(User, u, Year.Value, ct); }
            catch (DomainRuleException) { UnitId = null; }
        }
        if (IsOffice)
            Units = (await db.Units.AsNoTracking().OrderBy(x => x.Code).Take(2000).Select(x => new { x.Id, x.Name }).ToListAsync(ct)).Select(x => (x.Id, x.Name)).ToList();
    }

    /// <summary>The lines a reversal may still be written for: not a finding's (RCT-3 reverses those), not reversed, not a reversal.</summary>
    public bool MayReverse(NoticeReads.LedgerLineDto line) =>
        IsOffice && line.Source != LedgerSource.Finding && line.ReversesId is null && !Lines.Any(x => x.ReversesId == line.Id);

    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]

    public async Task<IActionResult> OnPostReverseAsync(Guid lineId, string? reason, CancellationToken ct)
    {
        Year ??= time.GetUtcNow().Year;
        if (await TryAsync("reverse", () => ledger.ReverseAsync(lineId, reason?.Trim() ?? "", User, ct)))
            return Done(Text["已冲销。"], new { Year, UnitId });
        await OnGetAsync(ct);
        return Page();
    }

    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]

    public async Task<IActionResult> OnPostDecideAsync(CancellationToken ct)
    {
        Year ??= time.GetUtcNow().Year;
        if (await TryAsync("decide", () => ledger.DecideAsync(new Ledger.Decision(UnitId, null, Year, Points, Source, Description ?? ""), User, ct)))
            return Done(Text["扣分决定已记入台账。"], new { Year, UnitId });
        await OnGetAsync(ct);
        return Page();
    }
}
