using System.Globalization;
using System.Text;

namespace Mingcha.Domain.Evidence;

/// <summary>
/// The pure parts of the tus 1.0 resumable-upload protocol (Rule EVD-4): header values as the protocol text
/// defines them. Parsing never throws; a malformed value yields null or false so the server can answer 400.
/// </summary>
public static class TusProtocol
{
    public const string Version = "1.0.0";
    public const string Extensions = "creation,checksum,expiration";
    public const string ChecksumAlgorithms = "sha1,sha256";
    public const string OffsetContentType = "application/offset+octet-stream";

    /// <summary>Upload-Length and Upload-Offset: a non-negative integer, digits only (no sign, no spaces).</summary>
    public static long? ParseNonNegative(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 19) return null;
        foreach (var c in value)
            if (c is < '0' or > '9') return null;
        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    /// <summary>
    /// Upload-Metadata: comma-separated "key base64value" pairs; a key alone has an empty value. Keys are ASCII
    /// without spaces or commas and unique. Returns null when the header is malformed.
    /// </summary>
    public static IReadOnlyDictionary<string, string>? ParseMetadata(string? header)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(header)) return result;
        foreach (var rawPair in header.Split(','))
        {
            var pair = rawPair.Trim();
            if (pair.Length == 0) return null;
            var parts = pair.Split(' ');
            if (parts.Length > 2) return null;
            var key = parts[0];
            if (key.Length == 0 || key.Any(c => c > 127 || char.IsControl(c)) || result.ContainsKey(key)) return null;
            var value = "";
            if (parts.Length == 2)
            {
                var bytes = new byte[(parts[1].Length * 3 / 4) + 3];
                if (!Convert.TryFromBase64String(parts[1], bytes, out var written)) return null;
                try
                {
                    value = new UTF8Encoding(false, true).GetString(bytes, 0, written);
                }
                catch (DecoderFallbackException)
                {
                    return null;
                }
            }
            result[key] = value;
        }
        return result;
    }

    /// <summary>Encodes metadata as a client sends it (used by tests and tools).</summary>
    public static string FormatMetadata(IEnumerable<KeyValuePair<string, string>> pairs) =>
        string.Join(',', pairs.Select(p => p.Value.Length == 0 ? p.Key : $"{p.Key} {Convert.ToBase64String(Encoding.UTF8.GetBytes(p.Value))}"));

    /// <summary>Upload-Checksum: "algorithm base64digest". Null if malformed or the digest has the wrong length.</summary>
    public static UploadChecksum? ParseChecksum(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return null;
        var parts = header.Trim().Split(' ');
        if (parts.Length != 2) return null;
        var algorithm = parts[0].ToLowerInvariant();
        var expectedLength = algorithm switch { "sha1" => 20, "sha256" => 32, _ => -1 };
        var buffer = new byte[64];
        if (!Convert.TryFromBase64String(parts[1], buffer, out var written)) return null;
        if (expectedLength > 0 && written != expectedLength) return null;
        return new UploadChecksum(algorithm, buffer.AsSpan(0, written).ToArray(), expectedLength > 0);
    }

    /// <summary>Upload-Expires uses the HTTP date format of RFC 9110 (IMF-fixdate).</summary>
    public static string FormatExpires(DateTime utc) =>
        DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>A parsed Upload-Checksum header. <see cref="Supported"/> is false for an algorithm the server lacks (answer 400).</summary>
public sealed record UploadChecksum(string Algorithm, byte[] Digest, bool Supported);
