using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Mingcha.BrowserTests.Infrastructure;
using Mingcha.BrowserTests.Pages;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Scoring;

namespace Mingcha.BrowserTests.Scoring;

public sealed class ScoringJourneyTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private static ClaimsPrincipal Office() => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.NameIdentifier, "browser-office"), new Claim(ClaimTypes.Name, "效能办"), new Claim(ClaimTypes.Role, Roles.OfficeAdmin)], "test"));

    /// <summary>A campaign over the demo city's sections of one category, opened, with a sitting and one slip's code (the Office's set-up, in-process).</summary>
    private async Task<(Guid Campaign, Guid Category, Guid First, Guid Second, string Token, string Code)> SittingAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<MingchaDb>();
        var year = DateTime.UtcNow.Year;
        var category = await db.UnitCategories.Where(uc => uc.Year == year).Select(uc => uc.CategoryId).OrderBy(c => c).FirstAsync();
        var campaigns = sp.GetRequiredService<Campaigns>();
        var c = await campaigns.CreateAsync(new Campaigns.CampaignRequest(year, "集中测评演练" + Guid.NewGuid().ToString("N")[..4], new DateOnly(year, 1, 1), new DateOnly(year, 12, 31), null, null),
            Office(), CancellationToken.None);
        await campaigns.SetSectionsAsync(c.Id, new Campaigns.SectionsRequest(null, [category]), Office(), CancellationToken.None);
        await campaigns.OpenAsync(c.Id, Office(), CancellationToken.None);
        var sections = (await campaigns.SectionsAsync(c.Id, Office(), CancellationToken.None)).Take(2).Select(s => s.SectionId).ToList();
        var sitting = await sp.GetRequiredService<Evaluations>().CreateSittingAsync(c.Id, new Evaluations.CreateSitting("社会各界代表集中测评", DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8))),
            Office(), CancellationToken.None);
        // Decision 028: a new sitting takes anonymous ballots with a slip's one-time code.
        var slips = await sp.GetRequiredService<Evaluations>().IssueCodesAsync(sitting.Id, new Evaluations.IssueCodes(1, "服务对象"), Office(), CancellationToken.None);
        return (c.Id, category, sections[0], sections[1], sitting.Token!, slips.Codes[0].Code);
    }

    [Fact]
    [Trait("Rule", "EV-2")]
    [Trait("Rule", "EV-12")]
    public async Task Representative_GradesOnAPhone_OfficeOpensTheTotalAndDrillsDownToTheEvaluations()
    {
        var (campaign, category, first, second, token, code) = await SittingAsync();

        // A representative, without an account, on a phone through the QR code of their slip (the sitting's link with the slip's code).
        var phone = await app.NewPageAsync(phone: true);
        var sheet = new SittingPage(phone);
        await sheet.OpenAsync(token, code);
        await sheet.GradeAsync(first, "优");
        await sheet.GradeAsync(second, "较差");
        await sheet.HandInAsync();
        await Assertions.Expect(phone.Locator(".flash.ok")).ToContainTextAsync("测评票已提交");
        await Assertions.Expect(sheet.HandedIn).ToBeVisibleAsync();

        // The Office computes (in-process), then opens the first section's total and drills down to its evaluations.
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<Computations>().ComputeAsync(campaign, Office(), false, CancellationToken.None);
        var account = await app.CreateAccountAsync(Roles.OfficeStaff);
        var page = await app.NewPageAsync();
        await new LoginPage(page).SignInAndWaitAsync(account.UserName, account.Password);
        var ranking = new RankingPage(page);
        await ranking.OpenAsync(campaign, category);
        // 优 alone in the concentrated method (rescaled to 100%): 1 × 80 + 20 = 100.
        await Assertions.Expect(ranking.TotalOf(first)).ToHaveTextAsync("100.00");
        await ranking.TotalOf(first).ClickAsync();
        await Assertions.Expect(ranking.Total).ToHaveTextAsync("100.00");
        await ranking.CountCell("Concentrated", "Excellent").ClickAsync();
        await Assertions.Expect(ranking.EvaluationLines).ToHaveCountAsync(1);
        await Assertions.Expect(ranking.EvaluationLines.First).ToContainTextAsync("优");
    }
}
