using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Documents;
using Mingcha.Domain.Scoring;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Documents;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Features.Organisation.Import;
using Mingcha.Web.Features.Ratings;
using Mingcha.Web.Features.Rectification;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Scoring;

/// <summary>
/// EV-9, RCT-6, SAT-4, EV-11: the yearly performance assessment per unit: the final results of the year's closed campaigns,
/// the deduction ledger's points lost, the satisfaction coefficient on the composite of counties and townships (decision 012:
/// a unit with sub-units), and the loss of excellence eligibility (<see cref="ExcellenceEligibility"/>: INS-6 obstruction or
/// accountability, EV-8).
/// </summary>
public sealed class YearlyAssessment(MingchaDb db, IDeductionLedgerQuery ledger, SatisfactionRates rates, ExcellenceEligibility eligibility, OfficialDocuments documents, ResultExplanations explanations)
{
    public sealed record CampaignLine(Guid CampaignId, string Name, int Sections, decimal MeanTotal, decimal MeanComposite, int Satisfied, int Explain, int Rectify);

    public sealed record UnitAssessment(Guid UnitId, string UnitCode, string UnitName, bool CountyOrTownship, IReadOnlyList<CampaignLine> Campaigns,
        decimal? Composite, decimal Coefficient, decimal? SatisfactionRate, int RatingsCounted, decimal? CorrectedComposite, decimal PointsLost, int LedgerLines,
        bool ExcellenceIneligible, int ExplanationsOwed, int ExplanationsFiled, int ExplanationsAccepted, IReadOnlyList<string> Notes,
        IReadOnlyList<OutletAssessment> Outlets);

    /// <summary>
    /// SAT-4 for a township or street outlet of the unit (S2: "将群众满意度作为系数，对县区、乡镇综合考核得分进行修正"): its
    /// composite over the year's closed campaigns, times its own satisfaction rate.
    /// </summary>
    public sealed record OutletAssessment(Guid SectionId, string Code, string Name, decimal Composite, decimal Coefficient, decimal? SatisfactionRate, int RatingsCounted,
        decimal CorrectedComposite);

    public sealed record YearTable(int Year, IReadOnlyList<UnitAssessment> Units);

