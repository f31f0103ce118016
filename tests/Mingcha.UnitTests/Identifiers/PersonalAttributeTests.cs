using Mingcha.Domain.Identifiers;

namespace Mingcha.UnitTests.Identifiers;

public sealed class PersonalAttributeTests
{
    [Theory]
    [Trait("Rule", "SEC-4")]
    [InlineData(PersonalKind.Phone, "13912345678", "139****5678")]
    [InlineData(PersonalKind.IdNumber, "11010519491231002X", "1101**********002X")]
    [InlineData(PersonalKind.Name, "欧阳娜娜", "欧***")]
    [InlineData(PersonalKind.Other, "北京市东城区某街道某号", "********")]
    [InlineData(PersonalKind.Phone, null, "")]
    public void Mask_ByKind_HidesWhatIdentifiesThePerson(PersonalKind kind, string? value, string expected) =>
        Assert.Equal(expected, PersonalAttribute.Mask(kind, value));
}
