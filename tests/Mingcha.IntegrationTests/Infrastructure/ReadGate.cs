using System.Data.Common;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Web.Data;

namespace Mingcha.IntegrationTests.Infrastructure;

/// <summary>
/// Holds the next <c>n</c> reads whose SQL matches, each until all <c>n</c> have been made (or 10 seconds passed): the
/// requests that made them then go on from the same state, as requests at the same moment would. The race then happens
/// every time, on SQLite (which serialises writers, not check-then-act) and on PostgreSQL alike.
/// </summary>
public sealed class ReadGate : DbCommandInterceptor
{
    private Barrier? _barrier;
    private Func<string, bool> _match = _ => false;
    private int _left;
    private int _met;

    /// <summary>Whether the last hold had all its reads arrive before it let them go.</summary>
    public bool Met => Volatile.Read(ref _met) == 1;

    /// <summary>Holds the next <paramref name="reads"/> reads whose SQL contains every one of <paramref name="fragments"/>.</summary>
    public void Hold(int reads, params string[] fragments)
    {
        _barrier?.Dispose();
        _barrier = new Barrier(reads);
        _match = sql => fragments.All(f => sql.Contains(f, StringComparison.Ordinal));
        Volatile.Write(ref _met, 0);
        Volatile.Write(ref _left, reads);
    }

    public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result,
        CancellationToken cancellationToken = default)
    {
        if (_barrier is { } barrier && _match(command.CommandText) && Interlocked.Decrement(ref _left) >= 0)
        {
            if (await Task.Run(() => barrier.SignalAndWait(TimeSpan.FromSeconds(10)), cancellationToken)) Volatile.Write(ref _met, 1);
        }
        return result;
    }
}

/// <summary>The app on an empty organisation with a <see cref="ReadGate"/> on its database reads.</summary>
public class RacingApp : MingchaApp
{
    public ReadGate Gate { get; } = new();

    protected override bool LoadDemo => false;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.ConfigureDbContext<MingchaDb>(o => o.AddInterceptors(Gate)));
    }
}

/// <summary>The app with the demo city and a <see cref="ReadGate"/> on its database reads.</summary>
public sealed class RacingDemoApp : RacingApp
{
    protected override bool LoadDemo => true;
}
