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
        };

    /// <summary>
    /// Before 0015's unique indexes: doubles that two requests at the same instant could leave while the rules were
    /// checked only in code. ORG-4: of the active inspectors linked to one account, the oldest keeps the link (it is
    /// the one the account already acted as) and the others lose it. CMP-9: of a unit's open repeat flags, the oldest
    /// stays (new complaints already joined it), the others' complaints move to it and they are merged into it.
    /// </summary>
    public static async Task ResolveDoublesAsync(MingchaDb db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var now = db.Clock.GetUtcNow().UtcDateTime;

        var linked = await db.AgencyInspectors.Where(i => i.Active && i.UserId != null).ToListAsync(ct);
        foreach (var account in linked.GroupBy(i => i.UserId).Where(g => g.Count() > 1))
            foreach (var later in account.OrderBy(i => i.CreatedAt).ThenBy(i => i.Id).Skip(1))
                later.LinkAccount(null);

        var open = await db.RepeatFlags.Where(f => f.FiledAt == null).ToListAsync(ct);
        foreach (var unit in open.GroupBy(f => f.UnitId).Where(g => g.Count() > 1))
        {
            var ordered = unit.OrderBy(f => f.RaisedAt).ThenBy(f => f.Id).ToList();
            var kept = ordered[0];
            foreach (var later in ordered.Skip(1))
            {
                var laterId = later.Id;
                foreach (var complaint in await db.Complaints.Where(c => c.RepeatFlagId == laterId).OrderBy(c => c.Id).ToListAsync(ct))
                    complaint.MarkRepeat(kept.Id);
                later.MergeInto(kept, now);
            }
        }
        await db.SaveChangesAsync(ct);
    }
}
