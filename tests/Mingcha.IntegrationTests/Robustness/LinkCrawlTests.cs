using Microsoft.EntityFrameworkCore;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Features.Ratings;

namespace Mingcha.IntegrationTests.Robustness;

/// <summary>
/// Every link a user is shown leads somewhere they may go: for each role, signed in on the demo city (with its halls'
/// ratings, its complaints desk, its campaign and its notice, an inspected unit's findings on a notice it objected to, a
/// supervisor's open visit and the demo agency's covert visits), the pages reachable from the home page by following the
/// links they show are read, and no link answers 404, 500, or "access denied".
/// Each kind of page (its path with ids left out) is followed a few times, so the crawl stays small as the data grows.
/// The links do not depend on the database, so it runs once, in the SQLite suite.
/// </summary>
public sealed partial class LinkCrawlTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private const int VisitsPerShape = 3;
    private const int PagesPerRole = 400;

    [OncePerRunFact]
    public async Task EveryLinkShownToEveryRole_LeadsToAPage()
    {
        await app.Services.GetRequiredService<DemoRatings>().BackfillAsync(default); // the satisfaction pages with data
        await app.Services.GetRequiredService<DemoRatings>().LoadPhoneSurveyAsync(default); // the calling list with its draw and its check
        await app.Services.GetRequiredService<DemoBadges>().LoadAsync(default); // and the year's badges by unit
        await app.Services.GetRequiredService<Mingcha.Web.Features.Complaints.DemoComplaints>().LoadAsync(default); // and the complaint pages
        await app.Services.GetRequiredService<Mingcha.Web.Features.Scoring.DemoCampaign>().LoadAsync(default); // and the scoring pages
        await app.Services.GetRequiredService<Mingcha.Web.Features.Rectification.DemoRectification>().LoadAsync(default); // and a notice's pages
        var hr = await app.WithDbAsync(db => db.Units.Where(u => u.Code == DemoData.HrUnitCode).Select(u => u.Id).SingleAsync());
        // And an inspection's trail to the end of the visit pages, the findings, the evidence vault and the notice's objection:
        // a covert visit's accepted findings, confirmed, on a notice its unit objected to with a file.
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new Rectification.RectificationKit(app, office);
        var inspected = await kit.CaseAsync(findings: 2);
        await kit.ConfirmAsync([.. inspected.Findings]);
        var notice = await kit.IssueAsync(inspected.UnitId, inspected.Findings);
        var (_, inspectedLiaison) = await kit.LiaisonAsync(inspected.UnitId);
        var noticeCase = (await Rectification.RectificationKit.NoticeAsync(inspectedLiaison, notice.Id)).GetProperty("evidenceCaseId").GetGuid();
        var proof = await Rectification.RectificationKit.EvidenceAsync(inspectedLiaison, noticeCase);
        await (await inspectedLiaison.PostJsonAsync($"/api/v1/rectification/notices/{notice.Id}/objections", new { grounds = "当事人当时在岗，有签到记录", evidenceItemIds = new[] { proof } }))
            .ExpectAsync(HttpStatusCode.Created);
        // And a supervisor whose team has an open-inspection visit to carry out (the visit's own pages).
        var (supervisor, openRound) = await kit.Inspections.OpenRoundSupervisorAsync(inspected.UnitId, 2026);
        Assert.Single(await kit.Inspections.VisitsOfAsync(openRound));
        // And an inspector of the demo agency, whose covert round's visits wait (the covert visit's pages).
        var (agencyUser, agencyInspector) = await app.SignedInAsync(Roles.AgencyInspector);
        var demoAgency = await app.WithDbAsync(db => db.Agencies.Where(a => a.IsDemo).OrderBy(a => a.Name).Select(a => a.Id).FirstAsync());
        await (await office.PostJsonAsync($"/api/v1/inspections/agencies/{demoAgency}/inspectors", new { name = "巡查暗访员", userId = agencyUser.Id })).ExpectAsync(HttpStatusCode.Created);

        var broken = new StringBuilder();
        var total = 0;
        var crawlers = Roles.All.Select(role => (role, (Func<Task<HttpClient>>)(() => app.ClientAsAsync(role, Roles.IsUnitBound(role) ? hr : null))))
            .Append(("UnitLiaison of the inspected unit", () => Task.FromResult(inspectedLiaison)))
            .Append(("Supervisor of an open round", () => Task.FromResult(supervisor)))
            .Append(("AgencyInspector of the demo agency", () => Task.FromResult(agencyInspector)));
        foreach (var (who, sign) in crawlers)
        {
            var (read, bad) = await CrawlAsync(await sign());
            total += read;
            foreach (var (link, from, status) in bad) broken.AppendLine(CultureInfo.InvariantCulture, $"  {who}: {link} (linked from {from}) answers {(int)status}");
        }
        Assert.True(total > 100, $"the crawl read only {total} pages");
        Assert.True(broken.Length == 0, "links that lead nowhere:\n" + broken);
    }

    private static async Task<(int Read, List<(string Link, string From, HttpStatusCode Status)> Broken)> CrawlAsync(HttpClient client)
    {
        var queue = new Queue<(string Link, string From)>([("/", "(start)")]);
        var seen = new HashSet<string>(StringComparer.Ordinal) { "/" };
        var shapes = new Dictionary<string, int>(StringComparer.Ordinal);
        var broken = new List<(string, string, HttpStatusCode)>();
        var read = 0;
        while (queue.Count > 0 && read < PagesPerRole)
        {
            var (link, from) = queue.Dequeue();
            using var response = await client.GetAsync(link);
            read++;
            // Not found, failed, or a link to a page the user may not open (sent to "access denied").
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden or >= HttpStatusCode.InternalServerError
                || response.Headers.Location?.OriginalString.Contains("/Account/Denied", StringComparison.Ordinal) == true)
            {
                broken.Add((link, from, response.StatusCode));
                continue;
            }
            if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "text/html") continue;
            var html = await response.Content.ReadAsStringAsync();
            foreach (Match m in Href().Matches(html))
            {
                var next = WebUtility.HtmlDecode(m.Groups[1].Value);
                var hash = next.IndexOf('#', StringComparison.Ordinal);
                if (hash >= 0) next = next[..hash];
                if (next.Length == 0 || next.StartsWith("//", StringComparison.Ordinal) || Skipped(next) || !seen.Add(next)) continue;
                var shape = Shape(next);
                shapes[shape] = shapes.GetValueOrDefault(shape) + 1;
                if (shapes[shape] <= VisitsPerShape) queue.Enqueue((next, link));
            }
        }
        return (read, broken);
    }

    /// <summary>Static files, the sign-out, and the event streams (they never end) are not pages to read.</summary>
    private static bool Skipped(string link) =>
        link.StartsWith("/lib/", StringComparison.Ordinal) || link.StartsWith("/css/", StringComparison.Ordinal) || link.StartsWith("/js/", StringComparison.Ordinal)
        || link.StartsWith("/Account/Logout", StringComparison.Ordinal) || link.Contains("/live", StringComparison.Ordinal)
        || link.EndsWith(".ico", StringComparison.Ordinal) || link.EndsWith(".png", StringComparison.Ordinal);

    /// <summary>A link's path and query names with ids and values left out: /Complaints/{id}?status=.</summary>
    private static string Shape(string link)
    {
        var q = link.IndexOf('?', StringComparison.Ordinal);
        var path = Id().Replace(q < 0 ? link : link[..q], "{id}");
        if (q < 0) return path;
        var names = link[(q + 1)..].Split('&').Select(p => p.Split('=')[0]).Order(StringComparer.Ordinal);
        return path + "?" + string.Join('&', names);
    }

    [GeneratedRegex("href=\"(/[^\"]*)\"")]
    private static partial Regex Href();

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|(?<=/)\\d+(?=/|$)")]
    private static partial Regex Id();
}
