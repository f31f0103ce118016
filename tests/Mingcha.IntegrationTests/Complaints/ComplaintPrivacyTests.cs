using System.Net;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests.Complaints;

/// <summary>SEC-4 and SEC-2 for complaints: masked personal data per role, logged reveals, the unit's limits.</summary>
public sealed class ComplaintPrivacyTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    private const string Phone = "13812345678";
    private const string IdNumber = "11010519491231002X";

    [Fact]
    [Trait("Rule", "SEC-4")]
    [Trait("Rule", "SEC-2")]
    public async Task ComplainantDetails_AreMaskedForEveryone_RevealedInFullOnlyToTheOfficeOrAGrantedUnit_AndEveryRevealIsLogged()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (unit, _) = await kit.UnitAsync();
        var (otherUnit, _) = await kit.UnitAsync("其他局");
        var body = new
        {
            channel = "InPerson", type = "Attitude", unitId = unit, matter = "窗口态度", reasons = "工作人员态度生硬。", evidenceNote = "现场录音",
            name = "欧阳娜娜", phone = Phone, idNumber = IdNumber, hasInterest = true, receivedAt = "2026-11-16T01:00:00Z",
        };
        var filed = await kit.FileAsync(body);
        await kit.AssignAsync(filed.Id);

        var office = await kit.DetailAsync(filed.Id);
        Assert.Equal("欧***", office.GetProperty("complainantName").GetString());
        Assert.Equal("138****5678", office.GetProperty("complainantPhone").GetString());
        Assert.Equal("1101**********002X", office.GetProperty("complainantIdNumber").GetString());
        var leader = await app.ClientAsAsync(Roles.Leader);
        var leaderText = await (await leader.GetAsync($"/api/v1/complaints/{filed.Id}")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(Phone, leaderText, StringComparison.Ordinal);
        Assert.DoesNotContain("欧阳娜娜", leaderText, StringComparison.Ordinal);
        await (await leader.PostAsync($"/api/v1/complaints/{filed.Id}/reveal", null)).ExpectRuleAsync(HttpStatusCode.Forbidden, "SEC-4");
        var listText = await (await kit.Office.GetAsync($"/api/v1/complaints?unitId={unit}")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(Phone, listText, StringComparison.Ordinal);
        Assert.DoesNotContain("欧阳娜娜", listText, StringComparison.Ordinal);

        // The unit: the name masked, no contact details until the Office grants them.
        var liaison = await kit.LiaisonAsync(unit);
        var seen = await kit.DetailAsync(filed.Id, liaison);
        Assert.Equal("欧***", seen.GetProperty("complainantName").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, seen.GetProperty("complainantPhone").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, seen.GetProperty("complainantIdNumber").ValueKind);
        await (await liaison.PostAsync($"/api/v1/complaints/{filed.Id}/reveal", null)).ExpectRuleAsync(HttpStatusCode.Forbidden, "SEC-4");

        var revealed = await (await kit.Office.PostAsync($"/api/v1/complaints/{filed.Id}/reveal", null)).ReadAsync<Revealed>();
        Assert.Equal(new Revealed("欧阳娜娜", Phone, IdNumber), revealed);
        await (await kit.Office.PostAsync($"/api/v1/complaints/{filed.Id}/grant-contact", null)).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal("138****5678", (await kit.DetailAsync(filed.Id, liaison)).GetProperty("complainantPhone").GetString());
        var unitReveal = await (await liaison.PostAsync($"/api/v1/complaints/{filed.Id}/reveal", null)).ReadAsync<Revealed>();
        Assert.Equal(Phone, unitReveal.Phone);
        Assert.Null(unitReveal.IdNumber);
        var reveals = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().CountAsync(a => a.Action == "personal-data.reveal" && a.EntityKey == filed.Id.ToString()));
        Assert.Equal(2, reveals);
        // The audit log keeps the personal fields masked and sealed, never in clear.
        var audit = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.EntityKey == filed.Id.ToString()).Select(a => (a.Before ?? "") + (a.After ?? "")).ToListAsync());
        Assert.DoesNotContain(audit, c => c.Contains(Phone, StringComparison.Ordinal));

        // Exports: masked for the Office, no phone for an ungranted unit (the grant above is for this complaint only).
        var officeXlsx = await XlsxTextAsync(kit.Office, $"/api/v1/complaints/export.xlsx?unitId={unit}");
        Assert.Contains("138****5678", officeXlsx, StringComparison.Ordinal);
        Assert.Contains("欧***", officeXlsx, StringComparison.Ordinal);
        Assert.DoesNotContain(Phone, officeXlsx, StringComparison.Ordinal);
        Assert.DoesNotContain("欧阳娜娜", officeXlsx, StringComparison.Ordinal);
        var other = await kit.FileAsync(body with { });
        await kit.AssignAsync(other.Id);
        var unitXlsx = await XlsxTextAsync(liaison, "/api/v1/complaints/export.xlsx");
        Assert.Contains(other.Number, unitXlsx, StringComparison.Ordinal);
        Assert.Equal(1, System.Text.RegularExpressions.Regex.Count(unitXlsx, @"138\*\*\*\*5678")); // the granted complaint only
        Assert.DoesNotContain(Phone, unitXlsx, StringComparison.Ordinal);

        // A liaison of another unit: 404 everywhere, and not in their list.
        var stranger = await kit.LiaisonAsync(otherUnit);
        await (await stranger.GetAsync($"/api/v1/complaints/{filed.Id}")).ExpectAsync(HttpStatusCode.NotFound);
        await (await stranger.PostAsync($"/api/v1/complaints/{filed.Id}/reveal", null)).ExpectAsync(HttpStatusCode.NotFound);
        await (await stranger.PostJsonAsync($"/api/v1/complaints/{filed.Id}/answer", new { body = "越权" })).ExpectAsync(HttpStatusCode.NotFound);
        Assert.DoesNotContain(filed.Number, await (await stranger.GetAsync("/api/v1/complaints")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "SEC-4")]
    [Trait("Rule", "CMP-5")]
    public async Task AnonymousComplainant_IsNeverShownToTheUnit_EvenAfterAGrantAttempt()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeAdmin));
        var (unit, _) = await kit.UnitAsync();
        var filed = await kit.PublicAsync(unit, "203.0.113.50", anonymous: true);
        var id = (await ComplaintKit.JsonAsync(kit.Office, $"/api/v1/complaints?unitId={unit}")).GetProperty("items")[0].GetProperty("id").GetGuid();
        await kit.AssignAsync(id);
        await (await kit.Office.PostAsync($"/api/v1/complaints/{id}/grant-contact", null)).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "SEC-4");
        var liaison = await kit.LiaisonAsync(unit);
        var seen = await kit.DetailAsync(id, liaison);
        Assert.True(seen.GetProperty("anonymous").GetBoolean());
        Assert.Equal("Suggestion", seen.GetProperty("kind").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, seen.GetProperty("complainantName").ValueKind);
        Assert.Equal(filed.Number, seen.GetProperty("number").GetString());
    }

    private static async Task<string> XlsxTextAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        await response.ExpectAsync(HttpStatusCode.OK);
        using var zip = new System.IO.Compression.ZipArchive(await response.Content.ReadAsStreamAsync());
        var text = new System.Text.StringBuilder();
        foreach (var e in zip.Entries.Where(e => e.FullName.EndsWith(".xml", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(e.Open());
            text.Append(await reader.ReadToEndAsync());
        }
        return text.ToString();
    }

    private sealed record Revealed(string? Name, string? Phone, string? IdNumber);
}
