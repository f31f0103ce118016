using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Identifiers;
using Mingcha.Domain.Satisfaction;
using Mingcha.Web.Data;

namespace Mingcha.Web.Features.Ratings;

/// <summary>
/// A finished case pushed by a window's business system or imported (SAT-8). Insert-only and idempotent by
/// <see cref="CaseNumber"/>; not audited row by row (decision 008): each push is a copy of the business system's record.
/// </summary>
public sealed class ServiceRecord : IUnitWindowRecord, IServiceItemRecord
{
    private ServiceRecord() { CaseNumber = ""; }
    public ServiceRecord(string caseNumber, Guid unitId, Guid sectionId, Guid? staffId, Guid? serviceItemId, string? citizenPhone,
        DateTime? acceptedAt, DateTime finishedAt, Guid? sourceTokenId, DateTime nowUtc)
    {
        Id = Guid.CreateVersion7(); CaseNumber = caseNumber; UnitId = unitId; SectionId = sectionId; StaffId = staffId;
        ServiceItemId = serviceItemId; CitizenPhone = citizenPhone; AcceptedAt = acceptedAt; FinishedAt = finishedAt;
        SourceTokenId = sourceTokenId; CreatedAt = nowUtc;
    }
    public Guid Id { get; private set; }
    /// <summary>办件编号, unique across the city.</summary>
    public string CaseNumber { get; private set; }
    public Guid UnitId { get; private set; }
    public Guid SectionId { get; private set; }
    public Guid? StaffId { get; private set; }
    public Guid? ServiceItemId { get; private set; }
    /// <summary>Personal data: shown masked (SEC-4).</summary>
    [Personal(PersonalKind.Phone)]
    public string? CitizenPhone { get; private set; }
    public DateTime? AcceptedAt { get; private set; }
    public DateTime FinishedAt { get; private set; }
    public Guid? SourceTokenId { get; private set; }
    public DateTime CreatedAt { get; private set; }
}

/// <summary>
/// One rating (SAT-1, SAT-8). Evidence of the public's voice: inserted once by <see cref="RatingWriter"/> and never
/// updated or deleted (database triggers refuse both). Exclusion after appeal and manipulation flags live in their
/// own audited tables, so the rating itself stays as it was given.
/// </summary>
public sealed class Rating : IUnitWindowRecord
{
    private Rating() { }
    public Guid Id { get; private set; }
    public string? CaseNumber { get; private set; }
    public Guid UnitId { get; private set; }
    public Guid SectionId { get; private set; }
    public Guid? StaffId { get; private set; }
    public Guid? ServiceItemId { get; private set; }
    public RatingChannel Channel { get; private set; }
    public RatingScale Scale { get; private set; }
    public int Level { get; private set; }
    /// <summary>The level on the three-level scale (mapping of decision 008), for counting across scales.</summary>
    public int CommonLevel { get; private set; }
    public bool IsBad { get; private set; }
    /// <summary>The rater left a phone number (real-name rating, SAT-7).</summary>
    public bool RealName { get; private set; }
    [Personal(PersonalKind.Phone)]
    public string? RaterPhone { get; private set; }
    public string? Comment { get; private set; }
    public DateTime RatedAt { get; private set; }
    public DateTime ReceivedAt { get; private set; }
    /// <summary>The device token that sent it.</summary>
    public Guid? DeviceId { get; private set; }
}

/// <summary>
/// SAT-4: one office day's ratings of one key counted (decision 043), so that a period's figures read a few rows a day
/// instead of every rating. Derived data, rebuilt from <see cref="Rating"/> and <see cref="RatingExclusion"/> by
/// <see cref="RatingDayCounts"/> and never edited otherwise; not audited, as it records nothing the ratings do not.
/// Phone-survey answers are not in it: they count in the period of the service they rate (<see cref="RatingPeriods"/>).
/// </summary>
public sealed class RatingDayCount : IDayCounted, IUnitWindowRecord
{
    private RatingDayCount() { }
    public RatingDayCount(DateOnly day, RatingCount counted)
    {
        ArgumentNullException.ThrowIfNull(counted);
        Id = Guid.CreateVersion7(); Day = day; UnitId = counted.UnitId; SectionId = counted.SectionId; StaffId = counted.StaffId;
        Scale = counted.Scale; Level = counted.Level; CommonLevel = counted.CommonLevel; Excluded = counted.Excluded; Count = counted.Count;
    }
    public Guid Id { get; private set; }
    public DateOnly Day { get; private set; }
    public Guid UnitId { get; private set; }
    public Guid SectionId { get; private set; }
    public Guid? StaffId { get; private set; }
    public RatingScale Scale { get; private set; }
    public int Level { get; private set; }
    public int CommonLevel { get; private set; }
    public bool Excluded { get; private set; }
    public int Count { get; private set; }
}

