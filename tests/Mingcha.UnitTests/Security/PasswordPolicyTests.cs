using Mingcha.Domain.Security;

namespace Mingcha.UnitTests.Security;

public class PasswordPolicyTests
{
    [Theory]
    [Trait("Rule", "SEC-1")]
    [InlineData("Abcdefgh12")]     // 10 chars: lower, upper, digit
    [InlineData("abcdefgh1!")]     // lower, digit, other
    [InlineData("ABCDEFGH1!")]     // upper, digit, other
    [InlineData("效能监督abcD123")] // Chinese characters count as "other"
    public void Check_WhenLongEnoughWithThreeClasses_ReturnsNoErrors(string password)
    {
        Assert.Empty(PasswordPolicy.Check(password));
    }

    [Theory]
    [Trait("Rule", "SEC-1")]
    [InlineData("Abcdef12!")] // 9 characters, all four classes
    [InlineData("Ab1!")]
    public void Check_WhenShorterThanTen_ReportsLengthOnly(string password)
    {
        var error = Assert.Single(PasswordPolicy.Check(password));

        Assert.Contains("至少为 10", error, StringComparison.Ordinal);
    }

    [Theory]
    [Trait("Rule", "SEC-1")]
    [InlineData("abcdefghijkl")]   // one class
    [InlineData("abcdefgh1234")]   // two classes
    [InlineData("ABCDEFGH!!!!")]   // two classes
    public void Check_WhenFewerThanThreeClasses_ReportsClassesOnly(string password)
    {
        var error = Assert.Single(PasswordPolicy.Check(password));

        Assert.Contains("至少 3 类", error, StringComparison.Ordinal);
    }

    [Theory]
    [Trait("Rule", "SEC-1")]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    public void Check_WhenEmptyOrShortAndPlain_ReportsBoth(string? password)
    {
        Assert.Equal(2, PasswordPolicy.Check(password).Count);
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public void Check_WhenLengthCounted_CountsCodePointsNotUtf16Units()
    {
        // Five surrogate-pair characters are 10 UTF-16 units but only 5 characters.
        var error = Assert.Single(PasswordPolicy.Check("𠮷𠮷𠮷aA"));
        Assert.Contains("长度", error, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public void Constants_WhenRead_MatchThePolicy()
    {
        Assert.Equal(10, PasswordPolicy.MinLength);
        Assert.Equal(3, PasswordPolicy.RequiredClasses);
        Assert.Equal(5, PasswordPolicy.MaxFailedAttempts);
        Assert.Equal(TimeSpan.FromMinutes(15), PasswordPolicy.LockoutDuration);
        Assert.Equal(TimeSpan.FromMinutes(30), PasswordPolicy.IdleTimeout);
    }
}
