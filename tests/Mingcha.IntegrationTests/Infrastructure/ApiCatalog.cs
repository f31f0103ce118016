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
public sealed record ApiCall(HttpMethod Method, string Path, string? Json = null, string? Csv = null)
{
    public HttpRequestMessage ToRequest()
    {
        var request = new HttpRequestMessage(Method, Path);
        if (Json is not null) request.Content = new StringContent(Json, Encoding.UTF8, "application/json");
        else if (Csv is not null) request.Content = new StringContent(Csv, Encoding.UTF8, "text/csv");
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
    Guid ApprovedSupervisorId, string TargetAccountId, Guid TokenId, MingchaApp.TestUser LoginUser)
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
        await (await office.PostJsonAsync("/api/v1/staff", new { unitId = unit.Id, code = $"seed-st-{tag}", name = "张三", employment = "InService", phone = "13812345678" })).ExpectAsync(HttpStatusCode.Created);

        var target = await app.CreateUserAsync(R.Leader);
        var login = await app.CreateUserAsync(R.Leader);
        var system = await app.ClientAsAsync(R.SystemAdmin);
        var token = await (await system.PostJsonAsync("/api/v1/tokens", new { name = "seed", scopes = new[] { "org:read" } })).ReadAsync<Created>(HttpStatusCode.Created);
        return new ApiSeed(category.Id, unit.Id, other.Id, section.Id, item.Id, recommended.Id, approved.Id, target.Id, token.Id, login);
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
    private static readonly Access OrgPeopleRead = Access.Only(R.OfficeAdmin, R.OfficeStaff, R.Leader);
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
        new("POST /api/v1/accounts", Access.Only(R.SystemAdmin), (s, n) => Post("/api/v1/accounts", new { userName = $"matrix-{n}", displayName = "矩阵测试", unitId = s.UnitId, password = "Abcdefgh12" })),
        new("POST /api/v1/accounts/{id}/lock", Access.Only(R.SystemAdmin), (s, n) => Post($"/api/v1/accounts/{s.TargetAccountId}/lock")),
        new("POST /api/v1/accounts/{id}/unlock", Access.Only(R.SystemAdmin), (s, n) => Post($"/api/v1/accounts/{s.TargetAccountId}/unlock")),
        new("PUT /api/v1/accounts/{id}/roles", Access.Only(R.SecurityAdmin), (s, n) => Put($"/api/v1/accounts/{s.TargetAccountId}/roles", new { roles = new[] { R.Leader } })),
        new("GET /api/v1/tokens", Access.Only(R.SystemAdmin), (s, n) => Get("/api/v1/tokens")),
        new("POST /api/v1/tokens", Access.Only(R.SystemAdmin), (s, n) => Post("/api/v1/tokens", new { name = $"matrix-{n}", scopes = new[] { "ratings:write" }, unitId = s.UnitId, expiresInDays = 30 })),
        new("POST /api/v1/tokens/{id:guid}/revoke", Access.Only(R.SystemAdmin), (s, n) => Post($"/api/v1/tokens/{s.TokenId}/revoke")),

