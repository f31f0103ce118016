using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Identifiers;
using Mingcha.Domain.Satisfaction;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Features.Organisation;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Ratings;

/// <summary>
/// SAT-3: a quarter's phone-survey draw. Keeps what it takes to repeat it: the algorithm, the seed and the input list
/// (the sorted case numbers of the quarter's service records with a phone number) with its SHA-256.
/// </summary>
public sealed class SurveyDrawRecord : IAudited
{
    private SurveyDrawRecord() { Seed = ""; Algorithm = ""; InputHash = ""; InputList = ""; DrawnBy = ""; }
    public SurveyDrawRecord(int year, int quarter, int requested, SurveyDrawResult r, IEnumerable<string> sortedInput, string drawnBy, DateTime nowUtc)
    {
        Id = Guid.CreateVersion7(); Year = year; Quarter = quarter; Requested = requested; Seed = r.Seed; Algorithm = r.Algorithm;
        InputHash = r.InputHash; InputCount = r.InputCount; InputList = string.Join("\n", sortedInput); DrawnBy = drawnBy; DrawnAt = nowUtc;
    }
    public Guid Id { get; private set; }
    public int Year { get; private set; }
    public int Quarter { get; private set; }
    public int Requested { get; private set; }
    public string Seed { get; private set; }
    public string Algorithm { get; private set; }
    public string InputHash { get; private set; }
    public int InputCount { get; private set; }
    /// <summary>The candidates, sorted, one per line.</summary>
    public string InputList { get; private set; }
    /// <summary>The candidates of <see cref="InputList"/>, in order: what the draw, its check and its replacements run on.</summary>
    public string[] Candidates() => InputList.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    public string DrawnBy { get; private set; }
    public DateTime DrawnAt { get; private set; }
}

/// <summary>One person to call in a survey draw.</summary>
public sealed class SurveyCall : IAudited
{
    private SurveyCall() { CaseNumber = ""; }
    public SurveyCall(Guid drawId, int order, ServiceRecord record)
    { Id = Guid.CreateVersion7(); DrawId = drawId; Order = order; CaseNumber = record.CaseNumber; UnitId = record.UnitId; SectionId = record.SectionId; }
    public Guid Id { get; private set; }
    public Guid DrawId { get; private set; }
    public int Order { get; private set; }
    public string CaseNumber { get; private set; }
    public Guid UnitId { get; private set; }
    public Guid SectionId { get; private set; }
    public DateTime? CalledAt { get; private set; }
    public bool? Reached { get; private set; }
    public Guid? RatingId { get; private set; }

    /// <summary>Records a call: reached (with the answer's rating) or not. A person not reached may be called again; once reached, the answer stands.</summary>
    public void Record(bool reached, Guid? ratingId, DateTime nowUtc)
    {
        if (Answered) throw new DomainRuleException("SAT-3", "该调查对象已有答复。 This call already has an answer.");
        CalledAt = nowUtc; Reached = reached; RatingId = ratingId;
    }

    /// <summary>Reached and answered: nothing more to record. Not reached yet: another attempt may be recorded (each one stays in the audit trail).</summary>
    public bool Answered => RatingId is not null || Reached == true;
}

/// <summary>
/// SAT-3: the quarter has no service record with a phone number finished in it: nothing is drawn and nothing stored, so the
/// quarter can be drawn once its records are in (422).
/// </summary>
public sealed class NothingToDrawException(int year, int quarter) : DomainRuleException("SAT-3",
    $"{year} 年第 {quarter} 季度没有留有电话号码的办件，无人可抽；导入或推送该季度的办件后再抽取。 "
    + $"No service record with a phone number was finished in quarter {quarter} of {year}: nobody to draw. Draw it once the quarter's records are in.", 422);

