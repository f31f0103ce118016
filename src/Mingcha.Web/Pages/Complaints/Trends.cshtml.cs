using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Localization;
using Mingcha.Web.Features.Complaints;

namespace Mingcha.Web.Pages.Complaints;

/// <summary>CMP-10: complaint trends by type, unit, channel and month, charted with ECharts.</summary>
[Authorize(Policy = ComplaintPolicies.Office)]
public sealed class TrendsModel(ComplaintReads reads, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public ComplaintReads.Trends? Data { get; private set; }
    public DateOnly? From { get; set; }
    public DateOnly? To { get; set; }

    public async Task OnGetAsync(DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        From = from; To = to;
        await TryAsync("trends", async () => Data = await reads.TrendsAsync(from, to, ct));
    }
}
