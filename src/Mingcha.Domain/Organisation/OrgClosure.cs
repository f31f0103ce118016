namespace Mingcha.Domain.Organisation;

/// <summary>
/// ORG-1, decision 045: a unit or section is closed (撤销) only once nothing of it is still open, so that no open section
/// hangs under a closed one and no person in post works in a unit that no longer exists. What is still open is named in
/// the refusal, so the office knows what to move, close or record as departed first.
/// </summary>
public static class OrgClosure
{
    public const string UnitClosed = "该单位已撤销。 The unit is closed.";
    public const string SectionClosed = "该科室（窗口）已撤销。 The section is closed.";

    /// <summary>Refusals to reopen (恢复) below something still closed: the page's, the API's and the import's.</summary>
    public const string ParentUnitClosed = "上级单位已撤销，请先恢复上级单位或调整隶属关系。 The parent unit is closed: open it again or move this unit first.";
    public const string UnitOfSectionClosed = "所属单位已撤销，请先恢复单位或将其划转到其他单位。 Its unit is closed: open the unit again or move the section first.";
    public const string ParentSectionClosed = "上级科室已撤销，请先恢复上级科室。 The section above it is closed: open it again first.";

    /// <summary>
    /// The refusal to close <paramref name="name"/> while <paramref name="sections"/> sections (below it, or of the unit),
    /// <paramref name="staff"/> staff in post and <paramref name="units"/> sub-units are open. Chinese first, then English.
    /// </summary>
    public static string StillOpen(string name, int sections, int staff, int units)
    {
        if (sections < 0 || staff < 0 || units < 0 || sections + staff + units == 0)
            throw new ArgumentOutOfRangeException(nameof(sections), "Something must still be open.");
        var zh = new List<string>();
        var en = new List<string>();
        if (units > 0) { zh.Add($"{units} 个下级单位"); en.Add($"{units} sub-unit{(units == 1 ? "" : "s")}"); }
        if (sections > 0) { zh.Add($"{sections} 个在用的科室或窗口"); en.Add($"{sections} open section{(sections == 1 ? "" : "s")}"); }
        if (staff > 0) { zh.Add($"{staff} 名在岗人员"); en.Add($"{staff} staff member{(staff == 1 ? "" : "s")} in post"); }
        return $"“{name}”还有 {string.Join("、", zh)}：请先将其撤销、划转或调整，在岗人员调整科室或登记离岗，然后再撤销。 "
            + $"It still has {string.Join(", ", en)}: close, move or reassign them first (or record the people's departure).";
    }
}
