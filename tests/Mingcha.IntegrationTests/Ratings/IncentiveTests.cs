using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.IntegrationTests.Rectification;
using Mingcha.Web.Features.Ratings;

namespace Mingcha.IntegrationTests.Ratings;

public sealed class IncentiveTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private sealed record Badge(Guid StaffId, int Year, bool Held, string? RevokedReason, string? FindingLink);
    private sealed record Candidate(Guid Id, string Name, decimal? Rate, int Ratings);
    private sealed record Ranked(int Rank, Candidate Candidate, bool Eligible, string? Reason);
    private sealed record IdDto(Guid Id);

    /// <summary>A unit of its own with a window, an accepted covert visit there, and a staff member of the window.</summary>
    private async Task<(RectificationKit Kit, RectificationKit.Case Case, Guid Staff, HttpClient Office)> SetupAsync()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new RectificationKit(app, office);
        var c = await kit.CaseAsync(findings: 0);
        var staff = (await (await office.PostJsonAsync("/api/v1/staff", new
        {
            unitId = c.UnitId, sectionId = c.SectionId, code = "ST" + Guid.NewGuid().ToString("N")[..8], name = "窗口工作人员", employment = "InService",
        })).ReadAsync<IdDto>(HttpStatusCode.Created)).Id;
        return (kit, c, staff, office);
    }

    private static Task<Badge> BadgeAsync(HttpClient office, Guid staff) => office.GetAsync<Badge>($"/api/v1/incentives/2026/badges/{staff}");

    [Fact]
    [Trait("Rule", "SAT-5")]
    [Trait("Rule", "RCT-1")]
    public async Task Badge_WhenTheOfficeConfirmsAFindingAgainstTheStaffMember_IsRevokedWithLinkAndStaffDropsOutOfTheSelection()
    {
        var (kit, c, staffId, office) = await SetupAsync();
        Assert.Equal(HttpStatusCode.OK, (await office.PostAsync("/api/v1/incentives/2026/badges", null)).StatusCode);
        Assert.True((await BadgeAsync(office, staffId)).Held);

        var (device, token) = await app.TokenClientAsync(c.UnitId, "ratings:write", "service-records:write");
        var caseNo = "INC-" + Guid.NewGuid().ToString("N")[..8];
        (await device.PostAsJsonAsync("/api/v1/service-records", new { caseNumber = caseNo, sectionId = c.SectionId, staffId, finishedAt = app.Clock.GetUtcNow().UtcDateTime })).EnsureSuccessStatusCode();
        (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = c.SectionId, caseNumber = caseNo, level = 1 })).EnsureSuccessStatusCode();

        // Recorded is not confirmed: the badge is still held until the Office confirms (RCT-1); a finding naming nobody revokes nothing.
        var finding = await kit.Inspections.FindingAsync(c.VisitId, "S07", staffId: staffId);
        var anonymous = await kit.Inspections.FindingAsync(c.VisitId, "A01");
        Assert.True((await BadgeAsync(office, staffId)).Held);
        await kit.ConfirmAsync(anonymous);
        Assert.True((await BadgeAsync(office, staffId)).Held);
        await kit.ConfirmAsync(finding);

        var badge = await BadgeAsync(office, staffId);
        Assert.False(badge.Held);
        Assert.Equal($"/api/v1/rectification/findings/{finding}/history", badge.FindingLink);
        Assert.Contains("S07", badge.RevokedReason, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await office.GetAsync(badge.FindingLink)).StatusCode); // the link opens the finding's history

        var ranking = await office.GetAsync<List<Ranked>>("/api/v1/incentives/2026/rankings/BestServiceModel");
        var line = Assert.Single(ranking, r => r.Candidate.Id == staffId);
        Assert.False(line.Eligible);
        Assert.Contains("违规", line.Reason, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await office.GetAsync("/api/v1/incentives/2026/rankings/Nonsense")).StatusCode);

        var noReason = await office.PostAsJsonAsync("/api/v1/incentives/2026/awards", new { kind = "Grievance", subjectId = staffId });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noReason.StatusCode);
        var award = await office.PostAsJsonAsync("/api/v1/incentives/2026/awards", new { kind = "Grievance", subjectId = staffId, reason = "被无理取闹的办事群众辱骂，仍耐心办结" });
        Assert.Equal(HttpStatusCode.Created, award.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync(Roles.UnitLiaison, c.UnitId)).PostAsJsonAsync("/api/v1/incentives/2026/awards",
            new { kind = "Grievance", subjectId = staffId, reason = "x" })).StatusCode);
    }

    /// <summary>
    /// SAT-5: the best service model is never a person with a confirmed violation of the year, even when the year's badges
    /// were not handed out to them (joined later, or the Office has not started the year): the ranking marks them, and an
    /// award to them is refused; a colleague without one may be chosen.
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-5")]
    public async Task BestServiceModel_OfAPersonWithAConfirmedViolation_IsRefused_WithOrWithoutABadge()
    {
        var (kit, c, staffId, office) = await SetupAsync();
        var colleague = (await (await office.PostJsonAsync("/api/v1/staff", new
        {
            unitId = c.UnitId, sectionId = c.SectionId, code = "ST" + Guid.NewGuid().ToString("N")[..8], name = "窗口同事", employment = "InService",
        })).ReadAsync<IdDto>(HttpStatusCode.Created)).Id;
        Assert.False(await app.WithDbAsync(db => db.Set<Mingcha.Web.Features.Ratings.StaffBadge>().AnyAsync(b => b.StaffId == staffId)));
        var (device, _) = await app.TokenClientAsync(c.UnitId, "ratings:write", "service-records:write");
        foreach (var who in new[] { staffId, colleague })
        {
            var caseNo = "BSM-" + Guid.NewGuid().ToString("N")[..8];
            (await device.PostAsJsonAsync("/api/v1/service-records", new { caseNumber = caseNo, sectionId = c.SectionId, staffId = who, finishedAt = app.Clock.GetUtcNow().UtcDateTime })).EnsureSuccessStatusCode();
            (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = c.SectionId, caseNumber = caseNo, level = 1 })).EnsureSuccessStatusCode();
        }
        await kit.ConfirmAsync(await kit.Inspections.FindingAsync(c.VisitId, "S07", staffId: staffId));

        var ranking = await office.GetAsync<List<Ranked>>("/api/v1/incentives/2026/rankings/BestServiceModel");
        var held = Assert.Single(ranking, r => r.Candidate.Id == staffId);
        Assert.False(held.Eligible);
        Assert.Contains("违规", held.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("违规", Assert.Single(ranking, r => r.Candidate.Id == colleague).Reason ?? "", StringComparison.Ordinal); // only too few ratings yet
        var refused = await office.PostAsJsonAsync("/api/v1/incentives/2026/awards", new { kind = "BestServiceModel", subjectId = staffId });
        await refused.ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "SAT-5");
        Assert.False(await app.WithDbAsync(db => db.Set<Mingcha.Web.Features.Ratings.IncentiveAward>().AnyAsync(a => a.SubjectId == staffId && a.Kind == "BestServiceModel")));
        Assert.Equal(HttpStatusCode.Created, (await office.PostAsJsonAsync("/api/v1/incentives/2026/awards", new { kind = "BestServiceModel", subjectId = colleague })).StatusCode);
    }

    /// <summary>
    /// INS-6: a confirmed finding of obstruction (D01 人为阻拦检查) costs the unit the year's excellence eligibility by itself,
    /// without an accountability outcome recorded on top: the yearly assessment says so with the reason, the unit and its
    /// windows drop out of the selections (SAT-5), and an award to either is refused naming INS-6. A recorded finding the
    /// Office has not confirmed costs nothing.
    /// </summary>
    [Fact]
    [Trait("Rule", "INS-6")]
    [Trait("Rule", "SAT-5")]
    [Trait("Rule", "EV-9")]
    public async Task Obstruction_WhenConfirmed_CostsTheUnitItsExcellenceEligibility_InTheAssessmentAndTheSelections()
    {
        var (kit, c, staffId, office) = await SetupAsync();
        var (device, _) = await app.TokenClientAsync(c.UnitId, "ratings:write", "service-records:write");
        var caseNo = "OBS-" + Guid.NewGuid().ToString("N")[..8];
        (await device.PostAsJsonAsync("/api/v1/service-records", new { caseNumber = caseNo, sectionId = c.SectionId, staffId, finishedAt = app.Clock.GetUtcNow().UtcDateTime })).EnsureSuccessStatusCode();
        (await device.PostAsJsonAsync("/api/v1/ratings", new { sectionId = c.SectionId, caseNumber = caseNo, level = 1 })).EnsureSuccessStatusCode();

        async Task<Ranked> Line(string kind, Guid id) =>
            Assert.Single(await office.GetAsync<List<Ranked>>($"/api/v1/incentives/2026/rankings/{kind}"), r => r.Candidate.Id == id);
        async Task<System.Text.Json.JsonElement?> Assessed() =>
            (await office.GetAsync<System.Text.Json.JsonElement>("/api/v1/scoring/assessments/2026")).GetProperty("units").EnumerateArray()
                .Cast<System.Text.Json.JsonElement?>().SingleOrDefault(u => u!.Value.GetProperty("unitId").GetGuid() == c.UnitId);

        var obstruction = await kit.Inspections.FindingAsync(c.VisitId, "D01");
        Assert.DoesNotContain("INS-6", (await Line("BestWindowUnit", c.UnitId)).Reason ?? "", StringComparison.Ordinal);
        Assert.Null(await Assessed());

        await kit.ConfirmAsync(obstruction);
        var unitLine = await Line("BestWindowUnit", c.UnitId);
        Assert.False(unitLine.Eligible);
        Assert.Contains("INS-6", unitLine.Reason, StringComparison.Ordinal);
        Assert.Contains("D01", unitLine.Reason, StringComparison.Ordinal);
        Assert.Contains("INS-6", (await Line("BestServicePost", c.SectionId)).Reason, StringComparison.Ordinal);
        var assessed = (await Assessed())!.Value;
        Assert.True(assessed.GetProperty("excellenceIneligible").GetBoolean());
        Assert.Contains(assessed.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("D01", StringComparison.Ordinal));

        await (await office.PostAsJsonAsync("/api/v1/incentives/2026/awards", new { kind = "BestWindowUnit", subjectId = c.UnitId }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "INS-6");
        await (await office.PostAsJsonAsync("/api/v1/incentives/2026/awards", new { kind = "BestServicePost", subjectId = c.SectionId }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "INS-6");
        await (await office.PostAsJsonAsync("/api/v1/incentives/2026/awards", new { kind = "BestWindowUnit", subjectId = Guid.NewGuid() }))
            .ExpectFieldErrorAsync("subjectId");
        Assert.False(await app.WithDbAsync(db => db.Set<Mingcha.Web.Features.Ratings.IncentiveAward>().AnyAsync(a => a.SubjectId == c.UnitId || a.SubjectId == c.SectionId)));
    }

    /// <summary>
    /// A badge follows the findings that stand: revoked by the first confirmed finding, still revoked (for the other one)
    /// when the first one's notice is withdrawn after an upheld objection (RCT-3), held again when the last one is withdrawn
    /// too. A year's badges handed out after a finding was confirmed start revoked.
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-5")]
    [Trait("Rule", "RCT-3")]
    public async Task Badge_WhenTheFindingBehindItIsWithdrawn_IsHeldAgainUnlessAnotherConfirmedFindingStands()
    {
        var (kit, c, staffId, office) = await SetupAsync();
        var first = await kit.Inspections.FindingAsync(c.VisitId, "S07", staffId: staffId);
        var second = await kit.Inspections.FindingAsync(c.VisitId, "A01", staffId: staffId);
        // Confirmed a minute apart: "first" is the one confirmed first (the same instant would leave it to the ids, which two
        // findings recorded within one millisecond do not order).
        await kit.ConfirmAsync(first);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await kit.ConfirmAsync(second);

        // The year's badges are handed out after the confirmations: this one starts revoked, for the first finding.
        Assert.Equal(HttpStatusCode.OK, (await office.PostAsync("/api/v1/incentives/2026/badges", null)).StatusCode);
        var badge = await BadgeAsync(office, staffId);
        Assert.False(badge.Held);
        Assert.Equal($"/api/v1/rectification/findings/{first}/history", badge.FindingLink);

        var (_, liaison) = await kit.LiaisonAsync(c.UnitId);
        var notices = new List<Guid>();
        foreach (var f in new[] { first, second }) notices.Add((await kit.IssueAsync(c.UnitId, [f])).Id);

        async Task UpholdObjectionAsync(Guid notice)
        {
            var caseId = (await RectificationKit.NoticeAsync(office, notice)).GetProperty("evidenceCaseId").GetGuid();
            var proof = await RectificationKit.EvidenceAsync(liaison, caseId);
            await (await liaison.PostJsonAsync($"/api/v1/rectification/notices/{notice}/objections", new { grounds = "当事人当时在岗，有签到记录", evidenceItemIds = new[] { proof } }))
                .ExpectAsync(HttpStatusCode.Created);
            await (await office.PostJsonAsync($"/api/v1/rectification/notices/{notice}/objection-review", new { upheld = true, reason = "经核实当事人在岗" }))
                .ExpectAsync(HttpStatusCode.NoContent);
        }

        await UpholdObjectionAsync(notices[0]);
        badge = await BadgeAsync(office, staffId);
        Assert.False(badge.Held);
        Assert.Equal($"/api/v1/rectification/findings/{second}/history", badge.FindingLink);

        await UpholdObjectionAsync(notices[1]);
        badge = await BadgeAsync(office, staffId);
        Assert.True(badge.Held);
        Assert.Null(badge.FindingLink);
        Assert.Null(badge.RevokedReason);
        // The revocation and the reinstatement stay in the audit trail.
        var trail = await app.WithDbAsync(db => db.AuditEntries.Where(a => a.EntityType == "StaffBadge").OrderBy(a => a.Seq).Select(a => (a.Before ?? "") + (a.After ?? "")).ToListAsync());
        Assert.Contains(trail, a => a.Contains(first.ToString(), StringComparison.Ordinal));
        Assert.Contains(trail, a => a.Contains(second.ToString(), StringComparison.Ordinal));
    }

    /// <summary>
    /// SAT-5 (decision 032): an award posted twice gets 409 with the rule and stores nothing: a yearly selection is given to a
    /// subject once a year, a grievance award once for each wrong (its reason); the same kind another year is another award.
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-5")]
    public async Task Award_PostedTwice_Gets409_AndIsStoredOnce()
    {
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var staffId = await app.WithDbAsync(db => db.Staff.OrderBy(s => s.Code).Select(s => s.Id).Skip(3).FirstAsync());
        var body = new { kind = "Grievance", subjectId = staffId, reason = "被无理取闹的办事群众辱骂，仍耐心办结" };
        Assert.Equal(HttpStatusCode.Created, (await office.PostAsJsonAsync("/api/v1/incentives/2024/awards", body)).StatusCode);
        var again = await office.PostAsJsonAsync("/api/v1/incentives/2024/awards", body);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        Assert.Contains("SAT-5", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<IncentiveAward>().CountAsync(a => a.Year == 2024 && a.Kind == "Grievance" && a.SubjectId == staffId)));
        Assert.Equal(HttpStatusCode.Created, (await office.PostAsJsonAsync("/api/v1/incentives/2023/awards", body)).StatusCode);
        // A grievance award is given for each wrong suffered: another wrong of the same year is another award.
        Assert.Equal(HttpStatusCode.Created, (await office.PostAsJsonAsync("/api/v1/incentives/2024/awards", body with { reason = "再次被无理指责，仍按规定办理" })).StatusCode);
        Assert.Equal(2, await app.WithDbAsync(db => db.Set<IncentiveAward>().CountAsync(a => a.Year == 2024 && a.Kind == "Grievance" && a.SubjectId == staffId)));

        // A yearly selection is given once a year to a subject, whatever the reason.
        var admin = await app.ClientAsAsync(Roles.OfficeAdmin);
        var unit = await (await admin.PostJsonAsync("/api/v1/units", new { code = "AWD-" + Guid.NewGuid().ToString("N")[..6], name = "评选局" })).ReadAsync<IdDto>(HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.Created, (await office.PostAsJsonAsync("/api/v1/incentives/2024/awards", new { kind = "BestWindowUnit", subjectId = unit.Id, reason = "年度评选" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await office.PostAsJsonAsync("/api/v1/incentives/2024/awards", new { kind = "BestWindowUnit", subjectId = unit.Id, reason = "另一理由" })).StatusCode);
    }

    /// <summary>SAT-5: eight posts of one yearly selection at the same instant (a double click, a retry) store one; the others get 409.</summary>
    [Fact]
    [Trait("Rule", "SAT-5")]
    public async Task Award_PostedEightTimesAtOnce_IsStoredOnce_TheOthersGet409()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var unit = (await (await office.PostJsonAsync("/api/v1/units", new { code = "AWD-" + Guid.NewGuid().ToString("N")[..6], name = "同时评选局" })).ReadAsync<IdDto>(HttpStatusCode.Created)).Id;
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            office.PostAsJsonAsync("/api/v1/incentives/2025/awards", new { kind = "BestWindowUnit", subjectId = unit, reason = "年度评选" })));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<IncentiveAward>().CountAsync(a => a.Year == 2025 && a.Kind == "BestWindowUnit" && a.SubjectId == unit)));
    }

    /// <summary>
    /// SAT-5 (decision 035): the same grievance award (same person, year and reason) posted many times at the same instant is
    /// stored once: one 201, the others 409 with the rule; the unique index of 0047 on the reason's key holds it where the
    /// check alone let two through. The same wrong written with other spacing is the same award.
    /// </summary>
    [Fact]
    [Trait("Rule", "SAT-5")]
    public async Task GrievanceAward_PostedTwelveTimesAtOnce_IsStoredOnce_TheOthersGet409()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var (_, _, staffId, _) = await SetupAsync();
        const string reason = "被办事群众无端投诉 并当众辱骂，仍耐心办结";
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            office.PostAsJsonAsync("/api/v1/incentives/2025/awards", new { kind = "Grievance", subjectId = staffId, reason = i % 2 == 0 ? reason : "  " + reason.Replace(" ", " \t  ", StringComparison.Ordinal) + "\n" })));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        foreach (var refused in answers.Where(a => a.StatusCode != HttpStatusCode.Created))
            await refused.ExpectRuleAsync(HttpStatusCode.Conflict, "SAT-5");
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<IncentiveAward>().CountAsync(a => a.Year == 2025 && a.Kind == "Grievance" && a.SubjectId == staffId)));
    }
}
