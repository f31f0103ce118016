using System.Data.Common;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;

namespace Mingcha.Web.Data;

/// <summary>
/// Applies the numbered SQL scripts of the current provider (Data/Migrations/{Sqlite,Postgres}/NNNN_name.sql)
/// that the database has not seen, each in its own transaction, and records them in mingcha_schema_version.
/// Decision 001 explains why scripts rather than EF migrations; a test checks scripts and model agree.
/// </summary>
public sealed partial class SchemaMigrator(MingchaDb db, ILogger<SchemaMigrator> logger)
{
    private const long MigrationLockKey = 727_274_000;

    public sealed record Script(int Version, string Name, string Sql);

    public static IReadOnlyList<Script> Scripts(bool postgres)
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        var prefix = $"Mingcha.Web.Data.Migrations.{(postgres ? "Postgres" : "Sqlite")}.";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var file = n[prefix.Length..^4];
                var m = ScriptName().Match(file);
                if (!m.Success) throw new InvalidOperationException($"Migration script '{file}' is not named NNNN_name.sql.");
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                return new Script(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m.Groups[2].Value, reader.ReadToEnd());
            })
            .OrderBy(s => s.Version)
            .ToList();
    }

    /// <summary>Brings the schema up to date; returns how many scripts it applied.</summary>
    public async Task<int> MigrateAsync(CancellationToken ct = default)
    {
        var postgres = db.IsPostgres;
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            if (postgres)
                await ExecAsync(connection, null, $"SELECT pg_advisory_lock({MigrationLockKey})", ct);
            else
                await ExecAsync(connection, null, "PRAGMA journal_mode=WAL;", ct);

            await ExecAsync(connection, null,
                "CREATE TABLE IF NOT EXISTS mingcha_schema_version (version integer NOT NULL PRIMARY KEY, name varchar(200) NOT NULL, applied_at varchar(40) NOT NULL)", ct);

            var applied = 0;
            foreach (var script in Scripts(postgres))
            {
                var seenSql = $"SELECT COUNT(*) FROM mingcha_schema_version WHERE version = {script.Version}";
                if (MigrationSteps.Before.TryGetValue(script.Version, out var step) && await ScalarAsync(connection, null, seenSql, ct) == 0)
                    await step(db, ct); // through the model and its audit; done again harmlessly if the script then fails
                await using var tx = await connection.BeginTransactionAsync(ct);
                if (await ScalarAsync(connection, tx, seenSql, ct) > 0) { await tx.RollbackAsync(ct); continue; }
                await ExecAsync(connection, tx, script.Sql, ct);
                await ExecAsync(connection, tx,
                    $"INSERT INTO mingcha_schema_version (version, name, applied_at) VALUES ({script.Version}, '{script.Name.Replace("'", "''", StringComparison.Ordinal)}', '{DateTime.UtcNow:O}')", ct);
                await tx.CommitAsync(ct);
                applied++;
                LogApplied(logger, script.Version, script.Name);
            }

            if (postgres)
                await ExecAsync(connection, null, $"SELECT pg_advisory_unlock({MigrationLockKey})", ct);
            return applied;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public async Task<int> CurrentVersionAsync(CancellationToken ct = default)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            return (int)await ScalarAsync(connection, null, "SELECT COALESCE(MAX(version), 0) FROM mingcha_schema_version", ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task ExecAsync(DbConnection c, DbTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.CommandTimeout = 600;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<long> ScalarAsync(DbConnection c, DbTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^(\d{4})_([A-Za-z0-9_]+)$")]
    private static partial Regex ScriptName();

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied schema script {Version} {Name}")]
    private static partial void LogApplied(ILogger logger, int version, string name);
}
