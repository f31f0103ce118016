using Mingcha.Domain.Documents;

namespace Mingcha.UnitTests.Documents;

/// <summary>Document numbers (RCT-2), the GB/T 9704 page and fonts, heading numbers, and the checks of a document's content.</summary>
public sealed class DocumentNumberTests
{
    [Theory]
    [Trait("Rule", "RCT-2")]
    [InlineData("示效办", 2026, 12, "示效办〔2026〕12号")]
    [InlineData("X效办", 2026, 1, "X效办〔2026〕1号")]
    [InlineData("示效通", 2027, 105, "示效通〔2027〕105号")]
    public void ToString_WhenValid_PrintsPrefixYearInHexagonalBracketsAndSerialWithoutLeadingZeros(string prefix, int year, int serial, string expected)
    {
        var number = new DocumentNumber(prefix, year, serial);
        Assert.Equal(expected, number.ToString());
        Assert.Equal(number, DocumentNumber.TryParse(expected));
    }

    [Theory]
    [Trait("Rule", "RCT-2")]
    [InlineData("示效办[2026]12号")]   // square brackets instead of 〔〕
    [InlineData("示效办（2026）12号")]
    [InlineData("示效办〔2026〕012号")] // leading zero
    [InlineData("示效办〔2026〕第12号")]
    [InlineData("示效办〔2026〕0号")]
    [InlineData("示效办〔26〕12号")]
    [InlineData("〔2026〕12号")]
    [InlineData("示效办〔2026〕12")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_WhenNotTheOfficialForm_ReturnsNull(string? text) => Assert.Null(DocumentNumber.TryParse(text));

    [Theory]
    [Trait("Rule", "RCT-2")]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("示效〔办")]
    [InlineData("示 效办")]
    [InlineData("示效办2")]
    [InlineData("示效号")]
    [InlineData("一二三四五六七八九十一二三四五六七八九十一")]
    public void CheckPrefix_WhenUnusable_SaysWhy(string prefix)
    {
        Assert.NotNull(DocumentNumber.CheckPrefix(prefix));
        Assert.Throws<ArgumentException>(() => new DocumentNumber(prefix, 2026, 1));
    }

    [Fact]
    [Trait("Rule", "RCT-2")]
    public void Constructor_WhenSerialOrYearIsOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DocumentNumber("示效办", 2026, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DocumentNumber("示效办", 1999, 1));
    }
}

public sealed class Gbt9704LayoutTests
{
    [Fact]
    public void Page_IsA4WithTheStandardMarginsAndTextArea()
    {
        Assert.Equal((210.0, 297.0), (Gbt9704Layout.PageWidthMm, Gbt9704Layout.PageHeightMm));
        Assert.Equal((37.0, 28.0), (Gbt9704Layout.TopMarginMm, Gbt9704Layout.LeftMarginMm));
        Assert.Equal((156.0, 225.0), (Gbt9704Layout.TextWidthMm, Gbt9704Layout.TextHeightMm));
        Assert.Equal((26.0, 35.0), (Gbt9704Layout.RightMarginMm, Gbt9704Layout.BottomMarginMm));
        Assert.Equal((11906, 16838), (Gbt9704Layout.Twips(210), Gbt9704Layout.Twips(297))); // Word's A4 in twips
        Assert.Equal((2098, 1587), (Gbt9704Layout.Twips(37), Gbt9704Layout.Twips(28)));
    }

    [Fact]
    public void Grid_Holds22LinesOf28Characters()
    {
        Assert.Equal(579, Gbt9704Layout.LinePitchTwips);                                         // ≈ 28.95 pt
        Assert.True(Gbt9704Layout.LinePitchTwips * 22 <= Gbt9704Layout.Twips(225));               // 22 lines fit
        Assert.True(Gbt9704Layout.LinePitchTwips * 23 > Gbt9704Layout.Twips(225));                // 23 do not
        var perChar = Gbt9704Layout.Size3Pt + Gbt9704Layout.BodyCharacterSpacing / 20.0;
        var lineWidthPt = Gbt9704Layout.TextWidthMm * 72 / 25.4;
        Assert.True(28 * perChar <= lineWidthPt, $"28 characters of {perChar} pt exceed {lineWidthPt} pt");
        Assert.True(29 * perChar > lineWidthPt);
    }

