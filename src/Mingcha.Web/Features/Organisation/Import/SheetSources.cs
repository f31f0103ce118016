using System.Globalization;
using System.IO.Compression;
using System.IO.Packaging;
using System.Text;
using System.Xml;
using CsvHelper;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Mingcha.Web.Features.Organisation.Import;

/// <summary>
/// A row as read from a sheet: the row number the user sees in Excel and the cell texts by column position.
/// <see cref="Imprecise"/> marks (bit per column, first 64) numeric cells of more than 15 digits: Excel
/// stored them as floating point and the last digits are gone (a resident ID number typed without a text format).
/// </summary>
internal readonly record struct SheetRow(int Number, string?[] Cells, ulong Imprecise)
{
    public bool IsImprecise(int column) => column < 64 && (Imprecise & (1UL << column)) != 0;
}

/// <summary>A sheet of the import, from a workbook or a CSV file; yields its header row first, then the data rows.</summary>
internal abstract class SheetSource(SheetSpec spec, string label)
{
    public SheetSpec Spec { get; } = spec;

    /// <summary>How errors name it: the sheet name in a workbook, the file name for a CSV file.</summary>
    public string Label { get; } = label;

    /// <summary>Non-empty rows in order; the first one is the header.</summary>
    public abstract IEnumerable<SheetRow> ReadRows();

    /// <summary>
    /// The rows, with any failure of the file itself (broken XML or ZIP data, an undecodable CSV) raised as
    /// <see cref="UnreadableSheetException"/>, so that the importer reports those and nothing else as a bad file.
    /// </summary>
    public IEnumerator<SheetRow> OpenRows() => new Guarded(this);

    internal static bool IsUnreadable(Exception e) =>
        XlsxWorkbook.IsBrokenFile(e) || e is CsvHelper.CsvFormatException or DecoderFallbackException;

    private sealed class Guarded(SheetSource source) : IEnumerator<SheetRow>
    {
        private IEnumerator<SheetRow>? _inner;

        public SheetRow Current => _inner!.Current;
        object System.Collections.IEnumerator.Current => Current;

        public bool MoveNext()
        {
            try
            {
                _inner ??= source.ReadRows().GetEnumerator();
                return _inner.MoveNext();
            }
            catch (Exception e) when (IsUnreadable(e))
            {
                throw new UnreadableSheetException(source.Label, e);
            }
        }

        public void Reset() => throw new NotSupportedException();

        public void Dispose() => _inner?.Dispose();
    }
}

/// <summary>A sheet or CSV file whose content cannot be read (damaged, or not what its name says).</summary>
internal sealed class UnreadableSheetException(string label, Exception inner)
    : Exception($"The sheet {label} cannot be read.", inner);

/// <summary>
/// The uploaded files of one import, checked and mapped to sheets before anything is parsed: size, real
/// content (an .xlsx must be a ZIP with a workbook in it, whatever its name says), known sheet or file names,
/// each sheet at most once.
/// </summary>
internal sealed class ImportInput : IDisposable
{
    private readonly List<XlsxWorkbook> _workbooks = [];
    public Dictionary<SheetKind, SheetSource> Sheets { get; } = [];

    /// <param name="files">Path on disk and the name the user gave the file.</param>
    /// <param name="errors">Where file-level problems go.</param>
    public static ImportInput Open(IReadOnlyList<(string Path, string Name)> files, ErrorLog errors)
    {
        var input = new ImportInput();
        try
        {
            foreach (var (path, name) in files)
                input.Add(path, name, errors);
        }
        catch
        {
            input.Dispose();
            throw;
        }
        return input;
    }

