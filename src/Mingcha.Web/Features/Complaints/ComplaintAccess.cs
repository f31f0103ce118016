using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Complaints;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;

namespace Mingcha.Web.Features.Complaints;

/// <summary>Who may call the complaint endpoints (SEC-1); which complaints they then see is decided per record (SEC-2).</summary>
public static class ComplaintPolicies
{
    /// <summary>Lists and details: the Office, leaders (read-only, masked) and unit liaisons (own unit only).</summary>
    public const string Read = "Complaints.Read";
    /// <summary>The Office's acts: intake by staff, assignment, review, urging, reveals.</summary>
    public const string Office = "Complaints.Office";
    /// <summary>The unit's acts: answer, return, extension request, self-inspection report.</summary>
    public const string Unit = "Complaints.Unit";
    /// <summary>The 12345 hotline system: an API token of scope complaints:write.</summary>
    public const string Hotline = "Complaints.Hotline";

    public static void Add(Microsoft.AspNetCore.Authorization.AuthorizationOptions o)
    {
        o.AddPolicy(Read, p => p.RequireRole(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Leader, Roles.UnitLiaison));
        o.AddPolicy(Office, p => p.RequireRole(Roles.OfficeAdmin, Roles.OfficeStaff));
        o.AddPolicy(Unit, p => p.RequireRole(Roles.UnitLiaison));
        o.AddPolicy(Hotline, p => p.RequireClaim(MingchaClaims.Scope, "complaints:write"));
    }
}

/// <summary>The person asking, as the complaint rules see them.</summary>
public sealed record ComplaintViewer(bool IsOffice, bool SeesAll, Guid? UnitId, string UserId)
{
    public static ComplaintViewer Of(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var office = user.IsInRole(Roles.OfficeAdmin) || user.IsInRole(Roles.OfficeStaff);
        return new ComplaintViewer(office, office || user.IsInRole(Roles.Leader), user.IsInRole(Roles.UnitLiaison) ? user.UnitId() : null,
            user.UserId() ?? user.FindFirstValue(MingchaClaims.TokenId) ?? "public");
    }

    public static readonly ComplaintViewer Public = new(false, false, null, "public");

    /// <summary>
    /// SEC-2: the Office and leaders see every complaint; a liaison only those now with their unit, once the Office has
    /// forwarded them (<see cref="ForwardedToUnit"/>): not one still being accepted, nor one refused (CMP-6).
    /// </summary>
    public bool MaySee(Guid unitId, ComplaintStatus status) => SeesAll || UnitId is { } u && u == unitId && ForwardedToUnit(status);

    /// <summary>The statuses of a complaint that has not reached its unit: still being accepted, or refused (CMP-6, CMP-7).</summary>
    public static readonly ComplaintStatus[] NotForwarded = [ComplaintStatus.Received, ComplaintStatus.NotAccepted];

    /// <summary>Whether a complaint in this status has reached its unit (CMP-7: the Office assigns before the unit handles).</summary>
    public static bool ForwardedToUnit(ComplaintStatus status) => !NotForwarded.Contains(status);

    public static NotFoundException NotFound() => new("投诉不存在，或不属于本单位。 No such complaint for you.");
}

/// <summary>
/// SEC-4 for the other modules: a complainant is reachable by a unit only when the Office granted that unit contact for that
/// complaint (<see cref="Complaint.GrantContact"/>). A rating of a complaint's answer (Ratings, channel Complaint, its case
/// number the complaint's number) carries the complainant's phone: the Ratings module asks here before it shows or reveals
/// that phone to a unit's liaison.
/// </summary>
public static class ComplaintContact
{
    /// <summary>
    /// Of these complaint numbers, those whose real-name complainant's contact the Office granted to <paramref name="unitId"/>,
    /// the unit now handling the complaint (and to which it was forwarded). Numbers of no complaint here are never granted.
    /// </summary>
    public static async Task<HashSet<string>> GrantedToUnitAsync(MingchaDb db, Guid unitId, IEnumerable<string?> numbers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(numbers);
        var list = numbers.OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (list.Count == 0) return [];
        var granted = await db.Complaints.AsNoTracking()
            .Where(c => list.Contains(c.Number) && c.UnitId == unitId && c.ContactGranted && !c.Anonymous && !ComplaintViewer.NotForwarded.Contains(c.Status))
            .Select(c => c.Number).ToListAsync(ct);
        return granted.ToHashSet(StringComparer.Ordinal);
    }
}
