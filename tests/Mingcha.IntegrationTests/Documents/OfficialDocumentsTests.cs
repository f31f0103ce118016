using System.IO.Compression;
using System.Net;
using System.Text.Json;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using DocumentFormat.OpenXml.Wordprocessing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Documents;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.IntegrationTests.Jobs;
using Mingcha.Web.Features.Documents;

namespace Mingcha.IntegrationTests.Documents;

/// <summary>
/// Official documents end to end (decision 009): issue, number (RCT-2: no gaps, never reused), register, evidence,
/// unit isolation (SEC-2), and the files themselves: the DOCX passes the OpenXML validator and opens in LibreOffice,
/// the PDF holds the Chinese text on A4 pages. On SQLite, and on PostgreSQL when the suite runs there.
/// </summary>
public sealed class OfficialDocumentsTests(DocumentsApp app) : IClassFixture<DocumentsApp>
{
    private sealed record Created(Guid Id);

    private async Task<(Guid A, Guid B)> UnitsAsync()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var tag = Guid.NewGuid().ToString("N")[..6];
        var a = await (await office.PostJsonAsync("/api/v1/units", new { code = $"doc-a-{tag}", name = "示范市人力资源和社会保障局" })).ReadAsync<Created>(HttpStatusCode.Created);
        var b = await (await office.PostJsonAsync("/api/v1/units", new { code = $"doc-b-{tag}", name = "示范市市场监督管理局" })).ReadAsync<Created>(HttpStatusCode.Created);
        return (a.Id, b.Id);
    }

    /// <summary>
    /// The two-page notice with a picture whose files the LibreOffice and Chromium tests read: issued once for both (they
    /// only read it), not once each.
    /// </summary>
    private Task<IssuedDocument> TwoPageNoticeAsync() => app.SharedAsync("two-page-notice", async () =>
    {
        var (unit, _) = await UnitsAsync();
        return await DocumentKit.IssueAsync(app, DocumentKit.Notice("关于窗口服务问题的整改通知书", paragraphs: 30), [unit]);
    });

    [Fact]
    [Trait("Rule", "RCT-2")]
    [Trait("Rule", "INS-17")]
    public async Task Issue_WhenContentIsValid_NumbersRegistersAndKeepsBothFilesAsEvidence()
    {
        var (unit, _) = await UnitsAsync();
        var issued = await DocumentKit.IssueAsync(app, DocumentKit.Notice("关于示范市人力资源和社会保障局窗口服务问题的整改通知书"), [unit], "RectificationNotice");

        var number = DocumentNumber.TryParse(issued.Number);
        Assert.NotNull(number);
        Assert.Equal("示效办", number.Prefix);
        Assert.Equal(2026, number.Year);

        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        var detail = await office.GetAsync<DocumentsApi.DocumentDetail>($"/api/v1/documents/{issued.Id}");
        Assert.Equal(issued.Number, detail.Number);
        Assert.Equal([unit], detail.AddresseeUnitIds);
        Assert.Equal("RectificationNotice", detail.ReferenceType);
        Assert.False(detail.Withdrawn);

        var docx = await (await office.GetAsync($"/api/v1/documents/{issued.Id}/docx")).Content.ReadAsByteArrayAsync();
        var pdf = await (await office.GetAsync($"/api/v1/documents/{issued.Id}/pdf")).Content.ReadAsByteArrayAsync();
        Assert.Equal(detail.DocxSha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(docx)));
        Assert.Equal(detail.PdfSha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(pdf)));

        // Both files are sealed evidence records of the document's case, and each download is in the access log.
        var (items, downloads) = await app.WithDbAsync(async db => (
            await db.EvidenceItems.Where(i => i.CaseId == detail.CaseId).Select(i => new { i.Sha256, i.MediaType, i.CaptureSource }).ToListAsync(),
            await db.EvidenceAccesses.CountAsync(a => a.CaseId == detail.CaseId)));
        Assert.Contains(items, i => i.Sha256 == detail.DocxSha256 && i.CaptureSource == "generated" && i.MediaType.Contains("wordprocessingml", StringComparison.Ordinal));
        Assert.Contains(items, i => i.Sha256 == detail.PdfSha256 && i.MediaType == "application/pdf");
        Assert.Equal(2, downloads);
        var auditor = await app.ClientAsAsync(Roles.Auditor);
        var verify = await auditor.GetAsync<JsonElement>("/api/v1/evidence/verify");
        Assert.True(verify.GetProperty("isIntact").GetBoolean(), verify.ToString());
    }

    [Fact]
    [Trait("Rule", "RCT-2")]
    public async Task Docx_WhenIssued_PassesTheOpenXmlValidatorAndHasTheGbt9704Layout()
    {
        var (unit, _) = await UnitsAsync();
        var issued = await DocumentKit.IssueAsync(app, DocumentKit.Notice("关于窗口服务问题的整改通知书"), [unit]);
        var docx = await (await (await app.ClientAsAsync(Roles.OfficeAdmin)).GetAsync($"/api/v1/documents/{issued.Id}/docx")).Content.ReadAsByteArrayAsync();

        using var doc = WordprocessingDocument.Open(new MemoryStream(docx), false);
        var errors = new OpenXmlValidator(DocumentFormat.OpenXml.FileFormatVersions.Office2010).Validate(doc)
            .Select(e => $"{e.Part?.Uri} {e.Path?.XPath}: {e.Description}").ToList();
        Assert.True(errors.Count == 0, "OpenXML validation errors:\n" + string.Join("\n", errors));

        var body = doc.MainDocumentPart!.Document.Body!;
        var section = body.GetFirstChild<SectionProperties>()!;
        var size = section.GetFirstChild<PageSize>()!;
        var margin = section.GetFirstChild<PageMargin>()!;
        var grid = section.GetFirstChild<DocGrid>()!;
        Assert.Equal((11906u, 16838u), (size.Width!.Value, size.Height!.Value));                    // A4
        Assert.Equal((2098, 1587u), (margin.Top!.Value, margin.Left!.Value));                         // 37 mm, 28 mm
        Assert.Equal(Gbt9704Layout.Twips(156), 11906 - (int)margin.Left!.Value - (int)margin.Right!.Value); // 156 mm wide
        Assert.Equal(Gbt9704Layout.Twips(225), 16838 - margin.Top!.Value - margin.Bottom!.Value);      // 225 mm high
        Assert.Equal(579, grid.LinePitch!.Value);                                                     // 22 lines

        var paragraphs = body.Elements<Paragraph>().ToList();
        var masthead = paragraphs.First(p => p.InnerText == "示范市机关效能建设领导小组办公室文件");
        var mastheadRun = masthead.Descendants<RunProperties>().First();
        Assert.Equal("FF0000", mastheadRun.Color!.Val!.Value);
        Assert.Equal("方正小标宋简体", mastheadRun.RunFonts!.EastAsia!.Value);
        var numberLine = paragraphs.First(p => p.InnerText == issued.Number);
        Assert.Equal("FF0000", numberLine.ParagraphProperties!.ParagraphBorders!.BottomBorder!.Color!.Value);
        var title = paragraphs.First(p => p.InnerText == "关于窗口服务问题的整改通知书");
        Assert.Equal("44", title.Descendants<FontSize>().First().Val!.Value); // 2号
        Assert.Contains(paragraphs, p => p.InnerText == "一、基本情况" && p.Descendants<RunFonts>().First().EastAsia == "黑体");
        Assert.Contains(paragraphs, p => p.InnerText == "（一）存在问题" && p.Descendants<RunFonts>().First().EastAsia == "楷体_GB2312");
        Assert.Contains(paragraphs, p => p.InnerText == "1.服务态度" && p.Descendants<Bold>().Any());
        Assert.Contains(paragraphs, p => p.InnerText == "（1）首问负责");
        Assert.Contains(paragraphs, p => p.InnerText == "二、整改要求");
        Assert.Contains(paragraphs, p => p.InnerText == "附件：1.问题清单");
        Assert.Contains(paragraphs, p => p.InnerText == "2026年11月22日");
        // 版记 anchored to the foot of the page, and page numbers "— n —" outside: odd right, even left.
        var distribution = body.Elements<Table>().Last();
        var position = distribution.GetFirstChild<TableProperties>()!.TablePositionProperties!;
        var rowHeights = distribution.Elements<TableRow>().Sum(r => (int)r.Descendants<TableRowHeight>().Single().Val!.Value);
        Assert.Equal(VerticalAnchorValues.Margin, position.VerticalAnchor!.Value);
        Assert.InRange(Gbt9704Layout.Twips(225) - (position.TablePositionY!.Value + rowHeights), 0, 60); // its foot at the foot of the text area
        Assert.Equal(2, distribution.Elements<TableRow>().Count());
        Assert.Contains("抄送：市纪委监委，市政府办公室。", distribution.InnerText, StringComparison.Ordinal);
        Assert.Contains("2026年11月22日印发", distribution.InnerText, StringComparison.Ordinal);
        Assert.NotNull(doc.MainDocumentPart.DocumentSettingsPart!.Settings.GetFirstChild<EvenAndOddHeaders>());
        var footers = section.Elements<FooterReference>().ToDictionary(f => f.Type!.Value, f => (FooterPart)doc.MainDocumentPart.GetPartById(f.Id!));
        Assert.Equal(JustificationValues.Right, footers[HeaderFooterValues.Default].Footer.Descendants<Justification>().Single().Val!.Value);
        Assert.Equal(JustificationValues.Left, footers[HeaderFooterValues.Even].Footer.Descendants<Justification>().Single().Val!.Value);
        Assert.Equal("— 1 —", footers[HeaderFooterValues.Default].Footer.InnerText);
        Assert.Single(doc.MainDocumentPart.ImageParts);
        Assert.Empty(doc.MainDocumentPart.HeaderParts); // no 草稿 watermark on an issued document
    }

    [Fact]
    [Trait("Rule", "RCT-2")]
    public async Task Docx_WhenOpenedInLibreOffice_ShowsTitleNumberAndChineseBodyOnA4()
    {
        var issued = await TwoPageNoticeAsync();
        var docx = await (await (await app.ClientAsAsync(Roles.OfficeAdmin)).GetAsync($"/api/v1/documents/{issued.Id}/docx")).Content.ReadAsByteArrayAsync();

        var pdf = await DocumentKit.SofficeToPdfAsync(docx);
        var text = DocumentKit.Squeeze(await DocumentKit.PdfToTextAsync(pdf));
        Assert.Contains("示范市机关效能建设领导小组办公室文件", text, StringComparison.Ordinal);
        Assert.Contains(DocumentKit.Squeeze(issued.Number), text, StringComparison.Ordinal);
        Assert.Contains("关于窗口服务问题的整改通知书", text, StringComparison.Ordinal);
        Assert.Contains(DocumentKit.Squeeze(DocumentKit.BodyText), text, StringComparison.Ordinal);
        Assert.Contains("—2—", text, StringComparison.Ordinal); // page numbers, and the 30 paragraphs run onto a second page
        Assert.Contains("抄送：市纪委监委，市政府办公室。", text, StringComparison.Ordinal);
        var info = await DocumentKit.PdfInfoAsync(pdf);
        Assert.Contains("(A4)", info, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "RCT-2")]
    public async Task Pdf_WhenPrintedByChromium_HoldsTheChineseTextOnA4PagesWithPageNumbers()
    {
        var issued = await TwoPageNoticeAsync();
        var bytes = await (await (await app.ClientAsAsync(Roles.OfficeAdmin)).GetAsync($"/api/v1/documents/{issued.Id}/pdf")).Content.ReadAsByteArrayAsync();
        var pdf = await DocumentKit.SavePdfAsync(bytes);

        var text = DocumentKit.Squeeze(await DocumentKit.PdfToTextAsync(pdf));
        Assert.Contains("示范市机关效能建设领导小组办公室文件", text, StringComparison.Ordinal);
        Assert.Contains(DocumentKit.Squeeze(issued.Number), text, StringComparison.Ordinal);
        Assert.Contains("关于窗口服务问题的整改通知书", text, StringComparison.Ordinal);
        Assert.Contains(DocumentKit.Squeeze(DocumentKit.BodyText), text, StringComparison.Ordinal);
        Assert.Contains("—1—", text, StringComparison.Ordinal);
        Assert.Contains("—2—", text, StringComparison.Ordinal);
        Assert.Contains("2026年11月22日印发", text, StringComparison.Ordinal);
        Assert.DoesNotContain("草稿", text, StringComparison.Ordinal);
        var info = await DocumentKit.PdfInfoAsync(pdf);
        Assert.Contains("(A4)", info, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "RCT-2")]
    public async Task Numbers_WhenManyAreIssuedInParallel_AreDistinctAndWithoutGaps()
    {
        var (unit, _) = await UnitsAsync();
        var printer = app.Services.GetRequiredService<Mingcha.Web.Infrastructure.Documents.ChromiumPdfPrinter>();
        var printsBefore = printer.PrintsAsked;
        var issued = await Task.WhenAll(Enumerable.Range(1, 6).Select(i =>
            DocumentKit.IssueAsync(app, DocumentKit.Notice($"并行发文{i}", paragraphs: 1, withImage: false) with { Kind = DocumentKind.Circular }, [unit])));

        Assert.Equal(6, issued.Select(d => d.Number).Distinct().Count());
        // On one instance the issues queue for their numbers: each document is rendered once, not again for every
        // document that took the number it expected before it (this class's tests run one at a time on its app).
        Assert.Equal(6, printer.PrintsAsked - printsBefore);
        Assert.All(issued, d => Assert.StartsWith(DocumentsApp.CircularPrefix + "〔2026〕", d.Number, StringComparison.Ordinal));
        // Every circular ever issued here: serials 1..n, no gap, none twice.
        var serials = await app.WithDbAsync(db => db.OfficialDocuments.Where(d => d.Prefix == DocumentsApp.CircularPrefix && d.Year == 2026).Select(d => d.Serial).ToListAsync());
        Assert.Equal(Enumerable.Range(1, serials.Count), serials.Order());
        var counter = await app.WithDbAsync(db => db.DocumentNumberSequences.SingleAsync(s => s.Prefix == DocumentsApp.CircularPrefix && s.Year == 2026));
        Assert.Equal(serials.Count, counter.LastSerial);
    }

    [Fact]
    [Trait("Rule", "SEC-3")]
    [Trait("Rule", "RCT-2")]
    public async Task Withdraw_WhenRequestedConcurrently_IsRecordedOnce_AndARecordedWithdrawalNeverChanges()
    {
        var (unit, _) = await UnitsAsync();
        var document = await DocumentKit.IssueAsync(app, DocumentKit.Notice("同时撤回的通知书", withImage: false), [unit]);
        var admins = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => app.ClientAsAsync(Roles.OfficeAdmin)));

        var answers = await Task.WhenAll(admins.Select((a, i) => a.PostJsonAsync($"/api/v1/documents/{document.Id}/withdraw", new { reason = $"第{i + 1}位管理员撤回" })));
        Assert.Equal(1, answers.Count(r => r.StatusCode == HttpStatusCode.NoContent));
        Assert.Equal(3, answers.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var winner = Array.FindIndex(answers, r => r.StatusCode == HttpStatusCode.NoContent);
        var detail = await admins[0].GetAsync<DocumentsApi.DocumentDetail>($"/api/v1/documents/{document.Id}");
        Assert.True(detail.Withdrawn);
        Assert.Equal($"第{winner + 1}位管理员撤回", detail.WithdrawalReason); // the one answered 204, not overwritten by a later one

        // The database itself refuses to change the recorded withdrawal, and to undo it.
        await Assert.ThrowsAnyAsync<Exception>(() => app.Database.ExecuteAsync("""UPDATE "OfficialDocuments" SET "WithdrawalReason" = '改写的理由' WHERE "Number" = @p0""", document.Number));
        await Assert.ThrowsAnyAsync<Exception>(() => app.Database.ExecuteAsync("""UPDATE "OfficialDocuments" SET "WithdrawnAt" = NULL, "WithdrawnBy" = NULL WHERE "Number" = @p0""", document.Number));
        var stored = await app.WithDbAsync(db => db.OfficialDocuments.AsNoTracking().SingleAsync(d => d.Id == document.Id));
        Assert.Equal($"第{winner + 1}位管理员撤回", stored.WithdrawalReason);
        Assert.NotNull(stored.WithdrawnAt);
        // One withdrawal in the audit log.
        var key = document.Id.ToString();
        var audited = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().CountAsync(a => a.EntityType == "OfficialDocument" && a.EntityKey == key && a.Action == "update"));
        Assert.Equal(1, audited);
    }

    [Fact]
    [Trait("Rule", "RCT-2")]
    [Trait("Rule", "RCT-3")]
    [Trait("Rule", "SEC-3")]
    public async Task Withdraw_WhenDone_KeepsTheNumberUsedAndTheRegisterLine()
    {
        var (unit, _) = await UnitsAsync();
        var first = await DocumentKit.IssueAsync(app, DocumentKit.Notice("将被撤回的通知书", withImage: false), [unit]);
        var admin = await app.ClientAsAsync(Roles.OfficeAdmin);
        var staff = await app.ClientAsAsync(Roles.OfficeStaff);

        await (await staff.PostJsonAsync($"/api/v1/documents/{first.Id}/withdraw", new { reason = "异议成立" })).ExpectAsync(HttpStatusCode.Forbidden);
        await (await admin.PostJsonAsync($"/api/v1/documents/{first.Id}/withdraw", new { reason = "" })).ExpectFieldErrorAsync("reason");
        await (await admin.PostJsonAsync($"/api/v1/documents/{first.Id}/withdraw", new { reason = "异议成立，撤回通知书" })).ExpectAsync(HttpStatusCode.NoContent);
        await (await admin.PostJsonAsync($"/api/v1/documents/{first.Id}/withdraw", new { reason = "再次撤回" })).ExpectRuleAsync(HttpStatusCode.Conflict, "RCT-2");

        var detail = await admin.GetAsync<DocumentsApi.DocumentDetail>($"/api/v1/documents/{first.Id}");
        Assert.True(detail.Withdrawn);
        Assert.Equal("异议成立，撤回通知书", detail.WithdrawalReason);
        var next = await DocumentKit.IssueAsync(app, DocumentKit.Notice("撤回后的下一份通知书", withImage: false), [unit]);
        Assert.Equal(DocumentNumber.TryParse(first.Number)!.Serial + 1, DocumentNumber.TryParse(next.Number)!.Serial);
        var list = await admin.GetAsync<List<DocumentsApi.DocumentLine>>("/api/v1/documents?year=2026&kind=Notice");
        Assert.Contains(list, d => d.Id == first.Id && d.Withdrawn && d.Number == first.Number);

        // The database itself refuses to delete the line or to move the counter back.
        await Assert.ThrowsAnyAsync<Exception>(() => app.Database.ExecuteAsync("""DELETE FROM "OfficialDocuments" WHERE "Number" = @p0""", first.Number));
        await Assert.ThrowsAnyAsync<Exception>(() => app.Database.ExecuteAsync("""UPDATE "DocumentNumberSequences" SET "LastSerial" = "LastSerial" - 1"""));
        await Assert.ThrowsAnyAsync<Exception>(() => app.Database.ExecuteAsync("""UPDATE "OfficialDocuments" SET "Serial" = 999 WHERE "Number" = @p0""", first.Number));
        // Nor to rewrite the rest of the register line (SEC-3): its title, what it refers to, who issued it.
        await Assert.ThrowsAnyAsync<Exception>(() => app.Database.ExecuteAsync("""UPDATE "OfficialDocuments" SET "Title" = '改写的标题' WHERE "Number" = @p0""", first.Number));
        await Assert.ThrowsAnyAsync<Exception>(() => app.Database.ExecuteAsync("""UPDATE "OfficialDocuments" SET "ReferenceId" = NULL, "ReferenceType" = NULL WHERE "Number" = @p0""", first.Number));
        await Assert.ThrowsAnyAsync<Exception>(() => app.Database.ExecuteAsync("""UPDATE "OfficialDocuments" SET "IssuedByName" = '他人' WHERE "Number" = @p0""", first.Number));
        Assert.Equal(first.Title, (await admin.GetAsync<DocumentsApi.DocumentDetail>($"/api/v1/documents/{first.Id}")).Title);
        Assert.Equal(1, await app.WithDbAsync(db => db.OfficialDocuments.CountAsync(d => d.Id == first.Id)));
    }

    [Fact]
    [Trait("Rule", "SEC-2")]
    public async Task Register_WhenReadByUnitUsers_ShowsOnlyDocumentsAddressedToTheirUnit()
    {
        var (a, b) = await UnitsAsync();
        var issuing = new[] { DocumentKit.IssueAsync(app, DocumentKit.Notice("致甲局的通知书", withImage: false), [a]), DocumentKit.IssueAsync(app, DocumentKit.Notice("致乙局的通知书", withImage: false), [b]) };
        var (toA, toB) = (await issuing[0], await issuing[1]); // rendered side by side
        var liaisonA = await app.ClientAsAsync(Roles.UnitLiaison, a);

        var list = await liaisonA.GetAsync<List<DocumentsApi.DocumentLine>>("/api/v1/documents");
        Assert.Contains(list, d => d.Id == toA.Id);
        Assert.DoesNotContain(list, d => d.Id == toB.Id);
        Assert.Empty(await liaisonA.GetAsync<List<DocumentsApi.DocumentLine>>($"/api/v1/documents?unitId={b}"));
        await (await liaisonA.GetAsync($"/api/v1/documents/{toA.Id}")).ExpectAsync(HttpStatusCode.OK);
        await (await liaisonA.GetAsync($"/api/v1/documents/{toA.Id}/pdf")).ExpectAsync(HttpStatusCode.OK);
        await (await liaisonA.GetAsync($"/api/v1/documents/{toB.Id}")).ExpectAsync(HttpStatusCode.NotFound);
        await (await liaisonA.GetAsync($"/api/v1/documents/{toB.Id}/docx")).ExpectAsync(HttpStatusCode.NotFound);
        await (await liaisonA.GetAsync($"/api/v1/documents/{toB.Id}/pdf")).ExpectAsync(HttpStatusCode.NotFound);
        await (await liaisonA.PostJsonAsync($"/api/v1/documents/{toA.Id}/withdraw", new { reason = "我方撤回" })).ExpectAsync(HttpStatusCode.Forbidden);

        var pageResponse = await liaisonA.GetAsync("/Documents");
        var page = WebUtility.HtmlDecode(await pageResponse.Content.ReadAsStringAsync());
        Assert.True(pageResponse.StatusCode == HttpStatusCode.OK, page);
        Assert.Contains("致甲局的通知书", page, StringComparison.Ordinal);
        Assert.DoesNotContain("致乙局的通知书", page, StringComparison.Ordinal);

        // Inspectors and the system administrator have no business with the register; the auditor reads it.
        await (await (await app.ClientAsAsync(Roles.Supervisor)).GetAsync("/api/v1/documents")).ExpectAsync(HttpStatusCode.Forbidden);
        await (await (await app.ClientAsAsync(Roles.SystemAdmin)).GetAsync($"/api/v1/documents/{toA.Id}")).ExpectAsync(HttpStatusCode.Forbidden);
        var auditorList = await (await app.ClientAsAsync(Roles.Auditor)).GetAsync<List<DocumentsApi.DocumentLine>>("/api/v1/documents");
        Assert.Contains(auditorList, d => d.Id == toB.Id);
    }

    /// <summary>
    /// GB/T 9704-2012 §7.3.5.2 (no seal): the issuer one blank line below the body or the attachment list (正文下空一行),
    /// the date on the next line; §7.3.6: the 附注 on the line directly below the date (成文日期下一行).
    /// </summary>
    [Fact]
    [Trait("Rule", "RCT-2")]
    public async Task Docx_SignatureAndNote_StandOneBlankLineBelowTheTextAndDirectlyBelowTheDate()
    {
        var staff = await app.ClientAsAsync(Roles.OfficeStaff);
        async Task<List<OpenXmlElement>> TailAsync(OfficialDocumentContent content)
        {
            var response = await staff.PostAsync("/api/v1/documents/preview?format=docx", Api.JsonBody(JsonSerializer.Serialize(content, Api.Json)));
            await response.ExpectAsync(HttpStatusCode.OK);
            using var doc = WordprocessingDocument.Open(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), false);
            Assert.Empty(new OpenXmlValidator(DocumentFormat.OpenXml.FileFormatVersions.Office2010).Validate(doc));
            return doc.MainDocumentPart!.Document.Body!.Elements().Where(e => e is not SectionProperties).Select(e => e.CloneNode(true)).ToList();
        }
        static string Line(OpenXmlElement e) => e is Paragraph p ? p.InnerText : "[table]";
        const string issuer = "示范市机关效能建设领导小组办公室", date = "2026年11月22日";

        // With attachments and a note: 附件 list, one blank line, issuer, date, note (版记 floats: a table, no line of text).
        var withNote = await TailAsync(DocumentKit.Notice("附注位置", paragraphs: 1, withImage: false));
        var paragraphs = withNote.OfType<Paragraph>().Select(Line).ToList();
        Assert.Equal(["2.整改情况报告模板", "", issuer, date, "（联系人：李明，电话：0591-12345678）"], paragraphs[^5..]);
        var dateAt = withNote.FindIndex(e => Line(e) == date);
        Assert.Equal("（联系人：李明，电话：0591-12345678）", Line(withNote[dateAt + 1])); // nothing at all between date and note

        // Without attachments or note: the body's last paragraph, one blank line, issuer, date.
        var plain = await TailAsync(DocumentKit.Notice("无附件无附注", paragraphs: 1, withImage: false) with { Attachments = [], Note = null });
        paragraphs = plain.OfType<Paragraph>().Select(Line).ToList();
        Assert.Equal(["请于收到本通知书之日起10个工作日内完成整改，并将整改情况书面报送市效能办。", "", issuer, date], paragraphs[^4..]);
    }

    [Fact]
    [Trait("Rule", "RCT-2")]
    public async Task Preview_WhenAskedForADraft_IsWatermarkedAndUsesNoNumber()
    {
        var (unit, _) = await UnitsAsync();
        await DocumentKit.IssueAsync(app, DocumentKit.Notice("预览前的一份", withImage: false), [unit]);
        var before = await app.WithDbAsync(db => db.DocumentNumberSequences.Where(s => s.Prefix == "示效办").Select(s => s.LastSerial).SingleAsync());
        var count = await app.WithDbAsync(db => db.OfficialDocuments.CountAsync());
        var staff = await app.ClientAsAsync(Roles.OfficeStaff);
        var content = DocumentKit.Notice("草稿预览", paragraphs: 2);

        var docxResponse = await staff.PostAsync("/api/v1/documents/preview?format=docx", Api.JsonBody(JsonSerializer.Serialize(content, Api.Json)));
        await docxResponse.ExpectAsync(HttpStatusCode.OK);
        using (var doc = WordprocessingDocument.Open(new MemoryStream(await docxResponse.Content.ReadAsByteArrayAsync()), false))
        {
            Assert.Empty(new OpenXmlValidator(DocumentFormat.OpenXml.FileFormatVersions.Office2010).Validate(doc));
            Assert.Contains(doc.MainDocumentPart!.HeaderParts, h => h.Header.OuterXml.Contains("草稿", StringComparison.Ordinal));
            Assert.Contains(doc.MainDocumentPart.Document.Body!.Elements<Paragraph>(), p => p.InnerText == "示效办〔2026〕　　号");
        }
        var pdfResponse = await staff.PostAsync("/api/v1/documents/preview?format=pdf", Api.JsonBody(JsonSerializer.Serialize(content, Api.Json)));
        await pdfResponse.ExpectAsync(HttpStatusCode.OK);
        var text = DocumentKit.Squeeze(await DocumentKit.PdfToTextAsync(await DocumentKit.SavePdfAsync(await pdfResponse.Content.ReadAsByteArrayAsync())));
        Assert.Contains("草稿", text, StringComparison.Ordinal);
        Assert.Contains("草稿预览", text, StringComparison.Ordinal);

        Assert.Equal(before, await app.WithDbAsync(db => db.DocumentNumberSequences.Where(s => s.Prefix == "示效办").Select(s => s.LastSerial).SingleAsync()));
        Assert.Equal(count, await app.WithDbAsync(db => db.OfficialDocuments.CountAsync()));
    }

    [Fact]
    public async Task Preview_WhenContentIsInvalid_Answers400NamingEachField()
    {
        var staff = await app.ClientAsAsync(Roles.OfficeStaff);
        var bad = DocumentKit.Notice("", withImage: false) with
        {
            Body = [new HeadingBlock(3, "跳级标题"), new TableBlock(["甲", "乙"], [["只有一格"]]), new ImageBlock([1, 2, 3, 4], "不是图片"), new HeadingBlock(1, "一、自带序号")],
            PrintedOn = new DateOnly(2026, 1, 1),
        };
        var problem = await (await staff.PostAsync("/api/v1/documents/preview", Api.JsonBody(JsonSerializer.Serialize(bad, Api.Json)))).ExpectFieldErrorAsync("title");
        var errors = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
        Assert.Contains("body[0].level", errors);
        Assert.Contains("body[1].rows[0]", errors);
        Assert.Contains("body[2].data", errors);
        Assert.Contains("body[3].text", errors);
        Assert.Contains("printedOn", errors);

        var noType = """{"kind":"Notice","issuerName":"办","masthead":"办文件","title":"标题","addressees":[],"body":[{"text":"无类型"}],"attachments":[],"date":"2026-11-22","copyTo":[],"printedBy":"办","printedOn":"2026-11-22"}""";
        await (await staff.PostAsync("/api/v1/documents/preview", Api.JsonBody(noType))).ExpectFieldErrorAsync("body");
        var unknownType = noType.Replace("{\"text\"", "{\"type\":\"video\",\"text\"", StringComparison.Ordinal);
        await (await staff.PostAsync("/api/v1/documents/preview", Api.JsonBody(unknownType))).ExpectAsync(HttpStatusCode.BadRequest);
        var typeLast = noType.Replace("{\"text\":\"无类型\"}", "{\"text\":\"类型在后\",\"type\":\"paragraph\"}", StringComparison.Ordinal);
        await (await staff.PostAsync("/api/v1/documents/preview?format=html", Api.JsonBody(typeLast))).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Issue_WhenAnAddresseeUnitDoesNotExist_IsRefusedAndUsesNoNumber()
    {
        var before = await app.WithDbAsync(db => db.OfficialDocuments.CountAsync());
        var error = await Assert.ThrowsAsync<Mingcha.Web.FieldException>(() => DocumentKit.IssueAsync(app, DocumentKit.Notice("发给不存在的单位", withImage: false), [Guid.NewGuid()]));
        Assert.Equal("addresseeUnitIds", error.Field);
        var invalid = await Assert.ThrowsAsync<Mingcha.Web.FieldsException>(() => DocumentKit.IssueAsync(app, DocumentKit.Notice("", withImage: false), []));
        Assert.Contains("title", invalid.Errors.Keys);
        Assert.Equal(before, await app.WithDbAsync(db => db.OfficialDocuments.CountAsync()));
    }
}

