using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Ledger.Data;
using Platform.Ledger.Node;
using Platform.Ledger.Verification;
using Platform.Messaging;
using Platform.Messaging.Inbox;
using Platform.Messaging.InProcess;
using Platform.Messaging.Receipts;
using Platform.Testing;

namespace Platform.Ledger.Tests.Service;

/// <summary>
/// Receipts pushed by the finality listener (issue 16): a bus event is acknowledged once committed, and its
/// <c>ledger.committed</c> leaves when a final checkpoint covers it — within one block interval of that finality,
/// and also after the replica that owed it stopped before finality (restarted, or gone for good).
/// </summary>
public sealed class ReceiptPushTests
{
    private static readonly TimeSpan Never = TimeSpan.FromHours(1);

    [Fact]
    public async Task The_receipt_leaves_within_one_block_interval_of_the_checkpoint_becoming_final()
    {
        var blockInterval = TimeSpan.FromSeconds(1);
        await using var broker = NewBroker();
        var arrivals = ObserveReceipts(broker, out var subscription);
        await using var _ = subscription;
        await using var cluster = await LedgerCluster.StartAsync(1, broker, new Dictionary<string, string?> { ["Ledger:BlockInterval"] = blockInterval.ToString() });
        await cluster.WaitUntilAcceptingAsync();
        var state = cluster.Replicas[0]!.Services.GetRequiredService<LedgerNode>().State;
        var finalAt = new ConcurrentDictionary<long, long>();
        state.CheckpointFinal += c => finalAt.TryAdd(c.Checkpoint.TreeSize, Stopwatch.GetTimestamp());

        var (jws, payload) = await cluster.SignConsentEventAsync();
        await broker.PublishAsync(EventSerializer.ToOutgoing(ConsentChanged(jws, payload)));

        var (announcement, arrivedAt) = await ArrivalAsync(arrivals, payload.EventId);
        var covering = finalAt.Where(f => f.Key > announcement.LeafIndex).Select(f => f.Value).DefaultIfEmpty(long.MaxValue).Min();
        Assert.NotEqual(long.MaxValue, covering);
        var delay = Stopwatch.GetElapsedTime(covering, arrivedAt);
        Assert.True(delay < blockInterval, $"the receipt arrived {delay.TotalMilliseconds:F0} ms after finality; the block interval is {blockInterval.TotalMilliseconds:F0} ms");
        AssertVerifies(announcement, await cluster.KeysAsync(0));
    }

    [Fact]
    public async Task A_replica_stopped_between_commit_and_finality_publishes_the_owed_receipt_after_its_restart()
    {
        await using var broker = NewBroker();
        var arrivals = ObserveReceipts(broker, out var subscription);
        await using var _ = subscription;
        // No block closes while the interval is an hour: the event is committed, never final.
        var settings = new Dictionary<string, string?> { ["Ledger:BlockInterval"] = Never.ToString() };
        await using var cluster = await LedgerCluster.StartAsync(1, broker, settings);
        await cluster.WaitUntilAcceptingAsync();
        var (jws, payload) = await cluster.SignConsentEventAsync();
        var published = ConsentChanged(jws, payload);
        await broker.PublishAsync(EventSerializer.ToOutgoing(published));

        // Acknowledged without finality: the inbox entry and the owed receipt are there, no announcement.
        await Eventually.TrueAsync(() => OwesAsync(cluster, 0, payload.EventId), "the committed event's receipt is owed", TimeSpan.FromSeconds(30));
        Assert.True(await HandledAsync(cluster, 0, published.Id), "the consumer acknowledged the committed event");
        Assert.Null((await cluster.Status(0)).LatestFinalCheckpoint);
        Assert.False(arrivals.ContainsKey(payload.EventId));

        await cluster.StopReplicaAsync(0);
        settings["Ledger:BlockInterval"] = "00:00:00.050";
        await cluster.StartReplicaAsync(0);

        var (announcement, _) = await ArrivalAsync(arrivals, payload.EventId);
        AssertVerifies(announcement, await cluster.KeysAsync(0));
        await Eventually.TrueAsync(async () => !await OwesAsync(cluster, 0, payload.EventId), "the owed row is gone once published");
        Assert.Empty(broker.DeadLetters);
    }

