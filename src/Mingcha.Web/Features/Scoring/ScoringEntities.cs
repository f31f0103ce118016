using Mingcha.Domain.Scoring;
using Mingcha.Web.Data;

namespace Mingcha.Web.Features.Scoring;

/// <summary>Where a campaign stands (EV-1): rules are edited in Draft only; evaluations are taken while Open; Closed freezes all.</summary>
public enum CampaignStatus
{
    Draft,
    Open,
    Closed,
    Published,
}

/// <summary>
/// 测评活动 (EV-1): a year or period, the sections evaluated (with the category each had when the campaign was set up), the
/// methods' weights, the grade scale, the empty-method policy, the rectification deductions and the result rules. S4's
/// numbers are the defaults. The rules change only while the campaign is a draft; a closed campaign never changes.
/// </summary>
public sealed class EvaluationCampaign : IAudited
{
    private EvaluationCampaign() { Name = ""; CreatedBy = ""; }
    public EvaluationCampaign(int year, string name, DateOnly from, DateOnly to, string by, DateTime nowUtc)
    {
        Id = Guid.CreateVersion7(); Year = year; Name = name; PeriodFrom = from; PeriodTo = to; CreatedBy = by; CreatedAt = nowUtc;
        Status = CampaignStatus.Draft;
        SetRules(CampaignRules.Default);
    }
    public Guid Id { get; private set; }
    public int Year { get; private set; }
    public string Name { get; private set; }
    public DateOnly PeriodFrom { get; private set; }
    public DateOnly PeriodTo { get; private set; }
    public CampaignStatus Status { get; private set; }
    public decimal ScaleExcellent { get; private set; }
    public decimal ScaleGood { get; private set; }
    public decimal ScaleFair { get; private set; }
    public decimal ScalePoor { get; private set; }
    public decimal ScaleBad { get; private set; }
    public decimal WeightInstant { get; private set; }
    public decimal WeightMonthly { get; private set; }
    public decimal WeightInspection { get; private set; }
    public decimal WeightConcentrated { get; private set; }
    public EmptyMethodPolicy Policy { get; private set; }
    public decimal RectificationStart { get; private set; }
    public decimal DeductLate { get; private set; }
    public decimal DeductAfterSupervision { get; private set; }
    public decimal DeductRefused { get; private set; }
    public int SatisfiedTop { get; private set; }
    public int BottomCount { get; private set; }
    public decimal Threshold { get; private set; }
    /// <summary>Working days a section below the threshold gets to rectify, and a bottom-three section to explain (EV-8).</summary>
    public int ResponseWorkingDays { get; private set; } = 15;
    /// <summary>The latest computation; after closing, the final one (its results are the campaign's results).</summary>
    public Guid? ComputationId { get; private set; }
    public string CreatedBy { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? OpenedAt { get; private set; }
    public DateTime? ClosedAt { get; private set; }
    public DateTime? PublishedAt { get; private set; }
    public Guid? CircularOutcomeId { get; private set; }

    public CampaignRules Rules => new(new GradeScale(ScaleExcellent, ScaleGood, ScaleFair, ScalePoor, ScaleBad),
        new MethodWeights(WeightInstant, WeightMonthly, WeightInspection, WeightConcentrated), Policy,
        new RectificationCosts(RectificationStart, DeductLate, DeductAfterSupervision, DeductRefused), new ResultRules(SatisfiedTop, BottomCount, Threshold));

    public static void Check(CampaignRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var problems = rules.Problems();
        if (problems.Count > 0 && problems[0] is { } problem) throw new DomainRuleException(problem.RuleId, problem.Message, 422);
    }

    /// <summary>EV-1: the numbers are editable until the campaign opens.</summary>
    public void Edit(string name, DateOnly from, DateOnly to, CampaignRules rules, int responseWorkingDays)
    {
        RequireDraft();
        Check(rules);
        Name = name; PeriodFrom = from; PeriodTo = to; ResponseWorkingDays = responseWorkingDays;
        SetRules(rules);
    }

    private void SetRules(CampaignRules r)
    {
        (ScaleExcellent, ScaleGood, ScaleFair, ScalePoor, ScaleBad) = (r.Scale.Excellent, r.Scale.Good, r.Scale.Fair, r.Scale.Poor, r.Scale.Bad);
        (WeightInstant, WeightMonthly, WeightInspection, WeightConcentrated) = (r.Weights.Instant, r.Weights.Monthly, r.Weights.Inspection, r.Weights.Concentrated);
        Policy = r.Policy;
        (RectificationStart, DeductLate, DeductAfterSupervision, DeductRefused) = (r.Rectification.Start, r.Rectification.LateOrIncomplete, r.Rectification.AfterSupervision, r.Rectification.Refused);
        (SatisfiedTop, BottomCount, Threshold) = (r.Results.SatisfiedTop, r.Results.BottomCount, r.Results.Threshold);
    }

    public void RequireDraft()
    {
        if (Status != CampaignStatus.Draft)
            throw new DomainRuleException("EV-1", "测评活动已开始，规则不能再改。 The campaign has opened: its rules no longer change.", 409);
    }

    /// <summary>EV-2: evaluations are filed while the campaign is open, about days inside its period.</summary>
    public void RequireTakingEvaluations()
    {
        if (Status != CampaignStatus.Open)
            throw new DomainRuleException("EV-1", Status == CampaignStatus.Draft
                ? "测评活动尚未开始。 The campaign has not opened."
                : "测评活动已结束，不再接受测评。 The campaign has closed: it takes no more evaluations.", 409);
    }

    public void Open(int sections, DateTime nowUtc)
    {
        RequireDraft();
        if (sections == 0) throw new DomainRuleException("EV-1", "测评活动须有测评对象。 A campaign evaluates at least one section.", 422);
        Check(Rules);
        Status = CampaignStatus.Open; OpenedAt = nowUtc;
    }

    public void Computed(Guid computationId)
    {
        if (Status is CampaignStatus.Closed or CampaignStatus.Published)
            throw new DomainRuleException("EV-1", "测评活动已结束，结果已冻结。 The campaign is closed: its results are frozen.", 409);
        ComputationId = computationId;
    }

    public void Close(Guid finalComputationId, DateTime nowUtc)
    {
        if (Status != CampaignStatus.Open) throw new DomainRuleException("EV-1", "只有进行中的测评活动可以结束。 Only an open campaign closes.", 409);
        ComputationId = finalComputationId; Status = CampaignStatus.Closed; ClosedAt = nowUtc;
    }

    /// <summary>EV-10: the Office reviews the closed campaign's results and publishes them.</summary>
    public void Publish(DateTime nowUtc, Guid? circularOutcomeId)
    {
        if (Status != CampaignStatus.Closed) throw new DomainRuleException("EV-10", "只有已结束的测评活动可以公布。 Only a closed campaign is published.", 409);
        Status = CampaignStatus.Published; PublishedAt = nowUtc; CircularOutcomeId = circularOutcomeId;
    }
}

/// <summary>
/// A section evaluated by a campaign, with its unit and category as they were when it was added (EV-1, EV-8). Replaced as a
/// whole while the campaign is a draft (the change is audited as one event); frozen once it opens.
/// </summary>
public sealed class CampaignSection
{
    private CampaignSection() { }
    public CampaignSection(Guid campaignId, Guid sectionId, Guid unitId, Guid categoryId)
    { CampaignId = campaignId; SectionId = sectionId; UnitId = unitId; CategoryId = categoryId; }
    public Guid CampaignId { get; private set; }
    public Guid SectionId { get; private set; }
    public Guid UnitId { get; private set; }
    public Guid CategoryId { get; private set; }
}

/// <summary>Where an evaluation came from.</summary>
public enum EvaluationSource
{
    /// <summary>A monitoring point's form on a phone.</summary>
    Form,
    /// <summary>A representative in a concentrated sitting (signed in, or through the sitting's link).</summary>
    Sitting,
    /// <summary>Paper forms entered by the Office.</summary>
    Paper,
    /// <summary>An XLSX/CSV import.</summary>
    Import,
    /// <summary>An open inspection or covert visit (decision 012: its grade derived from the visit).</summary>
    Visit,
}

/// <summary>
/// One graded evaluation (EV-2): one form filed, one visit, one representative's grade of one section in a sitting.
/// Append-only. Method and grade are stored as small integers: the computation groups a million rows by them (decision 012).
/// </summary>
public sealed class Evaluation
{
    private Evaluation() { By = ""; }
    public Evaluation(Guid campaignId, Guid sectionId, EvaluationMethod method, Grade grade, EvaluationSource source, DateOnly on, string by, DateTime nowUtc,
        Guid? sittingId = null, Guid? visitId = null, Guid? batchId = null, string? note = null)
    {
        Id = Guid.CreateVersion7(); CampaignId = campaignId; SectionId = sectionId; Method = method; Grade = grade; Source = source; On = on; By = by; At = nowUtc;
        SittingId = sittingId; VisitId = visitId; BatchId = batchId; Note = note;
    }
    public Guid Id { get; private set; }
    public Guid CampaignId { get; private set; }
    public Guid SectionId { get; private set; }
    public EvaluationMethod Method { get; private set; }
    public Grade Grade { get; private set; }
    public EvaluationSource Source { get; private set; }
    /// <summary>The day evaluated (inside the campaign's period).</summary>
    public DateOnly On { get; private set; }
    public Guid? SittingId { get; private set; }
    public Guid? VisitId { get; private set; }
    public Guid? BatchId { get; private set; }
    public string? Note { get; private set; }
    /// <summary>The user who filed it, or "sitting:{id}" for an anonymous representative.</summary>
    public string By { get; private set; }
    public DateTime At { get; private set; }
}

/// <summary>集中测评 (EV-2): a sitting where representatives grade the campaign's sections on phones, or on paper entered later.</summary>
public sealed class EvaluationSitting : IAudited
{
    private EvaluationSitting() { Title = ""; Token = ""; CreatedBy = ""; }
    public EvaluationSitting(Guid campaignId, string title, DateOnly heldOn, string token, string by, DateTime nowUtc, bool requireCodes = true)
    {
        Id = Guid.CreateVersion7(); CampaignId = campaignId; Title = title; HeldOn = heldOn; Token = token; CreatedBy = by; CreatedAt = nowUtc;
        RequireCodes = requireCodes;
    }
    public Guid Id { get; private set; }
    public Guid CampaignId { get; private set; }
    public string Title { get; private set; }
    public DateOnly HeldOn { get; private set; }
    /// <summary>The secret of the sitting's link and QR code: anyone holding it may hand in one ballot per device.</summary>
    public string Token { get; private set; }
    public DateTime? ClosedAt { get; private set; }
    public int Ballots { get; private set; }
    /// <summary>
    /// Decision 028: an anonymous ballot through the link needs one of the sitting's one-time codes (<see cref="SittingCode"/>).
    /// New sittings require them unless the Office says otherwise; sittings created before migration 0038 do not.
    /// </summary>
    public bool RequireCodes { get; private set; }
    /// <summary>
    /// How many codes the sitting has issued, revoked ones included (migration 0043): raised only by the conditional
    /// update (<c>WHERE "CodesIssued" + n &lt;= 5000</c>), which also hands out the new codes' slip serials.
    /// </summary>
    public int CodesIssued { get; private set; }
    public string CreatedBy { get; private set; }
    public DateTime CreatedAt { get; private set; }

