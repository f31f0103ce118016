using System.Security.Cryptography;
using System.Text;
using Mingcha.Domain.Evidence;

namespace Mingcha.UnitTests.Evidence;

public sealed class EvidenceRetentionTests
{
    private static readonly DateTime Captured = new(2026, 3, 10, 2, 0, 0, DateTimeKind.Utc);

    [Fact]
    [Trait("Rule", "EVD-1")]
    public void RetainUntil_WhenNoHold_IsTwoYearsFromCapture()
    {
        Assert.Equal(new DateTime(2028, 3, 10, 2, 0, 0, DateTimeKind.Utc), EvidenceRetention.RetainUntil(Captured, []));
    }

    /// <summary>EVD-1: a capture time typed in, or from a camera reset to 2000, never shortens the two years from the upload.</summary>
    [Fact]
    [Trait("Rule", "EVD-1")]
    public void RetainUntil_WhenTheStatedCaptureIsLongBeforeTheUpload_CountsFromTheUpload()
    {
        var uploaded = new DateTime(2026, 11, 16, 2, 0, 0, DateTimeKind.Utc);
        var reset = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        Assert.Equal(uploaded, EvidenceRetention.CountsFrom(reset, uploaded));
        Assert.False(EvidenceRetention.MayPurge(EvidenceRetention.CountsFrom(reset, uploaded), [], uploaded.AddDays(1)));
        // Captured in the morning, uploaded at noon the same day: the stated capture is before the upload, so the upload counts.
        Assert.Equal(uploaded.AddYears(2), EvidenceRetention.RetainUntil(EvidenceRetention.CountsFrom(uploaded.AddHours(-3), uploaded), []));
    }

    [Fact]
    [Trait("Rule", "EVD-1")]
    public void MayPurge_WhenOneSecondBeforeTwoYears_IsFalse()
    {
        Assert.False(EvidenceRetention.MayPurge(Captured, [], Captured.AddYears(2).AddSeconds(-1)));
        Assert.True(EvidenceRetention.MayPurge(Captured, [], Captured.AddYears(2)));
    }

    [Fact]
    [Trait("Rule", "EVD-1")]
    public void RetainUntil_WhenHoldActive_NeverEnds()
    {
        var holds = new[] { new RetentionHold(Captured.AddDays(3), null) };
        Assert.Null(EvidenceRetention.RetainUntil(Captured, holds));
        Assert.False(EvidenceRetention.MayPurge(Captured, holds, Captured.AddYears(10)));
    }

    [Fact]
    [Trait("Rule", "EVD-1")]
    public void RetainUntil_WhenHoldLiftedAfterTwoYears_EndsAtTheLift()
    {
        var lifted = Captured.AddYears(3);
        var holds = new[] { new RetentionHold(Captured.AddDays(3), Captured.AddDays(30)), new RetentionHold(Captured.AddDays(5), lifted) };
        Assert.Equal(lifted, EvidenceRetention.RetainUntil(Captured, holds));
    }

    [Fact]
    [Trait("Rule", "EVD-1")]
    public void RetainUntil_WhenHoldLiftedEarly_KeepsTheTwoYears()
    {
        var holds = new[] { new RetentionHold(Captured.AddDays(3), Captured.AddDays(30)) };
        Assert.Equal(Captured.AddYears(2), EvidenceRetention.RetainUntil(Captured, holds));
    }
}

