using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Scoring;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Inspections;
using Mingcha.Web.Features.Rectification;

namespace Mingcha.Web.Features.Scoring;

/// <summary>
/// EV-2, EV-3: the graded evaluations of a campaign: monitoring points' instant and monthly forms, representatives' grades in
/// concentrated sittings (signed in or through the sitting's link), paper forms entered by the Office, imports, and one
/// inspection evaluation per accepted open inspection or covert visit (decision 012).
/// </summary>
public sealed class Evaluations(MingchaDb db, TimeProvider time, Infrastructure.LocalClock clock, SittingFloodGuard flood)
{
    public sealed record FileEvaluation(
        [property: Required] Guid? SectionId,
        [property: Required] EvaluationMethod? Method,
        [property: Required] Grade? Grade,
        DateOnly? On,
        [property: StringLength(500)] string? Note);

    public sealed record SectionGrade([property: Required] Guid? SectionId, [property: Required] Grade? Grade);

    /// <summary>A ballot: its grades; the phone's key (anonymous, no code); the slip's one-time code (decision 028).</summary>
    public sealed record Ballot(
        [property: StringLength(64)] string? BallotKey,
        [property: Required] IReadOnlyList<SectionGrade> Grades,
        [property: StringLength(40)] string? Code = null);

    /// <summary>A new sitting; <paramref name="RequireCodes"/> left out means codes are required (decision 028).</summary>
    public sealed record CreateSitting(
        [property: Required, StringLength(200, MinimumLength = 1)] string Title,
        [property: Required] DateOnly? HeldOn,
        bool? RequireCodes = null);

    public sealed record SittingDto(Guid Id, Guid CampaignId, string Title, DateOnly HeldOn, string? Token, string? Link, int Ballots, DateTime? ClosedAt,
        bool RequireCodes = false, int CodesIssued = 0, int CodesUsed = 0);

    /// <summary>Decision 028: how many one-time codes to issue, and for which group of representatives (optional).</summary>
    public sealed record IssueCodes(
        [property: Required, Range(1, SittingCodeRules.MaxPerIssue)] int? Count,
        [property: StringLength(SittingCodeRules.MaxGroup)] string? Group);

    /// <summary>The codes just issued, in clear: shown this once (the slips), never again.</summary>
    public sealed record IssuedCodes(Guid SittingId, string Title, DateOnly HeldOn, string? Group, IReadOnlyList<IssuedCode> Codes);
    public sealed record IssuedCode(string Code, string Link, int Serial = 0);

    /// <summary>A sitting's codes as counts (issued, used), in all and per group; never the codes.</summary>
    public sealed record CodeCounts(Guid SittingId, bool RequireCodes, int Issued, int Used, IReadOnlyList<GroupCount> Groups, int Revoked = 0);
    public sealed record GroupCount(string? Group, int Issued, int Used, int Revoked = 0);

    /// <summary>Decision 028 (amended): revoke the unused code of the slip numbered <c>Serial</c>; <c>Reissue</c> issues one replacement of its group.</summary>
    public sealed record RevokeCode(
        [property: Required, Range(1, SittingCodeRules.MaxPerSitting)] int? Serial,
        bool? Reissue = null);

    /// <summary>The code revoked (by its slip's serial) and the replacement issued with it, in clear this once (if asked for).</summary>
    public sealed record RevokedCode(Guid SittingId, int Serial, string? Group, IssuedCodes? Replacement);

    public sealed record EvaluationLine(Guid Id, Guid SectionId, EvaluationMethod Method, Grade Grade, EvaluationSource Source, DateOnly On, Guid? SittingId, Guid? VisitId,
        string? Note, string By, DateTime At);

    public sealed record Filed(Guid Id);
    public sealed record BallotReceipt(int Grades);

    internal static void RequireGrade(Grade? grade, string field = "grade")
    {
        if (grade is not { } g || !Enum.IsDefined(g))
            throw new DomainRuleException("EV-3", $"等次须为优、良、一般、较差、差之一（{field}）。 The grade must be one of excellent, good, fair, poor, bad ({field}).", 422);
    }

    private static void RequireMethod(EvaluationMethod? method)
    {
        if (method is not { } m || !Enum.IsDefined(m))
            throw new DomainRuleException("EV-2", "测评方式须为即时、综合、明察暗访或集中测评。 The method is instant, monthly, inspection or concentrated.", 422);
    }

    private async Task<EvaluationCampaign> OpenCampaignAsync(Guid campaignId, CancellationToken ct)
    {
        var c = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(x => x.Id == campaignId, ct) ?? throw new NotFoundException("测评活动不存在。 No such campaign.");
        c.RequireTakingEvaluations();
        return c;
    }

