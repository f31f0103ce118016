using Mingcha.Web.Infrastructure;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Complaints;
using Mingcha.Domain.Identifiers;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Calendar;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.Web.Features.Complaints;

/// <summary>
/// Reads of complaints: the Office's filtered list (keyset pages), a complaint with its history, the unit's list, the public
/// tracking view by query code (CMP-11), accountability triggers (CMP-8), repeat flags (CMP-9) and trends (CMP-10). Personal
/// data is masked for everyone (SEC-4); the unit never sees an anonymous complainant, nor contact details unless granted.
/// </summary>
public sealed class ComplaintReads(MingchaDb db, CalendarService calendar, LocalClock clock)
{
    public sealed record Filter(ComplaintStatus? Status, Guid? UnitId, ComplaintType? Type, ComplaintChannel? Channel, ComplaintKind? Kind, bool? Overdue, string? After, int? Limit);
    public sealed record Line(Guid Id, string Number, ComplaintChannel Channel, ComplaintKind Kind, ComplaintType Type, ComplaintStatus Status, Guid UnitId, string UnitName,
        string Matter, string? ComplainantName, DateTime ReceivedAt, DateOnly? LastDay, int? WorkingDaysLeft, bool Overdue, bool Repeat, int Urges,
        string? UnitNameThen = null);
    public sealed record Page(IReadOnlyList<Line> Items, string? Next);
    /// <summary>A step of the complaint; <see cref="UnitName"/> is today's name of the step's unit, <see cref="UnitNameThen"/> its name at the step (ORG-1).</summary>
    public sealed record HistoryLine(DateTime At, string Kind, Guid? UnitId, string? UnitName, string Text, bool ToComplainant, string? UnitNameThen = null);
    public sealed record Detail(Guid Id, string Number, ComplaintChannel Channel, ComplaintKind Kind, ComplaintType Type, string TypeName, ComplaintStatus Status, string StatusName,
        Guid UnitId, string UnitName, Guid FirstUnitId, Guid? SectionId, string? StaffNamed, string Matter, string Reasons, string? EvidenceNote, Guid? EvidenceCaseId,
        bool Anonymous, bool HasInterest, string? ComplainantName, string? ComplainantPhone, string? ComplainantIdNumber, bool ContactGranted, bool MayReveal,
        string? TicketNumber, DateTime ReceivedAt, DateOnly ReceivedOn, DateOnly? AssignedOn, DateOnly? LastDay, int? WorkingDaysLeft, DateOnly? TransferLastDay,
        bool ExtensionRequested, int? ExtensionDays, string? ExtensionReason, bool Extended, string? Answer, DateTime? AnsweredAt, bool AnsweredLate, int SentBack, int Urges,
        NotAcceptedReason? NotAcceptedReason, string? CloseNote, bool? Substantiated, string? Accountability, int? RatingLevel, Guid? RepeatFlagId,
        Guid? ClueRoundId, IReadOnlyList<AccountabilityTrigger> Triggers, IReadOnlyList<HistoryLine> History, IReadOnlyList<EvidenceFile> EvidenceFiles,
        Guid? StaffId = null, IReadOnlyList<Complaints.Duplicate>? LikelyDuplicates = null,
        string? UnitNameThen = null, string? SectionNameThen = null, string? SectionNameNow = null, string? StaffNameThen = null, string? StaffNameNow = null);
    /// <summary>CMP-2: a file in the complaint's evidence case, listed only to those the vault lets see it (EVD-3).</summary>
    public sealed record EvidenceFile(Guid ItemId, string FileName, string MediaType, long Size, string Sha256, string UploaderName, DateTime UploadedAt);
    public sealed record PublicView(string Number, ComplaintKind Kind, ComplaintType Type, string TypeName, ComplaintStatus Status, string StatusName, string Matter,
        DateOnly ReceivedOn, DateOnly? LastDay, int? WorkingDaysLeft, string? Answer, bool MayRate, int? RatingLevel, IReadOnlyList<PublicStep> Steps);
    public sealed record PublicStep(DateTime At, string Text);
    /// <summary>CMP-8: <see cref="UnitName"/> is the unit's name today, <see cref="UnitNameThen"/> its name when the complaint was received (ORG-1).</summary>
    public sealed record TriggerLine(Guid Id, string Number, Guid UnitId, string UnitName, ComplaintStatus Status, DateOnly? LastDay, IReadOnlyList<AccountabilityTrigger> Triggers,
        string? UnitNameThen = null);
    /// <summary>CMP-9: <see cref="UnitName"/> is the unit's name today, <see cref="UnitNameThen"/> its name when the flag was raised (ORG-1).</summary>
    public sealed record FlagLine(Guid Id, Guid UnitId, string UnitName, RepeatReason Reason, DateOnly RaisedOn, DateOnly ReportLastDay, int? WorkingDaysLeft,
        string? Report, DateTime? SubmittedAt, DateTime? FiledAt, int Complaints, Guid? MergedInto, string? WaivedReason, bool Overdue, string? ReturnNote,
        string? UnitNameThen = null);
    public sealed record Count(string Key, string Label, int Value);
    public sealed record Trends(DateOnly From, DateOnly To, int Total, IReadOnlyList<Count> ByType, IReadOnlyList<Count> ByUnit, IReadOnlyList<Count> ByChannel, IReadOnlyList<Count> ByMonth);

