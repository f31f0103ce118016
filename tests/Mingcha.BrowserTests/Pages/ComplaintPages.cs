using Microsoft.Playwright;

namespace Mingcha.BrowserTests.Pages;

/// <summary>Page objects of the complaint pages: the public form, the tracking page, and one complaint as its handler sees it.</summary>
public sealed class PublicComplaintPage(IPage page)
{
    /// <summary>Fills and sends the public form; returns the query code shown.</summary>
    public async Task<string> FileAsync(Guid unitId, string type, string matter, string reasons, string evidence, string name, string phone, params FilePayload[] files)
    {
        await page.GotoAsync("/Complaints/File");
        await page.Locator("#unit").SelectOptionAsync(unitId.ToString());
        await page.Locator("#type").SelectOptionAsync(type);
        await page.Locator("#matter").FillAsync(matter);
        await page.Locator("#reasons").FillAsync(reasons);
        await page.Locator("#evidence").FillAsync(evidence);
        await page.Locator("#name").FillAsync(name);
        await page.Locator("#phone").FillAsync(phone);
        if (files.Length > 0) await page.Locator("#files").SetInputFilesAsync(files);
        await page.Locator("#complaint-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#complaint-filed")).ToBeVisibleAsync();
        if (files.Length > 0) await Assertions.Expect(page.Locator("#files-attached")).ToBeVisibleAsync();
        return (await page.Locator("#query-code").InnerTextAsync()).Trim();
    }
}

public sealed class TrackComplaintPage(IPage page)
{
    public async Task OpenAsync(string code)
    {
        await page.GotoAsync("/Complaints/Track");
        await page.Locator("#code").FillAsync(code);
        await page.Locator("#track-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#track-result")).ToBeVisibleAsync();
    }

    public Task<string?> StatusAsync() => page.Locator("#track-status").GetAttributeAsync("data-status");
    public ILocator Answer => page.Locator("#track-answer");
    public ILocator Steps => page.Locator("#track-steps");

    public async Task RateAsync(int level)
    {
        await page.Locator($"#rate-form button[value='{level}']").ClickAsync();
        await Assertions.Expect(page.Locator("#track-message")).ToBeVisibleAsync();
    }
}

public sealed class ComplaintHandlerPage(IPage page)
{
    public async Task OpenFromUnitPageAsync(Guid complaintId)
    {
        await page.GotoAsync("/Complaints/Unit");
        await page.Locator($"[data-complaint='{complaintId}'] a").ClickAsync();
        await page.WaitForURLAsync($"**/Complaints/Detail/{complaintId}");
    }

    public Task<string?> StatusAsync() => page.Locator("#status").GetAttributeAsync("data-status");
    public ILocator Deadline => page.Locator("#deadline");
    public ILocator Complainant => page.Locator("#complainant");

    public async Task AnswerAsync(string text)
    {
        await page.Locator("#answer-text").FillAsync(text);
        await page.Locator("#answer-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#message")).ToBeVisibleAsync();
    }
}
