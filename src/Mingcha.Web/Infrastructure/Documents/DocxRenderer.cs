using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Mingcha.Domain.Documents;
using A = DocumentFormat.OpenXml.Drawing;
using DW = DocumentFormat.OpenXml.Drawing.Wordprocessing;
using L = Mingcha.Domain.Documents.Gbt9704Layout;
using PIC = DocumentFormat.OpenXml.Drawing.Pictures;

namespace Mingcha.Web.Infrastructure.Documents;

/// <summary>What a renderer lays out: the content, the number as printed, and whether it is a draft (watermarked 草稿).</summary>
public sealed record RenderRequest(OfficialDocumentContent Content, string Number, bool Draft);

/// <summary>
/// Writes an official document as DOCX in the GB/T 9704-2012 layout (decision 009): A4, 37/28 mm margins, a
/// 22 × 28 grid of 3号 仿宋 with fixed line pitch, the red masthead and line, the 2号 小标宋 title, numbered headings,
/// page numbers "— n —" outside (odd right, even left), and the 版记 as a table anchored to the foot of the last page.
/// The fonts are named as Chinese offices customarily name them; the reader's Word or WPS supplies them.
/// </summary>
public static class DocxRenderer
{
    private const int Body = (int)(L.Size3Pt * 2);      // half-points
    private const int Title = (int)(L.Size2Pt * 2);
    private const int Small = (int)(L.Size4Pt * 2);
    private const int CharTwips = (int)(L.Size3Pt * 20);  // one character of body type
    private static readonly int TextWidthTwips = L.Twips(L.TextWidthMm);
    private const long EmuPerMm = 36_000;

    public static byte[] Render(RenderRequest request)
    {
        using var stream = new MemoryStream();
        Render(request, stream);
        return stream.ToArray();
    }

