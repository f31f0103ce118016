using Mingcha.Domain.Identifiers;
using Mingcha.Domain.Inspections;
using Mingcha.Web.Data;

namespace Mingcha.Web.Features.Inspections;

/// <summary>
/// The eight-step record of one visit (INS-11, INS-20): the methods used (INS-5), what the service-experience step
/// drew from the question bank (INS-12), the overall score (step 7) and when the archive was filed (step 8).
/// </summary>
public sealed class VisitProtocolRecord : IAudited
{
    private VisitProtocolRecord() { Methods = ""; QuestionIds = ""; }
    public VisitProtocolRecord(Guid visitId, IEnumerable<VisitMethod> methods, DateTime nowUtc)
    {
        VisitId = visitId; Methods = string.Join(",", methods.Distinct().Order()); QuestionIds = ""; CreatedAt = nowUtc;
    }
    public Guid VisitId { get; private set; }
    /// <summary>Comma-separated <see cref="VisitMethod"/> names.</summary>
    public string Methods { get; private set; }
    public Guid? PersonaId { get; private set; }
    /// <summary>INS-12: the draw's seed (from the visit's id), as a signed 64-bit value.</summary>
    public long QuestionSeed { get; private set; }
    /// <summary>INS-12: the drawn questions in order, comma-separated.</summary>
    public string QuestionIds { get; private set; }
    public decimal? OverallScore { get; private set; }
    public string? ScoreNote { get; private set; }
    public DateTime? ScoredAt { get; private set; }
    public DateTime? ArchivedAt { get; private set; }
    public DateTime CreatedAt { get; private set; }

    public IReadOnlyList<VisitMethod> MethodList => Methods.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(System.Enum.Parse<VisitMethod>).ToList();
    public IReadOnlyList<Guid> QuestionList => QuestionIds.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Guid.Parse).ToList();

    public void RecordDraw(QuestionDrawResult draw)
    {
        ArgumentNullException.ThrowIfNull(draw);
        PersonaId = draw.PersonaId; QuestionSeed = unchecked((long)draw.Seed); QuestionIds = string.Join(",", draw.QuestionIds);
    }

    /// <summary>Step 7 (INS-11): the unit's overall performance, 0..100.</summary>
    public void Score(decimal score, string? note, DateTime nowUtc)
    {
        if (score is < 0 or > 100)
            throw new DomainRuleException("INS-11", "整体评分须在 0 到 100 之间。 The overall score is 0 to 100.", 400);
        OverallScore = score; ScoreNote = note; ScoredAt = nowUtc;
    }

    public void MarkArchived(DateTime nowUtc) => ArchivedAt ??= nowUtc;
}

/// <summary>One step of the eight (INS-11) as recorded: its start and end (INS-20) and where they came from.</summary>
public sealed class VisitStep : IAudited
{
    private VisitStep() { }
    public VisitStep(Guid visitId, int number) { VisitId = visitId; Number = number; }
    public Guid VisitId { get; private set; }
    public int Number { get; private set; }
    public DateTime? StartedAt { get; private set; }
    public DateTime? EndedAt { get; private set; }
    public StepTimeSource TimeSource { get; private set; }
    public string? Notes { get; private set; }
    public DateTime? SavedAt { get; private set; }
    public List<VisitStepEvidence> Evidence { get; } = [];

    /// <summary>Saving the same content again changes nothing (an idempotent save after a lost connection).</summary>
    public bool Save(DateTime? startedAt, DateTime? endedAt, StepTimeSource source, string? notes, IReadOnlyCollection<Guid> evidenceItemIds, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(evidenceItemIds);
        var ids = evidenceItemIds.Distinct().ToHashSet();
        var same = StartedAt == startedAt && EndedAt == endedAt && TimeSource == source && Notes == notes
            && Evidence.Select(e => e.EvidenceItemId).ToHashSet().SetEquals(ids);
        if (same) return false;
        StartedAt = startedAt; EndedAt = endedAt; TimeSource = source; Notes = notes; SavedAt = nowUtc;
        Evidence.RemoveAll(e => !ids.Contains(e.EvidenceItemId));
        foreach (var id in ids.Where(id => Evidence.All(e => e.EvidenceItemId != id)))
            Evidence.Add(new VisitStepEvidence(VisitId, Number, id));
        return true;
    }
}

public sealed class VisitStepEvidence
{
    private VisitStepEvidence() { }
    public VisitStepEvidence(Guid visitId, int number, Guid evidenceItemId) { VisitId = visitId; Number = number; EvidenceItemId = evidenceItemId; }
    public Guid VisitId { get; private set; }
    public int Number { get; private set; }
    public Guid EvidenceItemId { get; private set; }
}

/// <summary>A save from the inspector's device: its clock against the server's (INS-20: a clock that jumps is flagged).</summary>
public sealed class VisitClockReading
{
    private VisitClockReading() { }
    public VisitClockReading(Guid visitId, int? step, DateTime deviceClock, DateTime serverClock)
    { Id = Guid.CreateVersion7(); VisitId = visitId; Step = step; DeviceClock = deviceClock; ServerClock = serverClock; }
    public Guid Id { get; private set; }
    public Guid VisitId { get; private set; }
    public int? Step { get; private set; }
    public DateTime DeviceClock { get; private set; }
    public DateTime ServerClock { get; private set; }
}

