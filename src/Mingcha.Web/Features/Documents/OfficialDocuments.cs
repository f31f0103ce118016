using System.Data.Common;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Documents;
using Mingcha.Domain.Evidence;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Evidence;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Infrastructure;
using Mingcha.Web.Infrastructure.Documents;

namespace Mingcha.Web.Features.Documents;

/// <summary>How a document is issued: whose numbering, what it belongs to, which units receive it.</summary>
/// <param name="ReferenceType">The business record, e.g. "RectificationNotice", "Circular", "RoundReport".</param>
/// <param name="ReferenceId">Its id.</param>
/// <param name="AddresseeUnitIds">The units whose users may read the document (主送 units); may be empty.</param>
/// <param name="EvidenceCaseId">The evidence case that keeps the DOCX and PDF; null opens a new case for the document.</param>
/// <param name="Issuer">Whose numbering: "office" (the efficiency office) unless configured otherwise.</param>
public sealed record DocumentIssue(
    string? ReferenceType,
    Guid? ReferenceId,
    IReadOnlyList<Guid> AddresseeUnitIds,
    Guid? EvidenceCaseId = null,
    string Issuer = OfficialDocuments.OfficeIssuer);

/// <summary>An issued document as the register holds it.</summary>
public sealed record IssuedDocument(Guid Id, string Number, DocumentKind Kind, string Title, DateOnly DocumentDate, DateTime IssuedAt,
    string? ReferenceType, Guid? ReferenceId, Guid CaseId, string DocxSha256, Guid DocxItemId, string PdfSha256, Guid PdfItemId);

