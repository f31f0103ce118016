using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Calendar;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.Web.Infrastructure;

/// <summary>
/// What happens before the first request: schema migrated, roles and the official calendar present, the
/// first office administrator created with a random password (printed once), the demo city loaded if wanted.
/// </summary>
public static class Bootstrap
{
    public sealed record Credential(string Role, string UserName, string Password);

    public static async Task<IReadOnlyList<Credential>> PrepareAsync(IServiceProvider root, CancellationToken ct = default)
    {
        await using var scope = root.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var options = sp.GetRequiredService<IOptions<MingchaOptions>>().Value;
        await sp.GetRequiredService<SchemaMigrator>().MigrateAsync(ct);
        // SEC-4: the audit log seals personal values; make sure the key ring exists now, because creating a key
        // writes to the database and must not happen inside another writer's SQLite transaction.
        _ = sp.GetRequiredService<Features.Audit.PersonalDataSealer>().Seal("key-ring");
        var db = sp.GetRequiredService<MingchaDb>();
        // Several instances may start together on one PostgreSQL: one prepares, the others wait and find it done.
        await db.Database.OpenConnectionAsync(ct);
        if (db.IsPostgres) await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({BootstrapLockKey})", ct);
        try
        {
            return await PrepareLockedAsync(sp, db, options, ct);
        }
        finally
        {
            if (db.IsPostgres) await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({BootstrapLockKey})", CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }

    private const long BootstrapLockKey = 727_274_002;

    private static async Task<IReadOnlyList<Credential>> PrepareLockedAsync(IServiceProvider sp, MingchaDb db, MingchaOptions options, CancellationToken ct)
    {
        var accounts = sp.GetRequiredService<AccountService>();
        await accounts.EnsureRolesAsync();
        await sp.GetRequiredService<CalendarAdmin>().SeedOfficialAsync(ct);

        var created = new List<Credential>();
        var demoLoaded = options.LoadDemoData && await sp.GetRequiredService<DemoData>().LoadIfEmptyAsync(ct);
        await sp.GetRequiredService<Features.Inspections.InspectionSetup>().EnsureAsync(ct);
        if (demoLoaded) await sp.GetRequiredService<Features.Inspections.InspectionDemoData>().LoadAsync(ct);
        if (demoLoaded) await sp.GetRequiredService<Features.Inspections.QuestionBank>().LoadDemoAsync(ct);
        if (!await db.Users.AnyAsync(ct))
        {
            var (_, password) = await accounts.CreateAsync("admin", "效能办管理员", null, null, [Roles.OfficeAdmin]);
            created.Add(new Credential(Roles.OfficeAdmin, "admin", password));
            if (demoLoaded) created.AddRange(await CreateDemoAccountsAsync(sp, db, accounts, ct));
        }
        return created;
    }

    /// <summary>
    /// One demo account per role so every page can be tried; passwords random, printed once. The supervisor's is the first
    /// team's leader's (ORG-3), the agency inspector's the demo agency's (ORG-4), so the running rounds' visits wait in
    /// their work lists (the open round's in the supervisor's, the covert round's in the agency inspector's).
    /// </summary>
    private static async Task<IEnumerable<Credential>> CreateDemoAccountsAsync(IServiceProvider sp, MingchaDb db, AccountService accounts, CancellationToken ct)
    {
        var hr = await db.Units.AsNoTracking().FirstAsync(u => u.Code == DemoData.HrUnitCode, ct);
        var list = new List<Credential>();
        foreach (var (user, name, role, unit) in new (string, string, string, Guid?)[]
        {
            ("staff", "效能办工作人员（演示）", Roles.OfficeStaff, null),
            ("leader", "分管领导（演示）", Roles.Leader, null),
            ("hr.liaison", "人社局联络员（演示）", Roles.UnitLiaison, hr.Id),
            ("hr.leader", "人社局副局长（演示，在岗领导签字）", Roles.UnitLiaison, hr.Id),
            ("inspector", "效能监督员（演示，第一督查组组长）", Roles.Supervisor, null),
            ("agency", "第三方暗访员（演示，明鉴公司）", Roles.AgencyInspector, null),
            ("monitor", "效能监测点（演示）", Roles.MonitoringPoint, null),
            ("rep", "测评代表（演示）", Roles.EvaluationRep, null),
            ("sysadmin", "系统管理员（演示）", Roles.SystemAdmin, null),
            ("secadmin", "安全管理员（演示）", Roles.SecurityAdmin, null),
            ("auditor", "安全审计员（演示）", Roles.Auditor, null),
        })
        {
            var (account, password) = await accounts.CreateAsync(user, name, unit, null, [role], isDemo: true);
            // INS-8: the demo unit's leader, who signs inspection records on the inspector's phone.
            if (user == "hr.leader") await accounts.SetUnitLeaderAsync(account.Id, true, "demo");
            // Linked as the Office would link them, through the same checks (ORG-3, ORG-4, SEC-2).
            if (role == Roles.Supervisor && await DemoData.FirstTeam(db).Select(t => t.LeaderId).FirstOrDefaultAsync(ct) is { } leader)
                await OrganisationApi.LinkSupervisorAccountAsync(leader, new OrganisationApi.LinkSupervisorAccount(user), db, ct);
            if (role == Roles.AgencyInspector && await DemoData.FirstAgency(db).Select(a => (Guid?)a.Id).FirstOrDefaultAsync(ct) is { } agency)
            {
                var inspector = await sp.GetRequiredService<Features.Inspections.Agencies>().AddInspectorAsync(agency, new("演示暗访员", account.Id), ct);
                (await db.AgencyInspectors.FirstAsync(i => i.Id == inspector, ct)).IsDemo = true;
                await db.SaveChangesAsync(ct);
            }
            list.Add(new Credential(role, user, password));
        }
        return list;
    }

    public static void Print(IEnumerable<string> urls, IReadOnlyList<Credential> credentials, MingchaOptions options)
    {
        var url = urls.FirstOrDefault() ?? "http://localhost:5000";
        Console.WriteLine();
        Console.WriteLine("================ 明查 Mingcha ================");
        Console.WriteLine($"  地址 URL:       {url}");
        Console.WriteLine($"  数据库 Database: {(options.IsPostgres ? "PostgreSQL" : options.ResolvedConnectionString)}");
        if (credentials.Count > 0)
        {
            Console.WriteLine("  初始账户（密码仅显示这一次） Initial accounts (passwords shown this once):");
            foreach (var c in credentials)
                Console.WriteLine($"    {Roles.DisplayNameZh(c.Role),-8} {c.Role,-16} 用户名 user: {c.UserName,-12} 密码 password: {c.Password}");
            Console.WriteLine("  管理员首次登录需设置双因素认证（TOTP）。 Administrators set up TOTP two-factor at first login.");
        }
        Console.WriteLine("==============================================");
        Console.WriteLine();
    }
}
