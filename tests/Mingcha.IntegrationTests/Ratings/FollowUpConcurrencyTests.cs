using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Satisfaction;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Ratings;

namespace Mingcha.IntegrationTests.Ratings;

/// <summary>
/// SAT-7, SAT-9: two Office decisions made from the same reading of a follow-up case's appeal or of a manipulation flag
/// cannot both be stored (migration 0041: a version on both, as on complaints and notices). Before, the later save
/// reopened an upheld appeal or cleared a confirmed flag while the rating stayed excluded.
/// </summary>
public sealed class FollowUpConcurrencyTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private sealed record FollowUpRow(Guid Id, Guid RatingId, string State, bool RatingExcluded, bool? AppealUpheld);

    [Fact]
    [Trait("Rule", "SAT-7")]
    public async Task AppealDecision_SavedFromAnOlderReading_IsRefused_TheFirstDecisionStands()
    {
        var (liaison, fu) = await FollowUpNoteTests.AnonymousCaseAsync<FollowUpRow>(app, 2, r => r.RatingId);
        Assert.Equal(HttpStatusCode.OK, (await liaison.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/appeal", new { reason = "评价人误按" })).StatusCode);
        var office = await app.ClientAsAsync(Roles.OfficeStaff);

        // Reader B has the appeal open (read, not yet saved) while A upholds it.
        await app.WithDbAsync(async b =>
        {
            var stale = await b.FollowUpCases.SingleAsync(f => f.Id == fu.Id);
            Assert.Equal(FollowUpState.Appealed, stale.State);
            Assert.Equal(HttpStatusCode.OK, (await office.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/appeal-decision", new { upheld = true, note = "录音证实误按" })).StatusCode);
            stale.DecideAppeal(false, "不成立", "B", app.Clock.GetUtcNow().UtcDateTime);
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => b.SaveChangesAsync());
            return 0;
        });
        var after = await office.GetFromJsonAsync<FollowUpRow>($"/api/v1/follow-ups/{fu.Id}");
        Assert.Equal(("Closed", true, (bool?)true), (after!.State, after.RatingExcluded, after.AppealUpheld));
    }

    [Fact]
    [Trait("Rule", "SAT-7")]
    public async Task AppealDecisions_PostedAtOnce_StoreOneDecision_AndTheCaseMatchesTheExclusion()
    {
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var other = await app.ClientAsAsync(Roles.OfficeStaff);
        for (var round = 0; round < 3; round++)
        {
            var (liaison, fu) = await FollowUpNoteTests.AnonymousCaseAsync<FollowUpRow>(app, 3 + round, r => r.RatingId);
            Assert.Equal(HttpStatusCode.OK, (await liaison.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/appeal", new { reason = "评价人误按" })).StatusCode);
            var answers = await Task.WhenAll(
                office.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/appeal-decision", new { upheld = true, note = "成立" }),
                other.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/appeal-decision", new { upheld = false, note = "不成立" }));
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
            var after = await office.GetFromJsonAsync<FollowUpRow>($"/api/v1/follow-ups/{fu.Id}");
            // Upheld: closed and excluded; rejected: open again, counted.
            Assert.Equal(after!.AppealUpheld == true, after.RatingExcluded);
            Assert.Equal(after.AppealUpheld == true ? "Closed" : "Open", after.State);
        }
    }

    [Fact]
    [Trait("Rule", "SAT-9")]
    public async Task FlagReview_SavedFromAnOlderReading_IsRefused_AndThePageShowsAMessageForASecondReview()
    {
        var (_, fu) = await FollowUpNoteTests.AnonymousCaseAsync<FollowUpRow>(app, 7, r => r.RatingId);
        var flagId = await app.WithDbAsync(async db =>
        {
            var flag = new RatingFlag(fu.RatingId, ManipulationRule.OutsideOpeningHours, "测试：非工作时间评价", app.Clock.GetUtcNow().UtcDateTime);
            db.RatingFlags.Add(flag);
            await db.SaveChangesAsync();
            return flag.Id;
        });
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        await app.WithDbAsync(async b =>
        {
            var stale = await b.RatingFlags.SingleAsync(f => f.Id == flagId);
            Assert.Equal(HttpStatusCode.OK, (await office.PostAsJsonAsync($"/api/v1/rating-flags/{flagId}/review", new { confirmed = true })).StatusCode);
            stale.Review(false, "B", app.Clock.GetUtcNow().UtcDateTime);
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => b.SaveChangesAsync());
            return 0;
        });
        var stored = await app.WithDbAsync(db => db.RatingFlags.AsNoTracking().SingleAsync(f => f.Id == flagId));
        Assert.True(stored.Confirmed);
        Assert.True(await app.WithDbAsync(db => db.RatingExclusions.AnyAsync(x => x.RatingId == fu.RatingId)));

        // The page: reviewing the flag again (another user's click got there first) is a message in the page, not a problem document.
        var html = await office.GetStringAsync("/Ratings/Flags?all=true");
        var page = await office.PostAsync("/Ratings/Flags?handler=Review", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["id"] = flagId.ToString(), ["confirmed"] = "false", ["__RequestVerificationToken"] = Pages.AntiforgeryToken(html),
        }));
        Assert.Equal(HttpStatusCode.Conflict, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("flag-error", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True((await app.WithDbAsync(db => db.RatingFlags.AsNoTracking().SingleAsync(f => f.Id == flagId))).Confirmed);
    }

    [Fact]
    [Trait("Rule", "SAT-5")]
    public async Task Incentives_ForAYearOutsideTheRecords_AreRefusedByName_NotA500()
    {
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        foreach (var year in new[] { 0, 9999 })
            await (await office.PostAsync($"/api/v1/incentives/{year}/badges", null)).ExpectFieldErrorAsync("year");
        await (await office.PostJsonAsync("/api/v1/incentives/1999/awards", new { kind = "Grievance", subjectId = Guid.NewGuid(), reason = "受了委屈" })).ExpectFieldErrorAsync("year");
    }
}
