using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Identifiers;
using Mingcha.Domain.Satisfaction;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;

namespace Mingcha.Web.Features.Ratings;

/// <summary>
/// SAT-7: the phone a bad rating is called back on. The one the rater gave; else the one on the service record of the case
/// rated (SAT-8: the citizen served, pushed by the window's business system), if the record is the same unit's. A rating
/// device at the window seldom asks for a phone, while the case record has it: such a rating is a real-name one.
/// </summary>
public static class CallBackPhones
{
    /// <summary>The service records' phones of these cases, by case number, with the unit that served.</summary>
    public static async Task<Dictionary<string, (Guid UnitId, string Phone)>> OfCasesAsync(MingchaDb db, IEnumerable<string?> caseNumbers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var numbers = caseNumbers.OfType<string>().Distinct().ToList();
        if (numbers.Count == 0) return [];
        var rows = await db.ServiceRecords.AsNoTracking().Where(s => numbers.Contains(s.CaseNumber) && s.CitizenPhone != null)
            .Select(s => new { s.CaseNumber, s.UnitId, s.CitizenPhone }).ToListAsync(ct);
        return rows.GroupBy(r => r.CaseNumber).ToDictionary(g => g.Key, g => (g.First().UnitId, g.First().CitizenPhone!));
    }

    /// <summary>The phone for one rating: the rater's, else its case record's of the same unit; null when neither.</summary>
    public static string? For(string? raterPhone, string? caseNumber, Guid unitId, IReadOnlyDictionary<string, (Guid UnitId, string Phone)> records) =>
        raterPhone ?? (caseNumber is not null && records.TryGetValue(caseNumber, out var r) && r.UnitId == unitId ? r.Phone : null);

    /// <summary>
    /// SEC-4: whose phone a user may not see, in a list or by a reveal. A rating of a complaint's answer (channel Complaint) is
    /// the complainant's: a unit's liaison gets it only when the Office granted the unit contact for that complaint
    /// (<see cref="Complaints.ComplaintContact"/>); the Office always (leaders see lists, masked). Returns a test of
    /// (channel, case number): true when the phone is withheld from <paramref name="user"/>.
    /// </summary>
    public static async Task<Func<RatingChannel, string?, bool>> WithheldAsync(MingchaDb db, ClaimsPrincipal user,
        IEnumerable<(RatingChannel Channel, string? CaseNumber)> ratings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(ratings);
        if (user.SeesAllUnits()) return static (_, _) => false;
        var granted = await Complaints.ComplaintContact.GrantedToUnitAsync(db, user.UnitId() ?? Guid.Empty,
            ratings.Where(r => r.Channel == RatingChannel.Complaint).Select(r => r.CaseNumber), ct);
        return (channel, caseNumber) => channel == RatingChannel.Complaint && (caseNumber is null || !granted.Contains(caseNumber));
    }
}

/// <summary>SAT-7 follow-up cases, appeals and exclusions; SAT-9 flag reviews. Unit liaisons work on their own unit's cases only.</summary>
public sealed class FollowUps(MingchaDb db, TimeProvider time, Microsoft.Extensions.Options.IOptions<RatingOptions> options)
{
    public sealed record FailedCallInput([property: Required, StringLength(2000)] string? Note);
    public sealed record StepInput([property: Required] FollowUpStep? Step, [property: StringLength(2000)] string? Note, bool? Reached);
    public sealed record AppealInput([property: Required, StringLength(2000)] string? Reason);
    public sealed record DecisionInput([property: Required] bool? Upheld, [property: StringLength(2000)] string? Note);
    public sealed record FlagReviewInput([property: Required] bool? Confirmed);

    public sealed record FollowUpDto(Guid Id, Guid RatingId, Guid UnitId, Guid SectionId, bool RealName, string RaterPhone, DateTime OpenedAt,
        FollowUpState State, FollowUpStep? NextStep, DateOnly? NextDue, DateOnly? CallBackDue, DateOnly? VerifyDue, DateOnly? FixDue, DateOnly? InformDue,
        bool CalendarMissing, DateTime? CalledBackAt, DateTime? VerifiedAt, DateTime? FixedAt, DateTime? InformedAt,
        string? AppealReason, bool? AppealUpheld, string? AppealDecisionNote, bool RatingExcluded, int Level, RatingScale Scale, string? Comment,
        int FailedCalls, DateTime? LastFailedCallAt, int CallBackAttempts, bool ContactWithheld = false,
        DateTime? RatedAt = null, Guid? StaffId = null,
        string? UnitNameThen = null, string? UnitNameNow = null, string? SectionNameThen = null, string? SectionNameNow = null,
        string? StaffNameThen = null, string? StaffNameNow = null);
    public sealed record FlagDto(Guid Id, Guid RatingId, string Rule, string Reason, DateTime CreatedAt, bool? Confirmed, DateTime? ReviewedAt);

