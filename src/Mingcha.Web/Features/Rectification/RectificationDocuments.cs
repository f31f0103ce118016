using System.Security.Claims;

namespace Mingcha.Web.Features.Rectification;

public sealed record NoticeDocumentFinding(string Code, string Item, string Description, decimal Points);

/// <summary>What a notice's official document says.</summary>
public sealed record NoticeDocument(Guid NoticeId, string UnitName, string Title, string RequiredAction, int WorkingDays, DateOnly LastDay, DateOnly ObjectionLastDay,
    IReadOnlyList<NoticeDocumentFinding> Findings, Guid UnitId, Guid EvidenceCaseId);

/// <summary>What a circular (通报) says.</summary>
public sealed record CircularDocument(Guid OutcomeId, bool Praise, string Title, IReadOnlyList<string> Paragraphs, IReadOnlyList<Guid> UnitIds);

public sealed record IssuedDoc(Guid Id, string Number, Guid CaseId);

/// <summary>The rectification module's use of the official documents module (decision 009): notices and circulars.</summary>
public interface IRectificationDocuments
{
    Task<IssuedDoc?> IssueNoticeAsync(NoticeDocument notice, ClaimsPrincipal by, CancellationToken ct);
    Task<IssuedDoc?> IssueCircularAsync(CircularDocument circular, ClaimsPrincipal by, CancellationToken ct);
    Task WithdrawAsync(Guid documentId, string reason, ClaimsPrincipal by, CancellationToken ct);
}
