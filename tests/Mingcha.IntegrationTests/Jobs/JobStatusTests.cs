using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Jobs;
using Mingcha.Web.Features.Ratings;
using Mingcha.Web.Infrastructure;

namespace Mingcha.IntegrationTests.Jobs;

/// <summary>A job due every ten minutes that always fails (a mail server gone for good, say).</summary>
internal sealed class AlwaysFailingJob(string name) : IRecurringJob
{
    public string Name => name;

    public DateTime NextRun(DateTime afterUtc, TimeZoneInfo zone) =>
        new DateTime(afterUtc.Ticks - afterUtc.Ticks % TimeSpan.FromMinutes(10).Ticks, DateTimeKind.Utc).AddMinutes(10);

    public Task<string> RunAsync(IServiceProvider services, DateTime occurrenceUtc, CancellationToken ct) =>
        throw new InvalidOperationException("短信网关不可用 the SMS gateway is away");
}

internal static class JobStatusKit
{
    public static JobScheduler Scheduler(MingchaApp app, params IRecurringJob[] jobs) =>
        new(app.Services.GetRequiredService<IServiceScopeFactory>(), jobs, app.Clock, app.Services.GetRequiredService<IOptions<MingchaOptions>>(),
            app.Services.GetRequiredService<ILogger<JobScheduler>>());

    public static async Task<JsonElement> JobAsync(HttpClient system, string name)
    {
        var response = await system.GetAsync("/api/v1/jobs");
        await response.ExpectAsync(HttpStatusCode.OK);
        var jobs = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return jobs.EnumerateArray().Single(j => j.GetProperty("name").GetString() == name);
    }

    public static async Task<string> HealthAsync(MingchaApp app)
    {
        var response = await app.NewClient().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // degraded is still 200: a load balancer keeps the instance
        return await response.Content.ReadAsStringAsync();
    }
}