    private IQueryable<FollowUpCase> Visible(ClaimsPrincipal user)
    {
        var q = db.FollowUpCases.AsQueryable();
        if (user.SeesAllUnits()) return q;
        var own = user.UnitId() ?? Guid.Empty;
        return q.Where(f => f.UnitId == own);
    }

    public Task<List<FollowUpDto>> ListAsync(ClaimsPrincipal user, string? state, CancellationToken ct)
    {
        if (state is not { Length: > 0 }) return ListAsync(user, (IReadOnlyCollection<FollowUpState>?)null, ct);
        if (!Enum.TryParse<FollowUpState>(state, true, out var s)) throw new FieldException("state", "状态无效。 Unknown state.");
        return ListAsync(user, [s], ct);
    }

    /// <summary>The cases the user may see in any of <paramref name="states"/> (all states when null), newest first.</summary>
    public async Task<List<FollowUpDto>> ListAsync(ClaimsPrincipal user, IReadOnlyCollection<FollowUpState>? states, CancellationToken ct)
    {
        var q = Visible(user).AsNoTracking();
        if (states is not null) q = q.Where(f => states.Contains(f.State));
        var cases = await q.OrderByDescending(f => f.OpenedAt).Take(500).ToListAsync(ct);
        return await ToDtosAsync(user, cases, ct);
    }

    public async Task<FollowUpDto> GetAsync(ClaimsPrincipal user, Guid id, CancellationToken ct)
    {
        var f = await Visible(user).AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("回访案件不存在。 No such follow-up case.");
        return (await ToDtosAsync(user, [f], ct))[0];
    }

