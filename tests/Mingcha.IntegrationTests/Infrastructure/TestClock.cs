namespace Mingcha.IntegrationTests.Infrastructure;

/// <summary>A settable clock for the app under test (Microsoft's FakeTimeProvider is not in the package copy).</summary>
public sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;
    private readonly Lock _lock = new();

    public override DateTimeOffset GetUtcNow() { lock (_lock) return _now; }
    public void Set(DateTimeOffset now) { lock (_lock) _now = now; }
    public void Advance(TimeSpan by) { lock (_lock) _now += by; }
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
}
