using System.Globalization;
using System.Text;

namespace Mingcha.Domain.Identifiers;

/// <summary>
/// Masked forms of personal data, shown to everyone who does not need the full value
/// (Rule SEC-4). Null or empty input gives an empty string.
/// </summary>
public static class PersonalData
{
    /// <summary>
    /// Keeps the first 3 and last 4 digits: 13812341234 → 138****1234. Spaces, dashes and +86
    /// are dropped first. Numbers too short to keep 7 digits are masked whole.
    /// </summary>
    public static string MaskPhone(string? v)
    {
        if (string.IsNullOrEmpty(v))
        {
            return string.Empty;
        }

        // The extension (after the dash of a normalized landline) is not what identifies a person.
        var s = PhoneNumber.Normalize(v);
        var dash = s.IndexOf('-', StringComparison.Ordinal);
        if (dash >= 0)
        {
            s = s[..dash];
        }

        // Showing 7 of fewer than 11 digits would leave too few hidden to protect the number.
        return s.Length >= 11 ? KeepEnds(s, 3, 4) : new string('*', s.Length);
    }

    /// <summary>Keeps the first 4 and last 4 characters, same length: 1101**********1234.</summary>
    public static string MaskIdNumber(string? v)
    {
        if (string.IsNullOrEmpty(v))
        {
            return string.Empty;
        }

        return v.Length > 8 ? KeepEnds(v, 4, 4) : new string('*', v.Length);
    }

    /// <summary>
    /// Keeps the first character (the surname, for most Chinese names) and masks the rest, one
    /// star per character: 张三 → 张*, 欧阳娜娜 → 欧***. A one-character name is masked whole.
    /// </summary>
    public static string MaskName(string? v)
    {
        if (string.IsNullOrEmpty(v))
        {
            return string.Empty;
        }

        // Text elements, not chars: rare name characters (CJK Extension B) are surrogate pairs.
        var elements = StringInfo.ParseCombiningCharacters(v);
        if (elements.Length == 1)
        {
            return "*";
        }

        var first = v[..elements[1]];
        return new StringBuilder(first).Append('*', elements.Length - 1).ToString();
    }

    private static string KeepEnds(string s, int head, int tail) =>
        string.Concat(s.AsSpan(0, head), new string('*', s.Length - head - tail), s.AsSpan(s.Length - tail));
}
