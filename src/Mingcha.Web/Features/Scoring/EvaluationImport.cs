using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Scoring;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Organisation.Import;
using Mingcha.Web.Features.Rectification;

namespace Mingcha.Web.Features.Scoring;

/// <summary>
/// EV-2: evaluations from an XLSX or CSV file (docs/scoring.md, "导入格式"): one row one evaluation; every row checked;
/// all or nothing, with a report naming row, column and rule. Reads with the organisation import's readers
/// (encoding detection, Excel row numbers).
/// </summary>
public sealed class EvaluationImport(MingchaDb db, TimeProvider time)
{
    public const long MaxBytes = 20 * 1024 * 1024;
    public const int MaxRows = 200_000;

    public sealed record RowError(int Row, string Column, string Rule, string Message);
    public sealed record ImportReport(bool Stored, int Rows, int Errors, IReadOnlyList<RowError> Problems, Guid? BatchId);

    private static readonly ColumnSpec Section = new("科室代码", "section_code", true, 64, "测评对象（科室）的代码");
    private static readonly ColumnSpec Method = new("测评方式", "method", true, 16, "即时 / 综合 / 明察暗访 / 集中");
    private static readonly ColumnSpec GradeCol = new("等次", "grade", true, 8, "优 / 良 / 一般 / 较差 / 差");
    private static readonly ColumnSpec Day = new("日期", "date", true, 10, "yyyy-MM-dd，在测评期间内");
    private static readonly ColumnSpec Note = new("备注", "note", false, 500, "");
    internal static readonly SheetSpec Spec = new(SheetKind.Categories, "测评", "evaluations", [Section, Method, GradeCol, Day, Note],
        ["【示例】S001", "即时", "优", "2026-03-01", ""], "测评记录");

    public static readonly IReadOnlyDictionary<string, EvaluationMethod> MethodWords = new Dictionary<string, EvaluationMethod>(StringComparer.OrdinalIgnoreCase)
    {
        ["即时"] = EvaluationMethod.Instant, ["即时测评"] = EvaluationMethod.Instant, ["instant"] = EvaluationMethod.Instant,
        ["综合"] = EvaluationMethod.Monthly, ["综合测评"] = EvaluationMethod.Monthly, ["monthly"] = EvaluationMethod.Monthly,
        ["明察暗访"] = EvaluationMethod.Inspection, ["inspection"] = EvaluationMethod.Inspection,
        ["集中"] = EvaluationMethod.Concentrated, ["集中测评"] = EvaluationMethod.Concentrated, ["concentrated"] = EvaluationMethod.Concentrated,
    };

    public static readonly IReadOnlyDictionary<string, Grade> GradeWords = new Dictionary<string, Grade>(StringComparer.OrdinalIgnoreCase)
    {
        ["优"] = Grade.Excellent, ["excellent"] = Grade.Excellent, ["良"] = Grade.Good, ["good"] = Grade.Good, ["一般"] = Grade.Fair, ["fair"] = Grade.Fair,
        ["较差"] = Grade.Poor, ["poor"] = Grade.Poor, ["差"] = Grade.Bad, ["bad"] = Grade.Bad,
    };

