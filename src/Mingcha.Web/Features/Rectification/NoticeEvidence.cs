using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Evidence;
using Mingcha.Web.Features.Identity;

namespace Mingcha.Web.Features.Rectification;

/// <summary>
/// A file a liaison attaches from the notice page (a phone's photo, a scanned report) goes into the notice's evidence case
/// through the vault's own intake (type sniffed from the bytes, hashed, sealed into the evidence chain; EVD-1). The API's
/// clients upload through tus instead and name the items.
/// </summary>
public sealed class NoticeEvidence(MingchaDb db, EvidenceIntake intake, TusStaging staging, TimeProvider time, IOptions<EvidenceOptions> evidence)
{
    public const long MaxBytes = 50L * 1024 * 1024;

    public async Task<Guid> StoreAsync(Guid noticeId, IFormFile file, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(file);
        var viewer = RectificationViewer.Of(by);
        var notice = await db.RectificationNotices.AsNoTracking().FirstOrDefaultAsync(n => n.Id == noticeId, ct) ?? throw RectificationViewer.NoticeNotFound();
        viewer.RequireOwnUnit(notice.UnitId);
        if (notice.EvidenceCaseId is not { } caseId) throw new DomainRuleException("RCT-2", "通知书没有证据案卷。 The notice has no evidence case.");
        if (file.Length is 0 or > MaxBytes) throw new FieldException("file", "文件为空或超过 50 MB。 The file is empty or larger than 50 MB.");
        var now = time.GetUtcNow().UtcDateTime;
        var name = Path.GetFileName(file.FileName.Replace('\\', '/'));
        if (name.Length is 0) name = "evidence";
        if (name.Length > 255) name = name[^255..];
        var upload = new EvidenceUpload(caseId, file.Length, name, "", by.UserId() ?? "", by.Identity?.Name ?? "", now, now + evidence.Value.UploadExpiry);
        db.EvidenceUploads.Add(upload);
        await db.SaveChangesAsync(ct);
        var path = Path.Combine(staging.Folder, upload.Id.ToString("N") + ".form");
        string sha;
        await using (var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            await file.CopyToAsync(output, ct);
        }
        await using (var input = File.OpenRead(path)) sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(input, ct));
        try
        {
            var item = await intake.CompleteAsync(upload, path, sha, ct);
            return item.Id;
        }
        finally
        {
            if (File.Exists(path)) File.Delete(path);
        }
    }
}
