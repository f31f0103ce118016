using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Mingcha.Domain.Identifiers;

namespace Mingcha.Web.Features.Audit;

/// <summary>
/// SEC-4 in the audit log: a personal value (a property marked <see cref="PersonalAttribute"/>) is written as its
/// masked form plus a sealed copy that only the data-protection key ring (kept in the database) can open. The
/// auditor reads the masked form; opening the sealed copy is a logged act (<see cref="AuditApi"/>).
/// </summary>
public sealed class PersonalDataSealer(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Mingcha.Audit.PersonalData.v1");

    public string Seal(string value) => _protector.Protect(value);

    /// <summary>The clear value, or null when the sealed text is not one of ours (or its key is gone).</summary>
    public string? Open(string sealedValue)
    {
        try { return _protector.Unprotect(sealedValue); }
        catch (CryptographicException) { return null; }
    }

    /// <summary>The personal mark of an entity property, if any (cached per property by the runtime).</summary>
    public static PersonalAttribute? MarkOf(PropertyInfo? property) => property?.GetCustomAttribute<PersonalAttribute>();
}

/// <summary>How a personal value appears in the audit log's Before/After JSON.</summary>
public sealed record SealedPersonalValue(string Masked, string? Sealed);
