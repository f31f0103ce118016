using Mingcha.Domain.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Mingcha.Web.Features.Complaints;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Complaints;

/// <summary>
/// CMP-10: complaint trends by type, unit, channel and month, charted with ECharts. The Office and leaders see every
/// unit; a liaison their own unit's. The Office reports each unit its own figures from here.
/// </summary>
[Authorize(Policy = ComplaintPolicies.Read)]
public sealed class TrendsModel(ComplaintReads reads, TrendReports reports, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public ComplaintReads.Trends? Data { get; private set; }
    public bool IsOffice { get; private set; }
    public bool OwnUnitOnly { get; private set; }

    public async Task OnGetAsync(DateOnly? from, DateOnly? to, CancellationToken ct) => await LoadAsync(from, to, ct);

    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]

    public async Task<IActionResult> OnPostReportAsync(DateOnly? from, DateOnly? to, string? note, CancellationToken ct)
    {
        TrendReports.Sent? sent = null;
        if (await TryAsync("report", async () => sent = await reports.SendAsync(new TrendReports.Report(from, to, note, null), ComplaintViewer.Of(User), ct)))
            return Done(Text["已向 {0} 个单位通报投诉趋势。", sent!.Units], new { from = UiText.Date(sent.From), to = UiText.Date(sent.To) });
        await LoadAsync(from, to, ct);
        return Page();
    }

    private async Task LoadAsync(DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        var viewer = ComplaintViewer.Of(User);
        IsOffice = viewer.IsOffice;
        OwnUnitOnly = !viewer.SeesAll;
        await TryAsync("trends", async () => Data = await reads.TrendsAsync(from, to, viewer, null, ct)); // keeps a report's error
    }
}
