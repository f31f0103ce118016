using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Evidence;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.Web.Features.Inspections;

/// <summary>The tables of the visit protocol, the question bank, open inspections and round reports (schema script 0007_inspection_visits.sql).</summary>
public static class VisitProtocolModel
{
    private static void Enum<T, TEnum>(EntityTypeBuilder<T> e, System.Linq.Expressions.Expression<Func<T, TEnum>> p) where T : class where TEnum : struct, System.Enum =>
        e.Property(p).HasConversion<string>().HasMaxLength(32);

    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<VisitProtocolRecord>(e =>
        {
            e.HasKey(p => p.VisitId);
            e.Property(p => p.Methods).HasMaxLength(300);
            e.Property(p => p.QuestionIds).HasMaxLength(4000);
            e.Property(p => p.OverallScore).HasPrecision(5, 2);
            e.Property(p => p.ScoreNote).HasMaxLength(4000);
            e.Ignore(p => p.MethodList);
            e.Ignore(p => p.QuestionList);
            e.HasOne<Visit>().WithOne().HasForeignKey<VisitProtocolRecord>(p => p.VisitId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<VisitStep>(e =>
        {
            e.HasKey(s => new { s.VisitId, s.Number });
            Enum(e, s => s.TimeSource);
            e.Property(s => s.Notes).HasMaxLength(4000);
            e.HasOne<Visit>().WithMany().HasForeignKey(s => s.VisitId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(s => s.Evidence).WithOne().HasForeignKey(x => new { x.VisitId, x.Number }).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<VisitStepEvidence>(e =>
        {
            e.HasKey(x => new { x.VisitId, x.Number, x.EvidenceItemId });
            e.HasIndex(x => x.EvidenceItemId);
        });
        builder.Entity<VisitClockReading>(e =>
        {
            e.HasIndex(r => new { r.VisitId, r.ServerClock });
            e.HasOne<Visit>().WithMany().HasForeignKey(r => r.VisitId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<VisitCheck>(e =>
        {
            e.HasKey(c => new { c.VisitId, c.Code });
            e.Property(c => c.Code).HasMaxLength(32);
            Enum(e, c => c.Result);
            e.Property(c => c.Note).HasMaxLength(2000);
            e.HasOne<Visit>().WithMany().HasForeignKey(c => c.VisitId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<VisitSurvey>(e =>
        {
            e.HasIndex(s => new { s.VisitId, s.Number }).IsUnique();
            e.Property(s => s.Answers).HasMaxLength(8000);
            e.Property(s => s.RespondentName).HasMaxLength(100);
            e.Property(s => s.RespondentPhone).HasMaxLength(32);
            e.HasOne<Visit>().WithMany().HasForeignKey(s => s.VisitId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<VisitReportMessage>(e =>
        {
            e.HasIndex(m => new { m.VisitId, m.At });
            Enum(e, m => m.Kind);
            e.Property(m => m.Text).HasMaxLength(4000);
            e.Property(m => m.By).HasMaxLength(450);
            e.HasOne<Visit>().WithMany().HasForeignKey(m => m.VisitId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<BankPersona>(e =>
        {
            e.Property(p => p.Name).HasMaxLength(100);
            e.Property(p => p.Description).HasMaxLength(2000);
        });
        builder.Entity<BankQuestion>(e =>
        {
            e.HasIndex(q => new { q.ServiceItemId, q.Depth });
            e.Property(q => q.Text).HasMaxLength(1000);
            e.Property(q => q.ExpectedAnswer).HasMaxLength(2000);
            e.HasOne<ServiceItem>().WithMany().HasForeignKey(q => q.ServiceItemId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<SelfInspectionReport>(e =>
        {
            e.HasIndex(r => new { r.UnitId, r.Year, r.Quarter }).IsUnique();
            e.Property(r => r.Summary).HasMaxLength(8000);
            e.Property(r => r.SubmittedBy).HasMaxLength(450);
            e.HasOne<Unit>().WithMany().HasForeignKey(r => r.UnitId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<OpenDeduction>(e =>
        {
            e.HasIndex(d => new { d.UnitId, d.Year });
            e.HasIndex(d => d.SourceKey).IsUnique();
            e.Property(d => d.ItemCode).HasMaxLength(32);
            e.Property(d => d.ItemName).HasMaxLength(300);
            e.Property(d => d.Points).HasPrecision(6, 2);
            e.Property(d => d.Reason).HasMaxLength(2000);
            e.Property(d => d.SourceType).HasMaxLength(32);
            e.Property(d => d.SourceKey).HasMaxLength(200);
            e.Property(d => d.RecordedBy).HasMaxLength(450);
            e.HasOne<Unit>().WithMany().HasForeignKey(d => d.UnitId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<DeductionItem>().WithMany().HasForeignKey(d => d.DeductionItemId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<SpotCheck>(e =>
        {
            e.HasIndex(s => s.UnitId);
            e.Property(s => s.Title).HasMaxLength(200);
            e.Property(s => s.CheckedBy).HasMaxLength(450);
            e.HasOne<Unit>().WithMany().HasForeignKey(s => s.UnitId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(s => s.Items).WithOne().HasForeignKey(i => i.SpotCheckId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<SpotCheckItem>(e =>
        {
            e.Property(i => i.Name).HasMaxLength(300);
            e.Property(i => i.Note).HasMaxLength(2000);
        });
        builder.Entity<OpenSessionReport>(e =>
        {
            e.HasIndex(r => r.UnitId);
            Enum(e, r => r.Kind);
            e.Property(r => r.Title).HasMaxLength(200);
            e.Property(r => r.Summary).HasMaxLength(8000);
            e.Property(r => r.RecordedBy).HasMaxLength(450);
            e.HasOne<Unit>().WithMany().HasForeignKey(r => r.UnitId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<RoundReport>(e =>
        {
            e.HasIndex(r => r.RoundId);
            e.Property(r => r.Title).HasMaxLength(200);
            e.Property(r => r.Body).HasMaxLength(100000);
            e.Property(r => r.CreatedBy).HasMaxLength(450);
            e.Property(r => r.EditedBy).HasMaxLength(450);
            e.HasOne<InspectionRound>().WithMany().HasForeignKey(r => r.RoundId).OnDelete(DeleteBehavior.Restrict);
        });
    }
}

/// <summary>The sets of this part of the module, without touching MingchaDb's list.</summary>
public static class VisitProtocolSets
{
    extension(MingchaDb db)
    {
        public DbSet<VisitProtocolRecord> VisitProtocols => db.Set<VisitProtocolRecord>();
        public DbSet<VisitStep> VisitSteps => db.Set<VisitStep>();
        public DbSet<VisitStepEvidence> VisitStepEvidence => db.Set<VisitStepEvidence>();
        public DbSet<VisitClockReading> VisitClockReadings => db.Set<VisitClockReading>();
        public DbSet<VisitCheck> VisitChecks => db.Set<VisitCheck>();
        public DbSet<VisitSurvey> VisitSurveys => db.Set<VisitSurvey>();
        public DbSet<VisitReportMessage> VisitReportMessages => db.Set<VisitReportMessage>();
        public DbSet<BankPersona> BankPersonas => db.Set<BankPersona>();
        public DbSet<BankQuestion> BankQuestions => db.Set<BankQuestion>();
        public DbSet<SelfInspectionReport> SelfInspectionReports => db.Set<SelfInspectionReport>();
        public DbSet<OpenDeduction> OpenDeductions => db.Set<OpenDeduction>();
        public DbSet<SpotCheck> SpotChecks => db.Set<SpotCheck>();
        public DbSet<SpotCheckItem> SpotCheckItems => db.Set<SpotCheckItem>();
        public DbSet<OpenSessionReport> OpenSessionReports => db.Set<OpenSessionReport>();
        public DbSet<RoundReport> RoundReports => db.Set<RoundReport>();
    }
}
