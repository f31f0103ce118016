using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Inspections;

namespace Mingcha.IntegrationTests.Inspections;

public sealed class InspectionApiTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    private sealed record Created(Guid Id);
    private sealed record DrawDto(Guid Id, string Seed, string InputHash, int Eligible, int Excluded, int Mandatory, int Preferred, List<Guid> Drawn);
    private sealed record VerificationDto(bool InputHashMatches, bool ResultMatches, List<Guid> Recorded, List<Guid> Rerun);
    private sealed record TargetDto(Guid Id, Guid SectionId, Guid UnitId, TargetSource Source);
    private sealed record RoundDto(Guid Id, RoundStatus Status, List<TargetDto> Targets);

    private async Task<(HttpClient Office, InspectionKit Kit)> OfficeAsync()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        return (office, new InspectionKit(app, office));
    }

    /// <summary>INS-5: covert targets are drawn; one chosen by hand says why (a complaint clue), and the round shows it.</summary>
    [Fact]
    [Trait("Rule", "INS-5")]
    public async Task ChooseTargets_ByHandInACovertRound_NeedsAReason_ShownWithTheTarget()
    {
        var (office, kit) = await OfficeAsync();
        var unit = await kit.UnitAsync("线索局");
        var sections = await kit.SectionsAsync(unit, 2);
        var covert = await kit.RoundAsync(2033, teamId: await kit.TeamAsync(await kit.ApprovedSupervisorAsync()));
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{covert}/targets", new { sectionIds = new[] { sections[0] } }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "INS-5");
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{covert}/targets", new { sectionIds = new[] { sections[0] }, reason = "  " }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "INS-5");
        Assert.Equal(0, await app.WithDbAsync(db => db.RoundTargets.CountAsync(t => t.RoundId == covert)));

        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{covert}/targets", new { sectionIds = new[] { sections[0] }, reason = "12345 热线反映窗口长期无人" }))
            .ExpectAsync(HttpStatusCode.OK);
        var detail = JsonDocument.Parse(await office.GetStringAsync($"/api/v1/inspections/rounds/{covert}")).RootElement;
        var target = detail.GetProperty("targets").EnumerateArray().Single();
        Assert.Equal("Chosen", target.GetProperty("source").GetString());
        Assert.Equal("12345 热线反映窗口长期无人", target.GetProperty("reason").GetString());
        Assert.Contains("12345 热线反映窗口长期无人", await office.GetStringAsync($"/Inspections/Round?id={covert}"), StringComparison.Ordinal);

        // An open round's targets are the Office's choice (full coverage, re-checks): no reason needed.
        var open = await kit.RoundAsync(2033, kind: "Open", teamId: await kit.TeamAsync(await kit.ApprovedSupervisorAsync()));
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{open}/targets", new { sectionIds = new[] { sections[1] } })).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    [Trait("Rule", "INS-10")]
    [Trait("Rule", "INS-19")]
    [Trait("Rule", "INS-17")]
    public async Task Progress_WhenVisitsAreAcceptedAndRejected_CountsOnlyAcceptedByKindAndMonth()
    {
        var (office, kit) = await OfficeAsync();
        const int year = 2031;
        await (await office.PutJsonAsync($"/api/v1/inspections/plans/{year}", new { title = "2031 计划", totalVisitsTarget = 12, visitsPerWindowUnit = 2, visitsPerHall = 2, outletSharePercent = 50 }))
            .ExpectAsync(HttpStatusCode.Created);
        var unit = await kit.UnitAsync("进度局");
        var windows = await kit.SectionsAsync(unit, 2);
        var round = await kit.RoundAsync(year, teamId: await kit.TeamAsync(await kit.ApprovedSupervisorAsync()));
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/targets", new { sectionIds = windows, reason = "人工指定（测试）" })).ExpectAsync(HttpStatusCode.OK);
        var visits = await kit.VisitsOfAsync(round);
        await kit.EnsureCatalogueAsync(year);
        await kit.DriveAsync(visits[0], VisitStatus.Accepted, new DateOnly(year, 3, 5));
        await kit.DriveAsync(visits[1], VisitStatus.Rejected, new DateOnly(year, 3, 6));
        await kit.FindingAsync(visits[0]);
        await kit.FindingAsync(visits[1]);

        var progress = JsonDocument.Parse(await office.GetStringAsync($"/api/v1/inspections/plans/{year}/progress")).RootElement.GetProperty("progress");
        Assert.Equal(1, progress.GetProperty("totalVisits").GetInt32());
        var march = progress.GetProperty("byMonth")[2];
        Assert.Equal(1, march.GetProperty("window").GetInt32());
        Assert.Equal(1, march.GetProperty("findings").GetInt32());
        var window = progress.GetProperty("byKind").EnumerateArray().Single(k => k.GetProperty("kind").GetString() == "Window");
        Assert.Equal(1, window.GetProperty("sectionsVisited").GetInt32());
        Assert.Equal(0, window.GetProperty("sectionsMeetingTarget").GetInt32());
        Assert.Equal(1, JsonDocument.Parse(await office.GetStringAsync($"/api/v1/inspections/plans/{year}/progress")).RootElement.GetProperty("visitsRejected").GetInt32());

        // The round report (INS-17) counts the accepted visit's finding only, and says it still awaits the Office's confirmation (RCT-1).
        var report = JsonDocument.Parse(await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/reports", new { scope = "Round" }))
            .Content.ReadAsStringAsync()).RootElement.GetProperty("body").GetString()!;
        Assert.Contains("共发现问题 1 个", report, StringComparison.Ordinal);
        Assert.Contains("其中 1 个尚待效能办确认", report, StringComparison.Ordinal);
    }

    /// <summary>
    /// INS-17, INS-9: in a round of two teams, an inspector reads their own team's report only: not the other team's (its
    /// targets and findings) nor the round's, which the Office writes and which names every team's targets.
    /// </summary>
    [Fact]
    [Trait("Rule", "INS-17")]
    [Trait("Rule", "INS-9")]
    public async Task RoundReports_OfATwoTeamRound_AreReadByTheirOwnTeamOnly()
    {
        var (office, kit) = await OfficeAsync();
        var (userA, inspectorA) = await app.SignedInAsync(Roles.Supervisor);
        var teamA = await kit.TeamAsync(await kit.ApprovedSupervisorAsync(userA.Id));
        var teamB = await kit.TeamAsync(await kit.ApprovedSupervisorAsync());
        var round = (await (await office.PostJsonAsync("/api/v1/inspections/rounds", new
        {
            year = 2034, kind = "Covert", campaign = "Routine", title = "两组暗访", scope = "窗口单位", focus = "工作纪律",
            plannedTargets = 2, startsOn = "2034-03-01", endsOn = "2034-12-20", teamIds = new[] { teamA, teamB },
        })).ReadAsync<ReportIdDto>(HttpStatusCode.Created)).Id;
        async Task<Guid> ReportAsync(object body) => (await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/reports", body)).ReadAsync<ReportIdDto>(HttpStatusCode.Created)).Id;
        var ofA = await ReportAsync(new { scope = "Team", teamId = teamA });
        var ofB = await ReportAsync(new { scope = "Team", teamId = teamB });
        var ofRound = await ReportAsync(new { scope = "Round" });

        var listed = await inspectorA.GetAsync<List<ReportIdDto>>($"/api/v1/inspections/rounds/{round}/reports");
        Assert.Equal([ofA], listed.Select(r => r.Id));
        await (await inspectorA.GetAsync($"/api/v1/inspections/round-reports/{ofA}")).ExpectAsync(HttpStatusCode.OK);
        await (await inspectorA.GetAsync($"/api/v1/inspections/round-reports/{ofB}")).ExpectAsync(HttpStatusCode.NotFound);
        await (await inspectorA.GetAsync($"/api/v1/inspections/round-reports/{ofRound}")).ExpectAsync(HttpStatusCode.NotFound);
        await (await inspectorA.PutJsonAsync($"/api/v1/inspections/round-reports/{ofB}", new { title = "改写", body = "改写他组报告" })).ExpectAsync(HttpStatusCode.NotFound);
        // The Office reads them all.
        Assert.Equal(3, (await office.GetAsync<List<ReportIdDto>>($"/api/v1/inspections/rounds/{round}/reports")).Count);
    }

    private sealed record ReportIdDto(Guid Id);

    [Fact]
    [Trait("Rule", "INS-10")]
    public async Task SavePlan_WhenShareAbove100_IsRefused()
    {
        var (office, _) = await OfficeAsync();
        var r = await office.PutJsonAsync("/api/v1/inspections/plans/2032", new { title = "x", totalVisitsTarget = 1, visitsPerWindowUnit = 2, visitsPerHall = 2, outletSharePercent = 150 });
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
    }

    [Fact]
    [Trait("Rule", "INS-5")]
    public async Task Draw_WhenReRunByTheAuditor_GivesTheSameTargetsAndDetectsATamperedRecord()
    {
        var (office, kit) = await OfficeAsync();
        var unit = await kit.UnitAsync("抽签局");
        await kit.SectionsAsync(unit, 12);
        var round = await kit.RoundAsync(2027, teamId: await kit.TeamAsync(await kit.ApprovedSupervisorAsync()));
        var draw = await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/draws", new { count = 4, seed = "20261116", unitIds = new[] { unit } })).ReadAsync<DrawDto>(HttpStatusCode.Created);
        Assert.Equal(4, draw.Drawn.Distinct().Count());
        Assert.Equal(12, draw.Eligible);
        Assert.Equal("20261116", draw.Seed);

        var auditor = await app.ClientAsAsync(Roles.Auditor);
        var check = await (await auditor.PostAsync($"/api/v1/inspections/draws/{draw.Id}/verify", null)).ReadAsync<VerificationDto>();
        Assert.True(check.InputHashMatches);
        Assert.True(check.ResultMatches);
        Assert.Equal(draw.Drawn, check.Rerun);

        // The same seed over the same eligible list in another round draws the same sections in the same order.
        var round2 = await kit.RoundAsync(2027, teamId: await kit.TeamAsync(await kit.ApprovedSupervisorAsync()));
        var again = await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round2}/draws", new { count = 4, seed = "20261116", unitIds = new[] { unit } })).ReadAsync<DrawDto>(HttpStatusCode.Created);
        Assert.Equal(draw.Drawn, again.Drawn);
        Assert.Equal(draw.InputHash, again.InputHash);

        // A record changed behind the application's back no longer re-runs to itself.
        await app.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE \"RoundDraws\" SET \"Seed\" = 1 WHERE \"Id\" = {draw.Id}"));
        var tampered = await (await auditor.PostAsync($"/api/v1/inspections/draws/{draw.Id}/verify", null)).ReadAsync<VerificationDto>();
        Assert.False(tampered.ResultMatches);

        var round3 = await (await office.GetAsync($"/api/v1/inspections/rounds/{round}")).ReadAsync<RoundDto>();
        Assert.Equal(draw.Drawn.Order(), round3.Targets.Select(t => t.SectionId).Order());
        Assert.All(round3.Targets, t => Assert.Equal(TargetSource.Drawn, t.Source));
    }

    [Fact]
    [Trait("Rule", "INS-5")]
    public async Task Draw_WhenFewerEligibleThanAsked_IsRefusedNamingTheRule()
    {
        var (office, kit) = await OfficeAsync();
        var unit = await kit.UnitAsync("小局");
        await kit.SectionsAsync(unit, 2);
        var round = await kit.RoundAsync(2027, teamId: await kit.TeamAsync(await kit.ApprovedSupervisorAsync()));
        var problem = await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/draws", new { count = 3, unitIds = new[] { unit } }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "INS-5");
        Assert.Contains("2", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "ORG-5")]
    public async Task Draw_WhenAnInspectorDeclaredAConflict_ExcludesThatUnitAndSaysSo()
    {
        var (office, kit) = await OfficeAsync();
        var conflicted = await kit.UnitAsync("亲属所在局");
        var clean = await kit.UnitAsync("无关局");
        await kit.SectionsAsync(conflicted, 3);
        var cleanSections = await kit.SectionsAsync(clean, 3);
        var supervisor = await kit.ApprovedSupervisorAsync();
        await (await office.PostJsonAsync("/api/v1/inspections/discipline/conflicts", new { inspectorKind = "Supervisor", inspectorId = supervisor, unitId = conflicted, reason = "配偶在该局工作", declaredOn = "2026-01-01" }))
            .ExpectAsync(HttpStatusCode.Created);
        var round = await kit.RoundAsync(2027, teamId: await kit.TeamAsync(supervisor));

        var draw = await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/draws", new { count = 3, unitIds = new[] { conflicted, clean } })).ReadAsync<DrawDto>(HttpStatusCode.Created);
        Assert.Equal(cleanSections.Order(), draw.Drawn.Order());
        Assert.Equal(3, draw.Excluded);

        var refused = await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/draws", new { count = 1, unitIds = new[] { conflicted } }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "INS-5");
        Assert.Contains("ORG-5", refused.GetProperty("title").GetString(), StringComparison.Ordinal);

        // Choosing the unit by hand is refused as well.
        var section = (await app.WithDbAsync(db => db.Sections.Where(s => s.UnitId == conflicted).Select(s => s.Id).ToListAsync()))[0];
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/targets", new { sectionIds = new[] { section }, reason = "人工指定（测试）" })).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "ORG-5");
    }

    /// <summary>
    /// ORG-5: a conflict declared after the round began (the round runs from 1 March, the conflict from 1 June) still
    /// keeps the unit out of the round's draw and targets: the visits would be made while it is in force.
    /// </summary>
    [Fact]
    [Trait("Rule", "ORG-5")]
    public async Task Draw_WhenAConflictBeginsDuringTheRound_StillExcludesThatUnit()
    {
        var (office, kit) = await OfficeAsync();
        var conflicted = await kit.UnitAsync("年中申报局");
        var clean = await kit.UnitAsync("年中无关局");
        var conflictedSections = await kit.SectionsAsync(conflicted, 2);
        var cleanSections = await kit.SectionsAsync(clean, 2);
        var supervisor = await kit.ApprovedSupervisorAsync();
        var round = await kit.RoundAsync(2026, teamId: await kit.TeamAsync(supervisor));
        await (await office.PostJsonAsync("/api/v1/inspections/discipline/conflicts", new { inspectorKind = "Supervisor", inspectorId = supervisor, unitId = conflicted, reason = "子女入职该局", declaredOn = "2026-06-01" }))
            .ExpectAsync(HttpStatusCode.Created);

        var draw = await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/draws", new { count = 2, unitIds = new[] { conflicted, clean } })).ReadAsync<DrawDto>(HttpStatusCode.Created);
        Assert.Equal(cleanSections.Order(), draw.Drawn.Order());
        Assert.Equal(2, draw.Excluded);
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/targets", new { sectionIds = new[] { conflictedSections[0] }, reason = "人工指定（测试）" }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "ORG-5");
    }

    /// <summary>
    /// INS-9, ORG-5: a supervisor recommended by a department (S1 art. 3) is never on a team that visits it: the team's
    /// members see its planned visits, so that department would learn of a covert visit before it happens.
    /// </summary>
    [Fact]
    [Trait("Rule", "INS-9")]
    [Trait("Rule", "ORG-5")]
    public async Task Draw_NeverGivesATeamTheUnitThatRecommendedOneOfItsSupervisors()
    {
        var (office, kit) = await OfficeAsync();
        var home = await kit.UnitAsync("推荐局");
        var other = await kit.UnitAsync("他局");
        var homeSections = await kit.SectionsAsync(home, 2);
        var otherSections = await kit.SectionsAsync(other, 2);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var supervisor = (await (await office.PostJsonAsync("/api/v1/supervisors", new { code = $"sup-{tag}", name = "推荐监督员", recommendedByUnitId = home }))
            .ReadAsync<InspectionKit.IdDto>(HttpStatusCode.Created)).Id;
        await (await office.PostAsync($"/api/v1/supervisors/{supervisor}/approve", null)).ExpectAsync(HttpStatusCode.NoContent);
        var round = await kit.RoundAsync(2034, teamId: await kit.TeamAsync(supervisor));

        var draw = await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/draws", new { count = 2, seed = "20341201", unitIds = new[] { home, other } })).ReadAsync<DrawDto>(HttpStatusCode.Created);
        Assert.Equal(otherSections.Order(), draw.Drawn.Order());
        Assert.Equal(2, draw.Excluded);
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/targets", new { sectionIds = new[] { homeSections[0] }, reason = "线索" }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "ORG-5");
        Assert.DoesNotContain(await app.WithDbAsync(db => db.RoundTargets.Where(t => t.RoundId == round).Select(t => t.UnitId).ToListAsync()), u => u == home);
    }

    [Fact]
    [Trait("Rule", "INS-4")]
    public async Task Draw_WhenTheUnitsLastInspectionFoundProblems_TakesItFirstAsMandatory()
    {
        var (office, kit) = await OfficeAsync();
        var unit = await kit.UnitAsync("复查局");
        var sections = await kit.SectionsAsync(unit, 10);
        var team = await kit.TeamAsync(await kit.ApprovedSupervisorAsync());
        await kit.EnsureCatalogueAsync(2027);
        var first = await kit.RoundAsync(2027, teamId: team);
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{first}/targets", new { sectionIds = new[] { sections[7] }, reason = "人工指定（测试）" })).ExpectAsync(HttpStatusCode.OK);
        var visit = (await kit.VisitsOfAsync(first)).Single();
        await kit.DriveAsync(visit, VisitStatus.Accepted, new DateOnly(2027, 4, 1));
        await kit.FindingAsync(visit, confirm: true);

        var next = await kit.RoundAsync(2027, teamId: team);
        // A routine round may not leave the re-check out.
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{next}/draws", new { count = 2, seed = "7", unitIds = new[] { unit }, includeRechecks = false }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "INS-4");
        var draw = await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{next}/draws", new { count = 2, seed = "7", unitIds = new[] { unit } })).ReadAsync<DrawDto>(HttpStatusCode.Created);
        Assert.Equal(sections[7], draw.Drawn[0]);
        Assert.Equal(1, draw.Mandatory);
        var round = await (await office.GetAsync($"/api/v1/inspections/rounds/{next}")).ReadAsync<RoundDto>();
        Assert.Equal(TargetSource.Mandatory, round.Targets.Single(t => t.SectionId == sections[7]).Source);
    }

    /// <summary>
    /// INS-4: problems found by the last inspection include its spot check's missing items (P02), not only its findings: the
    /// unit is re-checked in the next round. A unit whose last inspection found nothing is not.
    /// </summary>
    [Fact]
    [Trait("Rule", "INS-4")]
    public async Task Draw_WhenTheLastOpenInspectionsSpotCheckFoundItemsMissing_TakesTheUnitAsMandatory()
    {
        // INS-4, ORG-3: the spot checks are the team's approved supervisor's, on a day of the round that has come.
        app.Clock.Set(new DateTimeOffset(2029, 4, 2, 2, 0, 0, TimeSpan.Zero));
        try { await LastInspectionsMissingItemsAsync(); }
        finally { app.Clock.Set(MingchaApp.Start); }
    }

    private async Task LastInspectionsMissingItemsAsync()
    {
        var (office, kit) = await OfficeAsync();
        var missing = await kit.UnitAsync("缺项局");
        var complete = await kit.UnitAsync("齐全局");
        var missingSections = await kit.SectionsAsync(missing, 4);
        var completeSections = await kit.SectionsAsync(complete, 4);
        var (supervisorUser, supervisor) = await app.SignedInAsync(Roles.Supervisor);
        var team = await kit.TeamAsync(await kit.ApprovedSupervisorAsync(supervisorUser.Id));
        await kit.EnsureCatalogueAsync(2029);
        var first = await kit.RoundAsync(2029, kind: "Open", teamId: team);
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{first}/targets", new { sectionIds = new[] { missingSections[2], completeSections[1] }, reason = "人工指定（测试）" })).ExpectAsync(HttpStatusCode.OK);
        foreach (var visit in await kit.VisitsOfAsync(first))
        {
            await kit.DriveAsync(visit, VisitStatus.Accepted, new DateOnly(2029, 4, 1));
            var unit = await app.WithDbAsync(db => db.Visits.Where(v => v.Id == visit).Select(v => v.UnitId).SingleAsync());
            if (unit != missing) continue; // the other visit found nothing: no finding, no spot check
            await (await supervisor.PostJsonAsync("/api/v1/inspections/spot-checks", new
            {
                unitId = unit, visitId = visit, title = "明查核查", checkedOn = "2029-04-01",
                items = new object[] { new { name = "首问负责登记簿", present = false } },
            })).ExpectAsync(HttpStatusCode.Created);
        }

        var next = await kit.RoundAsync(2029, kind: "Open", teamId: team);
        var draw = await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{next}/draws", new { count = 3, seed = "11", unitIds = new[] { missing, complete } }))
            .ReadAsync<DrawDto>(HttpStatusCode.Created);
        Assert.Equal(1, draw.Mandatory);
        Assert.Equal(missingSections[2], draw.Drawn[0]);
        var round = await (await office.GetAsync($"/api/v1/inspections/rounds/{next}")).ReadAsync<RoundDto>();
        Assert.Equal(TargetSource.Mandatory, round.Targets.Single(t => t.SectionId == missingSections[2]).Source);
        Assert.DoesNotContain(round.Targets, t => t.Source == TargetSource.Mandatory && completeSections.Contains(t.SectionId));
    }

    [Fact]
    [Trait("Rule", "INS-4")]
    public async Task Draw_WhenOpenRound_PrefersUnitsWithoutAnOpenInspectionThisYear()
    {
        var (office, kit) = await OfficeAsync();
        var covered = await kit.UnitAsync("已明查局");
        var uncovered = await kit.UnitAsync("未明查局");
        var coveredSections = await kit.SectionsAsync(covered, 5);
        var uncoveredSections = await kit.SectionsAsync(uncovered, 2);
        var team = await kit.TeamAsync(await kit.ApprovedSupervisorAsync());
        var earlier = await kit.RoundAsync(2028, kind: "Open", teamId: team);
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{earlier}/targets", new { sectionIds = new[] { coveredSections[0] }, reason = "人工指定（测试）" })).ExpectAsync(HttpStatusCode.OK);
        await kit.VisitsOfAsync(earlier);

        var round = await kit.RoundAsync(2028, kind: "Open", teamId: team);
        var draw = await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/draws", new { count = 2, unitIds = new[] { covered, uncovered } })).ReadAsync<DrawDto>(HttpStatusCode.Created);
        Assert.Equal(uncoveredSections.Order(), draw.Drawn.Order());
        Assert.Equal(2, draw.Preferred);
    }

    [Fact]
    [Trait("Rule", "INS-9")]
    public async Task Round_WhenPlanNotDecided_CannotStartAndADecidedPlanCannotChange()
    {
        var (office, kit) = await OfficeAsync();
        var team = await kit.TeamAsync(await kit.ApprovedSupervisorAsync());
        var draft = await kit.RoundAsync(2027, teamId: team, decide: false);
        await (await office.PostAsync($"/api/v1/inspections/rounds/{draft}/start", null)).ExpectRuleAsync(HttpStatusCode.Conflict, "INS-9");

        var noPeople = await kit.RoundAsync(2027, decide: false);
        await (await office.PostAsync($"/api/v1/inspections/rounds/{noPeople}/decide", null)).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "INS-9");

        await (await office.PostAsync($"/api/v1/inspections/rounds/{draft}/decide", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await office.PutJsonAsync($"/api/v1/inspections/rounds/{draft}/plan", new { title = "改", scope = "s", focus = "f", plannedTargets = 1, startsOn = "2027-03-01", endsOn = "2027-04-01" }))
            .ExpectRuleAsync(HttpStatusCode.Conflict, "INS-9");
        await (await office.PostAsync($"/api/v1/inspections/rounds/{draft}/start", null)).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal(RoundStatus.Running, (await (await office.GetAsync($"/api/v1/inspections/rounds/{draft}")).ReadAsync<RoundDto>()).Status);
        // SEC-3: the plan's people are in the audit chain.
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "round.people" && a.EntityKey == draft.ToString() && a.After!.Contains(team.ToString()))));
    }

    [Fact]
    [Trait("Rule", "ORG-5")]
    public async Task AssignInspectors_WhenOneDeclaredAConflictWithTheUnit_IsRefused()
    {
        var (office, kit) = await OfficeAsync();
        var unit = await kit.UnitAsync("回避局");
        var section = await kit.SectionAsync(unit, "综合窗口");
        var a = await kit.ApprovedSupervisorAsync();
        var b = await kit.ApprovedSupervisorAsync();
        var round = await kit.RoundAsync(2027, teamId: await kit.TeamAsync(a, b));
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/targets", new { sectionIds = new[] { section }, reason = "人工指定（测试）" })).ExpectAsync(HttpStatusCode.OK);
        var visit = (await kit.VisitsOfAsync(round)).Single();
        await (await office.PostJsonAsync("/api/v1/inspections/discipline/conflicts", new { inspectorKind = "Supervisor", inspectorId = b, unitId = unit, sectionId = section, reason = "曾在该窗口工作", declaredOn = "2026-01-01" }))
            .ExpectAsync(HttpStatusCode.Created);

        await (await office.PutJsonAsync($"/api/v1/inspections/visits/{visit}/inspectors", new { supervisorIds = new[] { a, b }, agencyInspectorIds = Array.Empty<Guid>() }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "ORG-5");
        await (await office.PutJsonAsync($"/api/v1/inspections/visits/{visit}/inspectors", new { supervisorIds = new[] { a }, agencyInspectorIds = Array.Empty<Guid>() }))
            .ExpectAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    [Trait("Rule", "ORG-5")]
    public async Task AssignInspectors_ToAnUnplannedVisitAtOneInTheMorning_JudgesTheConflictByTheOfficesDay()
    {
        var before = app.Clock.GetUtcNow();
        try
        {
            // 01:00 on 17 November 2027 in Beijing is still 16 November in UTC; the conflict is declared from the 17th.
            app.Clock.Set(new DateTimeOffset(2027, 11, 16, 17, 0, 0, TimeSpan.Zero));
            var (office, kit) = await OfficeAsync();
            var unit = await kit.UnitAsync("凌晨回避局");
            var section = await kit.SectionAsync(unit, "综合窗口");
            var a = await kit.ApprovedSupervisorAsync();
            var round = await kit.RoundAsync(2027, teamId: await kit.TeamAsync(a));
            await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/targets", new { sectionIds = new[] { section }, reason = "人工指定（测试）" })).ExpectAsync(HttpStatusCode.OK);
            var visit = (await kit.VisitsOfAsync(round)).Single();
            await (await office.PostJsonAsync("/api/v1/inspections/discipline/conflicts", new { inspectorKind = "Supervisor", inspectorId = a, unitId = unit, reason = "配偶今日入职该局", declaredOn = "2027-11-17" }))
                .ExpectAsync(HttpStatusCode.Created);

            await (await office.PutJsonAsync($"/api/v1/inspections/visits/{visit}/inspectors", new { supervisorIds = new[] { a }, agencyInspectorIds = Array.Empty<Guid>() }))
                .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "ORG-5");
        }
        finally
        {
            app.Clock.Set(before);
        }
    }

    [Fact]
    [Trait("Rule", "INS-18")]
    public async Task Catalogue_WhenAnItemsPointsChange_OldFindingsKeepThePointsTheyHad()
    {
        var (office, kit) = await OfficeAsync();
        await kit.EnsureCatalogueAsync(2029);
        var catalogue = JsonDocument.Parse(await office.GetStringAsync("/api/v1/inspections/catalogues/2029")).RootElement;
        var items = catalogue.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(20, items.Count(i => i.GetProperty("group").GetString() == "Annex"));
        Assert.Equal(8, items.Count(i => i.GetProperty("group").GetString() == "EfficiencySystem"));
        var s07 = items.Single(i => i.GetProperty("code").GetString() == "S07");

        var unit = await kit.UnitAsync("快照局");
        var section = await kit.SectionAsync(unit, "窗口");
        var round = await kit.RoundAsync(2029, teamId: await kit.TeamAsync(await kit.ApprovedSupervisorAsync()));
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/targets", new { sectionIds = new[] { section }, reason = "人工指定（测试）" })).ExpectAsync(HttpStatusCode.OK);
        var visit = (await kit.VisitsOfAsync(round)).Single();
        var finding = await kit.FindingAsync(visit);

        await (await office.PutJsonAsync($"/api/v1/inspections/catalogues/2029/items/{s07.GetProperty("id").GetGuid()}", new { name = "离岗未告示（修订）", points = 2.5, discretionary = false }))
            .ExpectAsync(HttpStatusCode.NoContent);
        var kept = await app.WithDbAsync(db => db.Findings.AsNoTracking().FirstAsync(f => f.Id == finding));
        Assert.Equal(1m, kept.Points);
        Assert.StartsWith("未落实离岗告示制", kept.ItemName, StringComparison.Ordinal);
        var newFinding = await kit.FindingAsync(visit);
        Assert.Equal(2.5m, (await app.WithDbAsync(db => db.Findings.AsNoTracking().FirstAsync(f => f.Id == newFinding))).Points);

        // The next year's catalogue starts from this one, edits included.
        await kit.EnsureCatalogueAsync(2030);
        var next = JsonDocument.Parse(await office.GetStringAsync("/api/v1/inspections/catalogues/2030")).RootElement;
        Assert.Equal(2029, next.GetProperty("copiedFromYear").GetInt32());
        Assert.Equal(2.5m, next.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("code").GetString() == "S07").GetProperty("points").GetDecimal());
    }

    [Fact]
    [Trait("Rule", "INS-18")]
    public async Task Finding_WhenTheItemBelongsToAnotherYear_IsRefused()
    {
        var (_, kit) = await OfficeAsync();
        await kit.EnsureCatalogueAsync(2029);
        var item = await app.WithDbAsync(db => db.DeductionItems.AsNoTracking().FirstAsync(i => i.Year == 2029));
        var ex = Assert.Throws<Mingcha.Web.DomainRuleException>(() =>
            new Finding(Guid.NewGuid(), Guid.NewGuid(), 2028, Guid.NewGuid(), Guid.NewGuid(), null, item, null, "问题", null, null, "x", DateTime.UtcNow));
        Assert.Equal("INS-18", ex.RuleId);
    }

    /// <summary>INS-13: the Office records that its people joined a visit and who they were; no one else may, and a rejected visit cannot be joint.</summary>
    [Fact]
    [Trait("Rule", "INS-13")]
    public async Task JointVisit_WhenTheOfficeRecordsWhoWentAlong_ShowsOnTheVisit_OthersAreRefused()
    {
        var (office, kit) = await OfficeAsync();
        await kit.EnsureCatalogueAsync(2027);
        var unit = await kit.UnitAsync("联合暗访局");
        var section = await kit.SectionAsync(unit, "窗口");
        var supervisorId = await kit.ApprovedSupervisorAsync();
        var round = await kit.RoundAsync(2027, teamId: await kit.TeamAsync(supervisorId));
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/targets", new { sectionIds = new[] { section }, reason = "人工指定（测试）" })).ExpectAsync(HttpStatusCode.OK);
        var visit = (await kit.VisitsOfAsync(round)).Single();
        var path = $"/api/v1/inspections/visits/{visit}/joint";

        Assert.False((await office.GetAsync<JsonElement>($"/api/v1/inspections/visits/{visit}")).GetProperty("joint").GetBoolean());
        await (await office.PutJsonAsync(path, new { participants = "  " })).ExpectProblemAsync(HttpStatusCode.BadRequest);
        await (await office.PutJsonAsync(path, new { participants = new string('人', 501) })).ExpectProblemAsync(HttpStatusCode.BadRequest);
        await (await (await app.ClientAsAsync(Roles.Supervisor)).PutJsonAsync(path, new { participants = "督查员自己" })).ExpectAsync(HttpStatusCode.Forbidden);
        await (await (await app.ClientAsAsync(Roles.UnitLiaison, unit)).PutJsonAsync(path, new { participants = "被查单位" })).ExpectAsync(HttpStatusCode.Forbidden);
        await (await office.PutJsonAsync($"/api/v1/inspections/visits/{Guid.NewGuid()}/joint", new { participants = "效能办" })).ExpectAsync(HttpStatusCode.NotFound);

        await (await office.PutJsonAsync(path, new { participants = "效能办王主任、李科员" })).ExpectAsync(HttpStatusCode.NoContent);
        var detail = await office.GetAsync<JsonElement>($"/api/v1/inspections/visits/{visit}");
        Assert.True(detail.GetProperty("joint").GetBoolean());
        Assert.Equal("效能办王主任、李科员", detail.GetProperty("jointParticipants").GetString());
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.EntityType == nameof(Visit) && e.EntityKey == visit.ToString() && e.After!.Contains("效能办王主任、李科员"))));

        // The page: the Office corrects the list through the form.
        var page = $"/Inspections/Visit/{visit}";
        Assert.Equal(HttpStatusCode.Redirect, (await office.PostFormAsync(page, "Joint", new Dictionary<string, string> { ["Note"] = "效能办王主任" })).StatusCode);
        Assert.Contains("效能办王主任", System.Net.WebUtility.HtmlDecode(await office.GetStringAsync(page)), StringComparison.Ordinal);
        Assert.Equal("效能办王主任", (await office.GetAsync<JsonElement>($"/api/v1/inspections/visits/{visit}")).GetProperty("jointParticipants").GetString());

        // A rejected visit counts for nothing (INS-19): it cannot be recorded as joint.
        await app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("UPDATE \"Visits\" SET \"Status\" = 'Rejected' WHERE \"Id\" = {0}", visit));
        await (await office.PutJsonAsync(path, new { participants = "效能办" })).ExpectRuleAsync(HttpStatusCode.Conflict, "INS-13");
    }

    [Fact]
    [Trait("Rule", "INS-6")]
    public async Task TipOff_WhenRecorded_IsAFindingOfTheTippingOffItemAgainstTheLeakingUnit()
    {
        var (office, kit) = await OfficeAsync();
        await kit.EnsureCatalogueAsync(2027);
        var target = await kit.UnitAsync("被查局");
        var leaker = await kit.UnitAsync("报信局");
        var targetSection = await kit.SectionAsync(target, "窗口");
        var leakerSection = await kit.SectionAsync(leaker, "办公室", "InternalSection");
        var round = await kit.RoundAsync(2027, teamId: await kit.TeamAsync(await kit.ApprovedSupervisorAsync()));
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/targets", new { sectionIds = new[] { targetSection }, reason = "人工指定（测试）" })).ExpectAsync(HttpStatusCode.OK);
        var visit = (await kit.VisitsOfAsync(round)).Single();

        var id = (await (await office.PostJsonAsync($"/api/v1/inspections/visits/{visit}/tip-offs", new { sectionId = leakerSection, description = "暗访前电话通知被查单位", points = 3 }))
            .ReadAsync<Created>(HttpStatusCode.Created)).Id;
        var f = await app.WithDbAsync(db => db.Findings.AsNoTracking().FirstAsync(x => x.Id == id));
        Assert.Equal("D03", f.ItemCode);
        Assert.Equal(leaker, f.UnitId);
        Assert.Equal(3m, f.Points);
    }

    [Fact]
    [Trait("Rule", "RCT-1")]
    public async Task SendFindings_WhenAFindingAwaitsConfirmation_IsRefused()
    {
        var (office, kit) = await OfficeAsync();
        await kit.EnsureCatalogueAsync(2027);
        var unit = await kit.UnitAsync("送达局");
        var section = await kit.SectionAsync(unit, "窗口");
        var round = await kit.RoundAsync(2027, teamId: await kit.TeamAsync(await kit.ApprovedSupervisorAsync()));
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/targets", new { sectionIds = new[] { section }, reason = "人工指定（测试）" })).ExpectAsync(HttpStatusCode.OK);
        var visit = (await kit.VisitsOfAsync(round)).Single();
        await (await office.PostAsync($"/api/v1/inspections/visits/{visit}/send-findings", null)).ExpectRuleAsync(HttpStatusCode.Conflict, "INS-19");
        await kit.DriveAsync(visit, VisitStatus.Accepted, new DateOnly(2027, 5, 1));
        await kit.FindingAsync(visit);
        await (await office.PostAsync($"/api/v1/inspections/visits/{visit}/send-findings", null)).ExpectRuleAsync(HttpStatusCode.Conflict, "RCT-1");
    }
}
