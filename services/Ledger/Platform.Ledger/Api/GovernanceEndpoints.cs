using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Platform.Ledger.Core;
using Platform.Ledger.Node;
using Platform.Ledger.Replication;
using Platform.Ledger.Verification;
using Platform.ServiceDefaults;

using Platform.Ledger.Api.Authorization;

namespace Platform.Ledger.Api;

/// <summary>
/// Consortium governance (docs/consortium.md, "Governance"): a member institution's operator posts the documents its
/// institution signed (proposal, ballot, withdrawal) to one of its own replicas, which checks them and appends them to
/// the log; the signature is what counts, the replica's admin authorization only keeps strangers from filling the log.
/// Proposals and their ballots are public to read, like the configuration they change.
/// </summary>
public static class GovernanceEndpoints
{
    // How long to wait for this replica to apply a relayed document after the leader committed it.
    private static readonly TimeSpan ApplyWait = TimeSpan.FromSeconds(10);

    public sealed record ProposalsResponse(int ConfigurationVersion, IReadOnlyList<GovernanceProposal> Proposals);

    public static IEndpointRouteBuilder MapGovernanceEndpoints(this IEndpointRouteBuilder app)
    {
        var reads = app.MapGroup("/governance").RequireRateLimiting(RateLimitPolicies.PerClient).WithTags("Consortium governance");
        reads.MapGet("/proposals", (LedgerNode node) => node.State.Consortium is null
                ? NotAConsortium()
                : Results.Ok(new ProposalsResponse(node.State.ConfigurationVersion, node.State.Proposals())))
            .WithSummary("Every governance proposal, oldest first, with its ballots and status, and the configuration version in force.");
        reads.MapGet("/proposals/{id}", (string id, LedgerNode node) => node.State.Consortium is null ? NotAConsortium()
                : node.State.Proposal(id) is { } proposal ? Results.Ok(proposal)
                : LedgerProblems.NotFound($"No proposal '{id}'.", "unknown_proposal"))
            .WithSummary("One governance proposal with its ballots and status.");

        var members = app.MapGroup("/governance")
            .RequireAuthorization(LedgerPolicies.Administer)
            .WithTags("Consortium governance");
        members.MapPost("/proposals", (SignedGovernanceDocument? document, HttpContext http, LedgerNode node, TimeProvider time) =>
                RelayAsync(document, GovernancePayload.Proposal, null, http, node, time))
            .WithSummary("Relay a member-signed proposal (admit, remove or rotate a member institution) to the ledger.");
        members.MapPost("/proposals/{id}/ballots", (string id, SignedGovernanceDocument? document, HttpContext http, LedgerNode node, TimeProvider time) =>
                RelayAsync(document, GovernancePayload.Ballot, id, http, node, time))
            .WithSummary("Relay a member-signed ballot (for or against) on a proposal; the proposal applies at a majority of member institutions.");
        members.MapPost("/proposals/{id}/withdrawal", (string id, SignedGovernanceDocument? document, HttpContext http, LedgerNode node, TimeProvider time) =>
                RelayAsync(document, GovernancePayload.Withdrawal, id, http, node, time))
            .WithSummary("Relay the proposer's signed withdrawal of its open proposal.");
        return app;
    }

    private static async Task<IResult> RelayAsync(SignedGovernanceDocument? document, string kind, string? proposalId,
        HttpContext http, LedgerNode node, TimeProvider time)
    {
        if (node.State.Consortium is null)
        {
            return NotAConsortium();
        }
        if (document is null || string.IsNullOrEmpty(document.Payload) || string.IsNullOrEmpty(document.Signature)
            || string.IsNullOrEmpty(document.Replica) || string.IsNullOrEmpty(document.Kid))
        {
            return LedgerProblems.BadRequest("Send the signed document: payload, replica, kid and signature (ledger governance sign).");
        }
        if (document.ReadPayload() is not { } payload || payload.Kind != kind || (proposalId is not null && payload.ProposalId != proposalId))
        {
            return LedgerProblems.BadRequest($"The payload is not a {kind}{(proposalId is null ? "" : $" on proposal '{proposalId}'")}.");
        }
        if (proposalId is not null && node.State.Proposal(proposalId) is null)
        {
            return LedgerProblems.NotFound($"No proposal '{proposalId}'.", "unknown_proposal");
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (node.State.GovernanceProblem(document, now) is { } problem)
        {
            return Refused(problem);
        }
        try
        {
            await node.AppendAsync(new GovernanceEntry(document, now), http.RequestAborted);
        }
        catch (QuorumUnavailableException)
        {
            return LedgerProblems.QuorumUnavailable(http);
        }
        // Applied on the leader by now; a follower that relayed it waits to apply the entry itself.
        var deadline = time.GetUtcNow() + ApplyWait;
        string? refusal;
        while (!node.State.TryGetGovernanceOutcome(document, out refusal))
        {
            if (time.GetUtcNow() > deadline)
            {
                return LedgerProblems.QuorumUnavailable(http);
            }
            await Task.Delay(50, http.RequestAborted);
        }
        if (refusal is not null)
        {
            return Refused(refusal);
        }
        var proposal = node.State.Proposal(payload.ProposalId)!;
        return kind == GovernancePayload.Proposal
            ? Results.Created($"/governance/proposals/{Uri.EscapeDataString(proposal.Id)}", proposal)
            : Results.Ok(proposal);
    }

    private static IResult Refused(string detail) => Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity,
        title: "The governance document was refused.", detail: detail,
        extensions: new Dictionary<string, object?> { ["code"] = "governance_refused" });

    private static IResult NotAConsortium() =>
        LedgerProblems.NotFound("This ledger is not run by a consortium, or its founding entry is not applied yet.", "not_a_consortium");
}
