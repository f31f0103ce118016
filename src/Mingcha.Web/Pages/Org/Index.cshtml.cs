using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Infrastructure;
using static Mingcha.Web.Features.Organisation.OrganisationApi;

namespace Mingcha.Web.Pages.Org;

/// <summary>The units by category for one evaluation year (ORG-1); a unit liaison's own unit first (SEC-2).</summary>
[Authorize(Policy = Policies.OrgRead)]
public sealed class IndexModel(MingchaDb db, LocalClock clock, TimeProvider time, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public sealed record Group(string Name, IReadOnlyList<UnitDto> Units);

    public sealed class UnitInput
    {
        public string? Code { get; set; }
        public string? Name { get; set; }
        public string? ShortName { get; set; }
        public string? CreditCode { get; set; }
        public Guid? CategoryId { get; set; }
    }

    [BindProperty(SupportsGet = true)] public int? Year { get; set; }
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    /// <summary>Whether closed units (撤销, decision 045) are listed too; a search finds them either way.</summary>
    [BindProperty(SupportsGet = true)] public bool Closed { get; set; }
    [BindProperty] public UnitInput NewUnit { get; set; } = new();

    public int SelectedYear { get; private set; }
    public IReadOnlyList<int> Years { get; private set; } = [];
    public IReadOnlyList<CategoryDto> Categories { get; private set; } = [];
    public UnitDto? OwnUnit { get; private set; }
    public IReadOnlyList<Group> Groups { get; private set; } = [];
    public int UnitCount { get; private set; }
    public int SectionCount { get; private set; }
    /// <summary>The closed units the search matches, listed or not.</summary>
    public int ClosedCount { get; private set; }
    public bool CanManage => Has(Domain.Security.Roles.OfficeAdmin, Domain.Security.Roles.OfficeStaff);

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        if (!CanManage) return Forbid();
        UnitDto? created = null;
        var year = Problems.IsYear(Year) ? Year.Value : clock.Today.Year;
        if (await TryAsync("create", async () => created = await CreateUnitAsync(
                new CreateUnit(NewUnit.Code?.Trim() ?? "", NewUnit.Name?.Trim() ?? "", Blank(NewUnit.ShortName), Blank(NewUnit.CreditCode), null, NewUnit.CategoryId, year), db, time, ct)))
            return RedirectToPage("Unit", new { id = created!.Id });
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var today = clock.Today.Year;
        SelectedYear = Problems.IsYear(Year) ? Year.Value : today;
        Years = (await CategoryYearsAsync(db, ct)).Append(today).Append(SelectedYear).Distinct().Order().ToList();
        Categories = await ListCategoriesAsync(db, SelectedYear, ct);
        var units = await ListUnitsAsync(db, SelectedYear, null, Q?.Trim(), ct);
        ClosedCount = units.Count(u => !u.Active);
        if (!Closed && string.IsNullOrWhiteSpace(Q)) units = units.Where(u => u.Active).ToList(); // after a reform, the abolished ones aside
        UnitCount = units.Count;
        SectionCount = units.Sum(u => u.Sections);
        if (User.UnitId() is { } own)
            OwnUnit = units.FirstOrDefault(u => u.Id == own) ?? (await ListUnitsAsync(db, SelectedYear, null, null, ct, own)).FirstOrDefault();
        var groups = Categories
            .Select(c => new Group(c.Name, units.Where(u => u.CategoryId == c.Id).ToList()))
            .Where(g => g.Units.Count > 0).ToList();
        var uncategorised = units.Where(u => u.CategoryId is null).ToList();
        if (uncategorised.Count > 0) groups.Add(new Group(Text["未分类"], uncategorised));
        Groups = groups;
        Demo = await db.Units.AnyAsync(u => u.IsDemo, ct);
    }
}
