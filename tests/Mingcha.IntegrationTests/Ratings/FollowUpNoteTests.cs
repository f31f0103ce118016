using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Features.Ratings;

namespace Mingcha.IntegrationTests.Ratings;

/// <summary>
/// SAT-7 follow-up notes at their limits: what a follow-up case stores fits its columns (varchar on PostgreSQL), and an
/// over-long text is refused by name, never a 500, on the API and on the page alike.
/// </summary>
public sealed class FollowUpNoteTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private sealed record Stored(Guid Id, string Status);

    /// <summary>The page's error names the limit (the forms' maxlength="2000" is not the message).</summary>
    private const string LimitShown = @"id=""error"">[^<]*2000";
    private sealed record FollowUpRow(Guid Id, Guid RatingId, string State, bool RatingExcluded, string? AppealDecisionNote);

    private Task<(HttpClient Liaison, FollowUpRow Case)> AnonymousCaseAsync(int window) => AnonymousCaseAsync<FollowUpRow>(app, window, r => r.RatingId);

    /// <summary>An anonymous bad rating at the window's device, and the follow-up case it opens for the unit's liaison.</summary>
    internal static async Task<(HttpClient Liaison, TRow Case)> AnonymousCaseAsync<TRow>(MingchaApp app, int window, Func<TRow, Guid> ratingOf) where TRow : class
    {
        var w = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window && s.ParentSectionId != null).OrderBy(s => s.Code).Skip(window).FirstAsync());
        var (device, _) = await app.TokenClientAsync(w.UnitId, "ratings:write");
        var posted = await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, level = 3 });
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var ratingId = (await posted.Content.ReadFromJsonAsync<Stored>())!.Id;
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, w.UnitId);
        var fu = await RatingsTests.WaitForAsync(async () => (await liaison.GetFromJsonAsync<List<TRow>>("/api/v1/follow-ups"))!.FirstOrDefault(f => ratingOf(f) == ratingId));
        return (liaison, fu);
    }

    /// <summary>
    /// An upheld appeal's note may hold 2000 characters; the exclusion's reason (1000) is cut to fit, the full note kept on
    /// the case. Runs on both databases: on PostgreSQL an over-long reason was a 500.
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-7")]
    public async Task AppealUpheld_WithA1900CharacterNote_ExcludesTheRating_TheReasonCutToFit_TheNoteKeptWhole()
    {
        var (liaison, fu) = await AnonymousCaseAsync(0);
        Assert.Equal(HttpStatusCode.OK, (await liaison.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/appeal", new { reason = "评价人误按" })).StatusCode);
        var note = string.Concat(Enumerable.Repeat("录音证实误按。", 300))[..1900];
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var decided = await office.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/appeal-decision", new { upheld = true, note });
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var after = (await decided.Content.ReadFromJsonAsync<FollowUpRow>())!;
        Assert.Equal("Closed", after.State);
        Assert.True(after.RatingExcluded);
        Assert.Equal(note, after.AppealDecisionNote);
        var reason = await app.WithDbAsync(db => db.RatingExclusions.Where(x => x.RatingId == fu.RatingId).Select(x => x.Reason).SingleAsync());
        Assert.True(reason.Length <= RatingExclusion.ReasonMaxLength, $"{reason.Length} characters");
        Assert.StartsWith("申诉成立：录音证实误按。", reason, StringComparison.Ordinal);
        Assert.EndsWith("…", reason, StringComparison.Ordinal);
    }

    /// <summary>
    /// The page calls the same service as the API, which checks the lengths itself: a note, reason or decision over 2000
    /// characters posted on the page is a message naming the limit, not a 500, and nothing is stored.
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-7")]
    public async Task FollowUpsPage_WhenATextIsOverLong_ShowsAMessage_AndStoresNothing()
    {
        var (liaison, fu) = await AnonymousCaseAsync(1);
        var page = $"/Ratings/FollowUps?id={fu.Id}";
        var tooLong = new string('长', 2001);

        var step = await liaison.PostFormAsync(page, "Step", new() { ["id"] = fu.Id.ToString(), ["step"] = "CallBack", ["note"] = tooLong, ["reached"] = "false" });
        Assert.Equal(HttpStatusCode.BadRequest, step.StatusCode);
        Assert.Matches(LimitShown, await step.Content.ReadAsStringAsync());
        var failed = await liaison.PostFormAsync(page, "FailedCall", new() { ["id"] = fu.Id.ToString(), ["note"] = tooLong });
        Assert.Equal(HttpStatusCode.BadRequest, failed.StatusCode);
        Assert.Matches(LimitShown, await failed.Content.ReadAsStringAsync());
        var appeal = await liaison.PostFormAsync(page, "Appeal", new() { ["id"] = fu.Id.ToString(), ["reason"] = tooLong });
        Assert.Equal(HttpStatusCode.BadRequest, appeal.StatusCode);
        Assert.Matches(LimitShown, await appeal.Content.ReadAsStringAsync());
        var stored = await app.WithDbAsync(db => db.FollowUpCases.AsNoTracking().SingleAsync(f => f.Id == fu.Id));
        Assert.Equal(FollowUpState.Open, stored.State);
        Assert.Null(stored.CalledBackAt);
        Assert.Null(stored.CallBackNote);
        Assert.Equal(0, stored.FailedCalls);
        Assert.Null(stored.AppealedAt);

        // The Office's decision likewise.
        Assert.Equal(HttpStatusCode.Redirect, (await liaison.PostFormAsync(page, "Appeal", new() { ["id"] = fu.Id.ToString(), ["reason"] = "评价人误按" })).StatusCode);
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var decide = await office.PostFormAsync(page, "Decide", new() { ["id"] = fu.Id.ToString(), ["upheld"] = "true", ["note"] = tooLong });
        Assert.Equal(HttpStatusCode.BadRequest, decide.StatusCode);
        Assert.Matches(LimitShown, await decide.Content.ReadAsStringAsync());
        var appealed = await app.WithDbAsync(db => db.FollowUpCases.AsNoTracking().SingleAsync(f => f.Id == fu.Id));
        Assert.Equal(FollowUpState.Appealed, appealed.State);
        Assert.Null(appealed.AppealDecisionNote);
        Assert.False(await app.WithDbAsync(db => db.RatingExclusions.AnyAsync(x => x.RatingId == fu.RatingId)));
    }
}
