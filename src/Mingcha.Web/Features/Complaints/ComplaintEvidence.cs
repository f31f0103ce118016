using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Evidence;
using Mingcha.Web.Features.Evidence;

namespace Mingcha.Web.Features.Complaints;

/// <summary>Settings of "Mingcha:Complaints:PublicEvidence": what the public may attach to a complaint (CMP-2).</summary>
public sealed class ComplaintEvidenceOptions
{
    public const string Section = "Mingcha:Complaints:PublicEvidence";

    /// <summary>At most this many files per complaint.</summary>
    public int MaxFiles { get; set; } = 5;

    /// <summary>The largest file accepted.</summary>
    public long MaxFileBytes { get; set; } = 10L * 1024 * 1024;

    /// <summary>All files of one complaint together. Keep it under the server's request limit (Kestrel: 30 MB by default).</summary>
    public long MaxTotalBytes { get; set; } = 20L * 1024 * 1024;
}

/// <summary>A file handed in with a public complaint, before it is checked.</summary>
public sealed record ComplaintAttachment(string? FileName, long Length, Func<Stream> Open);

/// <summary>A checked file waiting on disk for its complaint to be stored: name, size, SHA-256 and the type read from its bytes.</summary>
public sealed record StagedEvidence(string Path, string FileName, long Size, string Sha256, string MediaType);

/// <summary>The checked files of one complaint; whatever the vault did not take is deleted on dispose.</summary>
public sealed class StagedEvidenceSet(IReadOnlyList<StagedEvidence> files) : IDisposable
{
    public static readonly StagedEvidenceSet Empty = new([]);
    public IReadOnlyList<StagedEvidence> Files { get; } = files;

    public void Dispose()
    {
        foreach (var f in Files)
            if (File.Exists(f.Path)) File.Delete(f.Path);
    }
}

/// <summary>
/// CMP-2: evidence the public attaches to a complaint (photos JPEG/PNG, PDF). Every file is checked before anything is stored:
/// the count, each size and the total against <see cref="ComplaintEvidenceOptions"/>, and the type read from the bytes (never the
/// name or the browser's claim, EVD-1). A bad file refuses the whole complaint; the files then go into the complaint's evidence
/// case in the vault, in the complaint's own transaction (Complaints.FileAsync).
/// </summary>
public sealed class ComplaintEvidence(TusStaging staging, IOptions<ComplaintEvidenceOptions> options)
{
    /// <summary>What the public may attach, by the type the bytes show.</summary>
    public static readonly IReadOnlySet<string> AllowedMediaTypes = new HashSet<string>(StringComparer.Ordinal) { "image/jpeg", "image/png", "application/pdf" };

    public ComplaintEvidenceOptions Limits => options.Value;

    /// <summary>Room for the text fields of the form beside the files.</summary>
    public long MaxRequestBytes => options.Value.MaxTotalBytes + 1024 * 1024;

