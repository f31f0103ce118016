using System.Collections.Frozen;

namespace Mingcha.Domain.Satisfaction;

/// <summary>The scale a rating was given on (Rule SAT-1); chosen per device or channel.</summary>
public enum RatingScale
{
    /// <summary>满意 / 基本满意 / 不满意 (S2's card and coloured buttons): levels 1 to 3, 1 best.</summary>
    ThreeLevel,

    /// <summary>The national 好差评 scale 非常满意 / 满意 / 基本满意 / 不满意 / 非常不满意: levels 1 to 5, 1 best.</summary>
    FiveLevel,
}

/// <summary>Where a rating came from (Rule SAT-8).</summary>
public enum RatingChannel
{
    /// <summary>The rating device (buttons) at the window.</summary>
    Device,

    /// <summary>The public rating page opened by a window's QR code.</summary>
    QrCode,

    /// <summary>The rating of a complaint's answer (CMP-11).</summary>
    Complaint,

    /// <summary>The quarterly phone survey (SAT-3).</summary>
    Phone,
}

/// <summary>
/// Levels, their names, the mapping between the two scales and the score of each level (Rules SAT-1, SAT-7).
/// The default mapping (decision 008): five-level 1,2 → three-level 1 (satisfied); 3 → 2 (basically satisfied);
/// 4,5 → 3 (unsatisfied), which keeps SAT-7's bad ratings bad on both scales. Scores per level feed the
/// satisfaction rate (SAT-4). Both are configurable; <see cref="Validate"/> refuses a mapping that would turn a
/// bad rating into a good one or a score that rises as the level falls.
/// </summary>
public sealed class RatingScaleMapping
{
    /// <summary>The default mapping and scores.</summary>
    public static RatingScaleMapping Default { get; } = new([1, 1, 2, 3, 3], [100m, 60m, 0m], [100m, 80m, 60m, 20m, 0m]);

    private readonly int[] _fiveToThree;
    private readonly decimal[] _threeScores;
    private readonly decimal[] _fiveScores;

    /// <param name="fiveToThree">For five-level levels 1..5, the three-level level each maps to.</param>
    /// <param name="threeLevelScores">Score (0..100) of three-level levels 1..3.</param>
    /// <param name="fiveLevelScores">Score (0..100) of five-level levels 1..5.</param>
    public RatingScaleMapping(IReadOnlyList<int> fiveToThree, IReadOnlyList<decimal> threeLevelScores, IReadOnlyList<decimal> fiveLevelScores)
    {
        ArgumentNullException.ThrowIfNull(fiveToThree);
        ArgumentNullException.ThrowIfNull(threeLevelScores);
        ArgumentNullException.ThrowIfNull(fiveLevelScores);
        _fiveToThree = [.. fiveToThree];
        _threeScores = [.. threeLevelScores];
        _fiveScores = [.. fiveLevelScores];
        var problem = Validate();
        if (problem is not null) throw new ArgumentException(problem);
    }

    private string? Validate()
    {
        if (_fiveToThree.Length != 5 || _threeScores.Length != 3 || _fiveScores.Length != 5)
            return "映射需要 5 个三级对应值、3 个和 5 个分值。 The mapping needs 5 targets, 3 and 5 scores.";
        if (_fiveToThree.Any(l => l is < 1 or > 3))
            return "五级映射的目标必须在 1 到 3 之间。 Targets must be three-level levels 1 to 3.";
        for (var i = 1; i < 5; i++)
        {
            if (_fiveToThree[i] < _fiveToThree[i - 1]) return "映射必须保持顺序。 The mapping must keep the order of levels.";
            if (_fiveScores[i] > _fiveScores[i - 1]) return "分值不得随等级变差而升高。 Scores may not rise as levels fall.";
        }
        for (var i = 1; i < 3; i++)
            if (_threeScores[i] > _threeScores[i - 1]) return "分值不得随等级变差而升高。 Scores may not rise as levels fall.";
        if (_threeScores.Concat(_fiveScores).Any(s => s is < 0 or > 100))
            return "分值必须在 0 到 100 之间。 Scores are 0 to 100.";
        // SAT-7: a bad five-level rating stays bad on the three-level scale, and a good one stays good.
        if (_fiveToThree[3] != 3 || _fiveToThree[4] != 3 || _fiveToThree[0] == 3 || _fiveToThree[1] == 3 || _fiveToThree[2] == 3)
            return "五级的 4、5 级必须映射为“不满意”，其余不得映射为“不满意”（SAT-7）。 Levels 4 and 5 map to unsatisfied, the others do not.";
        return null;
    }

