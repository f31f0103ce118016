using Microsoft.EntityFrameworkCore;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.Web.Features.Scoring;

/// <summary>The scoring tables (schema script 0010_scoring.sql).</summary>
public static class ScoringModel
{
    private static readonly Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<decimal, string> ExactText = new(
        d => d.ToString(System.Globalization.CultureInfo.InvariantCulture),
        s => decimal.Parse(s, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture));

    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<EvaluationCampaign>(e =>
        {
            e.ToTable("EvaluationCampaigns");
            e.Property(c => c.Name).HasMaxLength(200);
            e.Property(c => c.Status).HasConversion<string>().HasMaxLength(32);
            e.Property(c => c.Policy).HasConversion<string>().HasMaxLength(32);
            foreach (var p in new[] { nameof(EvaluationCampaign.ScaleExcellent), nameof(EvaluationCampaign.ScaleGood), nameof(EvaluationCampaign.ScaleFair),
                nameof(EvaluationCampaign.ScalePoor), nameof(EvaluationCampaign.ScaleBad), nameof(EvaluationCampaign.WeightInstant), nameof(EvaluationCampaign.WeightMonthly),
                nameof(EvaluationCampaign.WeightInspection), nameof(EvaluationCampaign.WeightConcentrated), nameof(EvaluationCampaign.RectificationStart),
                nameof(EvaluationCampaign.DeductLate), nameof(EvaluationCampaign.DeductAfterSupervision), nameof(EvaluationCampaign.DeductRefused), nameof(EvaluationCampaign.Threshold) })
                e.Property<decimal>(p).HasPrecision(9, 4);
            e.Property(c => c.CreatedBy).HasMaxLength(450);
            e.HasIndex(c => c.Year);
        });
        builder.Entity<CampaignSection>(e =>
        {
            e.ToTable("CampaignSections");
            e.HasKey(s => new { s.CampaignId, s.SectionId });
            e.HasIndex(s => s.SectionId);
            e.HasOne<EvaluationCampaign>().WithMany().HasForeignKey(s => s.CampaignId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Section>().WithMany().HasForeignKey(s => s.SectionId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<Evaluation>(e =>
        {
            e.ToTable("Evaluations");
            // Integers, not names: the computation groups a million rows by (section, method, grade) (decision 012).
            e.Property(x => x.Method).HasConversion<int>();
            e.Property(x => x.Grade).HasConversion<int>();
            e.Property(x => x.Source).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.By).HasMaxLength(450);
            e.Property(x => x.Note).HasMaxLength(500);
            e.HasIndex(x => new { x.CampaignId, x.SectionId, x.Method, x.Grade });
            // A visit counts once per campaign (EV-2).
            e.HasIndex(x => new { x.CampaignId, x.VisitId }).IsUnique();
            e.HasIndex(x => x.SittingId);
            e.HasOne<EvaluationCampaign>().WithMany().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<EvaluationSitting>(e =>
        {
            e.ToTable("EvaluationSittings");
            e.Property(s => s.Title).HasMaxLength(200);
            e.Property(s => s.Token).HasMaxLength(64);
            e.HasIndex(s => s.Token).IsUnique();
            e.HasIndex(s => s.CampaignId);
            e.Property(s => s.CreatedBy).HasMaxLength(450);
            // Added by migration 0038: sittings created before keep taking ballots without codes (decision 028).
            e.Property(s => s.RequireCodes).HasDefaultValue(false);
            // Added by migration 0043: the per-sitting count of codes that the issue claims (the 5,000 cap under concurrency).
            e.Property(s => s.CodesIssued).HasDefaultValue(0);
            e.HasOne<EvaluationCampaign>().WithMany().HasForeignKey(s => s.CampaignId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<SittingCode>(e =>
        {
            // Decision 028: one row per one-time ballot code, its hash unique in its sitting.
            e.ToTable("SittingCodes");
            e.HasIndex(c => new { c.SittingId, c.CodeHash }).IsUnique();
            // Migration 0043: the slip's serial, unique in its sitting; revocation of an unused code.
            e.HasIndex(c => new { c.SittingId, c.Serial }).IsUnique();
            e.Property(c => c.Serial).HasDefaultValue(0);
            e.Property(c => c.RevokedBy).HasMaxLength(450);
            e.Property(c => c.CodeHash).HasMaxLength(64);
            e.Property(c => c.Group).HasMaxLength(Mingcha.Domain.Scoring.SittingCodeRules.MaxGroup);
            e.Property(c => c.IssuedBy).HasMaxLength(450);
            e.HasOne<EvaluationSitting>().WithMany().HasForeignKey(c => c.SittingId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<SittingBallot>(e =>
        {
            e.ToTable("SittingBallots");
            e.HasKey(b => new { b.SittingId, b.BallotKey });
            e.Property(b => b.BallotKey).HasMaxLength(64);
            e.HasOne<EvaluationSitting>().WithMany().HasForeignKey(b => b.SittingId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<ScoreComputation>(e =>
        {
            e.ToTable("ScoreComputations");
            e.HasIndex(c => new { c.CampaignId, c.Number }).IsUnique();
            e.Property(c => c.By).HasMaxLength(450);
            e.HasOne<EvaluationCampaign>().WithMany().HasForeignKey(c => c.CampaignId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<ScoreResult>(e =>
        {
            e.ToTable("ScoreResults");
            e.HasKey(r => new { r.ComputationId, r.SectionId });
            e.HasIndex(r => new { r.ComputationId, r.CategoryId, r.Rank });
            e.HasIndex(r => new { r.ComputationId, r.UnitId });
            e.Property(r => r.Counts).HasMaxLength(400);
            e.Property(r => r.Consequence).HasConversion<string>().HasMaxLength(32);
            // Exact decimals as invariant text on both providers: numeric(38,28) pads 28 digits on PostgreSQL and overflows
            // .NET's decimal when read back; text keeps the very value computed, so reproductions compare equal (decision 012).
            e.Property(r => r.Composite).HasConversion(ExactText).HasMaxLength(64);
            e.Property(r => r.Rectification).HasPrecision(9, 4);
            e.Property(r => r.Deducted).HasPrecision(9, 4);
            e.Property(r => r.Total).HasConversion(ExactText).HasMaxLength(64);
            e.HasOne<ScoreComputation>().WithMany().HasForeignKey(r => r.ComputationId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<ResultExplanation>(e =>
        {
            // EV-8: one written explanation per campaign and section; its steps are append-only (0012_explanations.sql's triggers).
            e.ToTable("ResultExplanations");
            e.HasIndex(x => new { x.CampaignId, x.SectionId }).IsUnique();
            e.HasIndex(x => x.UnitId);
            e.Property(x => x.Version).IsConcurrencyToken().HasDefaultValue(0); // migration 0049 (decision 038); existing rows 0
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Text).HasMaxLength(Mingcha.Domain.Scoring.ExplanationRules.MaxText);
            e.Property(x => x.FiledBy).HasMaxLength(256);
            e.Property(x => x.Reason).HasMaxLength(Mingcha.Domain.Scoring.ExplanationRules.MaxReason);
            e.Property(x => x.ReviewedBy).HasMaxLength(256);
            e.HasOne<EvaluationCampaign>().WithMany().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<ExplanationStep>(e =>
        {
            e.ToTable("ExplanationSteps");
            e.HasIndex(x => x.ExplanationId);
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Text).HasMaxLength(Mingcha.Domain.Scoring.ExplanationRules.MaxText);
            e.Property(x => x.By).HasMaxLength(256);
            e.HasOne<ResultExplanation>().WithMany().HasForeignKey(x => x.ExplanationId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<ScoreProblem>(e =>
        {
            e.ToTable("ScoreProblems");
            e.HasKey(p => new { p.ComputationId, p.NoticeId, p.SectionId, p.FindingId });
            e.HasIndex(p => new { p.ComputationId, p.SectionId });
            e.Property(p => p.Result).HasConversion<string>().HasMaxLength(32);
            e.Property(p => p.Source).HasConversion<string>().HasMaxLength(16);
            e.HasOne<ScoreComputation>().WithMany().HasForeignKey(p => p.ComputationId).OnDelete(DeleteBehavior.Restrict);
        });
    }
}

/// <summary>The scoring sets, without touching MingchaDb's list.</summary>
public static class ScoringSets
{
    extension(MingchaDb db)
    {
        public DbSet<EvaluationCampaign> Campaigns => db.Set<EvaluationCampaign>();
        public DbSet<CampaignSection> CampaignSections => db.Set<CampaignSection>();
        public DbSet<Evaluation> Evaluations => db.Set<Evaluation>();
        public DbSet<EvaluationSitting> Sittings => db.Set<EvaluationSitting>();
        public DbSet<SittingBallot> SittingBallots => db.Set<SittingBallot>();
        public DbSet<SittingCode> SittingCodes => db.Set<SittingCode>();
        public DbSet<ScoreComputation> ScoreComputations => db.Set<ScoreComputation>();
        public DbSet<ScoreResult> ScoreResults => db.Set<ScoreResult>();
        public DbSet<ScoreProblem> ScoreProblems => db.Set<ScoreProblem>();
        public DbSet<ResultExplanation> ResultExplanations => db.Set<ResultExplanation>();
        public DbSet<ExplanationStep> ExplanationSteps => db.Set<ExplanationStep>();
    }
}
