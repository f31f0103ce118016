using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Scoring;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Features.Rectification;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Scoring;

/// <summary>EV-1: setting up, opening, closing and publishing evaluation campaigns.</summary>
public sealed class Campaigns(MingchaDb db, TimeProvider time, Computations computations, CampaignResults results)
{
    /// <summary>A campaign's numbers; any left out take S4's defaults. Unknown members are refused: a misspelt weight must not silently default.</summary>
    [System.Text.Json.Serialization.JsonUnmappedMemberHandling(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow)]
    public sealed record RulesDto(
        [property: Range(0, 100)] decimal? Excellent, [property: Range(0, 100)] decimal? Good, [property: Range(0, 100)] decimal? Fair,
        [property: Range(0, 100)] decimal? Poor, [property: Range(0, 100)] decimal? Bad,
        [property: Range(-100, 100)] decimal? WeightInstant, [property: Range(-100, 100)] decimal? WeightMonthly,
        [property: Range(-100, 100)] decimal? WeightInspection, [property: Range(-100, 100)] decimal? WeightConcentrated,
        EmptyMethodPolicy? Policy,
        [property: Range(0, 100)] decimal? RectificationStart, [property: Range(0, 100)] decimal? DeductLate,
        [property: Range(0, 100)] decimal? DeductAfterSupervision, [property: Range(0, 100)] decimal? DeductRefused,
        [property: Range(0, 1000)] int? SatisfiedTop, [property: Range(0, 1000)] int? BottomCount, [property: Range(0, 100)] decimal? Threshold)
    {
        public static RulesDto Of(CampaignRules r)
        {
            ArgumentNullException.ThrowIfNull(r);
            return new(r.Scale.Excellent, r.Scale.Good, r.Scale.Fair, r.Scale.Poor, r.Scale.Bad, r.Weights.Instant, r.Weights.Monthly, r.Weights.Inspection,
                r.Weights.Concentrated, r.Policy, r.Rectification.Start, r.Rectification.LateOrIncomplete, r.Rectification.AfterSupervision, r.Rectification.Refused,
                r.Results.SatisfiedTop, r.Results.BottomCount, r.Results.Threshold);
        }

        /// <summary>The rules these numbers set; a number left out keeps its value in <paramref name="basis"/> (S4's defaults for a new campaign).</summary>
        public CampaignRules ToRules(CampaignRules? basis = null)
        {
            var d = basis ?? CampaignRules.Default;
            return new CampaignRules(
                new GradeScale(Excellent ?? d.Scale.Excellent, Good ?? d.Scale.Good, Fair ?? d.Scale.Fair, Poor ?? d.Scale.Poor, Bad ?? d.Scale.Bad),
                new MethodWeights(WeightInstant ?? d.Weights.Instant, WeightMonthly ?? d.Weights.Monthly, WeightInspection ?? d.Weights.Inspection, WeightConcentrated ?? d.Weights.Concentrated),
                Policy ?? d.Policy,
                new RectificationCosts(RectificationStart ?? d.Rectification.Start, DeductLate ?? d.Rectification.LateOrIncomplete,
                    DeductAfterSupervision ?? d.Rectification.AfterSupervision, DeductRefused ?? d.Rectification.Refused),
                new ResultRules(SatisfiedTop ?? d.Results.SatisfiedTop, BottomCount ?? d.Results.BottomCount, Threshold ?? d.Results.Threshold));
        }
    }

    public sealed record CampaignRequest(
        [property: Required, Range(Problems.FirstYear, Problems.LastYear)] int? Year,
        [property: Required, StringLength(200, MinimumLength = 1)] string Name,
        [property: Required] DateOnly? From,
        [property: Required] DateOnly? To,
        RulesDto? Rules,
        [property: Range(1, 60)] int? ResponseWorkingDays);

    [System.Text.Json.Serialization.JsonUnmappedMemberHandling(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow)]
    public sealed record SectionsRequest(IReadOnlyList<Guid>? SectionIds, IReadOnlyList<Guid>? CategoryIds);

    public sealed record CampaignDto(Guid Id, int Year, string Name, DateOnly From, DateOnly To, CampaignStatus Status, RulesDto Rules, int ResponseWorkingDays,
        int Sections, long Evaluations, Guid? ComputationId, DateTime? OpenedAt, DateTime? ClosedAt, DateTime? PublishedAt, Guid? CircularOutcomeId);

    public sealed record CampaignSectionDto(Guid SectionId, string Code, string Name, Guid UnitId, string UnitName, Guid CategoryId, string CategoryName);

