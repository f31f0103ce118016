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

/// <summary>
/// The categories units are ranked in (ORG-1, S4), each with its history: a renamed category keeps its earlier names, so a
/// past year's ranking can be read with the name of its time. Office users add and rename categories.
/// </summary>
[Authorize(Policy = Policies.OrgRead)]
public sealed class CategoriesModel(MingchaDb db, LocalClock clock, TimeProvider time, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public sealed record Line(CategoryDto Category, IReadOnlyList<CategoryHistoryDto> History);
    public sealed class CreateInput { public string? Code { get; set; } public string? Name { get; set; } }
    public sealed class RenameInput { public Guid? CategoryId { get; set; } public string? Name { get; set; } }

    [BindProperty] public CreateInput NewCategory { get; set; } = new();
    [BindProperty] public RenameInput Rename { get; set; } = new();

    public int Year { get; private set; }
    public IReadOnlyList<Line> Lines { get; private set; } = [];
    public bool CanManage => Has(Roles.OfficeAdmin, Roles.OfficeStaff);

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        if (!CanManage) return Forbid();
        if (await TryAsync("create", () => CreateCategoryAsync(new CreateCategory(NewCategory.Code?.Trim() ?? "", NewCategory.Name?.Trim() ?? ""), db, time, ct)))
            return Done(Text["类别已新增。"]);
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRenameAsync(CancellationToken ct)
    {
        if (!CanManage) return Forbid();
        if (await TryAsync("rename", () => Rename.CategoryId is { } id
                ? RenameCategoryAsync(id, new UpdateCategory(Rename.Name?.Trim() ?? ""), db, time, ct)
                : throw new FieldException("categoryId", Text["请选择类别。"])))
            return Done(Text["类别已更名；原名称保留在沿革中。"]);
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Year = clock.Today.Year;
        var categories = await ListCategoriesAsync(db, Year, ct);
        var lines = new List<Line>();
        foreach (var c in categories) lines.Add(new Line(c, await CategoryHistoryAsync(db, c.Id, ct)));
        Lines = lines;
        Demo = await db.Categories.AnyAsync(c => c.IsDemo, ct);
    }
}
