using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.IntegrationTests.Rectification;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Features.Evidence;
using Mingcha.Web.Features.Ratings;
using Mingcha.Web.Infrastructure;

namespace Mingcha.IntegrationTests.Security;

/// <summary>
/// The <c>backup</c> command (docs/operations.md): a copy taken while Mingcha runs restores into a working instance,
/// with its accounts, its key ring (decision 016), its evidence files and an intact audit chain that records the copy.
/// </summary>
public sealed class BackupTests
{
    [Fact]
    [Trait("Rule", "SEC-3")]
    [Trait("Rule", "SEC-4")]
    [Trait("Rule", "EVD-1")]
    public async Task Backup_TakenWhileRunning_RestoresIntoAWorkingInstance()
    {
        using var app = new BareMingchaApp();
        var (staff, _) = await app.SignedInAsync(Roles.OfficeStaff);
        var sealedPhone = app.Services.GetRequiredService<PersonalDataSealer>().Seal("13812345678");
        var photo = RandomNumberGenerator.GetBytes(50_000);
        var sha = Convert.ToHexStringLower(SHA256.HashData(photo));
        var staged = Path.Combine(app.Database.DataFolder, "staged.jpg");
        await File.WriteAllBytesAsync(staged, photo);
        await app.Services.GetRequiredService<IEvidenceStore>().PutAsync(sha, staged, photo.Length, CancellationToken.None);
        var backup = Path.Combine(Path.GetTempPath(), "mingcha-backup-" + Guid.NewGuid().ToString("N"));
        try
        {
            Assert.Equal(0, await Commands.RunAsync(["backup", backup], app.Services));

            Assert.True(File.Exists(Path.Combine(backup, "keys", "key-ring.pfx")));
            Assert.True(File.Exists(Path.Combine(backup, "backup.json")));
            Assert.Equal(photo, await File.ReadAllBytesAsync(Path.Combine(backup, "evidence", "store", sha[..2], sha[2..4], sha)));
            var recorded = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Seq).Select(e => new { e.Action, e.EntityKey }).FirstAsync());
            Assert.Equal(("system.backup", backup), (recorded.Action, recorded.EntityKey));
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(backup));
            if (TestDatabase.IsPostgres)
            {
                Assert.False(File.Exists(Path.Combine(backup, "mingcha.db"))); // PostgreSQL is dumped with pg_dump
                return;
            }

            // Restore: the backup's files into a new, empty data folder; a new instance starts on them.
            var restoredDatabase = new TestDatabase();
            CopyTree(backup, restoredDatabase.DataFolder);
            using var restored = new RestoredApp(restoredDatabase);

            var client = restored.NewClient();
            Assert.Equal(HttpStatusCode.NoContent, (await MingchaApp.LoginAsync(client, staff)).StatusCode);
            Assert.Equal("13812345678", restored.Services.GetRequiredService<PersonalDataSealer>().Open(sealedPhone));
            Assert.Equal((sha, (long)photo.Length), await restored.Services.GetRequiredService<IEvidenceStore>().HashAsync(sha, CancellationToken.None));
            await restored.WithScopeAsync(async sp =>
            {
                var chain = await sp.GetRequiredService<AuditVerifier>().VerifyAsync();
                Assert.True(chain.IsIntact, chain.FirstBreak?.Message);
                Assert.Equal("system.backup", await sp.GetRequiredService<Mingcha.Web.Data.MingchaDb>().AuditEntries
                    .Where(e => e.EntityKey == backup).Select(e => e.Action).SingleAsync());
            });
        }
        finally
        {
            try { Directory.Delete(backup, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>
    /// Decision 017: ratings a killed instance acknowledged but had not yet put into the tables wait in its journal; a
    /// backup taken before that instance is started again still has them (the backup inserts them first).
    /// </summary>
    [SqliteOnlyFact]
    [Trait("Rule", "SAT-1")]
    public async Task Backup_AfterAnInstanceWasKilled_HoldsTheRatingsItsJournalHeld()
    {
        using var app = new MingchaApp();
        var w = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == Mingcha.Web.Features.Organisation.SectionKind.Window).OrderBy(s => s.Code).FirstAsync());
        // Rated and received on Sunday, the day before the test clock's Monday: a day the counting below counts (decision 043).
        var sunday = MingchaApp.Start.UtcDateTime.AddDays(-1);
        var lost = new RatingSubmission(Guid.CreateVersion7(), "KILLED-1", w.UnitId, w.Id, null, null, Mingcha.Domain.Satisfaction.RatingChannel.Device,
            Mingcha.Domain.Satisfaction.RatingScale.ThreeLevel, 3, 3, true, null, null, sunday, sunday, null);
        Task<string> CountAsync() => app.WithScopeResultAsync(sp => sp.GetRequiredService<RatingDayCounts>().RefreshAsync(CancellationToken.None));
        Assert.StartsWith("counted from scratch", await CountAsync());
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        async Task<int> SundayAsync() => (await office.GetFromJsonAsync<System.Text.Json.JsonElement>(
            $"/api/v1/satisfaction/units/{w.UnitId}?from=2026-11-15&to=2026-11-15")).GetProperty("counted").GetInt32();
        var before = await SundayAsync();
        using (var journal = RatingJournal.Open(Path.Combine(app.Database.DataFolder, "ratings.1.journal"), 1 << 20, out _))
            journal.Append([lost]);
        var backup = Path.Combine(Path.GetTempPath(), "mingcha-backup-" + Guid.NewGuid().ToString("N"));
        try
        {
            Assert.Equal(0, await Commands.RunAsync(["backup", backup], app.Services));
            await using var copy = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(backup, "mingcha.db")};Mode=ReadOnly;Pooling=False");
            await copy.OpenAsync();
            await using var cmd = copy.CreateCommand();
            cmd.CommandText = "SELECT \"Level\" FROM \"Ratings\" WHERE \"CaseNumber\" = 'KILLED-1'";
            Assert.Equal(3L, await cmd.ExecuteScalarAsync());
            Assert.Equal(1, await app.WithDbAsync(db => db.Ratings.CountAsync(r => r.CaseNumber == "KILLED-1")));
            // Sunday was counted without it: its figures take it all the same, and the next counting starts over.
            Assert.Equal(before + 1, await SundayAsync());
            Assert.StartsWith("counted from scratch", await CountAsync());
            Assert.Equal(before + 1, await SundayAsync());
        }
        finally
        {
            if (Directory.Exists(backup)) Directory.Delete(backup, recursive: true);
        }
    }

    [Fact]
    public async Task Backup_IntoAFolderThatIsNotEmpty_OrInsideTheDataFolder_IsRefusedAndWritesNothing()
    {
        using var app = new BareMingchaApp();
        var full = Directory.CreateTempSubdirectory("mingcha-backup-full-").FullName;
        await File.WriteAllTextAsync(Path.Combine(full, "older.txt"), "an earlier backup");
        var inside = Path.Combine(app.Database.DataFolder, "backups", "today");
        var audited = await app.WithDbAsync(db => db.AuditEntries.CountAsync());
        try
        {
            Assert.Equal(1, await Commands.RunAsync(["backup", full], app.Services));
            Assert.Equal(["older.txt"], Directory.GetFileSystemEntries(full).Select(Path.GetFileName));
            Assert.Equal(1, await Commands.RunAsync(["backup", inside], app.Services));
            Assert.False(Directory.Exists(inside));
            Assert.Equal(2, await Commands.RunAsync(["backup"], app.Services));
            Assert.Equal(audited, await app.WithDbAsync(db => db.AuditEntries.CountAsync()));
        }
        finally
        {
            Directory.Delete(full, recursive: true);
        }
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>An instance on a restored data folder: nothing loaded, nothing created but what the backup holds.</summary>
    private sealed class RestoredApp(TestDatabase database) : MingchaApp(database, new TestClock(Start), ownsDatabase: true)
    {
        protected override bool LoadDemo => false;
    }
}
