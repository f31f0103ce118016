namespace Mingcha.IntegrationTests.Infrastructure;

/// <summary>
/// A test about SQLite alone (its query plans, its C API): run on SQLite, reported as skipped when the suite runs on
/// PostgreSQL (MINGCHA_TEST_POSTGRES set), rather than passing without asserting anything.
/// </summary>
public sealed class SqliteOnlyFactAttribute : FactAttribute
{
    public SqliteOnlyFactAttribute()
    {
        if (TestDatabase.IsPostgres) Skip = SqliteOnly.Reason;
    }
}

/// <inheritdoc cref="SqliteOnlyFactAttribute"/>
public sealed class SqliteOnlyTheoryAttribute : TheoryAttribute
{
    public SqliteOnlyTheoryAttribute()
    {
        if (TestDatabase.IsPostgres) Skip = SqliteOnly.Reason;
    }
}

/// <summary>
/// A test that uses no database at all (a process of its own on its own SQLite folder, or none): the PostgreSQL suite
/// would run the very same test again, so it runs once, in the SQLite suite, and is reported as skipped in the other.
/// </summary>
public sealed class OncePerRunFactAttribute : FactAttribute
{
    public OncePerRunFactAttribute()
    {
        if (TestDatabase.IsPostgres) Skip = "No database of the suite's: run once, in the SQLite suite.";
    }
}

internal static class SqliteOnly
{
    public const string Reason = "SQLite only: this suite runs on PostgreSQL.";
}

/// <summary>
/// A test that needs the shared PostgreSQL server (several instances on one database): run on PostgreSQL, reported as
/// skipped on SQLite.
/// </summary>
public sealed class PostgresOnlyFactAttribute : FactAttribute
{
    public PostgresOnlyFactAttribute()
    {
        if (!TestDatabase.IsPostgres) Skip = "PostgreSQL only: set MINGCHA_TEST_POSTGRES (test.sh does, for the postgres suite).";
    }
}