    public static void Render(RenderRequest request, Stream output)
    {
        ArgumentNullException.ThrowIfNull(request);
        var c = request.Content;
        using (var doc = WordprocessingDocument.Create(output, WordprocessingDocumentType.Document, true))
        {
            doc.PackageProperties.Title = c.Title;
            doc.PackageProperties.Creator = c.IssuerName;
            doc.PackageProperties.Subject = request.Number;
            var main = doc.AddMainDocumentPart();
            AddStyles(main);
            AddSettings(main);
            var body = new Body();
            main.Document = new Document(body);

            Masthead(body, c, request.Number);
            body.Append(Blank(), Blank());
            body.Append(Para(c.Title, L.FontXiaoBiaoSong, Title, JustificationValues.Center));
            body.Append(Blank());
            if (c.Addressees.Count > 0)
                body.Append(Para(string.Join("，", c.Addressees) + "：", L.FontFangSong, Body, JustificationValues.Both));

            var headings = new HeadingNumbers.Counter();
            var imageNo = 0;
            foreach (var block in c.Body)
            {
                switch (block)
                {
                    case ParagraphBlock p:
                        body.Append(Indented(Para(p.Text, L.FontFangSong, Body, JustificationValues.Both)));
                        break;
                    case HeadingBlock h:
                        var number = headings.Next(h.Level);
                        var (font, bold) = h.Level switch { 1 => (L.FontHeiTi, false), 2 => (L.FontKaiTi, false), 3 => (L.FontFangSong, true), _ => (L.FontFangSong, false) };
                        var heading = Indented(Para(number + h.Text, font, Body, JustificationValues.Both, bold));
                        heading.ParagraphProperties!.KeepNext = new KeepNext();
                        body.Append(heading);
                        break;
                    case TableBlock t:
                        AppendTable(body, t);
                        break;
                    case ImageBlock img:
                        AppendImage(main, body, img, ++imageNo);
                        break;
                }
            }

            if (c.Attachments.Count > 0)
            {
                body.Append(Blank());
                for (var i = 0; i < c.Attachments.Count; i++)
                {
                    var name = c.Attachments.Count == 1 ? c.Attachments[i] : $"{i + 1}.{c.Attachments[i]}";
                    var p = Para(i == 0 ? "附件：" + name : name, L.FontFangSong, Body, JustificationValues.Left);
                    p.ParagraphProperties!.Indentation = i == 0
                        ? new Indentation { Left = (5 * CharTwips).ToString(CultureInfo.InvariantCulture), Hanging = (3 * CharTwips).ToString(CultureInfo.InvariantCulture) }
                        : new Indentation { Left = (5 * CharTwips).ToString(CultureInfo.InvariantCulture) };
                    body.Append(p);
                }
            }

            var date = L.ChineseDate(c.Date);
            var (issuerIndent, dateIndent) = L.SignatureIndents(c.IssuerName, date);
            // §7.3.5.2 (no seal): the issuer one blank line below the body (or the attachment list), 正文下空一行.
            body.Append(Blank());
            body.Append(RightIndented(Para(c.IssuerName, L.FontFangSong, Body, JustificationValues.Right), issuerIndent));
            var dateLine = RightIndented(Para(date, L.FontFangSong, Body, JustificationValues.Right), dateIndent);
            // The 版记 floats on the page of the paragraph after it (its anchor): the last paragraph of the text, so that
            // it lands on the last page. LibreOffice 7.4 lays floating tables out inline: there it comes before the date.
            if (!string.IsNullOrWhiteSpace(c.Note))
            {
                // §7.3.6: the 附注 on the line directly below the date; the date kept on the note's page.
                dateLine.ParagraphProperties!.KeepNext = new KeepNext();
                body.Append(Distribution(c), dateLine);
                body.Append(Indented(Para("（" + c.Note + "）", L.FontFangSong, Body, JustificationValues.Both)));
            }
            else
            {
                body.Append(Distribution(c), dateLine);
            }

            var (odd, even) = AddFooters(main);
            var section = new SectionProperties();
            if (request.Draft)
            {
                var (h1, h2) = AddWatermarkHeaders(main);
                section.Append(new HeaderReference { Type = HeaderFooterValues.Default, Id = h1 }, new HeaderReference { Type = HeaderFooterValues.Even, Id = h2 });
            }
            section.Append(
                new FooterReference { Type = HeaderFooterValues.Default, Id = odd },
                new FooterReference { Type = HeaderFooterValues.Even, Id = even },
                new PageSize { Width = (UInt32Value)(uint)L.Twips(L.PageWidthMm), Height = (UInt32Value)(uint)L.Twips(L.PageHeightMm) },
                new PageMargin
                {
                    // Right and bottom are what is left of the page, so the text area is 156 × 225 mm to the twip.
                    Top = L.Twips(L.TopMarginMm), Bottom = L.Twips(L.PageHeightMm) - L.Twips(L.TopMarginMm) - L.Twips(L.TextHeightMm),
                    Left = (UInt32Value)(uint)L.Twips(L.LeftMarginMm), Right = (UInt32Value)(uint)(L.Twips(L.PageWidthMm) - L.Twips(L.LeftMarginMm) - TextWidthTwips),
                    Header = (UInt32Value)(uint)L.Twips(15), Footer = (UInt32Value)(uint)L.Twips(L.BottomMarginMm - L.PageNumberBelowTextMm - 5),
                    Gutter = 0,
                },
                new DocGrid { Type = DocGridValues.Lines, LinePitch = L.LinePitchTwips });
            body.Append(section);
            main.Document.Save();
        }
    }

    private static void Masthead(Body body, OfficialDocumentContent c, string number)
    {
        var pt = L.MastheadSizePt(c.Masthead);
        var masthead = new Paragraph(
            new ParagraphProperties
            {
                SnapToGrid = new SnapToGrid { Val = false },
                SpacingBetweenLines = new SpacingBetweenLines { Before = L.Twips(L.MastheadTopMm).ToString(CultureInfo.InvariantCulture), After = "0", Line = "240", LineRule = LineSpacingRuleValues.Auto },
                Justification = new Justification { Val = JustificationValues.Center },
            },
            TextRun(c.Masthead, L.FontXiaoBiaoSong, (int)(pt * 2), color: L.RedHex));
        body.Append(masthead, Blank(), Blank());

        Paragraph numberLine;
        if (c.IsUpward)
        {
            // §8.1 上行文: the number one character in from the left, 签发人 one character in from the right, same line.
            numberLine = new Paragraph(
                new ParagraphProperties
                {
                    Tabs = new Tabs(new TabStop { Val = TabStopValues.Right, Position = TextWidthTwips - 2 * CharTwips }),
                    Indentation = new Indentation { Left = CharTwips.ToString(CultureInfo.InvariantCulture) },
                },
                TextRun(number, L.FontFangSong, Body),
                new Run(new TabChar()),
                TextRun("签发人：", L.FontFangSong, Body),
                TextRun(c.Signer!.Trim(), L.FontKaiTi, Body));
        }
        else
        {
            numberLine = Para(number, L.FontFangSong, Body, JustificationValues.Center);
        }
        // §7.2.5: the red line under the number, as wide as the text area.
        numberLine.ParagraphProperties!.ParagraphBorders = new ParagraphBorders(new BottomBorder
        {
            Val = BorderValues.Single, Color = L.RedHex, Size = 12, Space = (UInt32Value)(uint)Math.Round(L.RedLineBelowNumberMm * 72 / 25.4),
        });
        body.Append(numberLine);
    }

