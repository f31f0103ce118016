using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Identity;

/// <summary>
/// Accounts, roles and tokens (SEC-1). 三员分立: the system administrator creates and locks accounts and
/// issues tokens, the security administrator grants roles, the auditor reads the audit log; none does another's job.
/// </summary>
public static class AccountsApi
{
    /// <summary>Longest user name an account can have; a longer one at sign-in cannot exist and is refused before it reaches the audit log.</summary>
    public const int MaxUserNameLength = 64;

    public sealed record LoginRequest([property: Required, StringLength(MaxUserNameLength)] string UserName, [property: Required] string Password, string? Code);
    public sealed record MeResponse(string Id, string UserName, string DisplayName, Guid? UnitId, IReadOnlyList<string> Roles, bool TwoFactorEnabled);
    /// <summary>An account as listed; <c>Withheld</c> (decision 034): stored roles it does not get (a combination SEC-2 or INS-9 forbids), with the reason, for an administrator to fix.</summary>
    public sealed record AccountSummary(string Id, string UserName, string DisplayName, Guid? UnitId, IReadOnlyList<string> Roles, bool TwoFactorEnabled, DateTimeOffset? LockoutEnd,
        bool UnitLeader = false, IReadOnlyList<WithheldRoleSummary>? Withheld = null);
    /// <summary>A stored role not in effect: the role, the rule it breaks, the reason's code and its words.</summary>
    public sealed record WithheldRoleSummary(string Role, string Rule, string Reason, string Message);
    public sealed record UnitLeaderRequest([property: Required] bool? Leader);
    public sealed record CreateAccountRequest([property: Required, StringLength(MaxUserNameLength, MinimumLength = 2)] string UserName, [property: Required, StringLength(100)] string DisplayName, Guid? UnitId, string? Password);
    public sealed record CreateAccountResponse(string Id, string UserName, string InitialPassword);
    public sealed record SetRolesRequest([property: Required] IReadOnlyList<string> Roles);
    public sealed record CreateTokenRequest([property: Required, StringLength(200)] string Name, [property: Required] IReadOnlyList<string> Scopes, Guid? UnitId, int? ExpiresInDays,
        Mingcha.Domain.Satisfaction.RatingScale? RatingScale = null);
    public sealed record CreateTokenResponse(Guid Id, string Token);
    public sealed record TokenSummary(Guid Id, string Name, string Scopes, Guid? UnitId, DateTime CreatedAt, DateTime? ExpiresAt, DateTime? RevokedAt, DateTime? LastUsedAt);

