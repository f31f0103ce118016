using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Calendar;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Calendar;

/// <summary>
/// The working-day calendar of one year (CAL-1) as month grids, a deadline calculator (CAL-2, CAL-3), and for the
/// office administrator the import of a year's official CSV and the correction of one day.
/// </summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class IndexModel(MingchaDb db, CalendarService calendar, CalendarAdmin admin, LocalClock clock, IStringLocalizer<SharedResource> l)
    : MingchaPageModel(l)
{
    public sealed record Cell(DateOnly Date, string Kind, string? Name, bool Today);
    public sealed record Month(int Number, string Title, IReadOnlyList<Cell?[]> Weeks);
    public sealed record Festival(string Name, IReadOnlyList<DateOnly> Holidays, IReadOnlyList<DateOnly> MakeupDays);
    public sealed class CorrectInput { public string? Date { get; set; } public string? Kind { get; set; } public string? Name { get; set; } }

    [BindProperty(SupportsGet = true)] public int? Year { get; set; }
    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public int? Days { get; set; }
    [BindProperty] public CorrectInput Correct { get; set; } = new();

    public IReadOnlyList<CalendarApi.YearInfo> Years { get; private set; } = [];
    public CalendarApi.YearDto? Data { get; private set; }
    public int SelectedYear { get; private set; }
    public IReadOnlyList<Month> Months { get; private set; } = [];
    public IReadOnlyList<Festival> Festivals { get; private set; } = [];
    public CalendarApi.DeadlineDto? Deadline { get; private set; }
    public IReadOnlyList<CsvLineErrorView> ImportErrors { get; private set; } = [];
    public bool CanAdminister => Has(Roles.OfficeAdmin);
    public DateOnly Today { get; private set; }

    public sealed record CsvLineErrorView(int Line, string Message);

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (From is not null || Days is not null)
        {
            CalendarApi.DeadlineDto? result = null;
            if (await TryAsync("deadline", async () => result = await CalendarApi.DeadlineAsync(From, Days, calendar, ct)))
                Deadline = result;
        }
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostImportAsync(IFormFile? file, CancellationToken ct)
    {
        if (!CanAdminister) return Forbid();
        CalendarAdmin.ImportResult? result = null;
        if (await TryAsync("import", async () => result = await CalendarApi.ImportFileAsync(file, admin, ct)))
        {
            if (result!.Ok)
                return Done(Text["已导入 {0} 年的日历，共 {1} 个节假日和调休日。", UiText.Join(result.Years.Select(y => y.ToString(CultureInfo.InvariantCulture))), result.Days], new { year = result.Years[^1] });
            ErrorForm = "import";
            Error = Text["日历文件有误，未导入任何数据。"];
            ImportErrors = result.Errors.Select(e => new CsvLineErrorView(e.Line, UiText.Pick(e.Message))).ToList();
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostCorrectAsync(CancellationToken ct)
    {
        if (!CanAdminister) return Forbid();
        if (await TryAsync("correct", () => CalendarApi.CorrectDayAsync(Correct.Date, new CalendarApi.CorrectDayRequest(Correct.Kind ?? "", Correct.Name), admin, ct)))
            return Done(Text["{0} 已更正。", Correct.Date ?? ""], new { year = Correct.Date?[..4] });
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Today = clock.Today;
        Years = await CalendarApi.YearsAsync(db, ct);
        SelectedYear = Year is { } y ? y
            : Years.Any(x => x.Year == Today.Year) ? Today.Year
            : Years.Count > 0 ? Years[^1].Year : Today.Year;
        Data = SelectedYear is >= 1 and <= 9998 ? await CalendarApi.YearAsync(db, SelectedYear, ct) : null;
        From ??= UiText.Date(Today);
        Days ??= 5;
        Correct.Date ??= UiText.Date(Today);
        var dtf = CultureInfo.CurrentCulture.DateTimeFormat;
        if (Data is null) return;

        var byDate = Data.Days.ToDictionary(d => d.Date);
        var months = new List<Month>();
        for (var m = 1; m <= 12; m++)
        {
            var first = new DateOnly(SelectedYear, m, 1);
            var weeks = new List<Cell?[]>();
            var week = new Cell?[7];
            for (var d = first; d.Month == m; d = d.AddDays(1))
            {
                var col = ((int)d.DayOfWeek + 6) % 7; // Monday first, as Chinese calendars are printed
                byDate.TryGetValue(d, out var entry);
                var kind = entry?.Kind switch
                {
                    "holiday" => "holiday",
                    "makeup_workday" => "makeup",
                    _ => d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? "off" : "work",
                };
                week[col] = new Cell(d, kind, entry?.Name, d == Today);
                if (col == 6) { weeks.Add(week); week = new Cell?[7]; }
            }
            if (week.Any(c => c is not null)) weeks.Add(week);
            months.Add(new Month(m, dtf.GetMonthName(m), weeks));
        }
        Months = months;
        Festivals = Data.Days.GroupBy(d => d.Name)
            .Select(g => new Festival(g.Key, g.Where(d => d.Kind == "holiday").Select(d => d.Date).ToList(), g.Where(d => d.Kind == "makeup_workday").Select(d => d.Date).ToList()))
            .OrderBy(f => f.Holidays.Count > 0 ? f.Holidays[0] : f.MakeupDays[0]).ToList();
    }
}
