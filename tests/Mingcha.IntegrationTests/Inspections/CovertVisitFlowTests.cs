using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Inspections;
using Mingcha.Domain.Security;
using Mingcha.IntegrationTests.Evidence;
using Mingcha.IntegrationTests.Infrastructure;
using Mingcha.Web.Features.Inspections;

namespace Mingcha.IntegrationTests.Inspections;

/// <summary>
/// A whole covert round over HTTP (on SQLite, and on PostgreSQL when MINGCHA_TEST_POSTGRES is set): plan, draw,
/// an inspector's eight steps with real video evidence (tus uploads of files made by ffmpeg), findings, the unit's
/// signature, the Office's quality check, the findings sent, the round report.
/// </summary>
public sealed class CovertVisitFlowTests(BareMingchaApp app) : IClassFixture<BareMingchaApp>
{
    private sealed record IdDto(Guid Id);
    private sealed record DrawDto(Guid Id, List<Guid> Drawn);

    private static readonly Lazy<string> MediaDir = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), "mingcha-visit-media", Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    });

    /// <summary>A small video of <paramref name="seconds"/> (1 frame a second, 64×48: a 41-minute file is a few hundred kB).</summary>
    private static string Video(int seconds)
    {
        var path = Path.Combine(MediaDir.Value, $"v{seconds}-{Guid.NewGuid().ToString("N")[..6]}.mp4");
        Ffmpeg("-f", "lavfi", "-i", $"testsrc=duration={seconds}:size=64x48:rate=1", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast",
            "-metadata", "creation_time=2026-11-16T02:00:00Z", "-y", path);
        return path;
    }

    private static int pngSerial;

    /// <summary>
    /// A small picture, different from every other this run draws: the store keeps one item for one content (EVD-1), so two
    /// equal pictures (a box of a random width was one in 80) would be one item, and the photo the signature.
    /// </summary>
    private static string Png()
    {
        var n = Interlocked.Increment(ref pngSerial);
        var path = Path.Combine(MediaDir.Value, $"signature-{n}-{Guid.NewGuid().ToString("N")[..6]}.png");
        Ffmpeg("-f", "lavfi", "-i", $"color=c=white:s=120x40:d=1,drawbox=x=10:y={2 + n / 80 % 30}:w={10 + n % 80}:h=5:color=black",
            "-frames:v", "1", "-y", path);
        return path;
    }

    private static void Ffmpeg(params string[] args)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-hide_banner", "-loglevel", "error" }.Concat(args)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
    }

    private static Dictionary<string, string> Meta(int minute, string? location = "天津市和平区南京路 1 号") =>
        new() { ["capturedAt"] = $"2026-11-16T02:{minute:00}:00Z", ["deviceClock"] = $"2026-11-16T02:{minute:00}:05Z", ["location"] = location ?? "" };

    private sealed record Setup(HttpClient Office, HttpClient Inspector, InspectionKit Kit, Guid Unit, Guid Round, Guid Visit, Guid VisitSection, Guid OtherSection,
        Guid Team, MingchaApp.TestUser InspectorUser, Guid ServiceItem);

    private async Task<Setup> RoundAsync()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new InspectionKit(app, office);
        await kit.EnsureCatalogueAsync(2026);
        var unit = await kit.UnitAsync("暗访流程局");
        var sections = await kit.SectionsAsync(unit, 2);
        var (inspectorUser, inspector) = await app.SignedInAsync(Roles.Supervisor);
        var team = await kit.TeamAsync(await kit.ApprovedSupervisorAsync(inspectorUser.Id));

        // The question bank (INS-12): a service item the sections offer, a persona, graded questions.
        var tag = Guid.NewGuid().ToString("N")[..6];
        var item = (await (await office.PostJsonAsync("/api/v1/service-items", new { code = $"flow-{tag}", name = "失业保险金申领", statutoryDays = 10, promisedDays = 5 })).ReadAsync<IdDto>(HttpStatusCode.Created)).Id;
        foreach (var s in sections)
            (await office.PutJsonAsync($"/api/v1/sections/{s}/service-items", new { serviceItemId = item, mandatory = true })).EnsureSuccessStatusCode();
        await (await office.PostJsonAsync("/api/v1/inspections/question-bank/personas", new { name = "返乡务工人员" + tag, description = "社保关系在外地" })).ExpectAsync(HttpStatusCode.Created);
        for (var depth = 1; depth <= 3; depth++)
            await (await office.PostJsonAsync("/api/v1/inspections/question-bank/questions", new { serviceItemId = item, depth, text = $"第{depth}层问题", testsConduct = depth == 3 }))
                .ExpectAsync(HttpStatusCode.Created);

        var round = await kit.RoundAsync(2026, teamId: team);
        var draw = await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/draws", new { count = 1, unitIds = new[] { unit }, teamId = team }))
            .ReadAsync<DrawDto>(HttpStatusCode.Created);
        await (await office.PostAsync($"/api/v1/inspections/rounds/{round}/start", null)).ExpectAsync(HttpStatusCode.NoContent);
        var visit = Assert.Single(await kit.VisitsOfAsync(round));
        var drawnSection = Assert.Single(draw.Drawn);
        return new Setup(office, inspector, kit, unit, round, visit, drawnSection, sections.Single(s => s != drawnSection), team, inspectorUser, item);
    }

    private static async Task<JsonElement> Json(HttpResponseMessage r, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == expected, $"{r.RequestMessage?.Method} {r.RequestMessage?.RequestUri?.PathAndQuery}: {(int)r.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The inspector's phone a minute later: its clock a few seconds off the server's, steadily.</summary>
    private string Device()
    {
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        return app.Clock.GetUtcNow().AddSeconds(4).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static object Step(IEnumerable<Guid> evidence, int startMinute, int endMinute, string clock) => new
    {
        timeSource = "Device", startedAt = $"2026-11-16T02:{startMinute:00}:00Z", endedAt = $"2026-11-16T02:{endMinute:00}:00Z",
        evidenceItemIds = evidence.ToArray(), notes = "记录", deviceClock = clock,
    };

    [Fact]
    [Trait("Rule", "INS-1")]
    [Trait("Rule", "INS-11")]
    [Trait("Rule", "INS-12")]
    [Trait("Rule", "INS-19")]
    [Trait("Rule", "INS-20")]
    [Trait("Rule", "INS-8")]
    [Trait("Rule", "INS-18")]
    [Trait("Rule", "INS-17")]
    [Trait("Rule", "INS-7")]
    [Trait("Rule", "EVD-3")]
    [Trait("Rule", "SEC-4")]
    public async Task CovertRound_FromDrawToReport_OverHttp()
    {
        var s = await RoundAsync();
        var inspector = s.Inspector;

        // Start (INS-5 methods, INS-12 draw): persona and three graded questions for the section's service item.
        var started = await Json(await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/start",
            new { methods = new[] { "OnSiteObservation", "ServiceExperience", "FollowUpTracking", "Questionnaire" }, deviceClock = Device() }));
        Assert.Equal("InProgress", started.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Object, started.GetProperty("persona").ValueKind);
        Assert.Equal([1, 2, 3], started.GetProperty("questions").EnumerateArray().Select(q => q.GetProperty("depth").GetInt32()));
        var caseId = started.GetProperty("evidenceCaseId").GetGuid();
        // Reproducible: the draw re-run from the bank and the visit's seed gives the same questions.
        var rerun = await app.WithDbAsync(async db =>
        {
            var bank = await db.BankQuestions.Where(q => q.Active).Select(q => new BankQuestionRef(q.Id, q.ServiceItemId, q.Depth, "")).ToListAsync();
            var personas = await db.BankPersonas.Where(p => p.Active).Select(p => p.Id).ToListAsync();
            return QuestionDraw.Run(QuestionDraw.SeedFor(s.Visit), personas, [s.ServiceItem], bank);
        });
        Assert.Equal(rerun.QuestionIds, started.GetProperty("questions").EnumerateArray().Select(q => q.GetProperty("id").GetGuid()));
        Assert.Equal(rerun.PersonaId, started.GetProperty("persona").GetProperty("id").GetGuid());

        // The unit's liaison cannot see the flow (INS-9): 403 by role, for any id.
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, s.Unit);
        await (await liaison.GetAsync($"/api/v1/inspections/visits/{s.Visit}/protocol")).ExpectAsync(HttpStatusCode.Forbidden);

        // Evidence through tus into the visit's case (EVD-4).
        var sign = await Tus.UploadAsync(inspector, caseId, Video(8), Meta(1));
        var hall = await Tus.UploadAsync(inspector, caseId, Video(6), Meta(3));
        var window = await Tus.UploadAsync(inspector, caseId, Video(10), Meta(5));
        var counter = await Tus.UploadAsync(inspector, caseId, Video(7), Meta(9));
        var follow = await Tus.UploadAsync(inspector, caseId, Video(5), Meta(12));

        // Steps saved as they go; the same save twice changes nothing (a retry after a lost connection).
        await Json(await inspector.PutJsonAsync($"/api/v1/inspections/visits/{s.Visit}/steps/1", Step([sign], 0, 2, Device())));
        var auditBefore = await app.WithDbAsync(db => db.AuditEntries.CountAsync());
        var again = await Json(await inspector.PutJsonAsync($"/api/v1/inspections/visits/{s.Visit}/steps/1", Step([sign], 0, 2, Device())));
        Assert.Equal(auditBefore, await app.WithDbAsync(db => db.AuditEntries.CountAsync()));
        // The same times without an offset are office time (10:00 in Beijing is 02:00Z), whatever the server's own zone: the same save.
        await Json(await inspector.PutJsonAsync($"/api/v1/inspections/visits/{s.Visit}/steps/1", new
        {
            timeSource = "Device", startedAt = "2026-11-16T10:00:00", endedAt = "2026-11-16T10:02:00", evidenceItemIds = new[] { sign }, notes = "记录", deviceClock = Device(),
        }));
        Assert.Equal(auditBefore, await app.WithDbAsync(db => db.AuditEntries.CountAsync()));
        Assert.True(again.GetProperty("steps")[0].GetProperty("hasRequiredEvidence").GetBoolean());
        await Json(await inspector.PutJsonAsync($"/api/v1/inspections/visits/{s.Visit}/steps/2", Step([hall], 3, 4, Device())));
        await Json(await inspector.PutJsonAsync($"/api/v1/inspections/visits/{s.Visit}/steps/3", Step([window], 5, 8, Device())));

        // A step without its evidence, and under 40 minutes of video: refused, naming the rule and the step.
        var refused = await (await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/submit", new { deviceClock = Device() }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "INS-11");
        var detail = refused.GetProperty("title").GetString()!;
        Assert.Contains("第 4 步", detail, StringComparison.Ordinal);
        Assert.Contains("40 分钟", detail, StringComparison.Ordinal);

        // Evidence of another case is refused (EVD-3).
        var otherCase = (await (await s.Office.PostJsonAsync("/api/v1/evidence/cases", new { kind = "CovertVisit", title = "别的案卷", targetUnitId = s.Unit }))
            .ReadAsync<IdDto>(HttpStatusCode.Created)).Id;
        var foreign = await Tus.UploadAsync(s.Office, otherCase, Video(2), Meta(9));
        await (await inspector.PutJsonAsync($"/api/v1/inspections/visits/{s.Visit}/steps/4", Step([foreign], 9, 11, Device())))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "EVD-3");

        await Json(await inspector.PutJsonAsync($"/api/v1/inspections/visits/{s.Visit}/steps/4", Step([counter], 9, 11, Device())));
        await Json(await inspector.PutJsonAsync($"/api/v1/inspections/visits/{s.Visit}/steps/5", Step([follow], 12, 14, Device())));
        await Json(await inspector.PutJsonAsync($"/api/v1/inspections/visits/{s.Visit}/checklist", new
        {
            lines = new object[] { new { code = "S07", result = "NotMet", note = "离岗无告示牌" }, new { code = "CIV-FORBIDDEN", result = "NotMet", note = "不归我管" }, new { code = "S01", result = "Met" } },
            deviceClock = Device(),
        }));
        await Json(await inspector.PutJsonAsync($"/api/v1/inspections/visits/{s.Visit}/surveys/1", new
        {
            answers = new Dictionary<string, string> { ["办事是否顺利"] = "排队较久", ["工作人员态度"] = "一般" }, satisfaction = 3, respondentName = "王小明", respondentPhone = "138 1234 5678",
            deviceClock = Device(),
        }));
        await (await inspector.PutJsonAsync($"/api/v1/inspections/visits/{s.Visit}/surveys/4", new { answers = new Dictionary<string, string>() }))
            .ExpectRuleAsync(HttpStatusCode.BadRequest, "INS-11");
        var scored = await Json(await inspector.PutJsonAsync($"/api/v1/inspections/visits/{s.Visit}/score", new { score = 72.5, note = "窗口纪律一般", deviceClock = Device() }));
        // Personal data of a respondent is masked for the inspector and for the Office too (SEC-4); the Office reveals it on
        // purpose, and the reveal is logged; the inspector cannot.
        var survey = scored.GetProperty("surveys")[0];
        Assert.DoesNotContain("12345678", survey.GetProperty("respondentPhone").GetString(), StringComparison.Ordinal);
        var officeView = await Json(await s.Office.GetAsync($"/api/v1/inspections/visits/{s.Visit}/protocol"));
        Assert.DoesNotContain("12345678", officeView.GetProperty("surveys")[0].GetProperty("respondentPhone").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("王小明", officeView.GetRawText(), StringComparison.Ordinal);
        await (await inspector.PostAsync($"/api/v1/inspections/visits/{s.Visit}/surveys/1/reveal", null)).ExpectAsync(HttpStatusCode.Forbidden);
        var revealsBefore = await app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "personal-data.reveal"));
        var revealed = await Json(await s.Office.PostAsync($"/api/v1/inspections/visits/{s.Visit}/surveys/1/reveal", null));
        Assert.Equal(("王小明", "13812345678"), (revealed.GetProperty("name").GetString(), revealed.GetProperty("phone").GetString()));
        Assert.Equal(revealsBefore + 1, await app.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "personal-data.reveal")));
        await (await s.Office.PostAsync($"/api/v1/inspections/visits/{s.Visit}/surveys/3/reveal", null)).ExpectAsync(HttpStatusCode.NotFound);
        Assert.Contains(officeView.GetProperty("checklist").EnumerateArray(), c => c.GetProperty("code").GetString() == "S07" && c.GetProperty("result").GetString() == "NotMet");

        // Still under 40 minutes (35): refused.
        await (await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/submit", new { deviceClock = Device() })).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "INS-11");

        // Findings (INS-5, INS-15, INS-18): the year's item; another year's item, a section outside the round: refused.
        var items = await app.WithDbAsync(async db => (
            S07: await db.DeductionItems.Where(i => i.Year == 2026 && i.Code == "S07").Select(i => i.Id).FirstAsync(),
            C01: await db.DeductionItems.Where(i => i.Year == 2026 && i.Code == "C01").Select(i => i.Id).FirstAsync()));
        await s.Kit.EnsureCatalogueAsync(2027);
        var item2027 = await app.WithDbAsync(db => db.DeductionItems.Where(i => i.Year == 2027 && i.Code == "S07").Select(i => i.Id).FirstAsync());
        var photo = await Tus.UploadAsync(inspector, caseId, Png(), Meta(6));
        // INS-1, ORG-2: every member of the unit's staff can be named, a contracted one too; staff of another unit cannot.
        var staffUnit = await s.Kit.UnitAsync("外单位");
        var (contracted, otherStaff) = await app.WithDbAsync(async db =>
        {
            var mine = new Mingcha.Web.Features.Organisation.Staff(s.Unit, $"ht-{Guid.NewGuid():N}"[..12], "合同制人员", Mingcha.Web.Features.Organisation.EmploymentType.Contracted, app.Clock.GetUtcNow().UtcDateTime);
            var theirs = new Mingcha.Web.Features.Organisation.Staff(staffUnit, $"wx-{Guid.NewGuid():N}"[..12], "外单位人员", Mingcha.Web.Features.Organisation.EmploymentType.InService, app.Clock.GetUtcNow().UtcDateTime);
            db.Staff.AddRange(mine, theirs);
            await db.SaveChangesAsync();
            return (mine.Id, theirs.Id);
        });
        await (await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/findings",
            new { sectionId = s.VisitSection, staffId = otherStaff, itemId = items.S07, description = "外单位人员", step = 3 })).ExpectAsync(HttpStatusCode.BadRequest);
        var finding = await Json(await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/findings",
            new { sectionId = s.VisitSection, staffId = contracted, itemId = items.S07, description = "离岗超过30分钟未放置告示牌", step = 3, evidenceItemIds = new[] { window, photo } }), HttpStatusCode.Created);
        Assert.Equal(contracted, await app.WithDbAsync(db => db.Findings.Where(f => f.VisitId == s.Visit && f.ItemCode == "S07").Select(f => f.StaffId).SingleAsync()));
        var civility = await Json(await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/findings",
            new { sectionId = s.VisitSection, itemId = items.C01, description = "窗口人员使用服务禁语“不归我管”", step = 4 }), HttpStatusCode.Created); // its recording comes later (INS-7)
        await (await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/findings",
            new { sectionId = s.VisitSection, itemId = item2027, description = "用了下一年的目录", step = 3 })).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "INS-18");
        await (await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/findings",
            new { sectionId = s.OtherSection, itemId = items.S07, description = "不在本轮检查对象中的科室", step = 3 })).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "INS-5");

        // A long recording of the window (41 minutes): now the 40-minute rule holds.
        var longWindow = await Tus.UploadAsync(inspector, caseId, Video(41 * 60), Meta(5));
        await Json(await inspector.PutJsonAsync($"/api/v1/inspections/visits/{s.Visit}/steps/3", Step([window, longWindow], 5, 8, Device())));
        // INS-7: the report is refused while a violation lacks its photo or video, naming it; the inspector adds the recording.
        var bareRefused = await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/submit", new { deviceClock = Device() });
        Assert.Contains("不归我管", await bareRefused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await bareRefused.ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "INS-7");
        var civilityId = civility.GetProperty("id").GetGuid();
        await (await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/findings/{civilityId}/evidence", new { evidenceItemIds = new[] { Guid.NewGuid() } }))
            .ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "EVD-3");
        await (await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/findings/{civilityId}/evidence", new { evidenceItemIds = new[] { counter } }))
            .ExpectAsync(HttpStatusCode.NoContent);
        // The report is submitted.
        var submitted = await Json(await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/submit", new { deviceClock = Device() }));
        Assert.True(submitted.GetProperty("canSubmit").GetBoolean());
        Assert.True(submitted.GetProperty("recordedVideoSeconds").GetInt64() >= 2400);
        Assert.DoesNotContain(submitted.GetProperty("issues").EnumerateArray(), i => i.GetProperty("code").GetString() is "late-submission" or "clock-jump" or "proof-no-place");
        var row = await app.WithDbAsync(db => db.Visits.AsNoTracking().FirstAsync(v => v.Id == s.Visit));
        Assert.Equal(VisitStatus.Submitted, row.Status);
        Assert.Equal(8, row.StepsCompleted);
        Assert.True(row.RecordedSeconds >= 2400);

        // INS-8: the unit's leader signs on the inspector's phone; a user of another unit cannot.
        var signature = await Tus.UploadAsync(inspector, caseId, Png(), Meta(20));
        var otherUnit = await s.Kit.UnitAsync("别的局");
        var stranger = await app.CreateUserAsync(Roles.UnitLiaison, otherUnit);
        await (await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/confirmation",
            new { signerUserName = stranger.UserName, signerPassword = stranger.Password, signatureEvidenceItemId = signature })).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "INS-8");
        var leader = await app.CreateUserAsync(Roles.UnitLiaison, s.Unit);
        // A user of the unit who is not registered as one of its leaders cannot sign for it (S3: "由单位在岗领导签字").
        var problem = await (await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/confirmation",
            new { signerUserName = leader.UserName, signerPassword = leader.Password, signatureEvidenceItemId = signature })).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "INS-8");
        Assert.Contains("领导", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        await app.DesignateUnitLeaderAsync(leader.Id);
        await (await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/confirmation",
            new { signerUserName = leader.UserName, signerPassword = "wrong-password", signatureEvidenceItemId = signature })).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "INS-8");
        await (await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/confirmation",
            new { signerUserName = leader.UserName, signerPassword = leader.Password, signatureEvidenceItemId = signature })).ExpectAsync(HttpStatusCode.NoContent);
        var confirmations = await app.WithDbAsync(db => db.Findings.Where(f => f.VisitId == s.Visit).Select(f => new { f.Confirmation, f.SignatureEvidenceItemId }).ToListAsync());
        Assert.All(confirmations, c => { Assert.Equal(UnitConfirmation.SignedByUnit, c.Confirmation); Assert.Equal(signature, c.SignatureEvidenceItemId); });

        // INS-19: the Office returns the report with a question; the inspector answers and resubmits; the Office accepts.
        await (await s.Office.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/decision", new { outcome = "Returned" })).ExpectRuleAsync(HttpStatusCode.BadRequest, "INS-19");
        await (await s.Office.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/decision", new { outcome = "Returned", note = "第 5 步跟踪的是哪位群众？" })).ExpectAsync(HttpStatusCode.NoContent);
        await (await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/messages", new { text = "跟踪的是办理失业登记的一位中年男子，全程录像见第 5 步。" })).ExpectAsync(HttpStatusCode.NoContent);
        await Json(await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/submit", new { deviceClock = Device() }));
        await (await s.Office.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/decision", new { outcome = "Accepted" })).ExpectAsync(HttpStatusCode.NoContent);
        var thread = (await Json(await s.Office.GetAsync($"/api/v1/inspections/visits/{s.Visit}/protocol"))).GetProperty("messages");
        Assert.Equal(["Question", "Answer"], thread.EnumerateArray().Select(m => m.GetProperty("kind").GetString()));
        // An accepted report can no longer be changed.
        await (await inspector.PutJsonAsync($"/api/v1/inspections/visits/{s.Visit}/score", new { score = 99 })).ExpectRuleAsync(HttpStatusCode.Conflict, "INS-11");

        // The archive (step 8): raw videos, questionnaire, evaluation.
        var archive = await Json(await inspector.GetAsync($"/api/v1/inspections/visits/{s.Visit}/archive"));
        Assert.Equal(6, archive.GetProperty("rawVideos").GetArrayLength());
        Assert.Equal(1, archive.GetProperty("questionnaires").GetArrayLength());
        Assert.Equal(72.5m, archive.GetProperty("overallScore").GetDecimal());

        // RCT-1 then INS-9: the Office confirms the findings and sends them; now the unit sees them.
        foreach (var f in new[] { finding, civility })
            await (await s.Office.PostAsync($"/api/v1/rectification/findings/{f.GetProperty("id").GetGuid()}/confirm", null)).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Empty(await liaison.GetAsync<List<JsonElement>>($"/api/v1/inspections/findings?year=2026"));
        await (await s.Office.PostAsync($"/api/v1/inspections/visits/{s.Visit}/send-findings", null)).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal(2, (await liaison.GetAsync<List<JsonElement>>($"/api/v1/inspections/findings?year=2026")).Count);
        // EVD-3, SEC-4: the released case shows the unit the evidence of its findings and the leader's signature; the visit's
        // other films (the sign, the hall, the follow-up of a citizen) stay the Office's and the team's, and are not counted.
        var unitCase = await Json(await liaison.GetAsync($"/api/v1/evidence/cases/{caseId}"));
        var unitSees = unitCase.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToHashSet();
        Assert.Equal(new HashSet<Guid> { window, photo, counter, signature }, unitSees);
        Assert.Equal(4, unitCase.GetProperty("case").GetProperty("items").GetInt32());
        Assert.Equal(4, (await liaison.GetAsync<List<JsonElement>>("/api/v1/evidence/cases")).Single(c => c.GetProperty("id").GetGuid() == caseId).GetProperty("items").GetInt32());
        foreach (var hidden in new[] { sign, hall, follow, longWindow })
            await (await liaison.PostJsonAsync($"/api/v1/evidence/items/{hidden}/access", new { action = "View", purpose = "核对问题" })).ExpectAsync(HttpStatusCode.NotFound);
        await (await liaison.PostJsonAsync($"/api/v1/evidence/items/{window}/access", new { action = "View", purpose = "核对问题" })).ExpectAsync(HttpStatusCode.OK);
        var officeSees = (await Json(await s.Office.GetAsync($"/api/v1/evidence/cases/{caseId}"))).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToHashSet();
        Assert.Superset(new HashSet<Guid> { sign, hall, window, counter, follow, photo, longWindow, signature }, officeSees);

        // INS-17: the round report from the data, edited, read back.
        var report = await Json(await s.Office.PostJsonAsync($"/api/v1/inspections/rounds/{s.Round}/reports", new { scope = "Team", teamId = s.Team }), HttpStatusCode.Created);
        var body = report.GetProperty("body").GetString()!;
        Assert.Contains("暗访流程局", body, StringComparison.Ordinal);
        Assert.Contains("效能八项制度", body, StringComparison.Ordinal);
        Assert.Contains("共发现问题 2 个", body, StringComparison.Ordinal);
        Assert.Contains($"(evidence:{photo})", body, StringComparison.Ordinal);
        var reportId = report.GetProperty("id").GetGuid();
        var edited = await Json(await inspector.PutJsonAsync($"/api/v1/inspections/round-reports/{reportId}", new { title = report.GetProperty("title").GetString(), body = body + "\n\n补充：建议加强窗口值守。" }));
        Assert.Equal(2, edited.GetProperty("version").GetInt32());

        // Exported in the official layout (GB/T 9704): a draft DOCX and PDF of the current text, then the issued document.
        var docx = await inspector.GetAsync($"/api/v1/inspections/round-reports/{reportId}/docx");
        Assert.Equal(HttpStatusCode.OK, docx.StatusCode);
        using (var zip = new System.IO.Compression.ZipArchive(await docx.Content.ReadAsStreamAsync()))
        {
            using var reader = new StreamReader(zip.GetEntry("word/document.xml")!.Open());
            var xml = await reader.ReadToEndAsync();
            Assert.Contains("补充：建议加强窗口值守。", xml, StringComparison.Ordinal);
            Assert.Contains("暗访流程局", xml, StringComparison.Ordinal);
            Assert.Contains(zip.Entries, e => e.FullName.EndsWith(".png", StringComparison.Ordinal)); // the finding's photo
        }
        // EVD-3, EVD-6: putting the photo in the team's file is a logged download of that evidence, by whom and why.
        var logged = await app.WithDbAsync(db => db.EvidenceAccesses.Where(a => a.ItemId == photo && a.Action == Mingcha.Web.Features.Evidence.EvidenceAccessAction.Download)
            .Select(a => new { a.UserId, a.Purpose }).ToListAsync());
        Assert.Contains(logged, a => a.UserId == s.InspectorUser.Id && a.Purpose.Contains("明查暗访情况报告草稿", StringComparison.Ordinal));
        // A leader reads the report, but the covert visit's evidence is not theirs to see: the draft comes without the photo.
        var leadersClient = await app.ClientAsAsync(Roles.Leader);
        var leaderDocx = await leadersClient.GetAsync($"/api/v1/inspections/round-reports/{reportId}/docx");
        await leaderDocx.ExpectAsync(HttpStatusCode.OK);
        using (var zip = new System.IO.Compression.ZipArchive(await leaderDocx.Content.ReadAsStreamAsync()))
            Assert.DoesNotContain(zip.Entries, e => e.FullName.EndsWith(".png", StringComparison.Ordinal));
        var pdf = await (await s.Office.GetAsync($"/api/v1/inspections/round-reports/{reportId}/pdf")).Content.ReadAsByteArrayAsync();
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString(pdf, 0, 4));
        await (await inspector.PostAsync($"/api/v1/inspections/round-reports/{reportId}/issue", null)).ExpectAsync(HttpStatusCode.Forbidden);
        var issued = await Json(await s.Office.PostAsync($"/api/v1/inspections/round-reports/{reportId}/issue", null));
        Assert.Contains("〔2026〕", issued.GetProperty("number").GetString(), StringComparison.Ordinal);
        var documentId = issued.GetProperty("id").GetGuid();
        Assert.Equal(documentId, (await Json(await s.Office.GetAsync($"/api/v1/inspections/round-reports/{reportId}"))).GetProperty("documentId").GetGuid());
        await (await s.Office.GetAsync($"/api/v1/documents/{documentId}/docx")).ExpectAsync(HttpStatusCode.OK);
        await (await liaison.GetAsync($"/api/v1/inspections/round-reports/{reportId}")).ExpectAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    [Trait("Rule", "INS-11")]
    [Trait("Rule", "INS-7")]
    public async Task OpenInspection_IsSubmittedWithoutTheCovertFilming_ButEachViolationStillNeedsItsPhoto()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new InspectionKit(app, office);
        await kit.EnsureCatalogueAsync(2026);
        var unit = await kit.UnitAsync("明查提交局");
        var section = (await kit.SectionsAsync(unit, 1))[0];
        var (supervisorUser, supervisor) = await app.SignedInAsync(Roles.Supervisor);
        var round = await kit.RoundAsync(2026, "Open", teamId: await kit.TeamAsync(await kit.ApprovedSupervisorAsync(supervisorUser.Id)));
        await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/targets", new { sectionIds = new[] { section }, reason = "人工指定（测试）" })).ExpectAsync(HttpStatusCode.OK);
        await (await office.PostAsync($"/api/v1/inspections/rounds/{round}/start", null)).ExpectAsync(HttpStatusCode.NoContent);
        var visit = Assert.Single(await kit.VisitsOfAsync(round));
        await Json(await supervisor.PostJsonAsync($"/api/v1/inspections/visits/{visit}/start", new { methods = new[] { "StakeOut" }, deviceClock = Device() }));
        var s07 = await app.WithDbAsync(db => db.DeductionItems.Where(i => i.Year == 2026 && i.Code == "S07").Select(i => i.Id).FirstAsync());
        var finding = (await Json(await supervisor.PostJsonAsync($"/api/v1/inspections/visits/{visit}/findings",
            new { sectionId = section, itemId = s07, description = "查阅资料：离岗登记簿缺失", step = 3 }), HttpStatusCode.Created)).GetProperty("id").GetGuid();

        // No filmed steps, no 40 minutes: shown as flags, not refused. The finding without its photo is refused (INS-7).
        var refused = await supervisor.PostJsonAsync($"/api/v1/inspections/visits/{visit}/submit", new { deviceClock = Device() });
        await refused.ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "INS-7");
        var openProtocol = await Json(await supervisor.GetAsync($"/api/v1/inspections/visits/{visit}/protocol"));
        var caseId = openProtocol.GetProperty("evidenceCaseId").GetGuid();
        // None of the covert protocol's filmed steps is shown as required of an open inspection (as its submission does not require them).
        Assert.All(openProtocol.GetProperty("steps").EnumerateArray(), st => Assert.False(st.GetProperty("required").GetBoolean()));
        var photo = await Tus.UploadAsync(supervisor, caseId, Png(), Meta(1));
        await (await supervisor.PostJsonAsync($"/api/v1/inspections/visits/{visit}/findings/{finding}/evidence", new { evidenceItemIds = new[] { photo } })).ExpectAsync(HttpStatusCode.NoContent);
        var submitted = await Json(await supervisor.PostJsonAsync($"/api/v1/inspections/visits/{visit}/submit", new { deviceClock = Device() }));
        Assert.True(submitted.GetProperty("canSubmit").GetBoolean());
        Assert.Contains(submitted.GetProperty("issues").EnumerateArray(), i => i.GetProperty("rule").GetString() == "INS-11" && !i.GetProperty("blocking").GetBoolean());
        Assert.Equal(VisitStatus.Submitted, await app.WithDbAsync(db => db.Visits.Where(v => v.Id == visit).Select(v => v.Status).SingleAsync()));
    }

    [Fact]
    [Trait("Rule", "INS-8")]
    [Trait("Rule", "INS-16")]
    [Trait("Rule", "INS-20")]
    public async Task Refusal_StandsAsAViolation_ARevisitLinksTheOldFinding_AndAJumpingClockIsFlagged()
    {
        var s = await RoundAsync();
        var inspector = s.Inspector;
        await Json(await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/start", new { methods = new[] { "StakeOut" }, deviceClock = "2026-11-16T02:00:00Z" }));
        var s07 = await app.WithDbAsync(db => db.DeductionItems.Where(i => i.Year == 2026 && i.Code == "S07").Select(i => i.Id).FirstAsync());

        // A finding of an earlier visit of the same unit (the old round's), which the revisit finds persisting.
        var old = await s.Kit.FindingAsync(s.Visit, "S05", confirm: true);
        await (await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/findings",
            new { sectionId = s.VisitSection, itemId = s07, description = "同一次检查不能作为回访", previousFindingId = old })).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "INS-16");
        var earlier = await PreviousVisitFindingAsync(s);
        var revisit = await Json(await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/findings",
            new { sectionId = s.VisitSection, itemId = s07, description = "回访：离岗告示问题仍然存在", step = 3, previousFindingId = earlier }), HttpStatusCode.Created);
        var link = await app.WithDbAsync(db => db.Findings.Where(f => f.Id == revisit.GetProperty("id").GetGuid()).Select(f => f.PreviousFindingId).FirstAsync());
        Assert.Equal(earlier, link);

        // The phone's clock jumps 30 minutes between two saves: flagged (INS-20), not refused.
        var caseId = (await Json(await inspector.GetAsync($"/api/v1/inspections/visits/{s.Visit}/protocol"))).GetProperty("evidenceCaseId").GetGuid();
        var sign = await Tus.UploadAsync(inspector, caseId, Video(5), Meta(1));
        var hall = await Tus.UploadAsync(inspector, caseId, Video(41 * 60), Meta(2));
        await Json(await inspector.PutJsonAsync($"/api/v1/inspections/visits/{s.Visit}/steps/1", Step([sign], 0, 1, "2026-11-16T02:01:00Z")));
        await Json(await inspector.PutJsonAsync($"/api/v1/inspections/visits/{s.Visit}/steps/2", Step([hall], 2, 3, "2026-11-16T02:40:00Z")));
        await Json(await inspector.PutJsonAsync($"/api/v1/inspections/visits/{s.Visit}/steps/3", Step([hall], 2, 44, "2026-11-16T02:44:00Z")));
        await Json(await inspector.PutJsonAsync($"/api/v1/inspections/visits/{s.Visit}/score", new { score = 60 }));
        foreach (var f in new[] { old, revisit.GetProperty("id").GetGuid() }) // INS-7: each violation with its recording
            await (await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/findings/{f}/evidence", new { evidenceItemIds = new[] { hall } })).ExpectAsync(HttpStatusCode.NoContent);
        var analysis = await Json(await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/submit", new { deviceClock = Device() }));
        Assert.Contains(analysis.GetProperty("issues").EnumerateArray(), i => i.GetProperty("code").GetString() == "clock-jump" && i.GetProperty("rule").GetString() == "INS-20");

        // INS-8: the unit refuses to sign: recorded on every pending finding and as a D04 violation; the visit is still accepted.
        await (await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/refusal", new { refusedBy = "值班副局长", note = "认为不属实" })).ExpectAsync(HttpStatusCode.NoContent);
        // Refused once, nothing is left to refuse.
        await (await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/refusal", new { refusedBy = "值班副局长" })).ExpectRuleAsync(HttpStatusCode.Conflict, "INS-8");
        await (await s.Office.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/decision", new { outcome = "Accepted" })).ExpectAsync(HttpStatusCode.NoContent);
        var rows = await app.WithDbAsync(db => db.Findings.Where(f => f.VisitId == s.Visit).Select(f => new { f.ItemCode, f.Confirmation }).ToListAsync());
        Assert.Contains(rows, r => r.ItemCode == "D04");
        Assert.All(rows, r => Assert.Equal(UnitConfirmation.Refused, r.Confirmation));
    }

    /// <summary>
    /// INS-8: the inspected unit's leader signs for the inspected unit's findings only. A tip-off recorded on the visit
    /// against another unit (INS-6) stays pending: that unit never saw it and did not sign. Once the Office decided the
    /// report, nobody signs or refuses any more (INS-19).
    /// </summary>
    [Fact]
    [Trait("Rule", "INS-8")]
    [Trait("Rule", "INS-6")]
    public async Task LeaderSignature_CoversTheInspectedUnitsFindingsOnly_AndEndsWithTheDecision()
    {
        var s = await RoundAsync();
        var inspector = s.Inspector;
        var started = await Json(await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/start",
            new { methods = new[] { "OnSiteObservation" }, deviceClock = Device() }));
        var caseId = started.GetProperty("evidenceCaseId").GetGuid();
        var s07 = await app.WithDbAsync(db => db.DeductionItems.Where(i => i.Year == 2026 && i.Code == "S07").Select(i => i.Id).FirstAsync());
        var own = (await Json(await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/findings",
            new { sectionId = s.VisitSection, itemId = s07, description = "窗口无人且未放置离岗告示牌", step = 3 }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var leakingUnit = await s.Kit.UnitAsync("通风报信局");
        var leakingSection = await s.Kit.SectionAsync(leakingUnit, "综合窗口");
        var tipOff = (await Json(await s.Office.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/tip-offs",
            new { sectionId = leakingSection, description = "提前向被查单位通报暗访消息", points = 2 }), HttpStatusCode.Created)).GetProperty("id").GetGuid();

        var signature = await Tus.UploadAsync(inspector, caseId, Png(), Meta(20));
        var leader = await app.CreateUserAsync(Roles.UnitLiaison, s.Unit);
        await app.DesignateUnitLeaderAsync(leader.Id);
        await (await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/confirmation",
            new { signerUserName = leader.UserName, signerPassword = leader.Password, signatureEvidenceItemId = signature })).ExpectAsync(HttpStatusCode.NoContent);
        async Task<UnitConfirmation> ConfirmationOf(Guid finding) =>
            await app.WithDbAsync(db => db.Findings.Where(f => f.Id == finding).Select(f => f.Confirmation).FirstAsync());
        Assert.Equal(UnitConfirmation.SignedByUnit, await ConfirmationOf(own));
        Assert.Equal(UnitConfirmation.Pending, await ConfirmationOf(tipOff));
        // Nothing of the inspected unit is left to refuse: the other unit's finding is not theirs to refuse either.
        await (await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/refusal", new { refusedBy = "值班副局长" })).ExpectRuleAsync(HttpStatusCode.Conflict, "INS-8");
        Assert.Equal(UnitConfirmation.Pending, await ConfirmationOf(tipOff));

        // The Office accepts the report; a finding it adds afterwards is not signed on the spot any more.
        await app.WithDbAsync(async db =>
        {
            var v = await db.Visits.FirstAsync(x => x.Id == s.Visit);
            v.Submit(app.Clock.GetUtcNow().UtcDateTime);
            v.Decide(VisitStatus.Accepted, null, "office", app.Clock.GetUtcNow().UtcDateTime);
            return await db.SaveChangesAsync();
        });
        var later = (await Json(await s.Office.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/tip-offs",
            new { sectionId = s.OtherSection, description = "本单位另一科室提前知悉暗访安排", points = 1 }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await (await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/confirmation",
            new { signerUserName = leader.UserName, signerPassword = leader.Password, signatureEvidenceItemId = signature })).ExpectRuleAsync(HttpStatusCode.Conflict, "INS-11");
        await (await inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/refusal", new { refusedBy = "值班副局长" })).ExpectRuleAsync(HttpStatusCode.Conflict, "INS-11");
        Assert.Equal(UnitConfirmation.Pending, await ConfirmationOf(later));
    }

    /// <summary>A confirmed finding on a visit of an earlier round of the same section.</summary>
    private static async Task<Guid> PreviousVisitFindingAsync(Setup s)
    {
        var round = await s.Kit.RoundAsync(2026, kind: "Covert", teamId: s.Team);
        await (await s.Office.PostJsonAsync($"/api/v1/inspections/rounds/{round}/targets", new { sectionIds = new[] { s.VisitSection }, reason = "人工指定（测试）" })).ExpectAsync(HttpStatusCode.OK);
        var visit = Assert.Single(await s.Kit.VisitsOfAsync(round));
        await s.Kit.DriveAsync(visit, VisitStatus.Accepted, new DateOnly(2026, 6, 1));
        return await s.Kit.FindingAsync(visit, "S07", confirm: true);
    }

    [Fact]
    [Trait("Rule", "INS-13")]
    public async Task Flow_IsForTheVisitsOwnInspectors()
    {
        var s = await RoundAsync();
        var outsider = await app.ClientAsAsync(Roles.Supervisor);
        await (await outsider.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/start", new { methods = new[] { "StakeOut" } })).ExpectAsync(HttpStatusCode.NotFound);
        var agency = await app.ClientAsAsync(Roles.AgencyInspector);
        await (await agency.GetAsync($"/api/v1/inspections/visits/{s.Visit}/protocol")).ExpectAsync(HttpStatusCode.NotFound);
        var leader = await app.ClientAsAsync(Roles.Leader);
        await (await leader.GetAsync($"/api/v1/inspections/visits/{s.Visit}/protocol")).ExpectAsync(HttpStatusCode.Forbidden);
        await (await s.Inspector.PostJsonAsync($"/api/v1/inspections/visits/{s.Visit}/start", new { methods = Array.Empty<string>() })).ExpectFieldErrorAsync("methods");
    }

    [Fact]
    [Trait("Rule", "INS-3")]
    [Trait("Rule", "INS-4")]
    [Trait("Rule", "INS-2")]
    public async Task OpenInspections_SelfInspectionQuartersSpotChecksAndSessions()
    {
        var office = await app.ClientAsAsync(Roles.OfficeAdmin);
        var kit = new InspectionKit(app, office);
        var unit = await kit.UnitAsync("明查对象局");
        var other = await kit.UnitAsync("另一局");
        // The units existed all year (a unit created today owes no report for past quarters).
        await app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync($"UPDATE \"Units\" SET \"CreatedAt\" = {{0}} WHERE \"Id\" IN ({{1}}, {{2}})", new DateTime(2025, 12, 1, 0, 0, 0, DateTimeKind.Utc), unit, other));
        var liaison = await app.ClientAsAsync(Roles.UnitLiaison, unit);
        await (await liaison.PostJsonAsync("/api/v1/inspections/self-inspections", new { year = 2026, quarter = 1, summary = "一季度自查" })).ExpectAsync(HttpStatusCode.Created);
        await (await liaison.PostJsonAsync("/api/v1/inspections/self-inspections", new { year = 2026, quarter = 1, summary = "重复" })).ExpectRuleAsync(HttpStatusCode.Conflict, "INS-3");
        await (await liaison.PostJsonAsync("/api/v1/inspections/self-inspections", new { unitId = other, year = 2026, quarter = 2, summary = "替别人报" })).ExpectRuleAsync(HttpStatusCode.Forbidden, "SEC-2");
        await (await liaison.PostJsonAsync("/api/v1/inspections/self-inspections", new { year = 2027, quarter = 1, summary = "未来" })).ExpectRuleAsync(HttpStatusCode.UnprocessableEntity, "INS-3");

        // Quarters 1-3 of 2026 have ended (today is 16 November): the unit missed 2 and 3, the other unit all three; 3 points each, once.
        await (await office.PostAsync("/api/v1/inspections/self-inspections/charge-missing", null)).ExpectAsync(HttpStatusCode.OK);
        await (await office.PostAsync("/api/v1/inspections/self-inspections/charge-missing", null)).ExpectAsync(HttpStatusCode.OK);
        var mine = await liaison.GetAsync<List<JsonElement>>("/api/v1/inspections/open-deductions?year=2026");
        Assert.Equal(2, mine.Count);
        Assert.All(mine, d => { Assert.Equal("P01", d.GetProperty("itemCode").GetString()); Assert.Equal(3m, d.GetProperty("points").GetDecimal()); });
        var theirs = await office.GetAsync<List<JsonElement>>($"/api/v1/inspections/open-deductions?year=2026&unitId={other}");
        Assert.Equal(3, theirs.Count(d => d.GetProperty("itemCode").GetString() == "P01"));

        // A spot check: one item present with evidence, one present without, one missing: 2 points (P02).
        var caseId = (await (await office.PostJsonAsync("/api/v1/evidence/cases", new { kind = "OpenInspection", title = "明查佐证", targetUnitId = unit })).ReadAsync<IdDto>(HttpStatusCode.Created)).Id;
        var proof = await Tus.UploadAsync(office, caseId, Png(), Meta(1));
        var (supervisor, round) = await kit.OpenRoundSupervisorAsync(unit, 2026);
        var check = await Json(await supervisor.PostJsonAsync("/api/v1/inspections/spot-checks", new
        {
            unitId = unit, roundId = round, title = "2026 年第四季度明查", checkedOn = "2026-11-15", evidenceCaseId = caseId,
            items = new object[] { new { name = "岗位职责公示", present = true, evidenceItemId = proof }, new { name = "首问负责登记簿", present = true }, new { name = "AB岗安排表", present = false } },
        }), HttpStatusCode.Created);
        Assert.Equal(2, check.GetProperty("deductions").GetInt32());
        Assert.Equal(2m, check.GetProperty("points").GetDecimal());
        Assert.Equal(2, (await liaison.GetAsync<List<JsonElement>>("/api/v1/inspections/open-deductions?year=2026")).Count(d => d.GetProperty("itemCode").GetString() == "P02"));

        // S3: a forum held during the open inspection.
        await (await supervisor.PostJsonAsync("/api/v1/inspections/open-sessions", new { unitId = unit, kind = "Forum", title = "服务对象座谈会", heldOn = "2026-11-15", summary = "群众反映排队时间长", participants = 12 }))
            .ExpectAsync(HttpStatusCode.Created);
        var sessions = await office.GetAsync<List<JsonElement>>($"/api/v1/inspections/open-sessions?unitId={unit}");
        Assert.Equal("Forum", Assert.Single(sessions).GetProperty("kind").GetString());
        // Another unit's liaison sees none of this unit's ledger.
        var otherLiaison = await app.ClientAsAsync(Roles.UnitLiaison, other);
        Assert.DoesNotContain(await otherLiaison.GetAsync<List<JsonElement>>($"/api/v1/inspections/open-deductions?year=2026&unitId={unit}"), _ => true);
    }
}
