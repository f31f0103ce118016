using Mingcha.Domain.Rectification;

namespace Mingcha.Domain.Scoring;

/// <summary>The four evaluation methods of S4 (EV-2).</summary>
public enum EvaluationMethod
{
    /// <summary>监测点即时测评</summary>
    Instant = 0,
    /// <summary>监测点综合测评 (monthly)</summary>
    Monthly = 1,
    /// <summary>明察暗访测评: one evaluation per open inspection or covert visit</summary>
    Inspection = 2,
    /// <summary>集中测评: representatives in one sitting</summary>
    Concentrated = 3,
}

/// <summary>The five grades of S4 (EV-3), best first.</summary>
public enum Grade
{
    /// <summary>优</summary>
    Excellent = 0,
    /// <summary>良</summary>
    Good = 1,
    /// <summary>一般</summary>
    Fair = 2,
    /// <summary>较差</summary>
    Poor = 3,
    /// <summary>差</summary>
    Bad = 4,
}

/// <summary>EV-5: what a method without evaluations does to a section's composite.</summary>
public enum EmptyMethodPolicy
{
    /// <summary>Default: the weights of the methods with evaluations are scaled up to sum to 100%; the result is marked.</summary>
    Rescale = 0,
    /// <summary>The empty method counts as 0.</summary>
    CountAsZero = 1,
}

/// <summary>A broken rule found by a pure check: the rule's ID, the field and a "中文。 English." message.</summary>
public sealed record RuleProblem(string RuleId, string Field, string Message);

/// <summary>EV-3: the score of each grade. S4's defaults 90/75/60/45/30; editable per campaign.</summary>
public sealed record GradeScale(decimal Excellent, decimal Good, decimal Fair, decimal Poor, decimal Bad)
{
    public static GradeScale Default { get; } = new(90m, 75m, 60m, 45m, 30m);
    public static readonly IReadOnlyList<Grade> Grades = [Grade.Excellent, Grade.Good, Grade.Fair, Grade.Poor, Grade.Bad];

    public decimal Score(Grade grade) => grade switch
    {
        Grade.Excellent => Excellent,
        Grade.Good => Good,
        Grade.Fair => Fair,
        Grade.Poor => Poor,
        Grade.Bad => Bad,
        _ => throw new ArgumentOutOfRangeException(nameof(grade)),
    };

    /// <summary>EV-4's denominator per evaluation: the top grade's score (90 in S4).</summary>
    public decimal Top => Excellent;

    public IEnumerable<RuleProblem> Problems()
    {
        decimal[] s = [Excellent, Good, Fair, Poor, Bad];
        if (s.Any(x => x < 0 || x > 100))
            yield return new("EV-3", "scale", "等次分值须在 0 到 100 之间。 Grade scores are 0 to 100.");
        if (Excellent <= 0 || s.Zip(s.Skip(1)).Any(p => p.First <= p.Second))
            yield return new("EV-3", "scale", "等次分值须由优到差递减，且优为正数。 Grade scores must fall from excellent to bad, excellent above 0.");
    }

    /// <summary>
    /// Decision 012: a visit's overall score (INS-11 step 7, 0..100) as a grade: the best grade whose score it reaches.
    /// </summary>
    public Grade GradeOf(decimal overallScore) =>
        overallScore >= Excellent ? Grade.Excellent : overallScore >= Good ? Grade.Good : overallScore >= Fair ? Grade.Fair : overallScore >= Poor ? Grade.Poor : Grade.Bad;
}

/// <summary>EV-5: the methods' weights in percent. S4: 20/20/10/50.</summary>
public sealed record MethodWeights(decimal Instant, decimal Monthly, decimal Inspection, decimal Concentrated)
{
    public static MethodWeights Default { get; } = new(20m, 20m, 10m, 50m);
    public static readonly IReadOnlyList<EvaluationMethod> Methods = [EvaluationMethod.Instant, EvaluationMethod.Monthly, EvaluationMethod.Inspection, EvaluationMethod.Concentrated];

    public decimal Of(EvaluationMethod method) => method switch
    {
        EvaluationMethod.Instant => Instant,
        EvaluationMethod.Monthly => Monthly,
        EvaluationMethod.Inspection => Inspection,
        EvaluationMethod.Concentrated => Concentrated,
        _ => throw new ArgumentOutOfRangeException(nameof(method)),
    };

    public IEnumerable<RuleProblem> Problems()
    {
        if (Methods.Any(m => Of(m) < 0))
            yield return new("EV-5", "weights", "权重不能为负。 Weights cannot be negative.");
        if (Instant + Monthly + Inspection + Concentrated != 100m)
            yield return new("EV-5", "weights", $"四种测评方式的权重之和须为 100%（现为 {Instant + Monthly + Inspection + Concentrated}%）。 The four methods' weights must sum to 100% (they sum to {Instant + Monthly + Inspection + Concentrated}%).");
    }
}

