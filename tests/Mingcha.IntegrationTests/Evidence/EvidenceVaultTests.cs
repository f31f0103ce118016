using System.Data.Common;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Evidence;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.IntegrationTests.Evidence;

/// <summary>
/// The evidence vault over real HTTP, on SQLite or PostgreSQL (MINGCHA_TEST_POSTGRES), with the local store or S3
/// (MINGCHA_TEST_S3): the same tests for every combination.
/// </summary>
public sealed class EvidenceVaultTests(EvidenceApp app) : IClassFixture<EvidenceApp>
{
    private static async Task<JsonElement> DetailAsync(HttpClient c, Guid caseId) => await Json.ReadAsync(await c.GetAsync($"/api/v1/evidence/cases/{caseId}"));

    // ------------------------------------------------------------------ tus protocol (EVD-4)

    [Fact]
    [Trait("Rule", "EVD-4")]
    public async Task Options_AdvertisesVersionExtensionsAndChecksums()
    {
        using var c = new HttpClient { BaseAddress = app.BaseUri };
        using var r = await c.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/api/v1/evidence/uploads"));
        Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        Assert.Equal("1.0.0", r.Headers.GetValues("Tus-Resumable").Single());
        Assert.Equal("1.0.0", r.Headers.GetValues("Tus-Version").Single());
        Assert.Equal("creation,checksum,expiration", r.Headers.GetValues("Tus-Extension").Single());
        Assert.Contains("sha1", r.Headers.GetValues("Tus-Checksum-Algorithm").Single(), StringComparison.Ordinal);
        Assert.True(long.Parse(r.Headers.GetValues("Tus-Max-Size").Single(), System.Globalization.CultureInfo.InvariantCulture) > 2L << 30);
    }

    [Fact]
    [Trait("Rule", "EVD-4")]
    public async Task Create_WithoutTusResumable_Is412WithVersion_AndUnauthenticatedIs401WithTusHeader()
    {
        var (office, caseId) = await app.OfficeWithCaseAsync();
        using var r = new HttpRequestMessage(HttpMethod.Post, "/api/v1/evidence/uploads");
        r.Headers.Add("Upload-Length", "10");
        using var response = await office.Client.SendAsync(r);
        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Version").Single());

        using var anonymous = new HttpClient { BaseAddress = app.BaseUri };
        using var r2 = await Tus.CreateAsync(anonymous, caseId, 10);
        Assert.Equal(HttpStatusCode.Unauthorized, r2.StatusCode);
        Assert.Equal("1.0.0", r2.Headers.GetValues("Tus-Resumable").Single());
    }

    [Fact]
    [Trait("Rule", "EVD-4")]
    public async Task Patch_BadInput_GetsTheProtocolStatus_AndNothingIsKept()
    {
        var (office, caseId) = await app.OfficeWithCaseAsync();
        var c = office.Client;
        var data = await File.ReadAllBytesAsync(TestMedia.FakeMp4(300_000));
        using var created = await Tus.CreateAsync(c, caseId, data.Length);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.NotNull(created.Headers.GetValues("Upload-Expires").Single());
        var url = created.Headers.Location!.ToString();

        using (var bad = await Tus.PatchAsync(c, url, 0, data.AsMemory(0, 100), contentType: "application/octet-stream"))
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, bad.StatusCode);
        using (var first = await Tus.PatchAsync(c, url, 0, data.AsMemory(0, 100_000)))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
            Assert.Equal(100_000, Tus.Offset(first));
        }
        using (var wrongOffset = await Tus.PatchAsync(c, url, 50, data.AsMemory(50, 100)))
            Assert.Equal(HttpStatusCode.Conflict, wrongOffset.StatusCode);

#pragma warning disable CA5350 // tus checksum extension: clients send SHA-1
        var wrongSha1 = "sha1 " + Convert.ToBase64String(SHA1.HashData(new byte[] { 1, 2, 3 }));
        var rightSha1 = "sha1 " + Convert.ToBase64String(SHA1.HashData(data.AsSpan(100_000, 100_000)));
