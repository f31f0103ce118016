using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests.Complaints;

/// <summary>
/// CMP-3, CMP-6, CMP-9: a public complaint sent twice — a double click on the form, a client retrying after a timeout — is one
/// complaint, not two (which would also have counted twice toward the unit's repeats). The form carries a one-time key made
/// when it is shown; the API takes an Idempotency-Key header or a submissionKey field. The resend is answered with the first
/// complaint's number and query code.
/// </summary>
public sealed partial class ComplaintSubmissionTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    private sealed record PublicAnswer(string Number, string? QueryCode, string Kind, bool AlreadyReceived);

    private HttpClient Public(string ip)
    {
        var client = app.NewClient();
        client.DefaultRequestHeaders.Add(MingchaApp.RemoteIpHeader, ip);
        return client;
    }

    private Task<int> CountAsync(string matter) => app.WithDbAsync(db => db.Complaints.CountAsync(c => c.Matter == matter));

    private static object Body(Guid unit, string matter, string? submissionKey = null) => new
    {
        type = "BuckPassing", unitId = unit, matter, reasons = "三次往返仍未受理。", evidenceNote = "受理回执", name = "钱七", phone = "13712345678",
        hasInterest = true, submissionKey,
    };

    private static HttpRequestMessage Keyed(string key, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/public/complaints") { Content = JsonContent(body) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private static StringContent JsonContent(object body) => Api.JsonBody(JsonSerializer.Serialize(body, Api.Json));

    [Fact]
    [Trait("Rule", "CMP-6")]
    [Trait("Rule", "CMP-3")]
    public async Task PublicForm_SubmittedTwiceAtOnce_IsOneComplaint_BothAnswersShowItsNumberAndQueryCode_AndTheOfficeSeesLikelyDuplicates()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (unit, _) = await kit.UnitAsync();
        const string matter = "表单双击提交";
        var client = Public("203.0.113.161");
        var form = await client.GetStringAsync("/Complaints/File");
        var key = SubmissionKeyField().Match(form).Groups[1].Value;
        Assert.Matches("^[0-9a-f]{32}$", key);
        FormUrlEncodedContent FieldsOf(string shown, string submissionKey) => new(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Pages.AntiforgeryToken(shown), ["SubmissionKey"] = submissionKey, ["Form.UnitId"] = unit.ToString(), ["Form.Type"] = "BuckPassing",
            ["Form.Matter"] = matter, ["Form.Reasons"] = "三次往返仍未受理。", ["Form.EvidenceNote"] = "受理回执", ["Form.Name"] = "钱七", ["Form.Phone"] = "13712345678",
            ["Form.HasInterest"] = "true",
        });
        FormUrlEncodedContent Fields() => FieldsOf(form, key);

        var answers = await Task.WhenAll(client.PostAsync("/Complaints/File", Fields()), client.PostAsync("/Complaints/File", Fields()));
        var pages = new List<string>();
        foreach (var a in answers)
        {
            await a.ExpectAsync(HttpStatusCode.OK);
            pages.Add(WebUtility.HtmlDecode(await a.Content.ReadAsStringAsync()));
        }
        Assert.Equal(1, await CountAsync(matter));
        Assert.Single(pages, p => p.Contains("id=\"already-received\"", StringComparison.Ordinal));
        var numbers = pages.Select(p => Regex.Match(p, "id=\"complaint-number\">([^<]+)<").Groups[1].Value).Distinct().ToList();
        var codes = pages.Select(p => Regex.Match(p, "id=\"query-code\">([A-Z0-9]+)<").Groups[1].Value).Distinct().ToList();
        var number = Assert.Single(numbers);
        var code = Assert.Single(codes);
        Assert.Equal(12, code.Length);
        Assert.Contains(number, await app.NewClient().GetStringAsync($"/Complaints/Track?code={code}"), StringComparison.Ordinal);

        // Sent again later, the same form is still the same complaint, and spends no more of the address's allowance.
        for (var i = 0; i < 5; i++)
            Assert.Contains("id=\"already-received\"", await (await client.PostAsync("/Complaints/File", Fields())).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync(matter));

        // The form opened anew is a new submission: a second complaint, which the Office sees as a likely duplicate of the first.
        var again = await client.GetStringAsync("/Complaints/File");
        var newKey = SubmissionKeyField().Match(again).Groups[1].Value;
        Assert.NotEqual(key, newKey);
        var second = await client.PostAsync("/Complaints/File", FieldsOf(again, newKey));
        Assert.DoesNotContain("already-received", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, await CountAsync(matter));
        var ids = await app.WithDbAsync(db => db.Complaints.Where(c => c.Matter == matter).OrderBy(c => c.ReceivedAt).ThenBy(c => c.Id).Select(c => new { c.Id, c.Number }).ToListAsync());
        var later = ids.Single(c => c.Number != number);
        var first = ids.Single(c => c.Number == number);
        var detail = await kit.DetailAsync(later.Id);
        Assert.Equal(first.Id, Assert.Single(detail.GetProperty("likelyDuplicates").EnumerateArray()).GetProperty("id").GetGuid());
        var page = await kit.Office.GetStringAsync($"/Complaints/Detail/{later.Id}");
        Assert.Contains("id=\"likely-duplicates\"", page, StringComparison.Ordinal);
        Assert.Contains($"/Complaints/Detail/{first.Id}", page, StringComparison.Ordinal);
        // The unit is not shown the complainant's other complaints.
        await kit.AssignAsync(later.Id);
        var seen = await kit.DetailAsync(later.Id, await kit.LiaisonAsync(unit));
        Assert.Equal(0, seen.GetProperty("likelyDuplicates").GetArrayLength());
    }

    [Fact]
    [Trait("Rule", "CMP-6")]
    [Trait("Rule", "CMP-3")]
    [Trait("Rule", "CMP-11")]
    public async Task PublicApi_WithAnIdempotencyKey_AnswersAResendWithTheFirstComplaint_RefusesTheKeyWithOtherContent()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (unit, _) = await kit.UnitAsync();
        const string matter = "接口超时重发";
        var client = Public("203.0.113.162");
        var key = Guid.NewGuid().ToString();

        var created = await (await client.SendAsync(Keyed(key, Body(unit, matter)))).ReadAsync<PublicAnswer>(HttpStatusCode.Created);
        Assert.False(created.AlreadyReceived);
        Assert.NotNull(created.QueryCode);
        // Resent, more often than the address may file (5 an hour): the same complaint each time, nothing stored, no permit spent.
        for (var i = 0; i < 6; i++)
        {
            var again = await (await client.SendAsync(Keyed(key, Body(unit, matter)))).ReadAsync<PublicAnswer>(HttpStatusCode.OK);
            Assert.Equal(created with { AlreadyReceived = true }, again);
        }
        // The key in the body, as well as or instead of the header.
        Assert.Equal(created.Number, (await (await client.PostJsonAsync("/api/v1/public/complaints", Body(unit, matter, key))).ReadAsync<PublicAnswer>(HttpStatusCode.OK)).Number);
        Assert.Equal(1, await CountAsync(matter));

        await (await client.SendAsync(Keyed(key, Body(unit, "另一件事")))).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "CMP-3");
        await (await client.SendAsync(Keyed(key, Body(unit, matter, Guid.NewGuid().ToString())))).ExpectFieldErrorAsync("submissionKey");
        await (await client.SendAsync(Keyed("short", Body(unit, "短编号")))).ExpectFieldErrorAsync("submissionKey");
        Assert.Equal(0, await CountAsync("另一件事"));
        Assert.Equal(0, await CountAsync("短编号"));

        // Once the Office has issued a new query code, a resend no longer shows the old one (it no longer works).
        var id = await app.WithDbAsync(db => db.Complaints.Where(c => c.Number == created.Number).Select(c => c.Id).SingleAsync());
        await (await kit.Office.PostAsync($"/api/v1/complaints/{id}/query-code", null)).ExpectAsync(HttpStatusCode.OK);
        var afterReissue = await (await client.SendAsync(Keyed(key, Body(unit, matter)))).ReadAsync<PublicAnswer>(HttpStatusCode.OK);
        Assert.Equal(created.Number, afterReissue.Number);
        Assert.Null(afterReissue.QueryCode);
        Assert.True(afterReissue.AlreadyReceived);

        // Two sends of one key at the same moment: one complaint.
        const string raced = "同时重发";
        var racedKey = Guid.NewGuid().ToString("N");
        var both = await Task.WhenAll(Public("203.0.113.163").SendAsync(Keyed(racedKey, Body(unit, raced))), Public("203.0.113.163").SendAsync(Keyed(racedKey, Body(unit, raced))));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Created], both.Select(b => b.StatusCode).Order());
        Assert.Equal(1, await CountAsync(raced));
    }

    [Fact]
    [Trait("Rule", "CMP-6")]
    [Trait("Rule", "CMP-2")]
    public async Task PublicApiWithEvidence_ResentWithItsKey_IsOneComplaintWithOneSetOfFiles()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (unit, _) = await kit.UnitAsync();
        const string matter = "带证据重发";
        var key = Guid.NewGuid().ToString();
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. Enumerable.Range(0, 1200).Select(i => (byte)(i * 7))];
        MultipartFormDataContent Form()
        {
            var form = new MultipartFormDataContent
            {
                { new StringContent("BuckPassing"), "type" }, { new StringContent(unit.ToString()), "unitId" }, { new StringContent(matter), "matter" },
                { new StringContent("三次往返仍未受理。"), "reasons" }, { new StringContent("钱七"), "name" }, { new StringContent("13712345678"), "phone" },
                { new StringContent("true"), "hasInterest" }, { new StringContent(key), "submissionKey" },
            };
            var part = new ByteArrayContent(png);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(part, "files", "窗口.png");
            return form;
        }
        var client = Public("203.0.113.164");
        var first = await (await client.PostAsync("/api/v1/public/complaints/with-evidence", Form())).ReadAsync<PublicAnswer>(HttpStatusCode.Created);
        var again = await (await client.PostAsync("/api/v1/public/complaints/with-evidence", Form())).ReadAsync<PublicAnswer>(HttpStatusCode.OK);
        Assert.Equal(first.Number, again.Number);
        Assert.Equal(first.QueryCode, again.QueryCode);
        Assert.True(again.AlreadyReceived);
        Assert.Equal(1, await CountAsync(matter));
        var caseId = await app.WithDbAsync(db => db.Complaints.Where(c => c.Matter == matter).Select(c => c.EvidenceCaseId).SingleAsync());
        Assert.Equal(1, await app.WithDbAsync(db => db.EvidenceItems.CountAsync(i => i.CaseId == caseId)));
    }

    [Fact]
    [Trait("Rule", "CMP-6")]
    [Trait("Rule", "CMP-3")]
    public async Task StaffIntakeForm_PostedTwice_RegistersOneComplaint_AndSaysSo()
    {
        app.Clock.Set(MingchaApp.Start);
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var kit = new ComplaintKit(app, office);
        var (unit, _) = await kit.UnitAsync();
        const string matter = "来电登记双击";
        var page = await office.GetStringAsync("/Complaints");
        var key = SubmissionKeyField().Match(page).Groups[1].Value;
        Assert.Matches("^[0-9a-f]{32}$", key);
        FormUrlEncodedContent Fields() => new(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Pages.AntiforgeryToken(page), ["SubmissionKey"] = key, ["New.Channel"] = "ComplaintHotline", ["New.UnitId"] = unit.ToString(),
            ["New.Type"] = "Attitude", ["New.Matter"] = matter, ["New.Reasons"] = "来电反映窗口态度生硬。", ["New.Name"] = "孙八", ["New.Phone"] = "13612345678",
            ["New.HasInterest"] = "true",
        });
        await (await office.PostAsync("/Complaints?handler=File", Fields())).ExpectAsync(HttpStatusCode.Redirect);
        var second = await office.PostAsync("/Complaints?handler=File", Fields());
        await second.ExpectAsync(HttpStatusCode.Redirect);
        var shown = WebUtility.HtmlDecode(await office.GetStringAsync(second.Headers.Location!.OriginalString));
        Assert.Contains("本次没有重复登记", shown, StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync(matter));
    }

    [GeneratedRegex("name=\"SubmissionKey\" value=\"([^\"]*)\"")]
    private static partial Regex SubmissionKeyField();
}