    private async Task<List<FollowUpDto>> ToDtosAsync(ClaimsPrincipal user, List<FollowUpCase> cases, CancellationToken ct)
    {
        var ids = cases.Select(c => c.RatingId).ToList();
        var ratings = await db.Ratings.AsNoTracking().Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, ct);
        var excluded = (await db.RatingExclusions.AsNoTracking().Where(x => ids.Contains(x.RatingId)).Select(x => x.RatingId).ToListAsync(ct)).ToHashSet();
        var records = await CallBackPhones.OfCasesAsync(db, ratings.Values.Where(r => r.RaterPhone is null).Select(r => r.CaseNumber), ct);
        // SEC-4: a complainant's phone (a rating of a complaint's answer) is not the unit's without the Office's grant.
        var withheld = await CallBackPhones.WithheldAsync(db, user, ratings.Values.Select(r => (r.Channel, r.CaseNumber)), ct);
        // ORG-1: the case's unit and window, and the person rated, as they were when the rating was given; one query per kind.
        var org = await Organisation.OrgAsOf.LoadAsync(db, cases.Select(f => f.SectionId), cases.Select(f => f.UnitId), ratings.Values.Select(r => r.StaffId).OfType<Guid>(), ct);
        return cases.Select(f =>
        {
            var r = ratings.GetValueOrDefault(f.RatingId);
            var hidden = r is not null && withheld(r.Channel, r.CaseNumber);
            var phone = r is null || hidden ? null : CallBackPhones.For(r.RaterPhone, r.CaseNumber, r.UnitId, records);
            var names = org.NamesAt(r?.RatedAt ?? f.OpenedAt, f.UnitId, f.SectionId, r?.StaffId);
            return new FollowUpDto(f.Id, f.RatingId, f.UnitId, f.SectionId, f.RealName, PersonalData.MaskPhone(phone), f.OpenedAt, f.State, f.NextStep,
                f.NextStep is { } n ? f.Due(n) : null, f.CallBackDue, f.VerifyDue, f.FixDue, f.InformDue, f.CalendarMissing, f.CalledBackAt, f.VerifiedAt,
                f.FixedAt, f.InformedAt, f.AppealReason, f.AppealUpheld, f.AppealDecisionNote, excluded.Contains(f.RatingId), r?.Level ?? 0,
                r?.Scale ?? RatingScale.ThreeLevel, r?.Comment, f.FailedCalls, f.LastFailedCallAt, options.Value.CallBackEffort.Attempts, hidden && f.RealName,
                r?.RatedAt, r?.StaffId, names.UnitNameThen, names.UnitNameNow, names.SectionNameThen, names.SectionNameNow, names.StaffNameThen, names.StaffNameNow);
        }).ToList();
    }

    private async Task<FollowUpCase> LoadAsync(ClaimsPrincipal user, Guid id, CancellationToken ct) =>
        await Visible(user).FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("回访案件不存在。 No such follow-up case.");

    /// <summary>
    /// SEC-4: the steps that speak to the rater (the call back, its failed calls, telling the rater of the fix) are the Office's
    /// while the rater's number is withheld from the user's unit (a complainant's, until the Office grants contact). A unit
    /// that cannot have called may not record that it did, or that nobody answered.
    /// </summary>
    private async Task RequireContactAsync(ClaimsPrincipal user, FollowUpCase f, FollowUpStep step, CancellationToken ct)
    {
        if (!f.RealName || step is not (FollowUpStep.CallBack or FollowUpStep.Inform) || user.SeesAllUnits()) return;
        var r = await db.Ratings.AsNoTracking().Where(x => x.Id == f.RatingId).Select(x => new { x.Channel, x.CaseNumber }).FirstOrDefaultAsync(ct);
        if (r is null) return;
        var withheld = await CallBackPhones.WithheldAsync(db, user, [(r.Channel, r.CaseNumber)], ct);
        if (withheld(r.Channel, r.CaseNumber))
            throw new DomainRuleException("SEC-4", "评价人号码由效能办掌握：请效能办回访和告知，或请效能办在投诉页面授权本单位联系。 "
                + "The rater's number is withheld from your unit: the Office calls back and informs, or grants your unit contact on the complaint.", 403);
    }

    public async Task<FollowUpDto> CompleteStepAsync(ClaimsPrincipal user, Guid id, StepInput input, CancellationToken ct)
    {
        Infrastructure.Problems.ValidateLengths(input); // the page calls this too: an over-long note is named, never a 500 from the database
        var f = await LoadAsync(user, id, ct);
        if (input.Step is { } step) await RequireContactAsync(user, f, step, ct);
        f.CompleteStep(input.Step!.Value, input.Note ?? "", input.Reached, time.GetUtcNow().UtcDateTime, options.Value.CallBackEffort);
        await db.SaveChangesAsync(ct);
        return await GetAsync(user, id, ct);
    }

    /// <summary>SAT-7: a call back that did not reach the rater; the case stays at its call back.</summary>
    public async Task<FollowUpDto> RecordFailedCallAsync(ClaimsPrincipal user, Guid id, FailedCallInput input, CancellationToken ct)
    {
        Infrastructure.Problems.ValidateLengths(input);
        var f = await LoadAsync(user, id, ct);
        await RequireContactAsync(user, f, FollowUpStep.CallBack, ct);
        f.RecordFailedCall(input.Note ?? "", time.GetUtcNow().UtcDateTime, options.Value.CallBackEffort);
        await db.SaveChangesAsync(ct);
        return await GetAsync(user, id, ct);
    }

    public async Task<FollowUpDto> AppealAsync(ClaimsPrincipal user, Guid id, AppealInput input, CancellationToken ct)
    {
        Infrastructure.Problems.ValidateLengths(input);
        var f = await LoadAsync(user, id, ct);
        f.Appeal(input.Reason ?? "", time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        return await GetAsync(user, id, ct);
    }

    /// <summary>SAT-7: the Office's review. Upheld: the rating is kept, marked excluded, and left out of scores.</summary>
    public async Task<FollowUpDto> DecideAppealAsync(ClaimsPrincipal user, Guid id, DecisionInput input, CancellationToken ct)
    {
        if (!user.IsInRole(Domain.Security.Roles.OfficeAdmin) && !user.IsInRole(Domain.Security.Roles.OfficeStaff))
            throw new DomainRuleException("SAT-7", "申诉由效能办审核。 The Office reviews appeals.", 403);
        Infrastructure.Problems.ValidateLengths(input);
        var f = await LoadAsync(user, id, ct);
        var now = time.GetUtcNow().UtcDateTime;
        var by = user.Identity?.Name ?? "";
        f.DecideAppeal(input.Upheld == true, input.Note ?? "", by, now);
        if (input.Upheld == true && !await db.RatingExclusions.AnyAsync(x => x.RatingId == f.RatingId, ct))
            db.RatingExclusions.Add(new RatingExclusion(f.RatingId, $"申诉成立：{input.Note}", by, now));
        await db.SaveChangesAsync(ct);
        return await GetAsync(user, id, ct);
    }

    public async Task<List<FlagDto>> ListFlagsAsync(bool open, CancellationToken ct) =>
        await db.RatingFlags.AsNoTracking().Where(f => !open || f.ReviewedAt == null).OrderByDescending(f => f.CreatedAt).Take(500)
            .Select(f => new FlagDto(f.Id, f.RatingId, f.Rule, f.Reason, f.CreatedAt, f.Confirmed, f.ReviewedAt)).ToListAsync(ct);

    /// <summary>SAT-9: a confirmed manipulation excludes the rating (kept, marked); a cleared flag changes nothing.</summary>
    public async Task<FlagDto> ReviewFlagAsync(ClaimsPrincipal user, Guid id, FlagReviewInput input, CancellationToken ct)
    {
        var f = await db.RatingFlags.FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("标记不存在。 No such flag.");
        var now = time.GetUtcNow().UtcDateTime;
        var by = user.Identity?.Name ?? "";
        f.Review(input.Confirmed == true, by, now);
        if (input.Confirmed == true && !await db.RatingExclusions.AnyAsync(x => x.RatingId == f.RatingId, ct))
            db.RatingExclusions.Add(new RatingExclusion(f.RatingId, $"经复核认定为刷评（{f.Rule}）。", by, now));
        await db.SaveChangesAsync(ct);
        return new FlagDto(f.Id, f.RatingId, f.Rule, f.Reason, f.CreatedAt, f.Confirmed, f.ReviewedAt);
    }
}

