using Microsoft.AspNetCore.Authorization;
using Mingcha.Domain.Rectification;
using Mingcha.Web.Features.Jobs;

namespace Mingcha.Web.Features.Rectification;

/// <summary>/api/v1/rectification: confirmation, notices, objections, answers, escalation, outcomes, the ledger (RCT-1..RCT-6, EV-11).</summary>
public static class RectificationApi
{
    public sealed record Reason([property: System.ComponentModel.DataAnnotations.Required, System.ComponentModel.DataAnnotations.StringLength(2000, MinimumLength = 1)] string Text);

    public static IServiceCollection AddRectification(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<RectificationOptions>(configuration.GetSection(RectificationOptions.Section));
        services.AddScoped<Notices>();
        services.AddScoped<NoticeReads>();
        services.AddScoped<ChannelProblems>();
        services.AddSingleton<DemoRectification>();
        services.AddScoped<Ledger>();
        services.AddScoped<Outcomes>();
        services.AddScoped<NoticeEvidence>();
        services.AddScoped<IDeductionLedgerQuery, DeductionLedgerQuery>();
        services.AddScoped<RectificationNotifier>();
        services.AddScoped<RectificationEscalator>();
        services.AddScoped<OutboxSender>();
        services.AddScoped<IRectificationDocuments, RectificationDocuments>();
        services.AddSingleton<IMailTransport, SmtpMailTransport>();
        services.AddSingleton<ISmsGateway, LoggingSmsGateway>();
        services.AddSingleton<IRecurringJob, EscalationJob>();
        services.AddSingleton<IRecurringJob, OutboxJob>();
        services.AddScoped<IReminderSource, NoticeReminders>();
        services.Configure<AuthorizationOptions>(RectificationPolicies.Add);
        return services;
    }

    public static void MapRectificationApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/v1/rectification").WithTags("Rectification");
        const string read = RectificationPolicies.Read;

        // RCT-1: the Office's acts are open to every signed-in user so that a refusal names the rule (403 with RCT-x).
        g.MapPost("/findings/{id:guid}/confirm", async (Guid id, Notices h, HttpContext ctx, CancellationToken ct) =>
        { await h.ConfirmAsync(id, ctx.User, ct); return Results.NoContent(); }).RequireAuthorization();
        g.MapPost("/findings/{id:guid}/drop", async (Guid id, Notices.FindingReview r, Notices h, HttpContext ctx, CancellationToken ct) =>
        { await h.DropAsync(id, r, ctx.User, ct); return Results.NoContent(); }).RequireAuthorization();
        g.MapGet("/findings/{id:guid}/history", (Guid id, NoticeReads h, HttpContext ctx, CancellationToken ct) => h.HistoryAsync(ctx.User, id, ct))
            .RequireAuthorization(Inspections.InspectionPolicies.VisitRead);
        g.MapGet("/candidates", (Guid? unitId, NoticeReads h, CancellationToken ct) => h.CandidatesAsync(unitId, ct))
            .RequireAuthorization(Inspections.InspectionPolicies.Manage);

        // EV-6 (decision 021): problems found through S4's other channels, recorded by the Office and listed on notices.
        g.MapPost("/problems", async (ChannelProblems.RecordProblem r, ChannelProblems h, HttpContext ctx, CancellationToken ct) =>
        {
            var recorded = await h.RecordAsync(r, ctx.User, ct);
            return Results.Created($"/api/v1/evidence/cases/{recorded.EvidenceCaseId}", recorded);
        }).RequireAuthorization();
        g.MapGet("/problems", (int? year, Guid? unitId, bool? open, ChannelProblems h, HttpContext ctx, CancellationToken ct) =>
            h.ListAsync(ctx.User, year, unitId, open ?? false, ct)).RequireAuthorization(read);

