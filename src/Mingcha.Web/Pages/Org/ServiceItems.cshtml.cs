using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Infrastructure;
using static Mingcha.Web.Features.Organisation.OrganisationApi;

namespace Mingcha.Web.Pages.Org;

/// <summary>The catalogue of service items (ORG-6) with statutory and promised time limits in working days (INS-14).</summary>
[Authorize(Policy = Policies.OrgRead)]
public sealed class ServiceItemsModel(MingchaDb db, LocalClock clock, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public sealed class ItemInput
    {
        public string? Code { get; set; }
        public string? Name { get; set; }
        public Guid? UnitId { get; set; }
        public int? StatutoryDays { get; set; }
        public int? PromisedDays { get; set; }
    }

    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty] public ItemInput NewItem { get; set; } = new();

    public IReadOnlyList<ServiceItemDto> Items { get; private set; } = [];
    public int Total { get; private set; }
    public IReadOnlyList<UnitDto> Units { get; private set; } = [];
    public bool CanManage => Has(Roles.OfficeAdmin, Roles.OfficeStaff);

    public string UnitName(Guid? id) => Units.FirstOrDefault(u => u.Id == id)?.Name ?? "";

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!CanManage) return Forbid();
        if (await TryAsync("item", () => CreateServiceItemAsync(new CreateServiceItem(NewItem.Code?.Trim() ?? "", NewItem.Name?.Trim() ?? "",
                NewItem.UnitId, NewItem.StatutoryDays, NewItem.PromisedDays), db, ct)))
            return Done(Text["服务事项已新增。"]);
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var all = await ListServiceItemsAsync(db, ct);
        Total = all.Count;
        Units = await ListUnitsAsync(db, clock.Today.Year, null, null, ct);
        var q = Q?.Trim();
        Items = string.IsNullOrEmpty(q)
            ? all
            : all.Where(i => i.Code.Contains(q, StringComparison.OrdinalIgnoreCase) || i.Name.Contains(q, StringComparison.OrdinalIgnoreCase)
                || UnitName(i.UnitId).Contains(q, StringComparison.Ordinal)).ToList();
        Demo = await db.ServiceItems.AnyAsync(i => i.IsDemo, ct);
    }
}
