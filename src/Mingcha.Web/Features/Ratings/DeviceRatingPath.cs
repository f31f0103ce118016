using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Satisfaction;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;

namespace Mingcha.Web.Features.Ratings;

/// <summary>A rating device's token as the fast path knows it (decision 008).</summary>
public sealed record DeviceToken(Guid Id, byte[] SecretHash, Guid? UnitId, DateTime? ExpiresAt, RatingScale? Scale = null)
{
    /// <summary>Used since the last reload (last use is recorded then, not per request).</summary>
    internal bool Used;

    /// <summary>The secret that last matched <see cref="SecretHash"/>: the same secret again needs no SHA-256.</summary>
    internal string? VerifiedSecret;
}

/// <summary>
/// The tokens that may post ratings (scope ratings:write), held in memory and reloaded from the database every
/// <see cref="RatingOptions.TokenRefresh"/> (default 2 s), so that a rating needs no database read to authenticate.
/// A revocation on this instance drops the token at once (<see cref="ApiTokenHandler.Revoked"/>); a revocation made
/// on another instance takes effect here at the next reload. A token not (yet) in memory is not refused here: the
/// request takes the ordinary pipeline (<see cref="ApiTokenHandler"/>), and a reload is asked for.
/// "Last used" is written at a reload, at most once an hour per token.
/// </summary>
public sealed partial class DeviceTokenCache : BackgroundService
{
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly ILogger<DeviceTokenCache> _logger;
    private readonly TimeSpan _refresh;
    private volatile Dictionary<Guid, DeviceToken> _tokens = [];
    private readonly ConcurrentDictionary<Guid, long> _revokedHere = new();
    private readonly ConcurrentDictionary<Guid, byte> _used = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private long _lastMissWake;

    public DeviceTokenCache(IServiceScopeFactory scopes, TimeProvider time, IOptions<RatingOptions> options, ILogger<DeviceTokenCache> logger)
    {
        _scopes = scopes; _time = time; _logger = logger;
        _refresh = options.Value.TokenRefresh > TimeSpan.Zero ? options.Value.TokenRefresh : TimeSpan.FromSeconds(2);
        ApiTokenHandler.Revoked += OnRevoked;
    }

    /// <summary>When the tokens were last read from the database (UTC, real time).</summary>
    public DateTime LoadedAt { get; private set; } = DateTime.MinValue;

    public override void Dispose()
    {
        ApiTokenHandler.Revoked -= OnRevoked;
        _wake.Dispose();
        base.Dispose();
    }

    private void OnRevoked(Guid id)
    {
        _revokedHere[id] = Environment.TickCount64;
        var copy = new Dictionary<Guid, DeviceToken>(_tokens);
        if (copy.Remove(id)) _tokens = copy;
    }

    /// <summary>Whether requests with this token take the fast path (it is in memory).</summary>
    public bool Knows(Guid id) => _tokens.ContainsKey(id);

