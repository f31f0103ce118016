using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Mingcha.Domain.Satisfaction;
using Npgsql;

namespace Mingcha.Web.Features.Ratings;

/// <summary>What a control-centre viewer receives for one stored rating (SAT-2). No personal data.</summary>
public sealed record RatingEvent(Guid Id, Guid UnitId, Guid SectionId, RatingChannel Channel, RatingScale Scale, int Level, int CommonLevel,
    bool IsBad, DateTime RatedAt, DateTime ReceivedAt)
{
    public static RatingEvent From(RatingSubmission s) =>
        new(s.Id, s.UnitId, s.SectionId, s.Channel, s.Scale, s.Level, s.CommonLevel, s.IsBad, s.RatedAt, s.ReceivedAt);
}

/// <summary>
/// Fans stored ratings out to the control-centre streams of this instance (SAT-2). Each viewer has a small bounded
/// channel that drops its oldest events when the viewer is too slow, so one stalled browser never holds up the
/// writer. Ratings stored by other instances arrive through PostgreSQL LISTEN/NOTIFY (<see cref="PostgresRatingListener"/>);
/// on SQLite there is one instance and this in-process fan-out is all.
/// </summary>
public sealed class RatingBroadcaster
{
    public const string PgChannel = "mingcha_ratings";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly JsonSerializerOptions SseJson = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private readonly Lock _gate = new();
    private Channel<LiveBatch>[] _viewers = [];

    /// <summary>This instance, so it can ignore its own notifications.</summary>
    public Guid InstanceId { get; } = Guid.NewGuid();

    public int Viewers => Volatile.Read(ref _viewers).Length;

    public ChannelReader<LiveBatch> Subscribe(out IDisposable subscription)
    {
        var ch = Channel.CreateBounded<LiveBatch>(new BoundedChannelOptions(2000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_gate) _viewers = [.. _viewers, ch];
        subscription = new Unsubscriber(this, ch);
        return ch.Reader;
    }

    private sealed class Unsubscriber(RatingBroadcaster owner, Channel<LiveBatch> ch) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate) owner._viewers = owner._viewers.Where(v => v != ch).ToArray();
            ch.Writer.TryComplete();
        }
    }

    /// <summary>
    /// Hands a committed batch to every stream. Each event's server-sent-event frame is encoded once here, not once
    /// per viewer: with 500 viewers at 1,000 ratings/s that is the difference between 1,000 and 500,000 serialisations a second.
    /// </summary>
    public void Publish(IReadOnlyList<RatingEvent> events)
    {
        var viewers = Volatile.Read(ref _viewers);
        if (viewers.Length == 0 || events.Count == 0) return;
        var batch = LiveBatch.Encode(events);
        foreach (var v in viewers) v.Writer.TryWrite(batch);
    }

    /// <summary>Committed ratings as the streams send them: one frame per event, and all frames together.</summary>
    public sealed class LiveBatch
    {
        private LiveBatch(IReadOnlyList<RatingEvent> events, byte[][] frames, byte[] all) { Events = events; Frames = frames; All = all; }
        public IReadOnlyList<RatingEvent> Events { get; }
        public byte[][] Frames { get; }
        public byte[] All { get; }

        public static LiveBatch Encode(IReadOnlyList<RatingEvent> events)
        {
            var frames = new byte[events.Count][];
            for (var i = 0; i < frames.Length; i++)
                frames[i] = Encoding.UTF8.GetBytes("event: rating\ndata: " + JsonSerializer.Serialize(events[i], SseJson) + "\n\n");
            return new LiveBatch(events, frames, frames.Length == 1 ? frames[0] : [.. frames.SelectMany(f => f)]);
        }
    }

    private sealed record PeerMessage(Guid Instance, RatingEvent[] Events);

    public string SerializeForPeers(RatingEvent[] events) => JsonSerializer.Serialize(new PeerMessage(InstanceId, events), Json);

    /// <summary>Publishes a peer's notification; ignores this instance's own and anything malformed.</summary>
    public void PublishFromPeer(string payload)
    {
        PeerMessage? msg;
        try { msg = JsonSerializer.Deserialize<PeerMessage>(payload, Json); }
        catch (JsonException) { return; }
        if (msg is null || msg.Instance == InstanceId) return;
        Publish(msg.Events);
    }
}

