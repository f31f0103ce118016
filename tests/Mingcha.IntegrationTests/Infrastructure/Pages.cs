using System.Text.RegularExpressions;

namespace Mingcha.IntegrationTests.Infrastructure;

/// <summary>Posting a Razor page's form as a browser does: the page read first for its antiforgery token.</summary>
public static partial class Pages
{
    /// <summary>The antiforgery token of the first form on the page (empty when there is none).</summary>
    public static string AntiforgeryToken(string html) => TokenField().Match(html).Groups[1].Value;

    /// <summary>
    /// Reads <paramref name="page"/> for its token, then posts <paramref name="fields"/> to it (to the named handler, if
    /// any). The fields are posted as given, with the token added.
    /// </summary>
    public static async Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string page, string? handler, Dictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(fields);
        fields["__RequestVerificationToken"] = AntiforgeryToken(await client.GetStringAsync(page));
        var target = handler is null ? page : $"{page}{(page.Contains('?', StringComparison.Ordinal) ? '&' : '?')}handler={handler}";
        return await client.PostAsync(target, new FormUrlEncodedContent(fields));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