    public static void Map(IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/v1/auth").WithTags("Accounts");
        auth.MapPost("/login", async (LoginRequest req, SignInHandler handler) =>
            await handler.PasswordAndCodeAsync(req.UserName, req.Password, req.Code) switch
            {
                SignInOutcome.Succeeded => Results.NoContent(),
                SignInOutcome.NeedsTwoFactorCode => Results.Problem(statusCode: 401, title: "需要双因素验证码。 A two-factor code is required.", extensions: Rule("SEC-1", "two-factor-required")),
                SignInOutcome.InvalidCode => Results.Problem(statusCode: 401, title: "验证码错误。 Invalid two-factor code.", extensions: Rule("SEC-1", "invalid-code")),
                SignInOutcome.LockedOut => Results.Problem(statusCode: 423, title: "账户已锁定 15 分钟。 The account is locked for 15 minutes.", extensions: Rule("SEC-1", "locked-out")),
                _ => Results.Problem(statusCode: 401, title: "用户名或密码错误。 Wrong user name or password.", extensions: Rule("SEC-1", "failed")),
            });
        auth.MapPost("/logout", async (SignInHandler handler, HttpContext ctx) =>
        {
            await handler.SignOutAsync(ctx.User.Identity?.Name);
            return Results.NoContent();
        });

        app.MapGet("/api/v1/me", async (HttpContext ctx, UserManager<MingchaUser> users, MingchaDb db) =>
        {
            var user = await users.GetUserAsync(ctx.User);
            if (user is null) return Results.Unauthorized();
            // The roles the account acts as: a withheld one (decision 034) is not among them.
            return Results.Ok(new MeResponse(user.Id, user.UserName!, user.DisplayName, user.UnitId, [.. await WithheldRoles.EffectiveRolesAsync(db, user.Id, ctx.RequestAborted)], user.TwoFactorEnabled));
        }).WithTags("Accounts").RequireAuthorization(Policies.SignedIn);

        var accounts = app.MapGroup("/api/v1/accounts").WithTags("Accounts");
        accounts.MapGet("/", ListAccountsAsync).RequireAuthorization(Policies.AccountsRead);
        accounts.MapPost("/", CreateAccount).RequireAuthorization(Policies.AccountsManage);
        accounts.MapPost("/{id}/lock", async (string id, UserManager<MingchaUser> users, MingchaDb db) =>
        {
            await SetLockAsync(id, true, users, db);
            return Results.NoContent();
        }).RequireAuthorization(Policies.AccountsManage);
        accounts.MapPost("/{id}/unlock", async (string id, UserManager<MingchaUser> users, MingchaDb db) =>
        {
            await SetLockAsync(id, false, users, db);
            return Results.NoContent();
        }).RequireAuthorization(Policies.AccountsManage);
        accounts.MapPut("/{id}/roles", SetRoles).RequireAuthorization(Policies.RolesGrant);
        accounts.MapPut("/{id}/unit-leader", async (string id, UnitLeaderRequest req, AccountService service, HttpContext ctx) =>
        {
            await service.SetUnitLeaderAsync(id, req.Leader!.Value, ctx.User.Identity?.Name ?? "");
            return Results.NoContent();
        }).RequireAuthorization(Policies.AccountsManage);

        var tokens = app.MapGroup("/api/v1/tokens").WithTags("Accounts").RequireAuthorization(Policies.AccountsManage);
        tokens.MapGet("/", async (MingchaDb db, CancellationToken ct) => await ListTokensAsync(db, ct));
        tokens.MapPost("/", async (CreateTokenRequest req, MingchaDb db, HttpContext ctx, TimeProvider time, CancellationToken ct) =>
        {
            var created = await CreateTokenAsync(req, ctx.User.Identity?.Name ?? "", db, time, ct);
            return Results.Created($"/api/v1/tokens/{created.Id}", created);
        });
        tokens.MapPost("/{id:guid}/revoke", async (Guid id, MingchaDb db, HttpContext ctx, TimeProvider time, CancellationToken ct) =>
        {
            await RevokeTokenAsync(id, ctx.User.Identity?.Name ?? "", db, time, ct);
            return Results.NoContent();
        });
    }

    private static Dictionary<string, object?> Rule(string rule, string reason) => new() { ["rule"] = rule, ["reason"] = reason };