/// <summary>A case, or cases counted, of one unit's service item (null: none named): listed by item alike.</summary>
public interface IServiceItemRecord
{
    Guid UnitId { get; }
    Guid? ServiceItemId { get; }
}

/// <summary>A row counted for one office day at one unit (<see cref="RatingDayCounts"/> reads every kind alike).</summary>
public interface IDayCounted
{
    DateOnly Day { get; }
    Guid UnitId { get; }
}

/// <summary>
/// SAT-8: the cases finished at one window by one staff member (or none named) on one office day counted (decision 043,
/// migration 0053), with how many of them were rated on any channel, by the public on their own (device or QR page) and
/// badly, as the ratings stood when the day was counted; what the report's 办件数 and 评价率 are made from. Derived data,
/// counted with <see cref="RatingDayCount"/> by the same counting (a late case or a case's late rating recounts its day)
/// and never edited otherwise.
/// </summary>
public sealed class ServiceRecordDayCount : IDayCounted, IUnitWindowRecord
{
    private ServiceRecordDayCount() { }
    public ServiceRecordDayCount(DateOnly day, CaseCount counted)
    {
        ArgumentNullException.ThrowIfNull(counted);
        Id = Guid.CreateVersion7(); Day = day; UnitId = counted.UnitId; SectionId = counted.SectionId; StaffId = counted.StaffId;
        Cases = counted.Cases; Rated = counted.Rated; RatedByPublic = counted.RatedByPublic; WithBad = counted.WithBad;
    }
    public Guid Id { get; private set; }
    public DateOnly Day { get; private set; }
    public Guid UnitId { get; private set; }
    public Guid SectionId { get; private set; }
    public Guid? StaffId { get; private set; }
    public int Cases { get; private set; }
    public int Rated { get; private set; }
    public int RatedByPublic { get; private set; }
    public int WithBad { get; private set; }
}

/// <summary>
/// SAT-8: one office day's ratings of one unit by service item (the rating's own, or its case's when the device named
/// none; null: neither names one) and level counted (migration 0054), counted with <see cref="RatingDayCount"/> by the
/// same counting: what the unit report's items are made from. Derived data, never edited otherwise.
/// </summary>
public sealed class ItemDayCount : IDayCounted
{
    private ItemDayCount() { }
    public ItemDayCount(DateOnly day, ItemCount counted)
    {
        ArgumentNullException.ThrowIfNull(counted);
        Id = Guid.CreateVersion7(); Day = day; UnitId = counted.UnitId; ServiceItemId = counted.ServiceItemId;
        Scale = counted.Scale; Level = counted.Level; CommonLevel = counted.CommonLevel; Excluded = counted.Excluded; Count = counted.Count;
    }
    public Guid Id { get; private set; }
    public DateOnly Day { get; private set; }
    public Guid UnitId { get; private set; }
    public Guid? ServiceItemId { get; private set; }
    public RatingScale Scale { get; private set; }
    public int Level { get; private set; }
    public int CommonLevel { get; private set; }
    public bool Excluded { get; private set; }
    public int Count { get; private set; }
}

