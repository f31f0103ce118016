using Npgsql;

namespace Mingcha.IntegrationTests.Infrastructure;

/// <summary>
/// The database a test app runs on: a fresh SQLite file, or, when MINGCHA_TEST_POSTGRES holds a connection
/// string (test.sh sets it), a fresh database on that real PostgreSQL server. Same tests, both providers.
/// </summary>
public sealed class TestDatabase : IDisposable
{
    public static string? PostgresServer => Environment.GetEnvironmentVariable("MINGCHA_TEST_POSTGRES") is { Length: > 0 } s ? s : null;
    public static bool IsPostgres => PostgresServer is not null;

    public string Provider { get; }
    public string ConnectionString { get; }
    public string DataFolder { get; }
    private readonly string? _pgName;

    public TestDatabase()
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
                using var cmd = new NpgsqlCommand($"CREATE DATABASE {_pgName} ENCODING 'UTF8' TEMPLATE template0", c);
                cmd.ExecuteNonQuery();
            }
            ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = _pgName }.ConnectionString;
        }
        else
        {
            Provider = "Sqlite";
            ConnectionString = $"Data Source={Path.Combine(DataFolder, "mingcha.db")}";
        }
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
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
        try { Directory.Delete(DataFolder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
