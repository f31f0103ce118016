using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Evidence;
using Mingcha.Domain.Rectification;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Rectification;

namespace Mingcha.IntegrationTests.Rectification;

/// <summary>
/// The notice's steps hold together: no refusal while the unit may still object or its answer waits (RCT-3, RCT-4); of two
/// Office decisions made at once one is stored (decision 029); an issue that fails leaves nothing for the unit (RCT-2,
/// INS-9); a refused objection keeps no file (EVD-1); the night's escalation passes over a notice answered meanwhile.
/// </summary>
public sealed class RectificationIntegrityTests(RectificationApp app) : IClassFixture<RectificationApp>
{
    private static readonly DateTimeOffset Thursday = new(2026, 11, 19, 2, 0, 0, TimeSpan.Zero); // the 3rd working day after Monday 11-16

    private static string Text(string html) => WebUtility.HtmlDecode(html);

    private async Task<(HttpClient Office, RectificationKit Kit, RectificationKit.Case Case, RectificationKit.NoticeCreated Notice)> IssuedAsync(int findings = 1, int? days = null)
    {
        var (office, kit) = await RectificationKit.AtStartAsync(app);
        var c = await kit.CaseAsync(findings: findings);
        await kit.ConfirmAsync([.. c.Findings]);
        var notice = await kit.IssueAsync(c.UnitId, c.Findings, days);
        return (office, kit, c, notice);
    }

    private static async Task<Guid> CaseOfAsync(HttpClient client, Guid notice) =>
        (await RectificationKit.NoticeAsync(client, notice)).GetProperty("evidenceCaseId").GetGuid();

    [Fact]
    [Trait("Rule", "RCT-3")]
    [Trait("Rule", "RCT-4")]
    [Trait("Rule", "EV-6")]
    public async Task Refusal_WhileTheUnitMayStillObject_IsRefusedAndTheUnitsObjectionIsThenHeard()
    {
        var (office, kit, c, notice) = await IssuedAsync();
        var (_, liaison) = await kit.LiaisonAsync(c.UnitId);

        // The day of issue: the unit may object until Wednesday 11-18; no refusal (and no −10) before that.
        var problem = await (await office.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/refusal", new { reason = "拒不整改" }))
            .ExpectRuleAsync(HttpStatusCode.Conflict, "RCT-3");
        Assert.Contains("2026-11-18", problem.GetProperty("title").GetString(), StringComparison.Ordinal);

        // The page offers no refusal form; a form posted anyway is a message on the page, never a 500.
        Assert.DoesNotContain("id=\"refusal-form\"", await office.GetStringAsync($"/Rectification/Notice/{notice.Id}"), StringComparison.Ordinal);
        var page = await office.PostFormAsync($"/Rectification/Notice/{notice.Id}", "Refusal", new() { ["Reason"] = "拒不整改" });
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = Text(await page.Content.ReadAsStringAsync());
        Assert.Contains("role=\"alert\"", html, StringComparison.Ordinal);
        Assert.Contains("异议期", html, StringComparison.Ordinal);

        // Nothing was stored: still issued, no refusal on the ladder, nothing told to the unit.
        var d = await RectificationKit.NoticeAsync(office, notice.Id);
        Assert.Equal("Issued", RectificationKit.Status(d));
        Assert.Empty(d.GetProperty("escalations").EnumerateArray());
        Assert.False(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.Kind == "notice.refusal" && n.UnitId == c.UnitId)));

