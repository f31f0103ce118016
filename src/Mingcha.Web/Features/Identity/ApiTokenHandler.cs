using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Mingcha.Web.Data;

namespace Mingcha.Web.Features.Identity;

/// <summary>
/// Bearer tokens for devices and integrations: "mct_{id}_{secret}". The database keeps only SHA-256(secret);
/// a revoked or expired token fails at once (SEC-1).
/// </summary>
public sealed class ApiTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    MingchaDb db, TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";
    public const string Prefix = "mct_";

    /// <summary>The scopes a token can carry; each later module adds its own.</summary>
    public static readonly IReadOnlySet<string> KnownScopes = new HashSet<string>(StringComparer.Ordinal)
    {
        "org:read", "ratings:write", "service-records:write", "complaints:write", "evidence:write",
    };

    public static (string Token, string SecretHash) NewToken(Guid id)
    {
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        return ($"{Prefix}{id:N}_{secret}", HashSecret(secret));
    }

    /// <summary>
    /// How long a token read from the database is trusted in memory. Rating devices call thousands of times a second
    /// (decision 008); a revocation takes effect at once on the instance that revoked (<see cref="Forget"/>) and within
    /// this time on the others.
    /// </summary>
    public static readonly TimeSpan CacheTime = TimeSpan.FromSeconds(5);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, (ApiToken? Token, long At)> Cache = new();

    /// <summary>Raised when a token is revoked on this instance, for other in-memory copies (the rating devices' fast path).</summary>
    public static event Action<Guid>? Revoked;

    /// <summary>Drops a token from this instance's cache (called on revocation).</summary>
    public static void Forget(Guid id)
    {
        Cache.TryRemove(id, out _);
        Revoked?.Invoke(id);
    }

    private async Task<ApiToken?> FindAsync(Guid id)
    {
        var tick = Environment.TickCount64;
        if (Cache.TryGetValue(id, out var hit) && tick - hit.At < CacheTime.TotalMilliseconds) return hit.Token;
        var token = await db.ApiTokens.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, Context.RequestAborted);
        if (Cache.Count > 100_000) Cache.Clear();
        Cache[id] = (token, tick);
        return token;
    }

    public static string HashSecret(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var raw = header["Bearer ".Length..].Trim();
        if (!raw.StartsWith(Prefix, StringComparison.Ordinal) || raw.Length < Prefix.Length + 34 || raw[Prefix.Length + 32] != '_'
            || !Guid.TryParseExact(raw.Substring(Prefix.Length, 32), "N", out var id))
            return AuthenticateResult.Fail("Malformed token.");
        var secret = raw[(Prefix.Length + 33)..];

        var token = await FindAsync(id);
        var now = time.GetUtcNow().UtcDateTime;
        if (token is null
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(token.SecretHash), Encoding.ASCII.GetBytes(HashSecret(secret)))
            || !token.IsUsable(now))
            return AuthenticateResult.Fail("Unknown, revoked or expired token.");

        if (token.LastUsedAt is null || now - token.LastUsedAt > TimeSpan.FromHours(1))
        {
            // Coarse on purpose: a rating device may call thousands of times a second.
            await db.ApiTokens.Where(t => t.Id == token.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), Context.RequestAborted);
            token.LastUsedAt = now;
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, $"token:{token.Id}"),
            new(ClaimTypes.Name, token.Name),
            new(MingchaClaims.TokenId, token.Id.ToString()),
        };
        claims.AddRange(token.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => new Claim(MingchaClaims.Scope, s)));
        if (token.UnitId is { } unit) claims.Add(new Claim(MingchaClaims.Unit, unit.ToString()));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }
}
