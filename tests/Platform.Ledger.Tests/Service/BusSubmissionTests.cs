using System.Collections.Concurrent;
using System.Text.Json;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Ledger.Verification;
using Platform.Messaging;
using Platform.Messaging.InProcess;

namespace Platform.Ledger.Tests.Service;

/// <summary>The event path: consent.changed on the bus → committed → ledger.committed with a receipt that verifies.</summary>
public sealed class BusSubmissionTests
{
    /// <summary>The event may arrive before the publisher key is registered: it is retried, not lost.</summary>
    [Fact]
    public async Task A_signed_consent_event_from_the_bus_is_committed_and_announced_with_its_receipt()
    {
        await using var broker = new InProcessBroker(new InProcessBrokerOptions { InitialRetryDelay = TimeSpan.FromMilliseconds(100), MaxDeliveryAttempts = 50 });
        var committed = new ConcurrentDictionary<Guid, LedgerCommittedV1>();
        await using var subscription = broker.Subscribe(EventTopics.For<LedgerCommittedV1>(), "test-consumer", "unused", (message, _) =>
        {
            var e = (LedgerCommittedV1)EventSerializer.Deserialize(message.Payload.Span, typeof(LedgerCommittedV1));
            committed[e.CommittedEventId] = e;
            return Task.FromResult(DispatchOutcome.Success);
        });
        await using var cluster = await LedgerCluster.StartAsync(1, broker);
        await cluster.LeaderAsync();
        var (jws, payload) = await cluster.SignConsentEventAsync();

        var published = new ConsentChangedV1(payload.ConsentId, payload.Subject, payload.ConsentVersion, payload.ConsentHash, jws) { Source = "consent" };
        await broker.PublishAsync(EventSerializer.ToOutgoing(published));

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!committed.ContainsKey(payload.EventId) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.True(committed.TryGetValue(payload.EventId, out var announcement), "ledger.committed was published");
        var receipt = JsonSerializer.Deserialize<Receipt>(announcement!.Receipt, EventSerializer.Options)!;
        Assert.Equal(announcement.LeafIndex, receipt.LeafIndex);
        var result = ReceiptVerifier.Verify(receipt, await cluster.KeysAsync(0));
        Assert.True(result.IsValid, result.Reason);
        Assert.Empty(broker.DeadLetters);
    }

    [Fact]
    public async Task A_forged_event_from_the_bus_is_dead_lettered_and_never_committed()
    {
        await using var broker = new InProcessBroker(new InProcessBrokerOptions { InitialRetryDelay = TimeSpan.FromMilliseconds(100), MaxDeliveryAttempts = 50 });
        await using var cluster = await LedgerCluster.StartAsync(1, broker);
        await cluster.WaitUntilAcceptingAsync();
        var sizeBefore = (await cluster.Status(0)).TreeSize;
        var (jws, payload) = await cluster.SignConsentEventAsync();
        var parts = jws.Split('.');
        var forged = parts[0] + "." + parts[1] + "." + parts[2][..^4] + "AAAA";

        var published = new ConsentChangedV1(payload.ConsentId, payload.Subject, 1, payload.ConsentHash, forged) { Source = "consent" };
        await broker.PublishAsync(EventSerializer.ToOutgoing(published));

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (broker.DeadLetters.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        var letter = Assert.Single(broker.DeadLetters);
        Assert.Equal("Drop", letter.Reason);
        Assert.Equal(sizeBefore, (await cluster.Status(0)).TreeSize);
    }
}
