using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Evidence;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;

namespace Mingcha.Web.Features.Evidence;

/// <summary>
/// The use cases on evidence cases: open one, give an inspector access, release it to the unit, place and lift
/// holds. The contract for other modules (the inspections module opens a case per covert visit and releases it
/// when the findings are sent).
/// </summary>
public sealed class EvidenceCases(MingchaDb db, TimeProvider time)
{
    public sealed record OpenCase(EvidenceCaseKind Kind, string Title, Guid? TargetUnitId, Guid? TeamId, string? ReferenceType = null, Guid? ReferenceId = null);

    public async Task<EvidenceCase> OpenAsync(OpenCase request, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var title = (request.Title ?? "").Trim();
        if (title.Length is 0 or > 200)
            throw new DomainRuleException("EVD-3", "案卷名称必填，最长 200 字。 A case needs a title of at most 200 characters.", 400);
        if (request.TargetUnitId is { } unit && !await db.Units.AnyAsync(u => u.Id == unit, ct))
            throw new DomainRuleException("EVD-3", "被查单位不存在。 The target unit does not exist.", 422);
        if (request.TeamId is { } team && !await db.Teams.AnyAsync(t => t.Id == team, ct))
            throw new DomainRuleException("EVD-3", "督查组不存在。 The team does not exist.", 422);
        var @case = new EvidenceCase(request.Kind, title, request.TargetUnitId, request.TeamId, request.ReferenceType, request.ReferenceId,
            by.UserId() ?? "", time.GetUtcNow().UtcDateTime);
        db.EvidenceCases.Add(@case);
        await db.SaveChangesAsync(ct);
        return @case;
    }

    /// <summary>The roles whose accounts carry out visits (SEC-1): a team's supervisors and an agency's covert inspectors.</summary>
    public static readonly IReadOnlyList<string> InspectingRoles = [Roles.Supervisor, Roles.AgencyInspector];

