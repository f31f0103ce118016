using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Evidence;
using Mingcha.Domain.Identifiers;
using Mingcha.Domain.Inspections;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Features.Calendar;
using Mingcha.Web.Features.Evidence;
using Mingcha.Web.Infrastructure;
using Mingcha.Web.Features.Identity;

namespace Mingcha.Web.Features.Inspections;

/// <summary>
/// The eight-step protocol of a visit as the inspector walks it (INS-11, INS-20), saved step by step (each save is
/// idempotent, so a lost connection loses nothing and a repeated save changes nothing); the question draw (INS-12);
/// the checklists (INS-14, INS-15); the survey (step 6), the score (step 7) and the archive (step 8); findings
/// (INS-5, INS-16, INS-18); the unit's confirmation (INS-8); submission with its checks and the Office's quality
/// check with its questions and answers (INS-19).
/// </summary>
public sealed class VisitProtocolFlow(MingchaDb db, TimeProvider time, CalendarService calendar, EvidenceCases evidence, UserManager<MingchaUser> users)
{
    // ---------------------------------------------------------------- requests
    public sealed record StartVisit([property: Required] IReadOnlyList<VisitMethod> Methods, DateTime? DeviceClock);
    public sealed record SaveStep(DateTime? StartedAt, DateTime? EndedAt, StepTimeSource TimeSource, [property: Required] IReadOnlyList<Guid> EvidenceItemIds,
        [property: StringLength(4000)] string? Notes, DateTime? DeviceClock);
    public sealed record CheckLine([property: Required, StringLength(32, MinimumLength = 1)] string Code, CheckResult Result, [property: StringLength(2000)] string? Note);
    public sealed record SaveChecklist([property: Required] IReadOnlyList<CheckLine> Lines, DateTime? DeviceClock);
    public sealed record SaveSurvey([property: Required] IReadOnlyDictionary<string, string> Answers, [property: Range(1, 5)] int? Satisfaction,
        [property: StringLength(100)] string? RespondentName, [property: StringLength(32)] string? RespondentPhone, Guid? EvidenceItemId, DateTime? DeviceClock);
    public sealed record SaveScore([property: Required, Range(0, 100)] decimal? Score, [property: StringLength(4000)] string? Note, DateTime? DeviceClock);
    public sealed record RecordFinding([property: Required] Guid? SectionId, Guid? StaffId, [property: Required] Guid? ItemId, [property: Range(0, 100)] decimal? Points,
        [property: Required, StringLength(2000, MinimumLength = 1)] string Description, [property: Range(1, 8)] int? Step, IReadOnlyList<Guid>? EvidenceItemIds, Guid? PreviousFindingId);
    /// <summary>INS-20: the device's clock at submission is required, to compare with the server's.</summary>
    public sealed record Submit([property: Required] DateTime? DeviceClock);
    public sealed record Decision([property: Required] VisitStatus? Outcome, [property: StringLength(4000)] string? Note);
    public sealed record Message([property: Required, StringLength(4000, MinimumLength = 1)] string Text);
    public sealed record Confirm([property: Required, StringLength(256, MinimumLength = 1)] string SignerUserName, [property: Required, StringLength(256, MinimumLength = 1)] string SignerPassword,
        [property: Required] Guid? SignatureEvidenceItemId);
    public sealed record Refuse([property: Required, StringLength(100, MinimumLength = 1)] string RefusedBy, [property: StringLength(2000)] string? Note);

    // ---------------------------------------------------------------- views
    public sealed record FileView(Guid Id, string FileName, string MediaType, long? DurationMs, DateTime CapturedAt, string? Location, bool LateUpload);
    public sealed record StepView(int Number, string Name, string EnglishName, StepEvidence Evidence, bool Required, DateTime? StartedAt, DateTime? EndedAt,
        StepTimeSource TimeSource, string? Notes, bool HasRequiredEvidence, IReadOnlyList<FileView> Files);
    public sealed record QuestionView(Guid Id, Guid ServiceItemId, string ServiceItem, int Depth, string Text, string? ExpectedAnswer, bool TestsConduct);
    public sealed record PersonaView(Guid Id, string Name, string Description);
    public sealed record CheckView(string Code, string Name, string ItemCode, int Step, CheckResult? Result, string? Note);
    public sealed record SurveyView(int Number, IReadOnlyDictionary<string, string> Answers, int? Satisfaction, string? RespondentName, string? RespondentPhone, Guid? EvidenceItemId);
    public sealed record MessageView(ReportMessageKind Kind, string Text, string By, DateTime At);
    public sealed record ProtocolView(Guid VisitId, VisitStatus Status, Guid SectionId, Guid UnitId, DateOnly? VisitedOn, Guid? EvidenceCaseId,
        IReadOnlyList<VisitMethod> Methods, IReadOnlyList<StepView> Steps, PersonaView? Persona, IReadOnlyList<QuestionView> Questions,
        IReadOnlyList<CheckView> Checklist, IReadOnlyList<string> PoliteExpressions, IReadOnlyList<string> ForbiddenExpressions,
        IReadOnlyList<SurveyView> Surveys, decimal? OverallScore, string? ScoreNote, ProtocolAnalysis Analysis, IReadOnlyList<MessageView> Messages,
        string? DecisionNote, IReadOnlyList<Visits.FindingLine> Findings);

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    // ---------------------------------------------------------------- access