    /// <summary>Every account with its roles, unit, two-factor state and lock-out (SEC-1).</summary>
    public static async Task<List<AccountSummary>> ListAccountsAsync(MingchaDb db, CancellationToken ct)
    {
        var roleNames = await db.Roles.AsNoTracking().ToDictionaryAsync(r => r.Id, r => r.Name!, ct);
        var userRoles = (await db.UserRoles.AsNoTracking().ToListAsync(ct)).ToLookup(ur => ur.UserId, ur => roleNames[ur.RoleId]);
        var users = await db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(ct);
        var leaders = (await db.UnitLeaders.AsNoTracking().Where(l => l.WithdrawnAt == null).Select(l => l.UserId).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var withheld = await WithheldRoles.ForAllAsync(db, users.Select(u => (u.Id, u.UnitId, (IReadOnlyList<string>)[.. userRoles[u.Id]])), ct);
        return users.Select(u => new AccountSummary(u.Id, u.UserName!, u.DisplayName, u.UnitId, [.. userRoles[u.Id].Order(StringComparer.Ordinal)], u.TwoFactorEnabled, u.LockoutEnd,
            leaders.Contains(u.Id),
            withheld.TryGetValue(u.Id, out var w) ? [.. w.Select(x => new WithheldRoleSummary(x.Role, x.Rule, x.Reason.ToString(), WithheldRoles.Message(x)))] : [])).ToList();
    }

    private static async Task<IResult> CreateAccount(CreateAccountRequest req, AccountService accounts)
    {
        var (user, password) = await accounts.CreateAsync(req.UserName, req.DisplayName, req.UnitId, req.Password, []);
        return Results.Created($"/api/v1/accounts/{user.Id}", new CreateAccountResponse(user.Id, user.UserName!, password));
    }

    /// <summary>Locks an account until unlocked, or unlocks it; live sessions end with the security stamp (SEC-1).</summary>
    public static async Task SetLockAsync(string id, bool locked, UserManager<MingchaUser> users, MingchaDb db)
    {
        var user = await users.FindByIdAsync(id) ?? throw new NotFoundException("账户不存在。 No such account.");
        await AccountService.InTransactionAsync(db, async () =>
        {
            await users.SetLockoutEndDateAsync(user, locked ? DateTimeOffset.MaxValue : null);
            if (!locked) await users.ResetAccessFailedCountAsync(user);
            await users.UpdateSecurityStampAsync(user);
            db.Audit(new AuditEvent(locked ? "account.lock" : "account.unlock", "Account", user.UserName));
            await db.SaveChangesAsync();
        });
    }

    private static async Task<IResult> SetRoles(string id, SetRolesRequest req, AccountService accounts, HttpContext ctx)
    {
        await accounts.SetRolesAsync(id, req.Roles, ctx.User.UserId());
        return Results.NoContent();
    }

    public static async Task<List<TokenSummary>> ListTokensAsync(MingchaDb db, CancellationToken ct) =>
        await db.ApiTokens.AsNoTracking().OrderByDescending(t => t.CreatedAt)
            .Select(t => new TokenSummary(t.Id, t.Name, t.Scopes, t.UnitId, t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt)).ToListAsync(ct);

    /// <summary>Issues a token; the secret is in the response only, the database keeps its hash (SEC-1). Bad input throws <see cref="FieldException"/>.</summary>
    public static async Task<CreateTokenResponse> CreateTokenAsync(CreateTokenRequest req, string createdBy, MingchaDb db, TimeProvider time, CancellationToken ct)
    {
        Problems.Validate(req);
        if (req.Scopes.Count == 0)
            throw new FieldException("scopes", $"请至少选择一个权限范围。 Choose at least one scope. Known: {string.Join(", ", ApiTokenHandler.KnownScopes)}");
        var unknown = req.Scopes.Where(s => !ApiTokenHandler.KnownScopes.Contains(s)).ToList();
        if (unknown.Count > 0)
            throw new FieldException("scopes", $"未知或缺少的权限范围：{string.Join(", ", unknown)}。 Unknown or missing scopes. Known: {string.Join(", ", ApiTokenHandler.KnownScopes)}");
        if (req.ExpiresInDays is <= 0 or > 3650)
            throw new FieldException("expiresInDays", "有效期应为 1 至 3650 天。 Must be between 1 and 3650 days.");
        if (req.UnitId is { } unitId && !await db.Units.AnyAsync(u => u.Id == unitId, ct))
            throw new FieldException("unitId", "单位不存在。 No such unit.");
        var now = time.GetUtcNow().UtcDateTime;
        var id = Guid.CreateVersion7();
        var (token, hash) = ApiTokenHandler.NewToken(id);
        if (req.RatingScale is { } scale && !Enum.IsDefined(scale)) throw new FieldException("ratingScale", "未知的评价等级制。 Unknown rating scale.");
        var entity = new ApiToken(id, req.Name.Trim(), hash, req.Scopes, req.UnitId, createdBy, now, req.ExpiresInDays is { } d ? now.AddDays(d) : null)
        {
            RatingScale = req.RatingScale,
        };
        db.ApiTokens.Add(entity);
        db.Audit(new AuditEvent("token.create", "ApiToken", id.ToString(), null, JsonSerializer.Serialize(new { req.Name, req.Scopes, req.UnitId, entity.ExpiresAt, req.RatingScale })));
        await db.SaveChangesAsync(ct);
        return new CreateTokenResponse(id, token);
    }

    /// <summary>Revokes a token at once; a revoked token fails on its next request (SEC-1).</summary>
    public static async Task RevokeTokenAsync(Guid id, string revokedBy, MingchaDb db, TimeProvider time, CancellationToken ct)
    {
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFoundException("令牌不存在。 No such token.");
        token.Revoke(revokedBy, time.GetUtcNow().UtcDateTime);
        db.Audit(new AuditEvent("token.revoke", "ApiToken", id.ToString()));
        await db.SaveChangesAsync(ct);
        ApiTokenHandler.Forget(id);
    }
}

/// <summary>Account creation and role assignment, shared by the API, the pages and the command line.</summary>
public sealed class AccountService(UserManager<MingchaUser> users, RoleManager<IdentityRole> roles, MingchaDb db, TimeProvider time)
{
    public async Task EnsureRolesAsync()
    {
        foreach (var role in Roles.All)
            if (!await roles.RoleExistsAsync(role))
                await roles.CreateAsync(new IdentityRole(role));
    }

