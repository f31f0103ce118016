using System.Globalization;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Organisation.Import;

/// <summary>A file as it arrives: the name the user gave it and its content.</summary>
public sealed record ImportUpload(string FileName, Stream Content);

/// <summary>
/// Keeps the uploaded files of an import under {DataFolder}/imports/{id}/ with their SHA-256, so that the commit
/// reads exactly what was previewed and the audit summary can name what was imported (decision 004).
/// </summary>
public sealed class OrgImportFiles(IOptions<MingchaOptions> options)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Folder(Guid importId) => Path.Combine(options.Value.ResolvedDataFolder, "imports", importId.ToString());

    /// <summary>
    /// Copies each upload to disk while hashing it. A file over 50 MB is not kept: the copy stops at the limit
    /// and the file is reported, so an oversized upload is never read whole.
    /// </summary>
    public async Task<IReadOnlyList<ImportFileInfo>> SaveAsync(Guid importId, IReadOnlyList<ImportUpload> uploads, ErrorLog errors, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(uploads);
        ArgumentNullException.ThrowIfNull(errors);
        var folder = Folder(importId);
        Directory.CreateDirectory(folder);
        var infos = new List<ImportFileInfo>();
        var buffer = new byte[81920];
        for (var i = 0; i < uploads.Count; i++)
        {
            var name = DisplayName(uploads[i].FileName);
            var path = Path.Combine(folder, StoredName(i, name));
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long size = 0;
            var tooBig = false;
            await using (var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                int read;
                while ((read = await uploads[i].Content.ReadAsync(buffer, ct)) > 0)
                {
                    size += read;
                    if (size > ImportFormat.MaxFileBytes) { tooBig = true; break; }
                    hash.AppendData(buffer, 0, read);
                    await target.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
            if (tooBig)
            {
                File.Delete(path);
                errors.Add(name, null, null, "文件超过 50 MB，未保存也未读取。请拆分为多个 CSV 文件或删除无关内容后重试。 File over 50 MB; not read.");
                infos.Add(new ImportFileInfo(name, size, null));
                continue;
            }
            infos.Add(new ImportFileInfo(name, size, Convert.ToHexStringLower(hash.GetHashAndReset())));
        }
        return infos;
    }

    /// <summary>The kept files of an import (those that were kept), with the names they came with.</summary>
    public IReadOnlyList<(string Path, string Name)> Stored(Guid importId, IReadOnlyList<ImportFileInfo> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var folder = Folder(importId);
        return files.Select((f, i) => (Path: Path.Combine(folder, StoredName(i, f.Name)), f.Name, f.Sha256))
            .Where(f => f.Sha256 is not null)
            .Select(f => (f.Path, f.Name)).ToList();
    }

    /// <summary>Checks that the kept files are still the ones previewed; a mismatch is reported per file.</summary>
    public async Task VerifyAsync(Guid importId, IReadOnlyList<ImportFileInfo> files, ErrorLog errors, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(errors);
        var folder = Folder(importId);
        for (var i = 0; i < files.Count; i++)
        {
            if (files[i].Sha256 is not { } expected) continue;
            var path = Path.Combine(folder, StoredName(i, files[i].Name));
            if (!File.Exists(path))
            {
                errors.Add(files[i].Name, null, null, "保存的导入文件已不存在，请重新上传。 The kept file is gone; upload again.");
                continue;
            }
            await using var stream = File.OpenRead(path);
            var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
            if (actual != expected)
                errors.Add(files[i].Name, null, null, "保存的导入文件与预览时不一致（SHA-256 不同），请重新上传。 The kept file changed since the preview.");
        }
    }

    public static string FilesJson(IReadOnlyList<ImportFileInfo> files) => JsonSerializer.Serialize(files, Json);

    public static IReadOnlyList<ImportFileInfo> ParseFiles(string json) => JsonSerializer.Deserialize<List<ImportFileInfo>>(json, Json) ?? [];

    /// <summary>The name as the user gave it, without any folder part (browsers on Windows may send a full path).</summary>
    private static string DisplayName(string fileName)
    {
        var name = fileName.Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..].Trim();
        return name.Length == 0 ? "upload" : name.Length > 200 ? name[^200..] : name;
    }

    /// <summary>On disk: a sequence number (two uploads may share a name) and the name with unsafe characters replaced.</summary>
    private static string StoredName(int index, string name)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var safe = new string(name.Select(c => invalid.Contains(c) || char.IsControl(c) ? '_' : c).ToArray());
        return index.ToString("00", CultureInfo.InvariantCulture) + "-" + safe;
    }
}
