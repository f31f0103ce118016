using Mingcha.Domain.Scoring;

namespace Mingcha.UnitTests.Scoring;

/// <summary>EV-2, decision 028: a sitting's one-time ballot codes: long, unambiguous, forgiving when typed, stored only as a hash bound to the sitting.</summary>
public sealed class SittingCodeRuleTests
{
    [Fact]
    [Trait("Rule", "EV-2")]
    public void NewCode_IsTwelveUnambiguousCharactersInGroupsOfFour_AndNeverTheSame()
    {
        var codes = Enumerable.Range(0, 200).Select(_ => SittingCodeRules.NewCode()).ToList();
        Assert.All(codes, c =>
        {
            Assert.Matches("^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$", c);
            Assert.Equal(c.Replace("-", "", StringComparison.Ordinal), SittingCodeRules.Normalise(c));
        });
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.DoesNotContain(SittingCodeRules.Alphabet, ch => ch is '0' or 'O' or '1' or 'I');
    }

    [Theory]
    [Trait("Rule", "EV-2")]
    [InlineData("abcd-efgh-jkmn", "ABCDEFGHJKMN")]
    [InlineData(" ABCD EFGH JKMN ", "ABCDEFGHJKMN")]
    [InlineData("ABCDEFGHJKMN", "ABCDEFGHJKMN")]
    [InlineData("ABCD-EFGH-JKM", null)] // too short
    [InlineData("ABCD-EFGH-JKMNP", null)] // too long
    [InlineData("ABCD-EFGH-JKM0", null)] // a look-alike is not in the alphabet
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Normalise_ForgivesCaseSpacesAndDashes_RefusesWhatCannotBeACode(string? typed, string? expected) =>
        Assert.Equal(expected, SittingCodeRules.Normalise(typed));

    [Fact]
    [Trait("Rule", "EV-2")]
    public void Hash_IsBoundToTheSitting_AndDoesNotContainTheCode()
    {
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        var h = SittingCodeRules.Hash(a, "ABCDEFGHJKMN");
        Assert.Equal(64, h.Length);
        Assert.Equal(h, SittingCodeRules.Hash(a, "ABCDEFGHJKMN"));
        Assert.NotEqual(h, SittingCodeRules.Hash(b, "ABCDEFGHJKMN"));
        Assert.DoesNotContain("ABCDEFGHJKMN", h, StringComparison.OrdinalIgnoreCase);
    }
}
