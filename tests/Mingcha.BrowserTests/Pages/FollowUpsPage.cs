using Microsoft.Playwright;

namespace Mingcha.BrowserTests.Pages;

/// <summary>The follow-ups of bad ratings (/Ratings/FollowUps).</summary>
public sealed class FollowUpsPage(IPage page)
{
    public async Task OpenAsync() => await page.GotoAsync("/Ratings/FollowUps");

    public ILocator Row(Guid followUpId) => page.Locator($"#follow-ups tr[data-case='{followUpId}']");

    /// <summary>How far the page is wider than the screen, in CSS pixels (0: no sideways scrolling).</summary>
    public async Task<int> OverflowAsync() => await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
}
