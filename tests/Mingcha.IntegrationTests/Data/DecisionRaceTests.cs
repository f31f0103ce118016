using System.Net;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Complaints;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.IntegrationTests.Scoring;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Features.Scoring;

namespace Mingcha.IntegrationTests.Data;

/// <summary>
/// Decision 038. Decisions on a record that had no concurrency token (migration 0049): a repeat flag's waiver (CMP-9), the
/// review of a written explanation (EV-8), the end of a secondment's term (ORG-7), a circular's publication (RCT-5); a
/// draft campaign's opening and edit (EV-1); and steps that saved a side effect before the complaint's version refused
/// them (its evidence case, CMP-2; a clue's round target, CMP-10). Two requests made from the same reading (a double
/// click, two officers) used to both pass the check and both be stored, each with its own audit line and side effect (or
/// the loser's side effect stayed); now the second to save gets 409 and stores nothing. The app's
/// <see cref="ReadGate"/> holds each request, once it has read the record, until the other has read it too, so that the
/// race happens every time, on SQLite and on PostgreSQL.
/// </summary>
public sealed class DecisionRaceTests(RacingDemoApp app) : IClassFixture<RacingDemoApp>
{
    private sealed record Created(Guid Id);
    private sealed record CaseOf(Guid CaseId);
    private sealed record Ended(string State, DateOnly End, int Extensions);

    private Task<int> AuditedUpdatesAsync(string type, Guid id) =>
        app.WithDbAsync(db => db.AuditEntries.AsNoTracking().CountAsync(a => a.EntityType == type && a.EntityKey == id.ToString() && a.Action == "update"));

    private static async Task<HttpResponseMessage[]> RaceAsync(RacingDemoApp app, string table, params Func<Task<HttpResponseMessage>>[] requests)
    {
        app.Gate.Hold(requests.Length, $"FROM \"{table}\"");
        var answers = await Task.WhenAll(requests.Select(r => r()));
        Assert.True(app.Gate.Met, $"every request read {table} before any saved");
        return answers;
    }

    private static async Task OneWinsTheOthersGet409Async(HttpResponseMessage[] answers, HttpStatusCode success)
    {
        Assert.Single(answers, a => a.StatusCode == success);
        foreach (var loser in answers.Where(a => a.StatusCode != success))
            await loser.ExpectProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    [Trait("Rule", "CMP-9")]
    public async Task TwoWaiversOfOneRepeatFlagAtOnce_OneIsStored_TheOtherGets409_OneNotificationAndOneAuditLine()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var other = await app.ClientAsAsync(Roles.OfficeAdmin);
        var (unit, _) = await kit.UnitAsync("竞态监管局" + Guid.NewGuid().ToString("N")[..4]);
        var first = await kit.FileAsync(ComplaintKit.Body(unit, matter: "食品经营许可", receivedAt: "2026-10-28T01:00:00Z"));
        await kit.AssignAsync(first.Id);
        var second = await kit.FileAsync(ComplaintKit.Body(unit, matter: "食品经营许可", phone: "13900003333"));
        await kit.AssignAsync(second.Id);
        var flagId = await app.WithDbAsync(db => db.RepeatFlags.AsNoTracking().Where(f => f.UnitId == unit && f.FiledAt == null).Select(f => f.Id).SingleAsync());
        var audited = await AuditedUpdatesAsync("RepeatFlag", flagId);

        var answers = await RaceAsync(app, "RepeatFlags",
            () => kit.Office.PostJsonAsync($"/api/v1/complaints/repeat-flags/{flagId}/waive", new { reason = "同一人就同一事项重复提交。" }),
            () => other.PostJsonAsync($"/api/v1/complaints/repeat-flags/{flagId}/waive", new { reason = "已合并办理，无须报告。" }));

        await OneWinsTheOthersGet409Async(answers, HttpStatusCode.NoContent);
        Assert.Equal(1, await app.WithDbAsync(db => db.Notifications.CountAsync(n => n.Kind == "complaint.repeat-waived" && n.UnitId == unit)));
        Assert.Equal(audited + 1, await AuditedUpdatesAsync("RepeatFlag", flagId));
    }

