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
        // Received 01:00Z: 09:00 on the office's clock, the zone named in the header.
        Assert.Contains("收到时间 (Asia/Shanghai)", officeXlsx, StringComparison.Ordinal);
        Assert.Contains("2026-11-16 09:00", officeXlsx, StringComparison.Ordinal);
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
    [Trait("Rule", "SEC-2")]
    public async Task ContactGrant_BelongsToTheUnitItWasGivenTo_AReassignmentEndsIt_AndNoUnitRevealsAComplaintItCannotRead()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (a, _) = await kit.UnitAsync("甲局");
        var (b, _) = await kit.UnitAsync("乙局");
        var filed = await kit.FileAsync(ComplaintKit.Body(a, matter: "授权随单位", phone: Phone));
        var liaisonA = await kit.LiaisonAsync(a);

        // Still with the Office: no unit to grant it to, no button for it; the unit named cannot reveal what it cannot read.
        await (await kit.Office.PostAsync($"/api/v1/complaints/{filed.Id}/grant-contact", null)).ExpectRuleAsync(HttpStatusCode.Conflict, "SEC-4");
        Assert.DoesNotContain("handler=Grant", await kit.Office.GetStringAsync($"/Complaints/Detail/{filed.Id}"), StringComparison.Ordinal);
        await (await liaisonA.GetAsync($"/api/v1/complaints/{filed.Id}")).ExpectAsync(HttpStatusCode.NotFound);
        await (await liaisonA.PostAsync($"/api/v1/complaints/{filed.Id}/reveal", null)).ExpectAsync(HttpStatusCode.NotFound);

        await kit.AssignAsync(filed.Id);
        Assert.Contains("handler=Grant", await kit.Office.GetStringAsync($"/Complaints/Detail/{filed.Id}"), StringComparison.Ordinal);
        await (await kit.Office.PostAsync($"/api/v1/complaints/{filed.Id}/grant-contact", null)).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal(Phone, (await (await liaisonA.PostAsync($"/api/v1/complaints/{filed.Id}/reveal", null)).ReadAsync<Revealed>()).Phone);

        // A returns it as outside its remit: while it waits on the Office, no grant is given.
        await (await liaisonA.PostJsonAsync($"/api/v1/complaints/{filed.Id}/return", new { body = "属乙局职责" })).ExpectAsync(HttpStatusCode.NoContent);
        await (await kit.Office.PostAsync($"/api/v1/complaints/{filed.Id}/grant-contact", null)).ExpectRuleAsync(HttpStatusCode.Conflict, "SEC-4");

        // Reassigned to B: A's grant does not travel with it.
        await kit.AssignAsync(filed.Id, b);
        var liaisonB = await kit.LiaisonAsync(b);
        var seenByB = await kit.DetailAsync(filed.Id, liaisonB);
        Assert.False(seenByB.GetProperty("contactGranted").GetBoolean());
        Assert.False(seenByB.GetProperty("mayReveal").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, seenByB.GetProperty("complainantPhone").ValueKind);
        await (await liaisonB.PostAsync($"/api/v1/complaints/{filed.Id}/reveal", null)).ExpectRuleAsync(HttpStatusCode.Forbidden, "SEC-4");
        var pageOfB = await liaisonB.GetStringAsync($"/Complaints/Detail/{filed.Id}");
        Assert.DoesNotContain("id=\"reveal\"", pageOfB, StringComparison.Ordinal);
        Assert.DoesNotContain("138****5678", pageOfB, StringComparison.Ordinal);
        await (await liaisonA.PostAsync($"/api/v1/complaints/{filed.Id}/reveal", null)).ExpectAsync(HttpStatusCode.NotFound);
        var office = await kit.DetailAsync(filed.Id);
        Assert.False(office.GetProperty("contactGranted").GetBoolean());
        var ended = Assert.Single(office.GetProperty("history").EnumerateArray(), h => h.GetProperty("kind").GetString() == "grant-contact-ended");
        Assert.Equal(a, ended.GetProperty("unitId").GetGuid());

        // The Office may grant it to B in turn; then B, and only B, reveals.
        Assert.Contains("handler=Grant", await kit.Office.GetStringAsync($"/Complaints/Detail/{filed.Id}"), StringComparison.Ordinal);
        await (await kit.Office.PostAsync($"/api/v1/complaints/{filed.Id}/grant-contact", null)).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal(Phone, (await (await liaisonB.PostAsync($"/api/v1/complaints/{filed.Id}/reveal", null)).ReadAsync<Revealed>()).Phone);
        Assert.Contains("id=\"reveal\"", await liaisonB.GetStringAsync($"/Complaints/Detail/{filed.Id}"), StringComparison.Ordinal);
        await (await liaisonA.PostAsync($"/api/v1/complaints/{filed.Id}/reveal", null)).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    [Trait("Rule", "SEC-2")]
    [Trait("Rule", "CMP-8")]
    public async Task UnitsHistory_ShowsNeitherTheAccountabilityNorAnEarlierUnitsInnerSteps_TheOfficeSeesThemAll()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (a, _) = await kit.UnitAsync("甲局");
        var (b, _) = await kit.UnitAsync("乙局");
        var filed = await kit.FileAsync(ComplaintKit.Body(a, matter: "历史可见范围"));
        await kit.AssignAsync(filed.Id);
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{filed.Id}/urge", new { body = "甲局压件两天" })).ExpectAsync(HttpStatusCode.NoContent);
        var liaisonA = await kit.LiaisonAsync(a);
        await (await liaisonA.PostJsonAsync($"/api/v1/complaints/{filed.Id}/return", new { body = "甲局内部分工调整" })).ExpectAsync(HttpStatusCode.NoContent);
        await kit.AssignAsync(filed.Id, b);
        var liaisonB = await kit.LiaisonAsync(b);
        await (await liaisonB.PostJsonAsync($"/api/v1/complaints/{filed.Id}/answer", new { body = "乙局已办结该事项。" })).ExpectAsync(HttpStatusCode.NoContent);
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{filed.Id}/review", new { accept = true, substantiated = true })).ExpectAsync(HttpStatusCode.NoContent);
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{filed.Id}/accountability", new { body = "对经办人诫勉谈话" })).ExpectAsync(HttpStatusCode.NoContent);

        var office = await kit.DetailAsync(filed.Id);
        var officeKinds = office.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("kind").GetString()).ToList();
        Assert.Contains("accountability", officeKinds);
        Assert.Contains("urge", officeKinds);
        Assert.Contains("return", officeKinds);

        var seen = await kit.DetailAsync(filed.Id, liaisonB);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, seen.GetProperty("accountability").ValueKind);
        var kinds = seen.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("kind").GetString()).ToList();
        Assert.DoesNotContain("accountability", kinds);
        Assert.DoesNotContain("urge", kinds);
        Assert.DoesNotContain("return", kinds);
        Assert.Contains("reassign", kinds);
        Assert.Contains("answer", kinds);
        Assert.Contains("close", kinds);
        var texts = string.Join("\n", seen.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("text").GetString()));
        Assert.Contains("乙局已办结该事项", texts, StringComparison.Ordinal);
        var page = System.Net.WebUtility.HtmlDecode(await liaisonB.GetStringAsync($"/Complaints/Detail/{filed.Id}"));
        foreach (var secret in new[] { "诫勉谈话", "甲局压件两天", "甲局内部分工调整" })
        {
            Assert.DoesNotContain(secret, texts, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, page, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// SEC-4 through the Ratings module: the complainant's rating of the answer carries their phone (for the SAT-7 call back).
    /// Before, the unit's liaison saw it masked in the ratings and follow-up lists and revealed it in full with reveal-phone,
    /// with no grant. Now the unit gets nothing of it until the Office grants contact for the complaint; the Office always can.
    /// </summary>
    [Fact]
    [Trait("Rule", "SEC-4")]
    [Trait("Rule", "SAT-7")]
    public async Task ComplainantsPhone_DoesNotReachTheUnitThroughRatingsOrFollowUps_UntilTheOfficeGrantsContact()
    {
        app.Clock.Set(MingchaApp.Start);
        const string phone = "13712345678"; // ComplaintKit.PublicAsync's complainant
        const string masked = "137****5678";
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (unit, _) = await kit.UnitAsync("评价局");
        var filed = await kit.PublicAsync(unit, "203.0.113.131", matter: "差评回访的号码");
        var id = await app.WithDbAsync(db => db.Complaints.Where(c => c.Number == filed.Number).Select(c => c.Id).SingleAsync());
        await kit.AssignAsync(id);
        var liaison = await kit.LiaisonAsync(unit);
        await (await liaison.PostJsonAsync($"/api/v1/complaints/{id}/answer", new { body = "已解释办理流程。" })).ExpectAsync(HttpStatusCode.NoContent);
        await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{id}/review", new { accept = true, substantiated = false })).ExpectAsync(HttpStatusCode.NoContent);
        await (await app.NewClient().PostJsonAsync($"/api/v1/public/complaints/{filed.QueryCode}/rating", new { level = 3, comment = "答复敷衍" })).ExpectAsync(HttpStatusCode.NoContent);
        var rating = await app.WithDbAsync(db => db.Ratings.AsNoTracking().SingleAsync(r => r.CaseNumber == filed.Number));
        Assert.Equal(phone, rating.RaterPhone); // kept for the call back, by the Office

        // The unit: a real-name bad rating to follow up, without the number, in the lists, the page or by a reveal.
        var fu = await Ratings.RatingsTests.WaitForAsync(async () => (await liaison.GetAsync<List<FollowUpRow>>("/api/v1/follow-ups")).FirstOrDefault(f => f.RatingId == rating.Id));
        Assert.True(fu.RealName);
        Assert.True(fu.ContactWithheld);
        Assert.Equal("", fu.RaterPhone);
        Assert.Equal("", (await liaison.GetAsync<List<RatingRow>>($"/api/v1/ratings?caseNumber={filed.Number}")).Single().RaterPhone);
        Assert.Equal("", (await liaison.GetAsync<FollowUpRow>($"/api/v1/follow-ups/{fu.Id}")).RaterPhone);
        await (await liaison.PostAsync($"/api/v1/ratings/{rating.Id}/reveal-phone", null)).ExpectRuleAsync(HttpStatusCode.Forbidden, "SEC-4");
        var page = WebUtility.HtmlDecode(await liaison.GetStringAsync("/Ratings/FollowUps"));
        Assert.Contains("contact-withheld", page, StringComparison.Ordinal);
        Assert.DoesNotContain(masked, page, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-rating=\"{rating.Id}\"", page, StringComparison.Ordinal);

        // The Office calls back: it sees the number masked and reveals it (logged).
        var officeCase = await kit.Office.GetAsync<FollowUpRow>($"/api/v1/follow-ups/{fu.Id}");
        Assert.Equal(masked, officeCase.RaterPhone);
        Assert.False(officeCase.ContactWithheld);
        Assert.Equal(masked, (await kit.Office.GetAsync<List<RatingRow>>($"/api/v1/ratings?caseNumber={filed.Number}")).Single().RaterPhone);
        Assert.Contains(phone, await (await kit.Office.PostAsync($"/api/v1/ratings/{rating.Id}/reveal-phone", null)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "personal-data.reveal" && a.EntityKey == rating.Id.ToString())));

        // Once the Office grants the unit contact for the complaint, the unit may call back itself; another unit never.
        await (await kit.Office.PostAsync($"/api/v1/complaints/{id}/grant-contact", null)).ExpectAsync(HttpStatusCode.NoContent);
        var granted = await liaison.GetAsync<FollowUpRow>($"/api/v1/follow-ups/{fu.Id}");
        Assert.Equal(masked, granted.RaterPhone);
        Assert.False(granted.ContactWithheld);
        Assert.Contains(phone, await (await liaison.PostAsync($"/api/v1/ratings/{rating.Id}/reveal-phone", null)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains($"data-rating=\"{rating.Id}\"", await liaison.GetStringAsync("/Ratings/FollowUps"), StringComparison.Ordinal);
        var (other, _) = await kit.UnitAsync("他局");
        await (await (await kit.LiaisonAsync(other)).PostAsync($"/api/v1/ratings/{rating.Id}/reveal-phone", null)).ExpectAsync(HttpStatusCode.NotFound);
    }

    /// <summary>
    /// SEC-4 with SAT-7: while the complainant's number is withheld from the unit, the unit cannot have called them, so it may
    /// not record a call back, a failed call or the telling of the fix; the Office does those steps, the unit verifies and
    /// fixes. Once the Office grants contact, the unit speaks to the rater itself. A refused step stores nothing.
    /// </summary>
    [Fact]
    [Trait("Rule", "SEC-4")]
    [Trait("Rule", "SAT-7")]
    public async Task UnitWithoutContact_CannotRecordCallsToTheComplainant_TheOfficeDoes_UntilContactIsGranted()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (unit, _) = await kit.UnitAsync("回访局");
        var liaison = await kit.LiaisonAsync(unit);

        async Task<(Guid Complaint, FollowUpRow Case)> BadRatingAsync(string ip, string matter)
        {
            var filed = await kit.PublicAsync(unit, ip, matter: matter);
            var id = await app.WithDbAsync(db => db.Complaints.Where(c => c.Number == filed.Number).Select(c => c.Id).SingleAsync());
            await kit.AssignAsync(id);
            await (await liaison.PostJsonAsync($"/api/v1/complaints/{id}/answer", new { body = "已答复。" })).ExpectAsync(HttpStatusCode.NoContent);
            await (await kit.Office.PostJsonAsync($"/api/v1/complaints/{id}/review", new { accept = true, substantiated = false })).ExpectAsync(HttpStatusCode.NoContent);
            await (await app.NewClient().PostJsonAsync($"/api/v1/public/complaints/{filed.QueryCode}/rating", new { level = 3, comment = "不满意" })).ExpectAsync(HttpStatusCode.NoContent);
            var ratingId = await app.WithDbAsync(db => db.Ratings.Where(r => r.CaseNumber == filed.Number).Select(r => r.Id).SingleAsync());
            var fu = await Ratings.RatingsTests.WaitForAsync(async () => (await liaison.GetAsync<List<FollowUpRow>>("/api/v1/follow-ups")).FirstOrDefault(f => f.RatingId == ratingId));
            Assert.True(fu.RealName);
            Assert.True(fu.ContactWithheld);
            return (id, fu);
        }
        async Task<(int FailedCalls, DateTime? CalledBackAt, DateTime? InformedAt)> StateAsync(Guid caseId) =>
            await app.WithDbAsync(db => db.FollowUpCases.AsNoTracking().Where(f => f.Id == caseId).Select(f => new ValueTuple<int, DateTime?, DateTime?>(f.FailedCalls, f.CalledBackAt, f.InformedAt)).SingleAsync());

        // Withheld: the unit's call back, failed call and telling are refused and store nothing; the page offers no such form.
        var (_, first) = await BadRatingAsync("203.0.113.141", "回访号码未授权");
        await (await liaison.PostJsonAsync($"/api/v1/follow-ups/{first.Id}/failed-calls", new { note = "无人接听" })).ExpectRuleAsync(HttpStatusCode.Forbidden, "SEC-4");
        await (await liaison.PostJsonAsync($"/api/v1/follow-ups/{first.Id}/steps", new { step = "CallBack", note = "已回访", reached = true })).ExpectRuleAsync(HttpStatusCode.Forbidden, "SEC-4");
        Assert.Equal((0, null, null), await StateAsync(first.Id));
        var page = WebUtility.HtmlDecode(await liaison.GetStringAsync("/Ratings/FollowUps"));
        var row = page[page.IndexOf($"data-case=\"{first.Id}\"", StringComparison.Ordinal)..];
        row = row[..row.IndexOf("</tr>", StringComparison.Ordinal)];
        Assert.Contains("office-contacts", row, StringComparison.Ordinal);
        Assert.DoesNotContain("failed-call-form", row, StringComparison.Ordinal);
        Assert.DoesNotContain("step-form", row, StringComparison.Ordinal);

        // The Office calls back; the unit verifies and fixes; telling the rater is the Office's again.
        await (await kit.Office.PostJsonAsync($"/api/v1/follow-ups/{first.Id}/steps", new { step = "CallBack", note = "效能办已回访", reached = true })).ExpectAsync(HttpStatusCode.OK);
        await (await liaison.PostJsonAsync($"/api/v1/follow-ups/{first.Id}/steps", new { step = "Verify", note = "已核实" })).ExpectAsync(HttpStatusCode.OK);
        await (await liaison.PostJsonAsync($"/api/v1/follow-ups/{first.Id}/steps", new { step = "Fix", note = "已整改" })).ExpectAsync(HttpStatusCode.OK);
        await (await liaison.PostJsonAsync($"/api/v1/follow-ups/{first.Id}/steps", new { step = "Inform", note = "已告知" })).ExpectRuleAsync(HttpStatusCode.Forbidden, "SEC-4");
        Assert.Null((await StateAsync(first.Id)).InformedAt);
        await (await kit.Office.PostJsonAsync($"/api/v1/follow-ups/{first.Id}/steps", new { step = "Inform", note = "效能办已告知" })).ExpectAsync(HttpStatusCode.OK);
        Assert.NotNull((await StateAsync(first.Id)).InformedAt);

        // Granted: the unit records its own calls.
        var (second, fu2) = await BadRatingAsync("203.0.113.142", "回访号码已授权");
        await (await kit.Office.PostAsync($"/api/v1/complaints/{second}/grant-contact", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await liaison.PostJsonAsync($"/api/v1/follow-ups/{fu2.Id}/failed-calls", new { note = "无人接听" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, (await StateAsync(fu2.Id)).FailedCalls);
    }

    private sealed record FollowUpRow(Guid Id, Guid RatingId, bool RealName, string RaterPhone, bool ContactWithheld);
    private sealed record RatingRow(Guid Id, string? CaseNumber, bool RealName, string RaterPhone);

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

    [Fact]
    [Trait("Rule", "SEC-4")]
    [Trait("Rule", "CMP-3")]
    public async Task StaffEntryPage_TakesAValidIdNumber_RefusesABadCheckDigit_AndItIsMaskedInPageApiAndExportForEveryRole()
    {
        app.Clock.Set(MingchaApp.Start);
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var kit = new ComplaintKit(app, office);
        var (unit, _) = await kit.UnitAsync();
        var page = await office.GetStringAsync("/Complaints");
        Assert.Contains("name=\"New.IdNumber\"", page, StringComparison.Ordinal);
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        FormUrlEncodedContent Entry(string matter, string idNumber) => new(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["New.Channel"] = "Letter", ["New.UnitId"] = unit.ToString(), ["New.Type"] = "Attitude", ["New.Matter"] = matter,
            ["New.Reasons"] = "来信反映窗口态度生硬。", ["New.EvidenceNote"] = "来信原件", ["New.Name"] = "欧阳娜娜", ["New.Phone"] = Phone, ["New.IdNumber"] = idNumber,
            ["New.HasInterest"] = "true", ["New.ReceivedAt"] = "2026-11-16T09:00",
        });

        // A wrong check digit: refused with a message, nothing stored.
        var bad = await office.PostAsync("/Complaints?handler=File", Entry("来信身份证错误", "110105194912310021"));
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        Assert.Contains("身份证号码无效", WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync(db => db.Complaints.AnyAsync(c => c.Matter == "来信身份证错误" && c.UnitId == unit)));

        var ok = await office.PostAsync("/Complaints?handler=File", Entry("来信态度问题", IdNumber));
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        var id = await app.WithDbAsync(db => db.Complaints.Where(c => c.UnitId == unit && c.Matter == "来信态度问题").Select(c => c.Id).SingleAsync());
        Assert.Equal(IdNumber, (await app.WithDbAsync(db => db.Complaints.AsNoTracking().SingleAsync(c => c.Id == id))).ComplainantIdNumber);
        await kit.AssignAsync(id);
        const string masked = "1101**********002X";

        // Office and leader: masked in the API, the page, the list and the export; the full number never.
        var leader = await app.ClientAsAsync(Roles.Leader);
        foreach (var (role, client) in new[] { ("office", office), ("leader", leader) })
        {
            Assert.Equal(masked, (await kit.DetailAsync(id, client)).GetProperty("complainantIdNumber").GetString());
            var detailPage = System.Net.WebUtility.HtmlDecode(await client.GetStringAsync($"/Complaints/Detail/{id}"));
            Assert.Contains(masked, detailPage, StringComparison.Ordinal);
            Assert.DoesNotContain(IdNumber, detailPage, StringComparison.Ordinal);
            var listText = await (await client.GetAsync($"/api/v1/complaints?unitId={unit}")).Content.ReadAsStringAsync();
            Assert.DoesNotContain(IdNumber, listText, StringComparison.Ordinal);
            Assert.DoesNotContain(IdNumber, await client.GetStringAsync($"/Complaints?unitId={unit}"), StringComparison.Ordinal);
            var xlsx = await XlsxTextAsync(client, $"/api/v1/complaints/export.xlsx?unitId={unit}");
            Assert.True(xlsx.Contains(masked, StringComparison.Ordinal), role + " export masked");
            Assert.DoesNotContain(IdNumber, xlsx, StringComparison.Ordinal);
        }

        // The unit's liaison: no ID number at all (null in the API, absent from page and export), even after a contact grant.
        var liaison = await kit.LiaisonAsync(unit);
        await (await office.PostAsync($"/api/v1/complaints/{id}/grant-contact", null)).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await kit.DetailAsync(id, liaison)).GetProperty("complainantIdNumber").ValueKind);
        var unitPage = await liaison.GetStringAsync($"/Complaints/Detail/{id}");
        Assert.DoesNotContain("complainant-idnumber", unitPage, StringComparison.Ordinal);
        Assert.DoesNotContain(IdNumber, unitPage, StringComparison.Ordinal);
        var unitXlsx = await XlsxTextAsync(liaison, "/api/v1/complaints/export.xlsx");
        Assert.DoesNotContain(masked, unitXlsx, StringComparison.Ordinal);
        Assert.DoesNotContain(IdNumber, unitXlsx, StringComparison.Ordinal);
        Assert.Null((await (await liaison.PostAsync($"/api/v1/complaints/{id}/reveal", null)).ReadAsync<Revealed>()).IdNumber);

        // Shown in full only on the logged reveal path (the Office).
        var before = await app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "personal-data.reveal" && a.EntityKey == id.ToString()));
        var revealPage = await office.GetStringAsync($"/Complaints/Detail/{id}");
        var revealToken = System.Text.RegularExpressions.Regex.Match(revealPage, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var revealed = await office.PostAsync($"/Complaints/Detail/{id}?handler=Reveal", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = revealToken }));
        Assert.Contains(IdNumber, await revealed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before + 1, await app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "personal-data.reveal" && a.EntityKey == id.ToString())));
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