/// <summary>SAT-8: one office day's cases of one unit by service item counted, with their ratings (as <see cref="ServiceRecordDayCount"/>).</summary>
public sealed class ItemCaseDayCount : IDayCounted, IServiceItemRecord
{
    private ItemCaseDayCount() { }
    public ItemCaseDayCount(DateOnly day, ItemCases counted)
    {
        ArgumentNullException.ThrowIfNull(counted);
        Id = Guid.CreateVersion7(); Day = day; UnitId = counted.UnitId; ServiceItemId = counted.ServiceItemId;
        Cases = counted.Cases; Rated = counted.Rated; RatedByPublic = counted.RatedByPublic; WithBad = counted.WithBad;
    }
    public Guid Id { get; private set; }
    public DateOnly Day { get; private set; }
    public Guid UnitId { get; private set; }
    public Guid? ServiceItemId { get; private set; }
    public int Cases { get; private set; }
    public int Rated { get; private set; }
    public int RatedByPublic { get; private set; }
    public int WithBad { get; private set; }
}

/// <summary>
/// How far <see cref="RatingDayCount"/> goes: every day up to <see cref="CountedThrough"/> was counted from the ratings as
/// they stood at <see cref="CountedAt"/> (the start of that refresh). One row, created by migration 0051 with both null.
/// </summary>
public sealed class RatingDayCountState
{
    private RatingDayCountState() { }
    public int Id { get; private set; }
    public DateOnly? CountedThrough { get; private set; }
    public DateTime? CountedAt { get; private set; }
}

/// <summary>SAT-9: a rating flagged for review, with the rule that fired.</summary>
public sealed class RatingFlag : IAudited, IVersioned
{
    private RatingFlag() { Rule = ""; Reason = ""; }
    public RatingFlag(Guid ratingId, ManipulationRule rule, string reason, DateTime nowUtc)
    { Id = Guid.CreateVersion7(); RatingId = ratingId; Rule = rule.ToString(); Reason = reason; CreatedAt = nowUtc; }
    public Guid Id { get; private set; }
    public Guid RatingId { get; private set; }
    public string Rule { get; private set; }
    public string Reason { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? ReviewedAt { get; private set; }
    public string? ReviewedBy { get; private set; }
    /// <summary>True: the reviewer found manipulation (the rating is then excluded); false: cleared.</summary>
    public bool? Confirmed { get; private set; }
    /// <summary>SAT-9: raised on every save (<see cref="IVersioned"/>): a confirm and a clear made at once cannot both be stored.</summary>
    public int Version { get; private set; }

    public void Review(bool confirmed, string by, DateTime nowUtc)
    {
        if (ReviewedAt is not null) throw new DomainRuleException("SAT-9", "该标记已复核。 This flag was already reviewed.");
        Confirmed = confirmed; ReviewedBy = by; ReviewedAt = nowUtc;
    }
}

/// <summary>SAT-7: a rating left out of scores after review; the rating stays visible, marked excluded.</summary>
public sealed class RatingExclusion : IAudited
{
    /// <summary>The column's length (varchar(1000) on PostgreSQL).</summary>
    public const int ReasonMaxLength = 1000;

    private RatingExclusion() { Reason = ""; DecidedBy = ""; }
    /// <summary>
    /// A reason longer than <see cref="ReasonMaxLength"/> (an upheld appeal's note may hold 2000) is cut to fit, ending "…",
    /// never in the middle of a character; the full text stays where it came from (the case's <c>AppealDecisionNote</c>).
    /// </summary>
    public RatingExclusion(Guid ratingId, string reason, string decidedBy, DateTime nowUtc)
    { RatingId = ratingId; Reason = Fit(reason); DecidedBy = decidedBy; DecidedAt = nowUtc; }

