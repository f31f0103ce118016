using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Infrastructure;
using static Mingcha.Web.Features.Identity.AccountsApi;

namespace Mingcha.Web.Pages.Admin;

/// <summary>
/// Accounts (SEC-1). 三员分立: the system administrator creates, locks and unlocks accounts and issues API tokens;
/// the security administrator grants roles. Each sees only their own forms.
/// </summary>
[Authorize(Policy = Policies.AccountsRead)]
public sealed class AccountsModel(MingchaDb db, AccountService accounts, UserManager<MingchaUser> users, LocalClock clock, TimeProvider time,
    IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public sealed record Created(string Label, string Secret);
    public sealed class AccountInput { public string? UserName { get; set; } public string? DisplayName { get; set; } public Guid? UnitId { get; set; } }
    public sealed class TokenInput { public string? Name { get; set; } public List<string> Scopes { get; set; } = []; public Guid? UnitId { get; set; } public int? ExpiresInDays { get; set; }
        public Mingcha.Domain.Satisfaction.RatingScale? RatingScale { get; set; } }

    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty] public AccountInput NewAccount { get; set; } = new();
    [BindProperty] public TokenInput NewToken { get; set; } = new();

    public IReadOnlyList<AccountSummary> Accounts { get; private set; } = [];
    public IReadOnlyList<TokenSummary> Tokens { get; private set; } = [];
    public IReadOnlyDictionary<Guid, string> UnitNames { get; private set; } = new Dictionary<Guid, string>();
    /// <summary>A generated password or token, shown in this response only.</summary>
    public Created? Secret { get; private set; }
    /// <summary>The roles last submitted for an account whose grant was refused, so the form shows the choice again.</summary>
    public (string AccountId, IReadOnlyList<string> Roles)? Submitted { get; private set; }
    public bool IsSystemAdmin => Has(Roles.SystemAdmin);
    public bool IsSecurityAdmin => Has(Roles.SecurityAdmin);
    public DateTime Now => clock.UtcNow;

    public string UnitName(Guid? id) => id is { } g && UnitNames.TryGetValue(g, out var n) ? n : "";
    public bool Checked(AccountSummary a, string role) =>
        Submitted is { } s && s.AccountId == a.Id ? s.Roles.Contains(role) : a.Roles.Contains(role);

    /// <summary>Decision 034: why a stored role is not in effect, in the page's language.</summary>
    public string Reason(WithheldRoleSummary w) =>
        Enum.TryParse<WithheldReason>(w.Reason, out var reason) ? UiText.Withheld(Text, w.Role, reason) : UiText.Pick(w.Message);

    public static bool IsLocked(AccountSummary a, DateTime nowUtc) => a.LockoutEnd is { } end && end.UtcDateTime > nowUtc;

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        if (!IsSystemAdmin) return Forbid();
        string userName = "", password = "";
        if (await TryAsync("create", async () =>
            {
                if (string.IsNullOrWhiteSpace(NewAccount.UserName) || NewAccount.UserName.Trim().Length < 2)
                    throw new FieldException("userName", Text["用户名至少 2 个字符。"]);
                var (user, generated) = await accounts.CreateAsync(NewAccount.UserName.Trim(), NewAccount.DisplayName?.Trim() ?? "", NewAccount.UnitId, null, []);
                (userName, password) = (user.UserName!, generated);
            }))
        {
            // Shown in this response only, never stored or put in a cookie: no redirect.
            Secret = new Created(Text["账户 {0} 已创建。初始密码（仅显示这一次，请当面交给本人）：", userName], password);
            NewAccount = new();
            ModelState.Clear();
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostLockAsync(string accountId, bool locked, CancellationToken ct)
    {
        if (!IsSystemAdmin) return Forbid();
        if (await TryAsync("lock", () => SetLockAsync(accountId, locked, users, db)))
            return Done(locked ? Text["账户已锁定。"] : Text["账户已解锁。"], new { q = Q });
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>INS-8: the system administrator registers a unit's account as one of its leaders (who sign inspection records), or withdraws it.</summary>
    public async Task<IActionResult> OnPostLeaderAsync(string accountId, bool leader, CancellationToken ct)
    {
        if (!IsSystemAdmin) return Forbid();
        if (await TryAsync("lock", () => accounts.SetUnitLeaderAsync(accountId, leader, User.Identity?.Name ?? "")))
            return Done(leader ? Text["已登记为单位领导。"] : Text["已取消单位领导。"], new { q = Q });
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRolesAsync(string accountId, List<string> roles, CancellationToken ct)
    {
        if (!IsSecurityAdmin) return Forbid();
        if (await TryAsync("roles-" + accountId, () => accounts.SetRolesAsync(accountId, roles, User.UserId())))
            return Done(Text["角色已更新。"], new { q = Q });
        Submitted = (accountId, roles);
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostTokenAsync(CancellationToken ct)
    {
        if (!IsSystemAdmin) return Forbid();
        CreateTokenResponse? created = null;
        if (await TryAsync("token", async () => created = await CreateTokenAsync(
                new CreateTokenRequest(NewToken.Name?.Trim() ?? "", NewToken.Scopes, NewToken.UnitId, NewToken.ExpiresInDays, NewToken.RatingScale), User.Identity?.Name ?? "", db, time, ct)))
        {
            Secret = new Created(Text["令牌 {0} 已创建。令牌只显示这一次，请立即复制到设备或系统中：", NewToken.Name!.Trim()], created!.Token);
            NewToken = new();
            ModelState.Clear();
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid tokenId, CancellationToken ct)
    {
        if (!IsSystemAdmin) return Forbid();
        if (await TryAsync("revoke", () => RevokeTokenAsync(tokenId, User.Identity?.Name ?? "", db, time, ct)))
            return Done(Text["令牌已吊销。"]);
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var all = await ListAccountsAsync(db, ct);
        var q = Q?.Trim();
        Accounts = string.IsNullOrEmpty(q) ? all
            : all.Where(a => a.UserName.Contains(q, StringComparison.OrdinalIgnoreCase) || a.DisplayName.Contains(q, StringComparison.OrdinalIgnoreCase)).ToList();
        UnitNames = (await Features.Organisation.OrganisationApi.ListUnitsAsync(db, clock.Today.Year, null, null, ct)).ToDictionary(u => u.Id, u => u.Name);
        if (IsSystemAdmin) Tokens = await ListTokensAsync(db, ct);
    }
}
