namespace Mingcha.Domain.Identifiers;

/// <summary>What kind of personal data a property holds, which decides how it is masked (SEC-4).</summary>
public enum PersonalKind
{
    Name,
    Phone,
    IdNumber,
    /// <summary>Free text that may identify a person (an address, an e-mail): masked whole.</summary>
    Other,
}

/// <summary>
/// Marks a property as personal data (SEC-4). The audit log stores such values masked and sealed, never in
/// the clear; other modules use the same mark to decide what to mask in pages and exports.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PersonalAttribute(PersonalKind kind) : Attribute
{
    public PersonalKind Kind { get; } = kind;

    /// <summary>The masked form of <paramref name="value"/> for this kind.</summary>
    public static string Mask(PersonalKind kind, string? value) => kind switch
    {
        PersonalKind.Name => PersonalData.MaskName(value),
        PersonalKind.Phone => PersonalData.MaskPhone(value),
        PersonalKind.IdNumber => PersonalData.MaskIdNumber(value),
        _ => string.IsNullOrEmpty(value) ? string.Empty : new string('*', Math.Min(value.Length, 8)),
    };
}
