using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Mingcha.Domain.Security;
using Mingcha.Web.Features.Identity;

namespace Mingcha.Web.Features.Rectification;

/// <summary>Who may call the rectification endpoints (SEC-1); which records they then see is decided per record (SEC-2).</summary>
public static class RectificationPolicies
{
    /// <summary>Notices, ledgers, outcomes, findings' histories: the Office, leaders and unit liaisons (own unit only).</summary>
    public const string Read = "Rectification.Read";
    /// <summary>The unit's acts (objections, answers): liaisons; checked again against the notice's unit.</summary>
    public const string UnitAct = "Rectification.UnitAct";

    public static void Add(AuthorizationOptions o)
    {
        o.AddPolicy(Read, p => p.RequireRole(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Leader, Roles.UnitLiaison));
        o.AddPolicy(UnitAct, p => p.RequireRole(Roles.UnitLiaison));
    }
}

/// <summary>The person asking, as the rectification rules see them.</summary>
public sealed record RectificationViewer(bool IsOffice, bool SeesAll, Guid? UnitId, string UserId, string UserName)
{
    public static RectificationViewer Of(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var office = user.IsInRole(Roles.OfficeAdmin) || user.IsInRole(Roles.OfficeStaff);
        var all = office || user.IsInRole(Roles.Leader);
        return new RectificationViewer(office, all, user.IsInRole(Roles.UnitLiaison) ? user.UnitId() : null, user.UserId() ?? "", user.Identity?.Name ?? user.UserId() ?? "");
    }

    /// <summary>SEC-2: the Office and leaders see every unit's records; a liaison only their own unit's.</summary>
    public bool MaySee(Guid unitId) => SeesAll || UnitId == unitId;

    /// <summary>
    /// The Office's acts (issue, review, verify, record outcomes) are refused to anyone else with the rule named;
    /// the endpoints admit other roles so the message can say which rule refused them.
    /// </summary>
    public void RequireOffice(string rule, string what)
    {
        if (!IsOffice)
            throw new DomainRuleException(rule, $"只有效能办工作人员可以{what}。 Only the Office may do this ({rule}).", 403);
    }

    /// <summary>The unit's acts on its own notice only (SEC-2); anything else looks like a missing notice.</summary>
    public void RequireOwnUnit(Guid unitId)
    {
        if (UnitId != unitId) throw NoticeNotFound();
    }

    public static DomainRuleException NoticeNotFound() =>
        new("SEC-2", "整改通知书不存在，或不属于本单位。 No such notice for your unit.", 404);
}
