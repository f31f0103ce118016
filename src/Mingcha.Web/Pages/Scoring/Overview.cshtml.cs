using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Mingcha.Web.Features.Scoring;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Scoring;

/// <summary>The leaders' overview: the year's figures across modules, with charts and links to the records behind them.</summary>
[Authorize(Roles = "OfficeAdmin,OfficeStaff,Leader")]
public sealed class OverviewModel(LeadersOverview overview, TimeProvider time, IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty(SupportsGet = true)] public int? Year { get; set; }
    public LeadersOverview.Overview Data { get; private set; } = null!;
    public string Json { get; private set; } = "{}";

    public async Task OnGetAsync(CancellationToken ct)
    {
        Year = Problems.IsYear(Year) ? Year : time.GetUtcNow().Year;
        var data = await overview.ForYearAsync(Year.Value, ct);
        // The figures' labels are the texts' keys: put in the reader's language once, for the lists and the charts alike.
        Data = data with { Inspections = Localized(data.Inspections), Notices = Localized(data.Notices), Complaints = Localized(data.Complaints) };
        Json = JsonSerializer.Serialize(Data, JsonSerializerOptions.Web).Replace("<", "\\u003c", StringComparison.Ordinal);
    }

    private List<LeadersOverview.Figure> Localized(IReadOnlyList<LeadersOverview.Figure> figures) => figures.Select(f => f with { Label = l[f.Label] }).ToList();
}
