using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Infrastructure;
using static Mingcha.Web.Features.Organisation.OrganisationApi;

namespace Mingcha.Web.Pages.Org;

/// <summary>One section, window or outlet: details, history (ORG-1), its service items (ORG-6) and staff (SEC-2, SEC-4).</summary>
[Authorize(Policy = Policies.OrgRead)]
public sealed class SectionModel(MingchaDb db, LocalClock clock, TimeProvider time, IStringLocalizer<SharedResource> l)
    : MingchaPageModel(l)
{
    public sealed record ItemLine(SectionItemDto Link, int? StatutoryDays, int? PromisedDays);
    public sealed class RenameInput { public string? Name { get; set; } }
    public sealed class MoveInput { public Guid? UnitId { get; set; } }
    public sealed class ItemInput { public Guid? ServiceItemId { get; set; } public bool Mandatory { get; set; } }
    public sealed class RatingInput { public Mingcha.Domain.Satisfaction.RatingScale? Scale { get; set; } public bool SignedCaseOnly { get; set; } }

    [BindProperty] public RenameInput Rename { get; set; } = new();
    [BindProperty] public MoveInput Move { get; set; } = new();
    [BindProperty] public ItemInput Item { get; set; } = new();
    [BindProperty] public RatingInput Rating { get; set; } = new();
    /// <summary>The public rating page's settings (SAT-1, decision 032); null for a role that does not see the unit's ratings.</summary>
    public Features.Ratings.RatingPoints.SettingsDto? RatingSettings { get; private set; }

    public SectionDto Section { get; private set; } = null!;
    public SectionDto? Parent { get; private set; }
    public IReadOnlyList<SectionDto> Children { get; private set; } = [];
    public IReadOnlyList<SectionHistoryDto> History { get; private set; } = [];
    public IReadOnlyList<ItemLine> Items { get; private set; } = [];
    public IReadOnlyList<ServiceItemDto> Catalogue { get; private set; } = [];
    public IReadOnlyList<UnitDto> Units { get; private set; } = [];
    public IReadOnlyList<StaffDto>? Staff { get; private set; }
    /// <summary>What a move takes along (decision 026).</summary>
    public MoveScopeDto Scope { get; private set; } = new(0, 0);
    public bool CanManage => Has(Roles.OfficeAdmin, Roles.OfficeStaff);

    public string UnitName(Guid id) => Units.FirstOrDefault(u => u.Id == id)?.Name ?? "";

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public Task<IActionResult> OnPostRenameAsync(Guid id, CancellationToken ct) =>
        RunAsync(id, "rename", () => UpdateSectionAsync(id, new UpdateSection(Rename.Name?.Trim(), null), db, time, ct), Text["名称已更新。"], ct);

    public Task<IActionResult> OnPostMoveAsync(Guid id, CancellationToken ct) =>
        RunAsync(id, "move", () => Move.UnitId is { } unit
            ? UpdateSectionAsync(id, new UpdateSection(null, unit), db, time, ct)
            : throw new FieldException("unitId", Text["请选择单位。"]), Text["已划转到新单位。"], ct);

    /// <summary>撤销 or 恢复 (ORG-1): a version of the section's history; refused, with what is still open, while anything under it is.</summary>
    public Task<IActionResult> OnPostStateAsync(Guid id, bool? active, CancellationToken ct) =>
        RunAsync(id, "state", () => UpdateSectionAsync(id, new UpdateSection(null, null, active ?? throw new FieldException("active", Text["请指明撤销还是恢复。"])), db, time, ct),
            active == true ? Text["已恢复使用。"] : Text["已撤销：名录和以往记录中仍保留。"], ct);

    public Task<IActionResult> OnPostItemAsync(Guid id, CancellationToken ct) =>
        RunAsync(id, "item", () => Item.ServiceItemId is { } item
            ? SetSectionItemAsync(id, new SetSectionItem(item, Item.Mandatory), db, ct)
            : throw new FieldException("serviceItemId", Text["请选择服务事项。"]), Text["服务事项已保存。"], ct);

    // SAT-1, SAT-8: the scale of the window's QR page and whether a case number needs the receipt's signed link (the Office).
    public Task<IActionResult> OnPostRatingAsync(Guid id, CancellationToken ct) =>
        RunAsync(id, "rating", () => Features.Ratings.RatingPoints.SetAsync(id, new(Rating.Scale, Rating.SignedCaseOnly), db, User, time, ct), Text["评价设置已保存。"], ct);

    private async Task<IActionResult> RunAsync(Guid id, string form, Func<Task> command, string done, CancellationToken ct)
    {
        if (!CanManage) return Forbid();
        if (await TryAsync(form, command)) return Done(done, new { id });
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var section = await GetSectionAsync(db, id, ct);
        if (section is null) return false;
        Section = section;
        var siblings = await ListSectionsAsync(db, section.UnitId, ct);
        Parent = siblings.FirstOrDefault(s => s.Id == section.ParentSectionId);
        Children = siblings.Where(s => s.ParentSectionId == id).ToList();
        History = await SectionHistoryAsync(db, id, ct);
        Units = await ListUnitsAsync(db, clock.Today.Year, null, null, ct);
        Catalogue = await ListServiceItemsAsync(db, ct);
        var days = Catalogue.ToDictionary(i => i.Id);
        Items = (await SectionItemsAsync(db, id, ct))
            .Select(x => new ItemLine(x, days.GetValueOrDefault(x.ServiceItemId)?.StatutoryDays, days.GetValueOrDefault(x.ServiceItemId)?.PromisedDays)).ToList();
        // SEC-2: staff only for the office, the leader and this unit's liaison.
        Staff = MaySeeStaff(User, section.UnitId) ? await ListStaffAsync(db, section.UnitId, ct, id) : null;
        if (CanManage) Scope = await MoveScopeAsync(db, id, ct);
        if (Has(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Leader) || (Has(Roles.UnitLiaison) && User.UnitId() == section.UnitId))
            RatingSettings = await Features.Ratings.RatingPoints.ForAsync(db, id, ct);
        Rating.Scale ??= RatingSettings?.Scale;
        if (RatingSettings is not null && !ErrorFor("rating")) Rating.SignedCaseOnly = RatingSettings.SignedCaseOnly;
        Demo = Units.FirstOrDefault(u => u.Id == section.UnitId)?.IsDemo == true;
        Rename.Name ??= section.Name;
        Move.UnitId ??= section.UnitId;
        return true;
    }
}
