using System.Data.Common;

namespace Mingcha.IntegrationTests.Infrastructure;

/// <summary>
/// Lifts the triggers of one table for a test that must tamper with it behind the app's back, as an operator with owner
/// rights could (decision 025: the database refuses UPDATE and DELETE of append-only tables, and the hash chains must
/// still catch an edit made once the triggers are gone), and puts them back when disposed. SQLite has no switch for a
/// trigger: its definitions are read from sqlite_master, dropped, and created again from the same text. PostgreSQL
/// disables the table's user triggers (foreign keys stay enforced) and enables them again.
/// </summary>
public sealed class TableTriggers : IAsyncDisposable
{
    private readonly TestDatabase _database;
    private readonly string _table;
    private readonly IReadOnlyList<string> _sqliteDefinitions;
    private bool _restored;

    private TableTriggers(TestDatabase database, string table, IReadOnlyList<string> sqliteDefinitions)
    {
        _database = database; _table = table; _sqliteDefinitions = sqliteDefinitions;
    }

    /// <summary>The names of the triggers a table has now (PostgreSQL: enabled ones only), sorted.</summary>
    public static async Task<IReadOnlyList<string>> ActiveAsync(TestDatabase database, string table)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenConnectionAsync();
        var sql = TestDatabase.IsPostgres
            ? """SELECT tgname FROM pg_trigger WHERE tgrelid = quote_ident(@p0)::regclass AND NOT tgisinternal AND tgenabled <> 'D' ORDER BY tgname"""
            : "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = @p0 ORDER BY name";
        return (await ReadAsync(connection, sql, table)).Select(r => r[0]).ToList();
    }

    /// <summary>Lifts every trigger of <paramref name="table"/>; fails if it has none (the test would then prove nothing).</summary>
    public static async Task<TableTriggers> SuspendAsync(TestDatabase database, string table)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenConnectionAsync();
        if (TestDatabase.IsPostgres)
        {
            if ((await ActiveAsync(database, table)).Count == 0)
                throw new InvalidOperationException($"Table {table} has no enabled trigger to suspend.");
            await ExecAsync(connection, $"ALTER TABLE \"{table}\" DISABLE TRIGGER USER");
            return new TableTriggers(database, table, []);
        }
        var definitions = await ReadAsync(connection, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = @p0 ORDER BY name", table);
        if (definitions.Count == 0) throw new InvalidOperationException($"Table {table} has no trigger to suspend.");
        foreach (var d in definitions) await ExecAsync(connection, $"DROP TRIGGER \"{d[0]}\"");
        return new TableTriggers(database, table, definitions.Select(d => d[1]).ToList());
    }

    /// <summary>Puts the triggers back as they were.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_restored) return;
        _restored = true;
        await using var connection = await _database.OpenConnectionAsync();
        if (TestDatabase.IsPostgres)
            await ExecAsync(connection, $"ALTER TABLE \"{_table}\" ENABLE TRIGGER USER");
        else
            foreach (var sql in _sqliteDefinitions) await ExecAsync(connection, sql);
    }

    private static async Task ExecAsync(DbConnection connection, string sql)
    {
        await using var cmd = TestDatabase.Command(connection, sql);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<List<string[]>> ReadAsync(DbConnection connection, string sql, params object?[] parameters)
    {
        await using var cmd = TestDatabase.Command(connection, sql, parameters);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<string[]>();
        while (await reader.ReadAsync())
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetValue(i).ToString()!).ToArray());
        return rows;
    }
}
