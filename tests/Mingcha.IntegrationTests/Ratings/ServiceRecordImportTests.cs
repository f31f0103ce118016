using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.IntegrationTests.Organisation;
using Mingcha.Web.Features.Organisation;

namespace Mingcha.IntegrationTests.Ratings;

/// <summary>SAT-8 for offices without a business system: finished cases imported from CSV or .xlsx, all rows or none.</summary>
public sealed class ServiceRecordImportTests(MingchaApp app) : IClassFixture<MingchaApp>
{
    private sealed record Window(Guid Id, Guid UnitId, string Code, string StaffCode, Guid StaffId);
    private sealed record Counts(int Imported, int Unchanged);

    private async Task<Window> WindowAsync(int n) => await app.WithDbAsync(async db =>
    {
        var w = await db.Sections.Where(s => s.Kind == SectionKind.Window && s.ParentSectionId != null).OrderBy(s => s.Code).Skip(n - 1).FirstAsync();
        var staff = await db.Staff.Where(s => s.UnitId == w.UnitId).OrderBy(s => s.Code).FirstAsync();
        return new Window(w.Id, w.UnitId, w.Code, staff.Code, staff.Id);
    });

    private static string NewCase() => "IM" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();

    private static StringContent Csv(string text) => new StringContent(text, Encoding.UTF8, "text/csv");

    [Fact]
    [Trait("Rule", "SAT-8")]
    public async Task ImportCsv_WhenOneRowIsBad_StoresNothingAndNamesEveryBadRow_ThenTheCorrectedFileIsStoredOnce()
    {
        var w = await WindowAsync(1);
        var office = await app.ClientAsAsync(Roles.OfficeStaff);
        string[] cases = [NewCase(), NewCase(), NewCase()];
        var bad = "办件编号,窗口编码,工号,联系电话,受理时间,办结时间\n"
            + $"{cases[0]},{w.Code},{w.StaffCode},138 1234 5678,2026-11-16 08:30,2026-11-16 09:00\n"
            + $"{cases[1]},NO-SUCH-WINDOW,,,,2026-11-16 09:10\n"
            + $"{cases[2]},{w.Code},,12345,,2026-11-16 09:20\n"
            + $"{cases[0]},{w.Code},,,,2026-11-16 09:30\n";
        var refused = await office.PostAsync("/api/v1/service-records/import", Csv(bad));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var errors = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("rowErrors").EnumerateArray()
            .Select(e => (Row: e.GetProperty("row").GetInt32(), Column: e.GetProperty("column").GetString())).ToList();
        Assert.Contains((3, "窗口编码"), errors);
        Assert.Contains((4, "联系电话"), errors);
        Assert.Contains((5, "办件编号"), errors); // the same case twice in one file
        Assert.DoesNotContain(errors, e => e.Row == 2);
        Assert.Equal(0, await app.WithDbAsync(db => db.ServiceRecords.CountAsync(r => cases.Contains(r.CaseNumber))));

        var good = "办件编号,窗口编码,工号,联系电话,受理时间,办结时间\n"
            + $"{cases[0]},{w.Code},{w.StaffCode},138 1234 5678,2026-11-16 08:30,2026-11-16 09:00\n"
            + $"{cases[1]},{w.Code},,,,2026-11-16 09:10\n"
            + $"{cases[2]},{w.Code},,,,2026-11-16 09:20\n";
        var stored = await office.PostAsync("/api/v1/service-records/import", Csv(good));
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        Assert.Equal(new Counts(3, 0), JsonSerializer.Deserialize<Counts>(await stored.Content.ReadAsStringAsync(), Api.Json));
        var first = await app.WithDbAsync(db => db.ServiceRecords.SingleAsync(r => r.CaseNumber == cases[0]));
        Assert.Equal(w.StaffId, first.StaffId);
        Assert.Equal("13812345678", first.CitizenPhone);
        Assert.Equal(new DateTime(2026, 11, 16, 1, 0, 0), first.FinishedAt); // 09:00 in Beijing

        // The same file again: nothing new, nothing twice.
        var again = await office.PostAsync("/api/v1/service-records/import", Csv(good));
        Assert.Equal(new Counts(0, 3), JsonSerializer.Deserialize<Counts>(await again.Content.ReadAsStringAsync(), Api.Json));
        Assert.Equal(3, await app.WithDbAsync(db => db.ServiceRecords.CountAsync(r => cases.Contains(r.CaseNumber))));

        // A case number stored for this window cannot come back for another one.
        var w2 = await WindowAsync(2);
        var moved = await office.PostAsync("/api/v1/service-records/import", Csv($"办件编号,窗口编码,办结时间\n{cases[1]},{w2.Code},2026-11-16 09:10\n"));
        Assert.Equal(HttpStatusCode.BadRequest, moved.StatusCode);
        Assert.Contains("SAT-8", await moved.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "SAT-8")]
    public async Task ImportXlsx_WhenUploadedAsAFile_StoresTheCasesOfTheFirstSheet()
    {
        var w = await WindowAsync(2);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var caseNo = NewCase();
        var workbook = TestWorkbook.Build(new TestWorkbook.Sheet("办件",
            ["Case number", "Window code", "Phone", "Finished at"],
            [caseNo, w.Code, 13912345678L, "2026-11-16 09:45"]));
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(workbook);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        form.Add(file, "file", "cases.xlsx");
        var response = await office.PostAsync("/api/v1/service-records/import", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = await app.WithDbAsync(db => db.ServiceRecords.SingleAsync(r => r.CaseNumber == caseNo));
        Assert.Equal(w.Id, record.SectionId);
        Assert.Equal("13912345678", record.CitizenPhone);

        // Not a spreadsheet at all: a clear refusal, not a server error.
        var junk = await office.PostAsync("/api/v1/service-records/import", new ByteArrayContent([0x50, 0x4b, 3, 4, 0, 0, 1, 2, 3]));
        Assert.Equal(HttpStatusCode.BadRequest, junk.StatusCode);
        // A unit's liaison imports their own windows' cases only (SEC-2): another unit's window is a row error; a leader imports none.
        var otherUnit = await app.WithDbAsync(db => db.Units.Where(u => u.Id != w.UnitId).Select(u => u.Id).FirstAsync());
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, otherUnit);
        var foreign = await liaison.PostAsync("/api/v1/service-records/import", Csv($"办件编号,窗口编码,办结时间\n{NewCase()},{w.Code},2026-11-16 09:10\n"));
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.Equal("窗口编码", JsonDocument.Parse(await foreign.Content.ReadAsStringAsync()).RootElement.GetProperty("rowErrors")[0].GetProperty("column").GetString());
        var leader = await app.ClientAsAsync(Roles.Leader);
        Assert.Equal(HttpStatusCode.Forbidden, (await leader.PostAsync("/api/v1/service-records/import", Csv($"办件编号,窗口编码,办结时间\n{NewCase()},{w.Code},2026-11-16 09:10\n"))).StatusCode);
    }
}