    /// <summary>The token, if it is known, may rate, and its secret matches; null sends the request down the ordinary path.</summary>
    public DeviceToken? Authenticate(Guid id, ReadOnlySpan<char> secret)
    {
        if (!_tokens.TryGetValue(id, out var token))
        {
            AskReload();
            return null;
        }
        if (token.ExpiresAt is { } exp && exp <= _time.GetUtcNow().UtcDateTime) return null;
        if (secret.Length > 128) return null;
        if (Volatile.Read(ref token.VerifiedSecret) is not { } known
            || !CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(secret), MemoryMarshal.AsBytes(known.AsSpan())))
        {
            Span<byte> utf8 = stackalloc byte[512];
            if (!Encoding.UTF8.TryGetBytes(secret, utf8, out var n)) return null;
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(utf8[..n], hash);
            if (!CryptographicOperations.FixedTimeEquals(hash, token.SecretHash)) return null;
            Volatile.Write(ref token.VerifiedSecret, secret.ToString());
        }
        if (!token.Used) { token.Used = true; _used.TryAdd(id, 0); }
        return token;
    }

    private void AskReload()
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastMissWake);
        if (now - last < 1000 || Interlocked.CompareExchange(ref _lastMissWake, now, last) != last) return;
        try { _wake.Release(); } catch (SemaphoreFullException) { } catch (ObjectDisposedException) { }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await ReloadAsync(stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e) { LogReloadFailed(_logger, e); }
            try { await _wake.WaitAsync(_refresh, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Reads the usable rating tokens (and records last use). Public for tests.</summary>
    public async Task ReloadAsync(CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
        var started = Environment.TickCount64;
        var rows = await db.ApiTokens.AsNoTracking().Where(t => t.RevokedAt == null)
            .Select(t => new { t.Id, t.SecretHash, t.Scopes, t.UnitId, t.ExpiresAt, t.RatingScale }).ToListAsync(ct);
        var map = new Dictionary<Guid, DeviceToken>();
        foreach (var r in rows)
        {
            if (!r.Scopes.Split(' ').Contains("ratings:write", StringComparer.Ordinal)) continue;
            // A revocation on this instance during the read must not be undone by it.
            if (_revokedHere.TryGetValue(r.Id, out var at) && at >= started - 60_000) continue;
            byte[] hash;
            try { hash = Convert.FromHexString(r.SecretHash); } catch (FormatException) { continue; }
            if (hash.Length != 32) continue;
            map[r.Id] = new DeviceToken(r.Id, hash, r.UnitId, r.ExpiresAt, r.RatingScale);
        }
        _tokens = map;
        LoadedAt = DateTime.UtcNow;
        foreach (var old in _revokedHere.Where(kv => Environment.TickCount64 - kv.Value > 120_000).Select(kv => kv.Key).ToList()) _revokedHere.TryRemove(old, out _);

        if (!_used.IsEmpty)
        {
            var used = _used.Keys.ToList();
            foreach (var id in used) _used.TryRemove(id, out _);
            var now = _time.GetUtcNow().UtcDateTime;
            var hourAgo = now.AddHours(-1);
            await db.ApiTokens.Where(t => used.Contains(t.Id) && (t.LastUsedAt == null || t.LastUsedAt < hourAgo))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reloading the rating devices' tokens failed; the ones in memory stay in use until the next reload")]
    private static partial void LogReloadFailed(ILogger logger, Exception e);
}

/// <summary>
/// Floods (bad input, SAT-9): a token bucket per device token, shared by the fast path and the ordinary endpoint,
/// so that a device cannot double its allowance by how its requests are routed.
/// </summary>
public sealed class DeviceFloodGuard : IDisposable
{
    private readonly PartitionedRateLimiter<Guid> _limiter;

    public DeviceFloodGuard(IOptions<RatingOptions> options)
    {
        var o = options.Value;
        _limiter = PartitionedRateLimiter.Create<Guid, Guid>(id => RateLimitPartition.GetTokenBucketLimiter(id, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, o.DeviceBurst),
            TokensPerPeriod = Math.Max(1, o.DevicePermitsPerMinute),
            ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    public bool TryAcquire(Guid device)
    {
        using var lease = _limiter.AttemptAcquire(device);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();

    /// <summary>429 with Retry-After and rule SAT-9; nothing is stored.</summary>
    public static Task RefuseAsync(HttpContext ctx)
    {
        ctx.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        ctx.Response.Headers.RetryAfter = "10";
        var problem = new ProblemDetails { Status = 429, Title = "请求过于频繁。 Too many ratings from this device; slow down." };
        problem.Extensions["rule"] = "SAT-9";
        return ctx.Response.WriteAsJsonAsync(problem, (JsonSerializerOptions?)null, "application/problem+json", ctx.RequestAborted);
    }
}

/// <summary>Compile-time JSON for the device path (no reflection per request).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, Converters = [typeof(JsonStringEnumConverter<RatingScale>)])]
[JsonSerializable(typeof(RatingInput))]
internal sealed partial class DeviceRatingJson : JsonSerializerContext;

/// <summary>
/// The lean path for rating devices (decision 008): <c>POST /api/v1/ratings</c> with a bearer token that
/// <see cref="DeviceTokenCache"/> knows is answered here, early in the pipeline, without routing, the cookie and
/// policy authentication, localisation or a database context per request. The checks are the same: the token
/// (known, not revoked, not expired, scope ratings:write, secret), the flood guard, then
/// <see cref="RatingIntake.PrepareAsync"/> (level range, time, window and unit), the durable group commit and
/// <see cref="RatingIntake.Outcome"/> (one rating per case and channel). Anything else — no or unknown token, a body
/// that is not clean JSON — goes on, unchanged (the body replayed), to the ordinary endpoint, which gives the same
/// answers it always gave. Refusals thrown by the intake reach the exception handler placed before this middleware,
/// as on the ordinary path.
/// </summary>
public static class DeviceRatingPath
{
    public const string Path = "/api/v1/ratings";
    private const int MaxBody = 16 * 1024;

    public static IApplicationBuilder UseDeviceRatings(this IApplicationBuilder app)
    {
        var tokens = app.ApplicationServices.GetRequiredService<DeviceTokenCache>();
        var guard = app.ApplicationServices.GetRequiredService<DeviceFloodGuard>();
        var intake = app.ApplicationServices.GetRequiredService<RatingIntake>();
        var writer = app.ApplicationServices.GetRequiredService<RatingWriter>();
        return app.Use(next => ctx => IsDeviceRating(ctx) ? HandleAsync(ctx, next, tokens, guard, intake, writer) : next(ctx));
    }

    /// <summary>
    /// Holds each request (after the devices' lean path) until the ratings acknowledged before it are in the tables
    /// (<see cref="RatingWriter.CaughtUpAsync"/>, decision 017): at once when they are, a few milliseconds at most otherwise.
    /// </summary>
    public static IApplicationBuilder UseRatingsCaughtUp(this IApplicationBuilder app)
    {
        var writer = app.ApplicationServices.GetRequiredService<RatingWriter>();
        return app.Use(next => ctx =>
        {
            var caughtUp = writer.CaughtUpAsync(ctx.RequestAborted);
            return caughtUp.IsCompletedSuccessfully ? next(ctx) : ThenAsync(caughtUp, ctx, next);
        });

        static async Task ThenAsync(Task caughtUp, HttpContext ctx, RequestDelegate next)
        {
            await caughtUp;
            await next(ctx);
        }
    }

    private static bool IsDeviceRating(HttpContext ctx) =>
        HttpMethods.IsPost(ctx.Request.Method)
        && ctx.Request.Path.Value is { } p
        && (p.Equals(Path, StringComparison.OrdinalIgnoreCase) || p.Equals(Path + "/", StringComparison.OrdinalIgnoreCase));

    private static async Task HandleAsync(HttpContext ctx, RequestDelegate next, DeviceTokenCache tokens, DeviceFloodGuard guard, RatingIntake intake, RatingWriter writer)
    {
        var request = ctx.Request;
        if (request.ContentLength is not (> 0 and <= MaxBody) || !request.HasJsonContentType()
            || !TryParseBearer(request.Headers.Authorization.ToString(), out var id, out var secretAt)
            || tokens.Authenticate(id, request.Headers.Authorization.ToString().AsSpan(secretAt).TrimEnd()) is not { } device)
        {
            await next(ctx);
            return;
        }
        if (!guard.TryAcquire(device.Id))
        {
            await DeviceFloodGuard.RefuseAsync(ctx);
            return;
        }

        var length = (int)request.ContentLength.Value;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var read = await request.Body.ReadAtLeastAsync(buffer.AsMemory(0, length), length, throwOnEndOfStream: false, ctx.RequestAborted);
            RatingInput? input;
            try { input = JsonSerializer.Deserialize(buffer.AsSpan(0, read), DeviceRatingJson.Default.RatingInput); }
            catch (JsonException) { input = null; }
            if (input is null || HasNul(input))
            {
                // Not clean: the ordinary endpoint reads the same bytes and explains what is wrong (400 naming the field).
                request.Body = new MemoryStream(buffer.AsSpan(0, read).ToArray(), writable: false);
                await next(ctx);
                return;
            }
            var submission = await intake.PrepareAsync(input, RatingChannel.Device, device.UnitId, device.Id, ctx.RequestAborted, device.Scale);
            var r = RatingIntake.Outcome(await writer.Enqueue(submission));
            await WriteCreatedAsync(ctx, r.Rating.Id);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool HasNul(RatingInput i) =>
        Nul(i.SectionCode) || Nul(i.CaseNumber) || Nul(i.Phone) || Nul(i.Comment);

    private static bool Nul(string? s) => s is not null && s.Contains('\0', StringComparison.Ordinal);

    /// <summary>"Bearer mct_{32 hex}_{secret}": the token id and where the secret starts.</summary>
    private static bool TryParseBearer(string header, out Guid id, out int secretAt)
    {
        id = Guid.Empty;
        secretAt = 0;
        const string bearer = "Bearer ";
        if (!header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase)) return false;
        var start = bearer.Length;
        while (start < header.Length && header[start] == ' ') start++;
        var p = ApiTokenHandler.Prefix.Length;
        if (header.Length < start + p + 34 || !header.AsSpan(start).StartsWith(ApiTokenHandler.Prefix, StringComparison.Ordinal)
            || header[start + p + 32] != '_' || !Guid.TryParseExact(header.AsSpan(start + p, 32), "N", out id))
            return false;
        secretAt = start + p + 33;
        return true;
    }

    private static Task WriteCreatedAsync(HttpContext ctx, Guid id)
    {
        var response = ctx.Response;
        response.StatusCode = StatusCodes.Status201Created;
        response.Headers.Location = Path + "/" + id.ToString("D");
        response.ContentType = "application/json; charset=utf-8";
        Span<byte> body = stackalloc byte[64];
        "{\"id\":\""u8.CopyTo(body);
        id.TryFormat(body[7..], out var n, "D");
        "\",\"status\":\"stored\"}"u8.CopyTo(body[(7 + n)..]);
        var length = 7 + n + 20;
        response.ContentLength = length;
        return response.Body.WriteAsync(body[..length].ToArray()).AsTask();
    }
}
