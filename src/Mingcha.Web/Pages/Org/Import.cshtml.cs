using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Organisation.Import;

namespace Mingcha.Web.Pages.Org;

/// <summary>
/// Import of a whole organisation from an .xlsx workbook or CSV files: upload, preview with the row report,
/// commit. The same use-case handlers as POST /api/v1/org/import and /commit.
/// </summary>
[Authorize(Policy = Policies.OfficeManage)]
[RequestSizeLimit(OrgImportApi.MaxRequestBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = OrgImportApi.MaxRequestBytes)]
public sealed class ImportModel(PreviewOrgImport preview, CommitOrgImport commit) : PageModel
{
    public PreviewOrgImport.Result? Preview { get; private set; }
    public CommitOrgImport.Result? Commit { get; private set; }
    public string? Error { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostPreviewAsync(List<IFormFile> files, CancellationToken ct)
    {
        if (files is not { Count: > 0 })
        {
            Error = "请选择要导入的 .xlsx 或 .csv 文件。";
            return Page();
        }
        var uploads = files.Select(f => new ImportUpload(f.FileName, f.OpenReadStream())).ToList();
        try
        {
            Preview = await preview.HandleAsync(uploads, ct);
        }
        finally
        {
            foreach (var u in uploads) await u.Content.DisposeAsync();
        }
        return Page();
    }

    public async Task<IActionResult> OnPostCommitAsync(Guid importId, CancellationToken ct)
    {
        try
        {
            Commit = await commit.HandleAsync(importId, ct);
        }
        catch (NotFoundException e)
        {
            Error = e.Message;
        }
        return Page();
    }

    public static string Size(long bytes) => bytes >= 1024 * 1024 ? $"{bytes / 1024.0 / 1024.0:0.0} MB" : $"{Math.Max(1, bytes / 1024)} KB";
}
