using Mingcha.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Identifiers;
using Mingcha.Domain.Satisfaction;
using Mingcha.Web.Data;

namespace Mingcha.Web.Features.Ratings;

/// <summary>
/// A section as the intake sees it (cached: ratings arrive thousands a second); <c>ClosedAt</c>: when a closed section
/// was closed (撤销, decision 045).
/// </summary>
public sealed record SectionInfo(Guid Id, Guid UnitId, string Code, string Name, bool Active, DateTime? ClosedAt = null)
{
    /// <summary>
    /// Whether the section took cases and ratings at <paramref name="utc"/>: open, or closed after it (a case finished
    /// before the closure and pushed after it, an offline device's rating sent late, still belong to it).
    /// </summary>
    public bool OpenAt(DateTime utc) => Active || (ClosedAt is { } closed && utc < closed);
}

/// <summary>
/// Sections by id and code, cached in memory. A miss asks the database whether the section exists (one indexed
/// look-up) and reloads the table only if it does, so a new window can be rated at once and unknown ids cost no
/// reload. A change of a section or a staff member (renamed, moved, closed, left) is seen from the next request on the
/// instance that commits it (<see cref="DirectoryChanges"/>) and, on PostgreSQL, on the others as soon as the
/// database's notification reaches them (<see cref="PgChannel"/>, decision 046); the copy is also read again every
/// <see cref="RatingOptions.DirectoryRefresh"/> (a minute), whatever happened. The cache's age is measured on the
/// monotonic clock, not the office's (a clock set back, or a test's fixed clock, must not freeze it).
/// </summary>
public sealed class SectionDirectory(IServiceScopeFactory scopes, IOptions<RatingOptions> options) : IDisposable
{
    /// <summary>PostgreSQL channel on which the database announces a committed change of sections or staff (migration 0058).</summary>
    public const string PgChannel = "mingcha_directory";

    private readonly long _refreshMs = options.Value.DirectoryRefresh > TimeSpan.Zero ? (long)options.Value.DirectoryRefresh.TotalMilliseconds : 60_000;
    private long _generation; // moved on by Invalidate: a reload that began before it does not count as fresh
    private volatile Dictionary<Guid, SectionInfo> _byId = [];
    private volatile Dictionary<string, SectionInfo> _byCode = new(StringComparer.OrdinalIgnoreCase);
    private long _loadedAt = long.MinValue / 2; // Environment.TickCount64 of the last load
    private readonly SemaphoreSlim _gate = new(1, 1);

    public void Dispose() => _gate.Dispose();

    public async Task<SectionInfo?> FindAsync(Guid? id, string? code, CancellationToken ct)
    {
        if (Stale) await ReloadAsync(() => Stale, ct);
        else if (Lookup(id, code) is { } hit) return hit;
        else if (await ExistsAsync(id, code, ct)) await ReloadAsync(() => Lookup(id, code) is null, ct);
        return Lookup(id, code);
    }

    private async Task<bool> ExistsAsync(Guid? id, string? code, CancellationToken ct)
    {
        if (id is null && code is not { Length: > 0 }) return false;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
        if (id is { } g) return await db.Sections.AnyAsync(s => s.Id == g, ct);
        // Codes match case-insensitively, as in the cache. The lambda becomes SQL upper(), never .NET's culture rules.
        var upper = code!.ToUpperInvariant();
#pragma warning disable CA1304, CA1311, CA1862
        return await db.Sections.AnyAsync(s => s.Code.ToUpper() == upper, ct);
#pragma warning restore CA1304, CA1311, CA1862
    }

    private bool Stale => Environment.TickCount64 - Volatile.Read(ref _loadedAt) > _refreshMs;

