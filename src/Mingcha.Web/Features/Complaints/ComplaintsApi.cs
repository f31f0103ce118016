using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Complaints;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Calendar;
using Mingcha.Web.Features.Jobs;

namespace Mingcha.Web.Features.Complaints;

/// <summary>/api/v1/complaints (CMP-1..CMP-11, SAT-6, SEC-4) and the public intake and tracking under /api/v1/public/complaints.</summary>
public static class ComplaintsApi
{
    public static IServiceCollection AddComplaints(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<Complaints>();
        services.AddSingleton<DemoComplaints>();
        services.AddScoped<ComplaintReads>();
        services.AddScoped<TrendReports>();
        services.AddScoped<ComplaintEvidence>();
        services.Configure<ComplaintEvidenceOptions>(configuration.GetSection(ComplaintEvidenceOptions.Section));
        services.AddScoped<IReminderSource, ComplaintReminders>();
        services.Configure<Microsoft.AspNetCore.Authorization.AuthorizationOptions>(ComplaintPolicies.Add);
        services.AddSingleton<ComplaintFloodGuard>();
        return services;
    }

    public static void MapComplaintsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/v1/complaints").WithTags("Complaints");
        const string read = ComplaintPolicies.Read;
        const string office = ComplaintPolicies.Office;
        const string unit = ComplaintPolicies.Unit;

        // CMP-3: staff entry of every channel; the 12345 system's push (idempotent on its ticket number).
        // A submission key (Idempotency-Key header or submissionKey) makes a resent request the first complaint again: 200.
        g.MapPost("/", async (Complaints.FileComplaint r, Complaints h, HttpContext ctx, CancellationToken ct) =>
        {
            var filed = await h.FileAsync(r with { SubmissionKey = PublicIntake.SubmissionKey(ctx.Request, r.SubmissionKey) }, ComplaintViewer.Of(ctx.User), false, null, ct);
            return filed.Created ? Results.Created($"/api/v1/complaints/{filed.Id}", filed) : Results.Ok(filed);
        }).RequireAuthorization(office);
        g.MapPost("/hotline", async (Complaints.FileComplaint r, Complaints h, HttpContext ctx, CancellationToken ct) =>
        {
            var filed = await h.FileAsync(r with { Channel = ComplaintChannel.Hotline12345, SubmissionKey = PublicIntake.SubmissionKey(ctx.Request, r.SubmissionKey) },
                ComplaintViewer.Of(ctx.User), true, null, ct);
            return filed.Created ? Results.Created($"/api/v1/complaints/{filed.Id}", filed) : Results.Ok(filed);
        }).RequireAuthorization(ComplaintPolicies.Hotline);

        g.MapGet("/", async ([AsParameters] ListQuery q, ComplaintReads h, HttpContext ctx, CancellationToken ct) =>
            await h.ListAsync(ComplaintViewer.Of(ctx.User), new ComplaintReads.Filter(q.Status, q.UnitId, q.Type, q.Channel, q.Kind, q.Overdue, q.After, q.Limit), ct))
            .RequireAuthorization(read);
        g.MapGet("/export.xlsx", async ([AsParameters] ListQuery q, ComplaintReads h, HttpContext ctx, CancellationToken ct) =>
            Results.File(await h.ExportAsync(ComplaintViewer.Of(ctx.User), new ComplaintReads.Filter(q.Status, q.UnitId, q.Type, q.Channel, q.Kind, q.Overdue, q.After, q.Limit), ct),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "complaints.xlsx")).RequireAuthorization(read);
        g.MapGet("/{id:guid}", (Guid id, ComplaintReads h, HttpContext ctx, CancellationToken ct) => h.GetAsync(ComplaintViewer.Of(ctx.User), id, ct)).RequireAuthorization(read);
        g.MapGet("/accountability", (ComplaintReads h, CancellationToken ct) => h.TriggersAsync(ct)).RequireAuthorization(office);
        g.MapGet("/trends", (DateOnly? from, DateOnly? to, Guid? unitId, ComplaintReads h, HttpContext ctx, CancellationToken ct) =>
            h.TrendsAsync(from, to, ComplaintViewer.Of(ctx.User), unitId, ct)).RequireAuthorization(read);
        g.MapPost("/trends/report", async (TrendReports.Report r, TrendReports h, HttpContext ctx, CancellationToken ct) =>
            Results.Ok(await h.SendAsync(r, ComplaintViewer.Of(ctx.User), ct))).RequireAuthorization(office);
        g.MapGet("/repeat-flags", (ComplaintReads h, HttpContext ctx, CancellationToken ct) => h.FlagsAsync(ComplaintViewer.Of(ctx.User), ct)).RequireAuthorization(read);
        g.MapPost("/repeat-flags/{id:guid}/report", async (Guid id, Complaints.Text r, Complaints h, HttpContext ctx, CancellationToken ct) =>
        { await h.SubmitReportAsync(id, r, ComplaintViewer.Of(ctx.User), ct); return Results.NoContent(); }).RequireAuthorization(unit);
        g.MapPost("/repeat-flags/{id:guid}/file", async (Guid id, Complaints h, HttpContext ctx, CancellationToken ct) =>
        { await h.FileReportAsync(id, ComplaintViewer.Of(ctx.User), ct); return Results.NoContent(); }).RequireAuthorization(office);
        g.MapPost("/repeat-flags/{id:guid}/return", async (Guid id, Complaints.FlagReason r, Complaints h, HttpContext ctx, CancellationToken ct) =>
        { await h.ReturnReportAsync(id, r, ComplaintViewer.Of(ctx.User), ct); return Results.NoContent(); }).RequireAuthorization(office);
        g.MapPost("/repeat-flags/{id:guid}/waive", async (Guid id, Complaints.FlagReason r, Complaints h, HttpContext ctx, CancellationToken ct) =>
        { await h.WaiveReportAsync(id, r, ComplaintViewer.Of(ctx.User), ct); return Results.NoContent(); }).RequireAuthorization(office);

