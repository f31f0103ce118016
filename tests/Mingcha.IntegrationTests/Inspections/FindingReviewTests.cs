using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Inspections;

namespace Mingcha.IntegrationTests.Inspections;

/// <summary>The findings of a covert visit after it: the Office confirms only those of an accepted report (INS-19, SAT-5).</summary>
public sealed class FindingReviewTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    private sealed record Visit(HttpClient Office, InspectionKit Kit, Guid Unit, Guid Team, Guid VisitId);

    private async Task<Visit> VisitAsync(string unitName, Guid? team = null)
    {
        app.Clock.Set(MingchaApp.Start);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new InspectionKit(app, office);
        var unit = await kit.UnitAsync(unitName);
        await kit.EnsureCatalogueAsync(2026);
        team ??= await kit.TeamAsync(await kit.ApprovedSupervisorAsync());
        var round = await kit.RoundAsync(2026, teamId: team);
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/targets", new { sectionIds = await kit.SectionsAsync(unit, 1), reason = "人工指定（测试）" })).ExpectAsync(HttpStatusCode.OK);
        return new Visit(office, kit, unit, team.Value, Assert.Single(await kit.VisitsOfAsync(round)));
    }

    [Theory]
    [Trait("Rule", "INS-19")]
    [Trait("Rule", "SAT-5")]
    [InlineData(VisitStatus.Rejected)]
    [InlineData(VisitStatus.Submitted)]
    [InlineData(VisitStatus.Returned)]
    public async Task ConfirmingAFinding_OfAVisitNotAccepted_Is409_AndTheFindingStaysUnconfirmed(VisitStatus status)
    {
        var v = await VisitAsync("未采纳局");
        await v.Kit.DriveAsync(v.VisitId, status, new DateOnly(2026, 11, 10));
        var finding = await v.Kit.FindingAsync(v.VisitId);

        await (await v.Office.PostAsync($"/api/v1/rectification/findings/{finding}/confirm", null)).ExpectRuleAsync(HttpStatusCode.Conflict, "INS-19");
        Assert.Null(await app.WithDbAsync(db => db.Findings.Where(f => f.Id == finding).Select(f => f.ReviewedAt).SingleAsync()));
    }

    [Fact]
    [Trait("Rule", "INS-19")]
    public async Task ConfirmingAFinding_OfAnAcceptedVisit_StillWorks()
    {
        var v = await VisitAsync("已采纳局");
        await v.Kit.DriveAsync(v.VisitId, VisitStatus.Accepted, new DateOnly(2026, 11, 10));
        var finding = await v.Kit.FindingAsync(v.VisitId);
        await (await v.Office.PostAsync($"/api/v1/rectification/findings/{finding}/confirm", null)).ExpectAsync(HttpStatusCode.NoContent);
        Assert.NotNull(await app.WithDbAsync(db => db.Findings.Where(f => f.Id == finding).Select(f => f.ReviewedAt).SingleAsync()));
    }
}
