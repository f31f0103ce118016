using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Mingcha.Domain.Satisfaction;

namespace Mingcha.Web.Features.Ratings;

/// <summary>
/// The journal of acknowledged ratings on SQLite (decision 017): an append-only file in the data folder
/// (<c>ratings.journal</c>), allocated and zero-filled once, to which the rating writer appends each batch and flushes it
/// (one write and one fsync of a few KiB) before it answers the devices. The ratings reach the tables right behind it, in
/// larger transactions (<see cref="RatingWriter"/>); at start-up, whatever the journal holds is inserted once more (by id:
/// a rating already in the table is skipped), so a crash between the answer and the table loses nothing.
/// <para>
/// Layout: two header slots (offsets 0 and 512), each <c>magic, generation, CRC-32</c>; the valid slot with the larger
/// generation counts. Records from offset 4096: <c>length, CRC-32, generation, payload</c>, the CRC over generation and
/// payload. Reading stops at the first record whose CRC or generation does not match: a torn last write or the records of
/// an earlier generation. <see cref="Reset"/> starts a new generation, and with it an empty journal, by one header write;
/// the writer calls it only once every journaled rating is committed to the tables.
/// </para>
/// Not thread-safe: the writer thread alone appends and resets; start-up alone reads.
/// </summary>
public sealed class RatingJournal : IDisposable
{
    public const string FileName = "ratings.journal";
    private const uint Magic = 0x314A434D; // "MCJ1"
    private const int DataStart = 4096;
    private const int RecordHeader = 16;

