using System.Globalization;

namespace Mingcha.Domain.Identifiers;

/// <summary>
/// The 18-character unified social credit code (统一社会信用代码) of GB 32100-2015 that
/// identifies units and agencies on import (Rule ORG-2).
/// </summary>
public static class CreditCode
{
    // The standard leaves out I, O, Z, S and V, which are easily confused with digits.
    private const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    /// <summary>Checks length, alphabet and the MOD 31 check character.</summary>
    /// <param name="value">The code as entered; letters must be upper case.</param>
    /// <param name="error">Why the code is invalid, in Chinese; null when valid.</param>
    public static bool IsValid(string? value, out string? error)
    {
        error = Check(value);
        return error is null;
    }

    /// <summary>The check character (18th) for the first 17 characters of a code.</summary>
    /// <exception cref="ArgumentException">Not 17 characters of the code alphabet.</exception>
    public static char ComputeCheckCharacter(string first17)
    {
        ArgumentNullException.ThrowIfNull(first17);
        if (first17.Length != 17 || first17.Any(c => !Alphabet.Contains(c, StringComparison.Ordinal)))
        {
            throw new ArgumentException("Expected the first 17 characters of a credit code.", nameof(first17));
        }

        return CheckCharacter(first17);
    }

    private static char CheckCharacter(string code)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += Alphabet.IndexOf(code[i], StringComparison.Ordinal) * Weights[i];
        }

        var check = 31 - (sum % 31);
        return Alphabet[check == 31 ? 0 : check];
    }

    private static string? Check(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "统一社会信用代码为空。";
        }

        if (value.Length != 18)
        {
            return string.Format(CultureInfo.InvariantCulture, "统一社会信用代码应为 18 位，实为 {0} 位。", value.Length);
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (Alphabet.Contains(c, StringComparison.Ordinal))
            {
                continue;
            }

            if (char.IsAsciiLetterLower(c))
            {
                return "统一社会信用代码中的字母应为大写。";
            }

            return string.Format(
                CultureInfo.InvariantCulture,
                "统一社会信用代码第 {0} 位“{1}”不是允许的字符（数字及除 I、O、Z、S、V 外的大写字母）。",
                i + 1,
                c);
        }

        var expected = CheckCharacter(value);
        if (value[17] != expected)
        {
            return string.Format(CultureInfo.InvariantCulture, "统一社会信用代码校验码错误：应为 {0}，实为 {1}。请核对代码。", expected, value[17]);
        }

        return null;
    }
}
