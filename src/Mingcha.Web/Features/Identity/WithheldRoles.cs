using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;

namespace Mingcha.Web.Features.Identity;

/// <summary>
/// Decisions 034 and 036: the stored roles an account does not get because they break SEC-1, SEC-2 or INS-9 together with its unit binding,
/// its other roles or its links (accounts that held the combination before the rules were checked). The claims factory
/// leaves them out of every principal it makes (sign-in, and the security stamp's refresh every minute); the accounts page
/// and API list them with the reason.
/// </summary>
public static class WithheldRoles
{
    /// <summary>The withheld roles of one account.</summary>
    public static async Task<IReadOnlyList<WithheldRole>> ForAsync(MingchaDb db, string userId, Guid? unitId, IEnumerable<string> roles, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var list = roles.ToList();
        var binding = new AccountBinding(unitId is not null);
        // The links matter only for an account bound to a unit; the others need no query.
        if (unitId is not null && list.Exists(r => r is Roles.Supervisor or Roles.AgencyInspector))
            binding = binding with
            {
                LinkedSupervisor = await db.Supervisors.AsNoTracking().AnyAsync(s => s.UserId == userId, ct),
                LinkedAgencyInspector = await db.AgencyInspectors.AsNoTracking().AnyAsync(i => i.UserId == userId && i.Active, ct),
            };
        return Roles.Withheld(list, binding);
    }

    /// <summary>The stored roles of one account less those withheld: what it may act as.</summary>
    public static async Task<IReadOnlyList<string>> EffectiveRolesAsync(MingchaDb db, string userId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var unitId = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.UnitId).FirstOrDefaultAsync(ct);
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == userId select r.Name!).ToListAsync(ct);
        var withheld = (await ForAsync(db, userId, unitId, roles, ct)).Select(w => w.Role).ToHashSet(StringComparer.Ordinal);
        return roles.Where(r => !withheld.Contains(r)).ToList();
    }

    /// <summary>The withheld roles of every account, for the accounts list (accounts with none are left out).</summary>
    public static async Task<Dictionary<string, IReadOnlyList<WithheldRole>>> ForAllAsync(MingchaDb db, IEnumerable<(string UserId, Guid? UnitId, IReadOnlyList<string> Roles)> accounts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var supervisors = (await db.Supervisors.AsNoTracking().Where(s => s.UserId != null).Select(s => s.UserId!).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var inspectors = (await db.AgencyInspectors.AsNoTracking().Where(i => i.UserId != null && i.Active).Select(i => i.UserId!).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var result = new Dictionary<string, IReadOnlyList<WithheldRole>>(StringComparer.Ordinal);
        foreach (var (userId, unitId, roles) in accounts)
        {
            var withheld = Roles.Withheld(roles, new AccountBinding(unitId is not null, supervisors.Contains(userId), inspectors.Contains(userId)));
            if (withheld.Count > 0) result[userId] = withheld;
        }
        return result;
    }

    /// <summary>The reason in words, Chinese then English, as the API's other messages.</summary>
    public static string Message(WithheldRole w)
    {
        ArgumentNullException.ThrowIfNull(w);
        return w.Reason switch
        {
            WithheldReason.UnitAccountSeesAllUnits => $"绑定单位的账户不能担任{Roles.DisplayNameZh(w.Role)}：单位账户只能看到本单位的记录，该角色暂不生效。 An account bound to a unit cannot be {Roles.DisplayNameEn(w.Role)}: a unit's account sees its own unit only; the role is not in effect.",
            WithheldReason.LiaisonInspects => $"单位联络员不能同时担任{Roles.DisplayNameZh(w.Role)}：被检查单位不得获知检查安排，该角色暂不生效。 A unit liaison cannot also be {Roles.DisplayNameEn(w.Role)}: an inspected unit must not learn of visits; the role is not in effect.",
            WithheldReason.AdministratorsSeparated => $"三员分立：系统管理员、安全管理员、安全审计员不能由同一账户担任，也不能兼任业务角色，{Roles.DisplayNameZh(w.Role)}角色暂不生效。 Separation of duties: the system administrator, security administrator and security auditor are held by different accounts and with no business role; the role {Roles.DisplayNameEn(w.Role)} is not in effect.",
            _ => $"绑定单位的账户登记为{Roles.DisplayNameZh(w.Role)}：单位账户不得获知暗访安排，该角色暂不生效。 An account bound to a unit is linked as {Roles.DisplayNameEn(w.Role)}: a unit's account never learns of covert visits; the role is not in effect.",
        };
    }
}
