using System.Net;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Complaints;

namespace Mingcha.IntegrationTests.Complaints;

/// <summary>The whole path of a complaint over HTTP (CMP-1..CMP-11), on SQLite and on PostgreSQL.</summary>
public sealed class ComplaintFlowTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    private async Task<ComplaintKit> KitAsync()
    {
        app.Clock.Set(MingchaApp.Start);
        return new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
    }

    [Fact]
    [Trait("Rule", "CMP-1")]
    [Trait("Rule", "CMP-3")]
    [Trait("Rule", "CMP-7")]
    [Trait("Rule", "CMP-11")]
    [Trait("Rule", "CAL-2")]
    public async Task PublicComplaint_WhenAssignedAnsweredReviewedAndRated_IsFollowedByQueryCodeToTheEnd()
    {
        var kit = await KitAsync();
        var (unit, _) = await kit.UnitAsync();
        var filed = await kit.PublicAsync(unit);
        Assert.Equal("Complaint", filed.Kind);
        var anon = app.NewClient();
        var track = await ComplaintKit.JsonAsync(anon, $"/api/v1/public/complaints/{filed.QueryCode}");
        Assert.Equal("Received", track.GetProperty("status").GetString());

        var list = await ComplaintKit.JsonAsync(kit.Office, $"/api/v1/complaints?unitId={unit}");
        var id = list.GetProperty("items")[0].GetProperty("id").GetGuid();
        // Received Monday 2026-11-16: 10 working days after that day end on Monday 2026-11-30 (CAL-2).
        Assert.Equal(new DateOnly(2026, 11, 30), await kit.AssignAsync(id));
        track = await ComplaintKit.JsonAsync(anon, $"/api/v1/public/complaints/{filed.QueryCode}");
        Assert.Equal("Assigned", track.GetProperty("status").GetString());
        Assert.Equal(11, track.GetProperty("workingDaysLeft").GetInt32()); // counting today

        var liaison = await kit.LiaisonAsync(unit);
        var mine = await ComplaintKit.JsonAsync(liaison, "/api/v1/complaints");
        Assert.Contains(mine.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == id);
        await (await liaison.PostJsonAsync($"/api/v1/complaints/{id}/answer", new { body = "经核实，窗口已当场补办，并对经办人批评教育。" })).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal("Answered", (await kit.DetailAsync(id)).GetProperty("status").GetString());
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{id}/review", new { accept = true, substantiated = false, note = "答复到位" })).ExpectAsync(HttpStatusCode.NoContent);

        track = await ComplaintKit.JsonAsync(anon, $"/api/v1/public/complaints/{filed.QueryCode}");
        Assert.Equal("Closed", track.GetProperty("status").GetString());
        Assert.Contains("当场补办", track.GetProperty("answer").GetString(), StringComparison.Ordinal);
        Assert.True(track.GetProperty("mayRate").GetBoolean());
        await (await anon.PostJsonAsync($"/api/v1/public/complaints/{filed.QueryCode}/rating", new { level = 1 })).ExpectAsync(HttpStatusCode.NoContent);
        await (await anon.PostJsonAsync($"/api/v1/public/complaints/{filed.QueryCode}/rating", new { level = 2 })).ExpectRuleAsync(HttpStatusCode.Conflict, "CMP-11");
        var rating = await app.WithDbAsync(db => db.Ratings.AsNoTracking().SingleAsync(r => r.CaseNumber == filed.Number));
        Assert.Equal(Mingcha.Domain.Satisfaction.RatingChannel.Complaint, rating.Channel);

        var detail = await kit.DetailAsync(id);
        var kinds = detail.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("kind").GetString()).ToList();
        // The Office's notes (on the assignment, "请核查", and on the review) are in the history for the Office and the unit,
        // not on the public page.
        Assert.Equal(["intake", "assign", "answer", "close", "rating"], kinds.Where(k => k != "office-note"));
        Assert.Equal(2, kinds.Count(k => k == "office-note"));
        track = await ComplaintKit.JsonAsync(anon, $"/api/v1/public/complaints/{filed.QueryCode}");
        Assert.DoesNotContain(track.GetProperty("steps").EnumerateArray(), st => st.GetProperty("text").GetString()!.Contains("请核查", StringComparison.Ordinal));
        await (await anon.GetAsync("/api/v1/public/complaints/WRONGCODE234")).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    [Trait("Rule", "CMP-3")]
    [Trait("Rule", "SAT-6")]
    public async Task HotlineTicket_WhenPushedTwice_IsOneComplaint_AndBadTicketsAreRefusedNamingTheRule()
    {
        var kit = await KitAsync();
        var (unit, _) = await kit.UnitAsync();
        var hotline = await kit.HotlineAsync(unit);
        var ticket = "12345-" + Guid.NewGuid().ToString("N")[..10];
        var body = ComplaintKit.Body(unit, ticket: ticket, receivedAt: "2026-11-15T23:10:00Z");
        var first = await (await hotline.PostJsonAsync("/api/v1/complaints/hotline", body)).ReadAsync<ComplaintKit.Filed>(HttpStatusCode.Created);
        var again = await (await hotline.PostJsonAsync("/api/v1/complaints/hotline", body)).ReadAsync<ComplaintKit.Filed>(HttpStatusCode.OK);
        Assert.Equal(first.Id, again.Id);
        Assert.False(again.Created);
        Assert.Equal(1, await app.WithDbAsync(db => db.Complaints.CountAsync(c => c.ExternalTicket == ticket)));
        var detail = await kit.DetailAsync(first.Id);
        Assert.Equal("Hotline12345", detail.GetProperty("channel").GetString());
        Assert.Equal(new DateOnly(2026, 11, 16), DateOnly.Parse(detail.GetProperty("receivedOn").GetString()!, System.Globalization.CultureInfo.InvariantCulture)); // 07:10 Beijing

        await (await hotline.PostJsonAsync("/api/v1/complaints/hotline", ComplaintKit.Body(unit, ticket: null))).ExpectRuleAsync(HttpStatusCode.BadRequest, "CMP-3");
        await (await hotline.PostJsonAsync("/api/v1/complaints/hotline", ComplaintKit.Body(unit, ticket: "T-future", receivedAt: "2026-11-17T02:00:00Z")))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "CMP-3");
        await (await hotline.PostJsonAsync("/api/v1/complaints/hotline", ComplaintKit.Body(Guid.NewGuid(), ticket: "T-nounit")))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "CMP-2");
        // Staff entry of a letter states its evidence (CMP-2).
        var letter = new { channel = "Letter", type = "Attitude", unitId = unit, matter = "态度", reasons = "态度生硬", name = "张三", hasInterest = true, receivedAt = "2026-11-16T01:00:00Z" };
        await (await kit.Office.PostJsonAsync("/api/v1/complaints", letter)).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "CMP-2");
    }

    [Fact]
    [Trait("Rule", "CMP-7")]
    [Trait("Rule", "CAL-2")]
    public async Task Transfer_WhenWithin3WorkingDays_GoesBackToTheOfficeAndTheClockRestartsWithTheNewUnit_AfterThatIsRefused()
    {
        var kit = await KitAsync();
        var (a, _) = await kit.UnitAsync("甲局");
        var (b, _) = await kit.UnitAsync("乙局");
        var filed = await kit.FileAsync(ComplaintKit.Body(a));
        await kit.AssignAsync(filed.Id);
        await kit.AtAsync(MingchaApp.Start.AddDays(3)); // Thursday 2026-11-19: the 3rd working day after assignment
        var liaisonA = await kit.LiaisonAsync(a);
        await (await liaisonA.PostJsonAsync($"/api/v1/complaints/{filed.Id}/return", new { body = "属住建局职责" })).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal("ReturnedToOffice", (await kit.DetailAsync(filed.Id)).GetProperty("status").GetString());
        // Reassigned on Thursday: a fresh 10 working days for the new unit, to Thursday 2026-12-03.
        Assert.Equal(new DateOnly(2026, 12, 3), await kit.AssignAsync(filed.Id, b));
        var detail = await kit.DetailAsync(filed.Id);
        var units = detail.GetProperty("history").EnumerateArray().Where(h => h.GetProperty("kind").GetString() is "assign" or "reassign")
            .Select(h => h.GetProperty("unitId").GetGuid()).ToList();
        Assert.Equal([a, b], units);
        await (await liaisonA.GetAsync($"/api/v1/complaints/{filed.Id}")).ExpectAsync(HttpStatusCode.NotFound);

        await kit.AtAsync(MingchaApp.Start);
        var late = await kit.FileAsync(ComplaintKit.Body(a, matter: "另一事项"));
        await kit.AssignAsync(late.Id);
        await kit.AtAsync(MingchaApp.Start.AddDays(4)); // Friday: the 4th working day
        liaisonA = await kit.LiaisonAsync(a);
        await (await liaisonA.PostJsonAsync($"/api/v1/complaints/{late.Id}/return", new { body = "非本单位职责" })).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "CMP-7");
    }

    [Fact]
    [Trait("Rule", "CMP-7")]
    [Trait("Rule", "CAL-2")]
    public async Task Extension_WhenAtMost5DaysAndApproved_MovesTheDeadlineAndTellsTheComplainant_MoreOrASecondIsRefused()
    {
        var kit = await KitAsync();
        var (unit, _) = await kit.UnitAsync();
        var filed = await kit.FileAsync(ComplaintKit.Body(unit));
        Assert.Equal(new DateOnly(2026, 11, 30), await kit.AssignAsync(filed.Id));
        var liaison = await kit.LiaisonAsync(unit);
        await (await liaison.PostJsonAsync($"/api/v1/complaints/{filed.Id}/extension", new { workingDays = 6, reason = "案情复杂" })).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "CMP-7");
        await (await liaison.PostJsonAsync($"/api/v1/complaints/{filed.Id}/extension", new { workingDays = 5, reason = "涉及三个部门" })).ExpectAsync(HttpStatusCode.NoContent);
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{filed.Id}/extension-decision", new { approved = true })).ExpectAsync(HttpStatusCode.NoContent);
        var detail = await kit.DetailAsync(filed.Id);
        Assert.Equal("2026-12-07", detail.GetProperty("lastDay").GetString());
        await (await liaison.PostJsonAsync($"/api/v1/complaints/{filed.Id}/extension", new { workingDays = 1, reason = "再延" })).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "CMP-7");
        var code = filed.QueryCode!;
        var track = await ComplaintKit.JsonAsync(app.NewClient(), $"/api/v1/public/complaints/{code}");
        Assert.Contains(track.GetProperty("steps").EnumerateArray(), s => s.GetProperty("text").GetString()!.Contains("2026-12-07", StringComparison.Ordinal));
    }

    /// <summary>
    /// The day after a Friday last day is a Saturday: no working day has passed, but the deadline has. Both pages say
    /// 已逾期 (they said "0 working days left", and the public page "−3 working days left" later).
    /// </summary>
    [Fact]
    [Trait("Rule", "CMP-7")]
    [Trait("Rule", "CAL-2")]
    public async Task AnswerPeriod_CountsFromTheDayTheUnitReceivesTheTransfer_NotFromTheComplaintsReceipt()
    {
        var kit = await KitAsync();
        var (unit, _) = await kit.UnitAsync();
        // Received Monday 9 November, assigned Monday 16 November: the unit has until 30 November (S1 art. 10.1,
        // "接到投诉转办件后10个工作日内"), not 23 November.
        var filed = await kit.FileAsync(ComplaintKit.Body(unit, receivedAt: "2026-11-09T01:30:00Z"));
        Assert.Equal(new DateOnly(2026, 11, 30), await kit.AssignAsync(filed.Id));
        var liaison = await kit.LiaisonAsync(unit);
        Assert.Equal(11, (await kit.DetailAsync(filed.Id, liaison)).GetProperty("workingDaysLeft").GetInt32()); // counting today
    }

    [Fact]
    [Trait("Rule", "CMP-7")]
    [Trait("Rule", "CAL-2")]
    public async Task Deadline_OnTheWeekendAfterAFridayLastDay_IsShownOverdue()
    {
        var kit = await KitAsync();
        var (unit, _) = await kit.UnitAsync();
        await kit.AtAsync(new DateTimeOffset(2026, 11, 13, 2, 0, 0, TimeSpan.Zero)); // Friday 13 November
        var filed = await kit.FileAsync(ComplaintKit.Body(unit, receivedAt: "2026-11-13T01:30:00Z"));
        Assert.Equal(new DateOnly(2026, 11, 27), await kit.AssignAsync(filed.Id)); // ten working days after the transfer: Friday 27 November
        await kit.AtAsync(new DateTimeOffset(2026, 11, 28, 2, 0, 0, TimeSpan.Zero)); // Saturday 28 November, 10:00 in Beijing
        var detail = await kit.Office.GetStringAsync($"/Complaints/Detail/{filed.Id}");
        Assert.Contains("id=\"overdue\"", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("还剩 0 个工作日", detail, StringComparison.Ordinal);
        Assert.NotNull(filed.QueryCode);
        var track = await app.NewClient().GetStringAsync($"/Complaints/Track?code={filed.QueryCode}");
        Assert.Contains("id=\"overdue\"", track, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "CMP-7")]
    [Trait("Rule", "CMP-8")]
    public async Task Overdue_WhenPastTheLastDay_IsListedUrgedAndFlagged_AndALateAnswerIsFlaggedToo()
    {
        var kit = await KitAsync();
        var (unit, _) = await kit.UnitAsync();
        var filed = await kit.FileAsync(ComplaintKit.Body(unit));
        await kit.AssignAsync(filed.Id);
        await kit.AtAsync(new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.Zero)); // the day after the last day
        var overdue = await ComplaintKit.JsonAsync(kit.Office, $"/api/v1/complaints?overdue=true&unitId={unit}");
        var line = Assert.Single(overdue.GetProperty("items").EnumerateArray());
        Assert.True(line.GetProperty("overdue").GetBoolean());
        Assert.Equal(-1, line.GetProperty("workingDaysLeft").GetInt32());
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{filed.Id}/urge", new { body = "请今日内答复" })).ExpectAsync(HttpStatusCode.NoContent);
        var triggers = await ComplaintKit.JsonAsync(kit.Office, "/api/v1/complaints/accountability");
        var t = triggers.EnumerateArray().Single(x => x.GetProperty("id").GetGuid() == filed.Id);
        Assert.Equal(["SatOn"], t.GetProperty("triggers").EnumerateArray().Select(x => x.GetString()));

        var liaison = await kit.LiaisonAsync(unit);
        await (await liaison.PostJsonAsync($"/api/v1/complaints/{filed.Id}/answer", new { body = "已办结" })).ExpectAsync(HttpStatusCode.NoContent);
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{filed.Id}/review", new { accept = true, substantiated = true })).ExpectAsync(HttpStatusCode.NoContent);
        triggers = await ComplaintKit.JsonAsync(kit.Office, "/api/v1/complaints/accountability");
        t = triggers.EnumerateArray().Single(x => x.GetProperty("id").GetGuid() == filed.Id);
        Assert.Equal(["AnsweredLate", "AccountabilityNotImposed"], t.GetProperty("triggers").EnumerateArray().Select(x => x.GetString()));
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{filed.Id}/accountability", new { body = "对经办人诫勉谈话" })).ExpectAsync(HttpStatusCode.NoContent);
        // Accountability recorded: the case leaves the Office's list of cases to act on (its late answer stays on record).
        triggers = await ComplaintKit.JsonAsync(kit.Office, "/api/v1/complaints/accountability");
        Assert.DoesNotContain(triggers.EnumerateArray(), x => x.GetProperty("id").GetGuid() == filed.Id);
    }

    [Fact]
    [Trait("Rule", "CMP-7")]
    [Trait("Rule", "CMP-8")]
    [Trait("Rule", "CMP-11")]
    public async Task Review_WhenSentBackAndLaterRatedUnsatisfied_GoesBackToTheUnitThenToTheOffice()
    {
        var kit = await KitAsync();
        var (unit, _) = await kit.UnitAsync();
        var filed = await kit.FileAsync(ComplaintKit.Body(unit));
        await kit.AssignAsync(filed.Id);
        var liaison = await kit.LiaisonAsync(unit);
        await (await liaison.PostJsonAsync($"/api/v1/complaints/{filed.Id}/answer", new { body = "已处理" })).ExpectAsync(HttpStatusCode.NoContent);
        await kit.AtAsync(MingchaApp.Start.AddDays(2));
        liaison = await kit.LiaisonAsync(unit);
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{filed.Id}/review", new { accept = false, note = "答复过于简单" })).ExpectAsync(HttpStatusCode.NoContent);
        var detail = await kit.DetailAsync(filed.Id);
        Assert.Equal("Assigned", detail.GetProperty("status").GetString());
        Assert.Equal("2026-12-02", detail.GetProperty("lastDay").GetString()); // 10 working days after Wednesday 2026-11-18
        await (await liaison.PostJsonAsync($"/api/v1/complaints/{filed.Id}/answer", new { body = "已重新核查并补办。" })).ExpectAsync(HttpStatusCode.NoContent);
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{filed.Id}/review", new { accept = true })).ExpectFieldErrorAsync("substantiated");
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{filed.Id}/review", new { accept = true, substantiated = false })).ExpectAsync(HttpStatusCode.NoContent);

        await (await app.NewClient().PostJsonAsync($"/api/v1/public/complaints/{filed.QueryCode}/rating", new { level = 3, comment = "没有解决" })).ExpectAsync(HttpStatusCode.NoContent);
        detail = await kit.DetailAsync(filed.Id);
        Assert.Equal("UnderReview", detail.GetProperty("status").GetString());
        Assert.Contains("ComplainantDissatisfied", detail.GetProperty("triggers").EnumerateArray().Select(x => x.GetString()));
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{filed.Id}/review", new { accept = false, note = "重新办理" })).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal("Assigned", (await kit.DetailAsync(filed.Id)).GetProperty("status").GetString());
    }

    [Fact]
    [Trait("Rule", "CMP-9")]
    public async Task Repeats_WhenAUnitIsComplainedOfTwiceInAMonthOrThriceOnOneMatter_IsFlaggedAndTheReportTrackedToFiling()
    {
        var kit = await KitAsync();
        var (unit, _) = await kit.UnitAsync();
        // Same matter three times, months apart (no two within 30 days).
        var dates = new[] { "2026-05-06T01:00:00Z", "2026-08-03T01:00:00Z", "2026-11-16T01:00:00Z" };
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var f = await kit.FileAsync(ComplaintKit.Body(unit, matter: i == 1 ? "营业执照 办理超时！" : "营业执照办理超时", phone: $"1381234000{i}", receivedAt: dates[i]));
            ids.Add(f.Id);
            await kit.AssignAsync(f.Id);
            var flags = await ComplaintKit.JsonAsync(kit.Office, "/api/v1/complaints/repeat-flags");
            Assert.Equal(i == 2 ? 1 : 0, flags.EnumerateArray().Count(x => x.GetProperty("unitId").GetGuid() == unit));
        }
        var flag = (await ComplaintKit.JsonAsync(kit.Office, "/api/v1/complaints/repeat-flags")).EnumerateArray().Single(x => x.GetProperty("unitId").GetGuid() == unit);
        Assert.Equal("SameMatter", flag.GetProperty("reason").GetString());
        var flagId = flag.GetProperty("id").GetGuid();
        await (await kit.Office.PostAsync($"/api/v1/complaints/repeat-flags/{flagId}/file", null)).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "CMP-9");
        var liaison = await kit.LiaisonAsync(unit);
        await (await liaison.PostJsonAsync($"/api/v1/complaints/repeat-flags/{flagId}/report", new { body = "专项自查整改报告：已梳理办理流程。" })).ExpectAsync(HttpStatusCode.NoContent);
        await (await kit.Office.PostAsync($"/api/v1/complaints/repeat-flags/{flagId}/file", null)).ExpectAsync(HttpStatusCode.NoContent);

        // Two complaints on different matters within 30 days.
        var (other, _) = await kit.UnitAsync("税务局");
        var first = await kit.FileAsync(ComplaintKit.Body(other, matter: "发票领用", receivedAt: "2026-10-28T01:00:00Z"));
        await kit.AssignAsync(first.Id);
        var second = await kit.FileAsync(ComplaintKit.Body(other, matter: "退税进度", phone: "13900001111"));
        await kit.AssignAsync(second.Id);
        var within = (await ComplaintKit.JsonAsync(kit.Office, "/api/v1/complaints/repeat-flags")).EnumerateArray().Single(x => x.GetProperty("unitId").GetGuid() == other);
        Assert.Equal("WithinMonth", within.GetProperty("reason").GetString());
        Assert.True((await kit.DetailAsync(second.Id)).GetProperty("repeatFlagId").ValueKind != System.Text.Json.JsonValueKind.Null);
        // Another unit's liaison sees none of it.
        var stranger = await kit.LiaisonAsync(unit);
        Assert.DoesNotContain((await ComplaintKit.JsonAsync(stranger, "/api/v1/complaints/repeat-flags")).EnumerateArray(), x => x.GetProperty("unitId").GetGuid() == other);
    }

    [Fact]
    [Trait("Rule", "CMP-9")]
    [Trait("Rule", "CAL-2")]
    public async Task RepeatFlag_IsRemindedToTheUnitThenToTheOffice_AndTheOfficeMayCloseItWithoutAReport_GivingItsReason()
    {
        var kit = await KitAsync();
        var (unit, _) = await kit.UnitAsync("市场监管局");
        var first = await kit.FileAsync(ComplaintKit.Body(unit, matter: "食品经营许可", receivedAt: "2026-10-28T01:00:00Z"));
        await kit.AssignAsync(first.Id);
        var second = await kit.FileAsync(ComplaintKit.Body(unit, matter: "食品经营许可", phone: "13900002222"));
        await kit.AssignAsync(second.Id);
        var flag = (await ComplaintKit.JsonAsync(kit.Office, "/api/v1/complaints/repeat-flags")).EnumerateArray().Single(x => x.GetProperty("unitId").GetGuid() == unit);
        var flagId = flag.GetProperty("id").GetGuid();
        Assert.Equal("2026-11-30", flag.GetProperty("reportLastDay").GetString()); // raised Monday 16 November: 10 working days

        // The report's last day: the unit is reminded two working days ahead, the Office once it is overdue.
        var key = flagId.ToString();
        Assert.DoesNotContain(await DueAsync(new DateOnly(2026, 11, 26)), r => r.Kind.StartsWith("complaint.repeat", StringComparison.Ordinal) && r.DedupKey.Contains(key, StringComparison.Ordinal));
        Assert.Contains(await DueAsync(new DateOnly(2026, 11, 27)), r => r.Kind == "complaint.repeat-reminder" && r.UnitId == unit && r.DedupKey.Contains(key, StringComparison.Ordinal));
        var overdue = await DueAsync(new DateOnly(2026, 12, 1));
        Assert.Contains(overdue, r => r.Kind == "complaint.repeat-overdue" && r.Role == Roles.OfficeStaff && r.DedupKey.Contains(key, StringComparison.Ordinal));
        app.Clock.Set(new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.Zero));
        kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff)); // the first session has lapsed meanwhile
        Assert.True((await ComplaintKit.JsonAsync(kit.Office, "/api/v1/complaints/repeat-flags")).EnumerateArray().Single(x => x.GetProperty("id").GetGuid() == flagId).GetProperty("overdue").GetBoolean());

        // Only the Office closes it without a report, and only with a reason.
        var liaison = await kit.LiaisonAsync(unit);
        await (await liaison.PostJsonAsync($"/api/v1/complaints/repeat-flags/{flagId}/waive", new { reason = "不需要" })).ExpectAsync(HttpStatusCode.Forbidden);
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/repeat-flags/{flagId}/waive", new { reason = " " })).ExpectAsync(HttpStatusCode.BadRequest);
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/repeat-flags/{flagId}/waive", new { reason = new string('理', 2001) })).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Null(await app.WithDbAsync(db => db.RepeatFlags.AsNoTracking().Where(f => f.Id == flagId).Select(f => f.FiledAt).SingleAsync()));
        const string reason = "两次投诉为同一人就同一事项重复提交，已合并办理。";
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/repeat-flags/{flagId}/waive", new { reason })).ExpectAsync(HttpStatusCode.NoContent);

        var closed = (await ComplaintKit.JsonAsync(liaison, "/api/v1/complaints/repeat-flags")).EnumerateArray().Single(x => x.GetProperty("id").GetGuid() == flagId);
        Assert.Equal(reason, closed.GetProperty("waivedReason").GetString());
        Assert.False(closed.GetProperty("overdue").GetBoolean());
        Assert.True(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.Kind == "complaint.repeat-waived" && n.UnitId == unit)));
        Assert.DoesNotContain(await DueAsync(new DateOnly(2026, 12, 2)), r => r.DedupKey.Contains(key, StringComparison.Ordinal));
        // Closed is closed: no report, no second waiver, no filing.
        await (await liaison.PostJsonAsync($"/api/v1/complaints/repeat-flags/{flagId}/report", new { body = "补报" })).ExpectRuleAsync(HttpStatusCode.Conflict, "CMP-9");
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/repeat-flags/{flagId}/waive", new { reason })).ExpectRuleAsync(HttpStatusCode.Conflict, "CMP-9");
        await (await kit.Office.PostAsync($"/api/v1/complaints/repeat-flags/{flagId}/file", null)).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "CMP-9");
        // The audit log keeps who closed it and why.
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.EntityKey == flagId.ToString() && a.After!.Contains("WaivedReason"))));
        // The next repeat after the waiver raises a new flag (the unit has no open one).
        var third = await kit.FileAsync(ComplaintKit.Body(unit, matter: "食品经营许可", phone: "13900003333"));
        await kit.AssignAsync(third.Id);
        Assert.Equal(2, (await ComplaintKit.JsonAsync(kit.Office, "/api/v1/complaints/repeat-flags")).EnumerateArray().Count(x => x.GetProperty("unitId").GetGuid() == unit));
    }

    [Fact]
    [Trait("Rule", "CMP-10")]
    [Trait("Rule", "SEC-2")]
    public async Task Trends_AreReportedToEachUnitComplainedOf_WithItsOwnFigures_AndALiaisonSeesOnlyTheirUnits()
    {
        var kit = await KitAsync();
        var (twice, _) = await kit.UnitAsync("趋势甲局");
        var (once, _) = await kit.UnitAsync("趋势乙局");
        var (unforwarded, _) = await kit.UnitAsync("趋势丙局");
        foreach (var (unit, type, phone) in new[] { (twice, "BuckPassing", "13600000001"), (twice, "SlowHandling", "13600000002"), (once, "BuckPassing", "13600000003") })
            await kit.AssignAsync((await kit.FileAsync(ComplaintKit.Body(unit, matter: "趋势" + phone, type: type, phone: phone))).Id);
        await kit.FileAsync(ComplaintKit.Body(unforwarded, matter: "尚未转办", phone: "13600000004")); // received, not yet forwarded (CMP-7)

        // A liaison reads their own unit's trends, whatever unit they ask for.
        var liaison = await kit.LiaisonAsync(twice);
        var own = await ComplaintKit.JsonAsync(liaison, $"/api/v1/complaints/trends?from=2026-11-01&to=2026-11-30&unitId={once}");
        Assert.Equal(2, own.GetProperty("total").GetInt32());
        Assert.Equal([twice.ToString()], own.GetProperty("byUnit").EnumerateArray().Select(x => x.GetProperty("key").GetString()));
        var hidden = await ComplaintKit.JsonAsync(await kit.LiaisonAsync(unforwarded), "/api/v1/complaints/trends?from=2026-11-01&to=2026-11-30");
        Assert.Equal(0, hidden.GetProperty("total").GetInt32());

        // Only the Office reports, with valid dates.
        await (await liaison.PostJsonAsync("/api/v1/complaints/trends/report", new { from = "2026-11-01", to = "2026-11-30" })).ExpectAsync(HttpStatusCode.Forbidden);
        await (await kit.Office.PostJsonAsync("/api/v1/complaints/trends/report", new { from = "2026-12-01", to = "2026-11-30" })).ExpectFieldErrorAsync("from");
        await (await kit.Office.PostJsonAsync("/api/v1/complaints/trends/report", new { from = "2026-11-01", to = "2026-11-30", note = new string('注', 2001) })).ExpectFieldErrorAsync("note");
        Assert.False(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.Kind == "complaint.trends")));

        const string note = "推诿扯皮问题较集中，请对照整改。";
        var sent = await (await kit.Office.PostJsonAsync("/api/v1/complaints/trends/report", new { from = "2026-11-01", to = "2026-11-30", note })).ReadAsync<System.Text.Json.JsonElement>(HttpStatusCode.OK);
        Assert.True(sent.GetProperty("units").GetInt32() >= 2);
        var told = await app.WithDbAsync(db => db.Notifications.AsNoTracking().Where(n => n.Kind == "complaint.trends").ToListAsync());
        var toTwice = Assert.Single(told, n => n.UnitId == twice);
        Assert.Equal(Roles.UnitLiaison, toTwice.Role);
        Assert.Contains("本单位 2 件", toTwice.Body, StringComparison.Ordinal);
        Assert.Contains("推诿扯皮 1", toTwice.Body, StringComparison.Ordinal);
        Assert.Contains(note, toTwice.Body, StringComparison.Ordinal);
        Assert.Contains("本单位 1 件", Assert.Single(told, n => n.UnitId == once).Body, StringComparison.Ordinal);
        Assert.DoesNotContain(told, n => n.UnitId == unforwarded);
        Assert.DoesNotContain(told, n => n.Body!.Contains("趋势甲局", StringComparison.Ordinal) || n.Body!.Contains("趋势乙局", StringComparison.Ordinal));
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "complaint.trends-report" && a.EntityKey == "2026-11-01..2026-11-30")));
    }

    /// <summary>
    /// CMP-7, CMP-8: an extension is asked for before the answer is due, not after (an overdue unit cannot extend its way
    /// out of "sat on"); the unit that gets a returned complaint has its own one extension; the complainant is told the
    /// progress the unit reported.
    /// </summary>
    [Fact]
    [Trait("Rule", "CMP-7")]
    [Trait("Rule", "CMP-8")]
    public async Task Extension_AfterTheLastDay_IsRefused_AndTheNextUnitKeepsItsOwn()
    {
        var kit = await KitAsync();
        var (a, _) = await kit.UnitAsync("延期甲局");
        var (b, _) = await kit.UnitAsync("延期乙局");
        var overdue = await kit.FileAsync(ComplaintKit.Body(a, matter: "逾期延期" + Guid.NewGuid().ToString("N")[..4]));
        Assert.Equal(new DateOnly(2026, 11, 30), await kit.AssignAsync(overdue.Id));
        await kit.AtAsync(new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.Zero));
        var liaisonA = await kit.LiaisonAsync(a);
        await (await liaisonA.PostJsonAsync($"/api/v1/complaints/{overdue.Id}/extension", new { workingDays = 5, reason = "案情复杂" })).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "CMP-7");
        var triggers = await ComplaintKit.JsonAsync(kit.Office, "/api/v1/complaints/accountability");
        Assert.Contains(triggers.EnumerateArray(), t => t.GetProperty("id").GetGuid() == overdue.Id
            && t.GetProperty("triggers").EnumerateArray().Any(x => x.GetString() == "SatOn"));

        // Unit A asks for an extension and returns the complaint; unit B, assigned it, asks for its own.
        await kit.AtAsync(MingchaApp.Start);
        var moved = await kit.FileAsync(ComplaintKit.Body(a, matter: "改派延期" + Guid.NewGuid().ToString("N")[..4]));
        await kit.AssignAsync(moved.Id);
        liaisonA = await kit.LiaisonAsync(a);
        await (await liaisonA.PostJsonAsync($"/api/v1/complaints/{moved.Id}/extension", new { workingDays = 3, reason = "需调取档案" })).ExpectAsync(HttpStatusCode.NoContent);
        await (await liaisonA.PostJsonAsync($"/api/v1/complaints/{moved.Id}/return", new { body = "属乙局职责" })).ExpectAsync(HttpStatusCode.NoContent);
        await kit.AssignAsync(moved.Id, b);
        var liaisonB = await kit.LiaisonAsync(b);
        await (await liaisonB.PostJsonAsync($"/api/v1/complaints/{moved.Id}/extension", new { workingDays = 5, reason = "已调取三年档案，正在核对" })).ExpectAsync(HttpStatusCode.NoContent);
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{moved.Id}/extension-decision", new { approved = true })).ExpectAsync(HttpStatusCode.NoContent);
        var track = await ComplaintKit.JsonAsync(app.NewClient(), $"/api/v1/public/complaints/{moved.QueryCode}");
        Assert.Contains(track.GetProperty("steps").EnumerateArray(), s => s.GetProperty("text").GetString()!.Contains("已调取三年档案", StringComparison.Ordinal));
    }

    /// <summary>
    /// CMP-5: a suggestion is handled as a suggestion only: the Office's review does not judge it substantiated, it costs no
    /// section anything (EV-6) and shows no accountability trigger (CMP-8), however late it was answered.
    /// </summary>
    [Fact]
    [Trait("Rule", "CMP-5")]
    [Trait("Rule", "CMP-8")]
    public async Task Suggestion_IsNeverSubstantiated_AndRaisesNoAccountability()
    {
        var kit = await KitAsync();
        var (unit, section) = await kit.UnitAsync("建议局");
        var filed = await kit.FileAsync(ComplaintKit.Body(unit, name: null, phone: "", anonymous: true, matter: "建议" + Guid.NewGuid().ToString("N")[..4]));
        Assert.Equal("Suggestion", filed.Kind);
        await kit.AssignAsync(filed.Id);
        await kit.AtAsync(new DateTimeOffset(2026, 12, 2, 2, 0, 0, TimeSpan.Zero)); // past the last day
        var triggers = await ComplaintKit.JsonAsync(kit.Office, "/api/v1/complaints/accountability");
        Assert.DoesNotContain(triggers.EnumerateArray(), t => t.GetProperty("id").GetGuid() == filed.Id);
        var liaison = await kit.LiaisonAsync(unit);
        await (await liaison.PostJsonAsync($"/api/v1/complaints/{filed.Id}/answer", new { body = "感谢建议，已改进。" })).ExpectAsync(HttpStatusCode.NoContent);
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{filed.Id}/review", new { accept = true, substantiated = true, accountability = "不应记录" })).ExpectAsync(HttpStatusCode.NoContent);
        var detail = await kit.DetailAsync(filed.Id);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, detail.GetProperty("substantiated").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, detail.GetProperty("accountability").ValueKind);
        Assert.Empty(detail.GetProperty("triggers").EnumerateArray());
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{filed.Id}/accountability", new { body = "追责" })).ExpectRuleAsync(HttpStatusCode.Conflict, "CMP-8");
        var problems = await app.WithDbAsync(db => Mingcha.Web.Features.Complaints.ComplaintProblems.InPeriodAsync(db, new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31), CancellationToken.None));
        Assert.DoesNotContain(problems, p => p.ComplaintId == filed.Id);
    }

    /// <summary>CMP-8: a complaint answered late but found unsubstantiated still takes the Office's accountability record, and leaves the list.</summary>
    [Fact]
    [Trait("Rule", "CMP-8")]
    public async Task LateAnswer_OfAnUnsubstantiatedComplaint_TakesItsAccountabilityRecord()
    {
        var kit = await KitAsync();
        var (unit, _) = await kit.UnitAsync("迟复局");
        var filed = await kit.FileAsync(ComplaintKit.Body(unit, matter: "迟复" + Guid.NewGuid().ToString("N")[..4]));
        await kit.AssignAsync(filed.Id);
        await kit.AtAsync(new DateTimeOffset(2026, 12, 2, 2, 0, 0, TimeSpan.Zero));
        var liaison = await kit.LiaisonAsync(unit);
        await (await liaison.PostJsonAsync($"/api/v1/complaints/{filed.Id}/answer", new { body = "经核查，不属实。" })).ExpectAsync(HttpStatusCode.NoContent);
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{filed.Id}/review", new { accept = true, substantiated = false })).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Contains((await ComplaintKit.JsonAsync(kit.Office, "/api/v1/complaints/accountability")).EnumerateArray(), t => t.GetProperty("id").GetGuid() == filed.Id);
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{filed.Id}/accountability", new { body = "逾期答复，对承办科室负责人批评教育。" })).ExpectAsync(HttpStatusCode.NoContent);
        Assert.DoesNotContain((await ComplaintKit.JsonAsync(kit.Office, "/api/v1/complaints/accountability")).EnumerateArray(), t => t.GetProperty("id").GetGuid() == filed.Id);
    }

    /// <summary>
    /// CMP-11: a complainant who came by phone or letter and lost the query code gets a new one from the Office: texted to
    /// them, shown once; the old one no longer finds the complaint. Not for an anonymous complaint, and only the Office.
    /// </summary>
    [Fact]
    [Trait("Rule", "CMP-11")]
    public async Task QueryCode_ReissuedByTheOffice_ReplacesTheOldOne_AndIsTexted()
    {
        var kit = await KitAsync();
        var (unit, _) = await kit.UnitAsync("查询码局");
        var filed = await kit.FileAsync(ComplaintKit.Body(unit, matter: "查询码" + Guid.NewGuid().ToString("N")[..4], phone: "13611112222"));
        var liaison = await kit.LiaisonAsync(unit);
        await (await liaison.PostAsync($"/api/v1/complaints/{filed.Id}/query-code", null)).ExpectAsync(HttpStatusCode.Forbidden);
        var issued = await (await kit.Office.PostAsync($"/api/v1/complaints/{filed.Id}/query-code", null)).ReadAsync<System.Text.Json.JsonElement>();
        var code = issued.GetProperty("code").GetString()!;
        Assert.True(issued.GetProperty("texted").GetBoolean());
        Assert.NotEqual(filed.QueryCode, code);
        await (await app.NewClient().GetAsync($"/api/v1/public/complaints/{filed.QueryCode}")).ExpectAsync(HttpStatusCode.NotFound);
        var track = await ComplaintKit.JsonAsync(app.NewClient(), $"/api/v1/public/complaints/{code}");
        Assert.Equal(filed.Number, track.GetProperty("number").GetString());
        Assert.True(await app.WithDbAsync(db => db.OutboundMessages.AnyAsync(m => m.Channel == "sms" && m.Recipient == "13611112222" && m.Body.Contains(code))));

        var anonymous = await kit.FileAsync(ComplaintKit.Body(unit, name: null, phone: "", anonymous: true, matter: "匿名" + Guid.NewGuid().ToString("N")[..4]));
        await (await kit.Office.PostAsync($"/api/v1/complaints/{anonymous.Id}/query-code", null)).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "CMP-11");
    }

    /// <summary>CMP-7 (S1 "效能办会同编办最终裁决"): the ruling on a disputed remit may send the complaint back to the unit that returned it, written down.</summary>
    [Fact]
    [Trait("Rule", "CMP-7")]
    public async Task ReturnedComplaint_GoesBackToTheSameUnit_OnlyWithTheRemitRuling()
    {
        var kit = await KitAsync();
        var (a, _) = await kit.UnitAsync("裁定局");
        var filed = await kit.FileAsync(ComplaintKit.Body(a, matter: "职责争议" + Guid.NewGuid().ToString("N")[..4]));
        await kit.AssignAsync(filed.Id);
        var liaison = await kit.LiaisonAsync(a);
        await (await liaison.PostJsonAsync($"/api/v1/complaints/{filed.Id}/return", new { body = "不属本单位职责" })).ExpectAsync(HttpStatusCode.NoContent);
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{filed.Id}/assign", new { unitId = a })).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "CMP-7");
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{filed.Id}/assign", new { unitId = a, note = "经效能办会同编办裁定，属该局职责。" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Assigned", (await kit.DetailAsync(filed.Id)).GetProperty("status").GetString());
    }

    /// <summary>CMP-9: two complaints within a month make a repeat whichever of them is assigned first.</summary>
    [Fact]
    [Trait("Rule", "CMP-9")]
    public async Task Repeat_WithinAMonth_DoesNotDependOnTheOrderOfAssignment()
    {
        var kit = await KitAsync();
        var (unit, _) = await kit.UnitAsync("顺序局");
        var earlier = await kit.FileAsync(ComplaintKit.Body(unit, matter: "先收" + Guid.NewGuid().ToString("N")[..4], receivedAt: "2026-11-02T01:00:00Z"));
        var later = await kit.FileAsync(ComplaintKit.Body(unit, matter: "后收" + Guid.NewGuid().ToString("N")[..4], receivedAt: "2026-11-10T01:00:00Z"));
        await kit.AssignAsync(later.Id);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await kit.DetailAsync(later.Id)).GetProperty("repeatFlagId").ValueKind);
        await kit.AssignAsync(earlier.Id);
        var flag = (await kit.DetailAsync(earlier.Id)).GetProperty("repeatFlagId").GetGuid();
        Assert.Equal(flag, (await kit.DetailAsync(later.Id)).GetProperty("repeatFlagId").GetGuid());
    }

    /// <summary>
    /// CMP-9 (decision 011: accepted complaints count, not refused ones): a complaint the unit returned as outside its remit,
    /// whether it waits with the Office or the Office then refused it, still names the unit but is not its complaint, so a
    /// second complaint within the month is no repeat. Before, it was counted, and a flag and a self-inspection report fell
    /// on the unit.
    /// </summary>
    [Fact]
    [Trait("Rule", "CMP-9")]
    [Trait("Rule", "CMP-7")]
    public async Task AComplaintReturnedAsOutsideTheRemit_DoesNotMakeARepeat()
    {
        var kit = await KitAsync();
        var (unit, _) = await kit.UnitAsync("退回局");
        var liaison = await kit.LiaisonAsync(unit);
        var returned = await kit.FileAsync(ComplaintKit.Body(unit, matter: "非本局职责" + Guid.NewGuid().ToString("N")[..4], receivedAt: "2026-11-09T01:00:00Z"));
        await kit.AssignAsync(returned.Id);
        await (await liaison.PostJsonAsync($"/api/v1/complaints/{returned.Id}/return", new { body = "属其他部门职责" })).ExpectAsync(HttpStatusCode.NoContent);
        var refused = await kit.FileAsync(ComplaintKit.Body(unit, matter: "也非本局职责" + Guid.NewGuid().ToString("N")[..4], receivedAt: "2026-11-10T01:00:00Z"));
        await kit.AssignAsync(refused.Id);
        await (await liaison.PostJsonAsync($"/api/v1/complaints/{refused.Id}/return", new { body = "属其他部门职责" })).ExpectAsync(HttpStatusCode.NoContent);
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{refused.Id}/not-accepted", new { reason = "ForLitigationArbitrationOrReconsideration", note = "应通过行政复议解决" })).ExpectAsync(HttpStatusCode.NoContent);

        var real = await kit.FileAsync(ComplaintKit.Body(unit, matter: "本局事项" + Guid.NewGuid().ToString("N")[..4], receivedAt: "2026-11-13T01:00:00Z"));
        await kit.AssignAsync(real.Id);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await kit.DetailAsync(real.Id)).GetProperty("repeatFlagId").ValueKind);
        Assert.DoesNotContain((await ComplaintKit.JsonAsync(kit.Office, "/api/v1/complaints/repeat-flags")).EnumerateArray(), x => x.GetProperty("unitId").GetGuid() == unit);

        // A second accepted one within the month is a repeat, of the two accepted only.
        var again = await kit.FileAsync(ComplaintKit.Body(unit, matter: "本局另一事项" + Guid.NewGuid().ToString("N")[..4], receivedAt: "2026-11-14T01:00:00Z"));
        await kit.AssignAsync(again.Id);
        var flag = (await kit.DetailAsync(again.Id)).GetProperty("repeatFlagId").GetGuid();
        Assert.Equal(flag, (await kit.DetailAsync(real.Id)).GetProperty("repeatFlagId").GetGuid());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await kit.DetailAsync(returned.Id)).GetProperty("repeatFlagId").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await kit.DetailAsync(refused.Id)).GetProperty("repeatFlagId").ValueKind);
    }

    [Fact]
    [Trait("Rule", "CMP-6")]
    [Trait("Rule", "CMP-5")]
    public async Task Intake_ShowsLikelyDuplicates_ARefusalIsToldWithItsReason_AndAnonymousIsASuggestion()
    {
        var kit = await KitAsync();
        var (unit, _) = await kit.UnitAsync();
        var first = await kit.FileAsync(ComplaintKit.Body(unit, phone: "13655556666"));
        Assert.Empty(first.LikelyDuplicates);
        var dup = await kit.FileAsync(ComplaintKit.Body(unit, matter: "营业执照 办理超时", phone: "136-5555-6666"));
        Assert.Equal(first.Id, Assert.Single(dup.LikelyDuplicates).Id);
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{dup.Id}/not-accepted", new { reason = "AlreadyAcceptedInTime", note = "与 " + first.Number + " 为同一事项" })).ExpectAsync(HttpStatusCode.NoContent);
        var track = await ComplaintKit.JsonAsync(app.NewClient(), $"/api/v1/public/complaints/{dup.QueryCode}");
        Assert.Equal("NotAccepted", track.GetProperty("status").GetString());
        Assert.Contains(track.GetProperty("steps").EnumerateArray(), s => s.GetProperty("text").GetString()!.Contains("同一事项已受理", StringComparison.Ordinal));
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{dup.Id}/assign", new { unitId = unit })).ExpectRuleAsync(HttpStatusCode.Conflict, "CMP-7");

        var anonymous = await kit.FileAsync(ComplaintKit.Body(unit, name: null, phone: "", anonymous: true));
        Assert.Equal("Suggestion", anonymous.Kind);
        var outsider = await kit.FileAsync(ComplaintKit.Body(unit, hasInterest: false, phone: "13500001111"));
        Assert.Equal("Suggestion", outsider.Kind);
        await (await kit.Office.PostJsonAsync("/api/v1/complaints", ComplaintKit.Body(unit, name: null))).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "CMP-5");
    }

    [Fact]
    [Trait("Rule", "CMP-3")]
    public async Task PublicForm_WhenFloodedFromOneAddress_IsRefusedNamingTheRule_OtherAddressesAreServed()
    {
        var kit = await KitAsync();
        var (unit, _) = await kit.UnitAsync();
        var ip = $"198.51.100.{Random.Shared.Next(1, 250)}";
        for (var i = 0; i < 5; i++) await kit.PublicAsync(unit, ip, matter: $"事项{i}");
        var client = app.NewClient();
        client.DefaultRequestHeaders.Add(MingchaApp.RemoteIpHeader, ip);
        var flood = await client.PostJsonAsync("/api/v1/public/complaints", new { type = "Other", unitId = unit, matter = "刷单", reasons = "刷单", evidenceNote = "无", name = "某", hasInterest = true });
        await flood.ExpectRuleAsync(HttpStatusCode.TooManyRequests, "CMP-3");
        await kit.PublicAsync(unit, "192.0.2.77");
    }

    [Fact]
    [Trait("Rule", "CMP-10")]
    [Trait("Rule", "CMP-2")]
    [Trait("Rule", "INS-5")]
    public async Task Complaint_WhenMadeAClue_TargetsTheUnitsWindowInTheRound_AndTrendsCountIt_AndItHasAnEvidenceCase()
    {
        var kit = await KitAsync();
        var (unit, section) = await kit.UnitAsync();
        var filed = await kit.FileAsync(ComplaintKit.Body(unit, type: "AbuseOfPost"));
        var admin = new Mingcha.IntegrationTests.Inspections.InspectionKit(app, await app.ClientAsAsync(Roles.OfficeAdmin));
        var round = await admin.RoundAsync(2026, "Covert", teamId: await admin.TeamAsync(await admin.ApprovedSupervisorAsync()));
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{filed.Id}/clue", new { roundId = round })).ExpectAsync(HttpStatusCode.NoContent);
        var targets = await app.WithDbAsync(db => db.RoundTargets.AsNoTracking().Where(t => t.RoundId == round).Select(t => new { t.SectionId, t.Reason }).ToListAsync());
        Assert.Equal([section], targets.Select(t => t.SectionId));
        Assert.Equal($"投诉线索 {filed.Number}（CMP-10）", targets[0].Reason); // INS-5: a covert target chosen by hand says why
        Assert.Equal(round, (await kit.DetailAsync(filed.Id)).GetProperty("clueRoundId").GetGuid());
        await kit.AssignAsync(filed.Id);
        var liaison = await kit.LiaisonAsync(unit);
        var seen = await kit.DetailAsync(filed.Id, liaison);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, seen.GetProperty("clueRoundId").ValueKind);
        Assert.DoesNotContain(seen.GetProperty("history").EnumerateArray(), h => h.GetProperty("kind").GetString() == "clue");

        var trends = await ComplaintKit.JsonAsync(kit.Office, "/api/v1/complaints/trends?from=2026-11-01&to=2026-11-30");
        Assert.True(trends.GetProperty("byType").EnumerateArray().Single(x => x.GetProperty("key").GetString() == "AbuseOfPost").GetProperty("value").GetInt32() >= 1);
        Assert.Contains(trends.GetProperty("byUnit").EnumerateArray(), x => x.GetProperty("key").GetString() == unit.ToString());
        Assert.True(trends.GetProperty("byMonth").EnumerateArray().Single().GetProperty("value").GetInt32() >= 1);
        // A refused complaint (CMP-6) is not a trend: a second unit's only complaint, refused, leaves it out of the units counted.
        var (refusedUnit, _) = await kit.UnitAsync("不予受理局");
        var refused = await kit.FileAsync(ComplaintKit.Body(refusedUnit, type: "AbuseOfPost"));
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{refused.Id}/not-accepted", new { reason = "InCourtOrDecided", note = "已进入诉讼程序" })).ExpectAsync(HttpStatusCode.NoContent);
        trends = await ComplaintKit.JsonAsync(kit.Office, "/api/v1/complaints/trends?from=2026-11-01&to=2026-11-30");
        Assert.DoesNotContain(trends.GetProperty("byUnit").EnumerateArray(), x => x.GetProperty("key").GetString() == refusedUnit.ToString());
        // Dates out of range are the client's error, named, never a 500.
        await (await kit.Office.GetAsync("/api/v1/complaints/trends?to=9999-12-31")).ExpectFieldErrorAsync("to");
        await (await kit.Office.GetAsync("/api/v1/complaints/trends?to=0001-01-15")).ExpectFieldErrorAsync("to");

        var caseId = (await (await kit.Office.PostAsync($"/api/v1/complaints/{filed.Id}/evidence-case", null)).ReadAsync<CaseDto>()).CaseId;
        Assert.Equal(caseId, (await (await kit.Office.PostAsync($"/api/v1/complaints/{filed.Id}/evidence-case", null)).ReadAsync<CaseDto>()).CaseId);
        Assert.Equal(Mingcha.Domain.Evidence.EvidenceCaseKind.Complaint, await app.WithDbAsync(db => db.EvidenceCases.Where(c => c.Id == caseId).Select(c => c.Kind).SingleAsync()));
    }

    [Fact]
    [Trait("Rule", "CMP-7")]
    [Trait("Rule", "CAL-3")]
    public async Task Reminders_WhenTwoWorkingDaysAreLeft_RemindTheUnit_AndOverdueTellsTheOffice()
    {
        var kit = await KitAsync();
        var (unit, _) = await kit.UnitAsync();
        var filed = await kit.FileAsync(ComplaintKit.Body(unit));
        await kit.AssignAsync(filed.Id); // last day 2026-11-30
        var due = await DueAsync(new DateOnly(2026, 11, 26)); // Thursday: Thu, Fri, Mon left → 3
        Assert.DoesNotContain(due, r => r.DedupKey.Contains(filed.Id.ToString(), StringComparison.Ordinal));
        due = await DueAsync(new DateOnly(2026, 11, 27));
        Assert.Contains(due, r => r.Kind == "complaint.reminder" && r.UnitId == unit && r.DedupKey.Contains(filed.Id.ToString(), StringComparison.Ordinal));
        due = await DueAsync(new DateOnly(2026, 12, 1));
        Assert.Contains(due, r => r.Kind == "complaint.overdue" && r.DedupKey.Contains(filed.Id.ToString(), StringComparison.Ordinal));
        // CAL-3: in January before the new year's holidays are loaded, a complaint overdue since November is still overdue.
        due = await DueAsync(new DateOnly(2027, 1, 5));
        Assert.Contains(due, r => r.Kind == "complaint.overdue" && r.DedupKey.Contains(filed.Id.ToString(), StringComparison.Ordinal));
    }

    /// <summary>CMP-1: a complaint waiting on the Office (not assigned, or its answer not reviewed) for over two working days is reminded.</summary>
    [Fact]
    [Trait("Rule", "CMP-1")]
    public async Task Reminders_WhenAComplaintWaitsOnTheOffice_RemindTheOffice()
    {
        var kit = await KitAsync();
        var (unit, _) = await kit.UnitAsync("待办局");
        var filed = await kit.FileAsync(ComplaintKit.Body(unit, matter: "待交办" + Guid.NewGuid().ToString("N")[..4])); // received Monday 16 November
        bool Waiting(List<Mingcha.Web.Features.Jobs.Reminder> due, string kind) =>
            due.Any(r => r.Kind == kind && r.Role == Roles.OfficeStaff && r.DedupKey.Contains(filed.Id.ToString(), StringComparison.Ordinal));
        Assert.False(Waiting(await DueAsync(new DateOnly(2026, 11, 18)), "complaint.unassigned")); // two working days
        Assert.True(Waiting(await DueAsync(new DateOnly(2026, 11, 19)), "complaint.unassigned"));
        await kit.AssignAsync(filed.Id);
        Assert.False(Waiting(await DueAsync(new DateOnly(2026, 11, 19)), "complaint.unassigned"));
    }

    private async Task<List<Mingcha.Web.Features.Jobs.Reminder>> DueAsync(DateOnly day)
    {
        var list = new List<Mingcha.Web.Features.Jobs.Reminder>();
        await app.WithScopeAsync(async sp =>
        {
            var source = new ComplaintReminders(Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Mingcha.Web.Features.Calendar.CalendarService>(sp));
            await foreach (var r in source.DueAsync(Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Mingcha.Web.Data.MingchaDb>(sp), day, default)) list.Add(r);
        });
        return list;
    }

    private sealed record BadgeDto(Guid StaffId, int Year, bool Held, DateTime? RevokedAt, string? RevokedReason, string? FindingLink);

    /// <summary>SAT-5: a complaint closed as substantiated against a named staff member revokes that person's badge of the year.</summary>
    [Fact]
    [Trait("Rule", "SAT-5")]
    [Trait("Rule", "CMP-7")]
    public async Task SubstantiatedComplaint_AgainstAStaffMember_RevokesTheirBadge_AndABadgeHandedOutLaterStartsRevoked()
    {
        var kit = await KitAsync();
        var (unit, _) = await kit.UnitAsync();
        var (otherUnit, _) = await kit.UnitAsync("税务局");
        var (clerk, stranger) = await app.WithDbAsync(async db =>
        {
            var a = new Mingcha.Web.Features.Organisation.Staff(unit, "C-" + Guid.NewGuid().ToString("N")[..6], "李科员", Mingcha.Web.Features.Organisation.EmploymentType.InService, app.Clock.GetUtcNow().UtcDateTime);
            var b = new Mingcha.Web.Features.Organisation.Staff(otherUnit, "C-" + Guid.NewGuid().ToString("N")[..6], "赵科员", Mingcha.Web.Features.Organisation.EmploymentType.InService, app.Clock.GetUtcNow().UtcDateTime);
            db.Staff.AddRange(a, b);
            await db.SaveChangesAsync();
            return (a.Id, b.Id);
        });
        await (await kit.Office.PostAsync("/api/v1/incentives/2026/badges", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.True((await kit.Office.GetAsync<BadgeDto>($"/api/v1/incentives/2026/badges/{clerk}")).Held);

        async Task<ComplaintKit.Filed> AnsweredAsync()
        {
            var filed = await kit.FileAsync(ComplaintKit.Body(unit));
            await kit.AssignAsync(filed.Id);
            await (await (await kit.LiaisonAsync(unit)).PostJsonAsync($"/api/v1/complaints/{filed.Id}/answer", new { body = "经核实，经办人推诿属实，已批评教育。" })).ExpectAsync(HttpStatusCode.NoContent);
            return filed;
        }
        var first = await AnsweredAsync();
        var id = first.Id;
        // The person must be of the unit complained of, and named only when the complaint is substantiated; nothing changes otherwise.
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{id}/review", new { accept = true, substantiated = true, staffId = stranger })).ExpectFieldErrorAsync("staffId");
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{id}/review", new { accept = true, substantiated = false, staffId = clerk })).ExpectFieldErrorAsync("staffId");
        Assert.Equal("Answered", (await kit.DetailAsync(id)).GetProperty("status").GetString());
        Assert.True((await kit.Office.GetAsync<BadgeDto>($"/api/v1/incentives/2026/badges/{clerk}")).Held);

        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{id}/review", new { accept = true, substantiated = true, staffId = clerk })).ExpectAsync(HttpStatusCode.NoContent);
        var badge = await kit.Office.GetAsync<BadgeDto>($"/api/v1/incentives/2026/badges/{clerk}");
        Assert.False(badge.Held);
        Assert.Equal($"/api/v1/complaints/{id}", badge.FindingLink);
        var number = (await kit.DetailAsync(id)).GetProperty("number").GetString()!;
        Assert.Contains(number, badge.RevokedReason!, StringComparison.Ordinal);
        Assert.Equal(clerk, (await kit.DetailAsync(id)).GetProperty("staffId").GetGuid());
        Assert.Contains("经审核认定", await kit.Office.GetStringAsync($"/Complaints/Detail/{id}"), StringComparison.Ordinal);
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.EntityType == "StaffBadge" && a.Action == "update" && a.After!.Contains(id.ToString()))));

        // A staff member who joins later gets the badge later: a substantiated complaint of the year against them stands.
        var newcomer = await app.WithDbAsync(async db =>
        {
            var c = new Mingcha.Web.Features.Organisation.Staff(unit, "C-" + Guid.NewGuid().ToString("N")[..6], "孙科员", Mingcha.Web.Features.Organisation.EmploymentType.InService, app.Clock.GetUtcNow().UtcDateTime);
            db.Staff.Add(c);
            await db.SaveChangesAsync();
            return c.Id;
        });
        var second = (await AnsweredAsync()).Id;
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{second}/review", new { accept = true, substantiated = true, staffId = newcomer })).ExpectAsync(HttpStatusCode.NoContent);
        await (await kit.Office.PostAsync("/api/v1/incentives/2026/badges", null)).ExpectAsync(HttpStatusCode.OK);
        var late = await kit.Office.GetAsync<BadgeDto>($"/api/v1/incentives/2026/badges/{newcomer}");
        Assert.False(late.Held);
        Assert.Equal($"/api/v1/complaints/{second}", late.FindingLink);

        // The complainant rates the first answer unsatisfied (CMP-11); the Office reviews again and finds it not substantiated
        // after all: the clerk's badge, revoked for it alone, is held again.
        await (await app.NewClient().PostJsonAsync($"/api/v1/public/complaints/{first.QueryCode}/rating", new { level = 3, comment = "处理不公" })).ExpectAsync(HttpStatusCode.NoContent);
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{id}/review", new { accept = true, substantiated = false, note = "复核认定不属实" })).ExpectAsync(HttpStatusCode.NoContent);
        Assert.True((await kit.Office.GetAsync<BadgeDto>($"/api/v1/incentives/2026/badges/{clerk}")).Held);
        Assert.False((await kit.Office.GetAsync<BadgeDto>($"/api/v1/incentives/2026/badges/{newcomer}")).Held); // the other complaint stands
    }

    private sealed record CaseDto(Guid CaseId);
}
