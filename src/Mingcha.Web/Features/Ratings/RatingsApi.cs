using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Identifiers;
using Mingcha.Domain.Satisfaction;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Infrastructure;
using QRCoder;

namespace Mingcha.Web.Features.Ratings;

/// <summary>
/// Satisfaction API (SAT-1..SAT-9): service records and ratings pushed by tokens, the ratings list, the live stream,
/// QR codes of windows, follow-up cases, appeals, flags and the satisfaction rate. Unit liaisons see their own unit only (SEC-2).
/// </summary>
public static class RatingsApi
{
    public sealed record ServiceRecordInput([property: Required, StringLength(64)] string CaseNumber, Guid? SectionId, string? SectionCode,
        Guid? StaffId, string? StaffCode, Guid? ServiceItemId, string? ServiceItemCode, string? CitizenPhone, DateTime? AcceptedAt, [property: Required] DateTime? FinishedAt);
    // RatingLink: only in the answer to a push (SAT-8, decision 032), the public page's signed link for this case, for the receipt.
    public sealed record ServiceRecordDto(Guid Id, string CaseNumber, Guid UnitId, Guid SectionId, Guid? StaffId, Guid? ServiceItemId, string CitizenPhone, DateTime? AcceptedAt, DateTime FinishedAt,
        string? RatingLink = null);
    public sealed record RatingStored(Guid Id, string Status);
    public sealed record RatingDto(Guid Id, string? CaseNumber, Guid UnitId, Guid SectionId, Guid? StaffId, Guid? ServiceItemId, RatingChannel Channel,
        RatingScale Scale, int Level, string LevelName, int CommonLevel, bool IsBad, bool RealName, string RaterPhone, string? Comment,
        DateTime RatedAt, DateTime ReceivedAt, bool Excluded, IReadOnlyList<string> Flags,
        string? UnitNameThen = null, string? UnitNameNow = null, string? SectionNameThen = null, string? SectionNameNow = null,
        string? StaffNameThen = null, string? StaffNameNow = null, string? ServiceItem = null);
    public sealed record CountsDto(Guid UnitId, Guid SectionId, int Total, int Satisfied, int Basic, int Unsatisfied);
    public sealed record RevealDto(string Phone);

