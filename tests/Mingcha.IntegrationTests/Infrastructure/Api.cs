using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mingcha.IntegrationTests.Infrastructure;

/// <summary>Reading and checking the API's answers as a client would.</summary>
public static class Api
{
    /// <summary>How the app writes JSON: web defaults, enums as strings.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body) => client.PostAsJsonAsync(path, body, Json);

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string path, object body) => client.PutAsJsonAsync(path, body, Json);

    public static Task<HttpResponseMessage> PatchJsonAsync(this HttpClient client, string path, object body) => client.PatchAsJsonAsync(path, body, Json);

    /// <summary>The body as <typeparamref name="T"/>, after checking the status (the body is shown when it is not the expected one).</summary>
    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        await response.ExpectAsync(expected);
        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }

    public static async Task<T> GetAsync<T>(this HttpClient client, string path) => await (await client.GetAsync(path)).ReadAsync<T>();

    /// <summary>Creates through the API (as an Office account) the id of what the answer's body names: <c>{ "id": … }</c>.</summary>
    public static async Task<Guid> CreateAsync(this HttpClient office, string path, object body) =>
        (await (await office.PostJsonAsync(path, body)).ReadAsync<Created>(HttpStatusCode.Created)).Id;

    /// <summary>Two units and a window of the first, coded <paramref name="prefix"/>-A, -B and -W: where a window moves or closes.</summary>
    public static async Task<(Guid UnitA, Guid UnitB, Guid Window)> TwoUnitsAndAWindowAsync(this HttpClient office, string prefix)
    {
        var a = await office.CreateAsync("/api/v1/units", new { code = $"{prefix}-A", name = "甲局" });
        var b = await office.CreateAsync("/api/v1/units", new { code = $"{prefix}-B", name = "乙局" });
        return (a, b, await office.CreateAsync("/api/v1/sections", new { unitId = a, code = $"{prefix}-W", name = "划转窗口", kind = "Window" }));
    }

    private sealed record Created(Guid Id);

    /// <summary>Asserts the status code; a mismatch shows the request and the body.</summary>
    public static async Task ExpectAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
            Assert.Fail($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)expected} {expected}, got {(int)response.StatusCode} {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Asserts an RFC 9457 problem with the status and the SPEC rule ID in its "rule" member; returns it.</summary>
    public static async Task<JsonElement> ExpectRuleAsync(this HttpResponseMessage response, HttpStatusCode expected, string rule)
    {
        var problem = await response.ExpectProblemAsync(expected);
        Assert.True(problem.TryGetProperty("rule", out var r) && r.GetString() == rule, $"Expected rule {rule} in {problem}");
        return problem;
    }

    /// <summary>Asserts a 400 validation problem whose errors name <paramref name="field"/> (JSON name, any case); returns it.</summary>
    public static async Task<JsonElement> ExpectFieldErrorAsync(this HttpResponseMessage response, string field)
    {
        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(NamesField(problem, field), $"Expected an error naming '{field}' in {problem}");
        return problem;
    }

    public static bool NamesField(JsonElement problem, string field) =>
        problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object
        && errors.EnumerateObject().Any(e => string.Equals(e.Name, field, StringComparison.OrdinalIgnoreCase)
            || e.Name.StartsWith(field + ".", StringComparison.OrdinalIgnoreCase) || e.Name.StartsWith(field + "[", StringComparison.OrdinalIgnoreCase));

    /// <summary>Asserts the status and that the body is a problem document (application/problem+json with status); returns it.</summary>
    public static async Task<JsonElement> ExpectProblemAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        await response.ExpectAsync(expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        return problem;
    }
}
