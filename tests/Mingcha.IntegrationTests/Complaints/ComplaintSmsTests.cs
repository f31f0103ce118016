using System.Net;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Rectification;

namespace Mingcha.IntegrationTests.Complaints;

/// <summary>
/// CMP-6, CMP-7: "the complainant is told" — besides the tracking page, an SMS to a real-name complainant's phone is queued in the
/// outbox with the step: not accepted (with the reason), extended, answered, reassigned. Never for anonymous complainants, never with
/// the query code; one message per event.
/// </summary>
public sealed class ComplaintSmsTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    private Task<List<OutboundMessage>> SmsAboutAsync(string number) =>
        app.WithDbAsync(db => db.OutboundMessages.AsNoTracking().Where(m => m.Channel == "sms" && m.Body.Contains(number)).OrderBy(m => m.CreatedAt).ToListAsync());

    private static void AssertTold(OutboundMessage m, string phone, string number, string? queryCode, string says)
    {
        Assert.Equal(phone, m.Recipient);
        Assert.Contains(number, m.Body, StringComparison.Ordinal);
        Assert.Contains(says, m.Body, StringComparison.Ordinal);
        Assert.Contains("投诉查询页面", m.Body, StringComparison.Ordinal);
        if (queryCode is not null) Assert.DoesNotContain(queryCode, m.Body, StringComparison.Ordinal);
        Assert.StartsWith("sms:complaint:", m.DedupKey, StringComparison.Ordinal);
        Assert.Null(m.SentAt);
    }

    [Fact]
    [Trait("Rule", "CMP-6")]
    public async Task NotAccepted_QueuesAnSmsWithTheReason_ToARealNameComplainant_NeverToAnAnonymousOne()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (unit, _) = await kit.UnitAsync();
        var filed = await kit.FileAsync(ComplaintKit.Body(unit, matter: "已在法院起诉的事项", phone: "13912340001"));
        Assert.Empty(await SmsAboutAsync(filed.Number)); // intake: the number and query code are given on the spot, no SMS
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{filed.Id}/not-accepted", new { reason = "InCourtOrDecided", note = "已进入诉讼程序" }))
            .ExpectAsync(HttpStatusCode.NoContent);
        var sms = Assert.Single(await SmsAboutAsync(filed.Number));
        AssertTold(sms, "13912340001", filed.Number, filed.QueryCode, "不予受理");
        Assert.Contains("已进入诉讼程序或已依法处理", sms.Body, StringComparison.Ordinal);

        // Anonymous (a suggestion, CMP-5): told only on the tracking page.
        var anonymous = await kit.FileAsync(ComplaintKit.Body(unit, matter: "匿名反映", name: null, phone: "13912340002", anonymous: true));
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{anonymous.Id}/not-accepted", new { reason = "InCourtOrDecided", note = "已判决" }))
            .ExpectAsync(HttpStatusCode.NoContent);
        Assert.Empty(await SmsAboutAsync(anonymous.Number));
        Assert.False(await app.WithDbAsync(db => db.OutboundMessages.AnyAsync(m => m.Recipient == "13912340002")));
    }

    [Fact]
    [Trait("Rule", "CMP-7")]
    public async Task Extension_Answer_AndReassignment_EachQueueOneSms_WithoutTheQueryCode()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (a, _) = await kit.UnitAsync("甲局");
        var (b, _) = await kit.UnitAsync("乙局");

        // Reassignment: the first assignment is not texted; the unit returns it; the Office reassigns → one SMS.
        var moved = await kit.FileAsync(ComplaintKit.Body(a, matter: "职责不清的事项", phone: "13912340003"));
        await kit.AssignAsync(moved.Id);
        Assert.Empty(await SmsAboutAsync(moved.Number));
        var liaisonA = await kit.LiaisonAsync(a);
        await (await liaisonA.PostJsonAsync($"/api/v1/complaints/{moved.Id}/return", new { body = "属乙局职责" })).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Empty(await SmsAboutAsync(moved.Number));
        await kit.AssignAsync(moved.Id, b);
        var reassigned = Assert.Single(await SmsAboutAsync(moved.Number));
        AssertTold(reassigned, "13912340003", moved.Number, moved.QueryCode, "已改由乙局");

        // Extension asked for (not texted), approved (texted); refused would not change the deadline and is not texted.
        var filed = await kit.FileAsync(ComplaintKit.Body(a, matter: "复杂事项", phone: "13912340004"));
        await kit.AssignAsync(filed.Id);
        var liaison = await kit.LiaisonAsync(a);
        await (await liaison.PostJsonAsync($"/api/v1/complaints/{filed.Id}/extension", new { workingDays = 5, reason = "涉及三个部门" })).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Empty(await SmsAboutAsync(filed.Number));
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{filed.Id}/extension-decision", new { approved = true })).ExpectAsync(HttpStatusCode.NoContent);
        var extended = Assert.Single(await SmsAboutAsync(filed.Number));
        AssertTold(extended, "13912340004", filed.Number, filed.QueryCode, "延期");
        var lastDay = (await kit.DetailAsync(filed.Id)).GetProperty("lastDay").GetString()!;
        Assert.Contains(lastDay, extended.Body, StringComparison.Ordinal);

        await (await liaison.PostJsonAsync($"/api/v1/complaints/{filed.Id}/answer", new { body = "经核实已补办。" })).ExpectAsync(HttpStatusCode.NoContent);
        var both = await SmsAboutAsync(filed.Number);
        Assert.Equal(2, both.Count);
        AssertTold(both[1], "13912340004", filed.Number, filed.QueryCode, "已由承办单位答复");
        Assert.Equal(2, both.Select(m => m.DedupKey).Distinct().Count()); // one per event

        // The events were also marked for the tracking page (what the SMS points to).
        var tracked = await ComplaintKit.JsonAsync(app.NewClient(), $"/api/v1/public/complaints/{filed.QueryCode}");
        Assert.Contains(tracked.GetProperty("steps").EnumerateArray(), s => s.GetProperty("text").GetString()!.Contains("延期至", StringComparison.Ordinal));
        Assert.Contains(tracked.GetProperty("steps").EnumerateArray(), s => s.GetProperty("text").GetString() == "经核实已补办。");
    }

    [Fact]
    [Trait("Rule", "CMP-7")]
    [Trait("Rule", "CMP-5")]
    public async Task AnonymousComplaint_ThroughTheWholeFlow_QueuesNoSms()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (a, _) = await kit.UnitAsync("丙局");
        var (b, _) = await kit.UnitAsync("丁局");
        var filed = await kit.FileAsync(ComplaintKit.Body(a, matter: "匿名全流程", name: null, phone: "13912340005", anonymous: true));
        await kit.AssignAsync(filed.Id);
        var liaisonA = await kit.LiaisonAsync(a);
        await (await liaisonA.PostJsonAsync($"/api/v1/complaints/{filed.Id}/return", new { body = "非本单位职责" })).ExpectAsync(HttpStatusCode.NoContent);
        await kit.AssignAsync(filed.Id, b);
        var liaisonB = await kit.LiaisonAsync(b);
        await (await liaisonB.PostJsonAsync($"/api/v1/complaints/{filed.Id}/extension", new { workingDays = 3, reason = "复杂" })).ExpectAsync(HttpStatusCode.NoContent);
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{filed.Id}/extension-decision", new { approved = true })).ExpectAsync(HttpStatusCode.NoContent);
        await (await liaisonB.PostJsonAsync($"/api/v1/complaints/{filed.Id}/answer", new { body = "已答复" })).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Empty(await SmsAboutAsync(filed.Number));
        Assert.False(await app.WithDbAsync(db => db.OutboundMessages.AnyAsync(m => m.Recipient == "13912340005")));
    }
}
