using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Complaints;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Audit;
using Mingcha.Web.Features.Jobs;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Complaints;

/// <summary>
/// CMP-10, second half: the Office reports the trends it sees to the units concerned. Each unit complained of in the
/// period (or each unit named) gets its own figures — by type and by month, beside the city's total — and the Office's
/// note, as a notification to its liaisons that links to its trends page. Only complaints already forwarded to the
/// unit are counted (CMP-7); a unit never learns another unit's figures. One audit line records the report.
/// </summary>
public sealed class TrendReports(MingchaDb db, ComplaintReads reads, TimeProvider time)
{
    public sealed record Report([property: Required] DateOnly? From, [property: Required] DateOnly? To, [property: StringLength(2000)] string? Note, IReadOnlyList<Guid>? UnitIds);

    public sealed record Sent(int Units, DateOnly From, DateOnly To);

    public async Task<Sent> SendAsync(Report r, ComplaintViewer by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(by);
        if (!by.IsOffice) throw new DomainRuleException("CMP-10", "只有效能办可以通报投诉趋势（CMP-10）。 Only the Office reports trends (CMP-10).", 403);
        Problems.ValidateLengths(r);
        var city = await reads.TrendsAsync(r.From, r.To, by, null, ct); // checks the dates
        var (from, to) = (city.From, city.To);
        List<Guid> units;
        if (r.UnitIds is { Count: > 0 } named)
        {
            units = named.Distinct().ToList();
            if (units.Count > 5000) throw new FieldException("unitIds", "单位过多。 Too many units.");
            if (await db.Units.CountAsync(u => units.Contains(u.Id), ct) != units.Count) throw new FieldException("unitIds", "单位不存在。 A unit does not exist.");
        }
        else
        {
            units = await db.Complaints.AsNoTracking()
                .Where(c => c.ReceivedOn >= from && c.ReceivedOn <= to && !ComplaintViewer.NotForwarded.Contains(c.Status))
                .Select(c => c.UnitId).Distinct().ToListAsync(ct);
        }
        var now = time.GetUtcNow().UtcDateTime;
        var note = string.IsNullOrWhiteSpace(r.Note) ? null : r.Note.Trim();
        var reported = 0;
        var trends = await reads.UnitTrendsAsync(from, to, units, ct);
        foreach (var unit in units.Order())
        {
            if (!trends.TryGetValue(unit, out var mine) || mine.Total == 0) continue;
            var title = $"效能投诉趋势通报（{from:yyyy-MM-dd} 至 {to:yyyy-MM-dd}）：本单位 {mine.Total} 件。 Complaint trends {from:yyyy-MM-dd} to {to:yyyy-MM-dd}: {mine.Total} about your unit.";
            db.Notifications.Add(new Notification(null, Roles.UnitLiaison, unit, "complaint.trends", title, Body(mine, city.Total, note),
                $"/Complaints/Trends?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}", $"complaint.trends:{unit}:{from:yyyy-MM-dd}:{to:yyyy-MM-dd}:{Guid.NewGuid():N}", now));
            reported++;
        }
        db.Audit(new AuditEvent("complaint.trends-report", "ComplaintTrends", string.Create(CultureInfo.InvariantCulture, $"{from:yyyy-MM-dd}..{to:yyyy-MM-dd}"), null,
            JsonSerializer.Serialize(new { units = reported, note })));
        await db.SaveChangesAsync(ct);
        return new Sent(reported, from, to);
    }

    /// <summary>The unit's figures in words: by type and by month (those with complaints), the city's total, the Office's note.</summary>
    public static string Body(ComplaintReads.Trends mine, int cityTotal, string? note)
    {
        ArgumentNullException.ThrowIfNull(mine);
        var types = string.Join("、", mine.ByType.Where(t => t.Value > 0).OrderByDescending(t => t.Value).Select(t => $"{t.Label} {t.Value}"));
        var months = string.Join("、", mine.ByMonth.Where(m => m.Value > 0).Select(m => $"{m.Label} {m.Value}"));
        var text = $"本单位 {mine.Total} 件（全市 {cityTotal} 件）。按类型：{types}。按月份：{months}。";
        return note is null ? text : $"{text}效能办意见：{note}";
    }
}
