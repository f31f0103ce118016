using Mingcha.Domain.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Mingcha.Web.Features.Complaints;

namespace Mingcha.Web.Pages.Complaints;

/// <summary>
/// CMP-9: the repeat flags — which unit, why, the complaints behind it, the report's last day — and the Office's acts: file
/// a submitted report, or close a flag without one, with its reason (decision 011). Leaders read; a liaison sees their own
/// unit's (and submits on <c>/Complaints/Unit</c>).
/// </summary>
[Authorize(Policy = ComplaintPolicies.Read)]
public sealed class RepeatsModel(ComplaintReads reads, Features.Complaints.Complaints complaints, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public IReadOnlyList<ComplaintReads.FlagLine> Flags { get; private set; } = [];
    public ILookup<Guid, (Guid Id, string Number)> FlagComplaints { get; private set; } = Array.Empty<(Guid, (Guid, string))>().ToLookup(x => x.Item1, x => x.Item2);
    public bool IsOffice { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]

    public async Task<IActionResult> OnPostFileAsync(Guid flagId, CancellationToken ct)
    {
        if (await TryAsync("file", () => complaints.FileReportAsync(flagId, ComplaintViewer.Of(User), ct)))
            return Done(Text["已备案。"]);
        await LoadAsync(ct);
        return Page();
    }

    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]

    public async Task<IActionResult> OnPostReturnAsync(Guid flagId, string? reason, CancellationToken ct)
    {
        if (await TryAsync("return", () => complaints.ReturnReportAsync(flagId, new Features.Complaints.Complaints.FlagReason(reason ?? ""), ComplaintViewer.Of(User), ct)))
            return Done(Text["已退回单位修改。"]);
        await LoadAsync(ct);
        return Page();
    }

    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]

    public async Task<IActionResult> OnPostWaiveAsync(Guid flagId, string? reason, CancellationToken ct)
    {
        if (await TryAsync("waive", () => complaints.WaiveReportAsync(flagId, new Features.Complaints.Complaints.FlagReason(reason ?? ""), ComplaintViewer.Of(User), ct)))
            return Done(Text["已决定无须报送，并通知单位。"]);
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var viewer = ComplaintViewer.Of(User);
        IsOffice = viewer.IsOffice;
        Flags = await reads.FlagsAsync(viewer, ct);
        FlagComplaints = await reads.FlagComplaintsAsync(viewer, Flags.Select(f => f.Id).ToList(), ct);
    }
}