/// <summary>SAT-3 draws, calling lists (SEC-4: masked numbers, reveal logged) and answers recorded as ratings of channel "phone".</summary>
public sealed class PhoneSurveys(MingchaDb db, RatingIntake intake, LocalClock clock, TimeProvider time, IOptions<RatingOptions> options)
{
    public sealed record DrawInput(int Year, int Quarter, int? Count, [property: StringLength(200)] string? Seed);
    public sealed record AnswerInput([property: Required] bool? Reached, int? Level, RatingScale? Scale, string? Comment);
    /// <summary>
    /// One person of a draw's calling list; <c>Replacement</c>: drawn later, in place of a person not reached
    /// (<see cref="ReplaceUnreachedAsync"/>). What the caller tells the citizen the call is about: the case's unit, window
    /// and staff member (as named when it was finished, and today, ORG-1), its service item and when it was finished; once
    /// reached, the answer given (the phone rating's level and comment).
    /// </summary>
    public sealed record CallDto(Guid Id, int Order, string CaseNumber, Guid UnitId, Guid SectionId, string Phone, DateTime? CalledAt, bool? Reached, Guid? RatingId,
        bool Replacement, DateTime FinishedAt, Guid? StaffId, Guid? ServiceItemId, string? ServiceItem,
        string? UnitNameThen, string? UnitNameNow, string? SectionNameThen, string? SectionNameNow, string? StaffNameThen, string? StaffNameNow,
        int? Level, RatingScale? Scale, string? Answer, string? Comment);
    public sealed record DrawDto(Guid Id, int Year, int Quarter, int Requested, string Algorithm, string Seed, string InputHash, int InputCount, DateTime DrawnAt,
        string DrawnBy, IReadOnlyList<CallDto> Calls, OutcomeDto Outcome);
    /// <summary>
    /// What the survey heard: its answers by the three common levels, and their satisfaction rate as SAT-4 computes one
    /// (the levels' scores; an answer excluded after an appeal, SAT-7, left out and counted apart); null before any answer.
    /// </summary>
    public sealed record OutcomeDto(int Answers, int Satisfied, int Basic, int Unsatisfied, int Excluded, decimal? Rate);
    /// <summary>A draw as the list of draws shows it: its quarter and how far its calls have come.</summary>
    public sealed record DrawSummaryDto(Guid Id, int Year, int Quarter, int Requested, int InputCount, DateTime DrawnAt, string DrawnBy,
        int Calls, int Answered, int NotReached, int NotCalled);
    public sealed record VerifyDto(bool Reproduced, string InputHash, IReadOnlyList<string> Drawn);

    /// <summary>
    /// Draws the quarter's sample once, after the quarter has ended (office time): a second draw of the same quarter is
    /// refused (409, SAT-3), and so is a quarter not yet ended (422, SAT-3), whose draw would miss its last service records
    /// and, drawn once, block the draw at its end, and a quarter with no service record to draw (422,
    /// <see cref="NothingToDrawException"/>).
    /// </summary>
    public Task<DrawDto> DrawAsync(DrawInput input, ClaimsPrincipal user, CancellationToken ct) =>
        DrawAsync(input, user.Identity?.Name ?? "", time.GetUtcNow().UtcDateTime, ct);

