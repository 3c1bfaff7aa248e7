namespace Platform.Messaging.InProcess;

/// <summary>
/// A subscribing service in the in-process broker: its members (replicas) take deliveries in turn. It holds no
/// messages; a publish waits a bounded time for a member when the group has none (a service restarting).
/// </summary>
internal sealed class ConsumerGroup(string name, string deadLetterTopic)
{
    private readonly Lock _gate = new();
    private readonly List<GroupMember> _members = [];
    private TaskCompletionSource _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _next;

    public string Name { get; } = name;
    public string DeadLetterTopic { get; } = deadLetterTopic;

    public GroupMember Join(Func<OutgoingEvent, CancellationToken, Task<DispatchOutcome>> deliver)
    {
        var member = new GroupMember(this, deliver);
        TaskCompletionSource joined;
        lock (_gate)
        {
            _members.Add(member);
            joined = _joined;
            _joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        joined.TrySetResult();
        return member;
    }

    public void Leave(GroupMember member)
    {
        lock (_gate)
        {
            _members.Remove(member);
        }
    }

    /// <summary>The next member in turn; waits up to <paramref name="wait"/> for one to join; null when none did.</summary>
    public async Task<GroupMember?> NextMemberAsync(TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + wait;
        while (true)
        {
            Task joined;
            lock (_gate)
            {
                if (_members.Count > 0)
                {
                    return _members[(int)((uint)_next++ % (uint)_members.Count)];
                }
                joined = _joined.Task;
            }
            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return null;
            }
            try
            {
                await joined.WaitAsync(left, time, cancellationToken);
            }
            catch (TimeoutException)
            {
                return null;
            }
        }
    }
}

/// <summary>One replica of a subscribing service; disposing it leaves the group and cancels its deliveries in progress.</summary>
internal sealed class GroupMember(ConsumerGroup group, Func<OutgoingEvent, CancellationToken, Task<DispatchOutcome>> deliver) : IAsyncDisposable
{
    private readonly CancellationTokenSource _leave = new();

    public Func<OutgoingEvent, CancellationToken, Task<DispatchOutcome>> Deliver { get; } = deliver;

    public CancellationToken Leaving => _leave.Token;

    public async ValueTask DisposeAsync()
    {
        group.Leave(this);
        await _leave.CancelAsync();
    }
}
