using Mingcha.Domain.Identifiers;

namespace Mingcha.UnitTests.Identifiers;

public class PersonalDataTests
{
    [Theory]
    [Trait("Rule", "SEC-4")]
    [InlineData("13812341234", "138****1234")]
    [InlineData("+86 138-1234-1234", "138****1234")]
    [InlineData("010-12345678", "010****5678")]
    [InlineData("010-12345678-123", "010****5678")] // extension dropped, it identifies no one
    [InlineData("12345", "*****")]                   // too short to show any part
    [InlineData("", "")]
    [InlineData(null, "")]
    public void MaskPhone_WhenGiven_KeepsFirstThreeAndLastFour(string? input, string expected)
    {
        Assert.Equal(expected, PersonalData.MaskPhone(input));
    }

    [Theory]
    [Trait("Rule", "SEC-4")]
    [InlineData("110101199003071234", "1101**********1234")]
    [InlineData("11010519491231002X", "1101**********002X")]
    [InlineData("12345678", "********")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void MaskIdNumber_WhenGiven_KeepsFirstFourAndLastFourAndLength(string? input, string expected)
    {
        var masked = PersonalData.MaskIdNumber(input);

        Assert.Equal(expected, masked);
        Assert.Equal(input?.Length ?? 0, masked.Length);
    }

    [Theory]
    [Trait("Rule", "SEC-4")]
    [InlineData("张三", "张*")]
    [InlineData("欧阳娜娜", "欧***")]
    [InlineData("王小明", "王**")]
    [InlineData("李", "*")]        // keeping the only character would show the whole name
    [InlineData("𠮷野家", "𠮷**")] // a surrogate-pair character stays whole
    [InlineData("", "")]
    [InlineData(null, "")]
    public void MaskName_WhenGiven_KeepsOnlyFirstCharacter(string? input, string expected)
    {
        Assert.Equal(expected, PersonalData.MaskName(input));
    }
}
