namespace Mingcha.Domain.Satisfaction;

/// <summary>Which SAT-9 rule fired.</summary>
public enum ManipulationRule
{
    /// <summary>Many top ratings from one device in a short time.</summary>
    DeviceBurst,

    /// <summary>Many top ratings at one window in a short time.</summary>
    WindowBurst,

    /// <summary>A rating given outside the window's opening hours.</summary>
    OutsideOpeningHours,

    /// <summary>One phone number rating many cases.</summary>
    PhoneManyCases,
}

/// <summary>
/// Thresholds of the SAT-9 rules; the defaults are decision 008's, configurable under
/// <c>Mingcha:Ratings:Manipulation</c>. <see cref="Validate"/> refuses values that would flag every rating or none.
/// </summary>
public sealed record ManipulationThresholds
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        static void Require(bool ok, string setting, string rule)
        {
            if (!ok) throw new ArgumentException($"Mingcha:Ratings:Manipulation:{setting} {rule}.", setting);
        }
        Require(DeviceBurstCount >= 2, nameof(DeviceBurstCount), "must be at least 2");
        Require(WindowBurstCount >= 2, nameof(WindowBurstCount), "must be at least 2");
        Require(BurstWindow > TimeSpan.Zero && BurstWindow <= TimeSpan.FromDays(1), nameof(BurstWindow), "must be longer than zero and at most a day");
        Require(PhoneCasesPerDay >= 1, nameof(PhoneCasesPerDay), "must be at least 1");
        Require(Opens < Closes, nameof(Opens), "must be before Closes");
        Require(AfterClosingGrace >= TimeSpan.Zero && AfterClosingGrace < TimeSpan.FromHours(6), nameof(AfterClosingGrace), "must be zero to six hours");
    }

    /// <summary>Top ratings from one device within <see cref="BurstWindow"/> that make a burst.</summary>
    public int DeviceBurstCount { get; init; } = 10;

    /// <summary>Top ratings at one window within <see cref="BurstWindow"/> that make a burst.</summary>
    public int WindowBurstCount { get; init; } = 15;

    /// <summary>The sliding window of the burst rules. A person at a window needs minutes, not seconds.</summary>
    public TimeSpan BurstWindow { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Distinct cases one phone number may rate per day before it is flagged.</summary>
    public int PhoneCasesPerDay { get; init; } = 5;

    /// <summary>Opening hours, office-local.</summary>
    public TimeOnly Opens { get; init; } = new(8, 0);

    /// <summary>Closing time, office-local; ratings up to 30 minutes after it are still a finished queue.</summary>
    public TimeOnly Closes { get; init; } = new(18, 0);

    /// <summary>Grace after closing.</summary>
    public TimeSpan AfterClosingGrace { get; init; } = TimeSpan.FromMinutes(30);
}

/// <summary>A rating as the SAT-9 rules see it.</summary>
/// <param name="Id">The rating.</param>
/// <param name="DeviceId">The device (token) that sent it, if any.</param>
/// <param name="SectionId">The window.</param>
/// <param name="IsTop">Whether it is a top rating.</param>
/// <param name="RatedAtLocal">Office-local time of the rating.</param>
/// <param name="Phone">The rater's phone, normalised, if given.</param>
/// <param name="CaseNumber">The case rated, if any.</param>
/// <param name="AtWindow">
/// Given at the window (a rating device or the window's QR code). Only those can be given outside opening hours or pile
/// up at a window; a phone-survey answer the Office records in the evening, or a rating of a complaint's answer, cannot.
/// </param>
public sealed record RatingFact(Guid Id, Guid? DeviceId, Guid SectionId, bool IsTop, DateTime RatedAtLocal, string? Phone, string? CaseNumber, bool AtWindow = true);

/// <summary>A flag raised on one rating, with the rule that fired and why.</summary>
public sealed record ManipulationFlag(Guid RatingId, ManipulationRule Rule, string Reason);

