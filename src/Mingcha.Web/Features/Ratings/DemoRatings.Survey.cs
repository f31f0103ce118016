using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Identifiers;
using Mingcha.Domain.Satisfaction;
using Mingcha.Web.Data;

namespace Mingcha.Web.Features.Ratings;

public sealed partial class DemoRatings
{
    /// <summary>People of the demo's survey called by the office: the first of the list; the rest are left for the user to call.</summary>
    public const int SurveyCalled = 72;

    /// <summary>Of those called, the ones not reached (every seventh, from the fourth on).</summary>
    public static bool SurveyNotReached(int order) => order % 7 == 4;

    /// <summary>The one the demo's survey heard unsatisfied, with what they said.</summary>
    public const int SurveyUnsatisfied = 17;

    private const string SurveyComplaint = "材料清单没有一次说清，跑了两趟才办完";

    /// <summary>
    /// SAT-3 in the demo: the phone survey of the last quarter that has ended, as the office would have it by now. The demo
    /// windows' cases of that quarter (one a window and working day, rated as at their windows, so that the quarter has
    /// candidates), the draw the quarter's job makes at 01:00 on the next quarter's first day (<see cref="PhoneSurveyJob"/>,
    /// a seed of its own), and the first <see cref="SurveyCalled"/> people called on the next quarter's first working days:
    /// most reached, each answer a rating of channel "phone" at the time of the call (one of them unsatisfied: its follow-up
    /// case is worked as a unit would), some not reached; the rest of the list waits for the user to call them. Once: a
    /// quarter already drawn is left alone. Only with the demo city loaded.
    /// </summary>
    /// <returns>The people called (none when the quarter was drawn already).</returns>
    public async Task<int> LoadPhoneSurveyAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (await WindowsAsync(ct) is not { Length: > 0 } windows) return 0;
            var now = time.GetUtcNow().UtcDateTime;
            var today = LocalDate(now);
            var (year, quarter) = SurveyDraw.LastEnded(today);
            var (first, last) = SurveyDraw.Quarter(year, quarter);
            var sections = windows.Select(w => w.Id).ToList();
            var (from, to) = (ToUtc(first, TimeOnly.MinValue), ToUtc(last.AddDays(1), TimeOnly.MinValue));
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
                if (await db.Set<SurveyDrawRecord>().AnyAsync(d => d.Year == year && d.Quarter == quarter, ct)) return 0;
                if (!await db.ServiceRecords.AnyAsync(r => sections.Contains(r.SectionId) && r.FinishedAt >= from && r.FinishedAt < to, ct))
                    await StoreAsync(await QuarterCasesAsync(windows, first, last, ct), ct);
            }
            await using var work = scopes.CreateAsyncScope();
            var surveys = work.ServiceProvider.GetRequiredService<PhoneSurveys>();
            var drawn = await surveys.DrawAsync(new PhoneSurveys.DrawInput(year, quarter, null, $"demo-{SurveyDraw.QuarterName(year, quarter)}"),
                "job:" + PhoneSurveyJob.JobName, ToUtc(last.AddDays(1), new TimeOnly(1, 0)), ct);
            var (called, phoneRatings) = await CallAsync(work.ServiceProvider.GetRequiredService<MingchaDb>(), drawn, last, now, ct);
            if (phoneRatings.Count > 0) await CountAgainAsync(ct);
            // The quarter's bad ratings, at the windows and on the phone, worked as the unit would have.
            var devices = windows.Select(w => (Guid?)w.DeviceId).ToList();
            await WorkEarlierFollowUpsAsync(r => devices.Contains(r.DeviceId) || phoneRatings.Contains(r.Id), ToUtc(today, TimeOnly.MinValue), ct);
            LogSurvey(logger, year, quarter, drawn.InputCount, called);
            return called;
        }
        finally { _gate.Release(); }
    }

    /// <summary>The quarter's demo cases: one a window and working day, at a time of its opening hours.</summary>
    private async Task<List<DemoCase>> QuarterCasesAsync(Window[] windows, DateOnly first, DateOnly last, CancellationToken ct)
    {
        var open = (int)(_hours.Closes - _hours.Opens).TotalMinutes;
        var cases = new List<DemoCase>();
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            if (!await IsWorkingDayAsync(day, ct)) continue;
            for (var i = 0; i < windows.Length; i++)
            {
                var random = new Random(day.DayNumber * 64 + i);
                cases.Add(NewCase(windows[i], ToUtc(day, _hours.Opens).AddMinutes(random.Next(5, open - 60)), random));
            }
        }
        cases.Sort((a, b) => a.Rating.RatedAt.CompareTo(b.Rating.RatedAt));
        return cases;
    }

    /// <summary>
    /// The office's calls of the draw's first <see cref="SurveyCalled"/> people, six a working day from the next quarter's
    /// second working day (none later than yesterday): the answers stored through the writer as phone ratings (as
    /// <see cref="PhoneSurveys.AnswerAsync"/> stores them), then each call recorded. Returns the calls made and the phone ratings' ids.
    /// </summary>
    private async Task<(int Called, List<Guid> Ratings)> CallAsync(MingchaDb db, PhoneSurveys.DrawDto drawn, DateOnly quarterEnd, DateTime nowUtc, CancellationToken ct)
    {
        var calls = await db.Set<SurveyCall>().Where(c => c.DrawId == drawn.Id && c.Order <= SurveyCalled).OrderBy(c => c.Order).ToListAsync(ct);
        var numbers = calls.Select(c => c.CaseNumber).ToList();
        var records = await db.ServiceRecords.AsNoTracking().Where(r => numbers.Contains(r.CaseNumber)).ToDictionaryAsync(r => r.CaseNumber, ct);
        var callDays = new List<DateOnly>();
        var skipped = false; // the list is handed out on the next quarter's first working day, the calls begin on the second
        for (var day = quarterEnd.AddDays(1); callDays.Count < (SurveyCalled + 5) / 6 && day < LocalDate(nowUtc); day = day.AddDays(1))
        {
            if (!await IsWorkingDayAsync(day, ct)) continue;
            if (skipped) callDays.Add(day);
            skipped = true;
        }
        var random = new Random(drawn.Year * 10 + drawn.Quarter);
        var made = new List<(SurveyCall Call, RatingSubmission? Rating, DateTime At)>(); // a call not reached has no rating
        foreach (var call in calls)
        {
            var k = call.Order - 1;
            if (k / 6 >= callDays.Count) break; // the quarter ended days ago: only the days since
            var at = ToUtc(callDays[k / 6], new TimeOnly(9, 0)).AddMinutes(k % 6 * 50 + random.Next(40));
            if (SurveyNotReached(call.Order)) { made.Add((call, null, at)); continue; }
            var level = call.Order == SurveyUnsatisfied ? 3 : random.Next(100) < 86 ? 1 : 2;
            var record = records[call.CaseNumber];
            made.Add((call, new RatingSubmission(RecordIds.NewVersion7(), call.CaseNumber, call.UnitId, call.SectionId, null, null, RatingChannel.Phone,
                RatingScale.ThreeLevel, level, level, RatingScaleMapping.IsBad(RatingScale.ThreeLevel, level), record.CitizenPhone,
                level == 3 ? SurveyComplaint : null, at, at, null), at));
        }
        // The answers first, as AnswerAsync: a rating that stands links its call, never the other way round.
        var results = await Task.WhenAll(made.Where(a => a.Rating is not null).Select(a => writer.Enqueue(a.Rating!)));
        var stored = results.Where(r => r.Status == RatingWriteStatus.Stored).Select(r => r.Rating.Id).ToList();
        foreach (var (call, rating, at) in made)
            call.Record(rating is not null, rating is not null && stored.Contains(rating.Id) ? rating.Id : null, at);
        await db.SaveChangesAsync(ct);
        return (made.Count, stored);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo phone survey: {Year} Q{Quarter} drawn from {Candidates} people, {Called} of them called")]
    private static partial void LogSurvey(ILogger logger, int year, int quarter, int candidates, int called);
}