    /// <summary>
    /// §7.4: 版记 at the foot of the last page: thick first and last lines, thin lines between; 4号 仿宋. A floating
    /// table whose rows have exact heights, placed at a fixed offset from the top of the text area so that its foot
    /// is the foot of the text area (an offset rather than "bottom" alignment: simpler for readers to honour).
    /// </summary>
    private static Table Distribution(OfficialDocumentContent c)
    {
        const uint thick = 8; // 1 pt ≈ 0.35 mm
        const uint thin = 6;  // 0.75 pt ≈ 0.25 mm
        var rows = c.CopyTo.Count > 0 ? 2 : 1;
        var rowHeight = L.LinePitchTwips;
        var textHeight = L.Twips(L.TextHeightMm);
        // A hair narrower than the text area: LibreOffice imports a floating table as wide as the text as an inline one.
        var width = (TextWidthTwips - 20).ToString(CultureInfo.InvariantCulture);
        var table = new Table(new TableProperties(
                new TablePositionProperties
                {
                    VerticalAnchor = VerticalAnchorValues.Margin, TablePositionY = textHeight - rows * rowHeight - 40,
                    HorizontalAnchor = HorizontalAnchorValues.Margin, TablePositionX = 10,
                },
                new TableOverlap { Val = TableOverlapValues.Never },
                new TableWidth { Width = width, Type = TableWidthUnitValues.Dxa },
                new TableBorders(
                    new TopBorder { Val = BorderValues.Single, Size = thick, Color = "000000" },
                    new LeftBorder { Val = BorderValues.Nil },
                    new BottomBorder { Val = BorderValues.Single, Size = thick, Color = "000000" },
                    new RightBorder { Val = BorderValues.Nil },
                    new InsideHorizontalBorder { Val = BorderValues.Single, Size = thin, Color = "000000" },
                    new InsideVerticalBorder { Val = BorderValues.Nil }),
                new TableLayout { Type = TableLayoutValues.Fixed },
                new TableCellMarginDefault(new TopMargin { Width = "0", Type = TableWidthUnitValues.Dxa }, new BottomMargin { Width = "0", Type = TableWidthUnitValues.Dxa })),
            new TableGrid(new GridColumn { Width = width }));
        TableRow Row(Paragraph p) => new(
            new TableRowProperties(new TableRowHeight { Val = (UInt32Value)(uint)rowHeight, HeightType = HeightRuleValues.Exact }),
            new TableCell(new TableCellProperties(new TableCellWidth { Width = width, Type = TableWidthUnitValues.Dxa }, new TableCellVerticalAlignment { Val = TableVerticalAlignmentValues.Center }), p));
        if (c.CopyTo.Count > 0)
        {
            var copy = Para("抄送：" + string.Join("，", c.CopyTo) + "。", L.FontFangSong, Small, JustificationValues.Left);
            copy.ParagraphProperties!.SpacingBetweenLines = new SpacingBetweenLines { Line = "240", LineRule = LineSpacingRuleValues.Auto };
            copy.ParagraphProperties.Indentation = new Indentation { Left = Chars(4, Small), Right = Chars(1, Small), Hanging = Chars(3, Small) };
            table.Append(Row(copy));
        }
        var printed = new Paragraph(
            new ParagraphProperties
            {
                Tabs = new Tabs(new TabStop { Val = TabStopValues.Right, Position = TextWidthTwips - Small * 10 }),
                SpacingBetweenLines = new SpacingBetweenLines { Line = "240", LineRule = LineSpacingRuleValues.Auto },
                Indentation = new Indentation { Left = Chars(1, Small) },
            },
            TextRun(c.PrintedBy, L.FontFangSong, Small),
            new Run(new TabChar()),
            TextRun(L.ChineseDate(c.PrintedOn) + "印发", L.FontFangSong, Small));
        table.Append(Row(printed));
        return table;
    }

