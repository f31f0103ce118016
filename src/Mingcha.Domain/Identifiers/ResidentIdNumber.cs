using System.Globalization;

namespace Mingcha.Domain.Identifiers;

/// <summary>
/// The 18-character citizen identity number of GB 11643-1999, checked when staff and
/// complainants are imported (Rule ORG-2, Rule SEC-4).
/// </summary>
public static class ResidentIdNumber
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckChars = "10X98765432";

    /// <summary>
    /// Checks length, digits, the birth date (a real date from 1900 up to <paramref name="today"/>)
    /// and the ISO 7064 MOD 11-2 check character (X in upper or lower case).
    /// </summary>
    /// <param name="value">The number as entered.</param>
    /// <param name="today">The office's today (not the server's: its clock may be in another time zone), for refusing a
    /// birth date in the future.</param>
    /// <param name="error">Why the number is invalid, in Chinese; null when valid.</param>
    public static bool IsValid(string? value, DateOnly today, out string? error)
    {
        error = Check(value, today);
        return error is null;
    }

    private static string? Check(string? value, DateOnly today)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "身份证号码为空。";
        }

        if (value.Length != 18)
        {
            return string.Format(CultureInfo.InvariantCulture, "身份证号码应为 18 位，实为 {0} 位。", value.Length);
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            if (!char.IsAsciiDigit(value[i]))
            {
                return "身份证号码前 17 位应全为数字。";
            }

            sum += (value[i] - '0') * Weights[i];
        }

        var last = char.ToUpperInvariant(value[17]);
        if (!char.IsAsciiDigit(last) && last != 'X')
        {
            return "身份证号码第 18 位（校验码）应为数字或 X。";
        }

        var birthText = value.Substring(6, 8);
        if (!DateOnly.TryParseExact(birthText, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var birth))
        {
            return string.Format(CultureInfo.InvariantCulture, "身份证号码中的出生日期 {0} 不是有效日期。", birthText);
        }

        if (birth.Year < 1900)
        {
            return string.Format(CultureInfo.InvariantCulture, "身份证号码中的出生日期 {0:yyyy-MM-dd} 早于 1900 年。", birth);
        }

        if (birth > today)
        {
            return string.Format(CultureInfo.InvariantCulture, "身份证号码中的出生日期 {0:yyyy-MM-dd} 晚于今天。", birth);
        }

        var expected = CheckChars[sum % 11];
        if (last != expected)
        {
            return string.Format(CultureInfo.InvariantCulture, "身份证号码校验码错误：应为 {0}，实为 {1}。请核对号码。", expected, value[17]);
        }

        return null;
    }
}
