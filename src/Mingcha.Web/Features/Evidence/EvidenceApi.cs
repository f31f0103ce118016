using System.ComponentModel.DataAnnotations;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Evidence;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;

namespace Mingcha.Web.Features.Evidence;

/// <summary>
/// The evidence API (/api/v1/evidence). There is no DELETE and no update of a stored file or record (EVD-1);
/// every read of content goes through a logged access with a purpose (EVD-3).
/// </summary>
public static class EvidenceApi
{
    public sealed record CaseLine(Guid Id, EvidenceCaseKind Kind, string Title, Guid? TargetUnitId, string? TargetUnitName, Guid? TeamId, DateTime CreatedAt, DateTime? ReleasedAt, int Items,
        bool ReleasedWithFindings);
    public sealed record ItemLine(Guid Id, long Seq, string Sha256, long Size, string MediaType, string FileName, DateTime CapturedAt, string CaptureSource,
        DateTime? DeviceClock, string? Location, string UploaderName, DateTime UploadStartedAt, DateTime UploadedAt, bool LateUpload, long? DurationMs,
        DateTime? MediaCreatedAt, DateTime? RetainUntil, string Hash);
    public sealed record HoldLine(Guid Id, EvidenceHoldReason Reason, string? Note, DateTime PlacedAt, DateTime? LiftedAt);
    public sealed record CaseDetail(CaseLine Case, IReadOnlyList<ItemLine> Items, IReadOnlyList<HoldLine> Holds, bool MayUpload, bool IsOffice);
    public sealed record AccessLine(Guid Id, DateTime At, string UserName, string? Ip, EvidenceAccessAction Action, string Purpose, Guid? ItemId);
    public sealed record OpenCaseRequest(EvidenceCaseKind Kind, [property: Required, StringLength(200)] string Title, Guid? TargetUnitId, Guid? TeamId, string? ReferenceType, Guid? ReferenceId);
    public sealed record AccessRequest([property: Required] EvidenceAccessAction? Action, string? Purpose);
    public sealed record PurposeRequest([property: Required] string? Purpose);
    public sealed record InspectorRequest([property: Required] string UserId);
    public sealed record HoldRequest([property: Required] EvidenceHoldReason? Reason, string? Note);
    public sealed record PurgeRequest([property: Required] string Decision);
    public sealed record ManifestCheck([property: Required] string Manifest, [property: Required] string Signature);

