namespace Mingcha.Web.Data;

/// <summary>
/// Marks an entity of the supervision record: every create and change of it is appended to the
/// hash-chained audit log with before and after values, and it can never be deleted (SEC-3).
/// </summary>
public interface IAudited;
