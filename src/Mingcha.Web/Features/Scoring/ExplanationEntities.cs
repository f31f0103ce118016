using Mingcha.Domain.Scoring;
using Mingcha.Web.Data;

namespace Mingcha.Web.Features.Scoring;

/// <summary>
/// 书面说明 (EV-8): the written explanation a bottom-three section (70 or more) owes for a published campaign, one per campaign
/// and section. Its last day is the result's (the Calendar's, CAL-2, on publication); filed after it, it is marked late.
/// Every step is also kept in <see cref="ExplanationStep"/> (append-only).
/// </summary>
public sealed class ResultExplanation : IAudited, IVersioned
{
    private ResultExplanation() { Text = ""; FiledBy = ""; }

    private ResultExplanation(Guid campaignId, Guid sectionId, Guid unitId, DateOnly lastDay)
    {
        Id = Guid.CreateVersion7(); CampaignId = campaignId; SectionId = sectionId; UnitId = unitId; LastDay = lastDay; Text = ""; FiledBy = "";
    }

    public Guid Id { get; private set; }
    public Guid CampaignId { get; private set; }
    public Guid SectionId { get; private set; }
    public Guid UnitId { get; private set; }
    public DateOnly LastDay { get; private set; }
    public ExplanationState State { get; private set; }
    /// <summary>First filed after the last day (CAL-2); a sending back does not change it.</summary>
    public bool Late { get; private set; }
    /// <summary>Working days after the last day when first filed (the Calendar's count; 0 when in time or filed on a day off just after).</summary>
    public int WorkingDaysLate { get; private set; }
    public string Text { get; private set; }
    public int Filings { get; private set; }
    public DateOnly FiledOn { get; private set; }
    public DateTime FiledAt { get; private set; }
    public string FiledBy { get; private set; }
    public string? Reason { get; private set; }
    public DateTime? ReviewedAt { get; private set; }
    public string? ReviewedBy { get; private set; }
    /// <summary>
    /// EV-8: raised on every save (<see cref="IVersioned"/>, migration 0049, decision 038): two reviews, or two filings
    /// again, made from the same reading cannot both be stored (nor both be kept as steps); the second gets 409.
    /// </summary>
    public int Version { get; private set; }

    /// <summary>The first filing; <paramref name="workingDaysLate"/> comes from the Calendar.</summary>
    public static ResultExplanation First(Guid campaignId, Guid sectionId, Guid unitId, DateOnly lastDay, string text, DateOnly today, int workingDaysLate, string by, DateTime nowUtc)
    {
        var e = new ResultExplanation(campaignId, sectionId, unitId, lastDay)
        {
            Late = ExplanationRules.IsLate(today, lastDay),
        };
        e.WorkingDaysLate = e.Late ? workingDaysLate : 0;
        e.Put(text, today, by, nowUtc);
        return e;
    }

    /// <summary>Filing again after being sent back (EV-8).</summary>
    public void FileAgain(string text, DateOnly today, string by, DateTime nowUtc)
    {
        if (ExplanationRules.RefusalToFile(State) is { } refusal) throw new DomainRuleException("EV-8", refusal, 409);
        Put(text, today, by, nowUtc);
    }

    private void Put(string text, DateOnly today, string by, DateTime nowUtc)
    {
        Text = text; FiledOn = today; FiledAt = nowUtc; FiledBy = by; Filings++; State = ExplanationState.Filed;
    }

    public void Accept(string by, DateTime nowUtc)
    {
        if (ExplanationRules.RefusalToReview(State) is { } refusal) throw new DomainRuleException("EV-8", refusal, 409);
        State = ExplanationState.Accepted; Reason = null; ReviewedAt = nowUtc; ReviewedBy = by;
    }

    public void SendBack(string reason, string by, DateTime nowUtc)
    {
        if (ExplanationRules.RefusalToReview(State) is { } refusal) throw new DomainRuleException("EV-8", refusal, 409);
        State = ExplanationState.SentBack; Reason = reason; ReviewedAt = nowUtc; ReviewedBy = by;
    }
}

/// <summary>One step of an explanation's history (EV-8): filed (with its text, late or not), sent back (with the reason), accepted. Append-only.</summary>
public sealed class ExplanationStep
{
    private ExplanationStep() { Text = ""; By = ""; }
    public ExplanationStep(Guid explanationId, ExplanationState kind, string text, bool late, string by, DateTime at)
    {
        Id = Guid.CreateVersion7(); ExplanationId = explanationId; Kind = kind; Text = text; Late = late; By = by; At = at;
    }
    public Guid Id { get; private set; }
    public Guid ExplanationId { get; private set; }
    public ExplanationState Kind { get; private set; }
    /// <summary>The explanation filed, or the reason for sending it back; empty on acceptance.</summary>
    public string Text { get; private set; }
    public bool Late { get; private set; }
    public string By { get; private set; }
    public DateTime At { get; private set; }
}
