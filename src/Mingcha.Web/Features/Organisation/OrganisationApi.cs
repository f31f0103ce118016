using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Identifiers;
using Mingcha.Domain.Organisation;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Organisation;

/// <summary>
/// The organisation registry (ORG-1, ORG-2, ORG-3, ORG-4, ORG-6). Unit-bound users see their own unit's people only (SEC-2).
/// The endpoints and the /Org pages call the same static queries and handlers below; handlers report bad input as
/// <see cref="FieldException"/>, a missing record as <see cref="NotFoundException"/> and a broken rule as <see cref="DomainRuleException"/>.
/// </summary>
public static class OrganisationApi
{
    public sealed record CategoryDto(Guid Id, string Code, string Name, int Units);
    public sealed record CategoryHistoryDto(DateTime ValidFrom, string Code, string Name);
    public sealed record UnitDto(Guid Id, string Code, string Name, string? ShortName, string? CreditCode, Guid? ParentUnitId, Guid? CategoryId, string? CategoryName, bool Active, bool IsDemo, int Sections);
    public sealed record UnitHistoryDto(DateTime ValidFrom, string Code, string Name, Guid? ParentUnitId, bool Active = true);
    public sealed record UnitCategoryDto(int Year, Guid CategoryId, string CategoryName);
    public sealed record SectionDto(Guid Id, Guid UnitId, string Code, string Name, SectionKind Kind, Guid? ParentSectionId, string? Address, bool Active);
    public sealed record SectionAsOfDto(Guid Id, DateTime AsOf, Guid UnitId, string Code, string Name, SectionKind Kind, bool Active = true);
    public sealed record SectionHistoryDto(DateTime ValidFrom, Guid UnitId, string Code, string Name, SectionKind Kind, bool Active = true);
    public sealed record StaffDto(Guid Id, Guid UnitId, Guid? SectionId, string Code, string Name, EmploymentType Employment, string? Position, string Phone, string IdNumber, bool Active);
    public sealed record StaffHistoryDto(DateTime ValidFrom, Guid UnitId, Guid? SectionId, string Code, string Name, EmploymentType Employment, string? Position,
        bool Active = true);
    public sealed record StaffAsOfDto(Guid Id, DateTime AsOf, Guid UnitId, Guid? SectionId, string Code, string Name, EmploymentType Employment, string? Position,
        bool Active = true);
    /// <summary>What moves with a section to another unit (decision 026): the sections below it and the staff of all of them.</summary>
    public sealed record MoveScopeDto(int Sections, int Staff);
    /// <summary><c>UserName</c>: the account the supervisor signs in with, if one is linked (ORG-3).</summary>
    public sealed record SupervisorDto(Guid Id, string Code, string Name, SupervisorStatus Status, Guid? RecommendedByUnitId, DateTime? ApprovedAt, string? UserName = null);
    public sealed record TeamDto(Guid Id, string Name, string? Task, Guid? LeaderId, IReadOnlyList<Guid> Members);
    public sealed record AgencyDto(Guid Id, string Name, string? CreditCode, DateOnly ContractStart, DateOnly ContractEnd);
    public sealed record ServiceItemDto(Guid Id, string Code, string Name, Guid? UnitId, int? StatutoryDays, int? PromisedDays);
    public sealed record SectionItemDto(Guid ServiceItemId, string Code, string Name, bool Mandatory);

    public sealed record CreateCategory([property: Required, StringLength(64)] string Code, [property: Required, StringLength(200)] string Name);
    public sealed record UpdateCategory([property: Required, StringLength(200)] string Name);
    public sealed record CreateUnit([property: Required, StringLength(64)] string Code, [property: Required, StringLength(200)] string Name, [property: StringLength(100)] string? ShortName, string? CreditCode, Guid? ParentUnitId, Guid? CategoryId, int? Year);
    /// <summary>A change of a unit; <c>Active</c> false closes it (撤销), true opens it again (ORG-1).</summary>
    public sealed record UpdateUnit([property: StringLength(200)] string? Name, Guid? ParentUnitId, bool MoveToTop = false, bool? Active = null);
    public sealed record AssignCategory(int Year, Guid CategoryId);
    public sealed record CreateSection([property: Required] Guid UnitId, [property: Required, StringLength(64)] string Code, [property: Required, StringLength(200)] string Name, SectionKind Kind, Guid? ParentSectionId, [property: StringLength(300)] string? Address);
    /// <summary>A change of a section; <c>Active</c> false closes it (撤销), true opens it again (ORG-1).</summary>
    public sealed record UpdateSection([property: StringLength(200)] string? Name, Guid? UnitId, bool? Active = null);
    public sealed record CreateStaff([property: Required] Guid UnitId, Guid? SectionId, [property: Required, StringLength(64)] string Code, [property: Required, StringLength(100)] string Name, EmploymentType Employment, [property: StringLength(100)] string? Position, string? Phone, string? IdNumber);
    /// <summary>A change of a person (ORG-1, ORG-2): what is null stays; <c>ClearSection</c> leaves the person without a section; an empty position clears it.</summary>
    /// <summary>A change of a staff member; <c>Active</c> false records their departure (离岗), true their return (ORG-1).</summary>
    public sealed record UpdateStaff([property: StringLength(100)] string? Name, EmploymentType? Employment, Guid? SectionId, bool ClearSection = false, [property: StringLength(100)] string? Position = null,
        bool? Active = null);
    public sealed record CreateSupervisor([property: Required, StringLength(64)] string Code, [property: Required, StringLength(100)] string Name, string? Phone, Guid? RecommendedByUnitId);
    /// <summary>ORG-3: the account an approved supervisor signs in with, by its user name; empty unlinks.</summary>
    /// <summary>ORG-3: the account's user name, required; an empty one ("") unlinks (a body without it is refused, not an unlink).</summary>
    public sealed record LinkSupervisorAccount([property: Required(AllowEmptyStrings = true), StringLength(256)] string? UserName);
    public sealed record CreateTeam([property: Required, StringLength(200)] string Name, string? Task, [property: Required] IReadOnlyList<Guid> Members, Guid LeaderId);
    public sealed record CreateAgency([property: Required, StringLength(200)] string Name, string? CreditCode, DateOnly ContractStart, DateOnly ContractEnd);
    public sealed record CreateServiceItem([property: Required, StringLength(64)] string Code, [property: Required, StringLength(300)] string Name, Guid? UnitId, int? StatutoryDays, int? PromisedDays);
    public sealed record SetSectionItem(Guid ServiceItemId, bool Mandatory);