    /// <summary>Reloads at the next look-up: the sections or staff changed (<see cref="DirectoryChanges"/>, a peer's notification).</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        Volatile.Write(ref _loadedAt, long.MinValue / 2);
    }

    // Staff members found in a unit, remembered until the next reload of the sections (a change of staff or sections, or
    // the minute's refresh): a device that names its staff member costs one query per person and reload, not one per rating.
    private volatile System.Collections.Concurrent.ConcurrentDictionary<Guid, Guid> _staffUnit = new();

    /// <summary>Whether <paramref name="staffId"/> is a staff member of <paramref name="unitId"/> (SAT-8: a rating names the person who served).</summary>
    public async Task<bool> IsStaffOfAsync(Guid staffId, Guid unitId, CancellationToken ct)
    {
        if (Stale) await ReloadAsync(() => Stale, ct);
        if (_staffUnit.TryGetValue(staffId, out var known) && known == unitId) return true;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
        if (await db.Staff.AsNoTracking().Where(s => s.Id == staffId).Select(s => (Guid?)s.UnitId).FirstOrDefaultAsync(ct) is not { } unit) return false;
        _staffUnit[staffId] = unit;
        return unit == unitId;
    }

    private SectionInfo? Lookup(Guid? id, string? code) =>
        id is { } g ? _byId.GetValueOrDefault(g) : code is { Length: > 0 } c ? _byCode.GetValueOrDefault(c) : null;

    /// <summary>Reloads the table unless another caller's reload, awaited on the gate, made it unnecessary.</summary>
    private async Task ReloadAsync(Func<bool> stillNeeded, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (!stillNeeded()) return;
            var generation = Interlocked.Read(ref _generation);
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MingchaDb>();
            var all = await db.Sections.AsNoTracking().Select(s => new SectionInfo(s.Id, s.UnitId, s.Code, s.Name, s.Active, null)).ToListAsync(ct);
            // When each closed section was closed: the first version of the closed run its history ends with (a rename while
            // closed is a version of that run too).
            var closed = all.Where(s => !s.Active).Select(s => s.Id).ToList();
            if (closed.Count > 0)
            {
                var versions = await db.SectionVersions.AsNoTracking().Where(v => closed.Contains(v.SectionId))
                    .Select(v => new { v.SectionId, v.ValidFrom, v.Active }).ToListAsync(ct);
                var closedAt = versions.GroupBy(v => v.SectionId).ToDictionary(g => g.Key,
                    g => g.OrderByDescending(v => v.ValidFrom).TakeWhile(v => !v.Active).Select(v => (DateTime?)v.ValidFrom).LastOrDefault());
                all = all.Select(s => s.Active ? s : s with { ClosedAt = closedAt.GetValueOrDefault(s.Id) }).ToList();
            }
            _byId = all.ToDictionary(s => s.Id);
            _byCode = all.ToDictionary(s => s.Code, StringComparer.OrdinalIgnoreCase);
            _staffUnit = new();
            // A change committed while this read ran may be missing from it: served until the next look-up, read again then.
            if (Interlocked.Read(ref _generation) == generation) Volatile.Write(ref _loadedAt, Environment.TickCount64);
        }
        finally { _gate.Release(); }
    }
}

/// <summary>A rating as a channel hands it in.</summary>
/// <param name="SectionId">The window (or give <paramref name="SectionCode"/>).</param>
/// <param name="SectionCode">The window's code.</param>
/// <param name="CaseNumber">办件编号, when there is one.</param>
/// <param name="Scale">The scale (default three-level).</param>
/// <param name="Level">1 is best.</param>
/// <param name="RatedAt">When the rater pressed the button (devices that were offline send it late); null: now.</param>
/// <param name="StaffId">The staff member, when the device knows.</param>
/// <param name="Phone">The rater's phone: makes it a real-name rating (SAT-7).</param>
/// <param name="Comment">What the rater wrote.</param>
public sealed record RatingInput(Guid? SectionId, string? SectionCode, string? CaseNumber, RatingScale? Scale, int Level, DateTime? RatedAt,
    Guid? StaffId, string? Phone, string? Comment);