        // The auditor, and only the auditor, reads the audit log.
        new("GET /api/v1/audit", Access.Only(R.Auditor), (s, n) => Get("/api/v1/audit?entityType=Unit&take=5")),
        new("GET /api/v1/audit/verify", Access.Only(R.Auditor), (s, n) => Get("/api/v1/audit/verify")),
        new("GET /api/v1/audit/entity-types", Access.Only(R.Auditor), (s, n) => Get("/api/v1/audit/entity-types")),

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
        new("POST /api/v1/staff", OfficeManage, (s, n) => Post("/api/v1/staff", new { unitId = s.UnitId, sectionId = s.SectionId, code = $"matrix-staff-{n}", name = "李四", employment = "Contracted", position = "窗口工作人员", phone = "13912345678", idNumber = "110101199003074477" })),
        // Who the supervisors, teams and agencies are is kept from inspected units and inspectors.
        new("GET /api/v1/supervisors", OrgPeopleRead, (s, n) => Get("/api/v1/supervisors")),
        new("POST /api/v1/supervisors", OfficeManage, (s, n) => Post("/api/v1/supervisors", new { code = $"matrix-sup-{n}", name = "赵监督", phone = "13712345678", recommendedByUnitId = s.UnitId })),
        new("POST /api/v1/supervisors/{id:guid}/approve", Access.Only(R.OfficeAdmin), (s, n) => Post($"/api/v1/supervisors/{s.RecommendedSupervisorId}/approve")),
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
        // tus discovery is open by the protocol; creating and resuming an upload needs an account.
        new("OPTIONS /api/v1/evidence/uploads", Access.Public, (s, n) => new ApiCall(HttpMethod.Options, "/api/v1/evidence/uploads")),
        new("OPTIONS /api/v1/evidence/uploads/{id:guid}", Access.Public, (s, n) => new ApiCall(HttpMethod.Options, $"/api/v1/evidence/uploads/{Guid.Empty}")),
        new("POST /api/v1/evidence/uploads", Access.SignedIn, (s, n) => Post("/api/v1/evidence/uploads")),
        new("HEAD /api/v1/evidence/uploads/{id:guid}", Access.SignedIn, (s, n) => new ApiCall(HttpMethod.Head, $"/api/v1/evidence/uploads/{Guid.Empty}")),
        new("PATCH /api/v1/evidence/uploads/{id:guid}", Access.SignedIn, (s, n) => new ApiCall(HttpMethod.Patch, $"/api/v1/evidence/uploads/{Guid.Empty}")),
        // Satisfaction (issue 7). Rating devices post with a token of scope ratings:write only; business systems push
        // service records with a token (service-records:write) or the office enters them. The control centre and the
        // ratings are read by the office, leaders and the unit's liaison (own unit, SEC-2); follow-ups are the office's
        // and the unit's; surveys, flags, incentives and secondments are the office's.
        new("POST /api/v1/ratings", Access.Token("ratings:write"), (s, n) => Post("/api/v1/ratings", new { sectionId = s.SectionId, caseNumber = $"matrix-rate-{n}", level = 1 })),
        new("POST /api/v1/ratings/complaint", Access.Token("complaints:write"), (s, n) => Post("/api/v1/ratings/complaint", new { complaintNumber = $"matrix-cmp-{n}", sectionId = s.SectionId, level = 2, comment = "答复及时" })),
        new("POST /api/v1/service-records", OfficeManage, (s, n) => Post("/api/v1/service-records", new { caseNumber = $"matrix-case-{n}", sectionId = s.SectionId, citizenPhone = "13812345678", finishedAt = "2026-11-16T01:00:00Z" })),
        new("POST /api/v1/service-records/import", OfficeManage, (s, n) => new ApiCall(HttpMethod.Post, "/api/v1/service-records/import", Csv: "办件编号,窗口编码,办结时间\nmatrix-import-none,no-such-window,2026-11-16 09:00\n")),
        new("GET /api/v1/service-records/import/template", OfficeManage, (s, n) => Get("/api/v1/service-records/import/template")),
        new("GET /api/v1/service-records/{caseNumber}", RatingsRead, (s, n) => Get("/api/v1/service-records/matrix-none")),
        new("GET /api/v1/ratings", RatingsRead, (s, n) => Get($"/api/v1/ratings?unitId={s.UnitId}&take=5")),
        new("GET /api/v1/ratings/today", RatingsRead, (s, n) => Get("/api/v1/ratings/today")),
        new("GET /api/v1/ratings/live", RatingsRead, (s, n) => Get("/api/v1/ratings/live")),
        new("POST /api/v1/ratings/{id:guid}/reveal-phone", RatingsFollowUp, (s, n) => Post($"/api/v1/ratings/{Guid.Empty}/reveal-phone")),
        new("GET /api/v1/sections/{id:guid}/rating-qr.png", RatingsRead, (s, n) => Get($"/api/v1/sections/{s.SectionId}/rating-qr.png")),
        new("GET /api/v1/follow-ups", RatingsFollowUp, (s, n) => Get("/api/v1/follow-ups")),
        new("GET /api/v1/follow-ups/{id:guid}", RatingsFollowUp, (s, n) => Get($"/api/v1/follow-ups/{Guid.Empty}")),
        new("POST /api/v1/follow-ups/{id:guid}/steps", RatingsFollowUp, (s, n) => Post($"/api/v1/follow-ups/{Guid.Empty}/steps", new { step = "CallBack", note = "矩阵", reached = true })),
        new("POST /api/v1/follow-ups/{id:guid}/appeal", RatingsFollowUp, (s, n) => Post($"/api/v1/follow-ups/{Guid.Empty}/appeal", new { reason = "恶意评价" })),
        new("POST /api/v1/follow-ups/{id:guid}/appeal-decision", OfficeManage, (s, n) => Post($"/api/v1/follow-ups/{Guid.Empty}/appeal-decision", new { upheld = true, note = "矩阵" })),
        new("GET /api/v1/rating-flags", OfficeManage, (s, n) => Get("/api/v1/rating-flags?open=true")),
        new("POST /api/v1/rating-flags/{id:guid}/review", OfficeManage, (s, n) => Post($"/api/v1/rating-flags/{Guid.Empty}/review", new { confirmed = true })),
        new("POST /api/v1/surveys", OfficeManage, (s, n) => Post("/api/v1/surveys", new { year = 2026, quarter = 3, count = 5, seed = $"matrix-{n}" })),
        new("GET /api/v1/surveys/{id:guid}", OfficeManage, (s, n) => Get($"/api/v1/surveys/{Guid.Empty}")),
        new("GET /api/v1/surveys/{id:guid}/verify", OfficeManage, (s, n) => Get($"/api/v1/surveys/{Guid.Empty}/verify")),
        new("POST /api/v1/survey-calls/{id:guid}/reveal-phone", OfficeManage, (s, n) => Post($"/api/v1/survey-calls/{Guid.Empty}/reveal-phone")),
        new("POST /api/v1/survey-calls/{id:guid}/answer", OfficeManage, (s, n) => Post($"/api/v1/survey-calls/{Guid.Empty}/answer", new { reached = true, level = 1, scale = "ThreeLevel", comment = "满意" })),
        new("POST /api/v1/incentives/{year:int}/badges", OfficeManage, (s, n) => Post("/api/v1/incentives/2026/badges")),
        new("GET /api/v1/incentives/{year:int}/badges/{staffId:guid}", OfficeManage, (s, n) => Get($"/api/v1/incentives/2026/badges/{Guid.Empty}")),
        new("GET /api/v1/incentives/{year:int}/rankings/{kind}", OfficeManage, (s, n) => Get("/api/v1/incentives/2026/rankings/BestWindowUnit")),
        new("POST /api/v1/incentives/{year:int}/awards", OfficeManage, (s, n) => Post("/api/v1/incentives/2026/awards", new { kind = "BestWindowUnit", subjectId = s.UnitId, reason = "满意率第一" })),
        new("POST /api/v1/secondments", OfficeManage, (s, n) => Post("/api/v1/secondments", new { staffId = Guid.Empty, outletSectionId = s.SectionId, title = "第一副主任", start = "2026-12-01", end = "2027-11-30", targets = new[] { "办件提速" } })),
        new("POST /api/v1/secondments/{id:guid}/logs", OfficeManage, (s, n) => Post($"/api/v1/secondments/{Guid.Empty}/logs", new { day = "2026-11-16", onSite = true, text = "驻点" })),
        new("GET /api/v1/secondments/{id:guid}/presence", OfficeManage, (s, n) => Get($"/api/v1/secondments/{Guid.Empty}/presence?year=2026&month=11")),
        new("POST /api/v1/secondment-targets/{id:guid}/met", OfficeManage, (s, n) => Post($"/api/v1/secondment-targets/{Guid.Empty}/met?day=2026-11-16")),
        new("POST /api/v1/secondments/{id:guid}/end-term", OfficeManage, (s, n) => Post($"/api/v1/secondments/{Guid.Empty}/end-term")),
        new("GET /api/v1/satisfaction/units/{id:guid}", RatingsRead, (s, n) => Get($"/api/v1/satisfaction/units/{s.UnitId}?from=2026-01-01&to=2026-12-31")),
        new("GET /api/v1/satisfaction/sections/{id:guid}", RatingsRead, (s, n) => Get($"/api/v1/satisfaction/sections/{s.SectionId}?from=2026-01-01&to=2026-12-31")),
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
