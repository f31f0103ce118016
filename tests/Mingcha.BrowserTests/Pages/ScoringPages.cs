using Microsoft.Playwright;

namespace Mingcha.BrowserTests.Pages;

/// <summary>Page object for a concentrated sitting's phone page (EV-2), opened through the sitting's link.</summary>
public sealed class SittingPage(IPage page)
{
    public Task OpenAsync(string token, string? code = null) =>
        page.GotoAsync(code is null ? $"/Scoring/Sit/{token}" : $"/Scoring/Sit/{token}?code={Uri.EscapeDataString(code)}");

    public ILocator Row(Guid sectionId) => page.Locator($"fieldset.grade-row[data-section='{sectionId}']");

    public Task GradeAsync(Guid sectionId, string gradeName) => Row(sectionId).GetByLabel(gradeName, new() { Exact = true }).CheckAsync();

    public Task HandInAsync() => page.Locator("#hand-in").ClickAsync();

    public ILocator HandedIn => page.Locator("#handed-in");
}

/// <summary>Page object for a campaign's ranking and a section's explanation (EV-8, EV-12).</summary>
public sealed class RankingPage(IPage page)
{
    public Task OpenAsync(Guid campaignId, Guid categoryId) => page.GotoAsync($"/Scoring/Campaign/{campaignId}?categoryId={categoryId}");

    public ILocator TotalOf(Guid sectionId) => page.Locator($"#ranking tr[data-section='{sectionId}'] a.total");

    public ILocator Total => page.Locator("#total-value");

    public ILocator CountCell(string method, string grade) => page.Locator($"#methods tr[data-method='{method}'] a.count[href*='grade={grade}']");

    public ILocator EvaluationLines => page.Locator("#evaluation-lines tbody tr");
}