    [Fact]
    [Trait("Rule", "CMP-9")]
    public async Task ReturnRacingAFilingOfTheReport_OneWins_AndTheFlagIsWhatThatOneMadeIt()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var other = await app.ClientAsAsync(Roles.OfficeAdmin);
        var (unit, _) = await kit.UnitAsync("竞态税务局" + Guid.NewGuid().ToString("N")[..4]);
        var first = await kit.FileAsync(ComplaintKit.Body(unit, matter: "发票领用", receivedAt: "2026-10-28T01:00:00Z"));
        await kit.AssignAsync(first.Id);
        var second = await kit.FileAsync(ComplaintKit.Body(unit, matter: "退税进度", phone: "13900004444"));
        await kit.AssignAsync(second.Id);
        var flagId = await app.WithDbAsync(db => db.RepeatFlags.AsNoTracking().Where(f => f.UnitId == unit && f.FiledAt == null).Select(f => f.Id).SingleAsync());
        await (await (await kit.LiaisonAsync(unit)).PostJsonAsync($"/api/v1/complaints/repeat-flags/{flagId}/report", new { body = "专项自查整改报告。" }))
            .ExpectAsync(HttpStatusCode.NoContent);
        var audited = await AuditedUpdatesAsync("RepeatFlag", flagId);

        var answers = await RaceAsync(app, "RepeatFlags",
            () => kit.Office.PostAsync($"/api/v1/complaints/repeat-flags/{flagId}/file", null),
            () => other.PostJsonAsync($"/api/v1/complaints/repeat-flags/{flagId}/return", new { reason = "请补充整改措施。" }));

