using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Mingcha.Domain.Satisfaction;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Identity;
using Mingcha.Web.Features.Ratings;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Pages.Ratings;

/// <summary>
/// A satisfaction page that lists one period's records of a unit and window (评价明细, 办件与评价): the period (this month
/// by default), the unit (a liaison's own, SEC-2) and the window within it, the pickers for them, and the query string.
/// </summary>
public abstract class UnitPeriodPageModel(MingchaDb db, LocalClock clock, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    public const int PageSize = 50;

    protected MingchaDb Db { get; } = db;

    /// <summary>The office's clock: its today, its days.</summary>
    protected LocalClock OfficeClock { get; } = clock;

    public DateOnly From { get; private set; }
    public DateOnly To { get; private set; }
    public Guid? UnitId { get; private set; }
    public Guid? SectionId { get; private set; }
    public bool SeesAll { get; private set; }

    /// <summary>Every active unit, for those who see all of them to pick one.</summary>
    public IReadOnlyList<(Guid Id, string Name)> Units { get; private set; } = [];

    /// <summary>The chosen unit's windows, halls and outlets, to pick one.</summary>
    public IReadOnlyList<(Guid Id, string Name)> Sections { get; private set; } = [];

    /// <summary>The service item whose records are listed (SAT-8: the report's item line leads here), once <see cref="ParseItem"/> read it.</summary>
    public ServiceItemChoice? Item { get; private set; }
    private string? _itemText;

    /// <summary>
    /// The chosen unit's service items to pick one (the catalogue's, ORG-6), and the chosen item when it is another's (a case
    /// names the item its business system gave).
    /// </summary>
    public IReadOnlyList<(Guid Id, string Name)> Items { get; private set; } = [];

    /// <summary>The channel's name in the interface's language.</summary>
    public string ChannelName(RatingChannel c) => Text[ChannelZh(c)];

    /// <summary>The channel's Chinese name (a workbook's cells are Chinese).</summary>
    protected static string ChannelZh(RatingChannel c) => c switch
    {
        RatingChannel.Device => "评价器",
        RatingChannel.QrCode => "扫码评价",
        RatingChannel.Complaint => "投诉答复评价",
        _ => "电话回访",
    };

    /// <summary>SEC-2: another unit's records are not there for a liaison (404, as for any record not theirs).</summary>
    protected bool Refused(Guid? unit) => unit is { } u && !RatingAccess.Sees(User, u);

    /// <summary>The period, unit, window and service item asked for, with their defaults.</summary>
    protected void PreparePeriod(DateOnly? from, DateOnly? to, Guid? unit, Guid? section, string? item)
    {
        _itemText = Blank(item);
        SeesAll = User.SeesAllUnits();
        UnitId = unit ?? (SeesAll ? null : User.UnitId());
        SectionId = UnitId is null ? null : section; // a window is chosen within its unit
        var today = OfficeClock.Today;
        From = from ?? new DateOnly(today.Year, today.Month, 1);
        To = to ?? (from is { } f && f > today ? f : today);
    }

    /// <summary>
    /// The instants (UTC) where the period's first office day starts and its last ends; a period backwards, or a day outside
    /// the supported years, is a 400 naming the field.
    /// </summary>
    protected (DateTime From, DateTime To) Bounds() => RatingPeriods.UtcBounds(OfficeClock, From, To);

    /// <summary>The service item asked for: an item's id or "none"; anything else a 400 naming the field.</summary>
    protected ServiceItemChoice? ParseItem() => Item = ServiceItemChoice.Parse(_itemText);

    /// <summary>The period for a file's name and note.</summary>
    protected string PeriodText => $"{UiText.Date(From)} 至 {UiText.Date(To)}";

    /// <summary>The units, windows and service items to pick from.</summary>
    protected async Task LoadPickersAsync(CancellationToken ct)
    {
        if (SeesAll)
            Units = await UnitsInUseSinceAsync(Db, From, ct);
        if (UnitId is { } chosen)
        {
            // The windows in use during the period: open now, or closed since it began (decision 045), marked.
            var since = ClosedSince(From);
            Sections = (await Db.Sections.AsNoTracking()
                    .Where(s => s.UnitId == chosen && (s.Active || Db.SectionVersions.Any(v => v.SectionId == s.Id && !v.Active && v.ValidFrom >= since)))
                    .OrderBy(s => s.Code).Select(s => new { s.Id, s.Name, s.Active }).ToListAsync(ct))
                .Select(s => (s.Id, ClosedName(s.Name, s.Active))).ToList();
        }
        var item = Item?.Id;
        if (UnitId is not null || item is not null)
            Items = (await Db.ServiceItems.AsNoTracking().Where(i => i.UnitId == UnitId || i.Id == item).OrderBy(i => i.Code).Select(i => new { i.Id, i.Name }).ToListAsync(ct))
                .Select(i => (i.Id, i.Name)).ToList();
    }

    /// <summary>The page's path ("/Ratings/List").</summary>
    protected abstract string PagePath { get; }

    /// <summary>The page's own filters as query parameters ("&amp;level=3…"), after the period, unit and window.</summary>
    protected abstract string FilterQuery();

    /// <summary>This list with its period, unit, window and filters, at another page (or handler).</summary>
    public string Link(int? page = null, string? handler = null)
    {
        var q = $"?from={UiText.Date(From)}&to={UiText.Date(To)}";
        if (UnitId is { } u && SeesAll) q += $"&unit={u}";
        if (SectionId is { } s) q += $"&section={s}";
        if (Item is { } item) q += $"&item={item}";
        q += FilterQuery();
        if (page is { } n) q += $"&p={n}";
        if (handler is not null) q += $"&handler={handler}";
        return PagePath + q;
    }
}
