using Microsoft.EntityFrameworkCore;

namespace Mingcha.Web.Features.Evidence;

/// <summary>The evidence tables (schema script 0003_evidence.sql, which also adds the append-only triggers).</summary>
public static class EvidenceModel
{
    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<EvidenceCase>(e =>
        {
            e.Property(c => c.Kind).HasConversion<string>().HasMaxLength(32);
            e.Property(c => c.Title).HasMaxLength(200);
            e.Property(c => c.ReferenceType).HasMaxLength(64);
            e.Property(c => c.CreatedBy).HasMaxLength(450);
            e.Property(c => c.ReleasedBy).HasMaxLength(450);
            // Optimistic concurrency (migration 0048, existing rows 0): see EvidenceCase.Version.
            e.Property(c => c.Version).IsConcurrencyToken().HasDefaultValue(0);
            e.HasIndex(c => c.TargetUnitId);
            e.HasIndex(c => new { c.ReferenceType, c.ReferenceId });
            e.Ignore(c => c.Facts);
        });
        builder.Entity<EvidenceCaseInspector>(e =>
        {
            e.HasKey(i => new { i.CaseId, i.UserId });
            e.Property(i => i.UserId).HasMaxLength(450);
            e.Property(i => i.AssignedBy).HasMaxLength(450);
            e.Property(i => i.WithdrawnBy).HasMaxLength(450);
            e.HasIndex(i => i.UserId);
            e.HasOne<EvidenceCase>().WithMany().HasForeignKey(i => i.CaseId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<EvidenceHold>(e =>
        {
            e.Property(h => h.Reason).HasConversion<string>().HasMaxLength(32);
            e.Property(h => h.Note).HasMaxLength(500);
            e.Property(h => h.PlacedBy).HasMaxLength(450);
            e.Property(h => h.LiftedBy).HasMaxLength(450);
            e.Property(h => h.Version).IsConcurrencyToken().HasDefaultValue(0); // migration 0048; existing rows 0
            e.HasIndex(h => h.CaseId);
            e.HasOne<EvidenceCase>().WithMany().HasForeignKey(h => h.CaseId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<EvidenceBlob>(e =>
        {
            e.HasKey(b => b.Sha256);
            e.Property(b => b.Sha256).HasMaxLength(64);
            e.Property(b => b.MediaType).HasMaxLength(100);
            e.Property(b => b.Backend).HasMaxLength(32);
            e.Property(b => b.PurgedBy).HasMaxLength(450);
            e.Property(b => b.PurgeDecision).HasMaxLength(500);
        });
        builder.Entity<EvidenceBlobPurge>(e =>
        {
            e.Property(p => p.Id).ValueGeneratedNever();
            e.Property(p => p.Sha256).HasMaxLength(64);
            e.Property(p => p.PurgedBy).HasMaxLength(450);
            e.Property(p => p.PurgeDecision).HasMaxLength(500);
            e.HasOne<EvidenceBlob>().WithMany().HasForeignKey(p => p.Sha256).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<EvidenceItem>(e =>
        {
            e.Property(i => i.Id).ValueGeneratedNever();
            e.HasIndex(i => i.Seq).IsUnique();
            e.HasIndex(i => new { i.CaseId, i.Sha256 });
            e.HasIndex(i => i.Sha256);
            e.Property(i => i.Sha256).HasMaxLength(64);
            e.Property(i => i.MediaType).HasMaxLength(100);
            e.Property(i => i.FileName).HasMaxLength(255);
            e.Property(i => i.CaptureSource).HasMaxLength(16);
            e.Property(i => i.Location).HasMaxLength(200);
            e.Property(i => i.UploadedBy).HasMaxLength(450);
            e.Property(i => i.UploaderName).HasMaxLength(256);
            e.Property(i => i.PrevHash).HasMaxLength(64);
            e.Property(i => i.Hash).HasMaxLength(64);
            e.HasOne<EvidenceCase>().WithMany().HasForeignKey(i => i.CaseId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<EvidenceBlob>().WithMany().HasForeignKey(i => i.Sha256).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<EvidenceAccess>(e =>
        {
            e.Property(a => a.Id).ValueGeneratedNever();
            e.Property(a => a.Action).HasConversion<string>().HasMaxLength(16);
            e.Property(a => a.Purpose).HasMaxLength(500);
            e.Property(a => a.UserId).HasMaxLength(450);
            e.Property(a => a.UserName).HasMaxLength(256);
            e.Property(a => a.Ip).HasMaxLength(64);
            e.HasIndex(a => new { a.CaseId, a.At });
            e.HasIndex(a => a.ItemId);
            e.Ignore(a => a.Reference);
            e.HasOne<EvidenceCase>().WithMany().HasForeignKey(a => a.CaseId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<EvidenceUpload>(e =>
        {
            e.Property(u => u.Id).ValueGeneratedNever();
            e.Property(u => u.FileName).HasMaxLength(EvidenceUpload.MaxFileNameLength);
            e.Property(u => u.Metadata).HasMaxLength(EvidenceUpload.MaxMetadataLength);
            e.Property(u => u.CreatedBy).HasMaxLength(450);
            e.Property(u => u.CreatedByName).HasMaxLength(256);
            e.Property(u => u.Failure).HasMaxLength(500);
            e.HasIndex(u => u.ExpiresAt);
            e.HasOne<EvidenceCase>().WithMany().HasForeignKey(u => u.CaseId).OnDelete(DeleteBehavior.Restrict);
        });
    }
}
