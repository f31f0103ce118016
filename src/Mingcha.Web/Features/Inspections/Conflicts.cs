using Microsoft.EntityFrameworkCore;
using Mingcha.Web.Data;

namespace Mingcha.Web.Features.Inspections;

/// <summary>An inspector: a supervisor or an agency inspector.</summary>
public readonly record struct InspectorRef(InspectorKind Kind, Guid Id);

/// <summary>
/// ORG-5: an inspector must not inspect a unit (or section) they declared a conflict of interest with. Used by the
/// draw (exclusions), by target choice and by the assignment of people to rounds and visits.
/// </summary>
public static class Conflicts
{
    /// <summary>The people who would carry out the work: the agency's active inspectors and the members of the teams.</summary>
    public static async Task<IReadOnlyList<InspectorRef>> PeopleOfAsync(MingchaDb db, Guid? agencyId, IEnumerable<Guid> teamIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var list = new List<InspectorRef>();
        if (agencyId is { } a)
            list.AddRange((await db.AgencyInspectors.AsNoTracking().Where(i => i.AgencyId == a && i.Active).Select(i => i.Id).ToListAsync(ct))
                .Select(id => new InspectorRef(InspectorKind.AgencyInspector, id)));
        var teams = teamIds.Distinct().ToList();
        if (teams.Count > 0)
            list.AddRange((await db.TeamMembers.AsNoTracking().Where(m => teams.Contains(m.TeamId)).Select(m => m.SupervisorId).Distinct().ToListAsync(ct))
                .Select(id => new InspectorRef(InspectorKind.Supervisor, id)));
        return list;
    }

    public static Task<IReadOnlyList<InspectorRef>> PeopleOfAsync(MingchaDb db, Guid? agencyId, Guid? teamId, CancellationToken ct) =>
        PeopleOfAsync(db, agencyId, teamId is { } t ? [t] : [], ct);

    /// <summary>
    /// The conflicts in force on any day from <paramref name="first"/> to <paramref name="last"/> of any of
    /// <paramref name="people"/>: those declared, and for each supervisor the unit that recommended them (S1 art. 3
    /// "由市直相关部门考察推荐"): a supervisor is usually one of its staff, and a team member sees the team's planned visits,
    /// so that unit must never be the team's target (INS-9, ORG-5). A round's draw and targets are checked against its
    /// whole period: a conflict declared after the round began still bars the people from the visits they would make then.
    /// </summary>
    public static async Task<List<ConflictOfInterest>> InForceAsync(MingchaDb db, IReadOnlyList<InspectorRef> people, DateOnly first, DateOnly last, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(people);
        if (people.Count == 0) return [];
        var ids = people.Select(p => p.Id).Distinct().ToList();
        var rows = await db.ConflictsOfInterest.AsNoTracking().Where(c => ids.Contains(c.InspectorId)).ToListAsync(ct);
        var set = people.ToHashSet();
        var list = rows.Where(c => set.Contains(new InspectorRef(c.InspectorKind, c.InspectorId)) && c.InForceDuring(first, last)).ToList();
        var supervisors = people.Where(p => p.Kind == InspectorKind.Supervisor).Select(p => p.Id).Distinct().ToList();
        if (supervisors.Count > 0)
        {
            var recommended = await db.Supervisors.AsNoTracking().Where(s => supervisors.Contains(s.Id) && s.RecommendedByUnitId != null)
                .Select(s => new { s.Id, Unit = s.RecommendedByUnitId!.Value }).ToListAsync(ct);
            list.AddRange(recommended.Select(r => new ConflictOfInterest(InspectorKind.Supervisor, r.Id, r.Unit, null,
                "推荐该监督员的单位（INS-9）。 The unit that recommended the supervisor.", DateOnly.MinValue, "system", DateTime.MinValue)));
        }
        return list;
    }

    /// <summary>Refuses (ORG-5) when one of the people declared a conflict with the unit or the section.</summary>
    public static Task EnsureNoneAsync(MingchaDb db, IReadOnlyList<InspectorRef> people, Guid unitId, Guid? sectionId, DateOnly day, CancellationToken ct) =>
        EnsureNoneAsync(db, people, unitId, sectionId, day, day, ct);

    /// <summary>Refuses (ORG-5) when one of the people has a conflict with the unit or the section on any day of the period.</summary>
    public static async Task EnsureNoneAsync(MingchaDb db, IReadOnlyList<InspectorRef> people, Guid unitId, Guid? sectionId, DateOnly first, DateOnly last, CancellationToken ct)
    {
        var conflicts = await InForceAsync(db, people, first, last, ct);
        if (conflicts.Any(c => c.UnitId == unitId && (c.SectionId is null || c.SectionId == sectionId)))
            throw new DomainRuleException("ORG-5", "实施人员中有人申报了与该单位的利益冲突，或由该单位推荐，不得检查该单位。 One of the inspectors declared a conflict of interest with this unit, or was recommended by it, and may not inspect it.", 422);
    }
}
