using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Identifiers;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Organisation.Import;
using static Mingcha.IntegrationTests.Organisation.TestWorkbook;

namespace Mingcha.IntegrationTests.Organisation;

/// <summary>Organisation import and export through HTTP, on the real app and database (SQLite or PostgreSQL).</summary>
public sealed class ImportTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    // ------------------------------------------------------------------ template and a valid import

    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task Template_WhenDownloaded_HasEverySheetAndReimportsWithoutErrors()
    {
        var client = await app.ClientAsAsync(Roles.OfficeStaff);
        var response = await client.GetAsync("/api/v1/org/import/template");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ExportOrganisation.ContentType, response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        var sheets = Read(bytes);
        Assert.Equal(["说明", "类别", "单位", "科室", "服务事项", "工作人员", "网点事项"], sheets.Keys);
        Assert.Equal(["代码", "名称", "简称", "统一社会信用代码", "上级单位代码", "类别代码", "年度", "状态"], sheets["单位"][0].Select(c => c ?? ""));
        Assert.StartsWith(ImportFormat.ExampleMarker, sheets["工作人员"][1][0], StringComparison.Ordinal);

        var before = await CountsAsync();
        var preview = await PreviewAsync(client, ("组织机构导入模板.xlsx", bytes));
        Assert.Equal(0, preview.ErrorCount);
        Assert.True(preview.CanCommit);
        Assert.All(preview.Sheets, s => Assert.Equal(0, s.Rows)); // the example rows are skipped
        var commit = await client.PostAsync($"/api/v1/org/import/{preview.ImportId}/commit", null);
        Assert.Equal(HttpStatusCode.OK, commit.StatusCode);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    [Trait("Rule", "ORG-2")]
    [Trait("Rule", "ORG-6")]
    public async Task Import_WhenWorkbookIsValid_PreviewsThenCommitsAndRecordsAppear()
    {
        var client = await app.ClientAsAsync(Roles.OfficeStaff);
        var p = Prefix();
        var before = await CountsAsync();

        var preview = await PreviewAsync(client, ("组织机构.xlsx", ValidWorkbook(p)));
        Assert.Equal(0, preview.ErrorCount);
        Assert.True(preview.CanCommit);
        Assert.Equal("Previewed", preview.Status);
        Assert.Equal(64, preview.Files.Single().Sha256!.Length);
        Assert.Equal((2, 0), Counts(preview, "单位"));
        Assert.Equal((3, 0), Counts(preview, "科室"));
        Assert.Equal((3, 0), Counts(preview, "工作人员"));
        var staffSample = preview.Sheets.Single(s => s.Sheet == "工作人员").Sample[0];
        Assert.Equal("138****8000", staffSample[6]); // SEC-4: the preview masks personal data too
        Assert.Equal(before, await CountsAsync()); // a preview writes nothing

        var commit = await client.PostAsync($"/api/v1/org/import/{preview.ImportId}/commit", null);
        Assert.Equal(HttpStatusCode.OK, commit.StatusCode);

        var units = (await client.GetFromJsonAsync<List<UnitDto>>($"/api/v1/units?q={p}"))!;
        Assert.Equal([$"{p}-U1", $"{p}-U2"], units.Select(u => u.Code));
        var u1 = units[0];
        var u2 = units[1];
        Assert.Equal("测试类别", u1.CategoryName); // ORG-1: the category of the current year
        Assert.Equal(u1.Id, u2.ParentUnitId);
        Assert.NotNull(u1.CreditCode);

        var sections = (await client.GetFromJsonAsync<List<SectionDto>>($"/api/v1/units/{u1.Id}/sections"))!;
        var hall = sections.Single(s => s.Code == $"{p}-H");
        var window = sections.Single(s => s.Code == $"{p}-W1");
        Assert.Equal("ServiceHall", hall.Kind);
        Assert.Equal("Window", window.Kind);
        Assert.Equal(hall.Id, window.ParentSectionId);

        // ORG-2: in-service, seconded and contracted staff; numbers stored normalised, shown masked.
        var staff = (await client.GetFromJsonAsync<List<StaffDto>>($"/api/v1/units/{u1.Id}/staff"))!;
        Assert.Equal(["E1", "E2"], staff.Select(s => s.Code));
        Assert.Equal("InService", staff[0].Employment);
        Assert.Equal(window.Id, staff[0].SectionId);
        Assert.Equal("138****8000", staff[0].Phone);
        Assert.Equal("1101**********002X", staff[0].IdNumber);
        Assert.Equal("Seconded", staff[1].Employment);
        var u2Staff = await client.GetFromJsonAsync<List<StaffDto>>($"/api/v1/units/{u2.Id}/staff");
        Assert.Equal("Contracted", Assert.Single(u2Staff!).Employment);
        var stored = await app.WithDbAsync(db => db.Staff.Where(s => s.UnitId == u1.Id && s.Code == "E2").Select(s => s.Phone).SingleAsync());
        Assert.Equal("01012345678", stored);

        // ORG-6: the catalogue and the window's items, mandatory as marked.
        var items = await client.GetFromJsonAsync<List<ItemDto>>("/api/v1/service-items");
        var item = items!.Single(i => i.Code == $"{p}-I1");
        Assert.Equal((20, 10), (item.StatutoryDays, item.PromisedDays));
        var windowItems = await client.GetFromJsonAsync<List<SectionItemDto>>($"/api/v1/sections/{window.Id}/service-items");
        Assert.True(Assert.Single(windowItems!).Mandatory);

        var status = await client.GetFromJsonAsync<ImportDto>($"/api/v1/org/import/{preview.ImportId}");
        Assert.Equal("Committed", status!.Status);
    }

    [Fact]
    [Trait("Rule", "SEC-3")]
    public async Task Commit_WhenDone_WritesOneSummaryAuditLineWithFileHashInsteadOfRowLines()
    {
        var client = await app.ClientAsAsync(Roles.OfficeStaff);
        var p = Prefix();
        var preview = await PreviewAsync(client, ("组织机构.xlsx", ValidWorkbook(p)));
        var auditBefore = await app.WithDbAsync(db => db.AuditEntries.CountAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/v1/org/import/{preview.ImportId}/commit", null)).StatusCode);

        var lines = await app.WithDbAsync(db => db.AuditEntries.OrderBy(a => a.Seq).Skip(auditBefore).ToListAsync());
        var line = Assert.Single(lines);
        Assert.Equal("import.organisation", line.Action);
        Assert.Equal(preview.ImportId.ToString(), line.EntityKey);
        Assert.Contains(preview.Files.Single().Sha256!, line.After, StringComparison.Ordinal);
        Assert.True(File.Exists(Directory.GetFiles(Path.Combine(app.Database.DataFolder, "imports", preview.ImportId.ToString())).Single()));
    }

    // ------------------------------------------------------------------ bad input: a row report, nothing written

    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task Import_WhenRequiredColumnMissing_ReportsSheetAndColumnAndWritesNothing()
    {
        var p = Prefix();
        var workbook = Build(new Sheet("单位", ["代码", "简称", "类别代码"], [$"{p}-U1", "某局", "LAW"]));
        await AssertRejectedAsync(("组织机构.xlsx", workbook), "单位", 1, "名称", "缺少必填列");
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task Import_WhenUnitCodeDuplicated_ReportsTheSecondRow()
    {
        var p = Prefix();
        var workbook = Build(new Sheet("单位", UnitHeader,
            [$"{p}-U1", "第一局", null, null, null, "LAW", null],
            [$"{p}-U1", "第二局", null, null, null, "LAW", null]));
        await AssertRejectedAsync(("组织机构.xlsx", workbook), "单位", 3, "代码", "与第 2 行重复");
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task Import_WhenParentUnitUnknown_ReportsTheRow()
    {
        var p = Prefix();
        var workbook = Build(new Sheet("单位", UnitHeader, [$"{p}-U1", "某局", null, null, $"{p}-NOPE", "LAW", null]));
        await AssertRejectedAsync(("组织机构.xlsx", workbook), "单位", 2, "上级单位代码", $"“{p}-NOPE”不存在");
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task Import_WhenUnitParentsFormCycle_ReportsTheCycle()
    {
        var p = Prefix();
        var workbook = Build(new Sheet("单位", UnitHeader,
            [$"{p}-A", "甲局", null, null, $"{p}-B", "LAW", null],
            [$"{p}-B", "乙局", null, null, $"{p}-A", "LAW", null]));
        await AssertRejectedAsync(("组织机构.xlsx", workbook), "单位", 2, "上级单位代码", "循环");
    }

    [Fact]
    [Trait("Rule", "ORG-2")]
    public async Task Import_WhenPhoneMalformed_ReportsTheStaffRow()
    {
        var workbook = Build(new Sheet("工作人员", StaffHeader,
            [HrUnit, "X1", "张三", "在编", null, null, 13800138000L, null],
            [HrUnit, "X2", "李四", "在编", null, null, "12345", null]));
        await AssertRejectedAsync(("组织机构.xlsx", workbook), "工作人员", 3, "手机", "政务服务热线");
    }

    [Fact]
    [Trait("Rule", "ORG-2")]
    public async Task Import_WhenIdNumberCheckDigitWrong_ReportsTheStaffRow()
    {
        var workbook = Build(new Sheet("工作人员", StaffHeader, [HrUnit, "X1", "张三", "在编", null, null, null, "110105194912310021"]));
        await AssertRejectedAsync(("组织机构.xlsx", workbook), "工作人员", 2, "身份证号", "校验码错误");
    }

    [Fact]
    [Trait("Rule", "ORG-2")]
    public async Task Import_WhenIdNumberStoredAsNumber_ReportsLostDigits()
    {
        var workbook = Build(new Sheet("工作人员", StaffHeader, [HrUnit, "X1", "张三", "在编", null, null, null, 110105194912310021d]));
        await AssertRejectedAsync(("组织机构.xlsx", workbook), "工作人员", 2, "身份证号", "存成了数字");
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task Import_WhenCreditCodeCheckCharacterWrong_ReportsTheUnitRow()
    {
        var p = Prefix();
        var good = CreditCodeFor(p);
        var bad = good[..17] + (good[17] == '1' ? '2' : '1');
        var workbook = Build(new Sheet("单位", UnitHeader, [$"{p}-U1", "某局", null, bad, null, "LAW", null]));
        await AssertRejectedAsync(("组织机构.xlsx", workbook), "单位", 2, "统一社会信用代码", "校验码错误");
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task Import_WhenSectionParentBelongsToAnotherUnit_ReportsTheRow()
    {
        var p = Prefix();
        var workbook = Build(new Sheet("科室", SectionHeader,
            [$"{p}-H", "大厅", "L01-GAJ", "服务大厅", null, null],
            [$"{p}-W", "窗口", HrUnit, "窗口", $"{p}-H", null]));
        await AssertRejectedAsync(("组织机构.xlsx", workbook), "科室", 3, "上级科室代码", "另一个单位");
    }

    /// <summary>
    /// ORG-1, decision 045: nothing new goes into a closed window or unit through the import either, while the file that
    /// lists them as they are (an export imported again) passes.
    /// </summary>
    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task Import_WhenAPersonOrSectionGoesIntoAClosedOne_ReportsTheRow_AndTheRegistryAsItIsPasses()
    {
        var p = Prefix();
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var unit = await (await office.PostJsonAsync("/api/v1/units", new { code = $"{p}-U", name = "撤销导入局" })).ReadAsync<Created>(HttpStatusCode.Created);
        var window = await (await office.PostJsonAsync("/api/v1/sections", new { unitId = unit.Id, code = $"{p}-W", name = "旧窗口", kind = "Window" })).ReadAsync<Created>(HttpStatusCode.Created);
        var person = await (await office.PostJsonAsync("/api/v1/staff", new { unitId = unit.Id, sectionId = window.Id, code = "X1", name = "张三", employment = "InService" }))
            .ReadAsync<Created>(HttpStatusCode.Created);
        await (await office.PatchJsonAsync($"/api/v1/staff/{person.Id}", new { active = false })).ExpectAsync(HttpStatusCode.NoContent);
        await (await office.PatchJsonAsync($"/api/v1/sections/{window.Id}", new { active = false })).ExpectAsync(HttpStatusCode.NoContent);

        var asItIs = await PreviewAsync(office, ("组织机构.xlsx", Build(new Sheet("工作人员", StaffHeader, [$"{p}-U", "X1", "张三", "在编", $"{p}-W", null, null, null]))));
        Assert.Equal(0, asItIs.ErrorCount);
        await AssertRejectedAsync(("组织机构.xlsx", Build(new Sheet("工作人员", StaffHeader,
            [$"{p}-U", "X1", "张三", "在编", $"{p}-W", null, null, null],
            [$"{p}-U", "X2", "李四", "在编", $"{p}-W", null, null, null]))), "工作人员", 3, "科室代码", $"科室“{p}-W”已撤销，不能调入人员");

        await (await office.PatchJsonAsync($"/api/v1/units/{unit.Id}", new { active = false })).ExpectAsync(HttpStatusCode.NoContent);
        await AssertRejectedAsync(("组织机构.xlsx", Build(new Sheet("科室", SectionHeader, [$"{p}-W2", "新窗口", $"{p}-U", "窗口", null, null]))),
            "科室", 2, "所属单位代码", $"单位“{p}-U”已撤销");
        await AssertRejectedAsync(("组织机构.xlsx", Build(new Sheet("工作人员", StaffHeader, [$"{p}-U", "X3", "王五", "合同", null, null, null, null]))),
            "工作人员", 2, "所属单位代码", $"单位“{p}-U”已撤销，不能新增人员");
    }

    /// <summary>
    /// ORG-1, decisions 044 and 045: the export says who is in post and which units and windows are closed; the staff
    /// sheet's 状态 records departures (离岗) and returns (返岗) as versions, a return only where there is an open post;
    /// a unit's or window's 状态 passes as it is, and any other is the row's error (closures are made on their pages).
    /// </summary>
    [Fact]
    [Trait("Rule", "ORG-1")]
    [Trait("Rule", "ORG-2")]
    public async Task Import_StaffStatus_RecordsDeparturesAndReturns_AndTheExportShowsEveryState()
    {
        var p = Prefix();
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var unit = await (await office.PostJsonAsync("/api/v1/units", new { code = $"{p}-U", name = "状态导入局" })).ReadAsync<Created>(HttpStatusCode.Created);
        var window = await (await office.PostJsonAsync("/api/v1/sections", new { unitId = unit.Id, code = $"{p}-W", name = "在用窗口", kind = "Window" })).ReadAsync<Created>(HttpStatusCode.Created);
        var old = await (await office.PostJsonAsync("/api/v1/sections", new { unitId = unit.Id, code = $"{p}-W2", name = "撤销窗口", kind = "Window" })).ReadAsync<Created>(HttpStatusCode.Created);
        async Task<Guid> PersonAsync(string code, string name, Guid section) => (await (await office.PostJsonAsync("/api/v1/staff",
            new { unitId = unit.Id, sectionId = section, code, name, employment = "InService" })).ReadAsync<Created>(HttpStatusCode.Created)).Id;
        var x1 = await PersonAsync("X1", "张一", window.Id);
        var x2 = await PersonAsync("X2", "张二", old.Id);
        await PersonAsync("X3", "张三", window.Id);
        await (await office.PatchJsonAsync($"/api/v1/staff/{x2}", new { active = false })).ExpectAsync(HttpStatusCode.NoContent);
        await (await office.PatchJsonAsync($"/api/v1/sections/{old.Id}", new { active = false })).ExpectAsync(HttpStatusCode.NoContent);

        var export = Read(await (await office.GetAsync("/api/v1/org/export")).Content.ReadAsByteArrayAsync());
        string? State(string sheet, int keyColumn, string key, string? unitCode = null)
        {
            var header = export[sheet][0];
            var row = export[sheet].Single(r => r[keyColumn] == key && (unitCode is null || r[0] == unitCode));
            return row[Array.IndexOf(header, "状态")];
        }
        Assert.Equal("在用", State("单位", 0, $"{p}-U"));
        Assert.Equal("在用", State("科室", 0, $"{p}-W"));
        Assert.Equal("已撤销", State("科室", 0, $"{p}-W2"));
        Assert.Equal("在岗", State("工作人员", 1, "X1", $"{p}-U"));
        Assert.Equal("离岗", State("工作人员", 1, "X2", $"{p}-U"));

        object?[] header = [.. StaffHeader, "状态"];
        app.Clock.Advance(TimeSpan.FromMinutes(1)); // a version per instant: the departure is one of its own
        // X1 leaves, X3 stays as they are (an empty state), X4 is listed as gone already.
        var preview = await PreviewAsync(office, ("组织机构.xlsx", Build(new Sheet("工作人员", header,
            [$"{p}-U", "X1", "张一", "在编", $"{p}-W", null, null, null, "离岗"],
            [$"{p}-U", "X3", "张三", "在编", $"{p}-W", null, null, null, null],
            [$"{p}-U", "X4", "张四", "合同", null, null, null, null, "离职"]))));
        Assert.Equal(0, preview.ErrorCount);
        Assert.Equal((1, 1, 1), Counts3(preview, "工作人员"));
        Assert.Equal(HttpStatusCode.OK, (await office.PostAsync($"/api/v1/org/import/{preview.ImportId}/commit", null)).StatusCode);
        var staff = (await office.GetFromJsonAsync<List<StaffDto>>($"/api/v1/units/{unit.Id}/staff"))!.ToDictionary(s => s.Code);
        Assert.Equal((false, false, true, false), (staff["X1"].Active, staff["X2"].Active, staff["X3"].Active, staff["X4"].Active));
        var history = await office.GetAsync<List<StaffHistoryDto>>($"/api/v1/staff/{x1}/history");
        Assert.Equal([true, false], history.Select(v => v.Active)); // ORG-1: the departure is a version; the history keeps the post

        // X2's window is closed: back in post only with an open one.
        await AssertRejectedAsync(("组织机构.xlsx", Build(new Sheet("工作人员", header, [$"{p}-U", "X2", "张二", "在编", $"{p}-W2", null, null, null, "在岗"]))),
            "工作人员", 2, "状态", $"其所在科室“{p}-W2”已撤销，请同时为其填写在用的科室代码");
        await AssertRejectedAsync(("组织机构.xlsx", Build(new Sheet("工作人员", header, [$"{p}-U", "X2", "张二", "在编", $"{p}-W", null, null, null, "休假"]))),
            "工作人员", 2, "状态", "状态“休假”无法识别");
        await ImportAsync(office, Build(new Sheet("工作人员", header, [$"{p}-U", "X2", "张二", "在编", $"{p}-W", null, null, null, "在岗"])));
        staff = (await office.GetFromJsonAsync<List<StaffDto>>($"/api/v1/units/{unit.Id}/staff"))!.ToDictionary(s => s.Code);
        Assert.Equal((true, window.Id), (staff["X2"].Active, staff["X2"].SectionId));

        // Units and windows given as they are change nothing.
        object?[] sectionHeader = [.. SectionHeader, "状态"];
        var asItIs = await PreviewAsync(office, ("组织机构.xlsx", Build(new Sheet("科室", sectionHeader,
            [$"{p}-W", "在用窗口", $"{p}-U", "窗口", null, null, "在用"], [$"{p}-W2", "撤销窗口", $"{p}-U", "窗口", null, null, "已撤销"]))));
        Assert.Equal((0, (0, 0, 2)), (asItIs.ErrorCount, Counts3(asItIs, "科室")));
    }

    /// <summary>
    /// ORG-1, decision 045: a reorganisation in one file. A unit, its hall and window are closed and its people recorded as
    /// departed together, each a version; refused, on the rows that ask and with what is still open once the whole file is
    /// applied, while anything under them stays open; reopened top down, a window of a closed unit refused.
    /// </summary>
    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task Import_ClosesAUnitWithItsHallWindowAndPeopleInOneFile_OnlyOnceNothingIsLeftOpen_AndReopensThem()
    {
        var p = Prefix();
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var category = await office.CreateAsync("/api/v1/categories", new { code = $"{p}-C", name = "撤并类别" });
        var unit = await office.CreateAsync("/api/v1/units", new { code = $"{p}-U", name = "撤并局", categoryId = category });
        var hall = await office.CreateAsync("/api/v1/sections", new { unitId = unit, code = $"{p}-H", name = "撤并大厅", kind = "ServiceHall" });
        var window = await office.CreateAsync("/api/v1/sections", new { unitId = unit, code = $"{p}-W", name = "撤并窗口", kind = "Window", parentSectionId = hall });
        await office.CreateAsync("/api/v1/staff", new { unitId = unit, sectionId = window, code = "P1", name = "王一", employment = "InService" });
        await office.CreateAsync("/api/v1/staff", new { unitId = unit, code = "P2", name = "王二", employment = "Contracted" });
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        object?[] unitHeader = [.. UnitHeader, "状态"];
        object?[] sectionHeader = [.. SectionHeader, "状态"];
        object?[] staffHeader = [.. StaffHeader, "状态"];
        Sheet Units(string state) => new("单位", unitHeader, [$"{p}-U", "撤并局", null, null, null, $"{p}-C", null, state]);
        Sheet Sections(string hallState, string windowState) => new("科室", sectionHeader,
            [$"{p}-H", "撤并大厅", $"{p}-U", "服务大厅", null, null, hallState], [$"{p}-W", "撤并窗口", $"{p}-U", "窗口", $"{p}-H", null, windowState]);

        // The window and a person stay: the unit's row names both, the hall's its window.
        await AssertRejectedAsync(("组织机构.xlsx", Build(Units("已撤销"), Sections("已撤销", "在用"), new Sheet("工作人员", staffHeader,
            [$"{p}-U", "P2", "王二", "合同", null, null, null, null, "离岗"]))),
            "单位", 2, "状态", "“撤并局”还有 1 个在用的科室或窗口、1 名在岗人员");
        await AssertRejectedAsync(("组织机构.xlsx", Build(Sections("已撤销", "在用"))), "科室", 2, "状态", "“撤并大厅”还有 1 个在用的科室或窗口");
        // A person in the window it closes: the window's row (and the person cannot be placed into it either).
        await AssertRejectedAsync(("组织机构.xlsx", Build(Sections("在用", "已撤销"))), "科室", 3, "状态", "“撤并窗口”还有 1 名在岗人员");
        Assert.True(await app.WithDbAsync(db => db.Units.Where(u => u.Id == unit).Select(u => u.Active).SingleAsync()));

        // All of it together: closed, the people departed, one version each.
        var preview = await PreviewAsync(office, ("组织机构.xlsx", Build(Units("已撤销"), Sections("已撤销", "已撤销"), new Sheet("工作人员", staffHeader,
            [$"{p}-U", "P1", "王一", "在编", $"{p}-W", null, null, null, "离岗"], [$"{p}-U", "P2", "王二", "合同", null, null, null, null, "离岗"]))));
        Assert.Equal(0, preview.ErrorCount);
        Assert.Equal((0, 1, 0), Counts3(preview, "单位"));
        Assert.Equal((0, 2, 0), Counts3(preview, "科室"));
        Assert.Equal(HttpStatusCode.OK, (await office.PostAsync($"/api/v1/org/import/{preview.ImportId}/commit", null)).StatusCode);
        Assert.Equal((false, false, false, 0), await app.WithDbAsync(async db => (
            await db.Units.Where(u => u.Id == unit).Select(u => u.Active).SingleAsync(),
            await db.Sections.Where(x => x.Id == hall).Select(x => x.Active).SingleAsync(),
            await db.Sections.Where(x => x.Id == window).Select(x => x.Active).SingleAsync(),
            await db.Staff.CountAsync(x => x.UnitId == unit && x.Active))));
        var history = await office.GetAsync<List<HistoryDto>>($"/api/v1/units/{unit}/history");
        Assert.Equal([true, false], history.Select(v => v.Active));

        // Reopened top down; a window of a closed unit is refused; the people stay departed.
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await AssertRejectedAsync(("组织机构.xlsx", Build(Sections("在用", "已撤销"))), "科室", 2, "状态", "所属单位已撤销");
        await AssertRejectedAsync(("组织机构.xlsx", Build(new Sheet("单位", unitHeader, [$"{p}-U2", "撤并局下属中心", null, null, $"{p}-U", $"{p}-C", null, null]))),
            "单位", 2, "上级单位代码", $"上级单位“{p}-U”已撤销");
        await ImportAsync(office, Build(Units("在用")));
        await AssertRejectedAsync(("组织机构.xlsx", Build(Sections("已撤销", "在用"))), "科室", 3, "状态", "上级科室已撤销");
        await AssertRejectedAsync(("组织机构.xlsx", Build(new Sheet("科室", sectionHeader, [$"{p}-W9", "新窗口", $"{p}-U", "窗口", $"{p}-H", null, null]))),
            "科室", 2, "上级科室代码", $"上级科室“{p}-H”已撤销");
        await ImportAsync(office, Build(Sections("在用", "在用")));
        Assert.Equal((true, true, true, 0), await app.WithDbAsync(async db => (
            await db.Units.Where(u => u.Id == unit).Select(u => u.Active).SingleAsync(),
            await db.Sections.Where(x => x.Id == hall).Select(x => x.Active).SingleAsync(),
            await db.Sections.Where(x => x.Id == window).Select(x => x.Active).SingleAsync(),
            await db.Staff.CountAsync(x => x.UnitId == unit && x.Active))));
    }

    private static (int Create, int Update, int Unchanged) Counts3(PreviewDto preview, string sheet)
    {
        var s = preview.Sheets.Single(x => x.Sheet == sheet);
        return (s.Create, s.Update, s.Unchanged);
    }

    /// <summary>
    /// ORG-1, SAT-8, decision 046: a window the import moves to another unit takes that unit's ratings from the next
    /// request, and the old unit's devices and people no longer reach it. The rating intake keeps the windows in memory;
    /// before, it went on with the old unit for up to a minute after the import committed.
    /// </summary>
    [Fact]
    [Trait("Rule", "ORG-1")]
    [Trait("Rule", "SAT-8")]
    public async Task Import_WhenItMovesAWindowToAnotherUnit_TheNextRatingIsTheNewUnits()
    {
        var p = Prefix();
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var (unitA, unitB, window) = await office.TwoUnitsAndAWindowAsync(p);
        var (deviceA, _) = await app.TokenClientAsync(unitA, "ratings:write");
        var (deviceB, _) = await app.TokenClientAsync(unitB, "ratings:write");
        var liaisonB = await app.ClientAsAsync(Roles.UnitLiaison, unitB);
        var period = "from=2026-11-01&to=2026-11-30";

        // The intake holds the window as the unit A's.
        Assert.Equal(HttpStatusCode.Created, (await deviceA.PostJsonAsync("/api/v1/ratings", new { sectionId = window, level = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await deviceB.PostJsonAsync("/api/v1/ratings", new { sectionId = window, level = 1 })).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await liaisonB.GetAsync($"/api/v1/satisfaction/sections/{window}?{period}")).StatusCode);

        var preview = await PreviewAsync(office, ("组织机构.xlsx", Build(new Sheet("科室", SectionHeader, [$"{p}-W", "划转窗口", $"{p}-B", "窗口", null, null]))));
        Assert.Equal(0, preview.ErrorCount);
        Assert.Equal(HttpStatusCode.OK, (await office.PostAsync($"/api/v1/org/import/{preview.ImportId}/commit", null)).StatusCode);

        var id = (await (await deviceB.PostJsonAsync("/api/v1/ratings", new { sectionId = window, level = 2 })).ReadAsync<Created>(HttpStatusCode.Created)).Id;
        Assert.Equal(unitB, await app.WithDbAsync(db => db.Ratings.Where(r => r.Id == id).Select(r => r.UnitId).SingleAsync()));
        Assert.Equal(HttpStatusCode.Forbidden, (await deviceA.PostJsonAsync("/api/v1/ratings", new { sectionId = window, level = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await liaisonB.GetAsync($"/api/v1/satisfaction/sections/{window}?{period}")).StatusCode);
        var liaisonA = await app.ClientAsAsync(Roles.UnitLiaison, unitA);
        Assert.NotEqual(HttpStatusCode.OK, (await liaisonA.GetAsync($"/api/v1/satisfaction/sections/{window}?{period}")).StatusCode);
        // The rating made before the move stays the unit A's (ORG-1: a record keeps the unit it was made for).
        Assert.Equal([unitA, unitB], await app.WithDbAsync(db => db.Ratings.Where(r => r.SectionId == window).OrderBy(r => r.ReceivedAt).Select(r => r.UnitId).ToListAsync()));
    }

    [Fact]
    [Trait("Rule", "ORG-2")]
    public async Task Import_WhenStaffCodeRepeatsWithinUnit_ReportsIt()
    {
        var workbook = Build(new Sheet("工作人员", StaffHeader,
            [HrUnit, "X1", "张三", "在编", null, null, null, null],
            ["L01-GAJ", "X1", "李四", "借调", null, null, null, null], // another unit: allowed
            [HrUnit, "X1", "王五", "合同", null, null, null, null]));
        await AssertRejectedAsync(("组织机构.xlsx", workbook), "工作人员", 4, "工号", "与第 2 行重复");
    }

    [Fact]
    [Trait("Rule", "ORG-6")]
    [Trait("Rule", "INS-14")]
    public async Task Import_WhenPromisedLongerThanStatutory_ReportsTheItem()
    {
        var p = Prefix();
        var workbook = Build(new Sheet("服务事项", ["代码", "名称", "责任单位代码", "法定时限", "承诺时限"], [$"{p}-I", "某事项", HrUnit, 5L, 10L]));
        await AssertRejectedAsync(("组织机构.xlsx", workbook), "服务事项", 2, "承诺时限", "INS-14");
    }

    [Fact]
    public async Task Import_WhenFileIsOver50MB_RefusesItWithoutReadingIt()
    {
        var big = new byte[ImportFormat.MaxFileBytes + 1024];
        "PK\x03\x04"u8.CopyTo(big);
        await AssertRejectedAsync(("组织机构.xlsx", big), "组织机构.xlsx", null, null, "超过 50 MB");
    }

    [Fact]
    public async Task Import_WhenTextFileIsNamedXlsx_ReportsItIsNotAWorkbook()
    {
        await AssertRejectedAsync(("组织机构.xlsx", "代码,名称\nA,B\n"u8.ToArray()), "组织机构.xlsx", null, null, "不是 Excel 工作簿");
    }

    [Fact]
    public async Task Import_WhenZipIsNotAWorkbook_ReportsIt()
    {
        using var buffer = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        using (var entry = zip.CreateEntry("hello.txt").Open())
            entry.Write("hello"u8);
        await AssertRejectedAsync(("组织机构.xlsx", buffer.ToArray()), "组织机构.xlsx", null, null, "不是有效的 Excel 工作簿");
    }

    [Fact]
    public async Task Import_WhenSheetXmlIsDamaged_ReportsTheSheetAsUnreadable()
    {
        var workbook = Build(new Sheet("工作人员", StaffHeader, [HrUnit, "X1", "张三", "在编", null, null, null, null]));
        using var buffer = new MemoryStream();
        buffer.Write(workbook);
        using (var zip = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Update, leaveOpen: true))
        {
            var sheet = zip.Entries.Single(e => e.FullName.StartsWith("xl/worksheets/", StringComparison.Ordinal));
            sheet.Delete();
            using var damaged = zip.CreateEntry(sheet.FullName).Open();
            damaged.Write("<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>所属"u8);
        }
        await AssertRejectedAsync(("组织机构.xlsx", buffer.ToArray()), "工作人员", null, null, "无法读取");
    }

    [Fact]
    public async Task Import_WhenCsvQuoteIsNeverClosed_ReportsRowsInsteadOfFailing()
    {
        var csv = Encoding.UTF8.GetBytes("所属单位代码,工号,姓名,用工类型\r\n" + HrUnit + ",\"X1,张三,在编\r\n" + new string('x', 2_000_000) + "\r\n");
        var client = await app.ClientAsAsync(Roles.OfficeStaff);
        var before = await CountsAsync();
        var preview = await PreviewAsync(client, ("工作人员.csv", csv));
        Assert.True(preview.ErrorCount > 0);
        Assert.False(preview.CanCommit);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Import_WhenSheetNameUnknown_ReportsIt()
    {
        var workbook = Build(new Sheet("人员名单", ["姓名"], ["张三"]));
        await AssertRejectedAsync(("组织机构.xlsx", workbook), "人员名单", null, null, "无法识别的工作表");
    }

    [Fact]
    [Trait("Rule", "ORG-2")]
    public async Task Import_WhenCsvIsGb18030_ReadsTheChineseAndReportsRows()
    {
        var csv = Gb18030("所属单位代码,工号,姓名,用工类型\r\n" + HrUnit + ",X1,欧阳娜娜,在编\r\n不存在的单位,X2,张三,借调\r\n");
        await AssertRejectedAsync(("工作人员.csv", csv), "工作人员.csv", 3, "所属单位代码", "单位代码“不存在的单位”不存在");
    }

    [Fact]
    [Trait("Rule", "ORG-2")]
    public async Task Import_WhenGb18030CsvIsValid_AddsStaffToExistingUnit()
    {
        var client = await app.ClientAsAsync(Roles.OfficeStaff);
        var code = "G" + Prefix();
        var csv = Gb18030($"所属单位代码,工号,姓名,用工类型,手机\r\n{HrUnit},{code},欧阳娜娜,借调,139 0000 1234\r\n");
        var preview = await PreviewAsync(client, ("工作人员.csv", csv));
        Assert.Equal(0, preview.ErrorCount);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/v1/org/import/{preview.ImportId}/commit", null)).StatusCode);

        var hr = await app.WithDbAsync(db => db.Units.Where(u => u.Code == HrUnit).Select(u => u.Id).SingleAsync());
        var staff = await client.GetFromJsonAsync<List<StaffDto>>($"/api/v1/units/{hr}/staff");
        var person = staff!.Single(s => s.Code == code);
        Assert.Equal("欧阳娜娜", person.Name);
        Assert.Equal("Seconded", person.Employment);
    }

    // ------------------------------------------------------------------ commit rules, permissions, history

    [Fact]
    public async Task Commit_WhenAlreadyCommitted_Returns409()
    {
        var client = await app.ClientAsAsync(Roles.OfficeStaff);
        var preview = await PreviewAsync(client, ("组织机构.xlsx", ValidWorkbook(Prefix())));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/v1/org/import/{preview.ImportId}/commit", null)).StatusCode);
        var counts = await CountsAsync();

        var again = await client.PostAsync($"/api/v1/org/import/{preview.ImportId}/commit", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        Assert.Equal(counts, await CountsAsync());
    }

    [Fact]
    public async Task Commit_WhenImportUnknown_Returns404()
    {
        var client = await app.ClientAsAsync(Roles.OfficeStaff);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/v1/org/import/{Guid.NewGuid()}/commit", null)).StatusCode);
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public async Task ImportAndExport_WhenUserIsUnitLiaison_Return403()
    {
        var hr = await app.WithDbAsync(db => db.Units.Where(u => u.Code == HrUnit).Select(u => u.Id).SingleAsync());
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, hr);
        Assert.Equal(HttpStatusCode.Forbidden, (await liaison.GetAsync("/api/v1/org/import/template")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await liaison.PostAsync("/api/v1/org/import", Files(("组织机构.xlsx", ValidWorkbook(Prefix()))))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await liaison.PostAsync($"/api/v1/org/import/{Guid.NewGuid()}/commit", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await liaison.GetAsync("/api/v1/org/export")).StatusCode);
        var page = await liaison.GetAsync("/Org/Import");
        Assert.True(page.StatusCode == HttpStatusCode.Forbidden
            || page.Headers.Location?.OriginalString.Contains("/Account/Denied", StringComparison.Ordinal) == true);
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task Import_WhenUnitRenamedAndMoved_KeepsItsHistory()
    {
        var client = await app.ClientAsAsync(Roles.OfficeStaff);
        var p = Prefix();
        await ImportAsync(client, Build(new Sheet("单位", UnitHeader,
            [$"{p}-U", "旧名称局", null, null, null, "LAW", null],
            [$"{p}-P", "上级局", null, null, null, "LAW", null])));
        var id = await app.WithDbAsync(db => db.Units.Where(u => u.Code == $"{p}-U").Select(u => u.Id).SingleAsync());
        app.Clock.Advance(TimeSpan.FromMinutes(1));

        var preview = await PreviewAsync(client, ("组织机构.xlsx", Build(new Sheet("单位", UnitHeader,
            [$"{p}-U", "新名称局", null, null, $"{p}-P", "MGMT", null]))));
        Assert.Equal((0, 1), Counts(preview, "单位"));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/v1/org/import/{preview.ImportId}/commit", null)).StatusCode);

        var history = await client.GetFromJsonAsync<List<HistoryDto>>($"/api/v1/units/{id}/history");
        // The rename and the move of one import are one version (no date shows the new name under the old parent);
        // the first version is untouched.
        var parent = await app.WithDbAsync(db => db.Units.Where(u => u.Code == $"{p}-P").Select(u => u.Id).SingleAsync());
        Assert.Equal([("旧名称局", (Guid?)null), ("新名称局", parent)], history!.Select(h => (h.Name, h.ParentUnitId)));
        var unit = await client.GetFromJsonAsync<UnitDto>($"/api/v1/units/{id}");
        Assert.Equal("新名称局", unit!.Name);
        Assert.Equal("综合管理类", unit.CategoryName);
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    [Trait("Rule", "ORG-2")]
    public async Task Import_WhenStaffAndCategoryRenamed_KeepsTheEarlierNamesInTheirHistory()
    {
        var client = await app.ClientAsAsync(Roles.OfficeStaff);
        var p = Prefix();
        await ImportAsync(client, Build(
            new Sheet("类别", ["代码", "名称"], [$"{p}-C", "旧类别名"]),
            new Sheet("单位", UnitHeader, [$"{p}-U", "某局", null, null, null, $"{p}-C", null]),
            new Sheet("工作人员", StaffHeader, [$"{p}-U", "E1", "孙一", "在编", null, null, null, null])));
        app.Clock.Advance(TimeSpan.FromMinutes(1));

        var preview = await PreviewAsync(client, ("组织机构.xlsx", Build(
            new Sheet("类别", ["代码", "名称"], [$"{p}-C", "新类别名"]),
            new Sheet("工作人员", StaffHeader, [$"{p}-U", "E1", "孙壹", "合同", null, "科员", null, null]))));
        Assert.Equal(((0, 1), (0, 1)), (Counts(preview, "类别"), Counts(preview, "工作人员")));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/v1/org/import/{preview.ImportId}/commit", null)).StatusCode);

        var (category, person) = await app.WithDbAsync(async db => (
            await db.Categories.Where(c => c.Code == $"{p}-C").Select(c => c.Id).SingleAsync(),
            await db.Staff.Where(s => s.Code == "E1" && db.Units.Any(u => u.Id == s.UnitId && u.Code == $"{p}-U")).Select(s => s.Id).SingleAsync()));
        var categoryHistory = await client.GetFromJsonAsync<List<CategoryHistoryDto>>($"/api/v1/categories/{category}/history");
        Assert.Equal(["旧类别名", "新类别名"], categoryHistory!.Select(h => h.Name));
        var staffHistory = await client.GetFromJsonAsync<List<StaffHistoryDto>>($"/api/v1/staff/{person}/history");
        Assert.Equal([("孙一", "InService", (string?)null), ("孙壹", "Contracted", "科员")], staffHistory!.Select(h => (h.Name, h.Employment, h.Position)));
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task Import_WhenSectionMovedToAnotherUnit_TakesItsWindowsAndStaffAlongWithTheirHistory()
    {
        var client = await app.ClientAsAsync(Roles.OfficeStaff);
        var p = Prefix();
        await ImportMovableHallAsync(client, p, codeTakenInTarget: false);
        app.Clock.Advance(TimeSpan.FromMinutes(1));

        // The hall moves; its window has no row of its own; E1, at the window, is renamed in the same file under the new unit.
        var preview = await PreviewAsync(client, ("组织机构.xlsx", Build(
            new Sheet("科室", ["代码", "名称", "所属单位代码", "类型"], [$"{p}-H", "服务大厅", $"{p}-U2", "服务大厅"]),
            new Sheet("工作人员", ["所属单位代码", "工号", "姓名", "用工类型"], [$"{p}-U2", "E1", "周壹", "在编"]))));
        Assert.Equal(0, preview.ErrorCount);
        Assert.Equal(((0, 1), (0, 1)), (Counts(preview, "科室"), Counts(preview, "工作人员")));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/v1/org/import/{preview.ImportId}/commit", null)).StatusCode);

        var ids = await app.WithDbAsync(async db => (
            U1: await db.Units.Where(u => u.Code == $"{p}-U1").Select(u => u.Id).SingleAsync(),
            U2: await db.Units.Where(u => u.Code == $"{p}-U2").Select(u => u.Id).SingleAsync(),
            Hall: await db.Sections.Where(s => s.Code == $"{p}-H").Select(s => s.Id).SingleAsync(),
            Window: await db.Sections.Where(s => s.Code == $"{p}-W").Select(s => s.Id).SingleAsync()));
        var inU2 = await client.GetFromJsonAsync<List<SectionDto>>($"/api/v1/units/{ids.U2}/sections");
        Assert.Equal([($"{p}-H", (Guid?)null), ($"{p}-W", ids.Hall)], inU2!.OrderBy(s => s.Code).Select(s => (s.Code, s.ParentSectionId)));
        var staffU2 = await client.GetFromJsonAsync<List<StaffDto>>($"/api/v1/units/{ids.U2}/staff");
        Assert.Equal([("E1", "周壹", (Guid?)ids.Window), ("E2", "周二", ids.Hall)], staffU2!.Select(s => (s.Code, s.Name, s.SectionId)));
        Assert.Equal(["E3"], (await client.GetFromJsonAsync<List<StaffDto>>($"/api/v1/units/{ids.U1}/staff"))!.Select(s => s.Code));

        // One version for E1's move and rename (the same import), and the window's move is in its history.
        var e1 = staffU2!.Single(s => s.Code == "E1").Id;
        var history = await client.GetFromJsonAsync<List<StaffHistoryDto>>($"/api/v1/staff/{e1}/history");
        Assert.Equal([("周一", ids.U1), ("周壹", ids.U2)], history!.Select(h => (h.Name, h.UnitId)));
        var window = await client.GetFromJsonAsync<List<SectionHistoryDto>>($"/api/v1/sections/{ids.Window}/history");
        Assert.Equal([ids.U1, ids.U2], window!.Select(h => h.UnitId));
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task Import_WhenAMovedSectionsStaffCodeIsTakenInTheNewUnit_ReportsTheSectionRow()
    {
        var client = await app.ClientAsAsync(Roles.OfficeStaff);
        var p = Prefix();
        await ImportMovableHallAsync(client, p, codeTakenInTarget: true);

        var workbook = Build(new Sheet("科室", ["代码", "名称", "所属单位代码", "类型"], [$"{p}-H", "服务大厅", $"{p}-U2", "服务大厅"]));
        await AssertRejectedAsync(("组织机构.xlsx", workbook), "科室", 2, "所属单位代码", "工号 E1 在单位");
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task Import_WhenAStaffRowStillNamesTheOldUnitOfAPersonMovedWithTheirSection_ReportsTheStaffRow()
    {
        var client = await app.ClientAsAsync(Roles.OfficeStaff);
        var p = Prefix();
        await ImportMovableHallAsync(client, p, codeTakenInTarget: false);

        var workbook = Build(
            new Sheet("科室", ["代码", "名称", "所属单位代码", "类型"], [$"{p}-H", "服务大厅", $"{p}-U2", "服务大厅"]),
            new Sheet("工作人员", ["所属单位代码", "工号", "姓名", "用工类型"], [$"{p}-U1", "E2", "周二", "在编"]));
        await AssertRejectedAsync(("组织机构.xlsx", workbook), "工作人员", 2, "所属单位代码", $"划转到单位“{p}-U2”");
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task Import_WhenAWindowRowStaysInTheOldUnitWhileItsHallMoves_ReportsTheWindowRow()
    {
        var client = await app.ClientAsAsync(Roles.OfficeStaff);
        var p = Prefix();
        await ImportMovableHallAsync(client, p, codeTakenInTarget: false);

        var workbook = Build(new Sheet("科室", ["代码", "名称", "所属单位代码", "类型"],
            [$"{p}-H", "服务大厅", $"{p}-U2", "服务大厅"],
            [$"{p}-W", "一号窗口", $"{p}-U1", "窗口"]));
        await AssertRejectedAsync(("组织机构.xlsx", workbook), "科室", 3, "所属单位代码", "将划转到另一个单位");
    }

    /// <summary>Units U1 and U2; in U1 a hall H with a window W under it, E1 at the window, E2 at the hall, E3 in no section; with <paramref name="codeTakenInTarget"/> U2 has an E1 of its own.</summary>
    private static async Task ImportMovableHallAsync(HttpClient client, string p, bool codeTakenInTarget)
    {
        var staff = new List<object?[]>
        {
            new object?[] { "所属单位代码", "工号", "姓名", "用工类型", "科室代码" },
            new object?[] { $"{p}-U1", "E1", "周一", "在编", $"{p}-W" },
            new object?[] { $"{p}-U1", "E2", "周二", "在编", $"{p}-H" },
            new object?[] { $"{p}-U1", "E3", "周三", "在编", null },
        };
        if (codeTakenInTarget) staff.Add([$"{p}-U2", "E1", "吴一", "在编", null]);
        await ImportAsync(client, Build(
            new Sheet("类别", ["代码", "名称"], [$"{p}-C", "测试类别"]),
            new Sheet("单位", UnitHeader, [$"{p}-U1", "原局", null, null, null, $"{p}-C", null], [$"{p}-U2", "新局", null, null, null, $"{p}-C", null]),
            new Sheet("科室", SectionHeader, [$"{p}-H", "服务大厅", $"{p}-U1", "服务大厅", null, null], [$"{p}-W", "一号窗口", $"{p}-U1", "窗口", $"{p}-H", null]),
            new Sheet("工作人员", [.. staff])));
    }

    // ------------------------------------------------------------------ export

    [Fact]
    [Trait("Rule", "ORG-1")]
    [Trait("Rule", "SEC-4")]
    public async Task Export_WhenImportedBack_ChangesNothing()
    {
        var client = await app.ClientAsAsync(Roles.OfficeStaff);
        await ImportAsync(client, ValidWorkbook(Prefix()));
        // A unit made through the API without a category (its cell is empty), a closed window and a departed person
        // (their 状态) are exported as they are and import back unchanged too.
        var p = Prefix();
        var bare = await (await client.PostJsonAsync("/api/v1/units", new { code = $"{p}-N", name = "无类别单位" })).ReadAsync<Created>(HttpStatusCode.Created);
        var closed = await (await client.PostJsonAsync("/api/v1/sections", new { unitId = bare.Id, code = $"{p}-W", name = "撤销窗口", kind = "Window" })).ReadAsync<Created>(HttpStatusCode.Created);
        var gone = await (await client.PostJsonAsync("/api/v1/staff", new { unitId = bare.Id, code = "G1", name = "离岗人员", employment = "Contracted" })).ReadAsync<Created>(HttpStatusCode.Created);
        await (await client.PatchJsonAsync($"/api/v1/staff/{gone.Id}", new { active = false })).ExpectAsync(HttpStatusCode.NoContent);
        await (await client.PatchJsonAsync($"/api/v1/sections/{closed.Id}", new { active = false })).ExpectAsync(HttpStatusCode.NoContent);
        var export = await client.GetAsync("/api/v1/org/export");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        var before = await CountsAsync();

        // The masked numbers of the export import back as "unchanged" for the same people.
        var preview = await PreviewAsync(client, ("组织机构-导出.xlsx", await export.Content.ReadAsByteArrayAsync()));
        Assert.Equal(0, preview.ErrorCount);
        Assert.All(preview.Sheets, s => Assert.Equal((0, 0, s.Rows), (s.Create, s.Update, s.Unchanged)));
        Assert.Equal(before.Units, preview.Sheets.Single(s => s.Sheet == "单位").Rows);
        Assert.Equal(before.Staff, preview.Sheets.Single(s => s.Sheet == "工作人员").Rows);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/v1/org/import/{preview.ImportId}/commit", null)).StatusCode);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    [Trait("Rule", "SEC-4")]
    public async Task Export_WhenNotFull_MasksPhoneAndIdNumbers()
    {
        var client = await app.ClientAsAsync(Roles.OfficeStaff);
        var p = Prefix();
        await ImportAsync(client, ValidWorkbook(p));
        var sheets = Read(await client.GetByteArrayAsync("/api/v1/org/export"));
        Assert.Equal(["类别", "单位", "科室", "服务事项", "工作人员", "网点事项"], sheets.Keys);
        var row = sheets["工作人员"].Single(r => r[0] == $"{p}-U1" && r[1] == "E1");
        Assert.Equal("138****8000", row[6]);
        Assert.Equal("1101**********002X", row[7]);
        Assert.DoesNotContain(sheets["工作人员"], r => r.Length > 6 && r[6] is { Length: 11 } phone && !phone.Contains('*', StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Rule", "SEC-4")]
    public async Task Export_WhenFullAskedByOfficeStaff_Returns403()
    {
        var client = await app.ClientAsAsync(Roles.OfficeStaff);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/org/export?full=true")).StatusCode);
    }

    [Fact]
    [Trait("Rule", "SEC-4")]
    public async Task Export_WhenFullAskedByOfficeAdmin_ShowsNumbersAndIsAudited()
    {
        var admin = await app.ClientAsAsync(Roles.OfficeAdmin);
        var p = Prefix();
        await ImportAsync(admin, ValidWorkbook(p));
        var sheets = Read(await admin.GetByteArrayAsync("/api/v1/org/export?full=true"));
        var row = sheets["工作人员"].Single(r => r[0] == $"{p}-U1" && r[1] == "E1");
        Assert.Equal("13800138000", row[6]);
        Assert.Equal("11010519491231002X", row[7]);
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "export.organisation.full")));
    }

    // ------------------------------------------------------------------ the page

    [Fact]
    public async Task ImportPage_WhenOfficeStaffUploadsAndCommits_ShowsPreviewThenResult()
    {
        var client = await app.ClientAsAsync(Roles.OfficeStaff);
        var page = await client.GetStringAsync("/Org/Import");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        Assert.Contains("/api/v1/org/import/template", page, StringComparison.Ordinal);

        var p = Prefix();
        using var form = Files(("组织机构.xlsx", ValidWorkbook(p)));
        form.Add(new StringContent(token), "__RequestVerificationToken");
        var preview = await client.PostAsync("/Org/Import?handler=Preview", form);
        var html = WebUtility.HtmlDecode(await preview.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Contains("确认导入", html, StringComparison.Ordinal);
        var importId = System.Text.RegularExpressions.Regex.Match(html, "name=\"importId\" value=\"([^\"]+)\"").Groups[1].Value;

        var commit = await client.PostAsync("/Org/Import?handler=Commit", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["importId"] = importId,
            ["__RequestVerificationToken"] = token,
        }));
        Assert.Contains("导入完成", WebUtility.HtmlDecode(await commit.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.True(await app.WithDbAsync(db => db.Units.AnyAsync(u => u.Code == $"{p}-U1")));
    }

    [Fact]
    public async Task ImportPage_WhenRowsAreWrong_ShowsTheErrorTable()
    {
        var client = await app.ClientAsAsync(Roles.OfficeStaff);
        var page = await client.GetStringAsync("/Org/Import");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        using var form = Files(("组织机构.xlsx", Build(new Sheet("工作人员", StaffHeader, [HrUnit, "X1", "张三", "在编", null, null, "123", null]))));
        form.Add(new StringContent(token), "__RequestVerificationToken");
        var html = WebUtility.HtmlDecode(await (await client.PostAsync("/Org/Import?handler=Preview", form)).Content.ReadAsStringAsync());
        Assert.Contains("import-errors", html, StringComparison.Ordinal);
        Assert.Contains("手机", html, StringComparison.Ordinal);
        Assert.DoesNotContain("确认导入", html, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ helpers

    private const string HrUnit = "M09-RSJ"; // a demo unit (DemoData.HrUnitCode)
    private static readonly object?[] UnitHeader = ["代码", "名称", "简称", "统一社会信用代码", "上级单位代码", "类别代码", "年度"];
    private sealed record Created(Guid Id);
    private static readonly object?[] SectionHeader = ["代码", "名称", "所属单位代码", "类型", "上级科室代码", "地址"];
    private static readonly object?[] StaffHeader = ["所属单位代码", "工号", "姓名", "用工类型", "科室代码", "职务", "手机", "身份证号"];

    private static string Prefix() => "T" + Guid.NewGuid().ToString("N")[..7].ToUpperInvariant();

    private static string CreditCodeFor(string prefix)
    {
        var digits = string.Concat(prefix.Select(c => ((int)c % 10).ToString(CultureInfo.InvariantCulture)));
        var first17 = ("91110000" + digits + "000000000")[..17];
        return first17 + CreditCode.ComputeCheckCharacter(first17);
    }

    private static byte[] ValidWorkbook(string p) => Build(
        new Sheet("类别", ["代码", "名称"], [$"{p}-C", "测试类别"]),
        new Sheet("单位", UnitHeader,
            [$"{p}-U1", "测试市某局", "某局", CreditCodeFor(p), null, $"{p}-C", null],
            [$"{p}-U2", "测试市某局下属中心", null, null, $"{p}-U1", $"{p}-C", 2026L]),
        new Sheet("科室", SectionHeader,
            [$"{p}-W1", "1 号窗口", $"{p}-U1", "窗口", $"{p}-H", null], // refers to the hall below it: order does not matter
            [$"{p}-H", "服务大厅", $"{p}-U1", "服务大厅", null, "人民路 1 号"],
            [$"{p}-S1", "办公室", $"{p}-U2", "InternalSection", null, null]),
        new Sheet("工作人员", StaffHeader,
            [$"{p}-U1", "E1", "张三", "在编", $"{p}-W1", "科员", 13800138000L, "11010519491231002X"],
            [$"{p}-U1", "E2", "李四", "借调", null, null, "010-12345678", null],
            [$"{p}-U2", "E1", "王五", "合同", $"{p}-S1", null, null, null]),
        new Sheet("服务事项", ["代码", "名称", "责任单位代码", "法定时限", "承诺时限"], [$"{p}-I1", "测试事项", $"{p}-U1", 20L, 10L]),
        new Sheet("网点事项", ["科室代码", "事项代码", "必办"], [$"{p}-W1", $"{p}-I1", "是"]));

    private static byte[] Gb18030(string text)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var bytes = Encoding.GetEncoding("GB18030").GetBytes(text);
        Assert.Throws<DecoderFallbackException>(() => new UTF8Encoding(false, true).GetString(bytes)); // really not UTF-8
        return bytes;
    }

    private static MultipartFormDataContent Files(params (string Name, byte[] Content)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, content) in files)
        {
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", name);
        }
        return form;
    }

    private static async Task<PreviewDto> PreviewAsync(HttpClient client, params (string Name, byte[] Content)[] files)
    {
        using var form = Files(files);
        var response = await client.PostAsync("/api/v1/org/import", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<PreviewDto>())!;
    }

    private static async Task ImportAsync(HttpClient client, byte[] workbook)
    {
        var preview = await PreviewAsync(client, ("组织机构.xlsx", workbook));
        Assert.Equal(0, preview.ErrorCount);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/v1/org/import/{preview.ImportId}/commit", null)).StatusCode);
    }

    /// <summary>
    /// The preview names the sheet, row and column; the commit is refused (422 with the same report, or 409 when
    /// the files could not be read at all); the registry is exactly as before.
    /// </summary>
    private async Task AssertRejectedAsync((string Name, byte[] Content) file, string sheet, int? row, string? column, string message)
    {
        var client = await app.ClientAsAsync(Roles.OfficeStaff);
        var before = await CountsAsync();
        var preview = await PreviewAsync(client, file);
        Assert.False(preview.CanCommit);
        Assert.True(preview.ErrorCount > 0);
        Assert.Contains(preview.Errors, e => e.Sheet == sheet && e.Row == row && e.Column == column
            && e.Message.Contains(message, StringComparison.Ordinal));

        var commit = await client.PostAsync($"/api/v1/org/import/{preview.ImportId}/commit", null);
        Assert.Equal("application/problem+json", commit.Content.Headers.ContentType?.MediaType);
        if (preview.Status == "Failed")
        {
            Assert.Equal(HttpStatusCode.Conflict, commit.StatusCode);
        }
        else
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, commit.StatusCode);
            using var problem = JsonDocument.Parse(await commit.Content.ReadAsStringAsync());
            var errors = problem.RootElement.GetProperty("errors").Deserialize<List<ErrorDto>>(JsonSerializerOptions.Web)!;
            Assert.Contains(errors, e => e.Sheet == sheet && e.Row == row && e.Column == column);
        }
        Assert.Equal(before, await CountsAsync());
    }

    private static (int Create, int Update) Counts(PreviewDto preview, string sheet)
    {
        var s = preview.Sheets.Single(x => x.Sheet == sheet);
        return (s.Create, s.Update);
    }

    private Task<RegistryCounts> CountsAsync() => app.WithDbAsync(async db => new RegistryCounts(
        await db.Categories.CountAsync(), await db.Units.CountAsync(), await db.UnitVersions.CountAsync(), await db.UnitCategories.CountAsync(),
        await db.Sections.CountAsync(), await db.SectionVersions.CountAsync(), await db.Staff.CountAsync(), await db.ServiceItems.CountAsync(),
        await db.SectionServiceItems.CountAsync()));

    private sealed record RegistryCounts(int Categories, int Units, int UnitVersions, int UnitCategories, int Sections, int SectionVersions, int Staff, int Items, int SectionItems);
    private sealed record ErrorDto(string Sheet, int? Row, string? Column, string Message);
    private sealed record FileDto(string Name, long Size, string? Sha256);
    private sealed record SheetDto(string Sheet, int Rows, int Create, int Update, int Unchanged, List<string> Columns, List<List<string>> Sample);
    private sealed record PreviewDto(Guid ImportId, string Status, bool CanCommit, List<FileDto> Files, List<SheetDto> Sheets, int ErrorCount, List<ErrorDto> Errors);
    private sealed record ImportDto(Guid Id, string Status, int ErrorCount);
    private sealed record UnitDto(Guid Id, string Code, string Name, string? CreditCode, Guid? ParentUnitId, string? CategoryName);
    private sealed record HistoryDto(DateTime ValidFrom, string Code, string Name, Guid? ParentUnitId, bool Active = true);
    private sealed record SectionDto(Guid Id, string Code, string Name, string Kind, Guid? ParentSectionId);
    private sealed record StaffDto(Guid Id, Guid? SectionId, string Code, string Name, string Employment, string Phone, string IdNumber, bool Active = true);
    private sealed record ItemDto(Guid Id, string Code, int? StatutoryDays, int? PromisedDays);
    private sealed record SectionItemDto(Guid ServiceItemId, string Code, bool Mandatory);
    private sealed record StaffHistoryDto(DateTime ValidFrom, Guid UnitId, Guid? SectionId, string Name, string Employment, string? Position, bool Active = true);
    private sealed record CategoryHistoryDto(DateTime ValidFrom, string Name);
    private sealed record SectionHistoryDto(DateTime ValidFrom, Guid UnitId, string Name);
}

/// <summary>The parsing and format rules on their own, without the app.</summary>
public sealed class ImportParsingTests
{
    [Theory]
    [InlineData("13800138000", "13800138000")]
    [InlineData("1.3800138E10", "13800138000")]
    [InlineData("13800138000.0", "13800138000")]
    [InlineData("2026", "2026")]
    [InlineData("12.5", "12.5")]
    public void NumberText_WhenExcelStoresANumber_GivesItAsExcelShowsIt(string stored, string expected)
    {
        var (text, lost) = XlsxWorkbook.NumberText(stored);
        Assert.Equal(expected, text);
        Assert.False(lost);
    }

    [Fact]
    [Trait("Rule", "ORG-2")]
    public void NumberText_WhenNumberHasMoreThan15Digits_FlagsLostDigits()
    {
        var (_, lost) = XlsxWorkbook.NumberText("1.1010519491231E+17");
        Assert.True(lost);
    }

    [Theory]
    [InlineData("A1", 0)]
    [InlineData("H20", 7)]
    [InlineData("AB12", 27)]
    public void ColumnIndex_WhenGivenReference_GivesZeroBasedColumn(string reference, int expected) =>
        Assert.Equal(expected, XlsxWorkbook.ColumnIndex(reference));

    [Theory]
    [InlineData("单位", SheetKind.Units)]
    [InlineData("units", SheetKind.Units)]
    [InlineData("Service_Items", SheetKind.ServiceItems)]
    [InlineData("网点事项", SheetKind.SectionItems)]
    public void SheetByName_WhenChineseOrEnglish_FindsTheSheet(string name, SheetKind kind) =>
        Assert.Equal(kind, ImportFormat.SheetByName(name)!.Kind);

    [Fact]
    public void SheetByName_WhenUnknown_GivesNull() => Assert.Null(ImportFormat.SheetByName("人员名单"));

    [Theory]
    [InlineData("窗口", Mingcha.Web.Features.Organisation.SectionKind.Window)]
    [InlineData("Window", Mingcha.Web.Features.Organisation.SectionKind.Window)]
    [InlineData("streetoutlet", Mingcha.Web.Features.Organisation.SectionKind.StreetOutlet)]
    [InlineData("乡镇服务网点", Mingcha.Web.Features.Organisation.SectionKind.TownshipOutlet)]
    [Trait("Rule", "ORG-1")]
    public void TryParseKind_WhenChineseOrEnumName_Accepts(string text, Mingcha.Web.Features.Organisation.SectionKind kind)
    {
        Assert.True(ImportFormat.TryParseKind(text, out var parsed));
        Assert.Equal(kind, parsed);
    }

    [Theory]
    [InlineData("3")]
    [InlineData("柜台")]
    public void TryParseKind_WhenNumberOrUnknownWord_Refuses(string text) => Assert.False(ImportFormat.TryParseKind(text, out _));

    [Theory]
    [InlineData("在编", Mingcha.Web.Features.Organisation.EmploymentType.InService)]
    [InlineData("借调", Mingcha.Web.Features.Organisation.EmploymentType.Seconded)]
    [InlineData("合同", Mingcha.Web.Features.Organisation.EmploymentType.Contracted)]
    [InlineData("Contracted", Mingcha.Web.Features.Organisation.EmploymentType.Contracted)]
    [Trait("Rule", "ORG-2")]
    public void TryParseEmployment_WhenChineseOrEnumName_Accepts(string text, Mingcha.Web.Features.Organisation.EmploymentType type)
    {
        Assert.True(ImportFormat.TryParseEmployment(text, out var parsed));
        Assert.Equal(type, parsed);
    }

    [Theory]
    [InlineData("是", true)]
    [InlineData("否", false)]
    [InlineData("TRUE", true)]
    [Trait("Rule", "ORG-6")]
    public void TryParseYesNo_WhenUsualSpelling_Accepts(string text, bool expected)
    {
        Assert.True(ImportFormat.TryParseYesNo(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("在岗", true, true)]
    [InlineData("离职", true, false)]
    [InlineData(" left ", true, false)]
    [InlineData("已撤销", false, false)]
    [InlineData("休假", false, false)]
    [Trait("Rule", "ORG-1")]
    public void TryParseInPost_TakesTheStatesOfAPerson_NotOfAUnit(string text, bool accepted, bool inPost)
    {
        Assert.Equal(accepted, ImportFormat.TryParseInPost(text, out var value));
        Assert.Equal(inPost, value);
        Assert.Equal(text is "已撤销", ImportFormat.TryParseOpen(text, out _)); // and the other way round
    }

    [Fact]
    public void ColumnByHeader_WhenEnglishAliasOrStarred_FindsTheColumn()
    {
        Assert.Same(ImportFormat.StaffColumns.Phone, ImportFormat.ColumnByHeader(ImportFormat.StaffSheet, "Phone"));
        Assert.Same(ImportFormat.StaffColumns.Phone, ImportFormat.ColumnByHeader(ImportFormat.StaffSheet, "手机号码"));
        Assert.Same(ImportFormat.UnitColumns.Code, ImportFormat.ColumnByHeader(ImportFormat.UnitsSheet, "代码*"));
    }

    [Fact]
    public void ErrorLog_WhenOverTheCap_KeepsTheFirstThousandAndCountsAll()
    {
        var log = new ErrorLog();
        for (var i = 0; i < 2500; i++) log.Add("工作人员", i + 2, "手机", "x");
        Assert.Equal(2500, log.Total);
        Assert.Equal(ErrorLog.Cap, log.Shown.Count);
        Assert.Equal(2, log.Shown[0].Row);
    }

    [Fact]
    public void DetectEncoding_WhenBytesAreGb18030OrUtf8_TellsThemApart()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var gb = Path.GetTempFileName();
        var utf8 = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(gb, Encoding.GetEncoding("GB18030").GetBytes("代码,名称\n甲,乙\n"));
            File.WriteAllText(utf8, "代码,名称\n甲,乙\n", new UTF8Encoding(false));
            Assert.Equal("GB18030", CsvSheetSource.DetectEncoding(gb).WebName, ignoreCase: true);
            Assert.IsType<UTF8Encoding>(CsvSheetSource.DetectEncoding(utf8));
        }
        finally
        {
            File.Delete(gb);
            File.Delete(utf8);
        }
    }

    [Fact]
    public void CsvRows_WhenEmptyLineAndQuotedLineBreak_NumberedAsExcelShowsThem()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "代码,地址\r\nA,\"人民路\r\n1 号\"\r\n\r\nB,x\r\n", new UTF8Encoding(true));
            var rows = new CsvSheetSource(ImportFormat.SectionsSheet, "科室.csv", path).ReadRows().ToList();
            Assert.Equal([1, 2, 4], rows.Select(r => r.Number));
            Assert.Equal("人民路\r\n1 号", rows[1].Cells[1]);
            Assert.Equal("代码", rows[0].Cells[0]); // the byte-order mark is not part of the first header
        }
        finally
        {
            File.Delete(path);
        }
    }
}