    [Fact]
    public async Task When_the_replica_that_owed_a_receipt_never_returns_the_publishers_reconciler_gets_it_from_another()
    {
        await using var broker = NewBroker();
        var arrivals = ObserveReceipts(broker, out var subscription);
        await using var _ = subscription;
        var settings = new Dictionary<string, string?> { ["Ledger:BlockInterval"] = Never.ToString() };
        await using var cluster = await LedgerCluster.StartAsync(3, broker, settings);
        await cluster.WaitUntilAcceptingAsync();
        var (jws, payload) = await cluster.SignConsentEventAsync();
        await broker.PublishAsync(EventSerializer.ToOutgoing(ConsentChanged(jws, payload)));

        // One replica of the consumer group took it; it is committed everywhere and final nowhere.
        var owner = -1;
        await Eventually.TrueAsync(async () =>
        {
            for (var i = 0; i < 3; i++)
            {
                if (await OwesAsync(cluster, i, payload.EventId))
                {
                    owner = i;
                    return true;
                }
            }
            return false;
        }, "one replica owes the receipt", TimeSpan.FromSeconds(30));

        // The owner is lost for good; the other two restart with blocks closing and make a checkpoint final.
        settings["Ledger:BlockInterval"] = "00:00:00.050";
        var survivors = Enumerable.Range(0, 3).Where(i => i != owner).ToArray();
        for (var i = 0; i < 3; i++)
        {
            await cluster.StopReplicaAsync(i);
        }
        await Task.WhenAll(survivors.Select(cluster.StartReplicaAsync));

        // What the publisher's ReceiptReconciler asks (LedgerReceiptClient) finds the receipt on a survivor.
        using var http = new HttpClient { BaseAddress = cluster.ApiUrl(survivors[0]) };
        var client = new LedgerReceiptClient(http);
        ReceiptAnswer answer = new(ReceiptAnswerKind.Pending, null, null);
        await Eventually.TrueAsync(async () => (answer = await client.GetAsync(payload.EventId, CancellationToken.None)).Kind == ReceiptAnswerKind.Ready,
            "the reconciler's look-up finds the receipt", TimeSpan.FromSeconds(30));
        var receipt = JsonSerializer.Deserialize<Receipt>(answer.Receipt!, EventSerializer.Options)!;
        Assert.True(ReceiptVerifier.Verify(receipt, await cluster.KeysAsync(survivors[0])).IsValid);
        Assert.False(arrivals.ContainsKey(payload.EventId), "the survivors owed nothing, so only the reconciler delivers it");
    }

    private static InProcessBroker NewBroker() =>
        new(new InProcessBrokerOptions { InitialRetryDelay = TimeSpan.FromMilliseconds(100), MaxDeliveryAttempts = 50 });

    private static ConsentChangedV1 ConsentChanged(string jws, Platform.SignedEvents.ConsentEventPayload payload) =>
        new(payload.ConsentId, payload.Subject, payload.ConsentVersion, payload.ConsentHash, jws) { Source = "consent" };

    private static ConcurrentDictionary<Guid, (LedgerCommittedV1 Event, long At)> ObserveReceipts(InProcessBroker broker, out IAsyncDisposable subscription)
    {
        var arrivals = new ConcurrentDictionary<Guid, (LedgerCommittedV1, long)>();
        subscription = broker.Subscribe(EventTopics.For<LedgerCommittedV1>(), "test-publisher", "unused", (message, _) =>
        {
            var at = Stopwatch.GetTimestamp();
            var e = (LedgerCommittedV1)EventSerializer.Deserialize(message.Payload.Span, typeof(LedgerCommittedV1));
            arrivals.TryAdd(e.CommittedEventId, (e, at));
            return Task.FromResult(DispatchOutcome.Success);
        });
        return arrivals;
    }

    private static async Task<(LedgerCommittedV1 Event, long At)> ArrivalAsync(ConcurrentDictionary<Guid, (LedgerCommittedV1 Event, long At)> arrivals, Guid eventId)
    {
        await Eventually.TrueAsync(() => arrivals.ContainsKey(eventId), "ledger.committed arrived", TimeSpan.FromSeconds(30));
        return arrivals[eventId];
    }

    private static void AssertVerifies(LedgerCommittedV1 announcement, IReadOnlyList<ReplicaKey> keys)
    {
        var receipt = JsonSerializer.Deserialize<Receipt>(announcement.Receipt, EventSerializer.Options)!;
        Assert.Equal(announcement.LeafIndex, receipt.LeafIndex);
        var result = ReceiptVerifier.Verify(receipt, keys);
        Assert.True(result.IsValid, result.Reason);
    }

    private static async Task<bool> OwesAsync(LedgerCluster cluster, int replica, Guid eventId)
    {
        await using var scope = cluster.Replicas[replica]!.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<LedgerDbContext>().OwedReceipts.AnyAsync(o => o.EventId == eventId);
    }

    private static async Task<bool> HandledAsync(LedgerCluster cluster, int replica, Guid integrationEventId)
    {
        await using var scope = cluster.Replicas[replica]!.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<LedgerDbContext>().Set<InboxEntry>().AnyAsync(e => e.EventId == integrationEventId);
    }
}
