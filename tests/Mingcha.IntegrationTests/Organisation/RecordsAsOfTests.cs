using System.Net;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.IntegrationTests.Rectification;

namespace Mingcha.IntegrationTests.Organisation;

/// <summary>
/// ORG-1: "a finding from 2025 still points at the section as it was". After the section is renamed and moved to another
/// unit, and the unit renamed, the finding (API and the visits page) and the rectification notice (API and page) show
/// the section and unit as they were at the record's time, with today's names alongside.
/// </summary>
public sealed class RecordsAsOfTests(RectificationApp app) : IClassFixture<RectificationApp>
{
    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task SectionRenamedAndMoved_AfterAFindingAndANotice_TheyShowTheSectionAndUnitAsTheyWere()
    {
        var (office, kit) = await RectificationKit.AtStartAsync(app);
        var c = await kit.CaseAsync(findings: 1);
        var oldUnit = (await office.GetAsync<UnitDto>($"/api/v1/units/{c.UnitId}")).Name;
        await kit.ConfirmAsync(c.Findings[0]);
        var notice = await kit.IssueAsync(c.UnitId, c.Findings);

        app.Clock.Advance(TimeSpan.FromMinutes(10));
        var tag = Guid.NewGuid().ToString("N")[..4];
        var newUnit = await kit.Inspections.UnitAsync("新设局" + tag);
        var newSection = "城关窗口" + tag;
        var renamedUnit = "更名局" + tag;
        await (await office.PatchJsonAsync($"/api/v1/sections/{c.SectionId}", new { name = newSection })).ExpectAsync(HttpStatusCode.NoContent);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await (await office.PatchJsonAsync($"/api/v1/sections/{c.SectionId}", new { unitId = newUnit })).ExpectAsync(HttpStatusCode.NoContent);
        await (await office.PatchJsonAsync($"/api/v1/units/{c.UnitId}", new { name = renamedUnit })).ExpectAsync(HttpStatusCode.NoContent);

        // The finding keeps its unit and section ids, and reads them as they were when it was recorded, with today's names.
        var finding = (await office.GetAsync<List<FindingDto>>($"/api/v1/inspections/findings?visitId={c.VisitId}")).Single();
        Assert.Equal((c.UnitId, c.SectionId), (finding.UnitId, finding.SectionId));
        Assert.Equal(("办证窗口", newSection), (finding.SectionNameThen, finding.SectionNameNow));
        Assert.Equal((oldUnit, renamedUnit), (finding.UnitNameThen, finding.UnitNameNow));
        Assert.Equal(((Guid?)newUnit, "新设局" + tag), (finding.SectionUnitIdNow, finding.SectionUnitNameNow));
        Assert.StartsWith("ins-s-", finding.SectionCodeThen, StringComparison.Ordinal);

        // The visits page: today's name first, the name of the time after it.
        var visits = WebUtility.HtmlDecode(await office.GetStringAsync("/Inspections/Visits?year=2026"));
        Assert.Contains($"{newSection}（时称：办证窗口）", visits, StringComparison.Ordinal);
        Assert.Contains($"{renamedUnit}（时称：{oldUnit}）", visits, StringComparison.Ordinal);
        Assert.Contains($"（现属：新设局{tag}）", visits, StringComparison.Ordinal);

        // The notice: the unit as of its issue, the finding's section as of its recording; the notice stays with its unit.
        var detail = await RectificationKit.NoticeAsync(office, notice.Id);
        Assert.Equal(renamedUnit, detail.GetProperty("notice").GetProperty("unitName").GetString());
        Assert.Equal(oldUnit, detail.GetProperty("unitNameThen").GetString());
        var onNotice = detail.GetProperty("findings")[0];
        Assert.Equal(("办证窗口", newSection), (onNotice.GetProperty("sectionNameThen").GetString(), onNotice.GetProperty("sectionNameNow").GetString()));
        var page = WebUtility.HtmlDecode(await office.GetStringAsync($"/Rectification/Notice/{notice.Id}"));
        Assert.Contains($"{renamedUnit}（时称：{oldUnit}）", page, StringComparison.Ordinal);
        Assert.Contains($"{newSection}（时称：办证窗口）", page, StringComparison.Ordinal);

        // A notice issued after the rename reads the new names alone.
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var later = await kit.CaseAsync(findings: 1);
        await kit.ConfirmAsync(later.Findings[0]);
        var fresh = await kit.IssueAsync(later.UnitId, later.Findings);
        var freshDetail = await RectificationKit.NoticeAsync(office, fresh.Id);
        Assert.Equal(freshDetail.GetProperty("notice").GetProperty("unitName").GetString(), freshDetail.GetProperty("unitNameThen").GetString());
        Assert.DoesNotContain("时称", WebUtility.HtmlDecode(await office.GetStringAsync($"/Rectification/Notice/{fresh.Id}")), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public async Task ManyFindings_ReadAsOf_WithOneQueryPerKind_NotOnePerRow()
    {
        var (office, kit) = await RectificationKit.AtStartAsync(app);
        var c = await kit.CaseAsync(findings: 4);
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        await (await office.PatchJsonAsync($"/api/v1/sections/{c.SectionId}", new { name = "改名后窗口" })).ExpectAsync(HttpStatusCode.NoContent);

        using var count = new CommandCounter();
        var findings = await office.GetAsync<List<FindingDto>>($"/api/v1/inspections/findings?visitId={c.VisitId}");
        Assert.Equal(4, findings.Count);
        Assert.All(findings, f => Assert.Equal(("办证窗口", "改名后窗口"), (f.SectionNameThen, f.SectionNameNow)));
        // Other test classes run alongside: count only the commands that name this case's section or unit.
        Assert.Equal(1, count.Of("SectionVersions", c.SectionId));
        Assert.Equal(1, count.Of("UnitVersions", c.UnitId));
    }

    private sealed record UnitDto(Guid Id, string Name);
    private sealed record FindingDto(Guid Id, Guid UnitId, Guid SectionId, string? SectionCodeThen, string? SectionNameThen, string? SectionNameNow,
        string? UnitNameThen, string? UnitNameNow, Guid? SectionUnitIdNow, string? SectionUnitNameNow);
}