    private static string Chars(int n, int halfPoints) => (n * halfPoints * 10).ToString(CultureInfo.InvariantCulture);

    private static void AppendTable(Body body, TableBlock t)
    {
        if (!string.IsNullOrWhiteSpace(t.Caption))
        {
            var caption = Para(t.Caption, L.FontHeiTi, Small, JustificationValues.Center);
            caption.ParagraphProperties!.KeepNext = new KeepNext();
            body.Append(caption);
        }
        var widths = ColumnWidths(t);
        var grid = new TableGrid();
        foreach (var w in widths) grid.Append(new GridColumn { Width = w.ToString(CultureInfo.InvariantCulture) });
        var table = new Table(new TableProperties(
            new TableWidth { Width = TextWidthTwips.ToString(CultureInfo.InvariantCulture), Type = TableWidthUnitValues.Dxa },
            new TableJustification { Val = TableRowAlignmentValues.Center },
            new TableBorders(
                new TopBorder { Val = BorderValues.Single, Size = 4 }, new LeftBorder { Val = BorderValues.Single, Size = 4 },
                new BottomBorder { Val = BorderValues.Single, Size = 4 }, new RightBorder { Val = BorderValues.Single, Size = 4 },
                new InsideHorizontalBorder { Val = BorderValues.Single, Size = 4 }, new InsideVerticalBorder { Val = BorderValues.Single, Size = 4 }),
            new TableLayout { Type = TableLayoutValues.Fixed }), grid);
        table.Append(Row(t.Header, widths, header: true));
        foreach (var row in t.Rows) table.Append(Row(row, widths, header: false));
        body.Append(table);
    }

    /// <summary>
    /// The text width shared by the columns in proportion to their longest text (a Chinese character counts two, a
    /// header half, as it may wrap), between 4 and 40: a unit's name gets room, a rank or a count little. As the HTML
    /// (and so the PDF) does with its automatic table layout.
    /// </summary>
    internal static int[] ColumnWidths(TableBlock t)
    {
        var weights = new int[t.Header.Count];
        for (var i = 0; i < weights.Length; i++)
        {
            var longest = (DisplayWidth(t.Header[i]) + 1) / 2;
            foreach (var row in t.Rows) longest = Math.Max(longest, DisplayWidth(i < row.Count ? row[i] : null));
            weights[i] = Math.Clamp(longest, 4, 40);
        }
        var total = weights.Sum();
        var widths = weights.Select(w => TextWidthTwips * w / total).ToArray();
        widths[^1] += TextWidthTwips - widths.Sum(); // the rounding's remainder
        return widths;

        static int DisplayWidth(string? text) => text is null ? 0 : text.Sum(c => c >= '\u2E80' ? 2 : 1);
    }

    private static TableRow Row(IReadOnlyList<string> cells, int[] widths, bool header)
    {
        var row = new TableRow();
        var props = new TableRowProperties(new CantSplit());
        if (header) props.Append(new TableHeader());
        row.Append(props);
        for (var i = 0; i < cells.Count; i++)
        {
            var text = cells[i];
            var width = i < widths.Length ? widths[i] : widths[^1];
            var p = new Paragraph(
                new ParagraphProperties
                {
                    SnapToGrid = new SnapToGrid { Val = false },
                    SpacingBetweenLines = new SpacingBetweenLines { Line = "240", LineRule = LineSpacingRuleValues.Auto, Before = "40", After = "40" },
                    Justification = new Justification { Val = header ? JustificationValues.Center : JustificationValues.Left },
                },
                TextRun(text ?? "", header ? L.FontHeiTi : L.FontFangSong, Small));
            row.Append(new TableCell(new TableCellProperties(
                new TableCellWidth { Width = width.ToString(CultureInfo.InvariantCulture), Type = TableWidthUnitValues.Dxa },
                new TableCellVerticalAlignment { Val = TableVerticalAlignmentValues.Center }), p));
        }
        return row;
    }

