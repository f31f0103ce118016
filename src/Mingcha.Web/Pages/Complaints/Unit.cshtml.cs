using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Mingcha.Web.Features.Complaints;

namespace Mingcha.Web.Pages.Complaints;

/// <summary>The unit handler's page: the complaints now with their unit (SEC-2), deadlines in working days, and repeat flags (CMP-9).</summary>
[Authorize(Policy = ComplaintPolicies.Unit)]
public sealed class UnitModel(ComplaintReads reads, Features.Complaints.Complaints complaints, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public ComplaintReads.Page Result { get; private set; } = new([], null);
    public IReadOnlyList<ComplaintReads.FlagLine> Flags { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostReportAsync(Guid flagId, string? report, CancellationToken ct)
    {
        if (await TryAsync("report", () => complaints.SubmitReportAsync(flagId, new Features.Complaints.Complaints.Text(string.IsNullOrWhiteSpace(report) ? throw new FieldException("report", Text["请填写内容。"]) : report.Trim()),
                ComplaintViewer.Of(User), ct)))
            return Done(Text["已报送专项自查整改报告。"]);
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var viewer = ComplaintViewer.Of(User);
        Result = await reads.ListAsync(viewer, new ComplaintReads.Filter(null, null, null, null, null, null, null, 200), ct);
        Flags = await reads.FlagsAsync(viewer, ct);
    }
}
