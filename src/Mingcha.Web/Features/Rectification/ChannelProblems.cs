using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Calendar;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Rectification;

/// <summary>
/// The channels besides complaints and inspections through which S4 says the Office finds problems (EV-6, decision 021):
/// "发展环境监测、专项效能监察、网上审批电子监察、电子视频监察".
/// </summary>
public enum ProblemChannel
{
    /// <summary>发展环境监测: the development-environment monitoring points.</summary>
    DevelopmentMonitoring = 1,
    /// <summary>专项效能监察: a special efficiency supervision.</summary>
    SpecialSupervision = 2,
    /// <summary>网上审批电子监察: the electronic supervision of online approvals.</summary>
    OnlineApproval = 3,
    /// <summary>电子视频监察: the electronic video supervision of service halls.</summary>
    VideoMonitoring = 4,
}

/// <summary>
/// A problem the Office found in a section through one of S4's other channels (EV-6, decision 021). It is not a finding of
/// an inspection: it costs no points in the deduction ledger (EV-11 sums S1's deductions only). The Office lists it on a
/// rectification notice, and that notice's S4 result is what it costs the section in the rectification score.
/// Kept and audited (SEC-3); a unit learns of it only through the notice.
/// </summary>
public sealed class ChannelProblem : IAudited
{
    private ChannelProblem() { Description = ""; RecordedBy = ""; }

    public ChannelProblem(Guid unitId, Guid sectionId, ProblemChannel channel, DateOnly foundOn, string description, string recordedBy, DateTime nowUtc)
    {
        Id = Guid.CreateVersion7(); Year = foundOn.Year; UnitId = unitId; SectionId = sectionId; Channel = channel; FoundOn = foundOn;
        Description = description.Trim(); RecordedBy = recordedBy; RecordedAt = nowUtc;
    }

    public Guid Id { get; private set; }
    public int Year { get; private set; }
    public Guid UnitId { get; private set; }
    public Guid SectionId { get; private set; }
    public ProblemChannel Channel { get; private set; }
    public DateOnly FoundOn { get; private set; }
    public string Description { get; private set; }
    public string RecordedBy { get; private set; }
    public DateTime RecordedAt { get; private set; }
    /// <summary>The notice that lists it (RCT-2); one notice only, as for a finding (decision 019's claim).</summary>
    public Guid? NoticeId { get; private set; }
    /// <summary>
    /// Its evidence case (EVD, kind Monitoring): the screenshot or recording the Office uploads; hidden from the unit until
    /// the notice is issued, which releases it.
    /// </summary>
    public Guid? EvidenceCaseId { get; private set; }

    public void AttachCase(Guid caseId) => EvidenceCaseId = caseId;

    public void ListOn(Guid noticeId)
    {
        if (NoticeId is not null) throw new DomainRuleException("RCT-2", "问题已列入整改通知书。 The problem is already on a notice.", 409);
        NoticeId = noticeId;
    }

    /// <summary>The channel's name in a notice, a list or a score's explanation.</summary>
    public static string NameOf(ProblemChannel channel) => channel switch
    {
        ProblemChannel.DevelopmentMonitoring => "发展环境监测",
        ProblemChannel.SpecialSupervision => "专项效能监察",
        ProblemChannel.OnlineApproval => "网上审批电子监察",
        ProblemChannel.VideoMonitoring => "电子视频监察",
        _ => channel.ToString(),
    };
}

/// <summary>The Office records problems found through S4's other channels; lists them for the Office and, once on a notice, for their unit.</summary>
public sealed class ChannelProblems(MingchaDb db, CalendarService calendar, TimeProvider time)
{
    public sealed record RecordProblem(
        [property: Required] Guid? SectionId,
        [property: Required] ProblemChannel? Channel,
        [property: Required] DateOnly? FoundOn,
        [property: Required, StringLength(2000, MinimumLength = 1)] string Description);

    public sealed record ProblemLine(Guid Id, int Year, Guid UnitId, string UnitName, Guid SectionId, string SectionName, ProblemChannel Channel, string ChannelName,
        DateOnly FoundOn, string Description, DateTime RecordedAt, Guid? NoticeId, Guid? EvidenceCaseId);
    public sealed record Recorded(Guid Id, Guid EvidenceCaseId);

