using System.Collections.Frozen;

namespace Mingcha.Domain.Security;

/// <summary>
/// The account roles of Rule SEC-1 and the rules attached to them: which need a second factor,
/// which are bound to one unit, and the separation of the three administrator roles (三员分立).
/// Role names are stable ASCII identifiers, stored as they are.
/// </summary>
public static class Roles
{
    /// <summary>效能办管理员: runs the Office's work and its settings.</summary>
    public const string OfficeAdmin = "OfficeAdmin";

    /// <summary>效能办工作人员.</summary>
    public const string OfficeStaff = "OfficeStaff";

    /// <summary>效能监督员: recruited supervisor, works in teams.</summary>
    public const string Supervisor = "Supervisor";

    /// <summary>第三方暗访员: an agency's covert inspector.</summary>
    public const string AgencyInspector = "AgencyInspector";

    /// <summary>单位联络员: sees only their own unit (Rule SEC-2).</summary>
    public const string UnitLiaison = "UnitLiaison";

    /// <summary>领导: read-only overview.</summary>
    public const string Leader = "Leader";

    /// <summary>监测点: files evaluations (S4).</summary>
    public const string MonitoringPoint = "MonitoringPoint";

    /// <summary>测评代表: files evaluations (S4).</summary>
    public const string EvaluationRep = "EvaluationRep";

    /// <summary>系统管理员: accounts and system settings, no business data.</summary>
    public const string SystemAdmin = "SystemAdmin";

    /// <summary>安全管理员: role grants and security settings.</summary>
    public const string SecurityAdmin = "SecurityAdmin";

    /// <summary>安全审计员: reads and verifies the audit log.</summary>
    public const string Auditor = "Auditor";

    private static readonly (string Role, string Zh, string En)[] Table =
    [
        (OfficeAdmin, "效能办管理员", "Office administrator"),
        (OfficeStaff, "效能办工作人员", "Office staff"),
        (Supervisor, "效能监督员", "Supervisor"),
        (AgencyInspector, "第三方暗访员", "Agency inspector"),
        (UnitLiaison, "单位联络员", "Unit liaison"),
        (Leader, "领导", "Leader"),
        (MonitoringPoint, "监测点", "Monitoring point"),
        (EvaluationRep, "测评代表", "Evaluation representative"),
        (SystemAdmin, "系统管理员", "System administrator"),
        (SecurityAdmin, "安全管理员", "Security administrator"),
        (Auditor, "安全审计员", "Security auditor"),
    ];

    private static readonly FrozenDictionary<string, (string Zh, string En)> Names =
        Table.ToFrozenDictionary(t => t.Role, t => (t.Zh, t.En), StringComparer.Ordinal);

    /// <summary>Every role, in display order.</summary>
    public static IReadOnlyList<string> All { get; } = Array.AsReadOnly(Table.Select(t => t.Role).ToArray());

    /// <summary>Roles that must sign in with a second factor: those that can change or read everything.</summary>
    public static readonly IReadOnlySet<string> RequireTwoFactor =
        new[] { OfficeAdmin, SystemAdmin, SecurityAdmin, Auditor }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// The three administrator roles kept apart (三员分立, Rule SEC-1): none may be combined
    /// with another of them or with any business role.
    /// </summary>
    public static readonly IReadOnlySet<string> SeparatedAdministrators =
        new[] { SystemAdmin, SecurityAdmin, Auditor }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// Rule SEC-1, decision 036: which administrator role an account that holds several (stored before 三员分立 was checked)
    /// keeps: the first it holds of security administrator, system administrator, auditor. The security administrator comes
    /// first because only that role sets roles, and never on its own account: kept, it lets the account give the role to a
    /// second person who then sets this account right; kept as system administrator or auditor, an account that was the only
    /// security administrator would leave nobody able to change any role.
    /// </summary>
    public static IReadOnlyList<string> AdministratorPrecedence { get; } = Array.AsReadOnly(new[] { SecurityAdmin, SystemAdmin, Auditor });

    /// <summary>Whether <paramref name="role"/> is one of <see cref="All"/> (exact, case-sensitive).</summary>
    public static bool IsKnown(string? role) => role is not null && Names.ContainsKey(role);

    /// <summary>The Chinese display name, e.g. 效能办管理员.</summary>
    /// <exception cref="ArgumentException">Unknown role.</exception>
    public static string DisplayNameZh(string role) => Lookup(role).Zh;

    /// <summary>The English display name, e.g. Office administrator.</summary>
    /// <exception cref="ArgumentException">Unknown role.</exception>
    public static string DisplayNameEn(string role) => Lookup(role).En;

    /// <summary>Whether an account with this role must be tied to exactly one unit (Rule SEC-2).</summary>
    /// <exception cref="ArgumentException">Unknown role.</exception>
    public static bool IsUnitBound(string role)
    {
        Lookup(role);
        return string.Equals(role, UnitLiaison, StringComparison.Ordinal);
    }

    /// <summary>
    /// Rule SEC-2: a role that sees every unit (the Office, leaders). A unit's liaison never holds one: it would undo the
    /// unit scoping of their account (another unit's findings, notices, complaints, planned covert visits).
    /// </summary>
    /// <exception cref="ArgumentException">Unknown role.</exception>
    public static bool SeesAllUnits(string role)
    {
        Lookup(role);
        return role is OfficeAdmin or OfficeStaff or Leader;
    }

