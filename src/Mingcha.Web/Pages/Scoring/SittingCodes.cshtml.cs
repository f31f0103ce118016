using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Mingcha.Web.Data;
using Mingcha.Web.Features.Scoring;
using Mingcha.Web.Infrastructure;
using QRCoder;

namespace Mingcha.Web.Pages.Scoring;

/// <summary>
/// EV-2, decision 028: a sitting's one-time ballot codes, for the Office: how many were issued and used (per group of
/// representatives), and the form that issues more. The codes just issued are shown in this one response, as printable
/// slips (测评票: the code and the QR code of the sitting's link with it); they are never shown again, only their hashes kept.
/// </summary>
[Authorize(Roles = "OfficeAdmin,OfficeStaff")]
public sealed class SittingCodesModel(Evaluations evaluations, MingchaDb db, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty] public int? Count { get; set; }
    [BindProperty] public string? Group { get; set; }
    public Guid CampaignId { get; private set; }
    public string Title { get; private set; } = "";
    public DateOnly HeldOn { get; private set; }
    public bool Closed { get; private set; }
    public Evaluations.CodeCounts Counts { get; private set; } = null!;
    /// <summary>The slips of the codes issued by this request (empty on a plain view).</summary>
    public IReadOnlyList<Slip> Slips { get; private set; } = [];
    public sealed record Slip(string Code, string Link, string QrSvg);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var s = await db.Sittings.AsNoTracking().FirstOrDefaultAsync(x => x.Id == Id, ct);
        if (s is null) return NotFound();
        (CampaignId, Title, HeldOn, Closed) = (s.CampaignId, s.Title, s.HeldOn, s.ClosedAt is not null);
        Counts = await evaluations.CodeCountsAsync(Id, User, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Evaluations.IssuedCodes? issued = null;
        var ok = await TryAsync("codes", async () => issued = await evaluations.IssueCodesAsync(Id, new Evaluations.IssueCodes(Count, Group), User, ct));
        var page = await OnGetAsync(ct);
        if (!ok || issued is null) return page;
        // Shown in this response only: no redirect (the codes are in no URL, cookie or TempData), and not cached.
        Response.Headers.CacheControl = "no-store";
        var origin = $"{Request.Scheme}://{Request.Host}";
        Slips = issued.Codes.Select(c => new Slip(c.Code, origin + c.Link, Qr(origin + c.Link))).ToList();
        Message = null;
        return page;
    }

    private static string Qr(string url)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(url, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(3);
    }
}
