namespace Mingcha.Web.Data;

/// <summary>What a database error means, on either provider.</summary>
public static class DbErrors
{
    /// <summary>
    /// A unique index or primary key refused the write (SQLite's SQLITE_CONSTRAINT_UNIQUE 2067 or _PRIMARYKEY 1555,
    /// PostgreSQL's unique_violation 23505), looked for through the inner exceptions (EF wraps it in DbUpdateException).
    /// Not the other constraints: a refused trigger (an append-only table) or a missing reference is a defect, not a race.
    /// </summary>
    public static bool IsUniqueViolation(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is Microsoft.Data.Sqlite.SqliteException { SqliteExtendedErrorCode: 2067 or 1555 } or Npgsql.PostgresException { SqlState: "23505" })
                return true;
        return false;
    }
}
