using System.Security.Cryptography;
using System.Text;
using Mingcha.Domain.Calendar;
using Mingcha.Domain.Identifiers;

namespace Mingcha.Domain.Complaints;

/// <summary>How a complaint came in (CMP-3, SAT-6).</summary>
public enum ComplaintChannel
{
    /// <summary>12345 政务服务便民热线 (pushed by its system with its own ticket number)</summary>
    Hotline12345,
    /// <summary>效能投诉电话</summary>
    ComplaintHotline,
    /// <summary>来访</summary>
    InPerson,
    /// <summary>来信</summary>
    Letter,
    /// <summary>网上投诉（公开表单）</summary>
    Web,
    /// <summary>电子邮件 / 信箱</summary>
    Email,
    /// <summary>意见箱 (SAT-6)</summary>
    SuggestionBox,
}

/// <summary>CMP-4: the eight types of S1 art. 6.</summary>
public enum ComplaintType
{
    /// <summary>(1) 超时限办理</summary>
    SlowHandling = 1,
    /// <summary>(2) 不一次性告知</summary>
    NotInforming = 2,
    /// <summary>(3) 拒绝办理不说明理由和依据</summary>
    RefusalWithoutReason = 3,
    /// <summary>(4) 推诿扯皮</summary>
    BuckPassing = 4,
    /// <summary>(5) 态度冷硬横推</summary>
    Attitude = 5,
    /// <summary>(6) 吃拿卡要报</summary>
    AbuseOfPost = 6,
    /// <summary>(7) 不执行上级决定、失职渎职</summary>
    Dereliction = 7,
    /// <summary>(8) 其他违反效能规定</summary>
    Other = 8,
}

/// <summary>CMP-5: a complaint, or a message handled only as a suggestion.</summary>
public enum ComplaintKind
{
    Complaint,
    /// <summary>匿名，或无利害关系人：按建议处理</summary>
    Suggestion,
}

/// <summary>Where a complaint stands (CMP-1, CMP-6, CMP-7).</summary>
public enum ComplaintStatus
{
    /// <summary>已登记: with the Office, to accept and assign.</summary>
    Received,
    /// <summary>已交办: with the unit, to answer within the deadline.</summary>
    Assigned,
    /// <summary>退回效能办: the unit found it outside its remit (within 3 working days); the Office reassigns.</summary>
    ReturnedToOffice,
    /// <summary>已答复: the unit answered; the Office reviews.</summary>
    Answered,
    /// <summary>办结: the Office accepted the answer.</summary>
    Closed,
    /// <summary>不予受理 (CMP-6): with its reason, told to the complainant. Closed.</summary>
    NotAccepted,
    /// <summary>复核: the complainant rated the answer unsatisfied; back with the Office.</summary>
    UnderReview,
}

/// <summary>CMP-6: why a complaint is not accepted (S1 art. 11).</summary>
public enum NotAcceptedReason
{
    /// <summary>同一事项已受理且在办理期限内</summary>
    AlreadyAcceptedInTime,
    /// <summary>应通过诉讼、仲裁、行政复议解决</summary>
    ForLitigationArbitrationOrReconsideration,
    /// <summary>已进入诉讼或已依法处理</summary>
    InCourtOrDecided,
}

/// <summary>CMP-9: why a unit is asked for a special self-inspection report.</summary>
public enum RepeatReason
{
    /// <summary>同一事项被投诉 3 次以上</summary>
    SameMatter,
    /// <summary>一个月内多次被投诉（30 天内 2 次以上，决定 011）</summary>
    WithinMonth,
}

/// <summary>CMP-8: accountability triggers the Office is shown.</summary>
public enum AccountabilityTrigger
{
    /// <summary>压件不办: assigned and past its deadline without an answer.</summary>
    SatOn,
    /// <summary>逾期答复: answered after the deadline.</summary>
    AnsweredLate,
    /// <summary>投诉人不满意</summary>
    ComplainantDissatisfied,
    /// <summary>投诉属实但未追责</summary>
    AccountabilityNotImposed,
}

/// <summary>A unit's earlier complaint as the repeat rule sees it.</summary>
public sealed record PriorComplaint(Guid Id, string MatterKey, DateOnly ReceivedOn);

/// <summary>The facts of a complaint the accountability triggers look at.</summary>
public sealed record ComplaintFacts(ComplaintStatus Status, DateOnly? LastDay, bool AnsweredLate, bool Dissatisfied, bool? Substantiated, bool AccountabilityRecorded,
    bool Suggestion = false);