    /// <summary>
    /// Rule SEC-1 (三员分立): whether one account may hold both roles. A role always goes with
    /// itself; the system administrator, security administrator and auditor go with no other role.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown role.</exception>
    public static bool MayHoldTogether(string a, string b)
    {
        Lookup(a);
        Lookup(b);
        if (string.Equals(a, b, StringComparison.Ordinal))
        {
            return true;
        }

        return !SeparatedAdministrators.Contains(a) && !SeparatedAdministrators.Contains(b);
    }

    /// <summary>Rule SEC-1: whether one account may hold all of <paramref name="roles"/> at once.</summary>
    /// <exception cref="ArgumentException">An unknown role.</exception>
    public static bool MayHoldAll(IEnumerable<string> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var distinct = roles.Distinct(StringComparer.Ordinal).ToList();
        distinct.ForEach(r => Lookup(r));

        // Pairwise is enough: the separation is a relation between two roles.
        return distinct.Count <= 1 || !distinct.Exists(SeparatedAdministrators.Contains);
    }

    /// <summary>
    /// Rules SEC-1, SEC-2 and INS-9 for accounts that hold a combination made before those rules were checked (decisions 034
    /// and 036): the roles <paramref name="roles"/> that such an account does not get, each with its reason. SEC-2, INS-9: the
    /// safer role yields: the one that sees every unit or inspects is withheld, the unit binding and the liaison role are kept.
    /// SEC-1 (三员分立): an account holding an administrator role acts as one administrator role and nothing else: the first
    /// of <see cref="AdministratorPrecedence"/> it holds is kept, every other role it holds (the other administrator roles and
    /// any business role) is withheld. A role is listed once, under the first reason that applies in that order (SEC-2, then
    /// INS-9, then SEC-1). Empty for an allowed combination. Unknown role names are ignored (they grant nothing).
    /// </summary>
    /// <param name="roles">The roles stored for the account.</param>
    /// <param name="facts">The account's unit binding and its links to a supervisor's or an agency inspector's record.</param>
    public static IReadOnlyList<WithheldRole> Withheld(IEnumerable<string> roles, AccountBinding facts)
    {
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(facts);
        var held = roles.Where(IsKnown).Distinct(StringComparer.Ordinal).ToList();
        var liaison = held.Contains(UnitLiaison, StringComparer.Ordinal);
        // SEC-1: the one administrator role kept, if the account holds any (decision 036).
        var administrator = AdministratorPrecedence.FirstOrDefault(a => held.Contains(a, StringComparer.Ordinal));
        var withheld = new List<WithheldRole>();
        foreach (var role in held.OrderBy(r => Array.FindIndex(Table, t => t.Role == r)))
        {
            if ((facts.BoundToUnit || liaison) && SeesAllUnits(role))
                withheld.Add(new WithheldRole(role, WithheldReason.UnitAccountSeesAllUnits));
            else if (liaison && role is Supervisor or AgencyInspector)
                withheld.Add(new WithheldRole(role, WithheldReason.LiaisonInspects));
            else if (facts.BoundToUnit && ((role == Supervisor && facts.LinkedSupervisor) || (role == AgencyInspector && facts.LinkedAgencyInspector)))
                withheld.Add(new WithheldRole(role, WithheldReason.UnitAccountIsInspector));
            else if (administrator is not null && role != administrator)
                withheld.Add(new WithheldRole(role, WithheldReason.AdministratorsSeparated));
        }
        return withheld;
    }

    private static (string Zh, string En) Lookup(string role)
    {
        ArgumentNullException.ThrowIfNull(role);
        return Names.TryGetValue(role, out var names)
            ? names
            : throw new ArgumentException($"Unknown role '{role}'.", nameof(role));
    }
}

/// <summary>What decides whether an account's roles hold together beyond the roles themselves (SEC-2, INS-9).</summary>
/// <param name="BoundToUnit">The account belongs to a unit (<c>UnitId</c>).</param>
/// <param name="LinkedSupervisor">A supervisor's record names the account.</param>
/// <param name="LinkedAgencyInspector">An active agency inspector's record names the account.</param>
public sealed record AccountBinding(bool BoundToUnit, bool LinkedSupervisor = false, bool LinkedAgencyInspector = false);

/// <summary>Why a stored role is not given to an account (decision 034).</summary>
public enum WithheldReason
{
    /// <summary>SEC-2: the account belongs to a unit (or is its liaison); a role that sees every unit is not given.</summary>
    UnitAccountSeesAllUnits,

    /// <summary>SEC-2, INS-9: a liaison is no supervisor or agency inspector.</summary>
    LiaisonInspects,

    /// <summary>INS-9: an account bound to a unit is linked as a supervisor's or an agency's inspector.</summary>
    UnitAccountIsInspector,

    /// <summary>
    /// SEC-1 (三员分立): the account holds an administrator role with another role; it keeps one administrator role
    /// (<see cref="Roles.AdministratorPrecedence"/>) and this role is withheld.
    /// </summary>
    AdministratorsSeparated,
}

/// <summary>A stored role that the account does not get, and why.</summary>
public sealed record WithheldRole(string Role, WithheldReason Reason)
{
    /// <summary>The rule the combination breaks.</summary>
    public string Rule => Reason switch
    {
        WithheldReason.UnitAccountIsInspector => "INS-9",
        WithheldReason.AdministratorsSeparated => "SEC-1",
        _ => "SEC-2",
    };
}
