using Microsoft.Playwright;
using Mingcha.BrowserTests.Infrastructure;
using Mingcha.BrowserTests.Pages;
using Mingcha.Domain.Security;

namespace Mingcha.BrowserTests;

/// <summary>What a user's browser reports while the main pages load: no failed resource, no script error, and the tab's icon.</summary>
public sealed class PageHygieneTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Theory]
    [InlineData("/Account/Login", false)]
    [InlineData("/", true)]
    [InlineData("/Scoring/Overview", true)]
    [InlineData("/Ratings/Control", true)]
    [InlineData("/Complaints/File", false)]
    public async Task Page_WhenOpened_ReportsNoFailedResourceOrScriptError(string path, bool signedIn)
    {
        var page = await app.NewPageAsync();
        if (signedIn)
        {
            var account = await app.CreateAccountAsync(Roles.Leader);
            await new LoginPage(page).SignInAsync(account.UserName, account.Password);
        }
        var problems = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") problems.Add($"{m.Text} @ {m.Location}"); };
        page.PageError += (_, e) => problems.Add("script: " + e);
        var response = await page.GotoAsync(path);
        Assert.Equal(200, response!.Status);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.Empty(problems);
        // The tab's icon: declared and served. (A browser asks for /favicon.ico when a page declares none, and remembers a
        // failure for the whole session, so the console alone would only tell on the first page it opens.)
        var icon = await page.Locator("head link[rel='icon']").GetAttributeAsync("href");
        Assert.NotNull(icon);
        var served = await page.APIRequest.GetAsync(icon);
        Assert.Equal(200, served.Status);
        Assert.StartsWith("image/", served.Headers["content-type"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task LinkToARecordThatIsNotThere_ShowsTheErrorPageInTheLayout()
    {
        var page = await app.NewPageAsync();
        var account = await app.CreateAccountAsync(Roles.Leader);
        await new LoginPage(page).SignInAsync(account.UserName, account.Password);
        var response = await page.GotoAsync("/Rectification/Notice/" + Guid.NewGuid());
        Assert.Equal(404, response!.Status);
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("找不到此页面或记录");
        await Assertions.Expect(page.Locator("header.topbar")).ToBeVisibleAsync(); // the site's layout, its navigation to go on from
        await page.GetByRole(AriaRole.Link, new() { Name = "返回首页" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
    }
}