/// <summary>
/// The pure rules of complaints: deadlines on the official calendar (CMP-7, CAL-2), the kind (CMP-5), keys for duplicates and
/// repeats (CMP-9), and the accountability triggers (CMP-8).
/// </summary>
public static class ComplaintRules
{
    /// <summary>CMP-7: the unit answers within 10 working days.</summary>
    public const int AnswerWorkingDays = 10;
    /// <summary>CMP-9: working days a unit has to revise a special self-inspection report the Office sent back (decision 011).</summary>
    public const int RevisionWorkingDays = 5;
    /// <summary>CMP-7: one extension of at most 5 working days.</summary>
    public const int MaxExtensionWorkingDays = 5;
    /// <summary>CMP-7: a unit outside its remit returns the complaint within 3 working days.</summary>
    public const int TransferWorkingDays = 3;
    /// <summary>CMP-9: the same matter 3 or more times.</summary>
    public const int SameMatterRepeats = 3;
    /// <summary>CMP-9: "several times within one month" = 2 or more complaints within 30 calendar days (decision 011).</summary>
    public const int WithinMonthRepeats = 2;
    public const int MonthDays = 30;
    /// <summary>CMP-9: the self-inspection report is due within 10 working days of the flag (decision 011).</summary>
    public const int SelfInspectionWorkingDays = 10;

    /// <summary>CMP-5: anonymous, or no interest in the matter → a suggestion.</summary>
    public static ComplaintKind KindOf(bool anonymous, bool hasInterest) => anonymous || !hasInterest ? ComplaintKind.Suggestion : ComplaintKind.Complaint;

