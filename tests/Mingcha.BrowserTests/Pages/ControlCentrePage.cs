using Microsoft.Playwright;

namespace Mingcha.BrowserTests.Pages;

/// <summary>The live rating control centre (/Ratings/Control).</summary>
public sealed class ControlCentrePage(IPage page)
{
    public async Task OpenAsync()
    {
        await page.GotoAsync("/Ratings/Control");
        await Assertions.Expect(page.Locator("#live-state")).ToHaveAttributeAsync("data-state", "live");
    }

    public ILocator TotalCount => page.Locator("#total-count");
    public ILocator BadCount => page.Locator("#total-bad");
    public ILocator BadWall => page.Locator("#bad-wall li");
    /// <summary>"No bad ratings today", shown while the wall is empty.</summary>
    public ILocator BadWallEmpty => page.Locator("#bad-wall-empty");
    /// <summary>"No ratings today", shown while the windows' table is empty.</summary>
    public ILocator WindowsEmpty => page.Locator("#windows-empty");
    /// <summary>The units' chart: hidden until the day's first rating, then drawn on a canvas.</summary>
    public ILocator UnitsChart => page.Locator("#chart-units");
    public ILocator WindowRow(Guid sectionId) => page.Locator($"#windows tr[data-section='{sectionId}']");
}
