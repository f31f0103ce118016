using Microsoft.AspNetCore.Identity;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;

namespace Mingcha.Web.Features.Identity;

public enum SignInOutcome { Succeeded, NeedsTwoFactorCode, InvalidCode, LockedOut, Failed }

/// <summary>
/// The one sign-in use case behind the login page and POST /api/v1/auth/login. Logs every success,
/// failure and lock-out to the audit log (SEC-3). Lock-out after 5 failures for 15 minutes (SEC-1).
/// </summary>
public sealed class SignInHandler(SignInManager<MingchaUser> signIn, UserManager<MingchaUser> users, MingchaDb db)
{
    public async Task<SignInOutcome> PasswordAsync(string userName, string password)
    {
        var result = await signIn.PasswordSignInAsync(userName, password, isPersistent: false, lockoutOnFailure: true);
        var outcome = result.Succeeded ? SignInOutcome.Succeeded
            : result.RequiresTwoFactor ? SignInOutcome.NeedsTwoFactorCode
            : result.IsLockedOut ? SignInOutcome.LockedOut
            : SignInOutcome.Failed;
        await LogAsync(outcome == SignInOutcome.NeedsTwoFactorCode ? "login.password-ok" : "login." + outcome.ToString().ToLowerInvariant(), userName);
        return outcome;
    }

    public async Task<SignInOutcome> TwoFactorAsync(string code)
    {
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null) return SignInOutcome.Failed;
        var result = await signIn.TwoFactorAuthenticatorSignInAsync(Normalize(code), isPersistent: false, rememberClient: false);
        var outcome = result.Succeeded ? SignInOutcome.Succeeded : result.IsLockedOut ? SignInOutcome.LockedOut : SignInOutcome.InvalidCode;
        await LogAsync("login.2fa." + outcome.ToString().ToLowerInvariant(), user.UserName ?? user.Id);
        return outcome;
    }

    /// <summary>Password and, when the account has two-factor on, the code in one call (the API's way).</summary>
    public async Task<SignInOutcome> PasswordAndCodeAsync(string userName, string password, string? code)
    {
        var first = await PasswordAsync(userName, password);
        if (first != SignInOutcome.NeedsTwoFactorCode) return first;
        return string.IsNullOrWhiteSpace(code) ? SignInOutcome.NeedsTwoFactorCode : await TwoFactorAsync(code);
    }

    /// <summary>Checks a TOTP code against the user's key and turns two-factor on (SEC-1).</summary>
    public async Task<bool> EnableTwoFactorAsync(MingchaUser user, string code)
    {
        var ok = await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, Normalize(code));
        if (!ok) return false;
        await users.SetTwoFactorEnabledAsync(user, true);
        db.Audit(new AuditEvent("account.2fa-enabled", "Account", user.UserName));
        await db.SaveChangesAsync();
        await signIn.RefreshSignInAsync(user);
        return true;
    }

    /// <summary>
    /// The signed-in user changes their own password; the SEC-1 password rule applies. The session is renewed
    /// so that it survives the new security stamp. Returns Identity's errors (empty on success).
    /// </summary>
    public async Task<IReadOnlyList<IdentityError>> ChangePasswordAsync(MingchaUser user, string currentPassword, string newPassword)
    {
        var result = await users.ChangePasswordAsync(user, currentPassword, newPassword);
        if (!result.Succeeded) return [.. result.Errors];
        db.Audit(new AuditEvent("account.password-changed", "Account", user.UserName));
        await db.SaveChangesAsync();
        await signIn.RefreshSignInAsync(user);
        return [];
    }

    /// <summary>
    /// Turns two-factor off and replaces the authenticator key, for a lost or replaced phone. Roles that require
    /// two-factor (SEC-1) are then held at the set-up page until a code from the new key is confirmed.
    /// </summary>
    public async Task ResetAuthenticatorAsync(MingchaUser user)
    {
        await users.SetTwoFactorEnabledAsync(user, false);
        await users.ResetAuthenticatorKeyAsync(user);
        db.Audit(new AuditEvent("account.2fa-reset", "Account", user.UserName));
        await db.SaveChangesAsync();
        await signIn.RefreshSignInAsync(user);
    }

    public async Task SignOutAsync(string? userName)
    {
        await signIn.SignOutAsync();
        await LogAsync("logout", userName ?? "");
    }

    private async Task LogAsync(string action, string userName)
    {
        db.Audit(new AuditEvent(action, "Account", userName));
        await db.SaveChangesAsync();
    }

    private static string Normalize(string code) => code.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
}
