using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Mingcha.BrowserTests.Infrastructure;
using Mingcha.BrowserTests.Pages;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Complaints;

namespace Mingcha.BrowserTests.Complaints;

public sealed class ComplaintJourneyTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    [Trait("Rule", "CMP-2")]
    [Trait("Rule", "CMP-3")]
    [Trait("Rule", "CMP-7")]
    [Trait("Rule", "CMP-11")]
    [Trait("Rule", "SEC-4")]
    public async Task Citizen_OnAPhone_FilesAComplaint_FollowsIt_TheUnitAnswers_AndTheCitizenRatesTheAnswer()
    {
        Guid unit;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
            unit = await db.Sections.Where(s => s.Active).OrderBy(s => s.Code).Select(s => s.UnitId).FirstAsync();
        }

        var citizen = await app.NewPageAsync(phone: true);
        // CMP-2: a photo of the receipt from the phone goes into the evidence vault with the complaint.
        byte[] photo = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, .. "JFIF"u8, 0x00, .. Enumerable.Range(0, 4000).Select(i => (byte)(i * 7))];
        var code = await new PublicComplaintPage(citizen).FileAsync(unit, "SlowHandling", "营业执照变更超时", "承诺 3 个工作日办结，已过 8 天仍未办结。", "受理回执照片", "欧阳娜娜", "13812345678",
            new FilePayload { Name = "回执.jpg", MimeType = "image/jpeg", Buffer = photo });
        Assert.Equal(12, code.Length);
        var track = new TrackComplaintPage(citizen);
        await track.OpenAsync(code);
        Assert.Equal("Received", await track.StatusAsync());

        // The Office assigns it (its own pages are tested over HTTP).
        Guid id;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
            id = await db.Complaints.Where(c => c.Matter == "营业执照变更超时").Select(c => c.Id).SingleAsync();
            var caseId = await db.Complaints.Where(c => c.Id == id).Select(c => c.EvidenceCaseId).SingleAsync();
            var item = await db.EvidenceItems.SingleAsync(i => i.CaseId == caseId);
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(photo)), item.Sha256);
            Assert.Equal("public", item.UploadedBy);
            await scope.ServiceProvider.GetRequiredService<Mingcha.Web.Features.Complaints.Complaints>()
                .AssignAsync(id, new Mingcha.Web.Features.Complaints.Complaints.Assign(unit, null), new ComplaintViewer(true, true, null, "browser-office"), CancellationToken.None);
        }

        var account = await app.CreateAccountAsync(Roles.UnitLiaison, unit);
        var handler = await app.NewPageAsync(phone: true);
        await new LoginPage(handler).SignInAndWaitAsync(account.UserName, account.Password);
        var detail = new ComplaintHandlerPage(handler);
        await detail.OpenFromUnitPageAsync(id);
        Assert.Equal("Assigned", await detail.StatusAsync());
        await Assertions.Expect(detail.Deadline).ToContainTextAsync("个工作日");
        await Assertions.Expect(detail.Complainant).ToContainTextAsync("欧***");
        await Assertions.Expect(detail.Complainant).Not.ToContainTextAsync("138");
        await detail.AnswerAsync("经核实，系系统升级导致延误，已于今日办结并向您致歉。");
        Assert.Equal("Answered", await detail.StatusAsync());

        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<Mingcha.Web.Features.Complaints.Complaints>()
                .ReviewAsync(id, new Mingcha.Web.Features.Complaints.Complaints.Review(true, true, "对经办人批评教育", null), new ComplaintViewer(true, true, null, "browser-office"), CancellationToken.None);

        await track.OpenAsync(code);
        Assert.Equal("Closed", await track.StatusAsync());
        await Assertions.Expect(track.Answer).ToContainTextAsync("已于今日办结");
        await track.RateAsync(1);
        await Assertions.Expect(citizen.Locator("#track-rated")).ToContainTextAsync("满意");
    }
}
