using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.IntegrationTests.Ratings;

public sealed class PhoneSurveyTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private sealed record Call(Guid Id, int Order, string CaseNumber, string Phone, bool? Reached, Guid? RatingId);
    private sealed record Draw(Guid Id, int Year, int Quarter, string Algorithm, string Seed, string InputHash, int InputCount, List<Call> Calls);
    private sealed record Verify(bool Reproduced, string InputHash);

    [Fact]
    [Trait("Rule", "SAT-3")]
    [Trait("Rule", "SEC-4")]
    public async Task QuarterDraw_WhenDrawnWithSeed_IsReproducibleMaskedAndAnswersBecomePhoneRatings()
    {
        var window = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window).OrderBy(s => s.Code).FirstAsync());
        AccountsApi.CreateTokenResponse? token = null;
        await app.WithScopeAsync(async sp => token = await AccountsApi.CreateTokenAsync(new AccountsApi.CreateTokenRequest("system", ["service-records:write"], window.UnitId, null),
            "test", sp.GetRequiredService<Mingcha.Web.Data.MingchaDb>(), TimeProvider.System, default));
        var system = app.NewClient();
        system.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!.Token);
        var now = app.Clock.GetUtcNow().UtcDateTime;
        for (var i = 0; i < 8; i++)
        {
            var r = await system.PostAsJsonAsync("/api/v1/service-records", new { caseNumber = $"SV-{i:000}", sectionId = window.Id, citizenPhone = i == 7 ? null : $"1390000{i:0000}", finishedAt = now.AddDays(-i) });
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        }
        // One person's other cases (S2 draws 100 people, not cases): not candidates beside SV-000.
        foreach (var extra in new[] { "SV-900", "SV-901" })
            Assert.Equal(HttpStatusCode.Created, (await system.PostAsJsonAsync("/api/v1/service-records", new { caseNumber = extra, sectionId = window.Id, citizenPhone = "139-0000-0000", finishedAt = now.AddDays(-1) })).StatusCode);

        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var created = await office.PostAsJsonAsync("/api/v1/surveys", new { year = 2026, quarter = 4, count = 3, seed = "2026Q4-office" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var draw = (await created.Content.ReadFromJsonAsync<Draw>())!;
        Assert.Equal(7, draw.InputCount); // only records with a phone number, one per phone
        Assert.Equal("sha256-rank-v1", draw.Algorithm);
        Assert.Equal(3, draw.Calls.Count);
        var expected = Mingcha.Domain.Satisfaction.SurveyDraw.Draw(Enumerable.Range(0, 7).Select(i => $"SV-{i:000}"), 3, "2026Q4-office");
        Assert.Equal(expected.Drawn, draw.Calls.Select(c => c.CaseNumber));
        Assert.All(draw.Calls, c => Assert.Matches(@"^139\*\*\*\*\d{4}$", c.Phone));
        Assert.True((await office.GetFromJsonAsync<Verify>($"/api/v1/surveys/{draw.Id}/verify"))!.Reproduced);
        Assert.Equal(HttpStatusCode.Conflict, (await office.PostAsJsonAsync("/api/v1/surveys", new { year = 2026, quarter = 4 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await office.PostAsJsonAsync("/api/v1/surveys", new { year = 2026, quarter = 5 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync(Roles.UnitLiaison, window.UnitId)).GetAsync($"/api/v1/surveys/{draw.Id}")).StatusCode);

        var listPage = await (await office.GetAsync($"/Ratings/Survey/{draw.Id}")).Content.ReadAsStringAsync();
        Assert.Contains(draw.Calls[0].Phone, listPage); // SEC-4: the calling list shows masked numbers only
        Assert.DoesNotMatch(@"1390000\d{4}", listPage);

        var first = draw.Calls[0];
        var reveal = await office.PostAsync($"/api/v1/survey-calls/{first.Id}/reveal-phone", null);
        Assert.Contains("1390000", await reveal.Content.ReadAsStringAsync());
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "personal-data.reveal" && a.EntityKey == first.Id.ToString())));

        var answered = await office.PostAsJsonAsync($"/api/v1/survey-calls/{first.Id}/answer", new { reached = true, level = 2 });
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var call = (await answered.Content.ReadFromJsonAsync<Call>())!;
        Assert.NotNull(call.RatingId);
        var rating = await app.WithDbAsync(db => db.Ratings.SingleAsync(r => r.Id == call.RatingId));
        Assert.Equal(Mingcha.Domain.Satisfaction.RatingChannel.Phone, rating.Channel);
        Assert.Equal(first.CaseNumber, rating.CaseNumber);
        Assert.Equal(HttpStatusCode.Conflict, (await office.PostAsJsonAsync($"/api/v1/survey-calls/{first.Id}/answer", new { reached = true, level = 1 })).StatusCode);
        // Not reached: recorded, and the person may be called again; once reached, the answer stands.
        var second = draw.Calls[1];
        var missed = await office.PostAsJsonAsync($"/api/v1/survey-calls/{second.Id}/answer", new { reached = false });
        Assert.Equal(HttpStatusCode.OK, missed.StatusCode);
        Assert.False((await missed.Content.ReadFromJsonAsync<Call>())!.Reached);
        app.Clock.Advance(TimeSpan.FromMinutes(20)); // called again a little later
        Assert.Equal(HttpStatusCode.OK, (await office.PostAsJsonAsync($"/api/v1/survey-calls/{second.Id}/answer", new { reached = false })).StatusCode);
        app.Clock.Advance(TimeSpan.FromMinutes(20));
        var reached = await office.PostAsJsonAsync($"/api/v1/survey-calls/{second.Id}/answer", new { reached = true, level = 1 });
        Assert.Equal(HttpStatusCode.OK, reached.StatusCode);
        var secondRating = (await reached.Content.ReadFromJsonAsync<Call>())!.RatingId;
        Assert.NotNull(secondRating);
        Assert.Equal(second.CaseNumber, await app.WithDbAsync(db => db.Ratings.Where(r => r.Id == secondRating).Select(r => r.CaseNumber).SingleAsync()));
        Assert.Equal(HttpStatusCode.Conflict, (await office.PostAsJsonAsync($"/api/v1/survey-calls/{second.Id}/answer", new { reached = false })).StatusCode);
        // Each attempt stays in the audit trail, with its time.
        Assert.Equal(3, await app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.EntityType == "SurveyCall" && a.EntityKey == second.Id.ToString() && a.Action == "update")));
    }
}
