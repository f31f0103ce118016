using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Complaints;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Complaints;

namespace Mingcha.IntegrationTests.Complaints;

/// <summary>
/// The Office's list stays fast at a million complaints only while every filter is answered by an index that yields rows
/// in page order (docs/complaints.md, bench/complaints). SQLite's query plans are stable and readable, so this reads
/// them for every filter the list offers: an index search, never a full scan, never a sort of the matching rows. The
/// figures themselves are in bench/README.md; PostgreSQL's planner picks by table statistics (on a test's few rows a
/// sequential scan is right), so its plans are not asserted here.
/// </summary>
public sealed class ComplaintListPlanTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    public static TheoryData<string> Filters => new() { "none", "status", "unit", "unit+status", "type", "channel", "type+channel", "kind", "overdue", "status+cursor", "liaison" };

    [SqliteOnlyTheory]
    [MemberData(nameof(Filters))]
    [Trait("Rule", "CMP-7")]
    public async Task EveryListFilter_ReadsAnIndexInPageOrder(string filter)
    {
        var unit = Guid.NewGuid();
        var f = filter switch
        {
            "status" => F(status: ComplaintStatus.Assigned),
            "unit" => F(unit: unit),
            "unit+status" => F(unit: unit, status: ComplaintStatus.Closed),
            "type" => F(type: ComplaintType.Attitude),
            "channel" => F(channel: ComplaintChannel.Letter),
            "type+channel" => F(type: ComplaintType.Attitude, channel: ComplaintChannel.Letter),
            "kind" => F() with { Kind = ComplaintKind.Suggestion },
            "overdue" => F() with { Overdue = true },
            "status+cursor" => F(status: ComplaintStatus.Answered) with { After = ComplaintReads.Cursor(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), Guid.NewGuid()) },
            _ => F(),
        };
        var viewer = filter == "liaison" ? new ComplaintViewer(false, false, unit, "liaison") : new ComplaintViewer(true, true, null, "office");

        var plan = await app.WithDbAsync(async db =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            var reads = ActivatorUtilities.CreateInstance<ComplaintReads>(scope.ServiceProvider, db);
            var sql = reads.PageQuery(viewer, f, 50).ToQueryString();
            // ToQueryString declares the parameters with .param set; EXPLAIN needs the statement alone, with values bound.
            var lines = sql.Split('\n');
            var command = db.Database.GetDbConnection().CreateCommand();
            await db.Database.OpenConnectionAsync();
            command.CommandText = "EXPLAIN QUERY PLAN " + string.Join('\n', lines.Where(l => !l.StartsWith(".param", StringComparison.Ordinal)));
            foreach (var p in lines.Where(l => l.StartsWith(".param set ", StringComparison.Ordinal)))
            {
                var parts = p[".param set ".Length..].Split(' ', 2);
                var prm = command.CreateParameter();
                prm.ParameterName = parts[0];
                prm.Value = long.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : parts[1].Trim().Trim('\'');
                command.Parameters.Add(prm);
            }
            var steps = new List<string>();
            await using var r = await command.ExecuteReaderAsync();
            while (await r.ReadAsync()) steps.Add(r.GetString(3));
            return steps;
        });

        var main = plan[0];
        // The complaints are read through an index (a search by the filter's columns, or a walk of (ReceivedAt, Id)), never the table.
        Assert.True(main.StartsWith("SEARCH c USING ", StringComparison.Ordinal) || main.StartsWith("SCAN c USING ", StringComparison.Ordinal), string.Join(" | ", plan));
        Assert.Contains("INDEX", main);
        Assert.False(plan.Any(s => s.Contains("TEMP B-TREE", StringComparison.Ordinal)), string.Join(" | ", plan)); // no sort: rows come in page order
        if (filter is "unit" or "unit+status" or "status" or "type" or "channel" or "liaison") Assert.StartsWith("SEARCH c USING ", main);
        if (filter == "overdue") Assert.Contains("IX_Complaints_Status_ReceivedAt_Id_LastDay", main);
    }

    private static ComplaintReads.Filter F(ComplaintStatus? status = null, Guid? unit = null, ComplaintType? type = null, ComplaintChannel? channel = null) =>
        new(status, unit, type, channel, null, null, null, 50);
}