/// <summary>SAT-4: the satisfaction rate of a unit (with its sub-units: a county with its townships) or a section for a period.</summary>
public sealed class SatisfactionRates(MingchaDb db, RatingIntake intake, RatingDayCounts counts)
{
    public sealed record RateDto(Guid SubjectId, DateOnly From, DateOnly To, int Counted, int Excluded, decimal? Rate, decimal Coefficient);

    public async Task<RateDto> ForUnitAsync(Guid unitId, DateOnly from, DateOnly to, bool includeChildren, CancellationToken ct)
    {
        if (!await db.Units.AnyAsync(u => u.Id == unitId, ct)) throw new NotFoundException("单位不存在。 No such unit.");
        var units = includeChildren
            ? Organisation.UnitTree.WithDescendants(unitId, (await db.Units.AsNoTracking().Select(u => new { u.Id, u.ParentUnitId }).ToListAsync(ct)).Select(u => (u.Id, u.ParentUnitId)))
            : [unitId];
        return Rate(unitId, from, to, await counts.CountAsync(from, to, units, null, ct));
    }

    /// <summary>A section with its sub-sections; <paramref name="unitId"/> is the section's unit.</summary>
    public async Task<RateDto> ForSectionAsync(Guid sectionId, Guid unitId, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var sections = await db.Sections.AsNoTracking().Where(s => s.UnitId == unitId && (s.Id == sectionId || s.ParentSectionId == sectionId))
            .Select(s => s.Id).ToListAsync(ct);
        return Rate(sectionId, from, to, await counts.CountAsync(from, to, [unitId], sections, ct));
    }

    private RateDto Rate(Guid subject, DateOnly from, DateOnly to, List<RatingCount> groups)
    {
        var rate = SatisfactionCoefficient.ComputeCounted(groups.Select(g => (new ScoredRating(intake.Mapping.Score(g.Scale, g.Level), g.Excluded), g.Count)));
        return new RateDto(subject, from, to, rate.Counted, rate.Excluded, rate.Rate, rate.Coefficient);
    }
}