    private void Add(string path, string name, ErrorLog errors)
    {
        var length = new FileInfo(path).Length;
        if (length > ImportFormat.MaxFileBytes)
        {
            errors.Add(name, null, null, $"文件超过 50 MB（{length / 1024.0 / 1024.0:0.0} MB），未读取。请拆分为多个 CSV 文件或删除无关内容。 File over 50 MB; not read.");
            return;
        }
        var extension = Path.GetExtension(name).ToLowerInvariant();
        switch (extension)
        {
            case ".xlsx":
                AddWorkbook(path, name, errors);
                break;
            case ".csv":
                var spec = ImportFormat.SheetByName(Path.GetFileNameWithoutExtension(name));
                if (spec is null)
                {
                    errors.Add(name, null, null, $"无法识别的文件名“{name}”：CSV 文件应按工作表命名，如 单位.csv 或 units.csv（可用：{string.Join("、", ImportFormat.Sheets.Select(s => s.Zh + ".csv"))}）。 Unknown CSV file name.");
                    return;
                }
                Claim(new CsvSheetSource(spec, name, path), name, errors);
                break;
            case ".xls":
                errors.Add(name, null, null, "不支持旧版 .xls 文件，请在 Excel 或 WPS 中另存为 .xlsx 后上传。 Legacy .xls is not supported; save as .xlsx.");
                break;
            default:
                errors.Add(name, null, null, "只接受 .xlsx 工作簿或 .csv 文件。 Only .xlsx and .csv files are accepted.");
                break;
        }
    }

    private void AddWorkbook(string path, string name, ErrorLog errors)
    {
        var problem = XlsxWorkbook.CheckSignature(path);
        if (problem is not null)
        {
            errors.Add(name, null, null, problem);
            return;
        }
        XlsxWorkbook workbook;
        try
        {
            workbook = XlsxWorkbook.Open(path);
        }
        catch (Exception e) when (XlsxWorkbook.IsBrokenFile(e))
        {
            errors.Add(name, null, null, "文件不是有效的 Excel 工作簿（.xlsx），可能已损坏或只是改了扩展名。 Not a valid .xlsx workbook.");
            return;
        }
        _workbooks.Add(workbook);
        if (workbook.SheetNames.Count == 0)
            errors.Add(name, null, null, "工作簿中没有工作表。 The workbook has no sheets.");
        foreach (var sheetName in workbook.SheetNames)
        {
            if (ImportFormat.IsInstructionsSheet(sheetName)) continue;
            var spec = ImportFormat.SheetByName(sheetName);
            if (spec is null)
            {
                errors.Add(sheetName, null, null, $"无法识别的工作表“{sheetName}”（文件 {name}）。可用的工作表：{string.Join("、", ImportFormat.Sheets.Select(s => s.Zh))}、{ImportFormat.InstructionsSheet}。 Unknown sheet name.");
                continue;
            }
            Claim(workbook.Sheet(spec, sheetName), name, errors);
        }
    }

    private void Claim(SheetSource source, string fileName, ErrorLog errors)
    {
        if (Sheets.TryGetValue(source.Spec.Kind, out var earlier))
        {
            errors.Add(source.Label, null, null, $"“{source.Spec.Zh}”出现了两次（{earlier.Label} 与 {fileName}），每张表只能上传一次。 The same sheet was given twice.");
            return;
        }
        Sheets[source.Spec.Kind] = source;
    }

    public void Dispose()
    {
        foreach (var w in _workbooks) w.Dispose();
        _workbooks.Clear();
    }
}

/// <summary>
/// An .xlsx workbook read with OpenXml's SAX reader: one sheet at a time, row by row, never as a whole DOM,
/// so a 200,000-row sheet costs the current row, not the sheet.
/// </summary>
internal sealed class XlsxWorkbook : IDisposable
{
    /// <summary>Shared strings above this many characters in total are refused (a decompression bomb, not an organisation).</summary>
    private const long MaxSharedStringChars = 64L * 1024 * 1024;

    /// <summary>Excel's last column, XFD.</summary>
    private const int MaxColumns = 16_384;

