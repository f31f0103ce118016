using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Inspections;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Inspections;

/// <summary>
/// ORG-4 and INS-13: an agency's tenders and contracts, inspectors and their training, the Office's written
/// rectification opinions, and the yearly assessment computed from its visits with the exit decision.
/// </summary>
public sealed class Agencies(MingchaDb db, TimeProvider time, UserManager<MingchaUser> users, LocalClock clock)
{
    public sealed record ContractDto(Guid Id, string TenderReference, DateOnly TenderOn, string ExpertReview, DateOnly StartsOn, DateOnly EndsOn, DateOnly? TerminatedOn, string? TerminationReason);
    public sealed record TrainingDto(Guid Id, DateOnly HeldOn, string Topic, decimal Hours, bool Passed);
    public sealed record InspectorDto(Guid Id, string Name, string? UserId, bool Active, IReadOnlyList<TrainingDto> Trainings);
    public sealed record OpinionDto(Guid Id, int Year, AgencyShortfall Subject, string Text, DateTime IssuedAt, string? Response, DateTime? RespondedAt);
    public sealed record AssessmentDto(Guid Id, int Year, int Visits, int Accepted, int Returned, int Rejected, decimal Depth, decimal AverageSteps, int ShortVisits,
        int MonthsCovered, decimal PeakMonthShare, int Opinions, decimal Score, bool ExitAdvised, AgencyDecision Decision, string? DecisionNote, DateTime? DecidedAt, DateTime ComputedAt);
    public sealed record AgencyDetail(Guid Id, string Name, string? CreditCode, DateOnly ContractStart, DateOnly ContractEnd, bool UnderContractToday,
        IReadOnlyList<ContractDto> Contracts, IReadOnlyList<InspectorDto> Inspectors, IReadOnlyList<OpinionDto> Opinions, IReadOnlyList<AssessmentDto> Assessments);

    public sealed record AddContract([property: Required, StringLength(100, MinimumLength = 1)] string TenderReference, [property: Required] DateOnly? TenderOn,
        [property: Required, StringLength(4000, MinimumLength = 1)] string ExpertReview, [property: Required] DateOnly? StartsOn, [property: Required] DateOnly? EndsOn);
    public sealed record AddInspector([property: Required, StringLength(100, MinimumLength = 1)] string Name, [property: StringLength(450)] string? UserId);
    public sealed record AddTraining([property: Required] DateOnly? HeldOn, [property: Required, StringLength(300, MinimumLength = 1)] string Topic,
        [property: Required, Range(0.1, 1000)] decimal? Hours, bool Passed);
    public sealed record IssueOpinion([property: Required, Range(Problems.FirstYear, Problems.LastYear)] int? Year, [property: Required] AgencyShortfall? Subject, [property: Required, StringLength(4000, MinimumLength = 1)] string Text);
    public sealed record AnswerOpinion([property: Required, StringLength(4000, MinimumLength = 1)] string Response);
    public sealed record Decide([property: Required] AgencyDecision? Decision, [property: Required, StringLength(2000, MinimumLength = 1)] string Note);

    public async Task<AgencyDetail> GetAsync(Guid id, CancellationToken ct)
    {
        var a = await db.Agencies.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw NotFound();
        var contracts = await db.AgencyContracts.AsNoTracking().Where(c => c.AgencyId == id).OrderBy(c => c.StartsOn).ToListAsync(ct);
        var inspectors = await db.AgencyInspectors.AsNoTracking().Where(i => i.AgencyId == id).OrderBy(i => i.Name).ToListAsync(ct);
        var trainings = await db.AgencyTrainings.AsNoTracking().Where(t => t.AgencyId == id).OrderBy(t => t.HeldOn).ToListAsync(ct);
        var opinions = await db.AgencyOpinions.AsNoTracking().Where(o => o.AgencyId == id).OrderByDescending(o => o.IssuedAt).ToListAsync(ct);
        var assessments = await db.AgencyAssessments.AsNoTracking().Where(x => x.AgencyId == id).OrderByDescending(x => x.Year).ToListAsync(ct);
        var today = clock.Today;
        return new AgencyDetail(a.Id, a.Name, a.CreditCode, a.ContractStart, a.ContractEnd,
            contracts.Count == 0 ? a.IsUnderContract(today) : contracts.Any(c => c.IsInForce(today)),
            contracts.Select(c => new ContractDto(c.Id, c.TenderReference, c.TenderOn, c.ExpertReview, c.StartsOn, c.EndsOn, c.TerminatedOn, c.TerminationReason)).ToList(),
            inspectors.Select(i => new InspectorDto(i.Id, i.Name, i.UserId, i.Active,
                trainings.Where(t => t.InspectorId == i.Id).Select(t => new TrainingDto(t.Id, t.HeldOn, t.Topic, t.Hours, t.Passed)).ToList())).ToList(),
            opinions.Select(o => new OpinionDto(o.Id, o.Year, o.Subject, o.Text, o.IssuedAt, o.Response, o.RespondedAt)).ToList(),
            assessments.Select(ToDto).ToList());
    }

