using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Identifiers;

// Writes an organisation workbook in the import format (docs/import-format.md) the way Excel writes one:
// shared strings for text, numeric cells for phone numbers, cell references on every cell.
//
//   dotnet run -c Release --project bench/org-import -- OUT.xlsx [units] [sections-per-unit] [staff-per-unit]
//
// Defaults: 5,000 units, 10 sections each (50,000), 40 staff each (200,000). Deterministic (fixed seed).
//
//   dotnet run -c Release --project bench/org-import -- export DATABASE.db OUT.xlsx
//
// Exports the organisation in a SQLite database (filled by import-org) the way GET /api/v1/org/export does.
if (args.Length == 3 && args[0] == "export")
{
    var sw = System.Diagnostics.Stopwatch.StartNew();
    var options = new Microsoft.EntityFrameworkCore.DbContextOptionsBuilder<Mingcha.Web.Data.MingchaDb>()
        .UseSqlite($"Data Source={args[1]}").Options;
    await using var db = new Mingcha.Web.Data.MingchaDb(options, TimeProvider.System, new Mingcha.Web.Features.Audit.SystemActor("bench"));
    await using (var file = File.Create(args[2]))
        await new Mingcha.Web.Features.Organisation.Import.ExportOrganisation(db).WriteAsync(file, DateTime.UtcNow.Year, full: false, CancellationToken.None);
    Console.WriteLine($"{args[2]}: {new FileInfo(args[2]).Length / 1024.0 / 1024.0:0.0} MB in {sw.Elapsed.TotalSeconds:0.0} s");
    return;
}
var output = args.Length > 0 ? args[0] : "org-5000.xlsx";
var units = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5_000;
var sectionsPerUnit = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10;
var staffPerUnit = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 40;

var random = new Random(20261122);
string[] surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"];
string[] given = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "晓东", "海燕", "建华", "志强", "丽娟"];
string[] employment = ["在编", "在编", "在编", "借调", "合同"];
string[] regions = ["110101", "310104", "440305", "320102", "330106", "510107", "420106", "610113"];

var strings = new Dictionary<string, int>(StringComparer.Ordinal);
var stringList = new List<string>();
int S(string s)
{
    if (!strings.TryGetValue(s, out var i)) { i = stringList.Count; strings[s] = i; stringList.Add(s); }
    return i;
}

