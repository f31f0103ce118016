using Microsoft.AspNetCore.Authentication;
using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Evidence;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Evidence;

/// <summary>
/// Our tus 1.0 server (EVD-4): core protocol plus the creation, checksum and expiration extensions, nothing else.
/// Bytes go to a staged file with a fixed buffer; what is acknowledged has been fsynced, and its length is kept in
/// a side file, so an acknowledged offset survives a killed server. The running SHA-256 is held in memory and,
/// when this process does not have it (restart, another instance), rebuilt by re-hashing the staged bytes.
/// </summary>
public static class TusUploads
{
    public const string BasePath = "/api/v1/evidence/uploads";
    /// <summary>Progress within one long PATCH is made durable (fsync + offset) at least this often.</summary>
    private const long CheckpointBytes = 256L * 1024 * 1024;
    private const int BlockSize = 1 << 20;

    public static void Map(IEndpointRouteBuilder app)
    {
        var g = app.MapGroup(BasePath).WithTags("Evidence uploads (tus)");
        g.MapMethods("/", ["OPTIONS"], Options).AllowAnonymous();
        g.MapMethods("/{id:guid}", ["OPTIONS"], Options).AllowAnonymous();
        g.MapPost("/", Create).RequireAuthorization(Policies.SignedIn);
        g.MapMethods("/{id:guid}", ["HEAD"], Head).RequireAuthorization(Policies.SignedIn);
        g.MapPatch("/{id:guid}", Patch).RequireAuthorization(Policies.SignedIn);
    }

    /// <summary>
    /// Every response under the tus path carries Tus-Resumable; PATCH bodies may be as large as an upload. Any other
    /// path goes straight on, without an async frame of its own (this runs in front of every request).
    /// </summary>
    public static IApplicationBuilder UseTusHeaders(this IApplicationBuilder app) =>
        app.Use(next => ctx => ctx.Request.Path.StartsWithSegments(BasePath) ? TusHeadersAsync(ctx, next) : next(ctx));