    /// <summary>
    /// EV-6: the Office records a problem of a section, found on a day no later than today and no earlier than last year.
    /// Refused to anyone else (403 naming EV-6); a section that does not exist or is closed, or a day out of range, is a
    /// field error, and nothing is stored.
    /// </summary>
    public async Task<Recorded> RecordAsync(RecordProblem r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        Problems.ValidateLengths(r); // pages call this too: an over-long text is a message there, as in the API
        var viewer = RectificationViewer.Of(by);
        viewer.RequireOffice("EV-6", "登记其他渠道发现的问题");
        if (r.Channel is not { } channel || !Enum.IsDefined(channel))
            throw new FieldException("channel", "请选择发现问题的渠道。 Choose the channel the problem was found through.");
        if (string.IsNullOrWhiteSpace(r.Description)) throw new FieldException("description", "问题描述必填。 Describe the problem.");
        var sectionId = r.SectionId ?? throw new FieldException("sectionId", "请选择科室。 Choose the section.");
        var section = await db.Sections.AsNoTracking().Where(s => s.Id == sectionId).Select(s => new { s.UnitId, s.Active, s.Name }).FirstOrDefaultAsync(ct);
        if (section is not { Active: true }) throw new FieldException("sectionId", "科室不存在或已撤销。 No such section, or it is closed.");
        var now = time.GetUtcNow().UtcDateTime;
        var today = calendar.LocalDate(now);
        var foundOn = r.FoundOn ?? throw new FieldException("foundOn", "请填写发现日期。 Give the day it was found.");
        if (foundOn > today) throw new FieldException("foundOn", "发现日期不能晚于今天。 The day found cannot be in the future.");
        if (foundOn.Year < today.Year - 1) throw new FieldException("foundOn", "只能登记今年和上一年发现的问题。 Only problems found this year or last can be recorded.");
        var problem = new ChannelProblem(section.UnitId, sectionId, channel, foundOn, r.Description, viewer.UserId, now);
        // Its evidence case, in the same save: the Office uploads the screenshot or recording there (EVD-1, EVD-3).
        var title = $"{ChannelProblem.NameOf(channel)} · {section.Name} · {foundOn:yyyy-MM-dd}";
        var @case = new Evidence.EvidenceCase(Mingcha.Domain.Evidence.EvidenceCaseKind.Monitoring, title.Length <= 200 ? title : title[..200], section.UnitId, null,
            nameof(ChannelProblem), problem.Id, viewer.UserId, now);
        db.EvidenceCases.Add(@case);
        problem.AttachCase(@case.Id);
        db.ChannelProblems.Add(problem);
        await db.SaveChangesAsync(ct);
        return new Recorded(problem.Id, @case.Id);
    }

    /// <summary>
    /// The Office and leaders see every problem (<paramref name="open"/>: only those on no notice yet); a unit's liaison
    /// sees its own unit's, and only those already on a notice (SEC-2: the unit learns of a problem from its notice).
    /// </summary>
    public async Task<List<ProblemLine>> ListAsync(ClaimsPrincipal user, int? year, Guid? unitId, bool open, CancellationToken ct)
    {
        var viewer = RectificationViewer.Of(user);
        var q = db.ChannelProblems.AsNoTracking();
        if (!viewer.SeesAll)
        {
            var own = viewer.UnitId ?? Guid.Empty;
            q = q.Where(p => p.UnitId == own && p.NoticeId != null);
        }
        if (year is { } y) q = q.Where(p => p.Year == y);
        if (unitId is { } u) q = q.Where(p => p.UnitId == u);
        if (open) q = q.Where(p => p.NoticeId == null);
        var rows = await (from p in q
                          join s in db.Sections on p.SectionId equals s.Id
                          join un in db.Units on p.UnitId equals un.Id
                          orderby p.RecordedAt descending
                          select new { p, Section = s.Name, Unit = un.Name }).Take(1000).ToListAsync(ct);
        return rows.Select(x => new ProblemLine(x.p.Id, x.p.Year, x.p.UnitId, x.Unit, x.p.SectionId, x.Section, x.p.Channel, ChannelProblem.NameOf(x.p.Channel),
            x.p.FoundOn, x.p.Description, x.p.RecordedAt, x.p.NoticeId, x.p.EvidenceCaseId)).ToList();
    }
}
