using Microsoft.Playwright;

namespace Mingcha.BrowserTests.Pages;

/// <summary>Page objects of the rectification pages: the liaison's own page and one notice.</summary>
public sealed class NoticePage(IPage page)
{
    public async Task OpenFromMyPageAsync(Guid noticeId)
    {
        await page.GotoAsync("/Rectification/Mine");
        await page.Locator($"[data-notice='{noticeId}'] a").ClickAsync();
        await page.WaitForURLAsync($"**/Rectification/Notice/{noticeId}");
    }

    public Task<string?> StatusAsync() => page.Locator("#notice-summary").GetAttributeAsync("data-status");

    public ILocator Countdown => page.Locator("#objection-countdown");

    public async Task ObjectAsync(string grounds, string file)
    {
        await page.Locator("#Grounds").FillAsync(grounds);
        await page.Locator("#objection-files").SetInputFilesAsync(file);
        await page.Locator("#objection-form button[type=submit]").ClickAsync();
    }

    public async Task AnswerAsync(string actions, string measures, string file)
    {
        await page.Locator("#Actions").FillAsync(actions);
        await page.Locator("#Measures").FillAsync(measures);
        await page.Locator("#answer-files").SetInputFilesAsync(file);
        await page.Locator("#answer-form button[type=submit]").ClickAsync();
    }

    public ILocator Decision => page.Locator("#objection-decision");
}
