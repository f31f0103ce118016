using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.Domain.Complaints;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Home;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Complaints;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.IntegrationTests.Complaints;

/// <summary>The demo's complaints desk (<see cref="DemoComplaints"/>): six complaints at every stage, made once, by the rules.</summary>
public sealed class DemoComplaintsTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    [Fact]
    [Trait("Rule", "CMP-3")]
    [Trait("Rule", "SEC-2")]
    public async Task Load_MakesSixComplaintsAtEveryStage_Once_AndEachUserSeesTheirOwnWork()
    {
        // A start stopped just after filing the fourth complaint left it received: the next files the other five and
        // moves the fourth on (assigned, answered), without filing it twice.
        var hrUnit = await app.WithDbAsync(db => db.Units.Where(u => u.Code == DemoData.HrUnitCode).Select(u => u.Id).SingleAsync());
        var staff = await app.ClientAsAsync(Roles.OfficeStaff);
        (await staff.PostJsonAsync("/api/v1/complaints", new
        {
            channel = "Hotline12345", type = "Attitude", unitId = hrUnit, matter = "窗口工作人员态度生硬", reasons = "咨询养老保险关系转移时，工作人员不耐烦。",
            name = "赵女士", phone = "13900001004", hasInterest = true, ticketNumber = DemoComplaints.TicketPrefix + "004",
        })).EnsureSuccessStatusCode();
        var demo = app.Services.GetRequiredService<DemoComplaints>();
        Assert.Equal(5, await demo.LoadAsync(default));
        Assert.Equal(0, await demo.LoadAsync(default)); // made once

        var made = await app.WithDbAsync(db => db.Complaints.AsNoTracking().Where(c => c.ExternalTicket!.StartsWith(DemoComplaints.TicketPrefix))
            .Select(c => new { c.Status, c.UnitId, c.Channel }).ToListAsync());
        Assert.Equal(6, made.Count);
        Assert.Equal([ComplaintStatus.Received, ComplaintStatus.Received, ComplaintStatus.Assigned, ComplaintStatus.Answered, ComplaintStatus.Closed, ComplaintStatus.NotAccepted],
            made.Select(c => c.Status).Order().ToList());
        Assert.All(made, c => Assert.Equal(ComplaintChannel.Hotline12345, c.Channel));

        // The Office's desk: two to accept, one answer to review; the bureau's liaison: one to answer. Another unit's liaison: nothing of the bureau's.
        var hr = await app.WithDbAsync(db => db.Units.Where(u => u.Code == DemoData.HrUnitCode).Select(u => u.Id).SingleAsync());
        var office = await HomePage.WorkAsync(await app.ClientAsAsync(Roles.OfficeStaff));
        Assert.Equal((2, 1), (office["complaints.received"], office["complaints.answered"]));
        Assert.Equal(1, (await HomePage.WorkAsync(await app.ClientAsAsync(Roles.UnitLiaison, hr)))["complaints.assigned"]);
        var elsewhere = await app.WithDbAsync(db => db.Units.Where(u => u.IsDemo && u.Id != hr).OrderBy(u => u.Code).Skip(5).Select(u => u.Id).FirstAsync());
        Assert.False((await HomePage.WorkAsync(await app.ClientAsAsync(Roles.UnitLiaison, elsewhere))).ContainsKey("complaints.assigned"));
    }
}
