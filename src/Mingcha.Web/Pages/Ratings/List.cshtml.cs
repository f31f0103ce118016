using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Satisfaction;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Ratings;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Ratings;

/// <summary>
/// 评价明细 (SAT-1, SAT-7, SAT-9): the ratings of a period one by one, by unit, window, level and channel, the latest given
/// first, 50 a page, and all of them as an .xlsx workbook. Each shows whether an appeal excluded it and which manipulation
/// rules flagged it. The Office and leaders see every unit, a liaison their own unit (SEC-2); phones are masked (SEC-4).
/// </summary>
[Authorize(Policy = RatingPolicies.Read)]
public sealed class ListModel(RatingList list, MingchaDb db, LocalClock clock, IStringLocalizer<SharedResource> l) : UnitPeriodPageModel(db, clock, l)
{
    public RatingList.Page? Data { get; private set; }
    public int? Level { get; private set; }
    public RatingChannel? Channel { get; private set; }

    /// <summary>The case number asked for (exact; from 办件与评价, a case's ratings).</summary>
    public string? CaseNumber { get; private set; }

    /// <summary>Only the ratings with a comment (what the public wrote, the Office reads first).</summary>
    public bool Commented { get; private set; }

    /// <summary>The follow-up case (SAT-7) of each bad rating listed, for those who work follow-ups (the Office, the unit).</summary>
    public IReadOnlyDictionary<Guid, Guid> FollowUpOf { get; private set; } = new Dictionary<Guid, Guid>();

    public async Task<IActionResult> OnGetAsync(DateOnly? from, DateOnly? to, Guid? unit, Guid? section, int? level, RatingChannel? channel, bool? commented,
        string? @case, string? item, int? p, CancellationToken ct)
    {
        if (Refused(unit)) return NotFound();
        Prepare(from, to, unit, section, level, channel, commented, @case, item);
        if (!await TryAsync("filter", async () => Data = await list.PageAsync(User, Filter(), p ?? 1, PageSize, ct)))
            Response.StatusCode = StatusCodes.Status400BadRequest;
        if (Data is { } d && Has(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.UnitLiaison))
        {
            var bad = d.Rows.Where(r => r.IsBad).Select(r => r.Id).ToList();
            if (bad.Count > 0)
                FollowUpOf = await Db.FollowUpCases.AsNoTracking().Where(f => bad.Contains(f.RatingId)).ToDictionaryAsync(f => f.RatingId, f => f.Id, ct);
        }
        await LoadPickersAsync(ct);
        return Page();
    }

    /// <summary>Every rating of the filter as an .xlsx workbook (at most <see cref="RatingList.MaxExport"/>).</summary>
    public async Task<IActionResult> OnGetXlsxAsync(DateOnly? from, DateOnly? to, Guid? unit, Guid? section, int? level, RatingChannel? channel,
        bool? commented, string? @case, string? item, CancellationToken ct)
    {
        if (Refused(unit)) return NotFound();
        Prepare(from, to, unit, section, level, channel, commented, @case, item);
        (byte[] Bytes, string Name)? file = null;
        if (await TryAsync("filter", async () => file = await list.XlsxAsync(User, Filter(), PeriodText, ChannelZh, ct)))
            return File(file!.Value.Bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", file.Value.Name);
        // The page with the message: its first page of the same filter.
        Response.StatusCode = StatusCodes.Status400BadRequest;
        var error = Error;
        await TryAsync("list", async () => Data = await list.PageAsync(User, Filter(), 1, PageSize, ct));
        (Error, ErrorForm) = (error, "filter");
        return Page();
    }

    private RatingList.Filter Filter()
    {
        var (from, to) = Bounds();
        return new RatingList.Filter(UnitId, SectionId, from, to, Channel: Channel, CaseNumber: CaseNumber, CommonLevel: Level, WithComment: Commented ? true : null,
            Item: ParseItem());
    }

    private void Prepare(DateOnly? from, DateOnly? to, Guid? unit, Guid? section, int? level, RatingChannel? channel, bool? commented, string? caseNumber,
        string? item)
    {
        PreparePeriod(from, to, unit, section, item);
        CaseNumber = Blank(caseNumber);
        Commented = commented == true;
        Level = level;
        Channel = channel;
    }

    protected override string PagePath => "/Ratings/List";

    protected override string FilterQuery()
    {
        var q = "";
        if (Level is { } lv) q += $"&level={lv}";
        if (Channel is { } c) q += $"&channel={c}";
        if (Commented) q += "&commented=true";
        if (CaseNumber is { } cn) q += $"&case={Uri.EscapeDataString(cn)}";
        return q;
    }
}
