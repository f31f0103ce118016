using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests.Complaints;

/// <summary>
/// CMP-2: evidence the public attaches to a complaint (photos JPEG/PNG, PDF) goes into the evidence vault as the complaint's case,
/// checked by content and size first; a bad file refuses the whole complaint (nothing stored). Who sees the files follows the vault (EVD-3).
/// </summary>
public sealed partial class ComplaintEvidenceTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, .. "JFIF"u8, 0x00, .. Filler(2000, 1)];
    private static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. Filler(1500, 2)];
    private static readonly byte[] Pdf = [.. "%PDF-1.4\n%âãÏÓ\n1 0 obj << /Type /Catalog >> endobj\n"u8, .. Filler(3000, 3), .. "\n%%EOF\n"u8];
    private static readonly byte[] Exe = [(byte)'M', (byte)'Z', 0x90, 0x00, .. Filler(1000, 4)];
    private static readonly byte[] Gif = [.. "GIF89a"u8, .. Filler(500, 5)];

    private static byte[] Filler(int n, int seed)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    private static string Sha(byte[] b) => Convert.ToHexStringLower(SHA256.HashData(b));

    private static MultipartFormDataContent Form(Guid unit, string matter, params (string Name, byte[] Bytes, string ClaimedType)[] files)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent("BuckPassing"), "type" }, { new StringContent(unit.ToString()), "unitId" }, { new StringContent(matter), "matter" },
            { new StringContent("三次往返仍未受理，窗口推说系统故障。"), "reasons" }, { new StringContent("钱七"), "name" }, { new StringContent("13712345678"), "phone" },
            { new StringContent("true"), "hasInterest" },
        };
        foreach (var (name, bytes, type) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue(type);
            form.Add(part, "files", name);
        }
        return form;
    }

    private HttpClient Public(string ip)
    {
        var client = app.NewClient();
        client.DefaultRequestHeaders.Add(MingchaApp.RemoteIpHeader, ip);
        return client;
    }

    private Task<bool> StoredAsync(string matter) => app.WithDbAsync(db => db.Complaints.AnyAsync(c => c.Matter == matter));

    private sealed record Created(string Number, string QueryCode, string Kind, int Files);

    [Fact]
    [Trait("Rule", "CMP-2")]
    [Trait("Rule", "EVD-1")]
    [Trait("Rule", "EVD-3")]
    [Trait("Rule", "SEC-2")]
    public async Task PublicApi_WithAPhotoAndAPdf_StoresThemInTheVaultAsTheComplaintsCase_SeenByTheOfficeNotByTheUnitOrAnother()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (unit, _) = await kit.UnitAsync();
        var (otherUnit, _) = await kit.UnitAsync("其他局");
        var matter = "证据上传" + Guid.NewGuid().ToString("N")[..6];
        var created = await (await Public("203.0.113.150").PostAsync("/api/v1/public/complaints/with-evidence",
            Form(unit, matter, ("回执.jpg", Jpeg, "image/jpeg"), ("告知书.pdf", Pdf, "application/pdf"), ("窗口.png", Png, "image/png"))))
            .ReadAsync<Created>(HttpStatusCode.Created);
        Assert.Equal(3, created.Files);
        Assert.Equal(12, created.QueryCode.Length);

        var id = await app.WithDbAsync(db => db.Complaints.Where(c => c.Matter == matter).Select(c => c.Id).SingleAsync());
        var detail = await kit.DetailAsync(id);
        var caseId = detail.GetProperty("evidenceCaseId").GetGuid();
        var files = detail.GetProperty("evidenceFiles").EnumerateArray().ToList();
        Assert.Equal(new[] { Sha(Jpeg), Sha(Pdf), Sha(Png) }, files.Select(f => f.GetProperty("sha256").GetString()!).ToList());
        Assert.Equal(new[] { "image/jpeg", "application/pdf", "image/png" }, files.Select(f => f.GetProperty("mediaType").GetString()!).ToList());
        Assert.Equal(new[] { "回执.jpg", "告知书.pdf", "窗口.png" }, files.Select(f => f.GetProperty("fileName").GetString()!).ToList());

        // In the vault: the complaint's case, items uploaded by the public (no account), sealed into the chain, the bytes stored under their hash.
        var items = await app.WithDbAsync(db => db.EvidenceItems.AsNoTracking().Where(i => i.CaseId == caseId).OrderBy(i => i.Seq).ToListAsync());
        Assert.Equal(3, items.Count);
        Assert.All(items, i => Assert.Equal("public", i.UploadedBy));
        Assert.All(items, i => Assert.False(string.IsNullOrEmpty(i.Hash)));
        var @case = await app.WithDbAsync(db => db.EvidenceCases.AsNoTracking().SingleAsync(c => c.Id == caseId));
        Assert.Equal(Mingcha.Domain.Evidence.EvidenceCaseKind.Complaint, @case.Kind);
        Assert.Equal(unit, @case.TargetUnitId);
        Assert.Equal(id, @case.ReferenceId);
        Assert.Equal(3, await app.WithDbAsync(db => db.EvidenceBlobs.CountAsync(b => b.Sha256 == Sha(Jpeg) || b.Sha256 == Sha(Pdf) || b.Sha256 == Sha(Png))));
        var vault = await ComplaintKit.JsonAsync(kit.Office, $"/api/v1/evidence/cases/{caseId}");
        Assert.Equal(3, vault.GetProperty("items").GetArrayLength());

        // The Office's detail page lists them; the tracking page says they were received.
        var page = WebUtility.HtmlDecode(await kit.Office.GetStringAsync($"/Complaints/Detail/{id}"));
        Assert.Contains("id=\"evidence-files\"", page, StringComparison.Ordinal);
        Assert.Contains("告知书.pdf", page, StringComparison.Ordinal);

        // The unit handling it: the vault has not released the case to it, so no files and no case (EVD-3); another unit: 404 (SEC-2).
        await kit.AssignAsync(id);
        var liaison = await kit.LiaisonAsync(unit);
        var seen = await kit.DetailAsync(id, liaison);
        Assert.Equal(0, seen.GetProperty("evidenceFiles").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("evidenceCaseId").ValueKind);
        Assert.DoesNotContain("回执.jpg", await liaison.GetStringAsync($"/Complaints/Detail/{id}"), StringComparison.Ordinal);
        await (await liaison.GetAsync($"/api/v1/evidence/cases/{caseId}")).ExpectAsync(HttpStatusCode.Forbidden);
        var stranger = await kit.LiaisonAsync(otherUnit);
        await (await stranger.GetAsync($"/api/v1/complaints/{id}")).ExpectAsync(HttpStatusCode.NotFound);
        await (await stranger.GetAsync($"/api/v1/evidence/cases/{caseId}")).ExpectAsync(HttpStatusCode.NotFound);
        // A leader reads complaints but is not a vault viewer.
        var leader = await app.ClientAsAsync(Roles.Leader);
        Assert.Equal(0, (await kit.DetailAsync(id, leader)).GetProperty("evidenceFiles").GetArrayLength());

        // Released by the Office through the vault: now the unit sees them.
        await (await kit.Office.PostAsync($"/api/v1/evidence/cases/{caseId}/release", null)).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal(3, (await kit.DetailAsync(id, liaison)).GetProperty("evidenceFiles").GetArrayLength());
        Assert.Equal(0, (await kit.DetailAsync(id, leader)).GetProperty("evidenceFiles").GetArrayLength());

        // Returned as outside its remit and reassigned (CMP-7): the evidence follows the matter. The unit now handling it
        // sees the files; the first unit no longer sees the case (SEC-2).
        await (await liaison.PostJsonAsync($"/api/v1/complaints/{id}/return", new { body = "属其他局职责" })).ExpectAsync(HttpStatusCode.NoContent);
        await kit.AssignAsync(id, otherUnit);
        Assert.Equal(otherUnit, await app.WithDbAsync(db => db.EvidenceCases.Where(c => c.Id == caseId).Select(c => c.TargetUnitId).SingleAsync()));
        Assert.Equal(3, (await kit.DetailAsync(id, stranger)).GetProperty("evidenceFiles").GetArrayLength());
        await (await stranger.GetAsync($"/api/v1/evidence/cases/{caseId}")).ExpectAsync(HttpStatusCode.OK);
        await (await liaison.GetAsync($"/api/v1/evidence/cases/{caseId}")).ExpectAsync(HttpStatusCode.NotFound);
        Assert.Null(await app.WithDbAsync(db => db.Complaints.Where(c => c.Id == id).Select(c => c.SectionId).SingleAsync())); // the first unit's window is not the new unit's
    }

    /// <summary>
    /// CMP-7: the Office assigns a complaint straight to a unit other than the one named (its first assignment). The window
    /// named was the named unit's, and the evidence case targeted it: both now follow the matter, as on a reassignment.
    /// Before, the complaint kept the first unit's window (charged for the other unit's answer, EV-6) and its files stayed
    /// with the first unit, which could see them once released while the unit handling it could not.
    /// </summary>
    [Fact]
    [Trait("Rule", "CMP-7")]
    [Trait("Rule", "EVD-3")]
    [Trait("Rule", "SEC-2")]
    public async Task FirstAssignment_ToAnotherUnit_MovesTheEvidenceAndDropsTheNamedWindow()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (named, window) = await kit.UnitAsync("点名局");
        var (handler, _) = await kit.UnitAsync("承办局");
        var body = JsonSerializer.SerializeToElement(ComplaintKit.Body(named, matter: "改派证据" + Guid.NewGuid().ToString("N")[..6]));
        var fields = body.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value);
        fields["sectionId"] = window;
        var id = (await kit.FileAsync(fields)).Id;
        (await kit.Office.PostAsync($"/api/v1/complaints/{id}/evidence-case", null)).EnsureSuccessStatusCode();
        var caseId = (await kit.DetailAsync(id)).GetProperty("evidenceCaseId").GetGuid();
        Assert.Equal(named, await app.WithDbAsync(db => db.EvidenceCases.Where(c => c.Id == caseId).Select(c => c.TargetUnitId).SingleAsync()));
        Assert.Equal(window, await app.WithDbAsync(db => db.Complaints.Where(c => c.Id == id).Select(c => c.SectionId).SingleAsync()));

        await kit.AssignAsync(id, handler);
        Assert.Null(await app.WithDbAsync(db => db.Complaints.Where(c => c.Id == id).Select(c => c.SectionId).SingleAsync()));
        Assert.Equal(handler, await app.WithDbAsync(db => db.EvidenceCases.Where(c => c.Id == caseId).Select(c => c.TargetUnitId).SingleAsync()));
        await (await kit.Office.PostAsync($"/api/v1/evidence/cases/{caseId}/release", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await (await kit.LiaisonAsync(handler)).GetAsync($"/api/v1/evidence/cases/{caseId}")).ExpectAsync(HttpStatusCode.OK);
        await (await (await kit.LiaisonAsync(named)).GetAsync($"/api/v1/evidence/cases/{caseId}")).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [Trait("Rule", "CMP-2")]
    [Trait("Rule", "EVD-1")]
    [InlineData("exe named jpg", "203.0.113.151")]
    [InlineData("gif", "203.0.113.152")]
    [InlineData("text named pdf", "203.0.113.153")]
    public async Task PublicApi_WithAFileThatIsNotAPhotoOrPdfByContent_IsRefusedWhole_AndNothingIsStored(string what, string ip)
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (unit, _) = await kit.UnitAsync();
        var matter = "错误类型" + Guid.NewGuid().ToString("N")[..6];
        var bad = what switch
        {
            "exe named jpg" => ("photo.jpg", Exe, "image/jpeg"),
            "gif" => ("动图.gif", Gif, "image/gif"),
            _ => ("scan.pdf", Encoding.UTF8.GetBytes("这不是 PDF，只是一段文字。" + new string('x', 600)), "application/pdf"),
        };
        var itemsBefore = await app.WithDbAsync(db => db.EvidenceItems.CountAsync());
        var casesBefore = await app.WithDbAsync(db => db.EvidenceCases.CountAsync());
        // A good photo first, then the bad file: all or nothing.
        var response = await Public(ip).PostAsync("/api/v1/public/complaints/with-evidence", Form(unit, matter, ("ok.jpg", Jpeg, "image/jpeg"), bad));
        var problem = await response.ExpectRuleAsync(HttpStatusCode.UnsupportedMediaType, "CMP-2");
        Assert.Contains(bad.Item1, string.Join(" ", problem.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).Select(p => p.Value.GetString())), StringComparison.Ordinal);
        Assert.False(await StoredAsync(matter));
        Assert.Equal(itemsBefore, await app.WithDbAsync(db => db.EvidenceItems.CountAsync()));
        Assert.Equal(casesBefore, await app.WithDbAsync(db => db.EvidenceCases.CountAsync()));
        Assert.False(await app.WithDbAsync(db => db.EvidenceBlobs.AnyAsync(b => b.Sha256 == Sha(bad.Item2))));
        Assert.Empty(StagedLeftovers());
    }

    [Fact]
    [Trait("Rule", "CMP-2")]
    public async Task PublicApi_WithAFileTooBig_OrTooManyFiles_IsRefused_AndNothingIsStored()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (unit, _) = await kit.UnitAsync();
        var itemsBefore = await app.WithDbAsync(db => db.EvidenceItems.CountAsync());

        // Over the per-file limit (10 MB by default), a JPEG by content.
        var big = new byte[10 * 1024 * 1024 + 1];
        Jpeg.CopyTo(big, 0);
        var matter = "过大" + Guid.NewGuid().ToString("N")[..6];
        await (await Public("203.0.113.154").PostAsync("/api/v1/public/complaints/with-evidence", Form(unit, matter, ("ok.png", Png, "image/png"), ("big.jpg", big, "image/jpeg"))))
            .ExpectRuleAsync(HttpStatusCode.RequestEntityTooLarge, "CMP-2");
        Assert.False(await StoredAsync(matter));

        // Over the total (20 MB): three files of 8 MB, each allowed alone.
        var eight = new byte[8 * 1024 * 1024];
        Pdf.CopyTo(eight, 0);
        matter = "合计过大" + Guid.NewGuid().ToString("N")[..6];
        var total = await Public("203.0.113.155").PostAsync("/api/v1/public/complaints/with-evidence",
            Form(unit, matter, ("a.pdf", eight, "application/pdf"), ("b.pdf", eight, "application/pdf"), ("c.pdf", eight, "application/pdf")));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, total.StatusCode);
        Assert.False(await StoredAsync(matter));

        // More than 5 files.
        matter = "过多" + Guid.NewGuid().ToString("N")[..6];
        var six = Enumerable.Range(0, 6).Select(i => ($"p{i}.jpg", (byte[])[.. Jpeg, (byte)i], "image/jpeg")).ToArray();
        await (await Public("203.0.113.156").PostAsync("/api/v1/public/complaints/with-evidence", Form(unit, matter, six)))
            .ExpectRuleAsync(HttpStatusCode.BadRequest, "CMP-2");
        Assert.False(await StoredAsync(matter));
        Assert.Equal(itemsBefore, await app.WithDbAsync(db => db.EvidenceItems.CountAsync()));
        Assert.Empty(StagedLeftovers());
    }

    [Fact]
    [Trait("Rule", "CMP-2")]
    [Trait("Rule", "CMP-3")]
    public async Task PublicApi_Multipart_NamesABrokenField_AndRefusesAPostFromAnotherSite()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (unit, _) = await kit.UnitAsync();
        var client = Public("203.0.113.157");
        var form = Form(unit, "类型错误", ("ok.jpg", Jpeg, "image/jpeg"));
        form.Add(new StringContent("NoSuchType"), "type"); // a second "type": the form reads "BuckPassing,NoSuchType", not a type
        var text = await (await client.PostAsync("/api/v1/public/complaints/with-evidence", form)).Content.ReadAsStringAsync();
        Assert.True(Api.NamesField(JsonDocument.Parse(text).RootElement, "type"), text);
        await (await client.PostAsync("/api/v1/public/complaints/with-evidence", new StringContent("{}", Encoding.UTF8, "application/json")))
            .ExpectAsync(HttpStatusCode.BadRequest);

        var matter = "跨站" + Guid.NewGuid().ToString("N")[..6];
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/public/complaints/with-evidence") { Content = Form(unit, matter) };
        request.Headers.Add("Origin", "https://evil.example");
        await (await client.SendAsync(request)).ExpectRuleAsync(HttpStatusCode.Forbidden, "CMP-3");
        Assert.False(await StoredAsync(matter));
    }

    [Fact]
    [Trait("Rule", "CMP-2")]
    [Trait("Rule", "CMP-3")]
    public async Task PublicForm_OnAPhone_TakesPhotos_WithItsAntiforgeryToken_AndRefusesABadFileWithAMessage()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (unit, _) = await kit.UnitAsync();
        var client = Public("203.0.113.158");
        client.DefaultRequestHeaders.UserAgent.ParseAdd("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148");
        var page = await client.GetStringAsync("/Complaints/File");
        Assert.Contains("enctype=\"multipart/form-data\"", page, StringComparison.Ordinal);
        Assert.Contains("type=\"file\"", page, StringComparison.Ordinal);

        MultipartFormDataContent Fields(string token, string matter, params (string Name, byte[] Bytes, string Type)[] files)
        {
            var form = new MultipartFormDataContent
            {
                { new StringContent(token), "__RequestVerificationToken" }, { new StringContent(unit.ToString()), "Form.UnitId" }, { new StringContent("BuckPassing"), "Form.Type" },
                { new StringContent(matter), "Form.Matter" }, { new StringContent("三次往返仍未受理。"), "Form.Reasons" }, { new StringContent("钱七"), "Form.Name" },
                { new StringContent("13712345678"), "Form.Phone" }, { new StringContent("true"), "Form.HasInterest" },
            };
            foreach (var (name, bytes, type) in files)
            {
                var part = new ByteArrayContent(bytes);
                part.Headers.ContentType = new MediaTypeHeaderValue(type);
                form.Add(part, "Files", name);
            }
            return form;
        }

        // Without the token: refused, nothing stored (antiforgery still guards the multipart form).
        var matter = "表单无令牌" + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/Complaints/File", Fields("", matter, ("a.jpg", Jpeg, "image/jpeg")))).StatusCode);
        Assert.False(await StoredAsync(matter));

        // A bad file: the form again with a message naming the file; nothing stored.
        matter = "表单坏文件" + Guid.NewGuid().ToString("N")[..6];
        var refused = await client.PostAsync("/Complaints/File", Fields(Token(page), matter, ("a.jpg", Jpeg, "image/jpeg"), ("virus.png", Exe, "image/png")));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);
        var refusedHtml = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("id=\"complaint-error\"", refusedHtml, StringComparison.Ordinal);
        Assert.Contains("virus.png", refusedHtml, StringComparison.Ordinal);
        Assert.False(await StoredAsync(matter));

        // Two photos (no evidence note needed when files are attached): filed, both in the vault.
        matter = "表单照片" + Guid.NewGuid().ToString("N")[..6];
        var ok = await client.PostAsync("/Complaints/File", Fields(Token(refusedHtml), matter, ("a.jpg", Jpeg, "image/jpeg"), ("b.png", Png, "image/png")));
        await ok.ExpectAsync(HttpStatusCode.OK);
        var html = await ok.Content.ReadAsStringAsync();
        Assert.Contains("id=\"files-attached\"", html, StringComparison.Ordinal);
        var caseId = await app.WithDbAsync(db => db.Complaints.Where(c => c.Matter == matter).Select(c => c.EvidenceCaseId).SingleAsync());
        Assert.NotNull(caseId);
        Assert.Equal(2, await app.WithDbAsync(db => db.EvidenceItems.CountAsync(i => i.CaseId == caseId)));
    }

    private string[] StagedLeftovers()
    {
        var folder = app.Services.GetRequiredService<Mingcha.Web.Features.Evidence.TusStaging>().Folder;
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "complaint-*") : [];
    }

    private static string Token(string page) => TokenPattern().Match(page).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}

