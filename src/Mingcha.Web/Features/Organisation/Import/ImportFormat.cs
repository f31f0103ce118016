using System.Globalization;

namespace Mingcha.Web.Features.Organisation.Import;

/// <summary>The sheets of an organisation workbook, in the order they are read (each refers only to earlier ones).</summary>
public enum SheetKind
{
    Categories,
    Units,
    Sections,
    ServiceItems,
    Staff,
    SectionItems,
}

/// <summary>One column of a sheet: its Chinese header, English alias, whether it is required, and its length limit (from MingchaDb).</summary>
public sealed record ColumnSpec(string Zh, string En, bool Required, int MaxLength, string Hint, params string[] Synonyms);

/// <summary>One sheet of the format: Chinese name (also the CSV file name), English alias, columns and an example row.</summary>
public sealed record SheetSpec(SheetKind Kind, string Zh, string En, IReadOnlyList<ColumnSpec> Columns, IReadOnlyList<string> Example, string Purpose)
{
    public int IndexOf(ColumnSpec column)
    {
        for (var i = 0; i < Columns.Count; i++)
            if (ReferenceEquals(Columns[i], column)) return i;
        throw new ArgumentException("Column of another sheet.", nameof(column));
    }
}

/// <summary>
/// The documented import format (docs/import-format.md): sheet and column names, aliases, limits and the
/// words accepted for enumerations. The template, the export and the importer all read it from here, so
/// the three cannot drift apart.
/// </summary>
public static class ImportFormat
{
    /// <summary>A row whose first cell starts with this is an example (the template has one per sheet) and is skipped.</summary>
    public const string ExampleMarker = "【示例】";

    /// <summary>Files above this size are refused before they are read.</summary>
    public const long MaxFileBytes = 50L * 1024 * 1024;

    /// <summary>A guard against decompression bombs: more data rows than this in one sheet is refused.</summary>
    public const int MaxRowsPerSheet = 1_000_000;

    /// <summary>The instructions sheet of the template; ignored on import.</summary>
    public const string InstructionsSheet = "说明";

    // Declared before the sheets: static fields initialise in textual order.
    private static readonly string ExampleCreditCode = "12100000400000001" + Domain.Identifiers.CreditCode.ComputeCheckCharacter("12100000400000001");

    public static class CategoryColumns
    {
        public static readonly ColumnSpec Code = new("代码", "code", true, 64, "类别代码，唯一");
        public static readonly ColumnSpec Name = new("名称", "name", true, 200, "如 行政执法类");
    }

    public static class UnitColumns
    {
        public static readonly ColumnSpec Code = new("代码", "code", true, 64, "单位代码，唯一；已存在的代码表示更新该单位");
        public static readonly ColumnSpec Name = new("名称", "name", true, 200, "单位全称；与现有名称不同即为更名，保留历史");
        public static readonly ColumnSpec ShortName = new("简称", "short_name", false, 100, "可空");
        public static readonly ColumnSpec CreditCode = new("统一社会信用代码", "credit_code", false, 18, "18 位，校验码须正确，字母大写；可空");
        public static readonly ColumnSpec Parent = new("上级单位代码", "parent_code", false, 64, "可空；填写则须为本文件或系统中已有的单位");
        public static readonly ColumnSpec Category = new("类别代码", "category_code", true, 64, "本文件“类别”表或系统中已有的类别");
        public static readonly ColumnSpec Year = new("年度", "year", false, 4, "考评年度，可空（默认当年）", "考评年度");
        public static readonly ColumnSpec Status = new("状态", "status", false, 8, "在用/已撤销；填“已撤销”即撤销（其下科室、下级单位须均已撤销，人员均已离岗或调出），填“在用”即恢复；空着不变", "单位状态");
    }

