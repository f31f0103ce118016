using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Inspections;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Inspections;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Inspections;

/// <summary>
/// INS-3: the quarterly self-inspection report (效能自查报告). A unit's liaison sees the year's four quarters — reported,
/// due, or not begun — and reports a quarter here; a quarter that ended without a report costs the unit 3 points (the
/// 01:30 job), listed with the spot checks' points (INS-4). The Office and leaders see every unit's reports of the year.
/// </summary>
[Authorize(Policy = VisitPolicies.OpenRead)]
public sealed class SelfInspectionModel(OpenInspections open, MingchaDb db, LocalClock clock, IAuthorizationService authorization, IStringLocalizer<SharedResource> l)
    : MingchaPageModel(l)
{
    public int Year { get; private set; }
    public DateOnly Today { get; private set; }
    public bool IsUnit { get; private set; }
    public IReadOnlyList<OpenInspections.SelfInspectionLine> Reports { get; private set; } = [];
    public IReadOnlyList<OpenInspections.DeductionLine> Deductions { get; private set; } = [];
    public IReadOnlyDictionary<Guid, string> UnitNames { get; private set; } = new Dictionary<Guid, string>();

    [BindProperty, Range(1, 4)] public int Quarter { get; set; }
    [BindProperty, StringLength(8000)] public string? Summary { get; set; }

    public async Task OnGetAsync(int? year, CancellationToken ct) => await LoadAsync(year, ct);

    private async Task LoadAsync(int? year, CancellationToken ct)
    {
        Today = clock.Today;
        Year = Problems.IsYear(year) ? year.Value : Today.Year;
        IsUnit = User.IsInRole(Roles.UnitLiaison) && !Has(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Leader);
        Reports = await open.SelfInspectionsAsync(Year, null, User, ct);
        Deductions = await open.DeductionsAsync(Year, null, User, ct);
        var ids = Reports.Select(r => r.UnitId).Concat(Deductions.Select(d => d.UnitId)).Distinct().ToList();
        UnitNames = await db.Units.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Name, ct);
    }

    /// <summary>A quarter's state for the unit: reported, due (begun, not reported), or not begun yet.</summary>
    public string StateOf(int quarter) =>
        Reports.Any(r => r.Quarter == quarter) ? "reported"
        : OpenInspectionRules.QuarterEnd(Year, quarter).AddMonths(-3) < Today ? "due" : "later";

    public async Task<IActionResult> OnPostAsync(int year, CancellationToken ct)
    {
        // SEC-1: reading is OpenRead's (leaders too); reporting is SelfReport's, as on the API (leaders only read).
        if (!(await authorization.AuthorizeAsync(User, VisitPolicies.SelfReport)).Succeeded) return Forbid();
        if (await TryAsync("report", () => open.SubmitSelfInspectionAsync(
                new OpenInspections.SubmitSelfInspection(null, year, Quarter, Blank(Summary) ?? throw new FieldException("summary", Text["请填写自查情况。"]), null), User, ct)))
            return Done(Text["第 {0} 季度自查报告已报送。", Quarter], new { year });
        Response.StatusCode = StatusCodes.Status400BadRequest;
        await LoadAsync(year, ct);
        return Page();
    }
}