    /// <summary>
    /// EVD-3, SEC-2: gives an account (or a device token, <c>token:{id}</c>) the case's evidence. Only an account that
    /// carries out inspections may be given it, and never one of the unit under inspection: its liaison would otherwise
    /// see a covert visit before its findings are sent.
    /// </summary>
    public async Task AssignInspectorAsync(Guid caseId, string userId, ClaimsPrincipal by, CancellationToken ct)
    {
        var @case = await LoadAsync(caseId, ct);
        userId ??= "";
        var isToken = userId.StartsWith("token:", StringComparison.Ordinal);
        Guid? accountUnit;
        if (isToken)
        {
            if (!Guid.TryParse(userId["token:".Length..], out var tokenId)
                || await db.ApiTokens.AsNoTracking().Where(t => t.Id == tokenId).Select(t => new { t.UnitId }).FirstOrDefaultAsync(ct) is not { } token)
                throw new FieldException("userId", "令牌不存在。 No such device token.");
            accountUnit = token.UnitId;
        }
        else
        {
            var user = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.UnitId }).FirstOrDefaultAsync(ct)
                ?? throw new DomainRuleException("EVD-3", "用户不存在。 No such user.", 422);
            accountUnit = user.UnitId;
        }
        if (accountUnit is { } unit && unit == @case.TargetUnitId)
            throw new DomainRuleException("SEC-2", "被查单位的账号不能被指派查看本案卷的证据。 An account of the unit under inspection cannot be given the case's evidence (SEC-2, EVD-3).", 409);
        // The roles the account acts as: a liaison's stored supervisor role does not count (decision 034).
        if (!isToken && !(await Identity.WithheldRoles.EffectiveRolesAsync(db, userId, ct)).Any(InspectingRoles.Contains))
            throw new DomainRuleException("EVD-3", "只有监督员或第三方暗访员可被指派查看案卷证据。 Only a supervisor or an agency inspector can be given a case's evidence (EVD-3).", 409);
        var existing = await db.EvidenceCaseInspectors.FirstOrDefaultAsync(i => i.CaseId == caseId && i.UserId == userId, ct);
        if (existing is { WithdrawnAt: null }) return;
        if (existing is not null) existing.Reinstate(by.UserId() ?? "", time.GetUtcNow().UtcDateTime);
        else db.EvidenceCaseInspectors.Add(new EvidenceCaseInspector(caseId, userId, by.UserId() ?? "", time.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// EVD-3: the case's access is withdrawn from the users named, or from all but <paramref name="keep"/> when
    /// <paramref name="userIds"/> is null (a visit's people replaced). Kept on the row, audited; the caller saves.
    /// </summary>
    public async Task WithdrawInspectorsAsync(Guid caseId, IReadOnlyCollection<string>? userIds, IReadOnlyCollection<string> keep, ClaimsPrincipal by, CancellationToken ct)
    {
        var rows = await db.EvidenceCaseInspectors.Where(i => i.CaseId == caseId && i.WithdrawnAt == null).ToListAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var row in rows.Where(r => (userIds is null || userIds.Contains(r.UserId)) && !keep.Contains(r.UserId)))
            row.Withdraw(by.UserId() ?? "", now);
    }

    /// <summary>EVD-3: the findings were sent; the target unit's liaisons may now see the evidence.</summary>
    public async Task ReleaseAsync(Guid caseId, ClaimsPrincipal by, CancellationToken ct)
    {
        var @case = await LoadAsync(caseId, ct);
        Release(@case, by);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// EVD-3: the Office releases a case by hand (page, API). Not a covert visit's: that case opens to the unit when the
    /// visit's findings are sent (INS-9), and released earlier it would tell the unit of a visit whose findings are not out.
    /// </summary>
    public async Task ReleaseByHandAsync(Guid caseId, ClaimsPrincipal by, CancellationToken ct)
    {
        var @case = await LoadAsync(caseId, ct);
        if (EvidenceCase.ReleasedWithFindings(@case.Kind, @case.ReferenceType))
            throw new DomainRuleException("EVD-3", "暗访案卷在查实问题送达被查单位时自动公开，不能提前公开 (INS-9)。 A covert visit's case opens to the unit when its findings are sent, not before.", 409);
        Release(@case, by);
        await db.SaveChangesAsync(ct);
    }

    private void Release(EvidenceCase @case, ClaimsPrincipal by) =>
        @case.ReleaseToUnit(by.UserId() ?? "", time.GetUtcNow().UtcDateTime);

    public async Task<EvidenceHold> PlaceHoldAsync(Guid caseId, EvidenceHoldReason reason, string? note, ClaimsPrincipal by, CancellationToken ct)
    {
        await LoadAsync(caseId, ct);
        var hold = new EvidenceHold(caseId, reason, note is { Length: > 500 } ? note[..500] : note, by.UserId() ?? "", time.GetUtcNow().UtcDateTime);
        db.EvidenceHolds.Add(hold);
        await db.SaveChangesAsync(ct);
        return hold;
    }

    public async Task LiftHoldAsync(Guid caseId, Guid holdId, ClaimsPrincipal by, CancellationToken ct)
    {
        var hold = await db.EvidenceHolds.FirstOrDefaultAsync(h => h.Id == holdId && h.CaseId == caseId, ct)
            ?? throw new NotFoundException("保全记录不存在。 No such hold.");
        hold.Lift(by.UserId() ?? "", time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>EVD-1: when an item's retention ends (null while a hold applies).</summary>
    public async Task<DateTime?> RetainUntilAsync(EvidenceItem item, CancellationToken ct)
    {
        var holds = await db.EvidenceHolds.AsNoTracking().Where(h => h.CaseId == item.CaseId).ToListAsync(ct);
        return EvidenceRetention.RetainUntil(EvidenceRetention.CountsFrom(item.CapturedAt, item.UploadStartedAt), holds.Select(h => h.AsRetentionHold()));
    }

    private async Task<EvidenceCase> LoadAsync(Guid caseId, CancellationToken ct) =>
        await db.EvidenceCases.FirstOrDefaultAsync(c => c.Id == caseId, ct) ?? throw EvidenceAccessService.NotFound();
}

/// <summary>
/// EVD-1: the only way a stored file ever goes: an office administrator's recorded decision, after the retention
/// of every record that uses the file has ended and no hold applies. The blob row stays, marked purged.
/// </summary>
public sealed class EvidencePurge(MingchaDb db, IEvidenceStore store, TimeProvider time, ILogger<EvidencePurge> logger)
{
    /// <summary>
    /// Records the purge and only then deletes the file. The check of retention and holds, and the record, are one
    /// transaction that every other evidence writer waits for (PostgreSQL: the evidence chain and audit chain locks, taken
    /// in the order the intake takes them; SQLite: BEGIN IMMEDIATE), so a hold placed or a record added meanwhile is seen,
    /// and of two purges at once one records it and the other is told it was done (409), never a 500. Should the deletion
    /// fail after the commit, the file is a pending deletion: the verifier lists it and any later purge call finishes it.
    /// </summary>
    public async Task PurgeAsync(string sha256, string decision, ClaimsPrincipal by, CancellationToken ct)
    {
        decision = (decision ?? "").Trim();
        if (decision.Length is < 4 or > 500)
            throw new DomainRuleException("EVD-1", "清除须注明效能办的决定（文号与理由）。 A purge needs the office decision (reference and reason).", 400);
        DateTime? alreadyPurgedAt;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            if (db.IsPostgres)
            {
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({EvidenceIntake.EvidenceChainLockKey})", ct);
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({MingchaDb.AuditChainLockKey})", ct);
            }
            var blob = await db.EvidenceBlobs.FirstOrDefaultAsync(b => b.Sha256 == sha256, ct) ?? throw new NotFoundException("文件不存在。 No such file.");
            // The records this purge is about: those made since the content was last purged (all of them before any purge).
            // Records of an earlier purge lost their content then; the same bytes handed in later are theirs alone.
            var lastPurge = EvidenceContentPurges.Last(await EvidenceContentPurges.TimesAsync(db, sha256, ct));
            var items = (await db.EvidenceItems.AsNoTracking().Where(i => i.Sha256 == sha256)
                    .Select(i => new { i.CaseId, i.CapturedAt, i.UploadStartedAt, i.UploadedAt }).ToListAsync(ct))
                .Where(i => lastPurge is null || i.UploadedAt >= lastPurge).ToList();
            alreadyPurgedAt = lastPurge is not null && items.Count == 0 ? lastPurge : null;
            if (alreadyPurgedAt is null)
            {
                var now = time.GetUtcNow().UtcDateTime;
                var caseIds = items.Select(i => i.CaseId).Distinct().ToList();
                var holds = await db.EvidenceHolds.AsNoTracking().Where(h => caseIds.Contains(h.CaseId)).ToListAsync(ct);
                foreach (var item in items)
                {
                    var caseHolds = holds.Where(h => h.CaseId == item.CaseId).Select(h => h.AsRetentionHold()).ToList();
                    var from = EvidenceRetention.CountsFrom(item.CapturedAt, item.UploadStartedAt);
                    if (!EvidenceRetention.MayPurge(from, caseHolds, now))
                    {
                        var until = EvidenceRetention.RetainUntil(from, caseHolds);
                        throw new DomainRuleException("EVD-1", until is null
                            ? "证据处于保全中，不得清除。 The evidence is under a hold and cannot be purged."
                            : $"证据保存期至 {until:yyyy-MM-dd}，期满前任何人不得删除。 Retained until {until:yyyy-MM-dd}: nobody may delete it before.");
                    }
                }
                // The first purge is recorded on the blob (never changed afterwards); a later one is a row of its own.
                if (blob.PurgedAt is null) blob.RecordPurge(by.UserId() ?? "", decision, now);
                else db.EvidenceBlobPurges.Add(new EvidenceBlobPurge(sha256, by.UserId() ?? "", decision, now));
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
        }
        // The purge is recorded: now the file goes. A file left over by an earlier purge whose deletion failed goes too.
        try
        {
            await store.PurgeAsync(new PurgeAuthorisation(sha256, decision), ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Amazon.Runtime.AmazonServiceException or HttpRequestException)
        {
            LogDeletionPending(logger, sha256, e.Message, null);
            if (alreadyPurgedAt is null) return; // recorded; the verifier lists the pending deletion, a later call finishes it
        }
        if (alreadyPurgedAt is { } at)
            throw new DomainRuleException("EVD-1", $"该文件已于 {at:yyyy-MM-dd} 保存期满清除。 The file was already purged on {at:yyyy-MM-dd}, at the end of its retention.", 409);
    }

    /// <summary>EVD-1: a purged record's content is gone for good; whoever asks for it is told so (410), not handed an error.</summary>
    public static async Task ThrowIfPurgedAsync(MingchaDb db, EvidenceItem item, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (EvidenceContentPurges.PurgedAtFor(await EvidenceContentPurges.TimesAsync(db, item.Sha256, ct), item.UploadedAt) is { } at) throw Gone(at);
    }

    /// <summary>EVD-1: as above, for the content itself: gone when it was purged and not handed in again since.</summary>
    public static async Task ThrowIfPurgedAsync(MingchaDb db, string sha256, CancellationToken ct)
    {
        if (EvidenceContentPurges.Last(await EvidenceContentPurges.TimesAsync(db, sha256, ct)) is not { } at) return;
        var recorded = await db.EvidenceItems.AsNoTracking().Where(i => i.Sha256 == sha256).Select(i => i.UploadedAt).ToListAsync(ct);
        if (!recorded.Any(r => r >= at)) throw Gone(at);
    }

    public static DomainRuleException Gone(DateTime purgedAt) => new("EVD-1",
        $"该文件已于 {purgedAt:yyyy-MM-dd} 保存期满后依效能办决定清除，内容不再提供；记录仍保留。 The file was purged on {purgedAt:yyyy-MM-dd} at the end of its retention, by an office decision; its record remains.",
        StatusCodes.Status410Gone);

    private static readonly Action<ILogger, string, string, Exception?> LogDeletionPending =
        LoggerMessage.Define<string, string>(LogLevel.Warning, new EventId(1, "EvidencePurgeDeletionPending"),
            "Purge of {Sha256} is recorded but deleting the file failed ({Error}); a later purge call finishes it");
}

/// <summary>
/// EVD-1: the purges of one content, oldest first: the first is recorded on its blob row, every later one (the same bytes
/// handed in again after a purge, and purged in their turn) is an <see cref="EvidenceBlobPurge"/>. A record's content is
/// gone from the first purge made after the record; records made since the last purge are kept, and their file must be in
/// the store again. A record made at the very instant of a purge is after it: no purge can take a record of that instant,
/// whose retention (two years, never counted from before its upload began) has only begun.
/// </summary>
public static class EvidenceContentPurges
{
    public static async Task<Dictionary<string, List<DateTime>>> TimesAsync(MingchaDb db, IReadOnlyCollection<string> shas, CancellationToken ct)
    {
        var first = await db.EvidenceBlobs.AsNoTracking().Where(b => shas.Contains(b.Sha256) && b.PurgedAt != null)
            .Select(b => new { b.Sha256, At = b.PurgedAt!.Value }).ToListAsync(ct);
        var later = await db.EvidenceBlobPurges.AsNoTracking().Where(p => shas.Contains(p.Sha256))
            .Select(p => new { p.Sha256, At = p.PurgedAt }).ToListAsync(ct);
        return first.Concat(later).GroupBy(p => p.Sha256, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(p => p.At).Order().ToList(), StringComparer.Ordinal);
    }

    public static async Task<List<DateTime>> TimesAsync(MingchaDb db, string sha256, CancellationToken ct) =>
        (await TimesAsync(db, [sha256], ct)).GetValueOrDefault(sha256) ?? [];

    /// <summary>When the content of a record made at <paramref name="recordedAt"/> was purged; null while it is kept.</summary>
    public static DateTime? PurgedAtFor(IReadOnlyList<DateTime> purges, DateTime recordedAt)
    {
        ArgumentNullException.ThrowIfNull(purges);
        foreach (var at in purges) if (at > recordedAt) return at;
        return null;
    }

    public static DateTime? Last(IReadOnlyList<DateTime> purges) => purges is { Count: > 0 } ? purges[^1] : null;
}
