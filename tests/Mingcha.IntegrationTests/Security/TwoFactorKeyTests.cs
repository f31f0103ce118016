using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Identity;

namespace Mingcha.IntegrationTests.Security;

/// <summary>
/// SEC-1: the second factor is not copied from a live session. Once enrolled, the set-up page shows no key (it sends the
/// user to the account page); resetting the authenticator takes the current password.
/// </summary>
public sealed class TwoFactorKeyTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    private async Task<(string? Key, bool Enabled)> StoredAsync(string userId)
    {
        string? key = null;
        var enabled = false;
        await app.WithScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<MingchaUser>>();
            var user = (await users.FindByIdAsync(userId))!;
            key = await users.GetAuthenticatorKeyAsync(user);
            enabled = user.TwoFactorEnabled;
        });
        return (key, enabled);
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task SetupPage_OnceEnrolled_ShowsNoKey_AndAPostThereChangesNothing()
    {
        var (user, client) = await app.SignedInAsync(Roles.OfficeAdmin);
        Assert.NotNull(user.TotpKey);

        var get = await client.GetAsync("/Account/SetupTwoFactor");
        Assert.Equal(HttpStatusCode.Redirect, get.StatusCode);
        Assert.EndsWith("/Account/Manage", get.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(user.TotpKey, await get.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        var manage = WebUtility.HtmlDecode(await client.GetStringAsync("/Account/Manage"));
        Assert.Contains("密钥不再显示", manage, StringComparison.Ordinal);
        Assert.DoesNotContain(user.TotpKey, manage, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("shared-key", manage, StringComparison.Ordinal);

        // Posting a code to the set-up page (the token read from the account page) neither shows nor changes the key.
        var token = Pages.AntiforgeryToken(await client.GetStringAsync("/Account/Manage"));
        var post = await client.PostAsync("/Account/SetupTwoFactor", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["Code"] = "000000",
        }));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.DoesNotContain(user.TotpKey, await post.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal((user.TotpKey, true), await StoredAsync(user.Id));
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task ResetAuthenticator_WithoutTheCurrentPassword_IsRefusedOnThePage_AndWithItGivesANewKey()
    {
        var (user, client) = await app.SignedInAsync(Roles.OfficeAdmin);

        foreach (var password in new[] { "", "not-the-password-1A!" })
        {
            var refused = await client.PostFormAsync("/Account/Manage", "ResetAuthenticator", new() { ["ResetPassword"] = password });
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("请输入正确的当前密码后再重置身份验证器", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
            Assert.Equal((user.TotpKey, true), await StoredAsync(user.Id));
        }

        var reset = await client.PostFormAsync("/Account/Manage", "ResetAuthenticator", new() { ["ResetPassword"] = user.Password });
        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        Assert.Contains("SetupTwoFactor", reset.Headers.Location!.ToString(), StringComparison.Ordinal);
        var (key, enabled) = await StoredAsync(user.Id);
        Assert.False(enabled);
        Assert.NotEqual(user.TotpKey, key);
        // Not yet enrolled again: the set-up page shows the new key.
        var setup = await client.GetStringAsync("/Account/SetupTwoFactor");
        Assert.Contains($"data-key=\"{key}\"", setup, StringComparison.Ordinal);
    }
}
