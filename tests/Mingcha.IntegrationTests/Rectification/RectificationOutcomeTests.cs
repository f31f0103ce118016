using System.Net;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Rectification;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Documents;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.IntegrationTests.Jobs;
using Mingcha.Web.Features.Jobs;
using Mingcha.Web.Features.Rectification;

namespace Mingcha.IntegrationTests.Rectification;

/// <summary>Outcomes (RCT-5), the notice as an official document (RCT-2), the ledger's export and query (EV-11).</summary>
public sealed class RectificationOutcomeTests(RectificationApp app) : IClassFixture<RectificationApp>
{
    private Task<(HttpClient Office, RectificationKit Kit)> OfficeAsync() => RectificationKit.AtStartAsync(app);

    [Fact]
    [Trait("Rule", "RCT-2")]
    public async Task NoticeDocument_OpensAsAValidDocxAndItsPdfHoldsTheChineseText()
    {
        var (office, kit) = await OfficeAsync();
        var c = await kit.CaseAsync(findings: 1);
        await kit.ConfirmAsync(c.Findings[0]);
        var (_, liaison) = await kit.LiaisonAsync(c.UnitId);
        var notice = await kit.IssueAsync(c.UnitId, c.Findings);
        var documentId = (await RectificationKit.NoticeAsync(office, notice.Id)).GetProperty("documentId").GetGuid();

        // The unit downloads its own notice (a document addressed to it).
        var docx = await (await liaison.GetAsync($"/api/v1/documents/{documentId}/docx")).Content.ReadAsByteArrayAsync();
        using (var doc = WordprocessingDocument.Open(new MemoryStream(docx), false))
        {
            var errors = new OpenXmlValidator(DocumentFormat.OpenXml.FileFormatVersions.Office2010).Validate(doc).Select(e => e.Description).ToList();
            Assert.True(errors.Count == 0, string.Join("\n", errors));
            var text = doc.MainDocumentPart!.Document.Body!.InnerText;
            foreach (var part in new[] { notice.DocumentNumber!, "整改", "存在问题", "整改要求", "异议", "离岗超过30分钟未放置告示牌", "2个工作日内" })
                Assert.Contains(part, text, StringComparison.Ordinal);
        }
        var pdf = await (await liaison.GetAsync($"/api/v1/documents/{documentId}/pdf")).Content.ReadAsByteArrayAsync();
        var pdfText = DocumentKit.Squeeze(await DocumentKit.PdfToTextAsync(await DocumentKit.SavePdfAsync(pdf)));
        foreach (var part in new[] { "存在问题", "整改要求", "异议", "示范市机关效能建设领导小组办公室" })
            Assert.Contains(part, pdfText, StringComparison.Ordinal);
        Assert.Contains(DocumentKit.Squeeze(notice.DocumentNumber!), pdfText, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "RCT-5")]
    [Trait("Rule", "INS-6")]
    [Trait("Rule", "EV-10")]
    [Trait("Rule", "RCT-3")]
    public async Task Outcomes_LinkToTheirFindings_CircularIsADocumentPublishedOnThePublicPage()
    {
        var (office, kit) = await OfficeAsync();
        var c = await kit.CaseAsync(findings: 2);
        await kit.ConfirmAsync([.. c.Findings]);
        await kit.IssueAsync(c.UnitId, c.Findings);
        var (_, liaison) = await kit.LiaisonAsync(c.UnitId);

        // RCT-5: an outcome without findings is refused (a circular of praise excepted); one on another unit's findings too.
        await (await office.PostJsonAsync("/api/v1/rectification/outcomes", new { kind = "Interview", year = 2026, unitId = c.UnitId, title = "约谈", text = "纪要", findingIds = Array.Empty<Guid>() }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "RCT-5");
        await (await office.PostJsonAsync("/api/v1/rectification/outcomes", new { kind = "PersonAccountability", measure = "Praise", year = 2026, unitId = c.UnitId, personName = "张三", title = "问责", text = "决定", findingIds = c.Findings }))
            .ExpectFieldErrorAsync("measure");
        await (await liaison.PostJsonAsync("/api/v1/rectification/outcomes", new { kind = "Interview", year = 2026, unitId = c.UnitId, title = "约谈", text = "纪要", findingIds = c.Findings }))
            .ExpectRuleAsync(HttpStatusCode.Forbidden, "RCT-5");
        // RCT-3: nothing rests on the notice while the unit may still object (two working days after receipt, to 18 November):
        // an upheld objection withdraws it "and its points with it", and a published circular or a referral could not follow.
        await (await office.PostJsonAsync("/api/v1/rectification/outcomes", new { kind = "Interview", year = 2026, unitId = c.UnitId, title = "约谈", text = "纪要", findingIds = c.Findings }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "RCT-3");
        Assert.Equal(0, await app.WithDbAsync(db => db.RectificationOutcomes.CountAsync(o => o.UnitId == c.UnitId)));
        app.Clock.Set(new DateTimeOffset(2026, 11, 19, 2, 0, 0, TimeSpan.Zero)); // sessions expire with the move: sign in again
        office = await app.ClientAsAsync(Roles.OfficeAdmin);
        (_, liaison) = await kit.LiaisonAsync(c.UnitId);

        async Task<Guid> RecordAsync(object body) => (await (await office.PostJsonAsync("/api/v1/rectification/outcomes", body)).ReadAsync<IdDto>(HttpStatusCode.Created)).Id;
        var circular = await RecordAsync(new { kind = "Circular", measure = "Criticism", year = 2026, unitId = c.UnitId, title = "关于明查暗访发现问题的通报", text = "现将近期明查暗访发现的问题通报如下。", findingIds = c.Findings });
        var interview = await RecordAsync(new { kind = "Interview", year = 2026, unitId = c.UnitId, title = "效能约谈", text = "约谈纪要：局长表态立即整改。", heldOn = "2026-11-16", findingIds = c.Findings });
        var referral = await RecordAsync(new { kind = "Referral", year = 2026, unitId = c.UnitId, title = "移送市纪委监委", text = "问题线索及证据", findingIds = new[] { c.Findings[0] } });
        await RecordAsync(new { kind = "PersonAccountability", measure = "WrittenWarning", year = 2026, unitId = c.UnitId, personName = "张三", title = "书面告诫", text = "给予书面告诫", findingIds = new[] { c.Findings[0] } });
        await RecordAsync(new { kind = "UnitAccountability", measure = "ExcellenceIneligible", year = 2026, unitId = c.UnitId, title = "取消评优资格", text = "阻挠检查（INS-6）", findingIds = new[] { c.Findings[1] } });

        var outcomes = (await RectificationKit.JsonAsync(liaison, "/api/v1/rectification/outcomes?year=2026")).EnumerateArray().ToList();
        Assert.Equal(5, outcomes.Count);
        var circ = outcomes.Single(o => o.GetProperty("id").GetGuid() == circular);
        Assert.Matches(@"〔2026〕\d+号$", circ.GetProperty("documentNumber").GetString());
        Assert.Equal(2, circ.GetProperty("findingIds").GetArrayLength());
        var evidenceCase = await app.WithDbAsync(db => db.Visits.Where(v => v.Id == c.VisitId).Select(v => v.EvidenceCaseId).SingleAsync());
        if (evidenceCase is { } ec)
        {
            Assert.Contains(ec, outcomes.Single(o => o.GetProperty("id").GetGuid() == referral).GetProperty("evidenceCaseIds").EnumerateArray().Select(x => x.GetGuid()));
            Assert.True(await app.WithDbAsync(db => db.EvidenceHolds.AnyAsync(h => h.CaseId == ec && h.LiftedAt == null)));
        }
        Assert.Contains(c.UnitId, await app.WithScopeResultAsync(sp => sp.GetRequiredService<Outcomes>().IneligibleUnitsAsync(2026, CancellationToken.None)));

        // Not public until published; then anyone reads it.
        var anonymous = app.NewClient();
        Assert.DoesNotContain(circular.ToString(), await anonymous.GetStringAsync("/api/v1/public/circulars"), StringComparison.Ordinal);
        await (await office.PostAsync($"/api/v1/rectification/outcomes/{interview}/publish", null)).ExpectRuleAsync(HttpStatusCode.Conflict, "RCT-5");
        await (await office.PostAsync($"/api/v1/rectification/outcomes/{circular}/publish", null)).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Contains(circular.ToString(), await anonymous.GetStringAsync("/api/v1/public/circulars"), StringComparison.Ordinal);
        var page = await anonymous.GetAsync("/Published/Circulars");
        await page.ExpectAsync(HttpStatusCode.OK);
        Assert.Contains("关于明查暗访发现问题的通报", WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        // Each finding shows its whole history.
        var history = await RectificationKit.JsonAsync(office, $"/api/v1/rectification/findings/{c.Findings[0]}/history");
        var kinds = history.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        foreach (var k in new[] { "recorded", "confirmed", "notice", "ledger", "outcome-circular", "outcome-interview", "outcome-referral", "outcome-personaccountability" })
            Assert.Contains(k, kinds);
    }

    /// <summary>
    /// EV-11, RCT-4: the pages check what the API checks. A decision of −20 points (which would give a unit 20 points back
    /// with no line reversed) or of 0, a decision without a unit (a 500 before), and a refusal whose reason is only spaces
    /// are each refused with a message, and nothing is written.
    /// </summary>
    [Fact]
    [Trait("Rule", "EV-11")]
    [Trait("Rule", "RCT-4")]
    public async Task PagePosts_WithNegativePoints_NoUnit_OrABlankReason_AreRefused_AndWriteNothing()
    {
        var (office, kit) = await OfficeAsync();
        var c = await kit.CaseAsync(findings: 1);
        await kit.ConfirmAsync(c.Findings[0]);
        var notice = await kit.IssueAsync(c.UnitId, c.Findings);
        var lines = await app.WithDbAsync(db => db.DeductionLedger.CountAsync(l => l.UnitId == c.UnitId));
        foreach (var points in new[] { "-20", "0" })
        {
            var r = await office.PostFormAsync($"/Rectification/Ledger?year=2026&unitId={c.UnitId}", "Decide",
                new() { ["Points"] = points, ["Source"] = "Decision", ["Description"] = "酌情扣分" });
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Contains("须在 0.01 至 100 之间", System.Net.WebUtility.HtmlDecode(await r.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }
        var none = await office.PostFormAsync("/Rectification/Ledger?year=2026", "Decide", new() { ["Points"] = "2", ["Source"] = "Decision", ["Description"] = "酌情扣分" });
        Assert.Equal(HttpStatusCode.OK, none.StatusCode);
        Assert.Contains("请填写此项", System.Net.WebUtility.HtmlDecode(await none.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(lines, await app.WithDbAsync(db => db.DeductionLedger.CountAsync(l => l.UnitId == c.UnitId)));

        var blank = await office.PostFormAsync($"/Rectification/Notice/{notice.Id}", "Refusal", new() { ["Reason"] = "   " });
        Assert.Equal(HttpStatusCode.OK, blank.StatusCode);
        Assert.Contains("请填写此项", System.Net.WebUtility.HtmlDecode(await blank.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal("Issued", RectificationKit.Status(await RectificationKit.NoticeAsync(office, notice.Id)));
    }

    [Fact]
    [Trait("Rule", "EV-11")]
    [Trait("Rule", "INS-3")]
    public async Task Ledger_DecisionsAndReversals_ExportToXlsxAndAnswerTheScoringQuery()
    {
        var (office, kit) = await OfficeAsync();
        var c = await kit.CaseAsync(findings: 1);
        await kit.ConfirmAsync(c.Findings[0]);
        await kit.IssueAsync(c.UnitId, c.Findings);
        var missing = (await (await office.PostJsonAsync("/api/v1/rectification/ledger/decisions", new { unitId = c.UnitId, year = 2026, points = 3, source = "MissingReport", description = "第三季度未报送自查报告" }))
            .ReadAsync<IdDto>(HttpStatusCode.Created)).Id;
        var discretionary = (await (await office.PostJsonAsync("/api/v1/rectification/ledger/decisions", new { unitId = c.UnitId, sectionId = c.SectionId, year = 2026, points = 2, source = "Decision", description = "迟滞检查，酌情扣分" }))
            .ReadAsync<IdDto>(HttpStatusCode.Created)).Id;
        await (await office.PostJsonAsync($"/api/v1/rectification/ledger/lines/{discretionary}/reverse", new { text = "复议撤销" })).ExpectAsync(HttpStatusCode.OK);
        await (await office.PostJsonAsync($"/api/v1/rectification/ledger/lines/{discretionary}/reverse", new { text = "再次撤销" })).ExpectRuleAsync(HttpStatusCode.Conflict, "EV-11");
        var findingLine = await app.WithDbAsync(db => db.DeductionLedger.Where(l => l.FindingId == c.Findings[0]).Select(l => l.Id).SingleAsync());
        await (await office.PostJsonAsync($"/api/v1/rectification/ledger/lines/{findingLine}/reverse", new { text = "想撤就撤" })).ExpectRuleAsync(HttpStatusCode.Conflict, "RCT-3");

        var lines = (await RectificationKit.JsonAsync(office, $"/api/v1/rectification/ledger/{c.UnitId}/2026")).EnumerateArray().ToList();
        Assert.Equal(4, lines.Count);
        Assert.Equal(4m, lines.Sum(l => l.GetProperty("points").GetDecimal())); // 1 (finding) + 3 (INS-3) + 2 − 2
        Assert.Equal("INS-3", lines.Single(l => l.GetProperty("id").GetGuid() == missing).GetProperty("basis").GetString());

        var xlsx = await (await office.GetAsync($"/api/v1/rectification/ledger/{c.UnitId}/2026/xlsx")).Content.ReadAsByteArrayAsync();
        using (var book = SpreadsheetDocument.Open(new MemoryStream(xlsx), false))
        {
            Assert.Empty(new OpenXmlValidator(DocumentFormat.OpenXml.FileFormatVersions.Office2010).Validate(book));
            var text = book.WorkbookPart!.WorksheetParts.Single().Worksheet.InnerText;
            Assert.Contains("第三季度未报送自查报告", text, StringComparison.Ordinal);
            Assert.Contains("合计", text, StringComparison.Ordinal);
            // Times on the office's clock (Beijing, 8 hours ahead of the stored UTC), the zone named in the header.
            var at = await app.WithDbAsync(db => db.DeductionLedger.Where(l => l.Id == missing).Select(l => l.At).SingleAsync());
            Assert.Contains("时间 (Asia/Shanghai)", text, StringComparison.Ordinal);
            Assert.Contains(at.AddHours(8).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
        }

        var points = await app.WithScopeResultAsync(sp => sp.GetRequiredService<IDeductionLedgerQuery>()
            .PointsLostAsync(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc), c.UnitId, CancellationToken.None));
        Assert.Equal(4m, Assert.Single(points).Points);
        var bySection = await app.WithScopeResultAsync(sp => sp.GetRequiredService<IDeductionLedgerQuery>()
            .PointsLostBySectionAsync(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc), c.UnitId, CancellationToken.None));
        Assert.Equal(1m, bySection.Single(p => p.SectionId == c.SectionId).Points); // the finding's 1; the section's decision was reversed
        var results = await app.WithScopeResultAsync(sp => sp.GetRequiredService<IDeductionLedgerQuery>().RectificationResultsAsync(new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31), c.UnitId, CancellationToken.None));
        Assert.Equal([c.SectionId], Assert.Single(results).SectionIds);
    }

    [Fact]
    [Trait("Rule", "RCT-4")]
    [Trait("Rule", "RCT-3")]
    [Trait("Rule", "SEC-2")]
    public async Task Reminders_BeforeTheLastDay_GoToTheUnitOnly_AndPagesOpenForEachRole()
    {
        var (office, kit) = await OfficeAsync();
        var c = await kit.CaseAsync(findings: 1);
        await kit.ConfirmAsync(c.Findings[0]);
        var notice = await kit.IssueAsync(c.UnitId, c.Findings); // last day Monday 11-30
        var other = await kit.CaseAsync(findings: 1);

        async Task<List<Reminder>> DueAsync(DateOnly day) => await app.WithScopeResultAsync(async sp =>
        {
            var db = sp.GetRequiredService<Mingcha.Web.Data.MingchaDb>();
            var list = new List<Reminder>();
            foreach (var source in sp.GetServices<IReminderSource>().OfType<NoticeReminders>())
                await foreach (var r in source.DueAsync(db, day, CancellationToken.None)) list.Add(r);
            return list.Where(r => r.Link == $"/Rectification/Notice/{notice.Id}").ToList();
        });
        // RCT-3: the objection window (2 working days from receipt, Wednesday 18 November) is reminded on its last day.
        var objection = Assert.Single(await DueAsync(new DateOnly(2026, 11, 18)), r => r.Kind == "notice.objection-window");
        Assert.Equal((Roles.UnitLiaison, (Guid?)c.UnitId), (objection.Role, objection.UnitId));
        Assert.Contains("2026-11-18", objection.Title, StringComparison.Ordinal);
        Assert.DoesNotContain(await DueAsync(new DateOnly(2026, 11, 19)), r => r.Kind == "notice.objection-window");
        Assert.Empty(await DueAsync(new DateOnly(2026, 11, 25)));
        var two = Assert.Single(await DueAsync(new DateOnly(2026, 11, 26))); // 2 working days before (Thursday)
        Assert.Equal((Roles.UnitLiaison, (Guid?)c.UnitId), (two.Role, two.UnitId));
        Assert.Empty(await DueAsync(new DateOnly(2026, 11, 28))); // Saturday
        Assert.Single(await DueAsync(new DateOnly(2026, 11, 30))); // the last day

        // SEC-2 on the home page: a notification for the liaisons of one unit is not shown to another unit's liaison.
        await app.WithDbAsync(async db =>
        {
            db.Notifications.Add(new Notification(null, Roles.UnitLiaison, c.UnitId, "notice.reminder", "整改期限提醒：甲单位专用", null, "/Rectification/Mine", $"test:{Guid.NewGuid()}", DateTime.UtcNow));
            return await db.SaveChangesAsync();
        });
        var (_, mine) = await kit.LiaisonAsync(c.UnitId);
        var (_, theirs) = await kit.LiaisonAsync(other.UnitId);
        Assert.Contains("甲单位专用", WebUtility.HtmlDecode(await mine.GetStringAsync("/")), StringComparison.Ordinal);
        Assert.DoesNotContain("甲单位专用", WebUtility.HtmlDecode(await theirs.GetStringAsync("/")), StringComparison.Ordinal);

        // Every page of the module opens for the roles it is for (and shows the unit's notice to its liaison only).
        var leader = await app.ClientAsAsync(Roles.Leader);
        foreach (var (client, path) in new[]
        {
            (office, "/Rectification"), (office, $"/Rectification/Notice/{notice.Id}"), (office, $"/Rectification/Ledger?year=2026&unitId={c.UnitId}"),
            (office, "/Rectification/Outcomes"), (leader, "/Rectification"), (leader, $"/Rectification/Notice/{notice.Id}"), (leader, "/Rectification/Ledger"),
            (mine, "/Rectification/Mine"), (mine, $"/Rectification/Notice/{notice.Id}"), (mine, "/Rectification/Ledger"), (mine, "/Rectification/Outcomes"),
        })
        {
            var r = await client.GetAsync(path);
            Assert.True(r.StatusCode == HttpStatusCode.OK, $"{path}: {(int)r.StatusCode}");
        }
        Assert.Contains(notice.DocumentNumber!, WebUtility.HtmlDecode(await mine.GetStringAsync("/Rectification/Mine")), StringComparison.Ordinal);
        Assert.DoesNotContain(notice.DocumentNumber!, WebUtility.HtmlDecode(await theirs.GetStringAsync("/Rectification/Mine")), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await theirs.GetAsync($"/Rectification/Notice/{notice.Id}")).StatusCode);
        var redirected = await mine.GetAsync("/Rectification");
        Assert.Equal(HttpStatusCode.Redirect, redirected.StatusCode);

        // A page form is held to the request's limits as the API is: an over-long reason is a message on the page, never a
        // 500 (PostgreSQL refuses text beyond the column), and nothing is recorded.
        var tooLong = await office.PostFormAsync($"/Rectification/Notice/{notice.Id}", "Refusal", new() { ["Reason"] = new string('拒', 2500) });
        Assert.True(tooLong.StatusCode < HttpStatusCode.InternalServerError, $"{(int)tooLong.StatusCode}");
        Assert.Contains("role=\"alert\"", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(NoticeStatus.Issued, await app.WithDbAsync(db => db.RectificationNotices.Where(n => n.Id == notice.Id).Select(n => n.Status).SingleAsync()));
    }

    [Fact]
    [Trait("Rule", "RCT-1")]
    [Trait("Rule", "RCT-2")]
    public async Task OfficePage_ConfirmsDropsAndIssues_WithMessagesNamingTheRule()
    {
        var (office, kit) = await OfficeAsync();
        var c = await kit.CaseAsync(findings: 2);
        var page = await office.GetStringAsync("/Rectification");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        async Task<string> PostAsync(string handler, Dictionary<string, string> form)
        {
            form["__RequestVerificationToken"] = token;
            var r = await office.PostAsync("/Rectification?handler=" + handler, new FormUrlEncodedContent(form));
            if (r.StatusCode == HttpStatusCode.Redirect) return r.Headers.Location!.ToString();
            return WebUtility.HtmlDecode(await r.Content.ReadAsStringAsync());
        }
        // Issuing with an unconfirmed finding is refused on the page with the rule named.
        var refused = await PostAsync("Issue", new() { ["Issue.FindingIds"] = c.Findings[0].ToString(), ["Issue.RequiredAction"] = "整改", ["Issue.WorkingDays"] = "10" });
        Assert.Contains("(RCT-2)", refused, StringComparison.Ordinal);
        await PostAsync($"Confirm&findingId={c.Findings[0]}", []);
        var dropRefused = await PostAsync($"Drop&findingId={c.Findings[1]}", new() { [$"drop-{c.Findings[1]}"] = "" });
        Assert.Contains("(RCT-1)", dropRefused, StringComparison.Ordinal);
        await PostAsync($"Drop&findingId={c.Findings[1]}", new() { [$"drop-{c.Findings[1]}"] = "录像无法辨认" });
        var issued = await PostAsync("Issue", new() { ["Issue.FindingIds"] = c.Findings[0].ToString(), ["Issue.RequiredAction"] = "立即整改", ["Issue.WorkingDays"] = "10" });
        Assert.StartsWith("/Rectification/Notice/", issued, StringComparison.Ordinal);
        Assert.True(await app.WithDbAsync(db => db.Findings.AnyAsync(f => f.Id == c.Findings[1] && f.Status == Mingcha.Web.Features.Inspections.FindingStatus.Dropped)));
    }

    private sealed record IdDto(Guid Id);
}

/// <summary>Two app instances on one database run the nightly escalation at once: nothing escalates twice.</summary>
public sealed class RectificationTwoInstanceTests(TwoInstances apps) : IClassFixture<TwoInstances>
{
    [Fact]
    [Trait("Rule", "RCT-4")]
    public async Task Escalation_WhenBothInstancesRunTheNightAtOnce_EscalatesEachNoticeOnce()
    {
        var office = await apps.First.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new RectificationKit(apps.First, office);
        var notices = new List<Guid>();
        var windowClosed = DateOnly.MinValue;
        for (var i = 0; i < 3; i++)
        {
            var c = await kit.CaseAsync(findings: 1);
            await kit.ConfirmAsync(c.Findings[0]);
            var issued = await kit.IssueAsync(c.UnitId, c.Findings, days: 1);
            notices.Add(issued.Id);
            windowClosed = issued.ObjectionLastDay > windowClosed ? issued.ObjectionLastDay : windowClosed;
        }
        var schedulers = new[] { apps.First, apps.Second }.Select(a => a.Services.GetRequiredService<JobScheduler>()).ToArray();
        await Task.WhenAll(schedulers.Select(s => s.RunDueJobsAsync(CancellationToken.None)));
        // The last day and then the objection window (RCT-3) have passed; the next night at 01:05 Beijing both instances
        // poll at once, then again.
        var night = windowClosed.AddDays(1);
        apps.First.Clock.Set(new DateTimeOffset(night.ToDateTime(new TimeOnly(1, 5)), TimeSpan.FromHours(8)));
        await Task.WhenAll(schedulers.Select(s => s.RunDueJobsAsync(CancellationToken.None)));
        await Task.WhenAll(schedulers.Select(s => s.RunDueJobsAsync(CancellationToken.None)));
        // And the escalator itself, run twice on the same day by both instances (as after a lease expired), changes nothing more.
        await Task.WhenAll(new[] { apps.First, apps.Second }.Select(a => a.WithScopeAsync(sp =>
            sp.GetRequiredService<RectificationEscalator>().RunAsync(night, CancellationToken.None))));

        var escalations = await apps.First.WithDbAsync(db => db.NoticeEscalations.AsNoTracking().Where(e => notices.Contains(e.NoticeId)).ToListAsync());
        Assert.Equal(3, escalations.Count);
        Assert.All(escalations, e => Assert.Equal(Mingcha.Domain.Rectification.EscalationStage.SecondSupervision, e.Stage));
        var runs = await apps.First.WithDbAsync(db => db.JobRuns.AsNoTracking().Select(r => r.JobName + "@" + r.ScheduledFor.ToString("O") + "=" + r.Result).ToListAsync());
        Assert.True(runs.Count(r => r.StartsWith(EscalationJob.JobName + "@", StringComparison.Ordinal)) == 1, string.Join("\n", runs));
    }
}
