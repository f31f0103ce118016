using System.Security.Cryptography;
using System.Text;

namespace Mingcha.Domain.Scoring;

/// <summary>
/// EV-2, decision 028: the one-time ballot codes (测评码) of a concentrated sitting, printed one per slip (测评票) and handed to
/// each representative present. A code is 12 characters of an alphabet without look-alikes (no 0/O, 1/I; the complaints'
/// query-code alphabet, 32 characters, so a random byte maps uniformly): 60 random bits, shown in groups of four
/// (<c>ABCD-EFGH-JKLM</c>). Only its hash is stored, bound to its sitting: a leaked table gives no code, and a code of one
/// sitting means nothing in another.
/// </summary>
public static class SittingCodeRules
{
    public const int Length = 12;
    public const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    /// <summary>Codes issued at once (a slip sheet for one room) and in all for one sitting.</summary>
    public const int MaxPerIssue = 500;
    public const int MaxPerSitting = 5000;
    public const int MaxGroup = 100;

    /// <summary>A new code, shown once (the slip) and then only its hash is kept.</summary>
    public static string NewCode()
    {
        // 256 is a multiple of 32: taking a byte modulo the alphabet's length is uniform.
        Span<byte> bytes = stackalloc byte[Length];
        RandomNumberGenerator.Fill(bytes);
        var b = new StringBuilder(Length + 2);
        for (var i = 0; i < Length; i++)
        {
            if (i > 0 && i % 4 == 0) b.Append('-');
            b.Append(Alphabet[bytes[i] % Alphabet.Length]);
        }
        return b.ToString();
    }

    /// <summary>
    /// The code as typed or scanned, in its canonical form (upper case, without spaces and dashes), or null when it cannot be a
    /// code (wrong length, a character outside the alphabet). Lower case, spaces and dashes are forgiven: people copy slips.
    /// </summary>
    public static string? Normalise(string? code)
    {
        if (string.IsNullOrWhiteSpace(code) || code.Length > 40) return null;
        var b = new StringBuilder(Length);
        foreach (var ch in code)
        {
            if (ch is '-' or ' ' or '\u3000') continue;
            var c = char.ToUpperInvariant(ch);
            if (!Alphabet.Contains(c, StringComparison.Ordinal)) return null;
            b.Append(c);
        }
        return b.Length == Length ? b.ToString() : null;
    }

    /// <summary>The stored form of a (normalised) code of a sitting: SHA-256 of the sitting and the code, hex.</summary>
    public static string Hash(Guid sittingId, string normalisedCode)
    {
        ArgumentNullException.ThrowIfNull(normalisedCode);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"mingcha-sitting-code:{sittingId:N}:{normalisedCode}"))).ToLowerInvariant();
    }
}