/// <summary>EV-6: the rectification score's start and the cost of each category of problem.</summary>
public sealed record RectificationCosts(decimal Start, decimal LateOrIncomplete, decimal AfterSupervision, decimal Refused)
{
    public static RectificationCosts Default { get; } = new(20m, 3m, 5m, 10m);

    public decimal Cost(RectificationResult result) => result switch
    {
        RectificationResult.LateOrIncomplete => LateOrIncomplete,
        RectificationResult.AfterSupervision => AfterSupervision,
        RectificationResult.Refused => Refused,
        _ => 0m,
    };

    public IEnumerable<RuleProblem> Problems()
    {
        if (Start is <= 0 or >= 100)
            yield return new("EV-6", "rectificationStart", "整改情况基准分须大于 0 且小于 100。 The rectification start is above 0 and below 100.");
        if (LateOrIncomplete < 0 || AfterSupervision < 0 || Refused < 0)
            yield return new("EV-6", "deductions", "扣分不能为负。 Deductions cannot be negative.");
    }
}

/// <summary>EV-8: the result rules. S4: top 6 satisfied, bottom 3 explain, below 70 rectify and accountability.</summary>
public sealed record ResultRules(int SatisfiedTop, int BottomCount, decimal Threshold)
{
    public static ResultRules Default { get; } = new(6, 3, 70m);

    public IEnumerable<RuleProblem> Problems()
    {
        if (SatisfiedTop is < 0 or > 1000 || BottomCount is < 0 or > 1000)
            yield return new("EV-8", "results", "名次须在 0 到 1000 之间。 Places are 0 to 1000.");
        if (Threshold is < 0 or > 100)
            yield return new("EV-8", "threshold", "分数线须在 0 到 100 之间。 The threshold is 0 to 100.");
    }
}

/// <summary>EV-1: every number a campaign computes with. A closed campaign keeps its rules as they were.</summary>
public sealed record CampaignRules(GradeScale Scale, MethodWeights Weights, EmptyMethodPolicy Policy, RectificationCosts Rectification, ResultRules Results)
{
    public static CampaignRules Default { get; } = new(GradeScale.Default, MethodWeights.Default, EmptyMethodPolicy.Rescale, RectificationCosts.Default, ResultRules.Default);

    /// <summary>EV-7: the satisfaction share of the total (80 in S4): what the rectification start leaves of 100.</summary>
    public decimal SatisfactionPoints => 100m - Rectification.Start;

    public IReadOnlyList<RuleProblem> Problems() =>
        Scale.Problems().Concat(Weights.Problems()).Concat(Rectification.Problems()).Concat(Results.Problems())
            .Concat(Enum.IsDefined(Policy) ? [] : [new RuleProblem("EV-5", "policy", "未知的空缺方式处理办法。 Unknown empty-method policy.")]).ToList();
}

/// <summary>The count of each grade a section received in one method.</summary>
public sealed class GradeCounts
{
    private readonly long[] counts = new long[5];
    public long this[Grade g] { get => counts[(int)g]; }
    public long Total => counts.Sum();
    public void Add(Grade g, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        counts[(int)g] += count;
    }
    public GradeCounts Copy()
    {
        var c = new GradeCounts();
        for (var i = 0; i < 5; i++) c.counts[i] = counts[i];
        return c;
    }
}

/// <summary>One method's share of a composite, as the explanation shows it (EV-12).</summary>
public sealed record MethodPart(EvaluationMethod Method, long Count, decimal? Satisfaction, decimal Weight, decimal AppliedWeight, decimal Contribution);

/// <summary>EV-5: the composite and how it came about.</summary>
public sealed record Composite(decimal Value, bool Rescaled, EmptyMethodPolicy Policy, IReadOnlyList<MethodPart> Parts)
{
    /// <summary>
    /// Whether any method has an evaluation. A section with none has no satisfaction to weigh under either policy
    /// (decision 023): it is shown as not evaluated and is not ranked (<see cref="Ranking.Rank{TKey}(IEnumerable{ValueTuple{TKey, Guid, decimal, bool}}, ResultRules)"/>).
    /// </summary>
    public bool Evaluated
    {
        get
        {
            for (var i = 0; i < Parts.Count; i++) if (Parts[i].Count > 0) return true;
            return false;
        }
    }
}

/// <summary>EV-6: the rectification score and its deductions.</summary>
public sealed record RectificationScore(decimal Value, decimal Start, decimal Deducted, int Problems);

/// <summary>EV-7: a section's total and the figures behind it.</summary>
public sealed record SectionScore(Composite Composite, RectificationScore Rectification, decimal Total);

