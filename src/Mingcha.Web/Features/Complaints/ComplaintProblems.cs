using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Rectification;
using Mingcha.Web.Data;

namespace Mingcha.Web.Features.Complaints;

/// <summary>A substantiated complaint as a problem of the rectification score (EV-6, decision 020).</summary>
public sealed record ComplaintProblem(Guid ComplaintId, Guid UnitId, Guid SectionId, RectificationResult Result);

/// <summary>
/// EV-6: the problems found by efficiency complaints (S4 "受理效能投诉") for the scoring module: each complaint received in
/// the campaign's period that the Office closed as substantiated and that names the section complained of, at its S4 category
/// (<see cref="RectificationScoring.ClassifyComplaint"/>). A complaint naming no section cannot be laid at a section's door
/// and is not counted.
/// </summary>
public static class ComplaintProblems
{
    /// <summary>The complaints received from <paramref name="from"/> to <paramref name="to"/>, both included (a campaign's period, decision 024).</summary>
    public static async Task<List<ComplaintProblem>> InPeriodAsync(MingchaDb db, DateOnly from, DateOnly to, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await db.Complaints.AsNoTracking()
            .Where(c => c.Kind == Mingcha.Domain.Complaints.ComplaintKind.Complaint && c.Substantiated == true && c.SectionId != null && c.ReceivedOn >= from && c.ReceivedOn <= to)
            .OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.UnitId, SectionId = c.SectionId!.Value, c.AnsweredLate, c.SentBack }).ToListAsync(ct);
        return rows.Select(c => new ComplaintProblem(c.Id, c.UnitId, c.SectionId, RectificationScoring.ClassifyComplaint(c.AnsweredLate, c.SentBack))).ToList();
    }
}
