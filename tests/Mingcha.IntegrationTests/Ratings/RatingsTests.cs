using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.IntegrationTests.Ratings;

public sealed partial class RatingsTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private sealed record Window(Guid Id, Guid UnitId, string Code, Guid StaffId);
    private sealed record Stored(Guid Id, string Status);
    private sealed record RatingRow(Guid Id, string? CaseNumber, Guid UnitId, Guid SectionId, Guid? StaffId, string Channel, string Scale, int Level,
        int CommonLevel, bool IsBad, bool RealName, string RaterPhone, bool Excluded, string[] Flags);
    private sealed record FollowUpRow(Guid Id, Guid RatingId, Guid UnitId, bool RealName, string RaterPhone, string State, string? NextStep, DateOnly? NextDue,
        DateOnly? CallBackDue, DateOnly? InformDue, bool RatingExcluded);
    private sealed record RateRow(Guid SubjectId, int Counted, int Excluded, decimal? Rate, decimal Coefficient);

    private async Task<Window> WindowAsync(int n = 1) => await app.WithDbAsync(async db =>
    {
        var w = await db.Sections.Where(s => s.Kind == SectionKind.Window && s.ParentSectionId != null).OrderBy(s => s.Code).Skip(n - 1).FirstAsync();
        var staff = await db.Staff.Where(s => s.UnitId == w.UnitId).OrderBy(s => s.Code).Select(s => s.Id).FirstAsync();
        return new Window(w.Id, w.UnitId, w.Code, staff);
    });

    private async Task<Guid> OtherUnitAsync(Guid notThis) =>
        await app.WithDbAsync(db => db.Units.Where(u => u.Id != notThis).OrderBy(u => u.Code).Select(u => u.Id).FirstAsync());

    private async Task<(HttpClient Client, Guid TokenId)> DeviceAsync(Guid? unitId, params string[] scopes)
    {
        AccountsApi.CreateTokenResponse? t = null;
        await app.WithScopeAsync(async sp => t = await AccountsApi.CreateTokenAsync(
            new AccountsApi.CreateTokenRequest("device " + Guid.NewGuid().ToString("N")[..6], scopes.Length > 0 ? scopes : ["ratings:write", "service-records:write"], unitId, null),
            "test", sp.GetRequiredService<Mingcha.Web.Data.MingchaDb>(), TimeProvider.System, default));
        var client = app.NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", t!.Token);
        return (client, t.Id);
    }

    private static string NewCase() => "BJ" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();

    private DateTime Now => app.Clock.GetUtcNow().UtcDateTime;

    private async Task PushCaseAsync(HttpClient device, Window w, string caseNo, string? phone = "13812345678")
    {
        var r = await device.PostAsJsonAsync("/api/v1/service-records", new { caseNumber = caseNo, sectionId = w.Id, staffId = w.StaffId, citizenPhone = phone, finishedAt = Now.AddMinutes(-5) });
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
    }

    private static async Task<string?> RuleOf(HttpResponseMessage r) =>
        JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.TryGetProperty("rule", out var p) ? p.GetString() : null;

    [Fact]
    [Trait("Rule", "SAT-8")]
    public async Task PushServiceRecord_WhenPushedTwice_IsStoredOnceAndAnsweredAsTheSame()
    {
        var w = await WindowAsync();
        var (device, _) = await DeviceAsync(w.UnitId);
        var caseNo = NewCase();
        var body = new { caseNumber = caseNo, sectionId = w.Id, staffId = w.StaffId, citizenPhone = "138 1234 5678", finishedAt = Now.AddMinutes(-3) };
        Assert.Equal(HttpStatusCode.Created, (await device.PostAsJsonAsync("/api/v1/service-records", body)).StatusCode);
        var again = await device.PostAsJsonAsync("/api/v1/service-records", body);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("138****5678", await again.Content.ReadAsStringAsync());
        Assert.Equal(1, await app.WithDbAsync(db => db.ServiceRecords.CountAsync(r => r.CaseNumber == caseNo)));

        var w2 = await WindowAsync(2);
        var elsewhere = await device.PostAsJsonAsync("/api/v1/service-records", body with { sectionId = w2.Id });
        Assert.Equal(HttpStatusCode.Conflict, elsewhere.StatusCode);
        var otherUnit = await app.WithDbAsync(db => db.Sections.Where(s => s.UnitId != w.UnitId).Select(s => s.Id).FirstAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await device.PostAsJsonAsync("/api/v1/service-records", body with { caseNumber = NewCase(), sectionId = otherUnit })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await device.PostAsJsonAsync("/api/v1/service-records", body with { caseNumber = NewCase(), citizenPhone = "12345" })).StatusCode);

        // Insert-only (decision 008, migration 0016): the database refuses an edit or a deletion of the stored record, even a direct one.
        await Assert.ThrowsAnyAsync<Exception>(() => app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
            "UPDATE \"ServiceRecords\" SET \"StaffId\" = NULL WHERE \"CaseNumber\" = {0}", caseNo)));
        await Assert.ThrowsAnyAsync<Exception>(() => app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
            "DELETE FROM \"ServiceRecords\" WHERE \"CaseNumber\" = {0}", caseNo)));
        Assert.Equal(w.StaffId, await app.WithDbAsync(db => db.ServiceRecords.Where(r => r.CaseNumber == caseNo).Select(r => r.StaffId).SingleAsync()));
    }

    [Fact]
    [Trait("Rule", "SAT-8")]
    public async Task DeviceRating_WhenBadInput_IsRefusedWithTheRightStatusAndNothingStoredTwice()
    {
        var w = await WindowAsync();
        var (device, tokenId) = await DeviceAsync(w.UnitId);
        var caseNo = NewCase();
        await PushCaseAsync(device, w, caseNo);

        var ok = await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, caseNumber = caseNo, level = 1 });
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        var id = (await ok.Content.ReadFromJsonAsync<Stored>())!.Id;

        var dup = await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, caseNumber = caseNo, level = 2 });
        Assert.Equal(HttpStatusCode.Conflict, dup.StatusCode);
        Assert.Equal("SAT-8", await RuleOf(dup));
        Assert.Equal(HttpStatusCode.BadRequest, (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, caseNumber = NewCase(), level = 4 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, caseNumber = NewCase(), level = 0, scale = "FiveLevel" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, caseNumber = NewCase(), level = "x" })).StatusCode);
        var future = await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, caseNumber = NewCase(), level = 1, ratedAt = Now.AddDays(1) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, future.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = Guid.NewGuid(), level = 1 })).StatusCode);
        var otherSection = await app.WithDbAsync(db => db.Sections.Where(s => s.UnitId != w.UnitId).Select(s => s.Id).FirstAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = otherSection, level = 1 })).StatusCode);

        var unknown = app.NewClient();
        unknown.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "mct_" + Guid.NewGuid().ToString("N") + "_" + new string('a', 64));
        Assert.Equal(HttpStatusCode.Unauthorized, (await unknown.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, level = 1 })).StatusCode);
        var (recordsOnly, _) = await DeviceAsync(w.UnitId, "service-records:write");
        Assert.Equal(HttpStatusCode.Forbidden, (await recordsOnly.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, level = 1 })).StatusCode);

        await app.WithScopeAsync(async sp => await AccountsApi.RevokeTokenAsync(tokenId, "test", sp.GetRequiredService<Mingcha.Web.Data.MingchaDb>(), TimeProvider.System, default));
        Assert.Equal(HttpStatusCode.Unauthorized, (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, caseNumber = NewCase(), level = 1 })).StatusCode);

        var stored = await app.WithDbAsync(db => db.Ratings.Where(r => r.CaseNumber == caseNo).ToListAsync());
        var rating = Assert.Single(stored);
        Assert.Equal(id, rating.Id);
        Assert.Equal(1, rating.Level);
        Assert.Equal(w.StaffId, rating.StaffId); // SAT-8: filled in from the pushed service record
        Assert.Equal(tokenId, rating.DeviceId);
    }

    [Fact]
    [Trait("Rule", "SAT-9")]
    public async Task DeviceRating_WhenOneDeviceFloods_GetsTooManyRequestsAndExtraRatingsAreNotStored()
    {
        var w = await WindowAsync(3);
        var (device, tokenId) = await DeviceAsync(w.UnitId);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 45; i++)
            statuses.Add((await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, caseNumber = NewCase(), level = 2 })).StatusCode);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        var created = statuses.Count(s => s == HttpStatusCode.Created);
        Assert.InRange(created, 1, 35);
        Assert.Equal(created, await app.WithDbAsync(db => db.Ratings.CountAsync(r => r.DeviceId == tokenId)));
    }

    /// <summary>
    /// SAT-1: a scale is chosen per device. A five-level device's rating that names no scale is on five levels (its 3, 一般,
    /// is not a bad rating), and one naming the three-level scale is refused, nothing stored.
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-1")]
    public async Task FiveLevelDevice_RatesOnItsScale_AndRefusesAnother()
    {
        var w = await WindowAsync(11);
        AccountsApi.CreateTokenResponse? t = null;
        await app.WithScopeAsync(async sp => t = await AccountsApi.CreateTokenAsync(
            new AccountsApi.CreateTokenRequest("five-level device " + Guid.NewGuid().ToString("N")[..6], ["ratings:write"], w.UnitId, null, RatingScale: Mingcha.Domain.Satisfaction.RatingScale.FiveLevel),
            "test", sp.GetRequiredService<Mingcha.Web.Data.MingchaDb>(), TimeProvider.System, default));
        var device = app.NewClient();
        device.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", t!.Token);

        var caseNo = NewCase();
        var r = await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, caseNumber = caseNo, level = 3 });
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var row = Assert.Single((await office.GetFromJsonAsync<List<RatingRow>>($"/api/v1/ratings?caseNumber={caseNo}"))!);
        Assert.Equal(("FiveLevel", 3, false), (row.Scale, row.Level, row.IsBad));

        var other = NewCase();
        var refused = await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, caseNumber = other, level = 3, scale = "ThreeLevel" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("SAT-1", await RuleOf(refused));
        Assert.False(await app.WithDbAsync(db => db.Ratings.AnyAsync(x => x.CaseNumber == other)));
    }

    /// <summary>ORG-6, SAT-8: a case record names a service item its window offers; another is refused naming the field, and nothing is stored.</summary>
    [Fact]
    [Trait("Rule", "ORG-6")]
    [Trait("Rule", "SAT-8")]
    public async Task ServiceRecord_WithAnItemTheWindowDoesNotOffer_IsRefused()
    {
        var w = await WindowAsync(10);
        var (offered, notOffered) = await app.WithDbAsync(async db =>
        {
            var parent = await db.Sections.Where(s => s.Id == w.Id).Select(s => s.ParentSectionId).SingleAsync();
            var list = await db.SectionServiceItems.Where(l => l.SectionId == w.Id || l.SectionId == parent).Select(l => l.ServiceItemId).ToListAsync();
            var other = await db.ServiceItems.Where(i => !list.Contains(i.Id)).Select(i => i.Id).FirstAsync();
            return (list.First(), other);
        });
        var (device, _) = await DeviceAsync(w.UnitId);
        var caseNo = NewCase();
        var refused = await device.PostAsJsonAsync("/api/v1/service-records", new { caseNumber = caseNo, sectionId = w.Id, serviceItemId = notOffered, finishedAt = Now.AddMinutes(-5) });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("serviceItemId", await refused.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.False(await app.WithDbAsync(db => db.ServiceRecords.AnyAsync(r => r.CaseNumber == caseNo)));
        var stored = await device.PostAsJsonAsync("/api/v1/service-records", new { caseNumber = caseNo, sectionId = w.Id, serviceItemId = offered, finishedAt = Now.AddMinutes(-5) });
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
    }

    /// <summary>
    /// SAT-7: a window's device seldom asks for a phone, but the case's service record has the citizen's: a bad rating of
    /// that case is a real-name one, called back on that number (revealed on request, audited).
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-7")]
    [Trait("Rule", "SEC-4")]
    public async Task BadRating_OfACaseWhoseRecordHasThePhone_IsRealName_AndCalledBackOnIt()
    {
        var w = await WindowAsync(9);
        var (device, _) = await DeviceAsync(w.UnitId);
        var caseNo = NewCase();
        await PushCaseAsync(device, w, caseNo, phone: "13766667777");
        var r = await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, caseNumber = caseNo, level = 3 });
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var ratingId = (await r.Content.ReadFromJsonAsync<Stored>())!.Id;

        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, w.UnitId);
        var fu = await WaitForAsync(async () => (await liaison.GetFromJsonAsync<List<FollowUpRow>>("/api/v1/follow-ups"))!.FirstOrDefault(f => f.RatingId == ratingId));
        Assert.True(fu.RealName);
        Assert.Equal("137****7777", fu.RaterPhone);
        var notReached = await liaison.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/steps", new { step = "CallBack", note = "无人接听", reached = false });
        Assert.Equal("SAT-7", await RuleOf(notReached));
        var reveal = await liaison.PostAsync($"/api/v1/ratings/{ratingId}/reveal-phone", null);
        Assert.Contains("13766667777", await reveal.Content.ReadAsStringAsync());
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "personal-data.reveal" && a.EntityKey == ratingId.ToString()
            && a.After!.Contains("ServiceRecord.CitizenPhone"))));

        // A bad rating without a case, and no phone, stays anonymous.
        var anonymous = await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, level = 3 });
        var anonymousId = (await anonymous.Content.ReadFromJsonAsync<Stored>())!.Id;
        var other = await WaitForAsync(async () => (await liaison.GetFromJsonAsync<List<FollowUpRow>>("/api/v1/follow-ups"))!.FirstOrDefault(f => f.RatingId == anonymousId));
        Assert.False(other.RealName);
        Assert.Equal(HttpStatusCode.NotFound, (await liaison.PostAsync($"/api/v1/ratings/{anonymousId}/reveal-phone", null)).StatusCode);
    }

    [Fact]
    [Trait("Rule", "SAT-7")]
    public async Task BadRating_WhenRealName_OpensFollowUpThatMustReachTheRater_AppealUpheldExcludesIt()
    {
        var w = await WindowAsync(4);
        var (device, _) = await DeviceAsync(w.UnitId);
        var caseNo = NewCase();
        await PushCaseAsync(device, w, caseNo);
        var r = await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, caseNumber = caseNo, level = 4, scale = "FiveLevel", phone = "13900001111" });
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var ratingId = (await r.Content.ReadFromJsonAsync<Stored>())!.Id;

        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, w.UnitId);
        var fu = await WaitForAsync(async () => (await liaison.GetFromJsonAsync<List<FollowUpRow>>("/api/v1/follow-ups"))!.FirstOrDefault(f => f.RatingId == ratingId));
        Assert.True(fu.RealName);
        Assert.Equal("139****1111", fu.RaterPhone);
        Assert.Equal("CallBack", fu.NextStep);
        // CAL-2: rated Monday 16 November 2026: one working day → Tuesday 17th; twelve → 2 December.
        Assert.Equal(new DateOnly(2026, 11, 17), fu.CallBackDue);
        Assert.Equal(new DateOnly(2026, 12, 2), fu.InformDue);
        // SEC-3: the opening is sealed in the audit chain (one line per opening, with the count and hash of its cases).
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "followups.open" && a.EntityType == "FollowUpCase")));

        var notReached = await liaison.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/steps", new { step = "CallBack", note = "无人接听", reached = false });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notReached.StatusCode);
        Assert.Equal("SAT-7", await RuleOf(notReached));
        var reveal = await liaison.PostAsync($"/api/v1/ratings/{ratingId}/reveal-phone", null);
        Assert.Contains("13900001111", await reveal.Content.ReadAsStringAsync());
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "personal-data.reveal" && a.EntityKey == ratingId.ToString())));

        Assert.Equal(HttpStatusCode.OK, (await liaison.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/steps", new { step = "CallBack", note = "已回访", reached = true })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await liaison.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/steps", new { step = "Fix", note = "跳步" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await liaison.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/appeal", new { reason = "评价人误按，经回访确认" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await liaison.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/appeal-decision", new { upheld = true, note = "自己批" })).StatusCode);
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var decided = await office.PostAsJsonAsync($"/api/v1/follow-ups/{fu.Id}/appeal-decision", new { upheld = true, note = "录音证实误按" });
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var after = (await decided.Content.ReadFromJsonAsync<FollowUpRow>())!;
        Assert.Equal("Closed", after.State);
        Assert.True(after.RatingExcluded);

        // Kept, visible, marked; left out of the rate.
        var rows = await office.GetFromJsonAsync<List<RatingRow>>($"/api/v1/ratings?caseNumber={caseNo}");
        var row = Assert.Single(rows!);
        Assert.True(row.Excluded);
        Assert.True(row.IsBad);
        Assert.Equal(3, row.CommonLevel);
        var rate = await office.GetFromJsonAsync<RateRow>($"/api/v1/satisfaction/sections/{w.Id}?from=2026-11-16&to=2026-11-16");
        Assert.Equal(1, rate!.Excluded);
        Assert.Equal(0, rate.Counted);
        Assert.Equal(1m, rate.Coefficient);
    }

    [Fact]
    [Trait("Rule", "SAT-4")]
    public async Task SectionRate_OfAHall_CountsItsWindowsAndItselfButNotAnotherHallOfTheUnit()
    {
        var unitId = (await WindowAsync(8)).UnitId;
        var tag = Guid.NewGuid().ToString("N")[..6];
        var (hall, window, otherHall) = await app.WithDbAsync(async db =>
        {
            var h = new Section(unitId, "hall-" + tag, "综合大厅", SectionKind.ServiceHall, Now);
            var o = new Section(unitId, "hall2-" + tag, "分厅", SectionKind.ServiceHall, Now);
            db.Sections.AddRange(h, o);
            await db.SaveChangesAsync();
            var w = new Section(unitId, "win-" + tag, "社保窗口", SectionKind.Window, Now, h.Id);
            db.Sections.Add(w);
            await db.SaveChangesAsync();
            return (h.Id, w.Id, o.Id);
        });
        // Rated at once: the intake's directory of sections reloads when it misses a section that exists.
        var (device, _) = await DeviceAsync(unitId);
        foreach (var (section, level) in new[] { (window, 1), (window, 3), (hall, 1), (otherHall, 3), (otherHall, 3) })
            Assert.Equal(HttpStatusCode.Created, (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = section, caseNumber = NewCase(), level })).StatusCode);

        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var ofHall = (await office.GetFromJsonAsync<RateRow>($"/api/v1/satisfaction/sections/{hall}?from=2026-11-16&to=2026-11-16"))!;
        Assert.Equal(3, ofHall.Counted); // the hall's own rating and its window's two; not the other hall's
        Assert.Equal(Math.Round(2m / 3m, 6), Math.Round(ofHall.Rate!.Value, 6)); // 满意 scores 100, 不满意 0
        var ofWindow = (await office.GetFromJsonAsync<RateRow>($"/api/v1/satisfaction/sections/{window}?from=2026-11-16&to=2026-11-16"))!;
        Assert.Equal(2, ofWindow.Counted);
        var ofOther = (await office.GetFromJsonAsync<RateRow>($"/api/v1/satisfaction/sections/{otherHall}?from=2026-11-16&to=2026-11-16"))!;
        Assert.Equal(2, ofOther.Counted);
        Assert.Equal(0m, ofOther.Rate);
    }

    [Fact]
    [Trait("Rule", "SEC-2")]
    public async Task UnitLiaison_WhenAnotherUnitsRatings_SeesNone()
    {
        var w = await WindowAsync(5);
        var (device, _) = await DeviceAsync(w.UnitId);
        var caseNo = NewCase();
        Assert.Equal(HttpStatusCode.Created, (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, caseNumber = caseNo, level = 3 })).StatusCode);
        var other = await app.ClientAsAsync(Roles.UnitLiaison, await OtherUnitAsync(w.UnitId));
        Assert.Empty((await other.GetFromJsonAsync<List<RatingRow>>($"/api/v1/ratings?caseNumber={caseNo}"))!);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/api/v1/ratings?unitId={w.UnitId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/api/v1/satisfaction/units/{w.UnitId}?from=2026-11-01&to=2026-11-30")).StatusCode);
        var own = await app.ClientAsAsync(Roles.UnitLiaison, w.UnitId);
        var fu = await WaitForAsync(async () => (await own.GetFromJsonAsync<List<FollowUpRow>>("/api/v1/follow-ups"))!.FirstOrDefault(f => f.RatingId != Guid.Empty && f.UnitId == w.UnitId));
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/follow-ups/{fu.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/api/v1/ratings/{fu.RatingId}/reveal-phone", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync(Roles.Supervisor)).GetAsync("/api/v1/ratings")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.NewClient().GetAsync("/api/v1/ratings")).StatusCode);
    }

    [Fact]
    [Trait("Rule", "SAT-1")]
    public async Task PublicQrPage_WhenRatedWithoutAccount_StoresAQrRatingAndRefusesForgery()
    {
        var w = await WindowAsync(6);
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var qr = await office.GetAsync($"/api/v1/sections/{w.Id}/rating-qr.png");
        Assert.Equal("image/png", qr.Content.Headers.ContentType?.MediaType);
        Assert.True((await qr.Content.ReadAsByteArrayAsync()).Length > 200);

        var visitor = app.NewClient();
        var page = await visitor.GetAsync($"/Rate/{w.Code}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var token = AntiforgeryField().Match(html).Groups[1].Value;
        Assert.NotEmpty(token);

        var forged = await app.NewClient().PostAsync($"/Rate/{w.Code}", new FormUrlEncodedContent(new Dictionary<string, string> { ["Level"] = "3" }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        var caseNo = NewCase();
        var (device, _) = await DeviceAsync(w.UnitId);
        await PushCaseAsync(device, w, caseNo);
        var injected = "<script>alert(1)</script>'; DROP TABLE \"Ratings\";--";
        var post = await visitor.PostAsync($"/Rate/{w.Code}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Level"] = "2", ["CaseNumber"] = caseNo, ["Comment"] = injected, ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Contains("rate-thanks", await post.Content.ReadAsStringAsync());
        var stored = await app.WithDbAsync(db => db.Ratings.SingleAsync(r => r.CaseNumber == caseNo));
        Assert.Equal(Mingcha.Domain.Satisfaction.RatingChannel.QrCode, stored.Channel);
        Assert.Equal(injected, stored.Comment);

        var bad = await visitor.PostAsync($"/Rate/{w.Code}", new FormUrlEncodedContent(new Dictionary<string, string> { ["Level"] = "9", ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync("/Rate/NO-SUCH-WINDOW")).StatusCode);
    }

    /// <summary>
    /// SAT-1, SAT-8: the page is open to anyone, so a case number on it must be a case this window finished recently. A case
    /// of another window of the same unit (its staff member and citizen), one never pushed, or one finished more than the
    /// seven days a rating may still come in: refused with a message in the page, nothing stored, and the case's own
    /// citizen can still rate it. Without a case number the window is rated as before.
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-1")]
    [Trait("Rule", "SAT-8")]
    public async Task PublicQrPage_WithACaseOfAnotherWindowOrUnknownOrOld_RefusesIt_AndStoresNothing()
    {
        var w = await WindowAsync(6);
        var other = await app.WithDbAsync(async db => await db.Sections.Where(s => s.UnitId == w.UnitId && s.Id != w.Id && s.Kind == SectionKind.Window)
            .Select(s => new { s.Id, s.Code }).FirstAsync());
        var (device, _) = await DeviceAsync(w.UnitId);
        var theirs = NewCase();
        var r = await device.PostAsJsonAsync("/api/v1/service-records", new { caseNumber = theirs, sectionId = other.Id, staffId = w.StaffId, citizenPhone = "13900001111", finishedAt = Now.AddMinutes(-5) });
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var old = NewCase();
        r = await device.PostAsJsonAsync("/api/v1/service-records", new { caseNumber = old, sectionId = w.Id, staffId = w.StaffId, citizenPhone = "13900002222", finishedAt = Now.AddDays(-8) });
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);

        var visitor = app.NewClient();
        var token = AntiforgeryField().Match(await visitor.GetStringAsync($"/Rate/{w.Code}")).Groups[1].Value;
        Task<HttpResponseMessage> RateAsync(string code, string? caseNo) => visitor.PostAsync($"/Rate/{code}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Level"] = "3", ["CaseNumber"] = caseNo ?? "", ["__RequestVerificationToken"] = token,
        }));
        var before = await app.WithDbAsync(db => db.Ratings.CountAsync());
        foreach (var forged in new[] { theirs, NewCase(), old })
        {
            var refused = await RateAsync(w.Code, forged);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("办件编号不是本窗口近期办结的办件", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }
        Assert.Equal(before, await app.WithDbAsync(db => db.Ratings.CountAsync()));

        // The case's own window rates it; a rating without a case number is the window's, as before.
        var own = await RateAsync(other.Code, theirs);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(other.Id, await app.WithDbAsync(db => db.Ratings.Where(x => x.CaseNumber == theirs).Select(x => x.SectionId).SingleAsync()));
        Assert.Equal(HttpStatusCode.OK, (await RateAsync(w.Code, null)).StatusCode);
        Assert.Equal(before + 2, await app.WithDbAsync(db => db.Ratings.CountAsync()));
    }

    [Fact]
    [Trait("Rule", "SAT-2")]
    public async Task LiveStream_WhenRatingStored_ReachesTheViewer()
    {
        var w = await WindowAsync(7);
        var (device, _) = await DeviceAsync(w.UnitId);
        var viewer = await app.ClientAsAsync(Roles.Leader);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await viewer.GetAsync("/api/v1/ratings/live", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        Assert.StartsWith(":", await reader.ReadLineAsync(cts.Token));
        var posted = await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = w.Id, caseNumber = NewCase(), level = 3 });
        var id = (await posted.Content.ReadFromJsonAsync<Stored>())!.Id;
        string? line;
        while ((line = await reader.ReadLineAsync(cts.Token)) is not null && !line.Contains(id.ToString(), StringComparison.Ordinal)) { }
        Assert.NotNull(line);
        Assert.Contains("\"isBad\":true", line);
    }

    /// <summary>
    /// SAT-8: a pushed service record is refused as its import row would be, naming the field, nothing stored: no finishing
    /// time (else year 1 was stored), accepted after finished, an inactive window.
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-8")]
    public async Task ServiceRecordPush_WhenNoFinishingTimeAcceptedAfterFinishedOrInactiveWindow_IsRefusedNamingTheField()
    {
        var w = await WindowAsync(12);
        var (device, _) = await DeviceAsync(w.UnitId);
        var inactive = await app.WithDbAsync(async db =>
        {
            var s = new Mingcha.Web.Features.Organisation.Section(w.UnitId, "X" + Guid.NewGuid().ToString("N")[..8], "停用窗口", SectionKind.Window, Now);
            db.Sections.Add(s);
            await db.SaveChangesAsync();
            await db.Sections.Where(x => x.Id == s.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.Active, false));
            return s.Id;
        });
        var cases = new List<string>();
        async Task RefusedAsync(object body, string caseNo, string field)
        {
            cases.Add(caseNo);
            var r = await device.PostAsJsonAsync("/api/v1/service-records", body);
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            var errors = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
            Assert.Contains(errors.EnumerateObject(), p => p.Name.Equals(field, StringComparison.OrdinalIgnoreCase));
        }
        var c1 = NewCase();
        await RefusedAsync(new { caseNumber = c1, sectionId = w.Id }, c1, "finishedAt");
        var c2 = NewCase();
        await RefusedAsync(new { caseNumber = c2, sectionId = w.Id, acceptedAt = Now.AddMinutes(-5), finishedAt = Now.AddMinutes(-10) }, c2, "acceptedAt");
        var c3 = NewCase();
        await RefusedAsync(new { caseNumber = c3, sectionId = inactive, finishedAt = Now.AddMinutes(-10) }, c3, "sectionId");
        Assert.False(await app.WithDbAsync(db => db.ServiceRecords.AnyAsync(r => cases.Contains(r.CaseNumber))));
        // Accepted no later than finished is stored.
        Assert.Equal(HttpStatusCode.Created, (await device.PostAsJsonAsync("/api/v1/service-records",
            new { caseNumber = NewCase(), sectionId = w.Id, acceptedAt = Now.AddMinutes(-10), finishedAt = Now.AddMinutes(-10) })).StatusCode);
    }

    /// <summary>
    /// SAT-8: a pushed case's times without <c>Z</c> or an offset are office time (Asia/Shanghai), as in the import and
    /// for ratings, not the server's own time zone; with an offset they are the instant named.
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-8")]
    public async Task ServiceRecordPush_TimesWithoutOffset_AreOfficeTime()
    {
        var w = await WindowAsync(13);
        var (device, _) = await DeviceAsync(w.UnitId);
        var office = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var finishedUtc = new DateTime(Now.Ticks - Now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc).AddHours(-2);
        var local = TimeZoneInfo.ConvertTimeFromUtc(finishedUtc, office);
        var plain = NewCase();
        var withOffset = NewCase();
        Assert.Equal(HttpStatusCode.Created, (await device.PostAsJsonAsync("/api/v1/service-records", new
        {
            caseNumber = plain, sectionId = w.Id,
            acceptedAt = local.AddMinutes(-20).ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
            finishedAt = local.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
        })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await device.PostAsJsonAsync("/api/v1/service-records", new
        {
            caseNumber = withOffset, sectionId = w.Id,
            finishedAt = local.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture) + "+08:00",
        })).StatusCode);
        var stored = await app.WithDbAsync(db => db.ServiceRecords.AsNoTracking().Where(r => r.CaseNumber == plain || r.CaseNumber == withOffset)
            .ToDictionaryAsync(r => r.CaseNumber, r => (r.AcceptedAt, r.FinishedAt)));
        Assert.Equal(finishedUtc, stored[plain].FinishedAt);
        Assert.Equal(finishedUtc.AddMinutes(-20), stored[plain].AcceptedAt);
        Assert.Equal(finishedUtc, stored[withOffset].FinishedAt);
    }

    /// <summary>
    /// SAT-9 "one phone rates many cases": a late rating (kept by a device while offline) does not wipe the day's history,
    /// so the sixth case of the day rated with one phone is still flagged.
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-9")]
    public async Task PhoneManyCases_WhenALateRatingArrivesBetween_StillFlagsTheSixthCaseOfTheDay()
    {
        var w = await WindowAsync(2);
        var (device, _) = await DeviceAsync(w.UnitId);
        var phone = "139" + Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        async Task<Guid> RateAsync(object body)
        {
            var r = await device.PostAsJsonAsync("/api/v1/ratings", body);
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
            var id = (await r.Content.ReadFromJsonAsync<Stored>())!.Id;
            // Bad ratings only: its case shows that the aftercare's pass over it is done.
            await WaitForAsync(() => app.WithDbAsync(db => db.FollowUpCases.AsNoTracking().FirstOrDefaultAsync(f => f.RatingId == id)));
            return id;
        }
        for (var i = 0; i < 5; i++) await RateAsync(new { sectionId = w.Id, caseNumber = NewCase(), level = 3, phone });
        await RateAsync(new { sectionId = w.Id, caseNumber = NewCase(), level = 3, ratedAt = Now.AddDays(-3) });
        var sixth = await RateAsync(new { sectionId = w.Id, caseNumber = NewCase(), level = 3, phone });

        await WaitForAsync(() => app.WithDbAsync(db => db.RatingFlags.AsNoTracking().FirstOrDefaultAsync(f => f.RatingId == sixth && f.Rule == "PhoneManyCases")));
    }

    internal static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe) where T : class
    {
        for (var i = 0; i < 100; i++)
        {
            if (await probe() is { } v) return v;
            await Task.Delay(100);
        }
        throw new TimeoutException("not seen within 10 s");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