    private static async Task TusHeadersAsync(HttpContext ctx, RequestDelegate next)
    {
        ctx.Response.OnStarting(() =>
        {
            ctx.Response.Headers["Tus-Resumable"] = TusProtocol.Version;
            return Task.CompletedTask;
        });
        if (HttpMethods.IsPatch(ctx.Request.Method) && ctx.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = null;
        // Who may upload is decided before the protocol version: an anonymous caller learns 401, not 412.
        if (!HttpMethods.IsOptions(ctx.Request.Method) && ctx.Request.Headers["Tus-Resumable"] != TusProtocol.Version
            && (await ctx.AuthenticateAsync()).Succeeded)
        {
            ctx.Response.Headers["Tus-Version"] = TusProtocol.Version;
            await Results.Problem(statusCode: StatusCodes.Status412PreconditionFailed,
                title: "需要 Tus-Resumable: 1.0.0 请求头。 The Tus-Resumable: 1.0.0 header is required.").ExecuteAsync(ctx);
            return;
        }
        await next(ctx);
    }

    private static IResult Options(HttpContext ctx, IOptions<EvidenceOptions> options)
    {
        var h = ctx.Response.Headers;
        h["Tus-Version"] = TusProtocol.Version;
        h["Tus-Extension"] = TusProtocol.Extensions;
        h["Tus-Max-Size"] = options.Value.MaxUploadBytes.ToString(CultureInfo.InvariantCulture);
        h["Tus-Checksum-Algorithm"] = TusProtocol.ChecksumAlgorithms;
        return Results.NoContent();
    }

    private static async Task<IResult> Create(HttpContext ctx, MingchaDb db, EvidenceAccessService access, TusStaging staging,
        TimeProvider time, IOptions<EvidenceOptions> options, CancellationToken ct)
    {
        var req = ctx.Request.Headers;
        if (req.ContainsKey("Upload-Defer-Length"))
            return Problem(400, "不支持延后声明长度（creation-defer-length）。 Upload-Defer-Length is not supported.");
        if (TusProtocol.ParseNonNegative(req["Upload-Length"]) is not { } length)
            return Problem(400, "缺少或无效的 Upload-Length。 Upload-Length is missing or not a non-negative integer.");
        if (length > options.Value.MaxUploadBytes)
            return Problem(413, $"文件超过上限 {options.Value.MaxUploadBytes} 字节。 The upload exceeds Tus-Max-Size.");
        if (length == 0)
            return Problem(400, "空文件不能作为证据。 An empty file is not evidence.");
        var metadataHeader = req["Upload-Metadata"].ToString();
        // Checked before anything is written: the header is kept as received (a column of MaxMetadataLength), and what
        // is taken from it must fit where it goes. A 400 naming the field, never a database error (EVD-4).
        if (metadataHeader.Length > EvidenceUpload.MaxMetadataLength)
            return FieldProblem("Upload-Metadata", $"Upload-Metadata 过长（{metadataHeader.Length} 字符，上限 {EvidenceUpload.MaxMetadataLength}）。 Upload-Metadata is {metadataHeader.Length} characters long; at most {EvidenceUpload.MaxMetadataLength} are accepted.");
        if (TusProtocol.ParseMetadata(metadataHeader) is not { } metadata)
            return Problem(400, "Upload-Metadata 格式错误。 Upload-Metadata is malformed.");
        if (!metadata.TryGetValue("caseId", out var caseText) || !Guid.TryParse(caseText, out var caseId))
            return Problem(400, "Upload-Metadata 必须包含 caseId。 Upload-Metadata must name the case (caseId).");
        var fileName = Path.GetFileName((metadata.GetValueOrDefault("filename") ?? "").Replace('\\', '/'));
        if (fileName.Length == 0) fileName = "evidence";
        foreach (var (field, value, max) in new[]
        {
            ("filename", fileName, EvidenceUpload.MaxFileNameLength),
            ("location", metadata.GetValueOrDefault("location") ?? "", EvidenceUpload.MaxLocationLength),
            ("sha256", metadata.GetValueOrDefault("sha256") ?? "", 64),
        })
        {
            if (value.Length > max)
                return FieldProblem(field, $"Upload-Metadata 中的 {field} 过长（{value.Length} 字符，上限 {max}）。 The {field} in Upload-Metadata is {value.Length} characters long; at most {max} are accepted.");
        }
        var @case = await access.RequireUploadAsync(caseId, ctx.User, ct);

        var now = time.GetUtcNow().UtcDateTime;
        var upload = new EvidenceUpload(@case.Id, length, fileName, metadataHeader, ctx.User.UserId() ?? "",
            ctx.User.Identity?.Name ?? "", now, now + options.Value.UploadExpiry);
        staging.Create(upload.Id);
        db.EvidenceUploads.Add(upload);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch
        {
            staging.Remove(upload.Id); // no row, no staged file: nothing is left behind for a client that was told no
            throw;
        }
        ctx.Response.Headers["Upload-Expires"] = TusProtocol.FormatExpires(upload.ExpiresAt);
        return Results.Created($"{BasePath}/{upload.Id:D}", null);
    }

    private static async Task<IResult> Head(Guid id, HttpContext ctx, MingchaDb db, TusStaging staging, IServiceProvider services,
        EvidenceAccessService access, TimeProvider time, CancellationToken ct)
    {
        ctx.Response.Headers.CacheControl = "no-store";
        var upload = await FindOwnAsync(db, id, ctx, ct);
        if (upload is null) return Results.NotFound();
        var now = time.GetUtcNow().UtcDateTime;
        if (upload.FailedAt is not null || upload.IsExpired(now)) return Results.StatusCode(StatusCodes.Status410Gone);
        if (upload.CompletedAt is null) await access.RequireStillMayUploadAsync(upload.CaseId, ctx.User, ct); // HEAD may finish it
        ctx.Response.Headers["Upload-Length"] = upload.Length.ToString(CultureInfo.InvariantCulture);
        if (upload.Metadata.Length > 0) ctx.Response.Headers["Upload-Metadata"] = upload.Metadata; // creation extension: MUST echo
        if (upload.CompletedAt is not null)
        {
            ctx.Response.Headers["Upload-Offset"] = upload.Length.ToString(CultureInfo.InvariantCulture);
            ctx.Response.Headers["Mingcha-Evidence-Id"] = upload.ItemId?.ToString();
            return Results.Ok();
        }
        var state = staging.State(upload.Id);
        long offset;
        if (await state.Gate.WaitAsync(TimeSpan.FromSeconds(5), ct))
        {
            try
            {
                var fresh = await db.EvidenceUploads.AsNoTracking().Where(u => u.Id == upload.Id)
                    .Select(u => new { u.CompletedAt, u.FailedAt, u.ExpiredAt }).FirstAsync(ct);
                if (fresh.FailedAt is not null || fresh.ExpiredAt is not null) return Results.StatusCode(StatusCodes.Status410Gone);
                if (fresh.CompletedAt is not null)
                {
                    ctx.Response.Headers["Upload-Offset"] = upload.Length.ToString(CultureInfo.InvariantCulture);
                    return Results.Ok();
                }
                try { offset = staging.RecoverOffset(upload.Id); }
                catch (IOException) { return Problem(507, "服务器存储出错，请稍后重试。 The server's storage failed; try again later."); }
                // All bytes arrived but taking them into the vault failed before (e.g. storage down): try again now,
                // because a client that sees offset == length considers itself done.
                if (offset == upload.Length)
                {
                    var item = await FinishAsync(upload, staging, state, services, ct);
                    ctx.Response.Headers["Mingcha-Evidence-Id"] = item.Id.ToString();
                }
            }
            finally { state.Gate.Release(); }
        }
        else
        {
            offset = staging.AcknowledgedOffset(upload.Id) ?? 0; // a PATCH is writing: report what is durable (the client's PATCH learns the rest)
        }
        ctx.Response.Headers["Upload-Offset"] = offset.ToString(CultureInfo.InvariantCulture);
        ctx.Response.Headers["Upload-Expires"] = TusProtocol.FormatExpires(upload.ExpiresAt);
        return Results.Ok();
    }

    private static async Task<IResult> Patch(Guid id, HttpContext ctx, MingchaDb db, TusStaging staging, IServiceProvider services,
        EvidenceAccessService access, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        var req = ctx.Request;
        var upload = await FindOwnAsync(db, id, ctx, ct);
        if (upload is null) return Results.NotFound();
        var now = time.GetUtcNow().UtcDateTime;
        if (upload.FailedAt is not null) return Problem(410, upload.Failure ?? "上传已作废。 The upload was refused.");
        if (upload.IsExpired(now)) return Problem(410, "上传已过期，请重新上传。 The upload expired; start again.");
        if (!string.Equals(req.ContentType, TusProtocol.OffsetContentType, StringComparison.OrdinalIgnoreCase))
            return Problem(415, "Content-Type 必须是 application/offset+octet-stream。 Content-Type must be application/offset+octet-stream.");
        if (TusProtocol.ParseNonNegative(req.Headers["Upload-Offset"]) is not { } offset)
            return Problem(400, "缺少或无效的 Upload-Offset。 Upload-Offset is missing or invalid.");
        UploadChecksum? checksum = null;
        if (req.Headers.TryGetValue("Upload-Checksum", out var checksumHeader))
        {
            checksum = TusProtocol.ParseChecksum(checksumHeader);
            if (checksum is null || !checksum.Supported)
                return Problem(400, "不支持的校验算法或校验值格式错误。 Unsupported checksum algorithm or malformed Upload-Checksum.");
        }
        if (upload.CompletedAt is not null)
            return offset == upload.Length && (req.ContentLength ?? 0) == 0
                ? Acknowledge(ctx, upload, upload.Length)
                : Problem(409, "上传已完成，不能再写入。 The upload is complete; nothing more can be written.");

        var state = staging.State(upload.Id);
        if (!await state.Gate.WaitAsync(TimeSpan.FromSeconds(30), ct))
            return Problem(423, "该上传正在被另一个请求写入。 Another request is writing this upload.");
        try
        {
            // Another request may have finished (or refused) this upload while we waited for the gate.
            var fresh = await db.EvidenceUploads.AsNoTracking().Where(u => u.Id == upload.Id)
                .Select(u => new { u.CompletedAt, u.FailedAt, u.ExpiredAt }).FirstAsync(ct);
            if (fresh.FailedAt is not null) return Problem(410, "上传已作废。 The upload was refused.");
            if (fresh.ExpiredAt is not null) return Problem(410, "上传已过期，请重新上传。 The upload expired; start again.");
            if (fresh.CompletedAt is not null) return Problem(409, "上传已完成，不能再写入。 The upload is complete; nothing more can be written.");
            // EVD-3: the right to add evidence is the one held now, not when the upload began. Taken off the visit, the
            // inspector cannot write or finish it; the staged bytes stay until the hourly sweep removes them.
            await access.RequireStillMayUploadAsync(upload.CaseId, ctx.User, ct);
            long current;
            try
            {
                current = staging.RecoverOffset(upload.Id);
            }
            catch (IOException e)
            {
                LogWriteFailed(loggers.CreateLogger(typeof(TusUploads)), upload.Id, e.Message);
                return Problem(507, "服务器存储出错，请稍后重试。 The server's storage failed; try again later.");
            }
            if (offset != current)
                return Problem(409, $"Upload-Offset 应为 {current}。 Upload-Offset must be {current}.");
            var remaining = upload.Length - current;
            if (req.ContentLength is { } declared && declared > remaining)
                return Problem(413, "数据超出了声明的文件长度。 The data goes past the declared Upload-Length.");

            await staging.EnsureHashAsync(upload.Id, state, current, ct);
            var result = await ReceiveAsync(ctx, staging, upload.Id, state, current, remaining, checksum, loggers.CreateLogger(typeof(TusUploads)));
            if (result.Error is { } error) return error;
            if (result.Aborted) return Results.Empty; // the client is gone; what it sent is kept
            if (result.Offset == upload.Length)
            {
                await access.RequireStillMayUploadAsync(upload.CaseId, ctx.User, ct); // withdrawn while the bytes arrived
                var item = await FinishAsync(upload, staging, state, services, ct);
                ctx.Response.Headers["Mingcha-Evidence-Id"] = item.Id.ToString();
                ctx.Response.Headers["Mingcha-Sha256"] = item.Sha256;
            }
            return Acknowledge(ctx, upload, result.Offset);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    private sealed record Received(long Offset, bool Aborted, IResult? Error);

    /// <summary>
    /// Streams the body into the staged file with two fixed 1 MiB blocks: while one block is written to disk the
    /// next is filled from the socket and hashed, so memory stays flat whatever the size. fsync before acknowledging.
    /// </summary>
    private static async Task<Received> ReceiveAsync(HttpContext ctx, TusStaging staging, Guid id, TusStaging.UploadState state,
        long start, long remaining, UploadChecksum? checksum, ILogger logger)
    {
        var aborted = ctx.RequestAborted;
        using var chunkHash = checksum is null ? null
            : IncrementalHash.CreateHash(checksum.Algorithm == "sha1" ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256);
        var sha = state.Sha!;
        long received = 0, written = 0, sinceCheckpoint = 0;
        var clientGone = false;
        var overflow = false;
        var fill = ArrayPool<byte>.Shared.Rent(BlockSize);
        var spare = ArrayPool<byte>.Shared.Rent(BlockSize);
        var filled = 0;
        Task pendingWrite = Task.CompletedTask;
        Task checkpoint = Task.CompletedTask;
        using var file = staging.OpenForWrite(id);
        try
        {
            try
            {
                var reader = ctx.Request.BodyReader;
                while (true)
                {
                    ReadResult read;
                    try
                    {
                        read = await reader.ReadAsync(aborted);
                    }
                    catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException
                        or Microsoft.AspNetCore.Connections.ConnectionResetException)
                    {
                        clientGone = true;
                        break;
                    }
                    var buffer = read.Buffer;
                    if (received + buffer.Length > remaining) { overflow = true; reader.AdvanceTo(buffer.End); break; }
                    received += buffer.Length;
                    try
                    {
                        while (!buffer.IsEmpty)
                        {
                            var take = (int)Math.Min(BlockSize - filled, buffer.Length);
                            buffer.Slice(0, take).CopyTo(fill.AsSpan(filled));
                            buffer = buffer.Slice(take);
                            filled += take;
                            if (filled == BlockSize)
                            {
                                sha.AppendData(fill, 0, filled);
                                chunkHash?.AppendData(fill, 0, filled);
                                await pendingWrite; // the previous block is on its way to disk; its buffer becomes free
                                pendingWrite = RandomAccess.WriteAsync(file, fill.AsMemory(0, filled), start + written, CancellationToken.None).AsTask();
                                written += filled;
                                sinceCheckpoint += filled;
                                (fill, spare) = (spare, fill);
                                filled = 0;
                            }
                        }
                    }
                    finally
                    {
                        reader.AdvanceTo(read.Buffer.End); // also when the disk fails, so Kestrel can drain the rest
                    }
                    if (read.IsCompleted) break;
                    if (sinceCheckpoint >= CheckpointBytes && checksum is null && checkpoint.IsCompleted)
                    {
                        // Durable progress inside one long PATCH (a client without chunking sends the whole file at
                        // once): fsync in the background while more bytes arrive, then record the offset.
                        await checkpoint;
                        await pendingWrite;
                        var durable = start + written;
                        checkpoint = Task.Run(() => { RandomAccess.FlushToDisk(file); staging.Acknowledge(id, durable); }, CancellationToken.None);
                        sinceCheckpoint = 0;
                    }
                }
                if (!overflow && filled > 0)
                {
                    sha.AppendData(fill, 0, filled);
                    chunkHash?.AppendData(fill, 0, filled);
                    await pendingWrite;
                    pendingWrite = RandomAccess.WriteAsync(file, fill.AsMemory(0, filled), start + written, CancellationToken.None).AsTask();
                    written += filled;
                    filled = 0;
                }
                await pendingWrite;
                await checkpoint;
                RandomAccess.FlushToDisk(file);
            }
            catch (IOException e)
            {
                // Our disk, not the client's connection: nothing of this request is acknowledged.
                LogWriteFailed(logger, id, e.Message);
                try { await pendingWrite; await checkpoint; } catch (IOException) { }
                try { Truncate(file, staging, id, start); }
                catch (IOException again) { LogWriteFailed(logger, id, again.Message); staging.Forget(id); }
                return new Received(start, false, Problem(507, "服务器存储空间不足或写入失败，本段未保存，请稍后重试。 The server could not store the data (disk full?); nothing of this request was kept."));
            }

            if (overflow)
            {
                Truncate(file, staging, id, start);
                return new Received(start, false, Problem(413, "数据超出了声明的文件长度。 The data goes past the declared Upload-Length."));
            }
            if (checksum is not null && (clientGone || !CryptographicOperations.FixedTimeEquals(chunkHash!.GetHashAndReset(), checksum.Digest)))
            {
                // A chunk that cannot be verified is not kept at all (tus checksum extension).
                Truncate(file, staging, id, start);
                return clientGone
                    ? new Received(start, true, null)
                    : new Received(start, false, Problem(460, "数据块校验和不符，本段已丢弃，请重发。 Checksum mismatch: the chunk was discarded; send it again."));
            }
        }
        finally
        {
            try { await pendingWrite; await checkpoint; } catch (IOException) { }
            ArrayPool<byte>.Shared.Return(fill);
            ArrayPool<byte>.Shared.Return(spare);
        }
        staging.Acknowledge(id, start + written);
        state.HashedTo = start + written;
        return new Received(start + written, clientGone, null);
    }

    /// <summary>Nothing of the request is kept: the staged bytes and the recorded offset go back to where it began.</summary>
    private static void Truncate(Microsoft.Win32.SafeHandles.SafeFileHandle file, TusStaging staging, Guid id, long start)
    {
        RandomAccess.SetLength(file, start);
        RandomAccess.FlushToDisk(file);
        staging.Acknowledge(id, start);
        staging.Forget(id);
    }

    private static async Task<EvidenceItem> FinishAsync(EvidenceUpload upload, TusStaging staging, TusStaging.UploadState state, IServiceProvider services, CancellationToken ct)
    {
        var sha = await staging.FinalHashAsync(upload.Id, state, upload.Length, ct);
        var intake = services.GetRequiredService<EvidenceIntake>();
        try
        {
            var item = await intake.CompleteAsync(upload, staging.PartPath(upload.Id), sha, ct);
            staging.Remove(upload.Id);
            return item;
        }
        catch (DomainRuleException)
        {
            staging.Remove(upload.Id); // refused: the intake deleted the bytes
            throw;
        }
    }

    private static IResult Acknowledge(HttpContext ctx, EvidenceUpload upload, long offset)
    {
        ctx.Response.Headers["Upload-Offset"] = offset.ToString(CultureInfo.InvariantCulture);
        if (upload.CompletedAt is null) ctx.Response.Headers["Upload-Expires"] = TusProtocol.FormatExpires(upload.ExpiresAt);
        return Results.NoContent();
    }

    /// <summary>An upload belongs to whoever created it; to anyone else it does not exist.</summary>
    private static async Task<EvidenceUpload?> FindOwnAsync(MingchaDb db, Guid id, HttpContext ctx, CancellationToken ct)
    {
        var userId = ctx.User.UserId();
        var upload = await db.EvidenceUploads.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct);
        return upload is not null && upload.CreatedBy == userId ? upload : null;
    }

    private static IResult Problem(int status, string title) =>
        Results.Problem(statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["rule"] = "EVD-4" });

