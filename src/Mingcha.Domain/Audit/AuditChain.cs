using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Mingcha.Domain.Audit;

/// <summary>
/// Sealing and verification of the hash-chained audit log (Rule SEC-3).
/// </summary>
/// <remarks>
/// The chain shows edits, deletions and reordering inside the log. It cannot by itself show
/// that the newest entries were cut off the end: compare the last Seq and Hash with a copy kept
/// elsewhere (an export, a report) for that.
/// </remarks>
public static class AuditChain
{
    /// <summary>The <see cref="AuditRecord.PrevHash"/> of the first entry: 64 zeros.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    // Changing the encoding must change this tag, so that old and new hashes can never be confused.
    private static readonly byte[] FormatTag = Encoding.ASCII.GetBytes("mingcha-audit-v1");

    /// <summary>
    /// The timestamp as stored and hashed: truncated to whole microseconds, Kind Utc. PostgreSQL
    /// keeps microseconds and SQLite keeps ticks, so the hash must not depend on the sub-microsecond
    /// part; the value is taken as UTC whatever its Kind says (SQLite returns Unspecified).
    /// </summary>
    public static DateTime Normalize(DateTime utc) =>
        new(utc.Ticks - (utc.Ticks % 10), DateTimeKind.Utc);

    /// <summary>
    /// Lowercase hex SHA-256 of every field but <see cref="AuditRecord.Hash"/>. Each field is
    /// length-prefixed (and null kept distinct from empty), so no two different records encode alike.
    /// </summary>
    public static string ComputeHash(AuditRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);

        var buffer = new ArrayBufferWriter<byte>(512);
        buffer.Write(FormatTag);
        WriteInt64(buffer, r.Seq);
        WriteString(buffer, Normalize(r.At).ToString("yyyy-MM-ddTHH:mm:ss.ffffff", CultureInfo.InvariantCulture));
        WriteString(buffer, r.UserId);
        WriteString(buffer, r.UserName);
        WriteString(buffer, r.Ip);
        WriteString(buffer, r.Action);
        WriteString(buffer, r.EntityType);
        WriteString(buffer, r.EntityKey);
        WriteString(buffer, r.Before);
        WriteString(buffer, r.After);
        WriteString(buffer, r.PrevHash);

        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    /// <summary>
    /// Creates the entry that follows <paramref name="previous"/> (or the first entry when null):
    /// next Seq, linked and sealed, with <paramref name="at"/> normalized.
    /// </summary>
    public static AuditRecord CreateNext(
        AuditRecord? previous,
        DateTime at,
        string? userId,
        string? userName,
        string? ip,
        string action,
        string? entityType,
        string? entityKey,
        string? before,
        string? after)
    {
        ArgumentNullException.ThrowIfNull(action);
        var unsealed = new AuditRecord(
            (previous?.Seq ?? 0) + 1,
            Normalize(at),
            userId,
            userName,
            ip,
            action,
            entityType,
            entityKey,
            before,
            after,
            previous?.Hash ?? GenesisHash,
            string.Empty);
        return unsealed with { Hash = ComputeHash(unsealed) };
    }

    /// <summary>The most breaks one verification reports (a log rewritten wholesale would otherwise list every entry).</summary>
    public const int MaxBreaks = 1000;

