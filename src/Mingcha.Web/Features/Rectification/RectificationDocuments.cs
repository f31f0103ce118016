using System.Security.Claims;

namespace Mingcha.Web.Features.Rectification;

/// <summary>A line of a notice's problem list: a finding with its item and points, or a problem found through another channel (no points: EV-6).</summary>
public sealed record NoticeDocumentFinding(string Code, string Item, string Description, decimal? Points);

/// <summary>What a notice's official document says.</summary>
public sealed record NoticeDocument(Guid NoticeId, string UnitName, string Title, string RequiredAction, int WorkingDays, DateOnly LastDay, DateOnly ObjectionLastDay,
    IReadOnlyList<NoticeDocumentFinding> Findings, Guid UnitId);

/// <summary>What a circular (通报) says.</summary>
public sealed record CircularDocument(Guid OutcomeId, bool Praise, string Title, IReadOnlyList<string> Paragraphs, IReadOnlyList<Guid> UnitIds);

public sealed record IssuedDoc(Guid Id, string Number, Guid CaseId);

/// <summary>The rectification module's use of the official documents module (decision 009): notices and circulars.</summary>
public interface IRectificationDocuments
{
    /// <summary>
    /// RCT-2: lays out and renders the notice's document, before anything of the notice is written (nothing stored). Await
    /// its <see cref="Documents.OfficialDocuments.PreparedDocument.TurnAsync"/> before the issuing transaction begins, and
    /// dispose it once that transaction has ended.
    /// </summary>
    Task<Documents.OfficialDocuments.PreparedDocument> PrepareNoticeAsync(NoticeDocument n, CancellationToken ct);
    /// <summary>RCT-2: in the notice's issuing transaction, first: its number (the counter moves with the transaction).</summary>
    Task NumberNoticeAsync(Documents.OfficialDocuments.PreparedDocument prepared, CancellationToken ct);
    /// <summary>RCT-2: in the notice's issuing transaction: the DOCX and PDF in the notice's case and the register line.</summary>
    Task<IssuedDoc> RegisterNoticeAsync(Documents.OfficialDocuments.PreparedDocument prepared, Guid noticeId, Guid caseId, ClaimsPrincipal by, CancellationToken ct);
    Task<IssuedDoc?> IssueCircularAsync(CircularDocument c, ClaimsPrincipal by, CancellationToken ct);
    /// <summary>Withdraws the document with its record, in the caller's save (already withdrawn: done).</summary>
    Task WithdrawWithRecordAsync(Guid documentId, string reason, string userId, DateTime nowUtc, CancellationToken ct);
}

/// <summary>
/// Notices and circulars as official documents (decision 009): GB/T 9704 DOCX and PDF, numbered per office and year without
/// gaps, stored as evidence in the notice's case; a withdrawn notice's document is withdrawn and its number stays used.
/// </summary>
public sealed class RectificationDocuments(Documents.OfficialDocuments documents) : IRectificationDocuments
{
    public async Task<Documents.OfficialDocuments.PreparedDocument> PrepareNoticeAsync(NoticeDocument n, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(n);
        var body = new List<Mingcha.Domain.Documents.DocumentBlock>
        {
            new Mingcha.Domain.Documents.ParagraphBlock($"经效能办依据有关规定确认，你单位存在以下问题，现通知你单位限期整改。"),
            new Mingcha.Domain.Documents.HeadingBlock(1, "存在问题"),
            new Mingcha.Domain.Documents.TableBlock(["序号", "扣分项", "问题描述", "扣分"],
                n.Findings.Select((f, i) => (IReadOnlyList<string>)[(i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), $"{f.Code} {f.Item}", f.Description,
                    f.Points?.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) ?? "—"]).ToList(), "问题清单"),
            new Mingcha.Domain.Documents.HeadingBlock(1, "整改要求"),
            new Mingcha.Domain.Documents.ParagraphBlock(n.RequiredAction),
            new Mingcha.Domain.Documents.ParagraphBlock($"请你单位于{n.LastDay:yyyy年M月d日}前（{n.WorkingDays}个工作日内）完成整改，并举一反三，将整改情况及证明材料报效能办核查备案。"),
            new Mingcha.Domain.Documents.HeadingBlock(1, "异议"),
            new Mingcha.Domain.Documents.ParagraphBlock($"对本通知书认定事实确有异议并能提供相关证据的，可在收到本通知书后2个工作日内（{n.ObjectionLastDay:yyyy年M月d日}前）向效能办提出。异议不成立的，应当执行。"),
        };
        var content = documents.Draft(Mingcha.Domain.Documents.DocumentKind.Notice, Cut(n.Title, 200), [n.UnitName], body) with { Attachments = ["问题清单"] };
        return await documents.PrepareAsync(content, [n.UnitId], ct);
    }

    public Task NumberNoticeAsync(Documents.OfficialDocuments.PreparedDocument prepared, CancellationToken ct) => documents.AllocateAsync(prepared, ct);

    public async Task<IssuedDoc> RegisterNoticeAsync(Documents.OfficialDocuments.PreparedDocument prepared, Guid noticeId, Guid caseId, ClaimsPrincipal by, CancellationToken ct)
    {
        var doc = await documents.RegisterAsync(prepared, nameof(RectificationNotice), noticeId, caseId, by, ct);
        return new IssuedDoc(doc.Id, doc.Number, doc.CaseId);
    }

    public async Task<IssuedDoc?> IssueCircularAsync(CircularDocument c, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(c);
        var body = c.Paragraphs.Select(p => (Mingcha.Domain.Documents.DocumentBlock)new Mingcha.Domain.Documents.ParagraphBlock(p)).ToList();
        var content = documents.Draft(Mingcha.Domain.Documents.DocumentKind.Circular, Cut(c.Title, 200), ["市直各单位"], body);
        var doc = await documents.IssueAsync(content, new Documents.DocumentIssue("Circular", c.OutcomeId, c.UnitIds), by, ct);
        return new IssuedDoc(doc.Id, doc.Number, doc.CaseId);
    }

    public Task WithdrawWithRecordAsync(Guid documentId, string reason, string userId, DateTime nowUtc, CancellationToken ct) =>
        documents.WithdrawWithRecordAsync(documentId, Cut(reason, 500), userId, nowUtc, ct);

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];
}
