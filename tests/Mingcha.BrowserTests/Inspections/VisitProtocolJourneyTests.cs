using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Mingcha.BrowserTests.Infrastructure;
using Mingcha.BrowserTests.Pages;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;

namespace Mingcha.BrowserTests.Inspections;

/// <summary>INS-11, INS-20: an inspector on a phone walks the eight steps with real video uploads and submits the report.</summary>
public sealed class VisitProtocolJourneyTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private sealed record IdDto(Guid Id);

    private static string Video(int seconds)
    {
        var path = Path.Combine(Path.GetTempPath(), $"mingcha-bt-visit-{seconds}-{Guid.NewGuid().ToString("N")[..6]}.mp4");
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", $"testsrc=duration={seconds}:size=64x48:rate=1",
                     "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", "-y", path })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
        return path;
    }

    private async Task<HttpClient> OfficeAsync()
    {
        var office = await app.CreateAccountAsync(Roles.OfficeStaff);
#pragma warning disable CA2000 // the client owns the handler
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(app.BaseUrl) };
#pragma warning restore CA2000
        (await client.PostAsJsonAsync("/api/v1/auth/login", new { userName = office.UserName, password = office.Password })).EnsureSuccessStatusCode();
        return client;
    }

    private static async Task<Guid> CreatedAsync(Task<HttpResponseMessage> call)
    {
        var r = await call;
        Assert.True(r.StatusCode == HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        return (await r.Content.ReadFromJsonAsync<IdDto>())!.Id;
    }

    private sealed record Visit(HttpClient Office, Guid Id, Guid Unit, IPage Page, VisitProtocolPage Flow) : IDisposable
    {
        public void Dispose() => Office.Dispose();
    }

    /// <summary>The Office plans a covert round with one team and draws one window; its inspector opens the visit on a
    /// phone and starts it.</summary>
    private async Task<Visit> StartedVisitAsync()
    {
        var office = await OfficeAsync();
        var inspector = await app.CreateAccountAsync(Roles.Supervisor);
        var tag = Guid.NewGuid().ToString("N")[..6];
        var unit = await CreatedAsync(office.PostAsJsonAsync("/api/v1/units", new { code = $"bt-v-{tag}", name = "浏览器暗访局" }));
        var section = await CreatedAsync(office.PostAsJsonAsync("/api/v1/sections", new { unitId = unit, code = $"bt-vs-{tag}", name = "综合窗口", kind = "Window" }));
        var supervisor = await CreatedAsync(office.PostAsJsonAsync("/api/v1/supervisors", new { code = $"bt-sup-{tag}", name = "暗访监督员" }));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
            var user = await scope.ServiceProvider.GetRequiredService<UserManager<MingchaUser>>().FindByNameAsync(inspector.UserName);
            var row = await db.Supervisors.FirstAsync(s => s.Id == supervisor);
            row.UserId = user!.Id;
            row.Approve(DateTime.UtcNow); // the office administrator's approval (ORG-3), who signs in with two factors
            await db.SaveChangesAsync();
        }
        var team = await CreatedAsync(office.PostAsJsonAsync("/api/v1/teams", new { name = "浏览器督查组" + tag, task = "暗访", members = new[] { supervisor }, leaderId = supervisor }));
        var year = DateTime.UtcNow.Year;
        (await office.PostAsync($"/api/v1/inspections/catalogues/{year}", null)).EnsureSuccessStatusCode();
        var round = await CreatedAsync(office.PostAsJsonAsync("/api/v1/inspections/rounds", new
        {
            year, kind = "Covert", campaign = "Routine", title = "浏览器暗访轮次" + tag, scope = "窗口", focus = "纪律", plannedTargets = 1,
            startsOn = $"{year}-01-01", endsOn = $"{year}-12-31", teamIds = new[] { team },
        }));
        (await office.PostAsync($"/api/v1/inspections/rounds/{round}/decide", null)).EnsureSuccessStatusCode();
        (await office.PostAsJsonAsync($"/api/v1/inspections/rounds/{round}/draws", new { count = 1, unitIds = new[] { unit }, teamId = team })).EnsureSuccessStatusCode();
        (await office.PostAsync($"/api/v1/inspections/rounds/{round}/start", null)).EnsureSuccessStatusCode();
        (await office.PostAsync($"/api/v1/inspections/rounds/{round}/visits", null)).EnsureSuccessStatusCode();
        var visits = await office.GetFromJsonAsync<List<JsonElement>>($"/api/v1/inspections/visits?roundId={round}");
        var visit = Assert.Single(visits!).GetProperty("id").GetGuid();

        var page = await app.NewPageAsync(phone: true);
        await new LoginPage(page).SignInAndWaitAsync(inspector.UserName, inspector.Password);
        var flow = new VisitProtocolPage(page);
        await flow.OpenAsync(visit);
        await flow.StartAsync();
        return new Visit(office, visit, unit, page, flow);
    }

    [Fact]
    [Trait("Rule", "INS-11")]
    [Trait("Rule", "INS-20")]
    [Trait("Rule", "INS-8")]
    public async Task Inspector_OnAPhone_WalksTheEightStepsAndSubmits()
    {
        using var v = await StartedVisitAsync();
        var (office, visit, unit, flow) = (v.Office, v.Id, v.Unit, v.Flow);
        // What each step needs, in words; the archive is not "done" before anything was recorded.
        await Assertions.Expect(v.Page.Locator("#step-required")).ToHaveTextAsync("必做 · 视频");
        await Assertions.Expect(v.Page.Locator("#step-nav [data-step=\"8\"]")).Not.ToHaveClassAsync("done");

        await flow.FilmStepAsync(1, Video(5));
        await flow.FilmStepAsync(2, Video(4));
        await flow.FilmStepAsync(3, Video(41 * 60)); // the window filmed continuously: the 40-minute rule
        await flow.FilmStepAsync(4, Video(6));
        await flow.FilmStepAsync(5, Video(7));
        await flow.SurveyAsync("排队十分钟，办理顺利", "态度热情");
        await flow.ScoreAsync("88");
        await flow.RecordFindingAsync("窗口人员离岗未放置告示牌");
        var leader = await app.CreateAccountAsync(Roles.UnitLiaison, unit);
        await app.DesignateUnitLeaderAsync(leader.UserName);
        await flow.SignAsync(leader.UserName, leader.Password);
        await flow.SubmitAsync();
        await Assertions.Expect(v.Page.Locator("#step-nav [data-step=\"8\"]")).ToHaveClassAsync("done");
        // Handed in, the record is read, not edited: its controls are disabled, the way between steps is not.
        await Assertions.Expect(v.Page.Locator("#submit-visit")).ToBeDisabledAsync();
        await Assertions.Expect(v.Page.Locator("#finding-add")).ToBeDisabledAsync();
        await Assertions.Expect(v.Page.Locator("#step-next")).ToBeEnabledAsync();

        var detail = await office.GetFromJsonAsync<JsonElement>($"/api/v1/inspections/visits/{visit}");
        Assert.Equal("Submitted", detail.GetProperty("visit").GetProperty("status").GetString());
        Assert.Equal(8, detail.GetProperty("stepsCompleted").GetInt32());
        Assert.True(detail.GetProperty("recordedSeconds").GetInt32() >= 2400);
        var findings = await office.GetFromJsonAsync<List<JsonElement>>($"/api/v1/inspections/findings?visitId={visit}");
        Assert.Equal("SignedByUnit", Assert.Single(findings!).GetProperty("confirmation").GetString());
    }

    /// <summary>The save of one step may answer after the inspector has moved on and begun typing the next: the refresh it
    /// brings must not wipe what is being typed (it once emptied the score, so the score was never sent).</summary>
    [Fact]
    [Trait("Rule", "INS-11")]
    public async Task Inspector_TypingTheScore_KeepsIt_WhenTheSaveOfTheStepBeforeAnswersLate()
    {
        using var v = await StartedVisitAsync();
        var (page, flow) = (v.Page, v.Flow);

        // The save of step 6 is held on its way to the server until the score has been typed.
        var release = new TaskCompletionSource();
        await page.RouteAsync("**/api/v1/inspections/visits/*/steps/6", async route =>
        {
            await release.Task;
            await route.ContinueAsync();
        });
        await flow.GoToAsync(6);
        await page.Locator("#step-notes").FillAsync("问卷未收回");
        await page.Locator("#step-save").ClickAsync();

        await flow.GoToAsync(7);
        await page.Locator("#score").FillAsync("91");
        await page.Locator("#score-note").FillAsync("引导到位");
        // The refresh that follows the held save redraws the step title; wait for exactly that redraw.
        await page.EvaluateAsync("() => { window.redrawn = new Promise(r => new MutationObserver(() => r())"
            + ".observe(document.getElementById('step-title'), { childList: true, characterData: true, subtree: true })); }");
        var refreshed = page.WaitForResponseAsync(r => r.Url.EndsWith("/protocol", StringComparison.Ordinal));
        release.SetResult();
        await refreshed;
        await page.EvaluateAsync("() => window.redrawn");

        await Assertions.Expect(page.Locator("#score")).ToHaveValueAsync("91");
        await Assertions.Expect(page.Locator("#score-note")).ToHaveValueAsync("引导到位");
        await flow.SaveAsync(7);

        // After a reload, what the page shows is the server's: the held notes of step 6 arrived, and so did the score.
        await page.ReloadAsync();
        await flow.GoToAsync(6);
        await Assertions.Expect(page.Locator("#step-notes")).ToHaveValueAsync("问卷未收回");
        await flow.GoToAsync(7);
        await Assertions.Expect(page.Locator("#score")).ToHaveValueAsync("91");
        await Assertions.Expect(page.Locator("#score-note")).ToHaveValueAsync("引导到位");
    }
}
