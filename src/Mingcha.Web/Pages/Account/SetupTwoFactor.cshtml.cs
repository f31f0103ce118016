using System.ComponentModel.DataAnnotations;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Security;
using Mingcha.Web.Features.Identity;
using QRCoder;

namespace Mingcha.Web.Pages.Account;

/// <summary>TOTP enrolment (SEC-1): the key as a QR code and as text, confirmed by a first code.</summary>
[Authorize]
public sealed class SetupTwoFactorModel(UserManager<MingchaUser> users, SignInHandler signIn, IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string Code { get; set; } = ""; // blank stays "", never null
    public string SharedKey { get; private set; } = "";
    public string FormattedKey { get; private set; } = "";
    public string QrSvg { get; private set; } = "";
    public bool Required { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        if (user.TwoFactorEnabled) return Enrolled();
        await LoadAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        if (user.TwoFactorEnabled) return Enrolled();
        if (await signIn.EnableTwoFactorAsync(user, Code)) return LocalRedirect("/");
        Error = l["验证码错误，请重试。"];
        await LoadAsync(user);
        return Page();
    }

    /// <summary>
    /// SEC-1: once two-factor is on, the key is never shown again: anyone holding a live session could otherwise copy the
    /// second factor. A new key is had only by resetting the authenticator on the account page, with the password.
    /// </summary>
    private RedirectToPageResult Enrolled()
    {
        TempData["Message"] = l["双因素认证已启用，密钥不再显示。更换手机时，请在此输入当前密码重置身份验证器。"].Value;
        return RedirectToPage("Manage");
    }

    private async Task LoadAsync(MingchaUser user)
    {
        Required = Roles.RequireTwoFactor.Any(User.IsInRole) && !user.TwoFactorEnabled;
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user);
        }
        SharedKey = key!;
        var sb = new StringBuilder();
        for (var i = 0; i < SharedKey.Length; i += 4) sb.Append(SharedKey.AsSpan(i, Math.Min(4, SharedKey.Length - i))).Append(' ');
        FormattedKey = sb.ToString().TrimEnd().ToLowerInvariant();
        var uri = $"otpauth://totp/{Uri.EscapeDataString("Mingcha")}:{Uri.EscapeDataString(user.UserName!)}?secret={SharedKey}&issuer=Mingcha&digits=6";
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.Q);
        QrSvg = new SvgQRCode(data).GetGraphic(4);
    }
}
