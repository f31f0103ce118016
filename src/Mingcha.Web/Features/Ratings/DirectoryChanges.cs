using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.Web.Features.Ratings;

/// <summary>
/// Tells the <see cref="SectionDirectory"/> of this instance, once a change of a window or a person is committed, that
/// its copy is out of date (decision 046): a window moved to another unit rates for the new unit, a closed one takes
/// nothing, a person moved or gone is no longer of the old unit, from the very next request, whichever page, endpoint or
/// import made the change. Other instances hear it from PostgreSQL (a statement trigger's NOTIFY on
/// <see cref="SectionDirectory.PgChannel"/>, migration 0058).
/// A change saved inside a transaction is told when that transaction commits (a reload before would read the old rows
/// and keep them), and not at all when it rolls back.
/// </summary>
public sealed class DirectoryChanges(SectionDirectory directory) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private sealed class Pending;
    private readonly ConditionalWeakTable<DbContext, Pending> _pending = [];

    /// <summary>Whether these entries change what the directory holds: sections and staff members (their versions come with them).</summary>
    public static bool Touches(IEnumerable<Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry> entries) =>
        entries.Any(e => e.Entity is Section or Staff && e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted);

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Note(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Note(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Failed(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Failed(eventData.Context);
        return Task.CompletedTask;
    }

    void IDbTransactionInterceptor.TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(eventData.Context);

    Task IDbTransactionInterceptor.TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken)
    {
        Committed(eventData.Context);
        return Task.CompletedTask;
    }

    void IDbTransactionInterceptor.TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    Task IDbTransactionInterceptor.TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private void Note(DbContext? context)
    {
        if (context is not null && Touches(context.ChangeTracker.Entries())) _pending.AddOrUpdate(context, new Pending());
    }

    // Saved outside a transaction of the caller's: EF committed its own already.
    private void Saved(DbContext? context)
    {
        if (context is not null && context.Database.CurrentTransaction is null) Committed(context);
    }

    private void Failed(DbContext? context)
    {
        if (context is not null && context.Database.CurrentTransaction is null) Forget(context);
    }

    private void Committed(DbContext? context)
    {
        if (context is not null && _pending.Remove(context)) directory.Invalidate();
    }

    private void Forget(DbContext? context)
    {
        if (context is not null) _pending.Remove(context);
    }
}
