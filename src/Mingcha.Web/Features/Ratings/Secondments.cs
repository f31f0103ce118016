using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Satisfaction;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Calendar;

namespace Mingcha.Web.Features.Ratings;

public enum SecondmentState
{
    Active,
    Closed,
}

/// <summary>ORG-7: an official seconded to an outlet (e.g. 第一副所长) for a term, with a work log and the outlet's targets.</summary>
public sealed class Secondment : IAudited, IVersioned
{
    private Secondment() { Title = ""; }
    public Secondment(Guid staffId, Guid outletSectionId, string title, DateOnly start, DateOnly end)
    {
        if (end <= start) throw new DomainRuleException("ORG-7", "挂职结束日期须晚于开始日期。 The term must end after it starts.", 422);
        Id = Guid.CreateVersion7(); StaffId = staffId; OutletSectionId = outletSectionId; Title = title; Start = start; End = end;
    }
    public Guid Id { get; private set; }
    public Guid StaffId { get; private set; }
    public Guid OutletSectionId { get; private set; }
    public string Title { get; private set; }
    public DateOnly Start { get; private set; }
    public DateOnly End { get; private set; }
    public SecondmentState State { get; private set; }
    public int Extensions { get; private set; }
    /// <summary>
    /// ORG-7: raised on every save (<see cref="IVersioned"/>, migration 0049, decision 038): two ends of the term made
    /// from the same reading do not both extend it (nor close and extend it at once); the second gets 409.
    /// </summary>
    public int Version { get; private set; }

    /// <summary>
    /// ORG-7 ("达不到目标不予撤回"): at the end of the term (on its last day or later) a secondment whose targets are not
    /// all met is extended by one more term of the same length (<see cref="SecondmentRules.ExtendedEnd"/>), not closed.
    /// </summary>
    public bool EndTerm(int targetsMet, int targetsTotal, DateOnly today)
    {
        if (State != SecondmentState.Active) throw new DomainRuleException("ORG-7", "挂职已结束。 The secondment has ended.");
        if (today < End)
            throw new DomainRuleException("ORG-7", $"挂职期至 {End:yyyy-MM-dd} 届满，届满时再作结论。 The term runs until {End:yyyy-MM-dd}; it is concluded when it ends.", 409);
        if (SecondmentRules.MayClose(targetsMet, targetsTotal)) { State = SecondmentState.Closed; return true; }
        End = SecondmentRules.ExtendedEnd(Start, End, Extensions);
        Extensions++;
        return false;
    }
}

/// <summary>One day of a secondment's work log (工作日志).</summary>
public sealed class SecondmentLog : IAudited
{
    private SecondmentLog() { Text = ""; }
    public SecondmentLog(Guid secondmentId, DateOnly day, bool onSite, string text) { Id = Guid.CreateVersion7(); SecondmentId = secondmentId; Day = day; OnSite = onSite; Text = text; }
    public Guid Id { get; private set; }
    public Guid SecondmentId { get; private set; }
    public DateOnly Day { get; private set; }
    public bool OnSite { get; private set; }
    public string Text { get; private set; }
}

/// <summary>A target of the outlet (S2: the "six standards" of environment, facilities, service behaviour...).</summary>
public sealed class SecondmentTarget : IAudited
{
    private SecondmentTarget() { Name = ""; }
    public SecondmentTarget(Guid secondmentId, string name) { Id = Guid.CreateVersion7(); SecondmentId = secondmentId; Name = name; }
    public Guid Id { get; private set; }
    public Guid SecondmentId { get; private set; }
    public string Name { get; private set; }
    public DateOnly? MetOn { get; private set; }
    public void MarkMet(DateOnly day) => MetOn ??= day;
}

/// <summary>ORG-7 use cases for the Office.</summary>
public sealed class Secondments(MingchaDb db, CalendarService calendar, Infrastructure.LocalClock clock)
{
    public sealed record CreateInput(Guid StaffId, Guid OutletSectionId, [property: Required, StringLength(100)] string Title, DateOnly Start, DateOnly End, IReadOnlyList<string>? Targets);
    public sealed record LogInput(DateOnly Day, bool OnSite, [property: Required, StringLength(4000)] string Text);
    public sealed record PresenceDto(int Year, int Month, int OnSiteWorkingDays, int Required, bool Met);
    public sealed record EndDto(SecondmentState State, DateOnly End, int Extensions, int TargetsMet, int TargetsTotal);

    /// <summary>A target's name (the column's length).</summary>
    public const int TargetMaxLength = 300;

