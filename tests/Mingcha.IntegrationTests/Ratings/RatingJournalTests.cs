using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Satisfaction;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Ratings;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.IntegrationTests.Ratings;

/// <summary>
/// SAT-1 durability on SQLite (decision 017): the journal a rating is flushed to before its answer, read back as it was
/// written, cut at a torn last write, emptied by a reset; and an instance that finds ratings in its journal at start-up
/// puts them into the table once.
/// </summary>
public sealed class RatingJournalTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mingcha-journal", Guid.NewGuid().ToString("N"));

    public RatingJournalTests() => Directory.CreateDirectory(_folder);

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private static RatingSubmission Rating(int i, string? caseNumber = null, string? comment = null) =>
        new(Guid.CreateVersion7(), caseNumber ?? $"J-{i}", Guid.NewGuid(), Guid.NewGuid(), i % 2 == 0 ? Guid.NewGuid() : null, null,
            RatingChannel.Device, i % 2 == 0 ? RatingScale.ThreeLevel : RatingScale.FiveLevel, 1 + i % 3, 1 + i % 3, i % 3 == 2,
            i % 2 == 0 ? "13800138000" : null, comment, new DateTime(2026, 11, 16, 2, 0, i % 60, DateTimeKind.Utc),
            new DateTime(2026, 11, 16, 2, 0, i % 60, 5, DateTimeKind.Utc), Guid.NewGuid());

    private string Path1 => Path.Combine(_folder, RatingJournal.FileName);

    [Fact]
    [Trait("Rule", "SAT-1")]
    public void Journal_WhenReopened_HoldsEveryAppendedRatingAsWritten()
    {
        var first = Enumerable.Range(0, 25).Select(i => Rating(i)).ToList();
        var second = new List<RatingSubmission> { Rating(100, comment: "窗口人员态度很好，办事快。"), Rating(101, caseNumber: null) with { CaseNumber = null } };
        using (var journal = RatingJournal.Open(Path1, 1 << 20, out var held))
        {
            Assert.Empty(held);
            journal.Append(first);
            journal.Append(second);
        }
        using (RatingJournal.Open(Path1, 1 << 20, out var held))
            Assert.Equal([.. first, .. second], held);
    }

    [Fact]
    [Trait("Rule", "SAT-1")]
    public void Journal_WhenTheLastWriteIsTorn_HoldsTheRecordsBeforeIt()
    {
        var kept = Enumerable.Range(0, 10).Select(i => Rating(i)).ToList();
        var late = Rating(60);
        long end;
        using (var journal = RatingJournal.Open(Path1, 1 << 20, out _))
        {
            journal.Append(kept);
            end = journal.Offset;
            journal.Append([Rating(50), Rating(51)]);
        }
        // A crash in the middle of the last write: part of its bytes never reached the disk.
        using (var f = new FileStream(Path1, FileMode.Open, FileAccess.Write))
        {
            f.Position = end + 40;
            f.Write(new byte[60]);
        }
        using (var journal = RatingJournal.Open(Path1, 1 << 20, out var held))
        {
            Assert.Equal(kept, held);
            Assert.Equal(end, journal.Offset);
            // As the writer does at start-up: once the held ratings are in the table, a new generation.
            journal.Reset();
            journal.Append([late]);
        }
        using (RatingJournal.Open(Path1, 1 << 20, out var held))
            Assert.Equal([late], held);
    }

    [Fact]
    [Trait("Rule", "SAT-1")]
    public void Journal_AfterAReset_IsEmpty_AndDoesNotReadTheOlderRecordsBehindNewOnes()
    {
        using (var journal = RatingJournal.Open(Path1, 1 << 20, out _))
        {
            journal.Append(Enumerable.Range(0, 40).Select(i => Rating(i)).ToList());
            journal.Reset();
            Assert.True(journal.IsEmpty);
        }
        using (var journal = RatingJournal.Open(Path1, 1 << 20, out var held))
        {
            Assert.Empty(held);
            journal.Append([Rating(7)]);
            journal.Reset();
            journal.Append([Rating(8, caseNumber: "AFTER-TWO-RESETS")]);
        }
        using (RatingJournal.Open(Path1, 1 << 20, out var held))
            Assert.Equal("AFTER-TWO-RESETS", Assert.Single(held).CaseNumber);
    }

    [Fact]
    [Trait("Rule", "SAT-1")]
    public void Journal_WhenABatchDoesNotFit_WritesNothingAndSaysSo()
    {
        using var journal = RatingJournal.Open(Path1, 1 << 20, out _);
        var many = Enumerable.Range(0, 10_000).Select(i => Rating(i)).ToList(); // about 1.5 MiB
        Assert.False(journal.TryAppend(many));
        Assert.True(journal.IsEmpty);
        Assert.Throws<InvalidOperationException>(() => journal.Append(many));
        Assert.True(journal.TryAppend(many.Take(5).ToList()));
        Assert.False(journal.IsEmpty);
    }

    /// <summary>The applier waits two seconds before it takes journaled ratings into the tables.</summary>
    private sealed class SlowApplierApp : MingchaApp
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Mingcha:Ratings:ApplyGather", "00:00:02");
        }
    }

    /// <summary>
    /// A rating answered 201 is on disk in the journal before it is in the table; a request made after the answer still
    /// finds it, because every request waits until what was acknowledged before it is in the tables.
    /// </summary>
    [SqliteOnlyFact]
    [Trait("Rule", "SAT-1")]
    public async Task Request_AfterAnAnswer_FindsTheRating_ThoughTheTableLagsTheJournal()
    {
        using var app = new SlowApplierApp();
        var w = await app.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window).OrderBy(s => s.Code).FirstAsync());
        Mingcha.Web.Features.Identity.AccountsApi.CreateTokenResponse? token = null;
        await app.WithScopeAsync(async sp => token = await Mingcha.Web.Features.Identity.AccountsApi.CreateTokenAsync(
            new("device lag", ["ratings:write"], w.UnitId, null), "test", sp.GetRequiredService<Mingcha.Web.Data.MingchaDb>(), TimeProvider.System, default));
        var device = app.NewClient();
        device.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token!.Token);
        var office = await app.ClientAsAsync(Mingcha.Domain.Security.Roles.OfficeStaff);

        var posted = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(device, "/api/v1/ratings", new { sectionId = w.Id, caseNumber = "LAG-1", level = 1 });
        Assert.Equal(System.Net.HttpStatusCode.Created, posted.StatusCode);
        // Behind the app's back, at once: the table does not have it yet (the applier waits two seconds)...
        Assert.Equal(0L, Convert.ToInt64(await app.Database.ScalarAsync("SELECT COUNT(*) FROM \"Ratings\" WHERE \"CaseNumber\" = 'LAG-1'"), System.Globalization.CultureInfo.InvariantCulture));
        // ...but the office's next request does.
        var listed = await office.GetStringAsync("/api/v1/ratings?caseNumber=LAG-1");
        Assert.Contains("LAG-1", listed, StringComparison.Ordinal);
    }

    /// <summary>
    /// A second instance on the same SQLite database takes the next free journal; ratings an earlier process journaled there
    /// and never put into the table (killed between the answer and the insert) are inserted when it starts, once, with
    /// an audit line that seals them; a rating the table already had is not inserted again.
    /// </summary>
    [SqliteOnlyFact]
    [Trait("Rule", "SAT-1")]
    [Trait("Rule", "SAT-8")]
    [Trait("Rule", "SAT-7")]
    public async Task Instance_AtStartUp_InsertsWhatItsJournalHeld_Once()
    {
        using var first = new MingchaApp();
        var w = await first.WithDbAsync(db => db.Sections.Where(s => s.Kind == SectionKind.Window).OrderBy(s => s.Code).FirstAsync());
        var stored = await first.WithDbAsync(db => db.Ratings.CountAsync());
        var lost = Enumerable.Range(0, 3).Select(i => Rating(i, caseNumber: $"LOST-{i}") with { UnitId = w.UnitId, SectionId = w.Id, StaffId = null }).ToList();
        var already = Rating(9, caseNumber: "LOST-already") with { UnitId = w.UnitId, SectionId = w.Id, StaffId = null };
        await first.Database.ExecuteAsync(
            "INSERT INTO \"Ratings\" (\"Id\",\"CaseNumber\",\"UnitId\",\"SectionId\",\"Channel\",\"Scale\",\"Level\",\"CommonLevel\",\"IsBad\",\"RealName\",\"RatedAt\",\"ReceivedAt\") VALUES (@p0,@p1,@p2,@p3,'Device','ThreeLevel',1,1,0,0,@p4,@p4)",
            already.Id.ToString().ToUpperInvariant(), already.CaseNumber, w.UnitId.ToString().ToUpperInvariant(), w.Id.ToString().ToUpperInvariant(), "2026-11-16 02:00:09");
        // The journal of an instance that was killed: the first instance holds ratings.journal, so the next one takes this.
        using (var journal = RatingJournal.Open(Path.Combine(first.Database.DataFolder, "ratings.1.journal"), 1 << 20, out _))
            journal.Append([.. lost, already]);

        using (var second = MingchaApp.SharingDatabaseWith(first))
        {
            _ = second.Services; // starts it
            var rows = await second.WithDbAsync(db => db.Ratings.Where(r => r.CaseNumber!.StartsWith("LOST-")).OrderBy(r => r.CaseNumber).ToListAsync());
            Assert.Equal(["LOST-0", "LOST-1", "LOST-2", "LOST-already"], rows.Select(r => r.CaseNumber));
            Assert.Equal(lost.Select(r => r.Level), rows.Take(3).Select(r => r.Level));
            var seal = await second.WithDbAsync(db => db.AuditEntries.Where(a => a.Action == "ratings.recover").ToListAsync());
            Assert.Contains(lost[0].Id.ToString(), Assert.Single(seal).EntityKey!, StringComparison.OrdinalIgnoreCase);
            // The bad one among them is followed up like any other (SAT-7): the aftercare's start-up pass finds it.
            Assert.True(lost[2].IsBad);
            await RatingsTests.WaitForAsync(() => second.WithDbAsync(db => db.FollowUpCases.FirstOrDefaultAsync(f => f.RatingId == lost[2].Id)));
        }
        // Started again on the same journal: nothing is inserted twice.
        using (var third = MingchaApp.SharingDatabaseWith(first))
        {
            _ = third.Services;
            Assert.Equal(stored + 4, await third.WithDbAsync(db => db.Ratings.CountAsync()));
            Assert.Single(await third.WithDbAsync(db => db.AuditEntries.Where(a => a.Action == "ratings.recover").ToListAsync()));
        }
    }
}
