using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Mingcha.IntegrationTests.Complaints;
using Mingcha.IntegrationTests.Rectification;
using R = Mingcha.Domain.Security.Roles;

namespace Mingcha.IntegrationTests.Infrastructure;

/// <summary>
/// One Razor page (by its view path, e.g. "/Complaints/Detail"), who may open it, who may use each of its POST handlers
/// ("" is the page's plain POST), and the path to open it at. <see cref="Scoped"/> are roles that may open the page but
/// only for their own records (a liaison: their unit's; a supervisor or agency inspector: their team's): the seeded record
/// belongs to another unit or team, so for them the page answers 404 or refuses, and that is right.
/// <see cref="Unseeded"/>: the path names no record (none is seeded for it), so an allowed role may get 404.
/// </summary>
public sealed record PageCase(string Page, Access Get, IReadOnlyDictionary<string, Access> Posts, Func<PageSeed, string> Path,
    IReadOnlySet<string>? Scoped = null, bool Unseeded = false)
{
    public IReadOnlySet<string> ScopedRoles => Scoped ?? new HashSet<string>(StringComparer.Ordinal);
    public override string ToString() => Page;
}

/// <summary>
/// The records the page matrix opens, in the demo city: unit A (a demo unit, whose liaison signs in) and unit B (another
/// unit) with a complaint, a covert visit's confirmed finding on a rectification notice, a bad rating's follow-up case,
/// an evidence case, a person, a published evaluation campaign in which B's section owes (and has filed) its written
/// explanation, with a concentrated sitting, and a random draw of a round over B. Each of B's records carries a text no
/// other record has (<see cref="BSecrets"/>).
/// </summary>
public sealed record PageSeed(Guid UnitA, Guid UnitB, Guid SectionB, string SectionBCode, Guid StaffB, Guid ComplaintB, Guid NoticeB,
    Guid FollowUpB, Guid EvidenceCaseB, Guid VisitB, Guid RoundB, Guid AgencyId, Guid CampaignB, Guid ScoredSectionB, Guid SittingB, string SittingToken,
    Guid DrawB, IReadOnlyList<(string What, string Text)> BSecrets)
{
    private sealed record Created(Guid Id);
    private sealed record Stored(Guid Id);
    private sealed record FollowUpRow(Guid Id, Guid RatingId);
    private sealed record Sitting(Guid Id, string? Token);

    public static async Task<PageSeed> CreateAsync(MingchaApp app)
    {
        var office = await app.ClientAsAsync(R.OfficeAdmin);
        var unitA = await app.WithDbAsync(db => db.Units.AsNoTracking().OrderBy(u => u.Code).Select(u => u.Id).FirstAsync());
        var agency = await app.WithDbAsync(db => db.Agencies.AsNoTracking().OrderBy(a => a.Name).ThenBy(a => a.Id).Select(a => a.Id).FirstAsync());

        // B: a covert visit's two findings, one confirmed and put on a notice (RectificationKit makes the unit, its window and the round).
        var rectification = new RectificationKit(app, office);
        var rcase = await rectification.CaseAsync(findings: 2);
        await rectification.ConfirmAsync([.. rcase.Findings]);
        var notice = await rectification.IssueAsync(rcase.UnitId, rcase.Findings);
        var unitB = rcase.UnitId;
        var unitBName = await app.WithDbAsync(db => db.Units.AsNoTracking().Where(u => u.Id == unitB).Select(u => u.Name).FirstAsync());
        var round = await app.WithDbAsync(db => db.Visits.AsNoTracking().Where(v => v.Id == rcase.VisitId).Select(v => v.RoundId).FirstAsync());
        var sectionCode = await app.WithDbAsync(db => db.Sections.AsNoTracking().Where(s => s.Id == rcase.SectionId).Select(s => s.Code).FirstAsync());

        var tag = Guid.NewGuid().ToString("N")[..6];
        var staffName = "乙单位专属人员" + tag;
        var staff = await (await office.PostJsonAsync("/api/v1/staff", new { unitId = unitB, code = $"pg-b-{tag}", name = staffName, employment = "InService", phone = "13800001111" }))
            .ReadAsync<Created>(HttpStatusCode.Created);

        var matter = "乙单位专属投诉事项" + tag;
        var complaints = new ComplaintKit(app, office);
        var complaint = await complaints.FileAsync(ComplaintKit.Body(unitB, matter: matter));
        await complaints.AssignAsync(complaint.Id, unitB);

        var caseTitle = "乙单位专属证据案卷" + tag;
        var evidence = await (await office.PostJsonAsync("/api/v1/evidence/cases", new { kind = "Complaint", title = caseTitle, targetUnitId = unitB }))
            .ReadAsync<Created>(HttpStatusCode.Created);

        // SAT-7: an unsatisfied rating of B's window opens B's follow-up case.
        var (device, _) = await app.TokenClientAsync(unitB, "ratings:write");
        var rated = await (await device.PostJsonAsync("/api/v1/ratings", new { sectionId = rcase.SectionId, level = 3, phone = "13955556666" })).ReadAsync<Stored>(HttpStatusCode.Created);
        var followUp = await Ratings.RatingsTests.WaitForAsync(async () =>
            (await office.GetAsync<List<FollowUpRow>>("/api/v1/follow-ups?all=true")).FirstOrDefault(f => f.RatingId == rated.Id));

        // EV-8: a campaign over two new sections of B, B1 at the bottom (一般) owing its explanation, which B's liaison files;
        // a concentrated sitting held while it was open (EV-2). Published, so B's liaison sees it.
        async Task<Guid> Section(string code, string name) =>
            (await (await office.PostJsonAsync("/api/v1/sections", new { unitId = unitB, code = $"{code}-{tag}", name, kind = "InternalSection" })).ReadAsync<Created>(HttpStatusCode.Created)).Id;
        var category = (await (await office.PostJsonAsync("/api/v1/categories", new { code = $"pg-{tag}", name = "页面测评类" + tag })).ReadAsync<Created>(HttpStatusCode.Created)).Id;
        await (await office.PutJsonAsync($"/api/v1/units/{unitB}/category", new { year = 2026, categoryId = category })).ExpectAsync(HttpStatusCode.NoContent);
        var b1 = await Section("pg-b1", "乙单位测评一科");
        var b2 = await Section("pg-b2", "乙单位测评二科");
        var campaign = (await (await office.PostJsonAsync("/api/v1/scoring/campaigns", new
        {
            year = 2026, name = "页面测评" + tag, from = "2026-01-01", to = "2026-12-31", rules = new { satisfiedTop = 1, bottomCount = 1, threshold = 70 },
        })).ReadAsync<Created>(HttpStatusCode.Created)).Id;
        await (await office.PutJsonAsync($"/api/v1/scoring/campaigns/{campaign}/sections", new { sectionIds = new[] { b1, b2 } })).ExpectAsync(HttpStatusCode.OK);
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{campaign}/open", null)).ExpectAsync(HttpStatusCode.OK);
        var sitting = await (await office.PostJsonAsync($"/api/v1/scoring/campaigns/{campaign}/sittings", new { title = "乙单位评议会" + tag, heldOn = "2026-11-16" }))
            .ReadAsync<Sitting>(HttpStatusCode.Created);
        foreach (var (section, grade) in new[] { (b2, "Excellent"), (b1, "Fair") })
            await (await office.PostJsonAsync($"/api/v1/scoring/campaigns/{campaign}/evaluations", new { sectionId = section, method = "Concentrated", grade, on = "2026-11-16" }))
                .ExpectAsync(HttpStatusCode.Created);
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{campaign}/close", null)).ExpectAsync(HttpStatusCode.OK);
        await (await office.PostAsync($"/api/v1/scoring/campaigns/{campaign}/publish", null)).ExpectAsync(HttpStatusCode.OK);
        var explanation = "乙单位专属书面说明" + tag;
        var liaisonB = await app.ClientAsAsync(R.UnitLiaison, unitB);
        await (await liaisonB.PostJsonAsync($"/api/v1/scoring/campaigns/{campaign}/results/{b1}/explanation", new { text = explanation })).ExpectAsync(HttpStatusCode.OK);

        // INS-5: a draw of a new covert round over B.
        var drawRound = await rectification.Inspections.RoundAsync(2026, "Covert", teamId: await rectification.Inspections.TeamAsync(await rectification.Inspections.ApprovedSupervisorAsync()));
        var draw = await (await office.PostJsonAsync($"/api/v1/inspections/rounds/{drawRound}/draws", new { count = 1, seed = "41", unitIds = new[] { unitB } }))
            .ReadAsync<Created>(HttpStatusCode.Created);

        return new PageSeed(unitA, unitB, rcase.SectionId, sectionCode, staff.Id, complaint.Id, notice.Id, followUp!.Id, evidence.Id, rcase.VisitId, round, agency,
            campaign, b1, sitting.Id, sitting.Token ?? "", draw.Id,
        [
            ("B1's result (its link)", $"{campaign}/{b1}"), ("B1's explanation", explanation), ("sitting id", sitting.Id.ToString()), ("draw id", draw.Id.ToString()),
            ("complaint id", complaint.Id.ToString()), ("complaint number", complaint.Number), ("complaint matter", matter),
            ("notice id", notice.Id.ToString()), ("finding id", rcase.Findings[0].ToString()), ("second finding id", rcase.Findings[1].ToString()),
            ("covert visit id", rcase.VisitId.ToString()), ("covert round id", round.ToString()),
            ("follow-up id", followUp.Id.ToString()), ("rating id", rated.Id.ToString()),
            ("evidence case id", evidence.Id.ToString()), ("evidence case title", caseTitle),
            ("staff id", staff.Id.ToString()), ("staff name", staffName), ("unit B name", unitBName),
        ]);
    }
}