    /// <summary>Creates an account; with no password given, a random one that meets SEC-1 is generated and returned once.</summary>
    public async Task<(MingchaUser User, string Password)> CreateAsync(string userName, string displayName, Guid? unitId, string? password, IReadOnlyList<string> initialRoles, bool isDemo = false)
    {
        // The page and the command line call here without the API's checks (a 256-character name was stored, then its audit
        // line failed: an account with no record of its creation).
        Problems.Validate(new AccountsApi.CreateAccountRequest(userName, displayName, unitId, password));
        if (userName.Any(char.IsControl) || displayName.Any(char.IsControl))
            throw new FieldException("userName", "用户名和姓名不能含控制字符。 Names cannot hold control characters.");
        if (unitId is { } u && !await db.Units.AnyAsync(x => x.Id == u))
            throw new DomainRuleException("SEC-2", "单位不存在。 No such unit.", 422);
        if (await users.FindByNameAsync(userName) is not null)
            throw new DomainRuleException("SEC-1", $"用户名“{userName}”已存在。 The user name is taken.");
        password ??= GeneratePassword();
        var user = new MingchaUser { UserName = userName, DisplayName = displayName, UnitId = unitId, CreatedAt = time.GetUtcNow().UtcDateTime, IsDemo = isDemo };
        // SEC-3: the account, its roles and their audit lines commit together or not at all.
        await InTransactionAsync(db, async () =>
        {
            var created = await users.CreateAsync(user, password);
            if (!created.Succeeded)
                throw new DomainRuleException("SEC-1", string.Join(" ", created.Errors.Select(e => e.Description)), 422);
            db.Audit(new AuditEvent("account.create", "Account", userName, null, JsonSerializer.Serialize(new { displayName, unitId })));
            await db.SaveChangesAsync();
            if (initialRoles.Count > 0) await SetRolesAsync(user.Id, initialRoles, actingUserId: null);
        });
        return (user, password);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction of its own, or in the caller's: the identity store saves as it goes, so
    /// without one a change could be kept while its audit line failed (SEC-3).
    /// </summary>
    public static async Task InTransactionAsync(MingchaDb db, Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(work);
        if (db.Database.CurrentTransaction is not null) { await work(); return; }
        await using var tx = await db.Database.BeginTransactionAsync();
        await work();
        await tx.CommitAsync();
    }

    /// <summary>
    /// INS-8: designates an account of a unit as one of its leaders, who may sign an inspection record as the leader on
    /// duty, or withdraws the designation. Only an account bound to a unit can be its leader. Audited. An account has one
    /// designation in force at most, whatever the timing (a unique index, 0050, decision 039): of two designations at
    /// once, the second gets 409 and stores nothing.
    /// </summary>
    public async Task SetUnitLeaderAsync(string userId, bool leader, string by)
    {
        var user = await users.FindByIdAsync(userId) ?? throw new NotFoundException("账户不存在。 No such account.");
        var current = await db.UnitLeaders.Where(l => l.UserId == userId && l.WithdrawnAt == null).ToListAsync();
        var now = time.GetUtcNow().UtcDateTime;
        if (leader)
        {
            var unit = user.UnitId ?? throw new DomainRuleException("INS-8", "只有绑定单位的账户可以登记为单位领导。 Only an account bound to a unit can be its leader.", 422);
            if (current.Count == 1 && current[0].UnitId == unit) return;
            // The withdrawal is saved before the new designation, in one transaction: the index (on the designations not
            // withdrawn) must not see both in force, and one save's order of statements is EF's.
            await InTransactionAsync(db, async () =>
            {
                if (current.Count > 0)
                {
                    foreach (var old in current) old.Withdraw(by, now);
                    await db.SaveChangesAsync();
                }
                db.UnitLeaders.Add(new UnitLeader(userId, unit, by, now));
                await db.SaveChangesAsync();
            });
            return;
        }
        if (current.Count == 0) return;
        foreach (var old in current) old.Withdraw(by, now);
        await db.SaveChangesAsync();
    }

    /// <summary>Replaces an account's roles, enforcing 三员分立 and the unit binding of unit roles (SEC-1, SEC-2).</summary>
    public async Task SetRolesAsync(string userId, IReadOnlyList<string> newRoles, string? actingUserId)
    {
        var user = await users.FindByIdAsync(userId) ?? throw new NotFoundException("账户不存在。 No such account.");
        if (actingUserId == userId)
            throw new DomainRuleException("SEC-1", "不能修改自己的角色。 You cannot change your own roles.", 403);
        var unknown = newRoles.Where(r => !Roles.All.Contains(r)).ToList();
        if (unknown.Count > 0)
            throw new DomainRuleException("SEC-1", $"未知角色：{string.Join(", ", unknown)}。 Unknown roles.", 422);
        foreach (var a in newRoles)
            foreach (var b in newRoles)
                if (a != b && !Roles.MayHoldTogether(a, b))
                    throw new DomainRuleException("SEC-1", $"三员分立：{Roles.DisplayNameZh(a)}与{Roles.DisplayNameZh(b)}不能由同一账户担任。 Separation of duties: {a} and {b} cannot be held together.", 422);
        if (newRoles.Any(Roles.IsUnitBound) && user.UnitId is null)
            throw new DomainRuleException("SEC-2", "单位联络员必须绑定所在单位。 A unit liaison must be bound to a unit.", 422);
        if (newRoles.Any(Roles.IsUnitBound) && newRoles.FirstOrDefault(Roles.SeesAllUnits) is { } wide)
            throw new DomainRuleException("SEC-2", $"单位联络员不能同时担任{Roles.DisplayNameZh(wide)}：单位账户只能看到本单位的记录。 A unit liaison cannot also be {Roles.DisplayNameEn(wide)}: a unit's account sees its own unit only.", 422);
        // INS-9, SEC-2: an account bound to a unit never holds a role that sees every unit (it would see the planned covert
        // visits to its own unit), and a liaison is no inspector (whose visits, or agency's, it would see).
        if (user.UnitId is not null && newRoles.FirstOrDefault(Roles.SeesAllUnits) is { } seesAll)
            throw new DomainRuleException("SEC-2", $"绑定单位的账户不能担任{Roles.DisplayNameZh(seesAll)}：单位账户只能看到本单位的记录，且不得获知暗访安排。 An account bound to a unit cannot be {Roles.DisplayNameEn(seesAll)}: a unit's account sees its own unit only and never a planned covert visit.", 422);
        if (newRoles.Contains(Roles.UnitLiaison) && newRoles.FirstOrDefault(r => r is Roles.Supervisor or Roles.AgencyInspector) is { } inspector)
            throw new DomainRuleException("SEC-2", $"单位联络员不能同时担任{Roles.DisplayNameZh(inspector)}：被检查单位不得获知检查安排。 A unit liaison cannot also be {Roles.DisplayNameEn(inspector)}: an inspected unit must not learn of visits.", 422);

        await InTransactionAsync(db, async () =>
        {
            var current = await users.GetRolesAsync(user);
            var toRemove = current.Except(newRoles).ToList();
            var toAdd = newRoles.Except(current).Distinct().ToList();
            if (toRemove.Count > 0) await users.RemoveFromRolesAsync(user, toRemove);
            if (toAdd.Count > 0) await users.AddToRolesAsync(user, toAdd);
            await users.UpdateSecurityStampAsync(user);
            db.Audit(new AuditEvent("account.roles", "Account", user.UserName,
                JsonSerializer.Serialize(current.Order(StringComparer.Ordinal)), JsonSerializer.Serialize(newRoles.Order(StringComparer.Ordinal))));
            await db.SaveChangesAsync();
        });
    }

    /// <summary>16 characters from all four classes, from a cryptographic random source.</summary>
    public static string GeneratePassword()
    {
        const string lower = "abcdefghijkmnpqrstuvwxyz", upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", digits = "23456789", symbols = "!@#$%^&*-_+=?";
        const string all = lower + upper + digits + symbols;
        var chars = new char[16];
        chars[0] = lower[RandomNumberGenerator.GetInt32(lower.Length)];
        chars[1] = upper[RandomNumberGenerator.GetInt32(upper.Length)];
        chars[2] = digits[RandomNumberGenerator.GetInt32(digits.Length)];
        chars[3] = symbols[RandomNumberGenerator.GetInt32(symbols.Length)];
        for (var i = 4; i < chars.Length; i++) chars[i] = all[RandomNumberGenerator.GetInt32(all.Length)];
        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }
}
