namespace Mingcha.Domain.Audit;

/// <summary>
/// One entry of the append-only, hash-chained audit log (Rule SEC-3). <see cref="Hash"/> seals
/// every other field and <see cref="PrevHash"/> links to the entry before, so that editing,
/// deleting or reordering entries is detectable by <see cref="AuditChain.Verify"/>.
/// </summary>
/// <param name="Seq">Position in the log, from 1, without gaps.</param>
/// <param name="At">When the change happened, UTC (see <see cref="AuditChain.Normalize"/>).</param>
/// <param name="UserId">The acting account, null for the system.</param>
/// <param name="UserName">The acting account's name at the time.</param>
/// <param name="Ip">The client address.</param>
/// <param name="Action">What was done, e.g. <c>finding.record</c>.</param>
/// <param name="EntityType">The kind of record changed.</param>
/// <param name="EntityKey">The key of the record changed.</param>
/// <param name="Before">The record before the change (JSON), null on creation.</param>
/// <param name="After">The record after the change (JSON), null on removal.</param>
/// <param name="PrevHash">The previous entry's <see cref="Hash"/>, or <see cref="AuditChain.GenesisHash"/> for the first.</param>
/// <param name="Hash"><see cref="AuditChain.ComputeHash"/> of this entry.</param>
public sealed record AuditRecord(
    long Seq,
    DateTime At,
    string? UserId,
    string? UserName,
    string? Ip,
    string Action,
    string? EntityType,
    string? EntityKey,
    string? Before,
    string? After,
    string PrevHash,
    string Hash);

/// <summary>How the audit chain was found broken (Rule SEC-3).</summary>
public enum AuditBreakKind
{
    /// <summary>An entry's content no longer matches its own hash.</summary>
    EntryAltered,

    /// <summary>Sequence numbers skip: one or more entries were deleted.</summary>
    EntryMissing,

    /// <summary>Sequence numbers go back or repeat: entries were reordered or duplicated.</summary>
    OutOfOrder,

    /// <summary>An entry does not point at the hash of the one before: an earlier entry was rewritten and re-sealed.</summary>
    ChainLinkBroken,
}

/// <summary>The first place the audit chain is broken.</summary>
/// <param name="Seq">The sequence number where the break was found (for a deletion, the first missing number).</param>
/// <param name="Kind">What kind of break.</param>
/// <param name="Message">Description in Chinese, then English.</param>
public sealed record AuditChainBreak(long Seq, AuditBreakKind Kind, string Message);

/// <summary>The outcome of <see cref="AuditChain.Verify"/>.</summary>
/// <param name="Checked">Entries verified sound before the first break (all of them when intact).</param>
/// <param name="FirstBreak">The first break, or null.</param>
public sealed record AuditChainReport(long Checked, AuditChainBreak? FirstBreak)
{
    /// <summary>True when no break was found.</summary>
    public bool IsIntact => FirstBreak is null;

    /// <summary>Every break found, in log order, the first one first (EVD-5: any record that changed), at most <see cref="AuditChain.MaxBreaks"/>.</summary>
    public IReadOnlyList<AuditChainBreak> Breaks { get; init; } = FirstBreak is null ? [] : [FirstBreak];

    /// <summary>Entries read in all, past the breaks.</summary>
    public long Read { get; init; } = Checked;

    /// <summary>
    /// The check stopped before the end of the log: at a reordering (after which positions cannot be trusted) or at
    /// <see cref="AuditChain.MaxBreaks"/> breaks.
    /// </summary>
    public bool Stopped { get; init; }
}
