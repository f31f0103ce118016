using System.Buffers;
using System.Security.Cryptography;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Evidence;

/// <summary>
/// Where evidence files live, each under its SHA-256 (EVD-1). There is deliberately no way to overwrite or delete
/// a file: <see cref="PurgeAsync"/> needs a <see cref="PurgeAuthorisation"/>, which only the retention check of an
/// office purge decision can make.
/// </summary>
public interface IEvidenceStore
{
    /// <summary>"Local" or "S3", recorded with each blob.</summary>
    string Backend { get; }

    Task<bool> ExistsAsync(string sha256, CancellationToken ct);

    /// <summary>Stores the staged file under its hash and consumes it (moved or deleted). A file already stored is kept as it is.</summary>
    Task PutAsync(string sha256, string stagedPath, long size, CancellationToken ct);

    /// <summary>Reads <paramref name="length"/> bytes from <paramref name="offset"/>.</summary>
    Task<Stream> OpenReadAsync(string sha256, long offset, long length, CancellationToken ct);

    /// <summary>Re-hashes the stored bytes (EVD-5): the lowercase hex SHA-256 and size, or null when the file is missing.</summary>
    Task<(string Sha256, long Size)?> HashAsync(string sha256, CancellationToken ct);

    /// <summary>Removes a file whose retention has ended, on an office decision (EVD-1).</summary>
    Task PurgeAsync(PurgeAuthorisation authorisation, CancellationToken ct);
}

/// <summary>Proof that a purge was decided after retention ended; made only by <see cref="EvidencePurge"/>.</summary>
public sealed class PurgeAuthorisation
{
    internal PurgeAuthorisation(string sha256, string decision) { Sha256 = sha256; Decision = decision; }
    public string Sha256 { get; }
    public string Decision { get; }
}

/// <summary>Streaming SHA-256 with a large buffer: the speed of the disk or of SHA-256 itself, whichever is slower.</summary>
public static class StreamHasher
{
    public const int BufferSize = 1 << 20;

    /// <summary>Hashes the stream to its end, reading the next buffer while the current one is hashed.</summary>
    public static async Task<(string Sha256, long Size)> HashAsync(Stream stream, CancellationToken ct)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var a = ArrayPool<byte>.Shared.Rent(BufferSize);
        var b = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long total = 0;
            var read = await ReadFullAsync(stream, a, ct);
            while (read > 0)
            {
                var next = ReadFullAsync(stream, b, ct);
                sha.AppendData(a, 0, read);
                total += read;
                read = await next;
                (a, b) = (b, a);
            }
            return (Convert.ToHexStringLower(sha.GetHashAndReset()), total);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(a);
            ArrayPool<byte>.Shared.Return(b);
        }
    }

    private static async Task<int> ReadFullAsync(Stream stream, byte[] buffer, CancellationToken ct)
    {
        var filled = 0;
        while (filled < BufferSize)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(filled, BufferSize - filled), ct);
            if (n == 0) break;
            filled += n;
        }
        return filled;
    }
}

/// <summary>
/// The default store: a folder, files at {root}/ab/cd/{sha256}, made read-only once written. A finished upload
/// staged on the same disk is moved in (no second copy of a multi-gigabyte video).
/// </summary>
public sealed class LocalEvidenceStore(string root) : IEvidenceStore
{
    /// <summary>In the name of a file being moved into the vault, not yet under its own name.</summary>
    public const string IncomingMark = ".incoming-";

    public string Backend => "Local";
    public string Root { get; } = Path.GetFullPath(root);

    public string PathOf(string sha256)
    {
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
            throw new ArgumentException("Not a lowercase SHA-256.", nameof(sha256));
        return Path.Combine(Root, sha256[..2], sha256[2..4], sha256);
    }

    public Task<bool> ExistsAsync(string sha256, CancellationToken ct) => Task.FromResult(File.Exists(PathOf(sha256)));

    public Task PutAsync(string sha256, string stagedPath, long size, CancellationToken ct)
    {
        var target = PathOf(sha256);
        if (File.Exists(target)) { File.Delete(stagedPath); return Task.CompletedTask; }
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = target + IncomingMark + Guid.NewGuid().ToString("N")[..8];
        File.Move(stagedPath, temp);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.GroupRead);
        try
        {
            File.Move(temp, target, overwrite: false); // never replaces a stored file
        }
        catch (IOException) when (File.Exists(target))
        {
            File.Delete(temp); // stored meanwhile by another upload of the same content
        }
        // The staged bytes were flushed; the new name must be too before the item is recorded (a power cut could
        // otherwise leave a recorded item whose file has no name in the vault).
        DurableFiles.SyncDirectory(Path.GetDirectoryName(target)!);
        return Task.CompletedTask;
    }

    public Task<Stream> OpenReadAsync(string sha256, long offset, long length, CancellationToken ct)
    {
        var stream = new FileStream(PathOf(sha256), FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        stream.Seek(offset, SeekOrigin.Begin);
        return Task.FromResult<Stream>(stream);
    }

    public async Task<(string Sha256, long Size)?> HashAsync(string sha256, CancellationToken ct)
    {
        var path = PathOf(sha256);
        if (!File.Exists(path)) return null;
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await StreamHasher.HashAsync(stream, ct);
    }

    public Task PurgeAsync(PurgeAuthorisation authorisation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(authorisation);
        var path = PathOf(authorisation.Sha256);
        try
        {
            if (File.Exists(path))
            {
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                File.Delete(path);
            }
        }
        catch (FileNotFoundException) { } // deleted meanwhile by another purge of the same file
        return Task.CompletedTask;
    }
}