/// <summary>EV-4..EV-7: S4's formula, exact in decimal; rounded only for display.</summary>
public static class ScoringFormula
{
    /// <summary>EV-4: Σ(count_g × score_g) / (count × top score); null when the method has no evaluation.</summary>
    public static decimal? MethodSatisfaction(GradeCounts counts, GradeScale scale)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(scale);
        var total = counts.Total;
        if (total == 0) return null;
        decimal sum = 0;
        for (var i = 0; i < GradeScale.Grades.Count; i++) sum += counts[GradeScale.Grades[i]] * scale.Score(GradeScale.Grades[i]);
        return sum / (total * scale.Top);
    }

    /// <summary>EV-5: weighted composite (0..1) under the campaign's empty-method policy; says which applied.</summary>
    public static Composite CompositeOf(IReadOnlyDictionary<EvaluationMethod, GradeCounts> byMethod, CampaignRules rules)
    {
        ArgumentNullException.ThrowIfNull(byMethod);
        ArgumentNullException.ThrowIfNull(rules);
        // Arrays and loops rather than a dictionary and LINQ: this runs for every section of a campaign (10,000s). The
        // arithmetic is the same, in the same order, so results stored before compare equal when reproduced (EV-1).
        var methods = MethodWeights.Methods;
        var counts = new GradeCounts?[methods.Count];
        var sats = new decimal?[methods.Count];
        decimal present = 0;
        for (var i = 0; i < methods.Count; i++)
        {
            counts[i] = byMethod.TryGetValue(methods[i], out var c) ? c : null;
            sats[i] = counts[i] is { } found ? MethodSatisfaction(found, rules.Scale) : null;
            if (sats[i] is not null) present += rules.Weights.Of(methods[i]);
        }
        var rescale = rules.Policy == EmptyMethodPolicy.Rescale && present != 100m && present > 0m;
        var parts = new List<MethodPart>(methods.Count);
        decimal value = 0;
        for (var i = 0; i < methods.Count; i++)
        {
            var m = methods[i];
            var w = rules.Weights.Of(m);
            var applied = sats[i] is null ? (rules.Policy == EmptyMethodPolicy.Rescale && present > 0m ? 0m : w) : rescale ? w * 100m / present : w;
            // Multiply before dividing, once: equal inputs give equal decimals, so totals compare exactly (EV-8).
            var contribution = sats[i] is { } sat ? sat * w / (rescale ? present : 100m) : 0m;
            value += contribution;
            parts.Add(new MethodPart(m, counts[i]?.Total ?? 0, sats[i], w, applied, contribution));
        }
        return new Composite(value, rescale, rules.Policy, parts);
    }

    /// <summary>EV-6: start minus the cost of each problem, never below 0. Withdrawn, open and on-time problems cost nothing.</summary>
    public static RectificationScore RectificationOf(IEnumerable<RectificationResult> problems, RectificationCosts costs)
    {
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(costs);
        var list = problems.ToList();
        var deducted = list.Sum(costs.Cost);
        return new RectificationScore(Math.Max(0m, costs.Start - deducted), costs.Start, deducted, list.Count);
    }

    /// <summary>EV-7: composite × satisfaction points (80) + rectification score; 0..100.</summary>
    public static SectionScore Score(IReadOnlyDictionary<EvaluationMethod, GradeCounts> byMethod, IEnumerable<RectificationResult> problems, CampaignRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var composite = CompositeOf(byMethod, rules);
        var rect = RectificationOf(problems, rules.Rectification);
        return new SectionScore(composite, rect, composite.Value * rules.SatisfactionPoints + rect.Value);
    }
}

/// <summary>EV-8: what a section's place means.</summary>
public enum ResultConsequence
{
    None = 0,
    /// <summary>满意科室: praised, its head rated excellent.</summary>
    Satisfied = 1,
    /// <summary>后三名且 ≥70: written explanation, no awards this year.</summary>
    Explain = 2,
    /// <summary>&lt;70: rectification by a deadline and accountability of the head.</summary>
    RectifyAndAccount = 3,
    /// <summary>
    /// 未测评: the section had no evaluation in any method, so it has no satisfaction to rank by; it is not ranked, takes
    /// no place among the top or bottom of its category and carries no consequence (decision 023).
    /// </summary>
    NotEvaluated = 4,
}

/// <summary>EV-8: the results followed up after publication.</summary>
public static class Consequences
{
    /// <summary>
    /// Bottom three (a written explanation) and below 70 (a rectification report): each gets a last day on publication,
    /// and costs the year's awards. An array, so that queries can test membership.
    /// </summary>
    public static readonly ResultConsequence[] FollowedUp = [ResultConsequence.Explain, ResultConsequence.RectifyAndAccount];

