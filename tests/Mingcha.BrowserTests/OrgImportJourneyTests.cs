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

    /// <summary>ORG-1, decision 045: the Office closes a window after confirming (a dismissed dialog changes nothing), sees it marked, and opens it again.</summary>
    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task OfficeStaff_ClosesAWindowAfterConfirming_SeesItMarked_AndOpensItAgain()
    {
        var account = await app.CreateAccountAsync(Roles.OfficeStaff);
        var page = await app.NewPageAsync();
        await new LoginPage(page).SignInAsync(account.UserName, account.Password);
        var import = new OrgImportPage(page);
        await import.UploadAsync("组织机构.xlsx", Build(
            new Sheet("类别", ["代码", "名称"], ["BT-CAT3", "浏览器撤销类别"]),
            new Sheet("单位", ["代码", "名称", "类别代码"], ["BT-U3", "浏览器撤销测试局", "BT-CAT3"]),
            new Sheet("科室", ["代码", "名称", "所属单位代码", "类型", "上级科室代码"],
                ["BT-H3", "撤销测试大厅", "BT-U3", "服务大厅", null],
                ["BT-W3", "3 号窗口", "BT-U3", "窗口", "BT-H3"])));
        await import.CommitAsync();
        await page.GotoAsync("/Org?q=BT-U3");
        await page.GetByRole(AriaRole.Link, new() { Name = "浏览器撤销测试局" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "3 号窗口" }).First.ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("3 号窗口");

        string? asked = null;
        var accept = false;
        page.Dialog += async (_, dialog) =>
        {
            asked = dialog.Message;
            if (accept) await dialog.AcceptAsync(); else await dialog.DismissAsync();
        };
        await page.Locator("#state-card summary").ClickAsync();
        await page.Locator("#state-form button[type=submit]").ClickAsync();
        Assert.Equal("确认撤销“3 号窗口”？", asked);
        await Assertions.Expect(page.Locator("#state-form button[type=submit]")).ToHaveTextAsync("撤销"); // dismissed: still open, nothing sent
        accept = true;
        await page.Locator("#state-form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("h1 .badge")).ToHaveTextAsync("已撤销");
        await Assertions.Expect(page.Locator("table.history tbody tr").Last).ToContainTextAsync("已撤销");

        asked = null;
        await page.Locator("#state-card summary").ClickAsync();
        await page.Locator("#state-form button[type=submit]").ClickAsync(); // 恢复使用 asks nothing
        await Assertions.Expect(page.Locator("h1 .badge")).ToHaveCountAsync(0);
        Assert.Null(asked);
        await Assertions.Expect(page.Locator("table.history tbody tr")).ToHaveCountAsync(3);
    }
}
