namespace Mingcha.Web.Infrastructure;

/// <summary>Times that come in through the API or a query string.</summary>
public static class OfficeTime
{
    /// <summary>
    /// A time received as UTC (kind Utc): one with <c>Z</c> or an offset (kind Utc or Local once read) is the instant it
    /// names; one without (kind Unspecified, "2026-11-16T09:30" or "2026-11-16") is the office's time in
    /// <paramref name="zone"/>, never the server's own zone (which is UTC on most hosts, so the same request meant
    /// another instant there). <paramref name="field"/> names the field in the 400 for a time the zone skips.
    /// </summary>
    public static DateTime? ToUtc(DateTime? at, TimeZoneInfo zone, string field) => at switch
    {
        null => null,
        { Kind: DateTimeKind.Unspecified } t => zone.IsInvalidTime(t)
            ? throw new FieldException(field, "该时间在当地不存在（夏令时跳过的时刻）。 This time does not exist in the office's time zone.")
            : TimeZoneInfo.ConvertTimeToUtc(t, zone),
        { } t => DateTime.SpecifyKind(t.ToUniversalTime(), DateTimeKind.Utc),
    };
}
