using System.Data.Common;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Organisation.Import;

public enum CommitOutcome
{
    /// <summary>Everything was written.</summary>
    Committed,
    /// <summary>Rows are wrong; nothing was written (422 with the report).</summary>
    Invalid,
    /// <summary>Already committed or failed: an import is committed at most once (409).</summary>
    AlreadyFinished,
    /// <summary>The registry changed under the import (another import of the same codes); nothing was written (409).</summary>
    Conflict,
}

/// <summary>
/// Use case: commit a previewed import. Re-reads the kept files (checking their hashes), re-checks every row
/// against the registry as it is now, and writes all of it in one transaction or nothing. The audit log gets
/// one summary line, "import.organisation", with the file hashes and counts instead of a line per row (decision 004).
/// </summary>
public sealed partial class CommitOrgImport(MingchaDb db, OrgImportFiles files, TimeProvider time, IAuditActor actor, IOptions<MingchaOptions> options,
    ILogger<CommitOrgImport> logger)
{
    public sealed record Result(Guid ImportId, CommitOutcome Outcome, IReadOnlyList<SheetSummary> Sheets, long RowsWritten, int ErrorCount,
        IReadOnlyList<ImportError> Errors, string? Message = null);

    public async Task<Result> HandleAsync(Guid importId, CancellationToken ct)
    {
        var import = await db.OrgImports.AsNoTracking().FirstOrDefaultAsync(i => i.Id == importId, ct)
            ?? throw new NotFoundException("导入记录不存在。 No such import.");
        if (import.Status != OrgImportStatus.Previewed) return AlreadyFinished(importId, import.Status);

        var now = time.GetUtcNow().UtcDateTime;
        var infos = OrgImportFiles.ParseFiles(import.FilesJson);
        var errors = new ErrorLog();
        await files.VerifyAsync(importId, infos, errors, ct);
        if (errors.Any) return await FailAsync(importId, errors, now, ct);

        // Bulk work: one summary audit event instead of a line per row (decision 004); tracking only what is updated.
        db.SuppressRowAudit = true;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        OrgImportRun run;
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // Claiming the import inside the transaction makes a second commit, even a concurrent one, find it taken.
            var claimed = await db.OrgImports.Where(i => i.Id == importId && i.Status == OrgImportStatus.Previewed)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(i => i.Status, OrgImportStatus.Committed)
                    .SetProperty(i => i.FinishedAt, now)
                    .SetProperty(i => i.FinishedByName, actor.UserName), ct);
            if (claimed == 0)
            {
                await tx.RollbackAsync(ct);
                return AlreadyFinished(importId, OrgImportStatus.Committed);
            }

            run = new OrgImportRun(db, errors, now, PreviewOrgImport.OfficeToday(time, options.Value), write: true);
            using (var input = ImportInput.Open(files.Stored(importId, infos), errors))
            {
                if (!errors.Any) await run.RunAsync(input, ct);
            }
            if (errors.Any)
            {
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                return await FailAsync(importId, errors, now, ct);
            }

            var sheets = run.Summaries;
            var record = await db.OrgImports.FirstAsync(i => i.Id == importId, ct);
            record.RecordCheck(PreviewOrgImport.CountsJson(sheets), 0);
            db.Audit(new AuditEvent("import.organisation", nameof(OrgImport), importId.ToString(), null,
                JsonSerializer.Serialize(new { files = infos, sheets = sheets.Select(s => new { s.Sheet, s.Rows, s.Create, s.Update, s.Unchanged }), rowsInserted = run.RowsWritten },
                    OrgImportFiles.Json)));
            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return new Result(importId, CommitOutcome.Committed, sheets, run.RowsWritten, 0, []);
        }
        catch (Exception e) when (e is DbException or DbUpdateException)
        {
            // Checked rows can still collide with a concurrent writer (two imports of the same new codes): the
            // transaction is gone, nothing was written, and the user uploads again to see the registry as it is now.
            LogConflict(logger, importId, e);
            db.ChangeTracker.Clear();
            errors.Add("", null, null, "导入期间组织机构数据被其他操作修改，未写入任何数据；请重新上传预览后再提交。 The registry changed during the import; nothing was written.");
            var failed = await FailAsync(importId, errors, now, ct);
            return failed with { Outcome = CommitOutcome.Conflict };
        }
        finally
        {
            db.SuppressRowAudit = false;
            db.ChangeTracker.AutoDetectChangesEnabled = true;
        }
    }

    private async Task<Result> FailAsync(Guid importId, ErrorLog errors, DateTime now, CancellationToken ct)
    {
        await db.OrgImports.Where(i => i.Id == importId).ExecuteUpdateAsync(s => s
            .SetProperty(i => i.Status, OrgImportStatus.Failed)
            .SetProperty(i => i.ErrorCount, errors.Total)
            .SetProperty(i => i.FinishedAt, now)
            .SetProperty(i => i.FinishedByName, actor.UserName), ct);
        return new Result(importId, CommitOutcome.Invalid, [], 0, errors.Total, errors.Shown,
            "导入文件有误，未写入任何数据。 The import has errors; nothing was written.");
    }

    private static Result AlreadyFinished(Guid importId, OrgImportStatus status) =>
        new(importId, CommitOutcome.AlreadyFinished, [], 0, 0, [], status == OrgImportStatus.Committed
            ? "该导入已经提交过，不能重复提交。 This import was already committed."
            : "该导入已失败，不能提交；请修改文件后重新上传。 This import failed; upload the corrected file again.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Organisation import {ImportId} collided with a concurrent change")]
    private static partial void LogConflict(ILogger logger, Guid importId, Exception exception);
}
