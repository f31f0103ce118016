using Mingcha.Domain.Security;

namespace Mingcha.UnitTests.Security;

public class RolesTests
{
    private static readonly string[] Administrators = [Roles.SystemAdmin, Roles.SecurityAdmin, Roles.Auditor];

    private static readonly string[] BusinessRoles =
    [
        Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Supervisor, Roles.AgencyInspector,
        Roles.UnitLiaison, Roles.Leader, Roles.MonitoringPoint, Roles.EvaluationRep,
    ];

    [Fact]
    [Trait("Rule", "SEC-1")]
    public void All_WhenListed_HoldsTheElevenRolesOnceEachAsAsciiIdentifiers()
    {
        Assert.Equal(11, Roles.All.Count);
        Assert.Equal(Roles.All.Count, Roles.All.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(BusinessRoles.Concat(Administrators).Order(StringComparer.Ordinal), Roles.All.Order(StringComparer.Ordinal));
        Assert.All(Roles.All, r => Assert.Matches("^[A-Za-z]+$", r));
    }

    [Theory]
    [Trait("Rule", "SEC-1")]
    [InlineData(Roles.OfficeAdmin, "效能办管理员")]
    [InlineData(Roles.OfficeStaff, "效能办工作人员")]
    [InlineData(Roles.Supervisor, "效能监督员")]
    [InlineData(Roles.AgencyInspector, "第三方暗访员")]
    [InlineData(Roles.UnitLiaison, "单位联络员")]
    [InlineData(Roles.Leader, "领导")]
    [InlineData(Roles.MonitoringPoint, "监测点")]
    [InlineData(Roles.EvaluationRep, "测评代表")]
    [InlineData(Roles.SystemAdmin, "系统管理员")]
    [InlineData(Roles.SecurityAdmin, "安全管理员")]
    [InlineData(Roles.Auditor, "安全审计员")]
    public void DisplayNameZh_WhenKnownRole_ReturnsChineseName(string role, string expected)
    {
        Assert.Equal(expected, Roles.DisplayNameZh(role));
        Assert.False(string.IsNullOrWhiteSpace(Roles.DisplayNameEn(role)));
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public void DisplayNameZh_WhenUnknownRole_Throws()
    {
        Assert.Throws<ArgumentException>(() => Roles.DisplayNameZh("Admin"));
        Assert.Throws<ArgumentException>(() => Roles.DisplayNameEn("officeadmin"));
        Assert.False(Roles.IsKnown("officeadmin"));
        Assert.True(Roles.IsKnown(Roles.Leader));
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public void RequireTwoFactor_WhenRead_IsTheFourPowerfulRoles()
    {
        Assert.Equal(
            new[] { Roles.Auditor, Roles.OfficeAdmin, Roles.SecurityAdmin, Roles.SystemAdmin },
            Roles.RequireTwoFactor.Order(StringComparer.Ordinal));
    }

    [Fact]
    [Trait("Rule", "SEC-2")]
    public void IsUnitBound_WhenRole_TrueOnlyForUnitLiaison()
    {
        Assert.Equal([Roles.UnitLiaison], Roles.All.Where(Roles.IsUnitBound));
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public void MayHoldTogether_WhenTwoAdministratorRoles_ReturnsFalse()
    {
        foreach (var a in Administrators)
        {
            foreach (var b in Administrators.Where(b => b != a))
            {
                Assert.False(Roles.MayHoldTogether(a, b), $"{a} + {b}");
            }
        }
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public void MayHoldTogether_WhenAdministratorAndBusinessRole_ReturnsFalseEitherWay()
    {
        foreach (var a in Administrators)
        {
            foreach (var b in BusinessRoles)
            {
                Assert.False(Roles.MayHoldTogether(a, b), $"{a} + {b}");
                Assert.False(Roles.MayHoldTogether(b, a), $"{b} + {a}");
            }
        }
    }

    [Theory]
    [Trait("Rule", "SEC-1")]
    [InlineData(Roles.OfficeAdmin, Roles.OfficeStaff)]
    [InlineData(Roles.Supervisor, Roles.Leader)]
    [InlineData(Roles.Auditor, Roles.Auditor)]
    public void MayHoldTogether_WhenBusinessRolesOrSameRole_ReturnsTrue(string a, string b)
    {
        Assert.True(Roles.MayHoldTogether(a, b));
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public void MayHoldAll_WhenSetContainsAnAdministratorAmongOthers_ReturnsFalse()
    {
        Assert.True(Roles.MayHoldAll([Roles.OfficeStaff, Roles.Supervisor, Roles.Leader]));
        Assert.True(Roles.MayHoldAll([Roles.SecurityAdmin]));
        Assert.False(Roles.MayHoldAll([Roles.OfficeStaff, Roles.Supervisor, Roles.Auditor]));
        Assert.Throws<ArgumentException>(() => Roles.MayHoldAll([Roles.OfficeStaff, "Root"]));
    }

    [Fact]
    [Trait("Rule", "SEC-2")]
    public void Withheld_WhenAccountBoundToUnitHoldsSeeAllRoles_WithholdsThemAndKeepsTheLiaison()
    {
        var withheld = Roles.Withheld([Roles.UnitLiaison, Roles.OfficeStaff, Roles.Leader], new AccountBinding(BoundToUnit: true));

        Assert.Equal([Roles.OfficeStaff, Roles.Leader], withheld.Select(w => w.Role));
        Assert.All(withheld, w => Assert.Equal(WithheldReason.UnitAccountSeesAllUnits, w.Reason));
        Assert.All(withheld, w => Assert.Equal("SEC-2", w.Rule));
    }

    [Fact]
    [Trait("Rule", "SEC-2")]
    public void Withheld_WhenLiaisonIsAlsoSupervisorOrAgencyInspector_WithholdsTheInspectingRoles()
    {
        var withheld = Roles.Withheld([Roles.Supervisor, Roles.UnitLiaison, Roles.AgencyInspector], new AccountBinding(BoundToUnit: true));

        Assert.Equal([(Roles.Supervisor, WithheldReason.LiaisonInspects), (Roles.AgencyInspector, WithheldReason.LiaisonInspects)], withheld.Select(w => (w.Role, w.Reason)));
    }

    [Fact]
    [Trait("Rule", "SEC-2")]
    [Trait("Rule", "INS-9")]
    public void Withheld_WhenUnitAccountIsLinkedAsAgencyInspector_WithholdsTheInspectorRoleOnly()
    {
        var linked = Roles.Withheld([Roles.AgencyInspector, Roles.MonitoringPoint], new AccountBinding(BoundToUnit: true, LinkedAgencyInspector: true));
        var unlinked = Roles.Withheld([Roles.AgencyInspector], new AccountBinding(BoundToUnit: true));
        var unbound = Roles.Withheld([Roles.AgencyInspector], new AccountBinding(BoundToUnit: false, LinkedAgencyInspector: true));

        Assert.Equal([(Roles.AgencyInspector, "INS-9")], linked.Select(w => (w.Role, w.Rule)));
        Assert.Empty(unlinked);
        Assert.Empty(unbound);
    }

    [Theory]
    [Trait("Rule", "SEC-1")]
    [InlineData(new[] { Roles.SystemAdmin, Roles.SecurityAdmin }, Roles.SecurityAdmin)]
    [InlineData(new[] { Roles.SecurityAdmin, Roles.SystemAdmin }, Roles.SecurityAdmin)]
    [InlineData(new[] { Roles.Auditor, Roles.SecurityAdmin }, Roles.SecurityAdmin)]
    [InlineData(new[] { Roles.Auditor, Roles.SystemAdmin }, Roles.SystemAdmin)]
    [InlineData(new[] { Roles.SystemAdmin, Roles.Auditor }, Roles.SystemAdmin)]
    [InlineData(new[] { Roles.Auditor, Roles.SystemAdmin, Roles.SecurityAdmin }, Roles.SecurityAdmin)]
    public void Withheld_WhenAccountHoldsSeveralAdministratorRoles_KeepsOneByPrecedence_WhateverTheStoredOrder(string[] stored, string kept)
    {
        foreach (var bound in new[] { false, true })
        {
            var withheld = Roles.Withheld(stored, new AccountBinding(bound));

            Assert.Equal(stored.Where(r => r != kept).OrderBy(r => Roles.All.ToList().IndexOf(r)), withheld.Select(w => w.Role));
            Assert.All(withheld, w => Assert.Equal((WithheldReason.AdministratorsSeparated, "SEC-1"), (w.Reason, w.Rule)));
            // What the account acts as is one administrator role: 三员分立 holds for it.
            Assert.True(Roles.MayHoldAll(stored.Except(withheld.Select(w => w.Role))));
        }
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    public void Withheld_WhenAnAdministratorRoleIsHeldWithBusinessRoles_KeepsTheAdministratorRoleOnly()
    {
        var withheld = Roles.Withheld([Roles.OfficeAdmin, Roles.Auditor, Roles.Supervisor, Roles.SystemAdmin], new AccountBinding(false));

        Assert.Equal([(Roles.OfficeAdmin, "SEC-1"), (Roles.Supervisor, "SEC-1"), (Roles.Auditor, "SEC-1")], withheld.Select(w => (w.Role, w.Rule)));
    }

    [Fact]
    [Trait("Rule", "SEC-1")]
    [Trait("Rule", "SEC-2")]
    public void Withheld_WhenAUnitsLiaisonAlsoHoldsAdministratorAndSeeAllRoles_ListsEachRoleOnceUnderTheFirstRuleItBreaks()
    {
        var withheld = Roles.Withheld([Roles.UnitLiaison, Roles.Leader, Roles.Auditor], new AccountBinding(BoundToUnit: true));

        // The leader's role breaks SEC-2 first; the liaison's role yields to the administrator role (SEC-1).
        Assert.Equal([(Roles.UnitLiaison, WithheldReason.AdministratorsSeparated), (Roles.Leader, WithheldReason.UnitAccountSeesAllUnits)],
            withheld.Select(w => (w.Role, w.Reason)));
    }

    [Theory]
    [Trait("Rule", "SEC-1")]
    [InlineData(Roles.SystemAdmin)]
    [InlineData(Roles.SecurityAdmin)]
    [InlineData(Roles.Auditor)]
    public void Withheld_WhenAnAdministratorRoleIsHeldAlone_WithholdsNothing(string role)
    {
        Assert.Empty(Roles.Withheld([role, role], new AccountBinding(false)));
        Assert.Empty(Roles.Withheld([role], new AccountBinding(true)));
    }

    [Theory]
    [Trait("Rule", "SEC-2")]
    [InlineData(false, new[] { Roles.OfficeAdmin, Roles.Leader, Roles.Supervisor })]
    [InlineData(true, new[] { Roles.UnitLiaison, Roles.MonitoringPoint, Roles.EvaluationRep })]
    [InlineData(true, new[] { "Root" })]
    public void Withheld_WhenCombinationIsAllowed_WithholdsNothing(bool boundToUnit, string[] roles)
    {
        Assert.Empty(Roles.Withheld(roles, new AccountBinding(boundToUnit)));
    }
}
