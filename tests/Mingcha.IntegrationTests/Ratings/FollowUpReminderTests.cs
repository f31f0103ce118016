using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Jobs;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Features.Ratings;

namespace Mingcha.IntegrationTests.Ratings;

/// <summary>SAT-7 deadlines reach people through the daily reminder job (Jobs module, IReminderSource).</summary>
public sealed class FollowUpReminderTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private sealed record Stored(Guid Id, string Status);
    private sealed record FollowUpRow(Guid Id, Guid RatingId, DateOnly? CallBackDue, DateOnly? VerifyDue);

    private async Task<List<Reminder>> DueAsync(DateOnly day) => await app.WithDbAsync(async db =>
    {
        var list = new List<Reminder>();
        await foreach (var r in new FollowUpReminders().DueAsync(db, day, default)) list.Add(r);
        return list;
    });

    [Fact]
    [Trait("Rule", "SAT-7")]
    public async Task FollowUpStep_WhenDueAndWhenOverdue_RemindsTheUnitThenAlsoTheOffice_UntilTheStepIsDone()
    {
        Assert.Contains(app.Services.CreateScope().ServiceProvider.GetServices<IReminderSource>(), s => s is FollowUpReminders);

        var w = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window && s.ParentSectionId != null).OrderBy(s => s.Code).Skip(6).FirstAsync());
        AccountsApi.CreateTokenResponse? t = null;
        await app.WithScopeAsync(async sp => t = await AccountsApi.CreateTokenAsync(
            new AccountsApi.CreateTokenRequest("reminder device", ["ratings:write"], w.UnitId, null), "test", sp.GetRequiredService<MingchaDb>(), TimeProvider.System, default));
        var device = app.NewClient();
        device.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", t!.Token);
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
}