    /// <summary>
    /// The visit for someone who carries it out: the Office (joint visits, INS-13), a supervisor of its team, an inspector
    /// of its agency. 404 when the viewer may not know of it (INS-9); 403 when they may know but not work on it.
    /// </summary>
    private async Task<(Visit Visit, InspectionViewer Viewer)> WorkableAsync(Guid id, ClaimsPrincipal user, CancellationToken ct)
    {
        var viewer = await InspectionViewer.ForAsync(user, db, ct);
        var visit = await viewer.VisibleVisits(db.Visits.Include(v => v.Inspectors)).FirstOrDefaultAsync(v => v.Id == id, ct) ?? throw Visits.NotFound();
        var works = viewer.IsOffice
            || visit.Inspectors.Any(i => i.UserId == viewer.UserId)
            || (visit.TeamId is { } t && viewer.TeamIds.Contains(t))
            || (visit.AgencyId is { } a && viewer.AgencyId == a);
        if (!works) throw new DomainRuleException("INS-13", "只有该检查的检查人员或效能办可以操作。 Only the visit's inspectors or the Office may work on it.", 403);
        return (visit, viewer);
    }

    /// <summary>INS-8: the findings the inspected unit still has to sign for (or refuse), its own only.</summary>
    private Task<List<Finding>> PendingOfTheUnitAsync(Visit visit, CancellationToken ct) =>
        db.Findings.Where(f => f.VisitId == visit.Id && f.UnitId == visit.UnitId && f.Confirmation == UnitConfirmation.Pending).ToListAsync(ct);

    /// <summary>
    /// INS-8: the unit's signature or refusal is saved with the visit's version raised (<see cref="Visit.Version"/>), so that
    /// two made from the same reading (a double click, the Office deciding meanwhile) store one and the second gets 409,
    /// not a second refusal finding (D04) or a signature on a decided visit (decision 037).
    /// </summary>
    private void ClaimVisit(Visit visit) => db.Entry(visit).Property(v => v.Version).IsModified = true;

    /// <summary>INS-8, INS-19: the unit signs or refuses while the visit runs or waits for the Office, not after its decision.</summary>
    private static void EnsureUndecided(Visit visit)
    {
        if (visit.Status is not (VisitStatus.InProgress or VisitStatus.Submitted or VisitStatus.Returned))
            throw new DomainRuleException("INS-11", "检查已有结论或尚未开始，不能再签字确认。 The visit is not started or already decided: nothing more to sign.");
    }

    private static void EnsureOpen(Visit visit)
    {
        if (visit.Status is not (VisitStatus.InProgress or VisitStatus.Returned))
            throw new DomainRuleException("INS-11", "只有进行中或被退回的检查可以记录。 Only a visit in progress or returned can be recorded.");
    }

    private void Reading(Guid visitId, int? step, DateTime? device)
    {
        if (OfficeTime.ToUtc(device, calendar.TimeZone, "deviceClock") is { } d) db.VisitClockReadings.Add(new VisitClockReading(visitId, step, d, Now));
    }

    // ---------------------------------------------------------------- start

    /// <summary>
    /// Starts a visit (INS-11): methods chosen (INS-5), the evidence case opened if the Office has not (EVD-3), the inspector
    /// put on the visit (ORG-5 conflicts checked), and the persona and questions drawn from the bank (INS-12).
    /// Starting again with the same methods is harmless.
    /// </summary>
    public async Task<ProtocolView> StartAsync(Guid id, StartVisit r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var (visit, viewer) = await WorkableAsync(id, by, ct);
        if (r.Methods.Count == 0) throw new FieldException("methods", "至少选择一种检查方式。 Choose at least one method.");
        var existing = await db.VisitProtocols.FirstOrDefaultAsync(p => p.VisitId == id, ct);
        if (existing is not null && visit.Status != VisitStatus.Planned) return await ViewAsync(id, by, ct);
        var round = await db.InspectionRounds.AsNoTracking().FirstAsync(x => x.Id == visit.RoundId, ct);
        if (round.Status is not (RoundStatus.Planned or RoundStatus.Running))
            throw new DomainRuleException("INS-9", "检查方案尚未定稿或检查已结束，不能开始。 The round's plan is not decided, or the round is closed.");

        var day = calendar.LocalDate(Now);
        // ORG-5: the inspector starting the visit goes on it, unless they declared a conflict with the unit.
        var me = new List<VisitInspector>();
        if (viewer.AgencyInspectorId is { } ai && visit.AgencyId == viewer.AgencyId) me.Add(new VisitInspector(visit.Id, InspectorKind.AgencyInspector, ai, viewer.UserId));
        foreach (var s in viewer.SupervisorIds) if (visit.TeamId is { } t && viewer.TeamIds.Contains(t)) me.Add(new VisitInspector(visit.Id, InspectorKind.Supervisor, s, viewer.UserId));
        var add = me.Where(m => !visit.Inspectors.Any(i => i.Kind == m.Kind && i.InspectorId == m.InspectorId)).ToList();
        await Conflicts.EnsureNoneAsync(db, add.Select(a => new InspectorRef(a.Kind, a.InspectorId)).ToList(), visit.UnitId, visit.SectionId, day, ct);
        foreach (var a in add) visit.Inspectors.Add(a);

        visit.Start(day, Now);
        var protocol = new VisitProtocolRecord(visit.Id, r.Methods, Now);
        protocol.RecordDraw(await DrawAsync(visit, ct));
        db.VisitProtocols.Add(protocol);
        Reading(visit.Id, null, r.DeviceClock);
        await db.SaveChangesAsync(ct);

        if (visit.EvidenceCaseId is null)
        {
            var section = await db.Sections.AsNoTracking().Where(s => s.Id == visit.SectionId).Select(s => s.Name).FirstAsync(ct);
            var @case = await evidence.OpenAsync(new EvidenceCases.OpenCase(visit.Kind == InspectionKind.Covert ? EvidenceCaseKind.CovertVisit : EvidenceCaseKind.OpenInspection,
                $"{(visit.Kind == InspectionKind.Covert ? "暗访" : "明查")} {section} {day:yyyy-MM-dd}", visit.UnitId, visit.TeamId, EvidenceCase.VisitReference, visit.Id), by, ct);
            visit.AttachEvidenceCase(@case.Id);
            await db.SaveChangesAsync(ct);
        }
        foreach (var userId in visit.Inspectors.Select(i => i.UserId).OfType<string>().Distinct())
            await evidence.AssignInspectorAsync(visit.EvidenceCaseId!.Value, userId, by, ct);
        return await ViewAsync(id, by, ct);
    }