    public static class SectionColumns
    {
        public static readonly ColumnSpec Code = new("代码", "code", true, 64, "科室代码，全系统唯一");
        public static readonly ColumnSpec Name = new("名称", "name", true, 200, "如 行政审批科、1 号窗口");
        public static readonly ColumnSpec Unit = new("所属单位代码", "unit_code", true, 64, "本文件或系统中已有的单位");
        public static readonly ColumnSpec Kind = new("类型", "kind", true, 32, "内设科室/二级单位/服务大厅/窗口/乡镇服务网点/街道服务网点");
        public static readonly ColumnSpec Parent = new("上级科室代码", "parent_code", false, 64, "可空；如窗口所在的服务大厅，须属同一单位");
        public static readonly ColumnSpec Address = new("地址", "address", false, 300, "可空");
        public static readonly ColumnSpec Status = new("状态", "status", false, 8, "在用/已撤销；填“已撤销”即撤销（其下科室须均已撤销，人员均已离岗或调出），填“在用”即恢复；空着不变", "科室状态");
    }

    public static class StaffColumns
    {
        public static readonly ColumnSpec Unit = new("所属单位代码", "unit_code", true, 64, "本文件或系统中已有的单位");
        public static readonly ColumnSpec Code = new("工号", "code", true, 64, "在本单位内唯一", "staff_code");
        public static readonly ColumnSpec Name = new("姓名", "name", true, 100, "");
        public static readonly ColumnSpec Employment = new("用工类型", "employment", true, 32, "在编/借调/合同");
        public static readonly ColumnSpec Section = new("科室代码", "section_code", false, 64, "可空；须属同一单位");
        public static readonly ColumnSpec Position = new("职务", "position", false, 100, "可空");
        public static readonly ColumnSpec Phone = new("手机", "phone", false, 32, "可空；11 位手机号或带区号的固定电话", "手机号", "手机号码", "联系电话");
        public static readonly ColumnSpec IdNumber = new("身份证号", "id_number", false, 18, "可空；18 位，校验码须正确；请设为文本格式", "身份证号码", "公民身份号码");
        public static readonly ColumnSpec Status = new("状态", "status", false, 8, "在岗/离岗；填“离岗”即登记离岗，已离岗的填“在岗”即返岗；空着：新增人员在岗，已有人员不变", "在岗状态");
    }

    public static class ItemColumns
    {
        public static readonly ColumnSpec Code = new("代码", "code", true, 64, "事项编码，唯一");
        public static readonly ColumnSpec Name = new("名称", "name", true, 300, "");
        public static readonly ColumnSpec Unit = new("责任单位代码", "unit_code", false, 64, "可空");
        public static readonly ColumnSpec Statutory = new("法定时限", "statutory_days", false, 5, "工作日数，可空", "法定时限(工作日)");
        public static readonly ColumnSpec Promised = new("承诺时限", "promised_days", false, 5, "工作日数，可空；不得长于法定时限（INS-14）", "承诺时限(工作日)");
    }

    public static class SectionItemColumns
    {
        public static readonly ColumnSpec Section = new("科室代码", "section_code", true, 64, "提供事项的窗口或网点");
        public static readonly ColumnSpec Item = new("事项代码", "item_code", true, 64, "本文件“服务事项”表或系统中已有的事项");
        public static readonly ColumnSpec Mandatory = new("必办", "mandatory", true, 8, "是/否");
    }

    public static readonly SheetSpec CategoriesSheet = new(SheetKind.Categories, "类别", "categories",
        [CategoryColumns.Code, CategoryColumns.Name], [ExampleMarker + "ZF", "行政执法类"], "单位考评类别（ORG-1）");

    public static readonly SheetSpec UnitsSheet = new(SheetKind.Units, "单位", "units",
        [UnitColumns.Code, UnitColumns.Name, UnitColumns.ShortName, UnitColumns.CreditCode, UnitColumns.Parent, UnitColumns.Category, UnitColumns.Year, UnitColumns.Status],
        [ExampleMarker + "RSJ", "示范市人力资源和社会保障局", "人社局", ExampleCreditCode, "", "ZF", "2026", "在用"], "被考评单位，每年属于一个类别（ORG-1）");

    public static readonly SheetSpec SectionsSheet = new(SheetKind.Sections, "科室", "sections",
        [SectionColumns.Code, SectionColumns.Name, SectionColumns.Unit, SectionColumns.Kind, SectionColumns.Parent, SectionColumns.Address, SectionColumns.Status],
        [ExampleMarker + "RSJ-W01", "综合服务大厅 1 号窗口", "RSJ", "窗口", "RSJ-H01", "人民路 1 号", "在用"], "内设科室、二级单位、服务大厅、窗口和服务网点（ORG-1）");