        // CMP-6, CMP-7: the Office's acts.
        g.MapPost("/{id:guid}/assign", async (Guid id, Complaints.Assign r, Complaints h, HttpContext ctx, CancellationToken ct) =>
            Results.Ok(new { LastDay = await h.AssignAsync(id, r, ComplaintViewer.Of(ctx.User), ct) })).RequireAuthorization(office);
        g.MapPost("/{id:guid}/not-accepted", async (Guid id, Complaints.Refuse r, Complaints h, HttpContext ctx, CancellationToken ct) =>
        { await h.RefuseAsync(id, r, ComplaintViewer.Of(ctx.User), ct); return Results.NoContent(); }).RequireAuthorization(office);
        g.MapPost("/{id:guid}/extension-decision", async (Guid id, Complaints.Decision r, Complaints h, HttpContext ctx, CancellationToken ct) =>
        { await h.DecideExtensionAsync(id, r, ComplaintViewer.Of(ctx.User), ct); return Results.NoContent(); }).RequireAuthorization(office);
        g.MapPost("/{id:guid}/review", async (Guid id, Complaints.Review r, Complaints h, HttpContext ctx, CancellationToken ct) =>
        { await h.ReviewAsync(id, r, ComplaintViewer.Of(ctx.User), ct); return Results.NoContent(); }).RequireAuthorization(office);
        g.MapPost("/{id:guid}/urge", async (Guid id, Complaints.Remark r, Complaints h, HttpContext ctx, CancellationToken ct) =>
        { await h.UrgeAsync(id, r, ComplaintViewer.Of(ctx.User), ct); return Results.NoContent(); }).RequireAuthorization(office);
        g.MapPost("/{id:guid}/accountability", async (Guid id, Complaints.Remark r, Complaints h, HttpContext ctx, CancellationToken ct) =>
        { await h.AccountabilityAsync(id, r, ComplaintViewer.Of(ctx.User), ct); return Results.NoContent(); }).RequireAuthorization(office);
        g.MapPost("/{id:guid}/query-code", async (Guid id, Complaints h, HttpContext ctx, CancellationToken ct) =>
            Results.Ok(await h.ReissueQueryCodeAsync(id, ComplaintViewer.Of(ctx.User), ct))).RequireAuthorization(office);
        g.MapPost("/{id:guid}/grant-contact", async (Guid id, Complaints h, HttpContext ctx, CancellationToken ct) =>
        { await h.GrantContactAsync(id, ComplaintViewer.Of(ctx.User), ct); return Results.NoContent(); }).RequireAuthorization(office);
        g.MapPost("/{id:guid}/evidence-case", async (Guid id, Complaints h, HttpContext ctx, CancellationToken ct) =>
            Results.Ok(new { CaseId = await h.EvidenceCaseAsync(id, ctx.User, ct) })).RequireAuthorization(office);
        g.MapPost("/{id:guid}/clue", async (Guid id, Complaints.Clue r, Complaints h, HttpContext ctx, CancellationToken ct) =>
        { await h.ClueAsync(id, r, ComplaintViewer.Of(ctx.User), ct); return Results.NoContent(); }).RequireAuthorization(office);
        // SEC-4: the full details, logged; the unit only when granted.
        g.MapPost("/{id:guid}/reveal", async (Guid id, Complaints h, HttpContext ctx, CancellationToken ct) =>
            Results.Ok(await h.RevealAsync(id, ComplaintViewer.Of(ctx.User), ct))).RequireAuthorization(read);

