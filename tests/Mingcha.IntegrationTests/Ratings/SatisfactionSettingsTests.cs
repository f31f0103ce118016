using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Satisfaction;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.IntegrationTests.Ratings;

/// <summary>
/// The satisfaction module's settings take effect: the SAT-9 thresholds (<c>Mingcha:Ratings:Manipulation</c>; a value out of
/// range stops the start), the quarter's survey size (<c>Mingcha:Ratings:SurveySize</c>) and the public page's flood limit
/// (<c>Mingcha:Ratings:PublicPermitsPerMinute</c>).
/// </summary>
public sealed class SatisfactionSettingsTests(SatisfactionSettingsTests.StrictApp app) : IClassFixture<SatisfactionSettingsTests.StrictApp>
{
    /// <summary>An office that calls three top ratings from one device within ten minutes a burst (the default is ten within two), calls 40 people a quarter and takes three ratings a minute from one address on the public page.</summary>
    public sealed class StrictApp : MingchaApp
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Mingcha:Ratings:Manipulation:DeviceBurstCount", "3");
            builder.UseSetting("Mingcha:Ratings:Manipulation:BurstWindow", "00:10:00");
            builder.UseSetting("Mingcha:Ratings:SurveySize", "40");
            builder.UseSetting("Mingcha:Ratings:PublicPermitsPerMinute", "3");
        }
    }

    private sealed class BadSettingApp(MingchaApp first, string setting, string value) : MingchaApp(first.Database, first.Clock, ownsDatabase: false)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Mingcha:Ratings:Manipulation:" + setting, value);
        }
    }

    [Fact]
    [Trait("Rule", "SAT-9")]
    public async Task DeviceBurst_FollowsTheConfiguredThreshold()
    {
        var w = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window && s.ParentSectionId != null).OrderBy(s => s.Code).FirstAsync());
        var (device, t) = await app.TokenClientAsync(w.UnitId, "ratings:write");

        // Top ratings four minutes apart: the third makes three within ten minutes (the default would need ten within two).
        for (var i = 0; i < 3; i++)
        {
            if (i > 0) app.Clock.Advance(TimeSpan.FromMinutes(4));
            Assert.Equal(HttpStatusCode.Created, (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, level = 1 })).StatusCode);
        }
        var flag = await RatingsTests.WaitForAsync(() => app.WithDbAsync(db =>
            db.RatingFlags.Where(f => db.Ratings.Any(r => r.Id == f.RatingId && r.DeviceId == t.Id)).FirstOrDefaultAsync()));
        Assert.Equal(nameof(ManipulationRule.DeviceBurst), flag.Rule);
        // The burst is all three: the first two are flagged with the third that made it one (once each).
        Assert.Equal(3, await app.WithDbAsync(db => db.RatingFlags.CountAsync(f => db.Ratings.Any(r => r.Id == f.RatingId && r.DeviceId == t.Id))));
    }

    [Fact]
    [Trait("Rule", "SAT-3")]
    public async Task SurveyDraw_WithoutACount_DrawsTheConfiguredSize()
    {
        await app.CaseWithPhoneAsync(new DateTime(2026, 8, 3, 2, 0, 0, DateTimeKind.Utc)); // someone to draw in 2026 Q3
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var r = await office.PostAsJsonAsync("/api/v1/surveys", new { year = 2026, quarter = 3, seed = "size" });
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        Assert.Equal(40, System.Text.Json.JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("requested").GetInt32());
    }

    [Fact]
    [Trait("Rule", "SAT-9")]
    [Trait("Rule", "SAT-1")]
    public async Task PublicPage_WhenOneAddressFloods_Answers429AsAPage_AndStoresNothingMore()
    {
        var w = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window && s.ParentSectionId != null).OrderBy(s => s.Code).Skip(1)
            .Select(s => new { s.Id, s.Code }).FirstAsync());
        using var visitor = app.NewClient();
        visitor.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        var html = await visitor.GetStringAsync($"/Rate/{w.Code}");
        var token = Pages.AntiforgeryToken(html);
        Assert.NotEmpty(token);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 5; i++)
        {
            var r = await visitor.PostAsync($"/Rate/{w.Code}", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Level"] = "1", ["__RequestVerificationToken"] = token,
            }));
            statuses.Add(r.StatusCode);
            if (r.StatusCode == HttpStatusCode.TooManyRequests) refused ??= r;
        }
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal("text/html", refused!.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(60), refused.Headers.RetryAfter?.Delta);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("评价提交过于频繁", page, StringComparison.Ordinal);
        Assert.Contains($"href=\"/Rate/{w.Code}\"", page, StringComparison.Ordinal);
        Assert.Equal(3, await app.WithDbAsync(db => db.Ratings.CountAsync(r => r.SectionId == w.Id && r.Channel == RatingChannel.QrCode)));

        // A client that asks for JSON gets the problem document with the rule.
        using var machine = app.NewClient();
        var problem = await machine.PostAsync($"/Rate/{w.Code}", new FormUrlEncodedContent(new Dictionary<string, string> { ["Level"] = "1" }));
        Assert.Equal(HttpStatusCode.TooManyRequests, problem.StatusCode);
        Assert.Contains("SAT-9", await problem.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [Trait("Rule", "SAT-9")]
    [InlineData("DeviceBurstCount", "1")]
    [InlineData("BurstWindow", "00:00:00")]
    [InlineData("Closes", "07:00")]
    public void Start_WhenAThresholdIsOutOfRange_StopsNamingTheSetting(string setting, string value)
    {
        using var bad = new BadSettingApp(app, setting, value);
        var e = Assert.ThrowsAny<Exception>(() => bad.Services);
        var messages = string.Join(" | ", Flatten(e).Select(x => x.Message));
        Assert.Contains("Mingcha:Ratings:Manipulation:", messages, StringComparison.Ordinal);
        Assert.Contains(setting == "Closes" ? "Opens" : setting, messages, StringComparison.Ordinal);
    }

    private static IEnumerable<Exception> Flatten(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            yield return x;
            if (x is AggregateException a)
                foreach (var inner in a.InnerExceptions.SelectMany(Flatten)) yield return inner;
        }
    }
}
