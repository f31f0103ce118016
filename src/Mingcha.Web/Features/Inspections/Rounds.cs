using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Inspections;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Inspections;

/// <summary>INS-9: rounds and their written plans; targets chosen by the Office; visits created for the targets.</summary>
public sealed class Rounds(MingchaDb db, TimeProvider time)
{
    public sealed record RoundLine(Guid Id, int Year, InspectionKind Kind, CampaignKind Campaign, string Title, RoundStatus Status, DateOnly StartsOn, DateOnly EndsOn,
        Guid? AgencyId, int PlannedTargets, int Targets, int Visits, bool IsDemo);
    public sealed record TargetLine(Guid Id, Guid SectionId, string SectionCode, string SectionName, SectionKind SectionKind, Guid UnitId, string UnitName,
        TargetSource Source, Guid? DrawId, Guid? TeamId, Guid? AgencyId, string? Reason = null);
    public sealed record RoundDetail(Guid Id, int Year, InspectionKind Kind, CampaignKind Campaign, string Title, string Scope, string Focus, int PlannedTargets,
        DateOnly StartsOn, DateOnly EndsOn, RoundStatus Status, Guid? AgencyId, string? AgencyName, IReadOnlyList<Guid> TeamIds, DateTime? PlannedAt,
        DateTime? StartedAt, DateTime? ClosedAt, IReadOnlyList<TargetLine> Targets, IReadOnlyList<Guid> DrawIds, bool IsDemo);

    public sealed record CreateRound([property: Required, Range(Problems.FirstYear, Problems.LastYear)] int? Year, [property: Required] InspectionKind? Kind, [property: Required] CampaignKind? Campaign,
        [property: Required, StringLength(200, MinimumLength = 1)] string Title, [property: StringLength(4000)] string? Scope, [property: StringLength(4000)] string? Focus,
        [property: Range(0, 100000)] int? PlannedTargets, [property: Required] DateOnly? StartsOn, [property: Required] DateOnly? EndsOn,
        Guid? AgencyId, IReadOnlyList<Guid>? TeamIds);
    public sealed record EditRound([property: Required, StringLength(200, MinimumLength = 1)] string Title, [property: StringLength(4000)] string? Scope,
        [property: StringLength(4000)] string? Focus, [property: Required, Range(0, 100000)] int? PlannedTargets, [property: Required] DateOnly? StartsOn, [property: Required] DateOnly? EndsOn);
    public sealed record SetPeople(Guid? AgencyId, [property: Required] IReadOnlyList<Guid> TeamIds);
    /// <summary>Targets chosen by hand; <c>Reason</c>: why, required in a covert round (INS-5), e.g. a complaint clue.</summary>
    public sealed record ChooseTargets([property: Required, MinLength(1)] IReadOnlyList<Guid> SectionIds, Guid? TeamId, [property: StringLength(500)] string? Reason = null);

    public async Task<List<RoundLine>> ListAsync(InspectionViewer viewer, int? year, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var q = viewer.VisibleRounds(db, db.InspectionRounds.AsNoTracking());
        if (year is { } y) q = q.Where(r => r.Year == y);
        return await q.OrderByDescending(r => r.StartsOn).ThenBy(r => r.Title)
            .Select(r => new RoundLine(r.Id, r.Year, r.Kind, r.Campaign, r.Title, r.Status, r.StartsOn, r.EndsOn, r.AgencyId, r.PlannedTargets,
                db.RoundTargets.Count(t => t.RoundId == r.Id), db.Visits.Count(v => v.RoundId == r.Id), r.IsDemo))
            .ToListAsync(ct);
    }

    /// <summary>A round the viewer may see, or 404 (INS-9: its existence is not confirmed to anyone else).</summary>
    public async Task<RoundDetail> GetAsync(InspectionViewer viewer, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var r = await viewer.VisibleRounds(db, db.InspectionRounds.AsNoTracking().Include(x => x.Teams)).FirstOrDefaultAsync(x => x.Id == id, ct)
            ?? throw NotFound();
        var targets = await (from t in db.RoundTargets.AsNoTracking()
                             where t.RoundId == id
                             join s in db.Sections.AsNoTracking() on t.SectionId equals s.Id
                             join u in db.Units.AsNoTracking() on t.UnitId equals u.Id
                             orderby s.Code
                             select new TargetLine(t.Id, s.Id, s.Code, s.Name, s.Kind, u.Id, u.Name, t.Source, t.DrawId, t.TeamId, t.AgencyId, t.Reason)).ToListAsync(ct);
        if (!viewer.SeesAll)
        {
            // An inspector sees the targets assigned to them, not the whole plan.
            var mine = await viewer.VisibleVisits(db.Visits.AsNoTracking()).Where(v => v.RoundId == id).Select(v => v.TargetId).ToListAsync(ct);
            targets = targets.Where(t => mine.Contains(t.Id)).ToList();
        }
        var agencyName = r.AgencyId is { } a ? await db.Agencies.AsNoTracking().Where(x => x.Id == a).Select(x => x.Name).FirstOrDefaultAsync(ct) : null;
        var draws = viewer.SeesAll ? await db.RoundDraws.AsNoTracking().Where(d => d.RoundId == id).OrderBy(d => d.CreatedAt).Select(d => d.Id).ToListAsync(ct) : [];
        return new RoundDetail(r.Id, r.Year, r.Kind, r.Campaign, r.Title, r.Scope, r.Focus, r.PlannedTargets, r.StartsOn, r.EndsOn, r.Status, r.AgencyId, agencyName,
            r.Teams.Select(t => t.TeamId).ToList(), r.PlannedAt, r.StartedAt, r.ClosedAt, targets, draws, r.IsDemo);
    }

