using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Evidence;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;

namespace Mingcha.Web.Features.Evidence;

/// <summary>
/// Applies EVD-3 to a request: who the asker is with respect to a case (office, team member or assigned
/// inspector, liaison of which unit) and what the rule then allows. Hidden cases answer 404, refused ones 403.
/// </summary>
public sealed class EvidenceAccessService(MingchaDb db)
{
    public const string WriteScope = "evidence:write";

    public static bool IsOffice(ClaimsPrincipal user) => user.IsInRole(Roles.OfficeAdmin) || user.IsInRole(Roles.OfficeStaff);

    /// <summary>The unit whose liaison <paramref name="user"/> is, when they see evidence as the inspected unit (not as the Office).</summary>
    public static Guid? UnitView(ClaimsPrincipal user) => !IsOffice(user) && user.IsInRole(Roles.UnitLiaison) ? user.UnitId() : null;

    public async Task<EvidenceViewer> ViewerAsync(EvidenceCase @case, ClaimsPrincipal user, CancellationToken ct)
    {
        var userId = user.UserId() ?? "";
        var onCase = await db.EvidenceCaseInspectors.AnyAsync(i => i.CaseId == @case.Id && i.UserId == userId && i.WithdrawnAt == null, ct)
            || (@case.TeamId is { } teamId && await (
                from m in db.TeamMembers
                join s in db.Supervisors on m.SupervisorId equals s.Id
                where m.TeamId == teamId && s.UserId == userId
                select m).AnyAsync(ct));
        return new EvidenceViewer(IsOffice(user), onCase, user.IsInRole(Roles.UnitLiaison), user.UnitId());
    }

    /// <summary>The case if the user may see its evidence; otherwise 404 (missing or secret) or 403.</summary>
    public async Task<EvidenceCase> RequireVisibleAsync(Guid caseId, ClaimsPrincipal user, CancellationToken ct)
    {
        var @case = await db.EvidenceCases.AsNoTracking().FirstOrDefaultAsync(c => c.Id == caseId, ct)
            ?? throw NotFound();
        if (IsToken(user)) throw NotFound(); // device tokens hand evidence in; they never read it
        switch (EvidenceAccessRule.Decide(await ViewerAsync(@case, user, ct), @case.Facts))
        {
            case EvidenceVisibility.Visible: return @case;
            case EvidenceVisibility.Hidden: throw NotFound();
            default: throw new DomainRuleException("EVD-3", "无权查看该案卷的证据。 You may not see this case's evidence.", 403);
        }
    }

    /// <summary>
    /// EVD-3, SEC-4: the items of a case that <paramref name="viewer"/> may see. Of a covert visit's case, released to the
    /// inspected unit when the findings were sent (INS-9), the unit sees the evidence of the findings sent to it (confirmed)
    /// and the signatures on them; not the survey respondents' questionnaires and recordings, the step films kept for the
    /// Office's review, or the files of findings the Office dropped. Everyone else who sees the case sees all of it.
    /// </summary>
    public IQueryable<EvidenceItem> VisibleItems(EvidenceCase @case, EvidenceViewer viewer)
    {
        ArgumentNullException.ThrowIfNull(@case);
        ArgumentNullException.ThrowIfNull(viewer);
        var items = db.EvidenceItems.Where(i => i.CaseId == @case.Id);
        if (viewer.IsOffice || viewer.IsOnCase || !EvidenceCase.ReleasedWithFindings(@case.Kind, @case.ReferenceType)) return items;
        return SentWithFindings(db, items);
    }

    /// <summary>
    /// Of <paramref name="items"/> (of covert visits' cases), those the inspected unit sees once the findings were sent: the
    /// evidence of, or the unit's signature on, a confirmed finding of the case's visit. The one statement of that rule, for
    /// one case (<see cref="VisibleItems"/>) and for the unit's list of cases (its counts).
    /// </summary>
    public static IQueryable<EvidenceItem> SentWithFindings(MingchaDb db, IQueryable<EvidenceItem> items) =>
        from i in items
        join c in db.EvidenceCases on i.CaseId equals c.Id
        where db.FindingEvidence.Any(fe => fe.EvidenceItemId == i.Id
                && db.Findings.Any(f => f.Id == fe.FindingId && f.VisitId == c.ReferenceId && f.Status == Inspections.FindingStatus.Confirmed))
            || db.Findings.Any(f => f.VisitId == c.ReferenceId && f.Status == Inspections.FindingStatus.Confirmed && f.SignatureEvidenceItemId == i.Id)
        select i;

