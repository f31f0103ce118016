namespace Mingcha.Web.Features.Scoring;

/// <summary>
/// EV-2: a flood of anonymous ballots through a sitting's link is refused (429, nothing stored): a fixed window of a minute
/// per client address and per sitting, counted before the ballot is checked or stored. Limits from
/// <c>Mingcha:Scoring:SittingBallotsPerAddressPerMinute</c> (default 120: a whole sitting room may share one address behind
/// its Wi-Fi) and <c>Mingcha:Scoring:SittingBallotsPerSittingPerMinute</c> (default 600). Signed-in representatives hand
/// in one ballot each anyway and are not counted; the Office's paper ballots neither.
/// </summary>
public sealed class SittingFloodGuard : IDisposable
{
    public const string PerAddressSetting = "Mingcha:Scoring:SittingBallotsPerAddressPerMinute";
    public const string PerSittingSetting = "Mingcha:Scoring:SittingBallotsPerSittingPerMinute";

    private readonly FixedWindowGuard<string> _byAddress;
    private readonly FixedWindowGuard<Guid> _bySitting;

    public SittingFloodGuard(IConfiguration configuration)
    {
        _byAddress = new(configuration.GetValue(PerAddressSetting, 120), TimeSpan.FromMinutes(1));
        _bySitting = new(configuration.GetValue(PerSittingSetting, 600), TimeSpan.FromMinutes(1));
    }

    /// <summary>Counts one anonymous ballot of <paramref name="sittingId"/> from <paramref name="address"/>; refuses it (429, EV-2) over either limit.</summary>
    public void Acquire(Guid sittingId, string address)
    {
        if (!_byAddress.TryAcquire(address) || !_bySitting.TryAcquire(sittingId)) throw Refused();
    }

    private static DomainRuleException Refused() =>
        new("EV-2", "测评票提交过于频繁，请稍后再试（EV-2）。 Too many ballots from this address or for this sitting; try again in a minute (EV-2).", 429);

    public void Dispose()
    {
        _byAddress.Dispose();
        _bySitting.Dispose();
    }
}
