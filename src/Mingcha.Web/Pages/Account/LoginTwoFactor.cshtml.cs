using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Mingcha.Web.Features.Identity;

namespace Mingcha.Web.Pages.Account;

public sealed class LoginTwoFactorModel(SignInHandler signIn, IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string Code { get; set; } = ""; // blank stays "", never null
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    public string? Error { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        switch (await signIn.TwoFactorAsync(Code))
        {
            case SignInOutcome.Succeeded:
                return LocalRedirect(LoginModel.SafeReturn(ReturnUrl));
            case SignInOutcome.LockedOut:
                Error = l["账户因多次登录失败已锁定 15 分钟。"];
                return Page();
            case SignInOutcome.Failed:
                return RedirectToPage("Login");
            default:
                Error = l["验证码错误，请重试。"];
                return Page();
        }
    }
}
