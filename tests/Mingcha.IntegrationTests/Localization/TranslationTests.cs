using System.Text.RegularExpressions;
using System.Xml.Linq;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Evidence;
using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests.Localization;

/// <summary>
/// Chinese first, English second: every Chinese text a page looks up (<c>L["…"]</c>, <c>Text["…"]</c>) has its English in
/// <c>Resources/SharedResource.en.resx</c>, so an English-speaking user never meets an untranslated label.
/// </summary>
public sealed partial class TranslationTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    /// <summary>
    /// The resource file is read as the application reads it: an entry nested in another (an unclosed <c>&lt;data&gt;</c>)
    /// is invisible to it, as 131 were until the file was repaired, and its page showed Chinese in English.
    /// </summary>
    [Fact]
    public async Task Pages_InEnglish_ShowTheEnglishOfEveryEntry()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var scoring = await office.GetStringAsync("/Scoring?culture=en&ui-culture=en");
        Assert.Contains("Evaluation campaigns", scoring, StringComparison.Ordinal); // an entry that was nested
        Assert.DoesNotContain(">测评活动<", scoring, StringComparison.Ordinal);
        var resx = XDocument.Load(RepoRoot.Find("src", "Mingcha.Web", "Resources", "SharedResource.en.resx"));
        Assert.Empty(resx.Root!.Descendants("data").Where(d => d.Parent != resx.Root).Select(d => (string?)d.Attribute("name")));
    }

    [Fact]
    public void EveryChineseTextOfThePages_HasAnEnglishTranslation()
    {
        var resx = XDocument.Load(RepoRoot.Find("src", "Mingcha.Web", "Resources", "SharedResource.en.resx"));
        var translated = resx.Root!.Elements("data")
            .Where(d => !string.IsNullOrWhiteSpace(d.Element("value")?.Value))
            .Select(d => (string)d.Attribute("name")!).ToHashSet(StringComparer.Ordinal);
        var pages = RepoRoot.Find("src", "Mingcha.Web", "Pages");
        var missing = Directory.EnumerateFiles(pages, "*.cs*", SearchOption.AllDirectories)
            .SelectMany(f => Lookup().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetRelativePath(pages, f), Key: Regex.Unescape(m.Groups[1].Value))))
            .Where(x => Chinese().IsMatch(x.Key) && !translated.Contains(x.Key))
            .Select(x => $"{x.File}: {x.Key}").Distinct().ToList();
        Assert.True(missing.Count == 0, "Without an English translation:\n" + string.Join('\n', missing));
        Assert.True(translated.Count > 1000); // the resource file was found and read
    }

    /// <summary>
    /// Messages are "中文。 English." and a page shows the reader's half; text a person wrote is shown whole, however its
    /// sentences end (a unit's answer "经核查如下。 1. ……" used to lose everything after its first sentence).
    /// </summary>
    [Theory]
    [InlineData("zh-CN", "投诉已答复，请审核。 Answered: review it.", "投诉已答复，请审核。")]
    [InlineData("en", "投诉已答复，请审核。 Answered: review it.", "Answered: review it.")]
    [InlineData("zh-CN", "交办市场监管局，答复期限 2026-12-01。请加快办理。 Assigned; answer by 2026-12-01.", "交办市场监管局，答复期限 2026-12-01。请加快办理。")]
    [InlineData("en", "交办市场监管局，答复期限 2026-12-01。请加快办理。 Assigned; answer by 2026-12-01.", "Assigned; answer by 2026-12-01.")]
    [InlineData("zh-CN", "经核查如下。 1. 窗口人员已批评教育。 2. 已当场办结。", "经核查如下。 1. 窗口人员已批评教育。 2. 已当场办结。")]
    [InlineData("en", "经核查如下。 1. 窗口人员已批评教育。 2. 已当场办结。", "经核查如下。 1. 窗口人员已批评教育。 2. 已当场办结。")]
    [InlineData("en", "只有中文。", "只有中文。")]
    public void Pick_ShowsTheReadersHalfOfAMessage_AndAPersonsTextWhole(string culture, string message, string shown)
    {
        var before = System.Globalization.CultureInfo.CurrentUICulture;
        System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo(culture);
        try { Assert.Equal(shown, Mingcha.Web.Infrastructure.UiText.Pick(message)); }
        finally { System.Globalization.CultureInfo.CurrentUICulture = before; }
    }

    /// <summary>The leaders' overview draws its charts from the page's JSON: their labels are in English on an English page, as the lists under them.</summary>
    [Fact]
    public async Task LeadersOverview_InEnglish_LabelsItsChartsInEnglish()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var html = await office.GetStringAsync("/Scoring/Overview?year=2026&culture=en&ui-culture=en");
        var json = OverviewData().Match(html);
        Assert.True(json.Success, "no chart data on the page");
        using var data = System.Text.Json.JsonDocument.Parse(json.Groups[1].Value);
        var labels = new[] { "inspections", "notices", "complaints" }
            .SelectMany(k => data.RootElement.GetProperty(k).EnumerateArray().Select(f => f.GetProperty("label").GetString() ?? "")).ToList();
        Assert.Contains("Open inspection rounds", labels);
        Assert.DoesNotContain(labels, l => Chinese().IsMatch(l));
    }

    [GeneratedRegex("<script type=\"application/json\" id=\"overview-data\">(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex OverviewData();

    /// <summary>
    /// Punctuation around data follows the reader's language (<see cref="Mingcha.Web.Infrastructure.UiText.Colon"/>,
    /// <c>Open</c>, <c>Close</c>, <c>Comma</c>): a full-width "：" written into a page's markup showed as
    /// "Status：Registered" in English, "（" and "，" as "Video e-supervision（2026-12-02，…）". Punctuation inside
    /// translated texts and attribute values is theirs.
    /// </summary>
    [Theory]
    [InlineData('：', "@(UiText.Colon)")]
    [InlineData('（', "@(UiText.Open)")]
    [InlineData('）', "@(UiText.Close)")]
    [InlineData('，', "@(UiText.Comma)")]
    [InlineData('。', "@(UiText.Stop)")]
    public void PagesMarkup_WritesNoFullWidthPunctuationOutsideTranslatedText(char mark, string instead)
    {
        var pages = RepoRoot.Find("src", "Mingcha.Web", "Pages");
        var found = Directory.EnumerateFiles(pages, "*.cshtml", SearchOption.AllDirectories)
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(pages, f), Line: i + 1, Text: line)))
            .Where(x => Quoted().Replace(Lookup().Replace(x.Text, m => new string('x', m.Length)), "").Contains(mark))
            .Select(x => $"{x.File}:{x.Line}: {x.Text.Trim()}").ToList();
        Assert.True(found.Count == 0, $"Full-width {mark} in markup (write {instead}):\n" + string.Join('\n', found));
    }

    [Theory]
    [InlineData("zh-CN", "：", "（", "）", "，", "。")]
    [InlineData("en", ": ", " (", ")", ", ", ". ")]
    public void Punctuation_IsTheReadersLanguages(string culture, string colon, string open, string close, string comma, string stop)
    {
        var before = System.Globalization.CultureInfo.CurrentUICulture;
        System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo(culture);
        try
        {
            Assert.Equal(colon, Mingcha.Web.Infrastructure.UiText.Colon);
            Assert.Equal((open, close, comma, stop),
                (Mingcha.Web.Infrastructure.UiText.Open, Mingcha.Web.Infrastructure.UiText.Close, Mingcha.Web.Infrastructure.UiText.Comma, Mingcha.Web.Infrastructure.UiText.Stop));
        }
        finally { System.Globalization.CultureInfo.CurrentUICulture = before; }
    }

    [GeneratedRegex(@"""[^""]*""")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"(?:\bL|\bText|\bl)\[""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Lookup();

    [GeneratedRegex(@"[\u4e00-\u9fff]")]
    private static partial Regex Chinese();
}
