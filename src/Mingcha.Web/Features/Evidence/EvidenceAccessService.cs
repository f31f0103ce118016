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
