using System.Net;
using System.Net.Http.Json;
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
/// Defects found in review of the evidence vault, each asserted the way a user (or an operator after a crash) would
/// see it; on SQLite or PostgreSQL, with the local store or S3.
/// </summary>
public sealed class EvidenceVaultRepairTests(EvidenceApp app) : IClassFixture<EvidenceApp>
{
    private static Guid UploadId(string url) => Guid.Parse(url.Split('/')[^1]);

    /// <summary>
    /// EVD-4: the server died while it was recording an acknowledged offset, and the side file is empty. Resuming
    /// must not throw away the 200,000 bytes the client was told were safe: HEAD reports them, the upload finishes
    /// from there, and the stored file is the client's file.
    /// </summary>
    [Fact]
    [Trait("Rule", "EVD-4")]
    public async Task EmptyOffsetFileAfterACrash_DoesNotLoseAcknowledgedBytes()
    {
        var (office, caseId) = await app.OfficeWithCaseAsync();
        var file = TestMedia.FakeMp4(300_000);
        var data = await File.ReadAllBytesAsync(file);
        using var created = await Tus.CreateAsync(office.Client, caseId, data.Length);
        var url = created.Headers.Location!.ToString();
        using (var first = await Tus.PatchAsync(office.Client, url, 0, data.AsMemory(0, 200_000)))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
            Assert.Equal(200_000, Tus.Offset(first));
        }
        var staging = app.Services.GetRequiredService<TusStaging>();
        var id = UploadId(url);
        // The crash state: the offset file exists but is empty, the staged bytes are all there.
        File.WriteAllBytes(Path.Combine(staging.Folder, id.ToString("N") + ".offset"), []);
        staging.Forget(id);

        using (var head = await Tus.HeadAsync(office.Client, url))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(200_000, Tus.Offset(head));
        }
        Assert.Equal(200_000, new FileInfo(staging.PartPath(id)).Length);
        using var rest = await Tus.PatchAsync(office.Client, url, 200_000, data.AsMemory(200_000));
        Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
        Assert.Equal(TestMedia.Sha256Of(file), rest.Headers.GetValues("Mingcha-Sha256").Single());
    }

    /// <summary>
    /// EVD-1: two purges of the same file at once: one does it (204), the other is told it was already done (409 with the
    /// rule), never a 500. Afterwards the item's content answers 410 Gone saying it was purged at the end of its
    /// retention, and the verifier finds nothing wrong.
    /// </summary>
    [Fact]
    [Trait("Rule", "EVD-1")]
    [Trait("Rule", "SEC-3")]
    public async Task TwoPurgesAtOnce_OneIsDone_TheOtherIs409_AndThePurgedContentIs410()
    {
        var (office, caseId) = await app.OfficeWithCaseAsync();
        var file = TestMedia.FakeMp4(20_000);
        var itemId = await Tus.UploadAsync(office.Client, caseId, file);
        var sha = TestMedia.Sha256Of(file);
        var admin1 = await app.SignInAsync(Roles.OfficeAdmin);
        var admin2 = await app.SignInAsync(Roles.OfficeAdmin);
        app.Clock.Advance(TimeSpan.FromDays(3 * 366));
        try
        {
            await EvidenceApp.SignInAgainAsync(office);
            await EvidenceApp.SignInAgainAsync(admin1);
            await EvidenceApp.SignInAgainAsync(admin2);
            var view = await Json.ReadAsync(await office.Client.PostAsJsonAsync($"/api/v1/evidence/items/{itemId}/access", new { action = "View", purpose = "复核" }));
            var purges = await Task.WhenAll(
                admin1.Client.PostAsJsonAsync($"/api/v1/evidence/blobs/{sha}/purge", new { decision = "效能办〔2029〕7号 保存期满清除" }),
                admin2.Client.PostAsJsonAsync($"/api/v1/evidence/blobs/{sha}/purge", new { decision = "效能办〔2029〕8号 保存期满清除" }));
            var statuses = purges.Select(r => r.StatusCode).OrderBy(s => s).ToList();
            Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.Conflict], statuses);
            var refused = purges.Single(r => r.StatusCode == HttpStatusCode.Conflict);
            Assert.Contains("EVD-1", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            await app.WithScopeAsync(async sp => Assert.False(await sp.GetRequiredService<IEvidenceStore>().ExistsAsync(sha, default)));

            // A later purge call: 409 again, with the rule.
            using (var again = await admin1.Client.PostAsJsonAsync($"/api/v1/evidence/blobs/{sha}/purge", new { decision = "效能办〔2029〕9号" }))
            {
                Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
                Assert.Contains("EVD-1", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            // The content of the purged item: 410 Gone, explained; never a 500.
            using (var content = await office.Client.GetAsync(view.GetProperty("url").GetString()))
            {
                Assert.Equal(HttpStatusCode.Gone, content.StatusCode);
                var text = await content.Content.ReadAsStringAsync();
                Assert.Contains("清除", text, StringComparison.Ordinal);
                Assert.Contains("retention", text, StringComparison.Ordinal);
            }
            using (var access = await office.Client.PostAsJsonAsync($"/api/v1/evidence/items/{itemId}/access", new { action = "Download", purpose = "复核" }))
                Assert.Equal(HttpStatusCode.Gone, access.StatusCode);

            EvidenceVerificationReport? report = null;
            await app.WithScopeAsync(async sp => report = await sp.GetRequiredService<EvidenceVerifier>().VerifyAsync(default));
            Assert.DoesNotContain(report!.Problems, p => p.Subject == sha);
            Assert.DoesNotContain(sha, report.PendingDeletions);
        }
        finally
        {
            app.Clock.Advance(-TimeSpan.FromDays(3 * 366));
            await EvidenceApp.SignInAgainAsync(office);
        }
    }
}
