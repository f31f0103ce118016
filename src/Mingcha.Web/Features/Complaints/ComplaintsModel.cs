using Microsoft.EntityFrameworkCore;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.Web.Features.Complaints;

/// <summary>The complaint tables (schema script 0009_complaints.sql).</summary>
public static class ComplaintsModel
{
    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<Complaint>(e =>
        {
            e.Property(c => c.Channel).HasConversion<string>().HasMaxLength(32);
            e.Property(c => c.Kind).HasConversion<string>().HasMaxLength(32);
            e.Property(c => c.Type).HasConversion<string>().HasMaxLength(32);
            e.Property(c => c.Status).HasConversion<string>().HasMaxLength(32);
            e.Property(c => c.NotAcceptedReason).HasConversion<string>().HasMaxLength(64);
            e.HasIndex(c => c.Number).IsUnique();
            e.HasIndex(c => c.QueryCodeHash).IsUnique();
            // A re-sent 12345 ticket is the same complaint (NULLs are distinct on both providers).
            e.HasIndex(c => c.ExternalTicket).IsUnique();
            // The office list (keyset on ReceivedAt, Id), the unit's list, the overdue list, duplicates and repeats.
            // Each list filter has an index that yields rows already in (ReceivedAt, Id) order: no sort of a large set.
            e.HasIndex(c => new { c.ReceivedAt, c.Id });
            e.HasIndex(c => new { c.UnitId, c.Status, c.ReceivedAt, c.Id });
            e.HasIndex(c => new { c.UnitId, c.ReceivedAt, c.Id });
            // The status filter, and the overdue list (Status = Assigned and LastDay before today): LastDay is in the index
            // (0011), so the walk past complaints in hand that are not yet overdue reads no table rows (130 ms → 2.5 ms
            // at a million complaints). SQLite's planner would not pick a partial index for it over this one.
            // No (Status, LastDay) index any more (0011): without statistics SQLite took it for the overdue list and sorted every
            // overdue complaint; the reminders and triggers read the complaints in hand from this one, index only.
            e.HasIndex(c => new { c.Status, c.ReceivedAt, c.Id, c.LastDay });
            // Type and channel filters (trends drill-down, the office list): rows already in page order (0011).
            e.HasIndex(c => new { c.Type, c.ReceivedAt, c.Id });
            e.HasIndex(c => new { c.Channel, c.ReceivedAt, c.Id });
            e.HasIndex(c => new { c.ComplainantKey, c.UnitId, c.MatterKey });
            e.HasIndex(c => new { c.UnitId, c.MatterKey });
            e.Property(c => c.Number).HasMaxLength(32);
            e.Property(c => c.QueryCodeHash).HasMaxLength(64);
            e.Property(c => c.StaffNamed).HasMaxLength(100);
            e.Property(c => c.Matter).HasMaxLength(200);
            e.Property(c => c.MatterKey).HasMaxLength(64);
            e.Property(c => c.Reasons).HasMaxLength(4000);
            e.Property(c => c.EvidenceNote).HasMaxLength(1000);
            e.Property(c => c.ComplainantName).HasMaxLength(100);
            e.Property(c => c.ComplainantPhone).HasMaxLength(32);
            e.Property(c => c.ComplainantIdNumber).HasMaxLength(32);
            e.Property(c => c.ComplainantKey).HasMaxLength(32);
            e.Property(c => c.ExternalTicket).HasMaxLength(64);
            e.Property(c => c.CreatedBy).HasMaxLength(450);
            e.Property(c => c.ExtensionReason).HasMaxLength(2000);
            e.Property(c => c.Answer).HasMaxLength(8000);
            e.Property(c => c.CloseNote).HasMaxLength(2000);
            e.Property(c => c.Accountability).HasMaxLength(2000);
            e.HasOne<Unit>().WithMany().HasForeignKey(c => c.UnitId).OnDelete(DeleteBehavior.Restrict);
            // Optimistic concurrency (migration 0035, existing rows 0): see Complaint.Version.
            e.Property(c => c.Version).IsConcurrencyToken().HasDefaultValue(0);
            // A one-time submission key is one complaint (0035; NULLs are distinct on both providers).
            e.HasIndex(c => c.SubmissionKeyHash).IsUnique();
            e.Property(c => c.SubmissionKeyHash).HasMaxLength(64);
            e.Property(c => c.SubmissionHash).HasMaxLength(64);
        });
        builder.Entity<ComplaintEvent>(e =>
        {
            e.HasIndex(x => new { x.ComplaintId, x.At });
            e.Property(x => x.Kind).HasMaxLength(32);
            e.Property(x => x.Text).HasMaxLength(8000);
            e.Property(x => x.By).HasMaxLength(450);
            e.HasOne<Complaint>().WithMany().HasForeignKey(x => x.ComplaintId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<RepeatFlag>(e =>
        {
            e.Property(x => x.Reason).HasConversion<string>().HasMaxLength(32);
            e.HasIndex(x => new { x.UnitId, x.FiledAt });
            // CMP-9: one open flag per unit, whatever the timing of two assignments (migration 0015).
            e.HasIndex(x => x.UnitId, "UX_RepeatFlags_UnitId_Open").IsUnique().HasFilter("\"FiledAt\" IS NULL");
            e.Property(x => x.Version).IsConcurrencyToken().HasDefaultValue(0); // migration 0049 (decision 038); existing rows 0
            e.Property(x => x.MatterKey).HasMaxLength(64);
            e.Property(x => x.Report).HasMaxLength(8000);
            e.Property(x => x.FiledBy).HasMaxLength(450);
            e.HasOne<Unit>().WithMany().HasForeignKey(x => x.UnitId).OnDelete(DeleteBehavior.Restrict);
        });
    }
}
