using System.Net;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Inspections;

namespace Mingcha.IntegrationTests.Inspections;

/// <summary>
/// INS-19, INS-9, SEC-3: two changes of one visit or one round made from the same reading — the Office accepting a report
/// while a colleague returns it, a double click on 送达 or on 定稿 — cannot both be stored: the second to save gets 409 and
/// stores nothing (no second audit line, no question left behind on an accepted report). The <see cref="ReadGate"/> holds
/// each request, once it has read the record, until the other has read it too, so the race happens every time, on SQLite
/// and on PostgreSQL.
/// </summary>
public sealed class InspectionConcurrencyTests(RacingApp app) : IClassFixture<RacingApp>
{
    private static readonly DateOnly VisitDay = new(2026, 11, 16);

    private sealed record Setup(HttpClient Office, HttpClient Colleague, InspectionKit Kit, Guid Round, Guid Visit);

    private async Task<Setup> VisitAsync(string unitName, VisitStatus status)
    {
        app.Clock.Set(MingchaApp.Start);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var colleague = await app.ClientAsAsync(Roles.OfficeStaff);
        var kit = new InspectionKit(app, office);
        var unit = await kit.UnitAsync(unitName);
        var round = await kit.RoundAsync(2026, teamId: await kit.TeamAsync(await kit.ApprovedSupervisorAsync()));
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/targets", new { sectionIds = await kit.SectionsAsync(unit, 1), reason = "人工指定（测试）" }))
            .ExpectAsync(HttpStatusCode.OK);
        var visit = Assert.Single(await kit.VisitsOfAsync(round));
        await kit.DriveAsync(visit, status, VisitDay);
        return new Setup(office, colleague, kit, round, visit);
    }

    /// <summary>The audit log's updates of one record that set <paramref name="field"/>.</summary>
    private Task<int> UpdatesAsync(string type, Guid id, string field) =>
        app.WithDbAsync(db => db.AuditEntries.AsNoTracking()
            .CountAsync(a => a.Action == "update" && a.EntityType == type && a.EntityKey == id.ToString() && a.After!.Contains("\"" + field + "\"")));

