using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Mingcha.Domain.Audit;
using Mingcha.Domain.Calendar;
using Mingcha.Domain.Identifiers;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Features.Calendar;
using Mingcha.Web.Features.Evidence;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Inspections;
using Mingcha.Web.Features.Jobs;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Features.Ratings;
using Mingcha.Web.Features.Organisation.Import;
using Mingcha.Web.Features.Rectification;

namespace Mingcha.Web.Data;

/// <summary>
/// The one database context. Saving appends an audit line for every change of an <see cref="IAudited"/>
/// record and for every queued <see cref="AuditEvent"/>, chained by hash, in the same transaction (SEC-3).
/// </summary>
public sealed class MingchaDb(DbContextOptions<MingchaDb> options, TimeProvider time, IAuditActor actor, PersonalDataSealer? sealer = null)
    : IdentityDbContext<MingchaUser>(options)
{
    /// <summary>Any constant: the PostgreSQL advisory lock that serialises appends to the audit chain across instances.</summary>
    internal const long AuditChainLockKey = 727_274_001;

    internal static readonly JsonSerializerOptions AuditJson = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    private readonly List<AuditEvent> _pendingEvents = [];

    public DbSet<Category> Categories => Set<Category>();
    public DbSet<CategoryVersion> CategoryVersions => Set<CategoryVersion>();
    public DbSet<Unit> Units => Set<Unit>();
    public DbSet<UnitVersion> UnitVersions => Set<UnitVersion>();
    public DbSet<UnitCategory> UnitCategories => Set<UnitCategory>();
    public DbSet<Section> Sections => Set<Section>();
    public DbSet<SectionVersion> SectionVersions => Set<SectionVersion>();
    public DbSet<Staff> Staff => Set<Staff>();
    public DbSet<StaffVersion> StaffVersions => Set<StaffVersion>();
    public DbSet<Supervisor> Supervisors => Set<Supervisor>();
    public DbSet<Team> Teams => Set<Team>();
    public DbSet<TeamMember> TeamMembers => Set<TeamMember>();
    public DbSet<Agency> Agencies => Set<Agency>();
    public DbSet<ServiceItem> ServiceItems => Set<ServiceItem>();
    public DbSet<SectionServiceItem> SectionServiceItems => Set<SectionServiceItem>();
    public DbSet<OrgImport> OrgImports => Set<OrgImport>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<UnitLeader> UnitLeaders => Set<UnitLeader>();
    public DbSet<CalendarYear> CalendarYears => Set<CalendarYear>();
    public DbSet<CalendarDay> CalendarDays => Set<CalendarDay>();
    public DbSet<ScheduledJob> ScheduledJobs => Set<ScheduledJob>();
    public DbSet<JobRun> JobRuns => Set<JobRun>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<ServiceRecord> ServiceRecords => Set<ServiceRecord>();
    public DbSet<Rating> Ratings => Set<Rating>();
    public DbSet<RatingFlag> RatingFlags => Set<RatingFlag>();
    public DbSet<RatingExclusion> RatingExclusions => Set<RatingExclusion>();
    public DbSet<RatingDayCount> RatingDayCounts => Set<RatingDayCount>();
    public DbSet<FollowUpCase> FollowUpCases => Set<FollowUpCase>();
    public DbSet<Infrastructure.DataProtectionKeyRow> DataProtectionKeys => Set<Infrastructure.DataProtectionKeyRow>();
    public DbSet<EvidenceCase> EvidenceCases => Set<EvidenceCase>();
    public DbSet<EvidenceCaseInspector> EvidenceCaseInspectors => Set<EvidenceCaseInspector>();
    public DbSet<EvidenceHold> EvidenceHolds => Set<EvidenceHold>();
    public DbSet<EvidenceBlob> EvidenceBlobs => Set<EvidenceBlob>();
    public DbSet<EvidenceBlobPurge> EvidenceBlobPurges => Set<EvidenceBlobPurge>();
    public DbSet<EvidenceItem> EvidenceItems => Set<EvidenceItem>();
    public DbSet<EvidenceAccess> EvidenceAccesses => Set<EvidenceAccess>();
    public DbSet<EvidenceUpload> EvidenceUploads => Set<EvidenceUpload>();
    public DbSet<InspectionYearPlan> InspectionYearPlans => Set<InspectionYearPlan>();
    public DbSet<InspectionRound> InspectionRounds => Set<InspectionRound>();
    public DbSet<RoundTeam> RoundTeams => Set<RoundTeam>();
    public DbSet<RoundTarget> RoundTargets => Set<RoundTarget>();
    public DbSet<RoundDraw> RoundDraws => Set<RoundDraw>();
    public DbSet<Visit> Visits => Set<Visit>();
    public DbSet<VisitInspector> VisitInspectors => Set<VisitInspector>();
    public DbSet<DeductionCatalogue> DeductionCatalogues => Set<DeductionCatalogue>();
    public DbSet<DeductionItem> DeductionItems => Set<DeductionItem>();
    public DbSet<Finding> Findings => Set<Finding>();
    public DbSet<FindingEvidence> FindingEvidence => Set<FindingEvidence>();
    public DbSet<AgencyContract> AgencyContracts => Set<AgencyContract>();
    public DbSet<AgencyInspector> AgencyInspectors => Set<AgencyInspector>();
    public DbSet<AgencyTraining> AgencyTrainings => Set<AgencyTraining>();
    public DbSet<AgencyOpinion> AgencyOpinions => Set<AgencyOpinion>();
    public DbSet<AgencyAssessment> AgencyAssessments => Set<AgencyAssessment>();
    public DbSet<DisciplineRules> DisciplineRules => Set<DisciplineRules>();
    public DbSet<DisciplinePledge> DisciplinePledges => Set<DisciplinePledge>();
    public DbSet<ConflictOfInterest> ConflictsOfInterest => Set<ConflictOfInterest>();
    public DbSet<DisciplineBreach> DisciplineBreaches => Set<DisciplineBreach>();
    public DbSet<RectificationNotice> RectificationNotices => Set<RectificationNotice>();
    public DbSet<NoticeFinding> NoticeFindings => Set<NoticeFinding>();
    public DbSet<FindingClaim> FindingClaims => Set<FindingClaim>();
    public DbSet<ChannelProblem> ChannelProblems => Set<ChannelProblem>();
    public DbSet<NoticeObjection> NoticeObjections => Set<NoticeObjection>();
    public DbSet<NoticeResponse> NoticeResponses => Set<NoticeResponse>();
    public DbSet<NoticeEscalation> NoticeEscalations => Set<NoticeEscalation>();
    public DbSet<DeductionLedgerLine> DeductionLedger => Set<DeductionLedgerLine>();
    public DbSet<RectificationOutcome> RectificationOutcomes => Set<RectificationOutcome>();
    public DbSet<OutcomeFinding> OutcomeFindings => Set<OutcomeFinding>();
    public DbSet<OutcomeProblem> OutcomeProblems => Set<OutcomeProblem>();
    public DbSet<OutboundMessage> OutboundMessages => Set<OutboundMessage>();
    public DbSet<Features.Complaints.Complaint> Complaints => Set<Features.Complaints.Complaint>();
    public DbSet<Features.Complaints.ComplaintEvent> ComplaintEvents => Set<Features.Complaints.ComplaintEvent>();
    public DbSet<Features.Complaints.RepeatFlag> RepeatFlags => Set<Features.Complaints.RepeatFlag>();
    public DbSet<Features.Documents.OfficialDocument> OfficialDocuments => Set<Features.Documents.OfficialDocument>();
    public DbSet<Features.Documents.OfficialDocumentAddressee> OfficialDocumentAddressees => Set<Features.Documents.OfficialDocumentAddressee>();
    public DbSet<Features.Documents.DocumentNumberSequence> DocumentNumberSequences => Set<Features.Documents.DocumentNumberSequence>();

    /// <summary>
    /// When true, row changes are not audited one by one; the caller queues one summary event instead.
    /// Used by bulk imports, whose file is kept and hashed so the summary is reproducible (decision 004).
    /// </summary>
    public bool SuppressRowAudit { get; set; }

    /// <summary>Queues an event for the audit log; it is written with the next save, in the same transaction.</summary>
    public void Audit(AuditEvent auditEvent) => _pendingEvents.Add(auditEvent);

    public bool IsPostgres => Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL";

    /// <summary>The clock the audit lines are stamped with.</summary>
    public TimeProvider Clock => time;

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite returns DateTime with Kind Unspecified; every instant in Mingcha is UTC.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<SectionKind>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<EmploymentType>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<SupervisorStatus>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<CalendarDayKind>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<OrgImportStatus>().HaveConversion<string>().HaveMaxLength(32);
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<MingchaUser>(e =>
        {
            e.Property(u => u.DisplayName).HasMaxLength(100);
            e.HasIndex(u => u.UnitId);
        });

        builder.Entity<Category>(e =>
        {
            e.HasIndex(c => c.Code).IsUnique();
            e.Property(c => c.Code).HasMaxLength(64);
            e.Property(c => c.Name).HasMaxLength(200);
            e.HasMany(c => c.Versions).WithOne().HasForeignKey(v => v.CategoryId);
        });
        builder.Entity<CategoryVersion>(e =>
        {
            e.Property(v => v.Id).ValueGeneratedNever();
            e.HasIndex(v => new { v.CategoryId, v.ValidFrom });
            e.Property(v => v.Code).HasMaxLength(64);
            e.Property(v => v.Name).HasMaxLength(200);
        });
        builder.Entity<Unit>(e =>
        {
            e.HasIndex(u => u.Code).IsUnique();
            e.HasIndex(u => u.ParentUnitId);
            e.Property(u => u.Code).HasMaxLength(64);
            e.Property(u => u.Name).HasMaxLength(200);
            e.Property(u => u.ShortName).HasMaxLength(100);
            e.Property(u => u.CreditCode).HasMaxLength(18);
            // ORG-1: one unit per credit code, whatever the timing of two creations (migration 0050, decision 039).
            e.HasIndex(u => u.CreditCode, "UX_Units_CreditCode").IsUnique().HasFilter("\"CreditCode\" IS NOT NULL");
            e.HasMany(u => u.Versions).WithOne().HasForeignKey(v => v.UnitId);
        });
        // Versions get their Guid in the constructor and reach the context through the Versions of their record:
        // with a key EF thought it generates, a new version with its key set would be taken for an existing row
        // and updated (0 rows affected) instead of inserted.
        builder.Entity<UnitVersion>(e =>
        {
            e.Property(v => v.Id).ValueGeneratedNever();
            // Migration 0057: the versions before it were open; written always, as the entity has it (see StaffVersion).
            e.Property(v => v.Active).HasDefaultValue(true).ValueGeneratedNever();
            e.HasIndex(v => new { v.UnitId, v.ValidFrom });
            e.Property(v => v.Code).HasMaxLength(64);
            e.Property(v => v.Name).HasMaxLength(200);
        });
        builder.Entity<UnitCategory>(e =>
        {
            e.HasIndex(x => new { x.UnitId, x.Year }).IsUnique();
            e.HasIndex(x => new { x.Year, x.CategoryId });
            e.HasOne<Unit>().WithMany().HasForeignKey(x => x.UnitId);
            e.HasOne<Category>().WithMany().HasForeignKey(x => x.CategoryId);
        });
        builder.Entity<Section>(e =>
        {
            e.HasIndex(s => s.Code).IsUnique();
            e.HasIndex(s => s.UnitId);
            e.Property(s => s.Code).HasMaxLength(64);
            e.Property(s => s.Name).HasMaxLength(200);
            e.Property(s => s.Address).HasMaxLength(300);
            e.HasOne<Unit>().WithMany().HasForeignKey(s => s.UnitId);
            e.HasMany(s => s.Versions).WithOne().HasForeignKey(v => v.SectionId);
        });
        builder.Entity<SectionVersion>(e =>
        {
            e.Property(v => v.Id).ValueGeneratedNever();
            // Migration 0057: the versions before it were open; written always, as the entity has it (see StaffVersion).
            e.Property(v => v.Active).HasDefaultValue(true).ValueGeneratedNever();
            e.HasIndex(v => new { v.SectionId, v.ValidFrom });
            e.Property(v => v.Code).HasMaxLength(64);
            e.Property(v => v.Name).HasMaxLength(200);
        });
        builder.Entity<Staff>(e =>
        {
            e.HasIndex(s => new { s.UnitId, s.Code }).IsUnique();
            e.HasIndex(s => s.SectionId);
            e.Property(s => s.Code).HasMaxLength(64);
            e.Property(s => s.Name).HasMaxLength(100);
            e.Property(s => s.Position).HasMaxLength(100);
            e.Property(s => s.Phone).HasMaxLength(32);
            e.Property(s => s.IdNumber).HasMaxLength(18);
            e.HasOne<Unit>().WithMany().HasForeignKey(s => s.UnitId);
            e.HasMany(s => s.Versions).WithOne().HasForeignKey(v => v.StaffId);
        });
        builder.Entity<StaffVersion>(e =>
        {
            e.Property(v => v.Id).ValueGeneratedNever();
            e.HasIndex(v => new { v.StaffId, v.ValidFrom });
            e.Property(v => v.Code).HasMaxLength(64);
            e.Property(v => v.Name).HasMaxLength(100);
            e.Property(v => v.Position).HasMaxLength(100);
            // Migration 0056: the versions before it were in post. Always written as the entity has it (a default alone
            // would make EF leave out a false, the CLR default, and the database would store true).
            e.Property(v => v.Active).HasDefaultValue(true).ValueGeneratedNever();
        });
        builder.Entity<Supervisor>(e =>
        {
            e.HasIndex(s => s.Code).IsUnique();
            // ORG-3: an account is at most one supervisor's, whatever the timing of two links (migration 0048).
            e.HasIndex(s => s.UserId, "UX_Supervisors_UserId").IsUnique().HasFilter("\"UserId\" IS NOT NULL");
            e.Property(s => s.Code).HasMaxLength(64);
            e.Property(s => s.Name).HasMaxLength(100);
            e.Property(s => s.Phone).HasMaxLength(32);
            // ORG-3 (decision 039): a change saves only if the status is still the one read, so that two approvals made
            // from the same reading are stored once; the second gets 409 and stores nothing. No column: the status is one.
            e.Property(s => s.Status).IsConcurrencyToken();
        });
        builder.Entity<Team>(e =>
        {
            e.Property(t => t.Name).HasMaxLength(200);
            e.HasMany(t => t.Members).WithOne().HasForeignKey(m => m.TeamId);
        });
        builder.Entity<TeamMember>(e =>
        {
            e.HasKey(m => new { m.TeamId, m.SupervisorId });
            e.HasOne<Supervisor>().WithMany().HasForeignKey(m => m.SupervisorId);
        });
        builder.Entity<Agency>(e =>
        {
            e.Property(a => a.Name).HasMaxLength(200);
            e.Property(a => a.CreditCode).HasMaxLength(18);
        });
        builder.Entity<ServiceItem>(e =>
        {
            e.HasIndex(s => s.Code).IsUnique();
            e.Property(s => s.Code).HasMaxLength(64);
            e.Property(s => s.Name).HasMaxLength(300);
        });
        builder.Entity<SectionServiceItem>(e =>
        {
            e.HasIndex(x => new { x.SectionId, x.ServiceItemId }).IsUnique();
            e.HasOne<Section>().WithMany().HasForeignKey(x => x.SectionId);
            e.HasOne<ServiceItem>().WithMany().HasForeignKey(x => x.ServiceItemId);
        });
        builder.Entity<OrgImport>(e =>
        {
            e.HasIndex(i => i.CreatedAt);
            e.Property(i => i.CreatedById).HasMaxLength(100);
            e.Property(i => i.CreatedByName).HasMaxLength(256);
            e.Property(i => i.FinishedByName).HasMaxLength(256);
        });
        builder.Entity<AuditEntry>(e =>
        {
            e.HasKey(a => a.Seq);
            e.Property(a => a.Seq).ValueGeneratedNever();
            e.Property(a => a.Action).HasMaxLength(100);
            e.Property(a => a.EntityType).HasMaxLength(100);
            e.Property(a => a.EntityKey).HasMaxLength(200);
            e.Property(a => a.PrevHash).HasMaxLength(64);
            e.Property(a => a.Hash).HasMaxLength(64);
            e.HasIndex(a => new { a.EntityType, a.EntityKey });
            e.HasIndex(a => a.At);
        });
        builder.Entity<UnitLeader>(e =>
        {
            e.HasIndex(l => l.UserId);
            // INS-8: one designation in force per account, whatever the timing of two designations (migration 0050, decision 039).
            e.HasIndex(l => l.UserId, "UX_UnitLeaders_UserId").IsUnique().HasFilter("\"WithdrawnAt\" IS NULL");
            // Withdrawn once: a withdrawal saves only a designation still in force (its UPDATE names WithdrawnAt IS NULL), so of
            // two withdrawals at once the second gets 409 and leaves the first's time, name and audit line alone.
            e.Property(l => l.WithdrawnAt).IsConcurrencyToken();
            e.HasIndex(l => l.UnitId);
            e.Property(l => l.UserId).HasMaxLength(450);
            e.Property(l => l.DesignatedBy).HasMaxLength(450);
            e.Property(l => l.WithdrawnBy).HasMaxLength(450);
            e.HasOne<MingchaUser>().WithMany().HasForeignKey(l => l.UserId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<ApiToken>(e =>
        {
            e.Property(t => t.Name).HasMaxLength(200);
            e.Property(t => t.SecretHash).HasMaxLength(64);
            e.Property(t => t.Scopes).HasMaxLength(500);
            e.Property(t => t.RatingScale).HasConversion<string>().HasMaxLength(32);
        });
        builder.Entity<CalendarYear>(e =>
        {
            e.HasKey(y => y.Year);
            e.Property(y => y.Year).ValueGeneratedNever();
            e.Property(y => y.Source).HasMaxLength(CalendarYear.MaxSourceLength);
        });
        builder.Entity<CalendarDay>(e =>
        {
            e.HasKey(d => d.Date);
            e.Property(d => d.Name).HasMaxLength(OfficialCalendarCsv.MaxNameLength);
        });
        builder.Entity<ScheduledJob>(e =>
        {
            e.HasKey(j => j.Name);
            e.Property(j => j.Name).HasMaxLength(100);
            e.Property(j => j.LeaseOwner).HasMaxLength(200);
        });
        builder.Entity<JobRun>(e =>
        {
            e.HasIndex(r => new { r.JobName, r.ScheduledFor }).IsUnique();
            e.Property(r => r.JobName).HasMaxLength(100);
            e.Property(r => r.Instance).HasMaxLength(200);
        });
        builder.Entity<Infrastructure.DataProtectionKeyRow>(e =>
        {
            e.ToTable("DataProtectionKeys");
            e.Property(k => k.FriendlyName).HasMaxLength(200);
        });
        builder.Entity<Notification>(e =>
        {
            e.HasIndex(n => n.DedupKey).IsUnique();
            e.HasIndex(n => new { n.UserId, n.CreatedAt });
            e.HasIndex(n => new { n.Role, n.CreatedAt });
            e.Property(n => n.Kind).HasMaxLength(100);
            e.Property(n => n.Title).HasMaxLength(300);
            e.Property(n => n.DedupKey).HasMaxLength(300);
        });
        RatingsModel.Configure(builder);
        EvidenceModel.Configure(builder);
        InspectionsModel.Configure(builder);
        VisitProtocolModel.Configure(builder);
        RectificationModel.Configure(builder);
        Features.Complaints.ComplaintsModel.Configure(builder);
        Features.Documents.DocumentModel.Configure(builder);
        Features.Scoring.ScoringModel.Configure(builder);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        throw new NotSupportedException("Use SaveChangesAsync: saving appends to the audit chain asynchronously.");

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RaiseVersions();
        var events = CollectAuditEvents();
        if (events.Count == 0)
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);

        var ownTransaction = Database.CurrentTransaction is null
            ? await Database.BeginTransactionAsync(cancellationToken) // SQLite: BEGIN IMMEDIATE, so appends are serialised
            : null;
        try
        {
            if (IsPostgres)
                await Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({AuditChainLockKey})", cancellationToken);

            var last = await AuditEntries.AsNoTracking().OrderByDescending(a => a.Seq)
                .Select(a => new { a.Seq, a.Hash }).FirstOrDefaultAsync(cancellationToken);
            var seq = last?.Seq ?? 0;
            var prev = last?.Hash ?? AuditChain.GenesisHash;
            var at = AuditChain.Normalize(time.GetUtcNow().UtcDateTime);
            foreach (var e in events)
            {
                var unsigned = new AuditRecord(++seq, at, actor.UserId, actor.UserName, actor.Ip, e.Action,
                    e.EntityType, e.EntityKey, e.Before, e.After, prev, "");
                var record = unsigned with { Hash = AuditChain.ComputeHash(unsigned) };
                AuditEntries.Add(new AuditEntry(record));
                prev = record.Hash;
            }

            var written = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            if (ownTransaction is not null)
                await ownTransaction.CommitAsync(cancellationToken);
            _pendingEvents.Clear();
            return written;
        }
        finally
        {
            if (ownTransaction is not null)
                await ownTransaction.DisposeAsync();
        }
    }

    /// <summary>
    /// Each changed <see cref="IVersioned"/> row is saved as the version read plus one, and only if the row still has the
    /// version read (a concurrency token): from the original value, so that saving again after a failure does not count twice.
    /// </summary>
    private void RaiseVersions()
    {
        foreach (var entry in ChangeTracker.Entries<IVersioned>())
        {
            if (entry.State != EntityState.Modified) continue;
            var version = entry.Property(nameof(IVersioned.Version));
            version.CurrentValue = (int)version.OriginalValue! + 1;
        }
    }

    private List<AuditEvent> CollectAuditEvents()
    {
        var events = new List<AuditEvent>();
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.State is EntityState.Unchanged or EntityState.Detached) continue;
            if (entry.Entity is AuditEntry && entry.State != EntityState.Added)
                throw new DomainRuleException("SEC-3", "审计日志只能追加，不能修改或删除。 The audit log is append-only.");
            if (entry.Entity is not IAudited) continue;
            if (entry.State == EntityState.Deleted)
                throw new DomainRuleException("SEC-3", $"监督记录不可删除（{entry.Metadata.ClrType.Name}）。 Supervision records are never deleted.");
            if (SuppressRowAudit) continue;
            events.Add(DescribeChange(entry));
        }
        events.AddRange(_pendingEvents);
        return events;
    }

    private AuditEvent DescribeChange(EntityEntry entry)
    {
        var type = entry.Metadata.ClrType.Name;
        var key = string.Join(",", entry.Metadata.FindPrimaryKey()!.Properties
            .Select(p => Convert.ToString(entry.Property(p.Name).CurrentValue, CultureInfo.InvariantCulture)));
        if (entry.State == EntityState.Added)
        {
            var after = entry.Properties.ToDictionary(p => p.Metadata.Name, p => AuditValue(p, p.CurrentValue));
            return new AuditEvent("create", type, key, null, JsonSerializer.Serialize(after, AuditJson));
        }
        var changed = entry.Properties.Where(p => p.IsModified && !Equals(p.OriginalValue, p.CurrentValue)).ToList();
        var before = changed.ToDictionary(p => p.Metadata.Name, p => AuditValue(p, p.OriginalValue));
        var afterValues = changed.ToDictionary(p => p.Metadata.Name, p => AuditValue(p, p.CurrentValue));
        return new AuditEvent("update", type, key, JsonSerializer.Serialize(before, AuditJson), JsonSerializer.Serialize(afterValues, AuditJson));
    }

    /// <summary>SEC-4: a personal value goes into the log masked and sealed, never in the clear.</summary>
    private object? AuditValue(PropertyEntry property, object? value)
    {
        if (value is not string text || text.Length == 0) return value;
        var mark = PersonalDataSealer.MarkOf(property.Metadata.PropertyInfo);
        if (mark is null) return value;
        return new SealedPersonalValue(PersonalAttribute.Mask(mark.Kind, text), sealer?.Seal(text));
    }
}

/// <summary>Stores DateTime as given and reads it back as UTC (SQLite forgets the kind).</summary>
public sealed class UtcDateTimeConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v, DateTimeKind.Utc),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
