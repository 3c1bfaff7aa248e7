using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Ledger.Api.Authorization;
using Platform.Ledger.Core;
using Platform.Ledger.Node;
using Platform.Ledger.Replication;
using Platform.ServiceDefaults;

namespace Platform.Ledger.Api;

/// <summary>
/// The ledger's HTTP API. Checkpoints, proofs, receipts and keys are public (anyone can check the log grows only by
/// appending) and rate-limited; entries are private (auditors only: who treats whom is not for everyone); submitting
/// needs a service token; <c>/internal/commands</c> is for the other replicas only.
/// </summary>
public static class LedgerEndpoints
{
    public sealed record SubmitRequest(string? SignedEvent);

    public sealed record SubmitResponse(Guid EventId, long LeafIndex, string Status);

    public static IEndpointRouteBuilder MapLedgerEndpoints(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<LedgerNodeOptions>>();
        var reads = app.MapGroup("").RequireRateLimiting(RateLimitPolicies.PerClient).WithTags("Ledger");

        app.MapPost("/entries", SubmitAsync)
            .RequireAuthorization(LedgerPolicies.Submit)
            .RequireRateLimiting(RateLimitPolicies.PerClient)
            .WithTags("Ledger")
            .WithSummary("Submit a signed event; answers once a majority of replicas committed it.");

        reads.MapGet("/entries/{leafIndex:long}", (long leafIndex, LedgerNode node) =>
                node.State.Entry(leafIndex) is { } entry
                    ? Results.Ok(new { leafIndex, signedEvent = entry.SignedEvent, leafHash = entry.LeafHash })
                    : LedgerProblems.NotFound($"The log has no entry {leafIndex}."))
            .RequireAuthorization(LedgerPolicies.Audit)
            .WithSummary("One entry of the log and its leaf hash; auditors only (entries are private, receipts carry them to their holders).");

        reads.MapGet("/events/{eventId:guid}/receipt", (Guid eventId, HttpContext http, LedgerNode node) =>
            {
                var lookup = node.State.ReceiptFor(eventId);
                switch (lookup.Status)
                {
                    case ReceiptStatus.Ready:
                        return Results.Ok(lookup.Receipt);
                    case ReceiptStatus.Pending:
                        http.Response.Headers.RetryAfter = "1";
                        return Results.Json(new { status = "pending", leafIndex = lookup.LeafIndex }, statusCode: StatusCodes.Status202Accepted);
                    default:
                        return LedgerProblems.NotFound($"No event {eventId} is in the log.");
                }
            })
            .WithSummary("The inclusion receipt of an event against the latest quorum-signed checkpoint.");

        reads.MapGet("/checkpoints/latest", (LedgerNode node) =>
                node.State.LatestFinalCheckpoint() is { } latest ? Results.Ok(latest) : LedgerProblems.NotFound("No checkpoint is final yet."))
            .WithSummary("The newest checkpoint signed by a majority of replicas.");

        reads.MapGet("/checkpoints/{treeSize:long}", (long treeSize, LedgerNode node) =>
                node.State.CheckpointAt(treeSize) is { } found
                    ? Results.Ok(new { found.Checkpoint.Checkpoint, found.Checkpoint.Signatures, final = found.IsFinal })
                    : LedgerProblems.NotFound($"No checkpoint was taken at tree size {treeSize}."))
            .WithSummary("The checkpoint taken at a tree size, with the signatures gathered so far.");

        // ?after=N makes it a feed: a witness that saw size N asks only for what came after it.
        reads.MapGet("/checkpoints", (long? after, LedgerNode node) => Results.Ok(new
            {
                checkpoints = after is { } seen ? [.. node.State.FinalCheckpoints().Where(c => c.Checkpoint.TreeSize > seen)] : node.State.FinalCheckpoints(),
            }))
            .WithSummary("Every final checkpoint, oldest first: the ledger's audit history (with ?after=N, those after tree size N).");

        reads.MapGet("/proofs/consistency", (long? from, long? to, LedgerNode node) =>
                from is null || to is null
                    ? LedgerProblems.BadRequest("Give both query parameters: from and to (tree sizes).")
                    : node.State.ConsistencyProof(from.Value, to.Value) is { } proof
                        ? Results.Ok(new { from, to, proof })
                        : LedgerProblems.BadRequest($"Sizes must satisfy 0 <= from <= to <= {node.State.TreeSize}.", "invalid_range"))
            .WithSummary("RFC 9162 consistency proof between two tree sizes.");

        reads.MapGet("/replicas/keys", (LedgerNode node) => Results.Ok(new { keys = node.State.ReplicaKeys() }))
            .WithSummary("The replicas' public checkpoint-signing keys (JWK).");

        reads.MapGet("/consortium", (LedgerNode node) =>
                node.State.Consortium is { } consortium ? Results.Ok(consortium)
                    : LedgerProblems.NotFound("This ledger is not run by a consortium, or its founding entry is not applied yet."))
            .WithSummary("The consortium's configuration on the ledger: member institutions, their checkpoint keys and CAs, the quorum rule.");

        reads.MapGet("/consortium/history", (LedgerNode node) =>
                node.State.History() is { } history ? Results.Ok(history)
                    : LedgerProblems.NotFound("This ledger is not run by a consortium, or its founding entry is not applied yet."))
            .WithSummary("The founding configuration and every accepted change, with the tree size it took effect at and its signed proposal and ballots (what `ledger audit` verifies).");

        reads.MapGet("/cluster/status", (LedgerNode node) =>
            {
                var status = node.Replica.Status;
                return Results.Ok(new
                {
                    replica = node.ReplicaName,
                    isLeader = node.Replica.IsLeader,
                    leader = status.Leader is { } leader ? RaftEndPoints.Format(leader) : null,
                    leaderName = status.Leader is { } named ? node.ReplicaOf(named)?.Name : null,
                    raft = new
                    {
                        self = RaftEndPoints.Format(status.Self),
                        term = status.Term,
                        commitIndex = status.CommitIndex,
                        leaderCommitIndex = status.LeaderCommitIndex,
                        heardCommitIndex = status.HeardCommitIndex,
                        lastAppliedIndex = status.LastAppliedIndex,
                        flushedAppends = status.FlushedAppends,
                        snapshot = status.Snapshot is { } snapshot ? new { snapshot.Index, snapshot.Taken, snapshot.Installed } : null,
                        tls = status.Tls,
                        refusedConnections = status.RefusedConnections,
                        refusedSenders = status.RefusedSenders,
                        members = status.Members.Select(m => new { endPoint = RaftEndPoints.Format(m.EndPoint), m.IsSelf, reachability = m.Reachability.ToString() }),
                    },
                    treeSize = node.State.TreeSize,
                    rejected = node.State.RejectedCount,
                    latestFinalCheckpoint = node.State.LatestFinalCheckpoint()?.Checkpoint.TreeSize,
                });
            })
            .WithSummary("Leader, term, commit index and members as this replica sees them.");

        // One operator: the replicas share the cluster token. A consortium: each forward is signed by its replica's
        // Raft TLS key, so no institution holds a credential that lets it forward as another's replica.
        var internalCommands = app.MapPost("/internal/commands", AppendInternalAsync).ExcludeFromDescription();
        if (options.Value.Consortium.IsConfigured && app.ServiceProvider.GetRequiredService<RaftReplica>().Tls is { } tls)
        {
            internalCommands.AddEndpointFilter(new ForwarderCertificateFilter(tls, app.ServiceProvider.GetRequiredService<LedgerState>().Options.LedgerId,
                app.ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System,
                app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger<ForwarderCertificateFilter>()));
        }
        else
        {
            internalCommands.RequireAuthorization(LedgerPolicies.Replicate);
        }
        return app;
    }