    /// <summary>Number of levels of a scale.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An undefined scale (SAT-7: it would be counted one way and judged bad another).</exception>
    public static int Levels(RatingScale scale) => scale switch
    {
        RatingScale.ThreeLevel => 3,
        RatingScale.FiveLevel => 5,
        _ => throw Undefined(scale),
    };

    private static ArgumentOutOfRangeException Undefined(RatingScale scale) =>
        new(nameof(scale), scale, $"Scale {(int)scale} is not defined.");

    /// <summary>True when <paramref name="level"/> exists on <paramref name="scale"/>.</summary>
    public static bool IsValidLevel(RatingScale scale, int level) => level >= 1 && level <= Levels(scale);

    /// <summary>The three-level level of a rating (the control centre counts on this common scale).</summary>
    public int ToThreeLevel(RatingScale scale, int level)
    {
        EnsureValid(scale, level);
        return scale switch
        {
            RatingScale.ThreeLevel => level,
            RatingScale.FiveLevel => _fiveToThree[level - 1],
            _ => throw Undefined(scale),
        };
    }

    /// <summary>The score (0..100) of a level, for the satisfaction rate (SAT-4).</summary>
    public decimal Score(RatingScale scale, int level)
    {
        EnsureValid(scale, level);
        return scale switch
        {
            RatingScale.ThreeLevel => _threeScores[level - 1],
            RatingScale.FiveLevel => _fiveScores[level - 1],
            _ => throw Undefined(scale),
        };
    }

    /// <summary>
    /// Rule SAT-7: the two lowest of five levels, or "unsatisfied" on the three-level scale, are bad ratings.
    /// Fixed by the rule, not by configuration.
    /// </summary>
    public static bool IsBad(RatingScale scale, int level)
    {
        EnsureValid(scale, level);
        return scale switch
        {
            RatingScale.ThreeLevel => level == 3,
            RatingScale.FiveLevel => level >= 4,
            _ => throw Undefined(scale),
        };
    }

    /// <summary>Rule SAT-9 uses "top rating": the best level of either scale.</summary>
    public static bool IsTop(RatingScale scale, int level) => level == 1 && IsValidLevel(scale, level);

    private static void EnsureValid(RatingScale scale, int level)
    {
        if (!IsValidLevel(scale, level))
            throw new ArgumentOutOfRangeException(nameof(level), level, $"Level {level} is not on the {scale} scale.");
    }

    private static readonly FrozenDictionary<(RatingScale, int), (string Zh, string En)> Names = new Dictionary<(RatingScale, int), (string, string)>
    {
        [(RatingScale.ThreeLevel, 1)] = ("满意", "Satisfied"),
        [(RatingScale.ThreeLevel, 2)] = ("基本满意", "Basically satisfied"),
        [(RatingScale.ThreeLevel, 3)] = ("不满意", "Unsatisfied"),
        [(RatingScale.FiveLevel, 1)] = ("非常满意", "Very satisfied"),
        [(RatingScale.FiveLevel, 2)] = ("满意", "Satisfied"),
        [(RatingScale.FiveLevel, 3)] = ("基本满意", "Basically satisfied"),
        [(RatingScale.FiveLevel, 4)] = ("不满意", "Unsatisfied"),
        [(RatingScale.FiveLevel, 5)] = ("非常不满意", "Very unsatisfied"),
    }.ToFrozenDictionary();

    /// <summary>The Chinese name of a level, e.g. 基本满意.</summary>
    public static string NameZh(RatingScale scale, int level) => Names.TryGetValue((scale, level), out var n) ? n.Zh : "?";

    /// <summary>The English name of a level.</summary>
    public static string NameEn(RatingScale scale, int level) => Names.TryGetValue((scale, level), out var n) ? n.En : "?";
}
