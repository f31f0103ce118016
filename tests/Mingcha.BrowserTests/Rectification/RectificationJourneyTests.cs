using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Mingcha.BrowserTests.Infrastructure;
using Mingcha.BrowserTests.Pages;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Inspections;
using Mingcha.Web.Features.Rectification;

namespace Mingcha.BrowserTests.Rectification;

public sealed class RectificationJourneyTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private static ClaimsPrincipal Office() => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.NameIdentifier, "browser-office"), new Claim(ClaimTypes.Name, "效能办"), new Claim(ClaimTypes.Role, Roles.OfficeAdmin)], "test"));

    /// <summary>A confirmed finding on one of the demo round's covert visits, issued as a notice by the Office (in-process).</summary>
    private async Task<(Guid Unit, Guid Notice)> NoticeAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<MingchaDb>();
        var now = DateTime.UtcNow;
        var visit = await db.Visits.Where(v => v.Status == VisitStatus.Planned).OrderBy(v => v.Id).FirstAsync();
        visit.Start(DateOnly.FromDateTime(now), now);
        visit.RecordProgress(8, 45 * 60);
        visit.Submit(now);
        visit.Decide(VisitStatus.Accepted, null, "browser-office", now);
        await sp.GetRequiredService<InspectionSetup>().EnsureCatalogueAsync(visit.Year, "system", CancellationToken.None);
        var item = await db.DeductionItems.FirstAsync(i => i.Year == visit.Year && i.Code == "S07");
        var finding = new Finding(visit.Id, visit.RoundId, visit.Year, visit.UnitId, visit.SectionId, null, item, null, "工作时间窗口无人且未放置离岗告示牌", 3, null, "inspector", now);
        finding.Confirm("browser-office", now);
        db.Findings.Add(finding);
        await db.SaveChangesAsync();
        var created = await sp.GetRequiredService<Notices>().IssueAsync(
            new Notices.IssueNotice(visit.UnitId, [finding.Id], "立即整改，落实离岗告示制度。", 10, null), Office(), CancellationToken.None);
        return (visit.UnitId, created.Id);
    }

    private static string EvidenceFile(string name)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("mingcha-rect-").FullName, name);
        File.WriteAllText(path, "%PDF-1.4\n% 签到记录 " + Guid.NewGuid() + "\n%%EOF\n");
        return path;
    }

    [Fact]
    [Trait("Rule", "RCT-3")]
    [Trait("Rule", "RCT-2")]
    public async Task Liaison_OnAPhone_ObjectsWithEvidence_SeesTheDecision_AndAnswersTheNotice()
    {
        var (unit, notice) = await NoticeAsync();
        var account = await app.CreateAccountAsync(Roles.UnitLiaison, unit);
        var page = await app.NewPageAsync(phone: true);
        await new LoginPage(page).SignInAndWaitAsync(account.UserName, account.Password);

        var noticePage = new NoticePage(page);
        await noticePage.OpenFromMyPageAsync(notice);
        Assert.Equal("Issued", await noticePage.StatusAsync());
        await Assertions.Expect(noticePage.Countdown).ToContainTextAsync("个工作日");

        await noticePage.ObjectAsync("暗访时当事人在后台办理业务，有签到记录为证。", EvidenceFile("签到记录.pdf"));
        await Assertions.Expect(page.Locator("#notice-summary")).ToHaveAttributeAsync("data-status", "Objected");
        await Assertions.Expect(page.Locator("#history")).ToContainTextAsync("证据 1 件");

        // The Office reviews (its own pages are tested elsewhere): rejected, with reasons.
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<Notices>().ReviewAsync(notice, new Notices.ReviewObjection(false, "签到时间晚于暗访时间，异议不成立。"), Office(), CancellationToken.None);

        await page.ReloadAsync();
        await Assertions.Expect(noticePage.Decision).ToContainTextAsync("异议不成立");
        await Assertions.Expect(noticePage.Decision).ToContainTextAsync("签到时间晚于暗访时间");
        Assert.Equal("Issued", await noticePage.StatusAsync());

        await noticePage.AnswerAsync("已对当事人批评教育并调整排班。", "全系统开展离岗告示制度自查。", EvidenceFile("整改报告.pdf"));
        await Assertions.Expect(page.Locator("#notice-summary")).ToHaveAttributeAsync("data-status", "Answered");
        await Assertions.Expect(page.Locator("#history .response-evidence")).ToContainTextAsync("证据 1 件");

        // The page fits a phone: nothing wider than the viewport.
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 400, $"page is {width}px wide on a 390px phone");

        // The objection's evidence opens from the history, in the notice's evidence case.
        await page.Locator("#history .objection-evidence").ClickAsync();
        await Assertions.Expect(page.Locator("#evidence-items")).ToContainTextAsync("签到记录.pdf");
        await Assertions.Expect(page.Locator("#evidence-items")).ToContainTextAsync("整改报告.pdf");
    }
}
