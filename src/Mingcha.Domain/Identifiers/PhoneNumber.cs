using System.Text.RegularExpressions;

namespace Mingcha.Domain.Identifiers;

/// <summary>
/// A personal telephone number of a staff member or complainant: a mainland mobile number or
/// a landline (Rule ORG-2, Rule SEC-4).
/// </summary>
public static partial class PhoneNumber
{
    /// <summary>
    /// Accepts a mobile number <c>1[3-9]</c> + 9 digits (optionally +86 or 86 in front, spaces
    /// and dashes anywhere) or a landline <c>0</c> + 2-3 digit area code, optional dash, 7-8
    /// digits, optional <c>-ext</c>. Government service lines such as 12345 are refused: they
    /// are not anyone's own number.
    /// </summary>
    /// <param name="value">The number as entered.</param>
    /// <param name="error">Why it is not a personal phone number, in Chinese; null when valid.</param>
    public static bool IsValid(string? value, out string? error)
    {
        error = Check(value);
        return error is null;
    }

    /// <summary>
    /// The stored form: a mobile number as its 11 digits (spaces, dashes, +86 removed); a
    /// landline as its digits, keeping <c>-ext</c> when there is an extension
    /// (<c>010-1234 5678-12</c> → <c>01012345678-12</c>). Other input only loses spaces, dashes
    /// and a leading +86; call <see cref="IsValid(string?, out string?)"/> first.
    /// </summary>
    public static string Normalize(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var compact = RemoveSpaces(value.Trim());

        var landline = LandlineRegex().Match(compact);
        if (landline.Success)
        {
            var main = landline.Groups["area"].Value + landline.Groups["number"].Value;
            return landline.Groups["ext"].Success ? main + "-" + landline.Groups["ext"].Value : main;
        }

        return StripCountryCode(compact.Replace("-", string.Empty, StringComparison.Ordinal));
    }

    private static string? Check(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "电话号码为空。";
        }

        var compact = RemoveSpaces(value.Trim());
        if (LandlineRegex().IsMatch(compact))
        {
            return null;
        }

        var digits = StripCountryCode(compact.Replace("-", string.Empty, StringComparison.Ordinal));
        if (MobileRegex().IsMatch(digits))
        {
            return null;
        }

        if (ServiceLineRegex().IsMatch(digits))
        {
            return "12345、12315 等是政务服务热线，不是个人电话号码。";
        }

        return "电话号码格式不正确：应为 11 位手机号（如 13812341234）或带区号的固定电话（如 010-12345678）。";
    }

    private static string RemoveSpaces(string s) =>
        s.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("\u3000", string.Empty, StringComparison.Ordinal);

    // Only a 13-digit "86..." is a country code: an 11-digit number starting 86 does not exist as a mobile.
    private static string StripCountryCode(string s) =>
        s.StartsWith("+86", StringComparison.Ordinal) ? s[3..]
        : s.Length == 13 && s.StartsWith("86", StringComparison.Ordinal) ? s[2..]
        : s;

    [GeneratedRegex(@"^1[3-9][0-9]{9}$", RegexOptions.CultureInvariant)]
    private static partial Regex MobileRegex();

    [GeneratedRegex(@"^(?<area>0[0-9]{2,3})-?(?<number>[0-9]{7,8})(?:-(?<ext>[0-9]{1,6}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex LandlineRegex();

    [GeneratedRegex(@"^123[0-9]{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex ServiceLineRegex();
}