    public static bool IsFollowedUp(ResultConsequence c) => c is ResultConsequence.Explain or ResultConsequence.RectifyAndAccount;
}

/// <summary>A section's place in its category.</summary>
public sealed record Placed<TKey>(TKey Key, Guid CategoryId, decimal Total, int Rank, int Below, ResultConsequence Consequence) where TKey : notnull;

/// <summary>EV-8: ranking within a category, equal totals share a rank (1, 2, 2, 4); exact comparison.</summary>
public static class Ranking
{
    /// <summary>
    /// How far apart two totals may be and still be the same number. A total is a fraction (grade scores over evaluation
    /// counts, weighted); <see cref="decimal"/> holds 28 digits, so a third or a sixth is cut in its last place, and the
    /// same fraction reached through other counts (优 良 一般 优 against 优 优 差 优, both 14/15) can differ there by a unit
    /// or two (about 1e-26 for a total near 100). Two different fractions of real counts lie much further apart (their
    /// difference is at least one over the product of their denominators), so totals within 1e-20 are equal: they share a
    /// rank, and one that is 70 as a fraction is not below 70. Nothing is rounded for this: the stored totals are unchanged.
    /// </summary>
    public const decimal SameTotal = 0.00000000000000000001m;

    /// <summary>Whether two totals are the same number (<see cref="SameTotal"/>).</summary>
    public static bool Same(decimal a, decimal b) => Math.Abs(a - b) <= SameTotal;

    /// <summary>The rank of a section that is not ranked (<see cref="ResultConsequence.NotEvaluated"/>).</summary>
    public const int Unranked = 0;

    /// <summary>
    /// EV-5 and EV-8 with decision 023: sections without any evaluation are left out of their category's ranking (rank
    /// <see cref="Unranked"/>, <see cref="ResultConsequence.NotEvaluated"/>); the others are ranked among themselves, so
    /// an unevaluated section neither takes a top place nor shields another from the bottom three.
    /// </summary>
    public static IReadOnlyList<Placed<TKey>> Rank<TKey>(IEnumerable<(TKey Key, Guid CategoryId, decimal Total, bool Evaluated)> sections, ResultRules rules) where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(sections);
        var list = sections.ToList();
        var placed = new List<Placed<TKey>>(list.Count);
        placed.AddRange(Rank(list.Where(s => s.Evaluated).Select(s => (s.Key, s.CategoryId, s.Total)), rules));
        placed.AddRange(list.Where(s => !s.Evaluated).Select(s => new Placed<TKey>(s.Key, s.CategoryId, s.Total, Unranked, 0, ResultConsequence.NotEvaluated)));
        return placed;
    }

    public static IReadOnlyList<Placed<TKey>> Rank<TKey>(IEnumerable<(TKey Key, Guid CategoryId, decimal Total)> sections, ResultRules rules) where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(sections);
        ArgumentNullException.ThrowIfNull(rules);
        var result = new List<Placed<TKey>>();
        foreach (var cat in sections.GroupBy(s => s.CategoryId))
        {
            var sorted = cat.OrderByDescending(s => s.Total).ToList();
            var n = sorted.Count;
            for (var i = 0; i < n;)
            {
                var j = i;
                while (j < n && Same(sorted[j].Total, sorted[i].Total)) j++;
                // i sections are above this group, n - j below it.
                var rank = i + 1;
                var below = n - j;
                for (var k = i; k < j; k++)
                    result.Add(new Placed<TKey>(sorted[k].Key, cat.Key, sorted[k].Total, rank, below, Consequence(sorted[k].Total, i, below, rules)));
                i = j;
            }
        }
        return result;
    }

    /// <summary>
    /// EV-8 with decision 012's precedence: below the threshold always means rectification and accountability; a section
    /// both in the top places and in the bottom three (a category of fewer than 9) is a satisfied section.
    /// </summary>
    public static ResultConsequence Consequence(decimal total, int above, int below, ResultRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (total < rules.Threshold && !Same(total, rules.Threshold)) return ResultConsequence.RectifyAndAccount;
        if (above < rules.SatisfiedTop) return ResultConsequence.Satisfied;
        if (below < rules.BottomCount) return ResultConsequence.Explain;
        return ResultConsequence.None;
    }
}

/// <summary>Decision 012: the grade of a visit without an overall score, from its confirmed findings.</summary>
public static class VisitGrade
{
    /// <remarks>No confirmed finding 优, one 良, two 一般, three 较差, four or more 差.</remarks>
    public static Grade FromFindings(int confirmed) => confirmed switch
    {
        <= 0 => Grade.Excellent,
        1 => Grade.Good,
        2 => Grade.Fair,
        3 => Grade.Poor,
        _ => Grade.Bad,
    };
}
