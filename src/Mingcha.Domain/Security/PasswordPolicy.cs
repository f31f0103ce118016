using System.Globalization;
using System.Text;

namespace Mingcha.Domain.Security;

/// <summary>
/// Password and session rules for every account (Rule SEC-1): the accounts hold covert-visit
/// plans and complainants' personal data, so they follow the usual level-3 protection practice
/// (等保三级): length, mixed character classes, lockout and idle timeout.
/// </summary>
public static class PasswordPolicy
{
    /// <summary>Minimum length, in characters (Unicode code points).</summary>
    public const int MinLength = 10;

    /// <summary>How many of the four classes (lower case, upper case, digit, other) a password needs.</summary>
    public const int RequiredClasses = 3;

    /// <summary>Failed sign-ins in a row that lock the account.</summary>
    public const int MaxFailedAttempts = 5;

    /// <summary>How long a locked account stays locked.</summary>
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    /// <summary>A session with no activity for this long is signed out.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(30);

    /// <summary>The reasons a password is refused, in Chinese; empty when it is acceptable.</summary>
    public static IReadOnlyList<string> Check(string? password)
    {
        password ??= string.Empty;
        var errors = new List<string>(2);

        var length = 0;
        bool lower = false, upper = false, digit = false, other = false;
        foreach (var rune in password.EnumerateRunes())
        {
            length++;
            if (Rune.IsLower(rune))
            {
                lower = true;
            }
            else if (Rune.IsUpper(rune))
            {
                upper = true;
            }
            else if (Rune.IsDigit(rune))
            {
                digit = true;
            }
            else
            {
                other = true;
            }
        }

        if (length < MinLength)
        {
            errors.Add(string.Format(CultureInfo.InvariantCulture, "密码长度至少为 {0} 个字符。", MinLength));
        }

        var classes = (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) + (other ? 1 : 0);
        if (classes < RequiredClasses)
        {
            errors.Add(string.Format(
                CultureInfo.InvariantCulture,
                "密码须包含小写字母、大写字母、数字、其他符号中的至少 {0} 类。",
                RequiredClasses));
        }

        return errors.AsReadOnly();
    }
}
