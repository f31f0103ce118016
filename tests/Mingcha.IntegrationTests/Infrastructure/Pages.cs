using System.Net;
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
        return await client.PostFormAsync(page, handler, fields, AntiforgeryToken(await client.GetStringAsync(page)));
    }

    /// <summary>
    /// Posts <paramref name="fields"/> with a token already read (a session's token is good for every page of it, so a
    /// page that answers its GET with 404 can still be posted to).
    /// </summary>
    public static Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string page, string? handler, Dictionary<string, string> fields, string token)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(fields);
        fields["__RequestVerificationToken"] = token;
        var target = handler is null ? page : $"{page}{(page.Contains('?', StringComparison.Ordinal) ? '&' : '?')}handler={handler}";
        return client.PostAsync(target, new FormUrlEncodedContent(fields));
    }

    /// <summary>
    /// The values a browser would post from the page's form for <paramref name="handler"/> (null: a form without a
    /// handler), as the page fills them: inputs with their value, a select's first non-empty option, textareas as
    /// written. Empty when the page has no such form. Several forms for one handler (one per row): the first.
    /// </summary>
    public static Dictionary<string, string> FormValues(string html, string? handler, string? page = null)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match form in Form().Matches(html))
        {
            var action = WebUtility.HtmlDecode(form.Groups["attrs"].Value);
            if (!action.Contains("method=\"post\"", StringComparison.OrdinalIgnoreCase)) continue;
            // A form of another page (the layout's sign-out) is not this page's.
            if (page is not null && ActionPath().Match(action) is { Success: true } target
                && !string.Equals(target.Groups[1].Value.TrimEnd('/'), page.Split('?')[0].TrimEnd('/'), StringComparison.OrdinalIgnoreCase)) continue;
            var named = HandlerInAction().Match(action);
            if (handler is null ? named.Success : !named.Success || !string.Equals(named.Groups[1].Value, handler, StringComparison.OrdinalIgnoreCase)) continue;
            var body = form.Groups["body"].Value;
            foreach (Match select in Select().Matches(body))
            {
                var option = OptionValue().Matches(select.Groups["options"].Value).Select(o => o.Groups[1].Value).FirstOrDefault(v => v.Length > 0);
                if (option is not null) values.TryAdd(WebUtility.HtmlDecode(select.Groups["name"].Value), WebUtility.HtmlDecode(option));
            }
            foreach (Match area in TextArea().Matches(body))
                values.TryAdd(WebUtility.HtmlDecode(area.Groups["name"].Value), WebUtility.HtmlDecode(area.Groups["text"].Value) is { Length: > 0 } t ? t : "测试");
            foreach (Match input in Input().Matches(body))
            {
                var tag = input.Value;
                var name = WebUtility.HtmlDecode(AttrName().Match(tag).Groups[1].Value);
                if (name.Length == 0 || name == "__RequestVerificationToken") continue;
                var type = AttrType().Match(tag).Groups[1].Value.ToLowerInvariant();
                if (type is "file" or "submit" or "button") continue;
                var value = WebUtility.HtmlDecode(AttrValue().Match(tag).Groups[1].Value);
                if ((type is "checkbox" or "radio") && values.ContainsKey(name)) continue;
                values.TryAdd(name, value.Length > 0 ? value : type switch
                {
                    "number" => "1",
                    "date" => "2026-11-20",
                    "checkbox" => "true",
                    _ => "测试",
                });
            }
            break;
        }
        return values;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    [GeneratedRegex("<form(?<attrs>[^>]*)>(?<body>.*?)</form>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Form();

    [GeneratedRegex("\\baction=\"([^\"?]*)")]
    private static partial Regex ActionPath();

    [GeneratedRegex("[?&]handler=([A-Za-z0-9]+)")]
    private static partial Regex HandlerInAction();

    [GeneratedRegex("<select[^>]*\\bname=\"(?<name>[^\"]+)\"[^>]*>(?<options>.*?)</select>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Select();

    [GeneratedRegex("<option[^>]*\\bvalue=\"([^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex OptionValue();

    [GeneratedRegex("<textarea[^>]*\\bname=\"(?<name>[^\"]+)\"[^>]*>(?<text>.*?)</textarea>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex TextArea();

    [GeneratedRegex("<input\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex Input();

    [GeneratedRegex("\\bname=\"([^\"]*)\"")]
    private static partial Regex AttrName();

    [GeneratedRegex("\\btype=\"([^\"]*)\"")]
    private static partial Regex AttrType();

    [GeneratedRegex("\\bvalue=\"([^\"]*)\"")]
    private static partial Regex AttrValue();
}
