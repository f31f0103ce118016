using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Features.Evidence;
using Mingcha.Web.Features.Ratings;

namespace Mingcha.Web.Infrastructure;

/// <summary>What <see cref="Backup"/> copied.</summary>
public sealed record BackupReport(string Folder, string? DatabaseFile, string? DatabaseSha256, string KeyCertificateThumbprint,
    string EvidenceBackend, bool EvidenceIncluded, int EvidenceFiles, long EvidenceBytes, bool DatabaseIncluded,
    IReadOnlyList<string> PreviousKeyCertificates);

/// <summary>
/// <c>backup FOLDER</c>: what a restore needs, taken while Mingcha runs. On SQLite a consistent copy of the database
/// (<c>VACUUM INTO</c>, which reads one snapshot while writers go on) checked with <c>PRAGMA integrity_check</c>; the
/// key-ring certificate, without which no cookie or sealed value of that database opens (decision 016), and the ones it
/// replaced (keys/previous/, to be listed in Mingcha:PreviousKeyCertificates on restore); the files of
/// the local evidence vault, unless left out. On PostgreSQL the database is dumped with <c>pg_dump</c> by the
/// operator; the command copies the rest. The copy is an audited act (it holds every personal value), recorded in the
/// audit log before the snapshot, so the copy carries its own record. The folder must be new or empty.
/// </summary>
public sealed class Backup(MingchaDb db, IOptions<MingchaOptions> options, IEvidenceStore evidence, IAuditActor actor, TimeProvider time, ILogger<Backup> logger)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public async Task<BackupReport> TakeAsync(string folder, bool withEvidence, CancellationToken ct)
    {
        var o = options.Value;
        var destination = Path.GetFullPath(folder);
        if (Directory.Exists(destination) && Directory.EnumerateFileSystemEntries(destination).Any())
            throw new BackupRefusedException($"备份目录必须为空 The backup folder must be new or empty: {destination}");
        if (destination.StartsWith(o.ResolvedDataFolder + Path.DirectorySeparatorChar, StringComparison.Ordinal) || destination == o.ResolvedDataFolder)
            throw new BackupRefusedException($"备份目录不能在数据目录内 The backup folder cannot be inside the data folder {o.ResolvedDataFolder}");
        // The copy holds every personal value: its folder and database are the owner's only.
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(destination);
        else Directory.CreateDirectory(destination, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        // Ratings acknowledged by an instance that was killed before they reached the tables are in its journal
        // (decision 017): into the tables with them first, as that instance's next start would, so the copy has them.
        if (!o.IsPostgres) RatingWriter.RecoverUnheldJournals(db.Database.GetConnectionString()!, actor, time, logger);

        db.Audit(new AuditEvent("system.backup", "Backup", destination, null,
            JsonSerializer.Serialize(new { folder = destination, evidence = withEvidence, provider = o.IsPostgres ? "Postgres" : "Sqlite" })));
        await db.SaveChangesAsync(ct);

        string? file = null, sha = null;
        if (!o.IsPostgres)
        {
            file = Path.Combine(destination, "mingcha.db");
            await db.Database.ExecuteSqlRawAsync("VACUUM INTO {0}", [file], ct);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            await CheckAsync(file, ct);
            await using var stream = File.OpenRead(file);
            sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
        }

        var keys = Directory.CreateDirectory(Path.Combine(destination, "keys")).FullName;
        var certificate = Path.Combine(keys, Path.GetFileName(o.ResolvedKeyCertificate));
        CopyFile(o.ResolvedKeyCertificate, certificate, ownerOnly: true);
        using var loaded = KeyRingCertificate.LoadOrCreate(certificate, o.KeyCertificatePassword);
        // The certificates replaced before it still open the keys they wrapped: a restore needs them as much.
        var previous = o.PreviousKeyCertificates.Select((p, i) => Path.Combine(keys, "previous", $"{i + 1}-{Path.GetFileName(p.Path)}")).ToList();
        if (previous.Count > 0) Directory.CreateDirectory(Path.Combine(keys, "previous"));
        for (var i = 0; i < previous.Count; i++) CopyFile(Path.GetFullPath(o.PreviousKeyCertificates[i].Path), previous[i], ownerOnly: true);

        var copyEvidence = withEvidence && evidence is LocalEvidenceStore;
        var (files, bytes) = copyEvidence ? CopyTree(((LocalEvidenceStore)evidence).Root, Path.Combine(destination, "evidence", "store"), ct) : (0, 0L);

        var report = new BackupReport(destination, file, sha, loaded.Thumbprint, evidence.Backend, copyEvidence, files, bytes, !o.IsPostgres, previous);
        await File.WriteAllTextAsync(Path.Combine(destination, "backup.json"),
            JsonSerializer.Serialize(new { takenAt = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture), report }, Indented), ct);
        return report;
    }

    /// <summary>The copy opens and SQLite finds nothing wrong in it.</summary>
    private static async Task CheckAsync(string file, CancellationToken ct)
    {
        await using var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await copy.OpenAsync(ct);
        await using var check = copy.CreateCommand();
        check.CommandText = "PRAGMA integrity_check";
        var result = (string?)await check.ExecuteScalarAsync(ct);
        if (result != "ok") throw new BackupRefusedException($"备份副本校验失败 The copy of the database fails SQLite's integrity check: {result}");
    }

    private static void CopyFile(string from, string to, bool ownerOnly)
    {
        using var source = File.OpenRead(from);
        using var target = DurableFiles.CreateNew(to, ownerOnly);
        source.CopyTo(target);
        target.Flush(flushToDisk: true);
    }

    private static (int Files, long Bytes) CopyTree(string root, string destination, CancellationToken ct)
    {
        if (!Directory.Exists(root)) return (0, 0);
        var (files, bytes) = (0, 0L);
        foreach (var path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            ct.ThrowIfCancellationRequested();
            if (path.Contains(LocalEvidenceStore.IncomingMark, StringComparison.Ordinal)) continue; // a file still being moved in
            var target = Path.Combine(destination, Path.GetRelativePath(root, path));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            CopyFile(path, target, ownerOnly: false);
            files++;
            bytes += new FileInfo(target).Length;
        }
        return (files, bytes);
    }
}

/// <summary>A backup that cannot be taken as asked (nothing copied), or whose copy of the database is unusable.</summary>
public sealed class BackupRefusedException(string message) : Exception(message);