string[] sheetNames = ["类别", "单位", "科室", "服务事项", "工作人员", "网点事项"];
using (var file = File.Create(output))
using (var zip = new ZipArchive(file, ZipArchiveMode.Create))
{
    var sheetIndex = 0;
    void Sheet(string[] header, IEnumerable<object?[]> rows)
    {
        sheetIndex++;
        using var stream = zip.CreateEntry($"xl/worksheets/sheet{sheetIndex}.xml", CompressionLevel.Optimal).Open();
        using var w = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false) });
        w.WriteStartDocument(true);
        w.WriteStartElement("worksheet", "http://schemas.openxmlformats.org/spreadsheetml/2006/main");
        w.WriteStartElement("sheetData");
        var r = 0;
        foreach (var row in rows.Prepend(header))
        {
            r++;
            w.WriteStartElement("row");
            w.WriteAttributeString("r", r.ToString(CultureInfo.InvariantCulture));
            for (var c = 0; c < row.Length; c++)
            {
                if (row[c] is null) continue;
                w.WriteStartElement("c");
                w.WriteAttributeString("r", (char)('A' + c) + r.ToString(CultureInfo.InvariantCulture));
                if (row[c] is long n)
                {
                    w.WriteElementString("v", n.ToString(CultureInfo.InvariantCulture)); // a number, as Excel stores a typed phone number
                }
                else
                {
                    w.WriteAttributeString("t", "s");
                    w.WriteElementString("v", S((string)row[c]!).ToString(CultureInfo.InvariantCulture));
                }
                w.WriteEndElement();
            }
            w.WriteEndElement();
        }
        w.WriteEndElement();
        w.WriteEndElement();
    }

    Sheet(["代码", "名称"], [["ZF", "行政执法类"], ["ZH", "综合管理类"]]);

    string UnitCode(int u) => $"U{u:00000}";
    string SectionCode(int u, int s) => $"U{u:00000}-S{s:00}";
    var top = Math.Max(1, units / 100); // 1 in 100 units is a department; the others are its subordinate units
    Sheet(["代码", "名称", "简称", "统一社会信用代码", "上级单位代码", "类别代码"], Enumerable.Range(1, units).Select(u =>
    {
        var first17 = "11" + (100000 + u % 900000).ToString("000000", CultureInfo.InvariantCulture) + "MB" + u.ToString("0000000", CultureInfo.InvariantCulture);
        return new object?[]
        {
            UnitCode(u), $"示范市第{u}单位", $"第{u}单位", first17 + CreditCode.ComputeCheckCharacter(first17),
            u <= top ? null : UnitCode(1 + u % top), u % 2 == 0 ? "ZF" : "ZH",
        };
    }));

    // Per unit: a service hall, windows under it, then internal sections.
    Sheet(["代码", "名称", "所属单位代码", "类型", "上级科室代码", "地址"], Enumerable.Range(1, units).SelectMany(u =>
        Enumerable.Range(1, sectionsPerUnit).Select(s => s switch
        {
            1 => new object?[] { SectionCode(u, s), "综合服务大厅", UnitCode(u), "服务大厅", null, $"示范市人民路 {u} 号" },
            <= 5 => [SectionCode(u, s), $"{s - 1} 号窗口", UnitCode(u), "窗口", SectionCode(u, 1), null],
            _ => [SectionCode(u, s), $"第{s - 5}科", UnitCode(u), "内设科室", null, null],
        })));

    Sheet(["代码", "名称", "责任单位代码", "法定时限", "承诺时限"], Enumerable.Range(1, 200).Select(i =>
        new object?[] { $"SX-{i:000}", $"服务事项{i}", UnitCode(1 + i % units), (long)20, (long)(1 + i % 20) }));

    var person = 0;
    Sheet(["所属单位代码", "工号", "姓名", "用工类型", "科室代码", "职务", "手机", "身份证号"], Enumerable.Range(1, units).SelectMany(u =>
        Enumerable.Range(1, staffPerUnit).Select(e =>
        {
            person++;
            var phone = 13_000_000_000L + random.NextInt64(0, 7_000_000_000L); // 130... to 199...: valid mobile prefixes
            return new object?[]
            {
                UnitCode(u), $"E{e:0000}", surnames[random.Next(surnames.Length)] + given[random.Next(given.Length)],
                employment[person % employment.Length], SectionCode(u, 1 + e % sectionsPerUnit), e == 1 ? "负责人" : "工作人员",
                phone, person % 4 == 0 ? IdNumber(random, regions) : null,
            };
        })));

    Sheet(["科室代码", "事项代码", "必办"], Enumerable.Range(1, units).SelectMany(u =>
        Enumerable.Range(0, 4).Select(k => new object?[] { SectionCode(u, 1), $"SX-{1 + (u + k * 50) % 200:000}", k < 2 ? "是" : "否" })));

    // The shared strings are known only now; the ZIP does not mind the order of its entries.
    using (var stream = zip.CreateEntry("xl/sharedStrings.xml", CompressionLevel.Optimal).Open())
    using (var w = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false) }))
    {
        w.WriteStartDocument(true);
        w.WriteStartElement("sst", "http://schemas.openxmlformats.org/spreadsheetml/2006/main");
        w.WriteAttributeString("uniqueCount", stringList.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var s in stringList)
        {
            w.WriteStartElement("si");
            w.WriteElementString("t", s);
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    void Text(string name, string content)
    {
        using var s = zip.CreateEntry(name).Open();
        s.Write(new UTF8Encoding(false).GetBytes(content));
    }
    var overrides = string.Concat(Enumerable.Range(1, sheetNames.Length).Select(i =>
        $"""<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"""));
    Text("[Content_Types].xml", $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>{overrides}</Types>""");
    Text("_rels/.rels", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>""");
    var rels = string.Concat(Enumerable.Range(1, sheetNames.Length).Select(i =>
        $"""<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>"""));
    Text("xl/_rels/workbook.xml.rels", $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}<Relationship Id="rId100" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>""");
    var sheets = string.Concat(sheetNames.Select((n, i) => $"""<sheet name="{n}" sheetId="{i + 1}" r:id="rId{i + 1}"/>"""));
    Text("xl/workbook.xml", $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{sheets}</sheets></workbook>""");
}
Console.WriteLine($"{output}: {units:N0} units, {units * sectionsPerUnit:N0} sections, {units * staffPerUnit:N0} staff, {new FileInfo(output).Length / 1024.0 / 1024.0:0.0} MB");

// A resident ID number with a real birth date and the GB 11643 check character.
static string IdNumber(Random random, string[] regions)
{
    var birth = new DateOnly(1960, 1, 1).AddDays(random.Next(0, 365 * 40));
    var first17 = regions[random.Next(regions.Length)] + birth.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + random.Next(0, 1000).ToString("000", CultureInfo.InvariantCulture);
    int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    var sum = 0;
    for (var i = 0; i < 17; i++) sum += (first17[i] - '0') * weights[i];
    return first17 + "10X98765432"[sum % 11];
}
