using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.IntegrationTests.Ratings;

/// <summary>
/// SAT-7: every real-name bad rating is called back. A rater who does not answer is called again; the calls that failed are
/// recorded, and after three of them, an hour apart at least, the call back may close without reaching the rater.
/// Its own app: the test moves the clock.
/// </summary>
public sealed class FollowUpCallBackTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private sealed record Stored(Guid Id, string Status);
    private sealed record FollowUpRow(Guid Id, Guid RatingId, bool RealName, string? NextStep, int FailedCalls, DateTime? LastFailedCallAt, int CallBackAttempts);

    private static async Task<string?> RuleOf(HttpResponseMessage r) =>
        JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.TryGetProperty("rule", out var p) ? p.GetString() : null;

    [Fact]
    [Trait("Rule", "SAT-7")]
    public async Task RealNameRater_NotReached_IsCalledThreeTimesAnHourApart_ThenTheCallBackMayCloseUnreached()
    {
        var w = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window && s.ParentSectionId != null).OrderBy(s => s.Code).FirstAsync());
        var (device, _) = await app.TokenClientAsync(w.UnitId, "ratings:write");
        var posted = await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, level = 3, phone = "13955556666" });
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var ratingId = (await posted.Content.ReadFromJsonAsync<Stored>())!.Id;
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, w.UnitId);
        var fu = await RatingsTests.WaitForAsync(async () => (await liaison.GetFromJsonAsync<List<FollowUpRow>>("/api/v1/follow-ups"))!.FirstOrDefault(f => f.RatingId == ratingId));
        Assert.True(fu.RealName);
        Assert.Equal((0, 3), (fu.FailedCalls, fu.CallBackAttempts));

        // Another unit cannot touch the case (SEC-2): "not found", nothing recorded.
        var otherUnit = await app.WithDbAsync(db => db.Units.Where(u => u.Id != w.UnitId).Select(u => u.Id).FirstAsync());
        var stranger = await app.ClientAsAsync(Roles.UnitLiaison, otherUnit);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/failed-calls", new { note = "无人接听" })).StatusCode);
        // A note says what happened.
        Assert.Equal(HttpStatusCode.BadRequest, (await liaison.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/failed-calls", new { note = " " })).StatusCode);

        var first = await liaison.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/failed-calls", new { note = "无人接听" });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var after1 = (await first.Content.ReadFromJsonAsync<FollowUpRow>())!;
        Assert.Equal(("CallBack", 1), (after1.NextStep, after1.FailedCalls));
        // Three calls in a minute are not three attempts: the next one must wait an hour.
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        liaison = await app.ClientAsAsync(Roles.UnitLiaison, w.UnitId);
        var tooSoon = await liaison.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/failed-calls", new { note = "再拨，无人接听" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooSoon.StatusCode);
        Assert.Equal("SAT-7", await RuleOf(tooSoon));
        // Not reached once is not enough to close the call back of a real-name rating.
        var closeEarly = await liaison.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/steps", new { step = "CallBack", note = "联系不上", reached = false });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, closeEarly.StatusCode);
        Assert.Contains("已记录 1 次", await closeEarly.Content.ReadAsStringAsync());

        foreach (var note in new[] { "下午再拨，关机", "傍晚再拨，无人接听" })
        {
            app.Clock.Advance(TimeSpan.FromMinutes(61));
            liaison = await app.ClientAsAsync(Roles.UnitLiaison, w.UnitId);
            Assert.Equal(HttpStatusCode.OK, (await liaison.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/failed-calls", new { note })).StatusCode);
        }
        var closed = await liaison.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/steps", new { step = "CallBack", note = "三次未接通，转核实", reached = false });
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        var done = (await closed.Content.ReadFromJsonAsync<FollowUpRow>())!;
        Assert.Equal(("Verify", 3), (done.NextStep, done.FailedCalls));
        // The step is done: no more failed calls on it.
        Assert.Equal(HttpStatusCode.Conflict, (await liaison.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/failed-calls", new { note = "再拨" })).StatusCode);
        // Each call, with its note, is in the audit trail.
        var audit = await app.WithDbAsync(db => db.AuditEntries.Where(a => a.EntityType == "FollowUpCase" && a.EntityKey == fu.Id.ToString() && a.Action == "update")
            .Select(a => a.After!).ToListAsync());
        foreach (var note in new[] { "无人接听", "下午再拨，关机", "傍晚再拨，无人接听" }) Assert.Contains(audit, a => a.Contains(note, StringComparison.Ordinal));
        var stored = await app.WithDbAsync(db => db.FollowUpCases.SingleAsync(f => f.Id == fu.Id));
        Assert.False(stored.Reached);
        // Called back as far as the rule asks (closed unreached after the attempts): the case may now be appealed.
        Assert.Equal(HttpStatusCode.OK, (await liaison.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/appeal", new { reason = "号码为空号，评价人误留" })).StatusCode);
    }

    /// <summary>
    /// SAT-7: every real-name bad rating is called back. An upheld appeal closes the case, so a real-name case is not appealed
    /// while its call back is due (409, nothing recorded); once called back it may be. An anonymous case may be appealed at once.
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-7")]
    public async Task Appeal_OfARealNameRatingNotYetCalledBack_IsRefused_AnAnonymousOneIsNot()
    {
        var w = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window && s.ParentSectionId != null).OrderBy(s => s.Code).Skip(2).FirstAsync());
        var (device, _) = await app.TokenClientAsync(w.UnitId, "ratings:write");
        var realNameId = (await (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, level = 3, phone = "13955558888" })).Content.ReadFromJsonAsync<Stored>())!.Id;
        var anonymousId = (await (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, level = 3 })).Content.ReadFromJsonAsync<Stored>())!.Id;
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, w.UnitId);
        var realName = await RatingsTests.WaitForAsync(async () => (await liaison.GetFromJsonAsync<List<FollowUpRow>>("/api/v1/follow-ups"))!.FirstOrDefault(f => f.RatingId == realNameId));
        var anonymous = await RatingsTests.WaitForAsync(async () => (await liaison.GetFromJsonAsync<List<FollowUpRow>>("/api/v1/follow-ups"))!.FirstOrDefault(f => f.RatingId == anonymousId));
        Assert.True(realName.RealName);
        Assert.False(anonymous.RealName);

        var refused = await liaison.PostAsJsonAsync($"/api/v1/follow-ups/{realName.Id}/appeal", new { reason = "评价人误按" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("SAT-7", await RuleOf(refused));
        var unchanged = await app.WithDbAsync(db => db.FollowUpCases.AsNoTracking().SingleAsync(f => f.Id == realName.Id));
        Assert.Equal(Mingcha.Web.Features.Ratings.FollowUpState.Open, unchanged.State);
        Assert.Null(unchanged.AppealedAt);
        Assert.Null(unchanged.AppealReason);
        // The page refuses it the same way, with the rule.
        var onPage = await liaison.PostFormAsync($"/Ratings/FollowUps?id={realName.Id}", "Appeal", new() { ["id"] = realName.Id.ToString(), ["reason"] = "评价人误按" });
        Assert.Equal(HttpStatusCode.BadRequest, onPage.StatusCode);
        Assert.Contains("(SAT-7)", await onPage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(await app.WithDbAsync(db => db.FollowUpCases.Where(f => f.Id == realName.Id).Select(f => f.AppealedAt).SingleAsync()));

        // Called back (the rater reached): now it may be appealed.
        Assert.Equal(HttpStatusCode.OK, (await liaison.PostAsJsonAsync($"/api/v1/follow-ups/{realName.Id}/steps", new { step = "CallBack", note = "已回访本人", reached = true })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await liaison.PostAsJsonAsync($"/api/v1/follow-ups/{realName.Id}/appeal", new { reason = "回访时本人确认误按" })).StatusCode);
        // No one to call back: an anonymous case may be appealed before any call.
        Assert.Equal(HttpStatusCode.OK, (await liaison.PostAsJsonAsync($"/api/v1/follow-ups/{anonymous.Id}/appeal", new { reason = "评价人误按" })).StatusCode);
    }

    [Fact]
    [Trait("Rule", "SAT-7")]
    public async Task FollowUpsPage_RecordsAFailedCallOfARealNameRating_AndShowsTheCount()
    {
        var w = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window && s.ParentSectionId != null).OrderBy(s => s.Code).Skip(1).FirstAsync());
        var (device, _) = await app.TokenClientAsync(w.UnitId, "ratings:write");
        var posted = await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, level = 3, phone = "13955557777" });
        var ratingId = (await posted.Content.ReadFromJsonAsync<Stored>())!.Id;
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, w.UnitId);
        var fu = await RatingsTests.WaitForAsync(async () => (await liaison.GetFromJsonAsync<List<FollowUpRow>>("/api/v1/follow-ups"))!.FirstOrDefault(f => f.RatingId == ratingId));

        var page = $"/Ratings/FollowUps?id={fu.Id}";
        Assert.Contains("已记录未接通 0 次", await liaison.GetStringAsync(page));
        var posted1 = await liaison.PostFormAsync(page, "FailedCall", new() { ["note"] = "无人接听" });
        Assert.Equal(HttpStatusCode.Redirect, posted1.StatusCode);
        Assert.Contains("已记录未接通 1 次", await liaison.GetStringAsync(page));
        // Too soon: a message beside the case, nothing recorded.
        var again = await liaison.PostFormAsync(page, "FailedCall", new() { ["note"] = "再拨" });
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("请稍后再拨", await again.Content.ReadAsStringAsync());
        Assert.Equal(1, await app.WithDbAsync(db => db.FollowUpCases.Where(f => f.Id == fu.Id).Select(f => f.FailedCalls).SingleAsync()));
    }
}
