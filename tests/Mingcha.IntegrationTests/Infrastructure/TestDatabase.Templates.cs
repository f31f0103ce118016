using Microsoft.Data.Sqlite;
using Npgsql;

namespace Mingcha.IntegrationTests.Infrastructure;

/// <summary>Prepared databases for the integration tests' apps (the browser tests, which link TestDatabase.cs, start one app and need none).</summary>
public sealed partial class TestDatabase
{
    /// <summary>
    /// Whether <see cref="Prepared"/> copies templates; <c>MINGCHA_TEST_TEMPLATES=0</c> makes every app migrate and seed an
    /// empty database itself, as before (to compare, or to rule the copies out when a test misbehaves).
    /// </summary>
    public static bool UseTemplates => Environment.GetEnvironmentVariable("MINGCHA_TEST_TEMPLATES") != "0";

    /// <summary>
    /// A database as an app leaves it after its first start on an empty one (schema migrated, roles, calendar, first
    /// account, and the demo city if <paramref name="demo"/>), with its data folder's key certificate: a copy of a
    /// template that one app of this test run prepared that way, so that each app does not repeat every schema script and the
    /// demo load (a SQLite file copy, or PostgreSQL's <c>CREATE DATABASE ... TEMPLATE</c>). An app started on it finds
    /// the schema current and its data present and goes on as on a restart. All copies share the template's key ring.
    /// </summary>
    public static TestDatabase Prepared(bool demo) =>
        UseTemplates ? new TestDatabase((demo ? DemoTemplate : BareTemplate).Value) : new TestDatabase();

    private static readonly Lazy<TestDatabase> DemoTemplate = new(() => BuildTemplate(demo: true));
    private static readonly Lazy<TestDatabase> BareTemplate = new(() => BuildTemplate(demo: false));

    private static TestDatabase BuildTemplate(bool demo)
    {
        var template = new TestDatabase();
        using (var app = new TemplateApp(template, demo)) _ = app.Services; // starts: migrates and seeds; disposed: stopped
        if (template._pgName is not null)
        {
            // CREATE DATABASE ... TEMPLATE needs the template without sessions: the app's pooled ones are closed here.
            NpgsqlConnection.ClearAllPools();
            using var c = new NpgsqlConnection(PostgresServer);
            c.Open();
            using var cmd = new NpgsqlCommand($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{template._pgName}' AND pid <> pg_backend_pid()", c);
            cmd.ExecuteNonQuery();
        }
        else
        {
            // Everything into the main file, so that a copy of it alone is the whole database.
            SqliteConnection.ClearAllPools();
            using (var c = new SqliteConnection(template.ConnectionString))
            {
                c.Open();
                using var cmd = c.CreateCommand();
                cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
                cmd.ExecuteNonQuery();
            }
            SqliteConnection.ClearAllPools();
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { template.Dispose(); } catch (NpgsqlException) { } catch (IOException) { }
        };
        return template;
    }

    /// <summary>The app that prepares a template: started once on an empty database, then stopped.</summary>
    private sealed class TemplateApp(TestDatabase database, bool demo) : MingchaApp(database, new TestClock(Start), ownsDatabase: false)
    {
        protected override bool LoadDemo => demo;
    }
}
