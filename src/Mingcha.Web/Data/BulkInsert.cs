namespace Mingcha.Web.Data;

/// <summary>
/// Many rows of one entity type in one call, inside the caller's transaction, through <see cref="BulkInserter"/>:
/// a prepared single-row INSERT with its parameters made once on SQLite, binary COPY on PostgreSQL (decision 013).
/// </summary>
public static class BulkInsert
{
    /// <summary>Inserts <paramref name="rows"/> and returns how many were written.</summary>
    public static async Task<int> InsertAsync<T>(MingchaDb db, IReadOnlyList<T> rows, CancellationToken ct) where T : class
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) return 0;
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("BulkInsert runs inside the caller's transaction (with its summary audit event).");
        await new BulkInserter(db).InsertAsync(rows, ct);
        return rows.Count;
    }
}