    private readonly FileStream _file;
    private readonly long _size;
    private long _generation;
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);

    private RatingJournal(FileStream file, long size, long generation, long offset)
    {
        _file = file; _size = size; _generation = generation; Offset = offset;
    }

    /// <summary>
    /// Opens the first journal of the data folder that no other instance holds: <c>ratings.journal</c>, then
    /// <c>ratings.1.journal</c> and on (instances sharing one SQLite database each journal on their own).
    /// </summary>
    public static RatingJournal OpenFirstFree(string folder, long size, out List<RatingSubmission> held)
    {
        for (var i = 0; ; i++)
        {
            var path = Path.Combine(folder, i == 0 ? FileName : $"ratings.{i}.journal");
            try { return Open(path, size, out held); }
            catch (IOException) when (i < 15 && File.Exists(path)) { } // held by another instance
        }
    }

    /// <summary>Where the next record goes.</summary>
    public long Offset { get; private set; }

    /// <summary>The file's size: a batch that does not fit waits for a <see cref="Reset"/>.</summary>
    public long Size => _size;

    /// <summary>Whether nothing was appended since the last reset.</summary>
    public bool IsEmpty => Offset == DataStart;

    /// <summary>
    /// Opens (or creates, allocated and zero-filled to <paramref name="size"/> bytes, so that an append changes no
    /// metadata) the journal, and reads the ratings it holds.
    /// </summary>
    public static RatingJournal Open(string path, long size, out List<RatingSubmission> held)
    {
        size = Math.Max(size, 1L << 20); // at least a few thousand ratings: more than a batch
        // FileShare.None: an exclusive lock (flock on Linux), so that a second instance on the same database takes a journal of its own.
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 0, FileOptions.None);
        try
        {
            if (file.Length < size)
            {
                var zeros = new byte[1 << 20];
                for (var at = file.Length; at < size; at += zeros.Length)
                    RandomAccess.Write(file.SafeFileHandle, zeros.AsSpan(0, (int)Math.Min(zeros.Length, size - at)), at);
                file.Flush(true);
            }
            var generation = ReadGeneration(file);
            held = [];
            var offset = ReadRecords(file, generation, Math.Max(size, file.Length), held);
            return new RatingJournal(file, Math.Max(size, file.Length), generation, offset);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static long ReadGeneration(FileStream file)
    {
        var best = 0L;
        Span<byte> slot = stackalloc byte[16];
        foreach (var at in (long[])[0, 512])
        {
            if (RandomAccess.Read(file.SafeFileHandle, slot, at) < 16) continue;
            if (BinaryPrimitives.ReadUInt32LittleEndian(slot) != Magic) continue;
            if (BinaryPrimitives.ReadUInt32LittleEndian(slot[12..]) != Crc32.HashToUInt32(slot[..12])) continue;
            best = Math.Max(best, BinaryPrimitives.ReadInt64LittleEndian(slot[4..]));
        }
        return best;
    }

    private static long ReadRecords(FileStream file, long generation, long size, List<RatingSubmission> held)
    {
        var offset = (long)DataStart;
        var head = new byte[RecordHeader];
        var payload = new byte[4096];
        while (offset + RecordHeader <= size)
        {
            if (RandomAccess.Read(file.SafeFileHandle, head, offset) < RecordHeader) break;
            var length = BinaryPrimitives.ReadInt32LittleEndian(head);
            if (length <= 0 || offset + RecordHeader + length > size) break;
            if (BinaryPrimitives.ReadInt64LittleEndian(head.AsSpan(8)) != generation) break;
            if (payload.Length < length) payload = new byte[length];
            if (RandomAccess.Read(file.SafeFileHandle, payload.AsSpan(0, length), offset + RecordHeader) < length) break;
            var crc = new Crc32();
            crc.Append(head.AsSpan(8, 8));
            crc.Append(payload.AsSpan(0, length));
            if (crc.GetCurrentHashAsUInt32() != BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(4))) break;
            if (!TryDecode(payload.AsSpan(0, length), out var rating)) break;
            held.Add(rating);
            offset += RecordHeader + length;
        }
        return offset;
    }

    /// <summary>
    /// Appends the ratings (one write) and flushes them to the disk (fsync) before returning true; false, with nothing
    /// written, when they do not fit behind what the journal holds (a <see cref="Reset"/> makes room).
    /// </summary>
    public bool TryAppend(IReadOnlyList<RatingSubmission> ratings)
    {
        Encode(ratings);
        if (Offset + _buffer.WrittenCount > _size) return false;
        RandomAccess.Write(_file.SafeFileHandle, _buffer.WrittenSpan, Offset);
        _file.Flush(true);
        Offset += _buffer.WrittenCount;
        return true;
    }

    /// <summary><see cref="TryAppend"/>, for ratings that must fit.</summary>
    public void Append(IReadOnlyList<RatingSubmission> ratings)
    {
        if (!TryAppend(ratings)) throw new InvalidOperationException("The rating journal is full; reset it first.");
    }

    /// <summary>Empties the journal by starting a new generation (one header write and fsync). Only once its ratings are committed.</summary>
    public void Reset()
    {
        var next = _generation + 1;
        Span<byte> slot = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(slot, Magic);
        BinaryPrimitives.WriteInt64LittleEndian(slot[4..], next);
        BinaryPrimitives.WriteUInt32LittleEndian(slot[12..], Crc32.HashToUInt32(slot[..12]));
        RandomAccess.Write(_file.SafeFileHandle, slot, next % 2 == 0 ? 0 : 512);
        _file.Flush(true);
        _generation = next;
        Offset = DataStart;
    }

    private void Encode(IReadOnlyList<RatingSubmission> ratings)
    {
        _buffer.ResetWrittenCount();
        foreach (var r in ratings)
        {
            var head = _buffer.GetSpan(RecordHeader)[..RecordHeader];
            head.Clear();
            _buffer.Advance(RecordHeader);
            var start = _buffer.WrittenCount;
            Write(r);
            var length = _buffer.WrittenCount - start;
            var written = System.Runtime.InteropServices.MemoryMarshal.AsMemory(_buffer.WrittenMemory).Span;
            var headAt = written.Slice(start - RecordHeader, RecordHeader);
            BinaryPrimitives.WriteInt32LittleEndian(headAt, length);
            BinaryPrimitives.WriteInt64LittleEndian(headAt[8..], _generation);
            var crc = new Crc32();
            crc.Append(headAt.Slice(8, 8));
            crc.Append(written.Slice(start, length));
            BinaryPrimitives.WriteUInt32LittleEndian(headAt[4..], crc.GetCurrentHashAsUInt32());
        }
    }

    // The payload: every field of RatingSubmission, in its order; ids 16 bytes, text as length (−1: null) and UTF-8,
    // times as UTC ticks, enums and levels as 32-bit integers.
    private void Write(RatingSubmission r)
    {
        WriteGuid(r.Id); WriteText(r.CaseNumber); WriteGuid(r.UnitId); WriteGuid(r.SectionId); WriteGuid(r.StaffId); WriteGuid(r.ServiceItemId);
        WriteInt((int)r.Channel); WriteInt((int)r.Scale); WriteInt(r.Level); WriteInt(r.CommonLevel); WriteInt(r.IsBad ? 1 : 0);
        WriteText(r.RaterPhone); WriteText(r.Comment); WriteLong(r.RatedAt.Ticks); WriteLong(r.ReceivedAt.Ticks); WriteGuid(r.DeviceId);
    }

    private void WriteGuid(Guid? g)
    {
        var span = _buffer.GetSpan(17);
        span[0] = g.HasValue ? (byte)1 : (byte)0;
        if (g is { } v) v.TryWriteBytes(span[1..]);
        _buffer.Advance(g.HasValue ? 17 : 1);
    }

    private void WriteInt(int v) { BinaryPrimitives.WriteInt32LittleEndian(_buffer.GetSpan(4), v); _buffer.Advance(4); }

    private void WriteLong(long v) { BinaryPrimitives.WriteInt64LittleEndian(_buffer.GetSpan(8), v); _buffer.Advance(8); }

    private void WriteText(string? s)
    {
        if (s is null) { WriteInt(-1); return; }
        var span = _buffer.GetSpan(4 + Encoding.UTF8.GetMaxByteCount(s.Length));
        var n = Encoding.UTF8.GetBytes(s, span[4..]);
        BinaryPrimitives.WriteInt32LittleEndian(span, n);
        _buffer.Advance(4 + n);
    }

    private static bool TryDecode(ReadOnlySpan<byte> p, out RatingSubmission rating)
    {
        rating = null!;
        try
        {
            var at = 0;
            var id = ReadGuid(p, ref at) ?? throw new FormatException();
            var caseNumber = ReadText(p, ref at);
            var unit = ReadGuid(p, ref at) ?? throw new FormatException();
            var section = ReadGuid(p, ref at) ?? throw new FormatException();
            var staff = ReadGuid(p, ref at);
            var item = ReadGuid(p, ref at);
            var channel = (RatingChannel)ReadInt(p, ref at);
            var scale = (RatingScale)ReadInt(p, ref at);
            var level = ReadInt(p, ref at);
            var common = ReadInt(p, ref at);
            var bad = ReadInt(p, ref at) == 1;
            var phone = ReadText(p, ref at);
            var comment = ReadText(p, ref at);
            var ratedAt = new DateTime(ReadLong(p, ref at), DateTimeKind.Utc);
            var receivedAt = new DateTime(ReadLong(p, ref at), DateTimeKind.Utc);
            var device = ReadGuid(p, ref at);
            if (at != p.Length || !Enum.IsDefined(channel) || !Enum.IsDefined(scale)) return false;
            rating = new RatingSubmission(id, caseNumber, unit, section, staff, item, channel, scale, level, common, bad, phone, comment, ratedAt, receivedAt, device);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException or IndexOutOfRangeException or DecoderFallbackException)
        {
            return false;
        }
    }

    private static Guid? ReadGuid(ReadOnlySpan<byte> p, ref int at)
    {
        var has = p[at++];
        if (has == 0) return null;
        if (has != 1) throw new FormatException();
        var g = new Guid(p.Slice(at, 16));
        at += 16;
        return g;
    }

    private static int ReadInt(ReadOnlySpan<byte> p, ref int at) { var v = BinaryPrimitives.ReadInt32LittleEndian(p[at..]); at += 4; return v; }

    private static long ReadLong(ReadOnlySpan<byte> p, ref int at) { var v = BinaryPrimitives.ReadInt64LittleEndian(p[at..]); at += 8; return v; }

    private static string? ReadText(ReadOnlySpan<byte> p, ref int at)
    {
        var n = ReadInt(p, ref at);
        if (n == -1) return null;
        if (n < 0 || n > p.Length - at) throw new FormatException();
        var s = Encoding.UTF8.GetString(p.Slice(at, n));
        at += n;
        return s;
    }

    public void Dispose() => _file.Dispose();
}
