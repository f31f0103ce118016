using Mingcha.Domain.Identifiers;

namespace Mingcha.UnitTests.Identifiers;

// Check characters worked out by hand (GB 32100-2015: values 0-9, A=10 .. Y=30 skipping I O Z S V;
// weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28; check = 31 - sum mod 31, 31 → 0):
//   91350100M000100Y43 (published example): 9 + 3 + 27 + 135 + 0 + 26 + 0 + 0 + M(21)*20=420 + 0 + 0 + 0
//     + 8 + 0 + 0 + Y(30)*30=900 + 4*28=112 = 1640; 1640 mod 31 = 28; 31 - 28 = 3 → '3'
//   12100000400000000W: 1 + 2*3=6 + 1*9=9 + 4*20=80 = 96; 96 mod 31 = 3; 31 - 3 = 28 → 'W'
//   9132010000000000K0: 9 + 3 + 27 + 2*27=54 + 1*26=26 + K(19)*28=532 = 651 = 21*31; mod 0;
//     31 - 0 = 31 → '0'
public class CreditCodeTests
{
    [Theory]
    [Trait("Rule", "ORG-2")]
    [InlineData("91350100M000100Y43")]
    [InlineData("12100000400000000W")]
    [InlineData("9132010000000000K0")]
    public void IsValid_WhenCheckCharacterMatches_ReturnsTrue(string code)
    {
        Assert.True(CreditCode.IsValid(code, out var error));
        Assert.Null(error);
    }

    [Theory]
    [Trait("Rule", "ORG-2")]
    [InlineData("91350100M000100Y43", '3')]
    [InlineData("12100000400000000W", 'W')]
    [InlineData("9132010000000000K0", '0')]
    public void ComputeCheckCharacter_WhenFirst17Given_MatchesHandComputedValue(string code, char expected)
    {
        Assert.Equal(expected, CreditCode.ComputeCheckCharacter(code[..17]));
    }

    [Theory]
    [Trait("Rule", "ORG-2")]
    [InlineData("91350100M000100Y44", "校验码")]
    [InlineData("9132010000000000KW", "校验码")] // a check of 31 must become 0, not W (30)
    [InlineData("91350100M000100Y4", "18 位")]
    [InlineData("91350100M000100I43", "第 16 位")] // I is not in the alphabet
    [InlineData("91350100O000100Y43", "第 9 位")]  // nor O
    [InlineData("91350100m000100y43", "大写")]
    [InlineData("", "为空")]
    [InlineData(null, "为空")]
    public void IsValid_WhenMalformed_ReturnsFalseWithChineseReason(string? code, string expectedWord)
    {
        Assert.False(CreditCode.IsValid(code, out var error));
        Assert.NotNull(error);
        Assert.Contains(expectedWord, error, StringComparison.Ordinal);
    }
}
