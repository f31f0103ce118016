using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Mingcha.Domain.Inspections;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.Web.Features.Inspections;

/// <summary>
/// INS-5: the random draw of a round's targets from the eligible sections, with the rules of INS-4 (sections where
/// the unit's last inspection found problems are taken first; for open rounds, units without an open inspection this
/// year are preferred, for full coverage) and ORG-5 (sections and units an inspector of the assigned team or agency
/// declared a conflict with are excluded). Recorded so that it can be re-run (<see cref="VerifyAsync"/>).
/// </summary>
public sealed class Draws(MingchaDb db, TimeProvider time)
{
    public sealed record DrawRequest([property: Required, Range(1, 100000)] int? Count,
        [property: StringLength(20)] string? Seed, IReadOnlyList<SectionKind>? Kinds, IReadOnlyList<Guid>? UnitIds, Guid? TeamId, bool? IncludeRechecks);
    public sealed record DrawSummary(Guid Id, Guid RoundId, string Algorithm, string Seed, int Requested, string InputHash, int Eligible, int Excluded,
        int Mandatory, int Preferred, IReadOnlyList<Guid> Drawn, DateTime CreatedAt);
    public sealed record DrawDetail(DrawSummary Summary, string InputList, string ExcludedList, string MandatoryList);
    public sealed record Verification(Guid Id, string Algorithm, string Seed, bool InputHashMatches, bool ResultMatches, IReadOnlyList<Guid> Recorded, IReadOnlyList<Guid> Rerun);

