using Microsoft.Playwright;
using Mingcha.BrowserTests.Infrastructure;
using Mingcha.BrowserTests.Pages;
using Mingcha.Domain.Security;

namespace Mingcha.BrowserTests;

public sealed class CalendarJourneyTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    [Trait("Rule", "CAL-1")]
    [Trait("Rule", "CAL-2")]
    public async Task Calendar_WhenOpenedOnPhone_ShowsSpringFestivalAndComputesDeadlineOverIt()
    {
        var account = await app.CreateAccountAsync(Roles.OfficeStaff);
        var page = await app.NewPageAsync(phone: true);
        await new LoginPage(page).SignInAsync(account.UserName, account.Password);
        var calendar = new CalendarPage(page);
        await calendar.OpenAsync(2026);

        // The State Council's 2026 notice: 15–23 February off, Saturday 14 February worked.
        Assert.Equal("holiday", await calendar.KindOfAsync("2026-02-17"));
        Assert.Equal("makeup", await calendar.KindOfAsync("2026-02-14"));
        Assert.Equal("off", await calendar.KindOfAsync("2026-03-01"));
        await Assertions.Expect(page.Locator("td[data-date='2026-10-01']")).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex("国庆节"));

        // Friday 13 February + 3 working days: Sat 14 (make-up), then Tue 24 and Wed 25 after the holiday.
        var (lastDay, _) = await calendar.DeadlineAsync("2026-02-13", 3);
        Assert.Equal("2026-02-25", lastDay);

        // On the phone each festival is a card: its values one under the other, each under its column's name.
        var spring = page.Locator("table.festivals tbody tr", new() { HasText = "春节" });
        var (name, off) = (spring.Locator("td").Nth(0), spring.Locator("td").Nth(1));
        Assert.Equal("\"放假\"", await off.EvaluateAsync<string>("td => getComputedStyle(td, '::before').content"));
        var (nameBox, offBox) = (await name.BoundingBoxAsync(), await off.BoundingBoxAsync());
        Assert.True(offBox!.Y >= nameBox!.Y + nameBox.Height - 1, $"the holiday cell ({offBox.Y}) sits beside the name ({nameBox.Y}), not under it");
    }

    [Fact]
    [Trait("Rule", "CAL-3")]
    public async Task Calendar_WhenDeadlineNeedsMissingYear_SaysSoInsteadOfGuessing()
    {
        var account = await app.CreateAccountAsync(Roles.OfficeStaff);
        var page = await app.NewPageAsync();
        await new LoginPage(page).SignInAsync(account.UserName, account.Password);
        await new CalendarPage(page).OpenAsync(2026);
        // On a wide screen the festivals stay a table: a header row, no per-cell names.
        await Assertions.Expect(page.Locator("table.festivals thead th").First).ToHaveTextAsync("节日");
        Assert.Equal("none", await page.Locator("table.festivals tbody td").Nth(1).EvaluateAsync<string>("td => getComputedStyle(td, '::before').content"));
        await page.Locator("#from").FillAsync("2026-12-28");
        await page.Locator("#days").FillAsync("10");
        await page.Locator("form[action='#deadline'] button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#deadline-error")).ToContainTextAsync("2027");
    }
}
