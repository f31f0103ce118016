namespace Mingcha.Web.Features.Evidence;

/// <summary>Settings of "Mingcha:Evidence" (decision 007).</summary>
public sealed class EvidenceOptions
{
    public const string Section = "Mingcha:Evidence";

    /// <summary>"Local" (a folder under the data folder, the default) or "S3" (S3-compatible object storage).</summary>
    public string Storage { get; set; } = "Local";

    /// <summary>Folder of the local store; default {DataFolder}/evidence/store.</summary>
    public string? LocalFolder { get; set; }

    /// <summary>Folder where partial uploads are staged; default {DataFolder}/evidence/staging. Keep it on the local store's disk so a finished upload is moved, not copied.</summary>
    public string? StagingFolder { get; set; }

    /// <summary>How long an unfinished upload can be resumed (tus expiration).</summary>
    public TimeSpan UploadExpiry { get; set; } = TimeSpan.FromHours(48);

    /// <summary>The largest file accepted (Tus-Max-Size).</summary>
    public long MaxUploadBytes { get; set; } = 64L * 1024 * 1024 * 1024;

    /// <summary>How long a stated purpose covers a viewer's requests for the same content (a video player asks many times).</summary>
    public TimeSpan AccessValidity { get; set; } = TimeSpan.FromHours(2);

    public string FfprobePath { get; set; } = "ffprobe";

    public S3Settings S3 { get; set; } = new();

    public bool UsesS3 => string.Equals(Storage, "S3", StringComparison.OrdinalIgnoreCase);

    public sealed class S3Settings
    {
        public string? ServiceUrl { get; set; }
        public string Bucket { get; set; } = "mingcha-evidence";
        public string Region { get; set; } = "us-east-1";
        public string? AccessKey { get; set; }
        public string? SecretKey { get; set; }
        public bool ForcePathStyle { get; set; } = true;
        /// <summary>Files larger than this go up in parts of this size (S3 allows at most 10,000 parts).</summary>
        public long PartSize { get; set; } = 64L * 1024 * 1024;
    }
}
