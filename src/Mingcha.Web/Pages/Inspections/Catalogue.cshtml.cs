using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Security;
using Mingcha.Web.Features.Inspections;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Inspections;

/// <summary>INS-18: the year's deduction catalogue; the Office edits it, findings already recorded keep their item and points.</summary>
[Authorize(Policy = InspectionPolicies.PlanRead)]
public sealed class CatalogueModel(Catalogue catalogue, LocalClock clock, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    [BindProperty(SupportsGet = true)] public int Year { get; set; }
    [BindProperty] public Guid ItemId { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public decimal? Points { get; set; }
    [BindProperty] public bool Active { get; set; } = true;
    public Catalogue.CatalogueDto? Current { get; private set; }
    public bool CanManage => Has(Roles.OfficeAdmin, Roles.OfficeStaff);

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        if (!CanManage) return Forbid();
        if (await TryAsync("create", () => catalogue.GetAsync(Year, true, User, ct))) return Done(Text["扣分项目录已建立。"], new { Year });
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostEditAsync(CancellationToken ct)
    {
        if (!CanManage) return Forbid();
        if (await TryAsync("edit", async () =>
            {
                var item = (await catalogue.GetAsync(Year, false, User, ct)).Items.FirstOrDefault(i => i.Id == ItemId) ?? throw new NotFoundException(Text["扣分项不存在。"]);
                await catalogue.EditAsync(Year, ItemId, new Catalogue.EditItem(Name?.Trim() ?? "", Points, item.Discretionary, item.Basis, Active), ct);
            }))
            return Done(Text["扣分项已修改；已记录的问题保留原扣分。"], new { Year });
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        if (!Problems.IsYear(Year)) Year = clock.Today.Year;
        try { Current = await catalogue.GetAsync(Year, false, User, ct); }
        catch (NotFoundException) { Current = null; }
    }
}
