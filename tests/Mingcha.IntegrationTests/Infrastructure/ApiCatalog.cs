using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using R = Mingcha.Domain.Security.Roles;

namespace Mingcha.IntegrationTests.Infrastructure;

/// <summary>Who may call an endpoint (SEC-1): everyone including anonymous callers, any signed-in user, or the listed roles.</summary>
public sealed record Access(bool Anonymous, IReadOnlySet<string> Roles, string? TokenScope = null)
{
    public static readonly Access Public = new(true, R.All.ToHashSet(StringComparer.Ordinal));
    public static readonly Access SignedIn = new(false, R.All.ToHashSet(StringComparer.Ordinal));
    public static Access Only(params string[] roles) => new(false, roles.ToHashSet(StringComparer.Ordinal));
    /// <summary>Machines only (e.g. rating devices): an API token with the scope, bound to the seeded unit; no signed-in role may call it.</summary>
    public static Access Token(string scope) => new(false, new HashSet<string>(StringComparer.Ordinal), scope);

    public bool Allows(string? role) => role is null ? Anonymous : Roles.Contains(role);
}

/// <summary>One request to an endpoint: path with the seeded ids filled in, and a body that is valid for it.</summary>
public sealed record ApiCall(HttpMethod Method, string Path, string? Json = null, string? Csv = null, IReadOnlyDictionary<string, string>? Form = null)
{
    public HttpRequestMessage ToRequest()
    {
        var request = new HttpRequestMessage(Method, Path);
        if (Json is not null) request.Content = new StringContent(Json, Encoding.UTF8, "application/json");
        else if (Csv is not null) request.Content = new StringContent(Csv, Encoding.UTF8, "text/csv");
        else if (Form is not null)
        {
            var multipart = new MultipartFormDataContent();
            foreach (var (name, value) in Form) multipart.Add(new StringContent(value), name);
            request.Content = multipart;
        }
        else if (Method != HttpMethod.Get) request.Content = new ByteArrayContent([]);
        return request;
    }
}

/// <summary>An /api/v1 endpoint as the route table names it (e.g. "GET /api/v1/units/{id:guid}"), who may call it, and a valid call.</summary>
public sealed record EndpointCase(string Key, Access Access, Func<ApiSeed, int, ApiCall> Call)
{
    public HttpMethod Method => new(Key[..Key.IndexOf(' ', StringComparison.Ordinal)]);
    public override string ToString() => Key;
}

/// <summary>Records the calls of <see cref="ApiCatalog"/> refer to, made through the API by an office administrator and a system administrator.</summary>
public sealed record ApiSeed(Guid CategoryId, Guid UnitId, Guid OtherUnitId, Guid SectionId, Guid ServiceItemId, Guid RecommendedSupervisorId,
    Guid ApprovedSupervisorId, string TargetAccountId, Guid TokenId, MingchaApp.TestUser LoginUser, Guid StaffId)
{
    public static async Task<ApiSeed> CreateAsync(MingchaApp app)
    {
        var office = await app.ClientAsAsync(R.OfficeAdmin);
        var tag = Guid.NewGuid().ToString("N")[..6];
        var category = await (await office.PostJsonAsync("/api/v1/categories", new { code = $"seed-cat-{tag}", name = "行政执法类" })).ReadAsync<Created>(HttpStatusCode.Created);
        var unit = await (await office.PostJsonAsync("/api/v1/units", new { code = $"seed-a-{tag}", name = "甲局", categoryId = category.Id })).ReadAsync<Created>(HttpStatusCode.Created);
        var other = await (await office.PostJsonAsync("/api/v1/units", new { code = $"seed-b-{tag}", name = "乙局" })).ReadAsync<Created>(HttpStatusCode.Created);
        var section = await (await office.PostJsonAsync("/api/v1/sections", new { unitId = unit.Id, code = $"seed-s-{tag}", name = "办证窗口", kind = "Window" })).ReadAsync<Created>(HttpStatusCode.Created);
        var item = await (await office.PostJsonAsync("/api/v1/service-items", new { code = $"seed-i-{tag}", name = "社会保障卡申领", statutoryDays = 20, promisedDays = 10 })).ReadAsync<Created>(HttpStatusCode.Created);
        var recommended = await (await office.PostJsonAsync("/api/v1/supervisors", new { code = $"seed-r-{tag}", name = "王监督" })).ReadAsync<Created>(HttpStatusCode.Created);
        var approved = await (await office.PostJsonAsync("/api/v1/supervisors", new { code = $"seed-p-{tag}", name = "李监督" })).ReadAsync<Created>(HttpStatusCode.Created);
        await (await office.PostAsync($"/api/v1/supervisors/{approved.Id}/approve", null)).ExpectAsync(HttpStatusCode.NoContent);
        var staff = await (await office.PostJsonAsync("/api/v1/staff", new { unitId = unit.Id, code = $"seed-st-{tag}", name = "张三", employment = "InService", phone = "13812345678" })).ReadAsync<Created>(HttpStatusCode.Created);

        var target = await app.CreateUserAsync(R.Leader);
        var login = await app.CreateUserAsync(R.Leader);
        var system = await app.ClientAsAsync(R.SystemAdmin);
        var token = await (await system.PostJsonAsync("/api/v1/tokens", new { name = "seed", scopes = new[] { "org:read" } })).ReadAsync<Created>(HttpStatusCode.Created);
        return new ApiSeed(category.Id, unit.Id, other.Id, section.Id, item.Id, recommended.Id, approved.Id, target.Id, token.Id, login, staff.Id);
    }

    private sealed record Created(Guid Id);
}