    /// <summary>INS-12: the persona and graded questions for the service items the section (or its hall's windows) offers.</summary>
    private async Task<QuestionDrawResult> DrawAsync(Visit visit, CancellationToken ct)
    {
        var sections = await db.Sections.AsNoTracking().Where(s => s.Id == visit.SectionId || s.ParentSectionId == visit.SectionId).Select(s => s.Id).ToListAsync(ct);
        var items = await db.SectionServiceItems.AsNoTracking().Where(x => sections.Contains(x.SectionId)).Select(x => x.ServiceItemId).Distinct().ToListAsync(ct);
        var bank = await db.BankQuestions.AsNoTracking().Where(q => q.Active && items.Contains(q.ServiceItemId))
            .Select(q => new BankQuestionRef(q.Id, q.ServiceItemId, q.Depth, "")).ToListAsync(ct);
        var personas = await db.BankPersonas.AsNoTracking().Where(p => p.Active).Select(p => p.Id).ToListAsync(ct);
        return QuestionDraw.Run(QuestionDraw.SeedFor(visit.Id), personas, items, bank);
    }

    // ---------------------------------------------------------------- saves

    /// <summary>INS-11, INS-20: saves a step's times and evidence. The same save twice changes nothing.</summary>
    public async Task<ProtocolView> SaveStepAsync(Guid id, int number, SaveStep r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (number is < 1 or > 8) throw new FieldException("number", "八步法步骤须在 1 到 8 之间。 The protocol step is 1 to 8.");
        var (visit, _) = await WorkableAsync(id, by, ct);
        EnsureOpen(visit);
        var ids = r.EvidenceItemIds.Distinct().ToList();
        var files = await FilesOfCaseAsync(visit, ids, ct);
        DateTime? start = OfficeTime.ToUtc(r.StartedAt, calendar.TimeZone, "startedAt"), end = OfficeTime.ToUtc(r.EndedAt, calendar.TimeZone, "endedAt");
        if (r.TimeSource == StepTimeSource.Recording && start is null && files.Count > 0)
        {
            // INS-20: from the recording: the first file's capture time to the end of the last video.
            start = files.Min(f => f.CapturedAt);
            end = files.Max(f => f.CapturedAt.AddMilliseconds(f.DurationMs ?? 0));
        }
        if (start is { } s0 && end is { } e0 && e0 < s0)
            throw new DomainRuleException("INS-20", "步骤结束时间早于开始时间。 A step cannot end before it starts.", 400);
        var step = await db.VisitSteps.Include(x => x.Evidence).FirstOrDefaultAsync(x => x.VisitId == id && x.Number == number, ct);
        if (step is null) { step = new VisitStep(id, number); db.VisitSteps.Add(step); }
        if (step.Save(start is null ? null : DateTime.SpecifyKind(start.Value, DateTimeKind.Utc), end is null ? null : DateTime.SpecifyKind(end.Value, DateTimeKind.Utc),
                r.TimeSource, string.IsNullOrWhiteSpace(r.Notes) ? null : r.Notes.Trim(), ids, Now))
        {
            Reading(id, number, r.DeviceClock);
            await db.SaveChangesAsync(ct);
        }
        return await ViewAsync(id, by, ct);
    }

    private async Task<List<FileView>> FilesOfCaseAsync(Visit visit, List<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        var files = await db.EvidenceItems.AsNoTracking().Where(i => ids.Contains(i.Id) && i.CaseId == visit.EvidenceCaseId)
            .Select(i => new FileView(i.Id, i.FileName, i.MediaType, i.DurationMs, i.CapturedAt, i.Location, i.LateUpload)).ToListAsync(ct);
        if (files.Count != ids.Count)
            throw new DomainRuleException("EVD-3", "证据不属于本次检查的证据案卷。 An evidence item is not in the visit's evidence case.", 422);
        return files;
    }