    public async Task<Guid> AddContractAsync(Guid id, AddContract r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        await EnsureAgencyAsync(id, ct);
        var contracts = await db.AgencyContracts.AsNoTracking().Where(c => c.AgencyId == id).ToListAsync(ct);
        if (contracts.Any(c => c.TerminatedOn is null && c.StartsOn <= r.EndsOn && r.StartsOn <= c.EndsOn))
            throw new DomainRuleException("ORG-4", "新合同期与现有合同重叠。 The new contract overlaps an existing one.", 409);
        var c = new AgencyContract(id, r.TenderReference.Trim(), r.TenderOn!.Value, r.ExpertReview.Trim(), r.StartsOn!.Value, r.EndsOn!.Value, by.UserId() ?? "", time.GetUtcNow().UtcDateTime);
        db.AgencyContracts.Add(c);
        await db.SaveChangesAsync(ct);
        return c.Id;
    }

    /// <summary>ORG-4: an inspector of the agency; a linked account must hold the AgencyInspector role and be nobody else's.</summary>
    public async Task<Guid> AddInspectorAsync(Guid id, AddInspector r, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        await EnsureAgencyAsync(id, ct);
        if (r.UserId is { Length: > 0 } userId)
        {
            var user = await users.FindByIdAsync(userId) ?? throw new FieldException("userId", "账户不存在。 No such account.");
            if (!await users.IsInRoleAsync(user, Roles.AgencyInspector))
                throw new DomainRuleException("ORG-4", "该账户不是第三方暗访员角色。 The account does not hold the agency inspector role.", 422);
            // INS-9, SEC-2: an agency's inspector sees its agency's covert visits; a unit's account never does.
            if (user.UnitId is not null || await users.IsInRoleAsync(user, Roles.UnitLiaison))
                throw new DomainRuleException("INS-9", "绑定单位的账户不能登记为暗访员：被检查单位不得获知暗访安排。 A unit's account cannot be an agency inspector.", 422);
            if (await db.AgencyInspectors.AnyAsync(i => i.UserId == userId && i.Active, ct))
                throw new DomainRuleException("ORG-4", "该账户已登记为暗访员。 The account is already an agency inspector.", 409);
        }
        var inspector = new AgencyInspector(id, r.Name, string.IsNullOrEmpty(r.UserId) ? null : r.UserId, time.GetUtcNow().UtcDateTime);
        db.AgencyInspectors.Add(inspector);
        await db.SaveChangesAsync(ct);
        return inspector.Id;
    }

    public async Task<Guid> AddTrainingAsync(Guid id, Guid inspectorId, AddTraining r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (!await db.AgencyInspectors.AnyAsync(i => i.Id == inspectorId && i.AgencyId == id, ct))
            throw new NotFoundException("暗访员不存在。 No such inspector.");
        var t = new AgencyTraining(id, inspectorId, r.HeldOn!.Value, r.Topic, r.Hours!.Value, r.Passed, by.UserId() ?? "", time.GetUtcNow().UtcDateTime);
        db.AgencyTrainings.Add(t);
        await db.SaveChangesAsync(ct);
        return t.Id;
    }

    public async Task<Guid> IssueOpinionAsync(Guid id, IssueOpinion r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        await EnsureAgencyAsync(id, ct);
        var o = new AgencyOpinion(id, r.Year!.Value, r.Subject!.Value, r.Text, by.UserId() ?? "", time.GetUtcNow().UtcDateTime);
        db.AgencyOpinions.Add(o);
        await db.SaveChangesAsync(ct);
        return o.Id;
    }

