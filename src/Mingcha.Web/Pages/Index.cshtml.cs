using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Home;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages;

public sealed class IndexModel(MingchaDb db, WorkList work, IStringLocalizer<SharedResource> l) : PageModel
{
    public sealed record Tile(string Href, string Title, string Hint);
    public sealed record NotificationLine(string Title, string? Link, DateTime CreatedAt);

    public string DisplayName { get; private set; } = "";
    public IReadOnlyList<string> RoleNames { get; private set; } = [];
    public List<Tile> Tiles { get; } = [];
    public bool Demo { get; private set; }
    public IReadOnlyList<NotificationLine> Notifications { get; private set; } = [];

    /// <summary>What waits for this user (待办), counted, with links; empty when nothing does.</summary>
    public IReadOnlyList<WorkItem> Work { get; private set; } = [];

    /// <summary>Whether this user's roles have a work list at all (<see cref="WorkList"/>): then "nothing waits" is said.</summary>
    public bool HasWorkList { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        DisplayName = User.FindFirst("name")?.Value ?? User.Identity?.Name ?? "";
        var roles = Roles.All.Where(User.IsInRole).ToList();
        RoleNames = roles.Select(UiText.Role).ToList();
        bool Any(params string[] r) => r.Any(User.IsInRole);
        if (Any(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Leader, Roles.Supervisor, Roles.UnitLiaison, Roles.AgencyInspector))
            Tiles.Add(new Tile("/Org", l["组织机构"], l["单位、科室、窗口、工作人员"]));
        if (Any(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Leader))
            Tiles.Add(new Tile("/Org/People", l["监督员与第三方机构"], l["效能监督员、督查组、第三方暗访机构"]));
        if (Any(Roles.OfficeAdmin, Roles.OfficeStaff))
            Tiles.Add(new Tile("/Org/Import", l["导入组织"], l["从 Excel 或 CSV 导入整套组织机构"]));
        Tiles.Add(new Tile("/Calendar", l["工作日历"], l["法定节假日与调休上班日，期限计算"]));
        if (Any(Roles.Auditor)) Tiles.Add(new Tile("/Audit", l["审计日志"], l["查看与校验防篡改审计链"]));
        if (Any(Roles.SystemAdmin, Roles.SecurityAdmin)) Tiles.Add(new Tile("/Admin/Accounts", l["账户与角色"], l["账户、角色授权、接口令牌"]));
        Tiles.Add(new Tile("/Account/Manage", l["我的账户"], l["修改密码、双因素认证"]));
        Demo = await db.Units.AnyAsync(u => u.IsDemo, ct);
        var userId = User.UserId();
        var unitId = User.UnitId();
        // SEC-2: a notification for a role within a unit reaches that unit's users only.
        Notifications = await db.Notifications.AsNoTracking()
            .Where(n => n.UserId == userId || (n.Role != null && roles.Contains(n.Role) && (n.UnitId == null || n.UnitId == unitId)))
            .OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).Take(10)
            .Select(n => new NotificationLine(n.Title, n.Link, n.CreatedAt)).ToListAsync(ct);
        var list = await work.ForAsync(User, ct);
        HasWorkList = list is not null;
        Work = list ?? [];
    }
}
