using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Inspections;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;

namespace Mingcha.Web.Features.Inspections;

/// <summary>
/// Seeds what the module needs in every database: the year's deduction catalogue (INS-18) and the first version
/// of the inspectors' rules (ORG-5).
/// </summary>
public sealed class InspectionSetup(MingchaDb db, TimeProvider time)
{
    /// <summary>
    /// ORG-5: S3 cites the Office's "十不准" and quotes two of them (no banquets, no gifts from inspected units); it
    /// does not list all ten. The other eight lines collect the prohibitions S0 and S1 state for inspectors
    /// (confidentiality, falsification, favouritism, private gain, evidence untouched, conflicts of interest). The
    /// Office replaces the text with its own as a new version.
    /// </summary>
    public const string DefaultRulesText =
        """
        一、不准接受被查单位的宴请。（S3）
        二、不准接受被查单位的礼品馈赠。（S3）
        三、不准泄露明查暗访方案、对象和时间。（S1 第十一条，INS-9）
        四、不准私自泄露、复制传播或上传明查暗访资料。（S1 第十一条）
        五、不准修改或删除明查暗访视频、图片资料。（S1 第六条）
        六、不准弄虚作假。（S0）
        七、不准徇私舞弊。（S0）
        八、不准利用明查暗访谋取私利。（S0）
        九、不准检查与本人有利益冲突的单位。（ORG-5）
        十、不准擅自对外公布检查结果（由效能办统一通报）。（S1 第十条）
        """;

    public async Task EnsureAsync(CancellationToken ct)
    {
        var year = time.GetUtcNow().Year;
        await EnsureCatalogueAsync(year, "system", ct);
        if (!await db.DisciplineRules.AnyAsync(ct))
        {
            db.DisciplineRules.Add(new DisciplineRules(1, "明查暗访工作人员“十不准”", DefaultRulesText, new DateOnly(year, 1, 1), "system", time.GetUtcNow().UtcDateTime));
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>
    /// INS-18: the catalogue of <paramref name="year"/>, created on first need from the previous year's (its active
    /// items, with their current points) or, for the first year, from the default catalogue.
    /// </summary>
    public async Task<DeductionCatalogue> EnsureCatalogueAsync(int year, string by, CancellationToken ct)
    {
        var existing = await db.DeductionCatalogues.FirstOrDefaultAsync(c => c.Year == year, ct);
        if (existing is not null) return existing;
        var previous = await db.DeductionCatalogues.AsNoTracking().Where(c => c.Year < year).OrderByDescending(c => c.Year).FirstOrDefaultAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var catalogue = new DeductionCatalogue(year, $"{year} 年度明察暗访扣分项目录", previous?.Year, by, now);
        db.DeductionCatalogues.Add(catalogue);
        if (previous is not null)
        {
            var items = await db.DeductionItems.AsNoTracking().Where(i => i.CatalogueId == previous.Id && i.Active).OrderBy(i => i.SortOrder).ToListAsync(ct);
            foreach (var i in items)
                db.DeductionItems.Add(new DeductionItem(catalogue.Id, year, i.Code, i.Name, i.Points, i.Group, i.Discretionary, i.SortOrder, i.Basis));
        }
        else
        {
            var order = 0;
            foreach (var d in DefaultDeductionCatalogue.Items)
                db.DeductionItems.Add(new DeductionItem(catalogue.Id, year, d.Code, d.Name, d.Points, System.Enum.Parse<DeductionGroup>(d.Group), d.Discretionary, ++order, d.Basis));
        }
        db.Audit(new AuditEvent("catalogue.create", nameof(DeductionCatalogue), catalogue.Id.ToString(), null,
            previous is null ? $"{year} from the default catalogue" : $"{year} copied from {previous.Year}"));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another request created the year's catalogue at the same moment: use theirs.
            db.ChangeTracker.Clear();
            return await db.DeductionCatalogues.FirstAsync(c => c.Year == year, ct);
        }
        return catalogue;
    }
}