    private static void AppendImage(MainDocumentPart main, Body body, ImageBlock img, int n)
    {
        var info = ImageInfo.Read(img.Data)!;
        var part = main.AddImagePart(info.MediaType == "image/png" ? ImagePartType.Png : ImagePartType.Jpeg);
        using (var s = new MemoryStream(img.Data, writable: false)) part.FeedData(s);
        var relId = main.GetIdOfPart(part);

        // At most the text width and 120 mm high, never enlarged beyond 96 dpi.
        var wMm = info.Width * 25.4 / 96;
        var hMm = info.Height * 25.4 / 96;
        var scale = Math.Min(1, Math.Min(L.TextWidthMm / wMm, 120 / hMm));
        var cx = (long)(wMm * scale * EmuPerMm);
        var cy = (long)(hMm * scale * EmuPerMm);
        var name = $"图{n}";
        var drawing = new Drawing(new DW.Inline(
            new DW.Extent { Cx = cx, Cy = cy },
            new DW.EffectExtent { LeftEdge = 0, TopEdge = 0, RightEdge = 0, BottomEdge = 0 },
            new DW.DocProperties { Id = (UInt32Value)(uint)n, Name = name, Description = img.Caption },
            new DW.NonVisualGraphicFrameDrawingProperties(new A.GraphicFrameLocks { NoChangeAspect = true }),
            new A.Graphic(new A.GraphicData(
                new PIC.Picture(
                    new PIC.NonVisualPictureProperties(new PIC.NonVisualDrawingProperties { Id = 0U, Name = name + info.Extension }, new PIC.NonVisualPictureDrawingProperties()),
                    new PIC.BlipFill(new A.Blip { Embed = relId }, new A.Stretch(new A.FillRectangle())),
                    new PIC.ShapeProperties(
                        new A.Transform2D(new A.Offset { X = 0L, Y = 0L }, new A.Extents { Cx = cx, Cy = cy }),
                        new A.PresetGeometry(new A.AdjustValueList()) { Preset = A.ShapeTypeValues.Rectangle })))
            { Uri = "http://schemas.openxmlformats.org/drawingml/2006/picture" }))
        { DistanceFromTop = 0U, DistanceFromBottom = 0U, DistanceFromLeft = 0U, DistanceFromRight = 0U });
        // Pictures need auto line spacing: a fixed pitch would cut them to one line's height.
        body.Append(new Paragraph(
            new ParagraphProperties
            {
                KeepNext = new KeepNext(),
                SnapToGrid = new SnapToGrid { Val = false },
                SpacingBetweenLines = new SpacingBetweenLines { Before = "120", Line = "240", LineRule = LineSpacingRuleValues.Auto },
                Justification = new Justification { Val = JustificationValues.Center },
            },
            new Run(drawing)));
        body.Append(Para($"图{n}　{img.Caption}", L.FontKaiTi, Small, JustificationValues.Center));
    }

    private static (string Odd, string Even) AddFooters(MainDocumentPart main)
    {
        // §7.5: 4号 half-width 宋体 numbers between one-em dashes, odd pages right and even pages left, one character in.
        string Footer(bool odd)
        {
            var part = main.AddNewPart<FooterPart>();
            var p = new Paragraph(
                new ParagraphProperties
                {
                    Indentation = odd ? new Indentation { Right = Chars(1, Small) } : new Indentation { Left = Chars(1, Small) },
                    Justification = new Justification { Val = odd ? JustificationValues.Right : JustificationValues.Left },
                },
                TextRun("— ", L.FontSongTi, Small),
                new SimpleField(TextRun("1", L.FontSongTi, Small)) { Instruction = " PAGE " },
                TextRun(" —", L.FontSongTi, Small));
            part.Footer = new Footer(p);
            part.Footer.Save();
            return main.GetIdOfPart(part);
        }
        return (Footer(odd: true), Footer(odd: false));
    }

