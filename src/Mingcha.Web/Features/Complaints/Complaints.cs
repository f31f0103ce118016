using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Complaints;
using Mingcha.Domain.Evidence;
using Mingcha.Domain.Identifiers;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Features.Calendar;
using Mingcha.Web.Features.Evidence;
using Mingcha.Web.Features.Inspections;
using Mingcha.Web.Features.Jobs;
using Mingcha.Web.Features.Ratings;
using Mingcha.Web.Features.Rectification;
using Mingcha.Web.Infrastructure;
using Microsoft.Extensions.Options;

namespace Mingcha.Web.Features.Complaints;

/// <summary>
/// The complaint from intake to close (CMP-1..CMP-11): intake on every channel with duplicate detection, acceptance or refusal,
/// assignment, return, extension, answer, review, urging, repeats, clues for inspections and the complainant's rating.
/// </summary>
public sealed class Complaints(MingchaDb db, TimeProvider time, CalendarService calendar, EvidenceCases cases, Rounds rounds, ComplaintRatings ratings, ComplaintFloodGuard flood, EvidenceIntake intake,
    IOptions<MingchaOptions> options, IConfiguration configuration, LocalClock clock)
{
    public sealed record FileComplaint(
        ComplaintChannel? Channel,
        [property: Required] ComplaintType? Type,
        Guid? UnitId,
        string? UnitCode,
        Guid? SectionId,
        [property: StringLength(100)] string? StaffNamed,
        [property: Required, StringLength(200, MinimumLength = 1)] string Matter,
        [property: Required, StringLength(4000, MinimumLength = 1)] string Reasons,
        [property: StringLength(1000)] string? EvidenceNote,
        [property: StringLength(100)] string? Name,
        [property: StringLength(32)] string? Phone,
        [property: StringLength(32)] string? IdNumber,
        bool? Anonymous,
        bool? HasInterest,
        DateTime? ReceivedAt,
        [property: StringLength(64)] string? TicketNumber,
        [property: StringLength(128)] string? SubmissionKey = null);

    public sealed record Duplicate(Guid Id, string Number, ComplaintStatus Status, DateOnly ReceivedOn);
    public sealed record Filed(Guid Id, string Number, string? QueryCode, ComplaintKind Kind, bool Created, IReadOnlyList<Duplicate> LikelyDuplicates);
    public sealed record Assign([property: Required] Guid? UnitId, [property: StringLength(2000)] string? Note);
    public sealed record Refuse([property: Required] NotAcceptedReason? Reason, [property: Required, StringLength(2000, MinimumLength = 1)] string Note);
    public sealed record Text([property: Required, StringLength(8000, MinimumLength = 1)] string Body);
    /// <summary>A short text the complaint keeps in a field of 2,000 characters, or in its history with a prefix: a return, an urging, the accountability.</summary>
    public sealed record Remark([property: Required, StringLength(2000, MinimumLength = 1)] string Body);
    /// <summary>The Office's reason for returning or waiving a repeat flag's report (CMP-9).</summary>
    public sealed record FlagReason([property: Required, StringLength(2000, MinimumLength = 1)] string Reason);
    public sealed record ExtensionRequest([property: Required] int? WorkingDays, [property: Required, StringLength(2000, MinimumLength = 1)] string Reason);
    public sealed record Decision([property: Required] bool? Approved, [property: StringLength(2000)] string? Note);
    /// <summary>The Office's review; <c>StaffId</c>: the unit's staff member a substantiated complaint is against (SAT-5: their badge is revoked).</summary>
    public sealed record Review([property: Required] bool? Accept, bool? Substantiated, [property: StringLength(2000)] string? Accountability, [property: StringLength(2000)] string? Note,
        Guid? StaffId = null);
    public sealed record Clue([property: Required] Guid? RoundId, Guid? SectionId);
    public sealed record PublicRating([property: Required, Range(1, 3)] int? Level, [property: StringLength(500)] string? Comment);

    /// <summary>
    /// CMP-2, CMP-3, CMP-5, SAT-6: records a complaint from any channel, with the time it was actually received. Likely
    /// duplicates (same complainant, unit and matter) are returned for the intake clerk to see (CMP-6).
    /// </summary>
    public Task<Filed> FileAsync(FileComplaint r, ComplaintViewer by, bool fromHotlineSystem, string? publicAddress, CancellationToken ct) =>
        FileAsync(r, by, fromHotlineSystem, publicAddress, null, ct);

    /// <summary>
    /// As above, with files the complainant attached (already checked by <see cref="ComplaintEvidence"/>): they go into the
    /// complaint's evidence case in the vault, uploaded by the public, in the same transaction as the complaint (all or nothing).
    /// </summary>
    public async Task<Filed> FileAsync(FileComplaint r, ComplaintViewer by, bool fromHotlineSystem, string? publicAddress, StagedEvidenceSet? evidence, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(by);
        // Staff entry is the Office's (SEC-1): a unit's liaison or a leader may read complaints, never register one (the
        // public form and the 12345 integration come in with an address or as the integration).
        if (publicAddress is null && !fromHotlineSystem && !by.IsOffice)
            throw new DomainRuleException("CMP-3", "只有效能办可以登记投诉（CMP-3）。 Only the Office registers complaints (CMP-3).", 403);
        Problems.Validate(r); // the intake page calls this too: an empty matter or an over-long text is named, never a 500
        var channel = r.Channel ?? throw new FieldException("channel", "请填写投诉渠道（CMP-3）。 Give the channel (CMP-3).");
        if (!Enum.IsDefined(channel)) throw new FieldException("channel", "渠道无效（CMP-3）。 Unknown channel (CMP-3).");
        if (r.Type is not { } type || !Enum.IsDefined(type)) throw new FieldException("type", "投诉类型须为八类之一（CMP-4）。 The type is one of the eight of CMP-4.");
        var ticket = string.IsNullOrWhiteSpace(r.TicketNumber) ? null : r.TicketNumber.Trim();
        if (channel == ComplaintChannel.Hotline12345 && ticket is null)
            throw new DomainRuleException("CMP-3", "12345 热线工单须带工单编号（CMP-3）。 A 12345 ticket needs its ticket number (CMP-3).", 400);
        if (fromHotlineSystem && channel != ComplaintChannel.Hotline12345)
            throw new DomainRuleException("CMP-3", "接口只接收 12345 工单（CMP-3）。 The integration takes 12345 tickets only (CMP-3).", 400);

        var now = time.GetUtcNow().UtcDateTime;
        var receivedAt = OfficeTime.ToUtc(r.ReceivedAt, calendar.TimeZone, "receivedAt") ?? now;
        if (receivedAt > now.AddMinutes(5))
            throw new DomainRuleException("CMP-3", "收到时间不能晚于当前时间（CMP-3）。 The received time cannot be in the future (CMP-3).", 422);
        if (receivedAt < now.AddYears(-5))
            throw new DomainRuleException("CMP-3", "收到时间过早（CMP-3）。 The received time is too far in the past (CMP-3).", 422);

        if (ticket is not null)
        {
            var again = await ExistingTicketAsync(ticket, ct);
            if (again is not null) return again;
        }

        var unit = r.UnitId is { } uid
            ? await db.Units.AsNoTracking().Where(u => u.Id == uid).Select(u => new { u.Id }).FirstOrDefaultAsync(ct)
            : r.UnitCode is { Length: > 0 } unitCode
                ? await db.Units.AsNoTracking().Where(u => u.Code == unitCode).Select(u => new { u.Id }).FirstOrDefaultAsync(ct)
                : null;
        if (unit is null)
            throw new DomainRuleException("CMP-2", "被投诉单位不存在：投诉须写明被投诉的单位（CMP-2）。 The unit complained of does not exist (CMP-2).", 422);
        if (r.SectionId is { } sid && !await db.Sections.AnyAsync(s => s.Id == sid && s.UnitId == unit.Id, ct))
            throw new DomainRuleException("CMP-2", "科室（窗口）不属于被投诉单位（CMP-2）。 The section is not in the unit complained of (CMP-2).", 422);

        var anonymous = r.Anonymous == true;
        var name = Clean(r.Name);
        var phone = Clean(r.Phone);
        var idNumber = Clean(r.IdNumber);
        if (!anonymous && name is null)
            throw new DomainRuleException("CMP-5", "实名投诉须留姓名；不留姓名的按匿名建议处理（CMP-5）。 A real-name complaint gives a name; without one it is anonymous and handled as a suggestion (CMP-5).", 422);
        if (phone is not null && !PhoneNumber.IsValid(phone, out _)) throw new FieldException("phone", "电话号码无效。 The phone number is not valid.");
        if (idNumber is not null && !ResidentIdNumber.IsValid(idNumber, clock.Today, out _)) throw new FieldException("idNumber", "身份证号码无效。 The ID number is not valid.");
        if (phone is not null) phone = PhoneNumber.Normalize(phone);
        var evidenceNote = Clean(r.EvidenceNote);
        var files = evidence?.Files ?? [];
        if (channel is ComplaintChannel.InPerson or ComplaintChannel.Letter or ComplaintChannel.Web or ComplaintChannel.Email && evidenceNote is null && files.Count == 0)
            throw new DomainRuleException("CMP-2", "来访、来信、网上投诉须说明所附证据材料（CMP-2）。 A complaint in person, by letter or online states its evidence (CMP-2).", 422);

        // CMP-3, CMP-6: a one-time submission key makes a resent submission (a double click, a retry) the first complaint
        // again: its number, and the same query code (derived from the key and the content, decision 011). Looked up before
        // the flood permit, which a replay does not spend.
        var key = Clean(r.SubmissionKey);
        string? keyHash = null, submission = null;
        if (key is not null)
        {
            if (ComplaintRules.SubmissionKeyRefusal(key) is { } refusal) throw new FieldException("submissionKey", refusal);
            keyHash = ComplaintRules.SubmissionKeyHash(key);
            submission = ComplaintRules.SubmissionHash([channel.ToString(), type.ToString(), unit.Id.ToString(), r.SectionId?.ToString(), Clean(r.StaffNamed),
                r.Matter.Trim(), r.Reasons.Trim(), evidenceNote, anonymous ? "anonymous" : "named", r.HasInterest == false ? "no-interest" : "interest", name, phone, idNumber,
                r.ReceivedAt is null ? null : receivedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture), ticket,
                .. files.Select(f => f.Sha256).Order(StringComparer.Ordinal)]);
            if (await ReplayAsync(key, keyHash, submission, ct) is { } first) return first;
        }

        if (publicAddress is not null) flood.Acquire(publicAddress);
        var code = key is null ? ComplaintRules.NewQueryCode() : ComplaintRules.QueryCodeFor(key, submission!);
        var receivedOn = calendar.LocalDate(receivedAt);
        var complaint = new Complaint(await FreeNumberAsync(receivedOn, ct), ComplaintRules.QueryCodeHash(code), channel, type, unit.Id, r.SectionId, Clean(r.StaffNamed),
            r.Matter.Trim(), r.Reasons.Trim(), evidenceNote, name, phone, idNumber, anonymous, r.HasInterest ?? true, ticket, receivedAt, receivedOn, by.UserId, now);
        if (keyHash is not null) complaint.RecordSubmission(keyHash, submission!);
        var duplicates = await DuplicatesAsync(db, complaint.ComplainantKey, complaint.UnitId, complaint.MatterKey, null, ct);
        db.Complaints.Add(complaint);
        var attached = files.Count == 0 ? "" : $"附证据文件 {files.Count} 个。";
        db.ComplaintEvents.Add(new ComplaintEvent(complaint.Id, "intake", unit.Id,
            complaint.Kind == ComplaintKind.Suggestion
                ? $"已登记，按建议处理（匿名或与事项无利害关系，CMP-5）。{attached} Registered; handled as a suggestion (CMP-5)."
                : $"已登记（{ComplaintRules.ChannelName(channel)}）。{attached} Registered.", true, by.UserId, now));
        db.Notifications.Add(new Notification(null, Roles.OfficeStaff, null, "complaint.received",
            $"新投诉 {complaint.Number}：{complaint.Matter}", null, $"/Complaints/Detail/{complaint.Id}", $"complaint.received:{complaint.Id}", now));
        if (files.Count > 0)
        {
            try
            {
                await SaveWithEvidenceAsync(complaint, files, by, now, ct);
            }
            catch (DbUpdateException) when (keyHash is not null)
            {
                // The same submission twice at once: the other request stored it (its files with it); answer with it.
                if (await ReplayAsync(key!, keyHash, submission!, ct) is { } first) return first;
                throw;
            }
            return new Filed(complaint.Id, complaint.Number, code, complaint.Kind, true, duplicates);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (ticket is not null || keyHash is not null)
        {
            // Two pushes of one ticket, or two sends of one submission, at once: the other one won (a unique index refused
            // this one); answer with it (idempotent).
            db.ChangeTracker.Clear();
            if (keyHash is not null && await ReplayAsync(key!, keyHash, submission!, ct) is { } first) return first;
            if (ticket is not null && await ExistingTicketAsync(ticket, ct) is { } again) return again;
            throw;
        }
        return new Filed(complaint.Id, complaint.Number, code, complaint.Kind, true, duplicates);
    }

    /// <summary>
    /// CMP-3, CMP-6: the complaint a submission key was already used for, answered as at first: its number, and its query
    /// code while that is still the one in force (re-derived; after the Office reissued one, none). The key with other
    /// content is refused (422): it is a key reused by mistake, not the same submission.
    /// </summary>
    private async Task<Filed?> ReplayAsync(string key, string keyHash, string submission, CancellationToken ct)
    {
        var c = await db.Complaints.AsNoTracking().Where(x => x.SubmissionKeyHash == keyHash)
            .Select(x => new { x.Id, x.Number, x.Kind, x.SubmissionHash, x.QueryCodeHash }).FirstOrDefaultAsync(ct);
        if (c is null) return null;
        if (c.SubmissionHash != submission)
            throw new DomainRuleException("CMP-3", "该提交编号已用于另一份内容不同的投诉；如需另行投诉，请重新打开投诉页面或使用新的编号（CMP-3）。 "
                + "This submission key was used for a complaint with other content: open the form again, or use a new key, for another complaint (CMP-3).", 422);
        var code = ComplaintRules.QueryCodeFor(key, submission);
        return new Filed(c.Id, c.Number, ComplaintRules.QueryCodeHash(code) == c.QueryCodeHash ? code : null, c.Kind, false, []);
    }

    /// <summary>
    /// CMP-2: the complaint and its evidence case with the files, in one transaction: if any file fails to go into the vault,
    /// nothing of the complaint is stored. Uploaded by "the public" (no account); the case is the vault's (EVD-1, EVD-3).
    /// </summary>
    private async Task SaveWithEvidenceAsync(Complaint complaint, IReadOnlyList<StagedEvidence> files, ComplaintViewer by, DateTime now, CancellationToken ct)
    {
        var uploader = by.IsOffice ? by.UserId : "public";
        var uploaderName = by.IsOffice ? by.UserId : "投诉人（公众）";
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            // The evidence chain's lock first, then the audit chain's (taken by SaveChanges): the order the vault's own appends use.
            if (db.IsPostgres)
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({EvidenceIntake.EvidenceChainLockKey})", ct);
            var @case = new EvidenceCase(EvidenceCaseKind.Complaint, $"投诉 {complaint.Number}", complaint.UnitId, null, nameof(Complaint), complaint.Id, uploader, now);
            db.EvidenceCases.Add(@case);
            complaint.AttachCase(@case.Id);
            await db.SaveChangesAsync(ct);
            foreach (var f in files)
                await intake.StoreCheckedAsync(@case.Id, f.Path, f.Size, f.Sha256, f.MediaType, f.FileName, uploader, uploaderName, ct);
            await tx.CommitAsync(ct);
        }
        catch
        {
            await tx.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            throw;
        }
    }

    private async Task<Filed?> ExistingTicketAsync(string ticket, CancellationToken ct)
    {
        var c = await db.Complaints.AsNoTracking().Where(x => x.ExternalTicket == ticket).Select(x => new { x.Id, x.Number, x.Kind }).FirstOrDefaultAsync(ct);
        return c is null ? null : new Filed(c.Id, c.Number, null, c.Kind, false, []);
    }

    /// <summary>
    /// CMP-6: complaints of the same complainant (one-way key) against the same unit about the same matter, newest first, at
    /// most 5; <paramref name="except"/> is the complaint asked about. Shown at intake and on the Office's detail page.
    /// </summary>
    internal static async Task<List<Duplicate>> DuplicatesAsync(MingchaDb db, string complainantKey, Guid unitId, string matterKey, Guid? except, CancellationToken ct)
    {
        if (complainantKey.Length == 0) return [];
        return await db.Complaints.AsNoTracking()
            .Where(x => x.ComplainantKey == complainantKey && x.UnitId == unitId && x.MatterKey == matterKey && x.Id != except)
            .OrderByDescending(x => x.ReceivedAt).ThenByDescending(x => x.Id).Take(5)
            .Select(x => new Duplicate(x.Id, x.Number, x.Status, x.ReceivedOn)).ToListAsync(ct);
    }

    /// <summary>
    /// TS{day}-{8 random hex digits}: not guessable (the number is on SMS and letters), and checked against the numbers
    /// already stored, so a city's complaints of one day never meet the birthday collision that 6 digits gave at a few
    /// thousand a day (a unique-index failure, seen in bench/complaints). Two requests drawing the same free number at the
    /// same moment (one chance in 4 billion) would still meet the unique index and be refused, never stored twice.
    /// </summary>
    private async Task<string> FreeNumberAsync(DateOnly day, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var number = $"TS{day:yyyyMMdd}-{Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}";
            if (attempt == 4 || !await db.Complaints.AnyAsync(c => c.Number == number, ct)) return number;
        }
    }

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private async Task<Complaint> LoadAsync(Guid id, CancellationToken ct) =>
        await db.Complaints.FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw ComplaintViewer.NotFound();

    private static void RequireOffice(ComplaintViewer v, string rule)
    {
        if (!v.IsOffice) throw new DomainRuleException(rule, $"只有效能办可以办理此事项（{rule}）。 Only the Office may do this ({rule}).", 403);
    }

    /// <summary>The unit's acts: only on a complaint now with the liaison's own unit (SEC-2; anything else is "not found").</summary>
    private async Task<Complaint> ForUnitAsync(Guid id, ComplaintViewer v, CancellationToken ct)
    {
        var c = await LoadAsync(id, ct);
        if (v.UnitId is not { } u || u != c.UnitId || !ComplaintViewer.ForwardedToUnit(c.Status)) throw ComplaintViewer.NotFound();
        return c;
    }

    /// <summary>
    /// The Office's note on an assignment or a review is for the unit and the Office: in the history, never on the
    /// complainant's tracking page (a note such as "答复过于简单" speaks to the unit).
    /// </summary>
    private void InternalNote(Complaint c, string? note, ComplaintViewer by)
    {
        if (!string.IsNullOrWhiteSpace(note)) Event(c, "office-note", $"效能办意见：{note.Trim()}", false, by);
    }

    private ComplaintEvent Event(Complaint c, string kind, string text, bool toComplainant, ComplaintViewer by)
    {
        var e = new ComplaintEvent(c.Id, kind, c.UnitId, text, toComplainant, by.UserId, time.GetUtcNow().UtcDateTime);
        db.ComplaintEvents.Add(e);
        return e;
    }

    /// <summary>
    /// CMP-6, CMP-7: the complainant is told by SMS, queued in the outbox in the same SaveChanges (one transaction) as the event.
    /// Only a real-name complainant with a phone; the text names the complaint number and points to the tracking page, never
    /// the query code. One message per event (its id is the dedup key), so a retried request does not text twice.
    /// </summary>
    private void TextComplainant(Complaint c, ComplaintEvent e, string what)
    {
        if (c.Anonymous || string.IsNullOrWhiteSpace(c.ComplainantPhone)) return;
        var url = configuration["Mingcha:Complaints:TrackingUrl"];
        var where = string.IsNullOrWhiteSpace(url) ? "投诉查询页面" : $"投诉查询页面 {url.Trim()} ";
        var body = $"【{options.Value.OfficeName}】您的投诉 {c.Number} {what}。请凭查询码到{where}查看详情。";
        if (body.Length > 300) body = body[..300];
        db.OutboundMessages.Add(new OutboundMessage("sms", c.ComplainantPhone, $"投诉 {c.Number} 进展", body, $"sms:complaint:{e.Id:N}", e.At));
    }

    private void NotifyUnit(Complaint c, string kind, string title) =>
        db.Notifications.Add(new Notification(null, Roles.UnitLiaison, c.UnitId, kind, title, null, $"/Complaints/Unit", $"{kind}:{c.Id}:{Guid.NewGuid():N}", time.GetUtcNow().UtcDateTime));

    private void NotifyOffice(Complaint c, string kind, string title) =>
        db.Notifications.Add(new Notification(null, Roles.OfficeStaff, null, kind, title, null, $"/Complaints/Detail/{c.Id}", $"{kind}:{c.Id}:{Guid.NewGuid():N}", time.GetUtcNow().UtcDateTime));

    private void NotifyOfficeOfFlag(RepeatFlag f, string kind, string title) =>
        db.Notifications.Add(new Notification(null, Roles.OfficeStaff, null, kind, title, null, "/Complaints/Repeats", $"{kind}:{f.Id}:{Guid.NewGuid():N}", time.GetUtcNow().UtcDateTime));

    /// <summary>CMP-7: the Office assigns (or reassigns after a return); the deadline comes from the calendar (CAL-2); CMP-9 is checked.</summary>
    public async Task<DateOnly> AssignAsync(Guid id, Assign r, ComplaintViewer by, CancellationToken ct)
    {
        Problems.ValidateLengths(r); // pages call this too: an over-long text is named, never a 500 from the database
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await AssignOnceAsync(id, r, by, ct);
            }
            catch (DbUpdateException e) when (attempt < AssignAttempts && (DbErrors.IsUniqueViolation(e) || e is DbUpdateConcurrencyException))
            {
                // CMP-9: another assignment of the unit, at the same instant, opened its repeat flag (one open flag per unit, a
                // unique index) or marked an earlier complaint this one marks too (its version moved): this one's write
                // was refused whole. Made again from the start, it joins that flag. Were it this very complaint that
                // another request changed (two assignments of it), the fresh start refuses it by its status (CMP-7).
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>How often an assignment is made afresh after a concurrent one of the same unit refused its write.</summary>
    private const int AssignAttempts = 5;

    private async Task<DateOnly> AssignOnceAsync(Guid id, Assign r, ComplaintViewer by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        RequireOffice(by, "CMP-7");
        var c = await LoadAsync(id, ct);
        var unitId = r.UnitId ?? c.UnitId;
        var unitName = await db.Units.AsNoTracking().Where(u => u.Id == unitId).Select(u => u.Name).FirstOrDefaultAsync(ct)
            ?? throw new DomainRuleException("CMP-2", "单位不存在（CMP-2）。 The unit does not exist (CMP-2).", 422);
        var cal = await calendar.GetAsync(ct);
        var today = calendar.Today;
        var reassignment = c.Assignments > 0;
        // S1: the Office, with the establishment office (编办), rules on a disputed remit. It may find the matter the returning
        // unit's after all: then the complaint goes back to it, with the ruling written down.
        if (reassignment && c.Status == ComplaintStatus.ReturnedToOffice && unitId == c.UnitId && string.IsNullOrWhiteSpace(r.Note))
            throw new DomainRuleException("CMP-7", "退回的投诉改派原单位，须写明效能办会同编办的裁定。 A returned complaint goes back to the same unit only with the remit ruling written down.", 422);
        // CMP-7 (S1 art. 10.1, decision 011 as amended): a unit counts its 10 working days from the day it receives the
        // transfer — this assignment, the first or a later one.
        var lastDay = ComplaintRules.AnswerLastDay(cal, today);
        var movedFrom = c.UnitId;
        var granted = c.ContactGranted;
        c.Assign(unitId, today, lastDay, ComplaintRules.TransferLastDay(cal, today));
        // SEC-4: the grant was the other unit's and ended with the move; the Office's history says so (the new unit does not
        // see this step: it is the former unit's, SEC-2).
        if (granted && !c.ContactGranted)
            db.ComplaintEvents.Add(new ComplaintEvent(c.Id, "grant-contact-ended", movedFrom,
                "改由其他单位办理，原承办单位查看投诉人联系方式的授权随之终止（SEC-4）。 The contact grant ended with the reassignment to another unit.",
                false, by.UserId, time.GetUtcNow().UtcDateTime));
        // The evidence follows the matter: the unit now handling it sees the complainant's files, the one first named (or
        // first assigned) no longer.
        if (movedFrom != unitId && c.EvidenceCaseId is { } caseId
            && await db.EvidenceCases.FirstOrDefaultAsync(x => x.Id == caseId, ct) is { } evidenceCase)
            evidenceCase.Retarget(unitId);
        var assigned = Event(c, reassignment ? "reassign" : "assign", $"交办{unitName}，答复期限 {lastDay:yyyy-MM-dd}。 Assigned; answer by {lastDay:yyyy-MM-dd}.", true, by);
        InternalNote(c, r.Note, by);
        if (reassignment) TextComplainant(c, assigned, $"已改由{unitName}办理，答复期限 {lastDay:yyyy-MM-dd}");
        NotifyUnit(c, "complaint.assigned", $"投诉交办 {c.Number}：请于 {lastDay:yyyy-MM-dd} 前答复。 Complaint assigned: answer by {lastDay:yyyy-MM-dd}.");
        await CheckRepeatAsync(c, today, cal, ct);
        await db.SaveChangesAsync(ct);
        return lastDay;
    }

    /// <summary>CMP-9: 3 or more on the same matter, or 2 or more within 30 days → a special self-inspection report is asked for.</summary>
    private async Task CheckRepeatAsync(Complaint c, DateOnly today, Mingcha.Domain.Calendar.WorkingCalendar cal, CancellationToken ct)
    {
        if (c.Kind != ComplaintKind.Complaint) return;
        // The 30 days either side as instants, so that the (UnitId, ReceivedAt) index serves the range: a complaint received
        // earlier but assigned later counts too (CMP-9 does not depend on the order of assignment).
        var fromUtc = TimeZoneInfo.ConvertTimeToUtc(c.ReceivedOn.AddDays(-(ComplaintRules.MonthDays - 1)).ToDateTime(TimeOnly.MinValue), calendar.TimeZone);
        var toUtc = TimeZoneInfo.ConvertTimeToUtc(c.ReceivedOn.AddDays(ComplaintRules.MonthDays).ToDateTime(TimeOnly.MinValue), calendar.TimeZone);
        var others = await db.Complaints.AsNoTracking()
            // Accepted complaints only (decision 011): one the unit returned as outside its remit, or the Office then refused,
            // still names the unit but is not its complaint.
            .Where(x => x.UnitId == c.UnitId && x.Id != c.Id && x.Kind == ComplaintKind.Complaint && x.AssignedOn != null
                && x.Status != ComplaintStatus.ReturnedToOffice && x.Status != ComplaintStatus.NotAccepted
                && (x.MatterKey == c.MatterKey || x.ReceivedAt >= fromUtc && x.ReceivedAt < toUtc))
            .Select(x => new PriorComplaint(x.Id, x.MatterKey, x.ReceivedOn)).ToListAsync(ct);
        if (ComplaintRules.Repeat(c.MatterKey, c.ReceivedOn, others) is not { } reason) return;
        var open = await db.RepeatFlags.Where(f => f.UnitId == c.UnitId && f.FiledAt == null).OrderBy(f => f.RaisedAt).ThenBy(f => f.Id).FirstOrDefaultAsync(ct);
        if (open is null)
        {
            open = new RepeatFlag(c.UnitId, reason, c.MatterKey, today, cal.AddWorkingDays(today, ComplaintRules.SelfInspectionWorkingDays), time.GetUtcNow().UtcDateTime);
            db.RepeatFlags.Add(open);
            NotifyUnit(c, "complaint.repeat", $"本单位被重复投诉，请于 {open.ReportLastDay:yyyy-MM-dd} 前报送专项自查整改报告（CMP-9）。 Repeated complaints: file a special self-inspection report (CMP-9).");
        }
        var text = reason == RepeatReason.SameMatter
            ? "同一事项被投诉 3 次以上，责成被投诉单位专项自查整改（CMP-9）。 Same matter 3+ times: self-inspection report required (CMP-9)."
            : "一个月内多次被投诉，责成被投诉单位专项自查整改（CMP-9）。 Several complaints within a month: self-inspection report required (CMP-9).";
        c.MarkRepeat(open.Id);
        Event(c, "repeat", text, false, ComplaintViewer.Public with { UserId = "system" });
        // The earlier complaints that made the repeat belong to the flag too, so the Office sees all of them on it; one
        // that already belongs to a flag (filed, or this one) keeps it.
        var grounds = ComplaintRules.RepeatGrounds(reason, c.MatterKey, c.ReceivedOn, others).Select(o => o.Id).ToList();
        foreach (var earlier in await db.Complaints.Where(x => grounds.Contains(x.Id) && x.RepeatFlagId == null).OrderBy(x => x.Id).ToListAsync(ct))
        {
            earlier.MarkRepeat(open.Id);
            Event(earlier, "repeat", text, false, ComplaintViewer.Public with { UserId = "system" });
        }
    }

    /// <summary>CMP-6: not accepted, with the reason recorded and told to the complainant.</summary>
    public async Task RefuseAsync(Guid id, Refuse r, ComplaintViewer by, CancellationToken ct)
    {
        Problems.ValidateLengths(r); // pages call this too: an over-long text is named, never a 500 from the database
        ArgumentNullException.ThrowIfNull(r);
        RequireOffice(by, "CMP-6");
        if (!Enum.IsDefined(r.Reason!.Value)) throw new FieldException("reason", "不予受理理由无效（CMP-6）。 Unknown reason (CMP-6).");
        var c = await LoadAsync(id, ct);
        c.NotAccept(r.Reason.Value, r.Note.Trim(), time.GetUtcNow().UtcDateTime);
        var refused = Event(c, "not-accepted", $"不予受理：{ReasonName(r.Reason.Value)}。{r.Note.Trim()} Not accepted (CMP-6).", true, by);
        TextComplainant(c, refused, $"不予受理，理由：{ReasonName(r.Reason.Value)}");
        await db.SaveChangesAsync(ct);
    }

    public static string ReasonName(NotAcceptedReason r) => r switch
    {
        NotAcceptedReason.AlreadyAcceptedInTime => "同一事项已受理且在办理期限内",
        NotAcceptedReason.ForLitigationArbitrationOrReconsideration => "应通过诉讼、仲裁或行政复议解决",
        _ => "已进入诉讼程序或已依法处理",
    };

    /// <summary>CMP-7: the unit returns a complaint outside its remit, within 3 working days of assignment.</summary>
    public async Task ReturnAsync(Guid id, Remark r, ComplaintViewer by, CancellationToken ct)
    {
        Problems.ValidateLengths(r); // pages call this too: an over-long text is named, never a 500 from the database
        ArgumentNullException.ThrowIfNull(r);
        var c = await ForUnitAsync(id, by, ct);
        c.ReturnToOffice(calendar.Today);
        Event(c, "return", $"非本单位职责，退回效能办：{r.Body.Trim()} Returned as outside the unit's remit.", false, by);
        NotifyOffice(c, "complaint.returned", $"投诉 {c.Number} 被退回，请改派。 Complaint returned: reassign it.");
        await db.SaveChangesAsync(ct);
    }

    /// <summary>CMP-7: the unit asks for its one extension of at most 5 working days.</summary>
    public async Task RequestExtensionAsync(Guid id, ExtensionRequest r, ComplaintViewer by, CancellationToken ct)
    {
        Problems.ValidateLengths(r); // pages call this too: an over-long text is named, never a 500 from the database
        ArgumentNullException.ThrowIfNull(r);
        var c = await ForUnitAsync(id, by, ct);
        c.RequestExtension(r.WorkingDays!.Value, r.Reason.Trim(), calendar.Today);
        Event(c, "extension-request", $"申请延期 {r.WorkingDays} 个工作日：{r.Reason.Trim()} Extension asked for.", false, by);
        NotifyOffice(c, "complaint.extension", $"投诉 {c.Number} 申请延期，请审批。 Extension awaits approval.");
        await db.SaveChangesAsync(ct);
    }

    /// <summary>CMP-7: the Office approves or refuses; the complainant is told of the new day and of the progress the unit reported.</summary>
    public async Task DecideExtensionAsync(Guid id, Decision r, ComplaintViewer by, CancellationToken ct)
    {
        Problems.ValidateLengths(r); // pages call this too: an over-long text is named, never a 500 from the database
        ArgumentNullException.ThrowIfNull(r);
        RequireOffice(by, "CMP-7");
        var c = await LoadAsync(id, ct);
        DateOnly? newLast = null;
        if (r.Approved == true && c.LastDay is { } last && c.ExtensionDays is { } days)
            newLast = ComplaintRules.ExtendedLastDay(await calendar.GetAsync(ct), last, days);
        c.DecideExtension(r.Approved == true, newLast);
        var decided = Event(c, r.Approved == true ? "extension-approved" : "extension-refused", r.Approved == true
            ? $"案情复杂，经效能办批准延期至 {newLast:yyyy-MM-dd}。办理进展：{c.ExtensionReason} Extended to {newLast:yyyy-MM-dd} with the Office's approval."
            : $"延期申请未获批准。{r.Note} Extension refused.", r.Approved == true, by);
        if (r.Approved == true) TextComplainant(c, decided, $"因案情复杂经批准延期，答复期限延至 {newLast:yyyy-MM-dd}");
        await db.SaveChangesAsync(ct);
    }

    /// <summary>CMP-7: the unit answers the complainant and the Office.</summary>
    public async Task AnswerAsync(Guid id, Text r, ComplaintViewer by, CancellationToken ct)
    {
        Problems.ValidateLengths(r); // pages call this too: an over-long text is named, never a 500 from the database
        ArgumentNullException.ThrowIfNull(r);
        var c = await ForUnitAsync(id, by, ct);
        c.AnswerWith(r.Body.Trim(), calendar.Today, time.GetUtcNow().UtcDateTime);
        var answered = Event(c, "answer", r.Body.Trim(), true, by);
        TextComplainant(c, answered, "已由承办单位答复");
        NotifyOffice(c, "complaint.answered", $"投诉 {c.Number} 已答复，请审核。 Answered: review it.");
        await db.SaveChangesAsync(ct);
    }

    /// <summary>CMP-7: the Office reviews the answer: closes the complaint, or sends it back to be done again (fresh 10 working days).</summary>
    public async Task ReviewAsync(Guid id, Review r, ComplaintViewer by, CancellationToken ct)
    {
        Problems.ValidateLengths(r); // pages call this too: an over-long text is named, never a 500 from the database
        ArgumentNullException.ThrowIfNull(r);
        RequireOffice(by, "CMP-7");
        var c = await LoadAsync(id, ct);
        var now = time.GetUtcNow().UtcDateTime;
        if (r.Accept == true)
        {
            if (c.Kind == ComplaintKind.Complaint && r.Substantiated is null)
                throw new FieldException("substantiated", "请认定投诉是否属实（CMP-8）。 Say whether the complaint is substantiated (CMP-8).");
            // CMP-5: a suggestion is not judged substantiated or not, and carries no accountability.
            if (r.StaffId is { } staff && !await db.Staff.AnyAsync(s => s.Id == staff && s.UnitId == c.UnitId, ct))
                throw new FieldException("staffId", "该工作人员不属于被投诉单位。 No such staff member in the unit complained of.");
            c.Close(c.Kind == ComplaintKind.Suggestion ? null : r.Substantiated == true, c.Kind == ComplaintKind.Suggestion ? null : r.Accountability?.Trim(), r.Note?.Trim(), now,
                c.Kind == ComplaintKind.Suggestion ? null : r.StaffId);
            await Ratings.BadgeFindings.RevokeForComplaintAsync(db, c, now, ct); // SAT-5, in the same save as the close
            Event(c, "close", "经效能办审核办结。 Closed after review.", true, by);
            InternalNote(c, r.Note, by);
        }
        else
        {
            var last = ComplaintRules.AnswerLastDay(await calendar.GetAsync(ct), calendar.Today);
            c.SendBackToUnit(last);
            Event(c, "send-back", $"答复未通过审核，退回重办，期限 {last:yyyy-MM-dd}。 Sent back to be done again by {last:yyyy-MM-dd}.", true, by);
            InternalNote(c, r.Note, by);
            NotifyUnit(c, "complaint.sent-back", $"投诉 {c.Number} 退回重办，请于 {last:yyyy-MM-dd} 前答复。 Sent back.");
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>CMP-7: 催办 — the Office urges the unit.</summary>
    public async Task UrgeAsync(Guid id, Remark r, ComplaintViewer by, CancellationToken ct)
    {
        Problems.ValidateLengths(r); // pages call this too: an over-long text is named, never a 500 from the database
        ArgumentNullException.ThrowIfNull(r);
        RequireOffice(by, "CMP-7");
        var c = await LoadAsync(id, ct);
        if (c.Status != ComplaintStatus.Assigned) throw new DomainRuleException("CMP-7", "只有交办中的投诉可以催办。 Only an assigned complaint is urged.");
        c.Urge();
        Event(c, "urge", $"催办：{r.Body.Trim()} Urged.", false, by);
        NotifyUnit(c, "complaint.urge", $"催办：投诉 {c.Number} 请于 {c.LastDay:yyyy-MM-dd} 前答复。 Urged: answer by {c.LastDay:yyyy-MM-dd}.");
        await db.SaveChangesAsync(ct);
    }

    /// <summary>CMP-8: the accountability imposed for a substantiated complaint.</summary>
    public async Task AccountabilityAsync(Guid id, Remark r, ComplaintViewer by, CancellationToken ct)
    {
        Problems.ValidateLengths(r); // pages call this too: an over-long text is named, never a 500 from the database
        ArgumentNullException.ThrowIfNull(r);
        RequireOffice(by, "CMP-8");
        var c = await LoadAsync(id, ct);
        c.RecordAccountability(r.Body.Trim());
        Event(c, "accountability", $"追责：{r.Body.Trim()} Accountability recorded.", false, by);
        await db.SaveChangesAsync(ct);
    }

    public sealed record QueryCode(string Code, bool Texted);

    /// <summary>
    /// CMP-11: the Office gives a complainant a new query code (one who complained by phone, letter, in person or through
    /// 12345 and lost it, or was never told it): the old code stops working, the new one is shown once to the Office and
    /// texted to a real-name complainant's phone. Not for an anonymous complaint: no one can be told it is theirs.
    /// </summary>
    public async Task<QueryCode> ReissueQueryCodeAsync(Guid id, ComplaintViewer by, CancellationToken ct)
    {
        RequireOffice(by, "CMP-11");
        var c = await LoadAsync(id, ct);
        if (c.Anonymous)
            throw new DomainRuleException("CMP-11", "匿名投诉无法向投诉人发放查询码。 An anonymous complaint has no one to give a query code to.", 422);
        var code = ComplaintRules.NewQueryCode();
        c.ReissueQueryCode(ComplaintRules.QueryCodeHash(code));
        var e = Event(c, "query-code", "效能办重新发放查询码，原查询码作废。 A new query code was issued; the old one no longer works.", false, by);
        var texted = !string.IsNullOrWhiteSpace(c.ComplainantPhone);
        if (texted)
            db.OutboundMessages.Add(new OutboundMessage("sms", c.ComplainantPhone!, $"投诉 {c.Number} 查询码",
                $"【{options.Value.OfficeName}】您的投诉 {c.Number} 的查询码为 {code}，原查询码已作废。", $"sms:complaint:{e.Id:N}", e.At));
        await db.SaveChangesAsync(ct);
        return new QueryCode(code, texted);
    }

    /// <summary>SEC-4: the Office lets the unit now handling it see a real-name complainant's contact details (refused before it is with a unit).</summary>
    public async Task GrantContactAsync(Guid id, ComplaintViewer by, CancellationToken ct)
    {
        RequireOffice(by, "SEC-4");
        var c = await LoadAsync(id, ct);
        c.GrantContact();
        Event(c, "grant-contact", "效能办授权承办单位查看投诉人联系方式（SEC-4）。 Contact details granted to the unit.", false, by);
        await db.SaveChangesAsync(ct);
    }

    public sealed record Revealed(string? Name, string? Phone, string? IdNumber);

    /// <summary>SEC-4: the complainant's details in full, for the Office (or the unit when granted); every reveal is logged.</summary>
    public async Task<Revealed> RevealAsync(Guid id, ComplaintViewer by, CancellationToken ct)
    {
        var c = await db.Complaints.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw ComplaintViewer.NotFound();
        if (!by.IsOffice)
        {
            if (by.UnitId is not { } u)
                throw new DomainRuleException("SEC-4", "只有效能办承办人员可以查看投诉人完整信息（SEC-4）。 Only the Office's handlers see the complainant's details in full (SEC-4).", 403);
            // As for reading it (SEC-2): a complaint now with the liaison's unit and forwarded to it; else it is not theirs.
            if (u != c.UnitId || !ComplaintViewer.ForwardedToUnit(c.Status)) throw ComplaintViewer.NotFound();
            if (c.Anonymous || !c.ContactGranted)
                throw new DomainRuleException("SEC-4", "未经效能办授权，承办单位不能查看投诉人联系方式（SEC-4）。 The unit sees the complainant's contact details only when the Office grants it (SEC-4).", 403);
        }
        db.Audit(new AuditEvent("personal-data.reveal", nameof(Complaint), id.ToString(), null, JsonSerializer.Serialize(new { fields = "ComplainantName,ComplainantPhone,ComplainantIdNumber", c.Number })));
        await db.SaveChangesAsync(ct);
        return by.IsOffice ? new Revealed(c.ComplainantName, c.ComplainantPhone, c.ComplainantIdNumber) : new Revealed(c.ComplainantName, c.ComplainantPhone, null);
    }

    /// <summary>CMP-2: the complaint's evidence case in the vault (opened on first use); the Office uploads into it.</summary>
    public async Task<Guid> EvidenceCaseAsync(Guid id, ClaimsPrincipal user, CancellationToken ct)
    {
        RequireOffice(ComplaintViewer.Of(user), "CMP-2");
        var c = await LoadAsync(id, ct);
        if (c.EvidenceCaseId is { } existing) return existing;
        // The case is saved, then attached: one transaction, so that of two requests that both found no case (a double
        // click), the one whose attachment the complaint's version refuses (409) leaves no second, orphaned case behind.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var @case = await cases.OpenAsync(new EvidenceCases.OpenCase(EvidenceCaseKind.Complaint, $"投诉 {c.Number}", c.UnitId, null, nameof(Complaint), c.Id), user, ct);
        c.AttachCase(@case.Id);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return @case.Id;
    }

    /// <summary>CMP-10: the complaint becomes a clue: its section (or the unit's first window) is made a target of an inspection round.</summary>
    public async Task ClueAsync(Guid id, Clue r, ComplaintViewer by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        RequireOffice(by, "CMP-10");
        var c = await LoadAsync(id, ct);
        var sectionId = r.SectionId ?? c.SectionId ?? await db.Sections.AsNoTracking().Where(s => s.UnitId == c.UnitId && s.Active).OrderBy(s => s.Code).Select(s => (Guid?)s.Id).FirstOrDefaultAsync(ct)
            ?? throw new DomainRuleException("CMP-10", "被投诉单位没有可检查的科室（窗口）。 The unit has no section to inspect.", 422);
        if (!await db.Sections.AnyAsync(s => s.Id == sectionId && s.UnitId == c.UnitId, ct))
            throw new DomainRuleException("CMP-10", "线索须指向被投诉单位的科室（窗口）。 The clue targets a section of the unit complained of.", 422);
        // The round's target is saved, then the complaint marked: one transaction, so that of two clues made at once (to two
        // rounds), the one whose mark the complaint's version refuses (409) leaves no target in its round.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await rounds.ChooseAsync(r.RoundId!.Value, new Rounds.ChooseTargets([sectionId], null, $"投诉线索 {c.Number}（CMP-10）"), ct);
        c.MarkClue(r.RoundId.Value, sectionId);
        Event(c, "clue", "作为线索列入明查暗访检查对象（CMP-10）。 Made a clue for an inspection round.", false, by);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>CMP-11: the complainant rates the answer with the query code; channel "complaint" in Ratings; unsatisfied → Office review.</summary>
    public async Task RateAsync(string queryCode, PublicRating r, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        // The level is checked here, for the tracking page too: a unit with no open window stores no rating in Ratings (whose
        // intake would refuse a bad level), and the complaint's own record of it must not take a 0 or a 7 either.
        Problems.Validate(r);
        var hash = ComplaintRules.QueryCodeHash(queryCode);
        var c = await db.Complaints.FirstOrDefaultAsync(x => x.QueryCodeHash == hash, ct) ?? throw QueryCodeNotFound();
        var level = r.Level!.Value;
        if (c.Status != ComplaintStatus.Closed) throw new DomainRuleException("CMP-11", "投诉办结后才能评价答复。 The answer is rated once the complaint is closed.");
        if (c.RatingLevel is not null) throw new DomainRuleException("CMP-11", "该投诉的答复已评价。 The answer was already rated.");
        // The window named, if it is still open; otherwise the unit's first open window (a closed window cannot be rated).
        var named = c.SectionId is { } s0 && await db.Sections.AnyAsync(s => s.Id == s0 && s.Active && s.UnitId == c.UnitId, ct) ? c.SectionId : null;
        var sectionId = named ?? await db.Sections.AsNoTracking().Where(s => s.UnitId == c.UnitId && s.Active).OrderBy(s => s.Code).Select(s => (Guid?)s.Id).FirstOrDefaultAsync(ct);
        Guid? ratingId = null;
        if (sectionId is not null)
        {
            var stored = await ratings.RateAnswerAsync(new ComplaintRatings.AnswerRating(c.Number, sectionId, null, level, Mingcha.Domain.Satisfaction.RatingScale.ThreeLevel,
                c.Anonymous ? null : c.ComplainantPhone, Clean(r.Comment), null), null, ct);
            ratingId = stored.Rating.Id;
        }
        c.Rate(level, ratingId);
        db.ComplaintEvents.Add(new ComplaintEvent(c.Id, "rating", c.UnitId, level switch
        {
            1 => "投诉人评价：满意。 Rated satisfied.",
            2 => "投诉人评价：基本满意。 Rated basically satisfied.",
            _ => "投诉人评价：不满意，转效能办复核（CMP-8）。 Rated unsatisfied: back to the Office for review.",
        }, true, "public", time.GetUtcNow().UtcDateTime));
        if (level >= 3) NotifyOffice(c, "complaint.dissatisfied", $"投诉 {c.Number} 投诉人不满意，请复核。 The complainant is not satisfied: review.");
        await db.SaveChangesAsync(ct);
    }

    public static NotFoundException QueryCodeNotFound() => new("查询码无效。 No complaint has this query code.");

    /// <summary>CMP-9: the unit submits its special self-inspection report.</summary>
    public async Task SubmitReportAsync(Guid flagId, Text r, ComplaintViewer by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        Problems.ValidateLengths(r); // the unit's page calls this too
        var f = await db.RepeatFlags.FirstOrDefaultAsync(x => x.Id == flagId, ct);
        if (f is null || by.UnitId is not { } u || u != f.UnitId) throw new NotFoundException("自查整改要求不存在。 No such flag for your unit.");
        f.Submit(r.Body.Trim(), time.GetUtcNow().UtcDateTime);
        NotifyOfficeOfFlag(f, "complaint.repeat-report", "单位已报送专项自查整改报告，请审阅备案（CMP-9）。 A unit filed its special self-inspection report: review and file it.");
        await db.SaveChangesAsync(ct);
    }

    /// <summary>CMP-9: the Office files the report.</summary>
    public async Task FileReportAsync(Guid flagId, ComplaintViewer by, CancellationToken ct)
    {
        var f = await FlagForOfficeAsync(flagId, by, ct);
        f.File(by.UserId, time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>CMP-9: the Office sends a submitted report back for revision, with its reason; the unit is told and submits again.</summary>
    public async Task ReturnReportAsync(Guid flagId, FlagReason r, ComplaintViewer by, CancellationToken ct)
    {
        var f = await FlagForOfficeAsync(flagId, by, ct, r);
        f.ReturnReport(r.Reason ?? "", (await calendar.GetAsync(ct)).AddWorkingDays(calendar.Today, ComplaintRules.RevisionWorkingDays));
        NotifyUnitOfFlag(f, "complaint.repeat-returned",
            "效能办退回专项自查整改报告，请修改后重新报送（CMP-9）。 The Office returned the special self-inspection report: revise and submit it again.", f.ReturnNote);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// CMP-9: the Office closes a flag without a report, with its reason (decision 011): the repeats are, say, one person's
    /// resubmissions of one matter. The unit is told; the reason stays with the flag and in the audit log.
    /// </summary>
    public async Task WaiveReportAsync(Guid flagId, FlagReason r, ComplaintViewer by, CancellationToken ct)
    {
        var f = await FlagForOfficeAsync(flagId, by, ct, r);
        f.Waive(by.UserId, r.Reason ?? "", time.GetUtcNow().UtcDateTime);
        NotifyUnitOfFlag(f, "complaint.repeat-waived",
            "效能办决定本次重复投诉无须报送专项自查整改报告（CMP-9）。 The Office decided no special self-inspection report is needed.", f.WaivedReason);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>CMP-9: the flag an act of the Office is on, the act's reason checked first (its length, as the API checks it).</summary>
    private async Task<RepeatFlag> FlagForOfficeAsync(Guid flagId, ComplaintViewer by, CancellationToken ct, FlagReason? reason = null)
    {
        RequireOffice(by, "CMP-9");
        if (reason is not null) Problems.ValidateLengths(reason); // the Office's page calls these too
        return await db.RepeatFlags.FirstOrDefaultAsync(x => x.Id == flagId, ct) ?? throw new NotFoundException("自查整改要求不存在。 No such flag.");
    }

    private void NotifyUnitOfFlag(RepeatFlag f, string kind, string title, string? body) =>
        db.Notifications.Add(new Notification(null, Roles.UnitLiaison, f.UnitId, kind, title, body, "/Complaints/Unit", $"{kind}:{f.Id}:{Guid.NewGuid():N}", time.GetUtcNow().UtcDateTime));
}