    public static void Map(IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/v1").WithTags("Organisation");

        // The year by default is the office's (Asia/Shanghai), as on the pages: not the UTC year, which is the year before
        // for the first eight hours of 1 January.
        g.MapGet("/categories", async (MingchaDb db, int? year, LocalClock clock, CancellationToken ct) =>
            await ListCategoriesAsync(db, year ?? clock.Today.Year, ct)).RequireAuthorization(Policies.OrgRead);
        g.MapGet("/categories/years", async (MingchaDb db, CancellationToken ct) => await CategoryYearsAsync(db, ct))
            .RequireAuthorization(Policies.OrgRead);
        g.MapPost("/categories", async (CreateCategory req, MingchaDb db, TimeProvider time, CancellationToken ct) =>
        {
            var c = await CreateCategoryAsync(req, db, time, ct);
            return Results.Created($"/api/v1/categories/{c.Id}", c);
        }).RequireAuthorization(Policies.OfficeManage);
        g.MapPatch("/categories/{id:guid}", async (Guid id, UpdateCategory req, MingchaDb db, TimeProvider time, CancellationToken ct) =>
        {
            await RenameCategoryAsync(id, req, db, time, ct);
            return Results.NoContent();
        }).RequireAuthorization(Policies.OfficeManage);
        g.MapGet("/categories/{id:guid}/history", async (Guid id, MingchaDb db, CancellationToken ct) => await CategoryHistoryAsync(db, id, ct))
            .RequireAuthorization(Policies.OrgRead);

        g.MapGet("/units", async (MingchaDb db, int? year, Guid? categoryId, string? q, LocalClock clock, CancellationToken ct) =>
            await ListUnitsAsync(db, year ?? clock.Today.Year, categoryId, q, ct)).RequireAuthorization(Policies.OrgRead);
        g.MapGet("/units/{id:guid}", async (Guid id, MingchaDb db, LocalClock clock, CancellationToken ct) =>
            (await ListUnitsAsync(db, clock.Today.Year, null, null, ct, id)).FirstOrDefault() is { } u ? Results.Ok(u) : Results.NotFound())
            .RequireAuthorization(Policies.OrgRead);
        g.MapGet("/units/{id:guid}/history", async (Guid id, MingchaDb db, CancellationToken ct) => await UnitHistoryAsync(db, id, ct))
            .RequireAuthorization(Policies.OrgRead);
        g.MapGet("/units/{id:guid}/categories", async (Guid id, MingchaDb db, CancellationToken ct) => await UnitCategoriesAsync(db, id, ct))
            .RequireAuthorization(Policies.OrgRead);
        g.MapPost("/units", async (CreateUnit req, MingchaDb db, TimeProvider time, LocalClock clock, CancellationToken ct) =>
        {
            var unit = await CreateUnitAsync(req with { Year = req.Year ?? clock.Today.Year }, db, time, ct);
            return Results.Created($"/api/v1/units/{unit.Id}", unit);
        }).RequireAuthorization(Policies.OfficeManage);
        g.MapPatch("/units/{id:guid}", async (Guid id, UpdateUnit req, MingchaDb db, TimeProvider time, CancellationToken ct) =>
        {
            await UpdateUnitAsync(id, req, db, time, ct);
            return Results.NoContent();
        }).RequireAuthorization(Policies.OfficeManage);
        g.MapPut("/units/{id:guid}/category", async (Guid id, AssignCategory req, MingchaDb db, CancellationToken ct) =>
        {
            await AssignCategoryAsync(id, req, db, ct);
            return Results.NoContent();
        }).RequireAuthorization(Policies.OfficeManage);

        g.MapGet("/units/{id:guid}/sections", async (Guid id, MingchaDb db, CancellationToken ct) => await ListSectionsAsync(db, id, ct))
            .RequireAuthorization(Policies.OrgRead);
        g.MapGet("/sections/{id:guid}", async (Guid id, MingchaDb db, CancellationToken ct) =>
            await GetSectionAsync(db, id, ct) is { } s ? Results.Ok(s) : Results.NotFound()).RequireAuthorization(Policies.OrgRead);
        g.MapGet("/sections/{id:guid}/history", async (Guid id, MingchaDb db, CancellationToken ct) => await SectionHistoryAsync(db, id, ct))
            .RequireAuthorization(Policies.OrgRead);
        g.MapGet("/sections/{id:guid}/as-of", async (Guid id, DateTime at, MingchaDb db, LocalClock clock, CancellationToken ct) =>
        {
            // ORG-1: a record from 2025 shows the section as it was then.
            var atUtc = OfficeTime.ToUtc(at, clock.Zone, "at")!.Value;
            var v = await AsOfAsync(db.SectionVersions.Where(x => x.SectionId == id), atUtc, ct);
            return v is null ? Results.NotFound() : Results.Ok(new SectionAsOfDto(id, atUtc, v.UnitId, v.Code, v.Name, v.Kind, v.Active));
        }).RequireAuthorization(Policies.OrgRead);
        g.MapPost("/sections", async (CreateSection req, MingchaDb db, TimeProvider time, CancellationToken ct) =>
        {
            var s = await CreateSectionAsync(req, db, time, ct);
            return Results.Created($"/api/v1/sections/{s.Id}", s);
        }).RequireAuthorization(Policies.OfficeManage);
        g.MapPatch("/sections/{id:guid}", async (Guid id, UpdateSection req, MingchaDb db, TimeProvider time, CancellationToken ct) =>
        {
            await UpdateSectionAsync(id, req, db, time, ct); // the rating intake sees it from the next request (DirectoryChanges)
            return Results.NoContent();
        }).RequireAuthorization(Policies.OfficeManage);
        g.MapGet("/sections/{id:guid}/service-items", async (Guid id, MingchaDb db, CancellationToken ct) => await SectionItemsAsync(db, id, ct))
            .RequireAuthorization(Policies.OrgRead);
        g.MapPut("/sections/{id:guid}/service-items", async (Guid id, SetSectionItem req, MingchaDb db, CancellationToken ct) =>
        {
            await SetSectionItemAsync(id, req, db, ct);
            return Results.NoContent();
        }).RequireAuthorization(Policies.OfficeManage);

        g.MapGet("/units/{id:guid}/staff", async (Guid id, MingchaDb db, HttpContext ctx, CancellationToken ct) =>
            // SEC-2: a unit's users see their own unit's people, never another unit's.
            MaySeeStaff(ctx.User, id) ? Results.Ok(await ListStaffAsync(db, id, ct)) : Results.NotFound())
            .RequireAuthorization(p => p.RequireRole(StaffReaders));
        g.MapPost("/staff", async (CreateStaff req, MingchaDb db, TimeProvider time, LocalClock clock, CancellationToken ct) =>
        {
            var s = await CreateStaffAsync(req, db, time, clock.Today, ct);
            return Results.Created($"/api/v1/staff/{s.Id}", s);
        }).RequireAuthorization(Policies.OfficeManage);
        // SEC-2: one person, their history and their state at a date, for those who may see their unit's people (404 otherwise).
        g.MapGet("/staff/{id:guid}", async (Guid id, MingchaDb db, HttpContext ctx, CancellationToken ct) =>
            await GetStaffAsync(db, id, ct) is { } s && MaySeeStaff(ctx.User, s.UnitId) ? Results.Ok(s) : Results.NotFound())
            .RequireAuthorization(p => p.RequireRole(StaffReaders));
        g.MapGet("/staff/{id:guid}/history", async (Guid id, MingchaDb db, HttpContext ctx, CancellationToken ct) =>
            await StaffUnitAsync(db, id, ct) is { } unit && MaySeeStaff(ctx.User, unit) ? Results.Ok(await StaffHistoryAsync(db, id, ct)) : Results.NotFound())
            .RequireAuthorization(p => p.RequireRole(StaffReaders));
        g.MapGet("/staff/{id:guid}/as-of", async (Guid id, DateTime at, MingchaDb db, HttpContext ctx, LocalClock clock, CancellationToken ct) =>
        {
            // ORG-1: the person a finding of 2025 names, as they were then.
            if (await StaffUnitAsync(db, id, ct) is not { } unit || !MaySeeStaff(ctx.User, unit)) return Results.NotFound();
            var atUtc = OfficeTime.ToUtc(at, clock.Zone, "at")!.Value;
            var v = await AsOfAsync(db.StaffVersions.Where(x => x.StaffId == id), atUtc, ct);
            return v is null ? Results.NotFound() : Results.Ok(new StaffAsOfDto(id, atUtc, v.UnitId, v.SectionId, v.Code, v.Name, v.Employment, v.Position, v.Active));
        }).RequireAuthorization(p => p.RequireRole(StaffReaders));
        g.MapPatch("/staff/{id:guid}", async (Guid id, UpdateStaff req, MingchaDb db, TimeProvider time, CancellationToken ct) =>
        {
            await UpdateStaffAsync(id, req, db, time, ct);
            return Results.NoContent();
        }).RequireAuthorization(Policies.OfficeManage);

        g.MapGet("/supervisors", async (MingchaDb db, CancellationToken ct) => await ListSupervisorsAsync(db, ct))
            .RequireAuthorization(Policies.OrgPeopleRead);
        g.MapPost("/supervisors", async (CreateSupervisor req, MingchaDb db, CancellationToken ct) =>
        {
            var s = await CreateSupervisorAsync(req, db, ct);
            return Results.Created($"/api/v1/supervisors/{s.Id}", s);
        }).RequireAuthorization(Policies.OfficeManage);
        g.MapPost("/supervisors/{id:guid}/approve", async (Guid id, MingchaDb db, TimeProvider time, CancellationToken ct) =>
        {
            await ApproveSupervisorAsync(id, db, time, ct);
            return Results.NoContent();
        }).RequireAuthorization(Policies.OfficeAdmin);
        g.MapPut("/supervisors/{id:guid}/account", async (Guid id, LinkSupervisorAccount req, MingchaDb db, CancellationToken ct) =>
        {
            await LinkSupervisorAccountAsync(id, req, db, ct);
            return Results.NoContent();
        }).RequireAuthorization(Policies.OfficeAdmin);

        g.MapGet("/teams", async (MingchaDb db, CancellationToken ct) => await ListTeamsAsync(db, ct))
            .RequireAuthorization(Policies.OrgPeopleRead);
        g.MapPost("/teams", async (CreateTeam req, MingchaDb db, TimeProvider time, CancellationToken ct) =>
        {
            var team = await CreateTeamAsync(req, db, time, ct);
            return Results.Created($"/api/v1/teams/{team.Id}", team);
        }).RequireAuthorization(Policies.OfficeManage);

        g.MapGet("/agencies", async (MingchaDb db, CancellationToken ct) => await ListAgenciesAsync(db, ct))
            .RequireAuthorization(Policies.OrgPeopleRead);
        g.MapPost("/agencies", async (CreateAgency req, MingchaDb db, CancellationToken ct) =>
        {
            var a = await CreateAgencyAsync(req, db, ct);
            return Results.Created($"/api/v1/agencies/{a.Id}", a);
        }).RequireAuthorization(Policies.OfficeManage);

        g.MapGet("/service-items", async (MingchaDb db, CancellationToken ct) => await ListServiceItemsAsync(db, ct))
            .RequireAuthorization(Policies.OrgRead);
        g.MapPost("/service-items", async (CreateServiceItem req, MingchaDb db, CancellationToken ct) =>
        {
            var i = await CreateServiceItemAsync(req, db, ct);
            return Results.Created($"/api/v1/service-items/{i.Id}", i);
        }).RequireAuthorization(Policies.OfficeManage);
    }

