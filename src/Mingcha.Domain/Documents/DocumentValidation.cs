using System.Text.Json;

namespace Mingcha.Domain.Documents;

/// <summary>
/// Checks an <see cref="OfficialDocumentContent"/> before it is laid out: every broken field is named (camelCase
/// JSON path, e.g. <c>body[3].rows[2]</c>) with a message in Chinese and English.
/// </summary>
public static class DocumentValidation
{
    public const int MaxTitle = 200;
    public const int MaxName = 100;
    public const int MaxMasthead = 40;
    public const int MaxParagraph = 10_000;
    public const int MaxBlocks = 5_000;
    public const int MaxList = 200;
    public const int MaxColumns = 20;
    public const int MaxRows = 2_000;
    public const int MaxCell = 2_000;
    public const int MaxImageBytes = 20 * 1024 * 1024;
    public const int MaxTotalImageBytes = 200 * 1024 * 1024;

    /// <summary>The errors by field; empty when the content can be laid out.</summary>
    public static IReadOnlyDictionary<string, string[]> Check(OfficialDocumentContent? content)
    {
        var errors = new Errors();
        if (content is null)
        {
            errors.Add("body", "缺少公文内容。 The document content is missing.");
            return errors.Result;
        }
        if (!Enum.IsDefined(content.Kind)) errors.Add("kind", "公文种类无效。 Unknown document kind.");
        errors.Text("issuerName", content.IssuerName, MaxName, required: true, "发文机关署名");
        errors.Text("masthead", content.Masthead, MaxMasthead, required: true, "发文机关标志");
        errors.Text("signer", content.Signer, 50, required: false, "签发人");
        errors.Text("title", content.Title, MaxTitle, required: true, "标题");
        errors.List("addressees", content.Addressees, MaxName, "主送机关");
        errors.List("attachments", content.Attachments, MaxTitle, "附件名称");
        errors.List("copyTo", content.CopyTo, MaxName, "抄送机关");
        errors.Text("note", content.Note, 500, required: false, "附注");
        errors.Text("printedBy", content.PrintedBy, MaxName, required: true, "印发机关");
        if (content.Date.Year is < 2000 or > 2200) errors.Add("date", "成文日期无效。 The date is out of range.");
        if (content.PrintedOn < content.Date) errors.Add("printedOn", "印发日期不能早于成文日期。 The printing date cannot precede the date of the document.");
        CheckBody(content.Body, errors);
        return errors.Result;
    }

    private static void CheckBody(IReadOnlyList<DocumentBlock>? body, Errors errors)
    {
        if (body is null || body.Count == 0)
        {
            errors.Add("body", "正文不能为空。 The body is empty.");
            return;
        }
        if (body.Count > MaxBlocks)
        {
            errors.Add("body", $"正文最多 {MaxBlocks} 段。 At most {MaxBlocks} blocks.");
            return;
        }
        var level = 0;
        long imageBytes = 0;
        for (var i = 0; i < body.Count; i++)
        {
            var at = $"body[{i}]";
            switch (body[i])
            {
                case null:
                    errors.Add(at, "空的正文段落。 An empty block.");
                    break;
                case ParagraphBlock p:
                    errors.Text(at + ".text", p.Text, MaxParagraph, required: true, "段落");
                    break;
                case HeadingBlock h:
                    if (h.Level is < 1 or > 4)
                        errors.Add(at + ".level", "标题层次只有 1 至 4 级（一、 （一） 1. （1））。 Heading levels are 1 to 4.");
                    else if (h.Level > level + 1)
                        errors.Add(at + ".level", $"第 {h.Level} 级标题前缺少第 {level + 1} 级标题。 A level {h.Level} heading needs a level {level + 1} heading before it.");
                    else level = h.Level;
                    errors.Text(at + ".text", h.Text, MaxTitle, required: true, "标题");
                    if (h.Text is not null && HeadingNumbers.StartsWithNumber(h.Text))
                        errors.Add(at + ".text", "标题序号由系统编排，请去掉文字前的序号。 Headings are numbered automatically: leave the number out.");
                    break;
                case TableBlock t:
                    CheckTable(t, at, errors);
                    break;
                case ImageBlock img:
                    imageBytes += img.Data?.LongLength ?? 0;
                    if (img.Data is null || img.Data.Length == 0) errors.Add(at + ".data", "图片为空。 The image is empty.");
                    else if (img.Data.Length > MaxImageBytes) errors.Add(at + ".data", "单张图片最大 20 MB。 An image may be at most 20 MB.");
                    else if (ImageInfo.Read(img.Data) is null) errors.Add(at + ".data", "图片须为 JPEG 或 PNG。 Images must be JPEG or PNG.");
                    errors.Text(at + ".caption", img.Caption, MaxTitle, required: true, "图片说明");
                    break;
                default:
                    errors.Add(at, "未知的正文类型。 Unknown block type.");
                    break;
            }
        }
        if (imageBytes > MaxTotalImageBytes) errors.Add("body", "图片合计最大 200 MB。 The images may total at most 200 MB.");
    }

