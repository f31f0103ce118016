using Microsoft.Playwright;

namespace Mingcha.BrowserTests.Pages;

/// <summary>Page object for the working-day calendar (/Calendar).</summary>
public sealed class CalendarPage(IPage page)
{
    public Task OpenAsync(int year) => page.GotoAsync($"/Calendar?year={year}");

    public Task<string?> KindOfAsync(string date) => page.Locator($"td[data-date='{date}']").GetAttributeAsync("data-kind");

    public async Task<(string LastDay, string Left)> DeadlineAsync(string from, int days)
    {
        await page.Locator("#from").FillAsync(from);
        await page.Locator("#days").FillAsync(days.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.Locator("form[action='#deadline'] button[type=submit]").ClickAsync();
        var result = page.Locator("#deadline-result");
        await result.WaitForAsync();
        return ((await result.GetAttributeAsync("data-last-day"))!, (await result.GetAttributeAsync("data-left"))!);
    }
}
