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
}
