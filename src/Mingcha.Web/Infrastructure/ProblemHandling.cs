using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Mingcha.Domain.Calendar;

namespace Mingcha.Web.Infrastructure;

/// <summary>
/// Turns the exceptions that mean "bad request" into RFC 9457 ProblemDetails: a broken rule 409/422 with
/// its ID, a malformed body 400 naming the field, a missing record 404, a write a unique index or a row's version refused
/// (a race with another request) 409. Anything else stays a 500 and is logged.
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        // A browser's page request gets the error page instead (its own exception handler, Program.cs).
        if (PageRequests.WantsPage(httpContext)) return false;
        var problem = Describe(exception);
        if (problem is null) return false;
        httpContext.Response.StatusCode = problem.Status ?? 400;
        if (exception is UnavailableException { RetryAfterSeconds: { } retry })
            httpContext.Response.Headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    public static ProblemDetails? Describe(Exception exception) => exception switch
    {
        DomainRuleException e => Rule(e.StatusCode, e.RuleId, e.Message),
        CalendarYearMissingException e => Rule(422, "CAL-3", e.Message),
        NotFoundException e => new ProblemDetails { Status = 404, Title = e.Message },
        FieldException e => FieldProblem(e.Field, e.Message),
        FieldsException e => new ValidationProblemDetails(e.Errors.ToDictionary(x => x.Key, x => x.Value)) { Status = 400, Title = "请求内容有误。 The request is invalid." },
        UnavailableException e => new ProblemDetails { Status = 503, Title = e.Message },
        BadHttpRequestException e => BadRequest(e),
        JsonException e => Field(e.Path, "请求内容不是有效的 JSON。 The body is not valid JSON: " + e.Message),
        // Two requests read the same version of a record and both changed it (IVersioned, or another concurrency token such
        // as a document's withdrawal): the second to save stored nothing (its transaction rolled back). Asked again, it meets
        // the record as it now is.
        Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException => new ProblemDetails
        {
            Status = 409,
            Title = "该记录已被同时提交的另一项操作修改，本次未保存；请刷新查看其现状后再操作。 The record was changed by another request at the same moment; nothing was saved. Reload to see where it stands.",
        },
        // Two requests passed the same check at the same instant and a unique index refused the second: nothing of it
        // was stored (its transaction rolled back), and the same request now gets the usual answer.
        Microsoft.EntityFrameworkCore.DbUpdateException e when Data.DbErrors.IsUniqueViolation(e) => new ProblemDetails
        {
            Status = 409,
            Title = "与同时提交的另一项操作冲突，未保存；请刷新后重试。 Another change made at the same moment conflicts with this one; nothing was saved. Reload and try again.",
        },
        _ => null,
    };

    private static ProblemDetails Rule(int status, string rule, string message)
    {
        var p = new ProblemDetails { Status = status, Title = message, Type = $"https://mingcha.local/rules/{rule}" };
        p.Extensions["rule"] = rule;
        return p;
    }

    private static ProblemDetails BadRequest(BadHttpRequestException e)
    {
        if (e.InnerException is JsonException json) return Field(json.Path, "请求内容格式错误。 Malformed request body: " + json.Message);
        return new ProblemDetails { Status = e.StatusCode, Title = e.Message };
    }

    private static ValidationProblemDetails FieldProblem(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] }) { Status = 400, Title = "请求内容有误。 The request is invalid." };

    private static ValidationProblemDetails Field(string? path, string message)
    {
        var field = string.IsNullOrEmpty(path) ? "body" : path.TrimStart('$', '.');
        return new ValidationProblemDetails(new Dictionary<string, string[]> { [field.Length == 0 ? "body" : field] = [message] })
        {
            Status = 400,
            Title = "请求内容有误。 The request is invalid.",
        };
    }
}

/// <summary>
/// Which requests are a browser's pages: not under <c>/api</c>, and asking for HTML. Their errors (an exception, or an
/// empty 4xx/5xx answer) are shown on the error page in the site's layout; everything else (the API, scripts' fetches,
/// health checks, tools) keeps its ProblemDetails.
/// </summary>
public static class PageRequests
{
    public static bool WantsPage(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)) return false;
        foreach (var accept in context.Request.Headers.Accept)
            if (accept is not null && accept.Contains("text/html", StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <summary>
    /// Exceptions: for pages, re-executes <c>/Error</c> with the status the exception means (a refusal the application
    /// explained is not logged as a failure); for the rest, ProblemDetails (<see cref="ProblemExceptionHandler"/>).
    /// </summary>
    public static IApplicationBuilder UseExceptionAnswers(this IApplicationBuilder app) => app
        .UseWhen(WantsPage, page => page.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandlingPath = "/Error",
            StatusCodeSelector = e => ProblemExceptionHandler.Describe(e)?.Status ?? StatusCodes.Status500InternalServerError,
            AllowStatusCode404Response = true,
            SuppressDiagnosticsCallback = c => ProblemExceptionHandler.Describe(c.Exception) is not null,
        }))
        .UseWhen(c => !WantsPage(c), api => api.UseExceptionHandler());

    /// <summary>Empty 4xx/5xx answers: for pages, the error page (<c>/Error</c>, re-executed); for the rest, a ProblemDetails body.</summary>
    public static IApplicationBuilder UseStatusCodeAnswers(this IApplicationBuilder app) => app
        .UseWhen(WantsPage, page => page.UseStatusCodePagesWithReExecute("/Error"))
        .UseWhen(c => !WantsPage(c), api => api.UseStatusCodePages());
}

