using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Identifiers;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Organisation.Import;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Ratings;

/// <summary>
/// SAT-8 for offices without a business system: their finished cases uploaded as a CSV file or an .xlsx workbook
/// (first sheet). Every row is checked first; one bad row refuses the whole file with each row's errors, and nothing
/// is stored (all or nothing). Cases already stored for the same window are left as they are (an upload can be
/// repeated); a case number stored for another window is an error (SAT-8). A unit's liaison imports its own windows' cases:
/// a row naming another unit's window is an error (SEC-2).
/// </summary>
public sealed class ServiceRecordImport(MingchaDb db, SectionDirectory sections, LocalClock clock, TimeProvider time)
{
    public const long MaxBytes = 20 * 1024 * 1024;
    public const int MaxRows = 100_000;

    public sealed record RowError(int Row, string Column, string Message);
    public sealed record Result(int Imported, int Unchanged);

    /// <summary>The columns, by their Chinese and English headers (either may be used).</summary>
    private static readonly (string Key, string Zh, string En, bool Required)[] Columns =
    [
        ("caseNumber", "办件编号", "Case number", true),
        ("sectionCode", "窗口编码", "Window code", true),
        ("staffCode", "工号", "Staff code", false),
        ("serviceItemCode", "事项编码", "Service item code", false),
        ("citizenPhone", "联系电话", "Phone", false),
        ("acceptedAt", "受理时间", "Accepted at", false),
        ("finishedAt", "办结时间", "Finished at", true),
    ];

    /// <summary>The header line of a CSV template.</summary>
    public static string TemplateCsv => string.Join(',', Columns.Select(c => c.Zh)) + "\r\n";

    private sealed class RejectedException(IReadOnlyList<RowError> errors) : Exception("rejected")
    {
        public IReadOnlyList<RowError> Errors { get; } = errors;
    }

    /// <summary>What an import came to: the counts, or every row's errors (and nothing stored).</summary>
    public sealed record Outcome(Result? Stored, IReadOnlyList<RowError> Errors)
    {
        /// <summary>The errors' heading, in both languages.</summary>
        public string Title => $"文件中有 {Errors.Count} 处错误，未导入任何办件。 The file has {Errors.Count} error(s); nothing was imported.";
    }

    /// <summary>The most row errors a report lists (the count says how many there are).</summary>
    public const int MaxErrorsListed = 1000;

    /// <summary>Imports the file; answers 200 with the counts, or 400 with every row's errors and nothing stored.</summary>
    public async Task<IResult> ImportAsync(string fileName, Stream content, ClaimsPrincipal user, CancellationToken ct)
    {
        var outcome = await RunAsync(fileName, content, user, ct);
        if (outcome.Stored is { } stored) return Results.Ok(stored);
        var problem = new ProblemDetails { Status = 400, Title = outcome.Title };
        problem.Extensions["rowErrors"] = outcome.Errors.Take(MaxErrorsListed).ToList();
        return Results.Problem(problem);
    }

    /// <summary>
    /// Imports the file (the API's and the page's): all rows, or none and the reasons. A <paramref name="user"/> who does
    /// not see every unit (a liaison) imports their own unit's windows only.
    /// </summary>
    public async Task<Outcome> RunAsync(string fileName, Stream content, ClaimsPrincipal user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        Guid? boundUnit = user.SeesAllUnits() ? null : user.UnitId() ?? Guid.Empty;
        try
        {
            return new Outcome(await ImportCoreAsync(fileName, content, boundUnit, ct), []);
        }
        catch (RejectedException e)
        {
            return new Outcome(null, e.Errors);
        }
    }

    private async Task<Result> ImportCoreAsync(string fileName, Stream content, Guid? boundUnit, CancellationToken ct)
    {
        var path = Path.Combine(Path.GetTempPath(), "mingcha-records-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var file = File.Create(path))
            {
                var buffer = new byte[81920];
                long total = 0;
                int n;
                while ((n = await content.ReadAsync(buffer, ct)) > 0)
                {
                    total += n;
                    if (total > MaxBytes) throw Reject(0, "file", "文件超过 20 MB。 The file is larger than 20 MB.");
                    await file.WriteAsync(buffer.AsMemory(0, n), ct);
                }
                if (total == 0) throw Reject(0, "file", "文件为空。 The file is empty.");
            }
            var rows = ReadRows(path, fileName);
            return await StoreAsync(rows, boundUnit, ct);
        }
        finally
        {
            try { File.Delete(path); } catch (IOException) { }
        }
    }

