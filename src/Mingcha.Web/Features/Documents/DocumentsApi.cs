using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Documents;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Evidence;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Infrastructure.Documents;

namespace Mingcha.Web.Features.Documents;

/// <summary>
/// The register of issued documents (/api/v1/documents): the office, leaders and the auditor read all of it; a unit
/// liaison reads only documents addressed to their unit (SEC-2; others answer 404). Downloads are logged in the
/// evidence access log. Only the office administrator withdraws. Nothing is deleted.
/// </summary>
public static class DocumentsApi
{
    public static readonly string[] ReadRoles = [Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Leader, Roles.Auditor, Roles.UnitLiaison];

    public sealed record DocumentLine(Guid Id, string Number, DocumentKind Kind, string Title, DateOnly DocumentDate, DateTime IssuedAt, string IssuedByName,
        bool Withdrawn, DateTime? WithdrawnAt);
    public sealed record DocumentDetail(Guid Id, string Issuer, string Number, string Prefix, int Year, int Serial, DocumentKind Kind, string Title,
        DateOnly DocumentDate, IReadOnlyList<Guid> AddresseeUnitIds, string? ReferenceType, Guid? ReferenceId, Guid CaseId,
        string DocxSha256, long DocxSize, string PdfSha256, long PdfSize, string IssuedBy, string IssuedByName, DateTime IssuedAt,
        bool Withdrawn, DateTime? WithdrawnAt, string? WithdrawnBy, string? WithdrawalReason);
    public sealed record WithdrawRequest([property: Required] string Reason);

    public static void Map(IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/v1/documents").WithTags("Documents")
            .RequireAuthorization(p => p.RequireRole(ReadRoles));

        g.MapGet("", async (int? year, DocumentKind? kind, Guid? unitId, HttpContext ctx, MingchaDb db, CancellationToken ct) =>
            await ListAsync(db, ctx.User, year, kind, unitId, ct));
        g.MapGet("/{id:guid}", async (Guid id, HttpContext ctx, MingchaDb db, CancellationToken ct) =>
            await DetailAsync(db, ctx.User, id, ct));
        g.MapGet("/{id:guid}/docx", async (Guid id, HttpContext ctx, DocumentDownloads downloads, CancellationToken ct) =>
            await downloads.FileAsync(id, docx: true, ctx.User, ctx.Connection.RemoteIpAddress?.ToString(), ct));
        g.MapGet("/{id:guid}/pdf", async (Guid id, HttpContext ctx, DocumentDownloads downloads, CancellationToken ct) =>
            await downloads.FileAsync(id, docx: false, ctx.User, ctx.Connection.RemoteIpAddress?.ToString(), ct));
        g.MapPost("/{id:guid}/withdraw", async (Guid id, WithdrawRequest r, HttpContext ctx, OfficialDocuments documents, CancellationToken ct) =>
        {
            await documents.WithdrawAsync(id, r.Reason, ctx.User, ct);
            return Results.NoContent();
        }).RequireAuthorization(Policies.OfficeAdmin);

        // A draft laid out from JSON content, watermarked 草稿; nothing is registered and no number is used.
        g.MapPost("/preview", async (OfficialDocumentContent content, string? format, OfficialDocuments documents, CancellationToken ct) =>
        {
            switch ((format ?? "docx").ToLowerInvariant())
            {
                case "docx":
                    return Results.File(await documents.PreviewDocxAsync(content, ct), OfficialDocuments.DocxType, "草稿.docx");
                case "pdf":
                    return Results.File(await documents.PreviewPdfAsync(content, ct), OfficialDocuments.PdfType, "草稿.pdf");
                case "html":
                    return Results.Content(documents.PreviewHtml(content), "text/html; charset=utf-8");
                default:
                    return Infrastructure.Problems.Field("format", "格式只能是 docx、pdf 或 html。 The format must be docx, pdf or html.");
            }
        }).RequireAuthorization(Policies.OfficeManage);
    }

    /// <summary>SEC-2: the documents a user may see: all for the office, leaders and the auditor; addressed to their unit for a liaison.</summary>
    public static IQueryable<OfficialDocument> Visible(MingchaDb db, ClaimsPrincipal user)
    {
        if (SeesAll(user)) return db.OfficialDocuments;
        if (user.IsInRole(Roles.UnitLiaison) && user.UnitId() is { } unit)
            return db.OfficialDocuments.Where(d => d.Addressees.Any(a => a.UnitId == unit));
        return db.OfficialDocuments.Where(_ => false);
    }

