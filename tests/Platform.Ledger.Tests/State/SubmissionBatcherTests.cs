using System.Collections.Concurrent;
using Platform.Ledger.Core;

namespace Platform.Ledger.Tests.State;

/// <summary>Group commit's batching: bounded by count and bytes, each caller gets its own outcome, failures reach all.</summary>
public sealed class SubmissionBatcherTests
{
    [Fact]
    public async Task Concurrent_submissions_share_entries_and_each_caller_gets_its_own_outcome()
    {
        await using var ledger = await LedgerFixture.CreateAsync();
        var sizes = new ConcurrentQueue<int>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var batcher = new SubmissionBatcher(async (batch, _) =>
        {
            await gate.Task; // hold the first batch "in flight" so the rest pile up behind it
            sizes.Enqueue(batch.SignedEvents.Count);
            lock (ledger)
            {
                return ledger.State.OutcomesAt(ledger.Append(batch))!;
            }
        }, new GroupCommitOptions { MaxEvents = 50, MaxInFlight = 1, Linger = TimeSpan.FromMilliseconds(20) });

        var events = new List<(string Jws, Guid Id)>();
        for (var i = 0; i < 120; i++)
        {
            var (jws, payload) = await ledger.SignConsentEventAsync();
            events.Add((jws, payload.EventId));
        }
        var submissions = events.Select(e => batcher.SubmitAsync(e.Jws, CancellationToken.None)).ToArray();
        gate.SetResult();
        var outcomes = await Task.WhenAll(submissions).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(outcomes, o => Assert.Equal(SubmitStatus.Committed, o.Status));
        Assert.Equal(events.Select(e => e.Id), outcomes.Select(o => o.EventId!.Value));
        Assert.Equal(120, outcomes.Select(o => o.LeafIndex).Distinct().Count());
        Assert.Equal(120, sizes.Sum());
        Assert.All(sizes, s => Assert.InRange(s, 1, 50));
        Assert.True(sizes.Count <= 5, $"120 queued events in at most 5 entries, got {string.Join(",", sizes)}");
    }

    [Fact]
    public async Task A_batch_never_exceeds_the_byte_bound()
    {
        await using var ledger = await LedgerFixture.CreateAsync();
        var entrySizes = new ConcurrentQueue<int>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var batcher = new SubmissionBatcher(async (batch, _) =>
        {
            await gate.Task;
            entrySizes.Enqueue(batch.ToBytes().Length);
            return batch.SignedEvents.Select(_ => SubmitOutcome.Rejected("test", "not applied")).ToArray();
        }, new GroupCommitOptions { MaxEvents = 512, MaxBytes = 16 * 1024, MaxInFlight = 1 });

        var (jws, _) = await ledger.SignConsentEventAsync();
        var submissions = Enumerable.Range(0, 100).Select(_ => batcher.SubmitAsync(jws, CancellationToken.None)).ToArray();
        gate.SetResult();
        await Task.WhenAll(submissions).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(entrySizes, size => Assert.InRange(size, 1, 16 * 1024));
        Assert.True(entrySizes.Count >= (100 * (jws.Length + 4)) / (16 * 1024), "the events were split into several entries");
    }

    [Fact]
    public async Task When_the_majority_is_unreachable_every_caller_in_the_batch_hears_it()
    {
        await using var batcher = new SubmissionBatcher(
            (_, _) => Task.FromException<IReadOnlyList<SubmitOutcome>>(new Platform.Ledger.Replication.QuorumUnavailableException("no majority")),
            new GroupCommitOptions());

        var submissions = Enumerable.Range(0, 10).Select(i => batcher.SubmitAsync($"e{i}", CancellationToken.None)).ToArray();

        foreach (var submission in submissions)
        {
            await Assert.ThrowsAsync<Platform.Ledger.Replication.QuorumUnavailableException>(() => submission);
        }
    }

    [Fact]
    public async Task A_lone_submission_is_not_held_back_by_the_linger_time()
    {
        await using var batcher = new SubmissionBatcher(
            (batch, _) => Task.FromResult<IReadOnlyList<SubmitOutcome>>(batch.SignedEvents.Select(_ => SubmitOutcome.Rejected("test", "not applied")).ToArray()),
            new GroupCommitOptions { Linger = TimeSpan.FromSeconds(5) });

        // Nothing else in flight: waiting for company would add latency and gain nothing.
        await batcher.SubmitAsync("alone", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2));
    }
}
