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

    [GeneratedRegex(@"(?:\bL|\bText|\bl)\[""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Lookup();

    [GeneratedRegex(@"[\u4e00-\u9fff]")]
    private static partial Regex Chinese();
}