    // ---------------------------------------------------------------- who may see what

    /// <summary>The roles that may read staff lists at all; unit liaisons only their own unit's (SEC-2).</summary>
    public static readonly string[] StaffReaders = [Roles.OfficeAdmin, Roles.OfficeStaff, Roles.Leader, Roles.UnitLiaison];

    /// <summary>SEC-2: office roles and the leader see every unit's staff; a unit liaison only their own unit's; nobody else any.</summary>
    public static bool MaySeeStaff(ClaimsPrincipal user, Guid unitId) =>
        user.SeesAllUnits() || (user.IsInRole(Roles.UnitLiaison) && user.UnitId() == unitId);

    /// <summary>Whether <paramref name="unitId"/> is <paramref name="ancestorId"/> or lies below it: walks up the parents (trees are shallow).</summary>
    private static async Task<bool> IsWithinAsync(MingchaDb db, Guid unitId, Guid ancestorId, CancellationToken ct)
    {
        var seen = new HashSet<Guid>();
        Guid? current = unitId;
        while (current is { } id && seen.Add(id))
        {
            if (id == ancestorId) return true;
            current = await db.Units.Where(u => u.Id == id).Select(u => u.ParentUnitId).FirstOrDefaultAsync(ct);
        }
        return false;
    }

    /// <summary>
    /// ORG-1: the version in force at <paramref name="atUtc"/>: the last one that began at or before it, else the first one
    /// (a record older than the history, e.g. from before a record kept history, shows the earliest state known).
    /// </summary>
    private static async Task<T?> AsOfAsync<T>(IQueryable<T> versions, DateTime atUtc, CancellationToken ct) where T : class, IOrgVersion =>
        await versions.AsNoTracking().Where(x => x.ValidFrom <= atUtc).OrderByDescending(x => x.ValidFrom).FirstOrDefaultAsync(ct)
        ?? await versions.AsNoTracking().OrderBy(x => x.ValidFrom).FirstOrDefaultAsync(ct);

    /// <summary>The unit a person belongs to now, or null when there is no such person.</summary>
    public static async Task<Guid?> StaffUnitAsync(MingchaDb db, Guid staffId, CancellationToken ct) =>
        await db.Staff.AsNoTracking().Where(s => s.Id == staffId).Select(s => (Guid?)s.UnitId).FirstOrDefaultAsync(ct);

    /// <summary>SEC-4: phone and ID numbers leave the registry masked.</summary>
    public static StaffDto ToDto(Staff s) => new(s.Id, s.UnitId, s.SectionId, s.Code, s.Name, s.Employment, s.Position,
        PersonalData.MaskPhone(s.Phone), PersonalData.MaskIdNumber(s.IdNumber), s.Active);

