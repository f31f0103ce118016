using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.IntegrationTests.Inspections;
using Mingcha.Web.Features.Inspections;
using Mingcha.Web.Features.Organisation;
using static Mingcha.Web.Features.Organisation.OrganisationApi;

namespace Mingcha.IntegrationTests.Organisation;

/// <summary>
/// ORG-1 over HTTP and the /Org pages: staff and categories keep their history as units and sections do, and a section
/// moved to another unit takes its windows and staff along (decision 026), while older records keep what they were.
/// </summary>
public sealed class OrganisationHistoryTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    [Fact]
    [Trait("Rule", "ORG-1")]
    [Trait("Rule", "ORG-2")]
    public async Task StaffRenamed_AfterAFindingNamedThem_TheFindingReadsTheOldNameAndTheHistoryListsBoth()
    {
        app.Clock.Set(MingchaApp.Start);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new InspectionKit(app, office);
        var unit = await kit.UnitAsync("沿革局" + Tag());
        var window = await kit.SectionAsync(unit, "社保卡窗口");
        var created = app.Clock.GetUtcNow().UtcDateTime;
        var person = await CreateAsync(office, "/api/v1/staff", new { unitId = unit, sectionId = window, code = Code("st"), name = "王小明", employment = "Contracted", position = "窗口工作人员" });
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var finding = await FindingAsync(kit, office, window, person);

        app.Clock.Advance(TimeSpan.FromDays(40));
        office = await app.ClientAsAsync(Roles.OfficeAdmin); // a new session: the first one has expired
        var renamed = app.Clock.GetUtcNow().UtcDateTime;
        await (await office.PatchJsonAsync($"/api/v1/staff/{person}", new { name = "王晓明", employment = "InService" })).ExpectAsync(HttpStatusCode.NoContent);

        // The finding still names the same person; read as of the finding, that person is who they were then.
        Assert.Equal(person, finding.StaffId);
        var then = await office.GetAsync<StaffAsOfDto>($"/api/v1/staff/{person}/as-of?at={Iso(finding.RecordedAt)}");
        Assert.Equal(("王小明", EmploymentType.Contracted, unit, (Guid?)window), (then.Name, then.Employment, then.UnitId, then.SectionId));
        Assert.Equal(("王晓明", EmploymentType.InService), ((await office.GetAsync<StaffDto>($"/api/v1/staff/{person}")).Name, (await office.GetAsync<StaffDto>($"/api/v1/staff/{person}")).Employment));
        var history = await office.GetAsync<List<StaffHistoryDto>>($"/api/v1/staff/{person}/history");
        Assert.Equal(
        [
            (created, "王小明", EmploymentType.Contracted, "窗口工作人员"),
            (renamed, "王晓明", EmploymentType.InService, "窗口工作人员"),
        ], history.Select(h => (h.ValidFrom, h.Name, h.Employment, h.Position)));

        // The person's page shows both names in its history.
        var page = WebUtility.HtmlDecode(await office.GetStringAsync($"/Org/Staff/{person}"));
        Assert.Contains("王小明", page, StringComparison.Ordinal);
        Assert.Contains("王晓明", page, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task StaffChangedInOneRequest_IsOneVersion_AndAnUnchangedSaveAddsNone()
    {
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var unit = await CreateAsync(office, "/api/v1/units", new { code = Code("u"), name = "一次改动局" });
        var first = await CreateAsync(office, "/api/v1/sections", new { unitId = unit, code = Code("s"), name = "一号窗口", kind = "Window" });
        var second = await CreateAsync(office, "/api/v1/sections", new { unitId = unit, code = Code("s"), name = "二号窗口", kind = "Window" });
        var person = await CreateAsync(office, "/api/v1/staff", new { unitId = unit, sectionId = first, code = Code("st"), name = "赵一", employment = "InService" });
        app.Clock.Advance(TimeSpan.FromMinutes(3));

        await (await office.PatchJsonAsync($"/api/v1/staff/{person}", new { name = "赵壹", sectionId = second, position = "组长" })).ExpectAsync(HttpStatusCode.NoContent);
        app.Clock.Advance(TimeSpan.FromMinutes(3));
        await (await office.PatchJsonAsync($"/api/v1/staff/{person}", new { name = "赵壹", sectionId = second })).ExpectAsync(HttpStatusCode.NoContent);

        var history = await office.GetAsync<List<StaffHistoryDto>>($"/api/v1/staff/{person}/history");
        Assert.Equal([("赵一", (Guid?)first, (string?)null), ("赵壹", second, "组长")], history.Select(h => (h.Name, h.SectionId, h.Position)));
        // A section of another unit is refused, naming the field.
        var elsewhere = await CreateAsync(office, "/api/v1/units", new { code = Code("u"), name = "别的局" });
        var foreign = await CreateAsync(office, "/api/v1/sections", new { unitId = elsewhere, code = Code("s"), name = "外单位窗口", kind = "Window" });
        await (await office.PatchJsonAsync($"/api/v1/staff/{person}", new { sectionId = foreign })).ExpectFieldErrorAsync("sectionId");
        await (await office.PatchJsonAsync($"/api/v1/staff/{Guid.NewGuid()}", new { name = "无此人" })).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    [Trait("Rule", "SEC-2")]
    public async Task StaffHistory_WhenALiaisonOfAnotherUnitAsks_Answers404()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var unitA = await CreateAsync(office, "/api/v1/units", new { code = Code("a"), name = "甲局" });
        var unitB = await CreateAsync(office, "/api/v1/units", new { code = Code("b"), name = "乙局" });
        var person = await CreateAsync(office, "/api/v1/staff", new { unitId = unitA, code = Code("st"), name = "甲局人员", employment = "InService" });
        var own = await app.ClientAsAsync(Roles.UnitLiaison, unitA);
        var other = await app.ClientAsAsync(Roles.UnitLiaison, unitB);

        Assert.Single(await own.GetAsync<List<StaffHistoryDto>>($"/api/v1/staff/{person}/history"));
        foreach (var path in new[] { $"/api/v1/staff/{person}", $"/api/v1/staff/{person}/history", $"/api/v1/staff/{person}/as-of?at=2026-11-16T02:00:00Z" })
        {
            var refused = await other.GetAsync(path);
            await refused.ExpectAsync(HttpStatusCode.NotFound);
            Assert.DoesNotContain("甲局人员", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/Org/Staff/{person}")).StatusCode);
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task CategoryRenamed_ThroughTheApiAndThePage_KeepsEveryNameInItsHistory()
    {
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var created = app.Clock.GetUtcNow().UtcDateTime;
        var category = await CreateAsync(office, "/api/v1/categories", new { code = Code("cat"), name = "行政执法类" });
        app.Clock.Advance(TimeSpan.FromDays(400));
        office = await app.ClientAsAsync(Roles.OfficeStaff); // a new session: the first one has expired
        var viaApi = app.Clock.GetUtcNow().UtcDateTime;
        await (await office.PatchJsonAsync($"/api/v1/categories/{category}", new { name = "执法监管类" })).ExpectAsync(HttpStatusCode.NoContent);
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        var viaPage = app.Clock.GetUtcNow().UtcDateTime;

        var posted = await office.PostFormAsync("/Org/Categories", "Rename", new() { ["Rename.CategoryId"] = category.ToString(), ["Rename.Name"] = "执法监管与服务类" });

        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var history = await office.GetAsync<List<CategoryHistoryDto>>($"/api/v1/categories/{category}/history");
        Assert.Equal([(created, "行政执法类"), (viaApi, "执法监管类"), (viaPage, "执法监管与服务类")], history.Select(h => (h.ValidFrom, h.Name)));
        Assert.Equal("执法监管与服务类", (await office.GetAsync<List<CategoryDto>>("/api/v1/categories")).Single(c => c.Id == category).Name);
        var page = WebUtility.HtmlDecode(await office.GetStringAsync("/Org/Categories"));
        Assert.Contains("行政执法类", page, StringComparison.Ordinal);
        await (await office.PatchJsonAsync($"/api/v1/categories/{category}", new { name = "" })).ExpectFieldErrorAsync("name");
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task SectionMoved_WithWindowsAndStaff_TakesThemAlong_AndAFindingFromBeforeStillShowsTheOldUnit()
    {
        app.Clock.Set(MingchaApp.Start);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new InspectionKit(app, office);
        var unitA = await kit.UnitAsync("原单位" + Tag());
        var unitB = await kit.UnitAsync("新单位" + Tag());
        var hall = await CreateAsync(office, "/api/v1/sections", new { unitId = unitA, code = Code("hall"), name = "政务服务大厅", kind = "ServiceHall" });
        var window = await CreateAsync(office, "/api/v1/sections", new { unitId = unitA, code = Code("win"), name = "一号窗口", kind = "Window", parentSectionId = hall });
        var head = await CreateAsync(office, "/api/v1/staff", new { unitId = unitA, sectionId = hall, code = Code("st"), name = "大厅负责人", employment = "InService" });
        var clerk = await CreateAsync(office, "/api/v1/staff", new { unitId = unitA, sectionId = window, code = Code("st"), name = "窗口人员", employment = "Seconded" });
        var stays = await CreateAsync(office, "/api/v1/staff", new { unitId = unitA, code = Code("st"), name = "机关人员", employment = "InService" });
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var finding = await FindingAsync(kit, office, window, clerk);
        app.Clock.Advance(TimeSpan.FromDays(60));
        office = await app.ClientAsAsync(Roles.OfficeAdmin); // a new session: the first one has expired
        var moved = app.Clock.GetUtcNow().UtcDateTime;

        await (await office.PatchJsonAsync($"/api/v1/sections/{hall}", new { unitId = unitB })).ExpectAsync(HttpStatusCode.NoContent);

        // The hall, its window and their people are the new unit's; the window stays under its hall.
        var inB = await office.GetAsync<List<SectionDto>>($"/api/v1/units/{unitB}/sections");
        Assert.Equal([(hall, (Guid?)null), (window, hall)], inB.OrderBy(s => s.Kind == SectionKind.Window).Select(s => (s.Id, s.ParentSectionId)));
        Assert.Empty(await office.GetAsync<List<SectionDto>>($"/api/v1/units/{unitA}/sections"));
        var staffB = await office.GetAsync<List<StaffDto>>($"/api/v1/units/{unitB}/staff");
        Assert.Equal([(head, (Guid?)hall), (clerk, window)], staffB.OrderBy(s => s.Name == "窗口人员").Select(s => (s.Id, s.SectionId)));
        Assert.Equal([stays], (await office.GetAsync<List<StaffDto>>($"/api/v1/units/{unitA}/staff")).Select(s => s.Id));

        // The finding from before the move is still the old unit's, and its window and person read as they were.
        var after = (await office.GetAsync<List<FindingDto>>($"/api/v1/inspections/findings?visitId={finding.VisitId}")).Single(f => f.Id == finding.Id);
        Assert.Equal((unitA, window, (Guid?)clerk), (after.UnitId, after.SectionId, after.StaffId));
        Assert.Equal(unitA, (await office.GetAsync<SectionAsOfDto>($"/api/v1/sections/{window}/as-of?at={Iso(finding.RecordedAt)}")).UnitId);
        Assert.Equal(unitA, (await office.GetAsync<StaffAsOfDto>($"/api/v1/staff/{clerk}/as-of?at={Iso(finding.RecordedAt)}")).UnitId);
        Assert.Equal(unitB, (await office.GetAsync<StaffAsOfDto>($"/api/v1/staff/{clerk}/as-of?at={Iso(moved)}")).UnitId);
        foreach (var section in new[] { hall, window })
            Assert.Equal([unitA, unitB], (await office.GetAsync<List<SectionHistoryDto>>($"/api/v1/sections/{section}/history")).Select(h => h.UnitId));
        foreach (var person in new[] { head, clerk })
            Assert.Equal([(unitA, false), (unitB, true)], (await office.GetAsync<List<StaffHistoryDto>>($"/api/v1/staff/{person}/history")).Select(h => (h.UnitId, h.ValidFrom == moved)));
        Assert.Single(await office.GetAsync<List<StaffHistoryDto>>($"/api/v1/staff/{stays}/history"));

        // SEC-2 follows the person: the new unit's liaison sees them, the old unit's no longer does.
        var liaisonB = await app.ClientAsAsync(Roles.UnitLiaison, unitB);
        var liaisonA = await app.ClientAsAsync(Roles.UnitLiaison, unitA);
        Assert.Equal(2, (await liaisonB.GetAsync<List<StaffHistoryDto>>($"/api/v1/staff/{clerk}/history")).Count);
        await (await liaisonA.GetAsync($"/api/v1/staff/{clerk}/history")).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task SectionMove_WhenAStaffCodeIsTakenInTheTargetUnit_Refuses409Org1AndMovesNothing()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var unitA = await CreateAsync(office, "/api/v1/units", new { code = Code("a"), name = "甲局" });
        var unitB = await CreateAsync(office, "/api/v1/units", new { code = Code("b"), name = "乙局" });
        var hall = await CreateAsync(office, "/api/v1/sections", new { unitId = unitA, code = Code("hall"), name = "大厅", kind = "ServiceHall" });
        var window = await CreateAsync(office, "/api/v1/sections", new { unitId = unitA, code = Code("win"), name = "窗口", kind = "Window", parentSectionId = hall });
        var code = Code("E");
        var clerk = await CreateAsync(office, "/api/v1/staff", new { unitId = unitA, sectionId = window, code, name = "甲局窗口人员", employment = "InService" });
        await CreateAsync(office, "/api/v1/staff", new { unitId = unitB, code, name = "乙局同工号人员", employment = "InService" });

        var problem = await (await office.PatchJsonAsync($"/api/v1/sections/{hall}", new { name = "新大厅", unitId = unitB })).ExpectRuleAsync(HttpStatusCode.Conflict, "ORG-1");

        Assert.Contains(code, problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, (await office.GetAsync<List<SectionDto>>($"/api/v1/units/{unitA}/sections")).Count);
        Assert.Equal(("大厅", unitA), ((await office.GetAsync<SectionDto>($"/api/v1/sections/{hall}")).Name, (await office.GetAsync<SectionDto>($"/api/v1/sections/{hall}")).UnitId));
        Assert.Single(await office.GetAsync<List<SectionHistoryDto>>($"/api/v1/sections/{hall}/history"));
        Assert.Equal(unitA, (await office.GetAsync<StaffDto>($"/api/v1/staff/{clerk}")).UnitId);

        // The page shows the same refusal beside its form; once the person is moved to no section, the move goes through.
        var page = await office.PostFormAsync($"/Org/Section/{hall}", "Move", new() { ["Move.UnitId"] = unitB.ToString() });
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
        Assert.Contains("(ORG-1)", html, StringComparison.Ordinal);
        Assert.Contains(code, html, StringComparison.Ordinal);
        await (await office.PatchJsonAsync($"/api/v1/staff/{clerk}", new { clearSection = true })).ExpectAsync(HttpStatusCode.NoContent);
        var form = WebUtility.HtmlDecode(await office.GetStringAsync($"/Org/Section/{hall}"));
        Assert.Contains("下设的 1 个窗口或科室和 0 名工作人员随之划转", form, StringComparison.Ordinal);
        var ok = await office.PostFormAsync($"/Org/Section/{hall}", "Move", new() { ["Move.UnitId"] = unitB.ToString() });
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.Equal(2, (await office.GetAsync<List<SectionDto>>($"/api/v1/units/{unitB}/sections")).Count);
        Assert.Equal((unitA, (Guid?)null), ((await office.GetAsync<StaffDto>($"/api/v1/staff/{clerk}")).UnitId, (await office.GetAsync<StaffDto>($"/api/v1/staff/{clerk}")).SectionId));
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    [Trait("Rule", "ORG-2")]
    public async Task StaffPage_WhenOfficeEditsAPerson_WritesAVersionAndListsItInTheHistory()
    {
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var unit = await CreateAsync(office, "/api/v1/units", new { code = Code("u"), name = "页面局" });
        var section = await CreateAsync(office, "/api/v1/sections", new { unitId = unit, code = Code("s"), name = "综合科", kind = "InternalSection" });
        var person = await CreateAsync(office, "/api/v1/staff", new { unitId = unit, code = Code("st"), name = "钱多多", employment = "Contracted" });
        app.Clock.Advance(TimeSpan.FromMinutes(7));

        var posted = await office.PostFormAsync($"/Org/Staff/{person}", "Edit", new()
        {
            ["Edit.Name"] = "钱朵朵", ["Edit.Employment"] = "InService", ["Edit.SectionId"] = section.ToString(), ["Edit.Position"] = "科员",
        });

        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var history = await office.GetAsync<List<StaffHistoryDto>>($"/api/v1/staff/{person}/history");
        Assert.Equal([("钱多多", (Guid?)null, (string?)null), ("钱朵朵", section, "科员")], history.Select(h => (h.Name, h.SectionId, h.Position)));
        var unitPage = WebUtility.HtmlDecode(await office.GetStringAsync($"/Org/Unit/{unit}"));
        Assert.Contains($"/Org/Staff/{person}", unitPage, StringComparison.Ordinal);
        // A leader reads the page but has no form.
        var leader = await app.ClientAsAsync(Roles.Leader);
        var read = WebUtility.HtmlDecode(await leader.GetStringAsync($"/Org/Staff/{person}"));
        Assert.Contains("钱多多", read, StringComparison.Ordinal);
        Assert.DoesNotContain("Edit.Name", read, StringComparison.Ordinal);
    }

    /// <summary>
    /// ORG-1: 离岗. A staff member who leaves stays in the registry and the history keeps when; read as of before, they were
    /// in post. From then on nobody offers them: the grievance award's search finds no one, the year's badges pass them by.
    /// A departure recorded again adds nothing; a return is a version too. The page records both, the API with
    /// <c>active</c>; a leader reads and cannot.
    /// </summary>
    [Fact]
    [Trait("Rule", "ORG-1")]
    [Trait("Rule", "SAT-5")]
    public async Task StaffLeaving_IsAVersion_TheRecordsKeepThem_AndNothingNewOffersThem_UntilTheyReturn()
    {
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var unit = await CreateAsync(office, "/api/v1/units", new { code = Code("u"), name = "离岗局" });
        var name = "离岗" + Tag();
        var person = await CreateAsync(office, "/api/v1/staff", new { unitId = unit, code = Code("st"), name, employment = "InService" });
        var stays = await CreateAsync(office, "/api/v1/staff", new { unitId = unit, code = Code("st"), name = "在岗" + Tag(), employment = "InService" });
        var created = app.Clock.GetUtcNow().UtcDateTime;
        app.Clock.Advance(TimeSpan.FromMinutes(9));
        var left = app.Clock.GetUtcNow().UtcDateTime;

        var page = $"/Org/Staff/{person}";
        Assert.Contains("data-confirm", await office.GetStringAsync(page), StringComparison.Ordinal);
        // A hand-made post that says neither: a message, nothing recorded.
        Assert.Contains("请指明离岗还是返岗", await (await office.PostFormAsync(page, "Post", [])).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(await office.GetAsync<List<StaffHistoryDto>>($"/api/v1/staff/{person}/history"));
        var posted = await office.PostFormAsync(page, "Post", new() { ["active"] = "false" });
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var after = WebUtility.HtmlDecode(await office.GetStringAsync(page));
        Assert.Contains("已登记离岗", after, StringComparison.Ordinal);
        Assert.Matches($"<h1>{name}\\s*<span class=\"badge\">已离岗</span>\\s*</h1>", after);
        Assert.Contains("登记返岗", after, StringComparison.Ordinal);
        Assert.Equal(["在岗", "已离岗"], System.Text.RegularExpressions.Regex.Matches(after, "<td class=\"staff-state\">(.*?)</td>").Select(m => m.Groups[1].Value));
        Assert.Contains($"<a href=\"/Org/Staff/{person}\">{name}</a> <span class=\"badge\">已离岗</span>", WebUtility.HtmlDecode(await office.GetStringAsync($"/Org/Unit/{unit}")), StringComparison.Ordinal);

        var history = await office.GetAsync<List<StaffHistoryDto>>($"/api/v1/staff/{person}/history");
        Assert.Equal([(created, true), (left, false)], history.Select(h => (h.ValidFrom, h.Active)));
        Assert.True((await office.GetAsync<StaffAsOfDto>($"/api/v1/staff/{person}/as-of?at={Iso(left.AddMinutes(-1))}")).Active);
        Assert.False((await office.GetAsync<StaffAsOfDto>($"/api/v1/staff/{person}/as-of?at={Iso(left)}")).Active);
        Assert.False((await office.GetAsync<StaffDto>($"/api/v1/staff/{person}")).Active);
        Assert.Contains(person, (await office.GetAsync<List<StaffDto>>($"/api/v1/units/{unit}/staff")).Select(s => s.Id)); // still in the registry

        // Nothing new offers them: the grievance award's search, the year's badges.
        var search = WebUtility.HtmlDecode(await office.GetStringAsync($"/Ratings/Incentives?year=2026&StaffQuery={Uri.EscapeDataString(name)}"));
        Assert.Contains("未找到匹配的在职工作人员", search, StringComparison.Ordinal);
        await (await office.PostAsync("/api/v1/incentives/2026/badges", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NotFound, (await office.GetAsync($"/api/v1/incentives/2026/badges/{person}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await office.GetAsync($"/api/v1/incentives/2026/badges/{stays}")).StatusCode);

        // Recorded again (a second tab): no new version. A leader reads, and cannot record.
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await (await office.PatchJsonAsync($"/api/v1/staff/{person}", new { active = false })).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal(2, (await office.GetAsync<List<StaffHistoryDto>>($"/api/v1/staff/{person}/history")).Count);
        var leader = await app.ClientAsAsync(Roles.Leader);
        Assert.DoesNotContain("id=\"post-form\"", await leader.GetStringAsync(page), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await leader.PatchJsonAsync($"/api/v1/staff/{person}", new { active = true })).StatusCode);

        // Back in post: a version of its own, offered again.
        app.Clock.Advance(TimeSpan.FromDays(3));
        var back = app.Clock.GetUtcNow().UtcDateTime;
        office = await app.ClientAsAsync(Roles.OfficeStaff);
        Assert.Equal(HttpStatusCode.Redirect, (await office.PostFormAsync(page, "Post", new() { ["active"] = "true" })).StatusCode);
        Assert.Equal([(created, true), (left, false), (back, true)], (await office.GetAsync<List<StaffHistoryDto>>($"/api/v1/staff/{person}/history")).Select(h => (h.ValidFrom, h.Active)));
        Assert.True((await office.GetAsync<StaffDto>($"/api/v1/staff/{person}")).Active);
        Assert.Contains($">{name}", WebUtility.HtmlDecode(await office.GetStringAsync($"/Ratings/Incentives?year=2026&StaffQuery={Uri.EscapeDataString(name)}")), StringComparison.Ordinal);
    }

    /// <summary>
    /// ORG-1, decision 045: a window, a hall and a unit are closed (撤销) as a version of their history, only once nothing of
    /// them is open (the refusal says what is); a closed window takes no rating, no case and no new staff, its public page is
    /// gone, its records stay; opened again, it is a version too. Only the Office records either (SEC-1).
    /// </summary>
    [Fact]
    [Trait("Rule", "ORG-1")]
    [Trait("Rule", "SEC-1")]
    public async Task WindowHallAndUnit_AreClosedOnlyOnceNothingOfThemIsOpen_AsAVersion_AndAClosedWindowTakesNoRating()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var unitName = "撤销局" + Tag();
        var unit = await CreateAsync(office, "/api/v1/units", new { code = Code("u"), name = unitName });
        var sub = await CreateAsync(office, "/api/v1/units", new { code = Code("u"), name = "撤销局下属" + Tag(), parentUnitId = unit });
        var hall = await CreateAsync(office, "/api/v1/sections", new { unitId = unit, code = Code("h"), name = "政务大厅", kind = "ServiceHall" });
        var windowCode = Code("w");
        var window = await CreateAsync(office, "/api/v1/sections", new { unitId = unit, code = windowCode, name = "综合窗口", kind = "Window", parentSectionId = hall });
        var person = await CreateAsync(office, "/api/v1/staff", new { unitId = unit, sectionId = window, code = Code("st"), name = "窗口" + Tag(), employment = "InService" });
        var created = app.Clock.GetUtcNow().UtcDateTime;
        var (device, _) = await app.TokenClientAsync(unit, "ratings:write");
        Assert.Equal(HttpStatusCode.Created, (await device.PostJsonAsync("/api/v1/ratings", new { sectionId = window, level = 1 })).StatusCode);
        app.Clock.Advance(TimeSpan.FromMinutes(7));
        var closed = app.Clock.GetUtcNow().UtcDateTime;

        // The window still has a person in post: refused on the page, with what is open; nothing recorded.
        var page = $"/Org/Section/{window}";
        Assert.Contains("data-confirm=\"确认撤销“综合窗口”？\"", WebUtility.HtmlDecode(await office.GetStringAsync(page)), StringComparison.Ordinal);
        var refused = await office.PostFormAsync(page, "State", new() { ["active"] = "false" });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode); // the page again, the message beside the form
        Assert.Contains("“综合窗口”还有 1 名在岗人员", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Contains("请指明撤销还是恢复", await (await office.PostFormAsync(page, "State", [])).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(await office.GetAsync<List<SectionHistoryDto>>($"/api/v1/sections/{window}/history"));
        // The hall has the window open under it.
        var hallRefused = await office.PatchJsonAsync($"/api/v1/sections/{hall}", new { active = false });
        Assert.Equal(HttpStatusCode.Conflict, hallRefused.StatusCode);
        Assert.Contains("1 个在用的科室或窗口", await hallRefused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The person leaves; now the window closes: a version, the badge, the history's state, as-of either side.
        await (await office.PatchJsonAsync($"/api/v1/staff/{person}", new { active = false })).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal(HttpStatusCode.Redirect, (await office.PostFormAsync(page, "State", new() { ["active"] = "false" })).StatusCode);
        var shown = WebUtility.HtmlDecode(await office.GetStringAsync(page));
        Assert.Contains("已撤销：名录和以往记录中仍保留。", shown, StringComparison.Ordinal);
        Assert.Matches("<h1>综合窗口\\s*<span class=\"badge\">已撤销</span>\\s*</h1>", shown);
        Assert.Contains("恢复使用", shown, StringComparison.Ordinal);
        Assert.Equal(["在用", "已撤销"], System.Text.RegularExpressions.Regex.Matches(shown, "<td>(在用|已撤销)</td></tr>").Select(m => m.Groups[1].Value));
        Assert.Equal([(created, true), (closed, false)], (await office.GetAsync<List<SectionHistoryDto>>($"/api/v1/sections/{window}/history")).Select(h => (h.ValidFrom, h.Active)));
        Assert.True((await office.GetAsync<SectionAsOfDto>($"/api/v1/sections/{window}/as-of?at={Iso(closed.AddMinutes(-1))}")).Active);
        Assert.False((await office.GetAsync<SectionAsOfDto>($"/api/v1/sections/{window}/as-of?at={Iso(closed)}")).Active);
        Assert.False((await office.GetAsync<SectionDto>($"/api/v1/sections/{window}")).Active);
        Assert.Contains($"综合窗口</a> <span class=\"badge\">窗口</span> <span class=\"muted\">{windowCode}</span> <span class=\"badge\">已撤销</span>",
            WebUtility.HtmlDecode(await office.GetStringAsync($"/Org/Section/{hall}")), StringComparison.Ordinal);

        // A closed window takes no rating (at once), no case, no person, nothing under it; its QR page is gone; its rating stays.
        // What happened before the closure still comes in: an offline device's rating, a case pushed or imported late.
        Assert.Equal(HttpStatusCode.NotFound, (await device.PostJsonAsync("/api/v1/ratings", new { sectionId = window, level = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await device.PostJsonAsync("/api/v1/ratings", new { sectionId = window, level = 2, ratedAt = closed.AddMinutes(-2) })).StatusCode);
        var qr = await app.NewClient().GetAsync($"/Rate/{windowCode}"); // an old QR code still on the wall
        Assert.Equal(HttpStatusCode.Gone, qr.StatusCode);
        var qrPage = WebUtility.HtmlDecode(await qr.Content.ReadAsStringAsync());
        Assert.Contains("该窗口已撤销，不再接受评价。", qrPage, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"rate-form\"", qrPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await app.NewClient().GetAsync("/Rate/no-such-window")).StatusCode);
        var (system, _) = await app.TokenClientAsync(unit, "service-records:write");
        Assert.Equal(HttpStatusCode.BadRequest, (await system.PostJsonAsync("/api/v1/service-records",
            new { caseNumber = Code("c"), sectionId = window, finishedAt = closed.AddMinutes(1) })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await system.PostJsonAsync("/api/v1/service-records",
            new { caseNumber = Code("c"), sectionId = window, finishedAt = closed.AddMinutes(-3) })).StatusCode);
        string Local(DateTime utc) => utc.AddHours(8).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture); // office time, Beijing
        var late = await office.PostAsync("/api/v1/service-records/import", new StringContent(
            $"办件编号,窗口编码,办结时间\n{Code("c")},{windowCode},{Local(closed.AddMinutes(-5))}\n{Code("c")},{windowCode},{Local(closed.AddMinutes(2))}\n", System.Text.Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        var report = await late.Content.ReadAsStringAsync();
        Assert.Contains($"窗口“{windowCode}”已撤销，不能导入其撤销后办结的办件", report, StringComparison.Ordinal);
        Assert.Contains("\"row\":3", report, StringComparison.Ordinal);
        Assert.DoesNotContain("\"row\":2", report, StringComparison.Ordinal);
        var staffRefused = await office.PostJsonAsync("/api/v1/staff", new { unitId = unit, sectionId = window, code = Code("st"), name = "新人", employment = "InService" });
        Assert.Equal(HttpStatusCode.BadRequest, staffRefused.StatusCode);
        Assert.Contains("该科室（窗口）已撤销", await staffRefused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await office.PostJsonAsync("/api/v1/sections",
            new { unitId = unit, code = Code("w"), name = "子窗口", kind = "Window", parentSectionId = window })).StatusCode);
        // Nor is anyone seconded to it (ORG-7), nor a person who left.
        var official = await CreateAsync(office, "/api/v1/staff", new { unitId = sub, code = Code("st"), name = "挂职" + Tag(), employment = "Seconded" });
        foreach (var (who, says) in new[] { (official, "该网点已撤销"), (person, "该工作人员已离岗") })
        {
            var secondment = await office.PostJsonAsync("/api/v1/secondments", new { staffId = who, outletSectionId = window, title = "挂职副站长",
                start = "2026-12-01", end = "2027-05-31", targets = new[] { "办件零差评" } });
            Assert.Equal(HttpStatusCode.BadRequest, secondment.StatusCode);
            Assert.Contains(says, await secondment.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        await (await office.PatchJsonAsync($"/api/v1/staff/{official}", new { active = false })).ExpectAsync(HttpStatusCode.NoContent); // the sub-unit closes below
        Assert.Equal(2, await app.WithDbAsync(db => db.Ratings.CountAsync(r => r.SectionId == window)));
        Assert.Equal(1, await app.WithDbAsync(db => db.ServiceRecords.CountAsync(r => r.SectionId == window))); // the import stored nothing
        // The person cannot come back to the closed window; with another post (none), they can.
        var back = await office.PatchJsonAsync($"/api/v1/staff/{person}", new { active = true });
        Assert.Equal(HttpStatusCode.Conflict, back.StatusCode);
        Assert.Contains("其所在科室已撤销", await back.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await (await office.PatchJsonAsync($"/api/v1/staff/{person}", new { active = true, clearSection = true })).ExpectAsync(HttpStatusCode.NoContent);
        var reassigned = await office.PatchJsonAsync($"/api/v1/staff/{person}", new { sectionId = window });
        Assert.Equal(HttpStatusCode.BadRequest, reassigned.StatusCode);
        Assert.Contains("该科室（窗口）已撤销", await reassigned.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The unit: a sub-unit, the hall and the person are still open; named in the refusal.
        var unitPage = $"/Org/Unit/{unit}";
        var unitRefused = await office.PostFormAsync(unitPage, "State", new() { ["active"] = "false" });
        Assert.Equal(HttpStatusCode.OK, unitRefused.StatusCode); // the page again, the message beside the form
        Assert.Contains($"“{unitName}”还有 1 个下级单位、1 个在用的科室或窗口、1 名在岗人员", WebUtility.HtmlDecode(await unitRefused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        await (await office.PatchJsonAsync($"/api/v1/sections/{hall}", new { active = false })).ExpectAsync(HttpStatusCode.NoContent);
        await (await office.PatchJsonAsync($"/api/v1/staff/{person}", new { active = false })).ExpectAsync(HttpStatusCode.NoContent);
        await (await office.PatchJsonAsync($"/api/v1/units/{sub}", new { active = false })).ExpectAsync(HttpStatusCode.NoContent);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var unitClosed = app.Clock.GetUtcNow().UtcDateTime;
        Assert.Equal(HttpStatusCode.Redirect, (await office.PostFormAsync(unitPage, "State", new() { ["active"] = "false" })).StatusCode);
        Assert.Equal([true, false], (await office.GetAsync<List<UnitHistoryDto>>($"/api/v1/units/{unit}/history")).Select(h => h.Active));
        Assert.Equal(unitClosed, (await office.GetAsync<List<UnitHistoryDto>>($"/api/v1/units/{unit}/history"))[^1].ValidFrom);
        // The registry lists it with the closed ones, or when searched for; not among the units in use.
        Assert.Matches($"{unitName}</a>\\s*<span class=\"muted\">[^<]+</span>\\s*<span class=\"badge\">已撤销</span>", WebUtility.HtmlDecode(await office.GetStringAsync("/Org?closed=true")));
        Assert.Contains($"{unitName}</a>", WebUtility.HtmlDecode(await office.GetStringAsync($"/Org?q={Uri.EscapeDataString(unitName)}")), StringComparison.Ordinal);
        var registry = WebUtility.HtmlDecode(await office.GetStringAsync("/Org"));
        Assert.DoesNotContain(unitName, registry, StringComparison.Ordinal);
        Assert.Matches("含已撤销单位（[1-9]\\d* 个）", registry);
        Assert.Equal(HttpStatusCode.BadRequest, (await office.PostJsonAsync("/api/v1/sections", new { unitId = unit, code = Code("w"), name = "新窗口", kind = "Window" })).StatusCode);
        // This period's report and lists still reach the closed unit and window, marked; new records' pickers do not offer them.
        var day = DateOnly.FromDateTime(unitClosed.AddHours(8)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Contains($">{unitName}（已撤销）</option>", WebUtility.HtmlDecode(await office.GetStringAsync($"/Ratings/Report?from={day}&to={day}")), StringComparison.Ordinal);
        var list = WebUtility.HtmlDecode(await office.GetStringAsync($"/Ratings/List?from={day}&to={day}&unit={unit}"));
        Assert.Contains($"<option value=\"{window}\">综合窗口（已撤销）</option>", list, StringComparison.Ordinal);
        Assert.Contains($"<option value=\"{hall}\">政务大厅（已撤销）</option>", list, StringComparison.Ordinal);
        Assert.DoesNotContain(unitName, WebUtility.HtmlDecode(await office.GetStringAsync("/Complaints/File")), StringComparison.Ordinal);
        // Opening the window again needs its unit open, then its hall.
        Assert.Equal(HttpStatusCode.Conflict, (await office.PatchJsonAsync($"/api/v1/sections/{window}", new { active = true })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await office.PatchJsonAsync($"/api/v1/units/{sub}", new { active = true })).StatusCode); // under a closed unit

        // Only the Office: a leader reads the page without the form, and is refused.
        var leader = await app.ClientAsAsync(Roles.Leader);
        Assert.DoesNotContain("id=\"state-form\"", await leader.GetStringAsync(unitPage), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await leader.PatchJsonAsync($"/api/v1/units/{unit}", new { active = true })).StatusCode);
        var denied = await leader.PostFormAsync(unitPage, "State", new() { ["active"] = "true" });
        Assert.Equal("/Account/Denied", denied.Headers.Location?.AbsolutePath); // the access-denied page (decision 040)
        Assert.False((await office.GetAsync<UnitDto>($"/api/v1/units/{unit}")).Active);

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Redirect, (await office.PostFormAsync(unitPage, "State", new() { ["active"] = "true" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await office.PatchJsonAsync($"/api/v1/sections/{window}", new { active = true })).StatusCode); // the hall is closed
        await (await office.PatchJsonAsync($"/api/v1/sections/{hall}", new { active = true })).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal(HttpStatusCode.Redirect, (await office.PostFormAsync(page, "State", new() { ["active"] = "true" })).StatusCode);
        Assert.Equal([true, false, true], (await office.GetAsync<List<SectionHistoryDto>>($"/api/v1/sections/{window}/history")).Select(h => h.Active));
        Assert.Equal(HttpStatusCode.Created, (await device.PostJsonAsync("/api/v1/ratings", new { sectionId = window, level = 2 })).StatusCode);
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>A finding naming <paramref name="staff"/> on an accepted covert visit of <paramref name="section"/>.</summary>
    private static async Task<FindingDto> FindingAsync(InspectionKit kit, HttpClient office, Guid section, Guid staff)
    {
        await kit.EnsureCatalogueAsync(2026);
        var round = await kit.RoundAsync(2026, teamId: await kit.TeamAsync(await kit.ApprovedSupervisorAsync()));
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/targets", new { sectionIds = new[] { section }, reason = "人工指定（测试）" })).ExpectAsync(HttpStatusCode.OK);
        var visit = (await kit.VisitsOfAsync(round)).Single();
        await kit.DriveAsync(visit, VisitStatus.Accepted, new DateOnly(2026, 11, 10));
        var id = await kit.FindingAsync(visit, staffId: staff);
        return (await office.GetAsync<List<FindingDto>>($"/api/v1/inspections/findings?visitId={visit}")).Single(f => f.Id == id);
    }

    private static async Task<Guid> CreateAsync(HttpClient client, string path, object body) =>
        (await (await client.PostJsonAsync(path, body)).ReadAsync<IdDto>(HttpStatusCode.Created)).Id;

    private static string Code(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
    private static string Tag() => Guid.NewGuid().ToString("N")[..4];
    private static string Iso(DateTime utc) => Uri.EscapeDataString(utc.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture));

    private sealed record IdDto(Guid Id);
    private sealed record FindingDto(Guid Id, Guid VisitId, Guid UnitId, Guid SectionId, Guid? StaffId, DateTime RecordedAt);
}
