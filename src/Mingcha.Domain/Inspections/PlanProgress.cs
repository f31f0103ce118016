namespace Mingcha.Domain.Inspections;

/// <summary>What a section counts as in the year's targets (INS-10, S0).</summary>
public enum TargetKind
{
    /// <summary>局属窗口单位: each visited N times a year.</summary>
    Window,
    /// <summary>区服务大厅: each visited N times a year.</summary>
    Hall,
    /// <summary>街乡镇服务网点: at least a share of them sampled.</summary>
    Outlet,
    /// <summary>Anything else (internal sections, secondary units): counts toward the total only.</summary>
    Other,
}

public sealed record YearTargets(int TotalVisits, int VisitsPerWindow, int VisitsPerHall, decimal OutletSharePercent);

/// <summary>An accepted visit (INS-19: only accepted visits count; rejected ones never).</summary>
public sealed record CountedVisit(Guid SectionId, TargetKind Kind, int Month, bool Covert);

public sealed record KindProgress(TargetKind Kind, int Sections, int Visits, int RequiredPerSection, int SectionsMeetingTarget, int SectionsVisited,
    decimal SharePercent, decimal TargetSharePercent, bool Met);

public sealed record MonthProgress(int Month, int Window, int Hall, int Outlet, int Other, int Total, int Cumulative, int CumulativeTarget, int Findings);

public sealed record ProgressReport(int TotalTarget, int TotalVisits, decimal TotalPercent, int CovertVisits, int OpenVisits,
    IReadOnlyList<KindProgress> ByKind, IReadOnlyList<MonthProgress> ByMonth, int Units, int UnitsWithOpenInspection, bool OpenCoverageMet);

/// <summary>
/// Rule INS-10: the year's progress against its targets, by kind of section and by month. Only accepted visits are
/// passed in (INS-19). The cumulative target of month m is the year's total × m / 12, rounded up. Open-inspection
/// coverage (INS-4): every unit gets at least one open inspection a year.
/// </summary>
public static class PlanProgress
{
    public static ProgressReport Compute(YearTargets targets, IReadOnlyDictionary<TargetKind, int> sectionsByKind, IReadOnlyList<CountedVisit> visits,
        IReadOnlyDictionary<int, int> findingsByMonth, int units, int unitsWithOpenInspection)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(sectionsByKind);
        ArgumentNullException.ThrowIfNull(visits);
        ArgumentNullException.ThrowIfNull(findingsByMonth);

        var perSection = new Dictionary<Guid, int>();
        var kindOf = new Dictionary<Guid, TargetKind>();
        var months = new int[13, 4];
        var covert = 0;
        // S0's targets (230 a year, windows and halls twice, half the outlets) are the covert visits' (暗访任务): an open
        // inspection is counted apart (INS-4's full coverage), not towards them.
        foreach (var v in visits)
        {
            if (!v.Covert) continue;
            perSection[v.SectionId] = perSection.GetValueOrDefault(v.SectionId) + 1;
            kindOf[v.SectionId] = v.Kind;
            if (v.Month is >= 1 and <= 12) months[v.Month, (int)v.Kind]++;
            covert++;
        }

        var byKind = new List<KindProgress>();
        foreach (var kind in new[] { TargetKind.Window, TargetKind.Hall, TargetKind.Outlet, TargetKind.Other })
        {
            var sections = sectionsByKind.GetValueOrDefault(kind);
            var counts = perSection.Where(p => kindOf[p.Key] == kind).Select(p => p.Value).ToList();
            var required = kind switch { TargetKind.Window => targets.VisitsPerWindow, TargetKind.Hall => targets.VisitsPerHall, TargetKind.Outlet => 1, _ => 0 };
            var meeting = required == 0 ? 0 : counts.Count(c => c >= required);
            var visited = counts.Count;
            decimal share = sections == 0 ? 0m : Math.Round(100m * (kind == TargetKind.Other ? visited : meeting) / sections, 1);
            var targetShare = kind switch { TargetKind.Outlet => targets.OutletSharePercent, TargetKind.Other => 0m, _ => 100m };
            var met = kind == TargetKind.Other || sections == 0 || 100m * meeting / sections >= targetShare;
            byKind.Add(new KindProgress(kind, sections, counts.Sum(), required, meeting, visited, share, targetShare, met));
        }

        var byMonth = new List<MonthProgress>(12);
        var cumulative = 0;
        for (var m = 1; m <= 12; m++)
        {
            var total = months[m, 0] + months[m, 1] + months[m, 2] + months[m, 3];
            cumulative += total;
            var cumTarget = (int)Math.Ceiling(targets.TotalVisits * m / 12m);
            byMonth.Add(new MonthProgress(m, months[m, 0], months[m, 1], months[m, 2], months[m, 3], total, cumulative, cumTarget, findingsByMonth.GetValueOrDefault(m)));
        }

        var totalPercent = targets.TotalVisits == 0 ? 0m : Math.Round(100m * covert / targets.TotalVisits, 1);
        return new ProgressReport(targets.TotalVisits, covert, totalPercent, covert, visits.Count - covert, byKind, byMonth,
            units, unitsWithOpenInspection, unitsWithOpenInspection >= units);
    }
}
