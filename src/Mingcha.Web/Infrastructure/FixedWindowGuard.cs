using System.Threading.RateLimiting;

namespace Mingcha.Web;

/// <summary>
/// A flood limit for requests without an account: at most <c>permits</c> per key (a client address, a sitting) in each
/// fixed window, no queueing. Held in memory per instance; the public complaint form and the sittings' ballots use it.
/// </summary>
public sealed class FixedWindowGuard<TKey> : IDisposable where TKey : notnull
{
    private readonly PartitionedRateLimiter<TKey> _limiter;

    public FixedWindowGuard(int permits, TimeSpan window)
    {
        var options = new FixedWindowRateLimiterOptions { PermitLimit = Math.Max(1, permits), Window = window, QueueLimit = 0 };
        _limiter = PartitionedRateLimiter.Create<TKey, TKey>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => options));
    }

    /// <summary>Counts one request of <paramref name="key"/>; false when the window's permits are used up.</summary>
    public bool TryAcquire(TKey key)
    {
        using var lease = _limiter.AttemptAcquire(key);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
