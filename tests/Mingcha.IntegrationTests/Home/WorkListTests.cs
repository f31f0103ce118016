using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Complaints;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.IntegrationTests.Rectification;

namespace Mingcha.IntegrationTests.Home;

/// <summary>
/// The home page's 待办: each user sees, counted, what waits for them: the Office what waits for the Office, a unit's
/// liaison what waits for their own unit only, a leader what is late.
/// </summary>
public sealed class WorkListTests(RectificationApp app) : IClassFixture<RectificationApp>
{
    [Fact]
    [Trait("Rule", "SEC-2")]
    [Trait("Rule", "RCT-1")]
    [Trait("Rule", "CAL-2")]
    public async Task HomePage_WhenWorkWaits_CountsItForTheOfficeTheOwnUnitOnlyAndTheLateForLeaders()
    {
        var (office, kit) = await RectificationKit.AtStartAsync(app);
        var complaints = new ComplaintKit(app, office);
        var a = await kit.CaseAsync(findings: 2);
        var (unitB, _) = await complaints.UnitAsync("住建局");

        // Two findings recorded: both wait for the Office's confirmation (RCT-1), none is ready for a notice yet.
        var home = await HomePage.WorkAsync(office);
        Assert.Equal(2, home.GetValueOrDefault("findings.recorded"));
        Assert.False(home.ContainsKey("findings.to-issue"));

        // One confirmed: one still to confirm, one to put on a notice. Then the notice, and a complaint with each unit.
        await kit.ConfirmAsync(a.Findings[0]);
        home = await HomePage.WorkAsync(office);
        Assert.Equal(1, home["findings.recorded"]);
        Assert.Equal(1, home["findings.to-issue"]);
        await kit.ConfirmAsync(a.Findings[1]); // a notice waits until the Office has decided every finding of the unit (RCT-1)
        Assert.Equal(2, (await HomePage.WorkAsync(office))["findings.to-issue"]);
        await kit.IssueAsync(a.UnitId, a.Findings);
        var forA = await complaints.FileAsync(ComplaintKit.Body(a.UnitId));
        var forB = await complaints.FileAsync(ComplaintKit.Body(unitB, matter: "施工许可审批拖延"));
        Assert.Equal(2, (await HomePage.WorkAsync(office))["complaints.received"]);
        var complaintDue = await complaints.AssignAsync(forA.Id);
        await complaints.AssignAsync(forB.Id);

        home = await HomePage.WorkAsync(office);
        Assert.False(home.ContainsKey("findings.recorded"));
        Assert.False(home.ContainsKey("findings.to-issue"));
        Assert.False(home.ContainsKey("complaints.received"));
        Assert.False(home.ContainsKey("complaints.overdue"));

        // SEC-2: each unit's liaison counts its own unit's complaint and notice, never the other unit's.
        var liaisonA = await app.ClientAsAsync(Roles.UnitLiaison, a.UnitId);
        var liaisonB = await app.ClientAsAsync(Roles.UnitLiaison, unitB);
        var seenByA = await HomePage.WorkAsync(liaisonA);
        Assert.Equal(1, seenByA["complaints.assigned"]);
        Assert.Equal(1, seenByA["notices.open"]);
        Assert.False(seenByA.ContainsKey("findings.recorded")); // the Office's work is not the unit's
        // Its reminder of the assignment in the reader's language: the Chinese half on a Chinese page, the English on an English one.
        var remindersZh = await liaisonA.GetStringAsync("/");
        Assert.Contains($"投诉交办 {forA.Number}", remindersZh, StringComparison.Ordinal);
        Assert.DoesNotContain("Complaint assigned", remindersZh, StringComparison.Ordinal);
        var remindersEn = await liaisonA.GetStringAsync("/?culture=en&ui-culture=en");
        Assert.Contains("Complaint assigned: answer by", remindersEn, StringComparison.Ordinal);
        Assert.DoesNotContain($"投诉交办 {forA.Number}", remindersEn, StringComparison.Ordinal);
        var seenByB = await HomePage.WorkAsync(liaisonB);
        Assert.Equal(1, seenByB["complaints.assigned"]);
        Assert.False(seenByB.ContainsKey("notices.open"));
        Assert.Equal(0, HomePage.Overdue(await liaisonA.GetStringAsync("/"), "complaints.assigned"));

        // The leader sees nothing while nothing is late.
        var leaderHome = await (await app.ClientAsAsync(Roles.Leader)).GetStringAsync("/");
        Assert.Contains("暂无待办事项", leaderHome, StringComparison.Ordinal);

        // The day after the complaint's last working day (CAL-2), it is late; so is the notice once its own last day has passed.
        var notice = await app.WithDbAsync(db => Task.FromResult(db.RectificationNotices.Single(n => n.UnitId == a.UnitId).LastDay));
        var late = (notice > complaintDue ? notice : complaintDue).AddDays(1);
        app.Clock.Set(new DateTimeOffset(late.ToDateTime(new TimeOnly(2, 0)), TimeSpan.Zero)); // 10:00 in Shanghai
        office = await app.ClientAsAsync(Roles.OfficeStaff);
        liaisonA = await app.ClientAsAsync(Roles.UnitLiaison, a.UnitId);
        home = await HomePage.WorkAsync(office);
        Assert.Equal(2, home["complaints.overdue"]);
        Assert.Equal(1, home["notices.overdue"]);
        var pageA = await liaisonA.GetStringAsync("/");
        Assert.Equal(1, HomePage.Overdue(pageA, "complaints.assigned"));
        Assert.Equal(1, HomePage.Overdue(pageA, "notices.open"));
        var leader = await HomePage.WorkAsync(await app.ClientAsAsync(Roles.Leader));
        Assert.Equal(2, leader["complaints.overdue"]);
        Assert.Equal(1, leader["notices.overdue"]);
        Assert.False(leader.ContainsKey("findings.recorded"));

        // Each line links to the list where the work is done, filtered the same way.
        var overdueList = await office.GetStringAsync("/Complaints?Overdue=true");
        Assert.Contains(forA.Number, overdueList, StringComparison.Ordinal);
        Assert.Contains(forB.Number, overdueList, StringComparison.Ordinal);
        Assert.Contains("href=\"/Complaints?Overdue=true\"", await office.GetStringAsync("/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HomePage_ForRolesWithoutAWorkList_ShowsNoWorkSection()
    {
        app.Clock.Set(MingchaApp.Start);
        var page = await (await app.ClientAsAsync(Roles.Auditor)).GetStringAsync("/");
        Assert.DoesNotContain("暂无待办事项", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-work=", page, StringComparison.Ordinal);
    }
}
