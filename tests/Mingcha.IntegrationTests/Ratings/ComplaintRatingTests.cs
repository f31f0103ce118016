using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Satisfaction;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Features.Ratings;

namespace Mingcha.IntegrationTests.Ratings;

/// <summary>SAT-1 / CMP-11: the complainant rates the answer; channel "complaint", once per complaint.</summary>
public sealed class ComplaintRatingTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private async Task<HttpClient> TokenClientAsync(Guid unitId, string scope)
    {
        AccountsApi.CreateTokenResponse? t = null;
        await app.WithScopeAsync(async sp => t = await AccountsApi.CreateTokenAsync(
            new AccountsApi.CreateTokenRequest("complaints " + Guid.NewGuid().ToString("N")[..6], [scope], unitId, null), "test", sp.GetRequiredService<MingchaDb>(), TimeProvider.System, default));
        var client = app.NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", t!.Token);
        return client;
    }

    [Fact]
    [Trait("Rule", "SAT-1")]
    [Trait("Rule", "SAT-8")]
    public async Task ComplaintAnswer_WhenRated_IsStoredOnChannelComplaintOnce_AndABadOneIsFollowedUp()
    {
        var w = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window && s.ParentSectionId != null).OrderBy(s => s.Code).Skip(7).FirstAsync());
        var complaints = await TokenClientAsync(w.UnitId, "complaints:write");
        var number = "TS" + Guid.NewGuid().ToString("N")[..10];

        var rated = await complaints.PostAsJsonAsync("/api/v1/ratings/complaint", new { complaintNumber = number, sectionId = w.Id, level = 3, phone = "13700002222", comment = "答复敷衍" });
        Assert.Equal(HttpStatusCode.Created, rated.StatusCode);
        var again = await complaints.PostAsJsonAsync("/api/v1/ratings/complaint", new { complaintNumber = number, sectionId = w.Id, level = 1 });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await complaints.PostAsJsonAsync("/api/v1/ratings/complaint", new { sectionId = w.Id, level = 1 })).StatusCode);

        var rating = await app.WithDbAsync(db => db.Ratings.SingleAsync(r => r.CaseNumber == number));
        Assert.Equal(RatingChannel.Complaint, rating.Channel);
        Assert.True(rating.IsBad);
        Assert.True(rating.RealName);
        await RatingsTests.WaitForAsync(() => app.WithDbAsync(db => db.FollowUpCases.FirstOrDefaultAsync(f => f.RatingId == rating.Id)));

        // A rating device cannot rate complaints; the complaint module in-process can, through the same checks.
        var device = await TokenClientAsync(w.UnitId, "ratings:write");
        Assert.Equal(HttpStatusCode.Forbidden, (await device.PostAsJsonAsync("/api/v1/ratings/complaint", new { complaintNumber = "X" + number, sectionId = w.Id, level = 1 })).StatusCode);
        var inProcess = "IP" + Guid.NewGuid().ToString("N")[..10];
        var stored = await app.Services.GetRequiredService<ComplaintRatings>().RateAnswerAsync(
            new ComplaintRatings.AnswerRating(inProcess, w.Id, null, 1, RatingScale.ThreeLevel, null, null, null), null, default);
        Assert.Equal(RatingWriteStatus.Stored, stored.Status);
        Assert.Equal(RatingChannel.Complaint, (await app.WithDbAsync(db => db.Ratings.SingleAsync(r => r.CaseNumber == inProcess))).Channel);
    }
}
