using System.Globalization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Security;

namespace Mingcha.Web.Infrastructure;

/// <summary>Small helpers that pages use to show domain text in the reader's language.</summary>
public static class UiText
{
    /// <summary>True when the request's UI culture is Chinese (the default).</summary>
    public static bool IsChinese => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.Ordinal);

    /// <summary>A label's colon in the reader's language: full-width in Chinese ("状态："), ASCII and a space in English ("Status: ").</summary>
    public static string Colon => IsChinese ? "：" : ": ";

    /// <summary>Brackets around a figure or note in the reader's language: "（3 件）" in Chinese, " (3 items)" in English.</summary>
    public static string Open => IsChinese ? "（" : " (";

    /// <summary>The closing bracket to <see cref="Open"/>.</summary>
    public static string Close => IsChinese ? "）" : ")";

    /// <summary>A comma between items in the reader's language: "，" in Chinese, ", " in English.</summary>
    public static string Comma => IsChinese ? "，" : ", ";

    /// <summary>A full stop after data in the reader's language: "。" in Chinese, ". " in English.</summary>
    public static string Stop => IsChinese ? "。" : ". ";

    /// <summary>
    /// Rule and validation messages are written "中文。 English." (one string for API clients of either
    /// language). A page shows only the half in the reader's language; a message without the pattern is shown whole.
    /// The English half is the rest after "。 " and an ASCII letter or digit that holds no Chinese: text a person wrote
    /// ("经核查如下。 1. 窗口……") is never cut at its own sentence ends.
    /// </summary>
    public static string Pick(string? message)
    {
        if (string.IsNullOrEmpty(message)) return "";
        for (var i = message.IndexOf("。 ", StringComparison.Ordinal); i >= 0; i = message.IndexOf("。 ", i + 1, StringComparison.Ordinal))
        {
            if (i + 2 >= message.Length || !char.IsAsciiLetterOrDigit(message[i + 2]) || HasChinese(message.AsSpan(i + 2))) continue;
            return IsChinese ? message[..(i + 1)] : message[(i + 2)..].Trim();
        }
        return message;
    }

    private static bool HasChinese(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
            if (c is >= '\u4e00' and <= '\u9fff' or >= '\u3000' and <= '\u303f' or >= '\uff00' and <= '\uffef') return true;
        return false;
    }

    /// <summary>
    /// ORG-1: a registry name on a record, today's first and the name of the record's time after it when it differs:
    /// "城关窗口（时称：老城窗口）".
    /// </summary>
    public static string AsOf(IStringLocalizer l, string? now, string? then)
    {
        ArgumentNullException.ThrowIfNull(l);
        if (string.IsNullOrEmpty(now)) return then ?? "";
        return string.IsNullOrEmpty(then) || then == now ? now : now + l["（时称：{0}）", then];
    }

    /// <summary>Who did something, as a record names them: an account's user name, or a scheduled job ("job:name").</summary>
    public static string Actor(IStringLocalizer l, string? name)
    {
        ArgumentNullException.ThrowIfNull(l);
        return string.IsNullOrEmpty(name) ? "—" : name.StartsWith("job:", StringComparison.Ordinal) ? l["系统定时任务"] : name;
    }

    /// <summary>A role's display name in the reader's language.</summary>
    public static string Role(string role) =>
        !Roles.IsKnown(role) ? role : IsChinese ? Roles.DisplayNameZh(role) : Roles.DisplayNameEn(role);

    /// <summary>
    /// Decision 034: why a stored role is not in effect, in the reader's language. One text per reason for every page that
    /// shows it (the accounts page to the administrators, the account's own page to its user).
    /// </summary>
    public static string Withheld(IStringLocalizer l, string role, WithheldReason reason)
    {
        ArgumentNullException.ThrowIfNull(l);
        return reason switch
        {
            WithheldReason.UnitAccountSeesAllUnits => l["{0}：绑定单位的账户只能看到本单位的记录，不能担任该角色。", Role(role)],
            WithheldReason.LiaisonInspects => l["{0}：单位联络员不能同时担任监督员或第三方暗访员，被检查单位不得获知检查安排。", Role(role)],
            WithheldReason.AdministratorsSeparated => l["{0}：三员分立，系统管理员、安全管理员、安全审计员不能由同一账户担任，也不能兼任业务角色；本账户只担任其中一个管理员角色。", Role(role)],
            _ => l["{0}：绑定单位的账户已登记为监督员或暗访员，单位账户不得获知暗访安排。", Role(role)],
        };
    }

    /// <summary>A list in the reader's language: 甲、乙、丙 or A, B, C.</summary>
    public static string Join(IEnumerable<string> items) => string.Join(IsChinese ? "、" : ", ", items);

    /// <summary>ISO date, the same in both languages and unambiguous in either.</summary>
    public static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>Office-local times for display: every instant is stored in UTC, people read the office's clock.</summary>
public sealed class LocalClock(IOptions<MingchaOptions> options, TimeProvider time)
{
    public TimeZoneInfo Zone { get; } = options.Value.TimeZoneInfo;

    public DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    public DateOnly Today => DateOnly.FromDateTime(ToLocal(time.GetUtcNow().UtcDateTime));

    public DateTime UtcNow => time.GetUtcNow().UtcDateTime;

    /// <summary>"yyyy-MM-dd HH:mm" in the office's time zone.</summary>
    public string Format(DateTime utc) => ToLocal(utc).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public string Format(DateTime? utc) => utc is { } u ? Format(u) : "";

    /// <summary>The instant in the office's time zone with the given pattern ("yyyy-MM-dd", "yyyy-MM-dd HH:mm:ss").</summary>
    public string Format(DateTime utc, string pattern) => ToLocal(utc).ToString(pattern, CultureInfo.InvariantCulture);

    public string Format(DateTime? utc, string pattern) => utc is { } u ? Format(u, pattern) : "";
}
