using System.Globalization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;

namespace Mingcha.Web.Pages;

public sealed class IndexModel(MingchaDb db) : PageModel
{
    public sealed record Tile(string Href, string Title, string Hint);
    public sealed record NotificationLine(string Title, string? Link, DateTime CreatedAt);

    public string DisplayName { get; private set; } = "";
    public IReadOnlyList<string> RoleNames { get; private set; } = [];
    public List<Tile> Tiles { get; } = [];
    public bool Demo { get; private set; }
    public IReadOnlyList<NotificationLine> Notifications { get; private set; } = [];

    public async Task OnGetAsync()
    {
        DisplayName = User.FindFirst("name")?.Value ?? User.Identity?.Name ?? "";
        var zh = CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.Ordinal);
        var roles = Roles.All.Where(User.IsInRole).ToList();
        RoleNames = roles.Select(r => zh ? Roles.DisplayNameZh(r) : Roles.DisplayNameEn(r)).ToList();
        bool Any(params string[] r) => r.Any(User.IsInRole);
        if (Any(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Leader, Roles.Supervisor, Roles.UnitLiaison, Roles.AgencyInspector))
            Tiles.Add(new Tile("/Org", "组织机构", "单位、科室、窗口、工作人员"));
        if (Any(Roles.OfficeAdmin, Roles.OfficeStaff))
            Tiles.Add(new Tile("/Org/Import", "导入组织", "从 Excel 或 CSV 导入整套组织机构"));
        Tiles.Add(new Tile("/Calendar", "工作日历", "法定节假日与调休上班日"));
        if (Any(Roles.Auditor)) Tiles.Add(new Tile("/Audit", "审计日志", "查看与校验防篡改审计链"));
        if (Any(Roles.SystemAdmin, Roles.SecurityAdmin)) Tiles.Add(new Tile("/Admin/Accounts", "账户与角色", "账户、角色授权、接口令牌"));
        Demo = await db.Units.AnyAsync(u => u.IsDemo);
        var userId = User.UserId();
        Notifications = await db.Notifications.AsNoTracking()
            .Where(n => n.UserId == userId || (n.Role != null && roles.Contains(n.Role)))
            .OrderByDescending(n => n.CreatedAt).Take(10)
            .Select(n => new NotificationLine(n.Title, n.Link, n.CreatedAt)).ToListAsync();
    }
}
