using System.Net;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests.Security;

/// <summary>SEC-1 idle timeout of signed-in sessions. These tests move the app clock forward; they share nothing else.</summary>
public sealed class SessionTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    [Fact]
    [Trait("Rule", "SEC-1")]
    public void SessionCookie_WhenReadFromTheApp_Ends30MinutesAfterLastUseOnTheAppClock()
    {
        var options = app.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme);

        Assert.Equal(TimeSpan.FromMinutes(30), options.ExpireTimeSpan);
        Assert.True(options.SlidingExpiration);
        Assert.True(options.Cookie.HttpOnly);
        Assert.Equal(SameSiteMode.Strict, options.Cookie.SameSite);
        // Cookie authentication (.NET 8+) takes its time from the TimeProvider in DI, so the tests below can move it.
        Assert.Same(app.Clock, options.TimeProvider);
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task Session_WhenIdleForMoreThan30Minutes_IsRejected()
    {
        var client = await app.ClientAsAsync(Roles.Leader);
        await (await client.GetAsync("/api/v1/me")).ExpectAsync(HttpStatusCode.OK);

        app.Clock.Advance(TimeSpan.FromMinutes(31));

        await (await client.GetAsync("/api/v1/me")).ExpectAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task Session_WhenUsedEvery20Minutes_StaysOpenPast30MinutesAndEndsWhenIdle()
    {
        var client = await app.ClientAsAsync(Roles.Leader);

        app.Clock.Advance(TimeSpan.FromMinutes(20));
        await (await client.GetAsync("/api/v1/me")).ExpectAsync(HttpStatusCode.OK);
        app.Clock.Advance(TimeSpan.FromMinutes(20));
        await (await client.GetAsync("/api/v1/me")).ExpectAsync(HttpStatusCode.OK); // 40 minutes after sign-in
        app.Clock.Advance(TimeSpan.FromMinutes(29));
        await (await client.GetAsync("/api/v1/me")).ExpectAsync(HttpStatusCode.OK);

        app.Clock.Advance(TimeSpan.FromMinutes(31));
        await (await client.GetAsync("/api/v1/me")).ExpectAsync(HttpStatusCode.Unauthorized);
    }
}
