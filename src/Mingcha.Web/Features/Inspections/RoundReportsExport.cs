namespace Mingcha.Web.Features.Inspections;

/// <summary>INS-17: the round reports' endpoints and their export as official documents.</summary>
public sealed partial class RoundReports
{
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
    }
}
