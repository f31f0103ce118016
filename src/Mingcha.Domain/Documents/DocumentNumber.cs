using System.Globalization;
using System.Text.RegularExpressions;

namespace Mingcha.Domain.Documents;

/// <summary>
/// A document number (发文字号, GB/T 9704-2012 §7.2.4): the issuer's prefix (机关代字), the year in hexagonal brackets
/// 〔〕 and the serial number without leading zeros or the word 第: <c>示效办〔2026〕12号</c>. Serial numbers run per
/// issuer, prefix and year from 1, without gaps, and are never given twice (even to a withdrawn document).
/// </summary>
public sealed partial record DocumentNumber
{
    public const int MaxPrefixLength = 20;
    private static readonly System.Buffers.SearchValues<char> Forbidden = System.Buffers.SearchValues.Create("〔〕[]()（）【】 \t\r\n号");

    public DocumentNumber(string prefix, int year, int serial)
    {
        if (CheckPrefix(prefix) is { } error) throw new ArgumentException(error, nameof(prefix));
        if (year is < 2000 or > 2200) throw new ArgumentOutOfRangeException(nameof(year), "年份应在 2000 至 2200 之间。 The year must be between 2000 and 2200.");
        if (serial < 1) throw new ArgumentOutOfRangeException(nameof(serial), "序号从 1 开始。 Serial numbers start at 1.");
        Prefix = prefix;
        Year = year;
        Serial = serial;
    }

    public string Prefix { get; }
    public int Year { get; }
    public int Serial { get; }

    /// <summary>The number as printed: prefix, 〔year〕, serial, 号.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Prefix}〔{Year}〕{Serial}号");

    /// <summary>Reads a printed number back; null if it is not one.</summary>
    public static DocumentNumber? TryParse(string? text)
    {
        if (text is null) return null;
        var m = Pattern().Match(text.Trim());
        if (!m.Success) return null;
        var prefix = m.Groups[1].Value;
        if (CheckPrefix(prefix) is not null) return null;
        if (!int.TryParse(m.Groups[2].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var year) || year is < 2000 or > 2200) return null;
        if (!int.TryParse(m.Groups[3].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var serial) || serial < 1) return null;
        return new DocumentNumber(prefix, year, serial);
    }

    /// <summary>Why a configured prefix cannot be used (null if it can): 1 to 20 characters, no brackets, digits at the end or spaces.</summary>
    public static string? CheckPrefix(string? prefix)
    {
        if (string.IsNullOrWhiteSpace(prefix)) return "机关代字不能为空。 The issuer's prefix is empty.";
        if (prefix.Length > MaxPrefixLength) return $"机关代字最长 {MaxPrefixLength} 字。 The prefix is longer than {MaxPrefixLength} characters.";
        if (prefix.AsSpan().IndexOfAny(Forbidden) >= 0)
            return "机关代字不能含括号、空白或“号”字。 The prefix must not contain brackets, spaces or 号.";
        if (char.IsDigit(prefix[^1])) return "机关代字不能以数字结尾。 The prefix must not end with a digit.";
        return null;
    }

    [GeneratedRegex(@"^(.+)〔(\d{4})〕([1-9]\d{0,8})号$")]
    private static partial Regex Pattern();
}
