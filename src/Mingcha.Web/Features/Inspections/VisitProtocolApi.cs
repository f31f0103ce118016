using Microsoft.AspNetCore.Authorization;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Jobs;

namespace Mingcha.Web.Features.Inspections;

/// <summary>Who may call the visit-flow, question-bank and open-inspection endpoints (SEC-1).</summary>
public static class VisitPolicies
{
    /// <summary>Carry out a visit: the Office (joint visits), supervisors and agency inspectors (scoped to their visits).</summary>
    public const string Work = "Inspections.VisitWork";
    /// <summary>The question bank: the Office and the inspectors who use it.</summary>
    public const string BankRead = "Inspections.BankRead";
    /// <summary>Self-inspection reports: units submit their own; the Office for any unit.</summary>
    public const string SelfReport = "Inspections.SelfReport";
    /// <summary>Reading the open-inspection ledger and reports: the Office, leaders, and a unit's liaison for their own unit.</summary>
    public const string OpenRead = "Inspections.OpenRead";
    /// <summary>Spot checks and session reports: the Office and supervisors (open inspectors).</summary>
    public const string OpenRecord = "Inspections.OpenRecord";

    public static void Add(AuthorizationOptions o)
    {
        o.AddPolicy(Work, p => p.RequireRole(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Supervisor, Roles.AgencyInspector));
        o.AddPolicy(BankRead, p => p.RequireRole(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Supervisor, Roles.AgencyInspector));
        o.AddPolicy(SelfReport, p => p.RequireRole(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.UnitLiaison));
        o.AddPolicy(OpenRead, p => p.RequireRole(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Leader, Roles.UnitLiaison));
        o.AddPolicy(OpenRecord, p => p.RequireRole(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Supervisor));
    }
}

/// <summary>
/// /api/v1/inspections/...: the eight-step visit flow (INS-11, INS-19, INS-20), findings and the unit's confirmation
/// (INS-5, INS-8, INS-16, INS-18), the question bank (INS-12), open inspections (INS-2..INS-4, S3). The visit page
/// (/Inspections/Visit/{id}) calls the same endpoints from the inspector's phone.
/// </summary>
public static class VisitProtocolApi
{
    public static IServiceCollection AddInspectionVisits(this IServiceCollection services)
    {
        services.AddScoped<VisitProtocolFlow>();
        services.AddScoped<QuestionBank>();
        services.AddScoped<OpenInspections>();
        services.AddScoped<RoundReports>();
        services.AddSingleton<IRecurringJob, SelfInspectionJob>();
        services.Configure<AuthorizationOptions>(VisitPolicies.Add);
        return services;
    }