/// <summary>
/// Rule SAT-9: bursts of top ratings from one device or window, ratings outside opening hours, and one phone
/// number rating many cases are flagged for review. Flags never change or drop a rating: an Office reviewer
/// decides. <see cref="Detect"/> is pure: give it the new ratings and the recent history around them.
/// </summary>
public static class ManipulationRules
{
    /// <summary>Flags among <paramref name="candidates"/>, judged against <paramref name="history"/> (which may include them).</summary>
    /// <param name="candidates">Ratings to judge.</param>
    /// <param name="history">Ratings around them (same days), including or excluding the candidates.</param>
    /// <param name="t">Thresholds.</param>
    /// <param name="isWorkingDay">Whether an office-local date is a working day (CAL-1); weekends and holidays are closed.</param>
    public static IReadOnlyList<ManipulationFlag> Detect(IReadOnlyCollection<RatingFact> candidates, IReadOnlyCollection<RatingFact> history,
        ManipulationThresholds t, Func<DateOnly, bool> isWorkingDay)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(isWorkingDay);
        var all = history.Concat(candidates).DistinctBy(r => r.Id).ToList();
        var flags = new List<ManipulationFlag>();
        foreach (var r in candidates)
        {
            var time = TimeOnly.FromDateTime(r.RatedAtLocal);
            var day = DateOnly.FromDateTime(r.RatedAtLocal);
            if (r.AtWindow && (!isWorkingDay(day) || time < t.Opens || time > t.Closes.Add(t.AfterClosingGrace)))
                flags.Add(new ManipulationFlag(r.Id, ManipulationRule.OutsideOpeningHours,
                    $"评价时间 {r.RatedAtLocal:yyyy-MM-dd HH:mm} 不在办公时间内。 Rated outside opening hours."));

            if (r.IsTop && r.AtWindow)
            {
                // A burst is every top rating in it, the first ones too: a reviewer who confirms it takes them all out.
                if (r.DeviceId is { } device)
                {
                    var burst = TopInWindow(all, r, x => x.DeviceId == device, t.BurstWindow);
                    if (burst.Count >= t.DeviceBurstCount)
                        foreach (var x in burst)
                            flags.Add(new ManipulationFlag(x.Id, ManipulationRule.DeviceBurst,
                                $"同一评价器 {t.BurstWindow.TotalMinutes:0} 分钟内 {burst.Count} 个最高评价。 {burst.Count} top ratings from one device within {t.BurstWindow.TotalMinutes:0} min."));
                }
                var atWindow = TopInWindow(all, r, x => x.SectionId == r.SectionId, t.BurstWindow);
                if (atWindow.Count >= t.WindowBurstCount)
                    foreach (var x in atWindow)
                        flags.Add(new ManipulationFlag(x.Id, ManipulationRule.WindowBurst,
                            $"同一窗口 {t.BurstWindow.TotalMinutes:0} 分钟内 {atWindow.Count} 个最高评价。 {atWindow.Count} top ratings at one window within {t.BurstWindow.TotalMinutes:0} min."));
            }

            if (r.Phone is { Length: > 0 } phone)
            {
                var cases = all.Where(x => x.Phone == phone && DateOnly.FromDateTime(x.RatedAtLocal) == day)
                    .Select(x => x.CaseNumber ?? x.Id.ToString()).Distinct(StringComparer.Ordinal).Count();
                if (cases > t.PhoneCasesPerDay)
                    flags.Add(new ManipulationFlag(r.Id, ManipulationRule.PhoneManyCases,
                        $"同一手机号当天评价 {cases} 个办件。 One phone number rated {cases} cases that day."));
            }
        }
        // One flag per rating and rule: the first reason found stands.
        return flags.DistinctBy(f => (f.RatingId, f.Rule)).ToList();
    }

    private static List<RatingFact> TopInWindow(List<RatingFact> all, RatingFact r, Func<RatingFact, bool> same, TimeSpan window) =>
        all.Where(x => x.IsTop && x.AtWindow && same(x) && x.RatedAtLocal <= r.RatedAtLocal && x.RatedAtLocal > r.RatedAtLocal - window).ToList();
}
