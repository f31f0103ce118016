using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Inspections;

namespace Mingcha.IntegrationTests.Inspections;

public sealed class AgencyAndDisciplineTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    private sealed record Created(Guid Id);
    private sealed record VisitLineDto(Guid Id);

    private static async Task<Guid> AgencyAsync(HttpClient office, string name)
    {
        var id = (await (await office.PostJsonAsync("/api/v1/agencies", new { name, contractStart = "2026-01-01", contractEnd = "2027-12-31" })).ReadAsync<Created>(HttpStatusCode.Created)).Id;
        await (await office.PostJsonAsync($"/api/v1/inspections/agencies/{id}/contracts", new { tenderReference = $"ZB-{name}", tenderOn = "2025-12-01", expertReview = "五位专家评审，综合得分第一", startsOn = "2026-01-01", endsOn = "2027-12-31" }))
            .ExpectAsync(HttpStatusCode.Created);
        return id;
    }

    /// <summary>
    /// EVD-3: a covert visit's evidence is the Office's and the visit's people's. An agency inspector taken off the visit
    /// loses its evidence case; when the agency leaves its contract, its inspectors lose every case they had.
    /// </summary>
    [Fact]
    [Trait("Rule", "EVD-3")]
    [Trait("Rule", "ORG-4")]
    [Trait("Rule", "INS-9")]
    public async Task AgencyInspector_TakenOffTheVisitOrOutOfContract_LosesItsEvidence()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new InspectionKit(app, office);
        var agency = await AgencyAsync(office, "换人评估公司" + Guid.NewGuid().ToString("N")[..4]);
        async Task<(Guid Id, HttpClient Client)> InspectorAsync(string name)
        {
            var (user, client) = await app.SignedInAsync(Roles.AgencyInspector);
            var id = (await (await office.PostJsonAsync($"/api/v1/inspections/agencies/{agency}/inspectors", new { name, userId = user.Id })).ReadAsync<Created>(HttpStatusCode.Created)).Id;
            await (await office.PostJsonAsync($"/api/v1/inspections/agencies/{agency}/inspectors/{id}/trainings", new { heldOn = "2026-02-10", topic = "暗访八步法", hours = 8, passed = true }))
                .ExpectAsync(HttpStatusCode.Created);
            return (id, client);
        }
        var first = await InspectorAsync("暗访员甲");
        var second = await InspectorAsync("暗访员乙");
        var unit = await kit.UnitAsync("换人对象局");
        var round = await kit.RoundAsync(2026, agencyId: agency);
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/targets", new { sectionIds = await kit.SectionsAsync(unit, 1), reason = "人工指定（测试）" })).ExpectAsync(HttpStatusCode.OK);
        await (await office.PostAsync($"/api/v1/inspections/rounds/{round}/start", null)).ExpectAsync(HttpStatusCode.NoContent);
        var visit = Assert.Single(await kit.VisitsOfAsync(round));
        var caseId = await app.WithDbAsync(db => db.Visits.Where(v => v.Id == visit).Select(v => v.EvidenceCaseId).SingleAsync());
        Assert.NotNull(caseId);

        await (await office.PutJsonAsync($"/api/v1/inspections/visits/{visit}/inspectors", new { supervisorIds = Array.Empty<Guid>(), agencyInspectorIds = new[] { first.Id } }))
            .ExpectAsync(HttpStatusCode.NoContent);
        await (await first.Client.GetAsync($"/api/v1/evidence/cases/{caseId}")).ExpectAsync(HttpStatusCode.OK);
        await (await office.PutJsonAsync($"/api/v1/inspections/visits/{visit}/inspectors", new { supervisorIds = Array.Empty<Guid>(), agencyInspectorIds = new[] { second.Id } }))
            .ExpectAsync(HttpStatusCode.NoContent);
        await (await first.Client.GetAsync($"/api/v1/evidence/cases/{caseId}")).ExpectAsync(HttpStatusCode.NotFound);
        await (await second.Client.GetAsync($"/api/v1/evidence/cases/{caseId}")).ExpectAsync(HttpStatusCode.OK);
        // SEC-3: the withdrawal is kept on the access row and in the audit chain.
        Assert.True(await app.WithDbAsync(db => db.EvidenceCaseInspectors.AnyAsync(a => a.CaseId == caseId && a.WithdrawnAt != null)));

        await (await office.PostAsync($"/api/v1/inspections/agencies/{agency}/assessments/2026", null)).ExpectAsync(HttpStatusCode.OK);
        await (await office.PostJsonAsync($"/api/v1/inspections/agencies/{agency}/assessments/2026/decision", new { decision = "Exit", note = "解除合同" }))
            .ExpectAsync(HttpStatusCode.NoContent);
        await (await second.Client.GetAsync($"/api/v1/evidence/cases/{caseId}")).ExpectAsync(HttpStatusCode.NotFound);
        // INS-9: nor does the agency's inspector still see the planned visit, its round, or start it.
        await (await second.Client.GetAsync($"/api/v1/inspections/visits/{visit}")).ExpectAsync(HttpStatusCode.NotFound);
        Assert.DoesNotContain(visit.ToString(), await second.Client.GetStringAsync("/api/v1/inspections/visits?year=2026"), StringComparison.Ordinal);
        await (await second.Client.GetAsync($"/api/v1/inspections/rounds/{round}")).ExpectAsync(HttpStatusCode.NotFound);
        var start = await second.Client.PostJsonAsync($"/api/v1/inspections/visits/{visit}/start", new { methods = new[] { "OnSiteObservation" } });
        Assert.Equal(HttpStatusCode.NotFound, start.StatusCode);
        Assert.Equal(VisitStatus.Planned, await app.WithDbAsync(db => db.Visits.Where(v => v.Id == visit).Select(v => v.Status).SingleAsync()));
        Assert.All(await app.WithDbAsync(db => db.AgencyInspectors.Where(i => i.AgencyId == agency).Select(i => i.Active).ToListAsync()), Assert.False);
    }

    /// <summary>S0: "第三方机构开展暗访时……严格按照……8个步骤进行": an agency's visit needs all eight steps, whatever its methods.</summary>
    [Fact]
    [Trait("Rule", "INS-11")]
    public async Task AgencyVisit_StartedAsAStakeOut_StillRequiresAllEightSteps()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new InspectionKit(app, office);
        var agency = await AgencyAsync(office, "八步评估公司" + Guid.NewGuid().ToString("N")[..4]);
        var (inspectorUser, inspectorClient) = await app.SignedInAsync(Roles.AgencyInspector);
        var inspector = (await (await office.PostJsonAsync($"/api/v1/inspections/agencies/{agency}/inspectors", new { name = "暗访员李", userId = inspectorUser.Id })).ReadAsync<Created>(HttpStatusCode.Created)).Id;
        await (await office.PostJsonAsync($"/api/v1/inspections/agencies/{agency}/inspectors/{inspector}/trainings", new { heldOn = "2026-02-10", topic = "暗访八步法", hours = 8, passed = true }))
            .ExpectAsync(HttpStatusCode.Created);
        await kit.EnsureCatalogueAsync(2026);
        var unit = await kit.UnitAsync("八步对象局");
        var round = await kit.RoundAsync(2026, agencyId: agency);
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/targets", new { sectionIds = await kit.SectionsAsync(unit, 1), reason = "人工指定（测试）" })).ExpectAsync(HttpStatusCode.OK);
        await (await office.PostAsync($"/api/v1/inspections/rounds/{round}/start", null)).ExpectAsync(HttpStatusCode.NoContent);
        var visit = Assert.Single(await kit.VisitsOfAsync(round));

        await (await inspectorClient.PostJsonAsync($"/api/v1/inspections/visits/{visit}/start", new { methods = new[] { "StakeOut" }, deviceClock = "2026-11-16T02:00:00Z" }))
            .ExpectAsync(HttpStatusCode.OK);
        var protocol = await inspectorClient.GetAsync<JsonElement>($"/api/v1/inspections/visits/{visit}/protocol");
        Assert.All(protocol.GetProperty("steps").EnumerateArray(), step => Assert.True(step.GetProperty("required").GetBoolean()));
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], protocol.GetProperty("analysis").GetProperty("requiredSteps").EnumerateArray().Select(n => n.GetInt32()));
        var refused = await (await inspectorClient.PostJsonAsync($"/api/v1/inspections/visits/{visit}/submit", new { deviceClock = "2026-11-16T03:00:00Z" }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "INS-11");
        Assert.Contains("第 4 步", refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "ORG-4")]
    [Trait("Rule", "INS-13")]
    public async Task Agency_WhenAssessedFromItsVisitsAndExited_KeepsTheFiguresAndEndsTheContract()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new InspectionKit(app, office);
        var agency = await AgencyAsync(office, "甲评估公司");
        var (inspectorUser, inspectorClient) = await app.SignedInAsync(Roles.AgencyInspector);
        var inspector = (await (await office.PostJsonAsync($"/api/v1/inspections/agencies/{agency}/inspectors", new { name = "暗访员王", userId = inspectorUser.Id })).ReadAsync<Created>(HttpStatusCode.Created)).Id;
        await (await office.PostJsonAsync($"/api/v1/inspections/agencies/{agency}/inspectors/{inspector}/trainings", new { heldOn = "2026-02-10", topic = "人社业务、经办要件与办结时限", hours = 16, passed = true }))
            .ExpectAsync(HttpStatusCode.Created);

        var unit = await kit.UnitAsync("考核对象局");
        var sections = await kit.SectionsAsync(unit, 4);
        var round = await kit.RoundAsync(2027, agencyId: agency);
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/targets", new { sectionIds = sections, reason = "人工指定（测试）" })).ExpectAsync(HttpStatusCode.OK);
        var visits = await kit.VisitsOfAsync(round);
        await kit.EnsureCatalogueAsync(2027);
        await kit.DriveAsync(visits[0], VisitStatus.Accepted, new DateOnly(2027, 3, 10), steps: 8, seconds: 50 * 60);
        await kit.DriveAsync(visits[1], VisitStatus.Accepted, new DateOnly(2027, 3, 11), steps: 6, seconds: 20 * 60);
        await kit.DriveAsync(visits[2], VisitStatus.Rejected, new DateOnly(2027, 3, 12), steps: 3, seconds: null);
        await kit.FindingAsync(visits[0]);
        await kit.FindingAsync(visits[0], "S02");

        // INS-13: the agency's inspector sees the agency's visits and nothing else.
        var seen = await inspectorClient.GetAsync<List<VisitLineDto>>("/api/v1/inspections/visits?year=2027");
        Assert.Equal(visits.Order(), seen.Select(v => v.Id).Order());
        var otherRound = await kit.RoundAsync(2027, teamId: await kit.TeamAsync(await kit.ApprovedSupervisorAsync()));
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{otherRound}/targets", new { sectionIds = new[] { await kit.SectionAsync(unit, "另一窗口") }, reason = "人工指定（测试）" })).ExpectAsync(HttpStatusCode.OK);
        var foreign = (await kit.VisitsOfAsync(otherRound)).Single();
        await (await inspectorClient.GetAsync($"/api/v1/inspections/visits/{foreign}")).ExpectAsync(HttpStatusCode.NotFound);
        await (await inspectorClient.GetAsync($"/api/v1/inspections/visits/{visits[0]}")).ExpectAsync(HttpStatusCode.OK);
        await (await inspectorClient.GetAsync($"/api/v1/inspections/rounds/{otherRound}")).ExpectAsync(HttpStatusCode.NotFound);
        await (await inspectorClient.GetAsync($"/api/v1/inspections/rounds/{round}")).ExpectAsync(HttpStatusCode.OK);

        // INS-13: a written opinion, answered by the agency itself.
        var opinion = (await (await office.PostJsonAsync($"/api/v1/inspections/agencies/{agency}/opinions", new { year = 2027, subject = "Duration", text = "3 月查访时间不足 40 分钟，限期整改。" }))
            .ReadAsync<Created>(HttpStatusCode.Created)).Id;
        await (await inspectorClient.PostJsonAsync($"/api/v1/inspections/agency-opinions/{opinion}/answer", new { response = "已组织复训，今后每家查访不少于 40 分钟。" }))
            .ExpectAsync(HttpStatusCode.NoContent);

        var assessment = JsonDocument.Parse(await (await office.PostAsync($"/api/v1/inspections/agencies/{agency}/assessments/2027", null)).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(4, assessment.GetProperty("visits").GetInt32());
        Assert.Equal(2, assessment.GetProperty("accepted").GetInt32());
        Assert.Equal(1, assessment.GetProperty("rejected").GetInt32());
        Assert.Equal(2, assessment.GetProperty("shortVisits").GetInt32());
        Assert.Equal(1, assessment.GetProperty("opinions").GetInt32());
        Assert.Equal(2m / 14m, assessment.GetProperty("depth").GetDecimal(), 4);
        Assert.True(assessment.GetProperty("score").GetDecimal() < 100m);

        await (await office.PostJsonAsync($"/api/v1/inspections/agencies/{agency}/assessments/2027/decision", new { decision = "Exit", note = "质效考核不合格，解除合同" }))
            .ExpectAsync(HttpStatusCode.NoContent);
        var detail = JsonDocument.Parse(await office.GetStringAsync($"/api/v1/inspections/agencies/{agency}")).RootElement;
        Assert.False(detail.GetProperty("underContractToday").GetBoolean());
        Assert.Equal("Exit", detail.GetProperty("assessments")[0].GetProperty("decision").GetString());
        Assert.Single(detail.GetProperty("inspectors")[0].GetProperty("trainings").EnumerateArray());

        // Decided figures are final; an exited agency takes no new round.
        await (await office.PostAsync($"/api/v1/inspections/agencies/{agency}/assessments/2027", null)).ExpectRuleAsync(HttpStatusCode.Conflict, "ORG-4");
        await (await office.PostJsonAsync("/api/v1/inspections/rounds", new { year = 2027, kind = "Covert", campaign = "Routine", title = "退出后", scope = "s", focus = "f", startsOn = "2027-06-01", endsOn = "2027-06-30", agencyId = agency }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "ORG-4");
    }

    [Fact]
    [Trait("Rule", "ORG-4")]
    public async Task AddInspector_WhenTheAccountIsNotAnAgencyInspector_IsRefused()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var agency = await AgencyAsync(office, "乙评估公司");
        var leader = await app.CreateUserAsync(Roles.Leader);
        await (await office.PostJsonAsync($"/api/v1/inspections/agencies/{agency}/inspectors", new { name = "冒名", userId = leader.Id })).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "ORG-4");
        await (await office.PostJsonAsync($"/api/v1/inspections/agencies/{agency}/contracts", new { tenderReference = "ZB-X", tenderOn = "2026-01-01", expertReview = "评审", startsOn = "2027-06-01", endsOn = "2028-05-31" }))
            .ExpectRuleAsync(HttpStatusCode.Conflict, "ORG-4");
    }

    [Fact]
    [Trait("Rule", "ORG-5")]
    public async Task Discipline_WhenInspectorsSignBreachAndAreReferred_KeepsEveryRecord()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new InspectionKit(app, office);
        var supervisor = await kit.ApprovedSupervisorAsync();
        var overview = JsonDocument.Parse(await office.GetStringAsync("/api/v1/inspections/discipline")).RootElement;
        Assert.Contains("不准接受被查单位的宴请", overview.GetProperty("current").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains(overview.GetProperty("notSigned").EnumerateArray(), u => u.GetProperty("inspectorId").GetGuid() == supervisor);

        await (await office.PostJsonAsync("/api/v1/inspections/discipline/pledges", new { inspectorKind = "Supervisor", inspectorId = supervisor })).ExpectAsync(HttpStatusCode.Created);
        await (await office.PostJsonAsync("/api/v1/inspections/discipline/pledges", new { inspectorKind = "Supervisor", inspectorId = supervisor })).ExpectRuleAsync(HttpStatusCode.Conflict, "ORG-5");
        var breach = (await (await office.PostJsonAsync("/api/v1/inspections/discipline/breaches", new { inspectorKind = "Supervisor", inspectorId = supervisor, breach = "Banquet", description = "接受被查单位宴请", occurredOn = "2026-11-10" }))
            .ReadAsync<Created>(HttpStatusCode.Created)).Id;
        await (await office.PostJsonAsync($"/api/v1/inspections/discipline/breaches/{breach}/refer", new { referredTo = "市纪委监委" })).ExpectAsync(HttpStatusCode.NoContent);
        await (await office.PostJsonAsync($"/api/v1/inspections/discipline/breaches/{breach}/refer", new { referredTo = "市纪委监委" })).ExpectRuleAsync(HttpStatusCode.Conflict, "ORG-5");

        // A new version of the rules needs a new signature.
        await (await office.PostJsonAsync("/api/v1/inspections/discipline/rules", new { title = "十不准（修订）", text = "一、不准接受宴请。\n二、不准接受礼品。", effectiveFrom = "2027-01-01" })).ExpectAsync(HttpStatusCode.Created);
        overview = JsonDocument.Parse(await office.GetStringAsync("/api/v1/inspections/discipline")).RootElement;
        Assert.Contains(overview.GetProperty("notSigned").EnumerateArray(), u => u.GetProperty("inspectorId").GetGuid() == supervisor);
        Assert.Equal("Banquet", overview.GetProperty("breaches").EnumerateArray().Single(b => b.GetProperty("id").GetGuid() == breach).GetProperty("breach").GetString());

        // Nothing of it can be deleted (SEC-3).
        await Assert.ThrowsAsync<Mingcha.Web.DomainRuleException>(() => app.WithDbAsync(async db =>
        {
            db.DisciplineBreaches.Remove(await db.DisciplineBreaches.FirstAsync(b => b.Id == breach));
            return await db.SaveChangesAsync();
        }));
    }

    [Fact]
    [Trait("Rule", "ORG-5")]
    public async Task Conflict_WhenEnded_NoLongerExcludesTheUnit()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new InspectionKit(app, office);
        var unit = await kit.UnitAsync("解除回避局");
        await kit.SectionsAsync(unit, 1);
        var supervisor = await kit.ApprovedSupervisorAsync();
        var conflict = (await (await office.PostJsonAsync("/api/v1/inspections/discipline/conflicts", new { inspectorKind = "Supervisor", inspectorId = supervisor, unitId = unit, reason = "借调期间", declaredOn = "2026-01-01" }))
            .ReadAsync<Created>(HttpStatusCode.Created)).Id;
        var round = await kit.RoundAsync(2027, teamId: await kit.TeamAsync(supervisor));
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/draws", new { count = 1, unitIds = new[] { unit } })).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "INS-5");
        await (await office.PostJsonAsync($"/api/v1/inspections/discipline/conflicts/{conflict}/end", new { endedOn = "2026-12-31" })).ExpectAsync(HttpStatusCode.NoContent);
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/draws", new { count = 1, unitIds = new[] { unit } })).ExpectAsync(HttpStatusCode.Created);
    }
}