    /// <summary>The Office's list (all units), a leader's (read-only), or a liaison's (own unit only, SEC-2), newest first, in keyset pages.</summary>
    public async Task<Page> ListAsync(ComplaintViewer viewer, Filter f, CancellationToken ct)
    {
        var limit = Math.Clamp(f?.Limit ?? 50, 1, 200);
        var rows = await PageQuery(viewer, f!, limit).ToListAsync(ct);
        // ORG-1: each complaint's unit as it was named when the complaint was received; one query for the page (OrgAsOf).
        var org = await OrgAsOf.LoadAsync(db, [], rows.Select(r => r.UnitId), [], ct);
        var cal = await calendar.GetAsync(ct);
        var today = calendar.Today;
        var items = rows.Take(limit).Select(c =>
        {
            var open = c.Status == ComplaintStatus.Assigned && c.LastDay is not null;
            int? left = open ? SafeLeft(cal, today, c.LastDay!.Value) : null;
            return new Line(c.Id, c.Number, c.Channel, c.Kind, c.Type, c.Status, c.UnitId, c.UnitName ?? "", c.Matter,
                c.Anonymous ? null : PersonalData.MaskName(c.ComplainantName), c.ReceivedAt, c.LastDay, left, open && today > c.LastDay!.Value, c.RepeatFlagId is not null, c.Urges,
                org.UnitAt(c.UnitId, c.ReceivedAt)?.Name);
        }).ToList();
        var next = rows.Count > limit ? Cursor(items[^1].ReceivedAt, items[^1].Id) : null;
        return new Page(items, next);
    }

    /// <summary>A list row as read from the database (masked and counted in <see cref="ListAsync"/>).</summary>
    internal sealed record ListRow(Guid Id, string Number, ComplaintChannel Channel, ComplaintKind Kind, ComplaintType Type, ComplaintStatus Status, Guid UnitId,
        string? UnitName, string Matter, bool Anonymous, string? ComplainantName, DateTime ReceivedAt, DateOnly? LastDay, Guid? RepeatFlagId, int Urges);

