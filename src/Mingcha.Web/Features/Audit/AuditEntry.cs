using Mingcha.Domain.Audit;

namespace Mingcha.Web.Features.Audit;

/// <summary>
/// One line of the append-only, hash-chained audit log (SEC-3). Written only by
/// <see cref="Data.MingchaDb"/> while saving (and the rating writer's batch line); no code path updates or deletes it,
/// and the database refuses to (schema 0033, decision 025).
/// </summary>
public sealed class AuditEntry
{
    private AuditEntry() { Action = ""; PrevHash = ""; Hash = ""; }
    internal AuditEntry(AuditRecord r)
    {
        Seq = r.Seq; At = r.At; UserId = r.UserId; UserName = r.UserName; Ip = r.Ip; Action = r.Action;
        EntityType = r.EntityType; EntityKey = r.EntityKey; Before = r.Before; After = r.After; PrevHash = r.PrevHash; Hash = r.Hash;
    }
    public long Seq { get; private set; }
    public DateTime At { get; private set; }
    public string? UserId { get; private set; }
    public string? UserName { get; private set; }
    public string? Ip { get; private set; }
    public string Action { get; private set; }
    public string? EntityType { get; private set; }
    public string? EntityKey { get; private set; }
    public string? Before { get; private set; }
    public string? After { get; private set; }
    public string PrevHash { get; private set; }
    public string Hash { get; private set; }

    public AuditRecord ToRecord() => new(Seq, At, UserId, UserName, Ip, Action, EntityType, EntityKey, Before, After, PrevHash, Hash);
}

/// <summary>An event to append to the audit log that is not a row change (login, role grant, import).</summary>
public sealed record AuditEvent(string Action, string? EntityType = null, string? EntityKey = null, string? Before = null, string? After = null);

/// <summary>Who is acting, for the audit log: the signed-in user and their address, or a command-line actor.</summary>
public interface IAuditActor
{
    string? UserId { get; }
    string? UserName { get; }
    string? Ip { get; }
}

/// <summary>The actor of administrative commands run from the shell.</summary>
public sealed class SystemActor(string name) : IAuditActor
{
    public string? UserId => null;
    public string? UserName { get; } = name;
    public string? Ip => "local";
}
