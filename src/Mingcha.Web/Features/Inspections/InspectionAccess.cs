using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Inspections;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;

namespace Mingcha.Web.Features.Inspections;

/// <summary>Who may call the inspection endpoints (SEC-1); which records they then see is <see cref="InspectionViewer"/>'s business.</summary>
public static class InspectionPolicies
{
    /// <summary>The Office plans, draws, assigns and sends.</summary>
    public const string Manage = "Inspections.Manage";
    /// <summary>Year plans and their progress: the Office and leaders.</summary>
    public const string PlanRead = "Inspections.PlanRead";
    /// <summary>Rounds: the Office, leaders, and the inspectors carrying them out (scoped). Never a unit's users (INS-9).</summary>
    public const string RoundRead = "Inspections.RoundRead";
    /// <summary>Draws: the Office, leaders and the auditor, who re-runs them (INS-5).</summary>
    public const string DrawRead = "Inspections.DrawRead";
    /// <summary>Visits and findings: also unit liaisons, scoped to what their unit may know (INS-9, SEC-2).</summary>
    public const string VisitRead = "Inspections.VisitRead";
    /// <summary>Agencies and inspector discipline: the Office and leaders.</summary>
    public const string PeopleRead = "Inspections.PeopleRead";

    public static void Add(AuthorizationOptions o)
    {
        o.AddPolicy(Manage, p => p.RequireRole(Roles.OfficeAdmin, Roles.OfficeStaff));
        o.AddPolicy(PlanRead, p => p.RequireRole(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Leader));
        o.AddPolicy(RoundRead, p => p.RequireRole(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Leader, Roles.Supervisor, Roles.AgencyInspector));
        o.AddPolicy(DrawRead, p => p.RequireRole(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Leader, Roles.Auditor));
        o.AddPolicy(VisitRead, p => p.RequireRole(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Leader, Roles.Supervisor, Roles.AgencyInspector, Roles.UnitLiaison));
        o.AddPolicy(PeopleRead, p => p.RequireRole(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Leader));
    }
}

/// <summary>
/// The person asking, as the inspection rules see them (INS-9, INS-13, SEC-2): office or leader (everything), the
/// teams a supervisor belongs to, the agency an agency inspector works for, the unit a liaison is bound to.
/// The contract for the visit flow, findings and reports built on this module: filter every read of visits,
/// findings and rounds through <see cref="VisibleVisits"/>, <see cref="VisibleRounds"/> or <see cref="MayKnow"/>.
/// </summary>
public sealed record InspectionViewer(bool SeesAll, bool IsOffice, IReadOnlySet<Guid> TeamIds, Guid? AgencyId, Guid? AgencyInspectorId,
    IReadOnlySet<Guid> SupervisorIds, Guid? LiaisonUnitId, string? UserId)
{
    public InspectionViewerFacts Facts => new(SeesAll, TeamIds, AgencyId, LiaisonUnitId);

    public static async Task<InspectionViewer> ForAsync(ClaimsPrincipal user, MingchaDb db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var userId = user.UserId();
        var isOffice = user.IsInRole(Roles.OfficeAdmin) || user.IsInRole(Roles.OfficeStaff);
        var seesAll = isOffice || user.IsInRole(Roles.Leader);
        HashSet<Guid> teams = [], supervisors = [];
        Guid? agency = null, agencyInspector = null;
        if (!seesAll && userId is not null && user.IsInRole(Roles.Supervisor))
        {
            supervisors = (await db.Supervisors.AsNoTracking().Where(s => s.UserId == userId).Select(s => s.Id).ToListAsync(ct)).ToHashSet();
            teams = (await db.TeamMembers.AsNoTracking().Where(m => supervisors.Contains(m.SupervisorId)).Select(m => m.TeamId).ToListAsync(ct)).ToHashSet();
        }
        if (!seesAll && userId is not null && user.IsInRole(Roles.AgencyInspector))
        {
            // One active row per account (ORG-4, a unique index since 0015); the order only makes the query a defined one.
            var row = await db.AgencyInspectors.AsNoTracking().Where(i => i.UserId == userId && i.Active).OrderBy(i => i.CreatedAt).ThenBy(i => i.Id)
                .Select(i => new { i.Id, i.AgencyId }).FirstOrDefaultAsync(ct);
            agency = row?.AgencyId; agencyInspector = row?.Id;
        }
        var liaisonUnit = user.IsInRole(Roles.UnitLiaison) ? user.UnitId() : null;
        return new InspectionViewer(seesAll, isOffice, teams, agency, agencyInspector, supervisors, liaisonUnit, userId);
    }

    public bool MayKnow(Visit visit)
    {
        ArgumentNullException.ThrowIfNull(visit);
        return VisitSecrecy.MayKnow(Facts, new VisitFacts(visit.Kind == InspectionKind.Covert, visit.UnitId, visit.TeamId, visit.AgencyId, visit.FindingsSentAt is not null));
    }

    /// <summary>The same rule as <see cref="VisitSecrecy.MayKnow"/>, as a query (tested against each other).</summary>
    public IQueryable<Visit> VisibleVisits(IQueryable<Visit> visits)
    {
        ArgumentNullException.ThrowIfNull(visits);
        if (SeesAll) return visits;
        var teams = TeamIds.ToList();
        // Guid.Empty never matches a real id, so a viewer without an agency or unit matches nothing through them.
        var agency = AgencyId ?? Guid.Empty;
        var unit = LiaisonUnitId ?? Guid.Empty;
        return visits.Where(v => (v.TeamId != null && teams.Contains(v.TeamId.Value))
            || v.AgencyId == agency
            || (v.UnitId == unit && (v.Kind == InspectionKind.Open || v.FindingsSentAt != null)));
    }

    /// <summary>Rounds: all for the Office and leaders; a supervisor's teams' rounds; an agency's assigned rounds; none for units (INS-9).</summary>
    public IQueryable<InspectionRound> VisibleRounds(MingchaDb db, IQueryable<InspectionRound> rounds)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(rounds);
        if (SeesAll) return rounds;
        var teams = TeamIds.ToList();
        var agency = AgencyId ?? Guid.Empty;
        return rounds.Where(r => r.AgencyId == agency || db.RoundTeams.Any(t => t.RoundId == r.Id && teams.Contains(t.TeamId)));
    }
}
