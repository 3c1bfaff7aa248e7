using System.Text;
using Platform.Contracts.Events;
using Platform.Journey.Tests.Dapr;
using Platform.Messaging;
using Platform.Messaging.Dapr;
using Platform.Testing;

namespace Platform.Journey.Tests.CrossService;

/// <summary>
/// What daprd does with a delivery the app cannot take: a payload that is not the contract (400) is retried per
/// resiliency.yaml and then published to the subscription's dead-letter topic by the subscriber's sidecar; a DROP
/// answer is not retried and goes to the dead-letter topic at once (Dapr 1.13+).
/// </summary>
[Collection(CrossServiceCollection.Name)]
public sealed class DaprDeadLetterTests(CrossServicePlatform platform)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private DaprHarness Dapr => platform.Dapr;

    /// <summary>Publishes through consent's sidecar with the services' own Dapr client (DaprEventBus), as consent's relay would.</summary>
    private async Task PublishAsConsentAsync(OutgoingEvent outgoing)
    {
        using var http = new HttpClient();
        var bus = new DaprEventBus(http, new DaprSidecar(Dapr.SidecarOf("consent").Endpoint, platform.ApiTokenOf("consent")), new EventBusOptions());
        await bus.PublishAsync(outgoing, CancellationToken.None);
    }

    [Fact]
    public async Task An_unreadable_event_is_retried_then_dead_lettered_and_a_drop_is_not_retried()
    {
        // A consent.changed the ledger cannot read: the consentId is not a UUID (the app answers 400 problem+json).
        var unreadable = Guid.NewGuid();
        await PublishAsConsentAsync(new OutgoingEvent("consent.changed.v1", unreadable,
            Encoding.UTF8.GetBytes($$"""{"id":"{{unreadable}}","consentId":"not-a-uuid","subjectPseudonym":"p","consentVersion":1}"""), "consent", null));

        OutcomeRecord outcome = null!;
        await Eventually.TrueAsync(() =>
        {
            outcome = Dapr.Outcomes.FirstOrDefault(o => o.EventId == unreadable.ToString())!;
            return outcome is not null;
        }, "the unreadable event was settled by the ledger's consumer group", Wait);

        var expectedAttempts = 1 + Dapr.Components.DeliveryMaxRetries;
        Assert.Equal(5, expectedAttempts); // resiliency.yaml: maxRetries 4 on inbound pub/sub deliveries
        Assert.Equal(("ledger", MessageOutcome.DeadLettered, expectedAttempts, "consent.changed.v1.deadletter"),
            (outcome.AppId, outcome.Outcome, outcome.Attempts, outcome.DeadLetterTopic));
        var attempts = Dapr.Deliveries.Where(d => d.EventId == unreadable.ToString()).ToList();
        Assert.Equal(Enumerable.Range(1, expectedAttempts), attempts.Select(a => a.Attempt));
        Assert.All(attempts, a => Assert.Equal((400, DeliveryVerdict.Retry), (a.HttpStatus, a.Verdict)));
        // Backoff: each retry waits longer than the one before it (exponential policy, test-sized).
        var gaps = attempts.Zip(attempts.Skip(1), (a, b) => b.At - a.At).ToList();
        Assert.All(gaps, g => Assert.True(g >= Dapr.Options.RetryInitialInterval * 0.9, $"retry after {g.TotalMilliseconds} ms"));

        // The ledger's sidecar published the original CloudEvent to the dead-letter topic (allowed by its publishingScopes).
        var deadLetter = Assert.Single(Dapr.Publishes, p => p.DeadLetter && p.EventId == unreadable.ToString());
        Assert.Equal(("ledger", "consent.changed.v1.deadletter", 204), (deadLetter.AppId, deadLetter.Topic, deadLetter.Status));
        Assert.Equal("not-a-uuid", deadLetter.CloudEvent!["data"]!["consentId"]!.GetValue<string>());
        Assert.Equal("consent", deadLetter.CloudEvent!["source"]!.GetValue<string>());

        // A well-formed consent.changed whose signed event the ledger refuses: the app answers DROP — one attempt, no retry,
        // and (Dapr 1.13+) straight to the dead-letter topic.
        var refused = new ConsentChangedV1(Guid.NewGuid(), "pseudonym-drop", 1, new string('a', 64), "not-a-jws") { Source = "consent" };
        await PublishAsConsentAsync(EventSerializer.ToOutgoing(refused));
        await Eventually.TrueAsync(() => Dapr.Outcomes.Any(o => o.EventId == refused.Id.ToString()), "the refused event was settled", Wait);

        var dropped = Assert.Single(Dapr.Outcomes, o => o.EventId == refused.Id.ToString());
        Assert.Equal(("ledger", MessageOutcome.Dropped, 1, "consent.changed.v1.deadletter"), (dropped.AppId, dropped.Outcome, dropped.Attempts, dropped.DeadLetterTopic));
        var delivery = Assert.Single(Dapr.Deliveries, d => d.EventId == refused.Id.ToString());
        Assert.Equal((200, "DROP", DeliveryVerdict.Drop), (delivery.HttpStatus, delivery.AppStatus, delivery.Verdict));
        var droppedLetter = Assert.Single(Dapr.Publishes, p => p.DeadLetter && p.EventId == refused.Id.ToString());
        Assert.Equal(("ledger", "consent.changed.v1.deadletter", 204), (droppedLetter.AppId, droppedLetter.Topic, droppedLetter.Status));
        Assert.Contains(Dapr.Log, l => l.Contains("DROP", StringComparison.Ordinal) && l.Contains(refused.Id.ToString(), StringComparison.Ordinal));

        // The ledger's queue moved on: nothing of either event is still pending, and the ledger committed neither.
        await Eventually.TrueAsync(() => Dapr.PendingFor("ledger", "consent.changed.v1") == 0, "the ledger's consumer group is drained", Wait);
        var entries = await platform.LedgerEntriesAsync();
        Assert.DoesNotContain(entries, e => e.EventId == refused.Id || e.EventId == unreadable);
    }
}