        await OneWinsTheOthersGet409Async(answers, HttpStatusCode.NoContent);
        var filed = answers[0].StatusCode == HttpStatusCode.NoContent;
        var flag = await app.WithDbAsync(db => db.RepeatFlags.AsNoTracking().SingleAsync(f => f.Id == flagId));
        Assert.Equal(filed, flag.FiledAt is not null);
        Assert.Equal(filed, flag.SubmittedAt is not null); // returned: the unit is to submit again
        Assert.Equal(filed ? 0 : 1, await app.WithDbAsync(db => db.Notifications.CountAsync(n => n.Kind == "complaint.repeat-returned" && n.UnitId == unit)));
        Assert.Equal(audited + 1, await AuditedUpdatesAsync("RepeatFlag", flagId));
    }

    [Fact]
    [Trait("Rule", "CMP-2")]
    [Trait("Rule", "EVD-3")]
    public async Task TwoOpeningsOfAComplaintsEvidenceCaseAtOnce_OpenOneCase_TheOtherGets409AndLeavesNoCaseBehind()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var other = await app.ClientAsAsync(Roles.OfficeAdmin);
        var (unit, _) = await kit.UnitAsync("竞态住建局" + Guid.NewGuid().ToString("N")[..4]);
        var filed = await kit.FileAsync(ComplaintKit.Body(unit, matter: "施工许可办理超时", phone: "13900005555"));

        var answers = await RaceAsync(app, "Complaints",
            () => kit.Office.PostAsync($"/api/v1/complaints/{filed.Id}/evidence-case", null),
            () => other.PostAsync($"/api/v1/complaints/{filed.Id}/evidence-case", null));

        await OneWinsTheOthersGet409Async(answers, HttpStatusCode.OK);
        var cases = await app.WithDbAsync(db => db.EvidenceCases.AsNoTracking().Where(c => c.ReferenceId == filed.Id).Select(c => c.Id).ToListAsync());
        var attached = await app.WithDbAsync(db => db.Complaints.AsNoTracking().Where(c => c.Id == filed.Id).Select(c => c.EvidenceCaseId).SingleAsync());
        Assert.Equal(attached, Assert.Single(cases));
        // Asked again, later: the case the complaint has.
        var again = await (await kit.Office.PostAsync($"/api/v1/complaints/{filed.Id}/evidence-case", null)).ReadAsync<CaseOf>();
        Assert.Equal(attached, again.CaseId);
    }

    [Fact]
    [Trait("Rule", "CMP-10")]
    public async Task AComplaintMadeAClueOfTwoRoundsAtOnce_IsTheClueOfOne_AndTheOtherRoundGetsNoTarget()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var other = await app.ClientAsAsync(Roles.OfficeAdmin);
        var (unit, section) = await kit.UnitAsync("竞态交通局" + Guid.NewGuid().ToString("N")[..4]);
        var filed = await kit.FileAsync(ComplaintKit.Body(unit, matter: "道路运输证办理超时", type: "AbuseOfPost"));
        var admin = new Mingcha.IntegrationTests.Inspections.InspectionKit(app, await app.ClientAsAsync(Roles.OfficeAdmin));
        var roundA = await admin.RoundAsync(2026, "Covert", teamId: await admin.TeamAsync(await admin.ApprovedSupervisorAsync()));
        var roundB = await admin.RoundAsync(2026, "Covert", teamId: await admin.TeamAsync(await admin.ApprovedSupervisorAsync()));

        var answers = await RaceAsync(app, "Complaints",
            () => kit.Office.PostJsonAsync($"/api/v1/complaints/{filed.Id}/clue", new { roundId = roundA }),
            () => other.PostJsonAsync($"/api/v1/complaints/{filed.Id}/clue", new { roundId = roundB }));

        await OneWinsTheOthersGet409Async(answers, HttpStatusCode.NoContent);
        var clueRound = await app.WithDbAsync(db => db.Complaints.AsNoTracking().Where(c => c.Id == filed.Id).Select(c => c.ClueRoundId).SingleAsync());
        var targeted = await app.WithDbAsync(db => db.RoundTargets.AsNoTracking().Where(t => t.SectionId == section && (t.RoundId == roundA || t.RoundId == roundB))
            .Select(t => t.RoundId).ToListAsync());
        Assert.Equal(clueRound, Assert.Single(targeted));
    }

    [Fact]
    [Trait("Rule", "EV-8")]
    public async Task TwoAcceptancesOfOneExplanationAtOnce_OneIsStored_TheOtherGets409_OneStep()
    {
        app.Clock.Set(MingchaApp.Start);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var other = await app.ClientAsAsync(Roles.OfficeStaff);
        var m = await GradedCampaign.CloseAsync(office, "rx", "竞态说明", new { satisfiedTop = 1, bottomCount = 1, threshold = 70 },
            [new("竞态单位", "S1", "征收科", "Excellent"), new("竞态单位", "S2", "稽查科", "Good")], publish: true);
        var (campaign, unit, s2) = (m.Campaign, m.Units["竞态单位"], m.Sections["S2"]);
        var path = $"/api/v1/scoring/campaigns/{campaign}/results/{s2}/explanation";
        await (await (await app.ClientAsAsync(Roles.UnitLiaison, unit)).PostJsonAsync(path, new { text = "稽查科案件积压，已制定整改措施。" })).ExpectAsync(HttpStatusCode.OK);
        var explanation = await app.WithDbAsync(db => db.Set<ResultExplanation>().AsNoTracking().Where(e => e.CampaignId == campaign && e.SectionId == s2).Select(e => e.Id).SingleAsync());
        var audited = await AuditedUpdatesAsync(nameof(ResultExplanation), explanation);

        var answers = await RaceAsync(app, "ResultExplanations",
            () => office.PostAsync($"{path}/accept", null),
            () => other.PostAsync($"{path}/accept", null));

        await OneWinsTheOthersGet409Async(answers, HttpStatusCode.OK);
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<ExplanationStep>().CountAsync(s => s.ExplanationId == explanation && s.Kind == Mingcha.Domain.Scoring.ExplanationState.Accepted)));
        Assert.Equal(audited + 1, await AuditedUpdatesAsync(nameof(ResultExplanation), explanation));
    }

    /// <summary>A draft campaign of one new category with one section, ready to open.</summary>
    private static async Task<Guid> DraftCampaignAsync(HttpClient office)
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var cat = (await (await office.PostJsonAsync("/api/v1/categories", new { code = $"rd-{tag}", name = "竞态开启类" + tag })).ReadAsync<Created>(HttpStatusCode.Created)).Id;
        var unit = (await (await office.PostJsonAsync("/api/v1/units", new { code = $"rd-u-{tag}", name = "竞态开启单位" + tag, categoryId = cat, year = 2026 })).ReadAsync<Created>(HttpStatusCode.Created)).Id;
        await (await office.PostJsonAsync("/api/v1/sections", new { unitId = unit, code = $"D1-{tag}", name = "综合科", kind = "InternalSection" })).ExpectAsync(HttpStatusCode.Created);
        var campaign = (await (await office.PostJsonAsync("/api/v1/scoring/campaigns", new
        {
            year = 2026, name = "竞态开启" + tag, from = "2026-01-01", to = "2026-12-31", rules = new { threshold = 70 },
        })).ReadAsync<Created>(HttpStatusCode.Created)).Id;
        await (await office.PutJsonAsync($"/api/v1/scoring/campaigns/{campaign}/sections", new { categoryIds = new[] { cat } })).ExpectAsync(HttpStatusCode.OK);
        return campaign;
    }

    [Fact]
    [Trait("Rule", "EV-1")]
    public async Task TwoOpeningsOfOneCampaignAtOnce_OneOpensIt_TheOtherGets409_OneAuditLine()
    {
        app.Clock.Set(MingchaApp.Start);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var other = await app.ClientAsAsync(Roles.OfficeStaff);
        var campaign = await DraftCampaignAsync(office);

        var answers = await RaceAsync(app, "EvaluationCampaigns",
            () => office.PostAsync($"/api/v1/scoring/campaigns/{campaign}/open", null),
            () => other.PostAsync($"/api/v1/scoring/campaigns/{campaign}/open", null));

        await OneWinsTheOthersGet409Async(answers, HttpStatusCode.OK);
        Assert.Equal(1, await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().CountAsync(a => a.Action == "campaign.open" && a.EntityKey == campaign.ToString())));
    }

    /// <summary>
    /// An edit stored before the opening is a draft's edit (both may succeed); one stored after it would change the rules
    /// of an open campaign. Which of the two saves first is the race's, so it is run six times: before the claim of the
    /// draft (decision 038), some edit landed after its opening in nearly every run, on both databases.
    /// </summary>
    [Fact]
    [Trait("Rule", "EV-1")]
    public async Task AnEditRacingTheOpening_IsStoredBeforeItOrRefused_409_NeverAfterIt()
    {
        app.Clock.Set(MingchaApp.Start);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var other = await app.ClientAsAsync(Roles.OfficeStaff);
        for (var run = 0; run < 6; run++)
        {
            var campaign = await DraftCampaignAsync(office);

            var answers = await RaceAsync(app, "EvaluationCampaigns",
                () => office.PostAsync($"/api/v1/scoring/campaigns/{campaign}/open", null),
                () => other.PutJsonAsync($"/api/v1/scoring/campaigns/{campaign}", new { year = 2026, name = "竞态改名", from = "2026-01-01", to = "2026-12-31", rules = new { threshold = 80 } }));

            var (opened, edited) = (answers[0].StatusCode == HttpStatusCode.OK, answers[1].StatusCode == HttpStatusCode.OK);
            Assert.True(opened, "nothing stands in the opening's way but a concurrent opening");
            if (!edited) await answers[1].ExpectRuleAsync(HttpStatusCode.Conflict, "EV-1");
            var stored = await app.WithDbAsync(db => db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == campaign));
            Assert.Equal((CampaignStatus.Open, edited ? 80m : 70m), (stored.Status, stored.Threshold));
            var key = campaign.ToString();
            var openedAt = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Action == "campaign.open" && a.EntityKey == key).Select(a => a.Seq).SingleAsync());
            var edits = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking()
                .Where(a => a.Action == "update" && a.EntityType == nameof(EvaluationCampaign) && a.EntityKey == key && a.After!.Contains("Threshold")).Select(a => a.Seq).ToListAsync());
            Assert.Equal(edited ? 1 : 0, edits.Count);
            Assert.All(edits, e => Assert.True(e < openedAt, "EV-1: an open campaign's rules were changed after it opened"));
        }
    }

    [Fact]
    [Trait("Rule", "ORG-7")]
    public async Task TwoEndsOfOneTermAtOnce_TheTermIsExtendedOnce_TheOtherGets409()
    {
        app.Clock.Set(MingchaApp.Start);
        var outlet = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.TownshipOutlet).OrderBy(s => s.Code).FirstAsync());
        var staff = await app.WithDbAsync(db => db.Staff.OrderBy(s => s.Code).Select(s => s.Id).FirstAsync());
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var id = (await (await office.PostJsonAsync("/api/v1/secondments", new
        {
            staffId = staff, outletSectionId = outlet.Id, title = "第一副所长", start = "2025-11-16", end = "2026-11-16", targets = new[] { "环境设施规范" },
        })).ReadAsync<Created>(HttpStatusCode.Created)).Id;
        var other = await app.ClientAsAsync(Roles.OfficeAdmin);
        var audited = await AuditedUpdatesAsync("Secondment", id);

        var answers = await RaceAsync(app, "Secondments",
            () => office.PostAsync($"/api/v1/secondments/{id}/end-term", null),
            () => other.PostAsync($"/api/v1/secondments/{id}/end-term", null));

        await OneWinsTheOthersGet409Async(answers, HttpStatusCode.OK);
        var ended = await answers.Single(a => a.StatusCode == HttpStatusCode.OK).ReadAsync<Ended>();
        var stored = await app.WithDbAsync(db => db.Set<Mingcha.Web.Features.Ratings.Secondment>().AsNoTracking().SingleAsync(s => s.Id == id));
        Assert.Equal(("Active", 1), (ended.State, ended.Extensions));
        Assert.True(ended.End > new DateOnly(2026, 11, 16), "extended past the first term");
        Assert.Equal((1, ended.End), (stored.Extensions, stored.End)); // extended once, as the one answered 200 says
        Assert.Equal(audited + 1, await AuditedUpdatesAsync("Secondment", id));
    }

    [Fact]
    [Trait("Rule", "RCT-5")]
    public async Task TwoPublicationsOfOneCircularAtOnce_OneIsStored_TheOtherGets409()
    {
        app.Clock.Set(MingchaApp.Start);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var other = await app.ClientAsAsync(Roles.OfficeStaff);
        var circular = (await (await office.PostJsonAsync("/api/v1/rectification/outcomes", new
        {
            kind = "Circular", measure = "Praise", year = 2026, title = "关于表扬服务窗口的通报", text = "现将表现突出的窗口通报表扬。", findingIds = Array.Empty<Guid>(),
        })).ReadAsync<Created>(HttpStatusCode.Created)).Id;
        var audited = await AuditedUpdatesAsync("RectificationOutcome", circular);

        var answers = await RaceAsync(app, "RectificationOutcomes",
            () => office.PostAsync($"/api/v1/rectification/outcomes/{circular}/publish", null),
            () => other.PostAsync($"/api/v1/rectification/outcomes/{circular}/publish", null));

        await OneWinsTheOthersGet409Async(answers, HttpStatusCode.NoContent);
        Assert.Equal(audited + 1, await AuditedUpdatesAsync("RectificationOutcome", circular));
    }
}
