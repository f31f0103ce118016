using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Features.Ratings;

namespace Mingcha.IntegrationTests.Ratings;

/// <summary>
/// Backpressure (decision 008): when the rating queue is full, a device and the public page are told to come back
/// shortly — 503 with Retry-After — and nothing is stored. Never a 500. The queue here holds nothing, so every rating is
/// refused as a full queue would refuse it.
/// </summary>
public sealed class BackpressureTests(BackpressureTests.FullQueueApp app) : IClassFixture<BackpressureTests.FullQueueApp>
{
    public sealed class FullQueueApp : MingchaApp
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Mingcha:Ratings:QueueCapacity", "0");
            // The test checks the path of a token not yet in memory: the 2-second periodic reload must not load it first
            // (a slow PostgreSQL run once did, between the token's creation and the check).
            builder.UseSetting("Mingcha:Ratings:TokenRefresh", "01:00:00");
        }
    }

    [Fact]
    [Trait("Rule", "SAT-1")]
    public async Task Rating_WhenTheQueueIsFull_Answers503WithRetryAfter_AndStoresNothing()
    {
        var w = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window && s.ParentSectionId != null)
            .OrderBy(s => s.Code).Select(s => new { s.Id, s.UnitId, s.Code }).FirstAsync());
        var (_, t) = await app.TokenClientAsync(w.UnitId, "ratings:write");
        var cache = app.Services.GetRequiredService<DeviceTokenCache>();
        var before = await app.WithDbAsync(db => db.Ratings.CountAsync());

        // Both the devices' lean path (token in memory) and the ordinary endpoint (token not yet loaded).
        foreach (var loaded in new[] { false, true })
        {
            if (loaded) await cache.ReloadAsync(default);
            Assert.Equal(loaded, cache.Knows(t!.Id));
            using var device = app.NewClient();
            device.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", t.Token);
            var r = await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, caseNumber = "BP" + Guid.NewGuid().ToString("N")[..10], level = 1 });
            Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), r.Headers.RetryAfter?.Delta);
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
            Assert.Contains("评价队列已满", JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("title").GetString(), StringComparison.Ordinal);
        }

        // The public page of the window's QR code says so in the page, with the same status.
        using var citizen = app.NewClient();
        var page = await citizen.GetAsync($"/Rate/{w.Code}");
        var token = Pages.AntiforgeryToken(await page.Content.ReadAsStringAsync());
        Assert.NotEmpty(token);
        var post = await citizen.PostAsync($"/Rate/{w.Code}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Level"] = "1", ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, post.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), post.Headers.RetryAfter?.Delta);
        Assert.Contains("系统繁忙，请稍后再试。", await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(before, await app.WithDbAsync(db => db.Ratings.CountAsync()));
    }
}