/// <summary>Small helpers for validating API bodies by hand where data annotations do not fit.</summary>
public static class Problems
{
    /// <summary>The years Mingcha keeps (its calendar, its periods): a date beyond them overflows the office-time bounds of a day.</summary>
    public const int FirstYear = 2000, LastYear = 2100;

    /// <summary>Whether <paramref name="year"/> is one Mingcha keeps (pages fall back to the current year otherwise).</summary>
    public static bool IsYear([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] int? year) => year is >= FirstYear and <= LastYear;

    /// <summary>Refuses a year outside <see cref="FirstYear"/>..<see cref="LastYear"/>, naming <paramref name="field"/>; null passes.</summary>
    public static void RequireYear(int? year, string field = "year")
    {
        if (year is < FirstYear or > LastYear)
            throw new FieldException(field, $"年份须在 {FirstYear} 至 {LastYear} 之间。 The year must be {FirstYear} to {LastYear}.");
    }

    /// <summary>Refuses a day outside the years <see cref="FirstYear"/>..<see cref="LastYear"/>, naming <paramref name="field"/>.</summary>
    public static void RequireDay(DateOnly day, string field)
    {
        if (day.Year is < FirstYear or > LastYear)
            throw new FieldException(field, $"日期须在 {FirstYear} 至 {LastYear} 年之间。 The date must be within {FirstYear} to {LastYear}.");
    }

    public static IResult Field(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] },
            title: "请求内容有误。 The request is invalid.");

    /// <summary>
    /// The maximum lengths (<see cref="System.ComponentModel.DataAnnotations.StringLengthAttribute"/>) of a request record's
    /// text, for handlers that pages call: an over-long text is the user's error, named, in both languages, never a 500
    /// from the database. Required fields and rules stay with the handler, whose messages name the rule.
    /// </summary>
    public static void ValidateLengths(object request)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var property in request.GetType().GetProperties())
        {
            if (property.PropertyType != typeof(string) || property.GetValue(request) is not string text) continue;
            var limit = property.GetCustomAttributes(typeof(System.ComponentModel.DataAnnotations.StringLengthAttribute), true)
                .Cast<System.ComponentModel.DataAnnotations.StringLengthAttribute>().FirstOrDefault()?.MaximumLength;
            if (limit is { } max && text.Length > max)
                throw new FieldException(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(property.Name),
                    $"内容过长，最多 {max} 字。 Too long: at most {max} characters.");
        }
    }

    /// <summary>
    /// Checks the data annotations of a request record, for handlers that pages call as well as endpoints
    /// (endpoints are validated before the handler runs; pages are not). Throws <see cref="FieldException"/>.
    /// </summary>
    /// <summary>
    /// An attribute's verdict; a value it cannot even compare is invalid (RangeAttribute(int, int) converts a decimal to
    /// int and throws OverflowException for 3,000,000,000, where the API's own validation answers 400).
    /// </summary>
    private static bool IsValid(System.ComponentModel.DataAnnotations.ValidationAttribute a, object? value)
    {
        try { return a.IsValid(value); }
        catch (Exception e) when (e is OverflowException or FormatException or InvalidCastException) { return false; }
    }

    public static void Validate(object request)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Property by property, in declaration order, so that the first field named is the form's first wrong one; a
        // message of the attribute's own when it has one, else in both languages (the framework's default is English only).
        foreach (var property in request.GetType().GetProperties())
        {
            var value = property.GetValue(request);
            foreach (var a in property.GetCustomAttributes(typeof(System.ComponentModel.DataAnnotations.ValidationAttribute), true)
                         .Cast<System.ComponentModel.DataAnnotations.ValidationAttribute>())
            {
                if (IsValid(a, value)) continue;
                throw new FieldException(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(property.Name), Message(a, property.Name, value));
            }
        }
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        bool valid;
        try { valid = System.ComponentModel.DataAnnotations.Validator.TryValidateObject(request, new(request), results, validateAllProperties: true); }
        catch (Exception e) when (e is OverflowException or FormatException or InvalidCastException)
        {
            throw new FieldException("body", "数值超出范围。 A number is out of range.");
        }
        if (valid) return;
        var first = results[0];
        var member = first.MemberNames.FirstOrDefault() ?? "body";
        throw new FieldException(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(member), first.ErrorMessage ?? "无效。 Invalid.");
    }

    private static string Message(System.ComponentModel.DataAnnotations.ValidationAttribute a, string name, object? value) => a switch
    {
        { ErrorMessage: not null } => a.FormatErrorMessage(name),
        System.ComponentModel.DataAnnotations.RequiredAttribute => "请填写此项。 This field is required.",
        System.ComponentModel.DataAnnotations.RangeAttribute r =>
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"须在 {r.Minimum} 至 {r.Maximum} 之间。 Must be between {r.Minimum} and {r.Maximum}."),
        System.ComponentModel.DataAnnotations.StringLengthAttribute l when value is string t && t.Length > l.MaximumLength =>
            $"内容过长，最多 {l.MaximumLength} 字。 Too long: at most {l.MaximumLength} characters.",
        System.ComponentModel.DataAnnotations.StringLengthAttribute l => $"内容过短，至少 {l.MinimumLength} 字。 Too short: at least {l.MinimumLength} characters.",
        _ => a.FormatErrorMessage(name),
    };
}
