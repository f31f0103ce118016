using Microsoft.EntityFrameworkCore;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;

namespace Mingcha.Web.Features.Organisation;

/// <summary>
/// The fictional demo city 示范市: the 32 departments S4 lists in its two categories, a human-resources and
/// social-security bureau with service halls, windows and 20 township outlets, staff, supervisors, two teams,
/// one agency and a service-item catalogue. Every row is flagged IsDemo and the pages say so.
/// </summary>
public sealed class DemoData(MingchaDb db, TimeProvider time)
{
    public const string City = "示范市";
    public const string HrUnitCode = "M09-RSJ";

    /// <summary>The demo's first supervisors' team (第一督查组), whose leader the <c>inspector</c> login is.</summary>
    public static IQueryable<Team> FirstTeam(MingchaDb db) => db.Teams.Where(t => t.IsDemo).OrderBy(t => t.Name).Take(1);

    /// <summary>The demo's agency, whose inspector the <c>agency</c> login is and which carries out the demo's covert round.</summary>
    public static IQueryable<Agency> FirstAgency(MingchaDb db) => db.Agencies.Where(a => a.IsDemo).OrderBy(a => a.Name).Take(1);

    // S4 二(一): 行政执法类 14 units, 综合管理类 18 units.
    private static readonly (string Code, string Name)[] LawEnforcement =
    [
        ("L01-GAJ", "公安局"), ("L02-XFJ", "消防救援支队"), ("L03-JTJ", "交通运输局"), ("L04-LYJ", "林业局"), ("L05-GTJ", "自然资源局"),
        ("L06-JSW", "卫生健康委员会（计生）"), ("L07-GSJ", "市场监督管理局（工商）"), ("L08-GSW", "国家税务局"), ("L09-DSJ", "地方税务局"),
        ("L10-ZJJ", "质量技术监督局"), ("L11-SFJ", "司法局"), ("L12-AJJ", "应急管理局（安监）"), ("L13-HBJ", "生态环境局"), ("L14-YJJ", "药品监督管理局"),
    ];

    private static readonly (string Code, string Name)[] Management =
    [
        ("M01-SWJ", "商务局"), ("M02-CZJ", "财政局"), ("M03-MZJ", "民政局"), ("M04-WGJ", "文化广电新闻出版局"), ("M05-JYJ", "教育局"),
        ("M06-CJJ", "住房和城乡建设局"), ("M07-WSJ", "卫生局"), ("M08-KJJ", "科学技术局"), (HrUnitCode, "人力资源和社会保障局"),
        ("M10-HWJ", "环境卫生管理局"), ("M11-GXJ", "工业和信息化局"), ("M12-SLJ", "水利局"), ("M13-NYJ", "农业农村局"),
        ("M14-YQW", "工业园区管理委员会"), ("M15-LSJ", "粮食和物资储备局"), ("M16-LYJ", "文化和旅游局"), ("M17-FGW", "发展和改革委员会"), ("M18-GZW", "国有资产监督管理委员会"),
    ];

    private static readonly string[] GeneralSections = ["办公室", "政策法规科", "行政审批科"];

    private static readonly string[] Townships =
    [
        "东城街道", "西城街道", "南湖街道", "北山街道", "新华街道", "长安街道", "青石镇", "白沙镇", "柳林镇", "桃源镇",
        "金桥镇", "石门镇", "清河镇", "马鞍镇", "龙泉镇", "凤凰镇", "梅岭乡", "松溪乡", "云台乡", "枫林乡",
    ];

