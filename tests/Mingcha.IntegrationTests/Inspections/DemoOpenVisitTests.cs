using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Inspections;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Documents;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Inspections;

namespace Mingcha.IntegrationTests.Inspections;

/// <summary>
/// The demo's open-inspection visit carried out to the end (<see cref="DemoOpenVisit"/>): started by the first team's leader,
/// a finding recorded with the photo handed in, the report submitted and accepted, the finding confirmed, once.
/// </summary>
public sealed class DemoOpenVisitTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    [Fact]
    [Trait("Rule", "INS-7")]
    [Trait("Rule", "INS-19")]
    [Trait("Rule", "RCT-1")]
    [Trait("Rule", "INS-9")]
    [Trait("Rule", "EVD-3")]
    public async Task Load_CarriesTheHousingBureausVisitToAConfirmedFindingWithItsPhoto_Once()
    {
        app.Clock.Set(MingchaApp.Start); // Monday 2026-11-16, inside the round's quarter
        var demo = app.Services.GetRequiredService<DemoOpenVisit>();
        Assert.True(await demo.LoadAsync(default));
        Assert.False(await demo.LoadAsync(default)); // made once

        // INS-19: visited today by the first team's leader (the `inspector` login), submitted and accepted by the Office.
        var leader = await app.WithDbAsync(db => db.Supervisors.Where(s => db.Teams.Any(t => t.IsDemo && t.Name == "第一督查组" && t.LeaderId == s.Id))
            .Select(s => new { s.Id, s.UserId }).SingleAsync());
        var visit = await app.WithDbAsync(db => db.Visits.AsNoTracking().Include(v => v.Inspectors)
            .SingleAsync(v => v.IsDemo && db.Sections.Any(s => s.Id == v.SectionId && s.Code == DemoOpenVisit.SectionCode)));
        Assert.Equal((VisitStatus.Accepted, new DateOnly(2026, 11, 16)), (visit.Status, visit.VisitedOn));
        Assert.Equal([(InspectorKind.Supervisor, leader.Id)], visit.Inspectors.Select(i => (i.Kind, i.InspectorId)));
        var others = await app.WithDbAsync(db => db.Visits.Where(v => v.RoundId == visit.RoundId && v.Id != visit.Id).Select(v => v.Status).ToListAsync());
        Assert.Equal([VisitStatus.Planned, VisitStatus.Planned], others); // left for the `inspector` login

        // INS-7, RCT-1: one finding, A06 of the year, confirmed, proven by the photo in the visit's case, handed in by the inspector.
        var finding = await app.WithDbAsync(db => db.Findings.AsNoTracking().Include(f => f.Evidence).SingleAsync(f => f.VisitId == visit.Id));
        Assert.Equal((DemoOpenVisit.ItemCode, FindingStatus.Confirmed, DemoOpenVisit.Description), (finding.ItemCode, finding.Status, finding.Description));
        var photo = await app.WithDbAsync(db => db.EvidenceItems.AsNoTracking().SingleAsync(i => i.Id == finding.Evidence.Single().EvidenceItemId));
        Assert.Equal((visit.EvidenceCaseId, "image/png", leader.UserId), (photo.CaseId, photo.MediaType, photo.UploadedBy));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(DemoOpenVisit.HallPhoto())), photo.Sha256);
        // The photo is a picture a real reader opens.
        var file = Path.Combine(Path.GetTempPath(), $"demo-photo-{Guid.NewGuid():N}.png");
        await File.WriteAllBytesAsync(file, DemoOpenVisit.HallPhoto());
        try
        {
            var probe = await DocumentKit.RunAsync("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", file]);
            Assert.Equal("png,320,240", probe.Trim());
        }
        finally { File.Delete(file); }

        // RCT-2: the Office finds it among the findings to put on a notice.
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        Assert.Contains((await office.GetAsync<JsonElement>("/api/v1/rectification/candidates")).EnumerateArray(), c => c.GetProperty("id").GetGuid() == finding.Id);
        // The visit's page shows the Office what the report found and where it stands.
        var page = System.Net.WebUtility.HtmlDecode(await office.GetStringAsync($"/Inspections/Visit/{visit.Id}"));
        var review = page[page.IndexOf("id=\"review-findings\"", StringComparison.Ordinal)..];
        Assert.Contains(DemoOpenVisit.Description, review, StringComparison.Ordinal);
        Assert.Contains("<td class=\"finding-status\">已确认</td>", review, StringComparison.Ordinal);

        // INS-9: the bureau learns of it from a notice, not before: its liaison sees neither the finding nor the visit's evidence
        // (an announced inspection's case is no secret, so it is refused, not hidden: EVD-3).
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, visit.UnitId);
        await (await liaison.GetAsync($"/api/v1/evidence/cases/{visit.EvidenceCaseId}")).ExpectRuleAsync(HttpStatusCode.Forbidden, "EVD-3");
        Assert.DoesNotContain((await liaison.GetAsync<JsonElement>("/api/v1/inspections/findings?year=2026")).EnumerateArray(), f => f.GetProperty("id").GetGuid() == finding.Id);
    }

    [Fact]
    [Trait("Rule", "INS-19")]
    public async Task AVisitTheInspectorStartedThemselves_IsLeftToThem()
    {
        await using var own = new MingchaApp();
        var (visit, userId) = await own.WithDbAsync(async db => (
            await db.Visits.Where(v => v.IsDemo && db.Sections.Any(s => s.Id == v.SectionId && s.Code == DemoOpenVisit.SectionCode)).Select(v => v.Id).SingleAsync(),
            await db.Supervisors.Where(s => db.Teams.Any(t => t.IsDemo && t.Name == "第一督查组" && t.LeaderId == s.Id)).Select(s => s.UserId!).SingleAsync()));
        // The `inspector` login starts the visit before the demo's activity gets to it.
        await using (var scope = own.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<VisitProtocolFlow>().StartAsync(visit,
                new VisitProtocolFlow.StartVisit([VisitMethod.StakeOut], DateTime.UtcNow), Mingcha.Web.Infrastructure.ActingAs.User(userId, Roles.Supervisor), default);

        Assert.False(await own.Services.GetRequiredService<DemoOpenVisit>().LoadAsync(default));
        Assert.Equal(VisitStatus.InProgress, await own.WithDbAsync(db => db.Visits.Where(v => v.Id == visit).Select(v => v.Status).SingleAsync()));
        Assert.False(await own.WithDbAsync(db => db.Findings.AnyAsync(f => f.VisitId == visit)));
    }
}