    private static void RequireOffice(ClaimsPrincipal by) => RectificationViewer.Of(by).RequireOffice("EV-1", "管理测评活动");

    /// <summary>
    /// The request's checks, for the pages as for the API (pages are not validated before the handler): its fields, the
    /// rules' ranges, and at most four decimal places in each number (PostgreSQL keeps four; a fifth would be rounded
    /// there only and could make weights that sum to 100 on SQLite sum to 99.9999, EV-5).
    /// </summary>
    private static void Validate(CampaignRequest r)
    {
        Problems.Validate(r);
        if (r.Rules is not { } rules) return;
        Problems.Validate(rules);
        foreach (var p in typeof(RulesDto).GetProperties())
            if (p.GetValue(rules) is decimal d && d != Math.Round(d, 4))
                throw new FieldException(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(p.Name), "最多保留四位小数。 At most four decimal places.");
    }

    private static (int Year, DateOnly From, DateOnly To) Period(CampaignRequest r)
    {
        Validate(r);
        var from = r.From!.Value;
        var to = r.To!.Value;
        if (to < from) throw new FieldException("to", "结束日期早于开始日期。 The period ends before it starts.");
        if (to.DayNumber - from.DayNumber > 800) throw new FieldException("to", "测评期间不超过两年。 A period is at most two years.");
        return (r.Year!.Value, from, to);
    }

    public async Task<CampaignDto> CreateAsync(CampaignRequest r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        RequireOffice(by);
        var (year, from, to) = Period(r);
        var rules = (r.Rules ?? RulesDto.Of(CampaignRules.Default)).ToRules();
        var c = new EvaluationCampaign(year, r.Name.Trim(), from, to, RectificationViewer.Of(by).UserId, time.GetUtcNow().UtcDateTime);
        c.Edit(r.Name.Trim(), from, to, rules, r.ResponseWorkingDays ?? 15);
        db.Campaigns.Add(c);
        await db.SaveChangesAsync(ct);
        return await GetAsync(c.Id, ct);
    }

    public async Task<CampaignDto> EditAsync(Guid id, CampaignRequest r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        RequireOffice(by);
        var c = await FindAsync(id, ct);
        var (year, from, to) = Period(r);
        if (year != c.Year) throw new FieldException("year", "年度不能修改。 The year does not change.");
        // EV-1: an edit changes the numbers it names; the others keep the campaign's (the page's form names only some of them).
        c.Edit(r.Name.Trim(), from, to, r.Rules is { } rules ? rules.ToRules(c.Rules) : c.Rules, r.ResponseWorkingDays ?? c.ResponseWorkingDays);
        await SaveWhileDraftAsync(id, ct);
        return await GetAsync(c.Id, ct);
    }

    internal async Task<EvaluationCampaign> FindAsync(Guid id, CancellationToken ct) =>
        await db.Campaigns.FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new NotFoundException("测评活动不存在。 No such campaign.");

