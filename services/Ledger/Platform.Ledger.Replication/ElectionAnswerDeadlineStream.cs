namespace Platform.Ledger.Replication;

/// <summary>
/// The stream under an outgoing Raft connection that gives up on a vote that is not answered in time: when a Vote or
/// PreVote request has been written and no answer byte arrives within the deadline, the connection is aborted, so
/// DotNext sees the member as unavailable then instead of after the (long) request timeout.
/// </summary>
/// <remarks>
/// Why: a DotNext 6.12 candidate waits for the answer of <em>every</em> member until its own election timeout, and
/// counts the round as lost when that timeout comes first. Over a partition (packets dropped, the connection still
/// open) a vote to the unreachable member would wait for <see cref="ReplicaOptions.RequestTimeout"/>, which must be
/// long for snapshot installs, and hold up every round until then. DotNext has one request timeout for every request
/// type; this stream tells the request types apart by the first byte DotNext writes for each request (its message
/// type) and applies the short deadline to votes only. Log entries and snapshots keep the long timeout.
/// </remarks>
/// <param name="deadline">
/// The upper election timeout: from the moment the vote is written, no candidate is still waiting for it after that,
/// so giving up then never loses a vote that could have counted. What it saves is the next round: DotNext sends one
/// request at a time per member, so a vote left hanging would hold that member's line for the whole request timeout
/// and every later round would wait behind it; once given up, the next round reconnects, and a connection attempt to an
/// unreachable member fails within the connect wait (the lower election timeout).
/// </param>
/// <param name="exemptFirstRequest">
/// For TLS connections: the first request on a fresh connection is not given up on. The completed handshake shows the
/// peer is there, and its answer includes the peer finishing its side of the handshake (checking this replica's
/// certificate), which on a busy node can exceed the deadline; aborting it would throw away a good connection each time.
/// </param>
internal sealed class ElectionAnswerDeadlineStream(Stream inner, TimeSpan deadline, Action abort, bool exemptFirstRequest) : Stream
{
    // DotNext's MessageType values for the election requests (NetworkTransport/MessageType.cs).
    private const byte VoteMessage = 0b0000_0001;
    private const byte PreVoteMessage = 0b0000_0111;

    private readonly Lock _gate = new();
    private bool _nextWriteStartsRequest = true;
    private bool _firstRequest = true;
    private Timer? _pendingVote;

    /// <summary>How many votes this stream gave up on (for tests).</summary>
    internal int AbortedVotes { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!buffer.IsEmpty)
            NoteWrite(buffer.Span[0]);
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        if (count > 0)
            NoteWrite(buffer[offset]);
        inner.Write(buffer, offset, count);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (read > 0)
            NoteAnswer();
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        if (read > 0)
            NoteAnswer();
        return read;
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        Disarm();
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Disarm();
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    // A client writes a whole request, then reads the whole answer; so the first byte written after an answer (or on
    // a new connection) is the next request's message type.
    private void NoteWrite(byte first)
    {
        lock (_gate)
        {
            if (!_nextWriteStartsRequest)
                return;
            _nextWriteStartsRequest = false;
            var exempt = _firstRequest && exemptFirstRequest;
            _firstRequest = false;
            if (!exempt && first is VoteMessage or PreVoteMessage)
                _pendingVote = new Timer(_ => GiveUp(), null, deadline, Timeout.InfiniteTimeSpan);
        }
    }

    private void NoteAnswer()
    {
        lock (_gate)
            _nextWriteStartsRequest = true;
        Disarm();
    }

    private void GiveUp()
    {
        lock (_gate)
        {
            if (_pendingVote is null)
                return;
            _pendingVote.Dispose();
            _pendingVote = null;
            AbortedVotes++;
        }

        abort();
    }

    private void Disarm()
    {
        lock (_gate)
        {
            _pendingVote?.Dispose();
            _pendingVote = null;
        }
    }
}