    public void RequireOpen()
    {
        if (ClosedAt is not null) throw new DomainRuleException("EV-2", "本次集中测评已结束。 The sitting has ended.", 409);
    }
    public void Close(DateTime nowUtc) => ClosedAt ??= nowUtc;
}

/// <summary>
/// One one-time ballot code of a sitting (EV-2, decision 028), printed on a slip and handed to one representative: only its
/// hash is kept (<see cref="Mingcha.Domain.Scoring.SittingCodeRules.Hash"/>), unique per sitting. It admits one ballot: using
/// it sets <see cref="UsedAt"/> by a conditional update (<c>WHERE "UsedAt" IS NULL</c>) in the ballot's own transaction.
/// Who received which slip is not recorded, so a ballot stays anonymous.
/// </summary>
public sealed class SittingCode
{
    private SittingCode() { CodeHash = ""; IssuedBy = ""; }
    public SittingCode(Guid sittingId, int serial, string codeHash, string? group, string by, DateTime nowUtc)
    { Id = Guid.CreateVersion7(); SittingId = sittingId; Serial = serial; CodeHash = codeHash; Group = group; IssuedBy = by; IssuedAt = nowUtc; }
    public Guid Id { get; private set; }
    public Guid SittingId { get; private set; }
    /// <summary>The slip's serial, printed on it and unique in the sitting (1, 2, …): how the Office names a printed code to revoke it.</summary>
    public int Serial { get; private set; }
    public string CodeHash { get; private set; }
    /// <summary>The representatives' group the slips were printed for (人大代表, 政协委员, 服务对象 …), if the Office named one.</summary>
    public string? Group { get; private set; }
    public string IssuedBy { get; private set; }
    public DateTime IssuedAt { get; private set; }
    public DateTime? UsedAt { get; private set; }
    /// <summary>Set once when the Office revokes the unused code (a lost or spoiled slip): it then admits no ballot.</summary>
    public DateTime? RevokedAt { get; private set; }
    public string? RevokedBy { get; private set; }
}

/// <summary>One anonymous ballot of a sitting (a device may hand in one): keeps re-submission from counting twice.</summary>
public sealed class SittingBallot
{
    private SittingBallot() { BallotKey = ""; }
    public SittingBallot(Guid sittingId, string ballotKey, int grades, DateTime nowUtc) { SittingId = sittingId; BallotKey = ballotKey; Grades = grades; At = nowUtc; }
    public Guid SittingId { get; private set; }
    public string BallotKey { get; private set; }
    public int Grades { get; private set; }
    public DateTime At { get; private set; }
}

/// <summary>
/// One computation of a campaign (EV-4..EV-8): when, by whom, over how many evaluations. Its results and the rectification
/// problems it used are stored beside it and never change, so a closed campaign's results are reproduced from them.
/// </summary>
public sealed class ScoreComputation : IAudited
{
    private ScoreComputation() { By = ""; }
    public ScoreComputation(Guid campaignId, int number, bool final, long evaluations, int sections, string by, DateTime nowUtc)
    { Id = Guid.CreateVersion7(); CampaignId = campaignId; Number = number; Final = final; Evaluations = evaluations; Sections = sections; By = by; At = nowUtc; }
    public Guid Id { get; private set; }
    public Guid CampaignId { get; private set; }
    public int Number { get; private set; }
    public bool Final { get; private set; }
    public long Evaluations { get; private set; }
    public int Sections { get; private set; }
    public string By { get; private set; }
    public DateTime At { get; private set; }
}

/// <summary>A section's result in one computation, with the counts it came from (EV-12).</summary>
public sealed class ScoreResult
{
    private ScoreResult() { Counts = ""; }
    public ScoreResult(Guid computationId, Guid sectionId, Guid unitId, Guid categoryId, string counts, decimal composite, bool rescaled,
        decimal rectification, decimal deducted, int problems, decimal total, int rank, ResultConsequence consequence)
    {
        ComputationId = computationId; SectionId = sectionId; UnitId = unitId; CategoryId = categoryId; Counts = counts; Composite = composite; Rescaled = rescaled;
        Rectification = rectification; Deducted = deducted; Problems = problems; Total = total; Rank = rank; Consequence = consequence;
    }
    public Guid ComputationId { get; private set; }
    public Guid SectionId { get; private set; }
    public Guid UnitId { get; private set; }
    public Guid CategoryId { get; private set; }
    /// <summary>Grade counts per method: "i0,i1,i2,i3,i4;m0..;n0..;c0.." in <see cref="EvaluationMethod"/> and <see cref="Grade"/> order.</summary>
    public string Counts { get; private set; }
    public decimal Composite { get; private set; }
    public bool Rescaled { get; private set; }
    public decimal Rectification { get; private set; }
    public decimal Deducted { get; private set; }
    public int Problems { get; private set; }
    public decimal Total { get; private set; }
    public int Rank { get; private set; }
    public ResultConsequence Consequence { get; private set; }
    /// <summary>EV-8: the last day to explain or rectify, set by the Calendar when the results are published.</summary>
    public DateOnly? DueOn { get; private set; }