/// <summary>Two instances on one database issue at once: numbers stay gapless and distinct (RCT-2).</summary>
public sealed class DocumentNumberingTwoInstanceTests(TwoInstances apps) : IClassFixture<TwoInstances>
{
    [Fact]
    [Trait("Rule", "RCT-2")]
    public async Task Numbers_WhenTwoInstancesIssueAtOnce_AreDistinctAndWithoutGaps()
    {
        var office = await apps.First.ClientAsAsync(Roles.OfficeAdmin);
        var unit = await (await office.PostJsonAsync("/api/v1/units", new { code = $"two-{Guid.NewGuid():N}"[..20], name = "示范市行政服务中心" })).ReadAsync<JsonElement>(HttpStatusCode.Created);
        var unitId = unit.GetProperty("id").GetGuid();
        // Two documents on each instance, all four at once: each instance prints two at a time, so both instances render
        // with the same expected numbers and race for the counter (four is enough for that; eight only took longer).
        const int count = 4;
        var issued = await Task.WhenAll(Enumerable.Range(1, count).Select(i =>
            DocumentKit.IssueAsync(i % 2 == 0 ? apps.First : apps.Second, DocumentKit.Notice($"两实例并行发文{i}", paragraphs: 1, withImage: false), [unitId])));

        var serials = issued.Select(d => DocumentNumber.TryParse(d.Number)!.Serial).Order().ToList();
        Assert.Equal(Enumerable.Range(1, count), serials);
        var registered = await apps.Second.WithDbAsync(db => db.OfficialDocuments.Where(d => d.Year == 2026).Select(d => d.Serial).ToListAsync());
        Assert.Equal(Enumerable.Range(1, count), registered.Order());
    }
}

/// <summary>Chromium missing: a clear 503, not a 500; the DOCX still works.</summary>
public sealed class DocumentsWithoutChromiumTests(NoChromiumApp app) : IClassFixture<NoChromiumApp>
{
    [Fact]
    public async Task PdfPreview_WhenChromiumIsMissing_Answers503SayingWhatToDo()
    {
        var staff = await app.ClientAsAsync(Roles.OfficeStaff);
        var body = Api.JsonBody(JsonSerializer.Serialize(DocumentKit.Notice("无浏览器", withImage: false), Api.Json));
        var response = await staff.PostAsync("/api/v1/documents/preview?format=pdf", body);
        var problem = await response.ExpectProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Contains("ChromiumPath", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        var docx = await staff.PostAsync("/api/v1/documents/preview?format=docx", Api.JsonBody(JsonSerializer.Serialize(DocumentKit.Notice("无浏览器", withImage: false), Api.Json)));
        await docx.ExpectAsync(HttpStatusCode.OK);
    }
}
