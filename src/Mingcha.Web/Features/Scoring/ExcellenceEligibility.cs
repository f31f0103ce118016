using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Inspections;
using Mingcha.Domain.Rectification;
using Mingcha.Domain.Scoring;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Inspections;
using Mingcha.Web.Features.Rectification;

namespace Mingcha.Web.Features.Scoring;

/// <summary>Why a unit (or one of its sections) may not be rated excellent or given an award this year.</summary>
/// <param name="UnitId">The unit that lost it.</param>
/// <param name="SectionId">The section concerned, or null when the loss is the whole unit's.</param>
/// <param name="Rule">INS-6 (obstruction, or the accountability outcome that follows it) or EV-8 (bottom three, below 70).</param>
/// <param name="Reason">What the assessment and the selections show (zh-CN, then English).</param>
/// <param name="FindingId">The confirmed finding behind an INS-6 loss, when there is one.</param>
public sealed record EligibilityLoss(Guid UnitId, Guid? SectionId, string Rule, string Reason, Guid? FindingId = null);

/// <summary>
/// The year's losses of excellence eligibility, in one place for the yearly assessment (EV-9) and the yearly selections
/// (SAT-5):
/// <list type="bullet">
/// <item>INS-6: a confirmed finding of obstructing, delaying or tipping off (the Conduct items other than the refusal to sign,
/// INS-8), unless the notice it went out on was withdrawn (RCT-3); the unit loses the year's eligibility the moment the
/// finding is confirmed, without waiting for anyone to record it again;</item>
/// <item>INS-6: the Office's accountability outcome "取消年度评优资格" for the unit;</item>
/// <item>EV-8: a section in the bottom three, or below 70, in the final results of a campaign of the year ("不得参加年度评先评优").</item>
/// </list>
/// </summary>
public sealed class ExcellenceEligibility(MingchaDb db, Outcomes outcomes)
{
    public async Task<List<EligibilityLoss>> ForYearAsync(int year, Guid? unitId, CancellationToken ct)
    {
        var losses = new List<EligibilityLoss>();
        foreach (var u in await outcomes.IneligibleUnitsAsync(year, ct))
            if (unitId is null || unitId == u)
                losses.Add(new EligibilityLoss(u, null, "INS-6", "因问责取消本年度评优评先资格（INS-6）。 Excellence eligibility lost by accountability (INS-6)."));

        var withdrawn = db.NoticeFindings.Join(db.RectificationNotices.Where(n => n.Status == NoticeStatus.Withdrawn), nf => nf.NoticeId, n => n.Id, (nf, n) => nf.FindingId);
        var fq = db.Findings.AsNoTracking().Where(f => f.Year == year && f.Status == FindingStatus.Confirmed && f.Group == DeductionGroup.Conduct
            && f.ItemCode != DefaultDeductionCatalogue.RefusalToSignCode && !withdrawn.Contains(f.Id));
        if (unitId is { } only) fq = fq.Where(f => f.UnitId == only);
        foreach (var f in await fq.OrderBy(f => f.RecordedAt).Select(f => new { f.Id, f.UnitId, f.SectionId, f.ItemCode, f.ItemName }).ToListAsync(ct))
            losses.Add(new EligibilityLoss(f.UnitId, f.SectionId, "INS-6",
                $"经查实阻挠、拖延检查或通风报信（{f.ItemCode} {f.ItemName}），取消本年度评优评先资格（INS-6）。 Confirmed obstruction ({f.ItemCode}): no excellence rating this year (INS-6).", f.Id));

        var finals = db.Campaigns.Where(c => c.Year == year && (c.Status == CampaignStatus.Closed || c.Status == CampaignStatus.Published) && c.ComputationId != null)
            .Select(c => c.ComputationId!.Value);
        var rq = db.ScoreResults.AsNoTracking().Where(r => finals.Contains(r.ComputationId)
            && Consequences.FollowedUp.Contains(r.Consequence));
        if (unitId is { } u1) rq = rq.Where(r => r.UnitId == u1);
        foreach (var r in await rq.Select(r => new { r.UnitId, r.SectionId, r.Consequence }).Distinct().ToListAsync(ct))
            losses.Add(new EligibilityLoss(r.UnitId, r.SectionId, "EV-8", r.Consequence == ResultConsequence.Explain
                ? "科室测评列后三名，不得参加年度评先评优（EV-8）。 A section in the bottom three: no awards this year (EV-8)."
                : "科室测评低于 70 分，限期整改并问责（EV-8）。 A section below 70: rectification and accountability (EV-8)."));
        return losses;
    }
}