public sealed class SameDayRuleTests
{
    private static readonly TimeZoneInfo Beijing = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Fact]
    [Trait("Rule", "INS-7")]
    public void IsLate_WhenUploadedSameBeijingDayAcrossUtcMidnight_IsFalse()
    {
        // 07:00 and 23:30 Beijing on 10 March: different UTC days (9th 23:00 and 10th 15:30), same local day.
        var captured = new DateTime(2026, 3, 9, 23, 0, 0, DateTimeKind.Utc);
        var uploaded = new DateTime(2026, 3, 10, 15, 30, 0, DateTimeKind.Utc);
        Assert.False(SameDayRule.IsLate(captured, uploaded, Beijing));
    }

    [Fact]
    [Trait("Rule", "INS-7")]
    [Trait("Rule", "EVD-2")]
    public void IsLate_WhenUploadedAfterBeijingMidnight_IsTrue()
    {
        var captured = new DateTime(2026, 3, 10, 15, 0, 0, DateTimeKind.Utc); // 23:00 local
        var uploaded = new DateTime(2026, 3, 10, 16, 5, 0, DateTimeKind.Utc);  // 00:05 next local day
        Assert.True(SameDayRule.IsLate(captured, uploaded, Beijing));
    }

    [Fact]
    [Trait("Rule", "INS-7")]
    public void IsLate_WhenCaptureClockIsAheadOfUpload_IsFalse()
    {
        var captured = new DateTime(2026, 3, 11, 3, 0, 0, DateTimeKind.Utc);
        var uploaded = new DateTime(2026, 3, 10, 3, 0, 0, DateTimeKind.Utc);
        Assert.False(SameDayRule.IsLate(captured, uploaded, Beijing));
    }
}

public sealed class MediaSnifferTests
{
    private static byte[] Bytes(params object[] parts)
    {
        var list = new List<byte>();
        foreach (var p in parts)
        {
            switch (p)
            {
                case string s: list.AddRange(Encoding.ASCII.GetBytes(s)); break;
                case byte[] b: list.AddRange(b); break;
                case int i: list.Add((byte)i); break;
            }
        }
        while (list.Count < 32) list.Add(0);
        return [.. list];
    }

    [Theory]
    [Trait("Rule", "EVD-1")]
    [InlineData("isom", "video/mp4")]
    [InlineData("mp42", "video/mp4")]
    [InlineData("qt  ", "video/quicktime")]
    [InlineData("M4A ", "audio/mp4")]
    [InlineData("heic", "image/heic")]
    [InlineData("3gp5", "video/3gpp")]
    public void Sniff_WhenIsoMediaFile_TakesTypeFromBrand(string brand, string expected)
    {
        var result = MediaSniffer.Sniff(Bytes(0, 0, 0, 0x20, "ftyp", brand));
        Assert.True(result.Allowed);
        Assert.Equal(expected, result.MediaType);
    }

    [Fact]
    [Trait("Rule", "EVD-1")]
    public void Sniff_WhenCommonPhotoAndAudio_Allows()
    {
        Assert.Equal("image/jpeg", MediaSniffer.Sniff(Bytes(0xFF, 0xD8, 0xFF, 0xE0)).MediaType);
        Assert.Equal("image/png", MediaSniffer.Sniff(Bytes(0x89, "PNG", 0x0D, 0x0A, 0x1A, 0x0A)).MediaType);
        Assert.Equal("audio/wav", MediaSniffer.Sniff(Bytes("RIFF", 0, 0, 0, 0, "WAVE")).MediaType);
        Assert.Equal("audio/mpeg", MediaSniffer.Sniff(Bytes("ID3", 4, 0)).MediaType);
        Assert.Equal("audio/mpeg", MediaSniffer.Sniff(Bytes(0xFF, 0xFB, 0x90, 0x64)).MediaType);
        Assert.Equal("audio/aac", MediaSniffer.Sniff(Bytes(0xFF, 0xF1, 0x50, 0x80)).MediaType);
        Assert.Equal("audio/amr", MediaSniffer.Sniff(Bytes("#!AMR\n")).MediaType);
        Assert.Equal("application/pdf", MediaSniffer.Sniff(Bytes("%PDF-1.7")).MediaType);
        Assert.Equal("video/webm", MediaSniffer.Sniff(Bytes(0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x82, 0x84, "webm")).MediaType);
    }

