using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;

namespace Mingcha.Web.Features.Identity;

/// <summary>Claim types Mingcha adds to the signed-in principal.</summary>
public static class MingchaClaims
{
    public const string Unit = "mingcha:unit";
    public const string TwoFactor = "mingcha:2fa";
    public const string Scope = "scope";
    public const string TokenId = "mingcha:token";
}

/// <summary>Authorization policies by role (SEC-1). Unit scoping (SEC-2) is applied in the queries.</summary>
public static class Policies
{
    public const string OfficeAdmin = nameof(OfficeAdmin);
    public const string OfficeManage = nameof(OfficeManage);
    public const string OrgRead = nameof(OrgRead);
    public const string OrgPeopleRead = nameof(OrgPeopleRead);
    public const string AuditRead = nameof(AuditRead);
    public const string AccountsManage = nameof(AccountsManage);
    public const string AccountsRead = nameof(AccountsRead);
    public const string RolesGrant = nameof(RolesGrant);
    /// <summary>The system's own running (its recurring jobs): the system administrator's (三员分立), no business data.</summary>
    public const string SystemOperate = nameof(SystemOperate);
    public const string SignedIn = nameof(SignedIn);

    public static void Add(Microsoft.AspNetCore.Authorization.AuthorizationOptions o)
    {
        o.AddPolicy(OfficeAdmin, p => p.RequireRole(Roles.OfficeAdmin));
        o.AddPolicy(OfficeManage, p => p.RequireRole(Roles.OfficeAdmin, Roles.OfficeStaff));
        o.AddPolicy(OrgRead, p => p.RequireRole(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Leader, Roles.Supervisor, Roles.UnitLiaison, Roles.AgencyInspector));
        // Who the supervisors, teams and agencies are is not for the inspected units to know (INS-9 secrecy).
        o.AddPolicy(OrgPeopleRead, p => p.RequireRole(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Leader));
        o.AddPolicy(AuditRead, p => p.RequireRole(Roles.Auditor));
        o.AddPolicy(AccountsManage, p => p.RequireRole(Roles.SystemAdmin));
        // Both administrators see the accounts: one to manage them, the other to grant roles (三员分立).
        o.AddPolicy(AccountsRead, p => p.RequireRole(Roles.SystemAdmin, Roles.SecurityAdmin));
        o.AddPolicy(RolesGrant, p => p.RequireRole(Roles.SecurityAdmin));
        o.AddPolicy(SystemOperate, p => p.RequireRole(Roles.SystemAdmin));
        o.AddPolicy(SignedIn, p => p.RequireAuthenticatedUser());
    }
}

public static class ClaimsPrincipalExtensions
{
    public static string? UserId(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier);

    public static Guid? UnitId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(MingchaClaims.Unit), out var id) ? id : null;

    /// <summary>True for office roles that see every unit; false for unit-bound accounts (SEC-2).</summary>
    public static bool SeesAllUnits(this ClaimsPrincipal user) =>
        user.IsInRole(Roles.OfficeAdmin) || user.IsInRole(Roles.OfficeStaff) || user.IsInRole(Roles.Leader);
}

/// <summary>
/// Adds the unit binding and the two-factor state to the principal, and leaves out the roles the account may not act as
/// (decision 034: a stored combination that breaks SEC-2 or INS-9 loses its see-all or inspecting role). Every cookie
/// principal is made here: at sign-in and at the security stamp's refresh, at least once a minute.
/// </summary>
public sealed class MingchaClaimsFactory(UserManager<MingchaUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options, MingchaDb db)
    : UserClaimsPrincipalFactory<MingchaUser, IdentityRole>(users, roles, options)
{
    /// <summary>Marks a principal made by this factory, with its role checks; a cookie without it predates them (decision 034).</summary>
    public const string RolesChecked = "mingcha:roles-checked";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(MingchaUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        var roleType = Options.ClaimsIdentity.RoleClaimType;
        var held = identity.FindAll(roleType).Select(c => c.Value).ToList();
        foreach (var w in await WithheldRoles.ForAsync(db, user.Id, user.UnitId, held))
            foreach (var claim in identity.FindAll(c => c.Type == roleType && c.Value == w.Role).ToList())
                identity.RemoveClaim(claim);
        identity.AddClaim(new Claim(RolesChecked, "1"));
        if (user.UnitId is { } unit) identity.AddClaim(new Claim(MingchaClaims.Unit, unit.ToString()));
        identity.AddClaim(new Claim(MingchaClaims.TwoFactor, user.TwoFactorEnabled ? "on" : "off"));
        if (!string.IsNullOrEmpty(user.DisplayName)) identity.AddClaim(new Claim("name", user.DisplayName));
        return identity;
    }
}

/// <summary>SEC-1 password rule: at least 10 characters from at least three character classes.</summary>
public sealed class PolicyPasswordValidator : IPasswordValidator<MingchaUser>
{
    public Task<IdentityResult> ValidateAsync(UserManager<MingchaUser> manager, MingchaUser user, string? password)
    {
        var errors = PasswordPolicy.Check(password);
        return Task.FromResult(errors.Count == 0
            ? IdentityResult.Success
            : IdentityResult.Failed(errors.Select(e => new IdentityError { Code = "SEC-1", Description = e }).ToArray()));
    }
}

