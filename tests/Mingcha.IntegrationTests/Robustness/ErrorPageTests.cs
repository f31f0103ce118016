using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web;

namespace Mingcha.IntegrationTests.Robustness;

/// <summary>
/// A browser that asks for a page that went wrong gets a page in the site's layout that says what happened, in the
/// user's language, with the status kept; the API and scripts keep their ProblemDetails. Exceptions are raised by a
/// test-only step behind the app's own pipeline (<see cref="ThrowingApp"/>), so they pass through its real error handling.
/// </summary>
public sealed class ErrorPageTests(ErrorPageTests.ThrowingApp app) : IClassFixture<ErrorPageTests.ThrowingApp>
{
    private const string Html = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"; // what Chromium sends for a page

    private static HttpRequestMessage PageRequest(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Accept.ParseAdd(Html);
        return request;
    }

    [Fact]
    public async Task UnknownPage_OpenedInABrowser_Shows404PageInTheLayout()
    {
        var client = await app.ClientAsAsync(Roles.UnitLiaison, await app.WithDbAsync(db => db.Units.OrderBy(u => u.Code).Select(u => u.Id).FirstAsync()));
        using var response = await client.SendAsync(PageRequest(HttpMethod.Get, "/Rectification/NoSuchPage"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("找不到此页面或记录", body, StringComparison.Ordinal);
        Assert.Contains("class=\"topbar\"", body, StringComparison.Ordinal); // the site's layout, with its navigation
    }

    [Fact]
    public async Task UnknownPage_InEnglish_SaysSoInEnglish()
    {
        var client = app.NewClient();
        var request = PageRequest(HttpMethod.Get, "/no-such-page");
        request.Headers.Add("Cookie", ".AspNetCore.Culture=c%3Den%7Cuic%3Den"); // as /culture?c=en sets it
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("Page or record not found", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownAddress_AskedByAScriptOrTheApi_KeepsProblemDetails()
    {
        var client = app.NewClient();
        using var page = await client.GetAsync("/no-such-page"); // no Accept: text/html
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("application/problem+json", page.Content.Headers.ContentType?.MediaType);
        using var api = await client.SendAsync(PageRequest(HttpMethod.Get, "/api/v1/no-such-thing")); // /api even from a browser
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task FormSentWithAnExpiredToken_ShowsWhatToDo()
    {
        var client = await app.ClientAsAsync(Roles.OfficeStaff);
        var request = PageRequest(HttpMethod.Post, "/Calendar?handler=Correct");
        request.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = "expired", ["Date"] = "2026-11-21", ["Kind"] = "Workday" });
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("页面可能已经过期", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusalThrownWhileServingAPage_ShowsItsOwnMessageWithItsStatus()
    {
        using var response = await app.NewClient().SendAsync(PageRequest(HttpMethod.Get, ThrowingApp.NotFoundPath));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("测试记录不存在。", body, StringComparison.Ordinal);
        Assert.DoesNotContain("No such test record", body, StringComparison.Ordinal); // the message in the page's language only
    }

    [Fact]
    public async Task FailureWhileServingAPage_Shows500PageWithoutItsDetails()
    {
        using var response = await app.NewClient().SendAsync(PageRequest(HttpMethod.Get, ThrowingApp.FailurePath));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("请求未能完成", body, StringComparison.Ordinal);
        Assert.DoesNotContain(ThrowingApp.Secret, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailureWhileServingTheApi_IsProblemDetails()
    {
        var client = app.NewClient();
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var refused = await client.GetAsync(ThrowingApp.NotFoundPath);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("测试记录不存在。 No such test record.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>The app with one test-only step at the end of its pipeline: <see cref="NotFoundPath"/> and <see cref="FailurePath"/> throw.</summary>
    public sealed class ThrowingApp : MingchaApp
    {
        public const string NotFoundPath = "/test-throws/not-found";
        public const string FailurePath = "/test-throws/failure";
        public const string Secret = "connection string with a password";

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(s => s.AddTransient<IStartupFilter, Thrower>());
        }

        private sealed class Thrower : IStartupFilter
        {
            public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
            {
                next(app);
                app.Use((HttpContext ctx, RequestDelegate rest) => ctx.Request.Path.Value switch
                {
                    NotFoundPath => throw new NotFoundException("测试记录不存在。 No such test record."),
                    FailurePath => throw new InvalidOperationException(Secret),
                    _ => rest(ctx),
                });
            };
        }
    }
}
