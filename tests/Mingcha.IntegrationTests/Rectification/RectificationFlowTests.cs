using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Jobs;
using Mingcha.Web.Features.Rectification;

namespace Mingcha.IntegrationTests.Rectification;

/// <summary>The whole path over HTTP: finding → confirmation → notice with its official document → objection window → review →
/// answer → verification; the ledger and its reversal; escalation by the job; e-mail to a real SMTP listener.</summary>
public sealed class RectificationFlowTests(RectificationApp app) : IClassFixture<RectificationApp>
{
    private Task<(HttpClient Office, RectificationKit Kit)> OfficeAsync() => RectificationKit.AtStartAsync(app);

    private static string Status(JsonElement notice) => RectificationKit.Status(notice);

    [Fact]
    [Trait("Rule", "RCT-1")]
    [Trait("Rule", "RCT-2")]
    [Trait("Rule", "RCT-3")]
    [Trait("Rule", "EV-11")]
    [Trait("Rule", "SEC-2")]
    [Trait("Rule", "INS-9")]
    public async Task Notice_FromFindingToFiling_FollowsTheRulesAndIsVisibleToItsUnitOnly()
    {
        var (office, kit) = await OfficeAsync();
        var c = await kit.CaseAsync(findings: 2);
        var (liaisonUser, liaison) = await kit.LiaisonAsync(c.UnitId, "liaison@example.gov.cn");
        var other = await kit.CaseAsync(findings: 1);
        var (_, stranger) = await kit.LiaisonAsync(other.UnitId);

        // INS-9: before the findings are sent the unit cannot see the covert finding, not even its history.
        await (await liaison.GetAsync($"/api/v1/rectification/findings/{c.Findings[0]}/history")).ExpectAsync(HttpStatusCode.NotFound);

        // RCT-2: no finding, or an unconfirmed one, is refused naming the rule.
        await (await office.PostJsonAsync("/api/v1/rectification/notices", new { unitId = c.UnitId, findingIds = Array.Empty<Guid>(), requiredAction = "整改" }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "RCT-2");
        await (await office.PostJsonAsync("/api/v1/rectification/notices", new { unitId = c.UnitId, findingIds = c.Findings, requiredAction = "整改" }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "RCT-2");

        // RCT-1: only the Office confirms; one finding confirmed, the other dropped with a reason.
        await (await liaison.PostAsync($"/api/v1/rectification/findings/{c.Findings[0]}/confirm", null)).ExpectRuleAsync(HttpStatusCode.Forbidden, "RCT-1");
        await kit.ConfirmAsync(c.Findings[0]);
        await (await office.PostJsonAsync($"/api/v1/rectification/findings/{c.Findings[1]}/drop", new { reason = "视频无法证实" })).ExpectAsync(HttpStatusCode.NoContent);
        await (await office.PostJsonAsync("/api/v1/rectification/notices", new { unitId = c.UnitId, findingIds = c.Findings, requiredAction = "整改" }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "RCT-2");
        // A finding of another unit does not go on this unit's notice.
        await kit.ConfirmAsync(other.Findings[0]);
        await (await office.PostJsonAsync("/api/v1/rectification/notices", new { unitId = c.UnitId, findingIds = new[] { c.Findings[0], other.Findings[0] }, requiredAction = "整改" }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "RCT-2");

        var notice = await kit.IssueAsync(c.UnitId, [c.Findings[0]]);
        Assert.Matches(@"^.+〔2026〕\d+号$", notice.DocumentNumber);
        // 2026-11-16 is a Monday: 10 working days end on Monday 11-30; the objection window on Wednesday 11-18.
        Assert.Equal((new DateOnly(2026, 11, 30), new DateOnly(2026, 11, 18)), (notice.LastDay, notice.ObjectionLastDay));
        // A finding goes on one notice only.
        await (await office.PostJsonAsync("/api/v1/rectification/notices", new { unitId = c.UnitId, findingIds = new[] { c.Findings[0] }, requiredAction = "整改" }))
            .ExpectRuleAsync(HttpStatusCode.Conflict, "RCT-2");

        // The document: DOCX and PDF in the notice's evidence case, registered under the notice.
        var detail = await RectificationKit.NoticeAsync(office, notice.Id);
        var caseId = detail.GetProperty("evidenceCaseId").GetGuid();
        var files = await app.WithDbAsync(db => db.EvidenceItems.AsNoTracking().Where(i => i.CaseId == caseId).Select(i => i.MediaType).ToListAsync());
        Assert.Contains("application/pdf", files);
        Assert.Contains("application/vnd.openxmlformats-officedocument.wordprocessingml.document", files);
        var registered = await app.WithDbAsync(db => db.OfficialDocuments.AsNoTracking().SingleAsync(d => d.ReferenceId == notice.Id));
        Assert.Equal(notice.DocumentNumber, registered.Number);

        // SEC-2: the unit sees its notice and countdown; another unit sees nothing of it.
        var mine = await RectificationKit.JsonAsync(liaison, "/api/v1/rectification/notices");
        Assert.Equal(notice.Id, Assert.Single(mine.EnumerateArray().ToList()).GetProperty("id").GetGuid());
        Assert.Equal(3, mine[0].GetProperty("objectionDaysLeft").GetInt32());
        Assert.Empty((await RectificationKit.JsonAsync(stranger, "/api/v1/rectification/notices")).EnumerateArray());
        await (await stranger.GetAsync($"/api/v1/rectification/notices/{notice.Id}")).ExpectRuleAsync(HttpStatusCode.NotFound, "SEC-2");
        await (await stranger.GetAsync($"/api/v1/rectification/ledger/{c.UnitId}/2026")).ExpectRuleAsync(HttpStatusCode.NotFound, "SEC-2");
        await (await stranger.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/responses", new { actions = "冒名反馈", measures = "无", evidenceItemIds = new[] { Guid.NewGuid() } }))
            .ExpectRuleAsync(HttpStatusCode.NotFound, "SEC-2");
        // Now sent, the unit sees the finding's history.
        var history = await RectificationKit.JsonAsync(liaison, $"/api/v1/rectification/findings/{c.Findings[0]}/history");
        Assert.Contains(history.GetProperty("events").EnumerateArray(), e => e.GetProperty("kind").GetString() == "notice");

        // RCT-3: an objection needs evidence; with evidence it is taken.
        await (await liaison.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/objections", new { grounds = "当事人当时在岗", evidenceItemIds = Array.Empty<Guid>() }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "RCT-3");
        var proof = await RectificationKit.EvidenceAsync(liaison, caseId);
        await (await liaison.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/objections", new { grounds = "当事人当时在岗，有签到记录", evidenceItemIds = new[] { proof } }))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("Objected", Status(await RectificationKit.NoticeAsync(office, notice.Id)));
        // Only the Office reviews; rejected, the unit must execute, the period running again from the decision (Tuesday 11-17 + 10 = 12-01).
        await (await liaison.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/objection-review", new { upheld = true, reason = "自己说了算" }))
            .ExpectRuleAsync(HttpStatusCode.Forbidden, "RCT-3");
        app.Clock.Advance(TimeSpan.FromDays(1));
        office = await app.ClientAsAsync(Roles.OfficeAdmin);
        (_, liaison) = await kit.LiaisonAsync(c.UnitId, "liaison2@example.gov.cn");
        await (await office.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/objection-review", new { upheld = false, reason = "签到记录晚于暗访时间" }))
            .ExpectAsync(HttpStatusCode.NoContent);
        detail = await RectificationKit.NoticeAsync(liaison, notice.Id);
        Assert.Equal(("Issued", "2026-12-01"), (Status(detail), detail.GetProperty("notice").GetProperty("lastDay").GetString()));
        Assert.False(detail.GetProperty("objections")[0].GetProperty("upheld").GetBoolean());

        // RCT-2: the answer; a verification by a user without the role is refused naming the rule; sent back, answered again, filed.
        await (await liaison.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/responses", new { actions = "已对当事人批评教育", measures = "全局开展作风纪律自查", evidenceItemIds = new[] { proof } }))
            .ExpectAsync(HttpStatusCode.Created);
        await (await liaison.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/verification", new { accepted = true })).ExpectRuleAsync(HttpStatusCode.Forbidden, "RCT-2");
        var leader = await app.ClientAsAsync(Roles.Leader);
        await (await leader.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/verification", new { accepted = true })).ExpectRuleAsync(HttpStatusCode.Forbidden, "RCT-2");
        await (await office.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/verification", new { accepted = false, note = "缺少制度文件" })).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal("Returned", Status(await RectificationKit.NoticeAsync(office, notice.Id)));
        var second = await RectificationKit.EvidenceAsync(liaison, caseId);
        await (await liaison.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/responses", new { actions = "补充制度文件", measures = "修订离岗告示制度", evidenceItemIds = new[] { second } }))
            .ExpectAsync(HttpStatusCode.Created);
        await (await office.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/verification", new { accepted = true, note = "整改到位" })).ExpectAsync(HttpStatusCode.NoContent);
        detail = await RectificationKit.NoticeAsync(office, notice.Id);
        Assert.Equal(("Filed", "LateOrIncomplete"), (Status(detail), detail.GetProperty("result").GetString()));

        // EV-11: one line for the confirmed finding (none for the dropped one), pointing at it.
        var lines = await RectificationKit.JsonAsync(liaison, $"/api/v1/rectification/ledger/{c.UnitId}/2026");
        var line = Assert.Single(lines.EnumerateArray().ToList());
        Assert.Equal((c.Findings[0], 1m, "INS-5"), (line.GetProperty("findingId").GetGuid(), line.GetProperty("points").GetDecimal(), line.GetProperty("basis").GetString()));

        // Every step is in the audit log.
        var audited = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.EntityKey == notice.Id.ToString()).Select(a => a.Action).ToListAsync());
        Assert.Contains("notice.issue", audited);
        Assert.Contains("notice.objection-rejected", audited);

        // Notifications: in-app to the liaison, e-mail through SMTP.
        await app.WithScopeAsync(sp => sp.GetRequiredService<OutboxSender>().SendPendingAsync(CancellationToken.None));
        var mail = app.Smtp.Messages.Where(m => m.To.Contains("liaison@example.gov.cn")).ToList();
        Assert.Contains(mail, m => m.Subject.Contains("整改通知书", StringComparison.Ordinal) && m.Subject.Contains(notice.DocumentNumber!, StringComparison.Ordinal));
        Assert.True(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.UserId == liaisonUser.Id && n.Kind == "notice.issued")));
        Assert.False(await app.WithDbAsync(db => db.OutboundMessages.AnyAsync(m => m.Channel == "email" && m.SentAt == null && m.Recipient == "liaison@example.gov.cn")));
    }

    [Fact]
    [Trait("Rule", "RCT-3")]
    [Trait("Rule", "EV-11")]
    [Trait("Rule", "RCT-2")]
    [Trait("Rule", "RCT-5")]
    [Trait("Rule", "INS-4")]
    public async Task Objection_WhenUpheld_WithdrawsTheNoticeReversesItsPointsAndNeverReusesTheNumber()
    {
        var (office, kit) = await OfficeAsync();
        var c = await kit.CaseAsync(findings: 2);
        await kit.ConfirmAsync([.. c.Findings]);
        var (_, liaison) = await kit.LiaisonAsync(c.UnitId);
        var notice = await kit.IssueAsync(c.UnitId, c.Findings);
        // INS-4: the unit's last inspection found problems: a draw makes it a mandatory re-check.
        async Task<int> MandatoryAsync()
        {
            var round = await kit.Inspections.RoundAsync(2026, "Covert", teamId: await kit.Inspections.TeamAsync(await kit.Inspections.ApprovedSupervisorAsync()));
            var draw = await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/draws", new { count = 1, seed = "41", unitIds = new[] { c.UnitId } }))
                .ReadAsync<JsonElement>(HttpStatusCode.Created);
            return draw.GetProperty("mandatory").GetInt32();
        }
        Assert.Equal(1, await MandatoryAsync());
        var caseId = (await RectificationKit.NoticeAsync(office, notice.Id)).GetProperty("evidenceCaseId").GetGuid();
        var proof = await RectificationKit.EvidenceAsync(liaison, caseId);
        await (await liaison.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/objections", new { grounds = "暗访时间为午休时间", evidenceItemIds = new[] { proof } }))
            .ExpectAsync(HttpStatusCode.Created);
        // While the objection awaits review, no refusal can be recorded: it would leave the objection undecidable.
        await (await office.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/refusal", new { reason = "拒不整改" }))
            .ExpectRuleAsync(HttpStatusCode.Conflict, "RCT-3");
        await (await office.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/objection-review", new { upheld = true, reason = "经核实为午休时间" }))
            .ExpectAsync(HttpStatusCode.NoContent);
        // The withdrawn findings no longer ground an outcome (RCT-5).
        await (await office.PostJsonAsync("/api/v1/rectification/outcomes", new { kind = "Interview", year = 2026, unitId = c.UnitId, title = "效能约谈", text = "约谈纪要", findingIds = c.Findings }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "RCT-5");

        var detail = await RectificationKit.NoticeAsync(office, notice.Id);
        Assert.Equal("Withdrawn", Status(detail));
        // INS-4: withdrawn, its findings were no problems after all: no mandatory re-check for them.
        Assert.Equal(0, await MandatoryAsync());
        var lines = (await RectificationKit.JsonAsync(office, $"/api/v1/rectification/ledger/{c.UnitId}/2026")).EnumerateArray().ToList();
        Assert.Equal(4, lines.Count); // two lines and their two reversals: nothing deleted
        Assert.Equal(0m, lines.Sum(l => l.GetProperty("points").GetDecimal()));
        Assert.All(lines.Where(l => l.GetProperty("points").GetDecimal() < 0), l => Assert.Equal("RCT-3", l.GetProperty("basis").GetString()));
        var summary = (await RectificationKit.JsonAsync(office, "/api/v1/rectification/ledger?year=2026")).EnumerateArray().Single(u => u.GetProperty("unitId").GetGuid() == c.UnitId);
        Assert.Equal((0m, 2), (summary.GetProperty("pointsLost").GetDecimal(), summary.GetProperty("reversals").GetInt32()));
        // The database itself refuses to change or delete a ledger line.
        await Assert.ThrowsAnyAsync<Exception>(() => app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("DELETE FROM \"DeductionLedger\"")));

        var document = await app.WithDbAsync(db => db.OfficialDocuments.AsNoTracking().SingleAsync(d => d.ReferenceId == notice.Id));
        Assert.NotNull(document.WithdrawnAt);
        // The withdrawn findings cannot be sent again; a new notice takes the next number, never the withdrawn one.
        await (await office.PostJsonAsync("/api/v1/rectification/notices", new { unitId = c.UnitId, findingIds = c.Findings, requiredAction = "整改" }))
            .ExpectRuleAsync(HttpStatusCode.Conflict, "RCT-2");
        var d = await kit.CaseAsync(findings: 1);
        await kit.ConfirmAsync(d.Findings[0]);
        var next = await kit.IssueAsync(d.UnitId, d.Findings);
        Assert.NotEqual(notice.DocumentNumber, next.DocumentNumber);
        var numbers = await app.WithDbAsync(db => db.OfficialDocuments.AsNoTracking().Select(x => x.Number).ToListAsync());
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
    }

    [Fact]
    [Trait("Rule", "RCT-3")]
    [Trait("Rule", "RCT-2")]
    public async Task NoticeDocument_IsWithdrawnWithTheNoticeOnly_AndAReviewFindingItAlreadyWithdrawnStillTakesEffect()
    {
        var (office, kit) = await OfficeAsync();
        var admin = await app.ClientAsAsync(Roles.OfficeAdmin);
        var c = await kit.CaseAsync(findings: 1);
        await kit.ConfirmAsync([.. c.Findings]);
        var (_, liaison) = await kit.LiaisonAsync(c.UnitId);
        var notice = await kit.IssueAsync(c.UnitId, c.Findings);
        var documentId = await app.WithDbAsync(db => db.OfficialDocuments.Where(d => d.ReferenceId == notice.Id).Select(d => d.Id).SingleAsync());

        // The register refuses to withdraw the document of a notice in force: that would leave the notice escalating.
        var refused = await admin.PostJsonAsync($"/api/v1/documents/{documentId}/withdraw", new { reason = "通知书有误，撤回" });
        await refused.ExpectRuleAsync(HttpStatusCode.Conflict, "RCT-3");
        Assert.Equal("Issued", Status(await RectificationKit.NoticeAsync(office, notice.Id)));
        Assert.Null(await app.WithDbAsync(db => db.OfficialDocuments.Where(d => d.Id == documentId).Select(d => d.WithdrawnAt).SingleAsync()));

        // A document withdrawn from the register before that refusal existed: the upheld objection still takes effect, 204.
        var earlier = app.Clock.GetUtcNow().UtcDateTime;
        await app.WithDbAsync(db => db.OfficialDocuments.Where(d => d.Id == documentId).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.WithdrawnAt, earlier).SetProperty(d => d.WithdrawnBy, "earlier-admin").SetProperty(d => d.WithdrawalReason, "登记簿中先行撤回")));
        var caseId = (await RectificationKit.NoticeAsync(office, notice.Id)).GetProperty("evidenceCaseId").GetGuid();
        var proof = await RectificationKit.EvidenceAsync(liaison, caseId);
        await (await liaison.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/objections", new { grounds = "暗访时间为午休时间", evidenceItemIds = new[] { proof } }))
            .ExpectAsync(HttpStatusCode.Created);
        await (await office.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/objection-review", new { upheld = true, reason = "经核实为午休时间" }))
            .ExpectAsync(HttpStatusCode.NoContent);

        Assert.Equal("Withdrawn", Status(await RectificationKit.NoticeAsync(office, notice.Id)));
        var document = await app.WithDbAsync(db => db.OfficialDocuments.AsNoTracking().SingleAsync(d => d.Id == documentId));
        Assert.Equal(("登记簿中先行撤回", "earlier-admin"), (document.WithdrawalReason, document.WithdrawnBy)); // the recorded withdrawal stands
        var told = await app.WithDbAsync(db => db.Notifications.AsNoTracking().CountAsync(n => n.Kind == "notice.objection-decided" && n.UnitId == c.UnitId));
        Assert.True(told > 0, "the unit's liaisons are told the objection was upheld");
        // Once the notice is withdrawn, the register says the document is withdrawn already (RCT-2), not that the notice stands.
        await (await admin.PostJsonAsync($"/api/v1/documents/{documentId}/withdraw", new { reason = "再次撤回" })).ExpectRuleAsync(HttpStatusCode.Conflict, "RCT-2");
    }

    [Fact]
    [Trait("Rule", "RCT-3")]
    [Trait("Rule", "CAL-2")]
    public async Task Objection_OnTheThirdWorkingDay_IsRefusedNamingTheRule()
    {
        var (office, kit) = await OfficeAsync();
        var c = await kit.CaseAsync(findings: 1);
        await kit.ConfirmAsync(c.Findings[0]);
        var (_, liaison) = await kit.LiaisonAsync(c.UnitId);
        var notice = await kit.IssueAsync(c.UnitId, c.Findings);
        var caseId = (await RectificationKit.NoticeAsync(office, notice.Id)).GetProperty("evidenceCaseId").GetGuid();
        var proof = await RectificationKit.EvidenceAsync(liaison, caseId);
        app.Clock.Set(new DateTimeOffset(2026, 11, 19, 2, 0, 0, TimeSpan.Zero)); // Thursday: the 3rd working day after Monday
        (_, liaison) = await kit.LiaisonAsync(c.UnitId);
        var r = await liaison.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/objections", new { grounds = "迟到的异议", evidenceItemIds = new[] { proof } });
        var problem = await r.ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "RCT-3");
        Assert.Contains("2026-11-18", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await RectificationKit.NoticeAsync(liaison, notice.Id)).GetProperty("notice").GetProperty("objectionDaysLeft").GetInt32());
    }

    [Fact]
    [Trait("Rule", "CAL-3")]
    public async Task Issue_WhenTheDeadlineFallsInAYearMissingFromTheCalendar_IsRefusedAndNothingIsKept()
    {
        var (_, kit) = await OfficeAsync();
        var c = await kit.CaseAsync(findings: 1);
        await kit.ConfirmAsync(c.Findings[0]);
        app.Clock.Set(new DateTimeOffset(2026, 12, 24, 2, 0, 0, TimeSpan.Zero)); // 10 working days reach into 2027, not loaded
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var before = await app.WithDbAsync(db => db.OfficialDocuments.CountAsync());
        await (await office.PostJsonAsync("/api/v1/rectification/notices", new { unitId = c.UnitId, findingIds = c.Findings, requiredAction = "整改", workingDays = 10 }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "CAL-3");
        Assert.Equal(before, await app.WithDbAsync(db => db.OfficialDocuments.CountAsync()));
        Assert.False(await app.WithDbAsync(db => db.RectificationNotices.AnyAsync(n => n.UnitId == c.UnitId)));
    }

    [Fact]
    [Trait("Rule", "RCT-4")]
    public async Task Escalation_WhenOverdue_ClimbsTheLadderByTheJobOnceAndRecordsRefusal()
    {
        var (office, kit) = await OfficeAsync();
        var c = await kit.CaseAsync(findings: 1);
        await kit.ConfirmAsync(c.Findings[0]);
        var (_, liaison) = await kit.LiaisonAsync(c.UnitId);
        var notice = await kit.IssueAsync(c.UnitId, c.Findings, days: 3); // Monday + 3 = Thursday 11-19
        Assert.Equal(new DateOnly(2026, 11, 19), notice.LastDay);
        var scheduler = app.Services.GetRequiredService<JobScheduler>();
        await scheduler.RunDueJobsAsync(CancellationToken.None); // registers the jobs

        async Task NightAsync(int month, int day)
        {
            app.Clock.Set(new DateTimeOffset(2026, month, day, 17, 5, 0, TimeSpan.Zero)); // 01:05 the next morning in Beijing
            await scheduler.RunDueJobsAsync(CancellationToken.None);
        }

        await NightAsync(11, 18); // Thursday morning: not overdue yet
        office = await app.ClientAsAsync(Roles.OfficeAdmin); // sessions do not outlive the clock's jumps
        Assert.Equal("Notice", (await RectificationKit.NoticeAsync(office, notice.Id)).GetProperty("notice").GetProperty("stage").GetString());
        await NightAsync(11, 19); // Friday 11-20: overdue → second supervision, 5 working days: Friday 11-27
        (_, liaison) = await kit.LiaisonAsync(c.UnitId);
        var d = await RectificationKit.NoticeAsync(liaison, notice.Id);
        Assert.Equal(("SecondSupervision", "2026-11-27"), (d.GetProperty("notice").GetProperty("stage").GetString(), d.GetProperty("notice").GetProperty("lastDay").GetString()));
        await NightAsync(11, 20); // the next night: not overdue at the new rung
        await NightAsync(11, 27); // Saturday 11-28: overdue → listed supervision, 10 working days from Saturday: 12-11
        office = await app.ClientAsAsync(Roles.OfficeAdmin);
        d = await RectificationKit.NoticeAsync(office, notice.Id);
        Assert.Equal(("Listed", "2026-12-11"), (d.GetProperty("notice").GetProperty("stage").GetString(), d.GetProperty("notice").GetProperty("lastDay").GetString()));
        await NightAsync(12, 11);
        await NightAsync(12, 12);
        office = await app.ClientAsAsync(Roles.OfficeAdmin);
        d = await RectificationKit.NoticeAsync(office, notice.Id);
        Assert.True(d.GetProperty("notice").GetProperty("ladderExhausted").GetBoolean());
        Assert.Equal("AfterSupervision", d.GetProperty("result").GetString());
        var kinds = d.GetProperty("escalations").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal(["Escalated", "Escalated", "LadderExhausted"], kinds);
        Assert.True(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.Kind == "notice.escalated" && n.UnitId == c.UnitId)));

        var overview = (await RectificationKit.JsonAsync(await app.ClientAsAsync(Roles.Leader), "/api/v1/rectification/overview?year=2026")).EnumerateArray()
            .Single(u => u.GetProperty("unitId").GetGuid() == c.UnitId);
        Assert.Equal((1, 1), (overview.GetProperty("overdue").GetInt32(), overview.GetProperty("listed").GetInt32()));

        await (await office.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/refusal", new { reason = "以人手不足为由拒不整改" })).ExpectAsync(HttpStatusCode.NoContent);
        d = await RectificationKit.NoticeAsync(office, notice.Id);
        Assert.Equal(("Refused", "Refused"), (Status(d), d.GetProperty("result").GetString()));
    }
}
