using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Satisfaction;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.IntegrationTests.Rectification;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Features.Ratings;
using Mingcha.Web.Features.Scoring;

namespace Mingcha.IntegrationTests.Ratings;

/// <summary>
/// The demo's halls at work (<see cref="DemoRatings"/>): a fresh demo shows its satisfaction pages with data, every
/// rating stored as a device's is, by the rules. The app's clock reads Monday 2026-11-16 10:00 in Beijing.
/// </summary>
public sealed class DemoRatingsTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private static readonly TimeZoneInfo Beijing = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private sealed record RatingRow(Guid Id, string? CaseNumber, Guid UnitId, Guid SectionId, Guid? StaffId, RatingScale Scale, int Level, bool IsBad, DateTime RatedAt, Guid? DeviceId);

    private Task<List<RatingRow>> DemoRatingsAsync() => app.WithDbAsync(async db =>
    {
        var devices = await db.ApiTokens.Where(t => t.CreatedBy == "demo" && t.Name.StartsWith(DemoRatings.DevicePrefix)).Select(t => (Guid?)t.Id).ToListAsync();
        return await db.Ratings.Where(r => devices.Contains(r.DeviceId)).OrderBy(r => r.RatedAt)
            .Select(r => new RatingRow(r.Id, r.CaseNumber, r.UnitId, r.SectionId, r.StaffId, r.Scale, r.Level, r.IsBad, r.RatedAt, r.DeviceId)).ToListAsync();
    });

    private static DateTime Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Beijing);

    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done, int tries = 200)
    {
        var value = await read();
        for (var i = 0; i < tries && !done(value); i++)
        {
            await Task.Delay(50);
            value = await read();
        }
        return value;
    }

    [Fact]
    [Trait("Rule", "SAT-1")]
    [Trait("Rule", "SAT-7")]
    [Trait("Rule", "SAT-8")]
    [Trait("Rule", "SAT-9")]
    public async Task Backfill_FillsTheLastFiveWorkingDaysWithinOpeningHours_AsDevicesRateByTheRules()
    {
        var demo = app.Services.GetRequiredService<DemoRatings>();
        var stored = await demo.BackfillAsync(default);
        var all = await DemoRatingsAsync();
        var hr = await app.WithDbAsync(db => db.Units.Where(u => u.Code == DemoData.HrUnitCode).Select(u => u.Id).SingleAsync());
        var ratings = all.Where(r => r.UnitId == hr).ToList(); // the human-resources bureau's halls
        Assert.Equal(stored, await app.WithDbAsync(db => db.ServiceRecords.CountAsync(s => s.CaseNumber.StartsWith("RS2026"))));
        var hrCases = await app.WithDbAsync(db => db.ServiceRecords.CountAsync(s => s.CaseNumber.StartsWith("RS2026") && s.UnitId == hr));
        Assert.InRange(hrCases, 16 * 5 * 40, 16 * 5 * 80); // 16 windows, a case every 4 to 12 minutes
        // About one case in eight goes unrated: its record is there, without a rating (the 评价率 of 办件与评价 below 100%).
        Assert.InRange(ratings.Count * 100.0 / hrCases, 80, 94);

        // Five working days up to now (2026-11-10 to 13 and today until 10:00), within the SAT-9 opening hours, none in the future.
        var days = ratings.Select(r => DateOnly.FromDateTime(Local(r.RatedAt))).Distinct().Order().ToList();
        Assert.Equal([new(2026, 11, 10), new(2026, 11, 11), new(2026, 11, 12), new(2026, 11, 13), new(2026, 11, 16)], days);
        Assert.All(ratings, r => Assert.InRange(TimeOnly.FromDateTime(Local(r.RatedAt)), new TimeOnly(8, 0), new TimeOnly(18, 0)));
        Assert.True(ratings[^1].RatedAt <= app.Clock.GetUtcNow().UtcDateTime);
        Assert.Contains(ratings, r => Local(r.RatedAt) > new DateTime(2026, 11, 16, 9, 0, 0));

        // SAT-8: each rating names its case, and the case's service record its window, unit and staff member.
        var records = await app.WithDbAsync(db => db.ServiceRecords.Where(s => s.CaseNumber.StartsWith("RS2026")).ToDictionaryAsync(s => s.CaseNumber));
        var windows = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window).ToDictionaryAsync(s => s.Id));
        Assert.All(ratings, r =>
        {
            var record = records[r.CaseNumber!];
            Assert.Equal((record.UnitId, record.SectionId, record.StaffId), (r.UnitId, r.SectionId, r.StaffId));
            Assert.NotNull(r.StaffId);
            Assert.Equal(DemoData.HrUnitCode, windows[r.SectionId].Code[..DemoData.HrUnitCode.Length]);
        });
        Assert.Equal(ratings.Count, ratings.Select(r => r.CaseNumber).Distinct().Count());

        // SAT-1: the east hall's devices rate on the five-level scale, the others on three levels; each window has one device.
        Assert.All(ratings, r => Assert.Equal(windows[r.SectionId].Code.Contains("-H02-", StringComparison.Ordinal) ? RatingScale.FiveLevel : RatingScale.ThreeLevel, r.Scale));
        Assert.Equal(16, ratings.Select(r => r.SectionId).Distinct().Count());
        Assert.Equal(16, ratings.Select(r => r.DeviceId).Distinct().Count());
        Assert.Contains(ratings, r => r.IsBad);
        Assert.InRange(ratings.Count(r => r.IsBad) * 100.0 / ratings.Count, 0.5, 6);

        // SAT-7: every bad rating (the other units' too) has its follow-up case; the earlier days' are worked in order
        // within their deadlines, today's wait for their call back.
        var bad = all.Where(r => r.IsBad).Select(r => r.Id).ToHashSet();
        var cases = await PollAsync(() => app.WithDbAsync(db => db.FollowUpCases.Where(f => bad.Contains(f.RatingId)).ToListAsync()), c => c.Count == bad.Count);
        Assert.Equal(bad.Count, cases.Count);
        var startOfToday = new DateTime(2026, 11, 15, 16, 0, 0, DateTimeKind.Utc);
        var earlier = cases.Where(c => c.OpenedAt < startOfToday).ToList();
        Assert.NotEmpty(earlier);
        Assert.All(earlier, c =>
        {
            Assert.NotNull(c.CalledBackAt);
            Assert.True(c.Reached);
            Assert.True(DateOnly.FromDateTime(Local(c.CalledBackAt!.Value)) <= c.CallBackDue);
            Assert.True(c.CalledBackAt <= (c.VerifiedAt ?? DateTime.MaxValue));
        });
        Assert.Contains(earlier, c => c.State == FollowUpState.Closed && c.InformedAt <= app.Clock.GetUtcNow().UtcDateTime);
        Assert.All(cases.Where(c => c.OpenedAt >= startOfToday), c => Assert.Equal((FollowUpState.Open, (FollowUpStep?)FollowUpStep.CallBack), (c.State, c.NextStep)));

        // SAT-9: the day's repeat caller (six cases from one number) is flagged by the phone rule, and nothing else is.
        var flags = await PollAsync(() => app.WithDbAsync(db => db.RatingFlags.Where(f => db.Ratings.Any(r => r.Id == f.RatingId && r.UnitId == hr)).ToListAsync()),
            f => f.Count >= 6);
        Assert.Equal(6, flags.Count);
        Assert.All(flags, f => Assert.Equal(nameof(ManipulationRule.PhoneManyCases), f.Rule));

        // SAT-2: the control centre's counts of today show the demo windows.
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var today = (await office.GetFromJsonAsync<List<RatingsApi.CountsDto>>("/api/v1/ratings/today"))!;
        Assert.Equal(all.Count(r => DateOnly.FromDateTime(Local(r.RatedAt)) == new DateOnly(2026, 11, 16)), today.Where(c => windows.ContainsKey(c.SectionId)).Sum(c => c.Total));

        // The other demo units' windows work too, each in its way: 31 windows finish cases, 30 devices rate them on three
        // levels, one unit's device does not work. The week's report ranks 31 units (the bureau with them), their
        // 评价率 apart, and lists the unit with cases and no rating unranked at 0%.
        var others = all.Where(r => r.UnitId != hr).ToList();
        Assert.Equal(31, await app.WithDbAsync(db => db.ServiceRecords.Where(s => s.CaseNumber.StartsWith("RS2026") && s.UnitId != hr).Select(s => s.SectionId).Distinct().CountAsync()));
        Assert.Equal(30, others.Select(r => r.SectionId).Distinct().Count());
        Assert.Equal(30, others.Select(r => r.DeviceId).Distinct().Count());
        Assert.All(others, r => Assert.Equal((RatingScale.ThreeLevel, "行政审批科"), (r.Scale, windows[r.SectionId].Name)));
        var report = await office.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/satisfaction/report?from=2026-11-10&to=2026-11-16");
        var lines = report.GetProperty("units").EnumerateArray().ToList();
        var ranked = lines.Where(l => l.GetProperty("rank").ValueKind == System.Text.Json.JsonValueKind.Number).ToList();
        Assert.Equal(31, ranked.Count);
        var rates = ranked.Select(l => l.GetProperty("cases").GetProperty("ratedRate").GetDecimal()).ToList();
        Assert.True(rates.Max() - rates.Min() >= 0.3m, $"评价率 from {rates.Min()} to {rates.Max()}");
        Assert.True(ranked.Select(l => l.GetProperty("coefficient").GetDecimal()).Distinct().Count() > 10);
        var broken = Assert.Single(lines, l => l.GetProperty("rank").ValueKind == System.Text.Json.JsonValueKind.Null);
        Assert.Equal((0, 0m), (broken.GetProperty("ratings").GetInt32(), broken.GetProperty("cases").GetProperty("ratedRate").GetDecimal()));
        Assert.True(broken.GetProperty("cases").GetProperty("cases").GetInt32() > 20);
    }

    [Fact]
    [Trait("Rule", "SAT-8")]
    public async Task LaterStarts_FillOnlyTheGap_AndTheLiveRatingsComeWhileTheHallsAreOpen()
    {
        // Its own app: the clock moves.
        await using var own = new MingchaApp();
        var demo = own.Services.GetRequiredService<DemoRatings>();
        // Counted before the fill (decision 043): the fill's earlier days keep their ratings' times as arrivals, which a
        // counting would not see as late, so the fill gives the counting up and counts the days again from scratch.
        Task<string> CountAsync() => own.WithScopeResultAsync(sp => sp.GetRequiredService<RatingDayCounts>().RefreshAsync(default));
        Assert.StartsWith("counted from scratch", await CountAsync());
        var countedAt = (await own.WithDbAsync(db => db.Set<RatingDayCountState>().AsNoTracking().SingleAsync())).CountedAt;
        own.Clock.Advance(TimeSpan.FromSeconds(1));
        var first = await demo.BackfillAsync(default);
        Assert.True(first > 0);
        Task<int> CasesAsync() => own.WithDbAsync(db => db.ServiceRecords.CountAsync(r => r.CaseNumber.StartsWith("RS")));
        Assert.Equal(first, await CasesAsync());
        var state = await own.WithDbAsync(db => db.Set<RatingDayCountState>().AsNoTracking().SingleAsync());
        Assert.Equal((new DateOnly(2026, 11, 15), countedAt!.Value.AddSeconds(1)), (state.CountedThrough!.Value, state.CountedAt!.Value));
        var office = await own.ClientAsAsync(Roles.OfficeStaff);
        var hr = await own.WithDbAsync(db => db.Units.Where(u => u.Code == DemoData.HrUnitCode).Select(u => u.Id).SingleAsync());
        async Task<int> FridayAsync() => (await office.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/satisfaction/units/{hr}?from=2026-11-13&to=2026-11-13"))
            .GetProperty("counted").GetInt32();
        var friday = await FridayAsync();
        Assert.True(friday > 0);
        Assert.Equal(friday, await own.WithDbAsync(db => db.RatingDayCounts.Where(c => c.Day == new DateOnly(2026, 11, 13) && c.UnitId == hr && !c.Excluded).SumAsync(c => c.Count)));
        Assert.StartsWith("counted 0 day(s)", await CountAsync());
        Assert.Equal(friday, await FridayAsync());
        Assert.Equal(0, await demo.BackfillAsync(default)); // nothing new: the same instant

        own.Clock.Advance(TimeSpan.FromMinutes(30));
        var gap = await demo.BackfillAsync(default);
        Assert.InRange(gap, 16 * 30 / 12 - 8, 16 * 30 / 4 + 16 + 31 * 2); // the halls' 16 windows, and the other units' 31 more slowly
        var ratings = await own.WithDbAsync(db => db.Ratings.Where(r => r.CaseNumber!.StartsWith("RS"))
            .Select(r => new { r.CaseNumber, r.RatedAt }).ToListAsync());
        Assert.Equal(first + gap, await CasesAsync()); // no case made twice
        Assert.InRange(ratings.Count, (first + gap) * 2 / 3, first + gap - 1);
        Assert.Equal(ratings.Count, ratings.Select(r => r.CaseNumber).Distinct().Count());
        Assert.All(ratings, r => Assert.True(r.RatedAt <= own.Clock.GetUtcNow().UtcDateTime));

        // Live: a rating while the halls are open (10:30 on a Monday), none after closing or on a Sunday. Its case is stored as a
        // business system's push is, without an audit line of its own; each start's fill has one.
        Task<int> FillLinesAsync() => own.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "demo.cases"));
        Assert.Equal(2, await FillLinesAsync());
        Assert.True(await demo.RateOneAsync(default));
        Assert.Equal(2, await FillLinesAsync());
        own.Clock.Set(new DateTimeOffset(2026, 11, 16, 20, 0, 0, TimeSpan.FromHours(8)));
        Assert.False(await demo.RateOneAsync(default));
        own.Clock.Set(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.FromHours(8)));
        Assert.False(await demo.RateOneAsync(default));
        Assert.Equal(ratings.Count + 1, await own.WithDbAsync(db => db.Ratings.CountAsync(r => r.CaseNumber!.StartsWith("RS"))));
        Assert.Equal(first + gap + 1, await CasesAsync());
    }

    [Fact]
    [Trait("Rule", "SAT-9")]
    public async Task AStartEarlyInTheDay_ThenAnother_PlantsNoPartialRepeatCaller()
    {
        await using var own = new MingchaApp();
        var demo = own.Services.GetRequiredService<DemoRatings>();
        own.Clock.Set(new DateTimeOffset(2026, 11, 16, 8, 15, 0, TimeSpan.FromHours(8))); // some 30 cases yet today
        await demo.BackfillAsync(default);
        own.Clock.Set(new DateTimeOffset(2026, 11, 16, 10, 0, 0, TimeSpan.FromHours(8)));
        Assert.True(await demo.BackfillAsync(default) > 100);

        // The day's repeat caller would have been six cases, some stored at 08:15 without the number: none is planted.
        var repeated = await own.WithDbAsync(db => db.Ratings.Where(r => r.RaterPhone != null).GroupBy(r => r.RaterPhone)
            .Select(g => g.Count()).OrderByDescending(n => n).FirstOrDefaultAsync());
        Assert.InRange(repeated, 0, 2);
    }

    /// <summary>
    /// SAT-3 in the demo: the last ended quarter (the third of 2026; today is 16 November) has its cases, its draw made when
    /// the quarter's job makes it, and the first 72 people called on the next quarter's working days: their answers are
    /// phone ratings of their cases at the time of the call, one unsatisfied and followed up to the end (SAT-7), ten not
    /// reached; the rest wait for the user. The draw reproduces; a second load adds nothing.
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-3")]
    [Trait("Rule", "SAT-7")]
    [Trait("Rule", "SAT-8")]
    public async Task PhoneSurvey_OfTheLastQuarter_IsDrawnAtItsEnd_AndCalledAsFarAsAnOfficeWouldHaveBy_Now()
    {
        await using var own = new MingchaApp();
        var demo = own.Services.GetRequiredService<DemoRatings>();
        Assert.Equal(DemoRatings.SurveyCalled, await demo.LoadPhoneSurveyAsync(default));
        var calendar = await own.Services.GetRequiredService<Mingcha.Web.Features.Calendar.CalendarService>().GetAsync(default);
        bool Working(DateTime utc) => Mingcha.Web.Features.Calendar.DemoDays.IsWorkingDay(calendar, DateOnly.FromDateTime(Local(utc)));

        var draw = await own.WithDbAsync(db => db.Set<SurveyDrawRecord>().AsNoTracking().SingleAsync());
        Assert.Equal((2026, 3, 100, "job:" + PhoneSurveyJob.JobName), (draw.Year, draw.Quarter, draw.Requested, draw.DrawnBy));
        Assert.Equal(new DateTime(2026, 10, 1, 1, 0, 0), Local(draw.DrawnAt));
        // The quarter's cases: one a demo window and working day, within opening hours; the candidates their phones, one a person.
        var (from, to) = (new DateTime(2026, 6, 30, 16, 0, 0, DateTimeKind.Utc), new DateTime(2026, 9, 30, 16, 0, 0, DateTimeKind.Utc));
        var cases = await own.WithDbAsync(db => db.ServiceRecords.AsNoTracking().Where(r => r.FinishedAt >= from && r.FinishedAt < to).ToListAsync());
        var byWindow = cases.GroupBy(c => c.SectionId).ToList();
        Assert.Equal(47, byWindow.Count);
        var days = Enumerable.Range(0, 92).Select(d => new DateTime(2026, 7, 1, 4, 0, 0, DateTimeKind.Utc).AddDays(d)).Count(Working);
        Assert.All(byWindow, g => Assert.Equal(days, g.Select(c => DateOnly.FromDateTime(Local(c.FinishedAt))).Distinct().Count()));
        Assert.All(cases, c => Assert.True(Working(c.FinishedAt) && TimeOnly.FromDateTime(Local(c.FinishedAt)) is { Hour: >= 8 and < 18 }));
        Assert.Equal(cases.Where(c => c.CitizenPhone != null).Select(c => c.CitizenPhone).Distinct().Count(), draw.InputCount);
        Assert.InRange(draw.InputCount, cases.Count * 7 / 10, cases.Count * 9 / 10);

        var office = await own.ClientAsAsync(Roles.OfficeStaff);
        Assert.True((await office.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/surveys/{draw.Id}/verify")).GetProperty("reproduced").GetBoolean());

        // The calls: the first 72, on working days from the second after the quarter, office hours, before today; the rest waiting.
        var calls = await own.WithDbAsync(db => db.Set<SurveyCall>().AsNoTracking().Where(c => c.DrawId == draw.Id).OrderBy(c => c.Order).ToListAsync());
        Assert.Equal(100, calls.Count);
        Assert.All(calls.Take(DemoRatings.SurveyCalled), c => Assert.NotNull(c.CalledAt));
        Assert.All(calls.Skip(DemoRatings.SurveyCalled), c => Assert.Equal((null, null, null), (c.CalledAt, c.Reached, c.RatingId)));
        var firstWorking = Enumerable.Range(1, 20).Select(d => new DateTime(2026, 9, 30, 4, 0, 0, DateTimeKind.Utc).AddDays(d)).First(Working);
        Assert.All(calls.Take(DemoRatings.SurveyCalled), c =>
        {
            Assert.True(Working(c.CalledAt!.Value) && Local(c.CalledAt.Value).Date > Local(firstWorking).Date && c.CalledAt < new DateTime(2026, 11, 15, 16, 0, 0, DateTimeKind.Utc));
            Assert.InRange(Local(c.CalledAt.Value).Hour, 9, 17);
            Assert.Equal(!DemoRatings.SurveyNotReached(c.Order), c.Reached);
        });
        Assert.Equal(10, calls.Count(c => c.Reached == false));
        var answered = calls.Where(c => c.Reached == true).ToList();
        Assert.Equal(62, answered.Count);

        // Each answer a phone rating of its case, given at the call, by its unit and window; one unsatisfied, followed up.
        var ids = answered.Select(c => c.RatingId!.Value).ToList();
        var ratings = await own.WithDbAsync(db => db.Ratings.AsNoTracking().Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id));
        Assert.Equal(62, ratings.Count);
        var records = cases.ToDictionary(c => c.CaseNumber);
        Assert.All(answered, c =>
        {
            var r = ratings[c.RatingId!.Value];
            Assert.Equal((RatingChannel.Phone, c.CaseNumber, c.CalledAt!.Value, records[c.CaseNumber].UnitId, records[c.CaseNumber].SectionId, records[c.CaseNumber].CitizenPhone),
                (r.Channel, r.CaseNumber!, r.RatedAt, r.UnitId, r.SectionId, r.RaterPhone));
            Assert.Equal(c.Order == DemoRatings.SurveyUnsatisfied, r.IsBad);
        });
        var unhappy = ratings.Values.Single(r => r.IsBad);
        Assert.False(string.IsNullOrEmpty(unhappy.Comment));
        var followUp = await PollAsync(() => own.WithDbAsync(db => db.FollowUpCases.AsNoTracking().FirstOrDefaultAsync(f => f.RatingId == unhappy.Id)), f => f is { State: FollowUpState.Closed });
        Assert.Equal(FollowUpState.Closed, followUp!.State);
        Assert.True(followUp.CalledBackAt >= unhappy.RatedAt);
        // The quarter's bad ratings at the windows are worked to the end too: nothing of September left overdue.
        Assert.False(await own.WithDbAsync(db => db.FollowUpCases.AnyAsync(f => f.State == FollowUpState.Open && f.OpenedAt < to)));

        // The calling list's page: the quarter, with what is done and what is left.
        var page = System.Net.WebUtility.HtmlDecode(await office.GetStringAsync("/Ratings/Survey"));
        Assert.Contains("2026 年第 3 季度回访名单", page, StringComparison.Ordinal);
        Assert.Contains("已答复 62 人，目标 100 人；未接通 10 人。", page, StringComparison.Ordinal);
        var outcome = (await office.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/surveys/{draw.Id}")).GetProperty("outcome");
        Assert.Equal((62, 1, 62), (outcome.GetProperty("answers").GetInt32(), outcome.GetProperty("unsatisfied").GetInt32(),
            outcome.GetProperty("satisfied").GetInt32() + outcome.GetProperty("basic").GetInt32() + outcome.GetProperty("unsatisfied").GetInt32()));
        Assert.InRange(outcome.GetProperty("rate").GetDecimal(), 0.9m, 0.99m);
        Assert.Contains("<p id=\"survey-outcome\">回访结果：", page, StringComparison.Ordinal);

        // Once.
        var (allCases, allRatings) = (await own.WithDbAsync(db => db.ServiceRecords.CountAsync()), await own.WithDbAsync(db => db.Ratings.CountAsync()));
        Assert.Equal(0, await demo.LoadPhoneSurveyAsync(default));
        Assert.Equal((allCases, allRatings, 1), (await own.WithDbAsync(db => db.ServiceRecords.CountAsync()), await own.WithDbAsync(db => db.Ratings.CountAsync()),
            await own.WithDbAsync(db => db.Set<SurveyDrawRecord>().CountAsync())));
    }

    [Fact]
    public async Task TheLoop_FillsTheDeskAndTheHallsAtStart_ThenRatesEveryFewSecondsWhileOpen()
    {
        await using var own = new MingchaApp();
        var demo = own.Services.GetRequiredService<DemoRatings>();
        using var loop = new Mingcha.Web.Infrastructure.DemoActivityLoop(demo, own.Services.GetRequiredService<Mingcha.Web.Features.Complaints.DemoComplaints>(),
            own.Services.GetRequiredService<DemoCampaign>(), own.Services.GetRequiredService<Mingcha.Web.Features.Inspections.DemoOpenVisit>(),
            own.Services.GetRequiredService<Mingcha.Web.Features.Rectification.DemoRectification>(), own.Services.GetRequiredService<DemoBadges>(), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Mingcha.Web.Infrastructure.DemoActivityLoop>.Instance);
        await loop.StartAsync(default);
        try
        {
            var hr = await own.WithDbAsync(db => db.Units.Where(u => u.Code == DemoData.HrUnitCode).Select(u => u.Id).SingleAsync());
            Task<int> RatingsAsync() => own.WithDbAsync(db => db.Ratings.CountAsync(r => r.CaseNumber!.StartsWith("RS"))); // the demo's, at any unit
            Assert.True(await PollAsync(RatingsAsync, n => n > 0) > 0, "the halls' last days first");
            // Then what is made once (complaints, campaign, visit, the notice with its PDF last), then the live ratings.
            Assert.Equal(1, await PollAsync(() => own.WithDbAsync(db => db.RectificationNotices.CountAsync(n => n.UnitId == hr)), n => n > 0, 1200));
            var backfilled = await RatingsAsync();
            var later = await PollAsync(async () => { await Task.Delay(100); return await RatingsAsync(); }, n => n > backfilled);
            Assert.True(later > backfilled, "a live rating within 30 s");
            Assert.Equal(6, await own.WithDbAsync(db => db.Complaints.CountAsync(c => c.ExternalTicket!.StartsWith(Mingcha.Web.Features.Complaints.DemoComplaints.TicketPrefix))));
            Assert.Equal(1, await own.WithDbAsync(db => db.Campaigns.CountAsync(c => c.Name.EndsWith(DemoCampaign.NameSuffix))));
            Assert.Equal(2, await own.WithDbAsync(db => db.ChannelProblems.CountAsync(p => p.UnitId == hr && p.RecordedBy == Mingcha.Web.Features.Rectification.DemoRectification.DemoUser)));
            Assert.Equal(1, await own.WithDbAsync(db => db.Findings.CountAsync(f => f.Status == Mingcha.Web.Features.Inspections.FindingStatus.Confirmed)));
            // SAT-5: this year's badges, last: every active staff member of the demo city holds one.
            var staff = await own.WithDbAsync(db => db.Staff.CountAsync(s => s.Active));
            Assert.Equal(staff, await PollAsync(() => own.WithDbAsync(db => db.Set<StaffBadge>().CountAsync(b => b.Year == 2026)), n => n == staff, 600));
            // And the last quarter's phone survey.
            Assert.Equal(1, await own.WithDbAsync(db => db.Set<SurveyDrawRecord>().CountAsync(d => d.Year == 2026 && d.Quarter == 3)));
        }
        finally { await loop.StopAsync(default); }
    }

    [Fact]
    public async Task WithoutTheDemoCity_NothingIsMadeUp()
    {
        await using var bare = new DemoFreeApp();
        var demo = bare.Services.GetRequiredService<DemoRatings>();
        Assert.Equal(0, await demo.BackfillAsync(default));
        Assert.Equal(0, await demo.LoadPhoneSurveyAsync(default));
        Assert.False(await demo.RateOneAsync(default));
        Assert.Equal(0, await bare.Services.GetRequiredService<DemoBadges>().LoadAsync(default));
        Assert.Equal((0, false), await bare.Services.GetRequiredService<Mingcha.Web.Features.Rectification.DemoRectification>().LoadAsync(default));
        Assert.Equal(0, await bare.WithDbAsync(db => db.ChannelProblems.CountAsync()));
        Assert.False(await bare.Services.GetRequiredService<Mingcha.Web.Features.Inspections.DemoOpenVisit>().LoadAsync(default));
        Assert.Equal(0, await bare.WithDbAsync(db => db.Ratings.CountAsync()));
        Assert.Equal(0, await bare.WithDbAsync(db => db.Set<SurveyDrawRecord>().CountAsync()));
        Assert.False(await bare.WithDbAsync(db => db.ApiTokens.AnyAsync(t => t.CreatedBy == "demo")));
    }

    private sealed class DemoFreeApp : MingchaApp
    {
        protected override bool LoadDemo => false;
    }
}
