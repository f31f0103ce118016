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
                var http = ctx.HttpContext;
                http.Response.Headers.RetryAfter = "60";
                if (http.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase))
                {
                    // A person at the window, on the QR page: a page in words, not a JSON document.
                    http.Response.ContentType = "text/html; charset=utf-8";
                    await http.Response.WriteAsync(FloodPage(http.Request.Path), ct);
                    return;
                }
                var problem = new ProblemDetails { Status = 429, Title = "请求过于频繁，请一分钟后再试。 Too many ratings from this address; try again in a minute." };
                problem.Extensions["rule"] = "SAT-9";
                await http.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", ct);
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

    /// <summary>The refusal as a page (zh-CN first, English second), with a link back to the window's rating page.</summary>
    private static string FloodPage(PathString path)
    {
        var back = System.Text.Encodings.Web.HtmlEncoder.Default.Encode(path.HasValue ? path.Value! : "/");
        return $"""
            <!DOCTYPE html>
            <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>请稍后再试 — 明查</title></head>
            <body><main id="rate-flood"><h1>评价提交过于频繁</h1><p>请一分钟后再试，谢谢您的参与。</p>
            <p lang="en">Too many ratings from this address. Please try again in a minute.</p><p><a href="{back}">返回评价页 Back</a></p></main></body></html>
            """;
    }
}
