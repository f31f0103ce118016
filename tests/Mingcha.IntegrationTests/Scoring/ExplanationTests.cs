using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Home;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.IntegrationTests.Rectification;
using Mingcha.Web.Features.Jobs;
using Mingcha.Web.Features.Scoring;

namespace Mingcha.IntegrationTests.Scoring;

/// <summary>
/// EV-8: the written explanation of the bottom three (70 or more) over HTTP: filed by the section's unit by the last day the
/// Calendar gave (CAL-2), or late and marked so; sent back and filed again; accepted; reminded; shown on the pages and in the
/// yearly assessment; another unit's liaison can neither see nor file it (SEC-2). SQLite and, with MINGCHA_TEST_POSTGRES, PostgreSQL.
/// </summary>
public sealed class ExplanationTests(RectificationApp app) : IClassFixture<RectificationApp>
{
    private sealed record Created(Guid Id);
    private sealed record Row(Guid SectionId, int Rank, decimal Total, string Consequence, DateOnly? DueOn);
    private sealed record Ranking(List<Row> Rows);
    private sealed record Step(string Kind, string Text, bool Late, string By);
    private sealed record Explanation(Guid SectionId, Guid UnitId, DateOnly? LastDay, string Status, string? State, bool Late, int WorkingDaysLate, string? Text, int Filings,
        string? Reason, List<Step> Steps, string Consequence);
    private sealed record ToExplain(Guid CampaignId, Guid SectionId, Guid UnitId, DateOnly? LastDay, string Status, bool Late, string Consequence);

    private sealed record World(HttpClient Office, Guid Campaign, Guid UnitA, Guid A1, Guid A2, Guid UnitB, Guid B1);

