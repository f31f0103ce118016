using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Data;

public static class DatabaseSetup
{
    public static IServiceCollection AddMingchaDatabase(this IServiceCollection services, MingchaOptions options)
    {
        // Committed changes of windows and staff reach the rating intake's directory at once (decision 046).
        services.AddSingleton<Features.Ratings.DirectoryChanges>();
        services.AddDbContext<MingchaDb>((sp, o) =>
        {
            Configure(o, options);
            o.AddInterceptors(sp.GetRequiredService<Features.Ratings.DirectoryChanges>());
        });
        return services;
    }

    public static void Configure(DbContextOptionsBuilder o, MingchaOptions options)
    {
        if (options.IsPostgres)
        {
            o.UseNpgsql(options.ResolvedConnectionString);
        }
        else
        {
            Directory.CreateDirectory(options.ResolvedDataFolder);
            o.UseSqlite(options.ResolvedConnectionString);
            o.AddInterceptors(SqlitePragmas.Instance);
        }
        if (options.StrictQueries) o.ConfigureWarnings(w => w.Throw(CoreEventId.RowLimitingOperationWithoutOrderByWarning));
    }
}

/// <summary>
/// Every SQLite connection: full sync so an acknowledged write survives a crash, and a busy timeout so
/// concurrent writers wait instead of failing.
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    public static readonly SqlitePragmas Instance = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;";
        cmd.ExecuteNonQuery();
    }
}
