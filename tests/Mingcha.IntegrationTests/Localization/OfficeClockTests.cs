using System.Net;
using Mingcha.IntegrationTests.Rectification;

namespace Mingcha.IntegrationTests.Localization;

/// <summary>
/// Times on pages are the office's (Mingcha:TimeZone, Asia/Shanghai), whatever the server's own time zone: the pages
/// once used DateTime.ToLocalTime, so a server on UTC showed a notice issued at 10:00 in Beijing as issued at 02:00.
/// </summary>
public sealed class OfficeClockTests(RectificationApp app) : IClassFixture<RectificationApp>
{
    [Fact]
    [Trait("Rule", "RCT-1")]
    public async Task NoticePage_ShowsWhenItWasIssued_OnTheOfficesClock()
    {
        app.Clock.Set(new DateTimeOffset(2026, 11, 16, 17, 30, 0, TimeSpan.Zero)); // 01:30 the next day in Beijing
        var kit = new RectificationKit(app, await app.ClientAsAsync(Mingcha.Domain.Security.Roles.OfficeAdmin));
        var c = await kit.CaseAsync(findings: 1);
        await kit.ConfirmAsync(c.Findings[0]);
        var notice = await kit.IssueAsync(c.UnitId, [c.Findings[0]]);

        var (_, liaison) = await kit.LiaisonAsync(c.UnitId);
        var page = WebUtility.HtmlDecode(await liaison.GetStringAsync($"/Rectification/Notice/{notice.Id}"));
        Assert.Contains("2026-11-17 01:30 下发通知书", page, StringComparison.Ordinal);
        Assert.DoesNotContain("2026-11-16 17:30", page, StringComparison.Ordinal);
    }
}