    private readonly SpreadsheetDocument _document;
    private readonly List<(string Name, string RelationshipId)> _sheets = [];
    private List<string>? _sharedStrings;

    private XlsxWorkbook(SpreadsheetDocument document)
    {
        _document = document;
        var workbookPart = document.WorkbookPart ?? throw new InvalidDataException("No workbook part.");
        foreach (var sheet in workbookPart.Workbook.Sheets?.Elements<Sheet>() ?? [])
            _sheets.Add((sheet.Name?.Value ?? "", sheet.Id?.Value ?? ""));
    }

    public IReadOnlyList<string> SheetNames => _sheets.Select(s => s.Name).ToList();

    public static XlsxWorkbook Open(string path)
    {
        var document = SpreadsheetDocument.Open(path, isEditable: false);
        try
        {
            return new XlsxWorkbook(document);
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    /// <summary>Null when the file starts like a ZIP archive (every .xlsx is one); otherwise what it looks like instead.</summary>
    public static string? CheckSignature(string path)
    {
        Span<byte> head = stackalloc byte[8];
        int read;
        using (var f = File.OpenRead(path))
            read = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (read >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4) return null;
        if (read >= 8 && head[..8].SequenceEqual(new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }))
            return "这是旧版 .xls 文件（或已加密的工作簿），只是扩展名为 .xlsx；请另存为 .xlsx 后上传。 A legacy or encrypted workbook named .xlsx.";
        if (read == 0) return "文件为空。 The file is empty.";
        return "文件内容不是 Excel 工作簿（.xlsx），只是扩展名为 .xlsx；请上传 Excel 或 WPS 保存的 .xlsx 文件。 Not a spreadsheet, only named .xlsx.";
    }

    /// <summary>The exceptions a damaged or foreign ZIP raises while it is opened or read.</summary>
    public static bool IsBrokenFile(Exception e) =>
        e is OpenXmlPackageException or InvalidDataException or FileFormatException or XmlException or InvalidOperationException
            or NotSupportedException or ArgumentException or IOException or KeyNotFoundException;

    public SheetSource Sheet(SheetSpec spec, string name) => new XlsxSheetSource(this, spec, name);

    public void Dispose() => _document.Dispose();

    private IEnumerable<SheetRow> ReadRows(string sheetName)
    {
        var rid = _sheets.First(s => s.Name == sheetName).RelationshipId;
        if (_document.WorkbookPart!.GetPartById(rid) is not WorksheetPart part)
            throw new InvalidDataException($"Sheet {sheetName} is not a worksheet.");
        var strings = SharedStrings();

        using var reader = OpenXmlReader.Create(part);
        var cells = new List<string?>();
        var rowNumber = 0;
        var inRow = false;
        ulong imprecise = 0;
        var column = -1;
        var cellOpen = false;
        string? type = null, value = null;
        StringBuilder? inline = null;
        var inPhonetic = false;

        // A cell is finished at its end tag, or, for a self-closing <c r="B2"/> whose end the reader may not
        // report, when the next cell or row begins.
        void FinishCell()
        {
            if (!cellOpen) return;
            cellOpen = false;
            var (text, lostDigits) = CellText(type, value, inline?.ToString(), strings);
            if (text is null || column < 0) return;
            while (cells.Count <= column) cells.Add(null);
            cells[column] = text;
            if (lostDigits && column < 64) imprecise |= 1UL << column;
        }

        while (reader.Read())
        {
            var t = reader.ElementType;
            if (t == typeof(Row))
            {
                FinishCell();
                if (inRow && RowHasText(cells)) yield return new SheetRow(rowNumber, [.. cells], imprecise);
                inRow = reader.IsStartElement;
                cells.Clear();
                imprecise = 0;
                column = -1;
                if (reader.IsStartElement)
                    rowNumber = Attribute(reader, "r") is { } r && int.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : rowNumber + 1;
            }
            else if (t == typeof(Cell))
            {
                FinishCell();
                if (reader.IsStartElement)
                {
                    column = Attribute(reader, "r") is { } reference ? ColumnIndex(reference) : column + 1;
                    // Excel stops at column XFD; a reference beyond it is a damaged (or hostile) file, not a wide sheet.
                    if (column >= MaxColumns) throw new InvalidDataException("Cell reference beyond column XFD.");
                    type = Attribute(reader, "t");
                    value = null;
                    inline = null;
                    cellOpen = true;
                }
            }
            else if (t == typeof(CellValue) && reader.IsStartElement)
            {
                value = reader.GetText();
            }
            else if (t == typeof(InlineString) && reader.IsStartElement)
            {
                inline = new StringBuilder();
            }
            else if (t == typeof(PhoneticRun))
            {
                // Phonetic guides (furigana) repeat the text in another script; they are not part of the value.
                inPhonetic = reader.IsStartElement;
            }
            else if (t == typeof(Text) && reader.IsStartElement && inline is not null && !inPhonetic)
            {
                inline.Append(reader.GetText());
            }
        }
        FinishCell();
        if (inRow && RowHasText(cells)) yield return new SheetRow(rowNumber, [.. cells], imprecise);
    }

    private static bool RowHasText(List<string?> cells)
    {
        foreach (var c in cells)
            if (!string.IsNullOrWhiteSpace(c)) return true;
        return false;
    }

    private static string? Attribute(OpenXmlReader reader, string localName)
    {
        foreach (var a in reader.Attributes)
            if (a.LocalName == localName) return a.Value;
        return null;
    }

    /// <summary>"AB12" → 27 (zero-based).</summary>
    internal static int ColumnIndex(string reference)
    {
        var index = 0;
        foreach (var ch in reference)
        {
            if (ch is >= 'A' and <= 'Z') index = index * 26 + (ch - 'A' + 1);
            else if (ch is >= 'a' and <= 'z') index = index * 26 + (ch - 'a' + 1);
            else break;
        }
        return index - 1;
    }

    /// <summary>
    /// The text of a cell. Numbers come back as Excel shows them in a general format, never as 1.38E+10 or
    /// 13800138000.0: phone numbers and codes are often typed as numbers.
    /// </summary>
    internal static (string? Text, bool LostDigits) CellText(string? type, string? value, string? inline, IReadOnlyList<string> strings)
    {
        switch (type)
        {
            case "s":
                return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < strings.Count
                    ? (strings[i], false)
                    : throw new InvalidDataException("Shared string index out of range.");
            case "inlineStr":
                return (inline, false);
            case "b":
                return (value == "1" ? "TRUE" : value == "0" ? "FALSE" : value, false);
            case "str" or "e" or "d":
                return (value, false);
            default:
                return NumberText(value);
        }
    }

    internal static (string? Text, bool LostDigits) NumberText(string? value)
    {
        if (string.IsNullOrEmpty(value)) return (value, false);
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || double.IsNaN(d) || double.IsInfinity(d))
            return (value, false);
        if (Math.Abs(d) < 1e27 && d == Math.Floor(d))
        {
            // Whole numbers: all digits, no exponent, no ".0". A double holds 15 significant digits for sure;
            // beyond that Excel already dropped the tail (an 18-digit ID number becomes ...000).
            var digits = new decimal(d).ToString("0", CultureInfo.InvariantCulture);
            var significant = digits.TrimStart('-').Length;
            return (digits, significant > 15);
        }
        return (d.ToString("0.###############", CultureInfo.InvariantCulture), false);
    }

