namespace Mingcha.Domain.Organisation;

/// <summary>
/// ORG-1, decision 026: a section moved to another unit takes along every section below it (a hall its windows) and every
/// staff member assigned to it or to one of them, so that nothing is left pointing across units. A staff code that would
/// then be used twice in the target unit (codes are unique within a unit) stops the move. Records made before the move
/// keep the unit and section they were made for; the versions of the section, the sections below it and the staff show
/// what they were then.
/// </summary>
public static class SectionMove
{
    /// <summary>
    /// The sections below <paramref name="root"/> (its children, their children, ...), nearest first. A section for which
    /// <paramref name="decidesItself"/> holds is not taken, nor anything below it: in an import, a row of the same file
    /// says where that section goes. A cycle in the parent links ends the walk instead of looping.
    /// </summary>
    public static IReadOnlyList<Guid> Below(Guid root, Func<Guid, IEnumerable<Guid>> childrenOf, Func<Guid, bool>? decidesItself = null)
    {
        ArgumentNullException.ThrowIfNull(childrenOf);
        var seen = new HashSet<Guid> { root };
        var below = new List<Guid>();
        var queue = new Queue<Guid>();
        queue.Enqueue(root);
        while (queue.TryDequeue(out var id))
        {
            foreach (var child in childrenOf(id))
            {
                if (!seen.Add(child) || decidesItself?.Invoke(child) == true) continue;
                below.Add(child);
                queue.Enqueue(child);
            }
        }
        return below;
    }

    /// <summary>
    /// The staff codes that would be used twice in the target unit after the move: codes already taken there, and codes
    /// that two of the people moving carry (from different units). Ordinal, sorted, each once.
    /// </summary>
    public static IReadOnlyList<string> CodeClashes(IEnumerable<string> moving, IEnumerable<string> takenInTarget)
    {
        ArgumentNullException.ThrowIfNull(moving);
        ArgumentNullException.ThrowIfNull(takenInTarget);
        var used = new HashSet<string>(takenInTarget, StringComparer.Ordinal);
        var clashes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var code in moving)
            if (!used.Add(code)) clashes.Add(code);
        return [.. clashes];
    }

    /// <summary>The refusal of a move because of <see cref="CodeClashes"/>: Chinese first, then a short English phrase; at most ten codes named.</summary>
    public static string ClashMessage(string section, string targetUnit, IReadOnlyList<string> codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        var named = string.Join("、", codes.Take(10)) + (codes.Count > 10 ? $" 等 {codes.Count} 个" : "");
        return $"科室“{section}”划转时其工作人员随之划转，但工号 {named} 在单位“{targetUnit}”已有人使用（工号在单位内唯一）。"
            + "请先把这些人员调整到原单位的其他科室（或不指定科室），再划转。 "
            + $"Staff codes {string.Join(", ", codes.Take(10))} are taken in the target unit; reassign those people first.";
    }
}
