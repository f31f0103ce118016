using System.Globalization;
using System.Net;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Complaints;
using Mingcha.IntegrationTests.Infrastructure;

namespace Mingcha.IntegrationTests.Organisation;

/// <summary>
/// ORG-2, SEC-4: an ID number's birth date is "in the future" by the office's date (Asia/Shanghai), not the server's: at
/// 00:30 in Shanghai the server's clock (UTC) still shows the day before, and someone born that Shanghai day is already born.
/// Both callers that check a number as it is entered (a staff member added, a complaint filed) judge it so.
/// </summary>
public sealed class ResidentIdOfficeDateTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    /// <summary>16:30 UTC on 22 November: 00:30 on 23 November in Shanghai.</summary>
    private static readonly DateTimeOffset JustBeforeUtcMidnight = new(2026, 11, 22, 16, 30, 0, TimeSpan.Zero);

    /// <summary>A valid number (GB 11643-1999 check character) of someone born on <paramref name="birth"/>.</summary>
    private static string IdBornOn(DateOnly birth)
    {
        var body = "110101" + birth.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "447";
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = body.Select((c, i) => (c - '0') * weights[i]).Sum();
        return body + "10X98765432"[sum % 11];
    }

    [Fact]
    [Trait("Rule", "ORG-2")]
    [Trait("Rule", "SEC-4")]
    public async Task IdNumber_BornOnTheOfficesToday_WhileTheServersUtcDateIsTheDayBefore_IsAccepted_TheNextDayIsRefused()
    {
        app.Clock.Set(JustBeforeUtcMidnight);
        try
        {
            var officeToday = new DateOnly(2026, 11, 23);
            Assert.Equal(new DateOnly(2026, 11, 22), DateOnly.FromDateTime(JustBeforeUtcMidnight.UtcDateTime)); // the server's date
            var office = await app.ClientAsAsync(Roles.OfficeAdmin);
            var kit = new ComplaintKit(app, office);
            var (unit, _) = await kit.UnitAsync();
            string Code() => "ID" + Guid.NewGuid().ToString("N")[..8];

            // A staff member (OrganisationApi): born the office's today is accepted, born tomorrow is refused by name.
            await (await office.PostJsonAsync("/api/v1/staff", new { unitId = unit, code = Code(), name = "今日生", employment = "InService", idNumber = IdBornOn(officeToday) }))
                .ExpectAsync(HttpStatusCode.Created);
            var tomorrow = await (await office.PostJsonAsync("/api/v1/staff", new { unitId = unit, code = Code(), name = "明日生", employment = "InService", idNumber = IdBornOn(officeToday.AddDays(1)) }))
                .ExpectFieldErrorAsync("idNumber");
            Assert.Contains("晚于今天", tomorrow.ToString(), StringComparison.Ordinal);

            // A complaint (Complaints): the same.
            object Complaint(string idNumber) => new
            {
                channel = "InPerson", type = "Attitude", unitId = unit, matter = "窗口态度", reasons = "工作人员态度生硬。", evidenceNote = "现场录音",
                name = "欧阳娜娜", idNumber, hasInterest = true, receivedAt = "2026-11-22T16:00:00Z",
            };
            await kit.FileAsync(Complaint(IdBornOn(officeToday)));
            await (await office.PostJsonAsync("/api/v1/complaints", Complaint(IdBornOn(officeToday.AddDays(1))))).ExpectFieldErrorAsync("idNumber");
        }
        finally
        {
            app.Clock.Set(MingchaApp.Start);
        }
    }
}
