using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Scoring;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Scoring;

namespace Mingcha.IntegrationTests.Scoring;

/// <summary>The demo's evaluation campaign (<see cref="DemoCampaign"/>): open over both demo categories, with monthly forms, once.</summary>
public sealed class DemoCampaignTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    [Fact]
    [Trait("Rule", "EV-1")]
    [Trait("Rule", "EV-2")]
    public async Task Load_OpensTheYearsCampaignOverBothCategories_WithTwoMonthsOfForms_Once()
    {
        // A start stopped just after making the campaign left it a draft: the next start finishes it, not a second one.
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var stopped = (await office.PostJsonAsync("/api/v1/scoring/campaigns", new { year = 2026, name = "2026" + DemoCampaign.NameSuffix, from = "2026-01-01", to = "2026-12-31" }))
            .EnsureSuccessStatusCode();
        var demo = app.Services.GetRequiredService<DemoCampaign>();
        var filed = await demo.LoadAsync(default);
        Assert.Equal(0, await demo.LoadAsync(default)); // made once

        // EV-1: every top-level section of the 32 demo units (both categories) is evaluated; the campaign is open.
        var campaign = await app.WithDbAsync(db => db.Campaigns.AsNoTracking().SingleAsync(c => c.Name == "2026" + DemoCampaign.NameSuffix));
        Assert.Equal((await stopped.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(), campaign.Id);
        Assert.Equal((CampaignStatus.Open, new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31)), (campaign.Status, campaign.PeriodFrom, campaign.PeriodTo));
        var (sections, expected, units) = await app.WithDbAsync(async db => (
            await db.CampaignSections.CountAsync(s => s.CampaignId == campaign.Id),
            await db.Sections.CountAsync(s => s.IsDemo && s.Active && s.ParentSectionId == null),
            await db.CampaignSections.Where(s => s.CampaignId == campaign.Id).Select(s => s.UnitId).Distinct().CountAsync()));
        Assert.Equal((expected, 32), (sections, units));

        // EV-2: the test clock is 2026-11-16, so September's and October's monthly forms, one per section and month, from a monitoring point.
        Assert.Equal(2 * sections, filed);
        var forms = await app.WithDbAsync(db => db.Evaluations.AsNoTracking().Where(e => e.CampaignId == campaign.Id)
            .GroupBy(e => new { e.Method, e.Source, e.On }).Select(g => new { g.Key.Method, g.Key.Source, g.Key.On, N = g.Count() }).ToListAsync());
        Assert.Equal([(new DateOnly(2026, 9, 30), sections), (new DateOnly(2026, 10, 31), sections)], forms.OrderBy(f => f.On).Select(f => (f.On, f.N)));
        Assert.All(forms, f => Assert.Equal((EvaluationMethod.Monthly, EvaluationSource.Form), (f.Method, f.Source)));

        // EV-2: today's concentrated sitting is set up, with one-time codes required, for the representatives.
        var sitting = await app.WithDbAsync(db => db.Sittings.AsNoTracking().SingleAsync(s => s.CampaignId == campaign.Id));
        Assert.Equal((new DateOnly(2026, 11, 16), true), (sitting.HeldOn, sitting.RequireCodes));

        // The Office finds the preview ranking computed; a monitoring point finds the campaign to file its next form in.
        var results = await office.GetAsync<JsonElement>($"/api/v1/scoring/campaigns/{campaign.Id}/results");
        Assert.Equal(sections, results.GetProperty("rows").GetArrayLength());
        var monitor = await app.ClientAsAsync(Roles.MonitoringPoint);
        Assert.Contains(await monitor.GetAsync<List<JsonElement>>("/api/v1/scoring/campaigns?year=2026"), c => c.GetProperty("id").GetGuid() == campaign.Id);

        // The leaders' overview names the campaign with how it stands, and says so where the demo has nothing yet (no findings).
        var overview = System.Net.WebUtility.HtmlDecode(await (await app.ClientAsAsync(Roles.Leader)).GetStringAsync("/Scoring/Overview?year=2026"));
        Assert.Contains($"{campaign.Name}</a> 进行中", overview, StringComparison.Ordinal);
        Assert.Contains("id=\"findings-empty\"", overview, StringComparison.Ordinal);
        // The same in the API, the status by name.
        var figures = await (await app.ClientAsAsync(Roles.Leader)).GetAsync<JsonElement>("/api/v1/scoring/overview/2026");
        var listed = figures.GetProperty("campaigns").EnumerateArray().Single(c => c.GetProperty("id").GetGuid() == campaign.Id);
        Assert.Equal((campaign.Name, "Open", $"/Scoring/Campaign/{campaign.Id}"),
            (listed.GetProperty("name").GetString(), listed.GetProperty("status").GetString(), listed.GetProperty("link").GetString()));
    }
}