public enum CheckResult
{
    /// <summary>落实</summary>
    Met,
    /// <summary>未落实 (a finding is recorded separately, with evidence)</summary>
    NotMet,
    /// <summary>未观察到</summary>
    NotObserved,
}

/// <summary>A line of the checklist of the eight efficiency systems (INS-14) or civility (INS-15) as found on the visit.</summary>
public sealed class VisitCheck : IAudited
{
    private VisitCheck() { Code = ""; }
    public VisitCheck(Guid visitId, string code) { VisitId = visitId; Code = code; }
    public Guid VisitId { get; private set; }
    public string Code { get; private set; }
    public CheckResult Result { get; private set; }
    public string? Note { get; private set; }

    public bool Set(CheckResult result, string? note)
    {
        if (Result == result && Note == note) return false;
        Result = result; Note = note;
        return true;
    }
}

/// <summary>Step 6 (INS-11): one of 1 to 3 members of the public surveyed; their name and phone only if they gave them (SEC-4).</summary>
public sealed class VisitSurvey : IAudited
{
    private VisitSurvey() { Answers = ""; }
    public VisitSurvey(Guid visitId, int number) { Id = Guid.CreateVersion7(); VisitId = visitId; Number = number; Answers = ""; }
    public Guid Id { get; private set; }
    public Guid VisitId { get; private set; }
    /// <summary>1..3</summary>
    public int Number { get; private set; }
    /// <summary>The questionnaire's answers as JSON (question → answer).</summary>
    public string Answers { get; private set; }
    public int? Satisfaction { get; private set; }
    [Personal(PersonalKind.Name)]
    public string? RespondentName { get; private set; }
    [Personal(PersonalKind.Phone)]
    public string? RespondentPhone { get; private set; }
    public Guid? EvidenceItemId { get; private set; }
    public DateTime SavedAt { get; private set; }

    public void Save(string answers, int? satisfaction, string? name, string? phone, Guid? evidenceItemId, DateTime nowUtc)
    {
        Answers = answers; Satisfaction = satisfaction; RespondentName = name; RespondentPhone = phone; EvidenceItemId = evidenceItemId; SavedAt = nowUtc;
    }
}

public enum ReportMessageKind
{
    /// <summary>The Office's question on a returned report (INS-19).</summary>
    Question,
    /// <summary>The inspector's answer.</summary>
    Answer,
}

/// <summary>INS-19: the questions the Office asks on a returned report, and the inspectors' answers.</summary>
public sealed class VisitReportMessage : IAudited
{
    private VisitReportMessage() { Text = ""; By = ""; }
    public VisitReportMessage(Guid visitId, ReportMessageKind kind, string text, string by, DateTime nowUtc)
    { Id = Guid.CreateVersion7(); VisitId = visitId; Kind = kind; Text = text; By = by; At = nowUtc; }
    public Guid Id { get; private set; }
    public Guid VisitId { get; private set; }
    public ReportMessageKind Kind { get; private set; }
    public string Text { get; private set; }
    public string By { get; private set; }
    public DateTime At { get; private set; }
}

/// <summary>A persona an inspector plays at the counter (INS-12), e.g. "a migrant worker who lost his social security card".</summary>
public sealed class BankPersona : IAudited
{
    private BankPersona() { Name = ""; Description = ""; }
    public BankPersona(string name, string description) { Id = Guid.CreateVersion7(); Name = name; Description = description; Active = true; }
    public Guid Id { get; private set; }
    public string Name { get; private set; }
    public string Description { get; private set; }
    public bool Active { get; private set; }
    public bool IsDemo { get; set; }
}

/// <summary>A question of the bank (INS-12): about a service item (ORG-6), at a depth (1 basic, 2 deeper, 3 deepest), with what a good answer contains.</summary>
public sealed class BankQuestion : IAudited
{
    private BankQuestion() { Text = ""; }
    public BankQuestion(Guid serviceItemId, int depth, string text, string? expectedAnswer, bool testsConduct)
    {
        if (depth is < 1 or > 3)
            throw new DomainRuleException("INS-12", "问题层级须为 1 至 3。 The depth is 1 to 3.", 400);
        Id = Guid.CreateVersion7(); ServiceItemId = serviceItemId; Depth = depth; Text = text; ExpectedAnswer = expectedAnswer; TestsConduct = testsConduct; Active = true;
    }
    public Guid Id { get; private set; }
    public Guid ServiceItemId { get; private set; }
    public int Depth { get; private set; }
    public string Text { get; private set; }
    public string? ExpectedAnswer { get; private set; }
    /// <summary>INS-12: the question tests conduct (attitude, first-inquiry, one-time notification) rather than knowledge.</summary>
    public bool TestsConduct { get; private set; }
    public bool Active { get; private set; }
    public bool IsDemo { get; set; }
}
