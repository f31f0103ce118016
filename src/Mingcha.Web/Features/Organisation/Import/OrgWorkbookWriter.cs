using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Mingcha.Web.Features.Organisation.Import;

/// <summary>
/// Writes an .xlsx workbook row by row straight into a ZIP archive in create mode, so a 200,000-row export never
/// exists in memory as a document. (The SDK's package API buffers every part in memory when the package is created
/// read-write.) The small parts (workbook, styles) are the Open XML SDK's elements; a sheet's rows are written with
/// <see cref="XmlWriter"/> as the same SpreadsheetML elements: the SDK's <c>OpenXmlWriter</c> made an element object and
/// its attribute objects for every cell, and took about twice as long for a month's 94,000 cases. Every column is
/// formatted as text, so a phone or ID number typed into the template stays text. Cells are inline strings: no
/// shared-string table to hold.
/// </summary>
internal sealed class OrgWorkbookWriter : IDisposable
{
    private const uint TextStyle = 1;
    private const uint HeaderStyle = 2;
    private const uint NoteStyle = 3;
    private const uint IntegerStyle = 4;
    private const uint PercentStyle = 5;
    private const uint FractionStyle = 6;

    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    /// <summary>The style indexes as attribute values, made once.</summary>
    private static readonly string[] StyleValue = ["0", "1", "2", "3", "4", "5", "6"];

    private readonly ZipArchive _zip;
    private readonly IReadOnlyList<string> _sheetNames;
    private int _nextSheet;
    private Stream? _sheetStream;
    private XmlWriter? _sheet;
    private int _row;
    private readonly List<string> _columnNames = [];

