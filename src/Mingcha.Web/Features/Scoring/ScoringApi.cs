using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Scoring;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Rectification;

namespace Mingcha.Web.Features.Scoring;

/// <summary>Who may call the scoring endpoints (SEC-1); what they then see is decided per record (SEC-2).</summary>
public static class ScoringPolicies
{
    /// <summary>Setting up campaigns, computing, publishing, imports, sittings: the Office.</summary>
    public const string Manage = "Scoring.Manage";
    /// <summary>Results and explanations: the Office, leaders, unit liaisons (own unit only).</summary>
    public const string Read = "Scoring.Read";
    /// <summary>Campaigns and their sections: also monitoring points and representatives, who file evaluations.</summary>
    public const string See = "Scoring.See";
    /// <summary>Filing a written explanation (EV-8): a unit's liaison, for their own unit's sections.</summary>
    public const string Explain = "Scoring.Explain";
    /// <summary>Instant and monthly forms: monitoring points, and the Office entering paper forms.</summary>
    public const string File = "Scoring.File";

    public static void Add(AuthorizationOptions o)
    {
        o.AddPolicy(Manage, p => p.RequireRole(Roles.OfficeAdmin, Roles.OfficeStaff));
        o.AddPolicy(Read, p => p.RequireRole(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Leader, Roles.UnitLiaison));
        o.AddPolicy(See, p => p.RequireRole(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Leader, Roles.UnitLiaison, Roles.MonitoringPoint, Roles.EvaluationRep));
        o.AddPolicy(Explain, p => p.RequireRole(Roles.UnitLiaison));
        o.AddPolicy(File, p => p.RequireRole(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.MonitoringPoint));
    }
}

/// <summary>/api/v1/scoring: campaigns, evaluations, sittings, computation, results, explanations, the yearly assessment (EV-1..EV-12).</summary>
public static class ScoringApi
{
    public static IServiceCollection AddScoring(this IServiceCollection services)
    {
        services.AddScoped<Campaigns>();
        services.AddScoped<Evaluations>();
        services.AddScoped<EvaluationImport>();
        services.AddScoped<Computations>();
        services.AddScoped<CampaignResults>();
        services.AddScoped<YearlyAssessment>();
        services.AddScoped<ExcellenceEligibility>();
        services.AddScoped<LeadersOverview>();
        services.AddScoped<ResultExplanations>();
        services.AddScoped<Jobs.IReminderSource, ExplanationReminders>();
        services.AddSingleton<SittingFloodGuard>();
        services.AddSingleton<DemoCampaign>();
        services.Configure<AuthorizationOptions>(ScoringPolicies.Add);
        return services;
    }

