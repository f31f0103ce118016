using System.Globalization;
using System.IO.Compression;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Mingcha.Domain.Evidence;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Evidence;

/// <summary>
/// Signs manifests with the application's data-protection keys (kept in the database, shared by every instance,
/// never deleted), so that any instance can later tell whether a manifest is one Mingcha issued, unchanged (EVD-6).
/// </summary>
public sealed class ManifestSigner(IDataProtectionProvider provider)
{
    private IDataProtector Protector => provider.CreateProtector("Mingcha.Evidence.Manifest.v1");

    public string Sign(byte[] manifest) => Base64UrlEncode(Protector.Protect(SHA256.HashData(manifest)));

    public bool Verify(byte[] manifest, string signature)
    {
        try
        {
            var signed = Protector.Unprotect(Base64UrlDecode(signature.Trim()));
            return CryptographicOperations.FixedTimeEquals(signed, SHA256.HashData(manifest));
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return false;
        }
    }

    private static string Base64UrlEncode(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Base64UrlDecode(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }
}

/// <summary>
/// Viewing and handing out evidence (EVD-3, EVD-6): a stated purpose opens a logged access; the content is
/// streamed with HTTP ranges (for the video player); a download is a ZIP with the file named after the viewer and
/// a signed manifest; a case package adds every file and the chain of custody.
/// </summary>
public sealed class EvidenceDelivery(MingchaDb db, EvidenceAccessService access, IEvidenceStore store, ManifestSigner signer,
    TimeProvider time, IOptions<EvidenceOptions> evidenceOptions, IOptions<MingchaOptions> options)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    public sealed record AccessGranted(Guid AccessId, string Url, DateTime ValidUntil);

    /// <summary>Logs who wants to see or download an item and why, and returns the URL the purpose covers.</summary>
    public async Task<AccessGranted> OpenItemAsync(Guid itemId, EvidenceAccessAction action, string? purpose, ClaimsPrincipal user, string? ip, CancellationToken ct)
    {
        if (action == EvidenceAccessAction.Package)
            throw new DomainRuleException("EVD-3", "请使用案卷打包。 Use the case package for that.", 400);
        var item = await db.EvidenceItems.AsNoTracking().FirstOrDefaultAsync(i => i.Id == itemId, ct) ?? throw NotFound();
        await access.RequireItemVisibleAsync(item, user, ct); // EVD-3: the case, and the item within it
        await EvidencePurge.ThrowIfPurgedAsync(db, item, ct);
        var row = await LogAsync(item.CaseId, item.Id, action, purpose, user, ip, ct);
        var verb = action == EvidenceAccessAction.View ? "content" : "download";
        return new AccessGranted(row.Id, $"/api/v1/evidence/items/{item.Id}/{verb}?access={row.Id}", row.ValidUntil);
    }

    /// <summary>A package for hand-over (office only): every file of the case, the manifest and the custody log.</summary>
    public async Task<AccessGranted> OpenPackageAsync(Guid caseId, string? purpose, ClaimsPrincipal user, string? ip, CancellationToken ct)
    {
        await access.RequireVisibleAsync(caseId, user, ct);
        if (!EvidenceAccessService.IsOffice(user))
            throw new DomainRuleException("EVD-3", "只有效能办可以打包移交证据。 Only the office hands over evidence packages.", 403);
        var row = await LogAsync(caseId, null, EvidenceAccessAction.Package, purpose, user, ip, ct);
        return new AccessGranted(row.Id, $"/api/v1/evidence/cases/{caseId}/package?access={row.Id}", row.ValidUntil);
    }

    private async Task<EvidenceAccess> LogAsync(Guid caseId, Guid? itemId, EvidenceAccessAction action, string? purpose, ClaimsPrincipal user, string? ip, CancellationToken ct)
    {
        purpose = (purpose ?? "").Trim();
        if (purpose.Length < 2)
            throw new DomainRuleException("EVD-3", "查看或下载证据须说明用途。 State why you view or download the evidence (purpose).", 400);
        if (purpose.Length > 500) purpose = purpose[..500];
        var now = time.GetUtcNow().UtcDateTime;
        var row = new EvidenceAccess(caseId, itemId, action, purpose, user.UserId() ?? "", user.Identity?.Name ?? "", ip, now, now + evidenceOptions.Value.AccessValidity);
        db.EvidenceAccesses.Add(row);
        await db.SaveChangesAsync(ct);
        return row;
    }

