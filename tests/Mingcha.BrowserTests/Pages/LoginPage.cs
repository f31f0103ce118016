using Microsoft.Playwright;
using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.BrowserTests.Pages;

/// <summary>Page object for sign-in, two-factor enrolment and the two-factor step.</summary>
public sealed class LoginPage(IPage page)
{
    /// <summary>
    /// Types the name and password and submits, and waits for the sign-in's answer (whatever it says: the next page follows).
    /// A submit that led nowhere (seen on loaded machines: the page stayed on the sign-in form with no message for 30 s) is
    /// sent once more after 15 s; signing in twice changes nothing.
    /// </summary>
    public async Task SignInAsync(string userName, string password)
    {
        await page.GotoAsync("/Account/Login");
        await page.Locator("#UserName").FillAsync(userName);
        await page.Locator("#Password").FillAsync(password);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await page.RunAndWaitForResponseAsync(() => page.Locator("#login-form button[type=submit]").ClickAsync(),
                    r => r.Request.Method == "POST" && new Uri(r.Url).AbsolutePath == "/Account/Login",
                    new PageRunAndWaitForResponseOptions { Timeout = attempt == 0 ? 15_000 : 30_000 });
                return;
            }
            catch (TimeoutException) when (attempt == 0)
            {
                await page.Locator("#Password").FillAsync(password);
            }
        }
    }

    /// <summary>
    /// Signs in and waits until a signed-in page shows (its sign-out form), failing at once with the page's message when
    /// the sign-in is refused.
    /// </summary>
    public async Task SignInAndWaitAsync(string userName, string password)
    {
        await SignInAsync(userName, password);
        var refused = page.Locator("#login-form .error");
        await page.Locator("#logout-form").Or(refused).First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        if (await refused.CountAsync() > 0)
            throw new InvalidOperationException($"sign-in of {userName} refused: {await refused.InnerTextAsync()}");
    }

    /// <summary>On the enrolment page: reads the key the page shows, as a person would type it into an app, and confirms a code.</summary>
    public async Task<string> EnrolTotpAsync()
    {
        await page.WaitForURLAsync("**/Account/SetupTwoFactor");
        var key = await page.Locator("#shared-key").GetAttributeAsync("data-key") ?? throw new InvalidOperationException("no key shown");
        await SubmitCodeAsync(key, "#totp-form", "/Account/SetupTwoFactor");
        return key;
    }

    public async Task EnterCodeAsync(string key)
    {
        await page.WaitForURLAsync("**/Account/LoginTwoFactor**");
        await SubmitCodeAsync(key, "#code-form", "/Account/LoginTwoFactor");
    }

    /// <summary>
    /// Types the current code and submits; if the page is still there 15 s later with no message (on a loaded machine a
    /// submit sometimes leads nowhere, as sign-in did), types a fresh code and submits once more.
    /// </summary>
    private async Task SubmitCodeAsync(string key, string form, string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            await page.Locator("#Code").FillAsync(Totp.Code(key, DateTimeOffset.UtcNow));
            await page.Locator(form + " button[type=submit]").ClickAsync();
            try
            {
                await page.WaitForURLAsync(url => !url.Contains(path, StringComparison.Ordinal), new PageWaitForURLOptions { Timeout = 15_000 });
                return;
            }
            catch (TimeoutException) when (attempt == 0)
            {
                if (await page.Locator(form + " .error").CountAsync() > 0) throw; // the code was refused: that is the answer
                // No form on screen: the submit went through and its answer is still on the way (it once arrived after 16 s
                // and the retry waited for a code field on the home page). Wait for it rather than type again.
                if (await page.Locator("#Code").CountAsync() == 0)
                {
                    await page.WaitForURLAsync(url => !url.Contains(path, StringComparison.Ordinal), new PageWaitForURLOptions { Timeout = 60_000 });
                    return;
                }
            }
        }
    }

    public async Task SignOutAsync()
    {
        // A click that led nowhere in 15 s (the final full run of stop 37 waited 30 s on the home page after it, under
        // load) is made once more while the button is still there; a sign-out on its way is waited for.
        for (var attempt = 1; ; attempt++)
        {
            await page.Locator("#logout-form button").ClickAsync(new LocatorClickOptions { Force = true }); // hidden behind the menu button on phones
            try
            {
                await page.WaitForURLAsync("**/Account/Login**", new PageWaitForURLOptions { Timeout = 15_000 });
                return;
            }
            catch (TimeoutException) when (attempt < 3)
            {
                if (await page.Locator("#logout-form button").CountAsync() == 0) throw; // left the page: its answer is late, not lost
            }
        }
    }
}
