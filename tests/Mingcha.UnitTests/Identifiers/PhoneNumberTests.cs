using Mingcha.Domain.Identifiers;

namespace Mingcha.UnitTests.Identifiers;

public class PhoneNumberTests
{
    [Theory]
    [Trait("Rule", "ORG-2")]
    [InlineData("13812341234", "13812341234")]
    [InlineData("199 1234 5678", "19912345678")]
    [InlineData("138-1234-1234", "13812341234")]
    [InlineData("+86 138 1234 1234", "13812341234")]
    [InlineData("+86-13812341234", "13812341234")]
    [InlineData("8613812341234", "13812341234")]
    [InlineData("010-12345678", "01012345678")]
    [InlineData("01012345678", "01012345678")]
    [InlineData("0563-1234567", "05631234567")]
    [InlineData("0563 1234567", "05631234567")]
    [InlineData("010-12345678-123", "01012345678-123")]
    public void IsValid_WhenPersonalNumber_AcceptsAndNormalizes(string input, string normalized)
    {
        Assert.True(PhoneNumber.IsValid(input, out var error), error);
        Assert.Equal(normalized, PhoneNumber.Normalize(input));
    }

    [Theory]
    [Trait("Rule", "ORG-2")]
    [InlineData("12345", "热线")] // the government service hotline, not a staff member's phone
    [InlineData("12315", "热线")]
    [InlineData("12388", "热线")]
    [InlineData("1381234123", "格式")]   // 10 digits
    [InlineData("12812341234", "格式")]  // second digit 2 is not a mobile range
    [InlineData("23812341234", "格式")]
    [InlineData("010-123456", "格式")]   // 6-digit local number
    [InlineData("110", "格式")]
    [InlineData("+1 415 555 0100", "格式")]
    [InlineData("", "为空")]
    [InlineData(null, "为空")]
    public void IsValid_WhenNotAPersonalNumber_ReturnsFalseWithChineseReason(string? input, string expectedWord)
    {
        Assert.False(PhoneNumber.IsValid(input, out var error));
        Assert.NotNull(error);
        Assert.Contains(expectedWord, error, StringComparison.Ordinal);
    }
}