    private static void CheckTable(TableBlock t, string at, Errors errors)
    {
        if (t.Header is null || t.Header.Count == 0 || t.Header.Count > MaxColumns)
        {
            errors.Add(at + ".header", $"表格须有 1 至 {MaxColumns} 列的表头。 A table needs a header of 1 to {MaxColumns} columns.");
            return;
        }
        for (var c = 0; c < t.Header.Count; c++) errors.Text($"{at}.header[{c}]", t.Header[c], MaxCell, required: true, "表头");
        if (t.Rows is null || t.Rows.Count > MaxRows)
        {
            errors.Add(at + ".rows", $"表格最多 {MaxRows} 行。 At most {MaxRows} rows.");
            return;
        }
        for (var r = 0; r < t.Rows.Count; r++)
        {
            var row = t.Rows[r];
            if (row is null || row.Count != t.Header.Count)
            {
                errors.Add($"{at}.rows[{r}]", $"每行须有 {t.Header.Count} 格，与表头一致。 Each row needs {t.Header.Count} cells, as the header.");
                continue;
            }
            for (var c = 0; c < row.Count; c++) errors.Text($"{at}.rows[{r}][{c}]", row[c] ?? "", MaxCell, required: false, "单元格");
        }
        errors.Text(at + ".caption", t.Caption, MaxTitle, required: false, "表格标题");
    }

    private sealed class Errors
    {
        private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

        public IReadOnlyDictionary<string, string[]> Result => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

        public void Add(string field, string message)
        {
            if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
            list.Add(message);
        }

        public void Text(string field, string? value, int max, bool required, string what)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                if (required) Add(field, $"{what}不能为空。 {Camel(field)} is required.");
                return;
            }
            if (value.Length > max) Add(field, $"{what}最长 {max} 字。 {Camel(field)} is longer than {max} characters.");
            if (value.AsSpan().IndexOfAnyInRange('\0', '\u001f') >= 0 || value.Contains('\u007f', StringComparison.Ordinal))
                Add(field, $"{what}含有控制字符。 {Camel(field)} contains control characters.");
        }

        public void List(string field, IReadOnlyList<string>? values, int max, string what)
        {
            if (values is null) return;
            if (values.Count > MaxList) { Add(field, $"最多 {MaxList} 项。 At most {MaxList} entries."); return; }
            for (var i = 0; i < values.Count; i++) Text($"{field}[{i}]", values[i], max, required: true, what);
        }

        private static string Camel(string field) => JsonNamingPolicy.CamelCase.ConvertName(field);
    }
}

/// <summary>The numbers of the four heading levels of GB/T 9704-2012 §7.3.3: 一、 （一） 1. （1）.</summary>
public static class HeadingNumbers
{
    private static readonly string[] Digits = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

    /// <summary>The printed number of the <paramref name="n"/>-th heading (from 1) at <paramref name="level"/>.</summary>
    public static string Format(int level, int n) => level switch
    {
        1 => Chinese(n) + "、",
        2 => "（" + Chinese(n) + "）",
        3 => n.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".",
        4 => "（" + n.ToString(System.Globalization.CultureInfo.InvariantCulture) + "）",
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    /// <summary>Chinese numerals as used in headings: 一 … 十, 十一 … 九十九, then digits.</summary>
    public static string Chinese(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if (n < 10) return Digits[n];
        if (n < 100) return (n / 10 == 1 ? "" : Digits[n / 10]) + "十" + (n % 10 == 0 ? "" : Digits[n % 10]);
        return n.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Whether the text already starts with a heading number (the renderer adds it).</summary>
    public static bool StartsWithNumber(string text)
    {
        var t = text.TrimStart();
        return System.Text.RegularExpressions.Regex.IsMatch(t, @"^([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\)|\d+[.．、]|（\d+）|\(\d+\))");
    }

    /// <summary>Numbers a run of headings: each level counts from 1 again after a heading of a higher level.</summary>
    public sealed class Counter
    {
        private readonly int[] _n = new int[5];

        public string Next(int level)
        {
            _n[level]++;
            for (var l = level + 1; l <= 4; l++) _n[l] = 0;
            return Format(level, _n[level]);
        }
    }
}