    [Fact]
    public void Sizes_AreTheChineseTypeSizesOfTheStandard()
    {
        Assert.Equal(22, Gbt9704Layout.Size2Pt); // 2号: title
        Assert.Equal(16, Gbt9704Layout.Size3Pt); // 3号: body
        Assert.Equal(14, Gbt9704Layout.Size4Pt); // 4号: page numbers, 版记
        Assert.Equal("方正小标宋简体", Gbt9704Layout.FontXiaoBiaoSong);
        Assert.Equal("仿宋_GB2312", Gbt9704Layout.FontFangSong);
        Assert.Equal("楷体_GB2312", Gbt9704Layout.FontKaiTi);
    }

    [Theory]
    [InlineData(2026, 11, 22, "2026年11月22日")]
    [InlineData(2026, 1, 5, "2026年1月5日")]
    public void ChineseDate_WritesArabicNumeralsWithoutLeadingZeros(int y, int m, int d, string expected) =>
        Assert.Equal(expected, Gbt9704Layout.ChineseDate(new DateOnly(y, m, d)));

    [Fact]
    public void PageNumber_StandsBetweenOneEmDashes() => Assert.Equal("— 7 —", Gbt9704Layout.PageNumber(7));

    [Fact]
    public void SignatureIndents_WhenTheIssuerIsLonger_StartTheDateTwoCharactersRightOfTheIssuer()
    {
        var issuer = "示范市机关效能建设领导小组办公室"; // 16 characters
        var date = "2026年11月22日";                   // 7 characters wide (digits are half width)
        var (i, d) = Gbt9704Layout.SignatureIndents(issuer, date);
        Assert.Equal(2, i);
        Assert.Equal(28 - i - 16 + 2, 28 - d - 7); // start of date = start of issuer + 2
    }

    [Fact]
    public void SignatureIndents_WhenTheDateIsLonger_KeepTheDateTwoCharactersInAndMoveTheIssuerRight()
    {
        var (i, d) = Gbt9704Layout.SignatureIndents("效能办", "2026年11月22日");
        Assert.Equal(2, d);
        Assert.Equal(28 - i - 3 + 2, 28 - d - 7);
    }
}

public sealed class HeadingNumbersTests
{
    [Fact]
    public void Counter_NumbersTheFourLevelsAndRestartsBelowAHigherLevel()
    {
        var c = new HeadingNumbers.Counter();
        Assert.Equal("一、", c.Next(1));
        Assert.Equal("（一）", c.Next(2));
        Assert.Equal("1.", c.Next(3));
        Assert.Equal("（1）", c.Next(4));
        Assert.Equal("（2）", c.Next(4));
        Assert.Equal("2.", c.Next(3));
        Assert.Equal("（1）", c.Next(4));
        Assert.Equal("（二）", c.Next(2));
        Assert.Equal("1.", c.Next(3));
        Assert.Equal("二、", c.Next(1));
        Assert.Equal("（一）", c.Next(2));
    }

    [Theory]
    [InlineData(1, "一")]
    [InlineData(10, "十")]
    [InlineData(11, "十一")]
    [InlineData(20, "二十")]
    [InlineData(99, "九十九")]
    public void Chinese_WritesHeadingNumerals(int n, string expected) => Assert.Equal(expected, HeadingNumbers.Chinese(n));

    [Theory]
    [InlineData("一、总体情况", true)]
    [InlineData("（三）问题", true)]
    [InlineData("2.服务", true)]
    [InlineData("（4）细节", true)]
    [InlineData("总体情况", false)]
    [InlineData("2026年工作", false)]
    public void StartsWithNumber_RecognisesNumbersWrittenByHand(string text, bool expected) => Assert.Equal(expected, HeadingNumbers.StartsWithNumber(text));
}

