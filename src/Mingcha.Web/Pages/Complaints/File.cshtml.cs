using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Complaints;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Complaints;

namespace Mingcha.Web.Pages.Complaints;

/// <summary>
/// The public complaint form (CMP-3): no account; antiforgery on the form (Razor Pages validate it); a flood from one address
/// is refused (CMP-3); everything typed is stored as text and shown encoded. Gives the number and the query code (CMP-11).
/// </summary>
[AllowAnonymous]
public sealed class FileModel(MingchaDb db, Features.Complaints.Complaints complaints, ComplaintEvidence evidence, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public sealed record UnitOption(Guid Id, string Name);
    public IReadOnlyList<UnitOption> Units { get; private set; } = [];
    public string? Number { get; private set; }
    public string? QueryCode { get; private set; }
    public bool IsSuggestion { get; private set; }
    /// <summary>The post was a resend of a submission already stored (a double click): the first complaint is shown, nothing new stored.</summary>
    public bool AlreadyReceived { get; private set; }

    [BindProperty] public Input Form { get; set; } = new();

    /// <summary>
    /// CMP-3, CMP-6: the form's one-time submission key, made when the form is shown: sent twice, the form makes one complaint
    /// and the second answer shows the first one's number and query code.
    /// </summary>
    [BindProperty] public string? SubmissionKey { get; set; }

    /// <summary>CMP-2: photos (JPEG/PNG) or PDF files; checked by content, stored in the evidence vault with the complaint.</summary>
    [BindProperty] public List<IFormFile> Files { get; set; } = [];

    public ComplaintEvidenceOptions Limits => evidence.Limits;
    public int FilesAttached { get; private set; }

    public sealed class Input
    {
        public Guid? UnitId { get; set; }
        public ComplaintType? Type { get; set; }
        public string? StaffNamed { get; set; }
        public string? Matter { get; set; }
        public string? Reasons { get; set; }
        public string? EvidenceNote { get; set; }
        public string? Name { get; set; }
        public string? Phone { get; set; }
        public string? IdNumber { get; set; }
        public bool Anonymous { get; set; }
        public bool HasInterest { get; set; } = true;
    }

    public async Task OnGetAsync(CancellationToken ct)
    {
        SubmissionKey = ComplaintRules.NewSubmissionKey();
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        var f = Form;
        var key = string.IsNullOrWhiteSpace(SubmissionKey) ? null : SubmissionKey.Trim();
        // Nothing is stored under the key when the post fails: the form shown again gets a fresh one (so that a key the
        // complainant's other complaint already used does not refuse this one).
        SubmissionKey = ComplaintRules.NewSubmissionKey();
        if (string.IsNullOrWhiteSpace(f.Matter) || string.IsNullOrWhiteSpace(f.Reasons) || f.Type is null)
        {
            Error = Text["请填写投诉事项、投诉理由和类型（CMP-2）。"];
            Response.StatusCode = 400;
            return Page();
        }
        Features.Complaints.Complaints.Filed? filed = null;
        var status = 400;
        var ok = await TryAsync("file", async () =>
        {
            try
            {
                using var staged = await evidence.StageAsync(Files.Select(x => new ComplaintAttachment(x.FileName, x.Length, x.OpenReadStream)).ToList(), ct);
                filed = await complaints.FileAsync(new Features.Complaints.Complaints.FileComplaint(ComplaintChannel.Web, f.Type, f.UnitId, null, null,
                    Limit(f.StaffNamed, 100), Limit(f.Matter, 200)!, Limit(f.Reasons, 4000)!, Limit(f.EvidenceNote, 1000), Limit(f.Name, 100), Limit(f.Phone, 32), Limit(f.IdNumber, 32),
                    f.Anonymous, f.HasInterest, null, null, key), ComplaintViewer.Public, false, HttpContext.Connection.RemoteIpAddress?.ToString() ?? "?", staged, ct);
                FilesAttached = staged.Files.Count;
            }
            catch (DomainRuleException e)
            {
                status = e.StatusCode;
                throw;
            }
        });
        if (!ok || filed is null)
        {
            Response.StatusCode = status is 413 or 415 or 429 ? status : 400;
            if (Files.Count > 0) Error += " " + Text["请重新选择证据文件。"];
            return Page();
        }
        Number = filed.Number; QueryCode = filed.QueryCode; IsSuggestion = filed.Kind == ComplaintKind.Suggestion; AlreadyReceived = !filed.Created;
        return Page();
    }

    private static string? Limit(string? s, int max) => s is null ? null : s.Length > max ? s[..max] : s;

    private async Task LoadAsync(CancellationToken ct) =>
        Units = await db.Units.AsNoTracking().Where(u => u.Active).OrderBy(u => u.Code).Select(u => new UnitOption(u.Id, u.Name)).Take(2000).ToListAsync(ct);

    public static string TypeLabel(ComplaintType t) => ComplaintRules.TypeName(t);
}