    /// <summary>
    /// Verifies a whole log, read once in Seq order (streamed: millions of entries need not fit in memory), and reports
    /// every break it finds (EVD-5), not only the first: content against its own hash, then the sequence (starts at 1,
    /// steps by exactly 1), then the link to the previous entry's hash. After a break it goes on from the entry as stored:
    /// an altered entry is reported once (its successor is not blamed for the link), a deletion is reported once (the entry after the gap is
    /// not blamed for pointing at the deleted one), a broken link is reported at the entry that shows it. Entries out of order
    /// end the check there (positions after a reordering mean nothing), as does reaching <see cref="MaxBreaks"/>.
    /// </summary>
    public static AuditChainReport Verify(IEnumerable<AuditRecord> recordsOrderedBySeq)
    {
        ArgumentNullException.ThrowIfNull(recordsOrderedBySeq);

        long expectedSeq = 1;
        var expectedPrev = GenesisHash;
        long verified = 0;
        long read = 0;
        var breaks = new List<AuditChainBreak>();
        var stopped = false;
        var afterAltered = false; // an altered entry's own hash may be what was edited: its successor's link is the same break

        using var e = recordsOrderedBySeq.GetEnumerator();
        var hasCurrent = e.MoveNext();
        while (hasCurrent && !stopped)
        {
            var r = e.Current;
            read++;
            var sound = true;
            var advanced = false;
            var afterGap = false;

            // Content first: whatever field was edited, this names the edited entry. Everything before it was
            // consecutive, so its position is expectedSeq even if Seq itself was edited.
            if (!string.Equals(ComputeHash(r), r.Hash, StringComparison.Ordinal))
            {
                sound = false;
                breaks.Add(new AuditChainBreak(expectedSeq, AuditBreakKind.EntryAltered, Format(
                    "第 {0} 条审计记录的内容与其哈希不符，已被修改。 Audit entry {0} does not match its hash: it was altered.",
                    expectedSeq)));
                // Take it at its place in the chain and go on from the next entry.
                expectedSeq++;
                expectedPrev = r.Hash;
                afterAltered = true;
                if (breaks.Count >= MaxBreaks) stopped = true;
                hasCurrent = e.MoveNext();
                continue;
            }
            else if (r.Seq < expectedSeq)
            {
                breaks.Add(new AuditChainBreak(r.Seq, AuditBreakKind.OutOfOrder, Format(
                    "第 {0} 条审计记录出现在第 {1} 条之后，顺序被打乱或重复。 Audit entry {0} comes after entry {1}: entries were reordered or duplicated.",
                    r.Seq,
                    expectedSeq - 1)));
                stopped = true;
                sound = false;
            }
            else
            {
                if (r.Seq > expectedSeq)
                {
                    // A jump is a deletion unless the skipped entry turns up next (entries swapped).
                    hasCurrent = e.MoveNext();
                    advanced = true;
                    if (hasCurrent && e.Current.Seq < r.Seq)
                    {
                        breaks.Add(new AuditChainBreak(r.Seq, AuditBreakKind.OutOfOrder, Format(
                            "第 {0} 条审计记录出现在第 {1} 条之前，顺序被打乱。 Audit entry {0} comes before entry {1}: entries were reordered.",
                            r.Seq,
                            e.Current.Seq)));
                        stopped = true;
                        break;
                    }

                    breaks.Add(new AuditChainBreak(expectedSeq, AuditBreakKind.EntryMissing, r.Seq - expectedSeq == 1
                        ? Format("第 {0} 条审计记录缺失，已被删除。 Audit entry {0} is missing: it was deleted.", expectedSeq)
                        : Format("第 {0} 至 {1} 条审计记录缺失，已被删除。 Audit entries {0} to {1} are missing: they were deleted.", expectedSeq, r.Seq - 1)));
                    sound = false;
                    afterGap = true; // its link points at a deleted entry: that is the same break
                }

                if (!afterGap && !afterAltered && !string.Equals(r.PrevHash, expectedPrev, StringComparison.Ordinal))
                {
                    sound = false;
                    breaks.Add(new AuditChainBreak(r.Seq, AuditBreakKind.ChainLinkBroken, r.Seq == 1
                        ? "第 1 条审计记录未从创世哈希开始，日志开头被替换。 Audit entry 1 does not start from the genesis hash: the start of the log was replaced."
                        : Format(
                            "第 {0} 条审计记录未指向第 {1} 条的哈希，第 {1} 条已被改写并重新计算哈希。 Audit entry {0} does not point at the hash of entry {1}: entry {1} was rewritten and re-hashed.",
                            r.Seq,
                            r.Seq - 1)));
                }

                expectedSeq = r.Seq + 1;
                expectedPrev = r.Hash;
                afterAltered = false;
            }

            if (sound && breaks.Count == 0) verified++;
            if (breaks.Count >= MaxBreaks) stopped = true;
            if (!advanced) hasCurrent = e.MoveNext();
        }

        return new AuditChainReport(verified, breaks.Count == 0 ? null : breaks[0]) { Breaks = breaks, Read = read, Stopped = stopped };
    }

    private static void WriteInt64(ArrayBufferWriter<byte> buffer, long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(buffer.GetSpan(8), value);
        buffer.Advance(8);
    }

    // Null is a single 0 byte; a string is 1, its UTF-8 byte length (int32 big-endian), its bytes.
    private static void WriteString(ArrayBufferWriter<byte> buffer, string? value)
    {
        if (value is null)
        {
            buffer.GetSpan(1)[0] = 0;
            buffer.Advance(1);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        var span = buffer.GetSpan(5 + length);
        span[0] = 1;
        BinaryPrimitives.WriteInt32BigEndian(span[1..], length);
        Encoding.UTF8.GetBytes(value, span[5..]);
        buffer.Advance(5 + length);
    }

    private static string Format(string format, params object[] args) =>
        string.Format(CultureInfo.InvariantCulture, format, args);
}