    /// <summary>The agency's answer: recorded by the Office, or sent by one of the agency's own inspectors.</summary>
    public async Task AnswerOpinionAsync(Guid opinionId, AnswerOpinion r, InspectionViewer viewer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(viewer);
        var o = await db.AgencyOpinions.FirstOrDefaultAsync(x => x.Id == opinionId, ct);
        if (o is null || (!viewer.IsOffice && viewer.AgencyId != o.AgencyId)) throw new NotFoundException("整改意见不存在。 No such opinion.");
        o.Answer(r.Response, time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>ORG-4, INS-13: computes (or recomputes, while undecided) the agency's assessment of the year from its visits.</summary>
    public async Task<AssessmentDto> AssessAsync(Guid id, int year, ClaimsPrincipal by, CancellationToken ct)
    {
        Problems.RequireYear(year);
        await EnsureAgencyAsync(id, ct);
        var visits = await db.Visits.AsNoTracking().Where(v => v.AgencyId == id && v.Year == year)
            .Select(v => new { v.Id, v.Status, v.StepsCompleted, v.RecordedSeconds, v.VisitedOn }).ToListAsync(ct);
        var ids = visits.Select(v => v.Id).ToList();
        var findings = (await db.Findings.AsNoTracking().Where(f => ids.Contains(f.VisitId) && f.Status != FindingStatus.Dropped)
            .GroupBy(f => f.VisitId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct)).ToDictionary(x => x.Key, x => x.Count);
        var opinions = await db.AgencyOpinions.CountAsync(o => o.AgencyId == id && o.Year == year, ct);
        var figures = AgencyScoring.Compute(visits.Select(v => new AgencyVisitFacts(v.Status.ToString(), v.StepsCompleted, v.RecordedSeconds,
            v.VisitedOn?.Month ?? 0, findings.GetValueOrDefault(v.Id))).ToList(), opinions);
        var now = time.GetUtcNow().UtcDateTime;
        var assessment = await db.AgencyAssessments.FirstOrDefaultAsync(a => a.AgencyId == id && a.Year == year, ct);
        if (assessment is null)
        {
            assessment = new AgencyAssessment(id, year, by.UserId() ?? "", now);
            db.AgencyAssessments.Add(assessment);
        }
        assessment.SetFigures(figures.Visits, figures.Accepted, figures.Returned, figures.Rejected, figures.Depth, figures.AverageSteps, figures.ShortVisits,
            figures.MonthsCovered, figures.PeakMonthShare, figures.Opinions, figures.Score, by.UserId() ?? "", now);
        await db.SaveChangesAsync(ct);
        return ToDto(assessment);
    }

    /// <summary>ORG-4: the Office keeps the agency or ends its contract (exit): the contract in force ends today.</summary>
    public async Task DecideAsync(Guid id, int year, Decide r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var assessment = await db.AgencyAssessments.FirstOrDefaultAsync(a => a.AgencyId == id && a.Year == year, ct)
            ?? throw new NotFoundException("该年度尚未考核。 The year has not been assessed.");
        var now = time.GetUtcNow().UtcDateTime;
        assessment.Decide(r.Decision!.Value, r.Note, by.UserId() ?? "", now);
        if (r.Decision == AgencyDecision.Exit)
        {
            var today = clock.Today;
            foreach (var c in await db.AgencyContracts.Where(c => c.AgencyId == id && c.TerminatedOn == null && c.EndsOn >= today).ToListAsync(ct))
                c.Terminate(today < c.StartsOn ? c.StartsOn : today, r.Note.Trim());
            // EVD-3, INS-9: an agency out of contract is no longer a visit's team: its inspectors are no longer active (they see
            // none of its visits, planned or done, and start none) and lose every evidence case they were given. The rows stay.
            var inspectors = await db.AgencyInspectors.Where(i => i.AgencyId == id).ToListAsync(ct);
            foreach (var inspector in inspectors) inspector.Deactivate();
            var accounts = inspectors.Where(i => i.UserId != null).Select(i => i.UserId!).ToList();
            foreach (var access in await db.EvidenceCaseInspectors.Where(a => accounts.Contains(a.UserId) && a.WithdrawnAt == null).ToListAsync(ct))
                access.Withdraw(by.UserId() ?? "", now);
        }
        await db.SaveChangesAsync(ct);
    }

    private static AssessmentDto ToDto(AgencyAssessment a) =>
        new(a.Id, a.Year, a.Visits, a.Accepted, a.Returned, a.Rejected, a.Depth, a.AverageSteps, a.ShortVisits, a.MonthsCovered, a.PeakMonthShare, a.Opinions,
            a.Score, a.Score < AgencyScoring.ExitBelow, a.Decision, a.DecisionNote, a.DecidedAt, a.ComputedAt);

    private async Task EnsureAgencyAsync(Guid id, CancellationToken ct)
    {
        if (!await db.Agencies.AnyAsync(a => a.Id == id, ct)) throw NotFound();
    }

    private static NotFoundException NotFound() => new("第三方机构不存在。 No such agency.");
}
