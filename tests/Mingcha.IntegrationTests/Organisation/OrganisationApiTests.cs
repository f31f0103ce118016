using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.IntegrationTests.Organisation;

/// <summary>The organisation registry over HTTP (ORG-1, ORG-2, ORG-3, ORG-6, SEC-4).</summary>
public sealed class OrganisationApiTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    /// <summary>
    /// ORG-1: a unit created by hand is checked as an imported one: its credit code is no other unit's (else the export could
    /// not be imported again) and its category's year is 2000 to 2100; refused, nothing is created.
    /// </summary>
    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task CreateUnit_WithAnotherUnitsCreditCodeOrAYearOutOfRange_IsRefused()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        const string credit = "91350100M000100Y43";
        await (await office.PostJsonAsync("/api/v1/units", new { code = Code("cc1"), name = "信用代码甲局", creditCode = credit })).ExpectAsync(HttpStatusCode.Created);
        var second = Code("cc2");
        await (await office.PostJsonAsync("/api/v1/units", new { code = second, name = "信用代码乙局", creditCode = credit })).ExpectFieldErrorAsync("creditCode");
        var farYear = Code("cc3");
        await (await office.PostJsonAsync("/api/v1/units", new { code = farYear, name = "远年局", year = 9999 })).ExpectFieldErrorAsync("year");
        Assert.False(await app.WithDbAsync(db => db.Units.AnyAsync(u => u.Code == second || u.Code == farYear)));
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    [Trait("Rule", "ORG-2")]
    public async Task CreateUnitSectionsAndStaff_WhenStaffAreOfEveryEmploymentType_AreAllListedUnderTheirUnit()
    {
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var category = await CreateAsync(office, "/api/v1/categories", new { code = Code("cat"), name = "综合管理类" });
        var unit = await (await office.PostJsonAsync("/api/v1/units", new { code = Code("rsj"), name = "人力资源和社会保障局", shortName = "人社局", categoryId = category, year = 2026 }))
            .ReadAsync<OrganisationApi.UnitDto>(HttpStatusCode.Created);
        Assert.Equal(category, unit.CategoryId);
        Assert.Equal("综合管理类", unit.CategoryName);

        var hall = await CreateAsync(office, "/api/v1/sections", new { unitId = unit.Id, code = Code("hall"), name = "政务服务大厅", kind = "ServiceHall", address = "人民路 1 号" });
        var window = await CreateAsync(office, "/api/v1/sections", new { unitId = unit.Id, code = Code("win"), name = "社保卡窗口", kind = "Window", parentSectionId = hall });
        var staff = new[] { ("InService", "在编人员"), ("Seconded", "借调人员"), ("Contracted", "合同制人员") };
        foreach (var (employment, name) in staff)
            await CreateAsync(office, "/api/v1/staff", new { unitId = unit.Id, sectionId = window, code = Code("st"), name, employment, position = "窗口工作人员" });

        var read = await office.GetAsync<OrganisationApi.UnitDto>($"/api/v1/units/{unit.Id}");
        Assert.Equal(("人力资源和社会保障局", "人社局", 2), (read.Name, read.ShortName, read.Sections));
        var sections = await office.GetAsync<List<OrganisationApi.SectionDto>>($"/api/v1/units/{unit.Id}/sections");
        Assert.Equal([SectionKind.ServiceHall, SectionKind.Window], sections.Select(s => s.Kind).Order());
        Assert.Equal(hall, sections.Single(s => s.Id == window).ParentSectionId);
        var people = await office.GetAsync<List<OrganisationApi.StaffDto>>($"/api/v1/units/{unit.Id}/staff");
        Assert.Equal([EmploymentType.InService, EmploymentType.Seconded, EmploymentType.Contracted], people.Select(p => p.Employment).Order());
        Assert.All(people, p => Assert.Equal(window, p.SectionId));
        var categories = await office.GetAsync<List<OrganisationApi.CategoryDto>>("/api/v1/categories?year=2026");
        Assert.Equal(1, categories.Single(c => c.Id == category).Units);
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task RenameAndMoveUnit_WhenDone_KeepEveryEarlierStateInItsHistory()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var cityA = await CreateAsync(office, "/api/v1/units", new { code = Code("gov"), name = "市政府" });
        var cityB = await CreateAsync(office, "/api/v1/units", new { code = Code("gov"), name = "市委" });
        var unit = await CreateAsync(office, "/api/v1/units", new { code = Code("gsj"), name = "工商行政管理局", parentUnitId = cityA });
        var created = app.Clock.GetUtcNow().UtcDateTime;

        app.Clock.Advance(TimeSpan.FromMinutes(10));
        await (await office.PatchJsonAsync($"/api/v1/units/{unit}", new { name = "市场监督管理局" })).ExpectAsync(HttpStatusCode.NoContent);
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        await (await office.PatchJsonAsync($"/api/v1/units/{unit}", new { parentUnitId = cityB })).ExpectAsync(HttpStatusCode.NoContent);
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        await (await office.PatchJsonAsync($"/api/v1/units/{unit}", new { moveToTop = true })).ExpectAsync(HttpStatusCode.NoContent);

        var history = await office.GetAsync<List<OrganisationApi.UnitHistoryDto>>($"/api/v1/units/{unit}/history");
        Assert.Equal(
        [
            (created, "工商行政管理局", (Guid?)cityA),
            (created.AddMinutes(10), "市场监督管理局", cityA),
            (created.AddMinutes(20), "市场监督管理局", cityB),
            (created.AddMinutes(30), "市场监督管理局", null),
        ], history.Select(h => (h.ValidFrom, h.Name, h.ParentUnitId)));
        var now = await office.GetAsync<OrganisationApi.UnitDto>($"/api/v1/units/{unit}");
        Assert.Equal(("市场监督管理局", (Guid?)null), (now.Name, now.ParentUnitId));
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task MoveUnit_WhenUnderItself_Refuses409Org1()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var unit = await CreateAsync(office, "/api/v1/units", new { code = Code("self"), name = "自我局" });

        await (await office.PatchJsonAsync($"/api/v1/units/{unit}", new { parentUnitId = unit })).ExpectRuleAsync(HttpStatusCode.Conflict, "ORG-1");
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task MoveUnit_WhenUnderOneOfItsOwnSubUnits_Refuses409Org1AndKeepsTheTree()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var top = await CreateAsync(office, "/api/v1/units", new { code = Code("top"), name = "市政府" });
        var middle = await CreateAsync(office, "/api/v1/units", new { code = Code("mid"), name = "市政府办公室", parentUnitId = top });
        var bottom = await CreateAsync(office, "/api/v1/units", new { code = Code("bot"), name = "市政务服务中心", parentUnitId = middle });

        await (await office.PatchJsonAsync($"/api/v1/units/{top}", new { parentUnitId = bottom })).ExpectRuleAsync(HttpStatusCode.Conflict, "ORG-1");
        await (await office.PatchJsonAsync($"/api/v1/units/{top}", new { parentUnitId = middle })).ExpectRuleAsync(HttpStatusCode.Conflict, "ORG-1");

        Assert.Null((await office.GetAsync<OrganisationApi.UnitDto>($"/api/v1/units/{top}")).ParentUnitId);
        Assert.Single(await office.GetAsync<List<OrganisationApi.UnitHistoryDto>>($"/api/v1/units/{top}/history"));
        // Moving down a branch that is not its own is fine.
        var other = await CreateAsync(office, "/api/v1/units", new { code = Code("oth"), name = "市委" });
        await (await office.PatchJsonAsync($"/api/v1/units/{middle}", new { parentUnitId = other })).ExpectAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task SectionRenamedAndMovedInOneChange_IsOneVersion_SoNoDateShowsTheHalfMadeChange()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var unitA = await CreateAsync(office, "/api/v1/units", new { code = Code("a"), name = "甲局" });
        var unitB = await CreateAsync(office, "/api/v1/units", new { code = Code("b"), name = "乙局" });
        var section = await CreateAsync(office, "/api/v1/sections", new { unitId = unitA, code = Code("sec"), name = "窗口一", kind = "Window" });
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var changed = app.Clock.GetUtcNow();

        await (await office.PatchJsonAsync($"/api/v1/sections/{section}", new { name = "综合窗口", unitId = unitB })).ExpectAsync(HttpStatusCode.NoContent);

        var history = await office.GetAsync<List<OrganisationApi.SectionHistoryDto>>($"/api/v1/sections/{section}/history");
        Assert.Equal([("窗口一", unitA), ("综合窗口", unitB)], history.Select(h => (h.Name, h.UnitId)));
        var asOf = await office.GetAsync<OrganisationApi.SectionAsOfDto>(
            $"/api/v1/sections/{section}/as-of?at={Uri.EscapeDataString(changed.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture))}");
        Assert.Equal(("综合窗口", unitB), (asOf.Name, asOf.UnitId));
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task SectionAsOf_WhenRenamedAndMovedSince_ShowsTheSectionAsItWasOnThatDate()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var unitA = await CreateAsync(office, "/api/v1/units", new { code = Code("a"), name = "甲局" });
        var unitB = await CreateAsync(office, "/api/v1/units", new { code = Code("b"), name = "乙局" });
        var t0 = app.Clock.GetUtcNow();
        var section = await CreateAsync(office, "/api/v1/sections", new { unitId = unitA, code = Code("sec"), name = "行政审批科", kind = "InternalSection" });

        app.Clock.Advance(TimeSpan.FromMinutes(20));
        await (await office.PatchJsonAsync($"/api/v1/sections/{section}", new { name = "行政审批服务科" })).ExpectAsync(HttpStatusCode.NoContent);
        app.Clock.Advance(TimeSpan.FromMinutes(20));
        await (await office.PatchJsonAsync($"/api/v1/sections/{section}", new { unitId = unitB })).ExpectAsync(HttpStatusCode.NoContent);

        async Task<OrganisationApi.SectionAsOfDto> AsOf(DateTimeOffset at) =>
            await office.GetAsync<OrganisationApi.SectionAsOfDto>($"/api/v1/sections/{section}/as-of?at={Uri.EscapeDataString(at.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture))}");
        Assert.Equal(("行政审批科", unitA), ((await AsOf(t0.AddMinutes(10))).Name, (await AsOf(t0.AddMinutes(10))).UnitId));
        Assert.Equal(("行政审批服务科", unitA), ((await AsOf(t0.AddMinutes(30))).Name, (await AsOf(t0.AddMinutes(30))).UnitId));
        Assert.Equal(("行政审批服务科", unitB), ((await AsOf(t0.AddMinutes(50))).Name, (await AsOf(t0.AddMinutes(50))).UnitId));
        var current = await office.GetAsync<OrganisationApi.SectionDto>($"/api/v1/sections/{section}");
        Assert.Equal(("行政审批服务科", unitB), (current.Name, current.UnitId));
        await (await office.GetAsync($"/api/v1/sections/{Guid.NewGuid()}/as-of?at=2026-01-01T00:00:00Z")).ExpectAsync(HttpStatusCode.NotFound);
    }

    /// <summary>
    /// ORG-1: a code is stored without its surrounding spaces, so the check that it is free compares it so too: a taken code
    /// with a space after it is refused naming the field (it was a 409 "changed at the same moment" from the unique index).
    /// </summary>
    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task Create_WithATakenCodeAndASpaceAfterIt_IsRefusedNamingTheCode()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var code = Code("sp");
        await CreateAsync(office, "/api/v1/categories", new { code, name = "空格类" });
        await (await office.PostJsonAsync("/api/v1/categories", new { code = code + " ", name = "空格类二" })).ExpectFieldErrorAsync("code");
        var unit = await CreateAsync(office, "/api/v1/units", new { code, name = "空格局" });
        await (await office.PostJsonAsync("/api/v1/units", new { code = " " + code + " ", name = "空格局二" })).ExpectFieldErrorAsync("code");
        await CreateAsync(office, "/api/v1/sections", new { unitId = unit, code, name = "空格科", kind = "InternalSection" });
        await (await office.PostJsonAsync("/api/v1/sections", new { unitId = unit, code = code + "  ", name = "空格科二", kind = "InternalSection" })).ExpectFieldErrorAsync("code");
        Assert.Equal(1, await app.WithDbAsync(db => db.Units.CountAsync(u => u.Code == code)));
    }

    /// <summary>
    /// ORG-1: the year a unit's category is set for, when the request names none, is the office's year: on 1 January at 07:00
    /// in Beijing (still 31 December in UTC) a new unit's category is the new year's, and the lists show that year.
    /// </summary>
    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task NewUnitsCategory_OnNewYearsMorningInBeijing_IsForTheNewYear()
    {
        var before = app.Clock.GetUtcNow();
        app.Clock.Set(new DateTimeOffset(2026, 12, 31, 23, 0, 0, TimeSpan.Zero));
        try
        {
            var office = await app.ClientAsAsync(Roles.OfficeAdmin);
            var category = await CreateAsync(office, "/api/v1/categories", new { code = Code("ny"), name = "新年类" });
            var unit = await CreateAsync(office, "/api/v1/units", new { code = Code("ny"), name = "新年局", categoryId = category });
            Assert.Equal(2027, (await app.WithDbAsync(db => db.UnitCategories.SingleAsync(x => x.UnitId == unit))).Year);
            Assert.Contains(await office.GetAsync<List<OrganisationApi.UnitDto>>($"/api/v1/units?categoryId={category}"), u => u.Id == unit);
            Assert.Equal(1, (await office.GetAsync<List<OrganisationApi.CategoryDto>>("/api/v1/categories")).Single(c => c.Id == category).Units);
        }
        finally
        {
            app.Clock.Set(before);
        }
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task UnitCategory_WhenReassignedForOneYear_ChangesThatYearOnlyAndKeepsOnePerYear()
    {
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var law = await CreateAsync(office, "/api/v1/categories", new { code = Code("law"), name = "行政执法类" });
        var mgmt = await CreateAsync(office, "/api/v1/categories", new { code = Code("mgmt"), name = "综合管理类" });
        var unit = await CreateAsync(office, "/api/v1/units", new { code = Code("u"), name = "交通运输局" });

        await (await office.PutJsonAsync($"/api/v1/units/{unit}/category", new { year = 2026, categoryId = law })).ExpectAsync(HttpStatusCode.NoContent);
        await (await office.PutJsonAsync($"/api/v1/units/{unit}/category", new { year = 2027, categoryId = law })).ExpectAsync(HttpStatusCode.NoContent);
        await (await office.PutJsonAsync($"/api/v1/units/{unit}/category", new { year = 2026, categoryId = mgmt })).ExpectAsync(HttpStatusCode.NoContent);

        Assert.Contains(await office.GetAsync<List<OrganisationApi.UnitDto>>($"/api/v1/units?year=2026&categoryId={mgmt}"), u => u.Id == unit);
        Assert.DoesNotContain(await office.GetAsync<List<OrganisationApi.UnitDto>>($"/api/v1/units?year=2026&categoryId={law}"), u => u.Id == unit);
        Assert.Contains(await office.GetAsync<List<OrganisationApi.UnitDto>>($"/api/v1/units?year=2027&categoryId={law}"), u => u.Id == unit);
        var cats2026 = await office.GetAsync<List<OrganisationApi.CategoryDto>>("/api/v1/categories?year=2026");
        Assert.Equal((0, 1), (cats2026.Single(c => c.Id == law).Units, cats2026.Single(c => c.Id == mgmt).Units));
        Assert.Equal(2, await app.WithDbAsync(db => db.UnitCategories.CountAsync(x => x.UnitId == unit)));
        await (await office.PutJsonAsync($"/api/v1/units/{unit}/category", new { year = 2026, categoryId = Guid.NewGuid() })).ExpectFieldErrorAsync("categoryId");
    }

    [Fact]
    [Trait("Rule", "ORG-3")]
    public async Task Team_WhenMembersAreApprovedAndLeaderIsOneOfThem_IsCreatedAndListed()
    {
        var admin = await app.ClientAsAsync(Roles.OfficeAdmin);
        var unit = await CreateAsync(admin, "/api/v1/units", new { code = Code("rec"), name = "推荐单位" });
        var a = await CreateAsync(admin, "/api/v1/supervisors", new { code = Code("sup"), name = "王监督", phone = "139 0000 1111", recommendedByUnitId = unit });
        var b = await CreateAsync(admin, "/api/v1/supervisors", new { code = Code("sup"), name = "李监督", recommendedByUnitId = unit });
        foreach (var s in new[] { a, b })
            await (await admin.PostAsync($"/api/v1/supervisors/{s}/approve", null)).ExpectAsync(HttpStatusCode.NoContent);

        var team = await (await admin.PostJsonAsync("/api/v1/teams", new { name = "第一督查组", task = "2026 年第四季度明查", members = new[] { a, b }, leaderId = b }))
            .ReadAsync<OrganisationApi.TeamDto>(HttpStatusCode.Created);

        var listed = (await admin.GetAsync<List<OrganisationApi.TeamDto>>("/api/v1/teams")).Single(t => t.Id == team.Id);
        Assert.Equal(b, listed.LeaderId);
        Assert.Equal(new[] { a, b }.Order(), listed.Members.Order());
        var supervisors = await admin.GetAsync<List<OrganisationApi.SupervisorDto>>("/api/v1/supervisors");
        Assert.All(supervisors.Where(s => s.Id == a || s.Id == b), s =>
        {
            Assert.Equal(SupervisorStatus.Approved, s.Status);
            Assert.Equal(unit, s.RecommendedByUnitId);
            Assert.Equal(app.Clock.GetUtcNow().UtcDateTime, s.ApprovedAt);
        });
    }

    [Fact]
    [Trait("Rule", "ORG-3")]
    public async Task Team_WhenLeaderIsNotAMember_Refuses409Org3()
    {
        var admin = await app.ClientAsAsync(Roles.OfficeAdmin);
        var member = await ApprovedSupervisorAsync(admin);
        var outsider = await ApprovedSupervisorAsync(admin);

        await (await admin.PostJsonAsync("/api/v1/teams", new { name = "组长不在组内", members = new[] { member }, leaderId = outsider })).ExpectRuleAsync(HttpStatusCode.Conflict, "ORG-3");

        Assert.DoesNotContain(await admin.GetAsync<List<OrganisationApi.TeamDto>>("/api/v1/teams"), t => t.Name == "组长不在组内");
    }

    [Fact]
    [Trait("Rule", "ORG-3")]
    public async Task Team_WhenASupervisorIsOnlyRecommended_Refuses409Org3()
    {
        var admin = await app.ClientAsAsync(Roles.OfficeAdmin);
        var approved = await ApprovedSupervisorAsync(admin);
        var recommended = await CreateAsync(admin, "/api/v1/supervisors", new { code = Code("sup"), name = "未批准" });

        await (await admin.PostJsonAsync("/api/v1/teams", new { name = "含未批准", members = new[] { approved, recommended }, leaderId = approved })).ExpectRuleAsync(HttpStatusCode.Conflict, "ORG-3");
        await (await admin.PostJsonAsync("/api/v1/teams", new { name = "空组", members = Array.Empty<Guid>(), leaderId = approved })).ExpectRuleAsync(HttpStatusCode.Conflict, "ORG-3");
        await (await admin.PostJsonAsync("/api/v1/teams", new { name = "无此人", members = new[] { approved, Guid.NewGuid() }, leaderId = approved })).ExpectFieldErrorAsync("members");
    }

    [Fact]
    [Trait("Rule", "ORG-3")]
    public async Task ApproveSupervisor_WhenAlreadyApprovedOrByOfficeStaff_IsRefused()
    {
        var admin = await app.ClientAsAsync(Roles.OfficeAdmin);
        var staff = await app.ClientAsAsync(Roles.OfficeStaff);
        var supervisor = await CreateAsync(staff, "/api/v1/supervisors", new { code = Code("sup"), name = "赵监督" });

        await (await staff.PostAsync($"/api/v1/supervisors/{supervisor}/approve", null)).ExpectAsync(HttpStatusCode.Forbidden);
        await (await admin.PostAsync($"/api/v1/supervisors/{supervisor}/approve", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await admin.PostAsync($"/api/v1/supervisors/{supervisor}/approve", null)).ExpectRuleAsync(HttpStatusCode.Conflict, "ORG-3");
        await (await admin.PostAsync($"/api/v1/supervisors/{Guid.NewGuid()}/approve", null)).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    [Trait("Rule", "INS-14")]
    [Trait("Rule", "ORG-6")]
    public async Task ServiceItem_WhenPromisedTimeExceedsStatutoryTime_Refuses409Ins14()
    {
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var code = Code("item");

        await (await office.PostJsonAsync("/api/v1/service-items", new { code, name = "工伤认定申请", statutoryDays = 60, promisedDays = 61 })).ExpectRuleAsync(HttpStatusCode.Conflict, "INS-14");

        Assert.DoesNotContain(await office.GetAsync<List<OrganisationApi.ServiceItemDto>>("/api/v1/service-items"), i => i.Code == code);
        var ok = await (await office.PostJsonAsync("/api/v1/service-items", new { code, name = "工伤认定申请", statutoryDays = 60, promisedDays = 60 }))
            .ReadAsync<OrganisationApi.ServiceItemDto>(HttpStatusCode.Created);
        Assert.Equal((60, 60), (ok.StatutoryDays, ok.PromisedDays));
    }

    [Fact]
    [Trait("Rule", "ORG-6")]
    public async Task SectionServiceItems_WhenMarkedMandatoryOrOptional_AreListedSoAndCanBeRemarked()
    {
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var unit = await CreateAsync(office, "/api/v1/units", new { code = Code("u"), name = "人社局" });
        var outlet = await CreateAsync(office, "/api/v1/sections", new { unitId = unit, code = Code("town"), name = "青石镇便民服务中心", kind = "TownshipOutlet" });
        var card = await CreateAsync(office, "/api/v1/service-items", new { code = Code("a"), name = "社会保障卡申领", statutoryDays = 20, promisedDays = 10 });
        var pension = await CreateAsync(office, "/api/v1/service-items", new { code = Code("b"), name = "城乡居民养老保险参保登记", statutoryDays = 5, promisedDays = 1 });

        await (await office.PutJsonAsync($"/api/v1/sections/{outlet}/service-items", new { serviceItemId = card, mandatory = true })).ExpectAsync(HttpStatusCode.NoContent);
        await (await office.PutJsonAsync($"/api/v1/sections/{outlet}/service-items", new { serviceItemId = pension, mandatory = false })).ExpectAsync(HttpStatusCode.NoContent);
        var offered = await office.GetAsync<List<OrganisationApi.SectionItemDto>>($"/api/v1/sections/{outlet}/service-items");
        Assert.Equal([(card, true), (pension, false)], offered.Select(i => (i.ServiceItemId, i.Mandatory)).OrderBy(x => x.Mandatory ? 0 : 1));

        await (await office.PutJsonAsync($"/api/v1/sections/{outlet}/service-items", new { serviceItemId = pension, mandatory = true })).ExpectAsync(HttpStatusCode.NoContent);
        offered = await office.GetAsync<List<OrganisationApi.SectionItemDto>>($"/api/v1/sections/{outlet}/service-items");
        Assert.Equal(2, offered.Count);
        Assert.All(offered, i => Assert.True(i.Mandatory));
        await (await office.PutJsonAsync($"/api/v1/sections/{outlet}/service-items", new { serviceItemId = Guid.NewGuid(), mandatory = true })).ExpectFieldErrorAsync("serviceItemId");
        await (await office.PutJsonAsync($"/api/v1/sections/{Guid.NewGuid()}/service-items", new { serviceItemId = card, mandatory = true })).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    [Trait("Rule", "SEC-4")]
    public async Task Staff_WhenCreatedOrListed_ShowsPhoneAndIdNumberMasked()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var liaisonUnit = await CreateAsync(office, "/api/v1/units", new { code = Code("u"), name = "民政局" });
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, liaisonUnit);

        var created = await office.PostJsonAsync("/api/v1/staff", new { unitId = liaisonUnit, code = Code("st"), name = "陈静", employment = "InService", phone = "+86 138-1234-5678", idNumber = "110101199003074477" });
        var createdText = await created.Content.ReadAsStringAsync();
        var staff = await created.ReadAsync<OrganisationApi.StaffDto>(HttpStatusCode.Created);

        Assert.Equal(("138****5678", "1101**********4477"), (staff.Phone, staff.IdNumber));
        foreach (var client in new[] { office, liaison })
        {
            var listed = await client.GetAsync($"/api/v1/units/{liaisonUnit}/staff");
            var text = await listed.Content.ReadAsStringAsync();
            await listed.ExpectAsync(HttpStatusCode.OK);
            Assert.Contains("138****5678", text, StringComparison.Ordinal);
            foreach (var full in new[] { "13812345678", "110101199003074477", "1234-5678" })
            {
                Assert.DoesNotContain(full, text, StringComparison.Ordinal);
                Assert.DoesNotContain(full, createdText, StringComparison.Ordinal);
            }
        }
        // Stored in full (normalised) for those who need it.
        var stored = await app.WithDbAsync(db => db.Staff.AsNoTracking().SingleAsync(s => s.Id == staff.Id));
        Assert.Equal(("13812345678", "110101199003074477"), (stored.Phone, stored.IdNumber));
    }

    [Theory]
    [Trait("Rule", "ORG-1")]
    [Trait("Rule", "ORG-2")]
    [InlineData("POST", "/api/v1/units", """{"name":"缺代码"}""", "code")]
    [InlineData("POST", "/api/v1/units", """{"code":5,"name":"类型错"}""", "code")]
    [InlineData("POST", "/api/v1/units", """{"code":"x-{tag}","name":"信用代码错","creditCode":"91350100M000100Y44"}""", "creditCode")]
    [InlineData("POST", "/api/v1/units", """{"code":"x-{tag}","name":"无此上级","parentUnitId":"0199a1b2-0000-7000-8000-000000000000"}""", "parentUnitId")]
    [InlineData("POST", "/api/v1/units", "{\"code\":\"x-{tag}\",\"name\":\"断了\"", "body")]
    [InlineData("POST", "/api/v1/units", """{"code":"x-{tag}","name":"{long}"}""", "name")]
    [InlineData("POST", "/api/v1/units", """{"code":"x-{tag}","name":"简称过长","shortName":"{long}"}""", "shortName")]
    [InlineData("PATCH", "/api/v1/units/{unit}", """{"parentUnitId":"not-a-guid"}""", "parentUnitId")]
    [InlineData("POST", "/api/v1/sections", """{"unitId":"{unit}","code":"s-{tag}","name":"窗口","kind":"Window","address":"{long}{long}"}""", "address")]
    [InlineData("POST", "/api/v1/staff", """{"unitId":"{unit}","code":"p-{tag}","name":"王五","position":"{long}"}""", "position")]
    [InlineData("POST", "/api/v1/sections", """{"unitId":"{unit}","code":"s-{tag}","name":"窗口","kind":"Kiosk"}""", "kind")]
    [InlineData("POST", "/api/v1/sections", """{"unitId":"{unit}","code":"s-{tag}","name":"窗口","kind":42}""", "kind")]
    [InlineData("POST", "/api/v1/sections", """{"unitId":"nope","code":"s-{tag}","name":"窗口","kind":"Window"}""", "unitId")]
    [InlineData("POST", "/api/v1/sections", """{"unitId":"{unit}","code":"s-{tag}","name":"窗口","kind":"Window","parentSectionId":"0199a1b2-0000-7000-8000-000000000000"}""", "parentSectionId")]
    [InlineData("POST", "/api/v1/staff", """{"unitId":"{unit}","code":"p-{tag}","name":"王五","employment":"Volunteer"}""", "employment")]
    [InlineData("POST", "/api/v1/staff", """{"unitId":"{unit}","code":"p-{tag}","name":"王五","phone":"12345"}""", "phone")]
    [InlineData("POST", "/api/v1/staff", """{"unitId":"{unit}","code":"p-{tag}","name":"王五","idNumber":"110101199003074478"}""", "idNumber")]
    [InlineData("POST", "/api/v1/staff", """{"unitId":"{unit}","code":"p-{tag}"}""", "name")]
    [InlineData("POST", "/api/v1/agencies", """{"name":"暗访公司","contractStart":"2026-13-01","contractEnd":"2026-12-31"}""", "contractStart")]
    [InlineData("POST", "/api/v1/service-items", """{"code":"i-{tag}","name":"事项","statutoryDays":"ten"}""", "statutoryDays")]
    [InlineData("PUT", "/api/v1/units/{unit}/category", """{"year":"二〇二六","categoryId":"0199a1b2-0000-7000-8000-000000000000"}""", "year")]
    public async Task Write_WhenBodyIsInvalid_Refuses400NamingTheField(string method, string path, string body, string field)
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var unit = await CreateAsync(office, "/api/v1/units", new { code = Code("u"), name = "测试局" });
        string Fill(string s) => s.Replace("{unit}", unit.ToString(), StringComparison.Ordinal)
            .Replace("{tag}", Guid.NewGuid().ToString("N")[..8], StringComparison.Ordinal)
            .Replace("{long}", new string('长', 201), StringComparison.Ordinal);

        var response = await office.SendAsync(new HttpRequestMessage(new HttpMethod(method), Fill(path)) { Content = Api.JsonBody(Fill(body)) });

        await response.ExpectFieldErrorAsync(field);
    }

    [Fact]
    [Trait("Rule", "ORG-4")]
    public async Task Agency_WhenContractEndsBeforeItStarts_Refuses409()
    {
        var office = await app.ClientAsAsync(Roles.OfficeStaff);

        await (await office.PostJsonAsync("/api/v1/agencies", new { name = "倒签公司", contractStart = "2026-12-31", contractEnd = "2026-01-01" })).ExpectRuleAsync(HttpStatusCode.Conflict, "ORG-4");
        var ok = await (await office.PostJsonAsync("/api/v1/agencies", new { name = "明察暗访咨询有限公司", creditCode = "91350100M000100Y43", contractStart = "2026-01-01", contractEnd = "2027-12-31" }))
            .ReadAsync<OrganisationApi.AgencyDto>(HttpStatusCode.Created);
        Assert.Contains(await office.GetAsync<List<OrganisationApi.AgencyDto>>("/api/v1/agencies"), a => a.Id == ok.Id && a.ContractEnd == new DateOnly(2027, 12, 31));
    }

    private static async Task<Guid> ApprovedSupervisorAsync(HttpClient admin)
    {
        var id = await CreateAsync(admin, "/api/v1/supervisors", new { code = Code("sup"), name = "监督员" });
        await (await admin.PostAsync($"/api/v1/supervisors/{id}/approve", null)).ExpectAsync(HttpStatusCode.NoContent);
        return id;
    }

    private static async Task<Guid> CreateAsync(HttpClient client, string path, object body) =>
        (await (await client.PostJsonAsync(path, body)).ReadAsync<IdDto>(HttpStatusCode.Created)).Id;

    private static string Code(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private sealed record IdDto(Guid Id);
}
