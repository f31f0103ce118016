using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests.Security;

/// <summary>Bearer tokens for devices and integrations (SEC-1): shown once, stored hashed, revocable, expiring.</summary>
public sealed class ApiTokenTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    /// <summary>An endpoint any authenticated caller may read: authentication, not a role, decides the answer.</summary>
    private const string SignedInEndpoint = "/api/v1/calendar/years";

    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task CreateToken_WhenScopesAreKnown_ShowsTheSecretOnceAndStoresOnlyItsHash()
    {
        var system = await app.ClientAsAsync(Roles.SystemAdmin);
        var name = $"评价器-{Guid.NewGuid():N}";

        var created = await (await system.PostJsonAsync("/api/v1/tokens", new { name, scopes = new[] { "ratings:write", "org:read" }, expiresInDays = 30 }))
            .ReadAsync<CreatedTokenDto>(HttpStatusCode.Created);

        Assert.StartsWith($"mct_{created.Id:N}_", created.Token, StringComparison.Ordinal);
        var secret = created.Token[$"mct_{created.Id:N}_".Length..];
        Assert.True(secret.Length >= 32, "the secret is long enough not to be guessed");

        // The row, read behind the app's back: no column holds the secret; the hash is SHA-256 of it.
        var row = await RawRowAsync(name);
        Assert.DoesNotContain(row.Values, v => v.Contains(secret, StringComparison.Ordinal));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret))), row["SecretHash"]);
        Assert.Equal("ratings:write org:read", row["Scopes"]);

        // Listing tokens shows them without any secret; nothing shows the secret again.
        var listed = await system.GetAsync("/api/v1/tokens");
        var text = await listed.Content.ReadAsStringAsync();
        await listed.ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(name, text, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(row["SecretHash"], text, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task Token_WhenSentAsBearer_AuthenticatesUntilRevokedAndNotAfter()
    {
        var system = await app.ClientAsAsync(Roles.SystemAdmin);
        var created = await (await system.PostJsonAsync("/api/v1/tokens", new { name = "12345 热线", scopes = new[] { "complaints:write" } }))
            .ReadAsync<CreatedTokenDto>(HttpStatusCode.Created);

        await (await Bearer(null).GetAsync(SignedInEndpoint)).ExpectAsync(HttpStatusCode.Unauthorized);
        await (await Bearer(created.Token).GetAsync(SignedInEndpoint)).ExpectAsync(HttpStatusCode.OK);
        await (await Bearer(created.Token[..^1] + (created.Token[^1] == '0' ? '1' : '0')).GetAsync(SignedInEndpoint)).ExpectAsync(HttpStatusCode.Unauthorized);
        await (await Bearer($"mct_{Guid.NewGuid():N}_{new string('a', 64)}").GetAsync(SignedInEndpoint)).ExpectAsync(HttpStatusCode.Unauthorized);
        await (await Bearer("not-a-token").GetAsync(SignedInEndpoint)).ExpectAsync(HttpStatusCode.Unauthorized);

        await (await system.PostAsync($"/api/v1/tokens/{created.Id}/revoke", null)).ExpectAsync(HttpStatusCode.NoContent);

        await (await Bearer(created.Token).GetAsync(SignedInEndpoint)).ExpectAsync(HttpStatusCode.Unauthorized);
        var listed = await system.GetAsync<List<TokenDto>>("/api/v1/tokens");
        Assert.NotNull(listed.Single(t => t.Id == created.Id).RevokedAt);
        var audit = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.EntityType == "ApiToken" && a.EntityKey == created.Id.ToString()).Select(a => a.Action).ToListAsync());
        Assert.Equal(["token.create", "token.revoke"], audit);
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task Token_WhenPastItsExpiry_IsRefused()
    {
        var system = await app.ClientAsAsync(Roles.SystemAdmin);
        var created = await (await system.PostJsonAsync("/api/v1/tokens", new { name = "一天", scopes = new[] { "org:read" }, expiresInDays = 1 }))
            .ReadAsync<CreatedTokenDto>(HttpStatusCode.Created);
        await (await Bearer(created.Token).GetAsync(SignedInEndpoint)).ExpectAsync(HttpStatusCode.OK);

        app.Clock.Advance(TimeSpan.FromHours(23));
        await (await Bearer(created.Token).GetAsync(SignedInEndpoint)).ExpectAsync(HttpStatusCode.OK);
        app.Clock.Advance(TimeSpan.FromHours(2));

        await (await Bearer(created.Token).GetAsync(SignedInEndpoint)).ExpectAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [Trait("Rule", "SEC-1")]
    [InlineData("""{"name":"x","scopes":["org:read","admin:everything"]}""", "scopes")]
    [InlineData("""{"name":"x","scopes":[]}""", "scopes")]
    [InlineData("""{"name":"x","scopes":["org:read"],"expiresInDays":0}""", "expiresInDays")]
    [InlineData("""{"name":"x","scopes":["org:read"],"unitId":"0199a1b2-0000-7000-8000-000000000000"}""", "unitId")]
    [InlineData("""{"scopes":["org:read"]}""", "name")]
    public async Task CreateToken_WhenRequestIsInvalid_Refuses400NamingTheField(string body, string field)
    {
        var system = await app.ClientAsAsync(Roles.SystemAdmin);
        var before = await app.WithDbAsync(db => db.ApiTokens.CountAsync());

        var response = await system.PostAsync("/api/v1/tokens", Api.JsonBody(body));

        await response.ExpectFieldErrorAsync(field);
        Assert.Equal(before, await app.WithDbAsync(db => db.ApiTokens.CountAsync()));
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task CreateToken_WhenScopesRepeat_KeepsEachScopeOnce()
    {
        var system = await app.ClientAsAsync(Roles.SystemAdmin);
        var name = $"重复-{Guid.NewGuid():N}";

        var response = await system.PostJsonAsync("/api/v1/tokens", new { name, scopes = Enumerable.Repeat("service-records:write", 40).Append("org:read").ToArray() });

        await response.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("service-records:write org:read", (await RawRowAsync(name))["Scopes"]);
    }

    private HttpClient Bearer(string? token)
    {
        var client = app.NewClient();
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<Dictionary<string, string>> RawRowAsync(string name)
    {
        await using var connection = await app.Database.OpenConnectionAsync();
        await using var cmd = TestDatabase.Command(connection, """SELECT * FROM "ApiTokens" WHERE "Name" = @p0""", name);
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, i => reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)!);
    }

    private sealed record CreatedTokenDto(Guid Id, string Token);
    private sealed record TokenDto(Guid Id, string Name, DateTime? RevokedAt);
}
