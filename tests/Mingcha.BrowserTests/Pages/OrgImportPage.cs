using Microsoft.Playwright;

namespace Mingcha.BrowserTests.Pages;

/// <summary>Page object for /Org/Import: upload, preview, commit.</summary>
public sealed class OrgImportPage(IPage page)
{
    public async Task UploadAsync(string fileName, byte[] content)
    {
        await page.GotoAsync("/Org/Import");
        await page.Locator("#files").SetInputFilesAsync(new FilePayload
        {
            Name = fileName,
            MimeType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Buffer = content,
        });
        await page.Locator("#upload-form button[type=submit]").ClickAsync();
        await page.Locator("#preview").WaitForAsync();
    }

    public ILocator Preview => page.Locator("#preview");

    public async Task CommitAsync()
    {
        await page.Locator("#preview form button[type=submit]").ClickAsync();
        await page.Locator("#result").WaitForAsync();
    }

    public ILocator Result => page.Locator("#result");
}
