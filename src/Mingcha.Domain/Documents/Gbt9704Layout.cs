namespace Mingcha.Domain.Documents;

/// <summary>
/// The page of GB/T 9704-2012 (党政机关公文格式) §5: A4, 天头 (top margin) 37 mm, 订口 (left margin) 28 mm, text area
/// 156 × 225 mm, 22 lines of 28 characters of 3号 (16 pt) type; and the fonts and sizes of §7. The DOCX and HTML
/// renderers take every measure from here.
/// </summary>
public static class Gbt9704Layout
{
    public const double PageWidthMm = 210;
    public const double PageHeightMm = 297;
    public const double TopMarginMm = 37;
    public const double LeftMarginMm = 28;
    public const double TextWidthMm = 156;
    public const double TextHeightMm = 225;
    public const double RightMarginMm = PageWidthMm - LeftMarginMm - TextWidthMm; // 26
    public const double BottomMarginMm = PageHeightMm - TopMarginMm - TextHeightMm; // 35
    public const int LinesPerPage = 22;
    public const int CharsPerLine = 28;

    /// <summary>§7.5: the page number's dash line sits 7 mm below the text area.</summary>
    public const double PageNumberBelowTextMm = 7;

    /// <summary>§7.2.4: from the top of the text area to the top of the masthead.</summary>
    public const double MastheadTopMm = 35;

    /// <summary>§7.2.5: the red line is 4 mm under the document number.</summary>
    public const double RedLineBelowNumberMm = 4;

    /// <summary>Font sizes in points: 2号 22 pt (title), 3号 16 pt (body), 4号 14 pt (page numbers, 版记).</summary>
    public const double Size2Pt = 22;
    public const double Size3Pt = 16;
    public const double Size4Pt = 14;

    public const string RedHex = "FF0000";

    /// <summary>The customary fonts named in the DOCX (the reader's Word or WPS supplies them).</summary>
    public const string FontXiaoBiaoSong = "方正小标宋简体";
    public const string FontFangSong = "仿宋_GB2312";
    public const string FontHeiTi = "黑体";
    public const string FontKaiTi = "楷体_GB2312";
    public const string FontSongTi = "宋体";

    /// <summary>Twentieths of a point per millimetre (1 in = 25.4 mm = 1440 twips).</summary>
    public const double TwipsPerMm = 1440 / 25.4;

    public static int Twips(double mm) => (int)Math.Round(mm * TwipsPerMm, MidpointRounding.AwayFromZero);

    /// <summary>The fixed line pitch: the text area's height over 22 lines (≈ 28.95 pt, 579 twips).</summary>
    public static int LinePitchTwips => (int)Math.Floor(TextHeightMm * TwipsPerMm / LinesPerPage);

    public static double LinePitchPt => LinePitchTwips / 20.0;

    /// <summary>The character pitch: the text width over 28 characters (≈ 15.92 pt).</summary>
    public static double CharPitchPt => TextWidthMm * 72 / 25.4 / CharsPerLine;

    /// <summary>
    /// Character spacing of body text in twentieths of a point (negative: condensed), so that 28 characters of 16 pt
    /// fit the 156 mm line: -5, i.e. 15.75 pt per character. Run spacing is honoured alike by Word, WPS and LibreOffice,
    /// which a character grid (docGrid charSpace) is not.
    /// </summary>
    public static int BodyCharacterSpacing => (int)Math.Floor((CharPitchPt - Size3Pt) * 20);

    /// <summary>How wide a text is in characters of body type: CJK and full-width 1, ASCII ½.</summary>
    public static double WidthInChars(string text) => text.Sum(c => c < 0x2E80 ? 0.5 : 1.0);

    /// <summary>
    /// §7.3.5.2, a document without a seal: the issuer's name right-aligned two characters from the right edge, the
    /// date on the next line starting two characters right of the name's start; when the date is the longer, the
    /// date keeps the two characters and the name moves right. Returns the right indents in characters.
    /// </summary>
    public static (double Issuer, double Date) SignatureIndents(string issuer, string date)
    {
        var w = WidthInChars(issuer);
        var d = WidthInChars(date);
        // The date starts 2 characters to the right of the issuer's first character.
        var issuerIndent = 2.0;
        var dateIndent = w - 2 - d + issuerIndent;
        if (dateIndent < 2)
        {
            dateIndent = 2;
            issuerIndent = d + 2 + 2 - w;
        }
        return (issuerIndent, dateIndent);
    }

    /// <summary>
    /// §7.2.4 leaves the masthead's size to the office ("醒目、美观、庄重"): here as large as fits one line of the text
    /// area, between 2号 (22 pt) and 小初 (36 pt).
    /// </summary>
    public static double MastheadSizePt(string masthead) =>
        Math.Clamp(Math.Floor(TextWidthMm * 72 / 25.4 / Math.Max(1, WidthInChars(masthead))), Size2Pt, 36);

    /// <summary>成文日期 and 印发日期 in Arabic numerals, years in full, no leading zeros: 2026年11月22日.</summary>
    public static string ChineseDate(DateOnly date) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{date.Year}年{date.Month}月{date.Day}日");

    /// <summary>The page number as printed: 4号 type between one-em dashes, "— 1 —".</summary>
    public static string PageNumber(int page) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"— {page} —");
}