    /// <summary>The item if its case is visible to the user and the item within it (<see cref="VisibleItems"/>); otherwise 404.</summary>
    public async Task<EvidenceCase> RequireItemVisibleAsync(EvidenceItem item, ClaimsPrincipal user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(item);
        var @case = await RequireVisibleAsync(item.CaseId, user, ct);
        if (!await VisibleItems(@case, await ViewerAsync(@case, user, ct)).AnyAsync(i => i.Id == item.Id, ct))
            throw new NotFoundException("证据不存在。 No such evidence.");
        return @case;
    }

    /// <summary>The case if the user may add evidence to it (EVD-3); tokens need the evidence:write scope and an assignment.</summary>
    public async Task<EvidenceCase> RequireUploadAsync(Guid caseId, ClaimsPrincipal user, CancellationToken ct)
    {
        var @case = await db.EvidenceCases.AsNoTracking().FirstOrDefaultAsync(c => c.Id == caseId, ct)
            ?? throw NotFound();
        var viewer = await ViewerAsync(@case, user, ct);
        if (IsToken(user) && !user.HasClaim(MingchaClaims.Scope, WriteScope))
            throw new DomainRuleException("EVD-3", "令牌没有 evidence:write 权限。 The token lacks the evidence:write scope.", 403);
        if (EvidenceAccessRule.MayUpload(viewer, @case.Facts)) return @case;
        if (EvidenceAccessRule.Decide(viewer, @case.Facts) == EvidenceVisibility.Hidden) throw NotFound();
        throw new DomainRuleException("EVD-3", "无权向该案卷上传证据。 You may not add evidence to this case.", 403);
    }

    /// <summary>
    /// EVD-3: an upload in progress is finished only by someone who may still add evidence to its case: an inspector whose
    /// assignment was withdrawn meanwhile is refused (403; they started the upload, so the case's existence is no secret
    /// to them).
    /// </summary>
    public async Task RequireStillMayUploadAsync(Guid caseId, ClaimsPrincipal user, CancellationToken ct)
    {
        var @case = await db.EvidenceCases.AsNoTracking().FirstOrDefaultAsync(c => c.Id == caseId, ct) ?? throw NotFound();
        var scoped = !IsToken(user) || user.HasClaim(MingchaClaims.Scope, WriteScope);
        if (scoped && EvidenceAccessRule.MayUpload(await ViewerAsync(@case, user, ct), @case.Facts)) return;
        throw new DomainRuleException("EVD-3", "你向该案卷上传证据的权限已被撤回，本次上传不能继续或完成。 Your access to this case was withdrawn: this upload cannot be continued or finished.", 403);
    }

    /// <summary>The cases the user may see, for lists (the same rule as <see cref="RequireVisibleAsync"/>, as a query).</summary>
    public IQueryable<EvidenceCase> VisibleCases(ClaimsPrincipal user)
    {
        if (IsToken(user)) return db.EvidenceCases.Where(_ => false);
        if (IsOffice(user)) return db.EvidenceCases;
        var userId = user.UserId() ?? "";
        var unit = user.IsInRole(Roles.UnitLiaison) ? user.UnitId() : null;
        var teams = from m in db.TeamMembers join s in db.Supervisors on m.SupervisorId equals s.Id where s.UserId == userId select m.TeamId;
        var assigned = db.EvidenceCaseInspectors.Where(i => i.UserId == userId && i.WithdrawnAt == null).Select(i => i.CaseId);
        return db.EvidenceCases.Where(c =>
            assigned.Contains(c.Id)
            || (c.TeamId != null && teams.Contains(c.TeamId.Value))
            || (unit != null && c.TargetUnitId == unit && c.ReleasedAt != null));
    }

    public static bool IsToken(ClaimsPrincipal user) => user.FindFirst(MingchaClaims.TokenId) is not null;

    public static NotFoundException NotFound() => new("证据案卷不存在。 No such evidence case.");
}
