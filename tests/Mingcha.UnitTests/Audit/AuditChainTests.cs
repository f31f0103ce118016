using System.Collections;
using System.Globalization;
using Mingcha.Domain.Audit;

namespace Mingcha.UnitTests.Audit;

public class AuditChainTests
{
    private static readonly DateTime Start = new(2026, 3, 9, 8, 0, 0, DateTimeKind.Utc);

    // A log of n entries with varied content, as the application would write it.
    private static List<AuditRecord> Chain(int n)
    {
        var list = new List<AuditRecord>(n);
        AuditRecord? previous = null;
        for (var i = 1; i <= n; i++)
        {
            previous = AuditChain.CreateNext(
                previous,
                Start.AddTicks(i * 1_234_567L),
                i % 7 == 0 ? null : "user-" + (i % 5).ToString(CultureInfo.InvariantCulture),
                i % 7 == 0 ? null : "张三",
                "10.0.0." + (i % 250).ToString(CultureInfo.InvariantCulture),
                i % 3 == 0 ? "finding.update" : "finding.record",
                "Finding",
                "F-2026-" + i.ToString("D4", CultureInfo.InvariantCulture),
                i % 3 == 0 ? "{\"status\":\"open\"}" : null,
                "{\"status\":\"rectifying\",\"n\":" + i.ToString(CultureInfo.InvariantCulture) + "}");
            list.Add(previous);
        }

        return list;
    }

    [Fact]
    [Trait("Rule", "SEC-3")]
    public void Verify_WhenChainUntouched_IsIntactAndChecksAll()
    {
        var report = AuditChain.Verify(Chain(300));

        Assert.True(report.IsIntact);
        Assert.Null(report.FirstBreak);
        Assert.Equal(300, report.Checked);
    }

    [Fact]
    [Trait("Rule", "SEC-3")]
    public void Verify_WhenEmpty_IsIntact()
    {
        var report = AuditChain.Verify([]);

        Assert.True(report.IsIntact);
        Assert.Equal(0, report.Checked);
    }

    public static TheoryData<string> Fields =>
    [
        "Seq", "At", "UserId", "UserName", "Ip", "Action", "EntityType", "EntityKey",
        "Before", "After", "PrevHash", "Hash",
    ];

    [Theory]
    [Trait("Rule", "SEC-3")]
    [MemberData(nameof(Fields))]
    public void Verify_WhenAnyFieldOfOneEntryEdited_ReportsEntryAlteredAtThatSeq(string field)
    {
        var chain = Chain(300);
        var r = chain[149]; // Seq 150; 150 % 3 == 0, so Before is set
        chain[149] = field switch
        {
            "Seq" => r with { Seq = 9999 },
            "At" => r with { At = r.At.AddSeconds(1) },
            "UserId" => r with { UserId = "user-4" },
            "UserName" => r with { UserName = "李四" },
            "Ip" => r with { Ip = "10.0.0.99" },
            "Action" => r with { Action = "finding.delete" },
            "EntityType" => r with { EntityType = "Complaint" },
            "EntityKey" => r with { EntityKey = "F-2026-0151" },
            "Before" => r with { Before = null },
            "After" => r with { After = "{\"status\":\"closed\"}" },
            "PrevHash" => r with { PrevHash = AuditChain.GenesisHash },
            "Hash" => r with { Hash = new string('f', 64) },
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };

        var report = AuditChain.Verify(chain);

        Assert.False(report.IsIntact);
        Assert.Equal(new AuditChainBreak(150, AuditBreakKind.EntryAltered, report.FirstBreak!.Message), report.FirstBreak);
        Assert.Contains("已被修改", report.FirstBreak.Message, StringComparison.Ordinal);
        Assert.Equal(149, report.Checked);
    }

    [Fact]
    [Trait("Rule", "SEC-3")]
    public void Verify_WhenEditedEntryRehashedByAttacker_ReportsChainLinkBrokenAtNextEntry()
    {
        var chain = Chain(300);
        var edited = chain[149] with { After = "{\"status\":\"closed\"}" };
        chain[149] = edited with { Hash = AuditChain.ComputeHash(edited) };

        var report = AuditChain.Verify(chain);

        Assert.Equal(151, report.FirstBreak?.Seq);
        Assert.Equal(AuditBreakKind.ChainLinkBroken, report.FirstBreak?.Kind);
        Assert.Equal(150, report.Checked);
    }