    public static readonly SheetSpec ServiceItemsSheet = new(SheetKind.ServiceItems, "服务事项", "service_items",
        [ItemColumns.Code, ItemColumns.Name, ItemColumns.Unit, ItemColumns.Statutory, ItemColumns.Promised],
        [ExampleMarker + "RS-001", "社会保障卡申领", "RSJ", "20", "10"], "公众可办理的服务事项目录（ORG-6）");

    public static readonly SheetSpec StaffSheet = new(SheetKind.Staff, "工作人员", "staff",
        [StaffColumns.Unit, StaffColumns.Code, StaffColumns.Name, StaffColumns.Employment, StaffColumns.Section, StaffColumns.Position, StaffColumns.Phone, StaffColumns.IdNumber, StaffColumns.Status],
        [ExampleMarker + "RSJ", "E0001", "张三", "在编", "RSJ-W01", "窗口工作人员", "13800138000", "11010519491231002X", "在岗"], "在编、借调、合同制工作人员（ORG-2）");

    public static readonly SheetSpec SectionItemsSheet = new(SheetKind.SectionItems, "网点事项", "section_items",
        [SectionItemColumns.Section, SectionItemColumns.Item, SectionItemColumns.Mandatory],
        [ExampleMarker + "RSJ-W01", "RS-001", "是"], "窗口或网点提供的事项，必办或选办（ORG-6）");

    /// <summary>All sheets in reading order.</summary>
    public static readonly IReadOnlyList<SheetSpec> Sheets =
        [CategoriesSheet, UnitsSheet, SectionsSheet, ServiceItemsSheet, StaffSheet, SectionItemsSheet];

    public static SheetSpec Spec(SheetKind kind) => Sheets[(int)kind];

    /// <summary>Finds the sheet a sheet name or CSV file name (without extension) means: Chinese name or English alias.</summary>
    public static SheetSpec? SheetByName(string name)
    {
        var key = Normalize(name);
        foreach (var sheet in Sheets)
            if (Normalize(sheet.Zh) == key || Normalize(sheet.En) == key) return sheet;
        // Singular English forms and "items" for the catalogue are common enough to accept.
        return key switch
        {
            "category" => CategoriesSheet,
            "unit" => UnitsSheet,
            "section" => SectionsSheet,
            "items" or "serviceitem" => ServiceItemsSheet,
            "sectionitem" => SectionItemsSheet,
            _ => null,
        };
    }

    public static bool IsInstructionsSheet(string name) =>
        Normalize(name) is "说明" or "instructions" or "readme" or "填写说明";

    /// <summary>Finds the column a header means: its Chinese name, English alias or a synonym; a trailing * (required marker) is ignored.</summary>
    public static ColumnSpec? ColumnByHeader(SheetSpec sheet, string header)
    {
        var key = Normalize(header.TrimEnd('*', '＊'));
        foreach (var c in sheet.Columns)
        {
            if (Normalize(c.Zh) == key || Normalize(c.En) == key) return c;
            foreach (var s in c.Synonyms)
                if (Normalize(s) == key) return c;
        }
        return null;
    }

    private static string Normalize(string s)
    {
        Span<char> buffer = stackalloc char[Math.Min(s.Length, 128)];
        var n = 0;
        foreach (var ch in s)
        {
            if (ch is ' ' or '_' or '-' or '\u3000' or '\t') continue;
            if (n == buffer.Length) break;
            buffer[n++] = char.ToLowerInvariant(ch);
        }
        return new string(buffer[..n]);
    }

