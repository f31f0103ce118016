using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests.Rectification;

/// <summary>
/// EV-6 (decision 021): problems the Office found through S4's other channels (development-environment monitoring, special
/// supervision, online-approval and video e-supervision) are recorded by the Office, listed on a rectification notice with
/// or without inspection findings, seen by their unit only through that notice, and cost nothing in the ledger.
/// </summary>
public sealed class ChannelProblemTests(RectificationApp app) : IClassFixture<RectificationApp>
{
    private static object Problem(Guid section, string channel = "VideoMonitoring", string foundOn = "2026-11-12", string description = "视频监察：窗口工作人员离岗40分钟未放置离岗告示牌") =>
        new { sectionId = section, channel, foundOn, description };

    private Task<int> CountAsync() => app.WithDbAsync(db => db.ChannelProblems.CountAsync());

    [Fact]
    [Trait("Rule", "EV-6")]
    [Trait("Rule", "RCT-2")]
    [Trait("Rule", "SEC-2")]
    [Trait("Rule", "EV-11")]
    [Trait("Rule", "EVD-3")]
    public async Task ProblemFoundThroughAnotherChannel_IsRecordedByTheOffice_AndReachesItsUnitOnlyOnANotice()
    {
        app.Clock.Set(MingchaApp.Start);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new RectificationKit(app, office);
        var c = await kit.CaseAsync(findings: 1);
        await kit.ConfirmAsync(c.Findings[0]);
        var other = await kit.CaseAsync(findings: 1);
        var (_, liaison) = await kit.LiaisonAsync(c.UnitId);
        var (_, stranger) = await kit.LiaisonAsync(other.UnitId);
        var inspector = await app.ClientAsAsync(Roles.Supervisor);

        // Only the Office records one, and bad input is a field error that stores nothing.
        var before = await CountAsync();
        await (await liaison.PostJsonAsync("/api/v1/rectification/problems", Problem(c.SectionId))).ExpectRuleAsync(HttpStatusCode.Forbidden, "EV-6");
        await (await inspector.PostJsonAsync("/api/v1/rectification/problems", Problem(c.SectionId))).ExpectRuleAsync(HttpStatusCode.Forbidden, "EV-6");
        await (await office.PostJsonAsync("/api/v1/rectification/problems", Problem(Guid.NewGuid()))).ExpectFieldErrorAsync("sectionId");
        await (await office.PostJsonAsync("/api/v1/rectification/problems", Problem(c.SectionId, foundOn: "2026-11-17"))).ExpectFieldErrorAsync("foundOn");
        await (await office.PostJsonAsync("/api/v1/rectification/problems", Problem(c.SectionId, foundOn: "2024-12-31"))).ExpectFieldErrorAsync("foundOn");
        await (await office.PostJsonAsync("/api/v1/rectification/problems", Problem(c.SectionId, description: "  "))).ExpectFieldErrorAsync("description");
        await (await office.PostJsonAsync("/api/v1/rectification/problems", Problem(c.SectionId, description: new string('长', 2001)))).ExpectFieldErrorAsync("description");
        await (await office.PostJsonAsync("/api/v1/rectification/problems", Problem(c.SectionId, channel: "Gossip"))).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(before, await CountAsync());

        async Task<Guid> RecordAsync(Guid section, string channel) =>
            (await (await office.PostJsonAsync("/api/v1/rectification/problems", Problem(section, channel))).ReadAsync<JsonElement>(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        // The video problem's screenshot goes into its own evidence case, secret from the unit until the notice (EVD-3).
        var recorded = await (await office.PostJsonAsync("/api/v1/rectification/problems", Problem(c.SectionId, "VideoMonitoring"))).ReadAsync<JsonElement>(HttpStatusCode.Created);
        var video = recorded.GetProperty("id").GetGuid();
        var videoCase = recorded.GetProperty("evidenceCaseId").GetGuid();
        var screenshot = await RectificationKit.EvidenceAsync(office, videoCase);
        await (await liaison.GetAsync($"/api/v1/evidence/cases/{videoCase}")).ExpectAsync(HttpStatusCode.NotFound);
        var online = await RecordAsync(c.SectionId, "OnlineApproval");
        var elsewhere = await RecordAsync(other.SectionId, "SpecialSupervision");
        Assert.Equal(before + 3, await CountAsync());

        // The Office's work list has them; the unit learns of nothing before a notice.
        var open = await office.GetAsync<JsonElement>("/api/v1/rectification/problems?open=true");
        Assert.Contains(open.EnumerateArray(), p => p.GetProperty("id").GetGuid() == video && p.GetProperty("channelName").GetString() == "电子视频监察");
        Assert.Equal(0, (await liaison.GetAsync<JsonElement>("/api/v1/rectification/problems")).GetArrayLength());

        // RCT-2: a notice lists its own unit's problems only; with the finding, one notice for all.
        await (await office.PostJsonAsync("/api/v1/rectification/notices", new { unitId = c.UnitId, problemIds = new[] { video, elsewhere }, requiredAction = "整改" }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "RCT-2");
        await (await office.PostJsonAsync("/api/v1/rectification/notices", new { unitId = c.UnitId, problemIds = new[] { Guid.NewGuid() }, requiredAction = "整改" }))
            .ExpectFieldErrorAsync("problemIds");
        var notice = await (await office.PostJsonAsync("/api/v1/rectification/notices",
                new { unitId = c.UnitId, findingIds = c.Findings, problemIds = new[] { video, online }, requiredAction = "立即整改，落实离岗告示制度。" }))
            .ReadAsync<RectificationKit.NoticeCreated>(HttpStatusCode.Created);
        await (await office.PostJsonAsync("/api/v1/rectification/notices", new { unitId = c.UnitId, problemIds = new[] { online }, requiredAction = "整改" }))
            .ExpectRuleAsync(HttpStatusCode.Conflict, "RCT-2");

        // The unit sees the notice with both problems, and the problems themselves now.
        var detail = await RectificationKit.NoticeAsync(liaison, notice.Id);
        Assert.Equal(1, detail.GetProperty("findings").GetArrayLength());
        var listed = detail.GetProperty("problems").EnumerateArray().ToList();
        Assert.Equal(["电子视频监察", "网上审批电子监察"], listed.Select(p => p.GetProperty("channelName").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(2, (await liaison.GetAsync<JsonElement>("/api/v1/rectification/problems")).GetArrayLength());
        // The notice released the problem's evidence to the unit, and to no other.
        Assert.Equal(videoCase, listed.Single(p => p.GetProperty("id").GetGuid() == video).GetProperty("evidenceCaseId").GetGuid());
        var evidence = await liaison.GetAsync<JsonElement>($"/api/v1/evidence/cases/{videoCase}");
        Assert.Contains(screenshot.ToString(), evidence.ToString(), StringComparison.OrdinalIgnoreCase);
        await (await stranger.GetAsync($"/api/v1/evidence/cases/{videoCase}")).ExpectAsync(HttpStatusCode.NotFound);
        // EV-11: the ledger has the finding's line only; the problems cost their section through EV-6, not points of S1.
        var ledger = detail.GetProperty("ledger").EnumerateArray().ToList();
        Assert.Single(ledger);
        Assert.Equal(c.Findings[0], ledger[0].GetProperty("findingId").GetGuid());
        Assert.NotEqual(JsonValueKind.Null, detail.GetProperty("documentId").ValueKind);
        var page = WebUtility.HtmlDecode(await liaison.GetStringAsync($"/Rectification/Notice/{notice.Id}"));
        Assert.Contains("电子视频监察", page, StringComparison.Ordinal);
        Assert.Contains("离岗40分钟", page, StringComparison.Ordinal);

        // SEC-2: another unit sees neither the notice nor the problems; the problem of its own is still unlisted.
        await (await stranger.GetAsync($"/api/v1/rectification/notices/{notice.Id}")).ExpectAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, (await stranger.GetAsync<JsonElement>("/api/v1/rectification/problems")).GetArrayLength());
        var strangerPage = await stranger.GetAsync($"/Rectification/Notice/{notice.Id}");
        await strangerPage.ExpectAsync(HttpStatusCode.NotFound);
        Assert.DoesNotContain("离岗40分钟", await strangerPage.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // SEC-3: the record and its listing are in the audit log.
        var audited = await app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.EntityType == "ChannelProblem" && a.EntityKey == video.ToString()));
        Assert.True(audited >= 2, $"{audited} audit lines for the problem");
    }

    /// <summary>RCT-5 (decision 021): an outcome may rest on problems of other channels, once a notice told the unit of them.</summary>
    [Fact]
    [Trait("Rule", "RCT-5")]
    [Trait("Rule", "SEC-2")]
    public async Task Outcome_RestsOnProblemsOfOtherChannels_OnceTheirUnitWasToldOnANotice()
    {
        app.Clock.Set(MingchaApp.Start);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new RectificationKit(app, office);
        var unit = await kit.Inspections.UnitAsync("视频监察局" + Guid.NewGuid().ToString("N")[..4]);
        var section = await kit.Inspections.SectionAsync(unit, "综合窗口");
        var otherUnit = await kit.Inspections.UnitAsync("旁局" + Guid.NewGuid().ToString("N")[..4]);
        var (_, liaison) = await kit.LiaisonAsync(unit);
        var (_, stranger) = await kit.LiaisonAsync(otherUnit);
        async Task<Guid> RecordAsync(string description) =>
            (await (await office.PostJsonAsync("/api/v1/rectification/problems", Problem(section, description: description))).ReadAsync<JsonElement>(HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        var listed = await RecordAsync("视频监察：工作时间聚集聊天");
        var unlisted = await RecordAsync("视频监察：尚未告知单位的问题");
        var notice = await (await office.PostJsonAsync("/api/v1/rectification/notices", new { unitId = unit, problemIds = new[] { listed }, requiredAction = "整改" }))
            .ReadAsync<RectificationKit.NoticeCreated>(HttpStatusCode.Created);

        object Outcome(string kind, string measure, Guid? forUnit, params Guid[] problems) =>
            new { kind, measure, year = 2026, unitId = forUnit, personName = "赵某", title = "关于视频监察发现问题的处理", text = "经查属实。", problemIds = problems };
        // Not yet told to the unit, of another unit, unknown: refused, nothing recorded.
        var before = await app.WithDbAsync(db => db.RectificationOutcomes.CountAsync());
        await (await office.PostJsonAsync("/api/v1/rectification/outcomes", Outcome("Circular", "Criticism", null, unlisted))).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "RCT-5");
        await (await office.PostJsonAsync("/api/v1/rectification/outcomes", Outcome("Interview", "None", otherUnit, listed))).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "RCT-5");
        await (await office.PostJsonAsync("/api/v1/rectification/outcomes", Outcome("Interview", "None", unit, Guid.NewGuid()))).ExpectFieldErrorAsync("problemIds");
        // RCT-3: not while the unit may still object to the notice (two working days after receipt, to 18 November).
        await (await office.PostJsonAsync("/api/v1/rectification/outcomes", Outcome("Interview", "None", unit, listed))).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "RCT-3");
        Assert.Equal(before, await app.WithDbAsync(db => db.RectificationOutcomes.CountAsync()));
        app.Clock.Set(new DateTimeOffset(2026, 11, 19, 2, 0, 0, TimeSpan.Zero)); // sessions expire with the move: sign in again
        office = await app.ClientAsAsync(Roles.OfficeAdmin);
        (_, liaison) = await kit.LiaisonAsync(unit);
        (_, stranger) = await kit.LiaisonAsync(otherUnit);

        // A criticism circular lists the problem; a referral puts the notice's evidence case on hold.
        var circular = (await (await office.PostJsonAsync("/api/v1/rectification/outcomes", Outcome("Circular", "Criticism", null, listed)))
            .ReadAsync<JsonElement>(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var referral = (await (await office.PostJsonAsync("/api/v1/rectification/outcomes", Outcome("Referral", "None", unit, listed)))
            .ReadAsync<JsonElement>(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var mine = (await liaison.GetAsync<JsonElement>("/api/v1/rectification/outcomes?year=2026")).EnumerateArray().ToDictionary(o => o.GetProperty("id").GetGuid());
        Assert.Equal([listed], mine[referral].GetProperty("problemIds").EnumerateArray().Select(p => p.GetGuid()));
        var caseId = (await RectificationKit.NoticeAsync(office, notice.Id)).GetProperty("evidenceCaseId").GetGuid();
        Assert.Contains(caseId, mine[referral].GetProperty("evidenceCaseIds").EnumerateArray().Select(c => c.GetGuid()));
        Assert.True(await app.WithDbAsync(db => db.EvidenceHolds.AnyAsync(h => h.CaseId == caseId && h.LiftedAt == null)));
        var text = await app.WithDbAsync(db => db.RectificationOutcomes.Where(o => o.Id == circular).Select(o => o.DocumentNumber).SingleAsync());
        Assert.False(string.IsNullOrEmpty(text));
        // SEC-2: another unit's liaison does not see the referral.
        Assert.DoesNotContain((await stranger.GetAsync<JsonElement>("/api/v1/rectification/outcomes?year=2026")).EnumerateArray(), o => o.GetProperty("id").GetGuid() == referral);
    }

    [Fact]
    [Trait("Rule", "EV-6")]
    public async Task OfficePage_RecordsAProblem_AndIssuesANoticeForIt()
    {
        app.Clock.Set(MingchaApp.Start);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new RectificationKit(app, office);
        var unit = await kit.Inspections.UnitAsync("网上审批局" + Guid.NewGuid().ToString("N")[..4]);
        var section = await kit.Inspections.SectionAsync(unit, "审批科");

        var desk = WebUtility.HtmlDecode(await office.GetStringAsync("/Rectification"));
        Assert.Contains("登记其他渠道发现的问题", desk, StringComparison.Ordinal);
        // A day in the future is a message on the page, and nothing is stored.
        var before = await CountAsync();
        var refused = await office.PostFormAsync("/Rectification", "Problem", new()
        {
            ["Problem.SectionId"] = section.ToString(), ["Problem.Channel"] = "OnlineApproval", ["Problem.FoundOn"] = "2026-12-01", ["Problem.Description"] = "审批超时",
        });
        await refused.ExpectAsync(HttpStatusCode.OK);
        Assert.Contains("发现日期不能晚于今天", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(before, await CountAsync());

        var done = await office.PostFormAsync("/Rectification", "Problem", new()
        {
            ["Problem.SectionId"] = section.ToString(), ["Problem.Channel"] = "OnlineApproval", ["Problem.FoundOn"] = "2026-11-13", ["Problem.Description"] = "网上审批超承诺时限3个工作日",
        });
        await done.ExpectAsync(HttpStatusCode.Redirect);
        var id = await app.WithDbAsync(db => db.ChannelProblems.Where(p => p.SectionId == section).Select(p => p.Id).SingleAsync());
        desk = WebUtility.HtmlDecode(await office.GetStringAsync("/Rectification"));
        Assert.Contains($"data-problem=\"{id}\"", desk, StringComparison.Ordinal);

        var issued = await office.PostFormAsync("/Rectification", "Issue", new()
        {
            ["Issue.ProblemIds"] = id.ToString(), ["Issue.RequiredAction"] = "限期整改网上审批超时问题。", ["Issue.WorkingDays"] = "10",
        });
        await issued.ExpectAsync(HttpStatusCode.Redirect);
        var noticeId = await app.WithDbAsync(db => db.ChannelProblems.Where(p => p.Id == id).Select(p => p.NoticeId).SingleAsync());
        Assert.NotNull(noticeId);
        Assert.Equal($"/Rectification/Notice/{noticeId}", issued.Headers.Location?.OriginalString);
        var title = await app.WithDbAsync(db => db.RectificationNotices.Where(n => n.Id == noticeId).Select(n => n.Title).SingleAsync());
        Assert.Contains("整改效能问题", title, StringComparison.Ordinal);
    }
}
