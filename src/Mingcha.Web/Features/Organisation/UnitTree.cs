namespace Mingcha.Web.Features.Organisation;

/// <summary>Units under units (a county with its townships, ORG-1).</summary>
public static class UnitTree
{
    /// <summary>The unit and every unit under it at any depth, from the units' (id, parent) pairs; a cycle ends the walk.</summary>
    public static HashSet<Guid> WithDescendants(Guid root, IEnumerable<(Guid Id, Guid? ParentId)> units)
    {
        var children = units.Where(u => u.ParentId is not null).ToLookup(u => u.ParentId!.Value, u => u.Id);
        var found = new HashSet<Guid> { root };
        var next = new Queue<Guid>([root]);
        while (next.TryDequeue(out var id))
            foreach (var child in children[id])
                if (found.Add(child)) next.Enqueue(child);
        return found;
    }
}
