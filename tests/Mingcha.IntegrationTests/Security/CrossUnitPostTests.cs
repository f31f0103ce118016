using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Complaints;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.IntegrationTests.Scoring;

namespace Mingcha.IntegrationTests.Security;

/// <summary>
/// SEC-2 on the pages' forms: a unit's liaison cannot act on another unit's record through any page POST handler it may use.
/// Unit A's liaison posts each such handler with unit B's record and a form that is otherwise valid: refused (403, 404,
/// access denied, or the page back with its message), and nothing of B's records nor the audit log changes. The same post
/// by B's own liaison goes through (one handler of each page), so the form is right and only the unit was wrong.
/// The handlers are read from the compiled app (<see cref="MappedPage"/>) and the matrix (<see cref="PageCatalog"/>): a new
/// handler a liaison may post fails <see cref="EveryLiaisonPostHandler_IsCoveredOrTakesNoRecordOfAnotherUnit"/> until it is
/// covered here or listed, with its reason, as taking no record of another unit.
/// </summary>
public sealed class CrossUnitPostTests(CrossUnitPostTests.App app) : IClassFixture<CrossUnitPostTests.App>
{
    /// <summary>The demo city, <see cref="PageSeed"/>'s records of unit B, B's repeat-complaint flag and an owed explanation.</summary>
    public sealed class App : MingchaApp
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private World? _world;

