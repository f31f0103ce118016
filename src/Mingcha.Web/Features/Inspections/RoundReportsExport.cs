using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Documents;
using Mingcha.Domain.Inspections;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Documents;
using Mingcha.Web.Features.Evidence;
using Mingcha.Web.Features.Identity;

namespace Mingcha.Web.Features.Inspections;

/// <summary>
/// INS-17: the round report as an official document (GB/T 9704, decision 009): a draft DOCX or PDF of the current text
/// at any time, and the issue that numbers, registers and keeps it as evidence.
/// </summary>
public sealed partial class RoundReports
{
    /// <summary>
    /// The document's blocks. A photo goes in only if it is of the round's own findings and the person the file is made
    /// for may see its evidence case (EVD-3: a covert visit's evidence is the Office's and the visit's team's until its
    /// findings are sent; a leader or another team gets the report without it), and each photo put in is logged as a
    /// download of that evidence with the report as its purpose (EVD-6). The caller saves the log.
    /// </summary>
    private async Task<OfficialDocumentContent> ContentAsync(RoundReport report, OfficialDocuments documents, IEvidenceStore store, ClaimsPrincipal by,
        EvidenceAccessService access, string purpose, CancellationToken ct)
    {
        var now = Now;
        var blocks = await RoundReportText.BlocksAsync(report.Body, async id =>
        {
            // Only photos of the round's own findings go into its report.
            var item = await (from fe in db.FindingEvidence.AsNoTracking()
                              join f in db.Findings.AsNoTracking() on fe.FindingId equals f.Id
                              join e in db.EvidenceItems.AsNoTracking() on fe.EvidenceItemId equals e.Id
                              where e.Id == id && f.RoundId == report.RoundId && (e.MediaType == "image/jpeg" || e.MediaType == "image/png")
                              select new { e.Id, e.CaseId, e.Sha256, e.Size }).FirstOrDefaultAsync(ct);
            if (item is null || item.Size > 20 * 1024 * 1024) return null;
            try { await access.RequireVisibleAsync(item.CaseId, by, ct); }
            catch (NotFoundException) { return null; }
            catch (DomainRuleException) { return null; }
            db.EvidenceAccesses.Add(new EvidenceAccess(item.CaseId, item.Id, EvidenceAccessAction.Download, purpose, by.UserId() ?? "", by.Identity?.Name ?? "", null, now, now));
            await using var s = await store.OpenReadAsync(item.Sha256, 0, item.Size, ct);
            using var buffer = new MemoryStream();
            await s.CopyToAsync(buffer, ct);
            return buffer.ToArray();
        });
        var office = documents.Draft(DocumentKind.Report, report.Title, [], blocks);
        return office with { Addressees = [office.IssuerName] };
    }

    public async Task<byte[]> DraftAsync(Guid id, bool pdf, OfficialDocuments documents, IEvidenceStore store, EvidenceAccessService access, ClaimsPrincipal by,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var (report, _, _) = await LoadAsync(id, by, false, ct);
        var content = await ContentAsync(report, documents, store, by, access, $"明查暗访情况报告草稿（{(pdf ? "PDF" : "DOCX")}）：{report.Title}", ct);
        var file = pdf ? await documents.PreviewPdfAsync(content, ct) : await documents.PreviewDocxAsync(content, ct);
        await db.SaveChangesAsync(ct); // the photos' access lines (EVD-6), once the file is made
        return file;
    }

    /// <summary>Issues the report (the Office): numbered, rendered to DOCX and PDF, registered and kept as evidence.</summary>
    public async Task<IssuedDocument> IssueAsync(Guid id, OfficialDocuments documents, IEvidenceStore store, EvidenceAccessService access, ClaimsPrincipal by,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var (report, _, _) = await LoadAsync(id, by, true, ct);
        var content = await ContentAsync(report, documents, store, by, access, $"印发明查暗访情况报告：{report.Title}", ct);
        var issued = await documents.IssueAsync(content, new DocumentIssue("RoundReport", report.Id, []), by, ct);
        report.MarkIssued(issued.Id);
        await db.SaveChangesAsync(ct);
        return issued;
    }

    public static void Map(RouteGroupBuilder g)
    {
        ArgumentNullException.ThrowIfNull(g);
        g.MapPost("/rounds/{id:guid}/reports", async (Guid id, Generate r, RoundReports h, HttpContext ctx, CancellationToken ct) =>
        {
            var report = await h.GenerateAsync(id, r, ctx.User, ct);
            return Results.Created($"/api/v1/inspections/round-reports/{report.Id}", report);
        }).RequireAuthorization(VisitPolicies.Work);
        g.MapGet("/rounds/{id:guid}/reports", (Guid id, RoundReports h, HttpContext ctx, CancellationToken ct) => h.ListAsync(id, ctx.User, ct))
            .RequireAuthorization(InspectionPolicies.RoundRead);
        g.MapGet("/round-reports/{id:guid}", (Guid id, RoundReports h, HttpContext ctx, CancellationToken ct) => h.GetAsync(id, ctx.User, ct))
            .RequireAuthorization(InspectionPolicies.RoundRead);
        g.MapPut("/round-reports/{id:guid}", (Guid id, Edit r, RoundReports h, HttpContext ctx, CancellationToken ct) => h.EditAsync(id, r, ctx.User, ct))
            .RequireAuthorization(VisitPolicies.Work);
        g.MapGet("/round-reports/{id:guid}/docx", async (Guid id, RoundReports h, OfficialDocuments docs, IEvidenceStore store, EvidenceAccessService access, HttpContext ctx,
                CancellationToken ct) =>
            Results.File(await h.DraftAsync(id, false, docs, store, access, ctx.User, ct), OfficialDocuments.DocxType, "round-report-draft.docx"))
            .RequireAuthorization(InspectionPolicies.RoundRead);
        g.MapGet("/round-reports/{id:guid}/pdf", async (Guid id, RoundReports h, OfficialDocuments docs, IEvidenceStore store, EvidenceAccessService access, HttpContext ctx,
                CancellationToken ct) =>
            Results.File(await h.DraftAsync(id, true, docs, store, access, ctx.User, ct), OfficialDocuments.PdfType, "round-report-draft.pdf"))
            .RequireAuthorization(InspectionPolicies.RoundRead);
        g.MapPost("/round-reports/{id:guid}/issue", async (Guid id, RoundReports h, OfficialDocuments docs, IEvidenceStore store, EvidenceAccessService access, HttpContext ctx,
                CancellationToken ct) =>
            Results.Ok(await h.IssueAsync(id, docs, store, access, ctx.User, ct)))
            .RequireAuthorization(InspectionPolicies.Manage);
    }
}