    /// <summary>
    /// EV-1: a draft's change (its rules, its sections, its opening) saved only if the campaign is still a draft, checked
    /// again inside the save's transaction on the campaign's row (<c>UPDATE … WHERE Status = 'Draft'</c>, which changes
    /// nothing but takes the row's lock on PostgreSQL; SQLite's <c>BEGIN IMMEDIATE</c> serialises writers), as
    /// <see cref="Evaluations.ClaimOpenAsync"/> does for an open one. Of an edit and an opening made at once, or two
    /// openings, the one that comes second finds the campaign open (409) and stores nothing: an open campaign keeps the
    /// rules and sections it opened with, and is opened once (decision 038). Claimed before the audit chain's lock.
    /// </summary>
    private async Task SaveWhileDraftAsync(Guid id, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var claimed = await db.Campaigns.Where(c => c.Id == id && c.Status == CampaignStatus.Draft)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, CampaignStatus.Draft), ct);
        if (claimed == 0)
            throw new DomainRuleException("EV-1", "测评活动已开始，规则和测评对象不再修改。 The campaign has opened: its rules and sections no longer change.", 409);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>EV-1: the sections evaluated: listed, or every section of the units in the given categories that year. Draft only.</summary>
    public async Task<int> SetSectionsAsync(Guid id, SectionsRequest r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        RequireOffice(by);
        var c = await FindAsync(id, ct);
        c.RequireDraft();
        var sectionIds = (r.SectionIds ?? []).Distinct().ToList();
        var categoryIds = (r.CategoryIds ?? []).Distinct().ToList();
        if (sectionIds.Count == 0 && categoryIds.Count == 0) throw new FieldException("sectionIds", "请指定测评对象或类别。 Name the sections or the categories.");
        if (sectionIds.Count > 50_000 || categoryIds.Count > 100) throw new FieldException("sectionIds", "测评对象过多。 Too many sections.");
        var year = c.Year;
        var unitCategory = await db.UnitCategories.AsNoTracking().Where(uc => uc.Year == year).ToDictionaryAsync(uc => uc.UnitId, uc => uc.CategoryId, ct);
        var wanted = new List<(Guid Section, Guid Unit)>();
        if (sectionIds.Count > 0)
        {
            var found = await db.Sections.AsNoTracking().Where(s => sectionIds.Contains(s.Id)).Select(s => new { s.Id, s.UnitId }).ToListAsync(ct);
            if (found.Count != sectionIds.Count) throw new FieldException("sectionIds", "科室不存在。 A section does not exist.");
            wanted.AddRange(found.Select(s => (s.Id, s.UnitId)));
        }
        if (categoryIds.Count > 0)
        {
            if (await db.Categories.CountAsync(x => categoryIds.Contains(x.Id), ct) != categoryIds.Count) throw new FieldException("categoryIds", "类别不存在。 No such category.");
            var units = unitCategory.Where(kv => categoryIds.Contains(kv.Value)).Select(kv => kv.Key).ToList();
            wanted.AddRange((await db.Sections.AsNoTracking().Where(s => units.Contains(s.UnitId) && s.Active && s.ParentSectionId == null)
                .Select(s => new { s.Id, s.UnitId }).ToListAsync(ct)).Select(s => (s.Id, s.UnitId)));
        }
        var missing = wanted.FirstOrDefault(w => !unitCategory.ContainsKey(w.Unit));
        if (missing != default)
            throw new DomainRuleException("EV-8", $"科室所在单位在 {year} 年度没有考评类别，无法排名。 A section's unit has no category in {year}: it could not be ranked.", 422);
        var existing = await db.CampaignSections.Where(s => s.CampaignId == id).ToListAsync(ct);
        db.CampaignSections.RemoveRange(existing);
        foreach (var (s, u) in wanted.DistinctBy(w => w.Section))
            db.CampaignSections.Add(new CampaignSection(id, s, u, unitCategory[u]));
        db.Audit(new AuditEvent("campaign.sections", nameof(EvaluationCampaign), id.ToString(), existing.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            wanted.DistinctBy(w => w.Section).Count().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await SaveWhileDraftAsync(id, ct);
        return wanted.DistinctBy(w => w.Section).Count();
    }

    public async Task<CampaignDto> OpenAsync(Guid id, ClaimsPrincipal by, CancellationToken ct)
    {
        RequireOffice(by);
        var c = await FindAsync(id, ct);
        c.Open(await db.CampaignSections.CountAsync(s => s.CampaignId == id, ct), time.GetUtcNow().UtcDateTime);
        db.Audit(new AuditEvent("campaign.open", nameof(EvaluationCampaign), id.ToString(), null, c.Name));
        await SaveWhileDraftAsync(id, ct);
        return await GetAsync(id, ct);
    }

    /// <summary>EV-1: closing computes the final results; from then on the rules, evaluations and results are frozen.</summary>
    public async Task<CampaignDto> CloseAsync(Guid id, ClaimsPrincipal by, CancellationToken ct)
    {
        RequireOffice(by);
        var c = await FindAsync(id, ct);
        if (c.Status != CampaignStatus.Open) throw new DomainRuleException("EV-1", "只有进行中的测评活动可以结束。 Only an open campaign closes.", 409);
        await computations.ComputeAsync(id, by, final: true, ct);
        return await GetAsync(id, ct);
    }

    /// <summary>EV-10: the Office publishes reviewed results; EV-8's consequences get their deadlines and the praise circular is issued.</summary>
    private const long PublishLockKey = 727_274_010;
    private static readonly SemaphoreSlim PublishGate = new(1, 1);

    public async Task<CampaignDto> PublishAsync(Guid id, ClaimsPrincipal by, CancellationToken ct)
    {
        RequireOffice(by);
        // EV-10: published once. Publications are serialised (PostgreSQL: a session advisory lock, across instances;
        // SQLite runs one instance: a process-wide gate) and the status is read again inside, so a second click that raced
        // the first finds the campaign published (409) instead of issuing a second praise circular. Not a transaction: the
        // circular is rendered by Chromium before its own transaction numbers it (OfficialDocuments.IssueAsync).
        await db.Database.OpenConnectionAsync(ct);
        if (db.IsPostgres) await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({PublishLockKey})", ct);
        else await PublishGate.WaitAsync(ct);
        try
        {
            var c = await FindAsync(id, ct);
            if (c.Status != CampaignStatus.Closed) throw new DomainRuleException("EV-10", "只有已结束的测评活动可以公布。 Only a closed campaign is published.", 409);
            var circular = await results.ApplyConsequencesAsync(c, by, ct);
            c.Publish(time.GetUtcNow().UtcDateTime, circular);
            db.Audit(new AuditEvent("campaign.publish", nameof(EvaluationCampaign), id.ToString(), null, c.Name));
            await db.SaveChangesAsync(ct);
        }
        finally
        {
            if (db.IsPostgres) await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({PublishLockKey})", CancellationToken.None);
            else PublishGate.Release();
        }
        return await GetAsync(id, ct);
    }

    public async Task<CampaignDto> GetAsync(Guid id, CancellationToken ct)
    {
        var c = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("测评活动不存在。 No such campaign.");
        var sections = await db.CampaignSections.CountAsync(s => s.CampaignId == id, ct);
        // The latest computation's count: counting a million evaluations on every page view is not free.
        var evaluations = c.ComputationId is { } comp
            ? await db.ScoreComputations.Where(x => x.Id == comp).Select(x => x.Evaluations).FirstOrDefaultAsync(ct)
            : await db.Evaluations.LongCountAsync(e => e.CampaignId == id, ct);
        return Dto(c, sections, evaluations);
    }

    internal static CampaignDto Dto(EvaluationCampaign c, int sections, long evaluations) =>
        new(c.Id, c.Year, c.Name, c.PeriodFrom, c.PeriodTo, c.Status, RulesDto.Of(c.Rules), c.ResponseWorkingDays, sections, evaluations, c.ComputationId, c.OpenedAt,
            c.ClosedAt, c.PublishedAt, c.CircularOutcomeId);

    public async Task<List<CampaignDto>> ListAsync(int? year, CancellationToken ct)
    {
        var q = db.Campaigns.AsNoTracking();
        if (year is { } y) q = q.Where(c => c.Year == y);
        var list = await q.OrderByDescending(c => c.Year).ThenBy(c => c.Name).Take(500).ToListAsync(ct);
        var ids = list.Select(c => c.Id).ToList();
        var counts = await db.CampaignSections.AsNoTracking().Where(s => ids.Contains(s.CampaignId)).GroupBy(s => s.CampaignId)
            .Select(g => new { g.Key, N = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.N, ct);
        var evals = await db.ScoreComputations.AsNoTracking().Where(x => ids.Contains(x.CampaignId)).GroupBy(x => x.CampaignId)
            .Select(g => new { g.Key, N = g.Max(x => x.Evaluations) }).ToDictionaryAsync(x => x.Key, x => x.N, ct);
        return list.Select(c => Dto(c, counts.GetValueOrDefault(c.Id), evals.GetValueOrDefault(c.Id))).ToList();
    }

    public async Task<List<CampaignSectionDto>> SectionsAsync(Guid id, ClaimsPrincipal user, CancellationToken ct)
    {
        var viewer = RectificationViewer.Of(user);
        var q = from cs in db.CampaignSections.AsNoTracking().Where(s => s.CampaignId == id)
                join s in db.Sections on cs.SectionId equals s.Id
                join u in db.Units on cs.UnitId equals u.Id
                join k in db.Categories on cs.CategoryId equals k.Id
                select new { cs, s.Code, s.Name, UnitName = u.Name, CategoryName = k.Name };
        if (!viewer.SeesAll && !user.IsInRole(Mingcha.Domain.Security.Roles.MonitoringPoint) && !user.IsInRole(Mingcha.Domain.Security.Roles.EvaluationRep))
        {
            var own = viewer.UnitId ?? Guid.Empty;
            q = q.Where(x => x.cs.UnitId == own);
        }
        return (await q.OrderBy(x => x.CategoryName).ThenBy(x => x.Code).Take(50_000).ToListAsync(ct))
            .Select(x => new CampaignSectionDto(x.cs.SectionId, x.Code, x.Name, x.cs.UnitId, x.UnitName, x.cs.CategoryId, x.CategoryName))
            .OrderBy(x => x.CategoryName, StringComparer.Ordinal).ThenBy(x => x.Code, StringComparer.Ordinal).ToList();
    }
}
