using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Inspections;

/// <summary>
/// ORG-5: the rules inspectors sign (S3's 十不准), their signatures, declared conflicts of interest (enforced by
/// <see cref="Conflicts"/> in draws and assignments) and recorded breaches with their referral.
/// </summary>
public sealed class Discipline(MingchaDb db, TimeProvider time, LocalClock clock)
{
    public sealed record RulesDto(Guid Id, int Version, string Title, string Text, DateOnly EffectiveFrom, int Signatures);
    public sealed record PledgeDto(Guid Id, int Version, InspectorKind InspectorKind, Guid InspectorId, string InspectorName, DateTime SignedAt);
    public sealed record ConflictDto(Guid Id, InspectorKind InspectorKind, Guid InspectorId, string InspectorName, Guid UnitId, string UnitName, Guid? SectionId,
        string Reason, DateOnly DeclaredOn, DateOnly? EndedOn, bool InForce);
    public sealed record BreachDto(Guid Id, InspectorKind InspectorKind, Guid InspectorId, string InspectorName, BreachKind Breach, string Description,
        DateOnly OccurredOn, Guid? VisitId, DateTime RecordedAt, DateTime? ReferredAt, string? ReferredTo);
    public sealed record Overview(RulesDto? Current, IReadOnlyList<PledgeDto> Pledges, IReadOnlyList<ConflictDto> Conflicts, IReadOnlyList<BreachDto> Breaches,
        IReadOnlyList<UnsignedDto> NotSigned);
    public sealed record UnsignedDto(InspectorKind InspectorKind, Guid InspectorId, string Name);

    public sealed record NewRules([property: Required, StringLength(200, MinimumLength = 1)] string Title, [property: Required, StringLength(8000, MinimumLength = 1)] string Text,
        [property: Required] DateOnly? EffectiveFrom);
    public sealed record Sign([property: Required] InspectorKind? InspectorKind, [property: Required] Guid? InspectorId, Guid? SignatureEvidenceItemId);
    public sealed record DeclareConflict([property: Required] InspectorKind? InspectorKind, [property: Required] Guid? InspectorId, [property: Required] Guid? UnitId, Guid? SectionId,
        [property: Required, StringLength(500, MinimumLength = 1)] string Reason, DateOnly? DeclaredOn);
    public sealed record EndConflict([property: Required] DateOnly? EndedOn);
    public sealed record RecordBreach([property: Required] InspectorKind? InspectorKind, [property: Required] Guid? InspectorId, [property: Required] BreachKind? Breach,
        [property: Required, StringLength(4000, MinimumLength = 1)] string Description, [property: Required] DateOnly? OccurredOn, Guid? VisitId);
    public sealed record Refer([property: Required, StringLength(200, MinimumLength = 1)] string ReferredTo);

    public async Task<Overview> OverviewAsync(CancellationToken ct)
    {
        var names = await NamesAsync(ct);
        string Name(InspectorKind k, Guid id) => names.GetValueOrDefault(new InspectorRef(k, id), "?");
        var current = await db.DisciplineRules.AsNoTracking().OrderByDescending(r => r.Version).FirstOrDefaultAsync(ct);
        var pledges = await (from p in db.DisciplinePledges.AsNoTracking() join r in db.DisciplineRules.AsNoTracking() on p.RulesId equals r.Id
                             orderby p.SignedAt descending select new { p.Id, r.Version, p.InspectorKind, p.InspectorId, p.SignedAt, p.RulesId }).ToListAsync(ct);
        var today = clock.Today;
        var conflicts = await (from c in db.ConflictsOfInterest.AsNoTracking() join u in db.Units.AsNoTracking() on c.UnitId equals u.Id
                               orderby c.DeclaredOn descending select new { c, u.Name }).ToListAsync(ct);
        var breaches = await db.DisciplineBreaches.AsNoTracking().OrderByDescending(b => b.RecordedAt).ToListAsync(ct);
        var signedCurrent = current is null ? [] : pledges.Where(p => p.RulesId == current.Id).Select(p => new InspectorRef(p.InspectorKind, p.InspectorId)).ToHashSet();
        var unsigned = current is null ? [] : names.Where(n => n.Value != "?" && !signedCurrent.Contains(n.Key)).Select(n => new UnsignedDto(n.Key.Kind, n.Key.Id, n.Value)).OrderBy(u => u.Name).ToList();
        return new Overview(
            current is null ? null : new RulesDto(current.Id, current.Version, current.Title, current.Text, current.EffectiveFrom, signedCurrent.Count),
            pledges.Select(p => new PledgeDto(p.Id, p.Version, p.InspectorKind, p.InspectorId, Name(p.InspectorKind, p.InspectorId), p.SignedAt)).ToList(),
            conflicts.Select(x => new ConflictDto(x.c.Id, x.c.InspectorKind, x.c.InspectorId, Name(x.c.InspectorKind, x.c.InspectorId), x.c.UnitId, x.Name, x.c.SectionId,
                x.c.Reason, x.c.DeclaredOn, x.c.EndedOn, x.c.InForce(today))).ToList(),
            breaches.Select(b => new BreachDto(b.Id, b.InspectorKind, b.InspectorId, Name(b.InspectorKind, b.InspectorId), b.Breach, b.Description, b.OccurredOn, b.VisitId,
                b.RecordedAt, b.ReferredAt, b.ReferredTo)).ToList(),
            unsigned);
    }

