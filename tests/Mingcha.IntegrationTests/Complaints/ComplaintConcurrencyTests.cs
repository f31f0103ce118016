using System.Net;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests.Complaints;

/// <summary>
/// CMP-7, SEC-3: two state changes of one complaint made from the same reading — a double click on 提交答复, the Office
/// closing while another sends it back — cannot both be stored: the second to save gets 409 and stores nothing (no second
/// event, no second SMS). The app's <see cref="ReadGate"/> holds each of the two requests, once it has read the complaint,
/// until the other has read it too, so that the race happens every time, on SQLite and on PostgreSQL.
/// </summary>
public sealed class ComplaintConcurrencyTests(RacingApp app) : IClassFixture<RacingApp>
{
    private Task<int> SmsCountAsync(string phone, string says) =>
        app.WithDbAsync(db => db.OutboundMessages.AsNoTracking().CountAsync(m => m.Channel == "sms" && m.Recipient == phone && m.Body.Contains(says)));

    private Task<int> EventsAsync(Guid id, string kind) =>
        app.WithDbAsync(db => db.ComplaintEvents.AsNoTracking().CountAsync(e => e.ComplaintId == id && e.Kind == kind));

    [Fact]
    [Trait("Rule", "CMP-7")]
    [Trait("Rule", "SEC-3")]
    public async Task TwoAnswersAtOnce_OneIsStored_TheOtherGets409_OneEventAndOneSms()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (unit, _) = await kit.UnitAsync();
        const string phone = "13912347001";
        var filed = await kit.FileAsync(ComplaintKit.Body(unit, matter: "双击提交答复", phone: phone));
        await kit.AssignAsync(filed.Id);
        var liaison = await kit.LiaisonAsync(unit);

        app.Gate.Hold(2, "FROM \"Complaints\"");
        var answers = await Task.WhenAll(
            liaison.PostJsonAsync($"/api/v1/complaints/{filed.Id}/answer", new { body = "已核实并补办。" }),
            liaison.PostJsonAsync($"/api/v1/complaints/{filed.Id}/answer", new { body = "已核实并补办。" }));

        Assert.True(app.Gate.Met, "both requests read the complaint before either saved");
        Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
        await answers.Single(a => a.StatusCode == HttpStatusCode.Conflict).ExpectProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(1, await EventsAsync(filed.Id, "answer"));
        Assert.Equal(1, await SmsCountAsync(phone, "已由承办单位答复"));
        Assert.Equal("Answered", (await kit.DetailAsync(filed.Id)).GetProperty("status").GetString());
    }

    [Fact]
    [Trait("Rule", "CMP-7")]
    [Trait("Rule", "SEC-3")]
    public async Task CloseRacingASendBack_OneWins_AndTheComplaintIsWhatThatOneMadeIt()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var other = await app.ClientAsAsync(Roles.OfficeAdmin);
        var (unit, _) = await kit.UnitAsync();
        var filed = await kit.FileAsync(ComplaintKit.Body(unit, matter: "办结与退回同时", phone: "13912347002"));
        await kit.AssignAsync(filed.Id);
        await (await (await kit.LiaisonAsync(unit)).PostJsonAsync($"/api/v1/complaints/{filed.Id}/answer", new { body = "已答复。" })).ExpectAsync(HttpStatusCode.NoContent);

        app.Gate.Hold(2, "FROM \"Complaints\"");
        var reviews = await Task.WhenAll(
            kit.Office.PostJsonAsync($"/api/v1/complaints/{filed.Id}/review", new { accept = true, substantiated = false }),
            other.PostJsonAsync($"/api/v1/complaints/{filed.Id}/review", new { accept = false, note = "答复过于简单" }));

        Assert.True(app.Gate.Met, "both requests read the complaint before either saved");
        Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.Conflict], reviews.Select(r => r.StatusCode).Order());
        var closed = reviews[0].StatusCode == HttpStatusCode.NoContent;
        var detail = await kit.DetailAsync(filed.Id);
        Assert.Equal(closed ? "Closed" : "Assigned", detail.GetProperty("status").GetString());
        Assert.Equal(closed ? 0 : 1, detail.GetProperty("sentBack").GetInt32());
        Assert.Equal(closed ? 1 : 0, await EventsAsync(filed.Id, "close"));
        Assert.Equal(closed ? 0 : 1, await EventsAsync(filed.Id, "send-back"));
        var stored = await app.WithDbAsync(db => db.Complaints.AsNoTracking().SingleAsync(c => c.Id == filed.Id));
        Assert.Equal(closed, stored.ClosedAt is not null);
    }

    [Fact]
    [Trait("Rule", "CMP-7")]
    public async Task DoubleClickOnThePagesAnswer_SavesOnce_AndTheSecondPostSaysWhy()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (unit, _) = await kit.UnitAsync();
        const string phone = "13912347003";
        var filed = await kit.FileAsync(ComplaintKit.Body(unit, matter: "页面双击答复", phone: phone));
        await kit.AssignAsync(filed.Id);
        var liaison = await kit.LiaisonAsync(unit);
        var token = Pages.AntiforgeryToken(await liaison.GetStringAsync($"/Complaints/Detail/{filed.Id}"));
        FormUrlEncodedContent Form() => new(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["answer"] = "经核实已当场补办。" });

        app.Gate.Hold(2, "FROM \"Complaints\"");
        var posts = await Task.WhenAll(
            liaison.PostAsync($"/Complaints/Detail/{filed.Id}?handler=Answer", Form()),
            liaison.PostAsync($"/Complaints/Detail/{filed.Id}?handler=Answer", Form()));

        Assert.True(app.Gate.Met, "both requests read the complaint before either saved");
        Assert.Single(posts, p => p.StatusCode == HttpStatusCode.Redirect);
        var second = posts.Single(p => p.StatusCode != HttpStatusCode.Redirect);
        var html = WebUtility.HtmlDecode(await second.Content.ReadAsStringAsync());
        Assert.Contains("同时提交的另一项操作修改，本次未保存", html, StringComparison.Ordinal);
        Assert.Contains("data-status=\"Answered\"", html, StringComparison.Ordinal); // the page shows it as it now is
        Assert.Equal(1, await EventsAsync(filed.Id, "answer"));
        Assert.Equal(1, await SmsCountAsync(phone, "已由承办单位答复"));
    }
}
