using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Features.Ratings;

namespace Mingcha.IntegrationTests.Ratings;

/// <summary>
/// The rating devices' lean path (decision 008): a token held in memory is answered before routing and the
/// ordinary authentication. Every check of the ordinary endpoint must hold there too, and a revocation must take
/// effect at once on this instance and at the next reload for a revocation made elsewhere.
/// </summary>
public sealed class DevicePathTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private sealed record Window(Guid Id, Guid UnitId);

    private DeviceTokenCache Cache => app.Services.GetRequiredService<DeviceTokenCache>();

    private async Task<Window> WindowAsync(int n) => await app.WithDbAsync(async db =>
    {
        var w = await db.Sections.Where(s => s.Kind == SectionKind.Window && s.ParentSectionId != null).OrderBy(s => s.Code).Skip(n - 1).FirstAsync();
        return new Window(w.Id, w.UnitId);
    });

    /// <summary>A device token loaded into memory, so its requests take the fast path.</summary>
    private async Task<(HttpClient Client, Guid TokenId, string Token)> LoadedDeviceAsync(Guid unitId)
    {
        AccountsApi.CreateTokenResponse? t = null;
        await app.WithScopeAsync(async sp => t = await AccountsApi.CreateTokenAsync(
            new AccountsApi.CreateTokenRequest("fast " + Guid.NewGuid().ToString("N")[..6], ["ratings:write"], unitId, null),
            "test", sp.GetRequiredService<MingchaDb>(), TimeProvider.System, default));
        await Cache.ReloadAsync(default);
        Assert.True(Cache.Knows(t!.Id));
        var client = app.NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", t.Token);
        return (client, t.Id, t.Token);
    }

    private static string NewCase() => "FP" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();

    private static async Task<string?> RuleOf(HttpResponseMessage r) =>
        JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.TryGetProperty("rule", out var p) ? p.GetString() : null;

    private static async Task<bool> NamesField(HttpResponseMessage r, string field) =>
        JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.TryGetProperty("errors", out var e)
        && e.EnumerateObject().Any(p => p.Name.Equals(field, StringComparison.OrdinalIgnoreCase));

    [Fact]
    [Trait("Rule", "SAT-1")]
    [Trait("Rule", "SAT-8")]
    public async Task FastPath_WhenTokenIsInMemory_KeepsEveryCheckOfTheEndpoint()
    {
        var w = await WindowAsync(4);
        var (device, tokenId, token) = await LoadedDeviceAsync(w.UnitId);
        var caseNo = NewCase();

        var ok = await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, caseNumber = caseNo, level = 1 });
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        var id = JsonDocument.Parse(await ok.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/ratings/{id}", ok.Headers.Location?.OriginalString);

        // One rating per case and channel.
        var dup = await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, caseNumber = caseNo, level = 3 });
        Assert.Equal(HttpStatusCode.Conflict, dup.StatusCode);
        Assert.Equal("SAT-8", await RuleOf(dup));
        // The level within its scale, the time not in the future, the window existing and of the token's unit.
        var level = await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, caseNumber = NewCase(), level = 4 });
        Assert.Equal(HttpStatusCode.BadRequest, level.StatusCode);
        Assert.True(await NamesField(level, "level"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await device.PostAsJsonAsync("/api/v1/ratings",
            new { sectionId = w.Id, caseNumber = NewCase(), level = 1, ratedAt = app.Clock.GetUtcNow().UtcDateTime.AddDays(1) })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = Guid.NewGuid(), level = 1 })).StatusCode);
        var otherUnit = await app.WithDbAsync(db => db.Sections.Where(s => s.UnitId != w.UnitId).Select(s => s.Id).FirstAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = otherUnit, level = 1 })).StatusCode);
        // SAT-8: the staff member named must be one of the window's unit (another unit's person, or nobody, is refused naming the field).
        var otherStaff = await app.WithDbAsync(db => db.Staff.Where(s => s.UnitId != w.UnitId).OrderBy(s => s.Code).Select(s => s.Id).FirstAsync());
        foreach (var staff in new[] { otherStaff, Guid.NewGuid() })
        {
            var wrongStaff = await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, caseNumber = NewCase(), level = 1, staffId = staff });
            Assert.Equal(HttpStatusCode.BadRequest, wrongStaff.StatusCode);
            Assert.True(await NamesField(wrongStaff, "staffId"));
        }

        // Bodies that are not clean JSON are explained by the ordinary endpoint, naming the field.
        var wrongType = await device.PostAsync("/api/v1/ratings", new StringContent($$"""{"sectionId":"{{w.Id}}","level":"x"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.True(await NamesField(wrongType, "level"));
        var nul = await device.PostAsync("/api/v1/ratings", new StringContent($$"""{"sectionId":"{{w.Id}}","caseNumber":"A\u0000B","level":1}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
        Assert.True(await NamesField(nul, "caseNumber"));
        Assert.Equal(HttpStatusCode.BadRequest, (await device.PostAsync("/api/v1/ratings", new StringContent("{", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await device.PostAsync("/api/v1/ratings", new StringContent("level=1", Encoding.UTF8, "text/plain"))).StatusCode);

        // The right token id with a wrong secret is not that device.
        var forged = app.NewClient();
        forged.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token[..^4] + "0000");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, caseNumber = NewCase(), level = 1 })).StatusCode);

        var stored = await app.WithDbAsync(db => db.Ratings.Where(r => r.DeviceId == tokenId).ToListAsync());
        var rating = Assert.Single(stored);
        Assert.Equal(id, rating.Id);
        Assert.Equal(caseNo, rating.CaseNumber);
        // A staff member of the unit is recorded with the rating.
        var ownStaff = await app.WithDbAsync(db => db.Staff.Where(s => s.UnitId == w.UnitId).OrderBy(s => s.Code).Select(s => s.Id).FirstAsync());
        var named = await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, caseNumber = NewCase(), level = 1, staffId = ownStaff });
        Assert.Equal(HttpStatusCode.Created, named.StatusCode);
        var namedId = JsonDocument.Parse(await named.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        Assert.Equal(ownStaff, await app.WithDbAsync(db => db.Ratings.Where(r => r.Id == namedId).Select(r => r.StaffId).SingleAsync()));

        // SEC-3: the batch's audit line joins the chain, which stays intact.
        var report = await app.WithDbAsync(db => new Mingcha.Web.Features.Audit.AuditVerifier(db).VerifyAsync());
        Assert.True(report.IsIntact, report.FirstBreak?.ToString());
        var sealedBatch = await app.WithDbAsync(db => db.AuditEntries.Where(a => a.Action == "ratings.store" && a.EntityKey!.StartsWith(id.ToString())).ToListAsync());
        Assert.Contains(sealedBatch, a => a.After!.Contains("\"sha256\"", StringComparison.Ordinal));
        // The seal can be recomputed from the table: its own batch when it sealed this rating alone.
        if (sealedBatch.SingleOrDefault(a => a.EntityKey == $"{id}..{id}") is { } alone)
        {
            var line = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{rating.Id}|{rating.CaseNumber}|{rating.UnitId}|{rating.SectionId}|{rating.Channel}|{rating.Scale}|{rating.Level}|{DateTime.SpecifyKind(rating.RatedAt, DateTimeKind.Utc):O}\n");
            var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(line)));
            Assert.Equal(expected, JsonDocument.Parse(alone.After!).RootElement.GetProperty("sha256").GetString());
        }
    }

    [Fact]
    [Trait("Rule", "SAT-9")]
    public async Task FastPath_WhenOneDeviceFloods_GetsTooManyRequestsAndExtraRatingsAreNotStored()
    {
        var w = await WindowAsync(5);
        var (device, tokenId, _) = await LoadedDeviceAsync(w.UnitId);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 45; i++)
            statuses.Add((await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, caseNumber = NewCase(), level = 2 })).StatusCode);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        var created = statuses.Count(s => s == HttpStatusCode.Created);
        Assert.InRange(created, 1, 35);
        Assert.Equal(created, await app.WithDbAsync(db => db.Ratings.CountAsync(r => r.DeviceId == tokenId)));
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task FastPath_WhenTokenIsRevokedHere_IsRefusedAtOnce()
    {
        var w = await WindowAsync(4);
        var (device, tokenId, _) = await LoadedDeviceAsync(w.UnitId);
        Assert.Equal(HttpStatusCode.Created, (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, caseNumber = NewCase(), level = 1 })).StatusCode);

        var system = await app.ClientAsAsync(Mingcha.Domain.Security.Roles.SystemAdmin);
        Assert.Equal(HttpStatusCode.NoContent, (await system.PostAsync($"/api/v1/tokens/{tokenId}/revoke", null)).StatusCode);

        Assert.False(Cache.Knows(tokenId));
        var caseNo = NewCase();
        Assert.Equal(HttpStatusCode.Unauthorized, (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, caseNumber = caseNo, level = 1 })).StatusCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.Ratings.CountAsync(r => r.CaseNumber == caseNo)));
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task FastPath_WhenTokenIsRevokedByAnotherInstance_IsRefusedAfterTheNextReloadWithinSeconds()
    {
        var w = await WindowAsync(4);
        var (device, tokenId, _) = await LoadedDeviceAsync(w.UnitId);
        Assert.Equal(HttpStatusCode.Created, (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, caseNumber = NewCase(), level = 1 })).StatusCode);

        // Another instance revokes: only the database changes, this instance hears nothing.
        var revokedAt = DateTime.UtcNow;
        await app.WithDbAsync(db => db.ApiTokens.Where(t => t.Id == tokenId).ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, revokedAt)));

        // The background reload (every 2 s) drops it; the ordinary path's own cache holds a token for 5 s at most.
        HttpStatusCode status;
        var attempts = 0;
        string caseNo;
        do
        {
            await Task.Delay(250);
            caseNo = NewCase();
            status = (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, caseNumber = caseNo, level = 1 })).StatusCode;
        }
        while (status == HttpStatusCode.Created && ++attempts < 120);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.False(Cache.Knows(tokenId));
        Assert.Equal(0, await app.WithDbAsync(db => db.Ratings.CountAsync(r => r.CaseNumber == caseNo)));
    }

    [SqliteOnlyFact]
    [Trait("Rule", "SAT-8")]
    public async Task Rating_WhenAnotherConnectionHoldsTheWriteLock_IsStoredOnceTheLockIsFreed()
    {
        // The writer's BEGIN IMMEDIATE meets another write transaction (an import, the aftercare): it waits for it
        // and then stores the rating, rather than failing the batch or waiting in SQLite's growing sleeps.
        var w = await WindowAsync(4);
        var (device, _, _) = await LoadedDeviceAsync(w.UnitId);
        var caseNo = NewCase();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
        await db.Database.OpenConnectionAsync();
        await using (var begin = db.Database.GetDbConnection().CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync();
        }
        var post = device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, caseNumber = caseNo, level = 1 });
        await Task.Delay(400);
        Assert.False(post.IsCompleted); // not answered while it cannot be committed
        await using (var commit = db.Database.GetDbConnection().CreateCommand())
        {
            commit.CommandText = "COMMIT";
            await commit.ExecuteNonQueryAsync();
        }
        var r = await post.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        Assert.Equal(1, await app.WithDbAsync(d => d.Ratings.CountAsync(x => x.CaseNumber == caseNo)));
    }

    /// <summary>
    /// A device's time with an offset is the instant it names, one without is office time: both are stored as that UTC
    /// instant, and the bad one still opens its follow-up case (SAT-7) and both are judged for opening hours (SAT-9).
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-8")]
    [Trait("Rule", "SAT-7")]
    [Trait("Rule", "SAT-9")]
    public async Task FastPath_WhenRatedAtHasAnOffsetOrNone_StoresTheUtcInstantAndTheAftercareRuns()
    {
        var w = await WindowAsync(6);
        var (device, tokenId, _) = await LoadedDeviceAsync(w.UnitId);
        var beijing = TimeSpan.FromHours(8);
        // Yesterday 21:30 in Beijing: within seven days, after closing (SAT-9 OutsideOpeningHours).
        var local = app.Clock.GetUtcNow().ToOffset(beijing).Date.AddDays(-1).AddHours(21).AddMinutes(30);
        var expectedUtc = new DateTimeOffset(local, beijing).UtcDateTime;
        var withOffset = NewCase();
        var withoutOffset = NewCase();
        var text = local.ToString("yyyy-MM-dd'T'HH':'mm':'ss", System.Globalization.CultureInfo.InvariantCulture);

        var bad = await device.PostAsync("/api/v1/ratings", new StringContent(
            $$"""{"sectionId":"{{w.Id}}","caseNumber":"{{withOffset}}","level":3,"ratedAt":"{{text}}+08:00"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, bad.StatusCode);
        var badId = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        var plain = await device.PostAsync("/api/v1/ratings", new StringContent(
            $$"""{"sectionId":"{{w.Id}}","caseNumber":"{{withoutOffset}}","level":1,"ratedAt":"{{text}}"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, plain.StatusCode);

        var stored = await app.WithDbAsync(db => db.Ratings.AsNoTracking().Where(r => r.DeviceId == tokenId).Select(r => new { r.Id, r.RatedAt }).ToListAsync());
        Assert.Equal(2, stored.Count);
        Assert.All(stored, r => Assert.Equal(expectedUtc, DateTime.SpecifyKind(r.RatedAt, DateTimeKind.Utc)));

        // The list's from and to without an offset are office time too (21:00 to 22:00 in Beijing), whatever the server's zone.
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        string Hour(int h) => local.Date.AddHours(h).ToString("yyyy-MM-dd'T'HH':'mm':'ss", System.Globalization.CultureInfo.InvariantCulture);
        var listed = JsonDocument.Parse(await office.GetStringAsync($"/api/v1/ratings?unitId={w.UnitId}&from={Hour(21)}&to={Hour(22)}")).RootElement;
        Assert.Equal(2, listed.GetArrayLength());
        listed = JsonDocument.Parse(await office.GetStringAsync($"/api/v1/ratings?unitId={w.UnitId}&from={Hour(13)}&to={Hour(14)}")).RootElement;
        Assert.Equal(0, listed.GetArrayLength()); // the same hours read as UTC would have found them

        // The aftercare pass is not skipped: the bad rating's case is opened, and both are flagged outside opening hours.
        await RatingsTests.WaitForAsync(() => app.WithDbAsync(db => db.FollowUpCases.AsNoTracking().FirstOrDefaultAsync(f => f.RatingId == badId)));
        var ids = stored.Select(r => r.Id).ToList();
        await RatingsTests.WaitForAsync(async () => await app.WithDbAsync(db => db.RatingFlags.CountAsync(f => ids.Contains(f.RatingId) && f.Rule == "OutsideOpeningHours")) == 2 ? "both" : null);
    }

    /// <summary>An undefined scale number (the enum converter accepts numbers) is refused naming the field, nothing stored: else an 不满意 escaped SAT-7.</summary>
    [Fact]
    [Trait("Rule", "SAT-7")]
    [Trait("Rule", "SAT-1")]
    public async Task FastPath_WhenScaleIsAnUndefinedNumber_IsRefusedNamingScaleAndNothingIsStored()
    {
        var w = await WindowAsync(7);
        var (device, tokenId, _) = await LoadedDeviceAsync(w.UnitId);
        foreach (var scale in new[] { "3", "-1", "99" })
        {
            var r = await device.PostAsync("/api/v1/ratings", new StringContent(
                $$"""{"sectionId":"{{w.Id}}","caseNumber":"{{NewCase()}}","level":3,"scale":{{scale}}}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.True(await NamesField(r, "scale"));
        }
        // The defined numbers still work (0 three-level, 1 five-level).
        Assert.Equal(HttpStatusCode.Created, (await device.PostAsync("/api/v1/ratings", new StringContent(
            $$"""{"sectionId":"{{w.Id}}","caseNumber":"{{NewCase()}}","level":5,"scale":1}""", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(1, await app.WithDbAsync(db => db.Ratings.CountAsync(r => r.DeviceId == tokenId)));
    }
}