/// <summary>
/// Checks a rating (SAT-1, SAT-8), hands it to the <see cref="RatingWriter"/> and waits until it is durable.
/// The device, public page, complaint and phone channels all come through here.
/// </summary>
public sealed class RatingIntake(SectionDirectory sections, RatingWriter writer, TimeProvider time, IOptions<RatingOptions> options,
    IOptions<Infrastructure.MingchaOptions> mingcha)
{
    private readonly RatingScaleMapping _mapping = options.Value.Mapping();
    private readonly TimeZoneInfo _zone = mingcha.Value.TimeZoneInfo;

    public RatingScaleMapping Mapping => _mapping;

    /// <param name="input">The rating.</param>
    /// <param name="channel">Its channel.</param>
    /// <param name="boundUnit">The unit the caller (a device token) is bound to: the window must be one of its own.</param>
    /// <param name="deviceId">The device token.</param>
    /// <param name="ct">Cancellation.</param>
    /// <param name="deviceScale">SAT-1: the scale the device's token sets, if any.</param>
    public async Task<RatingWriteResult> SubmitAsync(RatingInput input, RatingChannel channel, Guid? boundUnit, Guid? deviceId, CancellationToken ct,
        RatingScale? deviceScale = null) =>
        Outcome(await writer.Enqueue(await PrepareAsync(input, channel, boundUnit, deviceId, ct, deviceScale)));

    /// <summary>
    /// The checks of <see cref="SubmitAsync"/> without the write: the rating as it will be stored. The device path
    /// (decision 008) calls this, <see cref="RatingWriter.Enqueue"/> and <see cref="Outcome"/> itself, one async frame
    /// fewer per rating.
    /// </summary>
    /// <param name="input">The rating.</param>
    /// <param name="channel">Its channel.</param>
    /// <param name="boundUnit">The unit the caller (a device token) is bound to.</param>
    /// <param name="deviceId">The device token.</param>
    /// <param name="ct">Cancellation.</param>
    /// <param name="deviceScale">SAT-1: the scale the device's token sets; a rating naming another is refused.</param>
    public async ValueTask<RatingSubmission> PrepareAsync(RatingInput input, RatingChannel channel, Guid? boundUnit, Guid? deviceId, CancellationToken ct,
        RatingScale? deviceScale = null)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (deviceScale is { } set && input.Scale is { } named && named != set)
            throw new DomainRuleException("SAT-1", $"此评价器使用{ScaleName(set)}，不能提交{ScaleName(named)}的评价。 This device rates on the {set} scale, not {named}.", 422);
        var scale = input.Scale ?? deviceScale ?? RatingScale.ThreeLevel;
        // An undefined number ("scale": 3, which the enum converter lets through) would be counted one way and judged
        // bad another (SAT-7): refused, naming the field.
        if (!Enum.IsDefined(scale)) throw new FieldException("scale", "评价量表无效，须为三级或五级。 The scale must be ThreeLevel or FiveLevel.");
        // One UTC instant, checked and stored: a time with an offset is converted, one without is office time.
        var ratedAt = OfficeTime.ToUtc(input.RatedAt, _zone, "ratedAt") ?? now;
        switch (Domain.Satisfaction.RatingIntake.Check(scale, input.Level, ratedAt, now))
        {
            case RatingRefusal.LevelOutsideScale:
                throw new FieldException("level", $"评价等级必须在 1 到 {RatingScaleMapping.Levels(scale)} 之间。 The level must be 1 to {RatingScaleMapping.Levels(scale)} on the {scale} scale.");
            case RatingRefusal.TimeInFuture:
                throw new DomainRuleException("SAT-8", "评价时间晚于当前时间。 The rating's time is in the future.", 422);
            case RatingRefusal.TimeTooOld:
                throw new DomainRuleException("SAT-1", "评价时间过早，已不是即时评价。 The rating is too old to be an immediate rating.", 422);
        }
        var caseNumber = string.IsNullOrWhiteSpace(input.CaseNumber) ? null : input.CaseNumber.Trim();
        if (caseNumber is { Length: > 64 }) throw new FieldException("caseNumber", "办件编号过长。 The case number is too long.");
        var comment = string.IsNullOrWhiteSpace(input.Comment) ? null : input.Comment.Trim();
        if (comment is { Length: > 500 }) throw new FieldException("comment", "意见不超过 500 字。 At most 500 characters.");
        string? phone = null;
        if (!string.IsNullOrWhiteSpace(input.Phone))
        {
            if (!PhoneNumber.IsValid(input.Phone, out _)) throw new FieldException("phone", "电话号码格式不正确。 Not a valid phone number.");
            phone = PhoneNumber.Normalize(input.Phone);
        }
        if (input.SectionId is null && string.IsNullOrWhiteSpace(input.SectionCode))
            throw new FieldException("sectionId", "请指明窗口。 Name the window.");
        var section = await sections.FindAsync(input.SectionId, input.SectionCode, ct);
        if (section is null || !section.OpenAt(ratedAt)) throw new NotFoundException("窗口不存在。 No such window.");
        if (boundUnit is { } unit && section.UnitId != unit)
            throw new DomainRuleException("SEC-2", "该设备不属于此窗口的单位。 This device belongs to another unit.", 403);
        if (input.StaffId is { } staff && !await sections.IsStaffOfAsync(staff, section.UnitId, ct))
            throw new FieldException("staffId", "工作人员不存在或不属于该窗口的单位。 No such staff member in this window's unit.");

        return new RatingSubmission(RecordIds.NewVersion7(), caseNumber, section.UnitId, section.Id, input.StaffId, null, channel, scale,
            input.Level, _mapping.ToThreeLevel(scale, input.Level), RatingScaleMapping.IsBad(scale, input.Level), phone, comment,
            ratedAt, now, deviceId);
    }

    /// <summary>
    /// The writer's answer as the caller gets it: stored, or refused (a case already rated on this channel, another
    /// unit's case). The write is not cancelled with the request: once queued, it is committed whether or not the
    /// caller still waits.
    /// </summary>
    public static RatingWriteResult Outcome(RatingWriteResult result) =>
        result.Status switch
        {
            RatingWriteStatus.Duplicate => throw new DomainRuleException("SAT-8", "该办件已在此渠道评价过。 This case was already rated on this channel."),
            RatingWriteStatus.CaseOfOtherUnit => throw new DomainRuleException("SEC-2", "该办件属于其他单位。 The case belongs to another unit.", 403),
            _ => result,
        };

    private static string ScaleName(RatingScale scale) => scale == RatingScale.FiveLevel ? "五级评价（好差评）" : "三级评价";
}