    public static void MapInspectionVisits(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/v1/inspections").WithTags("Inspection visits");
        const string Work = VisitPolicies.Work;
        const string Manage = InspectionPolicies.Manage;

        // INS-11, INS-20: the flow, one idempotent save at a time.
        g.MapGet("/visits/{id:guid}/protocol", (Guid id, VisitProtocolFlow h, HttpContext ctx, CancellationToken ct) => h.ViewAsync(id, ctx.User, ct)).RequireAuthorization(Work);
        g.MapPost("/visits/{id:guid}/surveys/{number:int}/reveal", (Guid id, int number, VisitProtocolFlow h, HttpContext ctx, CancellationToken ct) =>
            h.RevealRespondentAsync(id, number, ctx.User, ct)).RequireAuthorization(Manage);
        g.MapPost("/visits/{id:guid}/start", (Guid id, VisitProtocolFlow.StartVisit r, VisitProtocolFlow h, HttpContext ctx, CancellationToken ct) =>
            h.StartAsync(id, r, ctx.User, ct)).RequireAuthorization(Work);
        g.MapPut("/visits/{id:guid}/steps/{number:int}", (Guid id, int number, VisitProtocolFlow.SaveStep r, VisitProtocolFlow h, HttpContext ctx, CancellationToken ct) =>
            h.SaveStepAsync(id, number, r, ctx.User, ct)).RequireAuthorization(Work);
        g.MapPut("/visits/{id:guid}/checklist", (Guid id, VisitProtocolFlow.SaveChecklist r, VisitProtocolFlow h, HttpContext ctx, CancellationToken ct) =>
            h.SaveChecklistAsync(id, r, ctx.User, ct)).RequireAuthorization(Work);
        g.MapPut("/visits/{id:guid}/surveys/{number:int}", (Guid id, int number, VisitProtocolFlow.SaveSurvey r, VisitProtocolFlow h, HttpContext ctx, CancellationToken ct) =>
            h.SaveSurveyAsync(id, number, r, ctx.User, ct)).RequireAuthorization(Work);
        g.MapPut("/visits/{id:guid}/score", (Guid id, VisitProtocolFlow.SaveScore r, VisitProtocolFlow h, HttpContext ctx, CancellationToken ct) =>
            h.SaveScoreAsync(id, r, ctx.User, ct)).RequireAuthorization(Work);
        g.MapGet("/visits/{id:guid}/archive", (Guid id, VisitProtocolFlow h, HttpContext ctx, CancellationToken ct) => h.ArchiveAsync(id, ctx.User, ct)).RequireAuthorization(Work);

        // INS-5, INS-15, INS-16, INS-18: findings; INS-8: the unit's signature or refusal. The Office's review of a finding (RCT-1)
        // is Rectification's: POST /api/v1/rectification/findings/{id}/confirm|drop.
        g.MapPost("/visits/{id:guid}/findings", async (Guid id, VisitProtocolFlow.RecordFinding r, VisitProtocolFlow h, HttpContext ctx, CancellationToken ct) =>
            Results.Created($"/api/v1/inspections/findings?visitId={id}", new { id = await h.RecordFindingAsync(id, r, ctx.User, ct) })).RequireAuthorization(Work);
        g.MapPost("/visits/{id:guid}/findings/{findingId:guid}/evidence", async (Guid id, Guid findingId, VisitProtocolFlow.AddEvidence r, VisitProtocolFlow h, HttpContext ctx, CancellationToken ct) =>
        { await h.AddFindingEvidenceAsync(id, findingId, r, ctx.User, ct); return Results.NoContent(); }).RequireAuthorization(Work);
        g.MapPost("/visits/{id:guid}/confirmation", async (Guid id, VisitProtocolFlow.Confirm r, VisitProtocolFlow h, HttpContext ctx, CancellationToken ct) =>
        {
            await h.ConfirmAsync(id, r, ctx.User, ct);
            return Results.NoContent();
        }).RequireAuthorization(Work);
        g.MapPost("/visits/{id:guid}/refusal", async (Guid id, VisitProtocolFlow.Refuse r, VisitProtocolFlow h, HttpContext ctx, CancellationToken ct) =>
        {
            await h.RefuseAsync(id, r, ctx.User, ct);
            return Results.NoContent();
        }).RequireAuthorization(Work);

        // INS-19
        g.MapPost("/visits/{id:guid}/submit", (Guid id, VisitProtocolFlow.Submit r, VisitProtocolFlow h, HttpContext ctx, CancellationToken ct) =>
            h.SubmitAsync(id, r, ctx.User, ct)).RequireAuthorization(Work);
        g.MapPost("/visits/{id:guid}/decision", async (Guid id, VisitProtocolFlow.Decision r, VisitProtocolFlow h, HttpContext ctx, CancellationToken ct) =>
        {
            await h.DecideAsync(id, r, ctx.User, ct);
            return Results.NoContent();
        }).RequireAuthorization(Manage);
        g.MapPost("/visits/{id:guid}/messages", async (Guid id, VisitProtocolFlow.Message r, VisitProtocolFlow h, HttpContext ctx, CancellationToken ct) =>
        {
            await h.PostMessageAsync(id, r, ctx.User, ct);
            return Results.NoContent();
        }).RequireAuthorization(Work);

        // INS-12
        g.MapGet("/question-bank", (Guid? serviceItemId, QuestionBank h, CancellationToken ct) => h.GetAsync(serviceItemId, ct)).RequireAuthorization(VisitPolicies.BankRead);
        g.MapPost("/question-bank/personas", async (QuestionBank.NewPersona r, QuestionBank h, CancellationToken ct) =>
            Results.Created("/api/v1/inspections/question-bank", new { id = await h.AddPersonaAsync(r, ct) })).RequireAuthorization(Manage);
        g.MapPost("/question-bank/questions", async (QuestionBank.NewQuestion r, QuestionBank h, CancellationToken ct) =>
            Results.Created("/api/v1/inspections/question-bank", new { id = await h.AddQuestionAsync(r, ct) })).RequireAuthorization(Manage);

        // INS-2..INS-4, S3
        g.MapPost("/self-inspections", async (OpenInspections.SubmitSelfInspection r, OpenInspections h, HttpContext ctx, CancellationToken ct) =>
            Results.Created("/api/v1/inspections/self-inspections", new { id = await h.SubmitSelfInspectionAsync(r, ctx.User, ct) })).RequireAuthorization(VisitPolicies.SelfReport);
        g.MapGet("/self-inspections", (int year, Guid? unitId, OpenInspections h, HttpContext ctx, CancellationToken ct) =>
            h.SelfInspectionsAsync(year, unitId, ctx.User, ct)).RequireAuthorization(VisitPolicies.OpenRead);
        g.MapPost("/self-inspections/charge-missing", async (OpenInspections h, Calendar.CalendarService calendar, CancellationToken ct) =>
            Results.Ok(new { charged = await h.ChargeMissingSelfInspectionsAsync(calendar.Today, ct) })).RequireAuthorization(Manage);
        g.MapGet("/open-deductions", (int year, Guid? unitId, OpenInspections h, HttpContext ctx, CancellationToken ct) =>
            h.DeductionsAsync(year, unitId, ctx.User, ct)).RequireAuthorization(VisitPolicies.OpenRead);
        g.MapPost("/spot-checks", async (OpenInspections.RecordSpotCheck r, OpenInspections h, HttpContext ctx, CancellationToken ct) =>
        {
            var result = await h.RecordSpotCheckAsync(r, ctx.User, ct);
            return Results.Created("/api/v1/inspections/open-deductions", result);
        }).RequireAuthorization(VisitPolicies.OpenRecord);
        g.MapPost("/open-sessions", async (OpenInspections.RecordSession r, OpenInspections h, HttpContext ctx, CancellationToken ct) =>
            Results.Created("/api/v1/inspections/open-sessions", new { id = await h.RecordSessionAsync(r, ctx.User, ct) })).RequireAuthorization(VisitPolicies.OpenRecord);
        g.MapGet("/open-sessions", (Guid? unitId, Guid? roundId, OpenInspections h, CancellationToken ct) => h.SessionsAsync(unitId, roundId, ct))
            .RequireAuthorization(InspectionPolicies.PlanRead);

        RoundReports.Map(g);
    }
}
