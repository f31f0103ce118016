namespace Mingcha.Web.Features.Documents;

/// <summary>
/// This instance's issues of one numbering (issuer, prefix, year) in a queue (a lane each), so that documents issued at once on one
/// instance do not all render with the same expected number and then, all but one, render again (and again) after the
/// first takes it. Each issue takes a ticket: the next serial the database has not given, counting the issues ahead of
/// it on this instance; it renders with that number at once (concurrently with the others), then waits for the issues
/// ahead of it to commit or roll back before it moves the counter. The counter in the database stays the only authority
/// (RCT-2): a ticket is only a guess that is now right unless another instance took the number, in which case
/// <see cref="OfficialDocuments.IssueAsync"/> (or <see cref="OfficialDocuments.AllocateAsync"/>, for a document prepared to be
/// registered in its caller's transaction) renders again, as before.
/// </summary>
public sealed class DocumentNumberLanes : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<(string Issuer, string Prefix, int Year), Lane> _lanes = [];

    private sealed class Lane
    {
        public int InFlight;
        public int Highest;
        public Task Tail = Task.CompletedTask;
    }

    /// <summary>
    /// A place in the queue: <see cref="Expected"/> to render with, <see cref="TurnAsync"/> before moving the counter,
    /// disposed after the transaction has committed or rolled back.
    /// </summary>
    public sealed class Ticket : IDisposable
    {
        private readonly DocumentNumberLanes _queue;
        private readonly (string, string, int) _key;
        private readonly Task _ahead;
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _disposed;

        internal Ticket(DocumentNumberLanes queue, (string, string, int) key, int expected, Task ahead)
        {
            _queue = queue; _key = key; Expected = expected; _ahead = ahead;
        }

        public int Expected { get; }
        internal Task Done => _done.Task;

        /// <summary>Waits until the issues ahead on this instance have committed or rolled back.</summary>
        public Task TurnAsync(CancellationToken ct) => _ahead.WaitAsync(ct);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            _done.TrySetResult();
            _queue.Leave(_key);
        }
    }

    /// <summary>Takes a ticket; <paramref name="peekNext"/> reads the database's next serial (its counter + 1).</summary>
    public async Task<Ticket> TakeAsync(string issuer, string prefix, int year, Func<Task<int>> peekNext, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(peekNext);
        await _gate.WaitAsync(ct);
        try
        {
            var next = await peekNext();
            var key = (issuer, prefix, year);
            lock (_lanes)
            {
                if (!_lanes.TryGetValue(key, out var lane)) _lanes[key] = lane = new Lane();
                var expected = lane.InFlight > 0 ? Math.Max(next, lane.Highest + 1) : next;
                var ticket = new Ticket(this, key, expected, lane.Tail);
                lane.InFlight++;
                lane.Highest = Math.Max(lane.Highest, expected);
                lane.Tail = Task.WhenAll(lane.Tail, ticket.Done); // in order, even if one ahead leaves early
                return ticket;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private void Leave((string, string, int) key)
    {
        lock (_lanes)
        {
            if (_lanes.TryGetValue(key, out var lane) && --lane.InFlight == 0) _lanes.Remove(key);
        }
    }
}
