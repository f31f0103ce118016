using System.Net;
using Microsoft.EntityFrameworkCore;
using Mingcha.Web.Features.Scoring;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests.Scoring;

/// <summary>The concentrated sittings' tests' common ground (EV-2): an open campaign and a new sitting, made by the Office over HTTP.</summary>
internal static class SittingKit
{
    private sealed record Created(Guid Id);

    /// <summary>What <see cref="OpenAsync"/> made; the sitting's answer (201) is left for the caller to read in its own shape.</summary>
    public sealed record Setup(HttpClient Office, Guid Campaign, Guid Unit, Guid Section, Guid OtherSection, HttpResponseMessage Sitting);

    /// <summary>
    /// At the test clock's start: an open campaign of one new category with one unit of two sections, and a new sitting
    /// titled <paramref name="title"/> (which requires codes unless told otherwise). <paramref name="code"/> and
    /// <paramref name="name"/> start the codes and names made, each with a fresh tag.
    /// </summary>
    public static async Task<Setup> OpenAsync(MingchaApp app, string code, string name, string title, bool? requireCodes)
    {
        app.Clock.Set(MingchaApp.Start);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var tag = Guid.NewGuid().ToString("N")[..6];
        async Task<Guid> CreateAsync(string path, object body) => (await (await office.PostJsonAsync(path, body)).ReadAsync<Created>(HttpStatusCode.Created)).Id;
        var cat = await CreateAsync("/api/v1/categories", new { code = $"{code}-{tag}", name = $"{name}类{tag}" });
        var unit = await CreateAsync("/api/v1/units", new { code = $"{code}-{tag}", name = $"{name}局{tag}", categoryId = cat, year = 2026 });
        var section = await CreateAsync("/api/v1/sections", new { unitId = unit, code = $"S1-{tag}", name = "审批科", kind = "InternalSection" });
        var other = await CreateAsync("/api/v1/sections", new { unitId = unit, code = $"S2-{tag}", name = "窗口科", kind = "InternalSection" });
        var campaign = await CreateAsync("/api/v1/scoring/campaigns", new { year = 2026, name = $"{name}测评{tag}", from = "2026-01-01", to = "2026-12-31" });
        await (await office.PutJsonAsync($"/api/v1/scoring/campaigns/{campaign}/sections", new { categoryIds = new[] { cat } })).ExpectAsync(HttpStatusCode.OK);
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{campaign}/open", null)).ExpectAsync(HttpStatusCode.OK);
        object body = requireCodes is { } r ? new { title, heldOn = "2026-11-16", requireCodes = r } : new { title, heldOn = "2026-11-16" };
        return new Setup(office, campaign, unit, section, other, await office.PostJsonAsync($"/api/v1/scoring/campaigns/{campaign}/sittings", body));
    }

    private static int phoneSerial;

    /// <summary>
    /// A phone without an account, at its own address in <paramref name="net"/> (the flood guard counts per address): the
    /// next of 249, not a random one, so two phones of one test never share an address.
    /// </summary>
    public static HttpClient Phone(MingchaApp app, string net)
    {
        var phone = app.NewClient();
        phone.DefaultRequestHeaders.Add(MingchaApp.RemoteIpHeader, $"{net}.{1 + Interlocked.Increment(ref phoneSerial) % 249}");
        return phone;
    }

    /// <summary>A ballot grading the two sections, with its code and a ballot key (a fresh one unless given).</summary>
    public static object Ballot(Guid section, Guid other, string? code, string? key, string grade, string otherGrade) =>
        new { ballotKey = key ?? "phone-" + Guid.NewGuid().ToString("N")[..12], code, grades = new[] { new { sectionId = section, grade }, new { sectionId = other, grade = otherGrade } } };

    public static Task<int> EvaluationsAsync(MingchaApp app, Guid sitting) => app.WithDbAsync(db => db.Evaluations.CountAsync(e => e.SittingId == sitting));

    public static Task<int> BallotsAsync(MingchaApp app, Guid sitting) => app.WithDbAsync(db => db.SittingBallots.CountAsync(b => b.SittingId == sitting));

    public static async Task<string> HtmlAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
}
