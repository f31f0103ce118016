using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Organisation.Import;
using Mingcha.Web.Features.Ratings;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Ratings;

/// <summary>
/// 办件与评价 (SAT-8): the cases finished in a period, by unit and window, the latest first, 50 a page, each with the ratings
/// it received; the period's 评价率 and 主动评价率; a case found by its number; all of them as an .xlsx workbook. The Office
/// imports a CSV file or workbook of finished cases here (all rows or none, each bad row named), as
/// <c>POST /api/v1/service-records/import</c> does. A liaison sees their own unit's cases (SEC-2); phones are masked (SEC-4).
/// </summary>
[Authorize(Policy = RatingPolicies.Read)]
// Room above the import's own 20 MB: a file a little over it gets the import's message on the page, not a bare 400 from
// reading the form (beyond 60 MB the request itself is refused).
[RequestSizeLimit(ServiceRecordImport.MaxBytes * 3)]
[RequestFormLimits(MultipartBodyLengthLimit = ServiceRecordImport.MaxBytes * 3)]
public sealed class RecordsModel(ServiceRecordList list, ServiceRecordImport import, MingchaDb db, LocalClock clock, IStringLocalizer<SharedResource> l)
    : UnitPeriodPageModel(db, clock, l)
{
    public ServiceRecordList.Page? Data { get; private set; }

    /// <summary>The case number looked for (exact).</summary>
    public string? CaseNumber { get; private set; }
    public CaseRatingState? State { get; private set; }

    /// <summary>The staff member whose cases are listed (from the report's staff line), and their name.</summary>
    public Guid? StaffId { get; private set; }
    public string? StaffName { get; private set; }

    /// <summary>Whether this user imports cases (the Office; a liaison, their unit's windows).</summary>
    public bool MayImport => Has(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.UnitLiaison);

    /// <summary>The rows an import refused (nothing was stored), and how many there were.</summary>
    public (int Total, IReadOnlyList<ImportError> Errors)? ImportErrors { get; private set; }

    public async Task<IActionResult> OnGetAsync(DateOnly? from, DateOnly? to, Guid? unit, Guid? section, string? @case, CaseRatingState? state, Guid? staff,
        string? item, int? p, CancellationToken ct)
    {
        if (Refused(unit)) return NotFound();
        Prepare(from, to, unit, section, @case, state, item);
        if (!await PrepareStaffAsync(staff, ct)) return NotFound();
        if (!await TryAsync("filter", async () => Data = await list.PageAsync(User, Filter(), p ?? 1, PageSize, ct)))
            Response.StatusCode = StatusCodes.Status400BadRequest;
        await LoadPickersAsync(ct);
        return Page();
    }

    /// <summary>Every case of the filter as an .xlsx workbook (at most <see cref="ServiceRecordList.MaxExport"/>).</summary>
    public async Task<IActionResult> OnGetXlsxAsync(DateOnly? from, DateOnly? to, Guid? unit, Guid? section, string? @case, CaseRatingState? state,
        Guid? staff, string? item, CancellationToken ct)
    {
        if (Refused(unit)) return NotFound();
        Prepare(from, to, unit, section, @case, state, item);
        if (!await PrepareStaffAsync(staff, ct)) return NotFound();
        (byte[] Bytes, string Name)? file = null;
        if (await TryAsync("filter", async () => file = await list.XlsxAsync(User, Filter(), PeriodText, ChannelZh, ct)))
            return File(file!.Value.Bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", file.Value.Name);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        await LoadPickersAsync(ct);
        return Page();
    }

    /// <summary>SAT-8: an upload of finished cases; every row checked first, all stored or none; a liaison's, their unit's windows only.</summary>
    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.UnitLiaison)]
    public async Task<IActionResult> OnPostImportAsync(IFormFile? file, CancellationToken ct)
    {
        Prepare(null, null, null, null, null, null, null);
        if (file is not { Length: > 0 })
        {
            (Error, ErrorForm) = (Text["请选择要导入的 CSV 或 .xlsx 文件。"], "import");
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        else
        {
            await using var stream = file.OpenReadStream();
            var outcome = await import.RunAsync(file.FileName, stream, User, ct);
            if (outcome.Stored is { } stored)
                return Done(Text["已导入 {0} 件办件；{1} 件此前已导入，未改动。", stored.Imported, stored.Unchanged]);
            ImportErrors = (outcome.Errors.Count, outcome.Errors.Take(ServiceRecordImport.MaxErrorsListed)
                .Select(e => new ImportError(file.FileName, e.Row == 0 ? null : e.Row, e.Column == "file" ? null : e.Column, UiText.Pick(e.Message))).ToList());
            ErrorForm = "import";
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        // The page with the import's report at hand: the filter, not the list (the user corrects the file first).
        await LoadPickersAsync(ct);
        return Page();
    }

    private ServiceRecordList.Filter Filter()
    {
        Bounds(); // the period checked: 400 naming the field
        return new ServiceRecordList.Filter(UnitId, SectionId, From, To, CaseNumber, State, StaffId, ParseItem());
    }

    /// <summary>The staff member asked for, named; false for one this user may not see (another unit's: SEC-2, not told it exists).</summary>
    private async Task<bool> PrepareStaffAsync(Guid? staff, CancellationToken ct)
    {
        if (staff is not { } id) return true;
        var found = await Db.Staff.AsNoTracking().Where(s => s.Id == id).Select(s => new { s.UnitId, s.Name }).FirstOrDefaultAsync(ct);
        if (found is null || Refused(found.UnitId)) return false;
        (StaffId, StaffName) = (id, found.Name);
        return true;
    }

    private void Prepare(DateOnly? from, DateOnly? to, Guid? unit, Guid? section, string? caseNumber, CaseRatingState? state, string? item)
    {
        PreparePeriod(from, to, unit, section, item);
        CaseNumber = Blank(caseNumber);
        State = state;
    }

    /// <summary>The rating in 评价明细 (its comment, flags and follow-up): the case's ratings of the day it was given.</summary>
    public string RatingLink(ServiceRecordList.Row row, ServiceRecordList.CaseRating rating)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(rating);
        var day = UiText.Date(DateOnly.FromDateTime(OfficeClock.ToLocal(rating.RatedAt)));
        return $"/Ratings/List?from={day}&to={day}{(SeesAll ? $"&unit={row.UnitId}" : "")}&case={Uri.EscapeDataString(row.CaseNumber)}";
    }

    /// <summary>This list without its staff member (every case of the period, unit and window).</summary>
    public string LinkWithoutStaff()
    {
        var staff = StaffId;
        StaffId = null;
        try { return Link(); }
        finally { StaffId = staff; }
    }

    protected override string PagePath => "/Ratings/Records";

    protected override string FilterQuery() =>
        (CaseNumber is { } c ? $"&case={Uri.EscapeDataString(c)}" : "") + (State is { } s ? $"&state={s}" : "") + (StaffId is { } st ? $"&staff={st}" : "");
}
