using Microsoft.EntityFrameworkCore;
using Mingcha.Web.Data;

namespace Mingcha.Web.Features.Organisation;

/// <summary>One version of a unit, section or person: what it was called, and (section, person) where it belonged, from <see cref="ValidFrom"/> on.</summary>
public sealed record OrgState(Guid Id, DateTime ValidFrom, string Code, string Name, Guid? UnitId, Guid? SectionId);

/// <summary>
/// ORG-1: the names of a record's unit, section (window) and person at the record's time ("Then") and today ("Now"),
/// as the API answers carry them (<c>unitNameThen</c>, <c>unitNameNow</c>, ...). Null where the record names none.
/// </summary>
public sealed record OrgNames(string? UnitNameThen, string? UnitNameNow, string? SectionNameThen, string? SectionNameNow, string? StaffNameThen, string? StaffNameNow)
{
    public static OrgNames None { get; } = new(null, null, null, null, null, null);
}

/// <summary>
/// ORG-1: the registry as it was when a record was made, for record displays (findings, notices, rankings, complaints,
/// ratings and their follow-up cases, badges and awards). Built for
/// a set of ids with one query per kind (<see cref="LoadAsync"/>), however many records ask; then each record asks for
/// the version in force at its own time (<see cref="SectionAt"/>, <see cref="UnitAt"/>, <see cref="StaffAt"/>) and for
/// today's (<see cref="SectionNow"/>, ...). "In force" is as <c>GET /api/v1/sections/{id}/as-of</c>: the last version
/// that began at or before the time, else the first (a record older than the history shows the earliest state known).
/// Today's state is the last version: every change of code, name or place appends or folds into one (decision 026).
/// </summary>
public sealed class OrgAsOf
{
    private readonly Dictionary<Guid, OrgState[]> sections, units, staff, categories;

    private OrgAsOf(Dictionary<Guid, OrgState[]> sections, Dictionary<Guid, OrgState[]> units, Dictionary<Guid, OrgState[]> staff,
        Dictionary<Guid, OrgState[]> categories)
    { this.sections = sections; this.units = units; this.staff = staff; this.categories = categories; }

    /// <summary>Nothing loaded: every question answers null.</summary>
    public static OrgAsOf Empty { get; } = new([], [], [], []);

    /// <summary>
    /// The history of the given sections, units and people: one query for sections, one for units (those given and the
    /// units the sections belong to today, so <see cref="SectionUnitNow"/> has a name), one for people; none for a kind
    /// with no ids; and one for categories when <paramref name="categoryIds"/> are given.
    /// </summary>
    public static async Task<OrgAsOf> LoadAsync(MingchaDb db, IEnumerable<Guid> sectionIds, IEnumerable<Guid> unitIds, IEnumerable<Guid> staffIds, CancellationToken ct,
        IEnumerable<Guid>? categoryIds = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        var sIds = sectionIds.Distinct().ToList();
        var sections = sIds.Count == 0 ? [] : Group(await db.SectionVersions.AsNoTracking().Where(v => sIds.Contains(v.SectionId))
            .Select(v => new OrgState(v.SectionId, v.ValidFrom, v.Code, v.Name, v.UnitId, null)).ToListAsync(ct));
        var uIds = unitIds.Concat(sections.Values.Select(v => v[^1].UnitId).OfType<Guid>()).Distinct().ToList();
        var units = uIds.Count == 0 ? [] : Group(await db.UnitVersions.AsNoTracking().Where(v => uIds.Contains(v.UnitId))
            .Select(v => new OrgState(v.UnitId, v.ValidFrom, v.Code, v.Name, null, null)).ToListAsync(ct));
        var pIds = staffIds.Distinct().ToList();
        var staff = pIds.Count == 0 ? [] : Group(await db.StaffVersions.AsNoTracking().Where(v => pIds.Contains(v.StaffId))
            .Select(v => new OrgState(v.StaffId, v.ValidFrom, v.Code, v.Name, v.UnitId, v.SectionId)).ToListAsync(ct));
        var kIds = (categoryIds ?? []).Distinct().ToList();
        var categories = kIds.Count == 0 ? [] : Group(await db.CategoryVersions.AsNoTracking().Where(v => kIds.Contains(v.CategoryId))
            .Select(v => new OrgState(v.CategoryId, v.ValidFrom, v.Code, v.Name, null, null)).ToListAsync(ct));
        return new OrgAsOf(sections, units, staff, categories);
    }

    private static Dictionary<Guid, OrgState[]> Group(List<OrgState> rows) =>
        rows.GroupBy(r => r.Id).ToDictionary(g => g.Key, g => g.OrderBy(r => r.ValidFrom).ToArray());

    public OrgState? SectionAt(Guid id, DateTime atUtc) => At(sections, id, atUtc);
    public OrgState? UnitAt(Guid id, DateTime atUtc) => At(units, id, atUtc);
    public OrgState? StaffAt(Guid? id, DateTime atUtc) => id is { } g ? At(staff, g, atUtc) : null;
    public OrgState? CategoryAt(Guid id, DateTime atUtc) => At(categories, id, atUtc);
    public OrgState? SectionNow(Guid id) => Now(sections, id);
    public OrgState? UnitNow(Guid id) => Now(units, id);
    public OrgState? StaffNow(Guid? id) => id is { } g ? Now(staff, g) : null;

    /// <summary>A record's unit, section and person as they were at <paramref name="atUtc"/>, with today's names.</summary>
    public OrgNames NamesAt(DateTime atUtc, Guid? unitId, Guid? sectionId = null, Guid? staffId = null) => new(
        unitId is { } u ? UnitAt(u, atUtc)?.Name : null, unitId is { } un ? UnitNow(un)?.Name : null,
        sectionId is { } s ? SectionAt(s, atUtc)?.Name : null, sectionId is { } sn ? SectionNow(sn)?.Name : null,
        StaffAt(staffId, atUtc)?.Name, StaffNow(staffId)?.Name);

    /// <summary>The unit the section belongs to today (after a move, not the unit of older records).</summary>
    public OrgState? SectionUnitNow(Guid sectionId) => SectionNow(sectionId)?.UnitId is { } u ? UnitNow(u) : null;

    private static OrgState? At(Dictionary<Guid, OrgState[]> map, Guid id, DateTime atUtc)
    {
        if (!map.TryGetValue(id, out var versions)) return null;
        var at = atUtc.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(atUtc, DateTimeKind.Utc) : atUtc.ToUniversalTime();
        OrgState? found = null;
        foreach (var v in versions)
        {
            if (v.ValidFrom > at) break;
            found = v;
        }
        return found ?? versions[0];
    }

    private static OrgState? Now(Dictionary<Guid, OrgState[]> map, Guid id) => map.TryGetValue(id, out var versions) ? versions[^1] : null;
}
