using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Rectification;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Documents;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Features.Rectification;

namespace Mingcha.IntegrationTests.Rectification;

/// <summary>
/// The demo's rectification desk (<see cref="DemoRectification"/>): two problems of the human-resources bureau found through
/// the Office's other channels, on a notice issued to the bureau with its GB/T 9704 document, once.
/// </summary>
public sealed class DemoRectificationTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    [Fact]
    [Trait("Rule", "EV-6")]
    [Trait("Rule", "RCT-2")]
    [Trait("Rule", "SEC-2")]
    public async Task Load_RecordsTwoProblems_AndIssuesTheBureauANoticeOfThem_Once()
    {
        app.Clock.Set(MingchaApp.Start); // Monday 2026-11-16
        var demo = app.Services.GetRequiredService<DemoRectification>();
        Assert.Equal((2, true), await demo.LoadAsync(default));
        Assert.Equal((0, false), await demo.LoadAsync(default)); // made once

        // EV-6: found on the working days before today, in the sections named, through the Office's channels.
        var hr = await app.WithDbAsync(db => db.Units.Where(u => u.Code == DemoData.HrUnitCode).Select(u => u.Id).SingleAsync());
        var problems = await app.WithDbAsync(db => (from p in db.ChannelProblems
                                                    join s in db.Sections on p.SectionId equals s.Id
                                                    where p.UnitId == hr
                                                    orderby p.FoundOn
                                                    select new { p.Id, p.Channel, p.FoundOn, s.Code, p.NoticeId, p.RecordedBy }).ToListAsync());
        var made = problems.Where(p => p.RecordedBy == DemoRectification.DemoUser).ToList();
        Assert.Equal(
            [(ProblemChannel.VideoMonitoring, new DateOnly(2026, 11, 11), "M09-RSJ-H01-W03"), (ProblemChannel.OnlineApproval, new DateOnly(2026, 11, 12), "M09-RSJ-S03")],
            made.Select(p => (p.Channel, p.FoundOn, p.Code)));

        // RCT-2: both on one notice to the bureau, numbered, with 2 working days to object; the seed's outlet problem still waits.
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var noticeId = Assert.Single(made.Select(p => p.NoticeId).Distinct())!.Value;
        var waiting = Assert.Single(problems, p => p.RecordedBy != DemoRectification.DemoUser);
        Assert.Null(waiting.NoticeId);
        var detail = await office.GetAsync<JsonElement>($"/api/v1/rectification/notices/{noticeId}");
        var line = detail.GetProperty("notice");
        Assert.Equal((hr, "Issued", "2026-11-18"), (line.GetProperty("unitId").GetGuid(), line.GetProperty("status").GetString(), line.GetProperty("objectionLastDay").GetString()));
        Assert.Equal(DemoRectification.RequiredAction, detail.GetProperty("requiredAction").GetString());
        Assert.Equal(2, detail.GetProperty("problems").GetArrayLength());
        var open = await office.GetAsync<JsonElement>("/api/v1/rectification/problems?open=true");
        Assert.Equal([waiting.Id], open.EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));

        // SEC-2: the bureau's liaison finds the notice and its two problems, not the third; another unit's liaison finds none.
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, hr);
        Assert.Contains((await liaison.GetAsync<JsonElement>("/api/v1/rectification/notices")).EnumerateArray(), n => n.GetProperty("id").GetGuid() == noticeId);
        Assert.Equal(made.Select(p => p.Id).Order(),
            (await liaison.GetAsync<JsonElement>("/api/v1/rectification/problems")).EnumerateArray().Select(p => p.GetProperty("id").GetGuid()).Order());
        var otherUnit = await app.WithDbAsync(db => db.Units.Where(u => u.IsDemo && u.Id != hr).Select(u => u.Id).FirstAsync());
        var stranger = await app.ClientAsAsync(Roles.UnitLiaison, otherUnit);
        Assert.DoesNotContain((await stranger.GetAsync<JsonElement>("/api/v1/rectification/notices")).EnumerateArray(), n => n.GetProperty("id").GetGuid() == noticeId);

        // The notice's PDF, as the bureau opens it, names the bureau, its number and both problems.
        var pdf = await (await liaison.GetAsync($"/api/v1/documents/{detail.GetProperty("documentId").GetGuid()}/pdf")).Content.ReadAsByteArrayAsync();
        var text = await DocumentKit.PdfToTextAsync(await DocumentKit.SavePdfAsync(pdf));
        Assert.Contains("人力资源和社会保障局", text, StringComparison.Ordinal);
        Assert.Contains(line.GetProperty("documentNumber").GetString()!, text.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("电子视频监察", text, StringComparison.Ordinal);

        // The notice's page: the bureau's liaison opens the problems' evidence from it; a leader reads it without links into
        // the evidence vault, which is not theirs to open (each link shown leads somewhere).
        var liaisonPage = await liaison.GetStringAsync($"/Rectification/Notice/{noticeId}");
        Assert.Equal(2, liaisonPage.Split("href=\"/Evidence/Case/").Length - 1);
        var leaderPage = await (await app.ClientAsAsync(Roles.Leader)).GetStringAsync($"/Rectification/Notice/{noticeId}");
        Assert.Contains(DemoRectification.Problems[1].Description, leaderPage, StringComparison.Ordinal);
        Assert.DoesNotContain("/Evidence/Case/", leaderPage, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "EV-6")]
    public async Task WithoutChromium_TheProblemsAreRecorded_AndTheNoticeWaits()
    {
        await using var own = new WithoutChromiumApp();
        var demo = own.Services.GetRequiredService<DemoRectification>();
        Assert.Equal((2, false), await demo.LoadAsync(default));
        Assert.Equal((0, false), await demo.LoadAsync(default));
        Assert.Equal(2, await own.WithDbAsync(db => db.ChannelProblems.CountAsync(p => p.NoticeId == null && p.RecordedBy == DemoRectification.DemoUser)));
        Assert.Equal(0, await own.WithDbAsync(db => db.RectificationNotices.CountAsync()));
    }

    private sealed class WithoutChromiumApp : MingchaApp
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Mingcha:Documents:ChromiumPath", "/nonexistent/chromium");
        }
    }
}