    public static void Map(IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/v1/evidence").WithTags("Evidence").RequireAuthorization(Policies.SignedIn);

        g.MapGet("/cases", async (HttpContext ctx, EvidenceAccessService access, MingchaDb db, CancellationToken ct) =>
            await ListCasesAsync(access.VisibleCases(ctx.User), db, EvidenceAccessService.UnitView(ctx.User), ct));
        g.MapPost("/cases", async (OpenCaseRequest r, HttpContext ctx, EvidenceCases cases, CancellationToken ct) =>
        {
            var c = await cases.OpenAsync(new EvidenceCases.OpenCase(r.Kind, r.Title, r.TargetUnitId, r.TeamId, r.ReferenceType, r.ReferenceId), ctx.User, ct);
            return Results.Created($"/api/v1/evidence/cases/{c.Id}", new { c.Id });
        }).RequireAuthorization(Policies.OfficeManage);
        g.MapGet("/cases/{id:guid}", async (Guid id, HttpContext ctx, EvidenceAccessService access, MingchaDb db, CancellationToken ct) =>
            await DetailAsync(id, ctx.User, access, db, ct));
        g.MapPost("/cases/{id:guid}/release", async (Guid id, HttpContext ctx, EvidenceCases cases, CancellationToken ct) =>
        {
            await cases.ReleaseByHandAsync(id, ctx.User, ct);
            return Results.NoContent();
        }).RequireAuthorization(Policies.OfficeManage);
        g.MapPost("/cases/{id:guid}/inspectors", async (Guid id, InspectorRequest r, HttpContext ctx, EvidenceCases cases, CancellationToken ct) =>
        {
            await cases.AssignInspectorAsync(id, r.UserId, ctx.User, ct);
            return Results.NoContent();
        }).RequireAuthorization(Policies.OfficeManage);
        g.MapPost("/cases/{id:guid}/holds", async (Guid id, HoldRequest r, HttpContext ctx, EvidenceCases cases, CancellationToken ct) =>
        {
            var hold = await cases.PlaceHoldAsync(id, r.Reason!.Value, r.Note, ctx.User, ct);
            return Results.Created($"/api/v1/evidence/cases/{id}/holds/{hold.Id}", new { hold.Id });
        }).RequireAuthorization(Policies.OfficeManage);
        g.MapPost("/cases/{id:guid}/holds/{holdId:guid}/lift", async (Guid id, Guid holdId, HttpContext ctx, EvidenceCases cases, CancellationToken ct) =>
        {
            await cases.LiftHoldAsync(id, holdId, ctx.User, ct);
            return Results.NoContent();
        }).RequireAuthorization(Policies.OfficeManage);
        g.MapGet("/cases/{id:guid}/access-log", async (Guid id, HttpContext ctx, EvidenceAccessService access, MingchaDb db, CancellationToken ct) =>
            await AccessLogAsync(id, ctx.User, access, db, ct));

        g.MapPost("/items/{id:guid}/access", async (Guid id, AccessRequest r, HttpContext ctx, EvidenceDelivery delivery, CancellationToken ct) =>
            await delivery.OpenItemAsync(id, r.Action!.Value, r.Purpose, ctx.User, ctx.Connection.RemoteIpAddress?.ToString(), ct));
        g.MapMethods("/items/{id:guid}/content", ["GET", "HEAD"], async (Guid id, Guid access, HttpContext ctx, EvidenceDelivery delivery, CancellationToken ct) =>
        {
            var (_, item) = await delivery.CheckAccessAsync(id, null, access, EvidenceAccessAction.View, ctx.User, ct);
            await delivery.StreamAsync(ctx, item!, ct);
        });
        g.MapGet("/items/{id:guid}/download", async (Guid id, Guid access, HttpContext ctx, EvidenceDelivery delivery, CancellationToken ct) =>
        {
            var (row, item) = await delivery.CheckAccessAsync(id, null, access, EvidenceAccessAction.Download, ctx.User, ct);
            await delivery.DownloadAsync(ctx, row, item!, ct);
        });
        g.MapPost("/cases/{id:guid}/package", async (Guid id, PurposeRequest r, HttpContext ctx, EvidenceDelivery delivery, CancellationToken ct) =>
            await delivery.OpenPackageAsync(id, r.Purpose, ctx.User, ctx.Connection.RemoteIpAddress?.ToString(), ct));
        g.MapGet("/cases/{id:guid}/package", async (Guid id, Guid access, HttpContext ctx, EvidenceDelivery delivery, CancellationToken ct) =>
        {
            var (row, _) = await delivery.CheckAccessAsync(null, id, access, EvidenceAccessAction.Package, ctx.User, ct);
            await delivery.PackageAsync(ctx, row, ct);
        });

        g.MapPost("/manifests/verify", (ManifestCheck r, ManifestSigner signer) =>
            Results.Ok(new { valid = signer.Verify(Encoding.UTF8.GetBytes(r.Manifest ?? ""), r.Signature ?? "") }));
        g.MapGet("/verify", async (EvidenceVerifier verifier, CancellationToken ct) => await verifier.VerifyAsync(ct))
            .RequireAuthorization(p => p.RequireRole(Roles.Auditor, Roles.OfficeAdmin));
        g.MapPost("/blobs/{sha256}/purge", async (string sha256, PurgeRequest r, HttpContext ctx, EvidencePurge purge, CancellationToken ct) =>
        {
            await purge.PurgeAsync(sha256, r.Decision, ctx.User, ct);
            return Results.NoContent();
        }).RequireAuthorization(Policies.OfficeAdmin);
    }