    private static string Fit(string reason)
    {
        if (reason.Length <= ReasonMaxLength) return reason;
        var cut = ReasonMaxLength - 1;
        if (char.IsHighSurrogate(reason[cut - 1])) cut--;
        return string.Concat(reason.AsSpan(0, cut), "…");
    }
    public Guid RatingId { get; private set; }
    public string Reason { get; private set; }
    public string DecidedBy { get; private set; }
    public DateTime DecidedAt { get; private set; }
}

public enum FollowUpState
{
    Open,
    Appealed,
    Closed,
}

/// <summary>
/// SAT-7: the follow-up of a bad rating, owned by the unit that served: call back, verify, fix, tell the rater,
/// each by a working-day deadline from the rating (CAL-2). Appeals against mistaken or malicious ratings are reviewed
/// by the Office; an upheld appeal excludes the rating and closes the case.
/// </summary>
public sealed class FollowUpCase : IAudited, IVersioned
{
    private FollowUpCase() { }
    public FollowUpCase(Guid ratingId, Guid unitId, Guid sectionId, bool realName, DateTime openedAt,
        DateOnly? callBackDue, DateOnly? verifyDue, DateOnly? fixDue, DateOnly? informDue)
    {
        Id = Guid.CreateVersion7(); RatingId = ratingId; UnitId = unitId; SectionId = sectionId; RealName = realName; OpenedAt = openedAt;
        CallBackDue = callBackDue; VerifyDue = verifyDue; FixDue = fixDue; InformDue = informDue; NextStep = FollowUpStep.CallBack;
        CalendarMissing = callBackDue is null || verifyDue is null || fixDue is null || informDue is null;
    }
    public Guid Id { get; private set; }
    public Guid RatingId { get; private set; }
    public Guid UnitId { get; private set; }
    public Guid SectionId { get; private set; }
    public bool RealName { get; private set; }
    public DateTime OpenedAt { get; private set; }
    /// <summary>
    /// SAT-7: raised on every save (<see cref="IVersioned"/>): two decisions on one appeal, or an appeal racing the last
    /// step, made from the same reading cannot both be stored; the second gets 409.
    /// </summary>
    public int Version { get; private set; }
    public FollowUpState State { get; private set; }
    /// <summary>The step to do next; null when all four are done.</summary>
    public FollowUpStep? NextStep { get; private set; }
    public DateOnly? CallBackDue { get; private set; }
    public DateOnly? VerifyDue { get; private set; }
    public DateOnly? FixDue { get; private set; }
    public DateOnly? InformDue { get; private set; }
    /// <summary>
    /// CAL-3: the calendar did not hold the year of one or more deadlines (a December rating's later steps fall in January);
    /// those are missing, the Office is reminded daily, and they are filled in once the year is imported (<see cref="FillDeadlines"/>).
    /// </summary>
    public bool CalendarMissing { get; private set; }

    /// <summary>Fills in the deadlines that were missing (CAL-3), never changing one already set.</summary>
    public void FillDeadlines(DateOnly? callBackDue, DateOnly? verifyDue, DateOnly? fixDue, DateOnly? informDue)
    {
        CallBackDue ??= callBackDue; VerifyDue ??= verifyDue; FixDue ??= fixDue; InformDue ??= informDue;
        CalendarMissing = CallBackDue is null || VerifyDue is null || FixDue is null || InformDue is null;
    }
    public DateTime? CalledBackAt { get; private set; }
    public bool? Reached { get; private set; }
    /// <summary>SAT-7: calls back that did not reach the rater (each one's note is in the audit trail).</summary>
    public int FailedCalls { get; private set; }
    public DateTime? LastFailedCallAt { get; private set; }
    public string? CallBackNote { get; private set; }
    public DateTime? VerifiedAt { get; private set; }
    public string? VerifyNote { get; private set; }
    public DateTime? FixedAt { get; private set; }
    public string? FixNote { get; private set; }
    public DateTime? InformedAt { get; private set; }
    public string? InformNote { get; private set; }
    public string? AppealReason { get; private set; }
    public DateTime? AppealedAt { get; private set; }
    public bool? AppealUpheld { get; private set; }
    public string? AppealDecisionNote { get; private set; }
    public DateTime? AppealDecidedAt { get; private set; }
    public string? AppealDecidedBy { get; private set; }
    public DateTime? ClosedAt { get; private set; }

    public DateOnly? Due(FollowUpStep step) => step switch
    {
        FollowUpStep.CallBack => CallBackDue,
        FollowUpStep.Verify => VerifyDue,
        FollowUpStep.Fix => FixDue,
        _ => InformDue,
    };