    public async Task<ImportReport> ImportAsync(Guid campaignId, IFormFile? file, ClaimsPrincipal by, CancellationToken ct)
    {
        RectificationViewer.Of(by).RequireOffice("EV-2", "导入测评记录");
        if (file is null || file.Length == 0) throw new FieldException("file", "请选择 XLSX 或 CSV 文件。 Choose an XLSX or CSV file.");
        if (file.Length > MaxBytes) throw new FieldException("file", "文件不应超过 20 MB。 The file is at most 20 MB.");
        var ext = Path.GetExtension(file.FileName ?? "").ToLowerInvariant();
        if (ext is not (".xlsx" or ".csv")) throw new FieldException("file", "只接受 .xlsx 或 .csv 文件。 Only .xlsx or .csv files.");
        var c = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(x => x.Id == campaignId, ct) ?? throw new NotFoundException("测评活动不存在。 No such campaign.");
        c.RequireTakingEvaluations();

        var path = Path.Combine(Path.GetTempPath(), "mingcha-eval-" + Guid.NewGuid().ToString("N") + ext);
        try
        {
            await using (var f = File.Create(path)) await file.CopyToAsync(f, ct);
            return await ImportFileAsync(c, path, ext, by, ct);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private async Task<ImportReport> ImportFileAsync(EvaluationCampaign c, string path, string ext, ClaimsPrincipal by, CancellationToken ct)
    {
        var errors = new List<RowError>();
        var rows = new List<(Guid Section, EvaluationMethod Method, Grade Grade, DateOnly On, string? Note)>();
        var sections = await (from cs in db.CampaignSections.AsNoTracking().Where(x => x.CampaignId == c.Id)
                              join s in db.Sections on cs.SectionId equals s.Id
                              select new { s.Code, s.Id }).ToDictionaryAsync(x => x.Code, x => x.Id, StringComparer.OrdinalIgnoreCase, ct);
        var allCodes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        XlsxWorkbook? book = null;
        try
        {
            SheetSource source;
            if (ext == ".xlsx")
            {
                if (XlsxWorkbook.CheckSignature(path) is { } wrong) throw new FieldException("file", wrong);
                book = XlsxWorkbook.Open(path);
                var name = book.SheetNames.FirstOrDefault(n => n != "说明") ?? throw new FieldException("file", "工作簿没有工作表。 The workbook has no sheet.");
                source = book.Sheet(Spec, name);
            }
            else source = new CsvSheetSource(Spec, "evaluations", path);

            int[]? map = null;
            var n = 0;
            using var it = source.OpenRows();
            while (it.MoveNext())
            {
                var row = it.Current;
                var cells = row.Cells;
                if (cells.All(string.IsNullOrWhiteSpace)) continue;
                if (map is null)
                {
                    map = Header(cells, errors);
                    if (map is null) break;
                    continue;
                }
                string? Cell(ColumnSpec col) { var i = map[Spec.IndexOf(col)]; return i >= 0 && i < cells.Length ? cells[i]?.Trim() : null; }
                var first = cells.FirstOrDefault(x => !string.IsNullOrWhiteSpace(x));
                if (first is not null && first.StartsWith("【示例】", StringComparison.Ordinal)) continue;
                if (++n > MaxRows) { errors.Add(new(row.Number, "", "EV-2", $"最多 {MaxRows} 行。 At most {MaxRows} rows.")); break; }
                var before = errors.Count;
                var code = Cell(Section) ?? "";
                if (!sections.TryGetValue(code, out var sectionId))
                {
                    if (allCodes.Count == 0) foreach (var x in await db.Sections.AsNoTracking().Select(s => s.Code).ToListAsync(ct)) allCodes.Add(x);
                    errors.Add(new(row.Number, Section.Zh, "EV-1", allCodes.Contains(code)
                        ? $"科室 {code} 不是本次测评活动的测评对象。 Section {code} is not evaluated by this campaign."
                        : $"科室代码 {code} 不存在。 No section has the code {code}."));
                }
                if (!MethodWords.TryGetValue(Cell(Method) ?? "", out var method))
                    errors.Add(new(row.Number, Method.Zh, "EV-2", "测评方式须为即时、综合、明察暗访或集中。 The method is instant, monthly, inspection or concentrated."));
                else if (method == EvaluationMethod.Inspection)
                    errors.Add(new(row.Number, Method.Zh, "EV-2", "明察暗访测评由检查记录生成，不能导入。 Inspection evaluations come from the visits, not from a file."));
                if (!GradeWords.TryGetValue(Cell(GradeCol) ?? "", out var grade))
                    errors.Add(new(row.Number, GradeCol.Zh, "EV-3", "等次须为优、良、一般、较差、差之一。 The grade is one of 优 良 一般 较差 差."));
                var dayText = Cell(Day) ?? "";
                DateOnly on = default;
                if (!DateOnly.TryParseExact(dayText, ["yyyy-MM-dd", "yyyy/M/d", "yyyy-M-d"], CultureInfo.InvariantCulture, DateTimeStyles.None, out on)
                    && !(double.TryParse(dayText, NumberStyles.Float, CultureInfo.InvariantCulture, out var serial) && serial is > 20000 and < 80000
                         && (on = DateOnly.FromDateTime(DateTime.FromOADate(serial))) != default))
                    errors.Add(new(row.Number, Day.Zh, "EV-2", "日期格式应为 yyyy-MM-dd。 Expected yyyy-MM-dd."));
                else if (on < c.PeriodFrom || on > c.PeriodTo)
                    errors.Add(new(row.Number, Day.Zh, "EV-1", $"日期不在测评期间（{c.PeriodFrom:yyyy-MM-dd} 至 {c.PeriodTo:yyyy-MM-dd}）内。 The day is outside the campaign's period."));
                var note = Cell(Note);
                if (note is { Length: > 500 }) errors.Add(new(row.Number, Note.Zh, "EV-2", "备注最多 500 字。 The note is at most 500 characters."));
                if (errors.Count == before) rows.Add((sectionId, method, grade, on, string.IsNullOrEmpty(note) ? null : note));
            }
            if (map is null && errors.Count == 0) errors.Add(new(1, "", "EV-2", "文件没有表头。 The file has no header row."));
        }
        catch (UnreadableSheetException e)
        {
            throw new FieldException("file", "文件无法读取：" + e.Message + " The file could not be read.");
        }
        catch (Exception e) when (XlsxWorkbook.IsBrokenFile(e))
        {
            throw new FieldException("file", "文件已损坏或不是 Excel 工作簿。 The file is damaged or not a workbook.");
        }
        finally
        {
            book?.Dispose();
        }
        if (errors.Count > 0) return new ImportReport(false, rows.Count + errors.Select(e => e.Row).Distinct().Count(), errors.Count, errors.Take(1000).ToList(), null);
        if (rows.Count == 0) throw new FieldException("file", "文件中没有测评记录。 The file holds no evaluation.");

        var batch = Guid.CreateVersion7();
        var now = time.GetUtcNow().UtcDateTime;
        var user = by.UserId() ?? "";
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Reading the file took time: the campaign may have closed meanwhile (EV-1).
        await Evaluations.ClaimOpenAsync(db, c.Id, ct);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        foreach (var chunk in rows.Chunk(5000))
        {
            foreach (var r in chunk) db.Evaluations.Add(new Evaluation(c.Id, r.Section, r.Method, r.Grade, EvaluationSource.Import, r.On, user, now, batchId: batch, note: r.Note));
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        db.Audit(new AuditEvent("evaluation.import", nameof(EvaluationCampaign), c.Id.ToString(), null, $"batch {batch} rows {rows.Count}"));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new ImportReport(true, rows.Count, 0, [], batch);
    }

    private static int[]? Header(string?[] cells, List<RowError> errors)
    {
        var map = new int[Spec.Columns.Count];
        for (var k = 0; k < map.Length; k++)
        {
            var col = Spec.Columns[k];
            map[k] = Array.FindIndex(cells, h => h is not null && (string.Equals(h.Trim().TrimEnd('*'), col.Zh, StringComparison.Ordinal)
                || string.Equals(h.Trim().TrimEnd('*'), col.En, StringComparison.OrdinalIgnoreCase)));
            if (map[k] < 0 && col.Required) errors.Add(new(1, col.Zh, "EV-2", $"缺少列“{col.Zh}”（{col.En}）。 The column {col.En} is missing."));
        }
        return errors.Count > 0 ? null : map;
    }

    /// <summary>The template: the header and an example row, as CSV (UTF-8 with BOM, so that Excel opens it right).</summary>
    public static byte[] TemplateCsv() =>
        [.. System.Text.Encoding.UTF8.GetPreamble(), .. System.Text.Encoding.UTF8.GetBytes(string.Join(",", Spec.Columns.Select(c => c.Zh)) + "\r\n" + string.Join(",", Spec.Example) + "\r\n")];
}