        // CMP-7: the unit's acts.
        g.MapPost("/{id:guid}/answer", async (Guid id, Complaints.Text r, Complaints h, HttpContext ctx, CancellationToken ct) =>
        { await h.AnswerAsync(id, r, ComplaintViewer.Of(ctx.User), ct); return Results.NoContent(); }).RequireAuthorization(unit);
        g.MapPost("/{id:guid}/return", async (Guid id, Complaints.Remark r, Complaints h, HttpContext ctx, CancellationToken ct) =>
        { await h.ReturnAsync(id, r, ComplaintViewer.Of(ctx.User), ct); return Results.NoContent(); }).RequireAuthorization(unit);
        g.MapPost("/{id:guid}/extension", async (Guid id, Complaints.ExtensionRequest r, Complaints h, HttpContext ctx, CancellationToken ct) =>
        { await h.RequestExtensionAsync(id, r, ComplaintViewer.Of(ctx.User), ct); return Results.NoContent(); }).RequireAuthorization(unit);

        // CMP-3, CMP-11: the public — no account; a query code to follow the complaint and rate the answer.
        var p = app.MapGroup("/api/v1/public/complaints").WithTags("Public").AllowAnonymous();
        // CMP-3, CMP-6: an optional one-time key (Idempotency-Key header or submissionKey): the same submission sent again is
        // answered 200 with the first complaint's number and query code and alreadyReceived, and is not stored twice.
        p.MapPost("/", async (PublicComplaint r, Complaints h, HttpContext ctx, CancellationToken ct) =>
        {
            var filed = await h.FileAsync(r.ToFile() with { SubmissionKey = PublicIntake.SubmissionKey(ctx.Request, r.SubmissionKey) }, ComplaintViewer.Public, false,
                ctx.Connection.RemoteIpAddress?.ToString() ?? "?", ct);
            var body = new { filed.Number, filed.QueryCode, filed.Kind, AlreadyReceived = !filed.Created };
            return filed.Created ? Results.Created($"/api/v1/public/complaints/{filed.QueryCode}", body) : Results.Ok(body);
        });
        // CMP-2: the same, as multipart/form-data with evidence files (photos JPEG/PNG, PDF) that go into the vault; all or nothing.
        p.MapPost("/with-evidence", async (HttpContext ctx, Complaints h, ComplaintEvidence evidence, CancellationToken ct) =>
        {
            PublicIntake.RefuseCrossSite(ctx.Request);
            evidence.LimitRequest(ctx);
            var form = await PublicIntake.ReadFormAsync(ctx.Request, ct);
            var r = PublicIntake.Bind(form);
            using var staged = await evidence.StageAsync(form.Files.Select(f => new ComplaintAttachment(f.FileName, f.Length, f.OpenReadStream)).ToList(), ct);
            var filed = await h.FileAsync(r.ToFile() with { SubmissionKey = PublicIntake.SubmissionKey(ctx.Request, r.SubmissionKey) }, ComplaintViewer.Public, false,
                ctx.Connection.RemoteIpAddress?.ToString() ?? "?", staged, ct);
            var body = new { filed.Number, filed.QueryCode, filed.Kind, Files = staged.Files.Count, AlreadyReceived = !filed.Created };
            return filed.Created ? Results.Created($"/api/v1/public/complaints/{filed.QueryCode}", body) : Results.Ok(body);
        });
        p.MapGet("/{code}", (string code, ComplaintReads h, CancellationToken ct) => h.TrackAsync(code, ct));
        p.MapPost("/{code}/rating", async (string code, Complaints.PublicRating r, Complaints h, CancellationToken ct) =>
        { await h.RateAsync(code, r, ct); return Results.NoContent(); });
    }

    public sealed record ListQuery(ComplaintStatus? Status, Guid? UnitId, ComplaintType? Type, ComplaintChannel? Channel, ComplaintKind? Kind, bool? Overdue, string? After, int? Limit);

    /// <summary>What the public form sends: always channel "web", received now.</summary>
    public sealed record PublicComplaint(
        [property: System.ComponentModel.DataAnnotations.Required] ComplaintType? Type,
        [property: System.ComponentModel.DataAnnotations.Required] Guid? UnitId,
        [property: System.ComponentModel.DataAnnotations.StringLength(100)] string? StaffNamed,
        [property: System.ComponentModel.DataAnnotations.Required, System.ComponentModel.DataAnnotations.StringLength(200, MinimumLength = 1)] string Matter,
        [property: System.ComponentModel.DataAnnotations.Required, System.ComponentModel.DataAnnotations.StringLength(4000, MinimumLength = 1)] string Reasons,
        [property: System.ComponentModel.DataAnnotations.StringLength(1000)] string? EvidenceNote,
        [property: System.ComponentModel.DataAnnotations.StringLength(100)] string? Name,
        [property: System.ComponentModel.DataAnnotations.StringLength(32)] string? Phone,
        [property: System.ComponentModel.DataAnnotations.StringLength(32)] string? IdNumber,
        bool? Anonymous,
        bool? HasInterest,
        [property: System.ComponentModel.DataAnnotations.StringLength(128)] string? SubmissionKey = null)
    {
        public Complaints.FileComplaint ToFile() => new(ComplaintChannel.Web, Type, UnitId, null, null, StaffNamed, Matter, Reasons, EvidenceNote, Name, Phone, IdNumber,
            Anonymous, HasInterest, null, null, SubmissionKey);
    }
}

