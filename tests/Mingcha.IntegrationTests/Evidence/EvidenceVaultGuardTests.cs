using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Evidence;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Evidence;
using Mingcha.Web.Features.Jobs;

namespace Mingcha.IntegrationTests.Evidence;

/// <summary>
/// The vault's guards at its edges: what an upload's metadata may hold, who may be given a case's evidence and keep
/// handing it in, and what the hourly sweep of expired uploads may take away. On SQLite or PostgreSQL alike.
/// </summary>
public sealed class EvidenceVaultGuardTests(EvidenceApp app) : IClassFixture<EvidenceApp>
{
    private TusStaging Staging => app.Services.GetRequiredService<TusStaging>();

    private static async Task<HttpResponseMessage> CreateWithHeaderAsync(HttpClient client, long length, string metadataHeader)
    {
        using var r = Tus.Request(HttpMethod.Post, "/api/v1/evidence/uploads");
        r.Headers.Add("Upload-Length", length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        r.Headers.TryAddWithoutValidation("Upload-Metadata", metadataHeader);
        return await client.SendAsync(r);
    }

    private static async Task AssertFieldProblemAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.MediaType ?? "", StringComparison.Ordinal);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), text);
        Assert.Equal("EVD-4", body.GetProperty("rule").GetString());
    }

    /// <summary>
    /// EVD-4: an Upload-Metadata header longer than its column (it is kept as received), or a value in it longer than
    /// where it goes, is a 400 naming the field; nothing is staged and no upload is recorded. (It was a 500 on
    /// PostgreSQL, with the staged files left behind.)
    /// </summary>
    [Fact]
    [Trait("Rule", "EVD-4")]
    public async Task Create_WithMetadataTooLong_Is400NamingTheField_AndLeavesNoStagedFileAndNoRow()
    {
        var (office, caseId) = await app.OfficeWithCaseAsync();
        var stagedBefore = Directory.GetFiles(Staging.Folder).ToHashSet(StringComparer.Ordinal);

        var tooLong = TusProtocol.FormatMetadata(new Dictionary<string, string>
        {
            ["caseId"] = caseId.ToString(), ["filename"] = "visit.mp4", ["note"] = new string('记', 2000),
        });
        Assert.True(tooLong.Length > EvidenceUpload.MaxMetadataLength);
        using (var r = await CreateWithHeaderAsync(office.Client, 1000, tooLong)) await AssertFieldProblemAsync(r, "Upload-Metadata");

        using (var r = await Tus.CreateAsync(office.Client, caseId, 1000, new string('a', 300) + ".mp4"))
            await AssertFieldProblemAsync(r, "filename");
        using (var r = await Tus.CreateAsync(office.Client, caseId, 1000, extra: new Dictionary<string, string> { ["location"] = new string('9', 201) }))
            await AssertFieldProblemAsync(r, "location");

        Assert.Equal(stagedBefore, Directory.GetFiles(Staging.Folder).ToHashSet(StringComparer.Ordinal));
        Assert.False(await app.WithDbAsync(db => db.EvidenceUploads.AnyAsync(u => u.CaseId == caseId)));

        // Within the limits, the same upload is taken.
        using var ok = await Tus.CreateAsync(office.Client, caseId, 1000, new string('a', 251) + ".mp4",
            new Dictionary<string, string> { ["location"] = new string('9', 200) });
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
    }

    /// <summary>
    /// EVD-3, SEC-2: a covert visit's evidence is for the Office and the visit's team until its findings are sent. The
    /// liaison of the unit under inspection cannot be given it (nor any other account of that unit), nor can an account
    /// that carries out no inspections; the liaison sees nothing of the case either way. A supervisor can be.
    /// </summary>
    [Fact]
    [Trait("Rule", "EVD-3")]
    [Trait("Rule", "SEC-2")]
    public async Task AssignInspector_RefusesTheTargetUnitsAccounts_AndNonInspectors_AndTheLiaisonStillSeesNothing()
    {
        var (office, caseId) = await app.OfficeWithCaseAsync(); // a covert visit of unit A
        var (unitA, unitB) = await app.UnitsAsync();
        var liaisonA = await app.SignInAsync(Roles.UnitLiaison, unitA);
        var inspectorOfA = await app.CreateUserAsync(Roles.AgencyInspector, unitA);
        var leader = await app.CreateUserAsync(Roles.Leader);
        var liaisonB = await app.CreateUserAsync(Roles.UnitLiaison, unitB);
        var supervisor = await app.CreateUserAsync(Roles.Supervisor);
        Task<HttpResponseMessage> Assign(string userId) => office.Client.PostAsJsonAsync($"/api/v1/evidence/cases/{caseId}/inspectors", new { userId });

        using (var r = await Assign(liaisonA.UserId)) await r.ExpectRuleAsync(HttpStatusCode.Conflict, "SEC-2");
        using (var r = await Assign(inspectorOfA.Id)) await r.ExpectRuleAsync(HttpStatusCode.Conflict, "SEC-2");
        using (var r = await Assign(leader.Id)) await r.ExpectRuleAsync(HttpStatusCode.Conflict, "EVD-3");
        using (var r = await Assign(liaisonB.Id)) await r.ExpectRuleAsync(HttpStatusCode.Conflict, "EVD-3");
        var (_, tokenOfA) = await app.TokenClientAsync(unitA, EvidenceAccessService.WriteScope);
        using (var r = await Assign($"token:{tokenOfA.Id}")) await r.ExpectRuleAsync(HttpStatusCode.Conflict, "SEC-2");

        var assigned = await app.WithDbAsync(db => db.EvidenceCaseInspectors.Where(i => i.CaseId == caseId).Select(i => i.UserId).ToListAsync());
        Assert.Empty(assigned);
        Assert.Equal(HttpStatusCode.NotFound, (await liaisonA.Client.GetAsync($"/api/v1/evidence/cases/{caseId}")).StatusCode);
        var listed = await Json.ReadAsync(await liaisonA.Client.GetAsync("/api/v1/evidence/cases"));
        Assert.DoesNotContain(listed.EnumerateArray(), c => c.GetProperty("id").GetGuid() == caseId);

        using (var r = await Assign(supervisor.Id)) Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await liaisonA.Client.GetAsync($"/api/v1/evidence/cases/{caseId}")).StatusCode);
    }

    /// <summary>
    /// EVD-3: an inspector taken off the visit while an upload is under way cannot go on with it nor finish it (403);
    /// nothing is recorded, the staged bytes stay for the sweep, and the case is hidden from them again.
    /// </summary>
    [Fact]
    [Trait("Rule", "EVD-3")]
    public async Task WithdrawnInspector_CannotContinueOrFinishAnUploadAlreadyStarted()
    {
        var (office, caseId) = await app.OfficeWithCaseAsync();
        var inspector = await app.SignInAsync(Roles.AgencyInspector);
        Assert.Equal(HttpStatusCode.NoContent, (await office.Client.PostAsJsonAsync($"/api/v1/evidence/cases/{caseId}/inspectors", new { userId = inspector.UserId })).StatusCode);
        var bytes = await File.ReadAllBytesAsync(TestMedia.FakeMp4(40_000));
        using var created = await Tus.CreateAsync(inspector.Client, caseId, bytes.Length);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var url = created.Headers.Location!.ToString();
        var uploadId = Guid.Parse(url.Split('/')[^1]);
        using (var first = await Tus.PatchAsync(inspector.Client, url, 0, bytes.AsMemory(0, 20_000))) Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);

        await app.WithScopeAsync(async sp =>
        {
            var by = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, office.UserId)], "test"));
            await sp.GetRequiredService<EvidenceCases>().WithdrawInspectorsAsync(caseId, [inspector.UserId], [], by, default);
            await sp.GetRequiredService<MingchaDb>().SaveChangesAsync();
        });

        using (var rest = await Tus.PatchAsync(inspector.Client, url, 20_000, bytes.AsMemory(20_000)))
            await rest.ExpectRuleAsync(HttpStatusCode.Forbidden, "EVD-3");
        using (var head = await Tus.HeadAsync(inspector.Client, url)) Assert.Equal(HttpStatusCode.Forbidden, head.StatusCode);

        Assert.False(await app.WithDbAsync(db => db.EvidenceItems.AnyAsync(i => i.CaseId == caseId)));
        Assert.Null(await app.WithDbAsync(db => db.EvidenceUploads.Where(u => u.Id == uploadId).Select(u => u.CompletedAt).FirstAsync()));
        Assert.Equal(20_000, new FileInfo(Staging.PartPath(uploadId)).Length);
        Assert.Equal(HttpStatusCode.NotFound, (await inspector.Client.GetAsync($"/api/v1/evidence/cases/{caseId}")).StatusCode);
    }

    /// <summary>
    /// EVD-4 (tus expiration): the hourly sweep leaves an upload that a request is writing (it holds the same per-upload
    /// gate), records the expiry on the row before it removes the staged files, and a later PATCH or HEAD is 410 Gone.
    /// The sweep is driven directly, with an occurrence past the upload's expiry.
    /// </summary>
    [Fact]
    [Trait("Rule", "EVD-4")]
    public async Task Sweep_LeavesABusyUpload_ThenRecordsTheExpiryAndRemovesTheStagedBytes_AndALaterPatchIs410()
    {
        var (office, caseId) = await app.OfficeWithCaseAsync();
        using var created = await Tus.CreateAsync(office.Client, caseId, 1000);
        var url = created.Headers.Location!.ToString();
        var uploadId = Guid.Parse(url.Split('/')[^1]);
        using (var first = await Tus.PatchAsync(office.Client, url, 0, new byte[100])) Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        var sweep = app.Services.GetServices<IRecurringJob>().OfType<ExpiredUploadSweep>().Single();
        var occurrence = app.Clock.GetUtcNow().UtcDateTime.AddDays(30);
        async Task<string> SweepAsync()
        {
            string? result = null;
            await app.WithScopeAsync(async sp => result = await sweep.RunAsync(sp, occurrence, default));
            return result!;
        }
        Task<DateTime?> ExpiredAtAsync() => app.WithDbAsync(db => db.EvidenceUploads.Where(u => u.Id == uploadId).Select(u => u.ExpiredAt).FirstAsync());

        var gate = Staging.State(uploadId).Gate;
        await gate.WaitAsync(); // as a PATCH that is writing holds it
        try
        {
            Assert.Contains("1 busy", await SweepAsync(), StringComparison.Ordinal);
            Assert.True(File.Exists(Staging.PartPath(uploadId)));
            Assert.Null(await ExpiredAtAsync());
        }
        finally
        {
            gate.Release();
        }

        await SweepAsync();
        Assert.NotNull(await ExpiredAtAsync());
        Assert.False(File.Exists(Staging.PartPath(uploadId)));
        Assert.Empty(Directory.GetFiles(Staging.Folder, uploadId.ToString("N") + ".*"));

        // The clock has not reached the upload's expiry: the recorded expiry is what refuses it.
        using (var later = await Tus.PatchAsync(office.Client, url, 100, new byte[100]))
            Assert.Equal(HttpStatusCode.Gone, later.StatusCode);
        using (var head = await Tus.HeadAsync(office.Client, url)) Assert.Equal(HttpStatusCode.Gone, head.StatusCode);
        Assert.False(File.Exists(Staging.PartPath(uploadId))); // nothing was staged again
        // The recorded expiry stays (0037), whoever writes.
        await Assert.ThrowsAnyAsync<Exception>(() => app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
            "UPDATE \"EvidenceUploads\" SET \"ExpiredAt\" = NULL WHERE \"ExpiredAt\" IS NOT NULL")));
        Assert.NotNull(await ExpiredAtAsync());
        Assert.Contains("0 expired", await SweepAsync(), StringComparison.Ordinal);
    }

    /// <summary>
    /// EVD-1, EVD-5: a file purged at the end of its retention and handed in again later (the same bytes, so the same
    /// SHA-256) is stored again as a new record with a retention of its own: the verifier re-hashes it and finds it fine,
    /// the old record stays purged, and once the new retention has ended the office purges it in its turn, a purge that is
    /// recorded (the first one is never changed) and that the verifier accepts.
    /// </summary>
    [Fact]
    [Trait("Rule", "EVD-1")]
    [Trait("Rule", "EVD-5")]
    public async Task SameBytes_HandedInAgainAfterAPurge_AreStoredVerified_AndPurgedInTheirTurn()
    {
        var (office, caseId) = await app.OfficeWithCaseAsync();
        var adminUser = await app.SignInAsync(Roles.OfficeAdmin);
        var file = TestMedia.FakeMp4(30_000);
        var sha = TestMedia.Sha256Of(file);
        var first = await Tus.UploadAsync(office.Client, caseId, file);
        Task<HttpResponseMessage> Purge(string decision) => adminUser.Client.PostAsJsonAsync($"/api/v1/evidence/blobs/{sha}/purge", new { decision });
        async Task<HttpStatusCode> View(Guid itemId) =>
            (await office.Client.PostAsJsonAsync($"/api/v1/evidence/items/{itemId}/access", new { action = "View", purpose = "复核" })).StatusCode;
        async Task<bool> StoredAsync()
        {
            var exists = false;
            await app.WithScopeAsync(async sp => exists = await sp.GetRequiredService<IEvidenceStore>().ExistsAsync(sha, default));
            return exists;
        }
        async Task<EvidenceVerificationReport> VerifyAsync()
        {
            EvidenceVerificationReport? report = null;
            await app.WithScopeAsync(async sp => report = await sp.GetRequiredService<EvidenceVerifier>().VerifyAsync(default));
            Assert.DoesNotContain(report!.Problems, p => p.Subject == sha);
            Assert.DoesNotContain(sha, report.PendingDeletions);
            return report;
        }
        async Task MoveClockAsync(TimeSpan by)
        {
            app.Clock.Advance(by);
            await EvidenceApp.SignInAgainAsync(office);
            await EvidenceApp.SignInAgainAsync(adminUser);
        }

        var retention = TimeSpan.FromDays(3 * 366);
        var moved = TimeSpan.Zero;
        try
        {
            await MoveClockAsync(retention); moved += retention;
            using (var r = await Purge("效能办〔2029〕7号 保存期满清除")) Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
            Assert.False(await StoredAsync());
            var afterPurge = await VerifyAsync();
            var firstPurge = await app.WithDbAsync(db => db.EvidenceBlobs.AsNoTracking().Where(b => b.Sha256 == sha).Select(b => b.PurgedAt).FirstAsync());

            // The same bytes, handed in again to the same case: a new record, the file stored again, re-hashed by the verifier.
            var second = await Tus.UploadAsync(office.Client, caseId, file);
            Assert.NotEqual(first, second);
            Assert.True(await StoredAsync());
            var afterReturn = await VerifyAsync();
            Assert.Equal(afterPurge.FilesChecked + 1, afterReturn.FilesChecked);
            Assert.Equal(HttpStatusCode.OK, await View(second));
            Assert.Equal(HttpStatusCode.Gone, await View(first)); // the old record's content stays purged

            // Its own retention runs from now: not purgeable before it ends.
            using (var early = await Purge("效能办〔2029〕8号 清除"))
            {
                await early.ExpectRuleAsync(HttpStatusCode.Conflict, "EVD-1");
            }
            Assert.True(await StoredAsync());

            await MoveClockAsync(retention); moved += retention;
            using (var r = await Purge("效能办〔2032〕2号 保存期满清除")) Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
            Assert.False(await StoredAsync());
            using (var again = await Purge("效能办〔2032〕3号 清除")) await again.ExpectRuleAsync(HttpStatusCode.Conflict, "EVD-1");
            Assert.Equal(HttpStatusCode.Gone, await View(second));
            var afterSecondPurge = await VerifyAsync();
            Assert.Equal(afterPurge.FilesChecked, afterSecondPurge.FilesChecked);

            // The first purge is unchanged; the second is a record of its own, in the audit log.
            Assert.Equal(firstPurge, await app.WithDbAsync(db => db.EvidenceBlobs.AsNoTracking().Where(b => b.Sha256 == sha).Select(b => b.PurgedAt).FirstAsync()));
            var later = await app.WithDbAsync(db => db.EvidenceBlobPurges.AsNoTracking().Where(p => p.Sha256 == sha).ToListAsync());
            Assert.Contains("2032", Assert.Single(later).PurgeDecision, StringComparison.Ordinal);
            // ... and the database keeps it as recorded (0037): neither changed nor deleted.
            await Assert.ThrowsAnyAsync<Exception>(() => app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
                "UPDATE \"EvidenceBlobPurges\" SET \"PurgeDecision\" = 'x' WHERE \"Sha256\" = {0}", sha)));
            await Assert.ThrowsAnyAsync<Exception>(() => app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
                "DELETE FROM \"EvidenceBlobPurges\" WHERE \"Sha256\" = {0}", sha)));
            Assert.Equal(later.Single().PurgeDecision, await app.WithDbAsync(db => db.EvidenceBlobPurges.AsNoTracking().Where(p => p.Sha256 == sha).Select(p => p.PurgeDecision).SingleAsync()));
        }
        finally
        {
            app.Clock.Advance(-moved);
        }
    }
}