/// <summary>
/// Listens on a dedicated PostgreSQL connection for other instances' ratings (SAT-2 across instances) and for committed
/// changes of windows and staff, which send the rating intake's directory to read them again (decision 046).
/// </summary>
public sealed partial class PostgresRatingListener(RatingBroadcaster broadcaster, SectionDirectory directory, IOptions<Infrastructure.MingchaOptions> options,
    ILogger<PostgresRatingListener> logger) : BackgroundService
{
    /// <summary>Completed once the LISTEN is in place (tests wait for it).</summary>
    public TaskCompletionSource Listening { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var conn = new NpgsqlConnection(options.Value.ResolvedConnectionString);
                await conn.OpenAsync(stoppingToken);
                conn.Notification += (_, e) =>
                {
                    if (e.Channel == SectionDirectory.PgChannel) directory.Invalidate();
                    else broadcaster.PublishFromPeer(e.Payload);
                };
                await using (var cmd = new NpgsqlCommand($"LISTEN {RatingBroadcaster.PgChannel}; LISTEN {SectionDirectory.PgChannel}", conn))
                    await cmd.ExecuteNonQueryAsync(stoppingToken);
                directory.Invalidate(); // what changed while no one listened (the connection lost) is read again
                Listening.TrySetResult();
                while (!stoppingToken.IsCancellationRequested) await conn.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                LogLost(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the PostgreSQL LISTEN connection for ratings and the window directory; reconnecting")]
    private static partial void LogLost(ILogger logger, Exception e);
}

/// <summary>Settings of "Mingcha:Ratings".</summary>
public sealed class RatingOptions
{
    public const string Section = "Mingcha:Ratings";

    /// <summary>Most ratings committed in one transaction.</summary>
    public int MaxBatch { get; set; } = 2000;

    /// <summary>
    /// Longest wait, after a commit, for the callers just answered to send their next rating into the next commit
    /// (group commit; decision 008). Zero (the default) turns gathering off: the ratings that arrive during a commit
    /// make the next batch anyway, and on a disk that commits in about a millisecond the wait only delayed it.
    /// </summary>
    public TimeSpan GatherWait { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// How many groups the callers are gathered in (decision 008): 1, a commit waits for all active callers; 2, for
    /// half of them, so one half's requests are handled while the other half's commit waits for the disk. 2 pays when
    /// the disk syncs faster than the CPU handles all callers' requests; on the busy project machine 1 measured better.
    /// </summary>
    public int CommitGroups { get; set; } = 1;

    /// <summary>
    /// SQLite: how long the applier lets journaled ratings gather before it takes them into the tables in one transaction
    /// (decision 017). Longer: fewer, larger transactions; a page opened meanwhile waits for it (at most this long).
    /// </summary>
    public TimeSpan ApplyGather { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>SQLite: the rating journal's size in bytes (allocated once; about 150 bytes a rating).</summary>
    public long JournalSize { get; set; } = 32L << 20;

    /// <summary>SQLite: how often the rating writer's checkpointer copies the WAL into the database file.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Shortest time between two writes to one control-centre stream (events in between go out together).</summary>
    public TimeSpan LiveFlushInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Service records drawn by the quarterly phone survey job (SAT-3).</summary>
    public int SurveySize { get; set; } = 100;

    /// <summary>SAT-7: calls not reaching a real-name rater before the call back may close as not reached (decision 022).</summary>
    public int CallBackAttempts { get; set; } = CallBackEffort.Default.Attempts;

    /// <summary>SAT-7: the least time between two such calls.</summary>
    public TimeSpan CallBackAttemptGap { get; set; } = CallBackEffort.Default.Gap;

    /// <summary>The call-back effort these options set.</summary>
    public CallBackEffort CallBackEffort => new(Math.Max(1, CallBackAttempts), CallBackAttemptGap < TimeSpan.Zero ? TimeSpan.Zero : CallBackAttemptGap);

    /// <summary>Ratings waiting for the writer before requests get 503 (backpressure).</summary>
    public int QueueCapacity { get; set; } = 50_000;

    /// <summary>Requests per device per minute (SAT-9 floods): a person needs half a minute per case.</summary>
    public int DevicePermitsPerMinute { get; set; } = 60;

    /// <summary>Burst a device may send at once (a device that was offline uploads what it kept).</summary>
    public int DeviceBurst { get; set; } = 30;

    /// <summary>
    /// How often the window directory of the rating intake is read again whatever happened (decision 046): changes made
    /// through Mingcha reach it at once; this bounds how long one made behind its back (by hand in the database) takes.
    /// </summary>
    public TimeSpan DirectoryRefresh { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the rating devices' tokens are reloaded into memory: a revocation made on another instance takes effect within this time.</summary>
    public TimeSpan TokenRefresh { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Public QR-page posts per client address per minute.</summary>
    public int PublicPermitsPerMinute { get; set; } = 20;

    /// <summary>Five-level to three-level mapping (decision 008): five targets.</summary>
    public int[]? FiveToThree { get; set; }

    /// <summary>Scores of three-level levels 1..3.</summary>
    public decimal[]? ThreeLevelScores { get; set; }

    /// <summary>Scores of five-level levels 1..5.</summary>
    public decimal[]? FiveLevelScores { get; set; }

    /// <summary>How often follow-up cases and flags of newly stored ratings are written (one transaction each time).</summary>
    public TimeSpan AftercareInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Run the SAT-9 rules on stored ratings (off only for load tests of the ingestion path).</summary>
    public bool DetectManipulation { get; set; } = true;

    /// <summary>The SAT-9 thresholds (<c>Mingcha:Ratings:Manipulation:DeviceBurstCount</c>, <c>WindowBurstCount</c>,
    /// <c>BurstWindow</c>, <c>PhoneCasesPerDay</c>, <c>Opens</c>, <c>Closes</c>, <c>AfterClosingGrace</c>); checked at start-up.</summary>
    public ManipulationThresholds Manipulation { get; set; } = new();

    /// <summary>Working days per follow-up step (SAT-7), from the rating.</summary>
    public int CallBackDays { get; set; } = 1;
    public int VerifyDays { get; set; } = 3;
    public int FixDays { get; set; } = 10;
    public int InformDays { get; set; } = 12;

    /// <summary>The configured mapping; unset parts take the defaults of decision 008 (configuration binding appends to initialised arrays).</summary>
    public RatingScaleMapping Mapping() => FiveToThree is null && ThreeLevelScores is null && FiveLevelScores is null
        ? RatingScaleMapping.Default
        : new(FiveToThree ?? [1, 1, 2, 3, 3], ThreeLevelScores ?? [100m, 60m, 0m], FiveLevelScores ?? [100m, 80m, 60m, 20m, 0m]);
}