#pragma warning restore CA5350
        using (var mismatch = await Tus.PatchAsync(c, url, 100_000, data.AsMemory(100_000, 100_000), wrongSha1))
            Assert.Equal((HttpStatusCode)460, mismatch.StatusCode);
        using (var head = await Tus.HeadAsync(c, url))
        {
            Assert.Equal(100_000, Tus.Offset(head)); // the bad chunk was discarded
            Assert.Equal("no-store", head.Headers.CacheControl!.ToString());
            Assert.Equal(data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), head.Headers.GetValues("Upload-Length").Single());
            Assert.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes(caseId.ToString())), head.Headers.GetValues("Upload-Metadata").Single(), StringComparison.Ordinal);
        }
        using (var good = await Tus.PatchAsync(c, url, 100_000, data.AsMemory(100_000, 100_000), rightSha1))
            Assert.Equal(200_000, Tus.Offset(good));

        var tooMuch = new byte[data.Length - 200_000 + 10];
        using (var past = await Tus.PatchAsync(c, url, 200_000, tooMuch))
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, past.StatusCode);

        // Someone else's upload URL does not exist for them.
        var other = await app.SignInAsync(Roles.OfficeStaff);
        using (var theirs = await Tus.HeadAsync(other.Client, url)) Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        using (var theirPatch = await Tus.PatchAsync(other.Client, url, 200_000, data.AsMemory(200_000)))
            Assert.Equal(HttpStatusCode.NotFound, theirPatch.StatusCode);

        using (var last = await Tus.PatchAsync(c, url, 200_000, data.AsMemory(200_000)))
        {
            Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);
            Assert.Equal(TestMedia.Sha256Of(await WriteTemp(data)), last.Headers.GetValues("Mingcha-Sha256").Single());
        }
    }

    [Fact]
    [Trait("Rule", "EVD-4")]
    public async Task Patch_WhenTheDiskIsFull_Is507WithAClearMessage_AndNothingIsAcknowledged()
    {
        var (office, caseId) = await app.OfficeWithCaseAsync();
        var data = await File.ReadAllBytesAsync(TestMedia.FakeMp4(3 << 20));
        using var created = await Tus.CreateAsync(office.Client, caseId, data.Length);
        var url = created.Headers.Location!.ToString();
        // The staged file becomes /dev/full: every write fails with ENOSPC, as on a full disk.
        var part = app.Services.GetRequiredService<TusStaging>().PartPath(Guid.Parse(url.Split('/')[^1]));
        File.Delete(part);
        File.CreateSymbolicLink(part, "/dev/full");
        try
        {
            using var patched = await Tus.PatchAsync(office.Client, url, 0, data);
            Assert.Equal(HttpStatusCode.InsufficientStorage, patched.StatusCode);
            Assert.Contains("存储空间不足", await patched.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            using var head = await Tus.HeadAsync(office.Client, url);
            Assert.Equal(0, Tus.Offset(head));
        }
        finally
        {
            File.Delete(part);
        }
        var sha = Convert.ToHexStringLower(SHA256.HashData(data));
        Assert.False(await app.WithDbAsync(db => db.EvidenceBlobs.AnyAsync(b => b.Sha256 == sha)));
    }

    [Fact]
    [Trait("Rule", "EVD-1")]
    public async Task Upload_ExecutableRenamedMp4_IsRefusedWithClearMessage_AndNothingStored()
    {
        var (office, caseId) = await app.OfficeWithCaseAsync();
        var bytes = await File.ReadAllBytesAsync(TestMedia.Executable());
        using var created = await Tus.CreateAsync(office.Client, caseId, bytes.Length, "visit.mp4");
        var url = created.Headers.Location!.ToString();
        using var patched = await Tus.PatchAsync(office.Client, url, 0, bytes);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, patched.StatusCode);
        Assert.Equal("1.0.0", patched.Headers.GetValues("Tus-Resumable").Single());
        var problem = await patched.Content.ReadAsStringAsync();
        Assert.Contains("可执行程序", problem, StringComparison.Ordinal);
        Assert.Contains("EVD-1", problem, StringComparison.Ordinal);

        using var head = await Tus.HeadAsync(office.Client, url);
        Assert.Equal(HttpStatusCode.Gone, head.StatusCode);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Assert.False(await app.WithDbAsync(db => db.EvidenceBlobs.AnyAsync(b => b.Sha256 == sha)));
        await app.WithScopeAsync(async sp => Assert.False(await sp.GetRequiredService<IEvidenceStore>().ExistsAsync(sha, default)));
        var staging = app.Services.GetRequiredService<TusStaging>();
        Assert.False(File.Exists(staging.PartPath(Guid.Parse(url.Split('/')[^1]))));
    }

    [Fact]
    [Trait("Rule", "EVD-4")]
    public async Task Upload_WhenExpired_Is410()
    {
        var (office, caseId) = await app.OfficeWithCaseAsync();
        using var created = await Tus.CreateAsync(office.Client, caseId, 1000);
        var url = created.Headers.Location!.ToString();
        app.Clock.Advance(TimeSpan.FromDays(3));
        try
        {
            await EvidenceApp.SignInAgainAsync(office);
            using var head = await Tus.HeadAsync(office.Client, url);
            Assert.Equal(HttpStatusCode.Gone, head.StatusCode);
            using var patch = await Tus.PatchAsync(office.Client, url, 0, new byte[10]);
            Assert.Equal(HttpStatusCode.Gone, patch.StatusCode);
        }
        finally
        {
            app.Clock.Advance(-TimeSpan.FromDays(3));
            await EvidenceApp.SignInAgainAsync(office);
        }
    }

    // ------------------------------------------------------------------ intake (EVD-1, EVD-2, INS-7, INS-11)

    [Fact]
    [Trait("Rule", "EVD-2")]
    [Trait("Rule", "INS-11")]
    public async Task Video_IsStoredUnderItsHash_WithDurationCaptureAndUploader()
    {
        var (office, caseId) = await app.OfficeWithCaseAsync();
        var video = TestMedia.Video(seconds: 5);
        var id = await Tus.UploadAsync(office.Client, caseId, video, new Dictionary<string, string>
        {
            ["capturedAt"] = "2026-11-16T01:10:00Z", ["deviceClock"] = "2026-11-16T02:00:30Z", ["location"] = "31.23,121.47",
        });
        var item = (await DetailAsync(office.Client, caseId)).GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == id);
        Assert.Equal(TestMedia.Sha256Of(video), item.GetProperty("sha256").GetString());
        Assert.Equal("video/mp4", item.GetProperty("mediaType").GetString());
        Assert.InRange(item.GetProperty("durationMs").GetInt64(), 4900, 5100);
        Assert.Equal(new DateTime(2026, 11, 16, 1, 30, 0, DateTimeKind.Utc), item.GetProperty("mediaCreatedAt").GetDateTime().ToUniversalTime());
        Assert.Equal("device", item.GetProperty("captureSource").GetString());
        Assert.Equal("31.23,121.47", item.GetProperty("location").GetString());
        Assert.Equal(office.UserName, item.GetProperty("uploaderName").GetString());
        Assert.False(item.GetProperty("lateUpload").GetBoolean());
        // EVD-1: two years, counted from the upload (02:00) as the stated capture (01:10) is earlier: never shorter than from capture.
        Assert.Equal(new DateTime(2028, 11, 16, 2, 0, 0, DateTimeKind.Utc), item.GetProperty("retainUntil").GetDateTime().ToUniversalTime());
    }

    [Fact]
    [Trait("Rule", "INS-7")]
    [Trait("Rule", "EVD-2")]
    public async Task Upload_OnALaterDayThanCapture_IsFlaggedLate()
    {
        var (office, caseId) = await app.OfficeWithCaseAsync();
        // The clock says 2026-11-16 10:00 in Beijing; captured 2026-11-15 23:30 Beijing (15:30 UTC).
        var id = await Tus.UploadAsync(office.Client, caseId, TestMedia.FakeMp4(50_000), new Dictionary<string, string> { ["capturedAt"] = "2026-11-15T15:30:00Z" });
        var item = (await DetailAsync(office.Client, caseId)).GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == id);
        Assert.True(item.GetProperty("lateUpload").GetBoolean());
    }

    [Fact]
    [Trait("Rule", "EVD-1")]
    public async Task SameFile_InTwoCases_IsStoredOnce()
    {
        var (office, caseA) = await app.OfficeWithCaseAsync();
        var (a, _) = await app.UnitsAsync();
        var caseB = await EvidenceApp.OpenCaseAsync(office.Client, "OpenInspection", a, title: "明查");
        var file = TestMedia.FakeMp4(70_000);
        var first = await Tus.UploadAsync(office.Client, caseA, file);
        var again = await Tus.UploadAsync(office.Client, caseA, file);
        var second = await Tus.UploadAsync(office.Client, caseB, file);
        Assert.Equal(first, again); // the same file for the same case is one record
        Assert.NotEqual(first, second);
        var sha = TestMedia.Sha256Of(file);
        Assert.Equal(1, await app.WithDbAsync(db => db.EvidenceBlobs.CountAsync(b => b.Sha256 == sha)));
        Assert.Equal(2, await app.WithDbAsync(db => db.EvidenceItems.CountAsync(i => i.Sha256 == sha)));
    }

    // ------------------------------------------------------------------ tus-js-client, a real third-party client

    [Fact]
    [Trait("Rule", "EVD-4")]
    public async Task TusJsClient_UploadsAVideo()
    {
        var (office, caseId) = await app.OfficeWithCaseAsync();
        var video = TestMedia.Video(seconds: 3);
        using var node = new NodeTusClient(new
        {
            endpoint = new Uri(app.BaseUri, "/api/v1/evidence/uploads").ToString(),
            file = video,
            cookie = office.Cookie,
            metadata = new Dictionary<string, string> { ["caseId"] = caseId.ToString(), ["filename"] = "窗口.mp4", ["filetype"] = "video/mp4" },
            chunkSize = 64 * 1024,
        });
        Assert.True(await node.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, node.Stderr + string.Join("\n", node.Events));
        var id = node.Find("success")!.Value.GetProperty("evidenceId").GetString();
        var item = (await DetailAsync(office.Client, caseId)).GetProperty("items").EnumerateArray().Single();
        Assert.Equal(id, item.GetProperty("id").GetString());
        Assert.Equal(TestMedia.Sha256Of(video), item.GetProperty("sha256").GetString());
        Assert.Equal("窗口.mp4", item.GetProperty("fileName").GetString());
    }

    [Fact]
    [Trait("Rule", "EVD-4")]
    public async Task TusJsClient_KilledMidUpload_IsResumedByANewClient()
    {
        var (office, caseId) = await app.OfficeWithCaseAsync();
        var file = TestMedia.FakeMp4(12L << 20);
        var storage = Path.Combine(Path.GetTempPath(), $"tus-urls-{Guid.NewGuid():N}.json");
        object Options(int delayMs) => new
        {
            endpoint = new Uri(app.BaseUri, "/api/v1/evidence/uploads").ToString(),
            file,
            cookie = office.Cookie,
            metadata = new Dictionary<string, string> { ["caseId"] = caseId.ToString(), ["filename"] = "long-visit.mp4" },
            chunkSize = 1 << 20,
            urlStorage = storage,
            delayMs,
        };
        using (var first = new NodeTusClient(Options(150)))
        {
            await first.WaitForChunksAsync(4, TimeSpan.FromSeconds(60));
            first.Kill();
        }
        using var second = new NodeTusClient(Options(0));
        Assert.True(await second.WaitForExitAsync(TimeSpan.FromSeconds(120)) == 0, second.Stderr + string.Join("\n", second.Events));
        var start = second.Find("start")!.Value;
        Assert.True(start.GetProperty("resumed").GetBoolean());
        Assert.True(start.GetProperty("resumeFrom").GetInt64() >= 4 << 20, start.ToString());
        var item = (await DetailAsync(office.Client, caseId)).GetProperty("items").EnumerateArray().Single();
        Assert.Equal(TestMedia.Sha256Of(file), item.GetProperty("sha256").GetString());
        Assert.Equal(1, await app.WithDbAsync(db => db.EvidenceUploads.CountAsync(u => u.CaseId == caseId)));
    }

    // ------------------------------------------------------------------ access (EVD-3) and identity (EVD-6)

    [Fact]
    [Trait("Rule", "EVD-3")]
    [Trait("Rule", "SEC-2")]
    public async Task AccessMatrix_CovertVisit_BeforeAndAfterRelease()
    {
        var (unitA, unitB) = await app.UnitsAsync();
        var office = await app.SignInAsync(Roles.OfficeStaff);
        var teamSupervisor = await app.SignInAsync(Roles.Supervisor);
        var otherSupervisor = await app.SignInAsync(Roles.Supervisor);
        var liaisonA = await app.SignInAsync(Roles.UnitLiaison, unitA);
        var liaisonB = await app.SignInAsync(Roles.UnitLiaison, unitB);
        var teamId = await app.WithDbAsync(async db =>
        {
            var team = await db.Teams.Include(t => t.Members).FirstAsync(t => t.Members.Count > 0);
            var sup = await db.Supervisors.FirstAsync(s => s.Id == team.Members[0].SupervisorId);
            sup.UserId = teamSupervisor.UserId;
            await db.SaveChangesAsync();
            return team.Id;
        });
        var caseId = await EvidenceApp.OpenCaseAsync(office.Client, "CovertVisit", unitA, teamId);
        var itemId = await Tus.UploadAsync(teamSupervisor.Client, caseId, TestMedia.FakeMp4(40_000));

        async Task<HttpStatusCode> CaseStatus(SignedIn who) => (await who.Client.GetAsync($"/api/v1/evidence/cases/{caseId}")).StatusCode;
        async Task<HttpStatusCode> AccessStatus(SignedIn who) =>
            (await who.Client.PostAsJsonAsync($"/api/v1/evidence/items/{itemId}/access", new { action = "View", purpose = "复核" })).StatusCode;

        Assert.Equal(HttpStatusCode.OK, await CaseStatus(office));
        Assert.Equal(HttpStatusCode.OK, await CaseStatus(teamSupervisor));
        Assert.Equal(HttpStatusCode.NotFound, await CaseStatus(liaisonA)); // the visit's existence is secret (INS-9)
        Assert.Equal(HttpStatusCode.NotFound, await CaseStatus(liaisonB));
        Assert.Equal(HttpStatusCode.NotFound, await CaseStatus(otherSupervisor));
        Assert.Equal(HttpStatusCode.NotFound, await AccessStatus(liaisonA));
        Assert.Equal(HttpStatusCode.OK, await AccessStatus(teamSupervisor));
        Assert.DoesNotContain(await ListAsync(liaisonA), c => c == caseId);

        Assert.Equal(HttpStatusCode.Forbidden, (await liaisonA.Client.PostAsync($"/api/v1/evidence/cases/{caseId}/release", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await office.Client.PostAsync($"/api/v1/evidence/cases/{caseId}/release", null)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, await CaseStatus(liaisonA));
        Assert.Equal(HttpStatusCode.OK, await AccessStatus(liaisonA));
        Assert.Contains(await ListAsync(liaisonA), c => c == caseId);
        Assert.Equal(HttpStatusCode.NotFound, await CaseStatus(liaisonB)); // never another unit's
        Assert.Equal(HttpStatusCode.NotFound, await AccessStatus(liaisonB));
        Assert.DoesNotContain(await ListAsync(liaisonB), c => c == caseId);
        Assert.Equal(HttpStatusCode.Forbidden, await CaseStatus(otherSupervisor));
        // The unit may see the evidence but not who else looked at it.
        Assert.Equal(HttpStatusCode.Forbidden, (await liaisonA.Client.GetAsync($"/api/v1/evidence/cases/{caseId}/access-log")).StatusCode);
        // A unit liaison cannot hand evidence in to a covert visit, even their own unit's.
        using var upload = await Tus.CreateAsync(liaisonA.Client, caseId, 100);
        Assert.Equal(HttpStatusCode.Forbidden, upload.StatusCode);
    }

    /// <summary>EVD-5: a file deleted by hand and marked purged in the database, with no purge decision, is reported.</summary>
    [Fact]
    [Trait("Rule", "EVD-5")]
    [Trait("Rule", "EVD-1")]
    public async Task Verifier_ReportsAFileMarkedPurgedByHand()
    {
        var (office, caseId) = await app.OfficeWithCaseAsync();
        var file = TestMedia.FakeMp4(20_000);
        await Tus.UploadAsync(office.Client, caseId, file);
        var sha = TestMedia.Sha256Of(file);
        await app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("UPDATE \"EvidenceBlobs\" SET \"PurgedAt\" = {0} WHERE \"Sha256\" = {1}", DateTime.UtcNow, sha));
        EvidenceVerificationReport? report = null;
        await app.WithScopeAsync(async sp => report = await sp.GetRequiredService<EvidenceVerifier>().VerifyAsync(default));
        var found = report!.Problems.Where(p => p.Subject == sha).Select(p => p.Message).ToList();
        Assert.Contains(found, m => m.Contains("audit log", StringComparison.Ordinal));
        Assert.Contains(found, m => m.Contains("retention", StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Rule", "EVD-3")]
    public async Task AgencyInspector_SeesAndAddsToACovertVisitOnlyOnceAssigned()
    {
        var (office, caseId) = await app.OfficeWithCaseAsync();
        var inspector = await app.SignInAsync(Roles.AgencyInspector);
        Assert.Equal(HttpStatusCode.NotFound, (await inspector.Client.GetAsync($"/api/v1/evidence/cases/{caseId}")).StatusCode);
        using (var refused = await Tus.CreateAsync(inspector.Client, caseId, 100)) Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await inspector.Client.PostAsJsonAsync($"/api/v1/evidence/cases/{caseId}/inspectors", new { userId = inspector.UserId })).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await office.Client.PostAsJsonAsync($"/api/v1/evidence/cases/{caseId}/inspectors", new { userId = inspector.UserId })).StatusCode);
        var itemId = await Tus.UploadAsync(inspector.Client, caseId, TestMedia.FakeMp4(25_000));
        Assert.Equal(HttpStatusCode.OK, (await inspector.Client.GetAsync($"/api/v1/evidence/cases/{caseId}")).StatusCode);
        var item = (await DetailAsync(office.Client, caseId)).GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == itemId);
        Assert.Equal(inspector.UserName, item.GetProperty("uploaderName").GetString());
        Assert.Contains(await ListAsync(inspector), c => c == caseId);
    }

    private static async Task<List<Guid>> ListAsync(SignedIn who) =>
        (await Json.ReadAsync(await who.Client.GetAsync("/api/v1/evidence/cases"))).EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).ToList();

    [Fact]
    [Trait("Rule", "EVD-3")]
    public async Task View_NeedsAPurpose_IsLogged_AndStreamsRanges()
    {
        var (office, caseId) = await app.OfficeWithCaseAsync();
        var file = TestMedia.FakeMp4(300_000);
        var bytes = await File.ReadAllBytesAsync(file);
        var itemId = await Tus.UploadAsync(office.Client, caseId, file);

        var noPurpose = await office.Client.PostAsJsonAsync($"/api/v1/evidence/items/{itemId}/access", new { action = "View", purpose = "" });
        Assert.Equal(HttpStatusCode.BadRequest, noPurpose.StatusCode);
        // A made-up access record opens nothing (EVD-3): there is no such record to present.
        Assert.Equal(HttpStatusCode.NotFound, (await office.Client.GetAsync($"/api/v1/evidence/items/{itemId}/content?access={Guid.NewGuid()}")).StatusCode);

        var grant = await Json.ReadAsync(await office.Client.PostAsJsonAsync($"/api/v1/evidence/items/{itemId}/access", new { action = "View", purpose = "核实窗口离岗问题" }));
        var url = grant.GetProperty("url").GetString()!;
        using var ranged = new HttpRequestMessage(HttpMethod.Get, url);
        ranged.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(1000, 1099);
        using var part = await office.Client.SendAsync(ranged);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(bytes.AsSpan(1000, 100).ToArray(), await part.Content.ReadAsByteArrayAsync());
        Assert.Equal($"bytes 1000-1099/{bytes.Length}", part.Content.Headers.ContentRange!.ToString());
        Assert.Equal(bytes, await office.Client.GetByteArrayAsync(url));

        // The grant is personal: another office user cannot use it.
        var other = await app.SignInAsync(Roles.OfficeStaff);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.Client.GetAsync(url)).StatusCode);

        var log = await Json.ReadAsync(await office.Client.GetAsync($"/api/v1/evidence/cases/{caseId}/access-log"));
        var line = log.EnumerateArray().Single();
        Assert.Equal("核实窗口离岗问题", line.GetProperty("purpose").GetString());
        Assert.Equal(office.UserName, line.GetProperty("userName").GetString());
        Assert.Equal("View", line.GetProperty("action").GetString());
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.EntityType == nameof(EvidenceAccess) && a.Action == "create")));
    }

    [Fact]
    [Trait("Rule", "EVD-6")]
    public async Task Download_IsAZipNamedAfterTheViewer_WithASignedManifest()
    {
        var (office, caseId) = await app.OfficeWithCaseAsync();
        var file = TestMedia.FakeMp4(120_000);
        var itemId = await Tus.UploadAsync(office.Client, caseId, file);
        var grant = await Json.ReadAsync(await office.Client.PostAsJsonAsync($"/api/v1/evidence/items/{itemId}/access", new { action = "Download", purpose = "移送纪检" }));
        using var response = await office.Client.GetAsync(grant.GetProperty("url").GetString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(office.UserName, response.Content.Headers.ContentDisposition!.FileNameStar, StringComparison.Ordinal);
        await using var zipStream = await response.Content.ReadAsStreamAsync();
        using var zip = new ZipArchive(zipStream, ZipArchiveMode.Read);
        var evidence = zip.Entries.Single(e => e.FullName.EndsWith(".mp4", StringComparison.Ordinal));
        Assert.Contains(office.UserName, evidence.Name, StringComparison.Ordinal);
        await using (var s = evidence.Open())
            Assert.Equal(TestMedia.Sha256Of(file), Convert.ToHexStringLower(await SHA256.HashDataAsync(s)));
        var manifest = await ReadEntry(zip, "manifest.json");
        var signature = (await ReadEntry(zip, "manifest.sig")).Trim();
        Assert.Contains(office.UserName, manifest, StringComparison.Ordinal);
        Assert.Contains("移送纪检", manifest, StringComparison.Ordinal);

        async Task<bool> Valid(string m) => (await Json.ReadAsync(await office.Client.PostAsJsonAsync("/api/v1/evidence/manifests/verify", new { manifest = m, signature })))
            .GetProperty("valid").GetBoolean();
        Assert.True(await Valid(manifest));
        Assert.False(await Valid(manifest.Replace(office.UserName, "someone-else", StringComparison.Ordinal)));
    }

    [Fact]
    [Trait("Rule", "EVD-3")]
    public async Task Package_HasEveryFileManifestAndCustody_AndIsForTheOfficeOnly()
    {
        var (unitA, _) = await app.UnitsAsync();
        var office = await app.SignInAsync(Roles.OfficeStaff);
        var caseId = await EvidenceApp.OpenCaseAsync(office.Client, "CovertVisit", unitA);
        var files = new[] { TestMedia.FakeMp4(30_000), TestMedia.FakeMp4(40_000) };
        foreach (var f in files) await Tus.UploadAsync(office.Client, caseId, f);
        await office.Client.PostAsync($"/api/v1/evidence/cases/{caseId}/release", null);
        var liaison = await app.SignInAsync(Roles.UnitLiaison, unitA);
        Assert.Equal(HttpStatusCode.Forbidden, (await liaison.Client.PostAsJsonAsync($"/api/v1/evidence/cases/{caseId}/package", new { purpose = "x x" })).StatusCode);

        var grant = await Json.ReadAsync(await office.Client.PostAsJsonAsync($"/api/v1/evidence/cases/{caseId}/package", new { purpose = "移交市纪委监委" }));
        using var response = await office.Client.GetAsync(grant.GetProperty("url").GetString());
        await using var zipStream = await response.Content.ReadAsStreamAsync();
        using var zip = new ZipArchive(zipStream, ZipArchiveMode.Read);
        var stored = zip.Entries.Where(e => e.FullName.StartsWith("files/", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, stored.Count);
        var hashes = new List<string>();
        foreach (var e in stored) { await using var s = e.Open(); hashes.Add(Convert.ToHexStringLower(await SHA256.HashDataAsync(s))); }
        Assert.Equal(files.Select(TestMedia.Sha256Of).Order(), hashes.Order());
        var manifest = JsonDocument.Parse(await ReadEntry(zip, "manifest.json")).RootElement;
        Assert.Equal(2, manifest.GetProperty("files").GetArrayLength());
        Assert.Contains("移交市纪委监委", await ReadEntry(zip, "custody.csv"), StringComparison.Ordinal);
    }

    private static async Task<string> ReadEntry(ZipArchive zip, string name)
    {
        await using var s = zip.GetEntry(name)!.Open();
        using var reader = new StreamReader(s, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    // ------------------------------------------------------------------ untouchable (EVD-1) and verification (EVD-5)

    [Fact]
    [Trait("Rule", "EVD-1")]
    public async Task NothingDeletes_BeforeRetention_AndAHoldExtendsIt()
    {
        var (office, caseId) = await app.OfficeWithCaseAsync();
        var file = TestMedia.FakeMp4(20_000);
        var itemId = await Tus.UploadAsync(office.Client, caseId, file);
        var sha = TestMedia.Sha256Of(file);

        // No route of the evidence API deletes or replaces anything.
        var routes = app.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1/evidence", StringComparison.Ordinal) == true)
            .SelectMany(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [])
            .ToList();
        Assert.NotEmpty(routes);
        Assert.DoesNotContain("DELETE", routes);
        Assert.DoesNotContain("PUT", routes);
        using (var del = await office.Client.DeleteAsync($"/api/v1/evidence/items/{itemId}"))
            Assert.True(del.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, del.StatusCode.ToString());

        var adminUser = await app.SignInAsync(Roles.OfficeAdmin);
        var admin = adminUser.Client;
        var refused = await admin.PostAsJsonAsync($"/api/v1/evidence/blobs/{sha}/purge", new { decision = "效能办〔2026〕1号 清理" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("EVD-1", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The database refuses even a direct edit or delete of the record.
        await Assert.ThrowsAnyAsync<Exception>(() => app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
            "UPDATE \"EvidenceItems\" SET \"FileName\" = 'x' WHERE \"Sha256\" = {0}", sha)));
        await Assert.ThrowsAnyAsync<Exception>(() => app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
            "DELETE FROM \"EvidenceItems\" WHERE \"Sha256\" = {0}", sha)));

        var hold = await Json.ReadAsync(await office.Client.PostAsJsonAsync($"/api/v1/evidence/cases/{caseId}/holds", new { reason = "Objection", note = "单位提出异议" }));
        app.Clock.Advance(TimeSpan.FromDays(3 * 366));
        try
        {
            await EvidenceApp.SignInAgainAsync(office);
            await EvidenceApp.SignInAgainAsync(adminUser);
            Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync($"/api/v1/evidence/blobs/{sha}/purge", new { decision = "效能办〔2029〕1号" })).StatusCode);
            await office.Client.PostAsync($"/api/v1/evidence/cases/{caseId}/holds/{hold.GetProperty("id").GetGuid()}/lift", null);
            app.Clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(HttpStatusCode.Forbidden, (await office.Client.PostAsJsonAsync($"/api/v1/evidence/blobs/{sha}/purge", new { decision = "效能办〔2029〕2号" })).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsJsonAsync($"/api/v1/evidence/blobs/{sha}/purge", new { decision = "效能办〔2029〕3号 保存期满清除" })).StatusCode);
            await app.WithScopeAsync(async sp => Assert.False(await sp.GetRequiredService<IEvidenceStore>().ExistsAsync(sha, default)));
            var blob = await app.WithDbAsync(db => db.EvidenceBlobs.AsNoTracking().FirstAsync(b => b.Sha256 == sha));
            Assert.NotNull(blob.PurgedAt);
            Assert.Contains("3号", blob.PurgeDecision, StringComparison.Ordinal);
            // EVD-5: a purge made this way is no finding of the verifier.
            EvidenceVerificationReport? report = null;
            await app.WithScopeAsync(async sp => report = await sp.GetRequiredService<EvidenceVerifier>().VerifyAsync(default));
            Assert.DoesNotContain(report!.Problems, p => p.Subject == sha);
        }
        finally
        {
            app.Clock.Advance(-TimeSpan.FromDays(3 * 366) - TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>
    /// Decision 025 (with 0003): the database refuses what the application never does to evidence: changing or deleting
    /// a record or an access-log line, deleting a case, a hold, an assignment or a stored file, changing what never
    /// changes after the insert, undoing a release, a lift or a purge, and (PostgreSQL) truncating any of those tables.
    /// Each refusal leaves every row as it was.
    /// </summary>
    [Fact]
    [Trait("Rule", "EVD-1")]
    [Trait("Rule", "SEC-3")]
    public async Task RawEditsAndDeletes_OfEvidenceTables_AreRefusedByTheDatabase_AndChangeNothing()
    {
        var (office, caseId) = await app.OfficeWithCaseAsync();
        var file = TestMedia.FakeMp4(31_000);
        var sha = TestMedia.Sha256Of(file);
        var itemId = await Tus.UploadAsync(office.Client, caseId, file);
        Assert.Equal(HttpStatusCode.OK, (await office.Client.PostAsJsonAsync($"/api/v1/evidence/items/{itemId}/access", new { action = "View", purpose = "复核" })).StatusCode);
        var inspector = await app.SignInAsync(Roles.AgencyInspector);
        Assert.Equal(HttpStatusCode.NoContent, (await office.Client.PostAsJsonAsync($"/api/v1/evidence/cases/{caseId}/inspectors", new { userId = inspector.UserId })).StatusCode);
        var lifted = (await Json.ReadAsync(await office.Client.PostAsJsonAsync($"/api/v1/evidence/cases/{caseId}/holds", new { reason = "Objection", note = "单位提出异议" }))).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await office.Client.PostAsync($"/api/v1/evidence/cases/{caseId}/holds/{lifted}/lift", null)).StatusCode);
        var open = (await Json.ReadAsync(await office.Client.PostAsJsonAsync($"/api/v1/evidence/cases/{caseId}/holds", new { reason = "Complaint", note = "投诉处理中" }))).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await office.Client.PostAsync($"/api/v1/evidence/cases/{caseId}/release", null)).StatusCode);
        var before = await EvidenceRowsAsync(caseId, sha);
        Assert.Contains("\"ReleasedAt\":\"", before, StringComparison.Ordinal);

        async Task Refused(string expected, string sql, params object[] args)
        {
            var refused = await Assert.ThrowsAnyAsync<DbException>(() => app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(sql, args)));
            Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
        }

        // 0003: records and access-log lines are append-only; a stored file's hash and size are fixed; nothing is deleted.
        await Refused("append-only", "UPDATE \"EvidenceItems\" SET \"FileName\" = 'x.mp4' WHERE \"Id\" = {0}", itemId);
        await Refused("append-only", "DELETE FROM \"EvidenceItems\" WHERE \"Id\" = {0}", itemId);
        await Refused("append-only", "UPDATE \"EvidenceAccesses\" SET \"Purpose\" = 'x' WHERE \"CaseId\" = {0}", caseId);
        await Refused("append-only", "DELETE FROM \"EvidenceAccesses\" WHERE \"CaseId\" = {0}", caseId);
        await Refused("EVD-1", "UPDATE \"EvidenceBlobs\" SET \"Size\" = 1 WHERE \"Sha256\" = {0}", sha);
        await Refused("EVD-1", "DELETE FROM \"EvidenceBlobs\" WHERE \"Sha256\" = {0}", sha);
        await Refused("EVD-1", "DELETE FROM \"EvidenceCases\" WHERE \"Id\" = {0}", caseId);
        await Refused("EVD-1", "DELETE FROM \"EvidenceHolds\" WHERE \"CaseId\" = {0}", caseId);

        // 0033: what never changes after the insert, and a release, lift or purge once recorded.
        await Refused("EVD-1: a stored evidence file never changes", "UPDATE \"EvidenceBlobs\" SET \"MediaType\" = 'application/pdf' WHERE \"Sha256\" = {0}", sha);
        await Refused("EVD-1: an evidence case keeps its kind, title, team, reference and creation", "UPDATE \"EvidenceCases\" SET \"Title\" = '改过的标题' WHERE \"Id\" = {0}", caseId);
        await Refused("EVD-1: an evidence case keeps its kind, title, team, reference and creation", "UPDATE \"EvidenceCases\" SET \"Kind\" = 'Other' WHERE \"Id\" = {0}", caseId);
        await Refused("EVD-3: the release of a case to its unit cannot be undone", "UPDATE \"EvidenceCases\" SET \"ReleasedAt\" = NULL, \"ReleasedBy\" = NULL WHERE \"Id\" = {0}", caseId);
        await Refused("EVD-1: a hold keeps its case, reason, note and placing; it is only lifted", "UPDATE \"EvidenceHolds\" SET \"Reason\" = 'Other' WHERE \"Id\" = {0}", open);
        await Refused("EVD-1: a lifted hold stays lifted", "UPDATE \"EvidenceHolds\" SET \"LiftedAt\" = NULL, \"LiftedBy\" = NULL WHERE \"Id\" = {0}", lifted);
        await Refused("EVD-3: an assignment keeps its case and inspector", "UPDATE \"EvidenceCaseInspectors\" SET \"UserId\" = 'someone-else' WHERE \"CaseId\" = {0}", caseId);
        await Refused("EVD-3: an assignment is withdrawn, never deleted", "DELETE FROM \"EvidenceCaseInspectors\" WHERE \"CaseId\" = {0}", caseId);
        if (TestDatabase.IsPostgres)
        {
            await Refused("append-only", "TRUNCATE \"EvidenceItems\"");
            await Refused("append-only", "TRUNCATE \"EvidenceAccesses\"");
            await Refused("EVD-1: holds are lifted, never deleted: TRUNCATE refused", "TRUNCATE \"EvidenceHolds\"");
            await Refused("EVD-3: an assignment is withdrawn, never deleted: TRUNCATE refused", "TRUNCATE \"EvidenceCaseInspectors\"");
            // Referenced by other tables, these two can only be truncated with them: the first trigger met refuses.
            await Refused("EVD-", "TRUNCATE \"EvidenceCases\" CASCADE");
            await Refused("EVD-", "TRUNCATE \"EvidenceBlobs\" CASCADE");
        }
        Assert.Equal(before, await EvidenceRowsAsync(caseId, sha));

        // A purge marked on the row (here by hand) stays as marked.
        await app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("UPDATE \"EvidenceBlobs\" SET \"PurgedAt\" = {0}, \"PurgedBy\" = 'test' WHERE \"Sha256\" = {1}", DateTime.UtcNow, sha));
        var purged = await EvidenceRowsAsync(caseId, sha);
        await Refused("EVD-1: a recorded purge never changes", "UPDATE \"EvidenceBlobs\" SET \"PurgedAt\" = NULL, \"PurgedBy\" = NULL WHERE \"Sha256\" = {0}", sha);
        await Refused("EVD-1: a recorded purge never changes", "UPDATE \"EvidenceBlobs\" SET \"PurgeDecision\" = '补记的决定' WHERE \"Sha256\" = {0}", sha);
        Assert.Equal(purged, await EvidenceRowsAsync(caseId, sha));
    }

    /// <summary>Every row of the case in the evidence tables, and its stored file's row, as JSON.</summary>
    private Task<string> EvidenceRowsAsync(Guid caseId, string sha) => app.WithDbAsync(async db => JsonSerializer.Serialize(new
    {
        Case = await db.EvidenceCases.AsNoTracking().SingleAsync(c => c.Id == caseId),
        Items = await db.EvidenceItems.AsNoTracking().Where(i => i.CaseId == caseId).OrderBy(i => i.Seq).ToListAsync(),
        Accesses = await db.EvidenceAccesses.AsNoTracking().Where(a => a.CaseId == caseId).OrderBy(a => a.Id).ToListAsync(),
        Holds = await db.EvidenceHolds.AsNoTracking().Where(h => h.CaseId == caseId).OrderBy(h => h.Id).ToListAsync(),
        Inspectors = await db.EvidenceCaseInspectors.AsNoTracking().Where(i => i.CaseId == caseId).OrderBy(i => i.UserId).ToListAsync(),
        Blob = await db.EvidenceBlobs.AsNoTracking().SingleAsync(b => b.Sha256 == sha),
    }));

    [Fact]
    [Trait("Rule", "EVD-5")]
    public async Task Verify_FindsAFlippedByte_AndAnEditedRecord()
    {
        var (office, caseId) = await app.OfficeWithCaseAsync();
        var fileA = TestMedia.FakeMp4(200_000);
        var fileB = TestMedia.FakeMp4(210_000);
        await Tus.UploadAsync(office.Client, caseId, fileA);
        var itemB = await Tus.UploadAsync(office.Client, caseId, fileB);
        var shaA = TestMedia.Sha256Of(fileA);

        var before = await VerifyAsync();
        Assert.DoesNotContain(before.Problems, p => p.Subject.Contains(shaA, StringComparison.Ordinal));

        await FlipAByteAsync(shaA, fileA, 12_345);
        // An edit by someone with owner rights, who lifts the append-only triggers first (and puts them back).
        await using (await TableTriggers.SuspendAsync(app.Database, "EvidenceItems"))
            await app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("UPDATE \"EvidenceItems\" SET \"CapturedAt\" = {0} WHERE \"Id\" = {1}",
                db.IsPostgres ? new DateTime(2026, 11, 15, 0, 0, 0, DateTimeKind.Utc) : "2026-11-15 00:00:00", itemB));
        var seqB = await app.WithDbAsync(async db => (await db.EvidenceItems.AsNoTracking().FirstAsync(i => i.Id == itemB)).Seq);

        var report = await VerifyAsync();
        Assert.False(report.IsIntact);
        Assert.Contains(report.Problems, p => p.Kind == "file" && p.Subject == shaA);
        Assert.Contains(report.Problems, p => p.Kind == "record" && p.Subject.StartsWith($"#{seqB} ", StringComparison.Ordinal));

        var auditor = (await app.SignInAsync(Roles.Auditor)).Client;
        var viaApi = await Json.ReadAsync(await auditor.GetAsync("/api/v1/evidence/verify"));
        Assert.False(viaApi.GetProperty("isIntact").GetBoolean());
        Assert.Equal(HttpStatusCode.Forbidden, (await office.Client.GetAsync("/api/v1/evidence/verify")).StatusCode);
    }

    private async Task<EvidenceVerificationReport> VerifyAsync()
    {
        EvidenceVerificationReport? report = null;
        await app.WithScopeAsync(async sp => report = await sp.GetRequiredService<EvidenceVerifier>().VerifyAsync());
        return report!;
    }

    private async Task FlipAByteAsync(string sha, string original, int at)
    {
        var bytes = await File.ReadAllBytesAsync(original);
        bytes[at] ^= 0xFF;
        var store = app.Services.GetRequiredService<IEvidenceStore>();
        if (store is LocalEvidenceStore local)
        {
            var path = local.PathOf(sha);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            await File.WriteAllBytesAsync(path, bytes);
        }
        else
        {
            using var s3 = new Amazon.S3.AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials("S3RVER", "S3RVER"),
                new Amazon.S3.AmazonS3Config { ServiceURL = EvidenceBackend.S3Url, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
            await s3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest
            {
                BucketName = app.Bucket, Key = S3EvidenceStore.KeyOf(sha), InputStream = new MemoryStream(bytes), UseChunkEncoding = false,
            });
        }
    }

    private static async Task<string> WriteTemp(byte[] data)
    {
        var path = Path.GetTempFileName();
        await File.WriteAllBytesAsync(path, data);
        return path;
    }
}