    private static RejectedException Reject(int row, string column, string message) => new([new RowError(row, column, message)]);

    private static List<(int Row, string?[] Cells)> ReadRows(string path, string fileName)
    {
        // Dummy sheet description: the readers of the organisation import only pass it through.
        var spec = new SheetSpec(default, "办件", "Cases", [], [], "");
        var isZip = XlsxWorkbook.CheckSignature(path) is null;
        XlsxWorkbook? workbook = null;
        try
        {
            SheetSource source;
            if (isZip)
            {
                workbook = XlsxWorkbook.Open(path);
                if (workbook.SheetNames.Count == 0) throw Reject(0, "file", "工作簿中没有工作表。 The workbook has no sheet.");
                source = workbook.Sheet(spec, workbook.SheetNames[0]);
            }
            else
            {
                source = new CsvSheetSource(spec, fileName, path);
            }
            var rows = new List<(int, string?[])>();
            using var e = source.OpenRows();
            while (e.MoveNext())
            {
                rows.Add((e.Current.Number, e.Current.Cells));
                if (rows.Count > MaxRows + 1) throw Reject(e.Current.Number, "file", $"一次最多导入 {MaxRows} 行。 At most {MaxRows} rows at a time.");
            }
            return rows;
        }
        catch (UnreadableSheetException)
        {
            throw Reject(0, "file", "文件无法读取：请上传 CSV 或 .xlsx 文件。 The file cannot be read: upload a CSV or .xlsx file.");
        }
        catch (Exception e) when (XlsxWorkbook.IsBrokenFile(e) || e is InvalidDataException)
        {
            throw Reject(0, "file", "文件无法读取：请上传 CSV 或 .xlsx 文件。 The file cannot be read: upload a CSV or .xlsx file.");
        }
        finally
        {
            workbook?.Dispose();
        }
    }

    private async Task<Result> StoreAsync(List<(int Row, string?[] Cells)> rows, Guid? boundUnit, CancellationToken ct)
    {
        if (rows.Count == 0) throw Reject(0, "file", "文件为空。 The file is empty.");
        var header = rows[0];
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Cells.Length; i++)
        {
            var h = header.Cells[i]?.Trim().TrimStart('\uFEFF') ?? "";
            var col = Columns.FirstOrDefault(c => h.Equals(c.Zh, StringComparison.Ordinal) || h.Equals(c.En, StringComparison.OrdinalIgnoreCase) || h.Equals(c.Key, StringComparison.OrdinalIgnoreCase));
            if (col.Key is not null) index.TryAdd(col.Key, i);
        }
        var missing = Columns.Where(c => c.Required && !index.ContainsKey(c.Key)).Select(c => new RowError(header.Row, c.Zh, $"缺少“{c.Zh}”列。 The column \"{c.En}\" is missing.")).ToList();
        if (missing.Count > 0) throw new RejectedException(missing);

        var errors = new List<RowError>();
        var now = time.GetUtcNow().UtcDateTime;
        var staff = await db.Staff.AsNoTracking().Select(s => new { s.Id, s.UnitId, s.Code }).ToListAsync(ct);
        var staffByUnit = staff.GroupBy(s => (s.UnitId, s.Code)).ToDictionary(g => g.Key, g => g.First().Id);
        var items = await db.ServiceItems.AsNoTracking().Select(s => new { s.Id, s.Code }).ToListAsync(ct);
        var itemByCode = items.GroupBy(i => i.Code, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First().Id, StringComparer.OrdinalIgnoreCase);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        OfferedItems? offers = null;
        var candidates = new List<(int Row, ServiceRecord Record)>();