/// <summary>
/// Every page with who may open it and use each POST handler (SEC-1, SEC-2), written from the SPEC's roles, not from the
/// pages' attributes: the Office (admin and staff) does the supervision work; the leader reads the overview and changes
/// nothing; supervisors and agency inspectors work their own rounds and visits; a unit's liaison sees and answers its own
/// unit's complaints, notices, follow-ups and results; monitoring points and evaluation representatives file evaluations;
/// the system administrator keeps accounts and jobs, the security administrator grants roles, the auditor reads the audit
/// log and verifies (三员分立: no business data for any of them). A new page without an entry fails
/// PageAccessTests.Catalog_WhenComparedWithRouteTable_ListsEveryPageAndHandlerExactlyOnce.
/// </summary>
public static class PageCatalog
{
    private static readonly Access Office = Access.Only(R.OfficeAdmin, R.OfficeStaff);
    private static readonly Access OfficeAdmin = Access.Only(R.OfficeAdmin);
    private static readonly Access OfficeLeader = Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Leader);
    private static readonly Access OfficeLeaderUnit = Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Leader, R.UnitLiaison);
    private static readonly Access Unit = Access.Only(R.UnitLiaison);
    private static readonly Access OrgRead = Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Leader, R.Supervisor, R.AgencyInspector, R.UnitLiaison);
    private static readonly Access Inspectors = Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Supervisor, R.AgencyInspector);
    private static readonly HashSet<string> LiaisonScoped = new([R.UnitLiaison], StringComparer.Ordinal);
    private static readonly HashSet<string> TeamAndUnitScoped = new([R.Supervisor, R.AgencyInspector, R.UnitLiaison], StringComparer.Ordinal);
    private static readonly HashSet<string> TeamScoped = new([R.Supervisor, R.AgencyInspector], StringComparer.Ordinal);

    private static Dictionary<string, Access> None => new(StringComparer.Ordinal);
    private static Dictionary<string, Access> All(Access access, params string[] handlers) => handlers.ToDictionary(h => h, _ => access, StringComparer.Ordinal);
    private static Dictionary<string, Access> With(this Dictionary<string, Access> d, Access access, params string[] handlers)
    {
        foreach (var h in handlers) d.Add(h, access);
        return d;
    }

    public static readonly IReadOnlyList<PageCase> Pages =
    [
        // Home: every signed-in user has a start page with what concerns them.
        new("/Index", Access.SignedIn, None, _ => "/"),
        new("/Error", Access.Public, All(Access.Public, ""), _ => "/Error"), // a failed form post re-executes as a post

        // Signing in and one's own account: open to everyone / every signed-in user.
        new("/Account/Login", Access.Public, All(Access.Public, ""), _ => "/Account/Login"),
        new("/Account/LoginTwoFactor", Access.Public, All(Access.Public, ""), _ => "/Account/LoginTwoFactor"),
        new("/Account/Logout", Access.Public, All(Access.Public, ""), _ => "/Account/Logout"),
        new("/Account/Denied", Access.Public, None, _ => "/Account/Denied"),
        new("/Account/Manage", Access.SignedIn, All(Access.SignedIn, "Password", "ResetAuthenticator"), _ => "/Account/Manage"),
        new("/Account/SetupTwoFactor", Access.SignedIn, All(Access.SignedIn, ""), _ => "/Account/SetupTwoFactor"),

        // 三员分立 (SEC-1): accounts and tokens are the system administrator's, role grants the security administrator's.
        new("/Admin/Accounts", Access.Only(R.SystemAdmin, R.SecurityAdmin),
            All(Access.Only(R.SystemAdmin), "Create", "Lock", "Leader", "Token", "Revoke").With(Access.Only(R.SecurityAdmin), "Roles"), _ => "/Admin/Accounts"),
        new("/Admin/Jobs", Access.Only(R.SystemAdmin), None, _ => "/Admin/Jobs"),
        new("/Audit/Index", Access.Only(R.Auditor), None, _ => "/Audit"),

        // CAL-1: everyone works to deadlines and may read the calendar; only the Office's administrator (its settings) edits it.
        new("/Calendar/Index", Access.SignedIn, All(OfficeAdmin, "Import", "Correct"), _ => "/Calendar"),

        // Complaints (CMP): the Office takes in, assigns, reviews; the unit answers its own (SEC-2); the leader reads.
        new("/Complaints/Index", OfficeLeaderUnit, All(Office, "File"), _ => "/Complaints"),
        new("/Complaints/Detail", OfficeLeaderUnit,
            All(Office, "Assign", "Refuse", "ExtensionDecision", "Review", "Urge", "Accountability", "QueryCode", "Grant", "Clue", "EvidenceCase")
                .With(Unit, "Answer", "Return", "Extension")
                // SEC-4: the full contact details for those who read the complaint and need them (the leader too, as in
                // POST /api/v1/complaints/{id}/reveal); every reveal is logged, and the unit's only once the Office grants it.
                .With(OfficeLeaderUnit, "Reveal"),
            s => $"/Complaints/Detail/{s.ComplaintB}", LiaisonScoped),
        new("/Complaints/File", Access.Public, All(Access.Public, ""), _ => "/Complaints/File"),
        new("/Complaints/Track", Access.Public, All(Access.Public, "Rate"), _ => "/Complaints/Track"),
        // CMP-9: the Office files, returns or waives a unit's special report; the unit writes it on its own page and sees its
        // own unit's flags here (the list is scoped to it, as GET /api/v1/complaints/repeat-flags is).
        new("/Complaints/Repeats", OfficeLeaderUnit, All(Office, "File", "Return", "Waive"), _ => "/Complaints/Repeats"),
        // CMP-10: the Office's analysis across units; the Office reports trends to the units concerned, and a unit's liaison
        // sees its own unit's trends only (the page narrows to the unit, as GET /api/v1/complaints/trends does).
        new("/Complaints/Trends", OfficeLeaderUnit, All(Office, "Report"), _ => "/Complaints/Trends"),
        new("/Complaints/Unit", Unit, All(Unit, "Report"), _ => "/Complaints/Unit"),

        // Official documents (decision 009): the office, leaders, the auditor and the unit's own documents.
        new("/Documents/Index", Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Leader, R.Auditor, R.UnitLiaison), None, _ => "/Documents"),

        // Evidence (EVD-3): the Office, the visit's team, the unit once released; nobody else (the leader included).
        new("/Evidence/Index", Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Supervisor, R.AgencyInspector, R.UnitLiaison), All(Office, ""), _ => "/Evidence"),
        new("/Evidence/Case", Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Supervisor, R.AgencyInspector, R.UnitLiaison),
            All(Office, "Release", "Hold", "Lift"), s => $"/Evidence/Case/{s.EvidenceCaseB}", TeamAndUnitScoped),
        new("/Evidence/Upload", Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Supervisor, R.AgencyInspector, R.UnitLiaison), None,
            s => $"/Evidence/Upload/{s.EvidenceCaseB}", TeamAndUnitScoped),
        // EVD-5: verification is the auditor's, and the Office administrator's.
        new("/Evidence/Verify", Access.Only(R.Auditor, R.OfficeAdmin), All(Access.Only(R.Auditor, R.OfficeAdmin), ""), _ => "/Evidence/Verify"),

        // Inspections (INS): plans, rounds, draws, agencies and discipline are the Office's; the leader reads (INS-9: never a unit).
        new("/Inspections/Index", OfficeLeader, All(Office, "Plan", "Round"), _ => "/Inspections"),
        new("/Inspections/Agencies", OfficeLeader, None, _ => "/Inspections/Agencies"),
        new("/Inspections/Agency", OfficeLeader, All(Office, "Contract", "Inspector", "Training", "Opinion", "Assess", "Decide"), s => $"/Inspections/Agency?id={s.AgencyId}"),
        new("/Inspections/Catalogue", OfficeLeader, All(Office, "Create", "Edit"), _ => "/Inspections/Catalogue"),
        new("/Inspections/Discipline", OfficeLeader, All(Office, "Sign", "Conflict", "Breach", "Refer"), _ => "/Inspections/Discipline"),
        // A random draw can be re-run and checked: by the Office, the leader and the auditor (its fairness is an audit question).
        new("/Inspections/Draw", Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Leader, R.Auditor), All(Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Leader, R.Auditor), "Verify"),
            s => $"/Inspections/Draw?id={s.DrawB}"),
        new("/Inspections/Round", Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Leader, R.Supervisor, R.AgencyInspector),
            All(Office, "Decide", "Start", "Close", "Visits", "Draw"), s => $"/Inspections/Round?id={s.RoundB}", TeamScoped),
        // INS-3: the unit submits its quarterly self-inspection; the Office may record one handed in on paper.
        new("/Inspections/SelfInspection", OfficeLeaderUnit, All(Access.Only(R.OfficeAdmin, R.OfficeStaff, R.UnitLiaison), ""), _ => "/Inspections/SelfInspection"),
        new("/Inspections/Visit", Inspectors, All(Office, "Decide", "SendFindings", "Joint").With(Inspectors, "Message"),
            s => $"/Inspections/Visit/{s.VisitB}", TeamScoped),
        new("/Inspections/Visits", Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Leader, R.Supervisor, R.AgencyInspector, R.UnitLiaison), None, _ => "/Inspections/Visits"),

        // Organisation (ORG): read by those who work with units; changed by the Office; supervisors approved by its administrator (ORG-3).
        new("/Org/Index", OrgRead, All(Office, "Create"), _ => "/Org"),
        new("/Org/Categories", OrgRead, All(Office, "Create", "Rename"), _ => "/Org/Categories"),
        new("/Org/Import", Office, All(Office, "Preview", "Commit"), _ => "/Org/Import"),
        new("/Org/People", OfficeLeader, All(OfficeAdmin, "Approve", "LinkAccount").With(Office, "Supervisor", "Team", "Agency"), _ => "/Org/People"),
        new("/Org/Section", OrgRead, All(Office, "Rename", "Move", "State", "Item", "Rating"), s => $"/Org/Section/{s.SectionB}"),
        new("/Org/ServiceItems", OrgRead, All(Office, ""), _ => "/Org/ServiceItems"),
        // SEC-2, SEC-4: a person's record for the Office, the leader and their own unit's liaison.
        new("/Org/Staff", OfficeLeaderUnit, All(Office, "Edit", "Post"), s => $"/Org/Staff/{s.StaffB}", LiaisonScoped),
        new("/Org/Unit", OrgRead, All(Office, "Rename", "Move", "State", "Category", "Section", "Staff"), s => $"/Org/Unit/{s.UnitB}"),

        // Published results (EV-10, RCT-5): the public.
        new("/Published/Circulars", Access.Public, None, _ => "/Published/Circulars"),
        new("/Published/Scoring", Access.Public, None, _ => "/Public/Scoring"),
        new("/Rate/Index", Access.Public, All(Access.Public, ""), s => $"/Rate/{s.SectionBCode}"),

        // Satisfaction (SAT): the control centre for the Office, the leader and the unit (its own windows). Follow-ups (SAT-7) are
        // the unit's, and the Office may record a call-back step or appeal in its stead (as the API allows); only the Office decides an appeal.
        new("/Ratings/Control", OfficeLeaderUnit, None, _ => "/Ratings/Control"),
        new("/Ratings/Flags", Office, All(Office, "Review"), _ => "/Ratings/Flags"),
        new("/Ratings/FollowUps", Access.Only(R.OfficeAdmin, R.OfficeStaff, R.UnitLiaison), All(Access.Only(R.OfficeAdmin, R.OfficeStaff, R.UnitLiaison), "Step", "FailedCall", "Appeal").With(Office, "Decide"),
            s => $"/Ratings/FollowUps?id={s.FollowUpB}", LiaisonScoped),
        new("/Ratings/List", OfficeLeaderUnit, None, s => $"/Ratings/List?unit={s.UnitB}", LiaisonScoped),
        new("/Ratings/Records", OfficeLeaderUnit, All(Access.Only(R.OfficeAdmin, R.OfficeStaff, R.UnitLiaison), "Import"), s => $"/Ratings/Records?unit={s.UnitB}", LiaisonScoped),
        new("/Ratings/Incentives", Office, All(Office, "Award", "Grievance", "Badges"), _ => "/Ratings/Incentives"),
        new("/Ratings/Report", OfficeLeaderUnit, All(Office, "Issue"), s => $"/Ratings/Report?unit={s.UnitB}", LiaisonScoped),
        new("/Ratings/Secondments", Office, None, _ => "/Ratings/Secondments"),
        new("/Ratings/Survey", Office, All(Office, "Replace", "Answer", "Draw"), _ => "/Ratings/Survey"),

        // Rectification (RCT): the Office confirms, issues, reviews; the unit objects and answers its own notices; the leader reads.
        new("/Rectification/Index", OfficeLeaderUnit, All(Office, "Confirm", "Drop", "Problem", "Issue"), _ => "/Rectification"),
        new("/Rectification/Ledger", OfficeLeaderUnit, All(Office, "Reverse", "Decide"), _ => "/Rectification/Ledger"),
        new("/Rectification/Mine", Unit, None, _ => "/Rectification/Mine"),
        new("/Rectification/Notice", OfficeLeaderUnit, All(Unit, "Object", "Answer").With(Office, "Review", "Verify", "Refusal"),
            s => $"/Rectification/Notice/{s.NoticeB}", LiaisonScoped),
        new("/Rectification/Outcomes", OfficeLeaderUnit, All(Office, "Record", "Publish"), _ => "/Rectification/Outcomes"),

        // Scoring (EV): campaigns run by the Office; results read by the leader and each unit for its sections; forms filed by monitoring points.
        new("/Scoring/Index", Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Leader, R.UnitLiaison, R.MonitoringPoint, R.EvaluationRep), All(Office, "Create"), _ => "/Scoring"),
        new("/Scoring/Overview", OfficeLeader, None, _ => "/Scoring/Overview"),
        new("/Scoring/Assessment", OfficeLeaderUnit, All(Office, "Issue"), _ => "/Scoring/Assessment"),
        new("/Scoring/Explanations", OfficeLeaderUnit, None, _ => "/Scoring/Explanations"),
        new("/Scoring/Campaign", OfficeLeaderUnit, All(Office, "Rules", "Sections", "Open", "Compute", "Close", "Publish", "Sitting", "Import"),
            s => $"/Scoring/Campaign/{s.CampaignB}"),
        new("/Scoring/Result", OfficeLeaderUnit, All(Unit, "Explain").With(Office, "Accept", "SendBack"),
            s => $"/Scoring/Result/{s.CampaignB}/{s.ScoredSectionB}", LiaisonScoped),
        // EV-2: a monitoring point files its forms (the Office may enter a paper form).
        new("/Scoring/Form", Access.Only(R.OfficeAdmin, R.OfficeStaff, R.MonitoringPoint), All(Access.Only(R.OfficeAdmin, R.OfficeStaff, R.MonitoringPoint), ""), _ => "/Scoring/Form"),
        // EV-2 concentrated evaluation: representatives vote through the sitting's link, signed in or not (decision 014).
        new("/Scoring/Sit", Access.Public, All(Access.Public, ""), s => $"/Scoring/Sit/{s.SittingToken}"),
        new("/Scoring/SittingCodes", Office, All(Office, "", "Revoke", "RequireCodes"), s => $"/Scoring/SittingCodes/{s.SittingB}"),
    ];
}
