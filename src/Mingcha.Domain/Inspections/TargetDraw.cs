using System.Security.Cryptography;
using System.Text;

namespace Mingcha.Domain.Inspections;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014; the generator
/// behind Java's SplittableRandom and the seeding routine of the xoshiro family). Fixed here, bit for bit, so a draw
/// re-runs identically on any machine and any .NET version; System.Random's algorithm is not a contract.
/// </summary>
public sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        unchecked
        {
            _state += 0x9E3779B97F4A7C15UL;
            var z = _state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>A uniform integer in [0, bound) without modulo bias: values below 2^64 mod bound are rejected.</summary>
    public int NextBelow(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        var b = (ulong)bound;
        var threshold = unchecked(0UL - b) % b;
        while (true)
        {
            var r = Next();
            if (r >= threshold) return (int)(r % b);
        }
    }
}

/// <summary>A draw refused: the rule that made it impossible and why (INS-4, INS-5, ORG-5).</summary>
public sealed class DrawRefusedException(string ruleId, string message) : Exception(message)
{
    public string RuleId { get; } = ruleId;
}

/// <summary>
/// What goes into a draw, in its canonical form. <paramref name="Mandatory"/> are taken first (INS-4: units with
/// problems last time); then <paramref name="Count"/> minus their number are drawn from <paramref name="Preferred"/>
/// (e.g. units without an open inspection this year, INS-4 full coverage) and, when those run out, from
/// <paramref name="Others"/>. Each list is sorted (ordinal on the lower-case id) before use, so the order the
/// database returned them in does not matter.
/// </summary>
public sealed record DrawInput(ulong Seed, int Count, IReadOnlyList<Guid> Mandatory, IReadOnlyList<Guid> Preferred, IReadOnlyList<Guid> Others);

/// <summary>The outcome: the ordered input text and its hash, and the drawn ids in draw order (mandatory ones first).</summary>
public sealed record DrawResult(string Algorithm, string InputList, string InputHash, IReadOnlyList<Guid> Drawn);

/// <summary>
/// Rule INS-5: the targets of a covert round are drawn at random, reproducibly. Algorithm "mingcha-draw/1":
/// 1. canonical lists: mandatory, preferred and other ids, each sorted by their lower-case "D" text (ordinal);
/// 2. the input text is one line per eligible id, "M id", "P id" or "O id", in that order; its SHA-256 is recorded;
/// 3. the mandatory ids are taken in order;
/// 4. a SplitMix64 seeded with the recorded seed draws the rest by a partial Fisher–Yates shuffle, first over the
///    preferred list, then over the others: for i = 0.. k-1, j = i + NextBelow(n - i), swap(i, j), take item i.
/// Anyone with the seed and the input text gets the same ids in the same order.
/// </summary>
public static class TargetDraw
{
    public const string Algorithm = "mingcha-draw/1 (SplitMix64, partial Fisher-Yates, unbiased rejection)";

    public static DrawResult Run(DrawInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var mandatory = Canonical(input.Mandatory);
        var mandatorySet = mandatory.ToHashSet();
        var preferred = Canonical(input.Preferred.Where(id => !mandatorySet.Contains(id)));
        var preferredSet = preferred.ToHashSet();
        var others = Canonical(input.Others.Where(id => !mandatorySet.Contains(id) && !preferredSet.Contains(id)));

        if (input.Count <= 0)
            throw new DrawRefusedException("INS-5", "抽取数量须大于 0。 The number to draw must be positive.");
        if (mandatory.Length > input.Count)
            throw new DrawRefusedException("INS-4", $"必查对象有 {mandatory.Length} 个，多于本次抽取的 {input.Count} 个。 {mandatory.Length} sections must be re-checked, more than the {input.Count} asked for.");
        var available = mandatory.Length + preferred.Length + others.Length;
        if (available < input.Count)
            throw new DrawRefusedException("INS-5", $"符合条件的对象只有 {available} 个，少于要求抽取的 {input.Count} 个。 Only {available} eligible sections, fewer than the {input.Count} asked for.");

        var text = InputText(mandatory, preferred, others);
        var drawn = new List<Guid>(input.Count);
        drawn.AddRange(mandatory);
        var rng = new SplitMix64(input.Seed);
        Take(preferred, input.Count - drawn.Count, rng, drawn);
        Take(others, input.Count - drawn.Count, rng, drawn);
        return new DrawResult(Algorithm, text, Hash(text), drawn);
    }

    /// <summary>Re-runs a recorded draw from its input text and seed (the auditor's check).</summary>
    public static DrawResult Replay(string inputList, ulong seed, int count)
    {
        ArgumentNullException.ThrowIfNull(inputList);
        var m = new List<Guid>(); var p = new List<Guid>(); var o = new List<Guid>();
        foreach (var line in inputList.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length < 3 || line[1] != ' ' || !Guid.TryParse(line.AsSpan(2), out var id))
                throw new FormatException($"Bad input line '{line}'.");
            (line[0] switch { 'M' => m, 'P' => p, 'O' => o, _ => throw new FormatException($"Bad tier in '{line}'.") }).Add(id);
        }
        return Run(new DrawInput(seed, count, m, p, o));
    }

    public static string Hash(string inputList) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(inputList ?? "")));

    /// <summary>A fresh seed from the operating system's cryptographic generator (recorded with the draw).</summary>
    public static ulong NewSeed() => BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));

    private static void Take(Guid[] pool, int wanted, SplitMix64 rng, List<Guid> into)
    {
        var k = Math.Min(wanted, pool.Length);
        var n = pool.Length;
        for (var i = 0; i < k; i++)
        {
            var j = i + rng.NextBelow(n - i);
            (pool[i], pool[j]) = (pool[j], pool[i]);
            into.Add(pool[i]);
        }
    }

    /// <summary>
    /// Distinct and sorted. Guid's own ordering compares its fields (a uint, two ushorts, eight bytes) in the order they
    /// are written in the "D" text, as unsigned numbers, so it is the ordinal order of the lower-case text (tested).
    /// </summary>
    private static Guid[] Canonical(IEnumerable<Guid> ids)
    {
        var array = ids.Distinct().ToArray();
        Array.Sort(array);
        return array;
    }

    private static string InputText(Guid[] mandatory, Guid[] preferred, Guid[] others)
    {
        var total = mandatory.Length + preferred.Length + others.Length;
        return string.Create(total * 39, (mandatory, preferred, others), static (span, lists) =>
        {
            var at = 0;
            foreach (var (tier, list) in new[] { ('M', lists.mandatory), ('P', lists.preferred), ('O', lists.others) })
                foreach (var id in list)
                {
                    span[at] = tier; span[at + 1] = ' ';
                    id.TryFormat(span.Slice(at + 2, 36), out _, "D");
                    span[at + 38] = '\n';
                    at += 39;
                }
        });
    }
}
