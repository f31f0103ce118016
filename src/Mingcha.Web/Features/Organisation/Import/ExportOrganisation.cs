using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Identifiers;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
using static Mingcha.Web.Features.Organisation.Import.ImportFormat;

namespace Mingcha.Web.Features.Organisation.Import;

/// <summary>
/// Use cases: the import template, and the whole organisation exported in the import format, so that an
/// export edited in Excel imports back (codes match, nothing is duplicated). Phone and ID numbers are masked
/// unless the full export is asked for, which only the office administrator may do and which is logged (SEC-4).
/// A masked number imports back as "unchanged" for the same person (see the importer).
/// </summary>
public sealed class ExportOrganisation(MingchaDb db)
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    private static readonly Dictionary<SheetKind, double[]> Widths = new Dictionary<SheetKind, double[]>
    {
        [SheetKind.Categories] = [16, 30],
        [SheetKind.Units] = [16, 40, 20, 24, 16, 12, 8, 8],
        [SheetKind.Sections] = [20, 36, 16, 14, 20, 36, 8],
        [SheetKind.ServiceItems] = [16, 40, 16, 10, 10],
        [SheetKind.Staff] = [16, 14, 12, 10, 20, 16, 16, 22, 8],
        [SheetKind.SectionItems] = [20, 16, 8],
    };

    /// <summary>Every sheet with its header and one example row (marked, skipped on import), after an instructions sheet.</summary>
    public static void WriteTemplate(Stream output)
    {
        using var w = new OrgWorkbookWriter(output, [InstructionsSheet, .. Sheets.Select(s => s.Zh)]);
        w.BeginSheet(InstructionsSheet, ["明查 · 组织机构导入模板 Organisation import template", "", "", ""], [22, 16, 10, 70]);
        foreach (var line in Instructions) w.WriteRow(["", "", "", line]);
        foreach (var sheet in Sheets)
        {
            w.WriteRow([]);
            w.WriteRow([$"工作表“{sheet.Zh}”（{sheet.En}.csv）", "", "", sheet.Purpose]);
            w.WriteNote(["列名", "English", "必填", "说明"]);
            foreach (var c in sheet.Columns)
                w.WriteRow([c.Zh, c.En, c.Required ? "必填" : "可选", $"{c.Hint}{(c.Hint.Length > 0 ? "；" : "")}最多 {c.MaxLength} 个字符"]);
        }
        foreach (var sheet in Sheets)
        {
            w.BeginSheet(sheet.Zh, sheet.Columns.Select(c => c.Zh).ToList(), Widths[sheet.Kind]);
            w.WriteNote(sheet.Example);
        }
    }

    private static readonly string[] Instructions =
    [
        "1. 每张表第一行是表头。列名用中文（也可用英文列名），列的顺序不限，表中其他列（如备注）导入时忽略。",
        $"2. 以“{ExampleMarker}”开头的行是示例，导入时跳过，可以删除。",
        "3. 代码相同即同一记录：系统中已有的更新（更名、调整上级单位、所属单位、科室等都会保留历史），没有的新增。导入从不删除任何记录。科室改属其他单位时，其下设科室和工作人员随之划转；工作人员表请按划转后的单位填写。",
        "4. 可选列整列不提供时，原有数据保持不变；提供了但单元格留空，则清空该项。",
        "5. 用不到的表可以删除，例如只导入工作人员时，单位可以是系统中已有的。",
        "6. 也可以把每张表另存为一个 CSV 文件上传，文件名就是表名（如 单位.csv 或 units.csv），编码为 UTF-8 或 GB18030（Excel“CSV”默认）。",
        "7. 手机号、身份证号请保持“文本”格式（本模板已设置），否则 Excel 会把 18 位身份证号存成数字而丢失末几位。",
        "8. 导出文件中脱敏的号码（如 138****1234）原样导回时保持不变；新号码须填写完整。",
        "9. 单个文件不超过 50 MB。只要有一行有错，整个导入都不写入，并列出全部错误（工作表、Excel 行号、列、原因）。",
        "10. “状态”列：单位、科室填“已撤销”即撤销、填“在用”即恢复；工作人员填“离岗”即登记离岗、填“在岗”即返岗。留空表示不变。撤销须其下没有在用的科室、下级单位和在岗人员（本文件中一并撤销、划出或登记离岗的不算），恢复须其上级在用。",
    ];

    /// <summary>The organisation as of <paramref name="year"/> (unit categories of that year) in the import format.</summary>
    /// <param name="output">Where the workbook goes.</param>
    /// <param name="year">Evaluation year for the units' categories.</param>
    /// <param name="full">Unmasked phone and ID numbers; the caller has checked the role. The export is logged first.</param>
    /// <param name="ct">Cancellation.</param>
    public async Task WriteAsync(Stream output, int year, bool full, CancellationToken ct)
    {
        if (full)
        {
            // SEC-4: personal data shown in full is logged, before it leaves.
            var people = await db.Staff.CountAsync(ct);
            db.Audit(new AuditEvent("export.organisation.full", "Organisation", year.ToString(CultureInfo.InvariantCulture), null,
                JsonSerializer.Serialize(new { year, staff = people }, OrgImportFiles.Json)));
            await db.SaveChangesAsync(ct);
        }

        using var w = new OrgWorkbookWriter(output, Sheets.Select(s => s.Zh).ToList());
        var categoryCodes = new Dictionary<Guid, string>();
        Begin(w, CategoriesSheet);
        await foreach (var c in db.Categories.AsNoTracking().OrderBy(c => c.Code).AsAsyncEnumerable().WithCancellation(ct))
        {
            categoryCodes[c.Id] = c.Code;
            w.WriteRow([c.Code, c.Name]);
        }

        // ORG-1: the category of the year asked for; a unit without one that year shows its nearest earlier one
        // (or else its first), with that year, so that the export imports back unchanged.
        var assignments = (await db.UnitCategories.AsNoTracking().ToListAsync(ct))
            .GroupBy(x => x.UnitId)
            .ToDictionary(g => g.Key, g => g.Where(x => x.Year <= year).MaxBy(x => x.Year) ?? g.MinBy(x => x.Year)!);
        var units = await db.Units.AsNoTracking().OrderBy(u => u.Code)
            .Select(u => new { u.Id, u.Code, u.Name, u.ShortName, u.CreditCode, u.ParentUnitId, u.Active }).ToListAsync(ct);
        var unitCodes = units.ToDictionary(u => u.Id, u => u.Code);
        Begin(w, UnitsSheet);
        foreach (var u in units)
        {
            assignments.TryGetValue(u.Id, out var a);
            w.WriteRow([u.Code, u.Name, u.ShortName, u.CreditCode, Code(unitCodes, u.ParentUnitId),
                a is null ? null : Code(categoryCodes, a.CategoryId), Format(a?.Year ?? year), OpenWord(u.Active)]);
        }

        var sections = await db.Sections.AsNoTracking().OrderBy(s => s.Code)
            .Select(s => new { s.Id, s.Code, s.Name, s.UnitId, s.Kind, s.ParentSectionId, s.Address, s.Active }).ToListAsync(ct);
        var sectionCodes = sections.ToDictionary(s => s.Id, s => s.Code);
        Begin(w, SectionsSheet);
        foreach (var s in sections)
            w.WriteRow([s.Code, s.Name, Code(unitCodes, s.UnitId), KindWord(s.Kind), Code(sectionCodes, s.ParentSectionId), s.Address, OpenWord(s.Active)]);
        sections = null;

        var itemCodes = new Dictionary<Guid, string>();
        Begin(w, ServiceItemsSheet);
        await foreach (var i in db.ServiceItems.AsNoTracking().OrderBy(i => i.Code).AsAsyncEnumerable().WithCancellation(ct))
        {
            itemCodes[i.Id] = i.Code;
            w.WriteRow([i.Code, i.Name, Code(unitCodes, i.UnitId), Days(i.StatutoryDays), Days(i.PromisedDays)]);
        }

        // Staff stream from the database in unit and code order; only the current row is held.
        Begin(w, StaffSheet);
        var staff = from s in db.Staff.AsNoTracking()
                    join u in db.Units on s.UnitId equals u.Id
                    orderby u.Code, s.Code
                    select new { UnitCode = u.Code, s.Code, s.Name, s.Employment, s.SectionId, s.Position, s.Phone, s.IdNumber, s.Active };
        await foreach (var s in staff.AsAsyncEnumerable().WithCancellation(ct))
        {
            w.WriteRow([s.UnitCode, s.Code, s.Name, EmploymentWord(s.Employment), Code(sectionCodes, s.SectionId), s.Position,
                full ? s.Phone : NullIfEmpty(PersonalData.MaskPhone(s.Phone)),
                full ? s.IdNumber : NullIfEmpty(PersonalData.MaskIdNumber(s.IdNumber)), InPostWord(s.Active)]);
        }

        Begin(w, SectionItemsSheet);
        var links = from x in db.SectionServiceItems.AsNoTracking()
                    join s in db.Sections on x.SectionId equals s.Id
                    join i in db.ServiceItems on x.ServiceItemId equals i.Id
                    orderby s.Code, i.Code
                    select new { Section = s.Code, Item = i.Code, x.Mandatory };
        await foreach (var x in links.AsAsyncEnumerable().WithCancellation(ct))
            w.WriteRow([x.Section, x.Item, YesNo(x.Mandatory)]);
    }

    private static void Begin(OrgWorkbookWriter w, SheetSpec sheet) =>
        w.BeginSheet(sheet.Zh, sheet.Columns.Select(c => c.Zh).ToList(), Widths[sheet.Kind]);

    private static string? Code(Dictionary<Guid, string> codes, Guid? id) => id is { } x && codes.TryGetValue(x, out var c) ? c : null;

    private static string? Days(int? days) => days is { } d ? Format(d) : null;

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
