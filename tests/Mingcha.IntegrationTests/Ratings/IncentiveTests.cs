using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Features.Ratings;

namespace Mingcha.IntegrationTests.Ratings;

public sealed class IncentiveTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private sealed record Badge(Guid StaffId, int Year, bool Held, string? RevokedReason, string? FindingLink);
    private sealed record Candidate(Guid Id, string Name, decimal? Rate, int Ratings);
    private sealed record Ranked(int Rank, Candidate Candidate, bool Eligible, string? Reason);

    [Fact]
    [Trait("Rule", "SAT-5")]
    public async Task Badge_WhenViolationConfirmed_IsRevokedWithLinkAndStaffDropsOutOfTheSelection()
    {
        var window = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window).OrderBy(s => s.Code).FirstAsync());
        var staffId = await app.WithDbAsync(db => db.Staff.Where(s => s.UnitId == window.UnitId).OrderBy(s => s.Code).Select(s => s.Id).FirstAsync());
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var started = await office.PostAsync("/api/v1/incentives/2026/badges", null);
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        Assert.True((await office.GetFromJsonAsync<Badge>($"/api/v1/incentives/2026/badges/{staffId}"))!.Held);

        AccountsApi.CreateTokenResponse? token = null;
        await app.WithScopeAsync(async sp => token = await AccountsApi.CreateTokenAsync(new AccountsApi.CreateTokenRequest("device", ["ratings:write", "service-records:write"], window.UnitId, null),
            "test", sp.GetRequiredService<Mingcha.Web.Data.MingchaDb>(), TimeProvider.System, default));
        var device = app.NewClient();
        device.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!.Token);
        (await device.PostAsJsonAsync("/api/v1/service-records", new { caseNumber = "INC-1", sectionId = window.Id, staffId, finishedAt = app.Clock.GetUtcNow().UtcDateTime })).EnsureSuccessStatusCode();
        (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = window.Id, caseNumber = "INC-1", level = 1 })).EnsureSuccessStatusCode();

        var findingId = Guid.NewGuid();
        var revoked = false;
        await app.WithScopeAsync(async sp => revoked = await sp.GetRequiredService<Incentives>()
            .RevokeForConfirmedViolationAsync(staffId, 2026, findingId, $"/findings/{findingId}", "窗口服务态度生硬，经查属实", default));
        Assert.True(revoked);
        var badge = (await office.GetFromJsonAsync<Badge>($"/api/v1/incentives/2026/badges/{staffId}"))!;
        Assert.False(badge.Held);
        Assert.Equal($"/findings/{findingId}", badge.FindingLink);
        await app.WithScopeAsync(async sp => Assert.False(await sp.GetRequiredService<Incentives>()
            .RevokeForConfirmedViolationAsync(staffId, 2026, Guid.NewGuid(), "/findings/x", "again", default)));

        var ranking = (await office.GetFromJsonAsync<List<Ranked>>("/api/v1/incentives/2026/rankings/BestServiceModel"))!;
        var line = Assert.Single(ranking, r => r.Candidate.Id == staffId);
        Assert.False(line.Eligible);
        Assert.Contains("违规", line.Reason);
        Assert.Equal(HttpStatusCode.BadRequest, (await office.GetAsync("/api/v1/incentives/2026/rankings/Nonsense")).StatusCode);

        var noReason = await office.PostAsJsonAsync("/api/v1/incentives/2026/awards", new { kind = "Grievance", subjectId = staffId });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noReason.StatusCode);
        var award = await office.PostAsJsonAsync("/api/v1/incentives/2026/awards", new { kind = "Grievance", subjectId = staffId, reason = "被无理取闹的办事群众辱骂，仍耐心办结" });
        Assert.Equal(HttpStatusCode.Created, award.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync(Roles.UnitLiaison, window.UnitId)).PostAsJsonAsync("/api/v1/incentives/2026/awards",
            new { kind = "Grievance", subjectId = staffId, reason = "x" })).StatusCode);
    }
}
