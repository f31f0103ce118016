using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Mingcha.IntegrationTests.Infrastructure;

/// <summary>The EF Core commands run in this process while it lives (DiagnosticListener), with their text and parameters.</summary>
internal sealed class CommandCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly IDisposable all;
    private readonly List<IDisposable> subscriptions = [];
    private readonly ConcurrentQueue<(string Text, object?[] Values)> commands = new();

    public CommandCounter() => all = DiagnosticListener.AllListeners.Subscribe(this);

    public int Of(string table, Guid id) => commands.Count(c => c.Text.Contains(table, StringComparison.Ordinal) && c.Values.Any(v => Names(v, id)));

    private static bool Names(object? value, Guid id) => value switch
    {
        Guid g => g == id,
        string s => s.Contains(id.ToString(), StringComparison.OrdinalIgnoreCase),
        System.Collections.IEnumerable e => e.Cast<object?>().Any(x => Names(x, id)),
        _ => false,
    };

    public void OnNext(DiagnosticListener value)
    {
        if (value.Name == DbLoggerCategory.Name) lock (subscriptions) subscriptions.Add(value.Subscribe(this));
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key == RelationalEventId.CommandExecuting.Name && value.Value is CommandEventData data) commands.Enqueue((data.Command.CommandText, data.Command.Parameters.Cast<DbParameter>().Select(p => p.Value).ToArray()));
    }

    public void OnCompleted() { }
    public void OnError(Exception error) { }

    public void Dispose()
    {
        all.Dispose();
        lock (subscriptions) foreach (var s in subscriptions) s.Dispose();
    }
}
