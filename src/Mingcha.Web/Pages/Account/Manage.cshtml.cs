using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Account;

/// <summary>The signed-in user's own account: name, roles, unit, password change (SEC-1) and two-factor state.</summary>
[Authorize]
public sealed class ManageModel(UserManager<MingchaUser> users, SignInHandler signIn, MingchaDb db, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public sealed class PasswordInput { public string? Current { get; set; } public string? New { get; set; } public string? Confirm { get; set; } }

    [BindProperty] public PasswordInput Password { get; set; } = new();
    /// <summary>SEC-1: the current password, asked before the authenticator is reset.</summary>
    [BindProperty] public string? ResetPassword { get; set; }

    public string UserName { get; private set; } = "";
    public string DisplayName { get; private set; } = "";
    /// <summary>The roles the account acts as (decision 034: the stored roles less those withheld).</summary>
    public IReadOnlyList<string> RoleNames { get; private set; } = [];
    /// <summary>Decision 034: stored roles the account does not get, with why (the same text as the accounts page).</summary>
    public IReadOnlyList<(string Role, string Rule, string Reason)> Withheld { get; private set; } = [];
    public string? UnitName { get; private set; }
    public bool TwoFactorEnabled { get; private set; }
    public bool TwoFactorRequired { get; private set; }
    public IReadOnlyList<string> PasswordErrors { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        await LoadAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostPasswordAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        ErrorForm = "password";
        if (string.IsNullOrEmpty(Password.Current) || string.IsNullOrEmpty(Password.New))
            Error = Text["请填写当前密码和新密码。"];
        else if (Password.New != Password.Confirm)
            Error = Text["两次输入的新密码不一致。"];
        else
        {
            var errors = await signIn.ChangePasswordAsync(user, Password.Current, Password.New);
            if (errors.Count == 0) return Done(Text["密码已修改。"]);
            Error = Text["密码未修改："];
            // SEC-1 rule texts are Chinese keys of the shared resource; Identity's own errors come localised by Identity.
            // Identity's own length check repeats the SEC-1 rule's, in English only: show the rule's.
            PasswordErrors = errors.Where(e => e.Code != "PasswordTooShort")
                .Select(e => e.Code == "PasswordMismatch" ? Text["当前密码不正确。"].Value : Text[e.Description].Value).ToList();
        }
        await LoadAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostResetAuthenticatorAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        // SEC-1: a live session alone does not replace the second factor; the current password does.
        ErrorForm = "reset";
        if (string.IsNullOrEmpty(ResetPassword) || await users.IsLockedOutAsync(user) || !await users.CheckPasswordAsync(user, ResetPassword))
        {
            if (!string.IsNullOrEmpty(ResetPassword)) await users.AccessFailedAsync(user);
            Error = Text["请输入正确的当前密码后再重置身份验证器。"];
            await LoadAsync(user);
            return Page();
        }
        await signIn.ResetAuthenticatorAsync(user);
        Message = Text["身份验证器已重置，请用新的密钥重新设置双因素认证。"];
        return RedirectToPage("SetupTwoFactor");
    }

    private async Task LoadAsync(MingchaUser user)
    {
        UserName = user.UserName ?? "";
        DisplayName = user.DisplayName;
        var stored = (await users.GetRolesAsync(user)).Where(Roles.IsKnown).OrderBy(r => Roles.All.ToList().IndexOf(r)).ToList();
        // Decision 034: the same rule as the claims factory, so the page lists what the account acts as, not every stored grant.
        var withheld = await WithheldRoles.ForAsync(db, user.Id, user.UnitId, stored);
        RoleNames = stored.Where(r => !withheld.Any(w => w.Role == r)).Select(UiText.Role).ToList();
        Withheld = withheld.Select(w => (w.Role, w.Rule, UiText.Withheld(Text, w.Role, w.Reason))).ToList();
        UnitName = user.UnitId is { } unit ? (await db.Units.FindAsync(unit))?.Name : null;
        TwoFactorEnabled = user.TwoFactorEnabled;
        TwoFactorRequired = Roles.RequireTwoFactor.Any(User.IsInRole);
    }
}
