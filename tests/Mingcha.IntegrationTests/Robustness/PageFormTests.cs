using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Mingcha.IntegrationTests.Robustness;

/// <summary>
/// Every page form, posted with garbage, answers the page with a message, a redirect, 400, 403 or 404 — never a 500.
/// The handlers and their fields are read from the running app (its page routes, each compiled page's POST handlers,
/// its [BindProperty] properties and the handlers' parameters), so a new handler is covered without being added here.
/// Each handler is posted (a) with no fields, (b) with the page's own form values and one field broken in turn, and
/// (c) at a route whose ids match nothing; by the office roles, the unit liaison of a demo unit and the page's own roles.
/// </summary>
public sealed partial class PageFormTests(MingchaApp app, ITestOutputHelper output) : IClassFixture<MingchaApp>
{
    /// <summary>The roles every form is posted by (each gets 403 where it has no business), before the page's own.</summary>
    private static readonly string[] BaseRoles = [Roles.OfficeAdmin, Roles.OfficeStaff, Roles.UnitLiaison];

    private const string Anonymous = "(anonymous)";

    [Fact]
    [Trait("Rule", "SEC-2")]
    public async Task EveryPageForm_PostedWithGarbage_IsNeverAServerError()
    {
        var errors = new ErrorLog();
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(errors);
        var forms = await DiscoverAsync();
        Assert.True(forms.Sum(f => f.Handlers.Count) > 100, $"only {forms.Sum(f => f.Handlers.Count)} POST handlers found");

        var unit = await app.WithDbAsync(db => db.Units.AsNoTracking().OrderBy(u => u.Code).Select(u => u.Id).FirstAsync());
        var sessions = new Sessions(app, unit);
        var realPaths = await RealPathsAsync(forms, await sessions.ForAsync(Roles.OfficeAdmin));

        var wrong = new StringBuilder();
        var posts = 0;
        var perRole = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var form in forms)
        {
            realPaths.TryGetValue(form.Template, out var real);
            var nowhere = Concrete(form.Template, real: null);
            // The role whose view of the page is swept field by field: the office administrator, else the page's first own role.
            var full = form.Roles.Contains(Roles.OfficeAdmin) || form.Roles.Count == 0 ? Roles.OfficeAdmin : form.Roles[0];
            output.WriteLine($"{form.Page}: {form.Handlers.Count} handlers, roles {string.Join(",", form.Roles)}{(form.Anonymous ? ", anonymous" : "")}, at {real ?? "(no real record) " + nowhere}");
            foreach (var role in BaseRoles.Union(form.Roles).Concat(form.Anonymous ? [Anonymous] : []))
            {
                // A role the page does not admit is refused before anything is bound: its empty post is enough.
                var admitted = form.Anonymous || form.Roles.Count == 0 || form.Roles.Contains(role);
                var (client, token) = await sessions.CurrentAsync(role);
                var path = real ?? nowhere;
                var html = await PageAsync(client, path);
                if (role == full && html.Length == 0) output.WriteLine($"  as {role}: {path} does not open");
                foreach (var handler in form.Handlers)
                {
                    var baseline = Infrastructure.Pages.FormValues(html, handler.Name, path);
                    // The fields the page's form posts and the handler's own parameters; every bound field when there is no form.
                    var fieldsToBreak = baseline.Count == 0 ? handler.Fields
                        : handler.Fields.Where(f => f.Parameter || baseline.ContainsKey(f.Name) || baseline.Keys.Any(k => k.StartsWith(f.Name.Split('[')[0] + "[", StringComparison.Ordinal))).ToList();
                    var cases = new List<(string Field, string Mutation, string Path, Dictionary<string, string> Fields)>
                    {
                        ("-", "no fields", path, []),
                    };
                    if (admitted && path != nowhere) cases.Add(("route", "ids matching nothing", nowhere, new(baseline)));
                    if (role == full && baseline.Count == 0 && html.Length > 0) output.WriteLine($"  {handler.Name ?? "(OnPost)"}: no form on the page ({Regex.Count(html, "<form")} forms)");
                    foreach (var field in admitted ? fieldsToBreak : [])
                    {
                        foreach (var (label, value) in Mutations(field.Type, light: role != full))
                        {
                            var fields = new Dictionary<string, string>(baseline) { [field.Name] = value };
                            cases.Add((field.Name, label, path, fields));
                        }
                    }
                    var refused = false;
                    foreach (var (field, mutation, target, fields) in cases)
                    {
                        if (refused) break;
                        posts++;
                        perRole[role] = perRole.GetValueOrDefault(role) + 1;
                        int status;
                        string body;
                        errors.Clear();
                        try
                        {
                            using var response = await client.PostFormAsync(target, handler.Name, fields, token);
                            status = (int)response.StatusCode;
                            body = status >= 500 ? await response.Content.ReadAsStringAsync() : "";
                        }
                        catch (Exception e) when (e is not OutOfMemoryException)
                        {
                            status = 599;
                            body = e.GetType().Name + ": " + e.Message;
                        }
                        // A role the handler refuses outright (403 to the empty post) is refused whatever it sends.
                        // So is, for a role not swept in full, a record the handler does not find (404).
                        refused = field == "-" && (status == (int)HttpStatusCode.Forbidden || (role != full && status == (int)HttpStatusCode.NotFound));
                        if (status >= 500)
                            wrong.AppendLine(CultureInfo.InvariantCulture,
                                $"  {form.Page} {handler.Name ?? "(OnPost)"} {field} [{mutation}] as {role} → {status} {errors.Last ?? Excerpt(body)}");
                    }
                    // A handler may sign the session out (log out, a locked or changed account): the next one gets a fresh session.
                    (client, token) = await sessions.CurrentAsync(role);
                }
            }
        }
        output.WriteLine($"{forms.Count} pages, {forms.Sum(f => f.Handlers.Count)} POST handlers, {posts} posts ({string.Join(", ", perRole.Select(p => $"{p.Key} {p.Value}"))})");
        Assert.True(wrong.Length == 0, "Page forms answering a server error (page, handler, field, mutation, role, status):\n" + wrong);
    }

    /// <summary>
    /// The forms the sweep found answering 500, now refused with a message beside the form: nothing stored, no audit line.
    /// A blank sign-in (its fields bound as null), a checkbox posted "maybe" (the re-shown form could not render it),
    /// a draw without a number (the service trusted the API's validation).
    /// </summary>
    [Fact]
    public async Task TheFormsThatAnswered500_ShowAMessageAndStoreNothing()
    {
        var (section, item) = await app.WithDbAsync(async db => (
            await db.Sections.AsNoTracking().Where(s => s.Active).OrderBy(s => s.Code).Select(s => s.Id).FirstAsync(),
            await db.ServiceItems.AsNoTracking().OrderBy(i => i.Id).Select(i => i.Id).FirstAsync()));
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        // A round still being planned, so its page has the draw form (the demo's round is already running).
        var round = await new Inspections.InspectionKit(app, office).RoundAsync(2026, decide: false);
        var cases = new (HttpClient Client, string Page, string? Handler, Dictionary<string, string> Fields, string Message)[]
        {
            (app.NewClient(), "/Account/Login", null, new() { ["UserName"] = "", ["Password"] = "" }, "请输入用户名和密码。"),
            (office, $"/Org/Section/{section}", "Item", new() { ["Item.ServiceItemId"] = item.ToString(), ["Item.Mandatory"] = "maybe" }, "输入格式有误：Mandatory。"),
            (office, $"/Org/Section/{section}", "Rating", new() { ["Rating.Scale"] = "ThreeLevel", ["Rating.SignedCaseOnly"] = "maybe" }, "输入格式有误：SignedCaseOnly。"),
            (office, $"/Inspections/Round?id={round}", "Draw", new() { ["Draw.Seed"] = "42" }, "抽取数量须为 1 到 100000 之间的整数。"),
        };
        foreach (var (client, page, handler, fields, message) in cases)
        {
            var before = await StoredAsync(section);
            using var response = await client.PostFormAsync(page, handler, fields);
            var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{page} {handler}: {(int)response.StatusCode}");
            Assert.Contains(message, html, StringComparison.Ordinal);
            Assert.Equal(before, await StoredAsync(section));
        }
    }

    /// <summary>What the fixed forms could have stored: audit lines, the section's service items and rating settings, draws.</summary>
    private Task<string> StoredAsync(Guid section) => app.WithDbAsync(async db => string.Join(" ",
        await db.AuditEntries.CountAsync(),
        await db.SectionServiceItems.CountAsync(i => i.SectionId == section),
        await db.Set<Mingcha.Web.Features.Ratings.RatingPoint>().CountAsync(p => p.SectionId == section),
        await db.RoundDraws.CountAsync()));

    /// <summary>The mutations of one field: all of them for the role swept in full, the one most likely to break it for the others.</summary>
    private static IEnumerable<(string Label, string Value)> Mutations(Type type, bool light)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        // Empty matters for text and numbers (a guid, date or choice left empty is the same as one not sent, case (a)).
        IEnumerable<(string, string, bool Light)> all = type switch
        {
            _ when type == typeof(string) => [("empty", "", false), ("5,000 characters", new string('效', 5000), true), ("NUL", "a\0b", false)],
            _ when type == typeof(Guid) => [("not a guid", "not-a-guid", false), ("a guid matching nothing", Guid.NewGuid().ToString(), true)],
            _ when type == typeof(bool) => [("not a bool", "maybe", true)],
            _ when type.IsEnum => [("unknown value", "999", true), ("unknown name", "Nope", false)],
            _ when type == typeof(DateOnly) || type == typeof(DateTime) || type == typeof(DateTimeOffset) =>
                [("impossible date", "2026-13-45", true), ("year 9999", "9999-12-31", false)],
            _ when type == typeof(TimeOnly) || type == typeof(TimeSpan) => [("impossible time", "25:61", true)],
            _ when IsNumber(type) => [("empty", "", false), ("not a number", "x", true), ("negative", "-1", false), ("huge", "99999999999999999999", false)],
            _ => [("5,000 characters", new string('效', 5000), true), ("NUL", "a\0b", false)],
        };
        return all.Where(m => !light || m.Light).Select(m => (m.Item1, m.Item2));
    }

    private static bool IsNumber(Type t) =>
        t == typeof(int) || t == typeof(long) || t == typeof(short) || t == typeof(byte) || t == typeof(decimal) || t == typeof(double) || t == typeof(float);

    private sealed record Field(string Name, Type Type, bool Parameter = false);
    private sealed record Handler(string? Name, IReadOnlyList<Field> Fields);
    private sealed record Form(string Page, string Template, IReadOnlyList<Handler> Handlers, IReadOnlyList<string> Roles, bool Anonymous);

    /// <summary>Every page with a POST handler, read from the app's endpoints and its compiled pages.</summary>
    private async Task<List<Form>> DiscoverAsync()
    {
        var policies = app.Services.GetRequiredService<IAuthorizationPolicyProvider>();
        var forms = new List<Form>();
        foreach (var page in await MappedPage.AllAsync(app.Services))
        {
            var (endpoint, compiled) = (page.Endpoint, page.Compiled);
            var template = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            var routeNames = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var properties = compiled.BoundProperties
                .Where(p => p.BindingInfo?.BindingSource is not { } s || s.IsFromRequest)
                .SelectMany(p => Expand(p.BindingInfo?.BinderModelName ?? p.Name, p.ParameterType, 0))
                .ToList();
            var handlers = compiled.HandlerMethods
                .Where(h => string.Equals(h.HttpMethod, "POST", StringComparison.OrdinalIgnoreCase))
                .Select(h => new Handler(h.Name, properties
                    .Concat(h.Parameters.SelectMany(p => Expand(p.BindingInfo?.BinderModelName ?? p.Name, p.ParameterType, 0)).Select(f => f with { Parameter = true }))
                    .Where(f => !routeNames.Contains(f.Name))
                    .DistinctBy(f => f.Name, StringComparer.OrdinalIgnoreCase)
                    .ToList()))
                .OrderBy(h => h.Name, StringComparer.Ordinal)
                .ToList();
            if (handlers.Count == 0) continue;

            // Roles the page admits: every [Authorize] (and the policies it names) that lists roles must let the role in.
            HashSet<string>? allowed = null;
            foreach (var data in endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>())
            {
                var roles = new HashSet<string>(StringComparer.Ordinal);
                if (!string.IsNullOrEmpty(data.Roles)) roles.UnionWith(data.Roles.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
                if (!string.IsNullOrEmpty(data.Policy) && await policies.GetPolicyAsync(data.Policy) is { } policy)
                    roles.UnionWith(policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles));
                if (roles.Count > 0) allowed = allowed is null ? roles : [.. allowed.Intersect(roles)];
            }
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            forms.Add(new Form(page.ViewPath, template, handlers, allowed?.Order(StringComparer.Ordinal).ToList() ?? [], anonymous));
        }
        return forms;
    }

    /// <summary>The form fields a bound value reads: a simple value its own name, an object its properties ("Input.Name"), a list its items.</summary>
    private static IEnumerable<Field> Expand(string name, Type type, int depth)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(CancellationToken) || typeof(IFormFile).IsAssignableFrom(t) || typeof(IFormFileCollection).IsAssignableFrom(t)) yield break;
        if (IsSimple(t))
        {
            yield return new Field(name, t);
            yield break;
        }
        if (t != typeof(string) && typeof(IEnumerable).IsAssignableFrom(t))
        {
            var item = t.IsArray ? t.GetElementType()! : t.GetInterfaces().Concat([t])
                .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
            if (item is null || typeof(IFormFile).IsAssignableFrom(item)) yield break;
            foreach (var f in IsSimple(Nullable.GetUnderlyingType(item) ?? item) ? [new Field(name, item)] : Expand(name + "[0]", item, depth + 1)) yield return f;
            yield break;
        }
        if (depth >= 3 || !t.IsClass) yield break;
        foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.SetMethod!.IsPublic && p.GetIndexParameters().Length == 0))
            foreach (var f in Expand($"{name}.{p.Name}", p.PropertyType, depth + 1)) yield return f;
    }

    private static bool IsSimple(Type t) =>
        t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(Guid) || t == typeof(DateOnly) || t == typeof(DateTime)
        || t == typeof(DateTimeOffset) || t == typeof(TimeOnly) || t == typeof(TimeSpan);

    /// <summary>
    /// For each page that takes ids in its route, the path of a real record: the first link to it on the other pages,
    /// as the office administrator sees them (a page with none is posted only at ids that match nothing).
    /// </summary>
    private static async Task<Dictionary<string, string>> RealPathsAsync(List<Form> forms, (HttpClient Client, string Token) session)
    {
        var links = new List<string>();
        foreach (var page in forms.Select(f => f.Template).Concat(ListPages).Where(t => !t.Contains('{', StringComparison.Ordinal)).Distinct(StringComparer.Ordinal))
        {
            var html = await PageAsync(session.Client, page);
            links.AddRange(Link().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)));
        }
        var real = new Dictionary<string, string>(StringComparer.Ordinal);
        // A page that takes its record in the query (?id=...) and does not open without it: the first link to it with one.
        foreach (var template in forms.Select(f => f.Template).Where(t => !t.Contains('{', StringComparison.Ordinal)))
        {
            using var response = await session.Client.GetAsync(template);
            if (response.StatusCode != HttpStatusCode.OK && links.FirstOrDefault(l => l.StartsWith(template + "?", StringComparison.OrdinalIgnoreCase)) is { } withQuery)
                real[template] = withQuery;
        }
        // Twice: a record's page links to others (a unit to its sections and staff).
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var template in forms.Select(f => f.Template).Where(t => t.Contains('{', StringComparison.Ordinal) && !real.ContainsKey(t)))
            {
                var pattern = new Regex("^" + Parameter().Replace(OptionalPart().Replace(Regex.Escape(template).Replace(@"\{", "{", StringComparison.Ordinal), ""), m =>
                    m.Groups["constraint"].Value.StartsWith("guid", StringComparison.Ordinal) ? "[0-9a-fA-F-]{36}" : "[^/]+") + "$", RegexOptions.None, TimeSpan.FromSeconds(1));
                if (links.Select(l => l.Split('?')[0]).FirstOrDefault(pattern.IsMatch) is { } link) real[template] = link;
            }
            foreach (var page in real.Values.ToList())
                links.AddRange(Link().Matches(await PageAsync(session.Client, page)).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)));
        }
        return real;
    }

    /// <summary>Lists that link to records but take no form themselves (GET-only pages are not in the form list).</summary>
    private static readonly string[] ListPages = ["/", "/Complaints", "/Inspections", "/Evidence", "/Rectification", "/Org", "/Scoring", "/Ratings/Survey"];

    private static async Task<string> PageAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : "";
    }

    /// <summary>A route template made a path whose ids match nothing: a fresh id for a guid, a word for the rest; optional parts dropped.</summary>
    private static string Concrete(string template, string? real)
    {
        if (real is not null) return real;
        var path = OptionalPart().Replace(template, "");
        path = Parameter().Replace(path, m => m.Groups["constraint"].Value.StartsWith("guid", StringComparison.Ordinal) ? Guid.NewGuid().ToString()
            : m.Groups["constraint"].Value.StartsWith("int", StringComparison.Ordinal) ? "999999" : "nothing");
        return path.Replace("//", "/", StringComparison.Ordinal).TrimEnd('/') is { Length: > 0 } p ? p : "/";
    }

    private static string Excerpt(string body) => body.Length <= 200 ? body : body[..200] + "…";

    [GeneratedRegex(@"/\{[^}]*\?\}")]
    private static partial Regex OptionalPart();

    [GeneratedRegex(@"\{(?<name>[^}:?]+)(:(?<constraint>[^}?]+))?\}")]
    private static partial Regex Parameter();

    [GeneratedRegex("href=\"(/[^\"#]*)")]
    private static partial Regex Link();

    /// <summary>One signed-in session per role, replaced by a fresh one when a handler signed it out.</summary>
    private sealed class Sessions(MingchaApp app, Guid unit)
    {
        private readonly Dictionary<string, (HttpClient Client, string Token)> _sessions = new(StringComparer.Ordinal);

        public async Task<(HttpClient Client, string Token)> ForAsync(string role)
        {
            if (_sessions.TryGetValue(role, out var session)) return session;
            var client = role == Anonymous ? app.NewClient() : await app.ClientAsAsync(role, role == Roles.UnitLiaison ? unit : null);
            var token = "";
            foreach (var page in new[] { "/", "/Account/Manage", "/Account/Login" })
            {
                token = Infrastructure.Pages.AntiforgeryToken(await PageAsync(client, page));
                if (token.Length > 0) break;
            }
            return _sessions[role] = (client, token);
        }

        /// <summary>The role's session, a new one if the current one no longer opens a page signed in.</summary>
        public async Task<(HttpClient Client, string Token)> CurrentAsync(string role)
        {
            var session = await ForAsync(role);
            if (role == Anonymous) return session;
            using var response = await session.Client.GetAsync("/Account/Manage");
            if (response.StatusCode == HttpStatusCode.OK) return session;
            _sessions.Remove(role);
            return await ForAsync(role);
        }
    }

    /// <summary>The app's logged errors, so a 500 in the report names its exception.</summary>
    private sealed class ErrorLog : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _errors = new();

        public string? Last => _errors.LastOrDefault();

        public void Clear() => _errors.Clear();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(ErrorLog log) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (logLevel < LogLevel.Error || exception is null) return;
                var frame = exception.StackTrace?.Split('\n').FirstOrDefault(l => l.Contains("Mingcha.", StringComparison.Ordinal))?.Trim() ?? "";
                log._errors.Enqueue($"{exception.GetType().Name}: {Excerpt(exception.Message)} {frame}");
            }
        }
    }
}
