using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Evidence;
using Mingcha.Domain.Rectification;
using Mingcha.Web.Data;
using Mingcha.Web.Infrastructure;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Features.Calendar;
using Mingcha.Web.Features.Evidence;
using Mingcha.Web.Features.Inspections;

namespace Mingcha.Web.Features.Rectification;

/// <summary>
/// The rectification notice from issue to close: confirmation of findings (RCT-1), issue with its official document and
/// ledger lines (RCT-2, EV-11), objection and review (RCT-3), answer and verification (RCT-2), refusal (RCT-4).
/// </summary>
public sealed partial class Notices(MingchaDb db, TimeProvider time, CalendarService calendar, EvidenceCases cases, Visits visits,
    IRectificationDocuments documents, RectificationNotifier notifier, IOptions<RectificationOptions> options, ILogger<Notices> logger)
{
    public sealed record FindingReview([property: Required, StringLength(2000, MinimumLength = 1)] string Reason);
    public sealed record IssueNotice(
        [property: Required] Guid? UnitId,
        IReadOnlyList<Guid>? FindingIds,
        [property: Required, StringLength(4000, MinimumLength = 1)] string RequiredAction,
        [property: Range(1, 250)] int? WorkingDays,
        [property: StringLength(200)] string? Title,
        IReadOnlyList<Guid>? ProblemIds = null);
    public sealed record FileObjection([property: Required, StringLength(4000, MinimumLength = 1)] string Grounds, [property: Required] IReadOnlyList<Guid> EvidenceItemIds);
    public sealed record ReviewObjection([property: Required] bool? Upheld, [property: Required, StringLength(2000, MinimumLength = 1)] string Reason);
    public sealed record Answer(
        [property: Required, StringLength(4000, MinimumLength = 1)] string Actions,
        [property: Required, StringLength(4000, MinimumLength = 1)] string Measures,
        [property: Required] IReadOnlyList<Guid> EvidenceItemIds);
    public sealed record Verify([property: Required] bool? Accepted, [property: StringLength(2000)] string? Note);
    public sealed record Refusal([property: Required, StringLength(2000, MinimumLength = 1)] string Reason);

    public sealed record Created(Guid Id, string? DocumentNumber, DateOnly LastDay, DateOnly ObjectionLastDay);

    /// <summary>RCT-1: the Office confirms a finding against the rules.</summary>
    public async Task ConfirmAsync(Guid findingId, ClaimsPrincipal by, CancellationToken ct)
    {
        var viewer = RectificationViewer.Of(by);
        viewer.RequireOffice("RCT-1", "确认问题");
        var finding = await db.Findings.FirstOrDefaultAsync(f => f.Id == findingId, ct) ?? throw FindingNotFound();
        // INS-19: a finding stands on an accepted report only; a rejected or undecided visit counts for nothing (nor revokes a badge, SAT-5).
        if (!await db.Visits.AnyAsync(v => v.Id == finding.VisitId && v.Status == VisitStatus.Accepted, ct))
            throw new DomainRuleException("INS-19", "该问题所属的检查报告尚未被效能办采纳（或已被否决），不能确认。 The finding's visit report is not accepted.", 409);
        var now = time.GetUtcNow().UtcDateTime;
        finding.Confirm(viewer.UserId, now);
        await Ratings.BadgeFindings.RevokeForAsync(db, finding, now, ct); // SAT-5: the staff member's badge of the year, in the same save
        await db.SaveChangesAsync(ct);
    }

    /// <summary>RCT-1: the Office drops a finding that does not hold, with its reason.</summary>
    public async Task DropAsync(Guid findingId, FindingReview r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        Problems.ValidateLengths(r); // an empty reason is the finding's own refusal, naming RCT-1
        var viewer = RectificationViewer.Of(by);
        viewer.RequireOffice("RCT-1", "不予认定问题");
        var finding = await db.Findings.FirstOrDefaultAsync(f => f.Id == findingId, ct) ?? throw FindingNotFound();
        finding.Drop(r.Reason.Trim(), viewer.UserId, time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
    }

    public static NotFoundException FindingNotFound() => new("问题不存在。 No such finding.");

    /// <summary>RCT-3: the findings listed on a notice withdrawn after an upheld objection; they no longer stand.</summary>
    /// <summary>
    /// RCT-3: notices the unit may still object to on <paramref name="today"/> (issued, inside the 2 working days), or whose
    /// objection waits for the Office's review. What they list may yet be withdrawn, "and its points with it".
    /// </summary>
    public static IQueryable<RectificationNotice> OpenToObjection(MingchaDb db, DateOnly today) =>
        db.RectificationNotices.Where(n => n.Status == NoticeStatus.Objected || (n.Status == NoticeStatus.Issued && !n.ObjectionDecided && n.ObjectionLastDay >= today));

    public static IQueryable<Guid> WithdrawnFindings(MingchaDb db) =>
        from nf in db.NoticeFindings
        join n in db.RectificationNotices on nf.NoticeId equals n.Id
        where n.Status == NoticeStatus.Withdrawn
        select nf.FindingId;

    /// <summary>
    /// RCT-2: issues a notice to a unit for its confirmed findings. Refused: no finding, a finding not confirmed (RCT-1), of
    /// another unit, already on a notice, or withdrawn after an upheld objection (RCT-3); a deadline in a year the calendar
    /// lacks (CAL-3). Findings of visits not yet sent to the unit are sent now (INS-9: only then may the unit learn of them).
    /// </summary>
    public async Task<Created> IssueAsync(IssueNotice r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        Problems.Validate(r); // pages call this too: a missing, out-of-range or over-long value is a message there, as in the API
        var viewer = RectificationViewer.Of(by);
        viewer.RequireOffice("RCT-2", "下发整改通知书");
        var unitId = r.UnitId!.Value;
        var unit = await db.Units.AsNoTracking().Where(u => u.Id == unitId).Select(u => new { u.Id, u.Name }).FirstOrDefaultAsync(ct)
            ?? throw new FieldException("unitId", "单位不存在。 No such unit.");
        var ids = (r.FindingIds ?? []).Distinct().ToList();
        var problemIds = (r.ProblemIds ?? []).Distinct().ToList();
        if (ids.Count == 0 && problemIds.Count == 0)
            throw new DomainRuleException("RCT-2", "整改通知书须列明至少一个经确认的问题。 A notice lists at least one confirmed finding.", 422);
        if (ids.Count + problemIds.Count > 200) throw new FieldException("findingIds", "一份通知书最多列 200 个问题。 At most 200 findings on one notice.");
        var findings = await db.Findings.AsNoTracking().Where(f => ids.Contains(f.Id)).ToListAsync(ct);
        if (findings.Count != ids.Count) throw new FieldException("findingIds", "问题不存在。 A finding does not exist.");
        if (findings.Any(f => f.Status != FindingStatus.Confirmed))
            throw new DomainRuleException("RCT-2", "只有经效能办确认的问题才能列入整改通知书（RCT-1）。 Only findings the Office confirmed go on a notice (RCT-1).", 422);
        if (findings.Any(f => f.UnitId != unitId))
            throw new DomainRuleException("RCT-2", "通知书所列问题须属于同一被查单位。 Every finding on a notice belongs to its unit.", 422);
        var listed = await db.NoticeFindings.AsNoTracking().Where(nf => ids.Contains(nf.FindingId)).Select(nf => nf.FindingId).ToListAsync(ct);
        // EV-6 (decision 021): problems found through S4's other channels, of the same unit and on no notice yet.
        var problems = await db.ChannelProblems.Where(p => problemIds.Contains(p.Id)).ToListAsync(ct);
        if (problems.Count != problemIds.Count) throw new FieldException("problemIds", "问题不存在。 A problem does not exist.");
        if (problems.Any(p => p.UnitId != unitId))
            throw new DomainRuleException("RCT-2", "通知书所列问题须属于同一被查单位。 Every finding on a notice belongs to its unit.", 422);
        if (listed.Count > 0 || problems.Any(p => p.NoticeId is not null))
            throw new DomainRuleException("RCT-2", "问题已列入整改通知书（或因异议成立已收回），不能再次下发。 A finding is already on a notice, or was withdrawn after an upheld objection.", 409);

        var workingDays = r.WorkingDays ?? options.Value.NoticeWorkingDays;
        var now = time.GetUtcNow().UtcDateTime;
        var today = calendar.LocalDate(now);
        var deadline = await calendar.DeadlineAsync(today, workingDays, ct); // CAL-3 refuses a missing year
        var objection = RectificationRules.ObjectionDeadline(await calendar.GetAsync(ct), today);

        var title = !string.IsNullOrWhiteSpace(r.Title) ? r.Title.Trim()
            : problems.Count == 0 ? $"关于{unit.Name}整改明查暗访发现问题的通知" : $"关于{unit.Name}整改效能问题的通知";
        var notice = new RectificationNotice(unitId, today.Year, title, r.RequiredAction.Trim(), workingDays, today, deadline.LastDay, objection.LastDay, viewer.UserId, now);
        // The findings are this notice's before anything else is written: of two notices issued at once, one gets them.
        // A channel problem's claim has the same table: ids are unique across findings and problems.
        await ClaimAsync([.. ids, .. problemIds], notice.Id, now, ct);
        try
        {
            return await IssueClaimedAsync(notice, unit.Name, findings, problems, deadline.LastDay, objection.LastDay, viewer, by, ct);
        }
        catch (Exception e)
        {
            // Not issued: the claims go, so the findings may be issued again. (Issued, and only telling the unit failed:
            // the claims stay with the notice, and the failure is not "not stored".)
            db.ChangeTracker.Clear(); // what the failed save left tracked is not to be written
            if (await db.RectificationNotices.AnyAsync(n => n.Id == notice.Id, CancellationToken.None)) throw;
            await db.FindingClaims.Where(c => c.NoticeId == notice.Id).ExecuteDeleteAsync(CancellationToken.None);
            if (IsStorageFailure(e)) throw IssueNotStored(e, notice.Id);
            throw;
        }
    }

    /// <summary>
    /// Decision 029: the database or the document store refused a write of the issue (not a rule, a race or bad input, which
    /// have their own answers). The transaction rolled back, so nothing of the notice is kept; the client gets a 503 that
    /// says so, and the cause is logged for the operator.
    /// </summary>
    private static bool IsStorageFailure(Exception e) => e switch
    {
        DbUpdateConcurrencyException => false,
        DbUpdateException u => !DbErrors.IsUniqueViolation(u),
        System.Data.Common.DbException or IOException => true,
        _ => false,
    };

    private UnavailableException IssueNotStored(Exception e, Guid noticeId)
    {
        LogIssueNotStored(logger, e, noticeId);
        return new UnavailableException("整改通知书保存失败，未下发，也未保留任何内容（含文号）；请稍后重试。 The rectification notice could not be stored and was not issued; nothing of it was kept (nor its document number). Try again shortly.", 5);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Issuing rectification notice {NoticeId} failed while storing it; the transaction was rolled back and nothing was kept")]
    private static partial void LogIssueNotStored(ILogger logger, Exception exception, Guid noticeId);

    /// <summary>
    /// RCT-2: claims the findings for the notice, or refuses (409) when another notice took one meanwhile. A claim whose
    /// notice never came (a crash between the claim and the notice's save) is stale after ten minutes and gives way.
    /// </summary>
    private async Task ClaimAsync(List<Guid> findingIds, Guid noticeId, DateTime now, CancellationToken ct)
    {
        var staleBefore = now.AddMinutes(-10);
        var stale = await db.FindingClaims.Where(c => findingIds.Contains(c.FindingId) && c.ClaimedAt < staleBefore && !db.RectificationNotices.Any(n => n.Id == c.NoticeId))
            .ToListAsync(ct);
        db.FindingClaims.RemoveRange(stale);
        var claims = findingIds.Select(f => new FindingClaim(f, noticeId, now)).ToList();
        db.FindingClaims.AddRange(claims);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            throw new DomainRuleException("RCT-2", "问题已被同时下发的另一份整改通知书列入，不能再次下发。 Another notice issued at the same moment already lists a finding.", 409);
        }
    }

    private async Task<Created> IssueClaimedAsync(RectificationNotice notice, string unitName, List<Finding> findings, List<ChannelProblem> problems, DateOnly lastDay, DateOnly objectionLastDay,
        RectificationViewer viewer, ClaimsPrincipal by, CancellationToken ct)
    {
        var (unitId, title, workingDays, now) = (notice.UnitId, notice.Title, notice.WorkingDays, time.GetUtcNow().UtcDateTime);
        // RCT-2, INS-9: all or nothing. The document is rendered first (Chromium takes a second or two; nothing is written);
        // then the sending of the visits, the notice's evidence case, the document's number, files and register line, and
        // the notice with its ledger lines are written in one transaction: should any step fail, the unit learns of nothing,
        // no case or document is left for a notice that does not exist, and a retry starts afresh.
        using var prepared = await documents.PrepareNoticeAsync(new NoticeDocument(notice.Id, unitName, title, notice.RequiredAction, workingDays, lastDay,
            objectionLastDay, [.. findings.OrderBy(f => f.RecordedAt).Select(f => new NoticeDocumentFinding(f.ItemCode, f.ItemName, f.Description, f.Points)),
                .. problems.OrderBy(p => p.FoundOn).Select(p => new NoticeDocumentFinding(ChannelProblem.NameOf(p.Channel), $"（{p.FoundOn:yyyy年M月d日}发现）", p.Description, null))],
            unitId), ct);
        // Notices issued at once on this instance take their numbers in the order they were rendered with them (each
        // rendered once): wait for those ahead before the transaction, whose write lock (SQLite) they need to commit.
        await prepared.TurnAsync(ct);

        await using var tx = await db.Database.BeginTransactionAsync(ct); // SQLite: BEGIN IMMEDIATE
        // The number first: the counter's row, then the evidence chain's lock, then the audit chain's (every save below), in
        // the order every writer takes them.
        await documents.NumberNoticeAsync(prepared, ct);

        // INS-9, RCT-1: the unit learns of the findings now; visits whose findings were not sent yet are sent (all their findings reviewed).
        var visitIds = findings.Select(f => f.VisitId).Distinct().ToList();
        var unsent = await db.Visits.AsNoTracking().Where(v => visitIds.Contains(v.Id) && v.FindingsSentAt == null).Select(v => v.Id).ToListAsync(ct);
        foreach (var v in unsent) await visits.SendFindingsAsync(v, by, ct);

        foreach (var f in findings) notice.Findings.Add(new NoticeFinding(notice.Id, f.Id));

        var @case = await cases.OpenAsync(new EvidenceCases.OpenCase(EvidenceCaseKind.Rectification, Limit($"整改通知书 {unitName} {title}", 200), unitId, null,
            nameof(RectificationNotice), notice.Id), by, ct);
        await cases.ReleaseAsync(@case.Id, by, ct); // the unit uploads its evidence here (EVD-3)
        notice.AttachCase(@case.Id);

        var doc = await documents.RegisterNoticeAsync(prepared, notice.Id, @case.Id, by, ct);
        notice.AttachDocument(doc.Id, doc.Number, @case.Id);

        db.RectificationNotices.Add(notice);
        // Tracked problems: marked only now, so that the case's and the document's saves above do not write them before the
        // notice; their evidence cases are released to the unit in the same save, never before it learns of the problem.
        foreach (var p in problems) p.ListOn(notice.Id);
        var problemCases = problems.Where(p => p.EvidenceCaseId is not null).Select(p => p.EvidenceCaseId!.Value).ToList();
        foreach (var c in await db.EvidenceCases.Where(c => problemCases.Contains(c.Id) && c.ReleasedAt == null).ToListAsync(ct))
            c.ReleaseToUnit(viewer.UserId, now);
        foreach (var f in findings)
            db.DeductionLedger.Add(new DeductionLedgerLine(f.Year, f.UnitId, f.SectionId, f.Points, LedgerSource.Finding, LedgerBasis.Of(f.Group, f.ItemCode),
                Limit($"{f.ItemCode} {f.ItemName}：{f.Description}", 2000), f.Id, notice.Id, null, null, viewer.UserId, now));
        db.Audit(new AuditEvent("notice.issue", nameof(RectificationNotice), notice.Id.ToString(), null,
            $"{notice.DocumentNumber ?? "-"} unit {unitId} findings {findings.Count} problems {problems.Count} until {lastDay:yyyy-MM-dd}"));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await tx.DisposeAsync(); // telling the unit is no part of the issue (decision 019: a failure there keeps the notice)
        prepared.Dispose(); // the notices queued behind this one go on

        await notifier.NotifyUnitAsync(unitId, "notice.issued",
            $"整改通知书 {notice.DocumentNumber ?? title}：请于 {lastDay:yyyy-MM-dd} 前整改并反馈。 Rectification notice: answer by {lastDay:yyyy-MM-dd}.",
            $"{title}\n要求：{notice.RequiredAction}\n异议期至 {objectionLastDay:yyyy-MM-dd}（RCT-3）。",
            $"/Rectification/Notice/{notice.Id}", $"notice.issued:{notice.Id}", ct);
        return new Created(notice.Id, notice.DocumentNumber, lastDay, objectionLastDay);
    }

    /// <summary>The notice for an act of the unit: its own unit's only (SEC-2; anything else is "not found").</summary>
    private async Task<RectificationNotice> ForUnitAsync(Guid id, RectificationViewer viewer, CancellationToken ct, bool tracked = true)
    {
        var notices = tracked ? db.RectificationNotices : db.RectificationNotices.AsNoTracking();
        var notice = await notices.FirstOrDefaultAsync(n => n.Id == id, ct) ?? throw RectificationViewer.NoticeNotFound();
        viewer.RequireOwnUnit(notice.UnitId);
        return notice;
    }

    private async Task<RectificationNotice> ForOfficeAsync(Guid id, CancellationToken ct) =>
        await db.RectificationNotices.FirstOrDefaultAsync(n => n.Id == id, ct) ?? throw RectificationViewer.NoticeNotFound();

    /// <summary>The evidence of an objection or answer: items of the notice's own case (uploaded by the unit).</summary>
    private async Task<List<Guid>> EvidenceAsync(RectificationNotice notice, IReadOnlyList<Guid>? ids, string rule, CancellationToken ct)
    {
        var list = (ids ?? []).Distinct().ToList();
        if (list.Count == 0)
            throw new DomainRuleException(rule, "须附证据材料（先上传到本通知书的证据案卷）。 Evidence is required: upload it to the notice's evidence case first.", 422);
        if (list.Count > 50) throw new FieldException("evidenceItemIds", "最多 50 件证据。 At most 50 evidence items.");
        var found = await db.EvidenceItems.AsNoTracking().CountAsync(i => list.Contains(i.Id) && i.CaseId == notice.EvidenceCaseId, ct);
        if (found != list.Count)
            throw new FieldException("evidenceItemIds", "证据不属于本通知书的证据案卷。 An evidence item is not in the notice's evidence case.");
        return list;
    }

    /// <summary>
    /// RCT-3, EVD-1: whether the unit may object to the notice now, checked before its files are taken into the vault (a file
    /// kept for an objection that is then refused would stay, undeletable, for nothing). Refuses as <see cref="ObjectAsync"/> would.
    /// </summary>
    public async Task EnsureMayObjectAsync(Guid id, ClaimsPrincipal by, CancellationToken ct)
    {
        var notice = await ForUnitAsync(id, RectificationViewer.Of(by), ct, tracked: false);
        notice.CheckMayObject(calendar.LocalDate(time.GetUtcNow().UtcDateTime));
    }

    /// <summary>RCT-2, EVD-1: whether the notice takes the unit's answer now, checked before its files are stored.</summary>
    public async Task EnsureMayAnswerAsync(Guid id, ClaimsPrincipal by, CancellationToken ct)
    {
        var notice = await ForUnitAsync(id, RectificationViewer.Of(by), ct, tracked: false);
        notice.CheckMayAnswer();
    }

    /// <summary>RCT-3: the unit objects within 2 working days of receiving the notice, with evidence.</summary>
    public async Task<Guid> ObjectAsync(Guid id, FileObjection r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        Problems.Validate(r); // pages call this too: a missing, out-of-range or over-long value is a message there, as in the API
        var viewer = RectificationViewer.Of(by);
        var notice = await ForUnitAsync(id, viewer, ct);
        var now = time.GetUtcNow().UtcDateTime;
        notice.FileObjection(calendar.LocalDate(now));
        var evidence = await EvidenceAsync(notice, r.EvidenceItemIds, "RCT-3", ct);
        var objection = new NoticeObjection(notice.Id, r.Grounds.Trim(), evidence, viewer.UserId, now);
        db.NoticeObjections.Add(objection);
        await db.SaveChangesAsync(ct);
        await notifier.NotifyOfficeAsync("notice.objection", $"{notice.DocumentNumber ?? notice.Title} 收到异议，请复核。 An objection awaits review.",
            $"/Rectification/Notice/{notice.Id}", $"notice.objection:{objection.Id}", ct);
        return objection.Id;
    }

    /// <summary>RCT-3 review: upheld → withdrawn, its ledger lines reversed and its document withdrawn (number never reused); rejected → execute.</summary>
    public async Task ReviewAsync(Guid id, ReviewObjection r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        Problems.Validate(r); // pages call this too: a missing, out-of-range or over-long value is a message there, as in the API
        var viewer = RectificationViewer.Of(by);
        viewer.RequireOffice("RCT-3", "复核异议");
        var notice = await ForOfficeAsync(id, ct);
        var objection = await db.NoticeObjections.Where(o => o.NoticeId == id && o.Upheld == null).OrderByDescending(o => o.FiledAt).FirstOrDefaultAsync(ct)
            ?? throw new DomainRuleException("RCT-3", "该通知书没有待复核的异议。 The notice has no objection awaiting review.");
        var now = time.GetUtcNow().UtcDateTime;
        var reason = r.Reason.Trim();
        objection.Decide(r.Upheld!.Value, reason, viewer.UserId, now);
        if (r.Upheld.Value)
        {
            notice.Withdraw(viewer.UserId, reason, now);
            var withdrawn = await db.NoticeFindings.Where(nf => nf.NoticeId == id).Select(nf => nf.FindingId).ToListAsync(ct);
            await Ratings.BadgeFindings.ReconsiderAsync(db, withdrawn, ct); // SAT-5: badges revoked for these findings
            var lines = await db.DeductionLedger.Where(l => l.NoticeId == id).ToListAsync(ct);
            var entries = lines.Select(l => new LedgerEntry(l.Id, l.UnitId, l.SectionId, l.Year, l.Points, l.ReversesId)).ToList();
            foreach (var e in DeductionLedger.Reversible(entries))
            {
                var original = lines.First(l => l.Id == e.Id);
                db.DeductionLedger.Add(new DeductionLedgerLine(original.Year, original.UnitId, original.SectionId, DeductionLedger.ReversalOf(e), original.Source, "RCT-3",
                    Limit($"异议成立，通知书收回：{reason}", 2000), original.FindingId, notice.Id, null, original.Id, viewer.UserId, now));
            }
        }
        else
        {
            var restart = await calendar.DeadlineAsync(calendar.LocalDate(now), notice.WorkingDays, ct);
            notice.ObjectionRejected(restart.LastDay);
        }
        // The notice's document goes with it, in the same save (one transaction); one already withdrawn stays as it is.
        if (r.Upheld.Value && notice.DocumentId is { } doc) await documents.WithdrawWithRecordAsync(doc, $"异议成立 RCT-3：{reason}", viewer.UserId, now, ct);
        db.Audit(new AuditEvent(r.Upheld.Value ? "notice.objection-upheld" : "notice.objection-rejected", nameof(RectificationNotice), notice.Id.ToString(), null, reason));
        await db.SaveChangesAsync(ct);
        await notifier.NotifyUnitAsync(notice.UnitId, "notice.objection-decided",
            r.Upheld.Value
                ? $"异议成立，整改通知书 {notice.DocumentNumber ?? notice.Title} 已收回。 Objection upheld: the notice is withdrawn."
                : $"异议不成立，请于 {notice.LastDay:yyyy-MM-dd} 前执行整改。 Objection rejected: rectify by {notice.LastDay:yyyy-MM-dd}.",
            reason, $"/Rectification/Notice/{notice.Id}", $"notice.objection-decided:{objection.Id}", ct);
    }

    /// <summary>RCT-2: the unit's answer: what it did, what it did beyond the case (举一反三), with evidence.</summary>
    public async Task<Guid> AnswerAsync(Guid id, Answer r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        Problems.Validate(r); // pages call this too: a missing, out-of-range or over-long value is a message there, as in the API
        var viewer = RectificationViewer.Of(by);
        var notice = await ForUnitAsync(id, viewer, ct);
        notice.Answer(calendar.LocalDate(time.GetUtcNow().UtcDateTime));
        var evidence = await EvidenceAsync(notice, r.EvidenceItemIds, "RCT-2", ct);
        var response = new NoticeResponse(notice.Id, r.Actions.Trim(), r.Measures.Trim(), evidence, viewer.UserId, time.GetUtcNow().UtcDateTime);
        db.NoticeResponses.Add(response);
        await db.SaveChangesAsync(ct);
        await notifier.NotifyOfficeAsync("notice.answered", $"{notice.DocumentNumber ?? notice.Title} 已反馈整改情况，请核查。 An answer awaits verification.",
            $"/Rectification/Notice/{notice.Id}", $"notice.answered:{response.Id}", ct);
        return response.Id;
    }

    /// <summary>RCT-2: the Office verifies the answer: filed, or sent back as incomplete (S4: not rectified fully).</summary>
    public async Task VerifyAsync(Guid id, Verify r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        Problems.Validate(r); // pages call this too: a missing, out-of-range or over-long value is a message there, as in the API
        var viewer = RectificationViewer.Of(by);
        viewer.RequireOffice("RCT-2", "核查整改情况");
        var notice = await ForOfficeAsync(id, ct);
        var response = await db.NoticeResponses.Where(x => x.NoticeId == id && x.Accepted == null).OrderByDescending(x => x.FiledAt).FirstOrDefaultAsync(ct)
            ?? throw new DomainRuleException("RCT-2", "该通知书没有待核查的整改反馈。 The notice has no answer awaiting verification.");
        var now = time.GetUtcNow().UtcDateTime;
        var note = string.IsNullOrWhiteSpace(r.Note) ? null : r.Note.Trim();
        if (r.Accepted!.Value) notice.File(viewer.UserId, note, now);
        else
        {
            if (note is null) throw new FieldException("note", "退回须写明不到位之处。 Say what is missing when sending an answer back.");
            notice.SendBack();
        }
        response.Verify(r.Accepted.Value, note, viewer.UserId, now);
        await db.SaveChangesAsync(ct);
        await notifier.NotifyUnitAsync(notice.UnitId, "notice.verified",
            r.Accepted.Value
                ? $"整改通知书 {notice.DocumentNumber ?? notice.Title} 已核查备案。 The notice is verified and filed."
                : $"整改反馈被退回，请于 {notice.LastDay:yyyy-MM-dd} 前补充整改。 The answer was sent back: complete it by {notice.LastDay:yyyy-MM-dd}.",
            note, $"/Rectification/Notice/{notice.Id}", $"notice.verified:{response.Id}", ct);
    }

    /// <summary>RCT-4: refusal without a proper reason, recorded as refusal (S4: −10).</summary>
    public async Task RefusalAsync(Guid id, Refusal r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        Problems.Validate(r); // pages call this too: a missing, out-of-range or over-long value is a message there, as in the API
        var viewer = RectificationViewer.Of(by);
        viewer.RequireOffice("RCT-4", "认定拒不整改");
        var notice = await ForOfficeAsync(id, ct);
        var now = time.GetUtcNow().UtcDateTime;
        notice.RecordRefusal(viewer.UserId, r.Reason.Trim(), now, calendar.LocalDate(now));
        db.NoticeEscalations.Add(new NoticeEscalation(notice.Id, EscalationKind.Refusal, notice.Stage, null, calendar.LocalDate(now), r.Reason.Trim(), viewer.UserId, now));
        await db.SaveChangesAsync(ct);
        await notifier.NotifyUnitAsync(notice.UnitId, "notice.refusal",
            $"整改通知书 {notice.DocumentNumber ?? notice.Title} 被认定为拒不整改。 Recorded as refusal to rectify (RCT-4).", r.Reason,
            $"/Rectification/Notice/{notice.Id}", $"notice.refusal:{notice.Id}", ct);
    }

    internal static string Limit(string s, int max) => s.Length <= max ? s : s[..max];
}

/// <summary>The rule a finding's points come under (EV-11 lists INS-3, INS-4, INS-5, INS-6).</summary>
public static class LedgerBasis
{
    public static string Of(DeductionGroup group, string code) => group switch
    {
        DeductionGroup.OpenInspection => code == "P01" ? "INS-3" : "INS-4",
        DeductionGroup.Conduct => code == "D04" ? "INS-8" : "INS-6",
        _ => "INS-5",
    };
}
