using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Infrastructure;
using static Mingcha.Web.Features.Organisation.OrganisationApi;

namespace Mingcha.Web.Pages.Org;

/// <summary>
/// One unit: details, history (ORG-1), category per year, sections as a tree, and staff masked (SEC-4) for those
/// who may see them (SEC-2). Office users rename or move the unit, set its category, add sections and staff.
/// </summary>
[Authorize(Policy = Policies.OrgRead)]
public sealed class UnitModel(MingchaDb db, LocalClock clock, TimeProvider time, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public sealed class RenameInput { public string? Name { get; set; } }
    public sealed class MoveInput { public Guid? ParentUnitId { get; set; } }
    public sealed class CategoryInput { public int? Year { get; set; } public Guid? CategoryId { get; set; } }
    public sealed class SectionInput
    {
        public string? Code { get; set; }
        public string? Name { get; set; }
        public SectionKind? Kind { get; set; }
        public Guid? ParentSectionId { get; set; }
        public string? Address { get; set; }
    }
    public sealed class StaffInput
    {
        public Guid? SectionId { get; set; }
        public string? Code { get; set; }
        public string? Name { get; set; }
        public EmploymentType? Employment { get; set; }
        public string? Position { get; set; }
        public string? Phone { get; set; }
        public string? IdNumber { get; set; }
    }

    [BindProperty] public RenameInput Rename { get; set; } = new();
    [BindProperty] public MoveInput Move { get; set; } = new();
    [BindProperty] public CategoryInput Category { get; set; } = new();
    [BindProperty] public SectionInput NewSection { get; set; } = new();
    [BindProperty] public StaffInput NewStaff { get; set; } = new();

    public UnitDto Unit { get; private set; } = null!;
    public IReadOnlyDictionary<Guid, string> UnitNames { get; private set; } = new Dictionary<Guid, string>();
    public IReadOnlyList<UnitDto> AllUnits { get; private set; } = [];
    public IReadOnlyList<UnitHistoryDto> History { get; private set; } = [];
    public IReadOnlyList<UnitCategoryDto> CategoryYears { get; private set; } = [];
    public IReadOnlyList<CategoryDto> Categories { get; private set; } = [];
    public IReadOnlyList<SectionDto> Sections { get; private set; } = [];
    public ILookup<Guid?, SectionDto> Children { get; private set; } = Array.Empty<SectionDto>().ToLookup(s => s.ParentSectionId);
    public IReadOnlyList<SectionDto> Roots { get; private set; } = [];
    public IReadOnlyList<StaffDto>? Staff { get; private set; }
    public int Year { get; private set; }
    public bool CanManage => Has(Roles.OfficeAdmin, Roles.OfficeStaff);
    public bool IsOwnUnit { get; private set; }

    public string UnitName(Guid? id) => id is { } g && UnitNames.TryGetValue(g, out var n) ? n : "";
    public string SectionName(Guid? id) => id is { } g ? Sections.FirstOrDefault(s => s.Id == g)?.Name ?? "" : "";

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public Task<IActionResult> OnPostRenameAsync(Guid id, CancellationToken ct) =>
        RunAsync(id, "rename", () => UpdateUnitAsync(id, new UpdateUnit(Rename.Name?.Trim(), null), db, time, ct), Text["单位已更名。"], ct);

    public Task<IActionResult> OnPostMoveAsync(Guid id, CancellationToken ct) =>
        RunAsync(id, "move", () => UpdateUnitAsync(id, new UpdateUnit(null, Move.ParentUnitId, MoveToTop: Move.ParentUnitId is null), db, time, ct), Text["隶属关系已调整。"], ct);

    /// <summary>撤销 or 恢复 (ORG-1): a version of the unit's history; refused, with what is still open, while anything of it is.</summary>
    public Task<IActionResult> OnPostStateAsync(Guid id, bool? active, CancellationToken ct) =>
        RunAsync(id, "state", () => active is { } a ? UpdateUnitAsync(id, new UpdateUnit(null, null, Active: a), db, time, ct)
            : throw new FieldException("active", Text["请指明撤销还是恢复。"]), active == true ? Text["已恢复使用。"] : Text["已撤销：名录和以往记录中仍保留。"], ct);

    public Task<IActionResult> OnPostCategoryAsync(Guid id, CancellationToken ct) =>
        RunAsync(id, "category", () => Category.CategoryId is { } c
            ? AssignCategoryAsync(id, new AssignCategory(Category.Year ?? clock.Today.Year, c), db, ct)
            : throw new FieldException("categoryId", Text["请选择类别。"]), Text["年度类别已保存。"], ct);

    public Task<IActionResult> OnPostSectionAsync(Guid id, CancellationToken ct) =>
        RunAsync(id, "section", () => CreateSectionAsync(new CreateSection(id, NewSection.Code?.Trim() ?? "", NewSection.Name?.Trim() ?? "",
            NewSection.Kind ?? SectionKind.InternalSection, NewSection.ParentSectionId, Blank(NewSection.Address)), db, time, ct), Text["科室已新增。"], ct);

    public Task<IActionResult> OnPostStaffAsync(Guid id, CancellationToken ct) =>
        RunAsync(id, "staff", () => CreateStaffAsync(new CreateStaff(id, NewStaff.SectionId, NewStaff.Code?.Trim() ?? "", NewStaff.Name?.Trim() ?? "",
            NewStaff.Employment ?? EmploymentType.InService, Blank(NewStaff.Position), Blank(NewStaff.Phone), Blank(NewStaff.IdNumber)), db, time, clock.Today, ct), Text["工作人员已新增。"], ct);

    private async Task<IActionResult> RunAsync(Guid id, string form, Func<Task> command, string done, CancellationToken ct)
    {
        if (!CanManage) return Forbid();
        if (await TryAsync(form, command)) return Done(done, new { id });
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        Year = clock.Today.Year;
        AllUnits = await ListUnitsAsync(db, Year, null, null, ct);
        var unit = AllUnits.FirstOrDefault(u => u.Id == id);
        if (unit is null) return false;
        Unit = unit;
        UnitNames = AllUnits.ToDictionary(u => u.Id, u => u.Name);
        History = await UnitHistoryAsync(db, id, ct);
        CategoryYears = await UnitCategoriesAsync(db, id, ct);
        Categories = await ListCategoriesAsync(db, Year, ct);
        Sections = await ListSectionsAsync(db, id, ct);
        var ids = Sections.Select(s => s.Id).ToHashSet();
        Children = Sections.Where(s => s.ParentSectionId is { } p && ids.Contains(p)).ToLookup(s => s.ParentSectionId);
        Roots = Sections.Where(s => s.ParentSectionId is not { } p || !ids.Contains(p)).ToList();
        IsOwnUnit = User.UnitId() == id;
        // SEC-2: the staff list only for those who may see this unit's people.
        Staff = MaySeeStaff(User, id) ? await ListStaffAsync(db, id, ct) : null;
        Demo = unit.IsDemo;
        if (Rename.Name is null) Rename.Name = unit.Name;
        if (Move.ParentUnitId is null && ErrorForm != "move") Move.ParentUnitId = unit.ParentUnitId;
        Category.Year ??= Year;
        return true;
    }
}
