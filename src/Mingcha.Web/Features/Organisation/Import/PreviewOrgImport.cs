using System.Text.Json;
using Microsoft.Extensions.Options;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Organisation.Import;

/// <summary>
/// Use case: upload an organisation workbook (or CSV files) and see what it would do. The files are kept and
/// hashed, every row is checked against the file and the registry, and nothing is written but the import record.
/// </summary>
public sealed class PreviewOrgImport(MingchaDb db, OrgImportFiles files, TimeProvider time, IAuditActor actor, IOptions<MingchaOptions> options)
{
    public sealed record Result(Guid ImportId, OrgImportStatus Status, bool CanCommit, IReadOnlyList<ImportFileInfo> Files,
        IReadOnlyList<SheetSummary> Sheets, int ErrorCount, IReadOnlyList<ImportError> Errors);

    public async Task<Result> HandleAsync(IReadOnlyList<ImportUpload> uploads, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(uploads);
        var id = Guid.CreateVersion7();
        var now = time.GetUtcNow().UtcDateTime;
        var errors = new ErrorLog();
        var infos = await files.SaveAsync(id, uploads, errors, ct);
        IReadOnlyList<SheetSummary> sheets = [];
        var fileProblems = errors.Any;
        if (!fileProblems)
        {
            using var input = ImportInput.Open(files.Stored(id, infos), errors);
            fileProblems = errors.Any;
            if (!fileProblems)
            {
                var run = new OrgImportRun(db, errors, now, OfficeToday(time, options.Value), write: false);
                await run.RunAsync(input, ct);
                sheets = run.Summaries;
            }
        }

        var import = new OrgImport(id, now, actor.UserId, actor.UserName, OrgImportFiles.FilesJson(infos));
        import.RecordCheck(CountsJson(sheets), errors.Total);
        // Files that cannot be read at all can never be committed; row errors are checked again at commit.
        if (fileProblems) import.Fail(now, actor.UserName, errors.Total);
        db.OrgImports.Add(import);
        await db.SaveChangesAsync(ct);
        return new Result(id, import.Status, import.Status == OrgImportStatus.Previewed && !errors.Any, infos, sheets, errors.Total, errors.Shown);
    }

    internal static DateOnly OfficeToday(TimeProvider time, MingchaOptions options) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), options.TimeZoneInfo).DateTime);

    internal static string CountsJson(IReadOnlyList<SheetSummary> sheets) =>
        JsonSerializer.Serialize(sheets.Select(s => new { s.Sheet, s.Rows, s.Create, s.Update, s.Unchanged }), OrgImportFiles.Json);
}
