using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Mingcha.Web.Features.Audit;

/// <summary>
/// The audit line's content for rows written in bulk rather than one audited change each (decision 008: a batch of
/// ratings, an opening of follow-up cases): how many, and a SHA-256 over one canonical line per row, which anyone can
/// recompute from the table. The hash-chained line makes a row removed or altered later detectable.
/// </summary>
public static class BulkSeal
{
    /// <summary>SHA-256 (lower-case hex) over the rows' lines, each ended by a line feed.</summary>
    public static string Hash<T>(IEnumerable<T> rows, Func<T, string> line)
    {
        var sb = new StringBuilder();
        foreach (var row in rows) sb.Append(line(row)).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    /// <summary>The audit line's After: <c>{"count":N,"sha256":"..."}</c>.</summary>
    public static string After<T>(IReadOnlyCollection<T> rows, Func<T, string> line) =>
        JsonSerializer.Serialize(new { count = rows.Count, sha256 = Hash(rows, line) });
}