    private static readonly Dictionary<string, SectionKind> KindWords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["内设科室"] = SectionKind.InternalSection, ["科室"] = SectionKind.InternalSection,
        ["二级单位"] = SectionKind.SecondaryUnit,
        ["服务大厅"] = SectionKind.ServiceHall, ["大厅"] = SectionKind.ServiceHall,
        ["窗口"] = SectionKind.Window,
        ["乡镇服务网点"] = SectionKind.TownshipOutlet, ["乡镇网点"] = SectionKind.TownshipOutlet,
        ["街道服务网点"] = SectionKind.StreetOutlet, ["街道网点"] = SectionKind.StreetOutlet,
    };

    private static readonly Dictionary<string, EmploymentType> EmploymentWords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["在编"] = EmploymentType.InService, ["在编在岗"] = EmploymentType.InService,
        ["借调"] = EmploymentType.Seconded, ["抽调"] = EmploymentType.Seconded, ["借调/抽调"] = EmploymentType.Seconded,
        ["合同"] = EmploymentType.Contracted, ["合同制"] = EmploymentType.Contracted, ["聘用"] = EmploymentType.Contracted,
    };

    /// <summary>The Chinese word written for a kind on export and in the template.</summary>
    public static string KindWord(SectionKind kind) => kind switch
    {
        SectionKind.InternalSection => "内设科室",
        SectionKind.SecondaryUnit => "二级单位",
        SectionKind.ServiceHall => "服务大厅",
        SectionKind.Window => "窗口",
        SectionKind.TownshipOutlet => "乡镇服务网点",
        SectionKind.StreetOutlet => "街道服务网点",
        _ => kind.ToString(),
    };

    public static string EmploymentWord(EmploymentType type) => type switch
    {
        EmploymentType.InService => "在编",
        EmploymentType.Seconded => "借调",
        EmploymentType.Contracted => "合同",
        _ => type.ToString(),
    };

    /// <summary>A kind from its Chinese name or enum name (any case).</summary>
    public static bool TryParseKind(string text, out SectionKind kind)
    {
        if (KindWords.TryGetValue(text, out kind)) return true;
        return Enum.TryParse(text, ignoreCase: true, out kind) && Enum.IsDefined(kind) && !char.IsAsciiDigit(text[0]);
    }

    /// <summary>An employment type from its Chinese name or enum name (any case).</summary>
    public static bool TryParseEmployment(string text, out EmploymentType type)
    {
        if (EmploymentWords.TryGetValue(text, out type)) return true;
        return Enum.TryParse(text, ignoreCase: true, out type) && Enum.IsDefined(type) && !char.IsAsciiDigit(text[0]);
    }

    /// <summary>是/否 and the usual spellings of yes and no, including Excel's TRUE/FALSE.</summary>
    public static bool TryParseYesNo(string text, out bool value)
    {
        switch (text.Trim().ToUpperInvariant())
        {
            case "是" or "必办" or "Y" or "YES" or "TRUE" or "1":
                value = true; return true;
            case "否" or "选办" or "可选" or "N" or "NO" or "FALSE" or "0":
                value = false; return true;
            default:
                value = false; return false;
        }
    }

    public static string YesNo(bool value) => value ? "是" : "否";

    /// <summary>A unit's or section's state as the export writes it (decision 045).</summary>
    public static string OpenWord(bool active) => active ? "在用" : "已撤销";

    /// <summary>A person's state as the export writes it (decision 044).</summary>
    public static string InPostWord(bool active) => active ? "在岗" : "离岗";

    /// <summary>在用 / 已撤销 and their usual spellings; true is open.</summary>
    public static bool TryParseOpen(string text, out bool open)
    {
        switch (text.Trim().ToUpperInvariant())
        {
            case "在用" or "正常" or "启用" or "OPEN" or "ACTIVE":
                open = true; return true;
            case "已撤销" or "撤销" or "CLOSED":
                open = false; return true;
            default:
                open = false; return false;
        }
    }

    /// <summary>在岗 / 离岗 and their usual spellings; true is in post.</summary>
    public static bool TryParseInPost(string text, out bool inPost)
    {
        switch (text.Trim().ToUpperInvariant())
        {
            case "在岗" or "在职" or "IN POST" or "ACTIVE":
                inPost = true; return true;
            case "离岗" or "离职" or "已离岗" or "LEFT":
                inPost = false; return true;
            default:
                inPost = false; return false;
        }
    }

    public static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
