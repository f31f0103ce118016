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
/// One staff member: details masked (SEC-4) and history (ORG-1), for those who may see their unit's people (SEC-2; anyone
/// else gets 404). Office users rename them or change their employment type, section or position, each a new version.
/// </summary>
[Authorize(Policy = Policies.OrgRead)]
public sealed class StaffModel(MingchaDb db, LocalClock clock, TimeProvider time, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public sealed class EditInput
    {
        public string? Name { get; set; }
        public EmploymentType? Employment { get; set; }
        public Guid? SectionId { get; set; }
        public string? Position { get; set; }
    }

    [BindProperty] public EditInput Edit { get; set; } = new();

    public StaffDto Person { get; private set; } = null!;
    public IReadOnlyList<StaffHistoryDto> History { get; private set; } = [];
    public IReadOnlyDictionary<Guid, string> UnitNames { get; private set; } = new Dictionary<Guid, string>();
    public IReadOnlyDictionary<Guid, string> SectionNames { get; private set; } = new Dictionary<Guid, string>();
    public IReadOnlyList<SectionDto> Sections { get; private set; } = [];
    public bool CanManage => Has(Roles.OfficeAdmin, Roles.OfficeStaff);

    public string UnitName(Guid id) => UnitNames.GetValueOrDefault(id) ?? "";
    public string SectionName(Guid? id) => id is { } g ? SectionNames.GetValueOrDefault(g) ?? "" : "";

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostEditAsync(Guid id, CancellationToken ct)
    {
        if (!CanManage) return Forbid();
        if (await TryAsync("edit", () => UpdateStaffAsync(id, new UpdateStaff(Edit.Name?.Trim(), Edit.Employment, Edit.SectionId,
                ClearSection: Edit.SectionId is null, Position: Edit.Position?.Trim() ?? ""), db, time, ct)))
            return Done(Text["已保存；原来的情况保留在沿革中。"], new { id });
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    /// <summary>离岗 or 返岗 (ORG-1): the person's departure, or return, from now on; the history keeps both.</summary>
    public async Task<IActionResult> OnPostPostAsync(Guid id, bool? active, CancellationToken ct)
    {
        if (!CanManage) return Forbid();
        if (await TryAsync("post", () => active is { } a ? UpdateStaffAsync(id, new UpdateStaff(null, null, null, Active: a), db, time, ct)
                : throw new FieldException("active", Text["请指明离岗还是返岗。"])))
            return Done(active == true ? Text["已登记返岗。"] : Text["已登记离岗：不再列入在岗人员，以往记录仍显示其本人。"], new { id });
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        // SEC-2: someone who may not see the unit's people learns nothing, not even that the person exists.
        if (await GetStaffAsync(db, id, ct) is not { } person || !MaySeeStaff(User, person.UnitId)) return false;
        Person = person;
        History = await StaffHistoryAsync(db, id, ct);
        var units = await ListUnitsAsync(db, clock.Today.Year, null, null, ct);
        UnitNames = units.ToDictionary(u => u.Id, u => u.Name);
        Sections = await ListSectionsAsync(db, person.UnitId, ct);
        var names = Sections.ToDictionary(s => s.Id, s => s.Name);
        // Sections of earlier versions that are in another unit now.
        foreach (var sid in History.Select(h => h.SectionId).OfType<Guid>().Distinct().Where(s => !names.ContainsKey(s)).ToList())
            if (await GetSectionAsync(db, sid, ct) is { } other) names[sid] = other.Name;
        SectionNames = names;
        Demo = units.FirstOrDefault(u => u.Id == person.UnitId)?.IsDemo == true;
        if (ErrorForm != "edit")
        {
            Edit.Name = person.Name;
            Edit.Employment = person.Employment;
            Edit.SectionId = person.SectionId;
            Edit.Position = person.Position;
        }
        return true;
    }
}