    private static DateTimeOffset Beijing(int year, int month, int day, int hour = 10) => new(year, month, day, hour - 8, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// One category, three sections; rules: the top 1 satisfied, the bottom 2 explain. A1 优 (100, satisfied), A2 良 (86.67) and
    /// B1 一般 (73.33) explain. Published on Monday 2026-11-16: the last day is 15 working days later, Monday 2026-12-07 (CAL-2).
    /// </summary>
    private async Task<World> PublishedAsync(int threshold = 70)
    {
        app.Clock.Set(MingchaApp.Start);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var m = await GradedCampaign.CloseAsync(office, "ex", "说明", new { satisfiedTop = 1, bottomCount = 2, threshold },
            [new("税务局", "A1", "征收科", "Excellent"), new("税务局", "A2", "稽查科", "Good"), new("卫健委", "B1", "医政科", "Fair")]);
        return new World(office, m.Campaign, m.Units["税务局"], m.Sections["A1"], m.Sections["A2"], m.Units["卫健委"], m.Sections["B1"]);
    }

    private static string Path(World w, Guid section, string tail = "") => $"/api/v1/scoring/campaigns/{w.Campaign}/results/{section}/explanation{tail}";

    private async Task<List<Reminder>> RemindersAsync(DateOnly today)
    {
        var list = new List<Reminder>();
        await app.WithScopeAsync(async sp =>
        {
            var source = sp.GetServices<IReminderSource>().OfType<ExplanationReminders>().Single();
            await foreach (var r in source.DueAsync(sp.GetRequiredService<Mingcha.Web.Data.MingchaDb>(), today, CancellationToken.None)) list.Add(r);
        });
        return list;
    }

    private static async Task<string> PageAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        await response.ExpectAsync(HttpStatusCode.OK);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    [Trait("Rule", "EV-8")]
    [Trait("Rule", "CAL-2")]
    [Trait("Rule", "SEC-2")]
    public async Task Explanation_FiledSentBackFiledAgainAccepted_LateOneMarkedLate_OtherUnitSeesNothing()
    {
        var w = await PublishedAsync();
        var office = w.Office;
        var liaisonA = await app.ClientAsAsync(Roles.UnitLiaison, w.UnitA);
        var liaisonB = await app.ClientAsAsync(Roles.UnitLiaison, w.UnitB);
        // Moving the clock by weeks ends the sessions: sign in again.
        async Task Later(DateTimeOffset at)
        {
            app.Clock.Set(at);
            office = await app.ClientAsAsync(Roles.OfficeAdmin);
            liaisonA = await app.ClientAsAsync(Roles.UnitLiaison, w.UnitA);
            liaisonB = await app.ClientAsAsync(Roles.UnitLiaison, w.UnitB);
        }

        // Owed only once the results are published.
        await (await liaisonA.PostJsonAsync(Path(w, w.A2), new { text = "未公布" })).ExpectRuleAsync(HttpStatusCode.Conflict, "EV-8");
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{w.Campaign}/publish", null)).ExpectAsync(HttpStatusCode.OK);
        var rows = (await office.GetAsync<Ranking>($"/api/v1/scoring/campaigns/{w.Campaign}/results")).Rows.ToDictionary(r => r.SectionId);
        Assert.Equal(("Satisfied", "Explain", "Explain"), (rows[w.A1].Consequence, rows[w.A2].Consequence, rows[w.B1].Consequence));
        Assert.Equal(new DateOnly(2026, 12, 7), rows[w.A2].DueOn);

        // Bad input: a result that is not Explain (409 EV-8), empty text (400), another unit's section (404, SEC-2), review of nothing filed (409).
        await (await liaisonA.PostJsonAsync(Path(w, w.A1), new { text = "满意科室无需说明" })).ExpectRuleAsync(HttpStatusCode.Conflict, "EV-8");
        await (await liaisonA.PostJsonAsync(Path(w, w.A2), new { text = "" })).ExpectProblemAsync(HttpStatusCode.BadRequest);
        await (await liaisonA.PostJsonAsync(Path(w, w.A2), new { text = "   " })).ExpectProblemAsync(HttpStatusCode.BadRequest);
        await (await liaisonA.PostJsonAsync(Path(w, w.A2), new { text = new string('长', 10_001) })).ExpectProblemAsync(HttpStatusCode.BadRequest);
        await (await liaisonA.PostJsonAsync(Path(w, w.B1), new { text = "替别的单位说明" })).ExpectAsync(HttpStatusCode.NotFound);
        await (await liaisonA.GetAsync(Path(w, w.B1))).ExpectAsync(HttpStatusCode.NotFound);
        await (await liaisonA.GetAsync($"/Scoring/Result/{w.Campaign}/{w.B1}")).ExpectAsync(HttpStatusCode.NotFound);
        await (await office.PostAsync(Path(w, w.A2, "/accept"), null)).ExpectRuleAsync(HttpStatusCode.Conflict, "EV-8");
        await (await office.PostJsonAsync(Path(w, w.A2, "/send-back"), new { reason = "无" })).ExpectRuleAsync(HttpStatusCode.Conflict, "EV-8");
        // The Office reviews; it does not file for the unit.
        await (await office.PostJsonAsync(Path(w, w.A2), new { text = "代填" })).ExpectAsync(HttpStatusCode.Forbidden);

        // The "to explain" lists: each liaison sees their own unit's section only; the Office both.
        var listA = await liaisonA.GetAsync<List<ToExplain>>($"/api/v1/scoring/explanations?campaignId={w.Campaign}");
        var mine = Assert.Single(listA);
        Assert.Equal((w.A2, "Awaiting"), (mine.SectionId, mine.Status));
        var all = await office.GetAsync<List<ToExplain>>($"/api/v1/scoring/explanations?campaignId={w.Campaign}");
        Assert.Equal(new[] { w.A2, w.B1 }.Order(), all.Select(x => x.SectionId).Order());

        // CAL-2 reminders: Friday 2026-12-04 is 2 working days before Monday 2026-12-07 (Friday and Monday): each unit is reminded.
        var friday = await RemindersAsync(new DateOnly(2026, 12, 4));
        Assert.Contains(friday, r => r.Kind == "explanation.reminder" && r.UnitId == w.UnitA && r.Role == Roles.UnitLiaison && r.Link!.EndsWith(w.A2.ToString(), StringComparison.Ordinal));
        Assert.Contains(friday, r => r.Kind == "explanation.reminder" && r.UnitId == w.UnitB);
        Assert.DoesNotContain(await RemindersAsync(new DateOnly(2026, 12, 2)), r => r.Link!.Contains(w.Campaign.ToString(), StringComparison.Ordinal));

        // A files on Friday, in time; the Office sends it back; A files again; the Office accepts. Every step kept.
        await Later(Beijing(2026, 12, 4));
        // The home page's 待办: each unit owes one, not yet late; the Office counts what was filed for it to review.
        Assert.Equal(1, (await HomePage.WorkAsync(liaisonA))["explanations.owed"]);
        Assert.Equal(0, HomePage.Overdue(await liaisonA.GetStringAsync("/"), "explanations.owed"));
        var toReview = (await HomePage.WorkAsync(office)).GetValueOrDefault("explanations.filed");
        var filed = await (await liaisonA.PostJsonAsync(Path(w, w.A2), new { text = "稽查科本年度案件积压，已制定整改措施。" })).ReadAsync<Explanation>();
        Assert.False((await HomePage.WorkAsync(liaisonA)).ContainsKey("explanations.owed"));
        Assert.Equal(toReview + 1, (await HomePage.WorkAsync(office))["explanations.filed"]);
        Assert.Equal(("Filed", false, 1), (filed.Status, filed.Late, filed.Filings));
        await (await liaisonA.PostJsonAsync(Path(w, w.A2), new { text = "再交一次" })).ExpectRuleAsync(HttpStatusCode.Conflict, "EV-8");
        var back = await (await office.PostJsonAsync(Path(w, w.A2, "/send-back"), new { reason = "说明不具体，请补充原因和措施" })).ReadAsync<Explanation>();
        Assert.Equal(("SentBack", "说明不具体，请补充原因和措施"), (back.Status, back.Reason));
        Assert.Contains("说明不具体", await PageAsync(liaisonA, $"/Scoring/Result/{w.Campaign}/{w.A2}"), StringComparison.Ordinal);
        await Later(Beijing(2026, 12, 9));
        var again = await (await liaisonA.PostJsonAsync(Path(w, w.A2), new { text = "补充：积压原因为人员调整；措施为专人督办。" })).ReadAsync<Explanation>();
        // Filed again after the last day, but the first filing was in time: not late (sending back does not make it late).
        Assert.Equal(("Filed", false, 2), (again.Status, again.Late, again.Filings));
        var accepted = await (await office.PostAsync(Path(w, w.A2, "/accept"), null)).ReadAsync<Explanation>();
        Assert.Equal("Accepted", accepted.Status);
        Assert.Equal(["Filed", "SentBack", "Filed", "Accepted"], accepted.Steps.Select(s => s.Kind));
        Assert.Equal("说明不具体，请补充原因和措施", accepted.Steps[1].Text);
        await (await office.PostAsync(Path(w, w.A2, "/accept"), null)).ExpectRuleAsync(HttpStatusCode.Conflict, "EV-8");
        await (await liaisonA.PostJsonAsync(Path(w, w.A2), new { text = "已认可后再交" })).ExpectRuleAsync(HttpStatusCode.Conflict, "EV-8");

        // B has filed nothing by the end of Monday 2026-12-07: overdue; the Office is reminded; B then files, marked late by the Calendar's working days.
        Assert.Equal("Overdue", (await liaisonB.GetAsync<Explanation>(Path(w, w.B1))).Status);
        Assert.Equal(1, HomePage.Overdue(await liaisonB.GetStringAsync("/"), "explanations.owed"));
        var tuesday = await RemindersAsync(new DateOnly(2026, 12, 8));
        Assert.Contains(tuesday, r => r.Kind == "explanation.overdue" && r.Role == Roles.OfficeStaff && r.Link!.EndsWith(w.B1.ToString(), StringComparison.Ordinal));
        Assert.DoesNotContain(tuesday, r => r.Link!.EndsWith(w.A2.ToString(), StringComparison.Ordinal));
        var late = await (await liaisonB.PostJsonAsync(Path(w, w.B1), new { text = "医政科说明：逾期提交。" })).ReadAsync<Explanation>();
        Assert.Equal(("Late", true, 2), (late.Status, late.Late, late.WorkingDaysLate)); // Tuesday 12-08 and Wednesday 12-09 after Monday 12-07
        Assert.DoesNotContain(await RemindersAsync(new DateOnly(2026, 12, 10)), r => r.Link!.Contains(w.Campaign.ToString(), StringComparison.Ordinal));
        // SEC-2 the other way round: B's liaison does not see A's explanation.
        await (await liaisonB.GetAsync(Path(w, w.A2))).ExpectAsync(HttpStatusCode.NotFound);
        await (await liaisonB.PostJsonAsync(Path(w, w.A2), new { text = "越权" })).ExpectAsync(HttpStatusCode.NotFound);

        // Shown: the ranking's column, the result page, the unit's list; the yearly assessment notes whether explanations were filed.
        var ranking = await PageAsync(office, $"/Scoring/Campaign/{w.Campaign}");
        Assert.Contains("已认可", ranking, StringComparison.Ordinal);
        Assert.Contains("逾期提交", ranking, StringComparison.Ordinal);
        var resultB = await PageAsync(liaisonB, $"/Scoring/Result/{w.Campaign}/{w.B1}");
        Assert.Contains("医政科说明：逾期提交。", resultB, StringComparison.Ordinal);
        var listPageB = await PageAsync(liaisonB, "/Scoring/Explanations");
        Assert.Contains("医政科", listPageB, StringComparison.Ordinal);
        Assert.DoesNotContain("稽查科", listPageB, StringComparison.Ordinal);
        var year = await office.GetAsync<JsonElement>("/api/v1/scoring/assessments/2026");
        var unitA = year.GetProperty("units").EnumerateArray().Single(u => u.GetProperty("unitId").GetGuid() == w.UnitA);
        Assert.Equal((1, 1, 1), (unitA.GetProperty("explanationsOwed").GetInt32(), unitA.GetProperty("explanationsFiled").GetInt32(), unitA.GetProperty("explanationsAccepted").GetInt32()));
        Assert.Contains(unitA.GetProperty("notes").EnumerateArray(), n => n.GetString()!.StartsWith("书面说明和整改报告已全部提交", StringComparison.Ordinal));

        // Audited, and the history is append-only.
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.EntityType == nameof(ResultExplanation))));
        await Assert.ThrowsAnyAsync<Exception>(() => app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("UPDATE \"ExplanationSteps\" SET \"Text\" = 'x'")));
        await Assert.ThrowsAnyAsync<Exception>(() => app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("DELETE FROM \"ResultExplanations\"")));
    }

    /// <summary>
    /// EV-8 "督促限期整改": a section below the line (here 80: B1's 73.33) owes a rectification report by the same last day,
    /// through the same steps: listed with what is owed, reminded, filed by its unit, accepted by the Office, counted in the
    /// yearly assessment. A section in the bottom three above the line (A2, 86.67) still owes a written explanation.
    /// </summary>
    [Fact]
    [Trait("Rule", "EV-8")]
    [Trait("Rule", "CAL-2")]
    public async Task BelowTheLine_OwesARectificationReportByTheLastDay_FiledRemindedAccepted()
    {
        var w = await PublishedAsync(threshold: 80);
        await (await w.Office.PostAsync($"/api/v1/scoring/campaigns/{w.Campaign}/publish", null)).ExpectAsync(HttpStatusCode.OK);
        var rows = (await w.Office.GetAsync<Ranking>($"/api/v1/scoring/campaigns/{w.Campaign}/results")).Rows.ToDictionary(r => r.SectionId);
        Assert.Equal(("Explain", "RectifyAndAccount"), (rows[w.A2].Consequence, rows[w.B1].Consequence));
        Assert.Equal(new DateOnly(2026, 12, 7), rows[w.B1].DueOn);

        var liaisonB = await app.ClientAsAsync(Roles.UnitLiaison, w.UnitB);
        var owed = await liaisonB.GetAsync<Explanation>(Path(w, w.B1));
        Assert.Equal(("RectifyAndAccount", "Awaiting"), (owed.Consequence, owed.Status));
        var all = (await w.Office.GetAsync<List<ToExplain>>($"/api/v1/scoring/explanations?campaignId={w.Campaign}")).ToDictionary(x => x.SectionId);
        Assert.Equal(("Explain", "RectifyAndAccount"), (all[w.A2].Consequence, all[w.B1].Consequence));
        Assert.Contains("整改报告", await PageAsync(liaisonB, "/Scoring/Explanations"), StringComparison.Ordinal);

        var friday = await RemindersAsync(new DateOnly(2026, 12, 4));
        var reminder = Assert.Single(friday, r => r.Kind == "explanation.reminder" && r.UnitId == w.UnitB);
        Assert.Contains("整改报告", reminder.Title, StringComparison.Ordinal);
        Assert.Contains("书面说明", Assert.Single(friday, r => r.Kind == "explanation.reminder" && r.UnitId == w.UnitA).Title, StringComparison.Ordinal);

        var page = await PageAsync(liaisonB, $"/Scoring/Result/{w.Campaign}/{w.B1}");
        Assert.Contains("提交整改报告", page, StringComparison.Ordinal);
        var filed = await (await liaisonB.PostJsonAsync(Path(w, w.B1), new { text = "医政科整改报告：审批时限压缩至5个工作日，窗口增设导办员。" })).ReadAsync<Explanation>();
        Assert.Equal(("Filed", false), (filed.Status, filed.Late));
        Assert.Equal("Accepted", (await (await w.Office.PostAsync(Path(w, w.B1, "/accept"), null)).ReadAsync<Explanation>()).Status);
        Assert.DoesNotContain(await RemindersAsync(new DateOnly(2026, 12, 8)), r => r.Link!.EndsWith(w.B1.ToString(), StringComparison.Ordinal));

        var year = await w.Office.GetAsync<JsonElement>("/api/v1/scoring/assessments/2026");
        var unitB = year.GetProperty("units").EnumerateArray().Single(u => u.GetProperty("unitId").GetGuid() == w.UnitB);
        Assert.Equal((1, 1, 1), (unitB.GetProperty("explanationsOwed").GetInt32(), unitB.GetProperty("explanationsFiled").GetInt32(), unitB.GetProperty("explanationsAccepted").GetInt32()));
    }

    [Fact]
    [Trait("Rule", "EV-8")]
    public async Task ExplanationPage_LiaisonFilesThroughTheForm_OfficeAcceptsThroughTheForm()
    {
        var w = await PublishedAsync();
        await (await w.Office.PostAsync($"/api/v1/scoring/campaigns/{w.Campaign}/publish", null)).ExpectAsync(HttpStatusCode.OK);
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, w.UnitB);
        var path = $"/Scoring/Result/{w.Campaign}/{w.B1}";

        async Task<HttpResponseMessage> PostForm(HttpClient client, string handler, Dictionary<string, string> fields)
        {
            var page = await PageAsync(client, path);
            fields["__RequestVerificationToken"] = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
            return await client.PostAsync($"{path}?handler={handler}", new FormUrlEncodedContent(fields));
        }

        var empty = await PostForm(liaison, "Explain", new() { ["ExplanationText"] = " " });
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Contains("请填写书面说明", WebUtility.HtmlDecode(await empty.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await PostForm(liaison, "Explain", new() { ["ExplanationText"] = "经页面提交的书面说明" })).StatusCode);
        Assert.Contains("经页面提交的书面说明", await PageAsync(w.Office, path), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await PostForm(w.Office, "Accept", new())).StatusCode);
        Assert.Equal("Accepted", (await w.Office.GetAsync<Explanation>(Path(w, w.B1))).Status);
    }
}