/// <summary>An app whose evidence store fails on the second file it is given: the vault breaks half-way through a complaint's files.</summary>
public sealed class FailingEvidenceStoreApp : MingchaApp
{
    protected override bool LoadDemo => false;

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services =>
        {
            var inner = services.Last(d => d.ServiceType == typeof(Mingcha.Web.Features.Evidence.IEvidenceStore));
            services.Remove(inner);
            services.AddSingleton<Mingcha.Web.Features.Evidence.IEvidenceStore>(sp =>
                new SecondPutFails((Mingcha.Web.Features.Evidence.IEvidenceStore)inner.ImplementationFactory!(sp)));
        });
    }

    private sealed class SecondPutFails(Mingcha.Web.Features.Evidence.IEvidenceStore inner) : Mingcha.Web.Features.Evidence.IEvidenceStore
    {
        private int _puts;
        public string Backend => inner.Backend;
        public Task<bool> ExistsAsync(string sha256, CancellationToken ct) => inner.ExistsAsync(sha256, ct);
        public Task PutAsync(string sha256, string stagedPath, long size, CancellationToken ct) =>
            Interlocked.Increment(ref _puts) % 2 == 0 ? throw new Mingcha.Web.UnavailableException("存储不可用。 The store is unavailable.") : inner.PutAsync(sha256, stagedPath, size, ct);
        public Task<Stream> OpenReadAsync(string sha256, long offset, long length, CancellationToken ct) => inner.OpenReadAsync(sha256, offset, length, ct);
        public Task<(string Sha256, long Size)?> HashAsync(string sha256, CancellationToken ct) => inner.HashAsync(sha256, ct);
        public Task PurgeAsync(Mingcha.Web.Features.Evidence.PurgeAuthorisation authorisation, CancellationToken ct) => inner.PurgeAsync(authorisation, ct);
    }
}

