using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Satisfaction;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.IntegrationTests.Ratings;

/// <summary>
/// Decision 032: a window's public rating page rates on the scale the Office set for the window (not the query string),
/// and a window may take a case number only with the signed link a pushed record's answer carries for its receipt.
/// </summary>
public sealed partial class RatingPointTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private sealed record Window(Guid Id, Guid UnitId, string Code, Guid StaffId);
    private sealed record Settings(Guid SectionId, string Scale, bool SignedCaseOnly);
    private sealed record Pushed(string CaseNumber, string? RatingLink);

    private async Task<Window> WindowAsync(int n) => await app.WithDbAsync(async db =>
    {
        var w = await db.Sections.Where(s => s.Kind == SectionKind.Window && s.ParentSectionId != null).OrderBy(s => s.Code).Skip(n - 1).FirstAsync();
        var staff = await db.Staff.Where(s => s.UnitId == w.UnitId).OrderBy(s => s.Code).Select(s => s.Id).FirstAsync();
        return new Window(w.Id, w.UnitId, w.Code, staff);
    });

    private async Task<HttpClient> DeviceAsync(Guid unitId)
    {
        AccountsApi.CreateTokenResponse? t = null;
        await app.WithScopeAsync(async sp => t = await AccountsApi.CreateTokenAsync(
            new AccountsApi.CreateTokenRequest("receipts " + Guid.NewGuid().ToString("N")[..6], ["service-records:write"], unitId, null),
            "test", sp.GetRequiredService<Mingcha.Web.Data.MingchaDb>(), TimeProvider.System, default));
        var client = app.NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", t!.Token);
        return client;
    }

    private static string NewCase() => "SG" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();

    private async Task<Pushed> PushAsync(HttpClient system, Window w, string caseNo)
    {
        var r = await system.PostAsJsonAsync("/api/v1/service-records", new { caseNumber = caseNo, sectionId = w.Id, staffId = w.StaffId, finishedAt = app.Clock.GetUtcNow().UtcDateTime.AddMinutes(-5) });
        Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        return (await r.Content.ReadFromJsonAsync<Pushed>())!;
    }

    private static async Task<HttpResponseMessage> RateAsync(HttpClient visitor, string pageUrl, string level, string? caseNo, string? sig)
    {
        var url = new Uri(new Uri("http://localhost"), pageUrl);
        var token = AntiforgeryField().Match(await visitor.GetStringAsync(url.PathAndQuery)).Groups[1].Value;
        var form = new Dictionary<string, string> { ["Level"] = level, ["__RequestVerificationToken"] = token };
        if (caseNo is not null) form["CaseNumber"] = caseNo;
        if (sig is not null) form["Sig"] = sig;
        return await visitor.PostAsync(url.AbsolutePath, new FormUrlEncodedContent(form));
    }

    private static int Buttons(string html) => LevelButton().Count(html);

    [Fact]
    [Trait("Rule", "SAT-1")]
    public async Task Window_SetToFiveLevels_ShowsAndTakesFive_AForgedScaleChangesNothing_AndOnlyTheOfficeSetsIt()
    {
        var w = await WindowAsync(1);
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, w.UnitId);
        var visitor = app.NewClient();

        // Existing windows keep three levels; ?scale=5 no longer switches.
        Assert.Equal(("ThreeLevel", false), await SettingsOf(liaison, w));
        Assert.Equal(3, Buttons(await visitor.GetStringAsync($"/Rate/{w.Code}?scale=5")));

        // A unit's liaison may read the setting but not change it; another unit's liaison does not see it.
        Assert.Equal(HttpStatusCode.Forbidden, (await liaison.PutAsJsonAsync($"/api/v1/sections/{w.Id}/rating-settings", new { scale = "FiveLevel", signedCaseOnly = false })).StatusCode);
        var stranger = await app.ClientAsAsync(Roles.UnitLiaison, await app.WithDbAsync(db => db.Units.Where(u => u.Id != w.UnitId).OrderBy(u => u.Code).Select(u => u.Id).FirstAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/sections/{w.Id}/rating-settings")).StatusCode);
        Assert.Equal(("ThreeLevel", false), await SettingsOf(office, w));
        // Nor through the window's page: the form is the Office's.
        var page = await liaison.GetStringAsync($"/Org/Section/{w.Id}");
        Assert.DoesNotContain("handler=Rating", page, StringComparison.Ordinal);

        var bad = await office.PutAsJsonAsync($"/api/v1/sections/{w.Id}/rating-settings", new { scale = "SevenLevel", signedCaseOnly = false });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var set = await office.PutAsJsonAsync($"/api/v1/sections/{w.Id}/rating-settings", new { scale = "FiveLevel", signedCaseOnly = false });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(("FiveLevel", false), await SettingsOf(liaison, w));

        // The page shows five levels whatever the query says, and a five-level rating is stored as one.
        Assert.Equal(5, Buttons(await visitor.GetStringAsync($"/Rate/{w.Code}")));
        Assert.Equal(5, Buttons(await visitor.GetStringAsync($"/Rate/{w.Code}?scale=3")));
        var before = await app.WithDbAsync(db => db.Ratings.CountAsync(r => r.SectionId == w.Id));
        var rated = await RateAsync(visitor, $"/Rate/{w.Code}?scale=3", "5", null, null);
        Assert.Equal(HttpStatusCode.OK, rated.StatusCode);
        var stored = await app.WithDbAsync(db => db.Ratings.Where(r => r.SectionId == w.Id).OrderByDescending(r => r.ReceivedAt).FirstAsync());
        Assert.Equal((RatingChannel.QrCode, RatingScale.FiveLevel, 5, true), (stored.Channel, stored.Scale, stored.Level, stored.IsBad));
        Assert.Equal(before + 1, await app.WithDbAsync(db => db.Ratings.CountAsync(r => r.SectionId == w.Id)));

        // Back to three levels: a level 5 is out of the scale (400), nothing stored.
        await office.PutAsJsonAsync($"/api/v1/sections/{w.Id}/rating-settings", new { scale = "ThreeLevel", signedCaseOnly = false });
        Assert.Equal(HttpStatusCode.BadRequest, (await RateAsync(visitor, $"/Rate/{w.Code}?scale=5", "5", null, null)).StatusCode);
        Assert.Equal(before + 1, await app.WithDbAsync(db => db.Ratings.CountAsync(r => r.SectionId == w.Id)));
    }

    [Fact]
    [Trait("Rule", "SAT-1")]
    public async Task WindowPage_OfTheOffice_SetsTheScale_AndShowsItWithTheQrCode()
    {
        var w = await WindowAsync(2);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var html = await office.GetStringAsync($"/Org/Section/{w.Id}");
        Assert.Contains($"/api/v1/sections/{w.Id}/rating-qr.png", html, StringComparison.Ordinal);
        var token = AntiforgeryField().Match(html).Groups[1].Value;
        var post = await office.PostAsync($"/Org/Section/{w.Id}?handler=Rating", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Rating.Scale"] = "FiveLevel", ["Rating.SignedCaseOnly"] = "true", ["__RequestVerificationToken"] = token,
        }));
        Assert.True(post.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.OK, post.StatusCode.ToString());
        Assert.Equal(("FiveLevel", true), await SettingsOf(office, w));
        Assert.Equal(5, Buttons(await app.NewClient().GetStringAsync($"/Rate/{w.Code}")));
        await office.PutAsJsonAsync($"/api/v1/sections/{w.Id}/rating-settings", new { scale = "ThreeLevel", signedCaseOnly = false });
    }

    [Fact]
    [Trait("Rule", "SAT-8")]
    [Trait("Rule", "SAT-1")]
    public async Task SignedCaseOnly_RefusesABareCaseNumber_AndTakesItWithTheReceiptsLink_ButNotATamperedOrAnotherCasesSignature()
    {
        var w = await WindowAsync(3);
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var system = await DeviceAsync(w.UnitId);
        var visitor = app.NewClient();
        var (mine, other, typed) = (NewCase(), NewCase(), NewCase());
        var link = (await PushAsync(system, w, mine)).RatingLink;
        var otherLink = (await PushAsync(system, w, other)).RatingLink;
        await PushAsync(system, w, typed);
        Assert.NotNull(link);
        Assert.Contains($"/Rate/{w.Code}?caseNumber={mine}&sig=", link, StringComparison.Ordinal);
        // Pushed again (idempotent), the answer carries a link that works as well.
        Assert.NotNull((await PushAsync(system, w, mine)).RatingLink);
        string SigOf(string l) => l[(l.IndexOf("&sig=", StringComparison.Ordinal) + 5)..];

        await (await office.PutAsJsonAsync($"/api/v1/sections/{w.Id}/rating-settings", new { scale = "ThreeLevel", signedCaseOnly = true })).ExpectAsync(HttpStatusCode.OK);
        Task<int> Count(string caseNo) => app.WithDbAsync(db => db.Ratings.CountAsync(r => r.CaseNumber == caseNo));

        // A bare case number: a clear message, nothing stored.
        var bare = await RateAsync(visitor, $"/Rate/{w.Code}", "3", typed, null);
        Assert.Equal(HttpStatusCode.BadRequest, bare.StatusCode);
        Assert.Contains("只接受办件回执上评价链接中的办件编号", WebUtility.HtmlDecode(await bare.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(0, await Count(typed));

        // Another case's signature, or one altered: refused, nothing stored.
        var borrowed = await RateAsync(visitor, $"/Rate/{w.Code}", "3", typed, SigOf(otherLink!));
        Assert.Equal(HttpStatusCode.BadRequest, borrowed.StatusCode);
        Assert.Contains("评价链接无效或已被改动", WebUtility.HtmlDecode(await borrowed.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        var sig = SigOf(link!);
        var altered = sig[..^3] + (sig[^3] == 'A' ? 'B' : 'A') + sig[^2..];
        Assert.Equal(HttpStatusCode.BadRequest, (await RateAsync(visitor, $"/Rate/{w.Code}", "3", mine, altered)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await RateAsync(visitor, $"/Rate/{w.Code}", "3", mine, "not-a-signature")).StatusCode);
        Assert.Equal(0, await Count(typed) + await Count(mine));

        // The receipt's link: the page prefills the case, and the rating is stored for it.
        var path = new Uri(link!).PathAndQuery;
        var shown = WebUtility.HtmlDecode(await visitor.GetStringAsync(path));
        Assert.Contains($"value=\"{mine}\"", shown, StringComparison.Ordinal);
        var taken = await RateAsync(visitor, path, "1", mine, sig);
        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
        Assert.Contains("rate-thanks", await taken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await Count(mine));

        // Without a case number the window is rated as before.
        Assert.Equal(HttpStatusCode.OK, (await RateAsync(visitor, $"/Rate/{w.Code}", "2", null, null)).StatusCode);

        // Setting off (the default): a bare case number is taken again; a tampered signature still is not.
        await office.PutAsJsonAsync($"/api/v1/sections/{w.Id}/rating-settings", new { scale = "ThreeLevel", signedCaseOnly = false });
        Assert.Equal(HttpStatusCode.BadRequest, (await RateAsync(visitor, $"/Rate/{w.Code}", "3", typed, altered)).StatusCode);
        Assert.Equal(0, await Count(typed));
        Assert.Equal(HttpStatusCode.OK, (await RateAsync(visitor, $"/Rate/{w.Code}", "3", typed, null)).StatusCode);
        Assert.Equal(1, await Count(typed));
    }

    private static async Task<(string, bool)> SettingsOf(HttpClient client, Window w)
    {
        var s = (await client.GetFromJsonAsync<Settings>($"/api/v1/sections/{w.Id}/rating-settings"))!;
        return (s.Scale, s.SignedCaseOnly);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("class=\"rate-level ")]
    private static partial Regex LevelButton();
}
