using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Inspections;

/// <summary>INS-18: the deduction catalogue of each year, edited by the Office; findings keep the item and points they had.</summary>
public sealed class Catalogue(MingchaDb db, InspectionSetup setup)
{
    public sealed record ItemDto(Guid Id, string Code, string Name, decimal Points, DeductionGroup Group, bool Discretionary, string? Basis, bool Active, int SortOrder);
    public sealed record CatalogueDto(Guid Id, int Year, string Name, int? CopiedFromYear, IReadOnlyList<ItemDto> Items);
    public sealed record AddItem([property: Required, StringLength(32, MinimumLength = 1), RegularExpression("^[A-Za-z0-9-]+$")] string Code,
        [property: Required, StringLength(300, MinimumLength = 1)] string Name, [property: Required, Range(0, 100)] decimal? Points,
        [property: Required] DeductionGroup? Group, bool Discretionary, [property: StringLength(200)] string? Basis);
    public sealed record EditItem([property: Required, StringLength(300, MinimumLength = 1)] string Name, [property: Required, Range(0, 100)] decimal? Points,
        bool Discretionary, [property: StringLength(200)] string? Basis, bool? Active);

    public async Task<CatalogueDto> GetAsync(int year, bool create, ClaimsPrincipal by, CancellationToken ct)
    {
        Problems.RequireYear(year);
        var c = create ? await setup.EnsureCatalogueAsync(year, by.UserId() ?? "", ct)
            : await db.DeductionCatalogues.AsNoTracking().FirstOrDefaultAsync(x => x.Year == year, ct)
              ?? throw new NotFoundException($"{year} 年没有扣分目录。 No catalogue for {year}.");
        var items = await db.DeductionItems.AsNoTracking().Where(i => i.CatalogueId == c.Id).OrderBy(i => i.SortOrder)
            .Select(i => new ItemDto(i.Id, i.Code, i.Name, i.Points, i.Group, i.Discretionary, i.Basis, i.Active, i.SortOrder)).ToListAsync(ct);
        return new CatalogueDto(c.Id, c.Year, c.Name, c.CopiedFromYear, items);
    }

    public async Task<Guid> AddAsync(int year, AddItem r, ClaimsPrincipal by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var c = await setup.EnsureCatalogueAsync(year, by.UserId() ?? "", ct);
        var code = r.Code.Trim().ToUpperInvariant();
        if (await db.DeductionItems.AnyAsync(i => i.CatalogueId == c.Id && i.Code == code, ct))
            throw new FieldException("code", "该编号已存在。 The code is already used in this catalogue.");
        var order = await db.DeductionItems.Where(i => i.CatalogueId == c.Id).MaxAsync(i => (int?)i.SortOrder, ct) ?? 0;
        var item = new DeductionItem(c.Id, year, code, r.Name, r.Points!.Value, r.Group!.Value, r.Discretionary, order + 1, r.Basis);
        db.DeductionItems.Add(item);
        await db.SaveChangesAsync(ct);
        return item.Id;
    }

    /// <summary>INS-18: changes the item for findings recorded from now on; findings already recorded keep their snapshot.</summary>
    public async Task EditAsync(int year, Guid id, EditItem r, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var item = await db.DeductionItems.FirstOrDefaultAsync(i => i.Id == id && i.Year == year, ct) ?? throw new NotFoundException("扣分项不存在。 No such item.");
        item.Update(r.Name, r.Points!.Value, r.Discretionary, r.Basis);
        if (r.Active == false) item.Retire();
        else if (r.Active == true) item.Reinstate();
        await db.SaveChangesAsync(ct);
    }
}
