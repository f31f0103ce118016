using System.Net;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Inspections;

namespace Mingcha.IntegrationTests.Inspections;

/// <summary>INS-3 on a page: the unit sees its quarters and reports one itself (no raw API needed); the Office sees the reports.</summary>
public sealed class SelfInspectionPageTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    [Fact]
    [Trait("Rule", "INS-3")]
    [Trait("Rule", "SEC-2")]
    public async Task Liaison_ReportsAQuarterOnThePage_OnceOnly_AndTheOfficeSeesIt()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new InspectionKit(app, office);
        var unit = await kit.UnitAsync("自查局");
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, unit);

        // 16 November 2026: the fourth quarter has begun, so every quarter of the year is due.
        var page = await liaison.GetStringAsync("/Inspections/SelfInspection?year=2026");
        Assert.Contains("data-quarter=\"4\" data-state=\"due\"", page, StringComparison.Ordinal);
        Assert.Contains("id=\"report-form\"", page, StringComparison.Ordinal);

        Task<HttpResponseMessage> ReportAsync(string quarter, string summary) => liaison.PostFormAsync("/Inspections/SelfInspection?year=2026", null,
            new() { ["Quarter"] = quarter, ["Summary"] = summary });
        var done = await ReportAsync("4", "四季度自查：窗口值守、一次性告知落实情况良好。");
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Contains("data-quarter=\"4\" data-state=\"reported\"", await liaison.GetStringAsync(done.Headers.Location!.OriginalString), StringComparison.Ordinal);

        // A year outside the calendar (a hand-made post) is named, and nothing is stored; it was a 500.
        var noYear = await liaison.PostFormAsync("/Inspections/SelfInspection?year=0", null, new() { ["Quarter"] = "1", ["Summary"] = "年份无效" });
        Assert.Equal(HttpStatusCode.BadRequest, noYear.StatusCode);
        Assert.Contains("2000", await noYear.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var again = await ReportAsync("4", "重复报送");
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("(INS-3)", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await app.WithDbAsync(db => db.SelfInspectionReports.CountAsync(r => r.UnitId == unit)));

        var officePage = await office.GetStringAsync("/Inspections/SelfInspection?year=2026");
        Assert.Contains("四季度自查", officePage, StringComparison.Ordinal);
        Assert.Contains("自查局", officePage, StringComparison.Ordinal);
        // Another unit's liaison does not see it.
        var other = await app.ClientAsAsync(Roles.UnitLiaison, await kit.UnitAsync("他局"));
        Assert.DoesNotContain("四季度自查", await other.GetStringAsync("/Inspections/SelfInspection?year=2026"), StringComparison.Ordinal);
    }

    /// <summary>SEC-1: leaders read the page (OpenRead) but report nothing: the post checks SelfReport, as the API does.</summary>
    [Fact]
    [Trait("Rule", "SEC-1")]
    [Trait("Rule", "INS-3")]
    public async Task Leader_PostingAReport_IsForbidden_AndNothingIsStored()
    {
        var leader = await app.ClientAsAsync(Roles.Leader);
        Assert.Equal(HttpStatusCode.OK, (await leader.GetAsync("/Inspections/SelfInspection?year=2026")).StatusCode);
        var before = await app.WithDbAsync(db => db.SelfInspectionReports.CountAsync());
        // The leader's page has no report form; the antiforgery token is the account's, read from a page that has one.
        var token = Pages.AntiforgeryToken(await leader.GetStringAsync("/Account/Manage"));
        Assert.NotEmpty(token);
        var post = await leader.PostAsync("/Inspections/SelfInspection?year=2026", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["Quarter"] = "4", ["Summary"] = "领导代报",
        }));
        Assert.True(post.StatusCode == HttpStatusCode.Forbidden || (post.StatusCode == HttpStatusCode.Redirect && post.Headers.Location!.ToString().Contains("Denied", StringComparison.Ordinal)),
            $"{post.StatusCode} {post.Headers.Location}");
        Assert.Equal(before, await app.WithDbAsync(db => db.SelfInspectionReports.CountAsync()));
    }
}
