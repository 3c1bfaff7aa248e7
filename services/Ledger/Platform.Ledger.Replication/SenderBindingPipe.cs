using System.Buffers;
using System.IO.Pipelines;
using DotNext.Net.Cluster;
using Microsoft.AspNetCore.Connections;

namespace Platform.Ledger.Replication;

/// <summary>
/// The pipes of an incoming, mutually authenticated Raft connection, seen by DotNext's server: every request that
/// names its sender (Vote, PreVote, AppendEntries, InstallSnapshot) is checked, before DotNext can read the sender
/// whole, against the replicas the connection's certificate names (<see cref="SenderBinding"/>). A request speaking
/// for another replica aborts the connection.
/// </summary>
/// <remarks>
/// Where a request starts is taken from DotNext's own reading, not from parsing request bodies: its server answers
/// each request after reading all of it, and reads the next request's first byte (its message type) from the first
/// byte it has not consumed from this pipe; it reads nothing between writing an answer and that. So the next request
/// starts at the count of bytes DotNext had consumed when it wrote its answer, whatever a peer put in the body or
/// pipelined behind it. A request's first <see cref="HeaderSize"/> bytes (message type, then the sender's
/// <see cref="ClusterMemberId"/>, DotNext 6.12's layout of every request that carries one) are copied aside as they
/// pass; the check runs on the read that completes them, so DotNext never holds a whole sender that was refused.
/// </remarks>
internal sealed class SenderBindingPipe : IDuplexPipe
{
    // DotNext's MessageType values for the requests that carry their sender first (NetworkTransport/MessageType.cs).
    private const byte Vote = 0b0000_0001;
    private const byte AppendEntries = 0b0000_0100;
    private const byte InstallSnapshot = 0b0000_0101;
    private const byte PreVote = 0b0000_0111;

    private readonly Reader _input;
    private readonly Writer _output;
    private int _answers;

    /// <param name="refusal">Why <paramref name="inner"/>'s peer may not speak as a sender, or null when it may.</param>
    /// <param name="refused">Called once with the reason before the connection is aborted.</param>
    internal SenderBindingPipe(IDuplexPipe inner, Func<ClusterMemberId, string?> refusal, Action<string> refused)
    {
        _input = new Reader(this, inner.Input, refusal, refused);
        _output = new Writer(this, inner.Output);
    }

    /// <summary>The bytes of a request's head that are checked: its message type and its sender.</summary>
    internal static int HeaderSize => 1 + ClusterMemberId.Size;

    public PipeReader Input => _input;

    public PipeWriter Output => _output;

    private static bool CarriesSender(byte messageType) => messageType is Vote or PreVote or AppendEntries or InstallSnapshot;

    private sealed class Reader(SenderBindingPipe owner, PipeReader inner, Func<ClusterMemberId, string?> refusal, Action<string> refused) : PipeReader
    {
        private readonly byte[] _header = new byte[HeaderSize];
        private long _consumed;
        private long _requestStart;
        private int _captured;
        private bool _decided;
        private int _answersSeen;
        private ReadResult _last;

        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
            Inspect(await inner.ReadAsync(cancellationToken).ConfigureAwait(false));

        public override bool TryRead(out ReadResult result)
        {
            if (!inner.TryRead(out result))
                return false;
            result = Inspect(result);
            return true;
        }

        protected override async ValueTask<ReadResult> ReadAtLeastAsyncCore(int minimumSize, CancellationToken cancellationToken) =>
            Inspect(await inner.ReadAtLeastAsync(minimumSize, cancellationToken).ConfigureAwait(false));

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            _consumed += _last.Buffer.Slice(_last.Buffer.Start, consumed).Length;
            inner.AdvanceTo(consumed, examined);
        }

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        private ReadResult Inspect(ReadResult result)
        {
            var answers = Volatile.Read(ref owner._answers);
            if (answers != _answersSeen)
            {
                // DotNext answered since the last read: what it reads next is the next request.
                _answersSeen = answers;
                (_requestStart, _captured, _decided) = (_consumed, 0, false);
            }

            if (!_decided)
            {
                // The buffer starts at the first byte not consumed yet; copy the part of the head not captured yet.
                var offset = _requestStart + _captured - _consumed;
                var available = result.Buffer.Length - offset;
                if (offset < 0)
                {
                    // Bytes of the head were consumed unseen: nothing can vouch for them.
                    refused("a request's head was read past the check");
                    throw new ConnectionAbortedException("A Raft request's sender could not be checked.");
                }
                if (available > 0)
                {
                    var take = (int)Math.Min(HeaderSize - _captured, available);
                    result.Buffer.Slice(offset, take).CopyTo(_header.AsSpan(_captured));
                    _captured += take;
                }
                Decide();
            }

            _last = result;
            return result;
        }

        private void Decide()
        {
            if (_captured == 0)
                return;
            if (!CarriesSender(_header[0]))
            {
                // Resign, Metadata, Synchronize name no sender; anything else DotNext refuses itself.
                _decided = true;
                return;
            }
            if (_captured < HeaderSize)
                return;
            _decided = true;
            if (refusal(new ClusterMemberId(_header.AsSpan(1))) is { } reason)
            {
                refused(reason);
                throw new ConnectionAbortedException("A Raft request spoke for a replica the connection's certificate does not name.");
            }
        }
    }

    private sealed class Writer(SenderBindingPipe owner, PipeWriter inner) : PipeWriter
    {
        public override void Advance(int bytes)
        {
            Answered();
            inner.Advance(bytes);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
        {
            Answered();
            return inner.WriteAsync(source, cancellationToken);
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        // The server writes only answers, each after reading its whole request.
        private void Answered() => Interlocked.Increment(ref owner._answers);
    }
}
