using Microsoft.Playwright;

namespace Mingcha.BrowserTests.Pages;

/// <summary>Page object for the eight-step visit flow (/Inspections/Visit/{id}) on a phone.</summary>
public sealed class VisitProtocolPage(IPage page)
{
    public async Task OpenAsync(Guid visitId) => await page.GotoAsync($"/Inspections/Visit/{visitId}");

    public async Task StartAsync()
    {
        await page.Locator("#start-visit").ClickAsync();
        await Assertions.Expect(page.Locator("#step-panel")).ToBeVisibleAsync();
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
        await page.Locator("#step-save").ClickAsync();
        await Assertions.Expect(page.Locator("#sync-status")).ToHaveTextAsync("已保存");
        await Assertions.Expect(page.Locator($"#step-nav [data-step=\"{step}\"]")).ToHaveClassAsync("done");
    }

    public async Task SurveyAsync(string experience, string staff)
    {
        await GoToAsync(6);
        await page.Locator("#survey-experience").FillAsync(experience);
        await page.Locator("#survey-staff").FillAsync(staff);
        await page.Locator("#survey-satisfaction").SelectOptionAsync("4");
        await page.Locator("#survey-save").ClickAsync();
        await Assertions.Expect(page.Locator("#surveys li")).ToHaveCountAsync(1);
        await SaveAsync(6);
    }

    public async Task ScoreAsync(string score)
    {
        await GoToAsync(7);
        await page.Locator("#score").FillAsync(score);
        await page.Locator("#score-note").FillAsync("窗口服务总体规范");
        await SaveAsync(7);
    }

    public async Task SubmitAsync()
    {
        await GoToAsync(8);
        await page.Locator("#submit-visit").ClickAsync();
        await Assertions.Expect(page.Locator("#result")).ToHaveClassAsync("ok");
        await Assertions.Expect(page.Locator("#visit-status")).ToHaveTextAsync("Submitted");
    }
}
