using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Scoring;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Scoring;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Scoring;

/// <summary>
/// EV-1, EV-8: one campaign: its rules, the Office's steps (sections, open, sittings, import, compute, close, publish) and
/// the ranking per category, read from the stored results of the latest computation.
/// </summary>
[Authorize(Roles = "OfficeAdmin,OfficeStaff,Leader,UnitLiaison")]
public sealed class CampaignModel(Campaigns campaigns, Computations computations, CampaignResults results, Evaluations evaluations, EvaluationImport import,
    ResultExplanations explanations, MingchaDb db, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public const int PageSize = 500;
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? CategoryId { get; set; }
    [BindProperty(SupportsGet = true)] public int P { get; set; } = 1;
    public Campaigns.CampaignDto Campaign { get; private set; } = null!;
    public CampaignResults.Ranking Ranking { get; private set; } = null!;
    public IReadOnlyList<CampaignResults.ResultRow> Rows { get; private set; } = [];
    public int RowCount { get; private set; }
    public IReadOnlyList<(Guid Id, string Name)> Categories { get; private set; } = [];
    public IReadOnlyList<Evaluations.SittingDto> Sittings { get; private set; } = [];
    /// <summary>EV-8: where each bottom-three section's written explanation stands (published campaigns).</summary>
    public IReadOnlyDictionary<Guid, ExplanationStatus> Explanations { get; private set; } = new Dictionary<Guid, ExplanationStatus>();
    public EvaluationImport.ImportReport? Report { get; private set; }
    public bool IsOffice => Has(Roles.OfficeAdmin, Roles.OfficeStaff);

    [BindProperty] public RulesInput? Rules { get; set; }

    /// <summary>
    /// The rules form (EV-1): a plain class, as MVC refuses to bind a record whose validation sits on its properties; checked
    /// against the API's own ranges before it is saved. A number left empty keeps the campaign's value.
    /// </summary>
    public sealed class RulesInput
    {
        public decimal? Excellent { get; set; }
        public decimal? Good { get; set; }
        public decimal? Fair { get; set; }
        public decimal? Poor { get; set; }
        public decimal? Bad { get; set; }
        public decimal? WeightInstant { get; set; }
        public decimal? WeightMonthly { get; set; }
        public decimal? WeightInspection { get; set; }
        public decimal? WeightConcentrated { get; set; }
        public EmptyMethodPolicy? Policy { get; set; }
        public decimal? RectificationStart { get; set; }
        public decimal? DeductLate { get; set; }
        public decimal? DeductAfterSupervision { get; set; }
        public decimal? DeductRefused { get; set; }
        public int? SatisfiedTop { get; set; }
        public int? BottomCount { get; set; }
        public decimal? Threshold { get; set; }

        public Campaigns.RulesDto ToDto()
        {
            var dto = new Campaigns.RulesDto(Excellent, Good, Fair, Poor, Bad, WeightInstant, WeightMonthly, WeightInspection, WeightConcentrated, Policy,
                RectificationStart, DeductLate, DeductAfterSupervision, DeductRefused, SatisfiedTop, BottomCount, Threshold);
            Problems.Validate(dto);
            return dto;
        }
    }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public List<Guid> CategoryIds { get; set; } = [];
    [BindProperty] public string? SittingTitle { get; set; }
    [BindProperty] public DateOnly? HeldOn { get; set; }
    /// <summary>Decision 028: a new sitting requires one-time ballot codes unless the Office unticks it.</summary>
    [BindProperty] public bool RequireCodes { get; set; } = true;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        try { Campaign = await campaigns.GetAsync(Id, ct); }
        catch (NotFoundException) { return NotFound(); }
        Categories = await results.CategoriesAsync(Id, User, ct);
        if (Categories.Count == 0 && IsOffice)
            Categories = (await db.Categories.AsNoTracking().OrderBy(c => c.Code).Select(c => new { c.Id, c.Name }).Take(200).ToListAsync(ct)).Select(c => (c.Id, c.Name)).ToList();
        CategoryId ??= Categories.Count > 0 ? Categories[0].Id : null;
        // One category at a time from the stored results (EV-8): the page reads, it never computes.
        Ranking = await results.RankingAsync(Id, CategoryId ?? Guid.Empty, User, ct);
        RowCount = Ranking.Rows.Count;
        P = Math.Clamp(P, 1, Math.Max(1, (RowCount + PageSize - 1) / PageSize));
        Rows = Ranking.Rows.Skip((P - 1) * PageSize).Take(PageSize).ToList();
        if (IsOffice) Sittings = await evaluations.SittingsAsync(Id, User, ct);
        if (Campaign.Status == CampaignStatus.Published) Explanations = await explanations.StatusesAsync(Id, User, ct);
        return Page();
    }

    private async Task<IActionResult> Act(string form, Func<Task> command, string done)
    {
        if (await TryAsync(form, command)) return Done(Text[done], new { Id });
        return await OnGetAsync(HttpContext.RequestAborted);
    }

    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]
    public Task<IActionResult> OnPostRulesAsync(CancellationToken ct) => Act("rules", async () =>
    {
        var c = await campaigns.GetAsync(Id, ct);
        await campaigns.EditAsync(Id, new Campaigns.CampaignRequest(c.Year, Name ?? c.Name, c.From, c.To, Rules?.ToDto(), c.ResponseWorkingDays), User, ct);
    }, "测评规则已保存。");

    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]
    public Task<IActionResult> OnPostSectionsAsync(CancellationToken ct) =>
        Act("sections", () => campaigns.SetSectionsAsync(Id, new Campaigns.SectionsRequest(null, CategoryIds), User, ct), "测评对象已设定。");

    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]
    public Task<IActionResult> OnPostOpenAsync(CancellationToken ct) => Act("steps", () => campaigns.OpenAsync(Id, User, ct), "测评活动已开始。");
    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]
    public Task<IActionResult> OnPostComputeAsync(CancellationToken ct) => Act("steps", () => computations.ComputeAsync(Id, User, false, ct), "已重新计算测评结果。");
    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]
    public Task<IActionResult> OnPostCloseAsync(CancellationToken ct) => Act("steps", () => campaigns.CloseAsync(Id, User, ct), "测评活动已结束，结果已冻结。");
    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]
    public Task<IActionResult> OnPostPublishAsync(CancellationToken ct) => Act("steps", () => campaigns.PublishAsync(Id, User, ct), "测评结果已公布。");
    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]
    public Task<IActionResult> OnPostSittingAsync(CancellationToken ct) =>
        Act("sitting", () => evaluations.CreateSittingAsync(Id, new Evaluations.CreateSitting(SittingTitle ?? "", HeldOn, RequireCodes), User, ct), "集中测评已创建。");

    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]
    public async Task<IActionResult> OnPostImportAsync(IFormFile? file, CancellationToken ct)
    {
        EvaluationImport.ImportReport? report = null;
        if (await TryAsync("import", async () => report = await import.ImportAsync(Id, file, User, ct)) && report!.Stored)
            return Done(Text["已导入 {0} 条测评记录。", report.Rows], new { Id });
        Report = report;
        if (report is { Stored: false }) Error = Text["导入文件有误，未导入任何记录。"];
        return await OnGetAsync(ct);
    }
}