    /// <summary>INS-14, INS-15: the checklist lines as found.</summary>
    public async Task<ProtocolView> SaveChecklistAsync(Guid id, SaveChecklist r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var (visit, _) = await WorkableAsync(id, by, ct);
        EnsureOpen(visit);
        var changed = false;
        foreach (var line in r.Lines)
        {
            if (VisitChecklists.Find(line.Code) is null) throw new FieldException("lines", $"没有检查项 {line.Code}。 No checklist line {line.Code}.");
            var check = await db.VisitChecks.FirstOrDefaultAsync(c => c.VisitId == id && c.Code == line.Code, ct);
            if (check is null) { check = new VisitCheck(id, line.Code); db.VisitChecks.Add(check); changed = true; }
            changed |= check.Set(line.Result, string.IsNullOrWhiteSpace(line.Note) ? null : line.Note.Trim());
        }
        if (changed)
        {
            Reading(id, 3, r.DeviceClock);
            await db.SaveChangesAsync(ct);
        }
        return await ViewAsync(id, by, ct);
    }

    /// <summary>Step 6 (INS-11): survey number 1..3; the respondent's name and phone only if given (SEC-4).</summary>
    public async Task<ProtocolView> SaveSurveyAsync(Guid id, int number, SaveSurvey r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (number is < 1 or > 3) throw new DomainRuleException("INS-11", "第 6 步随机调查 1 至 3 名群众。 Step 6 surveys 1 to 3 members of the public.", 400);
        var (visit, _) = await WorkableAsync(id, by, ct);
        EnsureOpen(visit);
        string? phone = null;
        if (!string.IsNullOrWhiteSpace(r.RespondentPhone))
        {
            if (!PhoneNumber.IsValid(r.RespondentPhone, out var error)) throw new FieldException("respondentPhone", error ?? "电话号码无效。 Invalid phone number.");
            phone = PhoneNumber.Normalize(r.RespondentPhone);
        }
        if (r.Answers.Count > 50 || r.Answers.Any(a => a.Key.Length > 200 || (a.Value?.Length ?? 0) > 2000))
            throw new FieldException("answers", "问卷过长。 The questionnaire is too long.");
        if (r.EvidenceItemId is { } ev) await FilesOfCaseAsync(visit, [ev], ct);
        var answers = JsonSerializer.Serialize(r.Answers);
        var survey = await db.VisitSurveys.FirstOrDefaultAsync(s => s.VisitId == id && s.Number == number, ct);
        var name = string.IsNullOrWhiteSpace(r.RespondentName) ? null : r.RespondentName.Trim();
        if (survey is not null && survey.Answers == answers && survey.Satisfaction == r.Satisfaction && survey.RespondentName == name
            && survey.RespondentPhone == phone && survey.EvidenceItemId == r.EvidenceItemId)
            return await ViewAsync(id, by, ct);
        if (survey is null) { survey = new VisitSurvey(id, number); db.VisitSurveys.Add(survey); }
        survey.Save(answers, r.Satisfaction, name, phone, r.EvidenceItemId, Now);
        Reading(id, 6, r.DeviceClock);
        await db.SaveChangesAsync(ct);
        return await ViewAsync(id, by, ct);
    }

    /// <summary>Step 7 (INS-11): the overall score.</summary>
    public async Task<ProtocolView> SaveScoreAsync(Guid id, SaveScore r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var (visit, _) = await WorkableAsync(id, by, ct);
        EnsureOpen(visit);
        var protocol = await db.VisitProtocols.FirstAsync(p => p.VisitId == id, ct);
        var note = string.IsNullOrWhiteSpace(r.Note) ? null : r.Note.Trim();
        if (protocol.OverallScore != r.Score || protocol.ScoreNote != note)
        {
            protocol.Score(r.Score!.Value, note, Now);
            Reading(id, 7, r.DeviceClock);
            await db.SaveChangesAsync(ct);
        }
        return await ViewAsync(id, by, ct);
    }

    // ---------------------------------------------------------------- findings

    /// <summary>
    /// INS-5, INS-15, INS-16, INS-18: a finding on the visit: a section of the round (the visited section, a window of
    /// its hall, or another target of the round; anything else is refused), staff of that unit if named, an item of the
    /// visit's year, evidence of the visit's case, the step it came from, and the earlier finding a revisit found persisting.
    /// </summary>
    public async Task<Guid> RecordFindingAsync(Guid id, RecordFinding r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var (visit, _) = await WorkableAsync(id, by, ct);
        EnsureOpen(visit);
        var section = await db.Sections.AsNoTracking().Where(s => s.Id == r.SectionId).Select(s => new { s.Id, s.UnitId, s.ParentSectionId }).FirstOrDefaultAsync(ct)
            ?? throw new FieldException("sectionId", "科室不存在。 No such section.");
        var inRound = section.Id == visit.SectionId || section.ParentSectionId == visit.SectionId
            || await db.RoundTargets.AnyAsync(t => t.RoundId == visit.RoundId && t.SectionId == section.Id, ct);
        if (!inRound)
            throw new DomainRuleException("INS-5", "该科室不在本轮检查对象之内。 The section is not among the round's targets.", 422);
        if (r.StaffId is { } staffId && !await db.Staff.AnyAsync(s => s.Id == staffId && s.UnitId == section.UnitId, ct))
            throw new FieldException("staffId", "该工作人员不属于被查单位。 The staff member is not of the section's unit.");
        var item = await db.DeductionItems.FirstOrDefaultAsync(i => i.Id == r.ItemId, ct) ?? throw new FieldException("itemId", "扣分项不存在。 No such deduction item.");
        if (r.PreviousFindingId is { } prev)
        {
            var old = await db.Findings.AsNoTracking().Where(f => f.Id == prev).Select(f => new { f.SectionId, f.UnitId, f.VisitId }).FirstOrDefaultAsync(ct)
                ?? throw new FieldException("previousFindingId", "原问题不存在。 No such earlier finding.");
            if (old.VisitId == id || old.UnitId != section.UnitId)
                throw new DomainRuleException("INS-16", "回访只能关联该单位以前检查发现的问题。 A revisit links a finding of an earlier visit of the same unit.", 422);
        }
        var ids = (r.EvidenceItemIds ?? []).Distinct().ToList();
        await FilesOfCaseAsync(visit, ids, ct);
        var finding = new Finding(visit.Id, visit.RoundId, visit.Year, section.UnitId, section.Id, r.StaffId, item, r.Points, r.Description, r.Step, r.PreviousFindingId,
            by.UserId() ?? "", Now);
        foreach (var e in ids) finding.AddEvidence(e);
        db.Findings.Add(finding);
        await db.SaveChangesAsync(ct);
        return finding.Id;
    }