    /// <summary>
    /// CMP-7, CAL-2: the unit's last day to answer: 10 working days after the day it receives the transfer (S1 art. 10.1,
    /// "接到投诉转办件后10个工作日内"), so from each assignment, the first or a later one (decision 011 as amended).
    /// </summary>
    public static DateOnly AnswerLastDay(WorkingCalendar calendar, DateOnly startDay)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return calendar.AddWorkingDays(startDay, AnswerWorkingDays);
    }

    /// <summary>CMP-7: the last day a unit may return the complaint as outside its remit.</summary>
    public static DateOnly TransferLastDay(WorkingCalendar calendar, DateOnly assignedOn)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return calendar.AddWorkingDays(assignedOn, TransferWorkingDays);
    }

    /// <summary>CMP-7: whether an extension of <paramref name="days"/> may be asked for; the reason if not.</summary>
    public static string? ExtensionRefusal(int days, bool alreadyExtended, DateOnly? lastDay = null, DateOnly? today = null)
    {
        if (alreadyExtended) return "每件投诉只能延期一次。 A complaint is extended once only.";
        // Asked for before the answer is due: an overdue unit cannot extend its way out of CMP-8's "sat on".
        if (lastDay is { } last && today is { } now && now > last)
            return $"答复期限（{last:yyyy-MM-dd}）已过，不能再申请延期。 The answer was due by {last:yyyy-MM-dd}: an overdue complaint is not extended.";
        if (days < 1) return "延期至少 1 个工作日。 An extension is at least 1 working day.";
        if (days > MaxExtensionWorkingDays) return $"延期最多 {MaxExtensionWorkingDays} 个工作日。 An extension is at most {MaxExtensionWorkingDays} working days.";
        return null;
    }

    /// <summary>CMP-7: the new last day after an approved extension of <paramref name="days"/> working days.</summary>
    public static DateOnly ExtendedLastDay(WorkingCalendar calendar, DateOnly lastDay, int days)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return calendar.AddWorkingDays(lastDay, days);
    }

    /// <summary>
    /// CMP-9, CMP-6: the matter as a comparable key: width-folded (NFKC), lower case, letters and digits only.
    /// "社保卡 申领！" and "社保卡申领" are the same matter.
    /// </summary>
    public static string MatterKey(string? matter)
    {
        if (string.IsNullOrWhiteSpace(matter)) return "";
        var folded = matter.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        var b = new StringBuilder(folded.Length);
        foreach (var c in folded)
            if (char.IsLetterOrDigit(c)) b.Append(c);
        var key = b.ToString();
        return key.Length > 64 ? key[..64] : key;
    }

    /// <summary>
    /// Duplicate detection (CMP-6): who complained, as a one-way key (no personal data in clear in the index): the phone if
    /// given, else the ID number, else the name. Empty for an anonymous complainant.
    /// </summary>
    public static string ComplainantKey(string? phone, string? idNumber, string? name)
    {
        string basis;
        if (!string.IsNullOrWhiteSpace(phone)) basis = "p:" + PhoneNumber.Normalize(phone);
        else if (!string.IsNullOrWhiteSpace(idNumber)) basis = "i:" + idNumber.Trim().ToUpperInvariant();
        else if (!string.IsNullOrWhiteSpace(name)) basis = "n:" + name.Trim();
        else return "";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("mingcha-complainant:" + basis));
        return Convert.ToHexString(hash, 0, 16).ToLowerInvariant();
    }

    /// <summary>
    /// CMP-9: whether a unit must write a special self-inspection report, given the new complaint and the unit's other accepted
    /// complaints (not the new one): the same matter 3 or more times in all, or 2 or more complaints within 30 days.
    /// </summary>
    public static RepeatReason? Repeat(string matterKey, DateOnly receivedOn, IEnumerable<PriorComplaint> others)
    {
        ArgumentNullException.ThrowIfNull(others);
        var list = others.ToList();
        if (matterKey.Length > 0 && list.Count(o => o.MatterKey == matterKey) + 1 >= SameMatterRepeats) return RepeatReason.SameMatter;
        if (MonthAround(receivedOn, list).Count + 1 >= WithinMonthRepeats) return RepeatReason.WithinMonth;
        return null;
    }

    /// <summary>
    /// CMP-9 "一个月之内…多次": the other complaints of the fullest 30-day window that holds the new one. The window may
    /// reach after it: complaints are not always assigned in the order they were received (a letter entered late keeps
    /// its real day), and the repeat must not depend on that order.
    /// </summary>
    private static List<PriorComplaint> MonthAround(DateOnly receivedOn, List<PriorComplaint> others)
    {
        var best = new List<PriorComplaint>();
        for (var start = receivedOn.AddDays(-(MonthDays - 1)); start <= receivedOn; start = start.AddDays(1))
        {
            var end = start.AddDays(MonthDays - 1);
            var inside = others.Where(o => o.ReceivedOn >= start && o.ReceivedOn <= end).ToList();
            if (inside.Count > best.Count) best = inside;
        }
        return best;
    }

    /// <summary>CMP-9: the other complaints that, with the new one, make the repeat of <paramref name="reason"/>.</summary>
    public static IReadOnlyList<PriorComplaint> RepeatGrounds(RepeatReason reason, string matterKey, DateOnly receivedOn, IEnumerable<PriorComplaint> others)
    {
        ArgumentNullException.ThrowIfNull(others);
        return reason == RepeatReason.SameMatter
            ? others.Where(o => matterKey.Length > 0 && o.MatterKey == matterKey).ToList()
            : MonthAround(receivedOn, others.ToList());
    }

    /// <summary>CMP-8: the triggers a complaint shows the Office today.</summary>
    public static IReadOnlyList<AccountabilityTrigger> Triggers(ComplaintFacts c, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(c);
        var list = new List<AccountabilityTrigger>();
        // CMP-5: an anonymous or uninterested complainant's matter is handled as a suggestion only: no accountability.
        if (c.Suggestion) return list;
        if (c.Status == ComplaintStatus.Assigned && c.LastDay is { } last && today > last) list.Add(AccountabilityTrigger.SatOn);
        if (c.AnsweredLate) list.Add(AccountabilityTrigger.AnsweredLate);
        if (c.Dissatisfied) list.Add(AccountabilityTrigger.ComplainantDissatisfied);
        if (c.Substantiated == true && !c.AccountabilityRecorded && c.Status == ComplaintStatus.Closed) list.Add(AccountabilityTrigger.AccountabilityNotImposed);
        return list;
    }

    /// <summary>CMP-1: closed states (answered and closed, or not accepted with its reason told).</summary>
    public static bool IsClosed(ComplaintStatus s) => s is ComplaintStatus.Closed or ComplaintStatus.NotAccepted;

    /// <summary>
    /// SEC-4, CMP-7: the complaint is in a unit's hands (assigned, answered, under review or closed after its answer): not
    /// still with the Office to accept or to reassign after a return, nor refused. Only then may the Office let that unit
    /// see the complainant's contact details.
    /// </summary>
    public static bool WithUnit(ComplaintStatus s) =>
        s is ComplaintStatus.Assigned or ComplaintStatus.Answered or ComplaintStatus.UnderReview or ComplaintStatus.Closed;

    /// <summary>The query code the complainant follows the complaint with (CMP-11): 12 characters without look-alikes.</summary>
    public static string NewQueryCode()
    {
        Span<byte> bytes = stackalloc byte[12];
        RandomNumberGenerator.Fill(bytes);
        var b = new StringBuilder(12);
        foreach (var x in bytes) b.Append(QueryCodeAlphabet[x % QueryCodeAlphabet.Length]);
        return b.ToString();
    }

    private const string QueryCodeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// <summary>
    /// CMP-3, CMP-6: a one-time submission key, for a form to carry (128 random bits, hex): the same submission sent twice
    /// (a double click, a retry after a timeout) is one complaint.
    /// </summary>
    public static string NewSubmissionKey() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    /// <summary>Why a client's submission key is refused (null: it is fine): 16 to 128 letters, digits and <c>-_.:</c> (a UUID fits).</summary>
    public static string? SubmissionKeyRefusal(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length is < 16 or > 128 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
            return "提交编号须为 16 至 128 个字母、数字或 -_.: 字符（如 UUID）。 The submission key is 16 to 128 letters, digits or -_.: (a UUID, say).";
        return null;
    }

    /// <summary>The stored form of a submission key: its SHA-256 (the key derives the query code, below; it is not kept).</summary>
    public static string SubmissionKeyHash(string key) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("mingcha-submission-key:" + key))).ToLowerInvariant();

    /// <summary>What was submitted, as one hash of its parts in order (null and empty told apart): a replay must match it.</summary>
    public static string SubmissionHash(IEnumerable<string?> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var b = new StringBuilder("mingcha-submission:");
        foreach (var p in parts) b.Append(p is null ? "\u0000" : p.Replace("\u001f", " ", StringComparison.Ordinal)).Append('\u001f');
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(b.ToString()))).ToLowerInvariant();
    }

    /// <summary>
    /// CMP-11: the query code of a complaint filed with a submission key, derived from the key and what was submitted, so
    /// that a replay of the same submission is answered with the same code while only the code's hash (and the key's) is
    /// stored. Whoever can replay it holds the key and the very content, i.e. is the complainant; 60 bits, as a random code.
    /// </summary>
    public static string QueryCodeFor(string submissionKey, string submissionHash)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"mingcha-query-code:{submissionKey}\n{submissionHash}"));
        var b = new StringBuilder(12);
        for (var i = 0; i < 12; i++) b.Append(QueryCodeAlphabet[bytes[i] % QueryCodeAlphabet.Length]);
        return b.ToString();
    }

    /// <summary>The stored form of a query code: its SHA-256 (a leaked table does not give the codes).</summary>
    public static string QueryCodeHash(string code) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes((code ?? "").Trim().ToUpperInvariant()))).ToLowerInvariant();

    public static string TypeName(ComplaintType t) => t switch
    {
        ComplaintType.SlowHandling => "超时限办理",
        ComplaintType.NotInforming => "不一次性告知",
        ComplaintType.RefusalWithoutReason => "拒绝办理不说明理由",
        ComplaintType.BuckPassing => "推诿扯皮",
        ComplaintType.Attitude => "态度冷硬横推",
        ComplaintType.AbuseOfPost => "吃拿卡要报",
        ComplaintType.Dereliction => "不执行上级决定、失职渎职",
        _ => "其他违反效能规定",
    };

    public static string ChannelName(ComplaintChannel c) => c switch
    {
        ComplaintChannel.Hotline12345 => "12345热线",
        ComplaintChannel.ComplaintHotline => "投诉电话",
        ComplaintChannel.InPerson => "来访",
        ComplaintChannel.Letter => "来信",
        ComplaintChannel.Web => "网上投诉",
        ComplaintChannel.Email => "电子邮件",
        _ => "意见箱",
    };

    public static string StatusName(ComplaintStatus s) => s switch
    {
        ComplaintStatus.Received => "已登记",
        ComplaintStatus.Assigned => "已交办",
        ComplaintStatus.ReturnedToOffice => "退回效能办",
        ComplaintStatus.Answered => "已答复待审核",
        ComplaintStatus.Closed => "已办结",
        ComplaintStatus.NotAccepted => "不予受理",
        _ => "复核中",
    };
}
