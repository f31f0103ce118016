using System.Net;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Inspections;

namespace Mingcha.IntegrationTests.Inspections;

/// <summary>
/// INS-19 on a page: the Office reviews a submitted report on the visit's page — returns it with a question, accepts it —
/// and sends the accepted visit's confirmed findings to the unit (INS-9, RCT-1), without the raw API.
/// </summary>
public sealed class VisitReviewPageTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    [Fact]
    [Trait("Rule", "INS-19")]
    [Trait("Rule", "INS-9")]
    public async Task Office_ReturnsAcceptsAndSendsFindings_OnTheVisitPage()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new InspectionKit(app, office);
        var unit = await kit.UnitAsync("审核局");
        var windows = await kit.SectionsAsync(unit, 2);
        await kit.EnsureCatalogueAsync(2026);
        var round = await kit.RoundAsync(2026, teamId: await kit.TeamAsync(await kit.ApprovedSupervisorAsync()));
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/targets", new { sectionIds = windows, reason = "人工指定（测试）" })).ExpectAsync(HttpStatusCode.OK);
        var visits = await kit.VisitsOfAsync(round);
        foreach (var v in visits) await kit.DriveAsync(v, VisitStatus.Submitted, new DateOnly(2026, 11, 12));

        Task<HttpResponseMessage> PostAsync(Guid visit, string handler, Dictionary<string, string> form) =>
            office.PostFormAsync($"/Inspections/Visit/{visit}", handler, form);
        Task<VisitStatus> StatusAsync(Guid visit) => app.WithDbAsync(db => db.Visits.Where(v => v.Id == visit).Select(v => v.Status).SingleAsync());

        // The visit table links the visit to its page; the page offers the decision.
        Assert.Contains($"href=\"/Inspections/Visit/{visits[0]}\"", await office.GetStringAsync("/Inspections/Visits"), StringComparison.Ordinal);
        Assert.Contains("id=\"decide-form\"", await office.GetStringAsync($"/Inspections/Visit/{visits[0]}"), StringComparison.Ordinal);

        // Returned with a question: recorded as the Office's question, shown on the page.
        var returned = await PostAsync(visits[0], "Decide", new() { ["outcome"] = "Returned", ["Note"] = "第五步录像缺失，请说明。" });
        Assert.Equal(HttpStatusCode.Redirect, returned.StatusCode);
        Assert.Equal(VisitStatus.Returned, await StatusAsync(visits[0]));
        Assert.Contains("第五步录像缺失，请说明。", await office.GetStringAsync($"/Inspections/Visit/{visits[0]}"), StringComparison.Ordinal);

        // Accepted, with a confirmed finding: the findings are sent from the page, and only then the unit sees the visit.
        await kit.FindingAsync(visits[1], confirm: true);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(visits[1], "Decide", new() { ["outcome"] = "Accepted" })).StatusCode);
        Assert.Equal(VisitStatus.Accepted, await StatusAsync(visits[1]));
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, unit);
        Assert.DoesNotContain(visits[1].ToString(), await liaison.GetStringAsync("/api/v1/inspections/visits?year=2026"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(visits[1], "SendFindings", [])).StatusCode);
        Assert.NotNull(await app.WithDbAsync(db => db.Visits.Where(v => v.Id == visits[1]).Select(v => v.FindingsSentAt).SingleAsync()));
        Assert.Contains(visits[1].ToString(), await liaison.GetStringAsync("/api/v1/inspections/visits?year=2026"), StringComparison.Ordinal);
        // The unit's liaison cannot open the visit's page (who inspected, the protocol, the review stay with the Office).
        Assert.NotEqual(HttpStatusCode.OK, (await liaison.GetAsync($"/Inspections/Visit/{visits[1]}")).StatusCode);
    }
}