    public async Task<DrawSummary> DrawAsync(Guid roundId, DrawRequest r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        // The API's validation checks this before the call; the page's form reaches here with whatever was posted.
        if (r.Count is not (>= 1 and <= 100000))
            throw new FieldException("count", "抽取数量须为 1 到 100000 之间的整数。 The number to draw is a whole number from 1 to 100000.");
        var round = await db.InspectionRounds.Include(x => x.Teams).FirstOrDefaultAsync(x => x.Id == roundId, ct) ?? throw Rounds.NotFound();
        round.EnsureTargetsOpen();
        ulong seed;
        if (string.IsNullOrWhiteSpace(r.Seed)) seed = TargetDraw.NewSeed();
        else if (!ulong.TryParse(r.Seed, NumberStyles.None, CultureInfo.InvariantCulture, out seed))
            throw new FieldException("seed", "种子须为 0 到 18446744073709551615 之间的整数。 The seed is an unsigned 64-bit integer.");
        if (r.TeamId is { } team && round.Teams.All(t => t.TeamId != team))
            throw new DomainRuleException("INS-9", "该督查组不在本轮方案中。 The team is not in the round's plan.", 422);

        // The eligible sections: active, in the draw's scope, not already a target of the round.
        var q = db.Sections.AsNoTracking().Where(s => s.Active);
        if (r.Kinds is { Count: > 0 } kinds) q = q.Where(s => kinds.Contains(s.Kind));
        if (r.UnitIds is { Count: > 0 } unitIds) q = q.Where(s => unitIds.Contains(s.UnitId));
        var sections = await ReadSectionsAsync(q, ct);
        var already = (await db.RoundTargets.AsNoTracking().Where(t => t.RoundId == roundId).Select(t => t.SectionId).ToListAsync(ct)).ToHashSet();
        sections.RemoveAll(s => already.Contains(s.Id));
        var unitOf = sections.ToDictionary(s => s.Id, s => s.UnitId);

        // ORG-5: exclusions for the people who will carry the targets out.
        var people = r.TeamId is not null
            ? await Conflicts.PeopleOfAsync(db, round.AgencyId, r.TeamId, ct)
            : await Conflicts.PeopleOfAsync(db, round.AgencyId, round.Teams.Select(t => t.TeamId), ct);
        var conflicts = await Conflicts.InForceAsync(db, people, round.StartsOn, round.EndsOn, ct);
        var wholeUnits = conflicts.Where(c => c.SectionId is null).Select(c => c.UnitId).ToHashSet();
        var singleSections = conflicts.Where(c => c.SectionId is not null).Select(c => c.SectionId!.Value).ToHashSet();
        var excluded = sections.Where(s => wholeUnits.Contains(s.UnitId) || singleSections.Contains(s.Id)).Select(s => s.Id).ToList();
        var excludedSet = excluded.ToHashSet();

        // INS-4: the last accepted inspection of each unit; where it found problems, its section is re-checked. A routine
        // round may not leave them out ("上次发现问题的单位下次为必查单位"); a thematic one, about another subject, may.
        if (r.IncludeRechecks == false && round.Campaign == CampaignKind.Routine)
            throw new DomainRuleException("INS-4", "例行检查须将上次发现问题的单位列为必查单位，不能略去。 A routine round re-checks the units where problems were found last time; they cannot be left out.", 422);
        var mandatory = new List<Guid>();
        if (r.IncludeRechecks ?? true)
        {
            var lastVisits = await db.Visits.AsNoTracking()
                .Where(v => v.Status == VisitStatus.Accepted && v.RoundId != roundId)
                .Select(v => new { v.Id, v.UnitId, v.SectionId, v.VisitedOn, v.DecidedAt })
                .ToListAsync(ct);
            var latest = lastVisits.GroupBy(v => v.UnitId)
                .Select(g => g.OrderByDescending(v => v.VisitedOn).ThenByDescending(v => v.DecidedAt).First()).ToList();
            var latestIds = latest.Select(v => v.Id).ToList();
            // A finding dropped, or on a notice withdrawn after an upheld objection (RCT-3), was not a problem after all.
            var withdrawn = Rectification.Notices.WithdrawnFindings(db);
            var withProblems = (await db.Findings.AsNoTracking()
                .Where(f => latestIds.Contains(f.VisitId) && f.Status != FindingStatus.Dropped && !withdrawn.Contains(f.Id))
                .Select(f => f.VisitId).Distinct().ToListAsync(ct)).ToHashSet();
            // An open inspection's spot check that found items missing or without evidence (INS-4, P02) found problems too,
            // unless every such deduction was reversed (RCT-3).
            var deductions = db.OpenDeductions;
            var reversed = OpenInspections.ReversedDeductions(db);
            withProblems.UnionWith(await db.SpotChecks.AsNoTracking()
                .Where(c => c.VisitId != null && latestIds.Contains(c.VisitId.Value)
                    && deductions.Any(d => d.SourceType == "SpotCheck" && d.SourceId == c.Id && !reversed.Contains(d.Id)))
                .Select(c => c.VisitId!.Value).Distinct().ToListAsync(ct));
            foreach (var v in latest.Where(v => withProblems.Contains(v.Id) && unitOf.ContainsKey(v.SectionId)))
            {
                if (excludedSet.Contains(v.SectionId))
                    throw new DomainRuleException("ORG-5", "上次发现问题的必查单位（INS-4）与实施人员存在利益冲突，请更换实施人员后再抽取。 A unit that must be re-checked (INS-4) conflicts with an inspector (ORG-5): assign other people first.", 422);
                mandatory.Add(v.SectionId);
            }
        }

        // INS-4 full coverage: open rounds prefer units without an open inspection this year.
        var preferred = new List<Guid>();
        var others = new List<Guid>();
        HashSet<Guid> covered = [];
        if (round.Kind == InspectionKind.Open)
            covered = (await db.Visits.AsNoTracking()
                .Where(v => v.Year == round.Year && v.Kind == InspectionKind.Open && v.Status != VisitStatus.Rejected)
                .Select(v => v.UnitId).Distinct().ToListAsync(ct)).ToHashSet();
        var mandatorySet = mandatory.ToHashSet();
        foreach (var s in sections)
        {
            if (excludedSet.Contains(s.Id) || mandatorySet.Contains(s.Id)) continue;
            if (round.Kind == InspectionKind.Open && !covered.Contains(s.UnitId)) preferred.Add(s.Id);
            else others.Add(s.Id);
        }

        DrawResult result;
        try
        {
            result = TargetDraw.Run(new DrawInput(seed, r.Count!.Value, mandatory, preferred, others));
        }
        catch (DrawRefusedException e)
        {
            var detail = $"（已排除：与实施人员有利益冲突 {excluded.Count} 个（ORG-5），已列入本轮 {already.Count} 个。 Excluded: {excluded.Count} for conflicts of interest (ORG-5), {already.Count} already targets.）";
            throw new DomainRuleException(e.RuleId, e.Message + detail, 422);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var draw = new RoundDraw(roundId, result.Algorithm, seed, r.Count!.Value, result.InputHash, result.InputList,
            Lines(excluded.Order().Select(id => $"{id:D} ORG-5")), Lines(mandatory.Select(id => id.ToString("D"))), Lines(result.Drawn.Select(id => id.ToString("D"))),
            by.UserId() ?? "", now);
        db.RoundDraws.Add(draw);
        var teamId = r.TeamId ?? (round.Teams.Count == 1 ? round.Teams[0].TeamId : null);
        var targets = result.Drawn.Select(id => new RoundTarget(roundId, id, unitOf[id], mandatorySet.Contains(id) ? TargetSource.Mandatory : TargetSource.Drawn,
            draw.Id, teamId, round.AgencyId, now)).ToList();
        // One audit event for the draw and its targets, as for bulk imports (decision 004): the draw row holds the whole
        // input and result, the event their hashes, so the chain vouches for both without copying megabytes per row.
        // The targets go in by the prepared-statement / COPY path of the organisation import: through EF, 1,000 of them
        // took most of the draw's second (bench/README.md).
        db.SuppressRowAudit = true;
        db.Audit(new Audit.AuditEvent("inspections.draw", nameof(RoundDraw), draw.Id.ToString(), null,
            $"round {roundId}; {result.Algorithm}; seed {seed}; requested {r.Count}; eligible {result.InputList.Count(c => c == '\n')}; input sha256 {result.InputHash}; "
            + $"excluded {excluded.Count} (ORG-5); mandatory {mandatory.Count} (INS-4); result sha256 {TargetDraw.Hash(draw.Result)}; targets {result.Drawn.Count}"));
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            try
            {
                await db.SaveChangesAsync(ct);
                await BulkInsert.InsertAsync(db, targets, ct);
                await transaction.CommitAsync(ct);
            }
            finally
            {
                db.SuppressRowAudit = false;
            }
        }
        return Summary(draw, excluded.Count, mandatory.Count, preferred.Count, result.Drawn);
    }