    public static IServiceCollection AddRatings(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<RatingOptions>(configuration.GetSection(RatingOptions.Section));
        services.AddSingleton<RatingBroadcaster>();
        services.AddSingleton<SectionDirectory>();
        services.AddSingleton<RatingLinkSigner>();
        services.AddSingleton<RatingWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<RatingWriter>());
        services.AddSingleton<RatingIntake>();
        services.AddSingleton<DeviceTokenCache>();
        services.AddHostedService(sp => sp.GetRequiredService<DeviceTokenCache>());
        services.AddSingleton<DeviceFloodGuard>();
        services.AddSingleton<RatingAftercare>();
        services.AddHostedService(sp => sp.GetRequiredService<RatingAftercare>());
        services.AddSingleton<PostgresRatingListener>();
        services.AddSingleton<DemoRatings>();
        services.AddSingleton<DemoBadges>();
        services.AddScoped<FollowUps>();
        services.AddScoped<ServiceRecordImport>();
        services.AddSingleton<ComplaintRatings>();
        services.AddSingleton<Jobs.IRecurringJob, PhoneSurveyJob>();
        services.AddSingleton<Jobs.IRecurringJob, BadgeHandOutJob>();
        services.AddSingleton<Jobs.IRecurringJob, RatingDayCountJob>();
        services.AddScoped<RatingDayCounts>();
        services.AddScoped<Jobs.IReminderSource, FollowUpReminders>();
        services.AddScoped<SatisfactionRates>();
        services.AddScoped<SatisfactionReport>();
        services.AddScoped<RatingList>();
        services.AddScoped<ServiceRecordList>();
        services.AddScoped<SatisfactionCirculars>();
        services.AddScoped<PhoneSurveys>();
        services.AddScoped<Incentives>();
        services.AddScoped<Secondments>();
        if (configuration.GetSection(MingchaOptions.Section).Get<MingchaOptions>() is { IsPostgres: true })
            services.AddHostedService(sp => sp.GetRequiredService<PostgresRatingListener>());
        services.AddAuthorization(o =>
        {
            o.AddPolicy(RatingPolicies.DeviceWrite, p => p.RequireClaim(MingchaClaims.Scope, "ratings:write"));
            o.AddPolicy(RatingPolicies.ComplaintWrite, p => p.RequireClaim(MingchaClaims.Scope, "complaints:write"));
            o.AddPolicy(RatingPolicies.RecordsWrite, p => p.RequireAssertion(c =>
                c.User.HasClaim(MingchaClaims.Scope, "service-records:write") || c.User.IsInRole(Roles.OfficeAdmin) || c.User.IsInRole(Roles.OfficeStaff)));
            o.AddPolicy(RatingPolicies.Read, p => p.RequireRole(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Leader, Roles.UnitLiaison));
            o.AddPolicy(RatingPolicies.FollowUp, p => p.RequireRole(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.UnitLiaison));
            o.AddPolicy(RatingPolicies.Office, p => p.RequireRole(Roles.OfficeAdmin, Roles.OfficeStaff));
            o.AddPolicy(RatingPolicies.RecordsImport, p => p.RequireRole(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.UnitLiaison));
        });
        services.AddRatingRateLimits(configuration);
        return services;
    }

    public static IEndpointRouteBuilder MapRatings(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/v1").WithTags("Ratings");

        g.MapPost("/service-records", PushServiceRecordAsync).RequireAuthorization(RatingPolicies.RecordsWrite);
        g.MapGet("/service-records/{caseNumber}", GetServiceRecordAsync).RequireAuthorization(RatingPolicies.Read);
        // 办件与评价: the period's cases (office days, both included) with their ratings and the period's 评价率, as the page.
        g.MapGet("/service-records", async (DateOnly from, DateOnly to, Guid? unitId, Guid? sectionId, Guid? staffId, string? caseNumber, CaseRatingState? state,
            string? item, int? page, int? size, ServiceRecordList list, LocalClock clock, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var filter = new ServiceRecordList.Filter(unitId, sectionId, from, to, caseNumber, state, staffId, ServiceItemChoice.Parse(item));
            return await list.PageAsync(user, filter, page ?? 1, Math.Clamp(size ?? 100, 1, 1000), ct);
        }).RequireAuthorization(RatingPolicies.Read);
        // SAT-8 without a business system: a CSV file or .xlsx workbook of finished cases, all rows or none.
        // The Office imports any unit's cases; a unit's liaison their own windows' (SEC-2).
        g.MapPost("/service-records/import", async (HttpRequest request, ServiceRecordImport import, ClaimsPrincipal user, CancellationToken ct) =>
        {
            if (!request.HasFormContentType) return await import.ImportAsync("upload.csv", request.Body, user, ct);
            var form = await request.ReadFormAsync(ct);
            if (form.Files.Count == 0) return Problems.Field("file", "请选择要导入的文件。 Choose a file to import.");
            await using var stream = form.Files[0].OpenReadStream();
            return await import.ImportAsync(form.Files[0].FileName, stream, user, ct);
        }).RequireAuthorization(RatingPolicies.RecordsImport);
        g.MapGet("/service-records/import/template", () =>
            Results.File([.. System.Text.Encoding.UTF8.GetPreamble(), .. System.Text.Encoding.UTF8.GetBytes(ServiceRecordImport.TemplateCsv)], "text/csv", "service-records.csv"))
            .RequireAuthorization(RatingPolicies.RecordsImport);

        // Devices whose token is in memory are answered earlier, by DeviceRatingPath (decision 008); this endpoint takes
        // the rest (a token not yet loaded, a body that is not clean JSON) with the same checks and the same flood guard.
        g.MapPost("/ratings", async (RatingInput input, RatingIntake intake, DeviceFloodGuard guard, MingchaDb db, HttpContext ctx, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var device = Guid.TryParse(user.FindFirstValue(MingchaClaims.TokenId), out var d) ? d : (Guid?)null;
            if (device is { } id && !guard.TryAcquire(id))
            {
                await DeviceFloodGuard.RefuseAsync(ctx);
                return Results.Empty;
            }
            // SAT-1: the scale the device's token sets (this path is for tokens not yet in memory: read it).
            var scale = device is { } tokenId ? await db.ApiTokens.AsNoTracking().Where(t => t.Id == tokenId).Select(t => t.RatingScale).FirstOrDefaultAsync(ct) : null;
            var r = await intake.SubmitAsync(input, RatingChannel.Device, user.UnitId(), device, ct, scale);
            return Results.Created($"/api/v1/ratings/{r.Rating.Id}", new RatingStored(r.Rating.Id, "stored"));
        }).RequireAuthorization(RatingPolicies.DeviceWrite);

        g.MapPost("/ratings/complaint", async (ComplaintRatings.AnswerRating input, ComplaintRatings ratings, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var r = await ratings.RateAnswerAsync(input, user.UnitId(), ct);
            return Results.Created($"/api/v1/ratings/{r.Rating.Id}", new RatingStored(r.Rating.Id, "stored"));
        }).RequireAuthorization(RatingPolicies.ComplaintWrite);
        g.MapGet("/ratings", ListRatingsAsync).RequireAuthorization(RatingPolicies.Read);
        g.MapGet("/ratings/today", TodayAsync).RequireAuthorization(RatingPolicies.Read);
        g.MapGet("/ratings/live", LiveAsync).RequireAuthorization(RatingPolicies.Read);
        g.MapPost("/ratings/{id:guid}/reveal-phone", RevealPhoneAsync).RequireAuthorization(RatingPolicies.FollowUp);
        g.MapGet("/sections/{id:guid}/rating-qr.png", QrAsync).RequireAuthorization(RatingPolicies.Read);
        // SAT-1: the window's public page settings (scale, signed case numbers only), read as the QR code, set by the Office.
        g.MapGet("/sections/{id:guid}/rating-settings", RatingPoints.GetAsync).RequireAuthorization(RatingPolicies.Read);
        g.MapPut("/sections/{id:guid}/rating-settings", RatingPoints.SetAsync).RequireAuthorization(RatingPolicies.Office);

        g.MapGet("/follow-ups", async (string? state, FollowUps f, ClaimsPrincipal user, CancellationToken ct) => await f.ListAsync(user, state, ct))
            .RequireAuthorization(RatingPolicies.FollowUp);
        g.MapGet("/follow-ups/{id:guid}", async (Guid id, FollowUps f, ClaimsPrincipal user, CancellationToken ct) => await f.GetAsync(user, id, ct))
            .RequireAuthorization(RatingPolicies.FollowUp);
        g.MapPost("/follow-ups/{id:guid}/steps", async (Guid id, FollowUps.StepInput input, FollowUps f, ClaimsPrincipal user, CancellationToken ct) =>
            await f.CompleteStepAsync(user, id, input, ct)).RequireAuthorization(RatingPolicies.FollowUp);
        g.MapPost("/follow-ups/{id:guid}/failed-calls", async (Guid id, FollowUps.FailedCallInput input, FollowUps f, ClaimsPrincipal user, CancellationToken ct) =>
            await f.RecordFailedCallAsync(user, id, input, ct)).RequireAuthorization(RatingPolicies.FollowUp);
        g.MapPost("/follow-ups/{id:guid}/appeal", async (Guid id, FollowUps.AppealInput input, FollowUps f, ClaimsPrincipal user, CancellationToken ct) =>
            await f.AppealAsync(user, id, input, ct)).RequireAuthorization(RatingPolicies.FollowUp);
        g.MapPost("/follow-ups/{id:guid}/appeal-decision", async (Guid id, FollowUps.DecisionInput input, FollowUps f, ClaimsPrincipal user, CancellationToken ct) =>
            await f.DecideAppealAsync(user, id, input, ct)).RequireAuthorization(RatingPolicies.Office);

        g.MapGet("/rating-flags", async (bool? open, FollowUps f, CancellationToken ct) => await f.ListFlagsAsync(open ?? true, ct))
            .RequireAuthorization(RatingPolicies.Office);
        g.MapPost("/rating-flags/{id:guid}/review", async (Guid id, FollowUps.FlagReviewInput input, FollowUps f, ClaimsPrincipal user, CancellationToken ct) =>
            await f.ReviewFlagAsync(user, id, input, ct)).RequireAuthorization(RatingPolicies.Office);

        g.MapPost("/surveys", async (PhoneSurveys.DrawInput input, PhoneSurveys s, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var d = await s.DrawAsync(input, user, ct);
            return Results.Created($"/api/v1/surveys/{d.Id}", d);
        }).RequireAuthorization(RatingPolicies.Office);
        g.MapGet("/surveys", async (PhoneSurveys s, CancellationToken ct) => await s.ListAsync(ct)).RequireAuthorization(RatingPolicies.Office);
        g.MapGet("/surveys/{id:guid}", async (Guid id, PhoneSurveys s, CancellationToken ct) => await s.GetAsync(id, ct)).RequireAuthorization(RatingPolicies.Office);
        g.MapPost("/surveys/{id:guid}/replacements", async (Guid id, PhoneSurveys s, CancellationToken ct) => await s.ReplaceUnreachedAsync(id, ct))
            .RequireAuthorization(RatingPolicies.Office);
        g.MapGet("/surveys/{id:guid}/verify", async (Guid id, PhoneSurveys s, CancellationToken ct) => await s.VerifyAsync(id, ct)).RequireAuthorization(RatingPolicies.Office);
        g.MapPost("/survey-calls/{id:guid}/reveal-phone", async (Guid id, PhoneSurveys s, CancellationToken ct) => new RevealDto(await s.RevealAsync(id, ct)))
            .RequireAuthorization(RatingPolicies.Office);
        g.MapPost("/survey-calls/{id:guid}/answer", async (Guid id, PhoneSurveys.AnswerInput input, PhoneSurveys s, CancellationToken ct) => await s.AnswerAsync(id, input, ct))
            .RequireAuthorization(RatingPolicies.Office);

        g.MapPost("/incentives/{year:int}/badges", async (int year, Incentives s, CancellationToken ct) => Results.Ok(new { started = await s.StartYearAsync(year, ct) }))
            .RequireAuthorization(RatingPolicies.Office);
        g.MapGet("/incentives/{year:int}/badges/{staffId:guid}", async (int year, Guid staffId, Incentives s, CancellationToken ct) => await s.BadgeAsync(staffId, year, ct))
            .RequireAuthorization(RatingPolicies.Office);
        g.MapGet("/incentives/{year:int}/rankings/{kind}", async (int year, string kind, Incentives s, CancellationToken ct) => await s.RankAsync(kind, year, ct))
            .RequireAuthorization(RatingPolicies.Office);
        g.MapGet("/incentives/{year:int}/awards", async (int year, Incentives s, CancellationToken ct) => await s.AwardsAsync(year, ct))
            .RequireAuthorization(RatingPolicies.Office);
        g.MapPost("/incentives/{year:int}/awards", async (int year, Incentives.AwardInput input, Incentives s, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var a = await s.AwardAsync(year, input, user, ct);
            return Results.Created($"/api/v1/incentives/{year}/awards/{a.Id}", new { a.Id, a.Kind, a.SubjectId, a.Reason });
        }).RequireAuthorization(RatingPolicies.Office);

        g.MapPost("/secondments", async (Secondments.CreateInput input, Secondments s, CancellationToken ct) =>
        {
            var x = await s.CreateAsync(input, ct);
            return Results.Created($"/api/v1/secondments/{x.Id}", new { x.Id, x.End, x.State });
        }).RequireAuthorization(RatingPolicies.Office);
        g.MapPost("/secondments/{id:guid}/logs", async (Guid id, Secondments.LogInput input, Secondments s, CancellationToken ct) =>
        {
            await s.LogAsync(id, input, ct);
            return Results.NoContent();
        }).RequireAuthorization(RatingPolicies.Office);
        g.MapGet("/secondments/{id:guid}/presence", async (Guid id, int year, int month, Secondments s, CancellationToken ct) => await s.PresenceAsync(id, year, month, ct))
            .RequireAuthorization(RatingPolicies.Office);
        g.MapPost("/secondment-targets/{id:guid}/met", async (Guid id, DateOnly day, Secondments s, CancellationToken ct) =>
        {
            await s.MarkTargetMetAsync(id, day, ct);
            return Results.NoContent();
        }).RequireAuthorization(RatingPolicies.Office);
        g.MapPost("/secondments/{id:guid}/end-term", async (Guid id, Secondments s, CancellationToken ct) => await s.EndTermAsync(id, ct))
            .RequireAuthorization(RatingPolicies.Office);

        g.MapGet("/satisfaction/units/{id:guid}", async (Guid id, DateOnly from, DateOnly to, bool? includeChildren, SatisfactionRates s, ClaimsPrincipal user, CancellationToken ct) =>
        {
            RatingAccess.EnsureUnit(user, id);
            return await s.ForUnitAsync(id, from, to, includeChildren ?? true, ct);
        }).RequireAuthorization(RatingPolicies.Read);
        g.MapGet("/satisfaction/report", async (DateOnly from, DateOnly to, Guid? unitId, SatisfactionReport r, ClaimsPrincipal user, CancellationToken ct) =>
            await r.BuildAsync(user, from, to, unitId, ct)).RequireAuthorization(RatingPolicies.Read);
        g.MapPost("/satisfaction/report/document", async (DateOnly from, DateOnly to, CircularInput? input, SatisfactionCirculars c, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var doc = await c.IssueAsync(from, to, input?.Note, user, ct);
            return Results.Created($"/api/v1/documents/{doc.Id}", new { doc.Id, doc.Number, doc.Title });
        }).RequireAuthorization(RatingPolicies.Office);
        g.MapGet("/satisfaction/sections/{id:guid}", async (Guid id, DateOnly from, DateOnly to, SatisfactionRates s, ClaimsPrincipal user, SectionDirectory dir, CancellationToken ct) =>
        {
            var section = await dir.FindAsync(id, null, ct) ?? throw new NotFoundException("窗口不存在。 No such section.");
            RatingAccess.EnsureUnit(user, section.UnitId);
            return await s.ForSectionAsync(id, section.UnitId, from, to, ct);
        }).RequireAuthorization(RatingPolicies.Read);
        return app;
    }

    private static async Task<IResult> PushServiceRecordAsync(ServiceRecordInput input, MingchaDb db, SectionDirectory sections, ClaimsPrincipal user, TimeProvider time, LocalClock clock,
        RatingLinkSigner signer, HttpContext ctx, CancellationToken ct)
    {
        var caseNumber = input.CaseNumber?.Trim() ?? "";
        if (caseNumber.Length is 0 or > 64) throw new FieldException("caseNumber", "请填写办件编号（不超过 64 字符）。 Give the case number (at most 64 characters).");
        // As the import (ServiceRecordImport): an active window, a finishing time, accepted no later than finished.
        var section = await sections.FindAsync(input.SectionId, input.SectionCode, ct);
        if (section is null) throw new FieldException("sectionId", "窗口不存在或已停用。 No such window, or it is inactive.");
        if (user.UnitId() is { } bound && bound != section.UnitId)
            throw new DomainRuleException("SEC-2", "该令牌不属于此窗口的单位。 This token belongs to another unit.", 403);
        var now = time.GetUtcNow().UtcDateTime;
        if (input.FinishedAt is not { } finishedInput || finishedInput == default)
            throw new FieldException("finishedAt", "请填写办结时间。 The finishing time is required.");
        // A time without Z or an offset is office time, as in the import and for ratings (not the server's own zone).
        var finishedAt = OfficeTime.ToUtc(finishedInput, clock.Zone, "finishedAt")!.Value;
        // A window closed (撤销, decision 045) after the case was finished still takes it: business systems push late.
        if (!section.OpenAt(finishedAt)) throw new FieldException("sectionId", "窗口不存在或已停用。 No such window, or it is inactive.");
        var acceptedAt = OfficeTime.ToUtc(input.AcceptedAt, clock.Zone, "acceptedAt");
        if (finishedAt > now + Domain.Satisfaction.RatingIntake.MaxClockSkew)
            throw new FieldException("finishedAt", "办结时间晚于当前时间。 The finishing time is in the future.");
        if (acceptedAt > finishedAt)
            throw new FieldException("acceptedAt", "受理时间晚于办结时间。 Accepted after it was finished.");
        string? phone = null;
        if (!string.IsNullOrWhiteSpace(input.CitizenPhone))
        {
            if (!PhoneNumber.IsValid(input.CitizenPhone, out _)) throw new FieldException("citizenPhone", "电话号码格式不正确。 Not a valid phone number.");
            phone = PhoneNumber.Normalize(input.CitizenPhone);
        }
        var staffId = input.StaffId;
        if (staffId is null && input.StaffCode is { Length: > 0 } sc)
            staffId = await db.Staff.Where(s => s.UnitId == section.UnitId && s.Code == sc).Select(s => (Guid?)s.Id).FirstOrDefaultAsync(ct)
                ?? throw new FieldException("staffCode", "工号不存在。 No such staff member in this unit.");
        else if (staffId is { } sid && !await db.Staff.AnyAsync(s => s.Id == sid && s.UnitId == section.UnitId, ct))
            throw new FieldException("staffId", "工作人员不存在或不属于该单位。 No such staff member in this unit.");
        var itemId = input.ServiceItemId;
        if (itemId is null && input.ServiceItemCode is { Length: > 0 } ic)
            itemId = await db.ServiceItems.Where(s => s.Code == ic).Select(s => (Guid?)s.Id).FirstOrDefaultAsync(ct)
                ?? throw new FieldException("serviceItemCode", "事项不存在。 No such service item.");
        else if (itemId is { } iid && !await db.ServiceItems.AnyAsync(s => s.Id == iid, ct))
            throw new FieldException("serviceItemId", "事项不存在。 No such service item.");
        if (itemId is { } offered && !(await OfferedItems.LoadAsync(db, [section.Id], ct)).Offers(section.Id, offered))
            throw new FieldException(input.ServiceItemId is null ? "serviceItemCode" : "serviceItemId", "该窗口不办理此事项（ORG-6）。 The window does not offer this service item (ORG-6).");

        var existing = await db.ServiceRecords.AsNoTracking().FirstOrDefaultAsync(r => r.CaseNumber == caseNumber, ct);
        if (existing is not null) return Same(existing);
        var token = Guid.TryParse(user.FindFirstValue(MingchaClaims.TokenId), out var t) ? t : (Guid?)null;
        var record = new ServiceRecord(caseNumber, section.UnitId, section.Id, staffId, itemId, phone, acceptedAt, finishedAt, token, now);
        db.ServiceRecords.Add(record);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two pushes of the same case at once: the unique index kept one; answer as for a repeat.
            db.ChangeTracker.Clear();
            existing = await db.ServiceRecords.AsNoTracking().FirstOrDefaultAsync(r => r.CaseNumber == caseNumber, ct);
            if (existing is null) throw;
            return Same(existing);
        }
        return Results.Created($"/api/v1/service-records/{Uri.EscapeDataString(caseNumber)}", Pushed(record, section.Code, signer, ctx));

        IResult Same(ServiceRecord r) => r.SectionId == section.Id
            ? Results.Ok(Pushed(r, section.Code, signer, ctx))
            : throw new DomainRuleException("SAT-8", "该办件编号已用于其他窗口的办件。 This case number was pushed for another window.");
    }

    // SAT-8: the receipt's signed link to the public page of the record's window (decision 032); the pusher prints it.
    private static ServiceRecordDto Pushed(ServiceRecord r, string windowCode, RatingLinkSigner signer, HttpContext ctx) =>
        ToDto(r) with { RatingLink = signer.Link($"{ctx.Request.Scheme}://{ctx.Request.Host}", windowCode, r.CaseNumber) };

    private static ServiceRecordDto ToDto(ServiceRecord r) =>
        new(r.Id, r.CaseNumber, r.UnitId, r.SectionId, r.StaffId, r.ServiceItemId, PersonalData.MaskPhone(r.CitizenPhone), r.AcceptedAt, r.FinishedAt);

    private static async Task<IResult> GetServiceRecordAsync(string caseNumber, MingchaDb db, ClaimsPrincipal user, CancellationToken ct)
    {
        var r = await db.ServiceRecords.AsNoTracking().FirstOrDefaultAsync(x => x.CaseNumber == caseNumber, ct);
        if (r is null || !RatingAccess.Sees(user, r.UnitId)) return Results.NotFound();
        return Results.Ok(ToDto(r));
    }

    private static Task<List<RatingDto>> ListRatingsAsync(RatingList list, ClaimsPrincipal user, Guid? unitId, Guid? sectionId, DateTime? from, DateTime? to,
        bool? bad, RatingChannel? channel, string? caseNumber, int? level, bool? commented, string? item, int? take, CancellationToken ct) =>
        list.LatestAsync(user, new RatingList.Filter(unitId, sectionId, from, to, bad, channel, caseNumber, level, commented, ServiceItemChoice.Parse(item)), take, ct);

    /// <summary>SAT-2: today's counts per window (office-local day), for the control centre.</summary>
    public static async Task<List<CountsDto>> TodayAsync(MingchaDb db, ClaimsPrincipal user, LocalClock clock, CancellationToken ct)
    {
        var (from, to) = DayBoundsUtc(clock, clock.Today);
        var q = db.Ratings.AsNoTracking().Where(r => r.RatedAt >= from && r.RatedAt < to);
        if (!user.SeesAllUnits()) { var own = user.UnitId() ?? Guid.Empty; q = q.Where(r => r.UnitId == own); }
        return await q.GroupBy(r => new { r.UnitId, r.SectionId })
            .Select(g => new CountsDto(g.Key.UnitId, g.Key.SectionId, g.Count(), g.Count(r => r.CommonLevel == 1), g.Count(r => r.CommonLevel == 2), g.Count(r => r.CommonLevel == 3)))
            .ToListAsync(ct);
    }

    /// <summary>The UTC instants where an office-local day starts and ends.</summary>
    public static (DateTime From, DateTime To) DayBoundsUtc(LocalClock clock, DateOnly day) =>
        (TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue), clock.Zone), TimeZoneInfo.ConvertTimeToUtc(day.AddDays(1).ToDateTime(TimeOnly.MinValue), clock.Zone));

    /// <summary>SAT-2: server-sent events of ratings as they are stored, on this instance or (PostgreSQL) any other.</summary>
    private static async Task LiveAsync(HttpContext ctx, RatingBroadcaster broadcaster, Microsoft.Extensions.Options.IOptions<RatingOptions> options, CancellationToken ct)
    {
        var coalesce = options.Value.LiveFlushInterval;
        var user = ctx.User;
        var all = user.SeesAllUnits();
        var own = user.UnitId();
        ctx.Response.Headers.ContentType = "text/event-stream";
        ctx.Response.Headers.CacheControl = "no-cache";
        ctx.Response.Headers["X-Accel-Buffering"] = "no";
        var reader = broadcaster.Subscribe(out var subscription);
        using (subscription)
        {
            await ctx.Response.WriteAsync(": live\n\n", ct);
            await ctx.Response.Body.FlushAsync(ct);
            try
            {
                while (true)
                {
                    using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    heartbeat.CancelAfter(TimeSpan.FromSeconds(15));
                    bool more;
                    try { more = await reader.WaitToReadAsync(heartbeat.Token); }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        await ctx.Response.WriteAsync(": ping\n\n", ct);
                        await ctx.Response.Body.FlushAsync(ct);
                        continue;
                    }
                    if (!more) return;
                    while (reader.TryRead(out var batch))
                    {
                        if (all) { await ctx.Response.Body.WriteAsync(batch.All, ct); continue; }
                        for (var i = 0; i < batch.Events.Count; i++)
                            if (batch.Events[i].UnitId == own) await ctx.Response.Body.WriteAsync(batch.Frames[i], ct);
                    }
                    await ctx.Response.Body.FlushAsync(ct);
                    // Coalesce: a screen needs no more than a few updates a second, and hundreds of viewers each flushing
                    // every commit would cost a system call per viewer per commit.
                    if (coalesce > TimeSpan.Zero) await Task.Delay(coalesce, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
        }
    }

    /// <summary>
    /// SEC-4: the full phone number of a rater, for the call back; every reveal is in the audit log. A complainant's (a rating
    /// of a complaint's answer) only to the Office, or to the unit the Office granted contact for that complaint.
    /// </summary>
    private static async Task<IResult> RevealPhoneAsync(Guid id, MingchaDb db, ClaimsPrincipal user, CancellationToken ct)
    {
        var r = await db.Ratings.AsNoTracking().Where(x => x.Id == id).Select(x => new { x.UnitId, x.RaterPhone, x.CaseNumber, x.Channel }).FirstOrDefaultAsync(ct);
        if (r is null || !RatingAccess.Sees(user, r.UnitId)) return Results.NotFound();
        if ((await CallBackPhones.WithheldAsync(db, user, [(r.Channel, r.CaseNumber)], ct))(r.Channel, r.CaseNumber))
            throw new DomainRuleException("SEC-4", "投诉人的联系方式须经效能办授权承办单位后才能查看；请由效能办回访，或请效能办在投诉页面授权（SEC-4）。 "
                + "The complainant's phone is the unit's only once the Office grants it contact for the complaint: the Office calls back, or grants it on the complaint's page (SEC-4).", 403);
        // SAT-7: the rater's phone, else the one on the service record of the case rated (CallBackPhones).
        var phone = r.RaterPhone ?? CallBackPhones.For(null, r.CaseNumber, r.UnitId, await CallBackPhones.OfCasesAsync(db, [r.CaseNumber], ct));
        if (phone is null) return Results.NotFound();
        db.Audit(new AuditEvent("personal-data.reveal", nameof(Rating), id.ToString(), null,
            JsonSerializer.Serialize(new { field = r.RaterPhone is not null ? "RaterPhone" : "ServiceRecord.CitizenPhone" })));
        await db.SaveChangesAsync(ct);
        return Results.Ok(new RevealDto(phone));
    }

    private static async Task<IResult> QrAsync(Guid id, HttpContext ctx, SectionDirectory sections, CancellationToken ct)
    {
        var s = await sections.FindAsync(id, null, ct);
        if (s is null || !RatingAccess.Sees(ctx.User, s.UnitId)) return Results.NotFound();
        var url = $"{ctx.Request.Scheme}://{ctx.Request.Host}/Rate/{Uri.EscapeDataString(s.Code)}";
        using var data = QRCodeGenerator.GenerateQrCode(url, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(8);
        return Results.File(png, "image/png", $"rating-qr-{s.Code}.png");
    }
}

/// <summary>The Office's requirements for a satisfaction circular (optional).</summary>
public sealed record CircularInput(string? Note);

public static class RatingPolicies
{
    public const string DeviceWrite = "RatingsDeviceWrite";
    public const string ComplaintWrite = "RatingsComplaintWrite";
    public const string RecordsWrite = "ServiceRecordsWrite";
    public const string RecordsImport = "ServiceRecordsImport";
    public const string Read = "RatingsRead";
    public const string FollowUp = "RatingsFollowUp";
    public const string Office = "RatingsOffice";
}

/// <summary>SEC-2 for ratings: office roles and leaders see every unit, a unit liaison only their own.</summary>
public static class RatingAccess
{
    public static bool Sees(ClaimsPrincipal user, Guid unitId) => user.SeesAllUnits() || user.UnitId() == unitId;

    public static void EnsureUnit(ClaimsPrincipal user, Guid unitId)
    {
        if (!Sees(user, unitId)) throw new DomainRuleException("SEC-2", "只能查看本单位的数据。 You can see your own unit's data only.", 403);
    }

    /// <summary>
    /// The records of <paramref name="unitId"/> and <paramref name="sectionId"/> (each if given) that <paramref name="user"/>
    /// may see: a liaison's own unit's only, another unit asked for by name a 403 (SEC-2) with <paramref name="refusal"/>.
    /// </summary>
    public static IQueryable<T> ScopedTo<T>(this IQueryable<T> q, ClaimsPrincipal user, Guid? unitId, Guid? sectionId, string refusal)
        where T : class, IUnitWindowRecord
    {
        if (!user.SeesAllUnits())
        {
            var own = user.UnitId() ?? Guid.Empty;
            if (unitId is { } u && u != own) throw new DomainRuleException("SEC-2", refusal, 403);
            q = q.Where(r => r.UnitId == own);
        }
        if (unitId is { } uid) q = q.Where(r => r.UnitId == uid);
        if (sectionId is { } sid) q = q.Where(r => r.SectionId == sid);
        return q;
    }
}

/// <summary>A record of one unit's window (a rating, a case), listed by unit and window.</summary>
public interface IUnitWindowRecord
{
    Guid UnitId { get; }
    Guid SectionId { get; }
}
