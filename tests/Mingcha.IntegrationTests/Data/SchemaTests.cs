using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Features.Scoring;
using Mingcha.Web.Infrastructure;
using Xunit.Abstractions;

namespace Mingcha.IntegrationTests.Data;

/// <summary>
/// The numbered SQL scripts (decision 001) against the EF model, on the provider under test: a model change
/// without its script fails here with the difference spelled out.
/// </summary>
public sealed class SchemaTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Migrations_WhenAppliedToEmptyDatabase_GiveTheSchemaOfTheEfModel()
    {
        using var scripted = new TestDatabase();
        using var modelled = new TestDatabase();
        await using (var db = NewContext(scripted)) await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        await using (var db = NewContext(modelled)) Assert.True(await db.Database.EnsureCreatedAsync());

        var difference = Difference(await SchemaOf(scripted), await SchemaOf(modelled));

        Assert.True(difference.Length == 0,
            $"The migration scripts ({scripted.Provider}) do not build the schema of the EF model. Add a script under "
            + $"src/Mingcha.Web/Data/Migrations/{(TestDatabase.IsPostgres ? "Postgres" : "Sqlite")}/ (the `schema-script` command prints what the model wants).\n{difference}");
    }

    [Fact]
    public async Task SchemaComparison_WhenTheModelHasAColumnAndIndexNoScriptAdds_NamesBoth()
    {
        using var scripted = new TestDatabase();
        using var modelled = new TestDatabase();
        await using (var db = NewContext(scripted)) await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        await using (var db = NewContext(modelled, withUnscriptedChange: true)) await db.Database.EnsureCreatedAsync();

        var difference = Difference(await SchemaOf(scripted), await SchemaOf(modelled));
        output.WriteLine(difference);

        Assert.Contains("column Units.Motto", difference, StringComparison.Ordinal);
        Assert.Contains("IX_Units_Motto", difference, StringComparison.Ordinal);
        Assert.DoesNotContain("Sections", difference, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_WhenRunTwice_AppliesNothingTheSecondTime()
    {
        using var database = new TestDatabase();
        var scripts = SchemaMigrator.Scripts(TestDatabase.IsPostgres);
        await using var db = NewContext(database);
        var migrator = new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance);

        Assert.Equal(scripts.Count, await migrator.MigrateAsync());
        var schema = await SchemaOf(database);
        Assert.Equal(0, await migrator.MigrateAsync());

        Assert.Equal(scripts[^1].Version, await migrator.CurrentVersionAsync());
        Assert.Equal(scripts.Count, Convert.ToInt32(await database.ScalarAsync("SELECT COUNT(*) FROM mingcha_schema_version"), Inv));
        Assert.Equal("", Difference(schema, await SchemaOf(database)));
    }

    [Fact]
    public async Task Migrate_WhenTwoInstancesStartAtOnce_AppliesEachScriptOnce()
    {
        using var database = new TestDatabase();
        var scripts = SchemaMigrator.Scripts(TestDatabase.IsPostgres);
        await using var first = NewContext(database);
        await using var second = NewContext(database);

        var applied = await Task.WhenAll(
            Task.Run(() => new SchemaMigrator(first, NullLogger<SchemaMigrator>.Instance).MigrateAsync()),
            Task.Run(() => new SchemaMigrator(second, NullLogger<SchemaMigrator>.Instance).MigrateAsync()));

        Assert.Equal(scripts.Count, applied.Sum());
        Assert.Equal(scripts.Count, Convert.ToInt32(await database.ScalarAsync("SELECT COUNT(*) FROM mingcha_schema_version"), Inv));
        using var modelled = new TestDatabase();
        await using (var db = NewContext(modelled)) await db.Database.EnsureCreatedAsync();
        Assert.Equal("", Difference(await SchemaOf(database), await SchemaOf(modelled)));
    }

    [Fact]
    public async Task StrictQueries_RefuseRowsLimitedWithoutAnOrder_AndServeThemWithOne()
    {
        using var database = new TestDatabase();
        await using (var db = NewContext(database)) await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        await using (var db = NewContext(database))
        {
            db.Units.AddRange(new Unit("U2", "乙局", DateTime.UtcNow), new Unit("U1", "甲局", DateTime.UtcNow));
            await db.SaveChangesAsync();
        }

        await using (var strict = NewContext(database, strict: true))
        {
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => strict.Units.AsNoTracking().Take(1).ToListAsync());
            Assert.Contains(nameof(CoreEventId.RowLimitingOperationWithoutOrderByWarning), refused.Message, StringComparison.Ordinal);
            Assert.Equal(["U1"], await strict.Units.AsNoTracking().OrderBy(u => u.Code).Select(u => u.Code).Take(1).ToListAsync());
        }
        await using (var lenient = NewContext(database))
            Assert.Single(await lenient.Units.AsNoTracking().Take(1).ToListAsync());
    }

    /// <summary>
    /// EV-6, migration 0021: a computation made before problems were counted per finding keeps its rows, with the empty id
    /// as their finding, so that it still reproduces as computed; two findings of one notice and section can then be stored.
    /// </summary>
    [Fact]
    [Trait("Rule", "EV-6")]
    public async Task Migration0021_KeepsEarlierComputationsProblems_AndStoresOneRowPerFinding()
    {
        using var database = new TestDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var exec = await AppliedBeforeAsync(connection, 21);
        Task Exec(string sql) => exec(sql);
        // A computation and its problem row as 0010 to 0020 stored them (the campaign and computation through the model,
        // whose tables 0021 does not change).
        Guid comp, notice = Guid.NewGuid(), section = Guid.NewGuid();
        await using (var db = NewContext(database))
        {
            var campaign = new Mingcha.Web.Features.Scoring.EvaluationCampaign(2026, "迁移前的测评", new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31), "test", DateTime.UtcNow);
            db.Add(campaign);
            var computation = new Mingcha.Web.Features.Scoring.ScoreComputation(campaign.Id, 1, true, 0, 1, "test", DateTime.UtcNow);
            db.Add(computation);
            await db.SaveChangesAsync();
            comp = computation.Id;
        }
        var id = TestDatabase.IsPostgres ? (Func<Guid, string>)(g => $"'{g}'") : g => $"'{g.ToString().ToUpperInvariant()}'";
        await Exec($"INSERT INTO \"ScoreProblems\" (\"ComputationId\", \"NoticeId\", \"SectionId\", \"Result\") VALUES ({id(comp)}, {id(notice)}, {id(section)}, 'Refused')");

        await using (var db = NewContext(database)) Assert.Equal(SchemaMigrator.Scripts(TestDatabase.IsPostgres).Count(s => s.Version >= 21), await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync());

        await using (var cmd = TestDatabase.Command(connection, "SELECT \"FindingId\", \"Result\", \"Source\" FROM \"ScoreProblems\""))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal(Guid.Empty, Guid.Parse(reader.GetValue(0).ToString()!));
            Assert.Equal("Refused", reader.GetString(1));
            Assert.Equal("Notice", reader.GetString(2));
            Assert.False(await reader.ReadAsync());
        }
        // Two findings of the same notice and section: two problems.
        foreach (var finding in new[] { Guid.NewGuid(), Guid.NewGuid() })
            await Exec($"INSERT INTO \"ScoreProblems\" (\"ComputationId\", \"NoticeId\", \"SectionId\", \"FindingId\", \"Source\", \"Result\") VALUES ({id(comp)}, {id(notice)}, {id(section)}, {id(finding)}, 'Notice', 'Refused')");
        Assert.Equal(3L, Convert.ToInt64(await database.ScalarAsync("SELECT COUNT(*) FROM \"ScoreProblems\""), Inv));
    }

    /// <summary>
    /// ORG-1, migration 0034 (decision 026): every staff member and category of a database from before they kept history
    /// gets one version, from 2000-01-01, holding what they are; the model reads it and appends the next change after it.
    /// </summary>
    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task Migration0034_GivesEveryExistingStaffMemberAndCategoryOneVersion_ThatLaterChangesFollow()
    {
        using var database = new TestDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var exec = await AppliedBeforeAsync(connection, 34);
        Task Exec(string sql) => exec(sql);
        // A unit through the model (0034 does not change it); a category and two people as the tables were before 0034.
        Guid unit;
        await using (var db = NewContext(database))
        {
            var u = new Unit("U-0034", "迁移前的单位", DateTime.UtcNow);
            u.Versions.Clear(); // the model's version has a column of a later migration (0057), and this test needs none
            db.Add(u);
            await db.SaveChangesAsync();
            unit = u.Id;
        }
        Guid category = Guid.NewGuid(), clerk = Guid.NewGuid(), head = Guid.NewGuid();
        var id = TestDatabase.IsPostgres ? (Func<Guid, string>)(g => $"'{g}'") : g => $"'{g.ToString().ToUpperInvariant()}'";
        var no = TestDatabase.IsPostgres ? "false" : "0";
        var yes = TestDatabase.IsPostgres ? "true" : "1";
        await Exec($"INSERT INTO \"Categories\" (\"Id\", \"Code\", \"Name\", \"IsDemo\") VALUES ({id(category)}, 'C-0034', '行政执法类', {no})");
        await Exec("INSERT INTO \"Staff\" (\"Id\", \"UnitId\", \"SectionId\", \"Code\", \"Name\", \"Employment\", \"Position\", \"Phone\", \"IdNumber\", \"Active\", \"IsDemo\") VALUES "
            + $"({id(clerk)}, {id(unit)}, NULL, 'E1', '李四', 'Seconded', NULL, '13812345678', NULL, {yes}, {no}), "
            + $"({id(head)}, {id(unit)}, NULL, 'E2', '王五', 'InService', '负责人', NULL, NULL, {yes}, {no})");

        await using (var db = NewContext(database)) Assert.Equal(SchemaMigrator.Scripts(TestDatabase.IsPostgres).Count(s => s.Version >= 34), await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync());

        await using (var db = NewContext(database))
        {
            var staff = await db.StaffVersions.AsNoTracking().OrderBy(v => v.Code).ToListAsync();
            Assert.Equal([(clerk, unit, "E1", "李四", EmploymentType.Seconded, (string?)null), (head, unit, "E2", "王五", EmploymentType.InService, "负责人")],
                staff.Select(v => (v.StaffId, v.UnitId, v.Code, v.Name, v.Employment, v.Position)));
            Assert.All(staff, v => Assert.Equal(StaffVersion.Backfilled, v.ValidFrom));
            Assert.NotEqual(staff[0].Id, staff[1].Id);
            var categories = await db.CategoryVersions.AsNoTracking().ToListAsync();
            Assert.Equal([(category, "C-0034", "行政执法类", CategoryVersion.Backfilled)], categories.Select(v => (v.CategoryId, v.Code, v.Name, v.ValidFrom)));

            // A rename after the migration is a second version; a record older than both reads the backfilled one.
            var person = await db.Staff.Include(s => s.Versions).SingleAsync(s => s.Id == clerk);
            person.Rename("李思", new DateTime(2026, 11, 16, 2, 0, 0, DateTimeKind.Utc));
            await db.SaveChangesAsync();
        }
        await using (var db = NewContext(database))
            Assert.Equal([(StaffVersion.Backfilled, "李四"), (new DateTime(2026, 11, 16, 2, 0, 0, DateTimeKind.Utc), "李思")],
                (await db.StaffVersions.AsNoTracking().Where(v => v.StaffId == clerk).OrderBy(v => v.ValidFrom).Select(v => new { v.ValidFrom, v.Name }).ToListAsync())
                    .Select(v => (v.ValidFrom, v.Name)));
    }

    /// <summary>
    /// EV-2, migration 0043 (decision 028 amended): the codes of a sitting issued before it get serials 1, 2, … in the order
    /// they were issued, the sitting counts them (the cap's claim starts there), a used code stays used and cannot be
    /// revoked, an unused one can, once.
    /// </summary>
    [Fact]
    [Trait("Rule", "EV-2")]
    public async Task Migration0043_NumbersExistingCodesInIssueOrder_CountsThem_UsedOnesStayUnrevocable()
    {
        using var database = new TestDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var exec = await AppliedBeforeAsync(connection, 43);
        Task Exec(string sql) => exec(sql);
        var id = TestDatabase.IsPostgres ? (Func<Guid, string>)(g => $"'{g}'") : g => $"'{g.ToString().ToUpperInvariant()}'";
        var no = TestDatabase.IsPostgres ? "false" : "0";
        // The sitting's campaign is not the point: its foreign key is lifted for these rows (this session only).
        await Exec(TestDatabase.IsPostgres ? "SET session_replication_role = replica" : "PRAGMA foreign_keys = OFF");
        var sitting = Guid.NewGuid();
        Guid first = new("00000000-0000-7000-8000-000000000002"), second = new("00000000-0000-7000-8000-000000000001"), later = new("00000000-0000-7000-8000-000000000003");
        await Exec("INSERT INTO \"EvaluationSittings\" (\"Id\", \"CampaignId\", \"Title\", \"HeldOn\", \"Token\", \"ClosedAt\", \"Ballots\", \"CreatedBy\", \"CreatedAt\", \"RequireCodes\") "
            + $"VALUES ({id(sitting)}, {id(Guid.NewGuid())}, '迁移前的集中测评', '2026-11-16', '{Guid.NewGuid():N}', NULL, 1, 'office', '2026-11-01 00:00:00', {no})");
        // Two codes issued at once (numbered by id), one later and used.
        await Exec("INSERT INTO \"SittingCodes\" (\"Id\", \"SittingId\", \"CodeHash\", \"Group\", \"IssuedBy\", \"IssuedAt\", \"UsedAt\") VALUES "
            + $"({id(later)}, {id(sitting)}, 'h3', NULL, 'office', '2026-11-16 02:00:00', '2026-11-16 03:00:00'), "
            + $"({id(first)}, {id(sitting)}, 'h2', '人大代表', 'office', '2026-11-16 01:00:00', NULL), "
            + $"({id(second)}, {id(sitting)}, 'h1', '人大代表', 'office', '2026-11-16 01:00:00', NULL)");
        if (TestDatabase.IsPostgres) await Exec("SET session_replication_role = origin");

        await using (var db = NewContext(database)) Assert.Equal(SchemaMigrator.Scripts(TestDatabase.IsPostgres).Count(s => s.Version >= 43), await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync());

        await using (var db = NewContext(database))
        {
            Assert.Equal([(second, 1), (first, 2), (later, 3)],
                (await db.SittingCodes.AsNoTracking().Where(c => c.SittingId == sitting).OrderBy(c => c.Serial).Select(c => new { c.Id, c.Serial }).ToListAsync()).Select(c => (c.Id, c.Serial)));
            Assert.Equal(3, await db.Sittings.Where(s => s.Id == sitting).Select(s => s.CodesIssued).SingleAsync());
            var now = DateTime.UtcNow;
            // The used code: nothing more is recorded of it (the trigger refuses even a direct update).
            Assert.Equal(0, await db.SittingCodes.Where(c => c.Id == later && c.UsedAt == null).ExecuteUpdateAsync(u => u.SetProperty(c => c.RevokedAt, now).SetProperty(c => c.RevokedBy, "office")));
            await Assert.ThrowsAnyAsync<DbException>(() => db.SittingCodes.Where(c => c.Id == later).ExecuteUpdateAsync(u => u.SetProperty(c => c.RevokedAt, now).SetProperty(c => c.RevokedBy, "office")));
            // An unused one is revoked once, with who revoked it; then never used or changed again.
            Assert.Equal(1, await db.SittingCodes.Where(c => c.Id == first && c.UsedAt == null && c.RevokedAt == null).ExecuteUpdateAsync(u => u.SetProperty(c => c.RevokedAt, now).SetProperty(c => c.RevokedBy, "office")));
            await Assert.ThrowsAnyAsync<DbException>(() => db.SittingCodes.Where(c => c.Id == first).ExecuteUpdateAsync(u => u.SetProperty(c => c.UsedAt, now)));
            await Assert.ThrowsAnyAsync<DbException>(() => db.SittingCodes.Where(c => c.Id == second).ExecuteUpdateAsync(u => u.SetProperty(c => c.RevokedAt, now)));
        }
    }

    /// <summary>
    /// SAT-5, decision 032: awards stored twice before 0042 are never deleted. Of a year's awards of one kind to one
    /// subject the oldest stands and the later ones are marked superseded by it (audited); then a new double is refused
    /// by the unique index of the standing awards.
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-5")]
    public async Task Migrations0042And0045_MarkLaterDoubleAwardsSuperseded_KeepsThemAll_AndTheIndexRefusesANewDouble()
    {
        using var database = new TestDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var exec = await AppliedBeforeAsync(connection, 42);
        var id = TestDatabase.IsPostgres ? (Func<Guid, string>)(g => $"'{g}'") : g => $"'{g.ToString().ToUpperInvariant()}'";
        var at = TestDatabase.IsPostgres ? (Func<int, string>)(h => $"'2026-11-16 0{h}:00:00+00'") : h => $"'2026-11-16 0{h}:00:00'";
        Guid subject = Guid.NewGuid(), other = Guid.NewGuid(), first = Guid.NewGuid(), second = Guid.NewGuid(), third = Guid.NewGuid(), alone = Guid.NewGuid();
        await exec("INSERT INTO \"IncentiveAwards\" (\"Id\", \"Year\", \"Kind\", \"SubjectId\", \"Reason\", \"AwardedBy\", \"AwardedAt\") VALUES "
            + $"({id(second)}, 2026, 'BestWindowUnit', {id(subject)}, '双击', 'office', {at(2)}), "
            + $"({id(first)}, 2026, 'BestWindowUnit', {id(subject)}, '委屈', 'office', {at(1)}), "
            + $"({id(third)}, 2026, 'BestWindowUnit', {id(subject)}, '重试', 'office', {at(3)}), "
            + $"({id(alone)}, 2026, 'BestWindowUnit', {id(other)}, '另一人', 'office', {at(1)})");

        await using (var db = NewContext(database)) await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync();

        await using (var db = NewContext(database))
        {
            var awards = await db.Set<Mingcha.Web.Features.Ratings.IncentiveAward>().AsNoTracking().OrderBy(a => a.AwardedAt).ThenBy(a => a.Id).ToListAsync();
            Assert.Equal(4, awards.Count);
            Assert.Equal(new Guid?[] { null, null, first, first }.Order().ToList(), awards.Select(a => a.SupersededById).Order().ToList());
            Assert.Null(awards.Single(a => a.Id == first).SupersededById);
            Assert.Null(awards.Single(a => a.Id == alone).SupersededById);
            var audited = await db.AuditEntries.AsNoTracking().Where(e => e.EntityType == "IncentiveAward").Select(e => e.EntityKey).ToListAsync();
            Assert.Equal(new[] { second.ToString(), third.ToString() }.Order(), audited.Order());

            db.Add(new Mingcha.Web.Features.Ratings.IncentiveAward(2026, "BestWindowUnit", subject, "又一次", "office", DateTime.UtcNow));
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();
            // A grievance award is given for each wrong suffered: a second one of the year is no double.
            db.Add(new Mingcha.Web.Features.Ratings.IncentiveAward(2026, "Grievance", subject, "第一次受委屈", "office", DateTime.UtcNow));
            db.Add(new Mingcha.Web.Features.Ratings.IncentiveAward(2026, "Grievance", subject, "第二次受委屈", "office", DateTime.UtcNow));
            await db.SaveChangesAsync();
        }
    }

    /// <summary>
    /// SAT-5, decision 035: identical grievance awards stored before 0047 (the same person, year and reason, posted at once)
    /// do not make the migration fail: the later ones are marked superseded by the oldest (audited), awards for other
    /// wrongs stand; afterwards the same grievance award again is refused by the unique index on the reason's key.
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-5")]
    public async Task Migration0047_MarksLaterIdenticalGrievanceAwardsSuperseded_AndTheIndexRefusesANewOne()
    {
        using var database = new TestDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var exec = await AppliedBeforeAsync(connection, 47);
        var id = TestDatabase.IsPostgres ? (Func<Guid, string>)(g => $"'{g}'") : g => $"'{g.ToString().ToUpperInvariant()}'";
        var at = TestDatabase.IsPostgres ? (Func<int, string>)(h => $"'2026-11-16 0{h}:00:00+00'") : h => $"'2026-11-16 0{h}:00:00'";
        Guid person = Guid.NewGuid(), first = Guid.NewGuid(), second = Guid.NewGuid(), otherWrong = Guid.NewGuid(), lastYear = Guid.NewGuid();
        await exec("INSERT INTO \"IncentiveAwards\" (\"Id\", \"Year\", \"Kind\", \"SubjectId\", \"Reason\", \"AwardedBy\", \"AwardedAt\") VALUES "
            + $"({id(second)}, 2026, 'Grievance', {id(person)}, '被当众辱骂', 'office', {at(2)}), "
            + $"({id(first)}, 2026, 'Grievance', {id(person)}, '被当众辱骂', 'office', {at(1)}), "
            + $"({id(otherWrong)}, 2026, 'Grievance', {id(person)}, '被无理投诉', 'office', {at(3)}), "
            + $"({id(lastYear)}, 2025, 'Grievance', {id(person)}, '被当众辱骂', 'office', {at(1)})");

        await using (var db = NewContext(database)) await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync();

        await using (var db = NewContext(database))
        {
            var awards = await db.Set<Mingcha.Web.Features.Ratings.IncentiveAward>().AsNoTracking().ToListAsync();
            Assert.Equal(4, awards.Count); // none deleted
            Assert.Equal(first, awards.Single(a => a.Id == second).SupersededById);
            Assert.All(awards.Where(a => a.Id != second), a => Assert.Null(a.SupersededById));
            var audited = await db.AuditEntries.AsNoTracking().Where(e => e.EntityType == "IncentiveAward").Select(e => e.EntityKey).ToListAsync();
            Assert.Equal([second.ToString()], audited);

            db.Add(new Mingcha.Web.Features.Ratings.IncentiveAward(2026, "Grievance", person, "被当众打骂", "office", DateTime.UtcNow));
            await db.SaveChangesAsync();
            db.Add(new Mingcha.Web.Features.Ratings.IncentiveAward(2026, "Grievance", person, " 被当众打骂 ", "office", DateTime.UtcNow));
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        }
    }

    /// <summary>
    /// ORG-3 (migration 0048): an account linked to two supervisors before the unique index (two links at the same moment)
    /// does not make the migration fail: the first approved keeps the link, the other loses it (audited); afterwards a
    /// second supervisor linked to the account is refused by the index.
    /// </summary>
    [Fact]
    [Trait("Rule", "ORG-3")]
    public async Task Migration0048_LeavesAnAccountLinkedToItsFirstApprovedSupervisor_AndTheIndexRefusesASecondLink()
    {
        using var database = new TestDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var exec = await AppliedBeforeAsync(connection, 48);
        var id = TestDatabase.IsPostgres ? (Func<Guid, string>)(g => $"'{g}'") : g => $"'{g.ToString().ToUpperInvariant()}'";
        var at = TestDatabase.IsPostgres ? (Func<int, string>)(h => $"'2026-11-16 0{h}:00:00+00'") : h => $"'2026-11-16 0{h}:00:00'";
        var no = TestDatabase.IsPostgres ? "false" : "0";
        Guid first = Guid.NewGuid(), later = Guid.NewGuid(), other = Guid.NewGuid();
        await exec("INSERT INTO \"Supervisors\" (\"Id\", \"Code\", \"Name\", \"Status\", \"ApprovedAt\", \"UserId\", \"IsDemo\") VALUES "
            + $"({id(later)}, 'sup-b', '后批准', 'Approved', {at(2)}, 'account-1', {no}), "
            + $"({id(first)}, 'sup-a', '先批准', 'Approved', {at(1)}, 'account-1', {no}), "
            + $"({id(other)}, 'sup-c', '另一账户', 'Approved', {at(3)}, 'account-2', {no})");

        await using (var db = NewContext(database)) await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync();

        await using (var db = NewContext(database))
        {
            var links = await db.Supervisors.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.UserId);
            Assert.Equal(3, links.Count); // none deleted
            Assert.Equal("account-1", links[first]);
            Assert.Null(links[later]);
            Assert.Equal("account-2", links[other]);
            var audited = await db.AuditEntries.AsNoTracking().Where(e => e.EntityType == "Supervisor").Select(e => e.EntityKey).ToListAsync();
            Assert.Equal([later.ToString()], audited);

            var s = await db.Supervisors.SingleAsync(x => x.Id == later);
            s.UserId = "account-2";
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        }
    }

    /// <summary>
    /// ORG-1, INS-8 (migration 0050, decision 039): two units with one credit code, and an account with two designations as
    /// its unit's leader in force, stored before the unique indexes (two requests at the same moment), do not make the
    /// migration fail: the oldest unit keeps the code and the other loses it, the oldest designation stays and the later one
    /// is withdrawn (each audited, no row deleted); afterwards the indexes refuse a second unit with the code and a second
    /// designation in force.
    /// </summary>
    [Fact]
    [Trait("Rule", "ORG-1")]
    [Trait("Rule", "INS-8")]
    public async Task Migration0050_LeavesACreditCodeWithItsOldestUnit_AndOneDesignationInForce_AndTheIndexesRefuseASecond()
    {
        using var database = new TestDatabase();
        await using var connection = await database.OpenConnectionAsync();
        var exec = await AppliedBeforeAsync(connection, 50);
        var id = TestDatabase.IsPostgres ? (Func<Guid, string>)(g => $"'{g}'") : g => $"'{g.ToString().ToUpperInvariant()}'";
        var at = TestDatabase.IsPostgres ? (Func<int, string>)(h => $"'2026-11-16 0{h}:00:00+00'") : h => $"'2026-11-16 0{h}:00:00'";
        var (no, yes) = TestDatabase.IsPostgres ? ("false", "true") : ("0", "1");
        Guid older = Guid.NewGuid(), newer = Guid.NewGuid(), other = Guid.NewGuid(), first = Guid.NewGuid(), later = Guid.NewGuid();
        await exec("INSERT INTO \"Units\" (\"Id\", \"Code\", \"Name\", \"CreditCode\", \"Active\", \"IsDemo\", \"CreatedAt\") VALUES "
            + $"({id(newer)}, 'u-new', '后建单位', '12100000400000001X', {yes}, {no}, {at(2)}), "
            + $"({id(older)}, 'u-old', '先建单位', '12100000400000001X', {yes}, {no}, {at(1)}), "
            + $"({id(other)}, 'u-other', '另一单位', '121000004000000028', {yes}, {no}, {at(3)})");
        await exec("INSERT INTO \"AspNetUsers\" (\"Id\", \"DisplayName\", \"UnitId\", \"CreatedAt\", \"IsDemo\", \"UserName\", \"EmailConfirmed\", "
            + "\"PhoneNumberConfirmed\", \"TwoFactorEnabled\", \"LockoutEnabled\", \"AccessFailedCount\") VALUES "
            + $"('leader-1', '领导', {id(older)}, {at(1)}, {no}, 'leader-1', {no}, {no}, {no}, {no}, 0)");
        await exec("INSERT INTO \"UnitLeaders\" (\"Id\", \"UserId\", \"UnitId\", \"DesignatedBy\", \"DesignatedAt\") VALUES "
            + $"({id(later)}, 'leader-1', {id(older)}, 'admin-b', {at(2)}), ({id(first)}, 'leader-1', {id(older)}, 'admin-a', {at(1)})");

        await using (var db = NewContext(database)) await new SchemaMigrator(db, NullLogger<SchemaMigrator>.Instance).MigrateAsync();

        await using (var db = NewContext(database))
        {
            var codes = await db.Units.AsNoTracking().ToDictionaryAsync(u => u.Id, u => u.CreditCode);
            Assert.Equal(3, codes.Count); // none deleted
            Assert.Equal("12100000400000001X", codes[older]);
            Assert.Null(codes[newer]);
            Assert.Equal("121000004000000028", codes[other]);
            var leaders = await db.UnitLeaders.AsNoTracking().ToDictionaryAsync(l => l.Id);
            Assert.Equal(2, leaders.Count);
            Assert.Null(leaders[first].WithdrawnAt);
            Assert.Equal("system", leaders[later].WithdrawnBy);
            Assert.NotNull(leaders[later].WithdrawnAt);
            Assert.Equal([newer.ToString()], await db.AuditEntries.AsNoTracking().Where(e => e.EntityType == "Unit").Select(e => e.EntityKey).ToListAsync());
            Assert.Equal([later.ToString()], await db.AuditEntries.AsNoTracking().Where(e => e.EntityType == "UnitLeader").Select(e => e.EntityKey).ToListAsync());

            (await db.Units.SingleAsync(u => u.Id == newer)).CreditCode = "121000004000000028";
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();
            db.UnitLeaders.Add(new Mingcha.Web.Features.Identity.UnitLeader("leader-1", older, "admin-c", DateTime.UtcNow));
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        }
    }

    /// <summary>Applies the scripts before <paramref name="version"/> as the migrator would have; returns a way to run more SQL on the connection.</summary>
    private static async Task<Func<string, Task>> AppliedBeforeAsync(DbConnection connection, int version)
    {
        async Task Exec(string sql)
        {
            await using var cmd = TestDatabase.Command(connection, sql);
            await cmd.ExecuteNonQueryAsync();
        }
        await Exec("CREATE TABLE mingcha_schema_version (version integer NOT NULL PRIMARY KEY, name varchar(200) NOT NULL, applied_at varchar(40) NOT NULL)");
        foreach (var script in SchemaMigrator.Scripts(TestDatabase.IsPostgres).Where(s => s.Version < version))
        {
            await Exec(script.Sql);
            await Exec($"INSERT INTO mingcha_schema_version VALUES ({script.Version}, '{script.Name}', 'test')");
        }
        return Exec;
    }

    private static MingchaDb NewContext(TestDatabase database, bool withUnscriptedChange = false, bool strict = false)
    {
        var options = new MingchaOptions { DatabaseProvider = database.Provider, ConnectionString = database.ConnectionString, DataFolder = database.DataFolder, StrictQueries = strict };
        var builder = new DbContextOptionsBuilder<MingchaDb>();
        DatabaseSetup.Configure(builder, options);
        if (withUnscriptedChange) builder.ReplaceService<IModelCustomizer, UnscriptedChange>();
        return new MingchaDb(builder.Options, TimeProvider.System, new SystemActor("schema-test"));
    }

    /// <summary>A model change as a developer might make it and forget the script: a new column with an index.</summary>
    private sealed class UnscriptedChange(ModelCustomizerDependencies dependencies) : ModelCustomizer(dependencies)
    {
        public override void Customize(ModelBuilder modelBuilder, DbContext context)
        {
            base.Customize(modelBuilder, context);
            modelBuilder.Entity<Unit>(e =>
            {
                e.Property<string>("Motto").HasMaxLength(50);
                e.HasIndex("Motto");
            });
        }
    }

    /// <summary>Lines present on one side only, "- scripts" then "+ model", sorted so that a table's lines stand together.</summary>
    private static string Difference(SortedSet<string> scripts, SortedSet<string> model) =>
        string.Join("\n", scripts.Except(model).Select(l => (Line: l, Text: "  - scripts only: " + l))
            .Concat(model.Except(scripts).Select(l => (Line: l, Text: "  + model only:   " + l)))
            .OrderBy(x => x.Line, StringComparer.Ordinal).Select(x => x.Text));

    /// <summary>The schema as comparable lines: tables, columns (name, type, nullability, default), keys, indexes, foreign keys.</summary>
    private static async Task<SortedSet<string>> SchemaOf(TestDatabase database)
    {
        await using var connection = await database.OpenConnectionAsync();
        return TestDatabase.IsPostgres ? await PostgresSchemaAsync(connection) : await SqliteSchemaAsync(connection);
    }

    private static async Task<SortedSet<string>> SqliteSchemaAsync(DbConnection c)
    {
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        var tables = await RowsAsync(c, "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'mingcha_schema_version'");
        foreach (var table in tables)
        {
            var t = (string)table[0]!;
            lines.Add($"table {t}");
            if (((string)table[1]!).Contains("AUTOINCREMENT", StringComparison.OrdinalIgnoreCase)) lines.Add($"table {t} autoincrement");

            var columns = await RowsAsync(c, $"PRAGMA table_info(\"{t}\")"); // cid, name, type, notnull, dflt_value, pk
            foreach (var col in columns)
                lines.Add($"column {t}.{col[1]} {col[2]} {(Convert.ToInt64(col[3], Inv) == 1 ? "NOT NULL" : "NULL")}{(col[4] is null ? "" : $" DEFAULT {col[4]}")}");
            var pk = columns.Where(col => Convert.ToInt64(col[5], Inv) > 0)
                .OrderBy(col => Convert.ToInt64(col[5], Inv)).Select(col => (string)col[1]!).ToList();
            if (pk.Count > 0) lines.Add($"primary key {t} ({string.Join(", ", pk)})");

            foreach (var index in await RowsAsync(c, $"PRAGMA index_list(\"{t}\")")) // seq, name, unique, origin, partial
            {
                if ((string)index[3]! == "pk") continue; // the primary key, listed above
                var name = (string)index[1]!;
                var cols = (await RowsAsync(c, $"PRAGMA index_info(\"{name}\")")).OrderBy(r => Convert.ToInt64(r[0], Inv)).Select(r => (string)r[2]!);
                var filter = "";
                if (Convert.ToInt64(index[4], Inv) == 1) // partial: its WHERE, spaces collapsed (the script and EF may lay it out differently)
                {
                    var sql = (string)(await RowsAsync(c, $"SELECT sql FROM sqlite_master WHERE type = 'index' AND name = '{name}'"))[0][0]!;
                    filter = " WHERE " + string.Join(' ', sql[(sql.LastIndexOf(" WHERE ", StringComparison.OrdinalIgnoreCase) + 7)..].TrimEnd(';', ' ', '\n').Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                }
                lines.Add($"index {t}.{name} ({string.Join(", ", cols)}){(Convert.ToInt64(index[2], Inv) == 1 ? " UNIQUE" : "")}{filter}");
            }

            foreach (var fk in (await RowsAsync(c, $"PRAGMA foreign_key_list(\"{t}\")")).GroupBy(r => Convert.ToInt64(r[0], Inv)))
            {
                var parts = fk.OrderBy(r => Convert.ToInt64(r[1], Inv)).ToList();
                lines.Add($"foreign key {t} ({string.Join(", ", parts.Select(r => r[3]))}) -> {parts[0][2]} ({string.Join(", ", parts.Select(r => r[4]))}) ON DELETE {parts[0][6]} ON UPDATE {parts[0][5]}");
            }
        }
        return lines;
    }

    private static async Task<SortedSet<string>> PostgresSchemaAsync(DbConnection c)
    {
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var r in await RowsAsync(c, """
            SELECT table_name FROM information_schema.tables
            WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'mingcha_schema_version'
            """))
            lines.Add($"table {r[0]}");

        foreach (var r in await RowsAsync(c, """
            SELECT table_name, column_name,
                   CASE WHEN character_maximum_length IS NOT NULL THEN data_type || '(' || character_maximum_length || ')'
                        WHEN data_type = 'numeric' AND numeric_precision IS NOT NULL THEN 'numeric(' || numeric_precision || ',' || numeric_scale || ')'
                        ELSE data_type END,
                   is_nullable, column_default, is_identity, identity_generation
            FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name <> 'mingcha_schema_version'
            """))
            lines.Add($"column {r[0]}.{r[1]} {r[2]} {((string)r[3]! == "YES" ? "NULL" : "NOT NULL")}"
                + (r[4] is null ? "" : $" DEFAULT {r[4]}") + ((string?)r[5] == "YES" ? $" IDENTITY {r[6]}" : ""));

        // Primary keys, unique and check constraints and foreign keys, with their names and full definitions.
        foreach (var r in await RowsAsync(c, """
            SELECT t.relname, k.conname, k.contype, pg_get_constraintdef(k.oid)
            FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = 'public' AND t.relname <> 'mingcha_schema_version'
            """))
            lines.Add($"{ConstraintKind(r[2])} {r[0]}.{r[1]} {r[3]}");

        foreach (var r in await RowsAsync(c, """
            SELECT tablename, indexname, indexdef FROM pg_indexes
            WHERE schemaname = 'public' AND tablename <> 'mingcha_schema_version'
            """))
            lines.Add($"index {r[0]}.{r[1]} {r[2]}");
        return lines;
    }

    private static string ConstraintKind(object? contype) => Convert.ToString(contype, Inv) switch
    {
        "p" => "primary key",
        "f" => "foreign key",
        "u" => "unique",
        "c" => "check",
        var other => "constraint " + other,
    };

    private static readonly System.Globalization.CultureInfo Inv = System.Globalization.CultureInfo.InvariantCulture;

    private static async Task<List<object?[]>> RowsAsync(DbConnection c, string sql)
    {
        await using var cmd = TestDatabase.Command(c, sql);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }
}
