using System.Net;
using Microsoft.EntityFrameworkCore;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Inspections;

namespace Mingcha.IntegrationTests.Inspections;

/// <summary>Builds the records the inspection tests need, through the API where the API does it, and through the
/// entities' own methods for the visit flow that another part of the module drives.</summary>
internal sealed class InspectionKit(MingchaApp app, HttpClient office)
{
    public sealed record Id(Guid Value);
    public sealed record IdDto(Guid Id);

    public async Task<Guid> UnitAsync(string name)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        return (await (await office.PostJsonAsync("/api/v1/units", new { code = $"ins-{tag}", name })).ReadAsync<IdDto>(HttpStatusCode.Created)).Id;
    }

    public async Task<Guid> SectionAsync(Guid unitId, string name, string kind = "Window")
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        return (await (await office.PostJsonAsync("/api/v1/sections", new { unitId, code = $"ins-s-{tag}", name, kind })).ReadAsync<IdDto>(HttpStatusCode.Created)).Id;
    }

    public async Task<List<Guid>> SectionsAsync(Guid unitId, int count, string kind = "Window")
    {
        var list = new List<Guid>();
        for (var i = 0; i < count; i++) list.Add(await SectionAsync(unitId, $"窗口{i + 1}", kind));
        return list;
    }

    public async Task<Guid> ApprovedSupervisorAsync(string? userId = null)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var id = (await (await office.PostJsonAsync("/api/v1/supervisors", new { code = $"sup-{tag}", name = "监督员" + tag[..2] })).ReadAsync<IdDto>(HttpStatusCode.Created)).Id;
        await (await office.PostAsync($"/api/v1/supervisors/{id}/approve", null)).ExpectAsync(HttpStatusCode.NoContent);
        if (userId is not null)
            await app.WithDbAsync(async db =>
            {
                var s = await db.Supervisors.FirstAsync(x => x.Id == id);
                s.UserId = userId;
                return await db.SaveChangesAsync();
            });
        return id;
    }

    /// <summary>
    /// INS-4, ORG-3: a signed-in approved supervisor (linked to the account through the API) whose team inspects a new section
    /// of <paramref name="unitId"/> in a decided open round of <paramref name="year"/> (1 March to 20 December): who may record
    /// the unit's spot checks.
    /// </summary>
    public async Task<(HttpClient Supervisor, Guid RoundId)> OpenRoundSupervisorAsync(Guid unitId, int year)
    {
        var (user, client) = await app.SignedInAsync(Mingcha.Domain.Security.Roles.Supervisor);
        var supervisor = await ApprovedSupervisorAsync();
        await (await office.PutJsonAsync($"/api/v1/supervisors/{supervisor}/account", new { userName = user.UserName })).ExpectAsync(HttpStatusCode.NoContent);
        var round = await RoundAsync(year, kind: "Open", teamId: await TeamAsync(supervisor));
        var section = await SectionAsync(unitId, "明查窗口");
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/targets", new { sectionIds = new[] { section }, reason = "明查对象（测试）" })).ExpectAsync(HttpStatusCode.OK);
        return (client, round);
    }

    public async Task<Guid> TeamAsync(params Guid[] supervisors) =>
        (await (await office.PostJsonAsync("/api/v1/teams", new { name = "督查组" + Guid.NewGuid().ToString("N")[..4], task = "暗访", members = supervisors, leaderId = supervisors[0] }))
            .ReadAsync<IdDto>(HttpStatusCode.Created)).Id;

    public async Task<Guid> RoundAsync(int year, string kind = "Covert", Guid? teamId = null, Guid? agencyId = null, string? title = null, bool decide = true)
    {
        var id = (await (await office.PostJsonAsync("/api/v1/inspections/rounds", new
        {
            year, kind, campaign = "Routine", title = title ?? $"{year} 年暗访 {Guid.NewGuid():N}"[..30], scope = "窗口单位", focus = "工作纪律与效能八项制度",
            plannedTargets = 3, startsOn = $"{year}-03-01", endsOn = $"{year}-12-20", agencyId, teamIds = teamId is { } t ? new[] { t } : Array.Empty<Guid>(),
        })).ReadAsync<IdDto>(HttpStatusCode.Created)).Id;
        if (decide) await (await office.PostAsync($"/api/v1/inspections/rounds/{id}/decide", null)).ExpectAsync(HttpStatusCode.NoContent);
        return id;
    }

    public async Task EnsureCatalogueAsync(int year) =>
        await (await office.PostAsync($"/api/v1/inspections/catalogues/{year}", null)).ExpectAsync(HttpStatusCode.OK);

    public async Task<List<Guid>> VisitsOfAsync(Guid roundId)
    {
        await (await office.PostAsync($"/api/v1/inspections/rounds/{roundId}/visits", null)).ExpectAsync(HttpStatusCode.OK);
        return await app.WithDbAsync(db => db.Visits.Where(v => v.RoundId == roundId).Select(v => v.Id).ToListAsync());
    }

    /// <summary>Moves a visit through the report flow to <paramref name="outcome"/> (the visit flow's endpoints do this in production).</summary>
    public Task DriveAsync(Guid visitId, VisitStatus outcome, DateOnly day, int steps = 8, int? seconds = 45 * 60) =>
        app.WithDbAsync(async db =>
        {
            var v = await db.Visits.FirstAsync(x => x.Id == visitId);
            var now = app.Clock.GetUtcNow().UtcDateTime;
            v.Start(day, now);
            v.RecordProgress(steps, seconds);
            if (outcome == VisitStatus.InProgress) return await db.SaveChangesAsync();
            v.Submit(now);
            if (outcome != VisitStatus.Submitted) v.Decide(outcome, outcome == VisitStatus.Accepted ? null : "理由", "office", now);
            return await db.SaveChangesAsync();
        });

    /// <summary>Records a finding on a visit with item <paramref name="code"/> of the visit's year (the visit flow does this in production).</summary>
    public Task<Guid> FindingAsync(Guid visitId, string code = "S07", bool confirm = false, Guid? staffId = null) =>
        app.WithDbAsync(async db =>
        {
            var v = await db.Visits.AsNoTracking().FirstAsync(x => x.Id == visitId);
            var item = await db.DeductionItems.FirstAsync(i => i.Year == v.Year && i.Code == code);
            var f = new Finding(v.Id, v.RoundId, v.Year, v.UnitId, v.SectionId, staffId, item, null, "离岗超过30分钟未放置告示牌", 3, null, "inspector", app.Clock.GetUtcNow().UtcDateTime);
            if (confirm) f.Confirm("office", app.Clock.GetUtcNow().UtcDateTime);
            db.Findings.Add(f);
            await db.SaveChangesAsync();
            return f.Id;
        });
}