    /// <summary>
    /// One page of the list (limit + 1 rows, to know whether there is a next page): every filter is answered by an index
    /// that yields rows already in (ReceivedAt, Id) order (docs/complaints.md; a test reads the query plans).
    /// </summary>
    internal IQueryable<ListRow> PageQuery(ComplaintViewer viewer, Filter f, int limit)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(f);
        var q = db.Complaints.AsNoTracking();
        if (!viewer.SeesAll) q = q.Where(c => c.UnitId == viewer.UnitId && !ComplaintViewer.NotForwarded.Contains(c.Status));
        if (f.UnitId is { } unit) q = q.Where(c => c.UnitId == unit);
        if (f.Status is { } status) q = q.Where(c => c.Status == status);
        if (f.Type is { } type) q = q.Where(c => c.Type == type);
        if (f.Channel is { } channel) q = q.Where(c => c.Channel == channel);
        if (f.Kind is { } kind) q = q.Where(c => c.Kind == kind);
        var today = calendar.Today;
        if (f.Overdue == true) q = q.Where(c => c.Status == ComplaintStatus.Assigned && c.LastDay < today);
        if (f.After is { Length: > 0 } after)
        {
            var (at, id) = ParseCursor(after);
            q = q.Where(c => c.ReceivedAt < at || c.ReceivedAt == at && c.Id.CompareTo(id) < 0);
        }
        return q.OrderByDescending(c => c.ReceivedAt).ThenByDescending(c => c.Id).Take(limit + 1)
            .Select(c => new ListRow(c.Id, c.Number, c.Channel, c.Kind, c.Type, c.Status, c.UnitId, db.Units.Where(u => u.Id == c.UnitId).Select(u => u.Name).FirstOrDefault(),
                c.Matter, c.Anonymous, c.ComplainantName, c.ReceivedAt, c.LastDay, c.RepeatFlagId, c.Urges));
    }

    private static int? SafeLeft(Mingcha.Domain.Calendar.WorkingCalendar cal, DateOnly today, DateOnly last)
    {
        try { return cal.WorkingDaysLeft(today, last); }
        catch (Mingcha.Domain.Calendar.CalendarYearMissingException) { return null; }
    }

    public static string Cursor(DateTime at, Guid id) => $"{at.Ticks.ToString(CultureInfo.InvariantCulture)}_{id:N}";

    private static (DateTime At, Guid Id) ParseCursor(string s)
    {
        var parts = s.Split('_');
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) || ticks < 0 || ticks > DateTime.MaxValue.Ticks
            || !Guid.TryParseExact(parts[1], "N", out var id))
            throw new FieldException("after", "分页游标无效。 The page cursor is not valid.");
        return (new DateTime(ticks, DateTimeKind.Utc), id);
    }

    /// <summary>One complaint with its history; 404 for a liaison of another unit (SEC-2).</summary>
    public async Task<Detail> GetAsync(ComplaintViewer viewer, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var c = await db.Complaints.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (c is null || !viewer.MaySee(c.UnitId, c.Status)) throw ComplaintViewer.NotFound();
        var events = await db.ComplaintEvents.AsNoTracking().Where(e => e.ComplaintId == id).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync(ct);
        var unitIds = events.Where(e => e.UnitId != null).Select(e => e.UnitId!.Value).Append(c.UnitId).Distinct().ToList();
        var names = await db.Units.AsNoTracking().Where(u => unitIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Name, ct);
        // ORG-1: the unit, section and person as they were when the complaint was received; each step's unit as it was at the step.
        var org = await OrgAsOf.LoadAsync(db, c.SectionId is { } sec ? [sec] : [], unitIds, c.StaffId is { } who ? [who] : [], ct);
        var then = org.NamesAt(c.ReceivedAt, c.UnitId, c.SectionId, c.StaffId);
        var cal = await calendar.GetAsync(ct);
        var today = calendar.Today;
        int? left = c.Status == ComplaintStatus.Assigned && c.LastDay is { } l ? SafeLeft(cal, today, l) : null;
        var triggers = ComplaintRules.Triggers(new ComplaintFacts(c.Status, c.LastDay, c.AnsweredLate, c.Dissatisfied, c.Substantiated, c.Accountability is not null,
            c.Kind == ComplaintKind.Suggestion), today);

        // SEC-4: masked for all; the unit never sees an anonymous complainant, nor contact details unless the Office granted them.
        string? name = null, phone = null, idNumber = null;
        if (!c.Anonymous)
        {
            name = PersonalData.MaskName(c.ComplainantName);
            if (viewer.SeesAll || c.ContactGranted) phone = NullIfEmpty(PersonalData.MaskPhone(c.ComplainantPhone));
            if (viewer.SeesAll) idNumber = NullIfEmpty(PersonalData.MaskIdNumber(c.ComplainantIdNumber));
        }
        var mayReveal = !c.Anonymous && (viewer.IsOffice || c.ContactGranted && viewer.UnitId == c.UnitId);
        // CMP-2, EVD-3: the files are listed to whom the vault shows them: the Office; the unit only once the case is released to it.
        IReadOnlyList<EvidenceFile> files = [];
        Guid? caseId = viewer.SeesAll ? c.EvidenceCaseId : null;
        if (c.EvidenceCaseId is { } cid && await db.EvidenceCases.AsNoTracking().FirstOrDefaultAsync(x => x.Id == cid, ct) is { } @case
            && Mingcha.Domain.Evidence.EvidenceAccessRule.Decide(new Mingcha.Domain.Evidence.EvidenceViewer(viewer.IsOffice, false, viewer.UnitId is not null, viewer.UnitId), @case.Facts)
                == Mingcha.Domain.Evidence.EvidenceVisibility.Visible)
        {
            caseId = cid;
            files = await db.EvidenceItems.AsNoTracking().Where(i => i.CaseId == cid).OrderBy(i => i.Seq)
                .Select(i => new EvidenceFile(i.Id, i.FileName, i.MediaType, i.Size, i.Sha256, i.UploaderName, i.UploadedAt)).ToListAsync(ct);
        }
        // CMP-6: for the Office deciding whether to accept or assign it, the same complainant's complaints about the same matter to the same unit.
        var duplicates = viewer.IsOffice ? await Complaints.DuplicatesAsync(db, c.ComplainantKey, c.UnitId, c.MatterKey, c.Id, ct) : [];
        var history = events.Where(e => viewer.SeesAll || UnitSees(e, c.UnitId))
            .Select(e => new HistoryLine(e.At, e.Kind, e.UnitId, e.UnitId is { } u ? names.GetValueOrDefault(u) : null, e.Text, e.ToComplainant,
                e.UnitId is { } ut ? org.UnitAt(ut, e.At)?.Name : null)).ToList();
        return new Detail(c.Id, c.Number, c.Channel, c.Kind, c.Type, ComplaintRules.TypeName(c.Type), c.Status, ComplaintRules.StatusName(c.Status),
            c.UnitId, names.GetValueOrDefault(c.UnitId) ?? "", viewer.SeesAll ? c.FirstUnitId : c.UnitId, c.SectionId, c.StaffNamed, c.Matter, c.Reasons, c.EvidenceNote,
            caseId, c.Anonymous, c.HasInterest, name, phone, idNumber, c.ContactGranted, mayReveal,
            viewer.SeesAll ? c.ExternalTicket : null, c.ReceivedAt, c.ReceivedOn, c.AssignedOn, c.LastDay, left, c.TransferLastDay,
            c.ExtensionRequested, c.ExtensionDays, c.ExtensionReason, c.Extended, c.Answer, c.AnsweredAt, c.AnsweredLate, c.SentBack, c.Urges,
            c.NotAcceptedReason, c.CloseNote, c.Substantiated, viewer.SeesAll ? c.Accountability : null, c.RatingLevel, c.RepeatFlagId,
            viewer.SeesAll ? c.ClueRoundId : null, viewer.SeesAll ? triggers : [], history, files, c.StaffId, duplicates,
            then.UnitNameThen, then.SectionNameThen, then.SectionNameNow, then.StaffNameThen, then.StaffNameNow);
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;

    /// <summary>Steps of the Office's own that a unit never sees: a clue for an inspection (CMP-10), the accountability imposed (CMP-8).</summary>
    private static readonly string[] OfficeOnlySteps = ["clue", "accountability"];

    /// <summary>
    /// SEC-2: the history as the unit now handling the complaint sees it: not the Office's own steps, nor the inner steps
    /// of an earlier unit's handling (its return and reasons, urgings and the Office's notes to it, its extension request,
    /// its repeat flag, the end of its contact grant). What the complainant was told stays: the complainant knows it anyway.
    /// </summary>
    private static bool UnitSees(ComplaintEvent e, Guid unitId) =>
        !OfficeOnlySteps.Contains(e.Kind) && (e.ToComplainant || e.UnitId is null || e.UnitId == unitId);

    /// <summary>
    /// The filtered list as an XLSX workbook (at most 10,000 rows, newest first). Personal data masked as on the pages (SEC-4):
    /// the unit's liaison gets no phone (unless granted) and no ID number, and nothing of an anonymous complainant.
    /// </summary>
    public async Task<byte[]> ExportAsync(ComplaintViewer viewer, Filter f, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(f);
        var lines = new List<Line>();
        string? after = f.After;
        do
        {
            var page = await ListAsync(viewer, f with { After = after, Limit = 200 }, ct);
            lines.AddRange(page.Items);
            after = page.Next;
        } while (after is not null && lines.Count < 10_000);
        var ids = lines.Select(l => l.Id).ToList();
        var phones = new Dictionary<Guid, string?>();
        var idNumbers = new Dictionary<Guid, string?>();
        foreach (var chunk in ids.Chunk(500))
        {
            var rows = await db.Complaints.AsNoTracking().Where(c => chunk.Contains(c.Id))
                .Select(c => new { c.Id, c.Anonymous, c.ContactGranted, c.ComplainantPhone, c.ComplainantIdNumber }).ToListAsync(ct);
            foreach (var r in rows)
            {
                phones[r.Id] = r.Anonymous || !(viewer.SeesAll || r.ContactGranted) ? null : NullIfEmpty(PersonalData.MaskPhone(r.ComplainantPhone));
                // SEC-4: the ID number masked, and only for the Office and leaders (as on the detail); never for the unit.
                idNumbers[r.Id] = r.Anonymous || !viewer.SeesAll ? null : NullIfEmpty(PersonalData.MaskIdNumber(r.ComplainantIdNumber));
            }
        }
        using var ms = new MemoryStream();
        using (var w = new Organisation.Import.OrgWorkbookWriter(ms, ["投诉"]))
        {
            // Times on the office's clock, the zone named in the header (people read it in Excel, not as UTC).
            w.BeginSheet("投诉", ["编号", $"收到时间 ({clock.Zone.Id})", "单位", "类型", "渠道", "事项", "投诉人", "电话", "身份证号", "状态", "答复期限"], [22, 20, 24, 20, 12, 40, 10, 14, 20, 14, 12]);
            foreach (var l in lines)
                w.WriteRow([l.Number, clock.Format(l.ReceivedAt),
                    l.UnitNameThen is { Length: > 0 } then && then != l.UnitName ? $"{l.UnitName}（时称：{then}）" : l.UnitName, ComplaintRules.TypeName(l.Type),
                    ComplaintRules.ChannelName(l.Channel), l.Matter, l.ComplainantName ?? "匿名", phones.GetValueOrDefault(l.Id), idNumbers.GetValueOrDefault(l.Id), ComplaintRules.StatusName(l.Status),
                    l.LastDay?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)]);
        }
        return ms.ToArray();
    }

    /// <summary>CMP-11: what the complainant sees with the query code: status, deadline, what they were told, the answer.</summary>
    public async Task<PublicView> TrackAsync(string queryCode, CancellationToken ct)
    {
        var hash = ComplaintRules.QueryCodeHash(queryCode ?? "");
        var c = await db.Complaints.AsNoTracking().FirstOrDefaultAsync(x => x.QueryCodeHash == hash, ct) ?? throw Complaints.QueryCodeNotFound();
        var steps = await db.ComplaintEvents.AsNoTracking().Where(e => e.ComplaintId == c.Id && e.ToComplainant).OrderBy(e => e.At).ThenBy(e => e.Id)
            .Select(e => new PublicStep(e.At, e.Text)).ToListAsync(ct);
        var cal = await calendar.GetAsync(ct);
        int? left = c.Status == ComplaintStatus.Assigned && c.LastDay is { } l ? SafeLeft(cal, calendar.Today, l) : null;
        var answer = c.Status is ComplaintStatus.Closed or ComplaintStatus.UnderReview ? c.Answer : null;
        return new PublicView(c.Number, c.Kind, c.Type, ComplaintRules.TypeName(c.Type), c.Status, ComplaintRules.StatusName(c.Status), c.Matter, c.ReceivedOn,
            c.Status == ComplaintStatus.Assigned ? c.LastDay : null, left, answer, c.Status == ComplaintStatus.Closed && c.RatingLevel is null, c.RatingLevel, steps);
    }

    /// <summary>CMP-8: complaints showing an accountability trigger today (Office only).</summary>
    public async Task<IReadOnlyList<TriggerLine>> TriggersAsync(CancellationToken ct)
    {
        var today = calendar.Today;
        var rows = await db.Complaints.AsNoTracking()
            // Still to act on: sat on now, or a late answer, a dissatisfied complainant or a substantiated complaint whose
            // accountability is not yet recorded. Newest first: a long tail of old cases never hides today's.
            .Where(c => c.Kind == ComplaintKind.Complaint && (c.Status == ComplaintStatus.Assigned && c.LastDay < today
                || (c.AnsweredLate || c.Dissatisfied || c.Status == ComplaintStatus.Closed && c.Substantiated == true) && c.Accountability == null))
            .OrderByDescending(c => c.ReceivedAt).ThenBy(c => c.Id).Take(500)
            .Select(c => new { c.Id, c.Number, c.UnitId, UnitName = db.Units.Where(u => u.Id == c.UnitId).Select(u => u.Name).FirstOrDefault(), c.Status, c.LastDay,
                c.AnsweredLate, c.Dissatisfied, c.Substantiated, HasAccountability = c.Accountability != null, c.ReceivedAt }).ToListAsync(ct);
        // ORG-1: the list is of complaints whose accountability is still to be decided, each about the unit the complaint named;
        // the unit is named as it was when the complaint was received, as on the complaint's detail and in the complaint list.
        var org = await OrgAsOf.LoadAsync(db, [], rows.Select(r => r.UnitId), [], ct);
        return rows.Select(c => new TriggerLine(c.Id, c.Number, c.UnitId, c.UnitName ?? "", c.Status, c.LastDay,
            ComplaintRules.Triggers(new ComplaintFacts(c.Status, c.LastDay, c.AnsweredLate, c.Dissatisfied, c.Substantiated, c.HasAccountability), today),
            org.UnitAt(c.UnitId, c.ReceivedAt)?.Name))
            .Where(t => t.Triggers.Count > 0).ToList();
    }

    /// <summary>CMP-9: repeat flags, those still open first, then newest first; a liaison sees their own unit's.</summary>
    public async Task<IReadOnlyList<FlagLine>> FlagsAsync(ComplaintViewer viewer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var q = db.RepeatFlags.AsNoTracking();
        if (!viewer.SeesAll) q = q.Where(f => f.UnitId == viewer.UnitId);
        var rows = await q.OrderBy(f => f.FiledAt != null).ThenByDescending(f => f.RaisedAt).Take(500)
            .Select(f => new { f, UnitName = db.Units.Where(u => u.Id == f.UnitId).Select(u => u.Name).FirstOrDefault(), Count = db.Complaints.Count(c => c.RepeatFlagId == f.Id) })
            .ToListAsync(ct);
        var cal = await calendar.GetAsync(ct);
        // ORG-1: the unit as it was named when the flag was raised (the report asked of it then); one query for the list.
        var org = await OrgAsOf.LoadAsync(db, [], rows.Select(r => r.f.UnitId), [], ct);
        return rows.Select(x => new FlagLine(x.f.Id, x.f.UnitId, x.UnitName ?? "", x.f.Reason, x.f.RaisedOn, x.f.ReportLastDay,
            x.f.FiledAt is null ? SafeLeft(cal, calendar.Today, x.f.ReportLastDay) : null, x.f.Report, x.f.SubmittedAt, x.f.FiledAt, x.Count, x.f.MergedIntoId,
            x.f.WaivedReason, x.f.FiledAt is null && x.f.SubmittedAt is null && calendar.Today > x.f.ReportLastDay, x.f.ReturnNote,
            org.UnitAt(x.f.UnitId, x.f.RaisedAt)?.Name)).ToList();
    }

    /// <summary>CMP-9: the complaints behind each of the given flags (a liaison's only for their own unit's flags), oldest first.</summary>
    public async Task<ILookup<Guid, (Guid Id, string Number)>> FlagComplaintsAsync(ComplaintViewer viewer, IReadOnlyCollection<Guid> flagIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var q = db.Complaints.AsNoTracking().Where(c => c.RepeatFlagId != null && flagIds.Contains(c.RepeatFlagId.Value));
        if (!viewer.SeesAll) q = q.Where(c => c.UnitId == viewer.UnitId);
        var rows = await q.OrderBy(c => c.ReceivedAt).ThenBy(c => c.Id).Select(c => new { Flag = c.RepeatFlagId!.Value, c.Id, c.Number }).Take(5000).ToListAsync(ct);
        return rows.ToLookup(r => r.Flag, r => (r.Id, r.Number));
    }

    /// <summary>
    /// CMP-10: counts by type, unit, channel and month of receipt (complaints and suggestions, not those refused), as a
    /// viewer sees them: the Office and leaders all units (or one, <paramref name="unitId"/>); a liaison only
    /// their own unit, and only the complaints forwarded to it (SEC-2, CMP-7).
    /// </summary>
    public Task<Trends> TrendsAsync(DateOnly? from, DateOnly? to, ComplaintViewer viewer, Guid? unitId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        return viewer.SeesAll ? TrendsCoreAsync(from, to, unitId, false, ct) : TrendsCoreAsync(from, to, viewer.UnitId ?? Guid.Empty, true, ct);
    }

    /// <summary>
    /// Each unit's trends as the unit may see them (forwarded complaints only), for the Office's report to them (CMP-10): one
    /// grouped query for all the units, not one round of queries per unit. A unit without complaints in the period is absent.
    /// </summary>
    internal async Task<Dictionary<Guid, Trends>> UnitTrendsAsync(DateOnly from, DateOnly to, IReadOnlyCollection<Guid> unitIds, CancellationToken ct)
    {
        var cells = await db.Complaints.AsNoTracking()
            .Where(c => c.ReceivedOn >= from && c.ReceivedOn <= to && c.Status != ComplaintStatus.NotAccepted && !ComplaintViewer.NotForwarded.Contains(c.Status)
                && unitIds.Contains(c.UnitId))
            .GroupBy(c => new { c.UnitId, c.Type, c.Channel, c.ReceivedOn })
            .Select(g => new { g.Key.UnitId, g.Key.Type, g.Key.Channel, g.Key.ReceivedOn, N = g.Count() }).ToListAsync(ct);
        var present = cells.Select(c => c.UnitId).Distinct().ToList();
        var names = await db.Units.AsNoTracking().Where(u => present.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Name, ct);
        return cells.GroupBy(c => c.UnitId).ToDictionary(g => g.Key, g => Build(from, to,
            g.GroupBy(c => c.Type).ToDictionary(t => t.Key, t => t.Sum(c => c.N)),
            [(g.Key, names.GetValueOrDefault(g.Key) ?? "", g.Sum(c => c.N))],
            g.GroupBy(c => c.Channel).ToDictionary(t => t.Key, t => t.Sum(c => c.N)),
            g.GroupBy(c => c.ReceivedOn).Select(d => (d.Key, d.Sum(c => c.N)))));
    }

    private async Task<Trends> TrendsCoreAsync(DateOnly? from, DateOnly? to, Guid? unitId, bool forwardedOnly, CancellationToken ct)
    {
        var end = to ?? calendar.Today;
        if (end.Year is < 2000 or > 2100) throw new FieldException("to", "截止日期应在 2000 至 2100 年之间。 'to' is in 2000 to 2100.");
        var start = from ?? end.AddMonths(-11).AddDays(1 - end.Day);
        if (start.Year < 2000) throw new FieldException("from", "起始日期应在 2000 年之后。 'from' is in 2000 or later.");
        if (start > end) throw new FieldException("from", "起始日期晚于截止日期。 'from' is after 'to'.");
        var q = db.Complaints.AsNoTracking().Where(c => c.ReceivedOn >= start && c.ReceivedOn <= end && c.Status != ComplaintStatus.NotAccepted);
        if (unitId is { } only) q = q.Where(c => c.UnitId == only);
        if (forwardedOnly) q = q.Where(c => !ComplaintViewer.NotForwarded.Contains(c.Status));
        var byType = await q.GroupBy(c => c.Type).Select(g => new { g.Key, N = g.Count() }).ToListAsync(ct);
        var byChannel = await q.GroupBy(c => c.Channel).Select(g => new { g.Key, N = g.Count() }).ToListAsync(ct);
        var byUnit = await q.GroupBy(c => c.UnitId).Select(g => new { g.Key, N = g.Count() }).OrderByDescending(x => x.N).ThenBy(x => x.Key).Take(20).ToListAsync(ct);
        var unitIds = byUnit.Select(u => u.Key).ToList();
        var names = await db.Units.AsNoTracking().Where(u => unitIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Name, ct);
        var days = await q.GroupBy(c => c.ReceivedOn).Select(g => new { g.Key, N = g.Count() }).ToListAsync(ct);
        return Build(start, end, byType.ToDictionary(t => t.Key, t => t.N), byUnit.Select(u => (u.Key, names.GetValueOrDefault(u.Key) ?? "", u.N)),
            byChannel.ToDictionary(c => c.Key, c => c.N), days.Select(d => (d.Key, d.N)));
    }

    /// <summary>The figures as shown: every type and channel (zero included), the units given, and every month of the period.</summary>
    private static Trends Build(DateOnly start, DateOnly end, Dictionary<ComplaintType, int> byType, IEnumerable<(Guid Id, string Name, int N)> byUnit,
        Dictionary<ComplaintChannel, int> byChannel, IEnumerable<(DateOnly Day, int N)> days)
    {
        var byMonth = days.GroupBy(d => (d.Day.Year, d.Day.Month)).ToDictionary(g => g.Key, g => g.Sum(d => d.N));
        var months = new List<Count>();
        for (var m = new DateOnly(start.Year, start.Month, 1); m <= end; m = m.AddMonths(1))
        {
            var key = m.ToString("yyyy-MM", CultureInfo.InvariantCulture);
            months.Add(new Count(key, key, byMonth.GetValueOrDefault((m.Year, m.Month))));
        }
        return new Trends(start, end, byType.Values.Sum(),
            Enum.GetValues<ComplaintType>().Select(t => new Count(t.ToString(), ComplaintRules.TypeName(t), byType.GetValueOrDefault(t))).ToList(),
            byUnit.Select(u => new Count(u.Id.ToString(), u.Name, u.N)).ToList(),
            Enum.GetValues<ComplaintChannel>().Select(ch => new Count(ch.ToString(), ComplaintRules.ChannelName(ch), byChannel.GetValueOrDefault(ch))).ToList(),
            months);
    }
}
