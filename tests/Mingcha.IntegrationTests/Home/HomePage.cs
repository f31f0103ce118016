using System.Globalization;
using System.Text.RegularExpressions;

namespace Mingcha.IntegrationTests.Home;

/// <summary>Reads the home page's 待办 lines as a user sees them.</summary>
internal static partial class HomePage
{
    /// <summary>The home page's work lines of <paramref name="client"/>'s user: key → count.</summary>
    public static async Task<Dictionary<string, int>> WorkAsync(HttpClient client)
    {
        var html = await client.GetStringAsync("/");
        return Line().Matches(html).ToDictionary(m => m.Groups["key"].Value, m => int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>The "其中逾期 N" of one line, 0 when it says none.</summary>
    public static int Overdue(string html, string key)
    {
        var at = html.IndexOf($"data-work=\"{key}\"", StringComparison.Ordinal);
        Assert.True(at >= 0, $"no work line {key}");
        var end = html.IndexOf("</a>", at, StringComparison.Ordinal);
        var m = OverdueNote().Match(html[at..end]);
        return m.Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex("data-work=\"(?<key>[a-z.-]+)\"[^>]*><strong class=\"count\">(?<n>\\d+)</strong>")]
    private static partial Regex Line();

    [GeneratedRegex("其中逾期 (\\d+)")]
    private static partial Regex OverdueNote();
}
