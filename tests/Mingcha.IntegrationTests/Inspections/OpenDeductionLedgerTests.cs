using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Evidence;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Inspections;
using Mingcha.Web.Features.Rectification;

namespace Mingcha.IntegrationTests.Inspections;

/// <summary>
/// EV-11 with INS-3 and INS-4: the points an open inspection costs reach the deduction ledger that the ledger pages and
/// the yearly assessment read, once each, in the year they are for; the Office may reverse one, never delete it.
/// </summary>
public sealed class OpenDeductionLedgerTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    private static async Task<decimal> PointsLostAsync(HttpClient office, Guid unit, int year)
    {
        var table = await office.GetAsync<JsonElement>($"/api/v1/scoring/assessments/{year}?unitId={unit}");
        return table.GetProperty("units").EnumerateArray().Single(u => u.GetProperty("unitId").GetGuid() == unit).GetProperty("pointsLost").GetDecimal();
    }

    [Fact]
    [Trait("Rule", "EV-11")]
    [Trait("Rule", "INS-3")]
    [Trait("Rule", "INS-4")]
    public async Task OpenInspectionPoints_ArePostedToTheLedgerOnce_CountInTheirOwnYear_AndAReversalTakesThemOff()
    {
        app.Clock.Set(MingchaApp.Start); // Monday 16 November 2026
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var unit = await new InspectionKit(app, office).UnitAsync("台账明查局");
        await app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("UPDATE \"Units\" SET \"CreatedAt\" = {0} WHERE \"Id\" = {1}", new DateTime(2025, 12, 1, 0, 0, 0, DateTimeKind.Utc), unit));

        // Quarters 1 to 3 of 2026 ended without a report: 3 points each (INS-3), charged twice, posted once.
        await (await office.PostAsync("/api/v1/inspections/self-inspections/charge-missing", null)).ExpectAsync(HttpStatusCode.OK);
        await (await office.PostAsync("/api/v1/inspections/self-inspections/charge-missing", null)).ExpectAsync(HttpStatusCode.OK);
        // A spot check with one item missing: 1 point (INS-4).
        var (supervisor, round) = await new InspectionKit(app, office).OpenRoundSupervisorAsync(unit, 2026);
        await (await supervisor.PostJsonAsync("/api/v1/inspections/spot-checks", new
        {
            unitId = unit, roundId = round, title = "第四季度明查", checkedOn = "2026-11-15",
            items = new object[] { new { name = "首问负责登记簿", present = false } },
        })).ExpectAsync(HttpStatusCode.Created);

        var lines = await office.GetAsync<List<JsonElement>>($"/api/v1/rectification/ledger/{unit}/2026");
        Assert.Equal(3, lines.Count(l => l.GetProperty("basis").GetString() == "INS-3" && l.GetProperty("source").GetString() == "MissingReport"));
        var spot = Assert.Single(lines, l => l.GetProperty("basis").GetString() == "INS-4");
        Assert.Equal("SpotCheck", spot.GetProperty("source").GetString());
        Assert.Contains("首问负责登记簿", spot.GetProperty("description").GetString(), StringComparison.Ordinal);
        var pointedAt = lines.Select(l => l.GetProperty("openDeductionId").GetGuid()).ToList();
        var deductions = await app.WithDbAsync(db => db.OpenDeductions.Where(d => d.UnitId == unit).Select(d => d.Id).ToListAsync());
        Assert.Equal(deductions.Order(), pointedAt.Order());
        Assert.Equal(10m, (await office.GetAsync<List<JsonElement>>("/api/v1/rectification/ledger?year=2026")).Single(s => s.GetProperty("unitId").GetGuid() == unit).GetProperty("pointsLost").GetDecimal());
        Assert.Equal(10m, await PointsLostAsync(office, unit, 2026));

        // The fourth quarter is charged in January, for 2026: it counts in 2026's assessment, not in 2027's.
        app.Clock.Set(new DateTimeOffset(2027, 1, 5, 2, 0, 0, TimeSpan.Zero));
        office = await app.ClientAsAsync(Roles.OfficeAdmin);
        await (await office.PostAsync("/api/v1/inspections/self-inspections/charge-missing", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(13m, await PointsLostAsync(office, unit, 2026));
        Assert.DoesNotContain((await office.GetAsync<JsonElement>($"/api/v1/scoring/assessments/2027?unitId={unit}")).GetProperty("units").EnumerateArray(),
            u => u.GetProperty("unitId").GetGuid() == unit && u.GetProperty("pointsLost").GetDecimal() != 0m);

        // The Office reverses the spot-check line on the ledger page: a reason is required; then a negative line, once.
        var page = $"/Rectification/Ledger?year=2026&unitId={unit}";
        var spotId = spot.GetProperty("id").GetGuid().ToString();
        var refused = await office.PostFormAsync(page, "Reverse", new() { ["lineId"] = spotId, ["reason"] = " " });
        await refused.ExpectAsync(HttpStatusCode.OK);
        Assert.Contains("冲销理由", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(13m, await PointsLostAsync(office, unit, 2026));
        await office.PostFormAsync(page, "Reverse", new() { ["lineId"] = spotId, ["reason"] = "该登记簿在核查时已放于窗口，核查人员漏看" });
        Assert.Equal(12m, await PointsLostAsync(office, unit, 2026));
        await (await office.PostJsonAsync($"/api/v1/rectification/ledger/lines/{spotId}/reverse", new { text = "再次冲销" })).ExpectRuleAsync(HttpStatusCode.Conflict, "EV-11");
        // The open-inspection list says so too, to the unit as to the Office.
        var deduction = spot.GetProperty("openDeductionId").GetGuid();
        Assert.True((await office.GetAsync<List<JsonElement>>($"/api/v1/inspections/open-deductions?year=2026&unitId={unit}"))
            .Single(d => d.GetProperty("id").GetGuid() == deduction).GetProperty("reversed").GetBoolean());
        Assert.True(await app.WithDbAsync(db => db.DeductionLedger.AnyAsync(l => l.Id == spot.GetProperty("id").GetGuid()))); // kept, never deleted
        // Spot-check points are not the Office's to write by hand: they come with the spot check.
        await (await office.PostJsonAsync("/api/v1/rectification/ledger/decisions", new { unitId = unit, year = 2026, points = 1, source = "SpotCheck", description = "手工" }))
            .ExpectFieldErrorAsync("source");

        // A unit's liaison reads the lines; another unit's does not.
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, unit);
        Assert.Equal(lines.Count + 2, (await liaison.GetAsync<List<JsonElement>>($"/api/v1/rectification/ledger/{unit}/2026")).Count);
        var stranger = await app.ClientAsAsync(Roles.UnitLiaison, await new InspectionKit(app, office).UnitAsync("旁观局"));
        Assert.NotEqual(HttpStatusCode.OK, (await stranger.GetAsync($"/api/v1/rectification/ledger/{unit}/2026")).StatusCode);
    }

    [Fact]
    [Trait("Rule", "EV-11")]
    [Trait("Rule", "INS-4")]
    public async Task DeductionsRecordedBeforeTheLedgerTookThem_ArePostedByTheDailyJob_Once()
    {
        app.Clock.Set(MingchaApp.Start);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var unit = await new InspectionKit(app, office).UnitAsync("迁移前明查局");
        // A deduction as migration 0017 left it: recorded, with no ledger line.
        var earlier = Guid.Empty;
        await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<Mingcha.Web.Data.MingchaDb>();
            await sp.GetRequiredService<InspectionSetup>().EnsureCatalogueAsync(2026, "test", default);
            var item = await db.DeductionItems.SingleAsync(i => i.Year == 2026 && i.Code == "P02");
            var d = new OpenDeduction(unit, 2026, item, "核查项“AB岗安排表”缺项。", "SpotCheck", Guid.NewGuid(), $"P02:{Guid.NewGuid()}:1", "supervisor", DateTime.UtcNow);
            db.OpenDeductions.Add(d);
            await db.SaveChangesAsync();
            earlier = d.Id;
        });
        Assert.False(await app.WithDbAsync(db => db.DeductionLedger.AnyAsync(l => l.OpenDeductionId == earlier)));

        for (var run = 0; run < 2; run++)
            await app.WithScopeAsync(sp => new SelfInspectionJob().RunAsync(sp, MingchaApp.Start.UtcDateTime, default));

        var line = await app.WithDbAsync(db => db.DeductionLedger.SingleAsync(l => l.OpenDeductionId == earlier));
        Assert.Equal((2026, unit, LedgerSource.SpotCheck, "INS-4", 1m), (line.Year, line.UnitId, line.Source, line.Basis, line.Points));
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "create" && a.EntityKey == line.Id.ToString())));
    }
    /// <summary>
    /// INS-4 with ORG-5 and EVD-3: a supervisor cannot charge a spot check to a unit they declared a conflict with, and a
    /// check's evidence is the checked unit's: a file of another unit's case is refused, as is another unit's case. Nothing
    /// of a refused check is stored, no point charged.
    /// </summary>
    [Fact]
    [Trait("Rule", "INS-4")]
    [Trait("Rule", "ORG-5")]
    [Trait("Rule", "EVD-3")]
    public async Task SpotCheck_OfAConflictedUnitOrWithAnotherUnitsEvidence_IsRefused_AndChargesNothing()
    {
        app.Clock.Set(MingchaApp.Start);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new InspectionKit(app, office);
        var unit = await kit.UnitAsync("核查对象局");
        var other = await kit.UnitAsync("无关局");
        var (user, supervisor) = await app.SignedInAsync(Roles.Supervisor);
        var supervisorId = await kit.ApprovedSupervisorAsync(user.Id);
        // INS-4, ORG-3: the supervisor's team inspects both units in an open round.
        var round = await kit.RoundAsync(2026, kind: "Open", teamId: await kit.TeamAsync(supervisorId));
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/targets", new { sectionIds = new[] { await kit.SectionAsync(unit, "窗口"), await kit.SectionAsync(other, "窗口") }, reason = "明查对象（测试）" }))
            .ExpectAsync(HttpStatusCode.OK);
        object Check(Guid unitId, Guid? caseId = null, Guid? evidence = null) => new
        {
            unitId, roundId = round, title = "明查核查", checkedOn = "2026-11-15", evidenceCaseId = caseId,
            items = new object[] { new { name = "岗位职责公示", present = true, evidenceItemId = evidence }, new { name = "首问负责登记簿", present = false } },
        };
        async Task<int> StoredAsync() => await app.WithDbAsync(db => db.SpotChecks.CountAsync(c => c.UnitId == unit || c.UnitId == other));

        // Evidence of another unit's case, or that case named as the check's: refused.
        var otherCase = (await (await office.PostJsonAsync("/api/v1/evidence/cases", new { kind = "OpenInspection", title = "他局佐证", targetUnitId = other })).ReadAsync<IdRow>(HttpStatusCode.Created)).Id;
        var otherFile = await Tus.UploadAsync(office, otherCase, TestMedia.FakeMp4(20_000));
        var problem = await (await supervisor.PostJsonAsync("/api/v1/inspections/spot-checks", Check(unit, evidence: otherFile))).ReadAsync<JsonElement>(HttpStatusCode.BadRequest);
        Assert.Contains("items", problem.GetRawText(), StringComparison.Ordinal);
        await (await supervisor.PostJsonAsync("/api/v1/inspections/spot-checks", Check(unit, caseId: otherCase))).ExpectAsync(HttpStatusCode.BadRequest);
        // The unit's own case and file: accepted.
        var ownCase = (await (await office.PostJsonAsync("/api/v1/evidence/cases", new { kind = "OpenInspection", title = "本局佐证", targetUnitId = unit })).ReadAsync<IdRow>(HttpStatusCode.Created)).Id;
        var ownFile = await Tus.UploadAsync(office, ownCase, TestMedia.FakeMp4(20_000));
        Assert.Equal(0, await StoredAsync());
        await (await supervisor.PostJsonAsync("/api/v1/inspections/spot-checks", Check(unit, ownCase, ownFile))).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(1, await StoredAsync());

        // The supervisor declares a conflict with the other unit: they may not check it; the Office still may.
        await (await office.PostJsonAsync("/api/v1/inspections/discipline/conflicts", new { inspectorKind = "Supervisor", inspectorId = supervisorId, unitId = other, reason = "配偶在该局工作", declaredOn = "2026-01-05" }))
            .ExpectAsync(HttpStatusCode.Created);
        await (await supervisor.PostJsonAsync("/api/v1/inspections/spot-checks", Check(other))).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "ORG-5");
        Assert.Equal(1, await StoredAsync());
        Assert.DoesNotContain(await office.GetAsync<List<JsonElement>>($"/api/v1/inspections/open-deductions?year=2026&unitId={other}"), d => d.GetProperty("itemCode").GetString() == "P02");
        await (await office.PostJsonAsync("/api/v1/inspections/spot-checks", Check(other))).ExpectAsync(HttpStatusCode.Created);
    }

    private sealed record IdRow(Guid Id);
}
