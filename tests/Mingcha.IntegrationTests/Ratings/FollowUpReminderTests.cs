using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Jobs;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Features.Ratings;

namespace Mingcha.IntegrationTests.Ratings;

/// <summary>SAT-7 deadlines reach people through the daily reminder job (Jobs module, IReminderSource).</summary>
public sealed class FollowUpReminderTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private sealed record Stored(Guid Id, string Status);
    private sealed record FollowUpRow(Guid Id, Guid RatingId, DateOnly? CallBackDue, DateOnly? VerifyDue);

    private Task<List<Reminder>> DueAsync(DateOnly day) => DueAsync(app, day);

    /// <summary>What the follow-up source of the daily reminder job yields for <paramref name="day"/>.</summary>
    internal static async Task<List<Reminder>> DueAsync(MingchaApp app, DateOnly day)
    {
        var list = new List<Reminder>();
        await app.WithScopeAsync(async sp =>
        {
            var source = sp.GetServices<IReminderSource>().OfType<FollowUpReminders>().Single();
            await foreach (var r in source.DueAsync(sp.GetRequiredService<MingchaDb>(), day, default)) list.Add(r);
        });
        return list;
    }

    [Fact]
    [Trait("Rule", "SAT-7")]
    public async Task FollowUpStep_WhenDueAndWhenOverdue_RemindsTheUnitThenAlsoTheOffice_UntilTheStepIsDone()
    {
        Assert.Contains(app.Services.CreateScope().ServiceProvider.GetServices<IReminderSource>(), s => s is FollowUpReminders);

        var w = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window && s.ParentSectionId != null).OrderBy(s => s.Code).Skip(6).FirstAsync());
        var (device, t) = await app.TokenClientAsync(w.UnitId, "ratings:write");
        var posted = await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, level = 3 });
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var ratingId = (await posted.Content.ReadFromJsonAsync<Stored>())!.Id;

        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, w.UnitId);
        var fu = await RatingsTests.WaitForAsync(async () => (await liaison.GetFromJsonAsync<List<FollowUpRow>>("/api/v1/follow-ups"))!.FirstOrDefault(f => f.RatingId == ratingId));
        var callBackDue = fu.CallBackDue!.Value;

        Assert.DoesNotContain(await DueAsync(callBackDue.AddDays(-1)), r => r.Link!.Contains(fu.Id.ToString(), StringComparison.Ordinal));
        var dueDay = (await DueAsync(callBackDue)).Where(r => r.Link!.Contains(fu.Id.ToString(), StringComparison.Ordinal)).ToList();
        var due = Assert.Single(dueDay);
        Assert.Equal(("followup.due", Roles.UnitLiaison, (Guid?)w.UnitId), (due.Kind, due.Role, due.UnitId));
        var late = (await DueAsync(callBackDue.AddDays(1))).Where(r => r.Link!.Contains(fu.Id.ToString(), StringComparison.Ordinal)).ToList();
        Assert.Equal(2, late.Count);
        Assert.All(late, r => Assert.Equal("followup.overdue", r.Kind));
        Assert.Contains(late, r => r.Role == Roles.OfficeStaff);

        // The reminder's link: the follow-up page lists the case for the unit, and not for another unit (SEC-2).
        var page = await liaison.GetAsync(due.Link);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains($"data-case=\"{fu.Id}\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var otherUnit = await app.WithDbAsync(db => db.Units.Where(u => u.Id != w.UnitId).Select(u => u.Id).FirstAsync());
        var stranger = await app.ClientAsAsync(Roles.UnitLiaison, otherUnit);
        Assert.DoesNotContain($"data-case=\"{fu.Id}\"", await stranger.GetStringAsync(due.Link), StringComparison.Ordinal);

        // Done: the call-back reminder stops; the next step is reminded on its own day.
        Assert.Equal(HttpStatusCode.OK, (await liaison.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/steps", new { step = "CallBack", note = "已回访" })).StatusCode);
        Assert.DoesNotContain(await DueAsync(callBackDue.AddDays(1)), r => r.Link!.Contains(fu.Id.ToString(), StringComparison.Ordinal) && r.DedupKey.Contains("CallBack", StringComparison.Ordinal));
        Assert.Contains(await DueAsync(fu.VerifyDue!.Value), r => r.Link!.Contains(fu.Id.ToString(), StringComparison.Ordinal) && r.DedupKey.Contains("Verify", StringComparison.Ordinal));
    }

    /// <summary>
    /// CAL-3 in December: a bad rating of 28 December gets its call-back and verify deadlines at once; fix and tell fall in a
    /// year the calendar lacks, so they are left out (no guess) and the Office is reminded daily — until the year is
    /// imported, when the daily run fills them in and reminds of them as of any other case.
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-7")]
    [Trait("Rule", "CAL-3")]
    public async Task FollowUp_WhenLaterStepsFallInAYearNotLoaded_GetsThoseDeadlinesOnceTheYearIsImported()
    {
        using var december = new MingchaApp();
        december.Clock.Set(new DateTimeOffset(2026, 12, 28, 2, 0, 0, TimeSpan.Zero)); // Monday 28 December, 10:00 in Beijing
        var w = await december.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window && s.ParentSectionId != null).OrderBy(s => s.Code).FirstAsync());
        var (device, t) = await december.TokenClientAsync(w.UnitId, "ratings:write");
        var posted = await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, level = 3 });
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var ratingId = (await posted.Content.ReadFromJsonAsync<Stored>())!.Id;
        var fu = await RatingsTests.WaitForAsync(() => december.WithDbAsync(db => db.FollowUpCases.AsNoTracking().FirstOrDefaultAsync(f => f.RatingId == ratingId)));
        Assert.Equal((new DateOnly(2026, 12, 29), new DateOnly(2026, 12, 31), (DateOnly?)null, (DateOnly?)null), (fu.CallBackDue!.Value, fu.VerifyDue!.Value, fu.FixDue, fu.InformDue));
        Assert.True(fu.CalendarMissing);

        var today = await DueAsync(december, new DateOnly(2026, 12, 29));
        Assert.Contains(today, r => r.Kind == "followup.due" && r.Link!.Contains(fu.Id.ToString(), StringComparison.Ordinal));
        var missing = Assert.Single(today, r => r.Kind == "followup.calendar-missing");
        Assert.Equal(Roles.OfficeAdmin, missing.Role);
        Assert.StartsWith("1 ", missing.Title, StringComparison.Ordinal);

        // The Office imports 2027 (the New Year holiday of 1 to 3 January).
        var admin = await december.ClientAsAsync(Roles.OfficeAdmin);
        var imported = await admin.PostAsync("/api/v1/calendar/import", new StringContent(
            "date,type,name\n2027-01-01,holiday,元旦\n2027-01-02,holiday,元旦\n2027-01-03,holiday,元旦\n", System.Text.Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);

        var after = await DueAsync(december, new DateOnly(2026, 12, 30));
        Assert.DoesNotContain(after, r => r.Kind == "followup.calendar-missing");
        var filled = await december.WithDbAsync(db => db.FollowUpCases.AsNoTracking().FirstAsync(f => f.Id == fu.Id));
        // Ten working days from 28 December: 29, 30, 31 December, then 4 to 8 and 11, 12 January; twelve: 14 January.
        Assert.Equal((new DateOnly(2026, 12, 29), new DateOnly(2026, 12, 31), new DateOnly(2027, 1, 12), new DateOnly(2027, 1, 14), false),
            (filled.CallBackDue!.Value, filled.VerifyDue!.Value, filled.FixDue!.Value, filled.InformDue!.Value, filled.CalendarMissing));
        Assert.True(await december.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.EntityType == "FollowUpCase" && a.EntityKey == fu.Id.ToString() && a.Action == "update")));
    }

    /// <summary>
    /// A bad rating whose case the aftercare failed to open (here: the case lost) gets it from the daily reminder job,
    /// not only at the next start (SAT-7: every bad rating is followed up).
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-7")]
    public async Task ReminderJob_WhenABadRatingHasNoCase_OpensIt()
    {
        var w = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window && s.ParentSectionId != null).OrderBy(s => s.Code).Skip(9).FirstAsync());
        var (device, _) = await app.TokenClientAsync(w.UnitId, "ratings:write");
        var posted = await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, level = 3 });
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var ratingId = (await posted.Content.ReadFromJsonAsync<Stored>())!.Id;
        await RatingsTests.WaitForAsync(() => app.WithDbAsync(db => db.FollowUpCases.AsNoTracking().FirstOrDefaultAsync(f => f.RatingId == ratingId)));
        Assert.Equal(1, await app.WithDbAsync(db => db.FollowUpCases.Where(f => f.RatingId == ratingId).ExecuteDeleteAsync()));

        await DueAsync(DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime.AddHours(8)));

        Assert.Equal(1, await app.WithDbAsync(db => db.FollowUpCases.CountAsync(f => f.RatingId == ratingId)));
    }
}