    /// <summary>
    /// The cases' lines. <paramref name="unitView"/>: the inspected unit whose liaison asks; its released covert visits count only
    /// the items it may see (<see cref="EvidenceAccessService.VisibleItems"/>), so the count tells nothing of the rest.
    /// </summary>
    public static async Task<List<CaseLine>> ListCasesAsync(IQueryable<EvidenceCase> cases, MingchaDb db, Guid? unitView, CancellationToken ct)
    {
        var lines = await cases.AsNoTracking().OrderByDescending(c => c.CreatedAt).Take(500)
            .Select(c => new CaseLine(c.Id, c.Kind, c.Title, c.TargetUnitId,
                db.Units.Where(u => u.Id == c.TargetUnitId).Select(u => u.Name).FirstOrDefault(), c.TeamId, c.CreatedAt, c.ReleasedAt,
                db.EvidenceItems.Count(i => i.CaseId == c.Id),
                c.Kind == EvidenceCaseKind.CovertVisit && c.ReferenceType == EvidenceCase.VisitReference))
            .ToListAsync(ct);
        // The unit's own released covert visits: counted again, as the unit sees them (one more query, for liaisons only).
        var recount = unitView is { } unit ? lines.Where(l => l.ReleasedWithFindings && l.TargetUnitId == unit).Select(l => l.Id).ToList() : [];
        if (recount.Count == 0) return lines;
        var seen = await EvidenceAccessService.SentWithFindings(db, db.EvidenceItems.AsNoTracking().Where(i => recount.Contains(i.CaseId)))
            .GroupBy(i => i.CaseId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        return lines.Select(l => recount.Contains(l.Id) ? l with { Items = seen.GetValueOrDefault(l.Id) } : l).ToList();
    }

    public static async Task<CaseDetail> DetailAsync(Guid id, System.Security.Claims.ClaimsPrincipal user, EvidenceAccessService access, MingchaDb db, CancellationToken ct)
    {
        var @case = await access.RequireVisibleAsync(id, user, ct);
        var viewer = await access.ViewerAsync(@case, user, ct);
        var line = (await ListCasesAsync(db.EvidenceCases.Where(c => c.Id == id), db, EvidenceAccessService.UnitView(user), ct)).Single();
        var holds = await db.EvidenceHolds.AsNoTracking().Where(h => h.CaseId == id).OrderBy(h => h.PlacedAt).ToListAsync(ct);
        var retentionHolds = holds.Select(h => h.AsRetentionHold()).ToList();
        var items = await access.VisibleItems(@case, viewer).AsNoTracking().OrderBy(i => i.Seq).ToListAsync(ct);
        return new CaseDetail(line,
            items.Select(i => new ItemLine(i.Id, i.Seq, i.Sha256, i.Size, i.MediaType, i.FileName, i.CapturedAt, i.CaptureSource, i.DeviceClock, i.Location,
                i.UploaderName, i.UploadStartedAt, i.UploadedAt, i.LateUpload, i.DurationMs, i.MediaCreatedAt,
                EvidenceRetention.RetainUntil(EvidenceRetention.CountsFrom(i.CapturedAt, i.UploadStartedAt), retentionHolds), i.Hash)).ToList(),
            holds.Select(h => new HoldLine(h.Id, h.Reason, h.Note, h.PlacedAt, h.LiftedAt)).ToList(),
            EvidenceAccessRule.MayUpload(viewer, @case.Facts), viewer.IsOffice);
    }

    /// <summary>The chain of custody of a case: for the office and the case's own people, not for the inspected unit.</summary>
    public static async Task<List<AccessLine>> AccessLogAsync(Guid id, System.Security.Claims.ClaimsPrincipal user, EvidenceAccessService access, MingchaDb db, CancellationToken ct)
    {
        var @case = await access.RequireVisibleAsync(id, user, ct);
        var viewer = await access.ViewerAsync(@case, user, ct);
        if (!viewer.IsOffice && !viewer.IsOnCase)
            throw new DomainRuleException("EVD-3", "只有效能办和督查组可以查看访问记录。 Only the office and the case's team see the access log.", 403);
        return await db.EvidenceAccesses.AsNoTracking().Where(a => a.CaseId == id).OrderByDescending(a => a.At).Take(1000)
            .Select(a => new AccessLine(a.Id, a.At, a.UserName, a.Ip, a.Action, a.Purpose, a.ItemId)).ToListAsync(ct);
    }
}