        foreach (var (rowNumber, cells) in rows.Skip(1))
        {
            string? Cell(string key) => index.TryGetValue(key, out var i) && i < cells.Length && !string.IsNullOrWhiteSpace(cells[i]) ? cells[i]!.Trim() : null;
            void Error(string key, string message) => errors.Add(new RowError(rowNumber, Columns.First(c => c.Key == key).Zh, message));
            var before = errors.Count;

            var caseNumber = Cell("caseNumber");
            if (caseNumber is null) Error("caseNumber", "请填写办件编号。 The case number is required.");
            else if (caseNumber.Length > 64) Error("caseNumber", "办件编号不超过 64 个字符。 At most 64 characters.");
            else if (caseNumber.Contains('\0', StringComparison.Ordinal)) Error("caseNumber", NulCharacters.Message);
            else if (seen.TryGetValue(caseNumber, out var first)) Error("caseNumber", $"与第 {first} 行的办件编号重复。 The same case number as row {first}.");
            else seen[caseNumber] = rowNumber;

            SectionInfo? section = null;
            if (Cell("sectionCode") is not { } code) Error("sectionCode", "请填写窗口编码。 The window code is required.");
            else if ((section = await sections.FindAsync(null, code, ct)) is null) Error("sectionCode", $"窗口“{code}”不存在。 No window with code \"{code}\".");
            else if (boundUnit is { } own && section.UnitId != own)
            {
                Error("sectionCode", $"窗口“{code}”不属于本单位（SEC-2）。 The window \"{code}\" is not your unit's (SEC-2).");
                section = null;
            }

            Guid? staffId = null;
            if (Cell("staffCode") is { } sc && section is not null)
            {
                if (staffByUnit.TryGetValue((section.UnitId, sc), out var sid)) staffId = sid;
                else Error("staffCode", $"本单位没有工号“{sc}”。 No staff member \"{sc}\" in this unit.");
            }
            Guid? itemId = null;
            if (Cell("serviceItemCode") is { } ic)
            {
                if (itemByCode.TryGetValue(ic, out var iid)) itemId = iid;
                else Error("serviceItemCode", $"事项“{ic}”不存在。 No service item \"{ic}\".");
                if (itemId is { } offered && section is not null && !(offers ??= await OfferedItems.LoadAsync(db, null, ct)).Offers(section.Id, offered))
                    Error("serviceItemCode", $"窗口不办理事项“{ic}”（ORG-6）。 The window does not offer \"{ic}\" (ORG-6).");
            }
            string? phone = null;
            if (Cell("citizenPhone") is { } ph)
            {
                if (PhoneNumber.IsValid(ph, out _)) phone = PhoneNumber.Normalize(ph);
                else Error("citizenPhone", "电话号码格式不正确。 Not a valid phone number.");
            }
            DateTime? accepted = null;
            if (Cell("acceptedAt") is { } a)
            {
                if (ParseLocal(a) is { } at) accepted = at;
                else Error("acceptedAt", "时间格式应为 yyyy-MM-dd HH:mm。 Use yyyy-MM-dd HH:mm.");
            }
            DateTime? finished = null;
            if (Cell("finishedAt") is not { } f) Error("finishedAt", "请填写办结时间。 The finishing time is required.");
            else if (ParseLocal(f) is not { } fin) Error("finishedAt", "时间格式应为 yyyy-MM-dd HH:mm。 Use yyyy-MM-dd HH:mm.");
            else if (fin > now + Domain.Satisfaction.RatingIntake.MaxClockSkew) Error("finishedAt", "办结时间晚于当前时间。 The finishing time is in the future.");
            else finished = fin;
            if (accepted is { } acc && finished is { } fi && acc > fi) Error("acceptedAt", "受理时间晚于办结时间。 Accepted after it was finished.");
            // A window closed (撤销, decision 045) takes the cases finished before its closure, none after (nor, unknown, without a time).
            if (section is { Active: false } && (finished is not { } when || !section.OpenAt(when)))
            {
                Error("sectionCode", $"窗口“{section.Code}”已撤销，不能导入其撤销后办结的办件。 The window \"{section.Code}\" was closed before the case was finished.");
                section = null;
            }

            if (errors.Count == before && caseNumber is not null && section is not null && finished is { } done)
                candidates.Add((rowNumber, new ServiceRecord(caseNumber, section.UnitId, section.Id, staffId, itemId, phone, accepted, done, null, now)));
        }
        if (rows.Count == 1) errors.Add(new RowError(header.Row, "file", "文件中没有办件。 The file has no cases."));