/// <summary>The multipart public intake: the form's fields bound and checked as the JSON body is, and no cross-site posts.</summary>
internal static class PublicIntake
{
    /// <summary>
    /// A multipart form is a "simple" request a foreign web page could make a visitor's browser send; browsers mark those
    /// (Sec-Fetch-Site, Origin), so they are refused. Integration clients send neither header.
    /// </summary>
    public static void RefuseCrossSite(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        var origin = request.Headers.Origin.ToString();
        var foreign = string.Equals(site, "cross-site", StringComparison.OrdinalIgnoreCase)
            || origin.Length > 0 && !(Uri.TryCreate(origin, UriKind.Absolute, out var o) && string.Equals(o.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
        if (foreign)
            throw new DomainRuleException("CMP-3", "不接受来自其他网站的投诉提交，请使用本站投诉页面。 Complaints are not accepted from another site's page; use this site's form.", 403);
    }

    /// <summary>
    /// CMP-3: the one-time submission key of a request: the <c>Idempotency-Key</c> header (a structured-field string, quotes
    /// allowed) or the body's <c>submissionKey</c>; both, if given, must agree (else 400).
    /// </summary>
    public static string? SubmissionKey(HttpRequest request, string? bodyKey)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers["Idempotency-Key"].ToString().Trim();
        if (header.Length >= 2 && header[0] == '"' && header[^1] == '"') header = header[1..^1];
        if (header.Length == 0) return bodyKey;
        if (!string.IsNullOrWhiteSpace(bodyKey) && bodyKey.Trim() != header)
            throw new FieldException("submissionKey", "Idempotency-Key 与 submissionKey 不一致。 The Idempotency-Key header and submissionKey differ.");
        return header;
    }

    public static async Task<IFormCollection> ReadFormAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasFormContentType)
            throw new FieldException("files", "请以 multipart/form-data 提交投诉和证据文件。 Send the complaint and its files as multipart/form-data.");
        try
        {
            return await request.ReadFormAsync(ct);
        }
        catch (InvalidDataException e)
        {
            var tooLarge = e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase);
            throw new DomainRuleException("CMP-2", tooLarge
                ? "提交的内容过大（CMP-2）。 The request is too large (CMP-2)."
                : "提交的内容格式不正确。 The form is malformed.", tooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest);
        }
        catch (BadHttpRequestException e)
        {
            throw new DomainRuleException("CMP-2", e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? "提交的内容过大（CMP-2）。 The request is too large (CMP-2)."
                : "提交的内容格式不正确。 The form is malformed.", e.StatusCode);
        }
    }

    /// <summary>The fields of <see cref="ComplaintsApi.PublicComplaint"/> from the form, with its checks (400 naming the field).</summary>
    public static ComplaintsApi.PublicComplaint Bind(IFormCollection form)
    {
        string? Text(string key) => form.TryGetValue(key, out var v) && !string.IsNullOrEmpty(v.ToString()) ? v.ToString() : null;
        bool? Flag(string key) => Text(key) is not { } v ? null
            : bool.TryParse(v.Split(',')[0], out var b) ? b : throw new FieldException(key, "应为 true 或 false。 Expected true or false.");
        var typeText = Text("type");
        ComplaintType? type = typeText is null ? null
            : !typeText.Contains(',', StringComparison.Ordinal) && Enum.TryParse<ComplaintType>(typeText, true, out var t) && Enum.IsDefined(t) && !int.TryParse(typeText, out _) ? t
            : throw new FieldException("type", "投诉类型须为八类之一（CMP-4）。 The type is one of the eight of CMP-4.");
        var unitText = Text("unitId");
        Guid? unitId = unitText is null ? null : Guid.TryParse(unitText, out var u) ? u : throw new FieldException("unitId", "单位标识无效。 Not a unit id.");
        var r = new ComplaintsApi.PublicComplaint(type, unitId, Text("staffNamed"), Text("matter") ?? "", Text("reasons") ?? "", Text("evidenceNote"),
            Text("name"), Text("phone"), Text("idNumber"), Flag("anonymous"), Flag("hasInterest"), Text("submissionKey"));
        var errors = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(r, new System.ComponentModel.DataAnnotations.ValidationContext(r), errors, true))
        {
            var first = errors[0];
            var member = first.MemberNames.FirstOrDefault() ?? "form";
            throw new FieldException(char.ToLowerInvariant(member[0]) + member[1..], first.ErrorMessage ?? "字段无效。 Invalid field.");
        }
        return r;
    }
}