    [Theory]
    [Trait("Rule", "SEC-3")]
    [InlineData(150)]
    [InlineData(1)]
    public void Verify_WhenOneEntryDeleted_ReportsEntryMissingAtItsSeq(int seq)
    {
        var chain = Chain(300);
        chain.RemoveAt(seq - 1);

        var report = AuditChain.Verify(chain);

        Assert.Equal(seq, report.FirstBreak?.Seq);
        Assert.Equal(AuditBreakKind.EntryMissing, report.FirstBreak?.Kind);
        Assert.Contains("缺失", report.FirstBreak!.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "SEC-3")]
    public void Verify_WhenSeveralEntriesDeleted_NamesTheRange()
    {
        var chain = Chain(300);
        chain.RemoveRange(99, 3); // Seq 100, 101, 102

        var report = AuditChain.Verify(chain);

        Assert.Equal(100, report.FirstBreak?.Seq);
        Assert.Equal(AuditBreakKind.EntryMissing, report.FirstBreak?.Kind);
        Assert.Contains("第 100 至 102 条", report.FirstBreak!.Message, StringComparison.Ordinal);
        Assert.Contains("entries 100 to 102", report.FirstBreak.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "EVD-5")]
    [Trait("Rule", "SEC-3")]
    public void Verify_WhenSeveralPlacesChanged_ReportsEachOnceAndReadsToTheEnd()
    {
        var chain = Chain(300);
        chain[19] = chain[19] with { After = "{\"status\":\"closed\"}" };  // Seq 20 edited
        chain[59] = chain[59] with { Hash = new string('f', 64) };           // Seq 60: its hash edited
        var rehashed = chain[119] with { UserName = "李四" };                 // Seq 120 edited and re-sealed
        chain[119] = rehashed with { Hash = AuditChain.ComputeHash(rehashed) };
        chain.RemoveRange(199, 2);                                           // Seq 200 and 201 deleted

        var report = AuditChain.Verify(chain);

        Assert.Equal(
            [(20L, AuditBreakKind.EntryAltered), (60L, AuditBreakKind.EntryAltered), (121L, AuditBreakKind.ChainLinkBroken), (200L, AuditBreakKind.EntryMissing)],
            report.Breaks.Select(b => (b.Seq, b.Kind)));
        Assert.Equal(report.Breaks[0], report.FirstBreak);
        Assert.Equal(19, report.Checked);
        Assert.Equal(298, report.Read);
        Assert.False(report.Stopped);
        Assert.Contains("第 200 至 201 条", report.Breaks[3].Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "EVD-5")]
    public void Verify_WhenEveryEntryIsRewritten_StopsAtTheMostBreaksItReports()
    {
        var chain = Chain(AuditChain.MaxBreaks + 50).Select(r => r with { Ip = "10.9.9.9" }).ToList();

        var report = AuditChain.Verify(chain);

        Assert.Equal(AuditChain.MaxBreaks, report.Breaks.Count);
        Assert.True(report.Stopped);
        Assert.All(report.Breaks, b => Assert.Equal(AuditBreakKind.EntryAltered, b.Kind));
    }

    [Fact]
    [Trait("Rule", "SEC-3")]
    public void Verify_WhenTwoEntriesSwapped_ReportsOutOfOrder()
    {
        var chain = Chain(300);
        (chain[149], chain[150]) = (chain[150], chain[149]); // Seq 151 now comes before 150

        var report = AuditChain.Verify(chain);

        Assert.Equal(AuditBreakKind.OutOfOrder, report.FirstBreak?.Kind);
        Assert.Equal(151, report.FirstBreak?.Seq);
        Assert.Equal(149, report.Checked);
    }

    [Fact]
    [Trait("Rule", "SEC-3")]
    public void Verify_WhenTwoEntriesSwappedAndRenumbered_IsDetected()
    {
        // The attacker swaps the contents of 150 and 151 but keeps Seq ascending.
        var chain = Chain(300);
        var (a, b) = (chain[149], chain[150]);
        chain[149] = b with { Seq = 150 };
        chain[150] = a with { Seq = 151 };

        var report = AuditChain.Verify(chain);

        Assert.Equal(AuditBreakKind.EntryAltered, report.FirstBreak?.Kind);
        Assert.Equal(150, report.FirstBreak?.Seq);
    }

    [Fact]
    [Trait("Rule", "SEC-3")]
    public void Verify_WhenEntryDuplicated_ReportsOutOfOrder()
    {
        var chain = Chain(10);
        chain.Insert(5, chain[4]); // Seq 5 twice

        var report = AuditChain.Verify(chain);

        Assert.Equal(AuditBreakKind.OutOfOrder, report.FirstBreak?.Kind);
        Assert.Equal(5, report.FirstBreak?.Seq);
    }

    [Fact]
    [Trait("Rule", "SEC-3")]
    public void Verify_WhenFirstEntryDoesNotStartFromGenesis_ReportsChainLinkBroken()
    {
        // A log that starts with a correctly sealed entry pointing at some other hash: the
        // real beginning was cut off and Seq renumbered.
        var forged = AuditChain.CreateNext(null, Start, null, null, null, "system.start", null, null, null, null)
            with { PrevHash = new string('a', 64) };
        forged = forged with { Hash = AuditChain.ComputeHash(forged) };

        var report = AuditChain.Verify([forged]);

        Assert.Equal(new AuditChainBreak(1, AuditBreakKind.ChainLinkBroken, report.FirstBreak!.Message), report.FirstBreak);
    }