    public async Task<YearTable> ForYearAsync(int year, Guid? unitId, ClaimsPrincipal user, CancellationToken ct)
    {
        Problems.RequireYear(year);
        var viewer = RectificationViewer.Of(user);
        if (!viewer.SeesAll)
        {
            var own = viewer.UnitId ?? throw new NotFoundException("单位不存在。 No such unit.");
            if (unitId is { } asked && asked != own) throw new NotFoundException("单位不存在。 No such unit.");
            unitId = own;
        }
        var finals = await db.Campaigns.AsNoTracking().Where(c => c.Year == year && (c.Status == CampaignStatus.Closed || c.Status == CampaignStatus.Published) && c.ComputationId != null)
            .Select(c => new { c.Id, c.Name, ComputationId = c.ComputationId!.Value }).ToListAsync(ct);
        var compIds = finals.Select(f => f.ComputationId).ToList();
        // A section without any evaluation has no result to average (decision 023).
        var rq = db.ScoreResults.AsNoTracking().Where(r => compIds.Contains(r.ComputationId) && r.Consequence != ResultConsequence.NotEvaluated);
        if (unitId is { } u1) rq = rq.Where(r => r.UnitId == u1);
        var results = await rq.Select(r => new { r.ComputationId, r.UnitId, r.SectionId, r.Total, r.Composite, r.Consequence }).ToListAsync(ct);
        var resultSections = results.Select(r => r.SectionId).Distinct().ToList();
        var outlets = await db.Sections.AsNoTracking()
            .Where(x => resultSections.Contains(x.Id) && (x.Kind == SectionKind.TownshipOutlet || x.Kind == SectionKind.StreetOutlet))
            .Select(x => new { x.Id, x.Code, x.Name }).ToListAsync(ct);

        var lost = (await ledger.PointsLostInYearAsync(year, unitId, ct)).ToDictionary(p => p.UnitId);
        // INS-6 losses get a note each here; EV-8's are noted from the results below.
        var losses = (await eligibility.ForYearAsync(year, unitId, ct)).Where(l => l.Rule == "INS-6").ToLookup(l => l.UnitId);
        var explained = await explanations.ForYearAsync(year, ct);
        var units = results.Select(r => r.UnitId).Concat(lost.Keys).Concat(losses.Select(g => g.Key)).Distinct().ToList();
        var info = await db.Units.AsNoTracking().Where(x => units.Contains(x.Id)).Select(x => new { x.Id, x.Code, x.Name }).ToListAsync(ct);
        var parents = (await db.Units.AsNoTracking().Where(x => x.ParentUnitId != null && units.Contains(x.ParentUnitId!.Value)).Select(x => x.ParentUnitId!.Value).ToListAsync(ct)).ToHashSet();

        var list = new List<UnitAssessment>();
        foreach (var unit in info.OrderBy(x => x.Code, StringComparer.Ordinal))
        {
            var mine = results.Where(r => r.UnitId == unit.Id).ToList();
            var lines = finals.Select(f => (f, rs: mine.Where(r => r.ComputationId == f.ComputationId).ToList())).Where(x => x.rs.Count > 0)
                .Select(x => new CampaignLine(x.f.Id, x.f.Name, x.rs.Count, x.rs.Average(r => r.Total), x.rs.Average(r => r.Composite),
                    x.rs.Count(r => r.Consequence == ResultConsequence.Satisfied), x.rs.Count(r => r.Consequence == ResultConsequence.Explain),
                    x.rs.Count(r => r.Consequence == ResultConsequence.RectifyAndAccount))).ToList();
            decimal? composite = mine.Count == 0 ? null : mine.Average(r => r.Composite);
            var county = parents.Contains(unit.Id);
            var rate = await rates.ForUnitAsync(unit.Id, new DateOnly(year, 1, 1), new DateOnly(year, 12, 31), includeChildren: county, ct);
            var notes = new List<string>();
            if (county) notes.Add("县区/乡镇：满意率系数计入综合满意度（SAT-4）。 County or township: the satisfaction coefficient applies (SAT-4).");
            if (rate.Rate is null) notes.Add("本年度没有满意度评价，系数按 1 计。 No rating this year: coefficient 1.");
            notes.AddRange(losses[unit.Id].Select(l => l.Reason).Distinct());
            if (mine.Any(r => r.Consequence == ResultConsequence.Explain)) notes.Add("有科室列后三名：书面说明，取消年终评优评先资格（EV-8）。 A section in the bottom three: written explanation, no awards (EV-8).");
            var (owed, filed, accepted) = explained.GetValueOrDefault(unit.Id);
            if (owed > 0)
                notes.Add(filed == owed
                    ? $"书面说明和整改报告已全部提交（{filed} 份，已认可 {accepted} 份，EV-8）。 Written explanations and rectification reports filed: {filed} of {owed}, {accepted} accepted (EV-8)."
                    : $"书面说明和整改报告未全部提交：应交 {owed} 份，已提交 {filed} 份，已认可 {accepted} 份（EV-8）。 Written explanations and rectification reports filed: {filed} of {owed}, {accepted} accepted (EV-8).");
            if (mine.Any(r => r.Consequence == ResultConsequence.RectifyAndAccount)) notes.Add("有科室低于 70 分：限期整改并问责（EV-8）。 A section below 70: rectification and accountability (EV-8).");
            var outletLines = new List<OutletAssessment>();
            // An outlet counts for the unit its results were computed under (ORG-1: a section moved since keeps its past
            // results with the unit it then belonged to), not the unit it belongs to now.
            foreach (var o in outlets.OrderBy(x => x.Code, StringComparer.Ordinal))
            {
                var own = mine.Where(r => r.SectionId == o.Id).ToList();
                if (own.Count == 0) continue;
                var outletComposite = own.Average(r => r.Composite);
                var orate = await rates.ForSectionAsync(o.Id, unit.Id, new DateOnly(year, 1, 1), new DateOnly(year, 12, 31), ct);
                outletLines.Add(new OutletAssessment(o.Id, o.Code, o.Name, outletComposite, orate.Coefficient, orate.Rate, orate.Counted,
                    new Mingcha.Domain.Satisfaction.SatisfactionRate(orate.Counted, orate.Excluded, orate.Rate).Apply(outletComposite)));
            }
            if (outletLines.Count > 0)
                notes.Add($"乡镇（街道）服务网点 {outletLines.Count} 个：各自的综合满意度乘以本网点的满意率系数（SAT-4）。 {outletLines.Count} township or street outlets: each one's composite times its own satisfaction coefficient (SAT-4).");
            var points = lost.GetValueOrDefault(unit.Id);
            list.Add(new UnitAssessment(unit.Id, unit.Code, unit.Name, county, lines, composite, rate.Coefficient, rate.Rate, rate.Counted,
                composite is { } cv ? (county ? new Mingcha.Domain.Satisfaction.SatisfactionRate(rate.Counted, rate.Excluded, rate.Rate).Apply(cv) : cv) : null,
                points?.Points ?? 0m, points?.Lines ?? 0, losses.Contains(unit.Id) || mine.Any(r => Consequences.IsFollowedUp(r.Consequence)), owed, filed, accepted, notes,
                outletLines));
        }
        return new YearTable(year, list);
    }

    private static string D(decimal? d, string format = "0.##") => d?.ToString(format, CultureInfo.InvariantCulture) ?? "";

    private static readonly string[] Header = ["单位代码", "单位", "县区/乡镇", "测评活动", "平均总分", "综合满意度", "满意率", "系数", "修正后综合满意度", "扣分", "扣分条数", "评优资格", "说明"];