    /// <summary>Checks the files and copies them to the staging folder (hashed on the way). Throws naming CMP-2 on the first bad file; nothing stays staged then.</summary>
    public async Task<StagedEvidenceSet> StageAsync(IReadOnlyList<ComplaintAttachment> files, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(files);
        var o = options.Value;
        var present = files.Where(f => f.Length > 0 || !string.IsNullOrEmpty(f.FileName)).ToList();
        if (present.Count == 0) return StagedEvidenceSet.Empty;
        if (present.Count > o.MaxFiles)
            throw new DomainRuleException("CMP-2", $"最多可附 {o.MaxFiles} 个证据文件（CMP-2）。 At most {o.MaxFiles} evidence files (CMP-2).", 400);
        if (present.Sum(f => f.Length) > o.MaxTotalBytes)
            throw TooLarge($"证据文件合计不能超过 {Mb(o.MaxTotalBytes)}（CMP-2）。 The evidence files together may not exceed {Mb(o.MaxTotalBytes)} (CMP-2).");
        var staged = new List<StagedEvidence>();
        var done = false;
        try
        {
            long total = 0;
            foreach (var f in present)
            {
                var name = SafeName(f.FileName);
                if (f.Length == 0)
                    throw new DomainRuleException("CMP-2", $"文件“{name}”是空文件（CMP-2）。 The file \"{name}\" is empty (CMP-2).", 400);
                if (f.Length > o.MaxFileBytes)
                    throw TooLarge($"文件“{name}”超过 {Mb(o.MaxFileBytes)}（CMP-2）。 The file \"{name}\" is larger than {Mb(o.MaxFileBytes)} (CMP-2).");
                var path = Path.Combine(staging.Folder, "complaint-" + Guid.NewGuid().ToString("N"));
                var (size, sha, head) = await CopyAsync(f, path, o.MaxFileBytes, ct);
                staged.Add(new StagedEvidence(path, name, size, sha, ""));
                total += size;
                if (size > o.MaxFileBytes)
                    throw TooLarge($"文件“{name}”超过 {Mb(o.MaxFileBytes)}（CMP-2）。 The file \"{name}\" is larger than {Mb(o.MaxFileBytes)} (CMP-2).");
                if (total > o.MaxTotalBytes)
                    throw TooLarge($"证据文件合计不能超过 {Mb(o.MaxTotalBytes)}（CMP-2）。 The evidence files together may not exceed {Mb(o.MaxTotalBytes)} (CMP-2).");
                var sniff = MediaSniffer.Sniff(head);
                if (!sniff.Allowed || !AllowedMediaTypes.Contains(sniff.MediaType!))
                    throw new DomainRuleException("CMP-2",
                        $"文件“{name}”不是 JPEG、PNG 照片或 PDF 文件（按文件内容判断，与文件名无关）（CMP-2）。 The file \"{name}\" is not a JPEG or PNG photo or a PDF (judged by its content, not its name) (CMP-2).", 415);
                staged[^1] = staged[^1] with { MediaType = sniff.MediaType! };
            }
            done = true;
            return new StagedEvidenceSet(staged);
        }
        finally
        {
            if (!done) new StagedEvidenceSet(staged).Dispose();
        }
    }

    /// <summary>Sets the request's body and multipart limits from the options (before the form is read).</summary>
    public void LimitRequest(HttpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        if (ctx.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = MaxRequestBytes;
        ctx.Features.Set<IFormFeature>(new FormFeature(ctx.Request, new FormOptions { MultipartBodyLengthLimit = MaxRequestBytes }));
    }

    private static async Task<(long Size, string Sha256, byte[] Head)> CopyAsync(ComplaintAttachment f, string path, long max, CancellationToken ct)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var head = new byte[MediaSniffer.HeadLength];
        var headLength = 0;
        long size = 0;
        var buffer = new byte[81920];
        await using var input = f.Open();
        await using var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
        int n;
        while ((n = await input.ReadAsync(buffer, ct)) > 0)
        {
            if (headLength < head.Length)
            {
                var take = Math.Min(n, head.Length - headLength);
                Array.Copy(buffer, 0, head, headLength, take);
                headLength += take;
            }
            size += n;
            if (size > max) break; // the caller refuses it; no need to read on
            sha.AppendData(buffer, 0, n);
            await output.WriteAsync(buffer.AsMemory(0, n), ct);
        }
        return (size, Convert.ToHexStringLower(sha.GetHashAndReset()), head[..headLength]);
    }

    private static DomainRuleException TooLarge(string message) => new("CMP-2", message, StatusCodes.Status413PayloadTooLarge);

    private static string Mb(long bytes) => bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MB" : $"{bytes / 1024} KB";

    /// <summary>The last path segment, at most 120 characters, no control characters.</summary>
    public static string SafeName(string? fileName)
    {
        var name = Path.GetFileName((fileName ?? "").Replace('\\', '/')).Trim();
        name = new string(name.Where(ch => !char.IsControl(ch)).ToArray());
        if (name.Length == 0) name = "evidence";
        return name.Length > 120 ? name[^120..] : name;
    }
}