    public async Task<DrawDetail> GetAsync(Guid id, CancellationToken ct)
    {
        var d = await db.RoundDraws.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("抽取记录不存在。 No such draw.");
        var lines = d.InputList.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return new DrawDetail(Summary(d, Count(d.Excluded), Count(d.Mandatory), lines.Count(l => l.StartsWith('P')), Parse(d.Result)), d.InputList, d.Excluded, d.Mandatory);
    }

    /// <summary>INS-5: re-runs the recorded draw from its recorded input and seed and compares with the recorded result.</summary>
    public async Task<Verification> VerifyAsync(Guid id, CancellationToken ct)
    {
        var d = await db.RoundDraws.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("抽取记录不存在。 No such draw.");
        var recorded = Parse(d.Result);
        var hashMatches = string.Equals(TargetDraw.Hash(d.InputList), d.InputHash, StringComparison.Ordinal);
        IReadOnlyList<Guid> rerun;
        try
        {
            rerun = d.Algorithm == TargetDraw.Algorithm ? TargetDraw.Replay(d.InputList, unchecked((ulong)d.Seed), d.Requested).Drawn : [];
        }
        catch (Exception e) when (e is FormatException or DrawRefusedException)
        {
            rerun = [];
        }
        return new Verification(d.Id, d.Algorithm, unchecked((ulong)d.Seed).ToString(CultureInfo.InvariantCulture), hashMatches, hashMatches && recorded.SequenceEqual(rerun), recorded, rerun);
    }

    private readonly record struct SectionRow(Guid Id, Guid UnitId);

    /// <summary>
    /// The eligible (Id, UnitId) pairs with a plain data reader over the query EF builds: a draw reads up to 100,000 of
    /// them, and EF's materialiser costs several times the database's own work at that size (bench/inspections).
    /// </summary>
    private async Task<List<SectionRow>> ReadSectionsAsync(IQueryable<Section> q, CancellationToken ct)
    {
        var rows = new List<SectionRow>();
        await using var command = q.Select(s => new { s.Id, s.UnitId }).CreateDbCommand();
        var opened = command.Connection!.State != System.Data.ConnectionState.Open;
        if (opened) await db.Database.OpenConnectionAsync(ct);
        try
        {
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                rows.Add(new SectionRow(reader.GetGuid(0), reader.GetGuid(1)));
        }
        finally
        {
            if (opened) await db.Database.CloseConnectionAsync();
        }
        return rows;
    }

    private static DrawSummary Summary(RoundDraw d, int excluded, int mandatory, int preferred, IReadOnlyList<Guid> drawn) =>
        new(d.Id, d.RoundId, d.Algorithm, unchecked((ulong)d.Seed).ToString(CultureInfo.InvariantCulture), d.Requested, d.InputHash,
            d.InputList.Count(c => c == '\n'), excluded, mandatory, preferred, drawn, d.CreatedAt);

    private static string Lines(IEnumerable<string> lines)
    {
        var sb = new StringBuilder();
        foreach (var l in lines) sb.Append(l).Append('\n');
        return sb.ToString();
    }

    private static int Count(string text) => text.Count(c => c == '\n');

    private static List<Guid> Parse(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => Guid.Parse(l.AsSpan(0, 36))).ToList();
}
