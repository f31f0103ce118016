using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.Web.Features.Inspections;

/// <summary>The inspection tables (schema script 0006_inspections.sql).</summary>
public static class InspectionsModel
{
    private static void Enum<T, TEnum>(EntityTypeBuilder<T> e, System.Linq.Expressions.Expression<Func<T, TEnum>> p) where T : class where TEnum : struct, System.Enum =>
        e.Property(p).HasConversion<string>().HasMaxLength(32);


    public static void Configure(ModelBuilder builder)
    {
        // The plan view (INS-10) counts the active sections of each kind; without this index it reads the whole table.
        builder.Entity<Section>().HasIndex(s => new { s.Kind, s.Active });
        builder.Entity<InspectionYearPlan>(e =>
        {
            e.HasIndex(p => p.Year).IsUnique();
            e.Property(p => p.Title).HasMaxLength(200);
            e.Property(p => p.Notes).HasMaxLength(4000);
            e.Property(p => p.OutletSharePercent).HasPrecision(5, 2);
            e.Property(p => p.CreatedBy).HasMaxLength(450);
        });
        builder.Entity<InspectionRound>(e =>
        {
            Enum(e, r => r.Kind);
            Enum(e, r => r.Campaign);
            Enum(e, r => r.Status);
            e.HasIndex(r => new { r.Year, r.Kind });
            e.Property(r => r.Title).HasMaxLength(200);
            e.Property(r => r.Scope).HasMaxLength(4000);
            e.Property(r => r.Focus).HasMaxLength(4000);
            e.Property(r => r.CreatedBy).HasMaxLength(450);
            e.Property(r => r.PlannedBy).HasMaxLength(450);
            // Optimistic concurrency (migration 0048, existing rows 0): see InspectionRound.Version.
            e.Property(r => r.Version).IsConcurrencyToken().HasDefaultValue(0);
            e.HasOne<Agency>().WithMany().HasForeignKey(r => r.AgencyId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(r => r.Teams).WithOne().HasForeignKey(t => t.RoundId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<RoundTeam>(e =>
        {
            e.HasKey(t => new { t.RoundId, t.TeamId });
            e.HasOne<Team>().WithMany().HasForeignKey(t => t.TeamId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<RoundTarget>(e =>
        {
            Enum(e, t => t.Source);
            e.HasIndex(t => new { t.RoundId, t.SectionId }).IsUnique();
            e.HasIndex(t => t.UnitId);
            e.Property(t => t.Reason).HasMaxLength(500);
            e.HasOne<InspectionRound>().WithMany().HasForeignKey(t => t.RoundId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Section>().WithMany().HasForeignKey(t => t.SectionId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<RoundDraw>(e =>
        {
            e.HasIndex(d => d.RoundId);
            e.Property(d => d.Algorithm).HasMaxLength(100);
            e.Property(d => d.InputHash).HasMaxLength(64);
            e.Property(d => d.CreatedBy).HasMaxLength(450);
            e.HasOne<InspectionRound>().WithMany().HasForeignKey(d => d.RoundId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<Visit>(e =>
        {
            Enum(e, v => v.Kind);
            Enum(e, v => v.Status);
            e.HasIndex(v => v.RoundId);
            e.HasIndex(v => v.UnitId);
            e.HasIndex(v => v.SectionId);
            e.HasIndex(v => v.AgencyId);
            // The plan view (INS-10) reads a year's visits by status; the covering index keeps it off the table.
            e.HasIndex(v => new { v.Year, v.Status, v.SectionId, v.VisitedOn });
            e.HasIndex(v => v.TargetId, "UX_Visits_TargetId").IsUnique().HasFilter("\"TargetId\" IS NOT NULL"); // 0040: one visit per target
            e.Property(v => v.DecidedBy).HasMaxLength(450);
            e.Property(v => v.DecisionNote).HasMaxLength(4000);
            e.Property(v => v.JointParticipants).HasMaxLength(Visit.MaxJointParticipants);
            e.Property(v => v.FindingsSentBy).HasMaxLength(450);
            e.Property(v => v.CreatedBy).HasMaxLength(450);
            // Optimistic concurrency (migration 0048, existing rows 0): see Visit.Version.
            e.Property(v => v.Version).IsConcurrencyToken().HasDefaultValue(0);
            e.HasOne<InspectionRound>().WithMany().HasForeignKey(v => v.RoundId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Section>().WithMany().HasForeignKey(v => v.SectionId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(v => v.Inspectors).WithOne().HasForeignKey(i => i.VisitId).OnDelete(DeleteBehavior.Restrict);
            e.Ignore(v => v.IsSecret);
            e.Ignore(v => v.Counts);
        });
        builder.Entity<VisitInspector>(e =>
        {
            e.HasKey(i => new { i.VisitId, i.Kind, i.InspectorId });
            Enum(e, i => i.Kind);
            e.Property(i => i.UserId).HasMaxLength(450);
            e.HasIndex(i => i.UserId);
        });
        builder.Entity<DeductionCatalogue>(e =>
        {
            e.HasIndex(c => c.Year).IsUnique();
            e.Property(c => c.Name).HasMaxLength(200);
            e.Property(c => c.CreatedBy).HasMaxLength(450);
        });
        builder.Entity<DeductionItem>(e =>
        {
            Enum(e, i => i.Group);
            e.HasIndex(i => new { i.CatalogueId, i.Code }).IsUnique();
            e.HasIndex(i => i.Year);
            e.Property(i => i.Code).HasMaxLength(32);
            e.Property(i => i.Name).HasMaxLength(300);
            e.Property(i => i.Points).HasPrecision(6, 2);
            e.Property(i => i.Basis).HasMaxLength(200);
            e.HasOne<DeductionCatalogue>().WithMany().HasForeignKey(i => i.CatalogueId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<Finding>(e =>
        {
            Enum(e, f => f.Group);
            Enum(e, f => f.Status);
            // RCT-1: a review saves only if the finding is still as it was read (WHERE "Status" = the value read): the Office's
            // confirmation and a colleague's drop made at the same moment cannot both be stored (the second gets 409), so no
            // badge is revoked (SAT-5) for a finding that ends up dropped. No column to add: the status is the token.
            e.Property(f => f.Status).IsConcurrencyToken();
            Enum(e, f => f.Confirmation);
            e.HasIndex(f => f.VisitId);
            e.HasIndex(f => new { f.UnitId, f.Year });
            e.HasIndex(f => f.SectionId);
            e.HasIndex(f => f.PreviousFindingId);
            // The plan view (INS-10) counts a year's findings per visit from this index alone.
            e.HasIndex(f => new { f.Year, f.VisitId, f.Status });
            e.Property(f => f.ItemCode).HasMaxLength(32);
            e.Property(f => f.ItemName).HasMaxLength(300);
            e.Property(f => f.Points).HasPrecision(6, 2);
            e.Property(f => f.Description).HasMaxLength(2000);
            e.Property(f => f.RecordedBy).HasMaxLength(450);
            e.Property(f => f.ReviewedBy).HasMaxLength(450);
            e.Property(f => f.DropReason).HasMaxLength(2000);
            e.Property(f => f.ConfirmationBy).HasMaxLength(100);
            e.Property(f => f.ConfirmationNote).HasMaxLength(2000);
            e.HasOne<Visit>().WithMany().HasForeignKey(f => f.VisitId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<DeductionItem>().WithMany().HasForeignKey(f => f.DeductionItemId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Finding>().WithMany().HasForeignKey(f => f.PreviousFindingId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(f => f.Evidence).WithOne().HasForeignKey(x => x.FindingId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<FindingEvidence>(e =>
        {
            e.HasKey(x => new { x.FindingId, x.EvidenceItemId });
            e.HasIndex(x => x.EvidenceItemId);
        });

        builder.Entity<AgencyContract>(e =>
        {
            e.HasIndex(c => c.AgencyId);
            e.Property(c => c.TenderReference).HasMaxLength(100);
            e.Property(c => c.ExpertReview).HasMaxLength(4000);
            e.Property(c => c.TerminationReason).HasMaxLength(2000);
            e.Property(c => c.CreatedBy).HasMaxLength(450);
            e.HasOne<Agency>().WithMany().HasForeignKey(c => c.AgencyId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<AgencyInspector>(e =>
        {
            e.HasIndex(i => i.AgencyId);
            e.HasIndex(i => i.UserId);
            // ORG-4: an account is at most one active inspector, whatever the timing of two registrations (migration 0015).
            e.HasIndex(i => i.UserId, "UX_AgencyInspectors_UserId_Active").IsUnique().HasFilter("\"Active\" = TRUE");
            e.Property(i => i.Name).HasMaxLength(100);
            e.Property(i => i.UserId).HasMaxLength(450);
            e.HasOne<Agency>().WithMany().HasForeignKey(i => i.AgencyId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<AgencyTraining>(e =>
        {
            e.HasIndex(t => t.InspectorId);
            e.Property(t => t.Topic).HasMaxLength(300);
            e.Property(t => t.Hours).HasPrecision(6, 2);
            e.Property(t => t.RecordedBy).HasMaxLength(450);
            e.HasOne<AgencyInspector>().WithMany().HasForeignKey(t => t.InspectorId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<AgencyOpinion>(e =>
        {
            Enum(e, o => o.Subject);
            e.HasIndex(o => new { o.AgencyId, o.Year });
            e.Property(o => o.Text).HasMaxLength(4000);
            e.Property(o => o.Response).HasMaxLength(4000);
            e.Property(o => o.IssuedBy).HasMaxLength(450);
            e.HasOne<Agency>().WithMany().HasForeignKey(o => o.AgencyId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<AgencyAssessment>(e =>
        {
            Enum(e, a => a.Decision);
            e.HasIndex(a => new { a.AgencyId, a.Year }).IsUnique();
            e.Property(a => a.Depth).HasPrecision(8, 4);
            e.Property(a => a.AverageSteps).HasPrecision(6, 2);
            e.Property(a => a.PeakMonthShare).HasPrecision(6, 2);
            e.Property(a => a.Score).HasPrecision(6, 2);
            e.Property(a => a.DecisionNote).HasMaxLength(2000);
            e.Property(a => a.DecidedBy).HasMaxLength(450);
            e.Property(a => a.ComputedBy).HasMaxLength(450);
            // Optimistic concurrency (migration 0050, existing rows 0): see AgencyAssessment.Version.
            e.Property(a => a.Version).IsConcurrencyToken().HasDefaultValue(0);
            e.HasOne<Agency>().WithMany().HasForeignKey(a => a.AgencyId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<DisciplineRules>(e =>
        {
            e.HasIndex(r => r.Version).IsUnique();
            e.Property(r => r.Title).HasMaxLength(200);
            e.Property(r => r.Text).HasMaxLength(8000);
            e.Property(r => r.CreatedBy).HasMaxLength(450);
        });
        builder.Entity<DisciplinePledge>(e =>
        {
            Enum(e, p => p.InspectorKind);
            e.HasIndex(p => new { p.InspectorKind, p.InspectorId, p.RulesId }).IsUnique();
            e.Property(p => p.RecordedBy).HasMaxLength(450);
            e.HasOne<DisciplineRules>().WithMany().HasForeignKey(p => p.RulesId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<ConflictOfInterest>(e =>
        {
            Enum(e, c => c.InspectorKind);
            e.HasIndex(c => new { c.InspectorKind, c.InspectorId });
            e.HasIndex(c => c.UnitId);
            e.Property(c => c.Reason).HasMaxLength(500);
            e.Property(c => c.RecordedBy).HasMaxLength(450);
            e.HasOne<Unit>().WithMany().HasForeignKey(c => c.UnitId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<DisciplineBreach>(e =>
        {
            Enum(e, b => b.InspectorKind);
            Enum(e, b => b.Breach);
            e.HasIndex(b => new { b.InspectorKind, b.InspectorId });
            e.Property(b => b.Description).HasMaxLength(4000);
            e.Property(b => b.ReferredTo).HasMaxLength(200);
            e.Property(b => b.RecordedBy).HasMaxLength(450);
        });
    }
}