    /// <summary>A 400 naming the field at fault (the form of a validation error), with the rule.</summary>
    private static IResult FieldProblem(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: message,
            extensions: new Dictionary<string, object?> { ["rule"] = "EVD-4" });

    private static readonly Action<ILogger, Guid, string, Exception?> WriteFailed =
        LoggerMessage.Define<Guid, string>(LogLevel.Error, new EventId(1, "TusWriteFailed"), "Writing upload {Id} failed: {Error}");

    private static void LogWriteFailed(ILogger logger, Guid id, string error) => WriteFailed(logger, id, error, null);
}

/// <summary>
/// The staging area of partial uploads: {id}.part (the bytes) and {id}.offset (the acknowledged, fsynced length).
/// Holds the running SHA-256 of each upload this process is receiving.
/// </summary>
public sealed class TusStaging
{
    private readonly ConcurrentDictionary<Guid, UploadState> _states = new();

    public TusStaging(IOptions<EvidenceOptions> evidence, IOptions<MingchaOptions> options)
    {
        Folder = Path.GetFullPath(evidence.Value.StagingFolder ?? Path.Combine(options.Value.ResolvedDataFolder, "evidence", "staging"));
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }

    public sealed class UploadState
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public IncrementalHash? Sha { get; set; }
        public long HashedTo { get; set; }
    }

    public string PartPath(Guid id) => Path.Combine(Folder, id.ToString("N") + ".part");
    private string OffsetPath(Guid id) => Path.Combine(Folder, id.ToString("N") + ".offset");

    public UploadState State(Guid id) => _states.GetOrAdd(id, _ => new UploadState());

    public void Create(Guid id)
    {
        using (var f = new FileStream(PartPath(id), FileMode.CreateNew, FileAccess.Write)) f.Flush(flushToDisk: true);
        Acknowledge(id, 0);
        DurableFiles.SyncDirectory(Folder); // the two new names survive a crash as well
    }

    /// <summary>Opens the staged file for positional writes (the caller writes whole blocks at explicit offsets).</summary>
    public Microsoft.Win32.SafeHandles.SafeFileHandle OpenForWrite(Guid id) =>
        File.OpenHandle(PartPath(id), FileMode.Open, FileAccess.Write, FileShare.Read);

    /// <summary>The offset side file always holds exactly this many bytes: the offset, space-padded on the left.</summary>
    private const int OffsetBytes = 20;

    /// <summary>
    /// Records the acknowledged offset durably; the bytes up to it were fsynced before. The fixed-size value is
    /// overwritten in place (never truncated first): a crash mid-write leaves the old or the new value, never an empty
    /// file that would read as 0 and cut acknowledged bytes off (EVD-4).
    /// </summary>
    public void Acknowledge(Guid id, long offset)
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(offset.ToString(CultureInfo.InvariantCulture).PadLeft(OffsetBytes));
        using var f = File.OpenHandle(OffsetPath(id), FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        RandomAccess.Write(f, bytes, 0);
        RandomAccess.FlushToDisk(f);
    }

    /// <summary>The recorded offset, or null when the side file is missing, empty or unreadable (never read as 0).</summary>
    public long? AcknowledgedOffset(Guid id)
    {
        try
        {
            var text = File.ReadAllText(OffsetPath(id)).Trim();
            return TusProtocol.ParseNonNegative(text);
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>
    /// The offset to resume from: the acknowledged length, cut back to the bytes present. Bytes past it (a write
    /// that was never acknowledged, e.g. the server was killed mid-request) are dropped. Call holding the gate.
    /// When the recorded offset cannot be read (a crash while it was first written, or an older server that truncated
    /// it before writing), nothing is cut: the staged bytes are kept, since an acknowledgement is only ever written
    /// after the bytes before it were fsynced, and the offset is recorded again from them. The final SHA-256 (and the
    /// client's declared one, if given) still checks the whole file at completion.
    /// </summary>
    public long RecoverOffset(Guid id)
    {
        var path = PartPath(id);
        if (!File.Exists(path)) { Create(id); return 0; }
        using var f = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.Read);
        var length = RandomAccess.GetLength(f);
        if (AcknowledgedOffset(id) is not { } recorded)
        {
            RandomAccess.FlushToDisk(f);
            Acknowledge(id, length);
            Forget(id); // whatever hash is in memory may not cover these bytes: re-hash from the file
            return length;
        }
        var offset = Math.Min(length, recorded);
        if (length > offset)
        {
            RandomAccess.SetLength(f, offset);
            RandomAccess.FlushToDisk(f);
        }
        return offset;
    }

    /// <summary>Makes sure the running SHA-256 covers exactly the first <paramref name="offset"/> bytes, re-hashing the staged file if not.</summary>
    public async Task EnsureHashAsync(Guid id, UploadState state, long offset, CancellationToken ct)
    {
        if (state.Sha is not null && state.HashedTo == offset) return;
        state.Sha?.Dispose();
        var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(StreamHasher.BufferSize);
        try
        {
            await using var f = new FileStream(PartPath(id), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
            var left = offset;
            while (left > 0)
            {
                var n = await f.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), ct);
                if (n == 0) throw new IOException($"Staged upload {id} is shorter than its acknowledged offset.");
                sha.AppendData(buffer, 0, n);
                left -= n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        state.Sha = sha;
        state.HashedTo = offset;
    }

    public async Task<string> FinalHashAsync(Guid id, UploadState state, long length, CancellationToken ct)
    {
        await EnsureHashAsync(id, state, length, ct);
        var digest = state.Sha!.GetHashAndReset();
        state.Sha.Dispose();
        state.Sha = null;
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>Drops the in-memory hash (the staged bytes were cut back); the next request re-hashes.</summary>
    public void Forget(Guid id)
    {
        if (_states.TryGetValue(id, out var s)) { s.Sha?.Dispose(); s.Sha = null; s.HashedTo = -1; }
    }

    /// <summary>After completion, refusal or expiry: the staged files and the state go.</summary>
    public void Remove(Guid id)
    {
        Forget(id);
        _states.TryRemove(id, out _);
        File.Delete(PartPath(id));
        File.Delete(OffsetPath(id));
    }
}
