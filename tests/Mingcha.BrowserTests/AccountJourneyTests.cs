using Microsoft.Playwright;
using Mingcha.BrowserTests.Infrastructure;
using Mingcha.BrowserTests.Pages;
using Mingcha.Domain.Security;

namespace Mingcha.BrowserTests;

public sealed class AccountJourneyTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task OfficeAdmin_WhenSigningInFirstTime_MustEnrolTotpAndThenUsesIt()
    {
        var account = await app.CreateAccountAsync(Roles.OfficeAdmin);
        var page = await app.NewPageAsync();
        var login = new LoginPage(page);

        await login.SignInAsync(account.UserName, account.Password);
        // Two-factor is mandatory for the office administrator: any page leads to enrolment first.
        await page.GotoAsync("/Calendar");
        var key = await login.EnrolTotpAsync();
        await page.WaitForURLAsync(app.BaseUrl + "/");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("欢迎");

        await login.SignOutAsync();
        await login.SignInAsync(account.UserName, account.Password);
        await login.EnterCodeAsync(key);
        await page.WaitForURLAsync(app.BaseUrl + "/");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("欢迎");
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task Login_WhenPasswordWrong_ShowsMessageAndStaysOnLogin()
    {
        var account = await app.CreateAccountAsync(Roles.OfficeStaff);
        var page = await app.NewPageAsync(phone: true);
        await new LoginPage(page).SignInAsync(account.UserName, account.Password + "x");
        await Assertions.Expect(page.Locator("p.error")).ToContainTextAsync("用户名或密码错误");
        Assert.Contains("/Account/Login", page.Url, StringComparison.Ordinal);
    }
}
