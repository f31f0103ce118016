using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.IntegrationTests.Rectification;
using Mingcha.Web.Features.Jobs;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Features.Ratings;

namespace Mingcha.IntegrationTests.Ratings;

/// <summary>
/// SAT-4 over counted days (decision 043): a period's figures read the days' counts up to yesterday and the ratings for
/// the rest, and stay what the ratings say when a rating arrives late for a counted day, when a rating is excluded after
/// its day was counted, when a phone survey's answer is given, and when the clock goes back. On an app of its own: the
/// clock moves, and the counts are this class's ratings alone.
/// </summary>
public sealed class RatingDayCountTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private sealed record Line(Guid Id, int Ratings, int Satisfied, int Basic, int Unsatisfied, int Excluded, decimal? Rate, decimal? Coefficient);
    private sealed record Report(Line? Unit, List<Line> Sections, List<Line> Staff);
    private sealed record UnitRate(int Counted, int Excluded, decimal? Rate);
    private sealed record TrendPoint(DateOnly From, DateOnly To, int Ratings);
    private sealed record TrendReport(List<TrendPoint> Trend);
    private sealed record Stored(Guid Id);
    private sealed record FollowUpRow(Guid Id, Guid RatingId);
    private sealed record Call(Guid Id, Guid? RatingId);
    private sealed record Draw(List<Call> Calls);

    private static readonly DateTimeOffset Monday = new(2026, 11, 16, 2, 0, 0, TimeSpan.Zero);  // 10:00 in Beijing
    private static readonly DateTimeOffset Tuesday = Monday.AddDays(1);

    private static async Task<Guid> RateAsync(HttpClient device, Guid section, int level, Guid? staff, DateTimeOffset? ratedAt = null)
    {
        var r = await device.PostAsJsonAsync("/api/v1/ratings",
            new { sectionId = section, caseNumber = "DC" + Guid.NewGuid().ToString("N")[..12], level, staffId = staff, ratedAt });
        return (await r.ReadAsync<Stored>(HttpStatusCode.Created)).Id;
    }

    /// <summary>A counting, as the hourly job or the <c>count-ratings</c> command runs it (after the writer caught up).</summary>
    private Task<string> CountAsync() => app.WithScopeResultAsync(sp => sp.GetRequiredService<RatingDayCounts>().RefreshAsync(CancellationToken.None));

    private Task<int> CountedRowsAsync(DateOnly day) => app.WithDbAsync(db => db.RatingDayCounts.Where(c => c.Day == day).SumAsync(c => c.Count));

    [Fact]
    [Trait("Rule", "SAT-4")]
    [Trait("Rule", "SAT-7")]
    [Trait("Rule", "SAT-3")]
    public async Task CountedDays_GiveWhatTheRatingsSay_ThroughLateRatingsExclusionsSurveysAndAClockSetBack()
    {
        app.Clock.Set(Monday);
        var unit = await app.WithDbAsync(db => db.Units.AsNoTracking().OrderBy(u => u.Code).Select(u => u.Id).FirstAsync());
        var (window, staff) = await app.WithDbAsync(async db =>
        {
            var now = app.Clock.GetUtcNow().UtcDateTime;
            var w = new Section(unit, "dc-w1", "日计数测试窗口", SectionKind.Window, now);
            db.Sections.Add(w);
            await db.SaveChangesAsync();
            var s = new Staff(unit, "dc-s1", "日计数甲", EmploymentType.InService, now, w.Id);
            db.Staff.Add(s);
            await db.SaveChangesAsync();
            return (w.Id, s.Id);
        });
        var (device, _) = await app.TokenClientAsync(unit, "ratings:write");
        // Monday: 满意 ×2 (the staff member), 不满意 once.
        await RateAsync(device, window, 1, staff);
        await RateAsync(device, window, 1, staff);
        var bad = await RateAsync(device, window, 3, null);

        // Tuesday: one 满意 today. The job counts Monday at its hour (and nothing before: the first rating is Monday's).
        app.Clock.Set(Tuesday);
        await RateAsync(device, window, 1, staff);
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        async Task<Line> WindowAsync() => (await office.GetAsync<Report>($"/api/v1/satisfaction/report?from=2026-11-16&to=2026-11-17&unitId={unit}"))
            .Sections.Single(l => l.Id == window);
        async Task<UnitRate> RateOfAsync(string from, string to) =>
            (await office.GetFromJsonAsync<UnitRate>($"/api/v1/satisfaction/units/{unit}?from={from}&to={to}"))!;
        var live = await WindowAsync();
        Assert.Equal((4, 3, 0, 1, 0), (live.Ratings, live.Satisfied, live.Basic, live.Unsatisfied, live.Excluded));
        var liveRate = await RateOfAsync("2026-11-16", "2026-11-17");

        var scheduler = app.Services.GetRequiredService<JobScheduler>();
        await scheduler.RunDueJobsAsync(CancellationToken.None); // registers the hourly job
        app.Clock.Advance(TimeSpan.FromHours(1));
        await scheduler.RunDueJobsAsync(CancellationToken.None);
        var run = await app.WithDbAsync(db => db.JobRuns.AsNoTracking().Where(r => r.JobName == "rating-day-counts").SingleAsync());
        Assert.StartsWith("counted from scratch 1 day(s)", run.Result);
        Assert.Equal(3, await CountedRowsAsync(new DateOnly(2026, 11, 16)));
        Assert.Equal(0, await CountedRowsAsync(new DateOnly(2026, 11, 17))); // today is never counted

        office = await app.ClientAsAsync(Roles.OfficeStaff);
        Assert.Equal(live, await WindowAsync());
        Assert.Equal(liveRate, await RateOfAsync("2026-11-16", "2026-11-17"));
        var staffLine = (await office.GetAsync<Report>($"/api/v1/satisfaction/report?from=2026-11-16&to=2026-11-16&unitId={unit}")).Staff.Single(l => l.Id == staff);
        Assert.Equal(2, staffLine.Ratings);

        // A device sends Monday afternoon's rating late, on Tuesday: Monday's figures take it at once, before any counting.
        await RateAsync(device, window, 2, null, new DateTimeOffset(2026, 11, 16, 15, 0, 0, TimeSpan.FromHours(8)));
        var late = await WindowAsync();
        Assert.Equal((5, 3, 1, 1), (late.Ratings, late.Satisfied, late.Basic, late.Unsatisfied));

        // SAT-7: Monday's bad rating appealed and excluded on Tuesday: excluded at once in Monday's figures.
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, unit);
        var fu = await RatingsTests.WaitForAsync(async () => (await liaison.GetFromJsonAsync<List<FollowUpRow>>("/api/v1/follow-ups"))!.FirstOrDefault(f => f.RatingId == bad));
        await (await liaison.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/appeal", new { reason = "评价人误按，经回访确认" })).ExpectAsync(HttpStatusCode.OK);
        await (await office.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/appeal-decision", new { upheld = true, note = "录音证实误按" })).ExpectAsync(HttpStatusCode.OK);
        var excluded = await WindowAsync();
        Assert.Equal((4, 3, 1, 0, 1), (excluded.Ratings, excluded.Satisfied, excluded.Basic, excluded.Unsatisfied, excluded.Excluded));
        var excludedRate = await RateOfAsync("2026-11-16", "2026-11-16");
        Assert.Equal((3, 1), (excludedRate.Counted, excludedRate.Excluded));

        // The next counting recounts Monday alone; the figures stay.
        Assert.StartsWith("counted 1 day(s)", await CountAsync());
        Assert.Equal(4, await CountedRowsAsync(new DateOnly(2026, 11, 16)));
        Assert.Equal(excluded, await WindowAsync());
        Assert.Equal(excludedRate, await RateOfAsync("2026-11-16", "2026-11-16"));
        // A rating that arrived within the margin before a counting began is looked at once more by the next counting;
        // once a counting began more than the margin after it, it is settled.
        app.Clock.Advance(RatingDayCounts.Margin + TimeSpan.FromMinutes(1));
        Assert.StartsWith("counted 1 day(s)", await CountAsync());
        Assert.StartsWith("counted 0 day(s)", await CountAsync());

        // SAT-3: a survey answer given on Tuesday counts in the quarter of the service (2025's fourth), not in Tuesday's
        // figures, and not in Tuesday's count once Tuesday is counted.
        var (system, _) = await app.TokenClientAsync(unit, "service-records:write");
        await (await system.PostAsJsonAsync("/api/v1/service-records",
            new { caseNumber = "DC-Q4-01", sectionId = window, citizenPhone = "13622229901", finishedAt = new DateTime(2025, 12, 29, 2, 0, 0, DateTimeKind.Utc) })).ExpectAsync(HttpStatusCode.Created);
        var q4Before = await RateOfAsync("2025-10-01", "2025-12-31");
        var draw = await (await office.PostAsJsonAsync("/api/v1/surveys", new { year = 2025, quarter = 4, count = 1, seed = "day-counts" })).ReadAsync<Draw>(HttpStatusCode.Created);
        await (await office.PostAsJsonAsync($"/api/v1/survey-calls/{draw.Calls.Single().Id}/answer", new { reached = true, level = 1 })).ExpectAsync(HttpStatusCode.OK);
        app.Clock.Set(Tuesday.AddDays(1)); // Wednesday: Tuesday is counted
        office = await app.ClientAsAsync(Roles.OfficeStaff);
        // Tuesday, and the day the case pushed on Tuesday was finished (2025-12-29: its cases counted again, SAT-8).
        Assert.StartsWith("counted 2 day(s)", await CountAsync());
        Assert.Equal(1, await CountedRowsAsync(new DateOnly(2026, 11, 17))); // the device's rating, not the phone answer
        Assert.Equal(q4Before.Counted + 1, (await RateOfAsync("2025-10-01", "2025-12-31")).Counted);
        // In the quarter's trend, on the month of the service (December 2025), not of the call.
        var q4 = await office.GetAsync<TrendReport>($"/api/v1/satisfaction/report?from=2025-10-01&to=2025-12-31&unitId={unit}");
        Assert.Equal([0, 0, 1], q4.Trend.Select(p => p.Ratings));
        // Tuesday's point has the device's rating, not the answer given on the phone that day.
        Assert.Equal(1, (await office.GetAsync<TrendReport>($"/api/v1/satisfaction/report?from=2026-11-01&to=2026-11-30&unitId={unit}")).Trend.Single(p => p.From == new DateOnly(2026, 11, 17)).Ratings);
        Assert.Equal(1, (await RateOfAsync("2026-11-17", "2026-11-17")).Counted);

        // The clock set back before the last counting: the counts are not read, and the next counting starts from scratch.
        app.Clock.Set(Tuesday);
        office = await app.ClientAsAsync(Roles.OfficeStaff);
        Assert.Equal(excluded, await WindowAsync());
        // The count-ratings command does what the job does (after a restore, say): from scratch, Monday counted, today not.
        Assert.Equal(0, await Mingcha.Web.Infrastructure.Commands.RunAsync(["count-ratings"], app.Services));
        var state = await app.WithDbAsync(db => db.Set<RatingDayCountState>().AsNoTracking().SingleAsync());
        Assert.Equal((new DateOnly(2026, 11, 16), Tuesday.UtcDateTime), (state.CountedThrough!.Value, state.CountedAt!.Value));
        Assert.Equal((4, 0), (await CountedRowsAsync(new DateOnly(2026, 11, 16)), await CountedRowsAsync(new DateOnly(2026, 11, 17))));
        Assert.Equal(excluded, await WindowAsync());
    }

    private sealed record CaseFigures(int Cases, int Rated, int RatedByPublic, int WithBad, decimal? RatedRate, decimal? PublicRate);
    private sealed record CaseLine(Guid Id, int Ratings, int? Rank, CaseFigures? Cases);
    private sealed record CaseReport(CaseLine? Unit, List<CaseLine> Units, List<CaseLine> Sections, List<CaseLine> Staff, List<CaseTrendPoint> Trend);
    private sealed record CaseTrendPoint(DateOnly From, int Ratings, CaseFigures Cases);

    [Fact]
    [Trait("Rule", "SAT-8")]
    [Trait("Rule", "SAT-4")]
    public async Task CountedCaseDays_GiveWhatTheCasesSay_ThroughALatePushAndALateRating()
    {
        await using var own = new MingchaApp();
        own.Clock.Set(Monday);
        var units = await own.WithDbAsync(db => db.Units.AsNoTracking().OrderBy(u => u.Code).Select(u => u.Id).Take(2).ToListAsync());
        var (unit, quiet) = (units[0], units[1]);
        var (window, quietWindow) = await own.WithDbAsync(async db =>
        {
            var now = own.Clock.GetUtcNow().UtcDateTime;
            var w = new Section(unit, "dc-case-w", "办件日计数窗口", SectionKind.Window, now);
            var q = new Section(quiet, "dc-case-q", "不引导评价的窗口", SectionKind.Window, now);
            db.Sections.AddRange(w, q);
            await db.SaveChangesAsync();
            return (w.Id, q.Id);
        });
        var (system, _) = await own.TokenClientAsync(unit, "service-records:write");
        var (quietSystem, _) = await own.TokenClientAsync(quiet, "service-records:write");
        var (device, _) = await own.TokenClientAsync(unit, "ratings:write");
        var nine = new DateTime(2026, 11, 16, 1, 0, 0, DateTimeKind.Utc); // 09:00 in Beijing
        async Task PushAsync(HttpClient by, string number, Guid section, DateTime finishedAt) =>
            await (await by.PostAsJsonAsync("/api/v1/service-records", new { caseNumber = number, sectionId = section, finishedAt })).ExpectAsync(HttpStatusCode.Created);
        async Task RateCaseAsync(string number, int level) =>
            await (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = window, caseNumber = number, level })).ExpectAsync(HttpStatusCode.Created);
        // Monday: four cases at the window, one rated 满意, one 不满意, two not rated; one at another unit's, not rated.
        for (var i = 1; i <= 4; i++) await PushAsync(system, $"DCC-{i}", window, nine.AddMinutes(i));
        await PushAsync(quietSystem, "DCC-Q1", quietWindow, nine);
        await RateCaseAsync("DCC-1", 1);
        await RateCaseAsync("DCC-2", 3);

        var office = await own.ClientAsAsync(Roles.OfficeStaff);
        async Task<CaseFigures> WindowAsync() => (await office.GetAsync<CaseReport>($"/api/v1/satisfaction/report?from=2026-11-16&to=2026-11-16&unitId={unit}"))
            .Sections.Single(l => l.Id == window).Cases!;
        Assert.Equal(new CaseFigures(4, 2, 2, 1, 0.5m, 0.5m), await WindowAsync());
        // The week's trend, day by day: Monday's cases (today's, read live), no rate on days without cases.
        var noCases = new CaseFigures(0, 0, 0, 0, null, null);
        async Task<List<CaseFigures>> TrendAsync() => (await office.GetAsync<CaseReport>($"/api/v1/satisfaction/report?from=2026-11-15&to=2026-11-17&unitId={unit}"))
            .Trend.Select(p => p.Cases).ToList();
        Assert.Equal([noCases, new CaseFigures(4, 2, 2, 1, 0.5m, 0.5m), noCases], await TrendAsync());

        // Tuesday: Monday is counted, its cases with it; the figures stay.
        own.Clock.Set(Tuesday);
        office = await own.ClientAsAsync(Roles.OfficeStaff);
        Assert.StartsWith("counted from scratch 1 day(s)", await own.WithScopeResultAsync(sp => sp.GetRequiredService<RatingDayCounts>().RefreshAsync(CancellationToken.None)));
        var counted = await own.WithDbAsync(db => db.Set<ServiceRecordDayCount>().AsNoTracking().Where(c => c.Day == new DateOnly(2026, 11, 16) && c.SectionId == window).SingleAsync());
        Assert.Equal((4, 2, 2, 1), (counted.Cases, counted.Rated, counted.RatedByPublic, counted.WithBad));
        Assert.Equal(new CaseFigures(4, 2, 2, 1, 0.5m, 0.5m), await WindowAsync());
        Assert.Equal([noCases, new CaseFigures(4, 2, 2, 1, 0.5m, 0.5m), noCases], await TrendAsync());

        // On Tuesday a Monday case is rated (the citizen rates it late), then another Monday case is pushed late: Monday's
        // figures take each at once, before any counting.
        await RateCaseAsync("DCC-3", 2);
        Assert.Equal(new CaseFigures(4, 3, 3, 1, 0.75m, 0.75m), await WindowAsync());
        await PushAsync(system, "DCC-5", window, nine.AddHours(6));
        var late = new CaseFigures(5, 3, 3, 1, 0.6m, 0.6m);
        Assert.Equal(late, await WindowAsync());
        Assert.Equal([noCases, late, noCases], await TrendAsync());
        // The cases page reads the same cases.
        var page = await office.GetAsync<CasePage>($"/api/v1/service-records?from=2026-11-16&to=2026-11-16&unitId={unit}&sectionId={window}");
        Assert.Equal((5, 3, 3, 1), (page.Figures.Cases, page.Figures.Rated, page.Figures.RatedByPublic, page.Figures.WithBad));

        // The next counting recounts Monday alone; the counted row is the late figures.
        Assert.StartsWith("counted 1 day(s)", await own.WithScopeResultAsync(sp => sp.GetRequiredService<RatingDayCounts>().RefreshAsync(CancellationToken.None)));
        counted = await own.WithDbAsync(db => db.Set<ServiceRecordDayCount>().AsNoTracking().Where(c => c.Day == new DateOnly(2026, 11, 16) && c.SectionId == window).SingleAsync());
        Assert.Equal((5, 3, 3, 1), (counted.Cases, counted.Rated, counted.RatedByPublic, counted.WithBad));
        Assert.Equal(late, await WindowAsync());
        Assert.Equal([noCases, late, noCases], await TrendAsync());

        // All units: the unit's line has its cases; the unit whose window had a case and no rating is listed unranked at 0%.
        var all = await office.GetAsync<CaseReport>("/api/v1/satisfaction/report?from=2026-11-16&to=2026-11-16");
        Assert.Equal(late, all.Units.Single(l => l.Id == unit).Cases);
        var none = all.Units.Single(l => l.Id == quiet);
        Assert.Equal((0, (int?)null, new CaseFigures(1, 0, 0, 0, 0m, 0m)), (none.Ratings, none.Rank, none.Cases));
        // A period without cases has no rate, not 0%.
        var sunday = await office.GetAsync<CaseReport>($"/api/v1/satisfaction/report?from=2026-11-15&to=2026-11-15&unitId={unit}");
        Assert.Equal(new CaseFigures(0, 0, 0, 0, null, null), sunday.Unit!.Cases);
    }

    private sealed record CasePageFigures(int Cases, int Rated, int RatedByPublic, int WithBad);
    private sealed record CasePage(int Total, CasePageFigures Figures);

    /// <summary>A window of the demo city and a rating device of its unit, on <paramref name="on"/>.</summary>
    private static async Task<(HttpClient Device, Guid Window)> DeviceAsync(MingchaApp on)
    {
        var window = await on.WithDbAsync(db => db.Sections.AsNoTracking().Where(s => s.Kind == SectionKind.Window)
            .OrderBy(s => s.Code).Select(s => new { s.UnitId, s.Id }).FirstAsync());
        var (device, _) = await on.TokenClientAsync(window.UnitId, "ratings:write");
        return (device, window.Id);
    }

    private static Task<RatingDayCountState> StateAsync(MingchaApp on) =>
        on.WithDbAsync(db => db.Set<RatingDayCountState>().AsNoTracking().SingleAsync());

    [Fact]
    [Trait("Rule", "SAT-4")]
    public async Task AStart_CountsTheDaysAtOnce_RatherThanWithinTheHour()
    {
        // Monday's ratings on a server that never counted (installed before the counts, or its journal replayed).
        await using var first = new MingchaApp();
        first.Clock.Set(Monday);
        var (device, window) = await DeviceAsync(first);
        await RateAsync(device, window, 1, null);
        await RateAsync(device, window, 3, null);
        Assert.Null((await StateAsync(first)).CountedThrough);

        // Tuesday another instance starts with its jobs on: Monday is counted without waiting for the hourly job.
        first.Clock.Set(Tuesday);
        await using var started = new JobsOnApp(first);
        _ = started.Services; // the host started
        var state = await PollAsync(() => StateAsync(started), s => s.CountedThrough is not null);
        Assert.Equal((new DateOnly(2026, 11, 16), Tuesday.UtcDateTime), (state.CountedThrough, state.CountedAt));
        Assert.Equal(2, await started.WithDbAsync(db => db.RatingDayCounts.Where(c => c.Day == new DateOnly(2026, 11, 16)).SumAsync(c => c.Count)));
    }

    [Fact]
    [Trait("Rule", "SAT-4")]
    public async Task ACountingFromScratch_GivenUpWhileItRuns_EndsGivenUp_AndTheNextCountsAgain()
    {
        // A rating three years before today: a counting from scratch replaces some 1,100 days, one transaction each.
        await using var own = new MingchaApp();
        own.Clock.Set(Monday);
        var (device, window) = await DeviceAsync(own);
        await RateAsync(device, window, 1, null);
        own.Clock.Set(Monday.AddYears(3));

        // While it runs (its mark: nothing counted through, its start), ratings of old days are stored as a journal's
        // replay or the demo's fill stores them, and the counting is given up: it must not set its state at its end.
        // The interleaving depends on timing (on a fast disk the days take well under a second): a counting that ended
        // before the state was seen marked, or before the giving up, is begun again from scratch, up to five times.
        Task ForgetAsync() => own.WithScopeAsync(sp => RatingDayCounts.ForgetAsync(sp.GetRequiredService<Mingcha.Web.Data.MingchaDb>(), CancellationToken.None));
        string? givenUpResult = null;
        var tried = new List<string>();
        for (var attempt = 1; attempt <= 5 && givenUpResult is null; attempt++)
        {
            await ForgetAsync();
            // On a thread of its own: SQLite's calls complete at once, so the counting would otherwise run to its end
            // before this method got back to look.
            var counting = Task.Run(() => own.WithScopeResultAsync(sp => sp.GetRequiredService<RatingDayCounts>().RefreshAsync(CancellationToken.None)));
            var marked = false;
            while (!marked && !counting.IsCompleted)
            {
                var state = await StateAsync(own);
                marked = state.CountedThrough is null && state.CountedAt is not null;
                if (!marked) await Task.Delay(2);
            }
            if (marked) await ForgetAsync();
            var result = await counting;
            tried.Add($"{(marked ? "marked" : "not seen marked")}: {result}");
            if (marked && result.StartsWith("given up meanwhile", StringComparison.Ordinal)) givenUpResult = result;
        }
        Assert.True(givenUpResult is not null, string.Join(" / ", tried)); // without the mark, every attempt ends "counted from scratch"
        var givenUp = await StateAsync(own);
        Assert.Null(givenUp.CountedThrough);
        Assert.Null(givenUp.CountedAt);

        Assert.StartsWith("counted from scratch", await own.WithScopeResultAsync(sp => sp.GetRequiredService<RatingDayCounts>().RefreshAsync(CancellationToken.None)));
        Assert.Equal(new DateOnly(2029, 11, 15), (await StateAsync(own)).CountedThrough);
    }

    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done, int tries = 300, int delayMs = 100)
    {
        for (var i = 0; ; i++)
        {
            var value = await read();
            if (done(value) || i == tries) return value;
            await Task.Delay(delayMs);
        }
    }

    /// <summary>Another instance on the same database and clock, started with its jobs on (the demo's activity off).</summary>
    private sealed class JobsOnApp(MingchaApp first) : MingchaApp(first.Database, first.Clock, ownsDatabase: false)
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Mingcha:RunJobs", "true");
            builder.UseSetting("Mingcha:DemoActivity", "false");
        }
    }
}
