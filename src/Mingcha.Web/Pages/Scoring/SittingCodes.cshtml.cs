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
/// Decision 028 (amended): the form that revokes one unused code by its slip's serial (and prints its replacement), and, on a
/// sitting that takes ballots without codes, the button that switches it to codes before its first ballot.
/// </summary>
[Authorize(Roles = "OfficeAdmin,OfficeStaff")]
public sealed class SittingCodesModel(Evaluations evaluations, MingchaDb db, IStringLocalizer<SharedResource> l) : MingchaPageModel(l)
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty] public int? Count { get; set; }
    [BindProperty] public string? Group { get; set; }
    /// <summary>The serial of the slip whose code is revoked; <see cref="Reissue"/>: print a replacement with it.</summary>
    [BindProperty] public int? Serial { get; set; }
    [BindProperty] public bool Reissue { get; set; } = true;
    public bool RequireCodes { get; private set; }
    public int Ballots { get; private set; }
    public Guid CampaignId { get; private set; }
    public string Title { get; private set; } = "";
    public DateOnly HeldOn { get; private set; }
    public bool Closed { get; private set; }
    public Evaluations.CodeCounts Counts { get; private set; } = null!;
    /// <summary>The slips of the codes issued by this request (empty on a plain view).</summary>
    public IReadOnlyList<Slip> Slips { get; private set; } = [];
    public sealed record Slip(string Code, string Link, string QrSvg, int Serial = 0);
    /// <summary>The group printed on the slips shown (the issue's or the revoked code's).</summary>
    public string? SlipGroup { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var s = await db.Sittings.AsNoTracking().FirstOrDefaultAsync(x => x.Id == Id, ct);
        if (s is null) return NotFound();
        (CampaignId, Title, HeldOn, Closed, RequireCodes, Ballots) = (s.CampaignId, s.Title, s.HeldOn, s.ClosedAt is not null, s.RequireCodes, s.Ballots);
        Counts = await evaluations.CodeCountsAsync(Id, User, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Evaluations.IssuedCodes? issued = null;
        var ok = await TryAsync("codes", async () => issued = await evaluations.IssueCodesAsync(Id, new Evaluations.IssueCodes(Count, Group), User, ct));
        var page = await OnGetAsync(ct);
        if (!ok || issued is null) return page;
        ShowSlips(issued);
        Message = null;
        return page;
    }

    /// <summary>Revokes the unused code of the slip numbered <see cref="Serial"/>; with <see cref="Reissue"/>, shows the replacement's slip this once.</summary>
    public async Task<IActionResult> OnPostRevokeAsync(CancellationToken ct)
    {
        Evaluations.RevokedCode? revoked = null;
        var ok = await TryAsync("revoke", async () => revoked = await evaluations.RevokeCodeAsync(Id, new Evaluations.RevokeCode(Serial, Reissue), User, ct));
        var page = await OnGetAsync(ct);
        if (!ok || revoked is null) return page;
        Message = Text["编号 {0} 的测评码已作废。", revoked.Serial];
        if (revoked.Replacement is { } replacement) ShowSlips(replacement);
        return page;
    }

    /// <summary>Switches a sitting without codes to require them (only before its first ballot).</summary>
    public async Task<IActionResult> OnPostRequireCodesAsync(CancellationToken ct)
    {
        if (await TryAsync("require-codes", () => evaluations.RequireCodesAsync(Id, User, ct)))
            return Done(Text["本次集中测评已改为凭测评码投票。请发放测评码。"], new { Id });
        return await OnGetAsync(ct);
    }

    private void ShowSlips(Evaluations.IssuedCodes issued)
    {
        // Shown in this response only: no redirect (the codes are in no URL, cookie or TempData), and not cached.
        Response.Headers.CacheControl = "no-store";
        var origin = $"{Request.Scheme}://{Request.Host}";
        SlipGroup = issued.Group;
        Slips = issued.Codes.Select(c => new Slip(c.Code, origin + c.Link, Qr(origin + c.Link), c.Serial)).ToList();
    }

    private static string Qr(string url)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(url, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(3);
    }
}
