using System.Net;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests.Evidence;

/// <summary>
/// EVD-3, EVD-1, SEC-3: a case released to its unit, or a hold lifted, by two officers at the same moment is released or
/// lifted once: the second request gets 409 (not a 500 from the database's refusal to change a recorded release or lift)
/// and stores nothing, so the audit log has one line of it. The <see cref="ReadGate"/> holds each request, once it has read
/// the case or hold, until the other has read it too, so the race happens every time, on SQLite and on PostgreSQL.
/// </summary>
public sealed class EvidenceConcurrencyTests(RacingApp app) : IClassFixture<RacingApp>
{
    private sealed record IdDto(Guid Id);

    private async Task<(HttpClient Office, HttpClient Colleague, Guid CaseId)> CaseAsync(string unitName)
    {
        app.Clock.Set(MingchaApp.Start);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var colleague = await app.ClientAsAsync(Roles.OfficeStaff);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var unit = (await (await office.PostJsonAsync("/api/v1/units", new { code = $"evd-{tag}", name = unitName })).ReadAsync<IdDto>(HttpStatusCode.Created)).Id;
        var caseId = (await (await office.PostJsonAsync("/api/v1/evidence/cases", new { kind = "OpenInspection", title = "明查 " + unitName, targetUnitId = unit }))
            .ReadAsync<IdDto>(HttpStatusCode.Created)).Id;
        return (office, colleague, caseId);
    }

    private Task<int> UpdatesAsync(string type, Guid id, string field) =>
        app.WithDbAsync(db => db.AuditEntries.AsNoTracking()
            .CountAsync(a => a.Action == "update" && a.EntityType == type && a.EntityKey == id.ToString() && a.After!.Contains("\"" + field + "\"")));

    private static async Task OneWinsAsync(HttpResponseMessage[] responses)
    {
        Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order());
        await responses.Single(r => r.StatusCode == HttpStatusCode.Conflict).ExpectProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    [Trait("Rule", "EVD-3")]
    [Trait("Rule", "SEC-3")]
    public async Task TwoOfficersReleaseACaseAtOnce_ItIsReleasedOnce_TheOtherGets409()
    {
        var (office, colleague, caseId) = await CaseAsync("公开并发局");

        app.Gate.Hold(2, "FROM \"EvidenceCases\"");
        var releases = await Task.WhenAll(
            office.PostAsync($"/api/v1/evidence/cases/{caseId}/release", null),
            colleague.PostAsync($"/api/v1/evidence/cases/{caseId}/release", null));

        Assert.True(app.Gate.Met, "both requests read the case before either saved");
        await OneWinsAsync(releases);
        Assert.Equal(1, await UpdatesAsync("EvidenceCase", caseId, "ReleasedAt"));
    }

    [Fact]
    [Trait("Rule", "EVD-3")]
    public async Task DoubleClickOnThePagesRelease_ReleasesOnce_AndTheSecondPostSaysWhy()
    {
        var (office, _, caseId) = await CaseAsync("页面公开并发局");
        var token = Pages.AntiforgeryToken(await office.GetStringAsync($"/Evidence/Case/{caseId}"));
        FormUrlEncodedContent Form() => new(new Dictionary<string, string> { ["__RequestVerificationToken"] = token });

        app.Gate.Hold(2, "FROM \"EvidenceCases\"");
        var posts = await Task.WhenAll(
            office.PostAsync($"/Evidence/Case/{caseId}?handler=Release", Form()),
            office.PostAsync($"/Evidence/Case/{caseId}?handler=Release", Form()));

        Assert.True(app.Gate.Met, "both requests read the case before either saved");
        Assert.Single(posts, p => p.StatusCode == HttpStatusCode.Redirect);
        var second = posts.Single(p => p.StatusCode != HttpStatusCode.Redirect);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var html = WebUtility.HtmlDecode(await second.Content.ReadAsStringAsync());
        Assert.Contains("同时提交的另一项操作修改，本次未保存", html, StringComparison.Ordinal);
        Assert.Contains("向被查单位公开", html, StringComparison.Ordinal); // "已于 … 向被查单位公开": the case as it now is
        Assert.DoesNotContain("handler=Release", html, StringComparison.Ordinal);
        Assert.Equal(1, await UpdatesAsync("EvidenceCase", caseId, "ReleasedAt"));
    }

    [Fact]
    [Trait("Rule", "EVD-1")]
    [Trait("Rule", "SEC-3")]
    public async Task TwoOfficersLiftAHoldAtOnce_ItIsLiftedOnce_TheOtherGets409()
    {
        var (office, colleague, caseId) = await CaseAsync("保全并发局");
        var hold = (await (await office.PostJsonAsync($"/api/v1/evidence/cases/{caseId}/holds", new { reason = "Objection", note = "异议处理中" }))
            .ReadAsync<IdDto>(HttpStatusCode.Created)).Id;

        app.Gate.Hold(2, "FROM \"EvidenceHolds\"");
        var lifts = await Task.WhenAll(
            office.PostAsync($"/api/v1/evidence/cases/{caseId}/holds/{hold}/lift", null),
            colleague.PostAsync($"/api/v1/evidence/cases/{caseId}/holds/{hold}/lift", null));

        Assert.True(app.Gate.Met, "both requests read the hold before either saved");
        await OneWinsAsync(lifts);
        Assert.Equal(1, await UpdatesAsync("EvidenceHold", hold, "LiftedAt"));
    }
}
