using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.IntegrationTests.Rectification;
using Mingcha.Web.Features.Scoring;

namespace Mingcha.IntegrationTests.Scoring;

/// <summary>
/// A whole campaign over HTTP (EV-1..EV-12, RCT-6, SAT-4): set-up, import, live forms and a sitting, an open inspection,
/// a refused notice, computation, explanation, closing (reproduced), publication and the yearly assessment.
/// Runs on SQLite and, with MINGCHA_TEST_POSTGRES, on PostgreSQL.
/// </summary>
public sealed class ScoringCampaignTests(RectificationApp app) : IClassFixture<RectificationApp>
{
    private sealed record Created(Guid Id);
    private sealed record CampaignDto(Guid Id, string Status, int Sections, Guid? ComputationId, Guid? CircularOutcomeId);
    private sealed record SittingDto(Guid Id, string Token, string Link);
    private sealed record Row(Guid SectionId, string SectionName, int Rank, decimal Total, decimal Composite, bool Rescaled, decimal Rectification, int Problems, string Consequence, DateOnly? DueOn);
    private sealed record Ranking(Guid CampaignId, string Status, Guid? ComputationId, bool Final, List<Row> Rows);
    private sealed record Report(bool Stored, int Rows, int Errors, List<RowError> Problems);
    private sealed record RowError(int Row, string Column, string Rule, string Message);
    private sealed record Reproduction(bool Reproduced, int Sections, List<string> Differences);

    private sealed record World(HttpClient Office, Guid Category, Guid UnitA, Guid A1, Guid A2, Guid UnitB, Guid B1, Guid UnitC, Guid V, Guid Outsider,
        string CodeA1, Guid Notice);

    private static readonly string Tag = Guid.NewGuid().ToString("N")[..6];