    // ---------------------------------------------------------------- queries

    public static async Task<List<CategoryDto>> ListCategoriesAsync(MingchaDb db, int year, CancellationToken ct) =>
        await db.Categories.AsNoTracking().OrderBy(c => c.Code)
            .Select(c => new CategoryDto(c.Id, c.Code, c.Name, db.UnitCategories.Count(uc => uc.CategoryId == c.Id && uc.Year == year))).ToListAsync(ct);

    /// <summary>The evaluation years for which any unit has a category (ORG-1), ascending.</summary>
    public static async Task<List<int>> CategoryYearsAsync(MingchaDb db, CancellationToken ct) =>
        await db.UnitCategories.AsNoTracking().Select(x => x.Year).Distinct().OrderBy(y => y).ToListAsync(ct);

    /// <summary>ORG-1: every name the category has had, oldest first.</summary>
    public static async Task<List<CategoryHistoryDto>> CategoryHistoryAsync(MingchaDb db, Guid categoryId, CancellationToken ct) =>
        await db.CategoryVersions.AsNoTracking().Where(v => v.CategoryId == categoryId).OrderBy(v => v.ValidFrom)
            .Select(v => new CategoryHistoryDto(v.ValidFrom, v.Code, v.Name)).ToListAsync(ct);

    public static async Task<List<UnitDto>> ListUnitsAsync(MingchaDb db, int year, Guid? categoryId, string? q, CancellationToken ct, Guid? id = null)
    {
        var units = db.Units.AsNoTracking();
        if (id is { } one) units = units.Where(u => u.Id == one);
        if (!string.IsNullOrWhiteSpace(q)) units = units.Where(u => u.Name.Contains(q) || u.Code.Contains(q));
        // Filter and order on the entities, project last: EF cannot translate ordering by a member of a positional record.
        var rows = from u in units
                   join uc in db.UnitCategories.Where(x => x.Year == year) on u.Id equals uc.UnitId into ucs
                   from uc in ucs.DefaultIfEmpty()
                   join c in db.Categories on uc.CategoryId equals c.Id into cs
                   from c in cs.DefaultIfEmpty()
                   select new { u, c };
        if (categoryId is { } cat) rows = rows.Where(r => r.c != null && r.c.Id == cat);
        return await rows.OrderBy(r => r.u.Code).Take(2000)
            .Select(r => new UnitDto(r.u.Id, r.u.Code, r.u.Name, r.u.ShortName, r.u.CreditCode, r.u.ParentUnitId, r.c == null ? null : r.c.Id, r.c == null ? null : r.c.Name,
                r.u.Active, r.u.IsDemo, db.Sections.Count(s => s.UnitId == r.u.Id)))
            .ToListAsync(ct);
    }

    /// <summary>ORG-1: every name and parent the unit has had, oldest first.</summary>
    public static async Task<List<UnitHistoryDto>> UnitHistoryAsync(MingchaDb db, Guid unitId, CancellationToken ct) =>
        await db.UnitVersions.AsNoTracking().Where(v => v.UnitId == unitId).OrderBy(v => v.ValidFrom)
            .Select(v => new UnitHistoryDto(v.ValidFrom, v.Code, v.Name, v.ParentUnitId, v.Active)).ToListAsync(ct);

    /// <summary>ORG-1: the unit's category in each evaluation year, newest first.</summary>
    public static async Task<List<UnitCategoryDto>> UnitCategoriesAsync(MingchaDb db, Guid unitId, CancellationToken ct) =>
        await (from uc in db.UnitCategories.AsNoTracking().Where(x => x.UnitId == unitId)
               join c in db.Categories on uc.CategoryId equals c.Id
               orderby uc.Year descending
               select new UnitCategoryDto(uc.Year, c.Id, c.Name)).ToListAsync(ct);

    public static async Task<List<SectionDto>> ListSectionsAsync(MingchaDb db, Guid unitId, CancellationToken ct) =>
        await db.Sections.AsNoTracking().Where(s => s.UnitId == unitId).OrderBy(s => s.Code)
            .Select(s => new SectionDto(s.Id, s.UnitId, s.Code, s.Name, s.Kind, s.ParentSectionId, s.Address, s.Active)).ToListAsync(ct);

    public static async Task<SectionDto?> GetSectionAsync(MingchaDb db, Guid id, CancellationToken ct) =>
        await db.Sections.AsNoTracking().Where(s => s.Id == id)
            .Select(s => new SectionDto(s.Id, s.UnitId, s.Code, s.Name, s.Kind, s.ParentSectionId, s.Address, s.Active)).FirstOrDefaultAsync(ct);

    /// <summary>ORG-1: every state of the section (renames, moves between units), oldest first.</summary>
    public static async Task<List<SectionHistoryDto>> SectionHistoryAsync(MingchaDb db, Guid sectionId, CancellationToken ct) =>
        await db.SectionVersions.AsNoTracking().Where(v => v.SectionId == sectionId).OrderBy(v => v.ValidFrom)
            .Select(v => new SectionHistoryDto(v.ValidFrom, v.UnitId, v.Code, v.Name, v.Kind, v.Active)).ToListAsync(ct);

    /// <summary>ORG-6: the service items an outlet offers, each mandatory or optional.</summary>
    public static async Task<List<SectionItemDto>> SectionItemsAsync(MingchaDb db, Guid sectionId, CancellationToken ct) =>
        await db.SectionServiceItems.AsNoTracking().Where(x => x.SectionId == sectionId)
            .Join(db.ServiceItems, x => x.ServiceItemId, i => i.Id, (x, i) => new { i.Id, i.Code, i.Name, x.Mandatory })
            .OrderBy(x => x.Code).Select(x => new SectionItemDto(x.Id, x.Code, x.Name, x.Mandatory)).ToListAsync(ct);

    /// <summary>A unit's staff, masked (SEC-4); optionally only one section's. Callers check <see cref="MaySeeStaff"/> first (SEC-2).</summary>
    public static async Task<List<StaffDto>> ListStaffAsync(MingchaDb db, Guid unitId, CancellationToken ct, Guid? sectionId = null)
    {
        var query = db.Staff.AsNoTracking().Where(s => s.UnitId == unitId);
        if (sectionId is { } sid) query = query.Where(s => s.SectionId == sid);
        var rows = await query.OrderBy(s => s.Code).ToListAsync(ct);
        return rows.Select(ToDto).ToList();
    }