/// <summary>CMP-2 all or nothing when the vault itself fails after the first file went in: the transaction rolls the complaint back.</summary>
public sealed class ComplaintEvidenceRollbackTests(FailingEvidenceStoreApp app) : IClassFixture<FailingEvidenceStoreApp>
{
    [Fact]
    [Trait("Rule", "CMP-2")]
    public async Task WhenTheVaultFailsOnTheSecondFile_NothingOfTheComplaintIsStored()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (unit, _) = await kit.UnitAsync();
        var matter = "存储故障" + Guid.NewGuid().ToString("N")[..6];
        var before = await app.WithDbAsync(async db => (await db.EvidenceItems.CountAsync(), await db.EvidenceCases.CountAsync(), await db.ComplaintEvents.CountAsync()));
        var client = app.NewClient();
        client.DefaultRequestHeaders.Add(MingchaApp.RemoteIpHeader, "203.0.113.170");
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, .. Enumerable.Range(0, 700).Select(i => (byte)i)];
        byte[] pdf = [.. "%PDF-1.7\n"u8, .. Enumerable.Range(0, 700).Select(i => (byte)(i * 3))];
        var form = new MultipartFormDataContent
        {
            { new StringContent("Attitude"), "type" }, { new StringContent(unit.ToString()), "unitId" }, { new StringContent(matter), "matter" },
            { new StringContent("态度生硬。"), "reasons" }, { new StringContent("钱七"), "name" }, { new StringContent("true"), "hasInterest" },
            { new ByteArrayContent(jpeg), "files", "a.jpg" }, { new ByteArrayContent(pdf), "files", "b.pdf" },
        };
        var response = await client.PostAsync("/api/v1/public/complaints/with-evidence", form);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Complaints.AnyAsync(c => c.Matter == matter)));
        var after = await app.WithDbAsync(async db => (await db.EvidenceItems.CountAsync(), await db.EvidenceCases.CountAsync(), await db.ComplaintEvents.CountAsync()));
        Assert.Equal(before, after);
        Assert.False(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.Title.Contains(matter))));
    }
}