    /// <summary>The access a request presents: the same user, the same item and action, still valid, and the case still visible.</summary>
    public async Task<(EvidenceAccess Access, EvidenceItem? Item)> CheckAccessAsync(Guid? itemId, Guid? caseId, Guid accessId, EvidenceAccessAction action, ClaimsPrincipal user, CancellationToken ct)
    {
        var row = await db.EvidenceAccesses.AsNoTracking().FirstOrDefaultAsync(a => a.Id == accessId, ct);
        var now = time.GetUtcNow().UtcDateTime;
        if (row is null)
            throw new NotFoundException("查看登记不存在，请先说明用途。 No such access record: state your purpose first.");
        if (row.UserId != user.UserId() || row.Action != action || (itemId is not null && row.ItemId != itemId)
            || (caseId is not null && row.CaseId != caseId))
            throw new DomainRuleException("EVD-3", "没有有效的查看登记，请先说明用途。 No valid access: state your purpose first.", 403);
        if (now >= row.ValidUntil)
            throw new DomainRuleException("EVD-3", "查看登记已过期，请重新说明用途。 The access expired: state your purpose again.", 403);
        var item = itemId is null ? null : await db.EvidenceItems.AsNoTracking().FirstOrDefaultAsync(i => i.Id == itemId, ct);
        if (item is null) await RequireVisibleOrNotFound(row.CaseId, user, ct);
        else
        {
            await access.RequireItemVisibleAsync(item, user, ct);
            await EvidencePurge.ThrowIfPurgedAsync(db, item, ct);
        }
        return (row, item);
    }

    /// <summary>Streams an item's bytes, honouring a single byte range (a video player seeks with ranges).</summary>
    public async Task StreamAsync(HttpContext ctx, EvidenceItem item, CancellationToken ct)
    {
        var size = item.Size;
        long from = 0, to = size - 1;
        var response = ctx.Response;
        response.Headers.AcceptRanges = "bytes";
        response.Headers.CacheControl = "private, no-store";
        response.Headers["X-Content-Type-Options"] = "nosniff";
        var range = ctx.Request.GetTypedHeaders().Range;
        if (range is not null && string.Equals(range.Unit.Value, "bytes", StringComparison.OrdinalIgnoreCase) && range.Ranges.Count == 1)
        {
            var r = range.Ranges.First();
            if (r.From is null) from = Math.Max(0, size - (r.To ?? 0));
            else { from = r.From.Value; to = r.To is { } t ? Math.Min(t, size - 1) : size - 1; }
            if (from >= size || from > to)
            {
                response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                response.Headers.ContentRange = $"bytes */{size}";
                return;
            }
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = $"bytes {from}-{to}/{size}";
        }
        var length = to - from + 1;
        response.ContentType = item.MediaType;
        response.ContentLength = length;
        if (HttpMethods.IsHead(ctx.Request.Method)) return;
        await using var source = await store.OpenReadAsync(item.Sha256, from, length, ct);
        await CopyExactlyAsync(source, response.Body, length, ct);
    }

