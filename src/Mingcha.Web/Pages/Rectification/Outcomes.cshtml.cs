using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Security;
using Mingcha.Web.Features.Rectification;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Rectification;

/// <summary>RCT-5: circulars, interviews, referrals and accountability, each with the findings behind it.</summary>
[Authorize(Roles = "OfficeAdmin,OfficeStaff,Leader,UnitLiaison")]
public sealed class OutcomesModel(Outcomes outcomes, Mingcha.Web.Data.MingchaDb db, TimeProvider time, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public IReadOnlyList<Outcomes.OutcomeLine> List { get; private set; } = [];
    public bool IsOffice => Has(Roles.OfficeAdmin, Roles.OfficeStaff);

    [BindProperty] public OutcomeKind Kind { get; set; } = OutcomeKind.Interview;
    [BindProperty] public OutcomeMeasure Measure { get; set; } = OutcomeMeasure.None;
    [BindProperty] public Guid? UnitId { get; set; }
    [BindProperty] public string? PersonName { get; set; }
    [BindProperty] public string? Title { get; set; }
    [BindProperty] public string? Body { get; set; }
    [BindProperty] public DateOnly? HeldOn { get; set; }
    [BindProperty] public string? FindingIds { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => List = await outcomes.ListAsync(User, null, null, ct);

    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]

    public async Task<IActionResult> OnPostRecordAsync(CancellationToken ct)
    {
        var ids = (FindingIds ?? "").Split([',', ' ', '\n', '\r', '，'], StringSplitOptions.RemoveEmptyEntries)
            .Select(s => Guid.TryParse(s, out var g) ? g : Guid.Empty).ToList();
        if (await TryAsync("record", async () =>
            {
                if (ids.Contains(Guid.Empty)) throw new FieldException("findingIds", "问题编号格式不对。 A finding id is malformed.");
                // One box for both: the ids of problems found through other channels (decision 021) are told apart from findings'.
                var problems = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
                    db.ChannelProblems.Where(p => ids.Contains(p.Id)).Select(p => p.Id), ct);
                await outcomes.RecordAsync(new Outcomes.RecordOutcome(Kind, Measure, time.GetUtcNow().Year, UnitId, null, PersonName, Title ?? "", Body ?? "", HeldOn,
                    ids.Except(problems).ToList(), problems), User, ct);
            }))
            return Done(Text["处理结果已记录。"]);
        await OnGetAsync(ct);
        return Page();
    }

    [HandlerRoles(Roles.OfficeAdmin, Roles.OfficeStaff)]

    public async Task<IActionResult> OnPostPublishAsync(Guid id, CancellationToken ct)
    {
        if (await TryAsync("list", () => outcomes.PublishAsync(id, User, ct))) return Done(Text["通报已公开发布。"]);
        await OnGetAsync(ct);
        return Page();
    }
}
