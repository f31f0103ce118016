using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Satisfaction;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Features.Ratings;

namespace Mingcha.IntegrationTests.Ratings;

/// <summary>The office's pages of the satisfaction module: flags review (SAT-9), incentives (SAT-5), secondments (ORG-7).</summary>
public sealed partial class SatisfactionPagesTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private sealed record Created(Guid Id);

    [Fact]
    [Trait("Rule", "SAT-9")]
    public async Task FlagsPage_WhenTheOfficeConfirmsABurst_ExcludesTheRatingAndTheUnitCannotOpenIt()
    {
        var w = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window && s.ParentSectionId != null).OrderBy(s => s.Code).Skip(8).FirstAsync());
        var (device, t) = await app.TokenClientAsync(w.UnitId, "ratings:write");
        for (var i = 0; i < 10; i++) // ten top ratings from one device within two minutes: the device-burst rule fires
            Assert.Equal(HttpStatusCode.Created, (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, level = 1 })).StatusCode);
        var flag = await RatingsTests.WaitForAsync(() => app.WithDbAsync(db =>
            db.RatingFlags.Where(f => db.Ratings.Any(r => r.Id == f.RatingId && r.DeviceId == t.Id)).FirstOrDefaultAsync()));

        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var page = await office.GetStringAsync("/Ratings/Flags");
        Assert.Contains($"data-flag=\"{flag.Id}\"", page, StringComparison.Ordinal);
        Assert.Contains("个最高评价。", page, StringComparison.Ordinal); // the rule that fired, in the page's language only
        Assert.DoesNotContain("top ratings from one device", page, StringComparison.Ordinal);
        var token = Antiforgery().Match(page).Groups[1].Value;
        var posted = await office.PostAsync("/Ratings/Flags?handler=Review", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["id"] = flag.Id.ToString(), ["confirmed"] = "true", ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.True(await app.WithDbAsync(db => db.RatingExclusions.AnyAsync(x => x.RatingId == flag.RatingId)));
        Assert.DoesNotContain($"data-flag=\"{flag.Id}\"", await office.GetStringAsync("/Ratings/Flags"), StringComparison.Ordinal);

        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, w.UnitId);
        Assert.NotEqual(HttpStatusCode.OK, (await liaison.GetAsync("/Ratings/Flags")).StatusCode);
    }

    [Fact]
    [Trait("Rule", "SAT-5")]
    [Trait("Rule", "ORG-7")]
    public async Task IncentivesAndSecondmentsPages_WhenOpenedByTheOffice_ShowTheYearsBadgesAndTheSecondments()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        Assert.Equal(HttpStatusCode.OK, (await office.PostAsync("/api/v1/incentives/2026/badges", null)).StatusCode);
        var incentives = await office.GetStringAsync("/Ratings/Incentives?year=2026");
        Assert.Matches(@"id=""badges-held"">[^<]*[1-9]", incentives);
        Assert.Contains("data-ranking-title=\"BestServiceModel\"", incentives, StringComparison.Ordinal);

        var outlet = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window).OrderBy(s => s.Code).FirstAsync());
        var staff = await app.WithDbAsync(db => db.Staff.OrderBy(s => s.Code).Select(s => s.Id).FirstAsync());
        var created = await office.PostAsJsonAsync("/api/v1/secondments", new { staffId = staff, outletSectionId = outlet.Id, title = "第一副所长", start = "2026-11-01", end = "2027-10-31", targets = new[] { "服务行为规范" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<Created>())!.Id;
        var secondments = await office.GetStringAsync("/Ratings/Secondments");
        Assert.Contains($"data-secondment=\"{id}\"", secondments, StringComparison.Ordinal);
        Assert.Contains("0 / 1", secondments, StringComparison.Ordinal); // no target met yet

        var leader = await app.ClientAsAsync(Roles.Leader);
        Assert.NotEqual(HttpStatusCode.OK, (await leader.GetAsync("/Ratings/Secondments")).StatusCode);
    }

    /// <summary>
    /// The follow-up page is where the unit works its cases (SAT-7): each step in order with what was done, a real-name rater
    /// reached on the call back, an appeal; the Office decides the appeal there. Refusals are messages on the page, and
    /// another unit cannot act on the case.
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-7")]
    [Trait("Rule", "SEC-2")]
    public async Task FollowUpsPage_TheUnitRecordsStepsAndAppeals_AndTheOfficeDecides()
    {
        var w = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window && s.ParentSectionId != null).OrderBy(s => s.Code).Skip(5).FirstAsync());
        var (device, t) = await app.TokenClientAsync(w.UnitId, "ratings:write");
        var posted = await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, level = 3, phone = "13900002222" });
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var ratingId = (await posted.Content.ReadFromJsonAsync<Created>())!.Id;
        var fu = await RatingsTests.WaitForAsync(() => app.WithDbAsync(db => db.FollowUpCases.AsNoTracking().FirstOrDefaultAsync(f => f.RatingId == ratingId)));

        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, w.UnitId);
        var page = $"/Ratings/FollowUps?id={fu.Id}";
        Assert.Contains("139****2222", await liaison.GetStringAsync(page), StringComparison.Ordinal);

        // A real-name rater not reached: refused with the rule, on the page, and nothing recorded.
        var notReached = await liaison.PostFormAsync(page, "Step", new() { ["id"] = fu.Id.ToString(), ["step"] = "CallBack", ["note"] = "无人接听" });
        Assert.Equal(HttpStatusCode.BadRequest, notReached.StatusCode);
        Assert.Contains("(SAT-7)", await notReached.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(await app.WithDbAsync(db => db.FollowUpCases.Where(f => f.Id == fu.Id).Select(f => f.CalledBackAt).SingleAsync()));

        var called = await liaison.PostFormAsync(page, "Step", new() { ["id"] = fu.Id.ToString(), ["step"] = "CallBack", ["note"] = "已电话回访本人", ["reached"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, called.StatusCode);
        Assert.Contains("已记录。", await liaison.GetStringAsync(called.Headers.Location!.OriginalString), StringComparison.Ordinal);
        Assert.Equal(FollowUpStep.Verify, await app.WithDbAsync(db => db.FollowUpCases.Where(f => f.Id == fu.Id).Select(f => f.NextStep).SingleAsync()));

        // Another unit's liaison cannot act on it.
        var otherUnit = await app.WithDbAsync(db => db.Units.Where(u => u.Id != w.UnitId).OrderBy(u => u.Code).Select(u => u.Id).FirstAsync());
        var stranger = await app.ClientAsAsync(Roles.UnitLiaison, otherUnit);
        var foreign = await stranger.PostFormAsync("/Ratings/FollowUps", "Step", new() { ["id"] = fu.Id.ToString(), ["step"] = "Verify", ["note"] = "越权" });
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.Equal(FollowUpStep.Verify, await app.WithDbAsync(db => db.FollowUpCases.Where(f => f.Id == fu.Id).Select(f => f.NextStep).SingleAsync()));

        // The unit appeals; it cannot decide its own appeal; the Office upholds it and the rating is excluded (kept).
        Assert.Equal(HttpStatusCode.Redirect, (await liaison.PostFormAsync(page, "Appeal", new() { ["id"] = fu.Id.ToString(), ["reason"] = "评价人误按，回访时本人确认" })).StatusCode);
        var self = await liaison.PostFormAsync(page, "Decide", new() { ["id"] = fu.Id.ToString(), ["upheld"] = "true", ["note"] = "自己批" });
        // SEC-1: deciding is the Office's handler; the liaison is refused before it runs (the access-denied page).
        Assert.Equal(HttpStatusCode.Redirect, self.StatusCode);
        Assert.Equal("/Account/Denied", self.Headers.Location?.AbsolutePath);
        Assert.False(await app.WithDbAsync(db => db.RatingExclusions.AnyAsync(x => x.RatingId == ratingId)));
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var queue = await office.GetStringAsync("/Ratings/FollowUps");
        Assert.Contains($"data-case=\"{fu.Id}\"", queue, StringComparison.Ordinal); // appeals to decide are in the Office's list
        Assert.Contains("评价人误按", queue, StringComparison.Ordinal);
        var decided = await office.PostFormAsync("/Ratings/FollowUps", "Decide", new() { ["id"] = fu.Id.ToString(), ["upheld"] = "true", ["note"] = "回访录音证实误按" });
        Assert.Equal(HttpStatusCode.Redirect, decided.StatusCode);
        Assert.True(await app.WithDbAsync(db => db.RatingExclusions.AnyAsync(x => x.RatingId == ratingId)));
        Assert.True(await app.WithDbAsync(db => db.Ratings.AnyAsync(r => r.Id == ratingId))); // kept
    }

    [Fact]
    [Trait("Rule", "SAT-3")]
    public async Task SurveyPage_RecordsEachCall_NotReachedThenReached_AsAPhoneRating()
    {
        var window = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window && s.ParentSectionId != null).OrderBy(s => s.Code).Skip(2).FirstAsync());
        var (system, t) = await app.TokenClientAsync(window.UnitId, "service-records:write");
        var caseNo = "SVP-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(HttpStatusCode.Created, (await system.PostAsJsonAsync("/api/v1/service-records",
            new { caseNumber = caseNo, sectionId = window.Id, citizenPhone = "13900003333", finishedAt = app.Clock.GetUtcNow().UtcDateTime.AddDays(-60) })).StatusCode);
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var drawn = await office.PostAsJsonAsync("/api/v1/surveys", new { year = 2026, quarter = 3, count = 1, seed = "page" });
        Assert.Equal(HttpStatusCode.Created, drawn.StatusCode);
        var draw = System.Text.Json.JsonDocument.Parse(await drawn.Content.ReadAsStringAsync()).RootElement;
        var drawId = draw.GetProperty("id").GetGuid();
        var call = draw.GetProperty("calls")[0];
        var callId = call.GetProperty("id").GetGuid();
        var page = $"/Ratings/Survey/{drawId}";

        var missed = await office.PostFormAsync(page, "Answer", new() { ["callId"] = callId.ToString(), ["reached"] = "false", ["level"] = "1" });
        Assert.Equal(HttpStatusCode.Redirect, missed.StatusCode);
        Assert.Contains("未接通", await office.GetStringAsync(page), StringComparison.Ordinal);
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        var answered = await office.PostFormAsync(page, "Answer", new() { ["callId"] = callId.ToString(), ["reached"] = "true", ["level"] = "2", ["comment"] = "办事效率还可以" });
        Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        var rating = await app.WithDbAsync(db => db.Ratings.AsNoTracking().SingleAsync(r => r.CaseNumber == call.GetProperty("caseNumber").GetString() && r.Channel == RatingChannel.Phone));
        Assert.Equal((2, "办事效率还可以"), (rating.Level, rating.Comment));
        // Once answered, the form is gone and a second answer is refused on the page.
        var again = await office.PostFormAsync(page, "Answer", new() { ["callId"] = callId.ToString(), ["reached"] = "true", ["level"] = "1" });
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("(SAT-3)", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();
}