    /// <summary>
    /// EV-1: the check that a campaign is still open, made again inside the transaction that writes its evaluations, on
    /// the campaign's row: <c>UPDATE … WHERE Status = 'Open'</c> changes nothing but takes the row's lock (PostgreSQL; on
    /// SQLite the transaction's <c>BEGIN IMMEDIATE</c> already serialises writers). Closing claims the same row before it
    /// checks its counts (<see cref="Computations"/>), so evaluations and the final computation are serialised: a write
    /// that waited for the close finds the campaign closed (409) and stores nothing; a close that waited for a write counts
    /// it. Without it, an import read as "open" could commit after the final results were counted.
    /// </summary>
    internal static async Task ClaimOpenAsync(MingchaDb db, Guid campaignId, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("The claim holds only inside a transaction.");
        var claimed = await db.Campaigns.Where(c => c.Id == campaignId && c.Status == CampaignStatus.Open)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CampaignStatus.Open), ct);
        if (claimed == 0)
            throw new DomainRuleException("EV-1", "测评活动已结束，不再接受测评。 The campaign has closed: it takes no more evaluations.", 409);
    }

    /// <summary>Saves the evaluations added to the context, in one transaction that first claims the open campaign (<see cref="ClaimOpenAsync"/>).</summary>
    internal static async Task SaveWhileOpenAsync(MingchaDb db, Guid campaignId, CancellationToken ct, Func<Task>? alsoClaim = null)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await ClaimOpenAsync(db, campaignId, ct);
        // Another conditional write of the same transaction (a ballot code's use): it refuses by throwing, and then nothing is stored.
        if (alsoClaim is not null) await alsoClaim();
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    private static void RequireInPeriod(EvaluationCampaign c, DateOnly on)
    {
        if (on < c.PeriodFrom || on > c.PeriodTo)
            throw new DomainRuleException("EV-1", $"测评日期须在测评期间（{c.PeriodFrom:yyyy-MM-dd} 至 {c.PeriodTo:yyyy-MM-dd}）内。 The day evaluated must fall in the campaign's period.", 422);
    }

    private async Task RequireSectionsAsync(Guid campaignId, List<Guid> sectionIds, CancellationToken ct)
    {
        var known = await db.CampaignSections.AsNoTracking().Where(s => s.CampaignId == campaignId && sectionIds.Contains(s.SectionId)).CountAsync(ct);
        if (known != sectionIds.Count)
            throw new DomainRuleException("EV-1", "该科室不是本次测评活动的测评对象。 The section is not evaluated by this campaign.", 422);
    }

    /// <summary>
    /// EV-2: one form. Monitoring points file instant and monthly forms; the Office enters paper forms of any method but
    /// the inspection method, whose evaluations come from the visits themselves.
    /// </summary>
    public async Task<Filed> FileAsync(Guid campaignId, FileEvaluation r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(by);
        Infrastructure.Problems.Validate(r); // the page's form is not validated before it gets here (a form without a section was a 500)
        var office = by.IsInRole(Roles.OfficeAdmin) || by.IsInRole(Roles.OfficeStaff);
        var point = by.IsInRole(Roles.MonitoringPoint);
        if (!office && !point) throw new DomainRuleException("EV-2", "只有监测点和效能办可以填报测评表。 Only monitoring points and the Office file forms.", 403);
        RequireMethod(r.Method);
        RequireGrade(r.Grade);
        var method = r.Method!.Value;
        if (method == EvaluationMethod.Inspection)
            throw new DomainRuleException("EV-2", "明察暗访测评由检查记录自动生成。 Inspection evaluations come from the visits themselves.", 422);
        if (!office && method == EvaluationMethod.Concentrated)
            throw new DomainRuleException("EV-2", "集中测评在测评会上进行。 Concentrated evaluations are filed in a sitting.", 422);
        var c = await OpenCampaignAsync(campaignId, ct);
        var on = r.On ?? clock.Today;
        RequireInPeriod(c, on);
        await RequireSectionsAsync(campaignId, [r.SectionId!.Value], ct);
        var e = new Evaluation(campaignId, r.SectionId!.Value, method, r.Grade!.Value, point && !office ? EvaluationSource.Form : EvaluationSource.Paper, on,
            by.UserId() ?? "", time.GetUtcNow().UtcDateTime, note: string.IsNullOrWhiteSpace(r.Note) ? null : r.Note.Trim());
        db.Evaluations.Add(e);
        db.Audit(new AuditEvent("evaluation.file", nameof(Evaluation), e.Id.ToString(), null, $"{method} {e.Grade} section {e.SectionId}"));
        await SaveWhileOpenAsync(db, campaignId, ct);
        return new Filed(e.Id);
    }

    public async Task<SittingDto> CreateSittingAsync(Guid campaignId, CreateSitting r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        RectificationViewer.Of(by).RequireOffice("EV-2", "组织集中测评");
        Infrastructure.Problems.Validate(r); // a blank date or title from the page: 400 naming it, not a 500
        var c = await OpenCampaignAsync(campaignId, ct);
        RequireInPeriod(c, r.HeldOn!.Value);
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var s = new EvaluationSitting(campaignId, r.Title.Trim(), r.HeldOn!.Value, token, by.UserId() ?? "", time.GetUtcNow().UtcDateTime, r.RequireCodes ?? true);
        db.Sittings.Add(s);
        await db.SaveChangesAsync(ct);
        return Dto(s, true);
    }

    private static SittingDto Dto(EvaluationSitting s, bool withToken, int issued = 0, int used = 0) =>
        new(s.Id, s.CampaignId, s.Title, s.HeldOn, withToken ? s.Token : null, withToken ? "/Scoring/Sit/" + s.Token : null, s.Ballots, s.ClosedAt,
            s.RequireCodes, withToken ? issued : 0, withToken ? used : 0);

    public async Task<List<SittingDto>> SittingsAsync(Guid campaignId, ClaimsPrincipal user, CancellationToken ct)
    {
        var office = RectificationViewer.Of(user).IsOffice;
        var sittings = await db.Sittings.AsNoTracking().Where(s => s.CampaignId == campaignId).OrderBy(s => s.HeldOn).ToListAsync(ct);
        var ids = sittings.Select(s => s.Id).ToList();
        // Decision 028: the Office sees how many codes each sitting issued and how many were used (never the codes).
        var counts = office && ids.Count > 0
            ? await db.SittingCodes.AsNoTracking().Where(c => ids.Contains(c.SittingId)).GroupBy(c => c.SittingId)
                .Select(g => new { g.Key, Issued = g.Count(), Used = g.Count(c => c.UsedAt != null) }).ToDictionaryAsync(x => x.Key, ct)
            : [];
        return sittings.Select(s => counts.TryGetValue(s.Id, out var n) ? Dto(s, office, n.Issued, n.Used) : Dto(s, office)).ToList();
    }

    /// <summary>
    /// EV-2, decision 028: the Office issues <c>Count</c> one-time ballot codes for an open sitting (one per representative
    /// present, optionally for a named group). They are returned in clear this once, to print the slips; only their hashes
    /// are stored. The issue is audited (how many, which group), never the codes.
    /// </summary>
    public async Task<IssuedCodes> IssueCodesAsync(Guid sittingId, IssueCodes r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        RectificationViewer.Of(by).RequireOffice("EV-2", "发放测评码");
        Infrastructure.Problems.Validate(r);
        var sitting = await db.Sittings.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sittingId, ct) ?? throw new NotFoundException("集中测评不存在。 No such sitting.");
        sitting.RequireOpen();
        await OpenCampaignAsync(sitting.CampaignId, ct);
        var count = r.Count!.Value;
        if (sitting.CodesIssued + count > SittingCodeRules.MaxPerSitting) throw CapReached(sitting.CodesIssued);
        var group = string.IsNullOrWhiteSpace(r.Group) ? null : r.Group.Trim();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var codes = await AddCodesAsync(sitting, count, group, by.UserId() ?? "", ct);
        db.Audit(new AuditEvent("sitting.codes.issue", nameof(EvaluationSitting), sittingId.ToString(), null,
            group is null ? $"codes {count}" : $"codes {count} group {group}"));
        await SaveCodesAsync(ct);
        await tx.CommitAsync(ct);
        return new IssuedCodes(sittingId, sitting.Title, sitting.HeldOn, group, codes);
    }

    /// <summary>
    /// Adds <paramref name="count"/> new codes of the sitting to the context, inside the caller's transaction. The 5,000 cap
    /// holds under concurrency (migration 0043): the sitting's <c>CodesIssued</c> is raised by a conditional update
    /// (<c>WHERE "CodesIssued" + n &lt;= 5000 AND "ClosedAt" IS NULL</c>), which on PostgreSQL holds the sitting's row until
    /// the transaction ends (a second issue waits, then sees the raised count) and on SQLite runs in the write transaction
    /// (<c>BEGIN IMMEDIATE</c>). The numbers it hands out are the new slips' serials.
    /// </summary>
    private async Task<List<IssuedCode>> AddCodesAsync(EvaluationSitting sitting, int count, string? group, string user, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("Codes are claimed only inside a transaction.");
        var sittingId = sitting.Id;
        var claimed = await db.Sittings.Where(s => s.Id == sittingId && s.ClosedAt == null && s.CodesIssued + count <= SittingCodeRules.MaxPerSitting)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.CodesIssued, s => s.CodesIssued + count), ct);
        var now = await db.Sittings.AsNoTracking().Where(s => s.Id == sittingId).Select(s => new { s.CodesIssued, s.ClosedAt }).FirstAsync(ct);
        if (claimed == 0)
        {
            if (now.ClosedAt is not null) throw new DomainRuleException("EV-2", "本次集中测评已结束。 The sitting has ended.", 409);
            throw CapReached(now.CodesIssued);
        }
        var at = time.GetUtcNow().UtcDateTime;
        var codes = new List<IssuedCode>(count);
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        var serial = now.CodesIssued - count;
        while (codes.Count < count)
        {
            var code = SittingCodeRules.NewCode();
            var hash = SittingCodeRules.Hash(sittingId, SittingCodeRules.Normalise(code)!);
            if (!hashes.Add(hash)) continue;
            serial++;
            db.SittingCodes.Add(new SittingCode(sittingId, serial, hash, group, user, at));
            codes.Add(new IssuedCode(code, $"/Scoring/Sit/{sitting.Token}?code={code}", serial));
        }
        return codes;
    }

    private async Task SaveCodesAsync(CancellationToken ct)
    {
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // A new code equal to one already issued (60 random bits: practically never): nothing stored, issue again.
            throw new DomainRuleException("EV-2", "测评码生成冲突，未发放，请重试。 A code collided; nothing was issued, try again.", 409);
        }
    }

    private static DomainRuleException CapReached(int already) =>
        new("EV-2", $"一次集中测评最多发放 {SittingCodeRules.MaxPerSitting} 个测评码（已发放 {already} 个）。 A sitting issues at most {SittingCodeRules.MaxPerSitting} codes ({already} issued).", 422);

    /// <summary>
    /// EV-2, decision 028 (amended): the Office revokes one unused code of an open sitting by its slip's serial (a lost or
    /// spoiled slip: only hashes are stored, so the serial printed on the slip names it), and may at once issue one
    /// replacement of the same group, shown in clear this once. A used code cannot be revoked (409), nor one revoked before.
    /// The revocation is a conditional update in one transaction (<c>WHERE "UsedAt" IS NULL AND "RevokedAt" IS NULL</c>):
    /// of a revocation and a ballot with the same code at once, exactly one wins. Audited as <c>sitting.code.revoke</c>.
    /// </summary>
    public async Task<RevokedCode> RevokeCodeAsync(Guid sittingId, RevokeCode r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        RectificationViewer.Of(by).RequireOffice("EV-2", "作废测评码");
        Infrastructure.Problems.Validate(r);
        var sitting = await db.Sittings.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sittingId, ct) ?? throw new NotFoundException("集中测评不存在。 No such sitting.");
        sitting.RequireOpen();
        await OpenCampaignAsync(sitting.CampaignId, ct);
        var serial = r.Serial!.Value;
        var code = await db.SittingCodes.AsNoTracking().Where(c => c.SittingId == sittingId && c.Serial == serial)
            .Select(c => new { c.Id, c.Group, c.UsedAt, c.RevokedAt }).FirstOrDefaultAsync(ct)
            ?? throw new FieldException("serial", $"本次集中测评没有编号为 {serial} 的测评票。 This sitting has no slip numbered {serial}.");
        if (code.UsedAt is not null) throw UsedNotRevocable(serial);
        if (code.RevokedAt is not null) throw AlreadyRevoked(serial);
        var user = by.UserId() ?? "";
        var now = time.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The sitting's row first, as a ballot takes it before its code (ClaimSittingAsync): the same order of locks.
        await ClaimSittingAsync(db, sittingId, codeless: false, ct);
        var revoked = await db.SittingCodes.Where(c => c.Id == code.Id && c.UsedAt == null && c.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.RevokedAt, now).SetProperty(c => c.RevokedBy, user), ct);
        if (revoked == 0)
        {
            var used = await db.SittingCodes.AsNoTracking().Where(c => c.Id == code.Id).Select(c => c.UsedAt).FirstAsync(ct);
            throw used is not null ? UsedNotRevocable(serial) : AlreadyRevoked(serial);
        }
        db.Audit(new AuditEvent("sitting.code.revoke", nameof(SittingCode), code.Id.ToString(), null, $"sitting {sittingId} serial {serial}"));
        IssuedCodes? replacement = null;
        if (r.Reissue == true)
        {
            var codes = await AddCodesAsync(sitting, 1, code.Group, user, ct);
            db.Audit(new AuditEvent("sitting.codes.issue", nameof(EvaluationSitting), sittingId.ToString(), null,
                (code.Group is null ? "codes 1" : $"codes 1 group {code.Group}") + $" replacing serial {serial}"));
            replacement = new IssuedCodes(sittingId, sitting.Title, sitting.HeldOn, code.Group, codes);
        }
        await SaveCodesAsync(ct);
        await tx.CommitAsync(ct);
        return new RevokedCode(sittingId, serial, code.Group, replacement);
    }

    private static DomainRuleException UsedNotRevocable(int serial) =>
        new("EV-2", $"编号 {serial} 的测评码已投票使用，不能作废。 The code of slip {serial} was already used for a ballot: it cannot be revoked.", 409);

    private static DomainRuleException AlreadyRevoked(int serial) =>
        new("EV-2", $"编号 {serial} 的测评码已作废。 The code of slip {serial} was already revoked.", 409);

    /// <summary>
    /// EV-2, decision 028 (amended): an open sitting that takes ballots without codes (created so, or before migration 0038)
    /// is switched by the Office to require codes, only while no ballot of it was handed in (by phone or on paper): after
    /// the first ballot, 409 with a message (some representatives would have voted without a slip). The switch is a
    /// conditional update (<c>WHERE "Ballots" = 0</c>) in one transaction, and a codeless ballot claims the sitting's row
    /// with <c>WHERE "RequireCodes" = false</c> in its own: of a switch and a first ballot at once, exactly one is stored.
    /// Afterwards the sitting is as one created with codes. Switching a sitting that already requires codes changes nothing.
    /// </summary>
    public async Task RequireCodesAsync(Guid sittingId, ClaimsPrincipal by, CancellationToken ct)
    {
        RectificationViewer.Of(by).RequireOffice("EV-2", "改为凭测评码投票");
        var sitting = await db.Sittings.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sittingId, ct) ?? throw new NotFoundException("集中测评不存在。 No such sitting.");
        sitting.RequireOpen();
        if (sitting.RequireCodes) return;
        if (sitting.Ballots > 0) throw BallotsAlreadyIn();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var switched = await db.Sittings.Where(s => s.Id == sittingId && !s.RequireCodes && s.Ballots == 0 && s.ClosedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.RequireCodes, true), ct);
        if (switched == 0)
        {
            var now = await db.Sittings.AsNoTracking().Where(s => s.Id == sittingId).Select(s => new { s.RequireCodes, s.ClosedAt }).FirstAsync(ct);
            if (now.RequireCodes) return;
            if (now.ClosedAt is not null) throw new DomainRuleException("EV-2", "本次集中测评已结束。 The sitting has ended.", 409);
            throw BallotsAlreadyIn();
        }
        db.Audit(new AuditEvent("sitting.require-codes", nameof(EvaluationSitting), sittingId.ToString(), "requireCodes false", "requireCodes true"));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    private static DomainRuleException BallotsAlreadyIn() =>
        new("EV-2", "本次集中测评已有测评票提交，不能再改为凭测评码投票；如需凭码投票，请新建一次集中测评。 Ballots were already handed in to this sitting: it can no longer be switched to ballot codes (create a new sitting).", 409);

    /// <summary>
    /// The sitting's row, claimed inside a ballot's or a revocation's transaction before its code (PostgreSQL: the row's lock;
    /// the order sitting, then code, is the same everywhere, so two of them never wait for each other crosswise). A ballot
    /// admitted without a code (<paramref name="codeless"/>) claims it only while the sitting does not require codes: a
    /// switch to codes committed meanwhile refuses it (403), and nothing is stored.
    /// </summary>
    /// <remarks>
    /// A ballot (<paramref name="countBallot"/>) counts itself in the same statement, <c>SET "Ballots" = "Ballots" + 1</c>: the
    /// count is added by the database under the row's claim, not written back from the value read before the transaction
    /// (two ballots at once read the same count and each wrote it plus one, so one was lost).
    /// </remarks>
    private static async Task ClaimSittingAsync(MingchaDb db, Guid sittingId, bool codeless, CancellationToken ct, bool countBallot = false)
    {
        var q = db.Sittings.Where(s => s.Id == sittingId);
        if (codeless) q = q.Where(s => !s.RequireCodes);
        var add = countBallot ? 1 : 0;
        var claimed = await q.ExecuteUpdateAsync(u => u.SetProperty(s => s.Ballots, s => s.Ballots + add), ct);
        if (claimed == 0) throw CodeRequired();
    }

    /// <summary>Decision 028: a sitting's codes as counts, in all and per group (the Office only; never the codes themselves).</summary>
    public async Task<CodeCounts> CodeCountsAsync(Guid sittingId, ClaimsPrincipal by, CancellationToken ct)
    {
        RectificationViewer.Of(by).RequireOffice("EV-2", "查看测评码");
        var sitting = await db.Sittings.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sittingId, ct) ?? throw new NotFoundException("集中测评不存在。 No such sitting.");
        var groups = (await db.SittingCodes.AsNoTracking().Where(c => c.SittingId == sittingId).GroupBy(c => c.Group)
                .Select(g => new { g.Key, Issued = g.Count(), Used = g.Count(c => c.UsedAt != null), Revoked = g.Count(c => c.RevokedAt != null) }).ToListAsync(ct))
            .OrderBy(g => g.Key ?? "", StringComparer.Ordinal).Select(g => new GroupCount(g.Key, g.Issued, g.Used, g.Revoked)).ToList();
        return new CodeCounts(sittingId, sitting.RequireCodes, groups.Sum(g => g.Issued), groups.Sum(g => g.Used), groups, groups.Sum(g => g.Revoked));
    }

    /// <summary>Decision 028: the sitting's one-time code as typed or scanned: unknown (a forged or mistyped code) 403, revoked 403, used 409.</summary>
    private async Task<Guid> CodeOfAsync(EvaluationSitting sitting, string typed, CancellationToken ct)
    {
        var normalised = SittingCodeRules.Normalise(typed) ?? throw UnknownCode();
        var hash = SittingCodeRules.Hash(sitting.Id, normalised);
        var code = await db.SittingCodes.AsNoTracking().Where(c => c.SittingId == sitting.Id && c.CodeHash == hash).Select(c => new { c.Id, c.UsedAt, c.RevokedAt })
            .FirstOrDefaultAsync(ct) ?? throw UnknownCode();
        if (code.RevokedAt is not null) throw CodeRevoked();
        if (code.UsedAt is not null) throw CodeUsed();
        return code.Id;
    }

    private static DomainRuleException CodeRequired() =>
        new("EV-2", "本次集中测评凭测评码投票：请扫描测评票上的二维码，或输入测评票上的测评码。 This sitting takes ballots with a code: scan the QR code on your slip or type the code printed on it.", 403);

    private static DomainRuleException UnknownCode() =>
        new("EV-2", "测评码无效，请核对测评票上的测评码。 The ballot code is not valid for this sitting; check the code on your slip.", 403);

    private static DomainRuleException CodeRevoked() =>
        new("EV-2", "该测评码已作废，不能投票；请向会务人员领取补发的测评票。 This ballot code was revoked: it admits no ballot; ask the staff for the replacement slip.", 403);

    private static DomainRuleException CodeUsed() =>
        new("EV-2", "该测评码已使用，每个测评码只能投一次票。 This ballot code was already used: each code admits one ballot.", 409);

    public async Task CloseSittingAsync(Guid sittingId, ClaimsPrincipal by, CancellationToken ct)
    {
        RectificationViewer.Of(by).RequireOffice("EV-2", "结束集中测评");
        var s = await db.Sittings.FirstOrDefaultAsync(x => x.Id == sittingId, ct) ?? throw new NotFoundException("集中测评不存在。 No such sitting.");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The sitting's row before the audit chain's lock (taken by the save), in the order an issue or a ballot takes them.
        await ClaimSittingAsync(db, sittingId, codeless: false, ct);
        s.Close(time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>What a representative's phone shows: the sitting and the sections to grade.</summary>
    public sealed record SittingSheet(Guid SittingId, string CampaignName, string Title, DateOnly HeldOn, bool Open, IReadOnlyList<SheetSection> Sections,
        bool RequireCodes = false);
    public sealed record SheetSection(Guid SectionId, string Name, string UnitName, string CategoryName);

    public async Task<EvaluationSitting> SittingByTokenAsync(string token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length != 32) throw new NotFoundException("测评链接无效。 No such sitting.");
        return await db.Sittings.AsNoTracking().FirstOrDefaultAsync(s => s.Token == token, ct) ?? throw new NotFoundException("测评链接无效。 No such sitting.");
    }

    public async Task<SittingSheet> SheetAsync(EvaluationSitting s, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(s);
        var c = await db.Campaigns.AsNoTracking().FirstAsync(x => x.Id == s.CampaignId, ct);
        var sections = await (from cs in db.CampaignSections.AsNoTracking().Where(x => x.CampaignId == s.CampaignId)
                              join sec in db.Sections on cs.SectionId equals sec.Id
                              join u in db.Units on cs.UnitId equals u.Id
                              join k in db.Categories on cs.CategoryId equals k.Id
                              orderby k.Name, u.Name, sec.Name, sec.Id
                              select new SheetSection(cs.SectionId, sec.Name, u.Name, k.Name)).Take(2000).ToListAsync(ct);
        return new SittingSheet(s.Id, c.Name, s.Title, s.HeldOn, s.ClosedAt is null && c.Status == CampaignStatus.Open,
            sections.OrderBy(x => x.CategoryName, StringComparer.Ordinal).ThenBy(x => x.UnitName, StringComparer.Ordinal).ThenBy(x => x.Name, StringComparer.Ordinal).ToList(),
            s.RequireCodes);
    }

    /// <summary>
    /// EV-2: one representative's grades in a sitting, each one concentrated evaluation. A signed-in representative hands in
    /// one ballot; an anonymous one (through the link) one per one-time code of the sitting's slips when the sitting requires
    /// codes (decision 028), else one per ballot key, which the phone keeps. A code given is used, once, in the ballot's own
    /// transaction (also by a signed-in representative, so that the slip cannot be used again).
    /// </summary>
    public async Task<BallotReceipt> SubmitBallotAsync(string token, Ballot r, ClaimsPrincipal? user, string? address, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var sitting = await SittingByTokenAsync(token, ct);
        var signedIn = user?.Identity?.IsAuthenticated == true ? user.UserId() : null;
        // A flood through the link is refused before anything is checked or stored (rate limit per address and per sitting).
        if (signedIn is null) flood.Acquire(sitting.Id, address ?? "?");
        Guid? code = null;
        if (!string.IsNullOrWhiteSpace(r.Code)) code = await CodeOfAsync(sitting, r.Code, ct);
        else if (signedIn is null && sitting.RequireCodes) throw CodeRequired();
        var key = signedIn is not null ? "user:" + signedIn : code is { } c ? "code:" + c.ToString("N") : r.BallotKey?.Trim();
        if (string.IsNullOrEmpty(key) || key.Length < 8)
            throw new FieldException("ballotKey", "缺少测评票标识。 The ballot needs its key.");
        // An anonymous ballot without a code is admitted only while the sitting takes ballots without codes: its transaction
        // checks that again on the sitting's row (a switch to codes may have been committed since it was read).
        return await StoreBallotAsync(sitting.Id, key, EvaluationSource.Sitting, r.Grades, signedIn ?? "sitting:" + sitting.Id, ct, code,
            codeless: signedIn is null && code is null);
    }

    /// <summary>EV-2: the Office enters a paper ballot of a sitting.</summary>
    public async Task<BallotReceipt> EnterPaperBallotAsync(Guid sittingId, Ballot r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        RectificationViewer.Of(by).RequireOffice("EV-2", "录入纸质测评票");
        return await StoreBallotAsync(sittingId, "paper:" + Guid.CreateVersion7().ToString("N"), EvaluationSource.Paper, r.Grades, by.UserId() ?? "", ct);
    }

    private async Task<BallotReceipt> StoreBallotAsync(Guid sittingId, string key, EvaluationSource source, IReadOnlyList<SectionGrade>? grades, string by, CancellationToken ct,
        Guid? codeId = null, bool codeless = false)
    {
        // Read only: the ballot count is added by the claim's atomic update below (EV-2), not through the change tracker.
        var sitting = await db.Sittings.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sittingId, ct) ?? throw new NotFoundException("集中测评不存在。 No such sitting.");
        sitting.RequireOpen();
        var c = await OpenCampaignAsync(sitting.CampaignId, ct);
        var list = grades ?? [];
        if (list.Count == 0) throw new FieldException("grades", "测评票没有评价。 The ballot grades nothing.");
        if (list.Count > 2000) throw new FieldException("grades", "一张测评票最多 2000 项。 At most 2,000 grades a ballot.");
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i]?.SectionId is null) throw new FieldException($"grades[{i}].sectionId", "缺少科室。 The section is missing.");
            RequireGrade(list[i].Grade, $"grades[{i}]");
        }
        var sections = list.Select(g => g.SectionId!.Value).ToList();
        if (sections.Distinct().Count() != sections.Count) throw new FieldException("grades", "同一科室在一张票上只能评一次。 A ballot grades a section once.");
        await RequireSectionsAsync(c.Id, sections, ct);
        if (await db.SittingBallots.AnyAsync(b => b.SittingId == sittingId && b.BallotKey == key, ct))
            throw new DomainRuleException("EV-2", "本测评票已提交，不能重复提交。 This ballot was already handed in.", 409);
        var now = time.GetUtcNow().UtcDateTime;
        db.SittingBallots.Add(new SittingBallot(sittingId, key, list.Count, now));
        foreach (var g in list)
            db.Evaluations.Add(new Evaluation(c.Id, g.SectionId!.Value, EvaluationMethod.Concentrated, g.Grade!.Value, source, sitting.HeldOn, by, now, sittingId: sittingId));
        db.Audit(new AuditEvent("sitting.ballot", nameof(EvaluationSitting), sittingId.ToString(), null, $"{source} grades {list.Count}"));
        if (codeId is { } cid)
            db.Audit(new AuditEvent("sitting.code.use", nameof(SittingCode), cid.ToString(), null, $"sitting {sittingId}"));
        async Task ClaimSittingAndCode()
        {
            // The sitting's row first (a switch to codes, an issue or a revocation claims it too), then the code.
            await ClaimSittingAsync(db, sittingId, codeless, ct, countBallot: true);
            if (codeId is not { } id) return;
            // Decision 028: the code is used by a conditional update in the ballot's transaction: of two ballots with the same
            // code at once (or a ballot and the code's revocation), one sets UsedAt, the other changes nothing and is refused
            // with nothing stored. Its ballot key ("code:" and the code's id) is also the ballot's primary key, a second guard.
            var used = await db.SittingCodes.Where(x => x.Id == id && x.UsedAt == null && x.RevokedAt == null).ExecuteUpdateAsync(u => u.SetProperty(x => x.UsedAt, now), ct);
            if (used == 0)
            {
                var revoked = await db.SittingCodes.AsNoTracking().Where(x => x.Id == id).Select(x => x.RevokedAt).FirstAsync(ct);
                throw revoked is not null ? CodeRevoked() : CodeUsed();
            }
        }
        try { await SaveWhileOpenAsync(db, c.Id, ct, ClaimSittingAndCode); }
        catch (DbUpdateException)
        {
            // Two phones with the same key at once: the primary key of the ballot decides.
            throw new DomainRuleException("EV-2", "本测评票已提交，不能重复提交。 This ballot was already handed in.", 409);
        }
        return new BallotReceipt(list.Count);
    }

    /// <summary>
    /// EV-2, decision 012: one inspection evaluation per accepted visit (open, or covert once its findings were sent, INS-9) of a
    /// campaign section in the period; its grade from the visit's overall score (INS-11 step 7), else from its confirmed findings.
    /// Idempotent: a visit counts once per campaign. A visit graded by its findings is taken once none of them awaits the
    /// Office's decision.
    /// </summary>
    public async Task<int> TakeVisitsAsync(EvaluationCampaign c, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(c);
        var id = c.Id;
        var (first, last) = (c.PeriodFrom, c.PeriodTo);
        var visits = await (from v in db.Visits.AsNoTracking()
                            join cs in db.CampaignSections.Where(x => x.CampaignId == id) on v.SectionId equals cs.SectionId
                            where v.Status == VisitStatus.Accepted && v.VisitedOn != null && v.VisitedOn >= first && v.VisitedOn <= last
                                  && (v.Kind == InspectionKind.Open || v.FindingsSentAt != null)
                                  && !db.Set<Evaluation>().Any(e => e.CampaignId == id && e.VisitId == v.Id)
                            orderby v.VisitedOn, v.Id
                            select new { v.Id, v.SectionId, On = v.VisitedOn!.Value }).Take(100_000).ToListAsync(ct);
        if (visits.Count == 0) return 0;
        var ids = visits.Select(v => v.Id).ToList();
        var scores = await db.Set<VisitProtocolRecord>().AsNoTracking().Where(p => ids.Contains(p.VisitId) && p.OverallScore != null)
            .ToDictionaryAsync(p => p.VisitId, p => p.OverallScore!.Value, ct);
        var findings = await db.Findings.AsNoTracking().Where(f => ids.Contains(f.VisitId) && f.Status == FindingStatus.Confirmed)
            .GroupBy(f => f.VisitId).Select(g => new { g.Key, N = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.N, ct);
        // A visit graded by its findings waits until the Office has confirmed or dropped each one (RCT-1): taken now, its
        // grade would be fixed without them for good (a visit counts once).
        var undecided = (await db.Findings.AsNoTracking().Where(f => ids.Contains(f.VisitId) && f.Status == FindingStatus.Recorded)
            .Select(f => f.VisitId).Distinct().ToListAsync(ct)).ToHashSet();
        var scale = c.Rules.Scale;
        var now = time.GetUtcNow().UtcDateTime;
        var taken = 0;
        foreach (var v in visits)
        {
            if (!scores.ContainsKey(v.Id) && undecided.Contains(v.Id)) continue;
            taken++;
            var grade = scores.TryGetValue(v.Id, out var s) ? scale.GradeOf(s) : VisitGrade.FromFindings(findings.GetValueOrDefault(v.Id));
            db.Evaluations.Add(new Evaluation(id, v.SectionId, EvaluationMethod.Inspection, grade, EvaluationSource.Visit, v.On, "system", now, visitId: v.Id,
                note: scores.ContainsKey(v.Id) ? $"整体评分 {s.ToString("0.##", CultureInfo.InvariantCulture)}" : $"确认问题 {findings.GetValueOrDefault(v.Id)} 个"));
        }
        return taken;
    }

    /// <summary>EV-12: the evaluations behind a section's figure, by method and grade (latest first, at most 1,000).</summary>
    public async Task<List<EvaluationLine>> ListAsync(Guid campaignId, Guid sectionId, EvaluationMethod? method, Grade? grade, CancellationToken ct)
    {
        var q = db.Evaluations.AsNoTracking().Where(e => e.CampaignId == campaignId && e.SectionId == sectionId);
        if (method is { } m) q = q.Where(e => e.Method == m);
        if (grade is { } g) q = q.Where(e => e.Grade == g);
        var rows = await q.OrderByDescending(e => e.Id).Take(1000)
            .Select(e => new EvaluationLine(e.Id, e.SectionId, e.Method, e.Grade, e.Source, e.On, e.SittingId, e.VisitId, e.Note, e.By, e.At)).ToListAsync(ct);
        // Who filed a form stays with the Office; a representative's name is never recorded (anonymous sittings).
        return rows;
    }
}
