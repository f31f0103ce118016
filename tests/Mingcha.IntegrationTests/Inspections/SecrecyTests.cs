using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Inspections;

namespace Mingcha.IntegrationTests.Inspections;

/// <summary>
/// INS-9, SEC-2, EVD-3: the target unit's liaison polls every GET endpoint of the API (the whole authorization
/// matrix) and every page, with the secret records' ids put into every id slot and query, at every stage of a covert
/// round; every answer must be exactly what it was before the round existed (with an unknown id in those slots). Only
/// once the findings are sent does the unit see its visit, its confirmed findings and its evidence.
/// </summary>
public sealed partial class SecrecyTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    private sealed record Created(Guid Id);
    private sealed record DrawDto(Guid Id, List<Guid> Drawn);

    [Fact]
    [Trait("Rule", "INS-9")]
    [Trait("Rule", "SEC-2")]
    [Trait("Rule", "EVD-3")]
    public async Task CovertRound_WhenTheTargetUnitPollsEveryPageAndApi_LearnsNothingUntilTheFindingsAreSent()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new InspectionKit(app, office);
        var seed = await ApiSeed.CreateAsync(app);
        var unit = await kit.UnitAsync("暗访对象局");
        var sections = await kit.SectionsAsync(unit, 2);
        var team = await kit.TeamAsync(await kit.ApprovedSupervisorAsync());
        await kit.EnsureCatalogueAsync(2026);
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, unit);

        var secrets = new List<Guid>();
        var baseline = await ObserveAsync(liaison, seed, unit, [Guid.NewGuid()]);
        Assert.True(baseline.Count > 60, $"only {baseline.Count} observations");

        async Task StillSecretAsync(string stage)
        {
            // Each secret id in turn stands where the unknown id stood in the baseline.
            foreach (var id in secrets)
            {
                var now = await ObserveAsync(liaison, seed, unit, [id]);
                var diff = baseline.Where(b => now[b.Key] != b.Value).Select(b => $"  {b.Key}\n    before: {Cut(b.Value)}\n    now:    {Cut(now[b.Key])}").ToList();
                Assert.True(diff.Count == 0, $"{stage}: the liaison saw a difference for id {id}:\n{string.Join("\n", diff.Take(5))}");
            }
        }

        var round = (await (await office.PostJsonAsync("/api/v1/inspections/rounds", new
        {
            year = 2026, kind = "Covert", campaign = "Thematic", title = "机密专题暗访", scope = "暗访对象局窗口", focus = "在岗状态",
            plannedTargets = 2, startsOn = "2026-11-20", endsOn = "2026-12-20", teamIds = new[] { team },
        })).ReadAsync<Created>(HttpStatusCode.Created)).Id;
        secrets.Add(round);
        await StillSecretAsync("draft plan");

        var draw = await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/draws", new { count = 2, unitIds = new[] { unit } })).ReadAsync<DrawDto>(HttpStatusCode.Created);
        secrets.Add(draw.Id);
        await (await office.PostAsync($"/api/v1/inspections/rounds/{round}/decide", null)).ExpectAsync(HttpStatusCode.NoContent);
        var visits = await kit.VisitsOfAsync(round);
        secrets.AddRange(visits);
        secrets.AddRange(await app.WithDbAsync(db => db.RoundTargets.Where(t => t.RoundId == round).Select(t => t.Id).ToListAsync()));
        var visit = visits[0];
        // Scheduling the visits opened one evidence case per visit (EVD-3).
        var caseId = await app.WithDbAsync(db => db.Visits.Where(v => v.Id == visit).Select(v => v.EvidenceCaseId!.Value).FirstAsync());
        secrets.Add(caseId);
        await StillSecretAsync("drawn and decided");

        await (await office.PostAsync($"/api/v1/inspections/rounds/{round}/start", null)).ExpectAsync(HttpStatusCode.NoContent);
        await kit.DriveAsync(visit, VisitStatus.InProgress, new DateOnly(2026, 11, 16));
        await StillSecretAsync("running, visit in progress");

        await app.WithDbAsync(async db =>
        {
            var v = await db.Visits.FirstAsync(x => x.Id == visit);
            v.Submit(app.Clock.GetUtcNow().UtcDateTime);
            v.Decide(VisitStatus.Accepted, null, "office", app.Clock.GetUtcNow().UtcDateTime);
            return await db.SaveChangesAsync();
        });
        var finding = await kit.FindingAsync(visit, confirm: true);
        secrets.Add(finding);
        // The Office cannot open the case to the unit by hand before the findings go out (EVD-3): not by the API, not by the page.
        await (await office.PostAsync($"/api/v1/evidence/cases/{caseId}/release", null)).ExpectRuleAsync(HttpStatusCode.Conflict, "EVD-3");
        var casePage = await office.GetStringAsync($"/Evidence/Case/{caseId}");
        Assert.Contains("released-with-findings", casePage, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Release", casePage, StringComparison.Ordinal);
        Assert.Null(await app.WithDbAsync(db => db.EvidenceCases.Where(c => c.Id == caseId).Select(c => c.ReleasedAt).FirstAsync()));
        await StillSecretAsync("accepted with a confirmed finding");

        // The findings are sent: now, and only now, the unit sees its visit, the finding and the evidence.
        await (await office.PostAsync($"/api/v1/inspections/visits/{visit}/send-findings", null)).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Contains(visit.ToString(), await liaison.GetStringAsync("/api/v1/inspections/visits?year=2026"), StringComparison.Ordinal);
        Assert.Contains(finding.ToString(), await liaison.GetStringAsync($"/api/v1/inspections/findings?visitId={visit}"), StringComparison.Ordinal);
        await (await liaison.GetAsync($"/api/v1/evidence/cases/{caseId}")).ExpectAsync(HttpStatusCode.OK);
        // The other drawn section's visit has not been sent: still 404.
        await (await liaison.GetAsync($"/api/v1/inspections/visits/{visits[1]}")).ExpectAsync(HttpStatusCode.NotFound);
        // Who inspected stays with the Office.
        var detail = await liaison.GetStringAsync($"/api/v1/inspections/visits/{visit}");
        Assert.DoesNotContain(team.ToString(), detail, StringComparison.Ordinal);
        // A finding recorded later and not yet confirmed (RCT-1) is not counted for the unit, though the Office sees it.
        await kit.FindingAsync(visit, "A01");
        int FindingsOf(string json) => System.Text.Json.JsonDocument.Parse(json).RootElement.EnumerateArray()
            .Single(v => v.GetProperty("id").GetGuid() == visit).GetProperty("findings").GetInt32();
        Assert.Equal(1, FindingsOf(await liaison.GetStringAsync("/api/v1/inspections/visits?year=2026")));
        Assert.Equal(2, FindingsOf(await office.GetStringAsync("/api/v1/inspections/visits?year=2026")));
        Assert.Equal(1, System.Text.Json.JsonDocument.Parse(await liaison.GetStringAsync($"/api/v1/inspections/visits/{visit}")).RootElement
            .GetProperty("visit").GetProperty("findings").GetInt32());
        // The round itself is never the unit's business.
        await (await liaison.GetAsync($"/api/v1/inspections/rounds/{round}")).ExpectAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    [Trait("Rule", "INS-9")]
    public async Task Secrecy_WhenAnotherUnitsLiaisonAsksForASentVisit_StillAnswers404()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new InspectionKit(app, office);
        var unit = await kit.UnitAsync("甲单位");
        var other = await kit.UnitAsync("乙单位");
        var section = await kit.SectionAsync(unit, "窗口");
        await kit.EnsureCatalogueAsync(2026);
        var round = await kit.RoundAsync(2026, teamId: await kit.TeamAsync(await kit.ApprovedSupervisorAsync()));
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/targets", new { sectionIds = new[] { section }, reason = "人工指定（测试）" })).ExpectAsync(HttpStatusCode.OK);
        var visit = (await kit.VisitsOfAsync(round)).Single();
        await kit.DriveAsync(visit, VisitStatus.Accepted, new DateOnly(2026, 11, 16));
        await (await office.PostAsync($"/api/v1/inspections/visits/{visit}/send-findings", null)).ExpectAsync(HttpStatusCode.NoContent);

        var stranger = await app.ClientAsAsync(Roles.UnitLiaison, other);
        await (await stranger.GetAsync($"/api/v1/inspections/visits/{visit}")).ExpectAsync(HttpStatusCode.NotFound);
        Assert.DoesNotContain(visit.ToString(), await stranger.GetStringAsync("/api/v1/inspections/visits"), StringComparison.Ordinal);
        await (await stranger.GetAsync($"/api/v1/inspections/findings?visitId={visit}")).ExpectAsync(HttpStatusCode.NotFound);
    }

    /// <summary>Every GET the matrix knows and every page, with the probe ids in every id slot and as query values; normalised answers by key.</summary>
    private async Task<Dictionary<string, string>> ObserveAsync(HttpClient client, ApiSeed seed, Guid unit, IReadOnlyList<Guid> probes)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var n = 0;
        foreach (var endpoint in ApiCatalog.Endpoints.Where(e => e.Method == HttpMethod.Get))
        {
            var path = endpoint.Call(seed, ++n).Path;
            await RecordAsync(client, result, $"{endpoint.Key} as listed", path, probes);
            foreach (var (probe, i) in probes.Select((p, i) => (p, i)))
            {
                var withProbe = GuidPattern().Replace(path, probe.ToString());
                var query = $"year=2026&unitId={unit}&roundId={probe}&visitId={probe}&id={probe}";
                var bare = withProbe.Split('?')[0];
                await RecordAsync(client, result, $"{endpoint.Key} probe{i}", withProbe, probes);
                await RecordAsync(client, result, $"{endpoint.Key} probe{i} query", $"{bare}?{query}", probes);
            }
        }
        foreach (var page in PageRoutes())
        {
            foreach (var (probe, i) in probes.Select((p, i) => (p, i)))
            {
                var path = "/" + RouteParameter().Replace(page, probe.ToString()).TrimEnd('/');
                await RecordAsync(client, result, $"page {page} probe{i}", path, probes);
                await RecordAsync(client, result, $"page {page} probe{i} query", $"{path}?id={probe}&year=2026&unitId={unit}&roundId={probe}&visitId={probe}", probes);
            }
        }
        return result;
    }

    private static async Task RecordAsync(HttpClient client, Dictionary<string, string> into, string key, string path, IReadOnlyList<Guid> probes)
    {
        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        // A live stream (the ratings control centre, server-sent events) never ends: its status and type are the answer.
        var body = response.Content.Headers.ContentType?.MediaType == "text/event-stream"
            ? "(event stream)"
            : await response.Content.ReadAsStringAsync();
        foreach (var p in probes) body = body.Replace(p.ToString(), "{ID}", StringComparison.OrdinalIgnoreCase);
        body = TraceId().Replace(body, "trace");
        body = Antiforgery().Replace(body, "token");
        body = SubmissionKey().Replace(body, "submission key"); // a form's one-time key (complaints, CMP-6): new on every view
        into[key] = $"{(int)response.StatusCode} {body}";
    }

    private IEnumerable<string> PageRoutes() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.OfType<PageActionDescriptor>().Any())
            .Select(e => e.RoutePattern.RawText ?? "")
            .Where(p => !p.StartsWith("Account/Log", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);

    private static string Cut(string s) => s.Length <= 300 ? s : s[..300] + "…";

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex GuidPattern();

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex("\"traceId\":\"[^\"]*\"|00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]")]
    private static partial Regex TraceId();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"[^\"]*\"|<input name=\"__RequestVerificationToken\"[^>]*>")]
    private static partial Regex Antiforgery();

    [GeneratedRegex("name=\"SubmissionKey\" value=\"[^\"]*\"")]
    private static partial Regex SubmissionKey();
}
