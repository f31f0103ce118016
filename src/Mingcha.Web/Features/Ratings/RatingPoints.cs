using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Mingcha.Domain.Satisfaction;
using Mingcha.Web.Data;
using Mingcha.Web.Infrastructure;

namespace Mingcha.Web.Features.Ratings;

/// <summary>
/// SAT-1, SAT-8: how a window's public rating page (the QR code) rates, kept by the Office (migration 0042, decision 032):
/// its scale, and whether a case number is taken only with a receipt's signed link. A window without a row has the
/// defaults: three levels, a bare case number taken (as before 0042).
/// </summary>
public sealed class RatingPoint : IAudited
{
    private RatingPoint() { UpdatedBy = ""; }
    public RatingPoint(Guid sectionId) { SectionId = sectionId; UpdatedBy = ""; }
    public Guid SectionId { get; private set; }
    public RatingScale Scale { get; private set; }
    public bool SignedCaseOnly { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public string UpdatedBy { get; private set; }

    public void Set(RatingScale scale, bool signedCaseOnly, string by, DateTime nowUtc)
    {
        Scale = scale; SignedCaseOnly = signedCaseOnly; UpdatedBy = by; UpdatedAt = nowUtc;
    }

    internal static void Configure(ModelBuilder builder) => builder.Entity<RatingPoint>(e =>
    {
        e.ToTable("RatingPoints");
        e.HasKey(p => p.SectionId);
        e.Property(p => p.Scale).HasConversion<string>().HasMaxLength(16);
        e.Property(p => p.UpdatedBy).HasMaxLength(200);
    });
}

/// <summary>
/// SAT-8: the signature a receipt's rating link carries, so that the public page can tell a case number printed for
/// the citizen by the business system from one a visitor typed. Made with the application's data-protection keys
/// (kept in the database, shared by every instance, kept across restarts and key rotations), bound to this purpose:
/// it says "Mingcha issued a link for this case number" and nothing else.
/// </summary>
public sealed class RatingLinkSigner(IDataProtectionProvider provider)
{
    private IDataProtector Protector => provider.CreateProtector("Mingcha.Ratings.ReceiptLink.v1");

    private static byte[] Payload(string caseNumber) => Encoding.UTF8.GetBytes("case\n" + caseNumber);

    public string Sign(string caseNumber) => WebEncoders.Base64UrlEncode(Protector.Protect(Payload(caseNumber)));

    public bool Verify(string caseNumber, string? signature)
    {
        if (string.IsNullOrWhiteSpace(signature) || signature.Length > 1000) return false;
        try
        {
            return CryptographicOperations.FixedTimeEquals(Protector.Unprotect(WebEncoders.Base64UrlDecode(signature.Trim())), Payload(caseNumber));
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return false;
        }
    }

    /// <summary>The public page's link for a case of a window, with its signature; the window's code is the record's.</summary>
    public string Link(string origin, string windowCode, string caseNumber) =>
        $"{origin}/Rate/{Uri.EscapeDataString(windowCode)}?caseNumber={Uri.EscapeDataString(caseNumber)}&sig={Sign(caseNumber)}";
}

/// <summary>Reads and sets a window's rating settings (<see cref="RatingPoint"/>): the Office sets them; whoever sees the window reads them.</summary>
public static class RatingPoints
{
    public sealed record SettingsInput([property: Required] RatingScale? Scale, [property: Required] bool? SignedCaseOnly);
    public sealed record SettingsDto(Guid SectionId, RatingScale Scale, bool SignedCaseOnly, DateTime? UpdatedAt, string? UpdatedBy);

    /// <summary>The settings of the window, or the defaults when it has none.</summary>
    public static async Task<SettingsDto> ForAsync(MingchaDb db, Guid sectionId, CancellationToken ct) =>
        await db.Set<RatingPoint>().AsNoTracking().Where(p => p.SectionId == sectionId)
            .Select(p => new SettingsDto(p.SectionId, p.Scale, p.SignedCaseOnly, p.UpdatedAt, p.UpdatedBy)).FirstOrDefaultAsync(ct)
        ?? new SettingsDto(sectionId, RatingScale.ThreeLevel, false, null, null);

    public static async Task<SettingsDto> GetAsync(Guid id, MingchaDb db, ClaimsPrincipal user, CancellationToken ct)
    {
        var unit = await db.Sections.AsNoTracking().Where(s => s.Id == id).Select(s => (Guid?)s.UnitId).FirstOrDefaultAsync(ct);
        if (unit is null || !RatingAccess.Sees(user, unit.Value)) throw new NotFoundException("窗口不存在。 No such section.");
        return await ForAsync(db, id, ct);
    }

    /// <summary>SAT-1: the Office sets the window's scale and whether a case number needs a signed link (the policy says who).</summary>
    public static async Task<SettingsDto> SetAsync(Guid id, SettingsInput input, MingchaDb db, ClaimsPrincipal user, TimeProvider time, CancellationToken ct)
    {
        if (input.Scale is not { } scale || !Enum.IsDefined(scale)) throw new FieldException("scale", "评价等级制为 ThreeLevel 或 FiveLevel。 The scale is ThreeLevel or FiveLevel.");
        if (input.SignedCaseOnly is not { } signedOnly) throw new FieldException("signedCaseOnly", "请说明是否只接受签名链接中的办件编号。 Say whether a case number needs a signed link.");
        if (!await db.Sections.AnyAsync(s => s.Id == id, ct)) throw new NotFoundException("窗口不存在。 No such section.");
        var point = await db.Set<RatingPoint>().FirstOrDefaultAsync(p => p.SectionId == id, ct);
        if (point is null) db.Add(point = new RatingPoint(id));
        point.Set(scale, signedOnly, user.Identity?.Name ?? "", time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct); // two first settings at once: the key refuses the second, answered 409 (ProblemHandling)
        return new SettingsDto(id, point.Scale, point.SignedCaseOnly, point.UpdatedAt, point.UpdatedBy);
    }
}
