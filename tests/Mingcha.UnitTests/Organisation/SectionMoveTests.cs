using Mingcha.Domain.Organisation;

namespace Mingcha.UnitTests.Organisation;

/// <summary>ORG-1, decision 026: what goes with a section that moves to another unit, and what stops the move.</summary>
public sealed class SectionMoveTests
{
    private static readonly Guid Hall = Guid.NewGuid(), Window1 = Guid.NewGuid(), Window2 = Guid.NewGuid(), Counter = Guid.NewGuid(), Other = Guid.NewGuid();

    // Hall → Window1 → Counter, Hall → Window2; Other stands alone.
    private static IEnumerable<Guid> ChildrenOf(Guid id) =>
        id == Hall ? [Window1, Window2] : id == Window1 ? [Counter] : [];

    [Fact]
    [Trait("Rule", "ORG-1")]
    public void Below_WhenAHallHasWindowsAndAWindowHasACounter_GivesThemAllNearestFirst()
    {
        Assert.Equal([Window1, Window2, Counter], SectionMove.Below(Hall, ChildrenOf));
        Assert.Equal([Counter], SectionMove.Below(Window1, ChildrenOf));
        Assert.Empty(SectionMove.Below(Other, ChildrenOf));
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public void Below_WhenASectionDecidesItsOwnUnit_LeavesItAndWhatIsBelowItOut()
    {
        // In an import, a window with its own row says where it goes; its counter follows that window, not the hall.
        Assert.Equal([Window2], SectionMove.Below(Hall, ChildrenOf, id => id == Window1));
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public void Below_WhenParentLinksFormACycle_EndsWithEachSectionOnce()
    {
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        IEnumerable<Guid> Cyclic(Guid id) => id == a ? [b] : id == b ? [a] : [];

        Assert.Equal([b], SectionMove.Below(a, Cyclic));
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public void CodeClashes_WhenAMovingPersonsCodeIsTakenInTheTargetUnit_NamesTheCode()
    {
        Assert.Equal(["E002"], SectionMove.CodeClashes(["E001", "E002"], ["E002", "E900"]));
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public void CodeClashes_WhenTwoMovingPeopleFromDifferentUnitsShareACode_NamesItOnce()
    {
        Assert.Equal(["A7"], SectionMove.CodeClashes(["A7", "B1", "A7", "A7"], []));
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public void CodeClashes_WhenCodesDifferOnlyInCase_TakesThemAsDifferentCodes()
    {
        // Codes are unique within a unit as stored (ordinal), so e001 and E001 can both be there.
        Assert.Empty(SectionMove.CodeClashes(["e001"], ["E001"]));
    }

    [Fact]
    [Trait("Rule", "ORG-1")]
    public void ClashMessage_WhenManyCodesClash_NamesTheFirstTenAndTheirNumber()
    {
        var codes = Enumerable.Range(1, 12).Select(i => $"E{i:000}").ToList();

        var message = SectionMove.ClashMessage("综合窗口", "市场监督管理局", codes);

        Assert.Contains("E010 等 12 个", message, StringComparison.Ordinal);
        Assert.DoesNotContain("E011", message, StringComparison.Ordinal);
        Assert.Contains("市场监督管理局", message, StringComparison.Ordinal);
        Assert.StartsWith("科室“综合窗口”", message, StringComparison.Ordinal);
    }
}
