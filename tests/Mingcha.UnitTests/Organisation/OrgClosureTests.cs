using Mingcha.Domain.Organisation;

namespace Mingcha.UnitTests.Organisation;

public sealed class OrgClosureTests
{
    [Fact]
    [Trait("Rule", "ORG-1")]
    public void StillOpen_NamesOnlyWhatIsOpen_InChineseThenEnglish()
    {
        Assert.Equal("“综合窗口”还有 2 名在岗人员：请先将其撤销、划转或调整，在岗人员调整科室或登记离岗，然后再撤销。 "
            + "It still has 2 staff members in post: close, move or reassign them first (or record the people's departure).",
            OrgClosure.StillOpen("综合窗口", 0, 2, 0));
        var unit = OrgClosure.StillOpen("市民政局", 3, 1, 1);
        Assert.StartsWith("“市民政局”还有 1 个下级单位、3 个在用的科室或窗口、1 名在岗人员：", unit, StringComparison.Ordinal);
        Assert.Contains("It still has 1 sub-unit, 3 open sections, 1 staff member in post:", unit, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(-1, 2, 0)]
    [Trait("Rule", "ORG-1")]
    public void StillOpen_WithNothingOpen_IsAProgrammingError(int sections, int staff, int units) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => OrgClosure.StillOpen("x", sections, staff, units));
}