    public static void MapScoring(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/v1/scoring").WithTags("Scoring");
        const string manage = ScoringPolicies.Manage, read = ScoringPolicies.Read, see = ScoringPolicies.See;

        // EV-1
        g.MapGet("/campaigns", (int? year, Campaigns h, CancellationToken ct) => h.ListAsync(year, ct)).RequireAuthorization(see);
        g.MapPost("/campaigns", async (Campaigns.CampaignRequest r, Campaigns h, HttpContext ctx, CancellationToken ct) =>
        {
            var c = await h.CreateAsync(r, ctx.User, ct);
            return Results.Created($"/api/v1/scoring/campaigns/{c.Id}", c);
        }).RequireAuthorization(manage);
        g.MapGet("/campaigns/{id:guid}", (Guid id, Campaigns h, CancellationToken ct) => h.GetAsync(id, ct)).RequireAuthorization(see);
        g.MapPut("/campaigns/{id:guid}", (Guid id, Campaigns.CampaignRequest r, Campaigns h, HttpContext ctx, CancellationToken ct) => h.EditAsync(id, r, ctx.User, ct))
            .RequireAuthorization(manage);
        g.MapPut("/campaigns/{id:guid}/sections", async (Guid id, Campaigns.SectionsRequest r, Campaigns h, HttpContext ctx, CancellationToken ct) =>
            Results.Ok(new { Sections = await h.SetSectionsAsync(id, r, ctx.User, ct) })).RequireAuthorization(manage);
        g.MapGet("/campaigns/{id:guid}/sections", (Guid id, Campaigns h, HttpContext ctx, CancellationToken ct) => h.SectionsAsync(id, ctx.User, ct)).RequireAuthorization(see);
        g.MapPost("/campaigns/{id:guid}/open", (Guid id, Campaigns h, HttpContext ctx, CancellationToken ct) => h.OpenAsync(id, ctx.User, ct)).RequireAuthorization(manage);
        g.MapPost("/campaigns/{id:guid}/close", (Guid id, Campaigns h, HttpContext ctx, CancellationToken ct) => h.CloseAsync(id, ctx.User, ct)).RequireAuthorization(manage);
        g.MapPost("/campaigns/{id:guid}/publish", (Guid id, Campaigns h, HttpContext ctx, CancellationToken ct) => h.PublishAsync(id, ctx.User, ct)).RequireAuthorization(manage);

        // EV-2, EV-3
        g.MapPost("/campaigns/{id:guid}/evaluations", async (Guid id, Evaluations.FileEvaluation r, Evaluations h, HttpContext ctx, CancellationToken ct) =>
            Results.Created($"/api/v1/scoring/campaigns/{id}", await h.FileAsync(id, r, ctx.User, ct))).RequireAuthorization(ScoringPolicies.File);
        g.MapPost("/campaigns/{id:guid}/import", async (Guid id, HttpRequest request, EvaluationImport h, HttpContext ctx, CancellationToken ct) =>
        {
            if (!request.HasFormContentType) throw new FieldException("file", "请以 multipart/form-data 上传文件。 Upload the file as multipart/form-data.");
            var form = await request.ReadFormAsync(ct);
            var report = await h.ImportAsync(id, form.Files.Count > 0 ? form.Files[0] : null, ctx.User, ct);
            return report.Stored ? Results.Ok(report) : Results.UnprocessableEntity(report);
        }).RequireAuthorization(manage).DisableAntiforgery();
        g.MapGet("/import/template", () => Results.File(EvaluationImport.TemplateCsv(), "text/csv; charset=utf-8", "evaluations-template.csv")).RequireAuthorization(manage);
        g.MapPost("/campaigns/{id:guid}/sittings", async (Guid id, Evaluations.CreateSitting r, Evaluations h, HttpContext ctx, CancellationToken ct) =>
            Results.Created($"/api/v1/scoring/campaigns/{id}/sittings", await h.CreateSittingAsync(id, r, ctx.User, ct))).RequireAuthorization(manage);
        g.MapGet("/campaigns/{id:guid}/sittings", (Guid id, Evaluations h, HttpContext ctx, CancellationToken ct) => h.SittingsAsync(id, ctx.User, ct)).RequireAuthorization(manage);
        g.MapPost("/sittings/{id:guid}/close", async (Guid id, Evaluations h, HttpContext ctx, CancellationToken ct) =>
        { await h.CloseSittingAsync(id, ctx.User, ct); return Results.NoContent(); }).RequireAuthorization(manage);
        g.MapPost("/sittings/{id:guid}/paper", (Guid id, Evaluations.Ballot r, Evaluations h, HttpContext ctx, CancellationToken ct) => h.EnterPaperBallotAsync(id, r, ctx.User, ct))
            .RequireAuthorization(manage);
        // Decision 028: a sitting's one-time ballot codes: issued by the Office (in clear this once, for the slips), then counts only.
        g.MapPost("/sittings/{id:guid}/codes", async (Guid id, Evaluations.IssueCodes r, Evaluations h, HttpContext ctx, CancellationToken ct) =>
            Results.Created($"/api/v1/scoring/sittings/{id}/codes", await h.IssueCodesAsync(id, r, ctx.User, ct))).RequireAuthorization(manage);
        g.MapGet("/sittings/{id:guid}/codes", (Guid id, Evaluations h, HttpContext ctx, CancellationToken ct) => h.CodeCountsAsync(id, ctx.User, ct))
            .RequireAuthorization(manage);
        // Decision 028 (amended): one unused code revoked by its slip's serial (and a replacement issued with it, if asked); an
        // existing sitting without codes switched to require them, before its first ballot.
        g.MapPost("/sittings/{id:guid}/codes/revoke", (Guid id, Evaluations.RevokeCode r, Evaluations h, HttpContext ctx, CancellationToken ct) =>
            h.RevokeCodeAsync(id, r, ctx.User, ct)).RequireAuthorization(manage);
        g.MapPost("/sittings/{id:guid}/require-codes", async (Guid id, Evaluations h, HttpContext ctx, CancellationToken ct) =>
        { await h.RequireCodesAsync(id, ctx.User, ct); return Results.NoContent(); }).RequireAuthorization(manage);
        // A sitting's link: anyone holding the token (a representative's phone, signed in or not) reads the sheet and hands in a ballot.
        g.MapGet("/sit/{token}", async (string token, Evaluations h, CancellationToken ct) => await h.SheetAsync(await h.SittingByTokenAsync(token, ct), ct)).AllowAnonymous();
        g.MapPost("/sit/{token}", (string token, Evaluations.Ballot r, Evaluations h, HttpContext ctx, CancellationToken ct) => h.SubmitBallotAsync(token, r, ctx.User, ctx.Connection.RemoteIpAddress?.ToString(), ct))
            .AllowAnonymous();

        // EV-4..EV-8, EV-12
        g.MapPost("/campaigns/{id:guid}/compute", (Guid id, Computations h, HttpContext ctx, CancellationToken ct) => h.ComputeAsync(id, ctx.User, final: false, ct))
            .RequireAuthorization(manage);
        g.MapGet("/campaigns/{id:guid}/computations", (Guid id, Computations h, CancellationToken ct) => h.ListAsync(id, ct)).RequireAuthorization(manage);
        g.MapGet("/campaigns/{id:guid}/reproduce", (Guid id, Computations h, CancellationToken ct) => h.ReproduceAsync(id, ct)).RequireAuthorization(manage);
        g.MapGet("/campaigns/{id:guid}/results", (Guid id, Guid? categoryId, CampaignResults h, HttpContext ctx, CancellationToken ct) => h.RankingAsync(id, categoryId, ctx.User, ct))
            .RequireAuthorization(read);
        g.MapGet("/campaigns/{id:guid}/results/{sectionId:guid}", (Guid id, Guid sectionId, CampaignResults h, HttpContext ctx, CancellationToken ct) =>
            h.ExplainAsync(id, sectionId, ctx.User, ct)).RequireAuthorization(read);
        g.MapGet("/campaigns/{id:guid}/results/{sectionId:guid}/evaluations", async (Guid id, Guid sectionId, EvaluationMethod? method, Grade? grade, CampaignResults results,
            Evaluations h, HttpContext ctx, CancellationToken ct) =>
        {
            // The explanation's access check (SEC-2) guards the evaluations behind it.
            await results.ExplainAsync(id, sectionId, ctx.User, ct);
            var rows = await h.ListAsync(id, sectionId, method, grade, ct);
            var office = RectificationViewer.Of(ctx.User).IsOffice;
            return office ? rows : rows.Select(r => r with { By = "" }).ToList();
        }).RequireAuthorization(read);
        g.MapPost("/campaigns/{id:guid}/results/{sectionId:guid}/accountability", async (Guid id, Guid sectionId, CampaignResults.Accountability r, CampaignResults h,
            HttpContext ctx, CancellationToken ct) =>
            Results.Created($"/api/v1/rectification/outcomes", new { Id = await h.HoldAccountableAsync(id, sectionId, r, ctx.User, ct) })).RequireAuthorization(manage);

        // EV-8: the bottom three's written explanations
        g.MapGet("/explanations", (Guid? campaignId, int? year, ResultExplanations h, HttpContext ctx, CancellationToken ct) => h.ListAsync(campaignId, year, ctx.User, ct))
            .RequireAuthorization(read);
        g.MapGet("/campaigns/{id:guid}/results/{sectionId:guid}/explanation", (Guid id, Guid sectionId, ResultExplanations h, HttpContext ctx, CancellationToken ct) =>
            h.GetAsync(id, sectionId, ctx.User, ct)).RequireAuthorization(read);
        g.MapPost("/campaigns/{id:guid}/results/{sectionId:guid}/explanation", (Guid id, Guid sectionId, ResultExplanations.FileRequest r, ResultExplanations h, HttpContext ctx,
            CancellationToken ct) => h.FileAsync(id, sectionId, r, ctx.User, ct)).RequireAuthorization(ScoringPolicies.Explain);
        g.MapPost("/campaigns/{id:guid}/results/{sectionId:guid}/explanation/accept", (Guid id, Guid sectionId, ResultExplanations h, HttpContext ctx, CancellationToken ct) =>
            h.AcceptAsync(id, sectionId, ctx.User, ct)).RequireAuthorization(manage);
        g.MapPost("/campaigns/{id:guid}/results/{sectionId:guid}/explanation/send-back", (Guid id, Guid sectionId, ResultExplanations.SendBackRequest r, ResultExplanations h,
            HttpContext ctx, CancellationToken ct) => h.SendBackAsync(id, sectionId, r, ctx.User, ct)).RequireAuthorization(manage);

        // EV-9, RCT-6, SAT-4
        g.MapGet("/assessments/{year:int}", (int year, Guid? unitId, YearlyAssessment h, HttpContext ctx, CancellationToken ct) => h.ForYearAsync(year, unitId, ctx.User, ct))
            .RequireAuthorization(read);
        g.MapGet("/assessments/{year:int}/xlsx", async (int year, YearlyAssessment h, HttpContext ctx, CancellationToken ct) =>
        {
            var (bytes, name) = await h.ExportAsync(year, ctx.User, ct);
            return Results.File(bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name);
        }).RequireAuthorization(read);
        g.MapPost("/assessments/{year:int}/document", async (int year, Guid? unitId, YearlyAssessment h, HttpContext ctx, CancellationToken ct) =>
        {
            var doc = await h.IssueAsync(year, unitId, ctx.User, ct);
            return Results.Created($"/api/v1/documents/{doc.Id}", new { doc.Id, doc.Number, doc.Title });
        }).RequireAuthorization(manage);

        // Leaders' overview (the page's figures as JSON)
        g.MapGet("/overview/{year:int}", (int year, LeadersOverview h, CancellationToken ct) => h.ForYearAsync(year, ct))
            .RequireAuthorization(p => p.RequireRole(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Leader));

        // EV-10: the public page's data, no account
        app.MapGet("/api/v1/public/scoring/campaigns", (CampaignResults h, CancellationToken ct) => h.PublishedAsync(ct)).AllowAnonymous().WithTags("Public");
        app.MapGet("/api/v1/public/scoring/campaigns/{id:guid}", (Guid id, CampaignResults h, CancellationToken ct) => h.RankingAsync(id, null, null, ct))
            .AllowAnonymous().WithTags("Public");
    }
}