    public sealed record AddEvidence([property: Required, MinLength(1)] IReadOnlyList<Guid> EvidenceItemIds);

    /// <summary>INS-7: photos or videos added to a finding already recorded, while the visit is still open.</summary>
    public async Task AddFindingEvidenceAsync(Guid id, Guid findingId, AddEvidence r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var (visit, _) = await WorkableAsync(id, by, ct);
        EnsureOpen(visit);
        var finding = await db.Findings.Include(f => f.Evidence).FirstOrDefaultAsync(f => f.Id == findingId && f.VisitId == id, ct)
            ?? throw new NotFoundException("问题不存在。 No such finding on this visit.");
        var ids = (r.EvidenceItemIds ?? []).Distinct().ToList();
        if (ids.Count == 0) throw new FieldException("evidenceItemIds", "请选择证据。 Choose the evidence.");
        await FilesOfCaseAsync(visit, ids, ct);
        foreach (var e in ids) finding.AddEvidence(e);
        await db.SaveChangesAsync(ct);
    }

    // ---------------------------------------------------------------- confirmation (INS-8)

    /// <summary>
    /// INS-8: the unit's leader on duty signs on the inspector's device. The signer proves who they are with their own
    /// account's password; the account must belong to the inspected unit and be registered as one of its leaders
    /// (<see cref="Identity.UnitLeader"/>; a user of another unit, or a unit user who is not a leader, is refused). The
    /// signature (canvas → PNG, uploaded to the visit's case) is kept as evidence on every finding still pending against
    /// that unit: a finding of the visit against another unit (another target of the round, a tip-off, INS-6) is not
    /// theirs to sign. Once the Office decided the report (INS-19), the record is closed.
    /// </summary>
    public async Task ConfirmAsync(Guid id, Confirm r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var (visit, _) = await WorkableAsync(id, by, ct);
        EnsureUndecided(visit);
        var signer = await users.FindByNameAsync(r.SignerUserName.Trim());
        if (signer is null || await users.IsLockedOutAsync(signer) || !await users.CheckPasswordAsync(signer, r.SignerPassword))
        {
            if (signer is not null) await users.AccessFailedAsync(signer);
            throw new DomainRuleException("INS-8", "签字人账号或密码不正确。 The signer's user name or password is wrong.", 422);
        }
        if (signer.UnitId != visit.UnitId)
            throw new DomainRuleException("INS-8", "签字人不是被查单位的工作人员。 The signer is not a user of the inspected unit.", 422);
        if (!await db.UnitLeaders.AnyAsync(l => l.UserId == signer.Id && l.UnitId == visit.UnitId && l.WithdrawnAt == null, ct))
            throw new DomainRuleException("INS-8", "签字人未登记为被查单位的领导，应由单位在岗领导签字。 The signer is not registered as a leader of the inspected unit: the leader on duty signs.", 422);
        var png = await db.EvidenceItems.AsNoTracking().Where(i => i.Id == r.SignatureEvidenceItemId && i.CaseId == visit.EvidenceCaseId)
            .Select(i => new { i.Id, i.MediaType }).FirstOrDefaultAsync(ct)
            ?? throw new DomainRuleException("EVD-3", "签名图片不在本次检查的证据案卷中。 The signature image is not in the visit's evidence case.", 422);
        if (!png.MediaType.StartsWith("image/", StringComparison.Ordinal))
            throw new DomainRuleException("INS-8", "签名须为图片。 The signature must be an image.", 422);
        var pending = await PendingOfTheUnitAsync(visit, ct);
        if (pending.Count == 0) throw new DomainRuleException("INS-8", "没有待被查单位确认的问题。 No finding awaits the unit's confirmation.");
        var name = signer.DisplayName.Length > 0 ? signer.DisplayName : signer.UserName ?? "";
        var label = $"{name} ({signer.Id})";
        if (label.Length > 100) label = label[..100];
        foreach (var f in pending) f.RecordSignature(png.Id, label, Now);
        ClaimVisit(visit);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// INS-8: the unit refused to sign: recorded on each of its pending findings (not another unit's), plus a finding of
    /// item D04; the result stands.
    /// </summary>
    /// <summary>A finding's description holds at most this many characters (the Finding's own check).</summary>
    private const int FindingDescriptionLength = 2000;

    public async Task RefuseAsync(Guid id, Refuse r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var (visit, _) = await WorkableAsync(id, by, ct);
        EnsureUndecided(visit);
        var pending = await PendingOfTheUnitAsync(visit, ct);
        if (pending.Count == 0) throw new DomainRuleException("INS-8", "没有待被查单位确认的问题。 No finding awaits the unit's confirmation.");
        // INS-8: the refusal's finding (D04) reads "who refused" then the note, within a finding's 2000 characters: a note
        // that would not fit is named here, before anything is recorded (it was the finding's own 400 on "description").
        var prefix = $"被查单位（{r.RefusedBy.Trim()}）拒绝签字确认。";
        var room = FindingDescriptionLength - prefix.Length;
        if ((r.Note?.Length ?? 0) > room)
            throw new FieldException("note", $"说明最多 {room} 个字符（含拒签人的记录共 {FindingDescriptionLength} 个字符）。 The note takes at most {room} characters here.");
        foreach (var f in pending) f.RecordRefusal(r.RefusedBy.Trim(), r.Note, Now);
        var item = await db.DeductionItems.FirstOrDefaultAsync(i => i.Year == visit.Year && i.Code == "D04" && i.Active, ct);
        if (item is not null)
        {
            var refusal = new Finding(visit.Id, visit.RoundId, visit.Year, visit.UnitId, visit.SectionId, null, item, null,
                prefix + r.Note, null, null, by.UserId() ?? "", Now);
            refusal.RecordRefusal(r.RefusedBy.Trim(), r.Note, Now);
            db.Findings.Add(refusal);
        }
        ClaimVisit(visit);
        await db.SaveChangesAsync(ct);
    }

    // ---------------------------------------------------------------- submit and review (INS-19)

    /// <summary>
    /// INS-11, INS-19, INS-20: submits the report. Refused (naming the rule and the step) when a required step lacks its
    /// evidence or the videos last less than 40 minutes; flags (order, clock jump, proof of visit, same day) go to the Office.
    /// </summary>
    public async Task<ProtocolAnalysis> SubmitAsync(Guid id, Submit r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var (visit, _) = await WorkableAsync(id, by, ct);
        EnsureOpen(visit);
        Reading(id, 8, r.DeviceClock);
        await db.SaveChangesAsync(ct);
        var analysis = await AnalyseAsync(visit, calendar.LocalDate(Now), ct);
        var blocking = analysis.Issues.FirstOrDefault(i => i.Blocking);
        if (blocking is not null)
            throw new DomainRuleException(blocking.Rule, string.Join(" ", analysis.Issues.Where(i => i.Blocking).Select(i => i.Message)), 422);
        // INS-7: video or photos of every violation (a document or a sound file alone is not one). A refusal to sign (D04) is
        // proven by the record of the refusal itself.
        var bare = await db.Findings.AsNoTracking()
            .Where(f => f.VisitId == id && f.Status != FindingStatus.Dropped && f.ItemCode != "D04"
                && !f.Evidence.Any(e => db.EvidenceItems.Any(i => i.Id == e.EvidenceItemId && (i.MediaType.StartsWith("image/") || i.MediaType.StartsWith("video/")))))
            .OrderBy(f => f.RecordedAt).Select(f => f.ItemCode + " " + f.Description).Take(20).ToListAsync(ct);
        if (bare.Count > 0)
            throw new DomainRuleException("INS-7", $"以下问题缺少照片或视频证据，请补充后再提交：{string.Join("；", bare)}。 Every violation needs its photo or video: add the evidence to these findings first.", 422);
        var protocol = await db.VisitProtocols.FirstAsync(p => p.VisitId == id, ct);
        protocol.MarkArchived(Now);
        visit.RecordProgress(analysis.StepsCompleted, (int)Math.Min(int.MaxValue, analysis.RecordedVideoSeconds));
        visit.Submit(Now);
        await db.SaveChangesAsync(ct);
        return analysis;
    }

    /// <summary>INS-19: the Office accepts, returns with questions, or rejects with a reason.</summary>
    public async Task DecideAsync(Guid id, Decision r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var visit = await db.Visits.FirstOrDefaultAsync(v => v.Id == id, ct) ?? throw Visits.NotFound();
        visit.Decide(r.Outcome!.Value, string.IsNullOrWhiteSpace(r.Note) ? null : r.Note.Trim(), by.UserId() ?? "", Now);
        if (r.Outcome == VisitStatus.Returned)
            db.VisitReportMessages.Add(new VisitReportMessage(id, ReportMessageKind.Question, r.Note!.Trim(), by.UserId() ?? "", Now));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>INS-19: a question from the Office, or an inspector's answer, on a submitted or returned report.</summary>
    public async Task PostMessageAsync(Guid id, Message r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var (visit, viewer) = await WorkableAsync(id, by, ct);
        if (visit.Status is not (VisitStatus.Submitted or VisitStatus.Returned))
            throw new DomainRuleException("INS-19", "只有已提交或被退回的报告可以问答。 Questions and answers belong to a submitted or returned report.");
        db.VisitReportMessages.Add(new VisitReportMessage(id, viewer.IsOffice ? ReportMessageKind.Question : ReportMessageKind.Answer, r.Text.Trim(), by.UserId() ?? "", Now));
        await db.SaveChangesAsync(ct);
    }

    // ---------------------------------------------------------------- reads

    private async Task<ProtocolAnalysis> AnalyseAsync(Visit visit, DateOnly? submittedOn, CancellationToken ct)
    {
        var protocol = await db.VisitProtocols.AsNoTracking().FirstOrDefaultAsync(p => p.VisitId == visit.Id, ct);
        var steps = await StepsAsync(visit.Id, ct);
        var surveys = await db.VisitSurveys.AsNoTracking().CountAsync(s => s.VisitId == visit.Id, ct);
        var records = Enumerable.Range(1, 8).Select(n =>
        {
            var s = steps.FirstOrDefault(x => x.Step.Number == n);
            return new StepRecord(n, s.Step?.StartedAt, s.Step?.EndedAt, s.Files?.Select(ToStepFile).ToList() ?? [], surveys, protocol?.OverallScore is not null);
        }).ToList();
        var readings = await db.VisitClockReadings.AsNoTracking().Where(c => c.VisitId == visit.Id).OrderBy(c => c.ServerClock)
            .Select(c => new ClockReading(c.DeviceClock, c.ServerClock)).ToListAsync(ct);
        var analysis = VisitProtocol.Analyse(protocol?.MethodList ?? VisitProtocol.FullProtocol, records, readings, visit.VisitedOn, submittedOn, calendar.TimeZone,
            byAgency: visit.AgencyId is not null);
        // The eight filmed steps and the 40 minutes are the covert visit's protocol (S0). An open inspection — hearing
        // reports, reading documents, a forum (S1 art. 4, S3) — is shown the same checks as flags, and is not refused by them.
        return visit.Kind == InspectionKind.Open ? analysis with { Issues = analysis.Issues.Select(i => i with { Blocking = false }).ToList() } : analysis;
    }

    private static StepFile ToStepFile(FileView f) => new(f.Id, KindOf(f.MediaType), f.DurationMs, f.CapturedAt, f.Location);

    public static EvidenceKind KindOf(string mediaType) =>
        mediaType.StartsWith("video/", StringComparison.Ordinal) ? EvidenceKind.Video
        : mediaType.StartsWith("image/", StringComparison.Ordinal) ? EvidenceKind.Photo
        : mediaType.StartsWith("audio/", StringComparison.Ordinal) ? EvidenceKind.Audio
        : EvidenceKind.Other;

    private async Task<List<(VisitStep Step, List<FileView> Files)>> StepsAsync(Guid visitId, CancellationToken ct)
    {
        var steps = await db.VisitSteps.AsNoTracking().Include(s => s.Evidence).Where(s => s.VisitId == visitId).ToListAsync(ct);
        var ids = steps.SelectMany(s => s.Evidence.Select(e => e.EvidenceItemId)).Distinct().ToList();
        var files = await db.EvidenceItems.AsNoTracking().Where(i => ids.Contains(i.Id))
            .Select(i => new FileView(i.Id, i.FileName, i.MediaType, i.DurationMs, i.CapturedAt, i.Location, i.LateUpload)).ToListAsync(ct);
        return steps.Select(s => (s, s.Evidence.Select(e => files.First(f => f.Id == e.EvidenceItemId)).OrderBy(f => f.CapturedAt).ToList())).ToList();
    }

    /// <summary>The whole record for the flow's page and the agencies' tools; personal data of respondents masked except for the Office (SEC-4).</summary>
    public async Task<ProtocolView> ViewAsync(Guid id, ClaimsPrincipal by, CancellationToken ct)
    {
        var (visit, viewer) = await WorkableAsync(id, by, ct);
        var protocol = await db.VisitProtocols.AsNoTracking().FirstOrDefaultAsync(p => p.VisitId == id, ct);
        var methods = protocol?.MethodList ?? [];
        var required = VisitProtocol.RequiredSteps(methods.Count > 0 ? methods : VisitProtocol.FullProtocol, byAgency: visit.AgencyId is not null);
        var steps = await StepsAsync(id, ct);
        var surveys = await db.VisitSurveys.AsNoTracking().Where(s => s.VisitId == id).OrderBy(s => s.Number).ToListAsync(ct);
        var analysis = await AnalyseAsync(visit, visit.SubmittedAt is { } sub ? calendar.LocalDate(sub) : null, ct);
        var stepViews = VisitProtocol.Steps.Select(d =>
        {
            var s = steps.FirstOrDefault(x => x.Step.Number == d.Number);
            var record = new StepRecord(d.Number, s.Step?.StartedAt, s.Step?.EndedAt, s.Files?.Select(ToStepFile).ToList() ?? [], surveys.Count, protocol?.OverallScore is not null);
            // An open inspection is not held to the covert protocol's filmed steps (AnalyseAsync): none is shown required.
            return new StepView(d.Number, d.Name, d.EnglishName, d.Evidence, visit.Kind == InspectionKind.Covert && required.Contains(d.Number), s.Step?.StartedAt, s.Step?.EndedAt,
                s.Step?.TimeSource ?? StepTimeSource.Device, s.Step?.Notes, VisitProtocol.HasRequiredEvidence(record), s.Files ?? []);
        }).ToList();

        PersonaView? persona = null;
        var questions = new List<QuestionView>();
        if (protocol is not null)
        {
            if (protocol.PersonaId is { } pid)
                persona = await db.BankPersonas.AsNoTracking().Where(p => p.Id == pid).Select(p => new PersonaView(p.Id, p.Name, p.Description)).FirstOrDefaultAsync(ct);
            var qids = protocol.QuestionList;
            var rows = await (from q in db.BankQuestions.AsNoTracking()
                              join i in db.ServiceItems.AsNoTracking() on q.ServiceItemId equals i.Id
                              where qids.Contains(q.Id)
                              select new QuestionView(q.Id, q.ServiceItemId, i.Name, q.Depth, q.Text, q.ExpectedAnswer, q.TestsConduct)).ToListAsync(ct);
            questions = qids.Select(q => rows.FirstOrDefault(x => x.Id == q)).OfType<QuestionView>().ToList();
        }
        var checks = await db.VisitChecks.AsNoTracking().Where(c => c.VisitId == id).ToListAsync(ct);
        var checklist = VisitChecklists.All.Select(l =>
        {
            var c = checks.FirstOrDefault(x => x.Code == l.Code);
            return new CheckView(l.Code, l.Name, l.ItemCode, l.Step, c?.Result, c?.Note);
        }).ToList();
        // SEC-4: the respondents' names and numbers masked for everyone; the Office reveals one with RevealRespondentAsync, logged.
        var surveyViews = surveys.Select(s => new SurveyView(s.Number, JsonSerializer.Deserialize<Dictionary<string, string>>(s.Answers) ?? [], s.Satisfaction,
            PersonalData.MaskName(s.RespondentName), PersonalData.MaskPhone(s.RespondentPhone), s.EvidenceItemId)).ToList();
        var messages = await db.VisitReportMessages.AsNoTracking().Where(m => m.VisitId == id).OrderBy(m => m.At)
            .Select(m => new MessageView(m.Kind, m.Text, m.By, m.At)).ToListAsync(ct);
        var findings = await Visits.AsTheyWereAsync(db, await db.Findings.AsNoTracking().Where(f => f.VisitId == id).OrderBy(f => f.RecordedAt)
            .Select(f => new Visits.FindingLine(f.Id, f.VisitId, f.UnitId, f.SectionId, f.StaffId, f.ItemCode, f.ItemName, f.Points, f.Group, f.Description,
                f.ProtocolStep, f.Status, f.Confirmation, f.PreviousFindingId, f.RecordedAt, null, null, null, null, null, null, null, null, null)).ToListAsync(ct), ct);
        return new ProtocolView(visit.Id, visit.Status, visit.SectionId, visit.UnitId, visit.VisitedOn, visit.EvidenceCaseId, methods, stepViews, persona, questions,
            checklist, VisitChecklists.PoliteExpressions, VisitChecklists.ForbiddenExpressions, surveyViews, protocol?.OverallScore, protocol?.ScoreNote,
            analysis, messages, visit.DecisionNote, findings);
    }

    public sealed record Respondent(int Number, string? Name, string? Phone);

    /// <summary>
    /// SEC-4: a questionnaire respondent's name and number in full, for the Office (to verify the survey by calling back);
    /// every reveal is in the audit log. The visit's inspectors typed them in and see them masked afterwards like anyone.
    /// </summary>
    public async Task<Respondent> RevealRespondentAsync(Guid id, int number, ClaimsPrincipal by, CancellationToken ct)
    {
        var (_, viewer) = await WorkableAsync(id, by, ct);
        if (!viewer.IsOffice)
            throw new DomainRuleException("SEC-4", "只有效能办可以查看受访群众的完整信息。 Only the Office sees a respondent's details in full.", 403);
        var survey = await db.VisitSurveys.AsNoTracking().Where(s => s.VisitId == id && s.Number == number)
            .Select(s => new { s.Id, s.RespondentName, s.RespondentPhone }).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException("问卷不存在。 No such questionnaire.");
        db.Audit(new AuditEvent("personal-data.reveal", nameof(VisitSurvey), survey.Id.ToString(), null,
            JsonSerializer.Serialize(new { fields = "RespondentName,RespondentPhone", visit = id, number })));
        await db.SaveChangesAsync(ct);
        return new Respondent(number, survey.RespondentName, survey.RespondentPhone);
    }

    /// <summary>Step 8 (INS-11): the electronic archive of the unit: raw videos, questionnaires and the evaluation report.</summary>
    public sealed record Archive(Guid VisitId, string Unit, string Section, DateOnly? VisitedOn, IReadOnlyList<VisitMethod> Methods, IReadOnlyList<FileView> RawVideos,
        IReadOnlyList<SurveyView> Questionnaires, decimal? OverallScore, string? ScoreNote, IReadOnlyList<CheckView> Checklist,
        IReadOnlyList<Visits.FindingLine> Findings, long RecordedVideoSeconds, IReadOnlyList<ProtocolIssue> Flags, DateTime? ArchivedAt);

    public async Task<Archive> ArchiveAsync(Guid id, ClaimsPrincipal by, CancellationToken ct)
    {
        var view = await ViewAsync(id, by, ct);
        var names = await (from s in db.Sections.AsNoTracking()
                           join u in db.Units.AsNoTracking() on s.UnitId equals u.Id
                           where s.Id == view.SectionId
                           select new { Unit = u.Name, Section = s.Name }).FirstAsync(ct);
        var archivedAt = await db.VisitProtocols.AsNoTracking().Where(p => p.VisitId == id).Select(p => p.ArchivedAt).FirstOrDefaultAsync(ct);
        var videos = view.Steps.SelectMany(s => s.Files).Where(f => KindOf(f.MediaType) == EvidenceKind.Video).DistinctBy(f => f.Id).ToList();
        return new Archive(id, names.Unit, names.Section, view.VisitedOn, view.Methods, videos, view.Surveys, view.OverallScore, view.ScoreNote, view.Checklist,
            view.Findings, view.Analysis.RecordedVideoSeconds, [.. view.Analysis.Issues], archivedAt);
    }
}
