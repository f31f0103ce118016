using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Calendar;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Infrastructure;
using Mingcha.Web.Infrastructure.Documents;

namespace Mingcha.Web.Features.Rectification;

/// <summary>
/// The demo city's rectification desk, so that a fresh demo shows a notice at work: two problems of the human-resources
/// bureau that the Office found through S4's other channels in the last working days (EV-6: the video supervision of its
/// main hall, the electronic supervision of online approvals), recorded through <see cref="ChannelProblems"/> and listed on a
/// rectification notice issued through <see cref="Notices"/> as the Office would (RCT-2: its GB/T 9704 document numbered
/// and rendered, its deadline and objection window counted on the calendar), so the bureau's liaison finds it to answer or
/// object to. (The demo city's seed leaves one more problem, of a township outlet, for the Office to put on a notice:
/// <see cref="Inspections.InspectionDemoData"/>.) The notice's PDF needs Chromium: without it the problems are recorded and
/// the notice waits for a start that has it.
/// Once, only with the demo city, by the demo's activity at start (<see cref="DemoActivityLoop"/>); a start stopped half way
/// is finished by the next (a problem is known by its text and the demo's user), and problems the Office has put on a
/// notice of its own are left to it.
/// </summary>
public sealed partial class DemoRectification(IServiceScopeFactory scopes, LocalClock clock, ChromiumPdfPrinter printer, ILogger<DemoRectification> logger)
{
    /// <summary>Who the demo's records name as the Office's user.</summary>
    public const string DemoUser = "demo";

    /// <summary>The demo's problems: channel, section code, working days before today, what was found.</summary>
    public static readonly IReadOnlyList<(ProblemChannel Channel, string SectionCode, int DaysAgo, string Description)> Problems =
    [
        (ProblemChannel.VideoMonitoring, DemoData.HrUnitCode + "-H01-W03", 3,
            "抽查大厅录像发现：3 号窗口工作人员上午 10:12 至 10:31 在岗期间使用手机处理私事，窗口前有 2 名群众等候。"),
        (ProblemChannel.OnlineApproval, DemoData.HrUnitCode + "-S03", 2,
            "系统预警：养老保险关系转移接续 3 件超过承诺办结时限（承诺 10 个工作日），最长超期 4 个工作日，未向申请人说明原因。"),
    ];

    /// <summary>What the demo's notice requires of the bureau.</summary>
    public const string RequiredAction =
        "对照所列问题逐项整改：加强窗口工作纪律管理，对当事工作人员批评教育；清理超期件并逐件向申请人说明原因，建立办结时限预警提醒机制。";

    /// <returns>The problems recorded and whether the notice was issued by this call.</returns>
    public async Task<(int Recorded, bool Issued)> LoadAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<MingchaDb>();
        var hr = await db.Units.AsNoTracking().Where(u => u.Code == DemoData.HrUnitCode && u.IsDemo).Select(u => (Guid?)u.Id).FirstOrDefaultAsync(ct);
        if (hr is not { } unitId) return (0, false);
        var codes = Problems.Select(p => p.SectionCode).ToList();
        var sections = await db.Sections.AsNoTracking().Where(s => s.UnitId == unitId && s.Active && codes.Contains(s.Code))
            .ToDictionaryAsync(s => s.Code, s => s.Id, StringComparer.Ordinal, ct);
        if (sections.Count != codes.Distinct().Count()) return (0, false); // the demo bureau was reorganised: its users' now
        var texts = Problems.Select(p => p.Description).ToList();
        var existing = await db.ChannelProblems.AsNoTracking().Where(p => p.RecordedBy == DemoUser && p.UnitId == unitId && texts.Contains(p.Description))
            .Select(p => new { p.Id, p.Description, p.NoticeId }).ToListAsync(ct);

        var office = ActingAs.User(DemoUser, Roles.OfficeAdmin);
        var problems = sp.GetRequiredService<ChannelProblems>();
        var calendar = await sp.GetRequiredService<CalendarService>().GetAsync(ct);
        var today = clock.Today;
        var ids = new List<(Guid Id, Guid? NoticeId)>();
        var recorded = 0;
        foreach (var (channel, code, daysAgo, description) in Problems)
        {
            if (existing.FirstOrDefault(p => p.Description == description) is { } known)
            {
                ids.Add((known.Id, known.NoticeId));
                continue;
            }
            var r = await problems.RecordAsync(new ChannelProblems.RecordProblem(sections[code], channel, DemoDays.WorkingDaysBefore(calendar, today, daysAgo), description), office, ct);
            ids.Add((r.Id, null));
            recorded++;
        }

        // RCT-2: both on one notice, unless the Office has listed either of them itself.
        if (ids.Any(p => p.NoticeId is not null)) return (recorded, false);
        if (!printer.IsAvailable)
        {
            LogNoChromium(logger);
            return (recorded, false);
        }
        await sp.GetRequiredService<Notices>().IssueAsync(new Notices.IssueNotice(unitId, null, RequiredAction, null, null, [.. ids.Select(p => p.Id)]), office, ct);
        return (recorded, true);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Chromium was not found: the demo's rectification notice waits for a start with Chromium (its problems are recorded)")]
    private static partial void LogNoChromium(ILogger logger);
}
