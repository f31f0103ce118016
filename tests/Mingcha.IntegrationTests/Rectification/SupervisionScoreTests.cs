using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Jobs;

namespace Mingcha.IntegrationTests.Rectification;

/// <summary>EV-6's cost of a notice escalated by the nightly job; a class of its own, as the job's schedule is the app's.</summary>
public sealed class SupervisionScoreTests(RectificationApp app) : IClassFixture<RectificationApp>
{
    /// <summary>
    /// EV-6 (S4 "经二次督办或挂牌督办后，仍整改不到位的，每起扣5分"): overdue, the notice goes to second supervision; the answer the
    /// unit then gives is sent back as incomplete: still not rectified after the second supervision, 5, filed later or not.
    /// </summary>
    [Fact]
    [Trait("Rule", "EV-6")]
    [Trait("Rule", "RCT-4")]
    public async Task AnswerSentBackUnderSecondSupervision_CostsFive_EvenWhenFiledLater()
    {
        var (office, kit) = await RectificationKit.AtStartAsync(app);
        var c = await kit.CaseAsync(findings: 1);
        await kit.ConfirmAsync(c.Findings[0]);
        var notice = await kit.IssueAsync(c.UnitId, c.Findings, days: 3); // Thursday 11-19
        var scheduler = app.Services.GetRequiredService<JobScheduler>();
        await scheduler.RunDueJobsAsync(CancellationToken.None);
        app.Clock.Set(new DateTimeOffset(2026, 11, 19, 17, 5, 0, TimeSpan.Zero)); // Friday 01:05 in Beijing: overdue
        await scheduler.RunDueJobsAsync(CancellationToken.None);
        office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var (_, liaison) = await kit.LiaisonAsync(c.UnitId);
        var d = await RectificationKit.NoticeAsync(office, notice.Id);
        Assert.Equal(("SecondSupervision", "LateOrIncomplete"), (d.GetProperty("notice").GetProperty("stage").GetString(), d.GetProperty("result").GetString()));

        var caseId = d.GetProperty("evidenceCaseId").GetGuid();
        var proof = await RectificationKit.EvidenceAsync(liaison, caseId);
        await (await liaison.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/responses", new { actions = "已口头提醒", measures = "无", evidenceItemIds = new[] { proof } })).ExpectAsync(HttpStatusCode.Created);
        await (await office.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/verification", new { accepted = false, note = "整改不到位" })).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal("AfterSupervision", (await RectificationKit.NoticeAsync(office, notice.Id)).GetProperty("result").GetString());
        var more = await RectificationKit.EvidenceAsync(liaison, caseId);
        await (await liaison.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/responses", new { actions = "对当事人诫勉谈话", measures = "修订离岗告示制度", evidenceItemIds = new[] { more } })).ExpectAsync(HttpStatusCode.Created);
        await (await office.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/verification", new { accepted = true, note = "整改到位" })).ExpectAsync(HttpStatusCode.NoContent);
        d = await RectificationKit.NoticeAsync(office, notice.Id);
        Assert.Equal(("Filed", "AfterSupervision"), (RectificationKit.Status(d), d.GetProperty("result").GetString()));
    }

    /// <summary>
    /// EV-6 (S4 "未按时间节点整改…每起扣3分"), RCT-4: an answer given after the notice's last day is late, even when the
    /// nightly escalation has not moved the notice yet (an answer at 00:30, before the 01:00 run, or on nights it could not
    /// run). Before, such a notice, filed, was scored as rectified on time.
    /// </summary>
    [Fact]
    [Trait("Rule", "EV-6")]
    [Trait("Rule", "RCT-4")]
    public async Task AnswerAfterTheLastDay_BeforeTheEscalationRan_IsLate()
    {
        var (office, kit) = await RectificationKit.AtStartAsync(app);
        var c = await kit.CaseAsync(findings: 1);
        await kit.ConfirmAsync(c.Findings[0]);
        var notice = await kit.IssueAsync(c.UnitId, c.Findings, days: 1);
        var lastDay = notice.LastDay;
        // 00:30 in Beijing on the day after the last day: the escalation (01:00) has not run.
        app.Clock.Set(new DateTimeOffset(lastDay.AddDays(1).ToDateTime(new TimeOnly(0, 30)), TimeSpan.FromHours(8)));
        office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var (_, liaison) = await kit.LiaisonAsync(c.UnitId);
        var d = await RectificationKit.NoticeAsync(office, notice.Id);
        Assert.Equal("Notice", d.GetProperty("notice").GetProperty("stage").GetString());
        var proof = await RectificationKit.EvidenceAsync(liaison, d.GetProperty("evidenceCaseId").GetGuid());
        await (await liaison.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/responses", new { actions = "已整改", measures = "修订制度", evidenceItemIds = new[] { proof } })).ExpectAsync(HttpStatusCode.Created);
        await (await office.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/verification", new { accepted = true, note = "整改到位" })).ExpectAsync(HttpStatusCode.NoContent);
        d = await RectificationKit.NoticeAsync(office, notice.Id);
        Assert.Equal(("Filed", "LateOrIncomplete"), (RectificationKit.Status(d), d.GetProperty("result").GetString()));
    }

    /// <summary>
    /// RCT-3, RCT-4: a notice of one working day, issued on Monday, is due on Tuesday, but the unit may object until Wednesday.
    /// It does not climb to second supervision (nor is the unit told it is overdue) while it may still be withdrawn; the
    /// night after the window closed, still unanswered, it does. Before, Wednesday's run escalated it, and an objection
    /// filed that day and rejected left it on the higher rung, scored late even when then executed in time.
    /// </summary>
    [Fact]
    [Trait("Rule", "RCT-3")]
    [Trait("Rule", "RCT-4")]
    public async Task ANoticeDueBeforeItsObjectionWindowCloses_DoesNotClimbUntilTheWindowClosed()
    {
        var (_, kit) = await RectificationKit.AtStartAsync(app);
        var c = await kit.CaseAsync(findings: 1);
        await kit.ConfirmAsync(c.Findings[0]);
        var notice = await kit.IssueAsync(c.UnitId, c.Findings, days: 1);
        Assert.True(notice.LastDay < notice.ObjectionLastDay);
        async Task<string> StageAfterNightOf(DateOnly day)
        {
            await app.WithScopeResultAsync(sp => sp.GetRequiredService<Mingcha.Web.Features.Rectification.RectificationEscalator>().RunAsync(day, CancellationToken.None));
            return await app.WithDbAsync(db => db.RectificationNotices.Where(n => n.Id == notice.Id).Select(n => n.Stage.ToString()).SingleAsync());
        }
        Assert.Equal("Notice", await StageAfterNightOf(notice.ObjectionLastDay));
        Assert.Equal("SecondSupervision", await StageAfterNightOf(notice.ObjectionLastDay.AddDays(1)));
    }
}
