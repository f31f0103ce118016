using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Complaints;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.IntegrationTests.Ratings;

namespace Mingcha.IntegrationTests.Organisation;

/// <summary>
/// ORG-1 for the records of the public's side: a complaint (as of its receipt), a rating and its follow-up case (as of the
/// rating), a staff member's badge and an award (as of their award), and the complaint lists: accountability still to decide
/// (as of the complaint's receipt) and repeat flags (as of the flag's raising). After the section, the unit and the person are
/// renamed, the API answers name them as they were (with today's names alongside) and the pages show
/// "today's name（时称：the name then）"; records made after the renames carry the new names alone.
/// Its own app: the test moves the clock.
/// </summary>
public sealed class ServiceRecordsAsOfTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private sealed record IdDto(Guid Id);
    private sealed record Stored(Guid Id, string Status);
    private sealed record RatingRow(Guid Id, Guid SectionId, Guid? StaffId, string? UnitNameThen, string? UnitNameNow, string? SectionNameThen,
        string? SectionNameNow, string? StaffNameThen, string? StaffNameNow);
    private sealed record FollowUpRow(Guid Id, Guid RatingId, string? UnitNameThen, string? UnitNameNow, string? SectionNameThen, string? SectionNameNow,
        string? StaffNameThen, string? StaffNameNow);
    private sealed record BadgeRow(Guid StaffId, bool Held, string? StaffNameThen, string? StaffNameNow);
    private sealed record AwardRow(Guid Id, string Kind, Guid SubjectId, string? SubjectNameThen, string? SubjectNameNow);

    private string Now() => app.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static object ComplaintBody(Guid unit, Guid section, string receivedAt, string matter) => new
    {
        channel = "ComplaintHotline", type = "SlowHandling", unitId = unit, sectionId = section, staffNamed = "窗口人员", matter,
        reasons = "超过承诺时限五天仍未办结。", evidenceNote = "受理回执照片", name = "王五", phone = "13812345678", anonymous = false, hasInterest = true, receivedAt,
    };

    private static async Task<Guid> RateAsync(HttpClient device, Guid section, Guid staff, string phone)
    {
        var posted = await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = section, staffId = staff, level = 3, phone, comment = "办理太慢" });
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        return (await posted.Content.ReadFromJsonAsync<Stored>())!.Id;
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task SectionUnitAndStaffRenamed_AfterAComplaintARatingAndABadge_TheyShowTheNamesAsTheyWere()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new ComplaintKit(app, office);
        var tag = Guid.NewGuid().ToString("N")[..4];
        string oldUnit = "旧名局" + tag, oldSection = "旧名窗口" + tag, oldStaff = "张旧名" + tag;
        string newUnit = "新名局" + tag, newSection = "新名窗口" + tag, newStaff = "张新名" + tag;
        var unit = await kit.Org.UnitAsync(oldUnit);
        var section = await kit.Org.SectionAsync(unit, oldSection);
        var staff = (await (await office.PostJsonAsync("/api/v1/staff", new
        {
            unitId = unit, sectionId = section, code = "ST" + tag, name = oldStaff, employment = "InService",
        })).ReadAsync<IdDto>(HttpStatusCode.Created)).Id;
        await (await office.PostAsync("/api/v1/incentives/2026/badges", null)).ExpectAsync(HttpStatusCode.OK);
        app.Clock.Advance(TimeSpan.FromMinutes(1));

        // A complaint about the window, answered, and found substantiated against the person (which revokes the badge, SAT-5).
        var complaint = (await kit.FileAsync(ComplaintBody(unit, section, Now(), "营业执照办理超时"))).Id;
        await kit.AssignAsync(complaint);
        var liaison = await kit.LiaisonAsync(unit);
        await (await liaison.PostJsonAsync($"/api/v1/complaints/{complaint}/answer", new { body = "经核实属实，已批评教育。" })).ExpectAsync(HttpStatusCode.NoContent);
        await (await office.PostJsonAsync($"/api/v1/complaints/{complaint}/review", new { accept = true, substantiated = true, staffId = staff })).ExpectAsync(HttpStatusCode.NoContent);

        // A real-name bad rating of the person at the window, which opens a follow-up case (SAT-7); an award to the person.
        var (device, _) = await app.TokenClientAsync(unit, "ratings:write");
        var rating = await RateAsync(device, section, staff, "13955550001");
        var followUp = await RatingsTests.WaitForAsync(async () => (await liaison.GetFromJsonAsync<List<FollowUpRow>>("/api/v1/follow-ups"))!.FirstOrDefault(f => f.RatingId == rating));
        var award = (await (await office.PostJsonAsync("/api/v1/incentives/2026/awards", new { kind = "Grievance", subjectId = staff, reason = "被办事群众辱骂仍耐心办结" }))
            .ReadAsync<IdDto>(HttpStatusCode.Created)).Id;

        app.Clock.Advance(TimeSpan.FromMinutes(10));
        await (await office.PatchJsonAsync($"/api/v1/sections/{section}", new { name = newSection })).ExpectAsync(HttpStatusCode.NoContent);
        await (await office.PatchJsonAsync($"/api/v1/units/{unit}", new { name = newUnit })).ExpectAsync(HttpStatusCode.NoContent);
        await (await office.PatchJsonAsync($"/api/v1/staff/{staff}", new { name = newStaff })).ExpectAsync(HttpStatusCode.NoContent);
        app.Clock.Advance(TimeSpan.FromMinutes(1));

        // The complaint: API (the Office's and the unit's view) and pages.
        foreach (var viewer in new[] { office, liaison })
        {
            var detail = await kit.DetailAsync(complaint, viewer);
            Assert.Equal((newUnit, oldUnit), (detail.GetProperty("unitName").GetString(), detail.GetProperty("unitNameThen").GetString()));
            Assert.Equal((newSection, oldSection), (detail.GetProperty("sectionNameNow").GetString(), detail.GetProperty("sectionNameThen").GetString()));
            Assert.Equal((newStaff, oldStaff), (detail.GetProperty("staffNameNow").GetString(), detail.GetProperty("staffNameThen").GetString()));
            var page = WebUtility.HtmlDecode(await viewer.GetStringAsync($"/Complaints/Detail/{complaint}"));
            Assert.Contains($"{newUnit}（时称：{oldUnit}）", page, StringComparison.Ordinal);
            Assert.Contains($"{newSection}（时称：{oldSection}）", page, StringComparison.Ordinal);
            Assert.Contains($"{newStaff}（时称：{oldStaff}）", page, StringComparison.Ordinal);
        }
        var listed = (await ComplaintKit.JsonAsync(office, $"/api/v1/complaints?unitId={unit}")).GetProperty("items").EnumerateArray()
            .Single(i => i.GetProperty("id").GetGuid() == complaint);
        Assert.Equal((newUnit, oldUnit), (listed.GetProperty("unitName").GetString(), listed.GetProperty("unitNameThen").GetString()));
        Assert.Contains($"{newUnit}（时称：{oldUnit}）", WebUtility.HtmlDecode(await office.GetStringAsync($"/Complaints?unitId={unit}")), StringComparison.Ordinal);
        // The Office's list of complaints whose accountability is still to decide (CMP-8; substantiated, none imposed yet): the unit
        // as the complaint named it when received, today's name alongside.
        var pending = (await ComplaintKit.JsonAsync(office, "/api/v1/complaints/accountability")).EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == complaint);
        Assert.Equal((newUnit, oldUnit), (pending.GetProperty("unitName").GetString(), pending.GetProperty("unitNameThen").GetString()));

        // The rating and its follow-up case: API and the follow-up page.
        var rated = Assert.Single(await office.GetFromJsonAsync<List<RatingRow>>($"/api/v1/ratings?sectionId={section}") ?? [], r => r.Id == rating);
        Assert.Equal((oldUnit, newUnit, oldSection, newSection, oldStaff, newStaff),
            (rated.UnitNameThen, rated.UnitNameNow, rated.SectionNameThen, rated.SectionNameNow, rated.StaffNameThen, rated.StaffNameNow));
        var fu = await liaison.GetFromJsonAsync<FollowUpRow>($"/api/v1/follow-ups/{followUp.Id}");
        Assert.Equal((oldUnit, newUnit, oldSection, newSection, oldStaff, newStaff),
            (fu!.UnitNameThen, fu.UnitNameNow, fu.SectionNameThen, fu.SectionNameNow, fu.StaffNameThen, fu.StaffNameNow));
        // The control centre's wall of today's bad ratings names the window as it was when rated.
        var control = await liaison.GetStringAsync("/Ratings/Control");
        var start = control.IndexOf('>', control.IndexOf("id=\"control-initial\"", StringComparison.Ordinal)) + 1;
        var initial = JsonDocument.Parse(WebUtility.HtmlDecode(control[start..control.IndexOf("</script>", start, StringComparison.Ordinal)])).RootElement;
        var onWall = initial.GetProperty("bad").EnumerateArray().Single(b => b.GetProperty("id").GetGuid() == rating);
        Assert.Equal(oldSection, onWall.GetProperty("sectionName").GetString());
        var followUps = WebUtility.HtmlDecode(await liaison.GetStringAsync("/Ratings/FollowUps"));
        Assert.Contains($"{newSection}（时称：{oldSection}）", followUps, StringComparison.Ordinal);
        Assert.Contains($"{newStaff}（时称：{oldStaff}）", followUps, StringComparison.Ordinal);

        // The badge (revoked by the complaint) and the award: API and the incentives page.
        var badge = await office.GetAsync<BadgeRow>($"/api/v1/incentives/2026/badges/{staff}");
        Assert.False(badge.Held);
        Assert.Equal((oldStaff, newStaff), (badge.StaffNameThen, badge.StaffNameNow));
        var awarded = Assert.Single(await office.GetAsync<List<AwardRow>>("/api/v1/incentives/2026/awards"), a => a.Id == award);
        Assert.Equal((staff, oldStaff, newStaff), (awarded.SubjectId, awarded.SubjectNameThen, awarded.SubjectNameNow));
        var incentives = WebUtility.HtmlDecode(await office.GetStringAsync("/Ratings/Incentives?year=2026"));
        Assert.Equal(2, CountOf(incentives, $"{newStaff}（时称：{oldStaff}）")); // the revoked badge and the award

        // Records made after the renames carry the new names alone.
        var fresh = (await kit.FileAsync(ComplaintBody(unit, section, Now(), "食品经营许可证迟迟未发"))).Id;
        var freshDetail = await kit.DetailAsync(fresh);
        Assert.Equal((newUnit, newSection), (freshDetail.GetProperty("unitNameThen").GetString(), freshDetail.GetProperty("sectionNameThen").GetString()));
        Assert.DoesNotContain("时称", WebUtility.HtmlDecode(await office.GetStringAsync($"/Complaints/Detail/{fresh}")), StringComparison.Ordinal);
        var freshRating = await RateAsync(device, section, staff, "13955550002");
        var freshRow = await RatingsTests.WaitForAsync(async () => (await office.GetFromJsonAsync<List<RatingRow>>($"/api/v1/ratings?sectionId={section}"))!.FirstOrDefault(r => r.Id == freshRating));
        Assert.Equal((newUnit, newSection, newStaff), (freshRow.UnitNameThen, freshRow.SectionNameThen, freshRow.StaffNameThen));
        var freshCase = await RatingsTests.WaitForAsync(async () => (await liaison.GetFromJsonAsync<List<FollowUpRow>>("/api/v1/follow-ups"))!.FirstOrDefault(f => f.RatingId == freshRating));
        Assert.Equal((newSection, newStaff), (freshCase.SectionNameThen, freshCase.StaffNameThen));
        var freshPending = (await ComplaintKit.JsonAsync(office, "/api/v1/complaints/accountability")).EnumerateArray().SingleOrDefault(i => i.GetProperty("id").GetGuid() == fresh);
        Assert.Equal(JsonValueKind.Undefined, freshPending.ValueKind); // not substantiated: not on the list at all
        var freshAward = (await (await office.PostJsonAsync("/api/v1/incentives/2026/awards", new { kind = "Grievance", subjectId = staff, reason = "再次受委屈仍耐心办结" }))
            .ReadAsync<IdDto>(HttpStatusCode.Created)).Id;
        Assert.Equal(newStaff, Assert.Single(await office.GetAsync<List<AwardRow>>("/api/v1/incentives/2026/awards"), a => a.Id == freshAward).SubjectNameThen);
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    [Trait("Rule", "CMP-9")]
    public async Task UnitRenamed_AfterARepeatFlagWasRaised_TheFlagListNamesTheUnitAsItWasWhenRaised()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new ComplaintKit(app, office);
        var tag = Guid.NewGuid().ToString("N")[..4];
        string oldUnit = "旧称局" + tag, newUnit = "新称局" + tag;
        var unit = await kit.Org.UnitAsync(oldUnit);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        // Two complaints about the unit on different matters within a month: a repeat flag is raised at the second's assignment.
        async Task ComplainAsync(string matter, string phone)
        {
            var filed = await kit.FileAsync(ComplaintKit.Body(unit, matter: matter, phone: phone, receivedAt: Now()));
            await kit.AssignAsync(filed.Id);
        }
        await ComplainAsync("发票领用" + tag, "13811110001");
        await ComplainAsync("退税进度" + tag, "13811110002");
        var flagId = (await ComplaintKit.JsonAsync(office, "/api/v1/complaints/repeat-flags")).EnumerateArray().Single(f => f.GetProperty("unitId").GetGuid() == unit).GetProperty("id").GetGuid();

        app.Clock.Advance(TimeSpan.FromMinutes(10));
        await (await office.PatchJsonAsync($"/api/v1/units/{unit}", new { name = newUnit })).ExpectAsync(HttpStatusCode.NoContent);
        app.Clock.Advance(TimeSpan.FromMinutes(1));

        // The Office's and the unit's flag lists: the API names the unit then and now, the pages "today's（时称：then）".
        var liaison = await kit.LiaisonAsync(unit);
        foreach (var viewer in new[] { office, liaison })
        {
            var flag = (await ComplaintKit.JsonAsync(viewer, "/api/v1/complaints/repeat-flags")).EnumerateArray().Single(f => f.GetProperty("id").GetGuid() == flagId);
            Assert.Equal((newUnit, oldUnit), (flag.GetProperty("unitName").GetString(), flag.GetProperty("unitNameThen").GetString()));
            Assert.Contains($"{newUnit}（时称：{oldUnit}）", FlagRow(WebUtility.HtmlDecode(await viewer.GetStringAsync("/Complaints/Repeats")), flagId), StringComparison.Ordinal);
        }

        // A flag raised after the rename carries the new name alone.
        await (await office.PostJsonAsync($"/api/v1/complaints/repeat-flags/{flagId}/waive", new { reason = "已另案处理" })).ExpectAsync(HttpStatusCode.NoContent);
        await ComplainAsync("社保转移" + tag, "13811110003");
        var fresh = (await ComplaintKit.JsonAsync(office, "/api/v1/complaints/repeat-flags")).EnumerateArray()
            .Single(f => f.GetProperty("unitId").GetGuid() == unit && f.GetProperty("id").GetGuid() != flagId);
        Assert.Equal((newUnit, newUnit), (fresh.GetProperty("unitName").GetString(), fresh.GetProperty("unitNameThen").GetString()));
        var freshRow = FlagRow(WebUtility.HtmlDecode(await office.GetStringAsync("/Complaints/Repeats")), fresh.GetProperty("id").GetGuid());
        Assert.Contains(newUnit, freshRow, StringComparison.Ordinal);
        Assert.DoesNotContain("时称", freshRow, StringComparison.Ordinal);
    }

    /// <summary>The row of one flag in the repeats page's table.</summary>
    private static string FlagRow(string page, Guid flagId)
    {
        var start = page.IndexOf($"data-flag=\"{flagId}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"flag {flagId} is not on the page");
        return page[start..page.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task ManyComplaintsRatingsAndCases_ReadAsOf_WithOneQueryPerKind_NotOnePerRow()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new ComplaintKit(app, office);
        var tag = Guid.NewGuid().ToString("N")[..4];
        var unit = await kit.Org.UnitAsync("计数局" + tag);
        var section = await kit.Org.SectionAsync(unit, "计数窗口" + tag);
        var staff = (await (await office.PostJsonAsync("/api/v1/staff", new { unitId = unit, sectionId = section, code = "CT" + tag, name = "计数员" + tag, employment = "InService" }))
            .ReadAsync<IdDto>(HttpStatusCode.Created)).Id;
        var (device, _) = await app.TokenClientAsync(unit, "ratings:write");
        var liaison = await kit.LiaisonAsync(unit);
        var ratings = new List<Guid>();
        for (var i = 0; i < 4; i++) ratings.Add(await RateAsync(device, section, staff, $"1395555010{i}"));
        foreach (var matter in new[] { "营业执照办理超时", "窗口无人值守", "要求重复提交材料" })
            await kit.FileAsync(ComplaintBody(unit, section, Now(), matter));
        await RatingsTests.WaitForAsync(async () =>
        {
            var open = await liaison.GetFromJsonAsync<List<FollowUpRow>>("/api/v1/follow-ups");
            return ratings.All(r => open!.Any(f => f.RatingId == r)) ? open : null;
        });
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        await (await office.PatchJsonAsync($"/api/v1/sections/{section}", new { name = "改名窗口" + tag })).ExpectAsync(HttpStatusCode.NoContent);
        await (await office.PatchJsonAsync($"/api/v1/units/{unit}", new { name = "改名局" + tag })).ExpectAsync(HttpStatusCode.NoContent);

        // Other test classes run alongside: count only the commands that name this test's section, unit or person.
        using (var count = new CommandCounter())
        {
            var rated = await office.GetFromJsonAsync<List<RatingRow>>($"/api/v1/ratings?sectionId={section}");
            Assert.Equal(4, rated!.Count);
            Assert.All(rated, r => Assert.Equal(("计数窗口" + tag, "计数员" + tag), (r.SectionNameThen, r.StaffNameThen)));
            Assert.Equal((1, 1, 1), (count.Of("SectionVersions", section), count.Of("UnitVersions", unit), count.Of("StaffVersions", staff)));
        }
        using (var count = new CommandCounter())
        {
            var cases = (await liaison.GetFromJsonAsync<List<FollowUpRow>>("/api/v1/follow-ups"))!.Where(f => ratings.Contains(f.RatingId)).ToList();
            Assert.Equal(4, cases.Count);
            Assert.All(cases, c => Assert.Equal("计数窗口" + tag, c.SectionNameThen));
            Assert.Equal((1, 1), (count.Of("SectionVersions", section), count.Of("StaffVersions", staff)));
        }
        using (var count = new CommandCounter())
        {
            var items = (await ComplaintKit.JsonAsync(office, $"/api/v1/complaints?unitId={unit}")).GetProperty("items").EnumerateArray().ToList();
            Assert.Equal(3, items.Count);
            Assert.All(items, i => Assert.Equal("计数局" + tag, i.GetProperty("unitNameThen").GetString()));
            Assert.Equal(1, count.Of("UnitVersions", unit));
        }
    }

    private static int CountOf(string text, string part)
    {
        var n = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) n++;
        return n;
    }
}