    private static IReadOnlyList<string> Cells(UnitAssessment a) =>
        [a.UnitCode, a.UnitName, a.CountyOrTownship ? "是" : "否", string.Join("；", a.Campaigns.Select(c => c.Name)),
         a.Campaigns.Count == 0 ? "" : D(a.Campaigns.Average(c => c.MeanTotal)), D(a.Composite * 100m), D(a.SatisfactionRate * 100m), D(a.Coefficient, "0.####"),
         D(a.CorrectedComposite * 100m), D(a.PointsLost), a.LedgerLines.ToString(CultureInfo.InvariantCulture), a.ExcellenceIneligible ? "取消" : "保留", string.Join(" ", a.Notes.Select(n => n.Split("。")[0]))];

    /// <summary>The year's table as XLSX (the writer of the ledger export).</summary>
    public async Task<(byte[] Bytes, string FileName)> ExportAsync(int year, ClaimsPrincipal user, CancellationToken ct)
    {
        var table = await ForYearAsync(year, null, user, ct);
        using var ms = new MemoryStream();
        using (var w = new OrgWorkbookWriter(ms, ["年度考评", "乡镇街道网点"]))
        {
            w.BeginSheet("年度考评", Header, [12, 24, 8, 30, 10, 12, 10, 8, 14, 8, 8, 8, 60]);
            foreach (var a in table.Units) w.WriteRow([.. Cells(a)]);
            w.WriteNote([$"{year} 年度，单位 {table.Units.Count} 个。综合满意度、满意率以百分数表示，显示时保留两位小数。"]);
            // SAT-4: each township or street outlet's composite, corrected by its own satisfaction rate.
            w.BeginSheet("乡镇街道网点", ["单位代码", "单位", "网点代码", "网点", "综合满意度", "满意率", "系数", "修正后综合满意度"], [12, 24, 14, 28, 12, 10, 8, 14]);
            foreach (var a in table.Units)
                foreach (var o in a.Outlets)
                    w.WriteRow([a.UnitCode, a.UnitName, o.Code, o.Name, D(o.Composite * 100m), D(o.SatisfactionRate * 100m), D(o.Coefficient, "0.####"), D(o.CorrectedComposite * 100m)]);
            w.WriteNote([$"乡镇（街道）服务网点 {table.Units.Sum(a => a.Outlets.Count)} 个（SAT-4）。"]);
        }
        return (Deterministic(ms.ToArray()), $"assessment-{year}.xlsx");
    }

    /// <summary>The same figures give the same bytes: the zip entries' times are fixed (the package stamps the current time).</summary>
    private static byte[] Deterministic(byte[] xlsx)
    {
        using var ms = new MemoryStream();
        ms.Write(xlsx);
        using (var zip = new System.IO.Compression.ZipArchive(ms, System.IO.Compression.ZipArchiveMode.Update, leaveOpen: true))
            foreach (var entry in zip.Entries) entry.LastWriteTime = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return ms.ToArray();
    }

    /// <summary>EV-9: the year's table, or one unit's report, issued as an official document (report, GB/T 9704; decision 009).</summary>
    public async Task<IssuedDocument> IssueAsync(int year, Guid? unitId, ClaimsPrincipal by, CancellationToken ct)
    {
        RectificationViewer.Of(by).RequireOffice("EV-9", "印发年度考评报告");
        var table = await ForYearAsync(year, unitId, by, ct);
        if (unitId is not null && table.Units.Count == 0) throw new NotFoundException("该单位本年度没有考评结果。 No assessment for that unit this year.");
        var body = new List<DocumentBlock>
        {
            new ParagraphBlock($"根据{year}年度内设机构测评结果、效能扣分台账和服务满意度评价，现将{(unitId is null ? "各单位" : table.Units[0].UnitName)}年度效能考评情况报告如下。"),
            new HeadingBlock(1, "考评结果"),
            new TableBlock(["单位", "平均总分", "综合满意度", "系数", "修正后", "扣分", "评优资格"],
                table.Units.Select(a => (IReadOnlyList<string>)[a.UnitName, a.Campaigns.Count == 0 ? "—" : D(a.Campaigns.Average(c => c.MeanTotal)), D(a.Composite * 100m),
                    D(a.Coefficient, "0.####"), D(a.CorrectedComposite * 100m), D(a.PointsLost), a.ExcellenceIneligible ? "取消" : "保留"]).ToList(), "年度考评表"),
            new ParagraphBlock("测评结果纳入年度综合绩效考评体系，作为对所在单位年度考核、领导班子及成员综合绩效考核评价和干部个人年度考核的重要依据。"),
        };
        if (unitId is not null)
            foreach (var n in table.Units[0].Notes) body.Add(new ParagraphBlock(n.Split("。")[0] + "。"));
        var title = unitId is null ? $"关于{year}年度效能考评结果的报告" : $"关于{table.Units[0].UnitName}{year}年度效能考评结果的报告";
        var content = documents.Draft(DocumentKind.Report, title, ["市机关效能建设领导小组"], body) with { Attachments = ["年度考评表"] };
        return await documents.IssueAsync(content, new DocumentIssue("YearlyAssessment", unitId, unitId is { } u ? [u] : []), by, ct);
    }
}