    /// <param name="output">Where the workbook goes; left open.</param>
    /// <param name="sheetNames">All sheets, in the order they will be written.</param>
    public OrgWorkbookWriter(Stream output, IReadOnlyList<string> sheetNames)
    {
        _zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true, Encoding.UTF8);
        _sheetNames = sheetNames;
        WritePackageParts();
    }

    /// <summary>Starts the next sheet with its header row (bold) frozen at the top.</summary>
    public void BeginSheet(string name, IReadOnlyList<string> header, IReadOnlyList<double> widths)
    {
        EndSheet();
        if (_nextSheet >= _sheetNames.Count || _sheetNames[_nextSheet] != name)
            throw new InvalidOperationException($"Sheet {name} was not announced in this position.");
        _nextSheet++;
        _sheetStream = Entry($"xl/worksheets/sheet{_nextSheet}.xml", CompressionLevel.Fastest).Open();
        var w = _sheet = XmlWriter.Create(_sheetStream, new XmlWriterSettings { Encoding = new UTF8Encoding(false) });
        w.WriteStartDocument(true);
        w.WriteStartElement("worksheet", Main);
        // The header row frozen at the top.
        w.WriteStartElement("sheetViews", Main);
        w.WriteStartElement("sheetView", Main);
        w.WriteAttributeString("workbookViewId", "0");
        w.WriteStartElement("pane", Main);
        w.WriteAttributeString("ySplit", "1");
        w.WriteAttributeString("topLeftCell", "A2");
        w.WriteAttributeString("activePane", "bottomLeft");
        w.WriteAttributeString("state", "frozen");
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteStartElement("cols", Main);
        for (var i = 0; i < header.Count; i++)
        {
            var n = (i + 1).ToString(CultureInfo.InvariantCulture);
            w.WriteStartElement("col", Main);
            w.WriteAttributeString("min", n);
            w.WriteAttributeString("max", n);
            w.WriteAttributeString("width", (i < widths.Count ? widths[i] : 16).ToString(CultureInfo.InvariantCulture));
            w.WriteAttributeString("style", StyleValue[TextStyle]);
            w.WriteAttributeString("customWidth", "1");
            w.WriteEndElement();
        }
        w.WriteEndElement();
        w.WriteStartElement("sheetData", Main);
        _row = 0;
        _columnNames.Clear();
        for (var i = 0; i < header.Count; i++) _columnNames.Add(ColumnName(i));
        WriteRow(header, HeaderStyle);
    }

    public void WriteRow(IReadOnlyList<string?> values) => WriteRow(values, TextStyle);

    /// <summary>A row in a muted style (the template's example row, the instructions' notes).</summary>
    public void WriteNote(IReadOnlyList<string?> values) => WriteRow(values, NoteStyle);

    /// <summary>
    /// A row of typed cells, so that Excel can sum and sort them: text as text, an <see cref="int"/> as a whole number,
    /// a <see cref="Percent"/> as a percentage (0.00%), a <see cref="decimal"/> with four decimals; null leaves the cell empty.
    /// </summary>
    public void WriteValues(IReadOnlyList<object?> values)
    {
        var (w, rowRef) = StartRow();
        for (var i = 0; i < values.Count; i++)
        {
            while (_columnNames.Count <= i) _columnNames.Add(ColumnName(_columnNames.Count));
            var (number, style) = values[i] switch
            {
                int n => (n.ToString(CultureInfo.InvariantCulture), IntegerStyle),
                Percent p => (p.Fraction.ToString(CultureInfo.InvariantCulture), PercentStyle),
                decimal d => (d.ToString(CultureInfo.InvariantCulture), FractionStyle),
                _ => ((string?)null, TextStyle),
            };
            if (number is null)
            {
                if (values[i] is string { Length: > 0 } text) WriteTextCell(w, _columnNames[i] + rowRef, text, TextStyle);
                continue;
            }
            w.WriteStartElement("c", Main);
            w.WriteAttributeString("r", _columnNames[i] + rowRef);
            w.WriteAttributeString("s", StyleValue[style]);
            w.WriteElementString("v", Main, number);
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    /// <summary>A fraction shown as a percentage by <see cref="WriteValues"/> (0.9625 shows 96.25%).</summary>
    public readonly record struct Percent(decimal Fraction);

    /// <summary>Opens the next row element; returns the writer and the row's number as text.</summary>
    private (XmlWriter Writer, string RowRef) StartRow()
    {
        var w = _sheet ?? throw new InvalidOperationException("No sheet started.");
        _row++;
        var rowRef = _row.ToString(CultureInfo.InvariantCulture);
        w.WriteStartElement("row", Main);
        w.WriteAttributeString("r", rowRef);
        return (w, rowRef);
    }

    private void WriteRow(IReadOnlyList<string?> values, uint style)
    {
        var (w, rowRef) = StartRow();
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is not { Length: > 0 } value) continue;
            while (_columnNames.Count <= i) _columnNames.Add(ColumnName(_columnNames.Count));
            WriteTextCell(w, _columnNames[i] + rowRef, value, style);
        }
        w.WriteEndElement();
    }

    private static void WriteTextCell(XmlWriter w, string reference, string value, uint style)
    {
        w.WriteStartElement("c", Main);
        w.WriteAttributeString("r", reference);
        w.WriteAttributeString("s", StyleValue[style]);
        w.WriteAttributeString("t", "inlineStr");
        w.WriteStartElement("is", Main);
        w.WriteStartElement("t", Main);
        w.WriteAttributeString("xml", "space", null, "preserve");
        w.WriteString(XmlSafe(value));
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private void EndSheet()
    {
        if (_sheet is null) return;
        _sheet.WriteEndElement(); // sheetData
        _sheet.WriteEndElement(); // worksheet
        _sheet.WriteEndDocument();
        _sheet.Dispose();
        _sheetStream!.Dispose();
        _sheet = null;
        _sheetStream = null;
    }

    /// <summary>An entry with a fixed time: the same rows give the same bytes (a page polled twice must not differ by a timestamp).</summary>
    private ZipArchiveEntry Entry(string name, CompressionLevel level = CompressionLevel.Optimal)
    {
        var e = _zip.CreateEntry(name, level);
        e.LastWriteTime = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return e;
    }

    public void Dispose()
    {
        EndSheet();
        _zip.Dispose();
    }

    /// <summary>Content types, relationships, workbook and styles: small parts, written before the sheets.</summary>
    private void WritePackageParts()
    {
        var types = new StringBuilder("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>""");
        var rels = new StringBuilder("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">""");
        var sheets = new Sheets();
        for (var i = 1; i <= _sheetNames.Count; i++)
        {
            types.Append(CultureInfo.InvariantCulture, $"""<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>""");
            rels.Append(CultureInfo.InvariantCulture, $"""<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>""");
            sheets.Append(new Sheet { Name = _sheetNames[i - 1], SheetId = (uint)i, Id = $"rId{i}" });
        }
        types.Append("</Types>");
        rels.Append(CultureInfo.InvariantCulture, $"""<Relationship Id="rId{_sheetNames.Count + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>""");

        WriteText("[Content_Types].xml", types.ToString());
        WriteText("_rels/.rels", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>""");
        WriteText("xl/_rels/workbook.xml.rels", rels.ToString());
        using (var s = Entry("xl/workbook.xml").Open())
            new Workbook(sheets).Save(s);
        using (var s = Entry("xl/styles.xml").Open())
            Styles().Save(s);
    }

    private void WriteText(string entry, string content)
    {
        using var s = Entry(entry).Open();
        var bytes = new UTF8Encoding(false).GetBytes(content);
        s.Write(bytes);
    }

    /// <summary>
    /// 0 default; 1 text (number format 49, "@"); 2 bold text for headers; 3 grey italic text for notes and examples;
    /// 4 a whole number ("0"); 5 a percentage ("0.00%"); 6 four decimals ("0.0000", number format 164).
    /// Child order inside a font follows the schema (b, i, sz, color, name): Excel repairs a file that does not.
    /// </summary>
    private static Stylesheet Styles() => new(
        new NumberingFormats(new NumberingFormat { NumberFormatId = 164, FormatCode = "0.0000" }) { Count = 1 },
        new Fonts(
            new Font(new FontSize { Val = 11 }, new FontName { Val = "等线" }),
            new Font(new Bold(), new FontSize { Val = 11 }, new FontName { Val = "等线" }),
            new Font(new Italic(), new FontSize { Val = 11 }, new Color { Rgb = "FF808080" }, new FontName { Val = "等线" })) { Count = 3 },
        new Fills(
            new Fill(new PatternFill { PatternType = PatternValues.None }),
            new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
        new Borders(new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(), new DiagonalBorder())) { Count = 1 },
        new CellStyleFormats(new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0 }) { Count = 1 },
        new CellFormats(
            new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0 },
            new CellFormat { NumberFormatId = 49, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 49, FontId = 1, FillId = 0, BorderId = 0, FormatId = 0, ApplyNumberFormat = true, ApplyFont = true },
            new CellFormat { NumberFormatId = 49, FontId = 2, FillId = 0, BorderId = 0, FormatId = 0, ApplyNumberFormat = true, ApplyFont = true },
            new CellFormat { NumberFormatId = 1, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 10, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 164, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0, ApplyNumberFormat = true }) { Count = 7 });

    /// <summary>0 → A, 25 → Z, 26 → AA.</summary>
    internal static string ColumnName(int index)
    {
        var name = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
            name = (char)('A' + (n - 1) % 26) + name;
        return name;
    }

    /// <summary>XML 1.0 cannot carry most control characters; a stray one from pasted text would break the file.</summary>
    private static string XmlSafe(string value)
    {
        foreach (var c in value)
        {
            if (c < 0x20 && c is not ('\t' or '\n' or '\r'))
                return new string(value.Where(ch => ch >= 0x20 || ch is '\t' or '\n' or '\r').ToArray());
        }
        return value;
    }
}