    private static (string, string) AddWatermarkHeaders(MainDocumentPart main)
    {
        string Header()
        {
            var part = main.AddNewPart<HeaderPart>();
            var picture = new Picture();
            picture.InnerXml =
                "<v:shapetype xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\" id=\"_x0000_t136\" coordsize=\"21600,21600\" o:spt=\"136\" adj=\"10800\" path=\"m@7,l@8,m@5,21600l@6,21600e\">"
                + "<v:path textpathok=\"t\" o:connecttype=\"custom\"/><v:textpath on=\"t\" fitshape=\"t\"/></v:shapetype>"
                + "<v:shape xmlns:v=\"urn:schemas-microsoft-com:vml\" id=\"MingchaDraftWatermark\" type=\"#_x0000_t136\" "
                + "style=\"position:absolute;margin-left:0;margin-top:0;width:400pt;height:200pt;rotation:315;z-index:-251657216;"
                + "mso-position-horizontal:center;mso-position-horizontal-relative:margin;mso-position-vertical:center;mso-position-vertical-relative:margin\" "
                + "fillcolor=\"#d8d8d8\" stroked=\"f\"><v:fill opacity=\".5\"/><v:textpath style=\"font-family:&quot;" + L.FontSongTi + "&quot;;font-size:1pt\" string=\"草稿\"/></v:shape>";
            part.Header = new Header(new Paragraph(new Run(picture)));
            part.Header.Save();
            return main.GetIdOfPart(part);
        }
        return (Header(), Header());
    }

    private static void AddStyles(MainDocumentPart main)
    {
        var styles = main.AddNewPart<StyleDefinitionsPart>();
        styles.Styles = new Styles(
            new DocDefaults(
                new RunPropertiesDefault(new RunPropertiesBaseStyle(
                    new RunFonts { Ascii = L.FontFangSong, HighAnsi = L.FontFangSong, EastAsia = L.FontFangSong, ComplexScript = L.FontFangSong },
                    new FontSize { Val = Body.ToString(CultureInfo.InvariantCulture) },
                    new FontSizeComplexScript { Val = Body.ToString(CultureInfo.InvariantCulture) },
                    new Languages { Val = "en-US", EastAsia = "zh-CN" })),
                new ParagraphPropertiesDefault(new ParagraphPropertiesBaseStyle(
                    new SpacingBetweenLines { Before = "0", After = "0", Line = L.LinePitchTwips.ToString(CultureInfo.InvariantCulture), LineRule = LineSpacingRuleValues.Exact }))),
            new Style(new StyleName { Val = "Normal" }, new PrimaryStyle()) { Type = StyleValues.Paragraph, StyleId = "Normal", Default = true });
        styles.Styles.Save();
    }

    private static void AddSettings(MainDocumentPart main)
    {
        var settings = main.AddNewPart<DocumentSettingsPart>();
        settings.Settings = new Settings(
            new DefaultTabStop { Val = CharTwips * 2 },
            new EvenAndOddHeaders(),
            new CharacterSpacingControl { Val = CharacterSpacingValues.CompressPunctuation },
            new Compatibility(new CompatibilitySetting { Name = CompatSettingNameValues.CompatibilityMode, Uri = "http://schemas.microsoft.com/office/word", Val = "15" }));
        settings.Settings.Save();
    }

    private static Paragraph Blank() => new(new ParagraphProperties());

    private static Paragraph Para(string text, string font, int halfPoints, JustificationValues align, bool bold = false) =>
        new(new ParagraphProperties { Justification = new Justification { Val = align } }, TextRun(text, font, halfPoints, bold));

    private static Paragraph Indented(Paragraph p)
    {
        p.ParagraphProperties!.Indentation = new Indentation { FirstLine = (2 * CharTwips).ToString(CultureInfo.InvariantCulture), FirstLineChars = 200 };
        return p;
    }

    private static Paragraph RightIndented(Paragraph p, double chars)
    {
        p.ParagraphProperties!.Indentation = new Indentation { Right = ((int)Math.Round(chars * CharTwips)).ToString(CultureInfo.InvariantCulture) };
        return p;
    }

    private static Run TextRun(string text, string font, int halfPoints, bool bold = false, string? color = null)
    {
        var props = new RunProperties(new RunFonts { Ascii = font, HighAnsi = font, EastAsia = font, ComplexScript = font });
        if (bold) props.Append(new Bold(), new BoldComplexScript());
        if (color is not null) props.Append(new Color { Val = color });
        if (halfPoints == Body) props.Append(new Spacing { Val = L.BodyCharacterSpacing });
        props.Append(new FontSize { Val = halfPoints.ToString(CultureInfo.InvariantCulture) }, new FontSizeComplexScript { Val = halfPoints.ToString(CultureInfo.InvariantCulture) });
        return new Run(props, new Text(text) { Space = SpaceProcessingModeValues.Preserve });
    }
}