    private List<string> SharedStrings()
    {
        if (_sharedStrings is not null) return _sharedStrings;
        var list = new List<string>();
        var part = _document.WorkbookPart!.SharedStringTablePart;
        if (part is not null)
        {
            using var reader = OpenXmlReader.Create(part);
            StringBuilder? item = null;
            var inPhonetic = false;
            long total = 0;
            while (reader.Read())
            {
                var t = reader.ElementType;
                if (t == typeof(SharedStringItem))
                {
                    if (reader.IsStartElement) item = new StringBuilder();
                    else if (reader.IsEndElement && item is not null)
                    {
                        total += item.Length;
                        if (total > MaxSharedStringChars) throw new InvalidDataException("Shared strings too large.");
                        list.Add(item.ToString());
                        item = null;
                    }
                }
                else if (t == typeof(PhoneticRun)) inPhonetic = reader.IsStartElement;
                else if (t == typeof(Text) && reader.IsStartElement && item is not null && !inPhonetic) item.Append(reader.GetText());
            }
        }
        _sharedStrings = list;
        return list;
    }

    private sealed class XlsxSheetSource(XlsxWorkbook workbook, SheetSpec spec, string name) : SheetSource(spec, name)
    {
        public override IEnumerable<SheetRow> ReadRows() => workbook.ReadRows(Label);
    }
}