    /// <summary>The draw as <see cref="DrawAsync(DrawInput, ClaimsPrincipal, CancellationToken)"/>, recorded as made by <paramref name="drawnBy"/> at <paramref name="drawnAtUtc"/> (the demo's draw of its last quarter, made when the quarter's job would have made it).</summary>
    internal async Task<DrawDto> DrawAsync(DrawInput input, string drawnBy, DateTime drawnAtUtc, CancellationToken ct)
    {
        if (input.Quarter is < 1 or > 4) throw new FieldException("quarter", "季度为 1 到 4。 Quarter is 1 to 4.");
        Problems.RequireYear(input.Year);
        var count = input.Count ?? options.Value.SurveySize; // the quarter's size (SAT-3: 100 by default, Mingcha:Ratings:SurveySize)
        if (count is < 1 or > 10_000) throw new FieldException("count", "抽取人数为 1 到 10000。 Count is 1 to 10000.");
        if (input.Seed is { Length: > 200 }) throw new FieldException("seed", "种子最长 200 个字符。 The seed is at most 200 characters.");
        if (await db.Set<SurveyDrawRecord>().AnyAsync(d => d.Year == input.Year && d.Quarter == input.Quarter, ct))
            throw new DomainRuleException("SAT-3", "本季度已抽取过电话回访样本。 This quarter's survey has been drawn already.");
        var (from, to) = SurveyDraw.Quarter(input.Year, input.Quarter);
        if (clock.Today <= to)
            throw new DomainRuleException("SAT-3", $"{input.Year} 年第 {input.Quarter} 季度至 {to:yyyy-MM-dd} 结束，季度结束后才能抽取。 "
                + $"Quarter {input.Quarter} of {input.Year} runs until {to:yyyy-MM-dd}: it is drawn after it has ended.", 422);
        var start = RatingsApi.DayBoundsUtc(clock, from).From;
        var end = RatingsApi.DayBoundsUtc(clock, to).To;
        // SAT-3 (S2 "随机听取100位群众的评价"): people, not cases: one case per phone number (its first by case number), so that
        // a frequent applicant or agent is no likelier to be drawn, nor called twice.
        var candidates = (await db.ServiceRecords.AsNoTracking().Where(r => r.CitizenPhone != null && r.FinishedAt >= start && r.FinishedAt < end)
                .Select(r => new { r.CaseNumber, r.CitizenPhone }).ToListAsync(ct))
            .GroupBy(r => Mingcha.Domain.Identifiers.PhoneNumber.Normalize(r.CitizenPhone!))
            .Select(g => g.Select(r => r.CaseNumber).Order(StringComparer.Ordinal).First()).ToList();
        // A quarter without a single case with a phone number (no business system pushed its cases, the import not done yet) is
        // not drawn: a draw of no one would stand for the quarter and keep its cases, imported later, from ever being drawn.
        if (candidates.Count == 0) throw new NothingToDrawException(input.Year, input.Quarter);
        var seed = string.IsNullOrWhiteSpace(input.Seed) ? SurveyDraw.NewSeed() : input.Seed.Trim();
        var result = SurveyDraw.Draw(candidates, count, seed);
        var draw = new SurveyDrawRecord(input.Year, input.Quarter, count, result, candidates.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal),
            drawnBy, drawnAtUtc);
        db.Add(draw);
        var records = await db.ServiceRecords.AsNoTracking().Where(r => result.Drawn.Contains(r.CaseNumber)).ToDictionaryAsync(r => r.CaseNumber, ct);
        for (var i = 0; i < result.Drawn.Count; i++) db.Add(new SurveyCall(draw.Id, i + 1, records[result.Drawn[i]]));
        await db.SaveChangesAsync(ct);
        return await GetAsync(draw.Id, ct);
    }

    public async Task<DrawDto> GetAsync(Guid id, CancellationToken ct)
    {
        var d = await db.Set<SurveyDrawRecord>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("抽样不存在。 No such draw.");
        var calls = await db.Set<SurveyCall>().AsNoTracking().Where(c => c.DrawId == id).OrderBy(c => c.Order)
            .Join(db.ServiceRecords, c => c.CaseNumber, r => r.CaseNumber, (c, r) => new { c, r.CitizenPhone, r.FinishedAt, r.StaffId, r.ServiceItemId }).ToListAsync(ct);
        // What the caller says the call is about: the case's unit, window and staff member as they were (ORG-1), its item; and the answer given.
        var org = await OrgAsOf.LoadAsync(db, calls.Select(x => x.c.SectionId), calls.Select(x => x.c.UnitId), calls.Select(x => x.StaffId).OfType<Guid>(), ct);
        var itemIds = calls.Select(x => x.ServiceItemId).OfType<Guid>().Distinct().ToList();
        var items = itemIds.Count == 0 ? [] : await db.ServiceItems.AsNoTracking().Where(i => itemIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.Name, ct);
        var ratingIds = calls.Select(x => x.c.RatingId).OfType<Guid>().ToList();
        var answers = ratingIds.Count == 0 ? [] : await db.Ratings.AsNoTracking().Where(r => ratingIds.Contains(r.Id))
            .Select(r => new { r.Id, r.Scale, r.Level, r.CommonLevel, r.Comment }).ToDictionaryAsync(r => r.Id, ct);
        var excluded = ratingIds.Count == 0 ? [] : (await db.RatingExclusions.AsNoTracking().Where(x => ratingIds.Contains(x.RatingId)).Select(x => x.RatingId).ToListAsync(ct)).ToHashSet();
        var rate = SatisfactionCoefficient.Compute(answers.Values.Select(a => new ScoredRating(intake.Mapping.Score(a.Scale, a.Level), excluded.Contains(a.Id))));
        var counted = answers.Values.Where(a => !excluded.Contains(a.Id)).ToList();
        var outcome = new OutcomeDto(answers.Count, counted.Count(a => a.CommonLevel == 1), counted.Count(a => a.CommonLevel == 2), counted.Count(a => a.CommonLevel == 3),
            rate.Excluded, rate.Rate);
        return new DrawDto(d.Id, d.Year, d.Quarter, d.Requested, d.Algorithm, d.Seed, d.InputHash, d.InputCount, d.DrawnAt, d.DrawnBy,
            calls.Select(x =>
            {
                var names = org.NamesAt(x.FinishedAt, x.c.UnitId, x.c.SectionId, x.StaffId);
                var answer = x.c.RatingId is { } r && answers.TryGetValue(r, out var a) ? a : null;
                return new CallDto(x.c.Id, x.c.Order, x.c.CaseNumber, x.c.UnitId, x.c.SectionId, PersonalData.MaskPhone(x.CitizenPhone), x.c.CalledAt, x.c.Reached,
                    x.c.RatingId, x.c.Order > d.Requested, x.FinishedAt, x.StaffId, x.ServiceItemId,
                    x.ServiceItemId is { } i && items.TryGetValue(i, out var item) ? item : null,
                    names.UnitNameThen, names.UnitNameNow, names.SectionNameThen, names.SectionNameNow, names.StaffNameThen, names.StaffNameNow,
                    answer?.Level, answer?.Scale, answer is null ? null : RatingScaleMapping.NameZh(answer.Scale, answer.Level), answer?.Comment);
            }).ToList(), outcome);
    }

    /// <summary>
    /// The quarter's calling list as a workbook (.xlsx), for the office's report: each person drawn in order with what the
    /// call was about, when it was made and what was heard; the numbers masked (SEC-4); a note with the draw and its outcome.
    /// </summary>
    public async Task<(byte[] Bytes, string Name)> XlsxAsync(Guid id, CancellationToken ct)
    {
        var d = await GetAsync(id, ct);
        using var ms = new MemoryStream();
        using (var w = new Organisation.Import.OrgWorkbookWriter(ms, ["电话回访"]))
        {
            w.BeginSheet("电话回访", ["序号", "办件编号", "办理单位", "窗口", "工作人员", "服务事项", "办结时间", "电话", "回访时间", "回访情况", "评价", "群众意见", "补抽"],
                [6, 24, 24, 24, 12, 24, 18, 14, 18, 10, 10, 30, 6]);
            foreach (var c in d.Calls)
                w.WriteValues([c.Order.ToString(System.Globalization.CultureInfo.InvariantCulture), c.CaseNumber, c.UnitNameThen ?? c.UnitNameNow,
                    c.SectionNameThen ?? c.SectionNameNow, c.StaffNameThen ?? c.StaffNameNow, c.ServiceItem, clock.Format(c.FinishedAt, "yyyy-MM-dd HH:mm"), c.Phone,
                    c.CalledAt is { } at ? clock.Format(at, "yyyy-MM-dd HH:mm") : null, c.CalledAt is null ? "未回访" : c.Reached == true ? "已回访" : "未接通",
                    c.Answer, c.Comment, c.Replacement ? "是" : null]);
            var o = d.Outcome;
            w.WriteNote([$"{d.Year} 年第 {d.Quarter} 季度电话回访（SAT-3）：候选 {d.InputCount} 人，抽取 {d.Requested} 人（算法 {d.Algorithm}，种子 {d.Seed}，"
                + $"候选名单 SHA-256 {d.InputHash}）；已答复 {o.Answers} 人：满意 {o.Satisfied}，基本满意 {o.Basic}，不满意 {o.Unsatisfied}"
                + (o.Excluded > 0 ? $"，经申诉剔除 {o.Excluded}" : "") + $"；满意率 {SatisfactionReport.Percent(o.Rate)}。"
                + "单位、窗口和工作人员为办结当时的名称；电话已隐去中间四位（SEC-4）。"]);
        }
        return (ms.ToArray(), $"phone-survey-{SurveyDraw.QuarterName(d.Year, d.Quarter)}.xlsx");
    }

    /// <summary>Every draw, the latest quarter first, with how far its calls have come.</summary>
    public async Task<IReadOnlyList<DrawSummaryDto>> ListAsync(CancellationToken ct)
    {
        var draws = await db.Set<SurveyDrawRecord>().AsNoTracking().OrderByDescending(d => d.Year).ThenByDescending(d => d.Quarter)
            .Select(d => new { d.Id, d.Year, d.Quarter, d.Requested, d.InputCount, d.DrawnAt, d.DrawnBy }).ToListAsync(ct);
        var calls = (await db.Set<SurveyCall>().AsNoTracking()
                .GroupBy(c => new { c.DrawId, Answered = c.RatingId != null || c.Reached == true, Called = c.CalledAt != null })
                .Select(g => new { g.Key.DrawId, g.Key.Answered, g.Key.Called, Count = g.Count() }).ToListAsync(ct))
            .ToLookup(x => x.DrawId);
        return draws.Select(d =>
        {
            var c = calls[d.Id].ToList();
            return new DrawSummaryDto(d.Id, d.Year, d.Quarter, d.Requested, d.InputCount, d.DrawnAt, d.DrawnBy, c.Sum(x => x.Count),
                c.Where(x => x.Answered).Sum(x => x.Count), c.Where(x => !x.Answered && x.Called).Sum(x => x.Count), c.Where(x => !x.Called).Sum(x => x.Count));
        }).ToList();
    }

    /// <summary>
    /// The quarters the office may draw now: ended (office time) and not drawn yet, the latest first, over the last
    /// two years (a quarter the job missed, or the first quarters of a new installation).
    /// </summary>
    public async Task<IReadOnlyList<(int Year, int Quarter)>> DrawableAsync(CancellationToken ct)
    {
        var drawn = (await db.Set<SurveyDrawRecord>().AsNoTracking().Select(d => new { d.Year, d.Quarter }).ToListAsync(ct)).Select(d => (d.Year, d.Quarter)).ToHashSet();
        var (year, quarter) = SurveyDraw.LastEnded(clock.Today);
        var list = new List<(int, int)>();
        for (var i = 0; i < 8; i++, (year, quarter) = quarter == 1 ? (year - 1, 4) : (year, quarter - 1))
            if (!drawn.Contains((year, quarter))) list.Add((year, quarter));
        return list;
    }

    /// <summary>
    /// Repeats the draw from the stored seed and input list and compares (anyone can check the draw). Replacements are
    /// the next candidates in the same order, so the list with them is the draw of as many as it holds.
    /// </summary>
    public async Task<VerifyDto> VerifyAsync(Guid id, CancellationToken ct)
    {
        var d = await db.Set<SurveyDrawRecord>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("抽样不存在。 No such draw.");
        var stored = await db.Set<SurveyCall>().AsNoTracking().Where(c => c.DrawId == id).OrderBy(c => c.Order).Select(c => c.CaseNumber).ToListAsync(ct);
        var again = SurveyDraw.Draw(d.Candidates(), Math.Max(d.Requested, stored.Count), d.Seed);
        return new VerifyDto(again.InputHash == d.InputHash && again.Drawn.SequenceEqual(stored), again.InputHash, again.Drawn);
    }

    /// <summary>
    /// SAT-3 (S2 "随机听取100位群众的评价": the evaluations of 100 people): replaces the people called and not reached by the
    /// next candidates of the same draw (the same seed and input list, the ranks after the last one drawn), so that the
    /// quarter still hears as many people as it asked for, and the list stays reproducible. It adds as many as the draw is
    /// short: the number asked for, less the calls answered and the calls not yet made. Refused (409, SAT-3) when nothing is
    /// short, or when the candidates are used up. A person replaced may still be called again; the answer then counts too.
    /// </summary>
    public async Task<DrawDto> ReplaceUnreachedAsync(Guid id, CancellationToken ct)
    {
        var d = await db.Set<SurveyDrawRecord>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("抽样不存在。 No such draw.");
        var calls = await db.Set<SurveyCall>().AsNoTracking().Where(c => c.DrawId == id).ToListAsync(ct);
        var missing = SurveyDraw.ShortOf(d.Requested, calls.Count(c => c.Answered), calls.Count(c => c.CalledAt is null));
        if (missing == 0)
            throw new DomainRuleException("SAT-3", "没有需要补抽的调查对象：已抽取的人或已答复，或尚未回访。 Nothing to replace: everyone drawn has answered or is still to be called.");
        var again = SurveyDraw.Draw(d.Candidates(), calls.Count + missing, d.Seed);
        var added = again.Drawn.Skip(calls.Count).ToList();
        if (added.Count == 0)
            throw new DomainRuleException("SAT-3", "本季度的候选人已全部抽取，无法补抽。 Every candidate of the quarter has been drawn already.");
        var records = await db.ServiceRecords.AsNoTracking().Where(r => added.Contains(r.CaseNumber)).ToDictionaryAsync(r => r.CaseNumber, ct);
        for (var i = 0; i < added.Count; i++) db.Add(new SurveyCall(d.Id, calls.Count + i + 1, records[added[i]]));
        await db.SaveChangesAsync(ct); // two replacements at once: the unique (DrawId, Order) lets only one of them in
        return await GetAsync(d.Id, ct);
    }

    /// <summary>SEC-4: the full number for the caller; logged.</summary>
    public async Task<string> RevealAsync(Guid callId, CancellationToken ct)
    {
        var call = await db.Set<SurveyCall>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == callId, ct) ?? throw new NotFoundException("调查对象不存在。 No such call.");
        var phone = await db.ServiceRecords.Where(r => r.CaseNumber == call.CaseNumber).Select(r => r.CitizenPhone).FirstOrDefaultAsync(ct) ?? "";
        db.Audit(new AuditEvent("personal-data.reveal", nameof(SurveyCall), callId.ToString(), null, JsonSerializer.Serialize(new { field = "CitizenPhone", call.CaseNumber })));
        await db.SaveChangesAsync(ct);
        return phone;
    }

    /// <summary>
    /// SAT-3: the answer is a rating of channel "phone" for the case (one per case and channel, SAT-8). The rating is stored
    /// before the call is: when the call's save failed after it, the answer given again links the phone rating already
    /// stored for the case (which stands, SAT-8) instead of being refused for it.
    /// </summary>
    public async Task<CallDto> AnswerAsync(Guid callId, AnswerInput input, CancellationToken ct)
    {
        var call = await db.Set<SurveyCall>().FirstOrDefaultAsync(c => c.Id == callId, ct) ?? throw new NotFoundException("调查对象不存在。 No such call.");
        if (call.Answered) throw new DomainRuleException("SAT-3", "该调查对象已有答复。 This call already has an answer.");
        Guid? ratingId = null;
        if (input.Reached == true)
        {
            if (input.Level is not { } level) throw new FieldException("level", "请填写评价等级。 Give the level.");
            ratingId = await db.Ratings.AsNoTracking().Where(r => r.CaseNumber == call.CaseNumber && r.Channel == RatingChannel.Phone)
                .Select(r => (Guid?)r.Id).FirstOrDefaultAsync(ct);
            if (ratingId is null)
            {
                var phone = await db.ServiceRecords.Where(r => r.CaseNumber == call.CaseNumber).Select(r => r.CitizenPhone).FirstOrDefaultAsync(ct);
                var r = await intake.SubmitAsync(new RatingInput(call.SectionId, null, call.CaseNumber, input.Scale, level, null, null, phone, input.Comment),
                    RatingChannel.Phone, null, null, ct);
                ratingId = r.Rating.Id;
            }
        }
        call.Record(input.Reached == true, ratingId, time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        return (await GetAsync(call.DrawId, ct)).Calls.Single(c => c.Id == callId);
    }
}