    private static readonly (string Code, string Name, int Statutory, int Promised)[] HrItems =
    [
        ("RS-001", "社会保障卡申领", 20, 10), ("RS-002", "社会保障卡挂失与补换", 20, 7), ("RS-003", "城乡居民养老保险参保登记", 5, 1),
        ("RS-004", "企业职工养老保险关系转移", 45, 15), ("RS-005", "失业保险金申领", 10, 5), ("RS-006", "就业登记", 5, 1),
        ("RS-007", "失业登记", 5, 1), ("RS-008", "就业困难人员认定", 15, 7), ("RS-009", "灵活就业人员社保补贴申领", 20, 10),
        ("RS-010", "职业资格证书查询与核验", 5, 1), ("RS-011", "职业技能培训补贴申领", 20, 10), ("RS-012", "创业担保贷款申请", 20, 15),
        ("RS-013", "工伤认定申请", 60, 30), ("RS-014", "劳动能力鉴定申请", 60, 40), ("RS-015", "劳动人事争议调解申请", 15, 10),
        ("RS-016", "城乡居民养老保险待遇申领", 20, 5), ("RS-017", "个人权益记录查询打印", 1, 1), ("RS-018", "退休人员领取待遇资格认证", 5, 1),
        ("RS-019", "档案托管与转递", 10, 5), ("RS-020", "高校毕业生报到登记", 5, 1),
    ];

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"];
    private static readonly string[] Given = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "晓东", "海燕", "建华", "志强", "丽娟"];

    public async Task<bool> LoadIfEmptyAsync(CancellationToken ct = default)
    {
        if (await db.Units.AnyAsync(ct)) return false;
        var now = time.GetUtcNow().UtcDateTime;
        var year = now.Year;
        var personIndex = 0;

        var law = new Category("LAW", "行政执法类", now) { IsDemo = true };
        var mgmt = new Category("MGMT", "综合管理类", now) { IsDemo = true };
        db.Categories.AddRange(law, mgmt);

        var units = new List<Unit>();
        foreach (var (list, cat) in new[] { (LawEnforcement, law), (Management, mgmt) })
        {
            foreach (var (code, name) in list)
            {
                var unit = new Unit(code, City + name, now) { IsDemo = true, ShortName = name };
                units.Add(unit);
                db.Units.Add(unit);
                // ORG-1: the category holds for this year and the next, so rankings of either year work out of the box.
                db.UnitCategories.Add(new UnitCategory(unit.Id, year, cat.Id));
                db.UnitCategories.Add(new UnitCategory(unit.Id, year + 1, cat.Id));
                if (code == HrUnitCode) continue;
                for (var i = 0; i < GeneralSections.Length; i++)
                {
                    var section = new Section(unit.Id, $"{code}-S{i + 1:00}", GeneralSections[i], i == 2 ? SectionKind.Window : SectionKind.InternalSection, now) { IsDemo = true };
                    db.Sections.Add(section);
                    AddStaff(unit.Id, section.Id, 2, now, ref personIndex);
                }
            }
        }

        var hr = units.Single(u => u.Code == HrUnitCode);
        var items = HrItems.Select(i => new ServiceItem(i.Code, i.Name, hr.Id, i.Statutory, i.Promised) { IsDemo = true }).ToList();
        db.ServiceItems.AddRange(items);

        var hallMain = new Section(hr.Id, $"{HrUnitCode}-H01", "市人社综合服务大厅", SectionKind.ServiceHall, now) { IsDemo = true, Address = "示范市人民路 1 号" };
        var hallEast = new Section(hr.Id, $"{HrUnitCode}-H02", "东区人社服务大厅", SectionKind.ServiceHall, now) { IsDemo = true, Address = "示范市东区建设路 18 号" };
        var hallWest = new Section(hr.Id, $"{HrUnitCode}-H03", "西区人社服务大厅", SectionKind.ServiceHall, now) { IsDemo = true, Address = "示范市西区和平路 66 号" };
        db.Sections.AddRange(hallMain, hallEast, hallWest);
        foreach (var hall in new[] { hallMain, hallEast, hallWest })
        {
            AddStaff(hr.Id, hall.Id, 1, now, ref personIndex);
            var windows = hall == hallMain ? 8 : 4;
            for (var w = 1; w <= windows; w++)
            {
                var window = new Section(hr.Id, $"{hall.Code}-W{w:00}", $"{hall.Name} {w} 号窗口", SectionKind.Window, now, hall.Id) { IsDemo = true };
                db.Sections.Add(window);
                AddStaff(hr.Id, window.Id, 2, now, ref personIndex);
                // Each window handles a slice of the catalogue, all of it mandatory at a hall.
                foreach (var item in items.Where((_, idx) => idx % windows == w - 1))
                    db.SectionServiceItems.Add(new SectionServiceItem(window.Id, item.Id, mandatory: true));
            }
        }
        string[] hrSections = ["办公室", "就业促进科", "社会保险科", "劳动关系科"];
        for (var i = 0; i < hrSections.Length; i++)
        {
            var section = new Section(hr.Id, $"{HrUnitCode}-S{i + 1:00}", hrSections[i], SectionKind.InternalSection, now) { IsDemo = true };
            db.Sections.Add(section);
            AddStaff(hr.Id, section.Id, 2, now, ref personIndex);
        }
        // S2: items sunk to township platforms, some mandatory for every outlet and the rest optional.
        for (var t = 0; t < Townships.Length; t++)
        {
            var kind = Townships[t].EndsWith("街道", StringComparison.Ordinal) ? SectionKind.StreetOutlet : SectionKind.TownshipOutlet;
            var outlet = new Section(hr.Id, $"{HrUnitCode}-T{t + 1:00}", $"{Townships[t]}人社服务站", kind, now) { IsDemo = true };
            db.Sections.Add(outlet);
            AddStaff(hr.Id, outlet.Id, 2, now, ref personIndex);
            for (var i = 0; i < items.Count; i++)
                if (i < 14 || i % 2 == t % 2)
                    db.SectionServiceItems.Add(new SectionServiceItem(outlet.Id, items[i].Id, mandatory: i < 14));
        }

        var supervisors = new List<Supervisor>();
        for (var s = 1; s <= 8; s++)
        {
            var recommending = units[(s * 5) % units.Count];
            var sup = new Supervisor($"JD{s:000}", PersonName(personIndex++), recommending.Id) { IsDemo = true, Phone = DemoPhone(personIndex) };
            sup.Approve(now);
            supervisors.Add(sup);
        }
        db.Supervisors.AddRange(supervisors);
        var team1 = new Team("第一督查组", "窗口单位明查暗访", now) { IsDemo = true };
        team1.SetMembers(supervisors.Take(4).ToList(), supervisors[0].Id);
        var team2 = new Team("第二督查组", "乡镇（街道）服务站暗访", now) { IsDemo = true };
        team2.SetMembers(supervisors.Skip(4).ToList(), supervisors[4].Id);
        db.Teams.AddRange(team1, team2);

        db.Agencies.Add(new Agency("示范市明鉴第三方评估有限公司", new DateOnly(year, 1, 1), new DateOnly(year, 12, 31)) { IsDemo = true, ContactPerson = "郑经理", ContactPhone = DemoPhone(999) });

        db.SuppressRowAudit = true;
        db.Audit(new AuditEvent("demo.load", "Organisation", City, null, $"{units.Count} units (demo)"));
        await db.SaveChangesAsync(ct);
        db.SuppressRowAudit = false;
        return true;
    }

    private void AddStaff(Guid unitId, Guid sectionId, int count, DateTime now, ref int personIndex)
    {
        for (var i = 0; i < count; i++)
        {
            var employment = (personIndex % 7) switch { 5 => EmploymentType.Seconded, 6 => EmploymentType.Contracted, _ => EmploymentType.InService };
            db.Staff.Add(new Staff(unitId, $"E{personIndex + 1:00000}", PersonName(personIndex), employment, now, sectionId, i == 0 ? "负责人" : "工作人员")
            {
                IsDemo = true, Phone = DemoPhone(personIndex),
            });
            personIndex++;
        }
    }

    private static string PersonName(int i) => Surnames[i % Surnames.Length] + Given[(i / Surnames.Length + i) % Given.Length];

    /// <summary>Fictional numbers in the 139-0000 range, well-formed for the checks.</summary>
    private static string DemoPhone(int i) => $"1390000{i % 10000:0000}";
}
