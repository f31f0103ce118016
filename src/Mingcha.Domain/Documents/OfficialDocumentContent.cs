using System.Text.Json.Serialization;

namespace Mingcha.Domain.Documents;

/// <summary>The kinds of official document (公文种类) Mingcha issues.</summary>
public enum DocumentKind
{
    /// <summary>通知书 (e.g. a rectification notice, RCT-2)</summary>
    Notice,
    /// <summary>通报 (praise or criticism, RCT-5)</summary>
    Circular,
    /// <summary>报告 (e.g. a round report, INS-17)</summary>
    Report,
    /// <summary>意见</summary>
    Opinion,
    /// <summary>函</summary>
    Letter,
    /// <summary>纪要 (e.g. interview minutes, RCT-5)</summary>
    Minutes,
}

public static class DocumentKinds
{
    public static string Zh(DocumentKind kind) => kind switch
    {
        DocumentKind.Notice => "通知书",
        DocumentKind.Circular => "通报",
        DocumentKind.Report => "报告",
        DocumentKind.Opinion => "意见",
        DocumentKind.Letter => "函",
        DocumentKind.Minutes => "纪要",
        _ => kind.ToString(),
    };
}

/// <summary>
/// The content of an official document, laid out by GB/T 9704-2012: masthead (版头), body (主体) and distribution
/// block (版记). The document number is not part of the content: it is given when the document is issued.
/// </summary>
/// <param name="Kind">公文种类.</param>
/// <param name="IssuerName">发文机关署名, e.g. 示范市机关效能建设领导小组办公室.</param>
/// <param name="Masthead">发文机关标志 (红头), e.g. 示范市机关效能建设领导小组办公室文件.</param>
/// <param name="Signer">签发人: set only for upward documents (上行文); the number then stands left and the signer right.</param>
/// <param name="Title">标题.</param>
/// <param name="Addressees">主送机关, in order; may be empty (e.g. minutes).</param>
/// <param name="Body">正文: paragraphs, headings at the four levels, tables and images.</param>
/// <param name="Attachments">附件说明: the attachments' names, in order.</param>
/// <param name="Date">成文日期.</param>
/// <param name="Note">附注 (e.g. 联系人及电话), printed in brackets.</param>
/// <param name="CopyTo">抄送机关.</param>
/// <param name="PrintedBy">印发机关.</param>
/// <param name="PrintedOn">印发日期.</param>
public sealed record OfficialDocumentContent(
    DocumentKind Kind,
    string IssuerName,
    string Masthead,
    string? Signer,
    string Title,
    IReadOnlyList<string> Addressees,
    IReadOnlyList<DocumentBlock> Body,
    IReadOnlyList<string> Attachments,
    DateOnly Date,
    string? Note,
    IReadOnlyList<string> CopyTo,
    string PrintedBy,
    DateOnly PrintedOn)
{
    /// <summary>An upward document (上行文) carries the signer beside the number.</summary>
    [JsonIgnore]
    public bool IsUpward => !string.IsNullOrWhiteSpace(Signer);
}

/// <summary>One block of the body (JSON: an object with "type": paragraph, heading, table or image; a block without a type is refused).</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ParagraphBlock), "paragraph")]
[JsonDerivedType(typeof(HeadingBlock), "heading")]
[JsonDerivedType(typeof(TableBlock), "table")]
[JsonDerivedType(typeof(ImageBlock), "image")]
public record DocumentBlock;

/// <summary>A paragraph of body text, first line indented two characters.</summary>
public sealed record ParagraphBlock(string Text) : DocumentBlock;

/// <summary>
/// A heading at level 1 to 4; the renderer numbers it (一、 （一） 1. （1）) and sets its font (黑体, 楷体, 仿宋 bold,
/// 仿宋). Write the text without the number.
/// </summary>
public sealed record HeadingBlock(int Level, string Text) : DocumentBlock;

/// <summary>A table with a header row; every row has as many cells as the header.</summary>
public sealed record TableBlock(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows, string? Caption = null) : DocumentBlock;

/// <summary>A picture (JPEG or PNG), e.g. an evidence photo, with its caption under it.</summary>
public sealed record ImageBlock(byte[] Data, string Caption) : DocumentBlock;
