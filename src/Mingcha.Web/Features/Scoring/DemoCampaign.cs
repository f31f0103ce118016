using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Scoring;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Scoring;

/// <summary>
/// The demo city's evaluation campaign, so that a fresh demo shows the scoring pages at work (EV): the year's campaign over
/// the sections of both demo categories, on S4's default rules, opened, with the monitoring points' monthly forms of the
/// two months before this one filed (EV-2), today's concentrated sitting set up for the representatives (EV-2, its
/// one-time codes for the Office to print), and a preview of the results computed (EV-5, EV-8). Made through
/// <see cref="Campaigns"/>, <see cref="Evaluations"/> and <see cref="Computations"/> as the Office and a monitoring point
/// would; once (the campaign marked by its name), only with the demo city, by the demo's activity at start
/// (<see cref="DemoActivityLoop"/>), not at every start-up: the forms are some two hundred writes. A start stopped half
/// way (the campaign made, not yet opened, some forms filed) is finished by the next: each step is taken only if not done.
/// </summary>
public sealed class DemoCampaign(IServiceScopeFactory scopes, LocalClock clock)
{
    /// <summary>The campaign's name after its year.</summary>
    public const string NameSuffix = " 年度机关效能建设测评（演示）";

    /// <returns>The monthly forms filed (0 when the campaign exists already or there is no demo city).</returns>
    public async Task<int> LoadAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<MingchaDb>();
        var today = clock.Today;
        var name = today.Year + NameSuffix;
        var categories = await db.Categories.AsNoTracking().Where(c => c.IsDemo).Select(c => c.Id).ToListAsync(ct);
        if (categories.Count == 0) return 0;
        var existing = await db.Campaigns.AsNoTracking().Where(c => c.Name == name).Select(c => new { c.Id, c.Status }).FirstOrDefaultAsync(ct);
        if (existing is not null && existing.Status != CampaignStatus.Draft && existing.Status != CampaignStatus.Open) return 0; // closed by the user: theirs now

        var office = ActingAs.User("demo", Roles.OfficeAdmin);
        var campaigns = sp.GetRequiredService<Campaigns>();
        var campaign = existing?.Id ?? (await campaigns.CreateAsync(
            new Campaigns.CampaignRequest(today.Year, name, new DateOnly(today.Year, 1, 1), new DateOnly(today.Year, 12, 31), null, null), office, ct)).Id;
        if (existing is null || existing.Status == CampaignStatus.Draft)
        {
            await campaigns.SetSectionsAsync(campaign, new Campaigns.SectionsRequest(null, categories), office, ct);
            await campaigns.OpenAsync(campaign, office, ct);
        }

        // EV-2: a monitoring point's monthly form for every section, at the end of each of the two months before this one
        // (this year's); in January, today. Grades mostly 优 and 良, the same on every load (seeded by the section's code).
        var days = Enumerable.Range(today.Month - 2, 2).Where(m => m >= 1)
            .Select(m => new DateOnly(today.Year, m, 1).AddMonths(1).AddDays(-1)).DefaultIfEmpty(today).ToList();
        var sections = await (from s in db.CampaignSections.AsNoTracking()
                              join x in db.Sections on s.SectionId equals x.Id
                              where s.CampaignId == campaign
                              orderby x.Code
                              select new { s.SectionId, x.Code }).ToListAsync(ct);
        var done = (await db.Evaluations.AsNoTracking().Where(e => e.CampaignId == campaign && e.Method == EvaluationMethod.Monthly)
            .Select(e => new { e.SectionId, e.On }).ToListAsync(ct)).Select(e => (e.SectionId, e.On)).ToHashSet();
        var evaluations = sp.GetRequiredService<Evaluations>();
        var point = ActingAs.User("demo", Roles.MonitoringPoint);
        var filed = 0;
        foreach (var day in days)
        {
            foreach (var s in sections.Where(s => !done.Contains((s.SectionId, day))))
            {
                var roll = new Random(StableSeed(s.Code) + day.DayNumber).Next(100);
                var grade = roll switch { < 55 => Grade.Excellent, < 88 => Grade.Good, < 97 => Grade.Fair, _ => Grade.Poor };
                await evaluations.FileAsync(campaign, new Evaluations.FileEvaluation(s.SectionId, EvaluationMethod.Monthly, grade, day, null), point, ct);
                filed++;
            }
        }
        if (!await db.Sittings.AnyAsync(s => s.CampaignId == campaign, ct))
            await evaluations.CreateSittingAsync(campaign, new Evaluations.CreateSitting($"{today.Year} 年度集中测评会（演示）", today), office, ct);
        if (filed > 0 || !await db.Campaigns.AnyAsync(c => c.Id == campaign && c.ComputationId != null, ct))
            await sp.GetRequiredService<Computations>().ComputeAsync(campaign, office, final: false, ct);
        return filed;
    }

    /// <summary>A seed from the code that is the same in every process (string.GetHashCode is not).</summary>
    private static int StableSeed(string code)
    {
        var h = 17;
        foreach (var ch in code) h = unchecked(h * 31 + ch);
        return h;
    }
}
