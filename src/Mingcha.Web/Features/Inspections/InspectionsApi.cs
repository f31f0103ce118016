using Microsoft.AspNetCore.Authorization;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;

namespace Mingcha.Web.Features.Inspections;

/// <summary>
/// The inspections API (/api/v1/inspections): year plans and their progress (INS-10), rounds and their plans
/// (INS-9), targets and reproducible draws (INS-4, INS-5, ORG-5), visits and findings behind the secrecy rule
/// (INS-9, SEC-2, INS-13), the deduction catalogue (INS-18), agencies (ORG-4, INS-13) and inspector discipline
/// (ORG-5). Pages under /Inspections call the same handlers.
/// </summary>
public static class InspectionsApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/v1/inspections").WithTags("Inspections");
        const string Manage = InspectionPolicies.Manage;

        // INS-10
        g.MapGet("/plans", (YearPlans h, CancellationToken ct) => h.ListAsync(ct)).RequireAuthorization(InspectionPolicies.PlanRead);
        g.MapGet("/plans/{year:int}", (int year, YearPlans h, CancellationToken ct) => h.GetAsync(year, ct)).RequireAuthorization(InspectionPolicies.PlanRead);
        g.MapPut("/plans/{year:int}", async (int year, YearPlans.SavePlan r, YearPlans h, HttpContext ctx, CancellationToken ct) =>
        {
            var (plan, created) = await h.SaveAsync(year, r, ctx.User, ct);
            return created ? Results.Created($"/api/v1/inspections/plans/{year}", plan) : Results.Ok(plan);
        }).RequireAuthorization(Manage);
        g.MapGet("/plans/{year:int}/progress", (int year, YearPlans h, CancellationToken ct) => h.ProgressAsync(year, ct)).RequireAuthorization(InspectionPolicies.PlanRead);

        // INS-9, INS-4, INS-5
        g.MapGet("/rounds", async (int? year, Rounds h, MingchaDb db, HttpContext ctx, CancellationToken ct) =>
            await h.ListAsync(await InspectionViewer.ForAsync(ctx.User, db, ct), year, ct)).RequireAuthorization(InspectionPolicies.RoundRead);
        g.MapPost("/rounds", async (Rounds.CreateRound r, Rounds h, HttpContext ctx, CancellationToken ct) =>
        {
            var id = await h.CreateAsync(r, ctx.User, ct);
            return Results.Created($"/api/v1/inspections/rounds/{id}", new { id });
        }).RequireAuthorization(Manage);
        g.MapGet("/rounds/{id:guid}", async (Guid id, Rounds h, MingchaDb db, HttpContext ctx, CancellationToken ct) =>
            await h.GetAsync(await InspectionViewer.ForAsync(ctx.User, db, ct), id, ct)).RequireAuthorization(InspectionPolicies.RoundRead);
        g.MapPut("/rounds/{id:guid}/plan", async (Guid id, Rounds.EditRound r, Rounds h, CancellationToken ct) =>
        {
            await h.EditAsync(id, r, ct);
            return Results.NoContent();
        }).RequireAuthorization(Manage);
        g.MapPut("/rounds/{id:guid}/people", async (Guid id, Rounds.SetPeople r, Rounds h, CancellationToken ct) =>
        {
            await h.SetPeopleAsync(id, r, ct);
            return Results.NoContent();
        }).RequireAuthorization(Manage);
        g.MapPost("/rounds/{id:guid}/decide", async (Guid id, Rounds h, HttpContext ctx, CancellationToken ct) =>
        {
            await h.DecideAsync(id, ctx.User, ct);
            return Results.NoContent();
        }).RequireAuthorization(Manage);
        g.MapPost("/rounds/{id:guid}/start", async (Guid id, Rounds h, CancellationToken ct) =>
        {
            await h.StartAsync(id, ct);
            return Results.NoContent();
        }).RequireAuthorization(Manage);
        g.MapPost("/rounds/{id:guid}/close", async (Guid id, Rounds h, CancellationToken ct) =>
        {
            await h.CloseAsync(id, ct);
            return Results.NoContent();
        }).RequireAuthorization(Manage);
        g.MapPost("/rounds/{id:guid}/targets", async (Guid id, Rounds.ChooseTargets r, Rounds h, CancellationToken ct) =>
            Results.Ok(new { added = await h.ChooseAsync(id, r, ct) })).RequireAuthorization(Manage);
        g.MapPost("/rounds/{id:guid}/draws", async (Guid id, Draws.DrawRequest r, Draws h, HttpContext ctx, CancellationToken ct) =>
        {
            var d = await h.DrawAsync(id, r, ctx.User, ct);
            return Results.Created($"/api/v1/inspections/draws/{d.Id}", d);
        }).RequireAuthorization(Manage);
        g.MapPost("/rounds/{id:guid}/visits", async (Guid id, Rounds h, HttpContext ctx, CancellationToken ct) =>
            Results.Ok(new { created = await h.CreateVisitsAsync(id, ctx.User, ct) })).RequireAuthorization(Manage);
        g.MapGet("/draws/{id:guid}", (Guid id, Draws h, CancellationToken ct) => h.GetAsync(id, ct)).RequireAuthorization(InspectionPolicies.DrawRead);
        g.MapPost("/draws/{id:guid}/verify", (Guid id, Draws h, CancellationToken ct) => h.VerifyAsync(id, ct)).RequireAuthorization(InspectionPolicies.DrawRead);

        // INS-9, SEC-2, INS-13: every read goes through the viewer's scope; unknown and secret look the same (404).
        g.MapGet("/visits", async (int? year, Guid? roundId, Guid? unitId, VisitStatus? status, Visits h, MingchaDb db, HttpContext ctx, CancellationToken ct) =>
            await h.ListAsync(await InspectionViewer.ForAsync(ctx.User, db, ct), year, roundId, unitId, status, ct)).RequireAuthorization(InspectionPolicies.VisitRead);
        g.MapGet("/visits/{id:guid}", async (Guid id, Visits h, MingchaDb db, HttpContext ctx, CancellationToken ct) =>
            await h.GetAsync(await InspectionViewer.ForAsync(ctx.User, db, ct), id, ct)).RequireAuthorization(InspectionPolicies.VisitRead);
        g.MapGet("/findings", async (Guid? visitId, int? year, Visits h, MingchaDb db, HttpContext ctx, CancellationToken ct) =>
            await h.FindingsAsync(await InspectionViewer.ForAsync(ctx.User, db, ct), visitId, year, ct)).RequireAuthorization(InspectionPolicies.VisitRead);
        g.MapPut("/visits/{id:guid}/inspectors", async (Guid id, Visits.AssignInspectors r, Visits h, HttpContext ctx, CancellationToken ct) =>
        {
            await h.AssignAsync(id, r, ctx.User, ct);
            return Results.NoContent();
        }).RequireAuthorization(Manage);
        g.MapPost("/visits/{id:guid}/send-findings", async (Guid id, Visits h, HttpContext ctx, CancellationToken ct) =>
        {
            await h.SendFindingsAsync(id, ctx.User, ct);
            return Results.NoContent();
        }).RequireAuthorization(Manage);
        g.MapPut("/visits/{id:guid}/joint", async (Guid id, Visits.JointVisit r, Visits h, HttpContext ctx, CancellationToken ct) =>
        {
            await h.MarkJointAsync(id, r, ctx.User, ct);
            return Results.NoContent();
        }).RequireAuthorization(Manage);
        g.MapPost("/visits/{id:guid}/tip-offs", async (Guid id, Visits.TipOff r, Visits h, HttpContext ctx, CancellationToken ct) =>
        {
            var fid = await h.RecordTipOffAsync(id, r, ctx.User, ct);
            return Results.Created($"/api/v1/inspections/findings?visitId={id}", new { id = fid });
        }).RequireAuthorization(Manage);

        // INS-18
        g.MapGet("/catalogues/{year:int}", (int year, Catalogue h, HttpContext ctx, CancellationToken ct) => h.GetAsync(year, false, ctx.User, ct))
            .RequireAuthorization(InspectionPolicies.VisitRead);
        g.MapPost("/catalogues/{year:int}", (int year, Catalogue h, HttpContext ctx, CancellationToken ct) => h.GetAsync(year, true, ctx.User, ct))
            .RequireAuthorization(Manage);
        g.MapPost("/catalogues/{year:int}/items", async (int year, Catalogue.AddItem r, Catalogue h, HttpContext ctx, CancellationToken ct) =>
        {
            var id = await h.AddAsync(year, r, ctx.User, ct);
            return Results.Created($"/api/v1/inspections/catalogues/{year}", new { id });
        }).RequireAuthorization(Manage);
        g.MapPut("/catalogues/{year:int}/items/{id:guid}", async (int year, Guid id, Catalogue.EditItem r, Catalogue h, CancellationToken ct) =>
        {
            await h.EditAsync(year, id, r, ct);
            return Results.NoContent();
        }).RequireAuthorization(Manage);

        // ORG-4, INS-13
        g.MapGet("/agencies/{id:guid}", (Guid id, Agencies h, CancellationToken ct) => h.GetAsync(id, ct)).RequireAuthorization(InspectionPolicies.PeopleRead);
        g.MapPost("/agencies/{id:guid}/contracts", async (Guid id, Agencies.AddContract r, Agencies h, HttpContext ctx, CancellationToken ct) =>
            Results.Created($"/api/v1/inspections/agencies/{id}", new { id = await h.AddContractAsync(id, r, ctx.User, ct) })).RequireAuthorization(Manage);
        g.MapPost("/agencies/{id:guid}/inspectors", async (Guid id, Agencies.AddInspector r, Agencies h, CancellationToken ct) =>
            Results.Created($"/api/v1/inspections/agencies/{id}", new { id = await h.AddInspectorAsync(id, r, ct) })).RequireAuthorization(Manage);
        g.MapPost("/agencies/{id:guid}/inspectors/{inspectorId:guid}/trainings", async (Guid id, Guid inspectorId, Agencies.AddTraining r, Agencies h, HttpContext ctx, CancellationToken ct) =>
            Results.Created($"/api/v1/inspections/agencies/{id}", new { id = await h.AddTrainingAsync(id, inspectorId, r, ctx.User, ct) })).RequireAuthorization(Manage);
        g.MapPost("/agencies/{id:guid}/opinions", async (Guid id, Agencies.IssueOpinion r, Agencies h, HttpContext ctx, CancellationToken ct) =>
            Results.Created($"/api/v1/inspections/agencies/{id}", new { id = await h.IssueOpinionAsync(id, r, ctx.User, ct) })).RequireAuthorization(Manage);
        g.MapPost("/agency-opinions/{id:guid}/answer", async (Guid id, Agencies.AnswerOpinion r, Agencies h, MingchaDb db, HttpContext ctx, CancellationToken ct) =>
        {
            await h.AnswerOpinionAsync(id, r, await InspectionViewer.ForAsync(ctx.User, db, ct), ct);
            return Results.NoContent();
        }).RequireAuthorization(new AuthorizeAttribute { Roles = $"{Roles.OfficeAdmin},{Roles.OfficeStaff},{Roles.AgencyInspector}" });
        g.MapPost("/agencies/{id:guid}/assessments/{year:int}", (Guid id, int year, Agencies h, HttpContext ctx, CancellationToken ct) =>
            h.AssessAsync(id, year, ctx.User, ct)).RequireAuthorization(Manage);
        g.MapPost("/agencies/{id:guid}/assessments/{year:int}/decision", async (Guid id, int year, Agencies.Decide r, Agencies h, HttpContext ctx, CancellationToken ct) =>
        {
            await h.DecideAsync(id, year, r, ctx.User, ct);
            return Results.NoContent();
        }).RequireAuthorization(Manage);

        // ORG-5
        g.MapGet("/discipline", (Discipline h, CancellationToken ct) => h.OverviewAsync(ct)).RequireAuthorization(InspectionPolicies.PeopleRead);
        g.MapPost("/discipline/rules", async (Discipline.NewRules r, Discipline h, HttpContext ctx, CancellationToken ct) =>
            Results.Created("/api/v1/inspections/discipline", new { id = await h.NewRulesAsync(r, ctx.User, ct) })).RequireAuthorization(Manage);
        g.MapPost("/discipline/pledges", async (Discipline.Sign r, Discipline h, HttpContext ctx, CancellationToken ct) =>
            Results.Created("/api/v1/inspections/discipline", new { id = await h.SignAsync(r, ctx.User, ct) })).RequireAuthorization(Manage);
        g.MapPost("/discipline/conflicts", async (Discipline.DeclareConflict r, Discipline h, HttpContext ctx, CancellationToken ct) =>
            Results.Created("/api/v1/inspections/discipline", new { id = await h.DeclareAsync(r, ctx.User, ct) })).RequireAuthorization(Manage);
        g.MapPost("/discipline/conflicts/{id:guid}/end", async (Guid id, Discipline.EndConflict r, Discipline h, CancellationToken ct) =>
        {
            await h.EndConflictAsync(id, r, ct);
            return Results.NoContent();
        }).RequireAuthorization(Manage);
        g.MapPost("/discipline/breaches", async (Discipline.RecordBreach r, Discipline h, HttpContext ctx, CancellationToken ct) =>
            Results.Created("/api/v1/inspections/discipline", new { id = await h.RecordBreachAsync(r, ctx.User, ct) })).RequireAuthorization(Manage);
        g.MapPost("/discipline/breaches/{id:guid}/refer", async (Guid id, Discipline.Refer r, Discipline h, CancellationToken ct) =>
        {
            await h.ReferAsync(id, r, ct);
            return Results.NoContent();
        }).RequireAuthorization(Manage);
    }
}
