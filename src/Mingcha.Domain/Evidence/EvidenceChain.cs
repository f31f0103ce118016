using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Mingcha.Domain.Evidence;

/// <summary>
/// One evidence record as it is sealed: what was stored, when it was captured and by whom it was handed in
/// (EVD-1, EVD-2), linked to the record before it.
/// </summary>
public sealed record EvidenceRecord(
    long Seq,
    Guid Id,
    Guid CaseId,
    string Sha256,
    long Size,
    string MediaType,
    string FileName,
    DateTime CapturedAt,
    string CaptureSource,
    DateTime? DeviceClock,
    string? Location,
    string UploadedBy,
    string UploaderName,
    DateTime UploadStartedAt,
    DateTime UploadedAt,
    bool LateUpload,
    long? DurationMs,
    DateTime? MediaCreatedAt,
    string PrevHash,
    string Hash);

/// <summary>A record that does not match: its own hash, or its link to the record before it.</summary>
public sealed record EvidenceChainBreak(long Seq, Guid Id, string Problem);

/// <summary>
/// Rule EVD-5: evidence records form their own hash chain, independent of the audit log, so that a record edited
/// in the database by hand (or removed from the middle) is found by re-computing the chain. The encoding is
/// length-prefixed and tagged, like the audit chain's.
/// </summary>
public static class EvidenceChain
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";
    private static readonly byte[] FormatTag = Encoding.ASCII.GetBytes("mingcha-evidence-v1");

    /// <summary>Whole microseconds, UTC: what both databases keep.</summary>
    public static DateTime Normalize(DateTime utc) => new(utc.Ticks - (utc.Ticks % 10), DateTimeKind.Utc);

    public static string ComputeHash(EvidenceRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var b = new ArrayBufferWriter<byte>(512);
        b.Write(FormatTag);
        Int(b, r.Seq);
        Str(b, r.Id.ToString("D"));
        Str(b, r.CaseId.ToString("D"));
        Str(b, r.Sha256);
        Int(b, r.Size);
        Str(b, r.MediaType);
        Str(b, r.FileName);
        Str(b, Time(r.CapturedAt));
        Str(b, r.CaptureSource);
        Str(b, r.DeviceClock is { } d ? Time(d) : null);
        Str(b, r.Location);
        Str(b, r.UploadedBy);
        Str(b, r.UploaderName);
        Str(b, Time(r.UploadStartedAt));
        Str(b, Time(r.UploadedAt));
        Str(b, r.LateUpload ? "late" : "same-day");
        Str(b, r.DurationMs?.ToString(CultureInfo.InvariantCulture));
        Str(b, r.MediaCreatedAt is { } m ? Time(m) : null);
        Str(b, r.PrevHash);
        return Convert.ToHexStringLower(SHA256.HashData(b.WrittenSpan));
    }

    /// <summary>Seals a record that follows <paramref name="previous"/> (or starts the chain).</summary>
    public static EvidenceRecord Seal(EvidenceRecord unsealed, EvidenceRecord? previous)
    {
        ArgumentNullException.ThrowIfNull(unsealed);
        var linked = unsealed with
        {
            Seq = (previous?.Seq ?? 0) + 1,
            PrevHash = previous?.Hash ?? GenesisHash,
            CapturedAt = Normalize(unsealed.CapturedAt),
            DeviceClock = unsealed.DeviceClock is { } d ? Normalize(d) : null,
            UploadStartedAt = Normalize(unsealed.UploadStartedAt),
            UploadedAt = Normalize(unsealed.UploadedAt),
            MediaCreatedAt = unsealed.MediaCreatedAt is { } m ? Normalize(m) : null,
            Hash = "",
        };
        return linked with { Hash = ComputeHash(linked) };
    }

    /// <summary>Checks every record in order; reports each one whose hash, sequence or link is wrong (not just the first).</summary>
    public static IReadOnlyList<EvidenceChainBreak> Verify(IEnumerable<EvidenceRecord> inOrder)
    {
        ArgumentNullException.ThrowIfNull(inOrder);
        var breaks = new List<EvidenceChainBreak>();
        long expectedSeq = 1;
        var prevHash = GenesisHash;
        foreach (var r in inOrder)
        {
            if (r.Seq != expectedSeq)
                breaks.Add(new(r.Seq, r.Id, $"序号不连续：应为 {expectedSeq}。 Sequence gap: expected {expectedSeq}."));
            if (!string.Equals(r.PrevHash, prevHash, StringComparison.Ordinal))
                breaks.Add(new(r.Seq, r.Id, "与前一条记录的链接断开。 The link to the previous record is broken."));
            if (!string.Equals(ComputeHash(r), r.Hash, StringComparison.Ordinal))
                breaks.Add(new(r.Seq, r.Id, "记录内容与其哈希不符（被改动）。 The record does not match its hash: it was altered."));
            expectedSeq = r.Seq + 1;
            prevHash = r.Hash;
        }
        return breaks;
    }

    private static string Time(DateTime utc) => Normalize(utc).ToString("yyyy-MM-ddTHH:mm:ss.ffffff", CultureInfo.InvariantCulture);

    private static void Int(ArrayBufferWriter<byte> b, long v)
    {
        var span = b.GetSpan(8);
        BinaryPrimitives.WriteInt64BigEndian(span, v);
        b.Advance(8);
    }

    private static void Str(ArrayBufferWriter<byte> b, string? s)
    {
        if (s is null) { Int(b, -1); return; }
        var bytes = Encoding.UTF8.GetBytes(s);
        Int(b, bytes.Length);
        b.Write(bytes);
    }
}

/// <summary>
/// Rule EVD-6: a download carries the viewer's identity so that a leaked copy can be traced: the file name
/// gets a suffix with the viewer, the time and the access-log reference.
/// </summary>
public static class DownloadIdentity
{
    /// <summary>
    /// "{name}_{sha8}_{viewer}_{yyyyMMddHHmm}_{access}{ext}": characters outside letters, digits (any script),
    /// '-' and '.' become '-'.
    /// </summary>
    public static string FileName(string originalName, string sha256, string viewer, DateTime localTime, string accessReference, string? fallbackExtension = null)
    {
        ArgumentNullException.ThrowIfNull(originalName);
        ArgumentNullException.ThrowIfNull(sha256);
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(accessReference);
        var name = Path.GetFileName(originalName.Replace('\\', '/'));
        var ext = Path.GetExtension(name);
        if (string.IsNullOrEmpty(ext) || ext.Length > 10) ext = fallbackExtension ?? "";
        var stem = Clean(Path.GetFileNameWithoutExtension(name)).Trim('.', '-');
        if (stem.Length == 0) stem = "evidence";
        if (stem.Length > 60) stem = stem[..60];
        return $"{stem}_{sha256[..Math.Min(8, sha256.Length)]}_{Clean(viewer)}_{localTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture)}_{Clean(accessReference)}{Clean(ext)}";
    }

    private static string Clean(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
            sb.Append(char.IsLetterOrDigit(c) || c is '-' or '.' ? c : '-');
        return sb.ToString();
    }
}
