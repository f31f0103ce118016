using Microsoft.Playwright;
using Mingcha.BrowserTests.Infrastructure;
using Mingcha.BrowserTests.Pages;
using Mingcha.Domain.Security;
using static Mingcha.IntegrationTests.Organisation.TestWorkbook;

namespace Mingcha.BrowserTests;

public sealed class OrgImportJourneyTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task OfficeStaff_WhenImportingWorkbook_PreviewsCommitsAndSeesUnitWithItsHall()
    {
        var account = await app.CreateAccountAsync(Roles.OfficeStaff);
        var page = await app.NewPageAsync();
        await new LoginPage(page).SignInAsync(account.UserName, account.Password);

        var workbook = Build(
            new Sheet("类别", ["代码", "名称"], ["BT-CAT", "浏览器测试类别"]),
            new Sheet("单位", ["代码", "名称", "类别代码"], ["BT-U1", "浏览器测试市行政审批局", "BT-CAT"]),
            new Sheet("科室", ["代码", "名称", "所属单位代码", "类型", "上级科室代码"],
                ["BT-H1", "政务服务大厅", "BT-U1", "服务大厅", null],
                ["BT-W1", "1 号窗口", "BT-U1", "窗口", "BT-H1"]));
        var import = new OrgImportPage(page);
        await import.UploadAsync("组织机构.xlsx", workbook);
        await Assertions.Expect(import.Preview).ToContainTextAsync("浏览器测试类别");
        await Assertions.Expect(page.Locator("#preview form button[type=submit]")).ToHaveCountAsync(1); // offered only when the file has no errors
        await import.CommitAsync();

        await page.GotoAsync("/Org?q=BT-U1");
        await page.GetByRole(AriaRole.Link, new() { Name = "浏览器测试市行政审批局" }).ClickAsync();
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("政务服务大厅");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("1 号窗口");
    }

    [Fact]
    public async Task OfficeStaff_WhenWorkbookNamesUnknownUnit_SeesRowErrorAndNoCommitButton()
    {
        var account = await app.CreateAccountAsync(Roles.OfficeStaff);
        var page = await app.NewPageAsync();
        await new LoginPage(page).SignInAsync(account.UserName, account.Password);

        var workbook = Build(new Sheet("科室", ["代码", "名称", "所属单位代码", "类型"], ["BT-X1", "孤立科室", "NO-SUCH-UNIT", "内设科室"]));
        var import = new OrgImportPage(page);
        await import.UploadAsync("坏文件.xlsx", workbook);
        await Assertions.Expect(import.Preview).ToContainTextAsync("NO-SUCH-UNIT");
        await Assertions.Expect(page.Locator("#preview form button[type=submit]")).ToHaveCountAsync(0);
    }
}
