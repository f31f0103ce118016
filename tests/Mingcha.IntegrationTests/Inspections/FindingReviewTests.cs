using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Inspections;

namespace Mingcha.IntegrationTests.Inspections;

/// <summary>
/// The findings of a covert visit after it: the Office confirms only those of an accepted report (INS-19, SAT-5), the
/// visit's team reads a finding's history (RCT-5 through INS-9's secrecy rule), and a refusal to sign takes a note as
/// long as the record of the refusal leaves room for (INS-8).
/// </summary>
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

    [Fact]
    [Trait("Rule", "RCT-5")]
    [Trait("Rule", "INS-9")]
    public async Task FindingHistory_IsReadByTheVisitsTeam_NotByAnotherTeam()
    {
        app.Clock.Set(MingchaApp.Start);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new InspectionKit(app, office);
        var (member, memberClient) = await app.SignedInAsync(Roles.Supervisor);
        var team = await kit.TeamAsync(await kit.ApprovedSupervisorAsync(member.Id));
        var v = await VisitAsync("历史局", team);
        await v.Kit.DriveAsync(v.VisitId, VisitStatus.Accepted, new DateOnly(2026, 11, 10));
        var finding = await v.Kit.FindingAsync(v.VisitId, confirm: true);

        var history = await memberClient.GetAsync<JsonElement>($"/api/v1/rectification/findings/{finding}/history");
        Assert.Equal(finding, history.GetProperty("findingId").GetGuid());
        Assert.Contains(history.GetProperty("events").EnumerateArray(), e => e.GetProperty("kind").GetString() == "confirmed");

        var (other, otherClient) = await app.SignedInAsync(Roles.Supervisor);
        await kit.TeamAsync(await kit.ApprovedSupervisorAsync(other.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await otherClient.GetAsync($"/api/v1/rectification/findings/{finding}/history")).StatusCode);
        // The unit learns of it only once the findings are sent.
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, v.Unit);
        Assert.Equal(HttpStatusCode.NotFound, (await liaison.GetAsync($"/api/v1/rectification/findings/{finding}/history")).StatusCode);
    }

    [Fact]
    [Trait("Rule", "INS-8")]
    public async Task RefusalToSign_WithANoteLongerThanTheRecordLeavesRoomFor_IsNamedOnTheNote_AndRecordsNothing()
    {
        var v = await VisitAsync("拒签局");
        await v.Kit.DriveAsync(v.VisitId, VisitStatus.InProgress, new DateOnly(2026, 11, 10));
        var pending = await v.Kit.FindingAsync(v.VisitId);
        // "被查单位（张三）拒绝签字确认。" is 15 characters: 1985 are left for the note.
        var tooLong = await v.Office.PostJsonAsync($"/api/v1/inspections/visits/{v.VisitId}/refusal", new { refusedBy = "张三", note = new string('拒', 1986) });
        Assert.Contains("1985", (await tooLong.ExpectFieldErrorAsync("note")).ToString(), StringComparison.Ordinal);
        Assert.Equal(1, await app.WithDbAsync(db => db.Findings.CountAsync(f => f.VisitId == v.VisitId)));
        Assert.Equal(UnitConfirmation.Pending, await app.WithDbAsync(db => db.Findings.Where(f => f.Id == pending).Select(f => f.Confirmation).SingleAsync()));

        await (await v.Office.PostJsonAsync($"/api/v1/inspections/visits/{v.VisitId}/refusal", new { refusedBy = "张三", note = new string('拒', 1985) })).ExpectAsync(HttpStatusCode.NoContent);
        var refusal = await app.WithDbAsync(db => db.Findings.SingleAsync(f => f.VisitId == v.VisitId && f.ItemCode == "D04"));
        Assert.Equal(2000, refusal.Description.Length);
        Assert.Equal(UnitConfirmation.Refused, await app.WithDbAsync(db => db.Findings.Where(f => f.Id == pending).Select(f => f.Confirmation).SingleAsync()));
    }
}
