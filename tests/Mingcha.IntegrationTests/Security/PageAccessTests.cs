using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests.Security;

/// <summary>
/// SEC-1 and SEC-2 on the Razor pages, as <see cref="AuthorizationMatrixTests"/> does for the API: every page and every POST
/// handler against the hand-written <see cref="PageCatalog"/>, for every role and anonymously; and a unit's liaison never
/// sees another unit's records on any page. (The target unit and its planned covert visits: SecrecyTests.)
/// </summary>
public sealed class PageAccessTests(PageAccessTests.App app) : IClassFixture<PageAccessTests.App>
{
    /// <summary>The demo city, the seeded records of <see cref="PageSeed"/> and one signed-in client per role, made once.</summary>
    public sealed class App : MingchaApp
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private (PageSeed Seed, List<Principal> Principals)? _state;

        public async Task<(PageSeed Seed, List<Principal> Principals)> StateAsync()
        {
            await _gate.WaitAsync();
            try
            {
                if (_state is { } s) return s;
                var seed = await PageSeed.CreateAsync(this);
                var principals = new List<Principal> { await Principal.CreateAsync(null, NewClient()) };
                foreach (var role in Roles.All)
                    principals.Add(await Principal.CreateAsync(role, await ClientAsAsync(role, Roles.IsUnitBound(role) ? seed.UnitA : null)));
                _state = (seed, principals);
                return _state.Value;
            }
            finally { _gate.Release(); }
        }
    }

    /// <summary>A role (null: anonymous), its client, and an antiforgery token of its session (valid for every form).</summary>
    public sealed record Principal(string? Role, HttpClient Client, string Token)
    {
        public string Who => Role ?? "anonymous";

        public static async Task<Principal> CreateAsync(string? role, HttpClient client) =>
            new(role, client, Pages.AntiforgeryToken(await client.GetStringAsync(role is null ? "/Account/Login" : "/Account/Manage")));
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task Catalog_WhenComparedWithRouteTable_ListsEveryPageAndHandlerExactlyOnce()
    {
        var mapped = (await MappedPage.AllAsync(app.Services)).ToDictionary(p => p.ViewPath, p => p.PostHandlers, StringComparer.Ordinal);
        var listed = PageCatalog.Pages.Select(p => p.Page).ToList();
        var wrong = new StringBuilder();
        foreach (var p in mapped.Keys.Except(listed, StringComparer.Ordinal)) wrong.AppendLine(CultureInfo.InvariantCulture, $"  mapped but not in the catalog: {p} (POST handlers: {string.Join(", ", mapped[p].Select(Name))})");
        foreach (var p in listed.Except(mapped.Keys, StringComparer.Ordinal)) wrong.AppendLine(CultureInfo.InvariantCulture, $"  in the catalog but no longer a page: {p}");
        foreach (var g in listed.GroupBy(p => p, StringComparer.Ordinal).Where(g => g.Count() > 1)) wrong.AppendLine(CultureInfo.InvariantCulture, $"  listed twice: {g.Key}");
        foreach (var page in PageCatalog.Pages.Where(p => mapped.ContainsKey(p.Page)))
        {
            var handlers = mapped[page.Page];
            foreach (var h in handlers.Except(page.Posts.Keys, StringComparer.Ordinal)) wrong.AppendLine(CultureInfo.InvariantCulture, $"  {page.Page}: POST handler {Name(h)} is not in the catalog");
            foreach (var h in page.Posts.Keys.Except(handlers, StringComparer.Ordinal)) wrong.AppendLine(CultureInfo.InvariantCulture, $"  {page.Page}: catalog lists POST handler {Name(h)} the page does not have");
        }
        Assert.True(wrong.Length == 0, "The page matrix (PageCatalog.Pages) must list every page and every POST handler once, with who may use it.\n" + wrong);

        static string Name(string h) => h.Length == 0 ? "(default)" : h;
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    [Trait("Rule", "SEC-2")]
    public async Task EveryPage_WhenOpenedByEachRoleAndAnonymously_OpensExactlyForTheCatalog()
    {
        var (seed, principals) = await app.StateAsync();
        var wrong = new StringBuilder();
        foreach (var page in PageCatalog.Pages)
        {
            var path = page.Path(seed);
            foreach (var p in principals)
            {
                using var response = await p.Client.GetAsync(path);
                var verdict = Verdict(response);
                var allowed = page.Get.Allows(p.Role);
                var scoped = p.Role is not null && page.ScopedRoles.Contains(p.Role);
                var ok = allowed
                    ? verdict == "open" || ((scoped || page.Unseeded) && verdict is "404" or "refused")
                    : p.Role is null ? verdict == "login" : verdict is "refused" or "404";
                if (!ok)
                    wrong.AppendLine(CultureInfo.InvariantCulture, $"  GET {path,-60} as {p.Who,-16} expected {(allowed ? "open" : p.Role is null ? "login" : "refused"),-8} got {Describe(response)}");
            }
        }
        Assert.True(wrong.Length == 0, "Page matrix mismatches (GET):\n" + wrong);
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    [Trait("Rule", "SEC-2")]
    public async Task EveryPostHandler_WhenUsedByEachRole_IsRefusedOutsideTheCatalogAndStoresNothing()
    {
        var (seed, principals) = await app.StateAsync();
        var wrong = new StringBuilder();
        foreach (var page in PageCatalog.Pages)
        {
            var path = page.Path(seed);
            foreach (var (handler, access) in page.Posts)
            {
                var target = handler.Length == 0 ? path : $"{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}handler={handler}";
                // Refused roles first, each with a valid antiforgery token of its session: nothing may reach the audit log.
                var before = await AuditLinesAsync();
                foreach (var p in principals.Where(p => !access.Allows(p.Role)))
                {
                    using var response = await p.Client.PostAsync(target, Form(p));
                    var verdict = Verdict(response);
                    if (!(p.Role is null ? verdict == "login" : verdict is "refused" or "404"))
                        wrong.AppendLine(CultureInfo.InvariantCulture, $"  POST {target,-70} as {p.Who,-16} expected {(p.Role is null ? "login" : "refused"),-8} got {Describe(response)}");
                }
                var after = await AuditLinesAsync();
                if (after != before)
                    wrong.AppendLine(CultureInfo.InvariantCulture, $"  POST {target,-70} by refused roles wrote {after - before} audit line(s)");

                // Allowed roles get past the role check (the empty form may then be refused as input, never as a role).
                // The sign-in pages are left out: signing out or resetting the authenticator would end the session under test.
                if (page.Page.StartsWith("/Account/", StringComparison.Ordinal)) continue;
                foreach (var p in principals.Where(p => p.Role is not null && access.Allows(p.Role) && !page.ScopedRoles.Contains(p.Role) && !page.Unseeded))
                {
                    using var response = await p.Client.PostAsync(target, Form(p));
                    var verdict = Verdict(response);
                    if (verdict is "refused" or "login")
                        wrong.AppendLine(CultureInfo.InvariantCulture, $"  POST {target,-70} as {p.Who,-16} expected allowed got {Describe(response)}");
                }
            }
        }
        Assert.True(wrong.Length == 0, "Page matrix mismatches (POST):\n" + wrong);
    }

    [Fact]
    [Trait("Rule", "SEC-2")]
    public async Task UnitScope_WhenLiaisonOfUnitAOpensEveryPageWithUnitBsRecords_SeesNoneOfThem()
    {
        var (seed, principals) = await app.StateAsync();
        var liaisonA = principals.Single(p => p.Role == Roles.UnitLiaison).Client;
        // B's name may stand in a list of units to choose from (filing a complaint, the organisation tree); B's records may not.
        var secrets = seed.BSecrets.Where(s => s.What != "unit B name").ToList();
        var ids = new[] { seed.ComplaintB, seed.NoticeB, seed.FollowUpB, seed.EvidenceCaseB, seed.VisitB, seed.RoundB, seed.StaffB, seed.CampaignB, seed.SittingB, seed.DrawB };
        var wrong = new StringBuilder();

        // The detail pages of B's records: 404 or refused, and nothing of B in the answer.
        foreach (var path in new[]
        {
            $"/Complaints/Detail/{seed.ComplaintB}", $"/Rectification/Notice/{seed.NoticeB}",
            $"/Evidence/Case/{seed.EvidenceCaseB}", $"/Evidence/Upload/{seed.EvidenceCaseB}", $"/Org/Staff/{seed.StaffB}",
            $"/Inspections/Visit/{seed.VisitB}", $"/Inspections/Round?id={seed.RoundB}",
            $"/Scoring/Result/{seed.CampaignB}/{seed.ScoredSectionB}", $"/Scoring/SittingCodes/{seed.SittingB}", $"/Inspections/Draw?id={seed.DrawB}",
        })
        {
            using var response = await liaisonA.GetAsync(path);
            if (Verdict(response) is not ("404" or "refused"))
                wrong.AppendLine(CultureInfo.InvariantCulture, $"  GET {path} answered {Describe(response)}, expected 404 or refused");
            Leaks(path, await response.Content.ReadAsStringAsync(), null);
        }

        // Every page the catalog lets a liaison open, plain and with each of B's ids in the query: none of B's records.
        foreach (var page in PageCatalog.Pages.Where(p => p.Get.Allows(Roles.UnitLiaison)))
        {
            var path = page.Path(seed);
            var bare = path.Split('?')[0];
            var own = path.Contains("?id=", StringComparison.Ordinal) ? Guid.Parse(path.Split("?id=")[1][..36]) : (Guid?)null;
            foreach (var (probe, asked) in new[] { (path, own) }.Concat(ids.Select(id => ($"{bare}?id={id}&unitId={seed.UnitB}&year=2026&all=true", (Guid?)id))))
            {
                using var response = await liaisonA.GetAsync(probe);
                Leaks(probe, await response.Content.ReadAsStringAsync(), asked);
            }
        }
        Assert.True(wrong.Length == 0, "Unit A's liaison saw unit B's records:\n" + wrong);

        // The same pages show B's records to B's own liaison: the strings looked for are the ones a page would show.
        var liaisonB = await app.ClientAsAsync(Roles.UnitLiaison, seed.UnitB);
        Assert.Contains(seed.ComplaintB.ToString(), await liaisonB.GetStringAsync("/Complaints"), StringComparison.Ordinal);
        Assert.Contains(seed.NoticeB.ToString(), await liaisonB.GetStringAsync("/Rectification/Mine"), StringComparison.Ordinal);
        Assert.Contains(seed.FollowUpB.ToString(), await liaisonB.GetStringAsync("/Ratings/FollowUps"), StringComparison.Ordinal);
        Assert.Contains(secrets.Single(s => s.What == "complaint matter").Text, await liaisonB.GetStringAsync($"/Complaints/Detail/{seed.ComplaintB}"), StringComparison.Ordinal);
        Assert.Contains(secrets.Single(s => s.What == "B1's explanation").Text, await liaisonB.GetStringAsync($"/Scoring/Result/{seed.CampaignB}/{seed.ScoredSectionB}"), StringComparison.Ordinal);
        Assert.Contains(secrets.Single(s => s.What == "B1's result (its link)").Text, await liaisonB.GetStringAsync($"/Scoring/Campaign/{seed.CampaignB}"), StringComparison.Ordinal);

        // The id asked for in the query comes back in the page's own links (the language switch keeps the address): only
        // the other ids, and every name and number, count as B's data there.
        void Leaks(string path, string body, Guid? asked)
        {
            foreach (var (what, text) in secrets.Where(s => s.Text != asked?.ToString() && body.Contains(s.Text, StringComparison.OrdinalIgnoreCase)))
                wrong.AppendLine(CultureInfo.InvariantCulture, $"  GET {path} shows B's {what} ({text})");
        }
    }

    private Task<int> AuditLinesAsync() => app.WithDbAsync(db => db.AuditEntries.CountAsync());

    private static FormUrlEncodedContent Form(Principal p) => new(new Dictionary<string, string> { ["__RequestVerificationToken"] = p.Token });

    /// <summary>open (a page, or a redirect elsewhere than the sign-in and access-denied pages), refused, login, 404, or the status.</summary>
    private static string Verdict(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        var location = response.Headers.Location?.OriginalString ?? "";
        return status switch
        {
            403 => "refused",
            401 => "login",
            404 => "404",
            >= 300 and < 400 when location.Contains("/Account/Denied", StringComparison.OrdinalIgnoreCase) => "refused",
            >= 300 and < 400 when location.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase) => "login",
            >= 200 and < 400 => "open",
            _ => status.ToString(CultureInfo.InvariantCulture),
        };
    }

    private static string Describe(HttpResponseMessage response) =>
        $"{(int)response.StatusCode}{(response.Headers.Location is { } l ? " → " + l.OriginalString : "")}";
}
