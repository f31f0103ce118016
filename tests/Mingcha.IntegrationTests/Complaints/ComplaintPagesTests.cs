using System.Net;
using System.Text.RegularExpressions;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests.Complaints;

/// <summary>The complaint pages: the public form (antiforgery, injection, flood), the tracking page, masked data per role (SEC-4).</summary>
public sealed partial class ComplaintPagesTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    private static string Token(string page) => TokenPattern().Match(page).Groups[1].Value;

    private static async Task<(HttpClient Client, string Token)> FormAsync(MingchaApp app, string ip)
    {
        var client = app.NewClient();
        client.DefaultRequestHeaders.Add(MingchaApp.RemoteIpHeader, ip);
        var page = await client.GetStringAsync("/Complaints/File");
        return (client, Token(page));
    }

    private static FormUrlEncodedContent Fields(Guid unit, string token, string matter, string reasons = "三次往返仍未受理。", string? name = "钱七") => new(new Dictionary<string, string>
    {
        ["__RequestVerificationToken"] = token, ["Form.UnitId"] = unit.ToString(), ["Form.Type"] = "BuckPassing", ["Form.Matter"] = matter, ["Form.Reasons"] = reasons,
        ["Form.EvidenceNote"] = "受理回执", ["Form.Name"] = name ?? "", ["Form.Phone"] = "13712345678", ["Form.HasInterest"] = "true",
    });

    [Fact]
    [Trait("Rule", "CMP-3")]
    [Trait("Rule", "CMP-11")]
    public async Task PublicForm_WhenFilledWithScript_StoresItAsTextAndShowsItEncoded_AndTheQueryCodeFollowsIt()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (unit, _) = await kit.UnitAsync();
        var (client, token) = await FormAsync(app, "203.0.113.101");
        Assert.False(string.IsNullOrEmpty(token));
        const string script = "<script>alert('x')</script><img src=x onerror=alert(1)>";
        var response = await client.PostAsync("/Complaints/File", Fields(unit, token, "办证" + script, "理由" + script));
        await response.ExpectAsync(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync();
        var code = Regex.Match(html, "id=\"query-code\">([A-Z0-9]+)<").Groups[1].Value;
        Assert.Equal(12, code.Length);

        var tracked = await app.NewClient().GetStringAsync($"/Complaints/Track?code={code}");
        // Shown as text: encoded in the HTML, the same characters once decoded.
        Assert.DoesNotContain("<script>alert", tracked, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", tracked, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", tracked, StringComparison.Ordinal);
        // Chinese is written as characters (UTF-8), not one numeric entity each; only HTML's own characters are encoded.
        Assert.Contains("办证&lt;script&gt;alert(", tracked, StringComparison.Ordinal);
        Assert.Contains("办证" + script, WebUtility.HtmlDecode(tracked), StringComparison.Ordinal);
        var office = await kit.Office.GetStringAsync($"/Complaints?unitId={unit}");
        Assert.DoesNotContain("<script>alert", office, StringComparison.Ordinal);
        Assert.Contains("办证" + script, WebUtility.HtmlDecode(office), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "CMP-3")]
    public async Task PublicForm_WithoutTheAntiforgeryToken_IsRefused_AndNothingIsStored()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (unit, _) = await kit.UnitAsync();
        var client = app.NewClient(); // no GET first: no antiforgery cookie, no token
        client.DefaultRequestHeaders.Add(MingchaApp.RemoteIpHeader, "203.0.113.102");
        var response = await client.PostAsync("/Complaints/File", Fields(unit, "forged", "跨站提交"));
        await response.ExpectAsync(HttpStatusCode.BadRequest);
        var list = await ComplaintKit.JsonAsync(kit.Office, $"/api/v1/complaints?unitId={unit}");
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    [Trait("Rule", "CMP-3")]
    public async Task PublicForm_WhenFloodedFromOneAddress_Answers429NamingTheRule()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (unit, _) = await kit.UnitAsync();
        var (client, token) = await FormAsync(app, "198.51.100.251");
        for (var i = 0; i < 5; i++) await (await client.PostAsync("/Complaints/File", Fields(unit, token, $"事项{i}"))).ExpectAsync(HttpStatusCode.OK);
        var refused = await client.PostAsync("/Complaints/File", Fields(unit, token, "第六件"));
        await refused.ExpectAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("CMP-3", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "SEC-4")]
    [Trait("Rule", "SEC-2")]
    public async Task Pages_ShowMaskedComplainants_TheUnitSeesNoPhone_AndAnotherUnitGets404()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (unit, _) = await kit.UnitAsync();
        var (other, _) = await kit.UnitAsync("他局");
        var filed = await kit.FileAsync(ComplaintKit.Body(unit, name: "欧阳娜娜", phone: "13812345678"));
        // Not yet forwarded (CMP-7) or refused (CMP-6): the unit complained of does not see it, in the list or by its id.
        var refused = await kit.FileAsync(ComplaintKit.Body(unit, matter: "已起诉的事项"));
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{refused.Id}/not-accepted", new { reason = "InCourtOrDecided", note = "已进入诉讼程序" })).ExpectAsync(HttpStatusCode.NoContent);
        var early = await kit.LiaisonAsync(unit);
        var unitList = await early.GetStringAsync("/Complaints/Unit");
        Assert.DoesNotContain(filed.Number, unitList, StringComparison.Ordinal);
        Assert.DoesNotContain(refused.Number, unitList, StringComparison.Ordinal);
        await (await early.GetAsync($"/Complaints/Detail/{filed.Id}")).ExpectAsync(HttpStatusCode.NotFound);
        await (await early.GetAsync($"/api/v1/complaints/{refused.Id}")).ExpectAsync(HttpStatusCode.NotFound);
        Assert.DoesNotContain(filed.Number, await early.GetStringAsync("/api/v1/complaints"), StringComparison.Ordinal);
        await kit.AssignAsync(filed.Id);
        var officePage = WebUtility.HtmlDecode(await kit.Office.GetStringAsync($"/Complaints/Detail/{filed.Id}"));
        Assert.Contains("138****5678", officePage, StringComparison.Ordinal);
        Assert.DoesNotContain("13812345678", officePage, StringComparison.Ordinal);
        Assert.DoesNotContain("欧阳娜娜", officePage, StringComparison.Ordinal);
        var listPage = WebUtility.HtmlDecode(await kit.Office.GetStringAsync($"/Complaints?unitId={unit}"));
        Assert.DoesNotContain("欧阳娜娜", listPage, StringComparison.Ordinal);
        Assert.Contains("欧***", listPage, StringComparison.Ordinal);

        var liaison = await kit.LiaisonAsync(unit);
        var unitPage = WebUtility.HtmlDecode(await liaison.GetStringAsync($"/Complaints/Detail/{filed.Id}"));
        Assert.Contains("欧***", unitPage, StringComparison.Ordinal);
        Assert.DoesNotContain("138****5678", unitPage, StringComparison.Ordinal);
        Assert.Contains(filed.Number, await liaison.GetStringAsync("/Complaints/Unit"), StringComparison.Ordinal);

        var stranger = await kit.LiaisonAsync(other);
        await (await stranger.GetAsync($"/Complaints/Detail/{filed.Id}")).ExpectAsync(HttpStatusCode.NotFound);
        Assert.DoesNotContain(filed.Number, await stranger.GetStringAsync("/Complaints/Unit"), StringComparison.Ordinal);
        var leaderTrends = await (await app.ClientAsAsync(Roles.UnitLiaison, unit)).GetAsync("/Complaints/Trends");
        Assert.NotEqual(HttpStatusCode.OK, leaderTrends.StatusCode);
        await (await kit.Office.GetAsync("/Complaints/Trends")).ExpectAsync(HttpStatusCode.OK);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
