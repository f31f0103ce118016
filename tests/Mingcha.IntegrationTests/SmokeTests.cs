using System.Net;
using System.Net.Http.Json;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests;

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
    [Trait("Rule", "SEC-1")]
    public async Task Login_WhenOfficeAdminGivesPasswordAndTotp_SeesOwnRoles()
    {
        var client = await app.ClientAsAsync(Roles.OfficeAdmin);
        var me = await client.GetFromJsonAsync<MeDto>("/api/v1/me");
        Assert.NotNull(me);
        Assert.Contains(Roles.OfficeAdmin, me.Roles);
        Assert.True(me.TwoFactorEnabled);
    }

    private sealed record MeDto(string Id, string UserName, string DisplayName, Guid? UnitId, string[] Roles, bool TwoFactorEnabled);
}