    /// <summary>
    /// SAT-7: a call back that did not reach the rater. The step stays open; a real-name rater is called again, at least
    /// <see cref="CallBackEffort.Gap"/> later, until reached or <see cref="CallBackEffort.Attempts"/> calls have failed.
    /// </summary>
    public void RecordFailedCall(string note, DateTime nowUtc, CallBackEffort effort)
    {
        ArgumentNullException.ThrowIfNull(effort);
        if (State != FollowUpState.Open)
            throw new DomainRuleException("SAT-7", "回访案件不在办理中（已申诉或已办结）。 The case is not open.");
        if (NextStep != FollowUpStep.CallBack)
            throw new DomainRuleException("SAT-7", "回访已完成。 The call back is done already.");
        if (string.IsNullOrWhiteSpace(note))
            throw new FieldException("note", "请填写办理情况。 Describe what was done.");
        if (effort.TooSoon(LastFailedCallAt, nowUtc))
            throw new DomainRuleException("SAT-7", $"距上次未接通不足 {effort.Gap.TotalMinutes:0} 分钟，请稍后再拨。 Call again at least {effort.Gap.TotalMinutes:0} minutes after the last call.", 422);
        FailedCalls++; LastFailedCallAt = nowUtc; CallBackNote = note;
    }

    /// <summary>
    /// Records the next step as done. A real-name rater must be reached on the call back (SAT-7), unless
    /// <see cref="CallBackEffort.Attempts"/> calls have been recorded as not reached (<see cref="RecordFailedCall"/>).
    /// </summary>
    public void CompleteStep(FollowUpStep step, string note, bool? reached, DateTime nowUtc, CallBackEffort? effort = null)
    {
        effort ??= CallBackEffort.Default;
        if (State != FollowUpState.Open)
            throw new DomainRuleException("SAT-7", "回访案件不在办理中（已申诉或已办结）。 The case is not open.");
        if (NextStep != step)
            throw new DomainRuleException("SAT-7", $"下一步应为 {NextStep}。 The next step is {NextStep}, not {step}.");
        if (string.IsNullOrWhiteSpace(note))
            throw new FieldException("note", "请填写办理情况。 Describe what was done.");
        switch (step)
        {
            case FollowUpStep.CallBack:
                if (FollowUpRules.MustCallBack(RealName) && reached != true && !effort.Spent(FailedCalls))
                    throw new DomainRuleException("SAT-7", $"实名差评必须回访到评价人；联系不上的，须先记录 {effort.Attempts} 次未接通的回访（已记录 {FailedCalls} 次）。 "
                        + $"A real-name bad rating must be called back: record the call that reached the rater, or first {effort.Attempts} calls that did not ({FailedCalls} so far).", 422);
                CalledBackAt = nowUtc; Reached = reached; CallBackNote = note; break;
            case FollowUpStep.Verify: VerifiedAt = nowUtc; VerifyNote = note; break;
            case FollowUpStep.Fix: FixedAt = nowUtc; FixNote = note; break;
            default: InformedAt = nowUtc; InformNote = note; break;
        }
        NextStep = FollowUpRules.Next(step);
        if (NextStep is null) { State = FollowUpState.Closed; ClosedAt = nowUtc; }
    }

    /// <summary>
    /// The unit appeals: the rating was mistaken or malicious (SAT-7). Every real-name bad rating is called back, so a
    /// real-name case is appealed only once its call back is done (the rater reached, or closed unreached after the
    /// calls <see cref="CallBackEffort"/> asks for): an upheld appeal closes the case, and must not skip the call back.
    /// </summary>
    public void Appeal(string reason, DateTime nowUtc)
    {
        if (State != FollowUpState.Open)
            throw new DomainRuleException("SAT-7", "只能对办理中的回访案件申诉，且只能申诉一次。 Only an open case can be appealed, once.");
        if (AppealedAt is not null)
            throw new DomainRuleException("SAT-7", "已申诉过。 Already appealed.");
        if (FollowUpRules.MustCallBack(RealName) && CalledBackAt is null)
            throw new DomainRuleException("SAT-7", "实名差评须先完成回访，再申诉。 A real-name bad rating is called back first: complete the call back before appealing.");
        if (string.IsNullOrWhiteSpace(reason)) throw new FieldException("reason", "请说明申诉理由。 Give the reason.");
        AppealReason = reason; AppealedAt = nowUtc; State = FollowUpState.Appealed;
    }