/// <summary>
/// A CSV file for one sheet. Encoding: a byte-order mark wins; otherwise UTF-8 if every byte sequence is valid
/// UTF-8, else GB18030 (what Chinese Excel and WPS save as "CSV"). Separator: comma, or whatever CsvHelper
/// detects (semicolon, tab, bar).
/// </summary>
internal sealed class CsvSheetSource(SheetSpec spec, string name, string path) : SheetSource(spec, name)
{
    static CsvSheetSource()
    {
        // GB18030 and GBK are not built into .NET; the code-pages provider ships with the shared framework.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    public override IEnumerable<SheetRow> ReadRows()
    {
        var encoding = DetectEncoding(path);
        var options = new CsvReaderOptions
        {
            HasHeader = false, // the header is mapped by the importer, with its aliases and required columns
            // Non-UTF-8 input is transcoded by the reader; null lets it honour a byte-order mark and assume UTF-8.
            Encoding = encoding is UTF8Encoding ? null : encoding,
            // Empty lines are rows in Excel too: keeping them keeps record numbers equal to Excel's row numbers.
            SkipEmptyLines = false,
            TrimWhitespace = true,
            // An unclosed quote must not make one record of a 50 MB file.
            MaxRecordSize = 1024 * 1024,
        };
        using var reader = CsvReader.Create(File.OpenRead(path), options, leaveOpen: false);
        while (reader.Read())
        {
            var cells = new string?[reader.FieldCount];
            var any = false;
            for (var i = 0; i < cells.Length; i++)
            {
                cells[i] = reader.GetString(i);
                any |= !string.IsNullOrWhiteSpace(cells[i]);
            }
            // Without a header option the reader counts the header line as record 1, as Excel numbers its rows.
            if (any) yield return new SheetRow((int)reader.RowNumber, cells, 0);
        }
    }

    internal static Encoding DetectEncoding(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> bom = stackalloc byte[3];
        var n = stream.ReadAtLeast(bom, 3, throwOnEndOfStream: false);
        if (n >= 3 && bom[0] == 0xEF && bom[1] == 0xBB && bom[2] == 0xBF) return new UTF8Encoding(false);
        if (n >= 2 && ((bom[0] == 0xFF && bom[1] == 0xFE) || (bom[0] == 0xFE && bom[1] == 0xFF))) return Encoding.Unicode; // StreamReader follows the BOM
        stream.Position = 0;
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true).GetDecoder();
        var bytes = new byte[64 * 1024];
        var chars = new char[bytes.Length + 4];
        try
        {
            int read;
            while ((read = stream.Read(bytes, 0, bytes.Length)) > 0)
                strict.GetChars(bytes, 0, read, chars, 0, flush: false);
            strict.GetChars([], 0, 0, chars, 0, flush: true);
            return new UTF8Encoding(false);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.GetEncoding("GB18030");
        }
    }
}
