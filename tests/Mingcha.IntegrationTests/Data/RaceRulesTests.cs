using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Complaints;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Complaints;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Features.Complaints;
using Mingcha.Web.Features.Inspections;
using Mingcha.Web.Infrastructure;

namespace Mingcha.IntegrationTests.Data;

/// <summary>
/// Rules the code checks before it writes, held by the database as well (migration 0015), so that two requests at the
/// same instant cannot both pass the check: the second write is refused by a unique index, answered 409 and leaves
/// nothing behind. And the doubles such a race left before 0015 are resolved through the audited model.
/// </summary>
public sealed class RaceRulesTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    private sealed record Created(Guid Id);

    private static async Task<Guid> AgencyAsync(HttpClient office)
    {
        var name = "评估公司" + Guid.NewGuid().ToString("N")[..6];
        return (await (await office.PostJsonAsync("/api/v1/agencies", new { name, contractStart = "2026-01-01", contractEnd = "2027-12-31" })).ReadAsync<Created>(HttpStatusCode.Created)).Id;
    }

    private static AgencyInspector Inspector(Guid agency, string userId, DateTime at) => new(agency, "暗访员" + at.Ticks % 1000, userId, at);

    [Fact]
    [Trait("Rule", "ORG-4")]
    public async Task OneAccount_RegisteredAsInspectorByEightRequestsAtOnce_IsOneActiveInspector_TheOthersGet409()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var agency = await AgencyAsync(office);
        var account = await app.CreateUserAsync(Roles.AgencyInspector);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            office.PostJsonAsync($"/api/v1/inspections/agencies/{agency}/inspectors", new { name = $"暗访员{i}", userId = account.Id })));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        Assert.Equal(1, await app.WithDbAsync(db => db.AgencyInspectors.CountAsync(i => i.UserId == account.Id && i.Active)));
    }

    [Fact]
    [Trait("Rule", "ORG-4")]
    public async Task SecondActiveInspectorOfOneAccount_IsRefusedByTheDatabase_As409_AndAnInactiveOneDoesNotCount()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var agency = await AgencyAsync(office);
        var account = await app.CreateUserAsync(Roles.AgencyInspector);
        var first = (await (await office.PostJsonAsync($"/api/v1/inspections/agencies/{agency}/inspectors", new { name = "暗访员甲", userId = account.Id }))
            .ReadAsync<Created>(HttpStatusCode.Created)).Id;

        // What the losing request of a race writes, past the code's check: the index refuses it, nothing is stored.
        var refused = await Assert.ThrowsAsync<DbUpdateException>(() => app.WithDbAsync(async db =>
        {
            db.AgencyInspectors.Add(Inspector(agency, account.Id, DateTime.UtcNow));
            return await db.SaveChangesAsync();
        }));
        Assert.True(DbErrors.IsUniqueViolation(refused), refused.InnerException?.Message);
        var problem = ProblemExceptionHandler.Describe(refused);
        Assert.Equal(409, problem?.Status);
        Assert.Equal(1, await app.WithDbAsync(db => db.AgencyInspectors.CountAsync(i => i.UserId == account.Id)));

        // Once the first is inactive, the account may be linked again.
        await app.WithDbAsync(async db =>
        {
            (await db.AgencyInspectors.SingleAsync(i => i.Id == first)).Deactivate();
            return await db.SaveChangesAsync();
        });
        await (await office.PostJsonAsync($"/api/v1/inspections/agencies/{agency}/inspectors", new { name = "暗访员乙", userId = account.Id })).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    [Trait("Rule", "CMP-9")]
    public async Task SecondOpenRepeatFlagOfOneUnit_IsRefusedByTheDatabase_AndAFiledOneDoesNotCount()
    {
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (unit, _) = await kit.UnitAsync("重复投诉局" + Guid.NewGuid().ToString("N")[..4]);
        var today = new DateOnly(2026, 11, 16);
        Task<int> AddFlagAsync() => app.WithDbAsync(async db =>
        {
            db.RepeatFlags.Add(new RepeatFlag(unit, RepeatReason.WithinMonth, "m", today, today.AddDays(10), DateTime.UtcNow));
            return await db.SaveChangesAsync();
        });

        await AddFlagAsync();
        var refused = await Assert.ThrowsAsync<DbUpdateException>(AddFlagAsync);
        Assert.True(DbErrors.IsUniqueViolation(refused), refused.InnerException?.Message);
        Assert.Equal(409, ProblemExceptionHandler.Describe(refused)?.Status);
        Assert.Equal(1, await app.WithDbAsync(db => db.RepeatFlags.CountAsync(f => f.UnitId == unit)));

        await app.WithDbAsync(async db =>
        {
            var open = await db.RepeatFlags.SingleAsync(f => f.UnitId == unit);
            open.Submit("专项自查整改报告", DateTime.UtcNow);
            open.File("office", DateTime.UtcNow);
            return await db.SaveChangesAsync();
        });
        await AddFlagAsync();
        Assert.Equal(2, await app.WithDbAsync(db => db.RepeatFlags.CountAsync(f => f.UnitId == unit)));
    }

    [Fact]
    [Trait("Rule", "CMP-9")]
    public async Task ComplaintsOfOneUnit_AssignedAtOnce_EachCrossingTheRepeatLine_AreAllAssignedToOneFlag()
    {
        app.Clock.Set(MingchaApp.Start);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (unit, _) = await kit.UnitAsync("同时交办局" + Guid.NewGuid().ToString("N")[..4]);
        await kit.AssignAsync((await kit.FileAsync(ComplaintKit.Body(unit, matter: "首次投诉", phone: "13800000000"))).Id);
        var filed = new List<Guid>();
        for (var i = 0; i < 6; i++)
            filed.Add((await kit.FileAsync(ComplaintKit.Body(unit, matter: $"事项{i}", phone: $"1390000000{i}"))).Id);

        // Each of these, assigned alone, would be the unit's second complaint within a month (CMP-9). Without the
        // unique index all six opened a flag of their own; with it the losers are refused and made again, joining it.
        var answers = await Task.WhenAll(filed.Select(id => kit.Office.PostJsonAsync($"/api/v1/complaints/{id}/assign", new { unitId = unit, note = "请核查" })));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var flag = Assert.Single(await app.WithDbAsync(db => db.RepeatFlags.Where(f => f.UnitId == unit).Select(f => f.Id).ToListAsync()));
        var marks = await app.WithDbAsync(db => db.Complaints.Where(c => filed.Contains(c.Id)).Select(c => new { c.RepeatFlagId, c.Assignments }).ToListAsync());
        Assert.All(marks, m => Assert.Equal((flag, 1), (m.RepeatFlagId!.Value, m.Assignments)));
    }

    /// <summary>A fresh unit with one finding the Office confirmed, ready to go on a notice.</summary>
    private async Task<(HttpClient Office, Mingcha.IntegrationTests.Rectification.RectificationKit.Case Case)> ConfirmedFindingAsync()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new Mingcha.IntegrationTests.Rectification.RectificationKit(app, office);
        var c = await kit.CaseAsync(findings: 1);
        await kit.ConfirmAsync([.. c.Findings]);
        return (office, c);
    }

    [Fact]
    [Trait("Rule", "RCT-2")]
    public async Task OneFinding_IssuedOnSixNoticesAtOnce_IsOnOneNotice_TheOthersGet409AndLeaveNothing()
    {
        var (office, c) = await ConfirmedFindingAsync();
        var documentsBefore = await app.WithDbAsync(db => db.OfficialDocuments.CountAsync());

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => office.PostJsonAsync("/api/v1/rectification/notices",
            new { unitId = c.UnitId, findingIds = c.Findings, requiredAction = "立即整改。" })));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        foreach (var a in answers.Where(a => a.StatusCode != HttpStatusCode.Created)) await a.ExpectRuleAsync(HttpStatusCode.Conflict, "RCT-2");
        var finding = c.Findings[0];
        Assert.Equal(1, await app.WithDbAsync(db => db.NoticeFindings.CountAsync(nf => nf.FindingId == finding)));
        Assert.Equal(1, await app.WithDbAsync(db => db.RectificationNotices.CountAsync(n => n.UnitId == c.UnitId)));
        Assert.Equal(1, await app.WithDbAsync(db => db.DeductionLedger.CountAsync(l => l.FindingId == finding)));
        Assert.Equal(documentsBefore + 1, await app.WithDbAsync(db => db.OfficialDocuments.CountAsync())); // no numbered document for a notice that lost
        var claim = await app.WithDbAsync(db => db.FindingClaims.SingleAsync(x => x.FindingId == finding));
        Assert.True(await app.WithDbAsync(db => db.RectificationNotices.AnyAsync(n => n.Id == claim.NoticeId)));
    }

    [Fact]
    [Trait("Rule", "RCT-2")]
    public async Task AClaimWhoseNoticeNeverCame_HoldsTheFindingForTenMinutes_ThenGivesWay()
    {
        var (office, c) = await ConfirmedFindingAsync();
        var now = app.Clock.GetUtcNow().UtcDateTime;
        // What an instance that died between the claim and the notice's save leaves behind.
        await app.WithDbAsync(async db =>
        {
            db.FindingClaims.Add(new Mingcha.Web.Features.Rectification.FindingClaim(c.Findings[0], Guid.NewGuid(), now.AddMinutes(-2)));
            return await db.SaveChangesAsync();
        });
        var body = new { unitId = c.UnitId, findingIds = c.Findings, requiredAction = "立即整改。" };
        await (await office.PostJsonAsync("/api/v1/rectification/notices", body)).ExpectRuleAsync(HttpStatusCode.Conflict, "RCT-2");
        Assert.False(await app.WithDbAsync(db => db.RectificationNotices.AnyAsync(n => n.UnitId == c.UnitId)));

        app.Clock.Advance(TimeSpan.FromMinutes(9));
        office = await app.ClientAsAsync(Roles.OfficeAdmin);
        await (await office.PostJsonAsync("/api/v1/rectification/notices", body)).ReadAsync<Created>(HttpStatusCode.Created);
        Assert.Equal(1, await app.WithDbAsync(db => db.RectificationNotices.CountAsync(n => n.UnitId == c.UnitId)));
    }

    [Fact]
    [Trait("Rule", "ORG-4")]
    [Trait("Rule", "CMP-9")]
    public async Task Migration0015_OnADatabaseWithDoubles_ResolvesThemThroughTheAuditedModel_ThenHoldsTheRule()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var agency = await AgencyAsync(office);
        var account = await app.CreateUserAsync(Roles.AgencyInspector);
        var kit = new ComplaintKit(app, await app.ClientAsAsync(Roles.OfficeStaff));
        var (unit, _) = await kit.UnitAsync("迁移前重复局");
        var complaint = await kit.FileAsync(ComplaintKit.Body(unit));
        var today = new DateOnly(2026, 11, 16);

        // A database as 0014 left it, with the doubles a race could leave: the indexes are not there yet.
        var (older, later, keptFlag, laterFlag) = await app.WithDbAsync(async db =>
        {
            await db.Database.ExecuteSqlRawAsync("""DROP INDEX "UX_AgencyInspectors_UserId_Active" """);
            await db.Database.ExecuteSqlRawAsync("""DROP INDEX "UX_RepeatFlags_UnitId_Open" """);
            await db.Database.ExecuteSqlRawAsync("DELETE FROM mingcha_schema_version WHERE version = 15");
            var t0 = DateTime.UtcNow;
            var a = Inspector(agency, account.Id, t0);
            var b = Inspector(agency, account.Id, t0.AddSeconds(1));
            var f1 = new RepeatFlag(unit, RepeatReason.WithinMonth, "m", today, today.AddDays(10), t0);
            var f2 = new RepeatFlag(unit, RepeatReason.SameMatter, "m", today, today.AddDays(10), t0.AddSeconds(1));
            db.AddRange(a, b, f1, f2);
            await db.SaveChangesAsync();
            (await db.Complaints.SingleAsync(c => c.Id == complaint.Id)).MarkRepeat(f2.Id);
            await db.SaveChangesAsync();
            return (a.Id, b.Id, f1.Id, f2.Id);
        });

        await app.WithScopeAsync(async sp => Assert.Equal(1, await sp.GetRequiredService<SchemaMigrator>().MigrateAsync()));

        await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<MingchaDb>();
            Assert.Equal(account.Id, (await db.AgencyInspectors.SingleAsync(i => i.Id == older)).UserId);
            Assert.Null((await db.AgencyInspectors.SingleAsync(i => i.Id == later)).UserId);
            var merged = await db.RepeatFlags.SingleAsync(f => f.Id == laterFlag);
            Assert.Equal(keptFlag, merged.MergedIntoId);
            Assert.False(merged.Open);
            Assert.True((await db.RepeatFlags.SingleAsync(f => f.Id == keptFlag)).Open);
            Assert.Equal(keptFlag, (await db.Complaints.SingleAsync(c => c.Id == complaint.Id)).RepeatFlagId);

            // Each change is in the audit log, and the chain is intact.
            string?[] keys = [later.ToString(), laterFlag.ToString(), complaint.Id.ToString()];
            var audited = await db.AuditEntries.Where(e => e.Action == "update" && keys.Contains(e.EntityKey!)).Select(e => e.EntityKey).ToListAsync();
            Assert.Equal(keys.Order(), audited.Distinct().Order());
            var chain = await sp.GetRequiredService<AuditVerifier>().VerifyAsync();
            Assert.True(chain.IsIntact, chain.FirstBreak?.Message);

            // The indexes are back: the rule holds from now on.
            db.AgencyInspectors.Add(Inspector(agency, account.Id, DateTime.UtcNow));
            Assert.True(DbErrors.IsUniqueViolation(await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync())));
        });

        // The unit's liaison sees the merged flag as merged, not as filed.
        var liaison = await kit.LiaisonAsync(unit);
        var page = WebUtility.HtmlDecode(await liaison.GetStringAsync("/Complaints/Unit"));
        var card = page.IndexOf($"data-flag=\"{laterFlag}\"", StringComparison.Ordinal);
        Assert.True(card > 0, "The merged flag is not listed on the liaison's page.");
        Assert.StartsWith("已并入本单位另一项专项自查整改要求", page[(page.IndexOf("<p class=\"muted\">", card, StringComparison.Ordinal) + 17)..], StringComparison.Ordinal);
    }
}
