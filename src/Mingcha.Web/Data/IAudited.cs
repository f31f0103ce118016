namespace Mingcha.Web.Data;

/// <summary>
/// Marks an entity of the supervision record: every create and change of it is appended to the
/// hash-chained audit log with before and after values, and it can never be deleted (SEC-3).
/// </summary>
public interface IAudited;

/// <summary>
/// Optimistic concurrency: <see cref="Version"/> is a concurrency token that <see cref="MingchaDb"/> raises by one on every
/// save that changes the row. Of two requests that read the same version and then both change the row (a double click, two
/// people at once), the second to save stores nothing of its change and gets a DbUpdateConcurrencyException, answered 409.
/// </summary>
public interface IVersioned
{
    int Version { get; }
}
