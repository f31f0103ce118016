using Mingcha.Domain.Identifiers;

namespace Mingcha.UnitTests.Identifiers;

public sealed class RecordIdsTests
{
    [Fact]
    public void NewVersion7_HasTheVersionVariantAndTimeOfGuidCreateVersion7()
    {
        var at = new DateTimeOffset(2026, 12, 2, 8, 30, 15, 123, TimeSpan.Zero);
        for (var i = 0; i < 100; i++) // across several refills of the thread's buffer
        {
            var ours = RecordIds.NewVersion7(at);
            var framework = Guid.CreateVersion7(at);
            Assert.Equal(7, ours.Version);
            Assert.Equal(0b10, framework.Variant >> 2); // RFC 9562's variant: the top two bits 10 (the next bit is random)
            Assert.Equal(0b10, ours.Variant >> 2);
            // The first 48 bits (the first 12 hex digits) are the time, as the framework writes them.
            Assert.Equal(framework.ToString("N")[..12], ours.ToString("N")[..12]);
        }
    }

    [Fact]
    public void NewVersion7_OfLaterMilliseconds_SortsLaterAsText()
    {
        // Ratings are stored with their id as text: ids of later milliseconds must sort after, so the primary key grows
        // at its end.
        var start = new DateTimeOffset(2026, 12, 2, 23, 59, 59, 990, TimeSpan.Zero);
        var ids = Enumerable.Range(0, 40).Select(i => RecordIds.NewVersion7(start.AddMilliseconds(i)).ToString()).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
    }

    [Fact]
    public void NewVersion7_GivesDistinctIdsWithinOneMillisecond()
    {
        var at = DateTimeOffset.UtcNow;
        var ids = Enumerable.Range(0, 10_000).Select(_ => RecordIds.NewVersion7(at)).ToHashSet();
        Assert.Equal(10_000, ids.Count);
    }

    [Fact]
    public void NewVersion7_OfATimeBefore1970_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RecordIds.NewVersion7(new DateTimeOffset(1969, 12, 31, 0, 0, 0, TimeSpan.Zero)));
}
