using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Documents;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Infrastructure.Documents;

namespace Mingcha.IntegrationTests.Rectification;

/// <summary>
/// RCT-2: rectification notices issued at once on one instance, whose documents are numbered in the issuing transaction
/// with the notice: distinct consecutive numbers, each document rendered once (the instance's queue of numbers, as for
/// documents issued on their own: OfficialDocumentsTests). On SQLite, and on PostgreSQL when the suite runs there.
/// </summary>
public sealed class NoticeNumberingTests(RectificationApp app) : IClassFixture<RectificationApp>
{
    [Fact]
    [Trait("Rule", "RCT-2")]
    public async Task Numbers_WhenNoticesAreIssuedInParallel_AreDistinctConsecutiveAndEachDocumentIsRenderedOnce()
    {
        const int n = 4;
        var (_, kit) = await RectificationKit.AtStartAsync(app);
        var cases = new List<RectificationKit.Case>();
        for (var i = 0; i < n; i++)
        {
            var c = await kit.CaseAsync(findings: 1);
            await kit.ConfirmAsync([.. c.Findings]);
            cases.Add(c);
        }
        var printer = app.Services.GetRequiredService<ChromiumPdfPrinter>();
        var printsBefore = printer.PrintsAsked;

        var notices = await Task.WhenAll(cases.Select(c => kit.IssueAsync(c.UnitId, c.Findings)));

        var numbers = notices.Select(x => DocumentNumber.TryParse(x.DocumentNumber)).ToList();
        Assert.All(numbers, x => Assert.NotNull(x));
        Assert.Single(numbers.Select(x => (x!.Prefix, x.Year)).Distinct());
        var serials = numbers.Select(x => x!.Serial).Order().ToList();
        Assert.Equal(Enumerable.Range(serials[0], n), serials);
        // One render each: no notice rendered again because another issued at the same moment took the number it expected.
        Assert.Equal(n, printer.PrintsAsked - printsBefore);

        // Every document of that numbering ever issued here: serials 1..count, none twice, the counter at the last; each
        // notice's register line is its own document.
        var (prefix, year) = (numbers[0]!.Prefix, numbers[0]!.Year);
        var all = await app.WithDbAsync(db => db.OfficialDocuments.Where(d => d.Prefix == prefix && d.Year == year).Select(d => d.Serial).ToListAsync());
        Assert.Equal(Enumerable.Range(1, all.Count), all.Order());
        var counter = await app.WithDbAsync(db => db.DocumentNumberSequences.SingleAsync(s => s.Prefix == prefix && s.Year == year));
        Assert.Equal(all.Count, counter.LastSerial);
        var ids = notices.Select(x => (Guid?)x.Id).ToList();
        var registered = await app.WithDbAsync(db => db.OfficialDocuments.Where(d => ids.Contains(d.ReferenceId)).Select(d => d.Number).ToListAsync());
        Assert.Equal(notices.Select(x => x.DocumentNumber).Order(), registered.Order());
    }
}