        // RCT-2, RCT-3, RCT-4
        g.MapGet("/notices", (Guid? unitId, int? year, NoticeStatus? status, NoticeReads h, HttpContext ctx, CancellationToken ct) => h.ListAsync(ctx.User, unitId, year, status, ct))
            .RequireAuthorization(read);
        g.MapGet("/notices/{id:guid}", (Guid id, NoticeReads h, HttpContext ctx, CancellationToken ct) => h.GetAsync(ctx.User, id, ct)).RequireAuthorization(read);
        g.MapPost("/notices", async (Notices.IssueNotice r, Notices h, HttpContext ctx, CancellationToken ct) =>
        {
            var created = await h.IssueAsync(r, ctx.User, ct);
            return Results.Created($"/api/v1/rectification/notices/{created.Id}", created);
        }).RequireAuthorization();
        g.MapPost("/notices/{id:guid}/objections", async (Guid id, Notices.FileObjection r, Notices h, HttpContext ctx, CancellationToken ct) =>
            Results.Created($"/api/v1/rectification/notices/{id}", new { Id = await h.ObjectAsync(id, r, ctx.User, ct) })).RequireAuthorization(read);
        g.MapPost("/notices/{id:guid}/objection-review", async (Guid id, Notices.ReviewObjection r, Notices h, HttpContext ctx, CancellationToken ct) =>
        { await h.ReviewAsync(id, r, ctx.User, ct); return Results.NoContent(); }).RequireAuthorization();
        g.MapPost("/notices/{id:guid}/responses", async (Guid id, Notices.Answer r, Notices h, HttpContext ctx, CancellationToken ct) =>
            Results.Created($"/api/v1/rectification/notices/{id}", new { Id = await h.AnswerAsync(id, r, ctx.User, ct) })).RequireAuthorization(read);
        g.MapPost("/notices/{id:guid}/verification", async (Guid id, Notices.Verify r, Notices h, HttpContext ctx, CancellationToken ct) =>
        { await h.VerifyAsync(id, r, ctx.User, ct); return Results.NoContent(); }).RequireAuthorization();
        g.MapPost("/notices/{id:guid}/refusal", async (Guid id, Notices.Refusal r, Notices h, HttpContext ctx, CancellationToken ct) =>
        { await h.RefusalAsync(id, r, ctx.User, ct); return Results.NoContent(); }).RequireAuthorization();
        g.MapGet("/overview", (int? year, NoticeReads h, CancellationToken ct) => h.OverviewAsync(year, ct)).RequireAuthorization(Inspections.InspectionPolicies.PlanRead);
        g.MapGet("/ladder", (Microsoft.Extensions.Options.IOptions<RectificationOptions> o) =>
            new { o.Value.NoticeWorkingDays, ObjectionWorkingDays = RectificationRules.ObjectionWorkingDays, o.Value.Ladder, o.Value.ReminderDays }).RequireAuthorization(read);

        // RCT-5
        g.MapGet("/outcomes", (int? year, Guid? unitId, Outcomes h, HttpContext ctx, CancellationToken ct) => h.ListAsync(ctx.User, year, unitId, ct)).RequireAuthorization(read);
        g.MapPost("/outcomes", async (Outcomes.RecordOutcome r, Outcomes h, HttpContext ctx, CancellationToken ct) =>
        {
            var id = await h.RecordAsync(r, ctx.User, ct);
            return Results.Created($"/api/v1/rectification/outcomes/{id}", new { Id = id });
        }).RequireAuthorization();
        g.MapPost("/outcomes/{id:guid}/publish", async (Guid id, Outcomes h, HttpContext ctx, CancellationToken ct) =>
        { await h.PublishAsync(id, ctx.User, ct); return Results.NoContent(); }).RequireAuthorization();
        app.MapGet("/api/v1/public/circulars", (Outcomes h, CancellationToken ct) => h.PublishedAsync(ct)).AllowAnonymous().WithTags("Public");

        // EV-11
        g.MapGet("/ledger", (int year, Ledger h, HttpContext ctx, CancellationToken ct) => h.SummaryAsync(ctx.User, year, ct)).RequireAuthorization(read);
        g.MapGet("/ledger/{unitId:guid}/{year:int}", (Guid unitId, int year, Ledger h, HttpContext ctx, CancellationToken ct) => h.LinesAsync(ctx.User, unitId, year, ct))
            .RequireAuthorization(read);
        g.MapGet("/ledger/{unitId:guid}/{year:int}/xlsx", async (Guid unitId, int year, Ledger h, HttpContext ctx, CancellationToken ct) =>
        {
            var (bytes, name) = await h.ExportAsync(ctx.User, unitId, year, ct);
            return Results.File(bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name);
        }).RequireAuthorization(read);
        g.MapPost("/ledger/decisions", async (Ledger.Decision r, Ledger h, HttpContext ctx, CancellationToken ct) =>
        {
            var id = await h.DecideAsync(r, ctx.User, ct);
            return Results.Created($"/api/v1/rectification/ledger", new { Id = id });
        }).RequireAuthorization();
        g.MapPost("/ledger/lines/{id:guid}/reverse", async (Guid id, Reason r, Ledger h, HttpContext ctx, CancellationToken ct) =>
            Results.Ok(new { Id = await h.ReverseAsync(id, r.Text.Trim(), ctx.User, ct) })).RequireAuthorization();
    }
}
