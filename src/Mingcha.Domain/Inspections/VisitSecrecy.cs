namespace Mingcha.Domain.Inspections;

/// <summary>The facts about a visit that decide who may learn of it.</summary>
/// <param name="Covert">A covert visit (暗访) rather than an open inspection.</param>
/// <param name="FindingsSent">The findings were sent to the unit: the visit is no longer secret.</param>
public sealed record VisitFacts(bool Covert, Guid UnitId, Guid? TeamId, Guid? AgencyId, bool FindingsSent);

/// <summary>The facts about the person asking.</summary>
/// <param name="SeesAll">Office administrator, office staff or leader.</param>
/// <param name="TeamIds">The teams the asker is a member of (a supervisor).</param>
/// <param name="AgencyId">The agency the asker inspects for (an agency inspector).</param>
/// <param name="LiaisonUnitId">The unit a unit liaison is bound to.</param>
public sealed record InspectionViewerFacts(bool SeesAll, IReadOnlySet<Guid> TeamIds, Guid? AgencyId, Guid? LiaisonUnitId);

/// <summary>
/// Rules INS-9, SEC-2, EVD-3, INS-13: who may learn that a visit exists. The Office and leaders see every visit; a
/// supervisor the visits of their teams; an agency inspector the visits assigned to their agency; a unit liaison the
/// open inspections of their own unit, and its covert visits only once the findings were sent. Everyone else may not
/// learn that the visit exists (the API answers 404, not 403).
/// </summary>
public static class VisitSecrecy
{
    public static bool MayKnow(InspectionViewerFacts viewer, VisitFacts visit)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(visit);
        if (viewer.SeesAll) return true;
        if (visit.TeamId is { } team && viewer.TeamIds.Contains(team)) return true;
        if (visit.AgencyId is { } agency && viewer.AgencyId == agency) return true;
        if (viewer.LiaisonUnitId is { } unit && unit == visit.UnitId)
            return !visit.Covert || visit.FindingsSent;
        return false;
    }
}