/// <summary>
/// Every /api/v1 endpoint with its access rule (SEC-1) and a valid call. A new endpoint without an entry here
/// fails the authorization matrix test, so nobody adds an endpoint without deciding who may call it.
/// </summary>
public static class ApiCatalog
{
    private static readonly Access OrgRead = Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Leader, R.Supervisor, R.UnitLiaison, R.AgencyInspector);
    private static readonly Access OfficeManage = Access.Only(R.OfficeAdmin, R.OfficeStaff);
    private static readonly Access CmpRead = Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Leader, R.UnitLiaison);
    private static readonly Access ScoringSee = Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Leader, R.UnitLiaison, R.MonitoringPoint, R.EvaluationRep);
    private static readonly Access ScoringRead = Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Leader, R.UnitLiaison);
    private static readonly Access ScoringFile = Access.Only(R.OfficeAdmin, R.OfficeStaff, R.MonitoringPoint);
    private static readonly Access OrgPeopleRead = Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Leader);
    private static readonly Access InsPlanRead = Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Leader);
    private static readonly Access InsRoundRead = Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Leader, R.Supervisor, R.AgencyInspector);
    private static readonly Access InsDrawRead = Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Leader, R.Auditor);
    private static readonly Access InsWork = Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Supervisor, R.AgencyInspector);
    private static readonly Access InsOpenRead = Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Leader, R.UnitLiaison);
    private static readonly Access InsOpenRecord = Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Supervisor);
    private static readonly Access InsVisitRead = Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Leader, R.Supervisor, R.AgencyInspector, R.UnitLiaison);
    private static readonly Access RctRead = Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Leader, R.UnitLiaison);
    private static readonly Access DocumentsRead = Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Leader, R.Auditor, R.UnitLiaison);
    private static readonly Access RatingsRead = Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Leader, R.UnitLiaison);
    private static readonly Access RatingsFollowUp = Access.Only(R.OfficeAdmin, R.OfficeStaff, R.UnitLiaison);

    private static ApiCall Get(string path) => new(HttpMethod.Get, path);
    private static ApiCall Post(string path, object? body = null) => new(HttpMethod.Post, path, body is null ? null : JsonSerializer.Serialize(body, Api.Json));
    private static ApiCall Put(string path, object body) => new(HttpMethod.Put, path, JsonSerializer.Serialize(body, Api.Json));
    private static ApiCall Patch(string path, object body) => new(HttpMethod.Patch, path, JsonSerializer.Serialize(body, Api.Json));

    public static readonly IReadOnlyList<EndpointCase> Endpoints =
    [
        new("POST /api/v1/auth/login", Access.Public, (s, n) => Post("/api/v1/auth/login", new { userName = s.LoginUser.UserName, password = s.LoginUser.Password, code = (string?)null })),
        new("POST /api/v1/auth/logout", Access.Public, (s, n) => Post("/api/v1/auth/logout")),
        new("GET /api/v1/me", Access.SignedIn, (s, n) => Get("/api/v1/me")),

        // 三员分立: the system administrator manages accounts and tokens, the security administrator grants roles.
        new("GET /api/v1/accounts", Access.Only(R.SystemAdmin, R.SecurityAdmin), (s, n) => Get("/api/v1/accounts")),
        // The recurring jobs: the system administrator's, who runs the system (三员分立), no one else's.
        new("GET /api/v1/jobs", Access.Only(R.SystemAdmin), (s, n) => Get("/api/v1/jobs")),
        new("POST /api/v1/accounts", Access.Only(R.SystemAdmin), (s, n) => Post("/api/v1/accounts", new { userName = $"matrix-{n}", displayName = "矩阵测试", unitId = s.UnitId, password = "Abcdefgh12" })),
        new("POST /api/v1/accounts/{id}/lock", Access.Only(R.SystemAdmin), (s, n) => Post($"/api/v1/accounts/{s.TargetAccountId}/lock")),
        new("POST /api/v1/accounts/{id}/unlock", Access.Only(R.SystemAdmin), (s, n) => Post($"/api/v1/accounts/{s.TargetAccountId}/unlock")),
        new("PUT /api/v1/accounts/{id}/unit-leader", Access.Only(R.SystemAdmin), (s, n) => Put($"/api/v1/accounts/{s.TargetAccountId}/unit-leader", new { leader = false })),
        new("PUT /api/v1/accounts/{id}/roles", Access.Only(R.SecurityAdmin), (s, n) => Put($"/api/v1/accounts/{s.TargetAccountId}/roles", new { roles = new[] { R.Leader } })),
        new("GET /api/v1/tokens", Access.Only(R.SystemAdmin), (s, n) => Get("/api/v1/tokens")),
        new("POST /api/v1/tokens", Access.Only(R.SystemAdmin), (s, n) => Post("/api/v1/tokens", new { name = $"matrix-{n}", scopes = new[] { "ratings:write" }, unitId = s.UnitId, expiresInDays = 30 })),
        new("POST /api/v1/tokens/{id:guid}/revoke", Access.Only(R.SystemAdmin), (s, n) => Post($"/api/v1/tokens/{s.TokenId}/revoke")),

        // The auditor, and only the auditor, reads the audit log.
        new("GET /api/v1/audit", Access.Only(R.Auditor), (s, n) => Get("/api/v1/audit?entityType=Unit&take=5")),
        new("GET /api/v1/audit/verify", Access.Only(R.Auditor), (s, n) => Get("/api/v1/audit/verify")),
        new("GET /api/v1/audit/entity-types", Access.Only(R.Auditor), (s, n) => Get("/api/v1/audit/entity-types")),
        new("POST /api/v1/audit/{seq:long}/reveal", Access.Only(R.Auditor), (s, n) => Post("/api/v1/audit/1/reveal", new { field = "Phone", reason = "核查电话变更" })),

        new("GET /api/v1/calendar/years", Access.SignedIn, (s, n) => Get("/api/v1/calendar/years")),
        new("GET /api/v1/calendar/{year:int}", Access.SignedIn, (s, n) => Get("/api/v1/calendar/2026")),
        new("GET /api/v1/calendar/deadline", Access.SignedIn, (s, n) => Get("/api/v1/calendar/deadline?from=2026-11-16&days=5")),
        new("POST /api/v1/calendar/import", Access.Only(R.OfficeAdmin), (s, n) => new ApiCall(HttpMethod.Post, "/api/v1/calendar/import", Csv: "date,type,name\n2030-01-01,holiday,元旦\n")),
        new("PUT /api/v1/calendar/days/{date}", Access.Only(R.OfficeAdmin), (s, n) => Put("/api/v1/calendar/days/2026-12-31", new { kind = "holiday", name = "岁末" })),

        new("GET /api/v1/categories", OrgRead, (s, n) => Get("/api/v1/categories?year=2026")),
        new("GET /api/v1/categories/years", OrgRead, (s, n) => Get("/api/v1/categories/years")),
        new("GET /api/v1/units/{id:guid}/categories", OrgRead, (s, n) => Get($"/api/v1/units/{s.UnitId}/categories")),
        new("GET /api/v1/sections/{id:guid}/history", OrgRead, (s, n) => Get($"/api/v1/sections/{s.SectionId}/history")),
        new("POST /api/v1/categories", OfficeManage, (s, n) => Post("/api/v1/categories", new { code = $"matrix-cat-{n}", name = "综合管理类" })),
        new("PATCH /api/v1/categories/{id:guid}", OfficeManage, (s, n) => Patch($"/api/v1/categories/{s.CategoryId}", new { name = $"行政执法类{n}" })),
        new("GET /api/v1/categories/{id:guid}/history", OrgRead, (s, n) => Get($"/api/v1/categories/{s.CategoryId}/history")),
        new("GET /api/v1/units", OrgRead, (s, n) => Get("/api/v1/units?year=2026&q=甲")),
        new("GET /api/v1/units/{id:guid}", OrgRead, (s, n) => Get($"/api/v1/units/{s.UnitId}")),
        new("GET /api/v1/units/{id:guid}/history", OrgRead, (s, n) => Get($"/api/v1/units/{s.UnitId}/history")),
        new("POST /api/v1/units", OfficeManage, (s, n) => Post("/api/v1/units", new { code = $"matrix-unit-{n}", name = "矩阵局", shortName = "矩阵", creditCode = "91350100M000100Y43", parentUnitId = s.OtherUnitId, categoryId = s.CategoryId, year = 2026 })),
        new("PATCH /api/v1/units/{id:guid}", OfficeManage, (s, n) => Patch($"/api/v1/units/{s.UnitId}", new { name = $"甲局{n}", parentUnitId = s.OtherUnitId, moveToTop = false })),
        new("PUT /api/v1/units/{id:guid}/category", OfficeManage, (s, n) => Put($"/api/v1/units/{s.UnitId}/category", new { year = 2027, categoryId = s.CategoryId })),
        new("GET /api/v1/units/{id:guid}/sections", OrgRead, (s, n) => Get($"/api/v1/units/{s.UnitId}/sections")),
        new("GET /api/v1/sections/{id:guid}", OrgRead, (s, n) => Get($"/api/v1/sections/{s.SectionId}")),
        new("GET /api/v1/sections/{id:guid}/as-of", OrgRead, (s, n) => Get($"/api/v1/sections/{s.SectionId}/as-of?at=2026-11-16T02:00:00Z")),
        new("POST /api/v1/sections", OfficeManage, (s, n) => Post("/api/v1/sections", new { unitId = s.UnitId, code = $"matrix-sec-{n}", name = "综合窗口", kind = "Window", parentSectionId = s.SectionId, address = "人民路 1 号" })),
        new("PATCH /api/v1/sections/{id:guid}", OfficeManage, (s, n) => Patch($"/api/v1/sections/{s.SectionId}", new { name = $"办证窗口{n}", unitId = s.UnitId })),
        new("GET /api/v1/sections/{id:guid}/service-items", OrgRead, (s, n) => Get($"/api/v1/sections/{s.SectionId}/service-items")),
        new("PUT /api/v1/sections/{id:guid}/service-items", OfficeManage, (s, n) => Put($"/api/v1/sections/{s.SectionId}/service-items", new { serviceItemId = s.ServiceItemId, mandatory = true })),
        // SEC-2: a unit liaison reads the staff of their own unit only (the matrix liaison is bound to the seeded unit).
        new("GET /api/v1/units/{id:guid}/staff", Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Leader, R.UnitLiaison), (s, n) => Get($"/api/v1/units/{s.UnitId}/staff")),
        // SEC-2: one person's record and history, for those who may see their unit's staff (the liaison is the seeded unit's).
        new("GET /api/v1/staff/{id:guid}", Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Leader, R.UnitLiaison), (s, n) => Get($"/api/v1/staff/{s.StaffId}")),
        new("GET /api/v1/staff/{id:guid}/history", Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Leader, R.UnitLiaison), (s, n) => Get($"/api/v1/staff/{s.StaffId}/history")),
        new("GET /api/v1/staff/{id:guid}/as-of", Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Leader, R.UnitLiaison), (s, n) => Get($"/api/v1/staff/{s.StaffId}/as-of?at=2026-11-16T02:00:00Z")),
        new("PATCH /api/v1/staff/{id:guid}", OfficeManage, (s, n) => Patch($"/api/v1/staff/{s.StaffId}", new { name = $"张三{n}", employment = "InService", sectionId = s.SectionId, position = "窗口工作人员" })),
        new("POST /api/v1/staff", OfficeManage, (s, n) => Post("/api/v1/staff", new { unitId = s.UnitId, sectionId = s.SectionId, code = $"matrix-staff-{n}", name = "李四", employment = "Contracted", position = "窗口工作人员", phone = "13912345678", idNumber = "110101199003074477" })),
        // Who the supervisors, teams and agencies are is kept from inspected units and inspectors.
        new("GET /api/v1/supervisors", OrgPeopleRead, (s, n) => Get("/api/v1/supervisors")),
        new("POST /api/v1/supervisors", OfficeManage, (s, n) => Post("/api/v1/supervisors", new { code = $"matrix-sup-{n}", name = "赵监督", phone = "13712345678", recommendedByUnitId = s.UnitId })),
        new("POST /api/v1/supervisors/{id:guid}/approve", Access.Only(R.OfficeAdmin), (s, n) => Post($"/api/v1/supervisors/{s.RecommendedSupervisorId}/approve")),
        new("PUT /api/v1/supervisors/{id:guid}/account", Access.Only(R.OfficeAdmin), (s, n) => Put($"/api/v1/supervisors/{s.ApprovedSupervisorId}/account", new { userName = "" })),
        new("GET /api/v1/teams", OrgPeopleRead, (s, n) => Get("/api/v1/teams")),
        new("POST /api/v1/teams", OfficeManage, (s, n) => Post("/api/v1/teams", new { name = $"第{n}督查组", task = "季度明查", members = new[] { s.ApprovedSupervisorId }, leaderId = s.ApprovedSupervisorId })),
        new("GET /api/v1/agencies", OrgPeopleRead, (s, n) => Get("/api/v1/agencies")),
        new("POST /api/v1/agencies", OfficeManage, (s, n) => Post("/api/v1/agencies", new { name = $"暗访公司{n}", creditCode = "91350100M000100Y43", contractStart = "2026-01-01", contractEnd = "2026-12-31" })),
        new("GET /api/v1/service-items", OrgRead, (s, n) => Get("/api/v1/service-items")),
        new("POST /api/v1/service-items", OfficeManage, (s, n) => Post("/api/v1/service-items", new { code = $"matrix-item-{n}", name = "就业登记", unitId = s.UnitId, statutoryDays = 5, promisedDays = 1 })),

        // Organisation import and export: the office's staff only; an empty upload or an unknown import is a 400/404 after authorisation.
        new("GET /api/v1/org/import/template", OfficeManage, (s, n) => Get("/api/v1/org/import/template")),
        new("POST /api/v1/org/import", OfficeManage, (s, n) => Post("/api/v1/org/import")),
        new("GET /api/v1/org/import/{id:guid}", OfficeManage, (s, n) => Get($"/api/v1/org/import/{Guid.Empty}")),
        new("POST /api/v1/org/import/{id:guid}/commit", OfficeManage, (s, n) => Post($"/api/v1/org/import/{Guid.Empty}/commit")),
        new("GET /api/v1/org/export", OfficeManage, (s, n) => Get("/api/v1/org/export?year=2026")),

        // Evidence vault: every signed-in user reaches the routes; which case they may see is decided per case (EVD-3),
        // so an unknown or hidden case answers 404 after authorisation. Managing cases is the office's.
        new("GET /api/v1/evidence/cases", Access.SignedIn, (s, n) => Get("/api/v1/evidence/cases")),
        new("POST /api/v1/evidence/cases", OfficeManage, (s, n) => Post("/api/v1/evidence/cases", new { kind = "CovertVisit", title = $"矩阵暗访{n}", targetUnitId = s.UnitId })),
        new("GET /api/v1/evidence/cases/{id:guid}", Access.SignedIn, (s, n) => Get($"/api/v1/evidence/cases/{Guid.Empty}")),
        new("POST /api/v1/evidence/cases/{id:guid}/release", OfficeManage, (s, n) => Post($"/api/v1/evidence/cases/{Guid.Empty}/release")),
        new("POST /api/v1/evidence/cases/{id:guid}/inspectors", OfficeManage, (s, n) => Post($"/api/v1/evidence/cases/{Guid.Empty}/inspectors", new { userId = s.TargetAccountId })),
        new("POST /api/v1/evidence/cases/{id:guid}/holds", OfficeManage, (s, n) => Post($"/api/v1/evidence/cases/{Guid.Empty}/holds", new { reason = "OpenRectification", note = "矩阵" })),
        new("POST /api/v1/evidence/cases/{id:guid}/holds/{holdId:guid}/lift", OfficeManage, (s, n) => Post($"/api/v1/evidence/cases/{Guid.Empty}/holds/{Guid.Empty}/lift")),
        new("GET /api/v1/evidence/cases/{id:guid}/access-log", Access.SignedIn, (s, n) => Get($"/api/v1/evidence/cases/{Guid.Empty}/access-log")),
        new("POST /api/v1/evidence/items/{id:guid}/access", Access.SignedIn, (s, n) => Post($"/api/v1/evidence/items/{Guid.Empty}/access", new { action = "View", purpose = "矩阵测试" })),
        new("GET /api/v1/evidence/items/{id:guid}/content", Access.SignedIn, (s, n) => Get($"/api/v1/evidence/items/{Guid.Empty}/content?access={Guid.Empty}")),
        new("HEAD /api/v1/evidence/items/{id:guid}/content", Access.SignedIn, (s, n) => new ApiCall(HttpMethod.Head, $"/api/v1/evidence/items/{Guid.Empty}/content?access={Guid.Empty}")),
        new("GET /api/v1/evidence/items/{id:guid}/download", Access.SignedIn, (s, n) => Get($"/api/v1/evidence/items/{Guid.Empty}/download?access={Guid.Empty}")),
        new("POST /api/v1/evidence/cases/{id:guid}/package", Access.SignedIn, (s, n) => Post($"/api/v1/evidence/cases/{Guid.Empty}/package", new { purpose = "移送纪检" })),
        new("GET /api/v1/evidence/cases/{id:guid}/package", Access.SignedIn, (s, n) => Get($"/api/v1/evidence/cases/{Guid.Empty}/package?access={Guid.Empty}")),
        new("POST /api/v1/evidence/manifests/verify", Access.SignedIn, (s, n) => Post("/api/v1/evidence/manifests/verify", new { manifest = "{}", signature = "00" })),
        new("GET /api/v1/evidence/verify", Access.Only(R.Auditor, R.OfficeAdmin), (s, n) => Get("/api/v1/evidence/verify")),
        new("POST /api/v1/evidence/blobs/{sha256}/purge", Access.Only(R.OfficeAdmin), (s, n) => Post($"/api/v1/evidence/blobs/{new string('0', 64)}/purge", new { decision = "矩阵测试" })),
        // Official documents (decision 009): the register is read by the office, leaders, the auditor and (their unit's
        // documents only, SEC-2) unit liaisons; only the office administrator withdraws; the office's staff preview drafts.
        new("GET /api/v1/documents", DocumentsRead, (s, n) => Get("/api/v1/documents?year=2026&kind=Notice")),
        new("GET /api/v1/documents/{id:guid}", DocumentsRead, (s, n) => Get($"/api/v1/documents/{Guid.Empty}")),
        new("GET /api/v1/documents/{id:guid}/docx", DocumentsRead, (s, n) => Get($"/api/v1/documents/{Guid.Empty}/docx")),
        new("GET /api/v1/documents/{id:guid}/pdf", DocumentsRead, (s, n) => Get($"/api/v1/documents/{Guid.Empty}/pdf")),
        new("POST /api/v1/documents/{id:guid}/withdraw", Access.Only(R.OfficeAdmin), (s, n) => Post($"/api/v1/documents/{Guid.Empty}/withdraw", new { reason = "异议成立" })),
        new("POST /api/v1/documents/preview", OfficeManage, (s, n) => Post("/api/v1/documents/preview?format=docx", new
        {
            kind = "Notice", issuerName = "示范市机关效能建设领导小组办公室", masthead = "示范市机关效能建设领导小组办公室文件", signer = (string?)null,
            title = $"矩阵预览{n}", addressees = new[] { "甲局" },
            body = new object[] { new { type = "heading", level = 1, text = "基本情况" }, new { type = "paragraph", text = "正文。" } },
            attachments = new[] { "清单" }, date = "2026-11-22", note = "联系人：李明", copyTo = new[] { "市纪委监委" },
            printedBy = "示范市机关效能建设领导小组办公室", printedOn = "2026-11-22",
        })),

        // tus discovery is open by the protocol; creating and resuming an upload needs an account.
        new("OPTIONS /api/v1/evidence/uploads", Access.Public, (s, n) => new ApiCall(HttpMethod.Options, "/api/v1/evidence/uploads")),
        new("OPTIONS /api/v1/evidence/uploads/{id:guid}", Access.Public, (s, n) => new ApiCall(HttpMethod.Options, $"/api/v1/evidence/uploads/{Guid.Empty}")),
        new("POST /api/v1/evidence/uploads", Access.SignedIn, (s, n) => Post("/api/v1/evidence/uploads")),
        new("HEAD /api/v1/evidence/uploads/{id:guid}", Access.SignedIn, (s, n) => new ApiCall(HttpMethod.Head, $"/api/v1/evidence/uploads/{Guid.Empty}")),
        new("PATCH /api/v1/evidence/uploads/{id:guid}", Access.SignedIn, (s, n) => new ApiCall(HttpMethod.Patch, $"/api/v1/evidence/uploads/{Guid.Empty}")),

        // Inspections (INS, ORG-4, ORG-5). Rounds, draws and plans never reach a unit's users (INS-9); visits and findings do,
        // scoped by the secrecy rule, so a unit liaison reaches those routes and gets only what their unit may know.
        new("GET /api/v1/inspections/plans", InsPlanRead, (s, n) => Get("/api/v1/inspections/plans")),
        new("GET /api/v1/inspections/plans/{year:int}", InsPlanRead, (s, n) => Get("/api/v1/inspections/plans/2026")),
        new("PUT /api/v1/inspections/plans/{year:int}", OfficeManage, (s, n) => Put("/api/v1/inspections/plans/2030", new { title = "2030 年度明查暗访工作计划", totalVisitsTarget = 230, visitsPerWindowUnit = 2, visitsPerHall = 2, outletSharePercent = 50, notes = "矩阵" })),
        new("GET /api/v1/inspections/plans/{year:int}/progress", InsPlanRead, (s, n) => Get("/api/v1/inspections/plans/2026/progress")),
        new("GET /api/v1/inspections/rounds", InsRoundRead, (s, n) => Get("/api/v1/inspections/rounds?year=2026")),
        new("POST /api/v1/inspections/rounds", OfficeManage, (s, n) => Post("/api/v1/inspections/rounds", new { year = 2026, kind = "Covert", campaign = "Routine", title = $"矩阵暗访{n}", scope = "窗口单位", focus = "工作纪律", plannedTargets = 3, startsOn = "2026-12-01", endsOn = "2026-12-20", teamIds = Array.Empty<Guid>() })),
        new("GET /api/v1/inspections/rounds/{id:guid}", InsRoundRead, (s, n) => Get($"/api/v1/inspections/rounds/{Guid.Empty}")),
        new("PUT /api/v1/inspections/rounds/{id:guid}/plan", OfficeManage, (s, n) => Put($"/api/v1/inspections/rounds/{Guid.Empty}/plan", new { title = "矩阵", scope = "范围", focus = "重点", plannedTargets = 2, startsOn = "2026-12-01", endsOn = "2026-12-20" })),
        new("PUT /api/v1/inspections/rounds/{id:guid}/people", OfficeManage, (s, n) => Put($"/api/v1/inspections/rounds/{Guid.Empty}/people", new { teamIds = Array.Empty<Guid>() })),
        new("POST /api/v1/inspections/rounds/{id:guid}/decide", OfficeManage, (s, n) => Post($"/api/v1/inspections/rounds/{Guid.Empty}/decide")),
        new("POST /api/v1/inspections/rounds/{id:guid}/start", OfficeManage, (s, n) => Post($"/api/v1/inspections/rounds/{Guid.Empty}/start")),
        new("POST /api/v1/inspections/rounds/{id:guid}/close", OfficeManage, (s, n) => Post($"/api/v1/inspections/rounds/{Guid.Empty}/close")),
        new("POST /api/v1/inspections/rounds/{id:guid}/targets", OfficeManage, (s, n) => Post($"/api/v1/inspections/rounds/{Guid.Empty}/targets", new { sectionIds = new[] { s.SectionId }, reason = "人工指定（矩阵）" })),
        new("POST /api/v1/inspections/rounds/{id:guid}/draws", OfficeManage, (s, n) => Post($"/api/v1/inspections/rounds/{Guid.Empty}/draws", new { count = 1, seed = "42", kinds = new[] { "Window" }, unitIds = new[] { s.UnitId } })),
        new("POST /api/v1/inspections/rounds/{id:guid}/visits", OfficeManage, (s, n) => Post($"/api/v1/inspections/rounds/{Guid.Empty}/visits")),
        // INS-5: the auditor re-runs a draw and compares.
        new("GET /api/v1/inspections/draws/{id:guid}", InsDrawRead, (s, n) => Get($"/api/v1/inspections/draws/{Guid.Empty}")),
        new("POST /api/v1/inspections/draws/{id:guid}/verify", InsDrawRead, (s, n) => Post($"/api/v1/inspections/draws/{Guid.Empty}/verify")),
        new("GET /api/v1/inspections/visits", InsVisitRead, (s, n) => Get("/api/v1/inspections/visits?year=2026")),
        new("GET /api/v1/inspections/visits/{id:guid}", InsVisitRead, (s, n) => Get($"/api/v1/inspections/visits/{Guid.Empty}")),
        new("GET /api/v1/inspections/findings", InsVisitRead, (s, n) => Get("/api/v1/inspections/findings?year=2026")),
        new("PUT /api/v1/inspections/visits/{id:guid}/inspectors", OfficeManage, (s, n) => Put($"/api/v1/inspections/visits/{Guid.Empty}/inspectors", new { supervisorIds = new[] { s.ApprovedSupervisorId }, agencyInspectorIds = Array.Empty<Guid>() })),
        new("POST /api/v1/inspections/visits/{id:guid}/send-findings", OfficeManage, (s, n) => Post($"/api/v1/inspections/visits/{Guid.Empty}/send-findings")),
        new("POST /api/v1/inspections/visits/{id:guid}/surveys/{number:int}/reveal", OfficeManage, (s, n) => Post($"/api/v1/inspections/visits/{Guid.Empty}/surveys/1/reveal")),
        new("PUT /api/v1/inspections/visits/{id:guid}/joint", OfficeManage, (s, n) => Put($"/api/v1/inspections/visits/{Guid.Empty}/joint", new { participants = "效能办张三" })),
        new("POST /api/v1/inspections/visits/{id:guid}/tip-offs", OfficeManage, (s, n) => Post($"/api/v1/inspections/visits/{Guid.Empty}/tip-offs", new { sectionId = s.SectionId, description = "提前通知其他单位", points = 2 })),
        new("GET /api/v1/inspections/catalogues/{year:int}", InsVisitRead, (s, n) => Get("/api/v1/inspections/catalogues/2026")),
        new("POST /api/v1/inspections/catalogues/{year:int}", OfficeManage, (s, n) => Post("/api/v1/inspections/catalogues/2027")),
        new("POST /api/v1/inspections/catalogues/{year:int}/items", OfficeManage, (s, n) => Post("/api/v1/inspections/catalogues/2026/items", new { code = $"X{n}", name = "矩阵扣分项", points = 1, group = "Annex", discretionary = false, basis = "矩阵" })),
        new("PUT /api/v1/inspections/catalogues/{year:int}/items/{id:guid}", OfficeManage, (s, n) => Put($"/api/v1/inspections/catalogues/2026/items/{Guid.Empty}", new { name = "矩阵扣分项", points = 1, discretionary = false, basis = "矩阵", active = true })),
        new("GET /api/v1/inspections/agencies/{id:guid}", OrgPeopleRead, (s, n) => Get($"/api/v1/inspections/agencies/{Guid.Empty}")),
        new("POST /api/v1/inspections/agencies/{id:guid}/contracts", OfficeManage, (s, n) => Post($"/api/v1/inspections/agencies/{Guid.Empty}/contracts", new { tenderReference = "ZB-2026-01", tenderOn = "2025-12-01", expertReview = "专家评审通过", startsOn = "2026-01-01", endsOn = "2026-12-31" })),
        new("POST /api/v1/inspections/agencies/{id:guid}/inspectors", OfficeManage, (s, n) => Post($"/api/v1/inspections/agencies/{Guid.Empty}/inspectors", new { name = "暗访员甲" })),
        new("POST /api/v1/inspections/agencies/{id:guid}/inspectors/{inspectorId:guid}/trainings", OfficeManage, (s, n) => Post($"/api/v1/inspections/agencies/{Guid.Empty}/inspectors/{Guid.Empty}/trainings", new { heldOn = "2026-01-10", topic = "人社业务与办事指南", hours = 8, passed = true })),
        new("POST /api/v1/inspections/agencies/{id:guid}/opinions", OfficeManage, (s, n) => Post($"/api/v1/inspections/agencies/{Guid.Empty}/opinions", new { year = 2026, subject = "Duration", text = "查访时间不达标" })),
        new("POST /api/v1/inspections/agency-opinions/{id:guid}/answer", Access.Only(R.OfficeAdmin, R.OfficeStaff, R.AgencyInspector), (s, n) => Post($"/api/v1/inspections/agency-opinions/{Guid.Empty}/answer", new { response = "已整改" })),
        new("POST /api/v1/inspections/agencies/{id:guid}/assessments/{year:int}", OfficeManage, (s, n) => Post($"/api/v1/inspections/agencies/{Guid.Empty}/assessments/2026")),
        new("POST /api/v1/inspections/agencies/{id:guid}/assessments/{year:int}/decision", OfficeManage, (s, n) => Post($"/api/v1/inspections/agencies/{Guid.Empty}/assessments/2026/decision", new { decision = "Continue", note = "考核合格" })),
        new("GET /api/v1/inspections/discipline", OrgPeopleRead, (s, n) => Get("/api/v1/inspections/discipline")),
        new("POST /api/v1/inspections/discipline/rules", OfficeManage, (s, n) => Post("/api/v1/inspections/discipline/rules", new { title = "十不准", text = "一、不准接受宴请。", effectiveFrom = "2026-01-01" })),
        new("POST /api/v1/inspections/discipline/pledges", OfficeManage, (s, n) => Post("/api/v1/inspections/discipline/pledges", new { inspectorKind = "Supervisor", inspectorId = s.RecommendedSupervisorId })),
        new("POST /api/v1/inspections/discipline/conflicts", OfficeManage, (s, n) => Post("/api/v1/inspections/discipline/conflicts", new { inspectorKind = "Supervisor", inspectorId = s.RecommendedSupervisorId, unitId = s.OtherUnitId, reason = "配偶在该单位工作", declaredOn = "2026-01-01" })),
        new("POST /api/v1/inspections/discipline/conflicts/{id:guid}/end", OfficeManage, (s, n) => Post($"/api/v1/inspections/discipline/conflicts/{Guid.Empty}/end", new { endedOn = "2026-12-31" })),
        new("POST /api/v1/inspections/discipline/breaches", OfficeManage, (s, n) => Post("/api/v1/inspections/discipline/breaches", new { inspectorKind = "Supervisor", inspectorId = s.RecommendedSupervisorId, breach = "Gift", description = "接受被查单位礼品", occurredOn = "2026-11-01" })),
        new("POST /api/v1/inspections/discipline/breaches/{id:guid}/refer", OfficeManage, (s, n) => Post($"/api/v1/inspections/discipline/breaches/{Guid.Empty}/refer", new { referredTo = "市纪委监委" })),

        // The visit flow (INS-11, INS-19, INS-20), findings and confirmation (INS-5, INS-8, INS-16, INS-18), question bank (INS-12),
        // open inspections (INS-2..INS-4, S3), round reports (INS-17).
        new("GET /api/v1/inspections/visits/{id:guid}/protocol", InsWork, (s, n) => Get($"/api/v1/inspections/visits/{Guid.Empty}/protocol")),
        new("POST /api/v1/inspections/visits/{id:guid}/start", InsWork, (s, n) => Post($"/api/v1/inspections/visits/{Guid.Empty}/start", new { methods = new[] { "SimulatedService" }, deviceClock = "2026-11-16T02:00:00Z" })),
        new("PUT /api/v1/inspections/visits/{id:guid}/steps/{number:int}", InsWork, (s, n) => Put($"/api/v1/inspections/visits/{Guid.Empty}/steps/1", new { timeSource = "Device", startedAt = "2026-11-16T02:00:00Z", endedAt = "2026-11-16T02:05:00Z", evidenceItemIds = Array.Empty<Guid>() })),
        new("PUT /api/v1/inspections/visits/{id:guid}/checklist", InsWork, (s, n) => Put($"/api/v1/inspections/visits/{Guid.Empty}/checklist", new { lines = new[] { new { code = "S07", result = "NotMet", note = "离岗无告示" } } })),
        new("PUT /api/v1/inspections/visits/{id:guid}/surveys/{number:int}", InsWork, (s, n) => Put($"/api/v1/inspections/visits/{Guid.Empty}/surveys/1", new { answers = new Dictionary<string, string> { ["满意吗"] = "满意" }, satisfaction = 5 })),
        new("PUT /api/v1/inspections/visits/{id:guid}/score", InsWork, (s, n) => Put($"/api/v1/inspections/visits/{Guid.Empty}/score", new { score = 85, note = "总体良好" })),
        new("GET /api/v1/inspections/visits/{id:guid}/archive", InsWork, (s, n) => Get($"/api/v1/inspections/visits/{Guid.Empty}/archive")),
        new("POST /api/v1/inspections/visits/{id:guid}/findings", InsWork, (s, n) => Post($"/api/v1/inspections/visits/{Guid.Empty}/findings", new { sectionId = s.SectionId, itemId = Guid.Empty, description = "离岗超过30分钟未放置告示牌", step = 3 })),
        new("POST /api/v1/inspections/visits/{id:guid}/findings/{findingId:guid}/evidence", InsWork, (s, n) => Post($"/api/v1/inspections/visits/{Guid.Empty}/findings/{Guid.Empty}/evidence", new { evidenceItemIds = new[] { Guid.Empty } })),
        new("POST /api/v1/inspections/visits/{id:guid}/confirmation", InsWork, (s, n) => Post($"/api/v1/inspections/visits/{Guid.Empty}/confirmation", new { signerUserName = "nobody", signerPassword = "x", signatureEvidenceItemId = Guid.Empty })),
        new("POST /api/v1/inspections/visits/{id:guid}/refusal", InsWork, (s, n) => Post($"/api/v1/inspections/visits/{Guid.Empty}/refusal", new { refusedBy = "值班领导", note = "拒绝签字" })),
        new("POST /api/v1/inspections/visits/{id:guid}/submit", InsWork, (s, n) => Post($"/api/v1/inspections/visits/{Guid.Empty}/submit", new { deviceClock = "2026-11-16T02:00:00Z" })),
        new("POST /api/v1/inspections/visits/{id:guid}/decision", OfficeManage, (s, n) => Post($"/api/v1/inspections/visits/{Guid.Empty}/decision", new { outcome = "Accepted" })),
        new("POST /api/v1/inspections/visits/{id:guid}/messages", InsWork, (s, n) => Post($"/api/v1/inspections/visits/{Guid.Empty}/messages", new { text = "开场视频的地点？" })),
        new("GET /api/v1/inspections/question-bank", InsWork, (s, n) => Get("/api/v1/inspections/question-bank")),
        new("POST /api/v1/inspections/question-bank/personas", OfficeManage, (s, n) => Post("/api/v1/inspections/question-bank/personas", new { name = $"矩阵角色{n}", description = "返乡务工人员" })),
        new("POST /api/v1/inspections/question-bank/questions", OfficeManage, (s, n) => Post("/api/v1/inspections/question-bank/questions", new { serviceItemId = s.ServiceItemId, depth = 1, text = "在哪个窗口办理？", testsConduct = true })),
        new("POST /api/v1/inspections/self-inspections", Access.Only(R.OfficeAdmin, R.OfficeStaff, R.UnitLiaison), (s, n) => Post("/api/v1/inspections/self-inspections", new { unitId = s.UnitId, year = 2026, quarter = 1 + (n % 4), summary = "本季度效能自查情况" })),
        new("GET /api/v1/inspections/self-inspections", InsOpenRead, (s, n) => Get("/api/v1/inspections/self-inspections?year=2026")),
        new("POST /api/v1/inspections/self-inspections/charge-missing", OfficeManage, (s, n) => Post("/api/v1/inspections/self-inspections/charge-missing")),
        new("GET /api/v1/inspections/open-deductions", InsOpenRead, (s, n) => Get("/api/v1/inspections/open-deductions?year=2026")),
        new("POST /api/v1/inspections/spot-checks", InsOpenRecord, (s, n) => Post("/api/v1/inspections/spot-checks", new { unitId = s.UnitId, title = "明查核查", checkedOn = "2026-11-10", items = new[] { new { name = "岗位职责公示", present = true } } })),
        new("POST /api/v1/inspections/open-sessions", InsOpenRecord, (s, n) => Post("/api/v1/inspections/open-sessions", new { unitId = s.UnitId, kind = "Forum", title = "座谈会", heldOn = "2026-11-10", summary = "听取意见" })),
        new("GET /api/v1/inspections/open-sessions", InsPlanRead, (s, n) => Get("/api/v1/inspections/open-sessions")),
        new("POST /api/v1/inspections/rounds/{id:guid}/reports", InsWork, (s, n) => Post($"/api/v1/inspections/rounds/{Guid.Empty}/reports", new { scope = "Round" })),
        new("GET /api/v1/inspections/rounds/{id:guid}/reports", InsRoundRead, (s, n) => Get($"/api/v1/inspections/rounds/{Guid.Empty}/reports")),
        new("GET /api/v1/inspections/round-reports/{id:guid}", InsRoundRead, (s, n) => Get($"/api/v1/inspections/round-reports/{Guid.Empty}")),
        new("PUT /api/v1/inspections/round-reports/{id:guid}", InsWork, (s, n) => Put($"/api/v1/inspections/round-reports/{Guid.Empty}", new { title = "报告", body = "正文" })),
        new("GET /api/v1/inspections/round-reports/{id:guid}/docx", InsRoundRead, (s, n) => Get($"/api/v1/inspections/round-reports/{Guid.Empty}/docx")),
        new("GET /api/v1/inspections/round-reports/{id:guid}/pdf", InsRoundRead, (s, n) => Get($"/api/v1/inspections/round-reports/{Guid.Empty}/pdf")),
        new("POST /api/v1/inspections/round-reports/{id:guid}/issue", OfficeManage, (s, n) => Post($"/api/v1/inspections/round-reports/{Guid.Empty}/issue")),
        // Rectification (RCT-1..RCT-5, EV-11). The Office's acts admit every signed-in user so that a refusal names the rule
        // (403 with RCT-x); a unit's acts reach the handler for the Office, leaders and liaisons and answer 404 (SEC-2) unless
        // the notice is the liaison's unit's.
        new("POST /api/v1/rectification/findings/{id:guid}/confirm", OfficeManage, (s, n) => Post($"/api/v1/rectification/findings/{Guid.Empty}/confirm")),
        new("POST /api/v1/rectification/findings/{id:guid}/drop", OfficeManage, (s, n) => Post($"/api/v1/rectification/findings/{Guid.Empty}/drop", new { reason = "证据不足" })),
        new("GET /api/v1/rectification/findings/{id:guid}/history", InsVisitRead, (s, n) => Get($"/api/v1/rectification/findings/{Guid.Empty}/history")),
        new("GET /api/v1/rectification/candidates", OfficeManage, (s, n) => Get($"/api/v1/rectification/candidates?unitId={s.UnitId}")),
        new("POST /api/v1/rectification/problems", OfficeManage, (s, n) => Post("/api/v1/rectification/problems", new { sectionId = s.SectionId, channel = "VideoMonitoring", foundOn = "2026-11-12", description = "视频监察发现离岗" })),
        new("GET /api/v1/rectification/problems", RctRead, (s, n) => Get("/api/v1/rectification/problems?year=2026")),
        new("GET /api/v1/rectification/notices", RctRead, (s, n) => Get("/api/v1/rectification/notices?year=2026")),
        new("GET /api/v1/rectification/notices/{id:guid}", RctRead, (s, n) => Get($"/api/v1/rectification/notices/{Guid.Empty}")),
        new("POST /api/v1/rectification/notices", OfficeManage, (s, n) => Post("/api/v1/rectification/notices", new { unitId = s.UnitId, findingIds = new[] { Guid.Empty }, requiredAction = "立即整改", workingDays = 10, title = "整改通知" })),
        new("POST /api/v1/rectification/notices/{id:guid}/objections", RctRead, (s, n) => Post($"/api/v1/rectification/notices/{Guid.Empty}/objections", new { grounds = "事实不符", evidenceItemIds = new[] { Guid.Empty } })),
        new("POST /api/v1/rectification/notices/{id:guid}/objection-review", OfficeManage, (s, n) => Post($"/api/v1/rectification/notices/{Guid.Empty}/objection-review", new { upheld = false, reason = "证据不足" })),
        new("POST /api/v1/rectification/notices/{id:guid}/responses", RctRead, (s, n) => Post($"/api/v1/rectification/notices/{Guid.Empty}/responses", new { actions = "已整改", measures = "举一反三", evidenceItemIds = new[] { Guid.Empty } })),
        new("POST /api/v1/rectification/notices/{id:guid}/verification", OfficeManage, (s, n) => Post($"/api/v1/rectification/notices/{Guid.Empty}/verification", new { accepted = true, note = "到位" })),
        new("POST /api/v1/rectification/notices/{id:guid}/refusal", OfficeManage, (s, n) => Post($"/api/v1/rectification/notices/{Guid.Empty}/refusal", new { reason = "拒不整改" })),
        new("GET /api/v1/rectification/overview", InsPlanRead, (s, n) => Get("/api/v1/rectification/overview?year=2026")),
        new("GET /api/v1/rectification/ladder", RctRead, (s, n) => Get("/api/v1/rectification/ladder")),
        new("GET /api/v1/rectification/outcomes", RctRead, (s, n) => Get("/api/v1/rectification/outcomes?year=2026")),
        new("POST /api/v1/rectification/outcomes", OfficeManage, (s, n) => Post("/api/v1/rectification/outcomes", new { kind = "Interview", measure = "None", year = 2026, unitId = s.UnitId, title = "效能约谈", text = "约谈纪要", heldOn = "2026-11-16", findingIds = new[] { Guid.Empty } })),
        new("POST /api/v1/rectification/outcomes/{id:guid}/publish", OfficeManage, (s, n) => Post($"/api/v1/rectification/outcomes/{Guid.Empty}/publish")),
        new("GET /api/v1/public/circulars", Access.Public, (s, n) => Get("/api/v1/public/circulars")),
        new("GET /api/v1/rectification/ledger", RctRead, (s, n) => Get("/api/v1/rectification/ledger?year=2026")),
        new("GET /api/v1/rectification/ledger/{unitId:guid}/{year:int}", RctRead, (s, n) => Get($"/api/v1/rectification/ledger/{s.UnitId}/2026")),
        new("GET /api/v1/rectification/ledger/{unitId:guid}/{year:int}/xlsx", RctRead, (s, n) => Get($"/api/v1/rectification/ledger/{s.UnitId}/2026/xlsx")),
        new("POST /api/v1/rectification/ledger/decisions", OfficeManage, (s, n) => Post("/api/v1/rectification/ledger/decisions", new { unitId = s.UnitId, year = 2026, points = 1, source = "Decision", description = "阻挠检查，酌情扣分" })),
        new("POST /api/v1/rectification/ledger/lines/{id:guid}/reverse", OfficeManage, (s, n) => Post($"/api/v1/rectification/ledger/lines/{Guid.Empty}/reverse", new { text = "决定撤销" })),
        // Satisfaction (issue 7). Rating devices post with a token of scope ratings:write only; business systems push
        // service records with a token (service-records:write) or the office enters them. The control centre and the
        // ratings are read by the office, leaders and the unit's liaison (own unit, SEC-2); follow-ups are the office's
        // and the unit's; surveys, flags, incentives and secondments are the office's.
        new("POST /api/v1/ratings", Access.Token("ratings:write"), (s, n) => Post("/api/v1/ratings", new { sectionId = s.SectionId, caseNumber = $"matrix-rate-{n}", level = 1 })),
        new("POST /api/v1/ratings/complaint", Access.Token("complaints:write"), (s, n) => Post("/api/v1/ratings/complaint", new { complaintNumber = $"matrix-cmp-{n}", sectionId = s.SectionId, level = 2, comment = "答复及时" })),
        new("POST /api/v1/service-records", OfficeManage, (s, n) => Post("/api/v1/service-records", new { caseNumber = $"matrix-case-{n}", sectionId = s.SectionId, citizenPhone = "13812345678", finishedAt = "2026-11-16T01:00:00Z" })),
        new("POST /api/v1/service-records/import", RatingsFollowUp, (s, n) => new ApiCall(HttpMethod.Post, "/api/v1/service-records/import", Csv: "办件编号,窗口编码,办结时间\nmatrix-import-none,no-such-window,2026-11-16 09:00\n")),
        new("GET /api/v1/service-records/import/template", RatingsFollowUp, (s, n) => Get("/api/v1/service-records/import/template")),
        new("GET /api/v1/service-records/{caseNumber}", RatingsRead, (s, n) => Get("/api/v1/service-records/matrix-none")),
        new("GET /api/v1/service-records", RatingsRead, (s, n) => Get("/api/v1/service-records?from=2026-11-16&to=2026-11-16")),
        new("GET /api/v1/ratings", RatingsRead, (s, n) => Get($"/api/v1/ratings?unitId={s.UnitId}&take=5")),
        new("GET /api/v1/ratings/today", RatingsRead, (s, n) => Get("/api/v1/ratings/today")),
        new("GET /api/v1/ratings/live", RatingsRead, (s, n) => Get("/api/v1/ratings/live")),
        new("POST /api/v1/ratings/{id:guid}/reveal-phone", RatingsFollowUp, (s, n) => Post($"/api/v1/ratings/{Guid.Empty}/reveal-phone")),
        new("GET /api/v1/sections/{id:guid}/rating-qr.png", RatingsRead, (s, n) => Get($"/api/v1/sections/{s.SectionId}/rating-qr.png")),
        new("GET /api/v1/sections/{id:guid}/rating-settings", RatingsRead, (s, n) => Get($"/api/v1/sections/{s.SectionId}/rating-settings")),
        new("PUT /api/v1/sections/{id:guid}/rating-settings", OfficeManage, (s, n) => Put($"/api/v1/sections/{s.SectionId}/rating-settings", new { scale = "ThreeLevel", signedCaseOnly = false })),
        new("GET /api/v1/follow-ups", RatingsFollowUp, (s, n) => Get("/api/v1/follow-ups")),
        new("GET /api/v1/follow-ups/{id:guid}", RatingsFollowUp, (s, n) => Get($"/api/v1/follow-ups/{Guid.Empty}")),
        new("POST /api/v1/follow-ups/{id:guid}/steps", RatingsFollowUp, (s, n) => Post($"/api/v1/follow-ups/{Guid.Empty}/steps", new { step = "CallBack", note = "矩阵", reached = true })),
        new("POST /api/v1/follow-ups/{id:guid}/failed-calls", RatingsFollowUp, (s, n) => Post($"/api/v1/follow-ups/{Guid.Empty}/failed-calls", new { note = "无人接听" })),
        new("POST /api/v1/follow-ups/{id:guid}/appeal", RatingsFollowUp, (s, n) => Post($"/api/v1/follow-ups/{Guid.Empty}/appeal", new { reason = "恶意评价" })),
        new("POST /api/v1/follow-ups/{id:guid}/appeal-decision", OfficeManage, (s, n) => Post($"/api/v1/follow-ups/{Guid.Empty}/appeal-decision", new { upheld = true, note = "矩阵" })),
        new("GET /api/v1/rating-flags", OfficeManage, (s, n) => Get("/api/v1/rating-flags?open=true")),
        new("POST /api/v1/rating-flags/{id:guid}/review", OfficeManage, (s, n) => Post($"/api/v1/rating-flags/{Guid.Empty}/review", new { confirmed = true })),
        new("POST /api/v1/surveys", OfficeManage, (s, n) => Post("/api/v1/surveys", new { year = 2026, quarter = 3, count = 5, seed = $"matrix-{n}" })),
        new("GET /api/v1/surveys", OfficeManage, (s, n) => Get("/api/v1/surveys")),
        new("GET /api/v1/surveys/{id:guid}", OfficeManage, (s, n) => Get($"/api/v1/surveys/{Guid.Empty}")),
        new("POST /api/v1/surveys/{id:guid}/replacements", OfficeManage, (s, n) => Post($"/api/v1/surveys/{Guid.Empty}/replacements")),
        new("GET /api/v1/surveys/{id:guid}/verify", OfficeManage, (s, n) => Get($"/api/v1/surveys/{Guid.Empty}/verify")),
        new("POST /api/v1/survey-calls/{id:guid}/reveal-phone", OfficeManage, (s, n) => Post($"/api/v1/survey-calls/{Guid.Empty}/reveal-phone")),
        new("POST /api/v1/survey-calls/{id:guid}/answer", OfficeManage, (s, n) => Post($"/api/v1/survey-calls/{Guid.Empty}/answer", new { reached = true, level = 1, scale = "ThreeLevel", comment = "满意" })),
        new("POST /api/v1/incentives/{year:int}/badges", OfficeManage, (s, n) => Post("/api/v1/incentives/2026/badges")),
        new("GET /api/v1/incentives/{year:int}/badges/{staffId:guid}", OfficeManage, (s, n) => Get($"/api/v1/incentives/2026/badges/{Guid.Empty}")),
        new("GET /api/v1/incentives/{year:int}/rankings/{kind}", OfficeManage, (s, n) => Get("/api/v1/incentives/2026/rankings/BestWindowUnit")),
        new("GET /api/v1/incentives/{year:int}/awards", OfficeManage, (s, n) => Get("/api/v1/incentives/2026/awards")),
        new("POST /api/v1/incentives/{year:int}/awards", OfficeManage, (s, n) => Post("/api/v1/incentives/2026/awards", new { kind = "BestWindowUnit", subjectId = s.UnitId, reason = "满意率第一" })),
        new("POST /api/v1/secondments", OfficeManage, (s, n) => Post("/api/v1/secondments", new { staffId = Guid.Empty, outletSectionId = s.SectionId, title = "第一副主任", start = "2026-12-01", end = "2027-11-30", targets = new[] { "办件提速" } })),
        new("POST /api/v1/secondments/{id:guid}/logs", OfficeManage, (s, n) => Post($"/api/v1/secondments/{Guid.Empty}/logs", new { day = "2026-11-16", onSite = true, text = "驻点" })),
        new("GET /api/v1/secondments/{id:guid}/presence", OfficeManage, (s, n) => Get($"/api/v1/secondments/{Guid.Empty}/presence?year=2026&month=11")),
        new("POST /api/v1/secondment-targets/{id:guid}/met", OfficeManage, (s, n) => Post($"/api/v1/secondment-targets/{Guid.Empty}/met?day=2026-11-16")),
        new("POST /api/v1/secondments/{id:guid}/end-term", OfficeManage, (s, n) => Post($"/api/v1/secondments/{Guid.Empty}/end-term")),
        // Complaints (CMP-1..CMP-11, SAT-6, SEC-4). The unit's acts are the liaisons'; the public form and tracking need no account.
        new("POST /api/v1/complaints", OfficeManage, (s, n) => Post("/api/v1/complaints", new { channel = "ComplaintHotline", type = "Attitude", unitId = s.UnitId, matter = "办证态度", reasons = "窗口人员态度生硬", name = "王五", phone = "13812345678", hasInterest = true, receivedAt = "2026-11-16T01:00:00Z" })),
        new("POST /api/v1/complaints/hotline", Access.Token("complaints:write"), (s, n) => Post("/api/v1/complaints/hotline", new { ticketNumber = $"12345-matrix-{n}", type = "SlowHandling", unitId = s.UnitId, matter = "营业执照办理超时", reasons = "超过承诺时限", name = "赵六", phone = "13912345678", receivedAt = "2026-11-16T01:00:00Z" })),
        new("GET /api/v1/complaints", CmpRead, (s, n) => Get("/api/v1/complaints?overdue=false&limit=10")),
        new("GET /api/v1/complaints/export.xlsx", CmpRead, (s, n) => Get("/api/v1/complaints/export.xlsx?overdue=false")),
        new("GET /api/v1/complaints/{id:guid}", CmpRead, (s, n) => Get($"/api/v1/complaints/{Guid.Empty}")),
        new("GET /api/v1/complaints/accountability", OfficeManage, (s, n) => Get("/api/v1/complaints/accountability")),
        new("GET /api/v1/complaints/trends", CmpRead, (s, n) => Get("/api/v1/complaints/trends?from=2026-01-01&to=2026-12-31")),
        new("POST /api/v1/complaints/trends/report", OfficeManage, (s, n) => Post("/api/v1/complaints/trends/report", new { from = "2026-11-01", to = "2026-11-30", note = "请关注" })),
        new("GET /api/v1/complaints/repeat-flags", CmpRead, (s, n) => Get("/api/v1/complaints/repeat-flags")),
        new("POST /api/v1/complaints/repeat-flags/{id:guid}/report", Access.Only(R.UnitLiaison), (s, n) => Post($"/api/v1/complaints/repeat-flags/{Guid.Empty}/report", new { body = "专项自查整改报告" })),
        new("POST /api/v1/complaints/repeat-flags/{id:guid}/file", OfficeManage, (s, n) => Post($"/api/v1/complaints/repeat-flags/{Guid.Empty}/file")),
        new("POST /api/v1/complaints/repeat-flags/{id:guid}/return", OfficeManage, (s, n) => Post($"/api/v1/complaints/repeat-flags/{Guid.Empty}/return", new { reason = "请补充" })),
        new("POST /api/v1/complaints/repeat-flags/{id:guid}/waive", OfficeManage, (s, n) => Post($"/api/v1/complaints/repeat-flags/{Guid.Empty}/waive", new { reason = "无须报送" })),
        new("POST /api/v1/complaints/{id:guid}/assign", OfficeManage, (s, n) => Post($"/api/v1/complaints/{Guid.Empty}/assign", new { unitId = s.UnitId, note = "请核查" })),
        new("POST /api/v1/complaints/{id:guid}/not-accepted", OfficeManage, (s, n) => Post($"/api/v1/complaints/{Guid.Empty}/not-accepted", new { reason = "InCourtOrDecided", note = "已进入诉讼" })),
        new("POST /api/v1/complaints/{id:guid}/extension-decision", OfficeManage, (s, n) => Post($"/api/v1/complaints/{Guid.Empty}/extension-decision", new { approved = true, note = "同意" })),
        new("POST /api/v1/complaints/{id:guid}/review", OfficeManage, (s, n) => Post($"/api/v1/complaints/{Guid.Empty}/review", new { accept = true, substantiated = false, note = "答复到位" })),
        new("POST /api/v1/complaints/{id:guid}/urge", OfficeManage, (s, n) => Post($"/api/v1/complaints/{Guid.Empty}/urge", new { body = "请抓紧办理" })),
        new("POST /api/v1/complaints/{id:guid}/accountability", OfficeManage, (s, n) => Post($"/api/v1/complaints/{Guid.Empty}/accountability", new { body = "诫勉谈话" })),
        new("POST /api/v1/complaints/{id:guid}/grant-contact", OfficeManage, (s, n) => Post($"/api/v1/complaints/{Guid.Empty}/grant-contact")),
        new("POST /api/v1/complaints/{id:guid}/query-code", OfficeManage, (s, n) => Post($"/api/v1/complaints/{Guid.Empty}/query-code")),
        new("POST /api/v1/complaints/{id:guid}/evidence-case", OfficeManage, (s, n) => Post($"/api/v1/complaints/{Guid.Empty}/evidence-case")),
        new("POST /api/v1/complaints/{id:guid}/clue", OfficeManage, (s, n) => Post($"/api/v1/complaints/{Guid.Empty}/clue", new { roundId = Guid.Empty, sectionId = s.SectionId })),
        new("POST /api/v1/complaints/{id:guid}/reveal", CmpRead, (s, n) => Post($"/api/v1/complaints/{Guid.Empty}/reveal")),
        new("POST /api/v1/complaints/{id:guid}/answer", Access.Only(R.UnitLiaison), (s, n) => Post($"/api/v1/complaints/{Guid.Empty}/answer", new { body = "已核实并整改" })),
        new("POST /api/v1/complaints/{id:guid}/return", Access.Only(R.UnitLiaison), (s, n) => Post($"/api/v1/complaints/{Guid.Empty}/return", new { body = "非本单位职责" })),
        new("POST /api/v1/complaints/{id:guid}/extension", Access.Only(R.UnitLiaison), (s, n) => Post($"/api/v1/complaints/{Guid.Empty}/extension", new { workingDays = 3, reason = "案情复杂" })),
        new("POST /api/v1/public/complaints", Access.Public, (s, n) => Post("/api/v1/public/complaints", new { type = "BuckPassing", unitId = s.UnitId, matter = "不动产登记", reasons = "多次往返", evidenceNote = "受理回执", name = "钱七", phone = "13712345678", hasInterest = true })),
        new("POST /api/v1/public/complaints/with-evidence", Access.Public, (s, n) => new ApiCall(HttpMethod.Post, "/api/v1/public/complaints/with-evidence", Form: new Dictionary<string, string>
        {
            ["type"] = "BuckPassing", ["unitId"] = s.UnitId.ToString(), ["matter"] = "不动产登记", ["reasons"] = "多次往返", ["evidenceNote"] = "受理回执", ["name"] = "钱七",
            ["phone"] = "13712345678", ["hasInterest"] = "true",
        })),
        new("GET /api/v1/public/complaints/{code}", Access.Public, (s, n) => Get("/api/v1/public/complaints/NOSUCHCODE23")),
        new("POST /api/v1/public/complaints/{code}/rating", Access.Public, (s, n) => Post("/api/v1/public/complaints/NOSUCHCODE23/rating", new { level = 1, comment = "满意" })),
        new("GET /api/v1/satisfaction/units/{id:guid}", RatingsRead, (s, n) => Get($"/api/v1/satisfaction/units/{s.UnitId}?from=2026-01-01&to=2026-12-31")),
        new("GET /api/v1/satisfaction/sections/{id:guid}", RatingsRead, (s, n) => Get($"/api/v1/satisfaction/sections/{s.SectionId}?from=2026-01-01&to=2026-12-31")),
        new("GET /api/v1/satisfaction/report", RatingsRead, (s, n) => Get("/api/v1/satisfaction/report?from=2026-01-01&to=2026-12-31")),
        new("POST /api/v1/satisfaction/report/document", OfficeManage, (s, n) => Post("/api/v1/satisfaction/report/document?from=2026-01-01&to=2026-12-31", new { note = "矩阵测试。" })),
        // Scoring (EV-1..EV-12)
        new("GET /api/v1/scoring/campaigns", ScoringSee, (s, n) => Get("/api/v1/scoring/campaigns?year=2026")),
        new("POST /api/v1/scoring/campaigns", OfficeManage, (s, n) => Post("/api/v1/scoring/campaigns", new { year = 2026, name = $"矩阵测评{n}", from = "2026-01-01", to = "2026-12-31", rules = new { policy = "Rescale" }, responseWorkingDays = 15 })),
        new("GET /api/v1/scoring/campaigns/{id:guid}", ScoringSee, (s, n) => Get($"/api/v1/scoring/campaigns/{Guid.Empty}")),
        new("PUT /api/v1/scoring/campaigns/{id:guid}", OfficeManage, (s, n) => Put($"/api/v1/scoring/campaigns/{Guid.Empty}", new { year = 2026, name = "矩阵测评", from = "2026-01-01", to = "2026-12-31" })),
        new("PUT /api/v1/scoring/campaigns/{id:guid}/sections", OfficeManage, (s, n) => Put($"/api/v1/scoring/campaigns/{Guid.Empty}/sections", new { sectionIds = new[] { s.SectionId } })),
        new("GET /api/v1/scoring/campaigns/{id:guid}/sections", ScoringSee, (s, n) => Get($"/api/v1/scoring/campaigns/{Guid.Empty}/sections")),
        new("POST /api/v1/scoring/campaigns/{id:guid}/open", OfficeManage, (s, n) => Post($"/api/v1/scoring/campaigns/{Guid.Empty}/open")),
        new("POST /api/v1/scoring/campaigns/{id:guid}/close", OfficeManage, (s, n) => Post($"/api/v1/scoring/campaigns/{Guid.Empty}/close")),
        new("POST /api/v1/scoring/campaigns/{id:guid}/publish", OfficeManage, (s, n) => Post($"/api/v1/scoring/campaigns/{Guid.Empty}/publish")),
        new("POST /api/v1/scoring/campaigns/{id:guid}/evaluations", ScoringFile, (s, n) => Post($"/api/v1/scoring/campaigns/{Guid.Empty}/evaluations", new { sectionId = s.SectionId, method = "Instant", grade = "Good", on = "2026-11-16", note = "矩阵" })),
        new("POST /api/v1/scoring/campaigns/{id:guid}/import", OfficeManage, (s, n) => new ApiCall(HttpMethod.Post, $"/api/v1/scoring/campaigns/{Guid.Empty}/import", Csv: "科室代码,测评方式,等次,日期\n")),
        new("GET /api/v1/scoring/import/template", OfficeManage, (s, n) => Get("/api/v1/scoring/import/template")),
        new("POST /api/v1/scoring/campaigns/{id:guid}/sittings", OfficeManage, (s, n) => Post($"/api/v1/scoring/campaigns/{Guid.Empty}/sittings", new { title = "集中测评", heldOn = "2026-11-16" })),
        new("GET /api/v1/scoring/campaigns/{id:guid}/sittings", OfficeManage, (s, n) => Get($"/api/v1/scoring/campaigns/{Guid.Empty}/sittings")),
        new("POST /api/v1/scoring/sittings/{id:guid}/close", OfficeManage, (s, n) => Post($"/api/v1/scoring/sittings/{Guid.Empty}/close")),
        new("POST /api/v1/scoring/sittings/{id:guid}/paper", OfficeManage, (s, n) => Post($"/api/v1/scoring/sittings/{Guid.Empty}/paper", new { grades = new[] { new { sectionId = s.SectionId, grade = "Good" } } })),
        new("POST /api/v1/scoring/sittings/{id:guid}/codes", OfficeManage, (s, n) => Post($"/api/v1/scoring/sittings/{Guid.Empty}/codes", new { count = 2, group = "人大代表" })),
        new("GET /api/v1/scoring/sittings/{id:guid}/codes", OfficeManage, (s, n) => Get($"/api/v1/scoring/sittings/{Guid.Empty}/codes")),
        new("POST /api/v1/scoring/sittings/{id:guid}/codes/revoke", OfficeManage, (s, n) => Post($"/api/v1/scoring/sittings/{Guid.Empty}/codes/revoke", new { serial = 1, reissue = true })),
        new("POST /api/v1/scoring/sittings/{id:guid}/require-codes", OfficeManage, (s, n) => Post($"/api/v1/scoring/sittings/{Guid.Empty}/require-codes")),
        new("GET /api/v1/scoring/sit/{token}", Access.Public, (s, n) => Get("/api/v1/scoring/sit/00000000000000000000000000000000")),
        new("POST /api/v1/scoring/sit/{token}", Access.Public, (s, n) => Post("/api/v1/scoring/sit/00000000000000000000000000000000", new { ballotKey = $"matrix-ballot-{n}", grades = new[] { new { sectionId = s.SectionId, grade = "Good" } } })),
        new("POST /api/v1/scoring/campaigns/{id:guid}/compute", OfficeManage, (s, n) => Post($"/api/v1/scoring/campaigns/{Guid.Empty}/compute")),
        new("GET /api/v1/scoring/campaigns/{id:guid}/computations", OfficeManage, (s, n) => Get($"/api/v1/scoring/campaigns/{Guid.Empty}/computations")),
        new("GET /api/v1/scoring/campaigns/{id:guid}/reproduce", OfficeManage, (s, n) => Get($"/api/v1/scoring/campaigns/{Guid.Empty}/reproduce")),
        new("GET /api/v1/scoring/campaigns/{id:guid}/results", ScoringRead, (s, n) => Get($"/api/v1/scoring/campaigns/{Guid.Empty}/results?categoryId={s.CategoryId}")),
        new("GET /api/v1/scoring/campaigns/{id:guid}/results/{sectionId:guid}", ScoringRead, (s, n) => Get($"/api/v1/scoring/campaigns/{Guid.Empty}/results/{s.SectionId}")),
        new("GET /api/v1/scoring/campaigns/{id:guid}/results/{sectionId:guid}/evaluations", ScoringRead, (s, n) => Get($"/api/v1/scoring/campaigns/{Guid.Empty}/results/{s.SectionId}/evaluations?method=Instant&grade=Good")),
        new("POST /api/v1/scoring/campaigns/{id:guid}/results/{sectionId:guid}/accountability", OfficeManage, (s, n) => Post($"/api/v1/scoring/campaigns/{Guid.Empty}/results/{s.SectionId}/accountability", new { measure = "Criticism", personName = "王科长", text = "得分低于70分" })),
        new("GET /api/v1/scoring/explanations", ScoringRead, (s, n) => Get($"/api/v1/scoring/explanations?campaignId={Guid.Empty}&year=2026")),
        new("GET /api/v1/scoring/campaigns/{id:guid}/results/{sectionId:guid}/explanation", ScoringRead, (s, n) => Get($"/api/v1/scoring/campaigns/{Guid.Empty}/results/{s.SectionId}/explanation")),
        new("POST /api/v1/scoring/campaigns/{id:guid}/results/{sectionId:guid}/explanation", Access.Only(R.UnitLiaison), (s, n) => Post($"/api/v1/scoring/campaigns/{Guid.Empty}/results/{s.SectionId}/explanation", new { text = "矩阵说明" })),
        new("POST /api/v1/scoring/campaigns/{id:guid}/results/{sectionId:guid}/explanation/accept", OfficeManage, (s, n) => Post($"/api/v1/scoring/campaigns/{Guid.Empty}/results/{s.SectionId}/explanation/accept")),
        new("POST /api/v1/scoring/campaigns/{id:guid}/results/{sectionId:guid}/explanation/send-back", OfficeManage, (s, n) => Post($"/api/v1/scoring/campaigns/{Guid.Empty}/results/{s.SectionId}/explanation/send-back", new { reason = "矩阵退回" })),
        new("GET /api/v1/scoring/assessments/{year:int}", ScoringRead, (s, n) => Get($"/api/v1/scoring/assessments/2026?unitId={s.UnitId}")),
        new("GET /api/v1/scoring/assessments/{year:int}/xlsx", ScoringRead, (s, n) => Get("/api/v1/scoring/assessments/2026/xlsx")),
        new("POST /api/v1/scoring/assessments/{year:int}/document", OfficeManage, (s, n) => Post("/api/v1/scoring/assessments/1999/document")),
        new("GET /api/v1/scoring/overview/{year:int}", Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Leader), (s, n) => Get("/api/v1/scoring/overview/2026")),
        new("GET /api/v1/public/scoring/campaigns", Access.Public, (s, n) => Get("/api/v1/public/scoring/campaigns")),
        new("GET /api/v1/public/scoring/campaigns/{id:guid}", Access.Public, (s, n) => Get($"/api/v1/public/scoring/campaigns/{Guid.Empty}")),
    ];

    /// <summary>The /api/v1 endpoints the running app maps, as "METHOD /route/pattern".</summary>
    public static IReadOnlyList<string> MappedEndpoints(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Pattern: "/" + (e.RoutePattern.RawText ?? "").Trim('/'), Methods: e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]))
            .Where(e => e.Pattern.StartsWith("/api/v1/", StringComparison.Ordinal) || e.Pattern == "/api/v1")
            .SelectMany(e => e.Methods.Select(m => $"{m} {e.Pattern}"))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>A client that sends exactly the given cookies and keeps none: a login or logout through it changes nothing for the next call.</summary>
    public static HttpClient ClientWithCookies(MingchaApp app, string? cookieHeader)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        if (cookieHeader is not null) client.DefaultRequestHeaders.Add("Cookie", cookieHeader);
        return client;
    }

    /// <summary>Signs a fresh user of <paramref name="role"/> in and returns the session cookies as a Cookie header.</summary>
    public static async Task<string> SessionCookieAsync(MingchaApp app, string role, Guid? unitId = null)
    {
        var user = await app.CreateUserAsync(role, unitId);
        using var client = ClientWithCookies(app, null);
        var response = await MingchaApp.LoginAsync(client, user);
        await response.ExpectAsync(HttpStatusCode.NoContent);
        var cookies = response.Headers.GetValues("Set-Cookie")
            .Select(c => c.Split(';', 2)[0])
            .Where(c => c.Length > c.IndexOf('=', StringComparison.Ordinal) + 1) // a deleted cookie has no value
            .ToList();
        Assert.Contains(cookies, c => c.StartsWith("mingcha.auth", StringComparison.Ordinal));
        return string.Join("; ", cookies);
    }
}
