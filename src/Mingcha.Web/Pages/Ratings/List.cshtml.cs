using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Satisfaction;
using Mingcha.Domain.Security;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Ratings;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Ratings;

/// <summary>
/// 评价明细 (SAT-1, SAT-7, SAT-9): the ratings of a period one by one, by unit, window, level and channel, the latest given
/// first, 50 a page, and all of them as an .xlsx workbook. Each shows whether an appeal excluded it and which manipulation
/// rules flagged it. The Office and leaders see every unit, a liaison their own unit (SEC-2); phones are masked (SEC-4).
/// </summary>
[Authorize(Policy = RatingPolicies.Read)]
public sealed class ListModel(RatingList list, MingchaDb db, LocalClock clock, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public const int PageSize = 50;

    public RatingList.Page? Data { get; private set; }
    public DateOnly From { get; private set; }
    public DateOnly To { get; private set; }
    public Guid? UnitId { get; private set; }
    public Guid? SectionId { get; private set; }
    public int? Level { get; private set; }
    public RatingChannel? Channel { get; private set; }

    /// <summary>Only the ratings with a comment (what the public wrote, the Office reads first).</summary>
    public bool Commented { get; private set; }
    public bool SeesAll { get; private set; }

    /// <summary>Every active unit, for those who see all of them to pick one.</summary>
    public IReadOnlyList<(Guid Id, string Name)> Units { get; private set; } = [];

    /// <summary>The follow-up case (SAT-7) of each bad rating listed, for those who work follow-ups (the Office, the unit).</summary>
    public IReadOnlyDictionary<Guid, Guid> FollowUpOf { get; private set; } = new Dictionary<Guid, Guid>();

    /// <summary>The chosen unit's windows, halls and outlets, to pick one.</summary>
    public IReadOnlyList<(Guid Id, string Name)> Sections { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(DateOnly? from, DateOnly? to, Guid? unit, Guid? section, int? level, RatingChannel? channel, bool? commented,
        int? p, CancellationToken ct)
    {
        if (Refused(unit)) return NotFound();
        Prepare(from, to, unit, section, level, channel, commented);
        if (!await TryAsync("filter", async () => Data = await list.PageAsync(User, Filter(), p ?? 1, PageSize, ct)))
            Response.StatusCode = StatusCodes.Status400BadRequest;
        if (Data is { } d && Has(Roles.OfficeAdmin, Roles.OfficeStaff, Roles.UnitLiaison))
        {
            var bad = d.Rows.Where(r => r.IsBad).Select(r => r.Id).ToList();
            if (bad.Count > 0)
                FollowUpOf = await db.FollowUpCases.AsNoTracking().Where(f => bad.Contains(f.RatingId)).ToDictionaryAsync(f => f.RatingId, f => f.Id, ct);
        }
        if (SeesAll)
            Units = await ActiveUnitsAsync(db, ct);
        if (UnitId is { } chosen)
            Sections = (await db.Sections.AsNoTracking().Where(s => s.UnitId == chosen && s.Active).OrderBy(s => s.Code).Select(s => new { s.Id, s.Name }).ToListAsync(ct))
                .Select(s => (s.Id, s.Name)).ToList();
        return Page();
    }

    /// <summary>Every rating of the filter as an .xlsx workbook (at most <see cref="RatingList.MaxExport"/>).</summary>
    public async Task<IActionResult> OnGetXlsxAsync(DateOnly? from, DateOnly? to, Guid? unit, Guid? section, int? level, RatingChannel? channel,
        bool? commented, CancellationToken ct)
    {
        if (Refused(unit)) return NotFound();
        Prepare(from, to, unit, section, level, channel, commented);
        (byte[] Bytes, string Name)? file = null;
        if (await TryAsync("filter", async () => file = await list.XlsxAsync(User, Filter(), $"{UiText.Date(From)} 至 {UiText.Date(To)}", ChannelZh, ct)))
            return File(file!.Value.Bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", file.Value.Name);
        // The page with the message: its first page of the same filter.
        Response.StatusCode = StatusCodes.Status400BadRequest;
        var error = Error;
        await TryAsync("list", async () => Data = await list.PageAsync(User, Filter(), 1, PageSize, ct));
        (Error, ErrorForm) = (error, "filter");
        return Page();
    }

    /// <summary>The channel's name in the interface's language.</summary>
    public string ChannelName(RatingChannel c) => Text[ChannelZh(c)];

    private static string ChannelZh(RatingChannel c) => c switch
    {
        RatingChannel.Device => "评价器",
        RatingChannel.QrCode => "扫码评价",
        RatingChannel.Complaint => "投诉答复评价",
        _ => "电话回访",
    };

    /// <summary>SEC-2: another unit's ratings are not there for a liaison (404, as for any record not theirs).</summary>
    private bool Refused(Guid? unit) => unit is { } u && !RatingAccess.Sees(User, u);

    private RatingList.Filter Filter()
    {
        if (From > To) throw new FieldException("to", "结束日期不能早于开始日期。 The end date cannot be before the start date.");
        return new RatingList.Filter(UnitId, SectionId, From.ToDateTime(TimeOnly.MinValue), To.AddDays(1).ToDateTime(TimeOnly.MinValue),
            Channel: Channel, CommonLevel: Level, WithComment: Commented ? true : null);
    }

    private void Prepare(DateOnly? from, DateOnly? to, Guid? unit, Guid? section, int? level, RatingChannel? channel, bool? commented)
    {
        Commented = commented == true;
        SeesAll = User.SeesAllUnits();
        UnitId = unit ?? (SeesAll ? null : User.UnitId());
        SectionId = UnitId is null ? null : section; // a window is chosen within its unit
        Level = level;
        Channel = channel;
        var today = clock.Today;
        From = from ?? new DateOnly(today.Year, today.Month, 1);
        To = to ?? (from is { } f && f > today ? f : today);
    }

    /// <summary>The query string of this list with another page (or handler).</summary>
    public string Link(int? page = null, string? handler = null)
    {
        var q = $"?from={UiText.Date(From)}&to={UiText.Date(To)}";
        if (UnitId is { } u && SeesAll) q += $"&unit={u}";
        if (SectionId is { } s) q += $"&section={s}";
        if (Level is { } lv) q += $"&level={lv}";
        if (Channel is { } c) q += $"&channel={c}";
        if (Commented) q += "&commented=true";
        if (page is { } n) q += $"&p={n}";
        if (handler is not null) q += $"&handler={handler}";
        return "/Ratings/List" + q;
    }
}
