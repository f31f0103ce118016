using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Ratings;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Ratings;

/// <summary>
/// The satisfaction report for a month, a quarter, a year or any period (SAT-1, SAT-4, SAT-7): every unit ranked by its
/// satisfaction coefficient, then one unit's windows and staff; the same tables as an .xlsx workbook. The Office and
/// leaders see every unit, a liaison their own unit (SEC-2).
/// </summary>
[Authorize(Policy = RatingPolicies.Read)]
public sealed class ReportModel(SatisfactionReport reports, SatisfactionCirculars circulars, MingchaDb db, LocalClock clock, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public sealed record Preset(string Label, DateOnly From, DateOnly To);

    public SatisfactionReport.Report? Data { get; private set; }
    public DateOnly From { get; private set; }
    public DateOnly To { get; private set; }
    public Guid? UnitId { get; private set; }
    public bool SeesAll { get; private set; }
    public IReadOnlyList<Preset> Presets { get; private set; } = [];

    /// <summary>Every unit, for those who see all of them to pick one (a unit nobody rated is reached this way too).</summary>
    public IReadOnlyList<(Guid Id, string Name)> Units { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(DateOnly? from, DateOnly? to, Guid? unit, CancellationToken ct)
    {
        if (Refused(unit)) return NotFound();
        Prepare(from, to, unit);
        if (!await TryAsync("period", async () => Data = await reports.BuildAsync(User, From, To, UnitId, ct)))
            Response.StatusCode = StatusCodes.Status400BadRequest;
        if (SeesAll)
            Units = await UnitsInUseSinceAsync(db, From, ct);
        return Page();
    }

    /// <summary>The same report as an .xlsx workbook (numbers as numbers).</summary>
    public async Task<IActionResult> OnGetXlsxAsync(DateOnly? from, DateOnly? to, Guid? unit, CancellationToken ct)
    {
        if (Refused(unit)) return NotFound();
        Prepare(from, to, unit);
        SatisfactionReport.Report? report = null;
        if (!await TryAsync("period", async () => report = await reports.BuildAsync(User, From, To, UnitId, ct)))
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var (bytes, name) = SatisfactionReport.ToXlsx(report!);
        return File(bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name);
    }

    /// <summary>The Office issues the period's circular to every unit ranked (SAT-4, 通报).</summary>
    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]
    public async Task<IActionResult> OnPostIssueAsync(DateOnly? from, DateOnly? to, string? note, CancellationToken ct)
    {
        Prepare(from, to, null);
        Features.Documents.IssuedDocument? doc = null;
        if (await TryAsync("issue", async () => doc = await circulars.IssueAsync(From, To, note, User, ct)))
            return Done(Text["满意度通报已印发：{0}", doc!.Number], new { from = UiText.Date(From), to = UiText.Date(To) });
        Response.StatusCode = StatusCodes.Status400BadRequest;
        await TryAsync("period", async () => Data = await reports.BuildAsync(User, From, To, null, ct));
        ErrorForm = "issue";
        return Page();
    }

    /// <summary>The Office issues circulars (the issue form is shown to it only).</summary>
    public bool IsOffice => Has(Roles.OfficeAdmin, Roles.OfficeStaff);

    /// <summary>SEC-2: another unit's report is not there for a liaison (404, as for any record not theirs).</summary>
    private bool Refused(Guid? unit) => unit is { } u && !RatingAccess.Sees(User, u);

    private void Prepare(DateOnly? from, DateOnly? to, Guid? unit)
    {
        SeesAll = User.SeesAllUnits();
        UnitId = unit ?? (SeesAll ? null : User.UnitId());
        var today = clock.Today;
        var month = new DateOnly(today.Year, today.Month, 1);
        var quarter = new DateOnly(today.Year, (today.Month - 1) / 3 * 3 + 1, 1);
        Presets =
        [
            new(Text["本月"], month, today),
            new(Text["上月"], month.AddMonths(-1), month.AddDays(-1)),
            new(Text["本季度"], quarter, today),
            new(Text["上季度"], quarter.AddMonths(-3), quarter.AddDays(-1)),
            new(Text["本年度"], new DateOnly(today.Year, 1, 1), today),
            new(Text["上年度"], new DateOnly(today.Year - 1, 1, 1), new DateOnly(today.Year - 1, 12, 31)),
        ];
        From = from ?? month;
        To = to ?? (from is { } f && f > today ? f : today);
    }

    /// <summary>The query string of this report with another unit (null: all units) or handler; or of another page (评价明细) for the same.</summary>
    public string Link(Guid? unit, string? handler = null, string page = "/Ratings/Report")
    {
        var q = $"?from={UiText.Date(From)}&to={UiText.Date(To)}";
        if (unit is { } u) q += $"&unit={u}";
        if (handler is not null) q += $"&handler={handler}";
        return page + q;
    }

    public string PresetLink(Preset p) =>
        $"/Ratings/Report?from={UiText.Date(p.From)}&to={UiText.Date(p.To)}" + (UnitId is { } u && SeesAll ? $"&unit={u}" : "");
}