/// <summary>The evidence pages render for those allowed and hide a secret case from the rest.</summary>
public sealed class EvidencePagesTests(EvidenceApp app) : IClassFixture<EvidenceApp>
{
    [Fact]
    [Trait("Rule", "EVD-3")]
    public async Task Pages_RenderForTheOffice_AndHideAnUnreleasedCovertVisitFromTheUnit()
    {
        var unitA = await app.WithDbAsync(async db => (await db.Units.FirstAsync(u => u.Code == DemoData.HrUnitCode)).Id);
        var office = await app.SignInAsync(Roles.OfficeStaff);
        var created = await office.Client.PostAsJsonAsync("/api/v1/evidence/cases", new { kind = "CovertVisit", title = "页面测试暗访", targetUnitId = unitA });
        var caseId = (await Json.ReadAsync(created)).GetProperty("id").GetGuid();
        await Tus.UploadAsync(office.Client, caseId, TestMedia.Video(seconds: 2));

        var list = WebUtility.HtmlDecode(await office.Client.GetStringAsync("/Evidence"));
        Assert.Contains("页面测试暗访", list, StringComparison.Ordinal);
        var page = await office.Client.GetStringAsync($"/Evidence/Case/{caseId}");
        Assert.Contains("video/mp4", page, StringComparison.Ordinal);
        Assert.Contains("0:02", page, StringComparison.Ordinal); // the duration read by ffprobe
        Assert.Contains("evidence-case.js", page, StringComparison.Ordinal);
        var upload = await office.Client.GetStringAsync($"/Evidence/Upload/{caseId}");
        Assert.Contains("tus.min.js", upload, StringComparison.Ordinal);
        Assert.Contains("<progress", upload, StringComparison.Ordinal);

        var liaison = await app.SignInAsync(Roles.UnitLiaison, unitA);
        Assert.Equal(HttpStatusCode.NotFound, (await liaison.Client.GetAsync($"/Evidence/Case/{caseId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await liaison.Client.GetAsync($"/Evidence/Upload/{caseId}")).StatusCode);
        Assert.DoesNotContain("页面测试暗访", WebUtility.HtmlDecode(await liaison.Client.GetStringAsync("/Evidence")), StringComparison.Ordinal);

        var auditor = await app.SignInAsync(Roles.Auditor);
        var verify = await auditor.Client.GetStringAsync("/Evidence/Verify");
        var token = System.Text.RegularExpressions.Regex.Match(verify, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var report = await auditor.Client.PostAsync("/Evidence/Verify", new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        Assert.Contains("verify-report", await report.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await office.Client.GetAsync("/Evidence/Verify")).StatusCode); // to the access-denied page
    }
}