    public void Due(DateOnly day) => DueOn = day;
}

/// <summary>Where a rectification problem was found (EV-6): a finding on a rectification notice, or a substantiated complaint.</summary>
public enum ProblemSource
{
    Notice,
    Complaint,
}

/// <summary>
/// A rectification problem as a computation counted it (EV-6): its source, the section and its S4 category. For a notice,
/// <see cref="NoticeId"/> is the notice and <see cref="FindingId"/> the finding on it, or the problem found through another
/// channel (decision 021); for a complaint (decision 020),
/// <see cref="NoticeId"/> holds the complaint and <see cref="FindingId"/> is empty. Computations made before migration
/// 0021 counted one problem per notice and section; their rows keep <see cref="Guid.Empty"/> as the finding, so that
/// they reproduce as they were computed.
/// </summary>
public sealed class ScoreProblem
{
    private ScoreProblem() { }
    public ScoreProblem(Guid computationId, ProblemSource source, Guid noticeId, Guid findingId, Guid sectionId, Mingcha.Domain.Rectification.RectificationResult result)
    { ComputationId = computationId; Source = source; NoticeId = noticeId; FindingId = findingId; SectionId = sectionId; Result = result; }
    public Guid ComputationId { get; private set; }
    public ProblemSource Source { get; private set; }
    /// <summary>The notice, or the complaint when <see cref="Source"/> is <see cref="ProblemSource.Complaint"/>.</summary>
    public Guid NoticeId { get; private set; }
    public Guid FindingId { get; private set; }
    public Guid SectionId { get; private set; }
    public Mingcha.Domain.Rectification.RectificationResult Result { get; private set; }
}