    /// <summary>One person, masked (SEC-4). Callers check <see cref="MaySeeStaff"/> on their unit first (SEC-2).</summary>
    public static async Task<StaffDto?> GetStaffAsync(MingchaDb db, Guid id, CancellationToken ct) =>
        await db.Staff.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct) is { } s ? ToDto(s) : null;

    /// <summary>ORG-1: every state of the person (names, employment, section, position, unit), oldest first. Callers check SEC-2.</summary>
    public static async Task<List<StaffHistoryDto>> StaffHistoryAsync(MingchaDb db, Guid staffId, CancellationToken ct) =>
        await db.StaffVersions.AsNoTracking().Where(v => v.StaffId == staffId).OrderBy(v => v.ValidFrom)
            .Select(v => new StaffHistoryDto(v.ValidFrom, v.UnitId, v.SectionId, v.Code, v.Name, v.Employment, v.Position, v.Active)).ToListAsync(ct);

    /// <summary>
    /// Decision 026: the sections below a section, following parent links whatever unit they are in (a window left behind
    /// by a move made before the decision goes along too, and the registry is consistent again).
    /// </summary>
    private static async Task<IReadOnlyList<Guid>> SectionsBelowAsync(MingchaDb db, Guid sectionId, CancellationToken ct)
    {
        var links = await db.Sections.AsNoTracking().Where(s => s.ParentSectionId != null)
            .Select(s => new { s.Id, Parent = s.ParentSectionId!.Value }).ToListAsync(ct);
        var children = links.ToLookup(l => l.Parent, l => l.Id);
        return SectionMove.Below(sectionId, id => children[id]);
    }

    /// <summary>Decision 026: how many sections and people a move of the section would take along (shown before the move).</summary>
    public static async Task<MoveScopeDto> MoveScopeAsync(MingchaDb db, Guid sectionId, CancellationToken ct)
    {
        var moving = (await SectionsBelowAsync(db, sectionId, ct)).Append(sectionId).ToList();
        var staff = await db.Staff.AsNoTracking().CountAsync(s => s.SectionId != null && moving.Contains(s.SectionId.Value), ct);
        return new MoveScopeDto(moving.Count - 1, staff);
    }

    public static async Task<List<SupervisorDto>> ListSupervisorsAsync(MingchaDb db, CancellationToken ct) =>
        await db.Supervisors.AsNoTracking().OrderBy(s => s.Code)
            .Select(s => new SupervisorDto(s.Id, s.Code, s.Name, s.Status, s.RecommendedByUnitId, s.ApprovedAt,
                s.UserId == null ? null : db.Users.Where(u => u.Id == s.UserId).Select(u => u.UserName).FirstOrDefault())).ToListAsync(ct);

    public static async Task<List<TeamDto>> ListTeamsAsync(MingchaDb db, CancellationToken ct) =>
        (await db.Teams.AsNoTracking().Include(t => t.Members).OrderBy(t => t.Name).ToListAsync(ct))
            .Select(t => new TeamDto(t.Id, t.Name, t.Task, t.LeaderId, t.Members.Select(m => m.SupervisorId).ToList())).ToList();

    public static async Task<List<AgencyDto>> ListAgenciesAsync(MingchaDb db, CancellationToken ct) =>
        await db.Agencies.AsNoTracking().OrderBy(a => a.Name)
            .Select(a => new AgencyDto(a.Id, a.Name, a.CreditCode, a.ContractStart, a.ContractEnd)).ToListAsync(ct);

    public static async Task<List<ServiceItemDto>> ListServiceItemsAsync(MingchaDb db, CancellationToken ct) =>
        await db.ServiceItems.AsNoTracking().OrderBy(i => i.Code)
            .Select(i => new ServiceItemDto(i.Id, i.Code, i.Name, i.UnitId, i.StatutoryDays, i.PromisedDays)).ToListAsync(ct);

    // ---------------------------------------------------------------- handlers

    public static async Task<CategoryDto> CreateCategoryAsync(CreateCategory req, MingchaDb db, TimeProvider time, CancellationToken ct)
    {
        Problems.Validate(req);
        if (await db.Categories.AnyAsync(c => c.Code == req.Code.Trim(), ct)) throw new FieldException("code", "类别代码已存在。 The code is taken.");
        var c = new Category(req.Code.Trim(), req.Name.Trim(), time.GetUtcNow().UtcDateTime);
        db.Categories.Add(c);
        await db.SaveChangesAsync(ct);
        return new CategoryDto(c.Id, c.Code, c.Name, 0);
    }

    /// <summary>Renames a category; the old name stays in its history, so a past year's ranking can show it (ORG-1).</summary>
    public static async Task RenameCategoryAsync(Guid id, UpdateCategory req, MingchaDb db, TimeProvider time, CancellationToken ct)
    {
        Problems.Validate(req);
        if (string.IsNullOrWhiteSpace(req.Name)) throw new FieldException("name", "名称不能为空。 The name is required.");
        var category = await db.Categories.Include(c => c.Versions).FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new NotFoundException("类别不存在。 No such category.");
        category.Rename(req.Name.Trim(), time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
    }

    public static async Task<UnitDto> CreateUnitAsync(CreateUnit req, MingchaDb db, TimeProvider time, CancellationToken ct)
    {
        Problems.Validate(req);
        if (await db.Units.AnyAsync(u => u.Code == req.Code.Trim(), ct)) throw new FieldException("code", "单位代码已存在。 The code is taken.");
        if (req.CreditCode is { Length: > 0 } cc && !CreditCode.IsValid(cc, out var err)) throw new FieldException("creditCode", err!);
        // As the import checks (ORG-1): one unit per credit code, else an export could not be imported again.
        var creditCode = req.CreditCode is { Length: > 0 } code ? code : null;
        if (creditCode is not null && await db.Units.AnyAsync(u => u.CreditCode == creditCode, ct))
            throw new FieldException("creditCode", CreditCodeTaken);
        Problems.RequireYear(req.Year);
        if (req.ParentUnitId is { } p && !await db.Units.AnyAsync(u => u.Id == p, ct)) throw new FieldException("parentUnitId", "上级单位不存在。 No such parent unit.");
        if (req.CategoryId is { } c && !await db.Categories.AnyAsync(x => x.Id == c, ct)) throw new FieldException("categoryId", "类别不存在。 No such category.");
        var now = time.GetUtcNow().UtcDateTime;
        var unit = new Unit(req.Code.Trim(), req.Name.Trim(), now, req.ParentUnitId) { ShortName = req.ShortName, CreditCode = creditCode };
        db.Units.Add(unit);
        if (req.CategoryId is { } cat) db.UnitCategories.Add(new UnitCategory(unit.Id, req.Year ?? now.Year, cat));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (creditCode is not null && DbErrors.IsUniqueViolation(e))
        {
            // Two units with one code created at the same instant both passed the check: the unique index (0050) kept the
            // first; nothing of this one was stored (decision 039). Another index (the unit's code) answers as before.
            if (!await db.Units.AsNoTracking().AnyAsync(u => u.CreditCode == creditCode && u.Id != unit.Id, ct)) throw;
            throw new DomainRuleException("ORG-1", CreditCodeTaken, 409);
        }
        return (await ListUnitsAsync(db, req.Year ?? now.Year, null, null, ct, unit.Id))[0];
    }

    private const string CreditCodeTaken = "统一社会信用代码已被其他单位使用。 Another unit has this credit code.";

    /// <summary>
    /// Renames and/or moves a unit, closes it (撤销) or opens it again; each stays in its history (ORG-1). A unit is closed
    /// only once nothing of it is open: no section, no staff member in post, no sub-unit (409 ORG-1, saying which); it is
    /// opened again only under an open parent.
    /// </summary>
    public static async Task UpdateUnitAsync(Guid id, UpdateUnit req, MingchaDb db, TimeProvider time, CancellationToken ct)
    {
        Problems.Validate(req);
        var unit = await db.Units.Include(u => u.Versions).FirstOrDefaultAsync(u => u.Id == id, ct) ?? throw new NotFoundException("单位不存在。 No such unit.");
        var now = time.GetUtcNow().UtcDateTime;
        if (!string.IsNullOrWhiteSpace(req.Name)) unit.Rename(req.Name.Trim(), now);
        if (req.ParentUnitId is { } parent)
        {
            var open = await db.Units.Where(u => u.Id == parent).Select(u => (bool?)u.Active).FirstOrDefaultAsync(ct)
                ?? throw new FieldException("parentUnitId", "上级单位不存在。 No such parent unit.");
            if (!open && parent != unit.ParentUnitId) throw new FieldException("parentUnitId", "上级单位已撤销。 The parent unit is closed.");
            if (await IsWithinAsync(db, parent, unit.Id, ct))
                throw new DomainRuleException("ORG-1", "单位不能隶属于自身或其下级单位。 A unit cannot be moved under itself or one of its own sub-units.");
            unit.MoveTo(parent, now);
        }
        else if (req.MoveToTop) unit.MoveTo(null, now);
        if (req.Active == false && unit.Active)
        {
            var sections = await db.Sections.CountAsync(s => s.UnitId == id && s.Active, ct);
            var staff = await db.Staff.CountAsync(s => s.UnitId == id && s.Active, ct);
            var units = await db.Units.CountAsync(u => u.ParentUnitId == id && u.Active, ct);
            if (sections + staff + units > 0)
                throw new DomainRuleException("ORG-1", OrgClosure.StillOpen(unit.Name, sections, staff, units));
            unit.Close(now);
        }
        else if (req.Active == true && !unit.Active)
        {
            if (unit.ParentUnitId is { } p && !await db.Units.AnyAsync(u => u.Id == p && u.Active, ct))
                throw new DomainRuleException("ORG-1", OrgClosure.ParentUnitClosed);
            unit.Reopen(now);
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>ORG-1: exactly one category per unit and year; reassigning replaces it for that year only.</summary>
    public static async Task AssignCategoryAsync(Guid id, AssignCategory req, MingchaDb db, CancellationToken ct)
    {
        if (!await db.Units.AnyAsync(u => u.Id == id, ct)) throw new NotFoundException("单位不存在。 No such unit.");
        Problems.RequireYear(req.Year);
        if (!await db.Categories.AnyAsync(c => c.Id == req.CategoryId, ct)) throw new FieldException("categoryId", "类别不存在。 No such category.");
        var existing = await db.UnitCategories.FirstOrDefaultAsync(x => x.UnitId == id && x.Year == req.Year, ct);
        if (existing is null) db.UnitCategories.Add(new UnitCategory(id, req.Year, req.CategoryId));
        else existing.Reassign(req.CategoryId);
        await db.SaveChangesAsync(ct);
    }

    public static async Task<SectionDto> CreateSectionAsync(CreateSection req, MingchaDb db, TimeProvider time, CancellationToken ct)
    {
        Problems.Validate(req);
        if (!Enum.IsDefined(req.Kind)) throw new FieldException("kind", "科室类型无效。 Unknown section kind.");
        await RequireOpenUnitAsync(db, req.UnitId, ct);
        if (await db.Sections.AnyAsync(s => s.Code == req.Code.Trim(), ct)) throw new FieldException("code", "科室代码已存在。 The code is taken.");
        if (req.ParentSectionId is { } ps) await RequireOpenSectionAsync(db, ps, req.UnitId, "parentSectionId", "上级科室不存在或不属于该单位。 No such parent section in this unit.", ct);
        var s = new Section(req.UnitId, req.Code.Trim(), req.Name.Trim(), req.Kind, time.GetUtcNow().UtcDateTime, req.ParentSectionId) { Address = req.Address };
        db.Sections.Add(s);
        await db.SaveChangesAsync(ct);
        return new SectionDto(s.Id, s.UnitId, s.Code, s.Name, s.Kind, s.ParentSectionId, s.Address, s.Active);
    }

    /// <summary>A unit a new section or person goes into: it exists, and is not closed (decision 045); else a 400 naming <c>unitId</c>.</summary>
    private static async Task RequireOpenUnitAsync(MingchaDb db, Guid unitId, CancellationToken ct)
    {
        switch (await db.Units.Where(u => u.Id == unitId).Select(u => (bool?)u.Active).FirstOrDefaultAsync(ct))
        {
            case null: throw new FieldException("unitId", "单位不存在。 No such unit.");
            case false: throw new FieldException("unitId", OrgClosure.UnitClosed);
        }
    }

    /// <summary>A section of <paramref name="unitId"/> something new goes under: it exists there, and is not closed (decision 045); else a 400 naming <paramref name="field"/>.</summary>
    private static async Task RequireOpenSectionAsync(MingchaDb db, Guid sectionId, Guid unitId, string field, string missing, CancellationToken ct)
    {
        switch (await db.Sections.Where(s => s.Id == sectionId && s.UnitId == unitId).Select(s => (bool?)s.Active).FirstOrDefaultAsync(ct))
        {
            case null: throw new FieldException(field, missing);
            case false: throw new FieldException(field, OrgClosure.SectionClosed);
        }
    }

    /// <summary>
    /// Renames a section and/or moves it to another unit, closes it (撤销) or opens it again; each stays in its history
    /// (ORG-1). A move takes the sections below it and the staff of all of them along, each with a new version; it is
    /// refused (409 ORG-1) when one of those people's codes is taken in the target unit (decision 026), and into a closed
    /// unit. A section is closed only once no section below it is open and no staff member in post works in it (409
    /// ORG-1, saying which); it is opened again only in an open unit.
    /// </summary>
    public static async Task UpdateSectionAsync(Guid id, UpdateSection req, MingchaDb db, TimeProvider time, CancellationToken ct)
    {
        Problems.Validate(req);
        var section = await db.Sections.Include(s => s.Versions).FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw new NotFoundException("科室不存在。 No such section.");
        var now = time.GetUtcNow().UtcDateTime;
        if (!string.IsNullOrWhiteSpace(req.Name)) section.Rename(req.Name.Trim(), now);
        if (req.UnitId is { } unitId)
        {
            var target = await db.Units.Where(u => u.Id == unitId).Select(u => new { u.Name, u.Active }).FirstOrDefaultAsync(ct)
                ?? throw new FieldException("unitId", "单位不存在。 No such unit.");
            if (unitId != section.UnitId)
            {
                if (!target.Active) throw new FieldException("unitId", OrgClosure.UnitClosed);
                var below = await SectionsBelowAsync(db, section.Id, ct);
                var moving = below.Append(section.Id).ToList();
                var sections = await db.Sections.Include(s => s.Versions).Where(s => below.Contains(s.Id)).ToListAsync(ct);
                var staff = await db.Staff.Include(s => s.Versions).Where(s => s.SectionId != null && moving.Contains(s.SectionId.Value)).ToListAsync(ct);
                var codes = staff.Where(s => s.UnitId != unitId).Select(s => s.Code).ToList();
                var taken = await db.Staff.AsNoTracking().Where(s => s.UnitId == unitId && codes.Contains(s.Code)).Select(s => s.Code).ToListAsync(ct);
                var clashes = SectionMove.CodeClashes(codes, taken);
                if (clashes.Count > 0) throw new DomainRuleException("ORG-1", SectionMove.ClashMessage(section.Name, target.Name, clashes));
                section.MoveTo(unitId, now);
                foreach (var s in sections) s.MoveWithParent(unitId, now);
                foreach (var p in staff) p.MoveWithSection(unitId, now);
            }
        }
        if (req.Active == false && section.Active)
        {
            var below = await db.Sections.CountAsync(s => s.ParentSectionId == id && s.Active, ct);
            var staff = await db.Staff.CountAsync(s => s.SectionId == id && s.Active, ct);
            if (below + staff > 0) throw new DomainRuleException("ORG-1", OrgClosure.StillOpen(section.Name, below, staff, 0));
            section.Close(now);
        }
        else if (req.Active == true && !section.Active)
        {
            if (!await db.Units.AnyAsync(u => u.Id == section.UnitId && u.Active, ct))
                throw new DomainRuleException("ORG-1", OrgClosure.UnitOfSectionClosed);
            if (section.ParentSectionId is { } up && !await db.Sections.AnyAsync(s => s.Id == up && s.Active, ct))
                throw new DomainRuleException("ORG-1", OrgClosure.ParentSectionClosed);
            section.Reopen(now);
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>ORG-6: an outlet offers a service item, mandatory or optional for it.</summary>
    public static async Task SetSectionItemAsync(Guid sectionId, SetSectionItem req, MingchaDb db, CancellationToken ct)
    {
        if (!await db.Sections.AnyAsync(s => s.Id == sectionId, ct)) throw new NotFoundException("科室不存在。 No such section.");
        if (!await db.ServiceItems.AnyAsync(i => i.Id == req.ServiceItemId, ct)) throw new FieldException("serviceItemId", "事项不存在。 No such service item.");
        var link = await db.SectionServiceItems.FirstOrDefaultAsync(x => x.SectionId == sectionId && x.ServiceItemId == req.ServiceItemId, ct);
        if (link is null) db.SectionServiceItems.Add(new SectionServiceItem(sectionId, req.ServiceItemId, req.Mandatory));
        else link.Mandatory = req.Mandatory;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// ORG-2: adds a person of any employment type; phone and ID number are checked (a birth date after the office's
    /// <paramref name="today"/> is refused) and stored normalised.
    /// </summary>
    public static async Task<StaffDto> CreateStaffAsync(CreateStaff req, MingchaDb db, TimeProvider time, DateOnly today, CancellationToken ct)
    {
        Problems.Validate(req);
        if (!Enum.IsDefined(req.Employment)) throw new FieldException("employment", "用工类型无效。 Unknown employment type.");
        await RequireOpenUnitAsync(db, req.UnitId, ct);
        if (req.SectionId is { } sid) await RequireOpenSectionAsync(db, sid, req.UnitId, "sectionId", "科室不存在或不属于该单位。 No such section in this unit.", ct);
        if (await db.Staff.AnyAsync(s => s.UnitId == req.UnitId && s.Code == req.Code.Trim(), ct)) throw new FieldException("code", "工号在该单位已存在。 The staff code is taken in this unit.");
        if (req.Phone is { Length: > 0 } phone && !PhoneNumber.IsValid(phone, out var perr)) throw new FieldException("phone", perr!);
        if (req.IdNumber is { Length: > 0 } idn && !ResidentIdNumber.IsValid(idn, today, out var ierr)) throw new FieldException("idNumber", ierr!);
        var s = new Staff(req.UnitId, req.Code.Trim(), req.Name.Trim(), req.Employment, time.GetUtcNow().UtcDateTime, req.SectionId, req.Position)
        {
            Phone = req.Phone is { Length: > 0 } p ? PhoneNumber.Normalize(p) : null,
            IdNumber = req.IdNumber is { Length: > 0 } id ? id.ToUpperInvariant() : null,
        };
        db.Staff.Add(s);
        await db.SaveChangesAsync(ct);
        return ToDto(s);
    }

    /// <summary>
    /// Renames a person, changes their employment type (ORG-2), section (one of their unit's) or position; every change
    /// is a version of their history (ORG-1), one per instant. A person changes unit only with their section (decision 026).
    /// </summary>
    public static async Task UpdateStaffAsync(Guid id, UpdateStaff req, MingchaDb db, TimeProvider time, CancellationToken ct)
    {
        Problems.Validate(req);
        if (req.Employment is { } employment && !Enum.IsDefined(employment)) throw new FieldException("employment", "用工类型无效。 Unknown employment type.");
        var staff = await db.Staff.Include(s => s.Versions).FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw new NotFoundException("工作人员不存在。 No such staff member.");
        if (req.SectionId is { } sid && sid != staff.SectionId) // a new section: of their unit, and open; their own stays theirs, closed or not
            await RequireOpenSectionAsync(db, sid, staff.UnitId, "sectionId", "科室不存在或不属于该单位。 No such section in this unit.", ct);
        if (req.Active == true && !staff.Active)
        {
            // Back in post only where there is a post: an open unit, and an open section (or none).
            var post = req.ClearSection ? null : req.SectionId ?? staff.SectionId;
            if (!await db.Units.AnyAsync(u => u.Id == staff.UnitId && u.Active, ct)) throw new DomainRuleException("ORG-1", OrgClosure.UnitClosed);
            if (post is { } s0 && !await db.Sections.AnyAsync(s => s.Id == s0 && s.Active, ct))
                throw new DomainRuleException("ORG-1", "其所在科室已撤销，请同时为其选择在用的科室。 Their section is closed: choose an open one with the return.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        if (!string.IsNullOrWhiteSpace(req.Name)) staff.Rename(req.Name.Trim(), now);
        if (req.Employment is { } e) staff.ChangeEmployment(e, now);
        if (req.SectionId is { } section) staff.AssignTo(section, now);
        else if (req.ClearSection) staff.AssignTo(null, now);
        if (req.Position is not null) staff.ChangePosition(string.IsNullOrWhiteSpace(req.Position) ? null : req.Position.Trim(), now);
        if (req.Active == false) staff.Leave(now);
        else if (req.Active == true) staff.Return(now);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>ORG-3: a supervisor recommended by a department, waiting for the Office's approval.</summary>
    public static async Task<SupervisorDto> CreateSupervisorAsync(CreateSupervisor req, MingchaDb db, CancellationToken ct)
    {
        Problems.Validate(req);
        if (await db.Supervisors.AnyAsync(s => s.Code == req.Code.Trim(), ct)) throw new FieldException("code", "编号已存在。 The code is taken.");
        if (req.Phone is { Length: > 0 } phone && !PhoneNumber.IsValid(phone, out var err)) throw new FieldException("phone", err!);
        if (req.RecommendedByUnitId is { } u && !await db.Units.AnyAsync(x => x.Id == u, ct)) throw new FieldException("recommendedByUnitId", "推荐单位不存在。 No such unit.");
        var s = new Supervisor(req.Code.Trim(), req.Name.Trim(), req.RecommendedByUnitId) { Phone = req.Phone is { Length: > 0 } p ? PhoneNumber.Normalize(p) : null };
        db.Supervisors.Add(s);
        await db.SaveChangesAsync(ct);
        return new SupervisorDto(s.Id, s.Code, s.Name, s.Status, s.RecommendedByUnitId, s.ApprovedAt);
    }

    /// <summary>
    /// ORG-3: the Office approves a recommended supervisor. The save is made only if the supervisor is still recommended
    /// (the status is a concurrency token, decision 039): of two approvals at once, the second gets 409 and stores nothing.
    /// </summary>
    public static async Task ApproveSupervisorAsync(Guid id, MingchaDb db, TimeProvider time, CancellationToken ct)
    {
        var s = await db.Supervisors.FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("监督员不存在。 No such supervisor.");
        s.Approve(time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// ORG-3: links an approved supervisor to the account they sign in with, so their team's rounds and visits reach them
    /// (INS-4 spot checks, the visit flow). The account holds the supervisor role, is no unit's account (SEC-2, INS-9) and is
    /// no other supervisor's. An empty user name unlinks. The change is audited with the supervisor (SEC-3).
    /// </summary>
    public static async Task LinkSupervisorAccountAsync(Guid id, LinkSupervisorAccount req, MingchaDb db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(req);
        Problems.Validate(req);
        var s = await db.Supervisors.FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("监督员不存在。 No such supervisor.");
        if (string.IsNullOrWhiteSpace(req.UserName))
        {
            if (s.UserId is null) return;
            s.UserId = null;
            await db.SaveChangesAsync(ct);
            return;
        }
        if (s.Status != SupervisorStatus.Approved)
            throw new DomainRuleException("ORG-3", "只有已批准的监督员可以关联账户。 Only an approved supervisor can be linked to an account.", 409);
        var name = req.UserName.Trim();
        var user = await db.Users.AsNoTracking().Where(u => u.UserName == name).Select(u => new { u.Id, u.UnitId }).FirstOrDefaultAsync(ct)
            ?? throw new FieldException("userName", "账户不存在。 No such account.");
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == user.Id select r.Name).ToListAsync(ct);
        if (!roles.Contains(Roles.Supervisor))
            throw new DomainRuleException("ORG-3", "该账户不是效能监督员角色。 The account does not hold the supervisor role.", 422);
        if (user.UnitId is not null || roles.Contains(Roles.UnitLiaison))
            throw new DomainRuleException("SEC-2", "绑定单位的账户不能作为监督员：被检查单位不得获知检查安排。 A unit's account cannot be a supervisor: an inspected unit must not learn of visits.", 422);
        if (s.UserId == user.Id) return;
        if (await db.Supervisors.AnyAsync(x => x.UserId == user.Id && x.Id != id, ct)) throw AccountTaken();
        s.UserId = user.Id;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // Two links of the account at the same instant passed the check: the unique index (0048) kept the first.
            throw AccountTaken();
        }
    }

    private static DomainRuleException AccountTaken() =>
        new("ORG-3", "该账户已关联另一名监督员。 The account is already another supervisor's.", 409);

    /// <summary>ORG-3: a team of approved supervisors for one task, led by one of them.</summary>
    public static async Task<TeamDto> CreateTeamAsync(CreateTeam req, MingchaDb db, TimeProvider time, CancellationToken ct)
    {
        Problems.Validate(req);
        var members = await db.Supervisors.Where(s => req.Members.Contains(s.Id)).ToListAsync(ct);
        if (members.Count != req.Members.Distinct().Count()) throw new FieldException("members", "有监督员不存在。 Some supervisors do not exist.");
        var team = new Team(req.Name.Trim(), req.Task, time.GetUtcNow().UtcDateTime);
        team.SetMembers(members, req.LeaderId);
        db.Teams.Add(team);
        await db.SaveChangesAsync(ct);
        return new TeamDto(team.Id, team.Name, team.Task, team.LeaderId, req.Members);
    }

    /// <summary>ORG-4: a third-party agency and its contract period.</summary>
    public static async Task<AgencyDto> CreateAgencyAsync(CreateAgency req, MingchaDb db, CancellationToken ct)
    {
        Problems.Validate(req);
        if (req.CreditCode is { Length: > 0 } cc && !CreditCode.IsValid(cc, out var err)) throw new FieldException("creditCode", err!);
        var a = new Agency(req.Name.Trim(), req.ContractStart, req.ContractEnd) { CreditCode = req.CreditCode is { Length: > 0 } c ? c : null };
        db.Agencies.Add(a);
        await db.SaveChangesAsync(ct);
        return new AgencyDto(a.Id, a.Name, a.CreditCode, a.ContractStart, a.ContractEnd);
    }

    /// <summary>ORG-6: a service item of the catalogue, with its statutory and promised time limits in working days.</summary>
    public static async Task<ServiceItemDto> CreateServiceItemAsync(CreateServiceItem req, MingchaDb db, CancellationToken ct)
    {
        Problems.Validate(req);
        if (req.StatutoryDays is < 0 or > 3650) throw new FieldException("statutoryDays", "法定时限应为 0 至 3650 个工作日。 The statutory limit must be 0 to 3650 working days.");
        if (req.PromisedDays is < 0 or > 3650) throw new FieldException("promisedDays", "承诺时限应为 0 至 3650 个工作日。 The promised limit must be 0 to 3650 working days.");
        if (await db.ServiceItems.AnyAsync(i => i.Code == req.Code.Trim(), ct)) throw new FieldException("code", "事项编码已存在。 The code is taken.");
        if (req.UnitId is { } u && !await db.Units.AnyAsync(x => x.Id == u, ct)) throw new FieldException("unitId", "单位不存在。 No such unit.");
        var i = new ServiceItem(req.Code.Trim(), req.Name.Trim(), req.UnitId, req.StatutoryDays, req.PromisedDays);
        db.ServiceItems.Add(i);
        await db.SaveChangesAsync(ct);
        return new ServiceItemDto(i.Id, i.Code, i.Name, i.UnitId, i.StatutoryDays, i.PromisedDays);
    }
}