/// <summary>A test host whose sitting ballot limit is low (configuration), to flood it.</summary>
public sealed class SittingFloodApp : MingchaApp
{
    public const int PerAddress = 3;
    protected override bool LoadDemo => false;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting(SittingFloodGuard.PerAddressSetting, PerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>EV-2: anonymous ballots through a sitting's link are rate limited per client address; a flood is refused (429) and nothing of it stored.</summary>
public sealed class SittingFloodTests(SittingFloodApp app) : IClassFixture<SittingFloodApp>
{
    private sealed record Created(Guid Id);
    private sealed record SittingDto(Guid Id, string Token);

    [Fact]
    [Trait("Rule", "EV-2")]
    public async Task SittingLink_WhenFloodedFromOneAddress_IsRefusedNamingTheRule_NothingStored_OtherAddressesServed()
    {
        app.Clock.Set(MingchaApp.Start);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var tag = Guid.NewGuid().ToString("N")[..6];
        var cat = (await (await office.PostJsonAsync("/api/v1/categories", new { code = $"fl-{tag}", name = "刷票类" + tag })).ReadAsync<Created>(HttpStatusCode.Created)).Id;
        var unit = (await (await office.PostJsonAsync("/api/v1/units", new { code = $"fl-{tag}", name = "刷票局" + tag, categoryId = cat, year = 2026 })).ReadAsync<Created>(HttpStatusCode.Created)).Id;
        var section = (await (await office.PostJsonAsync("/api/v1/sections", new { unitId = unit, code = $"F1-{tag}", name = "刷票科", kind = "InternalSection" }))
            .ReadAsync<Created>(HttpStatusCode.Created)).Id;
        var id = (await (await office.PostJsonAsync("/api/v1/scoring/campaigns", new { year = 2026, name = "刷票测评" + tag, from = "2026-01-01", to = "2026-12-31" }))
            .ReadAsync<Created>(HttpStatusCode.Created)).Id;
        await (await office.PutJsonAsync($"/api/v1/scoring/campaigns/{id}/sections", new { categoryIds = new[] { cat } })).ExpectAsync(HttpStatusCode.OK);
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{id}/open", null)).ExpectAsync(HttpStatusCode.OK);
        // A sitting without ballot codes (one ballot per phone): the flood guard is what stands before a script (decision 014).
        var sitting = await (await office.PostJsonAsync($"/api/v1/scoring/campaigns/{id}/sittings", new { title = "集中测评", heldOn = "2026-11-16", requireCodes = false }))
            .ReadAsync<SittingDto>(HttpStatusCode.Created);

        var ip = $"203.0.113.{Random.Shared.Next(1, 250)}";
        var phone = app.NewClient();
        phone.DefaultRequestHeaders.Add(MingchaApp.RemoteIpHeader, ip);
        object Ballot(int i) => new { ballotKey = $"flood-{tag}-{i:D4}", grades = new[] { new { sectionId = section, grade = "Excellent" } } };
        for (var i = 0; i < SittingFloodApp.PerAddress; i++)
            await (await phone.PostJsonAsync($"/api/v1/scoring/sit/{sitting.Token}", Ballot(i))).ExpectAsync(HttpStatusCode.OK);
        Task<int> Stored() => app.WithDbAsync(db => db.Evaluations.CountAsync(e => e.SittingId == sitting.Id));
        Assert.Equal(SittingFloodApp.PerAddress, await Stored());

        for (var i = SittingFloodApp.PerAddress; i < SittingFloodApp.PerAddress + 5; i++)
            await (await phone.PostJsonAsync($"/api/v1/scoring/sit/{sitting.Token}", Ballot(i))).ExpectRuleAsync(HttpStatusCode.TooManyRequests, "EV-2");
        // The sitting page from the same address says so, with 429.
        var page = await phone.GetAsync($"/Scoring/Sit/{sitting.Token}");
        var html = await page.Content.ReadAsStringAsync();
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var refused = await phone.PostAsync($"/Scoring/Sit/{sitting.Token}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, [$"Grades[{section}]"] = "Good",
        }));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("EV-2", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        // Nothing of the flood was stored.
        Assert.Equal(SittingFloodApp.PerAddress, await Stored());
        Assert.Equal(SittingFloodApp.PerAddress, await app.WithDbAsync(db => db.SittingBallots.CountAsync(b => b.SittingId == sitting.Id)));

        // Another phone in another place is served.
        var other = app.NewClient();
        other.DefaultRequestHeaders.Add(MingchaApp.RemoteIpHeader, "192.0.2.91");
        await (await other.PostJsonAsync($"/api/v1/scoring/sit/{sitting.Token}", Ballot(999))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(SittingFloodApp.PerAddress + 1, await Stored());
    }
}