    private async Task<World> WorldAsync()
    {
        app.Clock.Set(MingchaApp.Start);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new RectificationKit(app, office);
        var tag = Guid.NewGuid().ToString("N")[..6];
        var cat = (await (await office.PostJsonAsync("/api/v1/categories", new { code = $"ev-{tag}", name = "综合管理类" + tag })).ReadAsync<Created>(HttpStatusCode.Created)).Id;
        async Task<Guid> Unit(string name) =>
            (await (await office.PostJsonAsync("/api/v1/units", new { code = $"ev-{name}-{tag}", name = name + tag, categoryId = cat, year = 2026 })).ReadAsync<Created>(HttpStatusCode.Created)).Id;
        async Task<Guid> Section(Guid unit, string code, string name) =>
            (await (await office.PostJsonAsync("/api/v1/sections", new { unitId = unit, code = $"{code}-{tag}", name, kind = "InternalSection" })).ReadAsync<Created>(HttpStatusCode.Created)).Id;
        var a = await Unit("财政局");
        var a1 = await Section(a, "A1", "预算科");
        var a2 = await Section(a, "A2", "国库科");
        var b = await Unit("民政局");
        var b1 = await Section(b, "B1", "社会救助科");
        // A unit without a category this year: its section is outside the campaign.
        var outsiderUnit = (await (await office.PostJsonAsync("/api/v1/units", new { code = $"ev-out-{tag}", name = "局外" + tag })).ReadAsync<Created>(HttpStatusCode.Created)).Id;
        var outsider = await Section(outsiderUnit, "X1", "局外科");

        // C: an open inspection accepted on 2026-11-10 with two confirmed findings; their notice refused (EV-6: −10 for each, S4 "每起").
        var c = await kit.CaseAsync(findings: 2, kind: "Open");
        await (await office.PutJsonAsync($"/api/v1/units/{c.UnitId}/category", new { year = 2026, categoryId = cat })).ExpectAsync(HttpStatusCode.NoContent);
        await kit.ConfirmAsync([.. c.Findings]);
        var notice = await kit.IssueAsync(c.UnitId, c.Findings);
        await kit.CloseObjectionWindowAsync(notice.Id); // RCT-3: no refusal while the unit may still object
        await (await office.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/refusal", new { reason = "拒不整改且无正当理由" })).ExpectAsync(HttpStatusCode.NoContent);
        return new World(office, cat, a, a1, a2, b, b1, c.UnitId, c.SectionId, outsider, $"A1-{tag}", notice.Id);
    }

    private static MultipartFormDataContent Csv(string text)
    {
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return new MultipartFormDataContent { { file, "file", "测评.csv" } };
    }

    private static async Task<Guid> CampaignAsync(World w, object? rules = null, Guid[]? sectionIds = null, string from = "2026-01-01", string to = "2026-12-31")
    {
        var c = await (await w.Office.PostJsonAsync("/api/v1/scoring/campaigns", new { year = 2026, name = "2026年内设机构测评" + Tag, from, to, rules }))
            .ReadAsync<CampaignDto>(HttpStatusCode.Created);
        await (await w.Office.PutJsonAsync($"/api/v1/scoring/campaigns/{c.Id}/sections", sectionIds is null ? new { categoryIds = new[] { w.Category } } : (object)new { sectionIds }))
            .ExpectAsync(HttpStatusCode.OK);
        return c.Id;
    }

    /// <summary>EV-1: every number is editable while the campaign is a draft; an edit changes the numbers it names and keeps the others.</summary>
    [Fact]
    [Trait("Rule", "EV-1")]
    public async Task EditingSomeRules_KeepsTheOthers_AndThePageEditsEveryNumber()
    {
        app.Clock.Set(MingchaApp.Start);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var c = await (await office.PostJsonAsync("/api/v1/scoring/campaigns", new { year = 2026, name = "规则编辑" + Guid.NewGuid().ToString("N")[..6], from = "2026-01-01", to = "2026-12-31",
            rules = new { threshold = 75, satisfiedTop = 5, good = 80 } })).ReadAsync<CampaignDto>(HttpStatusCode.Created);
        async Task<JsonElement> RulesAsync() => (await office.GetAsync<JsonElement>($"/api/v1/scoring/campaigns/{c.Id}")).GetProperty("rules");

        await (await office.PutJsonAsync($"/api/v1/scoring/campaigns/{c.Id}", new { year = 2026, name = "规则编辑", from = "2026-01-01", to = "2026-12-31",
            rules = new { weightInstant = 25, weightMonthly = 15, weightInspection = 10, weightConcentrated = 50, policy = "CountAsZero" } })).ExpectAsync(HttpStatusCode.OK);
        var rules = await RulesAsync();
        Assert.Equal((75m, 5, 80m, 25m, "CountAsZero"), (rules.GetProperty("threshold").GetDecimal(), rules.GetProperty("satisfiedTop").GetInt32(),
            rules.GetProperty("good").GetDecimal(), rules.GetProperty("weightInstant").GetDecimal(), rules.GetProperty("policy").GetString()));
        // No rules at all: a rename keeps every number.
        await (await office.PutJsonAsync($"/api/v1/scoring/campaigns/{c.Id}", new { year = 2026, name = "规则编辑（改名）", from = "2026-01-01", to = "2026-12-31" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(75m, (await RulesAsync()).GetProperty("threshold").GetDecimal());

        // The page shows and saves every number: grade scores, deductions, result places.
        var page = $"/Scoring/Campaign/{c.Id}";
        Assert.Contains("name=\"Rules.DeductRefused\"", await office.GetStringAsync(page), StringComparison.Ordinal);
        var saved = await office.PostFormAsync(page, "Rules", new()
        {
            ["Rules.WeightInstant"] = "20", ["Rules.WeightMonthly"] = "20", ["Rules.WeightInspection"] = "10", ["Rules.WeightConcentrated"] = "50",
            ["Rules.Policy"] = "Rescale", ["Rules.DeductRefused"] = "12", ["Rules.Threshold"] = "72",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        rules = await RulesAsync();
        Assert.Equal((12m, 72m, 5, 80m), (rules.GetProperty("deductRefused").GetDecimal(), rules.GetProperty("threshold").GetDecimal(),
            rules.GetProperty("satisfiedTop").GetInt32(), rules.GetProperty("good").GetDecimal()));
        // Out of range: a message on the page, nothing saved.
        var refused = await office.PostFormAsync(page, "Rules", new() { ["Rules.Threshold"] = "150" });
        Assert.Contains("form-error", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(72m, (await RulesAsync()).GetProperty("threshold").GetDecimal());
    }

    /// <summary>
    /// The scoring pages check what the API checks (pages are not validated before their handlers): an out-of-range number,
    /// a year without a default period, a sitting without a date, a form without a section each give a message on the page,
    /// not a 500, and store nothing. A number with a fifth decimal place is refused on both databases alike (PostgreSQL
    /// keeps four, so weights of 33.33333 summed to 100 on SQLite and 99.9999 there).
    /// </summary>
    [Fact]
    [Trait("Rule", "EV-1")]
    [Trait("Rule", "EV-2")]
    [Trait("Rule", "EV-5")]
    public async Task ScoringPages_WithBadInput_ShowAMessageAndStoreNothing()
    {
        var w = await WorldAsync();
        var office = w.Office;
        var id = await CampaignAsync(w);
        var page = $"/Scoring/Campaign/{id}";
        async Task RefusedOnPageAsync(HttpResponseMessage r)
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Contains("form-error", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var before = (await office.GetAsync<JsonElement>($"/api/v1/scoring/campaigns/{id}")).GetProperty("rules").GetProperty("excellent").GetDecimal();
        await RefusedOnPageAsync(await office.PostFormAsync(page, "Rules", new() { ["Rules.Excellent"] = "3000000000" }));
        Assert.Equal(before, (await office.GetAsync<JsonElement>($"/api/v1/scoring/campaigns/{id}")).GetProperty("rules").GetProperty("excellent").GetDecimal());

        var weights = new { weightInstant = 33.33333m, weightMonthly = 33.33333m, weightInspection = 33.33334m, weightConcentrated = 0m };
        var fifth = await office.PutJsonAsync($"/api/v1/scoring/campaigns/{id}", new { year = 2026, name = "五位小数", from = "2026-01-01", to = "2026-12-31", rules = weights });
        Assert.Equal(HttpStatusCode.BadRequest, fifth.StatusCode);
        Assert.Contains("weightInstant", await fifth.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var name = "年度超限" + Guid.NewGuid().ToString("N")[..6];
        await RefusedOnPageAsync(await office.PostFormAsync("/Scoring", "Create", new() { ["Year"] = "10000", ["Name"] = name }));
        await RefusedOnPageAsync(await office.PostFormAsync("/Scoring", "Create", new() { ["Year"] = "99999", ["Name"] = name, ["From"] = "2026-01-01", ["To"] = "2026-12-31" }));
        Assert.False(await app.WithDbAsync(db => db.Campaigns.AnyAsync(c => c.Name == name)));

        await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/open", null)).ExpectAsync(HttpStatusCode.OK);
        await RefusedOnPageAsync(await office.PostFormAsync(page, "Sitting", new() { ["SittingTitle"] = "无日期的测评会", ["HeldOn"] = "" }));
        Assert.False(await app.WithDbAsync(db => db.Sittings.AnyAsync(s => s.CampaignId == id)));
        await RefusedOnPageAsync(await office.PostFormAsync($"/Scoring/Form?CampaignId={id}", null, new() { ["Method"] = "Instant", ["Grade"] = "Excellent" }));
        Assert.False(await app.WithDbAsync(db => db.Evaluations.AnyAsync(e => e.CampaignId == id)));
    }

    /// <summary>EV-10: two clicks on 公布 at once publish once and issue one praise circular; the second answers 409.</summary>
    [Fact]
    [Trait("Rule", "EV-10")]
    public async Task PublishingTwiceAtOnce_IssuesOneCircular()
    {
        var w = await WorldAsync();
        var office = w.Office;
        var id = await CampaignAsync(w, new { policy = "Rescale" }); // 优 alone, rescaled: a satisfied section, so a praise circular
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/open", null)).ExpectAsync(HttpStatusCode.OK);
        await (await office.PostJsonAsync($"/api/v1/scoring/campaigns/{id}/evaluations", new { sectionId = w.A1, method = "Concentrated", grade = "Excellent", on = "2026-11-16" }))
            .ExpectAsync(HttpStatusCode.Created);
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/close", null)).ExpectAsync(HttpStatusCode.OK);
        var name = (await office.GetAsync<JsonElement>($"/api/v1/scoring/campaigns/{id}")).GetProperty("name").GetString()!;
        var circularsBefore = await app.WithDbAsync(db => db.RectificationOutcomes.CountAsync(o => o.Title.Contains(name)));

        var answers = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => office.PostAsync($"/api/v1/scoring/campaigns/{id}/publish", null)));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order().ToArray());
        Assert.Equal(circularsBefore + 1, await app.WithDbAsync(db => db.RectificationOutcomes.CountAsync(o => o.Title.Contains(name))));
        Assert.Equal(1, await app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "campaign.publish" && a.EntityKey == id.ToString())));
    }

    /// <summary>
    /// EV-2, decision 012: an accepted visit without an overall score is graded by its confirmed findings, so it is not taken
    /// while one of them still waits for the Office (RCT-1): taken then, its grade would stay 优 for good.
    /// </summary>
    [Fact]
    [Trait("Rule", "EV-2")]
    public async Task InspectionEvaluation_WaitsUntilEveryFindingOfTheVisitIsDecided()
    {
        var w = await WorldAsync();
        var kit = new RectificationKit(app, w.Office);
        var pending = await kit.CaseAsync(findings: 2, kind: "Open");
        await (await w.Office.PutJsonAsync($"/api/v1/units/{pending.UnitId}/category", new { year = 2026, categoryId = w.Category })).ExpectAsync(HttpStatusCode.NoContent);
        await kit.ConfirmAsync(pending.Findings[0]);
        var id = await CampaignAsync(w);
        await (await w.Office.PostAsync($"/api/v1/scoring/campaigns/{id}/open", null)).ExpectAsync(HttpStatusCode.OK);
        async Task<List<JsonElement>> InspectionsAsync() =>
            (await w.Office.GetAsync<JsonElement>($"/api/v1/scoring/campaigns/{id}/results/{pending.SectionId}/evaluations?method=Inspection")).EnumerateArray().ToList();

        await (await w.Office.PostAsync($"/api/v1/scoring/campaigns/{id}/compute", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(await InspectionsAsync());
        // The fully decided visit of the same campaign was taken: one waiting visit holds up nothing else.
        Assert.Single((await w.Office.GetAsync<JsonElement>($"/api/v1/scoring/campaigns/{id}/results/{w.V}/evaluations?method=Inspection")).EnumerateArray());

        await kit.ConfirmAsync(pending.Findings[1]);
        await (await w.Office.PostAsync($"/api/v1/scoring/campaigns/{id}/compute", null)).ExpectAsync(HttpStatusCode.OK);
        var taken = Assert.Single(await InspectionsAsync());
        Assert.Equal("Fair", taken.GetProperty("grade").GetString()); // two confirmed findings: 一般
        Assert.Equal(pending.VisitId, taken.GetProperty("visitId").GetGuid());
    }

    [Fact]
    [Trait("Rule", "EV-1")]
    [Trait("Rule", "EV-2")]
    [Trait("Rule", "EV-3")]
    [Trait("Rule", "EV-4")]
    [Trait("Rule", "EV-5")]
    [Trait("Rule", "EV-6")]
    [Trait("Rule", "EV-7")]
    [Trait("Rule", "EV-8")]
    [Trait("Rule", "EV-10")]
    [Trait("Rule", "EV-12")]
    public async Task WholeCampaign_FromSetUpToPublication_GivesS4sFiguresAndExplainsThem()
    {
        var w = await WorldAsync();
        var office = w.Office;

        // EV-1: S4's numbers by default; weights that do not sum to 100% are refused naming EV-5.
        await (await office.PostJsonAsync("/api/v1/scoring/campaigns", new { year = 2026, name = "错权重", from = "2026-01-01", to = "2026-12-31",
            rules = new { weightInstant = 20, weightMonthly = 20, weightInspection = 10, weightConcentrated = 40 } })).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "EV-5");
        var id = await CampaignAsync(w);
        var campaign = await office.GetAsync<JsonElement>($"/api/v1/scoring/campaigns/{id}");
        Assert.Equal(4, campaign.GetProperty("sections").GetInt32());
        Assert.Equal(50m, campaign.GetProperty("rules").GetProperty("weightConcentrated").GetDecimal());
        Assert.Equal("Rescale", campaign.GetProperty("rules").GetProperty("policy").GetString());

        // Nothing is taken before the campaign opens.
        var point = await app.ClientAsAsync(Roles.MonitoringPoint);
        await (await point.PostJsonAsync($"/api/v1/scoring/campaigns/{id}/evaluations", new { sectionId = w.B1, method = "Instant", grade = "Excellent", on = "2026-11-16" }))
            .ExpectRuleAsync(HttpStatusCode.Conflict, "EV-1");
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/open", null)).ExpectAsync(HttpStatusCode.OK);
        // EV-1: an open campaign's rules no longer change.
        await (await office.PutJsonAsync($"/api/v1/scoring/campaigns/{id}", new { year = 2026, name = "改", from = "2026-01-01", to = "2026-12-31" }))
            .ExpectRuleAsync(HttpStatusCode.Conflict, "EV-1");

        // EV-2: an import with one bad row stores nothing and names the row and rule.
        var before = await app.WithDbAsync(db => db.Evaluations.CountAsync(e => e.CampaignId == id));
        var bad = await office.PostAsync($"/api/v1/scoring/campaigns/{id}/import",
            Csv($"科室代码,测评方式,等次,日期\n{w.CodeA1},即时,优,2026-03-01\n{w.CodeA1},即时,甲等,2026-03-02\n"));
        var report = await bad.ReadAsync<Report>(HttpStatusCode.UnprocessableEntity);
        Assert.False(report.Stored);
        var problem = Assert.Single(report.Problems);
        Assert.Equal((3, "等次", "EV-3"), (problem.Row, problem.Column, problem.Rule));
        Assert.Equal(before, await app.WithDbAsync(db => db.Evaluations.CountAsync(e => e.CampaignId == id)));
        var good = await office.PostAsync($"/api/v1/scoring/campaigns/{id}/import",
            Csv($"科室代码,测评方式,等次,日期,备注\n{w.CodeA1},即时,优,2026-03-01,\n{w.CodeA1},instant,较差,2026-03-02,\n{w.CodeA1},综合,较差,2026-03-31,三月\n{w.CodeA1},monthly,poor,2026-04-30,四月\n"));
        Assert.Equal(4, (await good.ReadAsync<Report>()).Rows);

        // EV-2, EV-3: a monitoring point's instant form; bad grades, sections outside the campaign, days outside the period are refused.
        await (await point.PostJsonAsync($"/api/v1/scoring/campaigns/{id}/evaluations", new { sectionId = w.B1, method = "Instant", grade = "Excellent", on = "2026-11-16" }))
            .ExpectAsync(HttpStatusCode.Created);
        await (await point.PostJsonAsync($"/api/v1/scoring/campaigns/{id}/evaluations", new { sectionId = w.B1, method = "Instant", grade = 7, on = "2026-11-16" }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "EV-3");
        await (await point.PostJsonAsync($"/api/v1/scoring/campaigns/{id}/evaluations", new { sectionId = w.Outsider, method = "Instant", grade = "Good", on = "2026-11-16" }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "EV-1");
        await (await point.PostJsonAsync($"/api/v1/scoring/campaigns/{id}/evaluations", new { sectionId = w.B1, method = "Monthly", grade = "Good", on = "2027-01-05" }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "EV-1");
        await (await point.PostJsonAsync($"/api/v1/scoring/campaigns/{id}/evaluations", new { sectionId = w.B1, method = "Inspection", grade = "Good", on = "2026-11-16" }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "EV-2");

        // EV-2: a concentrated sitting: two anonymous phones through the link, one paper ballot entered by the Office. Without
        // ballot codes (a phone, one ballot; decision 028's codes have their own tests, SittingCodeTests).
        var sitting = await (await office.PostJsonAsync($"/api/v1/scoring/campaigns/{id}/sittings", new { title = "社会各界代表集中测评", heldOn = "2026-11-16", requireCodes = false }))
            .ReadAsync<SittingDto>(HttpStatusCode.Created);
        var anon = app.NewClient();
        var sheet = await anon.GetAsync<JsonElement>($"/api/v1/scoring/sit/{sitting.Token}");
        Assert.Equal(4, sheet.GetProperty("sections").GetArrayLength());
        foreach (var key in new[] { "phone-one-1234", "phone-two-5678" })
            await (await anon.PostJsonAsync($"/api/v1/scoring/sit/{sitting.Token}", new
            {
                ballotKey = key,
                grades = new object[] { new { sectionId = w.A1, grade = "Excellent" }, new { sectionId = w.A2, grade = "Good" }, new { sectionId = w.B1, grade = "Bad" } },
            })).ExpectAsync(HttpStatusCode.OK);
        await (await anon.PostJsonAsync($"/api/v1/scoring/sit/{sitting.Token}", new { ballotKey = "phone-one-1234", grades = new object[] { new { sectionId = w.A1, grade = "Bad" } } }))
            .ExpectRuleAsync(HttpStatusCode.Conflict, "EV-2");
        await (await office.PostJsonAsync($"/api/v1/scoring/sittings/{sitting.Id}/paper", new { grades = new object[] { new { sectionId = w.A1, grade = "Fair" } } }))
            .ExpectAsync(HttpStatusCode.OK);
        await (await office.PostJsonAsync($"/api/v1/scoring/sittings/{sitting.Id}/paper", new { grades = new object[] { new { sectionId = w.A1, grade = "Bad" } } }))
            .ExpectAsync(HttpStatusCode.OK);

        // EV-4..EV-8: the computation.
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/compute", null)).ExpectAsync(HttpStatusCode.OK);
        var ranking = await office.GetAsync<Ranking>($"/api/v1/scoring/campaigns/{id}/results");
        var rows = ranking.Rows.ToDictionary(r => r.SectionId);
        // A1: instant 0.75, monthly 0.5, concentrated (优 优 一般 差) 0.75, no inspection: rescaled over 90%.
        Assert.Equal(Math.Round(20m + 62.5m / 90m * 80m, 12), Math.Round(rows[w.A1].Total, 12));
        Assert.True(rows[w.A1].Rescaled);
        // A2: concentrated 良 良 = 5/6 alone: 20 + 66.67.
        Assert.Equal(Math.Round(20m + 75m / 90m * 80m, 12), Math.Round(rows[w.A2].Total, 12));
        // B1: instant 优 (1), concentrated 差 差 (1/3): (20 + 50/3) / 70 × 80 + 20 = 61.90…: below 70.
        Assert.Equal(Math.Round(20m + (20m + 50m / 3m) / 70m * 80m, 12), Math.Round(rows[w.B1].Total, 12));
        Assert.Equal("RectifyAndAccount", rows[w.B1].Consequence);
        // V: its open inspection with two confirmed findings grades 一般 (decision 012): 2/3 × 80; the refused notice's two
        // problems cost 10 each (S4 "每起扣10分"), which takes all 20 points.
        Assert.Equal(0m, rows[w.V].Rectification);
        Assert.Equal(2, rows[w.V].Problems);
        Assert.Equal(Math.Round(60m / 90m * 80m, 12), Math.Round(rows[w.V].Total, 12));
        Assert.Equal([1, 2, 3, 4], new[] { w.A2, w.A1, w.B1, w.V }.Select(s => rows[s].Rank));
        Assert.Equal("Satisfied", rows[w.A2].Consequence);
        Assert.Equal("RectifyAndAccount", rows[w.V].Consequence);

        // EV-12: the explanation names the counts, weights, policy and the problem behind each figure.
        var why = await office.GetAsync<JsonElement>($"/api/v1/scoring/campaigns/{id}/results/{w.V}");
        Assert.Equal("Rescale", why.GetProperty("policy").GetString());
        var inspection = why.GetProperty("methods").EnumerateArray().Single(m => m.GetProperty("method").GetString() == "Inspection");
        Assert.Equal(1, inspection.GetProperty("count").GetInt32());
        Assert.Equal(100m, inspection.GetProperty("appliedWeight").GetDecimal());
        var lines = why.GetProperty("problems").EnumerateArray().ToList();
        Assert.Equal(2, lines.Count);
        Assert.All(lines, p => Assert.Equal((w.Notice, "Refused", 10m), (p.GetProperty("noticeId").GetGuid(), p.GetProperty("result").GetString(), p.GetProperty("cost").GetDecimal())));
        Assert.Equal(2, lines.Select(p => p.GetProperty("findingId").GetGuid()).Distinct().Count());
        Assert.Equal(20m, why.GetProperty("deducted").GetDecimal());
        var drill = await office.GetAsync<JsonElement>($"/api/v1/scoring/campaigns/{id}/results/{w.A1}/evaluations?method=Concentrated&grade=Bad");
        Assert.Equal(1, drill.GetArrayLength());

        // The pages: the ranking, the explanation with its drill-down, the sitting's phone page, the forms, the overview.
        async Task<string> Page(HttpClient client, string path)
        {
            var response = await client.GetAsync(path);
            await response.ExpectAsync(HttpStatusCode.OK);
            return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        }
        Assert.Contains("国库科", await Page(office, $"/Scoring/Campaign/{id}"), StringComparison.Ordinal);
        var explained = await Page(office, $"/Scoring/Result/{id}/{w.A1}?method=Concentrated&grade=Bad");
        Assert.Contains(ScoringShow(rows[w.A1].Total), explained, StringComparison.Ordinal);
        Assert.Contains("evaluation-lines", explained, StringComparison.Ordinal);
        Assert.Contains("社会救助科", await Page(anon, $"/Scoring/Sit/{sitting.Token}"), StringComparison.Ordinal);
        Assert.Contains("即时监测表", await Page(point, "/Scoring/Form"), StringComparison.Ordinal);
        Assert.Contains("按期答复", await Page(office, "/Scoring/Overview?year=2026"), StringComparison.Ordinal);
        Assert.Contains("整改局", await Page(office, "/Scoring/Assessment?year=2026"), StringComparison.Ordinal); // the refused notice's points (EV-11)

        // EV-1: closing computes the final results; nothing more is taken; the results reproduce exactly.
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/close", null)).ExpectAsync(HttpStatusCode.OK);
        await (await point.PostJsonAsync($"/api/v1/scoring/campaigns/{id}/evaluations", new { sectionId = w.B1, method = "Instant", grade = "Bad", on = "2026-11-16" }))
            .ExpectRuleAsync(HttpStatusCode.Conflict, "EV-1");
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/compute", null)).ExpectRuleAsync(HttpStatusCode.Conflict, "EV-1");
        var again = await office.GetAsync<Reproduction>($"/api/v1/scoring/campaigns/{id}/reproduce");
        Assert.True(again.Reproduced, string.Join("\n", again.Differences));
        Assert.Equal(4, again.Sections);

        // EV-10: nothing public before publication; then the results without an account, a praise circular, deadlines from the calendar.
        var anonymous = app.NewClient();
        await (await anonymous.GetAsync($"/api/v1/public/scoring/campaigns/{id}")).ExpectAsync(HttpStatusCode.NotFound);
        var published = await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/publish", null)).ReadAsync<CampaignDto>();
        Assert.Equal("Published", published.Status);
        Assert.NotNull(published.CircularOutcomeId);
        var pub = await anonymous.GetAsync<Ranking>($"/api/v1/public/scoring/campaigns/{id}");
        Assert.Equal(4, pub.Rows.Count);
        Assert.Equal(new DateOnly(2026, 12, 7), pub.Rows.Single(r => r.SectionId == w.B1).DueOn); // 15 working days after Monday 2026-11-16
        var page = WebUtility.HtmlDecode(await (await anonymous.GetAsync($"/Public/Scoring/{id}")).Content.ReadAsStringAsync());
        Assert.Contains("社会救助科", page, StringComparison.Ordinal);
        // EV-10: the public page states the whole rule set the results came from, from the campaign's own numbers.
        Assert.Contains("综合满意度 × 80", page, StringComparison.Ordinal);
        Assert.Contains("基准分 20 分", page, StringComparison.Ordinal);
        Assert.Contains("每起扣 3 分", page, StringComparison.Ordinal);
        Assert.Contains("每起扣 10 分", page, StringComparison.Ordinal);
        Assert.Contains("前 6 名为满意科室", page, StringComparison.Ordinal);
        Assert.Contains("低于 70 分", page, StringComparison.Ordinal);

        // EV-8: the head of a section below 70 is held accountable through the rectification module (RCT-5), resting on the
        // campaign's result for it (decision 021), with the section's confirmed findings when it has any: B1 has none, V two.
        async Task<JsonElement> AccountableAsync(Guid section, string person)
        {
            var created = await (await office.PostJsonAsync($"/api/v1/scoring/campaigns/{id}/results/{section}/accountability", new { measure = "Criticism", personName = person, text = "测评得分低于70分" }))
                .ReadAsync<JsonElement>(HttpStatusCode.Created);
            var outcomes = await office.GetAsync<JsonElement>("/api/v1/rectification/outcomes?year=2026");
            return outcomes.EnumerateArray().Single(o => o.GetProperty("id").GetGuid() == created.GetProperty("id").GetGuid());
        }
        var heldB1 = await AccountableAsync(w.B1, "王科长");
        Assert.Equal((id, w.B1, 0), (heldB1.GetProperty("resultCampaignId").GetGuid(), heldB1.GetProperty("resultSectionId").GetGuid(), heldB1.GetProperty("findingIds").GetArrayLength()));
        var heldV = await AccountableAsync(w.V, "李科长");
        Assert.Equal((id, 2), (heldV.GetProperty("resultCampaignId").GetGuid(), heldV.GetProperty("findingIds").GetArrayLength()));
        Assert.Contains($"/Scoring/Result/{id}/{w.B1}", WebUtility.HtmlDecode(await office.GetStringAsync("/Rectification/Outcomes")), StringComparison.Ordinal);
        await (await office.PostJsonAsync($"/api/v1/scoring/campaigns/{id}/results/{w.A2}/accountability", new { measure = "Criticism", personName = "赵科长", text = "不应问责" }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "EV-8");
    }

    /// <summary>
    /// EV-6 (decision 020): a complaint the Office closed as substantiated is a problem of the section it names, at its S4
    /// category: handled in time, nothing; sent back once to be done again, 3; sent back twice, 5. A complaint closed as
    /// not substantiated costs nothing and is not listed.
    /// </summary>
    [Fact]
    [Trait("Rule", "EV-6")]
    [Trait("Rule", "CMP-7")]
    [Trait("Rule", "EV-12")]
    public async Task SubstantiatedComplaints_AreProblemsOfTheSectionTheyName_AtTheirS4Category()
    {
        var w = await WorldAsync();
        var office = w.Office;
        var kit = new Complaints.ComplaintKit(app, office);
        var liaisonA = await app.ClientAsAsync(Roles.UnitLiaison, w.UnitA);
        async Task<Guid> ComplaintAsync(Guid section, int sentBack, bool substantiated)
        {
            var filed = await kit.FileAsync(new
            {
                channel = "ComplaintHotline", type = "SlowHandling", unitId = w.UnitA, sectionId = section, staffNamed = "李科员", matter = "营业执照办理超时" + Guid.NewGuid().ToString("N")[..6],
                reasons = "超过承诺时限五天仍未办结。", name = "王五", phone = "13812345678", anonymous = false, hasInterest = true, receivedAt = "2026-11-16T01:30:00Z",
            });
            await kit.AssignAsync(filed.Id);
            for (var i = 0; i <= sentBack; i++)
            {
                await (await liaisonA.PostJsonAsync($"/api/v1/complaints/{filed.Id}/answer", new { body = "已核查并补办。" })).ExpectAsync(HttpStatusCode.NoContent);
                var review = i < sentBack ? (object)new { accept = false, note = "答复不具体，重新办理" } : new { accept = true, substantiated };
                await (await office.PostJsonAsync($"/api/v1/complaints/{filed.Id}/review", review)).ExpectAsync(HttpStatusCode.NoContent);
            }
            return filed.Id;
        }
        var onTime = await ComplaintAsync(w.A1, sentBack: 0, substantiated: true);
        var once = await ComplaintAsync(w.A1, sentBack: 1, substantiated: true);
        var notSo = await ComplaintAsync(w.A1, sentBack: 1, substantiated: false);
        var twice = await ComplaintAsync(w.A2, sentBack: 2, substantiated: true);

        var id = await CampaignAsync(w);
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/open", null)).ExpectAsync(HttpStatusCode.OK);
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/compute", null)).ExpectAsync(HttpStatusCode.OK);
        var rows = (await office.GetAsync<Ranking>($"/api/v1/scoring/campaigns/{id}/results")).Rows.ToDictionary(r => r.SectionId);
        Assert.Equal((17m, 2), (rows[w.A1].Rectification, rows[w.A1].Problems));
        Assert.Equal((15m, 1), (rows[w.A2].Rectification, rows[w.A2].Problems));
        Assert.Equal((20m, 0), (rows[w.B1].Rectification, rows[w.B1].Problems));

        var why = await office.GetAsync<JsonElement>($"/api/v1/scoring/campaigns/{id}/results/{w.A1}");
        var lines = why.GetProperty("problems").EnumerateArray()
            .ToDictionary(p => p.GetProperty("complaintId").GetGuid(), p => (p.GetProperty("source").GetString(), p.GetProperty("result").GetString(), p.GetProperty("cost").GetDecimal()));
        Assert.Equal(("Complaint", "OnTime", 0m), lines[onTime]);
        Assert.Equal(("Complaint", "LateOrIncomplete", 3m), lines[once]);
        Assert.False(lines.ContainsKey(notSo));
        var page = WebUtility.HtmlDecode(await office.GetStringAsync($"/Scoring/Result/{id}/{w.A2}"));
        Assert.Contains($"/Complaints/Detail/{twice}", page, StringComparison.Ordinal);
        Assert.Contains("AfterSupervision", page, StringComparison.Ordinal);
    }

    /// <summary>
    /// EV-6 (decision 021): problems found through S4's other channels cost their section by their notice's S4 result, each
    /// one ("每起"), as a finding on the notice does; a problem on no notice costs nothing yet. The explanation names the channel.
    /// </summary>
    [Fact]
    [Trait("Rule", "EV-6")]
    [Trait("Rule", "EV-12")]
    [Trait("Rule", "EV-8")]
    [Trait("Rule", "RCT-5")]
    public async Task ProblemsFoundThroughOtherChannels_CostTheirSectionByTheirNoticesResult()
    {
        var w = await WorldAsync();
        var office = w.Office;
        async Task<Guid> ProblemAsync(Guid section, string channel, string description) =>
            (await (await office.PostJsonAsync("/api/v1/rectification/problems", new { sectionId = section, channel, foundOn = "2026-11-12", description }))
                .ReadAsync<JsonElement>(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var video = await ProblemAsync(w.A1, "VideoMonitoring", "窗口人员上班时间玩手机");
        var online = await ProblemAsync(w.A1, "OnlineApproval", "网上审批超时");
        var special = await ProblemAsync(w.A2, "SpecialSupervision", "首问负责制未落实");
        await ProblemAsync(w.B1, "DevelopmentMonitoring", "尚未列入通知书的问题");
        var notice = await (await office.PostJsonAsync("/api/v1/rectification/notices", new { unitId = w.UnitA, problemIds = new[] { video, online, special }, requiredAction = "限期整改" }))
            .ReadAsync<JsonElement>(HttpStatusCode.Created);
        var noticeId = notice.GetProperty("id").GetGuid();
        await new RectificationKit(app, office).CloseObjectionWindowAsync(noticeId); // RCT-3: no refusal while the unit may still object
        await (await office.PostJsonAsync($"/api/v1/rectification/notices/{noticeId}/refusal", new { reason = "拒不整改且无正当理由" })).ExpectAsync(HttpStatusCode.NoContent);

        var id = await CampaignAsync(w);
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/open", null)).ExpectAsync(HttpStatusCode.OK);
        // A1 graded 差 once (a section with no evaluation at all is not ranked, decision 023).
        await (await office.PostJsonAsync($"/api/v1/scoring/campaigns/{id}/evaluations", new { sectionId = w.A1, method = "Concentrated", grade = "Bad", on = "2026-11-16" }))
            .ExpectAsync(HttpStatusCode.Created);
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/compute", null)).ExpectAsync(HttpStatusCode.OK);
        var rows = (await office.GetAsync<Ranking>($"/api/v1/scoring/campaigns/{id}/results")).Rows.ToDictionary(r => r.SectionId);
        Assert.Equal((0m, 2), (rows[w.A1].Rectification, rows[w.A1].Problems));
        Assert.Equal((10m, 1), (rows[w.A2].Rectification, rows[w.A2].Problems));
        Assert.Equal((20m, 0), (rows[w.B1].Rectification, rows[w.B1].Problems));

        var why = await office.GetAsync<JsonElement>($"/api/v1/scoring/campaigns/{id}/results/{w.A1}");
        var lines = why.GetProperty("problems").EnumerateArray().ToDictionary(p => p.GetProperty("findingId").GetGuid());
        Assert.Equal(2, lines.Count);
        Assert.Equal(("VideoMonitoring", "Refused", 10m, noticeId), (lines[video].GetProperty("channel").GetString(), lines[video].GetProperty("result").GetString(),
            lines[video].GetProperty("cost").GetDecimal(), lines[video].GetProperty("noticeId").GetGuid()));
        Assert.Equal("电子视频监察：窗口人员上班时间玩手机", lines[video].GetProperty("finding").GetString());
        var page = WebUtility.HtmlDecode(await office.GetStringAsync($"/Scoring/Result/{id}/{w.A1}"));
        Assert.Contains("网上审批电子监察：网上审批超时", page, StringComparison.Ordinal);
        Assert.Contains($"/Rectification/Notice/{noticeId}", page, StringComparison.Ordinal);
        // A closed campaign reproduces its figures with the problems counted.
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/close", null)).ExpectAsync(HttpStatusCode.OK);
        var again = await office.GetAsync<Reproduction>($"/api/v1/scoring/campaigns/{id}/reproduce");
        Assert.True(again.Reproduced, string.Join("\n", again.Differences));
        // EV-8, RCT-5: A1 (graded 差, no rectification points left) is below 70; its head's accountability rests on the
        // result and on the two problems of other channels behind it.
        Assert.Equal("RectifyAndAccount", rows[w.A1].Consequence);
        var created = await (await office.PostJsonAsync($"/api/v1/scoring/campaigns/{id}/results/{w.A1}/accountability", new { measure = "WrittenWarning", personName = "周科长", text = "测评得分低于70分" }))
            .ReadAsync<JsonElement>(HttpStatusCode.Created);
        var held = (await office.GetAsync<JsonElement>($"/api/v1/rectification/outcomes?year=2026&unitId={w.UnitA}")).EnumerateArray()
            .Single(o => o.GetProperty("id").GetGuid() == created.GetProperty("id").GetGuid());
        Assert.Equal(new[] { online, video }.Order(), held.GetProperty("problemIds").EnumerateArray().Select(p => p.GetGuid()).Order());
        Assert.Equal(w.A1, held.GetProperty("resultSectionId").GetGuid());
    }

    /// <summary>
    /// ORG-1, EV-10: a published ranking names its sections, units and categories as they were when it was computed. Renamed
    /// the next day, they keep their old names in the ranking, its explanation, the category picker and the public page.
    /// </summary>
    [Fact]
    [Trait("Rule", "ORG-1")]
    [Trait("Rule", "EV-10")]
    public async Task PublishedRanking_KeepsTheNamesOfItsTime_AfterARenameLater()
    {
        var w = await WorldAsync();
        var office = w.Office;
        var id = await CampaignAsync(w);
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/open", null)).ExpectAsync(HttpStatusCode.OK);
        await (await office.PostJsonAsync($"/api/v1/scoring/campaigns/{id}/evaluations", new { sectionId = w.A1, method = "Concentrated", grade = "Excellent", on = "2026-11-16" }))
            .ExpectAsync(HttpStatusCode.Created);
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/compute", null)).ExpectAsync(HttpStatusCode.OK);
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/close", null)).ExpectAsync(HttpStatusCode.OK);
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/publish", null)).ExpectAsync(HttpStatusCode.OK);
        var unitName = (await office.GetAsync<JsonElement>($"/api/v1/scoring/campaigns/{id}/results")).GetProperty("rows").EnumerateArray()
            .Single(r => r.GetProperty("sectionId").GetGuid() == w.A1).GetProperty("unitName").GetString()!;
        var categoryName = (await office.GetAsync<JsonElement>($"/api/v1/scoring/campaigns/{id}/results")).GetProperty("rows")[0].GetProperty("categoryName").GetString()!;

        app.Clock.Advance(TimeSpan.FromDays(1));
        office = await app.ClientAsAsync(Roles.OfficeAdmin); // a day later: a new sign-in
        await (await office.PatchJsonAsync($"/api/v1/sections/{w.A1}", new { name = "预算绩效管理科" })).ExpectAsync(HttpStatusCode.NoContent);
        await (await office.PatchJsonAsync($"/api/v1/units/{w.UnitA}", new { name = "财政局（新）" })).ExpectAsync(HttpStatusCode.NoContent);
        await (await office.PatchJsonAsync($"/api/v1/categories/{w.Category}", new { name = "综合管理类（新）" })).ExpectAsync(HttpStatusCode.NoContent);

        var row = (await office.GetAsync<JsonElement>($"/api/v1/scoring/campaigns/{id}/results")).GetProperty("rows").EnumerateArray()
            .Single(r => r.GetProperty("sectionId").GetGuid() == w.A1);
        Assert.Equal(("预算科", unitName, categoryName), (row.GetProperty("sectionName").GetString(), row.GetProperty("unitName").GetString(), row.GetProperty("categoryName").GetString()));
        var why = (await office.GetAsync<JsonElement>($"/api/v1/scoring/campaigns/{id}/results/{w.A1}")).GetProperty("result");
        Assert.Equal(("预算科", unitName), (why.GetProperty("sectionName").GetString(), why.GetProperty("unitName").GetString()));
        var published = WebUtility.HtmlDecode(await (await app.NewClient().GetAsync($"/Public/Scoring/{id}")).Content.ReadAsStringAsync());
        Assert.Contains("预算科", published, StringComparison.Ordinal);
        Assert.Contains(categoryName, published, StringComparison.Ordinal);
        foreach (var later in new[] { "预算绩效管理科", "财政局（新）", "综合管理类（新）" })
            Assert.DoesNotContain(later, published, StringComparison.Ordinal);
        // Today's registry has the new names.
        Assert.Equal("预算绩效管理科", (await office.GetAsync<JsonElement>($"/api/v1/sections/{w.A1}")).GetProperty("name").GetString());
    }

    private static string ScoringShow(decimal d) => Math.Round(d, 2, MidpointRounding.AwayFromZero).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// EV-1: closing and importing at the same moment. The import reads its file first (seconds for a large one), then
    /// writes; closing counts and stores the final results. Both now claim the open campaign's row inside the transaction
    /// that writes, so either the import is counted in the final results or it is refused and stores nothing: the final
    /// computation always holds exactly the evaluations the closed campaign has. Before, an import that found the campaign
    /// open could commit after the final counts, and the closed campaign no longer reproduced.
    /// </summary>
    [Fact]
    [Trait("Rule", "EV-1")]
    public async Task ClosingWhileAnImportIsWritten_EitherCountsTheImportOrRefusesIt()
    {
        var w = await WorldAsync();
        var office = w.Office;
        var rows = new StringBuilder("科室代码,测评方式,等次,日期\n");
        for (var i = 0; i < 3000; i++) rows.Append(CultureInfo.InvariantCulture, $"{w.CodeA1},即时,{(i % 3 == 0 ? "良" : "优")},2026-0{1 + i % 9}-1{i % 10}\n");
        // How long an import of these rows takes here, alone; closes are then sent across that span.
        // A1, A2 and B1 only: V's open inspection would be taken as an evaluation when closing, a write of its own.
        Guid[] sections = [w.A1, w.A2, w.B1];
        var probe = await CampaignAsync(w, sectionIds: sections);
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{probe}/open", null)).ExpectAsync(HttpStatusCode.OK);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{probe}/import", Csv(rows.ToString()))).ExpectAsync(HttpStatusCode.OK);
        var span = watch.ElapsedMilliseconds;
        var outcomes = new List<HttpStatusCode>();
        foreach (var delay in new[] { 0, span / 4, span / 2, span * 3 / 4, span * 9 / 10 })
        {
            var id = await CampaignAsync(w, sectionIds: sections);
            await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/open", null)).ExpectAsync(HttpStatusCode.OK);
            var import = office.PostAsync($"/api/v1/scoring/campaigns/{id}/import", Csv(rows.ToString()));
            await Task.Delay(TimeSpan.FromMilliseconds(delay));
            (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/close", null)).EnsureSuccessStatusCode();
            var answer = await import;
            outcomes.Add(answer.StatusCode);
            Assert.True(answer.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
            var held = await app.WithDbAsync(db => db.Evaluations.LongCountAsync(e => e.CampaignId == id));
            var imported = await app.WithDbAsync(db => db.Evaluations.LongCountAsync(e => e.CampaignId == id && e.Source == EvaluationSource.Import));
            Assert.Equal(answer.StatusCode == HttpStatusCode.OK ? 3000 : 0, imported);
            var final = (await office.GetAsync<JsonElement>($"/api/v1/scoring/campaigns/{id}/computations")).EnumerateArray().Single(c => c.GetProperty("final").GetBoolean());
            Assert.Equal(held, final.GetProperty("evaluations").GetInt64());
            var again = await office.GetAsync<Reproduction>($"/api/v1/scoring/campaigns/{id}/reproduce");
            Assert.True(again.Reproduced, string.Join("\n", again.Differences));
        }
        Console.WriteLine($"import {span} ms alone; with a close: {string.Join(", ", outcomes)}");
        // The refusal is EV-1's: a late import is told the campaign closed.
        var late = await office.PostAsync($"/api/v1/scoring/campaigns/{(await office.GetAsync<JsonElement>("/api/v1/scoring/campaigns?year=2026")).EnumerateArray().First(c => c.GetProperty("status").GetString() == "Closed").GetProperty("id").GetGuid()}/import", Csv(rows.ToString()));
        await late.ExpectRuleAsync(HttpStatusCode.Conflict, "EV-1");
    }

    /// <summary>
    /// EV-1 and EV-6 (decision 024): a campaign of a period counts the problems of its period. Unit C's notice (two findings
    /// in V, refused: −10 each) was received on 2026-11-16: the fourth quarter's campaign counts it, the third quarter's
    /// does not. Before, every campaign of 2026 counted every notice of 2026, so a problem cost its section again in each
    /// quarter's campaign, also in quarters before it was found.
    /// </summary>
    [Fact]
    [Trait("Rule", "EV-1")]
    [Trait("Rule", "EV-6")]
    public async Task ACampaignOfAPeriod_CountsTheProblemsOfItsPeriodOnly()
    {
        var w = await WorldAsync();
        var office = w.Office;
        async Task<Row> VIn(string from, string to)
        {
            var id = await CampaignAsync(w, from: from, to: to);
            await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/open", null)).ExpectAsync(HttpStatusCode.OK);
            await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/compute", null)).ExpectAsync(HttpStatusCode.OK);
            return (await office.GetAsync<Ranking>($"/api/v1/scoring/campaigns/{id}/results")).Rows.Single(r => r.SectionId == w.V);
        }
        var third = await VIn("2026-07-01", "2026-09-30");
        Assert.Equal((20m, 0), (third.Rectification, third.Problems));
        var fourth = await VIn("2026-10-01", "2026-12-31");
        Assert.Equal((0m, 2), (fourth.Rectification, fourth.Problems));
        var year = await VIn("2026-01-01", "2026-12-31");
        Assert.Equal((0m, 2), (year.Rectification, year.Problems));
    }

    /// <summary>
    /// EV-8, RCT-5 (decision 021: the result alone suffices): a section below 70 whose year also holds a confirmed finding of
    /// a covert visit not yet sent to the unit. The accountability rests on the result and on what may be shown; the unsent
    /// finding is left out. Before, it was linked, and the outcome was refused whole (INS-9), so no accountability could be
    /// recorded until the Office sent that visit's findings.
    /// </summary>
    [Fact]
    [Trait("Rule", "EV-8")]
    [Trait("Rule", "RCT-5")]
    [Trait("Rule", "INS-9")]
    public async Task AccountabilityBelow70_LeavesOutAFindingNotYetSent_InsteadOfBeingRefused()
    {
        var w = await WorldAsync();
        var office = w.Office;
        var kit = new RectificationKit(app, office);
        var covert = await kit.CaseAsync(findings: 1);
        await kit.ConfirmAsync(covert.Findings[0]);
        await (await office.PutJsonAsync($"/api/v1/units/{covert.UnitId}/category", new { year = 2026, categoryId = w.Category })).ExpectAsync(HttpStatusCode.NoContent);
        var id = await CampaignAsync(w, sectionIds: [covert.SectionId]);
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/open", null)).ExpectAsync(HttpStatusCode.OK);
        await (await office.PostJsonAsync($"/api/v1/scoring/campaigns/{id}/evaluations", new { sectionId = covert.SectionId, method = "Concentrated", grade = "Bad", on = "2026-11-16" }))
            .ExpectAsync(HttpStatusCode.Created);
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/close", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("RectifyAndAccount", (await office.GetAsync<Ranking>($"/api/v1/scoring/campaigns/{id}/results")).Rows.Single().Consequence);

        var created = await (await office.PostJsonAsync($"/api/v1/scoring/campaigns/{id}/results/{covert.SectionId}/accountability",
            new { measure = "Criticism", personName = "赵科长", text = "测评得分低于70分" })).ReadAsync<JsonElement>(HttpStatusCode.Created);
        var held = (await office.GetAsync<JsonElement>($"/api/v1/rectification/outcomes?year=2026&unitId={covert.UnitId}")).EnumerateArray()
            .Single(o => o.GetProperty("id").GetGuid() == created.GetProperty("id").GetGuid());
        Assert.Empty(held.GetProperty("findingIds").EnumerateArray());
        Assert.Equal(covert.SectionId, held.GetProperty("resultSectionId").GetGuid());
        // The visit is still unknown to the unit (INS-9).
        Assert.Null(await app.WithDbAsync(db => db.Visits.Where(v => v.Id == covert.VisitId).Select(v => v.FindingsSentAt).SingleAsync()));
    }

    /// <summary>
    /// Decision 023: sections that no one evaluated (A2 and B1) are not ranked and carry no consequence; counted as 0 they
    /// would have been "below 70", their heads held to account on no evidence. The page says so, publication gives them no
    /// deadline, and the yearly assessment leaves them out of their unit's figures.
    /// </summary>
    [Fact]
    [Trait("Rule", "EV-5")]
    [Trait("Rule", "EV-8")]
    [Trait("Rule", "EV-9")]
    public async Task SectionsWithoutAnyEvaluation_AreNotRanked_AndCarryNoConsequence()
    {
        var w = await WorldAsync();
        var office = w.Office;
        var id = await CampaignAsync(w, new { policy = "CountAsZero" });
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/open", null)).ExpectAsync(HttpStatusCode.OK);
        await (await office.PostJsonAsync($"/api/v1/scoring/campaigns/{id}/evaluations", new { sectionId = w.A1, method = "Concentrated", grade = "Excellent", on = "2026-11-16" }))
            .ExpectAsync(HttpStatusCode.Created);
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/compute", null)).ExpectAsync(HttpStatusCode.OK);
        var page = WebUtility.HtmlDecode(await office.GetStringAsync($"/Scoring/Campaign/{id}?categoryId={w.Category}"));
        Assert.Contains("id=\"not-evaluated\"", page, StringComparison.Ordinal);
        Assert.Contains("未测评，不排名", page, StringComparison.Ordinal);

        await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/close", null)).ExpectAsync(HttpStatusCode.OK);
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/publish", null)).ExpectAsync(HttpStatusCode.OK);
        var rows = (await office.GetAsync<Ranking>($"/api/v1/scoring/campaigns/{id}/results")).Rows.ToDictionary(r => r.SectionId);
        foreach (var none in new[] { w.A2, w.B1 })
        {
            Assert.Equal(0, rows[none].Rank);
            Assert.Equal("NotEvaluated", rows[none].Consequence);
            Assert.Null(rows[none].DueOn);
        }
        // A1 (0.5 × 80 + 20 = 60) and V (its open inspection, EV-2) are ranked between themselves; the unevaluated are listed last.
        Assert.Equal(60m, rows[w.A1].Total);
        Assert.Equal("RectifyAndAccount", rows[w.A1].Consequence);
        Assert.NotNull(rows[w.A1].DueOn);
        Assert.True(rows[w.A1].Rank is 1 or 2);
        Assert.True(rows[w.V].Rank is 1 or 2);
        var order = (await office.GetAsync<Ranking>($"/api/v1/scoring/campaigns/{id}/results")).Rows.Select(r => r.Rank).ToList();
        Assert.Equal([0, 0], order.TakeLast(2));
        Assert.Contains("未测评，不排名", WebUtility.HtmlDecode(await (await app.NewClient().GetAsync($"/Public/Scoring/{id}")).Content.ReadAsStringAsync()), StringComparison.Ordinal);

        // EV-9: unit B's only section was not evaluated, so this campaign is not among B's results.
        var units = (await office.GetAsync<JsonElement>("/api/v1/scoring/assessments/2026")).GetProperty("units").EnumerateArray().ToDictionary(u => u.GetProperty("unitId").GetGuid());
        Assert.True(!units.TryGetValue(w.UnitB, out var b) || b.GetProperty("campaigns").EnumerateArray().All(c => c.GetProperty("campaignId").GetGuid() != id));
        var a = units[w.UnitA].GetProperty("campaigns").EnumerateArray().Single(c => c.GetProperty("campaignId").GetGuid() == id);
        Assert.Equal(1, a.GetProperty("sections").GetInt32());
        Assert.Equal(60m, a.GetProperty("meanTotal").GetDecimal());
    }

    [Fact]
    [Trait("Rule", "SAT-4")]
    [Trait("Rule", "ORG-1")]
    public async Task YearlyAssessment_CorrectsATownshipOutletsComposite_ByItsOwnSatisfactionRate()
    {
        var w = await WorldAsync();
        var office = w.Office;
        // A township outlet of unit B (S2: "将群众满意度作为系数，对县区、乡镇综合考核得分进行修正").
        var outlet = (await (await office.PostJsonAsync("/api/v1/sections", new { unitId = w.UnitB, code = "T1-" + Guid.NewGuid().ToString("N")[..8], name = "城关镇民政所", kind = "TownshipOutlet" }))
            .ReadAsync<Created>(HttpStatusCode.Created)).Id;
        var id = await CampaignAsync(w, new { policy = "CountAsZero" });
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/open", null)).ExpectAsync(HttpStatusCode.OK);
        await (await office.PostJsonAsync($"/api/v1/scoring/campaigns/{id}/evaluations", new { sectionId = outlet, method = "Concentrated", grade = "Excellent", on = "2026-11-16" }))
            .ExpectAsync(HttpStatusCode.Created);
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/close", null)).ExpectAsync(HttpStatusCode.OK);
        // Two ratings at the outlet this year: satisfied (100) and basically satisfied (60): a rate of 0.8.
        var (device, _) = await app.TokenClientAsync(w.UnitB, "ratings:write");
        foreach (var level in new[] { 1, 2 })
            await (await device.PostJsonAsync("/api/v1/ratings", new { sectionId = outlet, level })).ExpectAsync(HttpStatusCode.Created);

        var unit = (await office.GetAsync<JsonElement>($"/api/v1/scoring/assessments/2026?unitId={w.UnitB}")).GetProperty("units").EnumerateArray().Single();
        var line = Assert.Single(unit.GetProperty("outlets").EnumerateArray());
        Assert.Equal(outlet, line.GetProperty("sectionId").GetGuid());
        Assert.Equal(0.5m, line.GetProperty("composite").GetDecimal()); // 优 (weight 50%), the rest counted as zero
        Assert.Equal(0.8m, line.GetProperty("coefficient").GetDecimal());
        Assert.Equal(0.4m, line.GetProperty("correctedComposite").GetDecimal());
        // An internal section is not an outlet: B1 is not listed.
        Assert.DoesNotContain(unit.GetProperty("outlets").EnumerateArray(), o => o.GetProperty("sectionId").GetGuid() == w.B1);

        var xlsx = await (await office.GetAsync("/api/v1/scoring/assessments/2026/xlsx")).Content.ReadAsByteArrayAsync();
        using var doc = SpreadsheetDocument.Open(new MemoryStream(xlsx), false);
        Assert.Contains("城关镇民政所", doc.WorkbookPart!.SharedStringTablePart?.SharedStringTable.InnerText ?? string.Concat(doc.WorkbookPart.WorksheetParts.Select(p => p.Worksheet.InnerText)), StringComparison.Ordinal);
        Assert.Contains(doc.WorkbookPart.Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>(), s => s.Name == "乡镇街道网点");

        // ORG-1: the outlet is later moved to unit A. Its closed results stay with B, where they were computed; A gets no
        // outlet line (before, A's empty line made the whole year's table a 500).
        await (await office.PatchJsonAsync($"/api/v1/sections/{outlet}", new { unitId = w.UnitA })).ExpectAsync(HttpStatusCode.NoContent);
        var after = (await office.GetAsync<JsonElement>("/api/v1/scoring/assessments/2026")).GetProperty("units").EnumerateArray()
            .ToDictionary(u => u.GetProperty("unitId").GetGuid());
        Assert.Equal(outlet, Assert.Single(after[w.UnitB].GetProperty("outlets").EnumerateArray()).GetProperty("sectionId").GetGuid());
        if (after.TryGetValue(w.UnitA, out var a)) // A is listed only if it has results or losses of its own this year
            Assert.DoesNotContain(a.GetProperty("outlets").EnumerateArray(), o => o.GetProperty("sectionId").GetGuid() == outlet);
        await (await office.GetAsync("/api/v1/scoring/assessments/2026/xlsx")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    [Trait("Rule", "EV-9")]
    [Trait("Rule", "EV-11")]
    [Trait("Rule", "RCT-6")]
    [Trait("Rule", "SAT-4")]
    [Trait("Rule", "SEC-2")]
    public async Task YearlyAssessment_WhenACampaignClosed_HoldsResultsPointsLostCoefficientAndIsExported()
    {
        var w = await WorldAsync();
        var office = w.Office;
        var id = await CampaignAsync(w, new { policy = "CountAsZero" });
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/open", null)).ExpectAsync(HttpStatusCode.OK);
        await (await office.PostJsonAsync($"/api/v1/scoring/campaigns/{id}/evaluations", new { sectionId = w.A1, method = "Concentrated", grade = "Excellent", on = "2026-11-16" }))
            .ExpectAsync(HttpStatusCode.Created);
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/close", null)).ExpectAsync(HttpStatusCode.OK);
        var ranking = await office.GetAsync<Ranking>($"/api/v1/scoring/campaigns/{id}/results");
        // EV-5 counted as zero: A1's only evaluation (优, weight 50%) gives 0.5 × 80 + 20 = 60.
        Assert.Equal(60m, ranking.Rows.Single(r => r.SectionId == w.A1).Total);
        Assert.False(ranking.Rows.Single(r => r.SectionId == w.A1).Rescaled);

        var table = await office.GetAsync<JsonElement>("/api/v1/scoring/assessments/2026");
        var units = table.GetProperty("units").EnumerateArray().ToDictionary(u => u.GetProperty("unitId").GetGuid());
        // RCT-6 / EV-11: unit C lost the refused notice's points in the ledger; its campaign result is there too.
        Assert.True(units[w.UnitC].GetProperty("pointsLost").GetDecimal() > 0m);
        Assert.Contains(units[w.UnitC].GetProperty("campaigns").EnumerateArray(), c => c.GetProperty("campaignId").GetGuid() == id);
        // SAT-4: no ratings this year, coefficient 1; a bottom section costs the unit its awards (EV-8).
        Assert.Equal(1m, units[w.UnitA].GetProperty("coefficient").GetDecimal());
        Assert.Equal(0.5m, units[w.UnitA].GetProperty("composite").GetDecimal()); // A1 0.5; A2 had no evaluation at all (decision 023)
        Assert.True(units[w.UnitA].GetProperty("excellenceIneligible").GetBoolean());

        var xlsx = await (await office.GetAsync("/api/v1/scoring/assessments/2026/xlsx")).Content.ReadAsByteArrayAsync();
        using (var doc = SpreadsheetDocument.Open(new MemoryStream(xlsx), false))
            Assert.Contains("财政局", doc.WorkbookPart!.SharedStringTablePart?.SharedStringTable.InnerText ?? doc.WorkbookPart.WorksheetParts.First().Worksheet.InnerText, StringComparison.Ordinal);
        var issued = await (await office.PostAsync($"/api/v1/scoring/assessments/2026/document?unitId={w.UnitA}", null)).ReadAsync<JsonElement>(HttpStatusCode.Created);
        Assert.False(string.IsNullOrEmpty(issued.GetProperty("number").GetString()));

        // SEC-2: a liaison sees their own unit only; another unit's explanation is missing.
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, w.UnitB);
        var mine = await liaison.GetAsync<JsonElement>("/api/v1/scoring/assessments/2026");
        Assert.All(mine.GetProperty("units").EnumerateArray(), u => Assert.Equal(w.UnitB, u.GetProperty("unitId").GetGuid()));
        Assert.All((await liaison.GetAsync<Ranking>($"/api/v1/scoring/campaigns/{id}/results")).Rows, r => Assert.Equal(w.B1, r.SectionId));
        await (await liaison.GetAsync($"/api/v1/scoring/campaigns/{id}/results/{w.A1}")).ExpectAsync(HttpStatusCode.NotFound);
        await (await liaison.GetAsync($"/api/v1/scoring/campaigns/{id}/results/{w.A1}/evaluations")).ExpectAsync(HttpStatusCode.NotFound);
    }
}
