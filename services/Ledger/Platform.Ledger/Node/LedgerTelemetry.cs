using System.Diagnostics;
using Platform.Ledger.Core;

namespace Platform.Ledger.Node;

/// <summary>
/// The ledger's spans. A commit span covers appending one command through Raft until a majority committed it, so
/// the commit of an event that arrived on the bus continues that event's trace (its consumer span is the parent;
/// on a follower the forward to the leader is an HTTP call that carries the traceparent to the leader's own span).
/// With group commit the command is a batch: its span continues the first event's trace and links the others'.
/// </summary>
public static class LedgerTelemetry
{
    public const string Name = "Platform.Ledger";

    private static readonly ActivitySource Source = new(Name);

    public static Activity? StartCommit(LedgerCommand command, string replica)
    {
        var kind = command.GetType().Name;
        // A batch (group commit) continues its first submission's trace and links the others' (SubmissionBatcher).
        var links = command is SubmitBatch ? SubmissionBatcher.BatchSubmitters.Value?.Skip(1).Select(c => new ActivityLink(c)) : null;
        var activity = Source.StartActivity($"{kind} commit", ActivityKind.Internal, parentContext: default, links: links);
        activity?.SetTag("ledger.command", kind);
        if (command is SubmitBatch batch)
        {
            activity?.SetTag("ledger.batch.events", batch.SignedEvents.Count);
        }
        activity?.SetTag("ledger.replica", replica);
        return activity;
    }
}