    private static async Task<HttpResponseMessage> LoserAsync(HttpResponseMessage[] responses)
    {
        Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order());
        var loser = responses.Single(r => r.StatusCode == HttpStatusCode.Conflict);
        await loser.ExpectProblemAsync(HttpStatusCode.Conflict);
        return loser;
    }

    [Fact]
    [Trait("Rule", "INS-19")]
    [Trait("Rule", "SEC-3")]
    public async Task AcceptRacingAReturn_OneDecisionIsStored_TheOtherGets409_AndNoQuestionIsLeftOnAnAcceptedReport()
    {
        var s = await VisitAsync("审核并发局", VisitStatus.Submitted);

        app.Gate.Hold(2, "FROM \"Visits\"");
        var decisions = await Task.WhenAll(
            s.Office.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/decision", new { outcome = "Accepted" }),
            s.Colleague.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/decision", new { outcome = "Returned", note = "第 5 步跟踪的是哪位群众？" }));

        Assert.True(app.Gate.Met, "both requests read the visit before either saved");
        await LoserAsync(decisions);
        var accepted = decisions[0].StatusCode == HttpStatusCode.NoContent;
        var visit = await app.WithDbAsync(db => db.Visits.AsNoTracking().SingleAsync(v => v.Id == s.Visit));
        Assert.Equal(accepted ? VisitStatus.Accepted : VisitStatus.Returned, visit.Status);
        Assert.Equal(accepted ? 0 : 1, await app.WithDbAsync(db => db.VisitReportMessages.AsNoTracking().CountAsync(m => m.VisitId == s.Visit)));
        Assert.Equal(1, await UpdatesAsync("Visit", s.Visit, "DecidedAt"));
    }

    [Fact]
    [Trait("Rule", "INS-9")]
    [Trait("Rule", "SEC-3")]
    public async Task DoubleClickOnSendFindings_SendsOnce_TheSecondGets409_OneAuditLine()
    {
        var s = await VisitAsync("送达并发局", VisitStatus.Accepted);

        app.Gate.Hold(2, "FROM \"Visits\"");
        var sends = await Task.WhenAll(
            s.Office.PostAsync($"/api/v1/inspections/visits/{s.Visit}/send-findings", null),
            s.Office.PostAsync($"/api/v1/inspections/visits/{s.Visit}/send-findings", null));

        Assert.True(app.Gate.Met, "both requests read the visit before either saved");
        await LoserAsync(sends);
        Assert.Equal(1, await UpdatesAsync("Visit", s.Visit, "FindingsSentAt"));
        var caseId = await app.WithDbAsync(db => db.Visits.AsNoTracking().Where(v => v.Id == s.Visit).Select(v => v.EvidenceCaseId!.Value).SingleAsync());
        Assert.Equal(1, await UpdatesAsync("EvidenceCase", caseId, "ReleasedAt"));
    }

    [Fact]
    [Trait("Rule", "INS-8")]
    public async Task DoubleClickOnTheUnitsRefusalToSign_RecordsOneRefusalFinding_TheSecondGets409()
    {
        var s = await VisitAsync("拒签并发局", VisitStatus.InProgress);
        await s.Kit.EnsureCatalogueAsync(2026);
        await s.Kit.FindingAsync(s.Visit);

        app.Gate.Hold(2, "FROM \"Visits\"");
        var refusals = await Task.WhenAll(
            s.Office.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/refusal", new { refusedBy = "张局长", note = "不认可检查结果" }),
            s.Office.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/refusal", new { refusedBy = "张局长", note = "不认可检查结果" }));

        Assert.True(app.Gate.Met, "both requests read the visit before either saved");
        await LoserAsync(refusals);
        Assert.Equal(1, await app.WithDbAsync(db => db.Findings.AsNoTracking().CountAsync(f => f.VisitId == s.Visit && f.ItemCode == "D04")));
    }

    [Theory]
    [Trait("Rule", "INS-9")]
    [Trait("Rule", "SEC-3")]
    [InlineData("decide", "PlannedAt")]
    [InlineData("start", "StartedAt")]
    [InlineData("close", "ClosedAt")]
    public async Task DoubleClickOnDecideStartOrCloseARound_DoesItOnce_TheSecondGets409_OneAuditLine(string action, string field)
    {
        app.Clock.Set(MingchaApp.Start);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new InspectionKit(app, office);
        var round = await kit.RoundAsync(2026, teamId: await kit.TeamAsync(await kit.ApprovedSupervisorAsync()), decide: action != "decide");
        if (action == "close") await (await office.PostAsync($"/api/v1/inspections/rounds/{round}/start", null)).ExpectAsync(HttpStatusCode.NoContent);

        app.Gate.Hold(2, "FROM \"InspectionRounds\"");
        var clicks = await Task.WhenAll(
            office.PostAsync($"/api/v1/inspections/rounds/{round}/{action}", null),
            office.PostAsync($"/api/v1/inspections/rounds/{round}/{action}", null));

        Assert.True(app.Gate.Met, "both requests read the round before either saved");
        await LoserAsync(clicks);
        Assert.Equal(1, await UpdatesAsync("InspectionRound", round, field));
    }

    [Fact]
    [Trait("Rule", "RCT-1")]
    public async Task ConfirmRacingADrop_OneReviewIsStored_TheOtherGets409()
    {
        var s = await VisitAsync("认定并发局", VisitStatus.Accepted);
        await s.Kit.EnsureCatalogueAsync(2026);
        var finding = await s.Kit.FindingAsync(s.Visit);

        app.Gate.Hold(2, "FROM \"Findings\"");
        var reviews = await Task.WhenAll(
            s.Office.PostAsync($"/api/v1/rectification/findings/{finding}/confirm", null),
            s.Colleague.PostJsonAsync($"/api/v1/rectification/findings/{finding}/drop", new { reason = "录像显示已放置告示牌" }));

        Assert.True(app.Gate.Met, "both requests read the finding before either saved");
        await LoserAsync(reviews);
        var confirmed = reviews[0].StatusCode == HttpStatusCode.NoContent;
        var stored = await app.WithDbAsync(db => db.Findings.AsNoTracking().SingleAsync(f => f.Id == finding));
        Assert.Equal(confirmed ? FindingStatus.Confirmed : FindingStatus.Dropped, stored.Status);
        Assert.Equal(confirmed ? null : "录像显示已放置告示牌", stored.DropReason);
        Assert.Equal(1, await UpdatesAsync("Finding", finding, "ReviewedAt"));
    }
    /// <summary>
    /// ORG-4, INS-13 (decision 039): the Office keeping an agency while a colleague ends its contract, at the same moment.
    /// Before the assessment's version both were stored, the last one winning over the first's answer: "continued" stored
    /// over an exit whose contract was already ended and whose inspectors were already out.
    /// </summary>
    [Fact]
    [Trait("Rule", "ORG-4")]
    [Trait("Rule", "INS-13")]
    public async Task ContinueRacingAnExit_OneDecisionIsStored_TheOtherGets409_AndTheContractIsEndedOnlyByAnExit()
    {
        app.Clock.Set(MingchaApp.Start);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var colleague = await app.ClientAsAsync(Roles.OfficeStaff);
        var agency = (await (await office.PostJsonAsync("/api/v1/agencies", new { name = "并发考核机构" + Guid.NewGuid().ToString("N")[..6], contractStart = "2026-01-01", contractEnd = "2027-12-31" }))
            .ReadAsync<Created>(HttpStatusCode.Created)).Id;
        await (await office.PostJsonAsync($"/api/v1/inspections/agencies/{agency}/contracts", new
        {
            tenderReference = "SZ-2026-01", tenderOn = "2025-12-01", expertReview = "专家评审通过", startsOn = "2026-01-01", endsOn = "2027-12-31",
        })).ExpectAsync(HttpStatusCode.Created);
        await (await office.PostAsync($"/api/v1/inspections/agencies/{agency}/assessments/2026", null)).ExpectAsync(HttpStatusCode.OK);
        var assessment = await app.WithDbAsync(db => db.AgencyAssessments.AsNoTracking().Where(a => a.AgencyId == agency && a.Year == 2026).Select(a => a.Id).SingleAsync());

        app.Gate.Hold(2, "FROM \"AgencyAssessments\"");
        var decisions = await Task.WhenAll(
            office.PostJsonAsync($"/api/v1/inspections/agencies/{agency}/assessments/2026/decision", new { decision = "Continue", note = "考核合格，续用" }),
            colleague.PostJsonAsync($"/api/v1/inspections/agencies/{agency}/assessments/2026/decision", new { decision = "Exit", note = "质效不达标，解除合同" }));

        Assert.True(app.Gate.Met, "both requests read the assessment before either saved");
        await LoserAsync(decisions);
        var continued = decisions[0].StatusCode == HttpStatusCode.NoContent;
        var stored = await app.WithDbAsync(db => db.AgencyAssessments.AsNoTracking().SingleAsync(a => a.Id == assessment));
        Assert.Equal(continued ? AgencyDecision.Continue : AgencyDecision.Exit, stored.Decision);
        Assert.Equal(continued ? "考核合格，续用" : "质效不达标，解除合同", stored.DecisionNote);
        Assert.Equal(!continued, await app.WithDbAsync(db => db.AgencyContracts.AsNoTracking().AnyAsync(c => c.AgencyId == agency && c.TerminatedOn != null)));
        Assert.Equal(1, await UpdatesAsync("AgencyAssessment", assessment, "Decision"));
    }

    private sealed record Created(Guid Id);
}
