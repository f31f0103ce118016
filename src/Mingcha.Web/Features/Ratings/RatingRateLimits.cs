using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Mingcha.Web.Features.Identity;

namespace Mingcha.Web.Features.Ratings;

/// <summary>
/// Floods (SAT-9, bad input): a token bucket per device token and per client address of the public page. A refused
/// request gets 429 with Retry-After and is not stored.
/// </summary>
public static class RatingRateLimits
{
    public const string Device = "rating-device";
    public const string Public = "rating-public";

    public static IServiceCollection AddRatingRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var o = configuration.GetSection(RatingOptions.Section).Get<RatingOptions>() ?? new RatingOptions();
        services.AddRateLimiter(r =>
        {
            r.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            r.OnRejected = async (ctx, ct) =>
            {
                ctx.HttpContext.Response.Headers.RetryAfter = "10";
                var problem = new ProblemDetails { Status = 429, Title = "请求过于频繁。 Too many ratings from this device; slow down." };
                problem.Extensions["rule"] = "SAT-9";
                await ctx.HttpContext.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", ct);
            };
            r.AddPolicy(Device, ctx => RateLimitPartition.GetTokenBucketLimiter(
                ctx.User.FindFirstValue(MingchaClaims.TokenId) ?? ctx.Connection.RemoteIpAddress?.ToString() ?? "?",
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(1, o.DeviceBurst),
                    TokensPerPeriod = Math.Max(1, o.DevicePermitsPerMinute),
                    ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            r.AddPolicy(Public, ctx => HttpMethods.IsPost(ctx.Request.Method)
                ? RateLimitPartition.GetTokenBucketLimiter(ctx.Connection.RemoteIpAddress?.ToString() ?? "?", _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(1, o.PublicPermitsPerMinute),
                    TokensPerPeriod = Math.Max(1, o.PublicPermitsPerMinute),
                    ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                })
                : RateLimitPartition.GetNoLimiter("get"));
        });
        return services;
    }
}
