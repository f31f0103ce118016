using System.Data.Common;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Audit;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web;
using Mingcha.Web.Infrastructure;

namespace Mingcha.IntegrationTests.Audit;

/// <summary>
/// The append-only, hash-chained audit log (SEC-3). The database refuses UPDATE and DELETE of its entries (decision
/// 025); the tampering tests lift those triggers as an owner of the database could, change the log behind the app's
/// back and put it right again afterwards (triggers included), so the tests of this class can share one database.
/// </summary>
public sealed class AuditLogTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    [Fact]
    [Trait("Rule", "SEC-3")]
    public async Task CreateAndRenameUnit_WhenDoneThroughTheApi_AppendsWhoWhenWhereAndBeforeAfter()
    {
        var (officer, client) = await app.SignedInAsync(Roles.OfficeAdmin);
        client.DefaultRequestHeaders.Add(MingchaApp.RemoteIpHeader, "203.0.113.7");
        var auditor = await app.ClientAsAsync(Roles.Auditor);
        var createdAt = app.Clock.GetUtcNow().UtcDateTime;

        var unit = await (await client.PostJsonAsync("/api/v1/units", new { code = Code("aud"), name = "市场监督管理局" })).ReadAsync<IdDto>(HttpStatusCode.Created);
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        await (await client.PatchJsonAsync($"/api/v1/units/{unit.Id}", new { name = "市场监督管理局（知识产权局）" })).ExpectAsync(HttpStatusCode.NoContent);

        var page = await auditor.GetAsync<AuditPageDto>($"/api/v1/audit?entityType=Unit&entityKey={unit.Id}");
        Assert.Equal(2, page.Total);
        var (update, create) = (page.Items[0], page.Items[1]); // newest first
        Assert.Equal(["create", "update"], new[] { create.Action, update.Action });
        Assert.All(page.Items, e =>
        {
            Assert.Equal(officer.UserName, e.UserName);
            Assert.Equal("203.0.113.7", e.Ip);
        });
        Assert.Equal(createdAt, create.At);
        Assert.Equal(createdAt.AddMinutes(10), update.At);
        Assert.Equal(create.Seq + 1, update.Seq);

        Assert.Null(create.Before);
        var after = JsonDocument.Parse(create.After!).RootElement;
        Assert.Equal("市场监督管理局", after.GetProperty("Name").GetString());
        Assert.Equal(unit.Id, after.GetProperty("Id").GetGuid());
        Assert.Equal("市场监督管理局", JsonDocument.Parse(update.Before!).RootElement.GetProperty("Name").GetString());
        Assert.Equal("市场监督管理局（知识产权局）", JsonDocument.Parse(update.After!).RootElement.GetProperty("Name").GetString());
    }

    [Fact]
    [Trait("Rule", "SEC-3")]
    public async Task Verify_WhenAnEntryIsEditedInTheDatabase_ReportsThatEntryAltered()
    {
        var auditor = await app.ClientAsAsync(Roles.Auditor); // signed in first: signing in appends to the log too
        var seq = await EntryWithSuccessorAsync();
        var original = (string?)await app.Database.ScalarAsync("""SELECT "After" FROM "AuditEntries" WHERE "Seq" = @p0""", seq);
        Assert.Equal(0, await VerifyCommandAsync());

        await TamperAsync(db => db.ExecuteAsync("""UPDATE "AuditEntries" SET "After" = @p0 WHERE "Seq" = @p1""", original!.Replace("甲", "丙", StringComparison.Ordinal), seq));
        try
        {
            var report = await VerifyAsync(auditor);
            Assert.Equal(seq, report.FirstBreak?.Seq);
            Assert.Equal(AuditBreakKind.EntryAltered, report.FirstBreak?.Kind);
            Assert.Equal(seq - 1, report.Checked);
            Assert.Equal(1, await VerifyCommandAsync());
            // The triggers are back once the tampering is done: the same edit without lifting them is refused.
            await AssertRefusedAsync("UPDATE", () => app.Database.ExecuteAsync("""UPDATE "AuditEntries" SET "After" = @p0 WHERE "Seq" = @p1""", original, seq));
        }
        finally
        {
            await TamperAsync(db => db.ExecuteAsync("""UPDATE "AuditEntries" SET "After" = @p0 WHERE "Seq" = @p1""", original, seq));
        }
        Assert.True((await VerifyAsync(auditor)).IsIntact);
    }

    /// <summary>EVD-5: "reports any file or record that changed": every edited entry, not only the first.</summary>
    [Fact]
    [Trait("Rule", "EVD-5")]
    [Trait("Rule", "SEC-3")]
    public async Task Verify_WhenTwoEntriesAreEditedInTheDatabase_ReportsBoth_InTheApiThePageAndTheCommand()
    {
        var auditor = await app.ClientAsAsync(Roles.Auditor);
        var first = await EntryWithSuccessorAsync();
        var second = await EntryWithSuccessorAsync();
        var originals = new Dictionary<long, string>();
        foreach (var seq in new[] { first, second })
            originals[seq] = (string)(await app.Database.ScalarAsync("""SELECT "After" FROM "AuditEntries" WHERE "Seq" = @p0""", seq))!;
        try
        {
            await TamperAsync(async db =>
            {
                foreach (var (seq, after) in originals)
                    await db.ExecuteAsync("""UPDATE "AuditEntries" SET "After" = @p0 WHERE "Seq" = @p1""", after.Replace("局", "处", StringComparison.Ordinal), seq);
            });
            var report = await VerifyAsync(auditor);
            Assert.Equal([(first, AuditBreakKind.EntryAltered), (second, AuditBreakKind.EntryAltered)], report.Breaks.Select(b => (b.Seq, b.Kind)));
            Assert.False(report.Stopped);
            Assert.Equal(first - 1, report.Checked);
            var page = await auditor.GetStringAsync("/Audit?handler=Verify");
            Assert.Contains("此后又发现 1 处问题", page, StringComparison.Ordinal);
            Assert.Contains($"data-seq=\"{second}\"", page, StringComparison.Ordinal);
            Assert.Equal(1, await VerifyCommandAsync());
        }
        finally
        {
            await TamperAsync(async db =>
            {
                foreach (var (seq, after) in originals)
                    await db.ExecuteAsync("""UPDATE "AuditEntries" SET "After" = @p0 WHERE "Seq" = @p1""", after, seq);
            });
        }
        Assert.True((await VerifyAsync(auditor)).IsIntact);
    }

    [Fact]
    [Trait("Rule", "SEC-3")]
    public async Task Verify_WhenAnEntryIsDeletedFromTheDatabase_ReportsThatEntryMissing()
    {
        var auditor = await app.ClientAsAsync(Roles.Auditor); // signed in first: signing in appends to the log too
        var seq = await EntryWithSuccessorAsync();
        var backup = "audit_backup_" + Guid.NewGuid().ToString("N")[..8];
        await app.Database.ExecuteAsync($"""CREATE TABLE {backup} AS SELECT * FROM "AuditEntries" WHERE "Seq" = @p0""", seq);
        await TamperAsync(db => db.ExecuteAsync("""DELETE FROM "AuditEntries" WHERE "Seq" = @p0""", seq));
        try
        {
            var report = await VerifyAsync(auditor);
            Assert.Equal(seq, report.FirstBreak?.Seq);
            Assert.Equal(AuditBreakKind.EntryMissing, report.FirstBreak?.Kind);
            Assert.Equal(1, await VerifyCommandAsync());
        }
        finally
        {
            await app.Database.ExecuteAsync($"""INSERT INTO "AuditEntries" SELECT * FROM {backup}""");
            await app.Database.ExecuteAsync($"DROP TABLE {backup}");
        }
        Assert.True((await VerifyAsync(auditor)).IsIntact);
    }

    [Fact]
    [Trait("Rule", "SEC-3")]
    public async Task Verify_WhenTwoEntriesSwapTheirSequenceNumbers_ReportsTheFirstOfThemAltered()
    {
        var auditor = await app.ClientAsAsync(Roles.Auditor); // signed in first: signing in appends to the log too
        var seq = await EntryWithSuccessorAsync();
        await SwapAsync(seq, seq + 1);
        try
        {
            // The sequence number is sealed into each entry's hash, so the swap shows as an edit of the first one.
            var report = await VerifyAsync(auditor);
            Assert.Equal(seq, report.FirstBreak?.Seq);
            Assert.Equal(AuditBreakKind.EntryAltered, report.FirstBreak?.Kind);
        }
        finally
        {
            await SwapAsync(seq, seq + 1);
        }
        Assert.True((await VerifyAsync(auditor)).IsIntact);
    }

    [Fact]
    [Trait("Rule", "SEC-3")]
    public async Task Verify_WhenAnEntryIsRewrittenAndResealed_ReportsTheBrokenLinkAtTheNextEntry()
    {
        var auditor = await app.ClientAsAsync(Roles.Auditor); // signed in first: signing in appends to the log too
        var seq = await EntryWithSuccessorAsync();
        var entry = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(a => a.Seq == seq));
        var forged = entry.ToRecord() with { After = """{"forged":true}""" };
        forged = forged with { Hash = AuditChain.ComputeHash(forged) };
        await TamperAsync(db => db.ExecuteAsync("""UPDATE "AuditEntries" SET "After" = @p0, "Hash" = @p1 WHERE "Seq" = @p2""", forged.After, forged.Hash, seq));
        try
        {
            var report = await VerifyAsync(auditor);
            Assert.Equal(seq + 1, report.FirstBreak?.Seq);
            Assert.Equal(AuditBreakKind.ChainLinkBroken, report.FirstBreak?.Kind);
            Assert.Equal(1, await VerifyCommandAsync());
        }
        finally
        {
            await TamperAsync(db => db.ExecuteAsync("""UPDATE "AuditEntries" SET "After" = @p0, "Hash" = @p1 WHERE "Seq" = @p2""", entry.After, entry.Hash, seq));
        }
        Assert.True((await VerifyAsync(auditor)).IsIntact);
    }

    [Fact]
    [Trait("Rule", "SEC-3")]
    public async Task SaveChanges_WhenDeletingAnAuditedRecordOrEditingTheLog_IsRefusedSec3()
    {
        var auditor = await app.ClientAsAsync(Roles.Auditor);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var unit = await (await office.PostJsonAsync("/api/v1/units", new { code = Code("del"), name = "待删单位" })).ReadAsync<IdDto>(HttpStatusCode.Created);

        var deleting = await Assert.ThrowsAsync<DomainRuleException>(() => app.WithDbAsync(async db =>
        {
            db.Units.Remove(await db.Units.SingleAsync(u => u.Id == unit.Id));
            return await db.SaveChangesAsync();
        }));
        Assert.Equal("SEC-3", deleting.RuleId);

        var editing = await Assert.ThrowsAsync<DomainRuleException>(() => app.WithDbAsync(async db =>
        {
            var entry = await db.AuditEntries.OrderByDescending(a => a.Seq).FirstAsync();
            db.Entry(entry).Property(a => a.After).CurrentValue = "{}";
            return await db.SaveChangesAsync();
        }));
        Assert.Equal("SEC-3", editing.RuleId);

        await (await office.GetAsync($"/api/v1/units/{unit.Id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.True((await VerifyAsync(auditor)).IsIntact);
    }

    [Fact]
    [Trait("Rule", "SEC-3")]
    public async Task RawUpdate_OfAuditEntries_IsRefusedByTheDatabase_AndChangesNothing()
    {
        var log = await LogAsItStandsAsync();
        var seq = log.Entry;

        await AssertRefusedAsync("UPDATE", () => app.Database.ExecuteAsync("""UPDATE "AuditEntries" SET "After" = @p0 WHERE "Seq" = @p1""", """{"Name":"丙局"}""", seq));
        // A forger who reseals: the content and its hash at once; and every entry in one statement.
        await AssertRefusedAsync("UPDATE", () => app.Database.ExecuteAsync("""UPDATE "AuditEntries" SET "After" = NULL, "Hash" = "PrevHash" WHERE "Seq" = @p0""", seq));
        await AssertRefusedAsync("UPDATE", () => app.Database.ExecuteAsync("""UPDATE "AuditEntries" SET "UserName" = 'nobody'"""));

        await AssertUnchangedAsync(log);
        Assert.Equal(TestDatabase.IsPostgres ? ["AuditEntries_no_delete", "AuditEntries_no_truncate", "AuditEntries_no_update"] : ["AuditEntries_no_delete", "AuditEntries_no_update"],
            await TableTriggers.ActiveAsync(app.Database, "AuditEntries"));
    }

    [Fact]
    [Trait("Rule", "SEC-3")]
    public async Task RawDelete_OfAuditEntries_IsRefusedByTheDatabase_AndChangesNothing()
    {
        var log = await LogAsItStandsAsync();
        var (seq, last) = (log.Entry, log.Last);

        await AssertRefusedAsync("DELETE", () => app.Database.ExecuteAsync("""DELETE FROM "AuditEntries" WHERE "Seq" = @p0""", seq));
        // The last entry: cutting the end off is what the chain alone cannot see (decision 002).
        await AssertRefusedAsync("DELETE", () => app.Database.ExecuteAsync("""DELETE FROM "AuditEntries" WHERE "Seq" = @p0""", last));
        // Every entry: SQLite's shortcut for a DELETE without WHERE is not taken while the table has a trigger.
        await AssertRefusedAsync("DELETE", () => app.Database.ExecuteAsync("""DELETE FROM "AuditEntries" """));

        await AssertUnchangedAsync(log);
    }

    [PostgresOnlyFact]
    [Trait("Rule", "SEC-3")]
    public async Task RawTruncate_OfAuditEntries_IsRefusedByPostgres_AndChangesNothing()
    {
        var log = await LogAsItStandsAsync();

        await AssertRefusedAsync("TRUNCATE", () => app.Database.ExecuteAsync("""TRUNCATE "AuditEntries" """));

        await AssertUnchangedAsync(log);
    }

    [Fact]
    [Trait("Rule", "SEC-3")]
    public void Endpoints_WhenListed_OfferNoDelete()
    {
        var deletes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains("DELETE", StringComparer.OrdinalIgnoreCase) == true)
            .Select(e => e.RoutePattern.RawText).ToList();

        Assert.True(deletes.Count == 0, "Nothing is deleted (SEC-3), yet these endpoints take DELETE: " + string.Join(", ", deletes));
        Assert.NotEmpty(ApiCatalog.MappedEndpoints(app.Services)); // the route table was read at all
    }

    [Fact]
    [Trait("Rule", "SEC-3")]
    public async Task Append_When20UnitsAreCreatedAtOnce_KeepsOneUnbrokenChain()
    {
        var auditor = await app.ClientAsAsync(Roles.Auditor);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var prefix = Code("par");

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            office.PostJsonAsync("/api/v1/units", new { code = $"{prefix}-{i:D2}", name = $"并发单位{i}" })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var report = await VerifyAsync(auditor);
        Assert.True(report.IsIntact, report.FirstBreak?.Message);
        var seqs = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking()
            .Where(a => a.EntityType == "Unit" && a.Action == "create" && a.After!.Contains(prefix)).Select(a => a.Seq).ToListAsync());
        Assert.Equal(20, seqs.Distinct().Count());
    }

    /// <summary>
    /// The Seq of a fresh audit entry followed by two more: a deletion at the very end is invisible to a chain by
    /// design, and the last entry is what the next append links to.
    /// </summary>
    private async Task<long> EntryWithSuccessorAsync()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var unit = await (await office.PostJsonAsync("/api/v1/units", new { code = Code("tam"), name = "甲局" })).ReadAsync<IdDto>(HttpStatusCode.Created);
        await (await office.PostJsonAsync("/api/v1/units", new { code = Code("tam"), name = "乙局" })).ExpectAsync(HttpStatusCode.Created);
        await (await office.PostJsonAsync("/api/v1/units", new { code = Code("tam"), name = "丁局" })).ExpectAsync(HttpStatusCode.Created);
        return await app.WithDbAsync(db => db.AuditEntries.Where(a => a.EntityType == "Unit" && a.EntityKey == unit.Id.ToString()).Select(a => a.Seq).SingleAsync());
    }

    private static Task<AuditChainReport> VerifyAsync(HttpClient auditor) => auditor.GetAsync<AuditChainReport>("/api/v1/audit/verify");

    /// <summary>The operator's command `verify-audit`, run against the app's services; returns its exit code.</summary>
    private Task<int> VerifyCommandAsync() => Commands.RunAsync(["verify-audit"], app.Services);

    private Task SwapAsync(long a, long b) => TamperAsync(async db =>
    {
        // Three steps: the primary key is checked row by row on PostgreSQL.
        await db.ExecuteAsync("""UPDATE "AuditEntries" SET "Seq" = -1 WHERE "Seq" = @p0""", a);
        await db.ExecuteAsync("""UPDATE "AuditEntries" SET "Seq" = @p0 WHERE "Seq" = @p1""", a, b);
        await db.ExecuteAsync("""UPDATE "AuditEntries" SET "Seq" = @p0 WHERE "Seq" = -1""", b);
    });

    /// <summary>
    /// Changes the log behind the app's back as an owner of the database could: lifts the append-only triggers
    /// (decision 025), runs the edit, and puts them back at once, so what follows meets the database as deployed.
    /// </summary>
    private async Task TamperAsync(Func<TestDatabase, Task> edit)
    {
        await using var lifted = await TableTriggers.SuspendAsync(app.Database, "AuditEntries");
        await edit(app.Database);
    }

    /// <summary>The database refuses the statement, naming the table, SEC-3 and what it refused.</summary>
    private static async Task AssertRefusedAsync(string operation, Func<Task> statement)
    {
        var refused = await Assert.ThrowsAnyAsync<DbException>(statement);
        Assert.Contains($"AuditEntries are append-only (SEC-3): {operation} refused", refused.Message, StringComparison.Ordinal);
    }

    private sealed record LogSnapshot(HttpClient Auditor, long Entry, long Last, List<string> Entries);

    /// <summary>A fresh entry with successors, and every entry up to the last, as stored, before a test tries to change them.</summary>
    private async Task<LogSnapshot> LogAsItStandsAsync()
    {
        var auditor = await app.ClientAsAsync(Roles.Auditor);
        var entry = await EntryWithSuccessorAsync();
        var last = await app.WithDbAsync(db => db.AuditEntries.MaxAsync(a => a.Seq));
        return new LogSnapshot(auditor, entry, last, await EntriesUpToAsync(last));
    }

    /// <summary>Every entry of the snapshot is still stored as it was (later appends aside), and the chain is intact.</summary>
    private async Task AssertUnchangedAsync(LogSnapshot log)
    {
        Assert.Equal(log.Entries, await EntriesUpToAsync(log.Last));
        Assert.True((await VerifyAsync(log.Auditor)).IsIntact);
    }

    /// <summary>Every entry up to <paramref name="last"/>, as stored: sequence number, hash and contents.</summary>
    private async Task<List<string>> EntriesUpToAsync(long last) =>
        (await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Seq <= last).OrderBy(a => a.Seq)
            .Select(a => new { a.Seq, a.At, a.UserName, a.Action, a.EntityType, a.EntityKey, a.Before, a.After, a.PrevHash, a.Hash }).ToListAsync()))
        .Select(a => a.ToString()!).ToList();

    [Fact]
    [Trait("Rule", "SEC-4")]
    public async Task StaffPhoneAndIdNumber_InTheAuditLog_AreMaskedAndSealed_AndRevealingOneIsLogged()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var auditor = await app.ClientAsAsync(Roles.Auditor);
        var unit = await (await office.PostJsonAsync("/api/v1/units", new { code = Code("pii"), name = "人社局" })).ReadAsync<IdDto>(HttpStatusCode.Created);
        var staff = await (await office.PostJsonAsync("/api/v1/staff", new
        {
            unitId = unit.Id, code = Code("st"), name = "李四", employment = "InService", phone = "13912345678", idNumber = "11010519491231002X",
        })).ReadAsync<IdDto>(HttpStatusCode.Created);

        var line = Assert.Single((await auditor.GetAsync<AuditPageDto>($"/api/v1/audit?entityType=Staff&entityKey={staff.Id}")).Items);
        Assert.DoesNotContain("13912345678", line.After, StringComparison.Ordinal);
        Assert.DoesNotContain("11010519491231002X", line.After, StringComparison.Ordinal);
        var after = JsonDocument.Parse(line.After!).RootElement;
        Assert.Equal("139****5678", after.GetProperty("Phone").GetProperty("Masked").GetString());
        Assert.Equal("1101**********002X", after.GetProperty("IdNumber").GetProperty("Masked").GetString());
        Assert.Equal("李四", after.GetProperty("Name").GetString()); // a staff member's name is not masked

        await (await auditor.PostJsonAsync($"/api/v1/audit/{line.Seq}/reveal", new { field = "Phone", reason = "" })).ExpectAsync(HttpStatusCode.BadRequest);
        await (await auditor.PostJsonAsync($"/api/v1/audit/{line.Seq}/reveal", new { field = "Name", reason = "核查录入错误" })).ExpectAsync(HttpStatusCode.NotFound);
        var revealed = await (await auditor.PostJsonAsync($"/api/v1/audit/{line.Seq}/reveal", new { field = "Phone", reason = "核查录入错误" }))
            .ReadAsync<RevealedDto>(HttpStatusCode.OK);
        Assert.Equal("13912345678", revealed.Value);

        var log = await auditor.GetAsync<AuditPageDto>($"/api/v1/audit?entityType=AuditEntry&entityKey={line.Seq}");
        var reveal = Assert.Single(log.Items);
        Assert.Equal("reveal-personal", reveal.Action);
        Assert.Contains("核查录入错误", reveal.After, StringComparison.Ordinal);
        Assert.DoesNotContain("13912345678", reveal.After, StringComparison.Ordinal);
        Assert.True((await VerifyAsync(auditor)).IsIntact);
    }

    /// <summary>
    /// SEC-4: asking to open a field of a line whose values are plain text (the calendar's import: "33 days; source") is
    /// answered as for any field that holds no sealed value, 404; it was a 400 saying the request's body was not JSON.
    /// </summary>
    [Fact]
    [Trait("Rule", "SEC-4")]
    public async Task Reveal_OnALineOfPlainText_Is404NotASealedValue_AndLogsNothing()
    {
        var auditor = await app.ClientAsAsync(Roles.Auditor);
        var line = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Action == "calendar.import").OrderBy(a => a.Seq).FirstAsync());
        Assert.False(line.After!.StartsWith('{'));
        var reveals = await app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "reveal-personal"));

        await (await auditor.PostJsonAsync($"/api/v1/audit/{line.Seq}/reveal", new { field = "Phone", reason = "核查导入记录" }))
            .ExpectRuleAsync(HttpStatusCode.NotFound, "SEC-4");
        Assert.Equal(reveals, await app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "reveal-personal")));
    }

    private static string Code(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private sealed record IdDto(Guid Id);
    private sealed record AuditLineDto(long Seq, DateTime At, string? UserName, string? Ip, string Action, string? EntityType, string? EntityKey, string? Before, string? After, string Hash);
    private sealed record RevealedDto(long Seq, string Field, string Masked, string Value);
    private sealed record AuditPageDto(List<AuditLineDto> Items, long Total);
}
