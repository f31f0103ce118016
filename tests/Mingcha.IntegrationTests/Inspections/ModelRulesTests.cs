using Mingcha.Web;
using Mingcha.Web.Features.Inspections;

namespace Mingcha.IntegrationTests.Inspections;

/// <summary>The rules the inspection entities enforce themselves, without a database.</summary>
public sealed class ModelRulesTests
{
    private static readonly DateTime Now = new(2026, 11, 16, 2, 0, 0, DateTimeKind.Utc);

    private static DeductionItem Item(bool discretionary = false) => new(Guid.NewGuid(), 2026, "S07", "未落实离岗告示制", 1m, DeductionGroup.EfficiencySystem, discretionary, 1, null);

    private static Finding NewFinding(DeductionItem? item = null, decimal? points = null) =>
        new(Guid.NewGuid(), Guid.NewGuid(), 2026, Guid.NewGuid(), Guid.NewGuid(), null, item ?? Item(), points, "离岗未放告示牌", 3, null, "inspector", Now);

    [Fact]
    [Trait("Rule", "INS-8")]
    public void RecordRefusal_WhenTheUnitRefusesToSign_IsKeptAndTheFindingStands()
    {
        var f = NewFinding();
        f.Confirm("office", Now);
        f.RecordRefusal("值班领导王某", "拒绝签字", Now);
        Assert.Equal(UnitConfirmation.Refused, f.Confirmation);
        Assert.Equal(FindingStatus.Confirmed, f.Status);
        var again = Assert.Throws<DomainRuleException>(() => f.RecordSignature(Guid.NewGuid(), "王某", Now));
        Assert.Equal("INS-8", again.RuleId);
    }

    [Fact]
    [Trait("Rule", "INS-8")]
    public void RecordSignature_KeepsTheSignatureEvidence()
    {
        var f = NewFinding();
        var signature = Guid.NewGuid();
        f.RecordSignature(signature, "值班领导李某", Now);
        Assert.Equal(UnitConfirmation.SignedByUnit, f.Confirmation);
        Assert.Equal(signature, f.SignatureEvidenceItemId);
    }

    [Fact]
    [Trait("Rule", "RCT-1")]
    public void Drop_WithoutAReason_IsRefusedAndAConfirmedFindingCannotBeDropped()
    {
        var f = NewFinding();
        Assert.Equal("RCT-1", Assert.Throws<DomainRuleException>(() => f.Drop(" ", "office", Now)).RuleId);
        f.Confirm("office", Now);
        Assert.Equal("RCT-1", Assert.Throws<DomainRuleException>(() => f.Drop("不成立", "office", Now)).RuleId);
    }

    [Fact]
    [Trait("Rule", "INS-18")]
    public void Finding_WhenPointsDifferOnAFixedItem_IsRefusedButADiscretionaryItemTakesThem()
    {
        Assert.Equal("INS-18", Assert.Throws<DomainRuleException>(() => NewFinding(Item(), 3m)).RuleId);
        Assert.Equal(3m, NewFinding(Item(discretionary: true), 3m).Points);
    }

    [Fact]
    [Trait("Rule", "INS-11")]
    public void Finding_WhenTheProtocolStepIsOutsideOneToEight_IsRefused()
    {
        Assert.Throws<DomainRuleException>(() =>
            new Finding(Guid.NewGuid(), Guid.NewGuid(), 2026, Guid.NewGuid(), Guid.NewGuid(), null, Item(), null, "问题", 9, null, "x", Now));
    }

    [Fact]
    [Trait("Rule", "INS-19")]
    public void Visit_WhenRejectedWithoutAReason_IsRefusedAndOnlyAnAcceptedVisitCounts()
    {
        var v = new Visit(Guid.NewGuid(), 2026, InspectionKind.Covert, Guid.NewGuid(), Guid.NewGuid(), null, null, null, null, "office", Now);
        v.Start(new DateOnly(2026, 11, 16), Now);
        v.Submit(Now);
        Assert.Equal("INS-19", Assert.Throws<DomainRuleException>(() => v.Decide(VisitStatus.Rejected, "", "office", Now)).RuleId);
        v.Decide(VisitStatus.Rejected, "无标牌镜头，无法证明到访", "office", Now);
        Assert.False(v.Counts);
        Assert.True(v.IsSecret);
        Assert.Equal("INS-19", Assert.Throws<DomainRuleException>(() => v.MarkFindingsSent("office", Now)).RuleId);
    }

    [Fact]
    [Trait("Rule", "INS-9")]
    public void Round_WhenItStartsBeforeItsYear_IsRefused()
    {
        Assert.Equal("INS-9", Assert.Throws<DomainRuleException>(() =>
            new InspectionRound(2027, InspectionKind.Covert, CampaignKind.Routine, "x", "s", "f", new DateOnly(2026, 12, 1), new DateOnly(2027, 1, 31), "o", Now)).RuleId);
    }

    [Fact]
    [Trait("Rule", "ORG-5")]
    public void Conflict_IsInForceFromItsDeclarationUntilItsEnd()
    {
        var c = new ConflictOfInterest(InspectorKind.Supervisor, Guid.NewGuid(), Guid.NewGuid(), null, "亲属", new DateOnly(2026, 3, 1), "o", Now);
        Assert.False(c.InForce(new DateOnly(2026, 2, 28)));
        Assert.True(c.InForce(new DateOnly(2026, 3, 1)));
        c.End(new DateOnly(2026, 6, 1));
        Assert.True(c.InForce(new DateOnly(2026, 5, 31)));
        Assert.False(c.InForce(new DateOnly(2026, 6, 1)));
        // Over a period: in force if on any of its days.
        Assert.True(c.InForceDuring(new DateOnly(2026, 1, 1), new DateOnly(2026, 3, 1)));
        Assert.True(c.InForceDuring(new DateOnly(2026, 5, 31), new DateOnly(2026, 12, 31)));
        Assert.False(c.InForceDuring(new DateOnly(2026, 1, 1), new DateOnly(2026, 2, 28)));
        Assert.False(c.InForceDuring(new DateOnly(2026, 6, 1), new DateOnly(2026, 12, 31)));
    }

    [Fact]
    [Trait("Rule", "ORG-4")]
    public void Contract_WithoutTenderOrExpertReview_IsRefused()
    {
        Assert.Equal("ORG-4", Assert.Throws<DomainRuleException>(() =>
            new AgencyContract(Guid.NewGuid(), "", new DateOnly(2026, 1, 1), "", new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31), "o", Now)).RuleId);
    }
}
