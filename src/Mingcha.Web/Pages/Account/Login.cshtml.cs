using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Mingcha.Web.Features.Identity;

namespace Mingcha.Web.Pages.Account;

public sealed class LoginModel(SignInHandler signIn, IStringLocalizer<SharedResource> l) : PageModel
{
    // A blank field stays "" (model binding would make it null, which a non-nullable string does not expect).
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string UserName { get; set; } = "";
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string Password { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    public string? Error { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        // As the API (both fields required): a blank form is refused before any lookup, no failed sign-in is recorded.
        if (string.IsNullOrWhiteSpace(UserName) || string.IsNullOrEmpty(Password))
        {
            Error = l["请输入用户名和密码。"];
            return Page();
        }
        // As the API refuses them before any lookup: no account has such a name, and it would not fit the audit line.
        if (UserName.Length > AccountsApi.MaxUserNameLength || UserName.Any(char.IsControl))
        {
            Error = l["用户名或密码错误。"];
            return Page();
        }
        switch (await signIn.PasswordAsync(UserName.Trim(), Password))
        {
            case SignInOutcome.Succeeded:
                return LocalRedirect(SafeReturn(ReturnUrl));
            case SignInOutcome.NeedsTwoFactorCode:
                return RedirectToPage("LoginTwoFactor", new { ReturnUrl });
            case SignInOutcome.LockedOut:
                Error = l["账户因多次登录失败已锁定 15 分钟。"];
                return Page();
            default:
                Error = l["用户名或密码错误。"];
                return Page();
        }
    }

    internal static string SafeReturn(string? url) =>
        url is { Length: > 0 } && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : "/";
}
