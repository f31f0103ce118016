using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Mingcha.IntegrationTests.Infrastructure;

/// <summary>
/// The database a test app runs on: a fresh SQLite file, or, when MINGCHA_TEST_POSTGRES holds a connection
/// string (test.sh sets it), a fresh database on that real PostgreSQL server. Same tests, both providers.
/// </summary>
public sealed partial class TestDatabase : IDisposable
{
    public static string? PostgresServer => Environment.GetEnvironmentVariable("MINGCHA_TEST_POSTGRES") is { Length: > 0 } s ? s : null;
    public static bool IsPostgres => PostgresServer is not null;

    public string Provider { get; }
    public string ConnectionString { get; }
    public string DataFolder { get; }
    private readonly string? _pgName;

    /// <summary>An empty database: no schema, no data.</summary>
    public TestDatabase() : this(template: null)
    {
    }

    private TestDatabase(TestDatabase? template)
    {
        DataFolder = Path.Combine(Path.GetTempPath(), "mingcha-it", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataFolder);
        if (PostgresServer is { } server)
        {
            Provider = "Postgres";
            _pgName = "mingcha_it_" + Guid.NewGuid().ToString("N")[..16];
            using (var c = new NpgsqlConnection(server))
            {
                c.Open();
                using var cmd = new NpgsqlCommand($"CREATE DATABASE {_pgName} ENCODING 'UTF8' TEMPLATE {template?._pgName ?? "template0"}", c);
                cmd.ExecuteNonQuery();
            }
            ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = _pgName }.ConnectionString;
        }
        else
        {
            Provider = "Sqlite";
            ConnectionString = $"Data Source={Path.Combine(DataFolder, "mingcha.db")}";
            if (template is not null) File.Copy(Path.Combine(template.DataFolder, "mingcha.db"), Path.Combine(DataFolder, "mingcha.db"));
        }
        if (template is not null) CopyKeys(Path.Combine(template.DataFolder, "keys"), Path.Combine(DataFolder, "keys"));
    }

    private static void CopyKeys(string from, string to)
    {
        if (!Directory.Exists(from)) return;
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            var target = Path.Combine(to, Path.GetFileName(file));
            File.Copy(file, target);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(target, File.GetUnixFileMode(file));
        }
    }


    /// <summary>A raw ADO.NET connection, opened, for what a test must do behind the app's back (tampering, introspection).</summary>
    public async Task<DbConnection> OpenConnectionAsync()
    {
        DbConnection connection = _pgName is null ? new SqliteConnection(ConnectionString) : new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Runs one SQL statement on a raw connection; parameters are named @p0, @p1, ... in order.</summary>
    public async Task<int> ExecuteAsync(string sql, params object?[] parameters)
    {
        await using var connection = await OpenConnectionAsync();
        await using var cmd = Command(connection, sql, parameters);
        return await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Reads one value on a raw connection; parameters are named @p0, @p1, ... in order.</summary>
    public async Task<object?> ScalarAsync(string sql, params object?[] parameters)
    {
        await using var connection = await OpenConnectionAsync();
        await using var cmd = Command(connection, sql, parameters);
        var value = await cmd.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    public static DbCommand Command(DbConnection connection, string sql, params object?[] parameters)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        for (var i = 0; i < parameters.Length; i++)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = $"@p{i}";
            p.Value = parameters[i] ?? DBNull.Value;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    public void Dispose()
    {
        if (_pgName is not null && PostgresServer is { } server)
        {
            NpgsqlConnection.ClearAllPools();
            using var c = new NpgsqlConnection(server);
            c.Open();
            using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_pgName} WITH (FORCE)", c);
            cmd.ExecuteNonQuery();
        }
        else
        {
            SqliteConnection.ClearAllPools();
        }
        try { Directory.Delete(DataFolder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