/// <summary>
/// Reminders (CAL-2): to the unit 2 working days before its last day, and to the Office once a complaint is overdue; the same
/// for the special self-inspection report a repeat flag asks for (CMP-9).
/// </summary>
public sealed class ComplaintReminders(CalendarService calendar) : IReminderSource
{
    public const int DaysBefore = 2;

    /// <summary>CMP-1: working days a complaint may wait on the Office (to be assigned, or its answer reviewed) before it is reminded.</summary>
    public const int OfficeWaitWorkingDays = 2;

    public async IAsyncEnumerable<Reminder> DueAsync(MingchaDb db, DateOnly today, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var cal = await calendar.GetAsync(ct);
        var horizon = today.AddDays(30);
        var open = await db.Complaints.AsNoTracking().Where(c => c.Status == ComplaintStatus.Assigned && c.LastDay != null && c.LastDay <= horizon)
            .OrderBy(c => c.LastDay).ThenBy(c => c.Id).Select(c => new { c.Id, c.Number, c.UnitId, c.LastDay }).Take(5000).ToListAsync(ct);
        foreach (var c in open)
        {
            var left = cal.WorkingDaysLeftIfKnown(today, c.LastDay!.Value); // null without the year: overdue still counts (CAL-3)
            if (left is >= 1 and <= DaysBefore)
                yield return new Reminder(null, Roles.UnitLiaison, c.UnitId, "complaint.reminder",
                    $"投诉答复期限提醒：{c.Number} 须于 {c.LastDay:yyyy-MM-dd} 前答复（剩 {left} 个工作日）。 Answer complaint {c.Number} by {c.LastDay:yyyy-MM-dd}.",
                    null, "/Complaints/Unit", $"complaint.reminder:{c.Id}:{c.LastDay:yyyy-MM-dd}:{today:yyyy-MM-dd}");
            else if (today > c.LastDay!.Value)
                yield return new Reminder(null, Roles.OfficeStaff, null, "complaint.overdue",
                    $"投诉逾期未答复：{c.Number}（期限 {c.LastDay:yyyy-MM-dd}），请催办（CMP-8）。 Complaint {c.Number} is overdue: urge the unit.",
                    null, $"/Complaints/Detail/{c.Id}", $"complaint.overdue:{c.Id}:{today:yyyy-MM-dd}");
        }

        // CMP-1: every complaint investigated and answered, the Office's own steps too: one waiting on the Office (to be
        // assigned, reassigned after a return, or its answer reviewed) for more than OfficeWaitWorkingDays is reminded daily.
        var waiting = await db.Complaints.AsNoTracking()
            .Where(c => c.Status == ComplaintStatus.Received || c.Status == ComplaintStatus.ReturnedToOffice || c.Status == ComplaintStatus.Answered
                || c.Status == ComplaintStatus.UnderReview)
            .OrderBy(c => c.ReceivedAt).ThenBy(c => c.Id).Select(c => new { c.Id, c.Number, c.Status, c.ReceivedOn, c.AnsweredAt }).Take(5000).ToListAsync(ct);
        foreach (var c in waiting)
        {
            var review = c.Status is ComplaintStatus.Answered or ComplaintStatus.UnderReview;
            var since = review && c.AnsweredAt is { } answered ? calendar.LocalDate(answered) : c.ReceivedOn;
            // Working days from the day after `since` to today: how long it has waited on the Office.
            if (since >= today || cal.WorkingDaysLeftIfKnown(since.AddDays(1), today) is not { } waited || waited <= OfficeWaitWorkingDays) continue;
            yield return new Reminder(null, Roles.OfficeStaff, null, review ? "complaint.review-waiting" : "complaint.unassigned",
                review ? $"投诉 {c.Number} 已答复 {waited} 个工作日，待效能办审核（CMP-1）。 Complaint {c.Number} awaits the Office's review."
                       : $"投诉 {c.Number} 已登记 {waited} 个工作日，尚未交办（CMP-1）。 Complaint {c.Number} awaits assignment.",
                null, $"/Complaints/Detail/{c.Id}", $"complaint.waiting:{c.Id}:{today:yyyy-MM-dd}");
        }

        // CMP-9: the special self-inspection report, due 10 working days after the flag.
        var flags = await db.RepeatFlags.AsNoTracking().Where(f => f.FiledAt == null && f.SubmittedAt == null && f.ReportLastDay <= horizon)
            .OrderBy(f => f.ReportLastDay).ThenBy(f => f.Id).Select(f => new { f.Id, f.UnitId, f.ReportLastDay }).Take(5000).ToListAsync(ct);
        foreach (var f in flags)
        {
            var left = cal.WorkingDaysLeftIfKnown(today, f.ReportLastDay);
            if (left is >= 1 and <= DaysBefore)
                yield return new Reminder(null, Roles.UnitLiaison, f.UnitId, "complaint.repeat-reminder",
                    $"专项自查整改报告须于 {f.ReportLastDay:yyyy-MM-dd} 前报送（剩 {left} 个工作日，CMP-9）。 File the special self-inspection report by {f.ReportLastDay:yyyy-MM-dd}.",
                    null, "/Complaints/Unit", $"complaint.repeat-reminder:{f.Id}:{today:yyyy-MM-dd}");
            else if (today > f.ReportLastDay)
                yield return new Reminder(null, Roles.OfficeStaff, null, "complaint.repeat-overdue",
                    $"单位逾期未报送专项自查整改报告（期限 {f.ReportLastDay:yyyy-MM-dd}，CMP-9），请督促。 A unit's special self-inspection report is overdue: urge it.",
                    null, "/Complaints/Repeats", $"complaint.repeat-overdue:{f.Id}:{today:yyyy-MM-dd}");
        }
    }
}

/// <summary>
/// CMP-3: a flood of public complaints from one address is refused (429). Counted only when a complaint is about to be stored,
/// so a mistyped form does not spend the citizen's allowance; per address, a fixed window of an hour.
/// </summary>
public sealed class ComplaintFloodGuard(IConfiguration configuration) : IDisposable
{
    private readonly FixedWindowGuard<string> _perAddress = new(configuration.GetValue("Mingcha:Complaints:PublicPermitsPerHour", 5), TimeSpan.FromHours(1));

    public void Acquire(string address)
    {
        if (!_perAddress.TryAcquire(address))
            throw new DomainRuleException("CMP-3", "同一地址提交投诉过于频繁，请稍后再试或拨打投诉电话（CMP-3）。 Too many complaints from this address; try again later or call the complaint hotline (CMP-3).", 429);
    }

    public void Dispose() => _perAddress.Dispose();
}