/// <summary>
/// Official documents (公文) for every module: lay out, number, register and keep as evidence (decision 009).
/// <list type="bullet">
/// <item><see cref="Draft"/> fills in the office's masthead, signature and 版记; modules then set title, addressees and body.</item>
/// <item><see cref="IssueAsync"/> validates (400 naming fields), gives the next number of the issuer, prefix and year
/// without gaps (the counter moves in the registering transaction, so a failed issue uses no number), renders DOCX and
/// PDF, stores both as immutable evidence and registers the document.</item>
/// <item><see cref="PreviewDocxAsync"/>, <see cref="PreviewPdfAsync"/>, <see cref="PreviewHtml"/>: a draft, watermarked
/// 草稿, with a blank serial; nothing registered, no number used.</item>
/// <item><see cref="WithdrawAsync"/>: marks the register line withdrawn; the number stays used.</item>
/// </list>
/// </summary>
public sealed class OfficialDocuments(
    MingchaDb db,
    TimeProvider time,
    LocalClock clock,
    EvidenceIntake intake,
    EvidenceCases cases,
    ChromiumPdfPrinter printer,
    DocumentNumberLanes queue,
    IOptions<DocumentRenderingOptions> documentOptions,
    IOptions<MingchaOptions> options)
{
    public const string OfficeIssuer = "office";
    public const string DocxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    public const string PdfType = "application/pdf";

    /// <summary>How often issuing renders again when another document took the number it rendered with.</summary>
    private const int OptimisticAttempts = 3;

    /// <summary>A content with the office's masthead, signature, 版记 and today's dates; set title, addressees and body.</summary>
    public OfficialDocumentContent Draft(DocumentKind kind, string title, IReadOnlyList<string> addressees, IReadOnlyList<DocumentBlock> body)
    {
        var office = options.Value.OfficeName;
        var today = clock.Today;
        return new OfficialDocumentContent(kind, office, office + "文件", null, title, addressees, body, [], today, null, [], office, today);
    }

    /// <summary>The prefix (机关代字) of an issuer's documents of a kind: Prefixes:{issuer}:{Kind}, else :Default.</summary>
    public string PrefixFor(string issuer, DocumentKind kind) => DocumentPrefixes.Resolve(documentOptions.Value, issuer, kind);

    public Task<byte[]> PreviewDocxAsync(OfficialDocumentContent content, CancellationToken ct, string issuer = OfficeIssuer)
    {
        var request = PreviewRequest(content, issuer);
        ct.ThrowIfCancellationRequested();
        return Task.FromResult(DocxRenderer.Render(request));
    }

    public async Task<byte[]> PreviewPdfAsync(OfficialDocumentContent content, CancellationToken ct, string issuer = OfficeIssuer) =>
        await printer.PrintAsync(HtmlRenderer.Render(PreviewRequest(content, issuer)), ct);

    public string PreviewHtml(OfficialDocumentContent content, string issuer = OfficeIssuer) => HtmlRenderer.Render(PreviewRequest(content, issuer));

    public async Task<IssuedDocument> IssueAsync(OfficialDocumentContent content, DocumentIssue meta, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(meta);
        ArgumentNullException.ThrowIfNull(by);
        content = Checked(content);
        var issuer = meta.Issuer ?? OfficeIssuer;
        var prefix = PrefixFor(issuer, content.Kind);
        var units = (meta.AddresseeUnitIds ?? []).Distinct().ToList();
        if (units.Count > 0)
        {
            var known = await db.Units.AsNoTracking().Where(u => units.Contains(u.Id)).CountAsync(ct);
            if (known != units.Count)
                throw new FieldException("addresseeUnitIds", "主送单位不存在。 An addressee unit does not exist.");
        }
        if (meta.EvidenceCaseId is { } caseId && !await db.EvidenceCases.AnyAsync(c => c.Id == caseId, ct))
            throw new FieldException("evidenceCaseId", "证据案卷不存在。 The evidence case does not exist.");
        if (meta.ReferenceType is { Length: > 64 })
            throw new FieldException("referenceType", "业务类型最长 64 字。 The reference type is longer than 64 characters.");

        var year = clock.Today.Year;
        var userId = by.UserId() ?? "";
        var userName = by.Identity?.Name ?? userId;
        var id = Guid.CreateVersion7();

        for (var attempt = 1; ; attempt++)
        {
            // Render outside the transaction with the number we expect to get (Chromium takes a second or two), so
            // the counter's row lock and SQLite's write lock are held only for the registration itself. Issues at once
            // on this instance expect consecutive numbers and take them in that order (the queue): each renders once.
            using var ticket = await queue.TakeAsync(issuer, prefix, year, () => PeekNextSerialAsync(issuer, prefix, year, ct), ct);
            var expected = ticket.Expected;
            var files = await RenderAsync(content, new DocumentNumber(prefix, year, expected), ct);
            await ticket.TurnAsync(ct);

            await using var tx = await db.Database.BeginTransactionAsync(ct); // SQLite: BEGIN IMMEDIATE
            var serial = await AllocateSerialAsync(tx, issuer, prefix, year, ct);
            if (serial != expected)
            {
                if (attempt < OptimisticAttempts) continue; // another instance took it: roll back, render again
                files = await RenderAsync(content, new DocumentNumber(prefix, year, serial), ct);
            }
            var number = new DocumentNumber(prefix, year, serial);
            if (db.IsPostgres) // the evidence chain's lock before the audit chain's, as every writer takes them (no deadlock)
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({EvidenceIntake.EvidenceChainLockKey})", ct);

            var evidenceCase = meta.EvidenceCaseId ?? (await cases.OpenAsync(new EvidenceCases.OpenCase(
                EvidenceCaseKind.Other, Limit($"公文 {number} {content.Title}", 200), units.Count == 1 ? units[0] : null, null, "OfficialDocument", id), by, ct)).Id;
            var stem = FileStem(number, content.Title);
            var docx = await intake.StoreGeneratedAsync(evidenceCase, stem + ".docx", DocxType, files.Docx, userId, userName, ct);
            var pdf = await intake.StoreGeneratedAsync(evidenceCase, stem + ".pdf", PdfType, files.Pdf, userId, userName, ct);
            var document = new OfficialDocument(id, issuer, number, content.Kind, content.Title, content.Date, meta.ReferenceType, meta.ReferenceId,
                evidenceCase, (docx.Sha256, docx.Size, docx.Id), (pdf.Sha256, pdf.Size, pdf.Id), userId, userName, time.GetUtcNow().UtcDateTime, units);
            db.OfficialDocuments.Add(document);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return new IssuedDocument(document.Id, document.Number, document.Kind, document.Title, document.DocumentDate, document.IssuedAt,
                document.ReferenceType, document.ReferenceId, document.CaseId, document.DocxSha256, document.DocxItemId, document.PdfSha256, document.PdfItemId);
        }
    }

    /// <summary>
    /// A document laid out and rendered ahead of its registration, with the number it expects to get
    /// (<see cref="PrepareAsync"/>), for a caller that registers it in its own transaction together with the record it
    /// belongs to (<see cref="TurnAsync"/> before the transaction begins, then <see cref="AllocateAsync"/> and
    /// <see cref="RegisterAsync"/> in it): the record and its document are then stored together or not at all. It holds
    /// the document's place in this instance's queue for its numbering (<see cref="DocumentNumberLanes"/>): dispose it
    /// once the caller's transaction has committed or rolled back, so that the documents queued behind it go on.
    /// </summary>
    public sealed class PreparedDocument : IDisposable
    {
        private readonly DocumentNumberLanes.Ticket _ticket;

        internal PreparedDocument(Guid id, OfficialDocumentContent content, string issuer, string prefix, int year, DocumentNumberLanes.Ticket ticket, (byte[] Docx, byte[] Pdf) files, IReadOnlyList<Guid> units)
        {
            Id = id; Content = content; Issuer = issuer; Prefix = prefix; Year = year; _ticket = ticket; Files = files; Units = units;
        }
        public Guid Id { get; }
        internal OfficialDocumentContent Content { get; }
        internal string Issuer { get; }
        internal string Prefix { get; }
        internal int Year { get; }
        internal int Expected => _ticket.Expected;
        internal (byte[] Docx, byte[] Pdf) Files { get; set; }
        internal IReadOnlyList<Guid> Units { get; }
        internal bool HadTurn { get; private set; }
        /// <summary>The number given by <see cref="AllocateAsync"/>.</summary>
        public DocumentNumber? Number { get; internal set; }

        /// <summary>
        /// Before the caller begins its transaction: waits until the documents of the same numbering prepared ahead of this
        /// one on this instance have been registered or given up. (Waited for inside the transaction, SQLite's write lock
        /// would keep those ahead from ever committing.)
        /// </summary>
        public async Task TurnAsync(CancellationToken ct)
        {
            await _ticket.TurnAsync(ct);
            HadTurn = true;
        }

        /// <summary>Leaves the queue: after the caller's transaction has committed or rolled back.</summary>
        public void Dispose() => _ticket.Dispose();
    }

    /// <summary>
    /// Validates and renders a document (Chromium takes a second or two) with the number it expects, outside any
    /// transaction; registers and stores nothing. Refused as <see cref="IssueAsync"/> refuses. The caller disposes the
    /// result once its transaction has ended (or it gave up before one).
    /// </summary>
    public async Task<PreparedDocument> PrepareAsync(OfficialDocumentContent content, IReadOnlyList<Guid> addresseeUnitIds, CancellationToken ct, string issuer = OfficeIssuer)
    {
        content = Checked(content);
        var prefix = PrefixFor(issuer, content.Kind);
        var units = (addresseeUnitIds ?? []).Distinct().ToList();
        if (units.Count > 0)
        {
            var known = await db.Units.AsNoTracking().Where(u => units.Contains(u.Id)).CountAsync(ct);
            if (known != units.Count)
                throw new FieldException("addresseeUnitIds", "主送单位不存在。 An addressee unit does not exist.");
        }
        var year = clock.Today.Year;
        // As IssueAsync: documents prepared at once on this instance expect consecutive numbers, each rendered once.
        var ticket = await queue.TakeAsync(issuer, prefix, year, () => PeekNextSerialAsync(issuer, prefix, year, ct), ct);
        try
        {
            var files = await RenderAsync(content, new DocumentNumber(prefix, year, ticket.Expected), ct);
            return new PreparedDocument(Guid.CreateVersion7(), content, issuer, prefix, year, ticket, files, units);
        }
        catch
        {
            ticket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// In the caller's transaction, begun after <see cref="PreparedDocument.TurnAsync"/>, first of its writes: moves the
    /// issuer's counter (its row stays locked until the caller commits or rolls back: no gaps) and renders again should
    /// another instance's document have taken the expected number (or one queued ahead been given up); then takes
    /// the evidence chain's lock (PostgreSQL), in the order every writer takes the counter, the evidence and the audit locks.
    /// </summary>
    public async Task AllocateAsync(PreparedDocument prepared, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        var tx = db.Database.CurrentTransaction ?? throw new InvalidOperationException("AllocateAsync runs in the caller's transaction.");
        if (!prepared.HadTurn)
            throw new InvalidOperationException("PreparedDocument.TurnAsync is awaited before the caller's transaction begins.");
        var serial = await AllocateSerialAsync(tx, prepared.Issuer, prepared.Prefix, prepared.Year, ct);
        var number = new DocumentNumber(prepared.Prefix, prepared.Year, serial);
        if (serial != prepared.Expected) prepared.Files = await RenderAsync(prepared.Content, number, ct);
        prepared.Number = number;
        if (db.IsPostgres)
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({EvidenceIntake.EvidenceChainLockKey})", ct);
    }

    /// <summary>
    /// In the caller's transaction, after <see cref="AllocateAsync"/>: stores the DOCX and PDF as evidence of the case and
    /// registers the document (written by the evidence's save; committed, or rolled back, with the caller's record).
    /// </summary>
    public async Task<IssuedDocument> RegisterAsync(PreparedDocument prepared, string? referenceType, Guid? referenceId, Guid evidenceCaseId, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(by);
        if (db.Database.CurrentTransaction is null || prepared.Number is not { } number)
            throw new InvalidOperationException("RegisterAsync runs in the caller's transaction, after AllocateAsync.");
        var userId = by.UserId() ?? "";
        var userName = by.Identity?.Name ?? userId;
        var stem = FileStem(number, prepared.Content.Title);
        var docx = await intake.StoreGeneratedAsync(evidenceCaseId, stem + ".docx", DocxType, prepared.Files.Docx, userId, userName, ct);
        var pdf = await intake.StoreGeneratedAsync(evidenceCaseId, stem + ".pdf", PdfType, prepared.Files.Pdf, userId, userName, ct);
        var document = new OfficialDocument(prepared.Id, prepared.Issuer, number, prepared.Content.Kind, prepared.Content.Title, prepared.Content.Date, referenceType, referenceId,
            evidenceCaseId, (docx.Sha256, docx.Size, docx.Id), (pdf.Sha256, pdf.Size, pdf.Id), userId, userName, time.GetUtcNow().UtcDateTime, prepared.Units);
        db.OfficialDocuments.Add(document);
        return new IssuedDocument(document.Id, document.Number, document.Kind, document.Title, document.DocumentDate, document.IssuedAt,
            document.ReferenceType, document.ReferenceId, document.CaseId, document.DocxSha256, document.DocxItemId, document.PdfSha256, document.PdfItemId);
    }

    /// <summary>
    /// Withdraws an issued document from the register with a reason (office administrator). The number is never given
    /// again. A rectification notice's document is refused while the notice stands (RCT-3): the notice has its own
    /// withdrawal, an upheld objection, which withdraws the notice and its document together; withdrawing only the
    /// document would leave the notice in force and escalating.
    /// </summary>
    public async Task WithdrawAsync(Guid id, string reason, ClaimsPrincipal by, CancellationToken ct)
    {
        var document = await db.OfficialDocuments.FirstOrDefaultAsync(d => d.Id == id, ct) ?? throw NotFound();
        if (document.ReferenceType == nameof(Rectification.RectificationNotice) && document.ReferenceId is { } noticeId
            && await db.RectificationNotices.AnyAsync(n => n.Id == noticeId && n.Status != Mingcha.Domain.Rectification.NoticeStatus.Withdrawn, ct))
            throw new DomainRuleException("RCT-3",
                "该公文是一份仍有效的整改通知书，不能在公文登记簿中撤回；请通过通知书的异议复核收回（异议成立即同时撤回公文）。 " +
                "This document is a rectification notice still in force: it is withdrawn with the notice, by upholding an objection on the notice's page, not from the register.");
        document.Withdraw(reason, by.UserId() ?? "", time.GetUtcNow().UtcDateTime);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException)
        {
            // Withdrawn by another request between our read and our write: its withdrawal stands (SEC-3), ours is refused.
            throw new DomainRuleException("RCT-2", "该公文已撤回。 The document was already withdrawn.");
        }
    }

    /// <summary>
    /// Withdraws a document as part of its record's own withdrawal (an upheld objection, RCT-3): tracked, saved with the
    /// caller's changes in the same SaveChanges; a document already withdrawn stays as it is (done).
    /// </summary>
    public async Task WithdrawWithRecordAsync(Guid id, string reason, string userId, DateTime nowUtc, CancellationToken ct)
    {
        var document = await db.OfficialDocuments.FirstOrDefaultAsync(d => d.Id == id, ct) ?? throw NotFound();
        if (!document.Withdrawn) document.Withdraw(reason, userId, nowUtc);
    }

    public static NotFoundException NotFound() => new("公文不存在。 No such document.");

    /// <summary>Null lists become empty; then every field is checked (FieldsException: 400 naming each field).</summary>
    public static OfficialDocumentContent Checked(OfficialDocumentContent? content)
    {
        if (content is not null)
            content = content with
            {
                Addressees = content.Addressees ?? [],
                Attachments = content.Attachments ?? [],
                CopyTo = content.CopyTo ?? [],
            };
        var errors = DocumentValidation.Check(content);
        if (errors.Count > 0) throw new FieldsException(errors);
        return content!;
    }

    private RenderRequest PreviewRequest(OfficialDocumentContent content, string issuer)
    {
        content = Checked(content);
        // The number as it will look, with the serial left blank: nothing is allocated for a draft.
        return new RenderRequest(content, $"{PrefixFor(issuer, content.Kind)}〔{clock.Today.Year}〕　　号", Draft: true);
    }

    private async Task<(byte[] Docx, byte[] Pdf)> RenderAsync(OfficialDocumentContent content, DocumentNumber number, CancellationToken ct)
    {
        var request = new RenderRequest(content, number.ToString(), Draft: false);
        var pdf = printer.PrintAsync(HtmlRenderer.Render(request), ct);
        var docx = DocxRenderer.Render(request);
        return (docx, await pdf);
    }

    private async Task<int> PeekNextSerialAsync(string issuer, string prefix, int year, CancellationToken ct) =>
        (await db.DocumentNumberSequences.AsNoTracking()
            .Where(s => s.Issuer == issuer && s.Prefix == prefix && s.Year == year)
            .Select(s => (int?)s.LastSerial).FirstOrDefaultAsync(ct) ?? 0) + 1;

    /// <summary>
    /// RCT-2: the next serial, by moving the counter in this transaction. PostgreSQL locks the counter's row until the
    /// transaction ends, so a second instance waits and then gets the next one; SQLite's transaction holds the write
    /// lock. A rollback takes the increment back: no gaps.
    /// </summary>
    private async Task<int> AllocateSerialAsync(IDbContextTransaction tx, string issuer, string prefix, int year, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        await using (var insert = Command(connection, tx,
            """INSERT INTO "DocumentNumberSequences" ("Issuer", "Prefix", "Year", "LastSerial") VALUES (@issuer, @prefix, @year, 0) ON CONFLICT DO NOTHING""",
            issuer, prefix, year))
            await insert.ExecuteNonQueryAsync(ct);
        await using var update = Command(connection, tx,
            """UPDATE "DocumentNumberSequences" SET "LastSerial" = "LastSerial" + 1 WHERE "Issuer" = @issuer AND "Prefix" = @prefix AND "Year" = @year RETURNING "LastSerial" """,
            issuer, prefix, year);
        return Convert.ToInt32(await update.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static DbCommand Command(DbConnection connection, IDbContextTransaction tx, string sql, string issuer, string prefix, int year)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = tx.GetDbTransaction();
        cmd.CommandText = sql;
        Add(cmd, "@issuer", issuer);
        Add(cmd, "@prefix", prefix);
        Add(cmd, "@year", year);
        return cmd;
    }

    private static void Add(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }

    /// <summary>A file name from number and title, without characters file systems refuse.</summary>
    public static string FileStem(DocumentNumber number, string title) => FileStem(number.ToString(), title);

    public static string FileStem(string number, string title)
    {
        var invalid = Path.GetInvalidFileNameChars().Concat(['\\', '/', ':', '*', '?', '"', '<', '>', '|']).ToHashSet();
        var name = new string($"{number}{title}".Select(ch => invalid.Contains(ch) || char.IsControl(ch) ? '_' : ch).ToArray());
        return Limit(name, 120);
    }

    private static string Limit(string s, int max) => s.Length <= max ? s : s[..max];
}

/// <summary>The configured prefixes of document numbers, checked at start-up.</summary>
public static class DocumentPrefixes
{
    public const string DefaultOfficePrefix = "示效办";

    public static string Resolve(DocumentRenderingOptions options, string issuer, DocumentKind kind)
    {
        if (options.Prefixes.TryGetValue(issuer, out var byKind))
        {
            if (byKind.TryGetValue(kind.ToString(), out var p) && p.Length > 0) return p;
            if (byKind.TryGetValue("Default", out var d) && d.Length > 0) return d;
        }
        if (string.Equals(issuer, OfficialDocuments.OfficeIssuer, StringComparison.Ordinal)) return DefaultOfficePrefix;
        throw new FieldException("issuer", $"发文机关“{issuer}”未配置机关代字（Mingcha:Documents:Prefixes）。 No document number prefix is configured for issuer '{issuer}'.");
    }

    /// <summary>Every configured prefix is valid, and no two issuers share one (their numbers would collide).</summary>
    public static void Check(DocumentRenderingOptions options)
    {
        var owner = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (issuer, byKind) in options.Prefixes)
        {
            foreach (var (kind, prefix) in byKind)
            {
                if (DocumentNumber.CheckPrefix(prefix) is { } error)
                    throw new InvalidOperationException($"Mingcha:Documents:Prefixes:{issuer}:{kind}: {error}");
                if (owner.TryGetValue(prefix, out var other) && !string.Equals(other, issuer, StringComparison.OrdinalIgnoreCase))
                    throw new InvalidOperationException($"Mingcha:Documents:Prefixes: issuers '{other}' and '{issuer}' share the prefix {prefix}.");
                owner[prefix] = issuer;
            }
        }
    }
}
