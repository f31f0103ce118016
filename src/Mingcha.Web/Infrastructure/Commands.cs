using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Features.Identity;

namespace Mingcha.Web.Infrastructure;

/// <summary>
/// Administrative commands of the same executable: <c>migrate</c>, <c>create-admin</c>, <c>import-org</c>,
/// <c>verify-audit</c>, <c>verify-evidence</c>, <c>backup</c>, <c>count-ratings</c>, <c>schema-script</c>. A handful of verbs with one or two options each: a plain switch
/// reads better than a parser library here.
/// </summary>
public static class Commands
{
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        "migrate", "create-admin", "import-org", "verify-audit", "verify-evidence", "backup", "count-ratings", "schema-script", "help",
    };

    public static bool IsCommand(string[] args) => args.Length > 0 && Names.Contains(args[0]);

    /// <summary>Runs the command; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, IServiceProvider root)
    {
        await using var scope = root.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        switch (args[0])
        {
            case "migrate":
            {
                var applied = await sp.GetRequiredService<SchemaMigrator>().MigrateAsync();
                Console.WriteLine($"Schema up to date ({applied} script(s) applied).");
                return 0;
            }
            case "create-admin":
            {
                var user = Option(args, "--user") ?? "admin";
                var role = Option(args, "--role") ?? Roles.OfficeAdmin;
                if (!Roles.All.Contains(role)) { Console.Error.WriteLine($"Unknown role {role}. Roles: {string.Join(", ", Roles.All)}"); return 2; }
                await sp.GetRequiredService<SchemaMigrator>().MigrateAsync();
                var accounts = sp.GetRequiredService<AccountService>();
                await accounts.EnsureRolesAsync();
                try
                {
                    var (_, password) = await accounts.CreateAsync(user, Option(args, "--name") ?? Roles.DisplayNameZh(role), null, null, [role]);
                    Console.WriteLine($"Created {user} ({role}). Password (shown once): {password}");
                    return 0;
                }
                catch (DomainRuleException e) { Console.Error.WriteLine(e.Message); return 1; }
            }
            case "import-org":
            {
                if (args.Length < 2) { Console.Error.WriteLine("usage: import-org FILE.xlsx|FILE.csv ..."); return 2; }
                await sp.GetRequiredService<SchemaMigrator>().MigrateAsync();
                var importer = sp.GetRequiredService<Features.Organisation.Import.OrganisationImporter>();
                var files = args.Skip(1).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
                var report = await importer.ImportFilesAsync(files, CancellationToken.None);
                Console.WriteLine(report.Summary);
                foreach (var e in report.Errors.Take(200)) Console.WriteLine($"  {e}");
                return report.Ok ? 0 : 1;
            }
            case "verify-audit":
            {
                var report = await sp.GetRequiredService<AuditVerifier>().VerifyAsync();
                if (report.IsIntact) { Console.WriteLine($"审计日志完整 Audit chain intact: {report.Checked} entries."); return 0; }
                Console.WriteLine($"审计日志被篡改 Audit chain BROKEN at entry {report.FirstBreak!.Seq}: {report.FirstBreak.Message}");
                foreach (var b in report.Breaks.Skip(1)) Console.WriteLine($"  entry {b.Seq}: {b.Message}");
                if (report.Stopped) Console.WriteLine($"  检查在第 {report.Breaks[^1].Seq} 条停止 Check stopped at entry {report.Breaks[^1].Seq} (reordered, or {Mingcha.Domain.Audit.AuditChain.MaxBreaks} breaks).");
                return 1;
            }
            case "verify-evidence":
            {
                // EVD-5: every stored file re-hashed, the evidence chain and the audit chain checked; exit 1 on any mismatch.
                var report = await sp.GetRequiredService<Features.Evidence.EvidenceVerifier>().VerifyAsync();
                Console.WriteLine($"文件 Files: {report.FilesChecked} ({report.BytesHashed:N0} bytes, {report.MegabytesPerSecond:F0} MB/s); "
                    + $"证据记录 Records: {report.RecordsChecked}; 审计日志 Audit entries: {report.AuditEntriesChecked}");
                foreach (var p in report.Problems) Console.WriteLine($"  [{p.Kind}] {p.Subject}: {p.Message}");
                Console.WriteLine(report.IsIntact ? "证据完整 Evidence intact." : $"发现 {report.Problems.Count} 处不符 {report.Problems.Count} mismatch(es) found.");
                return report.IsIntact ? 0 : 1;
            }
            case "backup":
            {
                var folder = args.Skip(1).FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal));
                if (folder is null) { Console.Error.WriteLine("usage: backup FOLDER [--no-evidence]"); return 2; }
                try
                {
                    var r = await sp.GetRequiredService<Backup>().TakeAsync(folder, !args.Contains("--no-evidence"), CancellationToken.None);
                    Console.WriteLine(r.DatabaseIncluded
                        ? $"数据库 Database: {r.DatabaseFile} (SHA-256 {r.DatabaseSha256}, integrity ok)"
                        : "数据库 Database: PostgreSQL, not copied: dump it with pg_dump --format=custom (docs/operations.md)");
                    Console.WriteLine($"密钥证书 Key certificate: {r.KeyCertificateThumbprint}");
                    foreach (var p in r.PreviousKeyCertificates) Console.WriteLine($"原密钥证书 Previous key certificate (list it in Mingcha:PreviousKeyCertificates on restore): {p}");
                    Console.WriteLine(r.EvidenceIncluded ? $"证据文件 Evidence files: {r.EvidenceFiles} ({r.EvidenceBytes:N0} bytes)"
                        : r.EvidenceBackend == "Local" ? "证据文件未复制 Evidence files left out (--no-evidence)"
                        : $"证据文件未复制 Evidence files on {r.EvidenceBackend}: not copied (bucket versioning or replication, docs/operations.md)");
                    Console.WriteLine($"备份完成 Backup written to {r.Folder}");
                    return 0;
                }
                catch (BackupRefusedException e) { Console.Error.WriteLine(e.Message); return 1; }
            }
            case "count-ratings":
            {
                // SAT-4 (decision 043): what the hourly job does, at once (after a restore or a large import, say).
                await sp.GetRequiredService<SchemaMigrator>().MigrateAsync();
                Console.WriteLine(await sp.GetRequiredService<Features.Ratings.RatingDayCounts>().RefreshAsync(CancellationToken.None));
                return 0;
            }
            case "schema-script":
            {
                // Development aid for writing a migration script: the full schema the model wants.
                Console.WriteLine(sp.GetRequiredService<MingchaDb>().Database.GenerateCreateScript());
                return 0;
            }
            default:
                Console.WriteLine("Commands: migrate | create-admin --user NAME [--role ROLE] [--name DISPLAY] | import-org FILE... | verify-audit | verify-evidence | backup FOLDER [--no-evidence] | count-ratings | schema-script");
                Console.WriteLine("Settings: --Mingcha:DatabaseProvider=Postgres --Mingcha:ConnectionString=... --Mingcha:DataFolder=...");
                return 0;
        }
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
