using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;

namespace Mingcha.Web.Features.Ratings;

/// <summary>
/// Floods (SAT-9, bad input) on the public page: a token bucket per client address. A refused request gets 429 with
/// Retry-After and is not stored. Devices have their own guard (<see cref="DeviceFloodGuard"/>).
/// </summary>
public static class RatingRateLimits
{
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