    [Fact]
    [Trait("Rule", "SEC-3")]
    public void Verify_WhenLogIsLarge_ReadsItOnceAsAStream()
    {
        var source = new SinglePassLog(100_000);

        var report = AuditChain.Verify(source);

        Assert.True(report.IsIntact);
        Assert.Equal(100_000, report.Checked);
        Assert.Equal(1, source.Enumerations);
    }

    [Fact]
    [Trait("Rule", "SEC-3")]
    public void ComputeHash_WhenKindUnspecifiedOrUtc_GivesSameHash()
    {
        var utc = Chain(1)[0];
        var unspecified = utc with { At = DateTime.SpecifyKind(utc.At, DateTimeKind.Unspecified) };

        Assert.Equal(DateTimeKind.Unspecified, unspecified.At.Kind);
        Assert.Equal(AuditChain.ComputeHash(utc), AuditChain.ComputeHash(unspecified));
    }

    [Fact]
    [Trait("Rule", "SEC-3")]
    public void ComputeHash_WhenTicksBeyondMicroseconds_AreIgnored()
    {
        // PostgreSQL stores microseconds: a value read back without its last tick must still verify.
        var at = new DateTime(2026, 3, 9, 8, 15, 30, DateTimeKind.Utc).AddTicks(1_234_567);
        var r = AuditChain.CreateNext(null, at, "u-1", null, null, "a", null, null, null, null);

        Assert.Equal(at.AddTicks(-7), r.At);
        Assert.Equal(DateTimeKind.Utc, AuditChain.Normalize(DateTime.SpecifyKind(at, DateTimeKind.Unspecified)).Kind);
        Assert.Equal(r.Hash, AuditChain.ComputeHash(r with { At = at }));
        Assert.NotEqual(r.Hash, AuditChain.ComputeHash(r with { At = at.AddTicks(10) }));
    }

    [Fact]
    [Trait("Rule", "SEC-3")]
    public void ComputeHash_WhenFieldBoundariesShift_GivesDifferentHashes()
    {
        var r = AuditChain.CreateNext(null, Start, "u-1", "ab", "c", "a", null, null, null, null);

        Assert.NotEqual(r.Hash, AuditChain.ComputeHash(r with { UserName = "a", Ip = "bc" }));
        Assert.NotEqual(r.Hash, AuditChain.ComputeHash(r with { UserName = "ab|c", Ip = null }));
        Assert.NotEqual(AuditChain.ComputeHash(r with { Before = null }), AuditChain.ComputeHash(r with { Before = "" }));
    }

    [Fact]
    [Trait("Rule", "SEC-3")]
    public void ComputeHash_WhenKnownRecord_MatchesIndependentlyComputedValue()
    {
        // Pins the encoding: stored hashes must verify forever. Worked out separately as SHA-256 of
        // "mingcha-audit-v1" + Seq as int64 big-endian + for each field (At as
        // "2026-03-09T08:15:30.123456", UserId, UserName, Ip, Action, EntityType, EntityKey, Before,
        // After, PrevHash): 0x00 for null, else 0x01 + UTF-8 length as int32 big-endian + UTF-8 bytes.
        var r = new AuditRecord(
            1,
            new DateTime(2026, 3, 9, 8, 15, 30, DateTimeKind.Utc).AddTicks(1_234_560),
            "u-1",
            "张三",
            "10.0.0.1",
            "finding.record",
            "Finding",
            "F-2026-0001",
            null,
            "{\"status\":\"open\"}",
            AuditChain.GenesisHash,
            string.Empty);

        Assert.Equal("d3a96e77c72fbb0d8a6b11a8838e69c52e8135d057805ae1fadbaa11fc7f9242", AuditChain.ComputeHash(r));
    }

    [Fact]
    [Trait("Rule", "SEC-3")]
    public void CreateNext_WhenChained_LinksAndNumbers()
    {
        var first = AuditChain.CreateNext(null, Start, null, null, null, "system.start", null, null, null, null);
        var second = AuditChain.CreateNext(first, Start, null, null, null, "system.stop", null, null, null, null);

        Assert.Equal(1, first.Seq);
        Assert.Equal(AuditChain.GenesisHash, first.PrevHash);
        Assert.Equal(new string('0', 64), AuditChain.GenesisHash);
        Assert.Equal(2, second.Seq);
        Assert.Equal(first.Hash, second.PrevHash);
        Assert.Matches("^[0-9a-f]{64}$", second.Hash);
    }

    // Generates a valid log on the fly and refuses a second pass, like a database cursor.
    private sealed class SinglePassLog(int count) : IEnumerable<AuditRecord>
    {
        public int Enumerations { get; private set; }

        public IEnumerator<AuditRecord> GetEnumerator()
        {
            Enumerations++;
            Assert.Equal(1, Enumerations);
            return Generate();
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        private IEnumerator<AuditRecord> Generate()
        {
            AuditRecord? previous = null;
            for (var i = 0; i < count; i++)
            {
                previous = AuditChain.CreateNext(previous, Start.AddSeconds(i), "u", null, null, "x.y", "X", null, null, "{}");
                yield return previous;
            }
        }
    }
}