        // Cases already stored: the same window is a repeat (left as it is); another window is SAT-8.
        var numbers = candidates.Select(c => c.Record.CaseNumber).ToList();
        var existing = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var chunk in numbers.Chunk(500))
            foreach (var r in await db.ServiceRecords.AsNoTracking().Where(r => chunk.Contains(r.CaseNumber)).Select(r => new { r.CaseNumber, r.SectionId }).ToListAsync(ct))
                existing[r.CaseNumber] = r.SectionId;
        var fresh = new List<ServiceRecord>();
        var unchanged = 0;
        foreach (var (row, record) in candidates)
        {
            if (!existing.TryGetValue(record.CaseNumber, out var stored)) fresh.Add(record);
            else if (stored == record.SectionId) unchanged++;
            else errors.Add(new RowError(row, "办件编号", "该办件编号已用于其他窗口的办件（SAT-8）。 This case number was stored for another window (SAT-8)."));
        }
        if (errors.Count > 0) throw new RejectedException(errors.OrderBy(e => e.Row).ToList());

        db.ServiceRecords.AddRange(fresh);
        db.Audit(new AuditEvent("service-records.import", nameof(ServiceRecord), null, null,
            JsonSerializer.Serialize(new { imported = fresh.Count, unchanged })));
        await db.SaveChangesAsync(ct); // one transaction with the audit line: all rows or none
        return new Result(fresh.Count, unchanged);
    }

    /// <summary>A local (office time zone) date and time as text, or an Excel serial date; returns UTC.</summary>
    private DateTime? ParseLocal(string text)
    {
        string[] formats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy/M/d H:mm:ss", "yyyy/M/d H:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm"];
        DateTime local;
        if (DateTime.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)) local = parsed;
        else if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var serial) && serial is > 20000 and < 80000) local = DateTime.FromOADate(serial);
        else return null;
        return TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), clock.Zone);
    }
}

/// <summary>
/// ORG-6, SAT-8: the service items each window offers (its own list, or its hall's). A case record naming an item its window
/// does not offer is refused; a window whose list was never set is not judged.
/// </summary>
public sealed class OfferedItems
{
    private readonly Dictionary<Guid, HashSet<Guid>> _bySection;
    private readonly Dictionary<Guid, Guid?> _parent;

    private OfferedItems(Dictionary<Guid, HashSet<Guid>> bySection, Dictionary<Guid, Guid?> parent) { _bySection = bySection; _parent = parent; }

    /// <summary>The lists of these sections and their parents (all sections when null).</summary>
    public static async Task<OfferedItems> LoadAsync(MingchaDb db, IReadOnlyCollection<Guid>? sectionIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var sections = db.Sections.AsNoTracking();
        if (sectionIds is not null) sections = sections.Where(s => sectionIds.Contains(s.Id));
        var parent = await sections.ToDictionaryAsync(s => s.Id, s => s.ParentSectionId, ct);
        var ids = parent.Keys.Concat(parent.Values.OfType<Guid>()).Distinct().ToList();
        var links = await db.SectionServiceItems.AsNoTracking().Where(l => ids.Contains(l.SectionId)).Select(l => new { l.SectionId, l.ServiceItemId }).ToListAsync(ct);
        return new OfferedItems(links.GroupBy(l => l.SectionId).ToDictionary(g => g.Key, g => g.Select(l => l.ServiceItemId).ToHashSet()), parent);
    }

    public bool Offers(Guid sectionId, Guid itemId)
    {
        var own = _bySection.GetValueOrDefault(sectionId);
        var hall = _parent.GetValueOrDefault(sectionId) is { } p ? _bySection.GetValueOrDefault(p) : null;
        if (own is null && hall is null) return true;
        return own?.Contains(itemId) == true || hall?.Contains(itemId) == true;
    }
}