    public async Task<Guid> CreateAsync(CreateRound r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var round = new InspectionRound(r.Year!.Value, r.Kind!.Value, r.Campaign!.Value, r.Title.Trim(), (r.Scope ?? "").Trim(), (r.Focus ?? "").Trim(),
            r.StartsOn!.Value, r.EndsOn!.Value, by.UserId() ?? "", time.GetUtcNow().UtcDateTime);
        if (r.PlannedTargets is { } n) round.SetPlannedTargets(n);
        await ApplyPeopleAsync(round, r.AgencyId, r.TeamIds ?? [], ct);
        db.InspectionRounds.Add(round);
        await db.SaveChangesAsync(ct);
        return round.Id;
    }

    public async Task EditAsync(Guid id, EditRound r, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var round = await LoadAsync(id, ct);
        round.EditPlan(r.Title.Trim(), (r.Scope ?? "").Trim(), (r.Focus ?? "").Trim(), r.PlannedTargets!.Value, r.StartsOn!.Value, r.EndsOn!.Value);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>ORG-4, ORG-3: the round's agency or teams. A conflict of interest with a target is checked when targets are assigned.</summary>
    public async Task SetPeopleAsync(Guid id, SetPeople r, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var round = await db.InspectionRounds.Include(x => x.Teams).FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw NotFound();
        await ApplyPeopleAsync(round, r.AgencyId, r.TeamIds, ct);
        // Targets follow the round's people unless a target names its own team.
        var targets = await db.RoundTargets.Where(t => t.RoundId == id).ToListAsync(ct);
        var people = await Conflicts.PeopleOfAsync(db, r.AgencyId, r.TeamIds, ct);
        foreach (var t in targets)
        {
            await Conflicts.EnsureNoneAsync(db, people, t.UnitId, t.SectionId, round.StartsOn, round.EndsOn, ct);
            t.Assign(r.TeamIds.Count == 1 ? r.TeamIds[0] : t.TeamId, r.AgencyId);
        }
        await db.SaveChangesAsync(ct);
    }

    public async Task DecideAsync(Guid id, ClaimsPrincipal by, CancellationToken ct)
    {
        var round = await db.InspectionRounds.Include(x => x.Teams).FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw NotFound();
        round.Decide(by.UserId() ?? "", time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
    }

    public async Task StartAsync(Guid id, CancellationToken ct)
    {
        var round = await LoadAsync(id, ct);
        round.Start(time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
    }

    public async Task CloseAsync(Guid id, CancellationToken ct)
    {
        var round = await LoadAsync(id, ct);
        round.Close(time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The Office chooses targets itself (open inspections, thematic rounds). Conflicts of interest are refused (ORG-5).</summary>
    public async Task<int> ChooseAsync(Guid id, ChooseTargets r, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var round = await db.InspectionRounds.Include(x => x.Teams).FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw NotFound();
        round.EnsureTargetsOpen();
        var reason = string.IsNullOrWhiteSpace(r.Reason) ? null : r.Reason.Trim();
        if (round.Kind == InspectionKind.Covert && reason is null)
            throw new DomainRuleException("INS-5", "暗访对象应随机抽取；人工指定须说明理由（如投诉线索）。 Covert targets are drawn at random: give the reason for choosing one by hand (e.g. a complaint clue).", 422);
        if (r.TeamId is { } team && round.Teams.All(t => t.TeamId != team))
            throw new DomainRuleException("INS-9", "该督查组不在本轮方案中。 The team is not in the round's plan.", 422);
        var ids = r.SectionIds.Distinct().ToList();
        var sections = await db.Sections.AsNoTracking().Where(s => ids.Contains(s.Id)).Select(s => new { s.Id, s.UnitId, s.Active }).ToListAsync(ct);
        if (sections.Count != ids.Count || sections.Any(s => !s.Active))
            throw new FieldException("sectionIds", "有科室不存在或已停用。 A section does not exist or is inactive.");
        var existing = (await db.RoundTargets.AsNoTracking().Where(t => t.RoundId == id).Select(t => t.SectionId).ToListAsync(ct)).ToHashSet();
        var teamId = r.TeamId ?? (round.Teams.Count == 1 ? round.Teams[0].TeamId : null);
        var people = teamId is not null
            ? await Conflicts.PeopleOfAsync(db, round.AgencyId, teamId, ct)
            : await Conflicts.PeopleOfAsync(db, round.AgencyId, round.Teams.Select(t => t.TeamId), ct);
        var now = time.GetUtcNow().UtcDateTime;
        var added = 0;
        foreach (var s in sections.Where(s => !existing.Contains(s.Id)))
        {
            await Conflicts.EnsureNoneAsync(db, people, s.UnitId, s.Id, round.StartsOn, round.EndsOn, ct);
            db.RoundTargets.Add(new RoundTarget(id, s.Id, s.UnitId, TargetSource.Chosen, null, teamId, round.AgencyId, now, reason));
            added++;
        }
        await db.SaveChangesAsync(ct);
        return added;
    }

    /// <summary>One visit per target without one, carried out by the target's team or agency (INS-5, INS-9).</summary>
    public async Task<int> CreateVisitsAsync(Guid id, ClaimsPrincipal by, CancellationToken ct)
    {
        var round = await LoadAsync(id, ct);
        if (round.Status is RoundStatus.Draft or RoundStatus.Closed)
            throw new DomainRuleException("INS-9", "方案定稿后、轮次结束前才能安排检查。 Visits are scheduled between the plan's decision and the round's close.");
        var targets = await db.RoundTargets.AsNoTracking().Where(t => t.RoundId == id && !db.Visits.Any(v => v.TargetId == t.Id)).ToListAsync(ct);
        var sectionIds = targets.Select(t => t.SectionId).ToList();
        var names = await db.Sections.AsNoTracking().Where(s => sectionIds.Contains(s.Id)).Select(s => new { s.Id, s.Name }).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var t in targets)
        {
            var visit = new Visit(id, round.Year, round.Kind, t.SectionId, t.UnitId, t.Id, t.TeamId, t.AgencyId ?? round.AgencyId, null, by.UserId() ?? "", now);
            // EVD-3: each visit's files go to its own case; a covert visit's case stays hidden from the unit until released.
            var title = $"{round.Title} · {names.GetValueOrDefault(t.SectionId, "")}";
            var @case = new Evidence.EvidenceCase(round.Kind == InspectionKind.Covert ? Mingcha.Domain.Evidence.EvidenceCaseKind.CovertVisit : Mingcha.Domain.Evidence.EvidenceCaseKind.OpenInspection,
                title.Length > 200 ? title[..200] : title, t.UnitId, t.TeamId, Evidence.EvidenceCase.VisitReference, visit.Id, by.UserId() ?? "", now);
            db.EvidenceCases.Add(@case);
            visit.AttachEvidenceCase(@case.Id);
            db.Visits.Add(visit);
        }
        await db.SaveChangesAsync(ct);
        return targets.Count;
    }

    private async Task ApplyPeopleAsync(InspectionRound round, Guid? agencyId, IReadOnlyList<Guid> teamIds, CancellationToken ct)
    {
        if (agencyId is { } a)
        {
            var agency = await db.Agencies.AsNoTracking().FirstOrDefaultAsync(x => x.Id == a, ct)
                ?? throw new FieldException("agencyId", "第三方机构不存在。 No such agency.");
            // ORG-4: only an agency under contract (and not exited) carries out visits.
            var contracts = await db.AgencyContracts.AsNoTracking().Where(c => c.AgencyId == a).ToListAsync(ct);
            var underContract = contracts.Count == 0 ? agency.IsUnderContract(round.StartsOn) : contracts.Any(c => c.IsInForce(round.StartsOn));
            if (!underContract)
                throw new DomainRuleException("ORG-4", "该机构在本轮开始日不在合同期内。 The agency is not under contract on the round's start.", 422);
        }
        var distinct = teamIds.Distinct().ToList();
        if (distinct.Count > 0 && await db.Teams.CountAsync(t => distinct.Contains(t.Id), ct) != distinct.Count)
            throw new FieldException("teamIds", "督查组不存在。 No such team.");
        round.AssignAgency(agencyId);
        round.SetTeams(distinct);
        // The team rows are part of the plan, not records of their own: the plan's people are audited here (SEC-3).
        db.Audit(new Audit.AuditEvent("round.people", nameof(InspectionRound), round.Id.ToString(), null,
            $"agency {agencyId?.ToString() ?? "-"}; teams {string.Join(",", distinct)}"));
    }

    private async Task<InspectionRound> LoadAsync(Guid id, CancellationToken ct) =>
        await db.InspectionRounds.FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw NotFound();

    public static NotFoundException NotFound() => new("轮次不存在。 No such round.");
}
