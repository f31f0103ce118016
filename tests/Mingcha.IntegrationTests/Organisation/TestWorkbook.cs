using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Mingcha.IntegrationTests.Organisation;

/// <summary>
/// Builds small .xlsx workbooks in code for the import tests (no binaries in the repository). Strings become
/// shared strings, as Excel writes them, or inline strings; numbers (long, int, double) become numeric cells,
/// as Excel stores a phone number typed without a text format.
/// </summary>
internal static class TestWorkbook
{
    public sealed record Sheet(string Name, params object?[][] Rows);

    public static byte[] Build(params Sheet[] sheets) => Build(sharedStrings: true, sheets);

    public static byte[] Build(bool sharedStrings, params Sheet[] sheets)
    {
        using var buffer = new MemoryStream();
        using (var doc = SpreadsheetDocument.Create(buffer, SpreadsheetDocumentType.Workbook))
        {
            var wb = doc.AddWorkbookPart();
            wb.Workbook = new Workbook(new Sheets());
            var table = sharedStrings ? wb.AddNewPart<SharedStringTablePart>() : null;
            var strings = new List<string>();
            uint id = 1;
            foreach (var sheet in sheets)
            {
                var part = wb.AddNewPart<WorksheetPart>();
                var data = new SheetData();
                for (var r = 0; r < sheet.Rows.Length; r++)
                {
                    var row = new Row { RowIndex = (uint)r + 1 };
                    for (var c = 0; c < sheet.Rows[r].Length; c++)
                    {
                        var reference = ColumnName(c) + (r + 1).ToString(CultureInfo.InvariantCulture);
                        switch (sheet.Rows[r][c])
                        {
                            case null:
                                break;
                            case string s when table is not null:
                                var index = strings.IndexOf(s);
                                if (index < 0) { index = strings.Count; strings.Add(s); }
                                row.Append(new Cell { CellReference = reference, DataType = CellValues.SharedString, CellValue = new CellValue(index.ToString(CultureInfo.InvariantCulture)) });
                                break;
                            case string s:
                                row.Append(new Cell(new InlineString(new Text(s))) { CellReference = reference, DataType = CellValues.InlineString });
                                break;
                            case IFormattable n:
                                row.Append(new Cell { CellReference = reference, CellValue = new CellValue(n.ToString(null, CultureInfo.InvariantCulture)) });
                                break;
                            default:
                                throw new ArgumentException("Cells are strings or numbers.");
                        }
                    }
                    data.Append(row);
                }
                part.Worksheet = new Worksheet(data);
                wb.Workbook.Sheets!.Append(new DocumentFormat.OpenXml.Spreadsheet.Sheet { Name = sheet.Name, SheetId = id++, Id = wb.GetIdOfPart(part) });
            }
            if (table is not null)
                table.SharedStringTable = new SharedStringTable(strings.Select(s => new SharedStringItem(new Text(s))));
        }
        return buffer.ToArray();
    }

    /// <summary>Reads every sheet of a workbook into rows of cell texts (for checking exports and the template).</summary>
    public static Dictionary<string, List<string?[]>> Read(byte[] xlsx)
    {
        using var stream = new MemoryStream(xlsx);
        using var doc = SpreadsheetDocument.Open(stream, false);
        var wb = doc.WorkbookPart!;
        var shared = wb.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(i => i.InnerText).ToList() ?? [];
        var result = new Dictionary<string, List<string?[]>>();
        foreach (var sheet in wb.Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>())
        {
            var part = (WorksheetPart)wb.GetPartById(sheet.Id!);
            var rows = new List<string?[]>();
            foreach (var row in part.Worksheet.Descendants<Row>())
            {
                var cells = new List<string?>();
                foreach (var cell in row.Elements<Cell>())
                {
                    var col = ColumnIndex(cell.CellReference!.Value!);
                    while (cells.Count <= col) cells.Add(null);
                    cells[col] = cell.DataType?.Value == CellValues.SharedString ? shared[int.Parse(cell.CellValue!.Text, CultureInfo.InvariantCulture)]
                        : cell.DataType?.Value == CellValues.InlineString ? cell.InlineString!.InnerText
                        : cell.CellValue?.Text;
                }
                rows.Add([.. cells]);
            }
            result[sheet.Name!.Value!] = rows;
        }
        return result;
    }

    private static string ColumnName(int index) => index < 26 ? ((char)('A' + index)).ToString() : ColumnName(index / 26 - 1) + (char)('A' + index % 26);

    private static int ColumnIndex(string reference)
    {
        var i = 0;
        foreach (var ch in reference.TakeWhile(char.IsAsciiLetter)) i = i * 26 + (char.ToUpperInvariant(ch) - 'A' + 1);
        return i - 1;
    }
}