    [Theory]
    [Trait("Rule", "EVD-1")]
    [InlineData(new byte[] { (byte)'M', (byte)'Z', 0x90, 0x00 })]
    [InlineData(new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1 })]
    [InlineData(new byte[] { 0xCF, 0xFA, 0xED, 0xFE, 7, 0, 0, 1 })]
    [InlineData(new byte[] { (byte)'#', (byte)'!', (byte)'/', (byte)'b', (byte)'i', (byte)'n' })]
    public void Sniff_WhenExecutableRenamedMp4_RefusesAndSaysWhy(byte[] head)
    {
        var result = MediaSniffer.Sniff(Bytes(head));
        Assert.False(result.Allowed);
        Assert.Contains("可执行程序", result.RefusalZh, StringComparison.Ordinal);
        Assert.Contains("executable", result.RefusalEn, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Rule", "EVD-1")]
    public void Sniff_WhenUnknownOrTooShort_Refuses()
    {
        Assert.False(MediaSniffer.Sniff(Bytes("PK", 3, 4, "word/document.xml")).Allowed);
        Assert.False(MediaSniffer.Sniff("abc"u8).Allowed);
        Assert.False(MediaSniffer.Sniff(Bytes("hello, plain text")).Allowed);
    }
}

public sealed class TusProtocolTests
{
    [Theory]
    [Trait("Rule", "EVD-4")]
    [InlineData("0", 0L)]
    [InlineData("2147483648000", 2147483648000L)]
    [InlineData("-1", null)]
    [InlineData("+5", null)]
    [InlineData(" 5", null)]
    [InlineData("5.0", null)]
    [InlineData("", null)]
    [InlineData("99999999999999999999", null)]
    public void ParseNonNegative_AcceptsDigitsOnly(string value, long? expected)
    {
        Assert.Equal(expected, TusProtocol.ParseNonNegative(value));
    }

    [Fact]
    [Trait("Rule", "EVD-4")]
    public void ParseMetadata_WhenClientEncodes_RoundTripsUtf8AndEmptyValues()
    {
        var header = TusProtocol.FormatMetadata([new("filename", "暗访 第1段.mp4"), new("is_confidential", ""), new("filetype", "video/mp4")]);
        var parsed = TusProtocol.ParseMetadata(header)!;
        Assert.Equal("暗访 第1段.mp4", parsed["filename"]);
        Assert.Equal("", parsed["is_confidential"]);
        Assert.Equal("video/mp4", parsed["filetype"]);
    }

    [Theory]
    [Trait("Rule", "EVD-4")]
    [InlineData("filename !!notbase64")]
    [InlineData("a YQ==,a Yg==")]
    [InlineData("a YQ== extra")]
    [InlineData("a YQ==,,b Yg==")]
    public void ParseMetadata_WhenMalformed_ReturnsNull(string header)
    {
        Assert.Null(TusProtocol.ParseMetadata(header));
    }

    [Fact]
    [Trait("Rule", "EVD-4")]
    public void ParseChecksum_WhenSha1OrSha256_ReturnsDigest()
    {
        var data = "hello"u8.ToArray();
#pragma warning disable CA5350 // tus clients send SHA-1 checksums; the protocol requires supporting them.
        var sha1 = Convert.ToBase64String(SHA1.HashData(data));
#pragma warning restore CA5350
        var c = TusProtocol.ParseChecksum($"sha1 {sha1}")!;
        Assert.True(c.Supported);
        Assert.Equal("sha1", c.Algorithm);
        Assert.Equal(20, c.Digest.Length);
        Assert.True(TusProtocol.ParseChecksum("sha256 " + Convert.ToBase64String(SHA256.HashData(data)))!.Supported);
        Assert.False(TusProtocol.ParseChecksum("md5 XUFAKrxLKna5cZ2REBfFkg==")!.Supported);
        Assert.Null(TusProtocol.ParseChecksum("sha1 " + Convert.ToBase64String(new byte[5])));
        Assert.Null(TusProtocol.ParseChecksum("sha1"));
    }

    [Fact]
    [Trait("Rule", "EVD-4")]
    public void FormatExpires_UsesHttpDate()
    {
        Assert.Equal("Wed, 18 Nov 2026 02:00:00 GMT", TusProtocol.FormatExpires(new DateTime(2026, 11, 18, 2, 0, 0, DateTimeKind.Utc)));
    }
}

public sealed class EvidenceAccessRuleTests
{
    private static readonly Guid UnitA = Guid.NewGuid();
    private static readonly Guid UnitB = Guid.NewGuid();
    private static readonly EvidenceViewer Office = new(true, false, false, null);
    private static readonly EvidenceViewer TeamMember = new(false, true, false, null);
    private static readonly EvidenceViewer LiaisonA = new(false, false, true, UnitA);
    private static readonly EvidenceViewer LiaisonB = new(false, false, true, UnitB);
    private static readonly EvidenceViewer OtherSupervisor = new(false, false, false, null);

    [Fact]
    [Trait("Rule", "EVD-3")]
    public void Decide_WhenCovertVisitNotReleased_OnlyOfficeAndTeamSeeIt_UnitGetsNotFound()
    {
        var covert = new EvidenceCaseFacts(EvidenceCaseKind.CovertVisit, UnitA, ReleasedToUnit: false);
        Assert.Equal(EvidenceVisibility.Visible, EvidenceAccessRule.Decide(Office, covert));
        Assert.Equal(EvidenceVisibility.Visible, EvidenceAccessRule.Decide(TeamMember, covert));
        Assert.Equal(EvidenceVisibility.Hidden, EvidenceAccessRule.Decide(LiaisonA, covert));
        Assert.Equal(EvidenceVisibility.Hidden, EvidenceAccessRule.Decide(LiaisonB, covert));
        Assert.Equal(EvidenceVisibility.Hidden, EvidenceAccessRule.Decide(OtherSupervisor, covert));
    }

    [Fact]
    [Trait("Rule", "EVD-3")]
    [Trait("Rule", "SEC-2")]
    public void Decide_WhenReleased_OwnUnitSeesIt_AnotherUnitNever()
    {
        var released = new EvidenceCaseFacts(EvidenceCaseKind.CovertVisit, UnitA, ReleasedToUnit: true);
        Assert.Equal(EvidenceVisibility.Visible, EvidenceAccessRule.Decide(LiaisonA, released));
        Assert.Equal(EvidenceVisibility.Hidden, EvidenceAccessRule.Decide(LiaisonB, released));
        Assert.Equal(EvidenceVisibility.Forbidden, EvidenceAccessRule.Decide(OtherSupervisor, released));
    }

    [Fact]
    [Trait("Rule", "EVD-3")]
    public void Decide_WhenOpenInspectionNotReleased_OwnUnitIsRefusedNotHidden()
    {
        var open = new EvidenceCaseFacts(EvidenceCaseKind.OpenInspection, UnitA, ReleasedToUnit: false);
        Assert.Equal(EvidenceVisibility.Forbidden, EvidenceAccessRule.Decide(OtherSupervisor, open));
        Assert.Equal(EvidenceVisibility.Hidden, EvidenceAccessRule.Decide(LiaisonB, open));
    }

    [Fact]
    [Trait("Rule", "EVD-3")]
    public void MayUpload_WhenLiaison_OnlyToOwnReleasedRectification()
    {
        Assert.True(EvidenceAccessRule.MayUpload(LiaisonA, new(EvidenceCaseKind.Rectification, UnitA, true)));
        Assert.False(EvidenceAccessRule.MayUpload(LiaisonB, new(EvidenceCaseKind.Rectification, UnitA, true)));
        Assert.False(EvidenceAccessRule.MayUpload(LiaisonA, new(EvidenceCaseKind.CovertVisit, UnitA, true)));
        Assert.True(EvidenceAccessRule.MayUpload(TeamMember, new(EvidenceCaseKind.CovertVisit, UnitA, false)));
    }
}

public sealed class EvidenceChainTests
{
    private static EvidenceRecord Draft(string sha, long size = 100) => new(0, Guid.NewGuid(), Guid.NewGuid(), sha, size, "video/mp4", "a.mp4",
        new DateTime(2026, 3, 10, 2, 0, 0, 123, DateTimeKind.Utc).AddTicks(7), "client", null, "31.2,121.4", "u1", "张三",
        new DateTime(2026, 3, 10, 3, 0, 0, DateTimeKind.Utc), new DateTime(2026, 3, 10, 3, 5, 0, DateTimeKind.Utc), false, 2_400_000, null, "", "");

    private static List<EvidenceRecord> Chain(int n)
    {
        var list = new List<EvidenceRecord>();
        for (var i = 0; i < n; i++) list.Add(EvidenceChain.Seal(Draft(new string((char)('a' + i), 64)), list.Count == 0 ? null : list[^1]));
        return list;
    }

    [Fact]
    [Trait("Rule", "EVD-5")]
    public void Verify_WhenUntouched_FindsNothing()
    {
        var chain = Chain(5);
        Assert.Equal(EvidenceChain.GenesisHash, chain[0].PrevHash);
        Assert.Equal(5, chain[^1].Seq);
        Assert.Empty(EvidenceChain.Verify(chain));
    }

    [Fact]
    [Trait("Rule", "EVD-5")]
    public void Verify_WhenOneRecordEdited_ReportsThatRecord()
    {
        var chain = Chain(5);
        chain[2] = chain[2] with { CapturedAt = chain[2].CapturedAt.AddHours(-1) };
        var breaks = EvidenceChain.Verify(chain);
        Assert.Single(breaks);
        Assert.Equal(3, breaks[0].Seq);
    }

    [Fact]
    [Trait("Rule", "EVD-5")]
    public void Verify_WhenRecordRemovedFromMiddle_ReportsGapAndLink()
    {
        var chain = Chain(5);
        chain.RemoveAt(1);
        var breaks = EvidenceChain.Verify(chain);
        Assert.Equal(2, breaks.Count);
        Assert.All(breaks, b => Assert.Equal(3, b.Seq));
    }

    [Fact]
    [Trait("Rule", "EVD-5")]
    public void Verify_WhenHashRecomputedAfterEdit_LinkOfNextBreaks()
    {
        var chain = Chain(3);
        var edited = chain[1] with { Sha256 = new string('f', 64), Hash = "" };
        chain[1] = edited with { Hash = EvidenceChain.ComputeHash(edited) };
        var breaks = EvidenceChain.Verify(chain);
        Assert.Single(breaks);
        Assert.Equal(3, breaks[0].Seq);
    }
}

public sealed class DownloadIdentityTests
{
    [Fact]
    [Trait("Rule", "EVD-6")]
    public void FileName_CarriesViewerTimeAndAccessNumber()
    {
        var name = DownloadIdentity.FileName("暗访 窗口.mp4", new string('a', 64), "li.si", new DateTime(2026, 11, 16, 10, 5, 0), "42");
        Assert.Equal("暗访-窗口_aaaaaaaa_li.si_202611161005_42.mp4", name);
    }

    [Fact]
    [Trait("Rule", "EVD-6")]
    public void FileName_WhenNameIsAPathOrHasNoExtension_IsSafe()
    {
        var name = DownloadIdentity.FileName("../../etc/passwd", new string('b', 64), "x/y", new DateTime(2026, 1, 1), "1", ".jpg");
        Assert.Equal("passwd_bbbbbbbb_x-y_202601010000_1.jpg", name);
    }
}

public sealed class VisitDurationRuleTests
{
    [Theory]
    [Trait("Rule", "INS-11")]
    [InlineData(40L * 60 * 1000, true)]
    [InlineData(40L * 60 * 1000 - 1, false)]
    [InlineData(2L * 3600 * 1000, true)]
    [InlineData(null, false)]
    public void IsLongEnough_IsFortyMinutesOfRecording(long? durationMs, bool expected)
    {
        Assert.Equal(expected, VisitDurationRule.IsLongEnough(durationMs));
    }
}