public sealed class DocumentValidationTests
{
    private static OfficialDocumentContent Valid() => new(
        DocumentKind.Circular, "示范市机关效能建设领导小组办公室", "示范市机关效能建设领导小组办公室文件", null, "关于2026年第四轮暗访情况的通报",
        ["各县（市、区）效能办", "市直各单位"], [new HeadingBlock(1, "基本情况"), new ParagraphBlock("本轮共暗访窗口单位32家。")], [],
        new DateOnly(2026, 11, 22), null, ["市纪委监委"], "示范市机关效能建设领导小组办公室", new DateOnly(2026, 11, 23));

    [Fact]
    public void Check_WhenTheContentIsComplete_FindsNothing() => Assert.Empty(DocumentValidation.Check(Valid()));

    [Fact]
    public void Check_WhenFieldsAreMissing_NamesEachOne()
    {
        var errors = DocumentValidation.Check(Valid() with { Title = " ", IssuerName = "", PrintedBy = "", Body = [], PrintedOn = new DateOnly(2026, 11, 1) });
        Assert.Equal(["body", "issuerName", "printedBy", "printedOn", "title"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Check_WhenBlocksAreBroken_NamesTheBlockAndTheField()
    {
        var errors = DocumentValidation.Check(Valid() with
        {
            Body =
            [
                new HeadingBlock(2, "缺少一级标题"),
                new HeadingBlock(5, "第五级"),
                new TableBlock(["甲", "乙"], [["1", "2"], ["3"]]),
                new TableBlock([], []),
                new ImageBlock([0x89, 0x50, 0x4E, 0x47], "残缺的图片"),
                new ImageBlock(TinyJpeg(), ""),
                new ParagraphBlock("含有\u0007控制字符"),
                new DocumentBlock(),
            ],
        });
        Assert.Equal(["body[0].level", "body[1].level", "body[2].rows[1]", "body[3].header", "body[4].data", "body[5].caption", "body[6].text", "body[7]"],
            errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Check_WhenAHeadingCarriesItsOwnNumber_AsksToLeaveItOut() =>
        Assert.Contains("body[0].text", DocumentValidation.Check(Valid() with { Body = [new HeadingBlock(1, "一、基本情况")] }).Keys);

    [Fact]
    public void Check_WhenListsAreTooLong_Refuses() =>
        Assert.Contains("addressees", DocumentValidation.Check(Valid() with { Addressees = Enumerable.Repeat("单位", 201).ToList() }).Keys);

    [Fact]
    public void ImageInfo_ReadsJpegAndPngSizes()
    {
        Assert.Equal(new ImageInfo("image/jpeg", ".jpg", 640, 480), ImageInfo.Read(TinyJpeg()));
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 0, 0, 1, 0, 0, 0, 0, 200, 8, 2, 0, 0, 0];
        Assert.Equal(new ImageInfo("image/png", ".png", 256, 200), ImageInfo.Read(png));
        Assert.Null(ImageInfo.Read("GIF89a......"u8.ToArray()));
    }

    /// <summary>The header of a baseline JPEG of 640×480: SOI, an APP0 segment, then SOF0.</summary>
    private static byte[] TinyJpeg() =>
    [
        0xFF, 0xD8,
        0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
        0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0xE0, 0x02, 0x80, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
        0xFF, 0xD9,
    ];
}

public sealed class MastheadTests
{
    [Theory]
    [InlineData("示范市机关效能建设领导小组办公室文件", 24)] // 18 characters fill the 156 mm line at 24 pt
    [InlineData("效能办文件", 36)]                          // short: capped at 小初
    [InlineData("示范市机关效能建设领导小组办公室暨示范市优化营商环境工作领导小组办公室文件", 22)] // long: never below 2号
    public void MastheadSizePt_FitsOneLineWithinTheCustomarySizes(string masthead, double expected) =>
        Assert.Equal(expected, Gbt9704Layout.MastheadSizePt(masthead));
}
