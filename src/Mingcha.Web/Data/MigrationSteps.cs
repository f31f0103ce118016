using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Mingcha.Web.Data;

/// <summary>
/// Changes of data that a schema script needs first and that must be audited like any other change, so they go
/// through the model (IAudited, the hash-chained log) rather than into the script's SQL. Keyed by the version of the
/// script they prepare; <see cref="SchemaMigrator"/> runs one just before its script, and only while the script is
/// not applied. Each step finds nothing to do when run again.
/// </summary>
public static class MigrationSteps
{
    public static readonly IReadOnlyDictionary<int, Func<MingchaDb, CancellationToken, Task>> Before =
        new Dictionary<int, Func<MingchaDb, CancellationToken, Task>>
        {
            [15] = ResolveDoublesAsync,
            [40] = ResolveDoubleVisitsAsync,
            [45] = SupersedeDoubleAwardsAsync,
            [47] = SupersedeDoubleGrievancesAsync,
            [48] = ResolveDoubleSupervisorAccountsAsync,
            [50] = ResolveDoubleCreditCodesAndLeadersAsync,
        };

    /// <summary>
    /// Before 0015's unique indexes: doubles that two requests at the same instant could leave while the rules were
    /// checked only in code. ORG-4: of the active inspectors linked to one account, the oldest keeps the link (it is
    /// the one the account already acted as) and the others lose it. CMP-9: of a unit's open repeat flags, the oldest
    /// stays (new complaints already joined it), the others' complaints move to it and they are merged into it.
    /// </summary>
    /// <remarks>
    /// A step runs against the schema as it was at its script, not as the model now describes it: loading entities
    /// would select columns that later scripts add (0017 added one to RepeatFlags, and a database upgraded from 0014
    /// then failed here). So it reads and writes the columns it needs in SQL, and writes the audit lines the model
    /// would have written for those updates ("update", the entity, its key, the values before and after), in the same
    /// transaction.
    /// </remarks>
    public static async Task ResolveDoublesAsync(MingchaDb db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var now = db.Clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);

        var linked = await db.Database.SqlQuery<InspectorLink>(
            $"""SELECT "Id", "UserId", "CreatedAt" FROM "AgencyInspectors" WHERE "Active" AND "UserId" IS NOT NULL""").ToListAsync(ct);
        foreach (var account in linked.GroupBy(i => i.UserId).Where(g => g.Count() > 1))
            foreach (var later in account.OrderBy(i => i.CreatedAt).ThenBy(i => i.Id).Skip(1))
            {
                await db.Database.ExecuteSqlAsync($"""UPDATE "AgencyInspectors" SET "UserId" = NULL WHERE "Id" = {later.Id}""", ct);
                Updated(db, "AgencyInspector", later.Id, new { UserId = later.UserId }, new { UserId = (string?)null });
            }

