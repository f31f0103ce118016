using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Jobs;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Features.Ratings;
using Mingcha.Web.Infrastructure;

namespace Mingcha.IntegrationTests.Ratings;

/// <summary>SAT-3: the quarter's phone survey is drawn by a job at the end of the quarter, once.</summary>
public sealed class PhoneSurveyJobTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    [Fact]
    [Trait("Rule", "SAT-3")]
    public async Task QuarterEnd_WhenTheJobRuns_DrawsTheEndedQuarterOnceWithItsRecordedSeed()
    {
        var job = Assert.Single(app.Services.GetServices<IRecurringJob>().OfType<PhoneSurveyJob>());
        var zone = app.Services.GetRequiredService<IOptions<MingchaOptions>>().Value.TimeZoneInfo;
        // Monday 16 November 2026 → Friday 1 January 2027, 01:00 in Beijing.
        var occurrence = job.NextRun(app.Clock.GetUtcNow().UtcDateTime, zone);
        Assert.Equal(new DateTime(2026, 12, 31, 17, 0, 0, DateTimeKind.Utc), occurrence);
        Assert.Equal(new DateTime(2027, 3, 31, 17, 0, 0, DateTimeKind.Utc), job.NextRun(occurrence, zone));

        var window = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window).OrderBy(s => s.Code).FirstAsync());
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var now = app.Clock.GetUtcNow().UtcDateTime;
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Created, (await office.PostAsJsonAsync("/api/v1/service-records",
                new { caseNumber = $"JOB-{i:000}", sectionId = window.Id, citizenPhone = $"1370000{i:0000}", finishedAt = now.AddDays(-i) })).StatusCode);

        // SAT-3: the quarter is drawn once it has ended: the job runs at its occurrence, 1 January 2027 01:00 in Beijing.
        app.Clock.Set(occurrence);
        office = await app.ClientAsAsync(Roles.OfficeStaff); // sessions do not outlive the clock's jumps
        string result = "";
        await app.WithScopeAsync(async sp => result = await job.RunAsync(sp, occurrence, default));
        Assert.Equal("drew 5 of 5 for 2026 Q4", result);
        var draw = await app.WithDbAsync(db => db.Set<SurveyDrawRecord>().SingleAsync(d => d.Year == 2026 && d.Quarter == 4));
        Assert.Equal(100, draw.Requested); // the configured survey size (default 100); fewer records, all drawn
        Assert.False(string.IsNullOrEmpty(draw.Seed));
        var verify = await office.GetStringAsync($"/api/v1/surveys/{draw.Id}/verify");
        Assert.Contains("\"reproduced\":true", verify, StringComparison.Ordinal);

        // Run again (a second instance, a retry): the quarter is not drawn twice.
        await app.WithScopeAsync(async sp => result = await job.RunAsync(sp, occurrence, default));
        Assert.Equal("2026 Q4 already drawn", result);
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<SurveyDrawRecord>().CountAsync(d => d.Year == 2026 && d.Quarter == 4)));
    }

    /// <summary>
    /// SAT-3: a quarter in which no case with a phone number was finished (its business system not connected yet, its import
    /// not done) is not drawn with no one: the job says so and stores nothing, and once the quarter's cases are in, the office
    /// draws it (a draw of no one would have stood for the quarter and kept those cases from ever being drawn).
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-3")]
    public async Task QuarterWithoutAnyoneToDraw_IsLeftUndrawn_AndDrawnOnceItsCasesAreIn()
    {
        var job = Assert.Single(app.Services.GetServices<IRecurringJob>().OfType<PhoneSurveyJob>());
        var zone = app.Services.GetRequiredService<IOptions<MingchaOptions>>().Value.TimeZoneInfo;
        var occurrence = job.NextRun(new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc), zone); // 1 October 2026, 01:00 in Beijing: 2026 Q3's run
        Assert.Equal(new DateTime(2026, 9, 30, 17, 0, 0, DateTimeKind.Utc), occurrence);
        Task<int> DrawsAsync() => app.WithDbAsync(db => db.Set<SurveyDrawRecord>().CountAsync(d => d.Year == 2026 && d.Quarter == 3));
        var window = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window).OrderBy(s => s.Code).FirstAsync());
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var inQ3 = new DateTime(2026, 9, 15, 2, 0, 0, DateTimeKind.Utc);
        // A case of the quarter without a phone number: nobody to call.
        Assert.Equal(HttpStatusCode.Created, (await office.PostAsJsonAsync("/api/v1/service-records",
            new { caseNumber = "EMPTY-Q3-0", sectionId = window.Id, finishedAt = inQ3 })).StatusCode);

        string result = "";
        await app.WithScopeAsync(async sp => result = await job.RunAsync(sp, occurrence, default));
        Assert.Equal("2026 Q3: no service record with a phone number, nothing drawn", result);
        Assert.Equal(0, await DrawsAsync());
        var refused = await office.PostAsJsonAsync("/api/v1/surveys", new { year = 2026, quarter = 3 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var problem = await refused.Content.ReadAsStringAsync();
        Assert.Contains("\"rule\":\"SAT-3\"", problem, StringComparison.Ordinal);
        Assert.Contains("无人可抽", problem, StringComparison.Ordinal);
        Assert.Equal(0, await DrawsAsync());

        // The quarter's cases arrive (an import after the quarter's end): the office draws it; so would a run of the job.
        for (var i = 1; i <= 3; i++)
            Assert.Equal(HttpStatusCode.Created, (await office.PostAsJsonAsync("/api/v1/service-records",
                new { caseNumber = $"EMPTY-Q3-{i}", sectionId = window.Id, citizenPhone = $"1360000{i:0000}", finishedAt = inQ3.AddDays(i) })).StatusCode);
        var drawn = await office.PostAsJsonAsync("/api/v1/surveys", new { year = 2026, quarter = 3 });
        Assert.Equal(HttpStatusCode.Created, drawn.StatusCode);
        Assert.Contains("\"inputCount\":3", await drawn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await app.WithScopeAsync(async sp => result = await job.RunAsync(sp, occurrence, default));
        Assert.Equal("2026 Q3 already drawn", result);
        Assert.Equal(1, await DrawsAsync());
    }
}
