using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Rectification;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Rectification;

/// <summary>The Office's desk: findings to confirm (RCT-1), notices to issue (RCT-2), every notice; leaders: the overview by unit.</summary>
[Authorize(Roles = "OfficeAdmin,OfficeStaff,Leader,UnitLiaison")]
public sealed class IndexModel(Notices notices, NoticeReads reads, ChannelProblems channelProblems, MingchaDb db, Microsoft.Extensions.Options.IOptions<RectificationOptions> options,
    IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public IReadOnlyList<NoticeReads.NoticeLine> List { get; private set; } = [];
    public IReadOnlyList<NoticeReads.OverviewLine> Overview { get; private set; } = [];
    public IReadOnlyList<NoticeReads.Candidate> Candidates { get; private set; } = [];
    public IReadOnlyDictionary<Guid, string> UnitNames { get; private set; } = new Dictionary<Guid, string>();
    /// <summary>EV-6 (decision 021): problems found through other channels, on no notice yet.</summary>
    public IReadOnlyList<ChannelProblems.ProblemLine> OpenProblems { get; private set; } = [];
    /// <summary>The sections the Office may record a problem for, by unit.</summary>
    public IReadOnlyList<(Guid Id, string Name)> SectionChoices { get; private set; } = [];

    [BindProperty] public ProblemForm Problem { get; set; } = new();

    public sealed class ProblemForm
    {
        public Guid? SectionId { get; set; }
        public ProblemChannel? Channel { get; set; }
        public DateOnly? FoundOn { get; set; }
        [StringLength(2000)] public string Description { get; set; } = "";
    }
    public bool IsOffice => Has(Roles.OfficeAdmin, Roles.OfficeStaff);

    [BindProperty] public IssueForm Issue { get; set; } = new();

    public sealed class IssueForm
    {
        public List<Guid> FindingIds { get; set; } = [];
        public List<Guid> ProblemIds { get; set; } = [];
        [Required, StringLength(4000)] public string RequiredAction { get; set; } = "";
        [Range(1, 250)] public int WorkingDays { get; set; } = 10;
        [StringLength(200)] public string? Title { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!Has(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Leader)) return RedirectToPage("/Rectification/Mine");
        Issue.WorkingDays = options.Value.NoticeWorkingDays; // RCT-2: the office's configured period, editable per notice
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        List = await reads.ListAsync(User, null, null, null, ct);
        Overview = await reads.OverviewAsync(null, ct);
        if (IsOffice)
        {
            Candidates = await reads.CandidatesAsync(null, ct);
            var ids = Candidates.Select(c => c.UnitId).Distinct().ToList();
            UnitNames = await db.Units.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Name, ct);
            OpenProblems = await channelProblems.ListAsync(User, null, null, open: true, ct);
            SectionChoices = (await (from s in db.Sections.AsNoTracking().Where(s => s.Active)
                                     join u in db.Units on s.UnitId equals u.Id
                                     orderby u.Name, s.Code
                                     select new { s.Id, Name = u.Name + " · " + s.Name }).Take(2000).ToListAsync(ct))
                .Select(x => (x.Id, x.Name)).ToList();
        }
    }

    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]

    public async Task<IActionResult> OnPostConfirmAsync(Guid findingId, CancellationToken ct)
    {
        ModelState.Clear();
        if (await TryAsync("findings", () => notices.ConfirmAsync(findingId, User, ct))) return Done(Text["问题已确认。"]);
        await LoadAsync(ct);
        return Page();
    }

    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]

    public async Task<IActionResult> OnPostDropAsync(Guid findingId, CancellationToken ct)
    {
        ModelState.Clear();
        var reason = Request.Form[$"drop-{findingId}"].ToString();
        if (await TryAsync("findings", () => notices.DropAsync(findingId, new Notices.FindingReview(reason), User, ct))) return Done(Text["问题已不予认定。"]);
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>EV-6 (decision 021): the Office records a problem found through another channel.</summary>
    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]
    public async Task<IActionResult> OnPostProblemAsync(CancellationToken ct)
    {
        ModelState.Clear();
        if (await TryAsync("problem", () => channelProblems.RecordAsync(
                new ChannelProblems.RecordProblem(Problem.SectionId, Problem.Channel, Problem.FoundOn, Problem.Description ?? ""), User, ct)))
            return Done(Text["问题已登记，可列入整改通知书。"]);
        await LoadAsync(ct);
        return Page();
    }

    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]

    public async Task<IActionResult> OnPostIssueAsync(CancellationToken ct)
    {
        Notices.Created? created = null;
        var ok = await TryAsync("issue", async () =>
        {
            var unit = Issue.FindingIds.Count > 0
                ? await db.Findings.AsNoTracking().Where(f => f.Id == Issue.FindingIds[0]).Select(f => (Guid?)f.UnitId).FirstOrDefaultAsync(ct)
                : Issue.ProblemIds.Count > 0
                    ? await db.ChannelProblems.AsNoTracking().Where(p => p.Id == Issue.ProblemIds[0]).Select(p => (Guid?)p.UnitId).FirstOrDefaultAsync(ct)
                    : null;
            created = await notices.IssueAsync(new Notices.IssueNotice(unit ?? Guid.Empty, Issue.FindingIds, Issue.RequiredAction, Issue.WorkingDays, Issue.Title,
                Issue.ProblemIds), User, ct);
        });
        if (ok)
        {
            Message = Text["整改通知书 {0} 已下发。", created!.DocumentNumber ?? ""];
            return Redirect($"/Rectification/Notice/{created.Id}");
        }
        await LoadAsync(ct);
        return Page();
    }
}
