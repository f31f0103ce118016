using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Evidence;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.IntegrationTests.Inspections;
using Mingcha.Web.Features.Inspections;

namespace Mingcha.IntegrationTests.Rectification;

/// <summary>The app without the demo city, sending e-mail to an SMTP listener on loopback.</summary>
public class RectificationApp : MingchaApp
{
    public RectificationApp() : this(null, new TestClock(Start), true) { }
    protected RectificationApp(TestDatabase? db, TestClock clock, bool owns) : base(db, clock, owns) { }

    public SmtpListener Smtp { get; } = new();
    protected override bool LoadDemo => false;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Mingcha:Rectification:SmtpHost", "127.0.0.1");
        builder.UseSetting("Mingcha:Rectification:SmtpPort", Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Mingcha:Rectification:SmtpFrom", "xiaoneng@example.gov.cn");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) Smtp.Dispose();
    }
}

/// <summary>Findings on an accepted covert visit of a fresh unit, and the people of that unit.</summary>
internal sealed class RectificationKit(MingchaApp app, HttpClient office)
{
    public InspectionKit Inspections { get; } = new(app, office);

    public sealed record Case(Guid UnitId, Guid SectionId, Guid VisitId, List<Guid> Findings);
    public sealed record NoticeCreated(Guid Id, string? DocumentNumber, DateOnly LastDay, DateOnly ObjectionLastDay);

    public async Task<Case> CaseAsync(int findings = 2, bool accept = true, string kind = "Covert")
    {
        var unit = await Inspections.UnitAsync("整改局" + Guid.NewGuid().ToString("N")[..4]);
        var section = await Inspections.SectionAsync(unit, "办证窗口");
        await Inspections.EnsureCatalogueAsync(2026);
        var round = await Inspections.RoundAsync(2026, kind, teamId: await Inspections.TeamAsync(await Inspections.ApprovedSupervisorAsync()));
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/targets", new { sectionIds = new[] { section }, reason = "人工指定（测试）" })).ExpectAsync(HttpStatusCode.OK);
        var visit = (await Inspections.VisitsOfAsync(round)).Single();
        await Inspections.DriveAsync(visit, accept ? VisitStatus.Accepted : VisitStatus.Submitted, new DateOnly(2026, 11, 10));
        var ids = new List<Guid>();
        for (var i = 0; i < findings; i++) ids.Add(await Inspections.FindingAsync(visit, i % 2 == 0 ? "S07" : "A01"));
        return new Case(unit, section, visit, ids);
    }

    public async Task ConfirmAsync(params Guid[] findings)
    {
        foreach (var f in findings) await (await office.PostAsync($"/api/v1/rectification/findings/{f}/confirm", null)).ExpectAsync(HttpStatusCode.NoContent);
    }

    public async Task<NoticeCreated> IssueAsync(Guid unit, IEnumerable<Guid> findings, int? days = null) =>
        await (await office.PostJsonAsync("/api/v1/rectification/notices", new { unitId = unit, findingIds = findings, requiredAction = "立即整改，落实首问负责制和离岗告示制度。", workingDays = days }))
            .ReadAsync<NoticeCreated>(HttpStatusCode.Created);

    /// <summary>
    /// RCT-3: the notice's objection window as closed without an objection (as if issued three working days ago), for a test
    /// that records a refusal without living through the window: a refusal is refused while the unit may still object.
    /// </summary>
    public async Task CloseObjectionWindowAsync(Guid notice)
    {
        var closed = await app.WithDbAsync(db => db.RectificationNotices.Where(n => n.Id == notice).Select(n => n.ReceivedOn).SingleAsync());
        closed = closed.AddDays(-1);
        await app.WithDbAsync(db => db.RectificationNotices.Where(n => n.Id == notice).ExecuteUpdateAsync(x => x.SetProperty(n => n.ObjectionLastDay, closed)));
    }

    public async Task<(MingchaApp.TestUser User, HttpClient Client)> LiaisonAsync(Guid unit, string? email = null)
    {
        var (user, client) = await app.SignedInAsync(Roles.UnitLiaison, unit);
        if (email is not null)
            await app.WithDbAsync(async db =>
            {
                var u = await db.Users.FirstAsync(x => x.Id == user.Id);
                u.Email = email; u.NormalizedEmail = email.ToUpperInvariant(); u.EmailConfirmed = true; u.PhoneNumber = "13812345678";
                return await db.SaveChangesAsync();
            });
        return (user, client);
    }

    public static async Task<Guid> EvidenceAsync(HttpClient liaison, Guid caseId)
    {
        var path = Path.Combine(Path.GetTempPath(), $"rect-{Guid.NewGuid():N}.pdf");
        await File.WriteAllTextAsync(path, "%PDF-1.4\n% 整改证明材料 " + Guid.NewGuid() + "\n%%EOF\n");
        try { return await Tus.UploadAsync(liaison, caseId, path); }
        finally { File.Delete(path); }
    }

    public static async Task<JsonElement> JsonAsync(HttpClient client, string path)
    {
        var r = await client.GetAsync(path);
        await r.ExpectAsync(HttpStatusCode.OK);
        return JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary>The clock back at <see cref="MingchaApp.Start"/>, an Office administrator signed in, and a kit for them.</summary>
    public static async Task<(HttpClient Office, RectificationKit Kit)> AtStartAsync(MingchaApp app)
    {
        app.Clock.Set(MingchaApp.Start);
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        return (office, new RectificationKit(app, office));
    }

    /// <summary>A notice's status, from its detail (<see cref="NoticeAsync"/>).</summary>
    public static string Status(JsonElement notice) => notice.GetProperty("notice").GetProperty("status").GetString()!;

    public static Task<JsonElement> NoticeAsync(HttpClient client, Guid id) => JsonAsync(client, $"/api/v1/rectification/notices/{id}");
}

internal static class AppScope
{
    public static async Task<T> WithScopeResultAsync<T>(this MingchaApp app, Func<IServiceProvider, Task<T>> work)
    {
        T result = default!;
        await app.WithScopeAsync(async sp => result = await work(sp));
        return result;
    }
}