public static class IdentitySetup
{
    public const string SmartScheme = "mingcha";

    public static IServiceCollection AddMingchaIdentity(this IServiceCollection services)
    {
        services.AddIdentity<MingchaUser, IdentityRole>(o =>
            {
                // The SEC-1 rule is checked by PolicyPasswordValidator; Identity's own class rules are stricter than "three of four".
                o.Password.RequiredLength = PasswordPolicy.MinLength;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 1;
                o.Lockout.MaxFailedAccessAttempts = PasswordPolicy.MaxFailedAttempts;
                o.Lockout.DefaultLockoutTimeSpan = PasswordPolicy.LockoutDuration;
                o.Lockout.AllowedForNewUsers = true;
                o.User.RequireUniqueEmail = false;
                o.SignIn.RequireConfirmedAccount = false;
            })
            .AddEntityFrameworkStores<MingchaDb>()
            .AddDefaultTokenProviders()
            .AddPasswordValidator<PolicyPasswordValidator>()
            .AddClaimsPrincipalFactory<MingchaClaimsFactory>();

        // Role changes and lock-outs reach live sessions within a minute.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));

        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "mingcha.auth";
            o.Cookie.HttpOnly = true;
            // Strict keeps other sites from riding the session into /api (CSRF); pages use antiforgery tokens as well.
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/Account/Login";
            o.LogoutPath = "/Account/Logout";
            o.AccessDeniedPath = "/Account/Denied";
            o.ExpireTimeSpan = PasswordPolicy.IdleTimeout; // SEC-1: idle sessions end after 30 minutes
            o.SlidingExpiration = true;
            o.Events.OnRedirectToLogin = ctx => ApiAwareRedirect(ctx, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => ApiAwareRedirect(ctx, StatusCodes.Status403Forbidden);
            // Decision 034: a session signed in before the role checks existed could carry a withheld role for up to a
            // minute; it is signed out instead. Every later principal comes from MingchaClaimsFactory.
            var validate = o.Events.OnValidatePrincipal;
            o.Events.OnValidatePrincipal = async ctx =>
            {
                if (ctx.Principal?.FindFirst(MingchaClaimsFactory.RolesChecked) is null)
                {
                    ctx.RejectPrincipal();
                    await ctx.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
                    return;
                }
                await validate(ctx);
            };
        });
        services.ConfigureExternalCookie(o => o.Cookie.SameSite = SameSiteMode.Lax);

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = SmartScheme;
                o.DefaultAuthenticateScheme = SmartScheme;
                o.DefaultChallengeScheme = SmartScheme;
            })
            .AddPolicyScheme(SmartScheme, "cookie or token", o =>
                o.ForwardDefaultSelector = ctx =>
                    ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                        ? ApiTokenHandler.SchemeName
                        : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenHandler>(ApiTokenHandler.SchemeName, null);

        services.AddAuthorization(Policies.Add);
        return services;
    }

    private static Task ApiAwareRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> ctx, int status)
    {
        if (ctx.Request.Path.StartsWithSegments("/api"))
        {
            ctx.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>
    /// SEC-1: the office administrator and the three administration roles must use TOTP two-factor.
    /// Until they have set it up they can reach nothing but the set-up page (and the API answers 403), sign-in
    /// and sign-out, and GET /api/v1/me: an API client needs "who am I, is two-factor on" to send the user to set-up.
    /// </summary>
    public static IApplicationBuilder UseTwoFactorEnrolment(this IApplicationBuilder app) => app.Use(async (ctx, next) =>
    {
        var user = ctx.User;
        if (user.Identity?.IsAuthenticated == true
            && user.FindFirst(MingchaClaims.TokenId) is null
            && user.FindFirst(MingchaClaims.TwoFactor)?.Value != "on"
            && Roles.RequireTwoFactor.Any(user.IsInRole))
        {
            var path = ctx.Request.Path;
            var allowed = path.StartsWithSegments("/Account/SetupTwoFactor") || path.StartsWithSegments("/Account/Logout")
                || path.StartsWithSegments("/api/v1/auth") || path.Equals("/api/v1/me", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/css") || path.StartsWithSegments("/js")
                || path.StartsWithSegments("/lib") || path.StartsWithSegments("/culture") || path.StartsWithSegments("/health");
            if (!allowed)
            {
                if (path.StartsWithSegments("/api"))
                {
                    await Results.Problem(statusCode: 403, title: "需要先设置双因素认证。 Two-factor authentication must be set up first.",
                        extensions: new Dictionary<string, object?> { ["rule"] = "SEC-1" }).ExecuteAsync(ctx);
                    return;
                }
                ctx.Response.Redirect("/Account/SetupTwoFactor");
                return;
            }
        }
        await next();
    });
}
