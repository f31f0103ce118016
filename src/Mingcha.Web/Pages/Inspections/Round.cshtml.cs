using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Inspections;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Inspections;

/// <summary>INS-9: a round's written plan and its steps (decide, start, close); INS-5: the random draw of its targets; its visits.</summary>
[Authorize(Policy = InspectionPolicies.RoundRead)]
public sealed class RoundModel(Rounds rounds, Draws draws, Visits visits, MingchaDb db, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public sealed class DrawInput
    {
        public int? Count { get; set; }
        public string? Seed { get; set; }
        public List<SectionKind> Kinds { get; set; } = [];
        public bool IncludeRechecks { get; set; } = true;
    }

    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty] public DrawInput Draw { get; set; } = new();
    public Rounds.RoundDetail? Round { get; private set; }
    public IReadOnlyList<Visits.VisitLine> VisitList { get; private set; } = [];
    public bool CanManage => Has(Roles.OfficeAdmin, Roles.OfficeStaff);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : NotFound();

    public Task<IActionResult> OnPostDecideAsync(CancellationToken ct) => RunAsync("status", () => rounds.DecideAsync(Id, User, ct), Text["方案已定稿。"], ct);
    public Task<IActionResult> OnPostStartAsync(CancellationToken ct) => RunAsync("status", () => rounds.StartAsync(Id, ct), Text["轮次已开始实施。"], ct);
    public Task<IActionResult> OnPostCloseAsync(CancellationToken ct) => RunAsync("status", () => rounds.CloseAsync(Id, ct), Text["轮次已结束。"], ct);
    public Task<IActionResult> OnPostVisitsAsync(CancellationToken ct) => RunAsync("status", () => rounds.CreateVisitsAsync(Id, User, ct), Text["已为检查对象安排检查。"], ct);

    public Task<IActionResult> OnPostDrawAsync(CancellationToken ct) =>
        RunAsync("draw", () => draws.DrawAsync(Id, new Draws.DrawRequest(Draw.Count, Blank(Draw.Seed), Draw.Kinds, null, null, Draw.IncludeRechecks), User, ct),
            Text["已随机抽取检查对象，抽取记录可复核。"], ct);

    private async Task<IActionResult> RunAsync(string form, Func<Task> command, string done, CancellationToken ct)
    {
        if (!CanManage) return Forbid();
        if (await TryAsync(form, command)) return Done(done, new { Id });
        return await LoadAsync(ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        var viewer = await InspectionViewer.ForAsync(User, db, ct);
        try
        {
            Round = await rounds.GetAsync(viewer, Id, ct);
        }
        catch (NotFoundException)
        {
            return false;
        }
        VisitList = await visits.ListAsync(viewer, null, Id, null, null, ct);
        Demo = Round.IsDemo;
        return true;
    }
}