    /// <summary>EVD-6: a ZIP with the file, named after the viewer, and a manifest signed by the server.</summary>
    public async Task DownloadAsync(HttpContext ctx, EvidenceAccess row, EvidenceItem item, CancellationToken ct)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(row.At, options.Value.TimeZoneInfo);
        var ext = ExtensionOf(item.MediaType);
        var name = DownloadIdentity.FileName(item.FileName, item.Sha256, row.UserName, local, row.Reference, ext);
        var manifest = new
        {
            kind = "mingcha-evidence-download",
            office = options.Value.OfficeName,
            downloadedBy = new { row.UserId, row.UserName, row.Ip },
            downloadedAt = row.At,
            purpose = row.Purpose,
            access = row.Id,
            caseId = item.CaseId,
            files = new[] { Describe(item, name) },
            notice = "本文件仅供上述人员按所述用途使用；泄露证据将依规追责（S1 第十一条）。 For the named person and purpose only; leaking evidence is an offence.",
        };
        await WriteZipAsync(ctx, Path.GetFileNameWithoutExtension(name) + ".zip", manifest, [(name, item)], custody: null, ct);
    }

    /// <summary>The hand-over package of a case: files, manifest of hashes and records, chain of custody, signature.</summary>
    public async Task PackageAsync(HttpContext ctx, EvidenceAccess row, CancellationToken ct)
    {
        var @case = await db.EvidenceCases.AsNoTracking().FirstAsync(c => c.Id == row.CaseId, ct);
        var items = await db.EvidenceItems.AsNoTracking().Where(i => i.CaseId == row.CaseId).OrderBy(i => i.Seq).ToListAsync(ct);
        var custody = await db.EvidenceAccesses.AsNoTracking().Where(a => a.CaseId == row.CaseId).OrderBy(a => a.At)
            .Select(a => new { a.Id, a.At, a.UserId, a.UserName, a.Ip, Action = a.Action.ToString(), a.Purpose, a.ItemId }).ToListAsync(ct);
        var local = TimeZoneInfo.ConvertTimeFromUtc(row.At, options.Value.TimeZoneInfo);
        var shas = items.Select(i => i.Sha256).Distinct().ToList();
        var purges = await EvidenceContentPurges.TimesAsync(db, shas, ct);
        var purged = items.Select(i => (i.Id, At: EvidenceContentPurges.PurgedAtFor(purges.GetValueOrDefault(i.Sha256) ?? [], i.UploadedAt)))
            .Where(p => p.At is not null).ToDictionary(p => p.Id, p => p.At!.Value);
        var files = items.Where(i => !purged.ContainsKey(i.Id)).Select(i => ($"files/{i.Seq:D6}_{i.Sha256[..12]}{ExtensionOf(i.MediaType)}", i)).ToList();
        var manifest = new
        {
            kind = "mingcha-evidence-package",
            office = options.Value.OfficeName,
            @case = new { @case.Id, Kind = @case.Kind.ToString(), @case.Title, @case.TargetUnitId, @case.ReleasedAt, @case.ReferenceType, @case.ReferenceId },
            packagedBy = new { row.UserId, row.UserName, row.Ip },
            packagedAt = row.At,
            purpose = row.Purpose,
            access = row.Id,
            files = files.Select(f => Describe(f.i, f.Item1)).ToList(),
            // EVD-1: records whose file was purged at the end of its retention; the record stays, the file is not in the package.
            purgedFiles = items.Where(i => purged.ContainsKey(i.Id)).Select(i => new { i.Id, i.Seq, i.Sha256, i.FileName, purgedAt = purged[i.Id] }).ToList(),
            custody,
        };
        var stem = DownloadIdentity.FileName($"案卷-{@case.Title}.zip", row.Id.ToString("N"), row.UserName, local, row.Reference);
        await WriteZipAsync(ctx, stem, manifest, files, custody.Select(c => string.Join(',', new[]
        {
            c.At.ToString("O", CultureInfo.InvariantCulture), Csv(c.UserName), Csv(c.UserId), Csv(c.Ip), c.Action, Csv(c.Purpose), c.ItemId?.ToString() ?? "",
        })).Prepend("at,user,user_id,ip,action,purpose,item_id"), ct);
    }

    private static object Describe(EvidenceItem i, string pathInZip) => new
    {
        path = pathInZip,
        i.Id, i.Seq, i.Sha256, i.Size, i.MediaType, originalName = i.FileName, i.CapturedAt, i.CaptureSource, i.DeviceClock, i.Location,
        i.UploadedBy, i.UploaderName, i.UploadStartedAt, i.UploadedAt, lateUpload = i.LateUpload, i.DurationMs, i.MediaCreatedAt,
        recordHash = i.Hash, previousRecordHash = i.PrevHash,
    };

    private async Task WriteZipAsync(HttpContext ctx, string zipName, object manifest, IReadOnlyList<(string Name, EvidenceItem Item)> files, IEnumerable<string>? custody, CancellationToken ct)
    {
        var manifestBytes = JsonSerializer.SerializeToUtf8Bytes(manifest, Json);
        var signature = signer.Sign(manifestBytes);
        ctx.Response.ContentType = "application/zip";
        ctx.Response.Headers.CacheControl = "private, no-store";
        ctx.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = zipName, FileName = "evidence.zip" }.ToString();
        await using var body = new AsyncWriteBridge(ctx.Response.Body);
        await using (var zip = await ZipArchive.CreateAsync(body, ZipArchiveMode.Create, leaveOpen: true, Encoding.UTF8, ct))
        {
        await AddTextAsync(zip, "manifest.json", manifestBytes, ct);
        await AddTextAsync(zip, "manifest.sig", Encoding.ASCII.GetBytes(signature + "\n"), ct);
        if (custody is not null)
            await AddTextAsync(zip, "custody.csv", Encoding.UTF8.GetBytes(string.Join("\n", custody) + "\n"), ct);
        await AddTextAsync(zip, "README.txt", Encoding.UTF8.GetBytes(
            "明查证据导出。manifest.json 列出每个文件的 SHA-256 与证据记录；manifest.sig 为服务器签名，可在系统中校验（POST /api/v1/evidence/manifests/verify）。\n" +
            "Mingcha evidence export. manifest.json lists every file's SHA-256 and record; manifest.sig is the server's signature, checkable in Mingcha.\n"), ct);
        foreach (var (name, item) in files)
        {
            var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
            await using var target = await entry.OpenAsync(ct);
            await using var source = await store.OpenReadAsync(item.Sha256, 0, item.Size, ct);
            await CopyExactlyAsync(source, target, item.Size, ct);
            await body.FlushAsync(ct);
        }
        }
        await body.FlushAsync(ct);
    }

    private static async Task AddTextAsync(ZipArchive zip, string name, byte[] bytes, CancellationToken ct)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        await using var s = await entry.OpenAsync(ct);
        await s.WriteAsync(bytes, ct);
    }

    private static async Task CopyExactlyAsync(Stream source, Stream target, long length, CancellationToken ct)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(256 * 1024);
        try
        {
            while (length > 0)
            {
                var n = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length)), ct);
                if (n == 0) throw new IOException("The stored file is shorter than its record.");
                await target.WriteAsync(buffer.AsMemory(0, n), ct);
                length -= n;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task RequireVisibleOrNotFound(Guid caseId, ClaimsPrincipal user, CancellationToken ct) =>
        await access.RequireVisibleAsync(caseId, user, ct);

    public static string ExtensionOf(string mediaType) => mediaType switch
    {
        "video/mp4" => ".mp4", "video/quicktime" => ".mov", "video/3gpp" => ".3gp", "video/webm" => ".webm", "video/x-matroska" => ".mkv",
        "video/x-msvideo" => ".avi", "video/mp2t" => ".ts", "audio/mp4" => ".m4a", "audio/wav" => ".wav", "audio/mpeg" => ".mp3",
        "audio/aac" => ".aac", "audio/ogg" => ".ogg", "audio/amr" => ".amr", "audio/flac" => ".flac", "image/jpeg" => ".jpg",
        "image/png" => ".png", "image/gif" => ".gif", "image/webp" => ".webp", "image/heic" => ".heic", "application/pdf" => ".pdf",
        _ => ".bin",
    };

    private static string Csv(string? s) => s is null ? "" : s.Contains(',', StringComparison.Ordinal) || s.Contains('"', StringComparison.Ordinal) || s.Contains('\n', StringComparison.Ordinal)
        ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
        : s;

    private static NotFoundException NotFound() => new("证据不存在。 No such evidence.");
}

/// <summary>
/// Lets ZipArchive stream into a response that allows only asynchronous writes: the few small synchronous writes
/// it makes while closing an entry are held and sent with the next asynchronous write or flush.
/// </summary>
internal sealed class AsyncWriteBridge(Stream inner) : Stream
{
    private readonly MemoryStream _pending = new();
    private long _position;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count)
    {
        _pending.Write(buffer, offset, count);
        _position += count;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await FlushPendingAsync(cancellationToken);
        await inner.WriteAsync(buffer, cancellationToken);
        _position += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await FlushPendingAsync(cancellationToken);
        await inner.FlushAsync(cancellationToken);
    }

    private async Task FlushPendingAsync(CancellationToken ct)
    {
        if (_pending.Length == 0) return;
        await inner.WriteAsync(_pending.GetBuffer().AsMemory(0, (int)_pending.Length), ct);
        _pending.SetLength(0);
    }

    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await FlushPendingAsync(CancellationToken.None);
        await _pending.DisposeAsync();
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _pending.Dispose();
        base.Dispose(disposing);
    }
}
