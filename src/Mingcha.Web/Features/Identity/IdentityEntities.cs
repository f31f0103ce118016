using Microsoft.AspNetCore.Identity;

namespace Mingcha.Web.Features.Identity;

/// <summary>An account. Unit liaisons are bound to their unit (SEC-2).</summary>
public sealed class MingchaUser : IdentityUser
{
    public string DisplayName { get; set; } = "";
    /// <summary>The unit a unit-bound account belongs to (SEC-2).</summary>
    public Guid? UnitId { get; set; }
    public DateTime CreatedAt { get; set; }
    public bool IsDemo { get; set; }
}

/// <summary>
/// INS-8 (S3 "由单位在岗领导签字"): an account of a unit designated as one of its leaders, who may sign an inspection record
/// as the unit's leader on duty. Designated and withdrawn by the system administrator, like the account itself. A
/// supervision record (SEC-3): a withdrawal is recorded on the designation, which is never deleted; audited.
/// </summary>
public sealed class UnitLeader : Mingcha.Web.Data.IAudited
{
    private UnitLeader() { UserId = ""; DesignatedBy = ""; }
    public UnitLeader(string userId, Guid unitId, string designatedBy, DateTime nowUtc)
    { Id = Guid.CreateVersion7(); UserId = userId; UnitId = unitId; DesignatedBy = designatedBy; DesignatedAt = nowUtc; }
    public Guid Id { get; private set; }
    public string UserId { get; private set; }
    public Guid UnitId { get; private set; }
    public string DesignatedBy { get; private set; }
    public DateTime DesignatedAt { get; private set; }
    public string? WithdrawnBy { get; private set; }
    public DateTime? WithdrawnAt { get; private set; }

    public void Withdraw(string by, DateTime nowUtc) { WithdrawnBy = by; WithdrawnAt = nowUtc; }
}

/// <summary>
/// A token for a device or an integration (rating device, 12345 hotline, a business system).
/// Only the SHA-256 of the secret is stored; the secret is shown once at creation.
/// </summary>
public sealed class ApiToken
{
    private ApiToken() { Name = ""; SecretHash = ""; Scopes = ""; CreatedBy = ""; }
    public ApiToken(Guid id, string name, string secretHash, IEnumerable<string> scopes, Guid? unitId, string createdBy, DateTime nowUtc, DateTime? expiresAt)
    {
        Id = id; Name = name; SecretHash = secretHash; Scopes = string.Join(' ', scopes.Distinct(StringComparer.Ordinal));
        UnitId = unitId; CreatedBy = createdBy; CreatedAt = nowUtc; ExpiresAt = expiresAt;
    }
    public Guid Id { get; private set; }
    public string Name { get; private set; }
    public string SecretHash { get; private set; }
    /// <summary>Space-separated scopes, e.g. "ratings:write".</summary>
    public string Scopes { get; private set; }
    public Guid? UnitId { get; private set; }
    public string CreatedBy { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? ExpiresAt { get; private set; }
    public DateTime? RevokedAt { get; private set; }
    public string? RevokedBy { get; private set; }
    public DateTime? LastUsedAt { get; set; }
    /// <summary>
    /// SAT-1: the scale a rating device's buttons use (a scale is chosen per device): its ratings that name no scale are on
    /// it, and one that names another is refused. Null: the rating says (three-level when it does not).
    /// </summary>
    public Mingcha.Domain.Satisfaction.RatingScale? RatingScale { get; set; }

    public bool IsUsable(DateTime nowUtc) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > nowUtc);

    public void Revoke(string by, DateTime nowUtc)
    {
        if (RevokedAt is not null) return;
        RevokedAt = nowUtc; RevokedBy = by;
    }
}
