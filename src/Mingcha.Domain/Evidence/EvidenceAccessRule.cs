namespace Mingcha.Domain.Evidence;

/// <summary>Who owns a body of evidence (案卷): the kind of work it documents.</summary>
public enum EvidenceCaseKind
{
    /// <summary>暗访: secret until its findings are sent to the unit (INS-9).</summary>
    CovertVisit,
    /// <summary>明查</summary>
    OpenInspection,
    /// <summary>投诉</summary>
    Complaint,
    /// <summary>整改: evidence of the unit's own rectification.</summary>
    Rectification,
    /// <summary>其他</summary>
    Other,
    /// <summary>
    /// 监测: what the Office found through S4's other channels (video or online-approval e-supervision, monitoring, special
    /// supervision; decision 021); secret until a notice tells the unit of the problem.
    /// </summary>
    Monitoring,
}

/// <summary>The facts about a case that decide who may see its evidence.</summary>
public sealed record EvidenceCaseFacts(EvidenceCaseKind Kind, Guid? TargetUnitId, bool ReleasedToUnit);

/// <summary>The facts about the person asking.</summary>
/// <param name="IsOffice">Office administrator or office staff.</param>
/// <param name="IsOnCase">A member of the case's team, or an inspector assigned to it.</param>
/// <param name="IsUnitLiaison">A unit liaison, bound to <paramref name="UnitId"/>.</param>
public sealed record EvidenceViewer(bool IsOffice, bool IsOnCase, bool IsUnitLiaison, Guid? UnitId);

/// <summary>Visible; refused (403); or hidden (404) where even the case's existence is secret.</summary>
public enum EvidenceVisibility
{
    Visible,
    Forbidden,
    Hidden,
}

/// <summary>
/// Rule EVD-3: evidence is visible to the Office and to the case's own team (and assigned inspectors); to the
/// target unit's liaisons only once the findings have been sent to the unit, and only for their own unit
/// (SEC-2). A covert visit, or a problem of another channel, not yet released is hidden outright: anyone else gets
/// "not found" (INS-9, decision 021).
/// </summary>
public static class EvidenceAccessRule
{
    public static EvidenceVisibility Decide(EvidenceViewer viewer, EvidenceCaseFacts @case)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(@case);
        if (viewer.IsOffice || viewer.IsOnCase) return EvidenceVisibility.Visible;

        var ownUnit = viewer.IsUnitLiaison && viewer.UnitId is { } unit && unit == @case.TargetUnitId;
        if (ownUnit && @case.ReleasedToUnit) return EvidenceVisibility.Visible;

        // Another unit's case, or an unreleased covert visit: the asker may not learn it exists.
        if (viewer.IsUnitLiaison && !ownUnit) return EvidenceVisibility.Hidden;
        if (@case.Kind is EvidenceCaseKind.CovertVisit or EvidenceCaseKind.Monitoring && !@case.ReleasedToUnit) return EvidenceVisibility.Hidden;
        return EvidenceVisibility.Forbidden;
    }

    /// <summary>
    /// Who may add evidence: the Office and the case's people; a unit liaison only to a released rectification
    /// case of their own unit (the unit proves its fix).
    /// </summary>
    public static bool MayUpload(EvidenceViewer viewer, EvidenceCaseFacts @case)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(@case);
        if (viewer.IsOffice || viewer.IsOnCase) return true;
        return viewer.IsUnitLiaison && @case.Kind == EvidenceCaseKind.Rectification && @case.ReleasedToUnit
            && viewer.UnitId is { } unit && unit == @case.TargetUnitId;
    }
}
