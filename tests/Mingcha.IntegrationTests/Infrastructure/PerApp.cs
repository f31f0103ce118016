namespace Mingcha.IntegrationTests.Infrastructure;

/// <summary>
/// What a test class sets up once on its class fixture's app: xUnit makes a new instance of the class for each test, so
/// the set-up is kept here (a static of the class), by app, and made by the first test that asks.
/// </summary>
public sealed class PerApp<T> : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<MingchaApp, T> _done = [];

    public async Task<T> GetAsync(MingchaApp app, Func<Task<T>> setUp)
    {
        ArgumentNullException.ThrowIfNull(setUp);
        await _gate.WaitAsync();
        try
        {
            if (_done.TryGetValue(app, out var done)) return done;
            return _done[app] = await setUp();
        }
        finally { _gate.Release(); }
    }

    public void Dispose() => _gate.Dispose();
}
