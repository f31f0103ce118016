using Microsoft.EntityFrameworkCore;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Ratings;

/// <summary>
/// SAT-5 in the demo: this year's 优秀岗位牌 handed out to the demo city's staff, as <see cref="BadgeHandOutJob"/> hands them
/// out on 1 January; loaded after the demo's other records, so that a violation of the year that stands (a confirmed finding
/// or substantiated complaint naming a person) revokes its badge at once. Idempotent. Only with the demo city loaded.
/// </summary>
public sealed class DemoBadges(IServiceScopeFactory scopes, LocalClock clock)
{
    /// <returns>The badges handed out now.</returns>
    public async Task<int> LoadAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
        if (!await db.Units.AnyAsync(u => u.Code == DemoData.HrUnitCode && u.IsDemo && u.Active, ct)) return 0;
        return await scope.ServiceProvider.GetRequiredService<Incentives>().StartYearAsync(clock.Today.Year, ct);
    }
}
