using Microsoft.Playwright;

namespace Mingcha.BrowserTests.Pages;

/// <summary>Page object for the eight-step visit flow (/Inspections/Visit/{id}) on a phone.</summary>
public sealed class VisitProtocolPage(IPage page)
{
    public async Task OpenAsync(Guid visitId) => await page.GotoAsync($"/Inspections/Visit/{visitId}");

    public async Task StartAsync()
    {
        await page.Locator("#start-visit").ClickAsync();
        await Assertions.Expect(page.Locator("#step-panel")).ToBeVisibleAsync(new() { Timeout = 30_000 });
    }

    public async Task GoToAsync(int step)
    {
        await page.Locator($"#step-nav [data-step=\"{step}\"]").ClickAsync();
        await Assertions.Expect(page.Locator("#step-title")).ToContainTextAsync($"{step}. ");
    }

    /// <summary>Marks the step's start, uploads a file from the phone, marks its end, saves and moves on.</summary>
    public async Task FilmStepAsync(int step, string file)
    {
        await GoToAsync(step);
        await page.Locator("#step-start").ClickAsync();
        await page.Locator("#step-file").SetInputFilesAsync(file);
        await page.Locator("#step-upload").ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#step-files li').length > 0 || document.getElementById('result').textContent.length > 0",
            null, new() { Timeout = 60_000 });
        Assert.Equal("", await page.Locator("#result").TextContentAsync());
        await Assertions.Expect(page.Locator("#step-files li")).ToHaveCountAsync(1);
        await page.Locator("#step-end").ClickAsync();
        await SaveAsync(step);
    }

    public async Task SaveAsync(int step)
    {
        // The step's own save answered (a step already done would otherwise pass before it); then the step shows "done"
        // once the server reports its evidence complete (the machine may be busy).
        await page.RunAndWaitForResponseAsync(() => page.Locator("#step-save").ClickAsync(),
            r => r.Request.Method == "PUT" && r.Url.EndsWith($"/steps/{step}", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator($"#step-nav [data-step=\"{step}\"]")).ToHaveClassAsync("done", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#sync-status")).ToHaveTextAsync("已保存");
    }

    public async Task SurveyAsync(string experience, string staff)
    {
        await GoToAsync(6);
        await page.Locator("#survey-experience").FillAsync(experience);
        await page.Locator("#survey-staff").FillAsync(staff);
        await page.Locator("#survey-satisfaction").SelectOptionAsync("4");
        await page.Locator("#survey-save").ClickAsync();
        await Assertions.Expect(page.Locator("#surveys li")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await SaveAsync(6);
    }

    public async Task ScoreAsync(string score)
    {
        await GoToAsync(7);
        await page.Locator("#score").FillAsync(score);
        await page.Locator("#score-note").FillAsync("窗口服务总体规范");
        await SaveAsync(7);
    }

    public async Task RecordFindingAsync(string description)
    {
        await GoToAsync(8);
        await Assertions.Expect(page.Locator("#finding-item option")).Not.ToHaveCountAsync(0);
        await page.Locator("#finding-description").FillAsync(description);
        // INS-7: the finding names a photo or video of the visit.
        await page.Locator("#finding-evidence input").First.CheckAsync();
        await page.Locator("#finding-add").ClickAsync();
        await Assertions.Expect(page.Locator("#findings li")).ToContainTextAsync(description, new() { Timeout = 30_000 });
    }

    /// <summary>INS-8: the unit's leader draws a signature on the phone and confirms with their own account.</summary>
    public async Task SignAsync(string userName, string password)
    {
        await page.Locator("#signature-pad").ScrollIntoViewIfNeededAsync();
        var box = (await page.Locator("#signature-pad").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + 20, box.Y + 70);
        await page.Mouse.DownAsync();
        foreach (var (dx, dy) in new[] { (60, -30), (110, 40), (170, -20), (230, 30), (300, 0) })
            await page.Mouse.MoveAsync(box.X + dx, box.Y + 70 + dy, new() { Steps = 4 });
        await page.Mouse.UpAsync();
        await page.Locator("#signer-user").FillAsync(userName);
        await page.Locator("#signer-password").FillAsync(password);
        await page.Locator("#signature-confirm").ClickAsync();
        await page.WaitForFunctionAsync("() => document.getElementById('confirmation-status').textContent.length > 0 || document.getElementById('result').textContent.length > 0",
            null, new() { Timeout = 30_000 });
        Assert.Equal("", await page.Locator("#result").TextContentAsync());
        await Assertions.Expect(page.Locator("#confirmation-status")).ToHaveTextAsync("已签字确认");
    }

    public async Task SubmitAsync()
    {
        await GoToAsync(8);
        await page.Locator("#submit-visit").ClickAsync();
        await Assertions.Expect(page.Locator("#result")).ToHaveClassAsync("ok", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#visit")).ToHaveAttributeAsync("data-status", "Submitted", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#visit-status")).ToHaveTextAsync("已提交");
    }
}
