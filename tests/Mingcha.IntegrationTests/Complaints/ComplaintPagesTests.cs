using Microsoft.EntityFrameworkCore;
using System.Net;
using System.Text.RegularExpressions;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests.Complaints;

/// <summary>The complaint pages: the public form (antiforgery, injection, flood), the tracking page, masked data per role (SEC-4).</summary>
public sealed partial class ComplaintPagesTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    private static string Token(string page) => TokenPattern().Match(page).Groups[1].Value;

    private static async Task<(HttpClient Client, string Token)> FormAsync(MingchaApp app, string ip)
    {
        var client = app.NewClient();
        client.DefaultRequestHeaders.Add(MingchaApp.RemoteIpHeader, ip);
        var page = await client.GetStringAsync("/Complaints/File");
        return (client, Token(page));
    }

    private static FormUrlEncodedContent Fields(Guid unit, string token, string matter, string reasons = "三次往返仍未受理。", string? name = "钱七") => new(new Dictionary<string, string>
    {
        ["__RequestVerificationToken"] = token, ["Form.UnitId"] = unit.ToString(), ["Form.Type"] = "BuckPassing", ["Form.Matter"] = matter, ["Form.Reasons"] = reasons,
        ["Form.EvidenceNote"] = "受理回执", ["Form.Name"] = name ?? "", ["Form.Phone"] = "13712345678", ["Form.HasInterest"] = "true",
    });

    [Fact]
    [Trait("Rule", "CMP-3")]
    [Trait("Rule", "CMP-11")]
    public async Task PublicForm_WhenFilledWithScript_StoresItAsTextAndShowsItEncoded_AndTheQueryCodeFollowsIt()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (unit, _) = await kit.UnitAsync();
        var (client, token) = await FormAsync(app, "203.0.113.101");
        Assert.False(string.IsNullOrEmpty(token));
        const string script = "<script>alert('x')</script><img src=x onerror=alert(1)>";
        var response = await client.PostAsync("/Complaints/File", Fields(unit, token, "办证" + script, "理由" + script));
        await response.ExpectAsync(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync();
        var code = Regex.Match(html, "id=\"query-code\">([A-Z0-9]+)<").Groups[1].Value;
        Assert.Equal(12, code.Length);

        var tracked = await app.NewClient().GetStringAsync($"/Complaints/Track?code={code}");
        // Shown as text: encoded in the HTML, the same characters once decoded.
        Assert.DoesNotContain("<script>alert", tracked, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", tracked, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", tracked, StringComparison.Ordinal);
        // Chinese is written as characters (UTF-8), not one numeric entity each; only HTML's own characters are encoded.
        Assert.Contains("办证&lt;script&gt;alert(", tracked, StringComparison.Ordinal);
        Assert.Contains("办证" + script, WebUtility.HtmlDecode(tracked), StringComparison.Ordinal);
        var office = await kit.Office.GetStringAsync($"/Complaints?unitId={unit}");
        Assert.DoesNotContain("<script>alert", office, StringComparison.Ordinal);
        Assert.Contains("办证" + script, WebUtility.HtmlDecode(office), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "CMP-3")]
    public async Task PublicForm_WithoutTheAntiforgeryToken_IsRefused_AndNothingIsStored()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (unit, _) = await kit.UnitAsync();
        var client = app.NewClient(); // no GET first: no antiforgery cookie, no token
        client.DefaultRequestHeaders.Add(MingchaApp.RemoteIpHeader, "203.0.113.102");
        var response = await client.PostAsync("/Complaints/File", Fields(unit, "forged", "跨站提交"));
        await response.ExpectAsync(HttpStatusCode.BadRequest);
        var list = await ComplaintKit.JsonAsync(kit.Office, $"/api/v1/complaints?unitId={unit}");
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    [Trait("Rule", "CMP-3")]
    public async Task PublicForm_WhenFloodedFromOneAddress_Answers429NamingTheRule()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (unit, _) = await kit.UnitAsync();
        var (client, token) = await FormAsync(app, "198.51.100.251");
        for (var i = 0; i < 5; i++) await (await client.PostAsync("/Complaints/File", Fields(unit, token, $"事项{i}"))).ExpectAsync(HttpStatusCode.OK);
        var refused = await client.PostAsync("/Complaints/File", Fields(unit, token, "第六件"));
        await refused.ExpectAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("CMP-3", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "SEC-4")]
    [Trait("Rule", "SEC-2")]
    public async Task Pages_ShowMaskedComplainants_TheUnitSeesNoPhone_AndAnotherUnitGets404()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (unit, _) = await kit.UnitAsync();
        var (other, _) = await kit.UnitAsync("他局");
        var filed = await kit.FileAsync(ComplaintKit.Body(unit, name: "欧阳娜娜", phone: "13812345678"));
        // Not yet forwarded (CMP-7) or refused (CMP-6): the unit complained of does not see it, in the list or by its id.
        var refused = await kit.FileAsync(ComplaintKit.Body(unit, matter: "已起诉的事项"));
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{refused.Id}/not-accepted", new { reason = "InCourtOrDecided", note = "已进入诉讼程序" })).ExpectAsync(HttpStatusCode.NoContent);
        var early = await kit.LiaisonAsync(unit);
        var unitList = await early.GetStringAsync("/Complaints/Unit");
        Assert.DoesNotContain(filed.Number, unitList, StringComparison.Ordinal);
        Assert.DoesNotContain(refused.Number, unitList, StringComparison.Ordinal);
        await (await early.GetAsync($"/Complaints/Detail/{filed.Id}")).ExpectAsync(HttpStatusCode.NotFound);
        await (await early.GetAsync($"/api/v1/complaints/{refused.Id}")).ExpectAsync(HttpStatusCode.NotFound);
        Assert.DoesNotContain(filed.Number, await early.GetStringAsync("/api/v1/complaints"), StringComparison.Ordinal);
        await kit.AssignAsync(filed.Id);
        var officePage = WebUtility.HtmlDecode(await kit.Office.GetStringAsync($"/Complaints/Detail/{filed.Id}"));
        Assert.Contains("138****5678", officePage, StringComparison.Ordinal);
        Assert.DoesNotContain("13812345678", officePage, StringComparison.Ordinal);
        Assert.DoesNotContain("欧阳娜娜", officePage, StringComparison.Ordinal);
        var listPage = WebUtility.HtmlDecode(await kit.Office.GetStringAsync($"/Complaints?unitId={unit}"));
        Assert.DoesNotContain("欧阳娜娜", listPage, StringComparison.Ordinal);
        Assert.Contains("欧***", listPage, StringComparison.Ordinal);

        var liaison = await kit.LiaisonAsync(unit);
        var unitPage = WebUtility.HtmlDecode(await liaison.GetStringAsync($"/Complaints/Detail/{filed.Id}"));
        Assert.Contains("欧***", unitPage, StringComparison.Ordinal);
        Assert.DoesNotContain("138****5678", unitPage, StringComparison.Ordinal);
        Assert.Contains(filed.Number, await liaison.GetStringAsync("/Complaints/Unit"), StringComparison.Ordinal);

        var stranger = await kit.LiaisonAsync(other);
        await (await stranger.GetAsync($"/Complaints/Detail/{filed.Id}")).ExpectAsync(HttpStatusCode.NotFound);
        Assert.DoesNotContain(filed.Number, await stranger.GetStringAsync("/Complaints/Unit"), StringComparison.Ordinal);
        // CMP-10: a liaison's trends page holds their own unit's figures, and no Office form.
        var ownTrends = WebUtility.HtmlDecode(await (await app.ClientAsAsync(Roles.UnitLiaison, unit)).GetStringAsync("/Complaints/Trends"));
        Assert.DoesNotContain("他局", ownTrends, StringComparison.Ordinal);
        Assert.DoesNotContain("trend-report", ownTrends, StringComparison.Ordinal);
        Assert.Contains("trend-report", await kit.Office.GetStringAsync("/Complaints/Trends"), StringComparison.Ordinal);
    }

    /// <summary>
    /// SEC-1, CMP-3: the complaint list is open to liaisons and leaders (to read), and its intake form only shown to the
    /// Office; the form's handler itself now refuses anyone else. Before, a liaison posting it registered a complaint
    /// against another unit, back-dated, past the public form's flood limit.
    /// </summary>
    [Theory]
    [Trait("Rule", "CMP-3")]
    [Trait("Rule", "SEC-1")]
    [InlineData(Roles.UnitLiaison)]
    [InlineData(Roles.Leader)]
    public async Task IntakeForm_PostedByAnyoneButTheOffice_IsRefused_AndStoresNothing(string role)
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (own, _) = await kit.UnitAsync("本局");
        var (other, _) = await kit.UnitAsync("他局");
        var client = role == Roles.UnitLiaison ? await kit.LiaisonAsync(own) : await app.ClientAsAsync(role);
        var matter = "冒名登记" + Guid.NewGuid().ToString("N")[..6];
        var answer = await client.PostFormAsync("/Complaints", "File", new()
        {
            ["New.Channel"] = "ComplaintHotline", ["New.Type"] = "SlowHandling", ["New.UnitId"] = other.ToString(), ["New.Matter"] = matter,
            ["New.Reasons"] = "超时。", ["New.Name"] = "王五", ["New.Phone"] = "13812345678", ["New.ReceivedAt"] = "2026-10-01T09:00",
        });
        // SEC-1: intake is the Office's handler; anyone else is refused before it runs (the access-denied page).
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal("/Account/Denied", answer.Headers.Location?.AbsolutePath);
        Assert.False(await app.WithDbAsync(db => db.Complaints.AnyAsync(c => c.Matter == matter)));
    }

    /// <summary>
    /// A text longer than its field (a refusal's note of 2,001 characters, an urging of 3,000) is named, on the page and in
    /// the API, and nothing changes. Before, the page cut texts at 4,000 characters unseen, and PostgreSQL refused the longer
    /// ones with a 500; the API took urgings up to 8,000 characters for a history line of 8,000 with its prefix.
    /// </summary>
    [Fact]
    [Trait("Rule", "CMP-6")]
    [Trait("Rule", "CMP-1")]
    public async Task OverLongTexts_AreNamed_OnThePageAndInTheApi_AndNothingChanges()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (unit, _) = await kit.UnitAsync("长文局");
        var filed = await kit.FileAsync(ComplaintKit.Body(unit, matter: "长文" + Guid.NewGuid().ToString("N")[..6]));
        var page = $"/Complaints/Detail/{filed.Id}";
        var refused = await kit.Office.PostFormAsync(page, "Refuse", new() { ["reason"] = "InCourtOrDecided", ["note"] = new string('理', 2001) });
        Assert.NotEqual(HttpStatusCode.InternalServerError, refused.StatusCode);
        Assert.Contains("最多 2000 字", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal("Received", (await kit.DetailAsync(filed.Id)).GetProperty("status").GetString());

        await kit.AssignAsync(filed.Id);
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{filed.Id}/urge", new { body = new string('催', 3000) })).ExpectAsync(HttpStatusCode.BadRequest);
        var urged = await kit.Office.PostFormAsync(page, "Urge", new() { ["note"] = new string('催', 3000) });
        Assert.Contains("最多 2000 字", WebUtility.HtmlDecode(await urged.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(0, (await kit.DetailAsync(filed.Id)).GetProperty("urges").GetInt32());
    }

    [Fact]
    [Trait("Rule", "CMP-10")]
    [Trait("Rule", "CMP-2")]
    public async Task DetailPage_LetsTheOfficeOpenAnEvidenceCase_AndMakeTheComplaintAClue_AndTheListExportsWhatItShows()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (unit, section) = await kit.UnitAsync("线索局");
        var filed = await kit.FileAsync(ComplaintKit.Body(unit, matter: "线索事项"));
        var admin = new Mingcha.IntegrationTests.Inspections.InspectionKit(app, await app.ClientAsAsync(Roles.OfficeAdmin));
        var round = await admin.RoundAsync(2026, "Covert", teamId: await admin.TeamAsync(await admin.ApprovedSupervisorAsync()));
        var page = $"/Complaints/Detail/{filed.Id}";

        Assert.Contains("evidence-case-form", await kit.Office.GetStringAsync(page), StringComparison.Ordinal);
        await kit.Office.PostFormAsync(page, "EvidenceCase", []);
        var caseId = await app.WithDbAsync(db => db.Complaints.Where(c => c.Id == filed.Id).Select(c => c.EvidenceCaseId).SingleAsync());
        Assert.NotNull(caseId);
        var after = await kit.Office.GetStringAsync(page);
        Assert.DoesNotContain("evidence-case-form", after, StringComparison.Ordinal);
        Assert.Contains($"/Evidence/Case/{caseId}", after, StringComparison.Ordinal);

        // A clue needs a round; then the unit's window is a target of it, and the form is gone.
        var none = await kit.Office.PostFormAsync(page, "Clue", []);
        Assert.Contains("检查轮次", WebUtility.HtmlDecode(await none.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Contains(round.ToString(), after, StringComparison.Ordinal);
        await kit.Office.PostFormAsync(page, "Clue", new() { ["roundId"] = round.ToString() });
        Assert.Equal([section], await app.WithDbAsync(db => db.RoundTargets.Where(t => t.RoundId == round).Select(t => t.SectionId).ToListAsync()));
        Assert.DoesNotContain("clue-form", await kit.Office.GetStringAsync(page), StringComparison.Ordinal);

        // The unit's liaison sees neither form, nor the round (a planned covert visit stays hidden).
        await kit.AssignAsync(filed.Id);
        var unitPage = await (await kit.LiaisonAsync(unit)).GetStringAsync(page);
        Assert.DoesNotContain("clue-form", unitPage, StringComparison.Ordinal);
        Assert.DoesNotContain(round.ToString(), unitPage, StringComparison.Ordinal);

        // The list's export link carries its filter and gives a workbook of the rows it shows.
        var list = await kit.Office.GetStringAsync($"/Complaints?unitId={unit}");
        var href = WebUtility.HtmlDecode(Regex.Match(list, "id=\"export-xlsx\" href=\"([^\"]+)\"").Groups[1].Value);
        Assert.Contains($"unitId={unit}", href, StringComparison.Ordinal);
        var xlsx = await kit.Office.GetAsync(href);
        await xlsx.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    [Trait("Rule", "CMP-9")]
    [Trait("Rule", "SEC-2")]
    public async Task RepeatsPage_ShowsTheOfficeEachFlagWithItsComplaints_FilesAReport_AndAWaiverWantsAReason_ALiaisonSeesOnlyTheirOwn()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (reporting, _) = await kit.UnitAsync("人社局");
        var (waived, _) = await kit.UnitAsync("住建局");
        var numbers = new List<string>();
        foreach (var unit in new[] { reporting, waived })
        {
            foreach (var (at, phone) in new[] { ("2026-10-28T01:00:00Z", "13700001111"), (null as string, "13700002222") })
            {
                var f = await kit.FileAsync(ComplaintKit.Body(unit, matter: "窗口推诿", phone: phone, receivedAt: at));
                await kit.AssignAsync(f.Id);
                numbers.Add(f.Number);
            }
        }
        var flags = (await ComplaintKit.JsonAsync(kit.Office, "/api/v1/complaints/repeat-flags")).EnumerateArray().ToList();
        var reportFlag = flags.Single(f => f.GetProperty("unitId").GetGuid() == reporting).GetProperty("id").GetGuid();
        var waivedFlag = flags.Single(f => f.GetProperty("unitId").GetGuid() == waived).GetProperty("id").GetGuid();
        var liaison = await kit.LiaisonAsync(reporting);
        await liaison.PostFormAsync("/Complaints/Unit", "Report", new() { ["flagId"] = reportFlag.ToString(), ["report"] = "专项自查整改报告：已调整窗口分工。" });

        var page = WebUtility.HtmlDecode(await kit.Office.GetStringAsync("/Complaints/Repeats"));
        Assert.Contains("人社局", page, StringComparison.Ordinal);
        Assert.Contains("住建局", page, StringComparison.Ordinal);
        Assert.All(numbers, n => Assert.Contains(n, page, StringComparison.Ordinal));
        Assert.Contains("已调整窗口分工", page, StringComparison.Ordinal);

        // A waiver without a reason is a message beside the form, and changes nothing.
        var bad = await kit.Office.PostFormAsync("/Complaints/Repeats", "Waive", new() { ["flagId"] = waivedFlag.ToString(), ["reason"] = "" });
        await bad.ExpectAsync(HttpStatusCode.OK);
        Assert.Contains("理由", WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Null(await app.WithDbAsync(db => db.RepeatFlags.Where(f => f.Id == waivedFlag).Select(f => f.FiledAt).SingleAsync()));

        // The Office sends the report back with its reason; the unit sees why, with its text to revise, and submits again.
        await (await liaison.PostJsonAsync($"/api/v1/complaints/repeat-flags/{reportFlag}/report", new { body = "再次报送" })).ExpectRuleAsync(HttpStatusCode.Conflict, "CMP-9");
        await kit.Office.PostFormAsync("/Complaints/Repeats", "Return", new() { ["flagId"] = reportFlag.ToString(), ["reason"] = "请补充整改时限和责任人" });
        var returned = WebUtility.HtmlDecode(await liaison.GetStringAsync("/Complaints/Unit"));
        Assert.Contains("请补充整改时限和责任人", returned, StringComparison.Ordinal);
        Assert.Contains("已调整窗口分工", returned, StringComparison.Ordinal);
        Assert.Equal(new DateOnly(2026, 11, 30), await app.WithDbAsync(db => db.RepeatFlags.Where(f => f.Id == reportFlag).Select(f => f.ReportLastDay).SingleAsync())); // 5 working days from today fall before it
        await (await kit.Office.PostAsync($"/api/v1/complaints/repeat-flags/{reportFlag}/file", null)).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "CMP-9");
        await liaison.PostFormAsync("/Complaints/Unit", "Report", new() { ["flagId"] = reportFlag.ToString(), ["report"] = "专项自查整改报告：已调整窗口分工，12 月 15 日前完成，责任人王科长。" });
        await kit.Office.PostFormAsync("/Complaints/Repeats", "File", new() { ["flagId"] = reportFlag.ToString() });
        await kit.Office.PostFormAsync("/Complaints/Repeats", "Waive", new() { ["flagId"] = waivedFlag.ToString(), ["reason"] = "同一投诉人重复提交同一事项" });
        var stored = await app.WithDbAsync(db => db.RepeatFlags.Where(f => f.Id == reportFlag || f.Id == waivedFlag).ToDictionaryAsync(f => f.Id));
        Assert.NotNull(stored[reportFlag].FiledAt);
        Assert.Null(stored[reportFlag].WaivedReason);
        Assert.Equal("同一投诉人重复提交同一事项", stored[waivedFlag].WaivedReason);
        Assert.Contains("同一投诉人重复提交同一事项", WebUtility.HtmlDecode(await (await kit.LiaisonAsync(waived)).GetStringAsync("/Complaints/Unit")), StringComparison.Ordinal);

        // The liaison's view of the page holds their unit's flag only, and no Office form; their post is refused.
        var own = WebUtility.HtmlDecode(await liaison.GetStringAsync("/Complaints/Repeats"));
        Assert.Contains(reportFlag.ToString(), own, StringComparison.Ordinal);
        Assert.DoesNotContain(waivedFlag.ToString(), own, StringComparison.Ordinal);
        Assert.DoesNotContain("住建局", own, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Waive", own, StringComparison.Ordinal);
        var refused = await liaison.PostFormAsync("/Complaints/Repeats", "Waive", new() { ["flagId"] = reportFlag.ToString(), ["reason"] = "自行决定" });
        // SEC-1: waiving is the Office's handler; the liaison is refused before it runs (the access-denied page).
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal("/Account/Denied", refused.Headers.Location?.AbsolutePath);
        Assert.Null(await app.WithDbAsync(db => db.RepeatFlags.Where(f => f.Id == reportFlag).Select(f => f.WaivedReason).SingleAsync()));
    }

    /// <summary>
    /// CMP-11: the tracking page's rating takes 1 to 3 only. Before, a unit with no open window stored no rating in Ratings
    /// (whose intake checks the level) and the complaint kept whatever level was posted, 0 or 7.
    /// </summary>
    [Fact]
    [Trait("Rule", "CMP-11")]
    public async Task TrackingPage_RefusesARatingOutside1To3_EvenForAUnitWithoutAnOpenWindow()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var unit = await kit.Org.UnitAsync("无窗口局" + Guid.NewGuid().ToString("N")[..4]);
        var filed = await kit.PublicAsync(unit, "203.0.113.121", matter: "无窗口单位的答复评价");
        var id = await app.WithDbAsync(db => db.Complaints.Where(c => c.Number == filed.Number).Select(c => c.Id).SingleAsync());
        await kit.AssignAsync(id);
        await (await (await kit.LiaisonAsync(unit)).PostJsonAsync($"/api/v1/complaints/{id}/answer", new { body = "已当面解释并补办。" })).ExpectAsync(HttpStatusCode.NoContent);
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{id}/review", new { accept = true, substantiated = false })).ExpectAsync(HttpStatusCode.NoContent);

        var complainant = app.NewClient();
        var track = $"/Complaints/Track?code={filed.QueryCode}";
        foreach (var level in new[] { "7", "0", "-1" })
        {
            var refused = await complainant.PostFormAsync(track, "Rate", new() { ["level"] = level });
            Assert.NotEqual(HttpStatusCode.Redirect, refused.StatusCode);
            Assert.Contains("1 至 3", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }
        await (await complainant.PostJsonAsync($"/api/v1/public/complaints/{filed.QueryCode}/rating", new { level = 7 })).ExpectFieldErrorAsync("level");
        var unrated = await app.WithDbAsync(db => db.Complaints.AsNoTracking().SingleAsync(c => c.Id == id));
        Assert.Null(unrated.RatingLevel);
        Assert.Equal(Mingcha.Domain.Complaints.ComplaintStatus.Closed, unrated.Status);
        Assert.False(await app.WithDbAsync(db => db.ComplaintEvents.AnyAsync(e => e.ComplaintId == id && e.Kind == "rating")));

        // A level of the scale is taken, and shown back.
        await (await complainant.PostFormAsync(track, "Rate", new() { ["level"] = "2" })).ExpectAsync(HttpStatusCode.Redirect);
        Assert.Equal(2, (await app.WithDbAsync(db => db.Complaints.AsNoTracking().SingleAsync(c => c.Id == id))).RatingLevel);
        Assert.Contains("基本满意", WebUtility.HtmlDecode(await complainant.GetStringAsync(track)), StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
