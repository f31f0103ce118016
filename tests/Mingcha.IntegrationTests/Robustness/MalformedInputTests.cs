using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests.Robustness;

/// <summary>
/// Bad input is the client's error, never the server's: every /api/v1 endpoint of <see cref="ApiCatalog"/> gets
/// garbage bodies, each field of a valid body broken in turn, and ids and query values that match nothing.
/// Each call is made as a role allowed to make it, so the body is actually read.
/// </summary>
public sealed partial class MalformedInputTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    [Fact]
    public async Task EveryWriteEndpoint_WhenTheBodyIsGarbage_AnswersAClientErrorNever500()
    {
        var (seed, clients) = await PrepareAsync();
        var wrong = new StringBuilder();
        var n = 0;
        foreach (var endpoint in ApiCatalog.Endpoints.Where(e => e.Method != HttpMethod.Get))
        {
            var client = await clients.ForAsync(endpoint.Access);
            foreach (var (label, content, jsonExpected) in GarbageBodies())
            {
                var call = endpoint.Call(seed, ++n);
                using var response = await client.SendAsync(new HttpRequestMessage(call.Method, call.Path) { Content = content() });
                var status = (int)response.StatusCode;
                // An endpoint that reads JSON must say 400 (or 415 for a body that is not JSON at all).
                var ok = call.Json is null ? status < 500 : status == jsonExpected || (jsonExpected == 415 && status == 400);
                if (!ok) wrong.AppendLine(CultureInfo.InvariantCulture, $"  {endpoint.Key,-48} {label,-14} → {status} {Excerpt(await response.Content.ReadAsStringAsync())}");
            }
        }
        Assert.True(wrong.Length == 0, "Garbage bodies not answered with a client error:\n" + wrong);
    }

    [Fact]
    public async Task EveryWriteEndpoint_WhenOneFieldIsBroken_AnswersAClientErrorNamingItNever500()
    {
        var (seed, clients) = await PrepareAsync();
        var wrong = new StringBuilder();
        var n = 0;
        foreach (var endpoint in ApiCatalog.Endpoints.Where(e => e.Call(seed, 0).Json is not null))
        {
            var client = await clients.ForAsync(endpoint.Access);
            var fields = JsonNode.Parse(endpoint.Call(seed, 0).Json!)!.AsObject().Select(p => (p.Key, Kind: p.Value?.GetValueKind())).ToList();
            foreach (var (field, kind) in fields)
            {
                foreach (var (label, mutate, mustNameField) in Mutations(kind))
                {
                    var call = endpoint.Call(seed, ++n);
                    var body = JsonNode.Parse(call.Json!)!.AsObject();
                    mutate(body, field);
                    using var response = await client.SendAsync(new HttpRequestMessage(call.Method, call.Path) { Content = Api.JsonBody(body.ToJsonString()) });
                    var status = (int)response.StatusCode;
                    var text = await response.Content.ReadAsStringAsync();
                    var ok = status < 500 && (!mustNameField || (status == 400 && Api.NamesField(JsonDocument.Parse(text).RootElement, field)));
                    if (!ok) wrong.AppendLine(CultureInfo.InvariantCulture, $"  {endpoint.Key,-48} {field,-16} {label,-12} → {status} {Excerpt(text)}");
                }
            }
        }
        Assert.True(wrong.Length == 0, "Broken fields not answered with a client error naming them:\n" + wrong);
    }

    [Fact]
    public async Task EveryEndpoint_WhenIdsOrQueryValuesMatchNothing_AnswersAClientErrorNever500()
    {
        var (seed, clients) = await PrepareAsync();
        var wrong = new StringBuilder();
        var n = 0;
        foreach (var endpoint in ApiCatalog.Endpoints)
        {
            var client = await clients.ForAsync(endpoint.Access);
            var valid = endpoint.Call(seed, ++n);
            var variants = new List<(string Label, string Path)>();
            if (GuidPattern().IsMatch(valid.Path))
            {
                variants.Add(("unknown id", GuidPattern().Replace(valid.Path, _ => Guid.NewGuid().ToString())));
                variants.Add(("malformed id", GuidPattern().Replace(valid.Path, "not-an-id")));
            }
            var query = valid.Path.IndexOf('?', StringComparison.Ordinal);
            if (query >= 0)
            {
                // One parameter at a time, the others left valid, so that each value reaches the handler.
                var parameters = valid.Path[(query + 1)..].Split('&');
                for (var i = 0; i < parameters.Length; i++)
                {
                    var name = parameters[i].Split('=')[0];
                    foreach (var value in new[] { "garbage", "99999999999999999999", "-1", "", "a\0b", new string('长', 3000) })
                    {
                        var changed = parameters.Select((p, j) => j == i ? $"{name}={Uri.EscapeDataString(value)}" : p);
                        variants.Add(($"{name}={(value.Length > 20 ? "long" : value.Replace("\0", "\\0", StringComparison.Ordinal))}", valid.Path[..(query + 1)] + string.Join('&', changed)));
                    }
                }
                variants.Add(("no query", valid.Path[..query]));
            }
            foreach (var (label, path) in variants)
            {
                var call = valid with { Path = path };
                using var response = await client.SendAsync(call.ToRequest());
                if ((int)response.StatusCode >= 500)
                    wrong.AppendLine(CultureInfo.InvariantCulture, $"  {endpoint.Key,-48} {label,-22} {path} → {(int)response.StatusCode} {Excerpt(await response.Content.ReadAsStringAsync())}");
            }
        }
        Assert.True(wrong.Length == 0, "Unknown ids or odd query values answered with a server error:\n" + wrong);
    }

    private async Task<(ApiSeed Seed, RoleClients Clients)> PrepareAsync()
    {
        var seed = await ApiSeed.CreateAsync(app);
        return (seed, new RoleClients(app, seed));
    }

    /// <summary>Bodies no endpoint can make sense of, and what an endpoint that reads JSON must answer.</summary>
    private static IEnumerable<(string Label, Func<HttpContent> Content, int JsonExpected)> GarbageBodies()
    {
        yield return ("unclosed", () => Api.JsonBody("{"), 400);
        yield return ("truncated", () => Api.JsonBody("""{"name":"""), 400);
        yield return ("array", () => Api.JsonBody("[]"), 400);
        yield return ("null", () => Api.JsonBody("null"), 400);
        yield return ("string", () => Api.JsonBody("\"文本\""), 400);
        yield return ("number", () => Api.JsonBody("42"), 400);
        yield return ("empty", () => Api.JsonBody(""), 400);
        yield return ("deep", () => Api.JsonBody(new string('[', 5000)), 400);
        yield return ("bad utf-8", () => new ByteArrayContent([.. "{\"name\":\""u8, 0xff, 0xfe, .. "\"}"u8]) { Headers = { { "Content-Type", "application/json" } } }, 400);
        yield return ("text/plain", () => new StringContent("just some text", Encoding.UTF8, "text/plain"), 415);
        yield return ("binary", () => new ByteArrayContent([0, 1, 2, 3, 0xff]) { Headers = { { "Content-Type", "application/octet-stream" } } }, 415);
    }

    /// <summary>Ways to break one field; the wrong type must be refused naming the field, the rest only never as a server error.</summary>
    private static IEnumerable<(string Label, Action<JsonObject, string> Mutate, bool MustNameField)> Mutations(JsonValueKind? kind)
    {
        yield return ("wrong type", (o, f) => o[f] = JsonNode.Parse("""{"unexpected":[1]}"""), true);
        yield return ("null", (o, f) => o[f] = null, false);
        yield return ("missing", (o, f) => o.Remove(f), false);
        switch (kind)
        {
            case JsonValueKind.String:
                yield return ("huge", (o, f) => o[f] = new string('长', 5000), false);
                yield return ("blank", (o, f) => o[f] = "   ", false);
                yield return ("nul", (o, f) => o[f] = "a\u0000b", true);
                yield return ("control", (o, f) => o[f] = "a\u0007b\u202e", false);
                break;
            case JsonValueKind.Number:
                yield return ("negative", (o, f) => o[f] = -1, false);
                yield return ("max", (o, f) => o[f] = int.MaxValue, false);
                yield return ("too big", (o, f) => o[f] = JsonNode.Parse("1e40"), false);
                break;
            case JsonValueKind.Array:
                yield return ("huge item", (o, f) => o[f] = new JsonArray(new string('长', 5000)), false);
                yield return ("many items", (o, f) => o[f] = new JsonArray(Enumerable.Range(0, 2000).Select(i => (JsonNode?)JsonValue.Create(Guid.NewGuid().ToString())).ToArray()), false);
                break;
        }
    }

    private static string Excerpt(string body) => body.Length <= 200 ? body : body[..200] + "…";

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex GuidPattern();

    /// <summary>One signed-in session per role (made on first use) and an anonymous client; cookies are sent, never updated.</summary>
    private sealed class RoleClients(MingchaApp app, ApiSeed seed)
    {
        private readonly Dictionary<string, HttpClient> _clients = [];

        public async Task<HttpClient> ForAsync(Access access)
        {
            if (access.Anonymous) return ApiCatalog.ClientWithCookies(app, null);
            if (access.TokenScope is { } scope)
            {
                // A fresh machine token per endpoint, bound to the seeded unit: devices are rate limited per token.
                var system = await app.ClientAsAsync(Roles.SystemAdmin);
                var created = await system.PostJsonAsync("/api/v1/tokens", new { name = "malformed " + Guid.NewGuid().ToString("N")[..6], scopes = new[] { scope }, unitId = seed.UnitId });
                var token = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString();
                var device = ApiCatalog.ClientWithCookies(app, null);
                device.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
                return device;
            }
            // Prefer the office administrator; otherwise the first role allowed (e.g. the system administrator for accounts).
            var role = access.Roles.Contains(Roles.OfficeAdmin) ? Roles.OfficeAdmin : Roles.All.First(access.Roles.Contains);
            if (!_clients.TryGetValue(role, out var client))
            {
                var cookie = await ApiCatalog.SessionCookieAsync(app, role, Roles.IsUnitBound(role) ? seed.UnitId : null);
                _clients[role] = client = ApiCatalog.ClientWithCookies(app, cookie);
            }
            return client;
        }
    }
}