        // The unit's objection inside the window is taken.
        var proof = await RectificationKit.EvidenceAsync(liaison, await CaseOfAsync(office, notice.Id));
        await (await liaison.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/objections", new { grounds = "暗访时间为午休时间", evidenceItemIds = new[] { proof } }))
            .ExpectAsync(HttpStatusCode.Created);

        // Once the window has closed (the objection rejected: the unit must execute), a refusal may be recorded the day after.
        await (await office.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/objection-review", new { upheld = false, reason = "异议理由不成立" }))
            .ExpectAsync(HttpStatusCode.NoContent);
        app.Clock.Set(Thursday);
        office = await app.ClientAsAsync(Roles.OfficeAdmin);
        Assert.Contains("id=\"refusal-form\"", await office.GetStringAsync($"/Rectification/Notice/{notice.Id}"), StringComparison.Ordinal);
        await (await office.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/refusal", new { reason = "以人手不足为由拒不整改" })).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal("Refused", RectificationKit.Status(await RectificationKit.NoticeAsync(office, notice.Id)));
    }

    /// <summary>
    /// RCT-3: a rejected objection ends the window at once (the unit "must execute"), also when it is decided on the day of
    /// receipt: the Office may then record a refusal that same day (RCT-4, −10 under EV-6), and the unit cannot object again.
    /// The window's last day alone (set back to the day of receipt) left both open until the next day.
    /// </summary>
    [Fact]
    [Trait("Rule", "RCT-3")]
    [Trait("Rule", "RCT-4")]
    public async Task Refusal_OnTheDayAnObjectionIsRejected_EvenTheDayOfReceipt_IsRecordedAndNoSecondObjectionIsTaken()
    {
        var (office, kit, c, notice) = await IssuedAsync();
        var (_, liaison) = await kit.LiaisonAsync(c.UnitId);
        var proof = await RectificationKit.EvidenceAsync(liaison, await CaseOfAsync(office, notice.Id));
        await (await liaison.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/objections", new { grounds = "暗访时间为午休时间", evidenceItemIds = new[] { proof } }))
            .ExpectAsync(HttpStatusCode.Created);
        await (await office.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/objection-review", new { upheld = false, reason = "异议理由不成立" }))
            .ExpectAsync(HttpStatusCode.NoContent);

        // Still the day of issue and receipt: the unit has no second objection, and its page offers none.
        await (await liaison.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/objections", new { grounds = "再次提出异议", evidenceItemIds = new[] { proof } }))
            .ExpectRuleAsync(HttpStatusCode.Conflict, "RCT-3");
        Assert.Equal(1, await app.WithDbAsync(db => db.NoticeObjections.CountAsync(o => o.NoticeId == notice.Id)));
        Assert.Contains("已截止", Text(await liaison.GetStringAsync($"/Rectification/Notice/{notice.Id}")), StringComparison.Ordinal);

        // The Office sees the refusal form and records the refusal the same day.
        Assert.Contains("id=\"refusal-form\"", await office.GetStringAsync($"/Rectification/Notice/{notice.Id}"), StringComparison.Ordinal);
        await (await office.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/refusal", new { reason = "异议不成立后明确拒绝整改" })).ExpectAsync(HttpStatusCode.NoContent);
        var d = await RectificationKit.NoticeAsync(office, notice.Id);
        Assert.Equal(("Refused", "Refused"), (RectificationKit.Status(d), d.GetProperty("result").GetString()));
    }

    [Fact]
    [Trait("Rule", "RCT-4")]
    [Trait("Rule", "RCT-2")]
    [Trait("Rule", "EV-6")]
    public async Task Refusal_OfAnAnswerAwaitingItsCheck_IsRefusedUntilTheAnswerIsVerified()
    {
        var (office, kit, c, notice) = await IssuedAsync();
        var (_, liaison) = await kit.LiaisonAsync(c.UnitId);
        var proof = await RectificationKit.EvidenceAsync(liaison, await CaseOfAsync(office, notice.Id));
        await (await liaison.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/responses", new { actions = "已整改", measures = "举一反三", evidenceItemIds = new[] { proof } }))
            .ExpectAsync(HttpStatusCode.Created);
        app.Clock.Set(Thursday); // past the objection window: only the answer stands in the way
        office = await app.ClientAsAsync(Roles.OfficeAdmin);

        await (await office.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/refusal", new { reason = "拒不整改" }))
            .ExpectRuleAsync(HttpStatusCode.Conflict, "RCT-4");
        var html = await office.GetStringAsync($"/Rectification/Notice/{notice.Id}");
        Assert.DoesNotContain("id=\"refusal-form\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"verify-form\"", html, StringComparison.Ordinal);
        var d = await RectificationKit.NoticeAsync(office, notice.Id);
        Assert.Equal("Answered", RectificationKit.Status(d));
        Assert.Empty(d.GetProperty("escalations").EnumerateArray());

        // Checked and sent back as incomplete, it waits for the unit again: a refusal may now be recorded.
        await (await office.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/verification", new { accepted = false, note = "未见举一反三材料" }))
            .ExpectAsync(HttpStatusCode.NoContent);
        await (await office.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/refusal", new { reason = "退回后明确拒绝整改" })).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal("Refused", RectificationKit.Status(await RectificationKit.NoticeAsync(office, notice.Id)));
    }

    [Fact]
    [Trait("Rule", "RCT-3")]
    [Trait("Rule", "SEC-3")]
    public async Task ObjectionReview_TwoOfficeDecisionsAtOnce_OneIsStoredTheOtherIsRefused409()
    {
        for (var round = 0; round < 3; round++)
        {
            var (office, kit, c, notice) = await IssuedAsync();
            var (_, liaison) = await kit.LiaisonAsync(c.UnitId);
            var proof = await RectificationKit.EvidenceAsync(liaison, await CaseOfAsync(office, notice.Id));
            await (await liaison.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/objections", new { grounds = "暗访时间为午休时间", evidenceItemIds = new[] { proof } }))
                .ExpectAsync(HttpStatusCode.Created);
            var other = await app.ClientAsAsync(Roles.OfficeAdmin);

            var responses = await Task.WhenAll(
                office.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/objection-review", new { upheld = true, reason = "经核实为午休时间" }),
                other.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/objection-review", new { upheld = false, reason = "异议不成立" }));
            var codes = responses.Select(r => r.StatusCode).ToList();
            Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.Conflict], codes.Order().ToList());
            var loser = responses.Single(r => r.StatusCode == HttpStatusCode.Conflict);
            Assert.Equal(409, JsonDocument.Parse(await loser.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetInt32());
            var upheldWon = responses[0].StatusCode == HttpStatusCode.NoContent;

            // One decision, and everything that follows agrees with it.
            var (decided, reversals, withdrawnDoc, status, told) = await app.WithDbAsync(async db => (
                await db.NoticeObjections.Where(o => o.NoticeId == notice.Id && o.Upheld != null).Select(o => o.Upheld!.Value).ToListAsync(),
                await db.DeductionLedger.CountAsync(l => l.NoticeId == notice.Id && l.ReversesId != null),
                await db.OfficialDocuments.Where(x => x.ReferenceId == notice.Id).Select(x => x.Withdrawn).SingleAsync(),
                await db.RectificationNotices.Where(n => n.Id == notice.Id).Select(n => n.Status).SingleAsync(),
                await db.Notifications.CountAsync(n => n.Kind == "notice.objection-decided" && n.UnitId == c.UnitId)));
            Assert.Equal(upheldWon, Assert.Single(decided));
            Assert.Equal(upheldWon ? NoticeStatus.Withdrawn : NoticeStatus.Issued, status);
            Assert.Equal(upheldWon, withdrawnDoc);
            Assert.Equal(upheldWon ? c.Findings.Count : 0, reversals);
            Assert.Equal(1, told);
        }
    }

    [Fact]
    [Trait("Rule", "RCT-2")]
    [Trait("Rule", "SEC-3")]
    public async Task Verification_TwoOfficeDecisionsAtOnce_OneIsStoredTheOtherIsRefused409()
    {
        for (var round = 0; round < 3; round++)
        {
            var (office, kit, c, notice) = await IssuedAsync();
            var (_, liaison) = await kit.LiaisonAsync(c.UnitId);
            var proof = await RectificationKit.EvidenceAsync(liaison, await CaseOfAsync(office, notice.Id));
            await (await liaison.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/responses", new { actions = "已整改", measures = "举一反三", evidenceItemIds = new[] { proof } }))
                .ExpectAsync(HttpStatusCode.Created);
            var other = await app.ClientAsAsync(Roles.OfficeAdmin);

            var responses = await Task.WhenAll(
                office.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/verification", new { accepted = true, note = "整改到位" }),
                other.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/verification", new { accepted = false, note = "材料不全" }));
            Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order().ToList());
            var acceptedWon = responses[0].StatusCode == HttpStatusCode.NoContent;

            var (verified, status, returns, told) = await app.WithDbAsync(async db => (
                await db.NoticeResponses.Where(r => r.NoticeId == notice.Id && r.Accepted != null).Select(r => r.Accepted!.Value).ToListAsync(),
                await db.RectificationNotices.Where(n => n.Id == notice.Id).Select(n => n.Status).SingleAsync(),
                await db.RectificationNotices.Where(n => n.Id == notice.Id).Select(n => n.Returns).SingleAsync(),
                await db.Notifications.CountAsync(n => n.Kind == "notice.verified" && n.UnitId == c.UnitId)));
            Assert.Equal(acceptedWon, Assert.Single(verified));
            Assert.Equal(acceptedWon ? NoticeStatus.Filed : NoticeStatus.Returned, status);
            Assert.Equal(acceptedWon ? 0 : 1, returns);
            Assert.Equal(1, told);
        }
    }

    [Fact]
    [Trait("Rule", "RCT-2")]
    [Trait("Rule", "INS-9")]
    public async Task Issue_WhenItsLastStepFails_LeavesNothingForTheUnitAndCanBeIssuedAgain()
    {
        var (office, kit) = await RectificationKit.AtStartAsync(app);
        var c = await kit.CaseAsync(findings: 2);
        await kit.ConfirmAsync([.. c.Findings]);
        var (_, liaison) = await kit.LiaisonAsync(c.UnitId);
        var visitCase = await app.WithDbAsync(db => db.Visits.Where(v => v.Id == c.VisitId).Select(v => new { v.FindingsSentAt, v.EvidenceCaseId }).SingleAsync());
        Assert.Null(visitCase.FindingsSentAt); // the covert visit's findings are sent with the notice (INS-9)
        var documents = await app.WithDbAsync(db => db.OfficialDocuments.CountAsync());
        var serials = await app.WithDbAsync(db => db.DocumentNumberSequences.AsNoTracking().SumAsync(q => q.LastSerial));
        var toldBefore = await app.WithDbAsync(db => db.Notifications.CountAsync(n => n.UnitId == c.UnitId));

        // The database refuses the notice's own row, the last thing written (a failure injected in the database itself):
        // a storage failure is a 503 saying that nothing was issued, never a bare 500.
        var marker = "触发失败" + Guid.NewGuid().ToString("N")[..8];
        await using (var failing = await FailingNoticeInsert.InstallAsync(app.Database, marker))
        {
            var r = await office.PostJsonAsync("/api/v1/rectification/notices", new { unitId = c.UnitId, findingIds = c.Findings, requiredAction = marker });
            var problem = await r.ExpectProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Contains("未下发", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
            Assert.NotNull(r.Headers.RetryAfter);
            // The page issuing the same says so on the page.
            var page = await office.PostFormAsync("/Rectification", "Issue", new() { ["Issue.RequiredAction"] = marker,
                ["Issue.FindingIds"] = c.Findings[0].ToString() });
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("未下发", Text(await page.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }

        // Nothing of it stands: no notice, no evidence case of the unit, no document, the visit not sent, its case not released,
        // the findings free again, nothing told to the unit.
        var left = await app.WithDbAsync(async db => new
        {
            Notices = await db.RectificationNotices.CountAsync(n => n.UnitId == c.UnitId),
            Cases = await db.EvidenceCases.CountAsync(x => x.TargetUnitId == c.UnitId && x.Kind == EvidenceCaseKind.Rectification),
            Documents = await db.OfficialDocuments.CountAsync(),
            Sent = await db.Visits.Where(v => v.Id == c.VisitId).Select(v => v.FindingsSentAt).SingleAsync(),
            Released = visitCase.EvidenceCaseId is { } vc ? await db.EvidenceCases.Where(x => x.Id == vc).Select(x => x.ReleasedAt).SingleAsync() : null,
            Claims = await db.FindingClaims.CountAsync(x => c.Findings.Contains(x.FindingId)),
            Told = await db.Notifications.CountAsync(n => n.UnitId == c.UnitId),
        });
        Assert.Equal((0, 0, documents, (DateTime?)null, (DateTime?)null, 0, toldBefore), (left.Notices, left.Cases, left.Documents, left.Sent, left.Released, left.Claims, left.Told));
        // The document number was given back with the rest: the counter stands where it stood (no gap, decision 029).
        Assert.Equal(serials, await app.WithDbAsync(db => db.DocumentNumberSequences.AsNoTracking().SumAsync(q => q.LastSerial)));
        Assert.Empty((await RectificationKit.JsonAsync(liaison, "/api/v1/rectification/notices")).EnumerateArray());
        await (await liaison.GetAsync($"/api/v1/rectification/findings/{c.Findings[0]}/history")).ExpectAsync(HttpStatusCode.NotFound);

        // Issued again: one notice, one case, one document, the visit sent.
        var notice = await kit.IssueAsync(c.UnitId, c.Findings);
        var after = await app.WithDbAsync(async db => new
        {
            Cases = await db.EvidenceCases.CountAsync(x => x.TargetUnitId == c.UnitId && x.Kind == EvidenceCaseKind.Rectification),
            Documents = await db.OfficialDocuments.CountAsync(x => x.ReferenceId == notice.Id),
            Sent = await db.Visits.Where(v => v.Id == c.VisitId).Select(v => v.FindingsSentAt).SingleAsync(),
        });
        Assert.Equal((1, 1, documents + 1), (after.Cases, after.Documents, await app.WithDbAsync(db => db.OfficialDocuments.CountAsync())));
        Assert.NotNull(after.Sent);
    }

    [Fact]
    [Trait("Rule", "RCT-3")]
    [Trait("Rule", "EVD-1")]
    public async Task Objection_OnThePageAfterTheWindow_IsAMessageAndKeepsNoFile()
    {
        var (office, kit, c, notice) = await IssuedAsync();
        var caseId = await CaseOfAsync(office, notice.Id);
        app.Clock.Set(Thursday);
        var (_, liaison) = await kit.LiaisonAsync(c.UnitId);
        var items = await app.WithDbAsync(db => db.EvidenceItems.CountAsync(i => i.CaseId == caseId));

        var page = $"/Rectification/Notice/{notice.Id}";
        var token = Pages.AntiforgeryToken(await liaison.GetStringAsync(page));
        var file = new ByteArrayContent(System.Text.Encoding.ASCII.GetBytes("%PDF-1.4\n% objection proof " + Guid.NewGuid() + "\n%%EOF\n"));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent("迟到的异议"), "Grounds" },
            { file, "Files", "proof.pdf" },
        };
        var r = await liaison.PostAsync($"{page}?handler=Object", form);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var html = Text(await r.Content.ReadAsStringAsync());
        Assert.Contains("role=\"alert\"", html, StringComparison.Ordinal);
        Assert.Contains("异议期已过", html, StringComparison.Ordinal);

        Assert.Equal(items, await app.WithDbAsync(db => db.EvidenceItems.CountAsync(i => i.CaseId == caseId)));
        Assert.Equal("Issued", RectificationKit.Status(await RectificationKit.NoticeAsync(liaison, notice.Id)));
    }

    [Fact]
    [Trait("Rule", "RCT-4")]
    public async Task Escalation_OfANoticeAnsweredAfterItsLastDay_LeavesItWithTheOffice()
    {
        var (office, kit, c, notice) = await IssuedAsync(days: 3); // last day Thursday 11-19
        var caseId = await CaseOfAsync(office, notice.Id);
        app.Clock.Set(new DateTimeOffset(2026, 11, 20, 2, 0, 0, TimeSpan.Zero)); // Friday: overdue, not yet escalated
        var (_, liaison) = await kit.LiaisonAsync(c.UnitId);
        var proof = await RectificationKit.EvidenceAsync(liaison, caseId);
        await (await liaison.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/responses", new { actions = "已整改", measures = "举一反三", evidenceItemIds = new[] { proof } }))
            .ExpectAsync(HttpStatusCode.Created);

        await app.WithScopeAsync(sp => sp.GetRequiredService<RectificationEscalator>().RunAsync(new DateOnly(2026, 11, 20), CancellationToken.None));

        office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var d = await RectificationKit.NoticeAsync(office, notice.Id);
        Assert.Equal(("Answered", "Notice"), (RectificationKit.Status(d), d.GetProperty("notice").GetProperty("stage").GetString()));
        Assert.Empty(d.GetProperty("escalations").EnumerateArray());
        Assert.True(await app.WithDbAsync(db => db.RectificationNotices.Where(n => n.Id == notice.Id).Select(n => n.AnsweredLate).SingleAsync()));
    }
}

/// <summary>
/// A trigger, for one test, that makes the database refuse a notice whose required action is <c>marker</c> (other notices
/// are written as usual); dropped when disposed.
/// </summary>
internal sealed class FailingNoticeInsert : IAsyncDisposable
{
    private const string Name = "test_failing_notice_insert";
    private readonly TestDatabase _database;
    private FailingNoticeInsert(TestDatabase database) => _database = database;

    public static async Task<FailingNoticeInsert> InstallAsync(TestDatabase database, string marker)
    {
        var quoted = marker.Replace("'", "''", StringComparison.Ordinal);
        await ExecAsync(database, TestDatabase.IsPostgres
            ? [$"CREATE OR REPLACE FUNCTION {Name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.\"RequiredAction\" = '{quoted}' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$",
               $"CREATE TRIGGER {Name} BEFORE INSERT ON \"RectificationNotices\" FOR EACH ROW EXECUTE FUNCTION {Name}()"]
            : [$"CREATE TRIGGER {Name} BEFORE INSERT ON \"RectificationNotices\" WHEN NEW.\"RequiredAction\" = '{quoted}' BEGIN SELECT RAISE(ABORT, 'injected failure'); END"]);
        return new FailingNoticeInsert(database);
    }

    public async ValueTask DisposeAsync() =>
        await ExecAsync(_database, TestDatabase.IsPostgres
            ? [$"DROP TRIGGER IF EXISTS {Name} ON \"RectificationNotices\"", $"DROP FUNCTION IF EXISTS {Name}()"]
            : [$"DROP TRIGGER IF EXISTS {Name}"]);

    private static async Task ExecAsync(TestDatabase database, string[] statements)
    {
        await using var connection = await database.OpenConnectionAsync();
        foreach (var sql in statements)
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = sql;
            await cmd.ExecuteNonQueryAsync();
        }
    }
}
