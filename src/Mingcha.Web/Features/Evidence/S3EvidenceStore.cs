using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Mingcha.Web.Features.Evidence;

/// <summary>
/// S3-compatible object storage: objects at sha256/ab/cd/{sha256}. Large files go up in parts read straight from
/// the staged file (no TransferUtility; chunked encoding off, which S3-compatible servers over http need).
/// For production, a bucket with Object Lock in compliance mode adds a second lock the application cannot lift.
/// </summary>
public sealed class S3EvidenceStore : IEvidenceStore, IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly EvidenceOptions.S3Settings _settings;
    private readonly SemaphoreSlim _bucketGate = new(1, 1);
    private bool _bucketChecked;

    public S3EvidenceStore(EvidenceOptions.S3Settings settings)
    {
        _settings = settings;
        var config = new AmazonS3Config
        {
            ForcePathStyle = settings.ForcePathStyle,
            AuthenticationRegion = settings.Region,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (!string.IsNullOrEmpty(settings.ServiceUrl)) config.ServiceURL = settings.ServiceUrl;
        else config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(settings.Region);
        _client = string.IsNullOrEmpty(settings.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(settings.AccessKey, settings.SecretKey), config);
    }

    public string Backend => "S3";

    public static string KeyOf(string sha256) => $"sha256/{sha256[..2]}/{sha256[2..4]}/{sha256}";

    public async Task<bool> ExistsAsync(string sha256, CancellationToken ct)
    {
        await EnsureBucketAsync(ct);
        try
        {
            await _client.GetObjectMetadataAsync(_settings.Bucket, KeyOf(sha256), ct);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public async Task PutAsync(string sha256, string stagedPath, long size, CancellationToken ct)
    {
        if (await ExistsAsync(sha256, ct)) { File.Delete(stagedPath); return; }
        var key = KeyOf(sha256);
        if (size <= _settings.PartSize)
        {
            var put = new PutObjectRequest
            {
                BucketName = _settings.Bucket, Key = key, FilePath = stagedPath, UseChunkEncoding = false,
                ContentType = "application/octet-stream",
            };
            put.Metadata["sha256"] = sha256;
            await _client.PutObjectAsync(put, ct);
        }
        else
        {
            var init = new InitiateMultipartUploadRequest { BucketName = _settings.Bucket, Key = key, ContentType = "application/octet-stream" };
            init.Metadata["sha256"] = sha256;
            var started = await _client.InitiateMultipartUploadAsync(init, ct);
            try
            {
                var parts = new List<PartETag>();
                var number = 1;
                for (long position = 0; position < size; position += _settings.PartSize, number++)
                {
                    var part = await _client.UploadPartAsync(new UploadPartRequest
                    {
                        BucketName = _settings.Bucket, Key = key, UploadId = started.UploadId, PartNumber = number,
                        FilePath = stagedPath, FilePosition = position, PartSize = Math.Min(_settings.PartSize, size - position),
                        UseChunkEncoding = false,
                    }, ct);
                    parts.Add(new PartETag(number, part.ETag));
                }
                await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = _settings.Bucket, Key = key, UploadId = started.UploadId, PartETags = parts,
                }, ct);
            }
            catch
            {
                await _client.AbortMultipartUploadAsync(_settings.Bucket, key, started.UploadId, CancellationToken.None);
                throw;
            }
        }
        File.Delete(stagedPath);
    }

    public async Task<Stream> OpenReadAsync(string sha256, long offset, long length, CancellationToken ct)
    {
        var request = new GetObjectRequest { BucketName = _settings.Bucket, Key = KeyOf(sha256) };
        if (length > 0) request.ByteRange = new ByteRange(offset, offset + length - 1);
        var response = await _client.GetObjectAsync(request, ct);
        return new OwningStream(response.ResponseStream, response);
    }

    public async Task<(string Sha256, long Size)?> HashAsync(string sha256, CancellationToken ct)
    {
        try
        {
            using var response = await _client.GetObjectAsync(_settings.Bucket, KeyOf(sha256), ct);
            return await StreamHasher.HashAsync(response.ResponseStream, ct);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task PurgeAsync(PurgeAuthorisation authorisation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(authorisation);
        await _client.DeleteObjectAsync(_settings.Bucket, KeyOf(authorisation.Sha256), ct);
    }

    private async Task EnsureBucketAsync(CancellationToken ct)
    {
        if (_bucketChecked) return;
        await _bucketGate.WaitAsync(ct);
        try
        {
            if (_bucketChecked) return;
            var buckets = await _client.ListBucketsAsync(ct);
            if (buckets.Buckets is null || buckets.Buckets.TrueForAll(b => b.BucketName != _settings.Bucket))
                await _client.PutBucketAsync(_settings.Bucket, ct);
            _bucketChecked = true;
        }
        finally
        {
            _bucketGate.Release();
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _bucketGate.Dispose();
    }

    /// <summary>The object's body; disposing it releases the response (and its connection).</summary>
    private sealed class OwningStream(Stream inner, IDisposable owner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing) { inner.Dispose(); owner.Dispose(); }
            base.Dispose(disposing);
        }
    }
}