    private static async Task<IResult> SubmitAsync(SubmitRequest request, HttpContext http, LedgerNode node)
    {
        if (string.IsNullOrWhiteSpace(request.SignedEvent))
        {
            return LedgerProblems.BadRequest("The body needs signedEvent: a compact JWS.", "missing_signed_event");
        }
        try
        {
            var outcome = await node.SubmitAsync(request.SignedEvent, http.RequestAborted);
            return outcome.Status switch
            {
                SubmitStatus.Committed => Results.Created($"/entries/{outcome.LeafIndex}", new SubmitResponse(outcome.EventId!.Value, outcome.LeafIndex!.Value, "committed")),
                SubmitStatus.Duplicate => Results.Ok(new SubmitResponse(outcome.EventId!.Value, outcome.LeafIndex!.Value, "duplicate")),
                _ => LedgerProblems.Rejected(outcome),
            };
        }
        catch (QuorumUnavailableException)
        {
            return LedgerProblems.QuorumUnavailable(http);
        }
    }

    private static async Task<IResult> AppendInternalAsync(HttpContext http, LedgerNode node)
    {
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, http.RequestAborted);
        // Replicas may only send what replicas produce; closing blocks and trusting publishers stay with the leader.
        // A governance entry is a member-signed document a replica relays; every replica checks its signature on apply.
        var command = LedgerCommand.FromBytes(body.ToArray());
        if (command is not (SubmitEvent or SubmitBatch or RegisterReplicaKey or SignCheckpoint or GovernanceEntry))
        {
            return LedgerProblems.BadRequest("Only submit, submit-batch, replica-key, checkpoint-signature and consortium-governance commands are accepted.", "invalid_command");
        }
        if (!node.Replica.IsLeader)
        {
            return Results.Problem(statusCode: StatusCodes.Status421MisdirectedRequest, title: "This replica is not the leader.");
        }
        try
        {
            return Results.Ok(await node.AppendAsync(command, http.RequestAborted));
        }
        catch (QuorumUnavailableException)
        {
            return LedgerProblems.QuorumUnavailable(http);
        }
    }
}
