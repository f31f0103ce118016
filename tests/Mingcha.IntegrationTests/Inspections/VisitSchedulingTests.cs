using System.Net;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Data;

namespace Mingcha.IntegrationTests.Inspections;

/// <summary>INS-5, INS-10: a round's target gets one visit, however often (or however fast) 安排检查 is pressed.</summary>
public sealed class VisitSchedulingTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    [Fact]
    [Trait("Rule", "INS-10")]
    [Trait("Rule", "INS-5")]
    public async Task SchedulingVisits_TwiceAtTheSameMoment_GivesEachTargetOneVisit_TheOtherRequestIs409OrANoOp()
    {
        app.Clock.Set(MingchaApp.Start);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new InspectionKit(app, office);
        var unit = await kit.UnitAsync("双击安排局");
        var sections = await kit.SectionsAsync(unit, 3);
        var round = await kit.RoundAsync(2026, teamId: await kit.TeamAsync(await kit.ApprovedSupervisorAsync()));
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/targets", new { sectionIds = sections, reason = "人工指定（测试）" })).ExpectAsync(HttpStatusCode.OK);

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var answers = await Task.WhenAll(office.PostAsync($"/api/v1/inspections/rounds/{round}/visits", null), office.PostAsync($"/api/v1/inspections/rounds/{round}/visits", null));
            foreach (var a in answers)
                Assert.True(a.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{a.StatusCode}: {await a.Content.ReadAsStringAsync()}");
            Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.OK);
            var targets = await app.WithDbAsync(db => db.Visits.Where(v => v.RoundId == round).Select(v => v.TargetId).ToListAsync());
            Assert.Equal(3, targets.Count);
            Assert.Equal(3, targets.Distinct().Count());
        }
        // One evidence case per visit: the refused request stored none of its own.
        Assert.Equal(3, await app.WithDbAsync(db => db.EvidenceCases.CountAsync(c => c.TargetUnitId == unit)));

        // The database holds the rule itself: a second visit of a target is refused.
        var error = await Assert.ThrowsAnyAsync<DbUpdateException>(() => app.WithDbAsync(async db =>
        {
            var first = await db.Visits.AsNoTracking().FirstAsync(v => v.RoundId == round);
            db.Visits.Add(new Mingcha.Web.Features.Inspections.Visit(round, first.Year, first.Kind, first.SectionId, first.UnitId, first.TargetId, first.TeamId, first.AgencyId, null, "test", DateTime.UtcNow));
            return await db.SaveChangesAsync();
        }));
        Assert.True(DbErrors.IsUniqueViolation(error), error.ToString());
    }
}