    public static bool SeesAll(ClaimsPrincipal user) =>
        user.IsInRole(Roles.OfficeAdmin) || user.IsInRole(Roles.OfficeStaff) || user.IsInRole(Roles.Leader) || user.IsInRole(Roles.Auditor);

    public static async Task<List<DocumentLine>> ListAsync(MingchaDb db, ClaimsPrincipal user, int? year, DocumentKind? kind, Guid? unitId, CancellationToken ct)
    {
        var q = Visible(db, user).AsNoTracking();
        if (year is { } y) q = q.Where(d => d.Year == y);
        if (kind is { } k) q = q.Where(d => d.Kind == k);
        if (unitId is { } u) q = q.Where(d => d.Addressees.Any(a => a.UnitId == u));
        return await q.OrderByDescending(d => d.Year).ThenByDescending(d => d.IssuedAt).Take(1000)
            .Select(d => new DocumentLine(d.Id, d.Number, d.Kind, d.Title, d.DocumentDate, d.IssuedAt, d.IssuedByName, d.WithdrawnAt != null, d.WithdrawnAt))
            .ToListAsync(ct);
    }

    public static async Task<DocumentDetail> DetailAsync(MingchaDb db, ClaimsPrincipal user, Guid id, CancellationToken ct)
    {
        var d = await Visible(db, user).AsNoTracking().Include(x => x.Addressees).FirstOrDefaultAsync(x => x.Id == id, ct)
            ?? throw OfficialDocuments.NotFound();
        return new DocumentDetail(d.Id, d.Issuer, d.Number, d.Prefix, d.Year, d.Serial, d.Kind, d.Title, d.DocumentDate,
            d.Addressees.Select(a => a.UnitId).ToList(), d.ReferenceType, d.ReferenceId, d.CaseId, d.DocxSha256, d.DocxSize, d.PdfSha256, d.PdfSize,
            d.IssuedBy, d.IssuedByName, d.IssuedAt, d.Withdrawn, d.WithdrawnAt, d.WithdrawnBy, d.WithdrawalReason);
    }
}

/// <summary>Serves an issued document's DOCX or PDF from the evidence store, logging the download like an evidence download (EVD-3).</summary>
public sealed class DocumentDownloads(MingchaDb db, IEvidenceStore store, TimeProvider time)
{
    public async Task<IResult> FileAsync(Guid id, bool docx, ClaimsPrincipal user, string? ip, CancellationToken ct)
    {
        var d = await DocumentsApi.Visible(db, user).AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw OfficialDocuments.NotFound();
        var (sha, size, item) = docx ? (d.DocxSha256, d.DocxSize, d.DocxItemId) : (d.PdfSha256, d.PdfSize, d.PdfItemId);
        await EvidencePurge.ThrowIfPurgedAsync(db, sha, ct);
        var now = time.GetUtcNow().UtcDateTime;
        db.EvidenceAccesses.Add(new EvidenceAccess(d.CaseId, item, EvidenceAccessAction.Download, $"下载公文 {d.Number}（{(docx ? "DOCX" : "PDF")}）",
            user.UserId() ?? "", user.Identity?.Name ?? "", ip, now, now));
        await db.SaveChangesAsync(ct);
        var stream = await store.OpenReadAsync(sha, 0, size, ct);
        var name = OfficialDocuments.FileStem(d.Number, d.Title) + (docx ? ".docx" : ".pdf");
        return Results.File(stream, docx ? OfficialDocuments.DocxType : OfficialDocuments.PdfType, name);
    }
}

/// <summary>The module's registration: <c>builder.Services.AddDocuments(config)</c> and <c>app.MapDocuments()</c>.</summary>
public static class DocumentsSetup
{
    public static IServiceCollection AddDocuments(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<DocumentRenderingOptions>(configuration.GetSection(DocumentRenderingOptions.Section));
        services.AddOptions<DocumentRenderingOptions>().Validate(o => { DocumentPrefixes.Check(o); return true; }).ValidateOnStart();
        services.AddSingleton<ChromiumPdfPrinter>();
        services.AddSingleton<DocumentNumberLanes>();
        services.AddScoped<OfficialDocuments>();
        services.AddScoped<DocumentDownloads>();
        // Block objects may carry "type" after other properties (clients do not always keep key order).
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.AllowOutOfOrderMetadataProperties = true);
        return services;
    }

    public static IEndpointRouteBuilder MapDocuments(this IEndpointRouteBuilder app)
    {
        DocumentsApi.Map(app);
        return app;
    }
}