    /// <summary>The Office decides an appeal: upheld closes the case (the caller excludes the rating), rejected reopens it.</summary>
    public void DecideAppeal(bool upheld, string note, string by, DateTime nowUtc)
    {
        if (State != FollowUpState.Appealed)
            throw new DomainRuleException("SAT-7", "没有待复核的申诉。 There is no appeal to decide.");
        if (string.IsNullOrWhiteSpace(note)) throw new FieldException("note", "请填写复核意见。 Give the review's reasons.");
        AppealUpheld = upheld; AppealDecisionNote = note; AppealDecidedAt = nowUtc; AppealDecidedBy = by;
        if (upheld) { State = FollowUpState.Closed; ClosedAt = nowUtc; }
        else State = FollowUpState.Open;
    }
}

internal static class RatingsModel
{
    private static readonly string[] NoteColumns = ["CallBackNote", "VerifyNote", "FixNote", "InformNote", "AppealReason", "AppealDecisionNote"];

    /// <summary>A kind of day count: its table, its id given by the counting, its index by day.</summary>
    private static Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<T> DayCounts<T>(ModelBuilder builder, string table)
        where T : class, IDayCounted
    {
        var e = builder.Entity<T>();
        e.ToTable(table);
        e.Property<Guid>("Id").ValueGeneratedNever();
        e.HasIndex(nameof(IDayCounted.Day));
        return e;
    }

