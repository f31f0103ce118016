using Mingcha.Domain.Identifiers;

namespace Mingcha.UnitTests.Identifiers;

// Check characters worked out by hand (GB 11643-1999: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2,
// sum mod 11 indexes "10X98765432"):
//   11010519491231002X: 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 → 'X'
//   110101199003074477: 7+9+0+5+0+4+2+9+54+0+0+27+0+35+32+16+14 = 214; 214 mod 11 = 5 → '7'
public class ResidentIdNumberTests
{
    private static readonly DateOnly Today = new(2026, 3, 9);

    [Theory]
    [Trait("Rule", "ORG-2")]
    [InlineData("11010519491231002X")]
    [InlineData("11010519491231002x")] // lower-case x is how many people type it
    [InlineData("110101199003074477")]
    public void IsValid_WhenCheckCharacterMatches_ReturnsTrue(string id)
    {
        Assert.True(ResidentIdNumber.IsValid(id, Today, out var error));
        Assert.Null(error);
    }

    [Theory]
    [Trait("Rule", "ORG-2")]
    [InlineData("110105194912310021", "校验码")]  // right length and date, wrong check (should be X)
    [InlineData("110101199003074478", "校验码")]  // last digit off by one
    [InlineData("110101199003074", "18 位")]      // old 15-digit form / truncated
    [InlineData("1101011990030744771", "18 位")]
    [InlineData("11010119900307A477", "数字")]
    [InlineData("11010119900307447Y", "校验码")]   // 18th must be a digit or X
    [InlineData("110101199002304476", "出生日期")] // 30 February
    [InlineData("110101189912314470", "1900")]     // born 1899
    [InlineData("110101202704014471", "晚于今天")] // born 2027, after Today
    [InlineData("", "为空")]
    [InlineData(null, "为空")]
    public void IsValid_WhenMalformed_ReturnsFalseWithChineseReason(string? id, string expectedWord)
    {
        Assert.False(ResidentIdNumber.IsValid(id, Today, out var error));
        Assert.NotNull(error);
        Assert.Contains(expectedWord, error, StringComparison.Ordinal);
    }

    [Theory]
    [Trait("Rule", "ORG-2")]
    [InlineData("110101202603094476", true)]  // born on Today itself
    [InlineData("110101202603104478", false)] // born the day after
    public void IsValid_WhenBornOnOrAfterToday_AcceptsTodayAndRefusesTheNextDay(string id, bool valid)
    {
        Assert.Equal(valid, ResidentIdNumber.IsValid(id, Today, out var error));
        Assert.Equal(valid, error is null);
    }
}