        public async Task<World> WorldAsync()
        {
            await _gate.WaitAsync();
            try { return _world ??= await World.CreateAsync(this); }
            finally { _gate.Release(); }
        }
    }

    private sealed record Flag(Guid Id, Guid UnitId);

    /// <summary>B's records (B's complaint, notice, follow-up; the repeat flag of B; the owed explanation of unit C's section).</summary>
    public sealed record World(PageSeed Seed, Guid FlagB, Guid CampaignC, Guid UnitC, Guid SectionC)
    {
        public static async Task<World> CreateAsync(MingchaApp app)
        {
            var seed = await PageSeed.CreateAsync(app);
            var office = await app.ClientAsAsync(Roles.OfficeAdmin);

            // CMP-9: repeated complaints against B raise B's flag, for which B owes a special report.
            var complaints = new ComplaintKit(app, office);
            foreach (var (at, phone) in new[] { ("2026-10-28T01:00:00Z", "13700001111"), ("2026-11-02T01:00:00Z", "13700002222") })
            {
                var f = await complaints.FileAsync(ComplaintKit.Body(seed.UnitB, matter: "窗口推诿", phone: phone, receivedAt: at));
                await complaints.AssignAsync(f.Id, seed.UnitB);
            }
            var flags = await office.GetAsync<List<Flag>>("/api/v1/complaints/repeat-flags");
            var flag = flags.First(f => f.UnitId == seed.UnitB).Id;

            // EV-8: a published campaign in which unit C's section is among the bottom and owes its written explanation.
            var m = await GradedCampaign.CloseAsync(office, "xu", "跨单位", new { satisfiedTop = 1, bottomCount = 2, threshold = 70 },
                [new("丙单位", "C1", "征收科", "Excellent"), new("丙单位", "C2", "稽查科", "Good"), new("丙单位", "C3", "医政科", "Fair")], publish: true);
            return new World(seed, flag, m.Campaign, m.Units["丙单位"], m.Sections["C3"]);
        }
    }

    /// <summary>One post of a handler a liaison may use, at another unit's record, with a form valid for the record's own unit.</summary>
    private sealed record CrossPost(string Page, string Handler, string Path, Dictionary<string, string> Fields, Guid OwnerUnit, bool OwnerSucceeds, bool WithFile = false);

    /// <summary>
    /// Every page POST handler a liaison may use (PageCatalog) and that names a record by an id, posted at another unit's
    /// record. OwnerSucceeds: the record's own liaison's identical post goes through (one per page; the rest would change
    /// the state the others need, or, as Reveal, wait for the Office's grant).
    /// </summary>
    private static List<CrossPost> Posts(World w)
    {
        var s = w.Seed;
        var complaint = $"/Complaints/Detail/{s.ComplaintB}";
        var notice = $"/Rectification/Notice/{s.NoticeB}";
        var followUp = $"/Ratings/FollowUps?id={s.FollowUpB}";
        return
        [
            new("/Complaints/Detail", "Extension", complaint, new() { ["days"] = "3", ["reason"] = "案情复杂，需调取档案。" }, s.UnitB, false),
            new("/Complaints/Detail", "Return", complaint, new() { ["note"] = "非本单位职责。" }, s.UnitB, false),
            new("/Complaints/Detail", "Reveal", complaint, [], s.UnitB, false),
            new("/Complaints/Detail", "Answer", complaint, new() { ["answer"] = "经核查，已向投诉人说明并道歉。" }, s.UnitB, true),
            new("/Complaints/Unit", "Report", "/Complaints/Unit", new() { ["flagId"] = w.FlagB.ToString(), ["report"] = "专项自查整改报告：已调整窗口分工。" }, s.UnitB, true),
            new("/Ratings/FollowUps", "FailedCall", followUp, new() { ["id"] = s.FollowUpB.ToString(), ["note"] = "无人接听。" }, s.UnitB, false),
            new("/Ratings/FollowUps", "Appeal", followUp, new() { ["id"] = s.FollowUpB.ToString(), ["reason"] = "评价人误操作。" }, s.UnitB, false),
            new("/Ratings/FollowUps", "Step", followUp, new() { ["id"] = s.FollowUpB.ToString(), ["step"] = "CallBack", ["note"] = "已回访。", ["reached"] = "true" }, s.UnitB, true),
            // RCT-3, EVD-1: with an evidence file, as the unit's form sends them (an objection needs one).
            new("/Rectification/Notice", "Answer", notice, new() { ["Actions"] = "已调整窗口人员。", ["Measures"] = "建立首问负责制。" }, s.UnitB, false, WithFile: true),
            new("/Rectification/Notice", "Object", notice, new() { ["Grounds"] = "该窗口当日已暂停服务，问题不属实。" }, s.UnitB, true, WithFile: true),
            new("/Scoring/Result", "Explain", $"/Scoring/Result/{w.CampaignC}/{w.SectionC}", new() { ["ExplanationText"] = "本科室窗口人员调整，已制定整改措施。" }, w.UnitC, true),
        ];
    }

    /// <summary>
    /// The handlers a liaison may post that take no record of another unit, each with why. Public and sign-in forms name no
    /// unit's record; the self-inspection report is filed for the liaison's own unit (the page sends no unit).
    /// </summary>
    private static readonly Dictionary<(string Page, string Handler), string> NoRecordOfAnotherUnit = new()
    {
        [("/Account/Login", "")] = "signs in; names no record",
        [("/Error", "")] = "the error page a failed form post re-executes to; reads and changes nothing",
        [("/Account/LoginTwoFactor", "")] = "second sign-in step; names no record",
        [("/Account/Logout", "")] = "signs out; names no record",
        [("/Account/Manage", "Password")] = "the user's own password",
        [("/Account/Manage", "ResetAuthenticator")] = "the user's own authenticator",
        [("/Account/SetupTwoFactor", "")] = "the user's own authenticator",
        [("/Complaints/File", "")] = "the public complaint form: files a new complaint, acts on no existing record",
        [("/Complaints/Track", "Rate")] = "the complainant's rating, found by the query code the complainant holds, not by an id",
        [("/Rate/Index", "")] = "the public's rating of a window by its public code: anyone may rate any window",
        [("/Scoring/Sit", "")] = "a sitting's anonymous ballot, found by the sitting's link code, not by a unit's id",
        [("/Ratings/Records", "Import")] = "the cases' import: its file names windows by code, not records by id, and a liaison's row naming another unit's window refuses the whole file (SEC-2, ServiceRecordPageTests)",
        [("/Inspections/SelfInspection", "")] = "the self-inspection report of the liaison's own unit: the service takes the unit from the user (no unit field)",
    };

    [Fact]
    [Trait("Rule", "SEC-2")]
    public async Task EveryLiaisonPostHandler_IsCoveredOrTakesNoRecordOfAnotherUnit()
    {
        var w = await app.WorldAsync();
        var covered = Posts(w).Select(p => (p.Page, p.Handler)).ToHashSet();
        var mapped = (await MappedPage.AllAsync(app.Services)).ToDictionary(p => p.ViewPath, StringComparer.Ordinal);
        var wrong = new StringBuilder();
        var liaisonHandlers = PageCatalog.Pages
            .SelectMany(p => p.Posts.Where(h => h.Value.Allows(Roles.UnitLiaison)).Select(h => (p.Page, Handler: h.Key)))
            .ToList();
        foreach (var (page, handler) in liaisonHandlers)
        {
            if (covered.Contains((page, handler))) continue;
            if (!NoRecordOfAnotherUnit.ContainsKey((page, handler)))
            {
                wrong.AppendLine(CultureInfo.InvariantCulture, $"  {page} {Name(handler)}: a liaison may post it (PageCatalog), and it is neither posted here at another unit's record nor listed as taking none");
                continue;
            }
            // A handler listed as taking no record must not take an id: no guid in its route, parameters or bound properties.
            if (mapped.TryGetValue(page, out var m) && IdsOf(m, handler) is { Count: > 0 } ids)
                wrong.AppendLine(CultureInfo.InvariantCulture, $"  {page} {Name(handler)} is listed as taking no record of another unit but takes ids: {string.Join(", ", ids)}");
        }
        foreach (var (page, handler) in covered.Concat(NoRecordOfAnotherUnit.Keys).Except(liaisonHandlers))
            wrong.AppendLine(CultureInfo.InvariantCulture, $"  {page} {Name(handler)}: listed here but not a handler a liaison may post (PageCatalog)");
        Assert.True(wrong.Length == 0, "Liaison POST handlers not covered by the cross-unit test:\n" + wrong);
        Assert.True(covered.Count >= 11, $"only {covered.Count} handlers covered");

        static string Name(string h) => h.Length == 0 ? "(default)" : h;
    }

    /// <summary>The guid-typed values a handler reads: route parameters, its own parameters and the page's bound properties.</summary>
    private static List<string> IdsOf(MappedPage page, string handler)
    {
        static bool IsId(Type t) => (Nullable.GetUnderlyingType(t) ?? t) == typeof(Guid);
        var method = page.Compiled.HandlerMethods.First(h => string.Equals(h.HttpMethod, "POST", StringComparison.OrdinalIgnoreCase) && (h.Name ?? "") == handler);
        return page.Endpoint.RoutePattern.Parameters.Where(p => p.ParameterPolicies.Any(x => x.Content?.StartsWith("guid", StringComparison.Ordinal) == true)).Select(p => p.Name)
            .Concat(method.Parameters.Where(p => IsId(p.ParameterType)).Select(p => p.Name))
            .Concat(page.Compiled.BoundProperties.Where(p => IsId(p.ParameterType)).Select(p => p.Name))
            .ToList();
    }

    [Fact]
    [Trait("Rule", "SEC-2")]
    public async Task LiaisonOfUnitA_PostingEveryHandlerAtUnitBsRecord_IsRefusedAndChangesNothing_WhileBsOwnLiaisonSucceeds()
    {
        var w = await app.WorldAsync();
        var liaisonA = await Session.CreateAsync(await app.ClientAsAsync(Roles.UnitLiaison, w.Seed.UnitA));
        var owners = new Dictionary<Guid, Session>();
        var wrong = new StringBuilder();
        var posts = Posts(w);

        // Every handler refused to A first, all of B's records in the state that lets B's own liaison act.
        foreach (var post in posts)
        {
            var before = await SnapshotAsync(w);
            using var response = await PostAsync(liaisonA, post);
            var verdict = Verdict(response);
            if (verdict != "refused")
                wrong.AppendLine(CultureInfo.InvariantCulture, $"  {post.Page} {post.Handler} at {post.Path} as unit A's liaison: expected refused, got {Describe(response)}");
            var after = await SnapshotAsync(w);
            foreach (var (what, was) in before.Where(b => after[b.Key] != b.Value))
                wrong.AppendLine(CultureInfo.InvariantCulture, $"  {post.Page} {post.Handler} at {post.Path} as unit A's liaison changed {what}:\n    before {was}\n    after  {after[what]}");
        }

        // The same posts by the record's own liaison go through: the form was valid, only the unit was wrong.
        foreach (var post in posts.Where(p => p.OwnerSucceeds))
        {
            if (!owners.TryGetValue(post.OwnerUnit, out var owner))
                owners[post.OwnerUnit] = owner = await Session.CreateAsync(await app.ClientAsAsync(Roles.UnitLiaison, post.OwnerUnit));
            var before = await SnapshotAsync(w);
            using var response = await PostAsync(owner, post);
            var after = await SnapshotAsync(w);
            if (Verdict(response) != "done")
                wrong.AppendLine(CultureInfo.InvariantCulture, $"  {post.Page} {post.Handler} at {post.Path} as the record's own liaison: expected done, got {Describe(response)} {Excerpt(await response.Content.ReadAsStringAsync())}");
            else if (before.All(b => after[b.Key] == b.Value))
                wrong.AppendLine(CultureInfo.InvariantCulture, $"  {post.Page} {post.Handler} at {post.Path} as the record's own liaison: done, but nothing changed");
        }
        Assert.True(wrong.Length == 0, "Cross-unit posts (SEC-2):\n" + wrong);
    }

    private static async Task<HttpResponseMessage> PostAsync(Session session, CrossPost post)
    {
        if (!post.WithFile) return await session.Client.PostFormAsync(post.Path, post.Handler, new(post.Fields), session.Token);
        var file = new ByteArrayContent(Encoding.ASCII.GetBytes("%PDF-1.4\n% cross-unit proof " + Guid.NewGuid() + "\n%%EOF\n"));
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
        using var form = new MultipartFormDataContent { { new StringContent(session.Token), "__RequestVerificationToken" }, { file, "Files", "proof.pdf" } };
        foreach (var (name, value) in post.Fields) form.Add(new StringContent(value), name);
        return await session.Client.PostAsync($"{post.Path}?handler={post.Handler}", form);
    }

    private sealed record Session(HttpClient Client, string Token)
    {
        public static async Task<Session> CreateAsync(HttpClient client) =>
            new(client, Infrastructure.Pages.AntiforgeryToken(await client.GetStringAsync("/Account/Manage")));
    }

    private static readonly JsonSerializerOptions Json = new() { ReferenceHandler = ReferenceHandler.IgnoreCycles };

    /// <summary>B's records as stored (each row whole, with its history rows counted) and the audit log's length.</summary>
    private Task<Dictionary<string, string>> SnapshotAsync(World w) => app.WithDbAsync(async db =>
    {
        var s = w.Seed;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["complaint"] = JsonSerializer.Serialize(await db.Complaints.AsNoTracking().SingleAsync(c => c.Id == s.ComplaintB), Json),
            ["complaint events"] = (await db.ComplaintEvents.CountAsync(e => e.ComplaintId == s.ComplaintB)).ToString(CultureInfo.InvariantCulture),
            ["repeat flag"] = JsonSerializer.Serialize(await db.RepeatFlags.AsNoTracking().SingleAsync(f => f.Id == w.FlagB), Json),
            ["follow-up"] = JsonSerializer.Serialize(await db.FollowUpCases.AsNoTracking().SingleAsync(f => f.Id == s.FollowUpB), Json),
            ["notice"] = JsonSerializer.Serialize(await db.RectificationNotices.AsNoTracking().SingleAsync(n => n.Id == s.NoticeB), Json),
            ["notice objections and answers"] = (await db.NoticeObjections.CountAsync(o => o.NoticeId == s.NoticeB) + 1000 * await db.NoticeResponses.CountAsync(r => r.NoticeId == s.NoticeB)).ToString(CultureInfo.InvariantCulture),
            ["explanation"] = JsonSerializer.Serialize(await db.Set<Mingcha.Web.Features.Scoring.ResultExplanation>().AsNoTracking()
                .Where(e => e.CampaignId == w.CampaignC && e.SectionId == w.SectionC).ToListAsync(), Json),
            ["evidence files"] = (await db.EvidenceItems.CountAsync()).ToString(CultureInfo.InvariantCulture),
            ["audit lines"] = (await db.AuditEntries.CountAsync()).ToString(CultureInfo.InvariantCulture),
        };
    });

    /// <summary>
    /// refused (403, 404, the access-denied page, or the page shown again with its message: 200 or 400), done (a redirect
    /// after success), login, or the status.
    /// </summary>
    private static string Verdict(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        var location = response.Headers.Location?.OriginalString ?? "";
        return status switch
        {
            403 or 404 or 400 or 200 => "refused",
            >= 300 and < 400 when location.Contains("/Account/Denied", StringComparison.OrdinalIgnoreCase) => "refused",
            >= 300 and < 400 when location.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase) => "login",
            >= 300 and < 400 => "done",
            _ => status.ToString(CultureInfo.InvariantCulture),
        };
    }

    private static string Describe(HttpResponseMessage response) =>
        $"{(int)response.StatusCode}{(response.Headers.Location is { } l ? " → " + l.OriginalString : "")}";

    private static string Excerpt(string body)
    {
        var i = body.IndexOf("alert", StringComparison.Ordinal);
        return i < 0 ? "" : WebUtility.HtmlDecode(body.Substring(i, Math.Min(300, body.Length - i)));
    }
}
