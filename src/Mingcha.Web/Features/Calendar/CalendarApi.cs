using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Calendar;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Calendar;

public static class CalendarApi
{
    public sealed record DayDto(DateOnly Date, string Kind, string Name);
    public sealed record YearDto(int Year, string Source, DateTime UpdatedAt, IReadOnlyList<DayDto> Days);
    public sealed record DeadlineDto(DateOnly EventDate, int WorkingDays, DateOnly LastDay, DateTime EndsAtUtc, int WorkingDaysLeft);
    public sealed record CorrectDayRequest(string Kind, [property: StringLength(OfficialCalendarCsv.MaxNameLength)] string? Name);

    private const int MaxImportBytes = 1_000_000;

    public sealed record YearInfo(int Year, string Source, DateTime UpdatedAt);

    public static void Map(IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/v1/calendar").WithTags("Calendar");
        g.MapGet("/years", async (MingchaDb db, CancellationToken ct) => await YearsAsync(db, ct))
            .RequireAuthorization(Policies.SignedIn);
        g.MapGet("/{year:int}", async (int year, MingchaDb db, CancellationToken ct) => await YearAsync(db, year, ct) is { } y ? Results.Ok(y)
                : Results.Problem(statusCode: 404, title: $"日历中没有 {year} 年。 The calendar has no {year}.", extensions: new Dictionary<string, object?> { ["rule"] = "CAL-3" }))
            .RequireAuthorization(Policies.SignedIn);
        g.MapGet("/deadline", async (string? from, int? days, CalendarService calendar, CancellationToken ct) =>
            Results.Ok(await DeadlineAsync(from, days, calendar, ct))).RequireAuthorization(Policies.SignedIn);

        g.MapPost("/import", async (HttpRequest request, CalendarAdmin admin, CancellationToken ct) =>
        {
            CalendarAdmin.ImportResult result;
            if (request.HasFormContentType)
            {
                var form = await request.ReadFormAsync(ct);
                result = await ImportFileAsync(form.Files.Count > 0 ? form.Files[0] : null, admin, ct);
            }
            else
            {
                // Read whole and asynchronously: the parser reads lines synchronously and Kestrel refuses synchronous body reads.
                if (request.ContentLength > MaxImportBytes) return Problems.Field("body", "日历文件不应超过 1 MB。 A calendar file is under 1 MB.");
                using var bodyReader = new StreamReader(request.Body);
                var csv = await bodyReader.ReadToEndAsync(ct);
                result = await admin.ImportAsync(new StringReader(csv), CleanSource(request.Headers["X-Source"].FirstOrDefault() ?? "API"), ct);
            }
            return result.Ok
                ? Results.Ok(new { result.Years, result.Days })
                : Results.ValidationProblem(result.Errors.ToDictionary(e => $"line {e.Line}", e => new[] { e.Message }),
                    title: "日历文件有误，未导入任何数据。 The calendar file has errors; nothing was imported.");
        }).RequireAuthorization(Policies.OfficeAdmin).DisableAntiforgery();

        g.MapPut("/days/{date}", async (string date, CorrectDayRequest req, CalendarAdmin admin, CancellationToken ct) =>
        {
            await CorrectDayAsync(date, req, admin, ct);
            return Results.NoContent();
        }).RequireAuthorization(Policies.OfficeAdmin);
    }

    /// <summary>The years the calendar holds (CAL-1), ascending, with where each came from.</summary>
    public static async Task<List<YearInfo>> YearsAsync(MingchaDb db, CancellationToken ct) =>
        await db.CalendarYears.AsNoTracking().OrderBy(y => y.Year).Select(y => new YearInfo(y.Year, y.Source, y.UpdatedAt)).ToListAsync(ct);

    /// <summary>
    /// CAL-2: the last day of a deadline of <paramref name="days"/> working days after <paramref name="from"/> and the
    /// working days left today. Bad input throws <see cref="FieldException"/>; a year the calendar lacks throws
    /// <see cref="CalendarYearMissingException"/> (CAL-3).
    /// </summary>
    public static async Task<DeadlineDto> DeadlineAsync(string? from, int? days, CalendarService calendar, CancellationToken ct)
    {
        if (!DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            throw new FieldException("from", "日期格式应为 yyyy-MM-dd。 Expected a date as yyyy-MM-dd.");
        if (days is null or < 0 or > 366)
            throw new FieldException("days", "工作日数应为 0 至 366。 Working days must be between 0 and 366.");
        var deadline = await calendar.DeadlineAsync(date, days.Value, ct);
        return new DeadlineDto(date, days.Value, deadline.LastDay, deadline.EndsAtUtc(calendar.TimeZone),
            await calendar.WorkingDaysLeftAsync(deadline.LastDay, ct));
    }

    /// <summary>Imports an uploaded calendar CSV (CAL-1), all or nothing; a missing or oversized file throws <see cref="FieldException"/>.</summary>
    public static async Task<CalendarAdmin.ImportResult> ImportFileAsync(IFormFile? file, CalendarAdmin admin, CancellationToken ct)
    {
        if (file is null || file.Length == 0) throw new FieldException("file", "请选择 CSV 文件。 Choose a CSV file.");
        if (file.Length > MaxImportBytes) throw new FieldException("file", "日历文件不应超过 1 MB。 A calendar file is under 1 MB.");
        using var reader = new StreamReader(file.OpenReadStream());
        return await admin.ImportAsync(reader, CleanSource(file.FileName), ct);
    }

    /// <summary>Corrects one day: kind "holiday", "makeup_workday" or "normal" (CAL-1). Bad input throws <see cref="FieldException"/>.</summary>
    public static async Task CorrectDayAsync(string? date, CorrectDayRequest req, CalendarAdmin admin, CancellationToken ct)
    {
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            throw new FieldException("date", "日期格式应为 yyyy-MM-dd。 Expected yyyy-MM-dd.");
        CalendarDayKind? kind = req.Kind switch
        {
            "holiday" => CalendarDayKind.Holiday,
            "makeup_workday" => CalendarDayKind.MakeupWorkday,
            "normal" => null,
            _ => throw new FieldException("kind", "类型应为 holiday、makeup_workday 或 normal。 Kind must be holiday, makeup_workday or normal."),
        };
        await admin.CorrectDayAsync(d, kind, string.IsNullOrWhiteSpace(req.Name) ? null : req.Name.Trim(), ct);
    }

    /// <summary>
    /// Where a year's data came from, as the client named it (file name or X-Source header): informative only, so kept
    /// without control characters and cut to what <see cref="CalendarYear.Source"/> holds rather than refused.
    /// </summary>
    private static string CleanSource(string source)
    {
        var clean = new string(source.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return clean.Length <= CalendarYear.MaxSourceLength ? clean : clean[..CalendarYear.MaxSourceLength];
    }

    public static string KindCode(CalendarDayKind kind) => kind == CalendarDayKind.Holiday ? "holiday" : "makeup_workday";

    public static async Task<YearDto?> YearAsync(MingchaDb db, int year, CancellationToken ct)
    {
        var y = await db.CalendarYears.AsNoTracking().FirstOrDefaultAsync(x => x.Year == year, ct);
        if (y is null) return null;
        var from = new DateOnly(year, 1, 1);
        var to = new DateOnly(year, 12, 31);
        var days = await db.CalendarDays.AsNoTracking().Where(d => d.Date >= from && d.Date <= to).OrderBy(d => d.Date).ToListAsync(ct);
        return new YearDto(y.Year, y.Source, y.UpdatedAt, days.Select(d => new DayDto(d.Date, KindCode(d.Kind), d.Name)).ToList());
    }
}
