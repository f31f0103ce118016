using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests;

/// <summary>The app as it starts for a new user: the demo city loaded, health and the API description served.</summary>
public sealed class SmokeTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    [Fact]
    public async Task Health_WhenDatabaseIsUp_ReportsHealthy()
    {
        var response = await app.NewClient().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OpenApi_WhenRequestedAnonymously_DescribesEveryApiEndpoint()
    {
        var response = await app.NewClient().GetAsync("/openapi/v1.json");
        await response.ExpectAsync(HttpStatusCode.OK);
        var document = await response.Content.ReadFromJsonAsync<JsonElement>();

        var described = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(op => $"{op.Name.ToUpperInvariant()} {p.Name}"))
            .ToHashSet(StringComparer.Ordinal);
        // The route table writes constraints into parameters ({id:guid}); the document does not.
        var missing = ApiCatalog.MappedEndpoints(app.Services)
            .Select(e => System.Text.RegularExpressions.Regex.Replace(e, @"\{(\w+):[^}]+\}", "{$1}"))
            .Where(e => !described.Contains(e)).ToList();
        Assert.True(missing.Count == 0, "Not in /openapi/v1.json: " + string.Join(", ", missing));
        Assert.Contains(described, d => d.StartsWith("GET /api/v1/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OpenApi_WhenDescribingBodiesAndResults_GivesEveryPropertyAType()
    {
        var document = await app.NewClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var schemas = document.GetProperty("components").GetProperty("schemas");
        var untyped = schemas.EnumerateObject()
            .SelectMany(s => s.Value.TryGetProperty("properties", out var props) ? props.EnumerateObject().Select(p => (Schema: s.Name, Property: p)) : [])
            .Where(x => !new[] { "type", "$ref", "allOf", "anyOf", "oneOf" }.Any(k => x.Property.Value.TryGetProperty(k, out _)))
            .Select(x => $"{x.Schema}.{x.Property.Name}").ToList();
        Assert.True(untyped.Count == 0, "Properties the API description gives no type: " + string.Join(", ", untyped));
        Assert.Equal("string", schemas.GetProperty("CreateUnit").GetProperty("properties").GetProperty("code").GetProperty("type").GetString());
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task Login_WhenOfficeAdminGivesPasswordAndTotp_SeesOwnRoles()
    {
        var client = await app.ClientAsAsync(Roles.OfficeAdmin);
        var me = await client.GetFromJsonAsync<MeDto>("/api/v1/me");
        Assert.NotNull(me);
        Assert.Contains(Roles.OfficeAdmin, me.Roles);
        Assert.True(me.TwoFactorEnabled);
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task DemoCity_WhenLoaded_RanksItsUnitsInTheTwoCategoriesOfS4()
    {
        var client = await app.ClientAsAsync(Roles.Leader);

        var categories = await client.GetAsync<List<CategoryDto>>($"/api/v1/categories?year={MingchaApp.Start.Year}");

        Assert.Equal([("行政执法类", 14), ("综合管理类", 18)], categories.OrderBy(c => c.Units).Select(c => (c.Name, c.Units)));
    }

    private sealed record MeDto(string Id, string UserName, string DisplayName, Guid? UnitId, string[] Roles, bool TwoFactorEnabled);
    private sealed record CategoryDto(Guid Id, string Code, string Name, int Units);
}