    /// <summary>
    /// ORG-7: the outlet's progress toward its targets decides the end of the term, so a secondment has at least one
    /// target (else it would close at its first term with nothing checked); each at most <see cref="TargetMaxLength"/>.
    /// </summary>
    public async Task<Secondment> CreateAsync(CreateInput input, CancellationToken ct)
    {
        Infrastructure.Problems.RequireDay(input.Start, "start");
        Infrastructure.Problems.RequireDay(input.End, "end");
        var targets = (input.Targets ?? []).Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()).ToList();
        if (targets.Count == 0)
            throw new FieldException("targets", "请至少填写一项网点目标：挂职期满时按目标完成情况决定结束或延期（ORG-7）。 Give at least one target of the outlet: the term ends or is extended by them (ORG-7).");
        if (targets.Any(t => t.Length > TargetMaxLength))
            throw new FieldException("targets", $"目标过长，每项最多 {TargetMaxLength} 字。 A target is too long: at most {TargetMaxLength} characters each.");
        if (await db.Staff.Where(s => s.Id == input.StaffId).Select(s => (bool?)s.Active).FirstOrDefaultAsync(ct) is not { } inPost)
            throw new FieldException("staffId", "工作人员不存在。 No such staff member.");
        if (!inPost) throw new FieldException("staffId", "该工作人员已离岗。 The staff member has left the post.");
        if (await db.Sections.Where(s => s.Id == input.OutletSectionId).Select(s => (bool?)s.Active).FirstOrDefaultAsync(ct) is not { } open)
            throw new FieldException("outletSectionId", "网点不存在。 No such outlet.");
        if (!open) throw new FieldException("outletSectionId", "该网点已撤销。 The outlet is closed."); // decision 045
        var s = new Secondment(input.StaffId, input.OutletSectionId, input.Title.Trim(), input.Start, input.End);
        db.Add(s);
        foreach (var t in targets) db.Add(new SecondmentTarget(s.Id, t));
        await db.SaveChangesAsync(ct);
        return s;
    }

    private async Task<Secondment> LoadAsync(Guid id, CancellationToken ct) =>
        await db.Set<Secondment>().FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw new NotFoundException("挂职记录不存在。 No such secondment.");

    public async Task LogAsync(Guid id, LogInput input, CancellationToken ct)
    {
        var s = await LoadAsync(id, ct);
        if (input.Day < s.Start || input.Day > s.End) throw new FieldException("day", "日期不在挂职期内。 The day is outside the term.");
        // ORG-7: a log of days on site is kept as they happen, not filled in ahead.
        if (input.Day > clock.Today) throw new FieldException("day", "不能为将来的日期记工作日志。 A day to come cannot be logged.");
        if (await db.Set<SecondmentLog>().AnyAsync(l => l.SecondmentId == id && l.Day == input.Day, ct))
            throw new DomainRuleException("ORG-7", "当天已有工作日志。 That day is logged already.");
        db.Add(new SecondmentLog(id, input.Day, input.OnSite, input.Text.Trim()));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>ORG-7: at least one week a month on site, counted as on-site working days (CAL-1) in the work log.</summary>
    public async Task<PresenceDto> PresenceAsync(Guid id, int year, int month, CancellationToken ct)
    {
        await LoadAsync(id, ct);
        Infrastructure.Problems.RequireYear(year);
        if (month is < 1 or > 12) throw new FieldException("month", "月份为 1 到 12。 Month is 1 to 12.");
        var from = new DateOnly(year, month, 1);
        var to = from.AddMonths(1);
        var days = await db.Set<SecondmentLog>().Where(l => l.SecondmentId == id && l.OnSite && l.Day >= from && l.Day < to).Select(l => l.Day).ToListAsync(ct);
        var cal = await calendar.GetAsync(ct);
        var working = days.Count(cal.IsWorkingDay);
        return new PresenceDto(year, month, working, SecondmentRules.MinOnSiteDaysPerMonth, SecondmentRules.PresenceMet(working));
    }

    public async Task MarkTargetMetAsync(Guid targetId, DateOnly day, CancellationToken ct)
    {
        var t = await db.Set<SecondmentTarget>().FirstOrDefaultAsync(x => x.Id == targetId, ct) ?? throw new NotFoundException("目标不存在。 No such target.");
        var s = await LoadAsync(t.SecondmentId, ct);
        // ORG-7: a target is met within the term (as extended), by a day that has come, while the secondment runs.
        if (s.State == SecondmentState.Closed) throw new DomainRuleException("ORG-7", "挂职已结束。 The secondment is closed.");
        if (day > clock.Today) throw new FieldException("day", "达标日期不能晚于今天。 The day a target was met cannot be in the future.");
        if (day < s.Start || day > s.End) throw new FieldException("day", "达标日期不在挂职期内。 The day is outside the term.");
        t.MarkMet(day);
        await db.SaveChangesAsync(ct);
    }

    public async Task<EndDto> EndTermAsync(Guid id, CancellationToken ct)
    {
        var s = await LoadAsync(id, ct);
        var targets = await db.Set<SecondmentTarget>().Where(t => t.SecondmentId == id).ToListAsync(ct);
        var met = targets.Count(t => t.MetOn is not null);
        s.EndTerm(met, targets.Count, clock.Today);
        await db.SaveChangesAsync(ct);
        return new EndDto(s.State, s.End, s.Extensions, met, targets.Count);
    }
}