    public async Task<Guid> NewRulesAsync(NewRules r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var version = (await db.DisciplineRules.MaxAsync(x => (int?)x.Version, ct) ?? 0) + 1;
        var rules = new DisciplineRules(version, r.Title, r.Text, r.EffectiveFrom!.Value, by.UserId() ?? "", time.GetUtcNow().UtcDateTime);
        db.DisciplineRules.Add(rules);
        await db.SaveChangesAsync(ct);
        return rules.Id;
    }

    /// <summary>ORG-5: the inspector signs the current rules (once per version).</summary>
    public async Task<Guid> SignAsync(Sign r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        await EnsureInspectorAsync(r.InspectorKind!.Value, r.InspectorId!.Value, ct);
        var current = await db.DisciplineRules.AsNoTracking().OrderByDescending(x => x.Version).FirstOrDefaultAsync(ct)
            ?? throw new DomainRuleException("ORG-5", "尚未制定纪律规定。 There are no rules to sign yet.", 422);
        if (r.SignatureEvidenceItemId is { } item && !await db.EvidenceItems.AnyAsync(i => i.Id == item, ct))
            throw new FieldException("signatureEvidenceItemId", "签名文件不存在。 No such evidence item.");
        if (await db.DisciplinePledges.AnyAsync(p => p.RulesId == current.Id && p.InspectorKind == r.InspectorKind && p.InspectorId == r.InspectorId, ct))
            throw new DomainRuleException("ORG-5", "已签署当前版本的纪律规定。 Already signed the current rules.", 409);
        var pledge = new DisciplinePledge(current.Id, r.InspectorKind!.Value, r.InspectorId!.Value, r.SignatureEvidenceItemId, by.UserId() ?? "", time.GetUtcNow().UtcDateTime);
        db.DisciplinePledges.Add(pledge);
        await db.SaveChangesAsync(ct);
        return pledge.Id;
    }

    public async Task<Guid> DeclareAsync(DeclareConflict r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        await EnsureInspectorAsync(r.InspectorKind!.Value, r.InspectorId!.Value, ct);
        if (!await db.Units.AnyAsync(u => u.Id == r.UnitId, ct)) throw new FieldException("unitId", "单位不存在。 No such unit.");
        if (r.SectionId is { } s && !await db.Sections.AnyAsync(x => x.Id == s && x.UnitId == r.UnitId, ct))
            throw new FieldException("sectionId", "科室不属于该单位。 The section is not in the unit.");
        var c = new ConflictOfInterest(r.InspectorKind!.Value, r.InspectorId!.Value, r.UnitId!.Value, r.SectionId, r.Reason, r.DeclaredOn ?? clock.Today,
            by.UserId() ?? "", time.GetUtcNow().UtcDateTime);
        db.ConflictsOfInterest.Add(c);
        await db.SaveChangesAsync(ct);
        return c.Id;
    }

    public async Task EndConflictAsync(Guid id, EndConflict r, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var c = await db.ConflictsOfInterest.FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("利益冲突申报不存在。 No such declaration.");
        c.End(r.EndedOn!.Value);
        await db.SaveChangesAsync(ct);
    }

    public async Task<Guid> RecordBreachAsync(RecordBreach r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        await EnsureInspectorAsync(r.InspectorKind!.Value, r.InspectorId!.Value, ct);
        if (r.VisitId is { } v && !await db.Visits.AnyAsync(x => x.Id == v, ct)) throw new FieldException("visitId", "检查记录不存在。 No such visit.");
        var b = new DisciplineBreach(r.InspectorKind!.Value, r.InspectorId!.Value, r.Breach!.Value, r.Description, r.OccurredOn!.Value, r.VisitId, by.UserId() ?? "", time.GetUtcNow().UtcDateTime);
        db.DisciplineBreaches.Add(b);
        await db.SaveChangesAsync(ct);
        return b.Id;
    }

    public async Task ReferAsync(Guid id, Refer r, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        // The API's validation checks this before the call; the page's form reaches here with whatever was posted
        // (PostgreSQL refuses a longer value than the column's 200, SQLite would store it).
        if (r.ReferredTo is { Length: > 200 })
            throw new FieldException("referredTo", "移送机关不超过 200 字。 The authority referred to is at most 200 characters.");
        var b = await db.DisciplineBreaches.FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("违纪记录不存在。 No such breach.");
        b.Refer(r.ReferredTo, time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
    }

    private async Task EnsureInspectorAsync(InspectorKind kind, Guid id, CancellationToken ct)
    {
        var exists = kind == InspectorKind.Supervisor
            ? await db.Supervisors.AnyAsync(s => s.Id == id, ct)
            : await db.AgencyInspectors.AnyAsync(i => i.Id == id, ct);
        if (!exists) throw new FieldException("inspectorId", "检查人员不存在。 No such inspector.");
    }

    private async Task<Dictionary<InspectorRef, string>> NamesAsync(CancellationToken ct)
    {
        var d = new Dictionary<InspectorRef, string>();
        foreach (var s in await db.Supervisors.AsNoTracking().Where(s => s.Status == Organisation.SupervisorStatus.Approved).Select(s => new { s.Id, s.Name }).ToListAsync(ct))
            d[new InspectorRef(InspectorKind.Supervisor, s.Id)] = s.Name;
        foreach (var i in await db.AgencyInspectors.AsNoTracking().Where(i => i.Active).Select(i => new { i.Id, i.Name }).ToListAsync(ct))
            d[new InspectorRef(InspectorKind.AgencyInspector, i.Id)] = i.Name;
        return d;
    }
}
