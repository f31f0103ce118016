using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Organisation.Import;

/// <summary>
/// Organisation import and export over HTTP: template, upload with preview, commit, export (Policies.OfficeManage;
/// the unmasked export needs the office administrator, SEC-4). The Razor page /Org/Import calls the same handlers.
/// </summary>
public static class OrgImportApi
{
    /// <summary>The import and export use cases, for the API, the page and the <c>import-org</c> command.</summary>
    public static IServiceCollection AddOrganisationImport(this IServiceCollection services) => services
        .AddScoped<OrgImportFiles>()
        .AddScoped<PreviewOrgImport>()
        .AddScoped<CommitOrgImport>()
        .AddScoped<ExportOrganisation>()
        .AddScoped<OrganisationImporter>();

    /// <summary>A request may carry several files of up to 50 MB each (one CSV per sheet).</summary>
    public const long MaxRequestBytes = 6 * ImportFormat.MaxFileBytes + 1024 * 1024;

    public sealed record ImportDto(Guid Id, OrgImportStatus Status, DateTime CreatedAt, string? CreatedBy, DateTime? FinishedAt, string? FinishedBy,
        IReadOnlyList<ImportFileInfo> Files, int ErrorCount, JsonElement? Counts);

    public sealed record CommittedDto(Guid ImportId, OrgImportStatus Status, IReadOnlyList<SheetSummary> Sheets, long RowsWritten);

    public static void Map(IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/v1/org").WithTags("Organisation import");

        g.MapGet("/import/template", () =>
        {
            var buffer = new MemoryStream();
            ExportOrganisation.WriteTemplate(buffer);
            buffer.Position = 0;
            return Results.File(buffer, ExportOrganisation.ContentType, "组织机构导入模板.xlsx");
        }).RequireAuthorization(Policies.OfficeManage);

        // Multipart from scripts and tests; the session cookie is SameSite=Strict, so no antiforgery token (decision 006).
        g.MapPost("/import", PreviewAsync).RequireAuthorization(Policies.OfficeManage).DisableAntiforgery();

        g.MapGet("/import/{id:guid}", async (Guid id, MingchaDb db, CancellationToken ct) =>
            await db.OrgImports.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct) is { } i
                ? Results.Ok(new ImportDto(i.Id, i.Status, i.CreatedAt, i.CreatedByName, i.FinishedAt, i.FinishedByName,
                    OrgImportFiles.ParseFiles(i.FilesJson), i.ErrorCount,
                    i.CountsJson is null ? null : JsonSerializer.Deserialize<JsonElement>(i.CountsJson)))
                : Results.NotFound()).RequireAuthorization(Policies.OfficeManage);

        g.MapPost("/import/{id:guid}/commit", async (Guid id, CommitOrgImport commit, CancellationToken ct) =>
            ToHttp(await commit.HandleAsync(id, ct))).RequireAuthorization(Policies.OfficeManage);

        g.MapGet("/export", ExportAsync).RequireAuthorization(Policies.OfficeManage);
    }

    private static async Task<IResult> PreviewAsync(HttpRequest request, PreviewOrgImport preview, CancellationToken ct)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = MaxRequestBytes;
        if (!request.HasFormContentType)
            return Problems.Field("files", "请以 multipart/form-data 上传 .xlsx 或 .csv 文件。 Upload the files as multipart/form-data.");
        request.HttpContext.Features.Set<IFormFeature>(new FormFeature(request, new FormOptions { MultipartBodyLengthLimit = MaxRequestBytes }));
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct);
        }
        catch (InvalidDataException e)
        {
            // The form reader's own limits and a malformed multipart body are bad input, not a server error.
            var tooLarge = e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase);
            return Results.Problem(statusCode: tooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest,
                title: tooLarge ? "上传内容过大：每个文件不超过 50 MB。 The upload is too large." : "上传内容格式不正确。 The upload is malformed.",
                detail: e.Message);
        }
        if (form.Files.Count == 0) return Problems.Field("files", "请选择要导入的 .xlsx 或 .csv 文件。 Choose a file to import.");
        var uploads = form.Files.Select(f => new ImportUpload(f.FileName, f.OpenReadStream())).ToList();
        try
        {
            return Results.Ok(await preview.HandleAsync(uploads, ct));
        }
        finally
        {
            foreach (var u in uploads) await u.Content.DisposeAsync();
        }
    }

    /// <summary>422 with the row report when rows are wrong, 409 when the import was already committed or collided.</summary>
    public static IResult ToHttp(CommitOrgImport.Result r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return r.Outcome switch
        {
            CommitOutcome.Committed => Results.Ok(new CommittedDto(r.ImportId, OrgImportStatus.Committed, r.Sheets, r.RowsWritten)),
            CommitOutcome.Invalid => Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: r.Message,
                extensions: new Dictionary<string, object?> { ["importId"] = r.ImportId, ["errorCount"] = r.ErrorCount, ["errors"] = r.Errors }),
            _ => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: r.Message ?? (r.Errors.Count > 0 ? r.Errors[0].Message : null),
                extensions: new Dictionary<string, object?> { ["importId"] = r.ImportId, ["errorCount"] = r.ErrorCount, ["errors"] = r.Errors }),
        };
    }

    private static async Task<IResult> ExportAsync(int? year, bool? full, HttpContext ctx, ExportOrganisation export, LocalClock clock, CancellationToken ct)
    {
        var y = year ?? clock.Today.Year; // the office's year, not UTC's
        if (!Problems.IsYear(y)) return Problems.Field("year", $"年度应为 {Problems.FirstYear} 到 {Problems.LastYear} 之间的四位年份。 Year must be between {Problems.FirstYear} and {Problems.LastYear}.");
        var unmasked = full == true;
        if (unmasked && !ctx.User.IsInRole(Roles.OfficeAdmin))
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden,
                title: "只有效能办管理员可以导出完整的手机号和身份证号（SEC-4）。 Only the office administrator may export personal data in full.");

        // Written to a temporary file first (never held in memory), then streamed; the file goes when the response is done.
        var stream = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        try
        {
            await export.WriteAsync(stream, y, unmasked, ct);
            stream.Position = 0;
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
        var name = string.Create(CultureInfo.InvariantCulture, $"组织机构-{y}{(unmasked ? "-完整" : "")}.xlsx");
        return Results.File(stream, ExportOrganisation.ContentType, name);
    }
}