    public static void Configure(ModelBuilder builder)
    {
        RatingPoint.Configure(builder);
        builder.Entity<ServiceRecord>(e =>
        {
            e.HasIndex(r => r.CaseNumber).IsUnique();
            e.HasIndex(r => new { r.UnitId, r.FinishedAt });
            e.HasIndex(r => r.FinishedAt);
            e.HasIndex(r => new { r.SectionId, r.FinishedAt }); // one window's cases (migration 0055)
            e.HasIndex(r => r.CreatedAt); // a late push's day recounted (decision 043)
            e.Property(r => r.CaseNumber).HasMaxLength(64);
            e.Property(r => r.CitizenPhone).HasMaxLength(32);
        });
        builder.Entity<Rating>(e =>
        {
            e.Property(r => r.Id).ValueGeneratedNever();
            e.HasIndex(r => new { r.CaseNumber, r.Channel }).IsUnique();
            e.HasIndex(r => r.ReceivedAt);
            e.HasIndex(r => new { r.UnitId, r.RatedAt });
            e.HasIndex(r => r.RatedAt); // not (SectionId, RatedAt): see migration 0013
            e.Property(r => r.CaseNumber).HasMaxLength(64);
            e.Property(r => r.RaterPhone).HasMaxLength(32);
            e.Property(r => r.Comment).HasMaxLength(500);
            e.Property(r => r.Channel).HasConversion<string>().HasMaxLength(16);
            e.Property(r => r.Scale).HasConversion<string>().HasMaxLength(16);
        });
        builder.Entity<RatingFlag>(e =>
        {
            e.HasIndex(f => new { f.RatingId, f.Rule }).IsUnique();
            e.Property(f => f.Version).IsConcurrencyToken().HasDefaultValue(0); // migration 0041; existing rows 0
            e.Property(f => f.Rule).HasMaxLength(32);
            e.Property(f => f.Reason).HasMaxLength(300);
            e.Property(f => f.ReviewedBy).HasMaxLength(200);
        });
        // The day counts (decision 043): derived rows, ids given by the counting, read by day.
        DayCounts<RatingDayCount>(builder, "RatingDayCounts").Property(c => c.Scale).HasConversion<string>().HasMaxLength(16);
        DayCounts<ServiceRecordDayCount>(builder, "ServiceRecordDayCounts");
        DayCounts<ItemDayCount>(builder, "ItemDayCounts").Property(c => c.Scale).HasConversion<string>().HasMaxLength(16);
        DayCounts<ItemCaseDayCount>(builder, "ItemCaseDayCounts");
        builder.Entity<RatingDayCountState>(e =>
        {
            e.ToTable("RatingDayCountState");
            e.Property(c => c.Id).ValueGeneratedNever();
        });
        builder.Entity<RatingExclusion>(e =>
        {
            e.HasKey(x => x.RatingId);
            e.Property(x => x.Reason).HasMaxLength(RatingExclusion.ReasonMaxLength);
            e.Property(x => x.DecidedBy).HasMaxLength(200);
        });
        builder.Entity<SurveyDrawRecord>(e =>
        {
            e.ToTable("SurveyDraws");
            e.HasIndex(d => new { d.Year, d.Quarter }).IsUnique();
            e.Property(d => d.Seed).HasMaxLength(200);
            e.Property(d => d.Algorithm).HasMaxLength(50);
            e.Property(d => d.InputHash).HasMaxLength(64);
            e.Property(d => d.DrawnBy).HasMaxLength(200);
        });
        builder.Entity<SurveyCall>(e =>
        {
            e.ToTable("SurveyCalls");
            e.HasIndex(c => new { c.DrawId, c.Order }).IsUnique();
            e.Property(c => c.CaseNumber).HasMaxLength(64);
        });
        builder.Entity<StaffBadge>(e =>
        {
            e.ToTable("StaffBadges");
            e.HasIndex(b => new { b.StaffId, b.Year }).IsUnique();
            e.Property(b => b.RevokedReason).HasMaxLength(2000);
            e.Property(b => b.FindingLink).HasMaxLength(500);
        });
        builder.Entity<IncentiveAward>(e =>
        {
            e.ToTable("IncentiveAwards");
            e.HasIndex(a => new { a.Year, a.Kind });
            // 0042, 0045 (decision 032): one standing award of a kind to a subject a year; older doubles stay, superseded.
            e.HasIndex(a => new { a.Year, a.Kind, a.SubjectId }, "UX_IncentiveAwards_Year_Kind_SubjectId").IsUnique().HasFilter("\"SupersededById\" IS NULL AND \"Kind\" <> 'Grievance'");
            // 0047 (decision 035): one standing grievance award per person, year and reason (its normalised key); awards
            // stored before 0047 have no key and stay out.
            e.HasIndex(a => new { a.Year, a.SubjectId, a.ReasonKey }, "UX_IncentiveAwards_Year_SubjectId_ReasonKey").IsUnique()
                .HasFilter("\"ReasonKey\" IS NOT NULL AND \"SupersededById\" IS NULL");
            e.Property(a => a.ReasonKey).HasMaxLength(64);
            e.Property(a => a.Kind).HasMaxLength(32);
            e.Property(a => a.Reason).HasMaxLength(2000);
            e.Property(a => a.AwardedBy).HasMaxLength(200);
        });
        builder.Entity<Secondment>(e =>
        {
            e.ToTable("Secondments");
            e.HasIndex(x => x.StaffId);
            e.Property(x => x.Version).IsConcurrencyToken().HasDefaultValue(0); // migration 0049 (decision 038); existing rows 0
            e.Property(x => x.Title).HasMaxLength(100);
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
        });
        builder.Entity<SecondmentLog>(e =>
        {
            e.ToTable("SecondmentLogs");
            e.HasIndex(x => new { x.SecondmentId, x.Day }).IsUnique();
            e.Property(x => x.Text).HasMaxLength(4000);
        });
        builder.Entity<SecondmentTarget>(e =>
        {
            e.ToTable("SecondmentTargets");
            e.HasIndex(x => x.SecondmentId);
            e.Property(x => x.Name).HasMaxLength(300);
        });
        builder.Entity<FollowUpCase>(e =>
        {
            e.HasIndex(f => f.RatingId).IsUnique();
            e.HasIndex(f => new { f.UnitId, f.State });
            e.Property(f => f.State).HasConversion<string>().HasMaxLength(16);
            e.Property(f => f.NextStep).HasConversion<string>().HasMaxLength(16);
            e.Property(f => f.FailedCalls).HasDefaultValue(0); // added by migration 0028 to existing rows
            e.Property(f => f.Version).IsConcurrencyToken().HasDefaultValue(0); // migration 0041; existing rows 0
            foreach (var p in NoteColumns) e.Property(p).HasMaxLength(2000);
            e.Property(f => f.AppealDecidedBy).HasMaxLength(200);
        });
    }
}
