using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;

namespace Mingcha.Web.Features.Organisation.Import;

/// <summary>What the <c>import-org</c> command prints: success, a one-line summary and the row errors.</summary>
public sealed record ImportReport(bool Ok, string Summary, IReadOnlyList<string> Errors);

/// <summary>
/// The <c>import-org FILE...</c> command: the same import as the web page, without the preview step. The files
/// are kept and hashed like an upload, an import record is made, and it is committed at once (all or nothing).
/// </summary>
public sealed class OrganisationImporter(MingchaDb db, OrgImportFiles files, TimeProvider time, IAuditActor actor, CommitOrgImport commit)
{
    public async Task<ImportReport> ImportFilesAsync(IReadOnlyList<string> paths, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0) return new ImportReport(false, "没有指定文件。 No file given.", []);
        var missing = paths.Where(p => !File.Exists(p)).ToList();
        if (missing.Count > 0)
            return new ImportReport(false, "文件不存在。 File not found.", missing.Select(p => $"{p}: 文件不存在。 Not found.").ToList());

        var id = Guid.CreateVersion7();
        var errors = new ErrorLog();
        var streams = paths.Select(p => (Stream)File.OpenRead(p)).ToList();
        IReadOnlyList<ImportFileInfo> infos;
        try
        {
            infos = await files.SaveAsync(id, paths.Select((p, i) => new ImportUpload(Path.GetFileName(p), streams[i])).ToList(), errors, ct);
        }
        finally
        {
            foreach (var s in streams) await s.DisposeAsync();
        }
        var import = new OrgImport(id, time.GetUtcNow().UtcDateTime, actor.UserId, actor.UserName, OrgImportFiles.FilesJson(infos));
        if (errors.Any) import.Fail(time.GetUtcNow().UtcDateTime, actor.UserName, errors.Total);
        db.OrgImports.Add(import);
        await db.SaveChangesAsync(ct);
        if (errors.Any) return Report(id, false, errors.Total, errors.Shown, []);

        var result = await commit.HandleAsync(id, ct);
        return Report(id, result.Outcome == CommitOutcome.Committed, result.ErrorCount, result.Errors, result.Sheets);
    }

    private static ImportReport Report(Guid id, bool ok, int errorCount, IReadOnlyList<ImportError> errors, IReadOnlyList<SheetSummary> sheets)
    {
        var counts = string.Join("; ", sheets.Select(s => $"{s.Sheet} {s.Rows} 行: 新增 {s.Create}, 更新 {s.Update}, 未变 {s.Unchanged}"));
        var summary = ok
            ? $"导入完成 Import {id} committed. {counts}"
            : $"导入失败，未写入任何数据 Import {id} failed, nothing written: {errorCount} 个错误 error(s){(errorCount > errors.Count ? $"（显示前 {errors.Count} 个）" : "")}.";
        return new ImportReport(ok, summary, errors.Select(Describe).ToList());
    }

    /// <summary>"单位 第 12 行 上级单位代码：…" as a line of text.</summary>
    public static string Describe(ImportError e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var where = e.Row is { } row ? $"{e.Sheet} 第 {row} 行" : e.Sheet;
        if (e.Column is not null) where += $" {e.Column}";
        return where.Length == 0 ? e.Message : $"{where}：{e.Message}";
    }
}