        var open = await db.Database.SqlQuery<OpenFlag>(
            $"""SELECT "Id", "UnitId", "RaisedAt" FROM "RepeatFlags" WHERE "FiledAt" IS NULL""").ToListAsync(ct);
        foreach (var unit in open.GroupBy(f => f.UnitId).Where(g => g.Count() > 1))
        {
            var ordered = unit.OrderBy(f => f.RaisedAt).ThenBy(f => f.Id).ToList();
            var kept = ordered[0].Id;
            foreach (var later in ordered.Skip(1))
            {
                var complaints = await db.Database.SqlQuery<Guid>(
                    $"""SELECT "Id" AS "Value" FROM "Complaints" WHERE "RepeatFlagId" = {later.Id} ORDER BY "Id" """).ToListAsync(ct);
                foreach (var complaint in complaints)
                {
                    await db.Database.ExecuteSqlAsync($"""UPDATE "Complaints" SET "RepeatFlagId" = {kept} WHERE "Id" = {complaint}""", ct);
                    Updated(db, "Complaint", complaint, new { RepeatFlagId = later.Id }, new { RepeatFlagId = kept });
                }
                await db.Database.ExecuteSqlAsync(
                    $"""UPDATE "RepeatFlags" SET "FiledAt" = {now}, "FiledBy" = 'system', "MergedIntoId" = {kept} WHERE "Id" = {later.Id}""", ct);
                Updated(db, "RepeatFlag", later.Id, new { FiledAt = (DateTime?)null, FiledBy = (string?)null, MergedIntoId = (Guid?)null },
                    new { FiledAt = (DateTime?)now, FiledBy = "system", MergedIntoId = (Guid?)kept });
            }
        }
        await db.SaveChangesAsync(ct); // the audit lines
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Before 0040's unique index on Visits(TargetId) (INS-5, INS-10): a double click on "schedule visits" could give a
    /// target two visits. The oldest keeps the target; the later ones stay, as records of the round, without it (audited).
    /// </summary>
    public static async Task ResolveDoubleVisitsAsync(MingchaDb db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var visits = await db.Database.SqlQuery<TargetedVisit>(
            $"""SELECT "Id", "TargetId", "CreatedAt" FROM "Visits" WHERE "TargetId" IS NOT NULL""").ToListAsync(ct);
        foreach (var target in visits.GroupBy(v => v.TargetId).Where(g => g.Count() > 1))
            foreach (var later in target.OrderBy(v => v.CreatedAt).ThenBy(v => v.Id).Skip(1))
            {
                await db.Database.ExecuteSqlAsync($"""UPDATE "Visits" SET "TargetId" = NULL WHERE "Id" = {later.Id}""", ct);
                Updated(db, "Visit", later.Id, new { TargetId = (Guid?)later.TargetId }, new { TargetId = (Guid?)null });
            }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    private sealed record TargetedVisit(Guid Id, Guid TargetId, DateTime CreatedAt);

    /// <summary>
    /// Before 0045's unique index on the standing awards (SAT-5, decision 032): a double post stored an award twice.
    /// Awards are never deleted, so of each (year, kind, subject) this keeps the oldest standing and marks the later ones
    /// superseded by it (0042's column), audited, before the index is made. One transaction; run again, it finds nothing
    /// left to mark. Grievance awards (委屈奖) are given for each wrong suffered, several a year possibly: not doubles.
    /// </summary>
    public static async Task SupersedeDoubleAwardsAsync(MingchaDb db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var awards = await db.Database.SqlQuery<StandingAward>(
            $"""SELECT "Id", "Year", "Kind", "SubjectId", "AwardedAt" FROM "IncentiveAwards" WHERE "SupersededById" IS NULL AND "Kind" <> 'Grievance'""").ToListAsync(ct);
        await SupersedeLaterAsync(db, awards.GroupBy(a => (a.Year, a.Kind, a.SubjectId)).Select(g => g.Select(a => (a.Id, a.AwardedAt))), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Of each group of the same award, the oldest stands and the later ones are marked superseded by it, audited.</summary>
    private static async Task SupersedeLaterAsync(MingchaDb db, IEnumerable<IEnumerable<(Guid Id, DateTime AwardedAt)>> groups, CancellationToken ct)
    {
        foreach (var same in groups)
        {
            var ordered = same.OrderBy(a => a.AwardedAt).ThenBy(a => a.Id).ToList();
            var kept = ordered[0].Id;
            foreach (var later in ordered.Skip(1))
            {
                await db.Database.ExecuteSqlAsync($"""UPDATE "IncentiveAwards" SET "SupersededById" = {kept} WHERE "Id" = {later.Id}""", ct);
                Updated(db, "IncentiveAward", later.Id, new { SupersededById = (Guid?)null }, new { SupersededById = (Guid?)kept });
            }
        }
    }

    private sealed record StandingAward(Guid Id, int Year, string Kind, Guid SubjectId, DateTime AwardedAt);

    /// <summary>
    /// Before 0047 (SAT-5, decision 035): the same grievance award (委屈奖) posted twice at once could be stored twice. Of
    /// the standing grievance awards of a year to one person with the same reason (normalised as the new key is), the
    /// oldest stands and the later ones are marked superseded by it, audited, as 0045's step did for the other kinds. The
    /// awards of different reasons are different wrongs and all stand. 0047's index leaves these older awards out anyway
    /// (they have no key), so this only keeps a double from being listed twice. Run again, it finds nothing to mark.
    /// </summary>
    public static async Task SupersedeDoubleGrievancesAsync(MingchaDb db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var awards = await db.Database.SqlQuery<StandingGrievance>(
            $"""SELECT "Id", "Year", "SubjectId", "Reason", "AwardedAt" FROM "IncentiveAwards" WHERE "SupersededById" IS NULL AND "Kind" = 'Grievance'""").ToListAsync(ct);
        await SupersedeLaterAsync(db, awards.GroupBy(a => (a.Year, a.SubjectId, Features.Ratings.IncentiveAward.Normalise(a.Reason)))
            .Select(g => g.Select(a => (a.Id, a.AwardedAt))), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    private sealed record StandingGrievance(Guid Id, int Year, Guid SubjectId, string Reason, DateTime AwardedAt);

    /// <summary>
    /// Before 0048's unique index on Supervisors(UserId) (ORG-3): two links of one account made at the same moment could
    /// both be stored. Of the supervisors linked to one account, the first approved (then the oldest record) keeps the
    /// link and the others lose it, audited, as 0015's step did for agency inspectors. Run again, it finds nothing to do.
    /// </summary>
    public static async Task ResolveDoubleSupervisorAccountsAsync(MingchaDb db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var linked = await db.Database.SqlQuery<SupervisorLink>(
            $"""SELECT "Id", "UserId", "ApprovedAt" FROM "Supervisors" WHERE "UserId" IS NOT NULL""").ToListAsync(ct);
        foreach (var account in linked.GroupBy(s => s.UserId).Where(g => g.Count() > 1))
            foreach (var later in account.OrderBy(s => s.ApprovedAt ?? DateTime.MaxValue).ThenBy(s => s.Id).Skip(1))
            {
                await db.Database.ExecuteSqlAsync($"""UPDATE "Supervisors" SET "UserId" = NULL WHERE "Id" = {later.Id}""", ct);
                Updated(db, "Supervisor", later.Id, new { UserId = later.UserId }, new { UserId = (string?)null });
            }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    private sealed record SupervisorLink(Guid Id, string UserId, DateTime? ApprovedAt);

    /// <summary>
    /// Before 0050's unique indexes (decision 039). ORG-1: two units created at the same moment with one credit code could
    /// both be stored; of the units with one code, the oldest (then the smallest id) keeps it and the others lose it, so
    /// the Office can give each its own code again (the import sets it). INS-8: two designations of one account as its
    /// unit's leader could both be in force; the oldest stays and the later ones are withdrawn by "system" (the rows stay,
    /// SEC-3). Audited; run again, it finds nothing to do.
    /// </summary>
    public static async Task ResolveDoubleCreditCodesAndLeadersAsync(MingchaDb db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var now = db.Clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var coded = await db.Database.SqlQuery<CodedUnit>(
            $"""SELECT "Id", "CreditCode", "CreatedAt" FROM "Units" WHERE "CreditCode" IS NOT NULL""").ToListAsync(ct);
        foreach (var code in coded.GroupBy(u => u.CreditCode, StringComparer.Ordinal).Where(g => g.Count() > 1))
            foreach (var later in code.OrderBy(u => u.CreatedAt).ThenBy(u => u.Id).Skip(1))
            {
                await db.Database.ExecuteSqlAsync($"""UPDATE "Units" SET "CreditCode" = NULL WHERE "Id" = {later.Id}""", ct);
                Updated(db, "Unit", later.Id, new { CreditCode = later.CreditCode }, new { CreditCode = (string?)null });
            }
        var designations = await db.Database.SqlQuery<LeaderDesignation>(
            $"""SELECT "Id", "UserId", "DesignatedAt" FROM "UnitLeaders" WHERE "WithdrawnAt" IS NULL""").ToListAsync(ct);
        foreach (var account in designations.GroupBy(l => l.UserId, StringComparer.Ordinal).Where(g => g.Count() > 1))
            foreach (var later in account.OrderBy(l => l.DesignatedAt).ThenBy(l => l.Id).Skip(1))
            {
                await db.Database.ExecuteSqlAsync($"""UPDATE "UnitLeaders" SET "WithdrawnBy" = 'system', "WithdrawnAt" = {now} WHERE "Id" = {later.Id}""", ct);
                Updated(db, "UnitLeader", later.Id, new { WithdrawnBy = (string?)null, WithdrawnAt = (DateTime?)null },
                    new { WithdrawnBy = "system", WithdrawnAt = (DateTime?)now });
            }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    private sealed record CodedUnit(Guid Id, string CreditCode, DateTime CreatedAt);

    private sealed record LeaderDesignation(Guid Id, string UserId, DateTime DesignatedAt);

    private static void Updated(MingchaDb db, string entity, Guid key, object before, object after) =>
        db.Audit(new Features.Audit.AuditEvent("update", entity, key.ToString(), JsonSerializer.Serialize(before), JsonSerializer.Serialize(after)));

    private sealed record InspectorLink(Guid Id, string UserId, DateTime CreatedAt);

    private sealed record OpenFlag(Guid Id, Guid UnitId, DateTime RaisedAt);
}
