using Microsoft.AspNetCore.Mvc;
using System.Reflection;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Calendar;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages;

/// <summary>
/// A page with forms: commands go through <see cref="TryAsync"/>, so a broken rule or bad input becomes a message
/// beside the form (never a 500), and a success message survives the redirect after the post.
/// </summary>
public abstract class MingchaPageModel(IStringLocalizer<SharedResource> l) : PageModel
{
    protected IStringLocalizer<SharedResource> Text => l;

    /// <summary>The outcome of the last successful command, shown once after the redirect.</summary>
    [TempData] public string? Message { get; set; }

    public string? Error { get; protected set; }

    /// <summary>The form the error belongs to, so the page opens it with the entered values.</summary>
    public string? ErrorForm { get; protected set; }

    public bool Demo { get; protected set; }

    /// <summary>Whether the error belongs to the named form (shown inside it, with the form open).</summary>
    public bool ErrorFor(string form) => Error is not null && ErrorForm == form;

    /// <summary>
    /// A value that could not be read ("maybe" for a checkbox, letters for a number) is not echoed back into the form: the
    /// field shows what the page holds and the message names it. Echoed, a checkbox cannot render it (FormatException, a 500).
    /// </summary>
    public override void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        foreach (var entry in ModelState.Values)
            if (entry.Errors.Count > 0) entry.RawValue = null;
        base.OnPageHandlerExecuting(context);
    }

    /// <summary>Runs a command; returns false and sets <see cref="Error"/> when input or a rule refuses it.</summary>
    protected async Task<bool> TryAsync(string form, Func<Task> command)
    {
        ErrorForm = form;
        if (!ModelState.IsValid)
        {
            // "NewStaff.Phone" → "Phone": the form is open beside the message, the field name is enough.
            var fields = ModelState.Where(e => e.Value?.Errors.Count > 0).Select(e => e.Key[(e.Key.LastIndexOf('.') + 1)..]);
            Error = l["输入格式有误：{0}。", string.Join(", ", fields)];
            return false;
        }
        try
        {
            await command();
            ErrorForm = null;
            return true;
        }
        catch (FieldException e) { Error = UiText.Pick(e.Message); }
        catch (DomainRuleException e) { Error = $"{UiText.Pick(e.Message)} ({e.RuleId})"; }
        catch (NotFoundException e) { Error = UiText.Pick(e.Message); }
        catch (UnavailableException e) { Error = UiText.Pick(e.Message); } // nothing was stored (e.g. an issue the database refused, decision 029)
        catch (Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException) { Error = l["该记录刚被同时提交的另一项操作修改，本次未保存；页面显示的是它现在的状态。"]; }
        catch (Microsoft.EntityFrameworkCore.DbUpdateException e) when (Data.DbErrors.IsUniqueViolation(e)) { Error = l["与同时提交的另一项操作冲突，未保存；请刷新后重试。"]; }
        catch (CalendarYearMissingException e) { Error = l["工作日历缺少 {0} 年的数据，无法计算期限（CAL-3）。请效能办导入该年的日历。", e.Year]; }
        return false;
    }

    /// <summary>Post-redirect-get with a message for the next page view.</summary>
    protected IActionResult Done(string message, object? routeValues = null)
    {
        Message = message;
        return RedirectToPage(routeValues);
    }

    /// <summary>The units in use, by code, for a page's unit picker.</summary>
    protected static async Task<IReadOnlyList<(Guid Id, string Name)>> ActiveUnitsAsync(Data.MingchaDb db, CancellationToken ct) =>
        (await db.Units.AsNoTracking().Where(u => u.Active).OrderBy(u => u.Code).Select(u => new { u.Id, u.Name }).ToListAsync(ct))
        .Select(u => (u.Id, u.Name)).ToList();

    /// <summary>
    /// The units in use at some time from <paramref name="from"/> on, for a period's unit picker: open now, or closed
    /// (撤销, decision 045) since the day before, marked as closed, so that last year's report still reaches a unit closed
    /// this month.
    /// </summary>
    protected async Task<IReadOnlyList<(Guid Id, string Name)>> UnitsInUseSinceAsync(Data.MingchaDb db, DateOnly from, CancellationToken ct)
    {
        var since = ClosedSince(from);
        return (await db.Units.AsNoTracking().Where(u => u.Active || db.UnitVersions.Any(v => v.UnitId == u.Id && !v.Active && v.ValidFrom >= since))
                .OrderBy(u => u.Code).Select(u => new { u.Id, u.Name, u.Active }).ToListAsync(ct))
            .Select(u => (u.Id, ClosedName(u.Name, u.Active))).ToList();
    }

    /// <summary>The instant from which a closure keeps a unit or window in a period's picker: the day before the period, in UTC (any office zone is inside).</summary>
    protected static DateTime ClosedSince(DateOnly from) => from.DayNumber > 1 ? from.AddDays(-1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) : DateTime.MinValue;

    /// <summary>A picker's name of a unit or window, marked when it is closed (撤销).</summary>
    protected string ClosedName(string name, bool active) => active ? name : $"{name}（{l["已撤销"]}）";

    /// <summary>An optional text field: blank means none.</summary>
    protected static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>
    /// Rule SEC-1: a handler marked <see cref="HandlerRolesAttribute"/> runs only for those roles; anyone else gets 403 (the
    /// access-denied page) before the handler or its service is reached, as the API's endpoint would, not the page with a
    /// message beside the form.
    /// </summary>
    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.HandlerMethod?.MethodInfo.GetCustomAttribute<HandlerRolesAttribute>() is { } only && !Has([.. only.Roles]))
        {
            context.Result = Forbid();
            return;
        }
        await base.OnPageHandlerExecutionAsync(context, next); // OnPageHandlerExecuting (above), the handler, OnPageHandlerExecuted
    }

    /// <summary>True when the role check of an action passes; pages use it for actions stricter than the page itself.</summary>
    protected bool Has(params string[] roles) => roles.Any(User.IsInRole);
}

/// <summary>Rule SEC-1: the roles that may use one page handler, stricter than the page (checked by <see cref="MingchaPageModel"/>).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class HandlerRolesAttribute(params string[] roles) : Attribute
{
    public IReadOnlyList<string> Roles { get; } = roles;
}
