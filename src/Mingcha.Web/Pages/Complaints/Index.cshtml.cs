using Mingcha.Domain.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Complaints;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Complaints;

namespace Mingcha.Web.Pages.Complaints;

/// <summary>The Office's complaint list with filters (status, unit, type, channel, overdue) and staff intake of every channel (CMP-3, SAT-6).</summary>
[Authorize(Policy = ComplaintPolicies.Read)]
public sealed class IndexModel(MingchaDb db, ComplaintReads reads, Features.Complaints.Complaints complaints, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    [BindProperty(SupportsGet = true)] public ComplaintStatus? Status { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? UnitId { get; set; }
    [BindProperty(SupportsGet = true)] public ComplaintType? Type { get; set; }
    [BindProperty(SupportsGet = true)] public ComplaintChannel? Channel { get; set; }
    [BindProperty(SupportsGet = true)] public bool Overdue { get; set; }

    /// <summary>The export of what the list shows: the filters that are set, and only those (the API refuses an empty value).</summary>
    public string ExportHref => Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/api/v1/complaints/export.xlsx", new Dictionary<string, string?>
    {
        ["status"] = Status?.ToString(), ["unitId"] = UnitId?.ToString(), ["type"] = Type?.ToString(), ["channel"] = Channel?.ToString(), ["overdue"] = Overdue ? "true" : null,
    }.Where(kv => kv.Value is not null));
    [BindProperty(SupportsGet = true)] public string? After { get; set; }

    public ComplaintReads.Page Result { get; private set; } = new([], null);
    public IReadOnlyList<FileModel.UnitOption> Units { get; private set; } = [];
    public bool IsOffice { get; private set; }
    public IReadOnlyList<Features.Complaints.Complaints.Duplicate> Duplicates { get; private set; } = [];

    [BindProperty] public Intake New { get; set; } = new();

    /// <summary>CMP-3, CMP-6: the intake form's one-time submission key: posted twice (a double click), it registers one complaint.</summary>
    [BindProperty] public string? SubmissionKey { get; set; }

    public sealed class Intake
    {
        public ComplaintChannel Channel { get; set; } = ComplaintChannel.ComplaintHotline;
        public ComplaintType Type { get; set; } = ComplaintType.SlowHandling;
        public Guid? UnitId { get; set; }
        public string? StaffNamed { get; set; }
        public string? Matter { get; set; }
        public string? Reasons { get; set; }
        public string? EvidenceNote { get; set; }
        public string? Name { get; set; }
        public string? Phone { get; set; }
        /// <summary>SEC-4: optional 18-character resident ID number (check digit validated); masked everywhere after intake.</summary>
        public string? IdNumber { get; set; }
        public bool Anonymous { get; set; }
        public bool HasInterest { get; set; } = true;
        public DateTime? ReceivedAt { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        SubmissionKey = ComplaintRules.NewSubmissionKey();
        await LoadAsync(ct);
        return Page();
    }

    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]

    public async Task<IActionResult> OnPostFileAsync(CancellationToken ct)
    {
        var n = New;
        var key = string.IsNullOrWhiteSpace(SubmissionKey) ? null : SubmissionKey.Trim();
        SubmissionKey = ComplaintRules.NewSubmissionKey(); // a failed post stored nothing under the key: the form shown again gets a fresh one
        Features.Complaints.Complaints.Filed? filed = null;
        if (await TryAsync("file", async () => filed = await complaints.FileAsync(new Features.Complaints.Complaints.FileComplaint(n.Channel, n.Type, n.UnitId, null, null, n.StaffNamed,
                n.Matter ?? "", n.Reasons ?? "", n.EvidenceNote, n.Name, n.Phone, n.IdNumber, n.Anonymous, n.HasInterest, n.ReceivedAt, null, key), ComplaintViewer.Of(User), false, null, ct)))
        {
            if (!filed!.Created)
                return Done(Text["{0} 已在先前提交时登记，本次没有重复登记。", filed.Number]);
            if (filed.LikelyDuplicates.Count > 0)
                return Done(Text["已登记 {0}（查询码 {1}）。可能重复：{2}", filed.Number, filed.QueryCode ?? "", string.Join("、", filed.LikelyDuplicates.Select(d => d.Number))]);
            return Done(Text["已登记 {0}（查询码 {1}）。", filed.Number, filed.QueryCode ?? ""]);
        }
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var viewer = ComplaintViewer.Of(User);
        IsOffice = viewer.IsOffice;
        Units = await db.Units.AsNoTracking().Where(u => u.Active).OrderBy(u => u.Code).Select(u => new FileModel.UnitOption(u.Id, u.Name)).Take(2000).ToListAsync(ct);
        await TryAsync("list", async () => Result = await reads.ListAsync(viewer, new ComplaintReads.Filter(Status, UnitId, Type, Channel, null, Overdue ? true : null, After, 50), ct));
    }
}
