using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Mingcha.Web.Features.Inspections;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.Web.Features.Rectification;

/// <summary>The rectification tables (schema script 0008_rectification.sql).</summary>
public static class RectificationModel
{
    private static void Enum<T, TEnum>(EntityTypeBuilder<T> e, System.Linq.Expressions.Expression<Func<T, TEnum>> p) where T : class where TEnum : struct, System.Enum =>
        e.Property(p).HasConversion<string>().HasMaxLength(32);

    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<RectificationNotice>(e =>
        {
            // Optimistic concurrency (migration 0039, decision 029; existing rows 0): see RectificationNotice.Version.
            e.Property(n => n.Version).IsConcurrencyToken().HasDefaultValue(0);
            Enum(e, n => n.Status);
            Enum(e, n => n.Stage);
            e.HasIndex(n => new { n.UnitId, n.Year });
            e.HasIndex(n => new { n.Status, n.LastDay });
            e.Property(n => n.SupervisedReturns).HasDefaultValue(0); // added by migration 0031 to existing rows
            e.Property(n => n.AnsweredLate).HasDefaultValue(false); // added by migration 0032 to existing rows
            e.Property(n => n.ObjectionDecided).HasDefaultValue(false); // added by migration 0044 to existing rows
            e.Property(n => n.Title).HasMaxLength(200);
            e.Property(n => n.RequiredAction).HasMaxLength(4000);
            e.Property(n => n.DocumentNumber).HasMaxLength(64);
            e.Property(n => n.IssuedBy).HasMaxLength(450);
            e.Property(n => n.ClosedBy).HasMaxLength(450);
            e.Property(n => n.CloseNote).HasMaxLength(2000);
            e.HasOne<Unit>().WithMany().HasForeignKey(n => n.UnitId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(n => n.Findings).WithOne().HasForeignKey(f => f.NoticeId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<NoticeFinding>(e =>
        {
            e.HasKey(f => new { f.NoticeId, f.FindingId });
            e.HasIndex(f => f.FindingId);
            e.HasOne<Finding>().WithMany().HasForeignKey(f => f.FindingId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<FindingClaim>(e =>
        {
            e.HasKey(c => c.FindingId);
            e.HasIndex(c => c.NoticeId);
        });
        builder.Entity<ChannelProblem>(e =>
        {
            Enum(e, p => p.Channel);
            e.HasIndex(p => new { p.UnitId, p.Year });
            e.HasIndex(p => p.NoticeId);
            e.Property(p => p.Description).HasMaxLength(2000);
            e.Property(p => p.RecordedBy).HasMaxLength(450);
            e.HasOne<Unit>().WithMany().HasForeignKey(p => p.UnitId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Section>().WithMany().HasForeignKey(p => p.SectionId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<RectificationNotice>().WithMany().HasForeignKey(p => p.NoticeId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<NoticeObjection>(e =>
        {
            // Optimistic concurrency (migration 0039, decision 029; existing rows 0): see RectificationNotice.Version.
            e.Property(o => o.Version).IsConcurrencyToken().HasDefaultValue(0);
            e.HasIndex(o => o.NoticeId);
            e.Property(o => o.Grounds).HasMaxLength(4000);
            e.Property(o => o.EvidenceItemIds).HasMaxLength(4000);
            e.Property(o => o.FiledBy).HasMaxLength(450);
            e.Property(o => o.DecisionReason).HasMaxLength(2000);
            e.Property(o => o.DecidedBy).HasMaxLength(450);
            e.HasOne<RectificationNotice>().WithMany().HasForeignKey(o => o.NoticeId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<NoticeResponse>(e =>
        {
            // Optimistic concurrency (migration 0039, decision 029; existing rows 0): see RectificationNotice.Version.
            e.Property(o => o.Version).IsConcurrencyToken().HasDefaultValue(0);
            e.HasIndex(o => o.NoticeId);
            e.Property(o => o.Actions).HasMaxLength(4000);
            e.Property(o => o.Measures).HasMaxLength(4000);
            e.Property(o => o.EvidenceItemIds).HasMaxLength(4000);
            e.Property(o => o.FiledBy).HasMaxLength(450);
            e.Property(o => o.VerificationNote).HasMaxLength(2000);
            e.Property(o => o.VerifiedBy).HasMaxLength(450);
            e.HasOne<RectificationNotice>().WithMany().HasForeignKey(o => o.NoticeId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<NoticeEscalation>(e =>
        {
            Enum(e, x => x.Kind);
            Enum(e, x => x.Stage);
            // A rung is reached once: two instances, or a re-run of the night, never escalate a notice twice.
            e.HasIndex(x => new { x.NoticeId, x.Kind, x.Stage }).IsUnique();
            e.Property(x => x.Reason).HasMaxLength(2000);
            e.Property(x => x.By).HasMaxLength(450);
            e.HasOne<RectificationNotice>().WithMany().HasForeignKey(x => x.NoticeId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<DeductionLedgerLine>(e =>
        {
            Enum(e, l => l.Source);
            e.HasIndex(l => new { l.UnitId, l.Year });
            e.HasIndex(l => l.At);
            e.HasIndex(l => l.FindingId);
            e.HasIndex(l => l.NoticeId);
            // A line is reversed at most once.
            e.HasIndex(l => l.ReversesId).IsUnique();
            e.HasIndex(l => l.OpenDeductionId, "UX_DeductionLedger_OpenDeductionId").IsUnique();
            e.Property(l => l.Points).HasPrecision(9, 2);
            e.Property(l => l.Basis).HasMaxLength(32);
            e.Property(l => l.Description).HasMaxLength(2000);
            e.Property(l => l.By).HasMaxLength(450);
            e.HasOne<Unit>().WithMany().HasForeignKey(l => l.UnitId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<RectificationOutcome>(e =>
        {
            Enum(e, o => o.Kind);
            Enum(e, o => o.Measure);
            e.HasIndex(o => new { o.Year, o.UnitId });
            e.HasIndex(o => o.PublishedAt);
            e.Property(o => o.Version).IsConcurrencyToken().HasDefaultValue(0); // migration 0049 (decision 038); existing rows 0
            e.Property(o => o.PersonName).HasMaxLength(100);
            e.Property(o => o.Title).HasMaxLength(200);
            e.Property(o => o.Text).HasMaxLength(20000);
            e.Property(o => o.DocumentNumber).HasMaxLength(64);
            e.Property(o => o.EvidenceCaseIds).HasMaxLength(4000);
            e.Property(o => o.By).HasMaxLength(450);
            e.HasMany(o => o.Findings).WithOne().HasForeignKey(f => f.OutcomeId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(o => o.Problems).WithOne().HasForeignKey(f => f.OutcomeId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(o => new { o.ResultCampaignId, o.ResultSectionId });
        });
        builder.Entity<OutcomeProblem>(e =>
        {
            e.HasKey(f => new { f.OutcomeId, f.ProblemId });
            e.HasIndex(f => f.ProblemId);
            e.HasOne<ChannelProblem>().WithMany().HasForeignKey(f => f.ProblemId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<OutcomeFinding>(e =>
        {
            e.HasKey(f => new { f.OutcomeId, f.FindingId });
            e.HasIndex(f => f.FindingId);
            e.HasOne<Finding>().WithMany().HasForeignKey(f => f.FindingId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<OutboundMessage>(e =>
        {
            e.HasIndex(m => m.DedupKey).IsUnique();
            e.HasIndex(m => new { m.SentAt, m.CreatedAt });
            e.Property(m => m.Channel).HasMaxLength(16);
            e.Property(m => m.Recipient).HasMaxLength(256);
            e.Property(m => m.Subject).HasMaxLength(300);
            e.Property(m => m.Body).HasMaxLength(8000);
            e.Property(m => m.DedupKey).HasMaxLength(300);
            e.Property(m => m.LastError).HasMaxLength(1000);
        });
    }
}