/// <summary>Decision 003 (amended): the system administrator sees a failing job on a page and in the API, and /health says "Degraded".</summary>
public sealed class JobStatusTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task FailingQuarterlyJob_ShowsAsRetrying_ToTheSystemAdministrator_AndHealthIsDegradedUntilItRuns()
    {
        var job = new FlakyJob(app.Services.GetServices<IRecurringJob>().OfType<PhoneSurveyJob>().Single(), failures: 1);
        var scheduler = JobStatusKit.Scheduler(app, job);

        // No instance runs jobs in tests: every job of the app is listed, none scheduled yet, and that needs no one.
        var before = await JobStatusKit.JobAsync(await app.ClientAsAsync(Roles.SystemAdmin), PhoneSurveyJob.JobName);
        Assert.Equal("NotScheduled", before.GetProperty("state").GetString());
        Assert.Equal("Healthy", await JobStatusKit.HealthAsync(app));

        await scheduler.RunDueJobsAsync(CancellationToken.None); // registers it
        await app.CaseWithPhoneAsync(app.Clock.GetUtcNow().UtcDateTime); // someone to draw in the quarter
        var occurrence = (await app.WithDbAsync(db => db.ScheduledJobs.AsNoTracking().SingleAsync(j => j.Name == job.Name))).NextRunAt;
        app.Clock.Set(new DateTimeOffset(occurrence));
        await scheduler.RunDueJobsAsync(CancellationToken.None); // fails
        var system = await app.ClientAsAsync(Roles.SystemAdmin); // signed in on the new clock (a session ends after 30 idle minutes)

        var failing = await JobStatusKit.JobAsync(system, PhoneSurveyJob.JobName);
        Assert.Equal("Retrying", failing.GetProperty("state").GetString());
        Assert.Equal(1, failing.GetProperty("failedAttempts").GetInt32());
        Assert.Equal(occurrence.AddMinutes(5), failing.GetProperty("retryAt").GetDateTime());
        var run = failing.GetProperty("runs").EnumerateArray().Single();
        Assert.True(run.GetProperty("failed").GetBoolean());
        Assert.Contains("数据库暂不可用", run.GetProperty("result").GetString(), StringComparison.Ordinal);
        Assert.Equal("Degraded", await JobStatusKit.HealthAsync(app));

        // The page, in the office's time: the occurrence is 1 January 2027, 01:00 in Beijing; the retry at 01:05.
        var page = WebUtility.HtmlDecode(await system.GetStringAsync("/Admin/Jobs"));
        Assert.Contains($"data-job=\"{PhoneSurveyJob.JobName}\" data-state=\"Retrying\" class=\"attention\"", page, StringComparison.Ordinal);
        Assert.Contains("已失败 1 次，2027-01-01 01:05 后重试", page, StringComparison.Ordinal);
        Assert.Contains("<p class=\"error\" role=\"alert\" id=\"jobs-attention\">1 个任务需要处理。</p>", page, StringComparison.Ordinal);

        // The retry succeeds: the quarter is drawn, the job is well again, and so is /health.
        app.Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(1, await scheduler.RunDueJobsAsync(CancellationToken.None));
        var well = await JobStatusKit.JobAsync(system, PhoneSurveyJob.JobName);
        Assert.Equal("Ok", well.GetProperty("state").GetString());
        Assert.StartsWith("drew ", well.GetProperty("lastResult").GetString(), StringComparison.Ordinal);
        Assert.Equal("Healthy", await JobStatusKit.HealthAsync(app));
        Assert.DoesNotContain("id=\"jobs-attention\"", await system.GetStringAsync("/Admin/Jobs"), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task JobsPageAndApi_AreTheSystemAdministratorsOnly()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var unit = (await (await office.PostJsonAsync("/api/v1/units", new { code = $"jobs-{Guid.NewGuid():N}"[..20], name = "任务测试局" })).ReadAsync<JsonElement>(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        foreach (var role in new[] { Roles.OfficeAdmin, Roles.SecurityAdmin, Roles.Auditor, Roles.UnitLiaison, Roles.Leader })
        {
            var client = await app.ClientAsAsync(role, role == Roles.UnitLiaison ? unit : null);
            await (await client.GetAsync("/api/v1/jobs")).ExpectAsync(HttpStatusCode.Forbidden);
            var page = await client.GetAsync("/Admin/Jobs");
            Assert.True(page.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Redirect, $"{role}: {page.StatusCode}");
            if (page.StatusCode == HttpStatusCode.Redirect) Assert.Contains("/Account/Denied", page.Headers.Location?.OriginalString, StringComparison.Ordinal);
            Assert.DoesNotContain("/Admin/Jobs", await client.GetStringAsync("/"), StringComparison.Ordinal);
        }
        await (await app.NewClient().GetAsync("/api/v1/jobs")).ExpectAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("/Admin/Jobs", await (await app.ClientAsAsync(Roles.SystemAdmin)).GetStringAsync("/"), StringComparison.Ordinal);
    }

    /// <summary>Every job of the application is named on the page by what it does, not by its key alone.</summary>
    [Fact]
    public async Task JobsPage_NamesEveryJobByWhatItDoes()
    {
        var page = WebUtility.HtmlDecode(await (await app.ClientAsAsync(Roles.SystemAdmin)).GetStringAsync("/Admin/Jobs"));
        foreach (var job in app.Services.GetServices<IRecurringJob>())
        {
            Assert.Contains($"<code class=\"muted\">{job.Name}</code>", page, StringComparison.Ordinal);
            Assert.DoesNotContain($"<summary>{job.Name}</summary>", page, StringComparison.Ordinal);
            Assert.DoesNotContain($"<td>{job.Name}<br />", page, StringComparison.Ordinal); // the key alone where the title goes
        }
    }
}

/// <summary>Decision 003 (amended): a job given up, and a job no instance runs, are degraded too; a class of its own for its /health.</summary>
public sealed class JobStatusGivenUpTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task JobGivenUp_ShowsAsFailed_AndAJobNoInstanceRuns_AsOverdue()
    {
        var failing = new AlwaysFailingJob("test-sms-every-ten-minutes");
        var idle = new AlwaysFailingJob("test-never-polled");
        await JobStatusKit.Scheduler(app, failing, idle).RunDueJobsAsync(CancellationToken.None); // registers both
        var scheduler = JobStatusKit.Scheduler(app, failing); // only the failing one is ever polled again
        var occurrence = (await app.WithDbAsync(db => db.ScheduledJobs.AsNoTracking().SingleAsync(j => j.Name == failing.Name))).NextRunAt;

        app.Clock.Set(new DateTimeOffset(occurrence));
        await scheduler.RunDueJobsAsync(CancellationToken.None); // attempt 1 fails; again in 5 minutes
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        await scheduler.RunDueJobsAsync(CancellationToken.None); // attempt 2 fails and the next occurrence has come: given up

        var system = await app.ClientAsAsync(Roles.SystemAdmin);
        var givenUp = await JobStatusKit.JobAsync(system, failing.Name);
        Assert.Equal("Failed", givenUp.GetProperty("state").GetString());
        Assert.StartsWith("attempt 2 failed: 短信网关不可用", givenUp.GetProperty("lastResult").GetString(), StringComparison.Ordinal);
        Assert.Equal(occurrence.AddMinutes(10), givenUp.GetProperty("nextRunAt").GetDateTime());
        var health = await JobStatusKit.HealthAsync(app);
        Assert.Equal("Degraded", health);

        // Nobody polled the idle job for longer than the grace time (15 minutes): overdue.
        app.Clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal("Overdue", (await JobStatusKit.JobAsync(await app.ClientAsAsync(Roles.SystemAdmin), idle.Name)).GetProperty("state").GetString());

    }
}

/// <summary>Decision 003 (amended): how long a given-up occurrence keeps /health degraded.</summary>
public sealed class JobAttentionTests
{
    private static JobView GivenUp(DateTime finishedAt) => new("x", JobState.Failed, finishedAt.AddMinutes(10), finishedAt, "attempt 3 failed: x", 0, null, null,
        [new JobRunView(finishedAt.AddHours(-1), finishedAt, finishedAt, "a", "attempt 3 failed: x", true)]);

    [Fact]
    [Trait("Rule", "SEC-1")]
    public void GivenUpOccurrence_NeedsAttentionForAWeek_ThenOnlyThePageShowsIt()
    {
        var at = new DateTime(2026, 12, 1, 1, 0, 0, DateTimeKind.Utc);
        Assert.True(JobStatusReader.NeedsAttention(GivenUp(at), at.AddDays(6)));
        Assert.False(JobStatusReader.NeedsAttention(GivenUp(at), at.AddDays(7).AddMinutes(1)));
        Assert.True(JobStatusReader.NeedsAttention(GivenUp(at) with { State = JobState.Retrying }, at.AddDays(30)));
        Assert.True(JobStatusReader.NeedsAttention(GivenUp(at) with { State = JobState.Overdue }, at.AddDays(30)));
        Assert.False(JobStatusReader.NeedsAttention(GivenUp(at) with { State = JobState.NotScheduled }, at));
        Assert.False(JobStatusReader.NeedsAttention(GivenUp(at) with { State = JobState.Running }, at));
    }
}
